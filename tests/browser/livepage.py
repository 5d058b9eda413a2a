"""A small standalone page that holds the live toy GANs (_static/live/), served on localhost.

The tests and experiments/bench_live_gan.py open the component here rather than in the
whole book: the page has the book's files for the component (gan-live.js, gan-live.css)
and TensorFlow.js from the cache that `make tfjs` fills, laid out as the book build lays
them out (bookbuild/live_static.py copies vendor/tf.min.js next to gan-live.js).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIVE = ROOT / "_static" / "live"
TFJS_PACKAGES = ROOT / ".cache" / "tfjs" / "node_modules" / "@tensorflow"
TFJS = TFJS_PACKAGES / "tfjs" / "dist" / "tf.min.js"
WASM_DIST = TFJS_PACKAGES / "tfjs-backend-wasm" / "dist"

WIDGET = "div.gan-live"
READY = "() => { const w = document.querySelector('div.gan-live').ganLive; return w && w.gan && w.state; }"
GAN = "document.querySelector('div.gan-live').ganLive.gan"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gan-live test page</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="_static/live/gan-live.css">
{head}
<script src="_static/live/gan-live.js"></script>
</head>
<body style="margin: 0 auto; max-width: {column}px; padding: 0 8px; font-family: sans-serif">
{body}
</body>
</html>
"""


def widget_html(name: str = "ch4-gaussian-1d", autoplay: bool = True) -> str:
    """The markup a chapter cell holds (without its fallback line)."""
    extra = "" if autoplay else ' data-autoplay="false"'
    return f'<div class="gan-live" data-gan-live="{name}"{extra}><p>no JavaScript</p></div>'


def tab_order(page, presses: int) -> list[str]:
    """What keyboard focus reaches, from the widget's Play button, in ``presses`` Tabs
    (each element's id, or its text for a button)."""
    page.locator(f"{WIDGET} .gan-live-play").focus()
    reached = []
    for _ in range(presses):
        reached.append(page.evaluate("() => document.activeElement.id || document.activeElement.textContent"))
        page.keyboard.press("Tab")
    return reached


def build_site(folder: Path, pages: dict[str, str], column: int = 720, head: str = "") -> Path:
    """Write the component, TensorFlow.js and ``pages`` (file name -> body HTML) to ``folder``."""
    if not TFJS.is_file():
        raise FileNotFoundError(f"TensorFlow.js not found at {TFJS}; run `make tfjs`")
    static = folder / "_static" / "live"
    shutil.copytree(LIVE, static, dirs_exist_ok=True)
    (static / "vendor").mkdir(exist_ok=True)
    shutil.copy(TFJS, static / "vendor" / TFJS.name)
    for path in [WASM_DIST / "tf-backend-wasm.min.js", *WASM_DIST.glob("*.wasm")]:
        shutil.copy(path, static / "vendor" / path.name)
    for name, body in pages.items():
        (folder / name).write_text(PAGE.format(head=head, body=body, column=column))
    return folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class LivePage:
    """A page with the widget, recording console errors and requests off the local server."""

    def __init__(self, browser, url, width=1280, reduced_motion="no-preference", path="index.html"):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, reduced_motion=reduced_motion)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(route):
            if route.request.url.startswith(url):
                route.continue_()
            else:
                self.external.append(route.request.url)
                route.abort()

        self.page.route("**/*", route)
        self.page.goto(f"{url}/{path}", wait_until="load")
        self.page.wait_for_function(READY, timeout=60_000)

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)

    def weights(self):
        return self.js(f"() => {GAN}.weights()")

    def readouts(self):
        return self.js(
            "() => Object.fromEntries([...document.querySelectorAll('[data-readout]')]"
            ".map(e => [e.dataset.readout, e.textContent]))"
        )

    def step_count(self):
        return self.js(f"() => {GAN}.step")

    def close(self):
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.external == [], f"requests off the local server: {self.external}"
        self.context.close()

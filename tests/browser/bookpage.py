"""Where the built book is, and a browser page that records what a reader's browser would.

The page loads MathJax 3 from its CDN, as a reader's browser does; there is no
network here, so requests to the CDN are answered from the copy that `make browser`
installs with npm into .cache/mathjax. Any other external request is answered with an
empty body and recorded, so a page that depends on the network shows up in the tests.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("GAN_BOOK_HTML", ROOT / "_build/quick/src/_build/html"))
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/"
MATHJAX_LOCAL = ROOT / ".cache/mathjax/node_modules/mathjax/es5"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Full-page screenshots of every page for a reader's eye (`make screenshots` sets this to
# _build/screenshots). Each costs seconds on a long chapter page, three per page, so a
# plain test run takes none.
SCREENSHOTS = os.environ.get("GAN_BOOK_SCREENSHOTS")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Console errors that come from the pinned theme stack, not from the book, each with its reason.
KNOWN_THEME_ERRORS = (
    # pydata-sphinx-theme logs this on a first visit, when localStorage has no theme yet.
    "Got invalid theme mode",
)


# External requests that pages make but do not need, each with its reason. (matplotlib's
# to_jshtml animations link Font Awesome 4.4 from a CDN; bookbuild.reader_pages leaves the
# link out, since the theme's own Font Awesome draws the same icons offline.)
KNOWN_EXTERNAL_REQUESTS = ()


class BookPage:
    """A page opened in Chromium, with the console errors and external requests it made."""

    def __init__(self, browser, book_url: str):
        self.book_url = book_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []
        self.page.on("console", lambda m: self._error(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self._error(str(e)))
        self.page.route("**/*", self._route)

    def _error(self, text: str) -> None:
        if not any(known in text for known in KNOWN_THEME_ERRORS):
            self.console_errors.append(text)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.book_url):
            route.continue_()
        elif url.startswith(MATHJAX_CDN):
            local = MATHJAX_LOCAL / url[len(MATHJAX_CDN) :].split("?")[0]
            if local.is_file():
                route.fulfill(path=str(local))
            else:
                route.fulfill(status=404, body="")
        else:
            if url not in KNOWN_EXTERNAL_REQUESTS:
                self.external_requests.append(url)
            route.fulfill(status=200, body="")

    def open(self, path: str):
        response = self.page.goto(f"{self.book_url}/{path}", wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def wait_for_mathjax(self):
        """Wait until MathJax has typeset the page (pages without math load no MathJax)."""
        if self.page.locator("script[src*='mathjax']").count() == 0:
            return
        self.page.wait_for_function("() => window.MathJax && MathJax.startup", timeout=30_000)
        self.page.evaluate("() => MathJax.startup.promise.then(() => true)")

    def screenshot(self, name: str) -> None:
        """Save a full-page screenshot as SCREENSHOTS/name, when screenshots are asked for."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)

    def close(self):
        self.context.close()

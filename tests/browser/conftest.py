"""Serve the quick-mode book on localhost and open it in headless Debian Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from bookpage import CHROMIUM, CHROMIUM_ARGS, HTML, MATHJAX_LOCAL, BookPage


def pytest_collection_modifyitems(items):
    """Group each page's tests (``--dist loadgroup``), so that under ``pytest -n 2`` one
    worker opens a page once for all of them and the pages are shared between workers."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "path" in callspec.params:
            page = Path(str(callspec.params["path"])).stem
            item.add_marker(pytest.mark.xdist_group(page))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def book_url():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book at {HTML}; run `make quick-book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; apt-get install -y chromium")
    if not MATHJAX_LOCAL.exists():
        pytest.fail(f"MathJax not found at {MATHJAX_LOCAL}; run `make browser`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def book_page(browser, book_url):
    page = BookPage(browser, book_url)
    yield page
    page.close()

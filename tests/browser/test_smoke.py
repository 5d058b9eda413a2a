"""Smoke test of the built book in a real browser: pages load, math typesets, figures show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "_build" / "screenshots"


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [f"{c['file']}.html" for part in toc["parts"] for c in part["chapters"]]


def chapter_pages() -> list[str]:
    return [page for page in toc_pages() if page.startswith("chapters/")]


PAGES = ["index.html", "intro.html", *toc_pages()]

VISIBLE_TEXT = "() => document.querySelector('main').innerText"
IMAGES = """() => Array.from(document.querySelectorAll('main img')).map(img => ({
    src: img.currentSrc || img.src, width: img.naturalWidth, height: img.naturalHeight,
    complete: img.complete}))"""


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_typesets_math_and_shows_figures(book_page, path):
    page = book_page.open(path)
    book_page.wait_for_mathjax()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "__") + ".png")), full_page=True)

    assert book_page.console_errors == [], f"{path}: console errors {book_page.console_errors}"
    text = page.evaluate(VISIBLE_TEXT)
    assert "$$" not in text and "\\frac" not in text, f"{path}: raw LaTeX left in the page"
    assert not re.search(r"\{(exercise|solution|prf:\w+)\}", text), f"{path}: raw directive"

    if path.startswith("chapters/"):
        assert page.locator("mjx-container").count() > 0, f"{path}: no typeset math"
        images = page.evaluate(IMAGES)
        assert images, f"{path}: no figures"
        for image in images:
            assert image["complete"] and image["width"] > 50 and image["height"] > 50, (
                f"{path}: empty or broken image {image['src'][:80]}"
            )


@pytest.mark.parametrize("path", chapter_pages())
def test_chapter_has_a_colab_button_for_its_notebook(book_page, path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    owner_repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    expected = (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/"
        f"{path.removesuffix('.html')}.ipynb"
    )
    page = book_page.open(path)
    links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
    assert expected in links, f"{path}: no Colab link {expected}"

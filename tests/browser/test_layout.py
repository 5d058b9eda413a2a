"""Does every page fit a reader's screen? (issue 16)

Each page of the quick-mode book is opened once at 1280x900 and once at a phone's
390x844, with every solution dropdown opened, as a reader who checks an answer opens it.
At 1280 px nothing in the main column scrolls sideways (code, printed tables, tables,
math, the solutions' content included), every figure's smallest text renders at 9 px or
more, and chapter pages show no development output. On the phone, every animation's
frame and controls are on the screen. Search snippets show no raw TeX. Both views are
saved, solutions open, as full-page screenshots: ``<page>.solutions.png`` (1280 px) and
``<page>.phone.png`` (390 px).

The figure rule: ``gan_lib.plotting`` sets no font below ``MIN_FONT_PT`` points and saves
figures at ``DPI`` dots per inch (tests/test_plotting.py checks that the chapters keep
it), so a figure's smallest text is ``MIN_FONT_PT * DPI / 72`` pixels at natural size and
``MIN_FONT_PT * DPI / 72 * rendered / natural`` pixels as shown.
"""

from __future__ import annotations

import pytest
from bookpage import BookPage
from test_book import CHAPTER_PAGES, PAGES, SCREENSHOTS, open_solutions

from gan_lib import plotting

MIN_TEXT_PX = 9
PHONE = {"width": 390, "height": 844}
DEVELOPMENT_WORDS = ("MISSED", "target:", "load average", "Downloading data from", "Recipe(")

LAYOUT = """() => {
  const main = document.querySelector('main') || document.body;
  const column = (document.querySelector('article.bd-article') || main).getBoundingClientRect();
  const describe = e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: ` +
      (e.innerText || e.getAttribute('src') || '').trim().slice(0, 70).replace(/\\s+/g, ' ');
  const scrolls = Array.from(main.querySelectorAll(
      'pre, .pst-scrollable-table-container, table, .cell_output > div, mjx-container[display="true"], .animation'))
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => `${describe(e)} (${e.scrollWidth} px of content in ${e.clientWidth} px)`);
  const beyond = Array.from(main.querySelectorAll('pre, table, img, .animation, mjx-container[display="true"]'))
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > column.right + 1)
    .map(e => `${describe(e)} (right edge ${Math.round(e.getBoundingClientRect().right)} px, ` +
                `column ends at ${Math.round(column.right)} px)`);
  const figures = Array.from(main.querySelectorAll('.cell_output img, .animation img'))
    .filter(img => img.naturalWidth > 50 && img.offsetParent !== null)
    .map(img => ({src: (img.getAttribute('src') || '').slice(0, 60), natural: img.naturalWidth,
                  rendered: img.getBoundingClientRect().width}));
  // What a reader reads: prose and outputs; a cell's code may name a variable `target`.
  const reading = main.cloneNode(true);
  reading.querySelectorAll('.cell_input').forEach(e => e.remove());
  return {column: column.width, scrolls, beyond, figures, text: reading.textContent};
}"""

PHONE_ANIMATIONS = """() => Array.from(document.querySelectorAll('main .animation')).map(a => {
  const inside = e => { const r = e.getBoundingClientRect();
                        return r.left >= -1 && r.right <= window.innerWidth + 1 && r.width > 0; };
  const buttons = Array.from(a.querySelectorAll('.anim-buttons button'));
  return {buttons: buttons.length,
          off_screen: buttons.filter(b => !inside(b)).map(b => b.title || b.innerText),
          image_fits: inside(a.querySelector('img')),
          slider_fits: inside(a.querySelector('input[type=range]'))};
})"""


class Layouts:
    """Opens each page once per viewport, opens its solutions, keeps what was measured."""

    def __init__(self, browser, book_url):
        self.browser, self.book_url, self.seen = browser, book_url, {}

    def __call__(self, path: str, phone: bool = False):
        key = (path, phone)
        if key not in self.seen:
            page = BookPage(self.browser, self.book_url)
            try:
                if phone:
                    page.page.set_viewport_size(PHONE)
                page.open(path)
                page.wait_for_mathjax()
                assert all(open_solutions(page.page)), f"{path}: a solution did not open"
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = path.replace("/", "__") + (".phone.png" if phone else ".solutions.png")
                page.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
                if phone:
                    self.seen[key] = page.page.evaluate(PHONE_ANIMATIONS)
                else:
                    self.seen[key] = page.page.evaluate(LAYOUT)
            finally:
                page.close()
        return self.seen[key]


@pytest.fixture(scope="session")
def layout(browser, book_url):
    return Layouts(browser, book_url)


@pytest.mark.parametrize("path", PAGES)
def test_main_content_does_not_scroll_sideways_at_1280(layout, path):
    facts = layout(path)
    problems = facts["scrolls"] + facts["beyond"]
    assert not problems, f"{path}: wider than its {facts['column']:.0f} px column:\n" + "\n".join(
        problems[:15]
    )


@pytest.mark.parametrize("path", PAGES)
def test_figure_text_renders_at_9_px_or_more(layout, path):
    natural_px = plotting.MIN_FONT_PT * plotting.DPI / 72
    small = [
        f"{f['src']}: {f['natural']} px shown at {f['rendered']:.0f} px, so its "
        f"{plotting.MIN_FONT_PT} pt text is {natural_px * f['rendered'] / f['natural']:.1f} px"
        for f in layout(path)["figures"]
        if natural_px * f["rendered"] / f["natural"] < MIN_TEXT_PX
    ]
    assert not small, f"{path}: figures shrunk below readable text:\n" + "\n".join(small)


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_chapter_pages_show_no_development_output(layout, path):
    text = layout(path)["text"]
    found = [word for word in DEVELOPMENT_WORDS if word.lower() in text.lower()]
    assert not found, f"{path}: development output on a reader page: {found}"


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_tables_that_cells_display_are_rendered_as_tables(layout, path):
    text = layout(path)["text"]
    raw = [rule for rule in ("|:---", "|---:", "|:—", "|—:") if rule in text]
    assert not raw, f"{path}: a Markdown table shown as text (its rule {raw[0]!r}), not as a table"


@pytest.mark.parametrize("path", PAGES)
def test_animations_keep_their_controls_on_a_phone(layout, path):
    for number, animation in enumerate(layout(path, phone=True)):
        where = f"{path}: animation {number + 1} at {PHONE['width']} px"
        assert animation["buttons"] >= 9, f"{where}: {animation['buttons']} buttons"
        assert not animation["off_screen"], f"{where}: off screen: {animation['off_screen']}"
        assert animation["image_fits"] and animation["slider_fits"], f"{where}: {animation}"


def test_search_snippets_show_no_raw_tex(book_page):
    page = book_page.open("search.html?q=discriminator")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li p.context').length > 2",
        timeout=30_000,
    )
    page.wait_for_timeout(1_000)  # the remaining snippets
    snippets = page.eval_on_selector_all(
        "#search-results li p.context", "els => els.map(p => p.innerText)"
    )
    raw = [s[:120] for s in snippets if "\\(" in s or "\\frac" in s or "$$" in s or "\\[" in s]
    assert not raw, f"{len(raw)} of {len(snippets)} snippets show TeX: {raw[:3]}"

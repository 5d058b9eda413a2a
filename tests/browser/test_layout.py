"""Does every page fit a reader's screen? (issues 16 and 31)

Each page of the quick-mode book is opened once at 1280x900 and once at a phone's
390x844, with every solution dropdown opened, as a reader who checks an answer opens it.
At 1280 px nothing in the main column scrolls sideways (code, printed output, animations,
the solutions' content included) except a table or a formula in its own scroll box, every
figure's smallest text renders at 9 px or more, and chapter pages show no development
output. At both widths the page has one search box and never scrolls sideways, no word or
number in a table cell is broken across lines, and everything in the column is inside it or
inside a box that scrolls and shows that it does (its content fades out at the edge with
more to see; ``_static/scroll-cues.js``). On the phone, every formula passes that test and
every animation's frame and controls are on the screen. Search snippets show no raw TeX.
Figures (issue 31, item 6): on chapter pages every image has alt text that says what it
shows (not a file name), and every image or animation that a cell outputs sits in a figure
whose caption is numbered "Figure N.k"; at 390 px too, figure text renders at 9 px or more
(a figure too wide for the phone's column scrolls in its own box, scroll-cues.js).
With ``make screenshots`` both views are saved, solutions open, as full-page screenshots
in ``_build/screenshots/``: ``<page>.solutions.png`` (1280 px) and ``<page>.phone.png`` (390 px).

The figure rule: ``gan_lib.plotting`` sets no font below ``MIN_FONT_PT`` points and saves
figures at ``DPI`` dots per inch (tests/test_plotting.py checks that the chapters keep
it), so a figure's smallest text is ``MIN_FONT_PT * DPI / 72`` pixels at natural size and
``MIN_FONT_PT * DPI / 72 * rendered / natural`` pixels as shown.
"""

from __future__ import annotations

import re

import pytest
from bookpage import BookPage
from test_book import CHAPTER_PAGES, PAGES, open_solutions

from bookbuild import reader_pages
from gan_lib import plotting

MIN_TEXT_PX = 9
# Alt text that a screen reader should not read: a file name, a hash, a path.
PHONE = {"width": 390, "height": 844}
DEVELOPMENT_WORDS = ("MISSED", "target:", "load average", "Downloading data from", "Recipe(")

# Functions both views use. `placement(e)`: what is wrong with where `e` is, or null: `e`
# lies inside the column, or inside a box that scrolls sideways, lies inside the column and
# shows that it scrolls (content that fades out: a CSS mask); if `e` itself scrolls, it
# shows that it does. `brokenWords(cell)`: the words
# of a table cell that the browser split across lines (a word is what lies between spaces;
# a hyphen, a dash or a slash may end a line).
HELPERS = """
  const main = document.querySelector('main') || document.body;
  // The page's own content: main also holds the sidebar with the page's table of contents.
  const article = document.querySelector('article.bd-article') || main;
  const column = article.getBoundingClientRect();
  // Cut by code points: a formula's text has letters outside the BMP (U+1D465 for x).
  const cut = (text, n) => Array.from(text.trim()).slice(0, n).join('').replace(/\\s+/g, ' ');
  const describe = e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: ` +
      cut(e.innerText || e.getAttribute('src') || '', 70);
  // Shown on the page: rendered, and not inside a closed <details> (a folded cell input,
  // hide-input; it is measured again when the reader opens it, scroll-cues.js).
  const shown = e => e.offsetParent !== null && !e.closest('details:not([open])');
  const inColumn = r => r.left >= column.left - 1 && r.right <= column.right + 1;
  const overflows = e => e.scrollWidth > e.clientWidth + 1;
  const showsItScrolls = e => {
    const style = getComputedStyle(e);
    return ['auto', 'scroll'].includes(style.overflowX) &&
        /gradient/.test(style.maskImage || style.webkitMaskImage || '');
  };
  const placement = e => {
    if (overflows(e) && getComputedStyle(e).overflowX !== 'visible' && !showsItScrolls(e))
      return `${describe(e)}: scrolls (${e.scrollWidth} px of content in ${e.clientWidth} px) ` +
          'and does not show that it does';
    if (inColumn(e.getBoundingClientRect())) return null;
    for (let box = e.parentElement; box && box !== article.parentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === 'visible' || !overflows(box)) continue;
      if (!['auto', 'scroll'].includes(style.overflowX))
        return `${describe(e)}: clipped by ${describe(box)} (overflow-x ${style.overflowX})`;
      if (!inColumn(box.getBoundingClientRect()))
        return `${describe(e)}: its scroll box ${describe(box)} runs past the column`;
      if (!showsItScrolls(box))
        return `${describe(e)}: its scroll box ${describe(box)} does not show that it scrolls`;
      return null;
    }
    return `${describe(e)} (right edge ${Math.round(e.getBoundingClientRect().right)} px, ` +
        `column ends at ${Math.round(column.right)} px)`;
  };
  const brokenWords = cell => {
    const broken = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('mjx-container, .math')) continue;
      // Chinese and Japanese text may break between any two characters: none is a word.
      const re = /[^\\s\\-\u2013\u2014/\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]+[\\-\u2013\u2014/]*/gu;
      for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].replace(/[\\-\u2013\u2014/]+$/, '').length);
        const tops = new Set(Array.from(range.getClientRects())
            .filter(r => r.width > 0).map(r => Math.round(r.top / 4)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  };
  const page = {width: document.documentElement.scrollWidth, viewport: window.innerWidth,
    // Search fields and buttons a reader sees (the theme keeps others hidden for other widths).
    search: Array.from(document.querySelectorAll('.search-button__button, form.bd-search'))
      .filter(e => e.checkVisibility({visibilityProperty: true}) &&
                   e.getBoundingClientRect().width > 0)
      .map(e => describe(e))};
  const tableWords = Array.from(article.querySelectorAll('table td, table th'))
    .filter(c => c.offsetParent !== null)
    .flatMap(c => brokenWords(c).map(w => `${JSON.stringify(w)} in ` +
        `"${cut(c.innerText, 50)}"`));
  // A figure: an image or an animation that a cell output; its number and caption.
  const figures = Array.from(article.querySelectorAll('.cell_output img, .animation img'))
    .filter(img => img.naturalWidth > 50 && img.offsetParent !== null)
    .map(img => {
      const caption = img.closest('figure')?.querySelector('figcaption');
      return {src: (img.getAttribute('src') || img.id || '').slice(0, 60),
              natural: img.naturalWidth, rendered: img.getBoundingClientRect().width,
              number: caption?.querySelector('.caption-number')?.innerText.trim() || '',
              caption: caption ? cut(caption.innerText, 60) : ''};
    });
  // Every image of the page's content, with the alt text a screen reader reads.
  const images = Array.from(article.querySelectorAll('img'))
    .filter(img => img.offsetParent !== null)
    .map(img => ({src: (img.getAttribute('src') || img.id || '').slice(0, 60),
                  alt: img.getAttribute('alt')}));
"""

LAYOUT = (
    "() => {"
    + HELPERS
    + """
  // Code, printed output and animations fit the column at 1280 px; a table or a formula may
  // scroll in its own box (placement()).
  const scrolls = Array.from(article.querySelectorAll(
      'pre, .cell_output > div:not(.pst-scrollable-table-container), .animation'))
    .filter(e => shown(e) && overflows(e))
    .map(e => `${describe(e)} (${e.scrollWidth} px of content in ${e.clientWidth} px)`);
  const beyond = Array.from(article.querySelectorAll('pre, table, img, .animation, mjx-container'))
    .filter(shown).map(placement).filter(p => p !== null);
  // What a reader reads: prose and outputs; a cell's code may name a variable `target`.
  const reading = main.cloneNode(true);
  reading.querySelectorAll('.cell_input').forEach(e => e.remove());
  return {column: column.width, scrolls, beyond, figures, images, page, tableWords,
          text: reading.textContent};
}"""
)

PHONE_LAYOUT = (
    "() => {"
    + HELPERS
    + """
  const formulas = Array.from(article.querySelectorAll('mjx-container'))
    .filter(shown).map(placement).filter(p => p !== null);
  const beyond = Array.from(article.querySelectorAll('pre, table, img, .animation'))
    .filter(shown).map(placement).filter(p => p !== null);
  const inside = e => { const r = e.getBoundingClientRect();
                        return r.left >= -1 && r.right <= window.innerWidth + 1 && r.width > 0; };
  const animations = Array.from(main.querySelectorAll('.animation')).map(a => {
    const buttons = Array.from(a.querySelectorAll('.anim-buttons button'));
    return {buttons: buttons.length,
            off_screen: buttons.filter(b => !inside(b)).map(b => b.title || b.innerText),
            image_fits: inside(a.querySelector('img')),
            slider_fits: inside(a.querySelector('input[type=range]'))};
  });
  return {column: column.width, formulas, beyond, figures, images, page, tableWords, animations};
}"""
)


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
                page.screenshot(path.replace("/", "__") + (".phone.png" if phone else ".solutions.png"))
                page.page.wait_for_timeout(200)  # scroll-cues.js marks the boxes
                self.seen[key] = page.page.evaluate(PHONE_LAYOUT if phone else LAYOUT)
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


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "390"])
@pytest.mark.parametrize("path", PAGES)
def test_the_page_never_scrolls_sideways(layout, path, phone):
    page = layout(path, phone=phone)["page"]
    assert page["width"] <= page["viewport"], (
        f"{path}: the page is {page['width']} px wide in a {page['viewport']} px window"
    )


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "390"])
@pytest.mark.parametrize("path", PAGES)
def test_one_search_box(layout, path, phone):
    search = layout(path, phone=phone)["page"]["search"]
    assert len(search) == 1, f"{path}: {len(search)} search boxes: {search}"


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "390"])
@pytest.mark.parametrize("path", PAGES)
def test_table_cells_keep_their_words_whole(layout, path, phone):
    broken = layout(path, phone=phone)["tableWords"]
    assert not broken, f"{path}: words split across lines in table cells:\n" + "\n".join(
        broken[:15]
    )


@pytest.mark.parametrize("path", PAGES)
def test_formulas_fit_a_phone_or_scroll_in_a_box_that_shows_it(layout, path):
    facts = layout(path, phone=True)
    problems = facts["formulas"] + facts["beyond"]
    assert not problems, (
        f"{path}: at {PHONE['width']} px, past its {facts['column']:.0f} px column:\n"
        + "\n".join(problems[:15])
    )


def small_figure_text(figures) -> list[str]:
    """The figures whose smallest (MIN_FONT_PT) text renders below MIN_TEXT_PX."""
    natural_px = plotting.MIN_FONT_PT * plotting.DPI / 72
    return [
        f"{f['src']}: {f['natural']} px shown at {f['rendered']:.0f} px, so its "
        f"{plotting.MIN_FONT_PT} pt text is {natural_px * f['rendered'] / f['natural']:.1f} px"
        for f in figures
        if natural_px * f["rendered"] / f["natural"] < MIN_TEXT_PX
    ]


@pytest.mark.parametrize("path", PAGES)
def test_figure_text_renders_at_9_px_or_more(layout, path):
    small = small_figure_text(layout(path)["figures"])
    assert not small, f"{path}: figures shrunk below readable text:\n" + "\n".join(small)


@pytest.mark.parametrize("path", PAGES)
def test_figure_text_renders_at_9_px_or_more_on_a_phone(layout, path):
    """At 390 px a figure keeps its text at 9 px or more: it is narrow enough for the
    column, or it scrolls in its own box (scroll-cues.js; the box's cue is checked by
    test_formulas_fit_a_phone_or_scroll_in_a_box_that_shows_it)."""
    small = small_figure_text(layout(path, phone=True)["figures"])
    assert not small, (
        f"{path}: at {PHONE['width']} px, figures shrunk below readable text:\n"
        + "\n".join(small)
    )


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_every_image_has_alt_text_that_is_not_a_file_name(layout, path):
    bad = [
        f"{image['src']}: alt {image['alt']!r}"
        for image in layout(path)["images"]
        if not reader_pages.alt_says_what_it_shows(image["alt"])
    ]
    assert not bad, f"{path}: images without alt text that says what they show:\n" + "\n".join(
        bad[:15]
    )


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_every_figure_has_a_numbered_caption(layout, path):
    """Every image or animation that a cell outputs sits in a figure whose caption starts
    "Figure N.k" (N: the chapter's number, from _toc.yml)."""
    number = CHAPTER_PAGES.index(path) + 1
    bad = [
        f"{f['src']}: caption number {f['number']!r}, caption {f['caption']!r}"
        for f in layout(path)["figures"]
        if not re.fullmatch(rf"Figure {number}\.\d+", f["number"].strip())
        or len(f["caption"].split()) < 5
    ]
    assert not bad, f"{path}: figures without a numbered caption:\n" + "\n".join(bad[:15])


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
    for number, animation in enumerate(layout(path, phone=True)["animations"]):
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

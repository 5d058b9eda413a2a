"""The built quick-mode book as a reader sees it, in headless Chromium.

Every page of the build is opened once (``visit``); the facts a reader would notice are
recorded (with ``make screenshots``, a full-page screenshot is saved to
``_build/screenshots/``), then the page's
controls are used (animation buttons, solution dropdowns). The tests below assert on
those facts, page by page. Nothing here names a chapter: the pages come from the build
and ``_toc.yml``, and what each page must contain (exercises, solutions, proofs,
animations) is counted in its source, so the suite follows the book as chapters land.

Links are checked without the browser: every internal ``href``/``src`` of every built
page must point at an existing file, and every ``#anchor`` at an existing id.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from bookpage import HTML, ROOT, BookPage
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def built_pages() -> list[str]:
    """Every HTML page of the build (the book's pages plus Sphinx's index pages)."""
    if not HTML.is_dir():
        return []
    pages = [p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")]
    return sorted(p for p in pages if not p.startswith(("_static/", "_sources/", "_images/")))


TOC_PAGES = [f"{name}.html" for name in toc_files()]
CHAPTER_PAGES = [page for page in TOC_PAGES if page.startswith("chapters/")]
# index.html only redirects to the root page; search.html is tested with a query below.
PAGES = [
    p for p in dict.fromkeys([*TOC_PAGES, *built_pages()]) if p not in ("index.html", "search.html")
]


def source_of(page: str) -> str:
    """The markdown of the page's source (notebook markdown cells or the .md file)."""
    stem = ROOT / page.removesuffix(".html")
    if stem.with_suffix(".ipynb").exists():
        import nbformat

        nb = nbformat.read(stem.with_suffix(".ipynb"), as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    if stem.with_suffix(".md").exists():
        return stem.with_suffix(".md").read_text()
    return ""


def code_of(page: str) -> str:
    path = ROOT / page.replace(".html", ".ipynb")
    if not path.exists():
        return ""
    import nbformat

    return "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    )


def directives(page: str, name: str) -> int:
    """How many ``{name}`` directives (colon or backtick fences) the page's source has."""
    return len(re.findall(r"^\s*(?::{3,}|`{3,})\{" + name + r"\}", source_of(page), flags=re.M))


# --- one visit per page -------------------------------------------------------------------

FACTS = """() => {
  const main = document.querySelector('main') || document.body;
  const visible = el => el.offsetHeight > 0 && getComputedStyle(el).visibility !== 'hidden';
  return {
    url: location.href,
    text: main.innerText,
    prose: (() => {  // the text without code and outputs, where a regex can hold a bracket
      const copy = main.cloneNode(true);
      copy.querySelectorAll('pre, code').forEach(e => e.remove());
      return copy.textContent;
    })(),
    math: Array.from(main.querySelectorAll('.math')).map(m => ({
        typeset: m.querySelector('mjx-container') !== null, raw: m.textContent.slice(0, 80)})),
    images: Array.from(main.querySelectorAll('img')).map(img => ({
        src: (img.currentSrc || img.src).slice(0, 100), width: img.naturalWidth,
        height: img.naturalHeight, complete: img.complete})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    exercises: Array.from(main.querySelectorAll('.exercise')).map(e => ({
        id: e.id, title: (e.querySelector('.admonition-title') || {}).innerText || '',
        visible: visible(e)})),
    solutions: Array.from(main.querySelectorAll('.solution')).map(s => ({
        id: s.id, classes: s.className,
        content_visible: Array.from(s.children).filter(c => !c.classList.contains('admonition-title'))
            .some(visible),
        button: s.querySelector('button.toggle-button') !== null})),
    proofs: Array.from(main.querySelectorAll('.proof')).map(p => ({
        classes: p.className, height: p.offsetHeight,
        title: (p.querySelector('.admonition-title') || {}).innerText || '',
        text: p.innerText.slice(0, 200),
        math_typeset: p.querySelectorAll('.math').length ===
            p.querySelectorAll('.math mjx-container').length})),
    animations: Array.from(main.querySelectorAll('.animation img[id^="_anim_img"]')).map(
        img => img.id.slice('_anim_img'.length)),
  };
}"""

ANIMATION = """id => {
  const anim = window['anim' + id];
  const img = document.getElementById('_anim_img' + id);
  const slider = document.getElementById('_anim_slider' + id);
  return {ready: anim !== undefined, frames: anim ? anim.frames.length : 0,
          frame: anim ? anim.current_frame : null, playing: anim ? anim.timer !== null : null,
          src_is_frame: anim ? img.src === anim.frames[anim.current_frame].src : false,
          slider: Number(slider.value)};
}"""


def declared_start_frame(path: str, anim_id: str) -> int:
    """The frame an animation shows until the reader presses a button: 0, or the one that
    ``plotting.animation_html(start_frame=...)`` set in the page's HTML."""
    found = re.search(rf"anim{anim_id}\.set_frame\((\d+)\);", (HTML / path).read_text())
    return int(found.group(1)) if found else 0


def use_animation(page, anim_id: str) -> dict:
    """Step, rewind and play one to_jshtml animation with its own buttons; record each state."""
    controls = page.locator(f"#_anim_slider{anim_id} ~ .anim-buttons")
    page.wait_for_function("id => window['anim' + id] !== undefined", arg=anim_id, timeout=10_000)
    states = {"start": page.evaluate(ANIMATION, anim_id)}
    controls.locator("button[title='First frame']").click()
    states["after_first"] = page.evaluate(ANIMATION, anim_id)
    controls.locator("button[title='Next frame']").click()
    states["after_next"] = page.evaluate(ANIMATION, anim_id)
    controls.locator("button[title='First frame']").click()
    controls.locator("button[title='Play']").click()
    try:
        page.wait_for_function(
            "id => window['anim' + id].current_frame !== 0", arg=anim_id, timeout=10_000
        )
        states["played"] = True
    except PlaywrightTimeout:
        states["played"] = False
    states["while_playing"] = page.evaluate(ANIMATION, anim_id)
    controls.locator("button[title='Pause']").click()
    states["after_pause"] = page.evaluate(ANIMATION, anim_id)
    return states


def open_solutions(page) -> list[bool]:
    """Click every solution's toggle button; return whether each one's content then shows."""
    opened = []
    for solution in page.locator("main .solution").all():
        solution.locator("button.toggle-button").first.click()
        try:
            solution.locator(":scope > :not(.admonition-title)").first.wait_for(
                state="visible", timeout=5_000
            )
            opened.append(True)
        except PlaywrightTimeout:
            opened.append(False)
    return opened


class Visits:
    """Opens each page once per session and keeps what was seen there."""

    def __init__(self, browser, book_url: str):
        self.browser = browser
        self.book_url = book_url
        self.seen: dict[str, dict] = {}

    def __call__(self, path: str) -> dict:
        if path not in self.seen:
            self.seen[path] = self._visit(path)
        return self.seen[path]

    def _visit(self, path: str) -> dict:
        book_page = BookPage(self.browser, self.book_url)
        try:
            page = book_page.open(path)
            book_page.wait_for_mathjax()
            book_page.screenshot(path.replace("/", "__") + ".png")
            facts = page.evaluate(FACTS)
            facts["animation_states"] = [use_animation(page, a) for a in facts["animations"]]
            facts["solutions_open_on_click"] = open_solutions(page)
            facts["console_errors"] = list(book_page.console_errors)
            facts["external_requests"] = list(book_page.external_requests)
            return facts
        finally:
            book_page.close()


@pytest.fixture(scope="session")
def visit(browser, book_url):
    return Visits(browser, book_url)


# --- every page -----------------------------------------------------------------------------


def test_the_build_has_every_toc_page():
    missing = [page for page in TOC_PAGES if not (HTML / page).exists()]
    assert not missing, f"pages in _toc.yml but not built: {missing}"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors(visit, path):
    facts = visit(path)
    assert facts["console_errors"] == [], f"{path}: console errors {facts['console_errors']}"
    assert facts["text"].strip(), f"{path}: empty page"


@pytest.mark.parametrize("path", PAGES)
def test_page_needs_no_network_beyond_mathjax(visit, path):
    assert visit(path)["external_requests"] == [], (
        f"{path}: fetched {visit(path)['external_requests']}"
    )


@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset(visit, path):
    facts = visit(path)
    text = facts["prose"]
    assert "$$" not in text and "\\frac" not in text, f"{path}: raw LaTeX left in the page"
    assert not re.search(r"\\\(|\\\[|\\begin\{", text), f"{path}: raw LaTeX delimiters left"
    untypeset = [m["raw"] for m in facts["math"] if not m["typeset"]]
    assert not untypeset, f"{path}: math not typeset by MathJax: {untypeset[:3]}"
    assert not re.search(r"\{(exercise|solution|prf:\w+|cite(:\w+)?)\}", text), (
        f"{path}: a directive or role was not rendered"
    )
    if "$" in source_of(path) and path in TOC_PAGES:
        assert facts["math"], f"{path}: its source has math, the page shows none"


@pytest.mark.parametrize("path", PAGES)
def test_every_image_is_a_non_empty_picture(visit, path):
    for image in visit(path)["images"]:
        assert image["complete"] and image["width"] > 50 and image["height"] > 50, (
            f"{path}: empty or broken image {image['src']}"
        )


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_chapter_shows_figures(visit, path):
    assert visit(path)["images"], f"{path}: no figures"


# --- animations, exercises, proofs ------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_animation_plays_and_steps(visit, path):
    facts = visit(path)
    if "to_jshtml" in code_of(path):
        assert facts["animations"], f"{path}: its code makes an animation, the page shows none"
    for anim_id, states in zip(facts["animations"], facts["animation_states"]):
        where = f"{path}: animation {anim_id[:8]}"
        start, after_next = states["start"], states["after_next"]
        assert start["ready"] and start["frames"] >= 2, f"{where}: {start['frames']} frame(s)"
        shown = declared_start_frame(path, anim_id)
        assert start["frame"] == shown and start["src_is_frame"], (
            f"{where}: opens on {start}, its HTML sets frame {shown}"
        )
        assert states["after_first"]["frame"] == 0, f"{where}: 'First frame' did not rewind"
        assert after_next["frame"] == 1 and after_next["slider"] == 1, (
            f"{where}: 'Next' {after_next}"
        )
        assert after_next["src_is_frame"], f"{where}: 'Next frame' did not change the picture"
        assert states["played"], f"{where}: 'Play' did not advance the animation"
        assert states["while_playing"]["src_is_frame"], f"{where}: playing shows a wrong picture"
        assert not states["after_pause"]["playing"], f"{where}: 'Pause' did not stop it"


@pytest.mark.parametrize("path", PAGES)
def test_exercises_render_and_solutions_start_collapsed(visit, path):
    facts = visit(path)
    exercises, solutions = facts["exercises"], facts["solutions"]
    assert len(exercises) == directives(path, "exercise"), (
        f"{path}: {directives(path, 'exercise')} exercises in the source, {len(exercises)} rendered"
    )
    expected = directives(path, "solution") + directives(path, "solution-start")
    assert len(solutions) == expected, (
        f"{path}: {expected} solutions in the source, {len(solutions)} rendered"
    )
    for exercise in exercises:
        assert exercise["visible"] and exercise["title"].startswith("Exercise"), (
            f"{path}: exercise {exercise['id']} not rendered as a titled box"
        )
    for solution, opens in zip(solutions, facts["solutions_open_on_click"]):
        assert "dropdown" in solution["classes"] and solution["button"], (
            f"{path}: solution {solution['id']} is not a dropdown (add `:class: dropdown`)"
        )
        assert not solution["content_visible"], f"{path}: solution {solution['id']} starts open"
        assert opens, f"{path}: solution {solution['id']} does not open on click"


@pytest.mark.parametrize("path", PAGES)
def test_proof_boxes_render(visit, path):
    proofs = visit(path)["proofs"]
    expected = directives(path, r"prf:\w+")
    assert len(proofs) == expected, f"{path}: {expected} prf directives, {len(proofs)} boxes"
    for proof in proofs:
        assert proof["height"] > 30 and proof["text"].strip(), f"{path}: empty proof box {proof}"
        assert proof["math_typeset"], f"{path}: untypeset math in {proof['title'] or 'a proof'}"
        kind = proof["classes"].split()[1] if len(proof["classes"].split()) > 2 else "proof"
        if kind != "proof":
            assert proof["title"].lower().startswith(kind), (
                f"{path}: a {kind} box is titled {proof['title']!r}"
            )


# --- Colab, links, search ---------------------------------------------------------------------


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_chapter_has_a_colab_button_for_its_notebook(visit, path):
    owner_repo = urlsplit(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    expected = (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/"
        f"{path.removesuffix('.html')}.ipynb"
    )
    assert expected in visit(path)["links"], f"{path}: no Colab link {expected}"


class _Targets(html.parser.HTMLParser):
    """The ids of a page and the internal URLs it refers to."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "img", "link", "script", "source"):
                self.refs.append(attrs[key])
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.refs.append(attrs.get("content", "").split("url=", 1)[-1])


def parse(page: Path) -> _Targets:
    parser = _Targets()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_internal_links_have_targets():
    """Crawl from index.html over every internal link; each file and #anchor must exist."""
    base = "http://book/"
    parsed: dict[str, _Targets] = {}
    queue, broken = ["index.html"], []
    while queue:
        page = queue.pop()
        if page in parsed:
            continue
        parsed[page] = parse(HTML / page)
        for ref in parsed[page].refs:
            url = urlsplit(urljoin(base + page, ref))
            if (
                url.scheme in ("http", "https")
                and url.netloc != "book"
                or url.scheme
                in (
                    "mailto",
                    "javascript",
                    "data",
                )
            ):
                continue
            target = unquote(url.path.removeprefix("/")) or "index.html"
            if not (HTML / target).is_file():
                broken.append(f"{page}: {ref} (no file {target})")
                continue
            if target.endswith(".html"):
                queue.append(target)
                if url.fragment:
                    if target not in parsed:  # parse each page once: chapters are megabytes
                        parsed[target] = parse(HTML / target)
                    if unquote(url.fragment) not in parsed[target].ids:
                        broken.append(f"{page}: {ref} (no #{url.fragment} in {target})")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:30])
    unreached = [page for page in TOC_PAGES if page not in parsed]
    assert not unreached, f"pages no link leads to: {unreached}"


def test_search_finds_discriminator(book_page):
    page = book_page.open("search.html?q=discriminator")
    page.wait_for_function(
        "() => /found \\d+ page/.test(document.querySelector('#search-results')?.innerText)",
        timeout=30_000,
    )
    book_page.screenshot("search.html.png")
    results = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))"
    )
    assert book_page.console_errors == [], book_page.console_errors
    assert any(href.startswith("chapters/") for href in results), (
        f"searching 'discriminator' found no chapter: {results}"
    )


def test_index_redirects_to_the_root_page(book_page):
    book_page.open("index.html").wait_for_url(f"**/{TOC_PAGES[0]}", timeout=10_000)

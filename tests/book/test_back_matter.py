"""Static checks of the reader-facing pages: glossary, FAQ, citations, intro, learning path.

The browser suite (tests/browser) checks that these pages render and that every link
resolves; these tests check what they must contain, and that the generated parts
(learning-path figure, run-time column) are current with the chapters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from bookbuild import layout, learning_path
from bookbuild import timings as chapter_timings
from bookbuild.layout import chapter_notebooks as notebooks

ROOT = layout.ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
LINK = re.compile(r"\]\(([^)#]+)(#[^)]*)?\)|\{prf:ref\}`[^`]+`|\{ref\}`[^`]+`")


def table_rows(markdown: str, header_start: str) -> list[list[str]]:
    """Cells of the rows of the first table whose header starts with `header_start`."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows




def markdown_of(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return "\n".join(c.source for c in cells if c.cell_type == "markdown")


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(), flags=re.M))


def cited_keys(text: str) -> set[str]:
    keys = set()
    for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
        keys |= {key.strip() for key in group.split(",")}
    return keys


# --- glossary ---------------------------------------------------------------------------------

GLOSSARY = (ROOT / "glossary.md").read_text()
GLOSSARY_ROWS = table_rows(GLOSSARY, "| English |")


def test_glossary_has_at_least_40_bilingual_terms_each_linked():
    assert len(GLOSSARY_ROWS) >= 40, f"{len(GLOSSARY_ROWS)} terms"
    for english, chinese, meaning, where in GLOSSARY_ROWS:
        assert english and meaning, f"incomplete row: {english!r}"
        assert CJK.search(chinese), f"{english}: no Chinese term ({chinese!r})"
        assert LINK.search(where), f"{english}: no link to where the book defines it"


def test_glossary_has_the_core_terms():
    chinese = " ".join(row[1] for row in GLOSSARY_ROWS)
    for term in ("生成对抗网络", "判别器", "生成器", "交叉熵", "KL 散度", "JS 散度", "模式崩溃"):
        assert term in chinese, f"glossary lacks {term}"


def test_glossary_and_faq_link_only_to_pages_of_the_book(toc):
    for page in ("glossary.md", "faq.md", "notation.md", "intro.md"):
        for target, _anchor in re.findall(r"\]\(([^)#:]+)(#[^)]*)?\)", (ROOT / page).read_text()):
            name = target.removesuffix(".ipynb").removesuffix(".md")
            if target.endswith((".ipynb", ".md")):
                assert name in {toc.root, *toc.chapters}, f"{page} links to {target}, which is not in _toc.yml"


def heading_anchors(path: Path) -> set[str]:
    """GitHub-style anchors of the headings (levels 1-3, ``myst_heading_anchors: 3``) of a page."""
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = path.read_text()
    anchors = set()
    for title in re.findall(r"^#{1,3} (.+)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_links_into_chapters_name_existing_headings():
    """A link ``chapters/x.ipynb#anchor`` must name a heading of that chapter (renamed sections
    leave dead anchors; the browser crawl finds them too, but only after a build)."""
    for page in ("glossary.md", "faq.md", "notation.md", "intro.md"):
        for target, anchor in re.findall(r"\]\(([^)#:]+\.(?:ipynb|md))#([^)]+)\)", (ROOT / page).read_text()):
            if "$" in anchor or "\\" in anchor:
                continue
            assert anchor in heading_anchors(ROOT / target), f"{page}: {target}#{anchor} names no heading"


# --- FAQ --------------------------------------------------------------------------------------

FAQ = (ROOT / "faq.md").read_text()


def test_faq_compares_gan_vae_and_diffusion_in_a_table():
    header = next(line for line in FAQ.splitlines() if line.startswith("| | GAN |"))
    assert "VAE" in header and "Diffusion" in header
    rows = {row[0].strip("*").split("*")[0].lower() for row in table_rows(FAQ, "| | GAN |")}
    for aspect in ("objective", "likelihood", "sample quality", "training stability"):
        assert aspect in rows, f"the comparison table has no row on {aspect}"
    assert any(row.startswith("latent inference") for row in rows)


def test_faq_answers_on_instability_link_to_the_chapters_that_show_them():
    section = FAQ.split("## Convergence and instability", 1)[1].split("\n## ", 1)[0]
    answers = [a for a in section.split("\n\n") if a.startswith("**")]
    assert len(answers) >= 4
    for answer in answers:
        assert "](chapters/" in answer, f"this answer links to no chapter: {answer[:60]}"


def test_faq_applications_cite_their_sources():
    section = FAQ.split("## Applications", 1)[1]
    items = [item for item in section.split("\n- ") if item.strip().startswith("**")]
    topics = " ".join(item.split("**")[1].lower() for item in items)
    for topic in ("image", "translation", "super-resolution", "audio", "augmentation"):
        assert topic in topics, f"no application on {topic}"
    for item in items:
        assert cited_keys(item), f"an application without a citation: {item[:60]}"


# --- citations --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_chapter_cites_its_sources_from_the_bibliography(path):
    keys = cited_keys(markdown_of(path))
    assert keys, f"{path.name} cites nothing"
    assert keys <= bib_keys(), (
        f"{path.name} cites keys missing from references.bib: {keys - bib_keys()}"
    )
    assert "{bibliography}" not in markdown_of(path), (
        f"{path.name} has its own bibliography; the book has one, bibliography.md"
    )


def test_back_matter_citations_exist_and_the_bibliography_lists_them(toc):
    for page in ("faq.md", "intro.md", "glossary.md", "notation.md"):
        keys = cited_keys((ROOT / page).read_text())
        assert keys <= bib_keys(), (
            f"{page} cites keys missing from references.bib: {keys - bib_keys()}"
        )
    assert "```{bibliography}" in (ROOT / "bibliography.md").read_text()
    assert "bibliography" in {toc.root, *toc.chapters}


# --- intro: learning path, prerequisites, run time ---------------------------------------------

INTRO = (ROOT / "intro.md").read_text()


def test_intro_has_prerequisites_and_the_learning_path_figure():
    assert "**Prerequisites:**" in INTRO
    assert "images/learning_path.png" in INTRO
    assert learning_path.FIGURE.exists()


def test_learning_path_figure_shows_the_chapters_of_the_toc():
    drawn = json.loads(Image.open(learning_path.FIGURE).info[learning_path.METADATA_KEY])
    current = [[caption, titles] for caption, titles in learning_path.chapter_parts()]
    assert drawn == current, (
        "images/learning_path.png is out of date with _toc.yml; run `python bookbuild/learning_path.py`"
    )


def test_intro_chapter_map_lists_every_chapter_once_in_order():
    linked = [re.search(r"\(chapters/(\w+)\.ipynb\)", row[0]) for row in table_rows(INTRO, "| Chapter |")]
    assert [m.group(1) if m else None for m in linked] == [path.stem for path in notebooks()]


def test_intro_states_the_measured_run_time_of_every_chapter():
    record = chapter_timings.load_record()
    rows = table_rows(INTRO, "| Chapter |")
    header = next(line for line in INTRO.splitlines() if line.startswith("| Chapter |"))
    column = [c.strip() for c in header.strip("|").split("|")].index("Run time (full mode)")
    for path in notebooks():
        row = next((r for r in rows if f"(chapters/{path.stem}.ipynb)" in r[0]), None)
        assert row is not None, f"intro.md's chapter map has no row for {path.name}"
        expected = chapter_timings.describe(record.get(path.stem))
        assert len(row) > column and row[column] == expected, (
            f"{path.name}: run time in intro.md is not {expected!r}; "
            "run `python bookbuild/timings.py --write-only` (or measure the chapter)"
        )


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_chapter_states_its_measured_run_time_up_front(path):
    """The title cell says how long the chapter takes, from chapter_timings.json."""
    record = chapter_timings.load_record()
    entry = record.get(path.stem)
    assert entry is not None, f"{path.name} was never timed: run `python bookbuild/timings.py {path}`"
    title = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    expected = chapter_timings.run_time_sentence(entry)
    assert expected in title.source, (
        f"{path.name}: its title cell does not say {expected!r}; "
        "run `python bookbuild/timings.py --write-only --chapters`"
    )

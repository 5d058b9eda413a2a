"""Chapters, and per chapter their figures, exercises and theorems, are numbered by the book
("Figure 8.2", "Exercise 8.1", issue 31 item 7), and each notebook's own title number agrees
with the book's (``bookbuild.reader_pages`` drops it from the page's title, so the page
reads "8. A family of divergences" once)."""

from __future__ import annotations

import re

import nbformat
import yaml

from bookbuild import layout, reader_pages

TITLE = re.compile(r"(?m)^# (\d+)\. \S")


def test_every_chapter_part_is_numbered_by_chapter():
    toc = yaml.safe_load(layout.TOC.read_text())
    for part in toc["parts"]:
        files = [c["file"] for c in part["chapters"]]
        chapters = [f for f in files if f.startswith(reader_pages.CHAPTERS_FOLDER)]
        if chapters:
            assert chapters == files, f"{part['caption']}: chapters and other pages in one part"
            # 1: the chapters' numbers only; figures and exercises are numbered per chapter.
            assert part.get("numbered") == 1, f"{part['caption']}: not `numbered: 1`"
        else:
            assert not part.get("numbered"), f"{part['caption']}: a numbered part with no chapter"


def test_numfig_is_on_and_figures_read_figure():
    config = yaml.safe_load(layout.CONFIG.read_text())["sphinx"]["config"]
    assert config.get("numfig", True) is not False
    assert config.get("numfig_secnum_depth", 1) == 1
    assert config["numfig_format"]["figure"] == "Figure %s"


def test_each_notebook_title_carries_the_number_the_book_gives_it(toc):
    chapters = [f for f in toc.chapters if f.startswith(reader_pages.CHAPTERS_FOLDER)]
    for number, chapter in enumerate(chapters, start=1):
        nb = nbformat.read(layout.ROOT / f"{chapter}.ipynb", as_version=4)
        first = next(c.source for c in nb.cells if c.cell_type == "markdown")
        title = TITLE.search(first)
        assert title, f"{chapter}: its title does not start with its number"
        assert int(title.group(1)) == number, (
            f"{chapter}: its title says chapter {title.group(1)}, the book numbers it {number}"
        )


def test_the_page_title_loses_the_notebooks_number():
    assert reader_pages.without_chapter_number("8. A family of divergences") == (
        "A family of divergences"
    )
    assert reader_pages.without_chapter_number("A 1-D Gaussian GAN") == "A 1-D Gaussian GAN"
    assert reader_pages.without_chapter_number("10. Asking for a digit") == "Asking for a digit"


def test_a_saved_execution_takes_the_cells_metadata_from_the_current_notebook(
    tmp_path, monkeypatch
):
    """A caption or a tag added after the run shows without re-running the notebook; a
    changed source still needs a new run."""
    monkeypatch.setattr(layout, "ROOT", tmp_path)
    monkeypatch.setattr(layout, "QUICK_EXECUTED", tmp_path / "executed")
    source = tmp_path / "chapters" / "00_x.ipynb"
    source.parent.mkdir()
    cell = nbformat.v4.new_code_cell("plt.show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBO"})]
    executed = layout.quick_execution(source)
    executed.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), executed)
    cell = nbformat.v4.new_code_cell("plt.show()")
    cell.metadata = {"tags": ["hide-input"], "mystnb": {"figure": {"caption": "C", "name": "n"}}}
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), source)
    staged = layout.current_quick_execution(source)
    assert staged.cells[0].metadata == cell.metadata
    assert staged.cells[0].outputs[0]["data"]["image/png"] == "iVBO"
    cell.source = "plt.show()  # changed"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), source)
    assert layout.current_quick_execution(source) is None

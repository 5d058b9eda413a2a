"""Static checks of the chapters: clean notebooks, one setup cell, the table of contents."""

import re

import nbformat
import pytest

from bookbuild import layout
from bookbuild.layout import chapter_notebooks as notebooks
from bookbuild.setup_cell import repository, setup_cell_source

ROOT = layout.ROOT

NOTEBOOKS = notebooks()






def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks found under chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(code_cells, path):
    for index, cell in enumerate(code_cells(path)):
        assert cell.outputs == [], f"{path.name}: code cell {index} has outputs; clear them"
        assert cell.execution_count is None, f"{path.name}: code cell {index} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_shared_setup_cell(code_cells, path):
    first = code_cells(path)[0].source
    assert first == setup_cell_source(), (
        f"{path.name}: the first code cell differs from the setup cell; run `make sync-setup`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_installs_gan_lib_from_the_configured_repository(code_cells, path):
    url, branch = repository()
    lines = code_cells(path)[0].source.splitlines()
    install = [line for line in lines if line.strip().startswith("%pip install")]
    assert len(install) == 1
    assert f"git+{url}@{branch}" in install[0]


def test_repository_url_is_a_github_repository():
    url, branch = repository()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert branch


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists(toc):
    in_toc = set(toc.chapters)
    on_disk = {f"chapters/{p.stem}" for p in NOTEBOOKS}
    assert on_disk <= in_toc, f"chapters missing from _toc.yml: {sorted(on_disk - in_toc)}"
    for entry in in_toc:
        assert (ROOT / f"{entry}.ipynb").exists() or (ROOT / f"{entry}.md").exists(), entry


def test_intro_chapter_map_lists_exactly_the_chapters():
    intro = (ROOT / "intro.md").read_text()
    linked = set(re.findall(r"\]\((chapters/\d\d_\w+)\.ipynb\)", intro))
    assert linked == {f"chapters/{p.stem}" for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_has_three_exercises_and_an_autograded_one(code_cells, path):
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    exercises = re.findall(r"^:{3,}\{exercise\}", markdown, flags=re.M)
    solutions = re.findall(r"^:{3,}\{solution(?:-start)?\}", markdown, flags=re.M)
    assert len(exercises) >= 3, f"{path.name}: {len(exercises)} exercises"
    assert len(solutions) >= len(exercises), f"{path.name}: an exercise lacks its solution"
    cells = code_cells(path)
    graded = [
        i
        for i, cell in enumerate(cells[:-1])
        if "### BEGIN SOLUTION" in cell.source
        and "### END SOLUTION" in cell.source
        and cells[i + 1].source.startswith("# Autograded check")
    ]
    assert graded, f"{path.name}: no solution cell followed by an '# Autograded check' cell"

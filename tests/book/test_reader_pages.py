"""The reader's book leaves nbgrader's marks out of what it shows (bookbuild.reader_pages).

On every chapter's cells: the reader sees each solution's code without its markers, each
check without its hidden tests and points (exactly the check students get, but for its
first line), and no answer-cell marker. The built pages are checked in the browser suite
(tests/browser/test_solutions.py).
"""

from __future__ import annotations

import nbformat
import pytest
from docutils import nodes

from bookbuild import layout, reader_pages
from bookbuild import student_edition as se
from bookbuild.reader_pages import (
    READER_CHECK_HEADER,
    is_answer_marker,
    reader_source,
    without_font_awesome_link,
)

CHAPTERS = layout.chapter_notebooks()
MARKS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "Autograded check", "points)")


def _notebook(path):
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_solutions_keep_their_code_and_lose_their_markers(path):
    nb = _notebook(path)
    exercises = se.autograded_exercises(nb)
    assert exercises, f"{path.name}: no autograded exercise"
    for exercise in exercises:
        source = nb.cells[exercise.solution].source
        shown = reader_source(source)
        assert not any(mark in shown for mark in MARKS), shown
        kept = [line for line in source.split("\n") if "SOLUTION" not in line]
        assert shown == "\n".join(kept).rstrip(), f"{path.name}: solution code changed"
        for line in se.distinctive_solution_lines(nb):
            if line in source:
                assert line in shown, f"{path.name}: {line!r} left out of the solution"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_checks_are_the_students_checks_headed_check(path):
    nb = _notebook(path)
    for exercise in se.autograded_exercises(nb):
        source = nb.cells[exercise.check].source
        shown = reader_source(source)
        assert shown.splitlines()[0] == READER_CHECK_HEADER
        assert not any(mark in shown for mark in MARKS), shown
        students = se.visible_check_source(source).split("\n")
        assert shown.split("\n")[1:] == "\n".join(students[1:]).rstrip().split("\n"), (
            f"{path.name}: the reader's check differs from the students' check"
        )


def test_other_code_is_shown_as_written():
    source = "x = 1  # the BEGIN of a SOLUTION is not a marker\nprint(x)"
    assert reader_source(source) == source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_answer_cells_are_recognised_and_nothing_else(path):
    nb = _notebook(path)
    answers = {answer.cell for answer in se.written_answers(nb)}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        first = cell.source.strip().split("\n\n")[0]
        paragraph = nodes.paragraph(text=first.replace("**", ""))
        assert is_answer_marker(paragraph) == (i in answers), f"{path.name}: cell {i}: {first!r}"


def test_font_awesome_link_is_left_out_and_the_rest_kept():
    html = (
        '<link rel="stylesheet"\nhref="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/'
        'font-awesome.min.css">\n<script>var anim = 1;</script>'
    )
    assert without_font_awesome_link(html) == "<script>var anim = 1;</script>"
    assert without_font_awesome_link("<p>no link</p>") == "<p>no link</p>"


def test_an_animation_gets_its_figures_alt_text():
    html = '<div class="animation">\n  <img id="_anim_img3f2a">\n</div>'
    shown = reader_pages.with_animation_alt(html, 'Samples "move" to the data')
    assert '<img id="_anim_img3f2a" alt="Samples &quot;move&quot; to the data">' in shown
    assert reader_pages.with_animation_alt("<img src='x.png'>", "a") == "<img src='x.png'>"

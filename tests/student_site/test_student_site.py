"""The student site (``make student-site``) holds no solution; the instructor's quick book does.

Each solution is looked for in both sites, as the text a reader sees: every line of an
autograded solution that appears nowhere else in the student notebook, and every written
solution box. The instructor's book must show them (so the search can find them) and the
student site must not.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from bookbuild import layout
from bookbuild import student_edition as se

ROOT = layout.ROOT

STUDENT = Path(os.environ.get("GAN_BOOK_STUDENT_HTML", ROOT / "_build/student/_build/html"))
INSTRUCTOR = ROOT / "_build/quick/src/_build/html"
CHAPTERS = layout.chapter_notebooks()


def page(site: Path, name: str) -> BeautifulSoup:
    path = site / "chapters" / f"{name}.html"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make quick-book student-site` first")
    return BeautifulSoup(path.read_text(), "html.parser")


def text(soup: BeautifulSoup) -> str:
    return soup.get_text()


def solution_lines(path: Path) -> list[str]:
    """Lines of the chapter's solutions that appear nowhere in its student edition."""
    return se.distinctive_solution_lines(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_solutions_are_in_the_instructor_book_and_not_in_the_student_site(path):
    lines = solution_lines(path)
    assert lines, f"{path.name}: no distinctive solution line to look for"
    instructor, student = text(page(INSTRUCTOR, path.stem)), text(page(STUDENT, path.stem))
    missing = [line for line in lines if line not in instructor]
    assert not missing, f"the search cannot see these lines in the instructor's book: {missing}"
    leaked = [line for line in lines if line in student]
    assert not leaked, f"{path.name}: the student site shows solution lines {leaked}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_written_solutions_are_hidden_and_exercises_shown(path):
    instructor, student = page(INSTRUCTOR, path.stem), page(STUDENT, path.stem)
    exercises = len(instructor.select("div.exercise"))
    assert exercises >= 3 and len(instructor.select("div.solution")) >= exercises
    assert len(student.select("div.exercise")) == exercises, "every exercise stays"
    assert student.select("div.solution") == [], f"{path.name}: a solution box is shown"
    assert "raise NotImplementedError()" in text(student), "the blanks are shown"


def test_student_site_has_no_launch_button_and_no_teachers_page():
    for path in CHAPTERS:
        html = (STUDENT / "chapters" / f"{path.stem}.html").read_text()
        assert "colab.research.google.com" not in html, (
            "a Colab button opens the instructor edition"
        )
    assert (INSTRUCTOR / "teachers.html").exists()
    assert not (STUDENT / "teachers.html").exists()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_downloadable_notebook_is_the_student_edition(path):
    source = STUDENT / "_sources" / "chapters" / path.name
    nb = nbformat.read(source, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells)
    assert "BEGIN SOLUTION" not in code and "raise NotImplementedError()" in code


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_written_answer_cells_are_blank_and_rubrics_hidden(path):
    instructor, student = text(page(INSTRUCTOR, path.stem)), text(page(STUDENT, path.stem))
    answers = len(se.written_answers(nbformat.read(path, as_version=4)))
    assert student.count(se.TEXT_STUB) == answers, f"{path.name}: answer cells in the student site"
    assert "Rubric:" in instructor and "Rubric:" not in student, path.name


def test_student_intro_is_written_for_students():
    soup = BeautifulSoup((STUDENT / "intro.html").read_text(), "html.parser")
    words = text(soup.select_one("main") or soup).lower()
    for word in ("for teachers", "clone the repository", "make test", "bookbuild"):
        assert word not in words, f"the student site's intro says {word!r}"
    assert "how to run the chapters" in words


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_student_site_keeps_the_grading_marks_students_need(path):
    """The reader's book leaves out checks' points and answer markers (bookbuild.reader_pages);
    students keep them: their checks say what each is worth, their answer cells where to write."""
    nb = nbformat.read(path, as_version=4)
    student = text(page(STUDENT, path.stem))
    assert se.CHECK_HEADER in student, f"{path.name}: no `{se.CHECK_HEADER}` line"
    if se.written_answers(nb):
        assert se.ANSWER_MARKER.strip("*") in student, f"{path.name}: no answer marker"

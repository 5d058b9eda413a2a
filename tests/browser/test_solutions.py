"""Solutions stay hidden until the reader opens them (issue 16, item 1), in headless Chromium;
the reader sees no grading marks (issue 31, item 5).

For every chapter, the lines of its autograded solutions (those that appear nowhere in the
student edition, so they can only come from a solution) must not be in the page's visible
text (``innerText`` leaves out what is not displayed) before any dropdown is opened, and
must be after the reader clicks each solution's toggle button. Every gated solution holds
its code cells: the dropdown contains a code cell.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from bookbuild import layout
from bookbuild import student_edition as se
from bookbuild.student_edition import distinctive_solution_lines

CHAPTERS = layout.chapter_notebooks()

VISIBLE_TEXT = "() => (document.querySelector('main') || document.body).innerText"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_solution_code_is_visible_until_its_dropdown_opens(book_page, path: Path):
    lines = distinctive_solution_lines(nbformat.read(path, as_version=4))
    assert lines, f"{path.name}: no distinctive solution line to look for"
    page = book_page.open(f"chapters/{path.stem}.html")
    before = page.evaluate(VISIBLE_TEXT)
    shown = [line for line in lines if line in before]
    assert not shown, f"{path.name}: solution code visible before any dropdown opens: {shown}"
    solutions = page.locator("main .solution")
    with_code = page.locator("main .solution div.cell")
    assert with_code.count() >= 1, f"{path.name}: no solution dropdown holds a code cell"
    for i in range(solutions.count()):
        solutions.nth(i).locator("button.toggle-button").first.click()
    page.wait_for_timeout(300)
    after = page.evaluate(VISIBLE_TEXT)
    missing = [line for line in lines if line not in after]
    assert not missing, f"{path.name}: solution code not shown once opened: {missing}"


CODE_MARKS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "Autograded check")
# What a reader sees of the marks: the code cells' text (prose may talk about the student
# edition's marks), and answer-cell marker paragraphs.
SEEN_MARKS = """() => ({
  code: Array.from(document.querySelectorAll('main .cell_input')).map(e => e.innerText).join('\\n'),
  answers: Array.from(document.querySelectorAll('main p')).filter(p => p.offsetParent !== null &&
      /^Your answer:\\s*(\\(\\d+ points?\\))?$/.test(p.innerText.trim())).length,
})"""


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_the_reader_sees_no_grading_marks(book_page, path: Path):
    """nbgrader's marks stay in the notebook and out of the reader's page, solutions open
    (bookbuild.reader_pages); the notebook has them, else this test would check nothing."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    in_notebook = [mark for mark in CODE_MARKS if mark in code]
    assert in_notebook, f"{path.name}: no grading mark in the notebook's code"
    answers = [cell for cell in nb.cells if se.answer_points(cell) is not None]
    page = book_page.open(f"chapters/{path.stem}.html")
    for solution in page.locator("main .solution").all():
        solution.locator("button.toggle-button").first.click()
    page.wait_for_timeout(300)
    seen = page.evaluate(SEEN_MARKS)
    shown = [mark for mark in in_notebook if mark in seen["code"]]
    assert not shown, f"{path.name}: the reader's page shows {shown}"
    assert seen["answers"] == 0, f"{path.name}: {seen['answers']} of {len(answers)} answer markers"

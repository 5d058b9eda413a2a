"""The student edition (bookbuild/student_edition.py): blanks, written solutions, nbgrader round trip."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from bookbuild import layout
from bookbuild import student_edition as se

ROOT = layout.ROOT

CHAPTERS = layout.chapter_notebooks()
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

EXERCISE_MD = """# A chapter

:::{exercise} Square
:label: ex-square
Write `square(x)`.
:::

::::{solution} ex-square
:class: dropdown
The SECRET answer is `x * x`.
:::{note}
A nested note that belongs to the solution.
:::
::::

Text after the solution."""

SOLUTION = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"
CHECK = (
    "# Autograded check\nassert square(3) == 9, 'square(3) should be 9'\n"
    "### BEGIN HIDDEN TESTS\nassert square(-2) == 4\n### END HIDDEN TESTS"
)


def toy_notebook(solution=SOLUTION, check=CHECK):
    nb = new_notebook(
        cells=[
            new_markdown_cell(EXERCISE_MD),
            new_code_cell("import math", outputs=[], execution_count=1),
            new_code_cell(solution),
            new_markdown_cell("Run the check:"),
            new_code_cell(check),
            new_code_cell("print(square(4))"),
        ]
    )
    nb.metadata["kernelspec"] = KERNELSPEC
    return nb


def test_blank_source_keeps_the_code_around_the_solution_and_its_indentation():
    assert se.blank_source(SOLUTION) == (
        "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    )
    top = "x = 1\n### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION\nprint(y)"
    assert se.blank_source(top) == "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()\nprint(y)"


def test_visible_check_source_drops_hidden_tests():
    assert se.visible_check_source(CHECK) == (
        "# Autograded check\nassert square(3) == 9, 'square(3) should be 9'"
    )


def test_autograded_exercises_pairs_solution_and_check_across_markdown():
    assert se.autograded_exercises(toy_notebook()) == [se.Exercise(solution=2, check=4)]


def test_a_solution_without_check_is_refused():
    nb = toy_notebook(check="assert square(3) == 9")
    with pytest.raises(ValueError, match="Autograded check"):
        se.autograded_exercises(nb)


def test_a_solution_marker_in_markdown_is_refused():
    nb = toy_notebook()
    nb.cells[3].source = "### BEGIN SOLUTION\nprose\n### END SOLUTION"
    with pytest.raises(ValueError, match="markdown"):
        se.autograded_exercises(nb)


def test_strip_written_solutions_removes_the_whole_directive_and_keeps_the_rest():
    stripped = se.strip_written_solutions(EXERCISE_MD)
    assert "SECRET" not in stripped and "nested note" not in stripped
    assert "{solution}" not in stripped
    assert ":::{exercise} Square" in stripped and "Write `square(x)`." in stripped
    assert stripped.endswith("Text after the solution.")


def test_strip_written_solutions_handles_backtick_fences_with_code_inside():
    text = "Before\n\n````{solution} ex-a\n```python\nanswer = 42\n```\n````\nAfter"
    assert se.strip_written_solutions(text) == "Before\n\nAfter"


@pytest.mark.parametrize(
    "text, message",
    [
        (":::{solution} ex-a\nnever closed", "not closed"),
        ("```{solution-start} ex-a\n```", "gated"),
    ],
)
def test_strip_written_solutions_refuses_what_it_cannot_strip(text, message):
    with pytest.raises(ValueError, match=message):
        se.strip_written_solutions(text)


def test_student_notebook_blanks_solutions_hides_tests_and_clears_outputs():
    nb = toy_notebook()
    nb.cells[5].outputs = [nbformat.v4.new_output("stream", text="16\n")]
    student = se.student_notebook(nb)
    sources = [c.source for c in student.cells]
    assert sources[2] == se.blank_source(SOLUTION)
    assert sources[4] == se.visible_check_source(CHECK)
    assert sources[1] == "import math" and sources[5] == "print(square(4))"
    assert "SECRET" not in sources[0]
    assert all(c.outputs == [] for c in student.cells if c.cell_type == "code")
    assert nb.cells[2].source == SOLUTION, "the instructor notebook must not be modified"


def test_student_notebook_can_keep_outputs_except_those_of_the_exercise():
    nb = toy_notebook()
    for i in (2, 4, 5):
        nb.cells[i].outputs = [nbformat.v4.new_output("stream", text="shown\n")]
    student = se.student_notebook(nb, keep_outputs=True)
    assert student.cells[2].outputs == [] and student.cells[4].outputs == []
    assert student.cells[5].outputs == nb.cells[5].outputs


def test_nbgrader_source_marks_solution_and_graded_check_cells():
    source = se.nbgrader_source(toy_notebook(), "toy")
    solution, check = source.cells[2].metadata["nbgrader"], source.cells[4].metadata["nbgrader"]
    assert solution["solution"] and not solution["grade"]
    assert check["grade"] and check["locked"] and check["points"] == 1
    assert solution["grade_id"] != check["grade_id"]
    assert source.cells[2].source == SOLUTION, "the source keeps the instructor's solution"
    assert "SECRET" not in source.cells[0].source, "nbgrader would release written solutions"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_student_edition_differs_only_in_the_blanks(path):
    nb = nbformat.read(path, as_version=4)
    exercises = se.autograded_exercises(nb)
    assert exercises, f"{path.name}: no autograded exercise"
    student = se.student_notebook(nb)
    solutions = {e.solution for e in exercises}
    assert len(student.cells) == len(nb.cells)
    for i, (cell, blank) in enumerate(zip(nb.cells, student.cells)):
        if cell.cell_type == "markdown":
            assert "{solution}" not in blank.source, f"{path.name}: cell {i} keeps a solution"
        elif i in solutions:
            assert "raise NotImplementedError()" in blank.source
            assert "SOLUTION" not in blank.source, f"{path.name}: cell {i} keeps its markers"
        else:
            assert blank.source == se.visible_check_source(cell.source), f"{path.name}: cell {i}"


def _nbgrader(*args, course: Path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    command = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _code(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_nbgrader_releases_exactly_our_student_edition_of_every_chapter(tmp_path):
    """One nbgrader assignment holding every chapter: nbgrader accepts our metadata, and the
    notebooks it releases have the same code as the student edition that make student writes."""
    if not CHAPTERS:
        pytest.skip("no chapters yet")
    (tmp_path / "source/book").mkdir(parents=True)
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(se.nbgrader_source(nb, path.stem), tmp_path / "source/book" / path.name)
    _nbgrader("generate_assignment", "book", course=tmp_path)
    for path in CHAPTERS:
        released = nbformat.read(tmp_path / "release/book" / path.name, as_version=4)
        student = se.student_notebook(nbformat.read(path, as_version=4))
        assert _code(released) == _code(student), path.name


def test_nbgrader_autograde_gives_zero_to_the_blank_and_full_marks_to_the_solution(tmp_path):
    source = tmp_path / "source/toy/toy.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(se.nbgrader_source(toy_notebook(), "toy"), source)
    _nbgrader("generate_assignment", "toy", course=tmp_path)
    released = nbformat.read(tmp_path / "release/toy/toy.ipynb", as_version=4)
    solved = nbformat.read(tmp_path / "release/toy/toy.ipynb", as_version=4)
    solved.cells[2].source = SOLUTION
    for student, nb in (("blank", released), ("solved", solved)):
        target = tmp_path / "submitted" / student / "toy" / "toy.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    _nbgrader("autograde", "toy", course=tmp_path)
    _nbgrader("export", course=tmp_path)
    grades = (tmp_path / "grades.csv").read_text().splitlines()
    scores = {line.split(",")[3]: float(line.split(",")[9]) for line in grades[1:]}
    assert scores == {"blank": 0.0, "solved": 1.0}


def test_teachers_page_lists_the_exercises_of_every_chapter():
    """teachers.md's table: one row per chapter, with its exercise counts."""
    import re

    rows = re.findall(
        r"^\| (\d+)\. [^|]+\| (\d+) \| (\d+) \|", (ROOT / "teachers.md").read_text(), re.M
    )
    table = {int(number): (int(total), int(graded)) for number, total, graded in rows}
    found = {}
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        total = len(re.findall(r"^:{3,}\{exercise\}", markdown, flags=re.M))
        found[int(path.name[:2])] = (total, len(se.autograded_exercises(nb)))
    assert table == found, (
        "teachers.md's table (chapter: (exercises, autograded)) differs from the notebooks; "
        f"table {table}, notebooks {found}: add or correct the rows"
    )

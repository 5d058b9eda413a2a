"""The student edition (bookbuild/student_edition.py): blanks, gated and written solutions,
answer cells, points, and what nbgrader releases from the source it gets."""

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from bookbuild import course, layout
from bookbuild import student_edition as se

ROOT = layout.ROOT

CHAPTERS = layout.chapter_notebooks()
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

STATEMENT = """:::{exercise} Square
:label: ex-square
Write `square(x)`.
:::

:::{solution-start} ex-square
:class: dropdown
:::
The GATED answer multiplies `x` by itself."""

WRITTEN = """:::{exercise} Why
:label: ex-why
Explain.
:::

::::{solution} ex-why
:class: dropdown
The SECRET answer.
:::{note}
A nested note that belongs to the solution.
:::

**Rubric:** 1 point for the reason.
::::

Text after the solution."""

SOLUTION = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"
CHECK = (
    "# Autograded check (3 points)\nassert square(3) == 9, 'square(3) should be 9'\n"
    "### BEGIN HIDDEN TESTS\nassert square(-2) == 4\n### END HIDDEN TESTS"
)
ANSWER = "**Your answer:** (2 points)"


def toy_notebook(solution=SOLUTION, check=CHECK):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A chapter"),  # 0
            new_code_cell("import math", outputs=[], execution_count=1),  # 1
            new_markdown_cell(STATEMENT),  # 2
            new_code_cell(solution),  # 3
            new_code_cell("print('a demonstration inside the solution')"),  # 4
            new_markdown_cell(":::{solution-end}\n:::\nRun the check:"),  # 5
            new_code_cell(check),  # 6
            new_markdown_cell(WRITTEN),  # 7
            new_markdown_cell(ANSWER),  # 8
            new_code_cell("print(square(4))"),  # 9
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
        "# Autograded check (3 points)\nassert square(3) == 9, 'square(3) should be 9'"
    )


def test_exercises_answers_and_points_are_found_with_their_labels():
    nb = toy_notebook()
    assert se.autograded_exercises(nb) == [
        se.Exercise(solution=3, check=6, points=3, label="ex-square")
    ]
    assert se.written_answers(nb) == [se.WrittenAnswer(cell=8, points=2, label="ex-why")]
    assert se.points(nb) == (3, 2)


@pytest.mark.parametrize(
    "first_line, points",
    [("# Autograded check", 1), ("# Autograded check (1 point)", 1),
     ("# Autograded check (12 points)", 12), ("# Autograded checks", None), ("x = 1", None)],
)  # fmt: skip
def test_check_points(first_line, points):
    assert se.check_points(first_line + "\nassert True") == points


def test_an_answer_cell_without_points_is_worth_one():
    assert se.answer_points(new_markdown_cell("**Your answer:**\n\ntext")) == 1
    assert se.answer_points(new_markdown_cell("Your answer")) is None
    assert se.answer_points(new_code_cell("**Your answer:**")) is None


def test_a_solution_without_check_is_refused():
    nb = toy_notebook(check="assert square(3) == 9")
    with pytest.raises(ValueError, match="Autograded check"):
        se.autograded_exercises(nb)


def test_a_solution_marker_in_markdown_is_refused():
    nb = toy_notebook()
    nb.cells[5].source = "### BEGIN SOLUTION\nprose\n### END SOLUTION"
    with pytest.raises(ValueError, match="markdown"):
        se.autograded_exercises(nb)


def test_strip_written_solutions_removes_the_whole_directive_and_keeps_the_rest():
    stripped = se.strip_written_solutions(WRITTEN)
    assert "SECRET" not in stripped and "nested note" not in stripped
    assert "{solution}" not in stripped and "Rubric" not in stripped
    assert ":::{exercise} Why" in stripped and "Explain." in stripped
    assert stripped.endswith("Text after the solution.")


def test_strip_written_solutions_handles_backtick_fences_with_code_inside():
    text = "Before\n\n````{solution} ex-a\n```python\nanswer = 42\n```\n````\nAfter"
    assert se.strip_written_solutions(text) == "Before\n\nAfter"


@pytest.mark.parametrize(
    "cells, message",
    [
        ([":::{solution} ex-a\nnever closed"], "not closed"),
        ([":::{solution-start} ex-a\n:class: dropdown\n:::\ntext"], "no {solution-end}"),
        ([":::{solution-end}\n:::"], "without {solution-start}"),
    ],
)
def test_solutions_that_cannot_be_stripped_are_refused(cells, message):
    nb = new_notebook(cells=[new_markdown_cell(c) for c in cells])
    with pytest.raises(ValueError, match=message):
        se.student_notebook(nb)


def test_gated_cells_are_the_code_cells_inside_a_gated_solution():
    assert se.gated_cells(toy_notebook()) == {3, 4}


def test_solution_text_collects_the_markdown_and_code_of_a_solution():
    nb = toy_notebook()
    assert se.solution_text(nb, "ex-why").startswith("The SECRET answer.")
    assert "**Rubric:** 1 point" in se.solution_text(nb, "ex-why")
    gated = se.solution_text(nb, "ex-square")
    assert "GATED answer" in gated and "a demonstration inside the solution" in gated
    assert "return x * x" not in gated, "the autograded solution cell is the student's cell"


def test_student_notebook_blanks_solutions_removes_written_ones_and_clears_outputs():
    nb = toy_notebook()
    nb.cells[9].outputs = [nbformat.v4.new_output("stream", text="16\n")]
    student = se.student_notebook(nb)
    sources = [c.source for c in student.cells]
    assert sources == [
        "# A chapter",
        "import math",
        ":::{exercise} Square\n:label: ex-square\nWrite `square(x)`.\n:::",
        se.blank_source(SOLUTION),
        "Run the check:",
        se.visible_check_source(CHECK),
        se.strip_written_solutions(WRITTEN),
        f"{ANSWER}\n\n{se.TEXT_STUB}",
        "print(square(4))",
    ]
    assert all(c.outputs == [] for c in student.cells if c.cell_type == "code")
    assert nb.cells[3].source == SOLUTION, "the instructor notebook must not be modified"


def test_student_notebook_can_keep_outputs_except_those_of_the_exercise():
    nb = toy_notebook()
    for i in (1, 3, 6, 9):
        nb.cells[i].outputs = [nbformat.v4.new_output("stream", text="shown\n")]
    student = se.student_notebook(nb, keep_outputs=True)
    assert student.cells[3].outputs == [] and student.cells[5].outputs == []
    assert student.cells[1].outputs == nb.cells[1].outputs
    assert student.cells[8].outputs == nb.cells[9].outputs


def test_nbgrader_source_marks_solution_check_and_answer_cells():
    source = se.nbgrader_source(toy_notebook(), "toy")
    by_id = {
        c.metadata["nbgrader"]["grade_id"]: c for c in source.cells if "nbgrader" in c.metadata
    }
    assert set(by_id) == {"ex-square-solution", "ex-square-check", "ex-why-answer"}
    solution, check = by_id["ex-square-solution"], by_id["ex-square-check"]
    assert solution.metadata["nbgrader"]["solution"] and not solution.metadata["nbgrader"]["grade"]
    assert solution.source == SOLUTION, "the source keeps the instructor's solution"
    meta = check.metadata["nbgrader"]
    assert meta["grade"] and meta["locked"] and meta["points"] == 3
    answer = by_id["ex-why-answer"]
    meta = answer.metadata["nbgrader"]
    assert meta["grade"] and meta["solution"] and meta["points"] == 2 and not meta["locked"]
    assert answer.source.startswith(ANSWER + "\n\n### BEGIN SOLUTION\nThe SECRET answer.")
    assert "**Rubric:** 1 point" in answer.source and answer.source.endswith("### END SOLUTION")
    text = "\n".join(c.source for c in source.cells if "nbgrader" not in c.metadata)
    assert "SECRET" not in text and "GATED" not in text, "nbgrader would release it"
    assert "a demonstration inside the solution" not in text


# --- the chapters -------------------------------------------------------------------------


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_student_edition_differs_only_in_the_blanks(path):
    nb = nbformat.read(path, as_version=4)
    exercises = se.autograded_exercises(nb)
    assert exercises, f"{path.name}: no autograded exercise"
    student = se.student_notebook(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    solutions = {id(nb.cells[e.solution]) for e in exercises}
    gated = {id(nb.cells[i]) for i in se.gated_cells(nb)} - solutions
    expected = [
        se.blank_source(c.source) if id(c) in solutions else se.visible_check_source(c.source)
        for c in code
        if id(c) not in gated
    ]
    assert [c.source for c in student.cells if c.cell_type == "code"] == expected
    markdown = _markdown(student)
    assert "{solution" not in markdown and "**Rubric:**" not in markdown, path.name
    assert "SOLUTION" not in "\n".join(expected).replace("NotImplementedError", "")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_code_solutions_are_inside_gated_solutions(path):
    """Issue 16: a solution's code is rendered inside its dropdown, never under it."""
    nb = nbformat.read(path, as_version=4)
    outside = [e.solution for e in se.autograded_exercises(nb)]
    outside = [i for i in outside if i not in se.gated_cells(nb)]
    assert not outside, f"{path.name}: solution cells {outside} are not inside a solution-start"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_grades_every_exercise(path):
    """Each exercise is autograded or has a written answer cell; each chapter has both kinds."""
    nb = nbformat.read(path, as_version=4)
    labels = set(re.findall(r"^:{3,}\{exercise\}.*\n:label: (\S+)", _markdown(nb), flags=re.M))
    graded = {e.label for e in se.autograded_exercises(nb)}
    answered = {a.label for a in se.written_answers(nb)}
    assert labels, f"{path.name}: no labelled exercise"
    assert labels - graded - answered == set(), (
        f"{path.name}: exercises without a check or a '{se.ANSWER_MARKER} (N points)' cell"
    )
    assert (graded | answered) <= labels, f"{path.name}: a check or answer outside an exercise"
    assert graded and answered, f"{path.name}: needs an autograded and a written exercise"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_exercises_are_referred_to_by_label_not_by_typed_number(path):
    """Issue 16, item 7: '{ref}`ex-...`', never 'exercise 3' (numbers differ on the page)."""
    nb = nbformat.read(path, as_version=4)
    typed = re.findall(r"(?i)\bexercises?\s+\(?\d+", _markdown(nb))
    assert not typed, f"{path.name}: exercises referred to by typed number: {typed}"


def test_nbgrader_releases_exactly_our_student_edition_of_every_chapter(tmp_path):
    """Every chapter through ``bookbuild.course`` and nbgrader's generate_assignment: the
    release holds our student edition, after nbgrader's header, with nbgrader's metadata."""
    if not CHAPTERS:
        pytest.skip("no chapters yet")
    course.write_course(tmp_path, CHAPTERS)
    header = nbformat.read(tmp_path / "source/header.ipynb", as_version=4).cells
    for path in CHAPTERS:
        released = nbformat.read(tmp_path / "release" / path.stem / path.name, as_version=4)
        student = se.student_notebook(nbformat.read(path, as_version=4))
        assert [(c.cell_type, c.source) for c in released.cells] == [
            (c.cell_type, c.source) for c in header + student.cells
        ], path.name
        graded = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade")]
        total = sum(c.metadata["nbgrader"]["points"] for c in graded)
        assert total == sum(se.points(nbformat.read(path, as_version=4))), path.name
    links = (tmp_path / "assignments.md").read_text()
    for path in CHAPTERS:
        assert path.stem in links


def test_teachers_page_syllabus_is_in_step_with_the_chapters_and_timings():
    """teachers.md's syllabus is written by `python -m bookbuild.course --syllabus`."""
    teachers = (ROOT / "teachers.md").read_text()
    assert course.grading_table() in teachers, (
        "teachers.md's grading table differs from course_grading.json: "
        "run `python -m bookbuild.course --syllabus`"
    )
    assert course.syllabus_table() in teachers, (
        "teachers.md's syllabus differs from the chapters, intro.md or chapter_timings.json: "
        "run `python -m bookbuild.course --syllabus`"
    )


def test_colab_links_come_from_the_configured_repository():
    link = course.colab_link(ROOT / "course/release/01_probability/01_probability.ipynb")
    repo = course.repository()
    owner_name = repo["url"].removeprefix("https://github.com/")
    assert link == (
        f"https://colab.research.google.com/github/{owner_name}/blob/{repo['branch']}/"
        "course/release/01_probability/01_probability.ipynb"
    )


def test_student_intro_has_no_teachers_part_no_clone_advice_and_no_repository_files():
    intro = se.student_intro(layout.INTRO.read_text())
    for word in ("teacher", "clone", "make book", "make test", "bookbuild", "rocket"):
        assert word not in intro.lower(), f"the students' intro still says {word!r}"
    assert "## Chapter map" in intro and "chapters/01_probability.ipynb" in intro
    assert se.STUDENT_RUNNING in intro

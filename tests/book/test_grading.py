"""A course from nothing to grades.csv, with nbgrader's own commands, as teachers.md says.

For each assignment: ``bookbuild.course`` writes the course directory (config, source,
release), the roster is imported, three submissions arrive through ``zip_collect`` (the
release notebook left blank, the release notebook solved, and the book's notebook, which
has no nbgrader metadata; with more than one autograded exercise also "rest": every
exercise solved but the first, which proves that the later checks do not depend on the
first answer), ``autograde`` grades them and refuses the book's notebook loudly, the written answers are graded by hand through nbgrader's gradebook API (what the
formgrader does), ``generate_feedback`` writes the feedback and ``export`` the grades:
the blank gets 0 and the solved notebook full marks.

``make test`` grades chapter 2 (the quickest). ``GAN_BOOK_GRADING=all`` grades every
chapter (or a comma-separated list of chapter stems) and writes what it measured, per
assignment, to ``_build/grading/<chapter>.json``: points, grades, seconds, and the longest
cell of the solved run (from the execution times that nbclient records).
"""

from __future__ import annotations

import ast
import csv
import datetime
import io
import json
import os
import shutil
import time
import tokenize

import nbformat
import pytest

from bookbuild import course, layout
from bookbuild import student_edition as se

RESULTS = layout.BUILD / "grading"
_selected = os.environ.get("GAN_BOOK_GRADING", "02_minimax")
ASSIGNMENTS = [
    p.stem
    for p in layout.chapter_notebooks()
    if _selected == "all" or p.stem in _selected.split(",")
]
STUDENTS = ("blank", "solved", "copied")
WRITTEN_ANSWER = "My answer, written out in full."


def _run(*args, course_dir, ok=True):
    result = course.nbgrader(*args, course=course_dir)
    output = result.stdout + result.stderr
    if ok:
        assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{output[-4000:]}"
    return result.returncode, output


def _cell_seconds(nb) -> list[float]:
    seconds = []
    for cell in nb.cells:
        timing = cell.metadata.get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            parse = datetime.datetime.fromisoformat
            seconds.append((parse(end.rstrip("Z")) - parse(start.rstrip("Z"))).total_seconds())
    return seconds


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_assignment_from_nothing_to_grades(tmp_path, assignment):
    root = tmp_path / "course"
    chapter = layout.CHAPTERS / f"{assignment}.ipynb"
    course.write_course(root, [chapter])  # = python -m bookbuild.course --out ROOT ASSIGNMENT
    auto, manual = se.points(nbformat.read(chapter, as_version=4))
    exercises = se.autograded_exercises(nbformat.read(chapter, as_version=4))
    students = STUDENTS + (("rest",) if len(exercises) > 1 else ())

    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(
        f"{s},{s.title()},Student,{s}@example.org\n" for s in students))  # fmt: skip
    _run("db", "student", "import", str(roster), course_dir=root)

    # Submissions as a learning management system hands them back: <student>_<file>.ipynb.
    release = root / "release" / assignment / chapter.name
    source = nbformat.read(root / "source" / assignment / chapter.name, as_version=4)
    archive = root / "downloaded" / assignment / "archive"
    archive.mkdir(parents=True)
    shutil.copy(release, archive / f"blank_{chapter.name}")
    nbformat.write(course.solved(nbformat.read(release, as_version=4), source,
                                 written_answer=WRITTEN_ANSWER),
                   archive / f"solved_{chapter.name}")  # fmt: skip
    shutil.copy(chapter, archive / f"copied_{chapter.name}")
    if "rest" in students:
        first = f"{exercises[0].label}-solution"
        nbformat.write(course.solved(nbformat.read(release, as_version=4), source, skip={first},
                                     written_answer=WRITTEN_ANSWER),
                       archive / f"rest_{chapter.name}")  # fmt: skip
    _run("zip_collect", assignment, course_dir=root)
    for student in students:
        assert (root / "submitted" / student / assignment / chapter.name).exists(), student

    start = time.perf_counter()
    status, output = _run(
        "autograde", assignment, "--ClearMetadataPreprocessor.enabled=False",
        course_dir=root, ok=False,
    )  # fmt: skip
    autograde_seconds = time.perf_counter() - start
    assert status != 0, "a notebook without nbgrader metadata must make autograde fail"
    assert "copied/" in output and "lacks" in output and "graded cells" in output, output[-3000:]
    autograded = root / "autograded"
    assert not (autograded / "copied" / assignment).exists(), "the refused notebook was graded"
    for student in set(students) - {"copied"}:
        assert (autograded / student / assignment / chapter.name).exists(), output[-3000:]

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        blank = gradebook.find_submission_notebook(assignment, assignment, "blank")
        assert not blank.needs_manual_grade, "unchanged answer cells score 0 automatically"
        solved = gradebook.find_submission_notebook(assignment, assignment, "solved")
        auto_solved = sum(g.auto_score or 0 for g in solved.grades)
        needs_hand = [g for g in solved.grades if g.needs_manual_grade]
        assert sum(g.max_score for g in needs_hand) == manual
        for grade in needs_hand:  # the teacher, in the formgrader: full marks
            grade.manual_score = grade.max_score
        gradebook.db.commit()
        rest = None
        if "rest" in students:
            notebook = gradebook.find_submission_notebook(assignment, assignment, "rest")
            rest = sum(g.auto_score or 0 for g in notebook.grades)
            assert rest == auto - exercises[0].points, (
                f"with only the first exercise blank the checks give {rest} points, not "
                f"{auto - exercises[0].points}: a later check depends on the first answer"
            )

    _run("generate_feedback", assignment, course_dir=root)
    for student in ("blank", "solved"):
        feedback = root / "feedback" / student / assignment / f"{assignment}.html"
        assert feedback.exists(), student

    _run("export", course_dir=root)
    with open(root / "grades.csv") as grades_file:
        grades = {row["student_id"]: row for row in csv.DictReader(grades_file)}
    scores = {s: float(grades[s]["score"]) for s in ("blank", "solved")}
    assert float(grades["solved"]["max_score"]) == auto + manual
    assert scores == {"blank": 0.0, "solved": auto + manual}
    assert auto_solved == auto, "every autograded check passes on the solved notebook"

    cells = _cell_seconds(nbformat.read(autograded / "solved" / assignment / chapter.name, 4))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{assignment}.json").write_text(json.dumps({
        "assignment": assignment, "auto_points": auto, "manual_points": manual,
        "blank_score": scores["blank"], "solved_score": scores["solved"],
        "solved_auto_score": auto_solved, "all_but_first_auto_score": rest,
        "submissions_graded": len(students) - 1, "autograde_seconds":
        round(autograde_seconds, 1), "longest_cell_seconds": round(max(cells, default=0), 1),
        "cells_timed": len(cells), "load_average": os.getloadavg()[0],
        "copied_refused": True, "mode": os.environ.get("GAN_BOOK_MODE", "quick (config)"),
    }, indent=2) + "\n")  # fmt: skip


# --- Each autograded check rejects plausible wrong answers --------------------------------
# A check that only fails on the blank proves little: these are the mistakes a student
# makes (the wrong norm, a missing interpolation, a verdict from the means alone). Each
# runs with the chapter's imports and the full check, hidden tests included, which must
# raise; the instructor's solution, run the same way, must pass. The wrong answers are
# edits of the solution as the notebook holds it (read from its cell, by id), so a changed
# solution cannot drift from its test: an edit whose text the solution no longer contains
# fails the test and asks for the wrong answer to be updated.

SOLUTION_CELLS = {  # (chapter, exercise label) -> the id of its solution cell
    ("09_wasserstein", "ex-ch9-penalty"): "9b2ca7fc",
    ("09_wasserstein", "ex-ch9-power"): "b163a79e",
    ("11_judging_image_gans", "ex-ch11-ablation"): "4f452cab",
}
_MIX = "mixed = eps * real + (1.0 - eps) * fake"
_NORM = "tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes))"
_PENALTY = "tf.square(norms - 1.0)"
_SEEDS = """    if set(baseline) != set(variant) or len(baseline) < 2:
        raise ValueError("both arms need the same seeds, at least two")
"""
_SIGN = "    if not higher_is_better:\n        base, var = -base, -var\n"
# A wrong answer is a list of (text of the solution, its replacement), or a whole answer.
WRONG_ANSWERS = {
    ("09_wasserstein", "ex-ch9-penalty"): {
        "L1 norm": [(_NORM, "tf.reduce_sum(tf.abs(grads), axis=axes)")],
        "squared norm": [(_NORM, "tf.reduce_sum(tf.square(grads), axis=axes)")],
        "norm over the batch": [(_NORM, "tf.norm(grads)")],
        "norm over the last axis only": [(_NORM, "tf.norm(grads, axis=-1)")],
        "(norm + 1)^2": [(_PENALTY, "tf.square(norms + 1.0)")],
        "one-sided": [(_PENALTY, "tf.square(tf.nn.relu(norms - 1.0))")],
        "weight left out": [("return weight * ", "return ")],
        "at the real samples": [(_MIX, "mixed = real")],
        "at the fake samples": [(_MIX, "mixed = fake")],
        "eps on the fake samples": [(_MIX, "mixed = eps * fake + (1.0 - eps) * real")],
        "through NumPy": [
            (
                "return weight * tf.reduce_mean(tf.square(norms - 1.0))",
                "return weight * float(np.mean((norms.numpy() - 1.0) ** 2))",
            )
        ],
    },
    ("09_wasserstein", "ex-ch9-power"): {
        "NumPy's norm": "def power_iteration(w, u, steps):\n"
        "    return float(np.linalg.norm(w, 2)), np.ravel(u)\n",
        "Frobenius norm": "def power_iteration(w, u, steps):\n"
        "    return float(np.linalg.norm(w)), np.ravel(u)\n",
        "no normalization": [
            ("        v /= np.linalg.norm(v)\n", ""),
            ("        u /= np.linalg.norm(u)\n", ""),
        ],
        "u not returned": [("w, u = ", "w, u = u0 = "), (", u\n", ", u0\n")],
        "v not normalized, sigma from |W u|": [
            ("        v /= np.linalg.norm(v)\n", ""),
            ("float(v @ w @ u)", "float(np.linalg.norm(w @ u))"),
        ],
        "W instead of its transpose": [("v = w @ u", "v = u @ w")],
    },
    ("11_judging_image_gans", "ex-ch11-ablation"): {
        "means decide": [
            ("var.min() > base.max()", "var.mean() > base.mean()"),
            ("base.min() > var.max()", "base.mean() > var.mean()"),
        ],
        "paired by seed": [
            ("var.min() > base.max()", "np.all(var > base)"),
            ("base.min() > var.max()", "np.all(base > var)"),
        ],
        "spread = standard deviation": [("np.ptp(base), np.ptp(var)", "np.std(base), np.std(var)")],
        "spread = pooled range": [
            ("max(np.ptp(base), np.ptp(var))", "np.ptp(np.concatenate([base, var]))")
        ],
        "direction ignored": [(_SIGN, "")],
        "difference of the flipped scores": [
            (_SIGN, "    difference *= 1 if higher_is_better else -1\n" + _SIGN)
        ],
        "ties decide": [(" > base.max()", " >= base.max()"), (" > var.max()", " >= var.max()")],
        "seeds unchecked": [(_SEEDS, "")],
    },
}
PRELUDE = """import json
import numpy as np
import tensorflow as tf
from tensorflow import keras
from gan_lib import losses
study = json.loads(open("experiments/results/dcgan_study.json").read())["runs"]
"""


def _without_comments(source: str) -> str:
    """``source`` without its comments (nbgrader's BEGIN/END SOLUTION markers among them):
    a line that held only a comment goes, a trailing comment is cut off."""
    cuts = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            cuts[token.start[0]] = token.start[1]
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        if number in cuts:
            line = line[: cuts[number]].rstrip()
            if not line:
                continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def _solution_function(chapter: str, label: str) -> tuple[str, str]:
    """The function that the solution cell of exercise ``label`` defines, as a student would
    write it (without comments and nbgrader's markers, and without the code after it that
    uses it), and the exercise's check cell."""
    nb = nbformat.read(layout.CHAPTERS / f"{chapter}.ipynb", as_version=4)
    exercise = next(e for e in se.autograded_exercises(nb) if e.label == label)
    cell_id = SOLUTION_CELLS[chapter, label]
    assert nb.cells[exercise.solution].get("id") == cell_id, (
        f"{label}'s solution is no longer cell {cell_id}: update SOLUTION_CELLS"
    )
    source = _without_comments(nb.cells[exercise.solution].source)
    function = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    lines = source.splitlines()[function.lineno - 1 : function.end_lineno]
    return "\n".join(lines) + "\n", nb.cells[exercise.check].source


def _wrong(solution: str, wrong) -> str:
    if isinstance(wrong, str):
        return wrong
    for old, new in wrong:
        assert solution.count(old) == 1, (
            f"the solution no longer contains {old!r} once: update this wrong answer"
        )
        solution = solution.replace(old, new)
    return solution


def _outcome(answer: str, check: str) -> str:
    namespace: dict = {}
    exec(PRELUDE, namespace)
    exec(answer, namespace)
    try:
        exec(check, namespace)
    except Exception as error:  # what autograde counts: any error fails the check
        return type(error).__name__
    return "passes"


def test_the_comment_stripper_keeps_code_and_strings():
    source = 'def f(x):\n    ### BEGIN SOLUTION\n    y = "# kept"  # cut\n    return y\n'
    assert _without_comments(source) == 'def f(x):\n    y = "# kept"\n    return y\n'


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # e.g. the overflow of no normalization
@pytest.mark.parametrize("chapter, label", list(WRONG_ANSWERS))
def test_a_check_rejects_plausible_wrong_answers(chapter, label, monkeypatch):
    monkeypatch.chdir(layout.ROOT)
    solution, check = _solution_function(chapter, label)
    assert _outcome(solution, check) == "passes", "the instructor's solution fails its check"
    wrong_answers = {name: _wrong(solution, wrong)
                     for name, wrong in WRONG_ANSWERS[chapter, label].items()}  # fmt: skip
    assert all(answer != solution for answer in wrong_answers.values())
    passing = [name for name, wrong in wrong_answers.items()
               if _outcome(wrong, check) == "passes"]  # fmt: skip
    assert not passing, f"{label}: the check passes these wrong answers: {passing}"

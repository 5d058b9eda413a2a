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

import csv
import datetime
import json
import os
import shutil
import time

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

"""The student edition of every chapter, and the student site (``make student``).

The exercise format every chapter uses (nbgrader's markers plus sphinx-exercise's
directives):

* **Statement**: a markdown cell with an ``{exercise}`` directive labelled
  ``:label: ex-<chapter>-<name>``. Prose refers to it with ``{ref}`` roles, never by number.
* **Solution**, gated so that code stays inside the dropdown: a markdown
  ``:::{solution-start} ex-...`` / ``:class: dropdown`` / ``:::``, then the solution's
  markdown and code cells, then a markdown ``:::{solution-end}`` / ``:::``. A one-cell
  ``{solution}`` directive (no code cells) is also accepted.
* **Autograded exercise**: a code cell inside the gated solution holding the answer between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``; the next code cell (after
  ``{solution-end}``) is its check and starts with ``# Autograded check (N points)``
  (``(N points)`` may be left out: 1 point). A check judges one answer only; where it needs
  an earlier result it uses a reference provided in the check, not the student's code.
  Checks may end with a ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region
  (run by nbgrader's autograde, removed from what students get).
* **Written answer**: a markdown cell whose first line starts with
  ``**Your answer:** (N points)`` (``(N points)`` may be left out: 1 point). It belongs to
  the exercise before it (an autograded exercise may have one for its written part). It
  becomes a manually graded nbgrader answer cell worth N points: in the instructor edition
  (``nbgrader/source``) it holds the model answer and rubric, i.e. the exercise's written
  solution (write a line ``**Rubric:** ...`` with how the points are earned into it); in
  the student edition it reads ``YOUR ANSWER HERE`` under the marker line.

The student edition of a chapter is the chapter with

* every solution region replaced by nbgrader's stub (``ClearSolutions``):
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``;
* every hidden-test region removed from the checks (``ClearHiddenTests``);
* every written solution removed: ``{solution}`` directives, and the markdown and the
  other code cells of gated solutions (the stubbed solution cells stay, in place);
* ``YOUR ANSWER HERE`` in each answer cell; no outputs.

nbgrader's ``generate_assignment`` makes exactly this notebook (with cell metadata) from
``nbgrader_source``; ``bookbuild.course`` (``make course``) writes the course directory and
its release notebooks, the one hand-out for every route. This module builds the student
site::

    python -m bookbuild.student_edition --site book        # student/_build/html, full mode
    python -m bookbuild.student_edition --site quick --out _build/student   # as make test does

The site is the book with the student notebooks. Its outputs come from an execution of the
instructor notebooks, so nothing is executed here: ``book`` takes them from ``make book``'s
execution cache (full mode), ``quick`` from the notebooks that ``make test``'s nbval run
saved (quick mode). The outputs of solution and check cells are cleared; the teacher's page
is left out and the intro is the students' (``student_intro``).
"""

from __future__ import annotations

import argparse
import copy
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from bookbuild import layout

CHECK_HEADER = "# Autograded check"
ANSWER_MARKER = "**Your answer:**"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
# Pages of the instructor's book that the student site leaves out (files of _toc.yml).
INSTRUCTOR_ONLY_PAGES = ("teachers",)

_POINTS = r"(?:\s*\((?P<points>\d+) points?\))?"
_CHECK_LINE = re.compile(re.escape(CHECK_HEADER) + _POINTS + r"\s*$")
_ANSWER_LINE = re.compile(re.escape(ANSWER_MARKER) + _POINTS)
_DIRECTIVE = re.compile(r"^\s*(?P<fence>:{3,}|`{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>.*)$")
_LABEL = re.compile(r"^\s*:label:\s*(?P<label>\S+)\s*$")


@dataclass(frozen=True)
class Exercise:
    """An autograded exercise: indices (into ``nb.cells``) of its solution and check cells,
    the check's points and the label of the exercise it belongs to."""

    solution: int
    check: int
    points: int = 1
    label: str | None = None


@dataclass(frozen=True)
class WrittenAnswer:
    """A manually graded answer cell: its index, points and the exercise's label."""

    cell: int
    points: int
    label: str | None


def _clear_solutions():
    from nbgrader.preprocessors import ClearSolutions

    return ClearSolutions(
        code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB, enforce_metadata=False
    )


def _clear_hidden_tests():
    from nbgrader.preprocessors import ClearHiddenTests

    return ClearHiddenTests(enforce_metadata=False)


def blank_source(source: str) -> str:
    """A code cell's source with each solution region replaced by nbgrader's stub."""
    cell = nbformat.v4.new_code_cell(source)
    _clear_solutions().preprocess_cell(cell, {"language": "python"}, 0)
    return cell.source


def visible_check_source(source: str) -> str:
    """A check cell's source as the student sees it: hidden-test regions removed."""
    cell = nbformat.v4.new_code_cell(source)
    _clear_hidden_tests().preprocess_cell(cell, {}, 0)
    return cell.source


def has_solution(source: str) -> bool:
    """True when a code cell holds a solution region (nbgrader's ``BEGIN SOLUTION`` marker)."""
    return "BEGIN SOLUTION" in source


def check_points(source: str) -> int | None:
    """The points of a check cell (``# Autograded check (N points)``; 1 if not given), or None
    if the cell is not a check."""
    match = _CHECK_LINE.match(source.split("\n", 1)[0])
    if match is None:
        return None
    return int(match["points"] or 1)


def answer_points(cell) -> int | None:
    """The points of a written answer cell (``**Your answer:** (N points)``; 1 if not given),
    or None if the cell is not an answer cell."""
    if cell.cell_type != "markdown":
        return None
    match = _ANSWER_LINE.match(cell.source.lstrip())
    return None if match is None else int(match["points"] or 1)


def exercise_labels(nb) -> list[str | None]:
    """For every cell, the label of the last ``{exercise}`` opened at or before it."""
    labels, current = [], None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.split("\n")
            for i, line in enumerate(lines):
                opened = _DIRECTIVE.match(line)
                if opened and opened["name"] in ("exercise", "exercise-start"):
                    for option in lines[i + 1 :]:
                        if not option.strip().startswith(":") or _DIRECTIVE.match(option):
                            break
                        label = _LABEL.match(option)
                        if label:
                            current = label["label"]
        labels.append(current)
    return labels


def autograded_exercises(nb) -> list[Exercise]:
    """The autograded exercises of a notebook, in order.

    The check is the first code cell after the solution cell outside the gated solution.
    Raises ValueError if a solution region sits in a markdown cell (nbgrader would mangle the
    text) or if a cell with a solution region is not followed by a check cell.
    """
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and has_solution(cell.source):
            raise ValueError(
                f"cell {i}: markdown contains a solution marker; solution regions belong in "
                "code cells (write the marker in words in the text)"
            )
    labels = exercise_labels(nb)
    # Other code cells of a gated solution (a demonstration) may sit between answer and check.
    inside = {i for i in gated_cells(nb) if not has_solution(nb.cells[i].source)}
    exercises = []
    for position, i in enumerate(code):
        if not has_solution(nb.cells[i].source):
            continue
        following = next((j for j in code[position + 1 :] if j not in inside), None)
        points = None if following is None else check_points(nb.cells[following].source)
        if points is None:
            raise ValueError(
                f"cell {i}: a solution cell must be followed by a code cell starting with "
                f"{CHECK_HEADER!r} (optionally '{CHECK_HEADER} (N points)')"
            )
        exercises.append(Exercise(solution=i, check=following, points=points, label=labels[i]))
    return exercises


def written_answers(nb) -> list[WrittenAnswer]:
    """The written answer cells of a notebook, in order."""
    labels = exercise_labels(nb)
    return [
        WrittenAnswer(cell=i, points=points, label=labels[i])
        for i, cell in enumerate(nb.cells)
        if (points := answer_points(cell)) is not None
    ]


def points(nb) -> tuple[int, int]:
    """(autograded points, manually graded points) of a notebook."""
    return (
        sum(e.points for e in autograded_exercises(nb)),
        sum(a.points for a in written_answers(nb)),
    )


def _block(lines, fence: str) -> list[str]:
    """Consume a directive's lines up to its closing fence; return them (closing excluded).

    The block ends at the first line made only of the opening fence's character, at least as
    long as the opening fence (MyST's rule, so directives nested inside are skipped whole)."""
    closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    body = []
    for line in lines:
        if closing.match(line):
            return body
        body.append(line)
    raise ValueError(f"a directive opened with {fence!r} is not closed")


def _without_options(body: list[str]) -> list[str]:
    while body and body[0].strip().startswith(":") and not _DIRECTIVE.match(body[0]):
        body = body[1:]
    return body


def _tidy(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


@dataclass
class _Split:
    """A notebook without its written solutions: the kept cells (copies, with their index in
    the original) and each exercise's solution text (markdown, code cells in fences)."""

    kept: list[tuple[int, object]]
    solutions: dict[str, list[str]]


def _split(nb) -> _Split:
    kept, solutions, inside = [], {}, None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            if inside is None or (cell.cell_type == "code" and has_solution(cell.source)):
                kept.append((i, copy.deepcopy(cell)))
            elif cell.cell_type == "code":
                solutions[inside].append(f"```python\n{cell.source}\n```")
            continue
        lines, text = iter(cell.source.split("\n")), []
        for line in lines:
            opened = _DIRECTIVE.match(line)
            name = opened["name"] if opened else None
            if inside is not None:
                if name == "solution-end":
                    _block(lines, opened["fence"])
                    inside = None
                elif name == "solution-start":
                    raise ValueError(f"cell {i}: {{solution-start}} inside the solution {inside}")
                else:
                    solutions[inside].append(line)
                continue
            if name == "solution":
                body = _without_options(_block(lines, opened["fence"]))
                solutions.setdefault(opened["argument"].strip(), []).append(_tidy(body))
            elif name == "solution-start":
                _block(lines, opened["fence"])
                inside = opened["argument"].strip()
                solutions.setdefault(inside, [])
            elif name == "solution-end":
                raise ValueError(f"cell {i}: {{solution-end}} without {{solution-start}}")
            else:
                text.append(line)
        if _tidy(text):
            cell = copy.deepcopy(cell)
            cell.source = _tidy(text)
            kept.append((i, cell))
    if inside is not None:
        raise ValueError(f"the gated solution {inside} has no {{solution-end}}")
    return _Split(kept, solutions)


def strip_written_solutions(markdown: str) -> str:
    """One markdown text without its ``{solution}`` directives (colon or backtick fences)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)])
    kept = _split(nb).kept
    return kept[0][1].source if kept else ""


def gated_cells(nb) -> set[int]:
    """Indices of the cells that lie inside a gated solution (after its start, before its end)."""
    inside, cells = False, set()
    for i, cell in enumerate(nb.cells):
        if inside and cell.cell_type == "code":
            cells.add(i)
        if cell.cell_type == "markdown":
            for line in cell.source.split("\n"):
                opened = _DIRECTIVE.match(line)
                if opened and opened["name"] == "solution-start":
                    inside = True
                elif opened and opened["name"] == "solution-end":
                    inside = False
    return cells


def solution_text(nb, label: str | None) -> str:
    """The written solution of the exercise ``label`` (markdown), empty if there is none."""
    return _tidy("\n\n".join(_split(nb).solutions.get(label, [])).split("\n"))


def distinctive_solution_lines(nb, min_length: int = 12) -> list[str]:
    """Lines of the autograded solutions that appear nowhere in the student edition (at least
    ``min_length`` characters, stripped): text that only a solution can show. The tests look
    for them in the built pages."""
    student = "\n".join(cell.source for cell in student_notebook(nb).cells)
    lines = []
    for exercise in autograded_exercises(nb):
        source = nb.cells[exercise.solution].source.split("\n")
        begin = next(i for i, line in enumerate(source) if "BEGIN SOLUTION" in line)
        end = next(i for i, line in enumerate(source) if "END SOLUTION" in line)
        for line in source[begin + 1 : end]:
            line = line.strip()
            if len(line) >= min_length and line not in student:
                lines.append(line)
    return lines


def student_notebook(nb, keep_outputs: bool = False):
    """The student edition of a notebook (a new notebook; ``nb`` is not changed).

    With ``keep_outputs`` the outputs of an executed notebook are kept, except those of the
    solution and check cells (for the student site); otherwise every output is cleared.
    """
    exercises = autograded_exercises(nb)
    graded = {e.solution for e in exercises} | {e.check for e in exercises}
    answers = {a.cell for a in written_answers(nb)}
    clear_solutions, clear_hidden_tests = _clear_solutions(), _clear_hidden_tests()
    cells = []
    for i, cell in _split(nb).kept:
        if i in answers:
            cell.source = f"{cell.source.rstrip()}\n\n{TEXT_STUB}"
        elif cell.cell_type == "code":
            clear_solutions.preprocess_cell(cell, {"language": "python"}, i)
            clear_hidden_tests.preprocess_cell(cell, {}, i)
            if not keep_outputs or i in graded:
                cell.outputs = []
                cell.execution_count = None
        cells.append(cell)
    student = copy.deepcopy(nb)
    student.cells = cells
    return student


def _grade_ids(labels: list[str | None], assignment: str):
    """A function (cell index, role) -> a grade id unique in the notebook, made from the
    exercise's label (``ex-ch1-kl-solution``, ``ex-ch1-kl-check``, ``ex-ch1-kl-answer``)."""
    used: dict[str, int] = {}

    def grade_id(i: int, role: str) -> str:
        base = f"{labels[i] or assignment + '-cell' + str(i)}-{role}"
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}-{used[base]}"

    return grade_id


def nbgrader_source(nb, assignment: str):
    """The instructor notebook with nbgrader cell metadata, for ``nbgrader generate_assignment``.

    Solution cells become nbgrader solution cells; check cells locked, autograded test cells
    worth their points; answer cells manually graded answer cells worth their points, holding
    the exercise's written solution (the model answer and rubric) as their solution region.
    Every other written solution is removed (nbgrader would release it), outputs are cleared.
    """
    exercises = autograded_exercises(nb)
    solution_cells = {e.solution for e in exercises}
    check_cells = {e.check: e.points for e in exercises}
    answers = {a.cell: a for a in written_answers(nb)}
    split = _split(nb)
    grade_id = _grade_ids(exercise_labels(nb), assignment)
    cells = []
    for i, cell in split.kept:
        meta = {"schema_version": 3, "task": False}
        if i in solution_cells:
            meta.update(grade=False, solution=True, locked=False, grade_id=grade_id(i, "solution"))
        elif i in check_cells:
            meta.update(grade=True, solution=False, locked=True, points=check_cells[i])
            meta["grade_id"] = grade_id(i, "check")
        elif i in answers:
            answer = answers[i]
            model = _tidy("\n\n".join(split.solutions.get(answer.label, [])).split("\n"))
            cell.source = (
                f"{cell.source.rstrip()}\n\n### BEGIN SOLUTION\n"
                f"{model or '(no written solution in the chapter)'}\n### END SOLUTION"
            )
            meta.update(grade=True, solution=True, locked=False, points=answer.points)
            meta["grade_id"] = grade_id(i, "answer")
        else:
            meta = None
        if meta is not None:
            cell.metadata["nbgrader"] = meta
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    source = copy.deepcopy(nb)
    source.cells = cells
    return source


def executed_notebook(path: Path, outputs: str):
    """The instructor notebook at ``path`` with outputs from an earlier execution.

    ``outputs="book"``: from make book's Jupyter cache (full mode); ``"quick"``: from the
    notebooks saved by make test's nbval run. Raises FileNotFoundError if there is none that
    matches the notebook's current code.
    """
    nb = nbformat.read(path, as_version=4)
    if outputs == "book":
        from jupyter_cache import get_cache

        cache = layout.JUPYTER_CACHE
        try:
            return get_cache(str(cache)).merge_match_into_notebook(nb)[1]
        except KeyError:
            raise FileNotFoundError(
                f"{path.name}: no full-mode execution in {cache}; run `make book`"
            ) from None
    if outputs == "quick":
        saved = layout.current_quick_execution(path)
        if saved is None:
            raise FileNotFoundError(
                f"{path.name}: no up-to-date quick-mode execution in {layout.QUICK_EXECUTED}; "
                "run `make unit`"
            )
        return saved
    raise ValueError(f"outputs must be 'book' or 'quick'; got {outputs!r}")


# The students' intro: the book's intro.md with the sections below replaced and every
# paragraph that addresses teachers left out.
STUDENT_RUNNING = """## How to run the chapters

Each chapter's notebook comes to you as an *assignment*: a file to open in Jupyter, or a
link that opens it in Colab. Work in that notebook: it is the one that gets graded. Its first code cell installs the small `gan_lib` package if it is missing;
then run the cells in order.

Each exercise with a code answer has a cell reading `raise NotImplementedError()`:
replace those lines with your code. The cell after it, marked `# Autograded check`, passes
silently or with a confirmation once your answer is right, and otherwise fails with a
message that says what is wrong. Written exercises have a cell **Your answer:** in which
you replace `YOUR ANSWER HERE` with your answer. Before you hand the notebook in, choose
*Restart and run all* and check that it runs from top to bottom."""


def student_intro(intro: str) -> str:
    """The intro for students: no teachers' paragraph, no clone advice, no repository files.

    Replaces the section "How to run the chapters" by ``STUDENT_RUNNING``, and leaves out
    paragraphs that mention teachers and parenthetical remarks naming the book's scripts.
    """
    sections = re.split(r"(?m)^(?=## )", intro)
    kept = []
    for section in sections:
        paragraphs = section.split("\n\n")
        paragraphs = [p for p in paragraphs if not re.search(r"(?i)\bteachers?\b", p)]
        if section.startswith("## How to run the chapters"):
            paragraphs = [STUDENT_RUNNING, ""]
        kept.append("\n\n".join(paragraphs))
    text = "".join(kept)
    return re.sub(r"\s*\([^()]*`(?:python|make)[^`]*`[^()]*\)", "", text)


def _student_toc(toc: dict) -> dict:
    parts = []
    for part in toc["parts"]:
        chapters = [c for c in part["chapters"] if c["file"] not in INSTRUCTOR_ONLY_PAGES]
        if chapters:
            parts.append({**part, "chapters": chapters})
    return {**toc, "parts": parts}


def _student_config(config: dict) -> dict:
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} (student edition)"
    config["execute"]["execute_notebooks"] = "off"
    config["sphinx"]["config"]["hide_solutions"] = True
    # Students need the points and the answer cells (bookbuild.reader_pages).
    config["sphinx"]["config"]["hide_grading_scaffolding"] = False
    # The launch and repository buttons would lead to the instructor's notebooks.
    config.pop("launch_buttons", None)
    config["html"].update(use_repository_button=False, use_issues_button=False)
    return config


def build_site(out: Path, outputs: str) -> Path:
    """Stage and build the student HTML site under ``out``; return its index.html."""
    stage = out / "site"
    layout.stage_sources(stage, leave_out=INSTRUCTOR_ONLY_PAGES)
    (stage / layout.INTRO.name).write_text(student_intro(layout.INTRO.read_text()))
    toc = _student_toc(yaml.safe_load(layout.TOC.read_text()))
    (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    config = _student_config(yaml.safe_load(layout.CONFIG.read_text()))
    (stage / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    for path in layout.chapter_notebooks():
        nb = student_notebook(executed_notebook(path, outputs), keep_outputs=True)
        nbformat.write(nb, stage / "chapters" / path.name)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book),
        "build",
        str(stage),
        "--path-output",
        str(out),
        "-W",
        "--keep-going",
    ]
    subprocess.run(command, check=True)
    return out / "_build" / "html" / "index.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=layout.ROOT / "student", help="output folder")
    parser.add_argument(
        "--site",
        choices=("book", "quick"),
        default="book",
        help="outputs from make book (full mode, the default) or from make test's nbval run "
        "(quick mode)",
    )
    args = parser.parse_args()
    print(f"Student site: {build_site(args.out.resolve(), args.site)}")


if __name__ == "__main__":
    main()

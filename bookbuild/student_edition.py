"""The student edition of every chapter, made with nbgrader's own preprocessors (``make student``).

An *autograded exercise* is a code cell holding the instructor's solution between the lines
``### BEGIN SOLUTION`` and ``### END SOLUTION``, followed (as the next code cell) by a cell that
starts with ``# Autograded check``. The student edition of a chapter is the chapter with

* every solution region replaced by nbgrader's stub (``ClearSolutions``):
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``;
* every ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region removed from the
  checks (``ClearHiddenTests``);
* every written solution (a sphinx-exercise ``{solution}`` directive) removed from the markdown;
* no outputs.

Usage::

    python -m bookbuild.student_edition                    # notebooks only
    python -m bookbuild.student_edition --site book        # + student HTML site, full mode
    python -m bookbuild.student_edition --site quick --out _build/student   # as make test does

It writes, under ``--out`` (default ``student/``):

* ``chapters/*.ipynb``: the student notebooks to hand out (plain Jupyter, Colab);
* ``nbgrader/source/<chapter>/<chapter>.ipynb``: the instructor notebooks with nbgrader cell
  metadata (solution cells, graded and locked check cells worth one point each), ready for
  ``nbgrader generate_assignment <chapter>``;
* with ``--site``: ``_build/html``, the book with the student notebooks and sphinx-exercise's
  ``hide_solutions``. Its outputs come from an execution of the instructor notebooks, so nothing
  is executed here: ``book`` takes them from ``make book``'s execution cache (full mode),
  ``quick`` from the notebooks that ``make test``'s nbval run saved (quick mode). The outputs
  of solution and check cells are cleared; the teacher's pages are left out.
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from bookbuild import layout

CHECK_HEADER = "# Autograded check"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
# Pages of the instructor's book that the student site leaves out (files of _toc.yml).
INSTRUCTOR_ONLY_PAGES = ("teachers",)
_FENCE_OPEN = re.compile(r"^\s*(?P<fence>:{3,}|`{3,})\{solution(?P<gated>-start)?\}")


@dataclass(frozen=True)
class Exercise:
    """An autograded exercise: indices (into ``nb.cells``) of its solution and check cells."""

    solution: int
    check: int


def _clear_solutions():
    from nbgrader.preprocessors import ClearSolutions

    return ClearSolutions(code_stub={"python": CODE_STUB}, enforce_metadata=False)


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


def autograded_exercises(nb) -> list[Exercise]:
    """The autograded exercises of a notebook, in order.

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
    exercises = []
    for position, i in enumerate(code):
        if not has_solution(nb.cells[i].source):
            continue
        following = code[position + 1] if position + 1 < len(code) else None
        if following is None or not nb.cells[following].source.startswith(CHECK_HEADER):
            raise ValueError(
                f"cell {i}: a solution cell must be followed by a code cell starting with "
                f"{CHECK_HEADER!r}"
            )
        exercises.append(Exercise(solution=i, check=following))
    return exercises


def strip_written_solutions(markdown: str) -> str:
    """Remove every sphinx-exercise ``{solution}`` directive (colon or backtick fence).

    The block ends at the first line made only of the opening fence's character, at least as
    long as the opening fence (MyST's rule, so directives nested inside are skipped whole).
    Gated solutions (``{solution-start}`` ... ``{solution-end}``) span cells and are refused.
    """
    kept: list[str] = []
    closing: re.Pattern | None = None
    for line in markdown.split("\n"):
        if closing is not None:
            if closing.match(line):
                closing = None
            continue
        opened = _FENCE_OPEN.match(line)
        if opened and opened["gated"]:
            raise ValueError("gated solutions ({solution-start}) are not supported; use {solution}")
        if opened:
            fence = opened["fence"]
            closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            continue
        kept.append(line)
    if closing is not None:
        raise ValueError("a {solution} directive is not closed")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def student_notebook(nb, keep_outputs: bool = False):
    """The student edition of a notebook (a new notebook; ``nb`` is not changed).

    With ``keep_outputs`` the outputs of an executed notebook are kept, except those of the
    solution and check cells (for the student site); otherwise every output is cleared.
    """
    exercises = autograded_exercises(nb)
    graded = {e.solution for e in exercises} | {e.check for e in exercises}
    nb = copy.deepcopy(nb)
    clear_solutions, clear_hidden_tests = _clear_solutions(), _clear_hidden_tests()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            cell.source = strip_written_solutions(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        clear_solutions.preprocess_cell(cell, {"language": "python"}, i)
        clear_hidden_tests.preprocess_cell(cell, {}, i)
        if not keep_outputs or i in graded:
            cell.outputs = []
            cell.execution_count = None
    return nb


def nbgrader_source(nb, assignment: str):
    """The instructor notebook with nbgrader cell metadata, for ``nbgrader generate_assignment``.

    Solution cells become nbgrader solution cells; check cells become locked, autograded test
    cells worth one point. Written solutions are removed from the markdown (nbgrader would
    release them), and outputs are cleared.
    """
    nb = copy.deepcopy(nb)
    for number, exercise in enumerate(autograded_exercises(nb), start=1):
        nb.cells[exercise.solution].metadata["nbgrader"] = {
            "grade": False,
            "grade_id": f"{assignment}-ex{number}-solution",
            "locked": False,
            "schema_version": 3,
            "solution": True,
            "task": False,
        }
        nb.cells[exercise.check].metadata["nbgrader"] = {
            "grade": True,
            "grade_id": f"{assignment}-ex{number}-check",
            "locked": True,
            "points": 1,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = strip_written_solutions(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


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
    # The launch and repository buttons would lead to the instructor's notebooks.
    config.pop("launch_buttons", None)
    config["html"].update(use_repository_button=False, use_issues_button=False)
    return config


def write_notebooks(out: Path) -> list[tuple[str, int]]:
    """Write the student notebooks and the nbgrader source tree; return (chapter, exercises)."""
    for folder in ("chapters", "nbgrader"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
    summary = []
    for path in layout.chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        summary.append((path.stem, len(autograded_exercises(nb))))
        target = out / "chapters" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student_notebook(nb), target)
        source = out / "nbgrader" / "source" / path.stem / path.name
        source.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbgrader_source(nb, path.stem), source)
    return summary


def build_site(out: Path, outputs: str) -> Path:
    """Stage and build the student HTML site under ``out``; return its index.html."""
    stage = out / "site"
    layout.stage_sources(stage, leave_out=INSTRUCTOR_ONLY_PAGES)
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
        help="also build the student HTML site, with outputs from make book (full mode) or "
        "from make test's nbval run (quick mode)",
    )
    args = parser.parse_args()
    out = args.out.resolve()
    for chapter, count in write_notebooks(out):
        print(f"{chapter}: {count} autograded exercise(s)")
    print(f"Student notebooks: {out / 'chapters'}")
    print(f"nbgrader source tree: {out / 'nbgrader' / 'source'}")
    if args.site:
        print(f"Student site: {build_site(out, args.site)}")


if __name__ == "__main__":
    main()

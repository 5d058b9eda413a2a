"""An nbgrader course directory made from the chapters (``make course``).

    python -m bookbuild.course                          # course/, every chapter
    python -m bookbuild.course --out DIR 02_minimax     # some chapters, elsewhere
    python -m bookbuild.course --syllabus               # rewrite teachers.md's tables
    python -m bookbuild.course --record-grading _build/grading   # after GAN_BOOK_GRADING=all

It writes, under ``--out`` (default ``course/``), what nbgrader's ``quickstart`` would, for
this book:

* ``nbgrader_config.py`` (from ``bookbuild/nbgrader_config_template.py``, written only if
  missing, so a teacher's edits stay): course id (the repository's name in ``_config.yml``),
  header, per-cell timeout, quick mode for grading, the ``zip_collect`` file-name pattern, and
  a check that refuses a submission without the assignment's graded cells;
* ``source/header.ipynb`` and ``source/<chapter>/<chapter>.ipynb``: each chapter with
  nbgrader's cell metadata (``bookbuild.student_edition.nbgrader_source``);
* ``release/<chapter>/<chapter>.ipynb``: what ``nbgrader generate_assignment`` makes of it.
  These are THE student notebooks, for every route: nbgrader's exchange, a learning
  management system, e-mail, plain Jupyter and Colab. Only they carry the cell metadata
  that autograde needs;
* ``assignments.md``: per assignment its points and a Colab link, which opens the release
  notebook once the course folder is pushed to the repository and branch of
  ``_config.yml`` (a fork's, after ``make sync-setup``).

``--syllabus`` writes the syllabus table of ``teachers.md`` (chapter, learning objectives,
prerequisites, time, points) from the chapters, ``intro.md``'s chapter map and the run
times of ``chapter_timings.json`` (``bookbuild.timings``), so it cannot drift from them,
and its grading table from ``course_grading.json``: what ``tests/book/test_grading.py`` measured
for each assignment (``GAN_BOOK_GRADING=all``), stored there by ``--record-grading``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from bookbuild import layout, timings
from bookbuild import student_edition as se
from bookbuild.learning_path import chapter_title

TEMPLATE = Path(__file__).with_name("nbgrader_config_template.py")
TEACHERS = layout.ROOT / "teachers.md"
GRADING_RECORD = layout.ROOT / "course_grading.json"
SYLLABUS_HEADER = "| Chapter | Learning objectives | Prerequisites | Time | Points |"
GRADING_HEADER = (
    "| Chapter | Points (auto + written) | Blank | Solved | Longest cell, quick mode "
    "| autograde, per submission | Measured on |"
)
HEADER_TEXT = """**Before you hand in this notebook**, choose *Kernel → Restart & Run All* (Colab:
*Runtime → Restart and run all*) and check that it runs from top to bottom. Replace every
`raise NotImplementedError()` with your code and every `YOUR ANSWER HERE` with your answer.
Do not delete or copy cells: the graded cells are recognised by their metadata, and a
notebook without them cannot be graded."""
# Chapters a chapter builds on (stem -> stems); any other chapter needs the one before it.
PREREQUISITES = {
    "02_minimax": ("01_probability",),
    "03_optimal_discriminator": ("01_probability", "02_minimax"),
    "04_toy_gan_1d": ("02_minimax", "03_optimal_discriminator"),
    "05_mode_collapse": ("04_toy_gan_1d",),
    "06_mnist_dcgan": ("02_minimax", "04_toy_gan_1d", "05_mode_collapse"),
    "07_debugging_lab": ("02_minimax", "06_mnist_dcgan"),
    "08_f_divergences": ("01_probability", "03_optimal_discriminator", "04_toy_gan_1d"),
    "09_wasserstein": ("03_optimal_discriminator", "05_mode_collapse", "06_mnist_dcgan", "08_f_divergences"),
    "10_conditional_gan": ("03_optimal_discriminator", "06_mnist_dcgan"),
    "11_judging_image_gans": ("06_mnist_dcgan", "10_conditional_gan"),
}
BOOK_PREREQUISITES = "Python and NumPy, calculus, basic probability"


def repository() -> dict:
    """``_config.yml``'s repository: url, branch."""
    return yaml.safe_load(layout.CONFIG.read_text())["repository"]


def course_id() -> str:
    return repository()["url"].rstrip("/").rsplit("/", 1)[-1]


def colab_link(notebook: Path) -> str:
    """The Colab address of a notebook inside the repository of ``_config.yml``."""
    repo = repository()
    owner_name = re.sub(r"^https://github\.com/", "", repo["url"].rstrip("/"))
    relative = notebook.resolve().relative_to(layout.ROOT).as_posix()
    return f"https://colab.research.google.com/github/{owner_name}/blob/{repo['branch']}/{relative}"


def _path_with_this_environment(path: str) -> str:
    """PATH with this environment's scripts first (nbgrader runs `alembic`, and itself)."""
    return f"{Path(sys.executable).parent}{os.pathsep}{path}"


def nbgrader(*args: str, course: Path) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course directory (this environment's nbgrader)."""
    env = {**os.environ, "PATH": _path_with_this_environment(os.environ["PATH"])}
    command = [sys.executable, "-m", "nbgrader", *args]
    return subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)


def solved(release, source, skip=(), written_answer=None):
    """The release notebook with its answers filled in: each code answer from the instructor's
    ``source``, and each written answer's stub replaced by ``written_answer`` when given,
    except the answers whose grade ids are in ``skip``."""
    answers = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or meta["grade_id"] in skip:
            continue
        if cell.cell_type == "code":
            cell.source = answers[meta["grade_id"]]
        elif written_answer is not None:
            cell.source = cell.source.replace(se.TEXT_STUB, written_answer)
    return release


def generate_assignments(course: Path, assignments: list[str]) -> None:
    """``nbgrader generate_assignment ID --force`` for each assignment, in this process.

    nbgrader's Python API (``nbgrader.apps.NbGraderAPI``) runs the same converter as its
    command line, with the course directory's ``nbgrader_config.py``. One command per
    assignment would start Python and import nbgrader each time (about 4 s, against well
    under 1 s for the conversion itself).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.nbgraderapp import NbGrader

    previous, path = Path.cwd(), os.environ["PATH"]
    os.chdir(course)  # nbgrader reads nbgrader_config.py from, and roots the course at, the cwd
    # a new gradebook is set up by running this environment's `alembic` command
    os.environ["PATH"] = _path_with_this_environment(path)
    try:
        app = NbGrader()
        app.initialize([])
        api = NbGraderAPI(config=app.config)
        for assignment in assignments:
            result = api.generate_assignment(assignment, force=True)
            if not result["success"]:
                sys.exit(
                    f"nbgrader generate_assignment {assignment} failed:\n"
                    f"{result.get('error', '')}\n{result.get('log', '')}"
                )
    finally:
        os.chdir(previous)
        os.environ["PATH"] = path


def write_config(course: Path) -> None:
    target = course / "nbgrader_config.py"
    if target.exists():
        return
    text = re.sub(
        r'^COURSE_ID = ".*"$', f'COURSE_ID = "{course_id()}"', TEMPLATE.read_text(), flags=re.M
    )
    target.write_text(text)


def write_course(course: Path, chapters: list[Path]) -> list[dict]:
    """Write the course directory; return one summary per assignment."""
    course.mkdir(parents=True, exist_ok=True)
    write_config(course)
    header = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(HEADER_TEXT)])
    (course / "source").mkdir(exist_ok=True)
    nbformat.write(header, course / "source" / "header.ipynb")
    summary = []
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        source = course / "source" / path.stem / path.name
        source.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(se.nbgrader_source(nb, path.stem), source)
        release = course / "release" / path.stem / path.name
        auto, manual = se.points(nb)
        summary.append(
            {"assignment": path.stem, "release": release, "auto": auto, "manual": manual}
        )
    generate_assignments(course, [path.stem for path in chapters])
    write_assignments(course, summary)
    return summary


def write_assignments(course: Path, summary: list[dict]) -> None:
    lines = [
        "# Assignments",
        "",
        "Hand out the notebooks of `release/`. Each Colab link opens one once this folder is",
        "pushed to the repository and branch named in the book's `_config.yml`.",
        "",
        "| assignment | points (autograded + written) | Colab |",
        "|---|---|---|",
    ]
    for entry in summary:
        try:
            link = f"[open in Colab]({colab_link(entry['release'])})"
        except ValueError:
            link = "(the course folder is outside the repository: no link)"
        points = f"{entry['auto'] + entry['manual']} ({entry['auto']} + {entry['manual']})"
        lines.append(f"| {entry['assignment']} | {points} | {link} |")
    (course / "assignments.md").write_text("\n".join(lines) + "\n")


def _chapter_map() -> dict[str, dict[str, str]]:
    """intro.md's chapter map: chapter stem -> {column name: text}."""
    lines = layout.INTRO.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| Chapter |"))
    columns = [c.strip() for c in lines[header].strip("|").split("|")]
    rows = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = re.search(r"\(chapters/(\w+)\.ipynb\)", cells[0])
        if name:
            rows[name.group(1)] = dict(zip(columns, cells))
    return rows


def _chapter_number(stem: str) -> str:
    return str(int(stem.split("_", 1)[0]))


def syllabus_table() -> str:
    """The syllabus: one row per chapter, from the chapters, intro.md and the timing record."""
    chapters = layout.chapter_notebooks()
    stems = [p.stem for p in chapters]
    intro, record = _chapter_map(), timings.load_record()
    rows = [SYLLABUS_HEADER, "|---|---|---|---|---|"]
    for position, path in enumerate(chapters):
        stem = path.stem
        before = PREREQUISITES.get(stem, stems[position - 1 : position])
        needs = ", ".join(_chapter_number(s) for s in before)
        prerequisites = f"chapter{'s' if len(before) > 1 else ''} {needs}" if before else ""
        entry = intro.get(stem, {})
        objectives = entry.get("What you learn", "")
        reading = entry.get("Reading time", "not estimated")
        time = f"reading {reading}; one run {timings.describe(record.get(stem))}"
        auto, manual = se.points(nbformat.read(path, as_version=4))
        points = f"{auto + manual} ({auto} autograded, {manual} written)"
        title = f"[{chapter_title('chapters/' + stem)}](chapters/{path.name})"
        rows.append(f"| {title} | {objectives} | {prerequisites or BOOK_PREREQUISITES} "
                    f"| {time} | {points} |")  # fmt: skip
    return "\n".join(rows)


def record_grading(folder: Path) -> None:
    """Merge the measurements that tests/book/test_grading.py wrote in ``folder`` into the record."""
    record = json.loads(GRADING_RECORD.read_text()) if GRADING_RECORD.exists() else {}
    for path in sorted(folder.glob("*.json")):
        entry = json.loads(path.read_text())
        if "autograde_seconds_two_submissions" in entry:  # written before "rest" was graded
            entry["autograde_seconds"] = entry.pop("autograde_seconds_two_submissions")
            entry.setdefault("submissions_graded", 2)
        entry["date"] = datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
        record[entry["assignment"]] = entry
    GRADING_RECORD.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def grading_table() -> str:
    """What the end-to-end grading test measured, per assignment (from the record)."""
    record = json.loads(GRADING_RECORD.read_text()) if GRADING_RECORD.exists() else {}
    rows = [GRADING_HEADER, "|---|---|---|---|---|---|---|"]
    for path in layout.chapter_notebooks():
        entry = record.get(path.stem)
        if entry is None:
            rows.append(f"| {_chapter_number(path.stem)} | not measured yet ||||||")
            continue
        auto, manual = entry["auto_points"], entry["manual_points"]
        rows.append(
            f"| {_chapter_number(path.stem)} | {auto} + {manual} "
            f"| {entry['blank_score']:g} / {auto + manual} "
            f"| {entry['solved_score']:g} / {auto + manual} "
            f"| {entry['longest_cell_seconds']:.0f} s "
            f"| {entry['autograde_seconds'] / entry['submissions_graded']:.0f} s "
            f"| {entry['date']} |"
        )
    return "\n".join(rows)


def _replace_table(lines: list[str], header: str, table: str) -> None:
    start = lines.index(header)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    lines[start:end] = table.splitlines()


def write_syllabus() -> None:
    """Rewrite teachers.md's syllabus and grading tables (found by their header lines)."""
    lines = TEACHERS.read_text().splitlines()
    _replace_table(lines, SYLLABUS_HEADER, syllabus_table())
    _replace_table(lines, GRADING_HEADER, grading_table())
    TEACHERS.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter stems (default: every chapter)")
    parser.add_argument("--out", type=Path, default=layout.ROOT / "course", help="course folder")
    parser.add_argument("--syllabus", action="store_true", help="only rewrite teachers.md's tables")
    parser.add_argument(
        "--record-grading", type=Path, help="store the grading test's measurements from this folder"
    )
    args = parser.parse_args()
    if args.record_grading:
        record_grading(args.record_grading)
    if args.syllabus or args.record_grading:
        write_syllabus()
        return
    chapters = layout.chapter_notebooks()
    if args.chapters:
        unknown = set(args.chapters) - {p.stem for p in chapters}
        if unknown:
            sys.exit(f"no such chapter: {', '.join(sorted(unknown))}")
        chapters = [p for p in chapters if p.stem in args.chapters]
    out = args.out.resolve()
    for entry in write_course(out, chapters):
        print(
            f"{entry['assignment']}: {entry['auto']} autograded + {entry['manual']} written points"
        )
    print(f"Course directory: {out} (hand out release/; Colab links: {out / 'assignments.md'})")


if __name__ == "__main__":
    main()

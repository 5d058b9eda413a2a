"""Measure how long each chapter takes in full mode and write it where readers look.

    python -m bookbuild.timings                      # measure every chapter
    python -m bookbuild.timings chapters/04_*.ipynb  # measure some
    python -m bookbuild.timings --write-only         # only rewrite from the record
    python -m bookbuild.timings --chapters ...       # also state it in each chapter
    python -m bookbuild.timings --from-cache _build/.jupyter_cache --load-log LOG

``--from-cache`` measures nothing: it takes each chapter's execution time from the
jupyter-cache that ``make book`` filled (MyST-NB runs every chapter in a fresh kernel in
full mode, as ``measure`` does), and the load average at the start of each execution
from ``LOG``, lines of ``UNIX-SECONDS LOAD1`` sampled while the book built (for example
``while sleep 15; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)"; done``).

Each chapter runs in a fresh kernel in full mode, as in Colab's "Run all". The results go
to ``chapter_timings.json`` (seconds, CPU cores, load average before the run, date, and
the accelerator: only "CPU" can be measured on this project's machines), then into the
"Run time" column of the chapter map in ``intro.md``. These two are the only places a
reader sees a run time; ``tests/book/test_prose_numbers.py`` fails on any other. With ``--chapters``, the line
``**Run time:** ...`` in each chapter's title cell is written (added after the title if
missing), so the chapter states up front how long it takes.

A Colab CPU runtime has 2 virtual cores, like the machine the recorded times come from;
a load average well above the core count means other jobs competed and the time is an
overestimate: the record keeps the load next to the number, for the README.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import sys
import time
from pathlib import Path

import nbformat

from bookbuild import layout

RECORD = layout.TIMINGS
INTRO = layout.INTRO
RUN_TIME_LINE = re.compile(r"^\*\*Run time:\*\*.*$", flags=re.M)
NOT_MEASURED = "not measured yet"


def load_record() -> dict:
    """The timing record (chapter stem -> entry), empty when nothing was measured yet."""
    return json.loads(RECORD.read_text()) if RECORD.exists() else {}


def measure(path: Path, timeout: int, executed: Path | None = None) -> dict:
    """Run one chapter in full mode in a fresh kernel; return its timing record.

    With ``executed``, the executed notebook (outputs included) is written into that
    folder, so the numbers the chapter printed can be read afterwards."""
    from nbclient import NotebookClient

    os.environ["GAN_BOOK_MODE"] = "full"
    nb = nbformat.read(path, as_version=4)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    seconds = time.perf_counter() - start
    if executed is not None:
        executed.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, executed / path.name)
    return timing_record(seconds, load_before, datetime.date.today())


def timing_record(seconds: float, load_before: float, date: datetime.date, **extra) -> dict:
    """One chapter's entry in the record: this machine's CPU cores, the load before."""
    return {
        "seconds": round(seconds, 1),
        "device": "CPU",
        "cores": os.cpu_count(),
        "load_before": round(load_before, 1),
        "date": date.isoformat(),
        **extra,
    }


def from_cache(cache_dir: Path, load_log: Path) -> dict:
    """Timing records of the chapters that ``make book`` executed into ``cache_dir``.

    A cache record is written when its execution ends (``created``); the execution
    began ``execution_seconds`` earlier, ``load_before`` is the last load sample taken
    before that start and ``load_during`` the mean of the samples taken while it ran."""
    from jupyter_cache import get_cache

    samples = [tuple(map(float, line.split())) for line in load_log.read_text().splitlines()]
    records = {}
    # jupyter-cache lists its records in the order they were made, so of a chapter executed
    # again after an edit, the newest execution is the one kept.
    for record in get_cache(str(cache_dir)).list_cache_records():
        seconds = record.data.get("execution_seconds")
        if seconds is None:
            continue
        created = record.created  # UTC; SQLite hands it back without its time zone
        if created.tzinfo is None:
            created = created.replace(tzinfo=datetime.timezone.utc)
        start = created.timestamp() - seconds
        before = [load for when, load in samples if when <= start]
        if not before:
            sys.exit(f"{load_log}: no load sample before {Path(record.uri).name} started")
        during = [load for when, load in samples if start < when <= created.timestamp()]
        extra = {"load_during": round(sum(during) / len(during), 1)} if during else {}
        records[Path(record.uri).stem] = timing_record(
            seconds, before[-1], created.date(),
            source="make book (MyST-NB's execution in a fresh kernel, full mode)", **extra,
        )
    return records


def describe(entry: dict | None) -> str:
    """Reader wording of one record: 'about 2 min on 2 CPU cores'.

    The load average before the run stays in the record (and the README). A run timed
    while other jobs kept the load above the core count took longer than it would alone,
    so its time reads 'at most': 'at most 16 min on 2 CPU cores'. Busy means a load
    before the run above the core count, or a mean load during it (``load_during``, from
    make book's load log) more than a quarter core above it: the chapter's own threads
    bring the load to about the core count."""
    if entry is None:
        return NOT_MEASURED
    seconds = entry["seconds"]
    busy = ((entry.get("load_before") or 0) > entry["cores"]
            or (entry.get("load_during") or 0) > entry["cores"] + 0.25)
    # An upper bound is rounded up, so that it stays one.
    rounded = math.ceil if busy else round
    amount = f"{rounded(seconds)} s" if seconds < 90 else f"{rounded(seconds / 60)} min"
    return f"{'at most' if busy else 'about'} {amount} on {entry['cores']} CPU cores"


def run_time_sentence(entry: dict | None) -> str:
    """The chapter's one statement of its run time (its title cell)."""
    if entry is None:
        return f"**Run time:** full mode, {NOT_MEASURED}."
    return f"**Run time:** full mode, {describe(entry)}, like a Colab CPU runtime."


def write_intro(record: dict) -> None:
    """Rewrite the run-time column of the chapter map from the record."""
    lines = INTRO.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| Chapter |"))
    columns = [c.strip() for c in lines[header].strip("|").split("|")]
    if "Run time (full mode)" not in columns:
        columns.append("Run time (full mode)")
        lines[header] = "| " + " | ".join(columns) + " |"
        lines[header + 1] = "|" + "---|" * len(columns)
    column = columns.index("Run time (full mode)")
    row = header + 2
    while row < len(lines) and lines[row].startswith("|"):
        cells = [c.strip() for c in lines[row].strip("|").split("|")]
        name = re.search(r"\(chapters/(\w+)\.ipynb\)", cells[0])
        cells += [""] * (len(columns) - len(cells))
        cells[column] = describe(record.get(name.group(1)) if name else None)
        lines[row] = "| " + " | ".join(cells) + " |"
        row += 1
    INTRO.write_text("\n".join(lines) + "\n")


def write_chapter(path: Path, entry: dict | None) -> None:
    """State the run time in the chapter's title cell (first markdown cell)."""
    nb = nbformat.read(path, as_version=4)
    title = next(cell for cell in nb.cells if cell.cell_type == "markdown")
    sentence = run_time_sentence(entry)
    if RUN_TIME_LINE.search(title.source):
        title.source = RUN_TIME_LINE.sub(sentence, title.source)
    else:
        first, _, rest = title.source.partition("\n")
        title.source = f"{first}\n\n{sentence}" + (f"\n{rest}" if rest.strip() else "")
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    parser.add_argument("--write-only", action="store_true", help="measure nothing")
    parser.add_argument("--chapters", action="store_true", help="also write each chapter")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--executed", type=Path, help="also save the executed notebooks here")
    parser.add_argument("--from-cache", type=Path, help="take the times from make book's cache")
    parser.add_argument("--load-log", type=Path, help="with --from-cache: the load samples")
    args = parser.parse_args()
    if args.from_cache and not args.load_log:
        parser.error("--from-cache needs --load-log")

    chapters = layout.chapter_notebooks()
    record = load_record()
    if args.from_cache:
        chapter_stems = {path.stem for path in chapters}
        found = from_cache(args.from_cache, args.load_log)
        record.update({stem: entry for stem, entry in found.items() if stem in chapter_stems})
        RECORD.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    elif not args.write_only:
        for path in args.notebooks or chapters:
            path = path.resolve()
            record[path.stem] = measure(path, args.timeout, args.executed)
            print(f"{path.name}: {describe(record[path.stem])}", flush=True)
            RECORD.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    write_intro(record)
    if args.chapters:
        for path in chapters:
            write_chapter(path, record.get(path.stem))


if __name__ == "__main__":
    main()

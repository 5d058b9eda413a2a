"""Where the book's files are, and when a saved execution is current: the one place.

Every script of ``bookbuild`` (and the tests) takes its paths from here.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
IMAGES = ROOT / "images"
STATIC = ROOT / "_static"  # the book's CSS (Jupyter Book includes it in every page)
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"
BIBLIOGRAPHY = ROOT / "references.bib"
INTRO = ROOT / "intro.md"
TIMINGS = ROOT / "chapter_timings.json"
BUILD = ROOT / "_build"
# make book's execution cache (full mode).
JUPYTER_CACHE = BUILD / ".jupyter_cache"
# make test's quick-mode run: nbval saves executed notebooks here, the quick book is staged
# and built here.
QUICK = BUILD / "quick"
QUICK_EXECUTED = QUICK / "executed"
QUICK_STAGE = QUICK / "src"
# Pages that are not part of the book (Markdown files at the root).
NOT_BOOK_PAGES = ("README",)


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook, in file-name order."""
    return sorted(CHAPTERS.glob("*.ipynb"))


def quick_execution(source: Path) -> Path:
    """Where nbval's quick-mode execution of a notebook under ROOT is saved."""
    return QUICK_EXECUTED / source.resolve().relative_to(ROOT)


def cell_sources(nb) -> list[tuple[str, str]]:
    """Every cell's type and source, in order."""
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def current_quick_execution(source: Path):
    """The saved quick-mode execution of ``source``, or None if there is none or a cell changed.

    An execution is current only if every cell's type and source (markdown included) is
    unchanged since it ran. Cell metadata is not part of that rule: tags (``hide-input``)
    and MyST-NB's options (a figure's caption, name and alt text) change what a page shows,
    not what a cell computes, so the returned notebook carries each cell's metadata from
    ``source`` as it is now, with the saved outputs.
    """
    executed = quick_execution(source)
    if not executed.exists():
        return None
    saved = nbformat.read(executed, as_version=4)
    current = nbformat.read(source, as_version=4)
    if cell_sources(saved) != cell_sources(current):
        return None
    for saved_cell, cell in zip(saved.cells, current.cells):
        saved_cell.metadata = copy.deepcopy(cell.metadata)
    # The notebook's own metadata keeps what the run recorded (language_info: the page's
    # code is highlighted as the kernel's language).
    return saved


def stage_sources(stage: Path, leave_out: tuple[str, ...] = ()) -> None:
    """Copy the book's sources except the notebooks into a fresh ``stage`` folder.

    Copies the bibliography, every root Markdown page but README and ``leave_out`` (stems),
    the non-notebook files of ``chapters/``, ``images/`` and ``_static/``, and the Python files
    of ``bookbuild/``, whose Sphinx extension ``_config.yml`` loads from the book's root. The
    caller writes ``_toc.yml``, ``_config.yml`` and the notebooks.
    """
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copy(BIBLIOGRAPHY, stage / BIBLIOGRAPHY.name)
    for page in ROOT.glob("*.md"):
        if page.stem not in NOT_BOOK_PAGES + leave_out:
            shutil.copy(page, stage / page.name)
    ignore = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints")
    for folder in (CHAPTERS, IMAGES, STATIC):
        if folder.is_dir():
            shutil.copytree(folder, stage / folder.name, ignore=ignore, dirs_exist_ok=True)
    (stage / CHAPTERS.name).mkdir(exist_ok=True)
    package = Path(__file__).resolve().parent
    shutil.copytree(package, stage / package.name, ignore=shutil.ignore_patterns("__pycache__"))

"""Build the quick-mode book from the notebooks that nbval already executed.

``make test`` runs every chapter once under nbval; ``conftest.py`` saves each executed
notebook to ``_build/quick/executed/chapters/``. This script stages the book sources
with those notebooks in ``_build/quick/src`` and builds it there with execution
turned off and warnings as errors, so no notebook is executed twice. Output:
``_build/quick/src/_build/html``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
QUICK = ROOT / "_build" / "quick"
EXECUTED = QUICK / "executed"
STAGE = QUICK / "src"
HTML = STAGE / "_build" / "html"


def cell_sources(path: Path) -> list[tuple[str, str]]:
    """Every cell's type and source: an execution is current only if nothing changed since."""
    nb = nbformat.read(path, as_version=4)
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def stage() -> None:
    if STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    for name in ("_toc.yml", "references.bib"):
        shutil.copy(ROOT / name, STAGE / name)
    for path in ROOT.glob("*.md"):
        if path.name != "README.md":
            shutil.copy(path, STAGE / path.name)
    for folder in ("chapters", "images"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, STAGE / folder, ignore=shutil.ignore_patterns("*.ipynb"))
    missing = []
    for source in sorted((ROOT / "chapters").glob("*.ipynb")):
        executed = EXECUTED / "chapters" / source.name
        if not executed.exists() or cell_sources(executed) != cell_sources(source):
            missing.append(source.name)
            continue
        shutil.copy(executed, STAGE / "chapters" / source.name)
    if missing:
        sys.exit(
            "No up-to-date quick-mode execution for: " + ", ".join(missing) + ".\n"
            "Run the notebooks under nbval first (make unit), and fix any failing cell."
        )
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    config["title"] = config["title"] + " (quick mode)"
    (STAGE / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def main() -> None:
    stage()
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    subprocess.run([str(jupyter_book), "build", str(STAGE), "-W", "--keep-going"], check=True)
    print(f"Quick-mode book: {HTML / 'index.html'}")


if __name__ == "__main__":
    main()

"""Build the quick-mode book from the notebooks that nbval already executed.

``make test`` runs every chapter once under nbval; the plugin ``bookbuild.nbval_export``
saves each executed notebook under ``layout.QUICK_EXECUTED``. This script stages the book
sources with those notebooks in ``layout.QUICK_STAGE`` (their outputs, with each cell's
metadata taken from the current notebook: ``layout.current_quick_execution``) and builds it
there with execution turned off and warnings as errors, so no notebook is executed twice.

    python -m bookbuild.quick_book
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from bookbuild import layout

HTML = layout.QUICK_STAGE / "_build" / "html"


def stage() -> None:
    """Stage the sources with the saved executions; exit with a message if one is stale."""
    layout.stage_sources(layout.QUICK_STAGE)
    shutil.copy(layout.TOC, layout.QUICK_STAGE / layout.TOC.name)
    missing = []
    for source in layout.chapter_notebooks():
        # The saved outputs with the cells' metadata (tags, figure captions) as it is now.
        executed = layout.current_quick_execution(source)
        if executed is None:
            missing.append(source.name)
            continue
        nbformat.write(executed, layout.QUICK_STAGE / "chapters" / source.name)
    if missing:
        sys.exit(
            "No up-to-date quick-mode execution for: " + ", ".join(missing) + ".\n"
            "Run the notebooks under nbval first (make unit), and fix any failing cell."
        )
    config = yaml.safe_load(layout.CONFIG.read_text())
    config["execute"]["execute_notebooks"] = "off"
    config["title"] = config["title"] + " (quick mode)"
    (layout.QUICK_STAGE / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def main() -> None:
    stage()
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(layout.QUICK_STAGE), "-W", "--keep-going"]
    subprocess.run(command, check=True)
    print(f"Quick-mode book: {HTML / 'index.html'}")


if __name__ == "__main__":
    main()

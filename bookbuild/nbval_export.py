"""A pytest plugin (``-p bookbuild.nbval_export``): keep each notebook's nbval execution.

nbval runs every code cell of every chapter in a real kernel and records the outputs
it saw (``item.test_outputs``). Once every code cell of a notebook has passed, this
plugin writes that notebook, with those outputs, to ``layout.QUICK_EXECUTED`` so that
``bookbuild.quick_book`` renders it without executing it a second time.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from bookbuild import layout

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3", "file_extension": ".py"}

_passed_cells: dict[Path, set[int]] = {}
_notebooks: dict[Path, object] = {}


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


def pytest_runtest_makereport(item, call):
    if call.when != "call" or not _is_nbval_cell(item):
        return
    path = Path(str(item.parent.fspath)).resolve()
    _notebooks[path] = item.parent
    if call.excinfo is None and item.test_outputs is not None:
        item.cell.outputs = [nbformat.from_dict(dict(out)) for out in item.test_outputs]
        for out in item.cell.outputs:
            if out.get("output_type") == "execute_result":
                out.setdefault("execution_count", item.cell_num + 1)
                out.setdefault("metadata", {})
        item.cell.execution_count = item.cell_num + 1
        _passed_cells.setdefault(path, set()).add(item.cell_num)


def pytest_sessionfinish(session):
    for path, notebook_file in _notebooks.items():
        nb = notebook_file.nb
        code_cells = sum(1 for cell in nb.cells if cell.cell_type == "code")
        if len(_passed_cells.get(path, ())) != code_cells:
            continue
        target = layout.quick_execution(path)
        nb.metadata.setdefault("kernelspec", KERNELSPEC)
        nb.metadata["language_info"] = LANGUAGE_INFO
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))

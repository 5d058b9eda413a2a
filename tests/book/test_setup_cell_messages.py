"""The setup cell stops "Run all" with one line saying what to do, not a traceback.

Each case runs the chapters' setup cell in a real IPython kernel after a first cell that
makes the environment look broken: TensorFlow not installed, TensorFlow too old, or gan_lib
missing with a repository pip cannot reach (the install URL points at a path that does
not exist, so nothing is installed).
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from bookbuild.setup_cell import repository, setup_cell_source, tensorflow_minimum

UNREACHABLE = "file:///nonexistent/gan-book-repository"

PATCH_VERSION = """\
import importlib.metadata as m
real_version = m.version
def version(name):
    if name != "tensorflow":
        return real_version(name)
    {action}
m.version = version
"""

CASES = {
    "tensorflow missing": (
        PATCH_VERSION.format(action="raise m.PackageNotFoundError(name)"),
        "TensorFlow is missing: %pip install -U",
    ),
    "tensorflow too old": (
        PATCH_VERSION.format(action='return "2.15.1"'),
        f"TensorFlow 2.15.1 is older than {tensorflow_minimum()}: %pip install -U",
    ),
    "repository unreachable": (
        'import sys\nsys.modules["gan_lib"] = None  # as if gan_lib were not installed',
        "gan_lib could not be installed from the book's repository",
    ),
}


def run_setup_cell(preamble: str) -> list[dict]:
    """Run ``preamble`` then the setup cell in a fresh kernel; return the setup cell's outputs."""
    url, branch = repository()
    source = setup_cell_source().replace(f"git+{url}@{branch}", UNREACHABLE)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(preamble), nbformat.v4.new_code_cell(source)]
    client = NotebookClient(nb, timeout=300, kernel_name="python3")
    with pytest.raises(CellExecutionError):
        client.execute()
    return nb.cells[1].outputs


@pytest.mark.parametrize("case", CASES)
def test_setup_cell_says_what_to_do_in_one_line(case):
    preamble, message = CASES[case]
    errors = [out for out in run_setup_cell(preamble) if out.output_type == "error"]
    assert len(errors) == 1, errors
    (error,) = errors
    assert error.ename == "SetupStop"
    assert len(error.traceback) == 1, f"a traceback, not one line: {error.traceback}"
    (line,) = error.traceback
    assert "\n" not in line
    assert line.startswith("Setup stopped: "), line
    assert message in line, line

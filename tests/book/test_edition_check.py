"""The pytest plugin bookbuild/edition_check.py fails exactly the exercises that are broken."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    # name: (solution cell, check cell, nbval outcome for each code cell)
    "good": (
        "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
        "# Autograded check\nassert square(3) == 9, 'square(3) should be 9'",
        ["passed", "passed", "passed", "passed"],
    ),
    "toplevel": (
        "### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION",
        "# Autograded check\nassert answer == 42, 'answer should be 42'",
        ["passed", "passed", "passed", "passed"],
    ),
    "weighted": (
        "def cube(x):\n    ### BEGIN SOLUTION\n    return x**3\n    ### END SOLUTION",
        "# Autograded check (3 points)\nassert cube(2) == 8, 'cube(2) should be 8'\n"
        "### BEGIN HIDDEN TESTS\nassert cube(-1) == -1\n### END HIDDEN TESTS",
        ["passed", "passed", "passed", "passed"],
    ),
    "passes_on_blank": (
        "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
        "# Autograded check\nassert callable(square)",
        ["passed", "failed", "passed", "passed"],
    ),
    "unhelpful_error_on_blank": (
        "answer = None\n### BEGIN SOLUTION\nanswer = [1, 2, 3]\n### END SOLUTION",
        "# Autograded check\nassert len(answer) == 3",
        ["passed", "failed", "passed", "passed"],
    ),
    "instructor_check_fails": (
        "def square(x):\n    ### BEGIN SOLUTION\n    return x + x\n    ### END SOLUTION",
        "# Autograded check\nassert square(3) == 9, 'square(3) should be 9'",
        ["passed", "passed", "failed", "passed"],
    ),
}


def test_plugin_catches_checks_that_pass_on_the_blank_and_unhelpful_errors(tmp_path):
    for name, (solution, check, _) in CASES.items():
        cells = [new_code_cell("import math"), new_code_cell(solution), new_code_cell(check)]
        cells.append(new_code_cell("print('later cell')"))
        nbformat.write(new_notebook(cells=cells), tmp_path / f"{name}.ipynb")
    report = tmp_path / "report.xml"
    command = [
        sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider",
        "-p", "bookbuild.edition_check", "--nbval-lax", "--nbval-current-env",
        f"--junitxml={report}", "--rootdir", str(tmp_path), str(tmp_path),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    outcomes = _outcomes(report)
    for name, (*_, expected) in CASES.items():
        got = [outcomes[f"{name}.ipynb::Cell {i}"] for i in range(4)]
        assert got == expected, f"{name}: {got}\n{result.stdout[-3000:]}"
    assert "the autograded check PASSES on the blank" in result.stdout
    assert "on the blank the check raises TypeError" in result.stdout


def _outcomes(report: Path) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = "failed" if failed else "passed"
    return outcomes

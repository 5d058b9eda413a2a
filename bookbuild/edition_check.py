"""pytest plugin: while nbval runs a chapter, prove each autograded exercise in both editions.

Loaded with ``pytest -p bookbuild.edition_check`` (``make unit`` does). nbval runs the instructor
notebook cell by cell in one kernel. Just before it runs the solution cell of an autograded
exercise (see ``bookbuild.student_edition``), this plugin runs in that same kernel, whose
state is exactly what a student has at that point:

1. the student edition's solution cell (the solution replaced by nbgrader's stub): it may only
   succeed or raise ``NotImplementedError``;
2. the student edition's check cell: it must raise ``AssertionError``, ``NotImplementedError``
   or ``NameError`` (a check that passes on the blank, or fails with another error, is a bug).

nbval then runs the instructor's solution cell and the whole check cell (hidden tests
included) as usual, which must pass: the solution "pasted back" makes the check pass. No chapter is executed a second time; the cost
is one extra run of each blank and each check. The terminal summary lists what was proved.
"""

from __future__ import annotations

import time
from queue import Empty

import pytest

from bookbuild.student_edition import autograded_exercises, blank_source, visible_check_source

BLANK_SOLUTION_MAY_RAISE = ("NotImplementedError",)
BLANK_CHECK_MUST_RAISE = ("AssertionError", "NotImplementedError", "NameError", "UnboundLocalError")


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item.parent, "kernel")


def _exercises_by_code_cell(notebook_file) -> dict[int, tuple[str, object]]:
    """Map nbval's code-cell numbers to ("solution" | "check", Exercise), once per notebook."""
    if not hasattr(notebook_file, "_edition_exercises"):
        nb = notebook_file.nb
        code_number = {}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                code_number[i] = len(code_number)
        roles = {}
        for exercise in autograded_exercises(nb):
            roles[code_number[exercise.solution]] = ("solution", exercise)
            roles[code_number[exercise.check]] = ("check", exercise)
        notebook_file._edition_exercises = roles
    return notebook_file._edition_exercises


def _run(kernel, source: str, timeout: float) -> dict:
    """Run ``source`` in nbval's kernel; return the execute_reply content (status, ename...)."""
    msg_id = kernel.execute_cell_input(source, allow_stdin=False)
    while True:
        try:
            msg = kernel.get_message(stream="shell", timeout=timeout)
        except Empty:
            kernel.interrupt()
            raise TimeoutError(f"no reply from the kernel within {timeout} s") from None
        if msg["parent_header"].get("msg_id") == msg_id:
            break
    kernel.await_idle(msg_id, timeout)
    return msg["content"]


def _outcome(reply: dict) -> str:
    if reply["status"] == "ok":
        return "passes"
    message = reply.get("evalue", "").strip()
    return f"{reply.get('ename')}: {message}" if message else str(reply.get("ename"))


def _student_edition_problem(item, exercise) -> str | None:
    """Run the blank solution and the student's check in nbval's kernel; describe any problem."""
    nb, kernel = item.parent.nb, item.parent.kernel
    timeout = item.config.option.nbval_cell_timeout
    start = time.perf_counter()
    try:
        return _run_student_edition(item, exercise, nb, kernel, timeout)
    finally:
        item.user_properties.append(("edition_seconds", time.perf_counter() - start))


def _run_student_edition(item, exercise, nb, kernel, timeout) -> str | None:
    blank = _run(kernel, blank_source(nb.cells[exercise.solution].source), timeout)
    if blank["status"] != "ok" and blank.get("ename") not in BLANK_SOLUTION_MAY_RAISE:
        return (
            f"student edition, solution cell {item.cell_num}: the blank raises {_outcome(blank)}; "
            "it should run (e.g. a function whose body is the stub) or raise NotImplementedError"
        )
    check = _run(kernel, visible_check_source(nb.cells[exercise.check].source), timeout)
    item.user_properties.append(("edition_blank_check", _outcome(check)))
    if check["status"] == "ok":
        return (
            f"student edition, check cell {item.cell_num + 1}: the autograded check PASSES on the "
            "blank solution; it must fail until the student writes the solution"
        )
    if check.get("ename") not in BLANK_CHECK_MUST_RAISE:
        return (
            f"student edition, check cell {item.cell_num + 1}: on the blank the check raises "
            f"{_outcome(check)}; make it fail with an assertion that helps the student "
            f"(or {', '.join(BLANK_CHECK_MUST_RAISE[1:])})"
        )
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Before nbval runs a solution cell, try the student edition; fail the cell afterwards."""
    role = _exercises_by_code_cell(item.parent).get(item.cell_num) if _is_nbval_cell(item) else None
    problem = None
    if role is not None:
        kind, exercise = role
        item.user_properties.append(("edition_role", kind))
        if kind == "solution":
            problem = _student_edition_problem(item, exercise)
    result = yield  # nbval runs the instructor's cell, so later cells see the solved state
    if problem:
        pytest.fail(problem, pytrace=False)
    return result


_proved: dict[str, dict[str, str]] = {}
_seconds: list[float] = []


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    props = dict(report.user_properties)
    if "edition_role" not in props:
        return
    notebook, cell = report.nodeid.rsplit("::", 1)
    entry = _proved.setdefault(notebook, {})
    _seconds.append(props.get("edition_seconds", 0.0))
    if props["edition_role"] == "solution" and report.passed:
        entry[cell] = props["edition_blank_check"]
    elif props["edition_role"] == "check":
        entry[cell] = "instructor check passes" if report.passed else "instructor check FAILS"


def pytest_terminal_summary(terminalreporter):
    if not _proved:
        return
    write = terminalreporter.write_line
    terminalreporter.section("student and instructor editions (bookbuild/edition_check.py)")
    for notebook in sorted(_proved):
        for cell, outcome in _proved[notebook].items():
            prefix = "blank: check raises " if not outcome.startswith("instructor") else ""
            write(f"{notebook}::{cell}: {prefix}{outcome[:110]}")
    write(f"time spent running the student blanks and checks: {sum(_seconds):.1f} s")

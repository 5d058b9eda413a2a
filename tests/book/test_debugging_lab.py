"""Chapter 7's structure: its bug table and its sections agree, and every bug is checked.

The table at the top of the debugging lab lists the bugs; each must have its own section
("## Bug N" or "### Bug N"). Each section's code must assert or claim something about a
value that the section's code computed by calling something (an error caught, a training
history, a measured weight change), not only about its inputs, so that the symptom is
produced and checked, not described.

These tests read the notebook's source; they check its structure, not its results: the
asserts and claims themselves run when the chapter is executed (nbval, the book build).
"""

from __future__ import annotations

import ast
import re

import nbformat

from bookbuild import layout

CHAPTER = layout.ROOT / "chapters" / "07_debugging_lab.ipynb"


def sections():
    """{bug number: the code cells from its heading to the next bug's heading}."""
    cells = nbformat.read(CHAPTER, as_version=4).cells
    found, current = {}, None
    for cell in cells:
        if cell.cell_type == "markdown":
            headings = re.findall(r"^#{2,3} Bug (\d+):", cell.source, flags=re.M)
            if headings:
                current = int(headings[-1])
                for number in headings:
                    found.setdefault(int(number), [])
            elif re.search(r"^## ", cell.source, flags=re.M):
                current = None
        elif current is not None:
            found[current].append(cell.source)
    return found


def table_rows():
    intro = nbformat.read(CHAPTER, as_version=4).cells[0].source
    return [int(n) for n in re.findall(r"^\| (\d+) \|", intro, flags=re.M)]


def test_every_bug_in_the_table_has_a_section_and_no_more():
    rows = table_rows()
    assert rows == list(range(1, len(rows) + 1)), rows
    assert sorted(sections()) == rows


def computed_names(tree):
    """Names bound in ``tree`` by an assignment whose value calls something, or by a
    ``for`` or ``with`` target: results of the run, not constants or inputs rescaled."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            if any(isinstance(n, ast.Call) for n in ast.walk(node.value)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.For, ast.withitem)):
            target = node.target if isinstance(node, ast.For) else node.optional_vars
            if target is not None:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def checked_names(tree):
    """Names read by the ``assert`` statements and ``claim(...)`` calls of ``tree``."""
    checks = [n.test for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    checks += [
        n.args[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "claim" and n.args
    ]
    return {n.id for check in checks for n in ast.walk(check) if isinstance(n, ast.Name)}


def test_every_bug_is_run_and_checked():
    for number, code in sections().items():
        tree = ast.parse("\n\n".join(code))
        checked = checked_names(tree) & computed_names(tree)
        assert checked, (
            f"bug {number}: no assert or claim in its section reads a value that the "
            "section's code computed"
        )


def test_the_check_sees_a_check_on_inputs_only():
    # bug 8's old form: an assert on the rescaled data, nothing on the run
    inputs_only = ast.parse("images_01 = (images + 1) / 2\nassert images_01.min() >= 0")
    assert not checked_names(inputs_only) & computed_names(inputs_only)
    run = ast.parse("fakes = bug8_g(z).numpy()\nclaim(fakes.min() < 0, 'negative')")
    assert checked_names(run) & computed_names(run) == {"fakes"}

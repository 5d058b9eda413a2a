"""Chapter 7's bug table and its sections agree, and every silent bug has a run and a check.

The table at the top of the debugging lab lists the bugs; each must have its own section
("## Bug N" or "### Bug N"), and each bug after the sixth (the ones found on the web,
without an exercise) must be followed by a code cell that asserts or claims something
about a run, so that its symptom is produced and checked, not described.
"""

from __future__ import annotations

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


def test_every_bug_from_the_web_is_run_and_checked():
    for number, code in sections().items():
        if number <= 6:
            continue
        checked = [c for c in code if re.search(r"^\s*(assert|claim\()", c, flags=re.M)]
        assert checked, f"bug {number}: no code cell after its heading asserts or claims"

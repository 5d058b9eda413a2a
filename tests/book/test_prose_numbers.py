"""No result number typed by hand in the prose: they come from the execution (glue).

The scanner is ``bookbuild.prose_numbers``; its docstring says what counts as a result
number, what the prose may type (the code's own literals, constants, a short allow-list
per page) and how a new chapter complies. The run times are the one exception: they are
written by ``bookbuild.timings`` from its record, and checked against it here.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from bookbuild import layout, prose_numbers


@pytest.mark.parametrize("page", prose_numbers.pages(), ids=lambda p: p.name)
def test_prose_types_no_result_number(page):
    found = prose_numbers.findings(page)
    assert not found, (
        f"{page.name}: numbers typed by hand in the prose; glue them "
        "(see bookbuild/prose_numbers.py):\n  " + "\n  ".join(found)
    )


def test_every_allowed_number_has_a_reason_and_is_still_used():
    for stem, numbers in prose_numbers.ALLOWED.items():
        paths = [p for p in prose_numbers.pages() if p.stem == stem]
        assert paths, f"ALLOWED names {stem}, which is not a scanned page"
        text = prose_numbers.prose(prose_numbers.page_markdown(paths[0]))
        for number, reason in numbers.items():
            assert reason.strip(), f"{stem}: {number} has no reason"
            assert number in text, f"{stem}: {number} is allowed but no longer in the prose"


@pytest.mark.parametrize(
    "markdown",
    [
        "The final JS is 0.164 nats.",
        "It covers 46% of the samples.",
        "After 20,000 steps the loss is flat.",
        "The run took 638 seconds.",
        "In math too: $\\mathrm{JS} \\approx 0.0419$.",
        ":::{note}\nthe mean ends at 2.628\n:::",
    ],
)
def test_the_scanner_finds_typed_results(markdown):
    assert prose_numbers.typed_numbers(markdown), markdown


@pytest.mark.parametrize(
    "markdown",
    [
        "The final JS is {glue:text}`final_js` nats.",
        "Goodfellow et al. (2014) used $k = 1$ and chapter 3 proves it.",
        "At $D = 1/2$ the loss is $\\log 4 \\approx 1.386$.",
        "A cell: `x = 0.164` and\n```python\ny = 2.628\n```",
        "See [the paper](https://arxiv.org/abs/1406.2661).",
        "**Run time:** full mode, about 4.5 min on 2 CPU cores.",
        ":::{exercise} Title\n:label: ex-ch9-x1.5\n:::",
    ],
)
def test_the_scanner_ignores_what_is_not_a_typed_result(markdown):
    assert prose_numbers.typed_numbers(markdown) == [], markdown


def test_code_literals_allow_definitions_but_not_budgets():
    code = "BATCH = 256\nN = config.budget(quick=5_000, full=(20_000, 3))\nlr = 2e-3\nmu = 3.0"
    literals = prose_numbers.code_literals(code)
    assert {"256", "0.002", "3", "3.0"} <= literals
    assert not {"5,000", "20,000", "5000", "20000"} & literals
    markdown = "A batch of 256 samples, 20,000 of them per estimate."
    found = prose_numbers.typed_numbers(markdown, literals)
    assert len(found) == 1 and "20,000" in found[0]


def test_no_run_time_is_stated_outside_the_timing_line():
    """A chapter states its run time once, in the title cell's line that bookbuild.timings
    writes (tests/test_back_matter.py checks it against the record, with intro.md's map);
    no other markdown cell states one, and no code cell prints the chapter's time."""
    stated = re.compile(
        r"\b(takes|took|runs? in|ran in)\b[^.]{0,40}\b\d+(\.\d+)?\s*(s|min|minutes|seconds)\b"
    )
    for path in layout.chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        title = next(c for c in nb.cells if c.cell_type == "markdown")
        for cell in nb.cells:
            if cell is title:
                continue
            assert "**Run time:**" not in cell.source, f"{path.name}: a second run-time line"
            if cell.cell_type == "markdown":
                assert not stated.search(cell.source), f"{path.name}: {cell.source[:200]}"
            else:
                assert "CHAPTER_START" not in cell.source, f"{path.name} times itself"

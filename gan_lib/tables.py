"""Tables for notebook pages: rows of cells as a Markdown table, which the book renders as
HTML (it wraps to the column instead of scrolling sideways like printed text).

    from IPython.display import Markdown, display
    display(Markdown(tables.markdown(["", "score"], [["real digits", "9.87"]])))
"""

from __future__ import annotations

from collections.abc import Sequence


def markdown(header: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None) -> str:
    """A Markdown table: ``header`` cells, then one line per row (cells formatted with ``str``).

    ``align`` has one letter per column, ``l`` or ``r`` (default: the first column left,
    the others right, as for a label followed by numbers). A ``|`` in a cell is escaped.
    """
    width = len(header)
    if width == 0:
        raise ValueError("header must name at least one column")
    align = align or "l" + "r" * (width - 1)
    if len(align) != width or set(align) - {"l", "r"}:
        raise ValueError(f"align must be {width} letters l or r, one per column; got {align!r}")
    for index, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"row {index} has {len(row)} cells; the header has {width}")

    def line(cells) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    rule = "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])

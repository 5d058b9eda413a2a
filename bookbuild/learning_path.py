"""Draw the learning-path figure of intro.md from _toc.yml: ``python -m bookbuild.learning_path``.

One row per part of the book, one box per chapter (its ``# N. Title`` heading), arrows
in reading order, the prerequisites first. The chapter list is stored in the PNG's
metadata, and ``tests/book/test_back_matter.py`` fails when it no longer matches the table of
contents, i.e. when a chapter was added and this script was not run again.
"""

from __future__ import annotations

import json
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import yaml  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from bookbuild import layout  # noqa: E402

ROOT = layout.ROOT
FIGURE = layout.IMAGES / "learning_path.png"
METADATA_KEY = "Description"
PREREQUISITES = "Before you start:\nPython and NumPy,\ncalculus, basic probability"
PART_COLORS = ("#dbe9f6", "#fde2c8", "#d9f0d3", "#f3d9e9", "#e8e0f3", "#f6f1c7")


def chapter_title(name: str) -> str:
    """The `# N. Title` heading of a chapter (notebook or markdown)."""
    path = ROOT / f"{name}.ipynb"
    if path.exists():
        cells = nbformat.read(path, as_version=4).cells
        text = next(c.source for c in cells if c.cell_type == "markdown")
    else:
        text = (ROOT / f"{name}.md").read_text()
    return re.search(r"^#\s+(.+)$", text, flags=re.M).group(1).strip()


def chapter_parts() -> list[tuple[str, list[str]]]:
    """(part caption, chapter titles) for every part that holds chapters."""
    toc = yaml.safe_load(layout.TOC.read_text())
    parts = []
    for part in toc["parts"]:
        files = [c["file"] for c in part["chapters"] if c["file"].startswith("chapters/")]
        if files:
            parts.append((part["caption"], [chapter_title(f) for f in files]))
    return parts


def draw(parts: list[tuple[str, list[str]]]) -> plt.Figure:
    width = max(len(titles) for _, titles in parts)
    box_w, box_h, gap_x, row_h, label_w = 2.6, 1.0, 0.7, 1.7, 2.2
    total_w = label_w + width * box_w + (width - 1) * gap_x + 0.2
    total_h = (len(parts) + 1) * row_h
    fig, ax = plt.subplots(figsize=(total_w * 0.95, total_h * 0.95))
    ax.set_xlim(0, total_w)
    ax.set_ylim(0, total_h)
    ax.axis("off")

    def box(x, y, text, color, bold=False):
        ax.add_patch(
            FancyBboxPatch(
                (x, y - box_h / 2), box_w, box_h, boxstyle="round,pad=0.05,rounding_size=0.15",
                facecolor=color, edgecolor="#555555", linewidth=1.2,
            )
        )  # fmt: skip
        ax.text(x + box_w / 2, y, text, ha="center", va="center", fontsize=10,
                weight="bold" if bold else "normal")  # fmt: skip

    def arrow(start, end):
        ax.add_patch(
            FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color="#444444",
                            linewidth=1.3, connectionstyle="arc3,rad=0")
        )  # fmt: skip

    def elbow(start, end):
        """From the bottom of one box down, across, and into the top of the next."""
        middle = (start[1] + end[1]) / 2
        ax.plot([start[0], start[0], end[0]], [start[1], middle, middle], color="#444444",
                linewidth=1.3)  # fmt: skip
        arrow((end[0], middle), end)

    y = total_h - row_h / 2
    box(label_w, y, PREREQUISITES, "#eeeeee")
    previous = (label_w + box_w / 2, y - box_h / 2 - 0.05)
    for row, (caption, titles) in enumerate(parts):
        y = total_h - (row + 1.5) * row_h
        ax.text(0.1, y, textwrap.fill(caption, 16), ha="left", va="center", fontsize=11,
                weight="bold", color="#333333")  # fmt: skip
        for column, title in enumerate(titles):
            x = label_w + column * (box_w + gap_x)
            box(x, y, textwrap.fill(title, 24), PART_COLORS[row % len(PART_COLORS)])
            if column == 0:
                elbow(previous, (x + box_w / 2, y + box_h / 2 + 0.05))
            else:
                arrow((x - gap_x + 0.05, y), (x - 0.05, y))
        previous = (x + box_w / 2, y - box_h / 2 - 0.05)
    ax.set_title("Learning path: read the chapters in order", fontsize=13, loc="left")
    return fig


def main() -> None:
    parts = chapter_parts()
    fig = draw(parts)
    FIGURE.parent.mkdir(exist_ok=True)
    fig.savefig(FIGURE, dpi=110, bbox_inches="tight",
                metadata={METADATA_KEY: json.dumps(parts)})  # fmt: skip
    print(f"learning path with {sum(len(t) for _, t in parts)} chapters: {FIGURE}")


if __name__ == "__main__":
    main()

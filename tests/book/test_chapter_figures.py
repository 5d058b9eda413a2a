"""The chapters' figures fit the book's column: literal figure widths and font sizes in
their code (computed widths are checked on the rendered page by the browser suite)."""

import re

import pytest

from bookbuild import layout
from gan_lib import plotting

CHAPTERS = sorted(path.name for path in layout.chapter_notebooks())


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapters_size_figures_for_the_column(name, code_cells):
    """Literal figure widths fit the column and no text is set below MIN_FONT_PT
    (computed widths are checked on the rendered page by the browser suite)."""
    code = "\n".join(cell.source for cell in code_cells(layout.ROOT / "chapters" / name))
    for width in re.findall(r"figsize=\(\s*(\d+(?:\.\d+)?)\s*,", code):
        assert float(width) <= plotting.COLUMN_WIDTH_IN, f"{name}: figsize width {width} in"
    small = re.findall(r"(?:fontsize=|set_fontsize\(|labelsize=)\s*(\d+(?:\.\d+)?)", code)
    assert all(float(s) >= plotting.MIN_FONT_PT for s in small), f"{name}: font sizes {small}"
    assert not re.search(r"fontsize=[\"'](xx?-small|small)[\"']", code), f"{name}: small font"

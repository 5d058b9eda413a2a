"""Shared factories of the book-machinery tests.

``code_cells(path)``: the code cells of a chapter notebook (``nbformat`` cells).
``toc``: the book's table of contents, ``_toc.yml``: ``toc.root`` (the landing page) and
``toc.chapters`` (every other page's file, in reading order).
"""

from types import SimpleNamespace

import nbformat
import pytest
import yaml

from bookbuild import layout


@pytest.fixture(scope="session")
def code_cells():
    def cells(path):
        return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]

    return cells


@pytest.fixture(scope="session")
def toc():
    contents = yaml.safe_load((layout.ROOT / "_toc.yml").read_text())
    chapters = [chapter["file"] for part in contents["parts"] for chapter in part["chapters"]]
    return SimpleNamespace(root=contents["root"], chapters=chapters)

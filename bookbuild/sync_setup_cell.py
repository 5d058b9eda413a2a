"""Rewrite the first code cell of every chapter from _config.yml (``make sync-setup``).

Run it after changing ``repository.url`` or ``repository.branch`` in _config.yml, e.g.
in a fork, so that Colab installs gan_lib from the fork.
"""

import nbformat

from bookbuild import layout
from bookbuild.setup_cell import setup_cell_source


def main() -> None:
    source = setup_cell_source()
    for path in layout.chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        if code_cells and code_cells[0].source.lstrip().startswith("# Setup"):
            code_cells[0].source = source
        else:
            first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), 1)
            nb.cells.insert(first_code, nbformat.v4.new_code_cell(source))
        nbformat.write(nb, path)
        print(f"setup cell written: {path.name}")


if __name__ == "__main__":
    main()

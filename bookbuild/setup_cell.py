"""The setup cell that opens every chapter, derived from the repository in _config.yml.

``python -m bookbuild.sync_setup_cell`` (``make sync-setup``) writes it into every notebook;
``tests/book/test_notebooks.py`` checks that every notebook carries exactly this cell.
"""

from __future__ import annotations

import yaml

from bookbuild import layout


def repository() -> tuple[str, str]:
    """The repository URL and branch configured in _config.yml."""
    config = yaml.safe_load(layout.CONFIG.read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def setup_cell_source() -> str:
    """Source of the first code cell of every chapter."""
    url, branch = repository()
    return (
        "# Setup, the same in every chapter: import gan_lib (installing it from the\n"
        "# book's repository if missing, e.g. in Colab, keeping Colab's TensorFlow),\n"
        "# then set the mode and the seed.\n"
        "try:\n"
        "    from gan_lib import config\n"
        "except ImportError:\n"
        f'    %pip install --quiet "gan-lib @ git+{url}@{branch}"\n'
        "    from gan_lib import config\n"
        "\n"
        "MODE = config.setup(seed=0)"
    )

"""The setup cell that opens every chapter, derived from the repository in _config.yml.

``python -m bookbuild.sync_setup_cell`` (``make sync-setup``) writes it into every notebook;
``tests/book/test_notebooks.py`` checks that every notebook carries exactly this cell.
"""

from __future__ import annotations

import re

import yaml

from bookbuild import layout


def repository() -> tuple[str, str]:
    """The repository URL and branch configured in _config.yml."""
    config = yaml.safe_load(layout.CONFIG.read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def tensorflow_minimum() -> str:
    """The oldest TensorFlow gan_lib accepts: ``X.Y`` of pyproject.toml's ``"tensorflow>=X.Y"``."""
    (minimum,) = re.findall(r'"tensorflow>=(\d+\.\d+)"', (layout.ROOT / "pyproject.toml").read_text())
    return minimum


TEMPLATE = """\
# Setup, the same in every chapter: import gan_lib (installing it from the
# book's repository if missing, e.g. in Colab, keeping Colab's TensorFlow),
# then set the mode and the seed. A missing requirement stops here with one
# line that says what to do.
from importlib import invalidate_caches, metadata, util


class SetupStop(Exception):
    def _render_traceback_(self):  # Jupyter shows this line, no traceback
        return [f"Setup stopped: {self}"]


TF_FIX = '%pip install -U "tensorflow>=@MIN@", restart the kernel, run again'
try:
    TF_VERSION = metadata.version("tensorflow")
except metadata.PackageNotFoundError:
    raise SetupStop(f"TensorFlow is missing: {TF_FIX}.") from None
if tuple(int(n) for n in TF_VERSION.split(".")[:2]) < (@MIN_TUPLE@):
    raise SetupStop(f"TensorFlow {TF_VERSION} is older than @MIN@: {TF_FIX}.")
if util.find_spec("gan_lib") is None:
    %pip install --quiet "gan-lib @ git+@URL@@@BRANCH@"
    invalidate_caches()
    if util.find_spec("gan_lib") is None:
        raise SetupStop("gan_lib could not be installed from the book's "
                        "repository: connect to the internet, run again.")
from gan_lib import config

MODE = config.setup(seed=0)"""


def setup_cell_source() -> str:
    """Source of the first code cell of every chapter.

    It stops "Run all" with one line saying what to do (no traceback) when TensorFlow is
    missing or older than gan_lib accepts, or when gan_lib is missing and cannot be
    installed from the repository: for an exception with a ``_render_traceback_`` method,
    IPython prints the lines it returns instead of the traceback.
    """
    url, branch = repository()
    minimum = tensorflow_minimum()
    return (
        TEMPLATE.replace("@MIN_TUPLE@", minimum.replace(".", ", "))
        .replace("@MIN@", minimum)
        .replace("@URL@", url)
        .replace("@BRANCH@", branch)
    )

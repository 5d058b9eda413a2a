"""The experiments' stored results, read from the book's repository.

The chapters report runs that take hours (``experiments/*.py``); their results are JSON
files under ``experiments/results/`` in the book's repository, not part of gan_lib. In a
checkout of the repository a chapter (run from ``chapters/``) reads them from
``../experiments/results``; where that folder is missing (Colab, where only gan_lib is
installed) ``read_json`` fetches the same file from the repository, at
``https://raw.githubusercontent.com/<owner>/<name>/<branch>/<path>``.

``REPOSITORY`` and ``BRANCH`` are ``_config.yml``'s ``repository.url`` and ``branch``, the
repository the setup cell installs gan_lib from (``tests/book/test_stored_results.py``
checks that they agree). The environment variable ``GAN_BOOK_RAW_FILES`` replaces the host
``https://raw.githubusercontent.com`` (``make readers`` serves a copy of the repository
from ``http://127.0.0.1:<port>`` so that the fetch runs offline).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

REPOSITORY = "https://github.com/gan-book/gan-book"
BRANCH = "main"


class ResultsUnavailable(OSError):
    """A stored result that is neither in the checkout nor reachable online."""

    def _render_traceback_(self):  # Jupyter shows this one line, no traceback
        return [f"Stored results unavailable: {self}"]


def raw_url(path: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The raw-file URL of ``path`` (relative to the repository root) on GitHub, or on the
    host ``GAN_BOOK_RAW_FILES`` names."""
    prefix = "https://github.com/"
    if not isinstance(repository, str) or not repository.startswith(prefix):
        raise ValueError(f"repository must be a URL starting with {prefix}; got {repository!r}")
    owner_name = repository[len(prefix):].strip("/")
    host = os.environ.get("GAN_BOOK_RAW_FILES", "https://raw.githubusercontent.com").rstrip("/")
    return f"{host}/{owner_name}/{branch}/{path.lstrip('/')}"


def read_json(path: str, *, root: str | Path = "..", repository: str = REPOSITORY,
              branch: str = BRANCH, timeout: float = 30.0):
    """The JSON file ``path`` (relative to the repository root), parsed.

    Read from ``root / path`` when that file exists (``root`` is the repository root seen
    from the working directory: ``..`` for a chapter), otherwise fetched from
    ``raw_url(path, repository, branch)``. Raises ``ResultsUnavailable`` (one line) when
    neither works.
    """
    if not isinstance(path, str) or not path.endswith(".json"):
        raise ValueError(f"path must be a repository path ending in .json; got {path!r}")
    local = Path(root) / path
    if local.is_file():
        return json.loads(local.read_text())
    url = raw_url(path, repository, branch)
    try:
        with urlopen(url, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except (URLError, OSError) as error:
        raise ResultsUnavailable(
            f"{path} is not in this checkout and could not be fetched from {url} "
            f"({error}): connect to the internet, run again."
        ) from None

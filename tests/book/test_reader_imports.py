"""A reader's Jupyter has what the chapters import: gan-lib's dependencies or what Colab ships.

Every import in every chapter's code cells, and in gan_lib itself (a chapter runs it), must
name the standard library, gan_lib, or a module of a distribution that gan-lib depends on
(pyproject.toml) or that Colab preinstalls (.ci/colab_like.txt). Modules are mapped to their
distributions with ``importlib.metadata.packages_distributions()`` of this environment,
which has everything the book uses installed.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from importlib import metadata

import nbformat
import pytest

from bookbuild import layout

ROOT = layout.ROOT
COLAB_LIST = ROOT / ".ci" / "colab_like.txt"


def normalized(distribution: str) -> str:
    """PEP 503's normal form of a distribution name."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(normalized(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line).group(0)))
    return names


@functools.cache
def providers() -> dict[str, list[str]]:
    """Module name -> the distributions of this environment that provide it (slow: cached)."""
    return metadata.packages_distributions()


@functools.cache
def allowed_distributions() -> set[str]:
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", pyproject, flags=re.M | re.S).group(1)
    dependencies = re.findall(r'"([^"]+)"', block)
    return requirement_names(dependencies) | requirement_names(COLAB_LIST.read_text().splitlines())


def imported_modules(source: str) -> set[str]:
    """Top-level names of the absolute imports in ``source`` (IPython magics left out)."""
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def not_available_to_readers(modules: set[str]) -> dict[str, list[str]]:
    """The modules that are neither standard library nor gan_lib nor of an allowed distribution,
    each with the distributions that provide it here."""
    allowed = allowed_distributions()
    missing = {}
    for module in sorted(modules):
        if module in sys.stdlib_module_names or module == "gan_lib":
            continue
        distributions = providers().get(module, [])
        if not any(normalized(d) in allowed for d in distributions):
            missing[module] = distributions
    return missing


def chapter_imports(path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return set().union(*(imported_modules(c.source) for c in nb.cells if c.cell_type == "code"))


@pytest.mark.parametrize("path", layout.chapter_notebooks(), ids=lambda p: p.name)
def test_chapter_imports_only_what_readers_have(path):
    missing = not_available_to_readers(chapter_imports(path))
    assert not missing, (
        f"{path.name} imports modules that neither gan-lib's dependencies nor Colab "
        f"(.ci/colab_like.txt) provide: {missing}"
    )


def test_gan_lib_imports_only_what_readers_have():
    modules = set()
    for path in (ROOT / "gan_lib").rglob("*.py"):
        modules |= imported_modules(path.read_text())
    missing = not_available_to_readers(modules)
    assert not missing, f"gan_lib imports modules readers may lack: {missing}"


@pytest.mark.parametrize(
    "source, flagged",
    [
        ("from myst_nb import glue", {"myst_nb"}),
        ("import nbval, pytest\nimport numpy as np", {"nbval", "pytest"}),
        ("%pip install x\nfrom IPython.display import HTML\nimport json", set()),
        ("from gan_lib.glue import glue\nfrom tensorflow import keras", set()),
    ],
)
def test_the_check_flags_build_tools(source, flagged):
    assert set(not_available_to_readers(imported_modules(source))) == flagged

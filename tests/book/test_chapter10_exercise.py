"""Chapter 10's conditional-BN exercise: its check passes the solution only.

In tests/book (not tests/lib, gan_lib's own tests): it reads the chapter notebook, and the
oldest-TensorFlow environment that runs tests/lib has no nbformat."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
from tensorflow import keras

from bookbuild import layout
from gan_lib.images import conditional


def _chapter_cells():
    path = layout.ROOT / "chapters" / "10_conditional_gan.ipynb"
    return {cell.id: cell.source for cell in nbformat.read(path, as_version=4).cells}


def _unconditional_bn(h, labels, gamma, beta, eps=1e-3):
    # a wrong answer: the gain and bias of class 0 for every sample
    h = np.asarray(h, dtype=float)
    axes = tuple(range(h.ndim - 1))
    return gamma[0] * (h - h.mean(axis=axes)) / np.sqrt(h.var(axis=axes) + eps) + beta[0]


def test_chapter_cbn_exercise_check_passes_the_solution_only():
    cells = _chapter_cells()
    check = cells["c10cbn03"]
    names = {"np": np, "keras": keras, "conditional": conditional}
    solved = dict(names)
    exec(cells["c10cbn01"], solved)
    exec(check, solved)  # passes
    with pytest.raises(AssertionError):
        exec(check, {**names, "conditional_batch_norm": _unconditional_bn})
    with pytest.raises(NameError):
        exec(check, dict(names))  # the blank defines nothing

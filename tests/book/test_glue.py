"""gan_lib.glue writes what MyST-NB's glue writes, so the book reads the chapters' numbers.

The chapters import ``glue`` from gan_lib (a reader's Jupyter has no MyST-NB). These
tests compare its output with ``myst_nb.glue``'s, display data and metadata, for the
kinds of value the chapters glue, and check that MyST-NB's own reader finds the value.
"""

from __future__ import annotations

import copy

import nbformat
import pytest
from IPython.display import Markdown
from myst_nb.ext import glue as myst_glue

from gan_lib import glue as our_glue

VALUES = ["0.6931", 1234, 2.5, Markdown("**bold**")]


def emitted(monkeypatch, module, attribute, function, *args, **kwargs):
    """The (positional, keyword) arguments of every display call that ``function`` makes."""
    calls = []
    monkeypatch.setattr(module, attribute, lambda *a, **k: calls.append((a, k)))
    function(*args, **kwargs)
    return calls


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_same_display_data_as_myst_nb(monkeypatch, value, display):
    import IPython.display

    ours = emitted(monkeypatch, IPython.display, "display", our_glue.glue, "key", value, display)
    theirs = emitted(
        monkeypatch, myst_glue, "ipy_display", myst_glue.glue, "key", value, display
    )
    assert len(ours) == 1
    assert ours == theirs


def test_myst_nb_reads_the_glued_value(monkeypatch):
    import IPython.display

    ((args, kwargs),) = emitted(
        monkeypatch, IPython.display, "display", our_glue.glue, "final_js", "0.0123", False
    )
    (data,) = args
    output = nbformat.v4.new_output("display_data", data=data, metadata=kwargs["metadata"])
    cell = nbformat.v4.new_code_cell("glue(...)", outputs=[copy.deepcopy(output)])
    ((name, found),) = myst_glue.extract_glue_data_cell(cell)
    assert name == "final_js"
    assert found["data"] == {"text/plain": "'0.0123'"}
    assert cell.outputs == [], "display=False must not show anything in the page"


@pytest.mark.parametrize(
    "name, error", [(3, TypeError), (None, TypeError), ("", ValueError)]
)
def test_bad_names(name, error):
    with pytest.raises(error, match="name"):
        our_glue.glue(name, 1.0)

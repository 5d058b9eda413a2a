"""``glue(name, value)``: record a value in a notebook's outputs for the book's prose.

The chapters write their numbers into the prose with MyST-NB's glue: a code cell calls
``glue("final_js", f"{final_js:.4f}", display=False)`` and the markdown says
``{glue:text}`final_js```. MyST-NB is a book-build tool, not something a reader's Jupyter
or Colab has, so the chapters call this function instead: it needs only IPython, and it
writes the output that MyST-NB reads when it builds the book.

That output is one ``display_data`` whose metadata holds ``{"scrapbook": {"name": name,
"mime_prefix": prefix}}`` and whose data is the value's display formats (IPython's
``format_display_data``), each MIME type prefixed with
``application/papermill.record/`` when ``display=False`` (Jupyter then shows nothing)
and with nothing when ``display=True`` (the value is also shown in the notebook). This
is the format of ``myst_nb.glue`` (MyST-NB 1.x, ``myst_nb/ext/glue``);
``tests/book/test_glue.py`` checks that both emit the same output and that MyST-NB
renders ours.
"""

from __future__ import annotations

from typing import Any

HIDDEN_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, display: bool = True) -> None:
    """Record ``value``'s display formats under ``name`` in the running cell's outputs.

    ``display=False`` records it without showing it in the notebook.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__} {name!r}")
    if not name:
        raise ValueError("name must be a non-empty string; got ''")
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    formats, metadata = format_display_data(value)
    prefix = "" if display else HIDDEN_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + mime: data for mime, data in formats.items()}, raw=True, metadata=metadata)

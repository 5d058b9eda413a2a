"""A sentence about a run, checked by the run.

A chapter that writes "the non-saturating run ends closer to the data" after a training
run states a result that a new seed, TensorFlow version or CPU could make false. It puts
``claim(condition, sentence)`` next to the glue that gives the sentence its numbers:

- in full mode (the built book) a false condition raises ``ClaimError``, which names the
  sentence, so the build fails instead of printing a sentence its run no longer supports;
- in quick mode (CI, nbval: budgets too small to support results) a false condition
  prints a one-line note naming the sentence and carries on;
- a true condition prints nothing: the reader's page shows the result, not a verdict.

A claim that must hold in every mode (an identity, a bound) is a plain ``assert``.
"""

from __future__ import annotations

import numbers
import textwrap

import numpy as np

from gan_lib import config


class ClaimError(AssertionError):
    """A sentence of the book that its run no longer supports (full mode)."""


def claim(condition, sentence: str) -> None:
    """Check that the run supports ``sentence``.

    ``condition`` is a Python or NumPy boolean (a 0-d array included), ``sentence`` the
    claim as the chapter states it. Raises ``ClaimError`` in full mode when the condition
    is false; prints a note in quick mode. Returns nothing, so a cell that ends with a
    claim shows the reader nothing when it holds.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        raise TypeError(f"sentence must be the claim as a non-empty str; got {sentence!r:.60}")
    if isinstance(condition, np.ndarray) and condition.shape == ():
        condition = condition.item()
    if not isinstance(condition, (bool, np.bool_)):
        kind = "a number" if isinstance(condition, numbers.Number) else type(condition).__name__
        raise TypeError(
            f"condition must be a bool (a comparison of the run's results); got {kind}: "
            f"{condition!r:.60}"
        )
    if condition:
        return
    if config.is_quick():
        note = f"[quick mode: not supported by this run's small budget, checked in full mode] {sentence}"
        print(textwrap.fill(note, width=76))
        return
    raise ClaimError(f"the run no longer supports the sentence: {sentence!r}")

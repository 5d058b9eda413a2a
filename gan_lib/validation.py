"""Checks of the arguments that gan_lib's public functions receive.

Every check names the argument, says what was expected and shows what came, and raises

* ``TypeError`` when the value is of the wrong kind (a string where a number belongs, a
  float where an integer belongs, a bool anywhere a number belongs);
* ``ValueError`` when the kind is right but the value is not (out of range, NaN,
  infinite, empty, the wrong number of dimensions).

A check returns the value in the form the caller computes with (a Python ``int`` or
``float``, a NumPy array, a TensorFlow tensor), so a function validates and converts in
one line::

    n = check_integer("n", n, at_least=1)
    std = check_number("std", std, greater_than=0)
    samples = check_array("samples", samples, ndim=2)

Integers are Python ``int`` or NumPy integers (``np.int64`` from ``np.arange`` or a
shape); bools are refused, although Python counts them as integers, because ``True``
passed for a size or a seed is always a slip. This module imports TensorFlow only inside
``check_logits``, so ``gan_lib.probability`` stays free of it.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_array",
    "check_integer",
    "check_logits",
    "check_logit_pair",
    "check_number",
    "check_rng",
    "check_samples_1d",
    "check_seed",
]


def _describe(value) -> str:
    """``value`` as an error message shows it: its repr (shortened) and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _check_bounds(name: str, value, expected: str, greater_than, at_least, at_most, less_than):
    if greater_than is not None and not value > greater_than:
        raise ValueError(f"{name} must be {expected} greater than {greater_than}; got {value!r}")
    if at_least is not None and not value >= at_least:
        raise ValueError(f"{name} must be {expected} >= {at_least}; got {value!r}")
    if at_most is not None and not value <= at_most:
        raise ValueError(f"{name} must be {expected} <= {at_most}; got {value!r}")
    if less_than is not None and not value < less_than:
        raise ValueError(f"{name} must be {expected} less than {less_than}; got {value!r}")


def check_integer(
    name: str, value, *, greater_than=None, at_least=None, at_most=None, less_than=None
) -> int:
    """``value`` as a Python ``int``: a Python or NumPy integer (not a bool), within the
    bounds given (``at_least=1`` for a count, ``at_least=0`` for a seed)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_describe(value)}")
    value = int(value)
    _check_bounds(name, value, "an integer", greater_than, at_least, at_most, less_than)
    return value


def check_seed(name: str, value) -> int:
    """A seed: a non-negative integer (what ``np.random.default_rng`` and Keras accept)."""
    return check_integer(name, value, at_least=0)


def check_rng(name: str, value) -> np.random.Generator:
    """A ``np.random.Generator`` as given, or a new one from a non-negative integer seed.

    ``None`` is refused: every stochastic function of gan_lib takes a seed, so that a
    result can be reproduced."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None:
        raise TypeError(
            f"{name} must be a seed (a non-negative integer) or a np.random.Generator, so that "
            "sampling is reproducible; got None"
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a seed (a non-negative integer) or a np.random.Generator; "
            f"got {_describe(value)}"
        )
    return np.random.default_rng(check_seed(name, value))


def check_number(
    name: str,
    value,
    *,
    greater_than=None,
    at_least=None,
    at_most=None,
    less_than=None,
    finite: bool = True,
) -> float:
    """``value`` as a Python ``float``: a real Python or NumPy number (not a bool, not a
    string, not an array), finite unless ``finite=False``, never NaN, within the bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if np.isnan(value):
        raise ValueError(f"{name} must be a number; got NaN")
    if finite and not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    _check_bounds(name, value, "a number", greater_than, at_least, at_most, less_than)
    return value


def check_array(
    name: str,
    value,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_size: int = 1,
    finite: bool = True,
    dtype=np.float64,
) -> np.ndarray:
    """``value`` as a NumPy array of ``dtype``, checked and never reshaped.

    Accepts anything ``np.asarray`` reads as real numbers (lists, NumPy arrays, TensorFlow
    eager tensors); refuses strings, bools, complex numbers and ragged lists (TypeError),
    a number of dimensions other than ``ndim`` (an int, or a tuple of allowed ones), fewer
    than ``min_size`` elements, and NaN or infinite entries unless ``finite=False``
    (ValueError). A wrong shape is an error, not something flattened away.
    """
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise TypeError(f"{name} must be an array of numbers; got {_describe(value)}") from error
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be an array of real numbers; got dtype {array.dtype} from "
            f"{_describe(value)}"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be a {wanted} array; got shape {array.shape}")
    if array.size < min_size:
        raise ValueError(
            f"{name} must hold at least {min_size} value(s); got shape {array.shape}"
        )
    array = array.astype(dtype, copy=False)
    if finite and not np.isfinite(array).all():
        bad = int((~np.isfinite(array)).sum())
        raise ValueError(
            f"{name} must be finite; got {bad} NaN or infinite value(s) of {array.size}"
        )
    return array


def check_samples_1d(name: str, value, *, min_size: int = 1) -> np.ndarray:
    """Samples of a 1-D distribution as a float64 array of shape ``(n,)``.

    Accepts shape ``(n,)`` and ``(n, 1)`` (one column: what a generator with a 1-D output
    returns); any other shape, such as ``(n, 2)``, is a ValueError rather than silently
    flattened into ``2n`` samples."""
    array = check_array(name, value, ndim=(1, 2), min_size=min_size)
    if array.ndim == 2:
        if array.shape[1] != 1:
            raise ValueError(
                f"{name} must hold 1-D samples, of shape (n,) or (n, 1); got shape {array.shape}"
            )
        array = array[:, 0]
    return array


def check_logits(name: str, value):
    """Discriminator logits as a floating-point TensorFlow tensor.

    Floating tensors keep their dtype; integer ones become float32 (``tf.keras``'s default
    float); strings, bools and complex numbers are a TypeError, an empty tensor is a
    ValueError. Executed eagerly (a direct call), NaN or infinite logits are a ValueError;
    inside a compiled ``tf.function`` (a training step) values are symbolic and only the
    dtype and the static shape are checked.
    """
    import tensorflow as tf

    try:
        logits = tf.convert_to_tensor(value)
    except (ValueError, TypeError) as error:
        raise TypeError(f"{name} must be a tensor of logits; got {_describe(value)}") from error
    if logits.dtype.is_integer:
        logits = tf.cast(logits, tf.float32)
    elif not logits.dtype.is_floating:
        raise TypeError(
            f"{name} must be a tensor of real-valued logits; got dtype {logits.dtype.name}"
        )
    if logits.shape.num_elements() == 0:
        raise ValueError(f"{name} must not be empty; got shape {logits.shape}")
    if tf.executing_eagerly() and not bool(tf.reduce_all(tf.math.is_finite(logits))):
        raise ValueError(f"{name} must be finite; got NaN or infinite logits")
    return logits


def check_logit_pair(real_name: str, real, fake_name: str, fake):
    """Two logit tensors (real and fake) with one common dtype.

    Each is checked with ``check_logits``. When their float dtypes differ (float32 logits
    of one batch, float64 of another), both are cast to the wider one, as NumPy's type
    promotion does, so that no precision is lost; the loss then has that dtype.
    """
    import tensorflow as tf

    real = check_logits(real_name, real)
    fake = check_logits(fake_name, fake)
    if real.dtype != fake.dtype:
        wider = tf.float64 if tf.float64 in (real.dtype, fake.dtype) else tf.float32
        real, fake = tf.cast(real, wider), tf.cast(fake, wider)
    return real, fake

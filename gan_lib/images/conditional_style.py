"""Do ``z`` and ``y`` divide a conditional generator's work into style and class? (chapter 10)

A measurement on a grid of samples ``x[i, c] = G(z_i, c)``: n noise vectors, each drawn
as every class c. Two questions:

* **Does the class follow y, whatever z?** The label accuracy on the grid: the share of
  ``x[i, c]`` that the shipped classifier reads as c. If z changed the class, it would
  fall below the classifier's accuracy on real digits.
* **Does the style follow z, whatever y?** For a style feature f (ink, slant, width,
  height; :func:`style_features`), standardized within each class over the n noise
  vectors, the mean over the 45 pairs of classes (c, d) of the correlation across i of
  ``f[i, c]`` and ``f[i, d]``:

      r_same = mean_{c < d} corr_i(f(G(z_i, c)), f(G(z_i, d))).

  If z held a style that every class renders alike, r_same would be near 1; if z's effect
  on f were different for each class, near 0. The yardstick is the same number with an
  independent noise vector for every class (``r_independent``, zero in expectation; its
  spread over pairs shows the noise of n pairs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_lib import sampling
from gan_lib.images import digit_metrics
from gan_lib.validation import check_integer

FEATURES = ("ink", "slant", "width", "height")


def style_features(images) -> dict[str, np.ndarray]:
    """Four style numbers per image (N, 28, 28, 1) in [-1, 1], from the ink
    ``w = (x + 1) / 2`` as a mass on the pixel grid (rows r, columns k):

    * ``ink``: the mean of w;
    * ``slant``: ``cov(r, k) / var(r)``, columns moved per row down the digit (the
      shear of the ink's second moments), positive for a digit leaning left;
    * ``width``: ``sqrt(var(k))``, ``height``: ``sqrt(var(r))``, in pixels,

    with means, variances and covariance weighted by w.
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim != 4 or x.shape[1:3] != (28, 28):
        raise ValueError(f"images must have shape (N, 28, 28, 1); got {x.shape}")
    w = np.clip((x[..., 0] + 1) / 2, 0, 1)
    mass = w.sum(axis=(1, 2)) + 1e-9
    rows, cols = np.meshgrid(np.arange(28.0), np.arange(28.0), indexing="ij")
    r_mean = (w * rows).sum(axis=(1, 2)) / mass
    c_mean = (w * cols).sum(axis=(1, 2)) / mass
    dr = rows[None] - r_mean[:, None, None]
    dc = cols[None] - c_mean[:, None, None]
    var_r = (w * dr**2).sum(axis=(1, 2)) / mass
    var_c = (w * dc**2).sum(axis=(1, 2)) / mass
    cov = (w * dr * dc).sum(axis=(1, 2)) / mass
    return {"ink": w.mean(axis=(1, 2)), "slant": cov / (var_r + 1e-9),
            "width": np.sqrt(var_c), "height": np.sqrt(var_r)}


def pair_correlation(values: np.ndarray) -> float:
    """The mean, over pairs of columns (c < d), of the correlation across rows of
    ``values[:, c]`` and ``values[:, d]`` (values: (n, classes)); NaN if a column is
    constant (its correlation is undefined)."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] < 3 or v.shape[1] < 2:
        raise ValueError(f"values must have shape (n >= 3, classes >= 2); got {v.shape}")
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(v, rowvar=False)
    upper = np.triu_indices(v.shape[1], k=1)
    return float(np.mean(corr[upper]))


@dataclass(frozen=True)
class Separation:
    """The grid measurement: label accuracy on the grid and, per style feature, r_same
    (shared z) and r_independent (an independent z per class)."""

    label_accuracy: float
    r_same: dict
    r_independent: dict


def measure(generator, noise_dim: int, n: int = 200, classes: int = 10, seed: int = 0) -> Separation:
    """The measurement of this module's docstring on ``generator([z, y])``: n noise
    vectors drawn as every class (shared z), and n x classes independent ones."""
    n = check_integer("n", n, at_least=3)
    classes = check_integer("classes", classes, at_least=2)
    rng = np.random.default_rng(seed)
    shared = sampling.noise(n, noise_dim, rng)
    independent = sampling.noise(n * classes, noise_dim, rng)
    labels = np.repeat(np.arange(classes), n)                    # class-major
    same_images = sampling.sample(generator, np.tile(shared, (classes, 1)), labels)
    other_images = sampling.sample(generator, independent, labels)
    p, _ = digit_metrics.classify(same_images)
    accuracy = digit_metrics.label_accuracy(p, labels)
    r_same, r_independent = {}, {}
    for images, out in ((same_images, r_same), (other_images, r_independent)):
        for name, values in style_features(images).items():
            out[name] = pair_correlation(values.reshape(classes, n).T)
    return Separation(float(accuracy), r_same, r_independent)

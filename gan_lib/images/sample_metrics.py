"""Comparing a set of generated samples with real data in a feature space.

Every function here takes two arrays of feature vectors, ``real`` (N, d) and
``generated`` (M, d): for digits, the shipped classifier's 128 penultimate features
(:func:`gan_lib.images.digit_metrics.classifier_features`). None of them is computed on
Inception features, so none of the numbers is comparable with a published KID or
precision on ImageNet-like data; each is compared with its own real-vs-real baseline.

* The **kernel inception distance** (KID; Bińkowski, Sutherland, Arbel and Gretton
  2018, "Demystifying MMD GANs"): the squared maximum mean discrepancy (Gretton
  et al. 2012) between the two feature distributions under the cubic polynomial kernel
  ``k(x, y) = (x.y / d + 1)^3``, estimated by the unbiased U-statistic

      MMD_u^2 = sum_{i != i'} k(x_i, x_i') / (N (N - 1))
              + sum_{j != j'} k(y_j, y_j') / (M (M - 1))
              - 2 sum_{i, j} k(x_i, y_j) / (N M).

  Its expectation is the population MMD^2, which is 0 when both sets come from one
  distribution; so an estimate can be slightly negative, and unlike the Fréchet distance
  it has no upward bias at small sample sizes. It is computed here over all pairs, not
  averaged over random subsets as is common: both are unbiased, all pairs has the
  smaller variance. Values are the raw MMD^2 (some papers print it times 100 or 1,000).
* **Precision and recall** of the sample support (Kynkäänniemi, Karras, Laine, Lehtinen
  and Aila 2019): each point ``x`` of a set gets the ball of radius ``NND_k(x)``, the
  distance to its k-th nearest other point of the set (k = 3); the union of the balls
  estimates the set's support. Precision is the share of generated points inside the
  real support (fidelity), recall the share of real points inside the generated support
  (diversity).
* **Density and coverage** (Naeem, Oh, Uh, Choi and Yoo 2020), with the balls of the
  real points only (k = 5): density counts, per generated point, how many real balls
  hold it, ``sum_j sum_i 1[y_j in B(x_i)] / (k M)`` (about 1 when the two sets come from
  one distribution, above 1 where generated points crowd into dense real regions);
  coverage is the share of real points whose ball holds at least one generated point.

A point lies in a ball when its distance is ``<=`` the radius (the papers' closed balls),
so a point always lies in its own ball. Distances and kernels are computed in blocks of
rows of at most ``BLOCK_BYTES`` (float64), so two sets of MNIST's size (60,000 and
10,000 points) are compared in a few hundred MiB, never an N x N matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_lib.validation import check_array, check_integer

BLOCK_BYTES = 64 * 2**20
PRECISION_RECALL_K = 3
DENSITY_COVERAGE_K = 5


def _check_features(name: str, features, at_least: int) -> np.ndarray:
    features = check_array(name, features, ndim=2)
    if len(features) < at_least:
        raise ValueError(f"{name} must hold at least {at_least} feature vectors; got {len(features)}")
    return features


def _check_pair(real, generated, at_least: int) -> tuple[np.ndarray, np.ndarray]:
    real = _check_features("real", real, at_least)
    generated = _check_features("generated", generated, at_least)
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real and generated must have the same number of features; got {real.shape[1]} "
            f"and {generated.shape[1]}"
        )
    return real, generated


def _check_k(k, real, generated) -> int:
    k = check_integer("k", k, at_least=1)
    smallest = min(len(real), len(generated))
    if k >= smallest:
        raise ValueError(f"k must be smaller than the number of points in each set ({smallest}); got {k}")
    return k


def _row_blocks(rows: int, columns: int):
    """Slices of at most ``BLOCK_BYTES / (8 columns)`` rows covering ``range(rows)``."""
    step = max(1, BLOCK_BYTES // (8 * columns))
    for start in range(0, rows, step):
        yield slice(start, min(start + step, rows))


def _squared_distances(a: np.ndarray, b: np.ndarray, b_norms: np.ndarray) -> np.ndarray:
    """``||a_i - b_j||^2`` as ``|a_i|^2 + |b_j|^2 - 2 a_i.b_j`` (one matrix product), clipped at 0."""
    d2 = a @ b.T
    d2 *= -2.0
    d2 += np.einsum("ij,ij->i", a, a)[:, None]
    d2 += b_norms[None, :]
    return np.maximum(d2, 0.0, out=d2)


def knn_radii(features, k: int) -> np.ndarray:
    """``NND_k(x_i)``: the distance from each point to its k-th nearest *other* point of
    the same set (a duplicate counts as a neighbour at distance 0)."""
    features = _check_features("features", features, 2)
    k = check_integer("k", k, at_least=1)
    if k >= len(features):
        raise ValueError(f"k must be smaller than the number of points ({len(features)}); got {k}")
    return np.sqrt(_knn_squared_radii(features, k))


def _knn_squared_radii(features: np.ndarray, k: int) -> np.ndarray:
    norms = np.einsum("ij,ij->i", features, features)
    squared = np.empty(len(features))
    for rows in _row_blocks(len(features), len(features)):
        d2 = _squared_distances(features[rows], features, norms)
        d2[np.arange(d2.shape[0]), np.arange(rows.start, rows.stop)] = np.inf  # not its own neighbour
        squared[rows] = np.partition(d2, k - 1, axis=1)[:, k - 1]
    return squared


def _inside_counts(points: np.ndarray, centres: np.ndarray, squared_radii: np.ndarray) -> np.ndarray:
    """For each point, how many balls around ``centres`` hold it (squared distance <= squared radius)."""
    norms = np.einsum("ij,ij->i", centres, centres)
    counts = np.empty(len(points), dtype=np.int64)
    for rows in _row_blocks(len(points), len(centres)):
        counts[rows] = (_squared_distances(points[rows], centres, norms) <= squared_radii).sum(axis=1)
    return counts


def precision_recall(real, generated, k: int = PRECISION_RECALL_K) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019), k-NN balls with ``k = 3``:
    the share of generated points in the real support, and of real points in the generated one."""
    real, generated = _check_pair(real, generated, 2)
    k = _check_k(k, real, generated)
    precision = (_inside_counts(generated, real, _knn_squared_radii(real, k)) > 0).mean()
    recall = (_inside_counts(real, generated, _knn_squared_radii(generated, k)) > 0).mean()
    return float(precision), float(recall)


def density_coverage(real, generated, k: int = DENSITY_COVERAGE_K) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020), balls around the real points with ``k = 5``:
    ``sum_j #balls holding y_j / (k M)``, and the share of real balls holding a generated point."""
    real, generated = _check_pair(real, generated, 2)
    k = _check_k(k, real, generated)
    squared_radii = _knn_squared_radii(real, k)
    density = _inside_counts(generated, real, squared_radii).sum() / (k * len(generated))
    # coverage: is the nearest generated point of x_i within NND_k(x_i)?
    norms = np.einsum("ij,ij->i", generated, generated)
    covered = np.empty(len(real), dtype=bool)
    for rows in _row_blocks(len(real), len(generated)):
        nearest = _squared_distances(real[rows], generated, norms).min(axis=1)
        covered[rows] = nearest <= squared_radii[rows]
    return float(density), float(covered.mean())


def _kernel_sum(a: np.ndarray, b: np.ndarray) -> float:
    """``sum_{i, j} k(a_i, b_j)`` for the cubic kernel ``(a.b / d + 1)^3``, block by block."""
    dimension, total = a.shape[1], 0.0
    for rows in _row_blocks(len(a), len(b)):
        gram = a[rows] @ b.T
        gram /= dimension
        gram += 1.0
        total += float(np.sum(gram**3))
    return total


def kernel_inception_distance(real, generated) -> float:
    """The unbiased estimate of ``MMD^2`` under ``k(x, y) = (x.y / d + 1)^3`` (Bińkowski et
    al. 2018), over all pairs: expectation 0 for two samples of one distribution."""
    real, generated = _check_pair(real, generated, 2)
    n, m, dimension = len(real), len(generated), real.shape[1]
    # sum over i != i' = sum over all pairs - the diagonal k(x_i, x_i)
    diagonal_real = np.sum((np.einsum("ij,ij->i", real, real) / dimension + 1.0) ** 3)
    diagonal_generated = np.sum((np.einsum("ij,ij->i", generated, generated) / dimension + 1.0) ** 3)
    within_real = (_kernel_sum(real, real) - diagonal_real) / (n * (n - 1))
    within_generated = (_kernel_sum(generated, generated) - diagonal_generated) / (m * (m - 1))
    between = _kernel_sum(real, generated) / (n * m)
    return float(within_real + within_generated - 2.0 * between)


@dataclass(frozen=True)
class SampleComparison:
    """KID, precision and recall (k = 3), density and coverage (k = 5) of one generated set
    against one real set, with the set sizes they were computed on."""

    n_real: int
    n_generated: int
    kid: float
    precision: float
    recall: float
    density: float
    coverage: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def compare(real, generated) -> SampleComparison:
    """All five numbers of this module for ``generated`` against ``real`` (feature arrays)."""
    real, generated = _check_pair(real, generated, DENSITY_COVERAGE_K + 1)
    precision, recall = precision_recall(real, generated)
    density, coverage = density_coverage(real, generated)
    return SampleComparison(
        n_real=len(real),
        n_generated=len(generated),
        kid=kernel_inception_distance(real, generated),
        precision=precision,
        recall=recall,
        density=density,
        coverage=coverage,
    )

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
  hold it, ``sum_j sum_i 1[y_j in B(x_i)] / (k M)`` (above 1 where generated points crowd
  into dense real regions); coverage is the share of real points whose ball holds at
  least one generated point. When both sets are samples of one continuous distribution,
  E[density] = 1 exactly (``y_j`` is among the k nearest of ``x_i``'s N - 1 + 1 others with
  probability k / N) and E[coverage] = ``1 - prod_{i=0}^{k-1} (N-1-i) / (N+M-1-i)``
  (``x_i`` is uncovered when its k nearest among the other N - 1 real and M generated
  points are all real), which tends to ``1 - 2^-k`` = 0.969 for M = N and k = 5 (Naeem et
  al.): :func:`expected_coverage`. The digit baselines
  (``experiments/results/sample_metrics_baselines.md``) measure 0.971, 0.964 and 0.968 at
  N = M = 500, 1,000 and 2,500 (all digits, 3 seeds), against 0.969 expected at each:
  each within one seed-to-seed standard deviation of it.

A point lies in a ball when its distance is ``<=`` the radius. That is Kynkäänniemi et
al.'s choice; Naeem et al.'s released code (``prdc``) uses strict ``<``. The two differ
only on ties, and here the choice is ``<=`` so that a point always lies in its own ball
and an exact copy of a real point lies in that point's ball even when duplicates make the
radius 0 (with ``<`` a ball of radius 0 holds nothing). Exact ties at distance 0 are
computed exactly (:func:`_squared_distances`); ties at a positive distance are decided
by round-off unless the coordinates make every distance exact (small integers).

Cost: distances and kernels come from the Gram matrix ``a @ b.T`` of blocks of rows of at
most ``BLOCK_BYTES`` (float64), never an N x N matrix; a block and one copy of it are alive
at a time, so the peak is about ``2 x BLOCK_BYTES`` (128 MiB) beyond the inputs.
:func:`compare` makes three passes over pairs, each one matrix product per block: the real
set's pairs (both k-NN radii from one ``np.partition`` and KID's within-real sum), the
generated set's, and the pairs between them (precision, recall, density, coverage and
KID's between-set sum at once). Measured for N = M = 10,000 points of 128 features on a
shared 2-core AMD EPYC (load about 16): 42 and 52 s, against 94 and 152 s when each number
was computed separately (the old code, timed in the same run; numbers identical). The
work grows as ``N^2 + M^2 + N M`` pairs, so 60,000 real points against 10,000 take about
14 times as long.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_lib.validation import check_array, check_integer

BLOCK_BYTES = 64 * 2**20
PRECISION_RECALL_K = 3
DENSITY_COVERAGE_K = 5
TIE_TOLERANCE = 1e-9


def _check_features(name: str, features, at_least: int) -> np.ndarray:
    features = check_array(name, features, ndim=2)
    if len(features) < at_least:
        raise ValueError(f"{name} must hold at least {at_least} feature vectors; got {len(features)}")
    return features


def _check_pair(real, generated, real_at_least: int, generated_at_least: int) -> tuple[np.ndarray, np.ndarray]:
    real = _check_features("real", real, real_at_least)
    generated = _check_features("generated", generated, generated_at_least)
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real and generated must have the same number of features; got {real.shape[1]} "
            f"and {generated.shape[1]}"
        )
    return real, generated


def _check_k(k, *sets: tuple[str, np.ndarray]) -> int:
    """``k`` must be at least 1 and smaller than the size of each named set that gets k-NN balls."""
    k = check_integer("k", k, at_least=1)
    for name, features in sets:
        if k >= len(features):
            raise ValueError(f"k must be smaller than the number of points in {name} ({len(features)}); got {k}")
    return k


def _row_blocks(rows: int, columns: int):
    """Slices of at most ``BLOCK_BYTES / (8 columns)`` rows covering ``range(rows)``."""
    step = max(1, BLOCK_BYTES // (8 * columns))
    for start in range(0, rows, step):
        yield slice(start, min(start + step, rows))


def _kernel_total(gram: np.ndarray, dimension: int) -> float:
    """``sum k(a_i, b_j)`` of the cubic kernel ``(a.b / d + 1)^3`` from the block ``a @ b.T``."""
    kernel = gram / dimension
    kernel += 1.0
    np.power(kernel, 3, out=kernel)
    return float(kernel.sum())


def _squared_distances(gram: np.ndarray, a: np.ndarray, b: np.ndarray, a_norms: np.ndarray,
                       b_norms: np.ndarray) -> np.ndarray:
    """``||a_i - b_j||^2`` from ``gram = a @ b.T``, overwriting it.

    ``|a_i|^2 + |b_j|^2 - 2 a_i.b_j`` loses about ``eps (|a_i|^2 + |b_j|^2)`` to round-off, so
    a point's distance to an identical copy would come out as +-1e-12 rather than 0, and a
    duplicate could fall outside a ball of radius 0. Every entry below ``TIE_TOLERANCE``
    times the largest ``|a_i|^2 + |b_j|^2`` (few: duplicates and near-duplicates) is
    recomputed exactly as ``sum (a_i - b_j)^2``, which is 0 for identical rows.
    """
    d2 = gram
    d2 *= -2.0
    d2 += a_norms[:, None]
    d2 += b_norms[None, :]
    rows, columns = np.nonzero(d2 <= TIE_TOLERANCE * (a_norms.max() + b_norms.max()))
    step = max(1, BLOCK_BYTES // (8 * a.shape[1]))
    for start in range(0, len(rows), step):
        i, j = rows[start : start + step], columns[start : start + step]
        difference = a[i] - b[j]
        d2[i, j] = np.einsum("ij,ij->i", difference, difference)
    return d2


def _within(features: np.ndarray, ks: tuple[int, ...]) -> tuple[dict[int, np.ndarray], float]:
    """One pass over all pairs of one set: the squared k-NN radius ``NND_k(x_i)^2`` of every
    point for each ``k`` in ``ks`` (one ``np.partition`` for all of them), and the kernel sum
    ``sum_{i != i'} k(x_i, x_i')``."""
    dimension = features.shape[1]
    norms = np.einsum("ij,ij->i", features, features)
    radii = {k: np.empty(len(features)) for k in ks}
    kernel = 0.0
    for rows in _row_blocks(len(features), len(features)):
        gram = features[rows] @ features.T
        kernel += _kernel_total(gram, dimension)
        if ks:
            d2 = _squared_distances(gram, features[rows], features, norms[rows], norms)
            d2[np.arange(d2.shape[0]), np.arange(rows.start, rows.stop)] = np.inf  # not its own neighbour
            nearest = np.partition(d2, [k - 1 for k in ks], axis=1)
            for k in ks:
                radii[k][rows] = nearest[:, k - 1]
            del d2, nearest
        del gram  # free this block before the next one is made: the peak stays near two blocks
    kernel -= float(np.sum((norms / dimension + 1.0) ** 3))  # the diagonal k(x_i, x_i)
    return radii, kernel


def knn_radii(features, k: int) -> np.ndarray:
    """``NND_k(x_i)``: the distance from each point to its k-th nearest *other* point of
    the same set (a duplicate counts as a neighbour at distance 0)."""
    features = _check_features("features", features, 2)
    k = _check_k(k, ("features", features))
    return np.sqrt(_within(features, (k,))[0][k])


def _measure(real: np.ndarray, generated: np.ndarray, k_precision: int | None,
             k_density: int | None) -> dict:
    """Everything :func:`compare` reports, from three passes over pairs (real-real,
    generated-generated, generated-real); ``None`` skips precision/recall or density/coverage."""
    n, m, dimension = len(real), len(generated), real.shape[1]
    real_ks = tuple(sorted({k for k in (k_precision, k_density) if k is not None}))
    real_radii, within_real = _within(real, real_ks)
    generated_radii, within_generated = _within(generated, (k_precision,) if k_precision else ())
    real_norms = np.einsum("ij,ij->i", real, real)
    generated_norms = np.einsum("ij,ij->i", generated, generated)
    between = 0.0
    precise = np.zeros(m, dtype=bool)  # y_j in some real ball (k_precision)
    recalled = np.zeros(n, dtype=bool)  # x_i in some generated ball (k_precision)
    held = 0  # pairs with y_j in the ball of x_i (k_density)
    covered = np.zeros(n, dtype=bool)  # the ball of x_i (k_density) holds some y_j
    for rows in _row_blocks(m, n):
        gram = generated[rows] @ real.T
        between += _kernel_total(gram, dimension)
        if k_precision or k_density:  # the kernel inception distance alone needs no distances
            d2 = _squared_distances(gram, generated[rows], real, generated_norms[rows], real_norms)
            if k_precision:
                precise[rows] = (d2 <= real_radii[k_precision]).any(axis=1)
                recalled |= (d2 <= generated_radii[k_precision][rows, None]).any(axis=0)
            if k_density:
                inside = d2 <= real_radii[k_density]
                held += int(inside.sum())
                covered |= inside.any(axis=0)
            del d2
        del gram  # as in _within: at most two blocks alive
    return {
        # None for a single generated point (density and coverage accept one; KID needs pairs)
        "kid": (within_real / (n * (n - 1)) + within_generated / (m * (m - 1)) - 2.0 * between / (n * m)
                if m > 1 else None),
        "precision": float(precise.mean()),
        "recall": float(recalled.mean()),
        "density": held / (k_density * m) if k_density else None,
        "coverage": float(covered.mean()),
    }


def precision_recall(real, generated, k: int = PRECISION_RECALL_K) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019), k-NN balls with ``k = 3``:
    the share of generated points in the real support, and of real points in the generated one."""
    real, generated = _check_pair(real, generated, 2, 2)
    k = _check_k(k, ("real", real), ("generated", generated))
    result = _measure(real, generated, k, None)
    return result["precision"], result["recall"]


def density_coverage(real, generated, k: int = DENSITY_COVERAGE_K) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020), balls around the real points with ``k = 5``:
    ``sum_j #balls holding y_j / (k M)``, and the share of real balls holding a generated point.
    Only the real points get balls, so only ``real`` needs more than ``k`` points."""
    real, generated = _check_pair(real, generated, 2, 1)
    k = _check_k(k, ("real", real))
    result = _measure(real, generated, None, k)
    return result["density"], result["coverage"]


def expected_coverage(n_real: int, n_generated: int, k: int = DENSITY_COVERAGE_K) -> float:
    """``E[coverage]`` when both sets are independent samples of one continuous distribution:
    ``1 - prod_{i=0}^{k-1} (N - 1 - i) / (N + M - 1 - i)`` (Naeem et al. 2020), which tends to
    ``1 - 2^-k`` for ``M = N -> inf`` (0.96875 at ``k = 5``)."""
    n_real = check_integer("n_real", n_real, at_least=2)
    n_generated = check_integer("n_generated", n_generated, at_least=1)
    k = check_integer("k", k, at_least=1)
    if k >= n_real:
        raise ValueError(f"k must be smaller than n_real ({n_real}); got {k}")
    all_real = np.prod([(n_real - 1 - i) / (n_real + n_generated - 1 - i) for i in range(k)])
    return float(1.0 - all_real)


def kernel_inception_distance(real, generated) -> float:
    """The unbiased estimate of ``MMD^2`` under ``k(x, y) = (x.y / d + 1)^3`` (Bińkowski et
    al. 2018), over all pairs: expectation 0 for two samples of one distribution."""
    real, generated = _check_pair(real, generated, 2, 2)
    return float(_measure(real, generated, None, None)["kid"])


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
    """All five numbers of this module for ``generated`` against ``real`` (feature arrays),
    from one pass over each set's pairs and one over the pairs between them."""
    real, generated = _check_pair(real, generated, DENSITY_COVERAGE_K + 1, PRECISION_RECALL_K + 1)
    result = _measure(real, generated, PRECISION_RECALL_K, DENSITY_COVERAGE_K)
    return SampleComparison(n_real=len(real), n_generated=len(generated), **result)

"""gan_lib.images.sample_metrics: KID, precision/recall and density/coverage on cases with a
known answer, against brute-force references, within a memory bound, refusing bad input."""

import itertools
import tracemalloc

import numpy as np
import pytest

from gan_lib.images import sample_metrics as sm


# ----- brute-force references: loops over pairs, straight from the papers' formulas ---------
def brute_kid(x, y):
    d = x.shape[1]

    def k(a, b):
        return (a @ b / d + 1.0) ** 3

    n, m = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    xy = sum(k(a, b) for a in x for b in y) / (n * m)
    return xx + yy - 2 * xy


def brute_radii(x, k):
    return np.array([np.sort([np.linalg.norm(x[i] - x[j]) for j in range(len(x)) if j != i])[k - 1]
                     for i in range(len(x))])


def brute_in_support(points, centres, k):
    radii = brute_radii(centres, k)
    return np.array([any(np.linalg.norm(p - c) <= r for c, r in zip(centres, radii)) for p in points])


def brute_density_coverage(x, y, k):
    radii = brute_radii(x, k)
    inside = np.array([[np.linalg.norm(b - a) <= r for a, r in zip(x, radii)] for b in y])
    return inside.sum() / (k * len(y)), inside.any(axis=0).mean()


@pytest.fixture
def small_sets():
    rng = np.random.default_rng(0)
    return rng.standard_normal((40, 5)), 0.8 + 0.7 * rng.standard_normal((31, 5))


# ----- agreement with the references ---------------------------------------------------------
def test_kid_matches_the_brute_force_u_statistic(small_sets):
    x, y = small_sets
    assert sm.kernel_inception_distance(x, y) == pytest.approx(brute_kid(x, y), abs=1e-12)


def test_precision_recall_density_coverage_match_brute_force(small_sets, monkeypatch):
    x, y = small_sets
    monkeypatch.setattr(sm, "BLOCK_BYTES", 8 * 5 * 40)  # blocks of a few rows: the chunking is exercised
    np.testing.assert_allclose(sm.knn_radii(x, 3), brute_radii(x, 3), rtol=1e-12)
    precision, recall = sm.precision_recall(x, y, k=3)
    assert precision == pytest.approx(brute_in_support(y, x, 3).mean(), abs=1e-12)
    assert recall == pytest.approx(brute_in_support(x, y, 3).mean(), abs=1e-12)
    assert 0 < precision < 1 and 0 < recall < 1  # the case decides something
    density, coverage = sm.density_coverage(x, y, k=5)
    expected_density, expected_coverage = brute_density_coverage(x, y, 5)
    assert density == pytest.approx(expected_density, abs=1e-12)
    assert coverage == pytest.approx(expected_coverage, abs=1e-12)
    assert sm.kernel_inception_distance(x, y) == pytest.approx(brute_kid(x, y), abs=1e-12)


# ----- known answers -------------------------------------------------------------------------
def test_identical_sets():
    x = np.random.default_rng(1).standard_normal((300, 8))
    assert sm.precision_recall(x, x) == (1.0, 1.0)
    assert sm.density_coverage(x, x)[1] == 1.0
    # With y = x the U-statistic is -2/n (mean_i k(x_i, x_i) - mean_{i != j} k(x_i, x_j)):
    # near 0 (order 1/n) and slightly negative, while a shift by 0.5 is clearly positive.
    gram = (x @ x.T / 8 + 1.0) ** 3
    off_diagonal = (gram.sum() - np.trace(gram)) / (300 * 299)
    expected = -2 / 300 * (np.mean(np.diag(gram)) - off_diagonal)
    assert sm.kernel_inception_distance(x, x) == pytest.approx(expected, rel=1e-10)
    assert -0.1 < expected < 0 < 1.0 < sm.kernel_inception_distance(x, x + 0.5)


def test_disjoint_sets_score_zero():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((200, 8)), 100.0 + rng.standard_normal((150, 8))
    assert sm.precision_recall(x, y) == (0.0, 0.0)
    assert sm.density_coverage(x, y) == (0.0, 0.0)
    assert sm.kernel_inception_distance(x, y) > 1.0


def test_a_subset_of_separated_clusters_has_full_precision_and_the_known_recall():
    """Real data: two clusters far apart, 120 and 80 points; generated: the first cluster
    only. Every generated point is a real one (precision 1); exactly the first cluster's
    real points lie in the generated support (recall and coverage 120/200)."""
    rng = np.random.default_rng(3)
    first, second = rng.standard_normal((120, 6)), 50.0 + rng.standard_normal((80, 6))
    real = np.concatenate([first, second])
    precision, recall = sm.precision_recall(real, first)
    density, coverage = sm.density_coverage(real, first)
    assert precision == 1.0
    assert recall == pytest.approx(120 / 200, abs=1e-12)
    assert coverage == pytest.approx(120 / 200, abs=1e-12)
    assert density > 0.5


def test_kid_is_unbiased_for_one_distribution_and_for_two():
    """For d = 1 the kernel is (xy + 1)^3 = phi(x).phi(y) with phi(x) = (1, sqrt3 x, sqrt3 x^2,
    x^3), so MMD^2 = 3 (E x - E y)^2 + 3 (E x^2 - E y^2)^2 + (E x^3 - E y^3)^2. Averaged over
    many small samples, the estimate must hit that value (0 for one distribution); the
    biased V-statistic would miss it by about (E k(x, x) - E k(x, x')) / n."""
    rng = np.random.default_rng(4)
    mu, n, repeats = 0.5, 10, 4000
    # N(mu, 1) moments: mu, 1 + mu^2, mu^3 + 3 mu
    exact = 3 * mu**2 + 3 * mu**4 + (mu**3 + 3 * mu) ** 2
    same = [sm.kernel_inception_distance(rng.standard_normal((n, 1)), rng.standard_normal((n, 1)))
            for _ in range(repeats)]
    shifted = [sm.kernel_inception_distance(rng.standard_normal((n, 1)), mu + rng.standard_normal((n, 1)))
               for _ in range(repeats)]
    for values, expected in ((same, 0.0), (shifted, exact)):
        error = np.std(values) / np.sqrt(repeats)
        assert abs(np.mean(values) - expected) < 4 * error
    # the V-statistic's bias here is 2 (E k(x,x) - E k(x,x')) / n = 2 (28 - 4) / 10 = 4.8:
    # the tolerance above is far tighter, so a biased estimator fails
    assert 4 * np.std(same) / np.sqrt(repeats) < 1.0


def test_blocks_bound_the_memory(monkeypatch):
    """6,000 points of 128 features: the full distance matrix would take 288 MB; with
    blocks of 8 MiB the peak stays under a tenth of that."""
    monkeypatch.setattr(sm, "BLOCK_BYTES", 8 * 2**20)
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((6_000, 128)), rng.standard_normal((6_000, 128))
    tracemalloc.start()
    sm.compare(x, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 28e6


def test_compare_collects_the_five_numbers(small_sets):
    x, y = small_sets
    report = sm.compare(x, y)
    assert (report.precision, report.recall) == sm.precision_recall(x, y)
    assert (report.density, report.coverage) == sm.density_coverage(x, y)
    assert report.kid == sm.kernel_inception_distance(x, y)
    assert (report.n_real, report.n_generated) == (40, 31)
    assert set(report.as_dict()) == {"n_real", "n_generated", "kid", "precision", "recall",
                                     "density", "coverage"}


# ----- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize("call", [sm.kernel_inception_distance, sm.precision_recall, sm.density_coverage])
def test_bad_inputs_name_the_argument(call):
    good = np.zeros((10, 3)) + np.arange(10)[:, None]
    with pytest.raises(ValueError, match="real and generated"):
        call(good, good[:, :2])
    with pytest.raises(ValueError, match="real"):
        call(good[0], good)  # one vector, not a set
    with pytest.raises(ValueError, match="generated"):
        call(good, good[:1])
    with pytest.raises(ValueError, match="generated"):
        call(good, np.full((10, 3), np.nan))


def test_bad_k_is_refused():
    x = np.arange(30.0).reshape(10, 3)
    with pytest.raises(ValueError, match="k must be smaller"):
        sm.precision_recall(x, x[:4], k=4)
    with pytest.raises(ValueError, match="k"):
        sm.density_coverage(x, x, k=0)
    with pytest.raises(TypeError, match="k"):
        sm.knn_radii(x, 2.5)
    with pytest.raises(ValueError, match="k must be smaller"):
        sm.knn_radii(x, 10)


def test_classifier_features_are_the_classifiers_penultimate_layer():
    from gan_lib.images import digit_metrics

    images = np.random.default_rng(6).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    features = digit_metrics.classifier_features(images, batch_size=3)
    assert features.shape == (8, digit_metrics.FEATURES)
    # batches of 3 or of 1000: the same numbers up to float32 round-off
    np.testing.assert_allclose(features, digit_metrics.classify(images)[1], rtol=1e-5, atol=1e-5)


def test_evaluate_reports_how_many_images_the_frechet_distance_used():
    from gan_lib.images import digit_metrics

    rng = np.random.default_rng(7)
    generated = rng.uniform(-1, 1, (30, 28, 28, 1)).astype(np.float32)
    real = rng.uniform(-1, 1, (40, 28, 28, 1)).astype(np.float32)
    report = digit_metrics.evaluate(generated, real_images=real)
    assert report.frechet_n == 20 and report.n == 30
    _, features = digit_metrics.classify(generated)
    order = np.random.default_rng(0).permutation(40)
    _, real_features = digit_metrics.classify(real)
    expected = digit_metrics.frechet_distance(features[:20], real_features[order[20:40]])
    assert report.frechet == pytest.approx(expected, rel=1e-9)
    assert digit_metrics.evaluate(generated).frechet_n is None

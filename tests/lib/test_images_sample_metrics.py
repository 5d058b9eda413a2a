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
    blocks of 8 MiB the peak stays near two blocks (a block and its copy), 17 MB."""
    monkeypatch.setattr(sm, "BLOCK_BYTES", 8 * 2**20)
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((6_000, 128)), rng.standard_normal((6_000, 128))
    tracemalloc.start()
    sm.compare(x, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2.3 * sm.BLOCK_BYTES


def test_compare_collects_the_five_numbers(small_sets):
    x, y = small_sets
    report = sm.compare(x, y)
    assert (report.precision, report.recall) == sm.precision_recall(x, y)
    assert (report.density, report.coverage) == sm.density_coverage(x, y)
    assert report.kid == sm.kernel_inception_distance(x, y)
    assert (report.n_real, report.n_generated) == (40, 31)
    assert set(report.as_dict()) == {"n_real", "n_generated", "kid", "precision", "recall",
                                     "density", "coverage"}


# ----- ties, the generated side's size, the null value of coverage --------------------------
def test_duplicates_are_at_distance_exactly_zero():
    """Each of 60 distinct real points appears 4 times, so with k = 3 every real ball has
    radius 0; a generated copy of a real point must lie in exactly its 4 balls. With
    |a|^2 + |b|^2 - 2 a.b alone, round-off made some copies' distance +1e-12 (outside)."""
    rng = np.random.default_rng(8)
    distinct = 3.0 + rng.standard_normal((60, 128))
    real = np.repeat(distinct, 4, axis=0)
    generated = distinct[rng.integers(0, 60, 200)]
    assert np.all(sm.knn_radii(real, 3) == 0.0)
    precision, _ = sm.precision_recall(real, generated)
    density, coverage = sm.density_coverage(real, generated, k=3)
    assert precision == 1.0
    assert density == pytest.approx(4 / 3, abs=1e-12)  # 4 balls per generated point, / k
    hit = np.unique(generated, axis=0).shape[0]
    assert coverage == pytest.approx(hit / 60, abs=1e-12)


def test_a_discrete_case_worked_by_hand():
    """1-D, integer coordinates (every distance exact), k = 3. Real: 0 x4, 5 x4, 9; its
    radii are 0 (the 0s and 5s) and 4 (9: the 5s at 4). Generated: 5, 5, 9, 7, 2; radii
    3, 3, 4, 2, 5. Precision: all but 2 lie in a real ball (5 in 9's ball on its edge):
    4/5. Recall: 0 lies in 2's ball (radius 5): 9/9. Density: 5 lies in 5 balls (four
    5s and 9's), 9 and 7 in one, 2 in none: (5 + 5 + 1 + 1) / (3 x 5). Coverage: the 5s
    and the 9: 5/9."""
    real = np.array([0, 0, 0, 0, 5, 5, 5, 5, 9], dtype=float)[:, None]
    generated = np.array([5, 5, 9, 7, 2], dtype=float)[:, None]
    np.testing.assert_array_equal(sm.knn_radii(real, 3), [0, 0, 0, 0, 0, 0, 0, 0, 4])
    np.testing.assert_array_equal(sm.knn_radii(generated, 3), [3, 3, 4, 2, 5])
    assert sm.precision_recall(real, generated) == (4 / 5, 1.0)
    density, coverage = sm.density_coverage(real, generated, k=3)
    assert density == pytest.approx(12 / 15, abs=1e-12)
    assert coverage == pytest.approx(5 / 9, abs=1e-12)


def test_density_coverage_needs_more_than_k_points_on_the_real_side_only():
    rng = np.random.default_rng(9)
    x, y = rng.standard_normal((12, 3)), rng.standard_normal((2, 3))
    assert sm.density_coverage(x, y, k=5) == pytest.approx(brute_density_coverage(x, y, 5), abs=1e-12)
    assert sm.density_coverage(x, y[:1], k=5) == pytest.approx(brute_density_coverage(x, y[:1], 5), abs=1e-12)
    with pytest.raises(ValueError, match="k must be smaller than the number of points in real"):
        sm.density_coverage(x[:5], y, k=5)
    with pytest.raises(ValueError, match="k must be smaller than the number of points in generated"):
        sm.precision_recall(x, y, k=3)


def test_compare_takes_both_k_of_the_real_set_from_one_pass(monkeypatch, small_sets):
    """compare() makes one pass over the real set's pairs (radii for k = 3 and k = 5 and
    KID's within-real sum), one over the generated set's, and no more."""
    calls = []
    within = sm._within

    def counting(features, ks):
        calls.append((len(features), ks))
        return within(features, ks)

    monkeypatch.setattr(sm, "_within", counting)
    x, y = small_sets
    sm.compare(x, y)
    assert calls == [(40, (3, 5)), (31, (3,))]


def test_expected_coverage_matches_a_simulation():
    """Two samples of one distribution: E[coverage] = 1 - prod_{i<k} (N-1-i)/(N+M-1-i)
    (x_i is uncovered when its k nearest among the other N - 1 + M points are all real)."""
    rng = np.random.default_rng(10)
    n, m, k, repeats = 30, 20, 5, 800
    values = [sm.density_coverage(rng.standard_normal((n, 4)), rng.standard_normal((m, 4)), k)[1]
              for _ in range(repeats)]
    expected = sm.expected_coverage(n, m, k)
    assert abs(np.mean(values) - expected) < 4 * np.std(values) / np.sqrt(repeats)
    assert abs(expected - (1 - 29 / 49 * 28 / 48 * 27 / 47 * 26 / 46 * 25 / 45)) < 1e-15
    assert sm.expected_coverage(10**6, 10**6, 5) == pytest.approx(1 - 2**-5, abs=1e-5)
    with pytest.raises(ValueError, match="k must be smaller than n_real"):
        sm.expected_coverage(5, 10, 5)


# ----- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize("call", [sm.kernel_inception_distance, sm.precision_recall, sm.density_coverage])
def test_bad_inputs_name_the_argument(call):
    good = np.zeros((10, 3)) + np.arange(10)[:, None]
    with pytest.raises(ValueError, match="real and generated"):
        call(good, good[:, :2])
    with pytest.raises(ValueError, match="real"):
        call(good[0], good)  # one vector, not a set
    with pytest.raises(ValueError, match="generated"):
        call(good, good[:0])
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

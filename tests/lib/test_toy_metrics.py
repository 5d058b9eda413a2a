"""gan_lib.toy.metrics: the JS estimate from samples (against exact quadrature) and mode coverage."""

import numpy as np
import pytest
from scipy import stats

from gan_lib.probability import Gaussian, GaussianMixture, js_divergence
from gan_lib.toy import data, metrics

P_DATA = Gaussian(3.0, 1.0)


def test_kde_on_grid_matches_scipy_gaussian_kde():
    samples = np.random.default_rng(0).standard_normal(3000)
    grid = np.linspace(-7, 7, 4001)
    for bandwidth in ("scott", "silverman", 0.3):
        ours = metrics.kde_on_grid(samples, grid, bandwidth)
        reference = stats.gaussian_kde(samples, bw_method=bandwidth)(grid)
        assert np.max(np.abs(ours - reference)) < 1e-4
    with pytest.raises(ValueError, match="must cover the samples"):
        metrics.kde_on_grid(samples, np.linspace(-1, 1, 100))
    with pytest.raises(ValueError, match="bandwidth"):
        metrics.kde_on_grid(samples, grid, "wide")


def test_js_noise_floor_is_small_positive_and_shrinks_with_n():
    small, _ = metrics.js_noise_floor(P_DATA, 2_500, repeats=10)
    large, spread = metrics.js_noise_floor(P_DATA, 20_000, repeats=10)
    assert 0 < large < small < 2e-3
    assert large < 3e-4 and spread < large


@pytest.mark.parametrize(
    "q",
    [Gaussian(3.5, 1.0), Gaussian(3.0, 2.0), Gaussian(3.1, 1.1), Gaussian(3.0, 0.8), Gaussian(0.0, 1.0)],
    ids=str,
)
def test_js_from_samples_tracks_exact_js(q):
    rng = np.random.default_rng(1)
    estimates = [metrics.js_from_samples(q.sample(20_000, rng), P_DATA) for _ in range(3)]
    assert abs(np.mean(estimates) - js_divergence(q, P_DATA)) < 0.004


def test_js_from_samples_extremes():
    rng = np.random.default_rng(2)
    far = metrics.js_from_samples(Gaussian(-30.0, 0.1).sample(5000, rng), P_DATA)
    assert abs(far - np.log(2)) < 1e-6  # disjoint supports
    collapsed = metrics.js_from_samples(np.full(1000, 3.0), P_DATA)  # every sample equal
    assert 0.6 < collapsed <= np.log(2)
    with pytest.raises(ValueError, match="samples must be finite"):
        metrics.js_from_samples([np.nan] * 20, P_DATA)
    with pytest.raises(ValueError, match="at least 10"):
        metrics.js_from_samples([1.0, 2.0], P_DATA)


def test_js_from_samples_blurs_narrow_modes_as_documented():
    bimodal, p = GaussianMixture((0.5, 0.5), (-2, 2), (0.5, 0.5)), Gaussian(0, 1)
    x = bimodal.sample(20_000, np.random.default_rng(3))
    exact = js_divergence(bimodal, p)
    scott = metrics.js_from_samples(x, p)
    assert 0.02 < exact - scott < 0.04
    assert abs(metrics.js_from_samples(x, p, bandwidth=0.05) - exact) < 0.01


def test_mode_coverage_counts_collapse_and_garbage():
    centers = data.ring_centers()
    collapsed = np.tile(centers[3], (100, 1))
    result = metrics.mode_coverage(collapsed, centers, std=0.02)
    assert result.modes_covered == 1 and result.high_quality_fraction == 1.0
    assert result.counts[3] == 100 and result.counts.sum() == 100
    garbage = np.zeros((100, 2))  # the center of the ring: far from every mode
    assert metrics.mode_coverage(garbage, centers, std=0.02).modes_covered == 0


def test_mode_coverage_threshold_is_three_standard_deviations():
    centers = np.array([[0.0], [10.0]])
    samples = np.array([[0.059], [0.061], [10.0], [5.0]])
    result = metrics.mode_coverage(samples, centers, std=0.02)
    assert result.modes_covered == 2 and result.high_quality_fraction == 0.5
    assert list(result.counts) == [1, 1]
    one_d = metrics.mode_coverage(np.array([0.0, 0.5]), np.array([0.0, 10.0]), std=0.1)
    assert one_d.modes_covered == 1 and one_d.high_quality_fraction == 0.5


def test_mode_coverage_refuses_bad_input():
    centers = data.ring_centers()
    with pytest.raises(ValueError, match="dimension"):
        metrics.mode_coverage(np.zeros((5, 3)), centers, std=0.02)
    with pytest.raises(ValueError, match="NaN"):
        metrics.mode_coverage(np.full((5, 2), np.nan), centers, std=0.02)
    with pytest.raises(ValueError, match="std must be a positive number"):
        metrics.mode_coverage(np.zeros((5, 2)), centers, std=0.0)


def test_kde_on_grid_accepts_a_float32_grid_and_refuses_an_uneven_one():
    samples = np.random.default_rng(0).standard_normal(500).astype(np.float32)
    grid32 = np.linspace(samples.min() - 1, samples.max() + 1, 4096, dtype=np.float32)
    assert grid32.dtype == np.float32
    density = metrics.kde_on_grid(samples, grid32)
    assert abs(density.sum() * (grid32[1] - grid32[0]) - 1) < 1e-6
    with pytest.raises(ValueError, match="evenly spaced"):
        metrics.kde_on_grid(samples, np.geomspace(1, 10, 50) - 6)


def test_strict_count_asks_each_mode_for_a_fifth_of_its_fair_share():
    assert metrics.fair_share_minimum(2500, 8) == 63  # ceil(2500 / 40) = ceil(62.5)
    assert metrics.fair_share_minimum(2500, 25) == 20
    assert metrics.fair_share_minimum(10, 8) == 1
    centers = data.ring_centers()
    real = metrics.mode_coverage(data.ring_sampler()(2500, 0), centers, std=0.02)
    assert real.modes_covered == real.modes_covered_strict == 8 and real.min_samples == 63
    # Uniform noise on the square of chapter 5's figures: lenient 7 of 8, strict none.
    noise = np.random.default_rng(0).uniform(-2.6, 2.6, (2500, 2))
    lenient = metrics.mode_coverage(noise, centers, std=0.02)
    assert (lenient.modes_covered, lenient.modes_covered_strict) == (7, 0)
    # A generator that starves one mode: 62 samples there are one short of the minimum.
    starved = np.concatenate([np.repeat(centers[:1], 62, axis=0), np.repeat(centers[1:], 348, axis=0)])
    result = metrics.mode_coverage(starved, centers, std=0.02)
    assert len(starved) == 2498 and result.min_samples == 63
    assert (result.modes_covered, result.modes_covered_strict) == (8, 7)
    assert metrics.mode_coverage(starved, centers, std=0.02, min_samples=62).modes_covered_strict == 8

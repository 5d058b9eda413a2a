"""The truncation trick's noise: inside the threshold, with the truncated normal's moments,
seeded, and refusing bad thresholds; and the exact probabilities that say where truncated
noise lies relative to training noise."""

import math

import numpy as np
import pytest
from scipy import stats

from gan_lib.images.truncation import (
    box_probability,
    noise_length_probability,
    truncated_noise,
    truncated_rms_length,
)


@pytest.mark.parametrize("threshold", [1e-3, 0.5, 1.0, 2.0, 8.0, 40.0])
def test_coordinates_stay_inside_and_have_the_truncated_normal_variance(threshold):
    z = truncated_noise(4_000, 50, threshold, seed=1)
    assert z.shape == (4_000, 50) and z.dtype == np.float32
    assert np.abs(z).max() <= np.float32(threshold)
    # Var of N(0, 1) given |z| <= c: 1 - 2 c phi(c) / (2 Phi(c) - 1), from scipy's own truncnorm.
    expected = stats.truncnorm(-threshold, threshold).var()
    assert z.var() == pytest.approx(expected, rel=0.02)
    assert abs(z.mean()) < 4 * math.sqrt(expected / z.size)


def test_an_infinite_threshold_is_the_standard_normal():
    z = truncated_noise(20_000, 10, math.inf, seed=2).ravel()
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert np.isfinite(z).all()


def test_same_seed_same_noise_and_smaller_thresholds_shrink_the_same_draws():
    a, b = truncated_noise(5, 3, 1.0, seed=3), truncated_noise(5, 3, 1.0, seed=3)
    np.testing.assert_array_equal(a, b)
    wide, narrow = truncated_noise(100, 4, math.inf, seed=4), truncated_noise(100, 4, 0.5, seed=4)
    np.testing.assert_array_equal(np.sign(wide), np.sign(narrow))  # one uniform draw per value
    assert (np.abs(narrow) <= np.abs(wide)).all()


@pytest.mark.parametrize("threshold", [0, -1.0, float("nan"), "1"])
def test_bad_thresholds_are_refused(threshold):
    with pytest.raises((ValueError, TypeError), match="threshold"):
        truncated_noise(4, 2, threshold)


def test_the_probabilities_agree_with_sampling():
    rng = np.random.default_rng(5)
    z = rng.standard_normal((200_000, 3))
    lengths = np.linalg.norm(z, axis=1)
    for radius in (0.5, 1.5, 3.0):
        p = noise_length_probability(3, radius)
        assert np.mean(lengths <= radius) == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / len(z)))
    p = box_probability(3, 1.0)
    assert np.mean(np.abs(z).max(axis=1) <= 1.0) == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / len(z)))
    for threshold in (0.3, 1.0, 2.5):
        sampled = truncated_noise(20_000, 16, threshold, seed=6)
        rms = math.sqrt(np.mean(np.sum(sampled.astype(np.float64) ** 2, axis=1)))
        assert rms == pytest.approx(truncated_rms_length(16, threshold), rel=0.01)
    assert truncated_rms_length(16, math.inf) == 4.0 and box_probability(16, math.inf) == 1.0


def test_truncated_noise_lies_where_training_noise_almost_never_goes():
    """The numbers of the module docstring, for chapter 6's 64-dimensional noise: truncated
    at c <= 1 the noise is 2.3 to 4.3 long (root mean square), training noise is about 8
    long and shorter than 4.3 with probability below 5e-9, in the cube [-1, 1]^64 with
    probability 2.5e-11."""
    chi = stats.chi(64)
    assert chi.mean() == pytest.approx(7.97, abs=0.01) and chi.std() == pytest.approx(0.71, abs=0.01)
    half, one = truncated_rms_length(64, 0.5), truncated_rms_length(64, 1.0)
    assert half == pytest.approx(2.27, abs=0.01) and one == pytest.approx(4.32, abs=0.01)
    assert noise_length_probability(64, one) == pytest.approx(4.91e-9, rel=0.01)
    assert noise_length_probability(64, one) < 5e-9
    assert noise_length_probability(64, 4.0) == pytest.approx(1.33e-10, rel=0.01)
    assert box_probability(64, 1.0) == pytest.approx(2.46e-11, rel=0.01)
    # the sampled truncated noise agrees: 99.9% of its lengths are below 5.2 at c = 1,
    # a length training noise reaches with probability about 1e-5
    lengths = np.linalg.norm(truncated_noise(20_000, 64, 1.0, seed=7), axis=1)
    assert np.quantile(lengths, 0.999) < 5.2 and noise_length_probability(64, 5.2) < 2e-5


@pytest.mark.parametrize("call, argument", [
    (lambda: noise_length_probability(64, -1.0), "radius"),
    (lambda: noise_length_probability(0, 1.0), "noise_dim"),
    (lambda: box_probability(64, 0.0), "threshold"),
    (lambda: truncated_rms_length(64, float("nan")), "threshold"),
])
def test_bad_arguments_of_the_probabilities_are_refused(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()

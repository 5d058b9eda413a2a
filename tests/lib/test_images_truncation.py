"""The truncation trick's noise: inside the threshold, with the truncated normal's moments,
seeded, and refusing bad thresholds."""

import math

import numpy as np
import pytest
from scipy import stats

from gan_lib.images.truncation import truncated_noise


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

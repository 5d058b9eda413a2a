"""gan_lib.toy.data: toy samplers."""

import numpy as np
import pytest

from gan_lib.probability import Gaussian, GaussianMixture
from gan_lib.toy import data, metrics


def test_sampler_1d_shape_dtype_and_moments():
    sample = data.sampler_1d(Gaussian(1.0, 2.0))
    x = sample(50_000, np.random.default_rng(0))
    assert x.shape == (50_000, 1) and x.dtype == np.float32
    assert abs(x.mean() - 1.0) < 0.05 and abs(x.std() - 2.0) < 0.05


def test_sampler_1d_mixture_weights():
    mixture = GaussianMixture((0.25, 0.75), (-3.0, 3.0), (0.5, 0.5))
    x = data.sampler_1d(mixture)(40_000, 1)
    assert abs((x < 0).mean() - 0.25) < 0.01
    assert abs(x[x > 0].mean() - 3.0) < 0.02 and abs(x[x > 0].std() - 0.5) < 0.02


def test_samplers_are_reproducible_from_a_seed_or_a_generator():
    for sample in (data.sampler_1d(Gaussian(0, 1)), data.ring_sampler()):
        np.testing.assert_array_equal(sample(100, 7), sample(100, np.random.default_rng(7)))
        assert not np.array_equal(sample(100, 7), sample(100, 8))


def test_ring_centers_lie_on_the_circle_evenly_spaced():
    centers = data.ring_centers(8, 2.0)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2.0)
    np.testing.assert_allclose(centers[0], [2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(np.diff(centers, axis=0), axis=1), 4 * np.sin(np.pi / 8))
    with pytest.raises(ValueError, match="radius must be a positive number"):
        data.ring_centers(8, 0.0)


def test_ring_sampler_modes_and_spread():
    centers = data.ring_centers()
    x = data.ring_sampler()(8000, np.random.default_rng(0))
    assert x.shape == (8000, 2) and x.dtype == np.float32
    nearest = np.linalg.norm(x[:, None] - centers, axis=2).argmin(1)
    assert np.all(np.abs(np.bincount(nearest, minlength=8) / 8000 - 1 / 8) < 0.015)
    residual = x - centers[nearest]
    assert abs(residual.std() - 0.02) < 0.001 and np.all(np.abs(residual.mean(0)) < 0.002)
    coverage = metrics.mode_coverage(x, centers, std=0.02)
    # Within 3 std in 2-D: P(chi^2_2 <= 9) = 1 - exp(-4.5) = 0.9889.
    assert coverage.modes_covered == 8 and abs(coverage.high_quality_fraction - (1 - np.exp(-4.5))) < 0.004


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="std must be a positive number"):
        data.ring_sampler(std=0)
    with pytest.raises(TypeError, match="Gaussian or GaussianMixture"):
        data.sampler_1d("normal")
    with pytest.raises(ValueError, match="n must be a positive integer"):
        data.ring_sampler()(0, 1)
    with pytest.raises(TypeError, match="rng must be"):
        data.sampler_1d(Gaussian(0, 1))(5, "seed")

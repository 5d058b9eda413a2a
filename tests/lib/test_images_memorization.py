"""gan_lib.images.memorization: nearest training images, checked against brute force."""

import numpy as np
import pytest

from gan_lib.images import memorization


def test_nearest_training_image_matches_brute_force_across_chunks():
    rng = np.random.default_rng(0)
    reference = rng.uniform(-1, 1, (37, 28, 28, 1)).astype(np.float32)
    images = rng.uniform(-1, 1, (23, 28, 28, 1)).astype(np.float32)
    brute = np.linalg.norm(images.reshape(23, 1, -1).astype(np.float64)
                           - reference.reshape(1, 37, -1), axis=2)
    for chunk in (1, 5, 500):
        index, distance = memorization.nearest_training_image(images, reference, chunk=chunk)
        np.testing.assert_array_equal(index, brute.argmin(1))
        np.testing.assert_allclose(distance, brute.min(1), rtol=1e-12)


def test_a_copy_is_at_distance_zero_and_found():
    rng = np.random.default_rng(1)
    reference = rng.uniform(-1, 1, (50, 28, 28, 1)).astype(np.float32)
    index, distance = memorization.nearest_training_image(reference[[7, 3]], reference)
    np.testing.assert_array_equal(index, [7, 3])
    assert distance.max() < 1e-5


def test_share_closer_than_real_is_the_quantile_for_lookalikes_and_one_for_copies():
    rng = np.random.default_rng(2)
    real = rng.uniform(5, 10, 100_000)
    lookalike = rng.uniform(5, 10, 100_000)
    assert memorization.share_closer_than_real(lookalike, real) == pytest.approx(0.05, abs=0.005)
    assert memorization.share_closer_than_real(np.zeros(10), real) == 1.0
    assert memorization.share_closer_than_real(real + 10, real) == 0.0


def test_bad_inputs_are_rejected():
    images = np.zeros((2, 28, 28, 1))
    with pytest.raises(ValueError, match="same image shape"):
        memorization.nearest_training_image(images, np.zeros((2, 14, 14, 1)))
    with pytest.raises(ValueError):
        memorization.nearest_training_image(images, images, chunk=0)
    with pytest.raises(ValueError):
        memorization.share_closer_than_real([1.0], [1.0], quantile=1.5)

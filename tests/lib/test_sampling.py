"""gan_lib.sampling: seeded noise, sampling a generator, slerp (with its guards at w -> 0 and
w = pi) and interpolation paths."""

import numpy as np
import pytest
from tensorflow import keras

from gan_lib import sampling


def test_noise_is_seeded_standard_normal_float32():
    z = sampling.noise(1000, 4, seed=3)
    assert z.shape == (1000, 4) and z.dtype == np.float32
    np.testing.assert_array_equal(z, np.random.default_rng(3).standard_normal((1000, 4)).astype(np.float32))
    np.testing.assert_array_equal(z, sampling.noise(1000, 4, seed=np.random.default_rng(3)))
    assert abs(z.mean()) < 0.1 and abs(z.std() - 1) < 0.1
    with pytest.raises(ValueError, match="n must be a positive integer"):
        sampling.noise(0, 4, seed=0)
    with pytest.raises(TypeError, match="seed"):
        sampling.noise(4, 4, seed=None)


def linear_generator(conditional=False):
    keras.utils.set_random_seed(0)
    z = keras.Input((3,))
    if not conditional:
        return keras.Model(z, keras.layers.Dense(2)(z))
    y = keras.Input((), dtype="int32")
    code = keras.layers.Embedding(4, 2)(y)
    return keras.Model([z, y], keras.layers.Dense(2)(keras.layers.Concatenate()([z, code])))


def test_sample_calls_the_generator_in_batches_with_labels():
    G = linear_generator()
    z = sampling.noise(7, 3, seed=1)
    np.testing.assert_allclose(sampling.sample(G, z, batch_size=3), G(z).numpy(), rtol=1e-6)
    C = linear_generator(conditional=True)
    labels = np.arange(7) % 4
    got = sampling.sample(C, z, labels)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, C([z, labels]).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="labels must be 7 integers"):
        sampling.sample(C, z, labels[:6])
    with pytest.raises(ValueError, match="z must be a 2-D array"):
        sampling.sample(G, z[0])


def test_slerp_follows_the_great_circle():
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal(64), rng.standard_normal(64)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)  # equal norms: the path stays on their sphere
    np.testing.assert_allclose(sampling.slerp(z0, z1, 0.0), z0, atol=1e-12)
    np.testing.assert_allclose(sampling.slerp(z0, z1, 1.0), z1, atol=1e-12)
    for t in np.linspace(0, 1, 11):
        assert np.linalg.norm(sampling.slerp(z0, z1, t)) == pytest.approx(np.linalg.norm(z0), rel=1e-12)
    # the straight line's midpoint is shorter, which is why walks use slerp
    assert np.linalg.norm((z0 + z1) / 2) < 0.9 * np.linalg.norm(z0)


@pytest.mark.parametrize("angle", [0.0, 1e-9, 1e-7, 1e-5])
def test_slerp_at_a_vanishing_angle_is_the_straight_line(angle):
    z0 = np.array([1.0, 0.0, 0.0])
    z1 = 2.0 * np.array([np.cos(angle), np.sin(angle), 0.0])
    for t in (0.0, 0.3, 1.0):
        got = sampling.slerp(z0, z1, t)
        assert np.isfinite(got).all()
        # within O(angle^2) of the straight line, the limit of slerp as the angle goes to 0
        np.testing.assert_allclose(got, (1 - t) * z0 + t * z1, atol=1e-9 + 10 * angle**2)


def test_slerp_between_opposite_vectors_is_an_error_and_near_them_finite():
    z0 = np.array([1.0, 2.0, -0.5])
    with pytest.raises(ValueError, match="opposite directions"):
        sampling.slerp(z0, -z0, 0.5)
    tilt = np.array([2.0, -1.0, 0.0]) * 1e-3  # orthogonal to z0: an angle of about pi - 1e-3
    path = [sampling.slerp(z0, -z0 + tilt, t) for t in np.linspace(0, 1, 5)]
    assert np.isfinite(path).all()
    with pytest.raises(ValueError, match="non-zero"):
        sampling.slerp(z0, np.zeros(3), 0.5)
    with pytest.raises(ValueError, match="t must be"):
        sampling.slerp(z0, z0, 1.5)


def test_interpolate_gives_the_paths_of_each_pair_in_turn():
    ends = np.random.default_rng(5).standard_normal((3, 2, 8)).astype(np.float32)
    path = sampling.interpolate(ends, 10)
    assert path.shape == (30, 8) and path.dtype == np.float32
    np.testing.assert_allclose(path[0], ends[0, 0], atol=1e-6)
    np.testing.assert_allclose(path[19], ends[1, 1], atol=1e-6)
    expected = np.stack([sampling.slerp(a, b, t) for a, b in ends for t in np.linspace(0, 1, 10)])
    np.testing.assert_array_equal(path, expected.astype(np.float32))
    with pytest.raises(ValueError, match="pairs"):
        sampling.interpolate(ends[:, :1], 10)

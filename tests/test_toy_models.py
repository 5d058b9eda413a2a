"""gan_lib.toy.models: toy MLP generator and discriminator, PacGAN packing."""

import numpy as np
import pytest

from gan_lib.toy import models


def test_mlp_shapes():
    G = models.mlp_generator(4, 2, hidden=(8, 8))
    D = models.mlp_discriminator(2, hidden=(8,))
    x = G(np.zeros((5, 4), np.float32))
    assert tuple(x.shape) == (5, 2) and tuple(D(x).shape) == (5, 1)
    assert G.input_shape == (None, 4) and D.output_shape == (None, 1)
    assert len([w for w in G.trainable_weights if w.ndim == 2]) == 3  # two hidden layers + output


def test_discriminator_returns_logits_not_probabilities():
    D = models.mlp_discriminator(1, hidden=(4,))
    logits = D(np.linspace(-100, 100, 11, dtype=np.float32)[:, None]).numpy()
    assert logits.min() < 0 or logits.max() > 1  # a sigmoid output could not leave [0, 1]


def test_packing_judges_groups_of_samples():
    D = models.mlp_discriminator(2, hidden=(8,), pack=4)
    assert tuple(D(np.zeros((8, 2), np.float32)).shape) == (2, 1)
    packed = models.Pack(2)(np.arange(8, dtype=np.float32).reshape(4, 2)).numpy()
    np.testing.assert_array_equal(packed, [[0, 1, 2, 3], [4, 5, 6, 7]])


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: models.mlp_generator(0, 1), "noise_dim must be a positive integer"),
        (lambda: models.mlp_generator(2, 1, hidden=(8, 0)), r"hidden\[1\] must be a positive integer"),
        (lambda: models.mlp_discriminator(2.5), "input_dim must be a positive integer"),
        (lambda: models.mlp_discriminator(2, pack=0), "pack must be a positive integer"),
    ],
)
def test_bad_dimensions_are_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_minibatch_std_feature_is_the_mean_spread_of_the_batch():
    h = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]], np.float32)
    out = models.MinibatchStdDev()(h).numpy()
    expected = (np.std(h[:, 0]) + np.sqrt(1e-8)) / 2  # feature 0 spreads, feature 1 does not
    assert out.shape == (3, 3)
    np.testing.assert_allclose(out[:, :2], h)
    np.testing.assert_allclose(out[:, 2], expected, rtol=1e-5)


def test_discriminator_with_minibatch_std_tells_collapsed_batches_apart():
    D = models.mlp_discriminator(2, hidden=(8, 8), minibatch_std=True)
    assert any(isinstance(layer, models.MinibatchStdDev) for layer in D.layers)
    rng = np.random.default_rng(0)
    varied = rng.standard_normal((16, 2)).astype(np.float32)
    collapsed = np.repeat(varied[:1], 16, axis=0)
    # The same first sample gets a different logit in a varied and in a collapsed batch.
    assert abs(float(D(varied)[0, 0]) - float(D(collapsed)[0, 0])) > 1e-4
    assert D(varied).shape == (16, 1)

"""gan_lib.losses against Keras' BCE, the probability-space formulas and extreme logits."""

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import losses

RNG = np.random.default_rng(0)
REAL = RNG.normal(1.0, 2.0, size=(64, 1)).astype(np.float32)
FAKE = RNG.normal(-1.0, 2.0, size=(64, 1)).astype(np.float32)
BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=np.float64)))


def test_discriminator_loss_equals_keras_bce_with_labels():
    expected = BCE(tf.ones_like(REAL), REAL) + BCE(tf.zeros_like(FAKE), FAKE)
    np.testing.assert_allclose(losses.minimax_discriminator_loss(REAL, FAKE), expected, rtol=1e-5)


def test_generator_losses_equal_keras_bce():
    np.testing.assert_allclose(
        losses.non_saturating_generator_loss(FAKE), BCE(tf.ones_like(FAKE), FAKE), rtol=1e-5
    )
    # minimax: E[log(1 - D(G(z)))] is minus the BCE of the fakes against label 0.
    np.testing.assert_allclose(
        losses.minimax_generator_loss(FAKE), -BCE(tf.zeros_like(FAKE), FAKE), rtol=1e-5
    )


def test_losses_equal_probability_space_formulas():
    d_real, d_fake = sigmoid(REAL), sigmoid(FAKE)
    v = np.mean(np.log(d_real)) + np.mean(np.log(1 - d_fake))
    np.testing.assert_allclose(losses.minimax_discriminator_loss(REAL, FAKE), -v, rtol=1e-5)
    np.testing.assert_allclose(
        losses.minimax_generator_loss(FAKE), np.mean(np.log(1 - d_fake)), rtol=1e-5
    )
    np.testing.assert_allclose(
        losses.non_saturating_generator_loss(FAKE), -np.mean(np.log(d_fake)), rtol=1e-5
    )


def test_values_at_equilibrium_d_one_half():
    zero = np.zeros((8, 1), np.float32)
    assert float(losses.minimax_discriminator_loss(zero, zero)) == pytest.approx(np.log(4), rel=1e-6)
    assert float(losses.minimax_generator_loss(zero)) == pytest.approx(-np.log(2), rel=1e-6)
    assert float(losses.non_saturating_generator_loss(zero)) == pytest.approx(np.log(2), rel=1e-6)


@pytest.mark.parametrize("magnitude", [100.0, 1e4])
def test_finite_values_and_gradients_for_extreme_logits(magnitude):
    logits = tf.constant([[-magnitude], [magnitude], [0.0]], tf.float32)
    for loss in (
        lambda x: losses.minimax_discriminator_loss(x, x),
        losses.minimax_generator_loss,
        losses.non_saturating_generator_loss,
    ):
        with tf.GradientTape() as tape:
            tape.watch(logits)
            value = loss(logits)
        gradient = tape.gradient(value, logits)
        assert np.isfinite(value.numpy()), f"loss not finite at +-{magnitude}"
        assert np.isfinite(gradient.numpy()).all(), f"gradient not finite at +-{magnitude}"
    # A confidently wrong discriminator pays about |logit| nats, not infinity.
    wrong = losses.minimax_discriminator_loss([[-magnitude]], [[magnitude]])
    assert float(wrong) == pytest.approx(2 * magnitude, rel=1e-6)


def test_saturating_gradient_vanishes_where_non_saturating_does_not():
    logit = tf.constant([[-10.0]])  # D(G(z)) = sigmoid(-10), about 4.5e-5
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logit)
        minimax = losses.minimax_generator_loss(logit)
        non_saturating = losses.non_saturating_generator_loss(logit)
    g_minimax = float(tape.gradient(minimax, logit)[0, 0])  # -sigmoid(l)
    g_ns = float(tape.gradient(non_saturating, logit)[0, 0])  # -(1 - sigmoid(l))
    assert g_minimax == pytest.approx(-sigmoid(-10.0), rel=1e-4)
    assert g_ns == pytest.approx(-(1 - sigmoid(-10.0)), rel=1e-4)
    assert abs(g_ns / g_minimax) > 1e4


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="same shape"):
        losses.minimax_discriminator_loss(np.zeros((4, 1), np.float32), np.zeros((4, 2), np.float32))


def test_non_numeric_logits_and_unknown_kind_are_errors():
    with pytest.raises(TypeError, match="real_logits must be a tensor of real-valued logits"):
        losses.minimax_discriminator_loss(["a"], [0.0])
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.objective("wasserstein_gp")
    assert losses.objective("minimax").generator_loss is losses.minimax_generator_loss


def test_wasserstein_without_penalty_leaves_the_critic_unconstrained():
    """gp_weight = 0 adds no penalty (documented: sound only with a Lipschitz constraint
    elsewhere): scaling the critic's outputs by k scales its loss by k, without bound."""
    free = losses.objective("wasserstein", gp_weight=0)
    assert free.penalty is None
    assert losses.objective("wasserstein").penalty is not None
    real, fake = tf.constant([[1.0], [2.0]]), tf.constant([[0.0], [0.5]])
    loss = float(free.discriminator_loss(real, fake))
    assert loss < 0
    for k in (10.0, 1e3):
        assert float(free.discriminator_loss(k * real, k * fake)) == pytest.approx(k * loss)



def test_f_gan_needs_its_divergence():
    with pytest.raises(ValueError, match=r"needs the option\(s\) \['divergence'\]"):
        losses.objective("f_gan")

"""The one-sided gradient penalty of Petzka, Fischer and Lukovnikov (2018) as the
``penalty="one_sided"`` option of the registered ``wasserstein`` game: closed forms on
linear critics, whose input gradient is the same everywhere, and the default unchanged."""

import numpy as np
import pytest
import tensorflow as tf

from gan_lib import losses

SEED = tf.constant([3, 4], tf.int64)
REAL = tf.random.stateless_normal((64, 2), seed=[1, 2])
FAKE = tf.random.stateless_normal((64, 2), seed=[5, 6]) + 1.0


def linear_critic(a):
    """f(x) = a . x: ||grad f|| = ||a|| at every point."""
    a = tf.Variable(np.asarray(a, np.float32))
    return a, lambda x: tf.reduce_sum(x * a, axis=1, keepdims=True)


@pytest.mark.parametrize("a", [[0.3, 0.4], [0.0, 0.9], [1.2, 1.6], [3.0, 0.0]])
@pytest.mark.parametrize("side", ["two_sided", "one_sided"])
def test_penalty_of_a_linear_critic_is_the_closed_form(a, side):
    norm = float(np.hypot(*a))
    excess = norm - 1 if side == "two_sided" else max(norm - 1, 0.0)
    _, critic = linear_critic(a)
    value = losses.gradient_penalty(critic, REAL, FAKE, SEED, 10.0, side)
    np.testing.assert_allclose(float(value), 10.0 * excess**2, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("a", [[0.3, 0.4], [1.2, 1.6]])
def test_one_sided_gradient_wrt_the_weights_is_zero_inside_the_ball(a):
    var, critic = linear_critic(a)
    norm = float(np.hypot(*a))
    with tf.GradientTape() as tape:
        value = losses.objective("wasserstein", gp_weight=10.0, penalty="one_sided").penalty(
            critic, REAL, FAKE, SEED)
    grad = tape.gradient(value, var).numpy()
    # d/da 10 max(0, |a| - 1)^2 = 20 max(0, |a| - 1) a / |a|
    expected = 20.0 * max(norm - 1, 0.0) * np.asarray(a) / norm
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)


def test_the_default_is_the_two_sided_penalty_and_its_name_unchanged():
    default = losses.objective("wasserstein")
    assert default.name == "wasserstein(gp_weight=10.0)"
    assert losses.GAMES["wasserstein"].options == {"gp_weight": 10.0, "penalty": "two_sided"}
    one_sided = losses.objective("wasserstein", penalty="one_sided")
    assert one_sided.name == "wasserstein(gp_weight=10.0, penalty=one_sided)"
    _, critic = linear_critic([0.3, 0.4])  # norm 0.5
    assert float(default.penalty(critic, REAL, FAKE, SEED)) == pytest.approx(2.5, rel=1e-5)
    assert float(one_sided.penalty(critic, REAL, FAKE, SEED)) == 0.0
    assert losses.objective("wasserstein", gp_weight=0.0, penalty="one_sided").penalty is None


def test_bad_sides_are_named():
    with pytest.raises(ValueError, match="penalty side must be one of"):
        losses.objective("wasserstein", penalty="both")
    with pytest.raises(TypeError, match="penalty must be one of"):
        losses.objective("wasserstein", penalty=1)
    _, critic = linear_critic([1.0, 0.0])
    with pytest.raises(ValueError, match="one_sided"):
        losses.gradient_penalty(critic, REAL, FAKE, SEED, 1.0, "upper")

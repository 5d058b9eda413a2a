"""The unrolled GAN of gan_lib.toy.unrolled (Metz et al. 2017): K = 0 is the ordinary
step, and the generator's gradient flows through the unrolled discriminator steps."""

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import training
from gan_lib.toy import models, unrolled


def _networks(seed=0):
    keras.utils.set_random_seed(seed)
    return models.mlp_generator(3, 2, hidden=(16,)), models.mlp_discriminator(2, hidden=(16,))


def _options(seed=0):
    return dict(noise_dim=3, generator_optimizer=keras.optimizers.Adam(1e-3),
                discriminator_optimizer=keras.optimizers.Adam(1e-3), seed=seed)


def _ring(n, rng):
    angles = rng.integers(0, 8, n) * np.pi / 4
    return np.stack([np.cos(angles), np.sin(angles)], 1) + 0.05 * rng.standard_normal((n, 2))


def _sample(n, rng):
    return _ring(n, rng).astype(np.float32)


def test_no_unrolling_is_the_ordinary_step_bit_for_bit():
    plain = training.GANTrainer(*_networks(), **_options())
    plain.fit(_sample, steps=15, batch_size=32, progress=False)
    zero = unrolled.UnrolledGANTrainer(*_networks(), unroll=0, unroll_learning_rate=0.1, **_options())
    zero.fit(_sample, steps=15, batch_size=32, progress=False)
    three = unrolled.UnrolledGANTrainer(*_networks(), unroll=3, unroll_learning_rate=0.1, **_options())
    three.fit(_sample, steps=15, batch_size=32, progress=False)
    for a, b in zip(plain.generator.get_weights(), zero.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(plain.discriminator.get_weights(), zero.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(plain.history.as_arrays()["g_loss"], zero.history.as_arrays()["g_loss"])
    # unrolling changes the generator's path
    assert max(np.abs(a - b).max() for a, b in
               zip(plain.generator.get_weights(), three.generator.get_weights())) > 1e-4


def test_make_trainer_builds_the_unrolled_trainer_only_when_asked():
    assert type(models.make_trainer(2, 3, seed=0)) is training.GANTrainer
    trainer = models.make_trainer(2, 3, seed=0, unroll=2, unroll_learning_rate=0.1)
    assert isinstance(trainer, unrolled.UnrolledGANTrainer) and trainer.unroll == 2


@pytest.fixture
def float64():
    """Networks in float64, so that a finite difference with a small step is accurate
    (LeakyReLU's kinks make the loss only piecewise smooth: the step must be small)."""
    policy = keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_dtype_policy(policy)
    keras.config.set_floatx("float32")


def _directional_derivatives(unroll, eta):
    """d/dh L_G^K(theta_G + h u) at h = 0 three ways: autodiff through the unrolled
    steps, a central finite difference, and autodiff with the unrolled D held fixed."""
    G, D = _networks(seed=3)
    dtype = G.trainable_variables[0].dtype
    trainer = unrolled.UnrolledGANTrainer(G, D, unroll=unroll, unroll_learning_rate=eta, **_options())
    rng = np.random.default_rng(5)
    real = tf.constant(_ring(64, rng), dtype)
    noise = tf.constant(rng.standard_normal((64, 3)), dtype)
    direction = [rng.standard_normal(w.shape).astype(dtype) for w in G.trainable_variables]
    start = [w.numpy() for w in G.trainable_variables]

    def loss_at(h):
        for w, w0, u in zip(G.trainable_variables, start, direction):
            w.assign(w0 + h * u)
        return float(unrolled.surrogate_generator_loss(trainer.players, real, noise, unroll, eta))

    loss_at(0.0)
    with tf.GradientTape() as tape:
        loss = unrolled.surrogate_generator_loss(trainer.players, real, noise, unroll, eta)
    grads = tape.gradient(loss, G.trainable_variables)
    through = sum(float(tf.reduce_sum(g * u)) for g, u in zip(grads, direction))

    with tf.GradientTape() as tape:
        fake = G(noise, training=True)
        weights, fixed = unrolled.unrolled_discriminator(trainer.players, real, fake, unroll, eta)
        weights = [tf.stop_gradient(w) for w in weights]
        logits, _ = D.stateless_call(weights, fixed, fake, training=True)
        held = trainer.objective.generator_loss(logits)
    grads = tape.gradient(held, G.trainable_variables)
    fixed_d = sum(float(tf.reduce_sum(g * u)) for g, u in zip(grads, direction))

    h = 1e-6
    finite = (loss_at(h) - loss_at(-h)) / (2 * h)
    return through, finite, fixed_d


@pytest.mark.parametrize("unroll", [1, 3])
def test_gradient_flows_through_the_unrolled_steps(unroll, float64):
    through, finite, fixed_d = _directional_derivatives(unroll, eta=0.1)
    # autodiff through the K SGD steps matches a finite difference of L_G^K ...
    assert abs(through - finite) <= 1e-6 * abs(finite), (through, finite)
    # ... and differs clearly from the gradient with the unrolled D held fixed
    assert abs(fixed_d - finite) > 1e-2 * abs(finite), (fixed_d, finite)


def test_one_unrolled_step_with_no_step_size_is_the_ordinary_gradient(float64):
    through, finite, fixed_d = _directional_derivatives(1, eta=1e-12)
    assert abs(through - fixed_d) <= 1e-5 * abs(fixed_d)


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(unroll=-1, unroll_learning_rate=0.1), "unroll"),
        (dict(unroll=1.5, unroll_learning_rate=0.1), "unroll"),
        (dict(unroll=2, unroll_learning_rate=0.0), "unroll_learning_rate"),
        (dict(unroll=2, unroll_learning_rate=0.1, d_steps=2), "d_steps"),
        (dict(unroll=2, unroll_learning_rate=0.1, num_classes=3), "num_classes"),
        (dict(unroll=2, unroll_learning_rate=0.1, ema_decay=0.99), "ema_decay"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises((ValueError, TypeError), match=message):
        unrolled.UnrolledGANTrainer(*_networks(), **options, **_options())


def _gaussian_objectives(mean, std):
    """For p_data = N(0, 1) and q = N(mean, std^2), by quadrature on a grid (numpy,
    independent of TensorFlow): KL(q || p_data) - 2 JS(p_data, q), what a step against
    the optimal discriminator held fixed descends (Arjovsky and Bottou 2017, Thm 2.5),
    and int q log((p_data + q) / p_data) = E_q[-log D*_q], the non-saturating loss at
    the optimal discriminator of q itself, which unrolling tends to as K grows."""
    from scipy import special, stats

    x = np.linspace(-15.0, 15.0, 30_001)
    p, q = stats.norm.pdf(x), stats.norm.pdf(x, mean, std)
    m = (p + q) / 2
    js = 0.5 * np.sum(special.rel_entr(p, m) + special.rel_entr(q, m))
    kl = np.sum(special.rel_entr(q, p))
    limit = np.sum(q * (np.log(p + q) - np.log(p)))
    return np.array([kl - 2 * js, limit]) * (x[1] - x[0])


def test_unrolling_to_convergence_descends_the_loss_at_the_moving_optimal_discriminator(float64):
    """G(z) = mean + std z against D(x) = sigmoid(w0 + w1 x + w2 x^2), which can be exactly
    D* = p_data / (p_data + q) for p_data = N(0, 1). Unrolled from D* far enough that the
    inner steps converge, the gradient through them is the gradient of
    int q log((p_data + q) / p_data) = log 2 + D_f(q || p_data), f(u) = u log((1 + u)/2),
    not of KL(q || p_data) - 2 JS: with D held fixed it is the latter (the two differ by
    +E_data[log D*_q] + log 4, which depends on q). Expectations over the batch are exact
    up to quantization: real data and noise are the standard normal's n quantiles."""
    from scipy import stats

    mean, std, n = 0.5, 1.2, 4_000
    z = stats.norm.ppf((np.arange(n) + 0.5) / n)[:, None]
    G = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    G.set_weights([np.array([[std]]), np.array([mean])])
    D = keras.Sequential([keras.Input((1,)),
                          keras.layers.Lambda(lambda x: tf.concat([x, x ** 2], -1)),
                          keras.layers.Dense(1)])
    # log D*/(1 - D*) = log p_data - log q, quadratic in x
    D.set_weights([np.array([[-mean / std**2], [0.5 / std**2 - 0.5]]),
                   np.array([mean**2 / (2 * std**2) + np.log(std)])])
    # the inner steps contract by max |1 - eta lambda| = 0.88 (Hessian eigenvalues 0.28 to 2.0)
    unroll, eta = 150, 0.45
    trainer = unrolled.UnrolledGANTrainer(G, D, unroll=unroll, unroll_learning_rate=eta,
                                          **{**_options(), "noise_dim": 1})
    real, noise = tf.constant(z), tf.constant(z)

    with tf.GradientTape() as tape:
        loss = unrolled.surrogate_generator_loss(trainer.players, real, noise, unroll, eta)
    # G's weights are (std,) and (mean,): the gradient in (std, mean)
    through = [float(tf.reshape(g, [])) for g in tape.gradient(loss, G.trainable_variables)]
    with tf.GradientTape() as tape:
        fake = G(noise, training=True)
        weights, fixed = unrolled.unrolled_discriminator(trainer.players, real, fake, unroll, eta)
        logits, _ = D.stateless_call([tf.stop_gradient(w) for w in weights], fixed, fake)
        held = trainer.objective.generator_loss(logits)
    fixed_d = [float(tf.reshape(g, [])) for g in tape.gradient(held, G.trainable_variables)]

    # d/d std and d/d mean by central differences
    h = 1e-5
    slopes = np.array([
        (_gaussian_objectives(mean, std + h) - _gaussian_objectives(mean, std - h)) / (2 * h),
        (_gaussian_objectives(mean + h, std) - _gaussian_objectives(mean - h, std)) / (2 * h),
    ])  # rows: std, mean; columns: KL - 2 JS, the limit
    np.testing.assert_allclose(float(loss), _gaussian_objectives(mean, std)[1], rtol=1e-3)
    np.testing.assert_allclose(through, slopes[:, 1], rtol=5e-3)
    np.testing.assert_allclose(fixed_d, slopes[:, 0], rtol=5e-3)
    # the two limits are far apart compared with the tolerance
    assert np.all(np.abs(slopes[:, 1] - slopes[:, 0]) > 0.1 * np.abs(slopes[:, 1]))

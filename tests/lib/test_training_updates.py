"""GANTrainer's two updates: Algorithm 1 (alternating) and the simultaneous update."""

import functools
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import losses, train_step, training

RATE = 0.1


@pytest.fixture
def make_trainer(make_trainer):
    """The shared trainer with SGD(RATE) for both networks, so one update is w - RATE * gradient."""
    return functools.partial(make_trainer, optimizer=lambda: keras.optimizers.SGD(RATE))


def sgd_step(model, gradients):
    return [w - RATE * g.numpy() for w, g in zip(model.get_weights(), gradients)]


def gradients_at(G, D, objective, real, noise):
    """Both players' gradients at the current weights, from one batch of fakes."""
    with tf.GradientTape(persistent=True) as tape:
        fake_logits = D(G(noise, training=True), training=True)
        d_loss = objective.discriminator_loss(D(real, training=True), fake_logits)
        g_loss = objective.generator_loss(fake_logits)
    return (tape.gradient(d_loss, D.trainable_variables), tape.gradient(g_loss, G.trainable_variables),
            float(d_loss), float(g_loss))


def test_simultaneous_step_takes_both_gradients_before_either_network_moves(make_trainer, sampler):
    """With plain SGD, one simultaneous step moves D and G by -rate x their gradients at the
    old weights; Algorithm 1's G step (same noise) is taken through the new D instead."""
    trainer = make_trainer()
    G, D, objective = trainer.generator, trainer.discriminator, trainer.objective
    rng = np.random.default_rng(1)
    real = tf.constant(sampler(16, rng), tf.float32)
    noise = tf.constant(rng.standard_normal((16, 3)), tf.float32)
    start_g, start_d = G.get_weights(), D.get_weights()
    d_grads, g_grads, d_loss, g_loss = gradients_at(G, D, objective, real, noise)
    want_d, want_g = sgd_step(D, d_grads), sgd_step(G, g_grads)
    D.set_weights(want_d)  # Algorithm 1: G's gradient through the updated D
    alternating_g = sgd_step(G, gradients_at(G, D, objective, real, noise)[1])
    D.set_weights(start_d)

    record = train_step.simultaneous_step(trainer.players, 0, 0, [real], None, [noise])
    assert float(record["d_loss"]) == pytest.approx(d_loss, rel=1e-6)
    assert float(record["g_loss"]) == pytest.approx(g_loss, rel=1e-6)
    for got, want in zip(D.get_weights() + G.get_weights(), want_d + want_g):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    assert not all(np.allclose(a, b) for a, b in zip(G.get_weights(), alternating_g))

    G.set_weights(start_g)
    D.set_weights(start_d)
    train_step.train_step(trainer.players, 0, 0, [real], None, [noise, noise])
    for got, want in zip(D.get_weights() + G.get_weights(), want_d + alternating_g):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_simultaneous_training_does_not_depend_on_how_steps_are_grouped(make_trainer, sampler, tmp_path: Path):
    one = make_trainer(update="simultaneous")
    one.fit(sampler, steps=20, batch_size=16, progress=False, steps_per_call=20)
    chunked = make_trainer(update="simultaneous")
    chunked.fit(sampler, steps=20, batch_size=16, progress=False, steps_per_call=3)
    assert one.history.d_loss == chunked.history.d_loss and one.history.g_loss == chunked.history.g_loss
    first = make_trainer(update="simultaneous")
    first.fit(sampler, steps=7, batch_size=16, progress=False, checkpoint_dir=tmp_path, steps_per_call=4)
    resumed = make_trainer(seed=0, update="simultaneous")
    resumed.fit(sampler, steps=20, batch_size=16, progress=False, checkpoint_dir=tmp_path, steps_per_call=4)
    assert resumed.history.d_loss == one.history.d_loss
    for got, want in zip(resumed.generator.get_weights(), one.generator.get_weights()):
        np.testing.assert_array_equal(got, want)
    alternating = make_trainer().fit(sampler, steps=20, batch_size=16, progress=False)
    assert alternating.d_loss[0] == one.history.d_loss[0]  # the same first D batch and noise
    assert alternating.g_loss[0] != one.history.g_loss[0]  # G: other noise, through the new D


def test_simultaneous_update_with_labels_a_penalty_augmentation_and_ema():
    seen = []

    def jitter(x, seed):
        tf.py_function(lambda s: seen.append(tuple(s.numpy())), [seed], [])
        return x + 0.1 * tf.random.stateless_normal(tf.shape(x), seed)

    def trainer():
        keras.utils.set_random_seed(0)
        z, y = keras.Input((3,)), keras.Input((), dtype="int32")
        G = keras.Model([z, y], keras.layers.Dense(1)(
            keras.layers.Concatenate()([z, keras.layers.CategoryEncoding(2, "one_hot")(y)])))
        x, y = keras.Input((1,)), keras.Input((1,), dtype="int32")
        D = keras.Model([x, y], keras.layers.Dense(1)(keras.layers.Dense(8, "tanh")(
            keras.layers.Concatenate()([x, keras.layers.CategoryEncoding(2, "one_hot")(y)]))))
        return training.GANTrainer(G, D, noise_dim=3, num_classes=2, objective=losses.objective("wasserstein"),
                                   augment=jitter, ema_decay=0.9, update="simultaneous",
                                   generator_optimizer=keras.optimizers.Adam(1e-3),
                                   discriminator_optimizer=keras.optimizers.Adam(1e-3))

    rng = np.random.default_rng(0)
    pairs = (rng.normal(size=(64, 1)).astype(np.float32), rng.integers(0, 2, 64))
    first = trainer().fit(pairs, steps=6, batch_size=8, progress=False)
    assert len(seen) == 12 and len(set(seen)) == 12  # per step: D's real and fake batch
    second = trainer().fit(pairs, steps=6, batch_size=8, progress=False)
    assert first.d_loss == second.d_loss and all(p > 0 for p in first.d_penalty)
    assert np.all(np.isfinite(first.as_arrays()["g_loss"]))


def test_simultaneous_training_moves_the_generator_towards_the_data(make_trainer, sampler):
    trainer = make_trainer(update="simultaneous", generator_optimizer=keras.optimizers.Adam(1e-3),
                           discriminator_optimizer=keras.optimizers.Adam(1e-3))
    trainer.fit(sampler, steps=600, batch_size=128, progress=False)
    x = trainer.generator(np.random.default_rng(0).standard_normal((2000, 3)).astype(np.float32))
    assert abs(float(np.mean(x)) - 2.0) < 0.5, float(np.mean(x))


def test_bad_updates_are_refused(make_trainer):
    with pytest.raises(ValueError, match="update must be one of"):
        make_trainer(update="both")
    with pytest.raises(ValueError, match="d_steps=1"):
        make_trainer(update="simultaneous", d_steps=2)

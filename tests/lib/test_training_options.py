"""GANTrainer options added for chapter 6: generator EMA, label smoothing, DiffAugment, time limit."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import losses


def test_ema_follows_its_recursion(make_trainer, sampler):
    trainer = make_trainer(ema_decay=0.5)
    initial = [w.copy() for w in trainer.generator.get_weights()]
    np.testing.assert_array_equal(trainer.ema_generator.get_weights()[0], initial[0])
    snapshots = []
    trainer.fit(sampler, steps=12, batch_size=16, progress=False, callback_every=1,
                callbacks=[lambda t, s: snapshots.append(t.generator.get_weights())])
    expected = initial
    for t, weights in enumerate(snapshots, start=1):
        beta = min(0.5, (1 + t) / (10 + t))  # t = generator updates so far
        expected = [beta * e + (1 - beta) * w for e, w in zip(expected, weights)]
    for got, want in zip(trainer.ema_generator.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(trainer.ema_generator.get_weights()[0], snapshots[-1][0])


def test_ema_is_checkpointed_and_resumed(make_trainer, sampler, tmp_path: Path):
    reference = make_trainer(ema_decay=0.9)
    reference.fit(sampler, steps=20, batch_size=16, progress=False)
    first = make_trainer(ema_decay=0.9)
    first.fit(sampler, steps=10, batch_size=16, progress=False, checkpoint_dir=tmp_path)
    resumed = make_trainer(seed=0, ema_decay=0.9)
    resumed.ema_generator.set_weights([w + 1 for w in resumed.ema_generator.get_weights()])
    resumed.fit(sampler, steps=20, batch_size=16, progress=False, checkpoint_dir=tmp_path)
    for got, want in zip(resumed.ema_generator.get_weights(), reference.ema_generator.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_smoothed_discriminator_loss_is_bce_with_target_real_label(make_trainer):
    real, fake = np.array([[2.0], [-1.0], [0.3]]), np.array([[0.5], [-3.0], [1.0]])
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected = bce(np.full((3, 1), 0.9), real) + bce(np.zeros((3, 1)), fake)
    assert float(losses.minimax_discriminator_loss(real, fake, real_label=0.9)) == pytest.approx(float(expected), rel=1e-5)
    # Its minimizer over D(x) for one real logit is D = 0.9, i.e. logit log(9).
    logit = tf.Variable([[0.0]])
    optimizer = keras.optimizers.SGD(1.0)
    for _ in range(300):
        with tf.GradientTape() as tape:
            loss = losses.minimax_discriminator_loss(logit, tf.constant([[-30.0]]), real_label=0.9)
        optimizer.apply_gradients([(tape.gradient(loss, logit), logit)])
    assert float(tf.sigmoid(logit[0, 0])) == pytest.approx(0.9, abs=1e-3)
    with pytest.raises(ValueError, match="real_label"):
        losses.minimax_discriminator_loss(real, fake, real_label=0.3)
    with pytest.raises(ValueError, match="real_label"):
        make_trainer(objective=losses.objective("minimax", real_label=1.5))


def test_augment_sees_every_discriminator_input_with_distinct_seeds(make_trainer, sampler):
    seen = []

    def augment(x, seed):
        tf.py_function(lambda s: seen.append(tuple(s.numpy())), [seed], [])
        return x + 0.0

    trainer = make_trainer(augment=augment, d_steps=2)
    trainer.fit(sampler, steps=3, batch_size=8, progress=False)
    # Per step: 2 discriminator updates x (real, fake) + 1 generator update = 5 calls.
    assert len(seen) == 15 and len(set(seen)) == 15


def test_augmented_training_is_reproducible(make_trainer, sampler):
    def jitter(x, seed):
        return x + 0.1 * tf.random.stateless_normal(tf.shape(x), seed)

    first = make_trainer(augment=jitter).fit(sampler, steps=10, batch_size=16, progress=False).as_arrays()
    second = make_trainer(augment=jitter).fit(sampler, steps=10, batch_size=16, progress=False).as_arrays()
    np.testing.assert_array_equal(first["d_loss"], second["d_loss"])
    plain = make_trainer().fit(sampler, steps=10, batch_size=16, progress=False).as_arrays()
    assert not np.array_equal(first["d_loss"], plain["d_loss"])
    with pytest.raises(TypeError, match="augment"):
        make_trainer(augment="flip")


def test_max_seconds_stops_training_and_runs_callbacks_at_the_end(make_trainer, sampler):
    trainer = make_trainer()
    trainer.fit(sampler, steps=2, batch_size=8, progress=False)  # compile first
    seen = []
    history = trainer.fit(sampler, steps=10**7, batch_size=8, progress=False, max_seconds=1.0,
                          callbacks=[lambda t, s: seen.append(s)], callback_every=10**6)
    assert 2 < len(history) < 10**7
    assert seen == [trainer.step]
    with pytest.raises(ValueError, match="max_seconds"):
        trainer.fit(sampler, steps=5, batch_size=8, max_seconds=0)


def test_ema_with_a_strategy_of_two_logical_cpus():
    script = textwrap.dedent(
        """
        import numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from tensorflow import keras
        from gan_lib.toy import data, models
        from gan_lib import training
        from gan_lib.probability import Gaussian
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            G, D = models.mlp_generator(3, 1, hidden=(16,)), models.mlp_discriminator(1, hidden=(16,))
            trainer = training.GANTrainer(G, D, noise_dim=3, strategy=strategy, ema_decay=0.9,
                generator_optimizer=keras.optimizers.Adam(1e-3), discriminator_optimizer=keras.optimizers.Adam(1e-3))
        before = trainer.ema_generator.get_weights()[0].copy()
        trainer.fit(data.sampler_1d(Gaussian(2.0, 0.5)), steps=10, batch_size=32, progress=False)
        after = trainer.ema_generator.get_weights()[0]
        assert not np.allclose(before, after) and not np.allclose(after, G.get_weights()[0])
        print("OK")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "OK" in result.stdout, result.stderr[-3000:]

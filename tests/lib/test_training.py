"""gan_lib.training: reproducibility, checkpoint/resume, guards, distribution strategy."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import training
from gan_lib.toy import data, models


def test_same_seed_gives_identical_history(make_trainer, sampler):
    first = make_trainer().fit(sampler, steps=30, batch_size=32, progress=False).as_arrays()
    second = make_trainer().fit(sampler, steps=30, batch_size=32, progress=False).as_arrays()
    for key in training.HISTORY_KEYS:
        np.testing.assert_array_equal(first[key], second[key])
    other = make_trainer(seed=1).fit(sampler, steps=30, batch_size=32, progress=False).as_arrays()
    assert not np.array_equal(first["d_loss"], other["d_loss"])


def test_xla_trains_every_step_reproducibly(make_trainer, sampler):
    """jit_compile=True compiles each step with XLA. It must train every step (it once
    returned no records) and repeat itself for a seed. Its noise is not the run without
    XLA's: XLA picks another algorithm for the same stateless seeds."""
    def run():
        trainer = make_trainer(jit_compile=True)
        return trainer.fit(sampler, steps=30, batch_size=32, steps_per_call=8, progress=False)

    first, second = run(), run()
    assert len(first) == 30
    for key in training.HISTORY_KEYS:
        np.testing.assert_array_equal(first.as_arrays()[key], second.as_arrays()[key])
    arrays = first.as_arrays()
    assert np.all((arrays["d_real"] > 0) & (arrays["d_real"] < 1))
    assert np.all(np.isfinite(arrays["g_loss"]))
    seed = tf.constant([1, 2], tf.int64)
    draw = lambda: tf.random.stateless_normal((3,), seed=seed)  # noqa: E731
    assert not np.array_equal(draw().numpy(), tf.function(draw, jit_compile=True)().numpy())


def test_history_has_every_step_and_sane_values(make_trainer, sampler):
    history = make_trainer(d_steps=2).fit(sampler, steps=25, batch_size=16, progress=False)
    arrays = history.as_arrays()
    assert len(history) == 25
    assert all(len(arrays[k]) == 25 for k in training.HISTORY_KEYS)
    assert np.all((arrays["d_real"] > 0) & (arrays["d_real"] < 1))
    assert np.all(arrays["d_loss"] > 0) and np.all(np.isfinite(arrays["g_loss"]))


def test_training_moves_the_generator_towards_the_data(make_trainer, sampler):
    trainer = make_trainer()
    trainer.fit(sampler, steps=600, batch_size=128, progress=False)
    x = trainer.generator(np.random.default_rng(0).standard_normal((2000, 3)).astype(np.float32))
    assert abs(float(np.mean(x)) - 2.0) < 0.5, float(np.mean(x))


def test_numpy_array_and_dataset_inputs(make_trainer, sampler):
    array = sampler(500, np.random.default_rng(0))
    assert len(make_trainer().fit(array, steps=5, batch_size=16, progress=False)) == 5
    dataset = tf.data.Dataset.from_tensor_slices(array).batch(16, drop_remainder=True)
    assert len(make_trainer().fit(dataset, steps=5, batch_size=16, progress=False)) == 5


def test_callbacks_run_every_n_steps_and_at_the_end(make_trainer, sampler):
    seen = []
    make_trainer().fit(sampler, steps=25, batch_size=8, progress=False, callbacks=[lambda t, s: seen.append(s)], callback_every=10)
    assert seen == [10, 20, 25]


class Interrupt(Exception):
    pass


def test_interrupted_run_resumes_exactly(make_trainer, sampler, tmp_path: Path):
    reference = make_trainer().fit(sampler, steps=30, batch_size=16, progress=False).as_arrays()

    def kill_at_17(trainer, step):
        if step == 17:
            raise Interrupt

    with pytest.raises(Interrupt):
        make_trainer().fit(
            sampler, steps=30, batch_size=16, progress=False, checkpoint_dir=tmp_path,
            checkpoint_every=10, callbacks=[kill_at_17], callback_every=1,
        )
    resumed = make_trainer(seed=0)
    # Different initial weights prove the state comes from the checkpoint.
    keras.utils.set_random_seed(123)
    resumed.generator.set_weights([w + 1 for w in resumed.generator.get_weights()])
    history = resumed.fit(sampler, steps=30, batch_size=16, progress=False, checkpoint_dir=tmp_path, checkpoint_every=10)
    assert resumed.step == 30 and len(history) == 30
    arrays = history.as_arrays()
    for key in training.HISTORY_KEYS:  # bit-identical on CPU
        np.testing.assert_array_equal(arrays[key][-13:], reference[key][-13:])
    assert sorted(p.name for p in tmp_path.glob("ckpt-*.index")) == ["ckpt-20.index", "ckpt-30.index"]


def test_interrupted_run_on_a_seeded_dataset_resumes_exactly(make_trainer, sampler, tmp_path: Path):
    array = sampler(400, np.random.default_rng(0))

    def dataset():
        return tf.data.Dataset.from_tensor_slices(array).shuffle(400, seed=7).batch(16, drop_remainder=True)

    reference = make_trainer(d_steps=2).fit(dataset(), steps=40, batch_size=16, progress=False).as_arrays()

    def kill_at_33(trainer, step):
        if step == 33:
            raise Interrupt

    with pytest.raises(Interrupt):
        make_trainer(d_steps=2).fit(
            dataset(), steps=40, batch_size=16, progress=False, checkpoint_dir=tmp_path,
            checkpoint_every=15, callbacks=[kill_at_33], callback_every=1,
        )
    resumed = make_trainer(d_steps=2)
    history = resumed.fit(dataset(), steps=40, batch_size=16, progress=False, checkpoint_dir=tmp_path)
    assert resumed.step == 40
    for key in training.HISTORY_KEYS:
        np.testing.assert_array_equal(history.as_arrays()[key], reference[key])


def test_fit_in_two_calls_equals_one_call(make_trainer, sampler):
    once = make_trainer().fit(sampler, steps=20, batch_size=16, progress=False).as_arrays()
    trainer = make_trainer()
    trainer.fit(sampler, steps=8, batch_size=16, progress=False)
    twice = trainer.fit(sampler, steps=20, batch_size=16, progress=False).as_arrays()
    for key in training.HISTORY_KEYS:
        np.testing.assert_array_equal(once[key], twice[key])


def test_history_json_round_trip():
    history = training.History(d_loss=[1.0, 2.0], g_loss=[0.5, 0.25], d_real=[0.6, 0.7], d_fake=[0.4, 0.3])
    again = training.History.from_json(history.to_json())
    assert again == history and len(again) == 2
    again.truncate(1)
    assert again.d_fake == [0.4]


def test_minimax_loss_and_progress_bar_with_losses(make_trainer, sampler, capsys):
    history = make_trainer(objective="minimax").fit(sampler, steps=10, batch_size=16, progress=True)
    # The minimax G loss is E[log(1 - D(G(z)))] <= 0; the bar (on stderr) shows both losses.
    assert np.all(history.as_arrays()["g_loss"] <= 0)
    err = capsys.readouterr().err
    assert "d_loss=" in err and "g_loss=" in err and "10/10" in err


def test_non_finite_loss_stops_training_with_the_step(make_trainer, sampler):
    def poisoned(n, rng):
        x = sampler(n, rng)
        x[0, 0] = np.nan
        return x

    trainer = make_trainer()
    with pytest.raises(training.NonFiniteLossError, match="d_loss became nan at step 0"):
        trainer.fit(poisoned, steps=5, batch_size=8, progress=False)


@pytest.mark.parametrize(
    "kwargs, fit_kwargs, message",
    [
        ({"d_steps": 0}, {}, r"d_steps \(k\) must be a positive integer"),
        ({"generator_optimizer": keras.optimizers.Adam(0.0)}, {}, "learning rate must be positive"),
        ({"discriminator_optimizer": keras.optimizers.SGD(-0.1)}, {}, "learning rate must be positive"),
        ({}, {"batch_size": 0}, "batch_size must be a positive integer"),
        ({}, {"batch_size": -4}, "batch_size must be a positive integer"),
        ({}, {"callback_every": 0}, "callback_every must be a positive integer"),
        ({"noise_dim": 0}, {}, "noise_dim must be a positive integer"),
        ({"objective": "wasserstein_gp"}, {}, "wasserstein_gp"),
    ],
)
def test_bad_hyperparameters_raise_before_training(make_trainer, sampler, kwargs, fit_kwargs, message):
    with pytest.raises(ValueError, match=message):
        trainer = make_trainer(**kwargs)
        trainer.fit(sampler, **{"steps": 3, "batch_size": 8, "progress": False, **fit_kwargs})


def test_non_integer_counts_are_a_type_error(make_trainer, sampler):
    with pytest.raises(TypeError, match="steps must be an integer"):
        make_trainer().fit(sampler, steps=2.5, batch_size=8, progress=False)
    with pytest.raises(TypeError, match="steps_per_call must be an integer"):
        make_trainer().fit(sampler, steps=2, batch_size=8, progress=False, steps_per_call=True)


def test_shared_optimizer_is_refused(make_trainer):
    adam = keras.optimizers.Adam(1e-3)
    with pytest.raises(ValueError, match="same object"):
        make_trainer(generator_optimizer=adam, discriminator_optimizer=adam)


def test_mismatched_shapes_are_refused(make_trainer):
    keras.utils.set_random_seed(0)
    with pytest.raises(ValueError, match=r"output shape \(2,\) does not match the discriminator's input shape \(1,\)"):
        training.GANTrainer(
            models.mlp_generator(3, 2), models.mlp_discriminator(1), noise_dim=3,
            generator_optimizer=keras.optimizers.Adam(), discriminator_optimizer=keras.optimizers.Adam(),
        )
    with pytest.raises(ValueError, match="noise_dim=4"):
        make_trainer(noise_dim=4)
    with pytest.raises(ValueError, match="data samples have shape"):
        make_trainer().fit(data.ring_sampler(), steps=2, batch_size=8, progress=False)
    with pytest.raises(ValueError, match="no known input shape"):
        training.GANTrainer(
            keras.Sequential([keras.layers.Dense(1)]), models.mlp_discriminator(1), noise_dim=3,
            generator_optimizer=keras.optimizers.Adam(), discriminator_optimizer=keras.optimizers.Adam(),
        )


def test_bad_datasets_are_refused(make_trainer, sampler):
    array = sampler(100, np.random.default_rng(0))
    ragged = tf.data.Dataset.from_tensor_slices(array).batch(16)  # last batch has 4 rows
    with pytest.raises(ValueError, match="a data batch has 4 rows at step 6"):
        make_trainer().fit(ragged, steps=10, batch_size=16, progress=False)
    labelled = tf.data.Dataset.from_tensor_slices((array, np.zeros(100))).batch(16)
    with pytest.raises(TypeError, match="no labels"):
        make_trainer().fit(labelled, steps=2, batch_size=16, progress=False)
    with pytest.raises(ValueError, match="non-empty array"):
        make_trainer().fit(np.zeros((0, 1)), steps=2, batch_size=16, progress=False)


def test_strategy_with_two_logical_cpus_trains():
    script = textwrap.dedent(
        """
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from tensorflow import keras
        from gan_lib.toy import data, models
        from gan_lib import training
        from gan_lib.probability import Gaussian
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        with strategy.scope():
            G, D = models.mlp_generator(3, 1, hidden=(16,)), models.mlp_discriminator(1, hidden=(16,))
            options = dict(noise_dim=3, strategy=strategy, generator_optimizer=keras.optimizers.Adam(1e-3),
                           discriminator_optimizer=keras.optimizers.Adam(1e-3))
            trainer = training.GANTrainer(G, D, **options)
        sample = data.sampler_1d(Gaussian(2.0, 0.5))
        history = trainer.fit(sample, steps=20, batch_size=32, progress=False)
        assert len(history) == 20 and all(map(lambda v: v == v, history.d_loss))
        assert all(0 < v < 1 for v in history.d_real)
        print("OK trained", history.d_loss[-1])
        try:
            trainer.fit(sample, steps=25, batch_size=31, progress=False)
        except ValueError as error:
            assert "divisible" in str(error)
            print("OK batch refused")
        try:
            training.GANTrainer(G, D, jit_compile=True, **options)
        except ValueError as error:
            assert "jit_compile" in str(error)
            print("OK jit refused")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.count("OK") == 3, result.stderr[-3000:]

"""GANTrainer runs many steps per compiled call: results do not depend on the grouping,
resume bit for bit across call boundaries, the NaN guard names the step, the time budget
holds, and the strategy path agrees, with every source of data."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import losses, training
from gan_lib.probability import Gaussian
from gan_lib.toy import data, models

SAMPLER = data.sampler_1d(Gaussian(2.0, 0.5))
ARRAY = SAMPLER(300, np.random.default_rng(0))


def numpy_sampler(n, rng):  # no in_graph: drawn on the host
    return (2.0 + 0.5 * rng.standard_normal((n, 1))).astype(np.float32)


def dataset():
    return tf.data.Dataset.from_tensor_slices(ARRAY).shuffle(300, seed=3).batch(16, drop_remainder=True)


SOURCES = {"in-graph sampler": lambda: SAMPLER, "array": lambda: ARRAY,
           "numpy sampler": lambda: numpy_sampler, "dataset": dataset}


def make_trainer(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    G, D = models.mlp_generator(3, 1, hidden=(16,)), models.mlp_discriminator(1, hidden=(16,))
    return training.GANTrainer(G, D, noise_dim=3, seed=seed, generator_optimizer=keras.optimizers.Adam(1e-3),
                               discriminator_optimizer=keras.optimizers.Adam(1e-3), **kwargs)


def assert_same_history(first, second):
    for key in training.HISTORY_KEYS:
        np.testing.assert_array_equal(getattr(first, key), getattr(second, key), err_msg=key)


@pytest.mark.parametrize("name", list(SOURCES))
def test_the_history_does_not_depend_on_steps_per_call(name):
    histories = [
        make_trainer(d_steps=2).fit(SOURCES[name](), steps=23, batch_size=16, progress=False,
                                    steps_per_call=per_call)
        for per_call in (1, 7, 100)
    ]
    assert len(histories[0]) == 23
    assert_same_history(histories[0], histories[1])
    assert_same_history(histories[0], histories[2])


def r1(discriminator, real, fake, seed):
    with tf.GradientTape() as tape:
        tape.watch(real)
        logits = discriminator(real)
    jitter = tf.random.stateless_uniform((), seed)  # uses the seed: must resume exactly too
    return jitter * tf.reduce_mean(tf.reduce_sum(tf.square(tape.gradient(logits, real)), axis=1))


def conditional_trainer(seed=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    z, y = keras.Input((3,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.CategoryEncoding(2, "one_hot")(y)])
    G = keras.Model([z, y], keras.layers.Dense(1)(keras.layers.LeakyReLU(0.2)(keras.layers.Dense(16)(h))))
    x, y = keras.Input((1,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([x, keras.layers.CategoryEncoding(2, "one_hot")(y)])
    D = keras.Model([x, y], keras.layers.Dense(1)(keras.layers.LeakyReLU(0.2)(keras.layers.Dense(16)(h))))
    objective = losses.Objective("bce + R1", losses.minimax_discriminator_loss, losses.non_saturating_generator_loss, r1)

    def jitter(x, seed):
        return x + 0.05 * tf.random.stateless_normal(tf.shape(x), seed)

    return training.GANTrainer(
        G, D, noise_dim=3, num_classes=2, objective=objective, ema_decay=0.9, augment=jitter, d_steps=2,
        generator_optimizer=keras.optimizers.Adam(1e-3), discriminator_optimizer=keras.optimizers.Adam(1e-3),
    )


class Interrupt(Exception):
    pass


def resume_phase(phase: str, directory: str) -> None:
    """One phase of the resume test, run in a process of its own (see below): the
    uninterrupted ``reference``, the run ``interrupted`` at step 23, or the ``resumed``
    one; each saves its history and final weights to ``directory/phase.npz``."""
    labels = np.random.default_rng(1).integers(0, 2, 300)
    pairs = (ARRAY + 3.0 * labels[:, None], labels)
    options = dict(steps=40, batch_size=16, progress=False, checkpoint_dir=Path(directory) / phase)
    if phase == "reference":
        trainer = conditional_trainer()
        trainer.fit(pairs, **options, checkpoint_every=1000, steps_per_call=100)
    elif phase == "interrupted":
        def kill_at_23(trainer, step):
            if step == 23:
                raise Interrupt

        try:  # calls of 6 steps, checkpoints every 10: 0-6-10-16-20-23
            conditional_trainer().fit(pairs, **options, checkpoint_every=10, callbacks=[kill_at_23],
                                      callback_every=23, steps_per_call=6)
        except Interrupt:
            return
        raise AssertionError("the run was not interrupted")
    else:
        options["checkpoint_dir"] = Path(directory) / "interrupted"
        trainer = conditional_trainer(seed=5)  # other initial weights: the state must come from the checkpoint
        trainer.fit(pairs, **options, steps_per_call=7)
    arrays = {key: np.asarray(getattr(trainer.history, key)) for key in training.HISTORY_KEYS}
    for name in ("ema_generator", "discriminator"):
        arrays.update({f"{name}{i}": w for i, w in enumerate(getattr(trainer, name).get_weights())})
    np.savez(Path(directory) / f"{phase}.npz", step=trainer.step, **arrays)


# Each phase runs in a new process, as a resumed run does in use, on one thread with
# TensorFlow's deterministic kernels. Two traces of the same step inside one process may
# order a sum of gradients differently (seen with the penalty's second derivatives: the
# last bit of a loss differed after about 20 steps on one CI machine), and a multithreaded
# kernel may too; neither is the trainer's state or seeding, which this test checks.
DETERMINISTIC_PHASE = """
import sys
import tensorflow as tf
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()
sys.path.insert(0, {tests!r})
import test_training_calls
test_training_calls.resume_phase({phase!r}, {directory!r})
"""


def test_a_run_with_every_option_resumes_bit_for_bit_across_call_boundaries(tmp_path: Path):
    for phase in ("reference", "interrupted", "resumed"):
        script = DETERMINISTIC_PHASE.format(tests=str(Path(__file__).parent), phase=phase, directory=str(tmp_path))
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{phase}: {result.stderr[-3000:]}"
    reference, resumed = np.load(tmp_path / "reference.npz"), np.load(tmp_path / "resumed.npz")
    assert int(resumed["step"]) == 40 and sorted(reference.files) == sorted(resumed.files)
    for key in reference.files:
        np.testing.assert_array_equal(resumed[key], reference[key], err_msg=key)


@pytest.mark.parametrize("per_call", [1, 5, 100])
def test_the_nan_guard_names_the_step_inside_a_call(per_call):
    def poisoned_at_13(n, rng):
        x = numpy_sampler(n, rng)
        if poisoned_at_13.calls == 13:
            x[0, 0] = np.nan
        poisoned_at_13.calls += 1
        return x

    poisoned_at_13.calls = -1  # fit draws one example batch first
    trainer = make_trainer()
    with pytest.raises(training.NonFiniteLossError, match="d_loss became nan at step 13"):
        trainer.fit(poisoned_at_13, steps=30, batch_size=8, progress=False, steps_per_call=per_call)
    # The steps before it are recorded; the call stopped right after it.
    assert trainer.step == 13 and len(trainer.history) == 13
    assert int(trainer.generator_optimizer.iterations) == 14


def test_the_time_budget_sizes_the_calls():
    trainer = make_trainer()
    trainer.fit(SAMPLER, steps=2, batch_size=8, progress=False)  # compile first
    started = time.perf_counter()
    trainer.fit(SAMPLER, steps=10**7, batch_size=8, progress=False, max_seconds=2.0, steps_per_call=10**6)
    elapsed = time.perf_counter() - started
    assert trainer.step > 100 and 2.0 <= elapsed < 3.5, (trainer.step, elapsed)


def test_equal_samplers_reuse_the_compiled_call():
    trainer = make_trainer()
    trainer.fit(data.sampler_1d(Gaussian(2.0, 0.5)), steps=5, batch_size=8, progress=False)
    trainer.fit(data.sampler_1d(Gaussian(2.0, 0.5)), steps=10, batch_size=8, progress=False)
    trainer.fit(ARRAY, steps=15, batch_size=8, progress=False)
    trainer.fit(ARRAY[:100], steps=20, batch_size=8, progress=False)
    assert len(trainer._compiled) == 2
    assert all(run.experimental_get_tracing_count() == 1 for run in trainer._compiled.values())


def test_strategy_of_two_logical_cpus_with_calls_of_many_steps():
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

        def trainer(strategy, update="alternating"):
            keras.utils.set_random_seed(0)
            with strategy.scope() if strategy else __import__("contextlib").nullcontext():
                G, D = models.mlp_generator(3, 1, hidden=(16,)), models.mlp_discriminator(1, hidden=(16,))
                return training.GANTrainer(G, D, noise_dim=3, strategy=strategy, ema_decay=0.9, update=update,
                    generator_optimizer=keras.optimizers.Adam(1e-3),
                    discriminator_optimizer=keras.optimizers.Adam(1e-3))

        sample = data.sampler_1d(Gaussian(2.0, 0.5))
        for update in ("alternating", "simultaneous"):
            one = trainer(strategy, update).fit(sample, steps=12, batch_size=32, progress=False, steps_per_call=1)
            many = trainer(strategy, update).fit(sample, steps=12, batch_size=32, progress=False, steps_per_call=5)
            assert one.d_loss == many.d_loss and one.g_loss == many.g_loss, (one.d_loss, many.d_loss)
            print("OK independent of steps_per_call", update)
            single = trainer(None, update).fit(sample, steps=12, batch_size=32, progress=False)
            np.testing.assert_allclose(many.d_loss, single.d_loss, rtol=1e-4)
            np.testing.assert_allclose(many.g_loss, single.g_loss, rtol=1e-4)
            print("OK same as one device", update)
        array = sample(200, 0)
        dataset = tf.data.Dataset.from_tensor_slices(array).batch(32, drop_remainder=True)
        for source in (array, dataset):
            assert len(trainer(strategy).fit(source, steps=7, batch_size=32, progress=False, steps_per_call=3)) == 7
        print("OK arrays and datasets")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.count("OK") == 5, result.stderr[-3000:]

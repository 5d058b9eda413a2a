"""Mixed precision: float32 logits and losses, DiffAugment in every policy, loss scaling."""

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import training
from gan_lib.images import conditional, dcgan


@pytest.fixture
def policy():
    def use(name):
        keras.mixed_precision.set_global_policy(name)

    yield use
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("dtype", [tf.float32, tf.bfloat16, tf.float16])
def test_diff_augment_works_in_every_dtype(dtype):
    images = tf.cast(tf.random.stateless_uniform((4, 28, 28, 1), (1, 2), -1, 1), dtype)
    out = dcgan.diff_augment(translation=2, cutout=8)(images, tf.constant([0, 1], tf.int64))
    assert out.dtype == dtype and out.shape == images.shape
    reference = dcgan.diff_augment(translation=2, cutout=8)(tf.cast(images, tf.float32), tf.constant([0, 1], tf.int64))
    np.testing.assert_array_equal(tf.cast(out, tf.float32).numpy(), reference.numpy())  # index ops only


@pytest.mark.parametrize("name", ["mixed_bfloat16", "mixed_float16"])
def test_a_dcgan_trains_under_a_mixed_policy_with_float32_logits(policy, name):
    policy(name)
    recipe = dcgan.BOOK_RECIPE.replace(g_width=8, d_width=8, batch_size=8)
    keras.utils.set_random_seed(0)
    G, D = dcgan.build_models(recipe)

    def optimizer():
        adam = keras.optimizers.Adam(recipe.g_lr, beta_1=recipe.beta_1)
        # float16 needs loss scaling (Keras's LossScaleOptimizer); bfloat16 does not.
        return keras.mixed_precision.LossScaleOptimizer(adam) if name == "mixed_float16" else adam

    trainer = training.GANTrainer(G, D, noise_dim=recipe.noise_dim, generator_optimizer=optimizer(),
                                  discriminator_optimizer=optimizer(), ema_decay=0.99,
                                  augment=dcgan.diff_augment(recipe.translation, recipe.cutout))
    assert trainer.generator.layers[-2].compute_dtype == name.split("_")[1]
    assert trainer.generator.output.dtype == "float32"  # the tanh image
    assert trainer.discriminator.output.dtype == "float32"
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    history = trainer.fit(images, steps=3, batch_size=8, progress=False)
    assert np.all(np.isfinite(history.as_arrays()["d_loss"])) and len(history) == 3


@pytest.mark.parametrize("name", ["mixed_bfloat16", "mixed_float16", "float32"])
def test_make_trainer_builds_in_the_policy_and_leaves_the_global_one(name):
    """The image trainers compute in the chosen policy (float16 with loss scaling), give
    float32 images and logits, and leave the global policy float32 for everything else."""
    recipe = conditional.BOOK_RECIPE.replace(g_width=8, d_width=8, batch_size=8)
    trainer = conditional.make_trainer(recipe, seed=0, precision=name)
    compute = "float32" if name == "float32" else name.split("_")[1]
    assert trainer.generator.get_layer("project").compute_dtype == compute
    assert trainer.discriminator.get_layer("down_14x14").compute_dtype == compute
    assert trainer.generator.output.dtype == trainer.discriminator.output.dtype == "float32"
    scaled = isinstance(trainer.generator_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (name == "mixed_float16")
    assert keras.mixed_precision.global_policy().name == "float32"
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    labels = np.arange(32) % 10
    history = trainer.fit((images, labels), steps=2, batch_size=8, progress=False)
    assert np.all(np.isfinite(history.as_arrays()["g_loss"]))
    samples = trainer.sampling_generator([np.zeros((3, recipe.noise_dim), np.float32), np.arange(3)])
    assert samples.dtype == "float32"

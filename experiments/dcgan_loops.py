"""The TensorFlow DCGAN tutorial's networks, and three loops that train them.

The networks and hyperparameters are those the tutorial publishes
(https://www.tensorflow.org/tutorials/generative/dcgan), written here from its
description:

* G: z (100) -> Dense(7*7*256, no bias) -> BN -> LeakyReLU -> reshape 7x7x256
  -> ConvT(128, 5x5, stride 1) -> BN -> LeakyReLU -> ConvT(64, 5x5, stride 2) -> BN
  -> LeakyReLU -> ConvT(1, 5x5, stride 2, tanh): a 28x28x1 image; no biases in G;
* D: Conv(64, 5x5, stride 2) -> LeakyReLU -> Dropout(0.3) -> Conv(128, 5x5, stride 2)
  -> LeakyReLU -> Dropout(0.3) -> Flatten -> Dense(1): a logit;
* both trained with Adam(1e-4) on the cross-entropy losses (non-saturating for G),
  batch 256.

The loops, each behind the same small interface (``train(steps)``, ``warm_up(steps)``,
``train_for(seconds)``, ``steps``, ``images_seen``, ``sampler`` and ``step_function()``, one training step as a concrete
``tf.function`` of a full batch, for counting its FLOPs):

1. :class:`TutorialLoop`: the tutorial's own loop. A Python loop over a
   ``shuffle().batch()`` dataset calls a ``@tf.function`` step once per batch; the step
   computes G's fakes once, D's outputs on the real and the fake batch, and updates both
   networks from that one forward pass with two gradient tapes (a *simultaneous* update).
2. :class:`KerasFitLoop`: the keras.io style. A ``keras.Model`` subclass overrides
   ``compile`` (one optimizer per network) and ``train_step``; ``fit`` runs it,
   ``steps_per_execution`` steps per compiled call. Its step, like keras.io's GAN examples,
   updates D on a real and a fake batch, then G on fresh noise through the updated D
   (an *alternating* update: Algorithm 1 with k = 1).
3. :class:`GanLibLoop`: ``gan_lib.training.GANTrainer`` (Algorithm 1, alternating, by
   default, or the tutorial's simultaneous update with ``update="simultaneous"``; with
   ``steps_per_call`` steps per compiled call). It is given the image array, so each
   step's batch is drawn in the graph (uniformly, with replacement, from stateless seeds),
   like its noise. (Given a ``tf.data.Dataset``, each ``fit`` call would rebuild the
   iterator and skip the batches already used, a cost that grows with the step count and
   that the benchmark's many short ``fit`` calls, one per round, would inflate.)

The alternating step does more work per batch than the simultaneous one (G runs forward
twice, D three times); ``experiments.flops`` counts both.
"""

from __future__ import annotations

import time

import numpy as np
import tensorflow as tf
from tensorflow import keras

from gan_lib.images import mnist
from gan_lib.training import GANTrainer

NOISE_DIM = 100
BATCH_SIZE = 256
LEARNING_RATE = 1e-4
IMAGE_SHAPE = mnist.IMAGE_SHAPE


def tutorial_generator(noise_dim: int = NOISE_DIM) -> keras.Model:
    """The tutorial's G: noise (noise_dim,) -> an image (28, 28, 1) in [-1, 1]."""
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((noise_dim,)),
            layers.Dense(7 * 7 * 256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((7, 7, 256)),
            layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                                   activation="tanh"),
        ],
        name="tutorial_generator",
    )


def tutorial_discriminator() -> keras.Model:
    """The tutorial's D: an image (28, 28, 1) -> one logit."""
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            layers.Conv2D(64, 5, strides=2, padding="same"),
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Conv2D(128, 5, strides=2, padding="same"),
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Flatten(),
            layers.Dense(1),
        ],
        name="tutorial_discriminator",
    )


def tutorial_models(seed: int) -> tuple[keras.Model, keras.Model]:
    """The tutorial's (G, D), initialized from ``seed``."""
    keras.utils.set_random_seed(seed)
    return tutorial_generator(), tutorial_discriminator()


def _cross_entropy():
    return keras.losses.BinaryCrossentropy(from_logits=True)


class TutorialLoop:
    """Loop 1: one ``@tf.function`` call per batch of a ``shuffle().batch()`` dataset."""

    name = "TF tutorial loop"
    update = "simultaneous"

    def __init__(self, images, seed: int, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self.generator, self.discriminator = tutorial_models(seed)
        self.sampler = self.generator
        generator, discriminator = self.generator, self.discriminator
        g_optimizer, d_optimizer = keras.optimizers.Adam(LEARNING_RATE), keras.optimizers.Adam(LEARNING_RATE)
        cross_entropy = _cross_entropy()

        @tf.function
        def train_step(images):
            noise = tf.random.normal([tf.shape(images)[0], NOISE_DIM])
            with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
                fakes = generator(noise, training=True)
                real_logits = discriminator(images, training=True)
                fake_logits = discriminator(fakes, training=True)
                g_loss = cross_entropy(tf.ones_like(fake_logits), fake_logits)
                d_loss = (cross_entropy(tf.ones_like(real_logits), real_logits)
                          + cross_entropy(tf.zeros_like(fake_logits), fake_logits))
            g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
            d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
            g_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables))
            d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))

        self._train_step = train_step
        # The tutorial keeps each epoch's last, smaller batch (a second trace of the step).
        self._images = images
        self._dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).batch(batch_size)
        self._batches = self._epochs()
        self.images_seen = self.steps = 0

    def _epochs(self):
        while True:  # for epoch in range(EPOCHS): for image_batch in dataset: train_step(...)
            yield from self._dataset

    def _one_batch(self) -> None:
        batch = next(self._batches)
        self._train_step(batch)
        self.images_seen += int(batch.shape[0])
        self.steps += 1

    def train(self, steps: int) -> None:
        for _ in range(steps):
            self._one_batch()

    def warm_up(self, steps: int) -> None:
        """Train ``steps`` steps and trace the step for the epoch's last, smaller batch too,
        so that a timing after this does not include a trace."""
        partial = len(self._images) % self.batch_size
        if partial:
            self._train_step(tf.constant(self._images[:partial]))
        self.train(steps)

    def train_for(self, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            self._one_batch()

    def step_function(self):
        return self._train_step.get_concrete_function(
            tf.TensorSpec((self.batch_size, *IMAGE_SHAPE), tf.float32))


class KerasGAN(keras.Model):
    """Loop 2's model: ``compile`` takes both optimizers, ``train_step`` is one alternating
    GAN step (D on a real and a fake batch, then G on fresh noise through the new D)."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, noise_dim: int):
        super().__init__()
        self.generator, self.discriminator, self.noise_dim = generator, discriminator, noise_dim

    def compile(self, g_optimizer, d_optimizer, steps_per_execution: int = 1, jit_compile="auto"):
        super().compile(steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.cross_entropy = _cross_entropy()

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def train_step(self, real):
        batch = tf.shape(real)[0]
        fakes = self.generator(tf.random.normal((batch, self.noise_dim)), training=True)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fakes, training=True)
            d_loss = (self.cross_entropy(tf.ones_like(real_logits), real_logits)
                      + self.cross_entropy(tf.zeros_like(fake_logits), fake_logits))
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(
                self.generator(tf.random.normal((batch, self.noise_dim)), training=True), training=True)
            g_loss = self.cross_entropy(tf.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class KerasFitLoop:
    """Loop 2: ``KerasGAN.fit`` on a repeated ``tf.data`` pipeline, ``steps_per_execution``
    steps per compiled call.

    ``jit_compile="auto"`` is Keras's default, which compiles the step with XLA whenever
    every layer supports it (all of these do); ``False`` runs TensorFlow's own kernels
    (oneDNN on CPU), as the other two loops do."""

    update = "alternating"

    def __init__(self, images, seed: int, batch_size: int = BATCH_SIZE, steps_per_execution: int = 10,
                 jit_compile: bool | str = "auto"):
        self.batch_size = batch_size
        self.name = "keras.io-style fit" + (", XLA (Keras's default)" if jit_compile == "auto" else ", no XLA")
        self.generator, self.discriminator = tutorial_models(seed)
        self.sampler = self.generator
        self.model = KerasGAN(self.generator, self.discriminator, NOISE_DIM)
        self.model.compile(keras.optimizers.Adam(LEARNING_RATE), keras.optimizers.Adam(LEARNING_RATE),
                           steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        self._dataset = mnist.dataset(images, batch_size, seed=seed).repeat()
        self.images_seen = self.steps = 0

    def train(self, steps: int) -> None:
        self.model.fit(self._dataset, steps_per_epoch=steps, epochs=1, shuffle=False, verbose=0)
        self.images_seen += steps * self.batch_size
        self.steps += steps

    warm_up = train

    def step_function(self):
        return tf.function(self.model.train_step).get_concrete_function(
            tf.TensorSpec((self.batch_size, *IMAGE_SHAPE), tf.float32))


class GanLibLoop:
    """Loop 3: a ``GANTrainer`` fitting the image array, ``steps_per_call`` steps per
    compiled call. ``trainer`` defaults to the tutorial's networks and optimizers, with
    the ``update`` given (``GANTrainer``'s default, Algorithm 1's ``"alternating"``, or the
    tutorial's ``"simultaneous"``)."""

    def __init__(self, images, seed: int, batch_size: int = BATCH_SIZE, steps_per_call: int = 10,
                 trainer: GANTrainer | None = None, update: str = "alternating"):
        self.batch_size, self.steps_per_call = batch_size, steps_per_call
        if trainer is None:
            generator, discriminator = tutorial_models(seed)
            trainer = GANTrainer(generator, discriminator, noise_dim=NOISE_DIM, update=update,
                                 generator_optimizer=keras.optimizers.Adam(LEARNING_RATE),
                                 discriminator_optimizer=keras.optimizers.Adam(LEARNING_RATE), seed=seed)
        self.update = trainer.update
        self.precision = trainer.generator.dtype_policy.name
        self.name = ("gan_lib GANTrainer" + (", simultaneous" if self.update == "simultaneous" else "")
                     + ("" if self.precision == "float32" else f", {self.precision}"))
        self.trainer = trainer
        self.generator, self.discriminator = trainer.generator, trainer.discriminator
        self.sampler = trainer.sampling_generator
        self._images = images

    @property
    def steps(self) -> int:
        return self.trainer.step

    @property
    def images_seen(self) -> int:
        return self.trainer.step * self.batch_size * self.trainer.d_steps

    def _fit(self, steps: int, seconds: float | None) -> None:
        self.trainer.fit(self._images, steps=steps, batch_size=self.batch_size, max_seconds=seconds,
                         steps_per_call=self.steps_per_call, progress=False)

    def train(self, steps: int) -> None:
        self._fit(self.trainer.step + steps, None)

    warm_up = train

    def train_for(self, seconds: float) -> None:
        self._fit(2**62, seconds)

    def step_function(self):
        from gan_lib.train_step import UPDATES, noise_batches

        trainer, shape = self.trainer, (self.batch_size, *IMAGE_SHAPE)
        noise_spec = tf.TensorSpec((self.batch_size, trainer.noise_dim), tf.float32)
        noise_specs = [noise_spec] * noise_batches(self.update, trainer.d_steps)

        def one_step(real, *noise):
            return UPDATES[self.update](trainer.players, trainer.seed, tf.constant(0, tf.int64), [real], None,
                                        list(noise))

        return tf.function(one_step).get_concrete_function(tf.TensorSpec(shape, tf.float32), *noise_specs)


def sample_images(sampler: keras.Model, n: int, seed: int) -> np.ndarray:
    """``n`` images from ``sampler`` on fixed noise (``seed``), in inference mode."""
    noise = np.random.default_rng(seed).standard_normal((n, sampler.inputs[0].shape[-1])).astype(np.float32)
    return np.concatenate([np.asarray(sampler(noise[i:i + 500], training=False), np.float32)
                           for i in range(0, n, 500)])

"""Toy networks: small MLP generators and discriminators for 1-D and 2-D GANs.

The discriminator returns a logit (no sigmoid): ``D(x) = sigmoid(logit)``, and the
losses in ``gan_lib.losses`` work from logits. Two optional remedies for mode collapse
let the discriminator see (and punish) a lack of diversity: PacGAN packing
(Lin et al. 2018), where it judges ``pack`` samples at once, concatenated, and the
minibatch standard deviation feature (Karras et al. 2018), where every sample is shown
the average spread of its whole minibatch.
"""

from __future__ import annotations

import tensorflow as tf
from tensorflow import keras


def _check_dims(**dims) -> None:
    for name, value in dims.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")


def mlp_generator(noise_dim: int, output_dim: int, hidden=(64, 64), name="generator") -> keras.Model:
    """G: z in R^noise_dim -> x in R^output_dim, an MLP with LeakyReLU(0.2) and a linear output."""
    _check_dims(noise_dim=noise_dim, output_dim=output_dim, **{f"hidden[{i}]": h for i, h in enumerate(hidden)})
    inputs = keras.Input((noise_dim,), name="z")
    h = inputs
    for width in hidden:
        h = keras.layers.Dense(width)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    outputs = keras.layers.Dense(output_dim, name="x")(h)
    return keras.Model(inputs, outputs, name=name)


class Pack(keras.layers.Layer):
    """PacGAN packing: reshape a batch (B, d) into (B / pack, pack * d)."""

    def __init__(self, pack: int, **kwargs):
        super().__init__(**kwargs)
        self.pack = pack

    def call(self, x):
        return tf.reshape(x, (-1, self.pack * x.shape[-1]))

    def compute_output_shape(self, input_shape):
        batch = None if input_shape[0] is None else input_shape[0] // self.pack
        return (batch, self.pack * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "pack": self.pack}


class MinibatchStdDev(keras.layers.Layer):
    """Karras et al. (2018), Sec. 3: append one feature to every sample, the standard
    deviation of each feature over the minibatch, averaged over features:
    ``s = mean_j sqrt(Var_batch(h_j) + 1e-8)``. A collapsed generator produces batches
    with a small ``s``, which the discriminator can then recognize as fake. (The trainer
    passes real and fake batches to D separately, so ``s`` is computed on pure batches.)"""

    def call(self, h):
        spread = tf.reduce_mean(tf.sqrt(tf.math.reduce_variance(h, axis=0) + 1e-8))
        return tf.concat([h, tf.fill(tf.stack([tf.shape(h)[0], 1]), spread)], axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] + 1)


def mlp_discriminator(
    input_dim: int, hidden=(64, 64), pack: int = 1, minibatch_std: bool = False, name="discriminator"
) -> keras.Model:
    """D: x in R^input_dim -> logit, an MLP with LeakyReLU(0.2).

    With ``pack > 1`` (PacGAN), consecutive groups of ``pack`` samples are judged together
    and the model returns one logit per group; batch sizes must be divisible by ``pack``.
    With ``minibatch_std=True``, a ``MinibatchStdDev`` feature is appended to the input of
    the last hidden layer.
    """
    _check_dims(input_dim=input_dim, pack=pack, **{f"hidden[{i}]": h for i, h in enumerate(hidden)})
    inputs = keras.Input((input_dim,), name="x")
    h = Pack(pack)(inputs) if pack > 1 else inputs
    for i, width in enumerate(hidden):
        if minibatch_std and i == len(hidden) - 1:
            h = MinibatchStdDev()(h)
        h = keras.layers.Dense(width)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    outputs = keras.layers.Dense(1, name="logit")(h)
    return keras.Model(inputs, outputs, name=name)

"""Toy networks: small MLP generators and discriminators for 1-D and 2-D GANs.

The discriminator returns a logit (no sigmoid): ``D(x) = sigmoid(logit)``, and the
losses in ``gan_lib.losses`` work from logits. Optional PacGAN packing
(Lin et al. 2018): the discriminator judges ``pack`` samples at once, concatenated,
which lets it see (and punish) a lack of diversity.
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


def mlp_discriminator(input_dim: int, hidden=(64, 64), pack: int = 1, name="discriminator") -> keras.Model:
    """D: x in R^input_dim -> logit, an MLP with LeakyReLU(0.2).

    With ``pack > 1`` (PacGAN), consecutive groups of ``pack`` samples are judged together
    and the model returns one logit per group; batch sizes must be divisible by ``pack``.
    """
    _check_dims(input_dim=input_dim, pack=pack, **{f"hidden[{i}]": h for i, h in enumerate(hidden)})
    inputs = keras.Input((input_dim,), name="x")
    h = Pack(pack)(inputs) if pack > 1 else inputs
    for width in hidden:
        h = keras.layers.Dense(width)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    outputs = keras.layers.Dense(1, name="logit")(h)
    return keras.Model(inputs, outputs, name=name)

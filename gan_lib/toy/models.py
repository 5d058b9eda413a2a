"""Toy networks: small MLP generators and discriminators for 1-D and 2-D GANs.

The discriminator returns a logit (no sigmoid): ``D(x) = sigmoid(logit)``, and the
losses in ``gan_lib.losses`` work from logits. Two optional remedies for mode collapse
let the discriminator see (and punish) a lack of diversity: PacGAN packing
(Lin et al. 2018), where it judges ``pack`` samples at once, concatenated, and the
minibatch standard deviation feature (Karras et al. 2018), where every sample is shown
the average spread of its whole minibatch.

``make_trainer`` builds a generator, a discriminator and the ``GANTrainer`` that trains
them with the optimizers of chapters 4 and 5 (Adam with beta_1 = 0.5 and a cosine-decayed
learning rate), like ``gan_lib.images.dcgan.make_trainer`` for the DCGAN.
"""

from __future__ import annotations

import tensorflow as tf
from tensorflow import keras

from gan_lib.validation import check_integer, check_number, check_seed

OPTIMIZERS = ("adam", "sgd")


def _check_hidden(hidden) -> tuple[int, ...]:
    """Hidden-layer widths: a tuple or list of positive integers, returned as Python ints
    (Keras layers refuse NumPy integers)."""
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"hidden must be a tuple of layer widths such as (64, 64); got {hidden!r}")
    return tuple(check_integer(f"hidden[{i}]", h, at_least=1) for i, h in enumerate(hidden))


def mlp_generator(noise_dim: int, output_dim: int, hidden=(64, 64), name="generator") -> keras.Model:
    """G: z in R^noise_dim -> x in R^output_dim, an MLP with LeakyReLU(0.2) and a linear output."""
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    output_dim = check_integer("output_dim", output_dim, at_least=1)
    hidden = _check_hidden(hidden)
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
    input_dim = check_integer("input_dim", input_dim, at_least=1)
    pack = check_integer("pack", pack, at_least=1)
    hidden = _check_hidden(hidden)
    if not isinstance(minibatch_std, bool):
        raise TypeError(f"minibatch_std must be True or False; got {minibatch_std!r}")
    inputs = keras.Input((input_dim,), name="x")
    h = Pack(pack)(inputs) if pack > 1 else inputs
    for i, width in enumerate(hidden):
        if minibatch_std and i == len(hidden) - 1:
            h = MinibatchStdDev()(h)
        h = keras.layers.Dense(width)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    outputs = keras.layers.Dense(1, name="logit")(h)
    return keras.Model(inputs, outputs, name=name)


def _optimizer(kind: str, learning_rate: float, decay_steps: int | None, final_fraction: float, beta_1: float):
    rate = learning_rate
    if decay_steps is not None:
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps, alpha=final_fraction)
    if kind == "sgd":
        return keras.optimizers.SGD(rate, momentum=0.9)
    return keras.optimizers.Adam(rate, beta_1=beta_1)


def make_trainer(
    data_dim: int,
    noise_dim: int,
    *,
    hidden=(32, 32),
    d_hidden=None,
    pack: int = 1,
    minibatch_std: bool = False,
    learning_rate: float = 2e-3,
    decay_steps: int | None = None,
    final_fraction: float = 0.05,
    beta_1: float = 0.5,
    optimizer: str = "adam",
    seed: int = 0,
    **trainer_options,
):
    """A toy GAN: seeded MLPs G and D and the ``GANTrainer`` that trains them.

    ``keras.utils.set_random_seed(seed)``, then ``G = mlp_generator(noise_dim, data_dim,
    hidden)`` and ``D = mlp_discriminator(data_dim, d_hidden or hidden, pack,
    minibatch_std)``, then one optimizer per network: Adam (``beta_1``; Radford et al.
    2015 use 0.5) or, with ``optimizer="sgd"``, SGD with momentum 0.9 as in Goodfellow et
    al. (2014). With ``decay_steps`` the learning rate follows a cosine decay from
    ``learning_rate`` to ``final_fraction * learning_rate`` over that many steps
    (``keras.optimizers.schedules.CosineDecay``, Loshchilov and Hutter 2017); without,
    it stays constant. ``trainer_options`` go to ``GANTrainer`` (``d_steps``,
    ``objective`` (a name registered in ``gan_lib.losses.GAMES`` or an ``Objective``),
    ``jit_compile``, ...), which gets the same ``seed``. With ``unroll=K`` (and
    ``unroll_learning_rate``) among them the trainer is a
    ``gan_lib.toy.unrolled.UnrolledGANTrainer``, the unrolled GAN of Metz et al. (2017).
    The same arguments give the same networks, optimizers and training run.
    """
    from gan_lib.toy.unrolled import UnrolledGANTrainer
    from gan_lib.training import GANTrainer

    seed = check_seed("seed", seed)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {optimizer!r}")
    learning_rate = check_number("learning_rate", learning_rate, greater_than=0)
    if decay_steps is not None:
        decay_steps = check_integer("decay_steps", decay_steps, at_least=1)
    final_fraction = check_number("final_fraction", final_fraction, at_least=0, at_most=1)
    beta_1 = check_number("beta_1", beta_1, at_least=0, less_than=1)
    keras.utils.set_random_seed(seed)
    G = mlp_generator(noise_dim, data_dim, hidden=hidden)
    D = mlp_discriminator(data_dim, hidden=hidden if d_hidden is None else d_hidden, pack=pack,
                          minibatch_std=minibatch_std)
    trainer = UnrolledGANTrainer if "unroll" in trainer_options else GANTrainer
    return trainer(
        G,
        D,
        noise_dim=noise_dim,
        generator_optimizer=_optimizer(optimizer, learning_rate, decay_steps, final_fraction, beta_1),
        discriminator_optimizer=_optimizer(optimizer, learning_rate, decay_steps, final_fraction, beta_1),
        seed=seed,
        **trainer_options,
    )

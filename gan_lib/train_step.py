"""The GAN training step: one iteration of Algorithm 1 of Goodfellow et al. (2014), and the
simultaneous update beside it.

    for k steps:                                          # k = d_steps
        take m data points x_1..x_m and m noise vectors z_1..z_m ~ N(0, I)
        update D by descending  L_D = -(1/m) sum_j [log D(x_j) + log(1 - D(G(z_j)))]
    take m fresh noise vectors z_1..z_m
    update G by descending  (1/m) sum_j log(1 - D(G(z_j)))    (minimax, the paper's)
                       or  -(1/m) sum_j log D(G(z_j))          (non-saturating, its Sec. 3)

These are the losses of the default objective, ``gan_lib.losses.objective("non_saturating")``
(its D loss is the paper's, its G loss the non-saturating one; ``objective("minimax")`` has
both of the paper's); another
:class:`gan_lib.losses.Objective` replaces them (Wasserstein, hinge, ...) and may add a
penalty to L_D (a gradient penalty, R1). The paper ascends V for D with momentum SGD;
here each network's own optimizer (Adam in the book) descends its loss.

:func:`train_step` is this step and nothing else: it receives the batches already drawn.
:func:`simultaneous_step` is the other common update (the TensorFlow DCGAN tutorial's):
both gradients at the same weights, from one batch of fakes.
``gan_lib.training.GANTrainer`` is the plumbing around it: it draws the batches from
stateless seeds, runs many steps per compiled call, keeps the history, checkpoints and
the time budget, and splits batches across the replicas of a ``tf.distribute`` strategy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf

from gan_lib import losses

# Streams of random numbers within a step; see step_seed.
NOISE, DATA, AUGMENT, PENALTY = range(4)


def step_seed(seed, step, stream: int, index) -> tf.Tensor:
    """The stateless seed (shape (2,), int64) of draw ``index`` of ``stream`` in ``step``.

    Each is a function of ``(seed, step, stream, index)`` only, folded in with
    ``tf.random.experimental.stateless_fold_in``, so step t draws the same numbers
    whether it runs alone, inside a longer compiled call, or after a resume.
    """
    key = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
    for value in (step, stream, index):
        key = tf.random.experimental.stateless_fold_in(key, tf.cast(value, tf.int64))
    return key


@dataclass(frozen=True)
class Players:
    """The two networks, their optimizers, the objective and an optional augmentation.

    ``augment(images, seed) -> images`` (DiffAugment, Zhao et al. 2020) is applied to
    every batch the discriminator sees, real and fake, in both updates.
    """

    generator: tf.keras.Model
    discriminator: tf.keras.Model
    generator_optimizer: tf.keras.optimizers.Optimizer
    discriminator_optimizer: tf.keras.optimizers.Optimizer
    objective: losses.Objective
    augment: Callable | None = None


def call(model: tf.keras.Model, x, labels=None):
    """``model(x)`` in training mode, or ``model([x, labels])`` in conditional training;
    the labels are reshaped to the model's label input (``()`` or ``(1,)`` per sample)."""
    if labels is None:
        return model(x, training=True)
    label_shape = tuple(model.inputs[1].shape[1:])
    return model([x, tf.reshape(labels, (-1, *label_shape))], training=True)


def descend(optimizer, model: tf.keras.Model, tape: tf.GradientTape, loss) -> None:
    """One optimizer update of ``model``'s weights down the gradient of ``loss``."""
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


def _augmenter(players: Players, seed, step) -> Callable:
    """``augmented(images, index)``: ``players.augment`` with the seed of draw ``index`` of
    the step's AUGMENT stream, or the identity without an augmentation."""
    def augmented(images, index):
        if players.augment is None:
            return images
        return players.augment(images, step_seed(seed, step, AUGMENT, index))
    return augmented


def judge(players: Players, seed, step, d_update: int, real, fake, labels):
    """L_D of D update ``d_update`` of the step on the (augmented) ``real`` and ``fake``
    batches, its penalty included: ``(d_loss, penalty, real_logits, fake_logits)``. Logits
    are cast to float32 before the losses, so a mixed-precision network still gets
    float32 losses."""
    D, objective = players.discriminator, players.objective

    def logits_of(x, labels=labels):
        return tf.cast(call(D, x, labels), tf.float32)

    real_logits, fake_logits = logits_of(real), logits_of(fake)
    d_loss = objective.discriminator_loss(real_logits, fake_logits)
    penalty = tf.constant(0.0)
    if objective.penalty is not None:
        penalty = tf.cast(objective.penalty(logits_of, real, fake, step_seed(seed, step, PENALTY, d_update)),
                          tf.float32)
        d_loss = d_loss + penalty
    return d_loss, penalty, real_logits, fake_logits


def _record(objective: losses.Objective, d_loss, g_loss, penalty, real_logits, fake_logits) -> dict:
    output = tf.sigmoid if objective.probability_outputs else tf.identity
    return {
        "d_loss": d_loss,
        "g_loss": g_loss,
        "d_real": tf.reduce_mean(output(real_logits)),
        "d_fake": tf.reduce_mean(output(fake_logits)),
        "d_penalty": penalty,
    }


def train_step(players: Players, seed, step, real_batches, label_batches, noise_batches,
               scale: float = 1.0) -> dict[str, tf.Tensor]:
    """One iteration of Algorithm 1 with k = ``len(real_batches)`` discriminator updates.

    ``real_batches[i]`` and ``noise_batches[i]`` (i < k) feed D's update i and
    ``noise_batches[k]`` feeds G's update. In conditional training ``label_batches[i]``
    are the labels of ``real_batches[i]``: both networks get them with the samples, the
    fakes of update i take the labels of its real batch and G's update reuses the last
    ones; without labels ``label_batches`` is ``None``. ``seed`` and ``step`` seed the
    augmentation and the penalty (see :func:`step_seed`); the losses are float32 (see
    :func:`judge`).
    ``scale`` multiplies the losses (``1 / replicas`` under a ``tf.distribute`` strategy,
    whose gradients are summed across replicas). ``optimizer.scale_loss`` is the identity
    except under a ``keras.mixed_precision.LossScaleOptimizer`` (float16), which scales
    the loss up and the gradients back down.

    Returns the step's record (see ``gan_lib.training.History``): the last D loss (its
    penalty included), the penalty, the G loss and the mean D outputs of the last D update.
    """
    G, D, objective = players.generator, players.discriminator, players.objective
    augmented = _augmenter(players, seed, step)
    k = len(real_batches)
    for i in range(k):
        labels = None if label_batches is None else label_batches[i]
        with tf.GradientTape() as tape:
            real = augmented(real_batches[i], 3 * i)
            fake = augmented(call(G, noise_batches[i], labels), 3 * i + 1)
            d_loss, penalty, real_logits, fake_logits = judge(
                players, seed, step, i, real, fake, labels)
            scaled = players.discriminator_optimizer.scale_loss(d_loss * scale)
        descend(players.discriminator_optimizer, D, tape, scaled)
    with tf.GradientTape() as tape:
        fake = augmented(call(G, noise_batches[k], labels), 3 * k + 2)
        g_loss = objective.generator_loss(tf.cast(call(D, fake, labels), tf.float32))
        scaled = players.generator_optimizer.scale_loss(g_loss * scale)
    descend(players.generator_optimizer, G, tape, scaled)
    return _record(objective, d_loss, g_loss, penalty, real_logits, fake_logits)


def simultaneous_step(players: Players, seed, step, real_batches, label_batches, noise_batches,
                      scale: float = 1.0) -> dict[str, tf.Tensor]:
    """One simultaneous update: both players step along their gradients at the same weights.

        take m data points x_1..x_m and m noise vectors z_1..z_m ~ N(0, I)
        g_D = grad_D L_D(D, G),  g_G = grad_G L_G(D, G)      # one batch of fakes G(z_j)
        update D with g_D and G with g_G

    This is the TensorFlow DCGAN tutorial's step (simultaneous gradient descent; Mescheder
    et al. 2018 analyse it beside the alternating update of Algorithm 1). G's update does
    not see D's new weights, and both losses come from the same D outputs on the same
    fakes: per step G runs forward once and D twice, against twice and three times in
    :func:`train_step` with k = 1. Arguments and record as in :func:`train_step`, with one
    batch in each list (k = 1).
    """
    G, D, objective = players.generator, players.discriminator, players.objective
    augmented = _augmenter(players, seed, step)
    labels = None if label_batches is None else label_batches[0]
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        real = augmented(real_batches[0], 0)
        fake = augmented(call(G, noise_batches[0], labels), 1)
        d_loss, penalty, real_logits, fake_logits = judge(
            players, seed, step, 0, real, fake, labels)
        g_loss = objective.generator_loss(fake_logits)
        d_scaled = players.discriminator_optimizer.scale_loss(d_loss * scale)
        g_scaled = players.generator_optimizer.scale_loss(g_loss * scale)
    d_grads = d_tape.gradient(d_scaled, D.trainable_variables)
    g_grads = g_tape.gradient(g_scaled, G.trainable_variables)  # before either network moves
    players.discriminator_optimizer.apply_gradients(zip(d_grads, D.trainable_variables))
    players.generator_optimizer.apply_gradients(zip(g_grads, G.trainable_variables))
    return _record(objective, d_loss, g_loss, penalty, real_logits, fake_logits)


# The updates GANTrainer(update=...) offers.
UPDATES = {"alternating": train_step, "simultaneous": simultaneous_step}


def noise_batches(update: str, d_steps: int) -> int:
    """Noise batches one step of ``update`` draws: one per discriminator update and one
    for the generator's (``d_steps + 1``) in the alternating step; one, shared by both
    players, in the simultaneous step."""
    return d_steps + 1 if update == "alternating" else 1


def update_ema(average: tf.keras.Model, model: tf.keras.Model, decay: float, updates) -> None:
    """``w_ema <- beta w_ema + (1 - beta) w`` for every weight (BN statistics included),
    with ``beta = min(decay, (1 + t) / (10 + t))`` after generator update ``t``, so early
    averages are not dominated by the random initialization. The warm-up is TensorFlow's
    ``tf.train.ExponentialMovingAverage`` ``num_updates`` convention; averaging the
    generator's iterates follows Yazici et al. 2019, whose code keeps ``beta`` constant."""
    t = tf.cast(updates, tf.float32)
    beta = tf.minimum(decay, (1.0 + t) / (10.0 + t))
    for mean, weight in zip(average.weights, model.weights):
        mean.assign(beta * mean + (1.0 - beta) * tf.cast(weight, mean.dtype))

"""GAN losses computed from discriminator logits, numerically stable.

Notation (DESIGN.md): the discriminator outputs a logit ``l``; ``D = sigmoid(l)`` is the
probability that the input is real. The value function of Goodfellow et al. (2014),
eq. (1), is ``V(D, G) = E_data[log D(x)] + E_z[log(1 - D(G(z)))]``.

Everything is written with the identities

    log D       = log sigmoid(l)     = -softplus(-l)
    log(1 - D)  = log sigmoid(-l)    = -softplus(l)

so no probability is ever rounded to 0 or 1 before its logarithm is taken: the losses
stay finite and their gradients exact for logits of any size (``log(sigmoid(l))``
overflows to ``-inf`` near ``l = -750`` in float64 and near ``l = -104`` in float32).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf


@dataclass(frozen=True)
class Objective:
    """What a GAN trains: the two players' losses and an optional penalty on D.

    ``discriminator_loss(real_logits, fake_logits) -> scalar`` is what D descends;
    ``generator_loss(fake_logits) -> scalar`` is what G descends;
    ``penalty(discriminator, real, fake, seed) -> scalar``, when given, is added to the
    discriminator's loss (a gradient penalty such as WGAN-GP's or R1). ``discriminator``
    is a function ``x -> logits`` (in conditional training the labels of the batch are
    already bound to it), ``real`` and ``fake`` are the batches D just judged (after any
    augmentation), and ``seed`` is a stateless seed (shape (2,), int64), unique to the
    discriminator update, for random draws such as interpolation weights.

    ``probability_outputs`` says how the trainer reports D's mean outputs (history keys
    ``d_real`` and ``d_fake``): ``True`` for the cross-entropy game, where they are the
    mean ``D = sigmoid(l)`` (1/2 at equilibrium); ``False`` for critics (Wasserstein,
    hinge), where they are the mean raw output ``l``.

    ``GANTrainer(generator_loss="non_saturating")`` is ``cross_entropy("non_saturating")``.
    """

    name: str
    discriminator_loss: Callable
    generator_loss: Callable
    penalty: Callable | None = None
    probability_outputs: bool = True


def cross_entropy(generator: str = "non_saturating", real_label: float = 1.0) -> Objective:
    """The game of Goodfellow et al. (2014) as an :class:`Objective`: D descends the
    binary cross-entropy :func:`discriminator_loss` (with ``real_label`` for one-sided
    label smoothing), G the ``generator`` loss, ``"non_saturating"`` or ``"minimax"``."""
    g_loss = generator_loss(generator)
    if not 0.5 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0.5, 1]; got {real_label!r}")
    label = float(real_label)

    def d_loss(real_logits, fake_logits):
        return discriminator_loss(real_logits, fake_logits, label)

    name = f"cross_entropy({generator}" + (f", real_label={label})" if label != 1.0 else ")")
    return Objective(name, d_loss, g_loss)


def _as_logits(name: str, logits) -> tf.Tensor:
    logits = tf.convert_to_tensor(logits)
    if logits.dtype.is_floating:
        return logits
    if logits.dtype.is_integer:
        return tf.cast(logits, tf.float32)
    raise TypeError(f"{name} must be a numeric tensor of logits; got dtype {logits.dtype.name}")


def _check_same_shape(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> None:
    if real_logits.shape.rank is not None and fake_logits.shape.rank is not None:
        real_tail, fake_tail = real_logits.shape[1:], fake_logits.shape[1:]
        if real_tail != fake_tail:
            raise ValueError(
                "real_logits and fake_logits must have the same shape after the batch axis; "
                f"got {real_logits.shape} and {fake_logits.shape}"
            )


def discriminator_loss(real_logits, fake_logits, real_label: float = 1.0) -> tf.Tensor:
    """Binary cross-entropy of the discriminator on a real batch and a fake batch.

    ``L_D = -E_data[log D(x)] - E_z[log(1 - D(G(z)))]
          = E_data[softplus(-l_real)] + E_z[softplus(l_fake)]``,

    the sum of the per-term mean cross-entropies with label 1 for real and 0 for fake,
    i.e. ``L_D = -V(D, G)`` with each expectation a batch mean. The discriminator
    maximizes V by minimizing this loss (Goodfellow et al. 2014, Algorithm 1, first
    update). At the equilibrium ``D = 1/2`` it equals ``log 4``.

    ``real_label < 1`` is one-sided label smoothing (Salimans et al. 2016, Section 3.4):
    real samples get the target ``t = real_label``, so their term becomes the cross-entropy
    ``E_data[t softplus(-l_real) + (1 - t) softplus(l_real)]`` and the optimal discriminator
    ``t p_data / (p_data + p_g)`` never becomes fully confident. Fakes keep the target 0.
    """
    real_logits = _as_logits("real_logits", real_logits)
    fake_logits = _as_logits("fake_logits", fake_logits)
    _check_same_shape(real_logits, fake_logits)
    if not 0.5 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0.5, 1]; got {real_label!r}")
    real_term = tf.nn.softplus(-real_logits)
    if real_label != 1.0:
        real_term = real_label * real_term + (1.0 - real_label) * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real_term) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss_minimax(fake_logits) -> tf.Tensor:
    """The minimax (saturating) generator loss ``E_z[log(1 - D(G(z)))] = -E_z[softplus(l_fake)]``.

    The generator's part of V, which G minimizes (Goodfellow et al. 2014, eq. 1 and
    Algorithm 1, second update). Its gradient vanishes when D confidently rejects the
    fakes (``D(G(z)) -> 0``), which is why it "saturates" early in training. At
    ``D = 1/2`` it equals ``-log 2``.
    """
    fake_logits = _as_logits("fake_logits", fake_logits)
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss_non_saturating(fake_logits) -> tf.Tensor:
    """The non-saturating generator loss ``-E_z[log D(G(z))] = E_z[softplus(-l_fake)]``.

    Instead of minimizing ``log(1 - D(G(z)))``, G maximizes ``log D(G(z))``: the same fixed
    point, but strong gradients when D rejects the fakes (Goodfellow et al. 2014,
    Section 3; Goodfellow 2016, Section 3.2.3). It is binary cross-entropy of the fakes
    against the label "real". At ``D = 1/2`` it equals ``log 2``.
    """
    fake_logits = _as_logits("fake_logits", fake_logits)
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


GENERATOR_LOSSES = {
    "minimax": generator_loss_minimax,
    "non_saturating": generator_loss_non_saturating,
}


def generator_loss(kind: str):
    """The generator loss called ``kind``: ``"minimax"`` or ``"non_saturating"``."""
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"generator loss must be one of {sorted(GENERATOR_LOSSES)}; got {kind!r}")
    return GENERATOR_LOSSES[kind]


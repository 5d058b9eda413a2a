"""Unrolled GANs (Metz, Poole, Pfau and Sohl-Dickstein 2017): the generator's update
looks ``unroll`` discriminator steps ahead, with the gradient flowing through them.

With ``theta_D^0 = theta_D`` and K = ``unroll`` steps of the paper's Eq. (7),

    theta_D^{k+1} = theta_D^k - eta * grad_{theta_D} L_D(theta_G, theta_D^k),

(gradient ascent on V with step eta, written as descent on the discriminator's loss
L_D = -V), the generator descends the surrogate loss

    L_G^K(theta_G, theta_D) = L_G(theta_G, theta_D^K(theta_G, theta_D)),

where L_G is the trainer's generator loss (the objective's, e.g. the non-saturating
E_z[-log D(G(z))]; the paper uses f = V itself). If the inner steps converge (and D can
represent the answer), theta_D^K tends to a best response to the current theta_G as K
grows, and L_G^K to L_G against it, as a function of theta_G: for V, the generator's
side of min_G max_D V; for the non-saturating loss, its value at
D*_{p_g} = p_data / (p_data + p_g),

    E_{p_g}[-log D*_{p_g}] = int p_g log((p_data + p_g) / p_data) dx
                           = log 2 + D_f(p_g || p_data),   f(u) = u log((1 + u) / 2),

an f-divergence (f convex, f(1) = 0). It is not KL(p_g || p_data) - 2 JS, the
objective whose gradient a step against D* *held fixed* follows (Arjovsky and Bottou
2017, Thm 2.5): the limit is KL - 2 JS + log 4 + E_data[log D*_{p_g}], which
depends on p_g, and the unrolled gradient follows how D* moves with p_g. (For V the
two agree: D* maximizes the function G minimizes, so its move does not count; the
non-saturating game is not zero-sum.) ``tests/lib/test_toy_unrolled.py`` checks the
limit for a Gaussian generator against a quadratic-logit discriminator. The gradient
is taken *through* the unrolled steps (their Eq. 12):
``dL_G^K/dtheta_G = dL_G/dtheta_G + dL_G/dtheta_D^K * dtheta_D^K/dtheta_G``. The second
term says how the discriminator would react to the generator's move; it needs second
derivatives, which TensorFlow's autodiff gives by differentiating the K inner gradient
steps. The discriminator itself is updated as usual (their Eq. 11): the unrolled
weights only shape the generator's gradient and are then thrown away. K = 0 is the
ordinary step.

``unrolled_step`` is one such step (one ordinary D update, then the G update through K
unrolled SGD steps of D on that update's real batch and the G update's fakes);
``UnrolledGANTrainer`` is ``gan_lib.training.GANTrainer`` with this step. The inner
steps are plain gradient steps of size ``unroll_learning_rate`` (Eq. 7), whatever
optimizer updates D itself. Departures from the paper: its Eqs. 10-11 update both
players at once from the same weights and its experiments unroll D's own optimizer
(Adam); here D takes its step first, G looks K plain SGD steps beyond the updated D, and
the inner step size does not follow D's learning-rate schedule.
"""

from __future__ import annotations

import tensorflow as tf

from gan_lib import training_data, validation
from gan_lib.train_step import Players, _record
from gan_lib.training import GANTrainer


def _loss_dtype(logits):
    """Logits as float32 for the losses (as ``gan_lib.train_step.judge`` does for mixed
    precision); float64 logits stay float64."""
    return logits if logits.dtype == tf.float64 else tf.cast(logits, tf.float32)


def unrolled_discriminator(players: Players, real, fake, unroll: int, unroll_learning_rate: float):
    """The discriminator's trainable weights after ``unroll`` SGD steps on L_D(real, fake),
    as tensors that depend differentiably on ``fake`` (hence on G's weights) and on D's
    current weights; D's variables are not changed."""
    D, objective = players.discriminator, players.objective
    weights = [tf.convert_to_tensor(w) for w in D.trainable_variables]
    fixed = [tf.convert_to_tensor(w) for w in D.non_trainable_variables]
    for _ in range(unroll):
        with tf.GradientTape() as tape:
            tape.watch(weights)
            real_logits, _ = D.stateless_call(weights, fixed, real, training=True)
            fake_logits, _ = D.stateless_call(weights, fixed, fake, training=True)
            d_loss = objective.discriminator_loss(_loss_dtype(real_logits), _loss_dtype(fake_logits))
        grads = tape.gradient(d_loss, weights)
        weights = [w - tf.cast(unroll_learning_rate, w.dtype) * g for w, g in zip(weights, grads)]
    return weights, fixed


def surrogate_generator_loss(players: Players, real, noise, unroll: int, unroll_learning_rate: float):
    """L_G^K: the generator's loss on ``G(noise)`` against the discriminator unrolled
    ``unroll`` SGD steps on (``real``, ``G(noise)``). Differentiate it with respect to G's
    weights inside a ``tf.GradientTape`` to get the unrolled gradient."""
    fake = players.generator(noise, training=True)
    weights, fixed = unrolled_discriminator(players, real, fake, unroll, unroll_learning_rate)
    logits, _ = players.discriminator.stateless_call(weights, fixed, fake, training=True)
    return players.objective.generator_loss(_loss_dtype(logits))


def unrolled_step(players: Players, real, d_noise, g_noise, unroll: int, unroll_learning_rate: float):
    """One step of the unrolled GAN: D descends L_D on (``real``, G(``d_noise``)) with its
    optimizer, then G descends the surrogate L_G^K on G(``g_noise``), unrolled from the
    updated D on ``real``. With ``unroll=0`` this is Algorithm 1's step with k = 1
    (``gan_lib.train_step.train_step``). Returns the step's record, as that step does."""
    G, D, objective = players.generator, players.discriminator, players.objective
    with tf.GradientTape() as tape:
        real_logits = tf.cast(D(real, training=True), tf.float32)
        fake_logits = tf.cast(D(G(d_noise, training=True), training=True), tf.float32)
        d_loss = objective.discriminator_loss(real_logits, fake_logits)
    grads = tape.gradient(d_loss, D.trainable_variables)
    players.discriminator_optimizer.apply_gradients(zip(grads, D.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = surrogate_generator_loss(players, real, g_noise, unroll, unroll_learning_rate)
    grads = tape.gradient(g_loss, G.trainable_variables)
    players.generator_optimizer.apply_gradients(zip(grads, G.trainable_variables))
    return _record(objective, d_loss, g_loss, tf.constant(0.0), real_logits, fake_logits)


class UnrolledGANTrainer(GANTrainer):
    """``GANTrainer`` whose step is :func:`unrolled_step` with K = ``unroll`` (>= 0)
    inner SGD steps of size ``unroll_learning_rate`` (> 0). Everything else (seeded
    draws, compiled calls, history, callbacks, checkpoints) is ``GANTrainer``'s. One D
    update per step; no penalty, augmentation, labels, EMA or strategy. The history's
    ``g_loss`` is the surrogate L_G^K, not the loss against the current D."""

    def __init__(self, generator, discriminator, *, unroll: int, unroll_learning_rate: float, **options):
        self.unroll = validation.check_integer("unroll", unroll, at_least=0)
        self.unroll_learning_rate = validation.check_number(
            "unroll_learning_rate", unroll_learning_rate, greater_than=0)
        for name in ("num_classes", "strategy", "augment", "ema_decay"):
            if options.get(name) is not None:
                raise ValueError(f"UnrolledGANTrainer does not support {name}; got {options[name]!r}")
        if options.get("d_steps", 1) != 1 or options.get("update", "alternating") != "alternating":
            raise ValueError("UnrolledGANTrainer takes one D update per step (d_steps=1, "
                             f"update='alternating'); got {options}")
        super().__init__(generator, discriminator, **options)
        if self.objective.penalty is not None:
            raise ValueError("UnrolledGANTrainer does not unroll a penalty; use an objective without one")

    def _draw_and_step(self, source, inputs, row, t):
        real, _, noise = training_data.draw_step(source, inputs, row, self.seed, t, 1, 2, self.noise_dim)
        return unrolled_step(self.players, real[0], noise[0], noise[1], self.unroll,
                             self.unroll_learning_rate)

"""GAN losses computed from discriminator logits, numerically stable.

Notation (the book's notation page, ``notation.md``; Goodfellow et al. 2014): the
discriminator outputs a logit ``l``; ``D = sigmoid(l)`` is the
probability that the input is real. The value function of Goodfellow et al. (2014),
eq. (1), is ``V(D, G) = E_data[log D(x)] + E_z[log(1 - D(G(z)))]``.

Everything is written with the identities

    log D       = log sigmoid(l)     = -softplus(-l)
    log(1 - D)  = log sigmoid(-l)    = -softplus(l)

so no probability is ever rounded to 0 or 1 before its logarithm is taken: the losses
stay finite and their gradients exact for logits of any size (``log(sigmoid(l))``
overflows to ``-inf`` near ``l = -750`` in float64 and near ``l = -104`` in float32).

Logits are checked by ``gan_lib.validation.check_logits``: real-valued, not empty and,
called eagerly, finite (a NaN logit is an error, not a NaN loss). Integer logits become
float32; real and fake logits of different float dtypes are both cast to the wider one
(float32 with float64 gives float64), and the loss has that dtype.

**Names.** Every loss function is called ``<game>_<player>_loss``: ``<game>`` is the name
under which :data:`GAMES` registers the game (``minimax``, ``non_saturating``, ``f_gan``,
``wasserstein``, ``hinge``, ``lsgan``), ``<player>`` is ``generator``, ``discriminator`` or, where
the game's paper calls D a critic (f-GAN's variational function, WGAN), ``critic``. The
minimax and the non-saturating game differ only in G's loss; D's loss is the minimax
game's in both (Goodfellow 2016, Sec. 3.2.3), so there is one
:func:`minimax_discriminator_loss`. Penalties on D are ``<name>_penalty``.

**The registry.** :data:`GAMES` maps a game's name to how it is built, its options and
their defaults; :func:`objective` (``objective("wasserstein", gp_weight=10.0)``) is the
only place where a game's name becomes a loss. A divergence's name (``objective("f_gan",
divergence="kl")``, :func:`f_gan_critic_loss`) is looked up in :data:`F_GAN_ACTIVATIONS`
and :data:`F_GAN_CONJUGATES`. ``GANTrainer(objective=...)``, the toy trainer
factory (``gan_lib.toy.models.make_trainer``), the image recipes (``Recipe.loss``) and
``gan-book train --loss`` all take a registered name. Adding a game is its two loss
functions and one entry in :data:`GAMES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf

from gan_lib.validation import check_logit_pair, check_logits, check_number


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

    ``probability_outputs`` says what D's output means, and so how the trainer reports
    D's mean outputs (history keys ``d_real`` and ``d_fake``): ``True`` for the
    cross-entropy games, where the output is a logit and they are the mean
    ``D = sigmoid(l)`` (1/2 at equilibrium); ``False`` for critics (Wasserstein, hinge,
    f-GAN, least squares), where they are the mean raw output ``l``.

    Build one with :func:`objective` from a registered name.
    """

    name: str
    discriminator_loss: Callable
    generator_loss: Callable
    penalty: Callable | None = None
    probability_outputs: bool = True


def _check_same_shape(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> None:
    if real_logits.shape.rank is not None and fake_logits.shape.rank is not None:
        real_tail, fake_tail = real_logits.shape[1:], fake_logits.shape[1:]
        if real_tail != fake_tail:
            raise ValueError(
                "real_logits and fake_logits must have the same shape after the batch axis; "
                f"got {real_logits.shape} and {fake_logits.shape}"
            )


def _check_real_label(real_label) -> float:
    return check_number("real_label", real_label, greater_than=0.5, at_most=1)


def minimax_discriminator_loss(real_logits, fake_logits, real_label: float = 1.0) -> tf.Tensor:
    """Binary cross-entropy of the discriminator on a real batch and a fake batch.

    ``L_D = -E_data[log D(x)] - E_z[log(1 - D(G(z)))]
          = E_data[softplus(-l_real)] + E_z[softplus(l_fake)]``,

    the sum of the per-term mean cross-entropies with label 1 for real and 0 for fake,
    i.e. ``L_D = -V(D, G)`` with each expectation a batch mean. The discriminator
    maximizes V by minimizing this loss (Goodfellow et al. 2014, Algorithm 1, first
    update). At the equilibrium ``D = 1/2`` it equals ``log 4``. The non-saturating game
    keeps this discriminator loss (Goodfellow 2016, Sec. 3.2.3).

    ``real_label < 1`` is one-sided label smoothing (Salimans et al. 2016, Section 3.4):
    real samples get the target ``t = real_label``, so their term becomes the cross-entropy
    ``E_data[t softplus(-l_real) + (1 - t) softplus(l_real)]`` and the optimal discriminator
    ``t p_data / (p_data + p_g)`` never becomes fully confident. Fakes keep the target 0.
    """
    real_logits, fake_logits = check_logit_pair("real_logits", real_logits, "fake_logits", fake_logits)
    _check_same_shape(real_logits, fake_logits)
    real_label = _check_real_label(real_label)
    real_term = tf.nn.softplus(-real_logits)
    if real_label != 1.0:
        real_term = real_label * real_term + (1.0 - real_label) * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real_term) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def minimax_generator_loss(fake_logits) -> tf.Tensor:
    """The minimax (saturating) generator loss ``E_z[log(1 - D(G(z)))] = -E_z[softplus(l_fake)]``.

    The generator's part of V, which G minimizes (Goodfellow et al. 2014, eq. 1 and
    Algorithm 1, second update). Its gradient vanishes when D confidently rejects the
    fakes (``D(G(z)) -> 0``), which is why it "saturates" early in training. At
    ``D = 1/2`` it equals ``-log 2``.
    """
    fake_logits = check_logits("fake_logits", fake_logits)
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits) -> tf.Tensor:
    """The non-saturating generator loss ``-E_z[log D(G(z))] = E_z[softplus(-l_fake)]``.

    Instead of minimizing ``log(1 - D(G(z)))``, G maximizes ``log D(G(z))``: the same fixed
    point, but strong gradients when D rejects the fakes (Goodfellow et al. 2014,
    Section 3; Goodfellow 2016, Section 3.2.3). It is binary cross-entropy of the fakes
    against the label "real". At ``D = 1/2`` it equals ``log 2``.
    """
    fake_logits = check_logits("fake_logits", fake_logits)
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def _cross_entropy_game(name: str, generator_loss: Callable, real_label: float = 1.0) -> Objective:
    """The game of Goodfellow et al. (2014): D descends :func:`minimax_discriminator_loss`
    (with ``real_label`` for one-sided label smoothing), G ``generator_loss``."""
    label = _check_real_label(real_label)

    def d_loss(real_logits, fake_logits):
        return minimax_discriminator_loss(real_logits, fake_logits, label)

    return Objective(name + (f"(real_label={label})" if label != 1.0 else ""), d_loss, generator_loss)


# ----- beyond Jensen-Shannon: f-GAN, Wasserstein, gradient penalty, hinge ----------------
#
# The f-GAN (Nowozin, Cseke and Tomioka 2016) trains a critic network with output v(x)
# (any real number; for the "gan" divergence it is the discriminator's logit) and feeds it
# through an output activation g_f into the domain of the conjugate f*: T(x) = g_f(v(x)).
# For each divergence, F_GAN_ACTIVATIONS[name] is g_f and F_GAN_CONJUGATES[name] is the
# composition f*(g_f(v)), simplified so that it is finite and exact for every v. They are
# the TensorFlow twins of gan_lib.divergences.DIVERGENCES (tests/lib/test_losses_beyond_js.py
# checks that they agree with its NumPy f* and g_f).

_LOG_2 = 0.6931471805599453

F_GAN_ACTIVATIONS = {
    "kl": lambda v: v,  # T = v
    "reverse_kl": lambda v: -tf.exp(-v),  # T < 0
    "pearson": lambda v: v,  # T = v
    "squared_hellinger": lambda v: -tf.math.expm1(-v),  # T = 1 - e^-v < 1
    "jensen_shannon": lambda v: 0.5 * (_LOG_2 - tf.nn.softplus(-v)),  # T < log(2)/2
    "gan": lambda v: -tf.nn.softplus(-v),  # T = log sigmoid(v) = log D < 0
    "total_variation": lambda v: 0.5 * tf.tanh(v),  # |T| < 1/2
}

F_GAN_CONJUGATES = {
    "kl": lambda v: tf.exp(v - 1.0),  # f*(t) = e^(t-1)
    "reverse_kl": lambda v: v - 1.0,  # f*(t) = -1 - log(-t) at t = -e^-v
    "pearson": lambda v: tf.where(v >= -2.0, v + tf.square(v) / 4.0, -tf.ones_like(v)),
    "squared_hellinger": lambda v: tf.math.expm1(v),  # t / (1 - t) at t = 1 - e^-v
    "jensen_shannon": lambda v: 0.5 * (tf.nn.softplus(v) - _LOG_2),  # -log(2 - e^2t)/2
    "gan": lambda v: tf.nn.softplus(v),  # -log(1 - e^t) at t = log sigmoid(v): -log(1 - D)
    "total_variation": lambda v: 0.5 * tf.tanh(v),  # f*(t) = t on |t| <= 1/2
}

def _check_divergence(divergence: str) -> None:
    if divergence not in F_GAN_ACTIVATIONS:
        raise ValueError(f"divergence must be one of {sorted(F_GAN_ACTIVATIONS)}; got {divergence!r}")


def f_gan_critic_loss(real_outputs, fake_outputs, divergence: str) -> tf.Tensor:
    """Minus the f-GAN objective: ``-(E_P[g_f(v(x))] - E_Q[f*(g_f(v(x)))])``.

    P is the data (``real_outputs`` = v on a real batch), Q the generator
    (``fake_outputs``). The critic maximizes the variational lower bound
    ``E_P[T] - E_Q[f*(T)] <= D_f(P || Q)`` (Nguyen, Wainwright and Jordan 2010, Lemma 1)
    by minimizing this loss; at the optimal critic ``T* = f'(p/q)`` the loss is
    ``-D_f(P || Q)``. Nowozin, Cseke and Tomioka (2016), eq. (6) and Table 2. For
    ``divergence="gan"`` it is the discriminator's binary cross-entropy
    (:func:`minimax_discriminator_loss`), ``-V(D, G)``.
    """
    _check_divergence(divergence)
    real = check_logits("real_outputs", real_outputs)
    fake = check_logits("fake_outputs", fake_outputs)
    _check_same_shape(real, fake)
    bound = tf.reduce_mean(F_GAN_ACTIVATIONS[divergence](real)) - tf.reduce_mean(
        F_GAN_CONJUGATES[divergence](fake)
    )
    return -bound


def f_gan_generator_loss(fake_outputs, divergence: str) -> tf.Tensor:
    """The generator's part of the f-GAN objective, ``-E_Q[f*(g_f(v(G(z))))]``.

    The generator minimizes the objective ``E_P[T] - E_Q[f*(T)]`` that the critic
    maximizes; only the second term depends on it (Nowozin, Cseke and Tomioka 2016,
    eq. 6, the saddle-point form). Against the optimal critic it descends
    ``D_f(P || Q_theta)``. For ``divergence="gan"`` it is the minimax generator loss
    ``E_z[log(1 - D(G(z)))]`` (:func:`minimax_generator_loss`).
    """
    _check_divergence(divergence)
    fake = check_logits("fake_outputs", fake_outputs)
    return -tf.reduce_mean(F_GAN_CONJUGATES[divergence](fake))


def wasserstein_critic_loss(real_outputs, fake_outputs) -> tf.Tensor:
    """``E_Q[f(x)] - E_P[f(x)]``: minus the Kantorovich-Rubinstein objective.

    ``W1(P, Q) = sup_{||f||_L <= 1} E_P[f] - E_Q[f]`` (Kantorovich-Rubinstein duality, as used
    by Arjovsky, Chintala and Bottou 2017, Sec. 3; Villani 2009); the critic
    ``f`` (``real_outputs`` on data, ``fake_outputs`` on generated samples; no activation)
    maximizes it by minimizing this loss, and must be kept near 1-Lipschitz by weight
    clipping (Arjovsky, Chintala and Bottou 2017, Algorithm 1), a gradient penalty
    (:func:`gradient_penalty`) or spectral normalization (Miyato et al. 2018).
    """
    real = check_logits("real_outputs", real_outputs)
    fake = check_logits("fake_outputs", fake_outputs)
    _check_same_shape(real, fake)
    return tf.reduce_mean(fake) - tf.reduce_mean(real)


def wasserstein_generator_loss(fake_outputs) -> tf.Tensor:
    """``-E_Q[f(G(z))]``: the generator descends the critic's estimate of ``W1`` (its only term
    that depends on G). Arjovsky, Chintala and Bottou (2017), Algorithm 1."""
    return -tf.reduce_mean(check_logits("fake_outputs", fake_outputs))


def gradient_penalty(critic, real, fake, seed, weight: float = 10.0, side: str = "two_sided") -> tf.Tensor:
    """``lambda E_xhat[(||grad_x f(xhat)||_2 - 1)^2]`` with ``xhat = eps x + (1 - eps) G(z)``.

    Gulrajani et al. (2017), Algorithm 1: one ``eps ~ U[0, 1]`` per sample pair, drawn
    here with ``tf.random.stateless_uniform(seed)`` (``seed``: shape (2,) integers) so that
    runs are reproducible; ``lambda = weight`` (10 in the paper). The norm is over all
    axes of one sample. The penalty pushes the critic's gradient norm towards 1 on the
    lines between real and generated samples, where the optimal critic has norm 1.
    It is added to the critic's loss; the trainer differentiates it again with respect to
    the critic's weights (a second-order gradient). ``critic`` is called as
    ``critic(x)``: the signature of :attr:`Objective.penalty`.

    ``side="one_sided"`` penalizes only norms above 1,
    ``lambda E_xhat[max(0, ||grad_x f(xhat)||_2 - 1)^2]``: the Lipschitz penalty of
    Petzka, Fischer and Lukovnikov (2018), for whom the constraint ``||grad f|| <= 1`` is
    an inequality that a critic with flatter slopes does not violate. ``gan_lib`` applies
    it, as its own choice, at WGAN-GP's interpolates ``xhat`` above.
    """
    if not callable(critic):
        raise TypeError(f"critic must be a Keras model or function; got {critic!r}")
    weight = check_number("weight (lambda)", weight, at_least=0)
    _check_side(side)
    real = tf.convert_to_tensor(real)
    fake = tf.cast(tf.convert_to_tensor(fake), real.dtype)
    if not real.dtype.is_floating:
        raise TypeError(f"real must be a floating-point batch of samples; got dtype {real.dtype.name}")
    if not real.shape.is_compatible_with(fake.shape) or real.shape.rank in (None, 0):
        raise ValueError(f"real and fake must be batches of the same shape; got {real.shape} and {fake.shape}")
    eps_shape = tf.concat([tf.shape(real)[:1], tf.ones([real.shape.rank - 1], tf.int32)], axis=0)
    eps = tf.random.stateless_uniform(eps_shape, seed=seed, dtype=real.dtype)
    mixed = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        outputs = critic(mixed)
    grads = tape.gradient(outputs, mixed)
    axes = tf.range(1, tf.rank(grads))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + 1e-12)
    excess = norms - 1.0
    if side == "one_sided":
        excess = tf.nn.relu(excess)
    return weight * tf.reduce_mean(tf.square(excess))


GRADIENT_PENALTY_SIDES = ("two_sided", "one_sided")


def _check_side(side: str) -> None:
    if side not in GRADIENT_PENALTY_SIDES:
        raise ValueError(f"penalty side must be one of {GRADIENT_PENALTY_SIDES}; got {side!r}")


def r1_penalty(discriminator, real, weight: float = 1.0) -> tf.Tensor:
    """``(gamma / 2) E_data[||grad_x l(x)||_2^2]`` on the real batch, ``gamma = weight``.

    The R1 regularizer of Mescheder, Geiger and Nowozin (2018), eq. (9): it penalizes the
    gradient of D's logit ``l`` on real data only. At the equilibrium ``p_g = p_data`` the
    best discriminator is constant, so the penalty is zero there and does not move the
    equilibrium; away from it, it keeps D from growing steep slopes around the real
    samples, which makes the game converge locally (their Theorem 4.1) where the plain
    game oscillates. Like :func:`gradient_penalty` it is differentiated again with respect
    to D's weights. The norm is over all axes of one sample.
    """
    if not callable(discriminator):
        raise TypeError(f"discriminator must be a Keras model or function; got {discriminator!r}")
    weight = check_number("weight (gamma)", weight, at_least=0)
    real = tf.convert_to_tensor(real)
    with tf.GradientTape() as tape:
        tape.watch(real)
        logits = tf.cast(discriminator(real), tf.float32)
    grads = tf.cast(tape.gradient(logits, real), tf.float32)
    squared_norms = tf.reduce_sum(tf.square(grads), axis=tf.range(1, tf.rank(grads)))
    return 0.5 * weight * tf.reduce_mean(squared_norms)


def with_r1(objective: Objective, weight: float) -> Objective:
    """``objective`` with :func:`r1_penalty` (``gamma = weight``) added to D's loss."""
    if objective.penalty is not None:
        raise ValueError(f"{objective.name} already has a penalty")
    weight = check_number("weight (gamma)", weight, at_least=0)
    return Objective(
        f"{objective.name} + r1(gamma={weight})",
        objective.discriminator_loss,
        objective.generator_loss,
        penalty=lambda discriminator, real, fake, seed: r1_penalty(discriminator, real, weight),
        probability_outputs=objective.probability_outputs,
    )


def hinge_discriminator_loss(real_logits, fake_logits) -> tf.Tensor:
    """``E_data[max(0, 1 - l_real)] + E_z[max(0, 1 + l_fake)]``.

    The hinge loss of Lim and Ye (2017), used with spectral normalization by Miyato et
    al. (2018): a real sample stops contributing once it scores at least +1, a fake once it
    scores at most -1. Pointwise, ``p (1 - l) + q (1 + l)`` on ``[-1, 1]`` is linear in
    ``l``, so the best discriminator is ``sign(p_data - p_g)``, where the loss equals
    ``2 - 2 TV(p_data, p_g)`` (total variation).
    """
    real = check_logits("real_logits", real_logits)
    fake = check_logits("fake_logits", fake_logits)
    _check_same_shape(real, fake)
    return tf.reduce_mean(tf.nn.relu(1.0 - real)) + tf.reduce_mean(tf.nn.relu(1.0 + fake))


def hinge_generator_loss(fake_logits) -> tf.Tensor:
    """``-E_z[l(G(z))]``, the generator's loss with a hinge discriminator (Lim and Ye 2017;
    Miyato et al. 2018)."""
    return -tf.reduce_mean(check_logits("fake_logits", fake_logits))


def lsgan_discriminator_loss(real_outputs, fake_outputs, a: float = 0.0, b: float = 1.0) -> tf.Tensor:
    """``1/2 E_data[(D(x) - b)^2] + 1/2 E_z[(D(G(z)) - a)^2]``: least squares towards the
    target ``b`` for real samples and ``a`` for fakes (Mao et al. 2017, eq. 2). ``D`` is the
    raw output (no sigmoid). For fixed G the best output is
    ``D*(x) = (b p_data(x) + a p_g(x)) / (p_data(x) + p_g(x))`` (their eq. 4)."""
    real = check_logits("real_outputs", real_outputs)
    fake = check_logits("fake_outputs", fake_outputs)
    _check_same_shape(real, fake)
    return 0.5 * tf.reduce_mean(tf.square(real - b)) + 0.5 * tf.reduce_mean(tf.square(fake - a))


def lsgan_generator_loss(fake_outputs, c: float = 1.0) -> tf.Tensor:
    """``1/2 E_z[(D(G(z)) - c)^2]``: G pulls D's output on its samples towards ``c``
    (Mao et al. 2017, eq. 2)."""
    return 0.5 * tf.reduce_mean(tf.square(check_logits("fake_outputs", fake_outputs) - c))


def _lsgan_game(a: float = 0.0, b: float = 1.0, c: float = 1.0) -> Objective:
    """LSGAN (Mao et al. 2017) with targets ``a`` (fakes, for D), ``b`` (real, for D) and
    ``c`` (fakes, for G). The default ``a, b, c = 0, 1, 1`` is the paper's 0-1 coding,
    eq. (9); ``a, b, c = -1, 1, 0`` satisfies their ``b - c = 1, b - a = 2`` (eq. 8), under
    which G's loss evaluated at the best D equals (their Sec. 3.2)

        1/2 chi^2_Pearson(p_data + p_g || 2 p_g)
            = 1/2 integral (2 p_g - (p_data + p_g))^2 / (p_data + p_g) dx = chi^2(p_g || m),

    with ``m = (p_data + p_g) / 2`` and ``chi^2(P || Q) = integral (P - Q)^2 / Q dx``. This
    holds for the paper's eq. (3) G loss, which adds ``1/2 E_data[(D(x) - c)^2]`` to
    :func:`lsgan_generator_loss`; that term does not depend on G, so omitting it (as
    :func:`lsgan_generator_loss` does) leaves G's gradient unchanged. The game is not
    zero-sum, so a G step against a fixed best D does not follow the gradient of this
    chi^2: it descends ``F(p_g) = integral p_data (phi(p_g / p_data) - phi(1)) dx`` with
    ``phi'(r) = 1/2 ((b - c) + (a - c) r)^2 / (1 + r)^2`` (chapter 8, "Least squares GAN")."""
    a, b, c = (check_number(name, value) for name, value in (("a", a), ("b", b), ("c", c)))
    if a == b:
        raise ValueError(f"the targets a (fakes) and b (real) must differ; got a = b = {a}")
    return Objective(
        f"lsgan(a={a}, b={b}, c={c})",
        lambda real, fake: lsgan_discriminator_loss(real, fake, a, b),
        lambda fake: lsgan_generator_loss(fake, c),
        probability_outputs=False,
    )


def _f_gan_game(divergence: str) -> Objective:
    """The f-GAN of ``divergence`` (a key of :data:`F_GAN_ACTIVATIONS`): the critic descends
    :func:`f_gan_critic_loss`, the generator :func:`f_gan_generator_loss`."""
    _check_divergence(divergence)
    return Objective(
        f"f_gan(divergence={divergence})",
        lambda real, fake: f_gan_critic_loss(real, fake, divergence),
        lambda fake: f_gan_generator_loss(fake, divergence),
        probability_outputs=False,
    )


def _wasserstein_game(gp_weight: float = 10.0, penalty: str = "two_sided") -> Objective:
    """WGAN-GP (Gulrajani et al. 2017): the Wasserstein losses and :func:`gradient_penalty`
    with ``lambda = gp_weight``. The paper pairs it with 5 critic updates per generator
    update and Adam(1e-4, beta_1 = 0, beta_2 = 0.9). ``penalty="one_sided"`` penalizes
    only gradient norms above 1 (Petzka, Fischer and Lukovnikov 2018; applied here, as in
    :func:`gradient_penalty` with ``side``, at WGAN-GP's interpolates). ``gp_weight = 0`` adds no penalty and
    leaves the critic unconstrained, so the Wasserstein losses alone let it grow without
    bound: it is sound only with a Lipschitz constraint imposed elsewhere (spectral
    normalization of the critic's layers, e.g. ``Recipe(d_spectral_norm=True)``, or weight
    clipping)."""
    gp_weight = check_number("gp_weight (lambda)", gp_weight, at_least=0)
    if not isinstance(penalty, str):
        raise TypeError(f"penalty must be one of {GRADIENT_PENALTY_SIDES}; got {penalty!r}")
    _check_side(penalty)
    side = penalty
    penalty_fn = None
    if gp_weight:
        def penalty_fn(critic, real, fake, seed):
            return gradient_penalty(critic, real, fake, seed, gp_weight, side)
    name = f"wasserstein(gp_weight={gp_weight}" + (", penalty=one_sided)" if side == "one_sided" else ")")
    return Objective(name, wasserstein_critic_loss,
                     wasserstein_generator_loss, penalty=penalty_fn, probability_outputs=False)


def _hinge_game() -> Objective:
    """The hinge game (Lim and Ye 2017; Miyato et al. 2018)."""
    return Objective("hinge", hinge_discriminator_loss, hinge_generator_loss, probability_outputs=False)


# ----- the registry: the one place where a game's name becomes a loss -----------------------

@dataclass(frozen=True)
class Game:
    """A registered game: ``build(**options) -> Objective``, its options with their
    defaults (``None``: required) and its source."""

    build: Callable[..., Objective]
    options: dict
    source: str


GAMES: dict[str, Game] = {
    "minimax": Game(
        lambda real_label: _cross_entropy_game("minimax", minimax_generator_loss, real_label),
        {"real_label": 1.0}, "Goodfellow et al. 2014, eq. (1) and Algorithm 1"),
    "non_saturating": Game(
        lambda real_label: _cross_entropy_game("non_saturating", non_saturating_generator_loss, real_label),
        {"real_label": 1.0}, "Goodfellow et al. 2014, Sec. 3; Goodfellow 2016, Sec. 3.2.3"),
    "f_gan": Game(_f_gan_game, {"divergence": None}, "Nowozin, Cseke and Tomioka 2016, eq. (6), Table 2"),
    "wasserstein": Game(_wasserstein_game, {"gp_weight": 10.0, "penalty": "two_sided"},
                        "Arjovsky, Chintala and Bottou 2017; Gulrajani et al. 2017 (gradient penalty); "
                        "Petzka, Fischer and Lukovnikov 2018 (one-sided penalty)"),
    "hinge": Game(_hinge_game, {}, "Lim and Ye 2017; Miyato et al. 2018"),
    "lsgan": Game(_lsgan_game, {"a": 0.0, "b": 1.0, "c": 1.0}, "Mao et al. 2017, eq. (2) and (9)"),
}


def objective(name: str, **options) -> Objective:
    """The :class:`Objective` of the game registered as ``name`` in :data:`GAMES`, with
    ``options`` (each game's own, e.g. ``real_label`` for ``"non_saturating"``,
    ``divergence`` for ``"f_gan"``, ``gp_weight`` and ``penalty`` for ``"wasserstein"``); options not
    given take their defaults."""
    if not isinstance(name, str):
        raise TypeError(f"a loss is named by a string, one of {sorted(GAMES)}; got {name!r}")
    if name not in GAMES:
        raise ValueError(f"loss must be one of {sorted(GAMES)}; got {name!r}")
    game = GAMES[name]
    unknown = sorted(set(options) - set(game.options))
    if unknown:
        raise ValueError(f"the {name} loss takes the options {sorted(game.options) or 'none'}; got {unknown}")
    arguments = {**game.options, **options}
    missing = [option for option, value in arguments.items() if value is None]
    if missing:
        raise ValueError(f"the {name} loss needs the option(s) {missing}")
    return game.build(**arguments)

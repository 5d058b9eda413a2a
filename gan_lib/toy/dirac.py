"""The Dirac-GAN: a GAN with one generator and one discriminator parameter, exactly.

Mescheder, Geiger and Nowozin (2018), "Which training methods for GANs do actually
converge?", Section 2.2: the data distribution is the point mass ``delta_0``, the
generator is ``G = delta_theta`` and the discriminator is linear, ``D_psi(x) = psi x``.
With their eq. (1) the training objective becomes

    L(theta, psi) = f(psi theta) + f(0),

which the discriminator maximizes and the generator minimizes; ``f(t) = -log(1 + e^-t)``
gives the GAN of Goodfellow et al. (2014) and ``f(t) = t`` the WGAN. The unique
equilibrium is ``theta = psi = 0``. Gradient training follows the vector field

    v(theta, psi) = (-dL/dtheta, dL/dpsi) = (-psi f'(psi theta), theta f'(psi theta))

(their Section 2.2). The games of :data:`DIRAC_GAMES`:

- ``"gan"``: ``f(t) = -log(1 + e^-t)``, ``f'(t) = sigmoid(-t)``, ``f'(0) = 1/2``;
- ``"non_saturating"``: the same D, and G descends ``-f(-psi theta)``, so
  ``v_theta = -psi f'(-psi theta)`` (same Jacobian at the equilibrium);
- ``"wgan"``: ``f(t) = t``; weight clipping ``|psi| <= clip`` is applied by
  :func:`simulate` after each discriminator step;
- ``"wgan_gp"``: ``f(t) = t`` and D also descends the WGAN-GP penalty, which for
  ``D_psi`` (gradient ``psi`` everywhere) is ``(gamma / 2) (|psi| - g0)^2``:
  ``v_psi = theta - gamma (|psi| - g0) sign(psi)`` (their Section 3, with the
  penalty's target ``g0``; 1 in Gulrajani et al. 2017). The field jumps at ``psi = 0``
  (by ``2 gamma g0``), so it has no Jacobian at the equilibrium;
- ``"gan_r1"``: the GAN with the zero-centred penalty R1 ``(gamma / 2) psi^2`` on D
  (their eq. 9): ``v_psi = theta f'(psi theta) - gamma psi``.

At the equilibrium the Jacobian is ``[[0, -f'(0)], [f'(0), -gamma_r1]]``: eigenvalues
``+-i f'(0)`` without R1 (purely imaginary: their Lemma 2.2; gradient descent does not
converge locally, their Section 2), and ``-gamma/2 +- sqrt(gamma^2/4 - f'(0)^2)`` with
it (real parts negative: locally convergent, their Section 3; for general GANs their
Theorem 4.1, under the assumptions stated there).
"""

from __future__ import annotations

import numpy as np

from gan_lib.validation import check_integer, check_number

DIRAC_GAMES = ("gan", "non_saturating", "wgan", "wgan_gp", "gan_r1")


def _sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))  # overflow-free


def _check_game(game: str) -> None:
    if game not in DIRAC_GAMES:
        raise ValueError(f"game must be one of {DIRAC_GAMES}; got {game!r}")


def _f_prime(game: str, t):
    """``f'(t)`` and ``f''(t)`` of the game's ``f``."""
    if game in ("wgan", "wgan_gp"):
        return np.ones_like(t), np.zeros_like(t)
    s = _sigmoid(-t)
    return s, -s * (1.0 - s)


def vector_field(theta, psi, game: str, gamma: float = 1.0, g0: float = 1.0):
    """``(v_theta, v_psi)`` of the Dirac-GAN ``game`` at ``(theta, psi)`` (arrays broadcast).

    ``gamma`` is the penalty weight of ``"wgan_gp"`` and ``"gan_r1"`` (ignored by the
    others), ``g0`` the WGAN-GP penalty's target gradient norm.
    """
    _check_game(game)
    gamma = check_number("gamma", gamma, at_least=0)
    g0 = check_number("g0", g0, at_least=0)
    theta, psi = np.asarray(theta, float), np.asarray(psi, float)
    d1, _ = _f_prime(game, psi * theta)
    v_psi = theta * d1
    if game == "non_saturating":
        v_theta = -psi * _f_prime(game, -psi * theta)[0]
    else:
        v_theta = -psi * d1
    if game == "wgan_gp":
        v_psi = v_psi - gamma * (np.abs(psi) - g0) * np.sign(psi)
    elif game == "gan_r1":
        v_psi = v_psi - gamma * psi
    return v_theta, v_psi


def jacobian(theta: float, psi: float, game: str, gamma: float = 1.0) -> np.ndarray:
    """The 2x2 Jacobian ``d(v_theta, v_psi) / d(theta, psi)`` in closed form.

    For ``"wgan_gp"`` it exists only off the line ``psi = 0`` (the penalty's kink).
    """
    _check_game(game)
    gamma = check_number("gamma", gamma, at_least=0)
    theta = check_number("theta", theta)
    psi = check_number("psi", psi)
    if game == "wgan_gp" and psi == 0:
        raise ValueError("the wgan_gp field jumps at psi = 0: it has no Jacobian there")
    t = psi * theta
    d1, d2 = _f_prime(game, t)
    if game == "non_saturating":
        n1, n2 = _f_prime(game, -t)
        row_theta = [psi**2 * n2, -n1 + t * n2]
    else:
        row_theta = [-(psi**2) * d2, -d1 - t * d2]
    row_psi = [d1 + t * d2, theta**2 * d2]
    if game in ("wgan_gp", "gan_r1"):
        row_psi[1] -= gamma
    return np.array([row_theta, row_psi], dtype=float)


def equilibrium_eigenvalues(game: str, gamma: float = 1.0) -> np.ndarray:
    """Eigenvalues of the Jacobian at ``(0, 0)``, in closed form (Mescheder et al. 2018,
    Lemma 2.2, and Section 3 for R1): ``+-i f'(0)``, or ``-gamma/2 +- sqrt(gamma^2/4 - f'(0)^2)``
    for ``"gan_r1"``. ``"wgan_gp"`` has none (its field is not differentiable there)."""
    _check_game(game)
    gamma = check_number("gamma", gamma, at_least=0)
    if game == "wgan_gp":
        raise ValueError("the wgan_gp field jumps at psi = 0: no Jacobian at the equilibrium")
    slope = 1.0 if game == "wgan" else 0.5  # f'(0)
    shift = gamma / 2 if game == "gan_r1" else 0.0
    root = np.sqrt(complex(shift**2 - slope**2))
    return np.array([-shift + root, -shift - root])


def update_matrix(game: str, step: float, alternating: bool, gamma: float = 1.0) -> np.ndarray:
    """The Jacobian at ``(0, 0)`` of one training step of :func:`simulate`, linearized.

    Simultaneous: ``I + h J``. Alternating (D first, then G at the new ``psi``): the
    product of ``[[1, 0], [h J21, 1 + h J22]]`` (D's step) and
    ``[[1 + h J11, h J12], [0, 1]]`` (G's step). The iteration converges locally iff the
    spectral radius is below 1 (Mescheder et al. 2018, Appendix A).
    """
    step = check_number("step", step, greater_than=0)
    j = jacobian(0.0, 0.0, game, gamma)
    if not alternating:
        return np.eye(2) + step * j
    d_step = np.array([[1.0, 0.0], [step * j[1, 0], 1.0 + step * j[1, 1]]])
    g_step = np.array([[1.0 + step * j[0, 0], step * j[0, 1]], [0.0, 1.0]])
    return g_step @ d_step


def simulate(theta0: float, psi0: float, game: str, step: float, n_steps: int, *,
             alternating: bool = False, gamma: float = 1.0, g0: float = 1.0,
             clip: float | None = None) -> np.ndarray:
    """``n_steps`` gradient steps of size ``step`` from ``(theta0, psi0)``; rows ``(theta, psi)``.

    Simultaneous: ``x <- x + h v(x)``. Alternating: D first,
    ``psi <- psi + h v_psi(theta, psi)``, then ``theta <- theta + h v_theta(theta, psi)`` at
    the new ``psi``. ``clip`` (WGAN's weight clipping) sets ``psi`` to ``[-clip, clip]``
    after each discriminator step. Returns an array of shape ``(n_steps + 1, 2)``.
    """
    theta = check_number("theta0", theta0)
    psi = check_number("psi0", psi0)
    step = check_number("step", step, greater_than=0)
    n_steps = check_integer("n_steps", n_steps, at_least=1)
    if clip is not None:
        clip = check_number("clip", clip, greater_than=0)
    path = np.empty((n_steps + 1, 2))
    path[0] = theta, psi
    for k in range(1, n_steps + 1):
        v_theta, v_psi = vector_field(theta, psi, game, gamma, g0)
        psi = psi + step * float(v_psi)
        if clip is not None:
            psi = min(max(psi, -clip), clip)
        if alternating:
            v_theta, _ = vector_field(theta, psi, game, gamma, g0)
        theta = theta + step * float(v_theta)
        path[k] = theta, psi
    return path

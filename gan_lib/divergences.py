"""f-divergences and the Wasserstein-1 distance of 1-D densities: what GANs minimize.

NumPy and SciPy only, natural logarithms, divergences in nats.

An **f-divergence** (Csiszar 1967; Ali and Silvey 1966) compares a density ``p`` with a
density ``q`` through a convex generator ``f`` with ``f(1) = 0``:

    D_f(P || Q) = E_{x~Q}[f(p(x) / q(x))] = integral q(x) f(p(x) / q(x)) dx.

Its **convex conjugate** ``f*(t) = sup_u [t u - f(u)]`` gives the variational lower bound
of Nguyen, Wainwright and Jordan (2010),

    D_f(P || Q) >= sup_T  E_{x~P}[T(x)] - E_{x~Q}[f*(T(x))],

with equality for the **optimal critic** ``T*(x) = f'(p(x) / q(x))``. The f-GAN of
Nowozin, Cseke and Tomioka (2016) trains a network ``v(x)`` and feeds it through an
**output activation** ``g_f`` whose range lies in the domain of ``f*``, ``T = g_f(v)``
(their Table 2). :data:`DIVERGENCES` holds, for each divergence, ``f``, ``f*`` and its
domain, ``T*`` and ``g_f``; the TensorFlow losses built from them are in
``gan_lib.losses``.

The **Wasserstein-1 distance** of 1-D distributions is the area between their CDFs,
``W1(P, Q) = integral |F_P(x) - F_Q(x)| dx`` (Vallender 1973), and by Kantorovich-Rubinstein
duality (Villani 2009)
``W1 = sup_{||f||_L <= 1} E_P[f] - E_Q[f]``.

Quadrature uses ``gan_lib.probability.expectation_quadrature`` under the midpoint
``M = (P + Q) / 2``: with ``a = log(p/m)`` and ``b = log(q/m)`` (both at most ``log 2``),
``D_f = E_M[(q/m) f(p/q)]``, and each divergence writes ``(q/m) f(p/q)`` in ``a`` and ``b``
(:attr:`FDivergence.weighted`), so that nothing overflows where one density underflows
and disjoint supports give the right limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special

from gan_lib.probability import LOG_2, Gaussian, expectation_quadrature, kl_gaussians

DENSITY_METHODS = ("pdf", "logpdf", "support", "breakpoints")


def _neg_inf_safe(values, log_weight):
    """``values``, with 0 wherever ``log_weight`` is -inf (limits such as 0 log 0 = 0)."""
    return np.where(np.isneginf(log_weight), 0.0, values)


def _x_log_x_exp(a):
    """``e^a a``, the limit 0 at ``a = -inf`` (that is, ``r log r`` with ``r = e^a``)."""
    with np.errstate(invalid="ignore"):
        return _neg_inf_safe(np.exp(a) * a, a)


def _on_domain(t, upper: float, formula: Callable):
    """``formula(t)`` where ``t < upper``, the domain of ``f*``; ``+inf`` (the conjugate's
    value outside its domain) elsewhere."""
    t = np.asarray(t, dtype=float)
    out = np.full(t.shape, np.inf)
    inside = t < upper
    out[inside] = formula(t[inside])
    return out if out.ndim else float(out)


@dataclass(frozen=True)
class FDivergence:
    """One row of Table 2 of Nowozin, Cseke and Tomioka (2016), in NumPy.

    ``generator(u)`` is ``f(u)`` for ``u = p/q >= 0``; ``conjugate(t)`` is
    ``f*(t) = sup_{u >= 0} [t u - f(u)]``, ``+inf`` outside ``conjugate_domain`` (an open
    upper end: ``t < conjugate_domain[1]``, closed for total variation, see its entry);
    ``critic_of_log_ratio(r)`` is ``T* = f'(e^r)`` written in the log-ratio
    ``r = log p - log q``; ``activation(v)`` maps a network output ``v`` (any real) into
    the domain of ``f*``; ``weighted(a, b)`` is ``(q/m) f(p/q)`` with ``a = log(p/m)``,
    ``b = log(q/m)``, ``m = (p + q)/2``; ``bounds`` is the range of ``D_f``.
    """

    name: str
    label: str
    generator: Callable
    conjugate: Callable
    conjugate_domain: tuple[float, float]
    critic_of_log_ratio: Callable
    activation: Callable
    weighted: Callable
    bounds: tuple[float, float]

    def optimal_critic(self, p, q) -> Callable:
        """``T*(x) = f'(p(x) / q(x))``, computed from ``log p(x) - log q(x)``."""
        _check_density("p", p)
        _check_density("q", q)

        def critic(x):
            with np.errstate(invalid="ignore"):
                return self.critic_of_log_ratio(p.logpdf(x) - q.logpdf(x))

        return critic


def _pearson_weighted(a, b):
    """``(q/m) (p/q - 1)^2 = e^b expm1(a - b)^2``; ``+inf`` where ``q = 0 < p``."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(np.isneginf(b), np.inf, np.exp(b) * np.expm1(a - b) ** 2)


def _pearson_conjugate(t):
    """``sup_{u >= 0} [t u - (u - 1)^2]`` = ``t + t^2/4`` for ``t >= -2`` (at ``u = 1 + t/2``),
    and ``-1`` (at ``u = 0``) below. Nowozin et al. list ``t + t^2/4`` on all of R, the
    conjugate of ``(u - 1)^2`` extended to ``u < 0``; both agree where ``T*`` lives."""
    t = np.asarray(t, dtype=float)
    return np.where(t >= -2.0, t + t**2 / 4.0, -1.0)


def _total_variation_conjugate(t):
    """``sup_{u >= 0} [t u - |u - 1|/2]`` = ``t`` on ``[-1/2, 1/2]``, ``-1/2`` below, ``+inf`` above."""
    t = np.asarray(t, dtype=float)
    return np.where(t <= 0.5, np.maximum(t, -0.5), np.inf)


def _minus_log(u):
    """``-log u``, ``+inf`` at ``u = 0``."""
    with np.errstate(divide="ignore"):
        return -np.log(u)


def _gan_generator(u):
    """``u log u - (u + 1) log(u + 1)``; the JS generator is half of it plus ``(u + 1) log(2) / 2``."""
    u = np.asarray(u, dtype=float)
    return special.xlogy(u, u) - (u + 1.0) * np.log1p(u)


DIVERGENCES: dict[str, FDivergence] = {
    d.name: d
    for d in (
        # KL(P || Q): f(u) = u log u, f*(t) = e^(t-1), T* = 1 + log(p/q), g_f(v) = v.
        FDivergence(
            name="kl",
            label=r"$\mathrm{KL}(P\,\|\,Q)$",
            generator=lambda u: special.xlogy(u, u),
            conjugate=lambda t: np.exp(np.asarray(t, dtype=float) - 1.0),
            conjugate_domain=(-np.inf, np.inf),
            critic_of_log_ratio=lambda r: 1.0 + r,
            activation=lambda v: np.asarray(v, dtype=float),
            weighted=lambda a, b: _neg_inf_safe(np.exp(a) * (a - b), a),
            bounds=(0.0, np.inf),
        ),
        # Reverse KL = KL(Q || P): f(u) = -log u, f*(t) = -1 - log(-t) (t < 0), T* = -q/p,
        # g_f(v) = -e^(-v).
        FDivergence(
            name="reverse_kl",
            label=r"$\mathrm{KL}(Q\,\|\,P)$",
            generator=_minus_log,
            conjugate=lambda t: _on_domain(t, 0.0, lambda s: -1.0 - np.log(-s)),
            conjugate_domain=(-np.inf, 0.0),
            critic_of_log_ratio=lambda r: -np.exp(-r),
            activation=lambda v: -np.exp(-np.asarray(v, dtype=float)),
            weighted=lambda a, b: _neg_inf_safe(np.exp(b) * (b - a), b),
            bounds=(0.0, np.inf),
        ),
        # Pearson chi^2 = integral (p - q)^2 / q: f(u) = (u - 1)^2, T* = 2 (p/q - 1), g_f(v) = v.
        FDivergence(
            name="pearson",
            label=r"Pearson $\chi^2(P\,\|\,Q)$",
            generator=lambda u: (np.asarray(u, dtype=float) - 1.0) ** 2,
            conjugate=_pearson_conjugate,
            conjugate_domain=(-np.inf, np.inf),
            critic_of_log_ratio=lambda r: 2.0 * np.expm1(r),
            activation=lambda v: np.asarray(v, dtype=float),
            weighted=_pearson_weighted,
            bounds=(0.0, np.inf),
        ),
        # Squared Hellinger = integral (sqrt p - sqrt q)^2 (in [0, 2]; some texts halve it):
        # f(u) = (sqrt u - 1)^2, f*(t) = t / (1 - t) (t < 1), T* = 1 - sqrt(q/p),
        # g_f(v) = 1 - e^(-v).
        FDivergence(
            name="squared_hellinger",
            label=r"squared Hellinger $H^2(P, Q)$",
            generator=lambda u: (np.sqrt(u) - 1.0) ** 2,
            conjugate=lambda t: _on_domain(t, 1.0, lambda s: s / (1.0 - s)),
            conjugate_domain=(-np.inf, 1.0),
            critic_of_log_ratio=lambda r: -np.expm1(-np.asarray(r, dtype=float) / 2.0),
            activation=lambda v: -np.expm1(-np.asarray(v, dtype=float)),
            weighted=lambda a, b: (np.exp(a / 2.0) - np.exp(b / 2.0)) ** 2,
            bounds=(0.0, 2.0),
        ),
        # Jensen-Shannon, the JS of chapter 1 (in [0, log 2]):
        # f(u) = [u log u - (u + 1) log((u + 1)/2)] / 2, half the generator of Nowozin et al.,
        # so f*(t) = -log(2 - e^(2t)) / 2 (t < log(2)/2), T* = log(2 p / (p + q)) / 2 and
        # g_f(v) = (log 2 - log(1 + e^(-v))) / 2 (scaling f by c maps f*(t) to c f*(t/c)).
        FDivergence(
            name="jensen_shannon",
            label=r"$\mathrm{JS}(P, Q)$",
            generator=lambda u: 0.5 * _gan_generator(u) + LOG_2 * (np.asarray(u) + 1.0) / 2.0,
            conjugate=lambda t: _on_domain(
                t, LOG_2 / 2.0, lambda s: -0.5 * np.log(2.0 - np.exp(2.0 * s))
            ),
            conjugate_domain=(-np.inf, LOG_2 / 2.0),
            critic_of_log_ratio=lambda r: (
                0.5 * (LOG_2 - np.logaddexp(0.0, -np.asarray(r, dtype=float)))
            ),
            activation=lambda v: 0.5 * (LOG_2 - np.logaddexp(0.0, -np.asarray(v, dtype=float))),
            weighted=lambda a, b: 0.5 * (_x_log_x_exp(a) + _x_log_x_exp(b)),
            bounds=(0.0, LOG_2),
        ),
        # The GAN's scaling (Goodfellow et al. 2014; Nowozin et al.'s "GAN" row):
        # f(u) = u log u - (u + 1) log(u + 1), D_f = 2 JS - log 4 = C(G), f*(t) = -log(1 - e^t)
        # (t < 0), T* = log(p / (p + q)) = log D*, g_f(v) = -log(1 + e^(-v)) = log sigmoid(v).
        FDivergence(
            name="gan",
            label=r"GAN: $2\,\mathrm{JS}(P, Q) - \log 4$",
            generator=_gan_generator,
            conjugate=lambda t: _on_domain(t, 0.0, lambda s: -np.log(-np.expm1(s))),
            conjugate_domain=(-np.inf, 0.0),
            critic_of_log_ratio=lambda r: -np.logaddexp(0.0, -np.asarray(r, dtype=float)),
            activation=lambda v: -np.logaddexp(0.0, -np.asarray(v, dtype=float)),
            weighted=lambda a, b: _x_log_x_exp(a) + _x_log_x_exp(b) - 2.0 * LOG_2,
            bounds=(-2.0 * LOG_2, 0.0),
        ),
        # Total variation = integral |p - q| / 2 (in [0, 1]): f(u) = |u - 1|/2,
        # f*(t) = t on |t| <= 1/2, T* = sign(p - q)/2, g_f(v) = tanh(v)/2.
        FDivergence(
            name="total_variation",
            label=r"total variation $\mathrm{TV}(P, Q)$",
            generator=lambda u: 0.5 * np.abs(np.asarray(u, dtype=float) - 1.0),
            conjugate=_total_variation_conjugate,
            conjugate_domain=(-np.inf, 0.5),
            critic_of_log_ratio=lambda r: 0.5 * np.sign(r),
            activation=lambda v: 0.5 * np.tanh(v),
            weighted=lambda a, b: 0.5 * np.abs(np.exp(a) - np.exp(b)),
            bounds=(0.0, 1.0),
        ),
    )
}


def divergence(name: str) -> FDivergence:
    """The :class:`FDivergence` called ``name`` (a key of :data:`DIVERGENCES`)."""
    if not isinstance(name, str) or name not in DIVERGENCES:
        raise ValueError(f"divergence must be one of {sorted(DIVERGENCES)}; got {name!r}")
    return DIVERGENCES[name]


def _check_density(name: str, density) -> None:
    missing = [m for m in DENSITY_METHODS if not callable(getattr(density, m, None))]
    if missing:
        raise TypeError(
            f"{name} must be a 1-D density of gan_lib.probability (with {', '.join(DENSITY_METHODS)}); "
            f"got {type(density).__name__}, which lacks {', '.join(missing)}"
        )


@dataclass(frozen=True)
class Midpoint:
    """The density ``m = (p + q) / 2``, in log space: ``log m = logaddexp(log p, log q) - log 2``."""

    p: object
    q: object

    def logpdf(self, x):
        return np.logaddexp(self.p.logpdf(x), self.q.logpdf(x)) - LOG_2

    def pdf(self, x):
        return np.exp(self.logpdf(x))

    def support(self) -> tuple[float, float]:
        (a, b), (c, d) = self.p.support(), self.q.support()
        return (min(a, c), max(b, d))

    def breakpoints(self) -> list[float]:
        return sorted(
            {*self.p.breakpoints(), *self.q.breakpoints(), *self.p.support(), *self.q.support()}
        )


def _log_weights(p, q, x):
    """``a = log(p/m)``, ``b = log(q/m)`` and ``log m`` at ``x``, for ``m = (p + q)/2``."""
    log_p, log_q = p.logpdf(x), q.logpdf(x)
    log_m = np.logaddexp(log_p, log_q) - LOG_2
    with np.errstate(invalid="ignore"):
        return log_p - log_m, log_q - log_m, log_m


def _tail_mass(integrand: Callable, end: float, inward: float, negligible: float) -> float:
    """The integral of ``integrand`` beyond ``end``, extrapolated from its decay over the last
    step ``inward`` as an exponential (``g(end) |inward| / log(g(end + inward) / g(end))``,
    an overestimate for Gaussian tails); 0 where ``g(end) <= negligible``, ``inf`` when it
    does not decay there."""
    far, near = integrand(end), integrand(end + inward)
    if far <= negligible:
        return 0.0
    if not near > far:
        return np.inf
    return far * abs(inward) / np.log(near / far)


def f_divergence(p, q, name: str) -> float:
    """``D_f(P || Q) = integral q f(p/q) dx`` by quadrature, for the divergence ``name``.

    Integrated as ``E_M[(q/m) f(p/q)]`` under the midpoint ``M = (P + Q)/2`` with
    ``gan_lib.probability.expectation_quadrature`` (see the module docstring); ``+inf``
    when the integral diverges (e.g. KL with ``q = 0`` where ``p > 0``).

    The integral covers the densities' supports, which hold all but about 1e-30 of their
    mass. When the integrand has not decayed at their ends (a Pearson chi^2 of a
    Gaussian against one less than ``1/sqrt(2)`` as wide, which is infinite, or of
    Gaussians so far apart that ``p^2/q`` peaks outside both supports), the result would
    be truncated, and a ``ValueError`` says so; :func:`closed_form_gaussians` has them.
    """
    div = divergence(name)
    _check_density("p", p)
    _check_density("q", q)
    midpoint = Midpoint(p, q)

    def integrand(x):
        a, b, log_m = _log_weights(p, q, x)
        with np.errstate(invalid="ignore", over="ignore"):
            return _neg_inf_safe(div.weighted(a, b), log_m)  # m = 0: no mass, no contribution

    with np.errstate(over="ignore", invalid="ignore"):
        value = expectation_quadrature(integrand, midpoint)
    if not np.isfinite(value):
        return np.inf
    lo, hi = midpoint.support()
    step = (hi - lo) / 200

    def weighted_integrand(x):
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.abs(midpoint.pdf(x) * integrand(np.asarray(x))))

    tolerance = 1e-8 * max(1.0, abs(value))
    tails = sum(
        _tail_mass(weighted_integrand, end, inward, negligible=tolerance / (hi - lo))
        for end, inward in ((lo, step), (hi, -step))
    )
    if not tails <= tolerance:
        raise ValueError(
            f"the {name} integrand has not decayed at the ends of the supports [{lo:.4g}, {hi:.4g}] "
            "(the divergence is infinite, or its mass lies outside them): quadrature would "
            "truncate it; for Gaussians use closed_form_gaussians"
        )
    return float(value)


def f_divergence_on_grid(p, q, name: str, grid) -> float:
    """``D_f(P || Q)`` by the trapezoid rule on a fixed, increasing ``grid``: the same
    log-space integrand as :func:`f_divergence`, fast enough for an optimizer that
    evaluates it hundreds of times (accurate when the grid is fine and covers both
    supports)."""
    div = divergence(name)
    _check_density("p", p)
    _check_density("q", q)
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or not (np.diff(grid) > 0).all():
        raise ValueError("grid must be an increasing 1-D array of at least 2 points")
    a, b, log_m = _log_weights(p, q, grid)
    with np.errstate(invalid="ignore", over="ignore"):
        values = _neg_inf_safe(np.exp(log_m) * div.weighted(a, b), log_m)
    return float(integrate.trapezoid(values, grid))


def variational_bound(p, q, name: str, critic: Callable) -> float:
    """``E_{x~P}[T(x)] - E_{x~Q}[f*(T(x))]`` by quadrature, for a critic ``T = critic(x)``.

    Nguyen, Wainwright and Jordan (2010), Lemma 1: at most ``D_f(P || Q)`` for every ``T``,
    equal at ``T* = f'(p/q)``. Both terms are integrated over both supports, as
    ``E_M[(p/m) T - (q/m) f*(T)]`` (``T*`` can be huge where ``p`` is tiny: for reverse KL
    ``T* = -q/p``). A critic that leaves the domain of ``f*`` where ``Q`` has mass gets
    ``-inf``.
    """
    div = divergence(name)
    _check_density("p", p)
    _check_density("q", q)
    if not callable(critic):
        raise TypeError(f"critic must be a function of x; got {critic!r}")
    midpoint = Midpoint(p, q)

    def integrand(x):
        a, b, log_m = _log_weights(p, q, x)
        t = np.asarray(critic(x), dtype=float)
        with np.errstate(invalid="ignore", over="ignore"):
            real = np.where(np.exp(a) > 0, np.exp(a) * t, 0.0)
            fake = np.where(np.exp(b) > 0, np.exp(b) * div.conjugate(t), 0.0)
        return _neg_inf_safe(real - fake, log_m)

    with np.errstate(over="ignore", invalid="ignore"):
        value = expectation_quadrature(integrand, midpoint)
    return float(value) if np.isfinite(value) else -np.inf


# ----- closed forms for two Gaussians --------------------------------------------------


def _check_gaussians(p, q) -> None:
    for name, d in (("p", p), ("q", q)):
        if not isinstance(d, Gaussian):
            raise TypeError(
                f"{name} must be a gan_lib.probability.Gaussian; got {type(d).__name__}"
            )


def pearson_gaussians(p: Gaussian, q: Gaussian) -> float:
    """Pearson ``chi^2(N(m1, s1^2) || N(m2, s2^2)) = integral p^2/q - 1``

    ``= s2^2 / (s1 sqrt(2 s2^2 - s1^2)) exp((m1 - m2)^2 / (2 s2^2 - s1^2)) - 1``,

    finite only for ``2 s2^2 > s1^2`` (otherwise ``+inf``): complete the square in
    ``p^2/q``, a Gaussian integrand when the coefficient of ``x^2`` is negative.
    """
    _check_gaussians(p, q)
    spread = 2.0 * q.sigma**2 - p.sigma**2
    if spread <= 0:
        return np.inf
    return float(
        q.sigma**2 / (p.sigma * np.sqrt(spread)) * np.exp((p.mu - q.mu) ** 2 / spread) - 1.0
    )


def squared_hellinger_gaussians(p: Gaussian, q: Gaussian) -> float:
    """``integral (sqrt p - sqrt q)^2 = 2 (1 - BC)`` with the Bhattacharyya coefficient

    ``BC = integral sqrt(p q) = sqrt(2 s1 s2 / (s1^2 + s2^2)) exp(-(m1 - m2)^2 / (4 (s1^2 + s2^2)))``.
    """
    _check_gaussians(p, q)
    total = p.sigma**2 + q.sigma**2
    log_bc = 0.5 * np.log(2.0 * p.sigma * q.sigma / total) - (p.mu - q.mu) ** 2 / (4.0 * total)
    return float(-2.0 * np.expm1(log_bc))


def total_variation_gaussians(p: Gaussian, q: Gaussian) -> float:
    """``TV = integral |p - q| / 2 = (1/2) sum_R |P(R) - Q(R)|`` over the intervals ``R``
    between the points where ``p = q``: ``log p = log q`` is a quadratic in ``x`` with at
    most two roots, and on each interval the sign of ``p - q`` is constant."""
    _check_gaussians(p, q)
    # log p - log q = A x^2 + B x + C
    a = 0.5 / q.sigma**2 - 0.5 / p.sigma**2
    b = p.mu / p.sigma**2 - q.mu / q.sigma**2
    c = q.mu**2 / (2 * q.sigma**2) - p.mu**2 / (2 * p.sigma**2) + np.log(q.sigma / p.sigma)
    if a == 0.0:
        roots = [] if b == 0.0 else [-c / b]
    else:
        discriminant = b * b - 4 * a * c
        roots = [] if discriminant <= 0 else sorted(np.roots([a, b, c]).real.tolist())
    edges = np.array([-np.inf, *roots, np.inf])
    masses = np.diff(p.cdf(edges)) - np.diff(q.cdf(edges))
    return float(0.5 * np.abs(masses).sum())


def closed_form_gaussians(p: Gaussian, q: Gaussian, name: str) -> float:
    """``D_f`` of two Gaussians in closed form: KL, reverse KL, Pearson chi^2, squared
    Hellinger and total variation (JS has none: its integrand mixes the densities inside
    a logarithm)."""
    forms = {
        "kl": lambda: kl_gaussians(p, q),
        "reverse_kl": lambda: kl_gaussians(q, p),
        "pearson": lambda: pearson_gaussians(p, q),
        "squared_hellinger": lambda: squared_hellinger_gaussians(p, q),
        "total_variation": lambda: total_variation_gaussians(p, q),
    }
    divergence(name)
    if name not in forms:
        raise ValueError(f"no closed form for {name!r}; closed forms exist for {sorted(forms)}")
    _check_gaussians(p, q)
    return forms[name]()


# ----- Wasserstein-1 ---------------------------------------------------------------------


def _check_cdf(name: str, density) -> None:
    _check_density(name, density)
    if not callable(getattr(density, "cdf", None)):
        raise TypeError(
            f"{name} needs a cdf method for the Wasserstein distance; {type(density).__name__} has none"
        )


def wasserstein_1(p, q) -> float:
    """``W1(P, Q) = integral |F_P(x) - F_Q(x)| dx`` by quadrature over both supports, split
    at the densities' breakpoints (1-D only: in higher dimensions W1 is an optimal
    transport problem without this formula)."""
    _check_cdf("p", p)
    _check_cdf("q", q)
    midpoint = Midpoint(p, q)
    lo, hi = midpoint.support()
    cuts = sorted({lo, hi, *[c for c in midpoint.breakpoints() if lo < c < hi]})
    total = 0.0
    for left, right in zip(cuts[:-1], cuts[1:]):
        value, _ = integrate.quad(
            lambda x: abs(float(p.cdf(x)) - float(q.cdf(x))),
            left,
            right,
            limit=500,
            epsabs=1e-13,
            epsrel=1e-11,
        )
        total += value
    return total


def optimal_wasserstein_critic(p, q, grid) -> np.ndarray:
    """A maximizer of ``E_P[f] - E_Q[f]`` over 1-Lipschitz ``f``, on an increasing ``grid``.

    Integrating by parts, ``E_P[f] - E_Q[f] = integral f'(x) (F_Q(x) - F_P(x)) dx``, which
    ``|f'| <= 1`` maximizes with ``f' = sign(F_Q - F_P)``; the value is then ``W1``. ``f``
    is defined up to a constant: here ``f(grid[0]) = 0`` (cumulative trapezoid rule).
    """
    _check_cdf("p", p)
    _check_cdf("q", q)
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or not (np.diff(grid) > 0).all():
        raise ValueError("grid must be an increasing 1-D array of at least 2 points")
    slope = np.sign(q.cdf(grid) - p.cdf(grid))
    return integrate.cumulative_trapezoid(slope, grid, initial=0.0)

"""1-D densities, expectations and divergences: the probability behind GANs.

NumPy and SciPy only (no TensorFlow), natural logarithms, divergences in nats.

Notation (the book's notation page, ``notation.md``, after Goodfellow et al. 2014): data
density ``p_data``, generator density ``p_g``, a discriminator ``D(x)`` is the
probability that ``x`` is real, and the value function is
``V(D, G) = E_{x~p_data}[log D(x)] + E_{x~p_g}[log(1 - D(x))]``.

Every quantity is available by quadrature (``scipy.integrate.quad`` over an interval
that holds all but ~1e-30 of the mass, cut at every Gaussian component's mean and at
3 and 12 of its standard deviations on either side: accurate to 1e-6 nats or
better for standard-deviation ratios up to 1e4 and means 30 standard deviations apart,
tests/test_probability_accuracy.py); expectations also by Monte Carlo with a standard
error, so that a chapter can compute each quantity two ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import integrate, special

from gan_lib.validation import check_array, check_integer, check_number, check_rng

LOG_2 = float(np.log(2.0))
MIXTURE_WEIGHT_TOLERANCE = 1e-8
# Gaussian mass outside mu +- 12 sigma is about 3.6e-33: negligible at any tolerance we use.
TAIL_SIGMAS = 12.0
# Where quadrature cuts the line for each Gaussian (component), in its own standard
# deviations from its mean: every piece then sees each density at its own scale, so a
# narrow component inside a wide one is never stepped over (see ``_quad``).
CUTS_IN_SIGMAS = (-12.0, -3.0, 0.0, 3.0, 12.0)


class Density(Protocol):
    """What the functions of this module need from a 1-D density."""

    def pdf(self, x): ...

    def logpdf(self, x): ...

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray: ...

    def support(self) -> tuple[float, float]: ...

    def breakpoints(self) -> list[float]: ...


def _check_points(x) -> np.ndarray:
    """Evaluation points as a float array of any shape. NaN is an error; ``+-inf`` is
    allowed (a density is 0 there, a CDF 0 or 1)."""
    try:
        array = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"x must be real numbers; got {x!r:.60}") from error
    if np.isnan(array).any():
        raise ValueError("x contains NaN; densities are only defined at real numbers")
    return array


def _check_densities(**densities) -> None:
    """Densities of this module, or objects with their methods (the ``Density`` protocol)."""
    for name, density in densities.items():
        methods = ("pdf", "logpdf", "support", "breakpoints")
        missing = [m for m in methods if not callable(getattr(density, m, None))]
        if missing:
            raise TypeError(
                f"{name} must be a density of gan_lib.probability (Gaussian, GaussianMixture, "
                f"Pushforward) or have their methods; got {type(density).__name__}, which "
                f"lacks {', '.join(missing)}"
            )


def _check_sample_size(n) -> int:
    return check_integer("n (the number of samples)", n, at_least=1)


@dataclass(frozen=True)
class Gaussian:
    """The normal density ``N(mu, sigma^2)``: ``exp(-(x-mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi))``."""

    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "mu", check_number("mu", self.mu))
        object.__setattr__(self, "sigma", check_number("sigma", self.sigma, greater_than=0))

    def logpdf(self, x):
        z = (_check_points(x) - self.mu) / self.sigma
        return -0.5 * z**2 - np.log(self.sigma) - 0.5 * np.log(2.0 * np.pi)

    def pdf(self, x):
        return np.exp(self.logpdf(x))

    def cdf(self, x):
        """``P(X <= x) = Phi((x - mu) / sigma)``, with ``Phi`` the standard normal CDF."""
        return special.ndtr((_check_points(x) - self.mu) / self.sigma)

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        return check_rng("rng", rng).normal(self.mu, self.sigma, size=_check_sample_size(n))

    def mean(self) -> float:
        return self.mu

    def var(self) -> float:
        return self.sigma**2

    def support(self) -> tuple[float, float]:
        return (self.mu - TAIL_SIGMAS * self.sigma, self.mu + TAIL_SIGMAS * self.sigma)

    def breakpoints(self) -> list[float]:
        return [self.mu + k * self.sigma for k in CUTS_IN_SIGMAS]


@dataclass(frozen=True)
class GaussianMixture:
    """A mixture ``sum_k w_k N(mu_k, sigma_k^2)`` with weights ``w_k >= 0`` summing to 1."""

    weights: tuple[float, ...]
    mus: tuple[float, ...]
    sigmas: tuple[float, ...]

    def __post_init__(self):
        weights, mus, sigmas = (
            check_array(name, getattr(self, name), ndim=1) for name in ("weights", "mus", "sigmas")
        )
        if not len(weights) == len(mus) == len(sigmas):
            raise ValueError(
                "weights, mus and sigmas must be of equal length; got lengths "
                f"{len(weights)}, {len(mus)}, {len(sigmas)}"
            )
        if (sigmas <= 0).any():
            raise ValueError(f"every sigma must be positive; got {sigmas.tolist()}")
        if (weights < 0).any():
            raise ValueError(f"weights must be non-negative; got {weights.tolist()}")
        if abs(weights.sum() - 1.0) > MIXTURE_WEIGHT_TOLERANCE:
            raise ValueError(f"weights must sum to 1; they sum to {weights.sum():.10g}")
        object.__setattr__(self, "weights", tuple(weights.tolist()))
        object.__setattr__(self, "mus", tuple(mus.tolist()))
        object.__setattr__(self, "sigmas", tuple(sigmas.tolist()))

    @property
    def components(self) -> list[Gaussian]:
        return [Gaussian(m, s) for m, s in zip(self.mus, self.sigmas)]

    def logpdf(self, x):
        x = _check_points(x)
        logs = [np.log(w) + c.logpdf(x) for w, c in zip(self.weights, self.components) if w > 0]
        return special.logsumexp(np.stack(logs), axis=0)

    def pdf(self, x):
        return np.exp(self.logpdf(x))

    def cdf(self, x):
        """``P(X <= x) = sum_k w_k Phi((x - mu_k) / sigma_k)``."""
        x = _check_points(x)
        return sum(w * c.cdf(x) for w, c in zip(self.weights, self.components))

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        rng = check_rng("rng", rng)
        n = _check_sample_size(n)
        which = rng.choice(len(self.weights), size=n, p=np.asarray(self.weights))
        return rng.normal(np.asarray(self.mus)[which], np.asarray(self.sigmas)[which])

    def mean(self) -> float:
        return float(np.dot(self.weights, self.mus))

    def var(self) -> float:
        second = np.dot(self.weights, np.square(self.sigmas) + np.square(self.mus))
        return float(second - self.mean() ** 2)

    def support(self) -> tuple[float, float]:
        bounds = [c.support() for c in self.components]
        return (min(b[0] for b in bounds), max(b[1] for b in bounds))

    def breakpoints(self) -> list[float]:
        return [b for component in self.components for b in component.breakpoints()]


@dataclass(frozen=True)
class Pushforward:
    """The density of ``x = g(z)`` with ``z ~ base``, for a strictly monotone, differentiable ``g``.

    Change of variables (e.g. Bishop 2006, eq. 1.27): probability mass is conserved on every
    small interval, ``p_x(x) |dx| = p_z(z) |dz|``, hence on the image of ``g``

        p_x(x) = p_z(g^{-1}(x)) |d g^{-1}(x) / dx|,

    and ``p_x = 0`` outside it. A generator with one-dimensional noise is such a ``g``; its
    pushforward density is what the GAN literature calls ``p_g``. ``forward`` is ``g``,
    ``inverse`` is ``g^{-1}`` and ``inverse_derivative`` is ``d g^{-1}/dx``, all written with
    NumPy so that they act elementwise and ``forward(+-inf)`` gives the limits of ``g``.

    The three functions are checked against each other on 101 points of the middle half of
    the base's support (``g`` monotone, ``g^{-1}(g(z)) = z``, ``d g^{-1}/dx = 1/g'(z)`` by
    central differences), so that a wrong inverse or Jacobian is an error, not a wrong density.
    """

    base: Density
    forward: Callable
    inverse: Callable
    inverse_derivative: Callable

    def __post_init__(self):
        _check_densities(base=self.base)
        for name in ("forward", "inverse", "inverse_derivative"):
            if not callable(getattr(self, name)):
                raise TypeError(f"{name} must be a function; got {getattr(self, name)!r}")
        with np.errstate(all="ignore"):
            limits = np.asarray(self.forward(np.array([-np.inf, np.inf])), dtype=float)
        if limits.shape != (2,) or np.isnan(limits).any() or limits[0] == limits[1]:
            raise ValueError(
                "forward must be strictly monotone on the real line, with limits that NumPy "
                f"evaluates at -inf and +inf; forward([-inf, inf]) gave {limits.tolist()}"
            )
        object.__setattr__(self, "_increasing", bool(limits[1] > limits[0]))
        object.__setattr__(self, "_image", (float(limits.min()), float(limits.max())))
        lo, hi = self.base.support()
        z = np.linspace(0.75 * lo + 0.25 * hi, 0.25 * lo + 0.75 * hi, 101)
        x = np.asarray(self.forward(z), dtype=float)
        steps = np.diff(x) if self._increasing else -np.diff(x)
        if not np.isfinite(x).all() or (steps <= 0).any():
            raise ValueError("forward must be finite and strictly monotone on the base's support")
        if not np.allclose(self.inverse(x), z, rtol=1e-6, atol=1e-6):
            raise ValueError("inverse is not the inverse of forward: inverse(forward(z)) != z")
        # d g^{-1}/dx = 1 / g'(z), with g' by central differences (which stay inside the image).
        dz = 1e-6 * (hi - lo)
        numeric = 2 * dz / (self.forward(z + dz) - self.forward(z - dz))
        if not np.allclose(self.inverse_derivative(x), numeric, rtol=1e-4, atol=0):
            raise ValueError("inverse_derivative does not match 1 / g'(z) by central differences")

    def logpdf(self, x):
        x = _check_points(x)
        flat = np.atleast_1d(x).ravel()
        out = np.full(flat.shape, -np.inf)
        inside = (flat > self._image[0]) & (flat < self._image[1])
        t = flat[inside]
        with np.errstate(divide="ignore"):
            out[inside] = self.base.logpdf(self.inverse(t)) + np.log(
                np.abs(self.inverse_derivative(t))
            )
        return out.reshape(x.shape)

    def pdf(self, x):
        return np.exp(self.logpdf(x))

    def cdf(self, x):
        """``P(X <= x) = P(Z <= g^{-1}(x))`` for increasing ``g``, ``P(Z >= g^{-1}(x))`` for
        decreasing ``g``; needs ``base.cdf``."""
        x = _check_points(x)
        flat = np.atleast_1d(x).ravel()
        out = (flat >= self._image[1]).astype(float)
        inside = (flat > self._image[0]) & (flat < self._image[1])
        below = self.base.cdf(self.inverse(flat[inside]))
        out[inside] = below if self._increasing else 1.0 - below
        return out.reshape(x.shape)

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        return np.asarray(self.forward(self.base.sample(n, rng)), dtype=float)

    def support(self) -> tuple[float, float]:
        ends = np.asarray(self.forward(np.asarray(self.base.support())), dtype=float)
        return (float(ends.min()), float(ends.max()))

    def breakpoints(self) -> list[float]:
        """Images of the base's breakpoints and of 25 evenly spaced points of its support: ``g``
        can stretch the support enormously (``sinh(12) ~ 8e4``), and quadrature must be told
        where the mass is."""
        lo, hi = self.base.support()
        z = np.concatenate([self.base.breakpoints(), np.linspace(lo, hi, 25)])
        return sorted({float(b) for b in np.asarray(self.forward(z), dtype=float)})


def _quad(integrand: Callable, densities: list[Density]) -> float:
    """Integrate ``integrand`` over the union of the densities' supports, cut at every
    density's breakpoints (for a Gaussian component: its mean and 3 and 12 standard
    deviations on either side).

    ``scipy.integrate.quad`` samples each piece at 21 Gauss-Kronrod points before it
    refines, so a feature much narrower than the piece that holds it can fall between
    the points and be missed without any error estimate saying so: cut only at the
    means, KL(N(5, 0.01^2) || N(5, 50^2)) came out 0 instead of 8.017 nats. With every
    component's own cuts, each piece holds each density at a scale it resolves.
    """
    lo = min(d.support()[0] for d in densities)
    hi = max(d.support()[1] for d in densities)
    cuts = sorted({lo, hi, *[b for d in densities for b in d.breakpoints() if lo < b < hi]})
    total = 0.0
    for a, b in zip(cuts[:-1], cuts[1:]):
        value, _ = integrate.quad(
            lambda t: float(integrand(np.asarray(t))), a, b, limit=500, epsabs=1e-13, epsrel=1e-11
        )
        total += value
    return total


def _density_times(log_p, value):
    """``p(x) value(x)`` from ``log p``, taken as 0 where ``p = 0`` whatever ``value`` is
    (``0 log 0 = 0``; outside a density's support ``log p - log q`` may be ``-inf + inf``)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(log_p), 0.0, np.exp(log_p) * value)


def _check_function(name: str, f) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be a function of x; got {type(f).__name__}")


def expectation_quadrature(f: Callable, p: Density) -> float:
    """``E_{x~p}[f(x)] = integral p(x) f(x) dx`` by adaptive quadrature."""
    _check_function("f", f)
    _check_densities(p=p)
    return _quad(lambda x: p.pdf(x) * f(x), [p])


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A Monte Carlo average with its standard error ``std(f(x)) / sqrt(n)``."""

    mean: float
    stderr: float
    n: int

    def __float__(self) -> float:
        return self.mean


def expectation_monte_carlo(
    f: Callable, p: Density, n: int, rng: np.random.Generator | int | None
) -> MonteCarloEstimate:
    """``E_{x~p}[f(x)] ~ (1/n) sum_i f(x_i)`` with ``x_i ~ p``, and its standard error."""
    _check_function("f", f)
    _check_densities(p=p)
    n = check_integer("n (at least 2, to estimate a standard error)", n, at_least=2)
    values = np.asarray(f(p.sample(n, rng)), dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("f returned non-finite values on the samples")
    return MonteCarloEstimate(float(values.mean()), float(values.std(ddof=1) / np.sqrt(n)), n)


def cross_entropy(p: Density, q: Density) -> float:
    """``H(p, q) = -E_{x~p}[log q(x)]`` in nats (quadrature)."""
    _check_densities(p=p, q=q)
    return _quad(lambda x: -_density_times(p.logpdf(x), q.logpdf(x)), [p, q])


def entropy(p: Density) -> float:
    """Differential entropy ``H(p) = -E_{x~p}[log p(x)]`` in nats (quadrature)."""
    return cross_entropy(p, p)


def kl_divergence(p: Density, q: Density) -> float:
    """``KL(p || q) = E_{x~p}[log p(x) - log q(x)] = H(p, q) - H(p)`` in nats (quadrature)."""
    _check_densities(p=p, q=q)

    def integrand(x):
        log_p = p.logpdf(x)
        return _density_times(log_p, log_p - q.logpdf(x))

    return _quad(integrand, [p, q])


def kl_gaussians(p: Gaussian, q: Gaussian) -> float:
    """Closed form ``KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2/s1) + (s1^2 + (m1-m2)^2)/(2 s2^2) - 1/2``."""
    for name, density in (("p", p), ("q", q)):
        if not isinstance(density, Gaussian):
            raise TypeError(
                f"{name} must be a Gaussian for the closed form; got {type(density).__name__} "
                "(kl_divergence integrates any pair of densities)"
            )
    return float(
        np.log(q.sigma / p.sigma) + (p.sigma**2 + (p.mu - q.mu) ** 2) / (2 * q.sigma**2) - 0.5
    )


def _log_midpoint(p: Density, q: Density, x):
    """``log m(x)`` for the midpoint density ``m = (p + q) / 2``, computed in log space."""
    return np.logaddexp(p.logpdf(x), q.logpdf(x)) - LOG_2


def js_divergence(p: Density, q: Density) -> float:
    """Jensen-Shannon divergence ``JS(p, q) = KL(p || m)/2 + KL(q || m)/2``, ``m = (p + q)/2``.

    Symmetric, ``0 <= JS <= log 2`` nats, zero iff ``p = q`` and ``log 2`` for disjoint
    supports (Lin 1991). Quadrature.
    """
    _check_densities(p=p, q=q)

    def integrand(x):
        log_p, log_q = p.logpdf(x), q.logpdf(x)
        log_m = np.logaddexp(log_p, log_q) - LOG_2
        return 0.5 * (_density_times(log_p, log_p - log_m) + _density_times(log_q, log_q - log_m))

    return _quad(integrand, [p, q])


def js_divergence_monte_carlo(
    p: Density, q: Density, n: int, rng: np.random.Generator | int | None
) -> MonteCarloEstimate:
    """JS by sampling: ``(E_p[log p/m] + E_q[log q/m]) / 2`` from ``n`` samples of each.

    The standard error combines the two independent averages:
    ``sqrt(se_p^2 + se_q^2) / 2``.
    """
    _check_densities(p=p, q=q)
    rng = check_rng("rng", rng)
    from_p = expectation_monte_carlo(lambda x: p.logpdf(x) - _log_midpoint(p, q, x), p, n, rng)
    from_q = expectation_monte_carlo(lambda x: q.logpdf(x) - _log_midpoint(p, q, x), q, n, rng)
    return MonteCarloEstimate(
        0.5 * (from_p.mean + from_q.mean), 0.5 * float(np.hypot(from_p.stderr, from_q.stderr)), n
    )


def optimal_logit(p_data: Density, p_g: Density) -> Callable:
    """The optimal discriminator's logit ``l*(x) = log p_data(x) - log p_g(x)``, as a
    function of finite ``x``: ``D* = sigmoid(l*)`` (Goodfellow et al. 2014, Proposition 1)."""
    _check_densities(p_data=p_data, p_g=p_g)

    def logit_star(x):
        x = _check_points(x)
        if np.isinf(x).any():
            raise ValueError("x must be finite: D* = p_data / (p_data + p_g) is 0/0 at +-inf")
        return p_data.logpdf(x) - p_g.logpdf(x)

    return logit_star


def optimal_discriminator(p_data: Density, p_g: Density) -> Callable:
    """Proposition 1 of Goodfellow et al. (2014): ``D*(x) = p_data(x) / (p_data(x) + p_g(x))``.

    Returned as a function of finite ``x``, computed as ``sigmoid(log p_data(x) - log p_g(x))``
    (``optimal_logit``) so that it stays exact where both densities underflow.
    """
    logit_star = optimal_logit(p_data, p_g)

    def d_star(x):
        return special.expit(logit_star(x))

    return d_star


# The probability closest to 1 that float64 holds apart from 1 is 1 - 1.1e-16.
PROBABILITY_CLIP = (1e-300, 1.0 - 1e-16)


def value_function(discriminator: Callable, p_data: Density, p_g: Density, *, logits: bool = False) -> float:
    """``V(D, G) = E_{x~p_data}[log D(x)] + E_{x~p_g}[log(1 - D(x))]`` by quadrature.

    Goodfellow et al. (2014), eq. (1), with the generator's samples written through their
    density ``p_g``. ``discriminator`` maps points to probabilities ``D(x)`` in [0, 1], or,
    with ``logits=True``, to logits ``l(x)`` with ``D = sigmoid(l)`` (``optimal_logit`` is
    D*'s). Pass logits where you have them: the logarithms are then exact,
    ``log D = -softplus(-l)`` and ``log(1 - D) = -softplus(l)``, for logits of any size.

    Probabilities cannot be exact near 1: float64 holds no number between 1 - 1.1e-16 and
    1, so ``sigmoid(l)`` is exactly 1 for every logit above about 37 and ``log(1 - D)``
    would be ``-inf``. Probabilities are therefore clipped to
    ``[1e-300, 1 - 1e-16]`` (``PROBABILITY_CLIP``), which caps ``-log(1 - D)`` at 36.8 and
    ``-log D`` at 690.8. Where a density has real mass and D is that close to 0 or 1, the
    value is then wrong (too high; the exact value may be ``-inf``), and the logits give
    the exact one. In the far tails, where D* rounds to 0 or 1 but the densities are below
    ~1e-100, the clipping changes nothing measurable.
    """
    _check_function("discriminator", discriminator)
    _check_densities(p_data=p_data, p_g=p_g)

    def integrand(x):
        output = np.asarray(discriminator(x), dtype=float)
        if logits:
            if np.isnan(output).any():
                raise ValueError("the discriminator returned NaN logits")
            log_d, log_not_d = -np.logaddexp(0.0, -output), -np.logaddexp(0.0, output)
        else:
            if np.isnan(output).any() or (output < 0).any() or (output > 1).any():
                raise ValueError(
                    "the discriminator must return probabilities in [0, 1] "
                    "(or logits, with logits=True)"
                )
            d = np.clip(output, *PROBABILITY_CLIP)
            log_d, log_not_d = np.log(d), np.log1p(-d)
        return _density_times(p_data.logpdf(x), log_d) + _density_times(p_g.logpdf(x), log_not_d)

    return _quad(integrand, [p_data, p_g])


def virtual_training_criterion(p_data: Density, p_g: Density) -> float:
    """``C(G) = max_D V(D, G) = V(D*, G)`` by quadrature, in log space.

    ``log D* = log p_data - log(p_data + p_g)`` and ``log(1 - D*) = log p_g - log(p_data + p_g)``.
    Theorem 1 of Goodfellow et al. (2014) says ``C(G) = -log 4 + 2 JS(p_data, p_g)``.
    """
    _check_densities(p_data=p_data, p_g=p_g)

    def integrand(x):
        log_pd, log_pg = p_data.logpdf(x), p_g.logpdf(x)
        log_sum = np.logaddexp(log_pd, log_pg)
        return _density_times(log_pd, log_pd - log_sum) + _density_times(log_pg, log_pg - log_sum)

    return _quad(integrand, [p_data, p_g])


def non_saturating_divergence(p_data: Density, p_g: Density) -> float:
    """``KL(p_g || p_data) - 2 JS(p_data, p_g)`` in nats (quadrature): what the
    non-saturating generator descends when its discriminator is optimal.

    Arjovsky and Bottou (2017), Theorem 2.5: for a generator ``G_theta`` with density
    ``p_theta`` and the optimal discriminator ``D*`` of ``theta_0`` held fixed,
    ``E_z[-grad_theta log D*(G_theta(z))] = grad_theta [KL(p_theta || p_data)
    - 2 JS(p_data, p_theta)]`` at ``theta = theta_0``. The minimax generator's
    expected gradient there is ``grad_theta 2 JS`` instead (the derivative of ``C(G)``,
    Goodfellow et al. 2014, Theorem 1).

    It is itself a divergence: with the mixture ``m = (p_data + p_g) / 2``,
    ``KL(p_g || p_data) - 2 JS(p_data, p_g) = 2 KL(m || p_data)``. Sketch: write
    ``2 JS = integral p_data log(p_data/m) + integral p_g log(p_g/m)``; subtracting it
    from ``integral p_g log(p_g/p_data)`` leaves
    ``integral (p_g + p_data) log(m/p_data) = 2 integral m log(m/p_data)``. So it is
    the f-divergence ``integral p_data f(p_g/p_data)`` with
    ``f(u) = (1 + u) log((1 + u)/2)`` (convex, ``f(1) = 0``): non-negative, zero only
    at ``p_g = p_data``. Normalized as ``f~(u) = f(u) - (u - 1)`` (the same divergence,
    ``f~ >= 0``), ``f~(0) = 1 - log 2`` is finite, so data mass that ``p_g`` leaves out
    costs a bounded amount, while ``f~(u)`` grows like ``u log u``: mass
    of ``p_g`` where ``p_data`` has almost none costs without bound (infinite where
    ``p_data`` is zero).
    """
    _check_densities(p_data=p_data, p_g=p_g)
    return kl_divergence(p_g, p_data) - 2.0 * js_divergence(p_data, p_g)


def non_saturating_gradient(p_data: Density, mu, sigma) -> np.ndarray:
    """Expected gradient of the non-saturating generator loss against the optimal
    discriminator, for the Gaussian generator ``G(z) = mu + sigma z``, ``z ~ N(0, 1)``:
    ``E_z[-d/d(mu, sigma) log D*(G(z))]`` with ``D*`` of the current ``(mu, sigma)``
    held fixed, as the array ``[d/d mu, d/d sigma]`` (nats per unit).

    Computed by quadrature in score-function form,
    ``integral d p_theta(x)/d theta * (-log D*(x)) dx`` with ``-log D* =
    log(1 + p_g/p_data)``, ``d p/d mu = p (x - mu)/sigma^2`` and
    ``d p/d sigma = p ((x - mu)^2/sigma^3 - 1/sigma)``. By Arjovsky and Bottou (2017),
    Theorem 2.5, it equals the gradient of ``non_saturating_divergence``.
    """
    _check_densities(p_data=p_data)
    mu = check_number("mu", mu)
    sigma = check_number("sigma", sigma, greater_than=0)
    p_g = Gaussian(mu, sigma)

    def minus_log_d_star(x):
        return np.logaddexp(0.0, p_g.logpdf(x) - p_data.logpdf(x))

    def weighted(score):
        return _quad(lambda x: p_g.pdf(x) * score(x) * minus_log_d_star(x), [p_data, p_g])

    d_mu = weighted(lambda x: (x - mu) / sigma**2)
    d_sigma = weighted(lambda x: (x - mu) ** 2 / sigma**3 - 1.0 / sigma)
    return np.array([d_mu, d_sigma])

"""gan_lib.divergences against closed forms, quadrature, SciPy and the variational bound."""

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from gan_lib import divergences as dv
from gan_lib.probability import (
    LOG_2,
    Gaussian,
    GaussianMixture,
    Pushforward,
    js_divergence,
    kl_divergence,
    virtual_training_criterion,
)

NAMES = sorted(dv.DIVERGENCES)
CLOSED_FORMS = ("kl", "reverse_kl", "pearson", "squared_hellinger", "total_variation")
# Pairs of Gaussians: close, shifted, narrow inside wide, wide around narrow, far apart.
PAIRS = [
    (Gaussian(0.0, 1.0), Gaussian(0.3, 1.1)),
    (Gaussian(1.0, 0.8), Gaussian(0.0, 1.3)),
    (Gaussian(0.0, 0.05), Gaussian(0.2, 1.0)),
    (Gaussian(0.0, 1.0), Gaussian(0.5, 0.8)),
    (Gaussian(-1.5, 0.5), Gaussian(1.5, 0.5)),
]
BIMODAL = GaussianMixture((0.5, 0.5), (-2.0, 2.0), (0.6, 0.6))
# Two densities with disjoint supports, (-1, 1) and (2, 4): tanh and 3 + tanh of N(0, 1).
INNER = Pushforward(Gaussian(0.0, 1.0), np.tanh, np.arctanh, lambda x: 1 / (1 - x**2))
OUTER = Pushforward(
    Gaussian(0.0, 1.0),
    lambda z: 3 + np.tanh(z),
    lambda x: np.arctanh(x - 3),
    lambda x: 1 / (1 - (x - 3) ** 2),
)


def pair_id(pair):
    p, q = pair
    return f"N({p.mu},{p.sigma})-N({q.mu},{q.sigma})"


def definition(p, q, name):
    """``integral q f(p/q)`` straight from the definition (scipy.quad on the raw ratio, over
    both supports)."""
    f = dv.divergence(name).generator
    lo, hi = min(p.support()[0], q.support()[0]), max(p.support()[1], q.support()[1])

    def integrand(x):
        qx = q.pdf(x)
        return qx * f(p.pdf(x) / qx) if qx > 0 else 0.0

    points = sorted({*p.breakpoints(), *q.breakpoints()})
    return integrate.quad(integrand, lo, hi, points=points, limit=400, epsabs=1e-12)[0]


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLOSED_FORMS)
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_quadrature_matches_closed_form_to_1e6(pair, name):
    p, q = pair
    exact = dv.closed_form_gaussians(p, q, name)
    value = dv.f_divergence(p, q, name)
    if np.isinf(exact):
        assert np.isinf(value)
    else:
        assert value == pytest.approx(exact, abs=1e-6, rel=1e-6)


def test_pearson_is_infinite_when_q_is_too_narrow_and_quadrature_says_it_cannot_tell():
    p, q = Gaussian(0.0, 1.0), Gaussian(0.0, 0.7)  # 2 * 0.49 < 1: p^2/q grows in the tails
    assert dv.pearson_gaussians(p, q) == np.inf
    with pytest.raises(ValueError, match="has not decayed at the ends"):
        dv.f_divergence(p, q, "pearson")
    assert np.isfinite(dv.pearson_gaussians(q, p))
    # Far apart, p^2/q peaks at 2 m1 - m2, outside both supports: a truncated value is refused.
    with pytest.raises(ValueError, match="has not decayed"):
        dv.f_divergence(Gaussian(-4.0, 0.5), Gaussian(4.0, 0.5), "pearson")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pair", [PAIRS[0], PAIRS[1], PAIRS[3]], ids=pair_id)
def test_log_space_quadrature_matches_the_definition(pair, name):
    """(The raw definition fails where it must divide by an underflowed density, e.g. reverse
    KL of a narrow p inside a wide q: the log-space form is checked there by closed forms.)"""
    p, q = pair
    assert dv.f_divergence(p, q, name) == pytest.approx(definition(p, q, name), abs=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_quadrature_of_a_mixture_matches_the_definition(name):
    q = Gaussian(0.0, 2.0)
    assert dv.f_divergence(BIMODAL, q, name) == pytest.approx(
        definition(BIMODAL, q, name), abs=1e-6
    )


@pytest.mark.parametrize("pair", PAIRS + [(BIMODAL, Gaussian(0.0, 1.5))], ids=str)
def test_js_kl_and_gan_agree_with_gan_lib_probability(pair):
    p, q = pair
    js = js_divergence(p, q)
    assert dv.f_divergence(p, q, "jensen_shannon") == pytest.approx(js, abs=1e-9)
    assert dv.f_divergence(p, q, "kl") == pytest.approx(kl_divergence(p, q), abs=1e-9)
    assert dv.f_divergence(p, q, "reverse_kl") == pytest.approx(kl_divergence(q, p), abs=1e-9)
    # The GAN's scaling is C(G) of chapter 3: 2 JS - log 4.
    assert dv.f_divergence(p, q, "gan") == pytest.approx(2 * js - 2 * LOG_2, abs=1e-9)
    assert dv.f_divergence(p, q, "gan") == pytest.approx(virtual_training_criterion(p, q), abs=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_divergence_of_a_density_with_itself_is_its_minimum(name):
    lowest = dv.divergence(name).bounds[0]
    for p in (Gaussian(0.3, 0.7), BIMODAL):
        assert dv.f_divergence(p, p, name) == pytest.approx(lowest, abs=1e-12)


@pytest.mark.parametrize("name", ["jensen_shannon", "squared_hellinger", "total_variation", "gan"])
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_symmetric_divergences_are_symmetric_and_within_their_bounds(pair, name):
    p, q = pair
    lo, hi = dv.divergence(name).bounds
    forward, backward = dv.f_divergence(p, q, name), dv.f_divergence(q, p, name)
    assert forward == pytest.approx(backward, abs=1e-9)
    assert lo - 1e-12 <= forward <= hi + 1e-12


def test_kl_and_pearson_are_asymmetric():
    p, q = PAIRS[2]
    for name in ("kl", "pearson"):
        assert abs(dv.f_divergence(p, q, name) - dv.f_divergence(q, p, name)) > 0.1


def test_far_apart_gaussians_reach_the_upper_bounds():
    p, q = Gaussian(-40.0, 1.0), Gaussian(40.0, 1.0)
    assert dv.f_divergence(p, q, "jensen_shannon") == pytest.approx(LOG_2, abs=1e-9)
    assert dv.f_divergence(p, q, "total_variation") == pytest.approx(1.0, abs=1e-9)
    assert dv.f_divergence(p, q, "squared_hellinger") == pytest.approx(2.0, abs=1e-9)


def test_disjoint_supports_give_the_limits_not_nan():
    expected = {
        "kl": np.inf,
        "reverse_kl": np.inf,
        "pearson": np.inf,
        "squared_hellinger": 2.0,
        "jensen_shannon": LOG_2,
        "gan": 0.0,
        "total_variation": 1.0,
    }
    for name, value in expected.items():
        got = dv.f_divergence(INNER, OUTER, name)
        assert got == pytest.approx(value, abs=1e-9), name


def test_pinsker_and_hellinger_inequalities():
    """TV <= sqrt(KL / 2) (Pinsker) and H^2 / 2 <= TV <= H sqrt(1 - H^2 / 4) (Le Cam), with
    H^2 = integral (sqrt p - sqrt q)^2; each checked on every pair."""
    for p, q in PAIRS + [(BIMODAL, Gaussian(0.0, 1.0))]:
        tv = dv.f_divergence(p, q, "total_variation")
        h2 = dv.f_divergence(p, q, "squared_hellinger")
        assert tv <= np.sqrt(dv.f_divergence(p, q, "kl") / 2) + 1e-9
        assert h2 / 2 - 1e-9 <= tv <= np.sqrt(h2 * (1 - h2 / 4)) + 1e-9


def test_total_variation_closed_form_is_the_cdf_formula_for_equal_widths():
    p, q = Gaussian(0.0, 0.7), Gaussian(1.0, 0.7)
    assert dv.total_variation_gaussians(p, q) == pytest.approx(
        2 * stats.norm.cdf(0.5 / 0.7) - 1, abs=1e-12
    )
    assert dv.total_variation_gaussians(p, p) == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_grid_version_matches_quadrature(name):
    p, q = BIMODAL, Gaussian(0.5, 1.5)
    grid = np.linspace(-20, 20, 16_001)
    assert dv.f_divergence_on_grid(p, q, name, grid) == pytest.approx(
        dv.f_divergence(p, q, name), abs=1e-6
    )


# --- generator, conjugate, critic, activation -----------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_generator_is_convex_and_vanishes_at_one(name):
    div = dv.divergence(name)
    u = np.linspace(0.01, 20, 2001)
    second = np.diff(div.generator(u), 2)
    assert (second >= -1e-12).all()
    if name != "gan":  # the GAN's f(1) = -log 4: its D_f is 2 JS - log 4
        assert div.generator(1.0) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_is_the_supremum_that_defines_it(name):
    """f*(t) = sup_{u >= 0} t u - f(u), by a numerical maximization over u = e^s and u = 0."""
    div = dv.divergence(name)
    upper = min(div.conjugate_domain[1], 3.0)
    for t in np.linspace(-3.0, upper - 0.05, 9):
        best = optimize.minimize_scalar(
            lambda s, t=t: -(t * np.exp(s) - div.generator(np.exp(s))),
            bounds=(-40, 12),
            method="bounded",
            options={"xatol": 1e-12},
        )
        at_zero = -div.generator(0.0) if np.isfinite(div.generator(0.0)) else -np.inf
        assert div.conjugate(t) == pytest.approx(max(-best.fun, at_zero), abs=1e-7), t


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("kl", "pearson")])
def test_conjugate_is_infinite_outside_its_domain(name):
    div = dv.divergence(name)
    outside = div.conjugate_domain[1] + np.array([1e-9, 0.1, 5.0])
    assert np.isinf(div.conjugate(outside)).all()


@pytest.mark.parametrize("name", NAMES)
def test_activation_maps_every_output_into_the_domain_of_the_conjugate(name):
    div = dv.divergence(name)
    v = np.linspace(-30, 30, 601)
    values = div.conjugate(div.activation(v))
    assert np.isfinite(values).all()


@pytest.mark.parametrize("name", [n for n in NAMES if n != "total_variation"])
def test_optimal_critic_is_the_derivative_of_f(name):
    div = dv.divergence(name)
    u = np.linspace(0.05, 10, 50)
    h = 1e-6
    numeric = (div.generator(u + h) - div.generator(u - h)) / (2 * h)
    np.testing.assert_allclose(div.critic_of_log_ratio(np.log(u)), numeric, rtol=1e-6, atol=1e-7)


def test_fenchel_young_equality_at_the_derivative():
    """f(u) + f*(f'(u)) = u f'(u): the tangent at u touches f, which is what makes T* optimal."""
    u = np.linspace(0.05, 10, 50)
    for name in NAMES:
        div = dv.divergence(name)
        t = div.critic_of_log_ratio(np.log(u))
        if name == "total_variation":
            u, t = u[u != 1], t[u != 1]
        np.testing.assert_allclose(
            div.generator(u) + div.conjugate(t), u * t, atol=1e-12, err_msg=name
        )


# --- the variational bound ---------------------------------------------------------------------


BOUND_PAIRS = [PAIRS[1], (BIMODAL, Gaussian(0.0, 2.0))]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pair", BOUND_PAIRS, ids=str)
def test_variational_bound_equals_the_divergence_at_the_optimal_critic(pair, name):
    p, q = pair
    div = dv.divergence(name)
    exact = dv.f_divergence(p, q, name)
    assert dv.variational_bound(p, q, name, div.optimal_critic(p, q)) == pytest.approx(
        exact, abs=1e-6
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pair", BOUND_PAIRS, ids=str)
def test_perturbed_critics_give_lower_bounds(pair, name):
    p, q = pair
    if name == "total_variation" and isinstance(p, GaussianMixture):
        pytest.skip("T* jumps where p = q; quadrature of perturbed jumps takes a minute here")
    div = dv.divergence(name)
    exact = dv.f_divergence(p, q, name)
    t_star = div.optimal_critic(p, q)
    upper = div.conjugate_domain[1]
    perturbations = [
        lambda x: 0.9 * t_star(x),
        lambda x: t_star(x) - 0.05,
        lambda x: np.minimum(t_star(x) + 0.05 * np.sin(3 * x), upper - 1e-3),
        lambda x: np.minimum(t_star(x - 0.2), upper - 1e-3),
    ]
    for critic in perturbations:
        assert dv.variational_bound(p, q, name, critic) < exact - 1e-6


def test_a_critic_outside_the_domain_gives_minus_infinity():
    p, q = PAIRS[1]
    assert dv.variational_bound(p, q, "reverse_kl", lambda x: np.ones_like(x)) == -np.inf


# --- Wasserstein-1 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "p, q",
    [
        (Gaussian(0.0, 1.0), Gaussian(3.0, 1.0)),
        (Gaussian(0.0, 1.0), Gaussian(0.0, 2.0)),
        (BIMODAL, Gaussian(0.0, 1.0)),
        (Gaussian(0.0, 0.02), Gaussian(5.0, 0.02)),
    ],
    ids=str,
)
def test_wasserstein_matches_scipy_on_large_samples(p, q):
    rng = np.random.default_rng(0)
    n = 400_000
    empirical = stats.wasserstein_distance(p.sample(n, rng), q.sample(n, rng))
    exact = dv.wasserstein_1(p, q)
    assert exact == pytest.approx(empirical, rel=0.01, abs=0.002)


def test_wasserstein_closed_forms():
    # A shift moves every quantile by the shift; a scale change moves the quantile at level u by
    # (s2 - s1) Phi^{-1}(u), whose mean absolute value is (s2 - s1) sqrt(2 / pi).
    assert dv.wasserstein_1(Gaussian(0.0, 1.0), Gaussian(3.0, 1.0)) == pytest.approx(3.0, abs=1e-9)
    assert dv.wasserstein_1(Gaussian(1.0, 1.0), Gaussian(1.0, 2.5)) == pytest.approx(
        1.5 * np.sqrt(2 / np.pi), abs=1e-9
    )
    assert dv.wasserstein_1(INNER, OUTER) == pytest.approx(3.0, abs=1e-9)  # means 0 and 3
    assert dv.wasserstein_1(BIMODAL, BIMODAL) == 0.0


def test_optimal_wasserstein_critic_attains_w1_and_is_1_lipschitz():
    p, q = BIMODAL, Gaussian(0.0, 1.0)
    grid = np.linspace(-12, 12, 24_001)
    f = dv.optimal_wasserstein_critic(p, q, grid)
    assert np.abs(np.diff(f) / np.diff(grid)).max() <= 1 + 1e-12
    gap = integrate.trapezoid(f * (p.pdf(grid) - q.pdf(grid)), grid)
    assert gap == pytest.approx(dv.wasserstein_1(p, q), abs=1e-4)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: dv.divergence("jsd"), ValueError, "divergence must be one of"),
        (lambda: dv.divergence(3), ValueError, "divergence must be one of"),
        (lambda: dv.f_divergence(BIMODAL, Gaussian(), "kl2"), ValueError, "divergence"),
        (
            lambda: dv.f_divergence(np.zeros(3), Gaussian(), "kl"),
            TypeError,
            "p must be a 1-D density",
        ),
        (lambda: dv.f_divergence(Gaussian(), "N(0,1)", "kl"), TypeError, "q must be a 1-D density"),
        (lambda: dv.variational_bound(Gaussian(), Gaussian(), "kl", 3.0), TypeError, "critic"),
        (
            lambda: dv.closed_form_gaussians(Gaussian(), Gaussian(), "jensen_shannon"),
            ValueError,
            "no closed form",
        ),
        (
            lambda: dv.closed_form_gaussians(BIMODAL, Gaussian(), "kl"),
            TypeError,
            "p must be a gan_lib",
        ),
        (lambda: dv.pearson_gaussians(Gaussian(), BIMODAL), TypeError, "q must be a gan_lib"),
        (lambda: dv.wasserstein_1(Gaussian(), object()), TypeError, "q must be a 1-D density"),
        (
            lambda: dv.optimal_wasserstein_critic(BIMODAL, Gaussian(), [1.0, 0.0]),
            ValueError,
            "increasing",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()

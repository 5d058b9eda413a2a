"""gan_lib.probability against closed forms, SciPy and sampling."""

import itertools

import numpy as np
import pytest
from scipy import stats

from gan_lib import probability as P

LOG2 = np.log(2.0)
GAUSSIAN_PAIRS = [
    (P.Gaussian(mu1, s1), P.Gaussian(mu2, s2))
    for (mu1, s1), (mu2, s2) in itertools.combinations(
        [(0.0, 1.0), (1.5, 0.5), (-3.0, 2.0), (0.2, 0.05), (8.0, 1.0)], 2
    )
]
MIXTURE = P.GaussianMixture(weights=(0.3, 0.7), mus=(-2.0, 2.0), sigmas=(0.5, 1.0))


def test_gaussian_density_matches_scipy():
    x = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(P.Gaussian(0.5, 1.7).pdf(x), stats.norm(0.5, 1.7).pdf(x), rtol=1e-12)
    np.testing.assert_allclose(
        P.Gaussian(0.5, 1.7).logpdf(x), stats.norm(0.5, 1.7).logpdf(x), rtol=1e-12
    )


def test_mixture_density_matches_weighted_sum_and_integrates_to_one():
    x = np.linspace(-6, 6, 77)
    expected = 0.3 * stats.norm(-2, 0.5).pdf(x) + 0.7 * stats.norm(2, 1).pdf(x)
    np.testing.assert_allclose(MIXTURE.pdf(x), expected, rtol=1e-12)
    assert P.expectation_quadrature(lambda x: np.ones_like(x), MIXTURE) == pytest.approx(1, abs=1e-9)


def test_mixture_moments_by_quadrature_and_sampling():
    mean = P.expectation_quadrature(lambda x: x, MIXTURE)
    assert mean == pytest.approx(MIXTURE.mean(), abs=1e-9)
    second = P.expectation_quadrature(lambda x: x**2, MIXTURE)
    assert second - mean**2 == pytest.approx(MIXTURE.var(), abs=1e-9)
    samples = MIXTURE.sample(200_000, rng=0)
    assert samples.mean() == pytest.approx(MIXTURE.mean(), abs=4 * np.sqrt(MIXTURE.var() / 2e5))


def test_sampling_is_reproducible_and_seeded():
    assert np.array_equal(MIXTURE.sample(10, rng=3), MIXTURE.sample(10, rng=3))
    assert not np.array_equal(MIXTURE.sample(10, rng=3), MIXTURE.sample(10, rng=4))
    with pytest.raises(TypeError, match="seed"):
        P.Gaussian().sample(10)


@pytest.mark.parametrize("p,q", GAUSSIAN_PAIRS)
def test_kl_quadrature_matches_closed_form_to_1e6(p, q):
    assert P.kl_divergence(p, q) == pytest.approx(P.kl_gaussians(p, q), abs=1e-6)
    assert P.kl_divergence(q, p) == pytest.approx(P.kl_gaussians(q, p), abs=1e-6)


def test_kl_is_zero_for_equal_densities_and_asymmetric_otherwise():
    p, q = P.Gaussian(0, 1), P.Gaussian(1, 2)
    assert P.kl_divergence(p, p) == pytest.approx(0, abs=1e-10)
    assert abs(P.kl_divergence(p, q) - P.kl_divergence(q, p)) > 0.1


def test_cross_entropy_is_entropy_plus_kl():
    p, q = P.Gaussian(0, 1), P.Gaussian(1, 2)
    assert P.entropy(p) == pytest.approx(0.5 * np.log(2 * np.pi * np.e), abs=1e-9)
    assert P.cross_entropy(p, q) == pytest.approx(P.entropy(p) + P.kl_divergence(p, q), abs=1e-9)


@pytest.mark.parametrize("p,q", GAUSSIAN_PAIRS + [(MIXTURE, P.Gaussian(0, 2))])
def test_js_is_symmetric_and_bounded(p, q):
    js = P.js_divergence(p, q)
    assert js == pytest.approx(P.js_divergence(q, p), abs=1e-10)
    assert 0 <= js <= LOG2


def test_js_of_equal_densities_is_zero_and_of_disjoint_is_log2():
    assert P.js_divergence(MIXTURE, MIXTURE) == pytest.approx(0, abs=1e-10)
    assert P.js_divergence(P.Gaussian(0, 1), P.Gaussian(60, 1)) == pytest.approx(LOG2, abs=1e-9)
    growing = [P.js_divergence(P.Gaussian(0, 1), P.Gaussian(mu, 1)) for mu in (0.5, 2, 5, 10)]
    assert growing == sorted(growing) and LOG2 - growing[-1] < 1e-6


def test_js_matches_its_kl_definition():
    p, q = P.Gaussian(0, 1), P.Gaussian(1, 0.7)

    class Midpoint:
        def logpdf(self, x):
            return np.logaddexp(p.logpdf(x), q.logpdf(x)) - LOG2

        def pdf(self, x):
            return np.exp(self.logpdf(x))

        def support(self):
            return (-15.0, 15.0)

        def breakpoints(self):
            return [0.0, 1.0]

    m = Midpoint()
    expected = 0.5 * P.kl_divergence(p, m) + 0.5 * P.kl_divergence(q, m)
    assert P.js_divergence(p, q) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_within_four_standard_errors(seed):
    f = np.cos
    exact = P.expectation_quadrature(f, MIXTURE)
    estimate = P.expectation_monte_carlo(f, MIXTURE, 20_000, rng=seed)
    assert abs(estimate.mean - exact) < 4 * estimate.stderr
    js = P.js_divergence_monte_carlo(MIXTURE, P.Gaussian(0, 1.5), 20_000, rng=seed)
    assert abs(js.mean - P.js_divergence(MIXTURE, P.Gaussian(0, 1.5))) < 4 * js.stderr


def test_monte_carlo_standard_error_shrinks_like_one_over_sqrt_n():
    small = P.expectation_monte_carlo(np.sin, P.Gaussian(), 1_000, rng=0).stderr
    large = P.expectation_monte_carlo(np.sin, P.Gaussian(), 100_000, rng=0).stderr
    assert small / large == pytest.approx(10, rel=0.1)


def test_optimal_discriminator_formula_and_extremes():
    p_data, p_g = P.Gaussian(0, 1), P.Gaussian(2, 0.5)
    x = np.linspace(-3, 4, 50)
    d_star = P.optimal_discriminator(p_data, p_g)
    np.testing.assert_allclose(d_star(x), p_data.pdf(x) / (p_data.pdf(x) + p_g.pdf(x)), rtol=1e-10)
    assert np.allclose(P.optimal_discriminator(p_data, p_data)(x), 0.5)
    # Far from both densities the ratio of two underflowing densities is still exact.
    assert np.isfinite(d_star(np.array([-200.0, 200.0]))).all()


@pytest.mark.parametrize("p_g", [P.Gaussian(0.5, 1.3), MIXTURE, P.Gaussian(-1, 0.3)])
def test_optimal_discriminator_beats_every_perturbation(p_g):
    p_data = P.Gaussian(0, 1)
    d_star = P.optimal_discriminator(p_data, p_g)
    best = P.value_function(d_star, p_data, p_g)
    assert best == pytest.approx(P.virtual_training_criterion(p_data, p_g), abs=1e-9)
    rng = np.random.default_rng(0)
    for _ in range(10):
        a, b, c = rng.normal(size=3)

        def perturbed(x, a=a, b=b, c=c):
            logit = p_data.logpdf(x) - p_g.logpdf(x)  # the logit of D*
            return 1 / (1 + np.exp(-(logit + 0.3 * a * np.sin(b * x + c))))

        assert P.value_function(perturbed, p_data, p_g) < best
    assert P.value_function(lambda x: np.full_like(x, 0.5), p_data, p_g) <= best


@pytest.mark.parametrize("mu", [-3.0, -1.0, 0.0, 0.5, 2.0, 6.0])
@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5])
def test_c_of_g_is_minus_log4_plus_twice_js_to_1e6(mu, sigma):
    p_data, p_g = P.Gaussian(0, 1), P.Gaussian(mu, sigma)
    c = P.virtual_training_criterion(p_data, p_g)
    assert c == pytest.approx(-np.log(4) + 2 * P.js_divergence(p_data, p_g), abs=1e-6)
    assert c >= -np.log(4) - 1e-12


def test_c_of_g_minimum_is_at_p_g_equal_p_data():
    assert P.virtual_training_criterion(P.Gaussian(0, 1), P.Gaussian(0, 1)) == pytest.approx(
        -np.log(4), abs=1e-10
    )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: P.Gaussian(0, -1), "sigma must be a positive number"),
        (lambda: P.Gaussian(0, 0), "sigma must be a positive number"),
        (lambda: P.Gaussian(float("nan"), 1), "mu must be finite"),
        (lambda: P.Gaussian(0, float("inf")), "sigma must be finite"),
        (lambda: P.Gaussian("0", 1), "mu must be a real number"),
        (lambda: P.GaussianMixture((0.5, 0.6), (0, 1), (1, 1)), "weights must sum to 1"),
        (lambda: P.GaussianMixture((1.2, -0.2), (0, 1), (1, 1)), "non-negative"),
        (lambda: P.GaussianMixture((0.5, 0.5), (0, 1), (1, -1)), "sigma must be positive"),
        (lambda: P.GaussianMixture((0.5, 0.5), (0, np.nan), (1, 1)), "mus must be finite"),
        (lambda: P.GaussianMixture((1.0,), (0, 1), (1, 1)), "equal length"),
        (lambda: P.Gaussian().pdf([0.0, np.nan]), "NaN"),
        (lambda: P.Gaussian().sample(0, rng=0), "positive integer"),
        (lambda: P.value_function(lambda x: x, P.Gaussian(), P.Gaussian(1)), "probabilities"),
    ],
)
def test_bad_input_raises_a_clear_error(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_cdfs_match_scipy():
    x = np.linspace(-6, 6, 61)
    np.testing.assert_allclose(P.Gaussian(0.5, 1.7).cdf(x), stats.norm(0.5, 1.7).cdf(x), atol=1e-15)
    expected = 0.3 * stats.norm(-2, 0.5).cdf(x) + 0.7 * stats.norm(2, 1).cdf(x)
    np.testing.assert_allclose(MIXTURE.cdf(x), expected, atol=1e-15)


SINH = P.Pushforward(P.Gaussian(), np.sinh, np.arcsinh, lambda x: 1 / np.sqrt(1 + x**2))
LOGNORMAL = P.Pushforward(P.Gaussian(0.3, 0.8), np.exp, np.log, lambda x: 1 / x)
# A decreasing affine map of N(1, 2^2) is N(3 - 2 * 1, (2 * 2)^2) = N(1, 4^2).
AFFINE = P.Pushforward(P.Gaussian(1, 2), lambda z: 3 - 2 * z, lambda x: (3 - x) / 2,
                       lambda x: np.full_like(x, -0.5))


def test_pushforward_matches_known_densities_and_cdfs():
    x = np.linspace(-5, 8, 131)
    lognormal = stats.lognorm(s=0.8, scale=np.exp(0.3))
    np.testing.assert_allclose(LOGNORMAL.pdf(x), lognormal.pdf(x), atol=1e-14)
    np.testing.assert_allclose(LOGNORMAL.cdf(x), lognormal.cdf(x), atol=1e-14)
    assert LOGNORMAL.logpdf(-1.0) == -np.inf and LOGNORMAL.cdf(-1.0) == 0
    np.testing.assert_allclose(AFFINE.pdf(x), stats.norm(1, 4).pdf(x), rtol=1e-12)
    np.testing.assert_allclose(AFFINE.cdf(x), stats.norm(1, 4).cdf(x), atol=1e-14)
    np.testing.assert_allclose(SINH.cdf(x), stats.norm.cdf(np.arcsinh(x)), atol=1e-15)
    assert SINH.logpdf(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("density", [SINH, LOGNORMAL, AFFINE], ids=["sinh", "exp", "affine"])
def test_pushforward_integrates_to_one_and_matches_its_samples(density):
    assert P.expectation_quadrature(np.ones_like, density) == pytest.approx(1, abs=1e-9)
    samples = density.sample(20_000, rng=1)
    assert stats.kstest(samples, density.cdf).pvalue > 1e-3


def test_pushforward_moments_and_divergences_by_quadrature():
    # E[e^{2z}] for z ~ N(0.3, 0.8^2) is exp(2 * 0.3 + 2 * 0.8^2).
    assert P.expectation_quadrature(lambda x: x**2, LOGNORMAL) == pytest.approx(
        np.exp(0.6 + 2 * 0.64), rel=1e-8
    )
    assert P.kl_divergence(AFFINE, P.Gaussian(0, 3)) == pytest.approx(
        P.kl_gaussians(P.Gaussian(1, 4), P.Gaussian(0, 3)), abs=1e-9
    )
    estimate = P.js_divergence_monte_carlo(MIXTURE, SINH, 50_000, rng=2)
    assert abs(estimate.mean - P.js_divergence(MIXTURE, SINH)) < 4 * estimate.stderr


@pytest.mark.parametrize(
    "forward, inverse, derivative, message",
    [
        (np.sinh, np.arcsinh, lambda x: 2 / np.sqrt(1 + x**2), "inverse_derivative"),
        (np.sinh, np.arctan, lambda x: 1 / np.sqrt(1 + x**2), "inverse is not the inverse"),
        (np.cos, np.arccos, lambda x: x, "strictly monotone"),
        (np.sin, np.arcsin, lambda x: x, "strictly monotone"),
        ("sinh", np.arcsinh, lambda x: x, "forward must be a function"),
    ],
)
def test_pushforward_rejects_inconsistent_maps(forward, inverse, derivative, message):
    with pytest.raises((ValueError, TypeError), match=message):
        P.Pushforward(P.Gaussian(), forward, inverse, derivative)

"""What the non-saturating generator descends against D* (Arjovsky and Bottou 2017,
Theorem 2.5), checked against computations that share no code with the library's."""

import numpy as np
import pytest
from scipy import integrate, stats

from gan_lib import probability as P

GENERATORS = [(1.0, 0.7), (-0.5, 1.8), (2.5, 1.0), (0.0, 1.0), (4.0, 0.3)]
DATA = [P.Gaussian(0.0, 1.0), P.GaussianMixture(weights=(0.5, 0.5), mus=(-2.0, 2.0), sigmas=(0.5, 0.5))]


def pathwise_gradient(p_data, mu, sigma):
    """E_z[-d/dtheta log D*(mu + sigma z)], the reparameterized gradient: SciPy
    quadrature over z of a central difference in x of log D*, with D* held fixed."""
    def log_d_star(t):
        log_pd = p_data.logpdf(t)
        return log_pd - np.logaddexp(log_pd, stats.norm(mu, sigma).logpdf(t))

    def integrand(z, times_z, h=1e-5):
        x = mu + sigma * z
        slope = (log_d_star(x + h) - log_d_star(x - h)) / (2 * h)
        return stats.norm.pdf(z) * -slope * (z if times_z else 1.0)

    return np.array(
        [integrate.quad(integrand, -12, 12, args=(k,), epsabs=1e-12, limit=200)[0] for k in (False, True)]
    )


def divergence_gradient(p_data, mu, sigma, h=1e-4):
    """Central differences of KL(p_g || p_data) - 2 JS(p_data, p_g) in (mu, sigma)."""
    def f(m, s):
        return P.non_saturating_divergence(p_data, P.Gaussian(m, s))

    return np.array(
        [(f(mu + h, sigma) - f(mu - h, sigma)) / (2 * h), (f(mu, sigma + h) - f(mu, sigma - h)) / (2 * h)]
    )


def test_divergence_is_reverse_kl_minus_twice_js():
    p_data, p_g = P.Gaussian(0.0, 1.0), P.Gaussian(1.5, 0.6)
    # the closed-form KL of two Gaussians, the JS by its own quadrature
    expected = P.kl_gaussians(p_g, p_data) - 2 * P.js_divergence(p_data, p_g)
    assert P.non_saturating_divergence(p_data, p_g) == pytest.approx(expected, abs=1e-9)
    assert P.non_saturating_divergence(p_data, p_data) == pytest.approx(0.0, abs=1e-10)



@pytest.mark.parametrize("p_data", DATA, ids=["gaussian", "mixture"])
@pytest.mark.parametrize("mu, sigma", GENERATORS)
def test_divergence_is_twice_kl_of_the_mixture_from_the_data(p_data, mu, sigma):
    # KL(p_g || p_data) - 2 JS = 2 KL(m || p_data), m = (p_data + p_g)/2, by SciPy quadrature
    p_g = stats.norm(mu, sigma)

    def integrand(x):
        log_pd = p_data.logpdf(x)
        log_m = np.logaddexp(log_pd, p_g.logpdf(x)) - np.log(2.0)
        return 2.0 * np.exp(log_m) * (log_m - log_pd)

    expected = integrate.quad(integrand, -30, 30, points=[mu, -2.0, 0.0, 2.0], limit=400, epsabs=1e-12)[0]
    got = P.non_saturating_divergence(p_data, P.Gaussian(mu, sigma))
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-8)
    assert got >= -1e-12  # a divergence: never negative, zero at p_g = p_data

@pytest.mark.parametrize("p_data", DATA, ids=["gaussian", "mixture"])
@pytest.mark.parametrize("mu, sigma", GENERATORS)
def test_gradient_is_the_gradient_of_the_divergence(p_data, mu, sigma):
    got = P.non_saturating_gradient(p_data, mu, sigma)
    np.testing.assert_allclose(got, divergence_gradient(p_data, mu, sigma), atol=2e-6, rtol=1e-5)


@pytest.mark.parametrize("p_data", DATA, ids=["gaussian", "mixture"])
@pytest.mark.parametrize("mu, sigma", GENERATORS)
def test_gradient_matches_the_reparameterized_expectation(p_data, mu, sigma):
    got = P.non_saturating_gradient(p_data, mu, sigma)
    np.testing.assert_allclose(got, pathwise_gradient(p_data, mu, sigma), atol=1e-6, rtol=1e-6)


def test_gradient_vanishes_at_the_data_and_points_towards_it():
    p_data = P.Gaussian(0.0, 1.0)
    np.testing.assert_allclose(P.non_saturating_gradient(p_data, 0.0, 1.0), 0.0, atol=1e-10)
    d_mu, d_sigma = P.non_saturating_gradient(p_data, 3.0, 2.0)
    assert d_mu > 0 and d_sigma > 0  # descending moves mu and sigma towards 0 and 1


def test_far_generator_keeps_a_gradient_where_js_is_flat():
    # 12 standard deviations away JS is log 2 to 1e-30, but the reverse KL still pulls
    p_data = P.Gaussian(0.0, 1.0)
    d_mu, _ = P.non_saturating_gradient(p_data, 12.0, 1.0)
    assert d_mu == pytest.approx(12.0, rel=1e-6)  # d/dmu of KL = mu


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"mu": float("nan"), "sigma": 1.0}, ValueError),
        ({"mu": 0.0, "sigma": 0.0}, ValueError),
        ({"mu": 0.0, "sigma": -1.0}, ValueError),
        ({"mu": "0", "sigma": 1.0}, TypeError),
        ({"mu": 0.0, "sigma": np.ones(2)}, TypeError),
    ],
)
def test_gradient_bad_parameters(kwargs, error):
    with pytest.raises(error, match="mu|sigma"):
        P.non_saturating_gradient(P.Gaussian(), **kwargs)


def test_bad_densities():
    with pytest.raises(TypeError, match="p_data"):
        P.non_saturating_gradient([0.0, 1.0], 0.0, 1.0)
    with pytest.raises(TypeError, match="p_g"):
        P.non_saturating_divergence(P.Gaussian(), "N(0, 1)")

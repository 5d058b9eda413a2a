"""The Dirac-GAN of gan_lib.toy.dirac (Mescheder, Geiger and Nowozin 2018): the closed-form
Jacobian against central finite differences of the vector field, its eigenvalues at the
equilibrium against the closed form, and the linearized update against one simulated step."""

import numpy as np
import pytest

from gan_lib.toy import dirac

SMOOTH = ("gan", "non_saturating", "wgan", "gan_r1")
H = 1e-5  # central differences: truncation O(H^2 f''') ~ 1e-10, rounding ~ 1e-11
TOL = 1e-7


def finite_difference_jacobian(theta, psi, game, gamma=1.0):
    columns = []
    for d_theta, d_psi in ((H, 0.0), (0.0, H)):
        plus = dirac.vector_field(theta + d_theta, psi + d_psi, game, gamma)
        minus = dirac.vector_field(theta - d_theta, psi - d_psi, game, gamma)
        columns.append((np.array(plus) - np.array(minus)) / (2 * H))
    return np.array(columns).T


@pytest.mark.parametrize("game", dirac.DIRAC_GAMES)
@pytest.mark.parametrize("point", [(0.0, 0.0), (0.7, -1.3), (-2.0, 0.4), (3.0, 2.5)])
def test_closed_form_jacobian_matches_finite_differences(game, point):
    if game == "wgan_gp" and point[1] == 0.0:
        pytest.skip("no Jacobian on psi = 0")
    np.testing.assert_allclose(
        dirac.jacobian(*point, game, gamma=0.6),
        finite_difference_jacobian(*point, game, gamma=0.6),
        atol=TOL, rtol=0,
    )


@pytest.mark.parametrize("game", SMOOTH)
@pytest.mark.parametrize("gamma", [0.3, 1.0, 4.0])
def test_equilibrium_eigenvalues_match_the_finite_difference_jacobian(game, gamma):
    measured = np.linalg.eigvals(finite_difference_jacobian(0.0, 0.0, game, gamma))
    expected = dirac.equilibrium_eigenvalues(game, gamma)
    key = lambda z: (round(z.real, 6), z.imag)  # noqa: E731
    np.testing.assert_allclose(sorted(measured, key=key), sorted(expected, key=key),
                               atol=TOL)


def test_the_equilibrium_is_a_centre_without_r1_and_a_sink_with_it():
    for game in ("gan", "non_saturating", "wgan"):
        eig = dirac.equilibrium_eigenvalues(game)
        assert np.all(eig.real == 0) and np.all(eig.imag != 0)
    assert np.abs(dirac.equilibrium_eigenvalues("gan")[0].imag) == 0.5
    assert np.all(dirac.equilibrium_eigenvalues("gan_r1", gamma=0.1).real < 0)


@pytest.mark.parametrize("alternating", [False, True])
@pytest.mark.parametrize("game", SMOOTH)
def test_update_matrix_is_the_derivative_of_one_simulated_step(game, alternating):
    step, eps = 0.1, 1e-6
    columns = []
    for start in ((eps, 0.0), (0.0, eps)):
        plus = dirac.simulate(*start, game, step, 1, alternating=alternating)[1]
        minus = dirac.simulate(-start[0], -start[1], game, step, 1,
                               alternating=alternating)[1]
        columns.append((plus - minus) / (2 * eps))
    np.testing.assert_allclose(
        dirac.update_matrix(game, step, alternating), np.array(columns).T, atol=1e-7
    )


def test_simultaneous_steps_spiral_out_alternating_steps_cycle_r1_converges():
    def radius(alternating, game="gan", n=2_000):
        path = dirac.simulate(0.05, 0.0, game, 0.1, n, alternating=alternating)
        return np.hypot(*path[-1])
    rho = lambda game, alt: np.abs(np.linalg.eigvals(  # noqa: E731
        dirac.update_matrix(game, 0.1, alt))).max()
    assert rho("gan", False) > 1 and radius(False) > 0.06
    assert abs(rho("gan", True) - 1) < 1e-12 and 0.04 < radius(True) < 0.06
    assert rho("gan_r1", True) < 1 and radius(True, "gan_r1") < 1e-6


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="game"):
        dirac.vector_field(0.0, 0.0, "lsgan")
    with pytest.raises(ValueError, match="psi = 0"):
        dirac.jacobian(0.0, 0.0, "wgan_gp")
    with pytest.raises(ValueError, match="step"):
        dirac.simulate(1.0, 1.0, "gan", -0.1, 10)
    with pytest.raises(TypeError, match="n_steps"):
        dirac.simulate(1.0, 1.0, "gan", 0.1, 10.0)

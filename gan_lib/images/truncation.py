"""The truncation trick: sample the generator's noise from a truncated normal distribution.

Brock, Donahue and Simonyan (2019), Sec. 3.1: train with ``z ~ N(0, I)``, but at sampling
time draw every coordinate of ``z`` from the standard normal restricted to
``[-threshold, threshold]`` (values outside are redrawn). A smaller threshold ``c``
usually buys fidelity with variety; ``threshold = inf`` is the plain ``N(0, I)``. It
changes nothing in training: it is a choice of how to sample from a trained generator,
and a result obtained with it must say so.

What it does to the noise is easy to misstate. It does *not* keep the generator where it
was trained most: in ``d = 64`` dimensions training noise has length
``||z|| ~ chi_64``, about 8.0 (standard deviation 0.7), a thin shell far from the
origin. Truncated at ``c = 1`` the noise has root-mean-square length 4.3 (at ``c = 0.5``,
2.3: :func:`truncated_rms_length`), and training noise is that short with probability
4.9e-9 (:func:`noise_length_probability`); it lies in the cube ``[-1, 1]^64`` where all
truncated noise lives with probability 2.5e-11 (:func:`box_probability`). So truncated
noise comes from a region the generator almost never saw in training. What truncation
does is move ``z`` toward the origin, the mode of the noise density, and so ``G(z)``
toward ``G(0)`` (for a smooth ``G``): the samples become more alike. Whether they also
look better depends on the generator: ``G(0)`` is one point of its output, and where ``G``
is close to linear in ``z`` it is near the average output ``E[G(z)]``, which on data with
several modes (ten digit classes) can be a blurry mixture rather than a clean image.
What has been measured is the trade: Kynkäänniemi et al. (2019) found that truncation
raises precision and lowers recall. Brock et al. found some of their larger models not
amenable to truncation (saturation artifacts on truncated noise), and orthogonal
regularization made many more of them amenable.

Each coordinate is drawn by inverse-CDF sampling, ``z = Phi^-1(Phi(-c) + u (Phi(c) -
Phi(-c)))`` with ``u ~ U(0, 1)``, which is exact and takes one draw per value (no
rejection loop).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from gan_lib.validation import check_integer, check_number, check_seed


def truncated_noise(n: int, noise_dim: int, threshold: float, seed: int = 0) -> np.ndarray:
    """``n`` noise vectors (float32, shape ``(n, noise_dim)``) whose coordinates are
    independent standard normals conditioned on ``|z_i| <= threshold``.

    ``threshold = math.inf`` gives ``N(0, I)`` (drawn with the same generator, so a
    comparison at different thresholds uses the same uniform numbers).
    """
    n = check_integer("n", n, at_least=1)
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    threshold = check_number("threshold", threshold, greater_than=0, finite=False)
    rng = np.random.default_rng(check_seed("seed", seed))
    u = rng.uniform(size=(n, noise_dim))
    low = special.ndtr(-threshold) if math.isfinite(threshold) else 0.0
    # Phi(c) - Phi(-c) = 1 - 2 Phi(-c); use the lower tail on both sides (symmetric,
    # accurate far out where Phi(c) rounds to 1).
    p = low + u * (1.0 - 2.0 * low)
    return special.ndtri(np.clip(p, 1e-300, 1.0 - 1e-16)).astype(np.float32)


def truncated_rms_length(noise_dim: int, threshold: float) -> float:
    """``sqrt(E ||z||^2)`` of :func:`truncated_noise`: ``sqrt(noise_dim * v(c))`` with the
    truncated normal's variance ``v(c) = 1 - 2 c phi(c) / (2 Phi(c) - 1)`` (1 for ``c = inf``)."""
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    threshold = check_number("threshold", threshold, greater_than=0, finite=False)
    if not math.isfinite(threshold):
        return math.sqrt(noise_dim)
    inside = special.erf(threshold / math.sqrt(2.0))  # 2 Phi(c) - 1, accurate for small c
    density = math.exp(-threshold**2 / 2) / math.sqrt(2 * math.pi)
    return math.sqrt(noise_dim * (1.0 - 2.0 * threshold * density / inside))


def noise_length_probability(noise_dim: int, radius: float) -> float:
    """``P(||z|| <= radius)`` for training noise ``z ~ N(0, I_noise_dim)``: the CDF of the chi
    distribution with ``noise_dim`` degrees of freedom (``scipy.stats.chi``)."""
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    radius = check_number("radius", radius, at_least=0)
    return float(stats.chi(noise_dim).cdf(radius))


def box_probability(noise_dim: int, threshold: float) -> float:
    """``P(|z_i| <= c for every i) = (2 Phi(c) - 1)^noise_dim`` for ``z ~ N(0, I)``: how
    often training noise falls in the cube where all truncated noise lies."""
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    threshold = check_number("threshold", threshold, greater_than=0, finite=False)
    return float(special.erf(threshold / math.sqrt(2.0)) ** noise_dim)

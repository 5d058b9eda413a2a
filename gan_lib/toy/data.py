"""Toy data samplers: 1-D Gaussians and mixtures, and the 2-D ring of 8 Gaussians.

Each sampler is a function ``sample(n, rng) -> float32 array of shape (n, dim)``, the form
that ``gan_lib.training.GANTrainer.fit`` accepts as data; ``rng`` is a
``np.random.Generator`` or an integer seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gan_lib.probability import Gaussian, GaussianMixture
from gan_lib.validation import check_integer, check_number, check_rng


def sampler_1d(density: Gaussian | GaussianMixture) -> Callable[[int, np.random.Generator | int], np.ndarray]:
    """Samples of a 1-D density from gan_lib.probability (a Gaussian or a Gaussian
    mixture), shaped (n, 1), float32."""
    if not isinstance(density, (Gaussian, GaussianMixture)):
        raise TypeError(f"density must be a Gaussian or GaussianMixture; got {type(density).__name__}")

    def sample(n: int, rng: np.random.Generator | int) -> np.ndarray:
        n = check_integer("n", n, at_least=1)
        return density.sample(n, check_rng("rng", rng)).astype(np.float32)[:, None]

    return sample


def ring_centers(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The centers ``radius * (cos 2 pi k / modes, sin 2 pi k / modes)`` of the ring's modes."""
    modes = check_integer("modes", modes, at_least=1)
    radius = check_number("radius", radius, greater_than=0)
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_sampler(modes: int = 8, radius: float = 2.0, std: float = 0.02):
    """The ring of Gaussians of the VEEGAN/PacGAN experiments (Srivastava et al. 2017,
    Lin et al. 2018): an equal mixture of ``N(center_k, std^2 I)`` in 2-D."""
    std = check_number("std", std, greater_than=0)
    centers = ring_centers(modes, radius)
    modes = len(centers)

    def sample(n: int, rng: np.random.Generator | int) -> np.ndarray:
        n, rng = check_integer("n", n, at_least=1), check_rng("rng", rng)
        which = rng.integers(0, modes, n)
        return (centers[which] + std * rng.standard_normal((n, 2))).astype(np.float32)

    return sample

"""Toy data samplers: 1-D Gaussians and mixtures, and the 2-D ring of 8 Gaussians.

Each sampler is a function ``sample(n, rng) -> array of shape (n, dim)``, the form that
``gan_lib.training.GANTrainer.fit`` accepts as data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gan_lib.probability import Gaussian, GaussianMixture


def sampler_1d(density: Gaussian | GaussianMixture) -> Callable[[int, np.random.Generator], np.ndarray]:
    """Samples of a 1-D density from gan_lib.probability, shaped (n, 1), float32."""

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        return density.sample(n, rng).astype(np.float32)[:, None]

    return sample


def ring_centers(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The centers ``radius * (cos 2 pi k / modes, sin 2 pi k / modes)`` of the ring's modes."""
    if modes < 1 or radius <= 0:
        raise ValueError(f"need modes >= 1 and radius > 0; got modes={modes}, radius={radius}")
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_sampler(modes: int = 8, radius: float = 2.0, std: float = 0.02):
    """The ring of Gaussians of the VEEGAN/PacGAN experiments (Srivastava et al. 2017,
    Lin et al. 2018): an equal mixture of ``N(center_k, std^2 I)`` in 2-D."""
    if std <= 0:
        raise ValueError(f"std must be positive; got {std}")
    centers = ring_centers(modes, radius)

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        which = rng.integers(0, modes, n)
        return (centers[which] + std * rng.standard_normal((n, 2))).astype(np.float32)

    return sample

"""Toy data samplers: 1-D Gaussians and mixtures, and the 2-D ring of 8 Gaussians.

Each sampler is a function ``sample(n, rng) -> float32 array of shape (n, dim)``, the form
that ``gan_lib.training.GANTrainer.fit`` accepts as data; ``rng`` is a
``np.random.Generator`` or an integer seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gan_lib.probability import Gaussian, GaussianMixture


def _generator(rng: np.random.Generator | int) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator or a non-negative integer seed; got {rng!r}")


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    return int(n)


def sampler_1d(density: Gaussian | GaussianMixture) -> Callable[[int, np.random.Generator | int], np.ndarray]:
    """Samples of a 1-D density from gan_lib.probability (a Gaussian or a Gaussian
    mixture), shaped (n, 1), float32."""
    if not isinstance(density, (Gaussian, GaussianMixture)):
        raise TypeError(f"density must be a Gaussian or GaussianMixture; got {type(density).__name__}")

    def sample(n: int, rng: np.random.Generator | int) -> np.ndarray:
        return density.sample(_check_n(n), _generator(rng)).astype(np.float32)[:, None]

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

    def sample(n: int, rng: np.random.Generator | int) -> np.ndarray:
        n, rng = _check_n(n), _generator(rng)
        which = rng.integers(0, modes, n)
        return (centers[which] + std * rng.standard_normal((n, 2))).astype(np.float32)

    return sample

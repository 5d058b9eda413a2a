"""Toy data samplers: 1-D Gaussians and mixtures, and the 2-D ring of 8 Gaussians.

Each sampler is callable as ``sample(n, rng) -> float32 array of shape (n, dim)``, the form
that ``gan_lib.training.GANTrainer.fit`` accepts as data; ``rng`` is a
``np.random.Generator`` or an integer seed. It also draws from the same distribution in a
TensorFlow graph, ``sample.in_graph(n, seed)`` with a stateless seed (shape (2,)), which
lets ``GANTrainer`` sample inside its compiled calls. (The two draw different numbers.)
Samplers of equal parameters compare equal, so the trainer reuses its compiled calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from gan_lib.probability import Gaussian, GaussianMixture
from gan_lib.validation import check_integer, check_number, check_rng


@dataclass(frozen=True)
class Sampler1D:
    """Samples of a 1-D density from gan_lib.probability (a Gaussian or a Gaussian
    mixture), shaped (n, 1), float32."""

    density: Gaussian | GaussianMixture

    def __post_init__(self):
        if not isinstance(self.density, (Gaussian, GaussianMixture)):
            raise TypeError(
                f"density must be a Gaussian or GaussianMixture; got {type(self.density).__name__}"
            )

    def __call__(self, n: int, rng: np.random.Generator | int) -> np.ndarray:
        return self.density.sample(check_integer("n", n, at_least=1), check_rng("rng", rng)).astype(np.float32)[:, None]

    def in_graph(self, n: int, seed) -> tf.Tensor:
        """``n`` samples drawn in TensorFlow from the stateless ``seed``: the component
        ``c ~ Categorical(w)``, then ``mu_c + sigma_c * N(0, 1)``."""
        if isinstance(self.density, Gaussian):
            mus = tf.constant([self.density.mu], tf.float64)
            sigmas = tf.constant([self.density.sigma], tf.float64)
            which = tf.zeros((n,), tf.int32)
        else:
            mus = tf.constant(self.density.mus, tf.float64)
            sigmas = tf.constant(self.density.sigmas, tf.float64)
            logits = tf.math.log(tf.constant([self.density.weights], tf.float64))
            which = tf.random.stateless_categorical(logits, n, _fold(seed, 1), tf.int32)[0]
        normal = tf.random.stateless_normal((n,), _fold(seed, 0), dtype=tf.float64)
        x = tf.gather(mus, which) + tf.gather(sigmas, which) * normal
        return tf.cast(x, tf.float32)[:, None]


@dataclass(frozen=True)
class RingSampler:
    """The ring of Gaussians of the VEEGAN/PacGAN experiments (Srivastava et al. 2017,
    Lin et al. 2018): an equal mixture of ``N(center_k, std^2 I)`` in 2-D."""

    modes: int = 8
    radius: float = 2.0
    std: float = 0.02

    def __post_init__(self):
        check_number("std", self.std, greater_than=0)
        ring_centers(self.modes, self.radius)

    def __call__(self, n: int, rng: np.random.Generator | int) -> np.ndarray:
        n, rng = check_integer("n", n, at_least=1), check_rng("rng", rng)
        which = rng.integers(0, self.modes, n)
        centers = ring_centers(self.modes, self.radius)
        return (centers[which] + self.std * rng.standard_normal((n, 2))).astype(np.float32)

    def in_graph(self, n: int, seed) -> tf.Tensor:
        """``n`` samples drawn in TensorFlow from the stateless ``seed``."""
        centers = tf.constant(ring_centers(self.modes, self.radius), tf.float32)
        which = tf.random.stateless_uniform((n,), _fold(seed, 1), 0, self.modes, tf.int32)
        noise = tf.random.stateless_normal((n, 2), _fold(seed, 0))
        return tf.gather(centers, which) + self.std * noise


def _fold(seed, index: int) -> tf.Tensor:
    return tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int64), index)


def sampler_1d(density: Gaussian | GaussianMixture) -> Sampler1D:
    """Samples of a 1-D density from gan_lib.probability (a Gaussian or a Gaussian
    mixture), shaped (n, 1), float32."""
    return Sampler1D(density)


def ring_centers(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The centers ``radius * (cos 2 pi k / modes, sin 2 pi k / modes)`` of the ring's modes."""
    modes = check_integer("modes", modes, at_least=1)
    radius = check_number("radius", radius, greater_than=0)
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_sampler(modes: int = 8, radius: float = 2.0, std: float = 0.02) -> RingSampler:
    """The ring of Gaussians of the VEEGAN/PacGAN experiments (Srivastava et al. 2017,
    Lin et al. 2018): an equal mixture of ``N(center_k, std^2 I)`` in 2-D."""
    return RingSampler(modes, radius, std)

"""Sampling a trained generator: seeded noise, samples, and paths through the noise space.

The generator of every chapter maps noise ``z ~ N(0, I)`` to a sample, so "draw n samples"
is always the same three steps: draw ``z`` from a seed, call ``G`` (on ``[z, y]`` when it
is conditional, with integer labels ``y``), and collect the images as a float32 array.
:func:`noise` and :func:`sample` do them; :func:`slerp` and :func:`interpolate` walk
between two noise vectors.

A path between two noise vectors should stay where ``N(0, I)`` puts its mass. In high
dimension that is a thin shell of radius about ``sqrt(d)``; the straight line between two
such vectors dips towards the origin (its midpoint has about ``1/sqrt(2)`` of their norm),
where the generator saw almost no noise during training. Spherical linear interpolation
(slerp; Shoemake 1985, used for GAN latent walks by White 2016) follows the great circle
instead::

    slerp(z0, z1, t) = (sin((1 - t) w) z0 + sin(t w) z1) / sin(w),
    cos(w) = <z0, z1> / (|z0| |z1|).
"""

from __future__ import annotations

import numpy as np

from gan_lib.validation import check_array, check_integer, check_number, check_rng

# Below this angle (radians) slerp is computed as the straight line, its limit for w -> 0:
# sin(w) ~ w there, and dividing by it would only amplify round-off.
_SMALL_ANGLE = 1e-6


def noise(n: int, noise_dim: int, seed) -> np.ndarray:
    """``n`` noise vectors ``z ~ N(0, I)`` of dimension ``noise_dim``, float32, shape
    ``(n, noise_dim)``, from ``seed`` (an integer or a ``np.random.Generator``): the
    standard normals of ``rng.standard_normal`` in float64, rounded to float32."""
    n = check_integer("n", n, at_least=1)
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    rng = check_rng("seed", seed)
    return rng.standard_normal((n, noise_dim)).astype(np.float32)


def sample(generator, z, labels=None, batch_size: int = 1000) -> np.ndarray:
    """``G(z)`` (or ``G([z, y])`` with integer ``labels``, one per row of ``z``) in inference
    mode, in batches of ``batch_size``, as a float32 NumPy array."""
    z = np.asarray(z, dtype=np.float32)
    if z.ndim != 2:
        raise ValueError(f"z must be a 2-D array of noise vectors (n, noise_dim); got shape {z.shape}")
    batch_size = check_integer("batch_size", batch_size, at_least=1)
    inputs = z
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(z),) or labels.dtype.kind not in "iu":
            raise ValueError(f"labels must be {len(z)} integers, one per noise vector; got "
                             f"shape {labels.shape}, dtype {labels.dtype}")
        inputs = [z, labels.astype(np.int32)]
    return np.asarray(generator.predict(inputs, batch_size=batch_size, verbose=0), dtype=np.float32)


def slerp(z0, z1, t: float) -> np.ndarray:
    """Spherical linear interpolation from ``z0`` (``t = 0``) to ``z1`` (``t = 1``): the
    formula of the module docstring, in the dtype NumPy gives ``z0`` and ``z1``.

    When the angle ``w`` between them is below 1e-6 radians it returns the straight line
    ``(1 - t) z0 + t z1``, the limit of slerp as ``w -> 0``. When they point in opposite
    directions (``w`` within 1e-6 of pi) every great circle through both is as short as
    any other, so the path is not defined: a ValueError."""
    z0, z1 = np.asarray(z0), np.asarray(z1)
    if z0.shape != z1.shape or z0.ndim != 1:
        raise ValueError(f"z0 and z1 must be two vectors of the same length; got shapes {z0.shape} and {z1.shape}")
    t = check_number("t", t, at_least=0, at_most=1)
    norms = np.linalg.norm(z0) * np.linalg.norm(z1)
    if not norms > 0:
        raise ValueError("z0 and z1 must be non-zero vectors: a zero vector has no direction")
    omega = np.arccos(np.clip(np.dot(z0, z1) / norms, -1, 1))
    if omega < _SMALL_ANGLE:
        return (1 - t) * z0 + t * z1
    if np.pi - omega < _SMALL_ANGLE:
        raise ValueError("z0 and z1 point in opposite directions: no single great circle joins them")
    weights = np.sin((1 - t) * omega), np.sin(t * omega)
    return (weights[0] * z0 + weights[1] * z1) / np.sin(omega)


def interpolate(ends, steps: int) -> np.ndarray:
    """Slerp paths: for each pair ``ends[i] = (z0, z1)`` (shape ``(pairs, 2, noise_dim)``),
    ``steps`` points at ``t = 0, 1/(steps-1), ..., 1``; float32, shape
    ``(pairs * steps, noise_dim)``, the points of pair 0 first."""
    ends = check_array("ends", ends, ndim=3, dtype=np.asarray(ends).dtype)
    if ends.shape[1] != 2:
        raise ValueError(f"ends must hold pairs (z0, z1), shape (pairs, 2, noise_dim); got {ends.shape}")
    steps = check_integer("steps", steps, at_least=2)
    return np.stack([slerp(z0, z1, t) for z0, z1 in ends for t in np.linspace(0, 1, steps)]).astype(np.float32)

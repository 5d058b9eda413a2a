"""Judging toy generators: a JS estimate from samples, and mode coverage on mixtures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, stats

from gan_lib.probability import LOG_2


def js_from_samples(samples, p_data, bandwidth: str | float = "scott") -> float:
    """JS(p_g, p_data) in nats, with p_g a Gaussian kernel density estimate of 1-D ``samples``.

    ``JS = KL(p_g || m)/2 + KL(p_data || m)/2`` with ``m = (p_g + p_data)/2``, integrated by
    quadrature over the union of both supports. The KDE smooths p_g, so the estimate
    has a positive bias even when the samples come from p_data itself: its *noise floor*,
    which ``js_noise_floor`` measures and chapter 4 reports next to every estimate.
    Measured here: about 1.4e-4 nats for 20,000 samples of N(0, 1); within 0.005 nats of
    the exact JS for unimodal Gaussian pairs, but about 0.03 nats low for a mixture of two
    narrow modes (Scott's bandwidth over-smooths them). Use it for unimodal 1-D data.
    """
    samples = np.asarray(samples, dtype=float).ravel()
    if samples.size < 10 or not np.isfinite(samples).all():
        raise ValueError(f"need at least 10 finite samples; got {samples.size} (finite: {np.isfinite(samples).all()})")
    kde = stats.gaussian_kde(samples, bw_method=bandwidth)
    spread = samples.std() + kde.factor * samples.std()
    lo = min(samples.min() - 6 * spread * kde.factor - 1e-9, p_data.support()[0])
    hi = max(samples.max() + 6 * spread * kde.factor + 1e-9, p_data.support()[1])

    def integrand(x):
        pg, pd = max(float(kde(x)[0]), 1e-300), float(p_data.pdf(x))
        m = 0.5 * (pg + pd)
        total = 0.5 * pg * np.log(pg / m)
        if pd > 0:
            total += 0.5 * pd * np.log(pd / m)
        return total

    value, _ = integrate.quad(integrand, lo, hi, limit=400, points=np.linspace(lo, hi, 9)[1:-1])
    return float(np.clip(value, 0.0, LOG_2))


def js_noise_floor(p_data, n: int, repeats: int = 5, seed: int = 0) -> tuple[float, float]:
    """Mean and std of ``js_from_samples`` on ``n`` samples drawn from p_data itself.

    The true JS is 0 there, so this is the estimator's bias at sample size ``n``: a
    generator cannot be shown to be closer to p_data than this.
    """
    rng = np.random.default_rng(seed)
    values = [js_from_samples(p_data.sample(n, rng), p_data) for _ in range(repeats)]
    return float(np.mean(values)), float(np.std(values))


@dataclass(frozen=True)
class ModeCoverage:
    """Modes covered and the fraction of high-quality samples (VEEGAN/PacGAN protocol)."""

    modes_covered: int
    high_quality_fraction: float
    counts: np.ndarray


def mode_coverage(samples, centers, std: float, threshold: float = 3.0) -> ModeCoverage:
    """Srivastava et al. 2017 / Lin et al. 2018: a sample is *high quality* if it lies within
    ``threshold`` standard deviations of its nearest mode; a mode is *covered* if at least
    one high-quality sample is nearest to it. (Those papers use 2,500 samples.)
    """
    samples = np.asarray(samples, dtype=float)
    centers = np.asarray(centers, dtype=float)
    if samples.ndim == 1:
        samples = samples[:, None]
    if centers.ndim == 1:
        centers = centers[:, None]
    if samples.shape[1] != centers.shape[1]:
        raise ValueError(f"samples have dimension {samples.shape[1]} but centers {centers.shape[1]}")
    if not np.isfinite(samples).all():
        raise ValueError("samples contain NaN or infinity")
    if std <= 0:
        raise ValueError(f"std must be positive; got {std}")
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= threshold * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return ModeCoverage(int((counts > 0).sum()), float(good.mean()), counts)

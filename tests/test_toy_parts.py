"""gan_lib.models, data, metrics and plotting helpers of the toy chapters."""

import numpy as np
import pytest
from matplotlib import pyplot as plt

from gan_lib import data, metrics, models, plotting, training
from gan_lib.probability import Gaussian, GaussianMixture, js_divergence


def test_mlp_shapes_and_packing():
    G = models.mlp_generator(4, 2)
    D = models.mlp_discriminator(2, pack=4)
    x = G(np.zeros((8, 4), np.float32))
    assert tuple(x.shape) == (8, 2)
    assert tuple(D(x).shape) == (2, 1)  # 8 samples judged in packs of 4
    with pytest.raises(ValueError, match="noise_dim must be a positive integer"):
        models.mlp_generator(0, 1)
    with pytest.raises(ValueError, match="pack must be a positive integer"):
        models.mlp_discriminator(2, pack=0)


def test_packed_discriminator_sees_diversity():
    """Packing concatenates consecutive samples, so a pack of identical points differs from a varied one."""
    D = models.mlp_discriminator(1, pack=2)
    same = np.array([[1.0], [1.0]], np.float32)
    packed = models.Pack(2)(same)
    assert packed.shape == (1, 2) and np.all(packed.numpy() == 1.0)
    assert D(same).shape == (1, 1)


def test_ring_sampler_modes_and_spread():
    centers = data.ring_centers(8, 2.0)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2.0)
    x = data.ring_sampler()(4000, np.random.default_rng(0))
    assert x.shape == (4000, 2) and x.dtype == np.float32
    coverage = metrics.mode_coverage(x, centers, std=0.02)
    assert coverage.modes_covered == 8 and coverage.high_quality_fraction > 0.98
    assert abs(np.std(x - centers[np.linalg.norm(x[:, None] - centers, axis=2).argmin(1)]) - 0.02) < 0.002
    with pytest.raises(ValueError, match="std must be positive"):
        data.ring_sampler(std=0)


def test_mode_coverage_counts_collapse_and_garbage():
    centers = data.ring_centers()
    collapsed = np.tile(centers[3], (100, 1))
    result = metrics.mode_coverage(collapsed, centers, std=0.02)
    assert result.modes_covered == 1 and result.high_quality_fraction == 1.0
    garbage = np.zeros((100, 2))  # the center of the ring: far from every mode
    assert metrics.mode_coverage(garbage, centers, std=0.02).modes_covered == 0
    with pytest.raises(ValueError, match="dimension"):
        metrics.mode_coverage(np.zeros((5, 3)), centers, std=0.02)


def test_js_from_samples_tracks_exact_js_above_its_noise_floor():
    p_data = Gaussian(0, 1)
    rng = np.random.default_rng(0)
    floor, spread = metrics.js_noise_floor(p_data, 20_000, repeats=3)
    assert 0 <= floor < 2e-3
    for q in (Gaussian(0.5, 1), Gaussian(0, 2), Gaussian(0.1, 1.1)):
        estimate = metrics.js_from_samples(q.sample(20_000, rng), p_data)
        assert abs(estimate - js_divergence(q, p_data)) < 0.005
    # Kernel smoothing blurs narrow modes: a documented bias of a few hundredths of a nat.
    bimodal = GaussianMixture((0.5, 0.5), (-2, 2), (0.5, 0.5))
    assert abs(metrics.js_from_samples(bimodal.sample(20_000, rng), p_data) - js_divergence(bimodal, p_data)) < 0.05
    with pytest.raises(ValueError, match="finite samples"):
        metrics.js_from_samples([np.nan] * 20, p_data)


def test_sampler_1d_shape():
    x = data.sampler_1d(Gaussian(1, 2))(10, np.random.default_rng(0))
    assert x.shape == (10, 1) and x.dtype == np.float32


def test_animation_html_has_controls_and_frames():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    html = plotting.animation_html(fig, lambda i: line.set_ydata([0, i]), frames=3)
    assert "anim-buttons" in html or "animation" in html.lower()
    assert html.count("data:image/png;base64") == 3


def test_loss_curves_draw_reference_lines():
    history = training.History(d_loss=[1.5, 1.4], g_loss=[0.6, 0.7], d_real=[0.6, 0.5], d_fake=[0.4, 0.5])
    fig, ax = plt.subplots()
    plotting.loss_curves(ax, history)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "D loss" in labels and any("log 4" in label for label in labels)
    plt.close(fig)

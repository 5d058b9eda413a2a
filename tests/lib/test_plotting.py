"""gan_lib.plotting: the book style and the shared plots."""


import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import pyplot as plt

from gan_lib import plotting, training
from gan_lib.toy import data


def test_animation_html_has_controls_and_one_image_per_frame():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    html = plotting.animation_html(fig, lambda i: line.set_ydata([0, i]), frames=3)
    assert "anim-buttons" in html or "animation" in html.lower()
    assert html.count("data:image/png;base64") == 3
    assert not plt.fignum_exists(fig.number)  # closed, so the static frame is not shown twice


def test_loss_curves_draw_reference_lines():
    history = training.History(d_loss=[1.5, 1.4], g_loss=[0.6, 0.7], d_real=[0.6, 0.5], d_fake=[0.4, 0.5])
    fig, ax = plt.subplots()
    plotting.loss_curves(ax, history)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert "D loss" in lines and "G loss" in lines
    assert np.allclose(lines["log 4 (D at equilibrium)"].get_ydata(), np.log(4))
    assert np.allclose(lines["log 2 (G at equilibrium)"].get_ydata(), np.log(2))
    assert ax.get_ylabel() == "loss (nats)"
    plt.close(fig)


def test_density_and_discriminator_draws_three_curves_and_half():
    x = np.linspace(-3, 3, 50)
    pdf = np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi)
    fig, ax = plt.subplots()
    plotting.density_and_discriminator(ax, x, pdf, pdf, np.full_like(x, 0.5), "step 0")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["$p_g$", "$D(x)$", "$D = 1/2$"] and ax.get_title() == "step 0"
    assert len(ax.collections) == 1  # the filled data density
    plt.close(fig)
    fig, ax = plt.subplots()
    plotting.density_and_discriminator(ax, x, pdf, pdf, np.full_like(x, 0.5), d_star=np.full_like(x, 0.5))
    assert "$D^*(x)$" in [line.get_label() for line in ax.get_lines()]
    plt.close(fig)
    with pytest.raises(ValueError, match="one length"):
        plotting.density_and_discriminator(plt.gca(), x, pdf[:-1], pdf, pdf)
    plt.close("all")


def test_ring_samples_marks_every_mode():
    fig, ax = plt.subplots()
    centers = data.ring_centers()
    plotting.ring_samples(ax, data.ring_sampler()(100, 0), centers, 0.02, "real")
    assert len(ax.patches) == 8 and ax.patches[0].get_radius() == 3 * 0.02
    assert ax.collections[0].get_offsets().shape == (100, 2)
    plt.close(fig)


def test_density_histogram_estimates_the_density_even_when_limits_cut_the_tails():
    samples = np.random.default_rng(0).uniform(0, 4, size=400_000)  # density 1/4 on [0, 4]
    fig, ax = plt.subplots()
    heights, edges = plotting.density_histogram(ax, samples, bins=20, limits=(0, 2), label="u")
    assert len(edges) == 21 and edges[0] == 0 and edges[-1] == 2
    np.testing.assert_allclose(heights, 0.25, rtol=0.03)  # not 0.5: all samples count in n
    assert ax.get_legend_handles_labels()[1] == ["u"]
    plt.close(fig)


def test_density_histogram_integrates_to_one_without_limits():
    samples = np.random.default_rng(1).normal(size=10_000)
    fig, ax = plt.subplots()
    heights, edges = plotting.density_histogram(ax, samples, bins=50)
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)
    plt.close(fig)


@pytest.mark.parametrize("bad", [[], [0.0, np.nan], [1.0, np.inf]])
def test_density_histogram_rejects_empty_or_non_finite_samples(bad):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="samples must be"):
        plotting.density_histogram(ax, bad)
    plt.close(fig)


# --- figures sized for the column (issue 16) -------------------------------------------


def test_the_style_has_no_font_below_the_minimum():
    from matplotlib import font_manager

    sizes = {
        key: plotting.STYLE.get(key, mpl.rcParams[key])
        for key in ("axes.titlesize", "axes.labelsize", "legend.fontsize",
                    "xtick.labelsize", "ytick.labelsize", "figure.titlesize")
    }
    for key, size in sizes.items():
        points = font_manager.FontProperties(size=size).get_size_in_points()
        assert points >= plotting.MIN_FONT_PT, f"{key} = {size} ({points} pt)"
    assert plotting.STYLE["figure.figsize"][0] <= plotting.COLUMN_WIDTH_IN


def test_smallest_font_finds_the_smallest_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1], label="a line")
    plotting.labelled(ax, "x", "y", "title")
    assert plotting.smallest_font_pt(fig) >= plotting.MIN_FONT_PT
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    assert plotting.smallest_font_pt(fig) == 6
    plt.close(fig)


def test_the_shared_plots_keep_the_minimum_font():
    x = np.linspace(-3, 3, 50)
    fig, ax = plt.subplots()
    plotting.density_and_discriminator(ax, x, np.exp(-x**2), np.exp(-x**2), 0.5 + 0 * x, "t")
    assert plotting.smallest_font_pt(fig) >= plotting.MIN_FONT_PT
    plt.close(fig)

"""The live widgets of chapters 5 (the ring of 8) and 9 (a WGAN critic), in headless
Chromium, offline (_static/live/gan-live.js, configs "ch5-ring" and "ch9-critic").

What they compute is compared with gan_lib on the same numbers: the ring's mode coverage
with gan_lib.toy.metrics.mode_coverage, the critic's exact W1 and optimal critic with
gan_lib.divergences, its estimate and Lipschitz constant with chapter 9's formulas. Their
training is checked for seeded behaviour; their controls for keyboard use, labels, a 390 px
screen and prefers-reduced-motion. Every page must log no console error and request
nothing outside the local server. Training steps are few: on a shared machine a step of
the ring's networks takes up to half a second.
"""

from __future__ import annotations

import numpy as np
import pytest
from livepage import GAN, WIDGET, LivePage, build_site, serve, tab_order, widget_html
from scipy import special

from gan_lib import divergences
from gan_lib.probability import Gaussian, GaussianMixture
from gan_lib.toy import data, metrics

RING_CENTERS = data.ring_centers(8, radius=2.0)
RING_STD = 0.02
P = GaussianMixture((0.5, 0.5), (-2.0, 2.0), (0.6, 0.6))  # chapter 9's P and Q
Q = Gaussian(0.0, 1.0)
# W1 by the trapezoidal rule on the widget's grid of 8,001 points over [-10, 10], against
# gan_lib's adaptive quadrature: 4e-7 apart (the rule's error at the CDFs' crossings).
W1_TOL = 1e-6
# The optimal critic: the same cumulative trapezoidal rule of the same signs.
CRITIC_TOL = 1e-9
# The widget's normal CDF (erf by a series, erfc by a continued fraction) against SciPy's
# special.ndtr, relative, down to the tails (1e-198 at z = -30).
CDF_RTOL = 1e-12
PAGES = {"ring": "ch5-ring", "critic": "ch9-critic"}


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live59")
    tall = '<div style="height: 3000px"></div><p id="below">end</p>'
    pages = {f"{page}.html": widget_html(name, autoplay=False) for page, name in PAGES.items()}
    pages.update({f"{page}-autoplay.html": widget_html(name) + tall for page, name in PAGES.items()})
    build_site(folder, pages)
    with serve(folder) as url:
        yield url


@pytest.fixture
def ring(browser, live_url):
    page = LivePage(browser, live_url, path="ring.html")
    yield page
    page.close()


@pytest.fixture
def critic(browser, live_url):
    page = LivePage(browser, live_url, path="critic.html")
    yield page
    page.close()


def _run(live, steps):
    live.js(f"() => document.querySelector('{WIDGET}').ganLive.advance({steps})")
    return live.weights(), live.readouts()


# ---------------------------------------------------------------- agreement with gan_lib


def _coverage_cases():
    rng = np.random.default_rng(0)
    ring = data.ring_sampler(8, radius=2.0, std=RING_STD)
    return {
        "real ring samples": ring(2_500, rng),
        "uniform noise on the chapter's square": rng.uniform(-2.6, 2.6, (2_500, 2)),
        "a collapsed generator": np.tile(RING_CENTERS[2], (100, 1)) + 0.01,
        "samples at the center": np.zeros((50, 2)),
        "a slightly too large ring": ring(500, rng) * 1.03,
        "a blurred ring": ring(300, rng) + rng.normal(0, 0.05, (300, 2)),
        "one full mode, seven thin": np.concatenate(
            [RING_CENTERS[0] + rng.normal(0, RING_STD, (2_000, 2)), ring(100, rng)]
        ),
    }


@pytest.mark.parametrize("case", sorted(_coverage_cases()))
def test_ring_coverage_counts_are_gan_libs_on_fixed_points(ring, case):
    points = _coverage_cases()[case].astype(np.float32)
    got = ring.js(
        "([points, centers]) => GanLive.formulas.modeCoverage(Float32Array.from(points), centers, 0.02)",
        [points.ravel().tolist(), RING_CENTERS.tolist()],
    )
    expected = metrics.mode_coverage(points, RING_CENTERS, RING_STD)
    assert got["modesCovered"] == expected.modes_covered
    assert got["modesCoveredStrict"] == expected.modes_covered_strict
    assert got["minSamples"] == expected.min_samples
    assert got["counts"] == expected.counts.tolist()
    assert abs(got["highQualityFraction"] - expected.high_quality_fraction) < 1e-15


def test_ring_widget_reads_out_gan_libs_coverage_of_its_samples(ring):
    """The readouts are mode_coverage of the 2,500 samples G draws from its fixed noise,
    on the chapter's centers; the real points drawn are the chapter's ring."""
    _run(ring, 3)
    state = ring.js(
        f"() => {{ const s = {GAN}.evaluate(); return {{samples: Array.from(s.samples), centers: s.centers,"
        " real: Array.from(s.real), covered: s.modesCovered, strict: s.modesCoveredStrict, hq: s.highQuality}; }"
    )
    np.testing.assert_allclose(state["centers"], RING_CENTERS, atol=1e-12)
    samples = np.array(state["samples"]).reshape(-1, 2)
    assert samples.shape == (2_500, 2)
    expected = metrics.mode_coverage(samples, RING_CENTERS, RING_STD)
    assert (state["covered"], state["strict"]) == (expected.modes_covered, expected.modes_covered_strict)
    assert state["hq"] == pytest.approx(expected.high_quality_fraction, abs=1e-15)
    readouts = ring.readouts()
    assert readouts["modesCovered"] == str(expected.modes_covered)
    assert readouts["highQuality"] == f"{100 * expected.high_quality_fraction:.1f}%"
    real = metrics.mode_coverage(np.array(state["real"]).reshape(-1, 2), RING_CENTERS, RING_STD)
    # 500 real points: every mode, and 1 - exp(-4.5) = 98.9% within 3 std in expectation.
    assert real.modes_covered_strict == 8 and real.high_quality_fraction > 0.97


def test_critic_w1_and_optimal_critic_are_gan_libs(critic):
    state = critic.js(f"() => {{ const g = {GAN}; return {{w1: g.w1, grid: Array.from(g.grid),"
                      " fStar: Array.from(g.fStar), readout: g.evaluate().w1}; }")
    grid = np.array(state["grid"])
    np.testing.assert_allclose(grid, np.linspace(-10, 10, 8_001), atol=1e-12)
    exact = divergences.wasserstein_1(P, Q)
    assert abs(state["w1"] - exact) < W1_TOL
    assert state["readout"] == state["w1"]
    assert critic.readouts()["w1"] == f"{state['w1']:.4f}"
    f_star = divergences.optimal_wasserstein_critic(P, Q, grid)
    assert np.max(np.abs(np.array(state["fStar"]) - f_star)) < CRITIC_TOL
    z = np.concatenate([np.linspace(-30, 30, 241), np.linspace(-1.5, 1.5, 61)])
    cdf = np.array(critic.js("(zs) => zs.map(GanLive.formulas.ndtr)", z.tolist()))
    np.testing.assert_allclose(cdf, special.ndtr(z), rtol=CDF_RTOL, atol=0)


@pytest.mark.parametrize("constraint", ["clip", "gp10", "sn"])
def test_critic_estimate_and_lipschitz_constant_are_chapter_9s(critic, constraint):
    """Chapter 9's table from the critic's values on the grid: integral f (p - q) by the
    trapezoidal rule, L the largest slope between neighbours, and estimate / L."""
    critic.page.get_by_label("Lipschitz constraint").select_option(constraint)
    _run(critic, 15)
    state = critic.js(f"() => {{ const s = {GAN}.evaluate(); return {{f: Array.from(s.f), estimate: s.estimate,"
                      f" lipschitz: s.lipschitz, corrected: s.corrected, theta: {GAN}.weights()[0]}}; }}")
    grid = np.linspace(-10, 10, 8_001)
    f = np.array(state["f"])
    estimate = np.trapezoid(f * (P.pdf(grid) - Q.pdf(grid)), grid)
    lipschitz = np.abs(np.diff(f) / np.diff(grid)).max()
    assert state["estimate"] == pytest.approx(estimate, rel=1e-9, abs=1e-12)
    assert state["lipschitz"] == pytest.approx(lipschitz, rel=1e-9)
    assert state["corrected"] == pytest.approx(estimate / lipschitz, rel=1e-8)
    if constraint == "clip":
        assert np.max(np.abs(state["theta"])) <= 0.01 + 1e-9


@pytest.mark.parametrize("constraint, weight", [("gp10", 10.0), ("gp100", 100.0), ("clip", 0.0)])
def test_critic_loss_and_gradient_are_gan_libs(critic, constraint, weight):
    """On the same weights and batches, the widget's loss and its gradient are those of
    gan_lib.losses.wasserstein_critic_loss plus the gradient penalty (as
    gan_lib.losses.gradient_penalty computes it, with the same eps) for gan_lib's critic,
    models.mlp_discriminator(1, (64, 64)) of chapter 9, within float32 rounding."""
    import tensorflow as tf

    from gan_lib import losses
    from gan_lib.toy import models

    critic.page.get_by_label("Lipschitz constraint").select_option(constraint)
    _run(critic, 5)
    rng = np.random.default_rng(0)
    x_p = P.sample(64, rng).astype(np.float32)[:, None]
    x_q = Q.sample(64, rng).astype(np.float32)[:, None]
    eps = rng.uniform(size=(64, 1)).astype(np.float32)
    out = critic.js(
        f"([p, q, e]) => Object.assign({GAN}.lossGradient(p, q, e), {{theta: {GAN}.weights()[0]}})",
        [x_p.ravel().tolist(), x_q.ravel().tolist(), eps.ravel().tolist()],
    )
    theta, weights, offset = np.array(out["theta"], np.float32), [], 0
    for fan_in, fan_out in [(1, 64), (64, 64), (64, 1)]:
        weights.append(theta[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out))
        offset += fan_in * fan_out
        weights.append(theta[offset : offset + fan_out])
        offset += fan_out
    model = models.mlp_discriminator(1, (64, 64))
    model.set_weights(weights)
    with tf.GradientTape() as tape:
        loss = losses.wasserstein_critic_loss(model(x_p), model(x_q))
        if weight:
            mixed = tf.constant(eps * x_p + (1 - eps) * x_q)
            with tf.GradientTape() as inner:
                inner.watch(mixed)
                outputs = model(mixed)
            norms = tf.sqrt(tf.reduce_sum(tf.square(inner.gradient(outputs, mixed)), axis=1) + 1e-12)
            loss += weight * tf.reduce_mean(tf.square(norms - 1.0))
    gradient = np.concatenate([g.numpy().ravel() for g in tape.gradient(loss, model.trainable_variables)])
    assert out["loss"] == pytest.approx(float(loss), rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(out["gradient"], gradient, rtol=1e-3, atol=1e-5 * np.abs(gradient).max())


def test_critic_slope_for_the_penalty_is_the_derivative(critic):
    """The gradient penalty's f'(x), by forward-mode differentiation, against central
    differences of f between the kinks (float32: h = 1e-2, on a critic that is piecewise
    linear, so the difference is exact unless a kink lies within h)."""
    _run(critic, 5)
    x = np.linspace(-4, 4, 33) + 0.0123
    h = 1e-2
    out = critic.js(f"(xs) => {GAN}.slopes(xs)", np.concatenate([x, x - h, x + h]).tolist())
    f = np.array(out["f"]).reshape(3, -1)
    slope = np.array(out["slope"]).reshape(3, -1)
    differences = (f[2] - f[1]) / (2 * h)
    smooth = np.isclose(slope[1], slope[2], rtol=1e-6)  # no kink between x - h and x + h
    assert smooth.sum() > 20
    np.testing.assert_allclose(slope[0][smooth], differences[smooth], rtol=2e-3, atol=1e-4)


# ---------------------------------------------------------------- seeded behaviour


@pytest.mark.parametrize("path, control, values, steps", [
    ("ring.html", "remedy", ["plain", "pacgan", "mbstd"], 3),
    ("critic.html", "Lipschitz constraint", ["gp10", "clip", "gp100", "sn"], 8),
])
def test_reset_same_seed_and_switching_change_the_run(browser, live_url, path, control, values, steps):
    live = LivePage(browser, live_url, path=path)
    initial = live.weights(), live.readouts()
    first = _run(live, steps)
    assert first[0] != initial[0]
    live.page.get_by_role("button", name="Reset").click()
    assert live.step_count() == 0
    assert (live.weights(), live.readouts()) == initial  # bit for bit
    assert _run(live, steps) == first  # the same run again
    runs = {values[0]: first}
    for value in values[1:]:
        live.page.get_by_label(control).select_option(value)  # switching starts a new run
        assert live.step_count() == 0
        runs[value] = _run(live, steps)
    for a in values:
        for b in values:
            if a < b:
                assert runs[a][0] != runs[b][0], (a, b)
    live.page.get_by_label(control).select_option(values[0])
    assert _run(live, steps) == first
    live.close()
    # Another page, the same seed: the same numbers; another seed: others.
    again = LivePage(browser, live_url, path=path)
    assert _run(again, steps) == first
    again.page.get_by_label("seed").fill("7")
    again.page.get_by_label("seed").press("Enter")
    assert again.js(f"() => {GAN}.options.seed") == 7
    assert _run(again, steps)[0] != first[0]
    again.close()


def test_ring_remedies_build_the_chapters_discriminators(ring):
    """PacGAN: D's input is 4 concatenated points; minibatch std: one more input to D's
    last hidden layer; the learning rate follows the chapter's cosine decay."""
    widths = {}
    for remedy in ("plain", "pacgan", "mbstd"):
        ring.page.get_by_label("remedy").select_option(remedy)
        widths[remedy] = ring.js(f"() => {GAN}.D.layers.map(l => [l.fanIn, l.fanOut])")
    assert widths["plain"] == [[2, 128], [128, 128], [128, 1]]
    assert widths["pacgan"] == [[8, 128], [128, 128], [128, 1]]
    assert widths["mbstd"] == [[2, 128], [129, 128], [128, 1]]
    rates = ring.js(f"() => [0, 4000, 8000, 9000].map(t => {GAN}.rate(t))")
    assert rates == pytest.approx([1e-3, 1e-3 * (0.98 * 0.5 + 0.02), 2e-5, 2e-5], rel=1e-12)


# ---------------------------------------------------------------- usable


@pytest.mark.parametrize("path, labels", [
    ("ring.html", ["remedy", "learning rate (cosine decay)", "seed"]),
    ("critic.html", ["Lipschitz constraint", "learning rate (cosine decay)", "seed"]),
])
def test_every_control_has_a_label_and_works_by_keyboard(browser, live_url, path, labels):
    live = LivePage(browser, live_url, path=path)
    page = live.page
    controls = page.locator(f"{WIDGET} select, {WIDGET} input")
    assert controls.count() == len(labels)
    for i, text in enumerate(labels):
        label = page.locator(f"label[for='{controls.nth(i).get_attribute('id')}']")
        assert label.inner_text().strip() == text
    assert page.locator(f"{WIDGET} canvas").get_attribute("aria-label")
    reached = tab_order(page, 3 + len(labels))
    assert reached[:3] == ["Play", "One step", "Reset"]
    assert all(r.startswith("gan-live-") for r in reached[3:])
    page.locator(f"{WIDGET} .gan-live-step").focus()
    page.keyboard.press("Enter")
    assert live.step_count() == 1
    # Arrow down on the first select picks the next option, and starts a new run.
    page.get_by_label(labels[0]).focus()
    page.keyboard.press("ArrowDown")
    assert live.step_count() == 0
    option = live.js(f"() => Object.values({GAN}.options)[0]")
    assert option in ("pacgan", "gp100")
    live.close()


@pytest.mark.parametrize("path", ["ring.html", "critic.html"])
def test_fits_a_390_px_phone(browser, live_url, path):
    live = LivePage(browser, live_url, width=390, path=path)
    page = live.page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for element in page.locator(f"{WIDGET}, {WIDGET} *").all():
        inner = element.bounding_box()
        if inner is not None:
            assert inner["x"] >= 0 and inner["x"] + inner["width"] <= 390, element.evaluate("e => e.outerHTML")
    assert page.locator(f"{WIDGET} canvas").bounding_box()["height"] >= 195
    live.close()


@pytest.mark.parametrize("path", ["ring-autoplay.html", "critic-autoplay.html"])
def test_autoplays_only_without_reduced_motion(browser, live_url, path):
    moving = LivePage(browser, live_url, path=path)
    moving.page.wait_for_function(f"() => {GAN}.step >= 2", timeout=60_000)
    moving.page.locator("#below").scroll_into_view_if_needed()
    moving.page.wait_for_function("() => !document.querySelector('div.gan-live').ganLive.playing")
    moving.close()
    still = LivePage(browser, live_url, path=path, reduced_motion="reduce")
    still.page.wait_for_timeout(2_000)
    assert still.step_count() == 0
    assert still.page.locator(f"{WIDGET} .gan-live-play").get_attribute("aria-pressed") == "false"
    still.close()

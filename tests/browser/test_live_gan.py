"""The live toy GAN of chapter 4 (_static/live/), in headless Chromium, offline.

The component is opened on a small standalone page (tests/browser/livepage.py) with the
files the book ships. What it computes is compared with gan_lib on the same numbers; its
training is checked for seeded behaviour; its controls for keyboard use, labels, a 390 px
screen and prefers-reduced-motion. Every page must log no console error and request
nothing outside the local server.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from livepage import GAN, READY, ROOT, WIDGET, LivePage, build_site, serve, tab_order, widget_html

from bookbuild import live_static
from gan_lib.probability import Gaussian, js_divergence, optimal_discriminator, value_function
from gan_lib.toy import metrics

P_DATA = Gaussian(3.0, 1.0)

# Agreement with gan_lib, for G(z) = a z_1 + b (p_g = N(b, a^2)) on the widget's 5,000
# evaluation samples. The widget's JS estimate is gan_lib.toy.metrics.js_from_samples
# computed again in JavaScript: on the same samples they agree to rounding.
JS_SAME_SAMPLES_TOL = 1e-6
# Against the exact JS of gan_lib.probability: the estimate's bias at 5,000 samples
# (its noise floor, about 1e-3 nats for N(3, 1)) plus sampling error.
JS_EXACT_TOL = 0.006
# D* from the KDE of p_g against the exact D* of gan_lib.probability, where both
# densities exceed 0.02 (elsewhere the estimate of p_g is too thin to judge).
D_STAR_TOL = 0.05
# V(D, G) for the widget's D: its E_{p_g}[log(1 - D)] is a mean over 5,000 samples
# (measured: within 0.0007 nats of quadrature for the four generators below).
VALUE_TOL = 0.003


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    build_site(folder, {"index.html": widget_html(autoplay=False),
                        "autoplay.html": widget_html() + '<div style="height: 3000px"></div><p id="below">end</p>'})
    with serve(folder) as url:
        yield url


@pytest.fixture
def live(browser, live_url):
    page = LivePage(browser, live_url)
    yield page
    page.close()


def numpy_mlp(theta, widths, x):
    """The widget's MLP in NumPy, from its flat weights: per layer a row-major
    (fan_in, fan_out) kernel then the bias; LeakyReLU(0.2) between layers."""
    h, offset = np.asarray(x, float)[:, None], 0
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        kernel = np.asarray(theta[offset : offset + fan_in * fan_out]).reshape(fan_in, fan_out)
        offset += fan_in * fan_out
        h = h @ kernel + np.asarray(theta[offset : offset + fan_out])
        offset += fan_out
        if i < len(widths) - 2:
            h = np.where(h > 0, h, 0.2 * h)
    return h[:, 0]


# ---------------------------------------------------------------- agreement with gan_lib


# quad warns of roundoff on the MLP's kinks; its result is still far inside VALUE_TOL.
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("a, b", [(1.0, 3.0), (1.3, 2.5), (0.6, 4.2), (0.8, 0.5)])
def test_js_dstar_and_value_agree_with_gan_lib(live, a, b):
    live.js(f"() => {{ {GAN}.train(30); }}")  # a trained, non-trivial D
    state = live.js(
        f"""([a, b]) => {{ const g = {GAN}; g.setAffineGenerator(a, b); const s = g.evaluate();
        return {{samples: Array.from(s.samples), js: s.js, value: s.value, x: Array.from(s.x),
                 dStar: Array.from(s.dStar), pG: Array.from(s.pG), d: Array.from(s.d),
                 theta: g.weights()[1], hidden: g.config.hidden}}; }}""",
        [a, b],
    )
    samples = np.array(state["samples"])
    p_g = Gaussian(b, a)
    # The network really is the affine map (up to float32 rounding): its samples are
    # a z_1 + b, with mean b and standard deviation a within sampling error.
    assert abs(samples.mean() - b) < 4 * a / np.sqrt(samples.size)
    assert abs(samples.std() / a - 1) < 0.05
    # JS: the same estimator on the same samples, then the exact value.
    assert abs(state["js"] - metrics.js_from_samples(samples, P_DATA)) < JS_SAME_SAMPLES_TOL
    assert abs(state["js"] - js_divergence(p_g, P_DATA)) < JS_EXACT_TOL
    # D*, where both densities have mass.
    x = np.array(state["x"])
    exact = optimal_discriminator(P_DATA, p_g)(x)
    both = (P_DATA.pdf(x) > 0.02) & (p_g.pdf(x) > 0.02)
    d_star = np.array(state["dStar"])
    assert both.sum() > 20 and np.isfinite(d_star[both]).all()
    assert np.max(np.abs(d_star[both] - exact[both])) < D_STAR_TOL
    # D on the plot grid is the MLP of the weights it reports, and V(D, G) is
    # gan_lib.probability.value_function of that D and p_g = N(b, a^2).
    widths = [1, *state["hidden"], 1]
    logits = numpy_mlp(state["theta"], widths, x)
    assert np.max(np.abs(np.array(state["d"]) - 1 / (1 + np.exp(-logits)))) < 1e-5
    def d_logit(t):
        return numpy_mlp(state["theta"], widths, np.ravel(t)).reshape(np.shape(t))

    exact_value = value_function(d_logit, P_DATA, p_g, logits=True)
    assert abs(state["value"] - exact_value) < VALUE_TOL


@pytest.mark.parametrize("a, b, tolerance", [
    (1.0, -8.0, JS_SAME_SAMPLES_TOL),  # far from the data: JS near log 2
    (0.02, 3.0, JS_SAME_SAMPLES_TOL),  # a narrow spike: a grid of 53,000 points
    # Narrower still: the widget's grid stops at 2^16 points where gan_lib's has 106,000.
    (0.01, 3.0, 1e-4),
])
def test_js_estimate_is_gan_lib_on_far_and_collapsed_samples(live, a, b, tolerance):
    """The JS estimate equals gan_lib's also off the easy case."""
    state = live.js(
        f"([a, b]) => {{ const g = {GAN}; g.setAffineGenerator(a, b); const s = g.evaluate();"
        " return {samples: Array.from(s.samples), js: s.js}; }",
        [a, b],
    )
    expected = metrics.js_from_samples(np.array(state["samples"]), P_DATA)
    assert abs(state["js"] - expected) < tolerance


# ---------------------------------------------------------------- seeded behaviour


def test_non_saturating_run_reaches_low_js(live):
    """Seed 0, the chapter's defaults: JS falls from above 0.5 to below 0.03 nats in 200 steps."""
    start = live.js(f"() => {GAN}.evaluate().js")
    after = live.js(f"() => {{ {GAN}.train(200); return {GAN}.evaluate().js; }}")
    assert start > 0.5
    assert after < 0.03


def _run(live, steps):
    live.js(f"() => {{ const w = document.querySelector('{WIDGET}').ganLive; w.advance({steps}); }}")
    return live.weights(), live.readouts()


def test_switching_the_loss_or_k_changes_the_run(live):
    base = _run(live, 40)
    live.page.get_by_role("button", name="Reset").click()
    assert _run(live, 40) == base  # same settings, same run
    live.page.get_by_label("generator loss").select_option("minimax")
    live.page.get_by_role("button", name="Reset").click()
    minimax = _run(live, 40)
    assert minimax[0] != base[0]
    live.page.get_by_label("generator loss").select_option("non_saturating")
    live.page.get_by_label("k, D steps per G step").fill("3")
    live.page.get_by_label("k, D steps per G step").press("Enter")
    live.page.get_by_role("button", name="Reset").click()
    assert live.js(f"() => {GAN}.options.k") == 3
    k3 = _run(live, 40)
    assert k3[0] != base[0] and k3[0] != minimax[0]


def test_reset_restores_the_initial_state_bit_for_bit(live):
    initial_weights, initial_readouts = live.weights(), live.readouts()
    initial_js = live.js(f"() => {GAN}.evaluate().js")
    for _ in range(3):
        live.page.get_by_role("button", name="One step").click()
    assert live.step_count() == 3
    _run(live, 50)
    assert live.weights() != initial_weights
    live.page.get_by_role("button", name="Reset").click()
    assert live.step_count() == 0
    assert live.weights() == initial_weights
    assert live.readouts() == initial_readouts
    assert live.js(f"() => {GAN}.evaluate().js") == initial_js
    # After a reset the run repeats itself exactly (the optimizers' moments are fresh too).
    first = _run(live, 30)
    live.page.get_by_role("button", name="Reset").click()
    assert _run(live, 30) == first


def test_same_seed_same_numbers_in_two_pages(browser, live_url):
    runs = []
    for seed in ("0", "0", "7"):
        page = LivePage(browser, live_url)
        page.page.get_by_label("seed").fill(seed)
        page.page.get_by_label("seed").press("Enter")
        runs.append((page.js(f"() => {GAN}.options.seed"), *_run(page, 60)))
        page.close()
    assert runs[0] == runs[1]
    assert runs[2][0] == 7 and runs[2][1] != runs[0][1]


# ---------------------------------------------------------------- usable


def test_every_control_has_a_label_and_works_by_keyboard(live):
    page = live.page
    controls = page.locator(f"{WIDGET} select, {WIDGET} input")
    assert controls.count() == 6
    for i in range(controls.count()):
        control = controls.nth(i)
        label = page.locator(f"label[for='{control.get_attribute('id')}']")
        assert label.count() == 1 and label.inner_text().strip()
    for name in ("Play", "One step", "Reset"):
        assert page.get_by_role("button", name=name).count() == 1
    # Tab reaches every button and control, in order.
    reached = tab_order(page, 9)
    assert reached[:3] == ["Play", "One step", "Reset"]
    assert all(r.startswith("gan-live-") for r in reached[3:])
    # Space plays and pauses, Enter takes one step.
    page.locator(f"{WIDGET} .gan-live-play").focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"() => {GAN}.step > 0")
    assert page.locator(f"{WIDGET} .gan-live-play").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Space")
    assert page.locator(f"{WIDGET} .gan-live-play").get_attribute("aria-pressed") == "false"
    steps = live.step_count()
    page.locator(f"{WIDGET} .gan-live-step").focus()
    page.keyboard.press("Enter")
    assert live.step_count() == steps + 1
    # Arrow keys change a select (the D learning rate), arrow + Enter a number (k).
    page.get_by_label("D learning rate").focus()
    page.keyboard.press("ArrowDown")
    assert live.js(f"() => {GAN}.options.lrD") == 5e-3
    assert live.js(f"() => {GAN}.optD.learningRate") == 5e-3
    page.get_by_label("k, D steps per G step").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert live.js(f"() => {GAN}.options.k") == 2


def test_fits_a_390_px_phone(browser, live_url):
    live = LivePage(browser, live_url, width=390)
    page = live.page
    box = page.locator(WIDGET).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for element in page.locator(f"{WIDGET} *").all():
        inner = element.bounding_box()
        if inner is not None:
            assert inner["x"] >= 0 and inner["x"] + inner["width"] <= 390, element.evaluate("e => e.outerHTML")
    canvas = page.locator(f"{WIDGET} canvas").bounding_box()
    assert canvas["height"] >= 195
    live.close()


def test_autoplays_only_without_reduced_motion_and_pauses_out_of_view(browser, live_url):
    moving = LivePage(browser, live_url, path="autoplay.html")
    moving.page.wait_for_function(f"() => {GAN}.step >= 20", timeout=30_000)
    # Scrolled out of view, it pauses.
    moving.page.locator("#below").scroll_into_view_if_needed()
    moving.page.wait_for_function("() => !document.querySelector('div.gan-live').ganLive.playing")
    paused_at = moving.step_count()
    moving.page.wait_for_timeout(1_000)
    assert moving.step_count() == paused_at
    moving.close()
    still = LivePage(browser, live_url, path="autoplay.html", reduced_motion="reduce")
    still.page.wait_for_timeout(2_000)
    assert still.step_count() == 0
    assert still.page.locator(f"{WIDGET} .gan-live-play").get_attribute("aria-pressed") == "false"
    still.close()


def test_pinned_version_is_the_makefiles_and_in_the_cache():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^TFJS_VERSION := (\S+)$", makefile, re.M).group(1) == live_static.TFJS_VERSION
    live_static.check_cache()


# ---------------------------------------------------------------- in the built book



def _live_chapters() -> dict[str, str]:
    """Chapter page -> the widget its markdown cells hold (data-gan-live="NAME")."""
    found = {}
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            names = re.findall(r'data-gan-live="([^"]+)"', "".join(cell["source"]))
            if cell["cell_type"] == "markdown" and names:
                found[f"chapters/{notebook.stem}.html"] = names[0]
    return found


LIVE_CHAPTERS = _live_chapters()


def test_chapters_embed_known_widgets():
    assert LIVE_CHAPTERS.get("chapters/04_toy_gan_1d.html") == "ch4-gaussian-1d"
    known = set(re.findall(r'^    "(ch\d+-[\w-]+)": \{$', (ROOT / "_static/live/gan-live.js").read_text(), re.M))
    assert known >= {"ch4-gaussian-1d", "ch5-ring", "ch9-critic"}
    assert set(LIVE_CHAPTERS.values()) <= known


@pytest.mark.parametrize("path", sorted(LIVE_CHAPTERS))
def test_chapter_page_trains_its_widget_offline(book_page, path):
    """The built chapter holds its widget, which loads the TensorFlow.js that the build
    copied (bookbuild/live_static.py) and trains, with no console error and no request
    off the book; the static figure is still there, before it."""
    page = book_page.open(path)
    widget = page.locator(f"div.gan-live[data-gan-live='{LIVE_CHAPTERS[path]}']")
    assert widget.count() == 1
    page.wait_for_function(READY, timeout=60_000)
    page.evaluate("() => document.querySelector('div.gan-live').ganLive.advance(2)")
    assert page.evaluate("() => document.querySelector('div.gan-live').ganLive.gan.step") == 2
    assert page.evaluate("() => tf.getBackend()") == "wasm"
    assert page.evaluate(
        "() => [...document.images].some(i => i.compareDocumentPosition(document.querySelector('div.gan-live'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert book_page.console_errors == []
    assert book_page.external_requests == []

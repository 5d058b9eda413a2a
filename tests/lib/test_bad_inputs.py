"""Bad input to gan_lib's public functions gets a ValueError or TypeError naming the argument.

One row per bad input: ``(id, call, name)``; the call must raise ``ValueError`` or
``TypeError`` and the message must contain ``name`` (a regular expression), the argument
that was wrong. The messages also say what was expected and what came (see
``gan_lib.validation``); ``test_validation.py`` checks that wording. The training loop's
own checks are tested in ``test_training*.py``. Inputs that are *good*, although they
once were refused or broke (NumPy integers, float32 with float64 logits), are at the end.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from scipy import stats  # noqa: E402

from gan_lib import config, losses, plotting  # noqa: E402
from gan_lib import probability as P  # noqa: E402
from gan_lib.images import dcgan, digit_metrics, mnist  # noqa: E402
from gan_lib.toy import data, metrics, models  # noqa: E402

G = P.Gaussian(0.0, 1.0)
MIX = P.GaussianMixture((0.5, 0.5), (-2.0, 2.0), (0.5, 0.5))
X1 = np.random.default_rng(0).normal(size=200)
CENTERS = data.ring_centers()
RING = data.ring_sampler()(100, 0)
Z = np.zeros((4, 1), np.float32)
IMAGES = np.zeros((10, 28, 28, 1), np.float32)
PROBABILITIES = np.full((4, 10), 0.1)
AX = plt.figure().add_subplot()
GRID = np.linspace(-3, 3, 11)
HISTORY = {"d_loss": np.ones(10), "g_loss": np.ones(10)}


def _sinh_pushforward(**changes):
    parts = dict(base=G, forward=np.sinh, inverse=np.arcsinh, inverse_derivative=lambda x: 1 / np.sqrt(1 + x**2))
    return P.Pushforward(**{**parts, **changes})


BAD_INPUTS = [
    # gan_lib.probability: densities
    ("Gaussian mu string", lambda: P.Gaussian("0", 1), "mu"),
    ("Gaussian sigma string", lambda: P.Gaussian(0, "1"), "sigma"),
    ("Gaussian sigma negative", lambda: P.Gaussian(0, -1), "sigma"),
    ("Gaussian sigma zero", lambda: P.Gaussian(0, 0), "sigma"),
    ("Gaussian mu NaN", lambda: P.Gaussian(np.nan, 1), "mu"),
    ("Gaussian sigma infinite", lambda: P.Gaussian(0, np.inf), "sigma"),
    ("Gaussian mu bool", lambda: P.Gaussian(True, 1), "mu"),
    ("Gaussian mu array", lambda: P.Gaussian(np.zeros(2), 1), "mu"),
    ("mixture sigma negative", lambda: P.GaussianMixture((0.5, 0.5), (0, 1), (1, -1)), "sigma"),
    ("mixture weights strings", lambda: P.GaussianMixture(("a", "b"), (0, 1), (1, 1)), "weights"),
    ("mixture weights sum", lambda: P.GaussianMixture((0.5, 0.6), (0, 1), (1, 1)), "weights"),
    ("mixture weights negative", lambda: P.GaussianMixture((1.2, -0.2), (0, 1), (1, 1)), "weights"),
    ("mixture lengths", lambda: P.GaussianMixture((1.0,), (0, 1), (1, 1)), "weights, mus and sigmas"),
    ("mixture weights 2-D", lambda: P.GaussianMixture([[0.5, 0.5]], (0, 1), (1, 1)), "weights"),
    ("mixture empty", lambda: P.GaussianMixture((), (), ()), "weights"),
    ("mixture mus NaN", lambda: P.GaussianMixture((0.5, 0.5), (0, np.nan), (1, 1)), "mus"),
    ("pdf at NaN", lambda: G.pdf([0.0, np.nan]), "x"),
    ("pdf of a string", lambda: G.pdf("abc"), "x"),
    ("sample n zero", lambda: G.sample(0, rng=0), "n"),
    ("sample n float", lambda: G.sample(2.5, rng=0), "n"),
    ("sample n bool", lambda: MIX.sample(True, rng=0), "n"),
    ("sample without seed", lambda: G.sample(10), "rng"),
    ("sample negative seed", lambda: G.sample(10, rng=-1), "rng"),
    ("sample seed string", lambda: MIX.sample(10, rng="0"), "rng"),
    ("pushforward base", lambda: _sinh_pushforward(base="N(0, 1)"), "base"),
    ("pushforward forward", lambda: _sinh_pushforward(forward="sinh"), "forward"),
    ("pushforward wrong inverse", lambda: _sinh_pushforward(inverse=np.tanh), "inverse"),
    # gan_lib.probability: expectations and divergences
    ("kl_gaussians of a mixture", lambda: P.kl_gaussians(G, MIX), "q"),
    ("kl_gaussians of scipy", lambda: P.kl_gaussians(stats.norm(), G), "p"),
    ("js of scipy", lambda: P.js_divergence(stats.norm(), G), "p"),
    ("kl of a string", lambda: P.kl_divergence(G, "N(0,1)"), "q"),
    ("entropy of None", lambda: P.entropy(None), "p"),
    ("expectation of a string", lambda: P.expectation_quadrature("x", G), "f"),
    ("monte carlo n one", lambda: P.expectation_monte_carlo(np.sin, G, 1, 0), "n"),
    ("monte carlo without seed", lambda: P.expectation_monte_carlo(np.sin, G, 100, None), "rng"),
    ("js monte carlo n zero", lambda: P.js_divergence_monte_carlo(G, MIX, 0, 0), "n"),
    ("value_function D outside [0, 1]", lambda: P.value_function(lambda x: x, G, P.Gaussian(1)), "discriminator"),
    ("value_function NaN logits",
     lambda: P.value_function(lambda x: np.full_like(x, np.nan), G, G, logits=True), "discriminator"),
    ("value_function not a function", lambda: P.value_function(0.5, G, G), "discriminator"),
    ("D* at infinity", lambda: P.optimal_discriminator(G, MIX)(np.inf), "x"),
    ("D* of a string", lambda: P.optimal_discriminator(G, "q"), "p_g"),
    ("C(G) of None", lambda: P.virtual_training_criterion(G, None), "p_g"),
    # gan_lib.toy.data
    ("sampler_1d of a string", lambda: data.sampler_1d("normal"), "density"),
    ("sampler n zero", lambda: data.sampler_1d(G)(0, 1), "n"),
    ("sampler n negative int64", lambda: data.ring_sampler()(np.int64(-3), 0), "n"),
    ("sampler seed string", lambda: data.sampler_1d(G)(5, "seed"), "rng"),
    ("sampler seed float", lambda: data.sampler_1d(G)(5, 1.5), "rng"),
    ("ring std zero", lambda: data.ring_sampler(std=0), "std"),
    ("ring std string", lambda: data.ring_sampler(std="0.02"), "std"),
    ("ring modes zero", lambda: data.ring_centers(0), "modes"),
    ("ring modes float", lambda: data.ring_centers(8.5), "modes"),
    ("ring radius negative", lambda: data.ring_centers(8, -1.0), "radius"),
    # gan_lib.toy.models
    ("generator noise_dim zero", lambda: models.mlp_generator(0, 1), "noise_dim"),
    ("generator hidden width zero", lambda: models.mlp_generator(2, 1, hidden=(8, 0)), r"hidden\[1\]"),
    ("generator output_dim string", lambda: models.mlp_generator(2, "1"), "output_dim"),
    ("discriminator input_dim float", lambda: models.mlp_discriminator(2.5), "input_dim"),
    ("discriminator pack zero", lambda: models.mlp_discriminator(2, pack=0), "pack"),
    ("discriminator hidden int", lambda: models.mlp_discriminator(2, hidden=8), "hidden"),
    ("discriminator minibatch_std string", lambda: models.mlp_discriminator(2, minibatch_std="yes"), "minibatch_std"),
    ("make_trainer optimizer", lambda: models.make_trainer(1, 4, optimizer="rmsprop"), "optimizer"),
    ("make_trainer learning rate string", lambda: models.make_trainer(1, 4, learning_rate="1e-3"), "learning_rate"),
    ("make_trainer decay steps zero", lambda: models.make_trainer(1, 4, decay_steps=0), "decay_steps"),
    ("make_trainer seed negative", lambda: models.make_trainer(1, 4, seed=-1), "seed"),
    # gan_lib.toy.metrics
    ("js_from_samples 2-D samples", lambda: metrics.js_from_samples(np.ones((100, 2)), G), "samples"),
    ("js_from_samples NaN", lambda: metrics.js_from_samples([np.nan] * 20, G), "samples"),
    ("js_from_samples too few", lambda: metrics.js_from_samples([1.0, 2.0], G), "samples"),
    ("js_from_samples strings", lambda: metrics.js_from_samples(["1"] * 20, G), "samples"),
    ("js_from_samples p_data string", lambda: metrics.js_from_samples(X1, "N(0, 1)"), "p_data"),
    ("js_from_samples bandwidth negative", lambda: metrics.js_from_samples(X1, G, bandwidth=-1), "bandwidth"),
    ("js_from_samples bandwidth name", lambda: metrics.js_from_samples(X1, G, bandwidth="wide"), "bandwidth"),
    ("kde grid too short", lambda: metrics.kde_on_grid(X1, [0.0, 1.0]), "grid"),
    ("kde grid 2-D", lambda: metrics.kde_on_grid(X1, np.zeros((3, 3))), "grid"),
    ("kde grid too narrow", lambda: metrics.kde_on_grid(X1, np.linspace(0, 1, 50)), "grid"),
    ("noise floor n too small", lambda: metrics.js_noise_floor(G, n=5), "n"),
    ("noise floor seed string", lambda: metrics.js_noise_floor(G, n=100, seed="0"), "seed"),
    ("coverage std NaN", lambda: metrics.mode_coverage(RING, CENTERS, std=np.nan), "std"),
    ("coverage std negative", lambda: metrics.mode_coverage(RING, CENTERS, std=-1), "std"),
    ("coverage std string", lambda: metrics.mode_coverage(RING, CENTERS, "0.02"), "std"),
    ("coverage threshold NaN", lambda: metrics.mode_coverage(RING, CENTERS, 0.02, threshold=np.nan), "threshold"),
    ("coverage threshold negative", lambda: metrics.mode_coverage(RING, CENTERS, 0.02, threshold=-1), "threshold"),
    ("coverage empty centers", lambda: metrics.mode_coverage(RING, np.zeros((0, 2)), 0.02), "centers"),
    ("coverage 3-D samples", lambda: metrics.mode_coverage(np.zeros((5, 2, 1)), CENTERS, 0.02), "samples"),
    ("coverage dimension mismatch", lambda: metrics.mode_coverage(np.zeros((5, 3)), CENTERS, 0.02), "samples"),
    ("coverage NaN samples", lambda: metrics.mode_coverage(np.full((5, 2), np.nan), CENTERS, 0.02), "samples"),
    ("coverage min_samples zero", lambda: metrics.mode_coverage(RING, CENTERS, 0.02, min_samples=0), "min_samples"),
    # gan_lib.losses (the functions that predate the objectives)
    ("loss empty logits", lambda: losses.minimax_discriminator_loss(np.zeros((0, 1)), np.zeros((0, 1))), "real_logits"),
    ("loss NaN real logits", lambda: losses.minimax_discriminator_loss([[np.nan]], [[0.0]]), "real_logits"),
    ("loss NaN fake logits", lambda: losses.minimax_discriminator_loss([[0.0]], [[np.nan]]), "fake_logits"),
    ("G loss infinite logits", lambda: losses.non_saturating_generator_loss([np.inf]), "fake_logits"),
    ("G loss empty logits", lambda: losses.minimax_generator_loss([]), "fake_logits"),
    ("loss string logits", lambda: losses.minimax_discriminator_loss(["a"], [0.0]), "real_logits"),
    ("loss bool logits", lambda: losses.minimax_generator_loss([True]), "fake_logits"),
    ("loss shape mismatch", lambda: losses.minimax_discriminator_loss(np.zeros((4, 1)), np.zeros((4, 2))), "fake_logits"),
    ("real_label string", lambda: losses.minimax_discriminator_loss(Z, Z, real_label="0.9"), "real_label"),
    ("real_label too small", lambda: losses.minimax_discriminator_loss(Z, Z, real_label=0.3), "real_label"),
    ("loss name", lambda: losses.objective("least_squares"), "loss must be one of"),
    ("loss number", lambda: losses.objective(1), "a loss is named by a string"),
    ("loss option of another game", lambda: losses.objective("hinge", real_label=0.9), "options"),
    ("loss option missing", lambda: losses.objective("f_gan"), "divergence"),
    # gan_lib.images
    ("scale_images shape", lambda: mnist.scale_images(np.zeros((5, 27, 27))), "pixels"),
    ("scale_images range", lambda: mnist.scale_images(np.full((2, 784), 300)), "pixels"),
    ("scale_images strings", lambda: mnist.scale_images(np.array([["a"] * 784])), "pixels"),
    ("load_mnist seed negative", lambda: mnist.load_mnist(seed=-1), "seed"),
    ("load_mnist seed float", lambda: mnist.load_mnist(seed=1.5), "seed"),
    ("load_mnist source", lambda: mnist.load_mnist(source="torchvision"), "source"),
    ("dataset batch zero", lambda: mnist.dataset(IMAGES, batch_size=0), "batch_size"),
    ("dataset batch float", lambda: mnist.dataset(IMAGES, batch_size=2.0), "batch_size"),
    ("dataset batch too large", lambda: mnist.dataset(IMAGES, batch_size=64), "batch_size"),
    ("dataset images shape", lambda: mnist.dataset(np.zeros((10, 28, 28), np.float32), 2), "images"),
    ("split fraction", lambda: mnist.Digits(IMAGES, np.zeros(10, int), "test").split(1.5), "held_out"),
    ("split fraction string", lambda: mnist.Digits(IMAGES, np.zeros(10, int), "test").split("0.2"), "held_out"),
    ("classify shape", lambda: digit_metrics.classify(np.zeros((5, 28, 28))), "images"),
    ("classify range", lambda: digit_metrics.classify(np.full((5, 28, 28, 1), 255.0)), "images"),
    ("classify empty", lambda: digit_metrics.classify(np.zeros((0, 28, 28, 1))), "images"),
    ("classify NaN", lambda: digit_metrics.classify(np.full((2, 28, 28, 1), np.nan)), "images"),
    ("classify batch size", lambda: digit_metrics.classify(IMAGES, batch_size=0), "batch_size"),
    ("classifier_score rows", lambda: digit_metrics.classifier_score([[0.5, 0.6]]), "probabilities"),
    ("classifier_score 1-D", lambda: digit_metrics.classifier_score([0.5, 0.5]), "probabilities"),
    ("frechet dimensions", lambda: digit_metrics.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4))), "features"),
    ("frechet NaN", lambda: digit_metrics.frechet_distance(np.full((5, 3), np.nan), np.zeros((5, 3))), "features_a"),
    ("confident threshold", lambda: digit_metrics.confident_fraction(PROBABILITIES, threshold=2), "threshold"),
    ("coverage min_share", lambda: digit_metrics.coverage(PROBABILITIES, min_share=-0.1), "min_share"),
    ("evaluate seed", lambda: digit_metrics.evaluate(IMAGES, seed="0"), "seed"),
    ("DCGAN noise_dim", lambda: dcgan.generator(noise_dim=0), "noise_dim"),
    ("DCGAN width float", lambda: dcgan.discriminator(width=64.0), "width"),
    ("DCGAN dropout", lambda: dcgan.discriminator(dropout=1.5), "dropout"),
    ("DCGAN depth", lambda: dcgan.discriminator(depth=4), "depth"),
    ("DiffAugment translation", lambda: dcgan.diff_augment(translation=30), "translation"),
    ("DiffAugment cutout float", lambda: dcgan.diff_augment(cutout=2.5), "cutout"),
    ("DCGAN make_trainer seed", lambda: dcgan.make_trainer(seed=-1), "seed"),
    # gan_lib.plotting
    ("histogram empty", lambda: plotting.density_histogram(AX, []), "samples"),
    ("histogram NaN", lambda: plotting.density_histogram(AX, [np.nan]), "samples"),
    ("histogram bins zero", lambda: plotting.density_histogram(AX, X1, bins=0), "bins"),
    ("Figure 1 lengths", lambda: plotting.density_and_discriminator(AX, GRID, GRID, GRID, GRID[:5]), "d_values"),
    ("ring plot 3-D points", lambda: plotting.ring_samples(AX, np.zeros((5, 3)), CENTERS, 0.02), "samples"),
    ("ring plot std", lambda: plotting.ring_samples(AX, RING, CENTERS, std=-1), "std"),
    ("ring plot centers", lambda: plotting.ring_samples(AX, RING, np.zeros(3), 0.02), "centers"),
    ("image grid channels", lambda: plotting.image_grid(np.zeros((2, 28, 28, 3))), "images"),
    ("image grid cols", lambda: plotting.image_grid(np.zeros((2, 28, 28)), cols=0), "cols"),
    ("loss curves history", lambda: plotting.loss_curves(AX, {"d_loss": np.ones(5)}), "history"),
    ("loss curves smooth", lambda: plotting.loss_curves(AX, HISTORY, smooth=0), "smooth"),
    ("reference line value", lambda: plotting.reference_line(AX, "1", "one"), "value"),
    ("reference line axis", lambda: plotting.reference_line(AX, 1.0, "one", axis="z"), "axis"),
    ("animation frames", lambda: plotting.animation_html(plt.figure(), lambda i: None, frames=0), "frames"),
    # gan_lib.config
    ("set_seed negative", lambda: config.set_seed(-1), "seed"),
    ("set_seed float", lambda: config.set_seed(1.5), "seed"),
    ("set_seed string", lambda: config.set_seed("1"), "seed"),
    ("setup seed", lambda: config.setup(seed=None), "seed"),
    ("budget without full", lambda: config.budget(quick=1), "full"),
]


def test_there_are_at_least_60_bad_inputs():
    assert len(BAD_INPUTS) >= 60
    assert len({name for name, _, _ in BAD_INPUTS}) == len(BAD_INPUTS)


@pytest.mark.parametrize("call, argument", [row[1:] for row in BAD_INPUTS], ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_gets_a_clear_error(call, argument):
    with pytest.raises((ValueError, TypeError), match=argument):
        call()


def test_an_unknown_mode_names_the_variable(monkeypatch):
    monkeypatch.setenv("GAN_BOOK_MODE", "fast")
    with pytest.raises(ValueError, match="GAN_BOOK_MODE"):
        config.mode()


# ----- good inputs: NumPy integers count as integers; mixed float logits are promoted -----
def test_numpy_integers_are_accepted_everywhere():
    n, seed = np.int64(20), np.int64(3)
    assert G.sample(n, rng=seed).shape == (20,)
    assert data.ring_sampler(modes=np.int64(4))(n, seed).shape == (20, 2)
    assert data.sampler_1d(MIX)(np.int32(5), np.uint8(1)).shape == (5, 1)
    assert models.mlp_generator(np.int64(2), np.int64(1), hidden=(np.int64(4),)).output_shape == (None, 1)
    assert models.mlp_discriminator(np.int64(2), pack=np.int64(2)).output_shape == (None, 1)
    assert metrics.mode_coverage(RING, CENTERS, 0.02, min_samples=np.int64(1)).modes_covered >= 1
    assert dcgan.generator(noise_dim=np.int64(8), width=np.int64(4)).output_shape == (None, 28, 28, 1)
    assert dcgan.diff_augment(translation=np.int64(1)) is not None
    assert mnist.dataset(IMAGES, batch_size=np.int64(5), seed=np.int64(0)).element_spec.shape[0] == 5
    assert config.set_seed(np.int64(0)) is not None


def test_float32_and_float64_logits_give_a_float64_loss():
    loss = losses.minimax_discriminator_loss(np.zeros((4, 1), np.float32), np.zeros((4, 1), np.float64))
    assert loss.dtype.name == "float64"
    assert float(loss) == pytest.approx(np.log(4))

"""gan_lib.images.dcgan: architecture, shape checks, the shape table, DiffAugment, recipes."""

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib.images import dcgan


@pytest.fixture(scope="module")
def models():
    tf.keras.utils.set_random_seed(0)
    return dcgan.generator(), dcgan.discriminator()


def test_generator_maps_noise_to_images_in_tanh_range(models):
    G, _ = models
    images = G(np.random.default_rng(0).standard_normal((5, 64)).astype(np.float32), training=False)
    assert images.shape == (5, 28, 28, 1)
    assert float(tf.reduce_min(images)) >= -1.0 and float(tf.reduce_max(images)) <= 1.0


def test_discriminator_returns_one_logit_per_image(models):
    _, D = models
    logits = D(np.zeros((3, 28, 28, 1), np.float32), training=False)
    assert logits.shape == (3, 1)


def test_parameter_counts_are_the_cpu_sized_dcgan(models):
    G, D = models
    # Dense 64 -> 7*7*128 (401,408) + BN (25,088) + ConvT 128->64 4x4 (131,072) + BN (256)
    # + ConvT 64->1 4x4 with bias (1,025).
    assert G.count_params() == 401_408 + 25_088 + 131_072 + 256 + 1_025
    # Conv 1->64 4x4 (1,088) + Conv 64->128 4x4 (131,200) + Dense 6272->1 (6,273).
    assert D.count_params() == 1_088 + 131_200 + 6_273


def test_refined_generator_and_deeper_discriminator():
    tf.keras.utils.set_random_seed(0)
    G = dcgan.generator(refine=True)
    shapes = {name: shape for name, _, shape, _ in dcgan.shape_table(G)}
    assert shapes["up_28x28"] == (28, 28, 32) and shapes["image"] == (28, 28, 1)
    # ConvT 64->32 4x4 without bias (32,768) + BN (128) + Conv 32->1 3x3 with bias (289)
    # replace the plain generator's ConvT 64->1 (1,025).
    assert G.count_params() == 401_408 + 25_088 + 131_072 + 256 + 32_768 + 128 + 289
    D = dcgan.discriminator(depth=3)
    shapes = {name: shape for name, _, shape, _ in dcgan.shape_table(D)}
    assert shapes["down_4x4"] == (4, 4, 256)
    # + Conv 128->256 3x3 (295,168); the logit now reads 4*4*256 features (4,097).
    assert D.count_params() == 1_088 + 131_200 + 295_168 + 4_097
    assert D(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 1)
    with pytest.raises(ValueError, match="depth must be 2 or 3"):
        dcgan.discriminator(depth=4)


@pytest.mark.parametrize(
    "which, shape, expected",
    [
        (0, (2, 100), r"generator expects inputs of shape \(batch, 64\); got \(2, 100\)"),
        (1, (2, 28, 28), r"discriminator expects inputs of shape \(batch, 28, 28, 1\); got \(2, 28, 28\)"),
        (1, (2, 32, 32, 1), r"\(batch, 28, 28, 1\); got \(2, 32, 32, 1\)"),
        (1, (2, 784), r"\(batch, 28, 28, 1\)"),
    ],
)
def test_wrong_input_shapes_name_the_expected_shape(models, which, shape, expected):
    with pytest.raises(ValueError, match=expected):
        models[which](np.zeros(shape, np.float32))


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="width must be a positive integer"):
        dcgan.generator(width=0)
    with pytest.raises(ValueError, match="dropout"):
        dcgan.discriminator(dropout=1.0)


def test_shape_table_follows_the_architecture(models):
    G, D = models
    shapes = {name: shape for name, _, shape, _ in dcgan.shape_table(G)}
    assert shapes["to_7x7"] == (7, 7, 128) and shapes["up_14x14"] == (14, 14, 64)
    assert shapes["image"] == (28, 28, 1)
    rows = dcgan.shape_table(D)
    assert rows[-1][2] == (1,) and sum(r[3] for r in rows) == D.count_params()
    text = dcgan.format_shape_table(G)
    assert "7x7x128" in text and f"{G.count_params():,} parameters" in text


def digits(n=6):
    """Synthetic digits: a bright bar inside a 4-pixel border of background (-1)."""
    images = -np.ones((n, 28, 28, 1), np.float32)
    images[:, 8:20, 12:16] = 1.0
    return tf.constant(images)


def test_diff_augment_is_seeded_and_shifts_without_losing_ink():
    augment = dcgan.diff_augment(translation=2)
    x = digits()
    a = augment(x, tf.constant([0, 1], tf.int64)).numpy()
    np.testing.assert_array_equal(a, augment(x, tf.constant([0, 1], tf.int64)).numpy())
    assert not np.array_equal(a, augment(x, tf.constant([0, 2], tf.int64)).numpy())
    # A shift of at most 2 pixels moves the bar but keeps all of it inside the frame.
    np.testing.assert_allclose((a + 1).sum(axis=(1, 2, 3)), (x.numpy() + 1).sum(axis=(1, 2, 3)))
    rows = np.nonzero((a[:, :, 13, 0] > 0).any(axis=0))[0]
    assert rows.min() >= 6 and rows.max() <= 21


def test_diff_augment_cutout_only_removes_ink_and_passes_gradients():
    augment = dcgan.diff_augment(translation=0, cutout=8)
    x = digits(50)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = augment(x, tf.constant([3, 4], tf.int64))
        total = tf.reduce_sum(out)
    out = out.numpy()
    assert np.all(out <= x.numpy()) and (out < x.numpy()).any()
    changed = (out != x.numpy()).reshape(50, -1).sum(axis=1)
    assert changed.max() <= 64
    gradient = tape.gradient(total, x).numpy()
    assert set(np.unique(gradient)) <= {0.0, 1.0} and gradient.sum() > 0
    identity = dcgan.diff_augment(translation=0, cutout=0)
    np.testing.assert_array_equal(identity(x, tf.constant([0, 0], tf.int64)).numpy(), x.numpy())
    with pytest.raises(ValueError, match="translation"):
        dcgan.diff_augment(translation=-1)


def test_recipe_builds_a_trainer_that_trains():
    recipe = dcgan.Recipe(g_width=8, d_width=8, batch_size=16, ema_decay=0.9, translation=1, real_label=0.9)
    assert recipe.replace(d_width=4).d_width == 4 and recipe.d_width == 8
    trainer = dcgan.make_trainer(recipe, seed=0)
    data = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    history = trainer.fit(data, steps=3, batch_size=16, progress=False)
    assert len(history) == 3 and np.isfinite(history.d_loss).all()
    assert trainer.ema_generator is not None
    assert trainer.objective.name == "non_saturating(real_label=0.9)"


def test_recipe_chooses_the_loss_the_penalty_and_spectral_normalization():
    base = dcgan.Recipe(g_width=8, d_width=8, batch_size=16)
    assert dcgan.objective(base).name == "non_saturating"
    assert dcgan.objective(base.replace(loss="hinge", r1_weight=0.5)).name == "hinge + r1(gamma=0.5)"
    assert dcgan.objective(base.replace(loss="wasserstein")).name == "wasserstein(gp_weight=10.0)"
    with pytest.raises(ValueError, match="loss must be one of"):
        dcgan.objective(base.replace(loss="cross_entropy"))
    with pytest.raises(ValueError, match=r"hinge loss takes the options none; got \['real_label'\]"):
        dcgan.objective(base.replace(loss="hinge", real_label=0.9))
    _, D = dcgan.build_models(base.replace(d_spectral_norm=True))
    wrapped = [layer for layer in D.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert [layer.name for layer in wrapped] == ["down_14x14_sn", "down_7x7_sn", "logit_sn"]
    trainer = dcgan.make_trainer(base.replace(d_spectral_norm=True, r1_weight=1.0, beta_2=0.99), seed=0)
    assert float(trainer.discriminator_optimizer.beta_2) == 0.99
    data = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    history = trainer.fit(data, steps=3, batch_size=16, progress=False).as_arrays()
    assert np.isfinite(history["d_loss"]).all() and (history["d_penalty"] > 0).all()


def test_image_grid_tiles_and_rescales():
    from gan_lib import plotting

    images = np.stack([np.full((28, 28, 1), v, np.float32) for v in (-1.0, 0.0, 1.0)])
    grid = plotting.image_grid(images, cols=2, pad=1)
    assert grid.shape == (2 * 28 + 1, 2 * 28 + 1)
    assert grid[0, 0] == 0.0 and grid[0, 29] == 0.5 and grid[29, 0] == 1.0
    assert grid[28, 0] == 1.0 and grid[29, 40] == 1.0  # padding and the empty fourth cell are white
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        plotting.image_grid(np.zeros((28, 28)))


def test_build_models_follows_the_recipe():
    G, D = dcgan.build_models(dcgan.BOOK_RECIPE)
    shapes = {name: shape for name, _, shape, _ in dcgan.shape_table(G)}
    assert shapes["up_28x28"] == (28, 28, 32)  # g_refine
    assert "down_4x4" in {name for name, *_ in dcgan.shape_table(D)}  # d_depth = 3
    G, D = dcgan.build_models(dcgan.Recipe(g_width=32, d_width=16))
    assert G.count_params() < 300_000 and D.get_layer("down_14x14").filters == 16

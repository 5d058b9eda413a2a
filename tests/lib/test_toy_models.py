"""gan_lib.toy.models: toy MLP generator and discriminator, PacGAN packing, make_trainer."""

import numpy as np
import pytest
from tensorflow import keras

from gan_lib import training
from gan_lib.probability import Gaussian, GaussianMixture
from gan_lib.toy import data, models


def test_mlp_shapes():
    G = models.mlp_generator(4, 2, hidden=(8, 8))
    D = models.mlp_discriminator(2, hidden=(8,))
    x = G(np.zeros((5, 4), np.float32))
    assert tuple(x.shape) == (5, 2) and tuple(D(x).shape) == (5, 1)
    assert G.input_shape == (None, 4) and D.output_shape == (None, 1)
    assert len([w for w in G.trainable_weights if w.ndim == 2]) == 3  # two hidden layers + output


def test_discriminator_returns_logits_not_probabilities():
    D = models.mlp_discriminator(1, hidden=(4,))
    logits = D(np.linspace(-100, 100, 11, dtype=np.float32)[:, None]).numpy()
    assert logits.min() < 0 or logits.max() > 1  # a sigmoid output could not leave [0, 1]


def test_packing_judges_groups_of_samples():
    D = models.mlp_discriminator(2, hidden=(8,), pack=4)
    assert tuple(D(np.zeros((8, 2), np.float32)).shape) == (2, 1)
    packed = models.Pack(2)(np.arange(8, dtype=np.float32).reshape(4, 2)).numpy()
    np.testing.assert_array_equal(packed, [[0, 1, 2, 3], [4, 5, 6, 7]])


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: models.mlp_generator(0, 1), "noise_dim must be a positive integer"),
        (lambda: models.mlp_generator(2, 1, hidden=(8, 0)), r"hidden\[1\] must be a positive integer"),
        (lambda: models.mlp_discriminator(2.5), r"input_dim must be an integer; got 2.5 \(float\)"),
        (lambda: models.mlp_discriminator(2, pack=0), "pack must be a positive integer"),
        (lambda: models.mlp_discriminator(2, hidden=8), "hidden must be a tuple of layer widths"),
        (lambda: models.mlp_discriminator(2, minibatch_std="yes"), "minibatch_std must be True or False"),
        (lambda: models.make_trainer(1, 4, optimizer="rmsprop"), "optimizer must be one of"),
        (lambda: models.make_trainer(1, 4, learning_rate="1e-3"), "learning_rate must be a real number"),
        (lambda: models.make_trainer(1, 4, decay_steps=0), "decay_steps must be a positive integer"),
        (lambda: models.make_trainer(1, 4, seed=-1), "seed must be a non-negative integer"),
    ],
)
def test_bad_dimensions_are_refused(build, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


def test_minibatch_std_feature_is_the_mean_spread_of_the_batch():
    h = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]], np.float32)
    out = models.MinibatchStdDev()(h).numpy()
    expected = (np.std(h[:, 0]) + np.sqrt(1e-8)) / 2  # feature 0 spreads, feature 1 does not
    assert out.shape == (3, 3)
    np.testing.assert_allclose(out[:, :2], h)
    np.testing.assert_allclose(out[:, 2], expected, rtol=1e-5)


def test_discriminator_with_minibatch_std_tells_collapsed_batches_apart():
    D = models.mlp_discriminator(2, hidden=(8, 8), minibatch_std=True)
    assert any(isinstance(layer, models.MinibatchStdDev) for layer in D.layers)
    rng = np.random.default_rng(0)
    varied = rng.standard_normal((16, 2)).astype(np.float32)
    collapsed = np.repeat(varied[:1], 16, axis=0)
    # The same first sample gets a different logit in a varied and in a collapsed batch.
    assert abs(float(D(varied)[0, 0]) - float(D(collapsed)[0, 0])) > 1e-4
    assert D(varied).shape == (16, 1)


def hand_built(seed, data_dim, noise_dim, hidden, d_hidden, pack, minibatch_std, lr, steps, alpha, optimizer):
    """What chapters 4 and 5 wrote out before make_trainer existed (their make_gan functions)."""
    keras.utils.set_random_seed(seed)
    G = models.mlp_generator(noise_dim, data_dim, hidden=hidden)
    D = models.mlp_discriminator(data_dim, hidden=d_hidden, pack=pack, minibatch_std=minibatch_std)

    def new_optimizer():
        rate = keras.optimizers.schedules.CosineDecay(lr, steps, alpha=alpha)
        if optimizer == "sgd":
            return keras.optimizers.SGD(rate, momentum=0.9)
        return keras.optimizers.Adam(rate, beta_1=0.5)

    return training.GANTrainer(G, D, noise_dim=noise_dim, generator_optimizer=new_optimizer(),
                               discriminator_optimizer=new_optimizer(), seed=seed)


MIXTURE = data.sampler_1d(GaussianMixture((0.5, 0.5), (-3.0, 3.0), (0.5, 0.5)))


@pytest.mark.parametrize(
    "sampler, args",
    [
        (data.sampler_1d(Gaussian(3.0, 1.0)), (0, 1, 4, (32, 32), (32, 32), 1, False, 2e-3, 40, 0.05, "adam")),
        (data.sampler_1d(Gaussian(3.0, 1.0)), (1, 1, 4, (32, 32), (32, 32), 1, False, 2e-3, 40, 0.05, "sgd")),
        (MIXTURE, (2, 1, 4, (32, 32), (32, 32), 1, False, 2e-3, 40, 0.05, "adam")),
        (data.ring_sampler(), (0, 2, 8, (64, 64, 64), (64, 64), 4, False, 1e-3, 40, 0.02, "adam")),
        (data.ring_sampler(), (3, 2, 8, (64, 64, 64), (64, 64), 1, True, 1e-3, 40, 0.02, "adam")),
    ],
    ids=["chapter 4", "chapter 4 sgd", "chapter 5 mixture", "chapter 5 PacGAN", "chapter 5 minibatch std"],
)
def test_make_trainer_reproduces_the_chapters_hand_built_gans_exactly(sampler, args):
    seed, data_dim, noise_dim, hidden, d_hidden, pack, mbstd, lr, steps, alpha, optimizer = args
    trainers = [
        hand_built(*args),
        models.make_trainer(data_dim, noise_dim, hidden=hidden, d_hidden=d_hidden, pack=pack,
                            minibatch_std=mbstd, learning_rate=lr, decay_steps=steps,
                            final_fraction=alpha, optimizer=optimizer, seed=seed),
    ]
    for trainer in trainers:
        trainer.fit(sampler, steps=steps, batch_size=64, progress=False)
    old, new = (t.generator.get_weights() + t.discriminator.get_weights() for t in trainers)
    assert len(old) == len(new)
    for a, b in zip(old, new):
        np.testing.assert_array_equal(a, b)
    assert trainers[0].history.as_arrays()["d_loss"].tolist() == trainers[1].history.as_arrays()["d_loss"].tolist()


def test_make_trainer_without_decay_keeps_a_constant_rate():
    trainer = models.make_trainer(1, 3, hidden=(8,), learning_rate=1e-4, beta_1=0.9)
    assert float(trainer.generator_optimizer.learning_rate) == pytest.approx(1e-4)
    assert trainer.generator_optimizer.beta_1 == 0.9
    assert trainer.discriminator.layers[-1].units == 1

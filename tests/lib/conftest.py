"""Shared factories of gan_lib's library tests.

``sampler``: samples of N(2, 0.5^2), drawn in the graph (``gan_lib.toy.data.sampler_1d``).
``make_trainer(seed=0, discriminator=None, optimizer=..., **options)``: a seeded
``GANTrainer`` of two small MLPs (noise 3 -> 16 -> 1 and 1 -> 16 -> logit), each network
with its own ``optimizer()`` (default Adam(1e-3)); ``options`` go to ``GANTrainer`` and
override its defaults. (``test_training_calls.py`` keeps its own copy: its bit-for-bit
resume phases run in subprocesses, outside pytest.)
"""

import pytest
from tensorflow import keras

from gan_lib import training
from gan_lib.probability import Gaussian
from gan_lib.toy import data, models


@pytest.fixture
def sampler():
    return data.sampler_1d(Gaussian(2.0, 0.5))


def _adam():
    return keras.optimizers.Adam(1e-3)


@pytest.fixture
def make_trainer():
    def make(seed=0, discriminator=None, optimizer=_adam, **options):
        keras.utils.set_random_seed(seed)
        G = models.mlp_generator(3, 1, hidden=(16,))
        D = discriminator or models.mlp_discriminator(1, hidden=(16,))
        arguments = dict(noise_dim=3, generator_optimizer=optimizer(), discriminator_optimizer=optimizer(),
                         seed=seed)
        arguments.update(options)
        return training.GANTrainer(G, D, **arguments)

    return make

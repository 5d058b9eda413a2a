"""Each recipe kind (plain, conditional, self-conditioned) answers how it trains and samples:
its trainer, the labels it trains on and the model to sample from, so that the command line
and the experiments hold no branch per kind."""

import numpy as np
import pytest

from gan_lib.images import conditional, dcgan, self_conditioned
from gan_lib.images.mnist import Digits

SMALL = {"g_width": 4, "d_width": 4, "batch_size": 8}


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (40, 28, 28, 1)).astype(np.float32)
    images[20:] = np.clip(images[20:] + 1.5, -1, 1)  # two blobs of pixels
    return Digits(images, np.repeat([3, 7], 20).astype(np.int64), "stand-in")


@pytest.mark.parametrize("recipe, conditional_inputs, labelled_samples, extra_coordinate", [
    (dcgan.Recipe(**SMALL), False, False, False),
    (conditional.ConditionalRecipe(**SMALL, classes=10), True, True, False),
    (self_conditioned.SelfConditionedRecipe(**SMALL, classes=2), True, False, True),
])
def test_a_recipe_builds_its_trainer_labels_and_sampling_model(digits, recipe, conditional_inputs,
                                                                labelled_samples, extra_coordinate):
    trainer = recipe.build_trainer(seed=0)
    assert (trainer.num_classes is not None) == conditional_inputs
    labels = recipe.training_labels(digits, seed=0)
    if isinstance(recipe, self_conditioned.SelfConditionedRecipe):
        np.testing.assert_array_equal(labels, self_conditioned.cluster_labels(digits.images, 2, 0))
    elif conditional_inputs:
        assert labels is digits.labels
    else:
        assert labels is None
    data = digits.images if labels is None else (digits.images, labels)
    trainer.fit(data, steps=1, batch_size=recipe.batch_size, progress=False)
    model = recipe.sampling_model(trainer.sampling_generator, labels)
    assert recipe.conditional == labelled_samples and recipe.cluster_coordinate == extra_coordinate
    assert len(model.inputs) == (2 if labelled_samples else 1)
    assert model.inputs[0].shape[-1] == recipe.noise_dim + extra_coordinate
    summary = recipe.label_summary(labels, digits)
    assert (set(summary) == {"clusters", "cluster_shares", "cluster_purity"}) == extra_coordinate
    if not extra_coordinate:
        assert summary == {}

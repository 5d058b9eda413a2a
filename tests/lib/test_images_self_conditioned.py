"""The self-conditioned GAN: k-means clusters of the pixels and the unconditional sampler."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtri

from gan_lib.images import conditional, mnist, self_conditioned


@pytest.fixture(scope="module")
def small():
    return self_conditioned.BOOK_RECIPE.replace(g_width=8, d_width=8, classes=3)


def blobs(sizes, seed=0):
    """Images made of one bright square each, at one of len(sizes) places: clusters that
    k-means must find exactly."""
    rng = np.random.default_rng(seed)
    images, truth = [], []
    for blob, size in enumerate(sizes):
        for _ in range(size):
            image = np.full((28, 28, 1), -1.0, np.float32)
            image[2 + 8 * blob: 8 + 8 * blob, 10:16] = 1.0
            images.append(image + rng.normal(0, 0.05, image.shape).astype(np.float32))
            truth.append(blob)
    return np.stack(images), np.array(truth)


def test_kmeans_finds_separate_blobs_and_numbers_them_by_size():
    images, truth = blobs([30, 70, 50])
    labels = self_conditioned.cluster_labels(images, 3, seed=0)
    assert labels.dtype == np.int32
    # each true blob is one cluster; the largest blob (70) is cluster 0, then 50, then 30
    assert [set(labels[truth == b]) for b in range(3)] == [{2}, {0}, {1}]
    np.testing.assert_allclose(self_conditioned.cluster_shares(labels, 3), [0.7 / 1.5, 0.5 / 1.5, 0.3 / 1.5])


def test_clustering_refuses_bad_arguments():
    images, _ = blobs([3, 3])
    with pytest.raises(ValueError, match="at most one cluster per image"):
        self_conditioned.cluster_labels(images, 7)
    with pytest.raises(ValueError, match="clusters"):
        self_conditioned.cluster_labels(images, 1)
    with pytest.raises(ValueError, match="each of the 3 clusters"):
        self_conditioned.cluster_shares(np.array([0, 0, 2]), 3)


def test_the_sampler_is_g_of_the_rest_of_z_and_the_cluster_that_z0_picks(small):
    G, _ = conditional.build_models(small)
    shares = np.array([0.5, 0.3, 0.2])
    sampler = self_conditioned.unconditional_generator(G, shares)
    assert sampler.input_shape == (None, 1 + small.noise_dim)
    rng = np.random.default_rng(1)
    noise = rng.standard_normal((6, small.noise_dim)).astype(np.float32)
    # z_0 just inside each side of the two boundaries Phi^-1(0.5) = 0 and Phi^-1(0.8)
    z_0 = np.array([-3.0, -1e-3, 1e-3, ndtri(0.8) - 1e-3, ndtri(0.8) + 1e-3, 3.0], np.float32)
    expected_clusters = np.array([0, 0, 1, 1, 2, 2])
    z = np.concatenate([z_0[:, None], noise], axis=1)
    np.testing.assert_allclose(np.asarray(sampler(z)), np.asarray(G([noise, expected_clusters])), atol=1e-6)


def test_clusters_are_drawn_with_their_shares(small):
    G, _ = conditional.build_models(small)
    shares = np.array([0.6, 0.25, 0.15])
    sampler = self_conditioned.unconditional_generator(G, shares)
    choice = sampler.get_layer("cluster")
    z_0 = np.random.default_rng(2).standard_normal((100_000, 1)).astype(np.float32)
    counts = np.bincount(np.asarray(choice(z_0)).ravel().astype(int), minlength=3)
    assert stats.chisquare(counts, shares * len(z_0)).pvalue > 1e-3


def test_the_sampler_refuses_shares_that_do_not_fit(small):
    G, _ = conditional.build_models(small)
    with pytest.raises(ValueError, match="sum to 1"):
        self_conditioned.unconditional_generator(G, [0.5, 0.4, 0.2])
    with pytest.raises(ValueError, match="2 cluster shares for a generator of 3 classes"):
        self_conditioned.unconditional_generator(G, [0.5, 0.5])


def test_the_saved_sampler_loads_after_only_import_gan_lib(tmp_path, small):
    G, _ = conditional.build_models(small)
    sampler = self_conditioned.unconditional_generator(G, [0.5, 0.3, 0.2])
    sampler.save(tmp_path / "g.keras")
    z = np.random.default_rng(3).standard_normal((4, 1 + small.noise_dim)).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    code = ("import gan_lib, numpy as np\nfrom tensorflow import keras\n"
            f"g = keras.models.load_model({str(tmp_path / 'g.keras')!r})\n"
            f"np.save({str(tmp_path / 'out.npy')!r}, np.asarray(g(np.load({str(tmp_path / 'z.npy')!r}))))\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), np.asarray(sampler(z)), atol=1e-6)


def test_a_self_conditioned_trainer_trains_on_cluster_labels(small):
    images, _ = blobs([20, 24, 20])
    labels = self_conditioned.cluster_labels(images, small.classes)
    trainer = conditional.make_trainer(small.replace(batch_size=16), seed=0)
    trainer.fit(mnist.dataset(images, 16, seed=0, labels=labels), steps=2, batch_size=16, progress=False)
    assert trainer.step == 2 and np.isfinite(trainer.history.d_loss).all()


def test_cluster_purity_counts_the_majority_digit_of_each_cluster():
    labels = np.array([1, 1, 2, 7, 7, 7, 3, 3])
    assert self_conditioned.cluster_purity(np.zeros(8, int), labels) == 3 / 8  # one cluster: the 7s
    assert self_conditioned.cluster_purity(np.array([0, 0, 0, 1, 1, 1, 2, 2]), labels) == 1.0 - 1 / 8
    assert self_conditioned.cluster_purity(np.arange(8), labels) == 1.0
    with pytest.raises(ValueError, match="one cluster per label"):
        self_conditioned.cluster_purity(np.zeros(3, int), labels)

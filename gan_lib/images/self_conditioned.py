"""A self-conditioned GAN: a conditional GAN on k-means clusters of the data, sampled as an
unconditional one (Liu et al. 2020, simplified).

Why: a generator is a continuous map of a connected latent space (all of ``R^d``), so its
samples form a connected set, and between two digit classes it must pass through images
that are neither (Khayatkhoei et al. 2018). A conditional generator ``G(z, c)`` has one
continuous map per discrete code ``c`` and no such path between the codes. Self-conditioning
gets the codes without labels: cluster the training images (here once, by k-means on the
pixels, before training; Liu et al. re-cluster the discriminator's features during
training), train chapter 10's conditional GAN on ``(image, cluster)`` pairs, and sample
``c`` with the clusters' frequencies ``pi_c``. The result is an unconditional model,

    p_g(x) = sum_c pi_c p_g(x | c),

and :func:`unconditional_generator` writes it as one Keras model of a standard normal
``z`` with one more coordinate than ``G``'s noise: ``c`` is chosen by that coordinate,
``c = min{c : Phi(z_0) < pi_0 + ... + pi_c}`` (inverse-CDF sampling, so ``P(c) = pi_c``
exactly), and the other coordinates are ``G``'s noise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
from tensorflow import keras

from gan_lib.images import conditional
from gan_lib.validation import check_integer, check_seed


def cluster_labels(images, clusters: int, seed: int = 0) -> np.ndarray:
    """k-means (scipy's ``kmeans2`` with k-means++ starts) on the flattened pixels: one
    integer cluster index per image, clusters numbered by decreasing size. Labels are not
    used."""
    from scipy.cluster.vq import kmeans2

    images = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    clusters = check_integer("clusters", clusters, at_least=2)
    if clusters > len(images):
        raise ValueError(f"{clusters} clusters for {len(images)} images: at most one cluster per image")
    _, labels = kmeans2(images, clusters, minit="++", seed=check_seed("seed", seed))
    sizes = np.bincount(labels, minlength=clusters)
    rank = np.empty(clusters, dtype=np.int64)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(clusters)
    return rank[labels].astype(np.int32)


def cluster_shares(labels, clusters: int) -> np.ndarray:
    """``pi_c``: the fraction of the images in each cluster (float64, sums to 1)."""
    labels = np.asarray(labels)
    counts = np.bincount(labels, minlength=check_integer("clusters", clusters, at_least=2))
    if len(counts) > clusters or counts.min() == 0:
        raise ValueError(f"labels must use each of the {clusters} clusters 0..{clusters - 1}")
    return counts / counts.sum()


def cluster_purity(clusters, labels) -> float:
    """The share of the images whose cluster's most common digit is their own digit: how
    much of the labels the label-free clustering found (about 10% for random clusters of
    ten balanced digits; 100% for clusters that are the digits or subdivide them). A
    measurement only: nothing trains on it."""
    clusters, labels = np.asarray(clusters), np.asarray(labels)
    if clusters.shape != labels.shape or clusters.ndim != 1 or not len(labels):
        raise ValueError(f"one cluster per label; got shapes {clusters.shape} and {labels.shape}")
    majority = sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters))
    return round(float(majority) / len(labels), 4)


def unconditional_generator(generator: keras.Model, shares, name: str = "self_conditioned_generator"):
    """The unconditional generator ``z -> G(z[1:], c(z[0]))`` of a conditional ``G([z, c])``
    (see the module docstring): input shape ``(1 + noise_dim,)``, standard normal.

    ``c(z_0)`` is ``keras.layers.Discretization`` with the bin boundaries
    ``Phi^-1(pi_0 + ... + pi_c)``, ``c = 0 .. K-2`` (``z_0 < Phi^-1(t)`` exactly when
    ``Phi(z_0) < t``); the model has built-in Keras layers only, so a saved copy loads with
    ``keras.models.load_model`` in any process that has imported ``gan_lib``."""
    from scipy.special import ndtri

    shares = np.asarray(shares, dtype=np.float64)
    if shares.ndim != 1 or len(shares) < 2 or shares.min() <= 0 or not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"shares must be two or more positive fractions that sum to 1; got {shares}")
    classes = generator.get_layer("label_embedding").input_dim
    if len(shares) != classes:
        raise ValueError(f"{len(shares)} cluster shares for a generator of {classes} classes")
    noise_dim = generator.input_shape[0][-1]
    layers = keras.layers
    z = keras.Input((1 + noise_dim,), name="z")
    coordinates = layers.Reshape((1 + noise_dim, 1), name="coordinates")(z)
    z_0 = layers.Flatten(name="z_0")(layers.Cropping1D((0, noise_dim), name="first")(coordinates))
    noise = layers.Flatten(name="noise")(layers.Cropping1D((1, 0), name="rest")(coordinates))
    boundaries = [float(b) for b in ndtri(np.cumsum(shares)[:-1])]
    cluster = layers.Discretization(bin_boundaries=boundaries, name="cluster")(z_0)
    cluster = layers.Reshape((), name="cluster_index")(cluster)
    plain = keras.Model(generator.inputs, generator.outputs[0], name=generator.name)  # same layers
    return keras.Model(z, plain([noise, cluster]), name=name)


@dataclass(frozen=True)
class SelfConditionedRecipe(conditional.ConditionalRecipe):
    """Chapter 10's conditional recipe trained on ``classes`` k-means clusters instead of the
    digit labels, and sampled as an unconditional model (:func:`unconditional_generator`)."""

    conditional: ClassVar[bool] = False
    cluster_coordinate: ClassVar[bool] = True

    def training_labels(self, digits, seed: int = 0):
        """k-means clusters of the pixels (:func:`cluster_labels`): the same for the same
        data and seed, so a resumed run keeps its clusters."""
        return cluster_labels(digits.images, self.classes, seed)

    def sampling_model(self, generator, labels=None):
        """The unconditional generator ``p_g(x) = sum_c pi_c p_g(x | c)`` with the clusters'
        shares ``pi_c`` in ``labels``."""
        return unconditional_generator(generator, cluster_shares(labels, self.classes))

    def label_summary(self, labels, digits) -> dict:
        """The clusters, their shares and their purity against the digits' labels."""
        shares = cluster_shares(labels, self.classes)
        return {"clusters": self.classes, "cluster_shares": [round(float(s), 6) for s in shares],
                "cluster_purity": cluster_purity(labels, digits.labels)}


# Chapter 6's recipe, self-conditioned on 20 pixel clusters: at five minutes it beat 10 clusters
# on both of two seeds (experiments/results/dcgan_self_conditioned.json; `gan-book train
# self-conditioned`).
BOOK_RECIPE = SelfConditionedRecipe(**{**asdict(conditional.BOOK_RECIPE), "classes": 20})

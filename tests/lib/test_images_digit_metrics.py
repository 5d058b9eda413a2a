"""gan_lib.images.digit_metrics: closed forms of the scores, and the shipped classifier on real digits."""

import numpy as np
import pytest
from scipy import linalg, stats

from gan_lib import config
from gan_lib.images import digit_metrics as dm
from gan_lib.images import mnist


@pytest.fixture(scope="module")
def held_out():
    """The classifier's held-out digits, as recorded in its provenance file."""
    record = dm.provenance()
    digits = mnist.load_mnist(seed=record["shuffle_seed"], source=record["data_source"], verbose=False)
    return digits.split(record["held_out_fraction"])


# ----- closed forms -------------------------------------------------------------------------
def test_classifier_score_of_identical_rows_is_one():
    p = np.tile([0.5, 0.3, 0.2] + [0.0] * 7, (50, 1))
    assert dm.classifier_score(p) == pytest.approx(1.0, abs=1e-12)


def test_classifier_score_of_certain_balanced_predictions_is_the_number_of_classes():
    p = np.eye(10)[np.arange(100) % 10]
    assert dm.classifier_score(p) == pytest.approx(10.0)
    p = np.eye(10)[np.arange(100) % 4]
    assert dm.classifier_score(p) == pytest.approx(4.0)


def test_classifier_score_matches_scipy_kl_and_is_bounded():
    p = np.random.default_rng(0).dirichlet(np.full(10, 0.3), size=200)
    marginal = p.mean(axis=0)
    expected = np.exp(np.mean([stats.entropy(row, marginal) for row in p]))
    assert dm.classifier_score(p) == pytest.approx(expected, rel=1e-10)
    assert 1.0 <= dm.classifier_score(p) <= 10.0


def test_histogram_coverage_and_confidence():
    p = np.array([[0.95, 0.05], [0.6, 0.4], [0.1, 0.9], [0.2, 0.8]])
    np.testing.assert_array_equal(dm.class_histogram(p), [2, 2])
    assert dm.coverage(p) == 2 and dm.coverage(p, min_share=0.5) == 0
    assert dm.confident_fraction(p) == pytest.approx(0.5)


def test_frechet_distance_of_gaussians_matches_the_closed_form():
    rng = np.random.default_rng(0)
    mu_a, mu_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    var_a, var_b = np.array([1.0, 4.0, 0.25]), np.array([2.0, 1.0, 0.25])
    a = mu_a + np.sqrt(var_a) * rng.standard_normal((200_000, 3))
    b = mu_b + np.sqrt(var_b) * rng.standard_normal((200_000, 3))
    # For commuting (diagonal) covariances: ||mu_a - mu_b||^2 + sum (sqrt(var_a) - sqrt(var_b))^2.
    exact = np.sum((mu_a - mu_b) ** 2) + np.sum((np.sqrt(var_a) - np.sqrt(var_b)) ** 2)
    assert dm.frechet_distance(a, b) == pytest.approx(exact, rel=0.01)
    assert dm.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_scipy_sqrtm_on_full_covariances():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((500, 6)) @ rng.standard_normal((6, 6))
    b = rng.standard_normal((500, 6)) @ rng.standard_normal((6, 6)) + 0.5
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    reference = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(ca + cb - 2 * np.real(linalg.sqrtm(ca @ cb)))
    assert dm.frechet_distance(a, b) == pytest.approx(reference, rel=1e-8)
    assert dm.frechet_distance(a, b) == pytest.approx(dm.frechet_distance(b, a), rel=1e-8)


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        dm.classify(np.zeros((5, 28, 28)))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        dm.classify(np.full((5, 28, 28, 1), 255.0))
    with pytest.raises(ValueError, match="distribution"):
        dm.classifier_score(np.array([[0.5, 0.6]]))
    with pytest.raises(ValueError, match="equal d"):
        dm.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


# ----- the shipped classifier ----------------------------------------------------------------
def test_classifier_asset_is_small_and_documented():
    assert dm.WEIGHTS_FILE.stat().st_size < 2_000_000
    record = dm.provenance()
    for key in ("data_source", "split", "shuffle_seed", "held_out_accuracy", "tensorflow_version"):
        assert key in record, key
    assert record["held_out_accuracy"] >= 0.97


def test_held_out_accuracy_is_reproduced(held_out):
    _, digits = held_out
    probabilities, features = dm.classify(digits.images)
    accuracy = float((probabilities.argmax(axis=1) == digits.labels).mean())
    assert accuracy == pytest.approx(dm.provenance()["held_out_accuracy"], abs=0.002)
    assert features.shape == (len(digits), dm.FEATURES)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_the_classifier_judges_in_float32_under_a_mixed_policy(held_out, policy):
    """Built anew while a mixed policy is global (inside config.precision_policy, as an
    image trainer is), the classifier is the same float32 judge."""
    images = held_out[1].images[:200]
    expected, _ = dm.classify(images)
    dm.load_classifier.cache_clear()
    try:
        with config.precision_policy(policy):
            probabilities, features = dm.classify(images)
            assert {w.dtype for w in dm.load_classifier().weights} == {"float32"}
    finally:
        dm.load_classifier.cache_clear()
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_real_digits_score_high(held_out):
    # Measured on the 1,000 held-out digits: classifier score 9.71, 98.1% confident, 10 classes.
    report = dm.evaluate(held_out[1].images)
    assert report.classifier_score > 9.5
    assert report.confident_fraction > 0.95
    assert report.min_class_share > 0.04


def test_uniform_noise_scores_low_and_is_far_in_frechet_distance(held_out):
    noise = np.random.default_rng(0).uniform(-1, 1, (1000, 28, 28, 1)).astype(np.float32)
    report = dm.evaluate(noise, real_images=held_out[1].images)
    assert report.classifier_score < 2.0  # measured: 1.00 (every noise image looks like one class)
    assert report.frechet > 100 * report.frechet_baseline
    # Chapter 11's fooling exercise: the classifier is sure of noise (measured: every image
    # at p >= 0.998, all one class), which the confident fraction cannot tell from digits.
    assert report.confident_fraction > 0.99


def test_one_repeated_digit_scores_one_and_covers_one_class(held_out):
    repeated = np.repeat(held_out[1].images[:1], 500, axis=0)
    probabilities, _ = dm.classify(repeated)
    assert dm.classifier_score(probabilities) == pytest.approx(1.0, abs=1e-3)
    assert dm.coverage(probabilities) == 1


def test_real_training_digits_are_near_the_real_baseline(held_out):
    train, test = held_out
    report = dm.evaluate(train.images[:1000], real_images=test.images)
    assert report.frechet < 3 * report.frechet_baseline, (report.frechet, report.frechet_baseline)


def test_unseen_by_classifier_keeps_its_held_out_digits_and_drops_its_training_digits(held_out):
    trained_on, unseen = held_out
    kept = dm.unseen_by_classifier(unseen)
    np.testing.assert_array_equal(kept.images, unseen.images)
    mixed = mnist.Digits(np.concatenate([trained_on.images[:30], unseen.images[:20]]),
                         np.concatenate([trained_on.labels[:30], unseen.labels[:20]]), "mixed")
    kept = dm.unseen_by_classifier(mixed)
    np.testing.assert_array_equal(kept.images, unseen.images[:20])
    np.testing.assert_array_equal(kept.labels, unseen.labels[:20])
    with pytest.raises(ValueError, match="training set"):
        dm.unseen_by_classifier(trained_on)

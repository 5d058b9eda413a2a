"""gan_lib.plotting helpers shared by the chapters."""

import numpy as np
import pytest
from matplotlib import pyplot as plt

from gan_lib import plotting


def test_density_histogram_estimates_the_density_even_when_limits_cut_the_tails():
    samples = np.random.default_rng(0).uniform(0, 4, size=400_000)  # density 1/4 on [0, 4]
    fig, ax = plt.subplots()
    heights, edges = plotting.density_histogram(ax, samples, bins=20, limits=(0, 2), label="u")
    assert len(edges) == 21 and edges[0] == 0 and edges[-1] == 2
    np.testing.assert_allclose(heights, 0.25, rtol=0.03)  # not 0.5: all samples count in n
    assert ax.get_legend_handles_labels()[1] == ["u"]
    plt.close(fig)


def test_density_histogram_integrates_to_one_without_limits():
    samples = np.random.default_rng(1).normal(size=10_000)
    fig, ax = plt.subplots()
    heights, edges = plotting.density_histogram(ax, samples, bins=50)
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0)
    plt.close(fig)


@pytest.mark.parametrize("bad", [[], [0.0, np.nan], [1.0, np.inf]])
def test_density_histogram_rejects_empty_or_non_finite_samples(bad):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="samples must be"):
        plotting.density_histogram(ax, bad)
    plt.close(fig)

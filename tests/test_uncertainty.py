"""Bootstrap intervals are right on known data, reproducible, and cover at the nominal rate."""

import numpy as np
import pandas as pd
import pytest

from corpus_tools.uncertainty import bootstrap_means, group_seed, grouped_bootstrap


def test_mean_is_exact_and_interval_brackets_it():
    values = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0], [3.0, 0.0]])
    mean, low, high = bootstrap_means(values, n_boot=500)
    assert mean.tolist() == [1.5, 0.5]
    assert (low <= mean).all() and (mean <= high).all() and (low >= [0, 0]).all() and (high <= [3, 1]).all()


def test_same_seed_same_interval_other_seed_other_interval():
    x = np.random.default_rng(1).normal(size=40)
    a = bootstrap_means(x, rng=np.random.default_rng(5))
    b = bootstrap_means(x, rng=np.random.default_rng(5))
    c = bootstrap_means(x, rng=np.random.default_rng(6))
    assert np.array_equal(a[1], b[1]) and not np.array_equal(a[1], c[1])


def test_coverage_is_close_to_nominal():
    """95% intervals for the mean of 60 normal draws cover the true mean about 95% of the time."""
    rng = np.random.default_rng(42)
    hits = 0
    reps = 300
    for _ in range(reps):
        x = rng.normal(loc=0.3, scale=1.0, size=60)
        _, low, high = bootstrap_means(x, n_boot=1000, rng=rng)
        hits += bool(low[0] <= 0.3 <= high[0])
    assert 0.89 <= hits / reps <= 0.99


def test_cluster_bootstrap_with_one_cluster_has_zero_width():
    mean, low, high = bootstrap_means(np.array([0.0, 1.0, 1.0]), clusters=["a", "a", "a"], n_boot=200)
    assert low[0] == high[0] == pytest.approx(2 / 3)


def test_cluster_bootstrap_weights_by_rows():
    # two clusters: one with 3 ones, one with 1 zero; pooled mean 0.75, not the mean of means 0.5
    mean, low, high = bootstrap_means(np.array([1.0, 1.0, 1.0, 0.0]), clusters=["a", "a", "a", "b"], n_boot=400)
    assert mean[0] == 0.75 and low[0] == 0.0 and high[0] == 1.0


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_means(np.array([1.0, np.nan]))


def test_empty_and_no_resamples():
    assert np.isnan(bootstrap_means(np.array([]))[0]).all()
    mean, low, high = bootstrap_means(np.array([1.0, 3.0]), n_boot=0)
    assert mean[0] == 2.0 and np.isnan(low[0]) and np.isnan(high[0])


def test_grouped_results_do_not_depend_on_other_groups():
    df = pd.DataFrame({"g": ["a"] * 30 + ["b"] * 30, "v": np.random.default_rng(0).normal(size=60)})
    both = grouped_bootstrap(df, "g", ["v"], n_boot=300, seed=3).set_index("g")
    only_b = grouped_bootstrap(df[df["g"] == "b"], "g", ["v"], n_boot=300, seed=3).set_index("g")
    assert both.loc["b", "v_low"] == only_b.loc["b", "v_low"]
    assert group_seed(3, ("b",)).integers(10**9) == group_seed(3, ("b",)).integers(10**9)

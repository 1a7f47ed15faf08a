"""Thresholds: rules fitted on validation scores, SPOT on known tails, the oracle, and bad input."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from frostnet_jax.errors import ConfigError, DataError
from frostnet_jax.thresholds import THRESHOLD_RULES, fit_threshold, oracle_threshold


def test_rules_registered():
    assert set(THRESHOLD_RULES) == {"quantile", "spot", "fixed"}


def test_quantile_and_fixed():
    x = np.arange(101.0)
    assert fit_threshold("quantile", x, q=0.9) == pytest.approx(90.0)
    assert fit_threshold("fixed", x, value=3.5) == 3.5


@pytest.mark.parametrize("q", [1e-3, 1e-4])
def test_spot_finds_the_exponential_tail_quantile(q):
    x = np.random.default_rng(0).exponential(size=50_000)
    assert fit_threshold("spot", x, q=q) == pytest.approx(-np.log(q), rel=0.05)


def test_spot_extrapolates_a_normal_tail_beyond_the_data():
    x = np.random.default_rng(1).normal(size=20_000)
    z = fit_threshold("spot", x, q=1e-5)  # only 20,000 points: the empirical quantile cannot see this far
    assert z == pytest.approx(stats.norm.isf(1e-5), rel=0.1)
    assert z > x.max() * 0.9


def test_oracle_threshold_separates_perfect_scores():
    labels = np.r_[np.zeros(50), np.ones(5)]
    scores = labels + np.linspace(0, 0.5, 55)
    thr = oracle_threshold(labels, scores)
    assert np.array_equal(scores >= thr, labels.astype(bool))


@pytest.mark.parametrize("rule, params, match", [
    ("spto", {}, "Did you mean 'spot'"),
    ("spot", {"risk": 1e-3}, "takes q, level"),
    ("spot", {"q": 0.5}, "risk q"),
    ("spot", {"level": 1.2}, "level"),
    ("quantile", {"q": 1.0}, "quantile q"),
    ("fixed", {"value": np.nan}, "finite"),
])
def test_bad_configuration(rule, params, match):
    with pytest.raises(ConfigError, match=match):
        fit_threshold(rule, np.random.default_rng(0).normal(size=1000), **params)


@pytest.mark.parametrize("scores, match", [
    (np.r_[1.0, np.nan, 2.0], "NaN"),
    (np.zeros((3, 3)), "1-D"),
    (np.zeros(200), "peaks"),
    (np.random.default_rng(0).normal(size=100), "peaks"),
])
def test_bad_validation_scores(scores, match):
    with pytest.raises(DataError, match=match):
        fit_threshold("spot", scores)


def test_oracle_needs_both_classes():
    with pytest.raises(ConfigError, match="both"):
        oracle_threshold(np.zeros(10), np.arange(10.0))

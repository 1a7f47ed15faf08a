"""Property-based: every registered detector scores random series (NaN, inf, constants, tiny
lengths, huge values) with finite output of the right shape, or raises a documented error (DataError; TrainingError for a diverging neural fit)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import frostnet_jax as fj

pytestmark = pytest.mark.robustness

# small, fast settings so each example trains in milliseconds
FAST = {"lstm_ae": {"epochs": 1, "window": 4, "hidden": 4, "batch_size": 8},
        "transformer_ae": {"epochs": 1, "window": 4, "batch_size": 8},
        "iforest": {"window": 4, "n_estimators": 5}}

special = st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -1e30, 0.0])


@st.composite
def series(draw):
    n = draw(st.sampled_from([0, 1, 3, 4, 5, 40]))  # few lengths: neural detectors compile per shape
    kind = draw(st.sampled_from(["normal", "constant", "with_special", "huge"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.normal(size=n)
    if kind == "constant":
        x = np.full(n, draw(st.floats(-300, 300)))
    elif kind == "huge":
        x = x * 1e30
    elif kind == "with_special" and n:
        x[draw(st.integers(0, n - 1))] = draw(special)
    return x


NEURAL = {"lstm_ae", "transformer_ae"}


@pytest.mark.parametrize("name", sorted(set(fj.list_detectors()) - NEURAL))
@settings(max_examples=40, deadline=None)
@given(x=series())
def test_classical_detector_scores_or_raises(name, x):
    _scores_or_documented_error(name, x)


@pytest.mark.parametrize("name", sorted(NEURAL))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=series())
def test_neural_detector_scores_or_raises(name, x):
    _scores_or_documented_error(name, x)


def _scores_or_documented_error(name, x):
    det = fj.make_detector(name, seed=0, **FAST.get(name, {}))
    try:
        scores = det.fit(x).score(x)
    except (fj.DataError, fj.TrainingError) as exc:  # the documented errors
        assert str(exc)  # a message naming the problem
        return
    assert scores.shape == (len(x),) and scores.dtype == np.float64
    assert np.isfinite(scores).all(), f"{name} returned non-finite scores for finite input"

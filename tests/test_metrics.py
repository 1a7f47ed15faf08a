"""Metrics: TSB-AD reference vectors, scikit-learn agreement, properties and bad input."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, roc_auc_score

from frostnet_jax.errors import ConfigError, DataError
from frostnet_jax.metrics import (METRICS, UndefinedMetricWarning, compute_metrics, dominant_period,
                                  operating_point, oracle_f1_threshold, reconstruction_mae,
                                  reconstruction_rmse, resolve_window)

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "tsbad_cases.json").read_text())["cases"]
ARRAYS = np.load(DATA / "tsbad_cases.npz")
RANDOM = json.loads((DATA / "tsbad_random_cases.json").read_text())["cases"]  # small random cases, same reference
RANDOM_ARRAYS = np.load(DATA / "tsbad_random_cases.npz")
# our name -> TSB-AD get_metrics key
REFERENCE_KEY = {"auc_pr": "AUC-PR", "auc_roc": "AUC-ROC", "vus_pr": "VUS-PR", "vus_roc": "VUS-ROC",
                 "best_f1": "Standard-F1", "pa_f1": "PA-F1", "event_f1": "Event-based-F1",
                 "range_f1": "R-based-F1", "affiliation_f": "Affiliation-F"}


def _case(i):
    return ARRAYS[f"label_{i}"], ARRAYS[f"score_{i}"]


def _series(seed, n=400, events=4):
    rng = np.random.default_rng(seed)
    y = np.zeros(n, np.int8)
    for a in rng.choice(np.arange(10, n - 40, 40), events, replace=False):
        y[a:a + rng.integers(1, 25)] = 1
    return y, rng.normal(size=n) + 2 * y


def test_table_covers_the_reference():
    assert set(REFERENCE_KEY) == set(METRICS)
    assert next(iter(METRICS)) == "vus_pr"
    for spec in METRICS.values():
        assert spec.oracle == ("(oracle)" in spec.label)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_tsbad_reference(case):
    labels, scores = _case(case["index"])
    got = compute_metrics(labels, scores, METRICS, window=case["sliding_window"])
    for name, key in REFERENCE_KEY.items():
        assert got[name] == pytest.approx(case["metrics"][key], abs=1e-9, rel=0), name


@pytest.mark.parametrize("case", RANDOM, ids=[f"random{c['index']}" for c in RANDOM])
def test_matches_tsbad_on_random_cases(case):
    i = case["index"]
    got = compute_metrics(RANDOM_ARRAYS[f"label_{i}"], RANDOM_ARRAYS[f"score_{i}"], METRICS,
                          window=case["sliding_window"])
    for name, key in REFERENCE_KEY.items():
        assert got[name] == pytest.approx(case["metrics"][key], abs=1e-9, rel=0), name


@pytest.mark.parametrize("name", list(METRICS))
def test_single_metric_equals_batch(name):
    labels, scores = _case(1)
    spec = METRICS[name]
    params = {"window": 50} if spec.uses_window else {}
    assert spec.fn(labels, scores, **params) == compute_metrics(labels, scores, [name], window=50)[name]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 300), st.booleans())
def test_auc_equals_sklearn(seed, n, tied):
    rng = np.random.default_rng(seed)
    labels = rng.random(n) < rng.uniform(0.05, 0.5)
    labels[:2] = [True, False]
    scores = rng.normal(size=n) + labels
    if tied:
        scores = np.round(scores, 0)
    got = compute_metrics(labels, scores, ["auc_pr", "auc_roc"])
    assert got["auc_pr"] == pytest.approx(average_precision_score(labels, scores), abs=1e-12)
    assert got["auc_roc"] == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_perfect_score_is_one_and_inverted_is_low(seed):
    labels, _ = _series(seed)
    perfect = compute_metrics(labels, labels.astype(float), METRICS, window=10)
    inverted = compute_metrics(labels, -labels.astype(float), METRICS, window=10)
    for name in ("auc_pr", "auc_roc", "vus_pr", "vus_roc", "pa_f1", "range_f1"):
        assert perfect[name] == pytest.approx(1.0, abs=1e-9), name
    for name in ("best_f1", "event_f1", "affiliation_f"):  # TSB-AD's epsilons keep these just under 1
        assert perfect[name] == pytest.approx(1.0, abs=1e-4), name
    for name in ("auc_pr", "auc_roc", "vus_pr", "best_f1"):
        assert inverted[name] < 0.5 * perfect[name], name


@pytest.mark.parametrize("seed", range(3))
def test_invariant_to_monotone_transform(seed):
    labels, scores = _series(seed)
    rank_based = ["auc_pr", "auc_roc", "vus_pr", "vus_roc", "best_f1"]  # the oracle sweep is linear in score
    a = compute_metrics(labels, scores, rank_based, window=20)
    b = compute_metrics(labels, np.exp(scores) * 3 + 7, rank_based, window=20)
    for name in rank_based:
        assert a[name] == pytest.approx(b[name], abs=1e-12), name
    everything = compute_metrics(labels, scores, METRICS, window=20)
    affine = compute_metrics(labels, 5 * scores - 2, METRICS, window=20)
    for name in METRICS:
        assert everything[name] == pytest.approx(affine[name], abs=1e-9), name


def test_window_zero_and_full_length():
    labels, scores = _case(0)
    assert 0 <= compute_metrics(labels, scores, ["vus_pr"], window=0)["vus_pr"] <= 1
    assert 0 <= compute_metrics(labels, scores, ["vus_pr"], window=labels.size)["vus_pr"] <= 1


@pytest.mark.parametrize("labels", [np.zeros(50), np.ones(50)], ids=["no_anomaly", "no_normal"])
def test_undefined_labels_give_nan_with_warning(labels):
    scores = np.linspace(0, 1, 50)
    with pytest.warns(UndefinedMetricWarning):
        got = compute_metrics(labels, scores, METRICS, window=5)
    assert all(np.isnan(v) for v in got.values())
    for spec in METRICS.values():
        with pytest.warns(UndefinedMetricWarning):
            assert np.isnan(spec.fn(labels, scores, **({"window": 5} if spec.uses_window else {})))


@pytest.mark.parametrize("labels, scores, error, match", [
    (np.r_[0, 1, 0], np.r_[0.1, np.nan, 0.3], DataError, "NaN or infinite"),
    (np.r_[0, 1, 0], np.r_[0.1, np.inf, 0.3], DataError, "NaN or infinite"),
    (np.r_[0, 1, 0], np.r_[0.1, 0.2], DataError, "differ in length"),
    (np.r_[0, 2, 0], np.r_[0.1, 0.2, 0.3], DataError, "0/1"),
    (np.array(["a", "b", "c"]), np.r_[0.1, 0.2, 0.3], DataError, "0/1"),
    (np.zeros((3, 2)), np.zeros((3, 2)), DataError, "1-D"),
])
def test_bad_input_raises(labels, scores, error, match):
    with pytest.raises(error, match=match):
        compute_metrics(labels, scores, METRICS)


@pytest.mark.parametrize("window, error", [(-1, ConfigError), (1.5, ConfigError), (10_000, DataError)])
def test_bad_window_raises(window, error):
    labels, scores = _case(0)
    with pytest.raises(error, match="window"):
        compute_metrics(labels, scores, ["vus_pr"], window=window)
    with pytest.raises(error, match="window"):
        METRICS["vus_roc"].fn(labels, scores, window=window)


def test_unknown_metric_lists_known():
    with pytest.raises(ConfigError, match="vus_pr"):
        compute_metrics([0, 1], [0.0, 1.0], ["vus_rp"])


def test_resolve_window():
    t = np.arange(5000)
    assert resolve_window(100) == 100
    wave = np.sin(2 * np.pi * t / 48)
    assert resolve_window("period", wave) == 48
    wave[::97] = np.nan  # dropouts
    assert resolve_window("period", np.column_stack([wave, t])) == 48
    assert dominant_period(np.random.default_rng(0).normal(size=3000)) is None
    with pytest.warns(UserWarning, match="No period"):
        assert resolve_window("period", np.random.default_rng(0).normal(size=3000)) == 100
    with pytest.raises(ConfigError, match="period"):
        resolve_window("perod", t)
    with pytest.raises(ConfigError, match="values"):
        resolve_window("period")
    with pytest.raises(ConfigError):
        resolve_window(-3)


def test_operating_point():
    labels = np.array([0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0])
    scores = np.array([0, 9, 0, 9, 9, 0, 9, 9, 0, 0, 0, 9.0])
    kinds = np.where(labels == 1, "spike", "normal")
    kinds[8:10] = "drift"
    stamps = np.datetime64("2024-01-01") + np.arange(12) * np.timedelta64(1, "h")
    op = operating_point(labels, scores, 5.0, anomaly_type=kinds, timestamps=stamps)
    assert op["precision"] == pytest.approx(2 / 6) and op["recall"] == pytest.approx(2 / 5)
    assert op["f1"] == pytest.approx(2 * (2 / 6) * (2 / 5) / (2 / 6 + 2 / 5))
    assert op["events"] == 2 and op["events_detected"] == 1
    assert op["detection_delay_min"] == pytest.approx(60.0)
    assert op["false_alarms"] == 3  # alarm runs at 1, 6-7 and 11
    assert op["false_alarms_per_day"] == pytest.approx(3 / (7 / 24))
    assert op["recall_spike"] == pytest.approx(2 / 3) and op["recall_drift"] == 0
    plain = operating_point(labels, scores, 5.0)
    assert plain["detection_delay_samples"] == 1 and "false_alarms_per_day" not in plain
    with pytest.raises(DataError, match="anomaly_type"):
        operating_point(labels, scores, 5.0, anomaly_type=np.full(12, "normal"))


def test_oracle_threshold_reaches_best_f1():
    labels, scores = _series(4)
    thr = oracle_f1_threshold(labels, scores)
    best = compute_metrics(labels, scores, ["best_f1"])["best_f1"]
    assert operating_point(labels, scores, thr)["f1"] == pytest.approx(best, abs=1e-4)


def test_reconstruction_errors():
    x = np.zeros((4, 2))
    r = np.array([[1, -1], [1, 1], [0, 0], [3, 3.0]])
    assert reconstruction_mae(x, r) == pytest.approx(10 / 8)
    assert reconstruction_rmse(x, r, mask=[True, True, False, False]) == pytest.approx(1.0)
    with pytest.raises(DataError):
        reconstruction_mae(x, r[:3])

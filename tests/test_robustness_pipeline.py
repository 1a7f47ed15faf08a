"""Hostile inputs end to end (file -> preprocessing -> detector -> metrics -> runner), diverging
training, determinism of the quick suite, and safe file formats."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import frostnet_jax as fj
from frostnet_jax.bench.runner import run_suite
from frostnet_jax.bench.suite import load_suite, parse_suite
from frostnet_jax.data.loaders import load_csv
from frostnet_jax.data.preprocess import prepare
from frostnet_jax.metrics import compute_metrics
from frostnet_jax.report.build import build_report
from tests.conftest import tiny_suite_dict

pytestmark = pytest.mark.robustness
ROOT = Path(__file__).resolve().parents[1]


def _log(tmp_path, values, times=None, name="log.csv"):
    times = times or [f"2024-01-01 {i // 60:02d}:{i % 60:02d}:00" for i in range(len(values))]
    path = tmp_path / name
    path.write_text("timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in zip(times, values)))
    return path


def _through_pipeline(ds):
    """Prepare a loaded dataset and score it with every cheap detector; returns the scores."""
    x, observed = prepare(ds)
    out = {}
    for name in ("zscore", "iforest", "random"):
        det = fj.make_detector(name, **({"window": 4, "n_estimators": 10} if name == "iforest" else {}))
        out[name] = det.fit(x[: ds.train_end]).score(x)
        assert out[name].shape == (ds.n,) and np.isfinite(out[name]).all()
    return out, observed


@pytest.mark.parametrize("case", ["nan_run", "inf", "huge", "constant"])
def test_hostile_values_are_filled_masked_or_rejected(tmp_path, case):
    v = list(np.sin(np.arange(120) / 5.0))
    if case == "nan_run":
        v[30:45] = ["nan"] * 15
    elif case == "inf":
        v[50], v[51] = "inf", "-inf"
    elif case == "huge":
        v[60] = 1e30
    elif case == "constant":
        v = [4.2] * 120
    try:
        ds = load_csv(_log(tmp_path, v))
    except fj.DataError as exc:  # a documented refusal must name the file and the row or column
        assert "log.csv" in str(exc)
        return
    scores, observed = _through_pipeline(ds)
    if case in ("nan_run", "inf"):
        assert not observed.all(), "missing values must be reported in the mask"


def test_missing_file_says_which(tmp_path):
    with pytest.raises(fj.DataError, match="nope.csv"):
        load_csv(tmp_path / "nope.csv")


def test_duplicates_gaps_and_time_zones_are_handled_visibly(tmp_path):
    from frostnet_jax.data.preprocess import quality_summary

    times = [f"2024-01-01 00:{i:02d}:00" for i in range(30)]
    times[10] = times[9]                                   # a duplicate timestamp
    times = times[:20] + [f"2024-01-01 03:{i:02d}:00" for i in range(10)]  # a long gap
    ds = load_csv(_log(tmp_path, list(range(30)), times))
    summary = quality_summary(ds.timestamps, ds.values)
    assert summary["duplicate_timestamps"] == 1 and summary["gaps"] >= 1
    mixed = [f"2024-01-01T00:{i:02d}:00+00:00" for i in range(15)] + \
            [f"2024-01-01T01:{i:02d}:00+01:00" for i in range(15, 30)]
    try:
        ds2 = load_csv(_log(tmp_path, list(range(30)), mixed, "tz.csv"))
    except fj.DataError as exc:
        assert "tz.csv" in str(exc)
    else:
        assert np.all(np.diff(ds2.timestamps.astype(np.int64)) > 0)  # converted to one clock


def test_series_shorter_than_window_and_bad_windows():
    with pytest.raises(fj.DataError, match="needs at least 30"):
        fj.make_detector("lstm_ae", epochs=1).fit(np.zeros(10))
    for bad in (0, -3):
        with pytest.raises((fj.ConfigError, fj.DataError), match="window"):
            fj.make_detector("lstm_ae", window=bad, epochs=1).fit(np.zeros(50))
        with pytest.raises((fj.ConfigError, fj.DataError), match="window"):
            fj.make_detector("iforest", window=bad).fit(np.zeros(50))


def test_labels_wrong_length_or_not_binary_are_refused():
    base = fj.load_dataset("original", seed=0, n=200)
    with pytest.raises(fj.DataError, match="one 0/1 label per timestamp"):
        fj.Dataset(name="x", values=base.values, labels=base.labels[:-1], timestamps=base.timestamps,
                   anomaly_type=base.anomaly_type, unit="K", train_end=100, val_end=150)
    with pytest.raises(fj.DataError, match="0 or 1"):
        fj.Dataset(name="x", values=base.values, labels=base.labels * 2, timestamps=base.timestamps,
                   anomaly_type=base.anomaly_type, unit="K", train_end=100, val_end=150)


@pytest.mark.parametrize("labels", [np.zeros(300, int), np.ones(300, int)])
def test_all_normal_or_all_anomalous_test_labels_give_nan_with_a_warning(labels):
    scores = np.random.default_rng(0).random(300)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = compute_metrics(labels, scores, ["vus_pr", "auc_pr", "auc_roc"], window=10)
    assert all(np.isnan(v) for v in values.values()) and caught


def test_output_folder_that_is_not_writable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(fj.ConfigError, match="not writable"):
        run_suite(parse_suite(tiny_suite_dict()), blocker / "results", workers=1)


def test_diverging_training_becomes_a_failed_cell_not_a_number(tmp_path):
    raw = tiny_suite_dict(detector=[{"name": "lstm_ae", "label": "diverge",
                                     "params": {"lr": 1e38, "epochs": 3, "window": 8, "hidden": 8}}])
    raw["suite"]["seeds"] = [0]
    suite = parse_suite(raw)
    summary = run_suite(suite, tmp_path, workers=1)
    if not summary.failed:
        pytest.fail("lr=1e38 was expected to diverge")
    reason = summary.failed[0][1]
    assert "TrainingError" in reason and "epoch" in reason and "seed 0" in reason and "original" in reason
    report = build_report(suite, [tmp_path], tmp_path, figures_on=False)
    row = next(line for line in report.headline.splitlines() if line.startswith("| diverge"))
    assert "failed" in row and "nan" not in row.lower()


def test_quick_suite_is_bit_identical_when_run_twice(tmp_path):
    suite = load_suite("quick").narrowed(datasets=["magnet-medium"], seeds=[0])
    for out in ("a", "b"):
        assert not run_suite(suite, tmp_path / out, workers=1).failed
    cells_a = sorted((tmp_path / "a" / "cells").glob("*.npz"))
    assert len(cells_a) == len(suite.detectors)
    for path in cells_a:
        with np.load(path) as a, np.load(tmp_path / "b" / "cells" / path.name) as b:
            assert np.array_equal(a["scores"], b["scores"]), path.name
    ma = build_report(suite, [tmp_path / "a"], tmp_path / "a", figures_on=False).collected.metrics
    mb = build_report(suite, [tmp_path / "b"], tmp_path / "b", figures_on=False).collected.metrics
    cols = ["label", "seed", "metric", "value"]
    pd.testing.assert_frame_equal(ma[cols], mb[cols])


def test_no_code_runs_on_load_anywhere():
    loaders = ["import " + "pickle", r"allow_pickle\s*=\s*True", "cloud" + "pickle", r"yaml\.load\(", r"torch\.load"]
    pattern = re.compile("|".join(loaders))  # spelled in pieces so this file does not match itself
    offenders = [str(p) for folder in ("frostnet_jax", "baselines") for p in (ROOT / folder).rglob("*.py")
                 if pattern.search(p.read_text())]
    assert not offenders

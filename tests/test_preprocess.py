"""Preprocessing: train-only scalers, gap filling with a mask, duplicates, resampling, quality."""
import numpy as np
import pytest

import frostnet_jax as fj
from frostnet_jax.data.loaders import load_csv
from frostnet_jax.data.preprocess import (apply_scaler, drop_duplicates, fill_missing, fit_scaler,
                                          interpolate_gaps, prepare, quality_summary, regularize,
                                          resample)


def _ts(*minutes):
    return np.datetime64("2024-01-01T00:00", "ns") + (np.array(minutes) * 60e9).astype("timedelta64[ns]")


def test_prepare_fills_dropouts_and_scales_on_train_only():
    ds = fj.load_dataset("ln2-easy", seed=0)
    x, observed = prepare(ds)
    assert np.isfinite(x).all() and np.array_equal(observed, ds.mask) and (~observed).any()
    train = x[ds.split("train")]
    assert np.isclose(train.min(), 0.0) and np.isclose(train.max(), 1.0)
    # test values do not leak into the statistics
    bumped = ds.values.copy()
    bumped[ds.split("test")] += 1000.0
    x2, _ = prepare(fj.Dataset(**{**ds.__dict__, "values": bumped}))
    assert np.array_equal(x2[ds.split("train")], train)


@pytest.mark.parametrize("kind", ["minmax", "standard", "robust", "none"])
def test_scalers_constant_channel_is_safe(kind):
    x = np.c_[np.full(50, 4.2), np.arange(50.0)]
    stats = fit_scaler(x, kind)
    assert np.isfinite(apply_scaler(x, stats)).all() and stats.scale[0] == 1.0


def test_unknown_scaler_and_all_nan_channel():
    with pytest.raises(fj.ConfigError, match="Unknown scaler"):
        fit_scaler(np.zeros((3, 1)), "zscore")
    with pytest.raises(fj.DataError, match="no finite value"):
        fill_missing(np.full(5, np.nan))


def test_interpolate_short_gaps_mark_long_ones():
    x = np.array([1.0, np.nan, 3.0, np.nan, np.nan, np.nan, 7.0, 8.0, np.nan])
    filled, long_gap = interpolate_gaps(x, max_gap=2)
    assert filled[1, 0] == 2.0 and filled[8, 0] == 8.0
    assert np.isnan(filled[3:6, 0]).all() and long_gap.tolist() == [False] * 3 + [True] * 3 + [False] * 3


def test_drop_duplicates_is_deterministic():
    ts = _ts(0, 1, 1, 3, 2)
    v = np.array([1.0, 2.0, 4.0, 5.0, 6.0])
    for keep, expect in (("first", [1, 2, 6, 5]), ("last", [1, 4, 6, 5]), ("mean", [1, 3, 6, 5])):
        uniq, out = drop_duplicates(ts, v, keep)
        assert np.array_equal(uniq, _ts(0, 1, 2, 3)) and out[:, 0].tolist() == expect
    with pytest.raises(fj.ConfigError, match="keep"):
        drop_duplicates(ts, v, "any")


def test_resample_to_regular_grid_with_mask():
    grid, out, observed = resample(_ts(0, 1, 2.1, 5, 5.9), np.arange(5.0), "1min")
    assert np.array_equal(grid, _ts(0, 1, 2, 3, 4, 5, 6))
    assert observed.tolist() == [True, True, True, False, False, True, True]
    assert out[2, 0] == 2.0 and np.isnan(out[3, 0])
    with pytest.raises(fj.DataError, match="time order"):
        resample(_ts(0, 2, 1), np.zeros(3))


def test_quality_summary_reports_missing_duplicates_gaps_constant():
    ts = _ts(0, 1, 1, 2, 10, 11)
    v = np.c_[[1.0, np.nan, 2.0, 3.0, 4.0, 5.0], np.full(6, 7.0)]
    q = quality_summary(ts, v)
    assert q["missing"] == [1, 0] and q["duplicate_timestamps"] == 1 and q["gaps"] == 1
    assert q["largest_gap"] == "0 days 00:08:00" and q["constant_channels"] == [1]
    assert q["out_of_order"] == 0 and q["median_step"] == "0 days 00:01:00"


def test_regularize_an_irregular_labelled_log(tmp_path):
    minutes = [0, 1, 2, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
    labels = [0] * 9 + [1, 1] + [0] * 7
    rows = "".join(f"2024-01-01 00:{m:02d}:00,{m * 1.0},{lab}\n" for m, lab in zip(minutes, labels))
    (tmp_path / "log.csv").write_text("timestamp,value,label\n" + rows)
    ds = load_csv(tmp_path / "log.csv", label_col="label")
    reg = regularize(ds, step="1min", max_gap=1)
    assert reg.n == 20 and np.array_equal(reg.timestamps, _ts(*range(20)))
    assert np.isnan(reg.values[5:8, 0]).all() and reg.meta["regularized"]["long_gap_points"] == 3
    assert np.flatnonzero(reg.labels).tolist() == [11, 12] and set(reg.anomaly_type[[11, 12]]) == {"labelled"}
    assert reg.timestamps[reg.train_end] == ds.timestamps[ds.train_end]
    x, observed = prepare(reg)
    assert np.isfinite(x).all() and observed.sum() == 17


def test_gap_at_the_end_of_train_is_not_filled_from_validation():
    ds = fj.load_dataset("original", seed=0, n=300)
    values = ds.values.copy()
    values[ds.train_end - 5: ds.train_end + 5] = np.nan
    values[ds.train_end + 5:] += 1000.0  # any leak from validation into train would show
    leaky = fj.Dataset(name="gap", values=values, labels=ds.labels, timestamps=ds.timestamps,
                       anomaly_type=ds.anomaly_type, unit="degC", train_end=ds.train_end, val_end=ds.val_end)
    x, observed = prepare(leaky, scaler="none")
    np.testing.assert_allclose(x[ds.train_end - 5: ds.train_end, 0], values[ds.train_end - 6, 0])
    assert not observed[ds.train_end - 5: ds.train_end + 5].any()

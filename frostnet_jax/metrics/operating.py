"""Metrics at one threshold (an operating point), and the original FrostNet's reconstruction errors."""
from __future__ import annotations

import numpy as np

from frostnet_jax.errors import DataError
from frostnet_jax.metrics._core import Series, segments_of

SECONDS_PER_DAY = 86_400.0
NORMAL_TYPE = "normal"  # the anomaly_type of normal points


def _seconds(timestamps, n: int) -> np.ndarray:
    t = np.asarray(timestamps)
    if t.shape != (n,):
        raise DataError(f"timestamps must have shape ({n},) like the labels; got {t.shape}.")
    if np.issubdtype(t.dtype, np.datetime64):
        t = (t - t[0]) / np.timedelta64(1, "s")
    elif not np.issubdtype(t.dtype, np.number):
        raise DataError(f"timestamps must be datetime64 or numeric seconds; got dtype {t.dtype}.")
    t = t.astype(np.float64)
    if not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise DataError("timestamps must be finite and strictly increasing.")
    return t


def _recall_by_type(y: np.ndarray, alarm: np.ndarray, anomaly_type) -> dict[str, float]:
    kinds = np.asarray(anomaly_type).astype(str)
    if kinds.shape != y.shape:
        raise DataError(f"anomaly_type must have shape {y.shape} like the labels; got {kinds.shape}.")
    if np.any((kinds == NORMAL_TYPE) == y):
        raise DataError(f"anomaly_type must be {NORMAL_TYPE!r} exactly on the normal points (label 0).")
    return {f"recall_{k}": float(alarm[kinds == k].mean()) for k in np.unique(kinds[y])}


def operating_point(labels, scores, threshold: float, *, anomaly_type=None, timestamps=None) -> dict[str, float]:
    """Detection quality at one threshold: an alarm is raised where score >= threshold.

    Keys: precision (0 when nothing alarms), recall, f1 (point-wise); events, events_detected (an event
    is detected when it holds an alarm); detection_delay_min with timestamps, else detection_delay_samples
    (mean over detected events of the time from the event's first point to its first alarm; NaN if none
    is detected); false_alarms (alarm episodes, i.e. runs of consecutive alarms, that touch no anomaly);
    with timestamps also false_alarms_per_day (per day of normal data, at the median sampling interval);
    with anomaly_type, recall_<type> for each anomaly type (share of that type's points alarmed).
    Recall-type keys are NaN when the labels hold no anomaly.

    Args: labels (n,) 0/1; scores (n,); threshold; anomaly_type (n,) str, "normal" on normal points;
      timestamps (n,) datetime64 or seconds, strictly increasing.
    """
    series = Series(labels, scores)
    y, n = series.y, series.n
    if not np.isfinite(threshold):
        raise DataError(f"threshold must be finite; got {threshold}.")
    alarm = series.s >= threshold
    tp = float(np.sum(alarm & y))
    n_alarm = float(alarm.sum())
    precision = tp / n_alarm if n_alarm else 0.0
    recall = tp / series.n_pos if series.n_pos else np.nan
    f1 = recall if not recall > 0 else 2 * precision * recall / (precision + recall)  # 0 or NaN pass through

    starts, ends = series.events
    alarms_at = np.flatnonzero(alarm)
    first = np.searchsorted(alarms_at, starts)
    detected = first < alarms_at.size
    detected[detected] = alarms_at[first[detected]] <= ends[detected]
    runs = segments_of(alarm)
    cum_y = np.r_[0, np.cumsum(y)]
    false_alarms = int(np.sum(cum_y[runs.ends + 1] == cum_y[runs.starts]))

    out = {"precision": precision, "recall": recall, "f1": f1, "events": float(starts.size),
           "events_detected": float(detected.sum()), "false_alarms": float(false_alarms)}
    if timestamps is None:
        delays = (alarms_at[first[detected]] - starts[detected]).astype(np.float64)
        out["detection_delay_samples"] = float(delays.mean()) if delays.size else np.nan
    else:
        t = _seconds(timestamps, n)
        delays = t[alarms_at[first[detected]]] - t[starts[detected]]
        out["detection_delay_min"] = float(delays.mean() / 60) if delays.size else np.nan
        normal_days = (n - series.n_pos) * float(np.median(np.diff(t))) / SECONDS_PER_DAY
        out["false_alarms_per_day"] = false_alarms / normal_days if normal_days > 0 else np.nan
    if anomaly_type is not None:
        out.update(_recall_by_type(y, alarm, anomaly_type))
    return out


def _errors(values, reconstruction, mask) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    r = np.asarray(reconstruction, dtype=np.float64)
    if x.shape != r.shape:
        raise DataError(f"values {x.shape} and reconstruction {r.shape} must have the same shape (T,) or (T, D).")
    err = r - x
    if mask is not None:
        m = np.asarray(mask, dtype=bool)
        if m.shape != x.shape[:1]:
            raise DataError(f"mask must have shape ({x.shape[0]},); got {m.shape}.")
        err = err[m]
    if err.size == 0 or not np.all(np.isfinite(err)):
        raise DataError("reconstruction errors are empty or not finite; check the mask and the model output.")
    return err


def reconstruction_mae(values, reconstruction, mask=None) -> float:
    """Mean absolute reconstruction error, over every timestamp (and channel) selected by `mask`.

    Kept to compare with the original FrostNet, which reported it on the whole test split (mask=None).
    It rewards a good reconstruction, not a good detector; do not rank detectors with it.

    Args: values, reconstruction (T,) or (T, D) in the same (scaled) units; mask (T,) bool or None.
    """
    return float(np.mean(np.abs(_errors(values, reconstruction, mask))))


def reconstruction_rmse(values, reconstruction, mask=None) -> float:
    """Root mean squared reconstruction error; same conventions as `reconstruction_mae`."""
    return float(np.sqrt(np.mean(_errors(values, reconstruction, mask) ** 2)))

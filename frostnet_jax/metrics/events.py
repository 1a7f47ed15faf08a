"""Event-aware oracle F1 scores: point-adjusted, event-based and range-based (Tatbul et al.).

All three are ORACLE values: the best F1 over TSB-AD's 100 thresholds linspace(min, max, 100), with
prediction = score > threshold, picked with the test labels. TSB-AD's conventions are kept so the values
match it exactly; where they are quirks, the docstring says so.
"""
from __future__ import annotations

import numpy as np

from frostnet_jax.metrics._core import (N_ORACLE_THRESHOLDS, Segments, Series, count_above, event_points,
                                        segment_reduce, undefined)

EVENT_F1_EPS = 1e-15  # TSB-AD's eps in 2RP/(R+P+eps) for Event-F1 and Affiliation-F
RANGE_ALPHA = 0.2  # weight of existence in range recall (Tatbul et al.; TSB-AD's choice)


def pa_f1_of(series: Series) -> float:
    """PA-F1 (oracle) of a Series with both classes; see `pa_f1`."""
    y, rank, events = series.y, series.oracle_rank, series.events
    t = N_ORACLE_THRESHOLDS
    hit_rank = segment_reduce(np.maximum, rank, events)
    lengths = (events.ends - events.starts + 1).astype(np.float64)
    tp = count_above(hit_rank, t, weights=lengths)[0]
    if events.starts[0] == 0:  # TSB-AD's adjustment never back-fills index 0
        tp -= count_above(hit_rank[:1], t)[0] - count_above(rank[:1], t)[0]
    fp = count_above(rank[~y], t)[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(tp > 0, 2 * tp / (tp + fp + series.n_pos), 0.0)
    return float(f1.max())


def event_f1_of(series: Series) -> float:
    """Event-F1 (oracle) of a Series with both classes; see `event_f1`."""
    y, rank, n = series.y, series.oracle_rank, series.n
    t = N_ORACLE_THRESHOLDS
    starts, ends = series.events
    ends = np.where(ends == n - 1, n - 2, ends)  # TSB-AD's event list drops the series' last point
    empty = ends < starts
    hit_rank = np.where(empty, 0, segment_reduce(np.maximum, rank, Segments(starts, np.maximum(ends, starts))))
    recall = count_above(hit_rank, t)[0] / starts.size
    n_pred = count_above(rank, t)[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(n_pred > 0, count_above(rank[y], t)[0] / n_pred, 0.0)
    return float(np.max(2 * recall * precision / (recall + precision + EVENT_F1_EPS)))


def _range_recall(series: Series) -> np.ndarray:
    """(T,) Tatbul range recall of the label events per oracle threshold (flat bias, 1/cardinality)."""
    rank, (starts, ends), t = series.oracle_rank, series.events, N_ORACLE_THRESHOLDS
    g = starts.size
    points, owner, _ = event_points(series.events)
    hits = count_above(rank[points], t, groups=owner, n_groups=g)  # (G, T) predicted points per event
    inner = points != starts[owner]  # a predicted run starts at an inner point i when i-1 is not predicted
    cur, prev = rank[points[inner]], rank[points[inner] - 1]
    run_starts = (count_above(cur, t, groups=owner[inner], n_groups=g)
                  - count_above(np.minimum(cur, prev), t, groups=owner[inner], n_groups=g))
    cardinality = count_above(rank[starts], t, groups=np.arange(g), n_groups=g) + run_starts
    with np.errstate(invalid="ignore", divide="ignore"):
        overlap = np.where(cardinality > 0, hits / (ends - starts + 1)[:, None] / cardinality, 0.0)
    return np.sum(RANGE_ALPHA * (hits > 0) + (1 - RANGE_ALPHA) * overlap, axis=0) / g


def _range_precision(series: Series) -> np.ndarray:
    """(T,) Tatbul range precision of the predicted runs per oracle threshold (0 when none)."""
    y, rank, n = series.y, series.oracle_rank, series.n
    label_cum = np.r_[0, np.cumsum(y)]
    start_flags = np.zeros(n, np.int64)
    start_flags[series.events.starts] = 1
    start_cum = np.r_[0, np.cumsum(start_flags)]
    padded = np.zeros(n + 2, bool)
    out = np.zeros(N_ORACLE_THRESHOLDS)
    for k in range(N_ORACLE_THRESHOLDS):
        np.greater(rank, k, out=padded[1:-1])
        changes = np.flatnonzero(padded[1:] != padded[:-1])
        s, e = changes[::2], changes[1::2] - 1
        if s.size:
            hits = label_cum[e + 1] - label_cum[s]
            cardinality = start_cum[e + 1] - start_cum[s + 1] + y[s]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[k] = np.sum(np.where(cardinality > 0, hits / (e - s + 1) / cardinality, 0.0)) / s.size
    return out


def range_f1_of(series: Series) -> float:
    """Range-F1 (oracle) of a Series with both classes; see `range_f1`."""
    recall, precision = _range_recall(series), _range_precision(series)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(recall + precision > 0, 2 * recall * precision / (recall + precision), 0.0)
    return float(f1.max())


def pa_f1(labels, scores) -> float:
    """ORACLE: best point-adjusted F1 (an event counts whole once any of its points is flagged).

    Point adjustment is known to inflate scores (a random detector can look strong); report with care.
    Reproduces TSB-AD's PA-F1, including its quirk that index 0 is never back-filled.

    Args: labels (n,) 0/1; scores (n,) float.
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Xu et al., "Donut", WWW 2018; Kim et al., "Towards a Rigorous Evaluation of
    Time-series Anomaly Detection", AAAI 2022 (why it inflates).
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "PA-F1") else pa_f1_of(series)


def event_f1(labels, scores) -> float:
    """ORACLE: best F1 of event recall (events with any flagged point) and point-wise precision.

    Reproduces TSB-AD's Event-based-F1, including its quirk that an event ending at the series' last
    point loses that point (a one-point event there can never be detected).

    Args: labels (n,) 0/1; scores (n,) float.
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Garg et al., "An Evaluation of Anomaly Detection and Diagnosis in Multivariate Time
    Series", IEEE TNNLS 2021.
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "Event-F1") else event_f1_of(series)


def range_f1(labels, scores) -> float:
    """ORACLE: best range-based F1, recall alpha 0.2, reciprocal cardinality, flat positional bias.

    Args: labels (n,) 0/1; scores (n,) float.
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Tatbul et al., "Precision and Recall for Time Series", NeurIPS 2018.
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "Range-F1") else range_f1_of(series)

"""Event-aware oracle F1 scores: point-adjusted, event-based and range-based (Tatbul et al.).

All three are ORACLE values: the best F1 over TSB-AD's 100 thresholds linspace(min, max, 100), with
prediction = score > threshold, picked with the test labels. TSB-AD's conventions are kept so the values
match it exactly; where they are quirks, the docstring says so.
"""
from __future__ import annotations

import numpy as np

from frostnet_jax.metrics._core import N_ORACLE_THRESHOLDS, Segments, Series, count_above, segment_reduce, \
    segments_of, undefined

EVENT_F1_EPS = 1e-15  # TSB-AD's eps in 2RP/(R+P+eps) for Event-F1 and Affiliation-F
RANGE_ALPHA = 0.2  # weight of existence in range recall (Tatbul et al.; TSB-AD's choice)


def pa_f1_of(series: Series) -> float:
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


def _range_recall(cum_pred, cum_run_starts, pred, events: Segments, alpha: float) -> float:
    """Tatbul range recall of `events` given predicted points; flat bias, reciprocal cardinality."""
    a, b = events.starts, events.ends
    hits = cum_pred[b + 1] - cum_pred[a]
    cardinality = cum_run_starts[b + 1] - cum_run_starts[a + 1] + pred[a]
    with np.errstate(invalid="ignore", divide="ignore"):
        overlap = np.where(cardinality > 0, hits / (b - a + 1) / cardinality, 0.0)
    return float(np.sum(alpha * (hits > 0) + (1 - alpha) * overlap) / a.size)


def _cumulative(mask: np.ndarray, runs: Segments) -> tuple[np.ndarray, np.ndarray]:
    """(n+1,) prefix counts of the mask's points and of its run starts."""
    starts = np.zeros(mask.size, np.int64)
    starts[runs.starts] = 1
    return np.r_[0, np.cumsum(mask)], np.r_[0, np.cumsum(starts)]


def range_f1_of(series: Series) -> float:
    y, rank, events = series.y, series.oracle_rank, series.events
    label_cum = _cumulative(y, events)
    best = 0.0
    for k in range(N_ORACLE_THRESHOLDS):
        pred = rank > k
        runs = segments_of(pred)
        if runs.starts.size == 0:
            continue
        recall = _range_recall(*_cumulative(pred, runs), pred, events, RANGE_ALPHA)
        precision = _range_recall(*label_cum, y, runs, 0.0)
        if recall + precision > 0:
            best = max(best, 2 * recall * precision / (recall + precision))
    return best


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

"""VUS-PR and VUS-ROC: volume under the range-PR / range-ROC surfaces, all windows and thresholds at once.

Exactly TSB-AD's `get_metrics(..., version='opt', thre=250)`. For a window w = 0..W the labels are
softened by sqrt(1 - d/w) up to w//2 points outside each event; a prediction inside an event's buffer
earns that soft credit; a buffered event counts as detected ("existence") once any point of its buffer
is predicted. With E(w, k) = soft credit of the normal points predicted at threshold k:
TP = (anomalies predicted) + E, P_new = P + E/2, TPR = min(TP/P_new, 1) * existence/#buffers,
FPR = (N_pred - TP)/(n - P_new), precision = TP/N_pred. The cost is O(n log n + W * E * W) with E events,
independent of the number of thresholds.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from frostnet_jax.metrics._core import (N_VUS_THRESHOLDS, Series, check_window, count_above, segment_reduce,
                                        undefined)


class Volumes(NamedTuple):
    """VUS results for one window."""

    roc: float  # mean range-ROC AUC over windows 0..W
    pr: float  # mean range-AP over windows 0..W


def _threshold_rank(s: np.ndarray, n_thresholds: int) -> np.ndarray:
    """(n,) int: point i is predicted (score >= threshold k) for k >= rank[i]."""
    desc = np.sort(s)[::-1]
    thresholds = desc[np.linspace(0, s.size - 1, n_thresholds).astype(int)]  # non-increasing
    return np.searchsorted(-thresholds, -s, side="left")  # number of thresholds above s[i]


def _soft_credit(series: Series, window: int, rank: np.ndarray, n_thresholds: int) -> np.ndarray:
    """E (W+1, T): summed soft label of the normal points predicted, per window and threshold.

    A normal point within w//2 of one event edge only, at distance d, has soft label f_w(d) =
    sqrt(1 - d/w): those add up as f (W+1, H) times counts (H, T). Points near several edges (clipped sums)
    are summed point by point; there are few unless events are closer than the window.
    """
    y, n = series.y, series.n
    starts, ends = series.events
    half = window // 2
    if half == 0:
        return np.zeros((window + 1, n_thresholds))
    d = np.arange(1, half + 1)
    pos = np.concatenate([(ends[:, None] + d).ravel(), (starts[:, None] - d).ravel()])
    dist = np.tile(d, 2 * starts.size)
    inside = (pos >= 0) & (pos < n)
    keep = inside & ~y[np.where(inside, pos, 0)]  # normal points only; anomalies count fully anyway
    pos, dist = pos[keep], dist[keep]
    w = np.arange(window + 1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(d[None, :] <= w // 2, np.sqrt(np.maximum(1 - d[None, :] / w, 0.0)), 0.0)  # (W+1, H)
    edges_near = np.bincount(pos, minlength=n)[pos]
    one = edges_near == 1
    counts = np.bincount((dist[one] - 1) * n_thresholds + rank[pos[one]], minlength=half * n_thresholds)
    cum_counts = np.cumsum(counts.reshape(half, n_thresholds), axis=1, dtype=np.float64)
    credit = np.einsum("wh,hk->wk", f, cum_counts)  # not BLAS: its threads stall on a busy machine
    pos, dist = pos[~one], dist[~one]
    if pos.size:
        r = rank[pos]
        order = np.lexsort((pos, r))  # by rank, then point: the entries of one point are adjacent
        pos, dist, r = pos[order], dist[order], r[order]
        first = np.r_[0, np.flatnonzero(np.diff(pos)) + 1]
        soft = np.minimum(np.add.reduceat(f.T[dist - 1], first, axis=0), 1.0)  # (U, W+1), by rank
        cum = np.concatenate([np.zeros((1, window + 1)), np.cumsum(soft, axis=0)], axis=0)
        credit += cum[np.searchsorted(r[first], np.arange(n_thresholds), side="right")].T
    return credit


def _existence(series: Series, window: int, rank: np.ndarray, n_thresholds: int):
    """(exist (W+1, T) buffers holding a prediction, n_buffers (W+1,)) for windows 0..W."""
    n = series.n
    starts, ends = series.events
    half = window // 2
    n_events = starts.size
    core = segment_reduce(np.minimum, rank, series.events)
    d = np.arange(1, half + 1)
    nothing = np.full((n_events, 1), n_thresholds)  # larger than any rank
    # lowest rank within h points outside each event, h = 0..H (E, H+1)
    left = np.hstack([nothing, np.minimum.accumulate(rank[np.clip(starts[:, None] - d, 0, n - 1)], axis=1)])
    right = np.hstack([nothing, np.minimum.accumulate(rank[np.clip(ends[:, None] + d, 0, n - 1)], axis=1)])
    halves = np.arange(window + 1) // 2  # (W+1,)
    seg_min = np.minimum(np.minimum(core[None, :], left[:, halves].T), right[:, halves].T)  # (W+1, E)
    # neighbours merge when e_i + h >= s_{i+1} - h
    merged = (2 * halves[:, None]) >= (starts[1:] - ends[:-1])[None, :]
    new_group = np.concatenate([np.ones((window + 1, 1), bool), ~merged], axis=1)
    flat_starts = np.flatnonzero(new_group.ravel())
    group_min = np.minimum.reduceat(seg_min.ravel(), flat_starts)
    group_window = flat_starts // n_events
    n_buffers = new_group.sum(axis=1)
    later = count_above(group_min, n_thresholds, groups=group_window, n_groups=window + 1)
    return n_buffers[:, None] - later, n_buffers


def volumes_of(series: Series, window: int) -> Volumes:
    """VUS-ROC and VUS-PR of a validated series (labels with both classes), computed once per window."""
    window = check_window(window, series.n)
    key = ("vus", window)
    if key not in series.memo:
        series.memo[key] = _volumes_of(series, window, N_VUS_THRESHOLDS)
    return series.memo[key]


def _volumes_of(series: Series, window: int, n_thresholds: int) -> Volumes:
    y, n, big_p = series.y, series.n, series.n_pos
    rank = _threshold_rank(series.s, n_thresholds)
    n_pred = np.cumsum(np.bincount(rank, minlength=n_thresholds))[:n_thresholds].astype(np.float64)
    hits = np.cumsum(np.bincount(rank[y], minlength=n_thresholds))[:n_thresholds].astype(np.float64)
    soft = _soft_credit(series, window, rank, n_thresholds)
    exist, n_buffers = _existence(series, window, rank, n_thresholds)
    tp = hits[None, :] + soft
    p_new = big_p + soft / 2
    tpr = np.minimum(tp / p_new, 1.0) * exist / n_buffers[:, None]
    fpr = (n_pred[None, :] - tp) / (n - p_new)
    precision = tp / n_pred[None, :]
    zeros = np.zeros((window + 1, 1))
    ones = np.ones((window + 1, 1))
    fx = np.concatenate([zeros, fpr, ones], axis=1)
    ty = np.concatenate([zeros, tpr, ones], axis=1)
    roc = np.sum(np.diff(fx, axis=1) * (ty[:, 1:] + ty[:, :-1]) / 2, axis=1)
    ap = np.sum(np.diff(np.concatenate([zeros, tpr], axis=1), axis=1) * precision, axis=1)
    return Volumes(float(np.mean(roc)), float(np.mean(ap)))


def _volumes(labels, scores, window: int, what: str) -> Volumes | None:
    series = Series(labels, scores)
    check_window(window, series.n)
    return None if undefined(series.y, what) else volumes_of(series, window)


def vus_pr(labels, scores, window: int = 100) -> float:
    """VUS-PR (the headline metric): mean range-AP over buffer windows 0..window and 250 thresholds.

    Args: labels (n,) 0/1; scores (n,) float; window: maximum buffer width in points (0 <= window <= n).
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Paparrizos et al., "Volume Under the Surface", VLDB 2022; TSB-AD (NeurIPS 2024).
    """
    v = _volumes(labels, scores, window, "VUS-PR")
    return np.nan if v is None else v.pr


def vus_roc(labels, scores, window: int = 100) -> float:
    """VUS-ROC: mean range-ROC AUC over buffer windows 0..window and 250 thresholds.

    Args: labels (n,) 0/1; scores (n,) float; window: maximum buffer width in points (0 <= window <= n).
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Paparrizos et al., "Volume Under the Surface", VLDB 2022; TSB-AD (NeurIPS 2024).
    """
    v = _volumes(labels, scores, window, "VUS-ROC")
    return np.nan if v is None else v.roc

"""Affiliation F-score (Huet et al., KDD 2022), oracle over TSB-AD's 100 thresholds, all at once.

Each ground-truth event J = [a, b+1) owns an affiliation zone E (cut half way between events). In E,
precision averages over the predicted set P the survival probability 1 - (min(d, m) + d + |J|)/|E| of the
distance d from a predicted instant to J (m = distance from J to E's nearer edge; 1 inside J); recall
averages over J the probability 1 - (min(D, m_y) + D)/|E|, D = distance to the nearest predicted instant
in E, m_y = distance from y to E's nearer edge (1 where predicted). Point i is the interval [i, i+1).
Every kink of these piecewise-linear integrands lies on a multiple of 1/4, so integrating each point's
interval by the midpoint rule on its halves (precision) or quarters (recall) is exact. Precision sums are
accumulated per threshold with one histogram; recall uses the nearest predicted point to the left and to
the right of each event point, for every threshold, by running maxima.
"""
from __future__ import annotations

import numpy as np

from frostnet_jax.metrics._core import (N_ORACLE_THRESHOLDS, Segments, Series, count_above, event_points,
                                        segment_reduce, undefined)
from frostnet_jax.metrics.events import EVENT_F1_EPS

_CHUNK_CELLS = 500_000  # thresholds x event points handled at once in the recall (bounds memory)


def _zones(series: Series) -> np.ndarray:
    """(G+1,) affiliation zone bounds: 0, midpoints between consecutive events, n."""
    starts, ends = series.events
    return np.r_[0.0, (ends[:-1] + 1 + starts[1:]) / 2, float(series.n)]


def _precision(series: Series, zones: np.ndarray) -> np.ndarray:
    """(T,) affiliation precision per threshold; NaN where nothing is predicted."""
    starts, ends = series.events
    n, t = series.n, N_ORACLE_THRESHOLDS
    centers = (np.arange(n)[:, None] + np.array([0.25, 0.75])).ravel()  # half-cells
    zone = np.searchsorted(zones, centers, side="right") - 1
    a, b1 = starts[zone], ends[zone] + 1.0
    lo, hi = zones[zone], zones[zone + 1]
    m = np.minimum(a - lo, hi - b1)
    d = np.maximum(a - centers, 0) + np.maximum(centers - b1, 0)
    f = np.where(d > 0, 1 - (np.minimum(d, m) + d + (b1 - a)) / (hi - lo), 1.0)
    rank = np.repeat(series.oracle_rank, 2)
    g = starts.size
    mass = count_above(rank, t, weights=0.5 * f, groups=zone, n_groups=g)
    length = count_above(rank, t, weights=np.full(rank.size, 0.5), groups=zone, n_groups=g)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_zone = np.where(length > 0, mass / length, np.nan)
    seen = length > 0
    with np.errstate(invalid="ignore"):
        return np.where(seen.any(axis=0), np.nansum(per_zone, axis=0) / seen.sum(axis=0), np.nan)


def _left_outside(rank, starts, zone_lo, t: int) -> np.ndarray:
    """(G, T) right edge i+1 of the nearest point i predicted at threshold k left of each event, inside
    its zone; 0 if none. Outward running maxima of rank, one searchsorted for all (event, threshold)."""
    first = np.floor(zone_lo).astype(np.int64)  # leftmost point whose interval meets the zone
    lengths = starts - first
    owner = np.repeat(np.arange(starts.size), lengths)
    offsets = np.r_[0, np.cumsum(lengths)]
    outward = starts[owner] - 1 - (np.arange(offsets[-1]) - offsets[owner])
    step = t + 2  # offsets per event keep the running maximum from crossing events
    running = np.maximum.accumulate(rank[outward] + owner * step) if outward.size else outward
    queries = np.arange(starts.size)[:, None] * step + np.arange(t)[None, :]
    skipped = np.searchsorted(running, queries, side="right") - offsets[:-1, None]
    return np.where(skipped < lengths[:, None], starts[:, None] - skipped, 0)


def _nearest_left(rank, starts, ends, outside: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """(K, P) right edge i+1 of the nearest point i < p predicted at threshold ks, per event point p
    (events laid end to end), within its zone; 0 if none."""
    points, owner, first = event_points(Segments(starts, ends))
    big = rank.size + 2  # offsets per event keep the running maximum from crossing events
    col = np.arange(points.size) + owner + 1  # each event's block is [its outside edge, its points]
    columns = np.empty((ks.size, points.size + starts.size), np.int64)
    columns[:, first + np.arange(starts.size)] = outside[:, ks].T + np.arange(starts.size) * big
    columns[:, col] = np.where(rank[points][None, :] > ks[:, None], points + 1, 0) + owner * big
    return np.maximum.accumulate(columns, axis=1)[:, col - 1] - owner * big


def _recall(series: Series, zones: np.ndarray) -> np.ndarray:
    """(T,) affiliation recall per threshold."""
    n, t = series.n, N_ORACLE_THRESHOLDS
    rank = series.oracle_rank
    starts, ends = series.events
    mirror = (rank[::-1], n - 1 - ends[::-1], n - 1 - starts[::-1])  # right neighbours = left ones, mirrored
    out_left = _left_outside(rank, starts, zones[:-1], t)
    out_right = _left_outside(mirror[0], mirror[1], n - zones[1:][::-1], t)
    hit_inside = segment_reduce(np.maximum, rank, series.events)
    in_zone = (out_left > 0) | (out_right[::-1] > 0) | (hit_inside[:, None] > np.arange(t))  # (G, T)

    points, owner, first = event_points(Segments(starts, ends))
    lo, hi = zones[owner], zones[owner + 1]
    quarters = points[:, None] + np.array([0.125, 0.375, 0.625, 0.875])  # (P, 4)
    edge = np.minimum(quarters - lo[:, None], hi[:, None] - quarters)
    far = 4.0 * n  # "no prediction on this side": farther than any real one
    total = np.zeros((starts.size, t))
    step = max(1, _CHUNK_CELLS // points.size)
    for k0 in range(0, t, step):
        ks = np.arange(k0, min(t, k0 + step))
        left = _nearest_left(rank, starts, ends, out_left, ks)
        right = n - _nearest_left(*mirror, out_right, ks)[:, ::-1]
        left = np.where(left > 0, left, -far)[:, :, None]
        right = np.where(right < n, right, far)[:, :, None]
        dist = np.minimum(quarters - left, right - quarters)  # (K, P, 4)
        prob = 1 - (np.minimum(dist, edge) + dist) / (hi - lo)[:, None]
        cell = np.where(rank[points][None, :] > ks[:, None], 1.0, prob.mean(axis=2))  # (K, P)
        total[:, ks] = np.add.reduceat(cell, first, axis=1).T
    return np.mean(np.where(in_zone, total / (ends - starts + 1)[:, None], 0.0), axis=0)


def affiliation_f_of(series: Series) -> float:
    """Affiliation-F (oracle) of a Series with both classes; see `affiliation_f`."""
    zones = _zones(series)
    precision, recall = _precision(series, zones), _recall(series, zones)
    f = 2 * precision * recall / (precision + recall + EVENT_F1_EPS)
    return float(np.nanmax(f)) if np.any(np.isfinite(f)) else 0.0


def affiliation_f(labels, scores) -> float:
    """ORACLE: best affiliation F-score over TSB-AD's 100 thresholds (score > threshold).

    Thresholds where nothing is predicted (precision undefined) are skipped; a constant score gives 0.

    Args: labels (n,) 0/1; scores (n,) float.
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Huet, Navarro & Rossi, "Local Evaluation of Time Series Anomaly Detection
    Algorithms", KDD 2022.
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "Affiliation-F") else affiliation_f_of(series)

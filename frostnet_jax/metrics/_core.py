"""Input checks and the per-series work every metric shares (sorting, segments, threshold ranks)."""
from __future__ import annotations

import warnings
from functools import cached_property
from typing import NamedTuple

import numpy as np

from frostnet_jax.errors import ConfigError, DataError

N_VUS_THRESHOLDS = 250  # TSB-AD's `thre`: VUS thresholds at evenly spaced ranks of the sorted scores
N_ORACLE_THRESHOLDS = 100  # TSB-AD's sweep for PA/Event/Range/Affiliation: linspace(min, max, 100)


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for these labels (no anomaly or no normal point) and was returned as NaN."""


class Segments(NamedTuple):
    """Maximal runs of anomalous points, inclusive bounds."""

    starts: np.ndarray  # (E,) int64, first index of each event
    ends: np.ndarray  # (E,) int64, last index of each event


def segments_of(mask: np.ndarray) -> Segments:
    """Events of a boolean (n,) mask as inclusive [start, end] pairs."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return Segments(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1)


def segment_reduce(ufunc: np.ufunc, values: np.ndarray, events: Segments) -> np.ndarray:
    """(E,) ufunc-reduction (e.g. np.maximum) of `values` over each event's inclusive range."""
    bounds = np.column_stack([events.starts, events.ends + 1]).ravel()
    if bounds[-1] == values.size:
        bounds = bounds[:-1]
    return ufunc.reduceat(values, bounds)[::2]


def event_points(events: Segments) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points (P,), owner event (P,), first position of each event (E,)) of events laid end to end."""
    lengths = events.ends - events.starts + 1
    first = np.r_[0, np.cumsum(lengths)[:-1]]
    owner = np.repeat(np.arange(lengths.size), lengths)
    return events.starts[owner] + np.arange(lengths.sum()) - first[owner], owner, first


def check_labels_scores(labels, scores) -> tuple[np.ndarray, np.ndarray]:
    """Validated (bool (n,), float64 (n,)) from user arrays; raises DataError with the fix."""
    y = np.asarray(labels)
    s = np.asarray(scores)
    if y.ndim != 1 or s.ndim != 1:
        raise DataError(f"labels and scores must be 1-D arrays (one per timestamp); got shapes {y.shape} "
                        f"and {s.shape}. Flatten or select one channel first.")
    if y.shape != s.shape:
        raise DataError(f"labels ({y.size}) and scores ({s.size}) differ in length; align the scores to the "
                        "timestamps of the labels (one score per timestamp).")
    if y.size < 2:
        raise DataError(f"need at least 2 timestamps to evaluate; got {y.size}.")
    if not (np.issubdtype(s.dtype, np.number) or s.dtype == bool):
        raise DataError(f"scores must be numeric; got dtype {s.dtype}.")
    s = s.astype(np.float64)
    if not np.all(np.isfinite(s)):
        bad = np.flatnonzero(~np.isfinite(s))
        raise DataError(f"scores contain {bad.size} NaN or infinite values (first at index {bad[0]}); "
                        "fix the detector or impute before evaluating.")
    if y.dtype != bool:
        if not np.issubdtype(y.dtype, np.number) or not np.all((y == 0) | (y == 1)):
            seen = np.unique(y)[:5]
            raise DataError(f"labels must be 0/1 (or bool); found values {seen.tolist()}. "
                            "Binarise them (anomaly = 1) first.")
    return y.astype(bool), s


def check_window(window, n: int) -> int:
    """The VUS window as an int in [0, n]; ConfigError for a bad value, DataError when it exceeds the series."""
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise ConfigError(f"window must be a non-negative integer; got {window!r}. Use resolve_window() "
                          "to turn a rule such as 'period' into an integer.")
    if window < 0:
        raise ConfigError(f"window must be >= 0; got {window}.")
    if window > n:
        raise DataError(f"window {window} is larger than the series ({n} points); use a smaller window.")
    return int(window)


def undefined(y: np.ndarray, what: str) -> bool:
    """True (with an UndefinedMetricWarning) when labels hold no anomaly or no normal point."""
    n_pos = int(y.sum())
    if 0 < n_pos < y.size:
        return False
    kind = "no anomalous" if n_pos == 0 else "no normal"
    warnings.warn(f"{what} is undefined: the labels have {kind} point; returning NaN. Tables exclude it "
                  "from means.", UndefinedMetricWarning, stacklevel=3)
    return True


def count_above(values: np.ndarray, n_bins: int, weights=None, groups=None, n_groups: int = 1) -> np.ndarray:
    """out[g, k] = sum of weights of items of group g with value > k, for k in 0..n_bins-1.

    Args: values (m,) ints in [0, n_bins]; weights (m,) or None (counts); groups (m,) ints or None.
    Returns: (n_groups, n_bins) float64.
    """
    g = np.zeros(values.size, np.int64) if groups is None else groups
    hist = np.bincount(g * (n_bins + 1) + values, weights, n_groups * (n_bins + 1))
    tail = np.cumsum(hist.reshape(n_groups, n_bins + 1)[:, ::-1], axis=1)[:, ::-1]
    return tail[:, 1:]


class Series:
    """One validated (labels, scores) pair and the work its metrics share, computed once on demand."""

    def __init__(self, labels, scores):
        self.y, self.s = check_labels_scores(labels, scores)
        self.n = self.y.size
        self.n_pos = int(self.y.sum())
        self.memo: dict = {}  # results shared between metrics, e.g. both VUS values of one window

    @cached_property
    def events(self) -> Segments:
        """Anomaly events of the labels."""
        return segments_of(self.y)

    @cached_property
    def point_curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tps, fps, thresholds) at each distinct score, descending, as scikit-learn's _binary_clf_curve."""
        order = np.argsort(-self.s, kind="stable")
        s_sorted = self.s[order]
        last = np.r_[np.flatnonzero(np.diff(s_sorted)), self.n - 1]
        tps = np.cumsum(self.y[order], dtype=np.float64)[last]
        return tps, (last + 1) - tps, s_sorted[last]

    @cached_property
    def oracle_rank(self) -> np.ndarray:
        """(n,) int: point i is predicted (score > threshold k) for the oracle thresholds k < rank[i].

        The thresholds are TSB-AD's linspace(min, max, 100); rank[i] = how many of them lie below s[i].
        """
        thresholds = np.linspace(self.s.min(), self.s.max(), N_ORACLE_THRESHOLDS)
        return np.searchsorted(thresholds, self.s, side="left")

"""Evaluation metrics: pure functions ``f(labels, scores, **params) -> float`` in float64.

VUS-PR is the headline. Every value equals TSB-AD 1.5's `get_metrics` (version 'opt', thre=250) or
scikit-learn to 1e-9 on the reference vectors in tests/data. Metrics marked ORACLE pick the best of many
thresholds with the test labels: they are upper bounds, labelled "(oracle)" in every table.

Undefined input: labels with no anomaly or no normal point make every metric here NaN, with an
`UndefinedMetricWarning`; tables exclude NaN from means and say so. Malformed input (NaN or infinite
scores, length mismatch, labels not 0/1, a window < 0 or longer than the series) raises DataError or
ConfigError instead.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np

from frostnet_jax.errors import ConfigError, unknown_name_message
from frostnet_jax.metrics._core import Series, UndefinedMetricWarning, check_window
from frostnet_jax.metrics.affiliation import affiliation_f, affiliation_f_of
from frostnet_jax.metrics.events import event_f1, event_f1_of, pa_f1, pa_f1_of, range_f1, range_f1_of
from frostnet_jax.metrics.operating import operating_point, reconstruction_mae, reconstruction_rmse
from frostnet_jax.metrics.ranking import (auc_pr, auc_pr_of, auc_roc, auc_roc_of, best_f1, best_f1_of,
                                          best_f1_threshold_of)
from frostnet_jax.metrics.vus import volumes_of, vus_pr, vus_roc
from frostnet_jax.metrics.window import DEFAULT_WINDOW, WINDOW_RULES, dominant_period, resolve_window

HEADLINE = "vus_pr"


class MetricSpec(NamedTuple):
    """One threshold-free metric as the runner and the tables see it."""

    name: str  # key in METRICS and in stored results
    fn: Callable[..., float]  # fn(labels, scores, **params) -> float
    label: str  # column header; oracle metrics end in "(oracle)"
    oracle: bool  # best over thresholds picked with the test labels: an upper bound
    uses_window: bool  # takes `window`; tables must show it
    description: str


METRICS: dict[str, MetricSpec] = {s.name: s for s in (
    MetricSpec("vus_pr", vus_pr, "VUS-PR", False, True,
               "Volume under the range-PR surface over windows 0..W (headline; Paparrizos et al. 2022)"),
    MetricSpec("vus_roc", vus_roc, "VUS-ROC", False, True,
               "Volume under the range-ROC surface over windows 0..W (Paparrizos et al. 2022)"),
    MetricSpec("auc_pr", auc_pr, "AUC-PR", False, False, "Point-wise average precision"),
    MetricSpec("auc_roc", auc_roc, "AUC-ROC", False, False, "Point-wise ROC AUC"),
    MetricSpec("best_f1", best_f1, "Best-F1 (oracle)", True, False,
               "Best point-wise F1 over all thresholds, chosen on test labels"),
    MetricSpec("pa_f1", pa_f1, "PA-F1 (oracle)", True, False,
               "Best point-adjusted F1; inflates, report with care"),
    MetricSpec("event_f1", event_f1, "Event-F1 (oracle)", True, False,
               "Best F1 of event recall and point precision"),
    MetricSpec("range_f1", range_f1, "Range-F1 (oracle)", True, False,
               "Best range-based F1 (Tatbul et al. 2018, alpha 0.2, flat bias)"),
    MetricSpec("affiliation_f", affiliation_f, "Affiliation-F (oracle)", True, False,
               "Best affiliation F-score (Huet et al. 2022)"),
)}

_OF_SERIES: dict[str, Callable[[Series, int], float]] = {
    "vus_pr": lambda s, w: volumes_of(s, w).pr,
    "vus_roc": lambda s, w: volumes_of(s, w).roc,
    "auc_pr": lambda s, w: auc_pr_of(s),
    "auc_roc": lambda s, w: auc_roc_of(s),
    "best_f1": lambda s, w: best_f1_of(s),
    "pa_f1": lambda s, w: pa_f1_of(s),
    "event_f1": lambda s, w: event_f1_of(s),
    "range_f1": lambda s, w: range_f1_of(s),
    "affiliation_f": lambda s, w: affiliation_f_of(s),
}


def compute_metrics(labels, scores, names: Iterable[str] = tuple(METRICS), window: int = DEFAULT_WINDOW
                    ) -> dict[str, float]:
    """Several threshold-free metrics of one series at once, sharing the sort and the VUS surfaces.

    Args: labels (n,) 0/1; scores (n,) float; names: keys of METRICS; window: VUS window (an int;
      use resolve_window for a rule); checked only when a metric in `names` uses it.
    Returns: {name: value} in the order of `names`; all NaN, with one UndefinedMetricWarning, when the
      labels hold no anomaly or no normal point.
    """
    names = list(names)
    for name in names:
        if name not in METRICS:
            raise ConfigError(unknown_name_message("metric", name, METRICS))
    series = Series(labels, scores)
    if any(METRICS[name].uses_window for name in names):
        check_window(window, series.n)
    if series.n_pos in (0, series.n):
        kind = "no anomalous" if series.n_pos == 0 else "no normal"
        warnings.warn(f"Metrics {', '.join(names)} are undefined: the labels have {kind} point; returning "
                      "NaN. Tables exclude it from means.", UndefinedMetricWarning, stacklevel=2)
        return {name: np.nan for name in names}
    return {name: _OF_SERIES[name](series, window) for name in names}


def oracle_f1_threshold(labels, scores) -> float:
    """ORACLE: the threshold (alarm where score >= it) of the best point-wise F1; an upper bound only."""
    series = Series(labels, scores)
    if series.n_pos in (0, series.n):
        raise ConfigError("the oracle threshold needs labels with both anomalous and normal points.")
    return best_f1_threshold_of(series)


__all__ = [
    "METRICS", "HEADLINE", "MetricSpec", "compute_metrics", "operating_point", "resolve_window", "WINDOW_RULES",
    "DEFAULT_WINDOW", "dominant_period", "UndefinedMetricWarning", "oracle_f1_threshold",
    "auc_pr", "auc_roc", "vus_pr", "vus_roc", "best_f1", "pa_f1", "event_f1", "range_f1", "affiliation_f",
    "reconstruction_mae", "reconstruction_rmse",
]

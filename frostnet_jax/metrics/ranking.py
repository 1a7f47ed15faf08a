"""Point-wise threshold-free metrics: AUC-PR, AUC-ROC, and the oracle best F1, from one sort."""
from __future__ import annotations

import numpy as np

from frostnet_jax.metrics._core import Series, undefined

F1_EPS = 1e-5  # TSB-AD's Standard-F1 adds 1e-5 to the denominator of 2PR/(P+R); kept to match it


def auc_pr_of(series: Series) -> float:
    """AUC-PR of a Series with both classes; see `auc_pr`."""
    tps, fps, _ = series.point_curve
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def auc_roc_of(series: Series) -> float:
    """AUC-ROC of a Series with both classes; see `auc_roc`."""
    tps, fps, _ = series.point_curve
    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def _f1_curve(series: Series) -> tuple[np.ndarray, np.ndarray]:
    """(f1 at each distinct threshold (m,), thresholds (m,)); prediction is score >= threshold."""
    tps, fps, thresholds = series.point_curve
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return 2 * precision * recall / (precision + recall + F1_EPS), thresholds


def best_f1_of(series: Series) -> float:
    """Best-F1 (oracle) of a Series with both classes; see `best_f1`."""
    f1, _ = _f1_curve(series)
    return float(max(f1.max(), 0.0))


def best_f1_threshold_of(series: Series) -> float:
    """ORACLE threshold (alarm where score >= it) reaching `best_f1_of`."""
    f1, thresholds = _f1_curve(series)
    return float(thresholds[np.argmax(f1)])


def auc_pr(labels, scores) -> float:
    """Area under the precision-recall curve (average precision), equal to scikit-learn's.

    Args: labels (n,) 0/1; scores (n,) float, higher = more anomalous.
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: scikit-learn `average_precision_score`.
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "AUC-PR") else auc_pr_of(series)


def auc_roc(labels, scores) -> float:
    """Area under the ROC curve, equal to scikit-learn's `roc_auc_score` (ties count one half).

    Args: labels (n,) 0/1; scores (n,) float, higher = more anomalous.
    Returns: float in [0, 1]; NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Hanley & McNeil, Radiology 1982.
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "AUC-ROC") else auc_roc_of(series)


def best_f1(labels, scores) -> float:
    """ORACLE: the best point-wise F1 over all thresholds (picked with the test labels).

    An upper bound on what any threshold fitted without labels can reach; report it as an oracle.
    Matches TSB-AD's Standard-F1, including its 1e-5 in the denominator of 2PR/(P+R).

    Args: labels (n,) 0/1; scores (n,) float.
    Returns: float in [0, 1); NaN with an UndefinedMetricWarning if labels are all 0 or all 1.
    References: Paparrizos et al., "TSB-UAD", VLDB 2022; Liu et al., "The Elephant in the Room"
    (TSB-AD), NeurIPS 2024.
    """
    series = Series(labels, scores)
    return np.nan if undefined(series.y, "Best-F1") else best_f1_of(series)

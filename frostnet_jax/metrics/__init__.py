"""Evaluation metrics: pure functions ``f(labels, scores, **params) -> float`` in float64."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from frostnet_jax.errors import DataError


def _check(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or y.ndim != 1:
        raise DataError(f"labels {y.shape} and scores {s.shape} must be 1-D of the same length.")
    return y.astype(np.int64), s


def auc_pr(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the precision-recall curve (average precision, as scikit-learn)."""
    y, s = _check(labels, scores)
    return float(average_precision_score(y, s))


def auc_roc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (as scikit-learn's roc_auc_score)."""
    y, s = _check(labels, scores)
    return float(roc_auc_score(y, s))

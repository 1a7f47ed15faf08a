"""Thresholds fitted on validation scores only (never on test labels)."""
from __future__ import annotations

import numpy as np

from frostnet_jax.errors import ConfigError


def quantile_threshold(val_scores: np.ndarray, q: float = 0.99) -> float:
    """The q-quantile of validation scores."""
    if not 0 < q < 1:
        raise ConfigError(f"quantile q must be in (0, 1); got {q}.")
    return float(np.quantile(np.asarray(val_scores, dtype=np.float64), q))

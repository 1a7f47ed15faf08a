"""Preprocessing: fill gaps (returning a mask) and scale with training statistics only."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from frostnet_jax.data.dataset import Dataset
from frostnet_jax.errors import ConfigError, DataError


def fill_missing(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN/inf by linear interpolation in time (edges: nearest observed value).

    Args:
      values: (T, D) or (T,) float.
    Returns:
      filled (T, D) float64 without NaN, and observed (T,) bool mask
      (True where every channel was finite).
    Raises:
      DataError: a channel has no finite value at all.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    finite = np.isfinite(x)
    filled = x.copy()
    t = np.arange(x.shape[0])
    for d in range(x.shape[1]):
        ok = finite[:, d]
        if not ok.any():
            raise DataError(f"channel {d} has no finite value (all NaN/inf); nothing to fill from. "
                            "Drop the channel or load the right column.")
        if not ok.all():
            filled[:, d] = np.interp(t, t[ok], x[ok, d])
    return filled, finite.all(axis=1)


class ScalerStats(NamedTuple):
    """Affine scaler `(x - shift) / scale`, fitted on training data. Fields: (D,) each."""

    shift: np.ndarray
    scale: np.ndarray


def fit_scaler(x_train: np.ndarray, kind: str = "minmax") -> ScalerStats:
    """Fit a scaler on training data only.

    Args:
      x_train: (T, D) finite values.
      kind: "minmax" (to [0, 1], the original's), "standard" or "robust" (median / IQR).
    A zero-spread channel gets scale 1, so a constant series never divides by zero.
    """
    x = np.asarray(x_train, dtype=np.float64)
    if kind == "minmax":
        shift, spread = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
    elif kind == "standard":
        shift, spread = x.mean(axis=0), x.std(axis=0)
    elif kind == "robust":
        q1, med, q3 = np.percentile(x, [25, 50, 75], axis=0)
        shift, spread = med, q3 - q1
    elif kind == "none":
        shift, spread = np.zeros(x.shape[1]), np.ones(x.shape[1])
    else:
        raise ConfigError(f"Unknown scaler {kind!r}; use 'minmax', 'standard', 'robust' or 'none'.")
    spread = np.where(spread > 0, spread, 1.0)
    return ScalerStats(shift=shift, scale=spread)


def apply_scaler(x: np.ndarray, stats: ScalerStats) -> np.ndarray:
    """(T, D) -> (T, D) scaled with fitted statistics."""
    return (np.asarray(x, dtype=np.float64) - stats.shift) / stats.scale


def prepare(dataset: Dataset, scaler: str = "minmax") -> tuple[np.ndarray, np.ndarray]:
    """Model-ready values: gaps filled, scaled with statistics of the train split.

    Returns:
      x (T, D) float64 without NaN, observed (T,) bool mask.
    """
    if not np.isfinite(dataset.values[dataset.split("train")]).any():
        raise DataError(f"dataset {dataset.name!r}: the training split has no finite value.")
    filled, observed = fill_missing(dataset.values)
    stats = fit_scaler(filled[dataset.split("train")], scaler)
    return apply_scaler(filled, stats), observed

"""Preprocessing: data-quality summary, duplicates, resampling, gaps, scaling on train only.

Typical irregular log: ``drop_duplicates`` -> ``resample`` (regular grid, NaN
where no sample) -> ``interpolate_gaps`` (short gaps filled, long ones marked)
-> ``prepare`` / ``fill_missing`` + scaler fitted on the train split.
``regularize`` does the first three on a whole Dataset, labels included.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

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
    A (numerically) zero-spread channel gets scale 1, so a constant series never
    divides by zero: `std` of a constant can be ~1e-15 from rounding, not 0.
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
    tiny = 1e-12 * np.maximum(1.0, np.abs(shift))
    spread = np.where(spread > tiny, spread, 1.0)
    return ScalerStats(shift=shift, scale=spread)


def apply_scaler(x: np.ndarray, stats: ScalerStats) -> np.ndarray:
    """(T, D) -> (T, D) scaled with fitted statistics."""
    return (np.asarray(x, dtype=np.float64) - stats.shift) / stats.scale


def prepare(dataset: Dataset, scaler: str = "minmax") -> tuple[np.ndarray, np.ndarray]:
    """Model-ready values: gaps filled, scaled with statistics of the train split.

    The train split is filled from itself alone, so no later value leaks into
    training; the rest is filled with the last training row as its left anchor.

    Returns:
      x (T, D) float64 without NaN, observed (T,) bool mask.
    """
    if not np.isfinite(dataset.values[dataset.split("train")]).any():
        raise DataError(f"dataset {dataset.name!r}: the training split has no finite value.")
    train, _ = fill_missing(dataset.values[dataset.split("train")])
    rest, _ = fill_missing(np.vstack([train[-1:], dataset.values[dataset.train_end:]]))
    filled = np.vstack([train, rest[1:]])
    stats = fit_scaler(train, scaler)
    return apply_scaler(filled, stats), np.isfinite(dataset.values).all(axis=1)


def quality_summary(timestamps: np.ndarray, values: np.ndarray, gap_factor: float = 1.5) -> dict[str, Any]:
    """Data-quality facts of a series.

    Args:
      timestamps: (T,) datetime64.
      values: (T, D) or (T,) float.
      gap_factor: a step longer than gap_factor x the median step is a gap.
    Returns:
      dict with n, channels, missing (per channel), duplicate_timestamps,
      out_of_order (steps back in time), median_step, gaps, largest_gap,
      constant_channels (zero spread over finite values).
    """
    ts = np.asarray(timestamps, dtype="datetime64[ns]")
    x = np.asarray(values, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    steps = np.diff(ts)
    forward = steps[steps > np.timedelta64(0, "ns")]
    median = np.median(forward.astype(np.int64)).astype("timedelta64[ns]") if forward.size else None
    gaps = forward[forward > gap_factor * median] if median is not None else forward[:0]
    finite = np.isfinite(x)
    spread = [float(np.ptp(x[finite[:, d], d])) if finite[:, d].any() else 0.0 for d in range(x.shape[1])]
    return {
        "n": int(x.shape[0]), "channels": int(x.shape[1]),
        "missing": [int(m) for m in (~finite).sum(axis=0)],
        "duplicate_timestamps": int(ts.size - np.unique(ts).size),
        "out_of_order": int((steps < np.timedelta64(0, "ns")).sum()),
        "median_step": str(pd.Timedelta(median)) if median is not None else None,
        "gaps": int(gaps.size), "largest_gap": str(pd.Timedelta(gaps.max())) if gaps.size else None,
        "constant_channels": [d for d, sp in enumerate(spread) if sp == 0.0],
    }


def drop_duplicates(timestamps: np.ndarray, values: np.ndarray, keep: str = "first"
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Sort by time (stable) and keep one row per timestamp, deterministically.

    Args:
      timestamps: (T,) datetime64; values: (T, D) or (T,).
      keep: "first" or "last" row in file order, or "mean" of the rows (NaN ignored).
    Returns:
      unique sorted timestamps (U,), values (U, D).
    """
    ts = np.asarray(timestamps, dtype="datetime64[ns]")
    x = np.asarray(values, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    order = np.argsort(ts, kind="stable")
    ts, x = ts[order], x[order]
    uniq, first, inverse = np.unique(ts, return_index=True, return_inverse=True)
    if keep == "first":
        return uniq, x[first]
    if keep == "last":
        return uniq, x[np.r_[first[1:], ts.size] - 1]
    if keep == "mean":
        return uniq, _group_mean(inverse, x, uniq.size)
    raise ConfigError(f"keep={keep!r}; use 'first', 'last' or 'mean'.")


def _group_mean(groups: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """(G, D) mean of the finite rows of x (T, D) per group id (T,); NaN for empty groups."""
    finite = np.isfinite(x)
    out = np.full((n_groups, x.shape[1]), np.nan)
    for d in range(x.shape[1]):
        total = np.bincount(groups[finite[:, d]], weights=x[finite[:, d], d], minlength=n_groups)
        count = np.bincount(groups[finite[:, d]], minlength=n_groups)
        out[:, d] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def _grid(timestamps: np.ndarray, step: np.timedelta64 | str | None) -> tuple[np.ndarray, np.ndarray, int]:
    """Regular grid (G,) over sorted timestamps, each sample's grid slot (T,), and the step in ns."""
    ts = np.asarray(timestamps, dtype="datetime64[ns]")
    if ts.size < 2 or (np.diff(ts) < np.timedelta64(0, "ns")).any():
        raise DataError("resample needs at least 2 timestamps in time order; sort them "
                        "(drop_duplicates sorts) first.")
    step_ns = int(np.median(np.diff(ts).astype(np.int64)) if step is None else pd.Timedelta(step).value)
    if step_ns <= 0:
        raise DataError(f"resample step must be positive; got {step!r} (duplicate timestamps? "
                        "drop them first).")
    slot = ((ts - ts[0]).astype(np.int64) + step_ns // 2) // step_ns
    grid = ts[0] + (np.arange(slot[-1] + 1) * step_ns).astype("timedelta64[ns]")
    return grid, slot, step_ns


def resample(timestamps: np.ndarray, values: np.ndarray, step: np.timedelta64 | str | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Put an irregular series on a regular grid; grid points without a sample are NaN.

    Each sample goes to its nearest grid point (rounding half up); several
    samples on one point are averaged.
    Args:
      timestamps: (T,) sorted datetime64 (use `drop_duplicates` first).
      values: (T, D) or (T,).
      step: grid step, e.g. "1min" (default: the median step).
    Returns:
      grid (G,) datetime64[ns], values (G, D) with NaN, observed (G,) bool.
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    grid, slot, _ = _grid(timestamps, step)
    out = _group_mean(slot, x, grid.size)
    return grid, out, np.isfinite(out).all(axis=1)


def regularize(dataset: Dataset, step: np.timedelta64 | str | None = None, keep: str = "first",
               max_gap: int = 0) -> Dataset:
    """`dataset` on a regular time grid, ready for the suite.

    Duplicate timestamps are resolved by `keep` (see `drop_duplicates`), values
    resampled to `step` (default: median step), gaps of at most `max_gap`
    points interpolated; longer gaps stay NaN (``prepare`` fills and masks
    them). A grid point is anomalous if any row that falls on it is, with the
    type of the earliest such row; a point no row falls on is missing and
    normal. Split boundaries keep their times.
    """
    ts = dataset.timestamps
    uniq, values = drop_duplicates(ts, dataset.values, keep)
    grid, _, step_ns = _grid(uniq, step)
    out = _group_mean(((uniq - grid[0]).astype(np.int64) + step_ns // 2) // step_ns, values, grid.size)
    long_gap = np.zeros(grid.size, dtype=bool)
    if max_gap > 0:
        out, long_gap = interpolate_gaps(out, max_gap)
    slot = ((ts - grid[0]).astype(np.int64) + step_ns // 2) // step_ns
    labels = np.zeros(grid.size, dtype=np.int8)
    np.maximum.at(labels, slot, dataset.labels)
    rows = np.argsort(ts, kind="stable")
    rows = rows[dataset.labels[rows] == 1]
    atype = np.full(grid.size, "normal", dtype=object)
    first_slots, first = np.unique(slot[rows], return_index=True)
    atype[first_slots] = dataset.anomaly_type[rows[first]]
    train_end, val_end = (int(np.searchsorted(grid, ts[i])) for i in (dataset.train_end, dataset.val_end))
    return Dataset(
        name=dataset.name, values=out, labels=labels, timestamps=grid, anomaly_type=atype,
        unit=dataset.unit, train_end=max(train_end, 1), val_end=min(max(val_end, train_end, 1), grid.size - 1),
        seed=dataset.seed,
        meta={**dataset.meta, "regularized": {"step": str(pd.Timedelta(step_ns)), "keep": keep,
                                              "max_gap": max_gap, "long_gap_points": int(long_gap.sum())}},
    )


def interpolate_gaps(values: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Linearly interpolate runs of at most `max_gap` missing points; leave longer runs NaN.

    Args:
      values: (T, D) or (T,) with NaN where missing.
      max_gap: longest run (in samples) to fill; runs touching an edge are filled
        with the nearest value when short.
    Returns:
      values (T, D) with short gaps filled, long_gap (T,) bool (True inside a run
      longer than max_gap in any channel).
    """
    x = np.array(values, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    long_gap = np.zeros(x.shape[0], dtype=bool)
    t = np.arange(x.shape[0])
    for d in range(x.shape[1]):
        missing = ~np.isfinite(x[:, d])
        if missing.all():
            raise DataError(f"channel {d} has no finite value; nothing to interpolate from.")
        edges = np.diff(np.r_[0, missing.astype(np.int8), 0])
        run_id = np.cumsum(edges[:-1] == 1) * missing
        lengths = np.bincount(run_id)[run_id]
        short = missing & (lengths <= max_gap)
        x[short, d] = np.interp(t[short], t[~missing], x[~missing, d])
        long_gap |= missing & ~short
    return x, long_gap

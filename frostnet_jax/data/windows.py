"""Sliding windows and the one window-to-timestamp alignment every windowed detector uses.

Alignment rule: the score of timestamp t is the mean of the errors of every
window that covers t (windows start at multiples of `stride`; the last window
always ends at T-1, so every point, the first ones included, is covered).
"""
from __future__ import annotations

import numpy as np

from frostnet_jax.errors import DataError


def window_starts(n: int, window: int, stride: int = 1) -> np.ndarray:
    """Start indices (K,) of windows of length `window` over n points; the last ends at n-1."""
    if window < 1 or stride < 1:
        raise DataError(f"window ({window}) and stride ({stride}) must be positive integers.")
    if n < window:
        raise DataError(f"series of {n} points is shorter than the window ({window}); "
                        "use a longer series or a smaller window.")
    starts = np.arange(0, n - window + 1, stride)
    if starts[-1] != n - window:
        starts = np.append(starts, n - window)
    return starts


def sliding_windows(x: np.ndarray, window: int, stride: int = 1) -> np.ndarray:
    """Windows of x: (T, D) -> (K, window, D), a copy, K = len(window_starts)."""
    x = np.asarray(x)
    starts = window_starts(x.shape[0], window, stride)
    return x[starts[:, None] + np.arange(window)[None, :]]


def windows_to_timestamps(errors: np.ndarray, n: int, window: int, stride: int = 1) -> np.ndarray:
    """Spread per-window (K,) or per-window-step (K, window) errors back to (n,) timestamp scores.

    A (K,) error is given to every point of its window; a (K, window) error
    gives each point its own step's error. Each timestamp gets the mean over
    the windows that cover it.
    """
    starts = window_starts(n, window, stride)
    errors = np.asarray(errors, dtype=np.float64)
    if errors.shape[0] != starts.size:
        raise DataError(f"got {errors.shape[0]} window errors for {starts.size} windows.")
    if errors.ndim == 1:
        errors = np.repeat(errors[:, None], window, axis=1)
    idx = (starts[:, None] + np.arange(window)[None, :]).ravel()
    total = np.bincount(idx, weights=errors.ravel(), minlength=n)
    count = np.bincount(idx, minlength=n)
    return total / count

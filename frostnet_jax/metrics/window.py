"""The VUS window: a fixed integer or a named rule computed from the series, always recorded as an int."""
from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from frostnet_jax.errors import ConfigError, DataError, unknown_name_message

DEFAULT_WINDOW = 100  # TSB-AD's get_metrics default slidingWindow
MIN_PERIOD, MAX_PERIOD = 3, 1000  # lags searched for a period, in samples
MIN_PERIOD_ACF = 0.1  # an autocorrelation peak below this is no period


def dominant_period(values) -> int | None:
    """Lag of the highest autocorrelation peak in [3, min(n//2, 1000)], or None if there is none.

    Args: values (n,) or (n, d) raw series; a 2-D series uses its first channel; NaN (dropouts) count as
      the mean.
    Returns: the period in samples, or None when no peak reaches autocorrelation 0.1.
    References: the same rule as TSB-AD's find_length_rank (Liu et al., NeurIPS 2024).
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[:, 0] if x.ndim == 2 else x
    finite = np.isfinite(x)
    if x.ndim != 1 or not finite.any():
        raise DataError(f"values for the 'period' window rule must be an (n,) or (n, d) array with finite "
                        f"values; got shape {np.shape(values)}.")
    x = np.where(finite, x - x[finite].mean(), 0.0)
    n = x.size
    spectrum = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[:n]
    if n < 2 * MIN_PERIOD + 2 or acf[0] <= 0:
        return None
    acf = acf / acf[0]
    lag = np.arange(MIN_PERIOD, min(n // 2, MAX_PERIOD))
    peaks = lag[(acf[lag] > acf[lag - 1]) & (acf[lag] >= acf[lag + 1])]
    if peaks.size == 0 or acf[peaks].max() < MIN_PERIOD_ACF:
        return None
    return int(peaks[np.argmax(acf[peaks])])


def _period_window(values) -> int:
    period = dominant_period(values)
    if period is None:
        warnings.warn(f"No period found in the series (no autocorrelation peak >= {MIN_PERIOD_ACF} at lags "
                      f"{MIN_PERIOD}..{MAX_PERIOD}); using window {DEFAULT_WINDOW}.", UserWarning, stacklevel=3)
        return DEFAULT_WINDOW
    return period


WINDOW_RULES: dict[str, Callable[[np.ndarray], int]] = {"period": _period_window}


def resolve_window(spec: int | str = DEFAULT_WINDOW, values=None) -> int:
    """The integer VUS window for `spec`, to be recorded with every result.

    Args:
      spec: an integer >= 0 (100 is TSB-AD's default) or a rule name: "period" = the dominant period of
        `values` by autocorrelation (lags 3..1000; falls back to 100 with a warning if there is none).
      values: (n,) or (n, d) raw series the rule reads; required for a rule.
    Returns: the window in samples.
    """
    if isinstance(spec, str):
        if spec not in WINDOW_RULES:
            raise ConfigError(unknown_name_message("window rule", spec, WINDOW_RULES)
                              + " Or give an integer window.")
        if values is None:
            raise ConfigError(f"window rule {spec!r} needs the series: pass values=...")
        return WINDOW_RULES[spec](values)
    if isinstance(spec, bool) or not isinstance(spec, (int, np.integer)) or spec < 0:
        raise ConfigError(f"window must be an integer >= 0 or a rule name ({', '.join(WINDOW_RULES)}); "
                          f"got {spec!r}.")
    return int(spec)

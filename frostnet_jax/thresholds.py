"""Alarm thresholds fitted on validation scores only (never on test labels); alarm where score >= threshold.

`fit_threshold(rule, val_scores, **params)` dispatches through THRESHOLD_RULES: "quantile", "spot"
(extreme value theory) and "fixed" (the original FrostNet's behaviour). `oracle_threshold` uses test
labels and is an upper bound for reports only, never an operating choice.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
from scipy import stats

from frostnet_jax.errors import ConfigError, DataError, unknown_name_message
from frostnet_jax.metrics import oracle_f1_threshold

MIN_PEAKS = 10  # fewer excesses than this cannot support a generalized Pareto fit


def _validation(val_scores) -> np.ndarray:
    x = np.asarray(val_scores, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise DataError(f"validation scores must be a non-empty 1-D array; got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise DataError("validation scores contain NaN or infinite values; fix the detector first.")
    return x


def quantile_threshold(val_scores, q: float = 0.99) -> float:
    """The q-quantile of the validation scores (a share 1-q of normal validation points alarms).

    Args: val_scores (m,); q in (0, 1).
    """
    if not 0 < q < 1:
        raise ConfigError(f"quantile q must be in (0, 1); got {q}.")
    return float(np.quantile(_validation(val_scores), q))


def spot_threshold(val_scores, q: float = 1e-3, level: float = 0.98) -> float:
    """SPOT: the score exceeded with probability q, from a generalized Pareto tail fit.

    The excesses of the validation scores over the initial threshold t = their `level`-quantile are fitted
    by maximum likelihood with a generalized Pareto law (shape g, scale s; scipy.stats.genpareto, location
    0); the threshold is t + s/g * ((q m / N_t)^-g - 1) (t - s log(q m / N_t) when g = 0), with m validation
    points of which N_t exceed t.

    Args: val_scores (m,); q: risk, 0 < q < 1 - level; level: initial threshold quantile in (0, 1).
    References: Siffer, Fouque, Termier & Largouet, "Anomaly Detection in Streams with Extreme Value
    Theory", KDD 2017.
    """
    if not 0 < level < 1:
        raise ConfigError(f"SPOT level must be in (0, 1); got {level}.")
    if not 0 < q < 1 - level:
        raise ConfigError(f"SPOT risk q must be in (0, 1 - level) = (0, {1 - level:g}); got {q}. A larger "
                          "risk is not in the tail: use the 'quantile' rule.")
    x = _validation(val_scores)
    t = float(np.quantile(x, level))
    excess = x[x > t] - t
    if excess.size < MIN_PEAKS or np.ptp(excess) == 0:
        raise DataError(f"SPOT found {excess.size} distinct peaks over the {level:g}-quantile of {x.size} "
                        f"validation scores; it needs at least {MIN_PEAKS}. Use more validation data, a lower "
                        "level, or the 'quantile' rule.")
    shape, _, scale = stats.genpareto.fit(excess, floc=0)
    ratio = q * x.size / excess.size
    if abs(shape) < 1e-9:
        return float(t - scale * np.log(ratio))
    return float(t + scale / shape * (ratio ** -shape - 1))


def fixed_threshold(val_scores, value: float) -> float:
    """A given threshold (the original FrostNet's behaviour); the validation scores are not used."""
    if not np.isfinite(value):
        raise ConfigError(f"fixed threshold value must be finite; got {value}.")
    return float(value)


THRESHOLD_RULES: dict[str, Callable[..., float]] = {
    "quantile": quantile_threshold,
    "spot": spot_threshold,
    "fixed": fixed_threshold,
}


def fit_threshold(rule: str, val_scores, **params) -> float:
    """Threshold from validation scores by a named rule of THRESHOLD_RULES.

    Args: rule: "quantile" (q=0.99), "spot" (q=1e-3, level=0.98) or "fixed" (value); val_scores (m,).
    Returns: the threshold; alarm where score >= threshold.
    """
    if rule not in THRESHOLD_RULES:
        raise ConfigError(unknown_name_message("threshold rule", rule, THRESHOLD_RULES))
    fn = THRESHOLD_RULES[rule]
    try:
        inspect.signature(fn).bind(val_scores, **params)
    except TypeError:
        accepted = [p for p in inspect.signature(fn).parameters if p != "val_scores"]
        raise ConfigError(f"threshold rule {rule!r} takes {', '.join(accepted) or 'no parameters'}; "
                          f"got {sorted(params)}.") from None
    return fn(val_scores, **params)


def oracle_threshold(labels, scores) -> float:
    """ORACLE: the threshold of the best point-wise F1 on the *test* labels; an upper bound, not a rule.

    Args: labels (n,) 0/1; scores (n,). Returns: threshold (alarm where score >= it).
    """
    return oracle_f1_threshold(labels, scores)

"""The detector protocol: sklearn-style `fit(x) -> self`, `score(x) -> (T,)`.

Subclasses store keyword hyperparameters in ``__init__`` and implement
``_fit(x, x_val)`` and ``_score(x)`` on validated float64 arrays of shape (T, D).
Fitted attributes end in ``_``. Scores are one float per timestamp,
higher = more anomalous.
"""
from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from frostnet_jax.errors import DataError, NotFittedError


def as_series(x: Any, *, min_length: int = 1, what: str = "x") -> np.ndarray:
    """Validate a series and return it as float64 of shape (T, D).

    Args:
      x: array-like of shape (T,) or (T, D).
      min_length: the fewest timestamps the caller can handle.
    Raises:
      DataError: wrong rank, empty, too short, non-numeric, NaN or inf.
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must be numeric; converting it to float failed ({exc}). "
                        "Parse the column as numbers first.") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise DataError(f"{what} must have shape (T,) or (T, D); got shape {arr.shape}.")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise DataError(f"{what} is empty (shape {arr.shape}); give at least {min_length} timestamps.")
    if arr.shape[0] < min_length:
        raise DataError(f"{what} has {arr.shape[0]} timestamps but this detector needs at least "
                        f"{min_length} (its window); use a longer series or a smaller window.")
    bad = ~np.isfinite(arr)
    if bad.any():
        t = int(np.argwhere(bad)[0, 0])
        kind = "NaN" if np.isnan(arr).any() else "inf"
        raise DataError(f"{what} holds {int(bad.sum())} non-finite value(s) ({kind}, first at t={t}). "
                        "Detectors never see NaN: run frostnet_jax.data.preprocess.fill_missing "
                        "(it fills gaps and returns a mask) before fit/score.")
    return arr


class Detector:
    """Base class of every detector; see the module docstring."""

    #: set by the registry decorator
    registered_name: str = ""

    def __init__(self, seed: int = 0):
        self.seed = seed

    # -- the public face -------------------------------------------------
    @property
    def min_length(self) -> int:
        """Fewest timestamps `fit` and `score` accept (a window, for windowed detectors)."""
        return 1

    def get_params(self) -> dict[str, Any]:
        """The keyword hyperparameters this detector was made with (and its seed)."""
        names = [n for n in inspect.signature(type(self).__init__).parameters if n != "self"]
        return {n: getattr(self, n) for n in names}

    def fit(self, x_train: Any, x_val: Any = None) -> Detector:
        """Fit on normal training data x_train: (T,) or (T, D). Returns self.

        x_val (optional, same D): validation data a detector may use for early
        stopping or a validation loss curve; never labels.
        """
        x = as_series(x_train, min_length=self.min_length, what="x_train")
        xv = None if x_val is None else as_series(x_val, min_length=self.min_length, what="x_val")
        if xv is not None and xv.shape[1] != x.shape[1]:
            raise DataError(f"x_val has {xv.shape[1]} feature(s), x_train has {x.shape[1]}.")
        self._fit(x, xv)
        self.n_features_ = x.shape[1]
        return self

    def fit_seeds(self, seeds: Sequence[int], x_train: Any, x_val: Any = None) -> list[Detector]:
        """One fitted copy of this detector per seed (same hyperparameters).

        The default loops; neural detectors override it to train all seeds in
        one compiled program (vmap) where that is faster (accelerators).
        """
        params = {k: v for k, v in self.get_params().items() if k != "seed"}
        return [type(self)(seed=int(s), **params).fit(x_train, x_val) for s in seeds]

    def score(self, x: Any) -> np.ndarray:
        """Anomaly scores for x: (T,) or (T, D) -> (T,) float64, higher = more anomalous."""
        if not hasattr(self, "n_features_"):
            raise NotFittedError(f"{type(self).__name__}.score was called before fit; "
                                 "call detector.fit(x_train) first.")
        arr = as_series(x, min_length=self.min_length, what="x")
        if arr.shape[1] != self.n_features_:
            raise DataError(f"x has {arr.shape[1]} feature(s) but the detector was fitted on "
                            f"{self.n_features_}; score data with the same columns.")
        scores = np.asarray(self._score(arr), dtype=np.float64)
        if scores.shape != (arr.shape[0],):
            raise RuntimeError(f"{type(self).__name__}._score returned shape {scores.shape}, "
                               f"expected ({arr.shape[0]},): a bug in the detector.")
        return scores

    # -- what subclasses implement ----------------------------------------
    def _fit(self, x: np.ndarray, x_val: np.ndarray | None) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _score(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

"""`check_detector`: the conformance check every registered detector must pass."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from frostnet_jax.detector import Detector
from frostnet_jax.errors import DataError, NotFittedError


def _series(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(0, 0.05, (n, d)), axis=0) + rng.normal(0, 0.02, (n, d))
    x[n // 2] += 3.0
    return x


def check_detector(factory: Callable[..., Detector], n: int = 200, **hyperparams: Any) -> None:
    """Run the conformance checks on detectors made by `factory(seed=..., **hyperparams)`.

    Checks: score before fit raises NotFittedError; fit returns self; score has
    shape (T,) and dtype float64 with finite values for (T,) and (T, D) input;
    the same seed gives identical scores; inputs are not mutated; NaN input and
    a too-short series raise DataError. Raises AssertionError on the first failure.
    """
    name = getattr(factory, "registered_name", getattr(factory, "__name__", repr(factory)))
    for d in (1, 2):
        x_train, x_test = _series(n, d, 1), _series(n, d, 2)
        copies = x_train.copy(), x_test.copy()
        det = factory(seed=0, **hyperparams)
        try:
            det.score(x_test)
        except NotFittedError:
            pass
        else:
            raise AssertionError(f"{name}: score before fit must raise NotFittedError")
        fitted = det.fit(x_train)
        assert fitted is det, f"{name}: fit must return self"
        s1 = det.score(x_test)
        assert isinstance(s1, np.ndarray) and s1.dtype == np.float64, f"{name}: score must be float64 ndarray"
        assert s1.shape == (n,), f"{name}: score shape {s1.shape}, expected ({n},)"
        assert np.isfinite(s1).all(), f"{name}: scores must be finite"
        assert np.array_equal(x_train, copies[0]) and np.array_equal(x_test, copies[1]), \
            f"{name}: fit/score mutated their input"
        s2 = factory(seed=0, **hyperparams).fit(x_train).score(x_test)
        assert np.array_equal(s1, s2), f"{name}: same seed must give identical scores"
        if d == 1:
            s_1d = factory(seed=0, **hyperparams).fit(x_train[:, 0]).score(x_test[:, 0])
            assert np.array_equal(s_1d, s1), f"{name}: (T,) and (T, 1) input must score the same"
    bad = x_test.copy()
    bad[3, 0] = np.nan
    for call in (lambda: det.score(bad), lambda: factory(seed=0, **hyperparams).fit(bad)):
        try:
            call()
        except DataError:
            pass
        else:
            raise AssertionError(f"{name}: NaN input must raise DataError")
    if det.min_length > 1:
        try:
            det.score(x_test[: det.min_length - 1])
        except DataError:
            pass
        else:
            raise AssertionError(f"{name}: a series shorter than min_length must raise DataError")

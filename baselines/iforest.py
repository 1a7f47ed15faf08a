"""Isolation forest on sliding windows (scikit-learn), scores aligned back to timestamps."""
from __future__ import annotations

import numpy as np
from sklearn.ensemble import IsolationForest

from frostnet_jax.data.windows import sliding_windows, windows_to_timestamps
from frostnet_jax.detector import Detector
from frostnet_jax.registry import register_detector


@register_detector("iforest")
class IsolationForestDetector(Detector):
    """Isolation forest over flattened windows of `window` steps.

    Each window's anomaly score (sklearn's ``score_samples`` negated, so higher
    = more anomalous) is spread to the timestamps it covers by
    ``frostnet_jax.data.windows.windows_to_timestamps``.
    """

    def __init__(self, seed: int = 0, window: int = 16, n_estimators: int = 100,
                 max_samples: int | str = 256, stride: int = 1):
        super().__init__(seed)
        self.window = window
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.stride = stride

    @property
    def min_length(self) -> int:
        return self.window

    def _fit(self, x: np.ndarray, x_val: np.ndarray | None) -> None:
        w = sliding_windows(x, self.window, self.stride).reshape(-1, self.window * x.shape[1])
        max_samples = min(self.max_samples, len(w)) if isinstance(self.max_samples, int) else self.max_samples
        self.forest_ = IsolationForest(n_estimators=self.n_estimators, max_samples=max_samples,
                                       random_state=self.seed, n_jobs=1).fit(w)

    def _score(self, x: np.ndarray) -> np.ndarray:
        w = sliding_windows(x, self.window, 1).reshape(-1, self.window * x.shape[1])
        return windows_to_timestamps(-self.forest_.score_samples(w), x.shape[0], self.window, 1)

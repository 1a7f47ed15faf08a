"""Z-score detector: distance from the training mean in training standard deviations."""
from __future__ import annotations

import numpy as np

from frostnet_jax.detector import Detector
from frostnet_jax.registry import register_detector


@register_detector("zscore")
class ZScoreDetector(Detector):
    """Score = max over channels of |x - mean| / std, with mean/std fitted on training data.

    A zero-variance channel gets std 1 (no division by zero).
    """

    def __init__(self, seed: int = 0):
        super().__init__(seed)

    def _fit(self, x: np.ndarray, x_val: np.ndarray | None) -> None:
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)

    def _score(self, x: np.ndarray) -> np.ndarray:
        return (np.abs(x - self.mean_) / self.std_).max(axis=1)

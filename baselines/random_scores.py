"""The random sanity detector: i.i.d. uniform scores. Anything near it learned nothing."""
from __future__ import annotations

import numpy as np

from frostnet_jax.detector import Detector
from frostnet_jax.registry import register_detector


@register_detector("random")
class RandomDetector(Detector):
    """Uniform [0, 1) scores from ``numpy.random.default_rng(seed)``; ignores the data."""

    def __init__(self, seed: int = 0):
        super().__init__(seed)

    def _fit(self, x: np.ndarray, x_val: np.ndarray | None) -> None:
        self.fitted_ = True

    def _score(self, x: np.ndarray) -> np.ndarray:
        return np.random.default_rng(self.seed).random(x.shape[0])

"""`lstm_ae`: the original FrostNet LSTM autoencoder on sliding windows."""
from __future__ import annotations

import flax.linen as nn

from frostnet_jax.detectors.base import ReconstructionDetector
from frostnet_jax.models.lstm import LSTMAutoencoder
from frostnet_jax.registry import register_detector


@register_detector("lstm_ae")
class LSTMAEDetector(ReconstructionDetector):
    """LSTM autoencoder: encoder LSTM -> last hidden state -> repeated latent -> decoder LSTM -> linear.

    Defaults are the original's: window 30, hidden 64, 30 epochs, batch 64,
    Adam 1e-3, MSE. Score: per-step squared reconstruction error, mean over the
    windows covering each timestamp (see `frostnet_jax.detectors.base`).
    Scoring runs the same parameters through a scan unrolled `score_unroll` times
    (faster inference; training keeps unroll 1, which compiles fastest).
    """

    score_unroll: int = 32

    def module(self, features: int) -> nn.Module:
        return LSTMAutoencoder(features=features, hidden=self.hidden, layers=self.layers)

    def scoring_module(self, features: int) -> nn.Module:
        return self.module(features).clone(unroll=min(self.score_unroll, self.window))

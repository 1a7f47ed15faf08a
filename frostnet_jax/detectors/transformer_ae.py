"""`transformer_ae`: a pre-norm transformer encoder reconstructing its window."""
from __future__ import annotations

import flax.linen as nn

from frostnet_jax.detectors.base import ReconstructionDetector
from frostnet_jax.errors import ConfigError
from frostnet_jax.models.transformer import TransformerAutoencoder
from frostnet_jax.registry import register_detector


@register_detector("transformer_ae")
class TransformerAEDetector(ReconstructionDetector):
    """Transformer encoder autoencoder over sliding windows (same trainer, seeds, scores and checkpoints as `lstm_ae`).

    Attention spans one window: cost O(W^2 * hidden) per window in time and
    memory (quadratic in `window`), plus O(W * hidden^2) for projections.

    Args (beyond `ReconstructionDetector`'s):
      hidden: model width (divisible by `heads`); layers: encoder blocks;
      heads: attention heads; positions: "learned" or "sinusoidal";
      mask_rate: probability of replacing an input step by a learned mask
        token during training (blocks the identity shortcut; 0 disables).
    """

    def __init__(self, seed: int = 0, window: int = 30, stride: int = 1, hidden: int = 32, layers: int = 2,
                 heads: int = 4, positions: str = "learned", mask_rate: float = 0.1, batch_size: int = 64,
                 lr: float = 1e-3, epochs: int = 30, patience: int = 0):
        super().__init__(seed=seed, window=window, stride=stride, hidden=hidden, layers=layers,
                         batch_size=batch_size, lr=lr, epochs=epochs, patience=patience)
        self.heads = heads
        self.positions = positions
        self.mask_rate = mask_rate

    def module(self, features: int) -> nn.Module:
        if self.positions not in ("learned", "sinusoidal") or self.hidden % self.heads:
            raise ConfigError(f"transformer_ae: positions must be 'learned' or 'sinusoidal' (got "
                              f"{self.positions!r}) and hidden ({self.hidden}) divisible by heads "
                              f"({self.heads}).")
        if not 0.0 <= self.mask_rate < 1.0:
            raise ConfigError(f"transformer_ae: mask_rate must be in [0, 1), got {self.mask_rate!r}.")
        return TransformerAutoencoder(features=features, hidden=self.hidden, layers=self.layers,
                                      heads=self.heads, positions=self.positions,
                                      mask_rate=float(self.mask_rate))

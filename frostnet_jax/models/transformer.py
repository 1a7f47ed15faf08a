"""Transformer encoder autoencoder over windows (Flax Linen), pre-norm blocks.

Attention runs over the steps of one window only: time and memory per window
grow as O(W^2 * width) with the window W (plus O(W * width^2) for the
projections and MLPs), so a 100-step window costs about 10x a 30-step one in
attention.
"""
from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np


def sinusoidal_positions(steps: int, width: int) -> np.ndarray:
    """Fixed sine/cosine position codes (steps, width) (Vaswani et al., 2017)."""
    pos = np.arange(steps)[:, None]
    freq = np.exp(-np.log(10_000.0) * (np.arange(0, width, 2) / width))
    out = np.zeros((steps, width), np.float32)
    out[:, 0::2] = np.sin(pos * freq)
    out[:, 1::2] = np.cos(pos * freq[: width // 2])
    return out


class Block(nn.Module):
    """Pre-norm encoder block: x + MHA(LN(x)), then x + MLP(LN(x)). (B, W, E) -> (B, W, E)."""

    heads: int
    mlp_ratio: int = 2

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        width = x.shape[-1]
        y = nn.LayerNorm()(x)
        x = x + nn.MultiHeadDotProductAttention(num_heads=self.heads)(y, y)
        y = nn.LayerNorm()(x)
        y = nn.Dense(self.mlp_ratio * width)(y)
        return x + nn.Dense(width)(nn.gelu(y))


class TransformerAutoencoder(nn.Module):
    """Reconstruct windows: (B, W, D) -> (B, W, D).

    Attributes:
      features: D, channels of the series.
      hidden: model width E (divisible by `heads`).
      layers: encoder blocks.
      heads: attention heads.
      positions: "learned" (a (W, E) parameter) or "sinusoidal" (fixed).
      mask_rate: in training, each input step is replaced by a learned mask
        token with this probability (rng stream "mask"), so the model cannot
        learn the identity; 0 disables it. Scoring never masks.
    """

    features: int
    hidden: int = 32
    layers: int = 2
    heads: int = 4
    positions: str = "learned"
    mask_rate: float = 0.0

    @nn.compact
    def __call__(self, x: jax.Array, train: bool = False) -> jax.Array:
        steps = x.shape[1]
        h = nn.Dense(self.hidden, name="embed")(x)  # (B, W, E)
        if self.mask_rate > 0:
            token = self.param("mask_token", nn.initializers.normal(0.02), (self.hidden,))
            if train:
                drop = jax.random.bernoulli(self.make_rng("mask"), self.mask_rate, h.shape[:2])
                h = jnp.where(drop[..., None], token, h)
        if self.positions == "learned":
            h = h + self.param("pos", nn.initializers.normal(0.02), (steps, self.hidden))
        else:
            h = h + sinusoidal_positions(steps, self.hidden)
        for i in range(self.layers):
            h = Block(self.heads, name=f"block{i}")(h)
        return nn.Dense(self.features, name="out")(nn.LayerNorm(name="norm")(h))

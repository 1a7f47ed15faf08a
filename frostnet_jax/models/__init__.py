"""Flax modules (pure architecture; no training code)."""
from frostnet_jax.models.lstm import LSTMAutoencoder
from frostnet_jax.models.transformer import TransformerAutoencoder

__all__ = ["LSTMAutoencoder", "TransformerAutoencoder"]

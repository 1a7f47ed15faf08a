"""Datasets: the Dataset container, synthetic scenarios, loaders, preprocessing."""
from frostnet_jax.data.dataset import Dataset

__all__ = ["Dataset"]

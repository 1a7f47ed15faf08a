"""FrostNet-JAX: a benchmark suite for time-series anomaly detection on cryogenic temperatures.

Public API::

    import frostnet_jax as fj
    fj.list_detectors(); det = fj.make_detector("zscore", seed=0)
    ds = fj.load_dataset("original", seed=0)
    scores = det.fit(x_train).score(x)          # (T,), higher = more anomalous
"""
from __future__ import annotations

from typing import Any

from frostnet_jax.check import check_detector
from frostnet_jax.data.dataset import Dataset
from frostnet_jax.detector import Detector
from frostnet_jax.errors import (CheckpointError, ConfigError, DataError, FrostNetError,
                                 NotFittedError, TrainingError)
from frostnet_jax.registry import DATASETS, DETECTORS, register_dataset, register_detector

__version__ = "0.1.0"

__all__ = [
    "__version__", "CheckpointError", "ConfigError", "DataError", "Dataset", "Detector",
    "FrostNetError", "NotFittedError", "TrainingError", "check_detector", "list_datasets",
    "list_detectors", "load_dataset", "load_detector", "make_detector", "register_dataset",
    "register_detector", "save_detector",
]


def list_detectors() -> list[str]:
    """Names of every registered detector (built-in and entry-point plugins)."""
    return DETECTORS.names()


def make_detector(name: str, seed: int = 0, **hyperparams: Any) -> Detector:
    """A new, unfitted detector `name` with `hyperparams`; unknown names and keywords raise ConfigError."""
    return DETECTORS.create(name, seed=seed, **hyperparams)


def list_datasets() -> list[str]:
    """Names of every registered dataset."""
    return DATASETS.names()


def load_dataset(name: str, seed: int = 0, **params: Any) -> Dataset:
    """Dataset `name` generated (or loaded) with `seed`; unknown names raise ConfigError."""
    return DATASETS.create(name, seed=seed, **params)


def save_detector(detector: Detector, path: str) -> None:
    """Save a fitted neural detector to one file (JSON header + msgpack; no code runs on load)."""
    from frostnet_jax.detectors.base import save_detector as save

    save(detector, path)


def load_detector(path: str, expected: dict[str, Any] | None = None) -> Detector:
    """Load a detector saved by `save_detector`; `expected` hyperparameters must match (CheckpointError)."""
    from frostnet_jax.detectors.base import load_detector as load

    return load(path, expected)

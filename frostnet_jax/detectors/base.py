"""Windowed reconstruction detectors: a Flax module + the functional trainer + the one alignment module.

A new model is one file: subclass `ReconstructionDetector`, store its extra
hyperparameters in ``__init__``, return its Flax module from ``module(features)``
and register it. Fitting, many seeds, scoring, loss curves and checkpoints are shared.

Score: each window (stride 1) is reconstructed; every step's squared error
(mean over channels) goes to its timestamp and each timestamp gets the mean over
the windows that cover it (`frostnet_jax.data.windows.windows_to_timestamps`).
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from frostnet_jax.data.preprocess import ScalerStats, apply_scaler, fit_scaler
from frostnet_jax.data.windows import sliding_windows, windows_to_timestamps
from frostnet_jax.detector import Detector, as_series
from frostnet_jax.errors import CheckpointError, ConfigError, DataError
from frostnet_jax.registry import DETECTORS
from frostnet_jax.train import (FitResult, TrainConfig, fit, fit_seeds, host_devices, load_checkpoint,
                                restore_params, save_checkpoint, seed_key, window_errors)

FORMAT = "frostnet-jax-detector"


class ReconstructionDetector(Detector):
    """Base of the neural reconstruction detectors (hyperparameters shared by all of them).

    Args:
      window, stride: training windows (scoring always uses stride 1).
      hidden, layers: model width and depth (their meaning is the subclass's).
      batch_size, lr, epochs: Adam on the MSE, drop-last minibatches.
      patience: with x_val, stop after this many epochs without a lower validation
        loss (0: never stop early); with x_val the lowest-validation-loss model is kept.
    On a CPU with several host devices (a worker that set
    ``--xla_force_host_platform_device_count``) each minibatch is split over them.
    Fitted attributes: params_, scaler_, history_ {"train_loss", "val_loss"} per
    epoch, timings_ {"compile_s", "fit_s", "score_s", "path", "devices"}, fit_path_ ("single",
    "loop" or "vmap": how the seed was trained).
    """

    def __init__(self, seed: int = 0, window: int = 30, stride: int = 1, hidden: int = 64, layers: int = 1,
                 batch_size: int = 64, lr: float = 1e-3, epochs: int = 30, patience: int = 0):
        super().__init__(seed)
        self.window = window
        self.stride = stride
        self.hidden = hidden
        self.layers = layers
        self.batch_size = batch_size
        self.lr = lr
        self.epochs = epochs
        self.patience = patience

    # -- what a model file provides ---------------------------------------------------------
    def module(self, features: int) -> nn.Module:
        """The Flax module trained on windows of `features` channels."""
        raise NotImplementedError

    def scoring_module(self, features: int) -> nn.Module:
        """The module used to score (same parameters; may differ in speed-only settings)."""
        return self.module(features)

    # -- shared machinery -------------------------------------------------------------------
    @property
    def min_length(self) -> int:
        return self.window

    @classmethod
    def seeds_path(cls) -> str:
        """How `fit_seeds` trains seeds here: "vmap" (one program) on accelerators, "loop" on CPU.

        Measured on a 2-core CPU (benchmarks/lstm_speed.py): 4 vmapped lstm_ae seeds
        train at 0.17x the single-seed rate per seed (8 transformer_ae seeds: 0.13x),
        while two pinned single-thread processes train 2.1x one process's windows/s.
        """
        return "loop" if jax.default_backend() == "cpu" else "vmap"

    def train_config(self) -> TrainConfig:
        """Trainer settings of these hyperparameters (data-parallel when there are several host devices)."""
        for name in ("window", "stride", "hidden", "layers", "batch_size", "epochs"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ConfigError(f"{type(self).__name__}: {name} must be a positive integer, "
                                  f"got {getattr(self, name)!r}.")
        if not self.lr > 0 or self.patience < 0:
            raise ConfigError(f"{type(self).__name__}: lr must be > 0 and patience >= 0 "
                              f"(got lr={self.lr!r}, patience={self.patience!r}).")
        return TrainConfig(batch_size=self.batch_size, lr=float(self.lr), patience=int(self.patience),
                           devices=host_devices())

    def _windows(self, x: np.ndarray, stride: int) -> np.ndarray:
        return sliding_windows(apply_scaler(x, self.scaler_), self.window, stride).astype(np.float32)

    def _train_data(self, x: np.ndarray, x_val: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        self.scaler_ = fit_scaler(x, "minmax")
        return self._windows(x, self.stride), None if x_val is None else self._windows(x_val, self.stride)

    def _label(self) -> str:
        return self.registered_name or type(self).__name__

    def _fit(self, x: np.ndarray, x_val: np.ndarray | None) -> None:
        config = self.train_config()
        t0 = time.perf_counter()
        windows, val = self._train_data(x, x_val)
        result = fit(seed_key(self.seed), self.module(x.shape[1]), config, windows, val,
                     self.epochs, self._label(), self.seed)
        self._set_fitted(result, None, time.perf_counter() - t0, "single")

    def _set_fitted(self, result: FitResult, k: int | None, fit_s: float, path: str) -> None:
        pick = (lambda a: a) if k is None else (lambda a: a[k])
        state = jax.tree.map(pick, result.state)
        train, val = pick(result.train_loss), pick(result.val_loss)
        ran = int(np.isfinite(train).sum())
        self.params_ = state.best_params
        self.history_ = {"train_loss": train[:ran].tolist(),
                         "val_loss": val[:ran].tolist() if np.isfinite(val).any() else []}
        self.fit_path_ = path
        self.timings_ = {"compile_s": result.compile_s, "fit_s": fit_s, "score_s": 0.0, "path": path,
                         "devices": result.devices}

    def fit_seeds(self, seeds: Sequence[int], x_train: Any, x_val: Any = None,
                  path: str | None = None) -> list[Detector]:
        """One fitted detector per seed; `path` "vmap" (one program), "loop", or None = `seeds_path()`.

        On the vmap path every detector's timings_ report the whole K-seed run.
        """
        path = path or self.seeds_path()
        if path == "loop":
            dets = super().fit_seeds(seeds, x_train, x_val)
            for det in dets:
                det.fit_path_ = det.timings_["path"] = "loop"
            return dets
        if path != "vmap":
            raise ConfigError(f"fit_seeds path must be 'vmap' or 'loop', got {path!r}.")
        x = as_series(x_train, min_length=self.min_length, what="x_train")
        xv = None if x_val is None else as_series(x_val, min_length=self.min_length, what="x_val")
        if xv is not None and xv.shape[1] != x.shape[1]:
            raise DataError(f"x_val has {xv.shape[1]} feature(s), x_train has {x.shape[1]}.")
        config = self.train_config()
        t0 = time.perf_counter()
        windows, val = self._train_data(x, xv)
        result = fit_seeds([seed_key(s) for s in seeds], self.module(x.shape[1]), config, windows, val,
                           self.epochs, self._label(), [int(s) for s in seeds])
        fit_s = time.perf_counter() - t0
        params = {k: v for k, v in self.get_params().items() if k != "seed"}
        dets = []
        for k, s in enumerate(seeds):
            det = type(self)(seed=int(s), **params)
            det.scaler_, det.n_features_ = self.scaler_, x.shape[1]
            det._set_fitted(result, k, fit_s, "vmap")
            dets.append(det)
        return dets

    def _score(self, x: np.ndarray) -> np.ndarray:
        t0 = time.perf_counter()
        errs, _ = window_errors(self.params_, self.scoring_module(x.shape[1]), self._windows(x, 1))
        scores = windows_to_timestamps(errs, x.shape[0], self.window, 1)
        self.timings_["score_s"] = time.perf_counter() - t0
        return scores


def save_detector(det: ReconstructionDetector, path: str | os.PathLike) -> None:
    """Save a fitted detector (parameters, hyperparameters, scaler, loss history) to one file.

    No code runs on load: JSON header + msgpack parameters, with a SHA-256 checksum.
    """
    if not hasattr(det, "params_"):
        raise CheckpointError(f"{type(det).__name__} is not fitted; fit it before saving.")
    meta = {"format": FORMAT, "detector": det.registered_name, "hyperparameters": det.get_params(),
            "n_features": int(det.n_features_),
            "scaler": {"shift": det.scaler_.shift.tolist(), "scale": det.scaler_.scale.tolist()},
            "history": det.history_}
    save_checkpoint(path, det.params_, meta)


def load_detector(path: str | os.PathLike, expected: dict[str, Any] | None = None) -> ReconstructionDetector:
    """Load a detector saved by `save_detector`; its scores equal the saved detector's exactly.

    Args:
      expected: hyperparameters the saved detector must have (e.g. ``det.get_params()``);
        a mismatch raises CheckpointError naming each difference.
    Raises:
      CheckpointError: corrupt/truncated file, another format, unknown detector,
        mismatched hyperparameters or parameter shapes.
    """
    state_dict, meta = load_checkpoint(path)
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} holds {meta.get('format')!r}, not a saved detector.")
    hyper = meta["hyperparameters"]
    diffs = [f"{k}: saved {hyper.get(k)!r}, expected {v!r}" for k, v in (expected or {}).items()
             if hyper.get(k) != v]
    if diffs:
        raise CheckpointError(f"{path}: hyperparameters differ: " + "; ".join(diffs))
    try:
        det = DETECTORS.create(meta["detector"], **hyper)
    except ConfigError as exc:
        raise CheckpointError(f"{path}: cannot rebuild detector {meta['detector']!r}: {exc}") from None
    d = int(meta["n_features"])
    template = jax.eval_shape(lambda: det.module(d).init(
        {"params": jax.random.key(0), "mask": jax.random.key(0)}, jnp.zeros((1, det.window, d)))["params"])
    params = restore_params(template, state_dict, f"{path} ({meta['detector']} {hyper})")
    det.params_ = jax.tree.map(jnp.asarray, params)
    det.scaler_ = ScalerStats(np.asarray(meta["scaler"]["shift"], np.float64),
                              np.asarray(meta["scaler"]["scale"], np.float64))
    det.n_features_ = d
    det.history_ = meta["history"]
    det.fit_path_ = "loaded"
    det.timings_ = {"compile_s": 0.0, "fit_s": 0.0, "score_s": 0.0, "path": "loaded", "devices": 1}
    return det

"""One functional trainer for any Flax reconstruction model, checkpoint files, the compilation cache."""
from __future__ import annotations

import os

import jax

from frostnet_jax.train.checkpoint import load_checkpoint, restore_params, save_checkpoint
from frostnet_jax.train.trainer import (FitResult, TrainConfig, TrainState, fit, fit_seeds, host_devices,
                                        init_state, seed_key, train_step, window_errors)

__all__ = ["FitResult", "TrainConfig", "TrainState", "enable_compilation_cache", "fit", "fit_seeds",
           "host_devices", "init_state", "load_checkpoint", "restore_params", "save_checkpoint", "seed_key",
           "train_step", "window_errors"]


def enable_compilation_cache(path: str | os.PathLike) -> None:
    """Keep compiled XLA programs in `path` across processes (a warm process skips compiling).

    Call once per process before the first fit; every program is cached, however fast it compiled.
    """
    os.makedirs(path, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", os.fspath(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)

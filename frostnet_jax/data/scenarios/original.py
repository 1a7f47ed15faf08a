"""The original FrostNet generator: a random walk around a cryogenic set point with spikes.

Faithful to the original notebooks (and to ``shared/perf/common.py``'s
description of them): a random walk around -180 degC (step sd 0.05), sensor
noise (sd 0.02), 1-minute timestamps and 1 % single-point spikes of +/- 1-3 degC,
labelled as anomalies. Random generator: numpy PCG64 (``default_rng(seed)``).

``original-<difficulty>`` is the same walk (no spikes) run through the scenario
builder, carrying the sensor-fault taxonomy, for comparison with the physical
scenarios.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from frostnet_jax.data.dataset import Dataset
from frostnet_jax.data.scenarios.builder import Baseline, Scenario, register_scenario
from frostnet_jax.registry import register_dataset

VERSION = "1"


def generate_walk(n: int = 10_080, seed: int = 0, base: float = -180.0, step_sd: float = 0.05,
                  noise_sd: float = 0.02, anomaly_frac: float = 0.01, spike_lo: float = 1.0,
                  spike_hi: float = 3.0) -> pd.DataFrame:
    """The original table: columns ``Timestamp``, ``Temperature (°C)``, ``Anomaly`` (n rows)."""
    rng = np.random.default_rng(seed)
    temp = base + np.cumsum(rng.normal(0.0, step_sd, n)) + rng.normal(0.0, noise_sd, n)
    label = np.zeros(n, dtype=np.int8)
    n_anom = int(round(n * anomaly_frac))
    idx = rng.choice(n, size=n_anom, replace=False)
    temp[idx] += rng.choice([-1.0, 1.0], n_anom) * rng.uniform(spike_lo, spike_hi, n_anom)
    label[idx] = 1
    ts = pd.date_range("2024-01-01", periods=n, freq="1min")
    return pd.DataFrame({"Timestamp": ts, "Temperature (°C)": temp, "Anomaly": label})


@register_dataset("original")
def original(seed: int = 0, n: int = 10_080, train_frac: float = 0.5, val_frac: float = 0.2) -> Dataset:
    """The original FrostNet random walk with spikes, split 50/20/30 by time.

    The original trained on spiky data; here the train split keeps its spikes
    (that is the original's contamination), labels are kept for evaluation only.
    """
    df = generate_walk(n=n, seed=seed)
    labels = df["Anomaly"].to_numpy()
    return Dataset(
        name="original", values=df["Temperature (°C)"].to_numpy()[:, None], labels=labels,
        timestamps=df["Timestamp"].to_numpy(),
        anomaly_type=np.where(labels == 1, "spike", "normal"), unit="degC",
        train_end=int(n * train_frac), val_end=int(n * (train_frac + val_frac)), seed=seed,
        meta={"scenario": "original", "version": VERSION, "generator": "numpy.random.PCG64"},
    )


def walk_baseline(rng: np.random.Generator, minutes: np.ndarray) -> Baseline:
    """The original's random walk around -180 degC (step sd 0.05), without spikes; no cycle."""
    return Baseline(trend=-180.0 + np.cumsum(rng.normal(0.0, 0.05, minutes.size)),
                    cycle=np.zeros_like(minutes))


WALK = register_scenario(Scenario(
    name="original", version=VERSION, unit="degC", noise_sd=0.02, period_min=1440.0,
    kinds=("spike", "level_shift", "drift", "variance_burst", "stuck", "dropout"),
    baseline=walk_baseline,
    description="The original FrostNet random walk with the sensor-fault taxonomy",
))

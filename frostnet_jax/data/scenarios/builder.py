"""One builder for every synthetic scenario: baseline + noise, then injected anomalies.

A scenario is a :class:`Scenario` record whose `baseline` function draws the
normal, noise-free signal; :func:`build` adds sensor noise, lays out anomaly
events (test split; a few in train with `contamination`) and injects them with
:func:`frostnet_jax.data.anomalies.inject`. :func:`register_scenario`
registers ``<name>-<difficulty>`` for each difficulty.

Random generator: numpy ``PCG64`` through ``default_rng``; the seed is spawned
(``SeedSequence([seed, crc32(scenario name)]).spawn(3)``) into independent
streams for the baseline, the noise and the anomalies, so changing the
anomaly plan leaves the normal signal unchanged and two scenarios with the
same seed do not share their anomaly layout.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from frostnet_jax.data.anomalies import DIFFICULTIES, inject, plan_events
from frostnet_jax.data.dataset import Dataset
from frostnet_jax.errors import ConfigError
from frostnet_jax.registry import register_dataset

START = np.datetime64("2024-01-01T00:00", "ns")


class Baseline(NamedTuple):
    """The normal, noise-free signal: trend (T,) + cycle (T,), in the scenario's unit."""

    trend: np.ndarray
    cycle: np.ndarray


class Scenario(NamedTuple):
    """A synthetic scenario: how to draw its normal signal and which anomalies it carries.

    baseline: ``f(rng, minutes (T,) float) -> Baseline``.
    noise_sd: sensor-noise sd in `unit`; anomaly amplitudes are multiples of it.
    period_min: period of the cycle component (fills, ramps), minutes.
    amplitude_override: ``{kind: {difficulty: amplitude in sigmas}}`` replacing presets.
    """

    name: str
    version: str
    unit: str
    noise_sd: float
    period_min: float
    kinds: tuple[str, ...]
    baseline: Callable[[np.random.Generator, np.ndarray], Baseline]
    description: str
    amplitude_override: dict[str, dict[str, float]] | None = None


def build(scenario: Scenario, difficulty: str, seed: int = 0, n_days: float = 7.0,
          step_min: float = 1.0, events_per_kind: int = 1, contamination: float = 0.0,
          train_frac: float = 0.4, val_frac: float = 0.2) -> Dataset:
    """Generate `scenario` at `difficulty` from `seed` (same seed, same bytes).

    Args:
      n_days, step_min: length and sampling (default 7 days at 1 min = 10,080 points).
      events_per_kind: anomalies of each kind placed in the test split.
      contamination: target fraction of *training* points that are anomalous
        (0 keeps train and validation normal).
      train_frac, val_frac: time split; test is the rest (default 40/20/40, so
        the test split holds every kind `events_per_kind` times).
    Returns:
      a one-channel Dataset named ``<scenario>-<difficulty>``.
    """
    if difficulty not in DIFFICULTIES:
        raise ConfigError(f"Unknown difficulty {difficulty!r}; use one of {', '.join(DIFFICULTIES)}.")
    if not 0.0 <= contamination < 0.5:
        raise ConfigError(f"contamination={contamination} must be in [0, 0.5).")
    n = int(round(n_days * 24 * 60 / step_min))
    train_end, val_end = int(n * train_frac), int(n * (train_frac + val_frac))
    if not 0 < train_end <= val_end < n:
        raise ConfigError(f"train_frac={train_frac}, val_frac={val_frac} leave no test split of {n} points.")
    entropy = [int(seed), zlib.crc32(scenario.name.encode())]
    base_ss, noise_ss, anom_ss = np.random.SeedSequence(entropy).spawn(3)
    minutes = np.arange(n, dtype=np.float64) * step_min
    base = scenario.baseline(np.random.default_rng(base_ss), minutes)
    normal = base.trend + base.cycle + np.random.default_rng(noise_ss).normal(0.0, scenario.noise_sd, n)
    rng = np.random.default_rng(anom_ss)
    plan = dict(kinds=scenario.kinds, difficulty=difficulty, step_min=step_min,
                period_min=scenario.period_min, amplitude_override=scenario.amplitude_override)
    events = plan_events(rng, lo=val_end, hi=n, events_per_kind=events_per_kind, **plan)
    if contamination > 0:
        events = plan_events(rng, lo=0, hi=train_end, budget=contamination * train_end, **plan) + events
    values, labels, atype = inject(normal, base.cycle, events, scenario.noise_sd, rng)
    name = f"{scenario.name}-{difficulty}"
    return Dataset(
        name=name, values=values[:, None], labels=labels,
        timestamps=START + (minutes * 60e9).astype("timedelta64[ns]"), anomaly_type=atype,
        unit=scenario.unit, train_end=train_end, val_end=val_end, seed=seed,
        meta={"scenario": scenario.name, "difficulty": difficulty, "version": scenario.version,
              "generator": "numpy.random.PCG64 (default_rng, SeedSequence([seed, crc32(name)]).spawn(3))",
              "step_min": step_min, "noise_sd": scenario.noise_sd, "contamination": contamination,
              "events": [ev._asdict() for ev in events], "description": scenario.description},
    )


def register_scenario(scenario: Scenario) -> Scenario:
    """Register ``<scenario.name>-<difficulty>`` for every difficulty; returns `scenario`."""
    for difficulty in DIFFICULTIES:
        register_dataset(f"{scenario.name}-{difficulty}")(_factory(scenario, difficulty))
    return scenario


def _factory(scenario: Scenario, difficulty: str) -> Callable[..., Dataset]:
    def factory(seed: int = 0, n_days: float = 7.0, step_min: float = 1.0, events_per_kind: int = 1,
                contamination: float = 0.0, train_frac: float = 0.4, val_frac: float = 0.2) -> Dataset:
        return build(scenario, difficulty, seed=seed, n_days=n_days, step_min=step_min,
                     events_per_kind=events_per_kind, contamination=contamination,
                     train_frac=train_frac, val_frac=val_frac)

    factory.__doc__ = f"{scenario.description} ({difficulty}); see `builder.build` for parameters."
    return factory

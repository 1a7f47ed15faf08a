"""Cryocooler 4 K stage (GM or pulse tube) under temperature regulation.

Unit K. Sources are the [S#] tags of ``shared/data/CRYO_PHYSICS.md``;
"Est." marks an engineering estimate no source confirmed.

Normal behaviour:
  * regulated set point 3.5 K (S21, S22, S24: 4 K stage base 2.5-4.2 K);
  * a slow control-loop oscillation of 8 mK amplitude, period 45 min (Est.),
    this scenario's cycle;
  * a diurnal 3 mK wobble from the compressor's cooling water (Est.);
  * noise sd 2 mK: the logger averages over the 1-1.5 Hz cold-head cycle, so
    the 0.2-0.35 K p-p oscillation (S25, S26, S27) is left out and what remains
    is Cernox noise (S31, S33: 0.3-1 mK) plus regulation jitter (Est.).
Anomalies: sensor faults plus drift (helium contamination creep, S30 + Est.,
sped up to hours so that it fits a week).
"""
from __future__ import annotations

import numpy as np

from frostnet_jax.data.scenarios.builder import Baseline, Scenario, register_scenario

SET_POINT, CONTROL_AMP, CONTROL_PERIOD, WATER_AMP = 3.5, 0.008, 45.0, 0.003   # K, K, min, K


def baseline(rng: np.random.Generator, minutes: np.ndarray) -> Baseline:
    """Normal 4 K stage temperature (K): set point + diurnal wobble, control oscillation as cycle."""
    cycle = CONTROL_AMP * np.sin(2 * np.pi * minutes / CONTROL_PERIOD + rng.uniform(0, 2 * np.pi))
    water = WATER_AMP * np.sin(2 * np.pi * minutes / 1440.0 + rng.uniform(0, 2 * np.pi))
    return Baseline(trend=SET_POINT + water, cycle=cycle)


CRYOCOOLER = register_scenario(Scenario(
    name="cryocooler", version="1", unit="K", noise_sd=0.002, period_min=CONTROL_PERIOD,
    kinds=("spike", "level_shift", "drift", "variance_burst", "stuck", "dropout"),
    baseline=baseline,
    description="Cryocooler 4 K stage regulated at 3.5 K with a slow control oscillation",
))

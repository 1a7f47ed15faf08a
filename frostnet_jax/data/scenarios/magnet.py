"""Superconducting magnet in a 4.2 K helium bath, with daily field ramps; quenches are the anomaly.

Unit K. Sources are the [S#] tags of ``shared/data/CRYO_PHYSICS.md``;
"Est." marks an engineering estimate no source confirmed.

Normal behaviour:
  * bath at 4.214 K, the He-4 boiling point (S35);
  * ambient-pressure swings move the bath temperature (S35): a smooth AR(1)
    pressure with sd 5 Torr and tau 3 h (Est.) times 1.4 mK/Torr (Est., the
    slope of the He-4 vapour-pressure curve near 4.2 K);
  * one field ramp a day (Est.): 2 h up, 4 h flat, 2 h down; AC losses warm the
    bath by 50 mK while ramping (Est. 10-200 mK), relaxing with tau 20 min
    (Est.); the ramp heating is this scenario's cycle;
  * noise sd 3 mK (Est.; bath stability 5-20 mK).
Anomalies: sensor faults plus quench: the sensor jumps 20-80 K within a sample
(Est.; the 5-60 s rise is below the 1-min sampling) and recovers over 6-12 h
(S38 + Est.: 6 h to 5 days).
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from frostnet_jax.data.scenarios.builder import Baseline, Scenario, register_scenario

BATH, NOISE_SD = 4.214, 0.003                          # K (S35), K (Est.)
MK_PER_TORR, PRESSURE_SD, PRESSURE_TAU = 1.4e-3, 5.0, 180.0   # K/Torr, Torr, min (Est.)
RAMP_PERIOD, RAMP_UP, RAMP_HOLD, RAMP_HEAT, HEAT_TAU = 1440.0, 120.0, 240.0, 0.05, 20.0


def smooth(x: np.ndarray, tau: float, step: float) -> np.ndarray:
    """(T,) first-order low-pass of x with time constant tau (same unit as step)."""
    a = np.exp(-step / tau)
    return lfilter([1.0 - a], [1.0, -a], x)


def ramp_heating(rng: np.random.Generator, minutes: np.ndarray) -> np.ndarray:
    """(T,) AC-loss heating: RAMP_HEAT while the field ramps up or down, low-passed."""
    phase = (minutes - rng.uniform(0, RAMP_PERIOD)) % RAMP_PERIOD
    ramping = (phase < RAMP_UP) | ((phase >= RAMP_UP + RAMP_HOLD) & (phase < 2 * RAMP_UP + RAMP_HOLD))
    step = float(minutes[1] - minutes[0]) if minutes.size > 1 else 1.0
    return smooth(RAMP_HEAT * ramping, HEAT_TAU, step)


def baseline(rng: np.random.Generator, minutes: np.ndarray) -> Baseline:
    """Normal magnet bath temperature (K): bath + pressure-driven wander, ramp heating as cycle."""
    step = float(minutes[1] - minutes[0]) if minutes.size > 1 else 1.0
    a = np.exp(-step / PRESSURE_TAU)
    innovations = rng.normal(0.0, PRESSURE_SD * np.sqrt(1 - a * a), minutes.size)
    pressure = lfilter([1.0], [1.0, -a], innovations)     # AR(1) with stationary sd PRESSURE_SD
    return Baseline(trend=BATH + MK_PER_TORR * pressure, cycle=ramp_heating(rng, minutes))


MAGNET = register_scenario(Scenario(
    name="magnet", version="1", unit="K", noise_sd=NOISE_SD, period_min=RAMP_PERIOD,
    kinds=("spike", "level_shift", "variance_burst", "stuck", "dropout", "quench"),
    baseline=baseline,
    description="Superconducting magnet in a 4.2 K helium bath with daily ramps; quenches",
    # quench peaks are absolute (Est. 20-80 K), written here in noise sigmas
    amplitude_override={"quench": {"easy": 60.0 / NOISE_SD, "medium": 40.0 / NOISE_SD,
                                   "hard": 20.0 / NOISE_SD}},
))

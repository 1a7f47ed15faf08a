"""LN2 vapour-phase storage: top-of-rack temperature with an autofill sawtooth and lid openings.

Unit degC. Sources are the [S#] tags of ``shared/data/CRYO_PHYSICS.md``;
"Est." marks an engineering estimate no source confirmed.

Normal behaviour (never labelled):
  * baseline -170 degC at the sensor near the top of the racks (S2, S3, S4:
    -190 to -150 degC) plus a fixed calibration offset drawn in +/-1 degC (S18);
  * autofill every 8 h +/- 30 min, each fill lasting 10 min (S10: a lab dewar
    filled every 8 h, fills cut off at 10 min; 12-72 h on a large freezer is
    Est.): the top cools by 3 degC during the fill (Est. 1-5 degC) and warms
    back linearly as nitrogen boils off until the next fill (the sawtooth,
    this scenario's cycle). 8 h rather than 12-72 h puts 8 fills in the train
    split, enough to learn the cycle;
  * lid openings, about 2 a day (Est.): the top warms 5-40 degC within 1-2 min
    and recovers exponentially with tau 5-20 min (Est.). They are normal
    operation: a detector that flags them is wrong;
  * a room-temperature (diurnal) wobble of 0.5 degC (Est.);
  * thermocouple noise sd 0.3 degC (Est. 0.1-0.5).
Anomalies: every sensor fault plus drift (failed refill / vacuum-loss warm-up,
S15, S16) and missed_refill (a fill that does not happen, S9 "no fill within
time limit", S17). The drift presets (about 1.5-15 degC over 1-4 h) are the early,
hard-to-see stage of a warm-up, slower than a dry tank's 5-52 degC/h (S15).
"""
from __future__ import annotations

import numpy as np

from frostnet_jax.data.scenarios.builder import Baseline, Scenario, register_scenario

DAY = 1440.0
FILL_PERIOD, FILL_JITTER, FILL_LEN, FILL_DIP = 480.0, 30.0, 10.0, 3.0   # minutes, minutes, minutes, degC


def fill_sawtooth(rng: np.random.Generator, minutes: np.ndarray, period: float = FILL_PERIOD,
                  jitter: float = FILL_JITTER, fill_len: float = FILL_LEN,
                  dip: float = FILL_DIP) -> np.ndarray:
    """(T,) autofill cycle: -dip reached linearly during each fill, then a linear warm back to 0."""
    n_fills = int(minutes[-1] // (period - jitter)) + 3
    steps = period + rng.uniform(-jitter, jitter, n_fills)
    starts = rng.uniform(-period, 0.0) + np.concatenate([[0.0], np.cumsum(steps)])
    idx = np.searchsorted(starts, minutes, side="right") - 1
    phase, length = minutes - starts[idx], starts[idx + 1] - starts[idx]
    cooling = -dip * phase / fill_len
    warming = -dip * (1.0 - (phase - fill_len) / (length - fill_len))
    return np.where(phase < fill_len, cooling, warming)


def lid_openings(rng: np.random.Generator, minutes: np.ndarray, per_day: float = 2.0) -> np.ndarray:
    """(T,) sum of warm excursions: linear rise over 1-2 min to 5-40 degC, exp recovery tau 5-20 min."""
    count = rng.poisson(per_day * (minutes[-1] + 1) / DAY)
    out = np.zeros_like(minutes)
    for t0, height, rise, tau in zip(rng.uniform(0, minutes[-1], count), rng.uniform(5, 40, count),
                                     rng.uniform(1, 2, count), rng.uniform(5, 20, count)):
        dt = minutes - t0
        decay = height * np.exp(-np.maximum(dt - rise, 0.0) / tau)
        out += np.where(dt < 0, 0.0, np.where(dt < rise, height * dt / rise, decay))
    return out


def baseline(rng: np.random.Generator, minutes: np.ndarray) -> Baseline:
    """Normal LN2 freezer top temperature (degC): trend (offset, diurnal, lid openings) + sawtooth."""
    cycle = fill_sawtooth(rng, minutes)
    offset = -170.0 + rng.uniform(-1.0, 1.0)
    diurnal = 0.5 * np.sin(2 * np.pi * minutes / DAY + rng.uniform(0, 2 * np.pi))
    return Baseline(trend=offset + diurnal + lid_openings(rng, minutes), cycle=cycle)


LN2 = register_scenario(Scenario(
    name="ln2", version="1", unit="degC", noise_sd=0.3, period_min=FILL_PERIOD,
    kinds=("spike", "level_shift", "drift", "variance_burst", "stuck", "dropout", "missed_refill"),
    baseline=baseline,
    description="LN2 vapour-phase storage, top-of-rack temperature, autofill every 8 h, lid openings",
))

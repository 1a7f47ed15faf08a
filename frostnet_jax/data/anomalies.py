"""The anomaly taxonomy and the one mechanism that injects any of it into any series.

An anomaly is an :class:`Event` (kind, start, length, amplitude). Every kind is
an *effect*: a pure function ``(segment, context) -> new segment`` in the
table :data:`EFFECTS`. :func:`inject` applies a list of events with that one
table, and labels each affected point 1 with its kind. Amplitudes are in units
of the scenario's sensor-noise standard deviation sigma.

Kinds (sources are the [S#] tags of ``shared/data/CRYO_PHYSICS.md``):
  spike           1-3 samples, +/- amplitude (S46 "SHORT"; 5-50 sigma)
  level_shift     calibration offset for the duration (S18, S31, S34)
  drift           warm-up ramp from 0 to +amplitude: failed refill, compressor trip,
                  helium contamination (S15, S28, S30); recovers when serviced
  variance_burst  extra Gaussian noise of sd amplitude*sigma, a loose connection
                  (S46 "NOISE", S51; sigma x 5-20)
  stuck           the reading freezes at its onset value (S47 "CONSTANT", S52)
  dropout         values missing (NaN), still labelled (Est. 1-60 min)
  quench          instant rise by amplitude, then exponential recovery to the
                  baseline within the event (S37, S38; peak 20-80 K is Est.)
  missed_refill   contextual (missed / late fill, S9 "no fill within time limit", S17):
                  within the window the scenario's periodic cycle never goes down
                  (its running maximum), so the fill expected inside the window does
                  not happen and comes late, at the window's end; every value stays
                  in the normal range
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from frostnet_jax.errors import ConfigError

KINDS = ("spike", "level_shift", "drift", "variance_burst", "stuck", "dropout", "quench",
         "missed_refill")
DIFFICULTIES = ("easy", "medium", "hard")


class Event(NamedTuple):
    """One injected anomaly: `length` samples from `start`, amplitude in noise sigmas."""

    kind: str
    start: int
    length: int
    amplitude: float


class Preset(NamedTuple):
    """Amplitude (noise sigmas) and duration range (minutes) of one kind at one difficulty."""

    amplitude: float
    minutes: tuple[float, float]


# Difficulty presets. Amplitude ranges follow the "Faults" rows of the suggested
# simulator parameters (S46, S47 + Est.); the easy/medium/hard split is ours (Est.).
# missed_refill durations are in cycle periods, not minutes: 1.1-1.25 periods, so
# the window always holds one expected fill even with a jittered schedule (up to
# +/-10 % of the period); amplitude is unused for stuck, dropout, missed_refill.
PRESETS: dict[str, dict[str, Preset]] = {
    "easy": {
        "spike": Preset(40.0, (1, 3)), "level_shift": Preset(20.0, (30, 120)),
        "drift": Preset(40.0, (60, 240)), "variance_burst": Preset(10.0, (30, 90)),
        "stuck": Preset(0.0, (60, 120)), "dropout": Preset(0.0, (15, 45)),
        "quench": Preset(500.0, (360, 600)), "missed_refill": Preset(0.0, (1.1, 1.25)),
    },
    "medium": {
        "spike": Preset(15.0, (1, 3)), "level_shift": Preset(8.0, (30, 120)),
        "drift": Preset(15.0, (60, 240)), "variance_burst": Preset(5.0, (10, 60)),
        "stuck": Preset(0.0, (30, 90)), "dropout": Preset(0.0, (5, 30)),
        "quench": Preset(150.0, (360, 600)), "missed_refill": Preset(0.0, (1.1, 1.25)),
    },
    "hard": {
        "spike": Preset(6.0, (1, 3)), "level_shift": Preset(3.0, (30, 120)),
        "drift": Preset(6.0, (60, 240)), "variance_burst": Preset(2.5, (10, 30)),
        "stuck": Preset(0.0, (15, 45)), "dropout": Preset(0.0, (1, 5)),
        "quench": Preset(50.0, (360, 600)), "missed_refill": Preset(0.0, (1.1, 1.25)),
    },
}


class Context(NamedTuple):
    """What an effect may read besides the segment: (L,) arrays and scalars."""

    t: np.ndarray        # (L,) 0..L-1 sample index inside the event
    cycle: np.ndarray    # (L,) the scenario's periodic component over the event
    size: float          # amplitude * sigma, in the unit of the values
    rng: np.random.Generator


Effect = Callable[[np.ndarray, Context], np.ndarray]


def _quench_profile(t: np.ndarray) -> np.ndarray:
    """1 at onset, exponential decay (tau = L/5) that reaches exactly 0 after the last sample."""
    length = t.size
    tau = max(length / 5.0, 1.0)
    floor = np.exp(-length / tau)
    return (np.exp(-t / tau) - floor) / (1.0 - floor)


EFFECTS: dict[str, Effect] = {
    "spike": lambda seg, c: seg + c.size * c.rng.choice([-1.0, 1.0]),
    "level_shift": lambda seg, c: seg + c.size * c.rng.choice([-1.0, 1.0]),
    "drift": lambda seg, c: seg + c.size * (c.t + 1) / c.t.size,
    "variance_burst": lambda seg, c: seg + c.rng.normal(0.0, c.size, seg.shape),
    "stuck": lambda seg, c: np.full_like(seg, seg[0]),
    "dropout": lambda seg, c: np.full_like(seg, np.nan),
    "quench": lambda seg, c: seg + c.size * _quench_profile(c.t),
    "missed_refill": lambda seg, c: seg - c.cycle + np.maximum.accumulate(c.cycle),
}


def inject(values: np.ndarray, cycle: np.ndarray, events: Sequence[Event], sigma: float,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply `events` to a copy of a one-channel series.

    Args:
      values: (T,) normal series (baseline + noise).
      cycle: (T,) its periodic component (zeros if it has none).
      events: non-overlapping events.
      sigma: sensor-noise sd; an event's size is amplitude * sigma.
      rng: generator for the random parts of effects (spike sign, burst noise).
    Returns:
      values (T,) float64 (NaN on dropouts), labels (T,) int8, anomaly_type (T,) object.
    """
    out = np.array(values, dtype=np.float64)
    labels = np.zeros(out.shape[0], dtype=np.int8)
    atype = np.full(out.shape[0], "normal", dtype=object)
    for ev in events:
        if ev.kind not in EFFECTS:
            raise ConfigError(f"Unknown anomaly kind {ev.kind!r}; use one of {', '.join(KINDS)}.")
        sl = slice(ev.start, ev.start + ev.length)
        if labels[sl].any() or ev.start < 0 or ev.start + ev.length > out.shape[0]:
            raise ConfigError(f"event {ev} overlaps another or leaves the series of {out.shape[0]} points.")
        ctx = Context(t=np.arange(ev.length, dtype=np.float64), cycle=np.asarray(cycle)[sl],
                      size=ev.amplitude * sigma, rng=rng)
        out[sl] = EFFECTS[ev.kind](out[sl], ctx)
        labels[sl] = 1
        atype[sl] = ev.kind
    return out, labels, atype


def layout(rng: np.random.Generator, lengths: Sequence[int], lo: int, hi: int,
           gap: int) -> np.ndarray:
    """Random non-overlapping starts (K,) for segments of `lengths`, in order, inside [lo, hi).

    Consecutive segments (and the ends of the range) are at least `gap` apart.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    slack = (hi - lo) - int(lengths.sum()) - gap * (lengths.size + 1)
    if slack < 0:
        raise ConfigError(f"{lengths.size} events of {int(lengths.sum())} samples in total do not "
                          f"fit in [{lo}, {hi}) with gaps of {gap}; use a longer series, fewer "
                          "events (events_per_kind) or a larger split.")
    extra = np.diff(np.concatenate([[0], np.sort(rng.integers(0, slack + 1, lengths.size))]))
    before = gap + extra
    ends_before = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return lo + np.cumsum(before) + ends_before


def _shape(rng: np.random.Generator, kind: str, difficulty: str, step_min: float,
           period_min: float, override: dict[str, dict[str, float]]) -> tuple[int, float]:
    """(length in samples, amplitude in sigmas) of one event drawn from the preset."""
    preset = PRESETS[difficulty][kind]
    if kind == "spike":  # spike widths are samples, not minutes
        length = int(rng.integers(preset.minutes[0], preset.minutes[1] + 1))
    else:
        scale = period_min if kind == "missed_refill" else 1.0
        length = max(1, int(round(rng.uniform(*preset.minutes) * scale / step_min)))
    base = override.get(kind, {}).get(difficulty, preset.amplitude)
    return length, float(base * rng.uniform(0.8, 1.2))


def plan_events(rng: np.random.Generator, kinds: Sequence[str], difficulty: str, lo: int, hi: int,
                step_min: float, period_min: float, events_per_kind: int = 1,
                budget: float | None = None, gap_min: float = 30.0,
                amplitude_override: dict[str, dict[str, float]] | None = None) -> list[Event]:
    """Draw events and lay them out, in random order, inside [lo, hi).

    Without `budget`: `events_per_kind` events of each kind. With `budget`:
    kinds drawn at random until the events cover at least `budget` samples.
    Durations come from the difficulty preset (minutes; missed_refill in cycle
    periods of `period_min`), converted to samples of `step_min` minutes;
    amplitudes are the preset (or `amplitude_override[kind][difficulty]`) times
    a uniform factor in [0.8, 1.2].
    """
    if difficulty not in PRESETS:
        raise ConfigError(f"Unknown difficulty {difficulty!r}; use one of {', '.join(DIFFICULTIES)}.")
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ConfigError(f"Unknown anomaly kinds {unknown}; use some of {', '.join(KINDS)}.")
    shape = dict(difficulty=difficulty, step_min=step_min, period_min=period_min,
                 override=amplitude_override or {})
    if budget is None:
        order = [str(k) for k in rng.permutation(np.repeat(np.asarray(kinds), events_per_kind))]
        shapes = [_shape(rng, k, **shape) for k in order]
    else:
        order, shapes = [], []
        while sum(s[0] for s in shapes) < budget:
            order.append(str(rng.choice(np.asarray(kinds))))
            shapes.append(_shape(rng, order[-1], **shape))
    starts = layout(rng, [s[0] for s in shapes], lo, hi, max(1, int(round(gap_min / step_min))))
    return [Event(k, int(st), n, a) for k, st, (n, a) in zip(order, starts, shapes)]

#!/usr/bin/env python
"""Speed of frostnet_jax.metrics, and of TSB-AD's reference on the same inputs when asked.

    python benchmarks/metrics_speed.py                                   # ours only
    python benchmarks/metrics_speed.py --tsbad-python ~/.venvs/tsbad/bin/python

Cases: "vus-10k" = VUS-PR + VUS-ROC on 10,000 points, 10 events, window 100; "all-100k" = every metric of
METRICS on 100,000 points, 100 events, window 100. Ours is timed in this process: the first call
separately (nothing is compiled: the metrics are numpy), then the median of --repeats warm calls. The
reference runs `tsbad_metrics.py --timing` through the given interpreter on the same arrays (a temporary
.npz), once; its per-metric seconds are summed over the metrics of the case. Also prints how our cost
grows with the number of events.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from frostnet_jax.metrics import METRICS, compute_metrics

REFERENCE_SCRIPT = Path(__file__).resolve().parents[2] / "shared" / "reference" / "tsbad_metrics.py"
# TSB-AD's --timing keys for our metric names (VUS-PR and VUS-ROC come from one call)
REFERENCE_KEYS = {"auc_roc": "AUC-ROC", "auc_pr": "AUC-PR", "vus_pr": "VUS-ROC+VUS-PR", "vus_roc": "VUS-ROC+VUS-PR",
                  "best_f1": "Standard-F1", "pa_f1": "PA-F1", "event_f1": "Event-based-F1",
                  "range_f1": "R-based-F1", "affiliation_f": "Affiliation-F"}


class Case(NamedTuple):
    name: str
    n: int
    events: int
    window: int
    metrics: tuple[str, ...]


CASES = (Case("vus-10k", 10_000, 10, 100, ("vus_pr", "vus_roc")),
         Case("all-100k", 100_000, 100, 100, tuple(METRICS)))


def make_inputs(n: int, events: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(labels (n,) int8, scores (n,) float64): one anomaly of 5..min(80, n/events/4) points in each of
    `events` equal slots, scores = N(0, 1) noise + 1.5 on anomalies."""
    rng = np.random.default_rng(seed)
    labels = np.zeros(n, np.int8)
    slot = n // events
    longest = min(80, slot // 4)
    for start in np.arange(events) * slot + rng.integers(0, slot - longest, events):
        labels[start:start + rng.integers(5, longest + 1)] = 1
    return labels, rng.normal(size=n) + 1.5 * labels


def time_ours(case: Case, repeats: int) -> tuple[float, float]:
    """(first call seconds, median warm seconds) of compute_metrics on the case."""
    labels, scores = make_inputs(case.n, case.events)
    t0 = time.perf_counter()
    compute_metrics(labels, scores, case.metrics, window=case.window)
    first = time.perf_counter() - t0
    warm = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        compute_metrics(labels, scores, case.metrics, window=case.window)
        warm.append(time.perf_counter() - t0)
    return first, statistics.median(warm)


def time_reference(case: Case, python: str, script: Path) -> float:
    """Seconds TSB-AD spends on the case's metrics (its own per-metric timing)."""
    labels, scores = make_inputs(case.n, case.events)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{case.name}.npz"
        np.savez(path, score=scores, label=labels)
        done = subprocess.run([python, str(script), str(path), "--sliding-window", str(case.window), "--timing"],
                              capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"reference failed on {case.name} (exit {done.returncode}):\n{done.stderr[-2000:]}")
    seconds = json.loads(done.stdout)["seconds"]
    return float(sum(seconds[key] for key in {REFERENCE_KEYS[m] for m in case.metrics}))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tsbad-python", help="interpreter of a venv with TSB-AD installed")
    ap.add_argument("--reference-script", type=Path, default=REFERENCE_SCRIPT, help="path to tsbad_metrics.py")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cases", nargs="+", choices=[c.name for c in CASES], default=[c.name for c in CASES])
    a = ap.parse_args(argv)

    print(f"{'case':<10} {'metrics':<18} {'ours first s':>12} {'ours warm s':>12} {'reference s':>12} {'ratio':>8}")
    for case in (c for c in CASES if c.name in a.cases):
        first, warm = time_ours(case, a.repeats)
        what = "VUS-PR+VUS-ROC" if len(case.metrics) == 2 else f"all {len(case.metrics)}"
        ref = time_reference(case, a.tsbad_python, a.reference_script) if a.tsbad_python else None
        ref_txt = f"{ref:12.3f}" if ref is not None else f"{'-':>12}"
        ratio = f"{ref / warm:7.0f}x" if ref is not None else f"{'-':>8}"
        print(f"{case.name:<10} {what:<18} {first:12.4f} {warm:12.4f} {ref_txt} {ratio}", flush=True)

    print("\nours, all metrics, 100,000 points, window 100, by number of events (warm median):")
    for events in (10, 100, 1000):
        _, warm = time_ours(Case("scale", 100_000, events, 100, tuple(METRICS)), a.repeats)
        print(f"  {events:>5} events: {warm:.3f} s")


if __name__ == "__main__":
    main()

"""Crashes lose nothing: SIGKILL a benchmark run at several points, re-run, compare with an uninterrupted run."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.robustness

SUITE = """
[suite]
name = "crash"
seeds = [0, 1, 2]
datasets = ["original"]
metrics = ["vus_pr", "auc_pr", "auc_roc"]
window = 10
[suite.dataset_params]
"original" = { n = 2000 }
[threshold]
rule = "quantile"
q = 0.99
[[detector]]
name = "iforest"
params = { window = 16, n_estimators = 150 }
[[detector]]
name = "zscore"
"""
N_CELLS = 6


def _cmd(suite_file: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "frostnet_jax", "bench", "--suite-file", str(suite_file), "--workers", "1",
            "--out", str(out), "--no-figures"]


def _done(out: Path) -> int:
    return len(list((out / "cells").glob("*.json"))) if (out / "cells").is_dir() else 0


def _metrics(out: Path) -> pd.DataFrame:
    frame = pd.read_csv(out / "metrics.csv")
    return frame.drop(columns=["fit_s", "score_s", "compile_s"]).sort_values(
        ["label", "seed", "metric"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    suite_file = root / "crash.toml"
    suite_file.write_text(SUITE)
    out = root / "clean"
    subprocess.run(_cmd(suite_file, out), check=True, capture_output=True, text=True, timeout=300)
    return suite_file, out


@pytest.mark.parametrize("kill_after", [0, 1, 3, 5])
def test_sigkill_then_rerun_gives_identical_tables(reference, tmp_path, kill_after):
    suite_file, clean = reference
    out = tmp_path / "run"
    proc = subprocess.Popen(_cmd(suite_file, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while _done(out) < kill_after and proc.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = _done(out)
    rerun = subprocess.run(_cmd(suite_file, out), check=True, capture_output=True, text=True, timeout=300)
    counts = re.search(r"(\d+) cells: (\d+) computed, (\d+) reused", rerun.stdout)
    assert counts, rerun.stdout
    total, computed, reused = map(int, counts.groups())
    assert total == N_CELLS and reused == finished and computed == N_CELLS - finished
    pd.testing.assert_frame_equal(_metrics(out), _metrics(clean))
    table = lambda d: re.sub(r"commit \w+", "commit", (d / "tables" / "vus_pr.md").read_text())  # noqa: E731
    assert table(out) == table(clean)

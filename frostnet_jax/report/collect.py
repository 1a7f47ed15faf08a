"""Read stored cells from one or more results folders and compute their metrics (long form)."""
from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from frostnet_jax import __version__
from frostnet_jax.bench.cells import Cell, suite_cells
from frostnet_jax.bench.storage import read_cell_arrays, read_cell_record
from frostnet_jax.bench.suite import Suite
from frostnet_jax.errors import CheckpointError, ConfigError, FrostNetError
from frostnet_jax.metrics import (METRICS, UndefinedMetricWarning, compute_metrics, operating_point,
                                  resolve_window)
from frostnet_jax.thresholds import fit_threshold

ID_COLUMNS = ["suite", "detector", "label", "params_hash", "dataset", "difficulty", "seed"]


@dataclasses.dataclass
class StoredCell:
    """A finished cell as read back: its record and (for ok cells) its arrays."""

    cell: Cell
    record: dict[str, Any]
    arrays: dict[str, np.ndarray]

    @property
    def ok(self) -> bool:
        return self.record.get("status") == "ok"


@dataclasses.dataclass
class Collected:
    """Everything a report needs: stored cells, long-form metrics, and what was missing."""

    suite: Suite
    cells: list[StoredCell]
    metrics: pd.DataFrame
    missing: list[Cell]
    windows: dict[str, int]  # dataset -> metric window used


def find_cells(suite: Suite, folders: list[Path]) -> tuple[list[StoredCell], list[Cell]]:
    """Stored cells of `suite` found in any of `folders`: the first ok copy wins, else the first failed one.

    Raises ConfigError when a folder does not exist or none of the suite's cells is stored.
    """
    for folder in folders:
        if not (Path(folder) / "cells").is_dir():
            raise ConfigError(f"{folder} holds no stored cells (no {Path(folder) / 'cells'}); run "
                              f"`python -m frostnet_jax bench --suite {suite.name}` first, or name the folder "
                              "that holds its results.")
    found, missing = [], []
    for cell in suite_cells(suite, __version__):
        copies = []
        for folder in folders:
            cells_dir = Path(folder) / "cells"
            record = read_cell_record(cells_dir, cell.key)
            if record is None:
                continue
            try:  # reads the arrays once, checked against the record's checksum
                copies.append(StoredCell(cell, record, read_cell_arrays(cells_dir, cell.key, record)))
            except CheckpointError:
                continue
        if copies:
            found.append(next((c for c in copies if c.ok), copies[0]))
        else:
            missing.append(cell)
    if not found:
        raise ConfigError(f"none of the {len(missing)} cells of suite {suite.name!r} is stored in "
                          f"{', '.join(map(str, folders))}; run the suite first (raw scores are not committed).")
    return found, missing


def _difficulty(dataset: str) -> str:
    tail = dataset.rsplit("-", 1)[-1]
    return tail if tail in ("easy", "medium", "hard") else ""


def cell_metrics(suite: Suite, stored: StoredCell, window: int) -> list[dict[str, Any]]:
    """Long-form rows (one per metric) of one stored cell; threshold fitted on validation scores."""
    rec = stored.record
    base = {"suite": suite.name, "detector": rec["detector"], "label": stored.cell.detector.label,
            "params_hash": rec["params_hash"], "dataset": rec["dataset"],
            "difficulty": _difficulty(rec["dataset"]), "seed": rec["seed"], "window": window,
            "fit_s": rec.get("fit_s", np.nan), "score_s": rec.get("score_s", np.nan),
            "compile_s": rec.get("compile_s", np.nan), "status": rec.get("status"), "reason": ""}
    if not stored.ok:
        return [{**base, "metric": "status", "value": np.nan, "reason": rec.get("reason", "")}]
    a = stored.arrays
    test = slice(rec["val_end"], rec["n"])
    val = slice(rec["train_end"], rec["val_end"])
    labels, scores = a["labels"][test], a["scores"][test]
    rows = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)  # NaN is kept and said in the footer
            values = compute_metrics(labels, scores, suite.metrics, window=window)
        reason = ""
    except FrostNetError as exc:  # e.g. a window longer than the test split: NaN, and why
        values, reason = {name: np.nan for name in suite.metrics}, f"metrics: {exc}"
    for name, value in values.items():
        rows.append({**base, "metric": name, "value": value, "reason": reason})
    params = {k: v for k, v in suite.threshold.items() if k != "rule"}
    try:
        threshold = fit_threshold(suite.threshold["rule"], a["scores"][val], **params)
    except FrostNetError as exc:  # no operating point for this cell; said in the report
        rows.append({**base, "metric": "threshold", "value": np.nan, "reason": f"threshold: {exc}"})
        return rows
    op = operating_point(labels, scores, threshold, anomaly_type=a["anomaly_type"][test],
                         timestamps=a["timestamps"][test].astype("datetime64[ns]"))
    rows.append({**base, "metric": "threshold", "value": threshold})
    for name, value in op.items():
        rows.append({**base, "metric": name, "value": value})
    return rows


def collect(suite: Suite, folders: list[Path]) -> Collected:
    """Stored cells of `suite` in `folders` and their metrics as a long-form DataFrame."""
    cells, missing = find_cells(suite, folders)
    windows: dict[str, int] = {}
    for stored in cells:
        if stored.ok and stored.cell.dataset not in windows:
            windows[stored.cell.dataset] = resolve_window(suite.window, stored.arrays["values"])
    rows = [row for stored in cells
            for row in cell_metrics(suite, stored, windows.get(stored.cell.dataset, 0))]
    columns = ID_COLUMNS + ["metric", "value", "window", "fit_s", "score_s", "compile_s", "status", "reason"]
    frame = pd.DataFrame(rows, columns=columns)
    return Collected(suite=suite, cells=cells, metrics=frame, missing=missing, windows=windows)


def metric_label(name: str) -> str:
    """Table label of a metric (oracle metrics say so)."""
    spec = METRICS.get(name)
    return spec.label if spec is not None else name

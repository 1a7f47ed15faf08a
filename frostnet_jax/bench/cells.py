"""A cell = (detector configuration, dataset, seed): what one worker computes and stores.

`run_cells` is a plain function of picklable arguments, so the local process
pool and Dask run the same code. It never raises: a failure is stored as a
failed cell with its reason, and the grid goes on.
"""
from __future__ import annotations

import dataclasses
import inspect
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from frostnet_jax.bench.storage import cell_is_complete, read_cell_record, write_cell
from frostnet_jax.bench.suite import DetectorSpec, Suite, stable_hash
from frostnet_jax.data.dataset import Dataset

SINGLE_THREAD_XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


@dataclasses.dataclass(frozen=True)
class Cell:
    """One unit of work; `key` is the content hash that names its files."""

    detector: DetectorSpec
    dataset: str
    dataset_params: dict[str, Any]
    seed: int
    scaler: str
    version: str
    data_seed: int  # the dataset's seed: the model seed unless the suite fixes it


    @property
    def key(self) -> str:
        return stable_hash({
            "detector": self.detector.name, "params": self.detector.params, "dataset": self.dataset,
            "dataset_params": self.dataset_params, "seed": self.seed, "data_seed": self.data_seed,
            "scaler": self.scaler, "version": self.version,
        })[:20]

    def describe(self) -> str:
        return f"{self.detector.label} on {self.dataset} (seed {self.seed})"


def suite_cells(suite: Suite, version: str) -> list[Cell]:
    """Every cell of a suite, detectors outermost (cheap detectors finish first)."""
    return [Cell(detector=det, dataset=ds, dataset_params=suite.dataset_params.get(ds, {}), seed=seed,
                 scaler=suite.scaler, version=version,
                 data_seed=seed if suite.data_seed is None else suite.data_seed)
            for det in suite.detectors for ds in suite.datasets for seed in suite.seeds]


def configure_worker(cache_dir: str | None = None, single_thread: bool = True) -> None:
    """Set XLA threading and the persistent compilation cache before JAX is imported.

    Has no effect on XLA flags once JAX is imported in this process.
    """
    if "jax" not in sys.modules:
        if single_thread:
            flags = os.environ.get("XLA_FLAGS", "")
            if "intra_op_parallelism_threads" not in flags:
                os.environ["XLA_FLAGS"] = f"{flags} {SINGLE_THREAD_XLA_FLAGS}".strip()
            for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(var, "1")
        if cache_dir:
            os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", cache_dir)
            os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
            os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")


def base_record(cell: Cell) -> dict[str, Any]:
    """The identifying part of a cell's JSON record."""
    return {"key": cell.key, "detector": cell.detector.name, "label": cell.detector.label,
            "params": cell.detector.params, "params_hash": cell.detector.params_hash, "dataset": cell.dataset,
            "dataset_params": cell.dataset_params, "seed": cell.seed, "data_seed": cell.data_seed,
            "scaler": cell.scaler,
            "version": cell.version, "pid": os.getpid()}


def dataset_record(ds: Dataset) -> dict[str, Any]:
    """What a report needs to know of a cell's dataset (length, splits, unit, provenance)."""
    return {"n": ds.n, "train_end": ds.train_end, "val_end": ds.val_end, "unit": ds.unit,
            "dataset_meta": {k: v for k, v in ds.meta.items() if isinstance(v, (str, int, float))}}


def dataset_arrays(ds: Dataset, observed: np.ndarray, scores: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays stored with a cell: scores (T,) beside the dataset's labels, types, times, values."""
    return {"scores": np.asarray(scores, dtype=np.float64), "labels": ds.labels, "observed": observed,
            "anomaly_type": np.asarray(ds.anomaly_type, dtype=str),
            "timestamps": ds.timestamps.astype("datetime64[ns]").astype(np.int64),
            "values": ds.values[:, 0]}


def run_cells(cells: list[Cell], cells_dir: str, cache_dir: str | None = None,
              single_thread: bool = True, seed_path: str = "loop") -> list[dict[str, Any]]:
    """Compute and store cells that share detector and data (a seed group); returns their records.

    The group's seeds are fitted by ``Detector.fit_seeds`` with `seed_path`
    ("vmap": one compiled program on an accelerator; "loop": one after another).
    Never raises: a failure is stored as a failed cell with its reason.
    """
    configure_worker(cache_dir, single_thread)
    from frostnet_jax import load_dataset, make_detector
    from frostnet_jax.data.preprocess import prepare

    head = cells[0]
    records = [base_record(c) for c in cells]
    arrays: list[dict[str, np.ndarray]] = [{} for _ in cells]
    try:
        ds = load_dataset(head.dataset, seed=head.data_seed, **head.dataset_params)
        x, observed = prepare(ds, head.scaler)
        train, val = ds.split("train"), ds.split("val")
        proto = make_detector(head.detector.name, seed=head.seed, **head.detector.params)
        t0 = time.perf_counter()
        if len(cells) == 1:
            dets = [proto.fit(x[train], x[val])]
        else:
            kwargs = {"path": seed_path} if "path" in inspect.signature(proto.fit_seeds).parameters else {}
            dets = proto.fit_seeds([c.seed for c in cells], x[train], x[val], **kwargs)
        fit_s = (time.perf_counter() - t0) / len(cells)
        for i, det in enumerate(dets):
            t1 = time.perf_counter()
            scores = det.score(x)
            score_s = time.perf_counter() - t1
            if not np.isfinite(scores).all():
                raise FloatingPointError(f"{int((~np.isfinite(scores)).sum())} non-finite scores")
            timings = dict(getattr(det, "timings_", {}))
            records[i].update(status="ok", fit_s=fit_s, score_s=score_s,
                              compile_s=float(timings.get("compile_s", 0.0)),
                              seed_parallelism=getattr(det, "fit_path_", "processes"), group_size=len(cells),
                              **dataset_record(ds))
            arrays[i] = dataset_arrays(ds, observed, scores)
            for name, curve in getattr(det, "history_", {}).items():
                arrays[i][f"history_{name}"] = np.asarray(curve, dtype=np.float64)
    except Exception as exc:  # the grid goes on; the reason is stored and shown
        for c, record in zip(cells, records):
            if record.get("status") != "ok":
                record.update(status="failed", reason=f"{type(exc).__name__}: {exc} "
                                                      f"[dataset {c.dataset}, seed {c.seed}]")
                arrays[cells.index(c)] = {}
    for c, record, arr in zip(cells, records, arrays):
        write_cell(Path(cells_dir), c.key, record, arr)
    return records


def seed_groups(cells: list[Cell], vmap: bool) -> list[list[Cell]]:
    """Units of work: one cell each, or (vmap) the cells that share detector and data, seeds grouped."""
    if not vmap:
        return [[c] for c in cells]
    groups: dict[tuple, list[Cell]] = {}
    for c in cells:
        key = (c.detector.label, c.dataset, stable_hash(c.dataset_params), c.data_seed, c.scaler)
        groups.setdefault(key, []).append(c)
    return list(groups.values())


def pending(cells: list[Cell], cells_dir: Path, retry_failed: bool = False) -> list[Cell]:
    """Cells without a complete stored result (failed ones too when `retry_failed`)."""
    todo = []
    for cell in cells:
        if not cell_is_complete(cells_dir, cell.key):
            todo.append(cell)
        elif retry_failed and (read_cell_record(cells_dir, cell.key) or {}).get("status") != "ok":
            todo.append(cell)
    return todo

"""Run a suite's grid: skip finished cells, run the rest on an executor, record the environment.

Executors:
  - ``local``: a process pool (``spawn``; forking after JAX starts deadlocks),
    one single-threaded XLA worker per core; ``workers=1`` runs in this process.
  - ``dask``: a Dask cluster (``scheduler`` address) or a LocalCluster on loopback.
Each cell is written atomically as it finishes, so a killed run loses at most
the cells in flight and a re-run computes only what is missing.
"""
from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from frostnet_jax import __version__
from frostnet_jax.bench.cells import Cell, configure_worker, pending, run_cells, seed_groups, suite_cells
from frostnet_jax.bench.environment import environment_record
from frostnet_jax.bench.storage import ResultsLock
from frostnet_jax.files import atomic_write_text
from frostnet_jax.bench.suite import Suite
from frostnet_jax.errors import ConfigError

EXECUTORS = ("local", "dask")


@dataclasses.dataclass
class RunSummary:
    """What a run did: cells in the grid, reused, computed, and failed (with reasons)."""

    total: int
    reused: int
    computed: int
    failed: list[tuple[str, str]]
    seconds: float
    note: str = ""


def default_cache_dir() -> str:
    """The persistent JAX compilation cache (override with FROSTNET_JAX_CACHE)."""
    base = os.environ.get("FROSTNET_JAX_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "frostnet_jax", "jax")
    return base


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"Results folder {folder} is not writable ({exc.strerror}); "
                          "pass --out to a folder you can write.") from None


def _init_worker(cache_dir: str, counter: Any) -> None:
    """Pool initializer: single-threaded XLA, the compilation cache, and one core per worker."""
    configure_worker(cache_dir, single_thread=True)
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[index % len(cpus)]})


def _local(units: list[list[Cell]], cells_dir: str, workers: int, cache_dir: str,
           seed_path: str) -> Iterator[list[dict[str, Any]]]:
    if workers == 1:
        for unit in units:
            yield run_cells(unit, cells_dir, cache_dir, False, seed_path)
        return
    ctx = multiprocessing.get_context("spawn")
    counter = ctx.Value("i", 0)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(cache_dir, counter)) as pool:
        futures = [pool.submit(run_cells, unit, cells_dir, cache_dir, True, seed_path) for unit in units]
        for fut in as_completed(futures):
            yield fut.result()


def _dask(units: list[list[Cell]], cells_dir: str, workers: int, cache_dir: str, seed_path: str,
          scheduler: str | None) -> Iterator[list[dict[str, Any]]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed as dask_completed
    except ImportError:
        raise ConfigError("The dask executor needs the optional extra: pip install 'frostnet-jax[dask]'.") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        futures = [client.submit(run_cells, unit, cells_dir, cache_dir, True, seed_path, pure=False)
                   for unit in units]
        for fut in dask_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def choose_seed_parallelism(requested: str = "auto") -> str:
    """"vmap" (seed groups in one compiled program) on accelerators, "processes" on CPU.

    Measured on a 2-core CPU: two single-thread processes train 1.7-1.9x the
    windows/s of one process, and vmap over seeds trains each seed slower than
    a separate fit; on accelerators one vmapped program wins.
    """
    if requested not in ("auto", "processes", "vmap"):
        raise ConfigError(f"seed parallelism must be 'auto', 'processes' or 'vmap'; got {requested!r}.")
    if requested != "auto":
        return requested
    import jax

    return "processes" if jax.default_backend() == "cpu" else "vmap"


def run_suite(suite: Suite, out_dir: Path, *, executor: str = "local", workers: int | None = None,
              scheduler: str | None = None, retry_failed: bool = False, seed_parallel: str = "auto",
              on_cell: Callable[[dict[str, Any], int, int], None] | None = None) -> RunSummary:
    """Compute every missing cell of `suite` into `out_dir/cells/`; write `out_dir/env.json`.

    Args:
      workers: worker processes (default: the number of cores; 1 runs in this process;
        on the vmap path the default is 1: one process drives the accelerator).
      seed_parallel: "auto", "processes" or "vmap" (see `choose_seed_parallelism`); vmap
        groups the seeds of a detector that share one dataset (suite `data_seed`).
      on_cell: called as on_cell(record, done, total) after each computed cell (progress bars).
    """
    if executor not in EXECUTORS:
        raise ConfigError(f"Unknown executor {executor!r}; use one of {', '.join(EXECUTORS)}.")
    out_dir = Path(out_dir).resolve()  # remote (Dask) workers write here: it must be absolute
    _check_writable(out_dir)
    cache_dir = default_cache_dir()
    configure_worker(cache_dir, single_thread=False)  # this process: the cache only
    path = choose_seed_parallelism(seed_parallel)
    if workers is None:
        workers = 1 if path == "vmap" else os.cpu_count() or 1
    if workers < 1:
        raise ConfigError(f"workers must be at least 1; got {workers}.")
    cells = suite_cells(suite, __version__)
    cells_dir = out_dir / "cells"
    cells_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with ResultsLock(out_dir):
        todo = pending(cells, cells_dir, retry_failed)
        units = seed_groups(todo, vmap=path == "vmap")
        workers = min(workers, max(len(units), 1))
        env = environment_record(suite, executor=executor, workers=workers, seed_parallelism=path)
        previous = _previous_env(out_dir)
        if previous and previous.get("package_version") != __version__:
            env["note"] = (f"cells from version {previous.get('package_version')} in this folder are not "
                           f"reused: cell keys include the version ({__version__} now).")
        atomic_write_text(out_dir / "env.json", json.dumps(env, indent=1, sort_keys=True, default=str))
        failed: list[tuple[str, str]] = []
        seed_path = "vmap" if path == "vmap" else "loop"
        runs = (_local(units, str(cells_dir), workers, cache_dir, seed_path) if executor == "local"
                else _dask(units, str(cells_dir), workers, cache_dir, seed_path, scheduler))
        done = 0
        for records in runs:
            for record in records:
                done += 1
                if record["status"] != "ok":
                    failed.append((f"{record['label']} on {record['dataset']} (seed {record['seed']})",
                                   record.get("reason", "")))
                if on_cell:
                    on_cell(record, done, len(todo))
    return RunSummary(total=len(cells), reused=len(cells) - len(todo), computed=len(todo),
                      failed=failed, seconds=time.perf_counter() - start, note=env.get("note", ""))


def _previous_env(out_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((out_dir / "env.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None

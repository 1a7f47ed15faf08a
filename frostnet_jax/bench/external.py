"""Bring per-timestamp scores of a method outside this package into a suite's results."""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np

from frostnet_jax import __version__, load_dataset
from frostnet_jax.bench.cells import base_record, dataset_arrays, dataset_record, suite_cells
from frostnet_jax.bench.storage import write_cell
from frostnet_jax.bench.suite import DetectorSpec, Suite
from frostnet_jax.data.preprocess import fill_missing
from frostnet_jax.errors import DataError


def read_score_file(path: Path, n: int) -> np.ndarray:
    """(n,) float64 scores from a .npy (no pickle) or a one-column .csv/.txt; checked for length and NaN."""
    try:
        if path.suffix == ".npy":
            scores = np.load(path, allow_pickle=False)
        else:
            scores = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=1)
        scores = np.asarray(scores, dtype=np.float64).ravel()
    except ValueError as exc:
        raise DataError(f"{path}: could not read scores ({exc}); write one float per line or a .npy "
                        "array of floats.") from None
    if scores.shape != (n,):
        raise DataError(f"{path}: {scores.size} scores for a series of {n} timestamps; score every "
                        "timestamp of the whole series (train, validation and test).")
    if not np.isfinite(scores).all():
        raise DataError(f"{path}: {int((~np.isfinite(scores)).sum())} scores are NaN or inf; "
                        "give a finite score for every timestamp.")
    return scores


def import_scores(suite: Suite, folder: Path, name: str, out: Path) -> Suite:
    """Store `folder/<dataset>_seed<k>.{npy,csv,txt}` as cells of a detector `name`; returns the suite with it.

    Raises DataError naming any file that is missing, of the wrong length or non-finite.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"score folder {folder} does not exist.")
    files = {}
    for ds in suite.datasets:
        for seed in suite.seeds:
            hits = [folder / f"{ds}_seed{seed}{ext}" for ext in (".npy", ".csv", ".txt")]
            hits = [h for h in hits if h.is_file()]
            if not hits:
                raise DataError(f"no score file for dataset {ds!r}, seed {seed} in {folder}: expected "
                                f"{ds}_seed{seed}.npy (or .csv). Export the data with "
                                f"`python -m frostnet_jax data export {ds} --seed {seed}`.")
            files[(ds, seed)] = hits[0]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files.values())).hexdigest()[:16]
    spec = DetectorSpec(name="external", params={"source": name, "sha256": digest}, label=name)
    for cell in suite_cells(dataclasses.replace(suite, detectors=(spec,)), __version__):
        path = files[(cell.dataset, cell.seed)]
        ds = load_dataset(cell.dataset, seed=cell.data_seed, **cell.dataset_params)
        scores = read_score_file(path, ds.n)
        record = {**base_record(cell), "status": "ok", "fit_s": float("nan"), "score_s": float("nan"),
                  "compile_s": float("nan"), "source_file": str(path), **dataset_record(ds)}
        write_cell(Path(out) / "cells", cell.key, record, dataset_arrays(ds, fill_missing(ds.values)[1], scores))
    others = tuple(d for d in suite.detectors if d.label != name)
    return dataclasses.replace(suite, detectors=others + (spec,))

"""Checksums and export of a Dataset to CSV plus a short Markdown datasheet."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from frostnet_jax.data.dataset import Dataset, check_name
from frostnet_jax.data.preprocess import quality_summary
from frostnet_jax.errors import ConfigError


def checksum(dataset: Dataset, decimals: int | None = None) -> str:
    """SHA-256 hex of the bytes of values (float64, C order) then labels (int8).

    `decimals` rounds the values first: the test pins use 9, so that a 1-ulp
    difference of a vectorised exp/sin between CPUs does not read as a data change.
    """
    values = np.asarray(dataset.values, dtype=np.float64)
    values = values if decimals is None else np.round(values, decimals) + 0.0   # + 0.0: no -0.0
    digest = hashlib.sha256(np.ascontiguousarray(values).tobytes())
    digest.update(np.ascontiguousarray(dataset.labels, dtype=np.int8).tobytes())
    return digest.hexdigest()


def to_frame(dataset: Dataset) -> pd.DataFrame:
    """(T rows) timestamp, value column(s), label, anomaly_type, split."""
    d = dataset.values.shape[1]
    cols = ["value"] if d == 1 else [f"value_{i}" for i in range(d)]
    split = np.full(dataset.n, "test", dtype=object)
    split[dataset.split("train")], split[dataset.split("val")] = "train", "val"
    frame = pd.DataFrame(dataset.values, columns=cols)
    frame.insert(0, "timestamp", pd.to_datetime(dataset.timestamps))
    return frame.assign(label=dataset.labels, anomaly_type=dataset.anomaly_type, split=split)


def datasheet(dataset: Dataset) -> str:
    """A short Markdown datasheet: provenance, unit, splits, anomaly counts, quality, checksum."""
    kinds, counts = np.unique(dataset.anomaly_type[dataset.labels == 1].astype(str), return_counts=True)
    events = dataset.meta.get("events", [])
    per_kind = {k: sum(e["kind"] == k for e in events) for k in kinds} if events else {}
    meta = {k: v for k, v in dataset.meta.items() if k not in ("events", "description")}
    lines = [
        f"# {dataset.name} (seed {dataset.seed})", "",
        dataset.meta.get("description", ""), "",
        f"- points: {dataset.n}, channels: {dataset.values.shape[1]}, unit: {dataset.unit}",
        f"- time: {dataset.timestamps[0]} to {dataset.timestamps[-1]}",
        f"- splits (0-based rows): train [0, {dataset.train_end}), val [{dataset.train_end}, "
        f"{dataset.val_end}), test [{dataset.val_end}, {dataset.n})",
        f"- anomalous points: {int(dataset.labels.sum())} "
        f"({100 * dataset.labels.mean():.2f} %); in train {int(dataset.labels[dataset.split('train')].sum())}, "
        f"in val {int(dataset.labels[dataset.split('val')].sum())}",
        f"- sha256(values float64 + labels int8): `{checksum(dataset)}`", "",
        "| anomaly type | points | events |", "|---|---|---|",
        *[f"| {k} | {c} | {per_kind.get(k, '')} |" for k, c in zip(kinds, counts)], "",
        f"Data quality: `{json.dumps(quality_summary(dataset.timestamps, dataset.values))}`", "",
        f"Meta: `{json.dumps(meta, default=str)}`", "",
        "CSV columns: timestamp, value(s) (empty = missing), label (1 = anomalous), "
        "anomaly_type, split (train/val/test).", "",
    ]
    return "\n".join(lines)


def original_frame(dataset: Dataset) -> pd.DataFrame:
    """The original FrostNet CSV layout: ``Timestamp``, ``Temperature (°C)``, ``Anomaly`` (T rows)."""
    if dataset.values.shape[1] != 1 or dataset.unit != "degC":
        raise ConfigError(f"the original FrostNet columns hold one temperature in degC; {dataset.name!r} has "
                          f"{dataset.values.shape[1]} channel(s) in {dataset.unit!r}. Export without "
                          "--original-columns.")
    return pd.DataFrame({"Timestamp": pd.to_datetime(dataset.timestamps),
                         "Temperature (°C)": dataset.values[:, 0], "Anomaly": dataset.labels})


def export_dataset(dataset: Dataset, out_dir: str | Path, original_columns: bool = False) -> tuple[Path, Path]:
    """Write ``<name>_seed<S>.csv`` and ``.md`` into `out_dir`; returns both paths.

    original_columns: write the original FrostNet layout (see `original_frame`) instead of `to_frame`'s.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{check_name(dataset.name)}_seed{dataset.seed}"
    csv_path, md_path = out / f"{stem}.csv", out / f"{stem}.md"
    frame = original_frame(dataset) if original_columns else to_frame(dataset)
    frame.to_csv(csv_path, index=False, float_format="%.10g")
    md_path.write_text(datasheet(dataset))
    return csv_path, md_path

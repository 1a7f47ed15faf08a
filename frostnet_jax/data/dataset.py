"""The Dataset container every scenario and loader returns."""
from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np

from frostnet_jax.errors import DataError


def check_name(name: str) -> str:
    """`name` if it holds no path (no '/', '\\', '..', leading '.', control character); else DataError."""
    if (not isinstance(name, str) or not name or name.startswith(".") or ".." in name
            or any(c in name for c in "/\\") or not name.isprintable()):
        raise DataError(f"dataset name {name!r} contains a path or is empty: use a plain name of "
                        "letters, digits, '_', '-' (names become file names on export).")
    return name


def safe_name(text: str) -> str:
    """A plain dataset name made from free text (a file stem): other characters become '_'."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._-").replace("..", "_")
    return name or "dataset"


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A labelled series split by time into train / validation / test.

    Fields (T timestamps, D channels):
      name: registry name, e.g. ``"ln2-medium"``.
      values: (T, D) float64 raw values; NaN where a value is missing.
      labels: (T,) int8, 1 = anomalous.
      timestamps: (T,) datetime64[ns].
      anomaly_type: (T,) str, ``"normal"`` on normal points.
      unit: unit of `values`, e.g. ``"K"`` or ``"degC"``.
      train_end, val_end: train = [0, train_end), validation = [train_end, val_end),
        test = [val_end, T).
      seed: the seed it was generated or loaded with.
      meta: free-form provenance (scenario version, generator, source file).
    """

    name: str
    values: np.ndarray
    labels: np.ndarray
    timestamps: np.ndarray
    anomaly_type: np.ndarray
    unit: str
    train_end: int
    val_end: int
    seed: int = 0
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        check_name(self.name)
        values = np.asarray(self.values, dtype=np.float64)
        if values.ndim == 1:
            values = values[:, None]
        object.__setattr__(self, "values", values)
        n = values.shape[0]
        labels = np.asarray(self.labels)
        if labels.shape != (n,):
            raise DataError(f"dataset {self.name!r}: labels have shape {labels.shape}, values have "
                            f"{n} timestamps; give one 0/1 label per timestamp.")
        if labels.size and not np.isin(labels, (0, 1)).all():
            bad = np.unique(labels[~np.isin(labels, (0, 1))])[:5]
            raise DataError(f"dataset {self.name!r}: labels must be 0 or 1; found {bad.tolist()}.")
        object.__setattr__(self, "labels", labels.astype(np.int8))
        atype = np.asarray(self.anomaly_type, dtype=object)
        if atype.shape != (n,):
            raise DataError(f"dataset {self.name!r}: anomaly_type has shape {atype.shape}, expected ({n},).")
        object.__setattr__(self, "anomaly_type", atype)
        ts = np.asarray(self.timestamps, dtype="datetime64[ns]")
        if ts.shape != (n,):
            raise DataError(f"dataset {self.name!r}: timestamps have shape {ts.shape}, expected ({n},).")
        object.__setattr__(self, "timestamps", ts)
        if not 0 < self.train_end <= self.val_end < n:
            raise DataError(f"dataset {self.name!r}: need 0 < train_end <= val_end < T; got "
                            f"train_end={self.train_end}, val_end={self.val_end}, T={n}.")

    @property
    def mask(self) -> np.ndarray:
        """(T,) bool, True where every channel holds an observed value."""
        return np.isfinite(self.values).all(axis=1)

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def split(self, part: str) -> slice:
        """The slice of `part` in {"train", "val", "test"}."""
        slices = {"train": slice(0, self.train_end), "val": slice(self.train_end, self.val_end),
                  "test": slice(self.val_end, self.n)}
        if part not in slices:
            raise DataError(f"Unknown split {part!r}; use one of {sorted(slices)}.")
        return slices[part]

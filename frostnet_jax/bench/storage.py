"""Write-once, atomic, checksummed cell files and the results-folder lock.

A finished cell is two files in ``<results>/cells/``: ``<hash>.npz`` (arrays,
``allow_pickle=False``) and ``<hash>.json`` (config, status, timings and the
SHA-256 of the npz). The JSON is written last and is the commit marker: a
cell whose JSON is missing, unparsable or whose npz does not match its
checksum is treated as unfinished and recomputed.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from frostnet_jax.errors import CheckpointError, ConfigError
from frostnet_jax.files import atomic_write_bytes, atomic_write_text

FORMAT_VERSION = 1


def write_cell(cells_dir: Path, key: str, record: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Store one finished (or failed) cell: arrays first, then the JSON marker."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    data = buf.getvalue()
    atomic_write_bytes(cells_dir / f"{key}.npz", data)
    record = {**record, "format": FORMAT_VERSION, "npz_sha256": hashlib.sha256(data).hexdigest()}
    atomic_write_text(cells_dir / f"{key}.json", json.dumps(record, indent=1, sort_keys=True))


def read_cell_record(cells_dir: Path, key: str) -> dict[str, Any] | None:
    """The JSON record of a cell, or None when it is absent or unreadable (then: recompute)."""
    path = cells_dir / f"{key}.json"
    try:
        record = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT_VERSION:
        return None
    return record


def read_cell_arrays(cells_dir: Path, key: str, record: dict[str, Any]) -> dict[str, np.ndarray]:
    """The arrays of a cell, checked against the checksum in its record."""
    path = cells_dir / f"{key}.npz"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"{path} is missing although its record exists; delete "
                              f"{key}.json to recompute the cell.") from None
    if hashlib.sha256(data).hexdigest() != record.get("npz_sha256"):
        raise CheckpointError(f"{path} does not match its checksum (truncated or corrupted); "
                              "re-run the suite to recompute it.")
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def cell_is_complete(cells_dir: Path, key: str) -> bool:
    """True when the cell's record exists and its arrays match their checksum."""
    record = read_cell_record(cells_dir, key)
    if record is None:
        return False
    try:
        data = (cells_dir / f"{key}.npz").read_bytes()
    except FileNotFoundError:
        return False
    return hashlib.sha256(data).hexdigest() == record.get("npz_sha256")


class ResultsLock:
    """An exclusive lock on a results folder (``.lock`` holding the owner's pid).

    A lock left by a dead process is taken over; a live one raises ConfigError.
    """

    def __init__(self, folder: Path):
        self.path = Path(folder) / ".lock"

    def __enter__(self) -> ResultsLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".lock.", suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            try:
                os.link(tmp, self.path)  # atomic: the lock appears with its pid already inside
            except FileExistsError:
                try:
                    pid = int(self.path.read_text().strip() or 0)
                except (OSError, ValueError):
                    pid = 0
                if pid and _alive(pid):
                    raise ConfigError(f"{self.path.parent} is in use by another run (pid {pid}); wait for "
                                      f"it to finish, or delete {self.path} if that process is gone.") from None
                self.path.unlink(missing_ok=True)
                continue
            finally:
                os.unlink(tmp)
            return self
        raise ConfigError(f"could not take the lock {self.path}; delete it and retry.")

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

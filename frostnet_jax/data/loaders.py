"""Real-data loaders: NAB (CSV + label windows), the UCR Anomaly Archive, and generic CSV logs.

Every loader returns a :class:`~frostnet_jax.data.dataset.Dataset` and raises
:class:`~frostnet_jax.errors.DataError` naming the file, row or column and the
fix when the input is malformed. Rows are reported as 1-based line numbers of
the file (the header is line 1).
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from frostnet_jax.data.dataset import Dataset, safe_name
from frostnet_jax.errors import DataError

# NAB (github.com/numenta/NAB, labels/combined_windows.json at commit ea702d7),
# the two temperature files: inclusive [start, end] scoring windows.
NAB_WINDOWS: dict[str, list[list[str]]] = {
    "realKnownCause/ambient_temperature_system_failure.csv": [
        ["2013-12-15 07:00:00.000000", "2013-12-30 09:00:00.000000"],
        ["2014-03-29 15:00:00.000000", "2014-04-20 22:00:00.000000"],
    ],
    "realKnownCause/machine_temperature_system_failure.csv": [
        ["2013-12-10 06:25:00.000000", "2013-12-12 05:35:00.000000"],
        ["2013-12-15 17:50:00.000000", "2013-12-17 17:00:00.000000"],
        ["2014-01-27 14:20:00.000000", "2014-01-29 13:30:00.000000"],
        ["2014-02-07 14:55:00.000000", "2014-02-09 14:05:00.000000"],
    ],
}


def _read_table(path: Path, sep: str) -> pd.DataFrame:
    """The CSV at `path` as strings; empty or unreadable files raise DataError."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file; check the path.")
    try:
        table = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True,
                            encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; give a CSV with a header line and data rows.") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: not a {sep!r}-separated table ({exc}); check the separator (sep=).") from None
    if table.empty:
        raise DataError(f"{path}: has a header but no data rows; give at least one row.")
    return table


def _require(table: pd.DataFrame, path: Path, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; the file has {list(table.columns)}. "
                        "Name the right columns (time_col=, value_cols=, label_col=).")


def _numbers(column: pd.Series, path: Path, name: str) -> np.ndarray:
    """(T,) float64 of a string column; empty cells and 'nan' are NaN, other text raises DataError."""
    text = column.str.strip()
    blank = text.str.lower().isin(["", "nan", "na", "null"]).to_numpy()
    values = pd.to_numeric(text.where(~blank, "nan"), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(np.isnan(values) & ~blank)
    if bad.size:
        raise DataError(f"{path}: line {bad[0] + 2}, column {name!r}: {column.iloc[bad[0]]!r} is not a "
                        "number; fix or blank the cell (blank cells are read as missing).")
    if not np.isfinite(values).any():
        raise DataError(f"{path}: column {name!r} has no numeric value (all missing); load another column.")
    return values


def _times(column: pd.Series, path: Path, name: str, ordered: bool) -> np.ndarray:
    """(T,) datetime64[ns] (zone offsets converted to UTC); unparsable cells raise, and so does a
    step back in time if `ordered`."""
    text = column.str.strip()
    parsed = pd.to_datetime(text, errors="coerce", utc=True)
    if parsed.isna().any():   # the format inferred from the first row does not fit every row
        parsed = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    ts = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    bad = np.flatnonzero(np.isnat(ts))
    if bad.size:
        raise DataError(f"{path}: line {bad[0] + 2}, column {name!r}: {column.iloc[bad[0]]!r} is not a "
                        "timestamp; use ISO format like 2024-01-31 12:00:00.")
    back = np.flatnonzero(np.diff(ts) < np.timedelta64(0, "ns"))
    if ordered and back.size:
        i = back[0] + 1
        raise DataError(f"{path}: timestamps out of order at line {i + 2} ({ts[i]} comes after "
                        f"{ts[i - 1]}); sort the file by time.")
    return ts


def _labels(column: pd.Series, path: Path, name: str) -> np.ndarray:
    """(T,) int8 labels; anything but 0/1 raises DataError naming the line."""
    values = _numbers(column, path, name)
    bad = np.flatnonzero(~np.isin(values, (0.0, 1.0)))
    if bad.size:
        raise DataError(f"{path}: line {bad[0] + 2}, column {name!r}: label {column.iloc[bad[0]]!r} is "
                        "not 0 or 1; use 1 for anomalous rows and 0 otherwise.")
    return values.astype(np.int8)


def _split(n: int, train_frac: float, val_frac: float, path: Path) -> tuple[int, int]:
    train_end, val_end = int(n * train_frac), int(n * (train_frac + val_frac))
    if not 0 < train_end <= val_end < n:
        raise DataError(f"{path}: {n} rows are too few for train_frac={train_frac}, val_frac={val_frac}; "
                        "give a longer series or other fractions.")
    return train_end, val_end


def _labelled_meta(labels: np.ndarray, train_end: int, val_end: int) -> dict[str, int]:
    """How many labelled points fall in train and validation (real data cannot promise none)."""
    return {"labelled_in_train": int(labels[:train_end].sum()),
            "labelled_in_val": int(labels[train_end:val_end].sum())}


def load_csv(path: str | Path, time_col: str = "timestamp", value_cols: Sequence[str] | None = None,
             label_col: str | None = None, sep: str = ",", unit: str = "", name: str | None = None,
             train_frac: float = 0.5, val_frac: float = 0.2, ordered: bool = True) -> Dataset:
    """A user's sensor log: one time column, value columns, an optional 0/1 label column.

    Args:
      path: CSV file with a header line.
      time_col: timestamp column (ISO strings).
      value_cols: value columns (default: every column but time and label).
      label_col: optional column of 0/1 labels (default: all normal).
      sep: field separator.
      ordered: require non-decreasing timestamps (equal ones are allowed; see
        `preprocess.drop_duplicates`).
    Returns:
      Dataset with values (T, D); blank or 'nan' cells are NaN (missing).
    """
    path = Path(path)
    table = _read_table(path, sep)
    if value_cols is None:
        value_cols = [c for c in table.columns if c not in (time_col, label_col)]
    _require(table, path, [time_col, *value_cols, *([label_col] if label_col else [])])
    if not value_cols:
        raise DataError(f"{path}: no value column besides {time_col!r}; add one or pass value_cols=.")
    ts = _times(table[time_col], path, time_col, ordered)
    values = np.stack([_numbers(table[c], path, c) for c in value_cols], axis=1)
    labels = _labels(table[label_col], path, label_col) if label_col else np.zeros(len(table), np.int8)
    train_end, val_end = _split(len(table), train_frac, val_frac, path)
    return Dataset(
        name=name or safe_name(path.stem), values=values, labels=labels, timestamps=ts,
        anomaly_type=np.where(labels == 1, "labelled", "normal"), unit=unit,
        train_end=train_end, val_end=val_end,
        meta={"source": str(path), "columns": list(value_cols), "loader": "csv",
              **_labelled_meta(labels, train_end, val_end)},
    )


def read_nab_windows(windows: str | Path | dict | None, key: str) -> list[tuple[np.datetime64, np.datetime64]]:
    """Inclusive (start, end) windows of NAB file `key` (e.g. 'realKnownCause/x.csv').

    `windows` is a combined_windows.json path, its parsed dict, or None for the
    built-in :data:`NAB_WINDOWS`.
    """
    if windows is None:
        table = NAB_WINDOWS
    elif isinstance(windows, dict):
        table = windows
    else:
        try:
            table = json.loads(Path(windows).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(f"{windows}: cannot read the NAB windows JSON ({exc}); re-fetch it with "
                            "`python -m frostnet_jax data fetch nab`.") from None
    if key not in table:
        raise DataError(f"NAB windows have no entry {key!r}; known: {sorted(table)}.")
    return [(np.datetime64(pd.Timestamp(a), "ns"), np.datetime64(pd.Timestamp(b), "ns"))
            for a, b in table[key]]


def load_nab(path: str | Path, windows: str | Path | dict | None = None, name: str | None = None,
             unit: str = "unknown", train_frac: float = 0.15, val_frac: float = 0.10) -> Dataset:
    """A NAB data file (``timestamp,value``) labelled by its scoring windows.

    Rows are kept in file order and labelled by position: row i is anomalous when
    some window has ``start <= timestamp[i] <= end`` (machine_temperature repeats an
    hour; deduplicating would change the row count). The split follows NAB's
    probationary period: train = the first 15 %, validation the next 10 %;
    `meta` counts labelled points that fall in them.
    """
    path = Path(path)
    table = _read_table(path, ",")
    _require(table, path, ["timestamp", "value"])
    ts = _times(table["timestamp"], path, "timestamp", ordered=False)
    values = _numbers(table["value"], path, "value")
    labels = np.zeros(ts.size, dtype=np.int8)
    for start, end in read_nab_windows(windows, f"realKnownCause/{path.name}"):
        labels[(ts >= start) & (ts <= end)] = 1
    train_end, val_end = _split(ts.size, train_frac, val_frac, path)
    return Dataset(
        name=name or f"nab-{path.stem.removesuffix('_system_failure')}", values=values, labels=labels,
        timestamps=ts, anomaly_type=np.where(labels == 1, "labelled", "normal"), unit=unit,
        train_end=train_end, val_end=val_end,
        meta={"source": str(path), "loader": "nab", "labels": "NAB combined_windows (scoring windows)",
              "duplicate_timestamps": int(ts.size - np.unique(ts).size),
              **_labelled_meta(labels, train_end, val_end)},
    )


UCR_NAME = re.compile(r"^(\d+)_UCR_Anomaly_(.+)_(\d+)_(\d+)_(\d+)\.txt$")


def load_ucr(path: str | Path, val_frac_of_train: float = 0.2) -> Dataset:
    """A UCR Anomaly Archive file ``NNN_UCR_Anomaly_<name>_<trainEnd>_<begin>_<end>.txt``.

    Positions in the name are 1-based, as in the archive: points 1..trainEnd
    are training data and points begin..end (inclusive) are the anomaly. In
    0-based rows: train + validation = [0, trainEnd), labels[begin-1 : end] = 1.
    The last `val_frac_of_train` of the training part becomes validation.
    Values are whitespace-separated (one per line, or all on one line).
    """
    path = Path(path)
    match = UCR_NAME.match(path.name)
    if not match:
        raise DataError(f"{path}: file name does not follow NNN_UCR_Anomaly_<name>_<trainEnd>_<begin>_"
                        "<end>.txt; rename it or use load_csv.")
    number, series, train_n, begin, end = match.groups()
    train_n, begin, end = int(train_n), int(begin), int(end)
    if not path.is_file():
        raise DataError(f"{path}: no such file; check the path.")
    tokens = path.read_text().split()
    if not tokens:
        raise DataError(f"{path}: the file is empty; a UCR file holds one value per line.")
    try:
        values = np.array(tokens, dtype=np.float64)
    except ValueError:
        bad = next(i for i, tok in enumerate(tokens) if not _is_float(tok))
        raise DataError(f"{path}: value {bad + 1} ({tokens[bad]!r}) is not a number; fix the file.") from None
    n = values.size
    if not 1 <= train_n < begin <= end <= n:
        raise DataError(f"{path}: the name says trainEnd={train_n}, anomaly {begin}..{end} (1-based), "
                        f"but the file has {n} values; need 1 <= trainEnd < begin <= end <= {n}.")
    labels = np.zeros(n, dtype=np.int8)
    labels[begin - 1:end] = 1
    train_end = max(1, int(train_n * (1.0 - val_frac_of_train)))
    return Dataset(
        name=f"ucr-{number}-{safe_name(series)}", values=values, labels=labels,
        timestamps=np.datetime64("2000-01-01", "ns") + np.arange(n).astype("timedelta64[m]"),
        anomaly_type=np.where(labels == 1, "labelled", "normal"), unit="unknown",
        train_end=train_end, val_end=train_n,
        meta={"source": str(path), "loader": "ucr", "positions": "1-based in the file name",
              "anomaly_rows_0based": [begin - 1, end - 1], "timestamps": "synthetic, 1 min apart"},
    )


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True

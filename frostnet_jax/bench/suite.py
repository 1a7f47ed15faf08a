"""Suites: TOML files (read with tomllib, no code runs on load) frozen into dataclasses.

Schema (see the README for an example)::

    [suite]                         # required
    name = "quick"                  # folder under results/
    description = "..."
    seeds = [0, 1, 2]               # seed i drives the data and the model
    data_seed = 0                   # optional: one dataset for every model seed
    datasets = ["ln2-medium"]
    metrics = ["vus_pr", "auc_pr"]  # threshold-free metrics; the first is the headline
    window = 100                    # VUS / range-metric window, or a named rule ("period")
    scaler = "minmax"               # fitted on the train split only
    [suite.dataset_params]          # optional, per dataset: keyword arguments of its factory
    "ln2-medium" = { n = 4000 }
    [threshold]                     # operating point, fitted on validation scores only
    rule = "spot"                   # + its parameters, e.g. q = 1e-3
    [[detector]]                    # one table per detector configuration
    name = "lstm_ae"
    label = "LSTM-AE"               # optional, for tables
    params = { epochs = 5 }         # optional hyperparameters
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from frostnet_jax.errors import ConfigError, unknown_name_message

# benchmarks/suites/ in a checkout; installed copies carry the same files as frostnet_jax/suites/
_PACKAGE = Path(__file__).resolve().parents[1]
SUITES_DIR = next((d for d in (_PACKAGE.parent / "benchmarks" / "suites", _PACKAGE / "suites") if d.is_dir()),
                  _PACKAGE / "suites")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SUITE_KEYS = {"name", "description", "seeds", "datasets", "metrics", "window", "scaler", "dataset_params",
               "data_seed"}
_DETECTOR_KEYS = {"name", "label", "params"}


@dataclasses.dataclass(frozen=True)
class DetectorSpec:
    """One detector configuration of a suite."""

    name: str
    params: dict[str, Any]
    label: str

    @property
    def params_hash(self) -> str:
        """Hash of the sorted hyperparameters (8 hex digits)."""
        return stable_hash({"name": self.name, "params": self.params})[:8]


@dataclasses.dataclass(frozen=True)
class Suite:
    """A frozen suite: detectors x datasets x seeds, metrics, window and threshold rule."""

    name: str
    description: str
    detectors: tuple[DetectorSpec, ...]
    datasets: tuple[str, ...]
    seeds: tuple[int, ...]
    metrics: tuple[str, ...]
    window: int | str
    scaler: str
    threshold: dict[str, Any]
    dataset_params: dict[str, dict[str, Any]]
    data_seed: int | None = None  # None: seed i drives the data and the model

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def narrowed(self, detectors: list[str] | None = None, datasets: list[str] | None = None,
                 seeds: list[int] | None = None) -> Suite:
        """A copy restricted to the given detector names/labels, datasets and seeds."""
        dets = self.detectors
        if detectors:
            known = {d.name for d in dets} | {d.label for d in dets}
            for name in detectors:
                if name not in known:
                    raise ConfigError(unknown_name_message(f"detector of suite {self.name!r}", name, known))
            dets = tuple(d for d in dets if d.name in detectors or d.label in detectors)
        ds = self.datasets
        if datasets:
            for name in datasets:
                if name not in ds:
                    raise ConfigError(unknown_name_message(f"dataset of suite {self.name!r}", name, ds))
            ds = tuple(d for d in ds if d in datasets)
        if seeds and any(s < 0 for s in seeds):
            raise ConfigError(f"seeds must be non-negative integers; got {seeds}.")
        return dataclasses.replace(self, detectors=dets, datasets=ds,
                                   seeds=tuple(seeds) if seeds else self.seeds)


def stable_hash(obj: Any) -> str:
    """SHA-256 of the canonical JSON of `obj` (sorted keys)."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def suite_path(name: str) -> Path:
    """The file of a shipped suite; names are plain words (no paths)."""
    if not _SLUG.match(name) or ".." in name:
        raise ConfigError(f"Suite name {name!r} must be a plain name like 'quick' (no path); "
                          "pass a file of your own with --suite-file PATH.")
    path = SUITES_DIR / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in SUITES_DIR.glob("*.toml"))
        raise ConfigError(unknown_name_message("suite", name, known))
    return path


def load_suite(name: str | None = None, path: str | Path | None = None) -> Suite:
    """Load and validate a suite by shipped `name` or from a TOML file `path`."""
    file = Path(path) if path is not None else suite_path(str(name))
    try:
        raw = tomllib.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Suite file {file} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Suite file {file} is not valid TOML: {exc}. Fix that line.") from None
    return parse_suite(raw, source=str(file))


def _require(cond: bool, source: str, msg: str) -> None:
    if not cond:
        raise ConfigError(f"{source}: {msg}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_params(factory: Any, params: Any, what: str, where: str) -> None:
    """Keyword parameters of a suite entry: a table, no 'seed' (seeds come from [suite]), names it
    takes, and values of the type of each parameter's default (numbers for numbers)."""
    import inspect

    from frostnet_jax.registry import accepted_kwargs, check_kwargs

    if not isinstance(params, dict) or "seed" in params:
        raise ConfigError(f"{where}: parameters of {what} must be a table without 'seed' "
                          "(seeds come from [suite] seeds).")
    try:
        check_kwargs(factory, params, what)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    accepted = accepted_kwargs(factory)
    for key, value in params.items():
        default = accepted[key].default if key in accepted else inspect.Parameter.empty
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif isinstance(default, str):
            ok = isinstance(value, str)
        else:
            ok = True
        if not ok:
            raise ConfigError(f"{where}: {what} parameter {key!r} = {value!r} should be like its default "
                              f"{default!r} ({type(default).__name__}).")


def parse_suite(raw: dict[str, Any], source: str = "<suite>") -> Suite:
    """Validate a parsed TOML document and freeze it into a Suite."""
    from frostnet_jax import list_datasets, list_detectors
    from frostnet_jax.metrics import METRICS, WINDOW_RULES
    from frostnet_jax.registry import DATASETS, DETECTORS
    from frostnet_jax.thresholds import THRESHOLD_RULES

    unknown_top = set(raw) - {"suite", "threshold", "detector"}
    _require(not unknown_top, source, f"unknown table(s) {sorted(unknown_top)}; "
             "use [suite], [threshold] and [[detector]].")
    head = raw.get("suite")
    _require(isinstance(head, dict), source, "missing the [suite] table.")
    extra = set(head) - _SUITE_KEYS
    _require(not extra, source, f"unknown key(s) {sorted(extra)} in [suite]; known: {sorted(_SUITE_KEYS)}.")
    name = head.get("name")
    _require(isinstance(name, str) and bool(_SLUG.match(name)) and ".." not in name, source,
             f"[suite] name must be a plain name (letters, digits, '-', '_'); got {name!r}.")
    seeds = head.get("seeds", [0])
    _require(isinstance(seeds, list) and len(seeds) > 0 and all(_is_int(s) and s >= 0 for s in seeds),
             source, f"seeds must be a non-empty list of non-negative integers; got {seeds!r}.")
    _require(len(set(seeds)) == len(seeds), source, f"seeds repeat: {seeds}.")
    datasets = head.get("datasets", [])
    _require(isinstance(datasets, list) and len(datasets) > 0, source, "datasets must be a non-empty list.")
    known_ds = list_datasets()
    for ds in datasets:
        _require(ds in known_ds, source, unknown_name_message("dataset", ds, known_ds))
    metrics = head.get("metrics", ["vus_pr", "vus_roc", "auc_pr", "auc_roc"])
    _require(isinstance(metrics, list) and len(metrics) > 0, source, "metrics must be a non-empty list.")
    for m in metrics:
        _require(m in METRICS, source, unknown_name_message("metric", m, METRICS))
    data_seed = head.get("data_seed")
    _require(data_seed is None or (_is_int(data_seed) and data_seed >= 0), source,
             f"data_seed must be a non-negative integer; got {data_seed!r}.")
    window = head.get("window", 100)
    _require((_is_int(window) and window >= 1) or window in WINDOW_RULES, source,
             f"window must be a positive integer or one of the rules {sorted(WINDOW_RULES)}; got {window!r}.")
    dataset_params = head.get("dataset_params", {})
    _require(isinstance(dataset_params, dict) and set(dataset_params) <= set(datasets), source,
             "dataset_params keys must be datasets of the suite.")
    for ds, params in dataset_params.items():
        _check_params(DATASETS.get(ds), params, f"dataset {ds!r}", f"{source}: [suite.dataset_params]")
    threshold = dict(raw.get("threshold", {"rule": "spot"}))
    rule = threshold.get("rule")
    _require(rule in THRESHOLD_RULES, source, unknown_name_message("threshold rule", rule, THRESHOLD_RULES))
    _check_params(THRESHOLD_RULES[rule], {k: v for k, v in threshold.items() if k != "rule"},
                  f"threshold rule {rule!r}", f"{source}: [threshold]")
    specs = []
    entries = raw.get("detector", [])
    _require(isinstance(entries, list) and len(entries) > 0, source, "needs at least one [[detector]].")
    known_det = list_detectors()
    for i, entry in enumerate(entries):
        where = f"[[detector]] #{i + 1}"
        _require(isinstance(entry, dict) and not set(entry) - _DETECTOR_KEYS, source,
                 f"{where}: keys must be among {sorted(_DETECTOR_KEYS)}.")
        det = entry.get("name")
        _require(det in known_det, source, f"{where}: " + unknown_name_message("detector", det, known_det))
        params = entry.get("params", {})
        _check_params(DETECTORS.get(det), params, f"detector {det!r}", f"{source}: {where}")
        specs.append(DetectorSpec(name=det, params=params, label=str(entry.get("label", det))))
        _require(all((s.name, s.params) != (det, params) for s in specs[:-1]), source,
                 f"{where}: {det!r} with these params is already in the suite; its cells would be the same.")
    labels = [s.label for s in specs]
    _require(len(set(labels)) == len(labels), source,
             f"detector labels must be unique; give repeated detectors a `label` ({labels}).")
    return Suite(name=name, description=str(head.get("description", "")), detectors=tuple(specs),
                 datasets=tuple(datasets), seeds=tuple(seeds), metrics=tuple(metrics), window=window,
                 scaler=str(head.get("scaler", "minmax")), threshold=threshold,
                 dataset_params={k: dict(v) for k, v in dataset_params.items()}, data_seed=data_seed)

"""`python -m frostnet_jax data ...` subcommands: export, fetch, gallery, quality."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from frostnet_jax.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `data` command and its subcommands to the top-level parser."""
    parser = subparsers.add_parser("data", help="export, fetch, plot and inspect datasets")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
    sub = parser.add_subparsers(dest="data_command", metavar="SUBCOMMAND")

    export = sub.add_parser("export", help="write a dataset as CSV plus a Markdown datasheet")
    export.add_argument("name", help="registered dataset name, e.g. ln2-medium")
    export.add_argument("--seed", type=int, default=0)
    export.add_argument("--out", default="results/data", help="output folder (default results/data)")
    export.add_argument("--original-columns", action="store_true",
                        help="the original FrostNet CSV: Timestamp, Temperature (°C), Anomaly")
    export.set_defaults(func=cmd_export)

    fetch = sub.add_parser("fetch", help="download a real dataset into the data cache")
    fetch.add_argument("source", choices=["nab"], help="which data set")
    fetch.add_argument("--root", default=None, help="cache folder (default $FROSTNET_DATA or ~/.cache)")
    fetch.add_argument("--force", action="store_true", help="download again even if cached")
    fetch.set_defaults(func=cmd_fetch)

    gallery = sub.add_parser("gallery", help="write the gallery and the other data figures")
    gallery.add_argument("--out", default="results/figures")
    gallery.add_argument("--seed", type=int, default=0)
    gallery.add_argument("--difficulty", default="medium", choices=["easy", "medium", "hard"])
    gallery.set_defaults(func=cmd_gallery)

    quality = sub.add_parser("quality", help="print a data-quality summary of a dataset")
    quality.add_argument("name")
    quality.add_argument("--seed", type=int, default=0)
    quality.set_defaults(func=cmd_quality)


def _load(name: str, seed: int):
    from frostnet_jax.data.dataset import check_name
    from frostnet_jax.registry import DATASETS

    return DATASETS.create(check_name(name), seed=seed)


def cmd_export(args: argparse.Namespace) -> int:
    """Write <out>/<name>_seed<S>.csv and .md."""
    from frostnet_jax.data.export import export_dataset

    for path in export_dataset(_load(args.name, args.seed), args.out, args.original_columns):
        print(path)
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download and verify the NAB temperature files."""
    from frostnet_jax.data import fetch

    if args.source != "nab":
        raise ConfigError(f"unknown source {args.source!r}; use 'nab'.")
    print(fetch.fetch_nab(Path(args.root) if args.root else None, force=args.force))
    return 0


def cmd_gallery(args: argparse.Namespace) -> int:
    """Write gallery.png/.pdf, data_before_after.png and data_histograms.png."""
    from frostnet_jax.data.plots import plot_data_figures

    for path in plot_data_figures(args.out, seed=args.seed, difficulty=args.difficulty):
        print(path)
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    """Print the data-quality summary (JSON) of a dataset."""
    import numpy as np

    from frostnet_jax.data.preprocess import quality_summary

    ds = _load(args.name, args.seed)
    summary = quality_summary(ds.timestamps, ds.values)
    summary["labelled"] = int(ds.labels.sum())
    summary["anomaly_types"] = sorted(set(np.asarray(ds.anomaly_type, dtype=str)) - {"normal"})
    print(json.dumps({"name": ds.name, "unit": ds.unit, **summary}, indent=2))
    return 0

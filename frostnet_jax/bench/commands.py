"""`bench`, `report` and `evaluate` subcommands of the CLI."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from frostnet_jax.bench.suite import Suite, load_suite

RESULTS_DIR = Path("results")


def _int_list(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None


def _str_list(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _add_suite_args(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--suite", default="default",
                     help="a shipped suite in benchmarks/suites/ (micro, quick, default, full); default: default")
    src.add_argument("--suite-file", type=Path, help="a suite TOML file of your own (schema in the README)")
    p.add_argument("--detectors", type=_str_list, help="only these detectors (names or labels, comma-separated)")
    p.add_argument("--datasets", type=_str_list, help="only these datasets (comma-separated)")
    p.add_argument("--seeds", type=_int_list, help="only these seeds (comma-separated)")


def _suite(args: argparse.Namespace) -> Suite:
    suite = load_suite(path=args.suite_file) if args.suite_file else load_suite(args.suite)
    return suite.narrowed(args.detectors, args.datasets, args.seeds)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `bench`, `report` and `evaluate` to the top-level parser."""
    p = sub.add_parser("bench", help="run a suite (detectors x datasets x seeds) and write its report",
                       description="Run every missing cell of a suite, then write metrics.csv, tables "
                                   "(Markdown, LaTeX, CSV), statistics and figures under results/<suite>/. "
                                   "Finished cells are reused; an interrupted run resumes where it stopped.")
    _add_suite_args(p)
    p.add_argument("--out", type=Path, help="results folder (default: results/<suite name>)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local process pool (default) or a Dask cluster")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster on loopback)")
    p.add_argument("--workers", type=int, help="worker processes (default: number of cores; 1 = in-process)")
    p.add_argument("--retry-failed", action="store_true", help="recompute cells that failed before")
    p.add_argument("--seed-parallel", choices=["auto", "processes", "vmap"], default="auto",
                   help="seeds of a detector: worker processes (CPU default) or one vmapped program "
                        "(accelerator default; needs `data_seed` in the suite to group seeds)")
    p.add_argument("--no-figures", action="store_true", help="skip figures (tables only)")
    p.add_argument("--readme", type=Path, help="also write a results page (headline table and figures) here")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("report", help="recompute metrics, tables and figures from stored results (no training)")
    _add_suite_args(p)
    p.add_argument("folders", nargs="*", type=Path,
                   help="results folders to merge (default: results/<suite name>)")
    p.add_argument("--out", type=Path, help="where to write the report (default: the first folder)")
    p.add_argument("--no-figures", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("evaluate", help="score external per-timestamp score files with the suite's metrics",
                       description="Each file DIR/<dataset>_seed<k>.npy (or .csv with one score per line) "
                                   "holds one float per timestamp of the whole series (train, validation "
                                   "and test), higher = more anomalous. They become the cells of a detector "
                                   "named after DIR (or --name) and are reported beside the suite's own.")
    _add_suite_args(p)
    p.add_argument("--scores", type=Path, required=True, help="folder of score files")
    p.add_argument("--name", help="the method's name in tables (default: the folder's name)")
    p.add_argument("--out", type=Path, help="results folder (default: results/<suite name>)")
    p.add_argument("--no-figures", action="store_true")
    p.set_defaults(func=cmd_evaluate)


def _print_report(report, out: Path) -> None:
    print(report.headline)
    print(f"Wrote {len(report.files)} files under {out}/ (tables/, figures/, metrics.csv, summary.md).")
    if report.collected.missing:
        print(f"Note: {len(report.collected.missing)} cell(s) have no stored result yet.")


def cmd_bench(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from frostnet_jax.bench.runner import run_suite
    from frostnet_jax.report.build import build_report, write_results_readme

    start = time.perf_counter()
    suite = _suite(args)
    out = args.out or RESULTS_DIR / suite.name
    bar = tqdm(total=None, desc=f"suite {suite.name}", unit="cell", file=sys.stderr, dynamic_ncols=True)

    def progress(record: dict, done: int, total: int) -> None:
        bar.total = total
        bar.set_postfix_str(f"{record['label']} on {record['dataset']} s{record['seed']}: {record['status']}")
        bar.update(1)

    summary = run_suite(suite, out, executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                        retry_failed=args.retry_failed, seed_parallel=args.seed_parallel, on_cell=progress)
    bar.close()
    print(f"{summary.total} cells: {summary.computed} computed, {summary.reused} reused from {out}/cells "
          f"({summary.seconds:.1f} s).")
    if summary.note:
        print(f"Note: {summary.note}")
    report = build_report(suite, [out], out, figures_on=not args.no_figures)
    if args.readme:
        minutes = (time.perf_counter() - start) / 60
        write_results_readme(report, out, args.readme,
                             f"The last `bench` call computed {summary.computed} of {summary.total} cells "
                             f"in {minutes:.1f} min (reused {summary.reused}).")
    _print_report(report, out)
    if summary.failed:
        print(f"{len(summary.failed)} cell(s) failed (shown as failed in the tables):")
        for what, why in summary.failed:
            print(f"  - {what}: {why}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from frostnet_jax.report.build import build_report

    suite = _suite(args)
    folders = args.folders or [RESULTS_DIR / suite.name]
    out = args.out or folders[0]
    report = build_report(suite, folders, out, figures_on=not args.no_figures)
    _print_report(report, out)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from frostnet_jax.bench.external import import_scores
    from frostnet_jax.report.build import build_report

    suite = _suite(args)
    out = args.out or RESULTS_DIR / suite.name
    suite = import_scores(suite, args.scores, args.name or args.scores.resolve().name, out)
    report = build_report(suite, [out], out, figures_on=not args.no_figures)
    _print_report(report, out)
    return 0

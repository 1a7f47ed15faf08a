"""Build every table, statistic and figure of a suite from stored cells (never trains)."""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pandas as pd

from frostnet_jax import __version__
from frostnet_jax.bench.environment import git_state
from frostnet_jax.files import atomic_write_text
from frostnet_jax.bench.suite import Suite
from frostnet_jax.report import figures
from frostnet_jax.report.collect import Collected, collect, metric_label
from frostnet_jax.report.stats import compare, comparison_markdown
from frostnet_jax.report.tables import (LOWER_IS_BETTER, latex_table, markdown_table, simple_latex,
                                        simple_markdown, summarize)


@dataclasses.dataclass
class Report:
    """Paths written and the headline table's Markdown."""

    headline: str
    files: list[Path]
    collected: Collected


def _provenance(folder: Path) -> str:
    """Version and commit of the run that stored the scores (its env.json), else of this checkout."""
    try:
        env = json.loads((Path(folder) / "env.json").read_text())
        git, version = env["git"], env["package_version"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        git, version = git_state(), __version__
    commit = git["commit"][:10] + (" (dirty)" if git.get("dirty") else "")
    return f"frostnet-jax {version}, commit {commit}"


def _footer(c: Collected, n_seeds: int, provenance: str) -> str:
    windows = sorted(set(c.windows.values()))
    if len(windows) == 1:
        window = f"window {windows[0]}"
    elif windows:
        window = "windows " + ", ".join(f"{d}={w}" for d, w in c.windows.items())
    else:
        window = "no computed window"
    thr = ", ".join(f"{k}={v}" for k, v in c.suite.threshold.items() if k != "rule")
    return (f"Mean ± 95% CI (t) over {n_seeds} seeds; test split; VUS/range metrics at {window} "
            f"(rule: {c.suite.window}); threshold {c.suite.threshold['rule']}({thr}) fitted on validation "
            f"scores only; best per column in bold; NaN (undefined) values excluded. {provenance}")


def build_report(suite: Suite, folders: list[Path], out_dir: Path, figures_on: bool = True) -> Report:
    """Write metrics.csv, tables/, stats and figures/ for `suite` into `out_dir`."""
    out_dir = Path(out_dir)
    c = collect(suite, [Path(f) for f in folders])
    files: list[Path] = []
    metrics_csv = out_dir / "metrics.csv"
    atomic_write_text(metrics_csv, c.metrics.to_csv(index=False))
    files.append(metrics_csv)
    detectors = [d.label for d in suite.detectors]
    datasets = list(suite.datasets)
    provenance = _provenance(Path(folders[0]))
    footer = _footer(c, len(suite.seeds), provenance)
    tables_dir = out_dir / "tables"
    headline = ""
    sections = []
    for metric in suite.metrics:
        summary = summarize(c.metrics, metric, detectors, datasets)
        higher = metric not in LOWER_IS_BETTER
        title = f"{metric_label(metric)}"
        md = markdown_table(title, summary, detectors, datasets, footer, higher)
        tex = latex_table(title, summary, detectors, datasets, footer, f"tab:{suite.name}-{metric}", higher)
        for ext, text in (("md", md), ("tex", tex), ("csv", summary.to_csv(index=False))):
            path = tables_dir / f"{metric}.{ext}"
            atomic_write_text(path, text)
            files.append(path)
        sections.append(md)
        if not headline:
            headline = md
    thr = ", ".join(f"{k}={v}" for k, v in suite.threshold.items() if k != "rule")
    means_footer = (f"Mean over datasets and {len(suite.seeds)} seeds, test split; threshold "
                    f"{suite.threshold['rule']}({thr}) fitted on validation scores only. {provenance}")
    extra = _operating_tables(c, detectors, tables_dir, means_footer, files)
    sections += extra
    head_metric = suite.metrics[0]
    head_summary = summarize(c.metrics, head_metric, detectors, datasets)
    matrix = head_summary.pivot(index="dataset", columns="detector", values="mean")[detectors]
    comparison = compare(matrix, metric_label(head_metric), higher_is_better=head_metric not in LOWER_IS_BETTER)
    stats_md = comparison_markdown(comparison)
    atomic_write_text(tables_dir / "stats.md", stats_md)
    atomic_write_text(tables_dir / "stats.json", json.dumps(dataclasses.asdict(comparison), indent=1,
                                                            default=float))
    files += [tables_dir / "stats.md", tables_dir / "stats.json"]
    sections.append(stats_md)
    if figures_on:
        files += _figures(c, head_metric, head_summary, comparison, out_dir / "figures")
    failed = c.metrics[c.metrics["status"] == "failed"][["label", "dataset", "seed", "reason"]]
    notes = [f"- {len(c.missing)} cell(s) not computed yet." if c.missing else ""]
    no_thr = c.metrics[(c.metrics["metric"] == "threshold") & (c.metrics["reason"] != "")]
    if len(no_thr):
        notes.append("Cells without an operating point (excluded from the operating-point tables):\n" +
                     "\n".join(f"- {r.label} on {r.dataset} (seed {r.seed}): {r.reason}" for r in no_thr.itertuples()))
    if len(failed):
        notes.append("Failed cells:\n" + "\n".join(f"- {r.label} on {r.dataset} (seed {r.seed}): {r.reason}"
                                                   for r in failed.itertuples()))
    summary_md = (f"# Suite `{suite.name}`\n\n{suite.description}\n\n" + "\n".join(sections) + "\n"
                  + "\n".join(n for n in notes if n) + "\n")
    atomic_write_text(out_dir / "summary.md", summary_md)
    files.append(out_dir / "summary.md")
    return Report(headline=headline, files=files, collected=c)


def write_results_readme(report: Report, out_dir: Path, path: Path, run_note: str = "") -> Path:
    """A page for readers of the repository: the headline table and figures of a committed run."""
    path, out_dir = Path(path), Path(out_dir)
    rel = os.path.relpath(out_dir, path.parent)
    suite = report.collected.suite
    figs = sorted(p.name for p in report.files if p.suffix == ".png")
    lines = [f"# Committed results: suite `{suite.name}`", "",
             f"{suite.description} Regenerate with `make bench` (`python -m frostnet_jax bench --suite "
             f"{suite.name}`); every number below is derived from `{rel}/cells/` by code.", ""]
    if run_note:
        lines += [f"{run_note} The machine and versions are in `{rel}/env.json`.", ""]
    lines += [report.headline, "",
              f"All tables (Markdown, LaTeX, CSV): [`{rel}/tables/`]({rel}/tables/); every table in one page: "
              f"[`{rel}/summary.md`]({rel}/summary.md); long-form metrics: [`{rel}/metrics.csv`]({rel}/metrics.csv).",
              "", "## Figures", ""]
    lines += [f"![{name}]({rel}/figures/{name})" for name in figs]
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def _operating_tables(c: Collected, detectors: list[str], tables_dir: Path, footer: str,
                      files: list[Path]) -> list[str]:
    """Per-anomaly-type recall, operating-point metrics and runtime tables."""
    ok = c.metrics[c.metrics["status"] == "ok"]
    sections = []
    type_rows = ok[ok["metric"].str.startswith("recall_")]
    if not type_rows.empty:
        wide = (type_rows.assign(type=type_rows["metric"].str.removeprefix("recall_"))
                .pivot_table(index="label", columns="type", values="value", aggfunc="mean")
                .reindex(detectors))
        wide.index.name = "Detector"
        sections.append(_write_simple(wide, "Recall per anomaly type at the operating threshold",
                                      "recall_by_type", tables_dir, footer, files, c.suite.name))
    op_names = ["precision", "recall", "f1", "detection_delay_min", "false_alarms_per_day"]
    op = ok[ok["metric"].isin(op_names)].pivot_table(index="label", columns="metric", values="value",
                                                       aggfunc="mean")
    if not op.empty:
        op = op.reindex(index=detectors, columns=[n for n in op_names if n in op.columns])
        op.index.name = "Detector"
        sections.append(_write_simple(op, "Operating point (threshold from validation scores)",
                                      "operating_point", tables_dir, footer, files, c.suite.name))
    cells = ok.drop_duplicates(subset=["label", "dataset", "seed"])
    runtime = cells.groupby("label")[["fit_s", "score_s", "compile_s"]].mean().reindex(detectors)
    runtime.index.name = "Detector"
    runtime.columns = ["fit [s]", "score [s]", "compile [s]"]
    sections.append(_write_simple(runtime, "Runtime per cell (mean over datasets and seeds)", "runtime",
                                  tables_dir, footer, files, c.suite.name))
    return sections


def _write_simple(frame: pd.DataFrame, title: str, stem: str, tables_dir: Path, footer: str,
                  files: list[Path], suite_name: str) -> str:
    md = simple_markdown(title, frame, footer)
    for ext, text in (("md", md), ("tex", simple_latex(title, frame, footer, f"tab:{suite_name}-{stem}")),
                      ("csv", frame.to_csv())):
        atomic_write_text(tables_dir / f"{stem}.{ext}", text)
        files.append(tables_dir / f"{stem}.{ext}")
    return md


def _figures(c: Collected, head_metric: str, head_summary: pd.DataFrame, comparison, out: Path) -> list[Path]:
    files: list[Path] = []
    first_seed = c.suite.seeds[0]
    thresholds = {}
    rows = c.metrics[c.metrics["metric"] == "threshold"]
    key_of = {(s.cell.detector.label, s.cell.dataset, s.cell.seed): s.cell.key for s in c.cells}
    for r in rows.itertuples():
        thresholds[key_of[(r.label, r.dataset, r.seed)]] = r.value
    seed_cells = [s for s in c.cells if s.cell.seed == first_seed]
    for ds in c.suite.datasets:
        files += figures.score_traces(seed_cells, ds, thresholds, out)
        files += figures.pr_curves(seed_cells, ds, out)
    files += figures.cd_diagram(comparison, out, f"cd_{head_metric}")
    label = metric_label(head_metric)
    ok = c.metrics[c.metrics["status"] == "ok"].drop_duplicates(subset=["label", "dataset", "seed"])
    secs = (ok["fit_s"] + ok["score_s"]).groupby(ok["label"]).mean()
    acc = head_summary.groupby("detector")["mean"].mean()
    scatter = pd.DataFrame({"detector": acc.index, "metric": acc.to_numpy(),
                            "seconds": secs.reindex(acc.index).to_numpy()}).dropna()
    if not scatter.empty:
        files += figures.runtime_vs_metric(scatter, label, out, f"runtime_vs_{head_metric}")
    files += figures.metric_bars(head_summary, label, out, f"bars_{head_metric}")
    files += figures.loss_curves(c.cells, out)
    return files

"""Summary tables (Markdown, LaTeX booktabs, CSV): mean ± 95% CI over seeds, best in bold, average rank."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from tabulate import tabulate

LOWER_IS_BETTER = {"detection_delay_min", "false_alarms_per_day", "mae", "rmse", "fit_s", "score_s", "compile_s"}


def mean_ci(values: Sequence[float]) -> tuple[float, float, float, int]:
    """(mean, 95% CI half-width (t-distribution), std (ddof=1), n) of the finite values."""
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=np.float64)
    n = v.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    if n == 1:
        return float(v[0]), math.nan, math.nan, 1
    std = float(v.std(ddof=1))
    return float(v.mean()), float(stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)), std, n


def summarize(frame: pd.DataFrame, metric: str, detectors: Sequence[str], datasets: Sequence[str]) -> pd.DataFrame:
    """Per (detector label, dataset): mean, ci95, std, n (finite seeds), n_failed, n_undefined."""
    rows = []
    for det in detectors:
        for ds in datasets:
            sub = frame[(frame["label"] == det) & (frame["dataset"] == ds)]
            values = sub.loc[sub["metric"] == metric, "value"].to_numpy(dtype=float)
            failed = int((sub["status"] == "failed").sum())
            mean, ci, std, n = mean_ci(values)
            rows.append({"detector": det, "dataset": ds, "mean": mean, "ci95": ci, "std": std, "n": n,
                         "n_failed": failed, "n_undefined": int(np.isnan(values).sum())})
    return pd.DataFrame(rows)


def average_ranks(summary: pd.DataFrame, higher_is_better: bool = True) -> pd.Series:
    """Average rank of each detector over datasets (1 = best; ties share the mean rank)."""
    wide = summary.pivot(index="dataset", columns="detector", values="mean")
    wide = wide.dropna(axis=0, how="any")
    if wide.empty:
        return pd.Series(np.nan, index=summary["detector"].unique())
    ranks = wide.rank(axis=1, ascending=not higher_is_better, method="average")
    return ranks.mean(axis=0)


def _fmt(mean: float, ci: float, n_failed: int, n: int, n_undefined: int) -> str:
    notes = [f"{n_failed} failed"] * bool(n_failed) + [f"{n_undefined} undefined"] * bool(n_undefined)
    if n == 0:
        return "failed" if n_failed and not n_undefined else ("undefined" if n_undefined else "n/a")
    text = f"{mean:.3f}" if math.isnan(ci) else f"{mean:.3f} ± {ci:.3f}"
    return text + (f" ({', '.join(notes)})" if notes else "")


def table_frames(summary: pd.DataFrame, detectors: Sequence[str], datasets: Sequence[str],
                 higher_is_better: bool) -> tuple[list[list[str]], list[list[bool]], list[str]]:
    """Body cells as text, bold flags (best per column), and the average-rank column."""
    ranks = average_ranks(summary, higher_is_better)
    best = {}
    for ds in datasets:
        col = summary[summary["dataset"] == ds].set_index("detector")["mean"]
        col = col.dropna()
        best[ds] = (col.max() if higher_is_better else col.min()) if not col.empty else None
    body, bold, rank_col = [], [], []
    for det in detectors:
        row, flags = [], []
        for ds in datasets:
            r = summary[(summary["detector"] == det) & (summary["dataset"] == ds)].iloc[0]
            row.append(_fmt(r["mean"], r["ci95"], int(r["n_failed"]), int(r["n"]), int(r["n_undefined"])))
            flags.append(best[ds] is not None and np.isfinite(r["mean"]) and r["mean"] == best[ds])
        body.append(row)
        bold.append(flags)
        rank = ranks.get(det, np.nan)
        rank_col.append("n/a" if not np.isfinite(rank) else f"{rank:.2f}")
    return body, bold, rank_col


def markdown_table(title: str, summary: pd.DataFrame, detectors: Sequence[str], datasets: Sequence[str],
                   footer: str, higher_is_better: bool = True) -> str:
    body, bold, ranks = table_frames(summary, detectors, datasets, higher_is_better)
    rows = [[det] + [f"**{c}**" if b else c for c, b in zip(row, flags)] + [rank]
            for det, row, flags, rank in zip(detectors, body, bold, ranks)]
    table = tabulate(rows, headers=["Detector", *datasets, "Avg. rank"], tablefmt="pipe", disable_numparse=True,
                     colalign=("left",) + ("right",) * (len(datasets) + 1))
    return f"### {title}\n\n{table}\n\n_{footer}_\n"


def _tex(text: str) -> str:
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "_": r"\_", "#": r"\#", "$": r"\$",
               "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}", "±": r"$\pm$"}
    return "".join(special.get(ch, ch) for ch in text)


def latex_table(title: str, summary: pd.DataFrame, detectors: Sequence[str], datasets: Sequence[str],
                footer: str, label: str, higher_is_better: bool = True) -> str:
    """A booktabs `table` float, ready to `\\input` (needs \\usepackage{booktabs})."""
    body, bold, ranks = table_frames(summary, detectors, datasets, higher_is_better)
    lines = [
        "% Generated by frostnet-jax from stored results; do not edit by hand.",
        r"\begin{table}[t]", r"\centering", r"\small",
        rf"\caption{{{_tex(title)}. {_tex(footer)}}}", rf"\label{{{label}}}",
        r"\begin{tabular}{l" + "r" * (len(datasets) + 1) + "}", r"\toprule",
        " & ".join(["Detector", *(_tex(d) for d in datasets), "Avg. rank"]) + r" \\", r"\midrule",
    ]
    for det, row, flags, rank in zip(detectors, body, bold, ranks):
        cells = [rf"\textbf{{{_tex(c)}}}" if b else _tex(c) for c, b in zip(row, flags)]
        lines.append(" & ".join([_tex(det), *cells, rank]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def simple_markdown(title: str, frame: pd.DataFrame, footer: str) -> str:
    """A plain Markdown table of a small DataFrame (index = first column)."""
    table = tabulate(frame, headers="keys", tablefmt="pipe", floatfmt=".3f", showindex=True)
    return f"### {title}\n\n{table}\n\n_{footer}_\n"


def simple_latex(title: str, frame: pd.DataFrame, footer: str, label: str) -> str:
    """A booktabs `table` float of a small DataFrame."""
    head = [_tex(str(frame.index.name or "")), *(_tex(str(c)) for c in frame.columns)]
    lines = ["% Generated by frostnet-jax from stored results; do not edit by hand.",
             r"\begin{table}[t]", r"\centering", r"\small",
             rf"\caption{{{_tex(title)}. {_tex(footer)}}}", rf"\label{{{label}}}",
             r"\begin{tabular}{l" + "r" * len(frame.columns) + "}", r"\toprule",
             " & ".join(head) + r" \\", r"\midrule"]
    for idx, row in frame.iterrows():
        vals = ["n/a" if not np.isfinite(v) else f"{v:.3f}" for v in row.to_numpy(dtype=float)]
        lines.append(" & ".join([_tex(str(idx)), *vals]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)

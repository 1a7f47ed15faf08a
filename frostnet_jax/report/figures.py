"""Figures from stored results (PNG and PDF; distinguishable in grayscale by line style and hatch)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from frostnet_jax.report.stats import Comparison  # noqa: E402

STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
GRAYS = ["0.0", "0.35", "0.6", "0.2", "0.5", "0.75", "0.1", "0.45"]
TYPE_COLORS = plt.get_cmap("tab10")


def save(fig: plt.Figure, out: Path, stem: str) -> list[Path]:
    """Write `stem`.png and `stem`.pdf into `out`; returns both paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.png", out / f"{stem}.pdf"]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight", metadata={"CreationDate": None})  # same bytes on a re-run
    plt.close(fig)
    return paths


def shade_anomalies(ax: plt.Axes, t: np.ndarray, anomaly_type: np.ndarray) -> None:
    """Shade each labelled anomaly segment, one colour and legend entry per anomaly type."""
    types = [a for a in dict.fromkeys(anomaly_type.tolist()) if a != "normal"]
    for i, kind in enumerate(types):
        on = np.concatenate([[False], anomaly_type == kind, [False]])
        starts, ends = np.flatnonzero(~on[:-1] & on[1:]), np.flatnonzero(on[:-1] & ~on[1:])
        for j, (s, e) in enumerate(zip(starts, ends)):
            ax.axvspan(t[s], t[min(e, len(t) - 1)], color=TYPE_COLORS(i % 10), alpha=0.25, lw=0,
                       hatch=HATCHES[(i + 1) % len(HATCHES)], label=kind if j == 0 else None)


def score_traces(cells: list, dataset: str, thresholds: dict[str, float], out: Path) -> list[Path]:
    """Temperature with labelled anomalies, then each detector's score with threshold and detections."""
    cells = [c for c in cells if c.ok and c.cell.dataset == dataset]
    if not cells:
        return []
    ref = cells[0].arrays
    t = ref["timestamps"].astype("datetime64[ns]")
    fig, axes = plt.subplots(len(cells) + 1, 1, figsize=(10, 1.6 * (len(cells) + 1)), sharex=True)
    axes[0].plot(t, ref["values"], color="0.1", lw=0.6)
    shade_anomalies(axes[0], t, ref["anomaly_type"])
    unit = cells[0].record.get("unit", "")
    axes[0].set_ylabel(f"value [{unit}]")
    axes[0].set_title(f"{dataset} (seed {cells[0].cell.seed}): labelled anomalies and detections")
    axes[0].legend(loc="upper left", fontsize=7, ncol=4)
    val_end = cells[0].record["val_end"]
    for ax, c in zip(axes[1:], cells):
        s = c.arrays["scores"]
        ax.plot(t, s, color="0.2", lw=0.6)
        typical = float(np.percentile(s, 75) - s.min())
        if typical > 0 and s.max() - s.min() > 50 * typical:  # a quench dwarfs everything else
            ax.set_yscale("symlog", linthresh=typical)
        thr = thresholds.get(c.cell.key)
        if thr is not None and np.isfinite(thr):
            ax.axhline(thr, color="0.4", ls="--", lw=0.8)
            hits = np.flatnonzero(s[val_end:] >= thr) + val_end
            ax.plot(t[hits], s[hits], "v", ms=3, color="0.0", label="alarm")
        ax.axvline(t[val_end], color="0.5", ls=":", lw=0.8)
        ax.set_ylabel(c.cell.detector.label, fontsize=8)
    axes[-1].set_xlabel("time (test split right of the dotted line)")
    return save(fig, out, f"scores_{dataset}")


def pr_curves(cells: list, dataset: str, out: Path) -> list[Path]:
    """Point-wise precision-recall curves on the test split, one line style per detector."""
    cells = [c for c in cells if c.ok and c.cell.dataset == dataset]
    if not cells:
        return []
    fig, ax = plt.subplots(figsize=(5, 4))
    for i, c in enumerate(cells):
        test = slice(c.record["val_end"], c.record["n"])
        y = c.arrays["labels"][test]
        if y.min() == y.max():
            continue
        p, r, _ = precision_recall_curve(y, c.arrays["scores"][test])
        ax.plot(r, p, ls=STYLES[i % len(STYLES)], color=GRAYS[i % len(GRAYS)], label=c.cell.detector.label)
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02),
           title=f"PR curves, {dataset} (seed {cells[0].cell.seed})")
    ax.legend(fontsize=7)
    return save(fig, out, f"pr_{dataset}")


def cd_diagram(c: Comparison, out: Path, stem: str) -> list[Path]:
    """Critical-difference diagram of average ranks (Demšar 2006); says when the test is void."""
    ranks = sorted(c.avg_ranks.items(), key=lambda kv: kv[1])
    k = max(len(ranks), 2)
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.3 * len(ranks)))
    ax.set_xlim(1, k)
    ax.set_ylim(-len(ranks) - 1, 1.5)
    ax.hlines(0, 1, k, color="0")
    for r in range(1, k + 1):
        ax.vlines(r, 0, 0.15, color="0")
        ax.text(r, 0.3, str(r), ha="center", fontsize=8)
    for i, (det, r) in enumerate(ranks):
        y = -(i + 1) * 0.8
        ax.plot([r, r], [0, y], color="0.3", lw=0.8)
        left = i < (len(ranks) + 1) // 2
        ax.plot([r, 1 if left else k], [y, y], color="0.3", lw=0.8)
        ax.text(1 if left else k, y + 0.1, f"{det} ({r:.2f})", ha="left" if left else "right", fontsize=8)
    if c.valid and np.isfinite(c.critical_difference):
        ax.plot([1, 1 + c.critical_difference], [1.1, 1.1], color="0", lw=2)
        ax.text(1, 1.25, f"CD = {c.critical_difference:.2f} (Nemenyi, alpha 0.05)", fontsize=8)
        values = [r for _, r in ranks]
        cliques = [(i, j) for i in range(len(values)) for j in range(i + 1, len(values))
                   if values[j] - values[i] < c.critical_difference]
        maximal = [(i, j) for i, j in cliques if not any(a <= i and j <= b and (a, b) != (i, j) for a, b in cliques)]
        for n, (i, j) in enumerate(maximal):
            y = -0.25 - 0.15 * n
            ax.plot([values[i] - 0.03, values[j] + 0.03], [y, y], color="0", lw=3)
    ax.set_title(c.note, fontsize=7, wrap=True)
    ax.axis("off")
    return save(fig, out, stem)


def runtime_vs_metric(summary: pd.DataFrame, metric_label: str, out: Path, stem: str) -> list[Path]:
    """Mean fit+score seconds per cell (log x) against the mean headline metric, one marker per detector."""
    fig, ax = plt.subplots(figsize=(5, 4))
    for i, row in enumerate(summary.itertuples()):
        ax.scatter(max(row.seconds, 1e-4), row.metric, marker=MARKERS[i % len(MARKERS)], color="0.15",
                   s=40, label=row.detector)
    ax.set_xscale("log")
    ax.set(xlabel="seconds per cell (fit + score, mean)", ylabel=metric_label, title="Runtime vs accuracy")
    ax.legend(fontsize=7)
    return save(fig, out, stem)


def loss_curves(cells: list, out: Path) -> list[Path]:
    """Training and validation loss per epoch of the neural detectors (one panel each, all seeds)."""
    by_det: dict[str, list] = {}
    for c in cells:
        if c.ok and "history_train_loss" in c.arrays:
            by_det.setdefault(c.cell.detector.label, []).append(c)
    if not by_det:
        return []
    fig, axes = plt.subplots(1, len(by_det), figsize=(5 * len(by_det), 3.5), squeeze=False)
    for ax, (det, cs) in zip(axes[0], by_det.items()):
        for c in cs:
            ax.plot(c.arrays["history_train_loss"], color="0.2", lw=0.8, ls="-")
            if "history_val_loss" in c.arrays and c.arrays["history_val_loss"].size:
                ax.plot(c.arrays["history_val_loss"], color="0.55", lw=0.8, ls="--")
        ax.set(title=f"{det}: loss per epoch", xlabel="epoch", ylabel="MSE", yscale="log")
        ax.plot([], [], color="0.2", label="train")
        ax.plot([], [], color="0.55", ls="--", label="validation")
        ax.legend(fontsize=7)
    return save(fig, out, "loss_curves")


def metric_bars(summary: pd.DataFrame, metric_label: str, out: Path, stem: str) -> list[Path]:
    """Mean ± 95% CI per detector, grouped by dataset; hatches tell detectors apart in grayscale."""
    datasets = list(dict.fromkeys(summary["dataset"]))
    detectors = list(dict.fromkeys(summary["detector"]))
    width = 0.8 / max(len(detectors), 1)
    fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(datasets) * max(1, len(detectors) / 3)), 3.8))
    for i, det in enumerate(detectors):
        sub = summary[summary["detector"] == det].set_index("dataset").reindex(datasets)
        x = np.arange(len(datasets)) + i * width
        ax.bar(x, sub["mean"].fillna(0), width, yerr=sub["ci95"].fillna(0), capsize=2, label=det,
               color=GRAYS[i % len(GRAYS)], edgecolor="0", hatch=HATCHES[i % len(HATCHES)], lw=0.5)
    ax.set_xticks(np.arange(len(datasets)) + width * (len(detectors) - 1) / 2, datasets, rotation=20,
                  fontsize=8)
    ax.set(ylabel=metric_label, ylim=(0, 1.05), title=f"{metric_label} (mean ± 95% CI over seeds)")
    ax.legend(fontsize=7, ncol=min(len(detectors), 5), loc="upper center", bbox_to_anchor=(0.5, -0.22))
    return save(fig, out, stem)

"""Data figures: the scenario / anomaly gallery, before-vs-after preprocessing, value histograms.

Figures are built on ``matplotlib.figure.Figure`` (Agg canvas, no pyplot
state) and written as PNG (+ PDF for the gallery). Anomalies are shaded by
type with a distinct grey level *and* hatch, so the figures read in grayscale.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from frostnet_jax.data.anomalies import KINDS
from frostnet_jax.data.dataset import Dataset
from frostnet_jax.data.preprocess import prepare
from frostnet_jax.registry import DATASETS

SCENARIOS = ("ln2", "cryocooler", "magnet", "original")
# Which scenario shows each anomaly type in the gallery (each kind in a scenario that carries it).
KIND_SOURCE = {"spike": "ln2", "level_shift": "cryocooler", "drift": "ln2",
               "variance_burst": "cryocooler", "stuck": "magnet", "dropout": "ln2",
               "quench": "magnet", "missed_refill": "ln2"}
# (face colour, hatch) per kind: Okabe-Ito hues with distinct lightness, plus hatches.
KIND_STYLE = {"spike": ("#D55E00", ""), "level_shift": ("#0072B2", "//"), "drift": ("#E69F00", "\\\\"),
              "variance_burst": ("#009E73", "xx"), "stuck": ("#CC79A7", ".."), "dropout": ("#000000", "||"),
              "quench": ("#56B4E9", "--"), "missed_refill": ("#F0E442", "oo"),
              "labelled": ("#999999", "//")}


def _runs(atype: np.ndarray) -> list[tuple[str, int, int]]:
    """(kind, start, stop) of each maximal run of one non-normal type."""
    change = np.flatnonzero(atype[1:] != atype[:-1]) + 1
    bounds = np.r_[0, change, atype.size]
    return [(str(atype[a]), int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if atype[a] != "normal"]


def _shade(ax, ds: Dataset, lo: int, hi: int) -> None:
    """Shade each anomaly run in [lo, hi) by type; runs shorter than 0.4 % of the view are widened."""
    t = ds.timestamps
    min_width = max(1, (hi - lo) // 250)
    for kind, a, b in _runs(ds.anomaly_type):
        if b <= lo or a >= hi:
            continue
        face, hatch = KIND_STYLE.get(kind, ("#999999", ""))
        pad = max(0, min_width - (b - a)) // 2
        a, b = max(lo, a - pad), min(hi - 1, b + pad)
        ax.axvspan(t[a], t[b], facecolor=face, alpha=0.35, hatch=hatch, edgecolor="0.3", linewidth=0)


def _series(ax, ds: Dataset, lo: int = 0, hi: int | None = None, splits: bool = True,
            clip: bool = True) -> None:
    hi = ds.n if hi is None else hi
    _shade(ax, ds, lo, hi)
    ax.plot(ds.timestamps[lo:hi], ds.values[lo:hi, 0], color="black", linewidth=0.6)
    if splits:
        for idx, text in ((ds.train_end, "val"), (ds.val_end, "test")):
            if lo < idx < hi:
                ax.axvline(ds.timestamps[idx], color="0.4", linestyle=":", linewidth=1)
                ax.text(ds.timestamps[idx], 1.0, f" {text} \u2192", transform=ax.get_xaxis_transform(),
                        va="top", fontsize=8, color="0.3")
    if clip:
        _clip_outliers(ax, ds, lo, hi)
    ax.set_ylabel(ds.unit)
    ax.tick_params(labelsize=7)


def _clip_outliers(ax, ds: Dataset, lo: int, hi: int) -> None:
    """If anomalies dwarf the normal range (a quench), zoom y to the normal range and say so."""
    v, normal = ds.values[lo:hi, 0], ds.labels[lo:hi] == 0
    ok = np.isfinite(v)
    if not (ok & normal).any() or not (ok & ~normal).any():
        return
    vmin, vmax = v[ok & normal].min(), v[ok & normal].max()
    span = vmax - vmin
    peak = v[ok & ~normal].max()
    if peak > vmax + 3 * span:
        ax.set_ylim(vmin - 0.3 * span, vmax + 0.6 * span)
        ax.text(0.995, 0.97, f"y clipped: anomaly peaks at {peak:.1f} {ds.unit}", ha="right", va="top",
                transform=ax.transAxes, fontsize=8, color="0.2")


def plot_gallery(out_dir: str | Path, seed: int = 0, difficulty: str = "medium") -> list[Path]:
    """One panel per scenario (whole series) and one per anomaly type (zoomed); gallery.png + .pdf."""
    data = {s: DATASETS.create(f"{s}-{difficulty}", seed=seed) for s in SCENARIOS}
    fig = Figure(figsize=(16, 19), layout="constrained")
    grid = fig.add_gridspec(len(SCENARIOS) + 2, 4)
    for row, (scenario, ds) in enumerate(data.items()):
        ax = fig.add_subplot(grid[row, :])
        _series(ax, ds)
        note = " (spikes of \u2191 5-40 degC with slow recovery are normal lid openings)" if scenario == "ln2" else ""
        ax.set_title(f"{ds.name}, seed {seed}: {ds.meta['description']}{note}", fontsize=9, loc="left")
    for i, kind in enumerate(KINDS):
        ds = data[KIND_SOURCE[kind]]
        ev = next(e for e in ds.meta["events"] if e["kind"] == kind)
        margin = max(ev["length"], 90)
        lo, hi = max(0, ev["start"] - margin), min(ds.n, ev["start"] + ev["length"] + margin)
        ax = fig.add_subplot(grid[len(SCENARIOS) + i // 4, i % 4])
        _series(ax, ds, lo, hi, splits=False, clip=False)
        ax.set_title(f"{kind} in {ds.name}", fontsize=9)
        ax.tick_params(axis="x", labelrotation=30)
    handles = [Patch(facecolor=KIND_STYLE[k][0], hatch=KIND_STYLE[k][1], alpha=0.35, edgecolor="0.3", label=k)
               for k in KINDS]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(KINDS), fontsize=9)
    fig.suptitle(f"FrostNet-JAX synthetic cryogenic scenarios ({difficulty}) and the anomaly taxonomy",
                 fontsize=12)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "gallery.png", out / "gallery.pdf"]
    for path in paths:   # no creation date in the PDF, so re-running gives the same bytes
        fig.savefig(path, dpi=110, metadata={"CreationDate": None} if path.suffix == ".pdf" else None)
    return paths


def plot_before_after(ds: Dataset, path: str | Path, scaler: str = "minmax") -> Path:
    """Raw series (gaps and anomalies shown) above the model-ready one (filled, scaled on train)."""
    x, observed = prepare(ds, scaler=scaler)
    fig = Figure(figsize=(12, 5), layout="constrained")
    raw, ready = fig.subplots(2, 1, sharex=True)
    _series(raw, ds)
    raw.set_title(f"{ds.name}: raw ({int((~ds.mask).sum())} missing points)", fontsize=9, loc="left")
    ready.plot(ds.timestamps, x[:, 0], color="black", linewidth=0.6)
    filled = ~observed
    ready.scatter(ds.timestamps[filled], x[filled, 0], s=6, color="#D55E00", marker="x", label="filled")
    ready.set_title(f"prepared: gaps interpolated, {scaler} scaler fitted on train only", fontsize=9,
                    loc="left")
    ready.set_ylabel("scaled")
    ready.legend(fontsize=8, loc="upper left")
    fig.savefig(path, dpi=110)
    return Path(path)


def plot_histograms(datasets: list[Dataset], path: str | Path) -> Path:
    """Per dataset: value histograms of normal vs anomalous points (log counts)."""
    fig = Figure(figsize=(4 * len(datasets), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(datasets)))
    for ax, ds in zip(axes, datasets):
        v = ds.values[:, 0]
        ok = np.isfinite(v)
        bins = np.histogram_bin_edges(v[ok], bins=60)
        ax.hist(v[ok & (ds.labels == 0)], bins=bins, color="0.6", label="normal")
        ax.hist(v[ok & (ds.labels == 1)], bins=bins, histtype="step", color="black", hatch="//",
                label="anomalous")
        ax.set_yscale("log")
        ax.set_title(ds.name, fontsize=9)
        ax.set_xlabel(ds.unit)
        ax.legend(fontsize=7)
    fig.savefig(path, dpi=110)
    return Path(path)


def plot_data_figures(out_dir: str | Path, seed: int = 0, difficulty: str = "medium") -> list[Path]:
    """Every data figure: gallery (+pdf), data_before_after.png, data_histograms.png."""
    out = Path(out_dir)
    paths = plot_gallery(out, seed=seed, difficulty=difficulty)
    ln2 = DATASETS.create(f"ln2-{difficulty}", seed=seed)
    paths.append(plot_before_after(ln2, out / "data_before_after.png"))
    hists = [DATASETS.create(f"{s}-{difficulty}", seed=seed) for s in SCENARIOS]
    paths.append(plot_histograms(hists, out / "data_histograms.png"))
    return paths

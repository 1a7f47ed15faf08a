"""Statistics across datasets (the blocks): Friedman, then Nemenyi and Wilcoxon-Holm post-hoc.

References:
  Demšar (2006), "Statistical comparisons of classifiers over multiple data sets", JMLR 7.
  Benavoli, Corani, Mangili (2016), "Should we really use post-hoc tests based on mean-ranks?", JMLR 17.
"""
from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

MIN_BLOCKS = 5  # below this many datasets the tests say nothing useful (Demšar 2006)


@dataclasses.dataclass
class Comparison:
    """Result of comparing k detectors over N datasets on one metric."""

    metric: str
    detectors: list[str]
    n_blocks: int
    avg_ranks: dict[str, float]
    friedman_stat: float
    friedman_p: float
    critical_difference: float
    wilcoxon_holm: list[dict[str, object]]
    note: str

    @property
    def valid(self) -> bool:
        return self.n_blocks >= MIN_BLOCKS and len(self.detectors) >= 3


def compare(matrix: pd.DataFrame, metric: str, alpha: float = 0.05, higher_is_better: bool = True) -> Comparison:
    """Compare detectors (columns) over datasets (rows) of per-dataset mean scores.

    Rows with a missing value are dropped (a detector failed there).
    """
    m = matrix.dropna(axis=0, how="any")
    k, n = m.shape[1], m.shape[0]
    ranks = m.rank(axis=1, ascending=not higher_is_better, method="average")
    avg = {c: float(ranks[c].mean()) if n else math.nan for c in m.columns}
    stat = p = cd = math.nan
    pairs: list[dict[str, object]] = []
    if n >= 2 and k >= 3:
        stat, p = (float(v) for v in stats.friedmanchisquare(*(m[c].to_numpy() for c in m.columns)))
        q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
        cd = float(q * math.sqrt(k * (k + 1) / (6.0 * n)))
    if n >= 2 and k >= 2:
        raw = []
        for a, b in itertools.combinations(m.columns, 2):
            diff = m[a].to_numpy() - m[b].to_numpy()
            pw = 1.0 if np.allclose(diff, 0) else float(stats.wilcoxon(m[a], m[b]).pvalue)
            raw.append((a, b, pw))
        order = np.argsort([r[2] for r in raw])
        running = 0.0
        adjusted = [0.0] * len(raw)
        for i, idx in enumerate(order):
            running = max(running, min(1.0, (len(raw) - i) * raw[idx][2]))
            adjusted[idx] = running
        pairs = [{"a": a, "b": b, "p": pw, "p_holm": adj, "significant": adj < alpha}
                 for (a, b, pw), adj in zip(raw, adjusted)]
    if n < MIN_BLOCKS:
        note = (f"Only {n} dataset(s): too few blocks for the Friedman/Nemenyi tests to mean anything "
                f"(need at least {MIN_BLOCKS}); ranks are descriptive only.")
    elif k < 3:
        note = "Fewer than 3 detectors: the Friedman test needs at least 3."
    else:
        verdict = "differ" if p < alpha else "do not differ significantly"
        note = (f"Friedman chi2={stat:.2f}, p={p:.3g}: detectors {verdict} at alpha={alpha} over {n} datasets; "
                f"Nemenyi CD={cd:.2f}.")
    return Comparison(metric=metric, detectors=list(m.columns), n_blocks=n, avg_ranks=avg,
                      friedman_stat=stat, friedman_p=p, critical_difference=cd, wilcoxon_holm=pairs, note=note)


def comparison_markdown(c: Comparison) -> str:
    """The comparison as Markdown: ranks, the test, and Wilcoxon-Holm pairs."""
    lines = [f"### Statistical comparison on {c.metric}", "", c.note, "",
             "| Detector | Avg. rank |", "|---|---:|"]
    for det, r in sorted(c.avg_ranks.items(), key=lambda kv: kv[1]):
        lines.append(f"| {det} | {r:.2f} |")
    if c.wilcoxon_holm:
        lines += ["", "| A | B | Wilcoxon p | Holm-adjusted p | significant |", "|---|---|---:|---:|---|"]
        for row in c.wilcoxon_holm:
            lines.append(f"| {row['a']} | {row['b']} | {row['p']:.3g} | {row['p_holm']:.3g} | "
                         f"{'yes' if row['significant'] else 'no'} |")
    return "\n".join(lines) + "\n"

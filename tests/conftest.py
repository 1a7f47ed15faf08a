"""Shared fixtures: small suites built in code, and the ../shared folder when present."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's clone has none)")
    return SHARED


def tiny_suite_dict(**over) -> dict:
    """A seconds-sized suite as a parsed-TOML dict (zscore, iforest, random on the original walk)."""
    raw = {
        "suite": {"name": "tiny", "seeds": [0, 1], "datasets": ["original"],
                  "metrics": ["vus_pr", "auc_pr", "auc_roc"], "window": 10,
                  "dataset_params": {"original": {"n": 600}}},
        "threshold": {"rule": "quantile", "q": 0.99},
        "detector": [{"name": "zscore"}, {"name": "iforest", "params": {"window": 8, "n_estimators": 10}},
                     {"name": "random"}],
    }
    for key, value in over.items():
        raw[key] = value
    return raw

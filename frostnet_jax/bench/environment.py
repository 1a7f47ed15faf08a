"""The environment record (`env.json`): versions, git commit, hardware, suite, seeds."""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from frostnet_jax import __version__
from frostnet_jax.bench.suite import Suite

_PACKAGES = ("jax", "jaxlib", "flax", "optax", "numpy", "scipy", "pandas", "scikit-learn", "matplotlib")
_REPO = Path(__file__).resolve().parents[2]


def git_state() -> dict[str, Any]:
    """Commit and dirty flag of the checkout the package runs from ('unknown' for an installed copy)."""
    if not (_REPO / ".git").exists():
        return {"commit": "unknown", "dirty": None}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=_REPO, capture_output=True, text=True,
                                check=True, timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=_REPO,
                                    capture_output=True, text=True, check=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit, "dirty": dirty}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _versions() -> dict[str, str]:
    out = {}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def environment_record(suite: Suite, **run: Any) -> dict[str, Any]:
    """Everything needed to say where and how a run's numbers were made."""
    import jax  # the backend is part of the record

    devices = jax.devices()
    return {
        "package_version": __version__,
        "git": git_state(),
        "python": platform.python_version(),
        "packages": _versions(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "jax_backend": jax.default_backend(),
        "devices": [str(d) for d in devices],
        "seed_parallelism": run.get("seed_parallelism"),
        "seed_parallelism_why": ("seed groups of a detector on one dataset in one vmapped program "
                                 "(accelerator)" if run.get("seed_parallelism") == "vmap" else
                                 "one cell per seed in single-threaded worker processes (measured "
                                 "faster than vmap over seeds on a 2-core CPU)"),
        "seeds": list(suite.seeds),
        "suite": suite.to_dict(),
        "run": run,
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "reproducibility": ("Same suite, seeds, machine and package versions give bit-identical "
                            "metrics. XLA versions, CPU vs GPU and CPU instruction sets may change "
                            "neural scores in the last bits."),
    }

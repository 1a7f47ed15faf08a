"""Real datasets: the NAB temperature series, read from the data cache or a given folder."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from frostnet_jax.data.dataset import Dataset
from frostnet_jax.data.fetch import NAB_SHA256, data_home
from frostnet_jax.data.loaders import load_nab
from frostnet_jax.errors import DataError
from frostnet_jax.registry import register_dataset

# What NAB's data/README says the series are; it states no unit (ambient looks like degF).
NAB_UNITS = {"machine_temperature_system_failure.csv": "unknown",
             "ambient_temperature_system_failure.csv": "degF"}


def _nab_factory(file: str) -> Callable[..., Dataset]:
    def factory(seed: int = 0, path: str | None = None, train_frac: float = 0.15,
                val_frac: float = 0.10) -> Dataset:
        folder = Path(path) if path else data_home() / "nab"
        csv = folder / file
        if not csv.is_file():
            raise DataError(f"NAB file {csv} not found; run `python -m frostnet_jax data fetch nab` "
                            "(or pass path= a folder holding the NAB CSV files).")
        windows = folder / "combined_windows.json"
        return load_nab(csv, windows if windows.is_file() else None, unit=NAB_UNITS[file],
                        train_frac=train_frac, val_frac=val_frac)

    factory.__doc__ = f"NAB realKnownCause/{file}, labelled by NAB's scoring windows (seed unused)."
    return factory


for _file in NAB_SHA256:
    register_dataset(f"nab-{_file.removesuffix('_system_failure.csv')}")(_nab_factory(_file))

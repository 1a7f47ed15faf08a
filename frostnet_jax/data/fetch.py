"""Download the NAB temperature files at a pinned commit, verify SHA-256, cache them.

Cache folder: ``$FROSTNET_DATA`` if set, else ``$XDG_CACHE_HOME/frostnet_jax``
(``~/.cache/frostnet_jax``); NAB files go to its ``nab/`` subfolder.

Only the two CSVs are downloaded. Their label windows are shipped in code
(:data:`frostnet_jax.data.loaders.NAB_WINDOWS`, copied from NAB's
``labels/combined_windows.json`` at the same commit) and written next to them
as ``combined_windows.json``: upstream's labels file covers every NAB series
and its hash could not be verified here, so it is not fetched.
"""
from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from pathlib import Path

from frostnet_jax.data.loaders import NAB_WINDOWS
from frostnet_jax.errors import DataError

NAB_COMMIT = "ea702d75cc2258d9d7dd35ca8e5e2539d71f3140"   # 2024-12-03, NAB relicensed MIT
NAB_URL = "https://raw.githubusercontent.com/numenta/NAB/{commit}/data/realKnownCause/{file}"
NAB_SHA256 = {
    "machine_temperature_system_failure.csv":
        "92bf5b87fc7f9bba8ca0b7ec63ccaac8cb4a1371a258e8c29a10ae9c018d82a4",
    "ambient_temperature_system_failure.csv":
        "230b68ccca20f59d562afd5d24ad52939c9b784386bed0054018358bf9120581",
}


def data_home() -> Path:
    """The user data folder: $FROSTNET_DATA, else $XDG_CACHE_HOME/frostnet_jax."""
    if os.environ.get("FROSTNET_DATA"):
        return Path(os.environ["FROSTNET_DATA"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "frostnet_jax"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def download(url: str, dest: Path) -> None:
    """Write the body of `url` to `dest` (the one network call of this package)."""
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https URL built above)
        dest.write_bytes(response.read())


def fetch_nab(root: Path | None = None, force: bool = False) -> Path:
    """Download (if absent or corrupt) and verify the NAB temperature files; returns their folder."""
    folder = Path(root or data_home()) / "nab"
    folder.mkdir(parents=True, exist_ok=True)
    for name, digest in NAB_SHA256.items():
        dest = folder / name
        if dest.is_file() and not force and sha256(dest) == digest:
            continue
        part = dest.with_suffix(".part")
        url = NAB_URL.format(commit=NAB_COMMIT, file=name)
        try:
            download(url, part)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise DataError(f"could not download {url} ({exc}); check the network, or copy the NAB "
                            f"files into {folder} by hand.") from None
        got = sha256(part)
        if got != digest:
            part.unlink()
            raise DataError(f"{url}: SHA-256 {got} does not match the pinned {digest}; the download "
                            "is corrupt or upstream changed. Retry, or report it.")
        part.replace(dest)
    (folder / "combined_windows.json").write_text(json.dumps(NAB_WINDOWS, indent=4) + "\n")
    return folder

"""The README's examples run as written."""
from __future__ import annotations

import re
from pathlib import Path

import frostnet_jax as fj
from frostnet_jax.registry import DETECTORS

README = Path(__file__).resolve().parents[1] / "README.md"


def _block_after(heading: str) -> str:
    text = README.read_text()
    section = text.split(heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_mentions_both_commands():
    text = README.read_text()
    assert "make bench" in text and "make test" in text


def test_add_a_detector_example_conforms(monkeypatch):
    DETECTORS.names()  # load the built-ins, then register the example into a throwaway copy
    monkeypatch.setattr(DETECTORS, "_factories", dict(DETECTORS._factories))
    namespace: dict = {}
    exec(compile(_block_after("## Adding a detector"), "README-example", "exec"), namespace)
    fj.check_detector(DETECTORS.get("mad"))
    assert "mad" in fj.list_detectors()


def test_api_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = _block_after("## The Python API").replace("epochs=10, hidden=32", "epochs=1, hidden=8")
    namespace: dict = {}
    exec(compile(code, "README-api", "exec"), namespace)
    assert namespace["scores"].shape == (namespace["ds"].n,)
    assert (namespace["same"].score(namespace["x"]) == namespace["scores"]).all()

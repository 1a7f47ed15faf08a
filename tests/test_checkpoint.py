"""save_detector / load_detector: exact round trip, corrupt files and mismatches raise CheckpointError."""
import json
import struct

import numpy as np
import pytest

import frostnet_jax as fj
from frostnet_jax.detectors import load_detector, save_detector
from frostnet_jax.train.checkpoint import MAGIC
from tests.test_trainer import IDS, NEURAL, series


@pytest.fixture(scope="module")
def fitted():
    return {name: fj.make_detector(name, **hp).fit(series(), series(seed=1)) for name, hp in NEURAL}


@pytest.mark.parametrize("name", IDS)
def test_round_trip_reproduces_scores_exactly(fitted, name, tmp_path):
    det = fitted[name]
    save_detector(det, tmp_path / "det.ckpt")
    back = load_detector(tmp_path / "det.ckpt", expected=det.get_params())
    assert type(back) is type(det) and back.get_params() == det.get_params()
    assert back.history_ == det.history_
    x = series(seed=3)
    assert np.array_equal(back.score(x), det.score(x))


@pytest.mark.robustness
@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_corrupt_file_raises(fitted, tmp_path, damage):
    path = tmp_path / "det.ckpt"
    save_detector(fitted["lstm_ae"], path)
    blob = path.read_bytes()
    blob = {"truncate": blob[:-10], "flip": blob[:-5] + bytes([blob[-5] ^ 1]) + blob[-4:],
            "garbage": b"\x80\x04not a checkpoint"}[damage]
    path.write_bytes(blob)
    with pytest.raises(fj.CheckpointError, match="truncated|corrupt|not a FrostNet-JAX checkpoint"):
        load_detector(path)


def test_mismatched_hyperparameters_and_shapes_say_what_differs(fitted, tmp_path):
    path = tmp_path / "det.ckpt"
    save_detector(fitted["lstm_ae"], path)
    with pytest.raises(fj.CheckpointError, match="hidden: saved 8, expected 16"):
        load_detector(path, expected={"hidden": 16})
    # a header edited to another width: the parameter shapes no longer fit
    blob = path.read_bytes()
    start = len(MAGIC) + 8
    (n,) = struct.unpack("<Q", blob[len(MAGIC):start])
    header = json.loads(blob[start:start + n])
    header["meta"]["hyperparameters"]["hidden"] = 4
    new = json.dumps(header).encode()
    path.write_bytes(MAGIC + struct.pack("<Q", len(new)) + new + blob[start + n:])
    with pytest.raises(fj.CheckpointError, match=r"enc0/w_hh: saved shape \(8, 32\), expected \(4, 16\)"):
        load_detector(path)


def test_unfitted_detector_cannot_be_saved(tmp_path):
    with pytest.raises(fj.CheckpointError, match="not fitted"):
        save_detector(fj.make_detector("lstm_ae"), tmp_path / "x.ckpt")

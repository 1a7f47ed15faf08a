"""`python -m frostnet_jax data ...`: export round-trip, quality, gallery, bad names."""
import json

import numpy as np

import frostnet_jax as fj
from frostnet_jax.cli import main
from frostnet_jax.data.loaders import load_csv


def test_export_writes_csv_and_datasheet_that_round_trip(tmp_path, capsys):
    assert main(["data", "export", "magnet-hard", "--seed", "3", "--out", str(tmp_path)]) == 0
    csv, md = tmp_path / "magnet-hard_seed3.csv", tmp_path / "magnet-hard_seed3.md"
    assert csv.is_file() and md.is_file() and str(csv) in capsys.readouterr().out
    ds = fj.load_dataset("magnet-hard", seed=3)
    back = load_csv(csv, value_cols=["value"], label_col="label")
    assert np.array_equal(back.labels, ds.labels) and np.array_equal(back.timestamps, ds.timestamps)
    np.testing.assert_allclose(back.values, ds.values, rtol=1e-9)
    sheet = md.read_text()
    assert "sha256" in sheet and "quench" in sheet and "unit: K" in sheet


def test_export_rejects_path_names_and_unknown_names(tmp_path, capsys):
    assert main(["data", "export", "../x", "--out", str(tmp_path)]) == 2
    assert "contains a path" in capsys.readouterr().err
    assert main(["data", "export", "ln3-medium", "--out", str(tmp_path)]) == 2
    assert "Did you mean 'ln2-medium'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_quality_prints_json(capsys):
    assert main(["data", "quality", "ln2-hard"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 10_080 and "missed_refill" in report["anomaly_types"]


def test_gallery_writes_every_figure(tmp_path):
    assert main(["data", "gallery", "--out", str(tmp_path)]) == 0
    for name in ("gallery.png", "gallery.pdf", "data_before_after.png", "data_histograms.png"):
        assert (tmp_path / name).stat().st_size > 10_000


def test_export_original_columns_as_the_original_notebooks(tmp_path, capsys):
    import pandas as pd

    assert main(["data", "export", "original", "--seed", "2", "--out", str(tmp_path), "--original-columns"]) == 0
    frame = pd.read_csv(tmp_path / "original_seed2.csv")
    assert list(frame.columns) == ["Timestamp", "Temperature (°C)", "Anomaly"] and len(frame) == 10_080
    assert main(["data", "export", "magnet-medium", "--out", str(tmp_path), "--original-columns"]) == 2
    assert "degC" in capsys.readouterr().err

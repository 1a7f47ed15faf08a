"""Real-data loaders (NAB, UCR, CSV), the offline NAB fetch, and bad-input errors."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import frostnet_jax as fj
from frostnet_jax.data import fetch
from frostnet_jax.data.dataset import Dataset
from frostnet_jax.data.loaders import NAB_WINDOWS, load_csv, load_nab, load_ucr

SHARED_NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
MACHINE = "machine_temperature_system_failure.csv"
AMBIENT = "ambient_temperature_system_failure.csv"


def _need_nab():
    if not (SHARED_NAB / MACHINE).is_file():
        pytest.skip(f"../shared is absent: no NAB copy at {SHARED_NAB}")


# --- NAB --------------------------------------------------------------------------------------

def test_nab_machine_labels_by_position_with_the_repeated_hour():
    _need_nab()
    ds = load_nab(SHARED_NAB / MACHINE, SHARED_NAB / "combined_windows.json")
    assert ds.n == 22_695 and ds.labels.sum() == 2_268 and ds.meta["duplicate_timestamps"] == 12
    starts = np.flatnonzero(np.diff(np.r_[0, ds.labels]) == 1)
    ends = np.flatnonzero(np.diff(np.r_[ds.labels, 0]) == -1)
    assert np.array_equal(ends - starts + 1, [567] * 4)
    assert np.array_equal((starts + ends) // 2, [2409, 3986, 16340, 19515])   # README's point labels
    assert ds.timestamps[10_149] == ds.timestamps[10_137]                    # the hour repeats


def test_nab_ambient_and_builtin_windows_match_the_shared_json():
    _need_nab()
    assert json.loads((SHARED_NAB / "combined_windows.json").read_text()) == NAB_WINDOWS
    ds = load_nab(SHARED_NAB / AMBIENT)          # built-in windows
    assert ds.n == 7_267 and ds.labels.sum() == 726


def test_nab_registered_dataset_reads_a_path_or_says_how_to_fetch(tmp_path, monkeypatch):
    _need_nab()
    ds = fj.load_dataset("nab-ambient_temperature", path=str(SHARED_NAB))
    assert ds.name == "nab-ambient_temperature" and ds.unit == "degF"
    monkeypatch.setenv("FROSTNET_DATA", str(tmp_path))
    with pytest.raises(fj.DataError, match="data fetch nab"):
        fj.load_dataset("nab-machine_temperature")


def _serve_from(folder: Path):
    def download(url: str, dest: Path) -> None:
        shutil.copyfile(folder / url.rsplit("/", 1)[-1], dest)
    return download


def test_fetch_nab_offline_verifies_and_caches(tmp_path, monkeypatch):
    _need_nab()
    calls = []
    serve = _serve_from(SHARED_NAB)
    monkeypatch.setattr(fetch, "download", lambda url, dest: calls.append(url) or serve(url, dest))
    monkeypatch.setenv("FROSTNET_DATA", str(tmp_path))
    from frostnet_jax.cli import main
    assert main(["data", "fetch", "nab"]) == 0
    assert all(fetch.NAB_COMMIT in url for url in calls) and len(calls) == 2
    assert main(["data", "fetch", "nab"]) == 0 and len(calls) == 2        # cached: no new download
    ds = fj.load_dataset("nab-machine_temperature")
    assert ds.labels.sum() == 2_268


@pytest.mark.robustness
def test_fetch_rejects_a_corrupt_download(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    for name in fetch.NAB_SHA256:
        (tmp_path / "src" / name).write_text("timestamp,value\n2020-01-01 00:00:00,1\n")
    monkeypatch.setattr(fetch, "download", _serve_from(tmp_path / "src"))
    with pytest.raises(fj.DataError, match="SHA-256"):
        fetch.fetch_nab(tmp_path / "cache")
    assert not list((tmp_path / "cache" / "nab").glob("*.csv*"))


def test_data_home_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FROSTNET_DATA", str(tmp_path))
    assert fetch.data_home() == tmp_path
    monkeypatch.delenv("FROSTNET_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fetch.data_home() == tmp_path / "xdg" / "frostnet_jax"


# --- UCR --------------------------------------------------------------------------------------

def test_ucr_name_positions_are_one_based(tmp_path):
    path = tmp_path / "042_UCR_Anomaly_CryoTest_50_70_74.txt"
    path.write_text("\n".join(str(float(i)) for i in range(100)) + "\n")
    ds = load_ucr(path)
    assert ds.name == "ucr-042-CryoTest" and ds.n == 100 and ds.val_end == 50 and ds.train_end == 40
    assert np.array_equal(np.flatnonzero(ds.labels), np.arange(69, 74))   # 1-based 70..74
    one_line = tmp_path / "001_UCR_Anomaly_X_5_7_8.txt"
    one_line.write_text("  ".join(["1.5"] * 10))
    assert load_ucr(one_line).labels.sum() == 2


@pytest.mark.robustness
@pytest.mark.parametrize("fname, body, match", [
    ("series.txt", "1\n2\n", "does not follow"),
    ("001_UCR_Anomaly_X_5_7_8.txt", "", "empty"),
    ("001_UCR_Anomaly_X_5_7_8.txt", "1\n2\nabc\n", "value 3"),
    ("001_UCR_Anomaly_X_5_7_80.txt", "1\n" * 10, "has 10 values"),
])
def test_ucr_bad_input(tmp_path, fname, body, match):
    (tmp_path / fname).write_text(body)
    with pytest.raises(fj.DataError, match=match):
        load_ucr(tmp_path / fname)


# --- generic CSV ------------------------------------------------------------------------------

def _csv(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_loader_columns_labels_separator_and_missing(tmp_path):
    rows = "\n".join(f"2024-01-01 00:{i:02d}:00;{-170 + i * 0.1};{3.5 + i * 1e-3};{int(i == 7)}"
                     for i in range(20))
    path = _csv(tmp_path, "time;top;stage;alarm\n" + rows.replace("-169.5;", ";", 1))
    ds = load_csv(path, time_col="time", label_col="alarm", sep=";", unit="degC")
    assert ds.values.shape == (20, 2) and ds.name == "log" and np.flatnonzero(ds.labels).tolist() == [7]
    assert np.isnan(ds.values[5, 0]) and ds.meta["columns"] == ["top", "stage"]
    assert ds.train_end == 10 and ds.val_end == 14
    one = load_csv(path, time_col="time", value_cols=["stage"], sep=";")
    assert one.values.shape == (20, 1) and one.labels.sum() == 0


HEADER = "timestamp,value,label\n"
GOOD = "".join(f"2024-01-01 00:{i:02d}:00,{i},0\n" for i in range(10))


@pytest.mark.robustness
@pytest.mark.parametrize("text, kwargs, match", [
    ("", {}, "file is empty"),
    (HEADER, {}, "no data rows"),
    (HEADER + GOOD, {"value_cols": ["temp"]}, r"missing column.*'temp'.*value_cols"),
    (HEADER + GOOD.replace(",3,", ",warm,"), {}, r"line 5, column 'value': 'warm' is not a number"),
    ("timestamp,value\n" + "".join(f"2024-01-01 00:0{i}:00,\n" for i in range(9)), {}, "all missing"),
    (HEADER + GOOD.replace("00:04:00", "00:01:30"), {"label_col": "label"}, r"out of order at line 6.*sort"),
    (HEADER + GOOD.replace("00:02:00", "yesterday"), {}, r"line 4.*yesterday' is not a timestamp"),
    (HEADER + GOOD.replace(":05:00,5,0", ":05:00,5,2"), {"label_col": "label"}, r"line 7.*label '2'.*0 or 1"),
])
def test_csv_bad_input_names_file_row_and_fix(tmp_path, text, kwargs, match):
    path = _csv(tmp_path, text)
    with pytest.raises(fj.DataError, match=match) as info:
        load_csv(path, **kwargs)
    assert "log.csv" in str(info.value)


@pytest.mark.robustness
def test_csv_constant_series_loads_and_scales_without_dividing_by_zero(tmp_path):
    from frostnet_jax.data.preprocess import prepare
    path = _csv(tmp_path, "timestamp,value\n" + "".join(f"2024-01-01 00:{i:02d}:00,4.2\n" for i in range(20)))
    ds = load_csv(path)
    for scaler in ("minmax", "standard", "robust"):
        x, _ = prepare(ds, scaler)
        assert np.isfinite(x).all()


@pytest.mark.robustness
def test_dataset_rejects_bad_labels_and_path_names():
    ts = np.arange(10).astype("datetime64[m]")
    kw = dict(values=np.zeros(10), timestamps=ts, anomaly_type=np.full(10, "normal"), unit="K",
              train_end=5, val_end=7)
    with pytest.raises(fj.DataError, match="labels have shape"):
        Dataset(name="x", labels=np.zeros(9), **kw)
    with pytest.raises(fj.DataError, match="must be 0 or 1"):
        Dataset(name="x", labels=np.full(10, 2), **kw)
    for bad in ("../x", "a/b", "..", ".hidden", "c:\\x"):
        with pytest.raises(fj.DataError, match="contains a path"):
            Dataset(name=bad, labels=np.zeros(10), **kw)


@pytest.mark.robustness
def test_csv_bom_crlf_zone_offsets_and_mixed_iso_forms(tmp_path):
    path = _csv(tmp_path, "\ufefftimestamp,value\r\n2024-01-01T00:00:00+01:00,1\r\n"
                          "2024-01-01 00:01:00+01:00,2\r\n2024-01-01T00:02:00+01:00,3\r\n")
    ds = load_csv(path, train_frac=0.34, val_frac=0.33)
    assert ds.timestamps[0] == np.datetime64("2023-12-31T23:00", "ns") and ds.values[:, 0].tolist() == [1, 2, 3]


@pytest.mark.robustness
def test_nab_bad_windows_file_says_how_to_fix(tmp_path):
    _need_nab()
    (tmp_path / "w.json").write_text("{not json")
    with pytest.raises(fj.DataError, match="data fetch nab"):
        load_nab(SHARED_NAB / AMBIENT, tmp_path / "w.json")
    with pytest.raises(fj.DataError, match="no entry"):
        load_nab(SHARED_NAB / AMBIENT, {"realKnownCause/other.csv": []})

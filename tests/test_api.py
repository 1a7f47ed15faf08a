"""The public API: registries, make_detector, load_dataset, check_detector over every detector."""
import numpy as np
import pytest

import frostnet_jax as fj
from frostnet_jax.data.windows import sliding_windows, window_starts, windows_to_timestamps
from frostnet_jax.registry import DETECTORS


def test_unknown_detector_lists_known_and_closest():
    with pytest.raises(fj.ConfigError, match=r"Did you mean 'zscore'.*iforest"):
        fj.make_detector("zscroe")


def test_unknown_dataset_lists_known():
    with pytest.raises(fj.ConfigError, match="Known datasets: .*original"):
        fj.load_dataset("nope")


def test_unknown_hyperparameter_names_the_closest():
    with pytest.raises(fj.ConfigError, match="takes no hyperparameter 'windw'.*Did you mean 'window'"):
        fj.make_detector("iforest", windw=3)


# test-sized hyperparameters; every other registered detector runs at its defaults
SMALL = {"lstm_ae": dict(window=8, hidden=8, epochs=1, batch_size=16),
         "transformer_ae": dict(window=8, hidden=8, layers=1, epochs=1, batch_size=16, heads=2)}


@pytest.mark.parametrize("name", fj.list_detectors())
def test_every_registered_detector_conforms(name):
    fj.check_detector(DETECTORS.get(name), **SMALL.get(name, {}))


def test_score_before_fit_and_nan_and_short_series():
    det = fj.make_detector("iforest", window=10)
    with pytest.raises(fj.NotFittedError, match="before fit"):
        det.score(np.zeros(50))
    with pytest.raises(fj.DataError, match="fill_missing"):
        det.fit(np.array([1.0, np.nan] * 20))
    with pytest.raises(fj.DataError, match="needs at least 10"):
        det.fit(np.zeros(5))


def test_alignment_covers_first_and_last_points():
    n, w, stride = 23, 5, 3
    starts = window_starts(n, w, stride)
    assert starts[0] == 0 and starts[-1] == n - w
    x = np.arange(n, dtype=float)[:, None]
    wins = sliding_windows(x, w, stride)
    assert wins.shape == (starts.size, w, 1)
    per_step = wins[..., 0]  # error = the value itself -> mean over covering windows is the value
    np.testing.assert_allclose(windows_to_timestamps(per_step, n, w, stride), x[:, 0])


def test_original_dataset_is_seeded_and_shaped():
    a, b = fj.load_dataset("original", seed=3), fj.load_dataset("original", seed=3)
    assert a.values.shape == (10_080, 1) and a.labels.shape == (10_080,)
    assert np.array_equal(a.values, b.values) and a.labels.sum() == 101
    assert set(np.unique(a.anomaly_type)) == {"normal", "spike"}
    assert not np.array_equal(a.values, fj.load_dataset("original", seed=4).values)


def test_entry_point_detector_registers(monkeypatch):
    from importlib import metadata

    from frostnet_jax.registry import Registry

    class FakeEP:
        name = "plugin_det"

        def load(self):
            return DETECTORS.get("zscore")

    monkeypatch.setattr(metadata, "entry_points", lambda group: [FakeEP()] if group == "g" else [])
    reg = Registry("detector", entry_point_group="g")
    assert "plugin_det" in reg.names()

"""Synthetic scenarios and the anomaly taxonomy: determinism, checksum pins, labels, splits."""
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import frostnet_jax as fj
from frostnet_jax.data.anomalies import DIFFICULTIES, EFFECTS, KINDS, Event, inject, layout, plan_events
from frostnet_jax.data.export import checksum

SCENARIOS = ("ln2", "cryocooler", "magnet", "original")
NAMES = [f"{s}-{d}" for s in SCENARIOS for d in DIFFICULTIES]

# sha256 of values (rounded to 1e-9, see `checksum`) + labels at seed 0. A change here means
# the generated data changed: bump the scenario's VERSION and update the pin on purpose.
PINS = {
    "cryocooler-easy": "5e7f2bfe7c6cb78853284f097197a42bb17a2a4a55cb916d0c799eeb5d981171",
    "cryocooler-hard": "67d14ac1f15c091edbe41474065c24e0c5e529fb9cf33af7b38694baaedf6964",
    "cryocooler-medium": "79d813dc62124a73f6c98dd9727a0ff0c6c73a089edbbf9ad72edc117041f432",
    "ln2-easy": "8f060aee8e11b5d8647a8c3892e644144e7c572173c4b1b68084ff4e0fab6e65",
    "ln2-hard": "b2ebba6fe3e0b924fae14102e05ccdc2dfe2eae170bbf2c83f71d7c5ff8c8ca6",
    "ln2-medium": "94fc535766d8891b708c838d52e419ad23747c783765480f3b14025efa86ca61",
    "magnet-easy": "348a502a3301c5f9ceaaf6c81e1600b494b28ae987b9f4ff2724836cc8c22c6b",
    "magnet-hard": "615e5e2116f9056b0a8d9afeb56cf7989291c58417eb7fa3e8e7d57ecb8b8435",
    "magnet-medium": "aafba3870419435a274a05ff4c5722f9b33a8d90216b23ce79d3c66f009c4eb6",
    "original": "77ecc21fc83070a732fbe7c35e27eadffbdcf54a7838379b4992bd86cf95c17c",
    "original-easy": "8157f4256c08d6a980664fd24dfa7d1c7125377286cf39d6aa58d88bb3b64671",
    "original-hard": "6afe66802b10218ec3c9115d18121968a552d55002c47bdd7d742fb9d0c749f2",
    "original-medium": "00c465e1629bef1e9c714cabb20ea977e513349105d52255d2c30c7a80817af5",
}


def test_every_scenario_and_difficulty_is_registered():
    names = fj.list_datasets()
    assert set(NAMES) | {"original", "nab-machine_temperature", "nab-ambient_temperature"} <= set(names)


@pytest.mark.robustness
@pytest.mark.parametrize("name", sorted(PINS))
def test_checksum_pin_and_determinism(name):
    a, b = fj.load_dataset(name, seed=0), fj.load_dataset(name, seed=0)
    assert checksum(a) == checksum(b)
    assert checksum(a, decimals=9) == PINS[name]
    assert checksum(fj.load_dataset(name, seed=1)) != checksum(a)


@pytest.mark.parametrize("name", NAMES)
def test_shape_meta_labels_and_split_hygiene(name):
    t0 = time.perf_counter()
    ds = fj.load_dataset(name, seed=5)
    assert time.perf_counter() - t0 < 1.0
    assert ds.values.shape == (10_080, 1) and ds.values.dtype == np.float64
    assert ds.unit in ("K", "degC")
    assert ds.meta["version"] and "PCG64" in ds.meta["generator"]
    assert np.array_equal(ds.labels == 1, ds.anomaly_type != "normal")
    carried = {e["kind"] for e in ds.meta["events"]}
    assert set(ds.anomaly_type) - {"normal"} == carried <= set(KINDS)
    # train and validation are normal; every kind the scenario carries is in the test split
    assert ds.labels[: ds.val_end].sum() == 0
    assert set(ds.anomaly_type[ds.split("test")]) - {"normal"} == carried
    # NaN exactly on dropouts
    assert np.array_equal(~ds.mask, ds.anomaly_type == "dropout")


def test_each_event_is_labelled_with_its_kind_over_its_span():
    ds = fj.load_dataset("ln2-hard", seed=2)
    for ev in ds.meta["events"]:
        span = slice(ev["start"], ev["start"] + ev["length"])
        assert (ds.anomaly_type[span] == ev["kind"]).all() and ds.labels[span].all()
    assert ds.labels.sum() == sum(ev["length"] for ev in ds.meta["events"])


def test_contamination_puts_anomalies_in_train_only():
    ds = fj.load_dataset("cryocooler-medium", seed=0, contamination=0.05)
    train = ds.labels[ds.split("train")]
    assert 0.05 <= train.mean() < 0.2
    assert ds.labels[ds.split("val")].sum() == 0
    assert ds.labels[ds.split("test")].sum() > 0


def test_difficulty_sets_amplitudes():
    amp = {d: {e["kind"]: e["amplitude"] for e in fj.load_dataset(f"ln2-{d}").meta["events"]}
           for d in DIFFICULTIES}
    for kind in ("spike", "level_shift", "drift", "variance_burst"):
        assert amp["easy"][kind] > amp["medium"][kind] > amp["hard"][kind]


def test_lid_openings_are_normal_excursions():
    ds = fj.load_dataset("ln2-medium", seed=0)
    train = ds.values[ds.split("train"), 0]
    assert np.nanmax(train) > np.nanmedian(train) + 5.0        # warm excursions exist...
    assert ds.labels[ds.split("train")].sum() == 0             # ...and are not labelled


def test_missed_refill_skips_an_expected_fill_within_the_normal_range():
    ds = fj.load_dataset("ln2-medium", seed=0)
    ev = next(e for e in ds.meta["events"] if e["kind"] == "missed_refill")
    span = slice(ev["start"], ev["start"] + ev["length"])
    normal = ds.values[: ds.val_end, 0]
    assert ev["length"] >= 1.1 * 480
    lo, hi = np.percentile(ds.values[span, 0], [5, 95])      # (a lid opening may fall inside)
    assert np.nanmin(normal) <= lo and hi <= np.nanmax(normal)


def test_magnet_quench_is_tens_of_kelvin_and_recovers():
    ds = fj.load_dataset("magnet-medium", seed=0)
    ev = next(e for e in ds.meta["events"] if e["kind"] == "quench")
    seg = ds.values[ev["start"]: ev["start"] + ev["length"], 0]
    assert 20.0 < seg[0] < 80.0 and seg[-1] < 4.4


def test_length_and_sampling_are_parameters():
    ds = fj.load_dataset("ln2-easy", seed=0, n_days=14, step_min=5.0)
    assert ds.n == 14 * 24 * 12
    assert np.all(np.diff(ds.timestamps) == np.timedelta64(5, "m"))


@pytest.mark.robustness
def test_bad_parameters_raise():
    with pytest.raises(fj.ConfigError, match="contamination"):
        fj.load_dataset("ln2-easy", contamination=0.9)
    with pytest.raises(fj.ConfigError, match="do not fit"):
        fj.load_dataset("ln2-easy", n_days=1)


# --- the injection mechanism on a flat series -------------------------------------------------

def _inject(kind, amplitude=10.0, length=20, cycle=None):
    n = 100
    base = np.zeros(n)
    cycle = np.zeros(n) if cycle is None else cycle
    return inject(base + cycle, cycle, [Event(kind, 40, length, amplitude)], sigma=0.5,
                  rng=np.random.default_rng(0))


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_labels_exactly_its_span(kind):
    values, labels, atype = _inject(kind)
    assert labels.sum() == 20 and (atype[40:60] == kind).all() and (atype[:40] == "normal").all()
    assert np.array_equal(values[:40], np.zeros(40)) and np.array_equal(values[60:], np.zeros(40))


def test_effect_shapes():
    assert set(EFFECTS) == set(KINDS)
    assert np.allclose(np.abs(_inject("level_shift")[0][40:60]), 5.0)
    drift = _inject("drift")[0][40:60]
    assert np.all(np.diff(drift) > 0) and np.isclose(drift[-1], 5.0)
    assert np.isnan(_inject("dropout")[0][40:60]).all()
    quench = _inject("quench")[0][40:60]
    assert np.isclose(quench[0], 5.0) and np.all(np.diff(quench) < 0) and quench[-1] < 0.5
    assert _inject("variance_burst")[0][40:60].std() > 1.0
    cycle = np.sin(np.arange(100) / 5.0)
    stuck = _inject("stuck", cycle=cycle)[0][40:60]
    assert np.ptp(stuck) == 0
    missed = _inject("missed_refill", cycle=cycle)[0]
    assert np.all(np.diff(missed[40:60]) >= 0) and missed[40:60].max() <= cycle[40:60].max()


@pytest.mark.robustness
def test_overlapping_events_raise():
    with pytest.raises(fj.ConfigError, match="overlaps"):
        inject(np.zeros(50), np.zeros(50), [Event("spike", 10, 5, 1.0), Event("stuck", 12, 5, 1.0)],
               1.0, np.random.default_rng(0))
    with pytest.raises(fj.ConfigError, match="Unknown anomaly kind"):
        inject(np.zeros(50), np.zeros(50), [Event("gremlin", 1, 2, 1.0)], 1.0, np.random.default_rng(0))


def test_layout_keeps_gaps_and_order():
    rng = np.random.default_rng(0)
    lengths = [5, 30, 1, 12]
    for _ in range(20):
        starts = layout(rng, lengths, 100, 300, gap=7)
        ends = starts + lengths
        assert starts[0] >= 107 and ends[-1] <= 293
        assert np.all(starts[1:] - ends[:-1] >= 7)


def test_plan_events_any_kind_into_any_range():
    events = plan_events(np.random.default_rng(1), KINDS, "medium", 0, 20_000, step_min=1.0,
                         period_min=720.0, events_per_kind=2)
    assert sorted(e.kind for e in events) == sorted(KINDS * 2)


@pytest.mark.robustness
@settings(max_examples=40, deadline=None)
@given(lengths=st.lists(st.integers(1, 40), min_size=1, max_size=8), gap=st.integers(1, 10),
       seed=st.integers(0, 2**32 - 1), kinds=st.lists(st.sampled_from(KINDS), min_size=8, max_size=8))
def test_layout_and_inject_properties(lengths, gap, seed, kinds):
    rng = np.random.default_rng(seed)
    n = sum(lengths) + gap * (len(lengths) + 1) + int(rng.integers(0, 50))
    starts = layout(rng, lengths, 0, n, gap)
    events = [Event(k, int(s), ln, 5.0) for k, s, ln in zip(kinds, starts, lengths)]
    values, labels, atype = inject(np.zeros(n), np.sin(np.arange(n) / 3.0), events, 1.0, rng)
    assert labels.sum() == sum(lengths)
    assert np.array_equal(labels == 1, atype != "normal")
    assert np.array_equal(np.isnan(values), atype == "dropout")

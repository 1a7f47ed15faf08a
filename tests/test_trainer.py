"""The shared trainer's contract, run over every neural detector in one table."""
import json
import os
import subprocess
import sys

import jax
import jax.monitoring
import numpy as np
import pytest

import frostnet_jax as fj
from frostnet_jax.data.windows import sliding_windows, windows_to_timestamps
from frostnet_jax.train import TrainConfig, fit, fit_seeds, seed_key, window_errors

# Everything under test: (name, tiny hyperparameters shared by every test so compiled programs are reused).
NEURAL = [
    ("lstm_ae", dict(window=8, hidden=8, epochs=2, batch_size=16)),
    ("transformer_ae", dict(window=8, hidden=8, layers=1, epochs=2, batch_size=16, heads=2, mask_rate=0.2)),
]
IDS = [name for name, _ in NEURAL]


def series(n=200, d=1, seed=0):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(0, 0.05, (n, d)), axis=0)


class CompileCounter:
    """Counts XLA backend compilations while active (jax.monitoring events)."""

    def __init__(self):
        self.count = 0

    def __call__(self, name, duration, **kwargs):
        if name == "/jax/core/compile/backend_compile_duration":
            self.count += 1

    def __enter__(self):
        jax.monitoring.register_event_duration_secs_listener(self)
        return self

    def __exit__(self, *exc):
        jax.monitoring.unregister_event_duration_listener(self)


@pytest.mark.parametrize("name,hp", NEURAL, ids=IDS)
def test_second_fit_with_same_shapes_compiles_nothing(name, hp):
    x, xv = series(), series(seed=1)
    fj.make_detector(name, **hp).fit(x, xv).score(x)
    with CompileCounter() as counter:
        det = fj.make_detector(name, seed=5, **hp).fit(x, xv)
        det.score(series(seed=2))
    assert counter.count == 0
    assert det.timings_["compile_s"] == 0.0 and det.timings_["fit_s"] > 0 and det.timings_["score_s"] > 0


@pytest.mark.parametrize("name,hp", NEURAL, ids=IDS)
def test_same_seed_same_model_bit_for_bit(name, hp):
    x, xv = series(), series(seed=1)
    a, b, c = (fj.make_detector(name, seed=s, **hp).fit(x, xv) for s in (3, 3, 4))
    same = jax.tree.map(lambda u, v: np.array_equal(u, v), a.params_, b.params_)
    assert all(jax.tree.leaves(same)) and a.history_ == b.history_
    assert not np.array_equal(a.score(x), c.score(x))
    assert len(a.history_["train_loss"]) == len(a.history_["val_loss"]) == hp["epochs"]


@pytest.mark.parametrize("name,hp", NEURAL, ids=IDS)
def test_vmapped_seeds_match_separate_fits(name, hp):
    """Not bitwise: vmap batches the matmuls, so XLA may sum in another order (float32 rounding)."""
    x, xv = series(), series(seed=1)
    det = fj.make_detector(name, **hp)
    vmapped = det.fit_seeds([0, 1, 2], x, xv, path="vmap")
    looped = det.fit_seeds([0, 1, 2], x, xv, path="loop")
    for v, s in zip(vmapped, looped):
        assert v.fit_path_ == "vmap" and s.fit_path_ == "loop"
        np.testing.assert_allclose(v.history_["train_loss"], s.history_["train_loss"], rtol=1e-4)
        np.testing.assert_allclose(v.score(x), s.score(x), rtol=1e-3, atol=1e-6)
    assert not np.allclose(vmapped[0].score(x), vmapped[1].score(x))


def test_functional_fit_seeds_scores_have_shape_k_by_t():
    name, hp = NEURAL[0]
    det = fj.make_detector(name, **hp)
    x = series()
    windows = sliding_windows(x, 8).astype(np.float32)
    model, config = det.module(1), TrainConfig(batch_size=16)
    stacked = fit_seeds([seed_key(s) for s in (0, 1)], model, config, windows, epochs=2)
    errs, _ = window_errors(stacked.state.params, model, windows, stacked=True)
    scores = np.stack([windows_to_timestamps(e, len(x), 8) for e in errs])
    assert scores.shape == (2, len(x)) and stacked.train_loss.shape == (2, 2)
    single = fit(seed_key(1), model, config, windows, epochs=2)
    one, _ = window_errors(single.state.params, model, windows)
    np.testing.assert_allclose(scores[1], windows_to_timestamps(one, len(x), 8), rtol=1e-3, atol=1e-6)


def test_seeds_path_is_loop_on_cpu_and_recorded():
    name, hp = NEURAL[0]
    det = fj.make_detector(name, **hp)
    assert type(det).seeds_path() == ("loop" if jax.default_backend() == "cpu" else "vmap")
    dets = det.fit_seeds([0], series())
    assert dets[0].fit_path_ == dets[0].timings_["path"] == type(det).seeds_path()


@pytest.mark.parametrize("name,hp", NEURAL, ids=IDS)
def test_diverging_loss_names_detector_seed_and_epoch(name, hp):
    with pytest.raises(fj.TrainingError, match=rf"{name}: seed 7: .*non-finite at epoch 1"):
        fj.make_detector(name, seed=7, **{**hp, "lr": 1e38}).fit(series() * 1e18)


def test_early_stopping_keeps_best_and_stops():
    name, hp = NEURAL[0]
    det = fj.make_detector(name, **{**hp, "epochs": 10, "patience": 2, "lr": 1e-20}).fit(series(), series(seed=1))
    val = det.history_["val_loss"]
    assert len(val) == 3 and len(det.history_["train_loss"]) == 3  # no improvement after epoch 1


@pytest.mark.parametrize("name,hp", NEURAL, ids=IDS)
def test_window_longer_than_training_split(name, hp):
    with pytest.raises(fj.DataError, match="window"):
        fj.make_detector(name, **hp).fit(series(n=5))


@pytest.mark.slow
def test_data_parallel_over_two_host_devices_matches_one_device():
    """A worker with 2 single-thread host devices splits each minibatch (shard_map); same model up to rounding."""
    code = ("import json, sys, numpy as np, frostnet_jax as fj\n"
            "x = np.array(json.loads(sys.stdin.read()))\n"
            "d = fj.make_detector('lstm_ae', window=8, hidden=8, epochs=2, batch_size=16).fit(x)\n"
            "print(json.dumps([d.timings_['devices'], d.score(x).tolist()]))")
    env = dict(os.environ, JAX_PLATFORMS="cpu", XLA_FLAGS="--xla_force_host_platform_device_count=2 "
               "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    x = series()
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(x.tolist()), env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    devices, scores = json.loads(out.stdout.strip().splitlines()[-1])
    single = fj.make_detector("lstm_ae", window=8, hidden=8, epochs=2, batch_size=16).fit(x)
    assert devices == 2 and single.timings_["devices"] == 1
    np.testing.assert_allclose(scores, single.score(x), rtol=1e-3, atol=1e-6)

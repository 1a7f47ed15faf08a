"""Training and scoring speed of lstm_ae (and transformer_ae) against the PyTorch reference.

Same architecture (window 30, hidden 64, batch 64, Adam 1e-3, MSE) on the same
data (the reference's random walk, min-max scaled, stride-1 windows). Every
measurement runs in a fresh subprocess (XLA flags must be set before JAX is
imported); JAX and PyTorch runs alternate (A B A B) because a shared 2-core
machine is noisy. Rates are windows per second, warm (compilation excluded and
reported separately).

    python benchmarks/lstm_speed.py --torch-python ~/.venvs/torch-ref/bin/python
    python benchmarks/lstm_speed.py --quick            # JAX only, fewer rows
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REFERENCE = "/work/shared/perf/seed_torch.py"
ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
TWO_DEVICES = f"--xla_force_host_platform_device_count=2 {ONE_THREAD}"


# -- worker: one measurement in this process ---------------------------------------------------
def series(n: int, seed: int = 0):
    """The reference's data: random walk around -180 with noise and 1 % spikes, min-max scaled, (n, 1)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    temp = -180.0 + np.cumsum(rng.normal(0.0, 0.05, n)) + rng.normal(0.0, 0.02, n)
    idx = rng.choice(n, size=int(round(n * 0.01)), replace=False)
    temp[idx] += rng.choice([-1.0, 1.0], idx.size) * rng.uniform(1.0, 3.0, idx.size)
    return ((temp - temp.min()) / (temp.max() - temp.min()))[:, None]


def worker(spec: dict) -> dict:
    """Train `spec["model"]` on the reference data; return rates and compile seconds."""
    import jax
    import numpy as np

    import frostnet_jax as fj
    from frostnet_jax.data.windows import sliding_windows
    from frostnet_jax.train import enable_compilation_cache, fit, fit_seeds, seed_key, window_errors

    if spec.get("cache"):
        enable_compilation_cache(spec["cache"])
    hp = dict(window=spec["window"], hidden=spec.get("hidden", 64), batch_size=64, lr=1e-3)
    det = fj.make_detector(spec["model"], **hp)
    windows = sliding_windows(series(spec["n"]), spec["window"]).astype(np.float32)
    model, config, k = det.module(1), det.train_config(), spec.get("vmap", 0)
    trained = (len(windows) // 64) * 64
    t0 = time.perf_counter()
    if k:
        run = lambda epochs: fit_seeds([seed_key(s) for s in range(k)], model, config, windows,  # noqa: E731
                                       epochs=epochs)
    else:
        run = lambda epochs: fit(seed_key(0), model, config, windows, epochs=epochs)  # noqa: E731
    first = run(1)
    jax.block_until_ready(first.state.params)
    out = {"compile_s": first.compile_s, "first_fit_s": time.perf_counter() - t0,
           "devices": config.devices if not k else 1}
    epoch_s = []
    for _ in range(spec.get("reps", 2)):
        t = time.perf_counter()
        jax.block_until_ready(run(1).state.params)
        epoch_s.append(time.perf_counter() - t)
    out["train_win_per_s"] = max(k, 1) * trained / statistics.median(epoch_s)
    if not k:
        scorer = det.scoring_module(1)
        params = first.state.params
        _, out["score_compile_s"] = window_errors(params, scorer, windows)
        inf = []
        for _ in range(3):
            t = time.perf_counter()
            window_errors(params, scorer, windows)
            inf.append(time.perf_counter() - t)
        out["score_win_per_s"] = len(windows) / statistics.median(inf)
    return out


# -- driver ------------------------------------------------------------------------------------
def run_jax(spec: dict, xla_flags: str = "", cpu: str | None = None) -> subprocess.Popen:
    env = dict(os.environ, XLA_FLAGS=xla_flags, JAX_PLATFORMS="cpu")
    cmd = ([] if cpu is None else ["taskset", "-c", cpu]) + [sys.executable, __file__, "--worker",
                                                             json.dumps(spec)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_torch(python: str, n: int, threads: int = 0, cpu: str | None = None) -> subprocess.Popen:
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    cmd = ([] if cpu is None else ["taskset", "-c", cpu]) + [
        python, REFERENCE, "--bench", "--n", str(n), "--bench-epochs", "2", "--results", path]
    if threads:
        cmd += ["--threads", str(threads)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.results_path = path  # type: ignore[attr-defined]
    return proc


def collect(proc: subprocess.Popen) -> dict:
    """Wait for a run; its result (and a progress line on stderr)."""
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"benchmark subprocess failed ({proc.args}):\n{err[-2000:]}")
    path = getattr(proc, "results_path", None)
    if path:
        with open(path) as f:
            rec = json.loads(f.readlines()[-1])
        os.unlink(path)
        res = {"train_win_per_s": rec["train_win_per_s"], "score_win_per_s": rec["infer_win_per_s"]}
    else:
        res = json.loads(out.strip().splitlines()[-1])
    print(f"  {' '.join(proc.args[-6:])[-90:]}: {json.dumps(res)}", file=sys.stderr, flush=True)
    return res


def together(procs: list[subprocess.Popen]) -> list[dict]:
    return [collect(p) for p in procs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--torch-python", help="interpreter with torch for the reference (omit: JAX only)")
    ap.add_argument("--n", type=int, default=10_000, help="series length (the reference's --n)")
    ap.add_argument("--reps", type=int, default=2, help="A B rounds per comparison")
    ap.add_argument("--vmap", type=int, default=4, help="seeds in one vmapped program")
    ap.add_argument("--quick", action="store_true", help="skip the transformer and the cache rows")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(json.loads(a.worker))), flush=True)
        return

    lstm = {"model": "lstm_ae", "window": 30, "n": a.n}
    rows: list[tuple[str, float, float | None, str]] = []  # (what, ours, reference, unit)
    med = statistics.median
    runs: list[str] = []  # every run's rate, to show the noise behind the medians

    def spread(what: str, ours: list[float], ref: list[float]) -> None:
        best = f"; best/best {max(ours) / max(ref):.2f}x" if ref else ""
        runs.append(f"  {what}: ours {[round(v) for v in ours]}, reference {[round(v) for v in ref]}{best}")

    # 1. one seed, one process, 2 threads: JAX default, JAX on 2 single-thread host devices, PyTorch
    jd, jp, tt = [], [], []
    for _ in range(a.reps):
        jd.append(collect(run_jax(lstm)))
        if a.torch_python:
            tt.append(collect(run_torch(a.torch_python, a.n)))
        jp.append(collect(run_jax(lstm, TWO_DEVICES)))
    spread("train 1 proc 2 threads", [r["train_win_per_s"] for r in jd], [r["train_win_per_s"] for r in tt])
    spread("train 2 host devices", [r["train_win_per_s"] for r in jp], [])
    spread("score 1 proc 2 threads", [r["score_win_per_s"] for r in jd], [r["score_win_per_s"] for r in tt])
    ref_train = med(r["train_win_per_s"] for r in tt) if tt else None
    ref_score = med(r["score_win_per_s"] for r in tt) if tt else None
    train_default = med(r["train_win_per_s"] for r in jd)
    train_dp = med(r["train_win_per_s"] for r in jp)
    rows += [("train, 1 seed, 1 process, 2 threads (XLA default)", train_default, ref_train, "win/s"),
             ("train, 1 seed, 1 process, 2 host devices x 1 thread (shard_map)", train_dp, ref_train, "win/s"),
             ("score, 1 seed, 1 process, 2 threads", med(r["score_win_per_s"] for r in jd), ref_score, "win/s"),
             ("score, 2 host devices x 1 thread", med(r["score_win_per_s"] for r in jp), ref_score, "win/s")]

    # 2. whole machine: two pinned single-thread processes (one seed each), alternating with PyTorch
    j2, t2 = [], []
    for _ in range(a.reps):
        j2.append(sum(r["train_win_per_s"] for r in together(
            [run_jax(lstm, ONE_THREAD, cpu) for cpu in ("0", "1")])))
        if a.torch_python:
            t2.append(sum(r["train_win_per_s"] for r in together(
                [run_torch(a.torch_python, a.n, 1, cpu) for cpu in ("0", "1")])))
    spread("train 2 pinned 1-thread processes (sum)", j2, t2)
    ref_machine = max(med(t2), ref_train) if t2 else None
    ours_machine = max(med(j2), train_default, train_dp)
    rows += [("train, 2 pinned 1-thread processes (sum of 2 seeds)", med(j2), med(t2) if t2 else None, "win/s"),
             ("whole-machine seed throughput, best config each", ours_machine, ref_machine, "win/s")]

    # 3. K seeds in one vmapped program vs one seed, same process and threads
    vm = collect(run_jax({**lstm, "vmap": a.vmap}))
    rows += [(f"train, vmap {a.vmap} seeds, all seeds' windows/s", vm["train_win_per_s"], None, "win/s"),
             (f"vmap {a.vmap} seeds per-seed rate / 1-seed rate", vm["train_win_per_s"] / a.vmap / train_default,
              None, "x"),
             ("compile: training epoch (+init), 1 seed", med(r["compile_s"] for r in jd), None, "s"),
             ("compile: unrolled scoring", med(r["score_compile_s"] for r in jd), None, "s"),
             (f"compile: vmap {a.vmap} seeds", vm["compile_s"], None, "s")]

    if not a.quick:
        with tempfile.TemporaryDirectory() as cache:
            cold = collect(run_jax({**lstm, "cache": cache, "reps": 1}))
            warm = collect(run_jax({**lstm, "cache": cache, "reps": 1}))
        rows += [("compile, persistent cache cold process", cold["compile_s"] + cold["score_compile_s"], None, "s"),
                 ("compile, persistent cache warm process", warm["compile_s"] + warm["score_compile_s"], None, "s")]
        for w in (30, 100):
            tf = {"model": "transformer_ae", "window": w, "hidden": 32, "n": a.n}
            one, many = collect(run_jax({**tf, "reps": 1})), collect(run_jax({**tf, "vmap": 8, "reps": 1}))
            rows += [(f"transformer_ae W={w}: train 1 seed", one["train_win_per_s"], None, "win/s"),
                     (f"transformer_ae W={w}: score", one["score_win_per_s"], None, "win/s"),
                     (f"transformer_ae W={w}: vmap 8, all seeds' windows/s", many["train_win_per_s"], None, "win/s"),
                     (f"transformer_ae W={w}: compile train / vmap 8", one["compile_s"], many["compile_s"], "s")]

    print(f"\nlstm_speed: n={a.n}, window 30, hidden 64, batch 64; ratio = ours / PyTorch reference "
          f"(medians of {a.reps} alternating runs)")
    print(f"{'measurement':66s} {'ours':>10s} {'reference':>10s} {'ratio':>6s}")
    for what, ours, ref, unit in rows:
        ref_s = "" if ref is None else f"{ref:10.1f}"
        ratio = "" if ref is None or unit != "win/s" else f"{ours / ref:5.2f}x"
        if unit == "s" and ref is not None:  # a pair of compile times, not a ratio
            ref_s, ratio = f"{ref:10.2f}", ""
        print(f"{what:66s} {ours:10.2f} {ref_s:>10s} {ratio:>6s}" if unit != "win/s"
              else f"{what:66s} {ours:10.0f} {ref_s:>10s} {ratio:>6s}")
    print("individual runs (windows/s):")
    print("\n".join(runs))


if __name__ == "__main__":
    main()

"""One functional trainer for any Flax (Linen) reconstruction model: windows (B, W, D) -> (B, W, D).

The pure core::

    state = init_state(key, model, config, sample)             # TrainState
    state, loss = train_step(model)(state, batch, key)          # one Adam step
    result = fit(key, model, config, windows, val, epochs)      # one seed
    result = fit_seeds(keys, model, config, windows, val, epochs)  # K seeds, one vmapped program
    errs = window_errors(params, model, windows)                # (N, W) squared errors

An epoch is one compiled call: a ``lax.scan`` of `train_step` over minibatches
whose order comes from the epoch's PRNG key. Early stopping runs inside the
compiled epoch too, so K seeds under ``vmap`` stop independently and match K
separate fits. Executables are compiled ahead of time once per (model, batch size, patience,
argument shapes) and cached for the process: fitting twice with the same shapes
never recompiles, and ``compile_s`` is measured exactly.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

from frostnet_jax.errors import TrainingError

Params = Any  # a Flax parameter pytree; with K seeds every leaf gains a leading (K,) axis


class TrainConfig(NamedTuple):
    """Training hyperparameters. `batch_size` and `patience` shape the program (compile-cache key);
    `lr` lives in the optimizer state, so changing it compiles nothing."""

    batch_size: int = 64
    lr: float = 1e-3
    patience: int = 0  # epochs without validation improvement before stopping; 0 = never stop early
    devices: int = 1   # data parallelism: each minibatch split over this many devices, gradients averaged

    def static(self) -> tuple[int, int, int]:
        """The fields compiled into the program."""
        return self.batch_size, self.patience, self.devices


def host_devices() -> int:
    """Devices a single fit can split minibatches over: the CPU's host devices (1 unless a process sets
    ``--xla_force_host_platform_device_count``, best with single-threaded devices), else 1."""
    return jax.local_device_count() if jax.default_backend() == "cpu" else 1


class TrainState(NamedTuple):
    """Everything that changes during training (leading (K,) axis on every leaf for K seeds)."""

    params: Params        # model parameters
    opt_state: Any        # optax Adam state (step count, first and second moments)
    best_params: Params   # parameters at the lowest validation loss (= params without validation)
    best_val: jax.Array   # () float32, lowest validation loss so far (inf before any)
    wait: jax.Array       # () int32, epochs since the validation loss last improved
    active: jax.Array     # () bool, False once early stopping has fired (state then frozen)


class FitResult(NamedTuple):
    """What `fit`/`fit_seeds` return (K leading axes for `fit_seeds`)."""

    state: TrainState
    train_loss: np.ndarray  # (E,) or (K, E) mean training loss per epoch (NaN after a seed stopped)
    val_loss: np.ndarray    # (E,) or (K, E) validation loss per epoch (NaN without validation)
    compile_s: float        # seconds spent compiling (0 when every program was cached)
    devices: int = 1        # devices each minibatch was split over (data parallelism)


def optimizer() -> optax.GradientTransformation:
    """Adam (the original's optimizer) whose learning rate is a value in its state."""
    return optax.inject_hyperparams(optax.adam)(learning_rate=1e-3)


def seed_key(seed: int) -> jax.Array:
    """The PRNG key of a seed (a typed key; split inside `fit`)."""
    return jax.random.key(int(seed))


def init_state(key: jax.Array, model: nn.Module, config: TrainConfig, sample: jax.Array) -> TrainState:
    """Initial state from `key` and a sample window batch (B, W, D) (only its shape matters)."""
    params = model.init({"params": key, "mask": key}, sample)["params"]
    opt_state = optimizer().init(params)
    opt_state.hyperparams["learning_rate"] = jnp.asarray(config.lr, jnp.float32)
    return TrainState(params=params, opt_state=opt_state, best_params=params,
                      best_val=jnp.array(jnp.inf, jnp.float32), wait=jnp.array(0, jnp.int32),
                      active=jnp.array(True))


def _step_errors(model: nn.Module, params: Params, x: jax.Array, key: jax.Array | None) -> jax.Array:
    """Per-step squared reconstruction error (B, W), averaged over channels."""
    train = key is not None
    y = model.apply({"params": params}, x, train=train, rngs={"mask": key} if train else None)
    return jnp.mean((y - x) ** 2, axis=-1)


def train_step(model: nn.Module, axis_name: str | None = None) -> Callable:
    """The pure step ``(state, batch (B, W, D), key) -> (state, loss ())``: one Adam step on the MSE.

    With `axis_name` (inside ``shard_map``), `batch` is this device's share and
    the loss and gradients are averaged over the axis before the update.
    """
    tx = optimizer()

    def loss_fn(params, batch, key):
        return jnp.mean(_step_errors(model, params, batch, key))

    def step(state: TrainState, batch: jax.Array, key: jax.Array) -> tuple[TrainState, jax.Array]:
        loss, grads = jax.value_and_grad(loss_fn)(state.params, batch, key)
        if axis_name is not None:
            loss, grads = jax.lax.pmean((loss, grads), axis_name)
        updates, opt_state = tx.update(grads, state.opt_state, state.params)
        return state._replace(params=optax.apply_updates(state.params, updates), opt_state=opt_state), loss

    return step


def _mean_error(model: nn.Module, params: Params, chunks: jax.Array, weights: jax.Array) -> jax.Array:
    """Weighted mean per-window error over chunks (C, B, W, D) with weights (C, B) (0 = padding)."""
    errs = jax.lax.map(lambda c: _step_errors(model, params, c, None).mean(-1), chunks)
    return jnp.sum(errs * weights) / jnp.sum(weights)


def _epoch_fn(model: nn.Module, config: TrainConfig) -> Callable:
    """``(state, windows (N, W, D), val (C, B, W, D) | None, val_w (C, B) | None, data_key, epoch ())
    -> (state, train_loss (), val_loss ())``; the epoch's key is ``fold_in(data_key, epoch)``.

    With ``config.devices > 1`` the function runs under ``shard_map`` over axis "data":
    every device draws the same order and trains on its slice of each minibatch.
    """
    parallel = config.devices > 1
    step = train_step(model, "data" if parallel else None)

    def epoch(state, windows, val, val_w, data_key, index):
        key = jax.random.fold_in(data_key, index)
        n = windows.shape[0]
        batch = min(config.batch_size, n)
        n_batches = n // batch  # drop_last, as the original
        perm_key, step_key = jax.random.split(key)
        order = jax.random.permutation(perm_key, n)[: n_batches * batch].reshape(n_batches, batch)

        if parallel:  # this device's share of every minibatch, and its own masking key
            device = jax.lax.axis_index("data")
            order = jnp.take(order.reshape(n_batches, config.devices, -1), device, axis=1)
            step_key = jax.random.fold_in(step_key, device)

        def body(s, inp):
            idx, k = inp
            return step(s, windows[idx], k)

        new, losses = jax.lax.scan(body, state, (order, jax.random.split(step_key, n_batches)))
        train_loss = jnp.mean(losses)
        if val is None:
            val_loss = jnp.array(jnp.nan, jnp.float32)
            new = new._replace(best_params=new.params)
        else:
            val_loss = _mean_error(model, new.params, val, val_w)
            better = val_loss < state.best_val
            new = new._replace(
                best_params=jax.tree.map(lambda a, b: jnp.where(better, a, b), new.params, state.best_params),
                best_val=jnp.where(better, val_loss, state.best_val),
                wait=jnp.where(better, 0, state.wait + 1))
            if config.patience > 0:
                new = new._replace(active=new.wait < config.patience)
        new = jax.tree.map(lambda a, b: jnp.where(state.active, a, b), new, state)  # frozen once stopped
        return new, train_loss, val_loss

    return epoch


# -- ahead-of-time compilation with a process-wide cache ---------------------------------------
_EXECUTABLES: dict[Any, Any] = {}


def _signature(args: Any) -> tuple:
    leaves, tree = jax.tree.flatten(args)
    return tree, tuple((leaf.shape, str(leaf.dtype)) for leaf in leaves)


def compiled(kind: str, build: Callable[[], Callable], static: Any, *args: Any) -> tuple[Callable, float]:
    """The executable of ``build()`` for these argument shapes, and the seconds spent compiling it now.

    `static` (hashable) identifies what `build` closes over; the cache lives as
    long as the process, so the second call with the same shapes compiles nothing.
    """
    key = (kind, static, _signature(args))
    exe = _EXECUTABLES.get(key)
    if exe is not None:
        return exe, 0.0
    t0 = time.perf_counter()
    exe = jax.jit(build()).lower(*args).compile()
    _EXECUTABLES[key] = exe
    return exe, time.perf_counter() - t0


def chunk_windows(windows: np.ndarray, chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pad (N, W, D) windows to (C, B, W, D) chunks and (C, B) weights (1 real, 0 padding).

    B defaults to the next power of two of N, capped near 32k window steps per
    chunk (1024 windows of 30), so series of different lengths share few
    compiled shapes and attention's (B, heads, W, W) scores stay small.
    """
    n = windows.shape[0]
    cap = 1 << int(math.log2(max(1, 32_768 // windows.shape[1])))  # about 32k window steps per chunk
    chunk = chunk or min(cap, 1 << math.ceil(math.log2(max(n, 1))))
    n_chunks = -(-n // chunk)
    pad = n_chunks * chunk - n
    padded = np.concatenate([windows, np.zeros((pad,) + windows.shape[1:], windows.dtype)])
    weights = np.concatenate([np.ones(n, np.float32), np.zeros(pad, np.float32)])
    return padded.reshape((n_chunks, chunk) + windows.shape[1:]), weights.reshape(n_chunks, chunk)


def _run_epochs(epoch_exe: Callable, state: TrainState, windows: jax.Array, val: Any, val_w: Any,
                data_key: jax.Array, epochs: int, label: str,
                seeds: Sequence[int]) -> tuple[TrainState, np.ndarray, np.ndarray]:
    """Host loop over compiled epochs: history, NaN check, stop when every seed stopped early."""
    k = len(seeds)
    train_hist = np.full((k, epochs), np.nan)
    val_hist = np.full((k, epochs), np.nan)
    for e in range(epochs):
        was_active = np.asarray(state.active).reshape(k)
        if not was_active.any():
            break
        state, tl, vl = epoch_exe(state, windows, val, val_w, data_key, np.int32(e))
        tl, vl = np.asarray(tl).reshape(k), np.asarray(vl).reshape(k)
        bad = was_active & ~(np.isfinite(tl) & (np.isfinite(vl) | (val is None)))
        if bad.any():
            i = int(np.argmax(bad))
            raise TrainingError(f"{label}: seed {seeds[i]}: the loss became non-finite at epoch {e + 1} "
                                f"(train {tl[i]}, validation {vl[i]}); lower lr, check the data's "
                                "scale, or use another seed.")
        train_hist[was_active, e] = tl[was_active]
        val_hist[was_active, e] = vl[was_active]
    return state, train_hist, val_hist


def _prepare(windows: np.ndarray, val_windows: np.ndarray | None) -> tuple[jax.Array, Any, Any]:
    val, val_w = (None, None) if val_windows is None else chunk_windows(np.asarray(val_windows, np.float32))
    return (jnp.asarray(windows, jnp.float32), None if val is None else jnp.asarray(val),
            None if val_w is None else jnp.asarray(val_w))


def _start(key: jax.Array, model: nn.Module, config: TrainConfig, window: int, features: int
           ) -> tuple[TrainState, jax.Array, float]:
    """(initial state, data-order key, compile seconds) of one seed: `key` splits into init and data keys."""
    def build():
        def start(k, lr):
            init_key, data_key = jax.random.split(k)
            sample = jnp.zeros((1, window, features), jnp.float32)
            return init_state(init_key, model, config._replace(lr=lr), sample), data_key
        return start

    exe, dt = compiled("start", build, (model, config.static(), window, features), key, jnp.float32(config.lr))
    return (*exe(key, jnp.float32(config.lr)), dt)


def fit(key: jax.Array, model: nn.Module, config: TrainConfig, windows: np.ndarray,
        val_windows: np.ndarray | None = None, epochs: int = 30, label: str = "model",
        seed: int = 0) -> FitResult:
    """Train one model for up to `epochs` epochs.

    Args:
      key: the seed's PRNG key (`seed_key(seed)`): split into init and data-order keys.
      windows: (N, W, D) training windows; val_windows: (M, W, D) or None.
      label, seed: named in a TrainingError when the loss becomes non-finite.
    Returns:
      FitResult; with validation, ``state.best_params`` are the lowest-validation-loss parameters.
    """
    if min(config.batch_size, len(windows)) % config.devices:
        config = config._replace(devices=1)
    x, val, val_w = _prepare(windows, val_windows)
    state, data_key, dt0 = _start(key, model, config, *windows.shape[1:])
    args = (state, x, val, val_w, data_key)
    build = lambda: _epoch_fn(model, config)  # noqa: E731
    if config.devices > 1:
        mesh = jax.make_mesh((config.devices,), ("data",), devices=jax.devices()[:config.devices],
                             axis_types=(jax.sharding.AxisType.Auto,))
        args = jax.device_put(args, NamedSharding(mesh, P()))
        build = lambda: jax.shard_map(_epoch_fn(model, config), mesh=mesh, in_specs=P(),  # noqa: E731
                                      out_specs=P(), check_vma=False)
    exe, dt = compiled("epoch", build, (model, config.static()), *args, np.int32(0))
    state, th, vh = _run_epochs(exe, *args, epochs, label, [seed])
    if config.devices > 1:  # replicated -> one device, so scoring and saving see plain arrays
        state = jax.device_put(state, jax.devices()[0])
    return FitResult(state, th[0], vh[0], dt0 + dt, config.devices)


def fit_seeds(keys: Sequence[jax.Array], model: nn.Module, config: TrainConfig, windows: np.ndarray,
              val_windows: np.ndarray | None = None, epochs: int = 30, label: str = "model",
              seeds: Sequence[int] | None = None) -> FitResult:
    """Train K seeds in one compiled program (``vmap`` over keys and parameter pytrees).

    Each seed gets the same initial parameters and minibatch order as `fit`
    with its key; the results match K separate fits up to float32 rounding
    (vmapped matmuls are batched, which may change XLA's summation order).
    Returns a FitResult whose state leaves and histories have a leading (K,) axis.
    """
    seeds = list(range(len(keys))) if seeds is None else list(seeds)
    config = config._replace(devices=1)
    x, val, val_w = _prepare(windows, val_windows)
    starts = [_start(k, model, config, *windows.shape[1:]) for k in keys]
    stack, dt_stack = compiled("stack", lambda: lambda *trees: jax.tree.map(lambda *a: jnp.stack(a), *trees),
                               None, *[s[:2] for s in starts])
    state, data_keys = stack(*[s[:2] for s in starts])
    build = lambda: jax.vmap(_epoch_fn(model, config), in_axes=(0, None, None, None, 0, None))  # noqa: E731
    exe, dt = compiled("epoch_vmap", build, (model, config.static()), state, x, val, val_w, data_keys, np.int32(0))
    state, th, vh = _run_epochs(exe, state, x, val, val_w, data_keys, epochs, label, seeds)
    return FitResult(state, th, vh, sum(s[2] for s in starts) + dt_stack + dt)


def window_errors(params: Params, model: nn.Module, windows: np.ndarray,
                  stacked: bool = False) -> tuple[np.ndarray, float]:
    """Per-step squared reconstruction errors of windows (N, W, D) -> (N, W), or (K, N, W) when `stacked`.

    Runs in fixed-size chunks (one executable for any N). Returns the errors
    and the seconds spent compiling.
    """
    n = windows.shape[0]
    chunks, _ = chunk_windows(np.asarray(windows, np.float32))
    fn = lambda p, c: _step_errors(model, p, c, None)  # noqa: E731
    build = (lambda: jax.vmap(fn, in_axes=(0, None))) if stacked else (lambda: fn)
    exe, dt = compiled("errors_vmap" if stacked else "errors", build, model, params, chunks[0])
    out = np.concatenate([np.asarray(exe(params, jnp.asarray(c))) for c in chunks], axis=-2)
    return out[..., :n, :], dt

"""LSTM autoencoder (Flax Linen): encoder LSTM -> last hidden state -> repeated latent -> decoder LSTM -> linear.

The recurrence is a ``jax.lax.scan`` over time. Input projections are hoisted
out of the scan: one matmul for the encoder's whole input sequence, and one
(B, 4H) projection of the latent for the first decoder layer, whose input is the
same at every step (the original repeats the latent over the window).
"""
from __future__ import annotations

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp


def _scan(xproj: jax.Array, w_hh: jax.Array, steps: int, unroll: int, save: bool):
    """Forward recurrence: hidden states (steps, B, H), plus (h, c, i, f, g, o) per step when `save`."""
    constant = xproj.ndim == 2
    batch, hidden = xproj.shape[-2], w_hh.shape[0]

    def step(carry, xp_t):
        h, c = carry
        i, f, g, o = jnp.split((xproj if constant else xp_t) + h @ w_hh, 4, axis=-1)
        i, f, g, o = jax.nn.sigmoid(i), jax.nn.sigmoid(f), jnp.tanh(g), jax.nn.sigmoid(o)
        c = f * c + i * g
        h = o * jnp.tanh(c)
        return (h, c), ((h, c, i, f, g, o) if save else h)

    zeros = jnp.zeros((batch, hidden), xproj.dtype)
    return jax.lax.scan(step, (zeros, zeros), None if constant else xproj, length=steps, unroll=unroll)[1]


@partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def lstm_scan(xproj: jax.Array, w_hh: jax.Array, steps: int, unroll: int = 1) -> jax.Array:
    """Hidden states (steps, B, H), time-major, of an LSTM given its input projection.

    Args:
      xproj: (steps, B, 4H) input projection with bias, or (B, 4H) for an input
        that is the same at every step (projected once, reused `steps` times).
      w_hh: (H, 4H) recurrent weights.
      steps: number of time steps.
      unroll: ``lax.scan`` unroll factor (1 for training; larger speeds inference).

    The gradient is hand-written: the reverse scan carries only (dh, dc) and
    one matmul per step; the recurrent weights' gradient is a single
    (H, steps*B) x (steps*B, 4H) product after the loop instead of one small
    product accumulated per step.
    """
    return _scan(xproj, w_hh, steps, unroll, save=False)


def _lstm_fwd(xproj, w_hh, steps, unroll):
    saved = _scan(xproj, w_hh, steps, unroll, save=True)
    return saved[0], (saved, w_hh, xproj.ndim == 2)


def _lstm_bwd(steps, unroll, res, d_hs):
    (hs, cs, i, f, g, o), w_hh, constant = res
    h_prev = jnp.concatenate([jnp.zeros_like(hs[:1]), hs[:-1]])
    c_prev = jnp.concatenate([jnp.zeros_like(cs[:1]), cs[:-1]])

    def back(carry, inp):
        dh_next, dc_next = carry
        dh_out, c, cp, i, f, g, o = inp
        dh = dh_out + dh_next
        tc = jnp.tanh(c)
        dc = dc_next + dh * o * (1 - tc * tc)
        dz = jnp.concatenate([dc * g * i * (1 - i), dc * cp * f * (1 - f), dc * i * (1 - g * g),
                              dh * tc * o * (1 - o)], axis=-1)
        return (dz @ w_hh.T, dc * f), dz

    zeros = jnp.zeros_like(hs[0])
    _, dz = jax.lax.scan(back, (zeros, zeros), (d_hs, cs, c_prev, i, f, g, o), reverse=True, unroll=unroll)
    d_w = jnp.einsum("tbh,tbk->hk", h_prev, dz)
    return (dz.sum(0) if constant else dz), d_w


lstm_scan.defvjp(_lstm_fwd, _lstm_bwd)


def _uniform(scale: float):
    """Initializer drawing U(-scale, scale)."""
    def init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, -scale, scale)
    return init


class LSTMLayer(nn.Module):
    """One LSTM layer's parameters; ``__call__`` maps a time-major input to hidden states."""

    hidden: int
    unroll: int = 1

    @nn.compact
    def __call__(self, x: jax.Array, steps: int) -> jax.Array:
        """x: (steps, B, I), or (B, I) constant over time -> hidden states (steps, B, H)."""
        h4 = 4 * self.hidden
        init = _uniform(self.hidden ** -0.5)  # PyTorch's LSTM initialisation
        w_ih = self.param("w_ih", init, (x.shape[-1], h4))
        w_hh = self.param("w_hh", init, (self.hidden, h4))
        b = self.param("b", init, (h4,))
        return lstm_scan(x @ w_ih + b, w_hh, steps, self.unroll)


class LSTMAutoencoder(nn.Module):
    """Reconstruct windows: (B, W, D) -> (B, W, D).

    Attributes:
      features: D, channels of the series.
      hidden: H, LSTM width (the original: 64).
      layers: stacked LSTM layers in encoder and decoder each.
      unroll: scan unroll factor (inference may use a larger one; same parameters).
    """

    features: int
    hidden: int = 64
    layers: int = 1
    unroll: int = 1

    @nn.compact
    def __call__(self, x: jax.Array, train: bool = False) -> jax.Array:
        del train  # no stochastic layers
        steps = x.shape[1]
        h = jnp.swapaxes(x, 0, 1)  # time-major (W, B, D): the scans need no transposes
        for i in range(self.layers):
            h = LSTMLayer(self.hidden, self.unroll, name=f"enc{i}")(h, steps)
        h = h[-1]  # (B, H) latent: the encoder's last hidden state
        for i in range(self.layers):
            h = LSTMLayer(self.hidden, self.unroll, name=f"dec{i}")(h, steps)
        return jnp.swapaxes(nn.Dense(self.features, name="out")(h), 0, 1)

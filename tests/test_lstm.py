"""LSTM autoencoder specifics: the architecture against a naive reference, unrolled scoring, defaults."""
import jax
import jax.numpy as jnp
import numpy as np

import frostnet_jax as fj
from frostnet_jax.models.lstm import LSTMAutoencoder


@jax.jit
def naive_lstm(x, p):
    """Textbook LSTM over (B, W, I): input and recurrent products recomputed at each step."""
    b, h = x.shape[0], p["w_hh"].shape[0]
    hs, state = [], (jnp.zeros((b, h)), jnp.zeros((b, h)))
    for t in range(x.shape[1]):
        g = x[:, t] @ p["w_ih"] + state[0] @ p["w_hh"] + p["b"]
        i, f, gg, o = jnp.split(g, 4, axis=-1)
        c = jax.nn.sigmoid(f) * state[1] + jax.nn.sigmoid(i) * jnp.tanh(gg)
        state = (jax.nn.sigmoid(o) * jnp.tanh(c), c)
        hs.append(state[0])
    return jnp.stack(hs, axis=1)


def test_matches_naive_encoder_repeat_decoder():
    model = LSTMAutoencoder(features=2, hidden=4, layers=2)
    x = jax.random.normal(jax.random.key(0), (3, 5, 2))
    p = jax.jit(model.init)(jax.random.key(1), x)["params"]
    h = naive_lstm(naive_lstm(x, p["enc0"]), p["enc1"])[:, -1]
    y = naive_lstm(naive_lstm(jnp.repeat(h[:, None], 5, axis=1), p["dec0"]), p["dec1"])
    want = y @ p["out"]["kernel"] + p["out"]["bias"]
    np.testing.assert_allclose(jax.jit(model.apply)({"params": p}, x), want, rtol=1e-5, atol=1e-6)


def test_unrolled_scoring_model_equals_training_model():
    model = LSTMAutoencoder(features=1, hidden=8)
    x = jax.random.normal(jax.random.key(0), (4, 8, 1))
    p = jax.jit(model.init)(jax.random.key(1), x)
    unrolled = jax.jit(model.clone(unroll=8).apply)(p, x)
    np.testing.assert_allclose(unrolled, jax.jit(model.apply)(p, x), rtol=1e-5, atol=1e-6)


def test_defaults_are_the_originals():
    hp = fj.make_detector("lstm_ae").get_params()
    assert hp == dict(seed=0, window=30, stride=1, hidden=64, layers=1, batch_size=64, lr=1e-3,
                      epochs=30, patience=0)


def test_hand_written_gradient_matches_autodiff_of_naive_lstm():
    model = LSTMAutoencoder(features=1, hidden=4, layers=2)
    x = jax.random.normal(jax.random.key(0), (3, 5, 1))
    p = jax.jit(model.init)(jax.random.key(1), x)["params"]

    def naive_loss(p):
        h = naive_lstm(naive_lstm(x, p["enc0"]), p["enc1"])[:, -1]
        y = naive_lstm(naive_lstm(jnp.repeat(h[:, None], 5, axis=1), p["dec0"]), p["dec1"])
        return jnp.mean((y @ p["out"]["kernel"] + p["out"]["bias"] - x) ** 2)

    got = jax.jit(jax.grad(lambda p: jnp.mean((model.apply({"params": p}, x) - x) ** 2)))(p)
    want = jax.jit(jax.grad(naive_loss))(p)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6), got, want)

"""Transformer autoencoder specifics: masking only in training, position variants, config errors."""
import jax
import numpy as np
import pytest

import frostnet_jax as fj
from frostnet_jax.models.transformer import TransformerAutoencoder


def test_masking_only_in_training():
    x = jax.random.normal(jax.random.key(0), (2, 6, 1))
    masked = TransformerAutoencoder(features=1, hidden=8, layers=1, heads=2, mask_rate=0.5)
    p = jax.jit(masked.init)({"params": jax.random.key(1), "mask": jax.random.key(2)}, x)
    apply = jax.jit(masked.apply, static_argnames="train")
    train = apply(p, x, train=True, rngs={"mask": jax.random.key(3)})
    assert not np.allclose(train, apply(p, x))
    np.testing.assert_array_equal(apply(p, x), apply(p, x))


def test_sinusoidal_positions_have_no_position_parameter():
    model = TransformerAutoencoder(features=1, hidden=8, layers=1, heads=2, positions="sinusoidal")
    p = jax.eval_shape(model.init, jax.random.key(0), np.zeros((1, 6, 1), np.float32))["params"]
    assert "pos" not in p and "mask_token" not in p


def test_width_must_divide_into_heads():
    with pytest.raises(fj.ConfigError, match="divisible by heads"):
        fj.make_detector("transformer_ae", hidden=10, heads=4, window=8).fit(np.arange(50.0))

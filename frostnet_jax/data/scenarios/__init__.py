"""Registered synthetic scenarios; importing this package registers them all."""
from frostnet_jax.data.scenarios import original  # noqa: F401  (registers)

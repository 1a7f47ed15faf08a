"""Registered datasets; importing this package registers them all (synthetic and real)."""
from frostnet_jax.data.scenarios import cryocooler, ln2, magnet, original, real  # noqa: F401  (registers)

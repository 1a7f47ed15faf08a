"""`python -m frostnet_jax ...`: see `frostnet_jax.cli`."""
from frostnet_jax.cli import main

if __name__ == "__main__":  # spawned worker processes re-import this module
    raise SystemExit(main())

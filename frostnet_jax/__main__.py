"""`python -m frostnet_jax ...`: see `frostnet_jax.cli`."""
from frostnet_jax.cli import main

raise SystemExit(main())

"""Neural detectors (a Flax model + the functional trainer + windowing); importing registers them."""

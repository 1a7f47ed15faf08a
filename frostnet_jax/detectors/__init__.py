"""Neural detectors (a Flax model + the functional trainer + windowing); importing registers them."""
from frostnet_jax.detectors import lstm_ae, transformer_ae  # noqa: F401  (registers)
from frostnet_jax.detectors.base import ReconstructionDetector, load_detector, save_detector

__all__ = ["ReconstructionDetector", "load_detector", "save_detector"]

"""Classical detectors, one file each (installed as ``frostnet_jax.baselines``).

To add one: write ``baselines/<name>.py`` with a ``@register_detector("<name>")``
class deriving from ``frostnet_jax.Detector``, and import it below.
"""
from frostnet_jax.baselines import iforest, random_scores, zscore  # noqa: F401  (registers)

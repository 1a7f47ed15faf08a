"""One functional trainer for any Flax reconstruction model."""

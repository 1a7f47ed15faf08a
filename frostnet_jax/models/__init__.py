"""Flax modules (pure architecture; no training code)."""

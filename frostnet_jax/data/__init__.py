"""Datasets: the Dataset container, synthetic scenarios, loaders, preprocessing.

Modules:
  dataset      the Dataset container (values (T, D), labels, anomaly_type, splits)
  anomalies    the anomaly taxonomy: presets, effects, the one `inject` mechanism
  scenarios/   registered datasets: ln2, cryocooler, magnet, original (x easy/medium/hard),
               the original walk, and the real NAB series
  loaders      load_nab, load_ucr, load_csv
  fetch        fetch_nab (pinned commit, SHA-256), data_home ($FROSTNET_DATA)
  preprocess   quality_summary, drop_duplicates, resample, interpolate_gaps, scalers, prepare
  windows      sliding windows and the window-to-timestamp alignment
  export       checksum, export_dataset (CSV + datasheet)
  plots        gallery, before/after preprocessing, histograms (matplotlib Agg)
  cli          `python -m frostnet_jax data {export,fetch,gallery,quality}`
"""
from frostnet_jax.data.dataset import Dataset

__all__ = ["Dataset"]

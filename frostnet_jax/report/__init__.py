"""Reports derived from stored cells only: metrics.csv, tables, statistics and figures."""

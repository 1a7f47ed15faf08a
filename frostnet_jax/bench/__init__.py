"""The benchmark runner: suites, cells, executors, storage and resume."""

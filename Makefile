# FrostNet-JAX: `make bench` runs the default suite, `make test` runs the tests.
# Both create .venv on first use (Python >= 3.11) with the pinned versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUITE ?= default
TORCH_PYTHON ?=
TSBAD_PYTHON ?=

.PHONY: bench bench-quick test test-robustness perf gallery clean-venv

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "FrostNet-JAX needs Python >= 3.11; set PYTHON=python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

bench: $(STAMP)
	$(PY) -m frostnet_jax bench --suite $(SUITE) $(if $(filter default,$(SUITE)),--readme results/README.md)

bench-quick: $(STAMP)
	$(PY) -m frostnet_jax bench --suite quick

test: $(STAMP)
	$(PY) -m pytest -q

test-robustness: $(STAMP)
	$(PY) -m pytest -q -m robustness

perf: $(STAMP)
	$(PY) benchmarks/lstm_speed.py $(if $(TORCH_PYTHON),--torch-python $(TORCH_PYTHON))
	$(PY) benchmarks/metrics_speed.py $(if $(TSBAD_PYTHON),--tsbad-python $(TSBAD_PYTHON))

gallery: $(STAMP)
	$(PY) -m frostnet_jax data gallery --out results/figures

clean-venv:
	rm -rf $(VENV)

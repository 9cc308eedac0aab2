# The README's two commands: `make demo` and `make test`.  Both set up what
# they need (a .venv with the package and its extras, the Graphviz `dot`
# program) and are quick when everything is already there.  `make demo` runs
# the worked examples, then trains a network on scikit-learn's 8×8 digits.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test bench bench-smoke dot chromium clean torch

demo: $(VENV)/.installed-demo dot
	$(PY) demos/run_all.py
	$(PY) demos/train_digits.py

test: $(VENV)/.installed-test dot chromium
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py

bench-smoke: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py --smoke

# Optional: the PyTorch CPU wheel this machine keeps on disk, for the tests
# and benchmark rows that compare against PyTorch (they skip without it).
torch: $(VENV)/.installed
	$(PIP) install torch==2.13.0

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

$(VENV)/.installed-demo: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[demo]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[bench]'
	touch $@

dot:
	@sh tools/ensure-dot.sh

chromium:
	@sh tools/ensure-chromium.sh

clean:
	rm -rf $(VENV) out .pytest_cache *.egg-info

# The README's two commands: `make demo` and `make test`.  Both set up what
# they need (a .venv with the package and its extras, the Graphviz `dot`
# program) and are quick when everything is already there.  `make demo` runs
# the worked examples, then trains a network on scikit-learn's 8×8 digits.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test lint test-other-pythons bench bench-smoke dot chromium clean torch

demo: $(VENV)/.installed-demo dot
	$(PY) demos/run_all.py
	$(PY) demos/train_digits.py
	$(PY) demos/train_nielsen_784.py

# The other Pythons the machine has (pyenv's 3.10-3.13), for the test matrix
OTHER_PYTHONS ?= $(shell for v in 3.10 3.11 3.12 3.13; do \
	  [ "$$v" = "$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" ] && continue; \
	  command -v python$$v >/dev/null 2>&1 && python$$v -c '' 2>/dev/null && echo $$v; done)
PYENV_VERSIONS := $(shell command -v pyenv >/dev/null 2>&1 && pyenv versions --bare 2>/dev/null | grep -E '^3\.1[0-3]\.[0-9]+$$' | paste -sd: -)

test: $(VENV)/.installed-test dot chromium lint
	$(PY) -m pytest $(PYTEST_ARGS)
	@PYENV_VERSION="$(if $(PYENV_VERSIONS),$(PYENV_VERSIONS),$$PYENV_VERSION)" $(MAKE) --no-print-directory test-other-pythons

# ruff (pycodestyle, pyflakes, bugbear, pyupgrade) over the code, and mypy over the
# packages' type hints (pyproject.toml configures both); a few seconds
lint: $(VENV)/.installed-test
	$(PY) -m ruff check --quiet .
	$(PY) -m mypy

# The same suite on the other Python versions found (nox; missing ones are skipped)
test-other-pythons: $(VENV)/.installed-test
	@versions="$(OTHER_PYTHONS)"; \
	if [ -z "$$versions" ]; then echo "no other Python 3.10-3.13 found: tested on $$($(PY) --version) only"; \
	else echo "also testing on Python $$versions"; $(PY) -m nox -s tests -p $$versions -- $(PYTEST_ARGS); fi

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
	$(PIP) install -e '.[test,demo]'
	@# PyTorch (the CPU wheel kept on this machine) is an oracle for many tests; they skip without it
	@$(PIP) install torch==2.13.0 2>/dev/null && echo "PyTorch installed: its tests run" \
	  || echo "PyTorch 2.13.0 not available here: the tests that compare with it skip"
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
	rm -rf $(VENV) .nox out .pytest_cache .mypy_cache .ruff_cache *.egg-info

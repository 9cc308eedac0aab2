# The README's commands: `make demo`, `make test` and `make test-all`.  Each sets
# up what it needs (a .venv with the package and its extras, the Graphviz `dot`
# program, Chromium for the page tests), saying what it installs, and is quick
# when everything is already there.  `make demo` runs the worked examples, then
# trains two networks (scikit-learn's 8×8 digits; 784-30-10 on synthetic images).
#
# Knobs:  PYTEST_ARGS="-x -k page"   options for pytest (both test targets)
#         OTHER_PYTHONS="3.12"       the Pythons `make test-all` adds (default: 3.10-3.13
#                                    as found, less this one; empty: none)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test test-all lint test-other-pythons other-pythons-found bench bench-smoke dot chromium clean torch screenshots

demo: $(VENV)/.installed-demo dot
	$(PY) demos/run_all.py
	$(PY) demos/train_digits.py
	$(PY) demos/train_nielsen_784.py

# The other Pythons the machine has (pyenv's 3.10-3.13), for the test matrix
OTHER_PYTHONS ?= $(shell for v in 3.10 3.11 3.12 3.13; do \
	  [ "$$v" = "$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" ] && continue; \
	  command -v python$$v >/dev/null 2>&1 && python$$v -c '' 2>/dev/null && echo $$v; done)
PYENV_VERSIONS := $(shell command -v pyenv >/dev/null 2>&1 && pyenv versions --bare 2>/dev/null | grep -E '^3\.1[0-3]\.[0-9]+$$' | paste -sd: -)

# The suite on this Python (lint first): about 3 minutes once the set-up is done
test: $(VENV)/.installed-test dot chromium lint
	@echo "== the test suite on $$($(PY) --version) (progress: one dot per test) =="
	$(PY) -m pytest $(PYTEST_ARGS)

# The step-through page's screenshots in docs/ (docs/page-*.png) taken again
screenshots: $(VENV)/.installed-test chromium
	CHAINRULE_SCREENSHOTS=docs $(PY) -m pytest -q tests/test_page_view.py -k screenshots

# `make test`, then the same suite on the other Pythons (one summary line each)
test-all: test test-other-pythons

# ruff (pycodestyle, pyflakes, bugbear, pyupgrade) over the code, and mypy over the
# packages' type hints (pyproject.toml configures both); a few seconds
lint: $(VENV)/.installed-test
	@echo "== lint: ruff and mypy =="
	$(PY) -m ruff check --quiet .
	$(PY) -m mypy

# The same suite on the other Python versions found (nox; missing ones are skipped);
# each prints one summary line ("N passed, M skipped"), or its whole output if it fails
test-other-pythons: $(VENV)/.installed-test
	@PYENV_VERSION="$(if $(PYENV_VERSIONS),$(PYENV_VERSIONS),$$PYENV_VERSION)" \
	  $(MAKE) --no-print-directory other-pythons-found

# (with pyenv's versions all on PYENV_VERSION, so that OTHER_PYTHONS finds them)
other-pythons-found:
	@versions="$(OTHER_PYTHONS)"; \
	if [ -z "$$versions" ]; then echo "no other Python 3.10-3.13 found: tested on $$($(PY) --version) only"; \
	else echo "== the test suite on Python $$versions (nox: each set up in turn, ~1 min a new one; then run side by side) =="; \
	  mkdir -p .nox; \
	  $(PY) -m nox -s tests -p $$versions --install-only > .nox/install.log 2>&1 \
	    || { cat .nox/install.log; exit 1; }; \
	  pids=""; for v in $$versions; do \
	    $(PY) -m nox -R -s tests -p $$v -- $(PYTEST_ARGS) > .nox/tests-$$v.log 2>&1 & pids="$$pids $$!"; \
	  done; \
	  failed=0; for pid in $$pids; do wait $$pid || failed=1; done; \
	  for v in $$versions; do cat .nox/tests-$$v.log; done; \
	  exit $$failed; fi

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py

bench-smoke: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py --smoke

# Optional: the PyTorch CPU wheel this machine keeps on disk, for the tests
# and benchmark rows that compare against PyTorch (they skip without it).
torch: $(VENV)/.installed
	@echo "== installing PyTorch 2.13.0 (CPU wheel from this machine's disk, ~40 s) =="
	$(PIP) install torch==2.13.0

$(VENV)/bin/python:
	@$(PYTHON) tools/check-python.py "$(PYTHON)"
	@echo "== creating .venv with $$($(PYTHON) --version) =="
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	@echo "== installing chainrule into .venv (editable; graphviz Python package) =="
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@echo "== installing the test tools (pytest, hypothesis, playwright, nox, nbclient, ipykernel, mypy, ruff, numpy) and the demo extras (~1 min) =="
	$(PIP) install -e '.[test,demo]'
	@# PyTorch (the CPU wheel kept on this machine) is an oracle for many tests; they skip without it
	@echo "== installing PyTorch 2.13.0 (CPU wheel from this machine's disk, ~40 s) =="
	@$(PIP) install torch==2.13.0 2>/dev/null && echo "PyTorch installed: its tests run" \
	  || echo "PyTorch 2.13.0 not available here: the tests that compare with it skip"
	touch $@

$(VENV)/.installed-demo: pyproject.toml $(VENV)/.installed
	@echo "== installing the demo extras (numpy, matplotlib, scikit-learn, tqdm) =="
	$(PIP) install -e '.[demo]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	@echo "== installing the benchmark's contenders (micrograd) =="
	$(PIP) install -e '.[bench]'
	touch $@

dot:
	@sh tools/ensure-dot.sh

chromium:
	@sh tools/ensure-chromium.sh

clean:
	rm -rf $(VENV) .nox out .pytest_cache .mypy_cache .ruff_cache *.egg-info

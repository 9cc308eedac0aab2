"""Exit 1 with one line when this Python is older than pyproject.toml's requires-python.

make runs it with $(PYTHON) before it makes .venv, so that no .venv is made with a
Python that pip then refuses to install chainrule into (and that a later make,
with a newer PYTHON, would keep).  Written to run on any Python 3.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as pyproject:
    FLOOR = tuple(int(n) for n in re.search(r'^requires-python = ">=(\d+)\.(\d+)"', pyproject.read(),
                                            re.M).groups())

if sys.version_info[:2] < FLOOR:
    named = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    print("chainrule needs Python {}.{} or newer, and {} is {}.{}: name a newer one, as in "
          "make demo PYTHON=python3.12".format(FLOOR[0], FLOOR[1], named, *sys.version_info[:2]),
          file=sys.stderr)
    sys.exit(1)

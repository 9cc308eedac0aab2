"""The test suite on the other Pythons the machine has, 3.10 to 3.13.

``make test`` runs the suite in .venv (the default Python, with PyTorch where
its wheel installs); ``make test-all`` then runs this file's ``tests``
session on each other version it finds (pyenv's, on this machine).  A version
that is missing is skipped, not failed.  Each run prints one summary line
(``1011 passed, 53 skipped in 95.2s``); a failing run prints its whole output.

    .venv/bin/python -m nox -s tests -p 3.12 -- -x     # one version, pytest options after --
"""

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = True

#: quiet, no per-test skip reasons (-rN): these Pythons have no PyTorch, and the
#: current Python's run in ``make test`` already lists what is skipped and why
QUIET = ["-q", "-rN", "-p", "no:cacheprovider"]


@nox.session(python=PYTHONS)
def tests(session):
    """pytest on one Python version: one summary line, or everything if it fails."""
    session.install("-q", "-e", ".[test]")
    output = session.run("python", "-m", "pytest", *QUIET, *session.posargs, silent=True)
    lines = [line for line in str(output or "").splitlines() if line.strip()]
    session.log(f"Python {session.python}: {lines[-1].strip('= ') if lines else 'no output'}")

"""The test suite on every Python the machine has, 3.10 to 3.13.

``make test`` runs the suite in .venv (the default Python, with PyTorch where
its wheel installs) and then this file's ``tests`` session on each other
version it finds (pyenv's, on this machine); a version that is missing is
skipped, not failed.

    .venv/bin/python -m nox -s tests -p 3.12 -- -x     # one version, pytest options after --
"""

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = True


@nox.session(python=PYTHONS)
def tests(session):
    """pytest on one Python version."""
    session.install("-q", "-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)

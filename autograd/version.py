"""chainrule's version, read in one place: the installed distribution's metadata.

pyproject.toml's ``version`` is the only place the number is written;
``autograd.__version__`` and ``chainrule --version`` read it through
:func:`version`.
"""

from __future__ import annotations

import functools

DISTRIBUTION = "chainrule"
#: what :func:`version` gives when chainrule's metadata is not installed (a bare checkout)
UNKNOWN = "0+unknown"


@functools.cache
def version() -> str:
    """The installed chainrule's version (pyproject.toml's), or ``"0+unknown"``."""
    from importlib import metadata   # about 20 ms: only when a version is asked for
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN

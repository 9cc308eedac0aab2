"""The ``chainrule`` command's entry point, and the check that chainrule's
import names are chainrule's.

chainrule's code is imported as ``autograd`` and ``nn``.  Other projects on
PyPI use those names too (HIPS ``autograd``; an ``nn`` on TensorFlow), and
in one environment only one package can answer to a name: with both
installed, ``import autograd`` may find the other one, and nothing of
chainrule's runs to say so.  This module imports nothing of chainrule's
before checking, so ``nn`` and the ``chainrule`` command can always say
which package was found and what to do.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["main", "require", "IMPORT_NAMES", "MARKER"]

#: the import names chainrule installs, in the order they are checked (nn imports autograd)
IMPORT_NAMES = ("autograd", "nn")
#: a module attribute that only chainrule's packages define (True)
MARKER = "__chainrule__"
DISTRIBUTION = "chainrule"


def _fix() -> str:
    """How to get an environment of chainrule's own, installing it from where it came from."""
    return ("chainrule is imported as `autograd` and `nn`, so it needs a Python environment where "
            f"no other package uses those names: python -m venv .venv && .venv/bin/pip install "
            f"{_source()} (in a chainrule checkout, `make demo` makes .venv), then run "
            ".venv/bin/python or .venv/bin/chainrule.")


def _source() -> str:
    """What to ``pip install``: where pip recorded installing chainrule from (PEP 610's
    direct_url.json: a folder, ``-e`` for an editable install, an archive or a VCS URL),
    else the checkout this package sits in, else the name ``chainrule``."""
    import json
    import shlex
    from importlib import metadata
    from urllib.parse import urlparse
    from urllib.request import url2pathname
    try:
        record = json.loads(metadata.distribution(DISTRIBUTION).read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        record = {}
    url = record.get("url", "")
    if url.startswith("file:"):
        editable = "-e " if record.get("dir_info", {}).get("editable") else ""
        return editable + shlex.quote(url2pathname(urlparse(url).path))
    if url:
        vcs = record.get("vcs_info", {}).get("vcs")
        return shlex.quote(f"{vcs}+{url}" if vcs else url)
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        return f"-e {shlex.quote(str(checkout))}"
    return DISTRIBUTION


def require(name: str) -> ModuleType:
    """``import name``, checked: chainrule's package, or an ImportError that says
    which package was found instead and how to fix it."""
    where = _find(name)
    if where is None:
        raise ImportError(f"No module named {name!r} in {sys.executable}: chainrule is not "
                          f"installed there.\n{_fix()}", name=name)
    try:
        module = importlib.import_module(name)
    except Exception as err:
        if _is_chainrules(name, where):   # chainrule's own package failed: its error as it is
            raise
        raise ImportError(_message(name, where, f"; importing it failed: {err}"),
                          name=name) from err
    if getattr(module, MARKER, False) is not True:
        raise ImportError(_message(name, where), name=name, path=where)
    return module


def _message(name: str, where: str, failed: str = "") -> str:
    """Two lines: what ``import name`` found, then how to fix it."""
    owner = _owner(name, where)
    whose = (f"installed by {owner}" if owner is not None
             else "no installed package owns it; if it is yours, rename it")
    return (f"`import {name}` in {sys.executable} found another package, not chainrule's: "
            f"{where} ({whose}{failed}).\n{_fix()}")


def _find(name: str) -> str | None:
    """The file ``import name`` would run (a namespace package's folders), without
    running it; None if there is no such module."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.origin and spec.has_location:
        return spec.origin
    return ", ".join(spec.submodule_search_locations or ()) or name


def _is_chainrules(name: str, where: str) -> bool:
    """``where`` sits beside this package (as pip or an editable install puts
    chainrule's packages) and no other installed distribution owns it."""
    beside = Path(where).resolve().parent.parent == Path(__file__).resolve().parent.parent
    return beside and _owner(name, where) is None


def _owner(name: str, where: str) -> str | None:
    """``"autograd 1.9.1"``: the installed distribution, other than chainrule,
    whose files include ``where``; None if no installed distribution does."""
    from importlib import metadata
    found = Path(where).resolve()
    for dist_name in metadata.packages_distributions().get(name, ()):
        if dist_name.lower().replace("_", "-") == DISTRIBUTION:
            continue
        dist = metadata.distribution(dist_name)
        if any(Path(str(dist.locate_file(f))).resolve() == found for f in dist.files or ()):
            return f"{dist.metadata['Name']} {dist.version}"
    return None


def main(argv: list[str] | None = None) -> int:
    """The ``chainrule`` command: check the import names, then run :mod:`autograd.cli`."""
    try:
        for name in IMPORT_NAMES:
            require(name)
    except ImportError as err:
        print(f"chainrule: {err}", file=sys.stderr)
        return 2
    from autograd.cli import main as run
    return run(argv)

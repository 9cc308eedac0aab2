"""Subcommands of the ``chainrule`` command, one module each.

Each module registers itself with ``@autograd.cli.command(name, help)``;
importing this package imports every module in it.
"""

import importlib
import pkgutil


def load_all():
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")

"""The ``chainrule`` command.

Subcommands live in :mod:`autograd.commands`, one module each, and register
themselves here with ``@command(name, help)``; a ``run.arguments(parser)``
function attached to ``run`` adds their options.  ``chainrule ops`` lists the primitive operations and their local
derivative rules.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import ops
from .version import version

#: a subcommand: ``run(args)`` returns the exit status
Run = Callable[[argparse.Namespace], int]
#: name -> (help, run)
COMMANDS: dict[str, tuple[str, Run]] = {}


def command(name: str, help: str) -> Callable[[Run], Any]:
    """Decorator: register ``run(args)`` as a subcommand; ``run.arguments(parser)`` adds options."""
    def register(run: Run) -> Any:   # Any: run may be given an ``arguments`` attribute
        COMMANDS[name] = (help, run)
        return run
    return register


@command("ops", "list the primitive operations and their local derivatives")
def run_ops(args):
    from .notation import op_rules
    for op in ops.OPS.values():
        if op.is_leaf:
            continue
        formula, rules = op_rules(op)
        derivatives = ", ".join(f"∂/∂{name} = {rule}" for name, rule in rules)
        print(f"{op.name:9} {formula:14} {op.backward.__name__:19} {derivatives}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import commands
    commands.load_all()
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Scalar reverse-mode autodiff for learning and checking backpropagation.")
    parser.add_argument("--version", action="version", version=f"chainrule {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add = getattr(run, "arguments", None)
        if add is not None:
            add(p)
        p.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        status = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped early (chainrule ops | head): nothing more to say, and
        # nothing left to flush at exit (Python's documented way out of EPIPE)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    # run as `python -m autograd.cli`: use the imported module, the one the
    # subcommands register with, not this __main__ copy
    from autograd.cli import main as _main
    sys.exit(_main())

"""The ``chainrule`` command.

The subcommands are listed in one table, :data:`COMMANDS`: each names the
module that runs it (in :mod:`autograd.commands`), its ``run(args)`` function
and the ``arguments(parser)`` function that adds its options.  ``chainrule
ops`` lists the primitive operations and their local derivative rules.

Exit status: 0 when the answer is "agrees" (or there is nothing to judge),
1 when a value does not agree, 2 for bad usage, a script that failed or anything
else that went wrong; a one-line message on stderr says which, and a traceback only
when ``--traceback`` asks.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import threading
import traceback
from collections.abc import Sequence
from typing import NamedTuple

from .commands import one_line, reader_gone
from .version import version

__all__ = ["COMMANDS", "Command", "build_parser", "main"]


class Command(NamedTuple):
    """One subcommand: its help line, and where its two functions live."""
    help: str
    module: str       # in autograd.commands
    run: str          # run(args) -> exit status
    arguments: str    # arguments(parser) adds the options


#: every subcommand, in the order ``chainrule --help`` lists them
COMMANDS: dict[str, Command] = {
    "explain": Command("explain one gradient of a script as a sum over chain-rule paths",
                       "explain", "run_explain", "explain_arguments"),
    "check": Command("check a hand-derived gradient against the engine and diagnose a mismatch",
                     "explain", "run_check", "check_arguments"),
    "step": Command("step through a script's backward pass node by node (n, c, b NAME, p NAME, "
                    "g, q)", "step", "run", "arguments"),
    "draw": Command("draw the graph of a script's first backward() call as PNG, SVG or PDF",
                    "draw", "run", "arguments"),
    "ops": Command("list the primitive operations and their local derivatives",
                   "ops", "run", "arguments"),
}


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line (argparse prints the usage
    lines first), with where the options are listed."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


#: what every --help ends with
EXIT_STATUS = ("exit status: 0 agrees (or nothing to judge), 1 does not agree (check), 2 bad "
               "usage, a script that failed or anything else that went wrong")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="chainrule",
        description="Scalar reverse-mode autodiff for learning and checking backpropagation.",
        epilog=EXIT_STATUS)
    parser.add_argument("--version", action="version", version=f"chainrule {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        module = importlib.import_module(f"autograd.commands.{command.module}")
        p = sub.add_parser(name, help=command.help, description=command.help, epilog=EXIT_STATUS)
        getattr(module, command.arguments)(p)
        if any(action.dest == "script" for action in p._actions):   # as the docs write it
            p.usage = p.format_usage().removeprefix("usage: ").rstrip() + " [-- SCRIPT_ARGS]"
        p.set_defaults(run=getattr(module, command.run), command_parser=p)
    return parser


def _split_script_args(argv):
    """chainrule's own arguments, and the script's: the words after the first ``--``."""
    argv = list(argv)
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


#: options whose value may start with a minus sign: -8.6e-05, -b*f
SIGNED_OPTIONS = ("--expected", "--formula")


def _negative_values(argv):
    """``--expected -8.6e-05`` as ``--expected=-8.6e-05``: argparse takes a word that
    starts with - for an option unless it reads as a plain number (-6, not -1e-3)."""
    out = []
    for word in argv:
        if out and out[-1] in SIGNED_OPTIONS and word.startswith("-") and not word.startswith("--"):
            out[-1] = f"{out[-1]}={word}"
        else:
            out.append(word)
    return out


def _unrecognized(parser, args, words):
    """argparse's error for words no option takes, from the command's own parser, saying
    where a script's arguments go (after --)."""
    text = f"unrecognized arguments: {' '.join(words)}"
    if hasattr(args, "script"):
        text += (f"; if they are the script's, give them after --: chainrule {args.command} "
                 f"SCRIPT ... -- {' '.join(words)}")
    parser.error(text)


def _stray_threads(before):
    """Threads the script started that would keep the process alive."""
    return [t for t in threading.enumerate()
            if t not in before and t.is_alive() and not t.daemon]


def _escape_what_cannot_be_shown(*streams):
    """σ, ∂ and × written to a stream whose encoding lacks them (output redirected on
    Windows, cp1252; an ASCII locale) as escapes (\\u03c3) instead of a traceback."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _escape_what_cannot_be_shown(sys.stdout, sys.stderr)
    parser = build_parser()
    argv, script_args = _split_script_args(sys.argv[1:] if argv is None else argv)
    argv = _negative_values(argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _unrecognized(getattr(args, "command_parser", parser), args, unknown)
    if script_args and not hasattr(args, "script"):
        parser.error(f"{args.command or 'chainrule'} runs no script, so it takes no arguments "
                     f"after --: {' '.join(script_args)}")
    args.script_args = script_args
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    before = set(threading.enumerate())
    try:
        status = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped early (chainrule ops | head): nothing more to say, and
        # nothing failed (1 would say "does not agree"; check keeps its verdict: answer)
        reader_gone()
        return 0
    except KeyboardInterrupt:
        print(f"chainrule {args.command}: interrupted", file=sys.stderr)
        status = 2
    except Exception as err:
        # a case chainrule did not foresee: one line, and never status 1 ("does not
        # agree"); Python's traceback only when asked
        if getattr(args, "traceback", False):
            traceback.print_exc()
        text = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        hint = " (--traceback shows where)" if hasattr(args, "traceback") else ""
        print(f"chainrule {args.command}: unexpected {one_line(text)}{hint}", file=sys.stderr)
        status = 2
    if _stray_threads(before):
        # the script left a thread running: it has had its answer, so do not wait
        # for the thread (Python would join it at exit)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""``chainrule explain`` and ``chainrule check``: run a script, explain or check one gradient.

    chainrule explain SCRIPT --wrt NAME [--root NAME] [--limit N] [--latex]
    chainrule check SCRIPT --wrt NAME --expected NUMBER [--root NAME] [--rtol R]

The script runs until its first ``.backward()`` call; the Value it was called
on is the root (or ``--root NAME`` picks another node or script variable).
"""

import sys

from autograd.cli import command
from autograd.explain import DEFAULT_LIMIT


def _add_common(parser):
    parser.add_argument("script", help="a Python script that builds a graph and calls .backward()")
    parser.add_argument("--wrt", required=True, metavar="NAME",
                        help="the node (or script variable) to differentiate with respect to")
    parser.add_argument("--root", metavar="NAME", default=None,
                        help="differentiate this node instead of the one backward() was called on")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                        help=f"above N paths, group them by reverse mode (default {DEFAULT_LIMIT})")


def _graph(args):
    """(root, wrt) from the script, or None after printing a one-line error."""
    from autograd.script import ScriptError, run_until_backward
    try:
        captured = run_until_backward(args.script)
        root = captured.find(args.root) if args.root else captured.root
        wrt = captured.find(args.wrt)
    except ScriptError as err:
        print(f"chainrule: {err}", file=sys.stderr)
        return None
    return root, wrt


def _report_error(err):
    print(f"chainrule: {err}", file=sys.stderr)
    return 2


@command("explain", "explain one gradient of a script as a sum over chain-rule paths")
def run_explain(args):
    from autograd.explain import explain
    found = _graph(args)
    if found is None:
        return 2
    try:
        explanation = explain(*found, limit=args.limit)
    except (ValueError, KeyError, TypeError) as err:
        return _report_error(err)
    print(explanation.latex() if args.latex else explanation)
    return 0


def _explain_arguments(parser):
    _add_common(parser)
    parser.add_argument("--latex", action="store_true", help="print the LaTeX form instead")


run_explain.arguments = _explain_arguments


@command("check", "check a hand-derived gradient against the engine and diagnose a mismatch")
def run_check(args):
    from autograd.check import check
    found = _graph(args)
    if found is None:
        return 2
    try:
        verdict = check(*found, args.expected, rtol=args.rtol, limit=args.limit)
    except (ValueError, KeyError, TypeError) as err:
        return _report_error(err)
    print(verdict)
    return 0 if verdict else 1


def _check_arguments(parser):
    _add_common(parser)
    parser.add_argument("--expected", type=float, required=True, metavar="NUMBER",
                        help="your hand-derived value of the gradient")
    parser.add_argument("--rtol", type=float, default=1e-6,
                        help="relative tolerance for agreement (default 1e-6)")


run_check.arguments = _check_arguments

"""``chainrule draw SCRIPT``: draw the graph of a script's first backward() call.

    chainrule draw SCRIPT [--out PATH] [--format png|svg|pdf] [--highlight NAME] [--root NAME]
                   [--max-nodes N] [-- SCRIPT_ARGS]

The script runs until its first ``.backward()`` call, and that backward pass is
done (as the script asked) so the picture shows every node's grad; its variables
(module-level, or locals of the function calling backward()) name the nodes they
hold (as in ``explain`` and ``check``), and the graph below the root is written to
``PATH.FORMAT`` (inside PATH when it is a folder; default: the script's name next
to it), every edge labelled with its local derivative.
"""

import os
import sys

from autograd.commands import one_line, positive_int, script_arguments
from autograd.names import printable


def arguments(parser):
    script_arguments(parser)
    parser.add_argument("--out", metavar="PATH", default=None,
                        help="where to write the picture (an extension .png, .svg or .pdf "
                             "picks the format), or a folder to write it into (default: the "
                             "script's path without .py)")
    parser.add_argument("--format", default=None, choices=("png", "svg", "pdf"),
                        help="picture format (default: --out's extension, else png)")
    parser.add_argument("--highlight", metavar="NAME", default=None,
                        help="draw every path from this node to the root in red")
    parser.add_argument("--max-nodes", metavar="N", type=positive_int("nodes"), default=300,
                        help="draw a graph of up to N nodes (default: 300; larger ones are "
                             "refused as unreadable)")
    parser.add_argument("--root", metavar="NAME", default=None,
                        help="draw the graph of this node instead of the one backward() was "
                             "called on")


def _out_path(out, script):
    """Where the picture goes, without its extension: ``--out``, or the script's name
    inside ``--out`` when that is a folder (``pics/``), or next to the script."""
    stem = os.path.splitext(script)[0]
    if not out:
        return stem
    if out.endswith(("/", os.sep)) or os.path.isdir(out):
        return os.path.join(out, os.path.basename(stem))
    return out


def _format(out, given):
    """The picture format: ``--format``, else ``--out``'s extension, else png; a
    ValueError when the two disagree (``--out pic.svg --format png``)."""
    from autograd.draw import picture_format
    named = picture_format(out) if out else None
    if given and named and given != named:
        raise ValueError(f"--out {out} ends in .{named} but --format is {given}; give one of them")
    return given or named or "png"


def _node_or_matrix(captured, root, name):
    """The node called ``name``, else ``name`` itself when it is a matrix of the network
    (``W1``, ``W_2``: draw highlights every entry), else the ScriptError of the lookup."""
    from autograd.matrix_form import network_matrix
    from autograd.script import ScriptError
    try:
        return captured.find(name)
    except ScriptError:
        if network_matrix(root, name) is None:
            raise
        return name


def run(args):
    from autograd.draw import INSTALL_LINE, DotNotFound, GraphTooLarge, render_graph
    from autograd.script import ScriptError, run_until_backward
    from autograd.stepper import raised
    try:
        image_format = _format(args.out, args.format)
    except ValueError as err:
        print(f"chainrule draw: {one_line(err)}", file=sys.stderr)
        return 2
    try:
        captured = run_until_backward(args.script, args.script_args)
        root = captured.find(args.root) if args.root else captured.root
        highlight = None if not args.highlight else captured.value_at(args.highlight)
        if args.highlight and highlight is None:
            highlight = _node_or_matrix(captured, root, args.highlight)
    except ScriptError as err:
        print(f"chainrule draw: {one_line(err)}", file=sys.stderr)
        return 2
    try:
        captured.root.backward(captured.grad)   # the pass the script asked for: grads drawn
    except Exception as err:                    # a hook of the script's, say: one line
        print(f"chainrule draw: {args.script}'s backward() raised {one_line(raised(err))}",
              file=sys.stderr)
        return 2
    out = _out_path(args.out, args.script)
    try:
        [written] = render_graph(root, out, formats=image_format, highlight=highlight,
                                 max_nodes=args.max_nodes)
    except DotNotFound:
        print(f"chainrule draw: {INSTALL_LINE}", file=sys.stderr)
        return 2
    except (GraphTooLarge, ValueError) as err:   # draw()'s "draw: ...", said once
        print(f"chainrule draw: {one_line(err).removeprefix('draw: ')}", file=sys.stderr)
        return 2
    except OSError as err:
        text = f"cannot write {err.filename or out}: {err.strerror or err}"
        print(f"chainrule draw: {one_line(text)}", file=sys.stderr)
        return 2
    print(f"wrote {printable(str(written))}")
    return 0

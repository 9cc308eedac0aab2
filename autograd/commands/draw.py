"""``chainrule draw SCRIPT``: draw the graph of a script's first backward() call.

    chainrule draw SCRIPT [--out PATH] [--format png|svg|pdf] [--highlight NAME] [--root NAME]
                   [--max-nodes N] [-- SCRIPT_ARGS]

The script runs until its first ``.backward()`` call, and that backward pass is
done (as the script asked) so the picture shows every node's grad; its variables
(module-level, or locals of the function calling backward()) name the nodes they
hold (as in ``explain`` and ``check``), and the graph below the root is written to
``PATH.FORMAT`` (inside PATH when it is a folder; to stdout for ``-``; default: the
script's name next to it), every edge labelled with its local derivative.
"""

import contextlib
import os
import sys

from autograd.commands import (answering, one_line, output_path, positive_int, print_traceback,
                               script_arguments, traceback_argument)
from autograd.names import printable
from autograd.notation import numbered_as


def arguments(parser):
    script_arguments(parser)
    parser.add_argument("--out", metavar="PATH", default=None, type=output_path,
                        help="where to write the picture: a file (its extension .png, .svg or "
                             ".pdf picks the format; none: one is added; a device such as "
                             "/dev/null as named), or a folder (one "
                             "that exists, or ending in /) to write SCRIPT's name into, or - "
                             "for stdout (default: the script's path without .py)")
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
    traceback_argument(parser)


def _out_path(out, script):
    """Where the picture goes (its extension may be left to the format): ``--out``,
    or the script's name inside ``--out`` when that is a folder (``pics/``), or next to
    the script; ``-`` is stdout; a ValueError for an extension draw cannot write."""
    from autograd.commands import output_file
    from autograd.draw import PICTURE_FORMATS
    stem = os.path.splitext(script)[0]
    if not out:
        return stem
    if out == "-":
        return out
    return output_file("--out", out, os.path.basename(stem), PICTURE_FORMATS)


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
    from autograd.draw import (INSTALL_LINE, DotNotFound, GraphTooLarge, cannot_write, draw,
                               is_stdout, render_graph, writes_to_terminal)
    from autograd.script import ScriptError, run_until_backward
    from autograd.stepper import raised
    try:
        out = _out_path(args.out, args.script)
        image_format = _format(None if out == "-" else out, args.format)
    except ValueError as err:
        print(f"chainrule draw: {one_line(err)}", file=sys.stderr)
        return 2
    if image_format != "svg" and writes_to_terminal(out):
        instead = "redirect it (> graph" if out == "-" else "give a file (graph"
        print(f"chainrule draw: --out {printable(out)} would write {image_format.upper()} bytes "
              f"to the terminal: {instead}.{image_format}), or give --format svg",
              file=sys.stderr)
        return 2
    try:
        captured = run_until_backward(args.script, args.script_args)
        with answering("--root"):
            root = captured.find(args.root) if args.root else captured.root
        with answering("--highlight"):
            highlight = None if not args.highlight else captured.value_at(args.highlight)
            if args.highlight and highlight is None:
                highlight = _node_or_matrix(captured, root, args.highlight)
    except ScriptError as err:
        print_traceback(args, err)
        print(f"chainrule draw: {one_line(err)}", file=sys.stderr)
        return 2
    try:
        # the pass the script asked for, so that the grads are drawn; what its hooks print
        # goes to stderr, as the script's prints do (run_until_backward): stdout is ours
        with contextlib.redirect_stdout(sys.stderr):
            captured.root.backward(captured.grad)
    except Exception as err:                    # a hook of the script's, say: one line
        print_traceback(args, err)
        text = f"{args.script}'s backward() raised {raised(err)}"
        print(f"chainrule draw: {one_line(text)}", file=sys.stderr)
        return 2
    try:
        if out == "-":
            with numbered_as(captured.labels):
                picture = draw(root, highlight=highlight, max_nodes=args.max_nodes)
            sys.stdout.flush()
            sys.stdout.buffer.write(picture.pipe(format=image_format, quiet=True))
            return 0
        with numbered_as(captured.labels):
            [written] = render_graph(root, out, formats=image_format, highlight=highlight,
                                     max_nodes=args.max_nodes)
    except DotNotFound:
        print(f"chainrule draw: {INSTALL_LINE}", file=sys.stderr)
        return 2
    except (GraphTooLarge, ValueError) as err:   # draw()'s "draw: ...", said once
        print(f"chainrule draw: {one_line(err).removeprefix('draw: ')}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"chainrule draw: {one_line(cannot_write(err, out))}", file=sys.stderr)
        return 2
    if not is_stdout(written):      # (the picture is stdout: nothing after it)
        print(f"wrote {printable(str(written))}")
    return 0

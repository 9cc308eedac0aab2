"""``chainrule step SCRIPT``: run a script and step through its first backward pass.

The script runs until its first ``.backward()`` call; from there the
backward pass goes one node at a time (see :mod:`autograd.stepper` for the
commands).  At a terminal the commands are typed at a prompt with line
editing and history (readline), the output is coloured (unless ``NO_COLOR``
is set) and wrapped at word boundaries to the terminal's width; otherwise
they are read one per line from stdin, and the end of input continues to the end.
"""

import contextlib
import os
import sys

from autograd.commands import (one_line, output_file, output_path, positive_int, print_traceback,
                               script_arguments, traceback_argument)
from autograd.matrix_form import network_matrix_nodes
from autograd.names import printable
from autograd.script import ScriptError, run_until_backward
from autograd.stepper import Stepper, StepperError, raised, session, terminal_width, use_colour
from autograd.value import Value


def arguments(parser):
    script_arguments(parser)
    parser.add_argument("--stop-at", metavar="NAME",
                        help="run until NAME's gradient is complete before the first prompt")
    parser.add_argument("--frames", metavar="DIR", type=output_path,
                        help="write one picture of the graph per step into the folder DIR "
                             "(DIR/step_001.png, ...; for slides)")
    parser.add_argument("--out", metavar="PATH", default=None, type=output_path,
                        help="where the g command writes its pictures: a folder (one that "
                             "exists, or a path ending in / or without an extension) for "
                             "numbered ones, or a file ending in .png, .svg or .pdf that each "
                             "g replaces (default: .)")
    parser.add_argument("--format", default=None, choices=("png", "svg", "pdf"),
                        help="picture format for g and --frames (default: --out's extension, "
                             "else png)")
    parser.add_argument("--max-nodes", metavar="N", type=positive_int("nodes"), default=300,
                        help="draw pictures (g, --frames, --html) of up to N nodes (default: "
                             "300; larger ones are refused as unreadable)")
    parser.add_argument("--html", metavar="PATH", type=output_path,
                        help="instead of stepping here, write a self-contained page that "
                             "replays the pass in a browser: a file (out/desmos.html; .html is "
                             "added to a name without it), a folder (one that exists, or "
                             "ending in /) to write SCRIPT's name .html into, or - for stdout")
    traceback_argument(parser)


#: the options of stepping here, which --html (a page instead) has no use for
_NOT_WITH_HTML = ("stop_at", "frames", "out", "format")


def run(args):
    unused = [f"--{o.replace('_', '-')}" for o in _NOT_WITH_HTML if getattr(args, o) is not None]
    if args.html and unused:
        print(f"chainrule step: --html writes a page to step through in a browser instead of "
              f"stepping here, so {unused[0]} has no use beside it; leave it out", file=sys.stderr)
        return 2
    if args.frames and os.path.exists(args.frames) and not os.path.isdir(args.frames):
        what = "a file" if os.path.isfile(args.frames) else "a device or pipe"
        print(f"chainrule step: --frames {printable(args.frames)} is {what}, not a folder: "
              f"give a folder to write the pictures into", file=sys.stderr)
        return 2
    try:
        graph_dir, graph_file, image_format = _pictures(args)
        page = args.html and _page_path(args.html, args.script)
    except ValueError as err:
        print(f"chainrule step: {one_line(err)}", file=sys.stderr)
        return 2
    try:
        captured = run_until_backward(args.script, args.script_args)
    except ScriptError as err:
        print_traceback(args, err)
        print(f"chainrule step: {one_line(err)}", file=sys.stderr)
        return 2

    if page:
        return write_page(captured, page, args.max_nodes)

    def find(name):
        """A script variable's Value, or the Values of a list or matrix, as explain
        reaches them (``n.layers[0].neurons[0].w[0]``, ``W1[0][1]``), or None."""
        try:
            found = captured.value_at(name, naming=False)
        except ScriptError as err:      # W1[5][0] past the matrix's edge: say so
            raise StepperError(str(err)) from None
        if found is not None:
            return found if isinstance(found, Value) else _values(found, name)
        try:
            return captured.find(name)
        except ScriptError:                 # W2 of an nn network: its entries, as draw's
            return network_matrix_nodes(captured.root, name)

    try:
        stepper = Stepper(captured.root, captured.grad, find=find, graph_dir=graph_dir,
                          graph_file=graph_file, frames_dir=args.frames,
                          image_format=image_format, max_nodes=args.max_nodes,
                          colour=use_colour(sys.stdout), width=terminal_width(sys.stdout))
    except (StepperError, OSError) as err:   # e.g. --frames names a folder it cannot make
        print(f"chainrule step: {_one_line(err)}", file=sys.stderr)
        return 2
    interactive = sys.stdin is not None and sys.stdin.isatty()
    lines = None if interactive else sys.stdin if sys.stdin is not None else []   # <&-: none
    try:
        return session(stepper, lines, stop_at=args.stop_at)
    except BrokenPipeError:                 # the reader stopped early: cli.main says nothing
        raise
    except (StepperError, OSError) as err:  # e.g. --frames could not draw or write
        print(f"chainrule step: {_one_line(err)}", file=sys.stderr)
        stepper.stop()
        return 2


def _pictures(args):
    """(folder, file, format) of g's pictures from --out and --format: --out names a
    folder (one that exists, ending in /, or without an extension) or a file ending in
    a picture format that each g replaces; a ValueError for what cannot be either, and
    for --frames naming a file."""
    from autograd.draw import (PICTURE_FORMATS, names_folder, picture_format, writes_to_terminal,
                               written_as_given)
    for option, given in (("--out", args.out), ("--frames", args.frames)):
        if given == "-":
            raise ValueError(f"{option} -: the pictures are written to files, not to stdout; "
                             f"give a folder")
    if args.frames and not names_folder(args.frames) and picture_format(args.frames):
        raise ValueError(f"--frames {args.frames} ends in {os.path.splitext(args.frames)[1]}, "
                         f"but --frames takes a folder to write one picture per step into "
                         f"(step_001.png, ...); --format picks their format")
    out = args.out or "."
    if names_folder(out):
        return out, None, args.format or "png"
    if written_as_given(out):                             # /dev/null: each g writes it
        if (args.format or "png") != "svg" and writes_to_terminal(out):
            raise ValueError(f"--out {out} would write {(args.format or 'png').upper()} bytes to "
                             f"the terminal: give a file (graph.png), or give --format svg")
        return None, out, args.format or "png"
    named = picture_format(out)
    if named is None:
        output_file("--out", out, "", PICTURE_FORMATS)    # an extension g cannot write
        if os.path.exists(out):
            raise ValueError(f"--out {out} is a file, so g cannot write pictures into it: give "
                             f"a folder, or a file ending in .png, .svg or .pdf")
        return out, None, args.format or "png"
    if args.format and args.format != named:
        raise ValueError(f"--out {out} ends in .{named} but --format is {args.format}; give "
                         f"one of them")
    return None, out, named


def _page_path(html, script):
    """Where --html writes the page: a file (.html added to a name without an
    extension), SCRIPT's name .html inside a folder, or - for stdout."""
    if html == "-":
        return html
    name = os.path.splitext(os.path.basename(script))[0] + ".html"
    return output_file("--html", html, name, ("html", "htm"), add=".html")


def _values(matrix, name):
    """The Values of a list or matrix of them, row by row."""
    from autograd.matrix_check import value_grid
    return [value for row in value_grid(matrix, "step", name)[0] for value in row]


def _one_line(err, path=None):
    """An error as one line: an OSError met writing ``path`` (or its own file name) as
    "cannot write PATH: reason"."""
    from autograd.draw import cannot_write
    if isinstance(err, OSError) and (path or err.filename) is not None:
        return one_line(cannot_write(err, path or err.filename))
    return one_line(err)


def write_page(captured, path, max_nodes=300):
    """``--html PATH``: the step-through page (autograd.page) instead of the prompt;
    ``-`` writes it to stdout."""
    from autograd.draw import INSTALL_LINE, DotNotFound, GraphTooLarge, is_stdout
    from autograd.page import step_page, write_step_page
    try:
        if path == "-":     # stdout is the page: what the script's hooks print goes to stderr
            with contextlib.redirect_stdout(sys.stderr):
                page = step_page(captured.root, grad=captured.grad, max_nodes=max_nodes)
            sys.stdout.write(page)
            return 0
        written = write_step_page(captured.root, path, grad=captured.grad, max_nodes=max_nodes)
    except DotNotFound:
        print(f"chainrule step: {INSTALL_LINE}", file=sys.stderr)
        return 2
    except (GraphTooLarge, OSError, ValueError) as err:   # draw()'s "draw: ...", said once
        print(f"chainrule step: {_one_line(err, path).removeprefix('draw: ')}", file=sys.stderr)
        return 2
    except Exception as err:     # the pass the page replays ran a hook of the script's
        print(f"chainrule step: could not write the page: {one_line(raised(err))}",
              file=sys.stderr)
        return 2
    if not is_stdout(written):      # (the page is stdout: nothing after it)
        print(f"wrote {printable(str(written))}: open it in a browser; next/previous or the "
              f"arrow keys step")
    return 0


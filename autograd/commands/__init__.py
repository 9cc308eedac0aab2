"""Subcommands of the ``chainrule`` command, one module each.

:data:`autograd.cli.COMMANDS` lists them: the module, its ``run(args)`` and
its ``arguments(parser)``.  Importing this package imports none of them.
"""

import contextlib


def one_line(err):
    """An error (or its text) as the one line the commands print: runs of whitespace,
    newlines too, as one space, and what a terminal would obey (ESC, a carriage
    return, a bidi override) made visible by :func:`autograd.names.printable`."""
    from autograd.names import printable
    return printable(" ".join(str(err).split()))


@contextlib.contextmanager
def answering(option):
    """A ScriptError raised inside as one led by the option it answers, so that a
    name no node has says which option gave it: ``--root: no node named 'nope' ...``."""
    from autograd.script import ScriptError
    try:
        yield
    except ScriptError as err:
        raise ScriptError(f"{option}: {err}") from None


def reader_gone():
    """After a BrokenPipeError on stdout (``| head -1`` has read what it wanted): nothing
    left to flush at exit either (Python's documented way out of EPIPE)."""
    import os
    import sys
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def answer(text, status):
    """Print a verdict and return its exit ``status``, which stands when the reader
    stopped after the headline (``chainrule check ... | head -1``)."""
    import sys
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()
    return status


def output_path(text):
    """An argparse type for --out, --frames and --html: ``~`` is the home folder, as
    the stepper's ``g ~/pic`` takes it (no shell expands ``--out=~/pic.svg``); ``-``
    is itself; an empty path (``--html ""``: no page, the stepper ran here) is refused."""
    import argparse
    import os
    if not text.strip():
        raise argparse.ArgumentTypeError(f"takes a path, got {text!r}")
    return text if text == "-" else os.path.expanduser(text)


def output_file(option, path, name, extensions, add=""):
    """Where ``option`` (``--out``, ``--html``) writes its one file: ``name`` inside
    ``path`` when that names a folder (one that exists, or ending in /), ``path`` as
    given when it is a device or pipe (``/dev/null``), else ``path`` with ``add``
    (``".html"``) when it has no extension; a ValueError, one line, when ``path`` ends
    in an extension none of ``extensions`` (``--out pic.jpg``) or in nothing else
    (``--out .png``: a file ``.png.png`` was written)."""
    import os

    from autograd.draw import (bare_extension, extension_list, names_folder, other_extension,
                               written_as_given)
    if names_folder(path):
        return os.path.join(path, name)
    if written_as_given(path):
        return path
    bare = bare_extension(path, extensions)
    if bare is not None:
        example = os.path.join(os.path.dirname(path), (os.path.splitext(name)[0] or "graph") + bare)
        raise ValueError(f"{option} {path} is only an extension, with no file name before it: "
                         f"give one ({example}), or a folder (ending in /)")
    wrong = other_extension(path, extensions)
    if wrong is not None:
        raise ValueError(f"{option} {path} ends in {wrong}: give a path ending in "
                         f"{extension_list(extensions)}, or a folder (one that exists, or "
                         f"ending in /)")
    return path if os.path.splitext(path)[1] else path + add


def script_arguments(parser):
    """SCRIPT; the script's own arguments come after ``--`` (:func:`autograd.cli.main`)."""
    parser.add_argument("script", metavar="SCRIPT",
                        help="a Python script that builds a graph and calls .backward(); its own "
                             "arguments (its sys.argv[1:]) go at the end, after --: "
                             "SCRIPT ... -- --lr 0.5 data.csv")


def traceback_argument(parser):
    """--traceback, the last option of every command that runs a script."""
    parser.add_argument("--traceback", action="store_true",
                        help="when the script (or a hook of its) raises, print Python's "
                             "traceback from the script's own lines on, above the one-line error")


def print_traceback(args, err):
    """With ``--traceback``: the traceback of what the script raised behind ``err`` (a
    ScriptError's cause, or ``err`` itself, from a hook of the script's), on stderr,
    without the frames of chainrule and runpy that ran it."""
    import os
    import runpy
    import sys
    import traceback

    from autograd.script import ScriptError
    cause = err.__cause__ if isinstance(err, ScriptError) else err
    if not getattr(args, "traceback", False) or cause is None:
        return
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    runner = (package + os.sep, os.path.splitext(runpy.__file__)[0])

    def ours(filename):          # Python 3.11+ calls runpy's frames "<frozen runpy>"
        return filename == "<frozen runpy>" or os.path.abspath(filename).startswith(runner)
    tb = cause.__traceback__
    while tb is not None and ours(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    traceback.print_exception(type(cause), cause, tb, file=sys.stderr)


def positive_int(noun):
    """An argparse type: a whole number of ``noun`` (paths, nodes), at least 1."""
    import argparse

    def read(text):
        try:
            n = int(text)
        except ValueError:
            n = 0
        if n < 1:
            raise argparse.ArgumentTypeError(
                f"takes a whole number of {noun}, at least 1; got {text!r}")
        return n
    return read

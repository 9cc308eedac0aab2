"""Subcommands of the ``chainrule`` command, one module each.

:data:`autograd.cli.COMMANDS` lists them: the module, its ``run(args)`` and
its ``arguments(parser)``.  Importing this package imports none of them.
"""


def one_line(err):
    """An error (or its text) as the one line the commands print: runs of whitespace,
    newlines too, as one space, and what a terminal would obey (ESC, a carriage
    return, a bidi override) made visible by :func:`autograd.names.printable`."""
    from autograd.names import printable
    return printable(" ".join(str(err).split()))

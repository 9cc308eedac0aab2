"""Subcommands of the ``chainrule`` command, one module each.

:data:`autograd.cli.COMMANDS` lists them: the module, its ``run(args)`` and
its ``arguments(parser)``.  Importing this package imports none of them.
"""

"""Run a user's script and catch its first ``.backward()`` call.

The ``chainrule explain``, ``check`` and ``step`` commands need the graph a
script builds, at the moment it asks for gradients.  :func:`run_until_backward`
runs the script with ``Value.backward`` replaced by a catcher; the first call
stops the script and hands back the root node, the seed gradient and the
script's globals (so names like ``w1`` can be looked up).
"""

import os
import runpy
import sys

from .value import Value

__all__ = ["Captured", "ScriptError", "run_until_backward"]


class ScriptError(Exception):
    """The script could not give a graph: missing file, no backward() call, or it raised."""


class Captured:
    """What the script had built when it first called backward()."""

    def __init__(self, root, grad, namespace, path):
        self.root = root            # the Value backward() was called on
        self.grad = grad            # the seed gradient it asked for
        self.namespace = namespace  # the script's globals at that moment
        self.path = path

    def find(self, name):
        """The node called ``name``: a node name in the graph, else a script variable."""
        from .engine import nodes_by_name
        found = nodes_by_name(self.root).get(name)
        if found:
            return found[0]
        value = self.namespace.get(name)
        if isinstance(value, Value):
            return value
        known = sorted(nodes_by_name(self.root))
        raise ScriptError(
            f"no node named {name!r} in the graph of {os.path.basename(self.path)}; "
            f"named nodes: {', '.join(known) if known else '(none)'}")


class _Caught(BaseException):
    def __init__(self, root, grad, frame_globals):
        super().__init__()
        self.root, self.grad, self.frame_globals = root, grad, frame_globals


def run_until_backward(path, argv=()):
    """Run the script at ``path`` until its first ``Value.backward()``; return a :class:`Captured`."""
    if not os.path.isfile(path):
        raise ScriptError(f"no such script: {path}")
    original = Value.backward

    def catch(self, grad=1.0, **kwargs):
        raise _Caught(self, grad, sys._getframe(1).f_globals)

    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, *argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    Value.backward = catch
    try:
        runpy.run_path(path, run_name="__main__")
    except _Caught as caught:
        return Captured(caught.root, caught.grad, dict(caught.frame_globals), path)
    except SystemExit as exit_:
        raise ScriptError(f"{path} exited (code {exit_.code}) before calling .backward()") from None
    except Exception as err:
        raise ScriptError(f"{path} raised {type(err).__name__}: {err}") from err
    finally:
        Value.backward = original
        sys.argv, sys.path[:] = saved_argv, saved_path
    raise ScriptError(f"{path} never called .backward() on a Value, so there is no gradient to show")

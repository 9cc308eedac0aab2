"""Run a user's script and catch its first ``.backward()`` call.

The ``chainrule explain``, ``check`` and ``step`` commands need the graph a
script builds, at the moment it asks for gradients.  :func:`run_until_backward`
runs the script inside a capturing recording context
(:class:`autograd.recording.capturing`): its first ``backward()`` stops the
script and hands back the root node, the seed gradient and the script's
variables: its globals, and the locals of its functions that led to backward()
(``def main(): ...`` under ``if __name__ == "__main__":``).  What the script
prints on the way goes to stderr, so that stdout holds only chainrule's answer.
Every unnamed node such a variable holds is then named after it
(``w1 = Value(0.5)`` is the node w1 in every answer:
:func:`autograd.variables.name_variables`).  Nothing is patched.
"""

import contextlib
import os
import re
import runpy
import shlex
import sys
import traceback

from . import graph, names, notation, recording, variables
from .floats import listlike
from .value import Value

__all__ = ["Captured", "ScriptError", "run_until_backward"]


class ScriptError(Exception):
    """The script could not give a graph: missing file, no backward() call, or it raised."""


class Captured:
    """What the script had built when it first called backward()."""

    def __init__(self, root, grad, namespace, path):
        self.root = root            # the Value backward() was called on
        self.grad = grad            # the seed gradient it asked for
        self.namespace = namespace  # its variables at that moment (globals, then
        #                             the locals of its functions calling backward)
        self.path = path
        #: the unnamed nodes named after the script variables holding them
        #: (:func:`autograd.variables.name_variables`)
        self.named = variables.NamedVariables()
        #: how every answer about this graph calls its nodes, numbered before a question
        #: names one (:meth:`value_at`, :func:`autograd.notation.numbered_as`)
        self.labels = notation.Labels(root)

    def value_at(self, name, naming=True):
        """What ``name`` reaches in the script's variables, or None: a Value through
        attributes and indices (``n.layers[0].neurons[0].w[0]``, micrograd's MLP), a
        list or matrix of Values (``W1``) or one entry of it (``W1[0][1]``).  An unnamed
        Value found is named as spelled, unless ``naming`` is False (the stepper's
        labels stay as its steps printed them).  A variable's name is read as Python reads
        it (``ｘ`` is ``x``: :func:`autograd.names.identifier`)."""
        if naming:      # numbered first: the name the question gives shifts no label
            self.labels.number()
        name = names.identifier(name)
        found = _attribute_path(self.namespace, name, naming)
        return found if found is not None else _matrix_of_values(self.namespace, name, naming)

    def find(self, name, root=None):
        """The node called ``name``: a node name in the graph, else a script variable,
        else the short label (t7) that ``chainrule step`` and every answer about the
        script's graph (:attr:`labels`, whatever ``root``) print for an unnamed node.

        A name two nodes share is refused (:class:`autograd.names.NodeNameError`
        is a ScriptError here), as is a name nothing has.
        """
        nodes = graph.all_nodes(self.root)
        named = names.nodes_by_name(nodes)
        if name in named:
            try:
                return names.find_node(nodes, name, os.path.basename(self.path))
            except names.NodeNameError as err:
                raise ScriptError(f"{err}{self._holders(named[name])}") from None
        value = self.namespace.get(names.identifier(name))   # ｘ = Value(...) stores x
        if isinstance(value, Value):
            return value
        labelled = self.labels.node_called(name)
        if labelled is not None:
            return labelled
        with contextlib.suppress(names.NodeNameError):   # as the answers print it: w³₁₁
            return names.find_node(nodes, name, os.path.basename(self.path))
        if name.strip() and name.strip() != name:          # --wrt " a", pasted: as step's p a
            return self.find(name.strip(), root)
        from .matrix_form import matrices_note, network_entry
        entry = network_entry(self.root if root is None else root, name)
        if entry is not None:                   # W2[1,2], as a matrix verdict's table labels it
            return entry
        raise ScriptError(names.no_node_named(name, named, f"the graph of "
                                              f"{os.path.basename(self.path)}",
                                              matrices_note(root or self.root)
                                              + self.labels.labels_note(name)))

    def _holders(self, nodes):
        """For nodes that share a name: "; the script's variables a and b hold them: give
        the one you mean", or "" when no variable holds them."""
        shared = {id(node) for node in nodes}
        held = sorted(var for var, value in self.namespace.items()
                      if isinstance(value, Value) and id(value) in shared)
        if not held:
            return ""
        return (f"; the script's variables {', '.join(held[:-1])} and {held[-1]} hold them: "
                f"give the one you mean" if len(held) > 1 else
                f"; the script's variable {held[0]} holds one of them: give it")


#: micrograd's n.layers[0].neurons[0].w[0]: a variable, then attributes and list indices
_PATH = re.compile(r"\s*([A-Za-z_]\w*)((?:\s*(?:\.\s*[A-Za-z_]\w*|\[\s*\d+\s*\]))*)\s*")
_STEP = re.compile(r"\.\s*([A-Za-z_]\w*)|\[\s*(\d+)\s*\]")


def _attribute_path(namespace, name, naming=True):
    """The Value (or list of Values) ``name`` reaches from a script variable through
    attributes and indices, ``n.layers[0].neurons[0].w[0]`` (micrograd's MLP), an unnamed
    Value named as spelled; None when ``name`` has no attribute in it."""
    found = _PATH.fullmatch(name)
    if found is None or "." not in found.group(2):
        return None
    spelled, value = found.group(1), namespace.get(found.group(1))
    if value is None:
        raise ScriptError(f"{name}: the script has no variable {spelled!r}")
    for attr, index in _STEP.findall(found.group(2)):
        value, spelled = _follow(value, spelled, attr, index, name)
    if isinstance(value, Value):
        if naming and not value.name:
            value.name = spelled
        return value
    if _matrix_of(value, spelled) is None:
        raise ScriptError(f"{name} is {type(value).__name__}, not a Value or a list of Values")
    return value


def _follow(value, spelled, attr, index, name):
    """One step of an attribute path: ``(value.attr or value[index], its spelling)``."""
    if attr:
        if attr.startswith("_"):
            raise ScriptError(f"{name}: {spelled}.{attr} is private; give the node a name "
                              f"in the script instead")
        try:
            return getattr(value, attr), f"{spelled}.{attr}"
        except AttributeError:
            raise ScriptError(f"{name}: {spelled} ({type(value).__name__}) has no attribute "
                              f"{attr!r}") from None
    try:
        return value[int(index)], f"{spelled}[{index}]"
    except (IndexError, KeyError, TypeError):
        count = len(value) if hasattr(value, "__len__") else None
        size = type(value).__name__ if count is None else f"{count} entr{'y' if count == 1 else 'ies'}"
        raise ScriptError(f"{name}: {spelled}[{index}] is not an entry of {spelled} "
                          f"({size}, from [0])") from None


def _matrix_of(value, spelled):
    """``value`` when it is a list (or matrix) of Values, else None."""
    from .matrix_check import value_grid
    if not listlike(value, sized=True):
        return None
    try:
        value_grid(value, "check", spelled)
    except (TypeError, ValueError):
        return None
    return value


def _matrix_of_values(namespace, name, naming=True):
    """The script's variable ``name`` when it holds a matrix (or list) of Values, or one
    entry of it (``W1[0][1]``), else None."""
    from .matrix_check import value_grid
    from .matrix_form import shape_text
    found = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*((?:\[\s*\d+\s*\]\s*){0,2})", name)
    value = namespace.get(found.group(1)) if found else None
    if value is None or not listlike(value, sized=True):
        return None
    try:
        rows, flat = value_grid(value, "check", found.group(1))
    except (TypeError, ValueError):
        return None
    at = [int(i) for i in re.findall(r"\d+", found.group(2))]
    if not at:
        return value
    if len(at) != (1 if flat else 2) or at[-1] >= len(rows[0]) or (not flat and at[0] >= len(rows)):
        held = f"a list of {len(rows[0])} Values" if flat else f"a {shape_text(rows)} matrix of Values"
        raise ScriptError(f"{name} is not an entry of {found.group(1)}, {held} (from [0]"
                          f"{'' if flat else '[0]'})")
    entry = rows[0][at[0]] if flat else rows[at[0]][at[1]]
    if naming and not entry.name:   # named as the question spells it, as a variable names it
        entry.name = re.sub(r"\s+", "", name)
    return entry


class _Capture:
    """Held by the capturing context: the script's first backward() calls :meth:`caught`;
    ``compiled`` is set when the script traces a function for the jit (nn.train does)."""

    compiled = False
    threaded = False    # backward() ran in a thread the script started
    by_hand = None      # the first node whose _backward() the script called by hand
    source = ""         # the script's text, read before it runs (it may os.chdir())

    def caught(self, root, grad):
        raise _Caught(root, grad, *_script_namespace(sys._getframe(1), self.source))


def _script_namespace(frame, source=None):
    """The script's globals, overlaid with the locals of each of its functions on the
    way from its top level to ``frame`` (innermost last): ``w`` in ``def main(): ...``
    names the node as ``w`` at module level does.  Empty outside a script.  With it,
    the variables among those that a ``for`` loop of their own scope binds (``for p in
    n.parameters():``), which name no node (:func:`autograd.variables.name_variables`).
    ``source``: the script's text, when read before it ran (its path may be relative to
    a folder it has left by os.chdir())."""
    chain = []
    while frame is not None and not _is_script_top(frame):
        chain.append(frame)
        frame = frame.f_back
    if frame is None:
        return {}, set()
    top = frame.f_globals
    namespace = dict(top)
    sources = {} if source is None else {frame.f_code.co_filename: source}

    def loops(code):
        path = code.co_filename
        if path not in sources:
            sources[path] = variables.script_source(path)
        return variables.loop_variables(sources[path], None if code is frame.f_code else code)
    looping = loops(frame.f_code) & set(namespace)
    for inner in reversed(chain):
        if inner.f_globals is top:      # a function of the script, not of a module it uses
            here = inner.f_locals
            namespace.update(here)
            looping = (looping - set(here)) | (loops(inner.f_code) & set(here))
    return namespace, looping


def _is_script_top(frame):
    """Whether ``frame`` runs the script's module level (runpy runs it as __main__)."""
    return frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == "__main__"


def _where(path, err):
    """``path``, with the line of the script the error came from (``learner.py line 7``)."""
    script = os.path.abspath(path)
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__)
             if os.path.abspath(frame.filename) == script]
    return f"{path} line {lines[-1]}" if lines else path


def _exited(path, code, argv):
    """Why the script's sys.exit() before backward() gave no graph, in one line."""
    why = f"exited ({code})" if isinstance(code, str) else f"exited (code {code or 0})"
    hint = "" if argv else "; if it takes arguments, give them after --: SCRIPT ... -- ARGS"
    return f"{path} {why} before calling .backward(){hint}"


class _Caught(BaseException):
    def __init__(self, root, grad, namespace, loops):
        super().__init__()
        self.root, self.grad, self.namespace, self.loops = root, grad, namespace, loops


def run_until_backward(path, argv=()):
    """Run the script at ``path`` until its first ``Value.backward()``; return a :class:`Captured`."""
    if os.path.isdir(path):
        raise ScriptError(f"{path} is a directory, not a Python script")
    if not os.path.isfile(path):
        beside = f"; did you mean {path}.py?" if os.path.isfile(f"{path}.py") else ""
        raise ScriptError(f"no such script: {path}{beside}")
    with open(path, "rb") as script:
        if b"\0" in script.read(1 << 16):   # a picture given for the script: chainrule draw g.png
            raise ScriptError(f"{path} is not a Python script: it holds binary data")
    if path.lower().endswith(".ipynb"):     # JSON, which Python would run as one dict
        raise ScriptError(
            f"{path} is a Jupyter notebook, and chainrule runs Python scripts: save it as one "
            f"(jupyter nbconvert --to script {shlex.quote(path)}), or in the notebook show "
            f"autograd.page.step_through(root), explain(...) or draw(root)")
    saved_argv, saved_path, saved_cwd = sys.argv, list(sys.path), os.getcwd()
    sys.argv = [path, *argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    capture = _Capture()
    capture.source = variables.script_source(path)
    try:
        # the script's own prints go to stderr: stdout is chainrule's answer,
        # its headline on the first line (chainrule check ... | head -1)
        with recording.capturing(capture), contextlib.redirect_stdout(sys.stderr):
            runpy.run_path(path, run_name="__main__")
    except _Caught as caught:
        namespace = caught.namespace
        captured = Captured(caught.root, caught.grad, namespace, path)
        captured.named = variables.name_variables(namespace, root=caught.root,
                                                  loops=caught.loops)
        return captured
    except SystemExit as exit_:
        raise ScriptError(_exited(path, exit_.code, argv)) from None
    except KeyboardInterrupt:
        raise ScriptError(f"{path} was interrupted (KeyboardInterrupt) before calling "
                          f".backward()") from None
    except Exception as err:
        from .stepper import raised      # the type alone when there is no message, and the notes
        message = " ".join(raised(err).split())
        raise ScriptError(f"{_where(path, err)} raised {message}") from err
    finally:
        # a script may os.chdir() to its data: chainrule's paths (--out, --html) stay
        # relative to where it was started
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
    raise ScriptError(_never_called(path, capture))


def _never_called(path, capture):
    """Why the script gave no graph, in one line: backward() in another thread, or
    compiled (jit) code, and what to do."""
    if capture.threaded:
        return (f"{path} called .backward() only in a thread it started, and chainrule "
                f"catches backward() in the script's main thread only: call it there")
    text = f"{path} never called .backward() on a Value, so there is no gradient to show"
    if capture.by_hand is not None:
        return f"{text}{_by_hand(capture.by_hand)}"
    if not capture.compiled:
        return text
    return (f"{text}: its compiled (jit) code, such as nn.train's steps, builds no graph; "
            f"compute one sample's loss from net(x) and call .backward() on it, or train "
            f"with nn.train(..., jit=False) on the default backend")


def _by_hand(node):
    """What to do when the script ran the chain rule by hand, ``o._backward()`` node by
    node as micrograd's lecture does, and never called backward() (which chainrule catches)."""
    name = node.name
    if name and name.isidentifier():
        first, call = f"from {name}", f"{name}.backward()"
    elif name:
        first, call = f"from {names.printable(names.cut(name, 40))!r}", ".backward() on that node"
    else:
        first, call = f"from a {node.op.name} node", ".backward() on the root"
    return (f": it ran the chain rule by hand, _backward() node by node {first}, as "
            f"micrograd's lecture does, which chainrule does not catch; call {call} in "
            f"place of those _backward() calls and chainrule shows that pass")

"""jit: trace a function of Values once, then run it as generated Python.

Most of the time of a scalar engine goes into creating nodes again on every
pass, although a network runs the same graph for every sample.
``autograd.jit(fn)`` calls ``fn`` once with placeholder Values, records the
graph it returns and writes that graph as straight-line Python source: the
forward pass one line per node, the backward pass one line per gradient with
the rule in a comment (see :mod:`autograd.jit_emit`).  Later calls run only
that code on floats.

>>> from autograd import Value
>>> from autograd.jit import jit
>>> w = Value(0.5, name="w", kind="parameter")
>>> f = jit(lambda x: (w * x).tanh())
>>> round(f(2.0), 6), round(w.grad, 6)      # tanh(1), (1 - tanh²(1))·2
(0.761594, 0.839949)

Leaves that ``fn`` closes over are parameters: the generated code reads
their ``.data`` at every call (so an optimiser's updates are seen) and adds
to their ``.grad``, exactly as ``Value.backward()`` would.

Errors.  The generated code runs plain float arithmetic; when it raises
(division by zero, log of a number <= 0, exp overflow, ...) the call
re-raises the eager engine's error for that node, with the generated line
(found from the traceback, so the check costs nothing while all is well).
NaN flows through every op as it does eagerly; unlike the eager engine,
``detect_anomaly()`` is not consulted.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import linecache
import operator
import sys
import threading
import types
import weakref
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, SupportsFloat, overload

from . import engine, floats, graph, recording
from .jit_emit import HELPERS, Graph, Program, generate, in_sample
from .ops import CONSTANT, describe
from .floats import counted, flag, listlike, literal_bits, short_repr
from .identity import addresses, same_objects
from .names import printable
from .value import Value, as_float

__all__ = ["jit", "Jitted", "TracingError", "TracedValue", "jit_loss", "forget_traces"]


_FLOAT = frozenset((float,))
#: the types a sample's numbers may have for the fast conversion: float(x) is exact for
#: them (an int too large for a float takes the checked path, which names it)
_PLAIN = frozenset((float, int))


def _plain_numbers(rows):
    """The common width of ``rows`` when they are sequences of one length holding only
    floats, ints and float subclasses (numpy's float64), for which float(x) is what
    ``as_float`` gives, so they skip the number-by-number check; else None.  Two
    passes at C speed (no Python call per number)."""
    try:
        widths = set(map(len, rows))
        if len(widths) != 1:
            return None
        kinds = set(map(type, itertools.chain.from_iterable(rows)))
    except TypeError:    # a row that is not a sequence: the checked path names it
        return None
    if _PLAIN.issuperset(kinds) or all(k in _PLAIN or issubclass(k, float) for k in kinds):
        return widths.pop()
    return None


def no_samples(owner: str, mean: bool) -> float:
    """``batch()`` of no samples: their sum, 0.0; their mean is refused (undefined,
    where 0.0 would read as a perfect loss)."""
    if mean:
        raise ValueError(f"{owner}.batch: the mean over no samples is undefined (samples is "
                         f"empty); mean=False gives their sum, 0.0")
    return 0.0


def more_than_samples(owner: str, more: tuple) -> TypeError:
    """The error of ``step.batch(X, Y)``: batch takes the samples as one argument, each
    sample all the numbers one call takes (a loss's inputs, then its targets)."""
    if len(more) == 1 and isinstance(more[0], bool):
        return TypeError(f"{owner}.batch: mean is given by name: .batch(samples, mean={more[0]})")
    return TypeError(f"{owner}.batch takes one argument, the samples, each holding the numbers "
                     f"one call takes (a loss's inputs, then its targets), got {1 + len(more)} "
                     f"arguments: for inputs X and targets Y give .batch(np.hstack([X, Y])) or "
                     f".batch([(*x, *y) for x, y in zip(X, Y)])")


def _length(inputs, fn_name, sample):
    """len(inputs), or a TypeError when a sample is not a sequence of numbers."""
    try:
        return len(inputs)
    except TypeError:
        hint = ("; a sample of one input is a 1-tuple, [(x,), ...]"   # a flat list of numbers
                if sample == 1 and isinstance(inputs, SupportsFloat) else "")
        raise TypeError(f"jit {fn_name}.batch: sample {sample} must be a tuple of numbers, got "
                        f"{type(inputs).__name__} {short_repr(inputs)}{hint}") from None


class TracingError(TypeError):
    """A traced Value was asked for its number (``if``, ``<``, ``float()``) while tracing."""


BACKENDS = ("python", "numpy")
#: the kinds of generated program: a call, batch() (python, numpy) and forward()
KINDS = ("step", "batch", "forward", "numpy")

#: the placeholders' names: a list, or a function of the number of inputs giving one
InputNames = Sequence[str] | Callable[[int], Iterable[str]] | None


@overload
def jit(fn: Callable[..., Value], *, name: str | None = None, input_names: InputNames = None,
        backend: str = "python") -> Jitted: ...
@overload
def jit(fn: None = None, *, name: str | None = None, input_names: InputNames = None,
        backend: str = "python") -> Callable[[Callable[..., Value]], Jitted]: ...


def jit(fn: Callable[..., Value] | None = None, *, name: str | None = None,
        input_names: InputNames = None,
        backend: str = "python") -> Jitted | Callable[[Callable[..., Value]], Jitted]:
    """Compile ``fn`` (a function of Values returning a Value) to generated Python.

    ``name`` names the generated function (default ``fn.__name__``);
    ``input_names`` (a list, or a function of the number of inputs) names
    the placeholders (default: ``fn``'s parameter names, ``*x`` gives
    ``x1, x2, ...``).  ``backend="numpy"`` runs ``.batch()`` as the same
    program over numpy arrays of samples (see :mod:`autograd.jit_numpy`).
    Usable as a decorator, with or without arguments.
    """
    if fn is None:
        return lambda f: Jitted(f, name=name, input_names=input_names, backend=backend)
    return Jitted(fn, name=name, input_names=input_names, backend=backend)


def jit_loss(model: Callable[[list[Value]], Sequence[Value]],
             loss: Callable[..., Value], n_inputs: int, *,
             name: str = "loss", backend: str = "python",
             n_targets: int | None = None,
             targets_ok: Callable[[Sequence[float], int], bool] | None = None
             ) -> Jitted:
    """``jit`` of ``loss(model([x1..xn]), [y1..ym])`` as a function of n + m numbers.

    ``model`` maps a list of n input Values to a list of output Values (an
    ``nn.MLP``), ``loss(outputs, targets)`` returns one Value
    (``nn.half_squared_error``).  Call the result as ``step(x1, x2, y)`` or
    ``step.batch([(x1, x2, y), ...])``.  ``n_targets``, when given, is m: a call
    or sample of another width is refused naming the numbers expected.

    ``targets_ok(numbers, m)``, for a loss that refuses some targets (or outputs) by
    their numbers, which a trace cannot keep (it runs the loss once): whether the
    targets (floats, each sample's m one after another) surely are ones the loss
    takes, looked at before the code runs on them (a module-level function, to
    pickle).  When it says no, or the code raises, the loss runs eagerly sample by
    sample and its first error is raised (:class:`_CheckedLoss`).
    """
    n_inputs, n_targets = _checked_jit_loss(model, loss, n_inputs, n_targets)

    def traced(*numbers: Value) -> Value:
        return loss(model(list(numbers[:n_inputs])), list(numbers[n_inputs:]))

    def names(arity: int) -> list[str]:
        m = arity - n_inputs if n_targets is None else n_targets
        targets = ["y"] if m == 1 else [f"y{j}" for j in range(1, m + 1)]
        expected = [f"x{k}" for k in range(1, n_inputs + 1)] + targets
        if m < 0 or arity != len(expected):
            them = ("the targets" if n_targets is None else
                    f"{counted(m, 'target')}: {', '.join(expected)}")
            raise TypeError(f"{name}: expected {counted(n_inputs, 'input')} "
                            f"then {them}, got {counted(arity, 'number')}")
        return expected

    kind = Jitted if targets_ok is None else _CheckedLoss
    jitted = kind(traced, name=name, input_names=names, backend=backend)
    jitted._jit_loss_args = (model, loss, n_inputs, name, backend, n_targets, targets_ok)
    return jitted


def _jit_loss_of(model, loss, n_inputs, name, backend, n_targets, targets_ok=None):
    """``jit_loss`` from its arguments in order: how a pickled or deep-copied one is made."""
    return jit_loss(model, loss, n_inputs, name=name, backend=backend, n_targets=n_targets,
                    targets_ok=targets_ok)


def _jit_of(fn, name, input_names, backend):
    """``jit`` from its arguments in order: how a pickled one is made."""
    return Jitted(fn, name=name, input_names=input_names, backend=backend)


def _checked_jit_loss(model, loss, n_inputs, n_targets):
    """``(n_inputs, n_targets)`` as ints (numpy's too), or a one-line error naming the
    first argument of ``jit_loss`` that cannot work."""
    def got(x):
        return f"got {type(x).__name__} {short_repr(x)}"
    if not callable(model):
        raise TypeError(f"jit_loss: model must be a function of a list of input Values "
                        f"(an nn.MLP), {got(model)}")
    if not callable(loss):
        raise TypeError(f"jit_loss: loss must be a function loss(outputs, targets) -> Value "
                        f"(net.jit_loss also takes a loss's name), {got(loss)}")
    n_inputs = floats.positive_int(n_inputs, "jit_loss: n_inputs")
    if n_targets is not None and (not floats.is_int(n_targets) or n_targets < 0):
        raise TypeError(f"jit_loss: n_targets must be None or an int >= 0, {got(n_targets)}")
    return n_inputs, None if n_targets is None else operator.index(n_targets)


def _by_name(module_name, qualname):
    """What ``module.qualname`` names in the imported modules (None when nothing): how
    pickle finds a function or class again."""
    found: Any = sys.modules.get(module_name)
    for step in qualname.split("."):
        found = getattr(found, step, None)
    return found


def _module_level_jit(module_name, qualname):
    """The module-level ``@jit`` function ``module.qualname``, importing the module:
    how one is unpickled (as pickle finds a function)."""
    import importlib
    importlib.import_module(module_name)
    return _by_name(module_name, qualname)


def _refuse_unpicklable(jitted, parts):
    """A one-line PicklingError when one of ``parts`` (what defines ``jitted``: its
    function, model, loss, input names) is a lambda or a function defined inside
    another one, or a method of an object of a class defined inside a function:
    pickle saves a function or class by module and name, which these lack."""
    for what, part in parts:
        if isinstance(part, types.MethodType) and not isinstance(part.__self__, type):
            cls = type(part.__self__)
            if _by_name(cls.__module__, cls.__qualname__) is not cls:
                _refuse(jitted, f"its {what} {part.__qualname__}, a method of an object of "
                                f"class {cls.__qualname__} (module {cls.__module__}), a class "
                                f"defined inside a function")
        elif isinstance(part, types.FunctionType) and \
                _by_name(part.__module__, part.__qualname__) is not part:
            _refuse(jitted, f"its {what} {part.__qualname__} (module {part.__module__}), a "
                            f"lambda or a function defined inside another function")


def _refuse(jitted, what):
    """The PicklingError for ``what`` of ``jitted``: what it is and what to do."""
    import pickle       # (only here: importing autograd does not load pickle)
    raise pickle.PicklingError(
        f"jit {jitted.__name__}: cannot pickle {what}; pickle saves a function or class "
        f"by its module and name, so define it with def (or class) at module level and "
        f"jit that")


# ---------------------------------------------------------------------------
# Tracing
# ---------------------------------------------------------------------------

class Tracer:
    """What the recording context holds while ``fn`` is traced (this thread only).

    It refuses data-dependent control flow (a Value asked for its number),
    and remembers the parents and op of each node made under ``no_grad()``
    inside the traced function, so the generated code computes it too (with
    no gradient through it) instead of freezing today's number.  The nodes of
    a gradient graph (``grad(..., create_graph=True)``) are ``derivatives``:
    their code is IEEE (1/(2√x) at x = 0 is inf), as eager builds them.
    """

    def __init__(self, fn_name):
        self.fn_name = fn_name
        self.order = []         # every node made, in order: eager's order of evaluation
        self.detached = {}
        self.derivatives = set()
        self.deriving = False
        #: id -> Value whose number the trace holds in a constant it made
        #: (:func:`autograd.recording.baked`: a frozen parameter, a constant bias)
        self.baked = {}
        #: the constant leaves made while tracing (literals of fn, not closed over)
        self.constants = []

    def made(self, node, grad_enabled):
        node.__class__ = TracedValue     # its .data now refuses readers outside the library
        self.order.append(node)
        if not grad_enabled:
            self.detached[node] = (node._prev, node._opr)
        if self.deriving:
            self.derivatives.add(node)

    @contextmanager
    def building_derivatives(self):
        """While a gradient graph is built: the nodes made are derivatives."""
        before, self.deriving = self.deriving, True
        try:
            yield
        finally:
            self.deriving = before

    def refuse(self, node, what):
        if what == "backward()":
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): it calls backward() on {describe(node)}; "
                f"a jitted function returns the Value to differentiate and the generated code "
                f"does the backward pass")
        if what == "register_hook()":
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): it registers a hook on {describe(node)}, "
                f"and the generated code runs no hooks; call {self.fn_name}() without jit")
        if what in ("grad()", "hessian()", "hvp()"):
            instead = ("pass create_graph=True (its gradients are Values the trace follows)"
                       if what == "grad()" else "take grad(..., create_graph=True) of each "
                       "gradient, Values the trace follows")
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): {what} of {describe(node)} gives floats, "
                f"which the generated code would keep as today's numbers for every input; "
                f"{instead}, or call {self.fn_name}() without jit")
        if what == ".data":
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): it reads .data of {describe(node)}, a "
                f"number that depends on the inputs; the generated code would keep today's "
                f"number (and any branch taken on it) for every input. Keep it in the graph: "
                f"use the Value itself (y * 2.0, not y.data * 2.0) and, instead of an if on "
                f"the number, branch inside the graph with relu(), abs(), autograd.maximum() "
                f"or autograd.minimum(); or call {self.fn_name}() without jit.")
        if what == "float()":
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): float() on {describe(node)} needs its "
                f"number (math.exp(v), math.log(v) and the other math functions call float() "
                f"too), a plain float outside the graph, so the generated code would keep "
                f"today's number for every input and no gradient flows through it. Use the "
                f"Value's own ops (v.exp(), v.log(), v.tanh(), v ** 0.5), or call "
                f"{self.fn_name}() without jit.")
        if what in ("int()", "round()"):
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): {what} on {describe(node)} gives a plain "
                f"number outside the graph, so the generated code would keep today's number "
                f"for every input and no gradient flows through it. Keep the Value in the "
                f"graph, or call {self.fn_name}() without jit.")
        if what == "format()":
            raise TracingError(
                f"jit: cannot trace {self.fn_name}(): format() (an f-string's {{v:.3f}}) on "
                f"{describe(node)} needs its number, and {self.fn_name}() runs only once, to "
                f"trace, so a print inside it would show the first call's numbers only. Print "
                f"what the jitted call returns, or call {self.fn_name}() without jit.")
        raise TracingError(
            f"jit: cannot trace {self.fn_name}(): {what} on {describe(node)} needs its number, and "
            f"data-dependent Python control flow cannot be traced (the generated code would "
            f"take today's branch for every input). Branch inside the graph instead "
            f"(relu(), abs(), autograd.maximum()), or call {self.fn_name}() without jit.")


_DATA = Value.__dict__["data"]    # the slot itself (a member descriptor)
#: packages whose own reads of .data while tracing are the engine at work, not user code
_LIBRARY = frozenset(("autograd", "nn"))


class TracedValue(Value):
    """A node made while a function is traced (placeholders included).

    The same slots as :class:`Value`; only ``data`` is a property, which refuses
    a read from code outside ``autograd`` and ``nn`` while this thread traces:
    the number depends on the inputs, and a Python branch or constant made from
    it would be frozen into the generated code.  The engine's own reads (the op
    forwards, ``describe``) come from its modules and pass.  Plain Values keep
    the slot, so reading ``.data`` costs nothing more outside tracing; a traced
    node read after tracing pays one property call and one integer test.
    """

    __slots__ = ()

    @property
    def data(self) -> float:
        if recording.active:
            tracer = recording.current().tracer
            if tracer is not None and sys._getframe(1).f_globals.get(
                    "__name__", "").partition(".")[0] not in _LIBRARY:
                tracer.refuse(self, ".data")
        return _DATA.__get__(self, Value)

    @data.setter
    def data(self, value: float) -> None:
        _DATA.__set__(self, value)


def trace(fn, inputs, names, fn_name):
    """Call ``fn`` on placeholder Values holding ``inputs``; return the :class:`Graph`."""
    placeholders = [TracedValue(as_float(x, f"jit input {n!r} of {fn_name}()"), name=n)
                    for x, n in zip(inputs, names)]
    tracer = Tracer(fn_name)
    mode = recording.tracing(tracer)
    try:
        with mode:
            root = fn(*placeholders)
    finally:                 # a Ctrl-C as the trace ended must not leave it running
        mode.leave_if_in()
    if not isinstance(root, Value):
        raise TypeError(f"jit: {fn_name}() must return one Value, got {_returned(root)}")
    nodes = _traced_nodes(root, tracer.detached)
    graph = Graph(root, placeholders, nodes, tracer.detached, tracer.derivatives, tracer.order)
    graph.baked = tuple(tracer.baked.values()) + _closed_over_constants(graph, nodes,
                                                                        tracer.constants)
    return graph


def _closed_over_constants(graph, nodes, made):
    """The constant leaves of the trace that ``fn`` did not make (it closes over them:
    ``c = Value(2.0, kind="constant")`` outside it): the code holds their numbers as
    literals, so they are baked like a frozen parameter (traced again when one's
    ``.data`` changes)."""
    inside = set(map(id, made))
    leaves = itertools.chain(nodes, *(graph.parents(n) for n in graph.unused))
    found = {id(n): n for n in leaves if n._opr is CONSTANT and id(n) not in inside}
    return tuple(found.values())


def _returned(root):
    """What a traced function returned instead of one Value, and the likely fix."""
    kind = type(root).__name__
    if root is None:
        return "None (is its return statement missing?)"
    if isinstance(root, (list, tuple)) and any(isinstance(v, Value) for v in root):
        return (f"a {kind} of {len(root)} items (a network's outputs? a Value and something "
                f"more?): return one Value, such as out[0] or a loss of the outputs")
    if isinstance(root, (int, float)):
        return (f"{kind} {short_repr(root)}, a number: build the output from the inputs "
                f"with Value ops")
    return f"{kind} {short_repr(root)}"


def _traced_nodes(root, detached):
    """Every node of the trace, parents first, following the recorded parents of
    nodes made under no_grad()."""
    if not detached:
        return graph.all_nodes(root)
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        parents = detached[node][0] if node in detached else node._prev
        stack.extend((p, False) for p in reversed(parents) if p not in seen)
    return order


# ---------------------------------------------------------------------------
# Generated-code registry (linecache, for tracebacks and pdb)
# ---------------------------------------------------------------------------

_live_files: set[str] = set()


def _register(filename, source):
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _free_filename(wanted):
    """``wanted`` shown through :func:`printable` (a traceback prints it; compile()
    refuses a NUL), numbered when a live program has it."""
    wanted = printable(wanted)
    name, k = wanted, 2
    while name in _live_files:
        name, k = f"{wanted[:-1]}#{k}>", k + 1
    _live_files.add(name)
    return name


def _forget(filenames):
    for name in filenames:
        _live_files.discard(name)
        linecache.cache.pop(name, None)


def compile_source(source, name, function_name, namespace, owner, replacing=None):
    """Compile generated ``source`` under the file name ``<chainrule-jit:name>``,
    registered with linecache (tracebacks and pdb show its lines) until ``owner``
    is garbage collected, or until it is ``replacing`` in a later call; return
    ``(function, filename)``."""
    if replacing is not None:
        _forget([replacing])
    filename = _free_filename(f"<chainrule-jit:{name}>")
    _register(filename, source)
    weakref.finalize(owner, _forget, [filename])
    namespace = dict(namespace, __name__="autograd.jit.generated")
    exec(compile(source, filename, "exec"), namespace)
    return namespace[function_name], filename


class _Operand:
    """Stand-in for a node in an error message: its name, op and current number."""

    __slots__ = ("name", "data", "_opr")

    def __init__(self, node, data, local):
        # an unnamed node is called by its local name in the generated code
        named = node.name or (None if node._opr is CONSTANT else local)
        self.name, self.data, self._opr = named, data, node._opr


# ---------------------------------------------------------------------------
# The jitted callable
# ---------------------------------------------------------------------------

#: every live Jitted (see forget_traces); the lock: threads make them as others clear
_LIVE: weakref.WeakSet[Jitted] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def forget_traces(values: Iterable[Value] | None = None, *, frozen: bool = True) -> None:
    """Every live jitted function forgets its traces, so its next call traces ``fn``
    again; or, given the parameters ``values`` that nn has just frozen (or unfrozen,
    ``frozen=False``), those whose traces reach one of them change to the traces of the
    new freeze state (:meth:`Jitted._freeze_changed`): a trace through a network writes
    a frozen parameter as a literal and an unfrozen one as a parameter, so a trace from
    before the change would give the old one's numbers."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    if values is None:
        for jitted in live:
            jitted.clear()
        return
    changed = frozenset(values)
    for jitted in live:
        jitted._freeze_changed(changed, frozen)


class Jitted:
    """What :func:`jit` returns.

    ``f(*numbers)``                     output (float); adds ∂output/∂p to each parameter's .grad
    ``f(*numbers, input_grads=True)``   ``(output, (∂output/∂input_1, ...))`` and the same .grad update
    ``f.batch(samples, mean=False)``    Σ (or mean) of the output over samples (tuples of numbers),
                                        and its gradient; one generated loop, parameters read once
    ``f.forward(*numbers)``             output only, no gradient
    ``f.source``                        the generated code of ``f(...)`` (traced on the first call)
    ``f.program(kind, arity)``          the generated program of "step", "batch" or "forward"
    ``f.clear()``                       forget the traces (after replacing parameter objects)
    ``f.traces``                        how many times ``fn`` was traced

    One trace per number of inputs; each kind of call is generated on its first use.
    """

    _graphs: dict[int, Graph]
    _programs: dict[tuple[str, int, bool], Program]
    _by_file: dict[str, Program]
    _step: dict[int, Callable[..., Any]]
    _step_ig: dict[int, Callable[..., Any]]
    _batch: dict[int, Callable[..., Any]]
    _forward: dict[int, Callable[..., Any]]
    _last_arity: int | None

    def __init__(self, fn: Callable[..., Value], *, name: str | None = None,
                 input_names: InputNames = None, backend: str = "python") -> None:
        if not callable(fn):
            raise TypeError(f"jit: expected a function, got {type(fn).__name__} {short_repr(fn)}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"jit: name must be a str, got {type(name).__name__} {short_repr(name)}")
        self.fn = fn
        self.__name__ = name or getattr(fn, "__name__", "fn")
        self.__qualname__ = getattr(fn, "__qualname__", self.__name__)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn
        self._input_names = input_names
        if not isinstance(backend, str) or backend not in BACKENDS:
            raise ValueError(f"jit: backend must be one of {', '.join(map(repr, BACKENDS))}, "
                             f"got {short_repr(backend)}")
        if backend == "numpy":
            from . import jit_numpy  # noqa: F401  (raises an ImportError naming the extra)
        self.backend = backend
        #: for a jit_loss: its arguments, (model, loss, n_inputs, name, backend, n_targets),
        #: which a deep copy (of the model) and a pickle remake it from
        self._jit_loss_args: tuple[Any, ...] | None = None
        #: fn's signature, looked up by the first call with keywords (False: none)
        self._signature: inspect.Signature | Literal[False] | None = None
        self._filenames: list[str] = []
        weakref.finalize(self, _forget, self._filenames)
        self._traced = 0
        self.clear()
        with _LIVE_LOCK:
            _LIVE.add(self)

    def clear(self) -> None:
        """Forget every trace; the next call traces again."""
        self._drop_traces()
        for kept in getattr(self, "_shelf", {}).values():
            self._forget_files(kept)
        #: traces put aside for other freeze states (see :meth:`_freeze_changed`)
        self._shelf: dict[frozenset[Value], tuple[Any, ...]] = {}
        #: the leaves the traces reach (parameters, baked Values) and the baked ones
        self._reach: frozenset[Value] = frozenset()
        self._key: frozenset[Value] = frozenset()
        #: the last list of float tuples, its matrix and addresses: see _remembered_matrix
        self._rows_matrix: tuple[list[Any], Any, bytes | None] | None = None

    @property
    def traces(self) -> int:
        """How many times ``fn`` has been traced (each number of inputs, and again after
        a change a trace depends on): a test that a loop does not trace again."""
        return self._traced

    #: what one freeze state's traces are: saved and restored together
    _TRACE_STATE = ("_graphs", "_programs", "_by_file", "_step", "_step_ig", "_batch",
                    "_forward", "_baked", "_baked_numbers", "_last_arity", "_watched")
    #: the freeze states whose traces are kept aside
    _SHELF = 4

    def _freeze_changed(self, values: frozenset[Value], frozen: bool) -> None:
        """``values`` (parameters) were frozen, or unfrozen: if the traces reach one, put
        them aside for this freeze state and take up those kept for the new one (else
        the next call traces again).  A trace of a network holds its frozen parameters
        as literals, so it depends on which of the parameters it reaches are frozen: that
        set, with the other numbers it holds, keys the traces kept (the last ``_SHELF``),
        and a kept trace whose numbers have changed since is traced again as usual."""
        if self._reach.isdisjoint(values):
            return
        key = (self._key | (self._reach & values)) if frozen else self._key - values
        if key == self._key:
            return
        if self._graphs:
            self._shelf[self._key] = tuple(getattr(self, name) for name in self._TRACE_STATE)
            while len(self._shelf) > self._SHELF:
                self._forget_files(self._shelf.pop(next(iter(self._shelf))))
            self._by_file = {}     # (kept: not forgotten with the rest)
        self._drop_traces()
        kept = self._shelf.pop(key, None)
        if kept is not None:
            for name, saved in zip(self._TRACE_STATE, kept):
                setattr(self, name, saved)
        self._key = key

    def _forget_files(self, kept: tuple[Any, ...]) -> None:
        """Unregister the generated sources of traces ``kept`` aside, being dropped."""
        self._drop_files(kept[self._TRACE_STATE.index("_by_file")])

    def _drop_files(self, by_file: dict[str, Program]) -> None:
        """Unregister these programs' sources (linecache): traced again, a jitted function
        that changes its numbers at every step would keep every program it ever made."""
        if by_file:
            _forget(by_file)
            self._filenames[:] = [n for n in self._filenames if n not in by_file]

    def _drop_traces(self) -> None:
        """Forget the traces of the current freeze state (and their registered sources)."""
        self._drop_files(getattr(self, "_by_file", {}))
        self._graphs = {}      # arity -> Graph
        self._programs = {}    # (kind, arity, input_grads) -> Program
        self._by_file = {}     # filename -> Program
        self._step = {}        # arity -> generated function
        self._step_ig = {}
        self._batch = {}
        self._forward = {}
        #: the Values whose numbers the traces hold as literals, and those numbers
        self._baked: tuple[Value, ...] = ()
        self._baked_numbers = b""          # their bits (floats.literal_bits)
        self._last_arity = None
        self._watched: frozenset[Value] | None = None   # every traced graph's nodes (hooks)

    def _follow_baked(self) -> None:
        """Forget the traces if a number they hold as a literal has changed (a closed-over
        constant's, a frozen parameter's or a constant bias's ``.data`` set since, or a
        zero's sign): their bits compared."""
        if self._baked and literal_bits([v.data for v in self._baked]) != self._baked_numbers:
            self._drop_traces()

    def __copy__(self) -> Jitted:
        """A new jit of the same ``fn``, not traced yet: as a copy of a function is the
        function, it reads and adds to the same parameters as this one."""
        twin = type(self)(self.fn, name=self.__name__, input_names=self._input_names,
                          backend=self.backend)
        twin._jit_loss_args = self._jit_loss_args
        return twin

    def __deepcopy__(self, memo: dict[int, Any]) -> Jitted:
        """The jit of a deep copy of ``fn``, not traced yet: copy.deepcopy keeps a
        function as it is (and so the parameters it closes over) and copies a bound
        method's object; a :func:`jit_loss` is the one of a deep copy of its model (the
        copy made with it in one copy.deepcopy), as a numpy network program is.
        Copying the traced graphs instead gave calls of one kind the copied parameters
        and calls of another the originals."""
        if self._jit_loss_args is not None:
            model, *rest = self._jit_loss_args
            return _jit_loss_of(copy.deepcopy(model, memo), *rest)
        return Jitted(copy.deepcopy(self.fn, memo), name=self.__name__,
                      input_names=self._input_names, backend=self.backend)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as what defines it: ``fn`` (by module and name, a bound method by its
        object), or a :func:`jit_loss`'s model and loss; never the traces or generated
        code, so the unpickled one traces again on its first call.  Unpickled with its
        network (in one ``pickle.dumps``), a jit_loss is that network's, as a deep copy
        is; a module-level ``@jit`` function is the module's own, as a function is.
        A lambda or a nested function is refused, naming it."""
        if self._jit_loss_args is not None:
            model, loss = self._jit_loss_args[:2]
            _refuse_unpicklable(self, [("model", model), ("loss", loss)])
            return (_jit_loss_of, self._jit_loss_args)
        fn = self.fn
        if isinstance(fn, types.FunctionType) and \
                _by_name(fn.__module__, fn.__qualname__) is self:   # @jit at module level
            return (_module_level_jit, (fn.__module__, fn.__qualname__))
        _refuse_unpicklable(self, [("function", fn), ("input_names", self._input_names)])
        return (_jit_of, (fn, self.__name__, self._input_names, self.backend))

    def __repr__(self) -> str:
        if not self._graphs:
            return f"<jit {self.__name__}, nothing traced yet>"
        counts = " and ".join(map(str, sorted(self._graphs)))
        return f"<jit {self.__name__} traced for {counts} input{'' if counts == '1' else 's'}>"

    # -- calls (the hot path) ------------------------------------------------------

    @overload
    def __call__(self, *inputs: SupportsFloat, input_grads: Literal[False] = False,
                 **keywords: SupportsFloat) -> float: ...
    @overload
    def __call__(self, *inputs: SupportsFloat, input_grads: Literal[True],
                 **keywords: SupportsFloat) -> tuple[float, tuple[float, ...]]: ...

    def __call__(self, *inputs: SupportsFloat, input_grads: bool = False,
                 **keywords: SupportsFloat) -> float | tuple[float, tuple[float, ...]]:
        if keywords:
            inputs = self._positional(inputs, keywords)
        if not _FLOAT.issuperset(map(type, inputs)):
            inputs = self._numbers(inputs)
        if input_grads is not False and input_grads is not True:
            flag(input_grads, f"jit {self.__name__}(): input_grads")
        if self._baked:
            self._follow_baked()
        table = self._step_ig if input_grads else self._step
        code = table.get(len(inputs))
        if code is None:
            code = self._build("step", inputs, input_grads)
        if engine.hooks_registered:
            self.refuse_hooked()
        return self._run(code, inputs)

    def batch(self, samples: Iterable[Sequence[SupportsFloat]], *more: Any,
              mean: bool = False) -> float:
        """Σ over ``samples`` (each a tuple of numbers) of the output, or the mean;
        adds the gradient of that sum (or mean) to the parameters' ``.grad``.
        With the numpy backend ``samples`` may be a 2-d array, one row per sample.
        (``more``: refused, saying what to pass for ``.batch(X, Y)``.)"""
        if more:
            raise more_than_samples(f"jit {self.__name__}", more)
        if mean is not False and mean is not True:   # (no f-string per call)
            flag(mean, f"jit {self.__name__}.batch: mean")
        if self.backend == "numpy":
            return self._batch_numpy(samples, mean)
        if not listlike(samples):
            raise TypeError(f"jit {self.__name__}.batch: samples must be a list of tuples of "
                            f"numbers, got {type(samples).__name__} {short_repr(samples)}")
        rows: list[Any] = list(samples)
        if not rows:
            return no_samples(f"jit {self.__name__}", mean)
        arity = _length(rows[0], self.__name__, 1)
        try:   # (over one chain, in C: no generator that a Ctrl-C could find being closed)
            plain = _FLOAT.issuperset(map(type, itertools.chain.from_iterable(rows))) and \
                len(set(map(len, rows))) == 1
        except TypeError:      # a sample that is not a sequence: _rows names it
            plain = False
        if not plain:
            rows = self._rows(rows, arity)
        if self._baked:
            self._follow_baked()
        code = self._batch.get(arity)
        if code is None:
            code = self._build_batch("batch", rows[0])
        if engine.hooks_registered:
            self.refuse_hooked()
        n = len(rows)
        total = self._run(code, (rows, 1.0 / n if mean else 1.0))
        return total / n if mean else total

    def _batch_numpy(self, samples, mean):
        """batch() over a numpy matrix of samples (one row each)."""
        import numpy as np
        matrix = _sample_matrix(np, samples, self)
        n, arity = matrix.shape
        if n == 0:
            return no_samples(f"jit {self.__name__}", mean)
        if self._baked:
            self._follow_baked()
        code = self._batch.get(arity)
        if code is None:
            code = self._build_batch("numpy", tuple(matrix[0].tolist()))
        if engine.hooks_registered:
            self.refuse_hooked()
        try:
            total = self._run(code, (matrix, 1.0 / n if mean else 1.0))
        except (ArithmeticError, ValueError) as err:
            first = self._first_failing_sample(matrix)
            if first is None or str(first) == str(err):   # the same: keep its numpy line
                raise
            raise first from err
        return total / n if mean else total

    def _first_failing_sample(self, matrix):
        """The error of the first sample whose forward raises, run on floats sample by
        sample in order, naming the sample, or None.  The numpy program checks node by
        node over all samples, so it can meet a later sample failing at an earlier node
        first; eager, one sample after another, raises for the first sample that fails
        (an error path only: the happy path pays nothing)."""
        for i, row in enumerate(matrix.tolist(), 1):
            try:
                self.forward(*row)
            except (ArithmeticError, ValueError) as err:
                named = in_sample(err, i)
                for note in getattr(err, "__notes__", ()):
                    engine.add_note(named, note)
                return named
        return None

    def _numbers(self, inputs, sample=None, arity=None, names=None):
        """The inputs as floats, checked like eager Values check theirs: one TypeError
        naming the argument (and the sample) for a bool, complex, str, array or Value.
        ``names``: the placeholder names, when the caller has them already."""
        where = f"{self.__name__}()" + (f" batch sample {sample}" if sample is not None else "")
        _length(inputs, self.__name__, sample)
        inputs = tuple(inputs)
        if recording.active and sample is None:
            self._refuse_in_trace(inputs)
        if arity is not None and len(inputs) != arity:
            raise TypeError(f"jit {where}: {len(inputs)} number(s), but the samples before it "
                            f"have {arity}")
        if names is None:
            names = self._names(len(inputs)) if len(inputs) else []
        return tuple(as_float(x, f"jit input {name!r} of {where}")
                     for x, name in zip(inputs, names))

    def _positional(self, inputs, keywords):
        """``inputs`` and ``keywords`` as the numbers in ``fn``'s positional parameters,
        in order, as ``fn(*inputs, **keywords)`` binds them (a parameter skipped before
        one given by name gets its default, which must be a number); the generated code
        takes numbers by position.  A one-line TypeError naming the jitted function and
        the keywords when they cannot be bound so."""
        signature = self._signature
        if signature is None:
            try:
                signature = inspect.signature(self.fn, follow_wrapped=False)
            except (TypeError, ValueError):
                signature = False
            self._signature = signature
        name = self.__name__
        given = ", ".join(f"{k}=" for k in keywords)
        where = f"jit {name}(): keyword argument{'s' if len(keywords) > 1 else ''} {given}"
        if self._jit_loss_args is not None:
            n = self._jit_loss_args[2]
            raise TypeError(f"{where}: a jit_loss takes its numbers by position only, "
                            f"{name}(x1{', ...' if n > 2 else ''}{f', x{n}' if n > 1 else ''}, "
                            f"then the targets)")
        if signature is False:
            raise TypeError(f"{where}: {name}() has no signature to bind keywords to; pass "
                            f"the numbers by position")
        try:
            bound = signature.bind(*inputs, **keywords)
        except TypeError as err:
            raise TypeError(f"{where} do{'es' if len(keywords) == 1 else ''} not fit "
                            f"{name}{signature} ({err}); pass the numbers by position or by "
                            f"its parameters' names") from None
        numbers = list(bound.args)
        if bound.kwargs:
            named = dict(bound.kwargs)
            for p in list(signature.parameters.values())[len(numbers):]:
                if not named or p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                    break
                if p.name in named:
                    numbers.append(named.pop(p.name))
                elif isinstance(p.default, (int, float)) and not isinstance(p.default, bool):
                    numbers.append(p.default)
                else:
                    raise TypeError(f"{where}: {p.name}, which comes before, was not given "
                                    f"and its default {short_repr(p.default)} is not a number; "
                                    f"pass {p.name} too")
            if named:
                key = next(iter(named))
                raise TypeError(f"{where}: {key} is not a positional parameter of "
                                f"{name}{signature}, and the jit passes the numbers by "
                                f"position; make {key} positional")
        return tuple(numbers)

    def _refuse_in_trace(self, inputs):
        """TracingError when called on a Value while another function is traced: it
        should call this one's plain function, which the trace follows."""
        tracer = recording.current().tracer
        value = next((x for x in inputs if isinstance(x, Value)), None)
        if tracer is not None and value is not None:
            raise TracingError(
                f"jit {self.__name__}() called with the Value {describe(value)} while "
                f"{tracer.fn_name}() is traced: a jitted function takes numbers; inside "
                f"{tracer.fn_name}() call {self.__name__}.__wrapped__(...), the plain "
                f"function, and the trace follows it")

    def _rows(self, samples, arity):
        """Every sample as a tuple of floats, checked as :meth:`_numbers` checks one
        (the placeholder names looked up once, not per sample)."""
        if _plain_numbers(samples) is not None:
            try:
                return [tuple(map(float, s)) for s in samples]
            except OverflowError:   # an int too large for a float: the checked path names it
                pass
        names = self._names(arity) if arity else []
        return [self._numbers(floats.detached(s), i, arity, names)
                for i, s in enumerate(samples, 1)]

    def refuse_hooked(self) -> None:
        """RuntimeError when a node of the generated code (a parameter, a constant, a
        node made before the trace and computed through) has a hook: what a call
        refuses before it runs."""
        if self._watched is None:
            self._watched = frozenset(n for graph in self._graphs.values()
                                      for n in graph.watched)
        refuse_hooked(f"jit {self.__name__}", self._watched)

    def _run(self, code, args):
        """Call generated code on the tuple ``args``; an arithmetic error is re-raised
        as the eager engine's error for the node whose line failed."""
        try:
            return code(*args)
        except (ArithmeticError, ValueError) as exc:
            better = self._explain(exc)
            if better is None:
                raise
            raise better from exc
        except TypeError as exc:    # w.grad = None: no gradient was added; say whose
            bad = engine.first_bad_grad(p for graph in self._graphs.values()
                                        for p in graph.parameters)
            if bad is None:
                raise
            raise engine.bad_grad_error(bad, f"jit {self.__name__}()") from exc

    def forward(self, *inputs: SupportsFloat, **keywords: SupportsFloat) -> float:
        """The output only: no gradient, parameters' ``.grad`` untouched."""
        if keywords:
            inputs = self._positional(inputs, keywords)
        if not _FLOAT.issuperset(map(type, inputs)):
            inputs = self._numbers(inputs)
        if self._baked:
            self._follow_baked()
        code = self._forward.get(len(inputs))
        if code is None:
            code = self._build("forward", inputs, False)
        return self._run(code, inputs)

    def trace(self, *inputs: SupportsFloat, input_grads: bool = False,
              **keywords: SupportsFloat) -> Jitted:
        """Trace and generate ``f(*inputs)`` without running it; returns self."""
        if keywords:
            inputs = self._positional(inputs, keywords)
        self._build("step", inputs, flag(input_grads, f"jit {self.__name__}.trace: input_grads"))
        return self

    # -- reading the generated code -----------------------------------------------------

    @property
    def source(self) -> str:
        """The generated source of ``f(...)`` for the last number of inputs traced."""
        return self.program().source

    @property
    def parameters(self) -> Sequence[Value]:
        """The parameter Values of the last trace (those whose ``.grad`` receives gradients)."""
        return self.program().parameters

    def program(self, kind: str = "step", arity: int | None = None,
                input_grads: bool = False) -> Program:
        """The :class:`autograd.jit_emit.Program` of a kind of call ("step", "batch", "forward",
        "numpy")."""
        if kind not in KINDS:
            raise ValueError(f"jit {self.__name__}.program: kind must be one of "
                             f"{', '.join(map(repr, KINDS))}, got {short_repr(kind)}")
        self._follow_baked()
        if arity is None:
            arity = self._last_arity
        if arity is None and self._traced:
            raise RuntimeError(
                f"jit {self.__name__}: no trace now: the last was dropped (by clear(), by a "
                f"freeze() or unfreeze() of a parameter it reaches, or as a number it held as a "
                f"literal changed: a constant it closes over, a frozen parameter, a constant "
                f"bias); call it again or use .trace(*example_inputs)")
        if arity is None:
            raise RuntimeError(
                f"jit {self.__name__}: nothing traced yet; call it once or use "
                f".trace(*example_inputs) first")
        key = (kind, arity, input_grads and kind == "step")
        if key not in self._programs:
            graph = self._graphs.get(arity)
            if graph is None:
                raise RuntimeError(f"jit {self.__name__}: not traced for {arity} inputs")
            self._generate(kind, graph, key)
        program = self._programs[key]
        _register(program.filename, program.source)
        return program

    # -- tracing and generating -------------------------------------------------------

    def _build(self, kind, inputs, input_grads):
        self._follow_baked()
        arity = len(inputs)
        graph = self._graphs.get(arity)
        if graph is None:
            _refuse_width(self.fn, arity, self.__name__)
            names = self._names(arity)
            graph = self._graphs[arity] = trace(self.fn, inputs, names, self.__name__)
            self._traced += 1
            if graph.baked:
                known = dict(zip(map(id, self._baked), self._baked))
                known.update(zip(map(id, graph.baked), graph.baked))
                self._baked = tuple(known.values())
                self._baked_numbers = literal_bits([v.data for v in self._baked])
            self._key = frozenset(self._baked)
            self._reach = self._reach.union(graph.parameters, graph.read_only, graph.baked)
        key = (kind, arity, bool(input_grads) and kind == "step")
        function = self._generate(kind, graph, key)
        table = {"step": self._step_ig if key[2] else self._step, "batch": self._batch,
                 "numpy": self._batch, "forward": self._forward}[kind]
        table[arity] = function
        if kind == "step":
            self._last_arity = arity
        elif self._last_arity is None:
            self._last_arity = arity
        return function

    def _build_batch(self, kind, first):
        """``_build`` of a batch program, traced on the first sample: an error of the
        eager engine on its numbers names it, as the compiled batch names a sample."""
        try:
            return self._build(kind, first, False)
        except (ArithmeticError, ValueError) as err:
            raise in_sample(err, 1).with_traceback(err.__traceback__) from None

    def _generate(self, kind, graph, key):
        # code generation makes strings, not cycles; collector_paused restores the
        # collector whatever stops it (a with block's __exit__ can be stopped by Ctrl-C)
        return engine.collector_paused(self._generate_now, kind, graph, key)

    def _generate_now(self, kind, graph, key):
        helpers = HELPERS
        if kind == "numpy":
            from .jit_numpy import HELPERS as helpers, generate_numpy
            program = generate_numpy(graph, self.__name__)
        else:
            program = generate(graph, self.__name__, kind, key[2])
        suffix = {"step": "[input_grads]" if key[2] else "", "batch": "[batch]",
                  "numpy": "[numpy]", "forward": "[forward]"}[kind]
        if len(self._graphs) > 1:
            suffix += f"/{key[1]}"
        program.filename = _free_filename(f"<chainrule-jit:{self.__name__}{suffix}>")
        self._filenames.append(program.filename)
        _register(program.filename, program.source)
        namespace = dict(helpers, PARAMETERS=program.parameters, __name__="autograd.jit.generated",
                         **getattr(program, "namespace", {}))
        exec(compile(program.source, program.filename, "exec"), namespace)
        function = program.function = namespace[program.name]
        self._programs[key] = program
        self._watched = None
        self._by_file[program.filename] = program
        return function

    def _names(self, arity):
        """Placeholder names: from ``input_names`` or ``fn``'s signature."""
        given = self._input_names
        if callable(given):
            names = list(given(arity))
        elif given is not None:
            names = list(given)
        else:
            names = _names_from_signature(self.fn, arity)
        if len(names) < arity:
            raise TypeError(f"jit {self.__name__}: {arity} inputs but only names {names}")
        bad = next((n for n in names if not isinstance(n, str)), None)
        if bad is not None:
            raise TypeError(f"jit {self.__name__}: input_names must be strs, got "
                            f"{type(bad).__name__} {short_repr(bad)}")
        return names[:arity]

    # -- errors ----------------------------------------------------------------------

    def _explain(self, exc):
        """The eager engine's error for the node whose generated line raised ``exc``."""
        hit = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename in self._by_file:
                hit = tb
            tb = tb.tb_next
        if hit is None:
            return None
        filename, lineno = hit.tb_frame.f_code.co_filename, hit.tb_lineno
        program = self._by_file[filename]
        _register(filename, program.source)
        info = program.lines.get(lineno)
        code = linecache.getline(filename, lineno).strip()
        if code.startswith("check("):   # the numpy backend's check: show the line it checks
            lineno -= 1
            code = linecache.getline(filename, lineno).strip()
        where = f"in jit-compiled {self.__name__}(), {filename} line {lineno}: {code}"
        local = hit.tb_frame.f_locals
        if info is None:
            return _noted(_in_sample(type(exc)(str(exc)), program, local), where)
        node = info.node
        program_graph = self._graphs.get(len(program.input_names))
        parents = program_graph.parents(node) if program_graph is not None else node._prev
        op = program_graph.op(node) if program_graph is not None else node._opr
        values = [p.data if p._opr is CONSTANT else local.get(src, p.data)
                  for p, src in zip(parents, info.operands)]
        operands = [_Operand(p, v, src) for p, v, src in zip(parents, values, info.operands)]
        if info.phase == "forward" and op.forward is not None:
            try:
                op.forward(*values)
            except (ArithmeticError, ValueError) as eager:
                return _noted(_in_sample(op.error(eager, operands), program, local), where)
        described = ", ".join(describe(o) for o in operands)
        itself = _Operand(node, local.get(info.target, node.data), info.target)
        return _noted(_in_sample(type(exc)(f"{info.phase} of {op.name} node {describe(itself)}: "
                                           f"{exc} (operands {described})"), program, local),
                      where)


class _CheckedLoss(Jitted):
    """A :func:`jit_loss` whose loss refuses some samples by their numbers (nn's
    binary cross-entropy: a target outside [0, 1], an output that is not a sigmoid
    node outside (0, 1)), which the generated code, traced on one sample, cannot
    check.  Before ``.batch`` runs the code, ``targets_ok`` looks at every target at
    once; when it says no, or the code raises (ln of an output <= 0), the loss runs
    eagerly, sample by sample, and the first error is raised as eager gives it,
    naming the sample; nothing was added to any ``.grad``.  A jit_loss without
    ``targets_ok`` is a plain :class:`Jitted`: it pays nothing for this.  (A single
    call, ``step(x, y)``, is not checked: on a small network any check in Python
    costs a third of the call.)"""

    def batch(self, samples: Iterable[Sequence[SupportsFloat]], *more: Any,
              mean: bool = False) -> float:
        if more or self.backend != "python" or not listlike(samples):
            return Jitted.batch(self, samples, *more, mean=mean)   # (its refusals)
        rows: list[Any] = list(samples)
        _, _, n_inputs, _, _, n_targets, targets_ok = self._jit_loss_args  # type: ignore[misc]
        try:      # the numbers as given (Jitted.batch converts them, or refuses them)
            widths = set(map(len, rows))
            width = len(rows[0]) - n_inputs if len(widths) == 1 else 0
            if width > 0 and width == (n_targets or width):   # (else: refused as ever)
                numbers = list(itertools.chain.from_iterable(
                    map(operator.itemgetter(slice(n_inputs, None)), rows)))
                ok = targets_ok(numbers, width)
            else:
                ok = True
        except (TypeError, ValueError):
            ok = True
        if not ok:
            self._raise_eager(rows, True, None)
        try:
            return Jitted.batch(self, rows, mean=mean)
        except (ArithmeticError, ValueError) as err:
            self._raise_eager(rows, True, err)
            raise

    def _raise_eager(self, rows, batch, cause):
        """Raise the error of the first sample that raises when the traced function
        runs eagerly on it (the model and the loss on numbers: no backward), naming it
        in a batch; return if none raises."""
        for i, row in enumerate(rows, 1):
            try:
                self.fn(*row)
            except (ArithmeticError, ValueError) as err:
                found = in_sample(err, i) if batch else err
                break
        else:
            return
        try:
            raise found from cause
        finally:         # no cycle through this frame: the jit goes when its owner does
            del found


def _in_sample(err: BaseException, program: Any, local: dict[str, Any]) -> BaseException:
    """``err`` naming the sample a batch program failed on, as the numpy backend names
    it: the first sample whose inputs are the ones it was running (the same inputs
    fail alike).  Other programs' errors are returned as they are."""
    if program.kind != "batch":
        return err
    row = tuple(local.get(name) for name in program.input_names)
    i = next((i for i, s in enumerate(local.get("samples", ()), 1) if tuple(s) == row), None)
    if i is None:
        return err
    return in_sample(err, i)


def _noted(err: BaseException, where: str) -> BaseException:
    """``err`` with the generated line that raised it as a note (the message stays
    one line)."""
    engine.add_note(err, where)
    return err


def refuse_hooked(where: str, nodes: frozenset[Value]) -> None:
    """RuntimeError naming a node of ``nodes`` (the parameters and other nodes compiled
    code reads) that has a hook: compiled code (either backend) adds gradients without
    running hooks, which backward() runs."""
    node = engine.first_hooked(nodes)
    if node is not None:
        raise RuntimeError(
            f"{where}: {describe(node)} has a hook (register_hook), and compiled code runs "
            f"no hooks; take it off (the handle's remove()) or use backward() without the jit")


def _sample_matrix(np, samples, jitted):
    """``samples`` as a float64 matrix, one row per sample; bools, complex numbers,
    strings and ragged rows refused like the scalar batch refuses them."""
    if isinstance(samples, np.ndarray):
        matrix = samples
    else:
        if not listlike(samples):
            raise TypeError(f"jit {jitted.__name__}.batch: samples must be a 2-d array or a "
                            f"list of tuples of numbers, got {type(samples).__name__}")
        rows = samples if type(samples) is list else list(samples)
        matrix = _remembered_matrix(np, rows, jitted)
        if matrix is not None:
            return matrix
        width = _plain_numbers(rows) if rows else None
        if width is not None:
            try:
                return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64,
                                   count=len(rows) * width).reshape(len(rows), width)
            except OverflowError:   # an int too large for a float: checked below, named
                pass
        arity = _length(rows[0], jitted.__name__, 1) if rows else 0
        for i, row in enumerate(rows, 1):
            if _length(row, jitted.__name__, i) != arity:
                raise TypeError(f"jit {jitted.__name__}.batch sample {i}: {len(row)} "
                                f"number(s), but the samples before it have {arity}")
        matrix = np.array(rows, dtype=object) if rows else np.zeros((0, 0))
    if matrix.ndim != 2:
        one = "; one input per sample: samples.reshape(-1, 1)" if matrix.ndim == 1 else ""
        raise TypeError(f"jit {jitted.__name__}.batch: samples must be 2-d (one row per "
                        f"sample), got an array of shape {matrix.shape}{one}")
    if matrix.dtype.kind in "fiu":
        return np.asarray(matrix, dtype=np.float64)
    # anything else is checked number by number, naming the sample and the argument
    arity = matrix.shape[1]
    names = jitted._names(arity) if arity else []
    checked = [jitted._numbers(tuple(row), i, arity, names) for i, row in enumerate(matrix, 1)]
    return np.array(checked, dtype=np.float64).reshape(matrix.shape)


def _remembered_matrix(np, rows, jitted):
    """The float matrix of ``rows`` when they are tuples of Python floats, else None.

    The last such list is remembered (a copy of its references, and the matrix, made
    read-only): called again with the very same tuple objects in the same order, which
    are immutable and hold only floats, the matrix is reused after one identity test of
    the whole list (:func:`autograd.identity.same_objects`: its array of addresses
    compared with the last one's); a row replaced, added or removed converts again.
    The matrix is made from that copy, so a row another thread replaces meanwhile is
    not remembered with the numbers of the one before it.
    Rows that are lists (mutable) are converted on every call."""
    held = jitted._rows_matrix
    if held is not None and same_objects(rows, held[0], held[2]):
        return held[1]
    if not rows:
        return None
    from .jit_numpy import float_rows
    first = rows[0]
    if type(first) is tuple:   # converted from the copy kept: another thread may change rows
        rows = rows[:]
        first = rows[0]
    matrix = float_rows(rows, len(first)) if type(first) in (tuple, list) else None
    if matrix is None:
        return None
    if type(first) is tuple:   # and so is every row (float_rows checked)
        matrix.flags.writeable = False
        jitted._rows_matrix = (rows, matrix, addresses(rows))
    return matrix


def _refuse_width(fn, arity, fn_name):
    """TypeError naming ``fn``'s parameters when it cannot take ``arity`` numbers (before
    the trace calls it: its own error would name neither the jit nor the width)."""
    try:
        signature = inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):     # no signature (a builtin): the call will say
        return
    try:
        signature.bind(*range(arity))
    except TypeError as err:
        raise TypeError(f"jit {fn_name}(): {counted(arity, 'number')} given, "
                        f"but {fn_name}{signature} takes {_takes(signature)} ({err})"
                        f"{_width_hint(signature, fn_name)}") from None


def _takes(signature):
    """How many positional arguments ``signature`` takes: "2", "1 to 2", "at least 1"."""
    positional = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = sum(p.default is p.empty for p in positional)
    if any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values()):
        return f"at least {required}"
    return str(required) if required == len(positional) else f"{required} to {len(positional)}"


def _width_hint(signature, fn_name):
    """The likely fix when a jitted function cannot take its numbers: a method (self)
    or a keyword-only parameter without a default."""
    parameters = list(signature.parameters.values())
    if parameters and parameters[0].name == "self":
        return (f"; for a method, jit the bound method, jit(model.{fn_name}), not the "
                f"function in the class")
    keyword = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if keyword:
        return f"; the numbers go in by position, so give {keyword[0]} a default or make it positional"
    return ""


def _names_from_signature(fn, arity):
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        parameters = ()
    names, star = [], "x"
    for p in parameters:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            star = p.name
    extra = (f"{star}{k}" for k in itertools.count(1))
    while len(names) < arity:
        names.append(next(extra))
    return names

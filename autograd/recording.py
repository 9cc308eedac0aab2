"""How new nodes are recorded: ``no_grad``, ``enable_grad``, ``detect_anomaly``,
jit tracing and the command line's script capture.

The state is one immutable :class:`Recording` per thread (a
``contextvars.ContextVar``), read at the one place nodes are made
(:func:`autograd.value.make`).  A mode is a context manager that sets a new
state on entry and puts the previous one back on exit, so modes nest, a
mode entered in one thread never changes what another thread records, and
any interleaving of enters and exits across threads leaves every thread as
it was.  Nothing here patches another module or ``Value``.

``active`` counts the modes entered and not yet left in all threads: while
it is 0, making a node costs one integer test and no ContextVar lookup.  A
mode is entered and left with Ctrl-C held (:mod:`autograd.interrupts`), so an
interrupt never leaves a thread in a mode, nor the count off by one.
"""

import contextvars
import functools
import threading
from math import isfinite

from .interrupts import deferred_interrupts
from .ops import DETACHED, describe

__all__ = ["Recording", "current", "no_grad", "enable_grad", "detect_anomaly",
           "is_grad_enabled", "anomaly_enabled", "Mode", "baked", "made_constant"]


class Recording:
    """One thread's recording state (immutable; a mode makes a new one).

    grad_enabled  False inside ``no_grad()``: new nodes get no parents
    anomaly       True inside ``detect_anomaly()``: a non-finite value raises
    tracer        the jit's tracer while a function is being traced, else None
    capture       the command line's script capture, else None
    """

    __slots__ = ("grad_enabled", "anomaly", "tracer", "capture")

    def __init__(self, grad_enabled=True, anomaly=False, tracer=None, capture=None):
        self.grad_enabled = grad_enabled
        self.anomaly = anomaly
        self.tracer = tracer
        self.capture = capture

    def replace(self, **changes):
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return Recording(**fields)

    def __repr__(self):
        return (f"Recording(grad_enabled={self.grad_enabled}, anomaly={self.anomaly}, "
                f"tracing={self.tracer is not None}, capture={self.capture is not None})")


PLAIN = Recording()
_state = contextvars.ContextVar("chainrule_recording", default=PLAIN)
_lock = threading.Lock()
#: modes entered and not yet exited, over all threads (a hint for the fast path)
active = 0

#: this thread's :class:`Recording`
current = _state.get


def _enter(state):
    global active
    with _lock:
        active += 1
    return _state.set(state)


def _exit(token):
    global active
    try:
        _state.reset(token)
    finally:
        with _lock:
            active -= 1


class Mode:
    """Base of the recording modes: ``with mode():``, or ``@mode()`` on a function.

    A subclass says how it changes the state in :meth:`changes`.  One object
    can be entered again after it has been left, and several threads may use
    one object at once: each entry keeps its own token.
    """

    def __init__(self):
        self._tokens = threading.local()

    def changes(self, state):
        """The new state inside this mode, from the state outside."""
        raise NotImplementedError

    def __enter__(self):
        stack = getattr(self._tokens, "stack", None)
        if stack is None:
            stack = self._tokens.stack = []
        depth = len(stack)
        try:
            with deferred_interrupts():       # entered whole, or not at all
                stack.append(_enter(self.changes(current())))
        except KeyboardInterrupt:             # Ctrl-C while entering: leave again
            with deferred_interrupts():
                if len(stack) > depth:
                    _exit(stack.pop())
            raise
        return self

    def __exit__(self, *exc):
        stack = self._tokens.stack
        entry = stack[-1]
        try:
            with deferred_interrupts():       # left whole (Ctrl-C waits for it)
                _exit(stack.pop())
        except KeyboardInterrupt:             # Ctrl-C before the block could hold it
            self.leave_if_in(entry)
            raise
        return False

    def leave_if_in(self, entry=None):
        """Leave this mode if this thread is still in it (its latest entry, or
        ``entry``): after a Ctrl-C that came before ``__exit__`` could hold it."""
        stack = getattr(self._tokens, "stack", None)
        if stack and (entry is None or stack[-1] is entry):
            with deferred_interrupts():
                _exit(stack.pop())

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(Mode):
    """Inside, operations compute ``data`` but record no parents: results are
    numbers with no graph behind them (their kind is "detached").

    Use it for parameter updates and for evaluation::

        with autograd.no_grad():
            w.data -= lr * w.grad
    """

    def changes(self, state):
        return state.replace(grad_enabled=False)


class enable_grad(Mode):
    """Inside, operations record the graph again, even within ``no_grad()``."""

    def changes(self, state):
        return state.replace(grad_enabled=True)


class detect_anomaly(Mode):
    """Inside, the first node whose data or gradient is NaN or ±inf raises
    FloatingPointError naming the node, its op and its parents.

    Off by default: like PyTorch, plain mode lets NaN and inf flow.
    """

    def changes(self, state):
        return state.replace(anomaly=True)


class tracing(Mode):
    """While the jit traces a function: asking a Value for its number raises,
    nodes are recorded even inside an enclosing ``no_grad()``, and the tracer
    sees every node made (including those made under ``no_grad()`` inside the
    traced function)."""

    def __init__(self, tracer):
        super().__init__()
        self.tracer = tracer

    def changes(self, state):
        ran_compiled(state)
        return state.replace(grad_enabled=True, tracer=self.tracer)

    def __call__(self, fn):  # pragma: no cover - used as a context manager only
        raise TypeError("tracing is a context manager")


#: the captures of :class:`capturing` modes entered and not yet left, in any thread
open_captures: list = []


class capturing(Mode):
    """While the command line runs a script: its first ``backward()`` is caught
    (in this thread; one in a thread the script started is only noted:
    :func:`backward_elsewhere`)."""

    def __init__(self, capture):
        super().__init__()
        self.capture = capture

    def __enter__(self):
        open_captures.append(self.capture)
        try:
            return super().__enter__()
        except BaseException:
            open_captures.remove(self.capture)
            raise

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        finally:
            open_captures.remove(self.capture)

    def changes(self, state):
        return state.replace(capture=self.capture)

    def __call__(self, fn):  # pragma: no cover - used as a context manager only
        raise TypeError("capturing is a context manager")


def backward_elsewhere():
    """A ``backward()`` outside every capture, while a capture is open in another thread:
    tell those captures (the script ran backward() in a thread it started)."""
    for capture in list(open_captures):
        capture.threaded = True


def ran_compiled(state=None):
    """Tell the command line's script capture (if this thread has one) that compiled
    code ran: it builds no graph, so the script may never call ``backward()``."""
    capture = (state or current()).capture
    if capture is not None:
        capture.compiled = True


def stepped_by_hand(node):
    """Tell the command line's script capture (if this thread has one) that the script
    ran the chain rule by hand, ``node._backward()`` (micrograd's lecture): the first
    such node is kept, for the words when the script never calls ``backward()``."""
    capture = current().capture
    if capture is not None and capture.by_hand is None:
        capture.by_hand = node


def is_grad_enabled():
    """False inside ``no_grad()`` (in this thread)."""
    return current().grad_enabled


def anomaly_enabled():
    """True inside ``detect_anomaly()`` (in this thread)."""
    return current().anomaly


def baked(value):
    """``value``'s number, for a constant node that stands for it (a frozen
    parameter, a constant bias); while this thread traces, the tracer remembers
    ``value``, so the jitted code is traced again once ``value.data`` changes."""
    if active:
        tracer = current().tracer
        if tracer is not None:
            tracer.baked[id(value)] = value
    return value.data


def made_constant(node):
    """A constant leaf was made while some mode is active: while this thread traces,
    the tracer notes it as made inside the trace (a literal of the traced function),
    unlike a constant the function closes over, whose number can change later."""
    tracer = current().tracer
    if tracer is not None:
        tracer.constants.append(node)


def record(node):
    """The slow path of node creation, taken while some mode is active anywhere.

    Checks this thread's state: anomaly mode refuses a non-finite value, the
    tracer sees the node, and under ``no_grad()`` the node loses its parents
    (its op becomes ``detached``).
    """
    state = current()
    if state is PLAIN:
        return
    if state.anomaly and not isfinite(node.data):
        parents = ", ".join(describe(p) for p in node._prev)
        raise FloatingPointError(
            f"detect_anomaly: {node._opr.name} produced {node.data!r} from {parents}")
    if state.tracer is not None:
        state.tracer.made(node, state.grad_enabled)
    if not state.grad_enabled:
        node._prev = ()
        node._opr = DETACHED

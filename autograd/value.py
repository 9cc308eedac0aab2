"""Value: one scalar node of a computation graph.

A Value holds a number (``data``), the gradient d(root)/d(node) that the last
backward pass gave it (``grad``), an optional ``name``, the tuple of nodes it
was computed from (``parents``) and the shared op record that says how
(``op``).  The dunder methods only build nodes: they compute the output number
and record ``(parents, op)``.  Derivatives live in :mod:`autograd.ops`, the
backward pass in :mod:`autograd.engine`.
"""

import math
import operator

from . import engine, ops
from .ops import (
    ABS, ADD, CONSTANT, DIV, DOT, EXP, LEAF, LOG, MUL, NEG, PARAMETER, POW, RELU,
    SIGMOID, SQRT, SUB, SUM, TANH, describe,
)

__all__ = ["Value", "dot", "sum_values"]

_new = object.__new__
_mul = operator.mul
_data_of = operator.attrgetter("data")

_LEAF_KINDS = {"leaf": LEAF, "parameter": PARAMETER, "constant": CONSTANT}

#: False while a mode (no_grad, detect_anomaly) needs the slow path in _make
_plain = True
#: set by autograd.modes: called with each new node when _plain is False
_slow_hook = None


def as_float(x, what="Value"):
    """``x`` as a float, or a TypeError naming what was received.

    Accepts int, float and anything with ``__float__`` (numpy scalars).
    Rejects bool (True + Value is almost always a bug), str, None, complex
    and containers.
    """
    cls = x.__class__
    if cls is float:
        return x
    if cls is int:
        return float(x)
    if isinstance(x, (bool, str, bytes, complex)) or not hasattr(x, "__float__"):
        raise TypeError(
            f"{what} needs a real number (int, float or anything with __float__), "
            f"got {cls.__name__} {x!r}")
    return float(x)


def _constant(x):
    """A plain number used in an expression becomes a constant leaf node."""
    cls = x.__class__
    if cls is float or cls is int:
        out = _new(Value)
        out.data = float(x)
        out.grad = 0.0
        out.name = None
        out._prev = ()
        out._op = CONSTANT
        return out
    try:
        data = as_float(x)
    except TypeError:
        return NotImplemented
    return Value(data, kind="constant")


def _make(data, prev, op):
    """A new derived node: output ``data`` computed by ``op`` from ``prev``."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.name = None
    out._prev = prev
    out._op = op
    if not _plain:
        _slow_hook(out)
    return out


def _reflected(method):
    """``number <op> value``: the number becomes a constant node on the left."""
    def reflected(self, other):
        other = _constant(other)
        if other is NotImplemented:
            return NotImplemented
        return method(other, self)
    reflected.__name__ = method.__name__.replace("__", "__r", 1)
    return reflected


class Value:
    """A scalar node: ``data``, ``grad``, ``name``, ``parents``, ``op``.

    >>> w = Value(0.5, name="w1")
    >>> y = (w * 2.0 + 1.0).sigmoid()
    >>> y.backward()
    >>> round(w.grad, 6)
    0.209987

    Equality and hashing are by identity: a Value is a node, not a number.
    Compare numbers with ``<``, ``<=``, ``>``, ``>=`` (they compare ``data``)
    or read ``.data``.
    """

    __slots__ = ("data", "grad", "name", "_prev", "_op")

    def __init__(self, data, name=None, *, kind="leaf"):
        """A leaf node.  ``kind`` is "leaf" (default), "parameter" or "constant";
        it only changes how a node is drawn and described."""
        if isinstance(data, Value):
            raise TypeError(
                f"Value() got a Value ({describe(data)}): use it directly to keep it in the "
                f"graph, or Value(v.data) for a new leaf that cuts the graph there")
        self.data = as_float(data)
        self.grad = 0.0
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Value name must be a str, got {type(name).__name__} {name!r}")
        self.name = name
        self._prev = ()
        try:
            self._op = _LEAF_KINDS[kind]
        except (KeyError, TypeError):
            raise ValueError(
                f"Value kind must be one of {sorted(_LEAF_KINDS)}, got {kind!r}") from None

    # -- reading a node ----------------------------------------------------

    @property
    def parents(self):
        """The nodes this one was computed from, in argument order (``a*a`` gives ``(a, a)``)."""
        return self._prev

    @property
    def op(self):
        """The op record (:class:`autograd.ops.Op`) that produced this node."""
        return self._op

    @property
    def is_leaf(self):
        return self._op.backward is None

    @property
    def kind(self):
        """"parameter", "leaf", "constant" or "derived"."""
        op = self._op
        return op.name if op.backward is None else "derived"

    def named(self, name):
        """Give this node a name and return it: ``h = (x*w1 + b1).sigmoid().named("h")``."""
        if not isinstance(name, str):
            raise TypeError(f"Value name must be a str, got {type(name).__name__} {name!r}")
        self.name = name
        return self

    def __repr__(self):
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self._op.backward is not None:
            parts.append(f"op={self._op.name!r}")
        elif self._op is not LEAF:
            parts.append(f"kind={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self):
        return self.data

    # -- arithmetic (hot path: add and mul are written out in full) ---------

    def __add__(self, other):
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        out = _new(Value)
        out.data = self.data + other.data
        out.grad = 0.0
        out.name = None
        out._prev = (self, other)
        out._op = ADD
        if not _plain:
            _slow_hook(out)
        return out

    def __mul__(self, other):
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        out = _new(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.name = None
        out._prev = (self, other)
        out._op = MUL
        if not _plain:
            _slow_hook(out)
        return out

    def __sub__(self, other):
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        return _make(self.data - other.data, (self, other), SUB)

    def __truediv__(self, other):
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        return _make(ops.checked_div(self.data, other.data, self, other), (self, other), DIV)

    def __neg__(self):
        return _make(-self.data, (self,), NEG)

    def __pos__(self):
        return self

    def __pow__(self, other):
        if other.__class__ is not Value:
            other = _constant(other)
            if other is NotImplemented:
                return NotImplemented
        data = ops.checked_pow(self.data, other.data, self, other)
        return _make(data, (self, other), POW)

    __radd__ = _reflected(__add__)
    __rmul__ = _reflected(__mul__)
    __rsub__ = _reflected(__sub__)
    __rtruediv__ = _reflected(__truediv__)
    __rpow__ = _reflected(__pow__)

    def __abs__(self):
        return _make(abs(self.data), (self,), ABS)

    # -- functions ---------------------------------------------------------

    def exp(self):
        """e^x."""
        return _make(ops.checked_exp(self.data, self), (self,), EXP)

    def log(self):
        """Natural logarithm ln x (x > 0)."""
        return _make(ops.checked_log(self.data, self), (self,), LOG)

    def sqrt(self):
        """√x (x >= 0)."""
        return _make(ops.checked_sqrt(self.data, self), (self,), SQRT)

    def sigmoid(self):
        """σ(x) = 1/(1 + e^-x), stable for every finite x."""
        return _make(ops.stable_sigmoid(self.data), (self,), SIGMOID)

    def tanh(self):
        """tanh x."""
        return _make(math.tanh(self.data), (self,), TANH)

    def relu(self):
        """max(0, x)."""
        x = self.data
        return _make(x if x > 0.0 else 0.0, (self,), RELU)

    # -- comparisons compare data and return bool ---------------------------

    def __lt__(self, other):
        return self.data < _number(other)

    def __le__(self, other):
        return self.data <= _number(other)

    def __gt__(self, other):
        return self.data > _number(other)

    def __ge__(self, other):
        return self.data >= _number(other)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    # -- gradients ---------------------------------------------------------

    def backward(self, grad=1.0, *, breakpoint_at=None):
        """Reverse-mode pass: accumulate d(self)/d(leaf) into every leaf's ``grad``.

        Leaves accumulate across calls (as in PyTorch); every derived node's
        ``grad`` is reset first and ends as d(self)/d(node) for this pass.
        """
        engine.backward(self, grad, breakpoint_at=breakpoint_at)

    def backward_steps(self, grad=1.0):
        """The backward pass as a generator of :class:`autograd.engine.Step`, one per node."""
        return engine.backward_steps(self, grad)

    def register_hook(self, fn):
        """Call ``fn(grad)`` when this node's gradient is complete in a backward
        pass; a number returned replaces the gradient.  Returns a handle with
        ``remove()``."""
        return engine.register_hook(self, fn)

    def zero_grad(self):
        """Set this node's ``grad`` back to 0.0."""
        self.grad = 0.0


def _number(x):
    return x.data if isinstance(x, Value) else as_float(x, "comparison")


def _as_value(x):
    if isinstance(x, Value):
        return x
    out = _constant(x)
    if out is NotImplemented:
        as_float(x)  # raises the TypeError that names the type
    return out


def sum_values(values, start=0.0):
    """One n-ary node s = Σ_i v_i (cheaper and flatter than a chain of ``+``)."""
    terms = _values(values)
    if start != 0.0:
        terms += (_as_value(start),)
    if not terms:
        raise ValueError("sum_values: needs at least one value (or a non-zero start)")
    return _make(sum(map(_data_of, terms)), terms, SUM)


def _values(items):
    """``items`` as a tuple of Values (numbers become constants)."""
    items = tuple(items)
    if _ONLY_VALUES.issuperset(map(type, items)):
        return items
    return tuple(map(_as_value, items))


_ONLY_VALUES = frozenset((Value,))


def dot(weights, inputs, bias=None):
    """One node z = Σ_k w_k a_k + b: a neuron's weighted input (Nielsen's z^l_j).

    The parents are ``(w_1..w_n, a_1..a_n, b)`` (no ``b`` when ``bias`` is None),
    so ∂z/∂w_k = a_k, ∂z/∂a_k = w_k and ∂z/∂b = 1 each show as one edge.
    """
    weights = _values(weights)
    inputs = _values(inputs)
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match")
    if not weights:
        raise ValueError("dot: needs at least one weight and input")
    return dot_unchecked(weights, inputs, None if bias is None else _as_value(bias))


def dot_unchecked(weights, inputs, bias):
    """:func:`dot` for callers that pass tuples of Values of equal length (nn layers)."""
    data = sum(map(_mul, map(_data_of, weights), map(_data_of, inputs)))
    if bias is None:
        return _make(data, weights + inputs, DOT)
    return _make(data + bias.data, weights + inputs + (bias,), DOT)

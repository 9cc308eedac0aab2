"""Value: one scalar node of a computation graph.

A Value holds a number (``data``), the gradient d(root)/d(node) that the last
backward pass gave it (``grad``), an optional ``name``, the tuple of nodes it
was computed from (``parents``) and the shared op record that says how
(``op``).  The methods only build nodes: each computes its output with the
op's forward from :mod:`autograd.ops` and records ``(parents, op)`` through
:func:`make`, the one place where nodes are made (and where the recording
modes of :mod:`autograd.recording` are consulted).  Derivatives live in
:mod:`autograd.ops`, the backward pass in :mod:`autograd.engine`.
"""

from __future__ import annotations

import operator
import threading
import weakref
from collections.abc import Callable, Generator, Iterable, Sequence, Set as AbstractSet
from typing import TYPE_CHECKING, Any, SupportsFloat, Union

from . import engine, ops, recording
from .floats import as_float, left_sum, listlike, short_repr
from .graph import topological_order
from .ops import ADD, CONSTANT, DOT, LEAF, MUL, NEG, PARAMETER, SUM, Op, SharedParents, describe

if TYPE_CHECKING:
    from typing import TypeAlias

    from .engine import HookHandle
    from .steps import Step

__all__ = ["Value", "dot", "sum_values", "make", "apply", "function", "as_float", "Operand"]

#: what an operator or a function of Values takes: a Value, or a real number (an int,
#: a float or a real scalar with ``__float__``, such as numpy's), which becomes a constant
Operand: TypeAlias = Union["Value", SupportsFloat]

_new = object.__new__
_data_of = operator.attrgetter("data")
_record = recording.record

_LEAF_KINDS = {"leaf": LEAF, "parameter": PARAMETER, "constant": CONSTANT}


def make(data: float, prev: tuple[Value, ...], op: Op) -> Value:
    """A new derived node: output ``data`` computed by ``op`` from ``prev``.

    The one place nodes are made: while any recording mode is active (in
    any thread), this thread's mode sees the node (no_grad, anomaly, tracing).
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.name = None
    out._prev = prev
    out._opr = op
    if recording.active:
        _record(out)
    return out


def _constant(x, op, position):
    """A plain number used in an expression becomes a constant leaf node (``op``'s
    operand ``position``: an int too large for a float is an OverflowError naming them)."""
    cls = x.__class__
    if cls is float or cls is int:
        out = _new(Value)
        try:
            out.data = float(x)
        except OverflowError:   # an int too large for a float: the error names op and operand
            as_float(x, f"{op.name}: operand {position}")
        out.grad = 0.0
        out.name = None
        out._prev = ()
        out._opr = CONSTANT
        if recording.active:
            recording.made_constant(out)
        return out
    if isinstance(x, Value):   # a subclass (the jit's traced nodes): already a node
        return x
    try:
        data = as_float(x)
    except (TypeError, OverflowError):
        return NotImplemented
    return Value(data, kind="constant")


def _operand(x: Operand, op: Op, position: int) -> Value:
    """``x`` as a Value for ``op``: a number becomes a constant; anything else
    is a TypeError naming the op and the operand."""
    if isinstance(x, Value):
        return x
    return Value(as_float(x, f"{op.name}: operand {position}"), kind="constant")


def apply(op: Op, *operands: Operand) -> Value:
    """The node ``op(operands)``: Values, or numbers (which become constants).

    The forward comes from the op record; its errors name the operands.
    """
    nodes: tuple[Value, ...] = operands  # type: ignore[assignment]  # (Values: checked below)
    for x in operands:
        if not isinstance(x, Value):      # a number: the operands as Values (constants)
            nodes = tuple(_operand(x, op, i) for i, x in enumerate(operands, 1))
            break
    try:
        data = op.forward(*map(_data_of, nodes))
    except (ArithmeticError, ValueError) as err:
        raise op.error(err, nodes) from None
    return make(data, nodes, op)


def function(op: Op) -> Callable[..., Value]:
    """``op`` as a function of Values or numbers: ``maximum = function(ops.MAXIMUM)``."""
    def f(*operands: Operand) -> Value:
        return apply(op, *operands)
    f.__name__ = f.__qualname__ = op.name
    f.__doc__ = f"{op.doc}: a node of the graph ({op.name} in autograd.ops)."
    return f


def _unary(op: Op, name: str | None = None) -> Callable[[Value], Value]:
    """``op`` as a method: ``Value.sigmoid`` (``name``: the method's, if not the op's).
    Named ``Value.<name>``, so that pickle and a debugger's stack find it."""
    forward = op.forward

    def method(self):
        try:
            data = forward(self.data)
        except (ArithmeticError, ValueError) as err:
            raise op.error(err, (self,)) from None
        return make(data, (self,), op)
    _name_method(method, name or op.name)
    method.__doc__ = f"{op.doc}."
    return method


def _name_method(method: Callable[..., Value], name: str) -> None:
    method.__name__ = name
    method.__qualname__ = f"Value.{name}"


def _binary(op: Op, name: str) -> Callable[[Value, Operand], Value]:
    """``op`` as the operator method ``name``: ``Value.__truediv__``."""
    forward = op.forward

    def method(self, other):
        if other.__class__ is not Value:
            other = _constant(other, op, 2)
            if other is NotImplemented:
                return NotImplemented
        try:
            data = forward(self.data, other.data)
        except (ArithmeticError, ValueError) as err:
            raise op.error(err, (self, other)) from None
        return make(data, (self, other), op)
    _name_method(method, name)
    method.__doc__ = f"{op.doc}."
    return method


def _reflected(method: Callable[[Value, Operand], Value], name: str,
               op: Op) -> Callable[[Value, Operand], Value]:
    """``number <op> value``: the number becomes a constant node on the left."""
    def reflected(self, other):
        other = _constant(other, op, 1)
        if other is NotImplemented:
            return NotImplemented
        return method(other, self)
    _name_method(reflected, name)
    return reflected


def _refuse_while_tracing(node, what):
    """Inside a jit trace, asking a Value for its number raises TracingError."""
    tracer = recording.current().tracer
    if tracer is not None:
        tracer.refuse(node, what)


def _label_as_name(name: str | None, label: str | None) -> str | None:
    """micrograd's ``label`` as chainrule's ``name`` ("" is no name)."""
    if label is not None and not isinstance(label, str):
        raise TypeError(f"Value label must be a str, got {type(label).__name__} {short_repr(label)}")
    if name is not None and label and name != label:
        raise ValueError(f"Value got name={name!r} and label={label!r}: label is micrograd's "
                         f"spelling of name, so give one of them")
    return label or name


def _micrograd_leaf(data: Any, children: Any, rest: tuple[Any, ...],
                    label: str | None) -> str | None:
    """micrograd's positional ``Value(data, _children, _op, label)`` as the leaf's label:
    with no children and no op it is a leaf, as there; children or an op are refused in
    one line (chainrule records them when a node is computed)."""
    if children.__class__ in (list, set, frozenset):   # micrograd takes any: set(_children)
        children = tuple(children)
    if isinstance(children, str) or len(rest) > 2:      # a name, then more
        raise TypeError(f"Value() takes data and a name, or micrograd's data, _children, _op, "
                        f"label: got {2 + len(rest)} positional arguments")
    if children.__class__ is not tuple:
        raise TypeError(f"Value() got micrograd's _children as {type(children).__name__} "
                        f"{short_repr(children)}: a tuple of Values (() for a leaf)")
    op = rest[0] if rest else ""
    if len(rest) == 2:
        if label is not None:
            raise TypeError(f"Value() got micrograd's label twice: {short_repr(rest[1])} and "
                            f"{short_repr(label)}")
        label = rest[1]
    if not children and not op:
        return label
    parents = ", ".join(describe(c) if isinstance(c, Value) else repr(c) for c in children)
    raise TypeError(f"Value({data!r}, ({parents}), {op!r}): chainrule records a node's parents "
                    f"and op itself when you compute it (a * b, a.tanh()), so a Value you make "
                    f"is a leaf; build it from Value operations (a new op: docs/adding-an-op.md)")


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

    __slots__ = ("data", "grad", "name", "_prev", "_opr", "_hooks", "__weakref__")

    data: float
    grad: float
    name: str | None
    _prev: tuple[Value, ...]
    _opr: Op
    _hooks: list[Callable[[float], Any]]

    def __init__(self, data: SupportsFloat, name: str | None = None, *micrograd: Any,
                 kind: str = "leaf", label: str | None = None) -> None:
        """A leaf node.  ``kind`` is "leaf" (default), "parameter" or "constant";
        it only changes how a node is drawn and described.  ``label`` is micrograd's
        spelling of ``name``; its positional ``Value(data, (), '', label)`` makes a leaf
        too (:func:`_micrograd_leaf`)."""
        if label is not None or micrograd:
            if micrograd or isinstance(name, tuple):
                name, label = None, _micrograd_leaf(data, name, micrograd, label)
            name = _label_as_name(name, label)
        if isinstance(data, Value):
            raise TypeError(
                f"Value() got a Value ({describe(data)}): use it directly to keep it in the "
                f"graph, or Value(v.data) for a new leaf that cuts the graph there")
        if name is not None and not isinstance(name, str):
            if name.__class__ is not tuple:
                raise TypeError(f"Value name must be a str, got {type(name).__name__} {short_repr(name)}")
            name = _micrograd_leaf(data, name, (), None)   # micrograd's Value(data, _children)
        try:
            op = _LEAF_KINDS[kind]
        except (KeyError, TypeError):
            raise ValueError(
                f"Value kind must be one of {sorted(_LEAF_KINDS)}, got {kind!r}") from None
        self.data = as_float(data)
        self.grad = 0.0
        self.name = name
        self._prev = ()
        self._opr = op
        if op is CONSTANT and recording.active:
            recording.made_constant(self)

    # -- reading a node ----------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in argument order (``a*a`` gives ``(a, a)``)."""
        return self._prev

    @property
    def op(self) -> Op:
        """The op record (:class:`autograd.ops.Op`) that produced this node."""
        return self._opr

    @property
    def _op(self) -> str:
        """micrograd's ``_op``: the op as text ('+', '*', 'tanh', '**2'; '' for a leaf), as
        its lecture's draw_dot reads it.  ``op`` is the record."""
        return ops.micrograd_op(self)

    @property
    def is_leaf(self) -> bool:
        return self._opr.backward is None

    @property
    def kind(self) -> str:
        """"parameter", "leaf", "constant", "detached" (made under no_grad) or "derived"."""
        op = self._opr
        return op.name if op.backward is None else "derived"

    @property
    def label(self) -> str:
        """micrograd's spelling of ``name`` (``e.label = 'e'``): '' when unnamed, as micrograd's."""
        return self.name or ""

    @label.setter
    def label(self, label: str | None) -> None:
        self.name = _label_as_name(None, label)

    def named(self, name: str) -> Value:
        """Give this node a name and return it: ``h = (x*w1 + b1).sigmoid().named("h")``."""
        if not isinstance(name, str):
            raise TypeError(f"Value name must be a str, got {type(name).__name__} {short_repr(name)}")
        self.name = name
        return self

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self._opr.backward is not None:
            parts.append(f"op={self._opr.name!r}")
        elif self._opr is not LEAF:
            parts.append(f"kind={self._opr.name!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        if recording.active:
            _refuse_while_tracing(self, "float()")
        return self.data

    def __int__(self) -> int:
        """``int(v)`` is ``int(v.data)`` (toward zero), as ``float(v)`` is ``v.data``."""
        if recording.active:
            _refuse_while_tracing(self, "int()")
        return int(self.data)

    def __round__(self, ndigits: int | None = None) -> float:
        """``round(v, n)`` is ``round(v.data, n)``: a number, not a node (an int without n,
        as for a float)."""
        if recording.active:
            _refuse_while_tracing(self, "round()")
        return round(self.data, ndigits)

    def item(self) -> float:
        """The number ``v.data``, as PyTorch's ``tensor.item()`` gives a 0-d tensor's
        (refused inside a jit trace, like ``float(v)``)."""
        return self.__float__()

    def __bool__(self) -> bool:
        if recording.active:
            _refuse_while_tracing(self, "bool() (an if, while, and, or, not)")
        return True

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats ``v.data``; ``f"{v}"`` is ``repr(v)``."""
        if not spec:
            return repr(self)
        if recording.active:
            _refuse_while_tracing(self, "format()")
        return format(self.data, spec)

    # -- arithmetic (hot path: add and mul are written out in full) ---------

    def __add__(self, other: Operand) -> Value:
        if other.__class__ is not Value:
            other = _constant(other, ADD, 2)
            if other is NotImplemented:
                return NotImplemented
        out = _new(Value)
        # (other is a Value here: mypy does not narrow on __class__, the fast test)
        out.data = self.data + other.data  # type: ignore[attr-defined]
        out.grad = 0.0
        out.name = None
        out._prev = (self, other)  # type: ignore[assignment]
        out._opr = ADD
        if recording.active:
            _record(out)
        return out

    def __mul__(self, other: Operand) -> Value:
        if other.__class__ is not Value:
            other = _constant(other, MUL, 2)
            if other is NotImplemented:
                return NotImplemented
        out = _new(Value)
        out.data = self.data * other.data  # type: ignore[attr-defined]
        out.grad = 0.0
        out.name = None
        out._prev = (self, other)  # type: ignore[assignment]
        out._opr = MUL
        if recording.active:
            _record(out)
        return out

    __sub__ = _binary(ops.SUB, "__sub__")
    __truediv__ = _binary(ops.DIV, "__truediv__")
    __pow__ = _binary(ops.POW, "__pow__")

    __radd__ = _reflected(__add__, "__radd__", ADD)
    __rmul__ = _reflected(__mul__, "__rmul__", MUL)
    __rsub__ = _reflected(__sub__, "__rsub__", ops.SUB)
    __rtruediv__ = _reflected(__truediv__, "__rtruediv__", ops.DIV)
    __rpow__ = _reflected(__pow__, "__rpow__", ops.POW)

    def __neg__(self) -> Value:
        return make(-self.data, (self,), NEG)

    def __pos__(self) -> Value:
        return self

    __abs__ = _unary(ops.ABS, "__abs__")

    # -- functions (one line per op: the op record has the rest) ------------

    exp = _unary(ops.EXP)
    log = _unary(ops.LOG)
    sqrt = _unary(ops.SQRT)
    sigmoid = _unary(ops.SIGMOID)
    tanh = _unary(ops.TANH)
    relu = _unary(ops.RELU)
    softplus = _unary(ops.SOFTPLUS)
    sin = _unary(ops.SIN)
    cos = _unary(ops.COS)
    tan = _unary(ops.TAN)

    # -- comparisons compare data and return bool ---------------------------

    def __lt__(self, other: Operand) -> bool:
        return _number(self, "a comparison <") < _number(other, "a comparison <")

    def __le__(self, other: Operand) -> bool:
        return _number(self, "a comparison <=") <= _number(other, "a comparison <=")

    def __gt__(self, other: Operand) -> bool:
        return _number(self, "a comparison >") > _number(other, "a comparison >")

    def __ge__(self, other: Operand) -> bool:
        return _number(self, "a comparison >=") >= _number(other, "a comparison >=")

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    # -- gradients ---------------------------------------------------------

    def backward(self, grad: SupportsFloat = 1.0, *,
                 breakpoint_at: str | Value | Iterable[str | Value] | None = None) -> None:
        """Reverse-mode pass: accumulate d(self)/d(leaf) into every leaf's ``grad``.

        Leaves accumulate across calls (as in PyTorch); every derived node's
        ``grad`` is reset first and ends as d(self)/d(node) for this pass.
        All or nothing: if the pass fails (a hook raises, Ctrl-C), every
        leaf's ``grad`` is what it was before.
        """
        engine.backward(self, grad, breakpoint_at=breakpoint_at)

    def _backward(self) -> None:
        """micrograd's one-node step, as its lecture calls it by hand (``o.grad = 1.0;
        o._backward(); n._backward()``): add ∂self/∂parent · self.grad to each parent's
        grad, once.  :meth:`backward` does every node, in order."""
        recording.stepped_by_hand(self)     # (the command line then says why no backward())
        engine.local_step(self)

    def backward_steps(self, grad: SupportsFloat = 1.0) -> Generator[Step, None, None]:
        """The backward pass as a generator of :class:`autograd.steps.Step`, one per node."""
        return engine.backward_steps(self, grad)

    def register_hook(self, fn: Callable[[float], SupportsFloat | None]) -> HookHandle:
        """Call ``fn(grad)`` when this node's gradient is complete in a backward
        pass; a number returned replaces the gradient.  Returns a handle with
        ``remove()``.  The hook lives with the node and goes when the node goes."""
        if recording.active:
            _refuse_while_tracing(self, "register_hook()")
        return engine.register_hook(self, fn)

    def zero_grad(self) -> None:
        """Set this node's ``grad`` back to 0.0."""
        self.grad = 0.0

    # -- pickle and copy ---------------------------------------------------

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickle and deepcopy a derived node after the derived nodes below it, parents
        first (see :class:`_Plan`), so that a node's parents are always written
        already: a chain of a million nodes goes through as a chain of ten, where
        following ``_prev`` down would overflow the stack within a few hundred."""
        reduced = object.__reduce_ex__(self, protocol)
        if not self._prev or _PLAN.holds(self):
            return reduced
        below = topological_order(self)[:-1]
        end = _PLAN.begin(below)
        return (_made_after, (reduced[0], reduced[1], (*below, end))) + tuple(reduced[2:])

    def __copy__(self) -> Value:
        """A shallow copy: a new node with the same number, grad, name, op and parents."""
        node = object.__new__(type(self))
        node.__setstate__(self.__getstate__())
        return node

    def __getstate__(self) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """What pickle and copy keep of a node: a subclass's own attributes (its
        ``__dict__``, if it has one) and the slots, Value's and a subclass's (every protocol, 0 and 1 included,
        which refuse a class with ``__slots__`` and no ``__getstate__``)."""
        kind = type(self)
        keys = _STATE if kind is Value else _slots_kept(kind)
        return (self.__dict__ or None if kind.__dictoffset__ else None,
                {key: getattr(self, key) for key in keys if hasattr(self, key)})

    def __setstate__(self, state: tuple[Any, dict[str, Any]]) -> None:
        """The copy's attributes and slots; its hooks are registered again (the engine and compiled
        code find a node's hooks through the registry, not by asking every node).  A
        pickle written before the op record's slot became ``_opr`` calls it ``_op``."""
        if state[0]:
            self.__dict__.update(state[0])
        for key, value in state[1].items():
            if key != "_hooks":
                setattr(self, "_opr" if key == "_op" else key, value)
        for fn in state[1].get("_hooks", ()):
            engine.register_hook(self, fn)


class _Plan(threading.local):
    """The derived nodes that a pickle or deepcopy of a node is writing now, parents
    first, before that node: each of them is written as it is (its state, whose
    parents are written already), not again after the nodes below it.  Its end
    marker, written after them, ends the plan.

    A plan in progress is asked about its nodes in its own order (skipping those
    written already, which pickle's memo answers), so it holds a node only ahead of
    the last one it held: a node asked out of turn, or one not in it, ends it.  A
    plan cut short by an error (an object that cannot be pickled, Ctrl-C) thus
    misleads no later pickle or copy: the first of its nodes that one asks about is
    at most written as it is (which is still right), and its parents end the plan."""

    def __init__(self) -> None:
        self.positions: dict[int, int] = {}   # id of each derived node -> its turn
        self.next = 0                         # the first turn still to come

    def holds(self, node: Value) -> bool:
        turn = self.positions.get(id(node))
        if turn is not None and turn >= self.next:
            self.next = turn + 1
            return True
        if self.positions:
            self.positions = {}               # out of turn: the plan is over
        return False

    def begin(self, below: Sequence[Value]) -> _PlanEnd:
        self.next = 0
        self.positions = {id(node): turn for turn, node in enumerate(
            node for node in below if node._prev)}
        return _PlanEnd()

    def end(self) -> None:
        self.positions = {}


class _PlanEnd:
    """Written after a plan's nodes: ends the plan (pickle and deepcopy alike)."""

    def __reduce__(self) -> tuple[Any, ...]:
        _PLAN.end()
        return (_PlanEnd, ())

    def __deepcopy__(self, memo: dict[int, Any]) -> _PlanEnd:
        _PLAN.end()
        return self


_PLAN = _Plan()


def _made_after(make_node: Callable[..., Value], args: tuple[Any, ...], below: tuple[Any, ...]) -> Value:
    """A node (``make_node(*args)``, its state set next) once the nodes below it are made."""
    return make_node(*args)


#: the slots a pickled or copied node keeps (all but the weak-reference slot)
_STATE = tuple(key for key in Value.__slots__ if key != "__weakref__")
_SUBCLASS_SLOTS: weakref.WeakKeyDictionary[type, tuple[str, ...]] = weakref.WeakKeyDictionary()


def _slots_kept(kind: type) -> tuple[str, ...]:
    """The slots a node of the subclass ``kind`` keeps: Value's, then those its own
    classes declare (``__slots__ = ("tag",)``; ``__private`` ones as Python stores them)."""
    keys = _SUBCLASS_SLOTS.get(kind)
    if keys is None:
        found = list(_STATE)
        for klass in reversed(kind.__mro__[:kind.__mro__.index(Value)]):
            declared = klass.__dict__.get("__slots__", ())
            for key in (declared,) if isinstance(declared, str) else declared:
                if key.startswith("__") and not key.endswith("__"):
                    key = f"_{klass.__name__.lstrip('_')}{key}"
                if key not in ("__dict__", "__weakref__"):
                    found.append(key)
        keys = _SUBCLASS_SLOTS[kind] = tuple(dict.fromkeys(found))
    return keys


def _number(x: Operand, what: str) -> float:
    if x.__class__ is Value or isinstance(x, Value):
        if recording.active:
            _refuse_while_tracing(x, what)
        return x.data
    return as_float(x, what)


def _as_value(x: Operand, where: str = "sum_values") -> Value:
    if isinstance(x, Value):
        return x
    return Value(as_float(x, where), kind="constant")


def sum_values(values: Iterable[Operand], start: Operand = 0.0) -> Value:
    """One n-ary node s = Σ_i v_i (cheaper and flatter than a chain of ``+``);
    the terms are added left to right."""
    terms = _values(values, "sum_values")
    if start != 0.0:
        terms += (_as_value(start, "sum_values: start"),)
    if not terms:
        raise ValueError("sum_values: needs at least one value (or a non-zero start)")
    return make(left_sum(map(_data_of, terms)), terms, SUM)


def _values(items: Iterable[Operand], where: str) -> tuple[Value, ...]:
    """``items`` as a tuple of Values (numbers become constants)."""
    if not listlike(items):
        raise TypeError(f"{where}: expected a list of Values or numbers, got "
                        f"{type(items).__name__}")
    items = tuple(items)
    if _ONLY_VALUES.issuperset(map(type, items)):
        return items  # type: ignore[return-value]  # (every item is a Value)
    return tuple(_as_value(x, f"{where}: item {i}") for i, x in enumerate(items, 1))


_ONLY_VALUES = frozenset((Value,))


def dot(weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand | None = None) -> Value:
    """One node z = Σ_k w_k a_k + b: a neuron's weighted input (Nielsen's z^l_j).

    The parents are ``(w_1..w_n, a_1..a_n, b)`` (no ``b`` when ``bias`` is None),
    so ∂z/∂w_k = a_k, ∂z/∂a_k = w_k and ∂z/∂b = 1 each show as one edge.
    The products are added left to right, then the bias.
    """
    weights = _values(weights, "dot: weights")
    inputs = _values(inputs, "dot: inputs")
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match")
    if not weights:
        raise ValueError("dot: needs at least one weight and input")
    return dot_unchecked(weights, inputs, None if bias is None else _as_value(bias, "dot: bias"))


def dot_unchecked(weights: tuple[Value, ...], inputs: tuple[Value, ...], bias: Value | None,
                  apart: bool = False) -> Value:
    """:func:`dot` for callers that pass tuples of Values of equal length (``apart``:
    the caller knows that no weight is also an input)."""
    data = -0.0   # the products added left to right, as _dot_node adds them
    for w, a in zip(weights, inputs):
        data += w.data * a.data
    parents = weights + inputs if bias is None else weights + inputs + (bias,)
    if not apart and not set(weights).isdisjoint(inputs):
        parents = SharedParents(parents)
    return make(data if bias is None else data + bias.data, parents, DOT)


def dot_layer(rows: Sequence[tuple[Value, ...]], inputs: tuple[Value, ...],
              biases: Sequence[Value | None], weights: AbstractSet[Value]) -> list[Value]:
    """z_j = Σ_k w_jk a_k + b_j for each weight row w_j and bias b_j (None: no
    bias): one dot node per row, the inputs' numbers read once (nn layers).
    ``weights`` is a set holding every Value of ``rows`` (a layer's parameters),
    to tell at once whether an input is also a weight."""
    numbers = [a.data for a in inputs]
    kind = tuple if weights.isdisjoint(inputs) else SharedParents
    return [_dot_node(row, inputs, numbers, bias, kind) for row, bias in zip(rows, biases)]


def _dot_node(weights: tuple[Value, ...], inputs: tuple[Value, ...], numbers: list[float],
              bias: Value | None, kind: type[tuple]) -> Value:
    """The dot node of ``weights`` and ``inputs`` (whose numbers are ``numbers``);
    ``kind`` is tuple, or SharedParents when a weight is also an input."""
    data = -0.0   # the products added left to right (a plain loop beats map() here)
    for w, a in zip(weights, numbers):
        data += w.data * a
    parents = weights + inputs if bias is None else weights + inputs + (bias,)
    if kind is not tuple:
        parents = kind(parents)
    return make(data if bias is None else data + bias.data, parents, DOT)

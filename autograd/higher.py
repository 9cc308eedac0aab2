"""Gradients of gradients: ``grad``, ``hessian`` and ``hvp``.

``grad(L, [w1, w2])`` runs the chain rule backwards like ``backward()`` but
returns the gradients instead of adding them to ``.grad``.  With
``create_graph=True`` it evaluates each op's chain-rule terms (the ``vjp``
expression of its record in :mod:`autograd.ops`) on Values instead of
floats, so each gradient is itself a node of a graph built from the forward
graph: it can be drawn (the backward pass as a picture), explained, stepped
through, jitted, and differentiated again, to any order.

    σ'(z) = σ(z)(1 - σ(z))            grad(σ(z), z, create_graph=True)
    σ''(z) = σ'(z)(1 - 2σ(z))         grad(σ'(z), z)

Each op's expression is turned once into a small Python function over
Values (cached per op, number of operands and constant operands), so
building a gradient graph costs a few node creations per edge.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, SupportsFloat, overload

from . import engine, expr as E, ops, recording
from .floats import as_float, left_sum
from .value import Value, apply, dot_unchecked, sum_values

__all__ = ["grad", "hessian", "hvp"]

#: the inputs of grad, hessian and hvp: one Value or a list of them
Inputs = Value | Iterable[Value]


# ---------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------

@overload
def grad(output: Value, inputs: Inputs, grad_output: SupportsFloat = 1.0,
         create_graph: Literal[False] = False) -> tuple[float, ...]: ...
@overload
def grad(output: Value, inputs: Inputs, grad_output: Value | SupportsFloat = 1.0, *,
         create_graph: Literal[True]) -> tuple[Value, ...]: ...
@overload
def grad(output: Value, inputs: Inputs, grad_output: Value | SupportsFloat,
         create_graph: Literal[True]) -> tuple[Value, ...]: ...
@overload
def grad(output: Value, inputs: Inputs, grad_output: Value | SupportsFloat = 1.0,
         create_graph: bool = False) -> tuple[float, ...] | tuple[Value, ...]: ...


def grad(output: Value, inputs: Inputs, grad_output: Value | SupportsFloat = 1.0,
         create_graph: bool = False) -> tuple[float, ...] | tuple[Value, ...]:
    """d(output)/d(input) for each input, as a tuple (like ``torch.autograd.grad``).

    ``inputs`` is a Value or a list of Values; ``grad_output`` scales the
    result (the seed of the backward pass).  Without ``create_graph`` the
    entries are floats; with it they are Values named ``∂L/∂w1`` whose graph
    can be differentiated again.  An input the output does not depend on
    gets 0.0 (a constant ``Value(0.0)`` with ``create_graph``).  No ``.grad``
    changes and no hook runs.
    """
    output, inputs = _check(output, inputs, "grad")
    if create_graph:
        seed = grad_output if isinstance(grad_output, Value) else \
            _real(grad_output, "grad: grad_output")
        found = gradient_graph(output, seed)
        return tuple(_as_value(found.get(x), output, x) for x in inputs)
    seed = _real(grad_output, "grad: grad_output")
    if recording.active:
        tracer = recording.current().tracer
        if tracer is not None:
            tracer.refuse(output, "grad() without create_graph=True (its floats would be "
                                  "frozen into the trace)")
    grads = engine.gradients(output, seed)
    return tuple(grads.get(x, 0.0) for x in inputs)


def hessian(output: Value, inputs: Inputs) -> list[list[float]]:
    """The matrix of second derivatives ∂²output/∂x_i∂x_j as a list of lists of floats."""
    output, inputs = _check(output, inputs, "hessian")
    first = grad(output, inputs, create_graph=True)
    return [list(grad(g, inputs)) for g in first]


def hvp(output: Value, inputs: Inputs, vector: Sequence[SupportsFloat]) -> list[float]:
    """The Hessian-vector product H·v as a list of floats, in one reverse-over-reverse
    pass: the gradient is built as a graph once, and Σ_i v_i ∂output/∂x_i is
    differentiated once."""
    output, inputs = _check(output, inputs, "hvp")
    if isinstance(vector, (str, bytes, Value)) or not hasattr(vector, "__len__"):
        raise TypeError(f"hvp: vector must be a list of numbers, one per input, got "
                        f"{type(vector).__name__} {vector!r}")
    if len(vector) != len(inputs):
        raise ValueError(f"hvp: {len(inputs)} inputs but a vector of {len(vector)} numbers")
    v = [_real(x, f"hvp: vector[{i}]") for i, x in enumerate(vector)]
    first = grad(output, inputs, create_graph=True)
    return list(grad(sum_values([g * vi for g, vi in zip(first, v)]), inputs))


def _check(output: Value, inputs: Inputs, where: str) -> tuple[Value, tuple[Value, ...]]:
    if not isinstance(output, Value):
        raise TypeError(f"{where}: output must be a Value, got {type(output).__name__} {output!r}")
    if isinstance(inputs, Value):
        inputs = (inputs,)
    elif isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
        raise TypeError(f"{where}: inputs must be a Value or a list of Values, got "
                        f"{type(inputs).__name__} {inputs!r}")
    inputs = tuple(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"{where}: inputs[{i}] must be a Value, got {type(x).__name__} {x!r}")
    if not inputs:
        raise ValueError(f"{where}: needs at least one input")
    return output, inputs


def _real(x: SupportsFloat, what: str) -> float:
    try:
        return as_float(x, what)
    except OverflowError as err:
        raise TypeError(str(err)) from None


# ---------------------------------------------------------------------------
# Reverse mode on Values
# ---------------------------------------------------------------------------

def gradient_graph(output, seed):
    """``{node: ∂output/∂node}`` with each gradient a Value (or a float where it is
    a constant), built by the ops' vjp expressions evaluated on Values.

    A node's contributions are added by one Σ node, in the order backward()
    adds them; when each is a product (a_k·δ_j through a dot node), by one
    dot node Σ_i a_i·b_i instead of a × node per product.  Gradients of
    named nodes are named ``∂L/∂w1``.
    """
    with engine.no_cycle_collection():   # like backward(): it makes no cycles
        order, leaves = engine.order_and_leaves(output)
        before = set(order).union(leaves, (output,))
        top = output.name or "f"
        terms = defaultdict(list, {output: [seed]})
        grads = {}
        for node in reversed(order):
            g = grads[node] = _total(terms.pop(node, ()))
            if g is None:
                continue
            _name(g, top, node, before)
            if isinstance(g, Value):
                found = _vjp_function(node)(*node._prev, node, g)
            else:  # a number (the seed): folded into the terms, so no "× 1" nodes
                found = _vjp_function(node, g)(*node._prev, node, g)
            for parent, term in zip(node._prev, found):
                if term is not None:
                    terms[parent].append(term)
        for leaf, parts in terms.items():
            g = grads[leaf] = _total(parts)
            _name(g, top, leaf, before)
    grads[output] = grads.get(output, seed)
    return grads


def _total(parts):
    """The sum of a node's contributions: None for none, a number if all are numbers
    (0.0 counts as none), else one Value: a dot node when every contribution is a
    product of two Values (BP2's Σ_j w_jk δ_j, BP4's Σ_x a_k δ_j), else a Σ node."""
    if len(parts) > 1 and _ONLY_PRODUCTS.issuperset(map(type, parts)):
        factors, others = zip(*parts)
        return dot_unchecked(factors, others, None)
    parts = [p for p in parts if isinstance(p, (Value, tuple)) or p != 0.0]
    if not parts:
        return None
    if len(parts) == 1:
        return _built(parts[0])
    parts = [_built(p) for p in parts]
    if not any(isinstance(p, Value) for p in parts):
        return left_sum(parts)
    return sum_values(parts)


# A contribution a·b of two Values is kept as the pair ``(a, b)`` (a tuple: no
# other contribution is one) until the node's contributions are added, so that
# several become one dot node.
_ONLY_PRODUCTS = frozenset((tuple,))


def _product(a, b):
    """a·b: the pair when both are Values, else the product itself."""
    if isinstance(a, Value) and isinstance(b, Value):
        return (a, b)
    return a * b


def _built(part):
    """A contribution as a node (a pair becomes its × node) or a number."""
    return part[0] * part[1] if part.__class__ is tuple else part


def gradient_name(top, node_name):
    """``∂L/∂w1``; the derivative of a derivative keeps its brackets: ``∂(∂L/∂w1)/∂w2``."""
    if "/" in top or " " in top:
        top = f"({top})"
    return f"∂{top}/∂{node_name}"


def _name(g, top, node, before):
    """Name a fresh gradient node ``∂top/∂node`` (when node has a name)."""
    if isinstance(g, Value) and g.name is None and node.name and g not in before:
        g.name = gradient_name(top, node.name)


def _as_value(g, output, x):
    """A gradient as a Value: a constant where it does not depend on anything."""
    if isinstance(g, Value):
        return g
    if g is None:
        g = 0.0
    name = gradient_name(output.name or "f", x.name) if x.name else None
    return Value(g, name, kind="constant")


# -- each op's vjp expression as a function over Values ------------------------

_FUNCTIONS: dict[tuple[Any, ...], Callable[..., Any]] = {}


def _vjp_function(node, g=None):
    """The compiled chain-rule terms of ``node``'s op for its operands (cached per
    op, operand count, constant operands, whether a jit trace is running and,
    when it is a number, g)."""
    op, parents = node._op, node._prev
    fixed = ops.fixed_operands(node)
    traced = bool(recording.active) and recording.current().tracer is not None
    shape = (op, fixed, g, traced)
    found = _BY_SHAPE.get(shape)    # the functions that read no constant operand's number
    if found is not None:
        return found
    exprs, read = _expressions(op, len(parents), fixed)
    constants = tuple((f"x{i}", parents[i].data) for i in read)
    if g is not None:
        constants += (("g", g),)
    key = (op, len(parents), fixed, constants, traced)
    found = _FUNCTIONS.get(key)
    if found is None:
        found = _FUNCTIONS[key] = _compile(op, len(parents), exprs, dict(constants), traced)
    if not read:
        _BY_SHAPE[shape] = found
    return found


_BY_SHAPE: dict[tuple[Any, ...], Callable[..., Any]] = {}


_EXPRESSIONS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _expressions(op, n, fixed):
    """The op's vjp expressions and the constant operands they read (cached)."""
    key = (op, n, fixed)
    found = _EXPRESSIONS.get(key)
    if found is None:
        exprs = op.vjp_exprs(n, fixed)
        read = set().union(*(E.variables(e) for e in exprs)) if exprs else set()
        found = _EXPRESSIONS[key] = (exprs, tuple(i for i, f in enumerate(fixed)
                                                   if f and f"x{i}" in read))
    return found


def _compile(op, n, exprs, constants, traced):
    """A Python function ``f(x0, ..., out, g) -> (term or None, ...)`` over Values.

    Outside a jit trace a condition (``out <= 0`` for relu) is decided on the
    numbers, so the gradient graph holds only the branch taken: its value and
    all its derivatives are the same.  Inside a trace the condition stays in
    the graph (comparison and where nodes), so the generated code takes the
    right branch for every input.
    """
    folded = [E.substitute(e, constants) for e in exprs]
    args = [f"x{i}" for i in range(n)] + ["out", "g"]
    body = ", ".join("None" if e.constant and e.value == 0.0 else _term_source(e, traced)
                     for e in folded)
    source = f"def {op.name}_vjp({', '.join(args)}):\n    return ({body},)\n"
    namespace = dict(_RUNTIME)
    exec(compile(source, f"<chainrule-vjp:{op.name}>", "exec"), namespace)
    return namespace[f"{op.name}_vjp"]


def _term_source(expr, traced):
    """A chain-rule term: a product of two factors stays a pair (see ``_product``);
    of two operands (always Values: x_i, out, g), written as the pair itself."""
    if expr.kind == "mul":
        a, b = (_value_source(x, traced) for x in expr.args)
        if all(x.kind == "var" for x in expr.args):
            return f"({a}, {b})"
        return f"_product({a}, {b})"
    return _value_source(expr, traced)


def _value_source(expr, traced):
    """Python source that builds ``expr`` from Values (and plain numbers)."""
    kind = expr.kind
    if kind == "const":
        return repr(expr.value) if math.isfinite(expr.value) else f"float('{expr.value}')"
    if kind == "var":
        return expr.value
    if kind == "where" and not traced:
        c, x, y = expr.args
        return (f"({_value_source(x, traced)} if {_number_source(c)} "
                f"else {_value_source(y, traced)})")
    a = [_value_source(x, traced) for x in expr.args]
    if kind in ("div", "pow"):
        return f"_{kind}({a[0]}, {a[1]})"
    if kind in _INFIX:
        return f"({a[0]} {_INFIX[kind]} {a[1]})"
    if kind == "neg":
        return f"(-{a[0]})"
    if kind == "where":
        return f"_where({a[0]}, lambda: {a[1]}, lambda: {a[2]})"
    if kind == "and":
        return f"({a[0]} * {a[1]})"
    return f"_call({kind!r}, {', '.join(a)})"




def _number_source(expr):
    """Python source of a condition evaluated on the numbers (``.data``)."""
    kind = expr.kind
    if kind == "const":
        return repr(expr.value) if math.isfinite(expr.value) else f"float('{expr.value}')"
    if kind == "var":
        return f"_data({expr.value})"
    a = [_number_source(x) for x in expr.args]
    if kind in E.COMPARISONS:
        return f"({a[0]} {E.COMPARISONS[kind]} {a[1]})"
    if kind == "and":
        return f"({a[0]} and {a[1]})"
    return f"_ieee({kind!r}, {', '.join(a)})"


def _data(x):
    return x.data if isinstance(x, Value) else x


def _ieee(name, *args):
    return ops.OPS[name].ieee(*args) if name in ops.OPS else E.ARITHMETIC[name](*args)


_INFIX = {"add": "+", "sub": "-", "mul": "*"}


def _div(a, b):
    """a / b on Values; where that has no finite value (b = 0), the IEEE number as a
    constant (the derivative does not exist there, and neither do higher ones)."""
    try:
        return a / b
    except ZeroDivisionError:
        return _constant(ops.DIV.ieee, a, b)


def _pow(a, b):
    """a ** b on Values; the IEEE number as a constant where Python has no real result."""
    try:
        return a ** b
    except (ArithmeticError, ValueError):
        return _constant(ops.POW.ieee, a, b)


def _constant(f, *args):
    return Value(f(*(x.data if isinstance(x, Value) else x for x in args)), kind="constant")


def _call(name, *args):
    """An op applied to Values (or, when every operand is a number, on floats)."""
    op = ops.OPS[name]
    if not any(isinstance(a, Value) for a in args):
        return op.ieee(*args)
    return apply(op, *args)


def _where(c, x, y):
    """``x() where c else y()``: a where node when c depends on the graph.

    Only the branch c selects is built when c is a number.  When a branch
    cannot be built where it is not selected (a power of 0 the other branch
    guards against), the selected branch stands alone.
    """
    if not isinstance(c, Value):
        return x() if c else y()
    chosen = x if c.data else y
    try:
        xv, yv = x(), y()
    except (ArithmeticError, ValueError):
        try:
            return chosen()
        except (ArithmeticError, ValueError):
            return Value(math.nan, kind="constant")   # IEEE: no real derivative here
    return apply(ops.WHERE, c, xv, yv)


_RUNTIME = {"_call": _call, "_where": _where, "_div": _div, "_pow": _pow, "_data": _data,
            "_ieee": _ieee, "_product": _product}

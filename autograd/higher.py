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

Each op's expression is written once as a small Python function that builds
Values (by :mod:`autograd.expr_source`, the one writer of derivative
expressions), cached by the expression's shape: the numbers of constant
operands are read when it runs, so a program with a million different
constants compiles a few functions per op.  Building a gradient graph costs
a few node creations per edge.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from collections.abc import Callable, Iterable, Sequence
from math import isfinite
from typing import Any, Literal, SupportsFloat, overload

from . import engine, expr as E, ops, recording
from .expr_source import ATOM, COND, OR, PROD, SourceWriter, wrap
from .floats import as_float, counted, flag, left_sum, listlike, short_repr
from .graph import walk
from .jit_emit import HELPERS, PythonSource, consume as _consume
from .ops import CONSTANT, DETACHED, describe, remember
from .value import Value, apply, dot_unchecked, make, sum_values

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

    Under ``no_grad()`` nothing is recorded, so ``create_graph=True`` gives
    detached Values (kind "detached") holding the numbers: asking for their
    gradients raises, as it does for any Value computed under ``no_grad()``.
    """
    output, inputs = _check(output, inputs, "grad")
    if flag(create_graph, "grad: create_graph"):
        seed = grad_output if isinstance(grad_output, Value) else \
            as_float(grad_output, "grad: grad_output")
        number = seed.data if isinstance(seed, Value) else seed
        if recording.active and not recording.is_grad_enabled() and \
                recording.current().tracer is None:
            grads = engine.gradients(output, number, recording.anomaly_enabled())
            return tuple(_detached(grads.get(x, 0.0), output, x) for x in inputs)
        try:
            found = engine.collector_paused(gradient_graph, output, seed, inputs)
        except FloatingPointError:      # detect_anomaly() refused a node of the gradient graph
            _anomaly_as_backward(output, number)
            raise
        return tuple(_as_value(found.get(x), output, x) for x in inputs)
    if isinstance(grad_output, Value):
        raise TypeError(f"grad: grad_output is a Value ({describe(grad_output)}) but the gradients "
                        f"are floats: pass create_graph=True to differentiate through it, or its number (.data)")
    seed = as_float(grad_output, "grad: grad_output")
    _refuse_floats_in_trace(output, "grad()")
    grads = engine.gradients(output, seed, recording.anomaly_enabled())
    return tuple(grads.get(x, 0.0) for x in inputs)


def hessian(output: Value, inputs: Inputs) -> list[list[float]]:
    """The matrix of second derivatives ∂²output/∂x_i∂x_j as a list of lists of floats
    (under ``no_grad()`` too: its graph of first derivatives is built all the same)."""
    output, inputs = _check(output, inputs, "hessian")
    _refuse_floats_in_trace(output, "hessian()")
    with _recording_gradients():
        first = grad(output, inputs, create_graph=True)
    return [list(grad(g, inputs)) for g in first]


def hvp(output: Value, inputs: Inputs, vector: Sequence[SupportsFloat]) -> list[float]:
    """The Hessian-vector product H·v as a list of floats, in one reverse-over-reverse
    pass: the gradient is built as a graph once, and Σ_i v_i ∂output/∂x_i is
    differentiated once."""
    output, inputs = _check(output, inputs, "hvp")
    _refuse_floats_in_trace(output, "hvp()")
    if not listlike(vector, sized=True):
        raise TypeError(f"hvp: vector must be a list of numbers, one per input, got "
                        f"{type(vector).__name__} {short_repr(vector)}")
    if len(vector) != len(inputs):
        n = len(inputs)
        raise ValueError(f"hvp: {counted(n, 'input')} but a vector of "
                         f"{counted(len(vector), 'number')}")
    for i, x in enumerate(vector):
        if isinstance(x, Value):
            raise TypeError(f"hvp: vector[{i}] is a Value ({describe(x)}) but hvp() takes numbers: "
                            f"its .data, or differentiate Σ v_i·∂L/∂x_i from grad(create_graph=True)")
    v = [as_float(x, f"hvp: vector[{i}]") for i, x in enumerate(vector)]
    with _recording_gradients():
        first = grad(output, inputs, create_graph=True)
        directional = sum_values([g * vi for g, vi in zip(first, v)])
    return list(grad(directional, inputs))


def _refuse_floats_in_trace(output, what):
    """Inside a jit trace, ``what`` (grad() without create_graph, hessian(), hvp())
    raises TracingError: its floats would be frozen into the generated code."""
    if recording.active:
        tracer = recording.current().tracer
        if tracer is not None:
            tracer.refuse(output, what)


def _check(output: Value, inputs: Inputs, where: str) -> tuple[Value, tuple[Value, ...]]:
    if not isinstance(output, Value):
        raise TypeError(f"{where}: output must be a Value, got {type(output).__name__} "
                        f"{short_repr(output)}")
    if isinstance(inputs, Value):
        inputs = (inputs,)
    elif not listlike(inputs):
        raise TypeError(f"{where}: inputs must be a Value or a list of Values (e.g. "
                        f"net.parameters()), got {type(inputs).__name__} {short_repr(inputs)}")
    inputs = tuple(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"{where}: inputs[{i}] must be a Value, got {type(x).__name__} "
                            f"{short_repr(x)}")
    if not inputs:
        raise ValueError(f"{where}: needs at least one input")
    if output._opr is DETACHED:
        raise RuntimeError(
            f"{where}: {describe(output)} was computed under no_grad(), so no graph was "
            f"recorded behind it and there is nothing to differentiate; compute it outside "
            f"no_grad() (or inside enable_grad())")
    return output, inputs


def _anomaly_as_backward(output, seed):
    """Raise the error backward() gives in detect_anomaly() (the node whose rule
    gave a non-finite gradient, and to which parent), if there is one."""
    try:
        engine.gradients(output, seed, True)
    except FloatingPointError as err:
        raise err from None


def _recording_gradients():
    """``enable_grad()`` inside ``no_grad()`` (hessian and hvp build a graph of first
    derivatives and return numbers), else nothing: recording as it is."""
    if recording.active and not recording.is_grad_enabled():
        return recording.enable_grad()
    return nullcontext()


# ---------------------------------------------------------------------------
# Reverse mode on Values
# ---------------------------------------------------------------------------

def gradient_graph(output, seed, inputs):
    """``{x: ∂output/∂x}`` for each x of ``inputs`` that output depends on, each
    gradient a Value (or a float where it is a constant), built by the ops' vjp
    expressions evaluated on Values.

    A node's contributions are added by one Σ node, in the order backward()
    adds them; when each is a product (a_k·δ_j through a dot node), by one
    dot node Σ_i a_i·b_i instead of a × node per product.  Gradients of
    named nodes are named ``∂L/∂w1``.

    A gradient of exactly 0 that depends on nothing (below a ReLU that is off)
    builds nothing: its contributions 0·∂node/∂x_i are 0, and a node that only
    such contributions reach has the gradient 0; nor is the gradient of a ReLU
    that is off built, whose terms do not read it.  Where a local derivative is
    ±inf or nan (sqrt at 0) the contribution is not 0 but nan, as backward()
    and PyTorch give: those are built as Values, so that the derivatives
    through them see the infinity too.  grad() runs it with the cycle collector
    paused, as backward() runs its pass (:func:`autograd.engine.collector_paused`).
    """
    tracer = recording.current().tracer if recording.active else None
    if tracer is None:
        return _gradient_graph(output, seed, inputs, False)
    with tracer.building_derivatives():   # the jit writes these nodes as IEEE code
        return _gradient_graph(output, seed, inputs, True)


def _gradient_graph(output, seed, inputs, traced):
    """:func:`gradient_graph`, ``traced`` inside a jit trace."""
    order, leaves, before = walk(output)   # before: the graph's nodes keep their names
    before.add(seed)                       # and so does a seed the caller made
    prefix = gradient_name(output.name or UNNAMED_OUTPUT, "")   # a fresh gradient is ∂L/∂<node>
    terms = defaultdict(list, {output: [seed]})
    pop, to_parent = terms.pop, terms.__getitem__
    wanted = set(inputs)
    grads = {}
    uniform = _UNIFORM
    # every number finite: then each polynomial op's terms are 0 for g = 0 (see _zero_terms)
    finite = not traced and isfinite(sum([x.data for x in leaves])) and \
        isfinite(sum([x.data for x in order]))
    for node in reversed(order):
        parts = pop(node, None)
        parents = node._prev
        op = node._opr
        n = len(parents)
        if parts is None:
            g = 0.0
        elif len(parts) == 1 and parts[0].__class__ is not tuple:
            g = parts[0]
        else:
            choose = None if traced else _CHOOSERS[op, n]
            if choose is not None and node not in wanted:   # each term picks g or a
                chosen = choose(*parents, node, _CHOOSE_G)  # number: if none picks g,
                if _CHOOSE_G not in chosen:                 # g need not be built
                    if n == 1:
                        to_parent(parents[0]).append(chosen[0])
                    else:
                        _consume(map(_append, map(to_parent, parents), chosen))
                    continue
            else:
                chosen = None
            g = _total(parts, before) if len(parts) > 1 else parts[0][0] * parts[0][1]
            if chosen is not None and g.__class__ is Value:   # the terms that picked
                if g.name is None and node.name and g not in before:   # the stand-in are g
                    g.name = prefix + node.name
                if n == 1:
                    to_parent(parents[0]).append(g)
                else:
                    _consume(map(_append, map(to_parent, parents),
                                 [g if t is _CHOOSE_G else t for t in chosen]))
                continue
        if node in wanted:
            grads[node] = g
        if g.__class__ is Value or traced and isinstance(g, Value):   # (a TracedValue)
            if g.name is None and node.name and g not in before:
                g.name = prefix + node.name
            key = (op, n, False, traced)
        elif g == 0.0 and not traced and (_POLYNOMIAL.get((op, n)) and (
                finite or isfinite(node.data) and isfinite(sum([p.data for p in parents])))
                or _zero_terms(node, op, parents)):
            continue                    # 0·∂node/∂x_i is 0 for every parent
        else:
            key = (op, n, True, traced)
        function = uniform.get(key) or _vjp_function(key, parents)
        if n == 1:
            to_parent(parents[0]).append(function(parents[0], node, g)[0])
        else:   # terms[parent].append(term) for each parent and its term, looped in C
            _consume(map(_append, map(to_parent, parents), function(*parents, node, g)))
    for leaf in wanted.intersection(terms):
        g = grads[leaf] = _total(terms[leaf], before)
        if g.__class__ is Value and leaf.name and g.name is None and g not in before:
            g.name = prefix + leaf.name
    if output in wanted:
        grads[output] = seed
    for x in [x for x, g in grads.items() if g is not seed and isinstance(g, Value) and g in before]:
        grads[x] = _own_node(grads[x], prefix, x)
    return grads


def _own_node(g, prefix, x):
    """∂f/∂x where it is a node of the forward graph (∂(w·x)/∂w is x): a Σ node over
    it, named ∂f/∂x, so that naming or changing the gradient leaves x's graph alone
    (PyTorch's is a new tensor too)."""
    node = sum_values([g])
    if x.name:
        node.name = prefix + x.name
    return node


class _Choosers(dict):
    """(op, operand count) -> the compiled terms for a Value g (the same whichever
    operands are constant) when each term is a number or g chosen by conditions
    on the numbers, with at least one choice or number (relu's "0 if out ≤ 0
    else g"; not add's g, g); else None."""

    def __missing__(self, key):
        op, n = key
        exprs = op.vjp_exprs(n, (False,) * n)
        chooses = all(e.kind in ("where", "const") and _chooses_g(e) for e in exprs)
        return remember(self, key, _uniform((op, n, False, False)) if chooses else None, op, True)


def _chooses_g(e):
    """True for g, a number, or a branch on numbers between two such."""
    if e.kind == "where":
        c, x, y = e.args
        return "g" not in E.variables(c) and _chooses_g(x) and _chooses_g(y)
    return e.kind == "const" or e.kind == "var" and e.value == "g"


_CHOOSERS = _Choosers()


class _ChooseG:
    """What a selecting op's terms are computed with in place of g, to see whether
    any of them is g (an object no term can be computed from: it has no arithmetic)."""

    __slots__ = ()


_CHOOSE_G = _ChooseG()


def _total(parts, before):
    """The sum of a node's contributions, in backward()'s order: a number if all
    are numbers, else one Value: a dot node when every contribution is a product
    of two Values (BP2's Σ_j w_jk δ_j, BP4's Σ_x a_k δ_j), else a Σ node.  Numbers
    that are 0 add nothing to a sum of Values and are left out.  ``before``: the
    nodes of the forward graph (a dot's factors a_k are, its δ_j are not: then no
    node is both, which the dot need not look for)."""
    if len(parts) == 1:
        return _built(parts[0])
    if parts[0].__class__ is tuple:
        try:        # all pairs? (a Value or a number cannot be unzipped)
            factors, others = zip(*parts)
        except TypeError:
            pass
        else:
            return dot_unchecked(factors, others, None, before.isdisjoint(others) and
                                 before.issuperset(factors))
    kinds = set(map(type, parts))
    if not kinds <= _NODES:                 # numbers among them, or a jit trace's nodes
        kinds = set(map(_kind, kinds))
        if not kinds & _NODES:
            return left_sum(parts)
        parts = [p for p in parts if p.__class__ in _NODES or p != 0.0]
        if len(parts) == 1:
            return _built(parts[0])
        kinds = set(map(type, parts))
    if kinds == _PAIRS:
        factors, others = zip(*parts)
        return dot_unchecked(factors, others, None)
    return sum_values([_built(p) for p in parts])


def _zero_terms(node, op, parents):
    """True when each chain-rule term of ``node`` is 0 for g = 0: when each local
    derivative is finite.  An op whose terms are made of + - · and branches only
    (dot, relu, σ, tanh) has finite ones wherever its numbers are finite; for
    any other (sqrt, pow, log) the eager rule computes them."""
    polynomial = _POLYNOMIAL.get((op, len(parents)))
    if polynomial is None:
        n = len(parents)
        polynomial = remember(_POLYNOMIAL, (op, n), all(
            _is_polynomial(e) for fixed in ((False,) * n, (True,) * n)
            for e in op.vjp_exprs(n, fixed)), op, True)
    if polynomial and isfinite(node.data) and isfinite(sum([p.data for p in parents])):
        return True     # (a sum of finite numbers that overflows asks the rule)
    return all(map(isfinite, op.backward(node, 0.0)))


def _is_polynomial(expr):
    """True for an expression of variables and finite numbers by + - · and branches."""
    if expr.kind == "const":
        return isfinite(expr.value)
    return expr.kind in _POLYNOMIAL_KINDS and all(map(_is_polynomial, expr.args))


_POLYNOMIAL_KINDS = frozenset(("var", "add", "sub", "mul", "neg", "where", "and",
                               *E.COMPARISONS))
#: (op, operand count) -> whether its chain-rule terms are polynomial (_is_polynomial)
_POLYNOMIAL: dict[tuple[Any, int], bool] = {}
_append = list.append


# A contribution a·b of two Values is kept as the pair ``(a, b)`` (a tuple: no
# other contribution is one) until the node's contributions are added, so that
# several become one dot node.
_PAIRS = {tuple}
_NODES = frozenset((Value, tuple))


def _kind(cls):
    """Value for a subclass of it (the nodes a jit trace makes), else ``cls``."""
    return Value if issubclass(cls, Value) else cls


def _built(part):
    """A contribution as a node (a pair becomes its × node) or a number."""
    return part[0] * part[1] if part.__class__ is tuple else part


UNNAMED_OUTPUT = "f"    # the top of an unnamed output's gradient: ∂f/∂x


def gradient_name(top, node_name):
    """``∂L/∂w1``; the derivative of a derivative keeps its brackets: ``∂(∂L/∂w1)/∂w2``."""
    if "/" in top or " " in top:
        top = f"({top})"
    return f"∂{top}/∂{node_name}"


def _detached(g, output, x):
    """A gradient computed under no_grad(): its number, with no graph behind it."""
    node = make(g, (), DETACHED)
    node.name = gradient_name(output.name or UNNAMED_OUTPUT, x.name) if x.name else None
    return node


def _as_value(g, output, x):
    """A gradient as a Value: a constant where it does not depend on anything."""
    if isinstance(g, Value):
        return g
    if g is None:
        g = 0.0
    name = gradient_name(output.name or UNNAMED_OUTPUT, x.name) if x.name else None
    return Value(g, name, kind="constant")


# -- each op's vjp expression as a function over Values ------------------------

#: (op, which operands are constant nodes, g is a number, tracing) -> the compiled
#: chain-rule terms (see _compile).  The key is the expression's shape: numbers are
#: read when the function runs, so the cache holds a few functions per op however
#: many constants a program uses; for sum and dot, whose keys also hold the operand
#: count, at most ops.VARIADIC_KEPT (every cache here is filled through ops.remember).
_FUNCTIONS: dict[tuple[Any, ...], Callable[..., Any]] = {}

#: (op, operand count, g is a number, tracing) -> the function, when it is the same
#: whichever operands are constant nodes (sigmoid, dot with a Value g, ...), or None
#: when it is not (pow, whose derivative treats a constant exponent apart): then
#: the operands are looked at, node by node.
_UNIFORM: dict[tuple[Any, ...], Callable[..., Any] | None] = {}


def _vjp_function(key, parents):
    """The compiled chain-rule terms for a node of ``key = (op, n, g is a number,
    tracing)`` with these parents (see _FUNCTIONS and _UNIFORM)."""
    function = _uniform(key)
    if function is not None:
        return function
    op, n, g_number, traced = key
    fixed = tuple([p._opr is CONSTANT for p in parents])
    return _FUNCTIONS.get((op, fixed, g_number, traced)) or _compile(op, fixed, g_number, traced)


def _uniform(key):
    """The compiled chain-rule terms for ``key = (op, n, g is a number, tracing)``
    when they are the same whichever operands are constant, else None (_UNIFORM)."""
    try:
        return _UNIFORM[key]
    except KeyError:        # (not made yet, or let go of: see remember())
        pass
    # the same text with no operand constant, with all, and (for an op of fixed
    # arity) with each one alone: then it does not matter which ones are
    op, n, g_number, traced = key
    patterns = [(False,) * n, (True,) * n]
    if op.arity is not None:
        patterns += [tuple(i == j for j in range(n)) for i in range(n)]
    sources = {_source(op, fixed, g_number, traced) for fixed in patterns}
    return remember(_UNIFORM, key, _compile(op, (False,) * n, g_number, traced)
                    if len(sources) == 1 else None, op, True)


def _compile(op, fixed, g_number, traced):
    """The Python function ``f(x0, ..., out, g) -> (term, ...)`` of :func:`_source`."""
    namespace = dict(HELPERS, **_RUNTIME)
    source = _source(op, fixed, g_number, traced)
    exec(compile(source, f"<chainrule-vjp:{op.name}>", "exec"), namespace)
    return remember(_FUNCTIONS, (op, fixed, g_number, traced), namespace[f"{op.name}_vjp"], op, True)


def _source(op, fixed, g_number, traced):
    """Python source of ``f(x0, ..., out, g) -> (term, ...)``, which builds the op's
    chain-rule terms from Values, written by :class:`ValueSource`.

    Constant operands (``fixed``) and a g that is a number are read as numbers
    (``x1.data``) when the function runs, so arithmetic on them alone stays
    arithmetic on floats and makes no nodes.  Outside a jit trace a condition
    (``out <= 0`` for relu) is decided on the numbers, so the gradient graph
    holds only the branch taken: its value and all its derivatives are the
    same.  Inside a trace the condition stays in the graph (comparison and
    where nodes), so the generated code takes the right branch for every input.
    """
    n = len(fixed)
    exprs = op.vjp_exprs(n, fixed)
    numbers = {f"x{i}" for i in range(n) if fixed[i]} | ({"g"} if g_number else set())
    writer = ValueSource(n, numbers, traced)
    args = [f"x{i}" for i in range(n)] + ["out", "g"]
    body = ", ".join(writer.term(e) for e in exprs)
    return f"def {op.name}_vjp({', '.join(args)}):\n    return ({body},)\n"


class ValueSource(SourceWriter):
    """Derivative expressions as Python that builds Values (a dialect of
    :class:`autograd.expr_source.SourceWriter`).

    The operands ``x0, x1, ...``, ``out`` and ``g`` are the function's
    arguments; those named in ``numbers`` (constant operands, a g that is a
    number) are read as floats.  A subexpression of numbers only is written by
    the jit's float dialect (:class:`autograd.jit_emit.PythonSource`: IEEE,
    never raises); so is every condition outside a trace, on the operands'
    numbers.  The rest builds nodes: ``+ - *`` are Value's operators, and the
    helpers below spell the cases where a number meets a Value.
    """

    expands = False     # sigmoid_slope stays one node, whose derivative is (1 - 2a)·g

    def __init__(self, n, numbers, traced):
        names = [f"x{i}" for i in range(n)] + ["out", "g"]
        super().__init__({name: name + ".data" if name in numbers and name != "g" else name
                          for name in names})
        self.numbers = numbers
        self.traced = traced
        # on floats: the numbers as they are, the Values by their .data
        self.floats = PythonSource({name: name if name == "g" and name in numbers else
                                    name + ".data" for name in names})

    def is_number(self, expr):
        """True when ``expr`` reads only constants and numbers (no Value)."""
        if expr.kind == "var":
            return expr.value in self.numbers
        return all(map(self.is_number, expr.args))

    def term(self, expr):
        """A chain-rule term: a product of two Values stays a pair (see ``_product``);
        of two operands (a constant one as its node, unless g is a number), written
        as the pair itself: ``(x1, g)``."""
        if expr.kind == "mul":
            a, b = expr.args
            if a.kind == "var" and b.kind == "var" and "g" not in self.numbers:
                return f"({a.value}, {b.value})"
            if not (self.is_number(a) or self.is_number(b)):
                return f"_product({self.write(a)}, {self.write(b)})"
        return self.write(expr)

    def source(self, expr):
        if self.is_number(expr):
            return self.floats.source(expr)
        return super().source(expr)

    def condition(self, expr):
        if not self.traced or self.is_number(expr):
            return self.floats.condition(expr)
        return super().condition(expr)

    def multiply(self, a, b, factors):
        if any(map(self.is_number, factors)):
            return f"_times({a[0]}, {b[0]})", ATOM
        return super().multiply(a, b, factors)

    def divide(self, a, b, divisor):
        return f"_call(DIV, {a[0]}, {b[0]})", ATOM

    def power(self, a, b):
        return f"_pow({a[0]}, {b[0]})", ATOM

    def choose(self, c, x, y):
        if not self.traced:
            return f"({wrap(x, OR)} if {wrap(c, OR)} else {wrap(y, COND)})", ATOM
        return f"_where({c[0]}, lambda: {x[0]}, lambda: {y[0]})", ATOM

    def indicator(self, c):
        if not self.traced:
            return f"(1.0 if {c[0]} else 0.0)", ATOM
        return c

    def compare(self, a, symbol, b):
        return f"_call({_COMPARISON_OPS[symbol]}, {a[0]}, {b[0]})", ATOM

    def both(self, a, b):
        return f"{wrap(a, PROD)} * {wrap(b, PROD + 1)}", PROD

    def truth(self, x):
        return x

    def call(self, op, sources):
        return f"_call({op.name.upper()}, {', '.join(sources)})", ATOM


#: a comparison's symbol (as :data:`autograd.expr.COMPARISONS` writes it) -> its op's name
_COMPARISON_OPS = {symbol: kind.upper() for kind, symbol in E.COMPARISONS.items()}


def _call(op, *args):
    """The node ``op(args)`` (numbers become constants); where the forward has no
    real result (the log of a negative number, a division by 0) the node holds the
    IEEE value, ±inf or nan, as PyTorch's does, and so do its derivatives."""
    try:
        return apply(op, *args)
    except (ArithmeticError, ValueError):
        nodes = tuple(a if isinstance(a, Value) else Value(a, kind="constant") for a in args)
        return make(op.ieee(*(node.data for node in nodes)), nodes, op)


def _pow(a, b):
    """a ** b, with expr's exact rules for a number exponent: a ** 1 is a, a ** 0 is 1."""
    if b.__class__ is float:
        if b == 1.0:
            return a
        if b == 0.0:
            return 1.0
    return _call(ops.POW, a, b)


def _times(a, b):
    """a · b where a factor is a number, with expr's exact rules: 1·b is b, -1·b is -b
    (so a gradient graph has no "× 1" nodes)."""
    if a == 1.0:
        return b
    if b == 1.0:
        return a
    if a == -1.0:
        return -b
    if b == -1.0:
        return -a
    return a * b


def _product(a, b):
    """a·b: the pair ``(a, b)`` when both are Values (several pairs become one dot
    node when a node's contributions are added), else the product itself."""
    if a.__class__ is Value and b.__class__ is Value:
        return (a, b)
    return _times(a, b)


def _where(c, x, y):
    """``x() where c else y()`` inside a jit trace: a where node when c depends on
    the graph (both branches built, each IEEE where it has no real value), else the
    branch c selects."""
    if not isinstance(c, Value):           # (a trace's nodes are TracedValues)
        return x() if c else y()
    return apply(ops.WHERE, c, x(), y())


_RUNTIME: dict[str, Any] = {
    "_call": _call, "_pow": _pow, "_times": _times, "_where": _where, "_product": _product,
    **{op.name.upper(): op for op in ops.OPS.values()}}

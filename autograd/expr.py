"""A small expression language for derivatives: written once, read many ways.

Each op in :mod:`autograd.ops` writes its chain-rule terms ∂out/∂x_i · g as
ordinary Python arithmetic on symbolic variables::

    vjp=lambda z, out, g: ((1 - out * out) * g,)        # tanh

Called once with :class:`Expr` variables, that lambda gives a tree.  The
tree is then *read* by every feature that needs the derivative:

* :func:`evaluate` computes it on floats (IEEE 754: it never raises);
* :mod:`autograd.expr_source` writes it as source (Python, or numpy over arrays);
* :mod:`autograd.notation` prints it in the textbook's notation;
* :mod:`autograd.higher` evaluates it on Values, so a gradient is a graph.

Node kinds are ``"var"``, ``"const"`` and the names of the ops in the op
table (``"add"``, ``"mul"``, ``"sigmoid"``, ``"where"``, ``"gt"``, ...), plus
``"and"`` for a conjunction of conditions.  Conditions (``a > b``,
``eq(a, b)``) are 1.0 or 0.0; ``where(c, x, y)`` is x where c holds, else y,
and never evaluates the other branch (so ``where(n == 0, 0, ...)`` gives 0
even where ``...`` is nan).

The builders simplify only where IEEE arithmetic agrees exactly
(``x * 1 -> x``, ``x ** 1 -> x``, constants folded), so a simplified tree
computes the same bits as the tree it came from.
"""

import math

from . import floats

__all__ = ["Expr", "Var", "var", "const", "call", "where", "eq", "both", "evaluate",
           "substitute", "variables", "lift", "ONE", "ZERO"]


class Expr:
    """One node of a derivative expression: ``kind``, ``args`` and, for
    variables and constants, ``value`` (the variable's name or the number)."""

    __slots__ = ("kind", "args", "value")

    def __init__(self, kind, args=(), value=None):
        self.kind = kind
        self.args = args
        self.value = value

    # -- arithmetic builds trees -------------------------------------------

    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        return sub(other, self)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        return mul(other, self)

    def __truediv__(self, other):
        return div(self, other)

    def __rtruediv__(self, other):
        return div(other, self)

    def __pow__(self, other):
        return power(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __neg__(self):
        return neg(self)

    def __gt__(self, other):
        return compare("gt", self, other)

    def __ge__(self, other):
        return compare("ge", self, other)

    def __lt__(self, other):
        return compare("gt", other, self)

    def __le__(self, other):
        return compare("ge", other, self)

    __hash__ = object.__hash__

    def __bool__(self):
        raise TypeError("a derivative expression has no truth value: use where(c, x, y), "
                        "not if/and/or, inside an op's vjp")

    @property
    def constant(self):
        """True for a number (a constant tree)."""
        return self.kind == "const"

    #: True only for a variable standing for a constant node (see :class:`Var`)
    fixed = False

    def __repr__(self):
        if self.kind == "var":
            return self.value
        if self.kind == "const":
            return repr(self.value)
        return f"{self.kind}({', '.join(map(repr, self.args))})"


class Var(Expr):
    """A variable: an operand ``x0, x1, ...``, ``out`` or ``g``.

    ``fixed`` is True for an operand that is a constant node, so an op's vjp
    can choose a form for it (``x ** 2`` sends no gradient to the 2).
    """

    __slots__ = ("fixed",)

    def __init__(self, name, fixed=False):
        super().__init__("var", (), name)
        self.fixed = fixed


def var(name, fixed=False):
    return Var(name, fixed)


def const(x):
    return Expr("const", value=float(x))


ONE = const(1.0)
ZERO = const(0.0)


def lift(x):
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"expression: expected a number or an Expr, got {type(x).__name__} {floats.short_repr(x)}")
    return const(x)


def _is(x, number):
    return x.kind == "const" and x.value == number and math.copysign(1.0, x.value) == \
        math.copysign(1.0, number)


# ---------------------------------------------------------------------------
# Builders (exact simplifications only)
# ---------------------------------------------------------------------------

def add(x, y):
    x, y = lift(x), lift(y)
    if x.constant and y.constant:
        return const(x.value + y.value)
    return Expr("add", (x, y))


def sub(x, y):
    x, y = lift(x), lift(y)
    if x.constant and y.constant:
        return const(x.value - y.value)
    if _is(y, 0.0):
        return x                    # x - 0.0 is x for every x, -0.0 included
    return Expr("sub", (x, y))


def mul(x, y):
    x, y = lift(x), lift(y)
    if x.constant and y.constant:
        return const(x.value * y.value)
    if _is(x, 1.0):
        return y
    if _is(y, 1.0):
        return x
    if _is(x, -1.0):
        return neg(y)
    if _is(y, -1.0):
        return neg(x)
    return Expr("mul", (x, y))


def div(x, y):
    x, y = lift(x), lift(y)
    if x.constant and y.constant:
        return const(floats.idiv(x.value, y.value))
    if _is(y, 1.0):
        return x
    return Expr("div", (x, y))


def neg(x):
    x = lift(x)
    if x.constant:
        return const(-x.value)
    if x.kind == "neg":
        return x.args[0]
    return Expr("neg", (x,))


def power(x, y):
    x, y = lift(x), lift(y)
    if x.constant and y.constant:
        return const(floats.ipow(x.value, y.value))
    if _is(y, 1.0):
        return x
    if y.constant and y.value == 0.0:
        return ONE                  # x ** ±0 is 1 for every x, nan included
    return Expr("pow", (x, y))


def compare(kind, x, y):
    """``gt`` (x > y), ``ge`` (x >= y) or ``eq`` (x == y), as 1.0 or 0.0."""
    x, y = lift(x), lift(y)
    if x.constant and y.constant:
        return const(_COMPARE[kind](x.value, y.value))
    return Expr(kind, (x, y))


def eq(x, y):
    """x == y as a condition (``==`` itself stays identity for Expr)."""
    return compare("eq", x, y)


def both(c1, c2):
    """The conjunction of two conditions."""
    c1, c2 = lift(c1), lift(c2)
    if c1.constant:
        return c2 if c1.value else ZERO
    if c2.constant:
        return c1 if c2.value else ZERO
    return Expr("and", (c1, c2))


def where(c, x, y):
    """x where the condition c holds (is not 0), else y."""
    c, x, y = lift(c), lift(x), lift(y)
    if c.constant:
        return x if c.value else y
    return Expr("where", (c, x, y))


def call(name, *args):
    """The op called ``name`` applied to ``args`` (``call("sigmoid", z)``)."""
    return Expr(name, tuple(lift(a) for a in args))


_COMPARE = {
    "gt": lambda a, b: 1.0 if a > b else 0.0,
    "ge": lambda a, b: 1.0 if a >= b else 0.0,
    "eq": lambda a, b: 1.0 if a == b else 0.0,
}

#: the comparisons as Python (and numpy) write them
COMPARISONS = {"gt": ">", "ge": ">=", "eq": "=="}

#: how the structural kinds evaluate on floats (IEEE: never raises)
ARITHMETIC = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": floats.idiv,
    "neg": lambda a: -a,
    "pow": floats.ipow,
    "and": lambda a, b: 1.0 if a and b else 0.0,
    **_COMPARE,
}


# ---------------------------------------------------------------------------
# Readers that need no op table
# ---------------------------------------------------------------------------

def evaluate(expr, env, functions):
    """The expression's float value.  ``env`` maps variable names to floats;
    ``functions`` maps op names to float functions (for calls such as
    ``sigmoid``).  Only the chosen branch of a ``where`` is evaluated."""
    kind = expr.kind
    if kind == "const":
        return expr.value
    if kind == "var":
        return env[expr.value]
    if kind == "where":
        c, x, y = expr.args
        return evaluate(x if evaluate(c, env, functions) else y, env, functions)
    args = [evaluate(a, env, functions) for a in expr.args]
    f = ARITHMETIC.get(kind) or functions[kind]
    return f(*args)


def substitute(expr, env):
    """The expression with variables replaced by ``env[name]`` (numbers or
    Exprs), rebuilt with the simplifying builders: a specialised copy."""
    kind = expr.kind
    if kind == "var":
        found = env.get(expr.value, expr)
        return lift(found)
    if kind == "const":
        return expr
    args = [substitute(a, env) for a in expr.args]
    builder = _BUILDERS.get(kind)
    if builder is not None:
        return builder(*args)
    return Expr(kind, tuple(args))


_BUILDERS = {
    "add": add, "sub": sub, "mul": mul, "div": div, "neg": neg, "pow": power,
    "where": where, "and": both,
    "gt": lambda x, y: compare("gt", x, y), "ge": lambda x, y: compare("ge", x, y),
    "eq": lambda x, y: compare("eq", x, y),
}


def variables(expr):
    """The names of the variables the expression reads."""
    found = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.kind == "var":
            found.add(e.value)
        stack.extend(e.args)
    return found

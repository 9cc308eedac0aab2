"""Derivative expressions (:mod:`autograd.expr`) written as source code.

One walker for every target language: :class:`SourceWriter` knows the
expression kinds, Python's precedences and where parentheses go.  A dialect
(a subclass) spells only what differs between targets: products (Python's
``*`` unless a dialect says otherwise), division, powers,
a branch ``where(c, x, y)``, a condition used as a number, the parts of a
condition, and a call of an op.  The scalar jit writes Python
(:class:`autograd.jit_emit.PythonSource`); the numpy backend writes array
code (:class:`autograd.jit_numpy.NumpySource`); higher-order gradients write
Python that builds Values (:class:`autograd.higher.ValueSource`).

Every method returns ``(text, precedence)``: the precedence of the text's
outermost operator, so that an operand is parenthesised only where Python
would read it otherwise.
"""

import math

from . import expr as E
from . import ops

__all__ = ["SourceWriter", "literal", "LITERAL_NAMES", "wrap", "COND", "OR", "AND", "CMP", "SUM", "PROD",
           "UNARY", "ATOM"]

# Python's precedences, low to high
COND, OR, AND, CMP, SUM, PROD, UNARY, ATOM = 0, 1, 2, 4, 5, 6, 7, 9


#: the names :func:`literal` writes: the namespace of every generated program has them
LITERAL_NAMES = {"inf": math.inf, "nan": math.nan}


def literal(x):
    """A float as Python source that is safe as an operand: ``0.5``, ``(-0.3)``, ``inf``."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "(-inf)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def wrap(src, least):
    """The text of ``src = (text, precedence)``, parenthesised if its precedence
    is below ``least``."""
    text, precedence = src
    return text if precedence >= least else f"({text})"


class SourceWriter:
    """``SourceWriter(env).write(expr)``: the source of ``expr``, its variables
    replaced by ``env[name]`` (local names or literals)."""

    #: an op written as an expression of its operands (notation ``("expr", f)``: sigmoid_slope,
    #: a(1 - a)) is written as that expression, the same bits on numbers; a writer that
    #: builds nodes (higher.ValueSource) keeps the op, one node
    expands = True

    def __init__(self, env):
        self.env = env

    def write(self, expr):
        return self.source(expr)[0]

    def source(self, expr):
        """``(text, precedence)`` of a numeric expression."""
        kind = expr.kind
        if kind == "const":
            return literal(expr.value), ATOM
        if kind == "var":
            return self.env[expr.value], ATOM
        args = expr.args
        if kind in ("add", "sub"):
            a, b = map(self.source, args)
            return f"{wrap(a, SUM)} {'+' if kind == 'add' else '-'} {wrap(b, SUM + 1)}", SUM
        if kind == "mul":
            a, b = map(self.source, args)
            return self.multiply(a, b, args)
        if kind == "div":
            a, b = map(self.source, args)
            return self.divide(a, b, args[1])
        if kind == "neg":
            return "-" + wrap(self.source(args[0]), UNARY), UNARY
        if kind == "pow":
            a, b = map(self.source, args)
            return self.power(a, b)
        if kind == "where":
            return self.choose(self.condition(args[0]), self.source(args[1]),
                               self.source(args[2]))
        if kind in E.COMPARISONS or kind == "and":
            return self.indicator(self.condition(expr))
        op = ops.OPS[kind]
        if self.expands and op.notation[0] == "expr":
            return self.source(E.lift(op.notation[1](*args)))
        return self.call(op, [self.source(x)[0] for x in args])

    def condition(self, expr):
        """``(text, precedence)`` of an expression used as a condition."""
        kind = expr.kind
        if kind in E.COMPARISONS:
            a, b = map(self.source, expr.args)
            return self.compare(a, E.COMPARISONS[kind], b)
        if kind == "and":
            a, b = map(self.condition, expr.args)
            return self.both(a, b)
        return self.truth(self.source(expr))

    # -- what a dialect spells ------------------------------------------------

    def multiply(self, a, b, factors):
        """a * b (``factors``: the expressions a and b came from)."""
        return f"{wrap(a, PROD)} * {wrap(b, PROD + 1)}", PROD

    def divide(self, a, b, divisor):
        """a / b (``divisor`` is the expression b came from)."""
        raise NotImplementedError

    def power(self, a, b):
        """a ** b."""
        raise NotImplementedError

    def choose(self, c, x, y):
        """x where the condition c holds, else y."""
        raise NotImplementedError

    def indicator(self, c):
        """1.0 where the condition c holds, else 0.0."""
        raise NotImplementedError

    def compare(self, a, symbol, b):
        """The condition ``a <symbol> b``."""
        raise NotImplementedError

    def both(self, a, b):
        """The condition that both conditions a and b hold."""
        raise NotImplementedError

    def truth(self, x):
        """A number used as a condition: it holds where x is not 0."""
        raise NotImplementedError

    def call(self, op, sources):
        """The op applied to operands given as source."""
        raise NotImplementedError

"""The primitive operations, each defined once.

An op is one :class:`Op` record, and everything chainrule does with an op
reads that record:

forward    the output on floats, ``forward(x0, x1, ...)``, with a clear error
           where the result does not exist (log of a negative number);
backward   the named eager rule ``<name>_backward(node, upstream)``: one
           contribution ∂out/∂x_i · upstream per operand, where upstream is
           ∂root/∂out.  It
           never raises: where a derivative does not exist it gives ±inf or
           nan (IEEE 754, as PyTorch), so a backward pass is never half done.
vjp        the same chain-rule terms written once as an expression over the
           operands, ``out`` and ``g`` = upstream (see :mod:`autograd.expr`).  The jit
           writes code from it, higher-order gradients evaluate it on Values,
           and a test holds every ``<name>_backward`` to it, bit for bit.
local      the local derivative ∂out/∂x_i as a textbook writes it (default:
           ``vjp`` with g = 1); explanations, drawings and steps print it.
notation   how the forward is written (``a + b``, ``σ(z)``, ``|a|``; ``("expr", f)``: as
           f's expression, a(1 - a)); the formula reader reads these too (plain and LaTeX)
aliases    other names a typed formula may call it by (sigmoid: ``s``), and
prime_aliases  names for its derivative (sigmoid: ``d`` = σ')
activation True for an op that ``nn`` offers as an activation (``activation="sin"``)
source     the jit's inline Python for the forward (default: a call of
           ``forward``).

Put a breakpoint on one rule with ``break autograd.ops.sigmoid_backward``.
Adding an op: write its forward and backward, add one :class:`Op` record to
the table, and one line in :mod:`autograd.value` to make it a method.
"""

import copyreg
import math
from operator import mul as _mul

from . import expr as E
from .expr import eq, both, where
from .floats import half_pow, idiv, ilog, ipow, iexp, left_sum

__all__ = ["Op", "OPS", "describe", "OpError"]


class OpError(Exception):
    """Internal: a forward raised; :meth:`Op.error` turns it into the user's error."""


class Op:
    """One primitive operation (or one kind of leaf): see the module docstring.

    name      short identifier, e.g. ``"mul"``; symbol: what a drawing shows (``×``); micrograd: its ``_op`` (``*``)
    arity     the number of operands, or None for n-ary ops (sum, dot)
    ieee      the forward on floats that never raises (for derivative formulas)
    prime     the derivative's name in the textbooks, e.g. ``("σ'", "\\\\sigma'")``
    terms     the forward adds terms (+, −, Σ, dot), where cancelling leaves rounding
              noise that a picture reads as 0: a function node -> the terms' numbers
    """

    __slots__ = ("name", "symbol", "arity", "forward", "backward", "vjp", "local", "ieee",
                 "source", "numpy", "notation", "prime", "doc", "accumulate", "aliases",
                 "prime_aliases", "activation", "terms", "micrograd", "_vjps", "_locals")

    def __init__(self, name, symbol, *, arity=None, forward=None, backward=None, vjp=None,
                 local=None, ieee=None, source=None, numpy=None, notation=None, prime=None,
                 doc="", accumulate=None, aliases=(), prime_aliases=(), activation=False,
                 terms=None, micrograd=None):
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.backward = backward
        self.vjp = vjp
        self.local = local
        self.ieee = ieee or forward
        self.source = source
        self.numpy = numpy
        self.notation = notation
        self.prime = prime
        self.doc = doc
        self.accumulate = accumulate
        self.aliases = tuple(aliases)
        self.prime_aliases = tuple(prime_aliases)
        self.activation = activation
        self.terms, self.micrograd = terms, name if micrograd is None else micrograd
        self._vjps = {}
        self._locals = {}

    @property
    def is_leaf(self):
        return self.backward is None

    def __repr__(self):
        return f"<op {self.name} {self.symbol}>"

    def __reduce__(self):
        """An op of the table pickles and copies as itself (its name, looked up on
        loading), so an unpickled or deep-copied node's ``_opr is CONSTANT`` still
        holds; any other op is copied field by field."""
        if OPS.get(self.name) is self:
            return op_named, (self.name,)
        slots = {key: getattr(self, key) for key in Op.__slots__ if hasattr(self, key)}
        return copyreg.__newobj__, (type(self),), (None, slots)

    # -- the derivative as expressions -------------------------------------

    def operands(self, n, fixed=()):
        """Symbolic operands x0..x(n-1); ``fixed[i]`` marks a constant node."""
        return [E.var(f"x{i}", bool(fixed[i]) if i < len(fixed) else False) for i in range(n)]

    def _instantiate(self, builder, n, fixed, with_g):
        if self.arity is not None and n != self.arity:
            raise ValueError(f"{self.name} takes {self.arity} operands, not {n}")
        xs = self.operands(n, fixed)
        extra = (E.var("out"), E.var("g")) if with_g else (E.var("out"),)
        exprs = builder(*xs, *extra) if self.arity is not None else builder(xs, *extra)
        exprs = tuple(E.lift(e) for e in exprs)
        if len(exprs) != n:
            raise ValueError(f"{self.name}: the derivative gives {len(exprs)} terms for "
                             f"{n} operands")
        return exprs

    def vjp_exprs(self, n, fixed=()):
        """The chain-rule terms ∂out/∂x_i · g for n operands (cached)."""
        key = (n, tuple(map(bool, fixed)))
        found = self._vjps.get(key)
        if found is None:   # (kept: remember(), which bounds an n-ary op's sizes)
            found = remember(self._vjps, key, self._instantiate(self.vjp, n, fixed, True), self)
        return found

    def local_exprs(self, n, fixed=()):
        """The local derivatives ∂out/∂x_i as a textbook writes them (cached)."""
        key = (n, tuple(map(bool, fixed)))
        found = self._locals.get(key)
        if found is None:
            if self.local is not None:
                found = self._instantiate(self.local, n, fixed, False)
            else:
                found = tuple(E.substitute(e, {"g": E.ONE}) for e in self.vjp_exprs(n, fixed))
            remember(self._locals, key, found, self)
        return found

    # -- errors -------------------------------------------------------------

    def error(self, err, operands):
        """The error a forward raised, with ``{0}``, ``{1}`` filled in by the operands'
        descriptions: ``log: input must be > 0, got 'x' = -1.0``."""
        text = str(err)
        try:
            text = text.format(*(describe(o) for o in operands))
        except (IndexError, KeyError, ValueError):
            pass
        return type(err)(f"{self.name}: {text}")


def fixed_operands(node):
    """For each parent of ``node``, whether it is a constant node."""
    return tuple([p._opr is CONSTANT for p in node._prev])


def describe(node):
    """A short human description of a node for error messages: ``'w1' = 0.5``."""
    name = getattr(node, "name", None)
    data = getattr(node, "data", node)
    if name:
        return f"{name!r} = {data!r}"
    op = getattr(node, "_opr", None)
    if op is not None and op.backward is not None:
        return f"an unnamed {op.name} node = {data!r}"
    return f"the constant {data!r}" if op is CONSTANT else f"an unnamed value = {data!r}"


# ---------------------------------------------------------------------------
# Notation kinds (read by autograd.notation)
# ---------------------------------------------------------------------------

def infix(text, precedence):
    return ("infix", text, precedence)


def function(text, latex):
    return ("call", text, latex)


def comparison(text, latex):
    return ("compare", text, latex)


# precedences, shared with autograd.notation
SUM_P, MUL_P, NEG_P, POW_P, ATOM = 1, 2, 3, 4, 5


# ---------------------------------------------------------------------------
# The ops, one section each: forward, backward rule, record
# ---------------------------------------------------------------------------

# -- add ---------------------------------------------------------------------

def _parents_data(node):
    """The terms of a + b, a − b and Σ: the operands' numbers."""
    return [p.data for p in node._prev]


def add_forward(a, b):
    return a + b


def add_backward(node, upstream):
    """c = a + b:  ∂c/∂a = 1,  ∂c/∂b = 1."""
    return (upstream, upstream)


ADD = Op("add", "+", arity=2, forward=add_forward, backward=add_backward,
         vjp=lambda a, b, out, g: (g, g), terms=_parents_data,
         notation=infix("+", SUM_P), source="{0} + {1}", numpy="{0} + {1}",
         doc="a + b", micrograd="+")


# -- sub ---------------------------------------------------------------------

def sub_forward(a, b):
    return a - b


def sub_backward(node, upstream):
    """c = a - b:  ∂c/∂a = 1,  ∂c/∂b = -1."""
    return (upstream, -upstream)


SUB = Op("sub", "−", arity=2, forward=sub_forward, backward=sub_backward,
         vjp=lambda a, b, out, g: (g, -g), terms=_parents_data,
         notation=infix("-", SUM_P), source="{0} - {1}", numpy="{0} - {1}",
         doc="a - b", micrograd="-")


# -- mul ---------------------------------------------------------------------

def mul_forward(a, b):
    return a * b


def mul_backward(node, upstream):
    """c = a·b:  ∂c/∂a = b,  ∂c/∂b = a."""
    a, b = node._prev
    return (b.data * upstream, a.data * upstream)


MUL = Op("mul", "×", arity=2, forward=mul_forward, backward=mul_backward,
         vjp=lambda a, b, out, g: (b * g, a * g),
         notation=infix("·", MUL_P), source="{0} * {1}", numpy="{0} * {1}",
         doc="a · b", micrograd="*")


# -- div ---------------------------------------------------------------------

def div_forward(a, b):
    if b == 0.0:
        raise ZeroDivisionError("division by zero in ({0}) / ({1})")
    return a / b


def div_backward(node, upstream):
    """c = a/b:  ∂c/∂a = 1/b,  ∂c/∂b = -a/b² (computed as -(c/b), which cannot
    overflow)."""
    b = node._prev[1].data
    c = node.data
    if b:
        return (upstream / b, -(c / b) * upstream)
    return (idiv(upstream, b), -idiv(c, b) * upstream)


DIV = Op("div", "÷", arity=2, forward=div_forward, backward=div_backward,
         vjp=lambda a, b, out, g: (g / b, -(out / b) * g),
         local=lambda a, b, out: (1 / b, -(a / b ** 2)),
         ieee=idiv, notation=infix("/", MUL_P), source="{0} / {1}", numpy="{0} / {1}",
         doc="a / b", micrograd="/")


# -- neg ---------------------------------------------------------------------

def neg_forward(a):
    return -a


def neg_backward(node, upstream):
    """c = -a:  ∂c/∂a = -1."""
    return (-upstream,)


NEG = Op("neg", "−", arity=1, forward=neg_forward, backward=neg_backward,
         vjp=lambda a, out, g: (-g,),
         notation=("prefix", "-", NEG_P), source="-{0}", numpy="-{0}",
         doc="-a")


# -- pow ---------------------------------------------------------------------

def pow_forward(base, exponent):
    """base ** exponent for real results; clear errors naming the operands.
    base ** ±0.5 is √base and 1/√base, as PyTorch's (see floats.half_pow)."""
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError("0 cannot be raised to a negative power: base {0}, exponent {1}")
    if base < 0.0 and math.isfinite(base) and math.isfinite(exponent) and \
            not exponent.is_integer():   # (-inf) ** 1.5 is inf in IEEE 754, as PyTorch
        raise ValueError("a negative base needs an integer exponent (the result would be "
                         "complex): base {0}, exponent {1}")
    if exponent == 0.5 or exponent == -0.5:
        return half_pow(base, exponent)
    try:
        return base ** exponent
    except OverflowError:
        raise OverflowError("result overflows a float: base {0}, exponent {1}") from None


def pow_backward(node, upstream):
    """c = a^n:  ∂c/∂a = n·a^(n-1) (0 for n = 0),  ∂c/∂n = a^n·ln a (0 at a = 0, n >= 0;
    none for a fixed exponent such as the 2 of x**2)."""
    base, exponent = node._prev
    a, n = base.data, exponent.data
    d_base = 0.0 if n == 0.0 else n * ipow(a, n - 1.0) * upstream
    if exponent._opr is CONSTANT:
        return (d_base, 0.0)
    return (d_base, upstream * (0.0 if a == 0.0 and n >= 0.0 else node.data * ilog(a)))


def _pow_vjp(a, n, out, g):
    d_base = where(eq(n, 0), 0, n * a ** (n - 1) * g)
    if n.fixed:
        return (d_base, 0)
    return (d_base, g * where(both(eq(a, 0), n >= 0), 0, out * E.call("log", a)))


def _pow_source(a, parents):
    """Inline ``a ** n`` for a fixed integer exponent (real for every base, errors
    as the forward's); otherwise the generated code calls pow_forward."""
    n = parents[1]
    if n._opr is CONSTANT and math.isfinite(n.data) and n.data.is_integer():
        return f"{a[0]} ** {a[1]}"
    return None


POW = Op("pow", "^", arity=2, forward=pow_forward, backward=pow_backward, vjp=_pow_vjp,
         source=_pow_source,
         local=lambda a, n, out: (n * a ** (n - 1), 0 if n.fixed else out * E.call("log", a)),
         ieee=ipow, notation=("pow",), numpy="np_pow({0}, {1})",
         doc="a ** n", micrograd="**")


# -- exp ---------------------------------------------------------------------

def exp_forward(x):
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"e^{x!r} overflows a float (input {{0}}); inputs above about "
                            f"709.78 cannot be exponentiated") from None


def exp_backward(node, upstream):
    """c = e^a:  ∂c/∂a = e^a = c."""
    return (node.data * upstream,)


EXP = Op("exp", "exp", arity=1, forward=exp_forward, backward=exp_backward,
         vjp=lambda a, out, g: (out * g,), ieee=iexp,
         notation=function("exp", "\\exp"), source="exp({0})", numpy="np.exp({0})",
         doc="e^a")


# -- log ---------------------------------------------------------------------

def log_forward(x):
    if x <= 0.0:
        raise ValueError("input must be > 0, got {0}")
    return math.log(x)  # nan stays nan


def log_backward(node, upstream):
    """c = ln a:  ∂c/∂a = 1/a."""
    a = node._prev[0].data
    return (upstream / a if a else idiv(upstream, a),)


LOG = Op("log", "log", arity=1, forward=log_forward, backward=log_backward,
         vjp=lambda a, out, g: (g / a,), local=lambda a, out: (1 / a,), ieee=ilog,
         notation=function("ln", "\\ln"), source="log({0})", numpy="np.log({0})",
         doc="ln a (a > 0)")


# -- sigmoid -----------------------------------------------------------------

def sigmoid_forward(z):
    """σ(z) = 1/(1 + e^-z) without overflow; σ(-710) is e^-710, subnormal (PyTorch rounds it to 0)."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # z < 0 (or nan), so e < 1: no overflow
    return e / (1.0 + e)


def sigmoid_backward(node, upstream):
    """a = σ(z):  ∂a/∂z = σ(z)(1 - σ(z)) = a(1 - a)."""
    a = node.data
    local = a * (1.0 - a)
    return (local * upstream,)


SIGMOID = Op("sigmoid", "σ", arity=1, forward=sigmoid_forward, backward=sigmoid_backward,
             vjp=lambda z, out, g: (E.call("sigmoid_slope", out) * g,),
             local=lambda z, out: (out * (1 - out),),
             notation=function("σ", "\\sigma"), prime=("σ'", "\\sigma'"),
             aliases=("s",), prime_aliases=("d",),   # the Desmos question: d = s(1 - s)
             activation=True,
             source="1.0 / (1.0 + exp(-{0})) if {0} >= 0.0 else (_e := exp({0})) / (1.0 + _e)",
             numpy="np_sigmoid({0})",
             doc="σ(z) = 1/(1 + e^-z), stable for every z")


# -- tanh --------------------------------------------------------------------

def tanh_backward(node, upstream):
    """a = tanh z:  ∂a/∂z = 1 - tanh²z = 1 - a²."""
    a = node.data
    local = 1.0 - a * a
    return (local * upstream,)


TANH = Op("tanh", "tanh", arity=1, forward=math.tanh, backward=tanh_backward,
          vjp=lambda z, out, g: ((1 - out * out) * g,),
          local=lambda z, out: (1 - out ** 2,),
          notation=function("tanh", "\\tanh"), prime=("tanh'", "\\tanh'"), activation=True,
          source="tanh({0})", numpy="np.tanh({0})",
          doc="tanh z")


# -- relu --------------------------------------------------------------------

def relu_forward(x):
    return 0.0 if x < 0.0 else x  # relu(nan) is nan


def relu_backward(node, upstream):
    """a = max(0, z):  ∂a/∂z = 1 if z > 0 else 0 (0 at z = 0; a nan passes the
    gradient on, as PyTorch)."""
    return (0.0 if node.data <= 0.0 else upstream,)


RELU = Op("relu", "ReLU", arity=1, forward=relu_forward, backward=relu_backward,
          vjp=lambda z, out, g: (where(out <= 0, 0, g),),
          local=lambda z, out: (where(z > 0, 1, 0),),
          notation=function("ReLU", "\\operatorname{ReLU}"), activation=True,
          source="0.0 if {0} < 0.0 else {0}", numpy="np.maximum({0}, 0.0)",
          doc="max(0, z)", micrograd="ReLU")


# -- abs ---------------------------------------------------------------------

def abs_backward(node, upstream):
    """c = |a|:  ∂c/∂a = sign(a) (0 at a = 0)."""
    a = node._prev[0].data
    return (upstream * (1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)),)


ABS = Op("abs", "|·|", arity=1, forward=abs, backward=abs_backward,
         vjp=lambda a, out, g: (g * E.call("sign", a),),
         notation=("abs",), source="abs({0})", numpy="np.abs({0})",
         doc="|a|")


# -- sqrt --------------------------------------------------------------------

def sqrt_forward(x):
    if x < 0.0:
        raise ValueError("input must be >= 0, got {0}")
    return math.sqrt(x)  # nan stays nan


def _sqrt_ieee(x):
    return math.sqrt(x) if x >= 0.0 else math.nan


def sqrt_backward(node, upstream):
    """c = √a:  ∂c/∂a = 1/(2√a) (inf at a = 0)."""
    two_c = 2.0 * node.data
    return (upstream / two_c if two_c else idiv(upstream, two_c),)


SQRT = Op("sqrt", "√", arity=1, forward=sqrt_forward, backward=sqrt_backward,
          vjp=lambda a, out, g: (g / (2 * out),), ieee=_sqrt_ieee,
          notation=("sqrt",), source="sqrt({0})", numpy="np.sqrt({0})",
          doc="√a (a >= 0)")


# -- softplus ----------------------------------------------------------------

def softplus_forward(a):
    """ln(1 + e^a) = max(a, 0) + ln(1 + e^-|a|): finite for every finite a."""
    return (a if a > 0.0 else 0.0) + math.log1p(math.exp(-abs(a)))


def softplus_backward(node, upstream):
    """c = ln(1 + e^a):  ∂c/∂a = σ(a)."""
    local = sigmoid_forward(node._prev[0].data)
    return (local * upstream,)


SOFTPLUS = Op("softplus", "softplus", arity=1, forward=softplus_forward,
              backward=softplus_backward,
              vjp=lambda a, out, g: (E.call("sigmoid", a) * g,),
              notation=function("softplus", "\\operatorname{softplus}"),
              numpy="np.maximum({0}, 0.0) + np.log1p(np.exp(-np.abs({0})))",
              doc="ln(1 + e^a), finite for every finite a")


# -- sin, cos, tan -----------------------------------------------------------

def _finite(x):
    """x itself, refusing ±inf (where sin, cos and tan have no limit); nan flows."""
    if x - x != 0.0 and x == x:
        raise ValueError("input must be finite, got {0}")
    return x


def _nan_at_inf(f, x):
    """f(x), and nan at ±inf (the IEEE value, as PyTorch gives)."""
    return f(x) if x - x == 0.0 else math.nan


def sin_forward(x):
    return math.sin(_finite(x))


def _sin_ieee(x):
    return _nan_at_inf(math.sin, x)


def sin_backward(node, upstream):
    """c = sin a:  ∂c/∂a = cos a."""
    return (_cos_ieee(node._prev[0].data) * upstream,)


SIN = Op("sin", "sin", arity=1, forward=sin_forward, backward=sin_backward,
         vjp=lambda a, out, g: (E.call("cos", a) * g,), ieee=_sin_ieee,
         notation=function("sin", "\\sin"), numpy="np.sin({0})", activation=True,
         doc="sin a (a finite)")


def cos_forward(x):
    return math.cos(_finite(x))


def _cos_ieee(x):
    return _nan_at_inf(math.cos, x)


def cos_backward(node, upstream):
    """c = cos a:  ∂c/∂a = -sin a."""
    return (-_sin_ieee(node._prev[0].data) * upstream,)


COS = Op("cos", "cos", arity=1, forward=cos_forward, backward=cos_backward,
         vjp=lambda a, out, g: (-E.call("sin", a) * g,), ieee=_cos_ieee,
         notation=function("cos", "\\cos"), numpy="np.cos({0})",
         doc="cos a (a finite)")


def tan_forward(x):
    """tan a; at the float nearest an odd multiple of π/2 it is large and finite
    (IEEE 754, as PyTorch): no float is exactly π/2."""
    return math.tan(_finite(x))


def _tan_ieee(x):
    return _nan_at_inf(math.tan, x)


def tan_backward(node, upstream):
    """c = tan a:  ∂c/∂a = 1 + tan²a = 1 + c² (as PyTorch)."""
    c = node.data
    return ((1.0 + c * c) * upstream,)


TAN = Op("tan", "tan", arity=1, forward=tan_forward, backward=tan_backward,
         vjp=lambda a, out, g: ((1 + out * out) * g,), local=lambda a, out: (1 + out ** 2,),
         ieee=_tan_ieee, notation=function("tan", "\\tan"), numpy="np.tan({0})",
         doc="tan a (a finite)")


# -- maximum, minimum --------------------------------------------------------

def maximum_forward(a, b):
    """The larger of a and b; nan if either is nan (as PyTorch's maximum)."""
    if a != a or b != b:
        return a + b  # nan
    return a if a >= b else b


def maximum_backward(node, upstream):
    """c = max(a, b):  ∂c/∂a = [a > b], ∂c/∂b = [b > a]; a tie splits the
    upstream gradient in half (as PyTorch), a nan passes it to both."""
    a, b = node._prev[0].data, node._prev[1].data
    share = upstream / 2.0 if a == b else upstream
    return (0.0 if a < b else share, 0.0 if a > b else share)


def minimum_forward(a, b):
    """The smaller of a and b; nan if either is nan (as PyTorch's minimum)."""
    if a != a or b != b:
        return a + b  # nan
    return a if a <= b else b


def minimum_backward(node, upstream):
    """c = min(a, b):  ∂c/∂a = [a < b], ∂c/∂b = [b < a]; a tie splits the upstream
    gradient in half."""
    a, b = node._prev[0].data, node._prev[1].data
    share = upstream / 2.0 if a == b else upstream
    return (0.0 if a > b else share, 0.0 if a < b else share)


def _tie_share(a, b, g):
    return where(eq(a, b), g / 2, g)


MAXIMUM = Op("maximum", "max", arity=2, forward=maximum_forward, backward=maximum_backward,
             vjp=lambda a, b, out, g: (where(a < b, 0, _tie_share(a, b, g)),
                                       where(a > b, 0, _tie_share(a, b, g))),
             local=lambda a, b, out: (where(a > b, 1, 0) + 0.5 * where(eq(a, b), 1, 0),
                                      where(b > a, 1, 0) + 0.5 * where(eq(a, b), 1, 0)),
             notation=function("max", "\\max"), numpy="np.maximum({0}, {1})",
             doc="the larger of a and b")

MINIMUM = Op("minimum", "min", arity=2, forward=minimum_forward, backward=minimum_backward,
             vjp=lambda a, b, out, g: (where(a > b, 0, _tie_share(a, b, g)),
                                       where(a < b, 0, _tie_share(a, b, g))),
             local=lambda a, b, out: (where(a < b, 1, 0) + 0.5 * where(eq(a, b), 1, 0),
                                      where(b < a, 1, 0) + 0.5 * where(eq(a, b), 1, 0)),
             notation=function("min", "\\min"), numpy="np.minimum({0}, {1})",
             doc="the smaller of a and b")


# -- n-ary: sum and dot ------------------------------------------------------

def sum_forward(*terms):
    return left_sum(terms)


def sum_backward(node, upstream):
    """s = Σ_i a_i:  ∂s/∂a_i = 1."""
    return (upstream,) * len(node._prev)


SUM = Op("sum", "Σ", forward=sum_forward, backward=sum_backward,
         vjp=lambda xs, out, g: (g,) * len(xs), terms=_parents_data,
         notation=("sum",), doc="Σ_i a_i")


def dot_forward(*parents):
    """z = Σ_k w_k a_k (+ b) from the parents (w_1..w_n, a_1..a_n[, b])."""
    n = len(parents) // 2
    z = left_sum(map(_mul, parents[:n], parents[n:2 * n]))
    return z + parents[2 * n] if len(parents) & 1 else z


def dot_backward(node, upstream):
    """z = Σ_k w_k a_k (+ b), parents (w_1..w_n, a_1..a_n[, b]):
    ∂z/∂w_k = a_k,  ∂z/∂a_k = w_k,  ∂z/∂b = 1."""
    parents = node._prev
    n = len(parents) // 2
    # ∂z/∂w_k is the matching input and ∂z/∂a_k the matching weight: swap halves
    contributions = [p.data * upstream for p in parents[n:2 * n] + parents[:n]]
    if len(parents) & 1:
        contributions.append(upstream)
    return contributions


class SharedParents(tuple):
    """The parents of a dot node in which one node is both a weight and an
    input (``dot([x, y], [y, x])``): :func:`dot_accumulate` adds their
    contributions in parents order, all weights first."""

    __slots__ = ()


def dot_terms(node):
    """The terms of Σ_k w_k a_k + b: each w_k·a_k, and b."""
    parents = node._prev
    n = len(parents) // 2
    return [w.data * a.data for w, a in zip(parents[:n], parents[n:2 * n])] + \
        [p.data for p in parents[2 * n:]]


def dot_accumulate(node, upstream):
    """dot_backward's contributions added straight into the parents' grads:
    w_k gets a_k·upstream, a_k gets w_k·upstream, b gets upstream.

    Every parent receives its contributions in parents order.  When no node is
    both a weight and an input, one loop over the pairs (w_k, a_k) does that;
    otherwise (:class:`SharedParents`) the weights' loop comes first."""
    parents = node._prev
    n = len(parents) // 2
    inputs = parents[n:2 * n]   # zip(parents, inputs) pairs w_k with a_k, then stops
    if parents.__class__ is tuple:
        for w, a in zip(parents, inputs):
            w.grad += a.data * upstream
            a.grad += w.data * upstream
    else:
        for w, a in zip(parents, inputs):
            w.grad += a.data * upstream
        for w, a in zip(parents, inputs):
            a.grad += w.data * upstream
    if len(parents) & 1:
        parents[2 * n].grad += upstream


def _dot_vjp(xs, out, g):
    n = len(xs) // 2
    terms = [x * g for x in xs[n:2 * n]] + [w * g for w in xs[:n]]
    return terms + [g] * (len(xs) & 1)


DOT = Op("dot", "Σw·a", forward=dot_forward, backward=dot_backward, vjp=_dot_vjp,
         accumulate=dot_accumulate, terms=dot_terms,
         notation=("dot",), doc="Σ_k w_k a_k + b, one neuron's weighted input")


# -- the pieces derivative formulas are made of (sign, comparisons, where) ----

def sign_forward(a):
    """1.0, -1.0 or 0.0 (0.0 also for ±0 and nan, as PyTorch's sign of a real)."""
    return 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)


def sign_backward(node, upstream):
    """c = sign(a): flat, ∂c/∂a = 0."""
    return (0.0,)


SIGN = Op("sign", "sign", arity=1, forward=sign_forward, backward=sign_backward,
          vjp=lambda a, out, g: (0,), notation=function("sign", "\\operatorname{sign}"),
          source="1.0 if {0} > 0.0 else (-1.0 if {0} < 0.0 else 0.0)",
          numpy="np.where({0} > 0.0, 1.0, np.where({0} < 0.0, -1.0, 0.0))",
          doc="1, -1 or 0 by the sign of a")


def gt_backward(node, upstream):
    """c = [a > b]: flat, ∂c/∂a = ∂c/∂b = 0."""
    return (0.0, 0.0)


def ge_backward(node, upstream):
    """c = [a ≥ b]: flat, ∂c/∂a = ∂c/∂b = 0."""
    return (0.0, 0.0)


def eq_backward(node, upstream):
    """c = [a = b]: flat, ∂c/∂a = ∂c/∂b = 0."""
    return (0.0, 0.0)


GT = Op("gt", ">", arity=2, forward=lambda a, b: 1.0 if a > b else 0.0,
        backward=gt_backward, vjp=lambda a, b, out, g: (0, 0),
        notation=comparison(">", ">"), source="1.0 if {0} > {1} else 0.0",
        numpy="np.where({0} > {1}, 1.0, 0.0)",
        doc="[a > b]")
GE = Op("ge", "≥", arity=2, forward=lambda a, b: 1.0 if a >= b else 0.0,
        backward=ge_backward, vjp=lambda a, b, out, g: (0, 0),
        notation=comparison("≥", "\\geq"), source="1.0 if {0} >= {1} else 0.0",
        numpy="np.where({0} >= {1}, 1.0, 0.0)",
        doc="[a ≥ b]")
EQ = Op("eq", "=", arity=2, forward=lambda a, b: 1.0 if a == b else 0.0,
        backward=eq_backward, vjp=lambda a, b, out, g: (0, 0),
        notation=comparison("=", "="), source="1.0 if {0} == {1} else 0.0",
        numpy="np.where({0} == {1}, 1.0, 0.0)",
        doc="[a = b]")


def where_forward(c, x, y):
    return x if c else y


def where_backward(node, upstream):
    """out = x where c else y:  ∂out/∂x = [c],  ∂out/∂y = [not c],  ∂out/∂c = 0."""
    return (0.0, upstream, 0.0) if node._prev[0].data else (0.0, 0.0, upstream)


WHERE = Op("where", "where", arity=3, forward=where_forward, backward=where_backward,
           vjp=lambda c, x, y, out, g: (0, where(c, g, 0), where(c, 0, g)),
           local=lambda c, x, y, out: (0, where(c, 1, 0), 1 - where(c, 1, 0)),
           notation=("where",), source="{1} if {0} else {2}",
           numpy="np.where({0} != 0.0, {1}, {2})",
           doc="x where c else y")


def sigmoid_slope_forward(a):
    """a(1 - a): σ'(z) from a = σ(z)."""
    return a * (1.0 - a)


def sigmoid_slope_backward(node, upstream):
    """c = a(1 - a):  ∂c/∂a = 1 - 2a."""
    return (upstream * (1.0 - 2.0 * node._prev[0].data),)


SIGMOID_SLOPE = Op("sigmoid_slope", "σ'", arity=1, forward=sigmoid_slope_forward,
                   backward=sigmoid_slope_backward, vjp=lambda a, out, g: (g * (1 - 2 * a),),
                   notation=("expr", lambda a: a * (1 - a)),
                   source="{0} * (1.0 - {0})", numpy="({0}) * (1.0 - ({0}))",
                   doc="a(1 - a), σ'(z) from a = σ(z): one node, as PyTorch's sigmoid_backward, "
                       "so that its derivative is (1 - 2a)·g, never ∞ - ∞")

#: the ops that only gradient graphs build (grad(..., create_graph=True)); no Value method makes them
FORMULA_PIECES = (SIGN, GT, GE, EQ, WHERE, SIGMOID_SLOPE)


# ---------------------------------------------------------------------------
# Leaves and the table
# ---------------------------------------------------------------------------

LEAF = Op("leaf", "", doc="an input", micrograd="")
PARAMETER = Op("parameter", "", doc="a trainable parameter", micrograd="")
CONSTANT = Op("constant", "", doc="a fixed number", micrograd="")
DETACHED = Op("detached", "", doc="computed under no_grad(): a number with no graph behind it", micrograd="")

#: every op by name, leaves included: each Op record defined in this module
OPS = {op.name: op for op in list(globals().values()) if isinstance(op, Op)}


def op_named(name):
    """The op of the table called ``name`` (how a pickled graph finds its ops again)."""
    return OPS[name]


def micrograd_op(node):
    """micrograd's ``_op`` of ``node``: its op's ``micrograd`` text ('+', '*', 'tanh', 'ReLU';
    '' for a leaf), with a constant exponent written in as micrograd's f'**{other}' does
    ('**2', '**-1', '**0.5')."""
    op = node._opr
    if op is POW and node._prev[1]._opr is CONSTANT:
        n = repr(node._prev[1].data)
        return "**" + (n[:-2] if n.endswith(".0") else n)
    return op.micrograd


#: op name -> the float function that never raises (what derivative formulas call)
IEEE = {op.name: op.ieee for op in OPS.values() if op.ieee is not None}


#: how many operand counts (and patterns of constants) a cache keeps for an n-ary op:
#: sum and dot take any number of operands, and one entry per size would grow without
#: end in a program of many sizes (a compiled function of n arguments each, in autograd.higher)
VARIADIC_KEPT = 64


def remember(cache, key, value, op, many_ops=False):
    """``cache[key] = value``, returned.  For an n-ary ``op`` (``arity`` None) the cache
    first lets go of that op's entries once it holds VARIADIC_KEPT of them (they are made
    again when asked for), so that memory stays flat however many sizes a program uses.
    ``many_ops``: the cache holds every op's entries, keyed ``(op, ...)``; else only op's."""
    if op.arity is None:
        entries = [k for k in list(cache) if k[0] is op] if many_ops else list(cache)
        if len(entries) >= VARIADIC_KEPT:
            for k in entries:
                cache.pop(k, None)
    cache[key] = value
    return value


def evaluate_vjp(node, g, numbers=None):
    """The record's chain-rule terms for ``node`` on floats: what ``backward`` must equal.
    ``numbers``: ``(out, (x0, x1, ...))`` to use instead of the nodes' data now."""
    op = node._opr
    exprs = op.vjp_exprs(len(node._prev), fixed_operands(node))
    out, xs = numbers if numbers is not None else (node.data, [p.data for p in node._prev])
    env = {f"x{i}": x for i, x in enumerate(xs)}
    env["out"], env["g"] = out, g
    return tuple(E.evaluate(e, env, IEEE) for e in exprs)


def local_values(node, numbers=None):
    """The local derivatives ∂node/∂parent_i as numbers: the record's vjp at g = 1,
    bit for bit the eager rule's (test_op_coverage holds them equal), evaluated
    without calling the rule, so that a breakpoint on ``sigmoid_backward`` stops
    only where a pass applies it, with the node's upstream gradient.  ``numbers``:
    the node's and its parents' data as they were (:func:`data_now`)."""
    return tuple(map(float, evaluate_vjp(node, 1.0, numbers)))


def data_now(node):
    """``(node.data, (parent.data, ...))``: what its local derivatives are worked out at."""
    return node.data, tuple([p.data for p in node._prev])

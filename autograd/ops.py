"""The primitive operations: one record per op, one named rule per derivative.

Every node of a computation graph points at one shared :class:`Op` record.
The record holds what a person needs to read the node: its name, the symbol
drawn for it, and the local derivative of its output with respect to each
parent written the way the textbooks write it (``σ(z)(1-σ(z))``).

The backward rule of an op is a module-level function ``<name>_backward(node,
upstream)``.  It returns one contribution ``local * upstream`` per parent, in
the order of ``node.parents``, where ``upstream`` is d(root)/d(node) and
``local`` is d(node)/d(parent).  Rules never raise: where a derivative does
not exist they return ``inf`` or ``nan`` (IEEE style) so that a backward pass
is never left half done.  Because every rule computes ``local * upstream``
with ``local`` independent of ``upstream``, ``rule(node, 1.0)`` gives the
local derivatives themselves; the step-by-step view uses exactly that.

Put a breakpoint on one rule with ``break autograd.ops.sigmoid_backward``.
"""

import math

__all__ = ["Op", "OPS", "describe"]


class Op:
    """One primitive operation (or one kind of leaf).

    name      short identifier, e.g. ``"mul"``
    symbol    what a drawing shows, e.g. ``"×"``
    backward  the named rule ``f(node, upstream) -> contributions``; ``None`` for leaves
    rules     the local derivative d(out)/d(parent_i) in the textbook's notation,
              one string per parent position (``"*"`` repeats for n-ary ops)
    """

    __slots__ = ("name", "symbol", "backward", "rules")

    def __init__(self, name, symbol, backward=None, rules=()):
        self.name = name
        self.symbol = symbol
        self.backward = backward
        self.rules = rules

    @property
    def is_leaf(self):
        return self.backward is None

    def __repr__(self):
        return f"<op {self.name} {self.symbol}>"


def describe(node):
    """A short human description of a node for error messages: ``'w1' = 0.5``."""
    name = getattr(node, "name", None)
    data = getattr(node, "data", node)
    if name:
        return f"{name!r} = {data!r}"
    op = getattr(node, "_op", None)
    if op is not None and op.backward is not None:
        return f"an unnamed {op.name} node = {data!r}"
    return f"an unnamed value = {data!r}"


# ---------------------------------------------------------------------------
# Forward helpers that need care (stability, clear errors).  Plain arithmetic
# lives inline in the Value dunders because it is the hot path.
# ---------------------------------------------------------------------------

def stable_sigmoid(z):
    """σ(z) = 1 / (1 + e^-z) without overflow for any finite z."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # z < 0, so e < 1: no overflow
    return e / (1.0 + e)


def checked_exp(x, node):
    """e^x, with an OverflowError that names the node instead of 'math range error'."""
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(
            f"exp: e^{x!r} overflows a float (input {describe(node)}); "
            f"inputs above about 709.78 cannot be exponentiated") from None


def checked_log(x, node):
    """ln x for x > 0; a ValueError naming the node otherwise."""
    if not x > 0.0:
        raise ValueError(f"log: input must be > 0, got {describe(node)}")
    return math.log(x)


def checked_sqrt(x, node):
    """√x for x >= 0; a ValueError naming the node otherwise."""
    if not x >= 0.0:
        raise ValueError(f"sqrt: input must be >= 0, got {describe(node)}")
    return math.sqrt(x)


def checked_div(a, b, num, den):
    """a / b, with a ZeroDivisionError that names both operands."""
    if b == 0.0:
        raise ZeroDivisionError(
            f"div: division by zero in ({describe(num)}) / ({describe(den)})")
    return a / b


def checked_pow(base, exponent, base_node, exponent_node):
    """base ** exponent for real results; clear errors naming the operands."""
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(
            f"pow: 0 cannot be raised to a negative power: base {describe(base_node)}, "
            f"exponent {describe(exponent_node)}")
    if base < 0.0 and exponent != int(exponent):
        raise ValueError(
            f"pow: a negative base needs an integer exponent (the result would be complex): "
            f"base {describe(base_node)}, exponent {describe(exponent_node)}")
    try:
        return base ** exponent
    except OverflowError:
        raise OverflowError(
            f"pow: result overflows a float: base {describe(base_node)}, "
            f"exponent {describe(exponent_node)}") from None


# ---------------------------------------------------------------------------
# Backward rules: d(root)/d(parent_i) += local_i * upstream
# ---------------------------------------------------------------------------

def add_backward(node, upstream):
    """c = a + b:  ∂c/∂a = 1,  ∂c/∂b = 1."""
    local = 1.0
    return (local * upstream, local * upstream)


def sub_backward(node, upstream):
    """c = a - b:  ∂c/∂a = 1,  ∂c/∂b = -1."""
    return (1.0 * upstream, -1.0 * upstream)


def mul_backward(node, upstream):
    """c = a·b:  ∂c/∂a = b,  ∂c/∂b = a."""
    a, b = node._prev
    return (b.data * upstream, a.data * upstream)


def div_backward(node, upstream):
    """c = a/b:  ∂c/∂a = 1/b,  ∂c/∂b = -a/b²."""
    a, b = node._prev
    local_a = 1.0 / b.data
    local_b = -a.data / (b.data * b.data)
    return (local_a * upstream, local_b * upstream)


def neg_backward(node, upstream):
    """c = -a:  ∂c/∂a = -1."""
    return (-1.0 * upstream,)


def pow_backward(node, upstream):
    """c = a^n:  ∂c/∂a = n·a^(n-1),  ∂c/∂n = a^n · ln a."""
    base, exponent = node._prev
    a, n = base.data, exponent.data
    if a == 0.0 and n < 1.0:
        # the slope of a^n at 0 for 0 < n < 1 is infinite; n = 0 gives a constant
        local_base = 0.0 if n == 0.0 else math.inf
    else:
        local_base = n * a ** (n - 1.0)
    if exponent._op is CONSTANT:
        local_exponent = 0.0  # a fixed number (x**2): no slope, as the drawing says
    elif a > 0.0:
        local_exponent = node.data * math.log(a)
    elif a == 0.0:
        local_exponent = 0.0  # the limit of a^n · ln a at a = 0
    else:
        local_exponent = math.nan  # ln of a negative base is not real
    return (local_base * upstream, local_exponent * upstream)


def exp_backward(node, upstream):
    """c = e^a:  ∂c/∂a = e^a = c."""
    local = node.data
    return (local * upstream,)


def log_backward(node, upstream):
    """c = ln a:  ∂c/∂a = 1/a."""
    (a,) = node._prev
    local = 1.0 / a.data
    return (local * upstream,)


def sigmoid_backward(node, upstream):
    """a = σ(z):  ∂a/∂z = σ(z)(1 - σ(z)) = a(1 - a)."""
    a = node.data
    local = a * (1.0 - a)
    return (local * upstream,)


def tanh_backward(node, upstream):
    """a = tanh z:  ∂a/∂z = 1 - tanh²z = 1 - a²."""
    a = node.data
    local = 1.0 - a * a
    return (local * upstream,)


def relu_backward(node, upstream):
    """a = max(0, z):  ∂a/∂z = 1 if z > 0 else 0 (0 at z = 0, as PyTorch)."""
    local = 1.0 if node.data > 0.0 else 0.0
    return (local * upstream,)


def abs_backward(node, upstream):
    """c = |a|:  ∂c/∂a = sign(a) (0 at a = 0)."""
    (a,) = node._prev
    x = a.data
    local = 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
    return (local * upstream,)


def sqrt_backward(node, upstream):
    """c = √a:  ∂c/∂a = 1/(2√a) (inf at a = 0)."""
    c = node.data
    local = 0.5 / c if c != 0.0 else math.inf
    return (local * upstream,)


def sum_backward(node, upstream):
    """s = Σ_i a_i:  ∂s/∂a_i = 1."""
    local = 1.0
    return (local * upstream,) * len(node._prev)


def dot_backward(node, upstream):
    """z = Σ_k w_k a_k (+ b), parents (w_1..w_n, a_1..a_n[, b]):
    ∂z/∂w_k = a_k,  ∂z/∂a_k = w_k,  ∂z/∂b = 1."""
    parents = node._prev
    n = len(parents) // 2
    # ∂z/∂w_k is the matching input and ∂z/∂a_k the matching weight: swap halves
    swapped = parents[n:2 * n] + parents[:n]
    contributions = [p.data * upstream for p in swapped]
    if len(parents) & 1:
        contributions.append(1.0 * upstream)
    return contributions


# ---------------------------------------------------------------------------
# The op table
# ---------------------------------------------------------------------------

LEAF = Op("leaf", "")
PARAMETER = Op("parameter", "")
CONSTANT = Op("constant", "")

ADD = Op("add", "+", add_backward, ("1", "1"))
SUB = Op("sub", "−", sub_backward, ("1", "-1"))
MUL = Op("mul", "×", mul_backward, ("{1}", "{0}"))
DIV = Op("div", "÷", div_backward, ("1/{1}", "-{0}/{1}²"))
NEG = Op("neg", "−", neg_backward, ("-1",))
POW = Op("pow", "^", pow_backward, ("{1}·{0}^({1}-1)", "{0}^{1}·ln {0}"))
EXP = Op("exp", "exp", exp_backward, ("exp({0})",))
LOG = Op("log", "log", log_backward, ("1/{0}",))
SIGMOID = Op("sigmoid", "σ", sigmoid_backward, ("σ({0})(1-σ({0}))",))
TANH = Op("tanh", "tanh", tanh_backward, ("1-tanh²({0})",))
RELU = Op("relu", "ReLU", relu_backward, ("[{0} > 0]",))
ABS = Op("abs", "|·|", abs_backward, ("sign({0})",))
SQRT = Op("sqrt", "√", sqrt_backward, ("1/(2√{0})",))
SUM = Op("sum", "Σ", sum_backward, ("1",))
DOT = Op("dot", "Σw·a", dot_backward, ("*",))

#: every op by name, leaves included
OPS = {op.name: op for op in (
    LEAF, PARAMETER, CONSTANT, ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG,
    SIGMOID, TANH, RELU, ABS, SQRT, SUM, DOT)}


def rule_text(node, index, label):
    """∂node/∂parent_index in the textbook's notation, with parents' labels filled in.

    ``label`` maps a node to its printed name.  For ``mul`` of h and w2 the
    rule for h reads ``w2``; for ``sigmoid`` it reads ``σ(z)(1-σ(z))``.
    """
    op = node._op
    parents = node._prev
    if op is DOT:
        n = len(parents) // 2
        if index < n:
            return label(parents[index + n])
        if index < 2 * n:
            return label(parents[index - n])
        return "1"
    if op is POW and index == 1 and parents[1]._op is CONSTANT:
        return "0 (fixed exponent)"
    template = op.rules[index] if index < len(op.rules) else op.rules[-1]
    return template.format(*(label(p) for p in parents))

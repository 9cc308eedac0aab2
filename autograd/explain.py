"""Explain a gradient as a sum over paths: the chain rule written out.

For a node ``wrt`` below ``root`` the multivariable chain rule says

    ∂root/∂wrt = Σ_{paths wrt → root}  Π_{edges (child ← parent) on the path}  ∂child/∂parent

:func:`explain` lists every path from ``wrt`` up to ``root`` with each edge's
local derivative ∂child/∂parent as a number and in the nodes' names
(``∂net2/∂h = w2``, ``σ'(net2) = y'(1-y')``), the product per path and the sum,
which it checks against the engine's backward pass.  When there are more
paths than ``limit`` it groups them the way reverse mode does, showing
δ_v = ∂root/∂v at every node v in between, and says so.

The number of paths is counted first, by dynamic programming (paths to a
node = Σ over its parents of the paths to that parent), so a graph with 2^60
paths is never enumerated.
"""

import math
import re

from . import engine, ops

__all__ = ["explain", "Explanation", "Factor", "Path", "TooManyPaths", "DEFAULT_LIMIT",
           "find_node", "engine_gradients"]

#: above this many paths, explain() groups them by reverse-mode accumulation
DEFAULT_LIMIT = 10_000
#: str(explanation) lists at most this many paths in full
SHOWN_PATHS = 20
#: the grouped view lists at most this many δ lines
SHOWN_DELTAS = 40
#: an unnamed node whose expression would be longer than this is shown as <op value>
LONGEST_EXPRESSION = 48


class TooManyPaths(ValueError):
    """``explanation.paths`` was read after explain() grouped the paths."""


# ---------------------------------------------------------------------------
# Notation: expressions as (text, precedence), in plain text or in LaTeX
# ---------------------------------------------------------------------------

SUM_P, MUL_P, NEG_P, POW_P, ATOM = 1, 2, 3, 4, 5


class TextNotation:
    """Plain text in the nodes' names: ``x·w1+b``, ``σ'(net2)``, ``h(1-h)``."""

    times = "·"
    factor_sep = " · "
    sigma = "σ"
    functions = {"σ": "σ", "tanh": "tanh", "exp": "exp", "ln": "ln", "ReLU": "ReLU",
                 "sign": "sign"}

    def name(self, name):
        return name

    def number(self, x):
        return f"{x:g}"

    def placeholder(self, node):
        return engine.label(node)

    def paren(self, expr, min_prec):
        text, prec = expr
        return text if prec >= min_prec else f"({text})"

    def terms(self, signed):
        """``[(+1, e1), (-1, e2)]`` -> ``e1-e2``."""
        out = []
        for sign, e in signed:
            text = self.paren(e, SUM_P + (sign < 0))
            if out:
                out.append(("+" if sign > 0 else "-") + text)
            else:
                out.append(text if sign > 0 else "-" + self.paren(e, NEG_P))
        return "".join(out), SUM_P

    def product(self, exprs):
        return self.times.join(self.paren(e, MUL_P) for e in exprs), MUL_P

    def neg(self, e):
        return "-" + self.paren(e, NEG_P), NEG_P

    def frac(self, a, b):
        return f"{self.paren(a, MUL_P)}/{self.paren(b, POW_P)}", MUL_P

    def power(self, base, exponent):
        text, prec = exponent
        sup = {"2": "²", "3": "³"}.get(text)
        if sup is not None:
            return self.paren(base, ATOM) + sup, POW_P
        return f"{self.paren(base, ATOM)}^{self.paren(exponent, ATOM)}", POW_P

    def call(self, function, arg):
        return f"{self.functions[function]}({arg[0]})", ATOM

    def prime(self, function, arg):
        return f"{self.functions[function]}'({arg[0]})", ATOM

    def absolute(self, arg):
        return f"|{arg[0]}|", ATOM

    def sqrt(self, arg):
        return "√" + self.paren(arg, ATOM), POW_P

    def positive(self, arg):
        """The Iverson bracket [a > 0] (ReLU's derivative)."""
        return f"[{arg[0]}>0]", ATOM

    def partial(self, child, parent):
        return f"∂{self.paren(child, POW_P)}/∂{self.paren(parent, POW_P)}"


_NIELSEN = re.compile(r"([A-Za-z]+)(\d+)_(\d+)('*)")   # w2_11 -> w^{2}_{11}
_INDEXED = re.compile(r"([A-Za-z]+)_?(\d+)('*)")        # w2, net_2 -> w_{2}, net_{2}
_PLAIN = re.compile(r"([A-Za-z]+)('*)")                 # x, y', loss


class LatexNotation(TextNotation):
    """The same expressions in LaTeX: ``w_{2}``, ``\\sigma'(z)``, ``\\frac{∂L}{∂w}``."""

    times = " \\cdot "
    factor_sep = " \\cdot "
    functions = {"σ": "\\sigma", "tanh": "\\tanh", "exp": "\\exp", "ln": "\\ln",
                 "ReLU": "\\operatorname{ReLU}", "sign": "\\operatorname{sign}"}

    def name(self, name):
        return latex_name(name)

    def number(self, x):
        text = f"{x:g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            return f"{mantissa} \\times 10^{{{int(exponent)}}}"
        return text

    def placeholder(self, node):
        op = node._op
        kind = op.name if op.backward is not None else "leaf"
        return f"\\langle \\mathrm{{{kind}}}\\ {node.data:.4g} \\rangle"

    def frac(self, a, b):
        return f"\\frac{{{a[0]}}}{{{b[0]}}}", ATOM

    def power(self, base, exponent):
        return f"{self.paren(base, ATOM)}^{{{exponent[0]}}}", POW_P

    def absolute(self, arg):
        return f"\\left|{arg[0]}\\right|", ATOM

    def sqrt(self, arg):
        return f"\\sqrt{{{arg[0]}}}", ATOM

    def positive(self, arg):
        return f"[{arg[0]} > 0]", ATOM

    def partial(self, child, parent):
        return f"\\frac{{\\partial {child[0]}}}{{\\partial {parent[0]}}}"


def latex_name(name):
    """A node name in the textbooks' LaTeX: w2_11 -> w^{2}_{11}, net2 -> \\mathit{net}_{2}."""
    for pattern, form in ((_NIELSEN, "{0}^{{{1}}}_{{{2}}}{3}"), (_INDEXED, "{0}_{{{1}}}{2}"),
                          (_PLAIN, "{0}{1}")):
        m = pattern.fullmatch(name)
        if m:
            base = m.group(1)
            if len(base) > 1:
                base = f"\\mathit{{{base}}}"
            return form.format(base, *m.groups()[1:])
    escaped = re.sub(r"([_#%&$])", r"\\\1", name)
    return f"\\mathrm{{{escaped}}}"


class Namer:
    """Every node's expression in one notation, memoised: a name, a number,
    or for an unnamed derived node the expression it was computed by."""

    #: unnamed nodes nested deeper than this are written as <op value>
    DEEPEST = 16

    def __init__(self, notation):
        self.n = notation
        self._memo = {}
        self._depth = 0

    def expr(self, node):
        found = self._memo.get(node)
        if found is None:
            if self._depth > self.DEEPEST:  # too long to print anyway; no deep recursion
                return self.n.placeholder(node), ATOM
            self._depth += 1
            try:
                found = self._memo[node] = self._build(node)
            finally:
                self._depth -= 1
        return found

    def text(self, node):
        return self.expr(node)[0]

    def _build(self, node):
        n = self.n
        if node.name:
            return n.name(node.name), ATOM
        op = node._op
        if op is ops.CONSTANT:
            return n.number(node.data), (ATOM if node.data >= 0 else NEG_P)
        if op.backward is None:
            return n.placeholder(node), ATOM
        built = self._expression(node)
        if built is None or len(built[0]) > LONGEST_EXPRESSION:
            return n.placeholder(node), ATOM
        return built

    def _expression(self, node):
        """The unnamed node written as its op applied to its parents' expressions."""
        n, op, parents = self.n, node._op, node._prev
        args = [self.expr(p) for p in parents] if len(parents) <= 8 else None
        if args is None:
            return None
        if op is ops.ADD or op is ops.SUM:
            return n.terms([(1, a) for a in args])
        if op is ops.SUB:
            return n.terms([(1, args[0]), (-1, args[1])])
        if op is ops.MUL:
            return n.product(args)
        if op is ops.DIV:
            return n.frac(*args)
        if op is ops.NEG:
            return n.neg(args[0])
        if op is ops.POW:
            return n.power(*args)
        if op is ops.DOT:
            k = len(parents) // 2
            signed = [(1, n.product([w, a])) for w, a in zip(args[:k], args[k:2 * k])]
            signed += [(1, b) for b in args[2 * k:]]
            return n.terms(signed)
        if op is ops.SQRT:
            return n.sqrt(args[0])
        if op is ops.ABS:
            return n.absolute(args[0])
        function = {"sigmoid": "σ", "tanh": "tanh", "exp": "exp", "log": "ln",
                    "relu": "ReLU"}.get(op.name)
        if function is not None:
            return n.call(function, args[0])
        return None


# ---------------------------------------------------------------------------
# Local derivatives in the nodes' names
# ---------------------------------------------------------------------------

class Rule:
    """∂child/∂parent written as ``coefficient · symbol`` (symbol None: a pure number).

    derivative  the function's derivative notation, e.g. ``σ'(net2)`` (or None)
    negated     the symbol with its difference turned round, ``(y'-y)`` for
                ``(y-y')``: lets a product read ``(y'-y)`` instead of ``-(y-y')``
    """

    __slots__ = ("coefficient", "symbol", "derivative", "negated")

    def __init__(self, coefficient=1.0, symbol=None, derivative=None, negated=None):
        self.coefficient = coefficient
        self.symbol = symbol          # an expression (text, precedence) or None
        self.derivative = derivative  # text or None
        self.negated = negated        # an expression or None

    def formula(self, n):
        """The whole local derivative as text: ``w2``, ``-1``, ``2(y'-y)``, ``0.5``."""
        return _times(n, self.coefficient, [self.symbol] if self.symbol else [])


def _times(n, coefficient, symbols):
    """``coefficient · symbol_1 · symbol_2 ...`` with 1 and -1 written the short way."""
    if not symbols:
        return n.number(coefficient)
    if len(symbols) == 1 and coefficient == 1.0:
        return symbols[0][0]
    body = n.factor_sep.join(n.paren(s, MUL_P) for s in symbols)
    if coefficient == 1.0:
        return body
    if coefficient == -1.0:
        return "-" + body
    joiner = "" if body.startswith("(") else n.factor_sep
    return f"{n.number(coefficient)}{joiner}{body}"


def local_rule(namer, node, index):
    """∂node/∂parent_index as a :class:`Rule` in ``namer``'s notation."""
    n, op, parents = namer.n, node._op, node._prev
    expr = namer.expr
    if op is ops.ADD or op is ops.SUM:
        return Rule(1.0)
    if op is ops.SUB:
        return Rule(1.0 if index == 0 else -1.0)
    if op is ops.NEG:
        return Rule(-1.0)
    if op is ops.MUL:
        return _factor_of(namer, parents[1 - index])
    if op is ops.DOT:
        k = len(parents) // 2
        if index < k:
            return _factor_of(namer, parents[index + k])
        if index < 2 * k:
            return _factor_of(namer, parents[index - k])
        return Rule(1.0)
    if op is ops.DIV:
        return _div_rule(namer, node, index)
    if op is ops.POW:
        return _pow_rule(namer, node, index)
    out = expr(node) if node.name else None
    arg = expr(parents[0]) if parents else None
    if op is ops.SIGMOID:
        s = out or n.call("σ", arg)
        return Rule(1.0, (f"{n.paren(s, ATOM)}(1-{n.paren(s, ATOM)})", ATOM),
                    n.prime("σ", arg)[0])
    if op is ops.TANH:
        t = out or n.call("tanh", arg)
        return Rule(1.0, (f"1-{n.power(t, ('2', ATOM))[0]}", SUM_P), n.prime("tanh", arg)[0])
    if op is ops.EXP:
        return Rule(1.0, out or n.call("exp", arg))
    if op is ops.LOG:
        return Rule(1.0, n.frac(("1", ATOM), arg))
    if op is ops.SQRT:
        root = out or n.sqrt(arg)
        return Rule(0.5, n.frac(("1", ATOM), root))
    if op is ops.RELU:
        return Rule(1.0, n.positive(arg))
    if op is ops.ABS:
        return Rule(1.0, n.call("sign", arg))
    # an op this module does not know: the engine's own rule text
    return Rule(1.0, (ops.rule_text(node, index, namer.text), SUM_P))


def _factor_of(namer, other):
    """The factor ``other`` contributes to a product: a number if it is constant."""
    if other._op is ops.CONSTANT and not other.name:
        return Rule(other.data)
    return Rule(1.0, namer.expr(other))


def _div_rule(namer, node, index):
    """c = a/b:  ∂c/∂a = 1/b,  ∂c/∂b = -a/b²."""
    n = namer.n
    a, b = node._prev
    if index == 0:
        if b._op is ops.CONSTANT and not b.name:
            return Rule(1.0 / b.data)
        return Rule(1.0, n.frac(("1", ATOM), namer.expr(b)))
    b2 = n.power(namer.expr(b), ("2", ATOM))
    if a._op is ops.CONSTANT and not a.name:
        return Rule(-a.data, n.frac(("1", ATOM), b2))
    return Rule(-1.0, n.frac(namer.expr(a), b2))


def _pow_rule(namer, node, index):
    """c = a^k:  ∂c/∂a = k·a^(k-1),  ∂c/∂k = a^k·ln a."""
    n = namer.n
    a, k = node._prev
    base = namer.expr(a)
    if index == 1:
        out = namer.expr(node) if node.name else n.power(base, namer.expr(k))
        return Rule(1.0, n.product([out, n.call("ln", base)]))
    if k._op is not ops.CONSTANT or k.name:
        exponent = n.terms([(1, namer.expr(k)), (-1, ("1", ATOM))])
        return Rule(1.0, n.product([namer.expr(k), n.power(base, exponent)]))
    e = k.data
    if e == 1.0:
        return Rule(1.0)
    if e == 2.0:
        negated = None
        if a._op is ops.SUB and not a.name:
            left, right = a._prev
            negated = n.terms([(1, namer.expr(right)), (-1, namer.expr(left))])
        return Rule(2.0, base, negated=negated)
    return Rule(e, n.power(base, (n.number(e - 1.0), ATOM if e >= 1.0 else NEG_P)))


# ---------------------------------------------------------------------------
# Factors and paths
# ---------------------------------------------------------------------------

class Factor:
    """One edge of a path: the local derivative ∂child/∂parent.

    child, parent, index   the edge (``child.parents[index] is parent``)
    value                  the number, ``child.op.backward(child, 1.0)[index]``
    partial                ``∂net2/∂h``;  ``derivative``: ``σ'(net2)`` or None
    formula                the derivative in the nodes' names: ``w2``, ``y'(1-y')``
    latex_formula          the same in LaTeX
    trivial                True for a structural 1 (edges into +, Σ and a dot's bias)
    """

    __slots__ = ("child", "parent", "index", "value", "partial", "derivative", "formula",
                 "latex_formula", "rule", "latex_rule", "trivial")

    def __init__(self, child, index, value, text_namer, latex_namer):
        self.child = child
        self.index = index
        self.parent = child._prev[index]
        self.value = value
        self.rule = local_rule(text_namer, child, index)
        self.latex_rule = local_rule(latex_namer, child, index)
        self.partial = text_namer.n.partial(text_namer.expr(child), text_namer.expr(self.parent))
        self.derivative = self.rule.derivative
        self.formula = self.rule.formula(text_namer.n)
        self.latex_formula = self.latex_rule.formula(latex_namer.n)
        self.trivial = self.rule.symbol is None and self.rule.coefficient == 1.0

    @property
    def text(self):
        """``∂y'/∂net2 = σ'(net2) = y'(1-y')`` (no number)."""
        parts = [self.partial]
        if self.derivative:
            parts.append(self.derivative)
        parts.append(self.formula)
        return " = ".join(parts)

    def __str__(self):
        if self.rule.symbol is None:   # a pure number: say it once
            return f"{self.partial} = {self.value:.6g}"
        return f"{self.text} = {self.value:.6g}"

    def __repr__(self):
        return f"Factor({self.text!r}, value={self.value!r})"


def product_formula(factors, latex=False):
    """The path's product in the nodes' names, factors of exactly 1 left out:
    ``x · h(1-h) · w2 · y'(1-y') · (y'-y)``."""
    n = LatexNotation() if latex else TextNotation()
    rules = [f.latex_rule if latex else f.rule for f in factors]
    coefficient = math.prod(r.coefficient for r in rules)
    symbols = [r.symbol for r in rules if r.symbol]
    if coefficient < 0:
        for i, r in enumerate(r for r in rules if r.symbol):
            if r.negated:
                symbols[i] = r.negated
                coefficient = -coefficient
                break
    return _times(n, coefficient, symbols)


class Path:
    """One path wrt -> ... -> root: its factors (from wrt up) and their product."""

    __slots__ = ("factors", "product", "_namer")

    def __init__(self, factors, namer):
        self.factors = tuple(factors)
        self.product = math.prod(f.value for f in self.factors)
        self._namer = namer

    @property
    def nodes(self):
        """wrt, then every node up to the root."""
        if not self.factors:
            return ()
        return (self.factors[0].parent,) + tuple(f.child for f in self.factors)

    def route(self):
        """``w1 → h1 → (via w2) → h2 → (via w4) → O``: named nodes, and the named
        weight of each unnamed product the path passes through."""
        if not self.factors:
            return "(the root itself)"
        steps = [self._namer.text(self.factors[0].parent)]
        last = len(self.factors) - 1
        for i, f in enumerate(self.factors):
            child = f.child
            if child.name or i == last:
                steps.append(self._namer.text(child))
            elif child._op in (ops.MUL, ops.DOT) and not self._named_above(i):
                other = _other_operand(f)
                if other is not None and other.name:
                    steps.append(f"(via {other.name})")
        return " → ".join(steps)

    def formula(self, latex=False):
        return product_formula(self.factors, latex)

    def _named_above(self, i):
        """The first named node reached from factor i's child through trivial edges
        (None if a non-trivial edge or the end comes first)."""
        top, j = self.factors[i].child, i + 1
        while not top.name and j < len(self.factors) and self.factors[j].trivial:
            top, j = self.factors[j].child, j + 1
        return top if top.name else None

    def partial(self, i):
        """Factor i's ∂child/∂parent, naming the first named node above it when the
        edges in between are trivial: ∂net2/∂h for h·w2 inside net2 = h·w2 + b."""
        f = self.factors[i]
        top = self._named_above(i)
        if top is None or top is f.child:
            return f.partial
        return TextNotation().partial(self._namer.expr(top), self._namer.expr(f.parent))

    def factor_text(self, i):
        """``∂net2/∂h = w2``, ``∂y'/∂net2 = σ'(net2) = y'(1-y')`` (no number)."""
        f = self.factors[i]
        parts = [self.partial(i)]
        if f.derivative:
            parts.append(f.derivative)
        if f.rule.symbol is not None:
            parts.append(f.formula)
        else:
            parts.append(f"{f.value:g}")
        return " = ".join(parts)

    def lines(self):
        """One line per factor that is not exactly 1, then the product."""
        rows = []
        for i, f in enumerate(self.factors):
            if not f.trivial:
                text = self.factor_text(i)
                rows.append(f"  {text}" if f.rule.symbol is None else f"  {text} = {f.value:.6g}")
        rows.append(f"  product: {self.formula()} = {self.product:.6g}")
        return rows

    def __len__(self):
        return len(self.factors)

    def __repr__(self):
        return f"Path({self.route()!r}, product={self.product!r})"


def _signed_sum(numbers):
    """``0.5 - 0.25 + 1`` from [0.5, -0.25, 1]."""
    text = ""
    for x in numbers:
        if not text:
            text = f"{x:.6g}"
        else:
            text += f" - {-x:.6g}" if x < 0 else f" + {x:.6g}"
    return text


def _other_operand(factor):
    """For an edge into a product, the node it is multiplied by (else None)."""
    child, i = factor.child, factor.index
    parents = child._prev
    if child._op is ops.MUL:
        return parents[1 - i]
    k = len(parents) // 2
    if i < k:
        return parents[i + k]
    if i < 2 * k:
        return parents[i - k]
    return None


# ---------------------------------------------------------------------------
# The explanation
# ---------------------------------------------------------------------------

class Explanation:
    """∂root/∂wrt as a sum over paths (or, above ``limit`` paths, grouped by δ).

    paths        every path from wrt to root (raises TooManyPaths when grouped)
    total        Σ over paths of the product (grouped: Σ_c ∂c/∂wrt · δ_c)
    engine       the engine's gradient from backward(), which total equals
    path_count   the number of paths (an int, possibly huge)
    grouped      True when the paths were too many to list
    deltas       grouped only: [(node, δ = ∂root/∂node)], root first
    edges_out    grouped only: [(factor ∂c/∂wrt, δ_c)] for each edge out of wrt
    """

    def __init__(self, root, wrt, total, engine_grad, path_count, limit, paths=None,
                 deltas=None, edges_out=None, namer=None):
        self.root = root
        self.wrt = wrt
        self.total = total
        self.engine = engine_grad
        self.path_count = path_count
        self.limit = limit
        self.grouped = paths is None
        self._paths = paths
        self.deltas = deltas
        self.edges_out = edges_out
        self._namer = namer or Namer(TextNotation())

    @property
    def paths(self):
        if self._paths is None:
            raise TooManyPaths(
                f"{self.name_of(self.wrt)} reaches {self.name_of(self.root)} along "
                f"{self.path_count:,} paths, more than limit={self.limit:,}, so explain() "
                f"grouped them instead of listing them: read .deltas and .edges_out, or call "
                f"explain(root, wrt, limit={self.path_count}) if you really want them all")
        return self._paths

    def name_of(self, node):
        return self._namer.text(node)

    @property
    def derivative(self):
        """``∂O/∂w1``."""
        return TextNotation().partial(self._namer.expr(self.root), self._namer.expr(self.wrt))

    def lines(self):
        if self.grouped:
            return self._grouped_lines()
        return self._path_lines()

    def _path_lines(self):
        paths, root, wrt = self._paths, self.name_of(self.root), self.name_of(self.wrt)
        count = len(paths)
        rows = [f"{self.derivative} = {self.total:.12g}   (backward() gives {self.engine:.12g})"]
        if count == 1 and not paths[0].factors:
            rows.append(f"{wrt} is the root itself: ∂{root}/∂{root} = 1")
            return rows
        rows.append(f"{wrt} reaches {root} along {count} path{'s' if count != 1 else ''}; "
                    f"the chain rule multiplies the local derivatives along each path "
                    f"and adds the paths.")
        for number, path in enumerate(paths[:SHOWN_PATHS], 1):
            rows.append("")
            rows.append(f"path {number}: {path.route()}")
            rows.extend(path.lines())
        if count > SHOWN_PATHS:
            rows.append("")
            rows.append(f"... and {count - SHOWN_PATHS} more paths (explanation.paths has them all)")
        rows.append("")
        if count == 1:
            rows.append(f"one path, so {self.derivative} = {self.total:.12g}")
        else:
            terms = _signed_sum(p.product for p in paths[:8])
            more = " + ..." if count > 8 else ""
            rows.append(f"sum over the {count} paths: {terms}{more} = {self.total:.12g}")
        if any(f.trivial for p in paths for f in p.factors):
            rows.append("(factors of exactly 1, from +, Σ and bias edges, are left out above)")
        return rows

    def _grouped_lines(self):
        root, wrt = self.name_of(self.root), self.name_of(self.wrt)
        rows = [
            f"{self.derivative} = {self.total:.12g}   (backward() gives {self.engine:.12g})",
            f"{wrt} reaches {root} along {self.path_count:,} paths, more than the limit of "
            f"{self.limit:,}, so they are grouped by reverse-mode accumulation instead of "
            f"listed: δ_v = ∂{root}/∂v at each node v between {wrt} and {root}. Every path "
            f"through v ends in the same tail, and δ_v is the sum of those tails' products.",
            ""]
        for node, delta in self.deltas[:SHOWN_DELTAS]:
            rows.append(f"  δ({self.name_of(node)}) = {delta:.6g}")
        if len(self.deltas) > SHOWN_DELTAS:
            rows.append(f"  ... and {len(self.deltas) - SHOWN_DELTAS} more nodes "
                        f"(explanation.deltas has them all)")
        rows.append("")
        rows.append(f"{self.derivative} = Σ over the edges out of {wrt} of ∂c/∂{wrt} · δ(c):")
        for factor, delta in self.edges_out[:SHOWN_DELTAS]:
            rows.append(f"  {factor.partial} · δ({self.name_of(factor.child)}) = "
                        f"{factor.formula} · δ = {factor.value:.6g} · {delta:.6g}")
        if len(self.edges_out) > SHOWN_DELTAS:
            rows.append(f"  ... and {len(self.edges_out) - SHOWN_DELTAS} more edges")
        rows.append(f"  total = {self.total:.12g}")
        return rows

    def __str__(self):
        return "\n".join(self.lines())

    def latex(self):
        """The same sum in the textbooks' LaTeX: one product per path."""
        n = LatexNotation()
        namer = Namer(n)
        lhs = n.partial(namer.expr(self.root), namer.expr(self.wrt))
        if self.grouped:
            terms = [f"{f.latex_formula} \\, \\delta_{{{namer.text(f.child)}}}"
                     for f, _ in self.edges_out[:8]]
            if len(self.edges_out) > 8:
                terms.append("\\cdots")
            body = " + ".join(terms)
        else:
            formulas = [p.formula(latex=True) for p in self._paths[:SHOWN_PATHS]]
            if len(formulas) == 1:
                body = formulas[0]
            else:
                body = " + ".join(f"\\left[ {f} \\right]" for f in formulas)
                if len(self._paths) > SHOWN_PATHS:
                    body += " + \\cdots"
        return f"{lhs} = {body} = {self.total:.12g}"

    def __repr__(self):
        how = "grouped" if self.grouped else "paths"
        return (f"<Explanation {self.derivative} = {self.total!r}: "
                f"{self.path_count} path(s), {how}>")


# ---------------------------------------------------------------------------
# explain()
# ---------------------------------------------------------------------------

def find_node(root, wrt, where="explain"):
    """``wrt`` as a node of root's graph: a Value, or the name of exactly one node."""
    if isinstance(wrt, str):
        found = engine.nodes_by_name(root).get(wrt)
        if not found:
            names = sorted(engine.nodes_by_name(root))
            raise KeyError(f"{where}: no node named {wrt!r} in this graph; named nodes: "
                           f"{', '.join(names) if names else '(none)'}")
        if len(found) > 1:
            raise ValueError(f"{where}: {len(found)} nodes are named {wrt!r} in this graph; "
                             f"pass the Value itself")
        return found[0]
    if not hasattr(wrt, "_prev"):
        raise TypeError(f"{where}: wrt must be a Value or a node's name, got "
                        f"{type(wrt).__name__} {wrt!r}")
    return wrt


def _check_root(root, where):
    if not hasattr(root, "_prev") or not hasattr(root, "_op"):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__} {root!r}")


def engine_gradients(root):
    """{node: ∂root/∂node} for every node below root, from the engine's backward().

    Every node's ``grad`` is put back exactly as it was afterwards, so calling
    this never changes what a learner's own backward() calls accumulated.
    """
    nodes = engine.all_nodes(root)
    saved = [(node, node.grad) for node in nodes]
    try:
        for node in nodes:
            node.grad = 0.0
        engine.backward(root)
        return {node: node.grad for node in nodes}
    finally:
        for node, grad in saved:
            node.grad = grad


def count_paths(root, wrt, order=None):
    """{node: number of paths from wrt up to node} for every node that wrt reaches."""
    count = {wrt: 1}
    for node in order if order is not None else engine.topological_order(root):
        if node is wrt:
            continue
        c = 0
        for p in node._prev:
            c += count.get(p, 0)
        if c:
            count[node] = c
    return count


def local_derivatives(node, cache):
    """(∂node/∂parent_i for each parent i), by the op's own rule, memoised."""
    found = cache.get(node)
    if found is None:
        found = cache[node] = tuple(node._op.backward(node, 1.0))
    return found


def enumerate_paths(root, wrt, count):
    """Every path as a list of edges (child, parent index), wrt's edge first.

    Depth-first from the root down, following only parents that reach wrt
    (``count`` from :func:`count_paths`); iterative, so depth is no limit.
    """
    def edges(node):
        return [i for i, p in enumerate(node._prev) if p in count]

    found = []
    trail = []                      # edges from root down to the current node
    stack = [(root, iter(edges(root)))]
    while stack:
        node, pending = stack[-1]
        i = next(pending, None)
        if i is None:
            stack.pop()
            if trail:
                trail.pop()
            continue
        trail.append((node, i))
        parent = node._prev[i]
        if parent is wrt:
            found.append(trail[::-1])
            trail.pop()
        else:
            stack.append((parent, iter(edges(parent))))
    return found


def explain(root, wrt, *, limit=DEFAULT_LIMIT):
    """∂root/∂wrt as a sum over the paths from ``wrt`` to ``root``.

    ``wrt`` is a Value or the name of one node.  Runs a backward pass of its own
    (every ``grad`` is restored afterwards) and asserts that the paths sum to the
    engine's gradient.  Above ``limit`` paths the explanation is grouped by
    δ_v = ∂root/∂v instead of listing paths.
    """
    _check_root(root, "explain")
    wrt = find_node(root, wrt)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"explain: limit must be a positive int, got {limit!r}")
    text_namer, latex_namer = Namer(TextNotation()), Namer(LatexNotation())
    grads = engine_gradients(root)
    if wrt is root:
        return Explanation(root, wrt, 1.0, grads.get(root, 1.0), 1, limit, paths=[Path((), text_namer)],
                           namer=text_namer)
    order = engine.topological_order(root)
    count = count_paths(root, wrt, order)
    n_paths = count.get(root, 0)
    if n_paths == 0:
        raise ValueError(
            f"explain: {text_namer.text(root)} does not depend on {ops.describe(wrt)}: "
            f"no path leads from it to the root (its gradient is 0)")
    engine_grad = grads[wrt]
    locals_cache, factors = {}, {}

    def factor(child, i):
        key = (child, i)
        f = factors.get(key)
        if f is None:
            value = local_derivatives(child, locals_cache)[i]
            f = factors[key] = Factor(child, i, value, text_namer, latex_namer)
        return f

    if n_paths <= limit:
        paths = [Path([factor(c, i) for c, i in edges], text_namer)
                 for edges in enumerate_paths(root, wrt, count)]
        total = math.fsum(p.product for p in paths)
        scale = math.fsum(abs(p.product) for p in paths)
        result = Explanation(root, wrt, total, engine_grad, n_paths, limit, paths=paths,
                             namer=text_namer)
    else:
        deltas = [(node, grads[node]) for node in reversed(order) if node in count]
        edges_out = []
        for node in order:
            for i, p in enumerate(node._prev):
                if p is wrt:
                    edges_out.append((factor(node, i), grads[node]))
        total = math.fsum(f.value * d for f, d in edges_out)
        scale = math.fsum(abs(f.value * d) for f, d in edges_out)
        result = Explanation(root, wrt, total, engine_grad, n_paths, limit, deltas=deltas,
                             edges_out=edges_out, namer=text_namer)
    _assert_same(result, scale)
    return result


def _assert_same(explanation, scale):
    """The paths must sum to the engine's gradient, to rounding."""
    total, grad = explanation.total, explanation.engine
    if not (math.isfinite(total) and math.isfinite(grad)):
        return  # inf/nan rules (e.g. √ at 0) make both sides non-finite
    if abs(total - grad) > 1e-9 * scale + 1e-300:
        raise AssertionError(
            f"explain: the paths sum to {total!r} but backward() gives {grad!r} for "
            f"{explanation.derivative}; a hook that changes gradients makes them differ")

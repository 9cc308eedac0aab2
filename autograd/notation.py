"""Writing nodes and derivatives for people: labels, numbers, notations.

Everything a person reads about an op comes from its record in
:mod:`autograd.ops`: how the forward is written (``σ(net1)``, ``w1·x + b``)
and the local derivative in the textbook's notation (``h(1-h)``).  This
module prints both, in three notations:

TextNotation    plain text for explanations: ``x·w1+b``, ``σ'(net2)``, ``h(1-h)``
LatexNotation   the same in LaTeX: ``w_{2}``, ``\\sigma'(z)``, ``\\frac{1}{b}``
StepNotation    the step-by-step view: ``h × w2``, ``w1·x + b``

:func:`render` prints an expression (see :mod:`autograd.expr`) given what
each variable stands for; :func:`local_rule` turns an edge's local
derivative into a :class:`Rule` (a coefficient times symbols) for the
chain-rule products of :mod:`autograd.explain`.
"""


import contextlib
import re
import sys
import contextvars

from . import expr as E
from . import names as _names
from . import ops
from .floats import is_int, short_repr
from .graph import all_nodes
from .ops import ATOM, MUL_P, NEG_P, POW_P, SUM_P

__all__ = ["TextNotation", "LatexNotation", "StepNotation", "Namer", "render", "label", "number",
           "Rule", "local_rule", "local_rules", "formula", "rule_text", "rule_texts", "forward_expr",
           "short_names", "reading_order", "Labels", "numbered_as", "numbered", "LATEX_WHERE", "printed",
           "shown_number", "largest_magnitude", "NEGLIGIBLE", "NoiseScales"]


# ---------------------------------------------------------------------------
# Numbers and labels
# ---------------------------------------------------------------------------


def check_digits(digits, where="draw"):
    """Refuse, in one line, significant digits that are not an int from 1 to 17."""
    if not is_int(digits) or not 1 <= digits <= 17:       # (a numpy int too)
        raise ValueError(f"{where}: digits must be an int from 1 to 17, got {short_repr(digits)}")


def number(x, digits=None):
    """``x`` for a person: ``0.25``, ``-2``, ``1e-08``; never ``-0``.

    ``digits`` rounds to that many significant digits (``:g`` style).
    """
    text = f"{x:g}" if digits is None else f"{x:.{digits}g}"
    if text in ("-0", "-0.0"):
        return "0"
    if 0.0 < abs(x) < _SMALLEST_NORMAL:   # a subnormal holds fewer digits than :g writes
        shortest = repr(float(x))       # 5e-324, not 4.94066e-324: the number as typed
        if len(shortest.partition("e")[0].replace("-", "").replace(".", "").strip("0")) <= \
                (6 if digits is None else digits):
            return shortest
    return text


#: the smallest positive normal float; below it a float's digits thin out (5e-324 is one bit)
_SMALLEST_NORMAL = sys.float_info.min


#: in a picture, a sum within this fraction of its largest term prints as 0
NEGLIGIBLE = 1e-12


def shown_number(x, digits, scale):
    """``x`` as a picture shows it: :func:`number`, and 0 when ``|x|`` is within
    :data:`NEGLIGIBLE` of ``scale`` (the largest term ``x`` was summed from, see
    :class:`NoiseScales`), so that rounding noise like -2.776e-17 left by
    0.1 + 0.2 − 0.3 reads as the 0 it is."""
    if x == x and abs(x) <= NEGLIGIBLE * scale:
        return "0"
    return number(x, digits)


def largest_magnitude(values):
    """The largest finite ``|x|`` of ``values`` (0.0 for none)."""
    return max((abs(x) for x in values if x - x == 0.0), default=0.0)


class NoiseScales:
    """Per node, the largest term its number was summed from, where it is a sum:
    ``data[node]`` for a + b, a − b, Σ and Σ_k w_k a_k + b (each |term|), and
    ``grad[node]`` for a node that receives two or more chain-rule contributions
    (each |∂child/∂node · child.grad|).  A leaf's data, a product, σ(z) and a grad
    with a single contribution are no sums: nothing cancels there, and a tiny
    number is the number (exp(−50) or 0.005 beside 1e13 is not noise).
    ``pending``: nodes whose grads are not known yet (they send nothing)."""

    def __init__(self, nodes, pending=()):
        self.data, self.grad = {}, {}
        received = {}
        for node in nodes:
            parents = node._prev
            if not parents:
                continue
            if node._opr.terms is not None:    # a sum: + − Σ dot (the op record says)
                self.data[node] = largest_magnitude(node._opr.terms(node))
            if node in pending:
                continue
            try:
                shares = node._opr.backward(node, node.grad)
            except (ArithmeticError, ValueError):
                continue
            for parent, share in zip(parents, shares):
                count, largest = received.get(parent, (0, 0.0))
                received[parent] = (count + 1, largest_magnitude((largest, share)))
        self.grad = {node: largest for node, (count, largest) in received.items() if count > 1}


def short_names(nodes):
    """``{node: short name}`` for the unnamed nodes of ``nodes`` that are not constants.

    Derived nodes are ``t1, t2, ...`` and leaves ``leaf1, leaf2, ...``, numbered
    in :func:`reading_order`, skipping names that named nodes already use.  The
    one rule for these names: explanations, verdicts, the jit's locals, the
    step-through page, the terminal stepper and the drawings all take them from here.
    """
    nodes = list(nodes)
    found = {}
    _number_unnamed(reading_order(nodes), found, {node.name for node in nodes if node.name},
                    {"t": 0, "leaf": 0})
    return found


def reading_order(nodes):
    """``nodes`` in the order a forward pass written layer by layer computes them.

    A derived node's layer is its height, 1 + the highest of its operands'
    (a leaf's is 0); nodes are taken layer by layer, in the order given within
    a layer (parents first, :func:`autograd.engine.all_nodes`).  Each leaf comes
    just before the first node that uses it, so ``w1 .. w5`` of a network read
    in the order its layers use them, and a graph built in one expression
    reads as Python evaluated it.  Display only: one pass and one sort.
    """
    constant = ops.CONSTANT
    height, derived, leaves = {}, [], []
    get = height.get
    for node in nodes:
        op = node._opr
        if op.backward is None:
            if op is not constant:
                height[node] = 0
                leaves.append(node)
            continue
        h = 0
        for p in node._prev:
            hp = get(p, 0)
            if hp > h:
                h = hp
        height[node] = h + 1
        derived.append(node)
    derived.sort(key=height.__getitem__)      # stable: the order given within a layer
    out, placed = [], set()
    for node in derived:
        for p in node._prev:
            if p not in placed and get(p) == 0:
                placed.add(p)
                out.append(p)
        out.append(node)
    out.extend(leaf for leaf in leaves if leaf not in placed)
    return out


def _number_unnamed(nodes, found, taken, counters):
    """Give each unnamed, non-constant node of ``nodes`` not yet in ``found`` the
    next free ``t<k>`` (derived) or ``leaf<k>`` (leaf) name."""
    for node in nodes:
        if node.name or node._opr is ops.CONSTANT or node in found:
            continue
        stem = "t" if node._opr.backward is not None else "leaf"
        while True:
            counters[stem] += 1
            name = f"{stem}{counters[stem]}"
            if name not in taken:
                break
        found[node] = name


class Labels:
    """``labels(node)``: how one graph's nodes are called: a name, a constant's
    number, or the short name :func:`short_names` gives an unnamed node.

    Built lazily from the graph of ``root`` (or from ``nodes``; with neither,
    from the graph of the first node asked about); within :func:`numbered_as`,
    a part of its graph is called as the whole is.  A node from outside that
    graph gets the next free short name, so no node is ever written ``<op value>``.
    """

    def __init__(self, root=None, nodes=None):
        self._root, self._nodes, self._short, self._held = root, nodes, None, None
        self._taken, self._counters = set(), {"t": 0, "leaf": 0}

    def _graph(self, root):
        return all_nodes(root)

    @property
    def short(self):
        """The :func:`short_names` of the graph (computed on first use, :meth:`number`)."""
        if self._short is None:
            self.number()
        return self._short

    def number(self):
        """Number the unnamed nodes now, from the names the graph has now, as
        :func:`short_names` does, or, within :func:`numbered_as` of a graph holding
        this one, as that graph's labels do; ``self``."""
        if self._short is not None:
            return self
        whole = _WHOLE.get()
        if self._nodes is None:
            self._nodes = self._graph(self._root) if self._root is not None else \
                whole._nodes if whole is not None else []
        if whole is not None and whole is not self and whole.holds(self._nodes):
            self._short = {node: whole.short[node] for node in self._nodes
                           if node in whole.short}
            self._taken = whole._taken | {node.name for node in self._nodes if node.name}
            self._counters = dict(whole._counters)
            return self
        self._short = {}
        self._taken = {node.name for node in self._nodes if node.name}
        _number_unnamed(reading_order(self._nodes), self._short, self._taken, self._counters)
        return self

    def holds(self, nodes):
        """Whether every node of ``nodes`` is in this graph."""
        if self._held is None:
            self.number()
            self._held = set(self._nodes)
        return all(node in self._held for node in nodes)

    def node_called(self, label):
        """The unnamed node of the graph whose short label is ``label`` (``t7``), or None."""
        for node, short in self.short.items():
            if short == label:
                return node
        return None

    def labels_note(self, asked):
        """For a name spelled as a short label (``t9``, ``leaf5``) that no node has: ``;
        the unnamed nodes are labelled t1 ... t3 and leaf1 ... leaf3, as the steps print
        them``, what an unknown name's error adds; else ``""``."""
        found = _LABEL.fullmatch(asked) if isinstance(asked, str) else None
        if found is None:
            return ""
        ranges = []
        for kind in ("t", "leaf"):
            numbers = sorted(int(short[len(kind):]) for short in self.short.values()
                             if _LABEL.fullmatch(short) and _LABEL.fullmatch(short)[1] == kind)
            if numbers:
                first, last = f"{kind}{numbers[0]}", f"{kind}{numbers[-1]}"
                ranges.append(first if first == last else f"{first} ... {last}")
        if not ranges:
            return ("; every node of this graph has a name (or is a constant's number), so "
                    "none goes by a label such as t1")
        return f"; the unnamed nodes are labelled {' and '.join(ranges)}, as the steps print them"

    def __call__(self, node):
        if node.name:
            return node.name
        if node._opr is ops.CONSTANT:
            return number(node.data)
        short = self.short
        found = short.get(node)
        whole = _WHOLE.get() if found is None else None
        if whole is not None and node in whole.short:   # outside this part of numbered_as's
            found = short[node] = whole.short[node]
        if found is None:     # outside the graph: number it and its unnamed parents on
            nodes = self._graph(node)
            self._taken.update(n.name for n in nodes if n.name)
            _number_unnamed(reading_order(nodes), short, self._taken, self._counters)
            found = short[node]
        return found


#: a short label as :func:`short_names` gives it: t7, leaf2 (group 1 its kind)
_LABEL = re.compile(r"(t|leaf)([1-9][0-9]*)")

#: the :class:`Labels` of the whole graph while :func:`numbered_as` is in force
_WHOLE = contextvars.ContextVar("chainrule_labels", default=None)


@contextlib.contextmanager
def numbered_as(labels):
    """Within it, the :class:`Labels` of any part of ``labels``' graph call its unnamed
    nodes as ``labels`` does, numbered once, from the names the graph has on entry:
    the ``chainrule`` commands' answers about a script's graph, whatever ``--root``,
    and whatever a question names (``--wrt 'n.layers[0].neurons[0].w[0]'``), call
    leaf2 what ``chainrule step`` calls leaf2."""
    token = _WHOLE.set(labels.number())
    try:
        yield labels
    finally:
        _WHOLE.reset(token)


#: how explain's LaTeX goes on to say what its short labels stand for (``t_{14} = ...``):
#: check reads the formula before it, the definitions being no part of it
LATEX_WHERE = ", \\quad \\text{where } "


def numbered(node):
    """The short label (``leaf2``) the graph of :func:`numbered_as` in force gives the
    unnamed ``node``, as ``chainrule step`` prints it; None outside it, or its graph."""
    whole = _WHOLE.get()
    return None if whole is None else whole.short.get(node)


def label(node):
    """How a node is called in steps, errors and explanations: its name, a
    constant's number, or ``<op value>`` (:class:`Labels` gives an unnamed node
    of a known graph its short name t1, t2, ... instead)."""
    if node.name:
        return node.name
    if node._opr is ops.CONSTANT:
        return number(node.data)
    if node._opr.backward is None:
        return f"<{'leaf' if node._opr is ops.LEAF else node._opr.name} {number(node.data, 4)}>"
    return f"<{node._opr.name} {number(node.data, 4)}>"


def printed(labels):
    """``labels`` for text a person reads (steps, the stepper's lines): each node
    as ``labels`` calls it, made printable (:func:`autograd.names.printable`), so a
    name holding a newline or ESC stays on its line and does not recolour a terminal."""
    return lambda node: _names.printable(labels(node))


# ---------------------------------------------------------------------------
# Notations: expressions as (text, precedence)
# ---------------------------------------------------------------------------

class Called(str):
    """The text of a function applied, ``tanh(z)``, whose power is written ``tanh²(z)``;
    a node named ``x1(2)`` (sample 2's x1) or ``f(x)`` is no call: ``x1(2)²``."""

    __slots__ = ()


class TextNotation:
    """Plain text in the nodes' names: ``x·w1+b``, ``σ'(net2)``, ``h(1-h)``."""

    times = "·"
    factor_sep = " · "
    plus = "+"
    minus = "-"
    latex = False

    def name(self, name):
        return _names.printable(name)     # a name holding ESC or a newline is shown, not obeyed

    def number(self, x):
        return number(x)

    def paren(self, expr, min_prec):
        text, prec = expr
        return text if prec >= min_prec else f"({text})"

    def terms(self, signed):
        """``[(+1, e1), (-1, e2)]`` -> ``e1-e2``."""
        out = []
        for sign, e in signed:
            text = self.paren(e, SUM_P + (sign < 0))
            if out and text.startswith("-"):
                text = f"({text})"      # 1+t11+(-a), never 1+t11+-a
            if out:
                out.append((self.plus if sign > 0 else self.minus) + text)
            else:
                out.append(text if sign > 0 else "-" + self.paren(e, NEG_P))
        return "".join(out), SUM_P

    def product(self, exprs):
        """Factors joined by ``times``; none before a parenthesised factor: ``h(1-h)``."""
        text = ""
        for i, e in enumerate(exprs):
            part = self.paren(e, MUL_P)
            if i and not part.startswith(("(", "√")):
                text += self.times
            text += part
        return text, MUL_P

    def neg(self, e):
        return "-" + self.paren(e, NEG_P), NEG_P

    def frac(self, a, b):
        return f"{self.paren(a, MUL_P)}/{self.paren(b, POW_P)}", MUL_P

    def power(self, base, exponent):
        text, prec = exponent
        sup = {"2": "²", "3": "³"}.get(text)
        if sup is not None:
            btext, bprec = base
            if bprec == ATOM and isinstance(btext, Called) and btext.index("(") > 0:
                head = btext.index("(")   # tanh(z)² is written tanh²(z)
                return btext[:head] + sup + btext[head:], POW_P
            return self.paren(base, ATOM) + sup, POW_P
        return f"{self.paren(base, ATOM)}^{self.paren(exponent, ATOM)}", POW_P

    def call(self, function, args):
        return Called(f"{function}({', '.join(a[0] for a in args)})"), ATOM

    def prime(self, function, arg):
        return Called(f"{function}({arg[0]})"), ATOM

    def absolute(self, arg):
        return f"|{arg[0]}|", ATOM

    def sqrt(self, arg):
        return "√" + self.paren(arg, ATOM), POW_P

    def iverson(self, condition):
        """The Iverson bracket [c]: 1 where c holds, else 0."""
        return f"[{condition[0]}]", ATOM

    def compare(self, symbol, a, b):
        """``a>b``; an equality in brackets, ``(a=b)``, as check reads it (a bare
        ``= number`` after a formula is the value its writer worked out)."""
        text = f"{self.paren(a, SUM_P)}{symbol}{self.paren(b, SUM_P)}"
        return (f"({text})", ATOM) if symbol == "=" else (text, 0)

    def both(self, c1, c2):
        return f"{c1[0]} and {c2[0]}", 0

    def where(self, c, x, y):
        return f"({x[0]} if {c[0]} else {y[0]})", ATOM

    def partial(self, child, parent):
        return f"∂{self.paren(child, POW_P)}/∂{self.paren(parent, POW_P)}"


class LatexNotation(TextNotation):
    """The same expressions in LaTeX: ``w_{2}``, ``\\sigma'(z)``, ``\\frac{∂L}{∂w}``."""

    times = " \\cdot "
    factor_sep = " \\cdot "
    latex = True

    def name(self, name):
        return _names.latex(name)

    def number(self, x):
        text = number(x)
        if "e" in text:
            mantissa, exponent = text.split("e")
            return f"{mantissa} \\times 10^{{{int(exponent)}}}"
        return text

    def frac(self, a, b):
        return f"\\frac{{{a[0]}}}{{{b[0]}}}", ATOM

    def power(self, base, exponent):
        text, prec = base
        if prec == ATOM and _raised(text):     # w^{2}_{11}: not w^{2}_{11}^{2}, a double superscript
            prec = POW_P
        return f"{self.paren((text, prec), ATOM)}^{{{exponent[0]}}}", POW_P

    def absolute(self, arg):
        return f"\\left|{arg[0]}\\right|", ATOM

    def sqrt(self, arg):
        return f"\\sqrt{{{arg[0]}}}", ATOM

    def iverson(self, condition):
        return f"[{condition[0]}]", ATOM

    def compare(self, symbol, a, b):
        """Spaced, so that a command ends before the name: ``a \\geq b``; an equality
        in brackets, as in text."""
        text = f"{self.paren(a, SUM_P)} {symbol} {self.paren(b, SUM_P)}"
        return (f"\\left({text}\\right)", ATOM) if symbol == "=" else (text, 0)

    def both(self, c1, c2):
        return f"{c1[0]} \\wedge {c2[0]}", 0

    def where(self, c, x, y):
        return f"\\left({x[0]} \\text{{ if }} {c[0]} \\text{{ else }} {y[0]}\\right)", ATOM

    def partial(self, child, parent):
        def part(e):
            return e[0] if e[1] >= POW_P else f"\\left({e[0]}\\right)"
        return f"\\frac{{\\partial {part(child)}}}{{\\partial {part(parent)}}}"


class StepNotation(TextNotation):
    """The step-by-step view: infix operators spaced (``h × w2``, ``a - b``),
    products inside a dot unspaced (``w1·x + b``)."""

    times = "·"
    plus = " + "
    minus = " - "
    infix_times = " × "


# ---------------------------------------------------------------------------
# Rendering expressions and forward formulas
# ---------------------------------------------------------------------------

def _function_name(op, n):
    kind, text, latex = op.notation
    return latex if n.latex else text


def render(expr, env, n):
    """``expr`` as ``(text, precedence)`` in notation ``n``.  ``env`` maps a
    variable's name to ``(text, precedence)`` or to a number."""
    kind = expr.kind
    if kind == "const":
        x = expr.value
        return n.number(x), (ATOM if x >= 0 or x != x else NEG_P)
    if kind == "var":
        found = env[expr.value]
        if isinstance(found, tuple):
            return found
        return n.number(found), (ATOM if found >= 0 or found != found else NEG_P)
    args = expr.args
    if kind in ("add", "sub"):
        return n.terms(_signed_terms(expr, env, n))
    if kind == "mul":
        coefficient, factors = split(expr)
        parts = [render(f, env, n) for f in factors]
        if coefficient != 1.0 or not parts:
            text = n.number(abs(coefficient))
            if abs(coefficient) != 1.0 or not parts:
                parts.insert(0, (text, ATOM))
            if coefficient < 0:
                return n.neg(n.product(parts))
        return n.product(parts)
    if kind == "div":
        return n.frac(render(args[0], env, n), render(args[1], env, n))
    if kind == "neg":
        return n.neg(render(args[0], env, n))
    if kind == "pow":
        return n.power(render(args[0], env, n), render(args[1], env, n))
    if kind == "where":
        c, x, y = args
        if x.constant and x.value == 1.0 and y.constant and y.value == 0.0:
            return n.iverson(render(c, env, n))
        return n.where(render(c, env, n), render(x, env, n), render(y, env, n))
    if kind == "and":
        return n.both(render(args[0], env, n), render(args[1], env, n))
    op = ops.OPS[kind]
    return _apply_notation(op, [render(a, env, n) for a in args], n)


def _signed_terms(expr, env, n):
    """The terms of a chain of + and -, with their signs."""
    out = []
    stack = [(1, expr)]
    while stack:
        sign, e = stack.pop()
        if e.kind == "add":
            stack.append((sign, e.args[1]))
            stack.append((sign, e.args[0]))
        elif e.kind == "sub":
            stack.append((-sign, e.args[1]))
            stack.append((sign, e.args[0]))
        else:
            out.append((sign, render(e, env, n)))
    return out


def _apply_notation(op, args, n):
    """The op applied to rendered operands, as its notation says."""
    notation = op.notation
    kind = notation[0]
    if kind == "infix":
        if op is ops.MUL:
            if isinstance(n, StepNotation):
                return f"{n.paren(args[0], MUL_P)}{n.infix_times}{n.paren(args[1], MUL_P)}", MUL_P
            return n.product(args)
        if op is ops.DIV:
            if isinstance(n, StepNotation):
                return f"{n.paren(args[0], MUL_P)} / {n.paren(args[1], POW_P)}", MUL_P
            return n.frac(*args)
        return n.terms([(1, args[0]), (1 if op is ops.ADD else -1, args[1])])
    if kind == "prefix":
        return n.neg(args[0])
    if kind == "pow":
        return n.power(*args)
    if kind == "call":
        return n.call(_function_name(op, n), args)
    if kind == "compare":
        return n.compare(_function_name(op, n), *args)
    if kind == "abs":
        return n.absolute(args[0])
    if kind == "sqrt":
        return n.sqrt(args[0])
    if kind == "sum":
        return n.terms([(1, a) for a in args])
    if kind == "dot":
        k = len(args) // 2
        products = [(1, (f"{n.paren(w, MUL_P)}{n.times}{n.paren(a, MUL_P)}", MUL_P))
                    for w, a in zip(args[:k], args[k:2 * k])]
        return n.terms(products + [(1, b) for b in args[2 * k:]])
    if kind == "where":
        return n.where(*args)
    if kind == "expr":      # written as an expression of its operands: a(1 - a)
        written = notation[1](*(E.var(f"x{i}") for i in range(len(args))))
        return render(written, {f"x{i}": a for i, a in enumerate(args)}, n)
    raise ValueError(f"notation: op {op.name!r} has no notation {notation!r}")


def forward_expr(node, operands, n):
    """How ``node`` was computed, with its operands already rendered:
    ``σ(net1)``, ``x·w1+b``."""
    return _apply_notation(node._opr, operands, n)


def formula(node, n=None, labels=label, most=6):
    """How ``node`` was computed, in its parents' labels: ``h × w2``, ``σ(net1)``,
    ``w1·x + b``; a long sum keeps its first and last terms."""
    n = n or StepNotation()
    op = node._opr
    if op.backward is None:
        return number(node.data, 4)
    parents = node._prev
    if op in (ops.SUM, ops.DOT) and len(parents) > most + 1:
        return _long_sum(node, labels, most)
    return forward_expr(node, [operand(p, labels) for p in parents], n)[0]


def operand(node, labels):
    """``(text, precedence)`` of ``node`` written by ``labels`` inside an expression: a
    name that spells a sum or a product (micrograd's ``x1*w1 + x2*w2``) binds as one, so
    ``1 * (x1*w1 + x2*w2)`` is bracketed; any other label is atomic."""
    return labels(node), name_precedence(node.name) if node.name else ATOM


def grad_of(node, text):
    """``text.grad``, or ``(x1*w1 + x2*w2).grad`` for a name that spells an expression."""
    return f"{text}.grad" if operand(node, lambda _: text)[1] == ATOM else f"({text}).grad"


def _long_sum(node, labels, most):
    parents = node._prev
    if node._opr is ops.DOT:
        k = len(parents) // 2
        terms = [f"{labels(w)}·{labels(a)}" for w, a in zip(parents[:k], parents[k:2 * k])]
        terms += [labels(b) for b in parents[2 * k:]]
    else:
        terms = [labels(p) for p in parents]
    if len(terms) <= most:
        return " + ".join(terms)
    return " + ".join(terms[:most - 2] + ["...", terms[-1]]) + f" ({len(terms)} terms)"


# ---------------------------------------------------------------------------
# Nodes as expressions
# ---------------------------------------------------------------------------

#: an unnamed node whose expression would be longer than this is shown by its short label
LONGEST_EXPRESSION = 48


class Namer:
    """Every node as one notation writes it, memoised, the same wherever it
    appears: a name, a constant's number, an unnamed node as the expression
    it was computed by when that is at most :data:`DEEPEST` levels deep and
    short (``x·w1+b``, ``(y-y')²``: the textbook's factors read as written),
    else its short label (t1, leaf1: :class:`Labels`, the labels the steps,
    drawings, page and jit use).  :meth:`definitions` says what the labels a
    text uses stand for (``t7 = h2·w4+h3·w5+1``)."""

    #: an unnamed node's expression nests at most this many unnamed nodes
    DEEPEST = 2

    def __init__(self, notation, labels=None):
        self.n = notation
        self.labels = labels if labels is not None else Labels()
        self._memo = {}

    def expr(self, node):
        """``(text, precedence)``."""
        found = self._memo.get(node)
        if found is None:
            found = self._memo[node] = self._build(node)
        return found[0], found[1]

    def text(self, node):
        return self.expr(node)[0]

    def _short(self, node):
        return self.n.name(self.labels(node)), ATOM, 0

    def definitions(self, nodes):
        """``[(label, expression)]`` for the unnamed nodes among ``nodes``, in label
        order: ``("t7", "h2·w4+h3·w5+1")``, the forward written over its operands
        as this namer writes them (a deeper unnamed operand by its own label);
        an unnamed leaf is its value.  A node named by a question after the graph was
        numbered (``--wrt 'n.layers[0].neurons[0].w[0]'``, :func:`numbered_as`) is
        listed by that name with its label in the steps: ``(leaf1 in the steps)``."""
        found = []
        for node in dict.fromkeys(nodes):
            if node._opr is ops.CONSTANT:
                continue
            label = self.labels(node)
            short = self.labels.short.get(node)
            if short is None:
                continue
            leaf = node._opr.backward is None
            text = self.n.number(node.data) if leaf else \
                forward_expr(node, [self.expr(p) for p in node._prev], self.n)[0]
            if node.name:
                text += f" ({short} in the steps)"
            elif leaf:
                text += " (an unnamed leaf)"
            found.append((label, text, short))
        return [(label, text) for label, text, short in
                sorted(found, key=lambda entry: _label_key(entry[2]))]

    def _build(self, node):
        """``(text, precedence, depth)``: depth counts the unnamed nodes written out."""
        n = self.n
        if node.name:
            return n.name(node.name), name_precedence(node.name), 0
        op = node._opr
        if op is ops.CONSTANT:
            return n.number(node.data), (ATOM if node.data >= 0 else NEG_P), 0
        if op.backward is None or len(node._prev) > 8:
            return self._short(node)
        # operands first, without recursion: a deep chain is labelled on the way up
        pending = [p for p in node._prev if p not in self._memo]
        while pending:
            top = pending[-1]
            missing = [p for p in top._prev if p not in self._memo and not p.name
                       and p._opr.backward is not None and len(top._prev) <= 8]
            if missing:
                pending.extend(missing)
                continue
            pending.pop()
            if top not in self._memo:
                self._memo[top] = self._build(top)
        operands = [self._memo[p] for p in node._prev]
        depth = 1 + max(d for _, _, d in operands)
        if depth > self.DEEPEST:
            return self._short(node)
        text, prec = forward_expr(node, [(t, p) for t, p, _ in operands], n)
        if len(text) > LONGEST_EXPRESSION:
            return self._short(node)
        return text, prec, depth


def _raised(latex):
    """Whether LaTeX text has a superscript of its own outside any braces (``w^{2}_{11}``,
    as :func:`autograd.names.latex` writes Nielsen's w2_11), which a power must not follow."""
    depth = 0
    for c in latex:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "^" and depth == 0:
            return True
    return False


def name_precedence(name):
    """How tightly a name binds when written inside an expression: a gradient's
    ``∂L/∂w1`` as a quotient, micrograd's ``x1*w1 + x2*w2`` as the sum it spells,
    so ``∂(x1*w1)/∂w1`` is bracketed; an ordinary name (w1, y', net2) is atomic, and so
    is one written as LaTeX writes it, whatever its scripts hold (``a^{l-1}_1``), but for a
    power over it: ``(a^{l-1}_1)²``."""
    if _names.written_as_latex(name):       # its own superscript: a power brackets it
        return POW_P if "^" in name else ATOM
    if any(c in name for c in " +-") and not name.startswith("∂"):
        return SUM_P
    if any(c in name for c in "*·/×^"):
        return MUL_P
    return ATOM


def _label_key(label):
    """``t2`` before ``t10``; leaves after derived nodes."""
    stem = label.rstrip("0123456789")
    digits = label[len(stem):]
    return (stem != "t", stem, int(digits) if digits else 0)


# ---------------------------------------------------------------------------
# Local derivatives: rules
# ---------------------------------------------------------------------------

def split(expr):
    """``(coefficient, factors)`` of a product: ``-2·x·y`` -> ``(-2.0, [x, y])``."""
    kind = expr.kind
    if kind == "const":
        return expr.value, []
    if kind == "neg":
        c, f = split(expr.args[0])
        return -c, f
    if kind == "mul":
        c1, f1 = split(expr.args[0])
        c2, f2 = split(expr.args[1])
        return c1 * c2, f1 + f2
    if kind == "div" and expr.args[0].constant and expr.args[0].value != 1.0:
        c = expr.args[0].value
        return c, [E.div(1, expr.args[1])]
    return 1.0, [expr]


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

    @property
    def precedence(self):
        """How tightly the formula binds (a sum needs brackets inside a product)."""
        if self.symbol is None:
            return ATOM if self.coefficient >= 0 else NEG_P
        if self.coefficient == 1.0:
            return self.symbol[1]
        return MUL_P if self.coefficient > 0 else NEG_P

    def formula(self, n):
        """The whole local derivative as text: ``w2``, ``-1``, ``2(y'-y)``, ``2·e``, ``0.5``."""
        return times(n, self.coefficient, [self.symbol] if self.symbol else [], n.times)


def times(n, coefficient, symbols, joiner=None):
    """``coefficient · symbol_1 · symbol_2 ...`` with 1 and -1 written the short way
    (``joiner`` between the coefficient and the symbols: the factor separator)."""
    if not symbols:
        return n.number(coefficient)
    if len(symbols) == 1 and coefficient == 1.0:
        return symbols[0][0]
    body = n.factor_sep.join(n.paren(s, MUL_P) for s in symbols)
    if coefficient == 1.0:
        return body
    if coefficient == -1.0:
        return "-" + body
    joiner = "" if body.startswith("(") else (joiner or n.factor_sep)
    return f"{n.number(coefficient)}{joiner}{body}"


def operand_env(node, expr_of, out=None):
    """The variables of ``node``'s derivative: ``x0, x1, ...`` as the parents
    (an unnamed constant as its number), ``out`` as ``out`` or the node's expression."""
    env = {}
    for i, p in enumerate(node._prev):
        env[f"x{i}"] = p.data if p._opr is ops.CONSTANT and not p.name else expr_of(p)
    env["out"] = out if out is not None else expr_of(node)
    return env


#: what an edge into a fixed exponent says in place of a local derivative (draw)
FIXED_EXPONENT = "fixed exponent"


def fixed_exponent(node, index):
    """Whether parent ``index`` of ``node`` is a fixed exponent, the 2 of ``x**2``: a
    constant power, which the engine gives no gradient that matters (its local derivative
    is taken as 0, :func:`autograd.ops.pow_backward`), so a rule or an edge says so
    instead of writing a plain 0."""
    return node._opr is ops.POW and index == 1 and node._prev[1]._opr is ops.CONSTANT


def local_rules(node, expr_of, n, out=None):
    """``rule(index)``: ∂node/∂parent_index as a :class:`Rule` in notation ``n``.

    ``expr_of(node)`` renders a node (a name, or an expression); ``out``
    overrides how the node itself is written.  The work shared by a node's
    edges is done once, so a wide dot costs linear time.
    """
    op, parents = node._opr, node._prev
    exprs = op.local_exprs(len(parents), ops.fixed_operands(node))
    numbers = {f"x{i}": p.data for i, p in enumerate(parents)
               if p._opr is ops.CONSTANT and not p.name}
    env = operand_env(node, expr_of, out)
    derivative = None
    if op.prime is not None and parents:
        text, latex = op.prime
        derivative = n.prime(latex if n.latex else text, expr_of(parents[0]))[0]

    def rule(index):
        if fixed_exponent(node, index):
            return Rule(1.0, (f"0 ({FIXED_EXPONENT})", ATOM))   # the symbol says 0
        tree = E.substitute(exprs[index], numbers) if numbers else exprs[index]
        coefficient, factors = split(tree)
        if not factors:
            return Rule(coefficient)
        rendered = [render(f, env, n) for f in factors]
        symbol = rendered[0] if len(rendered) == 1 else n.product(rendered)
        negated = None
        if len(factors) == 1 and factors[0].kind == "var" and factors[0].value.startswith("x"):
            parent = parents[int(factors[0].value[1:])]
            if parent._opr is ops.SUB and not parent.name:
                left, right = parent._prev
                negated = n.terms([(1, expr_of(right)), (-1, expr_of(left))])
        return Rule(coefficient, symbol, derivative, negated)
    return rule


def local_rule(node, index, expr_of, n, out=None):
    """∂node/∂parent_index as a :class:`Rule` (see :func:`local_rules`)."""
    return local_rules(node, expr_of, n, out)(index)


def rule_text(node, index, labels, n=None, factor=False):
    """∂node/∂parent_index as one line of text, parents written by ``labels``
    and the node itself by its formula: ``w2``, ``σ(net1)(1-σ(net1))``.
    ``factor=True`` brackets a sum, for writing it times something: ``(1-tanh²(z))``."""
    return rule_texts(node, labels, n, factor)(index)


def rule_texts(node, labels, n=None, factor=False):
    """``text(index)``: :func:`rule_text` for each parent of ``node``, the work the
    edges share (writing the node and its operands) done once, so the rules of a
    dot over 1,569 operands cost linear time, not quadratic."""
    n = n or TextNotation()
    parents = node._prev

    def expr_of(p):
        return operand(p, labels)

    operands = [expr_of(p) for p in parents]
    written = dict(zip(parents, operands))

    def expr_once(p):
        text = written.get(p)
        return expr_of(p) if text is None else text

    rule_of = local_rules(node, expr_once, n, out=forward_expr(node, operands, n))

    def text(index):
        rule = rule_of(index)
        formula = rule.formula(n)
        return f"({formula})" if factor and rule.precedence < MUL_P else formula
    return text


#: the operand names an op's rules are written with in ``chainrule ops``
_OPERAND_NAMES = {1: ("a",), 2: ("a", "b"), 3: ("c", "x", "y")}


def op_rules(op):
    """``(formula, [(operand, rule)])``: how an op is written and its local
    derivatives, in the operands' generic names (``σ(a)``, ``[("a", "σ(a)(1-σ(a))")]``)."""
    n = TextNotation()
    if op.arity is None:   # n-ary: show the smallest instance with a bias
        operands = ("w", "a", "b") if op is ops.DOT else ("a1", "a2")
    else:
        operands = _OPERAND_NAMES[op.arity]
    atoms = [(name, ATOM) for name in operands]
    out = _apply_notation(op, atoms, n)
    env = {f"x{i}": atom for i, atom in enumerate(atoms)}
    env["out"] = out
    rules = [(name, _rule_formula(tree, env, n))
             for name, tree in zip(operands, op.local_exprs(len(operands)))]
    return out[0], rules


def slope_at(op, operand, n=None):
    """A one-operand op's local derivative at ``operand`` (``(text, precedence)``) as a
    textbook writes it: ``cos(x·w)`` for sin at x·w, ``1/(x·w)`` for log."""
    n = n or TextNotation()
    env = {"x0": operand, "out": _apply_notation(op, [operand], n)}
    return _rule_formula(op.local_exprs(1)[0], env, n)


def _rule_formula(tree, env, n):
    """A local derivative's expression written out over ``env``'s rendered operands."""
    coefficient, factors = split(tree)
    rendered = [render(f, env, n) for f in factors]
    symbol = rendered[0] if len(rendered) == 1 else (n.product(rendered) if rendered else None)
    return Rule(coefficient, symbol).formula(n)

"""A gradient formula typed as text, read over a graph's node names.

    check(L, "w1", "x*h*(1-h)*w2*y'*(1-y')*(y'-y)")                      # the 1-1-1 network
    check(O, "w1", "d(s(s(Iw_1+1)w_2+1)w_4+s(s(Iw_1+1)w_3+1)w_5+1)·(...)")  # the Desmos question

What a formula may contain:

names        the graph's node names, digits and primes included (w1, net2, y',
             out_h1); ``w_1`` and ``w_{1}`` are w1 as Desmos writes it, and names
             written together are multiplied (``Iw_1`` is I·w1)
numbers      2, 0.5, .5, 1e-3; ``e`` is Euler's number unless a node is called e
operators    + - * / ^ ** (also · × ⋅ − ÷ ² ³ as printed), parentheses ( ) [ ] { }
implicit ·   ``2h``, ``h(1-h)``, ``(a)(b)``; refused where it is ambiguous: after
             the right side of a division (``a/2h``) and before a number (``h 2``)
functions    σ, sigmoid, s (the sigmoid) and σ', s', sigmoid', d (its derivative,
             as the Desmos question writes d(x) = s(x)(1 - s(x))); exp, log, ln, tanh, sqrt, √, relu,
             abs, softplus; ``f'`` is the derivative of any of them
LaTeX        as Desmos copies it: ``\\left(``, ``\\right)``, ``\\cdot``, ``\\sigma``, ...

The text is read by a small recursive-descent parser into a tree; nothing is
eval'ed.  Every function is the op of :mod:`autograd.ops` (its forward; a
derivative is the op's own local-derivative expression), every name is found
with :func:`autograd.names.find_node`.  Anything it cannot read is a
:class:`FormulaError`, one line naming the token, its position (counted from
1) and the names that exist.
"""

import math
import re

from . import graph, names, ops
from . import expr as E
from .notation import TextNotation
from .ops import ATOM, MUL_P

__all__ = ["Formula", "FormulaError", "read_formula", "FUNCTIONS"]

#: parentheses, signs and powers nested deeper than this are refused (no deep recursion)
DEEPEST = 100
#: a tree deeper than this (a chain of 300 operators) is refused
LONGEST = 300


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated: one line naming the token."""


# ---------------------------------------------------------------------------
# The functions a formula may call: the unary ops, by every name they go by
# ---------------------------------------------------------------------------

def _function_table():
    """name -> (op, derivative?) for every unary op a textbook writes as f(x)."""
    table = {}
    for op in ops.OPS.values():
        if op.arity != 1 or op.is_leaf or op.notation[0] not in ("call", "sqrt", "abs"):
            continue
        spellings = {op.name}
        if op.notation[0] == "call":
            spellings.add(op.notation[1])
        for spelling in spellings:
            table[spelling] = (op, False)
            table[spelling + "'"] = (op, True)
        if op.prime:
            table[op.prime[0]] = (op, True)
    table["√"] = (ops.SQRT, False)
    table["s"] = (ops.SIGMOID, False)      # the Desmos question: s(x) is the sigmoid,
    table["s'"] = (ops.SIGMOID, True)
    table["d"] = (ops.SIGMOID, True)       # and d(x) = s(x)(1 - s(x)) its derivative
    return table


#: every function name a formula may use -> (op, whether it is the derivative)
FUNCTIONS = _function_table()


def _canonical(op, derivative):
    """σ and σ', exp and exp', ...: how a function is written back."""
    kind = op.notation[0]
    text = op.notation[1] if kind == "call" else op.name
    if derivative:
        return op.prime[0] if op.prime else text + "'"
    return text


def _apply(op, derivative, x):
    """op(x), or op'(x) from the op's own local derivative (σ' = σ(1 - σ))."""
    out = op.forward(x)
    if not derivative:
        return out
    [local] = op.local_exprs(1)
    return E.evaluate(local, {"x0": x, "out": out}, ops.IEEE)


# ---------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------

class Number:
    depth = 1

    def __init__(self, text, pos):
        self.text, self.pos = text, pos
        self.value = float(text)


class Constant:
    """A named number that is not a node: Euler's e."""

    depth = 1

    def __init__(self, text, value, pos):
        self.text, self.value, self.pos = text, value, pos


class NodeName:
    """A node of the graph, as typed (``w_1``) and as named (``w1``)."""

    depth = 1

    def __init__(self, typed, name, node, pos):
        self.typed, self.name, self.node, self.pos = typed, name, node, pos


class Call:
    """``f(arg)`` or ``f'(arg)`` for a unary op f."""

    def __init__(self, typed, op, derivative, arg, pos):
        self.typed, self.op, self.derivative, self.arg, self.pos = typed, op, derivative, arg, pos
        self.depth = arg.depth + 1


class Negate:
    def __init__(self, arg, pos):
        self.arg, self.pos = arg, pos
        self.depth = arg.depth + 1


class Binary:
    """``left op right`` for op in + - * / ^ (``implicit`` for 2h, h(1-h))."""

    OPS = {"+": ops.ADD, "-": ops.SUB, "*": ops.MUL, "/": ops.DIV, "^": ops.POW}

    def __init__(self, symbol, left, right, pos, implicit=False):
        self.symbol, self.left, self.right, self.pos = symbol, left, right, pos
        self.implicit = implicit
        self.depth = max(left.depth, right.depth) + 1


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

class Token:
    """kind: "num", "name", "func", "const", "op", "(", ")" or "end"."""

    __slots__ = ("kind", "text", "pos", "value")

    def __init__(self, kind, text, pos, value=None):
        self.kind, self.text, self.pos, self.value = kind, text, pos, value

    def __repr__(self):
        return f"Token({self.kind!r}, {self.text!r}, {self.pos})"


_OPERATORS = {"+": "+", "-": "-", "−": "-", "*": "*", "·": "*", "×": "*", "⋅": "*", "∗": "*",
              "/": "/", "÷": "/", "^": "^"}
_OPENING, _CLOSING = "([{", ")]}"
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?")
_SAMPLE = re.compile(r"\(\d+\)")
_SUPERSCRIPTS = {"²": "2", "³": "3"}
#: an opening parenthesis ahead, perhaps after spaces and LaTeX's \left
_OPENS = re.compile(r"(?:\s|\\left|\\[bB]ig[lr]?)*[(\[{]")
#: LaTeX commands Desmos puts in a copied formula, and what they are
_LATEX = {"left": None, "right": None, "big": None, "Big": None, "bigl": None, "bigr": None,
          "Bigl": None, "Bigr": None, ",": None, ";": None, "!": None, " ": None,
          "cdot": ("op", "*"), "times": ("op", "*"), "sigma": ("run", "σ"),
          "exp": ("run", "exp"), "ln": ("run", "ln"), "log": ("run", "log"),
          "tanh": ("run", "tanh"), "sqrt": ("run", "sqrt")}


class _Reader:
    """Reads one formula over one graph: tokens, then the tree."""

    def __init__(self, text, nodes, where):
        self.text = text
        self.nodes = nodes
        self.where = where
        self.named = names.nodes_by_name(nodes)
        self.by_spelling = {}
        for name in self.named:
            self.by_spelling.setdefault(names.spelling(name), []).append(name)
        self.found = {}           # name -> node, in the order the formula names them
        self.functions = {}       # typed function name -> canonical, when they differ

    # -- errors --------------------------------------------------------------

    def fail(self, pos, token, what):
        raise FormulaError(
            f"{self.where}: cannot read the formula at position {pos} ({token!r}): {what}; "
            f"named nodes: {names.listing(self.named)}")

    # -- tokens ----------------------------------------------------------------

    def tokens(self):
        text, i, out = self.text, 0, []
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch == "\\":
                i = self._latex(i, out)
            elif ch in _OPERATORS:
                if text.startswith("**", i):
                    out.append(Token("op", "^", i + 1))
                    i += 2
                else:
                    out.append(Token("op", _OPERATORS[ch], i + 1))
                    i += 1
            elif ch in _OPENING:
                out.append(Token("(", ch, i + 1))
                i += 1
            elif ch in _CLOSING:
                out.append(Token(")", ch, i + 1))
                i += 1
            elif ch in _SUPERSCRIPTS:            # h² is h^2
                out.append(Token("op", "^", i + 1))
                out.append(Token("num", _SUPERSCRIPTS[ch], i + 1))
                i += 1
            elif ch.isdecimal() or (ch == "." and text[i + 1:i + 2].isdecimal()):
                found = _NUMBER.match(text, i)
                out.append(Token("num", found.group(0), i + 1))
                i = found.end()
            elif ch.isalpha() or ch == "√":
                i = self._run(i, out)
            else:
                self.fail(i + 1, ch, "this character is not part of a formula")
        out.append(Token("end", "the end", len(text) + 1))
        return out

    def _latex(self, i, out):
        text = self.text
        found = re.compile(r"\\([A-Za-z]+|.)").match(text, i)
        command = found.group(1) if found else ""
        if command not in _LATEX:
            self.fail(i + 1, found.group(0) if found else "\\",
                      "this LaTeX command is not read (write a/b for \\frac{a}{b})")
        meaning = _LATEX[command]
        if meaning is not None:
            kind, value = meaning
            if kind == "op":
                out.append(Token("op", value, i + 1))
            else:
                self._pieces(value, [i + 1] * len(value), found.end(), out)
        return found.end()

    def _run(self, i, out):
        """A run of letters, digits, _ and primes: one or more names, or a function."""
        text, chars, where = self.text, [], []
        if text[i] == "√":
            self._pieces("√", [i + 1], i + 1, out)
            return i + 1
        while i < len(text):
            ch = text[i]
            if (ch.isalnum() and ch not in _SUPERSCRIPTS) or ch in "'′":
                chars.append("'" if ch == "′" else ch)
                where.append(i + 1)
                i += 1
            elif ch == "_" and text[i + 1:i + 2] == "{":
                close = text.find("}", i + 2)
                inner = text[i + 2:close] if close > 0 else ""
                if close < 0 or not inner.isalnum():
                    self.fail(i + 1, text[i:i + 8], "a subscript in braces must be letters "
                                                    "or digits: w_{1}")
                chars += ["_"] + list(inner)
                where += [i + 1] + list(range(i + 3, close + 1))
                i = close + 1
            elif ch == "_":
                chars.append("_")
                where.append(i + 1)
                i += 1
            else:
                break
        run = "".join(chars)
        sample = _SAMPLE.match(text, i)
        if sample and run + sample.group(0) in self.named:     # x1(2): sample 2's x1
            where += list(range(i + 1, sample.end() + 1))
            run += sample.group(0)
            i = sample.end()
        self._pieces(run, where, i, out)
        return i

    def _pieces(self, run, where, after, out):
        """Split a run into names and a final function (see :meth:`_split`)."""
        calls = _OPENS.match(self.text, after) is not None
        for start, end, kind in self._split(run, where[0], calls):
            piece = run[start:end]
            pos = where[start]
            if kind == "func":
                out.append(Token("func", piece, pos, FUNCTIONS[piece]))
            elif kind == "const":
                out.append(Token("const", piece, pos, math.e))
            else:
                out.append(Token("name", piece, pos, kind))

    def _name_of(self, piece):
        """The graph name a piece of text is, or None; ambiguous spellings fail later."""
        if piece in self.named:
            return piece
        found = self.by_spelling.get(names.spelling(piece), [])
        return found[0] if len(found) == 1 else None

    def _split(self, run, pos, calls):
        """[(start, end, kind)]: the run as one name, a function (when a parenthesis
        follows), or the fewest names (and a last function) it can be read as."""
        if run in self.named:
            if run in FUNCTIONS and calls:
                self.fail(pos, run, f"{run!r} is both a node of the graph and the function "
                                    f"{_canonical(*FUNCTIONS[run])}; write * after the node "
                                    f"or use another name for the function")
            return [(0, len(run), run)]
        if run in FUNCTIONS:
            return [(0, len(run), "func")]
        if run == "e":
            return [(0, 1, "const")]
        whole = self.by_spelling.get(names.spelling(run), [])
        if len(whole) > 1:
            self.fail(pos, run, f"it can be any of the nodes {', '.join(sorted(whole))}")
        if whole:
            return [(0, len(run), whole[0])]
        readings = self._readings(run, calls)
        if not readings:        # find_node says so, listing the names that exist
            names.find_node(self.nodes, run, f"{self.where}: the formula's {run!r} at "
                                             f"position {pos}")
            self.fail(pos, run, "no node has this name")
        if len(readings) > 1:
            shown = " or ".join("·".join(run[s:e] for s, e, _ in r) for r in readings[:2])
            self.fail(pos, run, f"it reads two ways, {shown}; write * between the names")
        return readings[0]

    def _readings(self, run, calls):
        """The readings of the run with the fewest pieces (at most two: one is the
        answer, two are ambiguous): names, the last one possibly a function when a
        parenthesis follows."""
        n = len(run)
        best = [None] * (n + 1)     # best[i]: the readings of run[:i] with fewest pieces
        best[0] = [[]]
        for end in range(1, n + 1):
            for start in range(end):
                if best[start] is None:
                    continue
                piece = run[start:end]
                name = self._name_of(piece)
                kind = name if name is not None else (
                    "func" if end == n and calls and piece in FUNCTIONS else None)
                if kind is None:
                    continue
                for reading in best[start]:
                    candidate = reading + [(start, end, kind)]
                    if best[end] is None or len(candidate) < len(best[end][0]):
                        best[end] = [candidate]
                    elif len(candidate) == len(best[end][0]) and len(best[end]) < 2:
                        best[end].append(candidate)     # two readings: ambiguous
        return best[n] or []

    # -- the tree ----------------------------------------------------------------

    def parse(self):
        self.toks = self.tokens()
        self.at = 0
        self.depth = 0
        tree = self.sum()
        token = self.peek()
        if token.kind != "end":
            what = "a closing parenthesis has no opening one" if token.kind == ")" else \
                "expected an operator or the end here"
            self.fail(token.pos, token.text, what)
        return tree

    def peek(self):
        return self.toks[self.at]

    def take(self):
        token = self.toks[self.at]
        self.at += 1
        return token

    def sum(self):
        tree = self.product()
        while self.peek().kind == "op" and self.peek().text in "+-":
            token = self.take()
            tree = self._short(Binary(token.text, tree, self.product(), token.pos), token)
        return tree

    def _short(self, tree, token):
        """The tree, unless it is too deep to evaluate without deep recursion."""
        if tree.depth > LONGEST:
            self.fail(token.pos, token.text, f"the formula is longer than {LONGEST} operations "
                                             f"in a row; split it into parts")
        return tree

    def _deeper(self, token):
        self.depth += 1
        if self.depth > DEEPEST:
            self.fail(token.pos, token.text, f"parentheses, signs or powers nested more than "
                                             f"{DEEPEST} deep")

    def _starts_operand(self, token):
        return token.kind in ("num", "name", "func", "const", "(")

    def product(self):
        tree = self.unary()
        while True:
            token = self.peek()
            if token.kind == "op" and token.text in "*/":
                self.take()
                right = self.unary()
                tree = self._short(Binary(token.text, tree, right, token.pos), token)
                after = self.peek()
                if token.text == "/" and self._starts_operand(after):
                    self.fail(after.pos, after.text,
                              "a product right after a division is ambiguous (a/2h: is it "
                              "a/(2h) or (a/2)·h?); add parentheses or *")
            elif self._starts_operand(token):
                if token.kind == "num":
                    self.fail(token.pos, token.text, "a number right after a factor; write * "
                                                     "between them")
                tree = self._short(Binary("*", tree, self.power(), token.pos, implicit=True),
                                   token)
            else:
                return tree

    def unary(self):
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.take()
            self._deeper(token)
            arg = self.unary()
            self.depth -= 1
            return arg if token.text == "+" else Negate(arg, token.pos)
        return self.power()

    def power(self):
        base = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "^":
            self.take()
            self._deeper(token)
            exponent = self.unary()
            self.depth -= 1
            return Binary("^", base, exponent, token.pos)
        return base

    def atom(self):
        token = self.take()
        if token.kind == "num":
            return Number(token.text, token.pos)
        if token.kind == "const":
            return Constant(token.text, token.value, token.pos)
        if token.kind == "name":
            return self._node(token)
        if token.kind == "func":
            op, derivative = token.value
            if self.peek().kind != "(":
                self.fail(token.pos, token.text, f"the function {token.text} needs its "
                                                 f"argument in parentheses: {token.text}(z)")
            canonical = _canonical(op, derivative)
            if canonical != token.text:
                self.functions[token.text] = canonical
            return Call(token.text, op, derivative, self._group(), token.pos)
        if token.kind == "(":
            self.at -= 1
            return self._group()
        what = "the formula ends too early" if token.kind == "end" else \
            "expected a number, a name or an opening parenthesis"
        self.fail(token.pos, token.text, what)

    def _group(self):
        opening = self.take()
        self._deeper(opening)
        tree = self.sum()
        closing = self.take()
        if closing.kind != ")":
            self.fail(opening.pos, opening.text, "this parenthesis is never closed")
        self.depth -= 1
        return tree

    def _node(self, token):
        name = token.value
        node = self.found.get(name)
        if node is None:
            node = self.found[name] = names.find_node(
                self.nodes, name, f"{self.where}: the formula's {token.text!r} at position "
                                  f"{token.pos}")
        return NodeName(token.text, name, node, token.pos)


# ---------------------------------------------------------------------------
# The formula
# ---------------------------------------------------------------------------

class Formula:
    """A formula read over a graph.

    text        as typed
    tree        the parsed tree
    nodes       {name: node} for each name it uses, in the order it uses them
    functions   {typed: canonical} for functions typed another way (s: σ, d: σ')
    """

    def __init__(self, text, tree, nodes, functions, where="check"):
        self.text, self.tree, self.nodes, self.functions = text, tree, nodes, functions
        self.where = where

    def evaluate(self):
        """The formula's number at the nodes' current ``data``."""
        return self._value(self.tree)

    def _value(self, t):
        if isinstance(t, (Number, Constant)):
            return t.value
        if isinstance(t, NodeName):
            return t.node.data
        if isinstance(t, Negate):
            return -self._value(t.arg)
        if isinstance(t, Call):
            x = self._value(t.arg)
            return self._attempt(t, t.typed, t.op, lambda: _apply(t.op, t.derivative, x), (x,))
        a, b = self._value(t.left), self._value(t.right)
        op = Binary.OPS[t.symbol]
        return self._attempt(t, "·" if t.implicit else t.symbol, op,
                             lambda: op.forward(a, b), (a, b))

    def _attempt(self, t, token, op, compute, operands):
        try:
            return compute()
        except (ArithmeticError, ValueError) as err:
            raise FormulaError(f"{self.where}: the formula cannot be evaluated at position "
                               f"{t.pos} ({token!r}): {op.error(err, operands)}") from None

    # -- written back ------------------------------------------------------

    def reading(self):
        """How the formula was read: ``σ'(net4)·(...)``, names resolved, · explicit."""
        return _render(self.tree, TextNotation())[0]

    def values(self):
        """``I = 1, w1 = 0.5, ...``: each name the formula uses, with its value."""
        return ", ".join(f"{name} = {node.data:.6g}" for name, node in self.nodes.items())

    def sentence(self, value):
        """``Your formula ... reads as ...; with x = 0.8, ..., it gives ...``."""
        parts = [f"Your formula {self.text.strip()} reads as {self.reading()}"]
        if self.functions:
            parts.append(" (" + ", ".join(f"{typed} is {canonical}"
                                          for typed, canonical in self.functions.items()) + ")")
        parts.append(f"; with {self.values()}, it gives" if self.nodes else "; it gives")
        return "".join(parts) + f" {value:.12g}."

    def __repr__(self):
        return f"<Formula {self.text!r}>"


def _render(t, n):
    """The tree as (text, precedence) in notation n."""
    if isinstance(t, (Number, Constant)):
        return t.text, ATOM
    if isinstance(t, NodeName):
        return n.name(t.name), ATOM
    if isinstance(t, Negate):
        return n.neg(_render(t.arg, n))
    if isinstance(t, Call):
        return n.call(t.typed, [_render(t.arg, n)])
    if t.symbol in "+-":
        return n.terms(_signed(t, n))
    if t.symbol == "*":
        return _product([_render(f, n) for f in _factors(t)], n)
    if t.symbol == "/":
        return n.frac(_render(t.left, n), _render(t.right, n))
    return n.power(_render(t.left, n), _render(t.right, n))


def _product(parts, n):
    """Factors joined by an explicit ·, so the reading shows every product the
    formula was read as (h·(1-h), I·w1)."""
    return n.times.join(n.paren(part, MUL_P) for part in parts), MUL_P


def _signed(t, n):
    """The terms of a chain a + b - c, with their signs (a parenthesised sum on the
    right stays one term: x-(h-w1))."""
    if isinstance(t, Binary) and t.symbol in "+-":
        return _signed(t.left, n) + [(1 if t.symbol == "+" else -1, _render(t.right, n))]
    return [(1, _render(t, n))]


def _factors(t):
    if isinstance(t, Binary) and t.symbol == "*":
        return _factors(t.left) + _factors(t.right)
    return [t]


def read_formula(text, root, where="check"):
    """``text`` read over the graph of ``root``: a :class:`Formula`.

    Raises :class:`FormulaError` (or :class:`autograd.names.NodeNameError` for a
    name no node or several nodes have), one line naming the token and its position.
    """
    if not isinstance(text, str):
        raise TypeError(f"{where}: a formula must be a str, got {type(text).__name__}")
    reader = _Reader(text, graph.all_nodes(root), where)
    if not text.strip():
        reader.fail(1, text, "the formula is empty")
    tree = reader.parse()
    return Formula(text, tree, reader.found, reader.functions, where)


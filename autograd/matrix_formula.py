"""Read a matrix formula as people type it, and evaluate it over a batch's matrices.

One pass over the tokens (a Pratt parser that evaluates as it reads), no eval::

    A1.T @ delta2, X.T.dot(delta)      numpy: @ (.dot, np.dot), .T, * Hadamard, sum(…, axis=0)
    np.multiply(d, 1 - A1**2)          np.multiply, np.transpose/.transpose(), ** (a_1^2, A1², m⁻¹)
    delta2 = (A2 - Y) * σ'(Z2); A1.T @ delta2     statements: ; or new lines, the last is the value
    dW2 = A1.T @ delta2; db2 = …        (or the one whose left-hand side names the gradient asked)
    ((1/m (o_2 - Y) ⊙ (o_2 ⊙ (1 - o_2)))^T × o_1)^T    a blog: × product, ⊙, ^T, 1/m (…)
    \\mathbf{a}_1^T \\boldsymbol{\\delta}_2          LaTeX: juxtaposition is a product, \\odot
    \\Delta W_2 &= …  \\\\  $$…$$              a label left of = is skipped; \\\\, $$ end statements
    δ^{3} (a^{2})^T                     Nielsen: a^{l}, w^{l}, z^{l}, b^{l}, δ^{l}

Names: ``X, Y, m`` and the layout's ``W, b, Z, A`` with their number (``A1``, ``a_1``,
``a^{1}``; the blog's ``i``/``o`` are ``Z``/``A``); ``delta``/``δ`` with a number once the
formula assigns it.  Functions: each function of one number in :mod:`autograd.ops`, entry by
entry, as the scalar formula reader spells it (``σ``/``sigmoid``, ``tanh``, ``exp``, ``log``,
``sin``, ...) and ``f'`` its derivative (also ``sigmoid_prime``, ``tanh_prime``), ``square``,
``np.maximum(0, Z)``, ``sum(…)``/``Σ``/``\\sum`` (over the batch) and ``sum(…, axis=k)``;
numpy's ``np.sum(…)``/``.sum()`` without an axis adds every entry (refused for several neurons).
"""

from __future__ import annotations

import functools
import math
import re

from . import names, ops
from .formula import FUNCTIONS, PRIME_SUPERSCRIPT, derivative_at
from .matrix_form import LATEX_MATRIX_BEGIN, MatrixShapeError, shape, shape_text, transpose
from .precision import DECIMAL

__all__ = ["MatrixFormulaError", "evaluate_matrix_formula", "normalize_latex"]


#: the longest formula read (reading is linear in the length; this bounds the time to well
#: under a second, and a formula people type is a few hundred characters)
MOST_CHARACTERS = 10_000


class MatrixFormulaError(ValueError):
    """A matrix formula that cannot be read or evaluated (the message says where)."""


# ---------------------------------------------------------------------------
# LaTeX to plain text (each rule one regular-expression pass)
# ---------------------------------------------------------------------------

_LATEX_COMPARISONS = {"gt": ">", "lt": "<", "ge": "≥", "geq": "≥", "le": "≤", "leq": "≤"}

_LATEX_RULES = [
    (re.compile(r"\\\\|\$+|\\[\[\]()]|\\(?:begin|end)\s*\{[^{}]*\}"), ";"),   # \\, $$, \[ \], envs
    (re.compile(r"&"), " "),                                          # alignment points
    (re.compile(r"\\partial(?![A-Za-z])"), "∂"),
    (re.compile(r"\\Delta(?![A-Za-z])"), "Δ"),
    # the indicator \mathbb{1}[Z > 0] (or _{Z > 0}): the comparison, 1 or 0 entry by entry
    (re.compile(r"(?:\\mathbb\s*\{\s*1\s*\}|𝟙)\s*(?!\s)_?(?=\s*[\[{][^\[\]{}]*(?:[<>≥≤]|\\[gl]))"), " "),
    (re.compile(r"\\([gl]t|[gl]eq?)(?![A-Za-z])"), lambda found: _LATEX_COMPARISONS[found.group(1)]),
    # the ones vector, \mathbf{1} (1ᵀ δ adds δ's rows), before bold is unwrapped
    (re.compile(r"\\(?:mathbf|boldsymbol|bm|mathbb|vec)\s*\{\s*1\s*\}|𝟏|𝟙"), " ones "),
    (re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|mathit|mathsf|vec)\s*\{([^{}]*)\}"), r"\1"),
    # \frac{a}{b}, and \frac1m, \frac{a}2 as TeX reads them (one digit or letter unbraced)
    (re.compile(r"\\[dt]?frac\s*(?:\{([^{}]*)\}|([0-9A-Za-z]))\s*(?:\{([^{}]*)\}|([0-9A-Za-z]))"),
     lambda found: f"(({found.group(1) or found.group(2)})/({found.group(3) or found.group(4)}))"),
    (re.compile(r"\\text\s*\{[^{}]*\}"), " "),
    (re.compile(r"\\(?:left|right|big|Big|quad|qquad)(?![A-Za-z])|\\[,;!]"), " "),
    # ^\top, ^{\top}, and ^T before a command (^T\delta): ^T, apart from what follows it
    (re.compile(r"\^\s*(?:\{\s*\\(?:top|intercal)\s*\}|\\(?:top|intercal)(?![A-Za-z])|T(?=\\))"),
     "^T "),
    (re.compile(r"\\nabla(?![A-Za-z])"), "∇"),
    (re.compile(r"\\odot(?![A-Za-z])|\\circ(?![A-Za-z])"), "⊙"),
    (re.compile(r"\\times(?![A-Za-z])"), "×"),
    (re.compile(r"\\(?:coloneqq|coloneq|leftarrow|gets)(?![A-Za-z])"), "="),   # δ \gets …: δ = …
    (re.compile(r"\\cdot(?![A-Za-z])"), "·"),
    (re.compile(r"\\sigma(?![A-Za-z])"), "σ"),
    (PRIME_SUPERSCRIPT, "'"),                                         # σ^{\prime}: σ'
    (re.compile(r"\\delta(?![A-Za-z])"), "δ"),
    # \sum, \sum_{i=1}^{m}, \sum_i^m, \sum\limits_{i}: over the batch (the limits say no more)
    (re.compile(r"\\sum(?![A-Za-z])(?:\s*\\(?:no)?limits(?![A-Za-z]))?"
                r"(?:\s*[_^]\s*(?:\{[^{}]*\}|[A-Za-z0-9]))*"), "Σ"),
]


#: a layer written as a sum, w^{2+1}, δ^{l+1} with l a number: the layer's number
_LAYER_SUM = re.compile(r"(?<=\^)\s*\{\s*(\d{1,4})\s*([+\-])\s*(\d{1,4})\s*\}")


def _layer_sum(found):
    a, sign, b = found.groups()
    return str(int(a) + int(b) if sign == "+" else int(a) - int(b))


def normalize_latex(text):
    """The formula with LaTeX markup turned into the plain forms the reader knows."""
    if "\\" not in text and "$" not in text and "&" not in text and "𝟏" not in text \
            and "𝟙" not in text:
        return text
    for pattern, replacement in _LATEX_RULES:
        text = pattern.sub(replacement, text)
    return text


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+|\#[^\n]*)
  | (?P<number>""" + DECIMAL + r"""(?:[eE][+\-]?\d+)?)
  | (?P<transpose>\.T\b|\^\s*\{\s*T\s*\}|\^\s*T\b|ᵀ)
  | (?P<method>\.sum\b|\.mean\b|\.dot\b|\.transpose\b|\.astype\b)
  | (?P<name>(?:np\.)?[A-Za-zδσΔ∂]+(?:_[A-Za-z]+)*(?:'+)?
              (?:_?\{\s*\d+\s*\}|_?\d+)?(?:\^\s*\{\s*\d+\s*\}|\^\s*\d+)?)
  | (?P<op>@|\*\*|\*|\^|⊙|×|·|\+|-|−|/|\(|\)|\{|\}|\[|\]|,|:=|≔|←|>=|<=|[<>≥≤]|=|;|\n|Σ)
  | (?P<power>[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)
""", re.VERBOSE)
#: A1², (1 - A1)², m⁻¹ as printed: the power's digits

_NAME_PARTS = re.compile(r"^(?:np\.)?([A-Za-zδσΔ∂]+(?:_[A-Za-z]+)*)('*)(?:_?\{?\s*(\d+)\s*\}?)?"
                         r"(?:\^\s*\{?\s*(\d+)\s*\}?)?$")


#: a comparison of two entries, as the scalar formulas' (and numpy's) 1 or 0
COMPARISONS = {">": lambda p, q: float(p > q), "<": lambda p, q: float(p < q),
               ">=": lambda p, q: float(p >= q), "≥": lambda p, q: float(p >= q),
               "<=": lambda p, q: float(p <= q), "≤": lambda p, q: float(p <= q)}


#: numpy's conversions of a float, as .astype(…) names them (np.float64 and int32 alike)
def _cut(x):
    """int(x) of numpy: toward 0; NaN and ±inf have no integer."""
    if not math.isfinite(x):
        raise MatrixFormulaError(f".astype(int): {x} has no integer value")
    return float(math.trunc(x))


_CONVERSIONS = {"float": float, "double": float, "int": _cut, "uint": _cut,
                "bool": lambda x: float(x != 0)}


def _where(pos, plain):
    """Where in the formula: the character, when the text read is the text typed (its
    LaTeX turned into plain text moves the characters, and the message quotes the text)."""
    return f" at character {pos + 1} of the formula" if plain else " in the formula"


#: an object's attribute or method as code writes it (self.cost_derivative, net.weights):
#: the name before the dot, and the dotted names after it
_OWNER = re.compile(r"(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*$")
_ATTRIBUTES = re.compile(r"(?:\.[A-Za-z_]\w*)+")


def _code(text, pos, plain):
    """The message for code's ``owner.name`` or ``owner.method(…)`` at ``pos`` (the dot the
    tokens stopped at), naming it whole; None for anything else."""
    owner = _OWNER.search(text, 0, pos) if pos else None
    dotted = _ATTRIBUTES.match(text, pos)
    if owner is None or dotted is None:
        return None
    written = owner.group() + dotted.group()
    nielsen = (" (Nielsen's cost_derivative(output_activations, y) returns output_activations "
               "- y: (A - Y), A with the output layer's number)"
               if dotted.group().endswith(".cost_derivative") else "")
    if text[dotted.end():].lstrip(" \t").startswith("("):
        what = f"{written}(…)", "a method call is not a formula"
    else:
        what = written, "an attribute of an object is not a formula"
    return (f"cannot read {what[0]!r}{_where(owner.start(), plain)}: {what[1]}; write the "
            f"expression itself over the matrices X, Y, W, b, Z, A with their layer's number"
            f"{nielsen}")


def _unreadable(text, pos, plain):
    """The message for text the tokens do not cover, with what to write instead."""
    code = _code(text, pos, plain) if text.startswith(".", pos) else None
    if code is not None:
        return code
    snippet = text[pos:pos + 12] + re.match(r"\w*", text[pos + 12:pos + 40]).group()  # whole words
    command = re.match(r"\\[A-Za-z]+", text[pos:])
    if text.startswith("√", pos):
        hint = ": write √ as sqrt(…) (np.sqrt), entry by entry"
    elif text.startswith("∇", pos):
        hint = (": ∇_a C (BP1's gradient of the cost) depends on the cost; write it out, "
                "e.g. (A - Y) for ½ squared error, (A - Y)/m for its mean over the batch, "
                "A the output layer's activations")
    elif command and re.fullmatch(r"\\[dt]?frac", command.group()):
        hint = (f": {command.group()}'s arguments are read without braces inside them; "
                f"write (a)/(b) for a fraction of formulas")
    elif command:
        hint = f": the LaTeX command {command.group()} is not one this reader knows"
    else:
        hint = ""
    return f"cannot read {snippet!r}{_where(pos, plain)}{hint}"


def _tokens(text, plain=True):
    pos, out = 0, []
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None:
            raise MatrixFormulaError(_unreadable(text, pos, plain))
        kind = found.lastgroup
        if kind == "power":                  # ² is ** 2, ⁻¹ is ** -1
            power = found.group().translate(names.FROM_SCRIPTS)
            out.append(("op", "**", pos))
            if power[0] in "+-":
                out.append(("op", power[0], pos))
            out.append(("number", power.lstrip("+-"), pos))
        elif kind != "space":
            value = found.group()
            if kind == "op":
                value = {"−": "-", "{": "(", "}": ")", "[": "(", "]": ")", "\n": ";", ":=": "=",
                         "≔": "=", "←": "="}.get(value, value)
            out.append((kind, value, pos))
        pos = found.end()
    out.append(("end", "", pos))
    return out


# ---------------------------------------------------------------------------
# Values: a float or a matrix (list of rows), with the text that made it
# ---------------------------------------------------------------------------

class Term:
    """A value and the text that made it.  The text is kept as parts (strings and the
    operands' Terms) and joined only when asked for, so reading a long formula stays
    linear in its length."""

    __slots__ = ("value", "_parts", "_text")

    def __init__(self, value, *parts):
        self.value = value
        self._parts = parts
        self._text = parts[0] if len(parts) == 1 and isinstance(parts[0], str) else None

    @property
    def text(self):
        if self._text is None:
            self._text = _joined(self)
        return self._text

    @property
    def is_matrix(self):
        return isinstance(self.value, list)


def _joined(term):
    """The text of ``term``'s parts, walked without recursion."""
    out, stack = [], [term]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif item._text is not None:
            out.append(item._text)
        else:
            stack.extend(reversed(item._parts))
    return "".join(out)


class _Ones:
    """The ones vector 1 (``\\mathbf{1}``), its length the batch's: ``1ᵀ M`` adds M's rows,
    ``M 1`` its columns; ``turned``: written 1ᵀ."""

    __slots__ = ("turned",)

    def __init__(self, turned=False):
        self.turned = turned


_ONES_WORDS = ("the ones vector 1 (\\mathbf{1}) is read in a product: 1ᵀ M adds M's rows "
               "(over the batch when samples are rows), M 1 its columns")


def _ones_product(left, right, text):
    """1ᵀ M (column sums) or M 1 (row sums); any other use of the ones vector is refused."""
    if isinstance(left, _Ones) and left.turned and isinstance(right, list):
        return [[math.fsum(col) for col in zip(*right)]]
    if isinstance(right, _Ones) and not right.turned and isinstance(left, list):
        return [[math.fsum(row)] for row in left]
    raise MatrixFormulaError(f"{text.text}: {_ONES_WORDS}")


def _broadcast(a, b, f, text):
    """f entry by entry, numpy-style broadcasting of scalars, rows (1 × n) and columns; the
    ones vector entry by entry is a matrix of ones, so 1 (\\mathbf{1} - \\mathbf{A}_2)."""
    a, b = (1.0 if isinstance(a, _Ones) else a), (1.0 if isinstance(b, _Ones) else b)
    if not isinstance(a, list) and not isinstance(b, list):
        return f(a, b)
    if not isinstance(a, list):
        return [[f(a, y) for y in row] for row in b]
    if not isinstance(b, list):
        return [[f(x, b) for x in row] for row in a]
    (ra, ca), (rb, cb) = shape(a), shape(b)
    if (ra, ca) == (rb, cb):
        return [[f(x, y) for x, y in zip(row_a, row_b)] for row_a, row_b in zip(a, b)]
    rows, cols = max(ra, rb), max(ca, cb)
    if ra not in (1, rows) or rb not in (1, rows) or ca not in (1, cols) or cb not in (1, cols):
        where = text.text if isinstance(text, Term) else text
        raise MatrixShapeError(f"{where}: {shape_text((ra, ca))} and {shape_text((rb, cb))} do not "
                               f"have the same shape (nor broadcast: a 1 × n row or an n × 1 column)")
    return [[f(a[i if ra > 1 else 0][j if ca > 1 else 0], b[i if rb > 1 else 0][j if cb > 1 else 0])
             for j in range(cols)] for i in range(rows)]


def _is_a_name(text):
    """Whether the tokens read ``text`` as one name (``sqrt``, ``σ'``; not ``√``)."""
    found = _TOKEN.fullmatch(text)
    return found is not None and found.lastgroup == "name"


def _entrywise(op, derivative):
    """f(x) of one entry: the op's forward, or its derivative f'(x)."""
    return functools.partial(derivative_at, op) if derivative else op.forward


#: the functions of each entry: every one-operand function of the op table (an op that
#: formulas write f(z): not the engine's own sigmoid_slope, a(1 − a) of an activation a)
#: as the scalar formula reader spells it with a name (σ, sigmoid, σ', tanh', exp, log,
#: ln, sqrt, abs, sin, ...; not the sign √; ``d``, the Desmos σ', is delta here), numpy
#: tutorials' sigmoid_prime and tanh_prime, and square
_FUNCTIONS = {spelling: _entrywise(op, derivative)
              for spelling, (op, derivative) in FUNCTIONS.items()
              if op.arity == 1 and op.notation[0] in ("call", "sqrt", "abs")
              and spelling not in ("d", "d'") and _is_a_name(spelling)}
_FUNCTIONS.update(sigmoid_prime=_entrywise(ops.SIGMOID, True),
                  tanh_prime=_entrywise(ops.TANH, True), square=lambda x: x * x)
#: the functions of two entries, numpy's np.maximum(0, Z) (ReLU) and np.minimum
_ENTRY_PAIRS = {op.name: op.forward for op in ops.OPS.values()
                if op.arity == 2 and op.notation and op.notation[0] == "call"}

def _outside_domain(name, f, argument):
    """Why ``name(argument)`` cannot be computed: its first entry outside f's domain,
    ``log(Z2): entry (1, 2): input must be > 0, got -1.0``."""
    rows = argument.value if argument.is_matrix else [[argument.value]]
    for i, row in enumerate(rows, 1):
        for j, x in enumerate(row, 1):
            try:
                f(x)
            except (ArithmeticError, ValueError) as err:
                try:   # the op's message names its operand as {0}
                    reason = str(err).format(repr(x))
                except (IndexError, KeyError, ValueError):
                    reason = f"{err} ({x!r})"
                where = f"entry ({i}, {j}): " if argument.is_matrix else ""
                return f"{name}({argument.text}): {where}{reason}"
    return f"{name}({argument.text}) cannot be computed"


#: a tutorial's derivative helper: sigmoid_derivative, sigmoid_grad, d_sigmoid, dtanh
_DERIVATIVE_HELPER = re.compile(r"^(?:np\.)?(?:d_?(sigmoid|sig|tanh)|(sigmoid|sig|tanh)_?"
                                r"(?:deriv\w*|grad\w*|backward|der))$", re.IGNORECASE)

#: the bound names a typed name can mean (a name followed by ( is otherwise a function)
_MATRIX_KEY = re.compile(r"(?:X|Y|m|[ZAWb]\d+|delta\d+)'*")

#: the functions of two matrices (``np.dot(a, b)``) and of one matrix (``np.transpose(a)``)
_PAIR_FUNCTIONS = ("dot", "matmul", "multiply", "power")
_MATRIX_FUNCTIONS = ("sum", "mean", "transpose", "where") + _PAIR_FUNCTIONS + tuple(_ENTRY_PAIRS)

_ALIASES = {"x": "X", "y": "Y", "z": "Z", "i": "Z", "a": "A", "o": "A", "h": "A", "w": "W",
            "b": "b", "delta": "delta", "δ": "delta", "Δ": "delta", "d": "delta"}


# ---------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------

#: a name or label for the gradient of a matrix: ``dW2``, ``dC_dW2``, ``grad_W2``, ``ΔW_2``,
#: ``∂L/∂W_2``, ``∇_b C``... (what follows the prefix is the matrix's name)
_GRADIENT_OF = re.compile(r"^(?:[∂d][^/=]*/[∂d]|d[A-Za-z]_d|grad_?|[Δ∇d])(?P<matrix>[Wwb].*)$")


class _Reader:
    def __init__(self, text, bound, layout, describe, goal=None, asked=None):
        self.source = text
        self.goal = goal
        self.asked = asked
        plain_text = _LAYER_SUM.sub(_layer_sum, normalize_latex(text))
        self.plain = plain_text == text
        self.tokens = _tokens(plain_text.replace("′", "'"), self.plain)   # σ′ as books print it
        self.at = 0
        self.bound = dict(bound)
        self.bound.setdefault("ones", _Ones())
        self.layout = layout
        self.describe = describe or (lambda name, value: shape_text(value) if isinstance(value, list)
                                     else "a number")

    # -- tokens --
    def peek(self):
        return self.tokens[self.at]

    def take(self, value=None):
        token = self.tokens[self.at]
        if value is not None and token[1] != value:
            shown = token[1] or "the end"
            raise MatrixFormulaError(f"expected {value!r}{_where(token[2], self.plain)}, "
                                     f"found {shown!r}")
        self.at += 1
        return token

    # -- statements --
    def formula(self):
        """The value of the statement whose left-hand side names the gradient asked about
        (``dW2 = …``, ``∂L/∂W_2 = …``), else of the last statement."""
        result = asked = updated = None
        while True:
            while self.peek()[1] == ";":
                self.take()
            if self.peek()[0] == "end":
                break
            updated = self.updated()
            target, result = self.statement()
            if target is not None and target == self.asked:
                asked = result
            if self.peek()[0] != "end":
                self.take(";")
        if result is None:
            raise MatrixFormulaError("the formula is empty")
        if asked is None and updated is not None:
            raise MatrixFormulaError(
                f"the last statement assigns {updated} itself, as an update step does "
                f"({updated} ← {updated} − η·d{updated}); what is checked is the gradient: "
                f"paste the statement computing it (d{updated} = …)")
        return asked or result

    def updated(self):
        """The parameter matrix (``"W2"``) this statement assigns itself, else None."""
        kind, value, _ = self.peek()
        following = self.tokens[self.at + 1][1] if self.at + 1 < len(self.tokens) else ""
        key = self.key(value) if kind == "name" and following == "=" else None
        return key if key and re.fullmatch(r"[Wb]\d+", key) else None

    def statement(self):
        """(the matrix whose gradient the left-hand side names, or None; the value)."""
        kind, value, _ = self.peek()
        following = self.tokens[self.at + 1][1] if self.at + 1 < len(self.tokens) else ""
        if kind == "name" and following == "=":
            key = self.key(value, assigning=True)
            self.take()
            self.take("=")
            term = self.expression()
            self.bound[key] = term.value
            return self.gradient_of(value), Term(term.value, f"{key} = ", term)
        label_end = self.label_end()
        target = None
        if label_end is not None:        # ∂L/∂W_2 = …, ΔW_2 = …: what is computed, not a name
            label = "".join(token[1] for token in self.tokens[self.at:label_end])
            target = self.gradient_of(label.replace("(", "").replace(")", ""))
            self.at = label_end + 1
        return target, self.expression()

    def gradient_of(self, label):
        """``"W2"`` for a left-hand side naming ∂C/∂W2 (``dW2``, ``∂L/∂W_2``), else None."""
        found = _GRADIENT_OF.match(label)
        key = self.key(found.group("matrix")) if found else None
        return key if key and re.fullmatch(r"[Wb]\d+", key) else None

    def label_end(self):
        """The index of this statement's ``=`` when what stands left of it is more than one
        name (a label such as ``∂L/∂W_2`` or ``Δ W_2``), else None."""
        depth = 0
        for index in range(self.at, len(self.tokens)):
            value = self.tokens[index][1]
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            elif depth == 0 and value in (";", ""):
                return None
            elif depth == 0 and value == "=":
                self._label(index)
                return index
        return None

    def _label(self, equals):
        """Refuse a formula left of ``=`` (``A1.T @ delta2 = 0.5`` read 0.5 as the formula):
        a label is names, numbers, / ^ and parentheses (``∂L/∂W_2``, ``δ^L``, ``W^{[2]}``)."""
        for kind, value, pos in self.tokens[self.at:equals]:
            if kind not in ("name", "number") and value not in ("/", "(", ")", "^"):
                raise MatrixFormulaError(
                    f"{value!r}{_where(pos, self.plain)} is left of = : a statement is a name "
                    f"or a gradient's label, =, then the formula (delta2 = …, dW2 = …); paste "
                    f"the formula alone, without a value after it")

    # -- expressions --
    def expression(self):
        """A sum, or a comparison of two (``Z1 > 0``): 1.0 or 0.0 entry by entry."""
        left = self._sum()
        if self.peek()[1] in COMPARISONS:
            op = self.take()[1]
            right = self._sum()
            text = Term(None, left, f" {op} ", right)
            left = Term(self._elementwise(left, right, COMPARISONS[op], text), text)
        return left

    def _sum(self):
        left = self.product()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.product()
            text = Term(None, left, f" {op} ", right)
            f = (lambda p, q: p + q) if op == "+" else (lambda p, q: p - q)
            left = Term(self._elementwise(left, right, f, text), text)
        return left

    def starts_operand(self):
        kind, value, _ = self.peek()
        return kind in ("number", "name") or value in ("(", "Σ")

    def product(self):
        left = self.unary()
        if isinstance(left.value, _Ones) and left.value.turned:   # 1ᵀ …: as Σ, the whole product
            op = self.peek()[1]
            if op in ("@", "×", "·"):
                self.take()
            elif self.starts_operand():
                op = ""
            else:
                return left
            return self.combine(left, op, self.product())
        while True:
            value = self.peek()[1]
            if value in ("@", "×", "·", "*", "⊙", "/"):
                self.take()
                first = self.at
                right = self.unary()
                if value == "/":
                    self._coefficient_after_division(first)
            elif self.starts_operand():
                value, right = "", self.unary()
            else:
                return left
            left = self.combine(left, value, right)

    def _coefficient_after_division(self, first):
        """Refuse ``/2m`` (is it /(2m) or (…/2)·m?) in one line; ``1/m (A - Y)`` stays."""
        kind, number, pos = self.tokens[first]
        after = self.peek()
        if kind == "number" and self.at == first + 1 and after[0] == "name" and \
                after[2] == pos + len(number):
            written = f"{number}{after[1]}"
            raise MatrixFormulaError(f"/{written}{_where(pos, self.plain)} is ambiguous: "
                                     f"/({written}) or (…/{number})·{after[1]}? add "
                                     f"parentheses: /({written})")

    def combine(self, left, op, right):
        text = Term(None, left, f" {op} " if op else " ", right)
        if op in ("@", "×", "·", "") and (isinstance(left.value, _Ones) or
                                          isinstance(right.value, _Ones)):
            return Term(_ones_product(left.value, right.value, text), text)
        if op == "/":
            return Term(self._elementwise(left, right, lambda p, q: p / q, text), text)
        if op in ("*", "⊙") or not (left.is_matrix and right.is_matrix):
            return Term(self._elementwise(left, right, lambda p, q: p * q, text), text)
        return Term(self.matmul(left, right, text), text)

    def _elementwise(self, left, right, f, text):
        try:
            return _broadcast(left.value, right.value, f, text)
        except ZeroDivisionError:
            raise MatrixFormulaError(f"{text.text}: division by zero") from None

    def matmul(self, left, right, text):
        n, n2 = shape(left.value)[1], shape(right.value)[0]
        if n == n2:
            columns = transpose(right.value)
            return [[math.fsum(a * b for a, b in zip(row, col)) for col in columns]
                    for row in left.value]
        raise MatrixShapeError(self.shape_message(left, right, text))

    def shape_message(self, left, right, text):
        """Why ``left @ right`` does not fit, in the words of the layout, and which form would
        (one giving the shape of the gradient asked about first)."""
        n, n2 = shape(left.value)[1], shape(right.value)[0]
        where = (f"in {text.text}, {left.text} is {self.describe(left.text, left.value)} and "
                 f"{right.text} is {self.describe(right.text, right.value)}: a matrix product "
                 f"needs the left's columns ({n}) to equal the right's rows ({n2})")
        samples = ("samples are rows, so a sum over the samples is a product whose inner "
                   "dimension is m" if self.layout == "rows" else
                   "samples are columns (Nielsen), so a sum over the samples is a product whose "
                   "inner dimension is m")
        fits = _products_that_fit(left, right)
        if not fits:
            return f"{where} ({samples})."
        fits.sort(key=lambda fit: (fit[1] != self.goal, fit[3]))
        hint, result, through_weights, _ = fits[0]
        extra = (" (BP2 carries δ back through the next layer's weights transposed)"
                 if through_weights else "")
        goal = ", the gradient's shape" if result == self.goal else ""
        return f"{where}; {hint} fits, giving {shape_text(result)}{goal}{extra} ({samples})."

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            term = self.unary()
            return Term(_broadcast(-1.0, term.value, lambda p, q: p * q, "-"), "-", term)
        if self.peek()[1] == "+":
            self.take()
            return self.unary()
        return self.postfix(self.primary())

    def postfix(self, term):
        while True:
            kind, value, _ = self.peek()
            if value in ("**", "^"):
                self.take()
                self.layer_letter(term.text)
                term = self.power(term, self.unary())
            elif kind == "transpose":
                self.take()
                term = self.transposed(term)
            elif value == ".transpose":
                self.take()
                self.take("(")
                self.take(")")
                term = self.transposed(term)
            elif value == ".dot":
                self.take()
                self.take("(")
                right = self.expression()
                self.take(")")
                term = self.combine(term, "@", right)
            elif value == ".astype":
                term = self.converted(term)
            elif kind == "method":
                method = self.take()[1]
                self.take("(")
                axis = self.arguments_after_first(leading=True)
                term = self.summed(term, axis, mean=method == ".mean", numpy=method + "()")
            else:
                return term

    def converted(self, term):
        """``.astype(float)`` (np.float64, ...) keeps the numbers; ``int`` cuts them toward
        0 and ``bool`` is 1 or 0, as numpy does; (Z1 > 0).astype(int) is the comparison."""
        self.take(".astype")
        self.take("(")
        kind, dtype, _ = self.take()
        self.take(")")
        kind_of = re.sub(r"^np\.|\d+$", "", dtype) if kind == "name" else dtype
        f = _CONVERSIONS.get(kind_of)
        if f is None:
            raise MatrixFormulaError(f".astype({dtype}): a matrix formula's numbers are floats; "
                                     f"convert to float, int or bool")
        text = Term(None, term, f".astype({dtype})")
        return Term(_broadcast(term.value, 0.0, lambda x, _: f(x), text), text)

    def layer_letter(self, text):
        """Refuse Nielsen's z^L, a^l (a layer by letter) in one line, giving the number."""
        kind, letter, _ = self.peek()
        if kind == "name" and letter in ("L", "l"):
            outputs = [int(n[1:]) for n in self.bound if re.fullmatch(r"A\d+", n)]
            raise MatrixFormulaError(
                f"{text}^{letter}: write the layer's number for {letter} (in the "
                f"{self.layout} layout the output layer's matrices are "
                f"Z{max(outputs, default=2)}, A{max(outputs, default=2)})")

    def transposed(self, term):
        value = term.value
        if isinstance(value, _Ones):
            return Term(_Ones(not value.turned), term, "ᵀ")
        return Term(transpose(value) if term.is_matrix else value, term, "ᵀ")

    def power(self, base, exponent):
        """``base ** exponent`` entry by entry (``A1**2``, ``(1 - A1)^2``, ``a_1^2``)."""
        text = Term(None, base, "**", exponent)
        if exponent.is_matrix:
            raise MatrixFormulaError(f"{text.text}: the exponent must be a number, not a matrix")
        try:
            return Term(_broadcast(base.value, exponent.value, lambda p, q: p ** q, text), text)
        except (ZeroDivisionError, OverflowError):
            raise MatrixFormulaError(f"{text.text}: cannot be computed (a 0 to a negative "
                                     f"power, or too large)") from None

    def primary(self):
        kind, value, pos = self.peek()
        if kind == "number":
            self.take()
            if math.isinf(float(value)):
                raise MatrixFormulaError(f"the number {value[:30]!r}{_where(pos, self.plain)} is "
                                         f"too large for a float (at most about 1.8e308)")
            return Term(float(value), value)
        if value == "(":
            self.take()
            inner = self.expression()
            self.take(")")
            return Term(inner.value, "(", inner, ")")
        if value == "Σ":              # Σ (A - Y) ⊙ A ⊙ (1 - A): over the whole product after it
            self.take()
            return self.summed(self.product(), None)
        if kind == "name":
            self.take()
            function = self.function_name(value)
            if function is not None:
                return self.call(function, numpy=value.startswith("np."))
            key = self.key(value)
            parts = _NAME_PARTS.match(value)
            if parts and parts.group(4) and (parts.group(3) or key not in self.bound):
                base = self.key(value[:value.index("^")])    # a_1^2, m^2, Y^2: a power
                if base in self.bound:
                    return self.power(Term(self.bound[base], base),
                                      Term(float(parts.group(4)), parts.group(4)))
            if key not in self.bound and self.peek()[1] == "(" and not _MATRIX_KEY.fullmatch(key):
                known = ", ".join([f for f in _FUNCTIONS if not f.endswith("'")] +
                                  list(_MATRIX_FUNCTIONS))
                raise MatrixFormulaError(f"{value}(…) is not a function this formula reader "
                                         f"knows{self.derivative_hint(value)}; it knows {known} "
                                         f"(np. or not; f' is f's derivative), and * ** @ .T")
            if key not in self.bound and self.peek()[1] == "^":
                self.take()
                self.layer_letter(value)
            if key not in self.bound:
                listed = ", ".join(sorted(set(self.bound) - {"ones"}, key=_name_order))
                if value.startswith("∂"):
                    raise MatrixFormulaError(
                        f"∂ is read only in the label left of = (∂L/∂W_2 = …): a chain of "
                        f"partial derivatives (∂cost/∂o_2 · ∂o_2/∂i_2 · …) names no matrix; "
                        f"write each factor as the matrices it is, from {listed}")
                define = (f" ({key} is bound once the formula assigns it: {key} = …; then use "
                          f"it)" if key.startswith("delta") else "")
                raise MatrixFormulaError(
                    f"{value!r} is not bound in this formula ({self.layout} layout); the names "
                    f"bound are {listed}{define}")
            return Term(self.bound[key], key)
        shown = value or "the end"
        raise MatrixFormulaError(f"expected a number, a name or ({_where(pos, self.plain)}, "
                                 f"found {shown!r}")

    def derivative_hint(self, name):
        """For a tutorial's derivative helper (sigmoid_derivative, d_tanh): what to write,
        since tutorials define it at z or at the activation a."""
        activation = _DERIVATIVE_HELPER.search(name)
        if activation is None:
            return ""
        argument = self.tokens[self.at + 1][1] if self.at + 1 < len(self.tokens) else ""
        layer = re.fullmatch(r"Z(\d+)", self.key(argument))
        z, a = (f"Z{layer.group(1)}", f"A{layer.group(1)}") if layer else ("Z", "A")
        if (activation.group(1) or activation.group(2)).lower() == "tanh":
            return (f": tutorials define it at z or at the activation a, so write tanh'({z}) "
                    f"for tanh'(z), or 1 - {a}**2")
        return (f": tutorials define it at z or at the activation a, so write σ'({z}) for "
                f"σ'(z), or {a} * (1 - {a})")

    def function_name(self, text):
        found = _NAME_PARTS.match(text)
        if found is None or found.group(3) or found.group(4):
            return None
        name = found.group(1) + found.group(2)
        if name in _MATRIX_FUNCTIONS and self.peek()[1] == "(":
            return name
        if name in _FUNCTIONS and self.peek()[1] == "(":
            return name
        return None

    def call(self, name, numpy=False):
        self.take("(")
        argument = self.expression()
        if name in _PAIR_FUNCTIONS or name in _ENTRY_PAIRS:
            self.take(",")
            right = self.expression()
            self.take(")")
            if name in _ENTRY_PAIRS:
                text = Term(None, f"{name}(", argument, ", ", right, ")")
                return Term(self._elementwise(argument, right, _ENTRY_PAIRS[name], text), text)
            if name == "power":
                return self.power(argument, right)
            return self.combine(argument, "⊙" if name == "multiply" else "@", right)
        if name == "transpose":
            self.take(")")
            return self.transposed(argument)
        if name == "where":
            return self.chosen(argument)
        if name in ("sum", "mean"):
            axis = self.arguments_after_first() if self.peek()[1] == "," else self.close()
            return self.summed(argument, axis, mean=name == "mean", numpy=numpy and f"np.{name}(…)")
        self.take(")")
        if isinstance(argument.value, _Ones):
            raise MatrixFormulaError(f"{name}({argument.text}): {_ONES_WORDS}")
        f = _FUNCTIONS[name]
        try:
            value = ([[f(x) for x in row] for row in argument.value] if argument.is_matrix
                     else f(argument.value))
        except (ArithmeticError, ValueError):
            raise MatrixFormulaError(_outside_domain(name, f, argument)) from None
        return Term(value, f"{name}(", argument, ")")

    def chosen(self, condition):
        """``np.where(c, a, b)``: a where c is not 0, else b, entry by entry (broadcast)."""
        self.take(",")
        a = self.expression()
        self.take(",")
        b = self.expression()
        self.take(")")
        text = Term(None, "where(", condition, ", ", a, ", ", b, ")")
        paired = _broadcast(condition.value, a.value, lambda c, x: (c, x), text)
        return Term(_broadcast(paired, b.value, lambda cx, y: cx[1] if cx[0] else y, text), text)

    def close(self):
        self.take(")")
        return None

    def arguments_after_first(self, leading=False):
        """``, axis=k`` or ``, k`` (and ``keepdims=...``, ignored) up to ``)``: the axis.
        ``leading``: the arguments start at once, without a comma (``.sum(axis=0)``)."""
        axis = None
        while leading or self.peek()[1] == ",":
            if not leading:
                self.take()
            leading = False
            kind, keyword, pos = self.peek()
            if keyword == ")":
                break
            if kind == "number" or keyword == "-":
                axis = self.axis_number()
                continue
            self.take()
            self.take("=")
            if keyword == "axis":
                axis = self.axis_number()
            elif keyword == "keepdims":
                self.take()
            else:
                raise MatrixFormulaError(f"sum(…): unknown argument {keyword!r}"
                                         f"{_where(pos, self.plain)} (sum takes axis=0 or axis=1)")
        if self.peek()[1] != ")" and self.peek()[0] == "end":
            return axis
        self.take(")")
        return axis

    def axis_number(self):
        sign = -1 if self.peek()[1] == "-" else 1
        if sign < 0:
            self.take()
        kind, text, pos = self.take()
        if kind != "number" or not text.isdigit():
            raise MatrixFormulaError(f"sum(…): the axis is 0 or 1, found {text or 'the end'!r}"
                                     f"{_where(pos, self.plain)}")
        return sign * int(text)

    def summed(self, term, axis, mean=False, numpy=None):
        """sum (``mean``: the mean) over ``axis`` (None: over the batch, the layout's sample
        axis).  ``numpy``: how numpy code wrote it (``np.sum(…)``, ``.mean()``), which without
        an axis adds every entry: refused unless that is the sum over the batch."""
        if not term.is_matrix:
            return term
        if axis is None:
            axis = 0 if self.layout == "rows" else 1
            rows, columns = shape(term.value)
            if numpy and (columns if axis == 0 else rows) > 1:
                how = "averages" if mean else "adds"
                raise MatrixFormulaError(
                    f"{numpy} without axis= {how} all {rows * columns} entries of a {rows}×{columns} "
                    f"matrix into one number, as numpy does; over the samples, write "
                    f"{numpy[:-2]}{'(' if numpy[0] == '.' else '…, '}axis={axis}, keepdims=True)")
        if axis not in (0, 1, -1, -2):
            raise MatrixFormulaError(f"sum(…, axis={axis}): a matrix has axes 0 and 1")
        if axis in (0, -2):
            lines = list(zip(*term.value))
            value = [[math.fsum(col) / (len(col) if mean else 1) for col in lines]]
        else:
            value = [[math.fsum(row) / (len(row) if mean else 1)] for row in term.value]
        return Term(value, "mean(" if mean else "sum(", term, f", axis={axis})")

    # -- names --
    def key(self, text, assigning=False):
        """The bound name a typed name means: ``a_1``, ``a^{1}``, ``\\mathbf{a}_1`` -> ``A1``."""
        found = _NAME_PARTS.match(text)
        if found is None:
            return text
        base, primes, sub, sup = found.groups()
        number = sub or sup
        canonical = _ALIASES.get(base, _ALIASES.get(base.lower()) if len(base) == 1 else None)
        if canonical is None:
            return text
        if canonical in ("X", "Y") and number is None:
            return canonical + primes
        if number is None:
            return base + primes
        if canonical == "A" and int(number) == (0 if self.layout == "rows" else 1):
            return "X"
        return f"{canonical}{int(number)}{primes}"


def _turned(text, turn):
    """``text`` transposed (``A1`` -> ``A1ᵀ``, ``A1ᵀ`` -> ``A1``) when ``turn``."""
    if not turn:
        return text
    return text[:-1] if text.endswith("ᵀ") else f"{text}ᵀ"


def _products_that_fit(left, right):
    """[(text, shape, through the weights, changes)]: the products of the two factors, in
    either order and either transposed, whose shapes fit (changes: how far from as typed)."""
    weight = re.compile(r"W\d+ᵀ?$")
    found = []
    for swapped, (a, b) in ((False, (left, right)), (True, (right, left))):
        for turn_a, turn_b in ((False, True), (True, False), (False, False), (True, True)):
            if not swapped and not (turn_a or turn_b):
                continue
            (ra, ca), (rb, cb) = shape(a.value), shape(b.value)
            ra, ca = (ca, ra) if turn_a else (ra, ca)
            rb, cb = (cb, rb) if turn_b else (rb, cb)
            if ca != rb:
                continue
            text = f"{_turned(a.text, turn_a)} @ {_turned(b.text, turn_b)}"
            turned = [x for x, t in ((a, turn_a), (b, turn_b)) if t]
            weights = any(weight.match(x.text) for x in turned) and not swapped
            found.append((f"the other order, {text}" if swapped else text, (ra, cb), weights,
                          (0 if weights else 1) + int(swapped) + turn_a + turn_b))
    return found


def _name_order(name):
    found = re.match(r"([A-Za-z]+)(\d*)", name)
    order = {"X": 0, "Y": 1, "Z": 2, "A": 3, "W": 4, "b": 5, "delta": 6, "m": 7}
    base, number = found.groups() if found else (name, "")
    return (order.get(base, 8), int(number or 0), name)


def evaluate_matrix_formula(text, bound, layout, describe=None, goal=None, asked=None):
    """``(value, text as read)``: the formula over ``bound`` ({name: matrix or number});
    of several statements, the one whose left-hand side names ∂C/∂``asked`` (``"W2"``)
    or else the last.

    Raises :class:`MatrixFormulaError` for text it cannot read or a name not bound
    (listing those that are), and :class:`autograd.matrix_form.MatrixShapeError` for
    shapes that do not fit, saying which form would (one of shape ``goal`` first).
    """
    if not isinstance(text, str) or not text.strip():
        raise MatrixFormulaError(f"a matrix formula must be non-empty text, got {text!r}")
    if _MATRIX_ENVIRONMENT.search(text):
        raise MatrixFormulaError("a LaTeX matrix of numbers is read alone (with its $$ or "
                                 "label, as ∂C/∂W2 = \\begin{bmatrix}…\\end{bmatrix}), not "
                                 "inside a formula: work the formula out and paste its numbers, "
                                 "or write the formula over the batch's names (A1, delta2)")
    if len(text) > MOST_CHARACTERS:
        raise MatrixFormulaError(f"the formula is {len(text):,} characters long; a matrix formula "
                                 f"is read up to {MOST_CHARACTERS:,} (name the parts in "
                                 f"statements: delta2 = ...; A1.T @ delta2)")
    try:
        term = _Reader(text, bound, layout, describe, goal, asked).formula()
        if isinstance(term.value, _Ones):
            raise MatrixFormulaError(f"{term.text}: {_ONES_WORDS}")
    except RecursionError:
        raise MatrixFormulaError("the formula is nested too deeply (too many parentheses "
                                 "inside each other) to read") from None
    except MatrixFormulaError:
        words = _PROSE.search(normalize_latex(text))
        if words is None:
            raise
        raise MatrixFormulaError(f"the formula has words in it ({words.group()!r}): paste only "
                                 f"the formula(s), one statement a line or separated by ; "
                                 f"(delta2 = …; then the gradient)") from None
    return term.value, term.text


#: a matrix of numbers typed in LaTeX (read alone by autograd.matrix_form.latex_matrix_text)
_MATRIX_ENVIRONMENT = re.compile(LATEX_MATRIX_BEGIN)

#: three words in a row (not a LaTeX command's): an answer's prose pasted with its formulas
_PROSE = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,}){2,}")

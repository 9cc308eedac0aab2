"""A gradient formula typed as text, read over a graph's node names.

    check(L, "w1", "x*h*(1-h)*w2*y'*(1-y')*(y'-y)")                      # the 1-1-1 network
    check(O, "w1", "d(s(s(Iw_1+1)w_2+1)w_4+s(s(Iw_1+1)w_3+1)w_5+1)·(...)")  # the Desmos question
    check(O, "w1", r"\\frac{\\partial O}{\\partial w_1} = \\sigma'(net_4) \\cdot w_4 ...")

What a formula may contain:

names        the graph's node names, digits and primes included (w1, net2, y' or
             ``y^{\\prime}``, out_h1); ``w_1`` and ``w_{1}`` are w1 as Desmos writes it,
             Nielsen's ``a^2_1`` and ``w^{3}_{11}`` (or ``w_{11}^{3}``) are a2_1 and w3_11
             (when they are nodes);
             ``a^1_1`` is the input x1 (the input layer is layer 1);
             names written together are multiplied (``Iw_1`` is I·w1, ``w₁β₁h`` is
             w₁·β₁·h, ``x_1w^{2}_{11}`` is x1·w2_11), and an unnamed
             node is read by the label explain gives it (``t3``, ``leaf1``); names as
             printed, ``w³₁₁``, ``a²₁``, ``x₁``, are w3_11, a2_1, x1
numbers      2, 0.5, .5, 1e-3 (``1.43\\mathrm{e}{-3}`` too); ``e`` is Euler's number unless a
             node is called e
operators    + - * / ^ ** (also · × ⋅ ∙ − ÷ and superscripts ² ⁻¹ ¹⁰ as printed), ( ) [ ] { },
             comparisons > ≥ = < ≤ (1 or 0; ``0 < x < 1`` is both), ``and`` (joining
             comparisons), ``x if c else y``, ``|a|``
implicit ·   ``2h``, ``h(1-h)``, ``(a)(b)``; refused where it is ambiguous: after
             the right side of a division (``a/2h``), after an exponent's digits
             (``e^2x``: write ``e^{2x}``) and before a number (``h 2``)
functions    every op of :mod:`autograd.ops`, by its name, its notation and its
             aliases, with ``f'`` (or ``f^{\\prime}``) its derivative and ``f²(z)``
             the square of ``f(z)``: {functions}
LaTeX        as Desmos and the LaTeX notation write it: ``\\left(``, ``\\cdot``,
             ``\\times``, ``\\frac{a}{b}`` (``\\frac12`` as TeX reads it), ``\\sqrt{a}``,
             ``\\left|a\\right|``, ``\\geq``,
             and each op's own command: {latex}; the frame a formula is pasted
             in is read as spaces: ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``,
             ``\\begin{equation}…\\end{equation}``, a line break ``\\\\``, the ``,`` or ``.`` ending
             the sentence the formula is in, and Markdown's code: ```…```, a fence of ``` (```math)
left side    ``dO/dw1 =``, ``∂O/∂w1 =`` or ``\\frac{\\partial O}{\\partial w_1} =``
             (a name with a space in parentheses, ``∂(the loss)/∂(my weight) =``)
             (``\\mathrm{d}`` for d too; ``&=`` as in an align environment, also on the
             stated value's line) before the
             formula says which derivative it is (``Formula.lhs``); of an align
             environment with one gradient per line, the line about the node checked
stated value ``... = 0.0123`` (or ``= 8.16 \\times 10^{-3}``, ``≈ 0.0123``) after the formula,
             outside brackets, is the value its writer worked out
             (``Formula.stated``); anything else after that ``=`` is refused
             (a comparison goes in brackets: ``(a = b)``)
refused      ``\\sqrt[n]{x}`` (write ``x^(1/n)``), ∂ outside the left side, a number
             too large for a float, control characters and lone surrogates, each as
             one line

The text is read in time linear in its length: a tokenizer, then a
recursive-descent parser with one token of lookahead; a run of letters is split
into node names by a table of the names' prefixes (each split point tries only
the names that start there).  Formulas longer than :data:`LONGEST_TEXT`
characters are refused, as are parentheses, signs and powers nested deeper than
:data:`DEEPEST` and chains of more than :data:`LONGEST` operations.

The result is an expression of :mod:`autograd.expr` (kinds ``var``, ``const``
and the ops' names; ``<op>'`` is the op's derivative), nothing is eval'ed.
Every function is the op's own forward (a derivative is the op's own
local-derivative expression), every name is a node of the graph.  Anything
that cannot be read is a :class:`FormulaError`, one line naming the token, its
position (counted from 1) and the names that exist.
"""

import math
import re
import unicodedata

from . import engine, graph, names, ops
from . import expr as E
from .notation import LATEX_WHERE, Labels, LatexNotation, TextNotation, name_precedence
from .higher import UNNAMED_OUTPUT, gradient_name
from .patterns import lazy
from .precision import DECIMAL, formula_gives, is_not_finite_text, is_number_text, precision_for, read_number
from .ops import ATOM, MUL_P, SUM_P

__all__ = ["Formula", "FormulaError", "FormulaNameError", "read_formula", "FUNCTIONS", "LATEX_FUNCTIONS",
           "LONGEST_TEXT", "DEEPEST", "LONGEST"]

#: a formula longer than this many characters is refused
LONGEST_TEXT = 100_000
#: parentheses, signs and powers nested deeper than this are refused (no deep recursion)
DEEPEST = 100
#: a tree deeper than this (a chain of 300 operators) is refused
LONGEST = 300


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated: one line naming the token."""


class FormulaNameError(FormulaError, names.NodeNameError):
    """A formula names a node that no node, or more than one node, is called: a
    :class:`FormulaError` and a :class:`autograd.names.NodeNameError` both."""


# ---------------------------------------------------------------------------
# The tables, read from the op records
# ---------------------------------------------------------------------------

_LATEX_COMMAND = lazy(r"\\(?:operatorname\{([A-Za-z]+)\}|([A-Za-z]+))'?")


def _latex_command(latex):
    """``\\sigma`` -> ``sigma``, ``\\operatorname{ReLU}`` -> ``ReLU``."""
    found = _LATEX_COMMAND.fullmatch(latex)
    return (found.group(1) or found.group(2)) if found else None


def _tables():
    """Every spelling of every op, from its record: functions (name -> (op, derivative?)),
    LaTeX commands (command -> op), infix operators and comparisons (symbol -> op),
    and the op of each structural notation (abs bars, the power, the negation)."""
    functions, latex, infix, compare, kinds = {}, {}, {}, {}, {}
    for op in ops.OPS.values():
        if op.is_leaf:
            continue
        kind = op.notation[0]
        if kind != "expr":      # an op written as an expression (a(1 - a)) is read as it
            kinds.setdefault(kind, op)
        spellings = [op.name, *op.aliases]
        if kind == "call":
            spellings.append(op.notation[1])
            command = _latex_command(op.notation[2])
            if command:
                latex[command] = op
        elif kind == "sqrt":
            spellings.append(op.symbol)
            latex[op.name] = op
        elif kind == "infix":
            infix[op.notation[1]] = op
            infix[op.symbol] = op
        elif kind == "compare":
            compare[op.notation[1]] = op
            compare[op.notation[2]] = op
        for spelling in spellings:
            functions.setdefault(spelling, (op, False))
            if op.arity == 1:
                functions.setdefault(spelling + "'", (op, True))
        if op.arity == 1:
            for spelling in ([op.prime[0]] if op.prime else []) + list(op.prime_aliases):
                functions[spelling] = (op, True)
    return functions, latex, infix, compare, kinds


#: every function name a formula may use -> (op, whether it is the derivative)
#: LATEX_FUNCTIONS: LaTeX command (without the backslash) -> op
FUNCTIONS, LATEX_FUNCTIONS, _INFIX, _COMPARE, _KINDS = _tables()

#: how keyboards type what the notation prints (the notation's symbol on the right)
_TYPED = {"*": "·", "⋅": "·", "∗": "·", "∙": "·", "**": "^", ">=": "≥", "==": "=", "\\ge": "\\geq",
          "\\gt": ">", "\\approx": "≈"}
#: comparisons written the other way round: a < b is b > a
_REVERSED = {"<": ">", "≤": "≥", "<=": "≥", "\\leq": "\\geq", "\\le": "\\geq", "\\lt": ">"}
_LONGEST_FUNCTION = max(map(len, FUNCTIONS))


def _listing(spellings):
    return ", ".join(sorted(spellings, key=lambda s: (s.lower(), s)))


def _ops_shown():
    """The function names a formula may use, one entry per op, its other spellings in
    parentheses: "log (ln)", "sigmoid (s, σ; σ' also d)"."""
    groups = {}
    for spelling, (op, derivative) in FUNCTIONS.items():
        if not spelling.endswith("'"):
            groups.setdefault(op.name, ([], []))[derivative].append(spelling)
    shown = []
    for name, (plain, primes) in groups.items():
        others = ", ".join(s for s in plain if s != name)
        if primes:
            others += f"; {plain[-1]}' also {', '.join(primes)}"
        shown.append(f"{name} ({others})" if others else name)
    return _listing(shown)


#: every op a formula may call, for the message that refuses an unknown one
_OPS_SHOWN = _ops_shown()


#: the LaTeX each op's notation writes (\\sigma, \\operatorname{ReLU}, \\sqrt), for messages
_LATEX_SHOWN = _listing({op.notation[2] if op.notation[0] == "call" else "\\" + command
                         for command, op in LATEX_FUNCTIONS.items()})
__doc__ = (__doc__ or "").replace("{functions}", _listing(s for s in FUNCTIONS if not s.endswith("'")))
__doc__ = __doc__.replace("{latex}", _LATEX_SHOWN)


def _canonical(op, derivative):
    """σ and σ', exp and exp', ...: how a function is written back."""
    text = op.notation[1] if op.notation[0] == "call" else op.name
    if derivative:
        return op.prime[0] if op.prime else text + "'"
    return text


def derivative_at(op, x):
    """op'(x) from the op's own local derivative (σ' = σ(1 - σ))."""
    out = op.forward(x)
    [local] = op.local_exprs(1)
    return E.evaluate(local, {"x0": x, "out": out}, ops.IEEE)


def _shown(text, most=30):
    """A token for an error message: long ones cut, with their length."""
    return text if len(text) <= most else f"{text[:most]}… ({len(text)} characters)"


# ---------------------------------------------------------------------------
# The tree: autograd.expr's expressions, each remembering where it was typed
# ---------------------------------------------------------------------------

class Read(E.Expr):
    """An expression as read: ``pos`` (from 1), ``typed`` (how the token was
    written: ``s`` for σ, ``·`` for an implicit product) and ``depth``."""

    __slots__ = ("pos", "typed", "depth")

    def __init__(self, kind, args, value, pos, typed):
        super().__init__(kind, args, value)
        self.pos, self.typed = pos, typed
        depth = 0
        for a in args:
            if a.depth > depth:
                depth = a.depth
        self.depth = depth + 1


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

class Token:
    """kind: "num", "name", "func", "const", "op", "cmp", "and", "if", "else", "frac",
    "|", ",", "(", ")" or "end"."""

    __slots__ = ("kind", "text", "pos", "value")

    def __init__(self, kind, text, pos, value=None):
        self.kind, self.text, self.pos, self.value = kind, text, pos, value

    def __repr__(self):
        return f"Token({self.kind!r}, {self.text!r}, {self.pos})"


_OPERATORS = {"+", "-", "−", "*", "·", "×", "⋅", "∗", "∙", "/", "÷", "^"}
_COMPARISON_CHARS = {">", "<", "=", "≥", "≤", "≈"}
_OPENING, _CLOSING = "([{", ")]}"
#: (the patterns tried at every token are compiled at import; the rest, patterns.lazy, on
#: first use)
_NUMBER = re.compile(rf"({DECIMAL})([eE][+\-]?\d+)?")
#: the exponent of scientific notation with its e set upright as LaTeX writes it, after
#: the number: 1.43\mathrm{e}{-3}, 1.43\,\mathrm{E}-3, 1.43\text{e}{−3} (1.43e-3)
_LATEX_E = lazy(r"(?:\s|\\[,;:! ])*\\(?:mathrm|textrm|text|mathit)\s*\{\s*[eE]\s*\}\s*"
                r"(?:\{\s*([+\-−]?)\s*(\d+)\s*\}|([+\-−]?)(\d+))")
#: a number ending the text before a %: 0.143% (digits after a letter or point are a name's)
_ENDS_IN_NUMBER = lazy(rf"(?:^|[^\w.']){DECIMAL}\s*$")
_SAMPLE = re.compile(r"\((\d+)\)")
_PRINTED_SAMPLE = re.compile("⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾")
#: a^3, z^{3}: Nielsen's vector of a layer, with no neuron index (not followed by _)
#: a layer written after the subscript, w_{11}^{2}: its digits (not a power's ^2x or ^2_1)
_LAYER_AFTER = lazy(r"\^\s*(?:\{\s*(\d+)\s*\}|(\d+)(?![\w.]))(?!\s*_)")
_LAYER_ALONE = lazy(r"(?:\^\s*(?:\{\s*(\d+)\s*\}|(\d+))(?!\s*_|\d)|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))")
#: h², x⁻¹, h¹⁰ as printed: an exponent (its digits one number); w³₁₁, x₁ as names.text
#: prints names: the name w3_11, x_1
_SUPERSCRIPTS = names.SUPERSCRIPT_DIGITS
_EXPONENT = lazy("([⁺⁻]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_SCRIPTED = names.SCRIPTED
_FROM_SCRIPTS = names.FROM_SCRIPTS
_PRIMES = "'′"
#: a name with a space in parentheses: (my weight)
_SPACED_NAME = re.compile(r"\(\s*([^()\s+\-−*·/×^=<>|,](?=[^()]*\s)[^()+\-−*·/×^=<>|,]{0,200}?)\s*\)")
#: the characters of a run: letters, digits (not ² ³), _, primes and the combining marks
#: after a letter (x̂, a⃗: no precomposed letter has them)
_RUN = re.compile(rf"(?:[^\W⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉]|['′{names.COMBINING}])+")
#: an opening parenthesis ahead, perhaps after spaces and LaTeX's \left
_OPENS = re.compile(r"(?:\s|\\left|\\[bB]ig[lr]?)*[(\[{]")
_COMMAND = lazy(r"\\([A-Za-z]+|.)")
_BRACED = lazy(r"\s*\{([^{}\\]{0,200})\}")
#: the braces of \mathrm{...}: plain characters and the escapes names.latex writes (\_, \ )
_NAMING_BRACED = lazy(rf"\s*\{{((?:[^{{}}\\]|{names.LATEX_ESCAPE.pattern}){{0,200}})\}}")
#: \hat{y}, \bar x, \tilde{y}: a letter under an accent, and the accent's combining mark
_ACCENTED = lazy(r"\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304",
            "tilde": "\u0303", "widetilde": "\u0303"}
#: a prime as LaTeX writes it: y^{\prime}, y^\prime, y^{'} (and \sigma\prime); the matrix
#: formulas read it too
PRIME_SUPERSCRIPT = re.compile(r"\^\s*(?:\{\s*\\prime\s*\}|\\prime|\{\s*'\s*\})|\\prime(?![A-Za-z])")
#: a name in braces with a prime after them, as LaTeX writes y': {y}'
_BRACED_PRIMED = lazy(r"\{\s*([^\W\d²³][^\W²³]*)\s*\}(?=['′]|\^\s*\{?\s*\\prime)")
#: LaTeX commands that only space or size things
_SPACING = {"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "bigg", "Bigg",
            ",", ";", "!", " ", ":", "quad", "qquad", "displaystyle", "boxed"}   # \boxed{…}: its braces
#: what a formula pasted from a page or a .tex file is wrapped in: math-mode delimiters
#: \( \) \[ \] (and $ or $$, read as spaces too) and a line break \\ after it
_DELIMITERS = {"(", ")", "[", "]", "\\"}
#: LaTeX commands whose braces hold a name (or, for \text, a word: if, else, and)
_NAMING = {"mathit", "mathrm", "operatorname", "text", "textrm", "mathbf", "textit", "mathcal",
           "boldsymbol", "bm", "mathsf", "mathscr"}
#: the LaTeX fonts a name is written in: \mathrm{net}, \mathcal{L}, \mathbf{w}, \boldsymbol{x}
_FONTS = "mathit|mathrm|text|mathbf|mathcal|boldsymbol|bm|mathsf|mathscr"
_KEYWORDS = {"if", "else", "and"}
#: the indicator function before a bracketed comparison, \mathbb{1}[z > 0], \mathbb{1}_{z>0}:
#: the comparison in brackets is already 1 or 0 (Iverson's bracket)
_INDICATOR_FONTS = {"mathbb", "mathbf", "mathds", "mathbbm"}
_INDICATOR = lazy(r"\s*\{\s*[1I]\s*\}\s*(?:_\s*)?(?=(?:\\left\s*)?(?:[(\[{]|\\\{)[^()\[\]{}]*?"
                  r"(?:[<>≤≥]|\\[lg]eq?(?![A-Za-z])|\\[lg]t(?![A-Za-z])))")

#: a name wrapped as LaTeX writes a word, \mathrm{my\ weight} with names.latex's escapes (in
#: \left( \right) too, as explain's LaTeX writes a name with a space in a left-hand side)
_WORD = rf"\\(?:{_FONTS})\s*\{{(?:[^{{}}\\]|{names.LATEX_ESCAPE.pattern})*\}}"
#: what ends a left-hand side: =, or ≈ before a value worked out (not ==)
_IS = r"(?:=(?!=)|≈|\\approx(?![A-Za-z]))"
#: the left-hand side naming the derivative: dO/dw1 =, ∂O/∂w1 =, \frac{\partial O}{\partial w_1} =
#: (the root may be left out, as in \frac{\partial}{\partial w^3_{11}} =: then it is the root)
_NAME = (rf"(?:[^\s/=\\{{}}&]|_\{{[^{{}}]*\}}|\^\s*\{{[^{{}}]*\}}|{_WORD}|\\left\s*\(\s*{_WORD}\s*\\right\s*\)"
         rf"|\\(?:{names.LETTER_COMMANDS})(?![A-Za-z])"     # \theta: θ
         r"|\((?=[^()]*\s)[^()\\/=&]{1,200}\)"       # ∂(the loss)/∂(my weight), as explain writes it
         r"|\{\s*[^\W\d][^{}\\\s]*\s*\}(?=['′]))+")     # {y}' as LaTeX writes y'
_D = (r"(?:∂|d|\\partial(?![A-Za-z])|\\(?:mathrm|mathit|text|textrm|operatorname)\s*\{\s*d\s*\})"
      r"(?:\s|\\[,;:! ])*")                  # \partial\,L: LaTeX's thin space after it
_LHS = lazy(rf"\s*(?:{_D}(?:(?P<a>{_NAME})\s*)?/\s*{_D}(?P<b>{_NAME})"
            rf"|\\[dt]?frac\s*\{{\s*{_D}(?:(?P<c>{_NAME})\s*)?\}}\s*\{{\s*{_D}(?P<d>{_NAME})\s*\}})"
            rf"\s*(?:&\s*)?{_IS}")     # &= as an align environment writes it (no two \s* side by side)
#: a name wrapped as LaTeX writes a word: \mathit{leaf}, \mathrm{net}, \left(\mathrm{my\ w}\right)
_NAMED = lazy(rf"(?:\\left\s*\(\s*)?\\(?:{_FONTS})\s*\{{((?:[^{{}}\\]|"
              rf"{names.LATEX_ESCAPE.pattern})*)\}}(?:\s*\\right\s*\))?")
#: \frac{\partial an expression}{\partial a name} =, as explain's LaTeX writes ∂ of an
#: unnamed root (\frac{\partial \tanh(t_{3}+\mathit{leaf}_{5})}{\partial \mathit{leaf}_{2}})
_FRAC_OPEN = lazy(rf"\s*\\[dt]?frac\s*\{{\s*{_D}")
_FRAC_MIDDLE = lazy(rf"\s*\{{\s*{_D}")
_FRAC_EQUALS = lazy(rf"\s*(?:&\s*)?{_IS}")


#: a second derivative's top and bottom: ^2 f; x^2 (x^{2}); x \partial y
_SECOND_TOP = lazy(r"\^\s*(?:2|\{\s*2\s*\})\s*(\S.*)")
_TWICE = lazy(rf"({_NAME}?)\s*(?:²|\^\s*(?:2|\{{\s*2\s*\}}))")
_MIXED = lazy(rf"({_NAME})\s*{_D}({_NAME})")


#: a second derivative typed as plain text: ∂²f/∂x∂y =, ∂^2 f/∂x^2 =, d²f/dx², d2f/dxdy =
#: (its top's order, 2, and its bottom, read by :data:`_TWICE` or :data:`_MIXED`)
_SECOND_PLAIN = lazy(rf"\s*{_D}(?P<order>²|\^\s*(?:2|\{{\s*2\s*\}})|2)\s*(?P<top>{_NAME})\s*/\s*"
                     rf"(?P<open>\(\s*)?{_D}(?P<below>[^=≈&\s](?:[^=≈&]*[^=≈&\s])?)\s*"
                     rf"(?(open)\)\s*)(?:&\s*)?{_IS}")   # (no two \s* side by side: linear)
#: the gradient as ML texts write it: ∇_w L =, \nabla_{w_1} L =
_NABLA = lazy(rf"\s*(?:∇|\\nabla(?![A-Za-z]))\s*_\s*(?:\{{\s*(?P<below>{_NAME})\s*\}}|(?P<letter>[^\W\d]))"
              rf"\s*(?:(?P<top>{_NAME})\s*)?(?:&\s*)?{_IS}")
#: the bottom x2 after a top d2f, as typed without superscripts
_TWICE_BARE = lazy(rf"({_NAME}?)2")


#: the derivative operator before an expression: \frac{d}{dw} (\frac{\partial}{\partial w}), d/dw
_OPERATOR = lazy(rf"\s*(?:\\[dt]?frac\s*\{{\s*{_D}\}}\s*\{{\s*{_D}(?P<d>{_NAME})\s*\}}"
                 rf"|{_D}/\s*{_D}(?P<b>[^\W\d][\w']*)(?=\s|\(|\\|\[))")

#: a second derivative's operator before an expression: \frac{d^2}{dz^2}, d²/dz², ∂^2/∂x∂y
_SECOND_OPERATOR = lazy(rf"\s*(?:\\[dt]?frac\s*\{{\s*(?P<t>{_D}\^\s*(?:2|\{{\s*2\s*\}}))\s*\}}\s*\{{[^{{}}]*\}}"
                        rf"|(?P<p>{_D}(?:²|\^\s*(?:2|\{{\s*2\s*\}})))\s*/[^=≈&(\\]*?(?=\s|\(|\\))")

#: the derivative in Lagrange's notation before =: σ'(z), \sigma^{\prime}(z), f'(x)
_LAGRANGE = lazy(r"\s*(?P<f>\\?[^\W\d][\w]*)\s*(?:'|\^\s*(?:\{\s*)?\\prime(?:\s*\})?)\s*"
                 r"[({]\s*(?P<b>[^\W\d][\w{}^]*)\s*[)}]\s*(?:&\s*)?$")
#: the second derivative so: σ''(z), σ″(z), \sigma^{\prime\prime}(z)
_LAGRANGE_SECOND = lazy(r"\s*(?P<f>\\?[^\W\d][\w]*)\s*(?:''|″|\^\s*\{\s*\\prime\s*\\prime\s*\})\s*"
                        r"[({]\s*(?P<b>[^\W\d][\w{}^]*)\s*[)}]\s*(?:&\s*)?$")


def _second_in_formula(f):
    """Why ``σ''`` in a formula (after its =) is refused, and what to write."""
    return (f"{f}'' is a second derivative, read only as a left-hand side ({f}''(z) = ...); "
            f"in the formula write it out, as σ'(z)(1-2σ(z)) for σ''(z)")


def _top_level_equals(text, start):
    """(start, end) of the first = (not ==) or ≈ (\\approx) after ``start`` outside brackets
    (an align environment's &= too), or None."""
    depth = 0
    for found in re.finditer(rf"[(\[{{]|[)\]}}]|(?:&\s*)?{_IS}", text[start:]):
        mark = found.group()
        if mark in "([{":
            depth += 1
        elif mark in ")]}":
            depth -= 1
        elif depth == 0:
            return start + found.start(), start + found.end()
    return None


class _FracSide:
    """A left-hand side \\frac{∂ top}{∂ below} = whose top is an expression (braces
    balanced), or a second derivative as plain text, ∂²f/∂x∂y = (:meth:`match_plain`), read
    as an :data:`_LHS` match is: ``group("c")``, ``group("d")``, ``end()``."""

    def __init__(self, text, start, top, below, end, variables=None):
        self._groups = {0: text[start:end], "c": top, "d": below}
        self._end = end
        #: a second derivative's two variables as typed, outer first (∂²f/∂x∂y: x, y)
        self.variables = variables

    def group(self, key):
        return self._groups.get(key)

    def end(self):
        return self._end

    @classmethod
    def match(cls, text, start):
        """The side at ``start``, or None."""
        opened = _FRAC_OPEN.match(text, start)
        if opened is None:
            return None
        top_end = _closing_brace(text, opened.end())
        middle = _FRAC_MIDDLE.match(text, top_end + 1) if top_end is not None else None
        below_end = _closing_brace(text, middle.end()) if middle is not None else None
        equals = _FRAC_EQUALS.match(text, below_end + 1) if below_end is not None else None
        if equals is None:
            return None
        top, below = text[opened.end():top_end].strip(), text[middle.end():below_end].strip()
        second = _SECOND_TOP.fullmatch(top)
        if second:                                      # \frac{\partial^2 f}{\partial x^2}
            twice = _TWICE.fullmatch(below) or _MIXED.fullmatch(below)
            if twice is None:
                return None
            variables = [v for v in twice.groups() if v is not None]
            return cls(text, start, second.group(1), below, equals.end(),
                       variables * 2 if len(variables) == 1 else variables)
        if not top or top.startswith("^") or not re.fullmatch(_NAME, below):   # ∂w_1^2
            return None
        return cls(text, start, top, below, equals.end())

    @classmethod
    def match_nabla(cls, text, start):
        """The gradient written ∇_w L = (``\\nabla_{w} L =``, the root's when L is left out),
        or None."""
        found = _NABLA.match(text, start)
        if found is None:
            return None
        return cls(text, start, found.group("top"), found.group("below") or found.group("letter"),
                   found.end())

    @classmethod
    def match_plain(cls, text, start):
        """A second derivative typed as plain text at ``start`` (∂²f/∂x∂y =, d2f/dx2 =), or None."""
        found = _SECOND_PLAIN.match(text, start)
        if found is None:
            return None
        below = found.group("below")
        twice = (_TWICE.fullmatch(below) or _MIXED.fullmatch(below)
                 or found.group("order") == "2" and _TWICE_BARE.fullmatch(below))
        if not twice:
            return None
        variables = [v for v in twice.groups() if v is not None]
        return cls(text, start, found.group("top"), below, found.end(),
                   variables * 2 if len(variables) == 1 else variables)


def _latex_key(text):
    """LaTeX text without its spaces and its brackets' \\left, \\right and outer pair:
    ``\\left(\\frac{\\partial f}{\\partial x}\\right)`` is ``\\frac{\\partialf}{\\partialx}``."""
    key = re.sub(r"\s+|\\left|\\right", "", text)
    return key[1:-1] if key.startswith("(") and key.endswith(")") else key


class _Absent:
    """A variable a left-hand side names that the root's graph does not hold."""

    def __init__(self, name):
        self.name = name


def _called(node):
    """A node as a message names it: its name, or "an unnamed node"."""
    return names.printable(node.name) if node.name else "an unnamed node"


def _closing_brace(text, i):
    """The index of the } that closes the group whose text starts at ``i``, or None."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            if depth == 0:
                return j
            depth -= 1
    return None
#: what may follow a displayed formula's closing punctuation (its ``,`` or ``.`` in a
#: sentence): spaces and the frame's end, ``$$``, ``\\]``, ``\\\\``, ``\\end{align}``
_SENTENCE_END = lazy(r"(?:\s|\$|\\[\])\\]|\\end\s*\{[^{}]*\})*\Z")
#: the characters around a formula in $...$ or $$...$$, or pasted as Markdown's code,
#: `...` or in a fence of ```
_FRAMING = "$` \t\r\n"
#: a Markdown fence's opening line with the language it names: ```python, ```math
_FENCE_TAG = r"`{3,}[ \t]*[A-Za-z][\w+-]*[ \t]*\r?\n"
_FENCE_OPENING = lazy(rf"[{_FRAMING}]*?{_FENCE_TAG}")
#: the frame a pasted formula may open with: $, $$, \(, \[, \begin{equation}, ` or a fence
_FRAME = lazy(rf"\s*(?:\$+|{_FENCE_TAG}|`+|\\[(\[]|\\begin\s*\{{[^{{}}]*\}})?")


def _number_text(tree):
    """The number a tree is as typed, ``-0.00816``, or in scientific notation as LaTeX
    writes it, ``-8.16 \\times 10^{-3}`` (as ``-8.16e-3``, its digits kept) or
    ``10^{-3}`` (``1e-3``); else None."""
    sign = ""
    if tree.kind == "neg":
        sign, tree = "-", tree.args[0]
    if tree.kind == "const":
        return sign + tree.typed if _NUMBER.fullmatch(tree.typed) else None
    if tree.kind == "pow":
        mantissa, power = "1", tree
    elif tree.kind == "mul":
        mantissa, power = tree.args
        if mantissa.kind == "neg" and not sign:
            sign, mantissa = "-", mantissa.args[0]
        if mantissa.kind != "const" or not _NUMBER.fullmatch(mantissa.typed) or "e" in \
                mantissa.typed.lower():
            return None
        mantissa = mantissa.typed
    else:
        return None
    if power.kind != "pow" or power.args[0].typed != "10":
        return None
    exponent, minus = power.args[1], ""
    if exponent.kind == "neg":
        minus, exponent = "-", exponent.args[0]
    if exponent.kind != "const" or not exponent.typed.isdigit():
        return None
    return f"{sign}{mantissa}e{minus}{exponent.typed}"


#: a closing bracket and a space, after which a number is a factor: σ'(z) 2(a - y), as
#: 3Blue1Brown writes it (not x 2 nor (x+1)2, which may be a power pasted without its superscript)
_AFTER_BRACKET = lazy(r"[)\]}]\s+\Z")


def _braced(name):
    """A name as LaTeX needs it typed, its parenthesized scripts in braces: 3Blue1Brown's
    ``a^(L-1)`` is ``a^{(L-1)}``."""
    return re.sub(r"([\^_])(\([^(){}]*\))", r"\1{\2}", name)


def _latex_spelling(name):
    """``(names.latex(name),)`` for a name written as LaTeX writes it (``a^{l-1}_{1}`` for
    ``a^{l-1}_1``: each script braced), as explain's LaTeX writes it; else ()."""
    if "^" not in name and "{" not in name and not name.startswith("\\"):
        return ()                                    # (most names: no regex tried)
    return (names.latex(name),) if names.written_as_latex(name) else ()


def _unbraced(typed):
    """A name typed as :func:`_braced` writes it, as named: ``a^{(L-1)}`` is ``a^(L-1)``."""
    return re.sub(r"([\^_])\{\s*(\([^(){}]*\))\s*\}", r"\1\2", typed)


class _Reader:
    """Reads one formula over one graph: tokens, then the tree."""

    def __init__(self, text, nodes, where):
        self.text = text
        self.nodes = nodes
        self.where = where
        self.named = names.nodes_by_name(nodes)
        self.listed = list(self.named)   # the names errors list: the nodes' own
        for node, label in Labels(nodes=nodes).short.items():
            self.named[label] = [node]   # t3, as explain writes an unnamed node
        self.by_spelling = {}
        for name in self.named:
            self.by_spelling.setdefault(names.spelling(name), []).append(name)
        self._inputs_as_layer_one()
        self._one_target_as_y1()
        self.latex_named = {}            # a^3, w^1_{11}: names with LaTeX in them, by their head
        spelled = [(spelling, name) for name in self.listed            # a^{l-1}_1 as latex()
                   for spelling in dict.fromkeys((name, _braced(name), *_latex_spelling(name)))]
        for spelling, name in sorted(spelled, key=lambda pair: len(pair[0]), reverse=True):
            head = _RUN.match(spelling)
            if head and head.end() < len(spelling) and spelling[head.end()] in "^{":
                self.latex_named.setdefault(head.group(0), []).append((spelling, name))
        self._prefixes = None
        self._gradients = None           # [(∂L/∂w or its LaTeX, the name)]: _gradient_named
        self.resolved = {}               # piece of text -> graph name or None
        self.found = {}                  # name -> node, in the order the formula names them
        self.functions = {}              # typed function name -> canonical, when they differ
        self.lhs = None
        self.bare = None                 # a condition outside brackets: x > 0, a and b
        self.inside = None               # (start, end) of the text inside $...$, when asked

    def _one_target_as_y1(self):
        """Nielsen's y_j of a network with one output is y_1: y1 reads as the node y (nn's
        name for a single target), unless some node is y with an index (y1, y2)."""
        spellings = list(self.by_spelling)
        if any(spelled[0] == "y" and spelled[2] is not None for spelled in spellings):
            return
        for spelled in spellings:
            if spelled[0] == "y" and spelled[1:4] == (None, None, ""):
                self.by_spelling.setdefault(("y", None, "1", "", spelled[4]),
                                            self.by_spelling[spelled])

    def _inputs_as_layer_one(self):
        """Nielsen's a^1_k is the input x_k (the input layer is layer 1): a1_k reads
        as the node x_k, unless a node is named a outside Nielsen's layers (a, a1) or in
        layer 1 (a1_1: the layers are counted otherwise)."""
        if any(spelled[0] == "a" and spelled[1] in (None, "1") for spelled in self.by_spelling):
            return
        for spelled, found in list(self.by_spelling.items()):
            if len(spelled) == 5 and spelled[:2] == ("x", None) and spelled[3:] == ("", None):
                self.by_spelling.setdefault(("a", "1") + spelled[2:], found)

    # -- errors --------------------------------------------------------------

    def fail(self, pos, token, what):
        raise FormulaError(
            f"{self.where}: cannot read the formula at position {pos} ({_shown(token)!r}): "
            f"{what}; named nodes: {names.listing(self.listed)}")

    # -- the left-hand side ------------------------------------------------------

    def left_side(self, root, wrt):
        """Read ``dO/dw1 =`` (and its other spellings): return where the formula starts."""
        text = self.text[:400]
        start = _FRAME.match(text).end()
        found = (_FracSide.match_plain(text, start) or _LHS.match(text, start)
                 or _FracSide.match(text, start) or _FracSide.match_nabla(text, start))
        if found is None:
            return self._operator_side(text, start, root, wrt)
        written = names.printable(" ".join(found.group(0).split()).rstrip("=& "))  # one line
        top, below = found.group("a") or found.group("c"), found.group("b") or found.group("d")
        if getattr(found, "variables", None):
            return self._second_side(found, written, root, wrt)
        top_node = root if top is None else self._lhs_top(top, written, root)
        below_node = self._lhs_node(below, written)
        if top_node is not root:
            self._lhs_mismatch(written, "a derivative of", top, root, "the root")
        if wrt is not None and below_node is not wrt:
            self._lhs_mismatch(written, "with respect to", below, wrt, "the node checked")
        self.lhs = (top_node.name or top, below_node.name)
        return found.end()

    def _operator_side(self, text, start, root, wrt):
        """``\\frac{d}{dw} \\ln(1 + e^{wx}) =`` (``d/dw f(w) =``): the derivative operator
        applied to an expression, which must be the root's value (to 1e-9); where the formula
        starts, or 0 for text that does not start so."""
        second = _SECOND_OPERATOR.match(text, start)
        if second and _top_level_equals(text, second.end()):
            top = "t" if second.group("t") else "p"                 # \frac{d^2}{...}, d²/...
            named = (text[start:second.end(top)] + (" f" if top == "t" else "f")
                     + text[second.end(top):second.end()])
            written, named = (names.printable(" ".join(t.split()))
                              for t in (text[start:second.end()], named))
            raise FormulaError(
                f"{self.where}: the left-hand side {written} applies a second derivative to "
                f"the expression after it, which is not read: name what it differentiates, "
                f"{named} = ... (f the output whose gradient the root is), or leave the "
                f"left-hand side out; named nodes: {names.listing(self.listed)}")
        opened = _OPERATOR.match(text, start)
        relation = opened and _top_level_equals(text, opened.end())
        if not relation:
            return self._lagrange_side(text, start, root, wrt)
        before, equals = relation
        written = names.printable(" ".join(text[start:equals].split()).rstrip("=≈& "))
        below = opened.group("d") or opened.group("b")
        below_node = self._lhs_node(below, written)
        if wrt is not None and below_node is not wrt:
            self._lhs_mismatch(written, "with respect to", below, wrt, "the node checked")
        self._root_value(text[:before], opened.end(), root, lambda value: (
            f"{written} differentiates an expression whose value is {value:.12g}"))
        self.lhs = (root.name, below_node.name)
        return equals

    def _root_value(self, text, start, root, says):
        """FormulaError unless ``text`` from ``start``, read over the graph, has the root's
        value (to :func:`formula_gives`); ``says(value)`` is what the left-hand side is."""
        inner = _Reader(text, self.nodes, self.where)
        tree, _ = inner.parse(start)
        value = Formula(text, tree, inner.found, inner.functions, self.where).evaluate()
        if not formula_gives(value, root.data):
            raise FormulaError(
                f"{self.where}: the left-hand side {says(value)}, but the root, "
                f"{_called(root)}, is {root.data:.12g}; named nodes: {names.listing(self.listed)}")

    def _lagrange_side(self, text, start, root, wrt):
        """``σ'(z) = σ(z)(1 - σ(z))``: f'(x) before a formula is ∂root/∂x when f(x) is the
        root's value (or f names the root); where the formula starts, or 0.  Before a number,
        ``σ'(z) = 0.2445``, σ'(z) stays the formula the number is the value of."""
        relation = _top_level_equals(text, start)
        second = relation and _LAGRANGE_SECOND.match(text[:relation[0]], start)
        found = second or (relation and _LAGRANGE.match(text[:relation[0]], start))
        if not found or (not second and is_number_text(text[relation[1]:].strip(" &$"))):
            return 0
        before, equals = relation
        written = names.printable(" ".join(text[start:before].split()))
        below_node = self._lhs_node(found.group("b"), written)
        if wrt is not None and below_node is not wrt:
            self._lhs_mismatch(written, "with respect to", found.group("b"), wrt, "the node checked")
        if second:
            return self._lagrange_second(found, written, root, below_node, equals)
        if self._name_of(found.group("f")) is None or self._lhs_node(found.group("f"), written) is not root:
            applied = f"{found.group('f')}({found.group('b')})"
            self._root_value(applied, 0, root, lambda value: (
                f"{written} is the derivative of {names.printable(applied)} = {value:.12g}"))
        self.lhs = (root.name, below_node.name)
        return equals

    def _second_side(self, found, written, root, wrt):
        """``∂²f/∂x∂y =``: ∂/∂x of the gradient ∂f/∂y (grad(..., create_graph=True) names
        it so), or ∂/∂y of ∂f/∂x (the same for a smooth f); ``∂²f/∂x²`` is ∂/∂x of ∂f/∂x."""
        f = names.plain(_NAMED.sub(r"\1", found.group("c")))
        outer, inner = (self._lhs_variable(v, written, root, f) for v in found.variables)
        orders = [(o, i) for o, i in ((outer, inner), (inner, outer))
                  if wrt is None or o is wrt]
        fits = [(o, i) for o, i in orders if self._gradient_of(root, f, i)]
        if not fits:
            self._second_mismatch(written, f, outer, inner, root, wrt)
        o, i = fits[0]
        self.lhs = (root.name or f"∂{f}/∂{i.name}", o.name)
        return found.end()

    def _gradient_of(self, root, f, inner):
        """Whether ``root`` is ∂f/∂inner; the gradient of an unnamed output (grad names it
        ∂f/∂z) is what the learner calls it, ∂²σ/∂z², when no node has that name."""
        if not root.name or root.name == f"∂{f}/∂{inner.name}":
            return True
        unnamed = gradient_name(UNNAMED_OUTPUT, inner.name)
        if root.name != unnamed or self._name_of(UNNAMED_OUTPUT):
            return False
        named = self._name_of(f)
        if named is None:
            return True
        # f named after grad() named its gradient ∂f/∂z (the chainrule command names a
        # script's variables once it has run): root is ∂f/∂z when f's gradient is its number
        outputs = self.named[named]
        return len(outputs) == 1 and engine.gradients(outputs[0]).get(inner) == root.data

    def _lhs_variable(self, typed, written, root, f):
        """A variable of ``∂²f/∂x∂y =``: its node, or the y of a root ∂f/∂y whose graph has
        no y (∂(x²y)/∂y = x²), a stand-in holding that name."""
        try:
            return self._lhs_node(typed, written)
        except FormulaError:
            head, _, inner = (root.name or "").partition(f"∂{f}/∂")
            plain = re.sub(r"_\{([^{}]*)\}", r"_\1", typed.strip("() "))
            if head or not inner or inner not in (plain, names.plain(plain)):
                raise
            return _Absent(inner)

    def _lagrange_second(self, found, written, root, below_node, equals):
        """``σ''(z) = ...``: ∂/∂z of a gradient ∂f/∂z, where f'(z) (σ'(z), read as a formula)
        has the root's value, or f names the node whose gradient the root is (a''(z))."""
        f, b = found.group("f"), found.group("b")
        if self._name_of(f) is not None:
            if not self._gradient_of(root, f, below_node):
                self._second_mismatch(written, f, below_node, below_node, root, None)
        else:
            first = f"{f}'({b})"
            self._root_value(first, 0, root, lambda value: (
                f"{written} is the derivative of {names.printable(first)} = {value:.12g}"))
        self.lhs = (root.name, below_node.name)
        return equals

    def _second_mismatch(self, written, f, outer, inner, root, wrt):
        pair = f"{outer.name} twice" if outer is inner else f"{outer.name} and {inner.name}"
        raise FormulaError(
            f"{self.where}: the left-hand side {written} is a second derivative of {f} with "
            f"respect to {names.printable(pair)}, so the root must be the gradient "
            f"∂{f}/∂{names.printable(inner.name)} (grad({f}, {names.printable(inner.name)}, "
            f"create_graph=True)) and the node checked {names.printable(outer.name)}; here "
            f"the root is {_called(root)}"
            f"{'' if wrt is None else f' and the node checked {_called(wrt)}'}; named nodes: "
            f"{names.listing(self.listed)}")

    def statement_about(self, root, wrt):
        """The text with only the line about ``wrt`` kept (the others blanked, so positions
        hold), when several lines each start with a left-hand side, as an align environment
        of gradients does (``∂L/∂w_2 &= … \\\\ ∂L/∂w_1 &= …``); else None.  A line about
        ``root`` (∂L/∂w_1) is read before a local derivative's (∂y'/∂w_1).  Raises
        :class:`FormulaError` when no such line is about ``wrt``."""
        text = self.text
        starts = [0] + [m.end() for m in re.finditer(r"\\\\", text)]
        heads = [(i, found) for i in starts
                 if (found := _LHS.match(text, _FRAME.match(text, i).end())) is not None]
        if len(heads) < 2:
            return None
        about = [n for n, (_, found) in enumerate(heads)
                 if self._names(found.group("b") or found.group("d"), wrt)]
        about.sort(key=lambda n: not self._names(heads[n][1].group("a") or heads[n][1].group("c"),
                                                 root, absent=True))
        if about:
            n, start = about[0], heads[about[0]][0]
            end = heads[n + 1][0] if n + 1 < len(heads) else len(text)
            return " " * start + text[start:end] + " " * (len(text) - end)
        written = "; ".join(names.printable(" ".join(found.group(0).split()).rstrip("=& "))
                            for _, found in heads)
        raise FormulaError(f"{self.where}: the formula has {len(heads)} lines with a left-hand "
                           f"side ({written}), and none is with respect to the node checked, "
                           f"{names.printable(wrt.name or 'wrt')}; named nodes: "
                           f"{names.listing(self.listed)}")

    def _names(self, typed, node, absent=False):
        """Whether a left-hand side's ``typed`` name is ``node`` (``absent`` when not typed)."""
        if typed is None:
            return absent
        try:
            return self._lhs_node(typed, typed) is node
        except FormulaError:
            return False

    def _lhs_top(self, typed, written, root):
        """The node a left-hand side's top names; an unnamed root is what the learner calls
        it (∂O/∂w_1 of micrograd code whose O has no label), when no node has that name."""
        try:
            return self._lhs_node(typed, written)
        except FormulaError:
            if root.name and _latex_key(typed) != _latex_key(LatexNotation().name(root.name)):
                raise
            return root             # unnamed, or a name LaTeX writes as explain does: ∂f/∂x

    def _lhs_node(self, typed, written):
        if typed.startswith("(") and typed.endswith(")"):     # (my weight): a name with a space
            typed = typed[1:-1].strip()
        name = self._name_of(typed) or self._latex_named(typed)   # as named, or as latex() writes it
        if name is not None and len(self.named[name]) == 1:
            return self.named[name][0]
        typed = names.LATEX_LAYER.sub(names.layer_suffix, typed)
        typed = _NAMED.sub(lambda found: names.latex_unescaped(found.group(1)), typed)  # leaf_1
        typed = _BRACED_PRIMED.sub(r"\1", typed)         # {y}': y'
        spelled = names.LATEX_LETTER.sub(r"\1", typed)  # \theta of a node named theta
        typed = names.LATEX_LETTER.sub(lambda found: names.latex_letter(found.group(1)), typed)
        if spelled != typed and self._name_of(spelled) and not self._name_of(typed):
            typed = spelled
        plain = re.sub(r"_\{([^{}]*)\}", lambda sub: "_" + names.latex_unescaped(sub.group(1)), typed)
        name = (self._name_of(plain) or self._name_of(names.plain(plain))    # ∂C/∂w³₁₁ as printed
                or self._name_of(_unbraced(typed)))                         # w^{(L)}: w^(L)
        if name is None:
            raise FormulaError(
                f"{self.where}: the left-hand side {written} names {typed!r}, and no node "
                f"has that name; named nodes: {names.listing(self.listed)}")
        matches = self.named[name]
        if len(matches) > 1:
            names.find_node(self.nodes, name, f"{self.where}: the left-hand side {written}")
        return matches[0]

    def _latex_named(self, typed):
        """The name :func:`autograd.names.latex` writes as ``typed`` (``a^{l-1}_{1}`` for
        ``a^{l-1}_1``, spaces aside), when one node's; else None."""
        key = _latex_key(typed)
        found = [name for name in self.listed if "^" in name or "{" in name or "\\" in name
                 if _latex_key(names.latex(name)) == key]
        return found[0] if len(found) == 1 else None

    def _lhs_mismatch(self, written, relation, typed, node, role):
        raise FormulaError(
            f"{self.where}: the left-hand side {written} is {relation} "
            f"{names.printable(typed)}, but "
            f"{role} is {names.printable(node.name) if node.name else 'an unnamed node'}; named nodes: "
            f"{names.listing(self.listed)}")

    # -- tokens ----------------------------------------------------------------

    def tokens(self, start=0):
        """The tokens, one at a time as the parser asks (an error early in a long
        text costs nothing for the rest), then "end" for ever."""
        text, i, out = self.text, start, []
        n = len(text)
        while i < n:
            if out:
                if out[-1].kind == "func":           # \sigma' or \sigma^{\prime}: σ'
                    primed = PRIME_SUPERSCRIPT.match(text, i)
                    if primed or text[i] in _PRIMES:
                        i = self._prime(out, primed.end() if primed else i + 1, i)
                        if i < n and (text[i] in _PRIMES or PRIME_SUPERSCRIPT.match(text, i)):
                            self.fail(i + 1, text[i], _second_in_formula(out[-1].text[:-1]))
                yield from out
                out.clear()
                if i >= n:
                    break
            ch = text[i]
            if ch.isspace() or ch in "$`" and self._framing(i):   # $...$, $$...$$, `...`
                i = max(i + 1, self.inside[0]) if ch == "`" else i + 1   # ```python: to the code
            elif ch == "\\" and text.startswith("\\frac", i) and \
                    (gradient := self._gradient_named(i)) is not None:   # as explain's LaTeX
                out.append(Token("name", gradient[0], i + 1, gradient[0]))
                i = gradient[1]
            elif ch == "\\":
                i = self._latex(i, out)
            elif ch in _OPERATORS:
                symbol = "**" if text.startswith("**", i) else ch
                out.append(Token("op", _TYPED.get(symbol, symbol), i + 1))
                i += len(symbol)
            elif ch in _COMPARISON_CHARS:
                symbol = text[i:i + 2] if text[i + 1:i + 2] == "=" else ch
                self._comparison(symbol, i + 1, out)
                i += len(symbol)
            elif ch == "∂":
                gradient = self._gradient_named(i)   # ∂L/∂w, a gradient of grad(create_graph=True)
                if gradient is None:
                    self._partial(i + 1, ch)
                out.append(Token("name", gradient[0], i + 1, gradient[0]))
                i = gradient[1]
            elif ch == "∧":
                out.append(Token("and", ch, i + 1))
                i += 1
            elif ch == "&" and text[i + 1:].lstrip(" ")[:1] == "=":   # &= of an align line
                i += 1
            elif ch in ",.;" and _SENTENCE_END.match(text, i + 1):   # ...(y'-y), as a post ends
                i = n
            elif ch in ",|":
                out.append(Token(ch, ch, i + 1))
                i += 1
            elif ch == "{" and (braced := _BRACED_PRIMED.match(text, i)):     # {y}': y'
                i = self._run(braced.end(), out, list(braced.group(1)),
                              list(range(braced.start(1) + 1, braced.end(1) + 1)))
            elif ch == "(" and (spaced := self._spaced_name(i)) is not None:   # (my weight)
                out.append(Token("name", spaced.group(1), i + 2, spaced.group(1)))
                i = spaced.end()
            elif ch in _OPENING:
                out.append(Token("(", ch, i + 1))
                i += 1
            elif ch in _CLOSING:
                out.append(Token(")", ch, i + 1))
                i += 1
            elif ch in _SUPERSCRIPTS or ch in "⁺⁻" and text[i + 1:i + 2] in _SUPERSCRIPTS:
                i = self._exponent(i, out)            # h² is h^2, x⁻¹ is x^(-1)
            elif ch.isdecimal() or (ch == "." and text[i + 1:i + 2].isdecimal()):
                found = _NUMBER.match(text, i)
                typed, i = found.group(0), found.end()
                upright = None if found.group(2) else _LATEX_E.match(text, i)
                if upright:                           # 1.43\mathrm{e}{-3}: 1.43e-3
                    sign, digits = upright.group(1, 2) if upright.group(2) else upright.group(3, 4)
                    typed, i = f"{typed}e{sign.replace('−', '-')}{digits}", upright.end()
                out.append(Token("num", typed, found.start() + 1))
            elif ch.isalpha() or ch in _FUNCTION_SIGNS:
                i = self._run(i, out)
            elif ch == "%" and _ENDS_IN_NUMBER.search(text, 0, i):
                self.fail(i + 1, ch, "a percentage is not read: a gradient is a plain number "
                                     "(0.143% is 0.00143)")
            else:
                self.fail(i + 1, ch, "this character is not part of a formula")
        yield from out
        end = Token("end", "the end", len(text) + 1)
        while True:
            yield end

    def _spaced_name(self, i):
        """The match of ``(my weight)`` at ``i`` when it holds a node's name with a space
        (as explain writes such a name in a product), else None; not a name that spells a
        sum or product (micrograd's ``x1*w1 + x2*w2``): that is read as the formula it is."""
        found = _SPACED_NAME.match(self.text, i)
        return found if found is not None and found.group(1) in self.named else None

    def _exponent(self, i, out):
        """``²``, ``¹⁰``, ``⁻¹`` after a factor: ``^2``, ``^10``, ``^-1``."""
        found = _EXPONENT.match(self.text, i)
        if found is None:
            self.fail(i + 1, self.text[i], "a superscript sign needs its digits: x⁻¹")
        out.append(Token("op", "^", i + 1))
        if found.group(1):
            out.append(Token("op", "-" if found.group(1) == "⁻" else "+", i + 1))
        out.append(Token("num", found.group(2).translate(_FROM_SCRIPTS), found.start(2) + 1))
        return found.end()

    def _gradient_named(self, i):
        """``(name, its end)`` of the node whose name starts at ``i`` with ``∂`` (``∂L/∂w1``,
        as grad() names a gradient and explain writes it) or is written there as
        :func:`autograd.names.latex` writes it (``\\frac{\\partial L}{\\partial w_{1}}``,
        as explain's LaTeX does), the longest, not followed by more of a name; else None."""
        if self._gradients is None:
            found = [(name, name) for name in self.named if name.startswith("∂")]
            found += [(names.latex(name), name) for _, name in found]
            self._gradients = sorted(found, key=lambda pair: len(pair[0]), reverse=True)
        text = self.text
        for written, name in self._gradients:
            if text.startswith(written, i) and not _RUN.match(text, i + len(written)):
                return name, i + len(written)
        return None

    def _partial(self, pos, typed):
        gradients = sorted(n for n in self.named if n.startswith("∂"))
        named = f" or a node's name ({names.listed(gradients[0])})" if gradients else ""
        self.fail(pos, typed, f"∂ is read only in a left-hand side (∂O/∂w1 = ..., "
                              f"\\frac{{\\partial O}}{{\\partial w_1}} = ...){named}; write the "
                              f"formula itself with node names")

    def _prime(self, out, after, i):
        """``f'`` or ``f^{\\prime}`` after a function: its derivative."""
        token = out[-1]
        op, derivative = token.value
        if derivative or op.arity != 1:
            self.fail(i + 1, self.text[i:after], f"{token.text} has no derivative to take here")
        token.value = (op, True)
        token.text += "'"
        return after

    def _comparison(self, symbol, pos, out):
        symbol = _TYPED.get(symbol, symbol)
        if symbol == "≈":                       # ... ≈ 0.0142: only before the stated value
            out.append(Token("cmp", symbol, pos, (_COMPARE["="], False)))
        elif symbol in _REVERSED:
            out.append(Token("cmp", symbol, pos, (_COMPARE[_REVERSED[symbol]], True)))
        elif symbol in _COMPARE:
            out.append(Token("cmp", symbol, pos, (_COMPARE[symbol], False)))
        else:
            self.fail(pos, symbol, "this comparison is not read")

    def _framing(self, i):
        """True when the ``$`` or backtick at ``i`` opens or closes the formula: only spaces,
        ``$`` and backticks before it (and a fence's language, ```python), or after it (a
        ``$`` inside a formula is refused)."""
        if self.inside is None:                  # where the frame ends and starts again
            text = self.text
            fence = _FENCE_OPENING.match(text)
            start = fence.end() if fence else 0
            self.inside = (start + len(text[start:]) - len(text[start:].lstrip(_FRAMING)),
                           len(text.rstrip(_FRAMING)))
        return not self.inside[0] <= i < self.inside[1]

    def _latex(self, i, out):
        text = self.text
        found = _COMMAND.match(text, i)
        command = found.group(1) if found else ""
        end = found.end() if found else i + 1
        word = "\\" + command
        if command in _SPACING or command in _DELIMITERS:
            return end
        if command in ("begin", "end"):              # \begin{equation}: only the formula's frame
            braced = _BRACED.match(text, end)
            return braced.end() if braced else end
        if command == "partial":
            self._partial(i + 1, word)
        if command in ("{", "}"):
            out.append(Token("(" if command == "{" else ")", command, i + 1))
        elif word in _TYPED and _TYPED[word] in _COMPARE or word in _COMPARE or \
                word in _REVERSED or word == "\\approx":
            self._comparison(word, i + 1, out)
        elif command in ("cdot", "times"):
            out.append(Token("op", "·", i + 1))
        elif command == "div":
            out.append(Token("op", "/", i + 1))
        elif command in ("wedge", "land"):
            out.append(Token("and", word, i + 1))
        elif command in ("frac", "dfrac", "tfrac"):
            out.append(Token("frac", word, i + 1))
        elif command in _INDICATOR_FONTS and (indicator := _INDICATOR.match(text, end)):
            return indicator.end()     # \mathbb{1}[z > 0]: the bracket's comparison, 1 or 0
        elif command in _NAMING:
            braced = _NAMING_BRACED.match(text, end)
            if braced is None:
                self.fail(i + 1, word, f"{word} needs its text in braces: {word}{{net}}")
            inner = names.latex_unescaped(braced.group(1))      # \mathrm{my\ weight}: my weight
            if inner not in self.named:
                inner = inner.strip()
            if not inner and command.startswith("text"):        # \text{ }: a space
                return braced.end()
            if command == "text" and inner in _KEYWORDS and inner not in self.named:
                out.append(Token(inner, inner, i + 1))
                return braced.end()
            if not inner or not all(c.isalnum() or c in "_'" for c in inner):
                if inner in self.named:                 # a node's name, spaces and all
                    out.append(Token("name", inner, i + 1, inner))
                    return braced.end()
                self.fail(i + 1, word, f"{word}{{...}} must hold a name or a function")
            return self._run(braced.end(), out, list(inner), [i + 1] * len(inner))
        elif command in _ACCENTS:
            return self._accented(i, end, command, out)
        elif command == "sum" and text[end:].lstrip()[:1] in ("_", "^"):
            self.fail(i + 1, text[i:end + 3], _INDEXED_SUM)
        elif command in LATEX_FUNCTIONS or command in FUNCTIONS:
            if text[end:].lstrip()[:1] == "[":          # \sqrt[3]{x}: not sqrt([3])·x
                self.fail(i + 1, word + "[", f"{word}[...] (an optional argument) is not "
                                             f"read; write a root as a power: x^(1/3)")
            if command in FUNCTIONS:
                out.append(Token("func", command, i + 1, FUNCTIONS[command]))
            else:
                op = LATEX_FUNCTIONS[command]
                out.append(Token("func", _canonical(op, False), i + 1, (op, False)))
        elif (letter := names.latex_letter(command)) is not None:
            return self._letter(i, end, command, letter, out)
        else:
            self.fail(i + 1, found.group(0) if found else "\\",
                      f"this LaTeX command is not read (functions: {_LATEX_SHOWN}; also "
                      f"\\frac, \\cdot, \\times, \\left, \\right)")
        return end

    def _letter(self, i, end, command, letter, out):
        """``\\theta`` (``\\theta_1``, ``\\ell``): a name that starts with the letter θ, else
        with theta; Nielsen's ``\\delta`` of no node is refused saying what to write."""
        name = next((spelling for spelling in (letter, command)
                     if any(n.startswith(spelling) for n in self.named)), None)
        if name is None and command == "delta":
            self.fail(i + 1, "\\" + command, _DELTA)
        name = name or letter
        return self._run(end, out, list(name), [i + 1] * len(name))

    def _accented(self, i, end, command, out):
        """``\\hat{y}`` (or ``\\hat y``): the node called ŷ, else y_hat, else yhat."""
        found = _ACCENTED.match(self.text, end)
        if found is None:
            self.fail(i + 1, "\\" + command, f"\\{command} needs a letter: \\{command}{{y}}")
        letter = found.group(1) or found.group(2)
        spellings = [unicodedata.normalize("NFC", letter + _ACCENTS[command]),
                     f"{letter}_{command}", f"{letter}{command}"]
        name = next((s for s in spellings if s in self.named), None)
        if name is None:
            self.fail(i + 1, self.text[i:found.end()], f"it is read as the node "
                      f"{' or '.join(spellings)}, and no node has those names")
        return self._run(found.end(), out, list(name), [i + 1] * len(name))

    def _run(self, i, out, chars=None, where=None):
        """A run of letters, digits, _ and primes: one or more names, or a function."""
        text = self.text
        chars, where = chars or [], where or []
        if not chars and text[i] in _FUNCTION_SIGNS:           # √x: a sign, not a name
            self._pieces(text[i], [i + 1], i + 1, out)
            return i + 1
        n = len(text)
        if not chars:                            # the common case: one plain name
            chunk = _RUN.match(text, i)
            end = chunk.end()
            run = chunk.group(0)
            for spelling, name in self.latex_named.get(run, ()) if end < n else ():   # a^3 as named
                after = i + len(spelling)
                if text.startswith(spelling, i) and not _RUN.match(text, after) and \
                        not text.startswith(("^", "_"), after):
                    out.append(Token("name", name, i + 1, name))
                    return after
            if run in self.named and run not in FUNCTIONS and \
                    (end == n or text[end] not in "({^\\" and not _SCRIPTED.match(text, end)):
                out.append(Token("name", run, i + 1, run))
                return end
        while i < n:
            chunk = _RUN.match(text, i)
            if chunk is not None:                # letters, digits, primes, _
                chars.append(chunk.group(0).replace("′", "'"))
                where += range(i + 1, chunk.end() + 1)
                i = chunk.end()
            scripted = _SCRIPTED.match(text, i) if chars else None
            if scripted:                         # w³₁₁, x₁ as printed: w3_11, x_1
                chars.append(names.unscripted(scripted))
                where += [i + 1] * len(chars[-1])
                i = scripted.end()
                continue
            if i < n and text[i] == "{" and text[i - 1] == "_" and chars:   # w_{1}
                close = text.find("}", i + 1, i + 201)
                inner = text[i + 1:close] if close > 0 else ""
                if close > 0 and not inner.isalnum():
                    inner = self._spaced_subscript(chars, inner, i)
                if close < 0 or not inner.isalnum() and " " not in inner:
                    self.fail(i, text[i - 1:i + 7], "a subscript in braces must be letters "
                                                    "or digits: w_{1}")
                chars.append(inner)
                where += range(i + 2, close + 1)
                i = close + 1
            else:
                break
        sampled = names.LATEX_SAMPLED.match(text, i) if chars else None
        if sampled and (name := self._name_of("".join(chars) + names.sampled_suffix(sampled))):
            out.append(Token("name", name, where[0], name))      # x^{(2)}_{1}: sample 2's x1
            return sampled.end()
        layered = names.LATEX_LAYER.match(text, i) if chars else None
        if layered:                              # w^{3}_{11}, a^2_1: Nielsen's w3_11, a2_1
            layer = names.layer_suffix(layered)
            if self._name_of("".join(chars) + layer) is not None:
                chars.append(layer)
                where += [i + 1] * len(layer)
                i = layered.end()
            elif (vector := self._layer_of_one(chars, layer)) is not None:   # a^3_1: node a^3
                out.append(Token("name", vector, where[0], vector))
                return layered.end()
            elif self._readings("".join(chars) + layer, [where[0]] * (len(where) + len(layer)),
                                False) or self._name_of("".join(chars)) is None:
                # x_1w^{2}_{11}: x1·w2_11; w^3_{21} of no node: w3_21, not w
                chars.append(layer)
                where += [i + 1] * len(layer)
                i = layered.end()
        elif chars and self._name_of("".join(chars)) is None:
            i = self._subscript_first(chars, where, i)
            i = self._one_neuron_layer(chars, where, i)
        primed = PRIME_SUPERSCRIPT.match(text, i)
        while primed:                            # y^{\prime}: the name y'
            chars.append("'")
            where.append(i + 1)
            i = primed.end()
            primed = PRIME_SUPERSCRIPT.match(text, i)
        run = "".join(chars)
        sample = _SAMPLE.match(text, i) or _PRINTED_SAMPLE.match(text, i)
        sampled = sample and f"{run}({sample.group(1).translate(_FROM_SCRIPTS)})"
        named = sampled and self._name_of(sampled)
        if named:                                # x1(2), x₁⁽²⁾: sample 2's x1
            where += [i + 1] * max(0, len(named) - len(where))
            run = named
            i = sample.end()
        elif sampled and self._readings(sampled, where + [i + 1] * (len(sampled) - len(run)),
                                        False):  # w²₁₁x₁⁽²⁾: w2_11·x1(2)
            where += [i + 1] * (len(sampled) - len(run))
            run = sampled
            i = sample.end()
        self._pieces(run, where, i, out)
        return i

    def _spaced_subscript(self, chars, inner, i):
        """The subscript ``my out`` of ``y_{my out}`` (``y_{my\\ out}``, as LaTeX spaces it):
        part of the node named ``y_my out``; refused, naming that node, when no node is."""
        spaced = names.latex_unescaped(inner).strip()
        if not spaced.replace(" ", "").isalnum():
            return inner
        name = "".join(chars) + spaced
        if self._name_of(name) is None:
            self.fail(i, f"{''.join(chars)}{{{inner}}}", f"a subscript with a space names the node "
                                                        f"{names.printable(name)!r}, and no node has "
                                                        f"that name")
        return spaced

    def _layer_of_one(self, chars, layer):
        """The node named ``a^3`` (or ``a^{3}``) for ``a^3_1``, neuron 1 of a layer its
        writer named as a whole, when no node is a, a3_1 or a3_2; else None."""
        base = "".join(chars)
        number, _, index = layer.partition("_")
        if index != "1" or self._name_of(base) or self._name_of(f"{base}{number}_2") is not None:
            return None
        return next((name for name in (f"{base}^{number}", f"{base}^{{{number}}}")
                     if len(self.named.get(name, ())) == 1), None)

    def _subscript_first(self, chars, where, i):
        """``w_{11}^{2}``, ``a_1^2``: Nielsen's w2_11, a2_1 with the subscript written first,
        when the letters and subscript name no node (``x_1^2`` of a node x1 is a power)
        and the name with the layer does; ``chars`` becomes that name."""
        layer = _LAYER_AFTER.match(self.text, i)
        if layer is None:
            return i
        name = self._name_of(names.plain(f"{''.join(chars)}^{layer.group(1) or layer.group(2)}"))
        if name is None:
            return i
        chars[:] = [name]
        where[:] = where[:1] * len(name)
        return layer.end()

    def _one_neuron_layer(self, chars, where, i):
        """``a^3`` as Nielsen writes the output of a layer of one neuron: a3_1, when the
        letters alone name no node and layer 3 has a3_1 and no a3_2 (a layer of several
        neurons is refused, naming them; letters that name a node: a power)."""
        alone = _LAYER_ALONE.match(self.text, i)
        if alone is None:
            return i
        base = "".join(chars)
        layer = alone.group(1) or alone.group(2) or alone.group(3).translate(_FROM_SCRIPTS)
        if self._name_of(f"{base}{layer}_1") is None:
            return i
        if self._name_of(f"{base}{layer}_2"):
            self.fail(where[0], f"{base}^{layer}", f"{base}^{layer} is layer {layer}'s vector "
                      f"({base}{layer}_1, {base}{layer}_2, ...); a formula of numbers names one "
                      f"neuron: {base}^{layer}_1")
        chars.append(f"{layer}_1")
        where += [i + 1] * len(chars[-1])
        return alone.end()

    def _pieces(self, run, where, after, out):
        """Split a run into names and a final function (see :meth:`_split`)."""
        calls = _OPENS.match(self.text, after) is not None
        if run in _KEYWORDS and run not in self.named:
            out.append(Token(run, run, where[0]))
            return
        for start, end, kind in self._split(run, where, calls):
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
        if piece in self.resolved:
            return self.resolved[piece]
        found = self.by_spelling.get(names.spelling(piece), [])
        name = self.resolved[piece] = found[0] if len(found) == 1 else None
        return name

    def _split(self, run, where, calls):
        """[(start, end, kind)]: the run as one name, a function (when a parenthesis
        follows), or the fewest names (and a last function) it can be read as.
        ``where``: each character's position in the text."""
        pos = where[0]
        if run in self.named:
            if run in FUNCTIONS and calls:
                self._node_or_function(run, pos)
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
        readings = self._readings(run, where, calls)
        if not readings:
            if re.fullmatch(r"(?:δ|delta)[\d_]*", run):
                self.fail(pos, run, _DELTA)
            if run.startswith("Σ"):
                self.fail(pos, run, _INDEXED_SUM)
            base = re.sub(r"(?:''|″|′′)$", "", run)
            if base != run and base in FUNCTIONS:                # σ''(z) after the =
                self.fail(pos, run, _second_in_formula(base))
            if run == "sech":
                self.fail(pos, run, "sech is not an op here; tanh's derivative sech²(z) is "
                                    "1 - tanh^2(z), or tanh'(z)")
            if calls and (self.listed or not re.search(r"[\d_]", run)) and \
                    not names.meant_instead(self.named, run):   # w^3_{21} (a - y): w3_12?
                self.fail(pos, run, "no node has this name and no op is called so; ops: "
                                    + _OPS_SHOWN)
            # find_node says so, listing the names that exist
            shown = _shown(run)
            names.find_node(self.nodes, shown, f"{self.where}: the formula's {shown!r} at "
                                               f"position {pos}")
            self.fail(pos, run, "no node has this name")
        if len(readings) > 1:
            shown = " or ".join("·".join(run[s:e] for s, e, _ in r) for r in readings[:2])
            self.fail(pos, run, f"it reads two ways, {shown}; write * between the names")
        start, end, kind = readings[0][-1]
        if calls and kind != "func" and run[start:end] in FUNCTIONS:   # sd(x): s·d·x or s·σ'(x)?
            self._node_or_function(run[start:end], where[start])
        return readings[0]

    def _node_or_function(self, name, pos):
        self.fail(pos, name, f"{name!r} is both a node of the graph and the function "
                             f"{_canonical(*FUNCTIONS[name])}; write * after the node "
                             f"or use another name for the function")

    def prefixes(self):
        """(every prefix of every name and spelling with underscores dropped, the longest
        name's length + 1), made on the first run that is not one name."""
        if self._prefixes is None:
            found = set()
            bares = {name.replace("_", "") for name in self.named}
            bares.update(map(names.bare, self.by_spelling))      # w³₁₁ and a¹₁ as w311, a11
            for bare in bares:
                found.update(bare[:k] for k in range(1, len(bare) + 1))
            self._prefixes = found, max(map(len, self.named), default=0) + 1
        return self._prefixes

    def _readings(self, run, where, calls):
        """The readings of the run with the fewest pieces (at most two: one is the
        answer, two are ambiguous): names, the last one possibly a function when a
        parenthesis follows.

        Fewest pieces up to each position, left to right; from each position only
        the pieces that are prefixes of a name are tried (at most the longest
        name's length), so the work is linear in the run's length."""
        n = len(run)
        fewest = [None] * (n + 1)    # fewest[i]: pieces in the best reading of run[:i]
        ways = [0] * (n + 1)         # how many best readings (1 or 2: two is enough)
        back = [None] * (n + 1)      # up to two (start, kind) that end a best reading
        fewest[0], ways[0] = 0, 1

        def reach(start, end, kind):
            count = fewest[start] + 1
            if fewest[end] is None or count < fewest[end]:
                fewest[end], ways[end], back[end] = count, ways[start], [(start, kind)]
            elif count == fewest[end]:
                ways[end] = min(2, ways[end] + ways[start])
                if len(back[end]) < 2:
                    back[end].append((start, kind))

        prefixes, longest = self.prefixes()
        for start in range(n):
            if fewest[start] is None:
                continue
            if fewest[start] > LONGEST:     # the parser would refuse it: stop here
                self.fail(where[start], run[start:], f"the formula is longer than "
                          f"{LONGEST} operations in a row; split it into parts")
            bare, named_to_end = "", False
            for end in range(start + 1, min(n, start + longest) + 1):
                ch = run[end - 1]
                if ch != "_":
                    bare += ch
                    if bare not in prefixes:
                        break
                name = self._name_of(run[start:end])
                if name is not None:
                    reach(start, end, name)
                    named_to_end = end == n
            if calls and not named_to_end and n - start <= _LONGEST_FUNCTION and run[start:] in FUNCTIONS:
                reach(start, n, "func")
        if fewest[n] is None:
            return []
        return [self._reading(run, back, second) for second in
                ((False, True) if ways[n] > 1 else (False,))]

    @staticmethod
    def _reading(run, back, second):
        """One best reading from the back-pointers; ``second`` takes the other branch
        at the last place where two best readings part."""
        pieces, end = [], len(run)
        while end:
            choices = back[end]
            if second and len(choices) > 1:
                start, kind = choices[1]
                second = False
            else:       # one way here: the two ways part further left
                start, kind = choices[0]
            pieces.append((start, end, kind))
            end = start
        return pieces[::-1]

    # -- the tree ----------------------------------------------------------------

    def parse(self, start=0):
        """(tree, the number typed after it or None)."""
        self.stream = self.tokens(start)
        self.ahead = None
        self.depth = 0
        self.bars = 0
        if self.peek().kind == "end":
            self.fail(self.peek().pos if start else 1, self.text[start:] or self.text,
                      "the formula is empty")
        tree = self.expression()
        stated = self.stated(tree) if self.peek().kind == "cmp" else None
        token = self.peek()
        if token.kind != "end":
            what = "a closing parenthesis has no opening one" if token.kind == ")" else \
                "expected an operator or the end here"
            self.fail(token.pos, token.text, what)
        return tree, stated

    def stated(self, tree):
        """The number typed after ``=`` (or ``≈``) outside brackets, as text:
        ``x·h(1-h) = 0.0123``, as a derivation (and explain's LaTeX) ends, is the formula and
        the value its writer worked out.  Anything else after it is refused, never read as a
        comparison (a formula = a formula gave 1 or 0)."""
        equals = self.take()
        sign = equals.text
        if tree is self.bare:
            self.fail(equals.pos, sign, f"a comparison before {sign} is ambiguous (is what "
                      f"follows its value, or compared too?); put the comparison in "
                      f"parentheses: (a > b) {sign} 1")
        right = self.expression()
        if self.peek().kind == "cmp":
            self.fail(self.peek().pos, self.peek().text, f"a second {self.peek().text} outside "
                      f"brackets; write the formula, then at most one = and the number it "
                      f"gives: x·h = 0.48")
        number = _number_text(right)
        if number is None:
            self.fail(equals.pos, sign, f"after {sign} outside brackets comes the number "
                      f"the formula gives ({sign} 0.0123, {sign} -8.16 \\times 10^{{-3}}), not "
                      f"a formula; a comparison goes in parentheses: (a = b)")
        try:
            read_number(number)
        except ValueError as err:
            self.fail(right.pos, number, str(err).split(": ", 1)[-1])
        return number

    def peek(self):
        if self.ahead is None:
            self.ahead = next(self.stream)
        return self.ahead

    def take(self):
        token = self.peek()
        self.ahead = None
        return token

    def node(self, kind, args, token, typed=None, value=None):
        """A tree node, unless the tree is too deep to evaluate without deep recursion."""
        tree = Read(kind, tuple(args), value, token.pos, typed or token.text)
        if tree.depth > LONGEST:
            self.fail(token.pos, token.text, f"the formula is longer than {LONGEST} operations "
                                             f"in a row; split it into parts")
        return tree

    def expression(self):
        """``x if c else y``, or a condition (comparisons joined by ``and``)."""
        tree = self.condition(self.sum())
        token = self.peek()
        if token.kind == "if":
            self.take()
            self._deeper(token)
            test = self.condition(self.sum())
            otherwise = self.take()
            if otherwise.kind != "else":
                self.fail(otherwise.pos, otherwise.text, "expected 'else' after 'x if c'")
            other = self.expression()
            self.depth -= 1
            tree = self.node("where", (test, tree, other), token, "if")
        return tree

    def condition(self, tree):
        """Comparisons (each 1 or 0) joined by ``and``, from the first sum: ``and``
        joins whole comparisons, ``x > 0 and z > 1`` is (x > 0) and (z > 1)."""
        tree = self.comparison(tree)
        while self.peek().kind == "and":
            token = self.take()
            tree = self.node("and", (tree, self.comparison(self.sum())), token, "and")
            if not self.depth:
                self.bare = tree
        return tree

    def comparison(self, left):
        """``a > b``, ``a ≤ b``; a chain ``0 < x < 1`` is each pair, joined by ``and``
        (as Python reads it).  ``=`` outside brackets is left for :meth:`stated`."""
        tree = None
        while True:
            token = self.peek()
            if token.kind != "cmp" or token.value[0].name == "eq" and not self.depth:
                return left if tree is None else tree
            if token.text == "≈":
                self.fail(token.pos, token.text, "≈ is read only before the value worked out "
                          "after the formula (... ≈ 0.0142), not inside brackets")
            self.take()
            op, reversed_ = token.value
            right = self.sum()
            pair = (right, left) if reversed_ else (left, right)
            test = self.node(op.name, pair, token)
            tree = test if tree is None else self.node("and", (tree, test), token, "and")
            left = right
            if not self.depth:
                self.bare = tree

    def sum(self):
        tree = self.product()
        while True:
            token = self.peek()
            op = _INFIX.get(token.text) if token.kind == "op" else None
            if op is None or op.notation[2] != SUM_P:
                return tree
            self.take()
            tree = self.node(op.name, (tree, self.product()), token, op.notation[1])

    def _deeper(self, token):
        self.depth += 1
        if self.depth > DEEPEST:
            self.fail(token.pos, token.text, f"parentheses, signs or powers nested more than "
                                             f"{DEEPEST} deep")

    def _starts_operand(self, token):
        return token.kind in ("num", "name", "func", "const", "(", "frac") or \
            (token.kind == "|" and not self.bars)

    def product(self):
        tree = self.unary()
        while True:
            token = self.peek()
            op = _INFIX.get(token.text) if token.kind == "op" else None
            if op is not None and op.notation[2] == MUL_P:
                self.take()
                right = self.unary()
                tree = self.node(op.name, (tree, right), token, op.notation[1])
                after = self.peek()
                if op.name == "div" and self._starts_operand(after):
                    self.fail(after.pos, after.text,
                              "a product right after a division is ambiguous (a/2h: is it "
                              "a/(2h) or (a/2)·h?); add parentheses or *")
            elif self._starts_operand(token):
                if token.kind == "num" and tree.kind == "const" and _NUMBER.fullmatch(tree.typed):
                    self._grouped_digits(tree, token)
                if token.kind == "num" and not _AFTER_BRACKET.search(self.text, 0, token.pos - 1):
                    self.fail(token.pos, token.text, "a number right after a factor; write * "
                                                     "between them")
                right = self.unary(signs=False)
                tree = self.node(_INFIX["·"].name, (tree, right), token, "·")
            else:
                return tree

    def _grouped_digits(self, number, token):
        """Refuse ``0.001 43`` (a number right after a number), naming the number it may be."""
        more = re.match(r"\s+\d", self.text[token.pos - 1 + len(token.text):])
        joined = "" if more else f" ({number.typed}{token.text})"
        self.fail(token.pos, token.text, f"a number right after a number (digits grouped with a "
                                         f"space?); write the number without spaces{joined}, or "
                                         f"* between two numbers")

    def unary(self, signs=True):
        """Signs, then a power ``atom ^ unary`` (right-associative): no recursion per sign."""
        negations = []
        while signs:
            token = self.peek()
            if token.kind != "op" or token.text not in "+-−":
                break
            self.take()
            self._deeper(token)
            negations.append(token)
        tree = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "^":
            self.take()
            self._deeper(token)
            exponent = self.unary()
            self._number_then_name(exponent)
            self.depth -= 1
            tree = self.node(_KINDS["pow"].name, (tree, exponent), token, "^")
        for token in reversed(negations):
            self.depth -= 1
            if token.text != "+":
                tree = self.node(_KINDS["prefix"].name, (tree,), token, "-")
        return tree

    def _number_then_name(self, exponent):
        """Refuse ``e^2x``, ``e^-2x`` (e^(2x) or e²·x?) in one line: an exponent typed as
        digits with a name or function right after them (``h²x`` as printed stays h²·x)."""
        number = exponent.args[0] if exponent.kind == _KINDS["prefix"].name else exponent
        after = self.peek()
        if number.kind == "const" and _NUMBER.fullmatch(number.typed) and \
                after.pos == number.pos + len(number.typed) and \
                self.text[number.pos - 1].isascii() and after.kind in ("name", "func", "const"):
            power = f"{self.text[exponent.pos - 1:number.pos - 1]}{number.typed}"
            written = power + after.text
            self.fail(exponent.pos, written, f"^{written} is ambiguous: ^({written}) or "
                      f"^{power}·{after.text}? add braces or *: ^{{{written}}}")

    def atom(self):
        token = self.take()
        if token.kind == "num":
            value = float(token.text)
            if value == math.inf:
                self.fail(token.pos, token.text, "this number is too large for a float "
                                                 "(at most about 1.8e308)")
            return self.node("const", (), token, value=value)
        if token.kind == "const":
            return self.node("const", (), token, value=token.value)
        if token.kind == "name":
            name = token.value
            self._node(name, token.text, token.pos)
            return self.node("var", (), token, value=name)
        if token.kind == "func":
            return self._call(token)
        if token.kind == "frac":
            digits = self.peek()
            if digits.kind == "num" and len(digits.text) == 2 and digits.text.isdigit():
                self.take()                              # \frac12: 1/2, as TeX reads it
                top, bottom = (self.node("const", (), Token("num", d, digits.pos + k), d,
                                         value=float(d)) for k, d in enumerate(digits.text))
            else:
                top = self._frac_argument(token)
                bottom = self._frac_argument(token)
            return self.node(_INFIX["/"].name, (top, bottom), token, "/")
        if token.kind == "|" and "abs" in _KINDS:
            self._deeper(token)
            self.bars += 1
            inner = self.expression()
            closing = self.take()
            if closing.kind != "|":
                self.fail(token.pos, "|", "this | is never closed")
            self.bars -= 1
            self.depth -= 1
            return self.node(_KINDS["abs"].name, (inner,), token, "|")
        if token.kind == "(":
            return self._group(token)
        what = "the formula ends too early" if token.kind == "end" else \
            "expected a number, a name or an opening parenthesis"
        self.fail(token.pos, token.text, what)

    def _frac_argument(self, frac):
        """An argument of \\frac: in braces, or one digit or letter as TeX takes it
        (``\\frac1m``, ``\\frac{a}2``)."""
        token = self.peek()
        if token.kind == "(":
            return self._group(self.take())
        if token.kind in ("num", "name", "const") and len(token.text) == 1:
            return self.atom()
        self.fail(token.pos, token.text, f"{frac.text} takes its two arguments in braces: "
                                         f"{frac.text}{{a}}{{b}}")

    def _call(self, token):
        """``f(x)``, ``f'(x)``, ``f(a, b)``, ``f²(x)`` (= f(x)²), ``√x``."""
        op, derivative = token.value
        canonical = _canonical(op, derivative)
        if canonical != token.text and token.text not in _FUNCTION_SIGNS:
            self.functions[token.text] = canonical
        power = None
        after = self.peek()
        if after.kind == "op" and after.text == "^" and not derivative:
            self.take()
            self._deeper(after)
            sign = self.peek()
            power = (after, self.unary() if sign.kind == "op" and sign.text in "-−" else self.atom())
            self.depth -= 1
            if power[1].kind == _KINDS["prefix"].name:             # sin^{-1}(x), sin⁻¹(x): arcsin
                f = token.text
                self.fail(after.pos, f"{f}^", f"{f}^{{-1}}(x) means the inverse of {f} in most "
                          f"texts (sin^{{-1}} is arcsin), which is not an op here; for a "
                          f"reciprocal write 1/{f}(x)")
        if self.peek().kind != "(":
            if token.text in _FUNCTION_SIGNS and power is None:       # √x, as printed
                self._deeper(token)
                args = [self.atom()]
                self.depth -= 1
            else:
                self.fail(token.pos, token.text, f"the function {token.text} needs its "
                                                 f"argument in parentheses: {token.text}(z)")
        else:
            args = self._arguments(token)
        arity = op.arity
        if (arity is not None and len(args) != arity) or not args:
            self.fail(token.pos, token.text, f"{token.text} takes {arity or 'some'} "
                                             f"argument{'s' if arity != 1 else ''}, "
                                             f"not {len(args)}")
        tree = self.node(op.name + ("'" if derivative else ""), args, token)
        if power is not None:
            tree = self.node(_KINDS["pow"].name, (tree, power[1]), power[0], "^")
        return tree

    def _arguments(self, function):
        """``(a, b, ...)`` after ``function``; one argument too many fails at its comma."""
        opening = self.take()
        self._deeper(opening)
        outside, self.bars = self.bars, 0
        args = [self.expression()]
        arity = function.value[0].arity
        while self.peek().kind == ",":
            comma = self.take()
            if arity is not None and len(args) == arity:
                self.fail(comma.pos, ",", f"{function.text} takes {arity} argument"
                                          f"{'s' if arity != 1 else ''}; this is one more")
            args.append(self.expression())
        closing = self.take()
        if closing.kind != ")":
            self.fail(opening.pos, opening.text, "this parenthesis is never closed")
        self.bars = outside
        self.depth -= 1
        return args

    def _group(self, opening):
        """What follows the (taken) opening parenthesis, up to its closing one."""
        if opening.kind != "(":
            self.fail(opening.pos, opening.text, "expected an opening brace: \\frac{a}{b}")
        self._deeper(opening)
        outside, self.bars = self.bars, 0
        tree = self.expression()
        closing = self.take()
        if closing.kind != ")":
            self.fail(opening.pos, opening.text, "this parenthesis is never closed")
        self.bars = outside
        self.depth -= 1
        return tree

    def _node(self, name, typed, pos):
        node = self.found.get(name)
        if node is None:
            matches = self.named.get(name, ())
            if len(matches) == 1:
                node = matches[0]
            else:                       # none, or several: find_node says which
                node = names.find_node(self.nodes, name, f"{self.where}: the formula's "
                                                         f"{typed!r} at position {pos}")
            self.found[name] = node
        return node


#: what a formula's δ is: a gradient the formula cannot read, but check can check
_INDEXED_SUM = ("a sum over an index (\\sum_k, Σ_j) is not read: write its terms out over the "
                "nodes' names (\\sum_k w_k x_k as w_1 x_1 + w_2 x_2)")
_DELTA = ("δ (Nielsen's δ^l_j = ∂C/∂z^l_j) is a gradient, not a node's value: write what it "
          "stands for (BP1: (a^L_j - y_j)·σ'(z^L_j); BP2: (Σ_k w^{l+1}_kj δ^{l+1}_k)·σ'(z^l_j)), "
          "or check δ itself as its z node's gradient: check(C, 'z2_1', value) for δ²₁")


#: signs that are functions without parentheses (√x), from the ops' symbols
_FUNCTION_SIGNS = {s for s in FUNCTIONS if len(s) == 1 and not s.isalpha()}


# ---------------------------------------------------------------------------
# The formula
# ---------------------------------------------------------------------------

class _Operand:
    """An operand of the formula as an op's error describes it (:func:`autograd.ops.describe`):
    a node by its name, a constant as one, any other part as the formula writes it."""

    __slots__ = ("name", "data", "_opr")

    def __init__(self, formula, tree, value):
        self.data, self._opr = value, ops.CONSTANT if tree.kind == "const" else None
        self.name = (formula.nodes[tree.value].name if tree.kind == "var" else
                     None if tree.kind == "const" else _render(tree, TextNotation())[0])


class Formula:
    """A formula read over a graph.

    text        as typed
    tree        the parsed expression (:mod:`autograd.expr`)
    nodes       {name: node} for each name it uses, in the order it uses them
    functions   {typed: canonical} for functions typed another way (s: σ, d: σ')
    lhs         (root's name, variable's name) when the text starts ``dO/dw1 =``, else None
    stated      the number typed after the formula (``... = 0.0123``) as text, else None
    """

    def __init__(self, text, tree, nodes, functions, where="check", lhs=None, stated=None):
        self.text, self.tree, self.nodes, self.functions = text, tree, nodes, functions
        self.where = where
        self.lhs = lhs
        self.stated = stated

    def typed_number(self):
        """The number the formula is, as typed, when it is only one after its left-hand side
        (``dO/dw1 = 0.00143``: ``"0.00143"``, its digits kept); else None."""
        return _number_text(self.tree) if self.stated is None else None

    def evaluate(self):
        """The formula's number at the nodes' current ``data``."""
        return self._value(self.tree)

    def _value(self, t):
        kind = t.kind
        if kind == "const":
            return t.value
        if kind == "var":
            return self.nodes[t.value].data
        if kind == "where":
            test, x, y = t.args
            return self._value(x if self._value(test) else y)
        if kind == "and":
            return 1.0 if self._value(t.args[0]) and self._value(t.args[1]) else 0.0
        values = [self._value(a) for a in t.args]
        if kind.endswith("'"):
            op = ops.OPS[kind[:-1]]
            return self._attempt(t, op, lambda: derivative_at(op, values[0]), values)
        op = ops.OPS[kind]
        return self._attempt(t, op, lambda: op.forward(*values), values)

    def _attempt(self, t, op, compute, values):
        try:
            return compute()
        except (ArithmeticError, ValueError) as err:
            operands = [_Operand(self, a, v) for a, v in zip(t.args, values)]
            raise FormulaError(f"{self.where}: the formula cannot be evaluated at position "
                               f"{t.pos} ({t.typed!r}): {op.error(err, operands)}") from None

    def named_factors(self):
        """The nodes the formula multiplies by as they are, ``x1`` in ``(f-y)·f·(1-f)·x1``
        (not those inside a function or a sum): each should be a local derivative."""
        return [self.nodes[f.value] for f in _factors(self.tree) if f.kind == "var"]

    # -- written back ------------------------------------------------------

    def reading(self, part=None):
        """How the formula (or ``part`` of its tree) was read: ``σ'(net4)·(...)``, names
        resolved, · explicit."""
        return self.rendered(part)[0]

    def rendered(self, part=None):
        """:meth:`reading` with its precedence, ``(text, precedence)``, to write it into
        another expression (:func:`autograd.notation.slope_at`)."""
        return _render(self.tree if part is None else part, TextNotation())

    def values(self):
        """``I = 1, w1 = 0.5, ...``: each name the formula uses, with its value."""
        return ", ".join(f"{name} = {node.data:.6g}" for name, node in self.nodes.items())

    def sentence(self, value):
        """``Your formula ... reads as ...; with x = 0.8, ..., it gives ...``."""
        typed = names.printable(" ".join(self.text.split()))     # one line, nothing acts
        parts = [f"Your formula {typed} reads as {self.reading()}"]
        if self.functions:
            parts.append(" (" + ", ".join(f"{typed} is {canonical}"
                                          for typed, canonical in self.functions.items()) + ")")
        parts.append(f"; with {self.values()}, it gives" if self.nodes else "; it gives")
        parts.append(f" {value:.12g}")
        if self.stated is not None:
            parts.append(f", the {self.stated} you wrote after it" if self.gives_stated(value)
                         else f", not the {self.stated} you wrote after it (the formula is what "
                              f"is checked)")
        return "".join(parts) + "."

    def gives_stated(self, value):
        """Whether ``value`` (what the formula gave) is the number written after it
        (``... = -0.0807``) at that number's digits; None when none was written."""
        if self.stated is None:
            return None
        return precision_for(read_number(self.stated), self.stated).agrees(value)

    def __repr__(self):
        return f"<Formula {self.text!r}>"


def _render(t, n):
    """The tree as (text, precedence) in notation n, functions as typed."""
    kind = t.kind
    if kind == "const":
        return t.typed, ATOM
    if kind == "var":
        return n.name(t.value), name_precedence(t.value)       # (my weight)·β₁
    if kind in ("add", "sub"):
        return n.terms(_signed(t, n))
    if kind == "mul":
        return _product([_render(f, n) for f in _factors(t)], n)
    if kind == "div":
        return n.frac(_render(t.args[0], n), _render(t.args[1], n))
    if kind == "neg":
        return n.neg(_render(t.args[0], n))
    if kind == "pow":
        return n.power(_render(t.args[0], n), _render(t.args[1], n))
    if kind == "abs" and t.typed == "|":
        return n.absolute(_render(t.args[0], n))
    if kind in ("gt", "ge", "eq"):
        a, b = (_render(x, n) for x in t.args)
        return n.compare(ops.OPS[kind].notation[1], a, b)
    if kind == "and":
        return n.both(*(_render(x, n) for x in t.args))
    if kind == "where" and t.typed == "if":
        return n.where(*(_render(x, n) for x in t.args))
    return n.call(t.typed, [_render(a, n) for a in t.args])


def _product(parts, n):
    """Factors joined by an explicit ·, so the reading shows every product the
    formula was read as (h·(1-h), I·w1)."""
    return n.times.join(n.paren(part, MUL_P) for part in parts), MUL_P


def _signed(t, n):
    """The terms of a chain a + b - c, with their signs (a parenthesised sum on the
    right stays one term: x-(h-w1))."""
    out = []
    while t.kind in ("add", "sub"):
        out.append((1 if t.kind == "add" else -1, _render(t.args[1], n)))
        t = t.args[0]
    out.append((1, _render(t, n)))
    return out[::-1]


def _factors(t):
    """The factors of a product, left to right, nested products flattened."""
    out, stack = [], [t]
    while stack:
        e = stack.pop()
        if e.kind == "mul":
            stack += [e.args[1], e.args[0]]
        else:
            out.append(e)
    return out


#: a number as written when its digits are not all of it: ≈0.00143, ~0.00143, 0.0014291...,
#: and in LaTeX $\approx 0.00143$, \sim 0.00143, 0.0014291\ldots (and = 0.00143, the end of
#: a line pasted without its left side)
#: (matched to the text stripped, with no two \s* side by side: linear in its length)
_APPROXIMATE = lazy(r"\$*\s*(?:(?:[=≈~≃]|\\approx|\\simeq|\\sim)\s*)?"
                    r"(?P<number>[^\s≈~≃…$\\][^\s…$\\]*?)(?:\s*(?:\.\.\.|…|\\ldots|\\dots))?"
                    r"\s*\$*")


#: scientific notation with a letter x for the times sign, as typed without ×: 1.43x10^-3;
#: or its e set apart by a space, 1.43 e-3 (a signed exponent: not the formula 1.43·e − 3)
_TIMES_TEN = lazy(rf"\s*(?P<mantissa>[+\-−]?{DECIMAL})\s*(?:[xX]\s*10\s*(?:\^|\*\*)"
                  r"\s*(?:[{(]\s*)?(?P<exponent>[+\-−]?\d+)(?:\s*[})])?|\s[eE](?P<signed>[+\-−]\d+))\s*")


def number_text(text):
    """The number ``text`` is, as typed (its digits kept), read as a formula is: ``0.2217``,
    ``$0.2217$``, ``\\(-8.16 \\times 10^{-3}\\)`` (as ``-8.16e-3``), ``nan``, ``-inf``, and
    ``≈0.00143`` or ``0.0014291...`` as their digits, ``1.43x10^-3`` as ``1.43e-3``; None for
    anything else (a formula, a name, text a formula cannot be)."""
    if not isinstance(text, str) or len(text) > LONGEST_TEXT or not text.strip():
        return None
    if is_number_text(text) or is_not_finite_text(text):   # (1e999 too: the caller says why)
        return text
    around = _APPROXIMATE.fullmatch(text.strip())
    if around and is_number_text(around.group("number")):
        return around.group("number")
    letter = _TIMES_TEN.fullmatch(text)
    if letter:
        return f"{letter.group('mantissa')}e{letter.group('exponent') or letter.group('signed')}"
    try:
        tree, stated = _Reader(text, [], "check").parse(0)
    except (FormulaError, names.NodeNameError):
        return None
    return _number_text(tree) if stated is None else None


def read_formula(text, root, where="check", wrt=None):
    """``text`` read over the graph of ``root``: a :class:`Formula`.

    A left-hand side (``dO/dw1 = ...``) must name ``root`` and, when given, ``wrt``.
    Raises :class:`FormulaError`, one line naming the token and its position (a
    :class:`FormulaNameError`, also a :class:`autograd.names.NodeNameError`, for a
    name no node or several nodes have).
    """
    if not isinstance(text, str):
        raise TypeError(f"{where}: a formula must be a str, got {type(text).__name__}")
    if len(text) > LONGEST_TEXT:
        raise FormulaError(f"{where}: the formula has {len(text):,} characters; at most "
                           f"{LONGEST_TEXT:,} are read (LONGEST_TEXT)")
    text = text.split(LATEX_WHERE, 1)[0]      # explain's LaTeX: its labels' definitions after
    if not text.isascii():                    # ŷ as y and U+0302 is the ŷ of a name (spelling)
        text = unicodedata.normalize("NFC", text)
    nodes = graph.all_nodes(root)
    reader = _Reader(text, nodes, where)
    if wrt is not None and (line := reader.statement_about(root, wrt)) is not None:
        text, reader = line, _Reader(line, nodes, where)
    if not text.strip():
        reader.fail(1, text, "the formula is empty")
    try:
        start = reader.left_side(root, wrt)
        tree, stated = reader.parse(start)
    except FormulaNameError:
        raise
    except names.NodeNameError as err:            # a name: both kinds of error
        raise FormulaNameError(str(err)) from None
    return Formula(text, tree, reader.found, reader.functions, where, reader.lhs, stated)

"""Node names: the one parser of the naming scheme, its three written forms,
and the one way to find a node by name.

The scheme is Nielsen's (the input layer is layer 1)::

    w{l}_{j}{k}    w^l_jk, weight into neuron j of layer l from neuron k of l-1
    w{l}_{j}_{k}   the same once j or k has two digits (w3_16_12)
    b{l}_{j}, z{l}_{j}, a{l}_{j}    bias, weighted input, activation of neuron j, layer l
    x{k}, y{j}     an input a^1_k, a target
    any letters + digits (w1, net2, h1), with primes (y')

A name may also carry the sample it belongs to in a batch, ``x1(2)`` or
``z2_1(2)``, written x₁⁽²⁾ and z²₁⁽²⁾ as the worked examples write it.

:func:`parse` reads a name once (:func:`spelling` says when two ways of
writing it, ``w1`` and ``w_1``, are the same name); :func:`text`, :func:`html` and
:func:`latex` write it (``w2_11`` -> ``w²₁₁``, ``w<SUP>2</SUP><SUB>11</SUB>``,
``w^{2}_{11}``).  :func:`find_node` looks a name up in a graph and raises
:class:`NodeNameError` (a KeyError and a ValueError) listing the names that
exist when there is no such node, or when two nodes share it.
"""

import html as _html
import re
import unicodedata

from .patterns import lazy

__all__ = ["Name", "parse", "spelling", "text", "html", "graphviz_html", "graphviz_caption",
           "latex", "find_node", "nodes_by_name", "NodeNameError", "with_sample", "printable",
           "LATEX_LAYER", "layer_suffix", "cut", "plain", "bare", "transposed", "JK",
           "meant_instead", "latex_unescaped", "written_as_latex", "LATEX_ESCAPE", "LATEX_LETTER",
           "LETTER_COMMANDS", "latex_letter",
           "LATEX_SAMPLED", "sampled_suffix", "SCRIPTED", "unscripted", "MATRIX_NAME",
           "matrix_entry", "SAMPLES_UNNUMBERED", "identifier"]


class Name:
    """A parsed name: ``base`` (letters), ``layer`` (a superscript) or None,
    ``index`` (the subscript: "11", "16,12") or None, ``primes`` and
    ``sample`` (the batch sample, a superscript in parentheses) or None."""

    __slots__ = ("base", "layer", "index", "primes", "sample")

    def __init__(self, base, layer=None, index=None, primes="", sample=None):
        self.base, self.layer, self.index = base, layer, index
        self.primes, self.sample = primes, sample

    @property
    def nielsen(self):
        """True for w^l_jk, b^l_j, z^l_j, a^l_j-style names (a layer and an index)."""
        return self.layer is not None

    def __repr__(self):
        return (f"Name({self.base!r}, layer={self.layer!r}, index={self.index!r}, "
                f"primes={self.primes!r}, sample={self.sample!r})")


# \Z, not $ (which also matches before a final newline: "x1\n" would be x₁), and
# ASCII digits only (\d would take "x١" for x₁)
# (compiled at import, as the few others every name read goes through; the rest are
# patterns.lazy)
_SAMPLE = re.compile(r"^(.*)\((\d+)\)\Z", re.ASCII)
_LAYERED = re.compile(r"^([A-Za-z]+)(\d+)_(\d+)(?:_(\d+))?('*)\Z", re.ASCII)
_SUBSCRIPTED = re.compile(r"^([A-Za-z]+)_?(\d+)('*)\Z", re.ASCII)
_PLAIN = re.compile(r"^([A-Za-z]+)('*)\Z", re.ASCII)


def parse(name):
    """The :class:`Name` of ``name``, or None when it follows no part of the scheme."""
    if not isinstance(name, str):
        return None
    sample = None
    found = _SAMPLE.match(name)
    if found:
        name, sample = found.group(1), found.group(2)
    found = _LAYERED.match(name)
    if found:
        base, layer, j, k, primes = found.groups()
        return Name(base, layer, j if k is None else f"{j},{k}", primes, sample)
    found = _SUBSCRIPTED.match(name)
    if found:
        base, index, primes = found.groups()
        return Name(base, None, index, primes, sample)
    found = _PLAIN.match(name)
    if found:
        return Name(found.group(1), None, None, found.group(2), sample)
    return None


#: a network's matrix: W2, b1, and as LaTeX subscripts it, W_2, W_{2} (whole names only:
#: fullmatch); group 1 its letter, 2 or 3 its number
MATRIX_NAME = re.compile(r"(W|b)_?(?:([0-9]+)|\{([0-9]+)\})", re.ASCII)
#: one entry of it as the matrix verdict tables print it, row and column from 1: W2[1,2]
_MATRIX_ENTRY = re.compile(rf"\s*({MATRIX_NAME.pattern})\s*\[\s*([0-9]+)\s*,\s*([0-9]+)\s*\]\s*",
                           re.ASCII)


def matrix_entry(name):
    """``("W2", 1, 2)`` for ``W2[1,2]`` (``W_2[1, 2]`` too), the label a matrix verdict's
    table prints for the entry in row 1, column 2 (counted from 1) of the network's matrix
    W2; None for any other name.  Which node that is depends on the network's layout
    (:func:`autograd.matrix_form.network_entry` finds it)."""
    found = _MATRIX_ENTRY.fullmatch(name) if isinstance(name, str) else None
    if found is None:
        return None
    return found.group(1), int(found.group(5)), int(found.group(6))


#: the combining marks (Unicode's blocks of them): the accents a letter takes, as in x̂
#: (x and U+0302) or a⃗ (a and U+20D7), a regex character class's inside
COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


def identifier(name):
    """``name`` as Python reads it when it is an identifier: ``ｘ`` (full-width) and ``𝑥``
    are the variable ``x``, as a script line ``ｘ = Value(2.0)`` stores it (Python
    normalises identifiers to NFKC); any other text (``w₁``, ``y'``) is itself."""
    if isinstance(name, str) and not name.isascii() and name.isidentifier():
        return unicodedata.normalize("NFKC", name)
    return name


def spelling(name):
    """What a name says, whichever way it is written: ``w1`` and ``w_1`` (as Desmos
    writes w₁) give the same, as do ``a^2_1`` and ``a2_1`` (a node named as LaTeX writes
    it) and ``w₁`` or ``β₁`` (a node named as printed) and ``w_1`` or ``β_1`` (as a
    formula reads them), and ``y_{out}`` and ``y_out``, and a letter with an accent
    precomposed (ŷ, U+0177) or as a letter and a combining mark (y, U+0302), which
    look the same (Unicode's NFC), and an identifier as Python reads it (``ｘ`` is ``x``:
    :func:`identifier`); a name outside the scheme is itself."""
    if isinstance(name, str) and not name.isascii():
        name = identifier(name)
        name = unicodedata.normalize("NFC", name)
    n = parse(name)
    if n is None and isinstance(name, str) and ("^" in name or "{" in name):
        flat = plain(name)
        n = parse(flat)
        if n is None and not any(c in flat for c in "^{}"):
            return (flat,)                    # y_{out} is y_out
    if n is None and isinstance(name, str) and SCRIPTED.search(name):
        spelled = SCRIPTED.sub(unscripted, name)
        n = parse(spelled)
        if n is None:
            return (spelled,)
    if n is None:
        return (name,)
    return (n.base, n.layer, n.index, n.primes, n.sample)


def bare(spelled):
    """The characters of a :func:`spelling` without its ``_``, ``,`` and sample, as a
    formula's run of letters holds them: the spelling of ``w3_11``, ``w³₁₁`` or
    ``w^{3}_{11}`` is ``w311``, of ``β₁`` or ``β_1`` is ``β1``."""
    if len(spelled) == 1:
        return str(spelled[0]).replace("_", "")
    base, layer, index, primes, _ = spelled
    return f"{base}{layer or ''}{(index or '').replace(',', '')}{primes}"


#: Nielsen's layer and index as LaTeX writes them after a name's letters, superscript
#: first: ``^{3}_{11}``, ``^2_1``, ``^{2}_{1}``, ``^{3}_{16,12}`` (as :func:`latex` writes
#: ``w3_11`` and ``w3_16_12``)
LATEX_LAYER = re.compile(r"\^\s*(?:\{\s*(\d+)\s*\}|(\d+))\s*_\s*(?:\{\s*(\d+(?:\s*,\s*\d+)?)\s*\}|(\d+))")
#: the same with a batch sample in the superscript, as :func:`latex` writes ``x1(2)`` and
#: ``w2_11(3)``: ``^{(2)}_{1}``, ``^{2,(3)}_{11}``
LATEX_SAMPLED = re.compile(r"\^\s*\{\s*(?:(\d+)\s*,\s*)?\(\s*(\d+)\s*\)\s*\}\s*_\s*"
                           r"(?:\{\s*(\d+(?:\s*,\s*\d+)?)\s*\}|(\d+))")


#: a name's printed digits, as a formula reads them: ``³₁₁`` in w³₁₁ (w3_11), ``₁`` in β₁ (β_1),
#: ``³₁₆,₁₂`` in w³₁₆,₁₂ (w3_16_12); from the first superscript of a run only, so that a
#: search over a long run of them with no subscript after is linear, not quadratic
SCRIPTED = re.compile("(?<![⁰¹²³⁴⁵⁶⁷⁸⁹])([⁰¹²³⁴⁵⁶⁷⁸⁹]*)([₀₁₂₃₄₅₆₇₈₉]+(?:,[₀₁₂₃₄₅₆₇₈₉]+)?)")


def unscripted(found):
    """A :data:`SCRIPTED` match as a formula reads it: ``³₁₁`` is ``3_11``, ``₁`` is ``_1``,
    ``³₁₆,₁₂`` is ``3_16_12``."""
    return f"{found.group(1).translate(FROM_SCRIPTS)}_{found.group(2).translate(_FROM_PRINTED)}"


def layer_suffix(found):
    """``3_11``, what a :data:`LATEX_LAYER` match of ``^{3}_{11}`` adds to a name's letters
    (``w`` and ``^{3}_{11}`` name ``w3_11``)."""
    index = re.sub(r"\s*,\s*", "_", found.group(3) or found.group(4))       # 16,12: 16_12
    return f"{found.group(1) or found.group(2)}_{index}"


def sampled_suffix(found):
    """``1(2)`` or ``2_11(3)``, what a :data:`LATEX_SAMPLED` match of ``^{(2)}_{1}`` or
    ``^{2,(3)}_{11}`` adds to a name's letters (``x1(2)``, ``w2_11(3)``)."""
    layer, sample = found.group(1), found.group(2)
    index = re.sub(r"\s*,\s*", "_", found.group(3) or found.group(4))
    return with_sample(f"{layer}_{index}" if layer else index, sample)


def with_sample(name, sample):
    """``x1`` for sample 2 -> ``x1(2)``."""
    return f"{name}({sample})"


#: the digits as a textbook raises and lowers them (w³₁₂), and back
SUPERSCRIPT_DIGITS, SUBSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹", "₀₁₂₃₄₅₆₇₈₉"
_SUPERSCRIPTS = str.maketrans("0123456789(),", SUPERSCRIPT_DIGITS + "⁽⁾'")
_SUBSCRIPTS = str.maketrans("0123456789,", SUBSCRIPT_DIGITS + ",")
#: raised or lowered digits and signs as plain ones: ⁻¹ -> -1, ₁₂ -> 12
FROM_SCRIPTS = str.maketrans(SUPERSCRIPT_DIGITS + SUBSCRIPT_DIGITS + "⁺⁻",
                             "0123456789" * 2 + "+-")


def superscript(n):
    """``3`` -> ``³``, ``(2)`` -> ``⁽²⁾``: a layer or a sample as printed."""
    return str(n).translate(_SUPERSCRIPTS)


def subscript(n):
    """``12`` -> ``₁₂``: a neuron's index as printed."""
    return str(n).translate(_SUBSCRIPTS)


def _typeset(n):
    """Whether the picture forms write this name's index as a subscript: Nielsen's
    names (w³₁₂) and the inputs and targets x₁, y₂.  Other names (the worked
    examples' w1, h1, net2) are drawn as their authors typed them."""
    return n.layer is not None or (n.base in ("x", "y") and n.index is not None)


#: a name as LaTeX writes it: letters or a command (``\\delta``), then scripts, each
#: ``^`` or ``_`` and one character or a braced group, then primes: ``w^1_{21}``,
#: ``\\delta^2_1``, ``a^{(2)}_1``, ``y_{out}``
_LATEX_WRITTEN = lazy(r"([A-Za-z]+|\\[A-Za-z]{1,10})((?:[\^_](?:\{[^{}\\^_]*\}|[^{}\\^_\s]))*)"
                      r"('*)\Z")
_LATEX_SCRIPT = lazy(r"([\^_])(?:\{([^{}\\^_]*)\}|([^{}\\^_\s]))")


def _greek(command):
    """``delta`` -> ``δ``, ``Delta`` -> ``Δ`` (Unicode's names for the letters), else None."""
    case = "CAPITAL" if command[0].isupper() else "SMALL"
    try:                                                   # Unicode spells λ LAMDA
        return unicodedata.lookup(f"GREEK {case} LETTER {command.upper().replace('LAMBDA', 'LAMDA')}")
    except KeyError:
        return None


#: a Greek letter's LaTeX command, or \\ell, as a name is typed in LaTeX (\\theta_1, \\ell)
_LETTERS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
            "rho sigma tau upsilon phi chi psi omega").split()
LETTER_COMMANDS = "|".join(["ell", *_LETTERS, *(letter.capitalize() for letter in _LETTERS)])
LATEX_LETTER = re.compile(rf"\\({LETTER_COMMANDS})(?![A-Za-z])")


def latex_letter(command):
    """``theta`` -> ``θ``, ``Delta`` -> ``Δ``, ``ell`` -> ``ℓ``: the letter a LaTeX command
    names (:data:`LATEX_LETTER`), else None."""
    return "ℓ" if command == "ell" else _greek(command) if command.lower() in _LETTERS else None


def _latex_written(name):
    """A name outside the scheme that LaTeX would typeset (``w^1_{21}``, ``\\delta^2_1``):
    (its letters or Greek command as typed, ``[("^" or "_", what is raised or lowered)]``,
    its primes), or None.  It must have a ``^`` or a brace, or start with a Greek
    letter's command (``\\delta``: δ).  A sample ``(2)`` after it is one more ``^``."""
    if not isinstance(name, str):
        return None
    sample = _SAMPLE.match(name)
    found = _LATEX_WRITTEN.match(sample.group(1) if sample else name)
    if found is None:
        return None
    base, scripts, primes = found.groups()
    if base.startswith("\\"):
        if _greek(base[1:]) is None:
            return None
    elif "^" not in scripts and "{" not in scripts:
        return None   # x_i, w_1: drawn as typed, as the scheme's w1 and w_1 are
    raised = [(s.group(1), s.group(2) if s.group(2) is not None else s.group(3))
              for s in _LATEX_SCRIPT.finditer(scripts)]
    return (base, raised + ([("^", f"({sample.group(2)})")] if sample else []), primes)


def written_as_latex(name):
    """Whether ``name`` is one symbol as LaTeX writes it, letters or a Greek letter's
    command and their scripts (``w^1_{21}``, ``a^{l-1}_1``, ``\\delta^2_1``): what its
    scripts hold (a minus, a space) is raised or lowered, no operator of the text."""
    return _latex_written(name) is not None


def _letters(base):
    """The letters of :func:`_latex_written`'s name: a Greek command as its letter."""
    return _greek(base[1:]) if base.startswith("\\") else base


def _latex_text(written, name):
    """:func:`_latex_written`'s name in Unicode, its scripts raised and lowered by
    :func:`superscript` and :func:`subscript`; ``name`` as typed when one holds
    something they cannot raise or lower (``y_{out}``)."""
    base, scripts, primes = written
    out = _letters(base)
    for sign, inner in scripts:
        table = _SUPERSCRIPTS if sign == "^" else _SUBSCRIPTS
        if not inner or any(ord(c) not in table for c in inner):
            return name
        out += superscript(inner) if sign == "^" else subscript(inner)
    return out + primes


def _latex_html(written):
    """:func:`_latex_written`'s name as Graphviz HTML: ``w<SUP>1</SUP><SUB>21</SUB>``."""
    base, scripts, primes = written
    tags = {"^": "SUP", "_": "SUB"}
    return graphviz_html(_letters(base)) + "".join(
        f"<{tags[sign]}>{graphviz_html(inner)}</{tags[sign]}>" for sign, inner in scripts) + \
        graphviz_html(primes)


def text(name):
    """The name in Unicode as a textbook prints it: ``w3_12`` -> ``w³₁₂``,
    ``x1(2)`` -> ``x₁⁽²⁾``, and a name written as LaTeX writes it as LaTeX sets it:
    ``w^1_{21}`` -> ``w¹₂₁``, ``\\delta^2_1`` -> ``δ²₁``.  Other names come back unchanged."""
    n = parse(name)
    if n is None:
        written = _latex_written(name)
        return name if written is None else _latex_text(written, name)
    if not (_typeset(n) or n.sample is not None):
        return name
    if not _typeset(n):
        return name[:name.rindex("(")] + f"({n.sample})".translate(_SUPERSCRIPTS)
    out = n.base
    if n.layer is not None:
        out += n.layer.translate(_SUPERSCRIPTS)
    if n.index is not None:
        out += n.index.translate(_SUBSCRIPTS)
    out += n.primes
    if n.sample is not None:
        out += f"({n.sample})".translate(_SUPERSCRIPTS)
    return out


def html(name):
    """The name as Graphviz HTML: ``w<SUP>3</SUP><SUB>12</SUB>`` (``w^3_{12}`` too, and any
    name written as LaTeX writes it: ``y_{out}`` -> ``y<SUB>out</SUB>``); other names escaped."""
    n = parse(name)
    if n is None:
        written = _latex_written(name)
        if written is not None:
            return _latex_html(written)
    if n is None or not (_typeset(n) or n.sample is not None):
        return graphviz_html(name)
    if not _typeset(n):
        return graphviz_html(name[:name.rindex("(")]) + f"<SUP>({n.sample})</SUP>"
    out = _html.escape(n.base)
    if n.layer is not None:
        out += f"<SUP>{n.layer}</SUP>"
    if n.index is not None:
        out += f"<SUB>{n.index}</SUB>"
    out += _html.escape(n.primes)
    if n.sample is not None:
        out += f"<SUP>({n.sample})</SUP>"
    return out


def graphviz_html(text):
    """``text`` as the text of a Graphviz HTML-like label (``<...>``): printable
    (:func:`printable`), HTML-escaped, and each backslash doubled, since dot reads
    ``\\N``, ``\\G`` and ``\\l`` in those labels too (after the entities, so
    ``&#92;N`` would not do): a name ``\\N`` is drawn as ``\\N``, not the node's id."""
    return _html.escape(printable(text)).replace("\\", "\\\\")


#: the most characters of a picture's title that it shows (dot refuses a quoted
#: string of more than 16,384 bytes: 1,000 characters stay below it made printable)
CAPTION_MOST = 1000


def cut(text, most):
    """``text`` of more than ``most`` characters cut there, ending in
    ``… (10,000 characters)``; shorter text as it is."""
    if len(text) <= most:
        return text
    return f"{text[:most]}… ({len(text):,} characters)"


def graphviz_caption(title):
    """A picture's ``title`` as its graph label (a quoted string): cut at
    :data:`CAPTION_MOST` characters, printable, and its backslashes and ``<...>``
    taken as text (``graphviz.escape``)."""
    import graphviz
    return graphviz.escape(printable(cut(str(title), CAPTION_MOST)))


#: what :func:`printable` replaces: the C0 and C1 controls and DEL, lone surrogates,
#: the non-characters U+FFFE and U+FFFF, and the characters a text shows nothing of or
#: that move the rest of it: Unicode's format characters (category Cf: the bidi
#: overrides and isolates U+202A-202E and U+2066-2069, zero-width spaces and joiners,
#: the BOM, soft hyphen, tags) and the line and paragraph separators U+2028/2029
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff"
    "\ufeff\ufff9-\ufffb\ufffe\uffff\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def printable(text, keep=""):
    """``text`` with what no page, picture, file or terminal line can hold made
    visible, so a name shows what it is made of and never acts on the text around
    it: a C0 control character as its picture (a newline -> ␊, ESC -> ␛, a tab -> ␉,
    DEL -> ␡), a C1 control, lone surrogate or non-character as �, and a format
    character or line separator (U+202E, U+200D, U+2028, ...) as ``<U+202E>``; the
    characters of ``keep`` (``"\\n"`` in a block of lines) stay.  Everything else,
    letters of any script (σ, w₁, y', 重み), stays as typed.  Every output that embeds
    a name writes it through this; lookups use the name itself."""
    return _UNPRINTABLE.sub(lambda found: _picture(found.group(), keep), text)


def _picture(char, keep):
    code = ord(char)
    if char in keep:
        return char
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if 0x80 <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return "\ufffd"
    return f"<U+{code:04X}>"


#: a gradient's name as :func:`autograd.higher.gradient_name` writes it, ``∂L/∂w1`` or
#: ``∂(∂L/∂w1)/∂w2`` (fullmatch, every character: a name ending in a newline is not one)
_GRADIENT = re.compile(r"∂(\(.+\)|[^/]+)/∂(.+)", re.DOTALL)


_LATEX_SPECIALS = {c: "\\" + c for c in "_#%&${}"}
_LATEX_SPECIALS.update({"\\": "\\backslash{}", "^": "\\hat{}", "~": "\\sim{}"})
_LATEX_SPECIAL = lazy("[" + re.escape("".join(_LATEX_SPECIALS)) + "]")


def latex(name):
    """The name in LaTeX: ``w2_11`` -> ``w^{2}_{11}``, ``net2`` -> ``\\mathit{net}_{2}``,
    ``x1(2)`` -> ``x_{1}^{(2)}``, a gradient's ``∂L/∂w1`` -> ``\\frac{\\partial L}{\\partial w_{1}}``;
    other names as ``\\mathrm{...}``."""
    gradient = _GRADIENT.fullmatch(name) if isinstance(name, str) else None
    if gradient:
        top, below = gradient.groups()
        if top.startswith("(") and top.endswith(")"):   # ∂(a/∂x, of an output "(a": no brackets
            top = f"\\left({latex(top[1:-1])}\\right)"
        else:
            top = latex(top)
        return f"\\frac{{\\partial {top}}}{{\\partial {latex(below)}}}"
    n = parse(name)
    written = _latex_written(name) if n is None else None
    if written is not None:
        return _latex_latex(written)
    if n is None:
        return f"\\mathrm{{{_latex_escaped(name).replace(' ', _LATEX_SPACE)}}}"
    base = n.base if len(n.base) == 1 else f"\\mathit{{{n.base}}}"
    sup = n.layer
    if n.sample is not None:
        sup = f"({n.sample})" if sup is None else f"{sup},({n.sample})"
    out = base
    if sup is not None:
        out += f"^{{{sup}}}"
    if n.index is not None:
        out += f"_{{{n.index}}}"
    return out + n.primes


def _latex_latex(written):
    """:func:`_latex_written`'s name in LaTeX, each script braced: ``w^{1}_{21}``,
    ``\\delta^{2}_{1}``, ``\\mathit{net}_{2}``, ``y_{out}``."""
    base, scripts, primes = written
    if not base.startswith("\\") and len(base) > 1:
        base = f"\\mathit{{{base}}}"
    out, used = base, set()
    for sign, inner in scripts:   # a second ^ (a sample's) after {}: a^{2}_{1}{}^{(3)}
        out += ("{}" if sign in used else "") + f"{sign}{{{_latex_escaped(inner)}}}"
        used.add(sign)
    return out + primes


def _latex_escaped(text):
    """``text`` printable, with LaTeX's special characters as LaTeX writes them."""
    return _LATEX_SPECIAL.sub(lambda c: _LATEX_SPECIALS[c.group()], printable(text))


#: a space in ``\\mathrm{...}``, which math mode would drop (``my weight`` set as "myweight")
_LATEX_SPACE = "\\ "
_LATEX_UNESCAPED = {written: c for c, written in _LATEX_SPECIALS.items()}
_LATEX_UNESCAPED[_LATEX_SPACE] = " "
#: an escaped character as :func:`latex` writes it in ``\\mathrm{...}``: ``\\_``, ``\\ ``,
#: ``\\backslash{}``
LATEX_ESCAPE = lazy("|".join(map(re.escape, sorted(_LATEX_UNESCAPED, key=len, reverse=True))))


def latex_unescaped(text):
    """The name :func:`latex` wrote in ``\\mathrm{...}``: ``my\\ weight`` -> ``my weight``,
    ``my\\_w`` -> ``my_w``, ``a\\backslash{}b`` -> ``a\\b``."""
    return LATEX_ESCAPE.sub(lambda c: _LATEX_UNESCAPED[c.group()], text)


# ---------------------------------------------------------------------------
# Finding a node by name
# ---------------------------------------------------------------------------

class NodeNameError(KeyError, ValueError):
    """No node has this name in the graph, or several do.  Both a KeyError and
    a ValueError; its message lists the names that exist."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def nodes_by_name(nodes):
    """name -> list of the nodes (in ``nodes``) that carry it."""
    found = {}
    for node in nodes:
        if node.name:
            found.setdefault(node.name, []).append(node)
    return found


#: the characters of one name an error message shows (the rest: "… (10,000 characters)")
LISTED_NAME = 80


def listed(name):
    """One name as an error message shows it: printable, cut at :data:`LISTED_NAME`."""
    return printable(cut(name, LISTED_NAME))


def listing(names, most=40):
    """``a, b, c`` (sorted; long lists end in ``... (N names)``), each name printable
    and cut (:func:`listed`), so an error that lists them stays one short line."""
    names = sorted(names)
    if not names:
        return "(none)"
    if len(names) > most:
        return ", ".join(map(listed, names[:most])) + f", ... ({len(names)} names)"
    return ", ".join(map(listed, names))


_PRINTED = lazy(r"([A-Za-z]+)([⁰¹²³⁴⁵⁶⁷⁸⁹]*)([₀₁₂₃₄₅₆₇₈₉,]+)('*)\Z")
_FROM_PRINTED = str.maketrans(SUPERSCRIPT_DIGITS + SUBSCRIPT_DIGITS + ",", "0123456789" * 2 + "_")


#: a layer written after the subscript, as a name: w_11^3, w_11^{3} (once w_{11} is w_11)
_SUBSCRIPT_FIRST = lazy(r"\A([A-Za-z]+)_(\d+)\^\s*\{?\s*(\d+)\s*\}?\Z")


def plain(name):
    """The node name a printed form spells, as the answers print it (:func:`text`,
    :func:`latex`): ``w³₁₂``, ``w^{3}_{12}``, ``w^3_12`` and ``w_{12}^{3}`` are ``w3_12``;
    ``w_{1}`` is ``w_1``.  Any other text comes back unchanged."""
    if not isinstance(name, str):
        return name
    out = LATEX_LAYER.sub(layer_suffix, LATEX_SAMPLED.sub(sampled_suffix, name))
    out = re.sub(r"_\{\s*(\w+)\s*\}", r"_\1", out)
    out = _SUBSCRIPT_FIRST.sub(r"\1\3_\2", out)                  # w_11^3: w3_11
    printed = _PRINTED.match(out)
    if printed:
        base, layer, index, primes = printed.groups()
        index = index.translate(_FROM_PRINTED)
        out = f"{base}{layer.translate(_FROM_PRINTED)}_{index}{primes}" if layer else \
            f"{base}{index}{primes}"
    return out


#: what j and k are, said wherever a weight's indices look swapped
JK = ("in Nielsen's w^l_jk, j is the neuron of layer l the weight leads into and k the neuron "
      "of layer l-1 it comes from")


def transposed(name):
    """Nielsen's weight with j and k swapped: ``w3_21`` -> ``w3_12``, ``w3_16_2`` ->
    ``w3_2_16``; None for any other name (a bias, ``w3_11``, ``w1``)."""
    n = parse(plain(name)) if isinstance(name, str) else None
    if n is None or n.layer is None or n.base != "w" or n.sample is not None:
        return None
    j, k = n.index.split(",") if "," in n.index else tuple(n.index) if len(n.index) == 2 \
        else (None, None)
    if j is None or j == k:
        return None
    return f"w{n.layer}_{k}{j}{n.primes}" if len(j) == len(k) == 1 else \
        f"w{n.layer}_{k}_{j}{n.primes}"


def meant_instead(found, name):
    """`` (did you mean w3_12? In Nielsen's w^l_jk, ...)`` when ``name`` is a weight no
    node of ``found`` (:func:`nodes_by_name`) has and its transposed one is, or the z
    whose grad a δ^l_j (or δ^l) typed for a node is; else ``""``."""
    delta = None
    if isinstance(name, str):
        spelled = spelling(name)
        delta = _DELTA.fullmatch(spelled[0] if len(spelled) == 1 else plain(name))
    if delta is not None:
        layer, j = delta.groups()
        zs = [f"z{layer}_{j}"] if j else sorted(k for k in found if str(k).startswith(f"z{layer}_"))
        zs = [z for z in zs if named(found, z)]
        if zs:
            return (f" (δ is not a node but the grad of a z: did you mean {', '.join(zs[:3])}"
                    f"{', ...' if len(zs) > 3 else ''}? δ^l_j = ∂C/∂z^l_j)")
        return ""
    swapped = transposed(name)
    if swapped is None or not named(found, swapped):
        return ""
    return f" (did you mean {swapped}? {JK[0].upper()}{JK[1:]})"


#: Nielsen's δ^l_j (δ²₁, δ^2_1, delta2_1, δ3 as spelling() or plain() reads them)
_DELTA = re.compile(r"(?:δ|delta)(\d+)(?:_(\d+))?")


def no_node_named(name, found, where, more=""):
    """The error for a name no node has: ``no node named 'W9' in the graph of C; named
    nodes: ...``, with :func:`meant_instead`'s hint and ``more`` (the network's matrices,
    :func:`autograd.matrix_form.matrices_note`)."""
    asked = (f"{name[:LISTED_NAME] + '…'!r} ({len(name):,} characters)"
             if isinstance(name, str) and len(name) > LISTED_NAME else repr(name))
    return (f"no node named {asked} in {where}{meant_instead(found, name)}; named nodes: "
            f"{listing(found)}{more}")


def named(found, name):
    """The nodes of ``found`` (:func:`nodes_by_name`) that ``name`` names, exactly, as
    the answers print it (``b_1`` is ``b1``: :func:`plain`) or as the steps and the
    errors show it (``a␉b`` for a tab, ``(my weight)``: :func:`printable`, bracketed
    where a name with a space is an operand); None when it names none."""
    matches = found.get(name)
    if not matches and isinstance(name, str):
        says = spelling(plain(name))
        spelled = [k for k in found if spelling(k) == says] or \
            [k for k in found if isinstance(k, str) and name in (printable(k), f"({printable(k)})")]
        matches = found[spelled[0]] if len(spelled) == 1 else None
    return matches or None


def find_node(nodes, name, where, more=None):
    """The one node of ``nodes`` called ``name`` (or spelled so as the answers print
    it: ``w³₁₂``, ``w^{3}_{12}``, ``w_1``; see :func:`plain`).

    ``where`` starts the message (``"explain"``), ``more()`` ends it (the network's
    matrices).  Raises :class:`NodeNameError` when no node or more than one node has
    the name.
    """
    found = nodes_by_name(nodes)
    matches = named(found, name)
    if not matches:
        hint = "" if found else ("; autograd.name_variables(globals()) names the nodes "
                                 "after the variables that hold them")
        raise NodeNameError(f"{where}: "
                            f"{no_node_named(name, found, 'this graph', more() if more else '')}"
                            f"{hint}")
    if len(matches) > 1:
        n = parse(matches[0].name)
        how = (f": {SAMPLES_UNNUMBERED}" if n is not None and n.layer is not None and
               n.sample is None and n.base not in ("w", "b") else
               "; pass the Value itself or give the nodes different names")
        raise NodeNameError(
            f"{where}: {len(matches)} nodes are named {name!r} in this graph, so the name "
            f"does not say which one{how} (named nodes: {listing(found)})")
    return matches[0]


#: why a network's z and a nodes (Nielsen's names, no sample) share their names, and what
#: names them apart: micrograd's loop [net(x) for x in xs] runs one forward pass per call
SAMPLES_UNNUMBERED = ("the samples ran as net(x) without their numbers; run them with "
                      "net.batch(X) (or net(x, sample=i)) so that each sample's nodes are "
                      "named apart")

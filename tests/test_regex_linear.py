"""The regular expressions rewritten to run in linear time match what they matched before.

Each pattern that reads pasted text and had two quantified parts able to take the same
characters (``\\d+\\.?\\d*``, ``\\s*&?\\s*``, ``\\s*(...)?\\s*``) was rewritten so that no
two can; a long run of digits or spaces then costs its length, not its square or cube.
Oracle: the pattern as it was, kept here as text, run on the project's own examples (every
string literal of the tests and every line of the docs) and on a few thousand seeded random
texts from the pattern's alphabet; old and new give the same match (span, groups), the
same findall and the same substitution.  (Nothing here is timed.)
"""

import ast
import pathlib
import random
import re

import pytest

from autograd import formula, matrix_form, matrix_formula, names, precision

ROOT = pathlib.Path(__file__).resolve().parent.parent

_D, _NAME, _IS = formula._D, formula._NAME, formula._IS
_TRANSPOSE, _ten_to = matrix_form._TRANSPOSE, matrix_form._ten_to

#: the patterns as they were, verbatim
OLD_DECIMAL = r"(?:\d+\.?\d*|\.\d+)"
OLD_SPACED_SCIENTIFIC = (r"[+\-−]?(?:\d+\.?\d*|\.\d+)(?:\s*(?:[xX×·⋅*]|\\times|\\cdot)\s*10\s*"
                         r"(?:(?:\^|\*\*)\s*(?:\{\s*[+\-−]?\s*\d+\s*\}|\(\s*[+\-−]?\s*\d+\s*\)|[+\-−]?\d+)"
                         r"|[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[\-−]\d+)|\s+[eE][+\-−]\d+)(?![^\s\[\],;])")
OLD_ENTRY = r"[+\-−]?(?:\d+\.?\d*|\.\d+)(?:[eE][+\-−]?\d+)?"
OLD = {
    "precision._NUMBER": r"^\s*[+\-−]?(\d+\.?\d*|\.\d+)([eE][+\-−]?\d+)?\s*$",
    "formula._NUMBER": r"(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?",
    "formula._ENDS_IN_NUMBER": r"(?:^|[^\w.'])(?:\d+\.?\d*|\.\d+)\s*$",
    "formula._TIMES_TEN": (r"\s*(?P<mantissa>[+\-−]?(?:\d+\.?\d*|\.\d+))\s*(?:[xX]\s*10\s*(?:\^|\*\*)"
                           r"\s*[{(]?\s*(?P<exponent>[+\-−]?\d+)\s*[})]?|\s[eE](?P<signed>[+\-−]\d+))\s*"),
    "formula._LHS": (rf"\s*(?:{_D}(?P<a>{_NAME})?\s*/\s*{_D}(?P<b>{_NAME})"
                     rf"|\\[dt]?frac\s*\{{\s*{_D}(?P<c>{_NAME})?\s*\}}\s*\{{\s*{_D}(?P<d>{_NAME})\s*\}})"
                     rf"\s*&?\s*{_IS}"),
    "formula._FRAC_EQUALS": rf"\s*&?\s*{_IS}",
    "formula._NABLA": (rf"\s*(?:∇|\\nabla(?![A-Za-z]))\s*_\s*(?:\{{\s*(?P<below>{_NAME})\s*\}}|"
                       rf"(?P<letter>[^\W\d]))\s*(?P<top>{_NAME})?\s*&?\s*{_IS}"),
    "formula._LAGRANGE": (r"\s*(?P<f>\\?[^\W\d][\w]*)\s*(?:'|\^\s*\{?\s*\\prime\s*\}?)\s*"
                          r"[({]\s*(?P<b>[^\W\d][\w{}^]*)\s*[)}]\s*&?\s*$"),
    "formula._INDICATOR": (r"\s*\{\s*[1I]\s*\}\s*_?\s*(?=(?:\\left\s*)?(?:[(\[{]|\\\{)[^()\[\]{}]*?"
                           r"(?:[<>≤≥]|\\[lg]eq?(?![A-Za-z])|\\[lg]t(?![A-Za-z])))"),
    "matrix_form._CELL": rf"\s*(\[|\]|,|;|{OLD_SPACED_SCIENTIFIC}|[^\s\[\],;]+(?:\s+\\?%)?)",
    "matrix_form._LOST_EXPONENT": (r"\s*(?P<mantissa>[+\-−]?(?:\d+\.?\d*|\.\d+))\s*(?:[xX×·⋅*]|\\times|"
                                   r"\\cdot)\s*10(?P<exponent>[\-−]\d+)\s*"),
    "matrix_form._BARE_LIST": rf"\s*{OLD_ENTRY}(?:\s*,\s*{OLD_ENTRY})+\s*",
    "matrix_form._BEFORE_LATEX_MATRIX": (r"\s*(?:\$\$?|\\[\[(])?(?:[^=$]*=)?\s*"
                                         rf"(?:{_ten_to('before')}\s*(?:\\times|\\cdot|×|·)?\s*)?"
                                         r"(?:\\left\s*[\[(.])?\s*"),
    "matrix_form._AFTER_LATEX_MATRIX": (rf"\s*(?:\\right\s*[\]).])?\s*(?P<turned>{_TRANSPOSE})?\s*"
                                        rf"(?:(?:\\times|\\cdot|×|·)\s*{_ten_to('after')}\s*)?"
                                        r"[.,]?\s*(?:\$\$?|\\[\])])?\s*"),
    "matrix_formula._TOKEN": matrix_formula._TOKEN.pattern.replace(
        precision.DECIMAL, OLD_DECIMAL),      # (the one part rewritten: checked below)
    "matrix_formula.indicator rule": (r"(?:\\mathbb\s*\{\s*1\s*\}|𝟙)\s*_?(?=\s*[\[{][^\[\]{}]*"
                                      r"(?:[<>≥≤]|\\[gl]))"),
    "names.SCRIPTED": "([⁰¹²³⁴⁵⁶⁷⁸⁹]*)([₀₁₂₃₄₅₆₇₈₉]+(?:,[₀₁₂₃₄₅₆₇₈₉]+)?)",
}


def _indicator_rule():
    (rule,) = [p for p, _ in matrix_formula._LATEX_RULES if "mathbb" in p.pattern and "(?=" in p.pattern]
    return rule


def new_pattern(key):
    if key == "matrix_formula.indicator rule":
        return _indicator_rule()
    module, name = key.split(".")
    found = getattr({"precision": precision, "formula": formula, "matrix_form": matrix_form,
                     "matrix_formula": matrix_formula, "names": names}[module], name)
    return re.compile(found.pattern, found.flags & ~re.UNICODE)


#: how the code calls each: "match@" at every position, "fullmatch", "search", "search<"
#: (the text up to each position: the new pattern searched in place, the old one in a copy),
#: "findall" (of the stripped text, as matrix_form does), "sub"
USES = {
    "precision._NUMBER": ["match"],
    "formula._NUMBER": ["match@", "fullmatch"],
    "formula._ENDS_IN_NUMBER": ["search", "search<"],
    "formula._TIMES_TEN": ["fullmatch"],
    "formula._LHS": ["match@"],
    "formula._FRAC_EQUALS": ["match@"],
    "formula._NABLA": ["match@"],
    "formula._LAGRANGE": ["match@"],
    "formula._INDICATOR": ["match@"],
    "matrix_form._CELL": ["findall"],
    "matrix_form._LOST_EXPONENT": ["fullmatch"],
    "matrix_form._BARE_LIST": ["fullmatch"],
    "matrix_form._BEFORE_LATEX_MATRIX": ["fullmatch"],
    "matrix_form._AFTER_LATEX_MATRIX": ["fullmatch"],
    "matrix_formula._TOKEN": ["match@", "fullmatch"],
    "matrix_formula.indicator rule": ["sub"],
    "names.SCRIPTED": ["search", "sub", "match@"],
}

#: the pieces random texts are made of, per pattern
_NUMBERS = ["1", "0", "12", ".", "5", "e", "E", "-", "+", "−", " ", "x", "%", "\n"]
_SPACES = [" ", " ", "\t", "\n", "&", "="]
_LHS_PIECES = ["∂", "d", "/", "L", "w", "1", "_", "{", "}", "\\partial", "\\frac", "\\dfrac", "^",
               "2", "(", ")", "\\,", "\\mathrm{", "\\left(", "\\right)", "my w", "≈", "\\approx",
               "'", "\\theta", "∇", "\\nabla", "x", "σ", "\\sigma", "\\prime", "\\mathbb", "1",
               "I", "[", "]", ">", "<", "\\geq", "\\gt"] + _SPACES
_MATRIX_PIECES = ["1", "0.5", ".", "-", "e", "e-3", " ", " ", ",", ";", "[", "]", "x", "×", "·",
                  "\\times", "\\cdot", "10", "^", "{", "}", "(", ")", "⁻³", "**", "%", "\\%", "$",
                  "$$", "\\[", "\\]", "\\(", "\\)", "=", "\\frac{\\partial C}{\\partial W_2}",
                  "\\left", "\\right", "T", "\\top", "ᵀ", "\\intercal", "-3", "\n", "\t", "np."]
_TOKEN_PIECES = ["1", "2.5", ".", "e", "-3", " ", "A1", "W2", ".T", "^", "T", "{", "}", "@", "*",
                 "σ'", "(", ")", "np.", "sum", "\\mathbb", "𝟙", "_", "[", "]", ">", "0", "\\gt",
                 "\\leq", "\n", "\t", "#", "⁻¹", "²", "δ", "Z", "d"]
_SCRIPT_PIECES = ["w", "x", "β", "³", "²", "¹", "₁", "₂", "₁₁", ",", "_", "1", " ", "'"]
ALPHABET = {
    "precision._NUMBER": _NUMBERS, "formula._NUMBER": _NUMBERS, "formula._ENDS_IN_NUMBER": _NUMBERS + ["'", "a"],
    "formula._TIMES_TEN": _NUMBERS + ["10", "^", "**", "{", "}", "(", ")", "X", " e-3", " e+1"],
    "formula._LHS": _LHS_PIECES, "formula._FRAC_EQUALS": _LHS_PIECES, "formula._NABLA": _LHS_PIECES,
    "formula._LAGRANGE": _LHS_PIECES, "formula._INDICATOR": _LHS_PIECES,
    "matrix_form._CELL": _MATRIX_PIECES, "matrix_form._LOST_EXPONENT": _MATRIX_PIECES,
    "matrix_form._BARE_LIST": _MATRIX_PIECES, "matrix_form._BEFORE_LATEX_MATRIX": _MATRIX_PIECES,
    "matrix_form._AFTER_LATEX_MATRIX": _MATRIX_PIECES,
    "matrix_formula._TOKEN": _TOKEN_PIECES, "matrix_formula.indicator rule": _TOKEN_PIECES,
    "names.SCRIPTED": _SCRIPT_PIECES,
}
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
#: texts each pattern is written for, which random edits turn into near misses
_NUMBER_SEEDS = ["1.5e-3", "  -.5 ", "12.", "0.143%", "−4E+2", "3 "]
SEEDS = {
    "precision._NUMBER": _NUMBER_SEEDS, "formula._NUMBER": _NUMBER_SEEDS,
    "formula._ENDS_IN_NUMBER": ["x 0.143 ", "(12.", "a'1", "w.5"],
    "formula._TIMES_TEN": ["1.43x10^-3", "1.43 e-3", "2 X 10**{ -3 }", "1x10^(4)", " -.5x10^ {+2} "],
    "formula._LHS": ["∂L/∂w1 =", "dO/dw_1 &=", r"\frac{\partial L}{\partial w_1} =",
                     r"\frac{\partial}{\partial w} \approx", "∂ /∂x=", r"\partial\,L/\partial w=",
                     "∂(my loss)/∂(my w) ≈"],
    "formula._FRAC_EQUALS": [" = ", "&=", r" \approx", " & ≈"],
    "formula._NABLA": ["∇_w L =", r"\nabla_{w_1} L &= ", "∇_w =", r"\nabla _ { w } L \approx"],
    "formula._LAGRANGE": ["σ'(z) ", r"\sigma^{\prime}(z)&", "f'(x)", r"\sigma^\prime (z) ", "s ' { z }"],
    "formula._INDICATOR": ["{1}[z > 0]", "{1}_{z>0}", r"{ I }_ \left( x \geq 0", r"{1}\{z \gt 0\}"],
    "matrix_form._CELL": ["[1 x 10^{ - 3}, 2e-3; 4.03 × 10⁻³]", "[0.4 %, 1 e-3]", "[[1, 2], [3 4]]"],
    "matrix_form._LOST_EXPONENT": ["1.43 × 10-3", "1.43x10-3", r"-2.5 \times 10−4 ", ".5*10-2"],
    "matrix_form._BARE_LIST": ["0.1, 0.2", "1e-3 , -2 ,3.", " .5,6 "],
    "matrix_form._BEFORE_LATEX_MATRIX": ["$$", r"\[ \frac{\partial C}{\partial W_2} = ",
                                         r"10^{-3} \times \left[", r"x = 10^3 · \left(", r"$ A = \left."],
    "matrix_form._AFTER_LATEX_MATRIX": [r"\right]^T", r"\right) ^{\top} \times 10^{-3} .$$", r" ᵀ , \]",
                                        r"\right. \cdot 10^2"],
    "matrix_formula._TOKEN": ["A1.T @ (σ'(Z1) * W2^{T}) # c", "np.sum(dZ2, 1.5e-3)", "W_{2}^{ 3} ⁻¹"],
    "matrix_formula.indicator rule": [r"\mathbb{1} _ [Z1 > 0]", r"𝟙 {z \gt 0}", r"\mathbb { 1 }_{z>0}"],
    "names.SCRIPTED": ["w³₁₁", "w³₁₆,₁₂ x₁ ²³", "β₁"],
}


def project_texts():
    """Every string literal of the tests and every line of the docs and the README."""
    texts = set()
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= 400:
                texts.add(node.value)
    for path in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            texts.add(line)
            texts.update(re.findall(r"`([^`]+)`", line))
    return sorted(texts)


def random_texts(key, seed, count=3000):
    """``count`` texts: half of pieces put together, half a seed text edited 1-4 times (a
    piece put in, a character taken out, a run of spaces made longer)."""
    rng, pieces, seeds = random.Random(seed), ALPHABET[key], SEEDS[key]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(count // 2)]
    for _ in range(count - len(texts)):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 4)):
            i, edit = rng.randint(0, len(text)), rng.random()
            if edit < 0.5:
                text = text[:i] + rng.choice(pieces) + text[i:]
            elif edit < 0.75:
                text = text[:i] + text[i + 1:]
            else:
                text = text[:i] + " " * rng.randint(1, 3) + text[i:]
        texts.append(text)
    return texts


def _shown(found):
    return None if found is None else (found.span(), found.groups(), found.groupdict())


def _replacement(key):
    return names.unscripted if key == "names.SCRIPTED" else " "


def outcomes(pattern, key, text, new=True):
    """What the code's calls of ``pattern`` (the ``new`` one, or the old) give on ``text``."""
    out = []
    for use in USES[key]:
        if use == "search<":
            out.append([_shown(pattern.search(text, 0, i)) if new else _shown(pattern.search(text[:i]))
                        for i in range(len(text) + 1)])
        elif use == "match@":
            out.append([_shown(pattern.match(text, i)) for i in range(len(text) + 1)
                        if key != "names.SCRIPTED" or i == 0 or text[i - 1] not in SUPERSCRIPTS])
        elif use == "findall":
            out.append(pattern.findall(text.strip()))
        elif use == "sub":
            out.append(pattern.sub(_replacement(key), text))
        else:
            out.append(_shown(getattr(pattern, use)(text)))
    return out


@pytest.fixture(scope="module")
def corpus():
    return project_texts()


@pytest.mark.parametrize("key", sorted(OLD))
def test_a_rewritten_pattern_matches_as_the_old_one_did(key, corpus):
    """Old (kept above as text) and new agree on the project's own texts and on 3,000 random
    texts from the pattern's pieces (seeded)."""
    old, new = re.compile(OLD[key], new_pattern(key).flags & ~re.UNICODE), new_pattern(key)
    assert old.pattern != new.pattern, "the pattern was rewritten"
    texts = corpus + SEEDS[key] + random_texts(key, seed=sorted(OLD).index(key))
    for text in texts:
        if {"match@", "search<"} & set(USES[key]) and len(text) > 200:
            continue
        assert outcomes(new, key, text) == outcomes(old, key, text, new=False), (key, text)


def test_the_rewritten_number_pattern_is_the_old_one_on_numbers_as_typed():
    """DECIMAL reads the same digits as \\d+\\.?\\d*|\\.\\d+ (oracle: the old pattern) on every
    short text of digits, points and one letter: the spans of a match at each position."""
    old, new = re.compile(OLD_DECIMAL), re.compile(precision.DECIMAL)
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice("0123.. x") for _ in range(rng.randint(0, 9)))
        for i in range(len(text) + 1):
            assert _shown(new.match(text, i)) == _shown(old.match(text, i)), text
            assert _shown(new.fullmatch(text, i)) == _shown(old.fullmatch(text, i)), text

"""Check a hand-derived gradient: the verdict a learner reads.

:func:`check` compares a value of ∂root/∂wrt that a person derived with the
engine's gradient and with a central finite difference, and when it is wrong
names the smallest mistake that reproduces it.  The value can be

* a number typed as text, ``"0.00142919"``: it agrees when the engine's
  gradient rounds (or is cut) to it at the digits typed;
* a formula typed as text, ``"x*h*(1-h)*w2*y'*(1-y')*(y'-y)"``, over the
  graph's node names (:mod:`autograd.formula`);
* a float, or a function of no arguments returning one: full precision
  unless ``digits=`` says how many digits it has.

The pieces live in their own modules: :mod:`autograd.precision` (the one place
a tolerance is decided), :mod:`autograd.differences` (finite differences with
their own error, and gradcheck), :mod:`autograd.diagnosis` (what was left out)
and :mod:`autograd.formula`.  Their public names are importable from here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import SupportsFloat

from .diagnosis import MOST_FACTORS, SEARCH_BUDGET, Diagnosis, diagnose, sum_terms, term_kind
from .differences import (
    Estimate, GradcheckEntry, GradcheckError, GradcheckReport, downstream, estimate,
    finite_difference, gradcheck, reevaluate,
)
from .explain import DEFAULT_LIMIT, Explanation, explain
from .formula import Formula, FormulaError, read_formula
from .ops import OPS
from .precision import Precision, is_number_text, precision_for, read_number, typed_precision
from .value import Value, as_float
from .notation import number

__all__ = ["check", "Verdict", "Diagnosis", "diagnose", "finite_difference", "estimate",
           "Estimate", "FORWARD", "gradcheck", "GradcheckReport", "GradcheckError",
           "GradcheckEntry", "Formula", "FormulaError", "read_formula", "Precision",
           "precision_for", "typed_precision", "downstream", "reevaluate", "sum_terms",
           "term_kind", "SEARCH_BUDGET", "MOST_FACTORS"]

#: op name -> its forward on floats (from the op records; what re-evaluation calls)
FORWARD = {name: op.forward for name, op in OPS.items() if not op.is_leaf}

#: the phrases a verdict uses for the finite difference's two answers; a verdict
#: never holds both
BACKS_THE_ENGINE = "which backs the engine"
SUSPECT_A_RULE = "suspect a derivative rule"


class Verdict:
    """The result of :func:`check`.  ``bool(verdict)`` is whether it agreed.

    agreed, expected (the number, at the digits given), engine, ratio (expected/engine)
    precision          the :class:`autograd.precision.Precision` it was judged at;
                       digits, rtol, atol read from it (None where they do not apply)
    tolerance          the largest difference that agrees
    formula            the :class:`autograd.formula.Formula` typed, or None;
                       formula_value: what it evaluated to
    finite_difference, fd_error, step   the central difference D(h), its own error, h
    fd_agrees          the engine lies within the finite difference's error
    expected_matches_fd   the value given lies within it (widened by its precision)
    convention         "This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁: ..." when the value is another
                       parameter's gradient (a naming mistake), else None
    diagnosis          what the value left out (None when it agreed, or when at
                       the digits given no mistake can be told from the gradient)
    explanation        the chain-rule paths (:func:`autograd.explain.explain`)
    """

    agreed: bool
    expected: float
    engine: float
    ratio: float
    precision: Precision
    tolerance: float
    formula: Formula | None
    formula_value: float | None
    finite_difference: float
    fd_error: float
    step: float
    fd_note: str | None
    fd_finite: bool
    fd_agrees: bool
    expected_matches_fd: bool
    diagnosis: Diagnosis | None
    explanation: Explanation
    convention: str | None = None

    def __init__(self, **fields):
        self.__dict__.update(fields)

    @property
    def digits(self) -> int | None:
        return self.precision.digits if self.precision.mode == "typed" else None

    @property
    def rtol(self) -> float | None:
        return self.precision.rtol

    @property
    def atol(self) -> float | None:
        return self.precision.atol

    def __bool__(self) -> bool:
        return self.agreed

    def __str__(self):
        return self.text()

    def text(self, next_step: str | None = None) -> str:
        """The verdict as a learner reads it: the headline (outcome and finding in
        one sentence), then the evidence (the engine's value, the finite
        difference, what was left out), then what to do next.  ``next_step`` is
        how to list the paths where the verdict is read (the ``chainrule``
        command prints a command; the default is the Python call)."""
        lines = [self.headline(), " ".join(self._evidence())]
        if not self.agreed:
            how = next_step or "print(verdict.explanation)"
            advice = (f"Next: {how} lists every path with its local derivatives, to "
                      f"compare with your derivation line by line.")
            ends = (self.explanation.root, self.explanation.wrt)
            if next_step is None and not all(node.name for node in ends):
                # from Python: the script's own variable names are one call away
                advice += (" autograd.name_variables(globals()) first names the unnamed "
                           "nodes after the variables that hold them.")
            lines.append(advice)
        return "\n".join(lines)

    def headline(self) -> str:
        """The outcome and the finding in one sentence: ``Agrees to the 4 significant
        digits you gave.``, ``Disagrees: your formula leaves out w4·w2 on path 1.``"""
        p = self.precision
        if self.agreed:
            if p.mode == "typed":
                return f"Agrees to {p.describe()}."
            return f"Agrees with the engine's {number(self.engine, 12)} ({p.describe()})."
        if self.convention:
            return self.convention      # another parameter's gradient: the naming mistake first
        given = "your formula" if self.formula is not None else "your value"
        if self.blames_a_rule:
            return (f"Disagrees with the engine, but {given} is the finite difference's: "
                    f"{SUSPECT_A_RULE}.")
        if self.diagnosis is not None and self.diagnosis.kind is not None:
            return f"Disagrees: {self.diagnosis.finding.replace('your value', given, 1)}."
        hint = p.hint(self.engine)
        if hint:
            return (f"Disagrees at full precision, but agrees to the {hint} significant "
                    f"digits {repr(self.expected)} has.")
        engine = p.shown(self.engine) if p.mode == "typed" else number(self.engine, 12)
        if self.diagnosis is not None:
            return f"Disagrees: the engine gives {engine}, and no small mistake reproduces {given}."
        return f"Disagrees: the engine gives {engine}."

    def _evidence(self):
        sentences = []
        if self.formula is not None:
            sentences.append(self.formula.sentence(self.formula_value))
        sentences.append(self._head())
        sentences.append(self._fd_sentence())
        if not self.agreed:
            hint = self.precision.hint(self.engine)
            if hint:
                sentences.append(
                    f"To the {hint} significant digits {repr(self.expected)} has, the engine's "
                    f"value is the same: pass digits={hint} (or the number as text) if those "
                    f"are the digits you have.")
            if self.blames_a_rule:
                sentences.append(f"Your value matches the finite difference, not the engine: "
                                 f"{SUSPECT_A_RULE}, not your derivation.")
            if self.diagnosis is not None and not self.convention:
                sentences.append(self.diagnosis.message)   # the convention already says what it is
        return sentences

    @property
    def blames_a_rule(self):
        """The engine and the finite difference disagree beyond the difference's own
        error, and the value given is the finite difference's."""
        return (not self.agreed and self.fd_finite and not self.fd_agrees
                and self.expected_matches_fd)

    def _given(self):
        d = self.explanation.derivative
        if self.precision.mode == "typed":
            return f"Your {d} = {self.precision.text}"
        return f"Your {d} = {number(self.expected, 12)}"

    def _engine_text(self):
        """The engine's gradient as the verdict prints it: 12 significant digits,
        unless what the verdict says of the typed digits would not hold for that
        printout (the engine's -0.09999999999999998 begins with -0.09999999; its
        12-digit -0.1 does not): then the shortest decimal that reads back as it."""
        p, engine = self.precision, self.engine
        text = number(engine, 12)
        if p.mode != "typed" or not math.isfinite(engine):
            return text
        printed = float(text)
        if printed == engine:
            return text
        if p.agrees(printed) != self.agreed or p.shown(printed) != p.shown(engine) or (
                self.agreed and p.how_agrees(printed) != p.how_agrees(engine)):
            return repr(engine)
        return text

    def _ratio_text(self):
        """expected/engine to 6 digits, or as many more as it takes not to read as
        exactly 1 when it is not (-0.10000001 against -0.09999999999999998: 1.0000001)."""
        ratio = self.ratio
        digits = 6
        while digits < 17 and ratio != 1.0 and number(ratio, digits) == "1":
            digits += 1
        return number(ratio, digits)

    def _head(self):
        p, engine = self.precision, self.engine
        shown = self._engine_text()
        if p.mode == "typed":
            if self.agreed:
                return (f"{self._given()} agrees to {p.describe()}: the engine's "
                        f"{shown} {p.how_agrees(engine)}.")
            return (f"{self._given()} does not agree with the engine's {shown}, "
                    f"which is "
                    f"{p.shown(engine)} to {p.describe()}; the ratio expected/engine is "
                    f"{self._ratio_text()}.")
        tol = p.describe()
        if self.agreed:
            return (f"{self._given()} agrees with the engine's {shown} "
                    f"(ratio {number(self.ratio, 12)}; {tol}).")
        return (f"{self._given()} does not agree with the engine's {shown}: "
                f"the ratio "
                f"expected/engine is {self._ratio_text()} ({tol}).")

    def _fd_sentence(self):
        if not self.fd_finite:
            return f"No finite-difference estimate: {self.fd_note}."
        fd = (f"Nudging {self.explanation.name_of(self.explanation.wrt)} by ±{number(self.step, 2)} (a central "
              f"finite difference) gives {number(self.finite_difference, 10)} ± "
              f"{number(self.fd_error, 1)}")
        if self.fd_agrees:
            return f"{fd}, {BACKS_THE_ENGINE}."
        return (f"{fd}, which does NOT agree with the engine's {number(self.engine, 10)}: "
                f"they differ "
                f"by more than the difference's own error, so a derivative rule may be wrong, "
                f"or the function has a kink at this point.")

    def _repr_html_(self):
        """Jupyter: agrees / does not agree, then the verdict's sentences."""
        from .notebook import verdict_html
        return verdict_html(self)

    def __repr__(self):
        return (f"<Verdict {'agreed' if self.agreed else 'disagreed'}: expected "
                f"{self.expected!r}, engine {self.engine!r}>")


def _ratio(a, b):
    if b != 0.0:
        return a / b
    return math.nan if a == 0.0 else math.copysign(math.inf, a)


#: 0,7 or -1,25e-3: a number typed with a decimal comma (never a formula)
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$")


def with_decimal_point(text):
    """``0,7`` -> ``"0.7"``: a number typed with a decimal comma, as a dot; else None."""
    if not _DECIMAL_COMMA.match(text):
        return None
    return text.strip().replace(",", ".")


def _read_expected(root, expected, digits, rtol, atol, wrt=None):
    """(value, Precision, Formula or None) for what the person gave."""
    if isinstance(expected, str):
        if is_number_text(expected):
            value = read_number(expected)
            return value, precision_for(value, expected, digits=digits, rtol=rtol, atol=atol), None
        point = with_decimal_point(expected)
        if point is not None:
            raise ValueError(f"check: {expected.strip()!r} is written with a decimal comma; "
                             f"write the decimal point as a dot: {point}")
        formula = read_formula(expected, root, wrt=wrt)   # a left side dO/dw1 = must match
        value = formula.evaluate()
        return value, precision_for(value, digits=digits, rtol=rtol, atol=atol), formula
    if isinstance(expected, Decimal):
        text = str(expected)
        value = read_number(text) if expected.is_finite() else float(expected)
        return value, precision_for(value, text, digits=digits, rtol=rtol, atol=atol), None
    from_float = not (callable(expected) and not isinstance(expected, Value))
    value = _number(expected)
    return value, precision_for(value, digits=digits, rtol=rtol, atol=atol,
                                from_float=from_float), None


def _number(expected):
    if callable(expected) and not isinstance(expected, Value):
        result = expected()
        try:
            return as_float(result)
        except TypeError:
            raise TypeError(f"check: expected() must return a number, got "
                            f"{type(result).__name__} {result!r}") from None
    try:
        return as_float(expected)
    except TypeError:
        raise TypeError(f"check: expected must be a number, a number or formula typed as "
                        f"text, or a function of no arguments returning a number, got "
                        f"{type(expected).__name__} {expected!r}") from None


#: a value to check: a number typed as text, a formula as text, a number, or a function
#: of no arguments returning a number
Expected = str | SupportsFloat | Callable[[], SupportsFloat]


def check(root: Value, wrt: Value | str, expected: Expected, *, digits: int | None = None,
          rtol: float | None = None, atol: float | None = None, eps: float = 1e-6,
          limit: int = DEFAULT_LIMIT, layout: str | None = None) -> Verdict:
    """Compare a hand-derived ∂root/∂wrt with the engine's; diagnose a mismatch.

    ``expected`` is a number typed as text (``"0.00142919"``: agrees to the digits
    typed), a formula as text over the nodes' names (``"x*h*(1-h)*w2"``), a number
    (full precision: agrees within rtol 1e-6, atol 1e-12), or a function of no
    arguments returning one (it can read the Values' ``data``).  ``digits`` says
    how many significant digits the value has; ``rtol``/``atol`` override the
    digits.  Returns a :class:`Verdict`.  A matrix question (``wrt`` a layer or a
    matrix name such as ``"W2"``, ``expected`` nested lists or a matrix formula;
    ``layout`` "rows"/"columns") returns an :class:`autograd.matrix_check.MatrixVerdict`.
    """
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0.0 < eps < math.inf:
        raise ValueError(f"check: eps must be a positive finite number (the finite "
                         f"difference's step), got {eps!r}")
    from .matrix_check import check_matrix, is_matrix_question, other_parameter
    if is_matrix_question(root, wrt, expected):
        return check_matrix(root, wrt, expected, layout=layout, digits=digits, rtol=rtol, atol=atol)
    explanation = explain(root, wrt, limit=limit)
    wrt = explanation.wrt
    given, precision, formula = _read_expected(root, expected, digits, rtol, atol, wrt)
    value = precision.value             # at the digits given (digits= rounds it)
    grad = explanation.engine
    fd = estimate(root, wrt, eps)
    agreed = precision.agrees(grad)
    return Verdict(
        agreed=agreed, expected=value, engine=grad, ratio=_ratio(value, grad),
        precision=precision, tolerance=precision.allowed(grad), formula=formula,
        formula_value=given if formula is not None else None,
        finite_difference=fd.value, fd_error=fd.error, step=fd.step, fd_note=fd.note,
        fd_finite=fd.finite, fd_agrees=fd.backs(grad),
        expected_matches_fd=fd.finite and precision.within(fd.value, fd.error),
        diagnosis=None if agreed else diagnose(explanation, value, precision),
        explanation=explanation,
        convention=None if agreed else other_parameter(root, wrt, precision))

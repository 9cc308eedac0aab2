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
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import SupportsFloat, overload

from .diagnosis import (MOST_FACTORS, SEARCH_BUDGET, Diagnosis, diagnose, one_change, sum_terms,
                        term_kind, too_few_digits)
from .differences import (
    Estimate, GradcheckEntry, GradcheckError, GradcheckReport, downstream, estimate,
    finite_difference, gradcheck, reevaluate,
)
from .explain import DEFAULT_LIMIT, explanation_of
from .floats import short_repr
from .formula import Formula, FormulaError, read_formula
from .names import NodeNameError, printable
from .ops import OPS, describe
from .precision import (DEFAULT_ATOL, Precision, precision_for, read_number, shortened,
                        significant_digits, typed_precision, written_form)
from .patterns import lazy
from .value import Value, as_float
from .verdict import BACKS_THE_ENGINE, SUSPECT_A_RULE, Verdict, Verdicts

__all__ = ["check", "as_number_text", "Verdict", "Verdicts", "BACKS_THE_ENGINE", "SUSPECT_A_RULE",
           "Diagnosis", "diagnose",
           "finite_difference", "estimate",
           "Estimate", "FORWARD", "gradcheck", "GradcheckReport", "GradcheckError",
           "GradcheckEntry", "Formula", "FormulaError", "read_formula", "Precision",
           "precision_for", "typed_precision", "downstream", "reevaluate", "sum_terms",
           "term_kind", "SEARCH_BUDGET", "MOST_FACTORS"]

#: op name -> its forward on floats (from the op records; what re-evaluation calls)
FORWARD = {name: op.forward for name, op in OPS.items() if not op.is_leaf}

def _ratio(a, b):
    if b != 0.0:
        return a / b
    return math.nan if a == 0.0 else math.copysign(math.inf, a)


def as_number_text(text):
    """The number ``text`` is, as typed (its digits kept), out of the forms it is pasted
    in: ``0.2217``, ``$0.2217$``, ``\\(-8.16 \\times 10^{-3}\\)`` (as ``-8.16e-3``), as numpy or
    PyTorch prints it (``np.float64(0.2217)``, ``tensor(0.2217)``); else
    None.  Read by the formula reader, so a number typed alone and one stated after a
    formula are read alike (:func:`autograd.formula.number_text`)."""
    from .matrix_form import one_number_text
    return one_number_text(text)


def _read_expected(root, expected, digits, rtol, atol, wrt=None):
    """(value, Precision, Formula or None) for what the person gave."""
    if isinstance(expected, str):
        number = as_number_text(expected)
        if number is not None:
            value = read_number(number)
            return value, precision_for(value, number, digits=digits, rtol=rtol, atol=atol), None
        if _looks_like_matrix(expected):
            raise ValueError(f"check: {shortened(expected.strip())!r} is a matrix, but the "
                             f"gradient with respect to {describe(wrt)} is one number; a matrix "
                             f"goes with a matrix name (W2, b1) or a layer")
        formula = read_formula(expected, root, wrt=wrt)   # a left side dO/dw1 = must match
        number = formula.typed_number()                   # dO/dw1 = 0.00143: a number typed
        if number is not None:
            value = read_number(number)
            return value, precision_for(value, number, digits=digits, rtol=rtol, atol=atol), None
        value = formula.evaluate()
        return value, precision_for(value, digits=digits, rtol=rtol, atol=atol), formula
    if isinstance(expected, Decimal):
        text = str(expected)
        value = read_number(text) if expected.is_finite() else float(expected)
        return value, precision_for(value, text, digits=digits, rtol=rtol, atol=atol), None
    from_float = not (callable(expected) and not isinstance(expected, Value))
    value = _number(expected)
    written = written_form(expected) if from_float and not isinstance(expected, Value) else None
    from .matrix_form import LOW_PRECISION_RTOL, TYPED_FLOAT_DIGITS, low_precision
    dtype = low_precision(expected) if from_float else None
    if dtype and digits is None and rtol is None and atol is None and written is not None \
            and significant_digits(written) > TYPED_FLOAT_DIGITS:
        # np.float32 (dW2[1, 2] of a float32 array): at its own precision, as the array's
        # entries are; one numpy prints short (np.float32(0.0747)) keeps those digits
        return value, Precision(value, "tolerance", rtol=LOW_PRECISION_RTOL[dtype],
                                atol=DEFAULT_ATOL, from_float=True, dtype=dtype), None
    return value, precision_for(value, digits=digits, rtol=rtol, atol=atol,
                                from_float=from_float, written=written), None


#: a list of numbers (``[[0.1, -2e-3], [nan, 1]]``): brackets, commas, numbers' characters
_LIST = lazy(r"\s*\[[\[\],\s\w.+\-−]*\]\s*")


def _looks_like_matrix(text):
    """Whether text is a list of numbers (``[[0.1, 0.2]]``), not a formula in brackets
    (``[x > h] * max(x, h)``, an Iverson bracket and a call), or several numbers pasted
    as a LaTeX matrix or an array's repr."""
    from .matrix_form import is_matrix_text, read_matrix_text
    if "," in text and _LIST.fullmatch(text) is not None:
        return True
    if text.lstrip().startswith("[") or not is_matrix_text(text):
        return False
    try:
        return sum(map(len, read_matrix_text(text))) > 1
    except ValueError:                  # array([[1, 2]) and the like: a formula's error says
        return False


def _number(expected):
    if callable(expected) and not isinstance(expected, Value):
        result = expected()
        try:
            return as_float(result, "check: expected()")
        except TypeError:
            raise TypeError(f"check: expected() must return a number, got "
                            f"{type(result).__name__} {short_repr(result)}") from None
    try:
        return as_float(expected, "check: expected")    # an int too large: named so
    except TypeError:
        raise TypeError(f"check: expected must be a number, a number or formula typed as "
                        f"text, or a function of no arguments returning a number, got "
                        f"{type(expected).__name__} {short_repr(expected)}"
                        f"{_array_words(expected)}") from None


def _array_words(expected):
    """`` of shape (3, 2): for one node pass ...`` (:func:`array_words`), or ""."""
    found = array_words(expected)
    return "" if found is None else f" of shape {found[0]}: {found[1]}"


def array_words(expected, one="pass its one number (.item())",
                many="for one node pass that entry's number; a whole matrix is checked by "
                     "its name, check(C, 'W2', array)"):
    """For an array or tensor given for one node: ``(its shape, what to do instead)``,
    ``one`` for an array of one number, else ``many`` (the command line gives its own
    form of both); None for anything else."""
    shape = getattr(expected, "shape", None)
    if shape is None or isinstance(expected, (str, bytes)):
        return None
    return tuple(shape), one if math.prod(shape) == 1 else many


#: a value to check: a number typed as text, a formula as text, a number, or a function
#: of no arguments returning a number
Expected = str | SupportsFloat | Callable[[], SupportsFloat]


@overload
def check(root: Value, wrt: Mapping[Value | str, Expected], expected: None = None, *,
          digits: int | None = None, rtol: float | None = None, atol: float | None = None,
          eps: float = 1e-6, limit: int = DEFAULT_LIMIT, layout: str | None = None) -> Verdicts:
    ...


@overload
def check(root: Value, wrt: Value | str, expected: Expected, *, digits: int | None = None,
          rtol: float | None = None, atol: float | None = None, eps: float = 1e-6,
          limit: int = DEFAULT_LIMIT, layout: str | None = None) -> Verdict:
    ...


def check(root, wrt, expected=None, *, digits=None, rtol=None, atol=None, eps=1e-6,
          limit=DEFAULT_LIMIT, layout=None):
    """Compare a hand-derived ∂root/∂wrt with the engine's; diagnose a mismatch.

    ``expected`` is a number typed as text (``"0.00142919"``: agrees to the digits
    typed), a formula as text over the nodes' names (``"x*h*(1-h)*w2"``), a number
    (full precision: agrees within rtol 1e-6, atol 1e-12), or a function of no
    arguments returning one (it can read the Values' ``data``).  ``digits`` says
    how many significant digits the value has; ``rtol``/``atol`` override the
    digits.  Returns a :class:`Verdict`.  A matrix question (``wrt`` a layer or a
    matrix name such as ``"W2"``, ``expected`` nested lists or a matrix formula;
    ``layout`` "rows"/"columns") returns an :class:`autograd.matrix_check.MatrixVerdict`.
    Several claims at once, ``check(L, {"w1": "-0.00861", "b1": formula})`` (no
    ``expected``), return :class:`Verdicts`, one verdict per key.
    """
    eps = _step_size(eps)
    if isinstance(wrt, Mapping):
        return _check_claims(root, wrt, expected, dict(digits=digits, rtol=rtol, atol=atol,
                                                       eps=eps, limit=limit, layout=layout))
    if expected is None or isinstance(expected, Mapping):
        what = "no expected value" if expected is None else "expected is a dict"
        raise TypeError(f"check: {what}; give check(root, wrt, value), or several claims as a "
                        f"dict in place of wrt: check(root, {{'w1': value, 'b1': value}})")
    from .matrix_check import check_matrix, is_matrix_question, network_hint, other_parameter
    from .matrix_form import number_problem
    if isinstance(expected, str) and (problem := number_problem(expected)) is not None:
        raise ValueError(f"check: {expected.strip()!r} {problem}")   # for a node or a matrix
    if is_matrix_question(root, wrt, expected):
        return check_matrix(root, wrt, expected, layout=layout, digits=digits, rtol=rtol, atol=atol)
    try:
        explanation = explanation_of(root, wrt, limit, "check")
    except NodeNameError as err:
        if not network_hint(wrt):
            raise
        raise NodeNameError(f"{err}{network_hint(wrt)}") from None
    wrt = explanation.wrt
    given, precision, formula = _read_expected(root, expected, digits, rtol, atol, wrt)
    value = precision.value             # at the digits given (digits= rounds it)
    grad = explanation.engine
    fd = estimate(root, wrt, eps)
    agreed = precision.agrees(grad)
    diagnosis = None if agreed else diagnose(explanation, value, precision)
    convention = None if agreed else other_parameter(
        root, wrt, precision, any_leaf=diagnosis is not None and (
            diagnosis.kind is None or _off_the_paths(formula, explanation)))
    if (convention is None and diagnosis is not None and diagnosis.kind is None
            and not precision.tells_mistakes()
            and other_parameter(root, wrt, precision, any_leaf=True, loose=True)):
        diagnosis = too_few_digits(precision)    # another gradient rounds to it by chance
    if (convention is None and formula is not None and diagnosis is not None
            and diagnosis.kind != "sign flip"):   # one token of the formula changed, first
        diagnosis = one_change(formula, root, grad) or diagnosis
    return Verdict(
        agreed=agreed, expected=value, engine=grad, ratio=_ratio(value, grad),
        precision=precision, tolerance=precision.allowed(grad), formula=formula,
        formula_value=given if formula is not None else None,
        finite_difference=fd.value, fd_error=fd.error, step=fd.step, fd_note=fd.note,
        fd_finite=fd.finite, fd_agrees=fd.backs(grad),
        expected_matches_fd=fd.finite and precision.within(fd.value, fd.error),
        diagnosis=diagnosis, explanation=explanation, convention=convention)


def _step_size(eps):
    """check's ``eps`` as a positive finite float (a numpy scalar too; not a bool)."""
    try:
        number = as_float(eps)
    except (TypeError, OverflowError):
        number = math.nan
    if not 0.0 < number < math.inf:
        raise ValueError(f"check: eps must be a positive finite number (the finite "
                         f"difference's step), got {shortened(repr(eps))}")
    return number


def _check_claims(root, claims, expected, options):
    """:class:`Verdicts` of ``{wrt: value}``, each claim checked as ``check(root, wrt, value)``;
    an error names the claim it is in."""
    if expected is not None:
        raise TypeError(f"check: with a dict of claims as wrt, each value is the claim for its "
                        f"key; give no expected (got {shortened(repr(expected))})")
    if not claims:
        raise ValueError("check: the dict of claims is empty; give {'w1': value, ...}")
    verdicts, labels, also = {}, {}, {}
    for key, value in claims.items():
        try:
            verdict = check(root, key, value, **options)
        except (ValueError, KeyError, TypeError, OverflowError) as err:
            raise _in_claim(err, key) from None
        verdicts[key] = verdict
        explanation = getattr(verdict, "explanation", None)   # a matrix's verdict has none
        if explanation is None:
            labels[key] = printable(key) if isinstance(key, str) else verdict.name
            continue
        labels[key] = printable(key) if isinstance(key, str) else explanation.name_of(explanation.wrt)
        short = explanation.namer.labels.short.get(explanation.wrt)
        if not isinstance(key, str) and short is not None:
            also[key] = (short,)        # a derived node listed as a·b is t1 in 'Here ...'
    return Verdicts(verdicts, labels, also)


def _in_claim(err, key):
    """``err`` with the claim it came from named first; an error whose type takes no
    message alone (a UnicodeDecodeError raised by the user's function) as it is."""
    text = str(err.args[0]) if err.args else str(err)
    text = text.removeprefix("check: ")
    try:
        return type(err)(f"check: the claim for {_key_text(key)}: {text}")
    except Exception:
        return err


def _key_text(key):
    """How an error calls a claim's key: a name quoted, a Value by its name, else its repr."""
    if isinstance(key, Value) and key.name:
        return key.name
    return repr(key) if isinstance(key, str) else shortened(repr(key))


def _off_the_paths(formula, explanation):
    """True when ``formula`` multiplies by a node that no local derivative along wrt's
    paths is, one neither on a path nor an operand of a node on one: x1 in a formula for
    ∂C/∂b copied from ∂C/∂w1 (a left-out factor then reproduces the value by chance)."""
    if formula is None or explanation.grouped:
        return False
    near = set()
    for path in explanation.paths:
        for node in path.nodes:
            near.add(node)
            near.update(node._prev)
    return any(node not in near for node in formula.named_factors())

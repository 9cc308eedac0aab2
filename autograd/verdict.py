"""The verdict a learner reads: :class:`Verdict`, what :func:`autograd.check.check`
returns (a matrix question's :class:`autograd.matrix_check.MatrixVerdict` is one too).

Its own module so that both checks build on it without importing each other:
``check`` dispatches to ``matrix_check``, and both read this class.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from . import graph
from .notation import number

if TYPE_CHECKING:
    from .diagnosis import Diagnosis
    from .explain import Explanation
    from .formula import Formula
    from .precision import Precision

__all__ = ["Verdict", "Verdicts", "BACKS_THE_ENGINE", "SUSPECT_A_RULE"]

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
        if not self.agreed and self.explanation.path_count and not self._only_digits:
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
            if self.formula is not None and self.formula.gives_stated(self.formula_value) is False:
                return (f"Agrees: your formula gives the engine's {p.shown(self.engine)}, "
                        f"but not the {self.formula.stated} you wrote after it.")
            if p.mode == "typed":
                return f"Agrees to {p.describe(self.engine)}."
            return f"Agrees with the engine's {number(self.engine, 12)} ({p.describe()})."
        not_finite = self._not_finite()
        if not_finite:
            return f"Disagrees: {not_finite}."
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
            return (f"Disagrees at full precision, but agrees to the "
                    f"{p.as_written().extent(self.engine)} {p.written} has.")
        engine = p.shown(self.engine) if p.mode == "typed" else number(self.engine, 12)
        placeholders = self._placeholders
        if placeholders:
            typed = p if p.mode == "typed" else p.as_written()   # an int: its digits
            at = "" if typed is p else "full precision and "
            return (f"Disagrees at {at}the {typed.digits} significant digits {typed.text} has, "
                    f"counting its trailing zeros, but agrees to {placeholders} (the engine "
                    f"gives {typed.shown(self.engine)}): if the zeros only hold the place, "
                    f"pass digits={placeholders}.")
        leading = self._leading_digits
        if leading:
            at = p.describe() if p.mode == "typed" else "full precision"
            return (f"Disagrees at {at} but agrees to {leading} (the engine gives {engine}): "
                    f"rounded intermediate values give a difference this small.")
        if self.diagnosis is not None:    # no small mistake gives it, or none can be told
            return (f"Disagrees: the engine gives {engine}, and "
                    f"{self.diagnosis.finding.replace('your value', given, 1)}.")
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
                    f"To the {self.precision.as_written().extent(self.engine)} "
                    f"{self.precision.written} has, the engine's value is the same: pass "
                    f"digits={hint} (or the number as text) if those are the digits you have.")
            if self.blames_a_rule:
                sentences.append(f"Your value matches the finite difference, not the engine: "
                                 f"{SUSPECT_A_RULE}, not your derivation.")
            leading = self._leading_digits
            if self._placeholders:
                sentences.append(
                    f"A whole number's trailing zeros count as significant digits here; "
                    f"without them {self.precision.text or self.precision.written} has "
                    f"{self._placeholders}, and to those "
                    f"the engine's value is the same: pass digits={self._placeholders} (or write "
                    f"it in scientific notation) if those are the digits you have.")
            elif leading:
                sentences.append(
                    f"To its first {leading} significant digits your value is the engine's, and "
                    f"none of the usual chain-rule mistakes (a sign flip, a missing path, one "
                    f"term of a sum, left-out factors) gives it: intermediate values rounded "
                    f"along the way{self._rounding_example} move the last digits like this; "
                    f"carry more digits through to agree further.")
            elif self.diagnosis is not None and not self.convention and not self._only_digits:
                sentences.append(self.diagnosis.message)   # the convention already says what it is
        term = self.diagnosis.term if self.diagnosis is not None else None
        definitions = self.explanation.definitions(
            [self.headline(), *sentences], () if term is None else (term[1],))
        if definitions:     # every short label the verdict uses (t3, leaf1), as the steps
            sentences.append(f"Here {'; '.join(definitions)}.")
        return sentences

    @property
    def _placeholders(self):
        """A whole number typed with trailing zeros (1770) that agrees without them, when no
        mistake gives it: :meth:`autograd.precision.Precision.without_placeholders`."""
        return self.precision.without_placeholders(self.engine) if self._only_digits else None

    @property
    def _rounding_example(self) -> str:
        """`` (0.1700 for 0.169967143...)``: the first number this graph computes that has
        more than 4 significant digits (of the 12 a verdict shows), at 4 as a hand derivation
        rounds it; '' if none has."""
        root = self.explanation.root
        for node in graph.topological_order(root):
            x = node.data
            if node is root or not math.isfinite(x):
                continue
            shown = float(f"{x:.12g}")          # as a verdict prints it: 0.1 + 0.2 is 0.3
            if float(f"{x:.4g}") != shown:
                more = f"{x:.9g}" + ("..." if float(f"{x:.9g}") != shown else "")
                return f" ({x:#.4g} for {more})"
        return ""

    @property
    def _leading_digits(self):
        """A value no mistake reproduces that agrees to its first few significant digits
        (:meth:`autograd.precision.Precision.leading_digits`): the difference is rounding."""
        if (self.agreed or self.convention or self.blames_a_rule or self._not_finite()
                or self._only_digits
                or (self.diagnosis is not None and self.diagnosis.kind is not None)):
            return None
        return self.precision.leading_digits(self.engine)

    @property
    def _only_digits(self):
        """A float that agrees at the digits it has, or a whole number without its trailing
        zeros, that no mistake reproduces: the digits are the whole finding (no 'no small
        mistake', no paths to compare)."""
        p = self.precision
        return (not self.agreed and not self.convention and not self.blames_a_rule
                and (self.diagnosis is None or self.diagnosis.kind is None)
                and bool(p.hint(self.engine) or p.without_placeholders(self.engine)))

    @property
    def blames_a_rule(self):
        """The engine and the finite difference disagree beyond the difference's own
        error, and the value given is the finite difference's."""
        return (not self.agreed and self.fd_finite and not self.fd_agrees
                and self.expected_matches_fd)

    def _not_finite(self):
        """Why a value or a gradient that is NaN or infinite disagrees (``your value is NaN,
        which agrees with nothing``, as in a matrix's entries); None when both are finite."""
        value, engine, d = self.expected, self.engine, self.explanation.derivative
        given = "your formula gives" if self.formula is not None else "your value is"
        if math.isnan(engine):
            return (f"the engine's own {d} is NaN: a NaN or an infinity in the graph reaches it "
                    f"(as in PyTorch), and NaN agrees with nothing")
        if math.isnan(value):
            return f"{given} NaN, which agrees with nothing"
        if math.isinf(value) and math.isinf(engine):
            return f"{given} {number(value)} and the engine's {d} is {number(engine)}: the sign differs"
        if math.isinf(value):
            return f"{given} {number(value)}, which agrees with no finite gradient"
        if math.isinf(engine):
            return f"the engine's {d} is {number(engine)}, which no finite value agrees with"
        return None

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
        """expected/engine to 6 digits (a typed value's own digits, at least 2: '5' against
        3 is 1.7, not 1.66667), or as many more as it takes not to read as exactly 1 when it
        is not (-0.10000001 against -0.09999999999999998: 1.0000001)."""
        ratio = self.ratio
        p = self.precision
        digits = max(2, min(p.digits, 6)) if p.mode == "typed" else 6
        while digits < 17 and ratio != 1.0 and number(ratio, digits) == "1":
            digits += 1
        return number(ratio, digits)

    def _head(self):
        p, engine = self.precision, self.engine
        shown = self._engine_text()
        not_finite = None if self.agreed else self._not_finite()
        if not_finite:
            return f"{self._given()} does not agree with the engine's {shown}: {not_finite}."
        if p.mode == "typed":
            if self.agreed:
                return (f"{self._given()} agrees to {p.describe(engine)}: the engine's "
                        f"{shown} {p.how_agrees(engine)}.")
            return (f"{self._given()} does not agree with the engine's {shown}, "
                    f"which is "
                    f"{p.shown(engine)} to {p.describe()}; the ratio expected/engine is "
                    f"{self._ratio_text()}.")
        tol = p.describe()
        if self.agreed:       # 0 against 0 has no ratio (nan): none is shown
            ratio = f"ratio {number(self.ratio, 12)}; " if math.isfinite(self.ratio) else ""
            return f"{self._given()} agrees with the engine's {shown} ({ratio}{tol})."
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


class Verdicts(Mapping):
    """Several claims checked at once, ``check(L, {"w1": "-0.00861", "b1": formula})``: a
    read-only mapping of each claim's key to its :class:`Verdict`, in the order given.
    ``bool(verdicts)``: every claim agrees; ``str``: one line per claim."""

    def __init__(self, verdicts: dict, labels: dict, also: dict | None = None):
        self._verdicts = verdicts
        self._labels = labels           # key -> how the lines call it (w1, leaf2, a·b)
        self._also = also or {}         # key -> the other labels it goes by (t1 in 'Here ...')
        self.agreed = all(verdicts.values())

    def __getitem__(self, key: object) -> Verdict:
        """The verdict of a claim: by its key, or, for a Value with no name, by any label
        the text calls it: the lines' (``verdicts['leaf1']``, ``verdicts['a·b']``) or
        the short one a 'Here ...' sentence and the steps give it (``verdicts['t1']``)."""
        try:
            return self._verdicts[key]
        except KeyError:
            if isinstance(key, str):
                for claim, label in self._labels.items():
                    if key in (label, *self._also.get(claim, ())) and not isinstance(claim, str):
                        return self._verdicts[claim]
            raise

    def __iter__(self) -> Iterator:
        return iter(self._verdicts)

    def __len__(self) -> int:
        return len(self._verdicts)

    def __bool__(self) -> bool:
        return self.agreed

    def headline(self) -> str:
        """``All 2 claims agree.`` or ``1 of 2 claims disagrees: b1.``"""
        n = len(self._verdicts)
        wrong = [self._labels[key] for key, verdict in self._verdicts.items() if not verdict]
        if not wrong:
            return "Agrees: the one claim agrees." if n == 1 else f"All {n} claims agree."
        verb = "disagrees" if len(wrong) == 1 else "disagree"
        return f"{len(wrong)} of {n} claim{'s' if n > 1 else ''} {verb}: {', '.join(wrong)}."

    def text(self, next_step: str | None = None) -> str:
        """The headline, each claim's headline, then how to read one claim's verdict."""
        lines = [self.headline()]
        definitions = []       # the short labels the lines use (leaf1), as the steps'
        for key, verdict in self._verdicts.items():
            lines.append(f"  {self._labels[key]}: {verdict.headline()}")
            explanation = getattr(verdict, "explanation", None)   # a matrix's verdict: none
            if explanation is not None:
                definitions += explanation.definitions(lines[-1:])
        if definitions:
            lines.append(f"Here {'; '.join(dict.fromkeys(definitions))}.")
        first = next((key for key, verdict in self._verdicts.items() if not verdict), None)
        if first is not None:
            unnamed = isinstance(first, str) or not getattr(first, "name", None)
            key = repr(self._labels[first]) if unnamed else self._labels[first]
            lines.append(f"Next: print(verdicts[{key}]) shows that claim's whole verdict.")
        return "\n".join(lines)

    def __str__(self):
        return self.text()

    def _repr_html_(self):
        from .notebook import verdict_html
        return verdict_html(self)

    def __repr__(self):
        states = ", ".join(f"{self._labels[key]} {'agreed' if verdict else 'disagreed'}"
                           for key, verdict in self._verdicts.items())
        return f"<Verdicts: {states}>"

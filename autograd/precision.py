"""How precisely a person gave a number, and so which numbers agree with it.

This module is the one place where :func:`autograd.check.check` decides a
tolerance.  A value comes in one of three ways:

typed      text such as ``"0.00142919"`` or ``"-0.105"`` (the command line, a
           string in Python, or ``digits=``): it carries n significant digits,
           and x agrees with it when x rounded to those digits is that number,
           or x cut to them is (a printout whose every digit is right:
           -0.00497938 for -0.00497938631697).  Rounding and cutting work on
           the number the engine shows, the shortest decimal that reads back
           as x (``repr``): 0.7 begins with 0.7, never with 0.69 (its binary
           value 0.69999999999999995559...); a cut to fewer than
           :data:`CUT_DIGITS` digits works on x to that many, as the verdict
           prints it (the engine's 0.4999999999999998 is tanh's 0.5 with
           rounding error: it begins with 0.5, not 0.4).  So the typed numbers that agree
           are the one or two nearest x at those digits: a number one unit of
           its last digit away never agrees while a nearer one does not.
full       a float or a function's result from Python: full precision, so x
           agrees within ``rtol=1e-6, atol=1e-12`` (the float arithmetic of a
           hand formula differs from the engine's in the last bits).  For the
           diagnosis a float is read as the text of its shortest form (``-0.3``:
           1 digit), an int as its digits (``20``: 2, not 20.0's 3).
tolerance  ``rtol``/``atol`` given: ``math.isclose`` with them, whatever was typed.

:meth:`Precision.agrees` is the verdict's test, :meth:`Precision.reproduces`
the diagnosis's (could this candidate be what the person computed?), and
:meth:`Precision.tells_mistakes` whether the value has digits enough for the diagnosis
to name one of the many mistakes it tries (:data:`MISTAKE_DIGITS`).
"""

import math
import operator
import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

from .floats import as_float, counted, detached, is_int, short_repr
from .patterns import lazy
from .notation import number

__all__ = ["Precision", "DEFAULT_RTOL", "DEFAULT_ATOL", "MISTAKE_DIGITS", "LOOSEST_MATCH", "told_apart",
           "significant_digits", "is_number_text",
           "is_not_finite_text", "typed_precision", "precision_for", "rounded_text", "read_number", "shortest",
           "LONGEST_NUMBER", "DECIMAL", "written_form"]

#: full precision: the relative and absolute differences a hand formula may have
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-12

#: decimal arithmetic without rounding: a float's exact value has at most 767 digits
_EXACT = Context(prec=800)

#: a number's digits as typed, with or without a point: 12, 1.5, 1., .5 (\d+(?:\.\d*)?, not
#: \d+\.?\d*, whose two runs of digits split a long run in n ways: linear in its length)
DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
_NUMBER = lazy(rf"^\s*[+\-−]?({DECIMAL})([eE][+\-−]?\d+)?\s*$")
#: NaN and infinity as typed, or as Python, numpy and PyTorch print them: nan, -inf, ∞
_NOT_FINITE = lazy(r"^\s*(?:nan|[+\-−]?(?:inf(?:inity)?|∞))\s*$", re.IGNORECASE)

#: a value that agrees to its first this many significant digits or more, though not to
#: all of them, is said to (:meth:`Precision.leading_digits`)
FEWEST_LEADING = 3
#: a value no mistake gives at all its digits is looked at again to this many: a derivation
#: worked with intermediate values rounded to 4 digits agrees to about 4
ROUNDED_DIGITS = 4

#: the loosest relative match the diagnosis makes: a float printed with 1 or 2 digits is
#: matched no looser than this (:func:`typed_precision`), about what 3 typed digits allow
LOOSEST_MATCH = 5e-3
#: a diagnosis names one of the mistakes it searches for (a path, a term, left-out factors,
#: another parameter's gradient: dozens of candidates) only when the value was typed with at
#: least this many significant digits (or matched no looser than LOOSEST_MATCH), or gives
#: it exactly.  At 1 or 2 digits one of them rounds to almost any value by chance (0.1 for a
#: gradient of 0.0014); a sign flip, the engine's own value negated, is told at any digits.
MISTAKE_DIGITS = 3

#: a typed number cut short (not rounded) agrees when it begins the gradient's first this
#: many significant digits, the 12 a verdict prints it to: the digits beyond are the float
#: arithmetic's rounding error, so tanh's ∂o/∂x1 = -1.5 computed as -1.4999999999999993
#: begins with -1.5 and -1.49, a hand value 0.01 off, does not (a printout copied with
#: more digits is cut from all of them)
CUT_DIGITS = 12
#: a typed number this many units in the last place (of the engine's float, math.ulp) or
#: fewer from the number the engine shows agrees at any digits: the difference is the
#: engine's own rounding, as in the lecture neuron's ∂o/∂x1 = w1·(1 - o²) = -1.5 computed
#: as -1.4999999999999993 (3 units), so a learner's exact -1.500000000000000 agrees.  A
#: unit of a 15th significant digit is always more than 4.5 of them (2**52 / 10**15), so a
#: value off by one in its 15th digit still disagrees; only a 16th or 17th digit, which a
#: float barely holds, is read within them.
ENGINE_ULPS = 4

#: a number typed to check is at most this many characters long
LONGEST_NUMBER = 100
#: and its magnitude lies within what a float can hold: 10**-324 .. 10**308
SMALLEST_EXPONENT, LARGEST_EXPONENT = -324, 308


def formula_gives(value, engine_value):
    """Whether a formula's ``value`` is the engine's: equal but for the rounding of a
    different order of operations (1e-9 relative; 1e-12 absolute near 0).  The one
    test of a formula with one thing changed (diagnosis: a wrong node, function or sign)."""
    return math.isclose(value, engine_value, rel_tol=1e-9, abs_tol=1e-12)


def is_number_text(text):
    """Whether ``text`` is one number as a person types it: ``-0.105``, ``1.5e-3``."""
    return isinstance(text, str) and _NUMBER.match(text) is not None


def is_not_finite_text(text):
    """Whether ``text`` is NaN or an infinity as typed: ``nan``, ``inf``, ``-inf``, ``∞``."""
    return isinstance(text, str) and _NOT_FINITE.match(text) is not None


def shortened(text, most=40):
    """``text`` for a one-line message: a long one keeps its two ends."""
    return text if len(text) <= most else f"{text[:20]}...{text[-10:]} ({len(text):,} characters)"


def read_number(text):
    """The float of a number typed to check, after checking that it is one a
    gradient can be: at most :data:`LONGEST_NUMBER` characters, and a magnitude
    within a float's range.  Raises ValueError naming the limit otherwise."""
    shown = shortened(text)
    if is_not_finite_text(text):            # full precision: NaN agrees with nothing
        return float(text.strip().replace("−", "-").replace("∞", "inf"))
    if len(text) > LONGEST_NUMBER:
        raise ValueError(f"check: the number {shown!r} is too long: numbers up to "
                         f"{LONGEST_NUMBER} characters are read")
    typed = _decimal(text)
    if typed != 0 and not SMALLEST_EXPONENT <= typed.adjusted() <= LARGEST_EXPONENT:
        raise ValueError(f"check: the number {shown!r} is beyond what a float can hold: "
                         f"a gradient lies between 1e{SMALLEST_EXPONENT} and 1e{LARGEST_EXPONENT} "
                         f"in size")
    return float(text.strip().replace("−", "-"))


def written_form(number):
    """A number from Python as its author wrote it: an int's own digits (``20``, where the
    float 20.0 reads ``20.0``), a numpy float32 or float16 its own shortest form (``0.0747``,
    as numpy prints it, not its double's 0.07469999790191650), else the shortest form of
    its float (``-0.3``)."""
    if is_int(number):
        return str(operator.index(number))
    dtype = getattr(number, "dtype", None)
    if getattr(dtype, "kind", "") == "f" and dtype.itemsize < 8 and getattr(number, "ndim", 1) == 0:
        return str(number)
    return repr(float(detached(number)))   # (a tensor that requires grad: without torch's warning)


def shortest(x):
    """x as the number the engine shows: the shortest decimal that reads back as x."""
    return Decimal(repr(float(x)))


def _decimal(text):
    """The exact Decimal of a typed number (a Unicode minus is a minus)."""
    return Decimal(text.strip().replace("−", "-"))


def significant_digits(text):
    """The significant digits of a number as typed: ``0.00142919`` -> 6,
    ``-0.105`` -> 3, ``1500`` -> 4, ``1e-3`` -> 1; 0 for a zero."""
    digits = _decimal(text).as_tuple().digits
    return len("".join(map(str, digits)).lstrip("0"))


def typed_precision(number):
    """The relative rounding of a float as its shortest form writes it:
    0.005717 (4 digits) -> 6e-4.  Capped at :data:`LOOSEST_MATCH`, so that a float
    that prints with one or two digits is not matched loosely."""
    digits = max(1, significant_digits(repr(float(number))))
    return min(LOOSEST_MATCH, 0.6 * 10.0 ** (1 - digits))


def _unit_of(typed, digits):
    """One unit of the last of ``digits`` significant digits of ``typed``: 1e-5 for 0.00143
    and 3, 10 for 1770 and 3 (1773.8 to 3 digits, whose zero holds the place)."""
    if typed == 0 or not typed.is_finite():
        return Decimal(1).scaleb(typed.as_tuple().exponent)
    return Decimal(1).scaleb(typed.adjusted() - digits + 1)


def _cut(x, places):
    """x as shown (:func:`shortest`) with its digits beyond 10**places cut off
    (towards zero); a cut above x's :data:`CUT_DIGITS` significant digits cuts x rounded
    to them, so the rounding error in a float's last digits cuts no digit off
    (-1.4999999999999993 begins with -1.5, never -1.4)."""
    with localcontext(_EXACT):
        shown = shortest(x)
        reliable = shown.adjusted() - CUT_DIGITS + 1 if shown else places
        if places > reliable:
            shown = shown.quantize(Decimal(1).scaleb(reliable), rounding=ROUND_HALF_EVEN)
        return shown.quantize(Decimal(1).scaleb(places), rounding=ROUND_DOWN)


class Precision:
    """What agrees with a value a person gave (see the module docstring).

    value    the number as a float
    text     the number as given ("0.00142919"), or None for a computed value
    digits   its significant digits (typed mode), else None
    rtol, atol   the tolerances (full and tolerance modes), else None
    mode     "typed", "full" or "tolerance"
    from_float   True for a float passed from Python (its shortest form may
             hint at the digits it had: see :meth:`hint`)
    dtype    "float32" (or float16, ...) for a number of that type, whose tolerance
             is its own precision's (the words say so), else None
    """

    def __init__(self, value, mode, text=None, digits=None, rtol=None, atol=None,
                 from_float=False, written=None, dtype=None):
        self.value = value
        self.dtype = dtype
        self.mode = mode
        self.text = text
        self.digits = digits
        self.rtol = rtol
        self.atol = atol
        self.from_float = from_float
        #: a number from Python as written: an int's digits, else its float's shortest form
        self.written = written if written is not None else repr(float(value))
        if mode == "typed":
            self._typed = _decimal(text)
            self._unit = _unit_of(self._typed, digits)

    # -- the tests ---------------------------------------------------------

    def agrees(self, x):
        """Whether the engine's x is the value given, at this precision."""
        if self.mode == "typed":
            return self._rounds_or_cuts(x)
        return math.isclose(x, self.value, rel_tol=self.rtol, abs_tol=self.atol)

    def reproduces(self, x):
        """Whether a candidate x could be the value given (the diagnosis's test):
        :meth:`matches` it, and when the value is given too loosely to tell mistakes
        apart (:meth:`tells_mistakes`) is it, to full precision (0.28 for a mistake
        giving 0.28: at 2 digits, 0.2812 would match by chance)."""
        if not self.tells_mistakes():
            return self.exactly().matches(x)
        return self.matches(x)

    def exactly(self):
        """The value to full precision (what a candidate mistake must give when the value
        has too few digits to tell mistakes apart)."""
        return Precision(self.value, "tolerance", text=self.text, rtol=DEFAULT_RTOL,
                         atol=DEFAULT_ATOL)

    def matches(self, x):
        """Whether x agrees with the value at the digits it was given.  A float from Python
        is matched as the text of its shortest form is (:meth:`as_written`), so 0.005717
        finds the mistake that gives 0.0057167524."""
        if self.agrees(x):
            return True
        own = self.as_written()
        return own is not None and own.agrees(x)

    def tells_mistakes(self):
        """Whether the value is given precisely enough for a diagnosis to name a mistake
        among the many it tries: typed with at least :data:`MISTAKE_DIGITS` significant
        digits, a float from Python whose shortest form has that many (``-0.3`` is the
        1 digit its author typed, as the text ``"-0.3"`` is), or a tolerance no looser
        than :data:`LOOSEST_MATCH`; a computed value always is."""
        if self.mode == "tolerance":
            return self.rtol <= LOOSEST_MATCH and self.atol <= LOOSEST_MATCH * abs(self.value)
        if self.mode == "typed" or self.from_float:   # (mode "full", tolerance done above)
            return self._digits_given() >= MISTAKE_DIGITS or not math.isfinite(self.value)
        return True

    def too_few_digits(self):
        """(finding, advice) when no mistake is named for a value given too loosely
        (:meth:`tells_mistakes`): ``1 significant digit is too few to tell which mistake
        gives your value`` and what gives enough."""
        chance = ("some of the dozens of mistakes searched for (and of the other parameters' "
                  "gradients) match almost any number by chance")
        if self.mode == "typed" or self.mode == "full" and self.from_float:
            digits = self._digits_given()
            s, are = ("", "is") if digits == 1 else ("s", "are")
            more = (f"Type at least {MISTAKE_DIGITS} significant digits of your value"
                    if self.mode == "typed" else f"Give your value to at least "
                    f"{MISTAKE_DIGITS} significant digits (or the float you computed, unrounded)")
            given = (f"{digits} significant digit{s} {are}" if digits or self.mode != "typed"
                     else f"a zero (to {self._places()}) is")
            return (f"{given} too few to tell which mistake gives your value",
                    f"at so few digits, {chance}. {more} to have its mistake named")
        return ("the tolerance is too wide to tell which mistake gives your value",
                f"within it, {chance}. A tolerance of rtol={number(LOOSEST_MATCH)} or less has "
                f"the mistake named")

    def within(self, center, error):
        """Whether some number in ``center ± error`` agrees with the value (is the
        value the finite difference, to the difference's own error?)."""
        if not (math.isfinite(center) and math.isfinite(error)):
            return False
        low, high = self.agreeing(center)
        return center - error <= high and low <= center + error

    def agreeing(self, other):
        """(low, high): the numbers that agree with the value.  Typed: those that
        round to it (± half a unit) or begin with its digits (one unit away from 0), or are
        it but for the engine's own rounding (:data:`ENGINE_ULPS`)."""
        if self.mode != "typed":
            allowed = self.allowed(other)
            return self.value - allowed, self.value + allowed
        rounding = ENGINE_ULPS * math.ulp(self.value)
        half, unit = max(float(self._unit) / 2, rounding), max(float(self._unit), rounding)
        if self._typed == 0:
            return -half, half
        if self._typed > 0:
            return self.value - half, self.value + unit
        return self.value - unit, self.value + half

    def allowed(self, other):
        """The largest difference between the value and ``other`` that agrees."""
        if self.mode == "typed":
            return float(self._unit)
        return max(self.rtol * max(abs(self.value), abs(other)), self.atol)

    def _rounds(self, x):
        """x rounds to the typed number: as shown (:func:`shortest`), rounded at the typed
        number's last digit half to even or half up (away from 0), it is that number: a tie
        goes either way they take it (0.25 to 0.2 or 0.3), but 0.15 rounds to 0.2 only (0.1
        is 0.15 cut: :meth:`_cuts`)."""
        with localcontext(_EXACT):
            shown = shortest(x)
            return any(shown.quantize(self._unit, rounding=way) == self._typed
                       for way in (ROUND_HALF_EVEN, ROUND_HALF_UP))

    def _rounds_or_cuts(self, x):
        if not math.isfinite(x):
            return False
        if self._rounds(x):
            return True
        return self._cuts(x) or self._same_float(x) or self._engine_rounding(x) is not None

    def _cuts(self, x):
        """x, as shown, begins with the typed digits."""
        typed = self._typed
        return typed != 0 and _cut(x, self._unit.as_tuple().exponent) == typed

    def _same_float(self, x):
        """The typed number reads back as x itself: more digits than the engine shows,
        all of them x's (``%.17g`` prints 0.69999999999999996 for 0.7)."""
        return self.value == x

    def _engine_rounding(self, x):
        """How many units in the last place of x (a float) the typed number is from x as
        shown, when no more than :data:`ENGINE_ULPS` (the engine's own rounding:
        -1.500000000000000 is 3 from -1.4999999999999993), else None."""
        if x == 0.0 or not math.isfinite(x):
            return None
        with localcontext(_EXACT):
            units = float(abs(self._typed - shortest(x)) / Decimal(math.ulp(x)))
        return units if units <= ENGINE_ULPS else None

    # -- words -------------------------------------------------------------

    def how_agrees(self, x):
        """``rounds to 0.00142919``, ``begins with -0.00497938`` or ``is the float
        0.69999999999999996`` (typed mode)."""
        if self._rounds(x):
            return f"rounds to {self.text}"
        if self._cuts(x):
            return f"begins with {self.text}"
        if self._same_float(x):
            return f"is the float {self.text} reads as"
        units = round(self._engine_rounding(x) or 0.0)
        many = "less than one unit" if units < 1 else counted(units, 'unit')
        return (f"is {self.text} but for the float arithmetic's own rounding in its last "
                f"bits ({many} in the last place), not a digit of yours")

    def shown(self, x):
        """x written to the significant digits given: 0.0014291881022 -> ``0.001429`` for
        4 digits, 138.833819242 -> ``138.834`` for 6 whatever the typed number's size
        (never more digits than the float has: 0.5 against a typed 1e-300 is ``0.5``)."""
        if self.mode != "typed" or not math.isfinite(x) or x == 0.0:
            return f"{number(x, 12)}"
        if self.digits == 0:                      # a typed zero: x at its decimal places
            with localcontext(_EXACT):
                return f"{shortest(x).quantize(self._unit, rounding=ROUND_HALF_EVEN):f}"
        if self.digits > 17:                      # more digits than a float has: all of x's
            return repr(float(x))
        return rounded_text(shortest(x), self.digits)

    def at_last_digit(self, x):
        """x rounded at the typed number's last digit, half to even, as text: 0.000558 ->
        ``0.001`` for a typed 0.001 (a printout at 3 decimals), where :meth:`shown` writes
        x to as many significant digits (0.0006); None outside typed mode."""
        if self.mode != "typed" or not math.isfinite(x):
            return None
        with localcontext(_EXACT):
            return f"{shortest(x).quantize(self._unit, rounding=ROUND_HALF_EVEN):f}"

    def describe(self, x=None):
        """``the 6 significant digits you gave`` or ``tolerance: relative 1e-06, absolute 1e-12``;
        typed, ``the`` :meth:`extent` ``you gave``."""
        if self.mode == "typed":
            return f"the {self.extent(x)} you gave"
        tolerance = f"tolerance: relative {number(self.rtol)}, absolute {number(self.atol)}"
        return f"a {self.dtype} number, so {tolerance}" if self.dtype else tolerance

    def extent(self, x=None):
        """How far a typed number goes: ``6 significant digits``; ``3 decimal places`` for a
        typed zero (0.000), and against an engine's ``x`` of a lower order than the typed
        number, which it agrees with at the typed number's last place (0.000558 with a typed
        0.001, numpy's printout at 3 decimals: at 1 significant digit it is 0.0006)."""
        if self.digits == 0 or x is not None and self._below_typed(x):
            return self._places()
        return counted(self.digits, 'significant digit')

    def _places(self):
        """``3 decimal places``: a typed zero's (0.000), or the last place of a typed number;
        ``whole number`` for one typed without decimals (100), ``nearest 1000`` for 1e3."""
        places = -self._typed.as_tuple().exponent
        if places > 0:
            return counted(places, 'decimal place')
        return "whole number" if places == 0 else f"nearest {10 ** -places}"

    def _below_typed(self, x):
        """Whether x's leading digit is at a lower place than the typed (nonzero) number's
        and x to the typed number's significant digits is not it: then what it agrees with
        is the rounding at the typed number's last place (0.000558 at 0.001's place is
        0.001, at 1 significant digit 0.0006; but 0.99951 to 3 digits is 1.00)."""
        if self.mode != "typed" or not self.digits or not math.isfinite(x) or x == 0.0:
            return False
        with localcontext(_EXACT):
            shown = shortest(x)
            return shown.adjusted() < self._typed.adjusted() and \
                Decimal(rounded_text(shown, self.digits)) != self._typed

    def chance_matches(self, numbers, band=0.05):
        """How many of ``numbers`` (what other parameters' gradients or the mistakes searched
        for give) may be expected to match the value by chance: those within ±``band`` of it,
        times the share of that band that agrees with it (its digits' window; a float's as
        written). Many numbers near a value of few digits make a match likely, not telling."""
        value = self.value
        if not math.isfinite(value) or value == 0.0:
            return 0.0
        low, high = (self.as_written() or self).agreeing(value)
        near = sum(1 for x in numbers if abs(x - value) <= band * abs(value))
        return near * (high - low) / (2 * band * abs(value))

    def hint(self, x):
        """For a float from Python that does not agree: the digits of its shortest
        form when x rounds (or cuts) to it at those digits, else None."""
        own = self.as_written()
        return own.digits if own is not None and own.agrees(x) else None

    def as_written(self):
        """A float (or int) from Python as the typed value of its written form, the digits
        it was given with (``-0.3``: 1; ``20``: 2), which the diagnosis reads it at as it
        reads that text; None for any other value, a zero, NaN or an infinity."""
        own = self.__dict__.get("_own", False)        # made once: the diagnosis asks often
        if own is False:
            digits = (significant_digits(self.written) if self.mode == "full" and
                      self.from_float and math.isfinite(self.value) else 0)
            own = self._own = Precision(self.value, "typed", self.written, digits) \
                if digits else None
        return own

    def leading_digits(self, x):
        """For a value that does not agree: the most significant digits, fewer than it has
        (as typed, or a float's shortest form) and at least :data:`FEWEST_LEADING`, to which
        x agrees with it (-0.0807122 and -0.0807143503: 4); None otherwise, and for a
        computed value (a formula's or a function's)."""
        for k in range(self._digits_given() - 1, FEWEST_LEADING - 1, -1):
            if self.to_leading(k).agrees(x):
                return k
        return None

    def to_leading(self, k):
        """The value rounded to its first k significant digits, as typed that way (the
        diagnosis's second look at a value worked with rounded intermediates); None when
        it has no more than k, or is computed."""
        if k >= self._digits_given():
            return None
        text = self.text if self.mode == "typed" else self.written
        shorter = rounded_text(_decimal(text), k)
        return Precision(float(shorter), "typed", shorter, k)

    def without_placeholders(self, x):
        """For a whole number typed with trailing zeros that does not agree (1770 for
        1773.8, counted as 4 digits): its digits without those zeros when x agrees to them
        (3), else None. The zeros may only hold the place.  An int from Python is its
        digits as typed (:meth:`as_written`: the int 1770 as the text '1770')."""
        if self.mode != "typed":
            own = self.as_written()
            return None if own is None else own.without_placeholders(x)
        text = self.text.strip()
        if not re.fullmatch(r"[+\-]?\d*[1-9]0+", text):
            return None
        k = len(text.lstrip("+-").rstrip("0").lstrip("0"))
        shorter = self.to_leading(k)
        return k if shorter is not None and shorter.agrees(x) else None

    def rounded_look(self):
        """The value to its first :data:`ROUNDED_DIGITS` significant digits (what the
        diagnosis tries when no mistake gives all of them), or None."""
        return self.to_leading(ROUNDED_DIGITS)

    def _digits_given(self):
        """The significant digits the value was given with: typed, or a float's shortest
        form; 0 for a computed value (a formula's or a function's)."""
        if self.mode == "typed":
            return self.digits
        if self.mode == "full" and self.from_float and math.isfinite(self.value):
            return significant_digits(self.written)
        return 0

    def __repr__(self):
        if self.mode == "typed":
            return f"<Precision {self.text!r}: {self.digits} significant digits>"
        return f"<Precision {self.value!r}: {self.mode}, rtol {number(self.rtol)}, atol {number(self.atol)}>"


def told_apart(precisions):
    """The precisions of values given together (a matrix's entries, rows of Precisions) for
    the search for a mistake: as they are when one of them tells mistakes as one number
    would (:meth:`Precision.tells_mistakes`: :data:`MISTAKE_DIGITS` significant digits, or a
    float or a computed entry; the others only narrow the match), else each one
    :meth:`Precision.exactly` (a 1 × 1 ``"0.06"`` is 4 × 0.0146 by chance, and so are
    0.02, 0.04, 0.03 four times 0.0040, 0.0094, 0.0077)."""
    if any(p.tells_mistakes() for row in precisions for p in row):
        return precisions
    return [[p.exactly() for p in row] for row in precisions]


def _positive_digits(digits):
    """``digits`` as an int from 1 to 17 (a numpy int too), else a one-line ValueError."""
    if not is_int(digits) or not 1 <= digits <= 17:
        raise ValueError(f"check: digits must be an int from 1 to 17 (the significant digits "
                         f"you have), got {short_repr(digits)}")
    return operator.index(digits)


def _tolerance(value, name, default):
    """``value`` as a finite float >= 0 (a numpy scalar too; not a bool), else a one-line
    ValueError; None: ``default``."""
    if value is None:
        return default
    try:
        number = as_float(value)
    except (TypeError, OverflowError):
        number = math.nan
    if not (number >= 0.0 and math.isfinite(number)):
        raise ValueError(f"check: {name} must be a finite number >= 0, got {short_repr(value)}")
    return number


#: a zero written to decimal places, 0.000 (numpy prints 0. so at 3 decimals): not exactly 0
_ZERO_TO_PLACES = re.compile(r"\s*[+\-−]?0*\.0+\s*")


def precision_for(value, text=None, *, digits=None, rtol=None, atol=None, from_float=False,
                  written=None):
    """The :class:`Precision` of a value given as ``text`` (typed) or as a number.

    ``digits`` says how many significant digits the number has (a float, or a
    typed number, is rounded to them); ``rtol``/``atol`` override both.
    """
    if digits is not None:
        digits = _positive_digits(digits)
    if rtol is not None or atol is not None:
        return Precision(value, "tolerance", text=text, digits=digits,
                         rtol=_tolerance(rtol, "rtol", DEFAULT_RTOL),
                         atol=_tolerance(atol, "atol", DEFAULT_ATOL), from_float=from_float)
    typed = text is not None and is_number_text(text)
    if digits is not None and math.isfinite(value) and value != 0.0:
        text = rounded_text(_decimal(text) if typed else shortest(value), digits)
        return Precision(float(text), "typed", text=text, digits=digits)
    if typed and (significant_digits(text) > 0 or _ZERO_TO_PLACES.fullmatch(text)):
        # a typed 0 means exactly zero; 0.000 (numpy's 0. at 3 decimals) zero to 3 places
        text = text.strip().replace("−", "-")
        return Precision(value, "typed", text=text, digits=significant_digits(text))
    return Precision(value, "full", text=text, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL,
                     from_float=from_float, written=written)


def rounded_text(number, digits):
    """A Decimal written to ``digits`` significant digits: 0.0014291881022 to 6 ->
    ``0.00142919``; without an exponent unless the number is very large or small."""
    with localcontext(_EXACT):
        rounded = _to_digits(number, digits)
        if rounded.adjusted() > number.adjusted():    # 0.99951 -> 1.000: the carry made a digit
            rounded = _to_digits(rounded, digits)
    return f"{rounded:f}" if -12 <= rounded.adjusted() <= 20 else f"{rounded:e}"


def _to_digits(number, digits):
    """``number`` rounded (half to even) at its ``digits``-th significant digit."""
    return number.quantize(Decimal(1).scaleb(number.adjusted() - digits + 1),
                           rounding=ROUND_HALF_EVEN)

"""Float arithmetic that never raises: IEEE 754 results where Python raises.

Python's ``/``, ``**``, ``math.log`` and ``math.exp`` raise on division by
zero, overflow and a few domain errors; IEEE 754 (and PyTorch) return
``±inf`` or ``nan`` instead.  Backward rules must never leave a pass half
done, so every derivative formula uses these helpers where Python would
raise.  They cost nothing extra on ordinary inputs.
"""

import math
import sys
from collections.abc import Mapping
from functools import partial, reduce
import operator
from struct import pack as _pack
from operator import add, countOf, iconcat

__all__ = ["detached", "idiv", "ipow", "half_pow", "ilog", "iexp", "left_sum", "as_float", "flag", "is_int",
           "positive_int",
           "short_repr", "counted", "listlike", "same_rows", "flat_floats", "literal_bits"]

_inf = math.inf
_nan = math.nan
_pow = math.pow
_log = math.log
_exp = math.exp
_copysign = math.copysign
_sqrt = math.sqrt


def literal_bits(numbers):
    """The bits of the floats ``numbers``, as bytes: two lists give the same bytes only
    when code holding them as literals computes the same (== holds 0.0 and −0.0 equal,
    and a literal does not: x·(−0.0) is −0.0 for x > 0).  One C call, about 10 ns a number."""
    return _pack(f"{len(numbers)}d", *numbers)


def idiv(x, y):
    """x / y, with x/±0 = ±inf (nan for 0/0 and nan/0) instead of ZeroDivisionError."""
    if y:
        return x / y
    if x != x or x == 0.0 or y != y:
        return _nan
    # the sign of an IEEE quotient is the product of the operands' signs, -0.0 included
    return _copysign(_inf, x) * _copysign(1.0, y)


def ipow(x, y):
    """x ** y with IEEE results: overflow is ±inf, 0 to a negative power is inf,
    a negative base to a non-integer power is nan (Python would give a complex);
    x ** ±0.5 is :func:`half_pow`'s."""
    if y == 0.5 or y == -0.5:
        return half_pow(x, y)
    try:
        return _pow(x, y)
    except OverflowError:
        odd = y.is_integer() and y % 2.0 == 1.0
        return -_inf if x < 0.0 and odd else _inf
    except ValueError:
        if x == 0.0:                        # 0 ** negative
            odd = y.is_integer() and y % 2.0 == 1.0
            return _copysign(_inf, x) if odd else _inf
        return _nan                         # negative base, non-integer exponent


def half_pow(x, y):
    """x ** 0.5 as √x and x ** -0.5 as 1/√x, as PyTorch computes them: so
    (-0.0) ** 0.5 is -0.0, (-0.0) ** -0.5 is -inf and (-inf) ** ±0.5 is nan
    (C's pow gives 0.0, inf and inf, 0.0); a negative base gives nan."""
    root = _sqrt(x) if x >= 0.0 or x != x else _nan
    return root if y == 0.5 else idiv(1.0, root)


def ilog(x):
    """ln x with ln 0 = -inf and ln of a negative number = nan."""
    if x > 0.0:
        return _log(x)
    if x == 0.0:
        return -_inf
    return _nan if x == x else x


def iexp(x):
    """e^x with overflow giving inf."""
    try:
        return _exp(x)
    except OverflowError:
        return _inf


if sys.version_info < (3, 12):
    #: x1 + x2 + ... + xn added left to right (see below); C speed
    left_sum = partial(sum, start=-0.0)
else:
    def left_sum(numbers):
        """x1 + x2 + ... + xn added left to right, as the jit's generated code adds.

        Python 3.12 made the built-in ``sum()`` of floats compensated (more
        accurate, different last bits), so the engine and the generated code
        both add left to right to agree to the last bit on every version.
        Starting from -0.0 changes no sum (-0.0 + x is x for every x).
        """
        return reduce(add, numbers, -0.0)


def flag(x, what):
    """``x`` if it is True or False (read by its truth, "no" would be true), else a
    TypeError naming ``what``."""
    if not isinstance(x, bool):
        raise TypeError(f"{what} must be True or False, got {short_repr(x)}")
    return x


def is_int(n):
    """Whether ``n`` is an integer: an int or a numpy integer (not a bool, numpy's
    included, whose ``__index__`` numpy < 2.3 still has; not an array; not a 0-d float
    array or tensor, which has ``__index__`` too, only to refuse it)."""
    dtype = getattr(n, "dtype", None)
    return not isinstance(n, bool) and hasattr(n, "__index__") and \
        getattr(n, "ndim", 0) == 0 and not _not_real(dtype) and not _floating(dtype)


def _floating(dtype):
    """Whether an array's or a tensor's ``dtype`` holds floats (numpy's kind "f"; a
    torch.dtype says ``is_floating_point``)."""
    return dtype is not None and (getattr(dtype, "kind", None) == "f"
                                  or getattr(dtype, "is_floating_point", False) is True)


def positive_int(n, what):
    """``n`` as a positive int (a numpy integer too), else a ValueError naming ``what``."""
    if not is_int(n) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {type(n).__name__} {short_repr(n)}")
    return operator.index(n)


def _not_real(dtype):
    """Whether an array's or a tensor's ``dtype`` holds no real numbers: numpy's bool,
    complex, text and object kinds; torch's bool and complex (a torch.dtype has no kind)."""
    kind = getattr(dtype, "kind", None)
    if kind is not None:
        return kind in "bcSUO"
    return getattr(dtype, "is_complex", False) is True or str(dtype) == "torch.bool"


def detached(x):
    """``x`` itself, or for a torch tensor with ``requires_grad=True`` its ``detach()``:
    the same numbers, read without torch's UserWarning ("Converting a tensor with
    requires_grad=True to a scalar ..."); the caller's tensor is left as it was."""
    if getattr(x, "requires_grad", False) is True and hasattr(x, "detach"):
        return x.detach()
    return x


def as_float(x, what="Value"):
    """``x`` as a float, or an error naming ``what`` and what was received.

    Accepts int, float and real scalars with ``__float__`` (numpy's float64,
    float32, int64, 0-d arrays).  Refuses bool (``True + v`` is almost
    always a bug), numpy bools, str, None, complex, arrays of more than one
    number and anything else; an int too large for a float is an
    OverflowError naming ``what``.
    """
    cls = x.__class__
    if cls is float:
        return x
    if cls is int:
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{what}: {short_repr(x)} is too large for a float "
                                f"(the largest float is about 1.8e308)") from None
    if hasattr(x, "_prev") and hasattr(x, "_opr"):
        raise TypeError(f"{what} needs a real number, got a Value ({x!r}); use its number, "
                        f"v.data, or keep it in the graph")
    dtype = getattr(x, "dtype", None)
    refused = (isinstance(x, (bool, str, bytes, complex)) or not hasattr(x, "__float__")
               or getattr(x, "ndim", 0) != 0
               or (dtype is not None and _not_real(dtype)))
    if not refused:
        try:        # (a tensor with requires_grad=True: its number, without torch's warning)
            return float(detached(x))
        except (TypeError, ValueError, OverflowError):
            pass
    truth = isinstance(x, bool) or getattr(dtype, "kind", None) == "b"
    raise TypeError(f"{what} needs a real number (int, float or a real scalar with "
                    f"__float__), got {cls.__name__} {short_repr(x)}" +
                    ("; a comparison gives a bool: float(b), or .astype(float) for a "
                     "comparison's array" if truth else ""))


def counted(n, noun):
    """``1 target``, ``3 targets``: a count of things in a message."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def short_repr(x, limit=60):
    """``repr(x)`` on one line, cut to ``limit`` characters; an int of 30 digits or
    more by its number of digits (``the int of 401 digits (10000...)``), without writing out
    one too long for Python to (more than 4300 digits)."""
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10 ** 30:
        if x.bit_length() <= 14_000:
            digits = str(abs(x))
            text = f"the int of {len(digits)} digits ({str(x)[:6]}...)"
        else:
            text = f"the int of about {int(x.bit_length() * 0.30103) + 1:,} digits"
    else:
        text = " ".join(repr(x).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def listlike(x, sized=False):
    """True when ``x`` holds items to be read one by one (a list, tuple, range,
    array, generator, ...): not text (str, bytes), not a mapping, not a 0-d
    array (it has ``__len__`` and no length), not one Value (it has no
    ``__iter__``).  ``sized``: ``len(x)`` must work too (a generator is refused).

    The one test of "a list of ..." behind every such argument's TypeError (per
    sample in training data: a list or tuple is answered before any ABC check)."""
    if x.__class__ in _SEQUENCES:
        return True
    return (hasattr(x, "__len__" if sized else "__iter__")
            and not isinstance(x, (str, bytes, Mapping))
            and getattr(x, "ndim", 1) != 0)



def same_rows(rows, width):
    """True when ``rows`` (a list) holds rows of ``width`` numbers, all lists or all
    tuples: the shape check the fast paths over training data start with, at C speed."""
    n = len(rows)
    kind = rows[0].__class__ if n else None
    return (kind in (list, tuple) and countOf(map(type, rows), kind) == n
            and countOf(map(len, rows), width) == n)


def flat_floats(rows, width):
    """Every number of ``rows`` (:func:`same_rows`) in one list when each is exactly a
    Python float (counted at C speed: a bool or an int is not), else None."""
    flat = reduce(iconcat, rows, [])    # list += row: half the time of list(chain(...))
    return flat if countOf(map(type, flat), float) == len(rows) * width else None


_SEQUENCES = frozenset((list, tuple, range))

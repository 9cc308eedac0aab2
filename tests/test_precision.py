"""autograd.precision: the digits a person typed decide what agrees.

The oracle is the decimal arithmetic of the typed digits themselves: a number
typed with n significant digits agrees with x when x rounded, or cut, to those
digits is that number.
"""

import math

import pytest

from autograd.precision import (
    DEFAULT_ATOL, DEFAULT_RTOL, is_number_text, precision_for, rounded_text,
    significant_digits, typed_precision,
)


@pytest.mark.parametrize("text, digits", [
    ("0.00142919", 6), ("-0.105", 3), ("0.08217", 4), ("-0.2026", 4), ("0.0014291881022", 11),
    ("-0.00497938", 6), ("1500", 4), ("1e-3", 1), ("1.50E+2", 3), (".5", 1), ("−0.25", 2),
    ("0", 0), ("0.000", 0),
])
def test_significant_digits_as_typed(text, digits):
    assert significant_digits(text) == digits


@pytest.mark.parametrize("text", ["0.1", "-2", "+3.5e-2", " 7 ", ".5", "5.", "−0.105"])
def test_number_texts(text):
    assert is_number_text(text)


@pytest.mark.parametrize("text", ["", "x", "1/2", "2h", "1e", "--1", "0.5.1", "nan", "inf"])
def test_not_number_texts(text):
    assert not is_number_text(text)


# the reported printed values against the engine values they were printed from
@pytest.mark.parametrize("typed, engine, how", [
    ("0.00142919", 0.0014291881022047, "rounds to"),        # seed 003, Desmos to 6 digits
    ("0.0014291881022", 0.0014291881022047, "rounds to"),   # Desmos as printed (11 digits)
    ("-0.00497938", -0.00497938631697, "begins with"),      # every printed digit right
    ("-0.105", -0.104994, "rounds to"),                     # a tanh neuron, 3 digits
    ("0.08217", 0.08216704056423078, "rounds to"),          # Mazur's ∂E/∂w5, 4 digits
    ("-0.2026", -0.2026198464311304, "rounds to"),          # a cross-entropy gradient
])
def test_printed_values_agree_with_what_they_were_printed_from(typed, engine, how):
    p = precision_for(float(typed), typed)
    assert p.mode == "typed" and p.digits == significant_digits(typed)
    assert p.agrees(engine) and p.reproduces(engine)
    assert p.how_agrees(engine) == f"{how} {typed}"
    assert p.describe() == f"the {p.digits} significant digits you gave"


@pytest.mark.parametrize("typed, engine", [
    ("0.00142919", 0.0014291781022),      # the 6th digit is wrong
    ("-0.00497937", -0.00497938631697),
    ("-0.105", -0.1044),
    ("0.08217", 0.0821),
    ("0.08217", -0.08217),                # the sign is a digit too
    ("0.005717", 0.0014291881022047),     # seed 003's asker, to 4 digits
])
def test_a_wrong_digit_does_not_agree(typed, engine):
    p = precision_for(float(typed), typed)
    assert not p.agrees(engine) and not p.reproduces(engine)


def test_a_printout_cut_short_agrees():
    """0.0014291881… printed with its digits cut: every printed digit is right."""
    for typed in ("0.0014291", "0.00142918", "0.001429188102204"):
        assert precision_for(float(typed), typed).how_agrees(0.0014291881022047) == \
            f"begins with {typed}"
    assert precision_for(0.00142918, "0.00142918").agrees(0.0014291881022047)


def test_rounding_and_cutting_at_the_boundary():
    p = precision_for(0.105, "0.105")
    assert p.agrees(0.1054999) and p.agrees(0.10451)         # rounds to 0.105
    assert p.agrees(0.1059999)                               # cut: 0.105|9999
    assert not p.agrees(0.1061) and not p.agrees(0.1044999)
    assert not p.agrees(math.nan) and not p.agrees(math.inf)
    # shown to the 3 significant digits typed, whatever the engine's size (hand-rounded)
    assert p.shown(0.10449) == "0.104" and p.shown(-0.0014) == "-0.00140"


def test_shown_as_the_rest_of_the_text_writes_numbers():
    """A zero gradient is 0 (never -0.0, as in the rest of the verdict), and a large one
    has a lowercase exponent like the engine's own 2e+200 (both by hand)."""
    assert precision_for(1e-13, "1e-13").shown(-0.0) == "0"
    assert precision_for(1.9999999e200, "1.9999999e200").shown(2e200) == "2.0000000e+200"


def test_a_typed_zero_means_zero():
    p = precision_for(0.0, "0")
    assert p.mode == "full" and p.agrees(0.0) and p.agrees(1e-13) and not p.agrees(1e-3)


def test_a_float_is_full_precision_unless_digits_say_otherwise():
    p = precision_for(0.00142919, from_float=True)
    assert p.mode == "full" and p.rtol == DEFAULT_RTOL and p.atol == DEFAULT_ATOL
    assert not p.agrees(0.0014291881022047)          # 1.3e-6 relative apart
    assert p.hint(0.0014291881022047) == 6           # but its 6 printed digits are right
    q = precision_for(0.0014291881022047, digits=6)
    assert q.mode == "typed" and q.text == "0.00142919" and q.value == 0.00142919
    assert q.agrees(0.0014291881022047)
    # digits= also re-rounds a typed number
    assert precision_for(0.00142919, "0.00142919", digits=3).text == "0.00143"


def test_rtol_and_atol_override_the_digits():
    p = precision_for(0.00142919, "0.00142919", rtol=1e-9)
    assert p.mode == "tolerance" and p.rtol == 1e-9 and p.atol == DEFAULT_ATOL
    assert not p.agrees(0.0014291881022047)
    q = precision_for(0.0014, "0.0014", atol=1e-4)
    assert q.agrees(0.0014291881022047) and q.rtol == DEFAULT_RTOL
    assert q.describe() == "tolerance: relative 1e-06, absolute 0.0001"


def test_the_diagnosis_matches_a_float_to_its_printed_digits():
    """0.005717 from Python: full precision for agreement, but the mistake that gives
    0.0057167524… reproduces it (seed 003's asker, typed to 4 digits)."""
    p = precision_for(0.005717, from_float=True)
    assert not p.agrees(0.0057167524088)
    assert p.reproduces(0.0057167524088)
    assert typed_precision(0.005717) == pytest.approx(6e-4)
    assert typed_precision(0.00571675240882) == pytest.approx(6e-12)


def test_within_a_finite_difference_and_its_error():
    """-0.105 is what -0.1055 .. -0.1045 round to and -0.106 .. -0.105 begin with."""
    p = precision_for(-0.105, "-0.105")
    assert p.agreeing(0.0) == pytest.approx((-0.106, -0.1045))
    assert p.within(-0.10499, 1e-9) and p.within(-0.1059, 1e-9)
    assert p.within(-0.1043, 2.1e-4) and not p.within(-0.1043, 1.9e-4)
    assert not p.within(-0.107, 1e-9) and not p.within(math.nan, 1.0)
    one = precision_for(1.0, "1")
    assert one.agreeing(0.0) == (0.5, 2.0) and not one.within(0.0, 7e-15)


@pytest.mark.parametrize("digits", [0, 18, 2.5, True, "6"])
def test_digits_must_be_a_count(digits):
    with pytest.raises(ValueError, match="digits must be an int from 1 to 17"):
        precision_for(0.1, digits=digits)


@pytest.mark.parametrize("name, value", [("rtol", -1e-3), ("atol", math.nan), ("rtol", "1e-3"),
                                         ("atol", math.inf), ("rtol", 1e309)])
def test_tolerances_must_be_numbers(name, value):
    """Oracle: inf is a number >= 0, so its refusal says finite (it said only '>= 0')."""
    with pytest.raises(ValueError, match=f"^check: {name} must be a finite number >= 0, got "):
        precision_for(0.1, **{name: value})


def test_rounded_text():
    from decimal import Decimal
    assert rounded_text(Decimal(0.0014291881022047), 6) == "0.00142919"
    assert rounded_text(Decimal("-0.00497938631697"), 6) == "-0.00497939"
    assert rounded_text(Decimal("123456"), 2) == "120000"


def test_numpy_scalars_are_numbers_for_digits_rtol_atol_and_eps():
    """check(..., atol=np.float32(1e-3)) said 'atol must be a number >= 0, got
    np.float32(0.001)' (and digits=np.int64(3), eps=np.float32(1e-6) alike), though the
    optimisers and Values take numpy scalars.  Oracle: the same verdict as the plain
    Python numbers give; a bool is still refused."""
    np = pytest.importorskip("numpy")
    from autograd import Value
    from autograd.check import check
    x, w = Value(2.0, name="x"), Value(-3.0, name="w")
    L = (x * w).named("L")                                   # ∂L/∂w = x = 2 by hand
    for numpy_kw, plain_kw in [(dict(digits=np.int64(3)), dict(digits=3)),
                               (dict(atol=np.float32(1e-3)), dict(atol=float(np.float32(1e-3)))),
                               (dict(rtol=np.float32(0.25)), dict(rtol=0.25)),
                               (dict(eps=np.float32(1e-3)), dict(eps=float(np.float32(1e-3))))]:
        for claim in ("2.00", "2.4", 2.0005):
            assert bool(check(L, "w", claim, **numpy_kw)) == bool(check(L, "w", claim,
                                                                        **plain_kw)), numpy_kw
    # |2.4 − 2| <= 0.25·2.4 and |2.7 − 2| > 0.25·2.7, by hand
    assert check(L, "w", 2.4, rtol=np.float32(0.25)) and not check(L, "w", 2.7,
                                                                    rtol=np.float32(0.25))
    for bad in (dict(digits=np.True_), dict(rtol=True), dict(atol=np.float64(-1.0)),
                dict(eps=np.float32("inf"))):
        with pytest.raises(ValueError, match="must be"):
            check(L, "w", "2.00", **bad)

"""check() reads what a learner types as their value and says exactly what a careful
teacher would: NaN and infinity typed as such, a value or a gradient that is not a
finite number, names that are no node's, numbers written with grouped digits."""

import math

import pytest

from autograd import Value
from autograd.check import check
from autograd.cli import main
from autograd.engine import all_nodes
from test_explain import DESMOS, SCRIPT_003, seed003


@pytest.fixture
def script003(tmp_path):
    path = tmp_path / "seed003.py"
    path.write_text(SCRIPT_003)
    return str(path)


def sqrt_at_zero():
    """L = √x at x = 0: dL/dx = 1/(2√x) is +inf there (by hand; PyTorch gives inf too)."""
    x = Value(0.0, name="x")
    L = x.sqrt().named("L")
    L.backward()
    return L, x


def times_nan():
    """L = x·c with c = NaN: dL/dx = c = NaN (by hand, IEEE)."""
    x = Value(2.0, name="x")
    L = (x * Value(math.nan, name="c", kind="constant")).named("L")
    L.backward()
    return L, x


@pytest.mark.parametrize("typed", ["inf", "Inf", "+inf", "infinity", "∞", " inf "])
def test_infinity_typed_as_text_agrees_with_an_infinite_gradient(typed):
    """dL/dx of √x at 0 is +inf (hand derivative 1/(2√x)): 'inf' typed is that number,
    as a matrix entry 'inf' already was."""
    L, x = sqrt_at_zero()
    assert x.grad == math.inf
    verdict = check(L, x, typed)
    assert verdict and verdict.expected == math.inf


def test_minus_infinity_against_plus_infinity_names_the_sign():
    L, x = sqrt_at_zero()
    verdict = check(L, x, "-inf")
    assert not verdict
    assert verdict.headline() == ("Disagrees: your value is -inf and the engine's ∂L/∂x is inf: "
                                  "the sign differs.")


def test_a_finite_value_against_an_infinite_gradient_says_none_agrees():
    """A finite number never agrees with +inf; the verdict says so rather than searching the
    derivation for a small mistake."""
    L, x = sqrt_at_zero()
    verdict = check(L, x, "1e308")
    assert not verdict and verdict.diagnosis is None
    assert verdict.headline() == "Disagrees: the engine's ∂L/∂x is inf, which no finite value agrees with."
    assert "significant digit" not in str(verdict) and "no small mistake" not in str(verdict)


@pytest.mark.parametrize("typed", ["nan", "NaN", float("nan")])
def test_nan_typed_agrees_with_nothing_and_is_named(typed):
    """Desmos's ∂O/∂w1 = 0.0014291881022 against a NaN: the first line says the value is NaN;
    no chain-rule mistake is searched for (none gives NaN)."""
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    assert abs(verdict.engine - DESMOS) < 1e-13
    assert not verdict and verdict.diagnosis is None
    assert verdict.headline() == "Disagrees: your value is NaN, which agrees with nothing."
    assert "no small mistake" not in str(verdict) and "ratio" not in str(verdict)


@pytest.mark.parametrize("typed", ["0.5", 2.0, "nan"])
def test_a_nan_gradient_is_named_as_the_engines_not_the_learners(typed):
    """dL/dx = c = NaN: whatever the learner typed, the verdict names the engine's own NaN
    instead of 'no small mistake reproduces your value' (which blames the derivation)."""
    L, x = times_nan()
    assert math.isnan(x.grad)
    verdict = check(L, x, typed)
    text = str(verdict)
    assert not verdict and verdict.diagnosis is None
    assert verdict.headline().startswith("Disagrees: the engine's own ∂L/∂x is NaN")
    assert "no small mistake" not in text and "which is nan to the" not in text


def test_cli_reads_nan_and_inf_as_numbers(script003, tmp_path, capsys):
    """--expected nan is a number (exit 1: it agrees with nothing), not a usage error (2);
    --expected inf agrees with √x's +inf at 0 (exit 0)."""
    assert main(["check", script003, "--wrt", "w1", "--expected", "nan"]) == 1
    assert capsys.readouterr().out.startswith("Disagrees: your value is NaN")
    script = tmp_path / "sqrt0.py"
    script.write_text("from autograd import Value\nx = Value(0.0, name='x')\n"
                      "L = x.sqrt().named('L')\nL.backward()\n")
    assert main(["check", str(script), "--wrt", "x", "--expected", "inf"]) == 0
    assert main(["check", str(script), "--wrt", "x", "--expected", "∞"]) == 0
    capsys.readouterr()


def two_biases():
    """The 1-1-1 network with a bias per neuron (the answer's b1, b2), x = 0.5, y = 1,
    and the hand gradient ∂L/∂b1 = h(1-h)·w2·y'(1-y')·(y'-y)."""
    x, y = Value(0.5, name="x"), Value(1.0, name="y")
    w1, w2 = Value(0.4, name="w1"), Value(-0.7, name="w2")
    b1, b2 = Value(0.1, name="b1"), Value(-0.2, name="b2")
    h = (x * w1 + b1).named("net1").sigmoid().named("h")
    yp = (h * w2 + b2).named("net2").sigmoid().named("y'")
    L = (0.5 * (y - yp) ** 2).named("L")
    L.backward()
    H, Y = h.data, yp.data
    return L, H * (1 - H) * -0.7 * Y * (1 - Y) * (Y - 1.0)


@pytest.mark.parametrize("wrt", ["b1", "b_1", "b_{1}"])
def test_a_bias_named_as_latex_writes_it_is_that_node(wrt):
    """b_1 means b1, as w_1 means w1: it was taken for a network's matrix name and refused
    with 'no network weights'."""
    L, hand = two_biases()
    verdict = check(L, wrt, repr(hand))
    assert verdict and verdict.explanation.wrt.name == "b1"


@pytest.mark.parametrize("wrt", ["b3", "W1", "W_2"])
def test_a_matrix_name_that_is_no_node_lists_the_names(wrt):
    """A name no node has, in a graph built by hand, gets the one-line error naming it and
    listing the names (and what a matrix name would need), not only 'no network weights'."""
    L, _ = two_biases()
    with pytest.raises(KeyError) as err:
        check(L, wrt, "0.1")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"check: no node named {wrt!r} in this graph; named nodes: "
                              f"L, b1, b2, h, net1, net2, w1, w2, x, y")
    assert "needs a network built with nn" in message


def test_cli_a_bias_written_b_1_is_found(tmp_path, capsys):
    """--wrt b_1 finds b1 (exit 0 with its hand value); --wrt b3 is a one-line usage error."""
    script = tmp_path / "biases.py"
    script.write_text(
        "from autograd import Value\n"
        "x, y = Value(0.5, name='x'), Value(1.0, name='y')\n"
        "w1, w2 = Value(0.4, name='w1'), Value(-0.7, name='w2')\n"
        "b1, b2 = Value(0.1, name='b1'), Value(-0.2, name='b2')\n"
        "h = (x * w1 + b1).named('net1').sigmoid().named('h')\n"
        "yp = (h * w2 + b2).named('net2').sigmoid().named(\"y'\")\n"
        "L = (0.5 * (y - yp) ** 2).named('L')\n"
        "L.backward()\n")
    _, hand = two_biases()
    assert main(["check", str(script), "--wrt", "b_1", "--expected", repr(hand)]) == 0
    capsys.readouterr()
    assert main(["check", str(script), "--wrt", "b3", "--expected", "0.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no node named 'b3'" in err and "b1, b2" in err


@pytest.mark.parametrize("typed", [r"\num{1.43e-3}", r"\num{0.00143}", r"$\num{1.43e-3}$",
                                   r"\mathbf{0.00143}"])
def test_a_number_in_siunitx_or_bold_markup_keeps_its_digits(typed):
    """Desmos's 0.0014291881022 rounds to 1.43e-3 at the 3 digits typed: \\num{1.43e-3} is that
    number, as it already was in a LaTeX matrix's entry."""
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    assert verdict and verdict.digits == 3


def test_a_number_in_markup_with_a_wrong_digit_disagrees():
    O, n = seed003()
    verdict = check(O, n["w1"], r"\num{1.44e-3}")
    assert not verdict and verdict.digits == 3


def test_digits_grouped_with_a_space_are_not_told_to_be_multiplied():
    """'0.001 43' is refused in one line that names the number it may be, not 'write *
    between them' (0.001·43 = 0.043 is not what was meant)."""
    O, n = seed003()
    with pytest.raises(ValueError) as err:
        check(O, n["w1"], "0.001 43")
    message = str(err.value)
    assert "\n" not in message and "position 7 ('43')" in message
    assert "write the number without spaces (0.00143)" in message
    with pytest.raises(ValueError) as err:
        check(O, n["w1"], "0.001 429 188")
    assert "write the number without spaces, or" in str(err.value)


def shared_bias():
    """Worked example 000's 1-1-1 network (one bias b in both neurons), x = 0.5, y = 1,
    w1 = 0.4, w2 = -0.7, b = 0.1, built micrograd-style with label=."""
    x, y = Value(0.5, label="x"), Value(1.0, label="y")
    w1, w2, b = Value(0.4, label="w1"), Value(-0.7, label="w2"), Value(0.1, label="b")
    h = (x * w1 + b).sigmoid()
    h.label = "h"
    yp = (h * w2 + b).sigmoid()
    yp.label = "y'"
    L = 0.5 * (y - yp) ** 2
    L.label = "L"
    L.backward()
    return L, w2


def by_hand_to_4_digits():
    """The asker's ∂L/∂w2 = h·y'(1-y')·(y'-y), right, worked out by hand with h and y'
    rounded to 4 digits (h = σ(0.3) = 0.5744, y' = σ(-0.30208) = 0.4250): -0.080712175;
    exact it is -0.08071435..."""
    def sigmoid(z):
        return 1 / (1 + math.exp(-z))
    h = round(sigmoid(0.5 * 0.4 + 0.1), 4)
    yp = round(sigmoid(h * -0.7 + 0.1), 4)
    exact_h = sigmoid(0.3)
    exact_yp = sigmoid(exact_h * -0.7 + 0.1)
    return h * yp * (1 - yp) * (yp - 1), exact_h * exact_yp * (1 - exact_yp) * (exact_yp - 1)


@pytest.mark.parametrize("as_text", [True, False])
def test_a_right_derivation_with_rounded_intermediates_is_not_called_a_mistake(as_text):
    """'Are my computations correct?': the formula is right and the value agrees with the
    engine's to 4 significant digits; the verdict disagrees at the digits given but says
    so and names rounding, not 'no small mistake reproduces your value'."""
    L, w2 = shared_bias()
    hand, exact = by_hand_to_4_digits()
    assert w2.grad == pytest.approx(exact, rel=1e-12)
    given = f"{hand:.6g}" if as_text else hand
    verdict = check(L, w2, given)
    text = str(verdict)
    assert not verdict
    at = "the 6 significant digits you gave" if as_text else "full precision"
    assert verdict.headline().startswith(f"Disagrees at {at} but agrees to 4 (the engine gives -0.080714")
    assert "rounded intermediate values" in verdict.headline()
    assert "No small mistake" not in text and "To its first 4 significant digits" in text


def test_a_last_digit_off_agrees_to_the_digits_before_it():
    """Desmos's 0.0014291881022 typed as 0.00142917: wrong in the 6th digit, right in 5."""
    O, n = seed003()
    verdict = check(O, n["w1"], "0.00142917")
    assert not verdict
    assert verdict.headline().startswith("Disagrees at the 6 significant digits you gave but "
                                         "agrees to 5 (the engine gives 0.00142919)")


def test_a_mistake_is_still_named_and_a_far_value_gets_no_rounding_remark():
    """4× the gradient is the missing w4·w2, w5·w3 (as before); 0.00136 agrees only to 2
    digits (fewer than 3): no remark about rounding."""
    O, n = seed003()
    assert check(O, n["w1"], "0.00571675").diagnosis.kind == "missing factors"
    verdict = check(O, n["w1"], "0.00136")
    assert "rounded intermediate" not in str(verdict)


def rounded_by_hand():
    """h, y' of worked example 000 rounded to 4 digits, as a hand computation carries them."""
    def sigmoid(z):
        return 1 / (1 + math.exp(-z))
    h = round(sigmoid(0.5 * 0.4 + 0.1), 4)
    return h, round(sigmoid(h * -0.7 + 0.1), 4)


def shared_bias_nodes():
    L, _ = shared_bias()
    return L, {n.name: n for n in all_nodes(L) if n.name}


@pytest.mark.parametrize("as_text", [True, False])
def test_a_mistake_worked_with_rounded_intermediates_is_still_named(as_text):
    """With h and y' rounded to 4 digits, the classic slips give values that no mistake
    reproduces to 6 digits; to their first 4 the diagnosis names them (by hand: the error
    written y-y' flips the sign; without y'(1-y') the σ' factor is missing; b followed
    only through net2 leaves out the path through net1)."""
    L, nodes = shared_bias_nodes()
    h, yp = rounded_by_hand()
    slips = [("w2", h * yp * (1 - yp) * (1 - yp), "sign flip"),
             ("w2", h * (yp - 1), "missing factors"),
             ("b", yp * (1 - yp) * (yp - 1), "missing path")]
    for name, hand, kind in slips:
        verdict = check(L, nodes[name], f"{hand:.6g}" if as_text else hand)
        assert not verdict and verdict.diagnosis.kind == kind, (name, str(verdict))
        assert "No small mistake" not in str(verdict)
        if kind != "missing factors" or not as_text:   # -0.33028 is h·(y'-y) to 6 digits too
            assert verdict.headline().endswith("(to its first 4 significant digits; rounding "
                                               "changes the rest).")


def test_the_power_rules_2_left_out_is_named():
    """L = (x·w - y)² at x = 0.7, w = 2, y = 1: ∂L/∂w = 2(x·w - y)·x = 0.56 by hand; the
    learner who writes d(u²)/du = u gets 0.28, half of it, and the 2 is named."""
    x, w = Value(0.7, name="x"), Value(2.0, name="w")
    L = ((x * w - Value(1.0, name="y", kind="constant")) ** 2).named("L")
    L.backward()
    assert w.grad == pytest.approx(2 * (0.7 * 2 - 1) * 0.7, rel=1e-15)
    verdict = check(L, w, "0.28")
    assert not verdict and verdict.diagnosis.kind == "missing coefficient"
    assert verdict.headline() == "Disagrees: your value leaves out the 2 of ∂L/∂(x·w-y) = 2(x·w-y)."
    assert "the power rule" in str(verdict)


def test_micrograd_readme_half_its_gradient_is_the_2_of_e_squared():
    """micrograd's README prints dg/da = 138.8338; every path to g runs through f = e², so
    69.4169, half of it, is the chain rule without the 2 of d(e²)/de = 2e."""
    from test_check_digits import micrograd_readme
    g, a = micrograd_readme()
    assert f"{a.grad:.4f}" == "138.8338"
    verdict = check(g, a, "69.4169")
    assert not verdict and verdict.diagnosis.kind == "missing coefficient"
    assert verdict.diagnosis.finding.startswith("your value leaves out the 2 of ")


def test_worked_example_000_without_the_2_of_the_square():
    """L = ½(y - y')²: ∂L/∂w2 = h·y'(1-y')·(y'-y); with the 2 of the square left out (the ½
    kept) it is half that."""
    L, w2 = shared_bias()
    _, exact = by_hand_to_4_digits()
    verdict = check(L, w2, exact / 2)
    assert verdict.diagnosis.kind == "missing coefficient", str(verdict)


@pytest.mark.parametrize("eps", [1e-17, 1e-300])
def test_a_step_below_the_floats_spacing_is_named_not_a_zero_division(eps):
    """x = 0.5: floats there are math.ulp(0.5) = 1.1e-16 apart, so x ± 1e-17 is
    0.5 itself and (x+h) - (x-h) = 0. check still judges the value (∂(x²)/∂x = 2x = 1 by
    hand) and says why there is no finite difference; finite_difference and gradcheck
    refuse in one line. Before: ZeroDivisionError 'float division by zero'."""
    from autograd.check import finite_difference, gradcheck
    x = Value(0.5, name="x")
    L = (x * x).named("L")
    L.backward()
    verdict = check(L, x, "1", eps=eps)
    assert verdict and math.isnan(verdict.finite_difference)
    assert f"No finite-difference estimate: eps={eps!r} does not move 0.5" in str(verdict)
    with pytest.raises(ValueError, match=r"^finite_difference: eps=.* does not move 0\.5"):
        finite_difference(L, x, eps)
    with pytest.raises(ValueError, match=r"^gradcheck: input 1 \(x1\): eps="):
        gradcheck(lambda a: a * a, [0.5], eps=eps)
    assert x.data == 0.5 and L.data == 0.25 and x.grad == 1.0


@pytest.mark.parametrize("typed, other, same", [("0.00783", "w2", "w3"), ("0.0976", "w4", "w5")])
def test_another_weights_gradient_is_named_when_a_symmetric_twin_shares_it(typed, other, same):
    """The Desmos network has every weight 0.5, so ∂O/∂w2 = ∂O/∂w3 = σ'(net4)·w4·σ'(net2)·h1
    = 0.0078344 and ∂O/∂w4 = ∂O/∂w5 = σ'(net4)·h2 = 0.09757 (by hand). A value typed for w1
    that is one of them names them; before, two equal matches named neither."""
    O, n = seed003()
    h1 = 1 / (1 + math.exp(-1.5))
    h2 = 1 / (1 + math.exp(-(0.5 * h1 + 1)))
    o = 1 / (1 + math.exp(-(h2 * 0.5 * 2 + 1)))
    hand = {"w2": o * (1 - o) * 0.5 * h2 * (1 - h2) * h1, "w4": o * (1 - o) * h2}
    assert f"{hand[other]:.3g}" == typed
    verdict = check(O, n["w1"], typed)
    assert not verdict
    assert verdict.headline() == (f"This is ∂O/∂{other} (= ∂O/∂{same} here), not ∂O/∂w1: your "
                                  f"value is that node's gradient.")


def test_a_value_two_leaves_with_different_gradients_match_names_neither():
    """x·a + y·b at a = 0.1234, b = 0.1236: ∂/∂x = 0.1234 and ∂/∂y = 0.1236 both round to
    '0.12'; asked about a (∂/∂a = x = 2), '0.12' is not named as either's."""
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    a, b = Value(0.1234, name="a"), Value(0.1236, name="b")
    L = (x * a + y * b).named("L")
    L.backward()
    assert check(L, a, "0.12").convention is None


@pytest.mark.parametrize("gradient, typed, how", [
    (0.15, "0.1", "begins with 0.1"), (0.15, "0.2", "rounds to 0.2"),
    (-0.15, "-0.1", "begins with -0.1"), (-0.15, "-0.2", "rounds to -0.2"),
    (0.25, "0.2", "rounds to 0.2"), (0.25, "0.3", "rounds to 0.3"),
    (1500.0, "1e3", "begins with 1e3"), (1500.0, "2e3", "rounds to 2e3")])
def test_a_tie_rounds_only_the_ways_rounding_goes(gradient, typed, how):
    """0.15 rounded to 1 digit is 0.2, half up and half to even alike (a Decimal oracle);
    0.1 is 0.15 cut, which agrees too but is not 'rounds to 0.1'. 0.25 rounds to 0.2 (half
    to even) or 0.3 (half up)."""
    from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
    unit = Decimal(1).scaleb(Decimal(typed).as_tuple().exponent)
    shown = Decimal(repr(gradient))
    ways = {shown.quantize(unit, rounding=r) for r in (ROUND_HALF_EVEN, ROUND_HALF_UP)}
    assert (Decimal(typed) in ways) == how.startswith("rounds")
    assert how.startswith("rounds") or shown.quantize(unit, rounding=ROUND_DOWN) == Decimal(typed)
    x = Value(1.0, name="x")
    L = (x * gradient).named("L")
    L.backward()
    verdict = check(L, x, typed)
    assert verdict and f"the engine's {gradient:g} {how}." in str(verdict)


@pytest.mark.parametrize("stated", ["0.0807", "-0.0807122"])
def test_a_right_formula_with_a_wrong_number_after_it_says_so_first(stated):
    """Worked example 000's ∂L/∂w2 = h·y'(1-y')·(y'-y) is right (the engine's -0.0807144,
    by hand); the number written after it is not (the sign, or rounded intermediates). The
    first line says both, not a bare 'Agrees with the engine's ...'."""
    L, w2 = shared_bias()
    _, exact = by_hand_to_4_digits()
    verdict = check(L, w2, f"h·y'(1-y')·(y'-y) = {stated}")
    assert verdict and verdict.formula_value == pytest.approx(exact, rel=1e-12)
    assert verdict.headline() == (f"Agrees: your formula gives the engine's -0.0807143502844, "
                                  f"but not the {stated} you wrote after it.")
    verdict = check(L, w2, "h·y'(1-y')·(y'-y) = -0.08071")
    assert verdict.headline().startswith("Agrees with the engine's -0.0807143502844")
    verdict = check(L, w2, f"h·y'(1-y')·(y'-y) = {stated}", digits=4)
    assert verdict.headline() == (f"Agrees: your formula gives the engine's -0.08071, but not "
                                  f"the {stated} you wrote after it.")


def times(gradient):
    """L = x·c: ∂L/∂x = c (by hand)."""
    x = Value(1.0, name="x")
    L = (x * gradient).named("L")
    L.backward()
    return L, x


@pytest.mark.parametrize("given, digits, shown", [
    ("1773.8", 3, "1770"), (1773.8, 3, "1770"), (1773.8, 2, "1800"), ("1774", 2, "1800"),
    (1773.8061946469415, 1, "2000")])
def test_digits_fewer_than_a_whole_numbers_places_agree(given, digits, shown):
    """∂L/∂x = 1773.8061946469415 to 3 significant digits is 1770 (a Decimal oracle); with
    digits=3 the verdict said 'Your ∂L/∂x = 1770 does not agree with the engine's
    1773.80619465, which is 1770 to the 3 significant digits you gave' (the rounded text
    1770 was re-read with 4 digits). Even the engine's own float disagreed with digits=1."""
    from decimal import ROUND_HALF_EVEN, Decimal
    d = Decimal(repr(1773.8061946469415))
    assert d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_HALF_EVEN) \
        == Decimal(shown)
    L, x = times(1773.8061946469415)
    verdict = check(L, x, given, digits=digits)
    assert verdict and verdict.headline() == (f"Agrees to the {digits} significant "
                                              f"digit{'s' if digits > 1 else ''} you gave.")
    assert f"rounds to {shown}." in str(verdict)


def test_a_whole_numbers_trailing_zeros_that_only_hold_the_place_are_named():
    """'1770' counts 4 significant digits (1773.8 is 1774 to 4: it disagrees); to its 3
    digits without the zero it agrees, and the verdict says so instead of 'no small
    mistake reproduces your value' or 'rounded intermediate values'."""
    L, x = times(1773.8061946469415)
    verdict = check(L, x, "1770")
    assert not verdict and verdict.digits == 4
    assert verdict.headline() == ("Disagrees at the 4 significant digits 1770 has, counting its "
                                  "trailing zeros, but agrees to 3 (the engine gives 1774): if "
                                  "the zeros only hold the place, pass digits=3.")
    assert "rounded intermediate" not in str(verdict) and "No small mistake" not in str(verdict)
    assert "Next:" not in str(verdict) and check(L, x, "1770", digits=3)
    assert "hold the place" not in check(L, x, "1780").headline()


@pytest.mark.parametrize("typed, message", [
    ("0,00143", "is written with a decimal comma; write the decimal point as a dot: 0.00143"),
    ("0,123", "is written with a decimal comma; write the decimal point as a dot: 0.123"),
    ("1,234.5", "groups its digits with commas; write it without them: 1234.5"),
    ("12,345,678", "groups its digits with commas; write it without them: 12345678"),
    ("1,234", "has a comma that is a decimal comma or groups thousands; write 1.234 or 1234")])
def test_a_comma_in_a_number_is_named_for_what_it_may_be(typed, message):
    """'1,234.5' was 'cannot read the formula at position 2: expected an operator', and
    '1,234' was taken for a decimal comma only (it may group thousands)."""
    O, n = seed003()
    with pytest.raises(ValueError) as err:
        check(O, n["w1"], typed)
    assert str(err.value) == f"check: {typed!r} {message}"


def test_cli_a_comma_grouping_thousands_is_a_usage_error(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--expected", "1,234.5"]) == 2
    assert capsys.readouterr().err == ("chainrule check: --expected 1,234.5 groups its digits "
                                       "with commas; write it without them: --expected 1234.5\n")


@pytest.mark.parametrize("typed, plain", [
    ("0.143%", "0.00143"), ("14.3 %", "0.143"), (r"$0.143\%$", "0.00143"),
    ("-1.4e-1%", "-0.0014"), ("100%", "1.00")])
def test_a_percentage_is_named_with_the_plain_number_to_write(typed, plain):
    """'0.143%' was "cannot read the formula at position 6 ('%')". The number to write is
    the percentage over 100 with the digits typed (by hand: 0.143 % = 0.00143, 3 digits),
    and written that way it agrees with ∂O/∂w1 = 0.0014291881022 (Desmos's number)."""
    O, n = seed003()
    with pytest.raises(ValueError) as err:
        check(O, n["w1"], typed)
    assert str(err.value) == (f"check: {typed.strip()!r} is a percentage; a gradient is a plain "
                              f"number: {plain}")
    if plain.lstrip("-").startswith("0.001"):
        assert bool(check(O, n["w1"], plain)) == (not plain.startswith("-"))


@pytest.mark.parametrize("typed", ["1%2", "14 % 3", "0.5%)"])
def test_a_percent_sign_inside_the_text_is_not_called_a_percentage_of_other_digits(typed):
    """'1%2' (Python's 1 mod 2, or a slip) was told "is a percentage; a gradient is a plain
    number: 0.12": the % was dropped from the middle and '12' divided by 100.  No plain
    number has those digits: the formula reader names the % where it stands."""
    O, n = seed003()
    with pytest.raises(ValueError) as err:
        check(O, n["w1"], typed)
    assert "is a percentage" not in str(err.value) and "0.12" not in str(err.value)
    assert f"at position {typed.index('%') + 1} ('%')" in str(err.value)


@pytest.mark.parametrize("typed, message", [
    ("1.43 × 10-3", "reads as 1.43·10 − 3; if -3 is the exponent (a superscript lost in "
                    "pasting), write 1.43e-3"),
    ("1.43x10-3", "reads as 1.43·10 − 3; if -3 is the exponent (a superscript lost in "
                  "pasting), write 1.43e-3"),
    (r"1.43 \cdot 10−3", "reads as 1.43·10 − 3; if -3 is the exponent (a superscript lost in "
                         "pasting), write 1.43e-3"),
    ("1,43·10⁻³", "is written with a decimal comma; write the decimal point as a dot: 1.43·10⁻³"),
    (r"1,43 \times 10^{-3}", "is written with a decimal comma; write the decimal point as a "
                             r"dot: 1.43 \times 10^{-3}")])
def test_scientific_notation_pasted_without_its_superscript_or_with_a_comma_is_named(typed,
                                                                                    message):
    """'1.43 × 10-3' (10⁻³ copied from a page without its superscript) was judged as the
    formula 1.43·10 − 3 = 11.3 ('no small mistake reproduces your formula'), and '1,43·10⁻³'
    got 'expected an operator at ,'. Written as the error says, 1.43e-3 agrees with Desmos's
    0.0014291881022 (3 digits, by hand)."""
    O, n = seed003()
    with pytest.raises(ValueError) as err:
        check(O, n["w1"], typed)
    assert str(err.value) == f"check: {typed.strip()!r} {message}"
    assert check(O, n["w1"], message.rpartition(" ")[2])


def test_cli_a_percentage_is_a_usage_error(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.143%"]) == 2
    assert capsys.readouterr().err == ("chainrule check: --expected 0.143% is a percentage; a "
                                       "gradient is a plain number: --expected 0.00143\n")


def test_a_comma_in_a_matrix_questions_one_number_is_named_too():
    """b2 of the mini-batch blog's network is 1 × 1: '0,01458' is named as a decimal comma
    there too (it was "expected ';' at character 2 of the formula")."""
    import nn
    X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
    net = nn.MLP.from_matrices([[[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], [[0.8], [-0.6], [0.4]]],
                               [[[0.0, 0.1, -0.2]], [[-0.1]]], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), [[1.0], [0.0], [0.0], [1.0]])
    cost.backward()
    with pytest.raises(ValueError) as err:
        check(cost, "b2", "0,01458")
    assert str(err.value) == ("check: '0,01458' is written with a decimal comma; write the "
                              "decimal point as a dot: 0.01458")
    assert check(cost, "b2", "0.01458")


@pytest.mark.parametrize("typed, entry, problem", [
    ("[[0.403%], [0.940%], [0.769%]]", "'0.403%'",
     "is a percentage; a gradient is a plain number: 0.00403"),
    ("[[0.403 %], [0.940 %], [0.769 %]]", "'0.403 %'",
     "is a percentage; a gradient is a plain number: 0.00403"),
    (r"\begin{bmatrix} 0.403\% \\ 0.940\% \\ 0.769\% \end{bmatrix}", r"'0.403\\%'",
     "is a percentage; a gradient is a plain number: 0.00403"),
    ("[[4.03x10-3], [9.40x10-3], [7.69x10-3]]", "'4.03x10-3'",
     "reads as 4.03·10 − 3; if -3 is the exponent (a superscript lost in pasting), write 4.03e-3")])
def test_a_matrix_entry_typed_as_a_percentage_or_a_lost_exponent_is_named(typed, entry, problem):
    """The mini-batch blog's ∂C/∂W2 with its entries as percentages got "the entry in row 1,
    column 1 is '0.403%', not a number" (0.403 % as a space apart: a 3×2 matrix), where the
    same number alone is named a percentage.  Oracle: by hand 0.403 % = 0.00403 at 3 digits
    and 4.03·10⁻³ = 4.03e-3; the blog's published W2, 0.00403, 0.00940, 0.00769, agrees."""
    import nn
    X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
    net = nn.MLP.from_matrices([[[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], [[0.8], [-0.6], [0.4]]],
                               [[[0.0, 0.1, -0.2]], [[-0.1]]], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), [[1.0], [0.0], [0.0], [1.0]])
    cost.backward()
    with pytest.raises(ValueError) as err:
        check(cost, "W2", typed)
    assert str(err.value) == f"expected: the entry in row 1, column 1, {entry}, {problem}"
    assert check(cost, "W2", "[[0.00403], [0.00940], [0.00769]]")


@pytest.mark.parametrize("typed", [
    ["4.03 × 10⁻³", r"9.40 \times 10^{-3}", "7.69*10^-3"],
    "[[4.03×10⁻³], [9.40×10⁻³], [7.69×10⁻³]]",
    "4.03 × 10⁻³, 9.40 × 10⁻³, 7.69 × 10⁻³",
    r"4.03 \times 10^{-3}, 9.40 \times 10^{-3}, 7.69 \times 10^{-3}"])
def test_matrix_entries_in_scientific_notation_as_a_calculator_prints_them(typed):
    """A matrix's entries typed as 4.03 × 10⁻³, as one number may be, were 'not a number'
    (and the same numbers separated by commas 'expected ';' at character 12 of the
    formula').  Oracle: the mini-batch blog's published ∂C/∂W2, 0.00403, 0.00940, 0.00769;
    7.70 × 10⁻³ is off in its third digit."""
    import nn
    X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
    net = nn.MLP.from_matrices([[[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], [[0.8], [-0.6], [0.4]]],
                               [[[0.0, 0.1, -0.2]], [[-0.1]]], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), [[1.0], [0.0], [0.0], [1.0]])
    cost.backward()
    assert check(cost, "W2", typed)
    off = [entry.replace("7.69", "7.70") for entry in typed] if isinstance(typed, list) else \
        typed.replace("7.69", "7.70")
    assert not check(cost, "W2", off)
    with pytest.raises(ValueError, match=r"^expected: the entry in row 1, column 1, '4.03 × "
                                         r"10-3', reads as 4.03·10 − 3;"):
        check(cost, "W2", "4.03 × 10-3, 9.40 × 10⁻³, 7.69 × 10⁻³")


@pytest.mark.parametrize("typed, digits", [("≈0.00143", 3), ("~0.00143", 3), ("≈ 1.43e-3", 3),
                                           ("0.0014291...", 5), ("0.0014291…", 5),
                                           (".00143...", 3)])
def test_a_number_marked_approximate_is_its_digits(typed, digits):
    """Desmos's 0.0014291881022 written as ≈0.00143 or with its digits trailing off,
    0.0014291..., is that number with the digits shown (it was 'this character is not part
    of a formula')."""
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    assert verdict and verdict.digits == digits


@pytest.mark.parametrize("typed, digits", [(r"\approx 0.00143", 3), (r"$\approx 1.43e-3$", 3),
                                           (r"\sim 0.00143", 3), (r"0.0014291\ldots", 5),
                                           (r"\approx -0.00143", 3)])
def test_a_number_marked_approximate_in_latex_is_its_digits(typed, digits):
    """\\approx 0.00143 (LaTeX's ≈) was "cannot read the formula at position 1 ('≈')";
    it is Desmos's 0.0014291881022 to 3 digits, as ≈0.00143 is (the negative: a sign flip)."""
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    assert verdict.digits == digits
    assert bool(verdict) == (not typed.startswith(r"\approx -"))


def test_a_wrong_digit_marked_approximate_still_disagrees():
    O, n = seed003()
    assert not check(O, n["w1"], "≈0.00144")


@pytest.mark.parametrize("typed, engine, ratio", [
    ("5", 3.0, "1.7"), ("0.005717", DESMOS, "4"), ("0.00144", DESMOS, "1.01"),
    ("0.00142917", DESMOS, "0.999987")])
def test_the_ratio_is_printed_to_the_digits_typed(typed, engine, ratio):
    """A ratio has no more meaningful digits than the value typed (at least 2): 5 (1 digit)
    against 3 is 1.7, not 1.66667; 0.005717 against 0.0014291881022 is 4.000 (printed 4),
    not 4.00017 (a Decimal oracle, %g). A ratio that is not 1 still never reads as 1."""
    from decimal import Decimal
    digits = max(2, min(len(Decimal(typed).as_tuple().digits), 6))
    assert f"{float(Decimal(typed) / Decimal(repr(engine))):.{digits}g}" == ratio
    if engine == DESMOS:
        O, n = seed003()
        verdict = check(O, n["w1"], typed)
    else:
        verdict = check(*times(engine), typed)
    assert not verdict and f"the ratio expected/engine is {ratio}. " in str(verdict)


@pytest.mark.parametrize("typed", ["1.43x10^-3", "1.43 x 10^-3", "1.43X10^{-3}", "1.43x10**-3"])
def test_scientific_notation_with_a_letter_x_is_the_number(typed):
    """1.43x10^-3, as typed without a × key, is 1.43e-3 (3 digits: Desmos's 0.0014291881022
    rounds to it); it was "no node named 'x10'"."""
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    assert verdict and verdict.digits == 3
    assert not check(O, n["w1"], typed.replace("1.43", "1.44"))


def test_no_mistake_found_names_every_mistake_searched_for():
    """L = (x·w - y)² at x = 0.7, w = 2, y = 1: ∂L/∂w = 2(x·w - y)·x = 0.56 by hand, and
    7.00 (12.5 times it, no whole factor) is no small mistake's value.  The sentence
    saying so lists every kind the search tries (docs/check-and-explain.md, 'What the
    diagnosis says'): it left out the power rule's 2 and the one path counted alone though
    both are searched."""
    x, w = Value(0.7, name="x"), Value(2.0, name="w")
    L = ((x * w - Value(1.0, name="y", kind="constant")) ** 2).named("L")
    verdict = check(L, w, "7.00")
    assert not verdict and verdict.diagnosis.kind is None
    message = verdict.diagnosis.message
    for kind in ("a sign flip", "one term of a sum", "a path left out", "counted alone",
                 "the number in front of a local derivative", "factors left out of every path",
                 "(2 of one path)"):
        assert kind in message, (kind, message)


@pytest.mark.parametrize("typed", [r"1.43\mathrm{e}{-3}", r"1.43\mathrm{E}-3", r"$1.43 \text{e}{−3}$",
                                   r"1.43\,\mathrm{e}{-3}"])
def test_an_upright_e_between_a_number_and_its_exponent_is_scientific_notation(typed):
    """'1.43\\mathrm{e}{-3}' (scientific notation as LaTeX sets the e upright) was read as
    the formula 1.43·e·(−3) = −11.66 and judged a mistake; \\mathrm{E} was 'no node has this
    name'.  Oracle: by hand 1.43·10⁻³ = 0.00143 with 3 digits, which Desmos's
    ∂O/∂w1 = 0.0014291881022 rounds to."""
    from autograd.formula import number_text
    O, n = seed003()
    O.backward()
    assert number_text(typed) == "1.43e-3"
    assert check(O, n["w1"], typed)
    formula = check(O, n["w1"], "h1·" + typed.strip("$")).formula
    assert formula.evaluate() == 1.43e-3 * n["h1"].data
    assert formula.reading() == "h1·1.43e-3"


def test_a_number_as_a_0d_array_or_tensor_and_an_array_for_one_node():
    """numpy's and PyTorch's 0-d arrays hold one number (dW.sum(), a tensor's entry
    t.grad[0, 1]); check(C, 'w2_12', np.array(x)) raised numpy's own 'only integer scalar
    arrays can be converted to a scalar index' (a 0-d float was taken for an int), and a
    whole array for one node gave an error of several lines (its repr). Oracle: numpy
    backprop by hand of a 2-3-1 network, C = 1/(2m) Σ ‖a − y‖²."""
    np = pytest.importorskip("numpy")
    import nn
    rng = np.random.default_rng(0)
    W2, b2, W3, b3 = (rng.normal(size=s) for s in ((3, 2), (3, 1), (1, 3), (1, 1)))
    X, Y = rng.normal(size=(2, 4)), rng.uniform(size=(1, 4))
    net = nn.MLP.from_matrices([W2, W3], [b2, b3], layout="columns")
    C = nn.half_mean_squared_error(net.batch(X.T), Y.T)
    C.backward()
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    A2 = sig(W2 @ X + b2)
    A3 = sig(W3 @ A2 + b3)
    d3 = (A3 - Y) / 4 * A3 * (1 - A3)
    dW2 = ((W3.T @ d3) * A2 * (1 - A2)) @ X.T
    db3 = d3.sum(axis=1, keepdims=True)
    given = [np.array(dW2[0, 1]), np.array(dW2[0, 1], dtype=np.float32)]
    torch = None
    try:
        import torch
    except ImportError:
        pass
    if torch is not None:
        given += [torch.tensor(dW2)[0, 1], torch.tensor(dW2[0, 1], dtype=torch.float32)]
    for number in given:
        verdict = check(C, "w2_12", number)
        assert verdict and verdict.expected == pytest.approx(dW2[0, 1], rel=1e-7)
    assert not check(C, "w2_12", np.array(-dW2[0, 1]))
    assert "wrong sign" in check(C, "w2_12", np.array(-dW2[0, 1])).headline()
    before = [p.grad for p in net.parameters()]
    for array, words in ((db3, "of shape (1, 1): pass its one number (.item())"),
                         (dW2, "of shape (3, 2): for one node pass that entry's number")):
        with pytest.raises(TypeError) as err:
            check(C, "b3_1", array)
        assert words in str(err.value) and "\n" not in str(err.value)
    assert [p.grad for p in net.parameters()] == before
    assert check(C, "b3_1", db3.item())


def test_cli_expected_naming_a_value_or_a_class_says_what_it_found_and_what_to_pass(tmp_path,
                                                                                    capsys):
    """--expected mine, where the script's mine is a Value, said "expected must be a number,
    a number or formula typed as text, or a function of no arguments ..." (the Python API's
    words, no .data); --expected Value called the class: "Value.__init__() missing 1
    required positional argument: 'data'".  Now each is one line naming what was found
    and what to pass, and what it advises works.  By hand: L = (x·w)², ∂L/∂w = 2x²w = 24
    at x = 2, w = 3."""
    script = tmp_path / "mine.py"
    script.write_text("from autograd import Value\n"
                      "x, w = Value(2.0, name='x'), Value(3.0, name='w')\n"
                      "L = ((x * w) ** 2).named('L')\n"
                      "mine = Value(2 * 2.0 ** 2 * 3.0, name='mine')\n"
                      "mine_number = mine.data\n"
                      "L.backward()\n")
    assert main(["check", str(script), "--wrt", "w", "--expected", "mine"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" not in err and "function of no" not in err, err
    assert err.startswith("chainrule check: --expected mine: the script's mine is a Value "
                          "(Value(data=24.0"), err
    assert "--expected 24.0" in err and "mine.data" in err, err
    assert main(["check", str(script), "--wrt", "w", "--expected", "24.0"]) == 0
    assert main(["check", str(script), "--wrt", "w", "--expected", "mine_number"]) == 0
    capsys.readouterr()
    assert main(["check", str(script), "--wrt", "w", "--expected", "Value"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" not in err, err
    assert err.startswith("chainrule check: --expected Value: the script's Value is the class "
                          "autograd.value.Value, not a number"), err


def test_the_rounding_advice_shows_a_number_of_the_learners_own_graph():
    """The advice 'intermediate values rounded along the way (0.5744 for 0.574442516...)'
    quoted h = σ(0.3) of the shared-bias question whatever the graph: for f = x·cos(cx) at
    x = 0.7, c = 2, which has no 0.5744, too.  It now quotes the first number the learner's
    graph computes with more than 4 significant digits.  Oracle: σ(0.3) and cos(1.4) by hand."""
    L, w2 = shared_bias()
    hand, _ = by_hand_to_4_digits()
    h = 1 / (1 + math.exp(-0.3))
    assert f"(0.5744 for {h:.9g}...)" in str(check(L, w2, f"{hand:.6g}"))
    x, c = Value(0.7, name="x"), Value(2.0, name="c")
    f = (x * (c * x).cos()).named("f")
    f.backward()
    exact = math.cos(1.4) - 1.4 * math.sin(1.4)             # f'(x) = cos(cx) - cx·sin(cx)
    assert x.grad == pytest.approx(exact, rel=1e-14)
    text = str(check(f, x, f"{exact:.5g}"[:-1] + "5"))         # -1.2095: off in its 5th digit
    assert "To its first 4 significant digits" in text and "0.5744" not in text, text
    assert f"rounded along the way ({math.cos(1.4):#.4g} for {math.cos(1.4):.9g}...)" in text

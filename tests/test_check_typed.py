"""check() reads what a learner types as their value and says exactly what a careful
teacher would: NaN and infinity typed as such, a value or a gradient that is not a
finite number, names that are no node's, numbers written with grouped digits."""

import math

import pytest

from autograd import Value
from autograd.check import check
from autograd.cli import main
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

"""Numbers a person reads: never ``-0``; rounding noise reads 0 in pictures.

Oracle: IEEE arithmetic by hand.  relu'(-1) = 0, so with a negative upstream
gradient the contribution 0 · (-0.5) is -0.0, and 0.1 + 0.2 - 0.3 is
5.55e-17, not 0, beside numbers near 1.
"""

import io
import re

from autograd import Value, check, draw, explain
from autograd.notation import NEGLIGIBLE, shown_number
from autograd.page import step_page
from autograd.stepper import Stepper

MINUS_ZERO = re.compile(r"(?<![\w.])-0(?![.\deE])")


def relu_graph():
    """y = -0.5·relu(x·w): x·w = -1, so relu' = 0 and x, w get 0 · -0.5 = -0.0."""
    x = Value(-1.0, name="x")
    w = Value(1.0, name="w", kind="parameter")
    r = (x * w).relu().named("r")
    z = (r * 0.0).named("z")          # data -0.0 · ... : a node whose data is -0.0 too
    y = (r * -0.5 + z * -1.0).named("y")
    return y, x, w, r, z


def test_the_values_really_are_minus_zero():
    y, x, w, r, z = relu_graph()
    y.backward()
    steps = list(y.backward_steps())
    assert any(str(e.contribution) == "-0.0" for s in steps for e in s.edges)
    assert str(z.data * -1.0) == "-0.0"


def test_no_minus_zero_in_steps_stepper_explain_check_draw_page():
    y, x, w, r, z = relu_graph()
    y.backward()
    texts = [str(s) for s in y.backward_steps()]
    out = io.StringIO()
    stepper = Stepper(y, out=out)
    stepper.command("c")
    texts.append(out.getvalue())
    texts.append(str(explain(y, "w")))
    texts.append(str(check(y, "w", 0.0)))
    texts.append(draw(y).source.split("tooltip")[0])
    page = step_page(y)
    texts.append(re.sub(r"tooltip=\"[^\"]*\"|xlink:title=\"[^\"]*\"", "", page))
    for text in texts:
        assert not MINUS_ZERO.search(text), MINUS_ZERO.search(text).string[
            max(0, MINUS_ZERO.search(text).start() - 60):MINUS_ZERO.search(text).end() + 20]


def test_rounding_noise_reads_0_in_pictures_but_not_in_the_tooltip():
    a = Value(0.1, name="a")
    b = Value(0.2, name="b")
    c = Value(0.3, name="c")
    noise = (a + b - c).named("noise")           # 5.551115123125783e-17
    assert noise.data != 0.0 and abs(noise.data) < 1e-16
    y = (noise + a * 10.0).named("y")           # the graph's largest number is 10
    y.backward()
    source = draw(y).source
    record = next(line for line in source.splitlines() if "<B>noise</B>" in line)
    assert "data 0<" in record and "e-17" not in record.split("tooltip")[0]
    assert repr(noise.data) in record.split("tooltip")[1]   # the raw number is kept
    assert shown_number(1e-9, 4, 10.0) == "1e-09"            # small but not noise: kept
    assert shown_number(-1e-13 * 10.0 * 0.5, 4, 10.0) == "0"
    assert NEGLIGIBLE == 1e-12
    assert noise.data == 0.1 + 0.2 - 0.3                     # the data itself is untouched


def record_of(source, name):
    line = next(line for line in source.splitlines() if f"<B>{name}</B>" in line)
    return line.split("tooltip")[0]


def test_a_small_number_beside_a_huge_one_is_shown_not_read_as_0():
    """L = e^30 · w with w = 0.005: w, ∂L/∂y = w and ∂L/∂L = 1 are numbers, not noise,
    though e^30 = 1.069e13 is 10^15 times larger (they used to read 0: the rule was
    relative to the largest number in the graph).  Oracle: the numbers themselves."""
    x = Value(30.0, name="x")
    y = x.exp().named("y")
    w = Value(0.005, name="w", kind="parameter")
    L = (y * w).named("L")
    L.backward()
    source = draw(L).source
    assert "data 0.005<" in record_of(source, "w")
    assert "grad 0.005<" in record_of(source, "y")
    assert "grad 1<" in record_of(source, "L")
    assert "data 1.069e+13<" in record_of(source, "y")
    page = step_page(L)
    assert '"0.005"' in page and "= 0.005" in page


def test_a_grad_whose_contributions_cancel_reads_0():
    """a feeds two products, a·b and a·c with b = 0.1 + 0.2 and c = −0.3: ∂y/∂a =
    b + c = 5.551e-17 by IEEE arithmetic, two contributions near 0.3 that cancel:
    noise, read 0; b's own grad (one contribution, a = 2.5) is shown."""
    a = Value(2.5, name="a")
    b = (Value(0.1) + 0.2).named("b")
    c = Value(-0.3, name="c")
    y = (a * b + a * c).named("y")
    y.backward()
    assert a.grad == (0.1 + 0.2) - 0.3 != 0.0
    source = draw(y).source
    assert "grad 0<" in record_of(source, "a")
    assert "grad 2.5<" in record_of(source, "b")


def test_a_subnormal_number_reads_as_typed_not_as_its_binary_noise():
    """check(M, y, 5e-324) with ∂M/∂y = 0 (M = y·0) said 'Your ∂M/∂y = 4.94065645841e-324',
    and 1e-320 read '9.99988867183e-321': twelve digits of a float that holds one or two
    (5e-324 is the one-bit subnormal 2^-1074).  Now each reads as typed, the shortest
    decimal that is that float (Python's repr), and explain writes σ(−710) = e^−710, a
    subnormal of 15 digits, rounded as before.  Oracle: the digits typed; 2^-1074."""
    import math
    assert 5e-324 == 2.0 ** -1074
    y = Value(-3.0, name="y")
    M = (y * Value(0.0)).named("M")
    for typed in ("5e-324", "1e-320", "-5e-324", "1e-310"):
        text = str(check(M, y, float(typed)))
        assert f"Your ∂M/∂y = {typed} agrees" in text, text
    z = Value(-710.0, name="z")
    a = z.sigmoid().named("a")
    a.backward()
    assert a.data == math.exp(-710.0)
    shown = str(explain(a, z))
    assert "∂a/∂z = 4.47628622568e-309" in shown and "a(1-a) = 4.47629e-309" in shown, shown

"""Every primitive: its value and its derivative against the analytic formula
and against central finite differences, over many points (hypothesis)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, sum_values
from autograd import ops
from autograd.value import apply
from conftest import assert_close, central_difference

finite = st.floats(min_value=-50, max_value=50, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=50)
nonzero = finite.filter(lambda v: abs(v) > 1e-3)


def grad_of(f, *xs):
    """Values and gradients of f at xs through the engine."""
    vs = [Value(x) for x in xs]
    out = f(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


# (name, engine function, float function, analytic partial derivatives, domain)
UNARY = [
    ("neg", lambda a: -a, lambda a: -a, lambda a: -1.0, finite),
    ("exp", lambda a: a.exp(), math.exp, math.exp, finite),
    ("log", lambda a: a.log(), math.log, lambda a: 1 / a, positive),
    ("sqrt", lambda a: a.sqrt(), math.sqrt, lambda a: 0.5 / math.sqrt(a), positive),
    ("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + math.exp(-a)),
     lambda a: math.exp(-a) / (1 + math.exp(-a)) ** 2, finite),
    ("tanh", lambda a: a.tanh(), math.tanh, lambda a: 1 / math.cosh(a) ** 2, finite),
    ("sin", lambda a: a.sin(), math.sin, math.cos, finite),
    ("cos", lambda a: a.cos(), math.cos, lambda a: -math.sin(a), finite),
    ("tan", lambda a: a.tan(), math.tan, lambda a: 1 / math.cos(a) ** 2,
     st.floats(min_value=-1.5, max_value=1.5)),
    ("relu", lambda a: a.relu(), lambda a: max(0.0, a), lambda a: 1.0 if a > 0 else 0.0, nonzero),
    ("abs", lambda a: abs(a), abs, lambda a: math.copysign(1.0, a), nonzero),
    ("pow3", lambda a: a ** 3, lambda a: a ** 3, lambda a: 3 * a ** 2, finite),
    ("pow-half", lambda a: a ** 0.5, lambda a: a ** 0.5, lambda a: 0.5 * a ** -0.5, positive),
    ("rpow", lambda a: 2 ** a, lambda a: 2 ** a, lambda a: 2 ** a * math.log(2), finite),
    ("rsub", lambda a: 3 - a, lambda a: 3 - a, lambda a: -1.0, finite),
    ("rdiv", lambda a: 3 / a, lambda a: 3 / a, lambda a: -3 / a ** 2, nonzero),
]

BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: (1.0, 1.0), finite, finite),
    ("sub", lambda a, b: a - b, lambda a, b: (1.0, -1.0), finite, finite),
    ("mul", lambda a, b: a * b, lambda a, b: (b, a), finite, finite),
    ("div", lambda a, b: a / b, lambda a, b: (1 / b, -a / b ** 2), finite, nonzero),
    ("pow", lambda a, b: a ** b, lambda a, b: (b * a ** (b - 1), a ** b * math.log(a)),
     st.floats(0.1, 5), st.floats(-3, 3)),
]


@pytest.mark.parametrize("name,f,ref,dref,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_value_and_derivative(name, f, ref, dref, domain):
    @settings(max_examples=60, deadline=None)
    @given(domain)
    def check(x):
        data, (g,) = grad_of(f, x)
        assert_close(data, ref(x), rel=1e-12, abs_=1e-300, what=f"{name}({x})")
        assert_close(g, dref(x), rel=1e-9, abs_=1e-12, what=f"d{name}/dx at {x}")
        if abs(g) < 1e12:
            numeric = central_difference(lambda t: f(Value(t)).data, x)
            assert_close(g, numeric, rel=1e-4, abs_=1e-6, what=f"d{name}/dx vs finite differences at {x}")
    check()


@pytest.mark.parametrize("name,f,dref,da,db", BINARY, ids=[b[0] for b in BINARY])
def test_binary_value_and_derivative(name, f, dref, da, db):
    @settings(max_examples=60, deadline=None)
    @given(da, db)
    def check(a, b):
        data, (ga, gb) = grad_of(f, a, b)
        assert_close(data, f(a, b), rel=1e-12, what=f"{name}({a}, {b})")
        ea, eb = dref(a, b)
        assert_close(ga, ea, rel=1e-9, abs_=1e-12, what=f"∂{name}/∂a")
        assert_close(gb, eb, rel=1e-9, abs_=1e-12, what=f"∂{name}/∂b")
        na = central_difference(lambda t: f(Value(t), Value(b)).data, a)
        nb = central_difference(lambda t: f(Value(a), Value(t)).data, b)
        assert_close(ga, na, rel=1e-4, abs_=1e-5, what=f"∂{name}/∂a vs finite differences")
        assert_close(gb, nb, rel=1e-4, abs_=1e-5, what=f"∂{name}/∂b vs finite differences")
    check()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=8), finite)
def test_dot_is_weighted_sum_with_textbook_partials(pairs, b):
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) for _, x in pairs]
    bias = Value(b)
    z = dot(ws, xs, bias)
    assert_close(z.data, sum(w * x for w, x in pairs) + b, rel=1e-12, abs_=1e-9)
    z.backward()
    for (w, x), wv, xv in zip(pairs, ws, xs):
        assert wv.grad == x and xv.grad == w  # ∂z/∂w_k = a_k, ∂z/∂a_k = w_k exactly
    assert bias.grad == 1.0
    assert z.parents == tuple(ws) + tuple(xs) + (bias,)


def test_dot_without_bias_and_sum_values():
    w, x = Value(2.0), Value(3.0)
    z = dot([w], [x])
    assert z.data == 6.0 and len(z.parents) == 2
    s = sum_values([w, x, 4])
    s.backward()
    assert s.data == 9.0 and w.grad == 1.0 and x.grad == 1.0


def test_dot_adds_a_node_that_is_both_weight_and_input_weights_first():
    """x is dot's second weight (times b) and its first input (times a), and x·c
    reaches x first.  Oracle: the chain rule summed by hand in parents order,
    ((c + b) + a); the pairwise order (c + a) + b has other bits here, so the
    test tells them apart.  backward, gradients() and the jit agree bit for bit."""
    from autograd import jit
    from autograd.engine import gradients

    a, b, c = Value(0.1, name="a"), Value(0.2, name="b"), Value(0.3, name="c")

    def f(x):
        return dot([a, x], [x, b]) + x * c

    expected = (0.3 + 0.2) + 0.1
    assert expected != (0.3 + 0.1) + 0.2
    x = Value(0.7, name="x")
    root = f(x)
    root.backward()
    assert x.grad == expected
    assert gradients(f(x))[x] == expected
    a.grad = b.grad = c.grad = 0.0
    _, (gx,) = jit(f).trace(0.7, input_grads=True)(0.7, input_grads=True)
    assert gx == expected


def test_dot_length_mismatch_names_both_sizes():
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        dot([Value(1.0), Value(2.0)], [Value(1.0)])


@pytest.mark.parametrize("op_name", [n for n, op in ops.OPS.items() if not op.is_leaf])
def test_every_rule_is_a_named_module_level_function(op_name):
    rule = ops.OPS[op_name].backward
    assert rule.__name__ == f"{op_name}_backward"
    assert getattr(ops, rule.__name__) is rule
    assert rule.__code__.co_freevars == ()  # no closure


def test_sigmoid_and_tanh_are_stable_at_extremes():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1e308).sigmoid().data == 0.0
    assert Value(1e308).tanh().data == 1.0
    for x in (-1000.0, 1000.0):
        v = Value(x)
        v.sigmoid().backward()
        assert v.grad == 0.0
    assert_close(Value(-30.0).sigmoid().data, math.exp(-30) / (1 + math.exp(-30)), rel=1e-15)


def test_relu_and_abs_have_zero_slope_at_zero():
    for f in (lambda v: v.relu(), abs):
        v = Value(0.0)
        f(v).backward()
        assert v.grad == 0.0


def test_comparisons_compare_data():
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= 1.0 and b > a and b >= 2
    assert (a < b) is True
    assert a != Value(1.0)  # identity, not value
    assert len({a, b, a}) == 2


# ---------------------------------------------------------------------------
# sin, cos, tan: edges, bad input, and the places a learner meets them
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_trig_at_infinity_is_an_error_naming_the_operand_and_nan_flows(name):
    x = Value(math.inf, name="x")
    with pytest.raises(ValueError, match=f"^{name}: input must be finite, got 'x' = inf$"):
        getattr(x, name)()
    assert math.isnan(getattr(Value(math.nan), name)().data)
    with pytest.raises(TypeError, match=f"{name}: operand 1"):
        apply(ops.OPS[name], "0.5")
    with pytest.raises(TypeError):
        Value("0.5")


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_trig_out_of_domain_in_the_jit_and_the_numpy_backend_is_eager_s_error(name):
    from autograd import jit
    f = jit(lambda x: getattr(x * 2.0, name)())
    assert f(0.25) == getattr(Value(0.5), name)().data
    with pytest.raises(ValueError, match=f"{name}: input must be finite"):
        f(math.inf)
    np = pytest.importorskip("numpy")
    g = jit(lambda x: getattr(x * 2.0, name)(), backend="numpy")
    assert math.isclose(g.batch([(0.25,), (0.5,)]), getattr(np, name)(0.5) + getattr(np, name)(1.0),
                        rel_tol=1e-15)
    with pytest.raises(ValueError, match=f"{name}: input must be finite.*sample 2 of the batch"):
        g.batch([(0.25,), (math.inf,)])
    assert math.isnan(g.batch([(math.nan,)]))


def test_tan_at_the_float_nearest_pi_over_2_follows_ieee_as_pytorch():
    torch = pytest.importorskip("torch")
    for at in (math.pi / 2, -math.pi / 2, 3 * math.pi / 2):
        x = Value(at)
        y = x.tan()
        y.backward()
        t = torch.tensor(at, dtype=torch.float64, requires_grad=True)
        torch.tan(t).backward()
        assert y.data == torch.tan(t).item() and math.isfinite(y.data) and abs(y.data) > 1e15
        assert math.isclose(x.grad, t.grad.item(), rel_tol=1e-15)


def test_d2l_x_cos_cx_explained_and_checked():
    """d/dx x·cos(cx) = cos(cx) - c·x·sin(cx), by hand; check reads it typed and in LaTeX."""
    from autograd.check import check
    from autograd.explain import explain
    x, c = Value(0.7, name="x"), Value(1.3, name="c", kind="constant")
    y = (x * (c * x).cos()).named("y")
    hand = math.cos(1.3 * 0.7) - 1.3 * 0.7 * math.sin(1.3 * 0.7)
    assert math.isclose(explain(y, x).total, hand, rel_tol=1e-14)
    assert check(y, x, "cos(c x) - c x sin(c x)")
    assert check(y, x, r"\frac{dy}{dx} = \cos(c x) - c \cdot x \sin(c x)")
    verdict = check(y, x, "cos(c x)")
    assert not verdict and "cos(c·x)" in str(verdict)


def test_sin_is_an_nn_activation_on_both_backends():
    import random

    import nn
    assert "sin" in nn.ACTIVATIONS
    net = nn.MLP([2, 3, 1], activation="sin", seed=3)
    rng = random.Random(3)
    rows = [(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(0, 1)) for _ in range(5)]
    outputs = [net(list(r[:2])) for r in rows]
    C = nn.half_squared_error(outputs, [[r[2]] for r in rows], reduction="sum")
    net.zero_grad()
    C.backward()
    eager = [p.grad for p in net.parameters()]
    first = net.parameters()[0]
    saved = first.data

    def loss_at(t):
        first.data = t
        try:
            return nn.half_squared_error([net(list(r[:2])) for r in rows],
                                         [[r[2]] for r in rows], reduction="sum").data
        finally:
            first.data = saved
    assert math.isclose(eager[0], central_difference(loss_at, saved), rel_tol=1e-6)
    pytest.importorskip("numpy")
    program = net.jit_loss("half_squared_error", backend="numpy")
    net.zero_grad()
    assert math.isclose(program.batch(rows), C.data, rel_tol=1e-12)
    for p, want in zip(net.parameters(), eager):
        assert math.isclose(p.grad, want, rel_tol=1e-12, abs_tol=1e-15)
    assert "np.sin(z2)" in program.source and "np.cos(z" in program.source


def test_chainrule_ops_lists_sin_cos_and_tan(capsys):
    from autograd.cli import main
    assert main(["ops"]) == 0
    out = capsys.readouterr().out
    for name, rule in (("sin", "cos(a)"), ("cos", "-sin(a)"), ("tan", "1+tan²(a)")):
        line = next(line for line in out.splitlines() if line.split()[:1] == [name])
        assert rule in line, line


#: floats where sin, cos and tan are hardest: signed zero, subnormal, huge arguments
#: (argument reduction), the floats on both sides of π/2 and 3π/2, nan
TRIG_EDGES = [0.0, -0.0, 5e-324, -1e-200, 1e22, 2.0 ** 53, 1e300, -1e300, 1.7976931348623157e308,
              math.pi / 2, math.nextafter(math.pi / 2, 0.0), math.nextafter(math.pi / 2, 4.0),
              -math.pi / 2, 3 * math.pi / 2, 1e15 * math.pi / 2, math.nan]


def _agrees(ours, theirs):
    """PyTorch's number: the same float (nan is nan, the sign of zero counts), or
    within 4 units in the last place (libm and PyTorch round cos near π/2 apart)."""
    if math.isnan(theirs) or math.isnan(ours):
        return math.isnan(theirs) and math.isnan(ours)
    if ours == 0.0 or theirs == 0.0:
        return math.copysign(1.0, ours) == math.copysign(1.0, theirs) and ours == theirs
    return abs(ours - theirs) <= 4 * math.ulp(theirs)


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_trig_edges_match_pytorch_in_eager_the_jit_numpy_and_second_derivatives(name):
    """Value, first and second derivative against PyTorch float64 (double backward);
    the jit bit for bit equal to eager; the numpy backend eager's value."""
    torch = pytest.importorskip("torch")
    from autograd import grad, jit
    f = jit(lambda a: getattr(a, name)(), input_names=["x"])
    for at in TRIG_EDGES:
        t = torch.tensor(at, dtype=torch.float64, requires_grad=True)
        ty = getattr(torch, name)(t)
        (tg,) = torch.autograd.grad(ty, t, create_graph=True)
        (tgg,) = torch.autograd.grad(tg, t)
        x = Value(at)
        y = getattr(x, name)()
        (g,) = grad(y, [x], create_graph=True)
        (gg,) = grad(g, [x])
        assert _agrees(y.data, ty.item()), f"{name}({at!r}) = {y.data!r}, PyTorch {ty.item()!r}"
        # a gradient is added to what the leaf held (0.0), so -0.0 reads 0.0 (not PyTorch)
        assert _agrees(g.data + 0.0, tg.item() + 0.0), f"{name}'({at!r})"
        assert _agrees(gg + 0.0, tgg.item() + 0.0), f"{name}''({at!r}): {gg!r}, {tgg.item()!r}"
        x = Value(at)
        y = getattr(x, name)()
        y.backward()
        value, (jg,) = f(at, input_grads=True)
        assert struct_bits(value) == struct_bits(y.data) and struct_bits(jg) == struct_bits(x.grad), \
            f"jit {name}({at!r}) = {value!r}, {jg!r}; eager {y.data!r}, {x.grad!r}"


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_trig_edges_in_the_numpy_backend_are_eager_s_values(name):
    np = pytest.importorskip("numpy")
    from autograd import jit
    g = jit(lambda a: getattr(a, name)(), input_names=["x"], backend="numpy")
    for at in TRIG_EDGES:
        want = getattr(Value(at), name)().data
        got = g.batch([(at,)])
        # the batch is a sum Σ from +0.0, so -0.0 sums to 0.0 on both backends
        assert _agrees(got, want + 0.0) or got == want == 0.0, f"numpy {name}({at!r}): {got!r}"
        assert _agrees(float(getattr(np, name)(at)), want), f"np.{name}({at!r})"
    for at in (math.inf, -math.inf):
        with pytest.raises(ValueError, match=f"^{name}: input must be finite, got 'x' = "
                                             f"{at!r} \\(sample 1 of the batch\\)"):
            g.batch([(at,)])


def struct_bits(x):
    """The float to the last bit (every nan the same nan)."""
    return "nan" if x != x else float.hex(x)


# ---------------------------------------------------------------------------
# pow by a number at 0, ±inf and nan: PyTorch's x ** n (√x for n = 0.5)
# ---------------------------------------------------------------------------

POW_BASES = [-0.0, 0.0, 1e-300, -2.0, 2.0, math.inf, -math.inf, math.nan]
POW_EXPONENTS = [0.5, -0.5, 1.5, 2.0, 3.0, -1.0, 0.0]


def _pytorch_pow(torch, at, n):
    """PyTorch float64's x ** n for a number n: value, first and second derivative."""
    t = torch.tensor(at, dtype=torch.float64, requires_grad=True)
    ty = t ** n
    (tg,) = torch.autograd.grad(ty, t, create_graph=True)
    (tgg,) = torch.autograd.grad(tg, t, allow_unused=True) if tg.requires_grad else (None,)
    return ty.item(), tg.item(), 0.0 if tgg is None else tgg.item()


def _pow_points():
    """(base, exponent) where chainrule's forward gives a number; it raises at
    0 ** negative and a finite negative base with a non-integer exponent."""
    for at in POW_BASES:
        for n in POW_EXPONENTS:
            try:
                Value(at) ** n
            except (ZeroDivisionError, ValueError):
                assert (at == 0.0 and n < 0.0) or (-math.inf < at < 0.0 and n != int(n))
                continue
            yield at, n


def test_pow_by_a_number_at_edges_is_pytorch_s_to_the_sign_of_zero():
    """x ** n and its first and second derivative (grad, create_graph=True) are
    PyTorch's bit for bit, the sign of a zero and of an infinity included:
    (-0.0) ** 0.5 is -0.0 with gradient -inf, as PyTorch's (it computes √x)."""
    torch = pytest.importorskip("torch")
    from autograd import grad
    checked = 0
    for at, n in _pow_points():
        value, first, second = _pytorch_pow(torch, at, n)
        x = Value(at)
        y = x ** n
        (g,) = grad(y, [x], create_graph=True)
        (gg,) = grad(g, [x])
        where = f"({at!r}) ** {n!r}"
        assert struct_bits(y.data) == struct_bits(value), f"{where} = {y.data!r}, PyTorch {value!r}"
        assert struct_bits(g.data) == struct_bits(first), f"d/dx {where}: {g.data!r}, PyTorch {first!r}"
        assert struct_bits(gg) == struct_bits(second), f"d²/dx² {where}: {gg!r}, PyTorch {second!r}"
        checked += 1
    assert checked == 49   # 56 points less the 7 where chainrule raises


def test_minus_zero_to_the_half_has_gradient_minus_inf_in_backward_the_jit_and_numpy():
    """backward(), the jit and the numpy backend give x ** n PyTorch's value and gradient
    at every point of the grid (a leaf's gradient is added to its 0.0, so a -0.0
    gradient reads 0.0 there); √x and x ** 0.5 agree."""
    torch = pytest.importorskip("torch")
    from autograd import jit
    x = Value(-0.0)
    (x ** 0.5).backward()
    assert x.grad == -math.inf
    s = Value(-0.0)
    s.sqrt().backward()
    assert struct_bits(s.sqrt().data) == struct_bits(-0.0) and s.grad == -math.inf
    for n in POW_EXPONENTS:
        f = jit(lambda x, n=n: x ** n, input_names=["x"])
        for at in POW_BASES:
            if (at, n) not in set(_pow_points()):
                continue
            value, first, _ = _pytorch_pow(torch, at, n)
            x = Value(at)
            y = x ** n
            y.backward()
            jv, (jg,) = f(at, input_grads=True)
            for got, how in ((y.data, "eager"), (jv, "jit")):
                assert struct_bits(got) == struct_bits(value), f"{how} ({at!r}) ** {n!r} = {got!r}"
            for got, how in ((x.grad, "backward()"), (jg, "jit")):
                assert struct_bits(got) == struct_bits(first + 0.0), \
                    f"{how}: d/dx ({at!r}) ** {n!r} = {got!r}, PyTorch {first!r}"


def test_pow_by_a_number_at_edges_in_the_numpy_backend_is_pytorch_s():
    """The numpy backend (np.power would give (-0.0) ** 0.5 = 0.0 and a gradient of
    +inf): one sample, the base a parameter.  The batch's value and gradient are
    sums over the samples (numpy's, from 0.0), so there -0.0 reads 0.0."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("numpy")
    from autograd import jit
    for at, n in _pow_points():
        value, first, _ = _pytorch_pow(torch, at, n)
        w = Value(at, kind="parameter")
        f = jit(lambda x, w=w, n=n: (w ** n) * x, input_names=["x"], backend="numpy")
        got = f.batch([(1.0,)])
        assert struct_bits(got) == struct_bits(value + 0.0), f"numpy ({at!r}) ** {n!r} = {got!r}"
        assert struct_bits(w.grad) == struct_bits(first + 0.0), \
            f"numpy d/dx ({at!r}) ** {n!r} = {w.grad!r}, PyTorch {first!r}"


def test_x_to_the_half_is_the_correctly_rounded_square_root_on_every_backend():
    """x ** 0.5 is √x rounded once (eager, the jit and the numpy backend alike), and
    x ** -0.5 is 1/√x, PyTorch's rsqrt bit for bit (C's pow differs from both in the last
    bit for some x).  PyTorch 2.13's CPU √, which its x ** 0.5 uses, is one unit in the
    last place off for about 1 % of x, so it is not the oracle for n = 0.5.
    Oracle: √x to 40 digits (decimal), and PyTorch's x ** -0.5."""
    import random
    from decimal import Decimal, localcontext
    pytest.importorskip("numpy")
    from autograd import jit
    rng = random.Random(5)
    xs = [rng.uniform(0.01, 100.0) for _ in range(300)] + [10.0 ** rng.uniform(-300, 300)
                                                           for _ in range(100)]
    with localcontext() as ctx:
        ctx.prec = 40
        roots = [float(Decimal(x).sqrt()) for x in xs]
    w = Value(1.0, kind="parameter")
    for n, want in ((0.5, roots), (-0.5, [1.0 / r for r in roots])):
        python = jit(lambda x, n=n: x ** n, input_names=["x"])
        numpy_program = jit(lambda d, n=n: w ** n + d, backend="numpy")
        for x, expected in zip(xs, want):
            w.data = x
            got = ((Value(x) ** n).data, python(x), numpy_program.batch([(0.0,)]))
            assert got == (expected,) * 3, f"{x!r} ** {n}: {got}, √ gives {expected!r}"
    torch = pytest.importorskip("torch")
    assert (torch.tensor(xs, dtype=torch.float64) ** -0.5).tolist() == [1.0 / r for r in roots]


def test_apply_takes_values_and_numbers_in_any_position():
    """apply() with Values only, or a number among them (any position): the numbers
    become constant leaves, the forward is the op's (hand-derived: where(c, x, y) is
    x when c != 0 else y), and a number too large for a float names the operand."""
    c, x = Value(0.0), Value(2.0)
    both = apply(ops.WHERE, c, x, Value(-3.0))
    assert both.data == -3.0 and both._prev[0] is c and both._prev[1] is x
    mixed = apply(ops.WHERE, c, x, -5)
    assert mixed.data == -5.0 and mixed._prev[:2] == (c, x)
    assert mixed._prev[2]._opr is ops.CONSTANT and mixed._prev[2].data == -5.0
    with pytest.raises(OverflowError, match="where: operand 3"):
        apply(ops.WHERE, c, x, 10 ** 400)
    with pytest.raises(TypeError, match="where: operand 1"):
        apply(ops.WHERE, "c", x, 1.0)

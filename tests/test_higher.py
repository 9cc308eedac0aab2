"""Gradients of gradients: grad(create_graph=True), hessian, hvp.

Oracles: closed forms (σ', σ'', σ''', tanh''' written by hand), central
finite differences of the first derivative, and PyTorch's double backward
in float64 (skipped without torch).
"""

import math
import random

import pytest

import autograd
from autograd import Value, draw, explain, grad, hessian, hvp, jit, no_grad
from conftest import central_difference, torch_derivatives
from graphs import ChainruleOps, random_graph_full

try:
    import torch
    from graphs import TorchOps
except ImportError:
    torch = None


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


@pytest.mark.parametrize("z0", [-3.0, -0.4, 0.0, 0.7, 2.5])
def test_sigmoid_derivatives_to_third_order_match_the_closed_forms(z0):
    z = Value(z0, name="z")
    s = z.sigmoid()
    (d1,) = grad(s, z, create_graph=True)
    (d2,) = grad(d1, z, create_graph=True)
    (d3,) = grad(d2, z)
    S = sig(z0)
    assert math.isclose(d1.data, S * (1 - S), rel_tol=1e-14)
    assert math.isclose(d2.data, S * (1 - S) * (1 - 2 * S), rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(d3, S * (1 - S) * (1 - 6 * S + 6 * S * S), rel_tol=1e-11, abs_tol=1e-15)


@pytest.mark.parametrize("z0", [-2.0, -0.3, 0.0, 0.9])
def test_tanh_third_derivative_matches_the_closed_form(z0):
    z = Value(z0)
    (d1,) = grad(z.tanh(), z, create_graph=True)
    (d2,) = grad(d1, z, create_graph=True)
    (d3,) = grad(d2, z)
    t = math.tanh(z0)
    assert math.isclose(d1.data, 1 - t * t, rel_tol=1e-14)
    assert math.isclose(d2.data, -2 * t * (1 - t * t), rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(d3, -2 * (1 - t * t) * (1 - 3 * t * t), rel_tol=1e-11, abs_tol=1e-15)


def seed000(w1=0.4, w2=-0.7, b=0.1, x=0.5, y=1.0):
    """The 1-1-1 network of the first worked example: L = ½(y - σ(σ(x w1 + b) w2 + b))²."""
    W1, W2, B = Value(w1, name="w1"), Value(w2, name="w2"), Value(b, name="b")
    h = (x * W1 + B).sigmoid().named("h")
    out = (h * W2 + B).sigmoid().named("y'")
    L = (0.5 * (y - out) ** 2).named("L")
    return L, W1, W2, B


def dL(w1, w2, which):
    """∂L/∂w by the chain rule, by hand (the first worked example's formulas)."""
    x, y, b = 0.5, 1.0, 0.1
    h = sig(x * w1 + b)
    o = sig(h * w2 + b)
    d2 = (o - y) * o * (1 - o)
    return h * d2 if which == "w2" else x * h * (1 - h) * w2 * d2


def test_grad_without_create_graph_gives_floats_and_touches_no_grad():
    L, w1, w2, b = seed000()
    w1.grad = 5.0
    g1, g2 = grad(L, [w1, w2])
    assert isinstance(g1, float) and math.isclose(g1, dL(0.4, -0.7, "w1"), rel_tol=1e-13)
    assert math.isclose(g2, dL(0.4, -0.7, "w2"), rel_tol=1e-13)
    assert w1.grad == 5.0 and w2.grad == 0.0 and L.grad == 0.0


def test_hessian_of_the_first_worked_example_against_finite_differences():
    L, w1, w2, _ = seed000()
    H = hessian(L, [w1, w2])
    for i, wi in enumerate(("w1", "w2")):
        fd_w1 = central_difference(lambda t: dL(t, -0.7, wi), 0.4)
        fd_w2 = central_difference(lambda t: dL(0.4, t, wi), -0.7)
        assert math.isclose(H[i][0], fd_w1, rel_tol=1e-7, abs_tol=1e-10)
        assert math.isclose(H[i][1], fd_w2, rel_tol=1e-7, abs_tol=1e-10)
    assert math.isclose(H[0][1], H[1][0], rel_tol=1e-12)


def test_hvp_is_the_hessian_times_the_vector():
    L, w1, w2, b = seed000()
    H = hessian(L, [w1, w2, b])
    v = [0.3, -1.2, 2.0]
    got = hvp(L, [w1, w2, b], v)
    for row, g in zip(H, got):
        assert math.isclose(g, sum(h * x for h, x in zip(row, v)), rel_tol=1e-12)


def test_newton_step_on_w2_against_the_hand_derivatives():
    L, w1, w2, _ = seed000()
    (g,) = grad(L, w2)
    [[h]] = hessian(L, [w2])
    fd_h = central_difference(lambda t: dL(0.4, t, "w2"), -0.7)
    assert math.isclose(h, fd_h, rel_tol=1e-7)
    newton = -0.7 - g / h
    assert abs(dL(0.4, newton, "w2")) < abs(dL(0.4, -0.7, "w2"))


def test_create_graph_gives_named_values_that_draw_explain_and_step():
    L, w1, w2, _ = seed000()
    g1, g2 = grad(L, [w1, w2], create_graph=True)
    assert isinstance(g1, Value) and g1.name == "∂L/∂w1" and g2.name == "∂L/∂w2"
    assert math.isclose(g1.data, dL(0.4, -0.7, "w1"), rel_tol=1e-13)
    source = draw(g1).source
    assert "∂L/∂w1" in source and "∂L/∂h" in source
    e = explain(g1, "w2")
    assert math.isclose(e.total, central_difference(lambda t: dL(0.4, t, "w1"), -0.7),
                        rel_tol=1e-7)
    assert e.latex().startswith("\\frac{\\partial \\left(\\frac{\\partial L}{\\partial w_{1}}"
                                "\\right)}{\\partial w_{2}}")
    steps = list(g1.backward_steps())
    assert steps and "∂L/∂w1" in str(steps[0])


def test_grad_of_an_unrelated_input_is_zero():
    x, y = Value(1.0, name="x"), Value(2.0, name="y")
    f = x * x
    assert grad(f, [x, y]) == (2.0, 0.0)
    gx, gy = grad(f, [x, y], create_graph=True)
    assert gy.data == 0.0 and gy.kind == "constant"
    assert grad(gy, [x]) == (0.0,)


def test_a_gradient_that_is_a_node_of_the_graph_is_a_new_node_named_for_it():
    """f = u·y with u = x²: ∂f/∂u = y and ∂f/∂y = u (by hand).  Each is a new node
    named ∂f/∂u, ∂f/∂y, as the docs say (they were y and u themselves: renaming or
    changing the gradient renamed or changed y); its derivatives are y's."""
    x, y = Value(2.0, name="x"), Value(3.0, name="y")
    u = (x * x).named("u")
    f = (u * y).named("f")
    g_u, g_y = grad(f, [u, y], create_graph=True)
    assert (g_u.data, g_y.data) == (3.0, 4.0)
    assert g_u is not y and g_y is not u
    assert (g_u.name, g_y.name) == ("∂f/∂u", "∂f/∂y")
    g_u.name = "renamed"
    assert (y.name, u.name) == ("y", "u")
    assert grad(g_u, [x, y, u]) == (0.0, 1.0, 0.0)
    assert grad(g_y, [x, y]) == (4.0, 0.0)                  # ∂(x²)/∂x = 2x
    assert hessian(f, [u, y]) == [[0.0, 1.0], [1.0, 0.0]]


def test_hessian_through_a_part_computed_under_no_grad_treats_it_as_a_constant():
    """h = a·c with c = a² computed under no_grad(): c is a number, so ∂h/∂a = c and
    ∂²h/∂a² = 0, as hvp() gave and PyTorch's functional hessian of a·(a²).detach()
    gives (by hand: h is linear in a and in c).  hessian() raised "grad: 'c' = 2.25
    was computed under no_grad()" because ∂h/∂a was c itself."""
    a = Value(1.5, name="a")
    with no_grad():
        c = (a * a).named("c")
    h = (a * c).named("h")
    (g,) = grad(h, a, create_graph=True)
    assert g.data == 2.25 and g is not c
    assert hessian(h, [a]) == [[0.0]] and hvp(h, [a], [1.0]) == [0.0]
    assert hessian(h, [a, c]) == [[0.0, 1.0], [1.0, 0.0]]


def test_grad_hessian_and_hvp_call_no_hook_where_torch_autograd_grad_does():
    """y = h², h = 3x: dy/dx = 18x = 36 at x = 2 (by hand), whatever the hooks on h
    and x would return; grad() with and without create_graph, hessian() and hvp()
    call none of them.  PyTorch's autograd.grad calls both and returns the halved
    gradient, 18: the docs name the difference (they said "like torch.autograd.grad")."""
    x = Value(2.0, name="x")
    h = (x * 3.0).named("h")
    y = h * h
    calls = []
    h.register_hook(lambda g: calls.append("h") or 0.5 * g)
    x.register_hook(lambda g: calls.append("x") or 0.0)
    assert grad(y, x) == (36.0,) and grad(y, x, create_graph=True)[0].data == 36.0
    assert hessian(y, [x]) == [[18.0]] and hvp(y, [x], [1.0]) == [18.0]
    assert calls == [] and x.grad == 0.0
    torch = pytest.importorskip("torch")
    tx = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    th = tx * 3.0
    th.register_hook(lambda g: calls.append("h") or 0.5 * g)
    (tg,) = torch.autograd.grad(th * th, tx, create_graph=True)
    assert calls == ["h"] and tg.item() == 18.0


def test_grad_output_scales_and_can_be_a_value():
    x = Value(1.5)
    assert grad(x * x, x, grad_output=2.0) == (6.0,)
    v = Value(0.5, name="v")
    (g,) = grad(x * x, x, grad_output=v, create_graph=True)
    assert g.data == 1.5 and grad(g, v) == (3.0,)


@pytest.mark.parametrize("call, message", [
    (lambda x: grad(3.0, [x]), "grad: output must be a Value, got float"),
    (lambda x: grad(x * x, [x, 2.0]), r"grad: inputs\[1\] must be a Value, got float"),
    (lambda x: grad(x * x, "x"), r"grad: inputs must be a Value or a list of Values \(e.g. net.parameters\(\)\), "
                                 "got str"),
    (lambda x: grad(x * x, x, grad_output="a"), "grad: grad_output needs a real number"),
    (lambda x: grad(x * x, x, grad_output=True), "grad: grad_output needs a real number"),
    (lambda x: grad(x * x, x, grad_output=Value(2.0, name="v")),   # (it said "keep it in the graph")
     r"^grad: grad_output is a Value \('v' = 2.0\) but the gradients are floats: pass create_graph=True"),
    (lambda x: grad(x * x, x, create_graph="False"),   # (a str is true: it built a graph)
     r"^grad: create_graph must be True or False, got 'False'$"),
    (lambda x: hvp(x * x, [x], [1.0, 2.0]), "hvp: 1 input but a vector of 2 numbers"),
    (lambda x: hvp(x * x, [x], ["a"]), r"hvp: vector\[0\] needs a real number"),
    (lambda x: hvp(x * x, [x], [Value(2.0, name="v")]),   # (it said "keep it in the graph")
     r"^hvp: vector\[0\] is a Value \('v' = 2.0\) but hvp\(\) takes numbers: its .data, or"),
])
def test_bad_arguments_name_the_argument_and_change_nothing(call, message):
    x = Value(1.5, name="x")
    x.grad = 4.0
    with pytest.raises((TypeError, ValueError), match=message):
        call(x)
    assert x.grad == 4.0


class _Table:
    """Something that is not a Value, whose repr (like a numpy matrix's) spans lines."""

    def __init__(self, iterable=False):
        self.iterable = iterable

    def __repr__(self):
        return "table(\n" + ",\n".join(["[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]"] * 500) + ")"

    def __iter__(self):
        return iter([self, self]) if self.iterable else iter(())

    def __len__(self):
        return 2


@pytest.mark.parametrize("call, start", [
    (lambda x: grad(_Table(), x), "grad: output must be a Value, got _Table table("),
    (lambda x: grad(x * x, {f"x{i}": x for i in range(100)}),
     "grad: inputs must be a Value or a list of Values (e.g. net.parameters()), got dict"),
    (lambda x: hessian(x * x, [x, _Table()]), "hessian: inputs[1] must be a Value, got _Table table("),
    (lambda x: hvp(x * x, _Table(iterable=True), [1.0, 2.0]),
     "hvp: inputs[0] must be a Value, got _Table table("),
    (lambda x: hvp(x * x, [x], {f"v{i}": 1.0 for i in range(100)}),
     "hvp: vector must be a list of numbers, one per input, got dict"),
])
def test_a_bad_argument_with_a_long_repr_gets_a_short_one_line_error(call, start):
    """What was passed is shown cut to one short line (a numpy matrix's repr spans
    lines: the error did too, and ran to 10,000 characters for a long list)."""
    x = Value(1.5, name="x")
    with pytest.raises((TypeError, ValueError)) as info:
        call(x)
    message = str(info.value)
    assert message.startswith(start) and "\n" not in message and len(message) < 160, message


@pytest.mark.parametrize("wrong", ["net", "net.parameters"])
def test_a_network_passed_as_inputs_is_told_to_pass_its_parameters(wrong):
    """hessian(C, net) and grad(C, net.parameters) (not called) say what to pass."""
    import nn
    net = nn.MLP([2, 3, 1], seed=0)
    C = nn.half_squared_error(net([1.0, 0.0]), [1.0])
    inputs = net if wrong == "net" else net.parameters
    with pytest.raises(TypeError) as info:
        hessian(C, inputs)
    message = str(info.value)
    assert message.startswith("hessian: inputs must be a Value or a list of Values (e.g. net.parameters()), "
                              "got ") and "\n" not in message, message


def test_jit_traces_a_gradient_and_a_gradient_of_a_gradient():
    def dsig(z):
        return grad(z.sigmoid(), z, create_graph=True)[0]

    f = jit(dsig)
    for z0 in (-1.0, 0.3, 2.0):
        S = sig(z0)
        value, (second,) = f(z0, input_grads=True)
        assert math.isclose(value, S * (1 - S), rel_tol=1e-14)
        assert math.isclose(second, S * (1 - S) * (1 - 2 * S), rel_tol=1e-12, abs_tol=1e-15)
    assert "dsig" in f.source


BRANCHING = {   # f(x, y) and ∂f/∂x written by hand, on both sides of each branch
    "relu(x)·y": (lambda x, y: x.relu() * y, lambda x, y: y if x > 0 else 0.0),
    "max(x, y)·x": (lambda x, y: autograd.maximum(x, y) * x,
                    lambda x, y: max(x, y) + x * (1.0 if x > y else 0.5 if x == y else 0.0)),
    "min(x, y)·y": (lambda x, y: autograd.minimum(x, y) * y,
                    lambda x, y: y * (1.0 if x < y else 0.5 if x == y else 0.0)),
    "(x² + 1) ** y": (lambda x, y: (x * x + 1.0) ** y,
                      lambda x, y: y * (x * x + 1.0) ** (y - 1.0) * 2.0 * x if y else 0.0),
}


@pytest.mark.parametrize("case", BRANCHING)
def test_jit_traces_the_gradient_of_an_op_that_branches(case):
    """relu, max, min and pow's derivatives branch; traced, the branch stays in the
    graph (a where node), so the generated code takes the right one at every point
    (tracing failed with 'bool() on an unnamed ge node')."""
    f, df = BRANCHING[case]
    jitted = jit(lambda x, y: grad(f(x, y), [x, y], create_graph=True)[0])
    for x, y in [(1.5, 0.5), (-1.0, 2.0), (0.5, 0.5), (2.0, -1.0), (0.0, 3.0), (-2.0, -3.0)]:
        assert math.isclose(jitted(x, y), df(x, y), rel_tol=1e-13), (x, y)


def test_jit_traces_a_second_derivative_through_relu():
    """∂²(relu(x)·y)/∂x∂y = [x > 0], at points on both sides of the one traced."""
    def mixed(x, y):
        (dx,) = grad(x.relu() * y, x, create_graph=True)
        return grad(dx, y, create_graph=True)[0]
    jitted = jit(mixed)
    assert [jitted(x, 2.0) for x in (1.0, -1.0, 0.0, 3.0)] == [1.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("what, call", [
    ("grad()", lambda z: z * grad(z * z, z)[0]),
    ("hessian()", lambda z: z * hessian(z * z * z, [z])[0][0]),
    ("hvp()", lambda z: z * hvp(z * z * z, [z], [1.0])[0]),
])
def test_jit_refuses_floats_of_grad_hessian_and_hvp_inside_a_trace(what, call):
    """One line naming the call and the way out (hessian() and hvp() were reported as
    'grad() without create_graph=True', with advice to branch by relu() or maximum())."""
    with pytest.raises(autograd.TracingError) as info:
        jit(call)(1.0)
    message = str(info.value)
    assert message.startswith(f"jit: cannot trace <lambda>(): {what} of an unnamed mul node")
    assert "create_graph=True" in message and "relu" not in message and "\n" not in message


def test_gradients_of_relu_network_are_piecewise():
    """Hessian of a ReLU network: the second derivative is 0 on each linear piece."""
    x = Value(0.5, name="x")
    w = Value(1.2, name="w")
    y = ((x * w).relu() * 3.0 - 1.0) ** 2
    H = hessian(y, [w])
    # y = (3xw - 1)² for xw > 0: d²y/dw² = 18 x²
    assert math.isclose(H[0][0], 18 * 0.25, rel_tol=1e-13)


def _random_case(seed):
    rng = random.Random(seed)
    point = [rng.uniform(-1.5, 1.5) for _ in range(3)]
    size = rng.randint(3, 14)
    return point, size


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("block", range(10))
def test_second_derivatives_of_random_graphs_match_pytorch_double_backward(block):
    """300 random graphs (every op, shared sub-expressions, a*a): the Hessian
    against PyTorch's double backward in float64, worst relative error < 1e-9."""
    worst = 0.0
    for seed in range(block * 30, block * 30 + 30):
        point, size = _random_case(seed)
        ours = [Value(v, name=f"x{i}") for i, v in enumerate(point)]
        out = random_graph_full(random.Random(seed), ours, size, ChainruleOps())
        H = hessian(out, ours)
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        ref = random_graph_full(random.Random(seed), ts, size, TorchOps())
        firsts = torch.autograd.grad(ref, ts, create_graph=True, allow_unused=True)
        for i, g in enumerate(firsts):
            row = [0.0] * len(ts) if g is None or not g.requires_grad else [
                0.0 if s is None else s.item()
                for s in torch.autograd.grad(g, ts, retain_graph=True, allow_unused=True)]
            for a, b in zip(H[i], row):
                err = abs(a - b) / max(1.0, abs(b))
                worst = max(worst, err)
                assert err < 1e-9, f"graph {seed}: ∂²/∂x{i}∂·: {a!r}, PyTorch {b!r}"
    assert worst < 1e-9


def test_grad_under_no_grad_still_builds_the_gradient_graph_only_where_asked():
    x = Value(0.3, name="x")
    with no_grad():
        y = x.sigmoid()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()
    (g,) = grad(x.sigmoid(), x, create_graph=True)
    assert g.kind == "derived"


def test_a_networks_gradient_graph_sums_products_in_dot_nodes_with_backwards_numbers():
    """Consistency (engine against engine): grad(create_graph=True) on a batch loss
    of a 2-3-1 network gives backward()'s numbers bit for bit; each weight's
    Σ_x a_k δ_j over the samples is one dot node, not a × node per sample.
    Correctness: ∂C/∂w of the gradient against central differences of C."""
    import nn
    net = nn.MLP([2, 3, 1], seed=4)
    X, Y = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], [[1.0], [0.0], [0.5]]
    C = nn.half_squared_error([net(x) for x in X], Y, reduction="sum")
    params = net.parameters()
    grads = grad(C, params, create_graph=True)
    net.zero_grad()
    C.backward()
    assert [g.data for g in grads] == [p.grad for p in params]
    w = net.parameter("w2_11")
    g_w = grads[params.index(w)]
    assert g_w._opr.name == "dot" and len(g_w._prev) == 2 * len(X)
    assert g_w.name == "∂C/∂w2_11"

    def cost(value):
        before = w.data
        w.data = value
        try:
            return nn.half_squared_error([net(x) for x in X], Y, reduction="sum").data
        finally:
            w.data = before
    assert math.isclose(g_w.data, central_difference(cost, w.data), rel_tol=1e-7)


def test_the_hessian_of_a_2_3_1_networks_cost_in_its_13_parameters_matches_pytorch():
    """C = ½ Σ_x (y − a³)² over 3 samples, a² = σ(w² x + b²), a³ = σ(w³ a² + b³): the
    13×13 Hessian and one Hessian-vector product against torch.autograd.functional
    (float64), the cost written again in torch from the parameters' names."""
    torch = pytest.importorskip("torch")
    import nn
    net = nn.MLP([2, 3, 1], seed=2)
    X, Y = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], [1.0, 0.0, 0.5]
    params = net.parameters()
    names = [p.name for p in params]
    C = nn.half_squared_error([net(x) for x in X], [[y] for y in Y], reduction="sum")

    def cost(theta):
        at = {name: theta[i] for i, name in enumerate(names)}
        total = 0.0
        for x, y in zip(X, Y):
            a2 = [torch.sigmoid(at[f"w2_{j}1"] * x[0] + at[f"w2_{j}2"] * x[1] + at[f"b2_{j}"])
                  for j in (1, 2, 3)]
            a3 = torch.sigmoid(sum(at[f"w3_1{k}"] * a2[k - 1] for k in (1, 2, 3)) + at["b3_1"])
            total = total + 0.5 * (y - a3) ** 2
        return total

    theta = torch.tensor([p.data for p in params], dtype=torch.float64)
    assert math.isclose(cost(theta).item(), C.data, rel_tol=1e-14)
    H = hessian(C, params)
    ref = torch.autograd.functional.hessian(cost, theta)
    for i in range(13):
        for j in range(13):
            assert math.isclose(H[i][j], ref[i, j].item(), rel_tol=1e-11, abs_tol=1e-15), (i, j)
    v = [0.1 * (k - 6) for k in range(13)]
    _, ref_hv = torch.autograd.functional.hvp(cost, theta, torch.tensor(v, dtype=torch.float64))
    for ours, theirs in zip(hvp(C, params, v), ref_hv.tolist()):
        assert math.isclose(ours, theirs, rel_tol=1e-11, abs_tol=1e-15)


# ---------------------------------------------------------------------------
# Compiled chain-rule terms: one function per shape, constants read at run time
# ---------------------------------------------------------------------------

def test_constants_are_read_when_the_terms_run_so_memory_stays_flat():
    """10,000 gradients of σ(c·x), each with another constant c: the values are the
    closed form c·σ(cx)(1 - σ(cx)), and memory does not grow with the number of
    distinct constants (under 100 kB after warm-up, measured with tracemalloc)."""

    rng = random.Random(7)
    x = Value(0.3, name="x")

    def one():
        c = rng.uniform(-3.0, 3.0)
        (g,) = grad((x * c).sigmoid(), x, create_graph=True)
        return c, g.data

    for _ in range(200):
        c, d = one()
        S = sig(c * 0.3)
        assert math.isclose(d, c * S * (1 - S), rel_tol=1e-14)
    growth = _memory_growth(one, 10_000)
    assert growth < 100_000, f"memory grew by {growth} bytes over 10,000 calls"


def _memory_growth(call, times):
    """Bytes still held after ``times`` calls of ``call`` (tracemalloc, after gc)."""
    import gc
    import tracemalloc
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(times):
            call()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_dots_and_sums_of_many_shapes_keep_memory_flat():
    """dot and Σ take any number of operands; their chain-rule terms were compiled
    once per operand count and pattern of constant operands and kept for ever, so
    400 gradients of 3·Σ_k w_k a_k, each with the constant a_k in other places,
    kept 400 functions (2.6 MB), and sums and dots of 600 sizes 200 MB.  The values are the
    closed forms ∂(3 Σ_k w_k a_k)/∂w_1 = 3 a_1 and d(Σ_{i<n} c·x)/dx = n·c; memory
    after warm-up grows by under 1 MB (tracemalloc)."""

    rng = random.Random(3)
    w = [Value(0.1 * k - 0.4, name=f"w{k}") for k in range(10)]

    def one():
        a = [Value(rng.uniform(-1, 1), kind="constant" if rng.random() < 0.5 else "leaf")
             for _ in range(10)]
        (g,) = grad(autograd.dot(w, a) * 3.0, w[0], create_graph=True)
        assert g.data == 3.0 * a[0].data

    for _ in range(70):
        one()
    x = Value(0.3, name="x")
    for n in range(2, 100):
        (g,) = grad(autograd.sum_values([x * 0.5] * n), x, create_graph=True)
        assert g.data == n * 0.5
    growth = _memory_growth(one, 400)
    assert growth < 1_000_000, f"memory grew by {growth} bytes over 400 calls"


def test_second_derivatives_with_constants_match_the_closed_form():
    """d²/dx² σ(c·x) = c²σ'(cx)(1 - 2σ(cx)) and d²/dx² (c·x)^3 = 6c³x for several c,
    the constant being read as a number when the compiled terms run."""
    for c in (-2.0, 0.5, 1.0, 3.0):
        x = Value(0.7)
        [[h]] = hessian((x * c).sigmoid(), [x])
        S = sig(c * 0.7)
        assert math.isclose(h, c * c * S * (1 - S) * (1 - 2 * S), rel_tol=1e-12)
        [[h3]] = hessian((x * c) ** 3, [x])
        assert math.isclose(h3, 6 * c ** 3 * 0.7, rel_tol=1e-13)


def _relu_network(data_seed, net_seed):
    """A 2-16-16-1 ReLU network (linear output, many units off) and its cost
    C = ½ Σ (a − y)² over 40 random samples: ``(net, params, cost)``."""
    import nn
    rng = random.Random(data_seed)
    net = nn.MLP([2, 16, 16, 1], activation=["relu", "relu", "linear"], seed=net_seed)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(40)]
    Y = [[rng.uniform(-1, 1)] for _ in range(40)]

    def cost():
        return nn.half_squared_error([net(x) for x in X], Y, reduction="sum")
    return net, net.parameters(), cost


def _central_difference_of_gradient(net, params, cost, v, h=1e-6):
    """(∇C(p + h·v) − ∇C(p − h·v)) / 2h, each gradient by backward(): H·v by finite
    differences; the parameters are put back."""
    def gradient_at(t):
        for p, vi in zip(params, v):
            p.data += t * vi
        try:
            net.zero_grad()
            cost().backward()
            return [p.grad for p in params]
        finally:
            for p, vi in zip(params, v):
                p.data -= t * vi
    plus, minus = gradient_at(h), gradient_at(-h)
    return [(up - down) / (2 * h) for up, down in zip(plus, minus)]


def test_a_relu_networks_gradient_graph_holds_backwards_bits():
    """Consistency: on a 2-16-16-1 ReLU network over 40 samples (many units off),
    every ∂C/∂p of grad(create_graph=True) has the bits of backward()'s p.grad (a zero
    may differ in sign only); the Hessian-vector product against central
    differences of backward()'s gradient along the vector."""
    import struct
    net, params, cost = _relu_network(3, 5)
    C = cost()
    grads = grad(C, params, create_graph=True)
    net.zero_grad()
    C.backward()
    bits = struct.Struct("<d").pack
    for p, g in zip(params, grads):
        if p.grad == 0.0:
            assert g.data == 0.0, p.name
        else:
            assert bits(g.data) == bits(p.grad), p.name
    rng = random.Random(11)
    v = [rng.uniform(-1, 1) for _ in params]
    got = hvp(C, params, v)
    for p, h, fd in zip(params, got, _central_difference_of_gradient(net, params, cost, v)):
        assert math.isclose(h, fd, rel_tol=1e-5, abs_tol=1e-6), p.name


def test_a_relu_networks_second_order_gradients_hold_the_hvp_bits():
    """On a 2-16-16-1 ReLU network over 40 samples (many units off, whose gradients
    grad() need not build), the backward pass of Σ_p ∂C/∂p gives H·1: each p.grad has
    the bits of hvp(C, params, ones) (a zero may differ in sign only), and matches
    central differences of backward()'s gradient along the ones vector."""
    import struct
    net, params, cost = _relu_network(7, 4)
    C = cost()
    S = autograd.sum_values(grad(C, params, create_graph=True))
    net.zero_grad()
    S.backward()
    second = [p.grad for p in params]
    ones = [1.0] * len(params)
    by_hvp = hvp(C, params, ones)
    bits = struct.Struct("<d").pack
    assert any(s != 0.0 for s in second)
    for p, s, h in zip(params, second, by_hvp):
        assert s == h == 0.0 or bits(s) == bits(h), p.name
    for p, s, fd in zip(params, second, _central_difference_of_gradient(net, params, cost, ones)):
        assert math.isclose(s, fd, rel_tol=1e-5, abs_tol=1e-6), p.name


@pytest.mark.parametrize("call", ["create_graph", "hessian", "hvp"])
def test_ctrl_c_at_any_node_a_gradient_graph_makes_changes_nothing(monkeypatch, call):
    """A KeyboardInterrupt raised as the k-th node of the gradient graphs is made,
    for every k until the call finishes: afterwards every node of the forward graph
    has its grad, data, name, parents and op as before, and the same call gives the
    numbers an uninterrupted one gave first (oracle: those, and the state before)."""
    import autograd.value as value_module
    L, w1, w2, b = seed000()
    w1.grad, w2.grad, b.grad = 0.5, -0.25, 2.0
    nodes = autograd.engine.all_nodes(L)

    def state():
        return [(n.grad.hex(), n.data.hex(), n.name, n._prev, n._opr) for n in nodes]

    run = {"create_graph": lambda: [g.data for g in grad(L, [w1, w2, b], create_graph=True)],
           "hessian": lambda: hessian(L, [w1, w2, b]),
           "hvp": lambda: hvp(L, [w1, w2, b], [0.5, -1.0, 2.0])}[call]
    before, expected = state(), run()
    new = value_module._new         # what every node is made by (make, + and ×)
    interrupted = 0
    for k in range(1, 10_000):
        count = [0]

        def counting_new(cls):
            count[0] += 1
            if count[0] == k:
                raise KeyboardInterrupt
            return new(cls)
        monkeypatch.setattr(value_module, "_new", counting_new)
        try:
            run()
            finished = True
        except KeyboardInterrupt:
            finished = False
        monkeypatch.undo()
        assert state() == before, f"interrupted at node {k}"
        assert run() == expected, f"after an interrupt at node {k}"
        if finished:
            break
        interrupted += 1
    assert interrupted > 10


# ---------------------------------------------------------------------------
# no_grad: nothing to differentiate
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, where", [
    (lambda u, x: grad(u, x), "grad"),
    (lambda u, x: grad(u, [x], create_graph=True), "grad"),
    (lambda u, x: hessian(u, [x]), "hessian"),
    (lambda u, x: hvp(u, [x], [1.0]), "hvp"),
])
def test_a_graph_built_under_no_grad_raises_as_backward_does(call, where):
    x, y = Value(1.2, name="x"), Value(0.5, name="y")
    with no_grad():
        u = (x * y).named("u")
    x.grad = 3.0
    with pytest.raises(RuntimeError) as backward_error:
        u.backward()
    with pytest.raises(RuntimeError) as error:
        call(u, x)
    message = str(error.value)
    assert message.startswith(f"{where}: 'u' = 0.6 was computed under no_grad()")
    assert message.split(":", 1)[1] == str(backward_error.value).split(":", 1)[1]
    assert "\n" not in message and x.grad == 3.0


def test_a_gradient_returned_under_no_grad_is_detached_and_refuses_further_gradients():
    """f = σ(x³): the gradient computed under no_grad holds f'(x) (backward()'s bits)
    but no graph, so its derivative raises naming it instead of reading 0; the
    same call outside no_grad gives f''(x) (hand-derived: 6xσ' + 9x⁴σ'(1 - 2σ))."""
    x = Value(0.5, name="x")
    f = (x * x * x).sigmoid().named("f")
    with no_grad():
        (g,) = grad(f, x, create_graph=True)
    (expected,) = grad(f, x)
    assert g.kind == "detached" and g.name == "∂f/∂x" and g.parents == ()
    assert g.data.hex() == expected.hex()
    with pytest.raises(RuntimeError, match=r"^grad: '∂f/∂x' = .* was computed under no_grad\(\)"):
        grad(g, x)
    S = sig(0.125)
    second = 6 * 0.5 * S * (1 - S) + 9 * 0.5 ** 4 * S * (1 - S) * (1 - 2 * S)
    (g2,) = grad(f, x, create_graph=True)
    assert math.isclose(grad(g2, x)[0], second, rel_tol=1e-13)


def test_hessian_and_hvp_under_no_grad_give_the_numbers():
    L, w1, w2, _ = seed000()
    H = hessian(L, [w1, w2])
    with no_grad():
        assert hessian(L, [w1, w2]) == H
        assert hvp(L, [w1, w2], [1.0, 0.0]) == [H[0][0], H[1][0]]


# ---------------------------------------------------------------------------
# Domain edges: IEEE values where PyTorch has them
# ---------------------------------------------------------------------------

def _same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


EDGES = {
    "sqrt at 0": (lambda x: x.sqrt(), [0.0]),
    "x ** 0.5 at 0": (lambda x: x ** 0.5, [0.0]),
    "0·sqrt(x) - x at 0": (lambda x: x.sqrt() * 0.0 - x, [0.0]),
    "a ** n at a = -2": (lambda a, n: a ** n, [-2.0, 2.0]),
    "a ** n at a = -2, n = 3": (lambda a, n: a ** n, [-2.0, 3.0]),
    "relu(x)·sqrt(x) at 0": (lambda x: x.relu() * x.sqrt(), [0.0]),
    "|x| ** 1.5 at 0": (lambda x: abs(x) ** 1.5, [0.0]),
    "sqrt(x·y) at y = 0": (lambda x, y: (x * y).sqrt(), [2.0, 0.0]),
    "0·(x·y) + x at y = inf": (lambda x, y: (x * y) * 0.0 + x, [1.5, math.inf]),
    "relu(x - 3)·y + x at y = inf": (lambda x, y: (x - 3.0).relu() * y + x, [1.5, math.inf]),
}


@pytest.mark.parametrize("case", EDGES)
def test_second_derivatives_at_domain_edges_match_pytorch_double_backward(case):
    """At the edge of a domain the derivatives are IEEE values (±inf, nan) as
    PyTorch's double backward gives them, never an error; grad(create_graph=True)
    agrees with grad() there, bit for bit (nan included)."""
    torch = pytest.importorskip("torch")
    build, point = EDGES[case]
    xs = [Value(v, name=f"x{i}") for i, v in enumerate(point)]
    out = build(*xs)
    firsts = grad(out, xs)
    as_graph = grad(out, xs, create_graph=True)
    assert [g.data.hex() for g in as_graph] == [g.hex() for g in firsts]
    H = hessian(out, xs)
    _, ref_first, ref_H = torch_derivatives(torch, build, point)
    assert all(map(_same, firsts, ref_first)), (firsts, ref_first)
    for ours, theirs in zip(H, ref_H):
        assert all(map(_same, ours, theirs)), (H, ref_H)


def test_an_infinite_gradient_into_sigmoid_matches_pytorch():
    """σ(z)·∞ at z = 1: the first derivative σ'(1)·∞ = inf in both, and the second is
    (1 − 2σ)·∞·σ' = −inf in both: σ' = a(1 − a) is one node of the gradient graph, as
    PyTorch's sigmoid_backward (two nodes added (1 − σ)·∞ and −σ·∞, nan).  Oracle: PyTorch's
    double backward, and the sign of 1 − 2σ(1) < 0 by hand."""
    z = Value(1.0, name="z")
    f = z.sigmoid() * math.inf
    assert grad(f, z) == (math.inf,)
    assert hessian(f, [z]) == [[-math.inf]]
    torch = pytest.importorskip("torch")
    _, _, [[theirs]] = torch_derivatives(torch, lambda t: torch.sigmoid(t) * math.inf, [1.0])
    assert theirs == -math.inf


# ---------------------------------------------------------------------------
# detect_anomaly() and no_grad() around create_graph=True
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["recording", "no_grad"])
def test_create_graph_inside_detect_anomaly_names_the_node_as_backward_does(mode):
    """√x at 0: d/dx = 1/(2√0) = inf.  grad(create_graph=True) and hessian() raise
    the one-line error backward() raises, naming the sqrt node and parent 'x'
    (they said 'div produced inf from the constant 1.0, an unnamed mul node', a
    node of the gradient graph; under no_grad 'detached produced inf from ')."""
    x = Value(0.0, name="x")
    x.grad = 3.0
    y = x.sqrt()
    calls = [
        lambda: grad(y, x, create_graph=True),
        lambda: grad(y, x, grad_output=Value(2.0), create_graph=True),
        lambda: hessian(y, [x]),
    ]
    with autograd.detect_anomaly(), (no_grad() if mode == "no_grad" else autograd.enable_grad()):
        for call in calls:
            with pytest.raises(FloatingPointError) as info:
                call()
            message = str(info.value)
            assert "sqrt node" in message and "gave inf to parent 'x'" in message, message
            assert "\n" not in message
            assert info.value.__context__ is None or info.value.__suppress_context__
    assert x.grad == 3.0
    assert grad(y, x, create_graph=True)[0].data == math.inf   # outside the mode inf flows


def test_a_value_seed_under_no_grad_gives_the_detached_gradient():
    """grad_output a Value with create_graph=True under no_grad(): its number seeds
    the pass (it raised 'Value needs a real number, got a Value')."""
    z = Value(0.3, name="z")
    f = (z * z * z).tanh()
    with no_grad():
        (g,) = grad(f, z, grad_output=Value(2.0), create_graph=True)
    t = math.tanh(0.3 ** 3)
    assert g.kind == "detached"
    assert math.isclose(g.data, 2.0 * 3 * 0.3 ** 2 * (1 - t * t), rel_tol=1e-15)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_jitted_gradient_is_ieee_at_a_domain_edge_as_eager(backend):
    """The nodes of a gradient graph hold IEEE values where a derivative does not
    exist; the jit wrote them with the ops' strict forwards, so at x = 0 the jitted
    ∂√(x²)/∂x raised 'division by zero' where eager (and PyTorch) give
    1/(2√0)·2·0 = inf·0 = nan, and ∂²(x^1.5)/∂x² raised where they give 0.75·0^-0.5 = inf."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    first = jit(lambda x: grad((x * x).sqrt(), x, create_graph=True)[0], backend=backend)
    second = jit(lambda x: grad(grad(x ** 1.5, x, create_graph=True)[0], x,
                                create_graph=True)[0], backend=backend)
    assert math.isnan(first.batch([(0.0,)]))
    assert second.batch([(0.0,)]) == math.inf
    assert first.batch([(-2.0,), (3.0,)]) == -1.0 + 1.0          # x/|x| elsewhere
    assert second.batch([(4.0,)]) == 0.75 / math.sqrt(4.0)
    with pytest.raises(ValueError, match="sqrt: input must be >= 0"):   # the forward still raises
        jit(lambda x: grad(x.sqrt(), x, create_graph=True)[0], backend=backend).batch([(-1.0,)])


@pytest.mark.parametrize("call, where", [
    (lambda L, x: L.backward(10 ** 400), "backward: grad"),
    (lambda L, x: grad(L, x, 10 ** 400), "grad: grad_output"),
    (lambda L, x: grad(L, x, 10 ** 400, create_graph=True), "grad: grad_output"),
    (lambda L, x: hvp(L, [x], [10 ** 400]), r"hvp: vector\[0\]"),
])
def test_an_int_too_large_for_a_float_as_the_seed_is_an_overflow_at_every_door(call, where):
    """10**400 as the seed: backward() raised OverflowError ("backward: grad: the int of 401
    digits (100000...) is too large for a float ..."), as Value(10**400), a jit input and
    nn.train do, but grad() and hvp() raised TypeError with the same words, so an
    ``except OverflowError`` around one door missed the other.  Now each raises OverflowError
    naming its argument, every .grad as before; oracle: the other doors' error, and
    d(x²)/dx = 2x = 3 at x = 1.5 by hand once the seed is a float."""
    x = Value(1.5, name="x")
    x.grad = 4.0
    L = x * x
    with pytest.raises(OverflowError, match=rf"^{where}: the int of 401 digits \(100000\.\.\.\) is too "
                                            r"large for a float \(the largest float is about 1\.8e308\)$"):
        call(L, x)
    assert (x.grad, L.grad) == (4.0, 0.0)
    assert grad(L, x, 1.0) == (3.0,)

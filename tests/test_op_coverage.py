"""Every op of the op table through every consumer.

For each entry of ``autograd.ops.OPS`` (leaves aside) there must be a case
below; each consumer is one test parametrised over the ops, so a failure
reads ``test_<consumer>[<op>]``.  What each test checks, and against what:

correctness (independent oracles)
  forward        the Value's data against a formula written here with math
  gradient       the engine's gradient against central finite differences
  torch          value and gradient against PyTorch float64 (skipped without torch)
  torch_special  gradients at 0, ±inf, nan and ties against PyTorch's
  second         second derivatives (grad with create_graph=True, then grad again)
                 against finite differences of the first derivative, and against
                 PyTorch's double backward

consistency (one definition, read by every consumer)
  rule_is_vjp    the named eager rule equals the record's vjp expression, bit for
                 bit, at special floats too (and never raises)
  display        the textbook local derivative equals the vjp at g = 1
  jit            the jit's output and gradients equal eager's, bit for bit
  explain        explain's path products sum to the engine's gradient
  check          check's re-evaluation reproduces the forward value, bit for bit
  draw           the drawing's op node has the symbol and each edge the rule
  step           each step line writes the rule
  numpy          the numpy backend's value and gradients equal eager's (to rounding:
                 numpy has its own sin and exp), and at 0, ±inf and nan it raises
                 eager's error or gives eager's value
  formula        the node's forward and each local rule, written in text and in
                 LaTeX, read back by the formula reader to the engine's numbers
  matrix_formula each function of one number, written as explain writes it, f(Z2)
                 and f'(Z2) read by the matrix formula reader over a matrix of the
                 case's points: entry by entry the engine's value and local derivative
  random graphs  every op a user can build appears in tests/graphs.py's graphs
"""

import html
import itertools
import math
import random
import re
import struct

import pytest

import autograd
import nn
from autograd import Value, dot, grad, jit, ops, sum_values
from autograd.check import downstream, reevaluate
from autograd.draw import draw
from autograd.explain import explain
from autograd.formula import read_formula
from autograd.notation import LatexNotation, TextNotation, forward_expr, label, rule_text
from autograd.ops import ATOM
from autograd.value import apply, make
from conftest import central_difference

try:
    import torch
except ImportError:  # the torch tests skip
    torch = None


def build(op_name):
    return CASES[op_name]["build"]


class Case(dict):
    pass


def case(build, points, formula, torch_fn=None, smooth=lambda *x: True):
    """build(*Values) -> Value; points: operand tuples in the op's domain;
    formula(*floats): the value, written independently; torch_fn(*tensors);
    smooth(*floats): False where the op has a kink or jump (no finite differences)."""
    return {"build": build, "points": points, "formula": formula, "torch": torch_fn,
            "smooth": smooth}


rng = random.Random(7)


def uniform(n, lo, hi, count=12):
    return [tuple(rng.uniform(lo, hi) for _ in range(n)) for _ in range(count)]


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


CASES = {
    "add": case(lambda a, b: a + b, uniform(2, -3, 3), lambda a, b: a + b, lambda a, b: a + b),
    "sub": case(lambda a, b: a - b, uniform(2, -3, 3), lambda a, b: a - b, lambda a, b: a - b),
    "mul": case(lambda a, b: a * b, uniform(2, -3, 3), lambda a, b: a * b, lambda a, b: a * b),
    "div": case(lambda a, b: a / b, [(a, b) for a, b in uniform(2, -3, 3) if abs(b) > 0.2],
                lambda a, b: a / b, lambda a, b: a / b),
    "neg": case(lambda a: -a, uniform(1, -3, 3), lambda a: -a, lambda a: -a),
    "pow": case(lambda a, b: a ** b, uniform(2, 0.2, 3), lambda a, b: math.pow(a, b),
                lambda a, b: a ** b),
    "exp": case(lambda a: a.exp(), uniform(1, -5, 5), math.exp, torch and torch.exp),
    "log": case(lambda a: a.log(), uniform(1, 0.1, 5), math.log, torch and torch.log),
    "sigmoid": case(lambda a: a.sigmoid(), uniform(1, -6, 6), sigmoid, torch and torch.sigmoid),
    "tanh": case(lambda a: a.tanh(), uniform(1, -3, 3), math.tanh, torch and torch.tanh),
    "relu": case(lambda a: a.relu(), uniform(1, -3, 3), lambda a: max(a, 0.0),
                 torch and torch.relu, smooth=lambda a: abs(a) > 1e-3),
    "abs": case(lambda a: abs(a), uniform(1, -3, 3), abs, torch and torch.abs,
                smooth=lambda a: abs(a) > 1e-3),
    "sqrt": case(lambda a: a.sqrt(), uniform(1, 0.1, 5), math.sqrt, torch and torch.sqrt),
    "softplus": case(lambda a: a.softplus(), uniform(1, -8, 8) + [(30.0,), (-30.0,)],
                     lambda a: math.log1p(math.exp(a)),
                     torch and (lambda a: torch.nn.functional.softplus(a, threshold=1000.0))),
    "sin": case(lambda a: a.sin(), uniform(1, -7, 7), math.sin, torch and torch.sin),
    "cos": case(lambda a: a.cos(), uniform(1, -7, 7), math.cos, torch and torch.cos),
    "tan": case(lambda a: a.tan(), uniform(1, -1.5, 1.5), math.tan, torch and torch.tan),
    "maximum": case(autograd.maximum, uniform(2, -3, 3) + [(1.5, 1.5)], max,
                    torch and torch.maximum, smooth=lambda a, b: abs(a - b) > 1e-3),
    "minimum": case(autograd.minimum, uniform(2, -3, 3) + [(-0.5, -0.5)], min,
                    torch and torch.minimum, smooth=lambda a, b: abs(a - b) > 1e-3),
    "sum": case(lambda a, b, c: sum_values([a, b, c]), uniform(3, -3, 3),
                lambda a, b, c: a + b + c, lambda a, b, c: a + b + c),
    "dot": case(lambda w1, w2, x1, x2, b: dot([w1, w2], [x1, x2], b), uniform(5, -2, 2),
                lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b,
                lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b),
    "sign": case(lambda a: apply(ops.SIGN, a), uniform(1, -3, 3),
                 lambda a: math.copysign(1.0, a) if a else 0.0, torch and torch.sign,
                 smooth=lambda a: abs(a) > 1e-3),
    "gt": case(lambda a, b: apply(ops.GT, a, b), uniform(2, -3, 3), lambda a, b: float(a > b),
               torch and (lambda a, b: (a > b).double() + 0 * (a + b)),
               smooth=lambda a, b: abs(a - b) > 1e-3),
    "ge": case(lambda a, b: apply(ops.GE, a, b), uniform(2, -3, 3) + [(1.0, 1.0)],
               lambda a, b: float(a >= b),
               torch and (lambda a, b: (a >= b).double() + 0 * (a + b)),
               smooth=lambda a, b: abs(a - b) > 1e-3),
    "eq": case(lambda a, b: apply(ops.EQ, a, b), uniform(2, -3, 3) + [(2.0, 2.0)],
               lambda a, b: float(a == b),
               torch and (lambda a, b: (a == b).double() + 0 * (a + b)),
               smooth=lambda a, b: abs(a - b) > 1e-3),
    "where": case(lambda c, x, y: apply(ops.WHERE, c, x, y),
                  [(rng.choice((0.0, 1.0)), rng.uniform(-3, 3), rng.uniform(-3, 3))
                   for _ in range(12)],
                  lambda c, x, y: x if c else y,
                  torch and (lambda c, x, y: torch.where(c != 0, x, y) + 0 * c)),
    "sigmoid_slope": case(lambda a: apply(ops.SIGMOID_SLOPE, a), uniform(1, -2, 3),
                          lambda a: a - a * a,
                          torch and (lambda a: torch.ops.aten.sigmoid_backward(   # 1·a(1 - a),
                              torch.ones_like(a), a))),                          # one op
}

OP_NAMES = [name for name, op in ops.OPS.items() if not op.is_leaf]


def bits(x):
    return struct.pack("<d", x)


def same(a, b):
    """Equal to the last bit (every nan is the same nan here)."""
    return (a != a and b != b) or bits(a) == bits(b)


def eager(op_name, point, seed=1.0):
    """(output, [∂out/∂x_i · seed]) by the engine, on fresh leaves."""
    xs = [Value(x, name=f"x{i}") for i, x in enumerate(point, 1)]
    out = build(op_name)(*xs)
    out.backward(seed)
    return out, xs


def test_every_op_has_a_coverage_case():
    missing = sorted(set(OP_NAMES) - set(CASES))
    assert not missing, (f"ops with no case in tests/test_op_coverage.py, so no consumer is "
                         f"checked for them: {', '.join(missing)}")


def test_every_case_builds_its_op():
    for name in OP_NAMES:
        out, _ = eager(name, CASES[name]["points"][0])
        assert out.op is ops.OPS[name], f"{name}: the case builds a {out.op.name} node"


# ---------------------------------------------------------------------------
# Correctness
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", OP_NAMES)
def test_forward(name):
    c = CASES[name]
    for point in c["points"]:
        out, _ = eager(name, point)
        want = c["formula"](*point)
        assert math.isclose(out.data, want, rel_tol=1e-14, abs_tol=1e-300), \
            f"forward of {name} at {point}: {out.data!r}, expected {want!r}"


@pytest.mark.parametrize("name", OP_NAMES)
def test_gradient(name):
    c = CASES[name]
    for point in c["points"]:
        if not c["smooth"](*point):
            continue
        out, xs = eager(name, point)
        for i, x in enumerate(xs):
            def f(t, i=i):
                p = list(point)
                p[i] = t
                return build(name)(*[Value(v) for v in p]).data
            numeric = central_difference(f, point[i])
            assert math.isclose(x.grad, numeric, rel_tol=1e-6, abs_tol=1e-8), \
                f"gradient of {name} wrt operand {i + 1} at {point}: {x.grad!r}, " \
                f"finite difference {numeric!r}"


def _torch(name, point, seed=1.0):
    fn = CASES[name]["torch"]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = fn(*ts)
    grads = torch.autograd.grad(out, ts, torch.tensor(seed, dtype=torch.float64),
                                allow_unused=True)
    return out.item(), [0.0 if g is None else g.item() for g in grads]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", OP_NAMES)
def test_torch(name):
    for point in CASES[name]["points"]:
        out, xs = eager(name, point)
        value, grads = _torch(name, point)
        assert math.isclose(out.data, value, rel_tol=1e-12, abs_tol=1e-300), (name, point)
        for x, g in zip(xs, grads):
            assert math.isclose(x.grad, g, rel_tol=1e-10, abs_tol=1e-300), \
                f"∂{name}/∂x at {point}: {x.grad!r}, PyTorch {g!r}"


SPECIAL = [0.0, -0.0, 1.0, -1.5, 2.0, 1e-200, 1e200, math.inf, -math.inf, math.nan]


def _special_points(name):
    arity = len(CASES[name]["points"][0])
    if arity <= 2:
        return list(itertools.product(SPECIAL, repeat=arity))
    rng2 = random.Random(name)
    return [tuple(rng2.choice(SPECIAL) for _ in range(arity)) for _ in range(120)]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", [n for n in OP_NAMES if n not in ("where", "gt", "ge", "eq")])
def test_torch_special(name):
    """Gradients at 0, ±inf and nan are PyTorch's, wherever the forward is defined.
    (The comparisons and where are left out: PyTorch cannot differentiate them,
    and the stand-ins above are only valid at finite points.)"""
    for point, seed in itertools.product(_special_points(name), (1.0, math.inf, math.nan)):
        try:
            out, xs = eager(name, point, seed)
        except (ArithmeticError, ValueError):
            continue  # chainrule raises where the result does not exist (log(-1), 1/0)
        value, grads = _torch(name, point, seed)
        assert same(out.data, value) or math.isclose(out.data, value, rel_tol=1e-12), \
            f"{name}{point} = {out.data!r}, PyTorch {value!r}"
        for i, (x, g) in enumerate(zip(xs, grads)):
            assert same(x.grad, g) or math.isclose(x.grad, g, rel_tol=1e-12), \
                f"∂{name}/∂x{i + 1} at {point}, upstream {seed}: {x.grad!r}, PyTorch {g!r}"


# ---------------------------------------------------------------------------
# Consistency: every consumer reads the one definition
# ---------------------------------------------------------------------------

def _node_at(name, point):
    """A node of op ``name`` over leaves holding ``point``, whatever the numbers
    (backward rules must work even where the forward would raise)."""
    op = ops.OPS[name]
    parents = tuple(Value(x) for x in point)
    try:
        data = op.ieee(*point)
    except (ArithmeticError, ValueError):
        data = math.nan
    return make(data, parents, op)


@pytest.mark.parametrize("name", OP_NAMES)
def test_rule_is_vjp(name):
    op = ops.OPS[name]
    points = _special_points(name) + CASES[name]["points"]
    for point in points:
        node = _node_at(name, point)
        for g in (1.0, -0.75, 0.0, math.inf, math.nan):
            got = tuple(op.backward(node, g))
            want = ops.evaluate_vjp(node, g)
            assert len(got) == len(want) and all(map(same, got, want)), \
                f"{name}_backward at {point}, upstream {g}: {got}, the record's vjp gives {want}"


@pytest.mark.parametrize("name", [n for n in OP_NAMES if ops.OPS[n].accumulate is not None])
def test_accumulate_is_the_rule(name):
    """An op's in-place fast path adds exactly the rule's contributions, in order."""
    op = ops.OPS[name]
    for point in _special_points(name)[:200] + CASES[name]["points"]:
        for g in (1.0, -0.75, math.inf, math.nan):
            a, b = _node_at(name, point), _node_at(name, point)
            start = [random.Random(i).uniform(-1, 1) for i in range(len(point))]
            for p, s0 in zip(a._prev, start):
                p.grad = s0
            for p, s0 in zip(b._prev, start):
                p.grad = s0
            op.accumulate(a, g)
            for p, c in zip(b._prev, op.backward(b, g)):
                p.grad += c
            assert all(same(p.grad, q.grad) for p, q in zip(a._prev, b._prev)), (name, point, g)


@pytest.mark.parametrize("name", OP_NAMES)
def test_rule_is_vjp_with_constant_operands(name):
    """The same with each operand a constant node (pow's fixed exponent, x * 2)."""
    op = ops.OPS[name]
    for point in CASES[name]["points"][:4]:
        for i in range(len(point)):
            parents = [Value(x) for x in point]
            parents[i] = Value(point[i], kind="constant")
            node = make(op.ieee(*point), tuple(parents), op)
            got, want = tuple(op.backward(node, 0.5)), ops.evaluate_vjp(node, 0.5)
            assert all(map(same, got, want)), (name, point, i, got, want)


@pytest.mark.parametrize("name", OP_NAMES)
def test_display(name):
    """The textbook local derivative (what people read) is the vjp at g = 1."""
    from autograd import expr as E
    op = ops.OPS[name]
    for point in CASES[name]["points"]:
        node = _node_at(name, point)
        locals_ = op.local_exprs(len(point), ops.fixed_operands(node))
        env = {f"x{i}": x for i, x in enumerate(point)}
        env["out"] = node.data
        shown = [E.evaluate(e, env, ops.IEEE) for e in locals_]
        for s, v in zip(shown, ops.evaluate_vjp(node, 1.0)):
            assert math.isclose(s, v, rel_tol=1e-12, abs_tol=1e-300), (name, point, shown)


@pytest.mark.parametrize("name", OP_NAMES)
def test_jit(name):
    f = jit(build(name), input_names=[f"x{i}" for i in range(1, 6)])
    for point in CASES[name]["points"]:
        out, xs = eager(name, point)
        value, grads = f(*point, input_grads=True)
        assert same(value, out.data), f"jit {name}{point} = {value!r}, eager {out.data!r}"
        for i, (x, g) in enumerate(zip(xs, grads)):
            assert same(g, x.grad), f"jit ∂{name}/∂x{i + 1} at {point}: {g!r}, eager {x.grad!r}"


@pytest.mark.parametrize("name", OP_NAMES)
def test_explain(name):
    for point in CASES[name]["points"][:4]:
        out, xs = eager(name, point)
        for x in xs:
            e = explain(out, x)
            assert math.isclose(e.total, x.grad, rel_tol=1e-12, abs_tol=1e-300), \
                f"explain {name}: paths sum to {e.total!r}, engine {x.grad!r}"
            assert str(e)


@pytest.mark.parametrize("name", OP_NAMES)
def test_check(name):
    for point in CASES[name]["points"][:4]:
        out, xs = eager(name, point)
        for x in xs:
            nodes = downstream(out, x)
            saved = x.data
            try:
                again = reevaluate(out, x, saved, nodes)
            finally:
                x.data = saved
            assert same(again, out.data), f"check re-evaluates {name} to {again!r}, not {out.data!r}"


def _draw_label(node, digits=4):
    from autograd.draw import _rule_label
    return _rule_label(node, digits)


@pytest.mark.parametrize("name", OP_NAMES)
def test_draw(name):
    out, xs = eager(name, CASES[name]["points"][0])
    source = draw(out, show_rules=True).source
    assert ops.OPS[name].symbol in source
    for i in range(len(xs)):
        rule = rule_text(out, i, lambda n: _draw_label(n))
        # on the edge, or (an op of any number of inputs) in the slot where the edge ends
        in_slot = f'<TD PORT="i{i}" ALIGN="LEFT"><FONT POINT-SIZE="9">{html.escape(rule)}'
        assert rule and (f'label="{rule}' in source.replace("\\\\", "\\") or in_slot in source), \
            f"the drawing of {name} has no edge labelled with its rule {rule!r}"


@pytest.mark.parametrize("name", OP_NAMES)
def test_step(name):
    out, xs = eager(name, CASES[name]["points"][0])
    steps = list(out.backward_steps())
    text = str(steps[-1] if steps[-1].node is out else steps[0])
    for i, x in enumerate(xs):
        rule = rule_text(out, i, label, factor=True)
        assert f"{x.name}.grad += {rule} * " in text, \
            f"the step of {name} does not write its rule {rule!r} for {x.name}:\n{text}"


@pytest.mark.parametrize("name", OP_NAMES)
def test_second(name):
    c = CASES[name]
    tested = 0
    for point in c["points"][:6]:
        if not c["smooth"](*point):
            continue
        xs = [Value(x) for x in point]
        firsts = grad(build(name)(*xs), xs, create_graph=True)
        for i, gi in enumerate(firsts):
            row = grad(gi, xs)
            for j in range(len(xs)):
                def first(t, i=i, j=j):
                    p = list(point)
                    p[j] = t
                    vs = [Value(v) for v in p]
                    return grad(build(name)(*vs), vs)[i]
                fd = central_difference(first, point[j])
                assert math.isclose(row[j], fd, rel_tol=1e-6, abs_tol=1e-7), \
                    f"∂²{name}/∂x{i + 1}∂x{j + 1} at {point}: {row[j]!r}, finite difference {fd!r}"
                tested += 1
        if torch is not None:
            ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
            tfirst = torch.autograd.grad(c["torch"](*ts), ts, create_graph=True, allow_unused=True)
            for i, g in enumerate(tfirst):
                if g is None or not g.requires_grad:
                    want = [0.0] * len(ts)
                else:
                    want = [0.0 if s is None else s.item()
                            for s in torch.autograd.grad(g, ts, allow_unused=True,
                                                         retain_graph=True)]
                got = grad(firsts[i], xs)
                for a, b in zip(got, want):
                    assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-13), \
                        f"∂²{name} at {point}: {got}, PyTorch double backward {want}"
    assert tested, f"no smooth point to test {name}'s second derivative at"


@pytest.mark.parametrize("name", OP_NAMES)
def test_numpy(name):
    pytest.importorskip("numpy")
    for point in CASES[name]["points"][:4]:
        out, xs = eager(name, point)
        params = [Value(x, kind="parameter") for x in point]
        f = jit(lambda s: build(name)(*params) * s, backend="numpy")
        value = f.batch([(1.0,)])
        assert math.isclose(value, out.data, rel_tol=1e-12, abs_tol=1e-300), (name, point)
        for p, x in zip(params, xs):
            assert math.isclose(p.grad, x.grad, rel_tol=1e-12, abs_tol=1e-300), \
                f"numpy ∂{name} at {point}: {p.grad!r}, eager {x.grad!r}"
    g = jit(build(name), input_names=[f"x{i}" for i in range(1, 6)], backend="numpy")
    g.batch([CASES[name]["points"][0]])
    for point in _special_points(name):
        try:
            want, error = build(name)(*[Value(x) for x in point]).data, None
        except (ArithmeticError, ValueError) as err:
            want, error = None, type(err)
        if error is not None:
            with pytest.raises(error, match=f"^{name}: .*sample 1 of the batch"):
                g.batch([point])
        else:
            got = g.batch([point])
            assert same(got, want) or math.isclose(got, want, rel_tol=1e-12), \
                f"numpy {name}{point} = {got!r}, eager {want!r}"


@pytest.mark.parametrize("notation", [TextNotation(), LatexNotation()], ids=["text", "latex"])
@pytest.mark.parametrize("name", OP_NAMES)
def test_formula(name, notation):
    """What explain and the drawings write for a node, typed back into check."""
    for point in CASES[name]["points"][:3]:
        out, xs = eager(name, point)
        written = forward_expr(out, [(notation.name(x.name), ATOM) for x in xs], notation)[0]
        if name == "eq":            # bracketed: a bare = b after a formula is its stated value
            assert written.startswith(("(", "\\left(")), written
        got = read_formula(written, out).evaluate()
        assert same(got, out.data), f"{written!r} reads as {got!r}, the node is {out.data!r}"
        locals_ = ops.local_values(out)
        for i in range(len(xs)):
            rule = rule_text(out, i, label, notation)
            got = read_formula(rule, out).evaluate()
            assert math.isclose(got, locals_[i], rel_tol=1e-12, abs_tol=1e-300), \
                f"the rule {rule!r} of {name} reads as {got!r}, the engine's is {locals_[i]!r}"


@pytest.mark.parametrize("name", [n for n in OP_NAMES if ops.OPS[n].arity == 1
                                  and ops.OPS[n].notation[0] == "call"])
def test_matrix_formula(name):
    """What explain writes for f(z), typed into a matrix formula over a row of points."""
    from autograd.matrix_formula import evaluate_matrix_formula
    points = [point[0] for point in CASES[name]["points"][:4]]
    nodes = [eager(name, (x,))[0] for x in points]
    written = forward_expr(nodes[0], [("Z2", ATOM)], TextNotation())[0]
    function = written[:written.index("(")]
    bound = {"Z2": [points]}
    value, _ = evaluate_matrix_formula(written, bound, "rows")
    assert [v.hex() for v in value[0]] == [node.data.hex() for node in nodes], written
    slope, _ = evaluate_matrix_formula(f"{function}'(Z2)", bound, "rows")
    for got, node in zip(slope[0], nodes):
        [want] = ops.local_values(node)
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300), (function, got, want)


def _user_ops():
    """The ops a user builds: operators, Value methods and autograd's functions."""
    operators = ("infix", "prefix", "pow", "abs", "sum")
    return {name for name in OP_NAMES
            if ops.OPS[name].notation[0] in operators or hasattr(Value, name)
            or hasattr(autograd, name)}


def test_random_graphs_use_every_op():
    from graphs import FULL_BINARY, FULL_UNARY, ChainruleOps
    from autograd.engine import all_nodes
    lib, a, b = ChainruleOps(), Value(0.3), Value(-0.7)
    built = [f(lib, a) for f in FULL_UNARY] + [f(lib, a, b) for f in FULL_BINARY]
    used = {node.op.name for out in built for node in all_nodes(out)}
    missing = sorted(_user_ops() - used)
    assert not missing, f"tests/graphs.py builds no {', '.join(missing)} node"


# ---------------------------------------------------------------------------
# The docs' op lists, held to the table
# ---------------------------------------------------------------------------

ROOT = __file__.rsplit("/tests/", 1)[0]
#: how Python writes the operator ops (the others are methods or autograd functions)
PYTHON_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "neg": "-",
                    "abs": "abs", "sum": "sum_values"}


def _section(path, start, end):
    with open(f"{ROOT}/{path}", encoding="utf-8") as f:
        text = f.read()
    return text[text.index(start):text.index(end, text.index(start))]


def test_readme_lists_every_op():
    listed = _section("README.md", "**The engine**", "`chainrule ops` lists")
    missing = [n for n in sorted(_user_ops())
               if PYTHON_OPERATORS.get(n, f"`{n}`") not in listed]
    assert not missing, f"README.md's op list leaves out {', '.join(missing)}"


def test_engine_doc_lists_every_op():
    listed = _section("docs/engine.md", "## Values", "## backward()")
    missing = [n for n in sorted(_user_ops())
               if PYTHON_OPERATORS.get(n, f".{n}()") not in listed
               and f"autograd.{n}(" not in listed]
    assert not missing, f"docs/engine.md's op list leaves out {', '.join(missing)}"


def test_check_doc_lists_every_function_and_latex_command():
    functions = _section("docs/check-and-explain.md", "- **Functions.**", "- **LaTeX.**")
    latex = _section("docs/check-and-explain.md", "- **LaTeX.**", "- **Left-hand side.**")
    for op in ops.OPS.values():
        if op.is_leaf or op.notation[0] not in ("call", "sqrt", "abs"):
            continue
        spellings = {op.name, op.notation[1] if op.notation[0] == "call" else op.name}
        assert any(f"`{s}`" in functions for s in spellings), \
            f"docs/check-and-explain.md's Functions list leaves out {op.name}"
        if op.notation[0] == "call":
            assert f"`{op.notation[2]}`" in latex, \
                f"docs/check-and-explain.md's LaTeX list leaves out {op.notation[2]}"


def test_networks_doc_lists_every_activation():
    import nn
    listed = _section("docs/networks.md", "- `activation`:", "- `weights[l][j][k]`")
    missing = [name for name in nn.ACTIVATIONS if f'`"{name}"`' not in listed]
    assert not missing, f"docs/networks.md's activations leave out {', '.join(missing)}"


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("activation", list(nn.ACTIVATIONS))
def test_every_activation_goes_to_torch_or_is_refused_in_one_line(activation):
    """net.to_torch() gives PyTorch's forward for an activation with a torch.nn
    module, and refuses the others (sin) naming the layer, never a bare KeyError."""
    from nn.torch_bridge import TORCH_ACTIVATIONS
    net = nn.MLP([2, 3, 1], activation=activation, seed=3)
    if activation not in TORCH_ACTIVATIONS:
        with pytest.raises(ValueError, match=f"^to_torch: layer 2's activation "
                                             f"'{activation}' has no torch.nn module; "
                                             f"known: sigmoid, tanh, relu, linear$"):
            net.to_torch()
        return
    model = net.to_torch()
    x = [0.3, -0.7]
    want = model(torch.tensor(x, dtype=torch.float64)).item()
    [out] = net(x)
    assert math.isclose(out.data, want, rel_tol=1e-13)


# ---------------------------------------------------------------------------
# docs/adding-an-op.md, held to what these tests and the others check
# ---------------------------------------------------------------------------

#: the kinds of a derivative expression that are no call of an op
_STRUCTURAL = {"const", "var", "where", "and", *autograd.expr.ARITHMETIC}


def calls_outside(table, op):
    """The ops a derivative of ``op`` (its vjp, its ``local=``) calls that ``table`` lacks."""
    n = op.arity if op.arity is not None else 3
    found, stack = set(), [*op.vjp_exprs(n), *op.local_exprs(n)]
    while stack:
        e = stack.pop()
        if e.kind not in _STRUCTURAL and e.kind not in table:
            found.add(e.kind)
        stack.extend(e.args)
    return found


def test_every_op_a_derivative_calls_is_in_the_table():
    """A sinh whose vjp is E.call("cosh", a) added without cosh failed twelve consumers
    with a bare KeyError: 'cosh'; this test names the op and the call.  Oracle: a scratch
    record whose vjp calls an op the table lacks is caught, with that op's name."""
    missing = {name: sorted(calls_outside(ops.OPS, op))
               for name, op in ops.OPS.items() if not op.is_leaf}
    assert not any(missing.values()), "; ".join(
        f"{name}'s derivative calls {', '.join(calls)}, which autograd/ops.py's table lacks: "
        f"add it too (docs/adding-an-op.md)" for name, calls in missing.items() if calls)
    scratch = ops.Op("scratch_sinh", "sinh", arity=1, forward=math.sinh,
                     backward=lambda node, upstream: (math.cosh(node._prev[0].data) * upstream,),
                     vjp=lambda a, out, g: (autograd.expr.call("scratch_cosh", a) * g,))
    assert calls_outside(ops.OPS, scratch) == {"scratch_cosh"}
    assert calls_outside(ops.OPS, ops.SIN) == set()          # sin calls cos, which is there


def _doc(path):
    with open(f"{ROOT}/{path}", encoding="utf-8") as f:
        return f.read()


def test_adding_an_op_names_every_list_these_tests_hold():
    """docs/adding-an-op.md named 'the op lists of ... docs/check-and-explain.md', where
    test_check_doc_lists_every_function_and_latex_command holds two (Functions and LaTeX),
    and said nothing of the case a new op needs.  Oracle: the _section calls of this file."""
    doc = _doc("docs/adding-an-op.md")
    with open(__file__, encoding="utf-8") as f:
        sections = re.findall(r'_section\("([^"]+)", "([^"]+)"', f.read())
    assert len(sections) >= 5
    for path, start in sections:
        assert path in doc, f"docs/adding-an-op.md does not name {path}"
        if sum(p == path for p, _ in sections) > 1:
            word = re.search(r"\*\*(\w+)", start).group(1)
            assert f"**{word}**" in doc, f"docs/adding-an-op.md does not name {path}'s {word} list"
    assert "`CASES`" in doc and "250 lines" in doc


def test_adding_an_op_puts_the_section_below_the_lines_stepping_md_pins():
    """docs/stepping.md's pdb session quotes line numbers of ops.py (sigmoid_backward at
    ops.py(400)), which tests/test_pdb.py runs; docs/adding-an-op.md did not say where a
    new section goes, and one above sigmoid's moved them.  It now names the section to
    follow; that section's record lies below every line the session quotes."""
    doc = _doc("docs/adding-an-op.md")
    after = re.search(r"Put the section after `(\w+)`'s", doc)
    assert after, "docs/adding-an-op.md does not say where the section goes"
    source = _doc("autograd/ops.py").splitlines()
    record = next(i for i, line in enumerate(source, 1)
                  if line.startswith(f"{after.group(1).upper()} = Op("))
    pinned = [int(n) for n in re.findall(r"ops\.py\((\d+)\)", _doc("docs/stepping.md"))]
    assert pinned and max(pinned) < record

"""Non-finite and extreme floats against PyTorch: every op and nn's losses.

At every number of GRID (±inf, nan, ±0, ±1e308, ±1e-308, 5e-324, ±710, ±750, ±1)
and every pair of them:

ops        the eager value and each operand's gradient against PyTorch float64
           (autograd), second derivatives (grad with create_graph=True, then grad)
           against PyTorch's double backward; the jit and the numpy backend
           against eager, the error raised included (one line, the same text)
seeded     op(x)·c for an incoming gradient c of 1, ±0, ±inf and nan (and x ** n for
           numbers n): value, gradients and Hessian against PyTorch's, zeros' signs too
losses     nn.log_sum_exp, softmax, cross_entropy (class and soft targets),
           binary_cross_entropy of a sigmoid node, half_squared_error and
           sum_squared_error against torch.logsumexp / torch.nn.functional, and
           net.jit_loss on both backends against eager

Where chainrule's number is not PyTorch's on purpose, DIFFERS says why (PyTorch's
number is a rounding artefact and chainrule's the exact value, or chainrule raises
where it deliberately does), and a test below holds chainrule's number to a value
derived by hand, so those run without PyTorch too.
"""

import itertools
import math
import struct

import pytest

import nn
from autograd import Value, grad
from autograd.jit import jit
from conftest import torch_derivatives
from test_op_coverage import CASES

INF, NAN = math.inf, math.nan
GRID = [INF, -INF, NAN, 0.0, -0.0, 1e308, -1e308, 1e-308, -1e-308, 5e-324,
        710.0, -710.0, 750.0, -750.0, 1.0, -1.0]
OPS = [n for n in CASES if n not in ("gt", "ge", "eq", "where")]   # PyTorch cannot differentiate those


def same(a, b, abs_tol=0.0, signed=False):
    """Equal to the last bit (any nan equals any nan), or within 1e-12 relative;
    ``signed``: a zero only to the last bit (0.0 is not -0.0)."""
    if struct.pack("<d", a) == struct.pack("<d", b) or (a != a and b != b):
        return True
    return not (signed and a == 0.0) and math.isclose(a, b, rel_tol=1e-12, abs_tol=abs_tol)


def points(arity):
    if arity <= 2:
        return list(itertools.product(GRID, repeat=arity))
    few = [INF, -INF, NAN, 0.0, 1e308, -710.0, 750.0, 1.0]
    return [p for p in itertools.product(few, repeat=arity)][::7]


# ---------------------------------------------------------------------------
# Where chainrule differs from PyTorch on purpose: (case, test of the point, what, why)
# ---------------------------------------------------------------------------

DIFFERS = [
    ("sigmoid", lambda z: -745 < z[0] < -708,
     {"value", "grad", "second"},
     "σ(-710) is e^-710 = 4.5e-309, a subnormal float; PyTorch's 1/(1 + e^710) rounds to 0"),
    ("softplus", lambda z: -745 < z[0] < -700, {"second"},
     "softplus''(-710) = σ'(-710) = 4.5e-309; PyTorch's σ rounds it to 0"),
    ("pow", lambda p: p[0] == 0.0 or p[1] == 0.0, {"second"},
     "PyTorch's double backward multiplies 0 by ∞ in the branch not taken and gives nan; "
     "chainrule builds only the branch taken (docs/higher-order.md)"),
    ("pow", lambda p: abs(p[1]) == 0.5 and (p[0] == -INF or _is_minus_zero(p[0])),
     {"value", "grad", "second"},
     "a Value exponent of ±0.5 gives √x and 1/√x, as a number exponent does (x ** n is one "
     "function of x and n); PyTorch's tensor ** tensor is C's pow there: (−0.0) ** 0.5 = 0.0 "
     "with gradient +inf, (−inf) ** 0.5 = inf"),
    ("log_sum_exp", lambda z: any(map(math.isinf, z)), {"second"},
     "with a logit of ±inf the branch not taken holds nan; PyTorch's double backward reads it"),
    ("log_sum_exp", lambda z: z.count(max(z)) > 1 and max(z) + math.log(z.count(max(z))) == max(z),
     {"grad", "second"},
     "tied logits of ±1e308: ln Σ e^z rounds to z, so PyTorch's e^(z − lse) is 1 for each; "
     "chainrule's maximum splits the tie (0.5 each, which sum to 1)"),
    ("cross_entropy_soft", lambda z: abs(z[0] - z[1]) == INF and all(map(math.isfinite, z)),
     {"value"},
     "logits ±1e308: −p·log_softmax(z) overflows in PyTorch; (m − Σ p z) + ln Σ e^(z − m) "
     "is finite"),
    ("bce_logit", lambda z: z[0] == -INF and z[1] > 0.0, {"value"},
     "−ln σ(−∞) = +∞ is the limit; PyTorch's (1 − y)·z gives 0·(−∞) = nan"),
    ("half_squared_error", lambda z: abs(z[0]) == 1e308, {"raises"},
     "(a − y)² overflows: pow raises OverflowError naming the node (PyTorch: inf)"),
    ("sum_squared_error", lambda z: abs(z[0]) == 1e308, {"raises"},
     "(a − y)² overflows: pow raises OverflowError naming the node (PyTorch: inf)"),
]


def _is_minus_zero(x):
    return x == 0.0 and math.copysign(1.0, x) < 0.0


def differs(name, point, what):
    return any(n == name and what in parts and test(point) for n, test, parts, _ in DIFFERS)


# ---------------------------------------------------------------------------
# The ops
# ---------------------------------------------------------------------------

def _eager(name, point):
    """(value, [∂/∂x_i]) by backward(), or the error's text."""
    xs = [Value(x, name=f"x{i}") for i, x in enumerate(point, 1)]
    try:
        out = CASES[name]["build"](*xs)
    except (ArithmeticError, ValueError) as err:
        return f"{type(err).__name__}: {err}", None
    out.backward()
    return out.data, [x.grad for x in xs]


def _second(name, point):
    xs = [Value(x, name=f"x{i}") for i, x in enumerate(point, 1)]
    first = grad(CASES[name]["build"](*xs), xs, create_graph=True)
    return [list(grad(g, xs)) for g in first]


def _numpy_result(program, params, point):
    """The numpy program's (value, gradients) with the operands as its parameters at
    ``point``, or its error as "Kind: message" (without the sample, as eager says it)."""
    for p, x in zip(params, point):
        p.data, p.grad = x, 0.0
    try:
        return program.batch([(0.0,)]), [p.grad for p in params]
    except (ArithmeticError, ValueError) as err:
        return f"{type(err).__name__}: {err}".replace(" (sample 1 of the batch)", "")


def _torch_fn(torch, name):
    return torch.nn.functional.softplus if name == "softplus" else CASES[name]["torch"]


def _torch_op(torch, name, point):
    return torch_derivatives(torch, _torch_fn(torch, name), point)


def _mismatches(name, point, ours, theirs, abs_tol=0.0, signed=False):
    (value, grads, hess), (t_value, t_grads, t_hess) = ours, theirs
    found = []
    if not differs(name, point, "value") and not same(value, t_value, abs_tol, signed):
        found.append(f"value {value!r}, PyTorch {t_value!r}")
    if not differs(name, point, "grad"):
        found += [f"∂/∂x{i} {a!r}, PyTorch {b!r}" for i, (a, b) in enumerate(zip(grads, t_grads), 1)
                  if not same(a, b, abs_tol, signed)]
    if hess is not None and not differs(name, point, "second"):
        found += [f"∂²/∂x{i}∂x{j} {a!r}, PyTorch {b!r}"
                  for i, (row, t_row) in enumerate(zip(hess, t_hess), 1)
                  for j, (a, b) in enumerate(zip(row, t_row), 1) if not same(a, b, abs_tol, signed)]
    return found


@pytest.mark.parametrize("name", OPS)
def test_op_against_torch(name):
    """Value, gradients and second derivatives on GRID; oracle: PyTorch float64 autograd."""
    torch = pytest.importorskip("torch")
    bad = []
    for point in points(len(CASES[name]["points"][0])):
        value, grads = _eager(name, point)
        if isinstance(value, str):
            continue    # a strict op raises where the result does not exist (test below)
        ours = (value, grads, _second(name, point))
        found = _mismatches(name, point, ours, _torch_op(torch, name, point))
        bad += [f"{name}{point}: {m}" for m in found]
    assert not bad, "\n".join(bad[:20])


def _numpy_program(name, arity):
    """The op over parameters, on the numpy backend (one sample; gradients in .grad)."""
    params = [Value(1.0, name=f"x{i}", kind="parameter") for i in range(1, arity + 1)]
    program = jit(lambda d: CASES[name]["build"](*params) + d, name=f"np_{name}", backend="numpy")
    program.batch([(0.0,)])
    return program, params


@pytest.mark.parametrize("name", OPS)
def test_op_backends_agree(name):
    """The jit and the numpy backend give eager's value and gradients on GRID, and where
    eager raises they raise its one-line error (the numpy backend adds the sample);
    oracle: the eager engine."""
    pytest.importorskip("numpy")
    arity = len(CASES[name]["points"][0])
    python = jit(CASES[name]["build"], name=f"py_{name}",
                 input_names=[f"x{i}" for i in range(1, arity + 1)])
    python(*CASES[name]["points"][0])
    numpy_program, params = _numpy_program(name, arity)
    bad = []
    for point in points(arity):
        value, grads = _eager(name, point)
        try:
            got = python(*point, input_grads=True)
        except (ArithmeticError, ValueError) as err:
            got = f"{type(err).__name__}: {err}"
        in_numpy = _numpy_result(numpy_program, params, point)
        if isinstance(value, str):
            assert "\n" not in value, value
            if got != value or in_numpy != value:
                bad.append(f"{name}{point}: eager raises {value!r}, jit {got!r}, numpy {in_numpy!r}")
            continue
        for backend, result in (("jit", got), ("numpy", in_numpy)):
            if isinstance(result, str) or not same(result[0], value) or \
                    not all(map(same, result[1], grads)):
                bad.append(f"{name}{point}: {backend} {result!r}, eager {value!r} {grads}")
    assert not bad, "\n".join(bad[:20])


def _first_derivatives(build):
    """x1, x2, ... -> Σ_i ∂f/∂x_i as a Value (grad with create_graph=True)."""
    def first(*xs):
        return sum(grad(build(*xs), list(xs), create_graph=True), Value(0.0))
    return first


def _branch_not_taken(name, point):
    """pow's second derivatives where eager builds only the branch taken (0) and the jit,
    whose graph serves every input, multiplies 0 by ∞ in the other (nan, PyTorch's)."""
    return name == "pow" and (point[0] == 0.0 or point[1] == 0.0 or math.isinf(point[0]))


@pytest.mark.parametrize("name", [n for n in OPS if n not in ("sum", "dot")])
def test_jitted_gradient_backends_agree(name):
    """A jitted first derivative (grad with create_graph=True inside the traced function)
    gives eager's value and second derivatives on GRID on both backends, and raises eager's
    error where eager raises (log(-1) beside its derivative 1/x, which does not use it);
    oracle: the eager engine."""
    pytest.importorskip("numpy")
    arity = len(CASES[name]["points"][0])
    first = _first_derivatives(CASES[name]["build"])
    python = jit(first, name=f"d_{name}", input_names=[f"x{i}" for i in range(1, arity + 1)])
    python(*CASES[name]["points"][0])
    params = [Value(v, name=f"x{i}", kind="parameter")
              for i, v in enumerate(CASES[name]["points"][0], 1)]
    numpy_program = jit(lambda d: first(*params) + d, name=f"dn_{name}", backend="numpy")
    numpy_program.batch([(0.0,)])
    bad = []
    for point in points(arity):
        xs = [Value(v, name=f"x{i}") for i, v in enumerate(point, 1)]
        try:
            out = first(*xs)
            want = out.data, list(grad(out, xs))
        except (ArithmeticError, ValueError) as err:
            want = f"{type(err).__name__}: {err}"
        try:
            value, grads = python(*point, input_grads=True)
            got = value, list(grads)
        except (ArithmeticError, ValueError) as err:
            got = f"{type(err).__name__}: {err}"
        in_numpy = _numpy_result(numpy_program, params, point)
        for backend, result in (("jit", got), ("numpy", in_numpy)):
            if isinstance(want, str) or isinstance(result, str):
                agree = result == want
            else:
                agree = same(result[0], want[0]) and (
                    _branch_not_taken(name, point) or all(map(same, result[1], want[1])))
            if not agree:
                bad.append(f"{name}{point}: {backend} {result!r}, eager {want!r}")
    assert not bad, "\n".join(bad[:20])


# ---------------------------------------------------------------------------
# An incoming gradient at the edges: L = op(x)·c
# ---------------------------------------------------------------------------

#: the incoming gradient c = ∂L/∂op: ∂²L/∂x² = c·op''(x), where a rule that multiplies
#: c by two terms of op'' one by one can make ∞ − ∞ (nan) or lose the sign of a zero
SEEDS = [1.0, 0.0, -0.0, INF, -INF, NAN]
EDGES = [0.0, -0.0, 5e-324, 1e-308, -1e-308, 1e308, -1e308, INF, -INF, NAN, 0.5, -1.0, 2.0,
         -710.0]
EDGES_2 = [0.0, -0.0, 1e-308, 1e308, -1e308, INF, -INF, NAN, 0.5, -1.0, 2.0]
EXPONENTS = [2.0, 3.0, 0.5, -0.5, 1.5, -1.0, -2.0, 0.0]
SEEDED = [n for n in OPS if len(CASES[n]["points"][0]) <= 2] + [f"x ** {n}" for n in EXPONENTS]


def _seeded_op(torch, name):
    """(build, arity, PyTorch's function) of the op called ``name``, or of x ** n for a
    number n (PyTorch's tensor ** number: √x for n = 0.5)."""
    if name.startswith("x ** "):
        n = float(name[len("x ** "):])
        return (lambda x: x ** n), 1, (lambda t: t ** n)
    return CASES[name]["build"], len(CASES[name]["points"][0]), _torch_fn(torch, name)


@pytest.mark.parametrize("name", SEEDED)
def test_incoming_gradient_at_edges_against_torch(name):
    """L = op(x)·c with an incoming gradient c of 1, ±0, ±inf or nan, at ±0, subnormals,
    ±1e308, ±inf and nan: L, ∂L/∂x, ∂L/∂c and the Hessian (c·op''(x) and op'(x)), the
    sign of a zero included; oracle: PyTorch float64's double backward."""
    torch = pytest.importorskip("torch")
    build, arity, torch_fn = _seeded_op(torch, name)
    bad = []
    for point in itertools.product(*[EDGES if arity == 1 else EDGES_2] * arity, SEEDS):
        xs = [Value(x, name=f"x{i}") for i, x in enumerate(point, 1)]
        try:
            L = build(*xs[:-1]) * xs[-1]
        except (ArithmeticError, ValueError):
            continue    # a strict op raises where the result does not exist (tests above)
        first = grad(L, xs, create_graph=True)
        ours = (L.data, [g.data for g in first], [list(grad(g, xs)) for g in first])
        theirs = torch_derivatives(torch, lambda *t: torch_fn(*t[:-1]) * t[-1], point)
        bad += [f"{name}{point}: {m}" for m in _mismatches(name, point, ours, theirs, signed=True)]
    assert not bad, "\n".join(bad[:20])


# ---------------------------------------------------------------------------
# nn's losses
# ---------------------------------------------------------------------------

def _loss_cases(torch):
    F = torch.nn.functional
    stack = torch.stack
    cases = {
        "log_sum_exp": (2, lambda z: nn.log_sum_exp(z), lambda *t: torch.logsumexp(stack(t), 0)),
        "log_sum_exp_3": (3, lambda z: nn.log_sum_exp(z), lambda *t: torch.logsumexp(stack(t), 0)),
        "softmax": (2, lambda z: nn.softmax(z)[0], lambda *t: torch.softmax(stack(t), 0)[0]),
        "cross_entropy": (2, lambda z: nn.cross_entropy(z, 0),
                          lambda *t: F.cross_entropy(stack(t)[None], torch.tensor([0]))),
        "cross_entropy_soft": (2, lambda z: nn.cross_entropy(z, [0.25, 0.75]),
                               lambda *t: F.cross_entropy(stack(t)[None], torch.tensor(
                                   [[0.25, 0.75]], dtype=torch.float64))),
    }
    for y in (0.0, 0.5, 1.0):
        target = torch.tensor(y, dtype=torch.float64)
        cases[f"bce_logit y={y}"] = (1, lambda z, y=y: nn.binary_cross_entropy(z[0].sigmoid(), y),
                                     lambda t, target=target: F.binary_cross_entropy_with_logits(
                                         t, target))
        cases[f"half_squared_error y={y}"] = (1, lambda z, y=y: nn.half_squared_error(z, [y]),
                                              lambda t, y=y: 0.5 * (t - y) ** 2)
        cases[f"sum_squared_error y={y}"] = (1, lambda z, y=y: nn.sum_squared_error(z, [y]),
                                             lambda t, y=y: (t - y) ** 2)
    return cases


def _loss_name(case):
    return case.split(" ")[0].replace("log_sum_exp_3", "log_sum_exp")


def test_losses_against_torch():
    """Value, gradients and second derivatives of nn's losses on GRID; oracle: torch.logsumexp,
    torch.softmax and torch.nn.functional's cross_entropy, binary_cross_entropy_with_logits
    and the squared error written in PyTorch (gradients to 1e-15 absolute: PyTorch's
    σ(40)(1 − σ(40)) rounds e^-40 to 0)."""
    torch = pytest.importorskip("torch")
    bad = []
    for case, (arity, ours_fn, torch_fn) in _loss_cases(torch).items():
        name = _loss_name(case)
        for point in points(arity):
            y = float(case.split("=")[1]) if "=" in case else None
            key = point + ((y,) if y is not None else ())
            zs = [Value(x, name=f"z{i}") for i, x in enumerate(point, 1)]
            try:
                out = ours_fn(zs)
            except (ArithmeticError, ValueError) as err:
                if not differs(name, key, "raises"):
                    bad.append(f"{case}{point}: raises {err}")
                continue
            first = grad(out, zs, create_graph=True)
            ours = (out.data, [g.data for g in first], [list(grad(g, zs)) for g in first])
            theirs = torch_derivatives(torch, torch_fn, point)
            bad += [f"{case}{point}: {m}"
                    for m in _mismatches(name, key, ours, theirs, abs_tol=1e-15)]
    assert not bad, "\n".join(bad[:20])


NETS = [("cross_entropy", [1, 2], "linear", [[1.0, 0.0], [0.25, 0.75]]),
        ("half_squared_error", [1, 1], "linear", [[0.0], [1.0]]),
        ("half_squared_error", [1, 1], "sigmoid", [[0.0], [1.0]]),
        ("binary_cross_entropy", [1, 1], "sigmoid", [[0.0], [0.5], [1.0]]),
        ("half_squared_error", [1, 1, 1], ["sin", "linear"], [[0.0], [1.0]])]


@pytest.mark.parametrize("loss, sizes, activation, targets", NETS)
def test_loss_backends_agree(loss, sizes, activation, targets):
    """net.jit_loss(loss) on the Python and numpy backends gives eager's C and ∂C/∂b with
    the output layer's biases (its z, all weights 0) on GRID, and raises where eager
    raises; oracle: the eager engine.  Gradients agree to 1e-15 absolute: for binary
    cross-entropy the matrix program's δ^L = a − y is 0 where σ(z) rounds to 1 (z > 37,
    y = 1), where eager's −y σ(−z) keeps e^−z."""
    pytest.importorskip("numpy")
    net = nn.MLP(sizes, activation=activation, seed=0)
    programs = {backend: net.jit_loss(loss, backend=backend) for backend in ("python", "numpy")}
    biases = [net.parameter(f"b2_{j}") for j in range(1, sizes[1] + 1)]
    bad = []
    for z, y in itertools.product(points(sizes[1]), targets):
        results = {}
        for how in ("eager", "python", "numpy"):
            for p in net.parameters():
                p.data, p.grad = 0.0, 0.0
            for b, value in zip(biases, z):
                b.data = value
            try:
                if how == "eager":
                    C = getattr(nn, loss)(net([1.0]), y)
                    C.backward()
                    results[how] = C.data
                else:
                    results[how] = programs[how].batch([(1.0, *y)])
            except (ArithmeticError, ValueError) as err:
                results[how] = type(err).__name__
            results[how] = (results[how], [b.grad for b in biases])
        want = results["eager"]
        for how in ("python", "numpy"):
            got = results[how]
            agree = (got[0] == want[0] if isinstance(want[0], str) else
                     not isinstance(got[0], str) and same(got[0], want[0])
                     and all(same(a, b, 1e-15) for a, b in zip(got[1], want[1])))
            if not agree:
                bad.append(f"{loss} z={z} y={y}: {how} {got}, eager {want}")
    assert not bad, "\n".join(bad[:20])


# ---------------------------------------------------------------------------
# Hand-derived values (no PyTorch needed)
# ---------------------------------------------------------------------------

def test_log_sum_exp_of_infinite_logits_is_the_limit():
    """ln(e^∞ + e^0) = ∞ and ln(e^-∞ + e^-∞) = ln 0 = -∞, not inf − inf = nan; the gradient
    (softmax) is 0 for a finite logit beside +∞ and nan for the infinite ones, as
    torch.logsumexp's; oracle: the limits, worked out by hand."""
    z = [Value(INF, name="z1"), Value(0.0, name="z2"), Value(-INF, name="z3")]
    C = nn.log_sum_exp(z)
    C.backward()
    assert C.data == INF
    assert math.isnan(z[0].grad) and z[1].grad == 0.0 and z[2].grad == 0.0
    low = [Value(-INF), Value(-INF)]
    assert nn.log_sum_exp(low).data == -INF
    assert nn.log_sum_exp([INF, INF]).data == INF
    assert math.isnan(nn.log_sum_exp([NAN, 0.0]).data)
    finite = [Value(1.0), Value(2.0)]
    L = nn.log_sum_exp(finite)
    L.backward()
    assert L.data == 2.0 + math.log1p(math.exp(-1.0))
    assert finite[0].grad == pytest.approx(1 / (1 + math.e), rel=1e-15)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_log_sum_exp_of_infinite_logits_compiled(backend):
    """The jit and the numpy backend give the same limits as eager; oracle: the limits."""
    if backend == "numpy":
        pytest.importorskip("numpy")
        p, q = Value(0.0, name="p", kind="parameter"), Value(0.0, name="q", kind="parameter")
        program = jit(lambda d: nn.log_sum_exp([p, q]) + d, backend="numpy")
        program.batch([(0.0,)])
        p.data, p.grad, q.grad = INF, 0.0, 0.0
        assert program.batch([(0.0,)]) == INF and math.isnan(p.grad) and q.grad == 0.0
        p.data, q.data = -INF, -INF
        assert program.batch([(0.0,)]) == -INF
    else:
        program = jit(lambda a, b: nn.log_sum_exp([a, b]))
        program(1.0, 2.0)
        value, (da, db) = program(INF, 0.0, input_grads=True)
        assert value == INF and math.isnan(da) and db == 0.0
        assert program(-INF, -INF) == -INF


@pytest.mark.parametrize("logits", [(1000.0, 1000.0), (1e16, 1e16), (1e308, 1e308)])
def test_cross_entropy_of_tied_logits_is_ln_2(logits):
    """Two equal logits: softmax is (½, ½) and C = −ln ½ = ln 2 to the last bit, however
    large the logits (m + ln 2 − z_t rounded ln 2 away at 1e16); oracle: ln 2."""
    for target in (0, [0.25, 0.75]):
        assert nn.cross_entropy([Value(x) for x in logits], target).data == math.log(2)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_cross_entropy_of_tied_logits_compiled(backend):
    """net.jit_loss("cross_entropy") on both backends gives ln 2 for tied logits 1e16;
    oracle: ln 2."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([1, 2], activation="linear", seed=0)
    for p in net.parameters():
        p.data = 0.0
    net.parameter("b2_1").data = net.parameter("b2_2").data = 1e16
    program = net.jit_loss("cross_entropy", backend=backend)
    assert program.batch([(1.0, 1.0, 0.0)]) == math.log(2)
    assert program.batch([(1.0, 0.25, 0.75)]) == math.log(2)
    assert net.parameter("b2_1").grad == pytest.approx(0.5 - 1.0 + 0.5 - 0.25)


def test_cross_entropy_soft_targets_of_opposite_huge_logits():
    """z = (1e308, −1e308), p = (¼, ¾): C = ln Σ e^z − Σ p z = 1e308 + ½·1e308 = 1.5e308,
    finite (PyTorch's −p·log_softmax overflows to inf); oracle: that sum by hand."""
    assert nn.cross_entropy([Value(1e308), Value(-1e308)], [0.25, 0.75]).data == 1.5e308


def test_sigmoid_far_left_is_subnormal():
    """σ(−710) = e^−710/(1 + e^−710) = e^−710 = 4.476e-309 (a subnormal float), and so are
    σ'(−710) and softplus''(−710); PyTorch gives 0. Oracle: math.exp(−710)."""
    z = Value(-710.0, name="z")
    a = z.sigmoid()
    a.backward()
    assert a.data == math.exp(-710.0) and z.grad == math.exp(-710.0)
    w = Value(-710.0)
    (d1,) = grad(w.softplus(), w, create_graph=True)
    assert grad(d1, w)[0] == math.exp(-710.0)


@pytest.mark.parametrize("c, second", [(INF, -INF), (-INF, INF), (0.0, -0.0), (-0.0, 0.0)])
def test_sigmoid_second_derivative_with_an_infinite_or_zero_incoming_gradient(c, second):
    """L = σ(z)·c at z = 1: ∂L/∂z = a(1 − a)·c with a = σ(1), one node a(1 − a) (PyTorch's
    sigmoid_backward), so ∂²L/∂z² = (c·(1 − 2a))·a(1 − a): ∓inf for c = ±inf and ∓0.0 for
    c = ±0 (adding (1 − a)·c and −a·c one by one gave ∞ − ∞ = nan and 0 + (−0) = +0.0).
    Oracle: that product by hand."""
    z, k = Value(1.0, name="z"), Value(c, name="c")
    a = 1.0 / (1.0 + math.exp(-1.0))
    (d1, _) = grad(z.sigmoid() * k, [z, k], create_graph=True)
    assert d1.data == a * (1.0 - a) * c
    (d2,) = grad(d1, z)
    assert struct.pack("<d", d2) == struct.pack("<d", second)
    assert struct.pack("<d", d2) == struct.pack("<d", c * (1.0 - 2.0 * a) * (a * (1.0 - a)))


def test_pow_of_a_value_exponent_one_half_is_the_square_root_at_minus_zero_and_minus_inf():
    """x ** n with n = ±0.5 a Value is √x and 1/√x, as with the number n: (−0.0) ** 0.5 = √−0.0
    = −0.0 with ∂/∂x = 0.5/√−0.0 = −inf, and (−inf) ** ±0.5 is nan (PyTorch's tensor ** tensor
    is C's pow: 0.0 with +inf, and inf).  Oracle: IEEE √ and division, by hand."""
    for number in (0.5, Value(0.5, name="n")):
        x = Value(-0.0, name="x")
        y = x ** number
        y.backward()
        assert y.data == 0.0 and math.copysign(1.0, y.data) == -1.0 and x.grad == -INF
    for number in (0.5, -0.5, Value(0.5), Value(-0.5)):
        assert math.isnan((Value(-INF) ** number).data)


@pytest.mark.parametrize("y", [1.0, 0.5])
def test_binary_cross_entropy_at_logit_minus_inf(y):
    """z = −∞ with y > 0: C = y·softplus(∞) + (1 − y)·softplus(−∞) = ∞ (the limit of
    −y ln σ(z)), not PyTorch's nan from (1 − y)·z = 0·(−∞); ∂C/∂z = σ(z) − y = −y.
    Oracle: the limits."""
    z = Value(-INF, name="z")
    C = nn.binary_cross_entropy(z.sigmoid(), y)
    C.backward()
    assert C.data == INF and z.grad == -y


def test_squared_error_overflow_raises_naming_pow():
    """(a − y)² of a = 1e308 overflows: pow's forward raises one line naming its operand
    (the engine's rule for a float that overflows, as exp(800)); oracle: the rule."""
    with pytest.raises(OverflowError, match=r"^pow: result overflows a float: base .* = -1e\+308"):
        nn.half_squared_error([Value(1e308)], [0.0])


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_strict_activation_raises_on_every_backend(backend):
    """A sin layer whose z is inf: net.jit_loss and nn.train raise eager's one-line error,
    naming z and the sample, on both backends (the matrix program gave nan and trained
    on, then reported divergence); oracle: the eager engine's error."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([1, 2, 1], activation=["sin", "linear"], seed=0)
    net.parameter("w2_11").data = 1e308
    with pytest.raises(ValueError) as eager:
        net([10.0])
    assert str(eager.value) == "sin: input must be finite, got 'z2_1' = inf"
    with pytest.raises(ValueError) as compiled:
        net.jit_loss(backend=backend).batch([(1.0, 0.0), (10.0, 1.0)])
    assert str(compiled.value) == "sin: input must be finite, got 'z2_1' = inf (sample 2 of the batch)"
    before = [p.data for p in net.parameters()]
    with pytest.raises(ValueError) as trained:
        nn.train(net, [[1.0], [10.0]], [0.0, 1.0], epochs=1, lr=0.1, batch=None,
                 backend=backend, progress=False)
    assert str(trained.value) == "train: epoch 1, sample 2: sin: input must be finite, got 'z2_1' = inf"
    assert [p.data for p in net.parameters()] == before


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_squared_error_overflow_raises_on_every_backend(backend):
    """An output of 1e308: (y − a)² overflows, and net.jit_loss raises eager's pow error for
    that sample on both backends (the numpy matrix program gave C = inf); oracle: eager's
    error."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([1, 1], activation="linear", seed=0)
    net.parameter("w2_11").data, net.parameter("b2_1").data = 1e308, 0.0
    with pytest.raises(OverflowError) as eager:
        nn.sum_squared_error(net([1.0]), [0.0])
    with pytest.raises(OverflowError) as compiled:
        net.jit_loss("sum_squared_error", backend=backend).batch([(1e-300, 0.0), (1.0, 0.0)])
    assert str(eager.value) == ("pow: result overflows a float: base an unnamed sub node = "
                                "-1e+308, exponent the constant 2.0")
    # the Python jit calls the unnamed node by its variable in the generated code, t1
    named = str(eager.value).replace("an unnamed sub node", "'t1'") if backend == "python" else \
        str(eager.value)
    assert str(compiled.value) == named + " (sample 2 of the batch)"


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_jitted_derivative_raises_where_the_function_does(backend):
    """d/dx ln x = 1/x does not use ln x, so the jit left ln x out and gave -1 at x = -1
    where eager raises computing ln(-1); on the numpy backend, a parameter's 1/p (a
    derivative, IEEE) was Python's 1.0 / 0.0 and raised 'division by zero in (the constant
    1.0) / ...' before ln 0 was reached.  Oracle: eager's error and 1/x."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    x = Value(-1.0, name="x")
    with pytest.raises(ValueError) as eager:
        grad(x.log(), x, create_graph=True)
    derivative = jit(lambda x: grad(x.log(), x, create_graph=True)[0], backend=backend)
    assert derivative.batch([(2.0,)]) == 0.5
    with pytest.raises(ValueError) as compiled:
        derivative.batch([(2.0,), (-1.0,)])
    assert str(compiled.value) == str(eager.value) + " (sample 2 of the batch)"
    p = Value(4.0, name="p", kind="parameter")
    of_p = jit(lambda d: grad(p.log(), p, create_graph=True)[0] + d, backend=backend)
    assert of_p.batch([(0.0,)]) == 0.25
    p.data = 0.0
    with pytest.raises(ValueError, match=r"^log: input must be > 0, got 'p' = 0\.0"):
        of_p.batch([(0.0,)])

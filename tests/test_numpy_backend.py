"""The numpy backend: the network's BP1-BP4 matrix program, and any jitted
function over arrays of samples.

Oracle: the scalar engine (loss(net(x), y).backward() summed over the batch),
itself held to PyTorch and finite differences elsewhere; the two must agree to
1e-12 relative (numpy sums pairwise, so not to the last bit).
"""

import itertools
import linecache
import math
import os
import random
import re
import signal
import subprocess
import sys

import pytest

import nn
from autograd import Value, jit

np = pytest.importorskip("numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
LOSSES = ["half_squared_error", "sum_squared_error", "half_mean_squared_error",
          "binary_cross_entropy", "cross_entropy"]


def batch_for(loss, n_in, n_out, m, rng):
    rows = []
    for _ in range(m):
        x = [rng.uniform(-1, 1) for _ in range(n_in)]
        if loss == "cross_entropy":
            t = rng.randrange(n_out)
            y = [1.0 if k == t else 0.0 for k in range(n_out)]
        else:
            y = [rng.uniform(0.05, 0.95) for _ in range(n_out)]
        rows.append(tuple(x) + tuple(y))
    return rows


def engine_gradients(net, loss, rows, n_in, mean):
    """The scalar engine's C and parameter gradients for the batch."""
    fn = getattr(nn, loss)
    outputs = [net(list(r[:n_in])) for r in rows]
    targets = [list(r[n_in:]) for r in rows]
    if loss == "half_mean_squared_error":
        C = fn(outputs, targets)
    else:
        C = fn(outputs, targets, reduction="mean" if mean else "sum")
    net.zero_grad()
    C.backward()
    return C.data, [p.grad for p in net.parameters()]


def close(a, b, rel=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


@pytest.mark.parametrize("hidden, output, loss",
                         [(h, o, l) for h, o, l in itertools.product(ACTIVATIONS, ACTIVATIONS,
                                                                     LOSSES)
                          if l != "binary_cross_entropy" or o == "sigmoid"])
def test_matrix_program_equals_the_scalar_engine(hidden, output, loss):
    rng = random.Random(hash((hidden, output, loss)) % 1000)
    n_in, n_out = 3, 2
    net = nn.MLP([n_in, 4, n_out], activation=[hidden, output], seed=rng.randrange(100))
    rows = batch_for(loss, n_in, n_out, 6, rng)
    mean = loss == "half_mean_squared_error"
    want_C, want = engine_gradients(net, loss, rows, n_in, mean)
    program = net.jit_loss(loss, backend="numpy")
    net.zero_grad()
    got_C = program.batch(rows, mean=mean)
    got = [p.grad for p in net.parameters()]
    assert close(got_C, want_C), (got_C, want_C)
    worst = max((abs(a - b) / abs(b) for a, b in zip(got, want) if b), default=0.0)
    assert all(close(a, b) for a, b in zip(got, want)), f"worst relative error {worst:.3g}"


def test_the_source_is_nielsen_s_equations_and_is_registered_for_tracebacks():
    net = nn.MLP([2, 3, 1], seed=0)
    program = net.jit_loss(nn.half_squared_error, backend="numpy")
    source = program.source
    for line in ["z3 = W3 @ a2 + b3", "a3 = np_sigmoid(z3)",
                 "delta3 = seed * (a - Y) * sigmoid_prime(z3, a3)  # BP1",
                 "delta2 = (W3.T @ delta3) * sigmoid_prime(z2, a2)  # BP2",
                 "dC_db3 = delta3.sum(axis=1, keepdims=True)  # BP3",
                 "dC_dW3 = delta3 @ a2.T  # BP4", "dC_dW2 = delta2 @ a1.T  # BP4"]:
        assert line in source, line
    assert "One column per sample" in source
    first = source.splitlines()[0]
    assert linecache.getline(program.filename, 1).rstrip("\n") == first


def test_a_constant_bias_and_no_bias_and_frozen_weights():
    rng = random.Random(4)
    net = nn.MLP([2, 3, 1], bias=[0.35, "none"], seed=5)
    net.freeze("w2_11")
    rows = batch_for("half_squared_error", 2, 1, 5, rng)
    want_C, want = engine_gradients(net, "half_squared_error", rows, 2, False)
    program = net.jit_loss("half_squared_error", backend="numpy")
    net.zero_grad()
    assert close(program.batch(rows), want_C)
    assert all(close(a, b) for a, b in zip([p.grad for p in net.parameters()], want))
    assert net.parameter("w2_11").grad == 0.0


@pytest.mark.parametrize("make_optimizer", [
    lambda net: nn.SGD(net.parameters(), lr=0.5),
    lambda net: nn.SGD(net.parameters(), lr=0.3, momentum=0.9),
    lambda net: nn.Adam(net.parameters(), lr=0.01),
])
def test_train_with_the_numpy_backend_equals_the_python_backend(make_optimizer):
    rng = random.Random(2)
    X = np.array([[rng.uniform(-1, 1) for _ in range(3)] for _ in range(60)])
    T = np.array([rng.randrange(3) for _ in range(60)])
    results = []
    for backend in ("python", "numpy"):
        net = nn.MLP([3, 5, 3], activation=["tanh", "linear"], seed=1)
        opt = make_optimizer(net)
        history = nn.train(net, X, T, epochs=3, batch=8, loss="cross_entropy", optimizer=opt,
                           shuffle=True, seed=7, progress=False, backend=backend)
        results.append((list(history), [p.data for p in net.parameters()],
                        [p.grad for p in net.parameters()]))
    (h1, w1, g1), (h2, w2, g2) = results
    assert all(close(a, b, 1e-11) for a, b in zip(h1, h2))
    assert all(close(a, b, 1e-11) for a, b in zip(w1, w2))
    assert all(close(a, b, 1e-9) for a, b in zip(g1, g2))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_full_batch_training_with_the_numpy_backend_equals_the_python_backend(reduction):
    """The same batch every step (batch=None), so the numpy backend reuses its
    matrices: C, weights and grads as the scalar engine's (consistency, 1e-11)."""
    X, Y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    results = []
    for backend in ("python", "numpy"):
        net = nn.MLP([2, 3, 1], seed=0)
        history = nn.train(net, X, Y, epochs=5, lr=2.0, batch=None, reduction=reduction,
                           progress=False, backend=backend)
        results.append((list(history), [p.data for p in net.parameters()]))
    (h1, w1), (h2, w2) = results
    assert all(close(a, b, 1e-11) for a, b in zip(h1, h2))
    assert all(close(a, b, 1e-11) for a, b in zip(w1, w2))


def test_a_loss_of_your_own_trains_through_the_traced_program_over_arrays():
    def my_loss(outputs, targets):
        return (outputs[0] - targets[0]) ** 4
    rng = random.Random(3)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(20)]
    Y = [[rng.uniform(0, 1)] for _ in range(20)]
    results = []
    for backend in ("python", "numpy"):
        net = nn.MLP([2, 3, 1], seed=9)
        h = nn.train(net, X, Y, epochs=2, lr=0.5, batch=5, loss=my_loss, progress=False,
                     backend=backend)
        results.append((list(h), [p.data for p in net.parameters()]))
    assert all(close(a, b, 1e-11) for a, b in zip(results[0][0], results[1][0]))
    assert all(close(a, b, 1e-11) for a, b in zip(results[0][1], results[1][1]))


# ---------------------------------------------------------------------------
# Any jitted function over arrays
# ---------------------------------------------------------------------------

def test_a_jitted_function_over_arrays_equals_the_scalar_batch():
    w = Value(0.5, name="w", kind="parameter")
    b = Value(-0.2, name="b", kind="parameter")

    def f(x, y):
        z = w * x + b
        return ((z.sigmoid() - y) ** 2 + z.relu() * 0.1 + abs(x - y + 3.0).log()
                + (x * 0.3).exp() / (1.0 + y * y) + (z * z + 1.0).sqrt() + z.tanh()
                + z.softplus())
    rng = random.Random(0)
    rows = [(rng.uniform(-2, 2), rng.uniform(-2, 2)) for _ in range(500)]
    scalar, vector = jit(f), jit(f, backend="numpy")
    total = scalar.batch(rows, mean=True)
    grads = (w.grad, b.grad)
    w.grad = b.grad = 0.0
    assert close(vector.batch(np.array(rows), mean=True), total)
    assert close(w.grad, grads[0]) and close(b.grad, grads[1])
    assert "np.where" in vector.program("numpy", 2).source


def test_a_numpy_batch_raises_the_eager_error_naming_the_sample():
    f = jit(lambda x, y: (x - y).log(), backend="numpy")
    with pytest.raises(ValueError, match=r"log: input must be > 0, got 't1' = -1\.0 "
                                         r"\(sample 3 of the batch\)"):
        f.batch([(2.0, 1.0), (3.0, 1.0), (1.0, 2.0)])
    g = jit(lambda x: x / (x - 1.0), backend="numpy")
    with pytest.raises(ZeroDivisionError, match=r"div: division by zero.*\(sample 2 of"):
        g.batch([(3.0,), (1.0,)])
    nan = jit(lambda x: x.log(), backend="numpy")
    assert math.isnan(nan.batch([(math.nan,)]))     # nan flows, as in eager


def test_a_numpy_batch_error_notes_the_line_that_computed_the_node():
    """The note under the error quotes the generated line of the failing op (as the
    Python backend does), not the check() call after it, which a reader can't map
    to the graph.  Oracle: the program's own source, the line of '# log'."""
    f = jit(lambda x, y: (x - y).log(), backend="numpy")
    with pytest.raises(ValueError) as caught:
        f.batch([(2.0, 1.0), (1.0, 2.0)])
    line = next(t for t in f.program("numpy").source.splitlines() if t.endswith("# log"))
    assert caught.value.__notes__[-1].endswith(": " + line.strip())
    assert "check(" not in caught.value.__notes__[-1]


def test_a_division_by_a_nonzero_constant_is_not_checked():
    """x / 2.0 cannot raise in the eager engine (inf / 2 is inf), so its line gets no
    check(...) after it (noise in the source, a pass over the batch); 1 / y keeps its
    check and still names the sample.  Oracle by hand: Σ (x/2 + 1/y) over (1, 2),
    (3, 4) is 0.5 + 0.5 + 1.5 + 0.25."""
    f = jit(lambda x, y: x / 2.0 + 1.0 / y, backend="numpy")
    assert f.batch([(1.0, 2.0), (3.0, 4.0)]) == 2.75
    checks = [t.strip() for t in f.program("numpy").source.splitlines()
              if t.strip().startswith("check(")]
    assert len(checks) == 1 and "'div', (1.0, y,)" in checks[0], checks
    assert f.batch([(1e308, 1.0)]) == 0.5e308 + 1.0
    with pytest.raises(ZeroDivisionError, match=r"\(sample 2 of the batch\)"):
        f.batch([(1.0, 2.0), (1.0, 0.0)])


@pytest.mark.parametrize("samples, message", [
    ([(1.0, True)], "jit input 'y' of <lambda>\\(\\) batch sample 1 needs a real number"),
    ([(1.0, 2.0), (1.0,)], "batch sample 2: 1 number"),
    ("xy", "samples must be a 2-d array"),
    ({0: (1.0, 2.0)}, "samples must be a 2-d array or a list of tuples of numbers, got dict"),
    (np.zeros(3), "samples must be 2-d"),
])
def test_bad_samples_are_refused_naming_what_was_wrong(samples, message):
    w = Value(1.0, kind="parameter")
    f = jit(lambda x, y: w * x + y, backend="numpy")
    with pytest.raises(TypeError, match=message):
        f.batch(samples)
    assert w.grad == 0.0


def test_numpy_is_optional():
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import autograd, nn\n"
            "from autograd import Value, jit\n"
            "net = nn.MLP([2, 2, 1], seed=0)\n"
            "print(jit(lambda x: x * 2.0)(3.0), net.jit_loss()(0.1, 0.2, 0.3) > 0)\n"
            "w = Value(0.5, name='w', kind='parameter')\n"
            "try:\n"       # a batch error of the Python backend names its sample without numpy
            "    jit(lambda x: (w * x).log()).batch([(1.0,), (-1.0,)])\n"
            "except ValueError as e:\n"
            "    print(e)\n"
            "try:\n"
            "    jit(lambda x: x, backend='numpy')\n"
            "except ImportError as e:\n"
            "    print(e)\n"
            "try:\n"
            "    net.jit_loss(backend='numpy')\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "6.0 True"
    assert lines[1].startswith("log: input must be > 0, got ") and \
        lines[1].endswith(" = -0.5 (sample 2 of the batch)")
    assert "pip install 'chainrule[numpy]'" in lines[2] and "pip install 'chainrule[numpy]'" in lines[3]


# ---------------------------------------------------------------------------
# The same rules as the Python backend: parameters, data, domain errors
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_only_the_parameters_the_optimiser_owns_are_trained(backend):
    """Oracle: the parameters outside the optimiser keep their exact bits; the four
    it owns move as the Python backend moves them (1e-11)."""
    X, Y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    moved = {}
    for run in ("python", backend):
        net = nn.MLP([2, 3, 1], seed=0)
        before = net.state_dict()
        owned = net.parameters()[:4]
        nn.train(net, X, Y, epochs=3, optimizer=nn.SGD(owned, lr=0.5, momentum=0.5),
                 progress=False, backend=run)
        after = net.state_dict()
        names = [name for name, p in net.named_parameters().items() if p in owned]
        assert names == ["w2_11", "w2_12", "b2_1", "w2_21"]
        assert all(after[k].hex() == before[k].hex() for k in after if k not in names)
        assert all(after[k] != before[k] for k in names)
        moved[run] = [after[k] for k in names]
    assert all(close(a, b, 1e-11) for a, b in zip(moved["python"], moved[backend]))


def test_binary_cross_entropy_after_tanh_or_relu_raises_the_eager_domain_error():
    """Oracle: the eager engine on the same sample; where it raises, the matrix
    program raises the same error (its words, the same node, its number to 1e-12 (the
    matrix product sums in another order), and the sample); else the same C."""
    rng = random.Random(4)
    raised = 0
    for trial in range(200):
        activation = rng.choice(["tanh", "relu"])
        net = nn.MLP([2, 3, 2], activation=["sigmoid", activation], seed=trial)
        x, y = [rng.uniform(-2, 2), rng.uniform(-2, 2)], [rng.random(), rng.random()]
        program = net.jit_loss("binary_cross_entropy", backend="numpy")
        try:
            expected = nn.binary_cross_entropy(net(x), y).data
        except ValueError as error:
            raised += 1
            with pytest.raises(ValueError) as caught:
                program.batch([(*x, *y)])
            before, number, after = re.split(r" is (\S+);", str(error))
            got_before, got, got_after = re.split(r" is (\S+);", str(caught.value))
            assert (got_before, got_after) == (before, after + " (sample 1 of the batch)")
            assert close(float(got), float(number), 1e-12)
            continue
        assert close(program.batch([(*x, *y)]), expected, 1e-12)
    assert raised > 20


def test_an_empty_batch_costs_0_as_the_python_jit_says():
    net = nn.MLP([2, 2, 1], seed=0)
    assert net.jit_loss(backend="numpy").batch([]) == net.jit_loss().batch([]) == 0.0
    assert all(p.grad == 0.0 for p in net.parameters())


def squared(outputs, targets):
    """(a − y)² written as a product, which overflows to inf where ** raises."""
    d = outputs[0] - targets[0]
    return d * d


@pytest.mark.parametrize("loss", [squared, "sum_squared_error"])
def test_an_infinite_gradient_at_a_dead_relu_neuron_gives_it_0_as_eager_and_pytorch(loss):
    """Found by comparing with PyTorch on a tiny network: hidden neuron 2 has z = −1e-50,
    so ReLU'(z) = 0 and nothing reaches its weight and bias; the output's a = 1e150 costs
    a finite 1e300, but the gradient reaching the hidden layer, w3 · 2(a − y) = 2e350,
    overflows to inf.  BP2 multiplied inf by relu_prime = 0, giving nan, where the
    eager engine and the Python jit select 0 (ReLU's rule) and PyTorch gives 0.
    Oracle: 0 for the dead neuron by hand, the eager engine on the traced loss, PyTorch."""
    net = nn.MLP([1, 2, 1], activation=["relu", "linear"], weights=[[[1.0], [-1.0]],
                 [[1e200, 1e200]]], biases=[[0.0, 0.0], [0.0]])
    assert net.jit_loss(loss, backend="numpy").batch([(1e-50, 0.0)]) == 1e150 ** 2
    got = {name: p.grad for name, p in net.named_parameters().items()}
    assert got["w2_21"] == got["b2_2"] == 0.0
    assert got["w2_11"] == got["b2_1"] == math.inf       # w3_11 · 2(a − y) overflows
    net.zero_grad()
    (squared if loss is squared else nn.sum_squared_error)(net([1e-50]), [0.0]).backward()
    assert got == {name: p.grad for name, p in net.named_parameters().items()}
    try:
        import torch
    except ImportError:
        return
    model = net.to_torch()
    cost = ((model(torch.tensor([[1e-50]], dtype=torch.float64)) - 0.0) ** 2).sum()
    cost.backward()
    assert model[0].weight.grad[1, 0].item() == model[0].bias.grad[1].item() == 0.0


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_numpy_warnings_never_reach_the_user(backend):
    """A step size that overflows everything: TrainingDiverged, no RuntimeWarning."""
    import warnings
    net = nn.MLP([2, 3, 1], activation=["relu", "linear"], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.TrainingDiverged):
            nn.train(net, [[1e3, -1e3], [2e3, 5e2]], [1.0, -1.0], epochs=5, lr=1e300,
                     loss="sum_squared_error", progress=False, backend=backend)


# ---------------------------------------------------------------------------
# The fast paths give the kernels' numbers, bit for bit
# ---------------------------------------------------------------------------

def bits(values):
    return [float(v).hex() for v in values]


@pytest.mark.parametrize("sizes, activations, n, batch, epochs", [
    ([784, 30, 10], ["sigmoid", "sigmoid"], 60, 10, 1),
    ([2, 256, 256, 1], ["tanh", "tanh", "sigmoid"], 100, None, 3),
])
@pytest.mark.parametrize("lists", [False, True])
def test_train_with_the_numpy_backend_is_its_kernel_bit_for_bit(sizes, activations, n, batch,
                                                                epochs, lists):
    """Oracle: the matrix program's pure function on arrays built by hand from the
    parameters, stepped by the optimiser's array rule, batch after batch."""
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(0, 1, (n, sizes[0])), rng.uniform(0, 1, (n, sizes[-1]))
    net = nn.MLP(sizes, activation=activations, seed=2)
    program = net.jit_loss("half_squared_error", backend="numpy")
    arrays = [np.array([[v.data for v in row] for row in rows]) for _, rows, _ in
              program._layout]
    optimizer = nn.SGD(net.parameters(), lr=0.5, momentum=0.5)
    states = [{} for _ in arrays]
    size = batch or n
    for _ in range(epochs):
        for s in range(0, n, size):
            Xb, Yb = X[s:s + size].T.copy(), Y[s:s + size].T.copy()
            _, grads = program.gradients(Xb, Yb, 1.0 / len(Xb[0]), arrays)
            for i, g in enumerate(grads):
                arrays[i], states[i] = optimizer.array_rule(arrays[i], g, states[i], None)
    trained = nn.MLP(sizes, activation=activations, seed=2)
    nn.train(trained, X.tolist() if lists else X, Y, epochs=epochs, batch=batch,
             optimizer=nn.SGD(trained.parameters(), lr=0.5, momentum=0.5), progress=False,
             backend="numpy")
    expected = [w for a in arrays for w in a.ravel().tolist()]
    got = [v.data for _, rows, _ in trained.jit_loss("half_squared_error", backend="numpy")
           ._layout for row in rows for v in row]
    assert bits(got) == bits(expected)


@pytest.mark.parametrize("momentum, maximize", [(0.0, False), (0.9, False), (0.9, True)])
def test_the_per_step_api_is_the_program_and_the_sgd_rule_bit_for_bit(momentum, maximize):
    """Oracle: the gradient arrays of the pure function added into .grad one by one,
    and the SGD rule w - lr*v, v = mu*v + g, one parameter at a time in floats."""
    from nn.optim import sgd_rule
    net = nn.MLP([784, 30, 10], seed=4)
    rng = np.random.default_rng(5)
    rows = np.hstack([rng.uniform(0, 1, (10, 784)), rng.uniform(0, 1, (10, 10))])
    program = net.jit_loss("half_squared_error", backend="numpy")
    optimizer = nn.SGD(net.parameters(), lr=0.1, momentum=momentum, maximize=maximize)
    params = [v for _, rs, _ in program._layout for row in rs for v in row]
    velocity = [0.0] * len(params)
    for _ in range(3):
        before = [p.data for p in params]
        arrays = [np.array([[v.data for v in row] for row in rs]) for _, rs, _ in
                  program._layout]
        _, grads = program.gradients(np.ascontiguousarray(rows[:, :784].T),
                                     np.ascontiguousarray(rows[:, 784:].T), 0.1, arrays)
        expected_grads = [0.0 + g for a in grads for g in a.ravel().tolist()]
        optimizer.zero_grad()
        program.batch(rows, mean=True)
        assert bits(p.grad for p in params) == bits(expected_grads)
        optimizer.step()
        sign = -1.0 if maximize else 1.0
        expected = []
        for k, (w, g) in enumerate(zip(before, expected_grads)):
            w, velocity[k] = sgd_rule(w, sign * g, velocity[k], 0.1, momentum)
            expected.append(w)
        assert bits(p.data for p in params) == bits(expected)


@pytest.mark.parametrize("body", [lambda x, y: 1.0 / y, lambda x, y: (x - 3.0) ** 0.5])
def test_a_constant_in_a_batch_error_reads_as_the_eager_engine_says_it(body):
    """The numpy backend called an unnamed constant '1' = 1.0 where the eager engine and
    the Python backend say 'the constant 1.0'.  Oracle: eager's message on sample 2."""
    with pytest.raises((ArithmeticError, ValueError)) as eager:
        body(Value(1.0, name="x"), Value(0.0, name="y"))
    for backend in ("python", "numpy"):
        with pytest.raises(type(eager.value)) as caught:
            jit(body, backend=backend).batch([(5.0, 1.0), (1.0, 0.0)])
        message = str(caught.value).replace("'t1'", "an unnamed sub node")
        assert message == f"{eager.value} (sample 2 of the batch)", backend


@pytest.mark.parametrize("constant", [math.inf, -math.inf, math.nan])
def test_an_infinite_or_nan_constant_is_a_number_in_the_numpy_program(constant):
    """x·w + inf raised NameError: name 'inf' is not defined inside the generated numpy
    code (the literal is written 'inf', a name only the Python backend's namespace
    had).  Oracle: IEEE by hand, 1·2 + c is c, and ∂/∂w summed over 2 samples is 1 + 3."""
    w = Value(2.0, name="w", kind="parameter")
    total = jit(lambda x: x * w + constant, name="f", backend="numpy").batch([(1.0,), (3.0,)])
    assert total == 2 * constant or (math.isnan(total) and math.isnan(constant))
    assert w.grad == 4.0


def test_an_infinite_constant_in_a_loss_of_your_own_runs_as_the_matrix_program():
    """The same NameError inside the per-sample code of a user's loss
    (minimum(a, inf) is a): nn's matrix program took the loss and could not run it.
    Oracle: the eager engine's loss and gradients, summed over the samples."""
    from autograd import minimum

    def capped(outputs, targets):
        return nn.half_squared_error(outputs, targets) + minimum(outputs[0], math.inf)

    rows = [(0.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    net = nn.MLP([2, 3, 1], seed=0)
    eager = sum((capped(net([x1, x2]), [y]) for x1, x2, y in rows), Value(0.0))
    eager.backward()
    expected = [p.grad for p in net.parameters()]
    net.zero_grad()
    program = net.jit_loss(capped, backend="numpy")
    assert type(program).__name__ == "MatrixProgram"
    assert math.isclose(program.batch(rows), eager.data, rel_tol=1e-12)
    assert all(math.isclose(p.grad, g, rel_tol=1e-12, abs_tol=1e-15)
               for p, g in zip(net.parameters(), expected))


def test_the_pure_gradients_function_names_an_array_of_the_wrong_shape():
    """program.gradients(X, Y, seed, arrays) with the samples as rows (X of 4 × 2 for a
    2-3-1 network) or a weight matrix transposed died inside the generated code with
    numpy's 'matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc
    signature (n?,k),(k,m?)->(n?,m?)', naming no argument.  Oracle: the shapes
    docs/jit.md gives, X n_in × m and W^l n_l × n_(l−1)."""
    net = nn.MLP([2, 3, 1], seed=0)
    program = net.jit_loss(backend="numpy")
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    arrays = program.arrays()
    C, _ = program.gradients(X, Y, 1.0, arrays)
    with pytest.raises(ValueError) as caught:
        program.gradients(X.T, Y, 1.0, arrays)
    assert str(caught.value) == ("half_squared_error.gradients: X must be 2 × m (a column "
                                 "per sample), got shape (4, 2); samples as rows? pass X.T")
    with pytest.raises(ValueError) as caught:
        program.gradients(X, Y, 1.0, [arrays[0].T] + arrays[1:])
    assert str(caught.value) == ("half_squared_error.gradients: W2 must have shape (3, 2), "
                                 "got (2, 3)")
    with pytest.raises(ValueError) as caught:
        program.gradients(X, Y.T, 1.0, arrays)
    assert str(caught.value) == ("half_squared_error.gradients: Y must be 1 × 4 (a column "
                                 "per sample, as X), got shape (4, 1)")
    assert program.gradients(X, Y, 1.0, arrays)[0] == C      # nothing kept from a failure


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix",
                    reason="a real SIGINT sent with os.kill")
def test_ctrl_c_during_a_numpy_batch_adds_all_gradients_or_none():
    """A real SIGINT at a random moment of a run of numpy-backend batches, 150 times:
    every .grad is as before the batch it stopped or as after a whole one.  The
    program added p.grad += float(np.sum(g_p)) parameter by parameter, each line a call
    where Python runs the handler: 79 stops in 200 left 30 parameters half added."""
    import collections
    import itertools
    import threading
    import time
    from autograd import sum_values
    params = [Value(0.01 * i, name=f"p{i}", kind="parameter") for i in range(30)]
    f = jit(lambda x: sum_values([(p * x).tanh() for p in params]), backend="numpy")
    X = np.random.default_rng(0).random((50, 1))

    def reset():   # one call into C: Ctrl-C comes before it or after it
        collections.deque(map(setattr, params, itertools.repeat("grad"),
                              itertools.repeat(0.125)), maxlen=0)
    reset()
    f.batch(X)
    full = [p.grad for p in params]
    start = time.perf_counter()
    f.batch(X)
    call = time.perf_counter() - start
    reset()
    f.batch(X)
    rng = random.Random(2)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    tracer = sys.gettrace()    # as a program runs it: no tracer between the lines
    sys.settrace(None)
    stopped = 0
    try:
        for _ in range(150):
            timer = threading.Timer(rng.uniform(0, 2 * call), os.kill,
                                    (os.getpid(), signal.SIGINT))
            try:
                timer.start()
                for _ in range(10_000):
                    reset()
                    f.batch(X)
                timer.join()
            except KeyboardInterrupt:
                timer.join()
                stopped += 1
                assert [p.grad for p in params] in ([0.125] * len(params), full)
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.settrace(tracer)
    assert stopped == 150


@pytest.mark.parametrize("backend", ["numpy", "python"])
def test_batch_of_inputs_and_targets_apart_says_what_to_pass(backend):
    """step.batch(X, Y), as nn.train(net, X, Y) takes them, gave Python's own
    "MatrixProgram.batch() takes 2 positional arguments but 3 were given" (and
    "Jitted.batch() ..." on the python backend), and step.batch(rows, True)
    the same.  Each now says in one line what to pass, the documented one way, and
    changes no grad; the advice followed gives the loss and gradient.  Oracle: by
    hand, a linear 2-1 network, C = Σ ½(w·x + b − y)², ∂C/∂w_k = Σ (a − y) x_k,
    ∂C/∂b = Σ (a − y)."""
    net = nn.MLP([2, 1], activation="linear", weights=[[[0.5, -0.25]]], biases=[[0.1]])
    X, Y = np.array([[0.6, -0.4], [1.0, 2.0], [-0.3, 0.7]]), np.array([[0.25], [0.5], [-1.0]])
    step = net.jit_loss("half_squared_error", backend=backend)
    owner = "half_squared_error" if backend == "numpy" else "jit loss"
    with pytest.raises(TypeError) as refused:
        step.batch(X, Y)
    assert str(refused.value) == (
        f"{owner}.batch takes one argument, the samples, each holding the numbers one call "
        f"takes (a loss's inputs, then its targets), got 2 arguments: for inputs X and "
        f"targets Y give .batch(np.hstack([X, Y])) or .batch([(*x, *y) for x, y in zip(X, Y)])")
    with pytest.raises(TypeError, match=rf"^{owner}\.batch: mean is given by name: "
                                        rf"\.batch\(samples, mean=True\)$"):
        step.batch(np.hstack([X, Y]), True)
    assert all(p.grad == 0.0 for p in net.parameters())
    error = X @ np.array([0.5, -0.25]) + 0.1 - Y[:, 0]
    for given in (np.hstack([X, Y]), [(*x, *y) for x, y in zip(X.tolist(), Y.tolist())]):
        for p in net.parameters():
            p.grad = 0.0
        assert close(step.batch(given), float(0.5 * (error ** 2).sum()))
        w1, w2, b = (net.named_parameters()[name].grad for name in ("w2_11", "w2_12", "b2_1"))
        assert close(w1, float(error @ X[:, 0])) and close(w2, float(error @ X[:, 1]))
        assert close(b, float(error.sum()))


@pytest.mark.parametrize("change", ["scaled", "nan"])
def test_inputs_changed_in_place_by_on_epoch_do_not_change_the_training(change):
    """nn.train(backend="numpy") trained on the caller's input array as it was, not a
    copy, so an on_epoch that changed it in place (X *= 2, or a NaN put in) changed the
    epochs after, which the Python backend (reading the lists it made) did not: a NaN
    put in gave "TrainingDiverged: train: the loss became nan in epoch 2 (lr=0.3); try a
    smaller lr" for data that was checked finite before the first step.  Oracle: the
    same training on a copy of the array that nothing changes, bit for bit."""
    X = np.array([[0.1, -0.4], [0.9, 0.3], [-0.5, 0.8], [0.2, 0.2], [1.0, -1.0]])
    Y = np.array([[0.2], [0.9], [0.4], [0.5], [0.1]])

    def run(inputs, on_epoch):
        net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=5)
        optimizer = nn.SGD(net.parameters(), lr=0.3, momentum=0.9)
        history = nn.train(net, inputs, Y, epochs=3, batch=2, shuffle=True, seed=1,
                           optimizer=optimizer, progress=False, backend="numpy",
                           on_epoch=on_epoch)
        return list(history), net.state_dict(), optimizer.state_dict()

    expected = run(X.copy(), None)

    def changes_the_data(epoch, loss):
        if change == "scaled":
            X[:] = X * 2.0
        else:
            X[0, 0] = np.nan

    assert run(X, changes_the_data) == expected

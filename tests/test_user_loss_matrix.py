"""A loss of the user's under backend="numpy": the network's matrix program when its
C_x is per sample and elementwise, the traced per-sample program otherwise.

Oracles: the eager engine (C = Σ_x or mean of loss(net(x), y), then C.backward())
on the same batch, to the project's jit-agreement tolerance (nn.compiled.JIT_AGREEMENT);
central finite differences of the eager C; and, for a loss that is one of nn's own,
nn's built-in matrix program, bit for bit.
"""

import math
import random
import struct

import pytest

import nn
from autograd import Value, no_grad, sum_values
from autograd.jit import Jitted
from nn.matrix import MatrixProgram
from nn.traced_loss import NotElementwise, traced_loss, why_not_matrix
from nn.compiled import JIT_AGREEMENT

np = pytest.importorskip("numpy")


def close(a, b):
    return math.isclose(a, b, rel_tol=JIT_AGREEMENT, abs_tol=JIT_AGREEMENT)


def bits(x):
    return struct.pack("<d", x)


def rows_for(n_in, n_out, m, rng, low=0.05, high=0.95):
    return [tuple(rng.uniform(-1, 1) for _ in range(n_in))
            + tuple(rng.uniform(low, high) for _ in range(n_out)) for _ in range(m)]


def eager(net, loss, rows, mean):
    """C and every parameter's gradient from the eager engine."""
    n_in = net.sizes[0]
    costs = [loss(net(list(r[:n_in])), list(r[n_in:])) for r in rows]
    C = sum_values(costs)
    if mean:
        C = C / len(rows)
    net.zero_grad()
    C.backward()
    return C.data, [p.grad for p in net.parameters()]


def program_run(net, program, rows, mean):
    net.zero_grad()
    C = program.batch(rows, mean=mean)
    return C, [p.grad for p in net.parameters()]


# ---------------------------------------------------------------------------
# Losses of the user's
# ---------------------------------------------------------------------------

def scaled(outputs, targets):
    return nn.half_squared_error(outputs, targets) * 1.0 + 0.0


def doubled_plus_one(outputs, targets):
    return 2.0 * nn.half_squared_error(outputs, targets) + 1.0


def two_builtins(outputs, targets):
    return nn.half_squared_error(outputs, targets) + 0.25 * nn.sum_squared_error(outputs, targets)


def hand_squared(outputs, targets):
    return sum_values([(a - y) ** 2 for a, y in zip(outputs, targets)]) / 2.0


def absolute_and_log(outputs, targets):
    """|a − y| plus −ln(a) (the outputs are sigmoids, so a > 0)."""
    return sum_values([abs(a - y) - y * a.log() for a, y in zip(outputs, targets)])


def cross_entropy_plus_squares(outputs, targets):
    return nn.binary_cross_entropy(outputs, targets) + nn.half_squared_error(outputs, targets)


CASES = [
    (scaled, "relu"), (scaled, "sigmoid"), (scaled, "linear"),
    (doubled_plus_one, "tanh"), (two_builtins, "sigmoid"), (two_builtins, "linear"),
    (hand_squared, "tanh"), (hand_squared, "sigmoid"), (absolute_and_log, "sigmoid"),
    (cross_entropy_plus_squares, "sigmoid"),
]


@pytest.mark.parametrize("loss, output", CASES,
                         ids=[f"{f.__name__}-{o}" for f, o in CASES])
@pytest.mark.parametrize("mean", [False, True])
def test_a_traced_loss_runs_as_the_matrix_program_and_agrees_with_eager(loss, output, mean):
    rng = random.Random(hash((loss.__name__, output)) % 997)
    net = nn.MLP([3, 4, 2], activation=["tanh", output], seed=rng.randrange(100))
    rows = rows_for(3, 2, 7, rng)
    program = net.jit_loss(loss, backend="numpy")
    assert isinstance(program, MatrixProgram), why_not_matrix(net, loss)
    assert f"{loss.__name__}_per_sample" in program.source
    want_C, want = eager(net, loss, rows, mean)
    got_C, got = program_run(net, program, rows, mean)
    assert close(got_C, want_C), (got_C, want_C)
    assert all(close(a, b) for a, b in zip(got, want)), max(abs(a - b) for a, b in zip(got, want))


@pytest.mark.parametrize("name", ["coût", "λ_loss", "ﬁt"])
def test_a_loss_with_a_name_outside_ascii_runs_as_the_matrix_program(name):
    """Found by giving losses hostile names: a loss called coût (a Python identifier)
    kept its name for the program while the code's writer spelled the function
    co_t_per_sample, so nn.train(backend="numpy") and jit_loss died with a bare
    KeyError; ﬁt is one too (Python reads it as fit).  Oracle: the eager engine."""
    def loss(outputs, targets):
        return doubled_plus_one(outputs, targets)
    loss.__name__ = loss.__qualname__ = name
    rng = random.Random(5)
    net = nn.MLP([3, 4, 2], activation=["tanh", "sigmoid"], seed=3)
    rows = rows_for(3, 2, 6, rng)
    program = net.jit_loss(loss, backend="numpy")
    assert isinstance(program, MatrixProgram), why_not_matrix(net, loss)
    want_C, want = eager(net, loss, rows, True)
    got_C, got = program_run(net, program, rows, True)
    assert close(got_C, want_C) and all(close(a, b) for a, b in zip(got, want))
    twin = nn.MLP([3, 4, 2], activation=["tanh", "sigmoid"], seed=3)
    inputs, targets = [r[:3] for r in rows], [r[3:] for r in rows]
    history = nn.train(twin, inputs, targets, epochs=1, batch=None, lr=0.5, loss=loss,
                       backend="numpy", progress=False)
    assert close(history[0], want_C)
    assert all(close(p.data, q.data - 0.5 * g)
               for p, q, g in zip(twin.parameters(), net.parameters(), want))


def test_the_gradients_match_central_finite_differences():
    """∂C/∂w by (C(w + h) − C(w − h)) / 2h of the eager C, for every parameter."""
    rng = random.Random(11)
    net = nn.MLP([2, 3, 2], activation=["sigmoid", "tanh"], seed=4)
    rows = rows_for(2, 2, 5, rng)
    _, got = program_run(net, net.jit_loss(two_builtins, backend="numpy"), rows, True)
    h = 1e-6
    for p, g in zip(net.parameters(), got):
        x = p.data
        p.data = x + h
        up = eager(net, two_builtins, rows, True)[0]
        p.data = x - h
        down = eager(net, two_builtins, rows, True)[0]
        p.data = x
        assert math.isclose(g, (up - down) / (2 * h), rel_tol=1e-6, abs_tol=1e-8), p.name


@pytest.mark.parametrize("name, output", [
    (name, output) for name in ["half_squared_error", "sum_squared_error", "cross_entropy"]
    for output in ["sigmoid", "relu", "linear"]] + [("binary_cross_entropy", "sigmoid")])
def test_a_loss_that_is_nn_s_own_runs_as_its_built_in_program_bit_for_bit(name, output):
    builtin = getattr(nn, name)

    def wrapped(outputs, targets):
        return builtin(outputs, targets)

    rng = random.Random(5)
    net = nn.MLP([3, 4, 3], activation=["tanh", output], seed=2)
    rows = rows_for(3, 3, 6, rng)
    if name == "cross_entropy":
        rows = [r[:3] + tuple(1.0 if k == i % 3 else 0.0 for k in range(3))
                for i, r in enumerate(rows)]
    for mean in (False, True):
        theirs = program_run(net, net.jit_loss(name, backend="numpy"), rows, mean)
        for mine in (net.jit_loss(wrapped, backend="numpy"),
                     net.jit_loss(builtin, backend="numpy")):
            got = program_run(net, mine, rows, mean)
            assert bits(got[0]) == bits(theirs[0])
            assert list(map(bits, got[1])) == list(map(bits, theirs[1]))
    assert net.jit_loss(wrapped, backend="numpy").source == \
        net.jit_loss(name, backend="numpy").source


# ---------------------------------------------------------------------------
# Losses that are not per sample and elementwise: the traced program, and why
# ---------------------------------------------------------------------------

def test_a_value_made_inside_the_loss_is_named_as_the_cause_and_a_number_fixes_it():
    """sum(..., Value(0.0)) inside a loss is a leaf the trace cannot tell from a
    parameter: the reason names that case, and the same loss started at 0.0 is a
    matrix program whose numbers equal eager's (oracle: the eager engine)."""
    net = nn.MLP([2, 3, 1], seed=0)

    def with_value(outputs, targets):
        return sum(((a - y) ** 2 for a, y in zip(outputs, targets)), Value(0.0))

    def with_number(outputs, targets):
        return sum(((a - y) ** 2 for a, y in zip(outputs, targets)), 0.0)

    reason = why_not_matrix(net, with_value)
    assert "a Value(...) made inside it" in reason and "write a number there, 0.0" in reason
    assert "\n" not in reason
    assert why_not_matrix(net, with_number) == ""            # "" : it runs as one
    program = net.jit_loss(with_number, backend="numpy")
    assert isinstance(program, MatrixProgram)
    rows = rows_for(2, 1, 4, random.Random(2))
    want_C, want = eager(net, with_number, rows, False)
    got_C, got = program_run(net, program, rows, False)
    assert got_C == pytest.approx(want_C, rel=1e-12)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_a_loss_that_reads_a_parameter_falls_back_and_says_so():
    net = nn.MLP([2, 3, 1], seed=0)
    w = net.parameter("w2_11")

    def regularised(outputs, targets):
        return nn.half_squared_error(outputs, targets) + 0.01 * w * w

    program = net.jit_loss(regularised, backend="numpy")
    assert isinstance(program, Jitted)
    reason = why_not_matrix(net, regularised)
    assert "'w2_11'" in reason and "not one of the network's outputs or the targets" in reason
    rows = rows_for(2, 1, 4, random.Random(1))
    want_C, want = eager(net, regularised, rows, False)
    got_C, got = program_run(net, program, rows, False)
    assert close(got_C, want_C) and all(close(a, b) for a, b in zip(got, want))


@pytest.mark.parametrize("branch, words", [
    (lambda y: 2.0 if y == 1.0 else 1.0, "does it test a target's number with =="),
    (lambda y: 2.0 if y > 0.5 else 1.0, "a comparison > on 'y'"),
    (lambda y: y.data, "it reads .data of 'y'"),
])
def test_a_loss_that_branches_on_a_target_falls_back_and_says_so(branch, words):
    net = nn.MLP([2, 3, 1], seed=0)

    def branchy(outputs, targets):
        return nn.half_squared_error(outputs, targets) * branch(targets[0])

    assert isinstance(net.jit_loss(branchy, backend="numpy"), Jitted)
    assert words in why_not_matrix(net, branchy)
    with pytest.raises(NotElementwise, match="branchy"):
        traced_loss(net, branchy)
    assert why_not_matrix(net, scaled) == ""


def test_checking_a_loss_against_eager_leaves_every_parameter_s_grad_alone():
    """The check runs the loss eagerly with targets as numbers: a loss that adds a
    penalty only when y == 1.0 reaches the parameter then, and its .grad stays."""
    net = nn.MLP([2, 3, 1], seed=0)
    w = net.parameter("w2_11")

    def penalised_at_one(outputs, targets):
        penalty = 0.01 * w * w if targets[0] == 1.0 else 0.0
        return nn.half_squared_error(outputs, targets) + penalty

    for p in net.parameters():
        p.grad = 0.5
    assert isinstance(net.jit_loss(penalised_at_one, backend="numpy"), Jitted)
    assert "does it test a target's number with ==" in why_not_matrix(net, penalised_at_one)
    assert all(p.grad == 0.5 for p in net.parameters())


def detached_weight(outputs, targets):
    with no_grad():
        weight = outputs[0] * 2.0          # a number per sample, no gradient through it
    return (outputs[0] - targets[0]) ** 2 * weight


EDGES = [lambda outputs, targets: outputs[0],
         lambda outputs, targets: Value(2.0, kind="constant"),
         lambda outputs, targets: outputs[0] * 0.0 + targets[0],
         detached_weight]


@pytest.mark.parametrize("loss", EDGES, ids=["an output", "a constant", "zero times an output",
                                             "no_grad inside"])
@pytest.mark.parametrize("output", ["sigmoid", "relu"])
def test_losses_that_are_a_leaf_a_constant_or_detached(loss, output):
    rng = random.Random(2)
    net = nn.MLP([2, 3, 1], activation=["tanh", output], seed=3)
    rows = rows_for(2, 1, 5, rng)
    program = net.jit_loss(loss, backend="numpy")
    assert isinstance(program, MatrixProgram), why_not_matrix(net, loss)
    want_C, want = eager(net, loss, rows, True)
    got_C, got = program_run(net, program, rows, True)
    assert close(got_C, want_C) and all(close(a, b) for a, b in zip(got, want))


def test_a_loss_undefined_at_one_trial_sample_is_traced_at_another():
    """ln(a − 0.4) is undefined at a = 0.35, the first trial output: the trace takes the
    next; a loss undefined at every trial sample falls back, saying what it raised."""
    net = nn.MLP([2, 3, 1], activation=["tanh", "linear"], seed=0)

    def shifted_log(outputs, targets):
        return (outputs[0] - 0.4).log() * targets[0]

    program = net.jit_loss(shifted_log, backend="numpy")
    assert isinstance(program, MatrixProgram), why_not_matrix(net, shifted_log)
    assert "raised ValueError on every trial sample: log: input must be > 0" in \
        why_not_matrix(net, lambda outputs, targets: (outputs[0] - 5.0).log())


def test_a_loss_taking_another_number_of_targets_falls_back():
    net = nn.MLP([2, 3, 3], seed=0)

    def first_target(outputs, targets):
        return sum_values([(a - targets[0]) ** 2 for a in outputs])

    assert "takes 1 target for 3 outputs" in why_not_matrix(net, first_target, 1)
    assert why_not_matrix(net, first_target) == ""


# ---------------------------------------------------------------------------
# Errors lose nothing
# ---------------------------------------------------------------------------

def test_a_domain_error_is_the_eager_engine_s_and_no_gradient_changes():
    net = nn.MLP([1, 1], activation="linear", weights=[[[1.0]]], biases=[[0.0]])

    def log_loss(outputs, targets):
        return (outputs[0] * targets[0]).log()

    program = net.jit_loss(log_loss, backend="numpy")
    assert isinstance(program, MatrixProgram), why_not_matrix(net, log_loss)
    for p in net.parameters():
        p.grad = 0.25
    with pytest.raises(ValueError) as eager_error:
        log_loss(net([-1.0]), [2.0])
    with pytest.raises(ValueError) as error:
        program.batch([(1.0, 2.0), (-1.0, 2.0)])      # sample 2: ln(a·y) = ln(−1 · 2)
    assert str(eager_error.value).startswith("log: input must be > 0, got ")
    assert str(error.value) == "log: input must be > 0, got 't1' = -2.0 (sample 2 of the batch)"
    assert [p.grad for p in net.parameters()] == [0.25, 0.25]


# ---------------------------------------------------------------------------
# nn.train
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("loss, reduction", [(doubled_plus_one, "mean"), (hand_squared, "sum"),
                                             (cross_entropy_plus_squares, "mean")])
def test_train_with_the_numpy_backend_trains_a_user_loss_like_the_eager_engine(loss, reduction):
    rng = random.Random(3)
    X = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(30)]
    T = [[rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)] for _ in range(30)]
    results = []
    for backend, jit in (("python", False), ("numpy", "auto")):
        net = nn.MLP([2, 4, 2], activation=["tanh", "sigmoid"], seed=6)
        history = nn.train(net, X, T, epochs=4, lr=0.2, batch=7, loss=loss,
                           reduction=reduction, shuffle=True, seed=1, progress=False,
                           backend=backend, jit=jit)
        results.append((list(history), [p.data for p in net.parameters()]))
    (h1, w1), (h2, w2) = results
    assert all(close(a, b) for a, b in zip(h1, h2)), (h1, h2)
    assert all(close(a, b) for a, b in zip(w1, w2))
    assert h1[-1] < h1[0]


def test_train_runs_the_traced_matrix_program_once_per_network():
    rng = random.Random(8)
    X = [[rng.uniform(-1, 1)] for _ in range(12)]
    T = [[rng.uniform(0.1, 0.9)] for _ in range(12)]
    net = nn.MLP([1, 3, 1], seed=2)
    nn.train(net, X, T, epochs=1, lr=0.1, batch=4, loss=scaled, progress=False, backend="numpy")
    programs = [p for p in net._compiled_losses.values() if isinstance(p, MatrixProgram)]
    assert len(programs) == 1 and "scaled_per_sample" in programs[0].source
    nn.train(net, X, T, epochs=1, lr=0.1, batch=4, loss=scaled, progress=False, backend="numpy")
    again = [p for p in net._compiled_losses.values() if isinstance(p, MatrixProgram)]
    assert again == programs


def test_train_retraces_when_the_loss_or_the_freeze_state_changes():
    """The program kept with the network keys on the loss and the frozen parameters:
    another loss, or a frozen weight, trains as the eager engine does with them."""
    rng = random.Random(9)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(16)]
    T = [[rng.uniform(0.1, 0.9)] for _ in range(16)]
    nets = {backend: nn.MLP([2, 3, 1], seed=4) for backend in ("python", "numpy")}
    for loss, frozen in ((scaled, None), (doubled_plus_one, None), (doubled_plus_one, "w2_12")):
        for backend, net in nets.items():
            if frozen:
                net.freeze(frozen)
            before = net.parameter("w2_12").data
            nn.train(net, X, T, epochs=2, lr=0.3, batch=4, loss=loss, progress=False,
                     backend=backend, jit=False if backend == "python" else "auto")
            assert (net.parameter("w2_12").data == before) == bool(frozen)
        eager_w, numpy_w = ([p.data for p in net.parameters()] for net in nets.values())
        assert all(close(a, b) for a, b in zip(eager_w, numpy_w)), (loss.__name__, frozen)


def test_a_traced_loss_record_reads_as_the_program_says():
    net = nn.MLP([2, 2, 2], activation=["tanh", "relu"], seed=0)
    record = traced_loss(net, scaled)
    assert record.gradient == "dC_da" and record.from_logit is None
    assert "scaled" in repr(record)
    sig = nn.MLP([2, 2, 2], seed=0)
    assert traced_loss(sig, scaled).from_logit == ("np.sum(C_x)", "dC_dz")
    source = sig.jit_loss(scaled, backend="numpy").source
    assert "C_x, dC_dz = scaled_per_sample(z, a, Y)" in source
    assert "a3_1 = _a[0]  # sigmoid: the network's a^L_1" in source
    assert "delta3 = seed * dC_dz  # BP1, from the logit" in source


def test_a_constant_the_loss_closes_over_reaches_the_matrix_program_when_it_changes():
    """Hand-derived oracle, linear 1-1 network (w = 2, b = 0.5), C_x = c·(y − a)² with
    c = Value(0.5, kind="constant") made outside the loss, x = 3, y = 1: a − y = 5.5,
    C = 30.25c, ∂C/∂w = 2c·5.5·3 = 33c, ∂C/∂b = 11c.  After c.data = 3.0 the program
    (and nn.train's, whose first epoch's loss is the C before its step) held c = 0.5,
    run as nn's half_squared_error, whose trace it then was: C stayed 15.125."""
    c = Value(0.5, name="c", kind="constant")

    def weighted(outputs, targets):
        return c * (targets[0] - outputs[0]) ** 2

    net = nn.MLP([1, 1], seed=0, activation="linear")
    w, b = net.parameter("w2_11"), net.parameter("b2_1")
    program = net.jit_loss(weighted, backend="numpy")
    for number in (0.5, 3.0, 1.0):
        c.data = number
        w.data, b.data = 2.0, 0.5
        net.zero_grad()
        assert program.batch([(3.0, 1.0)]) == pytest.approx(30.25 * number, rel=1e-14)
        assert (w.grad, b.grad) == pytest.approx((33.0 * number, 11.0 * number), rel=1e-14)
        [C] = nn.train(net, [[3.0]], [[1.0]], epochs=1, lr=0.01, loss=weighted, progress=False,
                       backend="numpy")
        assert C == pytest.approx(30.25 * number, rel=1e-14)
    # written again, the program unregistered the source it replaced (linecache)
    import linecache

    def registered():
        return sum(name.startswith("<chainrule-jit:weighted[numpy]") for name in linecache.cache)
    before = registered()
    c.data, w.data, b.data = 2.0, 2.0, 0.5
    assert program.batch([(3.0, 1.0)]) == pytest.approx(60.5, rel=1e-14)
    assert program.filename in linecache.cache and registered() == before

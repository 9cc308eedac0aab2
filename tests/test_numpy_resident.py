"""The numpy backend keeps the parameters in arrays between steps and writes them
back into the Values once, when one is read.

Oracle: the matrix program's pure function (``program.gradients``) on arrays
built by hand from plain floats, the gradients added to .grad in floats, and
the optimisers' update rules applied one parameter at a time in floats
(``sgd_rule``, ``adam_rule`` with math.sqrt): every number compared bit for
bit (float.hex).  Where a cache must be refreshed, the oracle is the Python
backend (the eager engine), to 1e-12 relative.
"""

import copy
import math
import pickle

import pytest

np = pytest.importorskip("numpy")

import nn  # noqa: E402
from autograd import Value  # noqa: E402
from nn.optim import adam_rule, sgd_rule  # noqa: E402

SIZES = [3, 5, 2]


def make(kind, seed=7):
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=seed)
    if kind == "adam":
        opt = nn.Adam(net.parameters(), lr=0.05)
    elif kind == "momentum":
        opt = nn.SGD(net.parameters(), lr=0.3, momentum=0.9)
    elif kind == "maximize":
        opt = nn.SGD(net.parameters(), lr=0.1, momentum=0.5, maximize=True)
    else:
        opt = nn.SGD(net.parameters(), lr=0.3)
    return net, opt


def rows(seed, n=6):
    rng = np.random.default_rng(seed)
    return np.hstack([rng.uniform(-1, 1, (n, SIZES[0])), rng.uniform(0, 1, (n, SIZES[-1]))])


def bits(values):
    return [float(v).hex() for v in values]


def parameters_of(program):
    """The program's parameter Values, in its order (row by row, layer by layer)."""
    return [v for _, rs, _ in program._layout for row in rs for v in row]


def step_both(program, opt, oracle, data, oracle_data=None, *, mean=False):
    """One step of the per-step API (zero_grad, batch, step) and the same on the oracle."""
    opt.zero_grad()
    program.batch(data, mean=mean)
    opt.step()
    oracle.zero_grad()
    oracle.batch(data if oracle_data is None else oracle_data, mean=mean)
    oracle.step()


class Oracle:
    """The same steps on plain floats: data, grad and the optimiser's state per
    parameter, in the program's order."""

    def __init__(self, net, opt):
        self.net = net
        self.program = net.jit_loss("half_squared_error", backend="numpy")
        self.params = [v for _, rs, _ in self.program._layout for row in rs for v in row]
        self.trainable = [t for _, rs, t in self.program._layout for row in rs for _ in row]
        self.shapes = [(len(rs), len(rs[0])) for _, rs, _ in self.program._layout]
        self.data = [p.data for p in self.params]
        self.grad = [p.grad for p in self.params]
        n = len(self.params)
        self.opt, self.velocity, self.m, self.v, self.t = opt, [0.0] * n, [0.0] * n, [0.0] * n, 0
        self.index = {id(p): i for i, p in enumerate(self.params)}

    def arrays(self):
        out, k = [], 0
        for r, c in self.shapes:
            out.append(np.array(self.data[k:k + r * c]).reshape(r, c))
            k += r * c
        return out

    def zero_grad(self):
        for p in self.opt.parameters:
            self.grad[self.index[id(p)]] = 0.0

    def batch(self, data, mean=False):
        X = np.ascontiguousarray(data[:, :SIZES[0]].T)
        Y = np.ascontiguousarray(data[:, SIZES[0]:].T)
        with np.errstate(all="ignore"):
            C, grads = self.program.gradients(X, Y, 1.0 / len(data) if mean else 1.0,
                                              self.arrays())
        frozen = self.net.frozen_values()
        for k, g in enumerate(g for a in grads for g in a.ravel().tolist()):
            if self.trainable[k] and self.params[k] not in frozen:
                self.grad[k] += g
        return float(C)

    def step(self):
        opt = self.opt
        frozen = opt.module.frozen_values() if opt.module is not None else ()
        if isinstance(opt, nn.Adam):
            self.t += 1
            corrections = (1.0 - opt.betas[0] ** self.t, 1.0 - opt.betas[1] ** self.t)
        for p in opt.parameters:
            if p in frozen:
                continue
            k = self.index[id(p)]
            if isinstance(opt, nn.Adam):
                self.data[k], self.m[k], self.v[k] = adam_rule(
                    self.data[k], self.grad[k], self.m[k], self.v[k], opt.lr, opt.betas,
                    opt.eps, corrections, math.sqrt)
            else:
                g = -self.grad[k] if opt.maximize else self.grad[k]
                self.data[k], self.velocity[k] = sgd_rule(self.data[k], g, self.velocity[k],
                                                          opt.lr, opt.momentum)

    def state(self):
        ks = [self.index[id(p)] for p in self.opt.parameters]
        state = bits(self.data) + bits(self.grad)
        if isinstance(self.opt, nn.Adam):
            return state + bits(self.m[k] for k in ks) + bits(self.v[k] for k in ks) + [self.t]
        return state + bits(self.velocity[k] for k in ks)


def state(params, opt):
    """What the Values and the optimiser hold, read the way a user reads them."""
    out = bits(p.data for p in params) + bits(p.grad for p in params)
    if isinstance(opt, nn.Adam):
        return out + bits(opt._m) + bits(opt._v) + [opt.t]
    return out + bits(opt._velocity)


def resident(params):
    return all(type(p) is not Value for p in params)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "maximize", "adam"])
@pytest.mark.parametrize("as_tuples", [False, True])
def test_steps_on_resident_arrays_are_the_float_steps_bit_for_bit(kind, as_tuples):
    net, opt = make(kind)
    oracle = Oracle(*make(kind))
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    for k in range(5):
        data = rows(k)
        samples = [tuple(r) for r in data.tolist()] if as_tuples else data
        opt.zero_grad()
        C = program.batch(samples, mean=k % 2 == 0)
        opt.step()
        oracle.zero_grad()
        expected = oracle.batch(data, mean=k % 2 == 0)
        oracle.step()
        assert C.hex() == expected.hex()
        assert resident(params)              # nothing was written back meanwhile
    assert state(params, opt) == oracle.state()
    assert not resident(params)              # the reads wrote them back, once


def signed_zero_rows(seed, n):
    """Samples whose first input is 0.0, so that ∂C/∂w_j1 = Σ_x δ_j·0.0 is exactly 0."""
    data = rows(seed, n)
    data[:, 0] = 0.0
    return data


@pytest.fixture
def negative_zero_gradients(monkeypatch):
    """Every matrix program gives −0.0 for each gradient entry that is exactly 0, as a
    numpy or BLAS whose sums start from −0.0 would (this one starts them from +0.0, so
    the numbers cannot show the difference otherwise)."""
    from nn.matrix import MatrixProgram
    plain = MatrixProgram.gradients

    def signed(self, X, Y, seed, arrays):
        C, grads = plain(self, X, Y, seed, arrays)
        return C, tuple(np.where(g == 0.0, -0.0, g) for g in grads)
    monkeypatch.setattr(MatrixProgram, "gradients", signed)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "maximize", "adam"])
@pytest.mark.parametrize("accumulate", [False, True])
def test_zero_gradients_and_negative_zero_weights_keep_their_signs_as_the_float_steps(
        kind, accumulate, negative_zero_gradients):
    """A program's −0.0 gradient is .grad's +0.0 (0.0 + −0.0) wherever it is read,
    added to or stepped with, and a weight of −0.0 whose gradient is such a zero stays
    −0.0 (−0.0 − η·0.0): bit for bit as the float oracle, signs of zeros included."""
    net, opt = make(kind)
    oracle = Oracle(*make(kind))
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    params[0].data = oracle.data[0] = -0.0          # w^1_11: its input is always 0.0
    for k in range(4):
        samples = signed_zero_rows(k + 1, 1 + k % 2)
        if not (accumulate and k % 2):
            opt.zero_grad()
            oracle.zero_grad()
        program.batch(samples)
        oracle.batch(samples)
        if k == 1:      # .grad read between batch and step, then the next step runs
            assert bits(p.grad for p in params) == bits(oracle.grad)
        opt.step()
        oracle.step()
    assert state(params, opt) == oracle.state()
    assert params[0].data == 0.0 and math.copysign(1.0, params[0].data) == -1.0


def test_another_optimiser_steps_the_zero_gradients_that_plain_sgd_left_unsettled(
        negative_zero_gradients):
    """zero_grad() and a batch under plain SGD (its −0.0 gradients left as the program
    gave them), then the step of another optimiser of the same parameters (momentum,
    Adam, a new plain SGD, ascent), and a weight set to −0.0 while resident: each
    steps .grad's +0.0, bit for bit as the float oracle.  The numbers are read before
    each ascent, which turns a −0.0 weight into +0.0 (−0.0 − η·(−0.0)), as a raw step
    of plain SGD would have too early."""
    def optimisers(net):
        P = net.parameters()
        return [nn.SGD(P, lr=0.3, momentum=0.9), nn.Adam(P, lr=0.05), nn.SGD(P, lr=0.3),
                nn.SGD(P, lr=0.1, maximize=True)]
    net, sgd = make("sgd")
    oracle = Oracle(*make("sgd"))
    oracle_sgd = oracle.opt
    mine, theirs = optimisers(net), optimisers(oracle.net)
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    params[0].data = oracle.data[0] = -0.0            # w2_11: its input is always 0.0
    for k in range(8):
        if k == 5:
            params[3].data = oracle.data[3] = -0.0    # w2_21, while resident
        oracle.opt = oracle_sgd
        step_both(program, sgd, oracle, signed_zero_rows(k + 1, 2))
        sgd.zero_grad()
        oracle.zero_grad()
        program.batch(signed_zero_rows(k + 11, 2))    # SGD's: the program's −0.0 kept
        oracle.batch(signed_zero_rows(k + 11, 2))
        opt, oracle.opt = mine[k % 4], theirs[k % 4]
        opt.step()
        oracle.step()
        if k % 4 == 2:
            assert bits(p.data for p in params) == bits(oracle.data)
            assert math.copysign(1.0, oracle.data[3 * (k // 4)]) == -1.0    # −0.0 so far
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)
    order = [oracle.index[id(q)] for q in theirs[0].parameters]
    assert bits(mine[0]._velocity) == bits(oracle.velocity[k] for k in order)
    assert bits(mine[1]._m) + bits(mine[1]._v) == \
        bits(oracle.m[k] for k in order) + bits(oracle.v[k] for k in order)


def test_nn_train_numpy_gives_the_zero_gradients_signs_of_the_eager_engine(
        negative_zero_gradients):
    """nn.train(backend="numpy") with an input that is always 0.0, its program giving
    −0.0 for those gradients: every .grad of 0 reads +0.0 and the −0.0 weight of that
    input stays −0.0 under plain SGD, as eager training leaves them (oracle: the
    Python engine, backend="python")."""
    def trained(backend):
        net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=3)
        net.parameters()[0].data = -0.0
        opt = nn.SGD(net.parameters(), lr=0.3)
        data = signed_zero_rows(5, 8).tolist()
        nn.train(net, [tuple(r[:3]) for r in data], [tuple(r[3:]) for r in data],
                 loss="half_squared_error", optimizer=opt, epochs=3, batch=2, progress=False,
                 shuffle=False, backend=backend)
        return net.parameters()
    numpy_params, eager_params = trained("numpy"), trained("python")
    zeros = [(p, q) for p, q in zip(numpy_params, eager_params) if q.grad == 0.0]
    assert len(zeros) == 5                    # ∂C/∂w_j1 of the 5 hidden neurons
    for p, q in zeros:
        assert p.grad == 0.0 and math.copysign(1.0, p.grad) == math.copysign(1.0, q.grad) == 1.0
    assert numpy_params[0].data == eager_params[0].data == 0.0
    assert math.copysign(1.0, numpy_params[0].data) == math.copysign(1.0, eager_params[0].data) \
        == -1.0


def test_the_same_tuples_again_give_the_same_numbers_and_a_changed_list_is_read_again():
    net, opt = make("sgd")
    oracle = Oracle(*make("sgd"))
    program = net.jit_loss("half_squared_error", backend="numpy")
    data = rows(1)
    samples = [tuple(r) for r in data.tolist()]
    for k in range(3):
        if k == 2:                           # the same list object, one tuple replaced
            samples[0] = tuple(rows(9)[0])
            data = data.copy()
            data[0] = rows(9)[0]
        step_both(program, opt, oracle, samples, data)
    params = parameters_of(program)
    assert state(params, opt) == oracle.state()


def test_reading_and_assigning_data_mid_training():
    net, opt = make("momentum")
    oracle = Oracle(*make("momentum"))
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    for k in range(6):
        step_both(program, opt, oracle, rows(k))
        if k == 1:       # a read gives the current number
            assert params[3].data.hex() == oracle.data[3].hex()
        if k == 3:       # an assignment is used from the next step on
            params[4].data = 0.25
            oracle.data[4] = 0.25
    assert state(params, opt) == oracle.state()


@pytest.mark.parametrize("how", ["pickle", "deepcopy", "repr"])
def test_a_resident_network_can_be_pickled_copied_and_printed(how):
    net, opt = make("adam")
    oracle = Oracle(*make("adam"))
    program = net.jit_loss("half_squared_error", backend="numpy")
    for k in range(3):
        step_both(program, opt, oracle, rows(k))
    params = parameters_of(program)
    assert resident(params)
    if how == "repr":
        assert f"data={oracle.data[0]!r}, grad={oracle.grad[0]!r}" in repr(params[0])
        assert state(params, opt) == oracle.state()
        return
    copied = pickle.loads(pickle.dumps((net, opt))) if how == "pickle" else \
        copy.deepcopy((net, opt))
    twin_net, twin_opt = copied
    twin = [v for _, rs, _ in twin_net.jit_loss("half_squared_error", backend="numpy")
            ._layout for row in rs for v in row]
    assert all(type(p) is Value for p in twin)
    assert state(twin, twin_opt) == oracle.state()
    assert state(params, opt) == oracle.state()


def test_ctrl_c_inside_a_step_leaves_the_last_complete_step(monkeypatch):
    """A KeyboardInterrupt raised while the update is computed (after some layers'
    arrays): the parameters, gradients and state are as after the step before."""
    net, opt = make("momentum")
    oracle = Oracle(*make("momentum"))
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    for k in range(2):
        step_both(program, opt, oracle, rows(k))
    opt.zero_grad()
    program.batch(rows(5))
    oracle.zero_grad()
    oracle.batch(rows(5))
    calls = []
    real = nn.SGD.array_rule

    def interrupted(self, w, g, s, t, out=None):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, w, g, s, t, out)

    monkeypatch.setattr(nn.SGD, "array_rule", interrupted)
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    monkeypatch.undo()
    assert resident(params) and state(params, opt) == oracle.state()


def test_a_failed_batch_changes_nothing():
    """A batch refused (a string) or failing in the program (binary cross-entropy after
    a tanh output: the eager domain error) while the parameters are resident
    leaves every number as the same steps without it.  Oracle: a twin network."""
    twins = []
    for fail in (False, True):
        net = nn.MLP(SIZES, activation=["tanh", "tanh"], seed=2)
        opt = nn.SGD(net.parameters(), lr=0.1, momentum=0.5)
        program = net.jit_loss("half_squared_error", backend="numpy")
        bce = net.jit_loss("binary_cross_entropy", backend="numpy")
        for k in range(3):
            opt.zero_grad()
            program.batch(rows(k))
            if fail and k == 1:
                with pytest.raises(TypeError, match="sample 1"):
                    program.batch([(0.1, "0.3", 0.2, 0.5, 0.5)])
                with pytest.raises(ValueError):
                    bce.batch(np.array([[5.0, -5.0, 5.0, 1.0, 0.0]] * 2))
            opt.step()
        twins.append(state([p for _, p in net._named_parameters()], opt))
    assert twins[0] == twins[1]


def test_an_optimiser_with_parameters_outside_the_program_takes_the_python_path():
    net, _ = make("sgd")
    other = Value(0.5, "u", kind="parameter")
    opt = nn.SGD(net.parameters() + [other], lr=0.3)
    oracle_net, _ = make("sgd")
    oracle = Oracle(oracle_net, nn.SGD(oracle_net.parameters(), lr=0.3))
    program = net.jit_loss("half_squared_error", backend="numpy")
    for k in range(3):
        other.grad = 1.0 if k else other.grad
        step_both(program, opt, oracle, rows(k))
    params = parameters_of(program)
    assert bits(p.data for p in params) == bits(oracle.data)
    assert other.data == 0.5    # its grad was zeroed before every step


@pytest.mark.parametrize("failure", ["ln 0", "ctrl-c"])
def test_a_failed_train_step_with_a_parameter_outside_the_program_changes_nothing(
        failure, monkeypatch):
    """An optimiser that also steps a Value outside the network cannot step on the
    arrays, so nn.train(backend="numpy") zeroes, computes and steps the Values
    themselves; a step that failed there (binary cross-entropy of a tanh output, or
    Ctrl-C once the gradients are added) left every .grad zeroed or half made.
    Oracle: the numbers set by hand before the call, bit for bit."""
    net = nn.MLP(SIZES, activation=["tanh", "tanh"], seed=2)
    other = Value(0.5, "u", kind="parameter")
    opt = nn.SGD(net.parameters() + [other], lr=0.3, momentum=0.5)
    for i, p in enumerate(opt.parameters):
        p.grad = 0.125 * (i + 1)
    before = state(opt.parameters, opt)
    loss = "binary_cross_entropy"
    if failure == "ctrl-c":
        loss = "half_squared_error"
        real = nn.resident.ParameterStore.add_gradients

        def interrupted(self, gradients):
            real(self, gradients)
            raise KeyboardInterrupt

        monkeypatch.setattr(nn.resident.ParameterStore, "add_gradients", interrupted)
    data = rows(0)
    with pytest.raises(KeyboardInterrupt if failure == "ctrl-c" else ValueError):
        nn.train(net, data[:, :3], data[:, 3:], epochs=1, batch=2, optimizer=opt, loss=loss,
                 backend="numpy", progress=False)
    monkeypatch.undo()
    assert state(opt.parameters, opt) == before


def test_two_optimisers_and_two_programs_of_one_network_take_turns():
    net, sgd = make("momentum")
    adam = nn.Adam(net.parameters(), lr=0.05)
    oracle_net, oracle_sgd = make("momentum")
    oracle = Oracle(oracle_net, oracle_sgd)
    oracle_adam = Oracle(oracle_net, nn.Adam(oracle_net.parameters(), lr=0.05))
    oracle_adam.program, oracle_adam.data, oracle_adam.grad = oracle.program, oracle.data, \
        oracle.grad
    first = net.jit_loss("half_squared_error", backend="numpy")
    second = net.jit_loss("half_squared_error", backend="numpy")
    for k in range(6):
        opt, o = (sgd, oracle) if k % 3 else (adam, oracle_adam)
        program = first if k % 2 else second
        opt.zero_grad()
        program.batch(rows(k))
        opt.step()
        o.zero_grad()
        o.batch(rows(k))
        o.step()
    params = [v for _, rs, _ in first._layout for row in rs for v in row]
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)
    order = [oracle.index[id(q)] for q in oracle_sgd.parameters]   # the optimisers' order
    assert bits(sgd._velocity) == bits(oracle.velocity[k] for k in order)
    assert bits(adam._m) == bits(oracle_adam.m[k] for k in order)
    assert adam.t == oracle_adam.t == 2


# ---------------------------------------------------------------------------
# The caches follow what they depend on
# ---------------------------------------------------------------------------

def close(a, b):
    return all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15) for x, y in zip(a, b))


def trained_twice(change, *, loss="half_squared_error", optimizer=None):
    """Train a network on the numpy backend and the same network on the Python
    backend (eager), ``change`` applied to each between two train() calls."""
    X = rows(3, 8)[:, :3].tolist()
    Y = rows(3, 8)[:, 3:].tolist()
    results = []
    for backend in ("numpy", "python"):
        net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=4)
        opt = optimizer(net) if optimizer else None
        kw = {"optimizer": opt} if opt else {"lr": 0.2}
        extra = {} if backend == "numpy" else {"jit": False}
        nn.train(net, X, Y, epochs=2, batch=3, progress=False, backend=backend, loss=loss,
                 **kw, **extra)
        new_loss, opt = change(net, opt, backend)
        kw = {"optimizer": opt} if opt else {"lr": 0.2}
        nn.train(net, X, Y, epochs=2, batch=3, progress=False, backend=backend,
                 loss=new_loss or loss, **kw, **extra)
        results.append([p.data for _, p in net._named_parameters()]
                       + [p.grad for _, p in net._named_parameters()])
    return results


def _freeze(net, opt, backend):
    net.freeze("w2_11", "b3_2")
    return None, opt


def _unfreeze_after_training(net, opt, backend):
    net.freeze("w2_12")
    nn.train(net, [[0.1, 0.2, 0.3]], [[0.5, 0.5]], epochs=1, lr=0.2, progress=False,
             backend=backend)
    net.unfreeze("w2_12")
    return None, opt


def _assign(net, opt, backend):
    net.parameter("w3_21").data = 0.75
    return None, opt


def _new_optimizer(net, opt, backend):
    return None, nn.Adam(net.parameters(), lr=0.01)


def _other_loss(net, opt, backend):
    return "sum_squared_error", opt


@pytest.mark.parametrize("change", [_freeze, _unfreeze_after_training, _assign,
                                    _new_optimizer, _other_loss])
def test_a_change_between_train_calls_is_seen_by_the_numpy_backend(change):
    fast, eager = trained_twice(change)
    assert close(fast, eager)


def test_a_change_of_momentum_optimiser_keeps_its_velocity():
    fast, eager = trained_twice(_assign,
                                optimizer=lambda net: nn.SGD(net.parameters(), 0.2, 0.9))
    assert close(fast, eager)


def test_unfreezing_while_resident_is_seen_by_the_next_step():
    """unfreeze() changes no number, so nothing is written back: the next step must
    still see it and train the parameter again."""
    net, opt = make("sgd")
    net.freeze("w2_11")
    opt = nn.SGD(net.parameters(), lr=0.3)
    oracle_net, _ = make("sgd")
    oracle_net.freeze("w2_11")
    oracle = Oracle(oracle_net, nn.SGD(oracle_net.parameters(), lr=0.3))
    program = net.jit_loss("half_squared_error", backend="numpy")
    for k in range(4):
        if k == 2:
            net.unfreeze("w2_11")
            oracle_net.unfreeze("w2_11")
            opt = nn.SGD(net.parameters(), lr=0.3)
            oracle.opt = nn.SGD(oracle_net.parameters(), lr=0.3)
        step_both(program, opt, oracle, rows(k))
    params = parameters_of(program)
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)


@pytest.mark.parametrize("loss, bad, message", [
    ("half_squared_error", float("nan"), "sample 2, target 1"),
    ("binary_cross_entropy", 1.5, "sample 2: target y1 must be a probability in [0, 1]"),
])
def test_targets_as_an_array_are_refused_as_a_list_is(loss, bad, message):
    """The matrix shortcut for array targets refuses what the per-sample check refuses,
    with the same message."""
    X = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]])
    Y = np.array([[0.5, 0.5], [bad, 0.5]])
    for targets in (Y, Y.tolist()):
        net = nn.MLP(SIZES, seed=1)
        with pytest.raises(ValueError) as caught:
            nn.train(net, X, targets, epochs=1, lr=0.1, loss=loss, progress=False,
                     backend="numpy")
        assert message in str(caught.value)


def test_on_epoch_reads_the_numbers_of_that_epoch():
    """Oracle: the same training one epoch per train() call (the numbers after each)."""
    X = rows(2, 8)[:, :3]
    Y = rows(2, 8)[:, 3:]
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=3)
    opt = nn.SGD(net.parameters(), lr=0.2, momentum=0.9)
    expected = []
    for _ in range(3):
        nn.train(net, X, Y, epochs=1, batch=3, optimizer=opt, progress=False, backend="numpy")
        expected.append(bits(p.data for p in net.parameters()))
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=3)
    opt = nn.SGD(net.parameters(), lr=0.2, momentum=0.9)
    seen = []
    nn.train(net, X, Y, epochs=3, batch=3, optimizer=opt, progress=False, backend="numpy",
             on_epoch=lambda epoch, loss: seen.append(bits(p.data for p in net.parameters())))
    assert seen == expected


@pytest.mark.parametrize("engine", ["eager", "jit", "optimizer"])
def test_the_python_engines_read_resident_parameters_as_parameters(engine):
    """After resident steps, the eager engine (w * x, the fused dot of the layers),
    the Python jit and an optimiser's Python step use the parameters themselves
    (never a constant copy): the gradients reach them.  Oracle: a twin whose
    numbers were written back (read) first, then the same work."""
    twins = []
    for read_first in (False, True):
        net, opt = make("momentum")
        program = net.jit_loss("half_squared_error", backend="numpy")
        for k in range(3):
            opt.zero_grad()
            program.batch(rows(k))
            opt.step()
        params = parameters_of(program)
        if read_first:
            params[0].data
        assert resident(params) != read_first
        if engine == "eager":
            C = nn.half_squared_error(net([0.3, -0.2, 0.1]), [0.5, 0.25])
            C = C + params[1] * 2.0 + 3.0 * params[2]      # Value arithmetic, both sides
            C.backward()
        elif engine == "jit":
            net.jit_loss("half_squared_error").batch([(0.3, -0.2, 0.1, 0.5, 0.25)])
        else:
            nn.SGD(params[:4] + [Value(1.0)], lr=0.1).step()
        twins.append(state(params, opt))
    assert twins[0] == twins[1]


def test_a_new_parameter_list_of_the_optimiser_is_seen_by_the_next_step():
    net, opt = make("sgd")
    oracle = Oracle(*make("sgd"))
    program = net.jit_loss("half_squared_error", backend="numpy")
    for k in range(4):
        if k == 2:
            opt.parameters = opt.parameters[:5]
            oracle.opt.parameters = oracle.opt.parameters[:5]
        step_both(program, opt, oracle, rows(k))
    params = parameters_of(program)
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)


def test_plain_sgd_after_a_step_that_left_a_layer_as_it_was():
    """An optimiser of the first layer only leaves the second layer's arrays as they
    were, so the step after it has no spare arrays for them: plain SGD of every
    parameter then writes those into new ones (it raised TypeError)."""
    net, every = make("sgd")
    oracle = Oracle(*make("sgd"))
    first = nn.SGD(net.parameters()[:20], lr=0.2)            # w2_jk and b2_j: the first layer
    oracle_first, oracle_every = nn.SGD(oracle.net.parameters()[:20], lr=0.2), oracle.opt
    program = net.jit_loss("half_squared_error", backend="numpy")
    for k, (opt, oracle.opt) in enumerate([(first, oracle_first), (every, oracle_every),
                                           (every, oracle_every)]):
        step_both(program, opt, oracle, rows(k))
    params = parameters_of(program)
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)


def test_a_constant_bias_and_frozen_weights_stay_as_they_are_while_resident():
    """A layer with a constant bias (read at every step, not a parameter) and frozen
    weights (multiplied, never stepped, no gradient), with Adam."""
    def build():
        net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], bias=[0.25, "trainable"], seed=7)
        net.freeze("w2_11", "w3_23")
        return net, nn.Adam(net.parameters(), lr=0.05)
    net, opt = build()
    oracle = Oracle(*build())
    program = net.jit_loss("half_squared_error", backend="numpy")
    for k in range(4):
        step_both(program, opt, oracle, rows(k), mean=True)
    params = parameters_of(program)
    assert state(params, opt)[:2 * len(params)] == oracle.state()[:2 * len(params)]
    assert bits(opt._m) + bits(opt._v) + [opt.t] == oracle.state()[2 * len(params):]
    assert net.parameter("w2_11").grad == 0.0


class SignSGD(nn.SGD):
    """A user's SGD that overrides only the array rule: w <- w − η·copysign(1, g), so
    the sign of every gradient, zeros included, decides the move."""

    def array_rule(self, w, g, state, t, out=None):
        return w - self.lr * np.copysign(1.0, g), state


@pytest.mark.parametrize("signed", [False, True])
def test_a_subclass_array_rule_is_the_rule_of_every_numpy_step(signed, request):
    """A subclass of plain SGD with its own array_rule: every per-step numpy step (the
    first, and those after it that have spare arrays) is its rule, the zero gradients
    read as .grad reads them (+0.0, even where the program gave −0.0).  Oracle: the
    program's gradients added to .grad in floats, then w − η·copysign(1, .grad) by
    hand, bit for bit.  (Plain SGD's w − η g was used from the second step on, and
    the program's −0.0 was stepped unsettled.)"""
    if signed:
        request.getfixturevalue("negative_zero_gradients")
    net, _ = make("sgd")
    opt = SignSGD(net.parameters(), lr=0.125)
    oracle = Oracle(*make("sgd"))
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    for k in range(4):
        samples = signed_zero_rows(k + 1, 3)
        opt.zero_grad()
        program.batch(samples)
        opt.step()
        oracle.zero_grad()
        oracle.batch(samples)
        oracle.data = [w - 0.125 * math.copysign(1.0, g)
                       for w, g in zip(oracle.data, oracle.grad)]
        assert resident(params)
    assert sum(g == 0.0 for g in oracle.grad) == 5      # ∂C/∂w_j1: the input is 0.0
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)
    assert not opt.zero_sign_blind() and nn.SGD(params, lr=0.125).zero_sign_blind()


class DecoupledAdam(nn.Adam):
    """A user's AdamW by its array rule: w <- w − η λ w (λ = 0.01), then Adam's update."""

    def array_rule(self, w, g, state, t, out=None):
        return super().array_rule(w * (1.0 - self.lr * 0.01), g, state, t)


@pytest.mark.parametrize("batch", [None, 2])
def test_a_subclass_array_rule_is_its_rule_on_the_python_backend_too(batch):
    """A subclass with its own array_rule stepped by it on the numpy backend only: the
    Python backend (and an eager opt.step()) ran plain SGD's or Adam's float rule, so
    the two backends trained different networks.  Now step() runs the subclass's rule
    on both.  Oracles: the numpy backend, bit for bit for SignSGD; torch.optim.AdamW
    (weight_decay=0.01) for DecoupledAdam, to 1e-12, on every backend."""
    X = np.array([[0.1, 0.9, -0.4], [0.5, -0.3, 0.2], [1.0, 1.0, 0.0], [-0.7, 0.2, 0.6]])
    Y = [[0.0, 1.0], [1.0, 0.5], [1.0, 0.0], [0.0, 0.25]]
    runs = {}
    for backend in ("python", "numpy"):
        net, _ = make("sgd")
        nn.train(net, X, Y, epochs=3, batch=batch, optimizer=SignSGD(net.parameters(), lr=0.125),
                 backend=backend, progress=False)
        runs[backend] = bits(net.state_dict().values())
    assert runs["python"] == runs["numpy"]
    torch = pytest.importorskip("torch")
    net, _ = make("sgd")
    model = net.to_torch()
    opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
    size = batch or len(X)
    for _ in range(3):
        for i in range(0, len(X), size):
            opt.zero_grad()
            out = model(torch.tensor(X[i:i + size]))
            target = torch.tensor(Y[i:i + size], dtype=torch.float64)
            (0.5 * ((out - target) ** 2).sum(1).mean()).backward()
            opt.step()
    expected = list(nn.MLP.from_torch(model).state_dict().values())
    for backend in ("python", "numpy"):
        net, _ = make("sgd")
        opt = DecoupledAdam(net.parameters(), lr=0.05)
        nn.train(net, X, Y, epochs=3, batch=batch, optimizer=opt, backend=backend,
                 progress=False)
        assert list(net.state_dict().values()) == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert opt.t == 3 * (len(X) // size)


class HalvedSGD(nn.SGD):
    """A user's SGD that overrides step(): every .grad halved, then SGD's step."""

    calls = 0

    def step(self):
        HalvedSGD.calls += 1
        for p in self.parameters:
            p.grad = 0.5 * p.grad
        super().step()


class CountedAdam(nn.Adam):
    """A user's Adam that overrides zero_grad() (to count the calls)."""

    calls = 0

    def zero_grad(self):
        CountedAdam.calls += 1
        super().zero_grad()


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_nn_train_calls_a_subclass_step_and_zero_grad_on_every_backend(backend):
    """nn.train(backend="numpy") ran SGD's rule on the arrays without calling a
    subclass's own step() (a user's gradient halving, clipping, logging...), so it
    trained another network than backend="python".  Oracle: halving every gradient
    before SGD's step is SGD with half the learning rate, w − η·(g/2) = w − (η/2)·g,
    bit for bit; zero_grad() is called once per step, as on the Python backend."""
    X = np.array([[0.1, 0.9, -0.4], [0.5, -0.3, 0.2], [1.0, 1.0, 0.0], [-0.7, 0.2, 0.6]])
    Y = [[0.0, 1.0], [1.0, 0.5], [1.0, 0.0], [0.0, 0.25]]
    net, _ = make("sgd")
    HalvedSGD.calls = 0
    nn.train(net, X, Y, epochs=3, batch=2, optimizer=HalvedSGD(net.parameters(), lr=1.0),
             backend=backend, progress=False)
    oracle, _ = make("sgd")
    nn.train(oracle, X, Y, epochs=3, batch=2, optimizer=nn.SGD(oracle.parameters(), lr=0.5),
             backend=backend, progress=False)
    assert HalvedSGD.calls == 6
    assert bits(net.state_dict().values()) == bits(oracle.state_dict().values())
    net, _ = make("sgd")
    CountedAdam.calls = 0
    nn.train(net, X, Y, epochs=3, batch=2, optimizer=CountedAdam(net.parameters(), lr=0.05),
             backend=backend, progress=False)
    assert CountedAdam.calls == 6


@pytest.mark.parametrize("change", ["replace", "delete and append"])
def test_a_change_in_place_of_the_optimisers_parameter_list_is_seen_by_the_next_step(change):
    """``opt.parameters[0] = p`` (another of the program's parameters), or a deletion
    and an append that keep the length, between numpy steps: the next zero_grad() and
    step() are those of the list as it now is.  Oracle: the float steps of an
    optimiser whose list changed alike, bit for bit.  (The store kept stepping, and
    zeroing, the parameters it had taken from the list first.)"""
    def build():
        net, _ = make("sgd")
        return net, nn.SGD(net.parameters()[:6], lr=0.3)
    net, opt = build()
    oracle = Oracle(*build())
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    for k in range(5):
        if k == 2:
            for o, n in ((opt, net), (oracle.opt, oracle.net)):
                if change == "replace":
                    o.parameters[0] = n.parameters()[9]
                else:
                    del o.parameters[1]
                    o.parameters.append(n.parameters()[11])
        step_both(program, opt, oracle, rows(k))
        assert resident(params)
    assert bits(p.data for p in params) == bits(oracle.data)
    assert bits(p.grad for p in params) == bits(oracle.grad)


def test_every_change_in_place_of_an_optimisers_list_is_counted_and_assignments_checked():
    """Each way of changing a list in place moves ``changes`` (what the store compares);
    an assignment of a new list is checked as the constructor's argument: a bad one is
    refused in one line and the optimiser keeps its list."""
    net, opt = make("sgd")
    P = net.parameters()
    changes = [
        lambda L: L.__setitem__(0, P[1]), lambda L: L.__setitem__(slice(0, 1), [P[2]]),
        lambda L: L.__delitem__(0), lambda L: L.__iadd__([P[0]]), lambda L: L.__imul__(1),
        lambda L: L.append(P[3]), lambda L: L.extend([P[4]]), lambda L: L.insert(0, P[5]),
        lambda L: L.pop(), lambda L: L.remove(P[5]), lambda L: L.reverse(),
        lambda L: L.sort(key=id), lambda L: L.clear()]
    for change in changes:
        before = opt.parameters.changes
        change(opt.parameters)
        assert opt.parameters.changes > before
    opt.parameters = P[:3]
    kept = opt.parameters
    assert kept == P[:3] and kept is not P
    with pytest.raises(TypeError, match=r"^SGD: parameter 1 must be a Value, got float 2\.0$"):
        opt.parameters = [P[0], 2.0]
    assert opt.parameters is kept and kept == P[:3]


def edit_parameter_list(opt, P, k):
    """Between steps: take the first parameter out (step 2), give a new list in
    another order without P[3] and with P[0] back (step 4), append P[3] (step 6)."""
    if k == 2:
        opt.parameters.pop(0)
    elif k == 4:
        opt.parameters = [P[4], P[0], P[2], P[1]] + P[5:]
    elif k == 6:
        opt.parameters.append(P[3])


@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_optimiser_state_follows_its_parameter_when_the_list_changes(kind):
    """SGD's velocity and Adam's m and v belong to a parameter, not to a place in the
    list: after a parameter is taken out, the list reordered, one put back (with the
    state it had) or appended, each parameter steps with its own state, per-step
    numpy API and eager alike.  Oracle: the float steps with state kept per parameter,
    bit for bit.  (The state was kept by position: a parameter took its neighbour's
    velocity, an appended one was never stepped by SGD, and Adam raised IndexError.)"""
    net, opt = make(kind)
    oracle = Oracle(*make(kind))
    twin, twin_opt = make(kind)
    program = net.jit_loss("half_squared_error", backend="numpy")
    params = parameters_of(program)
    for k in range(8):
        for o, n in ((opt, net), (oracle.opt, oracle.net), (twin_opt, twin)):
            edit_parameter_list(o, n.parameters(), k)
        step_both(program, opt, oracle, rows(k))
        twin_opt.zero_grad()
        data = rows(k)
        nn.half_squared_error(twin.batch(data[:, :3].tolist()), data[:, 3:].tolist(),
                              reduction="sum").backward()
        twin_opt.step()
    assert state(params, opt) == oracle.state()
    twin_params = [dict(twin._named_parameters())[p.name] for p in params]
    assert [p.data for p in twin_params] == pytest.approx(oracle.data, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_a_network_its_numpy_program_and_optimiser_pickle_together_mid_training(kind):
    """``pickle.dumps((net, program, opt))`` between per-step numpy steps failed with
    "cannot pickle 'module' object" (copy.deepcopy of the three worked).  Now the
    unpickled program is the unpickled network's, and three more steps on the copy
    give the numbers, gradients and optimiser state of three more steps on the
    original, bit for bit (the oracle)."""
    net, opt = make(kind)
    program = net.jit_loss("half_squared_error", backend="numpy")

    def steps(program, opt, first):
        for k in range(first, first + 3):
            opt.zero_grad()
            program.batch(rows(k), mean=True)
            opt.step()

    steps(program, opt, 0)
    net2, program2, opt2 = pickle.loads(pickle.dumps((net, program, opt)))
    assert program2.net is net2 and opt2.parameters[0] is parameters_of(program2)[0]
    steps(program, opt, 3)
    steps(program2, opt2, 3)
    assert state(parameters_of(program2), opt2) == state(parameters_of(program), opt)

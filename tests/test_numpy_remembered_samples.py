"""A user's loss under the numpy backend, and the remembered
sample matrices: stale numbers, wrong branches and writes through handed-out arrays."""

import pytest

import nn

np = pytest.importorskip("numpy")


def _fresh_batch(net, samples):
    """Σ C_x from a program that has never seen ``samples`` (the oracle for reuse)."""
    for p in net.parameters():
        p.grad = 0.0
    return net.jit_loss("half_squared_error", backend="numpy").batch(samples)


def _eager_sum(net, samples):
    """Σ_x ½(a - y)² by the eager engine, the samples read now."""
    total = 0.0
    for x1, x2, y in samples:
        out = net([float(x1), float(x2)])
        a = out[0] if isinstance(out, list) else out
        total += (0.5 * (a - float(y)) ** 2).data
    return total


def test_matrix_program_rereads_a_mutable_number_inside_the_same_tuples():
    net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=0)
    program = net.jit_loss("half_squared_error", backend="numpy")
    x1 = np.array(0.5)                   # a 0-d array: a number that can change in place
    samples = [(x1, 0.2, 1.0), (0.3, 0.1, 0.0)]
    program.batch(samples)
    x1[()] = 5.0
    again = program.batch(samples)
    assert again == pytest.approx(_eager_sum(net, samples), rel=1e-12)
    assert again == pytest.approx(_fresh_batch(net, samples), rel=1e-12)


def test_a_row_replaced_by_another_thread_while_the_list_is_read_is_not_remembered(monkeypatch):
    """Another thread replaces a row just after the list was converted, before it was
    kept (injected at that moment): the list as it now is gives its own loss."""
    import autograd.jit_numpy as jit_numpy
    net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=0)
    program = net.jit_loss("half_squared_error", backend="numpy")
    samples = [(0.1 * i, 0.2, 1.0) for i in range(5)]
    convert = jit_numpy.float_rows

    def converted_then_replaced(rows, width):
        matrix = convert(rows, width)
        samples[0] = (3.0, -2.0, 0.0)   # the other thread, between the read and the keeping
        return matrix
    monkeypatch.setattr(jit_numpy, "float_rows", converted_then_replaced)
    program.batch(samples)
    monkeypatch.setattr(jit_numpy, "float_rows", convert)
    assert program.batch(samples) == pytest.approx(_eager_sum(net, samples), rel=1e-12)


def test_matrices_handed_out_cannot_change_a_later_batch():
    net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=0)
    program = net.jit_loss("half_squared_error", backend="numpy")
    samples = [(0.1, 0.2, 1.0), (0.3, 0.1, 0.0)]
    first = program.batch(samples)
    X, _ = program.matrices(samples)
    try:
        X[0, 0] = 100.0
    except ValueError:                   # read-only: the remembered matrix is shared
        pass
    assert program.batch(samples) == first
    assert first == pytest.approx(_eager_sum(net, samples), rel=1e-12)


def _branching_on_a_target(outputs, targets):
    """A target compared with ==: eager reads the number, a trace keeps one branch."""
    if targets[0] == 1:
        return (outputs[0] - targets[0]) ** 2
    return 2 * (outputs[0] - targets[0]) ** 2


def test_numpy_training_refuses_a_loss_its_trace_gets_wrong():
    inputs = [[0.1, 0.2], [0.5, -0.3], [-0.4, 0.9], [0.3, 0.3]]
    targets = [[1.0], [0.0], [1.0], [0.0]]
    net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=0)
    before = [p.data for p in net.parameters()]
    with pytest.raises(ValueError, match="_branching_on_a_target gives"):
        nn.train(net, inputs, targets, loss=_branching_on_a_target, epochs=2, lr=0.5,
                 backend="numpy", progress=False)
    assert [p.data for p in net.parameters()] == before


def _branching_on_a_rare_target(outputs, targets):
    """== on a target value no trial sample has: only the data set's targets show it."""
    if targets[0] == 0.25:
        return 3 * (outputs[0] - targets[0]) ** 2
    return (outputs[0] - targets[0]) ** 2


def test_numpy_training_checks_the_trace_on_the_data_sets_targets():
    inputs = [[0.1, 0.2], [0.5, -0.3]]
    targets = [[0.25], [0.25]]
    net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=0)
    eager = 0.0                          # the first epoch's loss: eager, before any step
    for x, y in zip(inputs, targets):
        eager += _branching_on_a_rare_target(net(x), y).data
    with pytest.raises(ValueError, match="_branching_on_a_rare_target gives"):
        nn.train(net, inputs, targets, loss=_branching_on_a_rare_target, epochs=1,
                 lr=0.5, batch=2, backend="numpy", progress=False)
    assert eager == pytest.approx(3 * sum((net(x)[0].data - 0.25) ** 2 for x in inputs))


def test_matrix_program_rereads_a_list_changed_in_place():
    net = nn.MLP([2, 3, 1], activation=["tanh", "sigmoid"], seed=0)
    program = net.jit_loss("half_squared_error", backend="numpy")
    samples = [(0.1, 0.2, 1.0), (0.3, 0.1, 0.0), (-0.5, 0.4, 1.0)]
    changes = [lambda s: s.__setitem__(0, (0.9, -0.9, 0.0)), lambda s: s.append((0.2, 0.2, 1.0)),
               lambda s: s.pop(1), lambda s: s.sort(), lambda s: s.reverse(),
               lambda s: s.__setitem__(0, [0.7, 0.1, 1.0])]
    for change in changes:
        program.batch(samples)
        change(samples)
        again = program.batch(samples)
        assert again.hex() == _fresh_batch(net, samples).hex()
        assert again == pytest.approx(_eager_sum(net, samples), rel=1e-12)

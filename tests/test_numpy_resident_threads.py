"""The numpy backend's resident parameters under the habits of users' code: a
second thread that reads the weights while training runs.

Oracle: the same training without the reader, bit for bit (writing the arrays
back into floats and reading them again changes no number), and the eager
engine's steps (SGD with momentum over ½ Σ (a − y)²) to 1e-12.
"""

import copy
import sys
import threading

import pytest

np = pytest.importorskip("numpy")

import nn  # noqa: E402

SIZES = [3, 5, 2]


def rows(seed, n):
    rng = np.random.default_rng(seed)
    return np.hstack([rng.uniform(-1, 1, (n, SIZES[0])), rng.uniform(0, 1, (n, SIZES[-1]))])


def bits(values):
    return [float(v).hex() for v in values]


def trained(reader_reads, epochs=15):
    """Weights, gradients and velocity after nn.train on the numpy backend, with a
    thread reading ``reader_reads`` (a parameter's .data or .grad) all the while."""
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=7)
    opt = nn.SGD(net.parameters(), lr=0.05, momentum=0.9)
    data = rows(3, 200)
    params = net.parameters()
    stop = threading.Event()
    seen = []

    def read():
        while not stop.is_set():
            seen.append(reader_reads(params))

    reader = threading.Thread(target=read, daemon=True) if reader_reads else None
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        if reader:
            reader.start()
        nn.train(net, data[:, :3], data[:, 3:], loss="half_squared_error", optimizer=opt,
                 epochs=epochs, batch=10, backend="numpy", progress=False)
    finally:
        stop.set()
        sys.setswitchinterval(interval)
        if reader:
            reader.join(5)
    if reader:
        assert len(seen) > 10      # the reader ran while the steps did
    return bits(p.data for p in params) + bits(p.grad for p in params) + bits(opt._velocity)


@pytest.mark.parametrize("what", ["data", "grad"])
def test_a_thread_reading_the_weights_during_numpy_training_loses_no_step(what):
    alone = trained(None)
    assert trained(lambda params: getattr(params[0], what)) == alone


def eager_steps(net, opt, batches):
    """SGD steps of ½ Σ (a − y)² over each batch on the eager engine (the oracle)."""
    for data in batches:
        opt.zero_grad()
        C = 0.0
        for row in data.tolist():
            outputs = net(row[:SIZES[0]])
            C = C + sum(0.5 * (a - y) ** 2 for a, y in zip(outputs, row[SIZES[0]:]))
        C.backward()
        opt.step()


def test_a_deep_copy_of_network_program_and_optimiser_trains_the_copy_alone():
    """``copy.deepcopy((net, program, opt))`` while resident: the copied program
    steps the copied network, and the original trains on, each as eager does."""
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=7)
    opt = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    program = net.jit_loss("half_squared_error", backend="numpy")
    oracle = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=7)
    oracle_opt = nn.SGD(oracle.parameters(), lr=0.1, momentum=0.9)
    for k in range(2):
        opt.zero_grad()
        program.batch(rows(k, 6))
        opt.step()
    eager_steps(oracle, oracle_opt, [rows(k, 6) for k in range(2)])
    twin, twin_program, twin_opt = copy.deepcopy((net, program, opt))
    twin_oracle, twin_oracle_opt = copy.deepcopy((oracle, oracle_opt))
    for k in range(2, 5):
        for o, p, d in ((twin_opt, twin_program, rows(k, 6)), (opt, program, rows(k + 9, 6))):
            o.zero_grad()
            p.batch(d)
            o.step()
    eager_steps(twin_oracle, twin_oracle_opt, [rows(k, 6) for k in range(2, 5)])
    eager_steps(oracle, oracle_opt, [rows(k + 9, 6) for k in range(2, 5)])
    for got, want in ((twin, twin_oracle), (net, oracle)):
        for p, q in zip(got.parameters(), want.parameters()):
            assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)
            assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-15)


def test_a_zero_dimensional_array_in_a_tuple_changed_in_place_is_read_again():
    """The same list of the same tuples is read once; an entry that can change in
    place (a 0-d numpy array) is read again.  Oracle: the eager engine's C on the
    new numbers."""
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=7)
    program = net.jit_loss("half_squared_error", backend="numpy")
    x1 = np.array(0.1)
    samples = [(x1, 0.2, 0.3, 0.5, 0.25)]
    program.batch(samples)
    x1[...] = 0.9
    outputs = net([0.9, 0.2, 0.3])
    C = sum(0.5 * (a - y) ** 2 for a, y in zip(outputs, (0.5, 0.25)))
    assert program.batch(samples) == pytest.approx(C.data, rel=1e-12)

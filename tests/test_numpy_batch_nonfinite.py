"""``net.jit_loss(loss, backend="numpy").batch(rows)`` computes with NaN and ±inf in
the data as the Python jit, the eager engine and PyTorch do (it refused them: "training
data must be finite numbers (NaN and ±inf are refused before the first step)"), while
``nn.train`` still refuses them before the first step, as docs/networks.md promises.

Oracles: PyTorch (float64, skipped without it) for C and every gradient, and the
Python backend, the other door, which must give the same numbers (to rounding: numpy
sums pairwise) and NaN in the same places.
"""

import math

import pytest

import nn

np = pytest.importorskip("numpy")

ROWS = [[0.5, -0.3, 0.2, 0.9], [1.0, 0.7, 0.4, 0.1], [-0.4, 0.1, 0.8, 0.3]]


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b or math.isclose(a, b, rel_tol=1e-12)


def run(backend, activation, rows, given):
    net = nn.MLP([2, 3, 2], activation=["tanh", activation], seed=3)
    data = {"tuples": [tuple(r) for r in rows], "lists": [list(r) for r in rows],
            "ints": [[int(v) if v == 1.0 else v for v in r] for r in rows],
            "array": np.array(rows)}[given]
    C = net.jit_loss("half_squared_error", backend=backend).batch(data)
    return [C] + [p.grad for p in net.parameters()]


def torch_numbers(activation, rows):
    torch = pytest.importorskip("torch")
    model = nn.MLP([2, 3, 2], activation=["tanh", activation], seed=3).to_torch()
    data = torch.tensor(rows, dtype=torch.float64)
    C = 0.5 * ((model(data[:, :2]) - data[:, 2:]) ** 2).sum()
    C.backward()
    grads = {}
    for number, layer in enumerate((m for m in model if isinstance(m, torch.nn.Linear)), 2):
        for j, row in enumerate(layer.weight.grad.tolist(), 1):
            grads.update({f"w{number}_{j}{k}": g for k, g in enumerate(row, 1)})
        grads.update({f"b{number}_{j}": g for j, g in enumerate(layer.bias.grad.tolist(), 1)})
    return C.item(), grads


@pytest.mark.parametrize("given", ["tuples", "lists", "ints", "array"])
@pytest.mark.parametrize("activation", ["sigmoid", "relu", "linear"])
@pytest.mark.parametrize("column", [1, 3])          # an input, a target
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_in_a_batch_give_pytorchs_numbers_on_both_backends(bad, column, activation,
                                                                        given):
    rows = [list(r) for r in ROWS]
    rows[1][column] = bad
    numbers = run("numpy", activation, rows, given)
    python = run("python", activation, rows, "tuples")
    assert all(map(same, numbers, python)), (numbers, python)
    assert any(math.isnan(v) or math.isinf(v) for v in numbers)   # not a finite case
    C, grads = torch_numbers(activation, rows)
    net = nn.MLP([2, 3, 2], activation=["tanh", activation], seed=3)
    names = [name for name, _ in net._named_parameters()]
    assert same(numbers[0], C)
    assert all(same(g, grads[name]) for name, g in zip(names, numbers[1:])), \
        [(name, g, grads[name]) for name, g in zip(names, numbers[1:])]


def test_train_still_refuses_nan_before_the_first_step():
    """docs/networks.md: training data is checked before the first step on both
    backends; the network is left as it was."""
    for backend in ("python", "numpy"):
        net = nn.MLP([2, 3, 2], seed=3)
        before = net.state_dict()
        with pytest.raises(ValueError) as caught:
            nn.train(net, [r[:2] for r in ROWS] + [[0.1, math.nan]],
                     [r[2:] for r in ROWS] + [[0.5, 0.5]], epochs=1, lr=0.1,
                     progress=False, backend=backend)
        assert str(caught.value).startswith("train: sample 4, column 2 (input x2) is nan; "
                                            "training data must be finite numbers")
        assert net.state_dict() == before


def test_a_bad_entry_is_still_named_by_the_batch():
    """Only finiteness changed: a string is named by its sample and column."""
    net = nn.MLP([2, 3, 2], seed=3)
    with pytest.raises(TypeError) as caught:
        net.jit_loss(backend="numpy").batch([(0.1, 0.2, 0.3, 0.4), (0.1, math.nan, "x", 0.4)])
    assert str(caught.value).startswith("half_squared_error.batch: sample 2, column 3 (y1) "
                                        "needs a real number")
    assert all(p.grad == 0.0 for p in net.parameters())

"""Pickle and copy: networks, graphs, op records and hooks go along.

Oracles: the original network or graph (the copy computes the same float bits:
a consistency check), hand-derived gradients where the test says so."""

import copy
import pickle

import pytest

import nn
from autograd import Value, ops


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_an_unpickled_constant_is_still_a_constant(how):
    """x ** c with c constant: no gradient for c (log of a negative x is never taken)."""
    c = Value(2.0, kind="constant", name="c")
    twin = pickle.loads(pickle.dumps(c)) if how == "pickle" else copy.deepcopy(c)
    assert twin._op is ops.CONSTANT
    x = Value(-3.0)
    (x ** twin).backward()
    assert (x.grad, twin.grad) == (-6.0, 0.0)
    assert repr(pickle.loads(pickle.dumps(Value(1.0)))) == repr(Value(1.0))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "sin", "linear"])
def test_a_network_pickles_with_every_protocol(protocol, activation):
    net = nn.MLP([2, 3, 1], activation=activation, seed=0)
    twin = pickle.loads(pickle.dumps(net, protocol=protocol))
    assert twin([0.3, -0.2])[0].data.hex() == net([0.3, -0.2])[0].data.hex()


def test_a_graph_pickles():
    w = Value(0.5, name="w")
    y = (w * 2.0 + 1.0).sigmoid() - abs(w) ** 2 / 3
    twin_w, twin = pickle.loads(pickle.dumps((w, y)))
    twin.backward()
    y.backward()
    assert twin.data.hex() == y.data.hex()
    assert twin_w.grad.hex() == w.grad.hex()


CALLS = []


def record(grad):        # a hook pickle can name
    CALLS.append(grad)


def test_a_shallow_copy_of_a_hooked_value_runs_its_own_hooks():
    w = Value(0.5, name="w")
    w.register_hook(record)
    twin = copy.copy(w)
    CALLS.clear()
    (twin * 2.0).backward()
    assert CALLS == [2.0]
    twin.register_hook(lambda g: None)     # the copy's hooks are its own list
    assert len(w._hooks) == 1

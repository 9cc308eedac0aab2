"""Review of the pickling, hooks-in-compiled-code, matrices and np_sigmoid commits."""

import copy
import pickle

import numpy as np
import pytest

import nn
from autograd import Value, jit, ops

X = [[0.05, 0.1], [0.3, 0.2]]
Y = [[0.01], [0.9]]


def train(net, **kw):
    return nn.train(net, X, Y, epochs=3, lr=0.5, progress=False, **kw)


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


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copied_hook_runs_and_compiled_code_refuses_it(how):
    """A copy keeps the node's hooks (pickled by name, or the same function): backward()
    on the copy runs them, and compiled code refuses the copy's parameter."""
    net = nn.MLP([2, 2, 1], seed=0)
    net.parameters()[0].register_hook(record)
    twin = pickle.loads(pickle.dumps(net)) if how == "pickle" else copy.deepcopy(net)
    CALLS.clear()
    twin([0.3, 0.1])[0].backward()
    assert len(CALLS) == 1
    with pytest.raises(RuntimeError, match="has a hook"):
        twin.jit_loss("half_squared_error")(0.3, 0.1, 1.0)


def test_numpy_training_refuses_a_hook_added_in_on_epoch():
    net = nn.MLP([2, 2, 1], seed=0)
    p = net.parameters()[0]
    calls = []

    def on_epoch(epoch, loss):
        if epoch == 1:
            p.register_hook(calls.append)
    with pytest.raises(RuntimeError, match="has a hook"):
        train(net, backend="numpy", on_epoch=on_epoch)


def test_auto_jit_trains_eagerly_once_on_epoch_adds_a_hook():
    nets = [nn.MLP([2, 2, 1], seed=0) for _ in range(2)]
    calls = {False: [], "auto": []}
    histories = {}
    for net, mode in zip(nets, calls):
        p = net.parameters()[0]

        def on_epoch(epoch, loss, p=p, mode=mode):
            if epoch == 1:
                p.register_hook(calls[mode].append)
        histories[mode] = [h.hex() for h in train(net, jit=mode, on_epoch=on_epoch)]
    assert histories[False] == histories["auto"]
    assert [g.hex() for g in calls[False]] == [g.hex() for g in calls["auto"]]
    assert [p.data.hex() for p in nets[0].parameters()] == \
        [p.data.hex() for p in nets[1].parameters()]


def test_jit_true_refuses_a_hook_added_in_on_epoch_before_zeroing_grads():
    net = nn.MLP([2, 2, 1], seed=0)
    p = net.parameters()[0]
    seen = []

    def on_epoch(epoch, loss):
        if epoch == 1:
            p.register_hook(lambda g: None)
            seen.append([q.grad for q in net.parameters()])
    with pytest.raises(RuntimeError, match="has a hook"):
        train(net, jit=True, on_epoch=on_epoch)
    assert [q.grad for q in net.parameters()] == seen[0]


def _constant_bias_net():
    net = nn.MLP([2, 2, 1], bias=[0.35, 0.6], seed=0)
    calls = []
    net.layers[0].neurons[0].bias.register_hook(calls.append)
    return net, calls


def test_a_hook_on_a_constant_bias_runs_with_jit_auto():
    net, calls = _constant_bias_net()
    train(net, jit=False)
    eager = len(calls)
    net, calls = _constant_bias_net()
    train(net)
    assert eager == len(calls) > 0


@pytest.mark.parametrize("kw", [{"jit": True}, {"backend": "numpy"}])
def test_compiled_training_refuses_a_hook_on_a_constant_bias(kw):
    net, _ = _constant_bias_net()
    with pytest.raises(RuntimeError, match="b2_1"):
        train(net, **kw)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_jit_refuses_a_hook_on_a_node_it_computes_through(backend):
    """A node made before the trace (or a constant) with a hook: backward() runs the
    hook, which may change the gradient; the generated code must not skip it."""
    w = Value(0.5, name="w")
    mid = (w * 3.0).named("mid")
    mid.register_hook(lambda g: 0.0)
    f = jit(lambda x: mid * x, backend=backend)
    with pytest.raises(RuntimeError, match="'mid'"):
        f(2.0)
    assert w.grad == 0.0
    c = Value(2.0, kind="constant", name="c")
    c.register_hook(lambda g: None)
    with pytest.raises(RuntimeError, match="'c'"):
        jit(lambda x: w * x + c, backend=backend)(1.0)


def test_numpy_jit_loss_ignores_a_hook_on_a_frozen_parameter_as_backward_does():
    net = nn.MLP([2, 2, 1], seed=0).freeze("w2_11")
    calls = []
    net.parameter("w2_11").register_hook(calls.append)
    python = net.jit_loss("half_squared_error")(0.1, 0.2, 0.3)
    numpy = net.jit_loss("half_squared_error", backend="numpy").batch(np.array([[0.1, 0.2, 0.3]]))
    assert python.hex() == numpy.hex()
    assert calls == []


def test_a_shallow_copy_of_a_hooked_value_runs_its_own_hooks():
    w = Value(0.5, name="w")
    w.register_hook(record)
    twin = copy.copy(w)
    CALLS.clear()
    (twin * 2.0).backward()
    assert CALLS == [2.0]
    twin.register_hook(lambda g: None)     # the copy's hooks are its own list
    assert len(w._hooks) == 1

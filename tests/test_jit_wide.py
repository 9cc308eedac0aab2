"""The jit's wide rows (dots of at least WIDE_DOT weights, summed in C): bit for
bit the eager engine's numbers, whatever the layer shares with the rest."""

import random
import struct

import pytest

import nn
from autograd import Value, dot, jit, sum_values
from autograd.engine import gradients
from autograd.jit_emit import WIDE_DOT


def bits(x):
    return struct.pack("<d", x)


def wide_net(seed=0):
    return nn.MLP([3, WIDE_DOT + 5, WIDE_DOT + 1, 2], activation=["tanh", "relu", "sigmoid"],
                  seed=seed)


def test_a_wide_network_step_equals_eager_to_the_last_bit():
    net = wide_net()
    step = net.jit_loss()
    assert "left_sum(map(mul, W_z3_1, A" in step.trace(0.1, 0.2, 0.3, 0.5, 0.25).source
    rng = random.Random(1)
    for _ in range(3):
        sample = [rng.uniform(-1, 1) for _ in range(3)] + [rng.uniform(0, 1) for _ in range(2)]
        net.zero_grad()
        out = step(*sample)
        jitted = [p.grad for p in net.parameters()]
        net.zero_grad()
        C = nn.half_squared_error(net(sample[:3]), sample[3:])
        C.backward()
        assert bits(out) == bits(C.data)
        assert [bits(g) for g in jitted] == [bits(p.grad) for p in net.parameters()]


def test_a_wide_batch_is_the_sum_of_its_samples():
    net = wide_net(2)
    step = net.jit_loss()
    rng = random.Random(2)
    samples = [tuple(rng.uniform(-1, 1) for _ in range(3)) + (0.3, 0.7) for _ in range(5)]
    net.zero_grad()
    total = step.batch(samples)
    batched = [p.grad for p in net.parameters()]
    net.zero_grad()
    singles = sum(step(*s) for s in samples)
    assert abs(total - singles) <= 1e-12 * abs(singles)
    for a, b in zip(batched, [p.grad for p in net.parameters()]):
        assert abs(a - b) <= 1e-12 * max(1.0, abs(b))


def test_inputs_used_elsewhere_and_shared_weights_keep_the_eager_order():
    rng = random.Random(3)
    n = WIDE_DOT + 3
    ws = [Value(rng.uniform(-1, 1), name=f"w{k}", kind="parameter") for k in range(n)]
    vs = [Value(rng.uniform(-1, 1), name=f"v{k}", kind="parameter") for k in range(n)]

    def f(*xs):
        hidden = [(x * 1.5).tanh() for x in xs]
        z1 = dot(ws, hidden).tanh()           # a wide row
        z2 = dot(vs, hidden)                  # another row over the same inputs
        z3 = dot(ws[:2] + vs[2:], hidden)     # shares weights: not a wide row
        return z1 * z2 + z3 + sum_values(hidden[:3])   # hidden[0..2] used elsewhere too
    xs = [rng.uniform(-1, 1) for _ in range(n)]
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    passed = gradients(out)
    value, grads = jit(f)(*xs, input_grads=True)
    assert bits(value) == bits(out.data)
    assert [bits(g) for g in grads] == [bits(passed.get(x, 0.0)) for x in leaves]


@pytest.mark.parametrize("n", [WIDE_DOT, 2000])
def test_a_very_wide_dot_compiles_and_agrees(n):
    rng = random.Random(n)
    ws = [Value(rng.uniform(-1, 1), kind="parameter") for _ in range(n)]
    f = jit(lambda *xs: dot(ws, list(xs), 0.5).sigmoid())
    xs = [rng.uniform(-1, 1) for _ in range(n)]
    value, grads = f(*xs, input_grads=True)
    leaves = [Value(x) for x in xs]
    out = dot(ws, leaves, 0.5).sigmoid()
    passed = gradients(out)
    assert bits(value) == bits(out.data)
    assert [bits(g) for g in grads] == [bits(passed[x]) for x in leaves]

"""Random graphs with every op: gradients against independent oracles, the jit
against eager to the last bit, and faults that must lose nothing.

Each run builds CHAINRULE_GRAPHS random graphs (default 300; set it to 5000
for the long run: ``CHAINRULE_GRAPHS=5000 make test``) from tests/graphs.py:
every op, shared sub-expressions, a*a, reflected operators, constant and
Value exponents, dot and sum_values.

Error measure: |engine − oracle| / max(1, |oracle|), worst case < 1e-9.
Oracles: PyTorch float64 (skipped without torch) and Richardson-extrapolated
central differences at shrinking steps until two agree to 1e-11 (always; a
leaf whose estimates never settle, because a kink of relu/abs/max lies within
the steps, is not compared there, and at most 5% may be skipped).
"""

import math
import os
import random
import signal
import struct
import threading
import time

import pytest

from autograd import Value, jit
from graphs import ChainruleOps, random_graph_full

try:
    import torch
    from graphs import TorchOps
except ImportError:
    torch = None

GRAPHS = int(os.environ.get("CHAINRULE_GRAPHS", "300"))
BLOCKS = 10
TOLERANCE = 1e-9


def case(seed):
    rng = random.Random(seed)
    point = [rng.uniform(-1.5, 1.5) for _ in range(4)]
    return point, rng.randint(4, 24)


def build(seed, leaves):
    point, size = case(seed)
    return random_graph_full(random.Random(seed), leaves, size, ChainruleOps())


def eager(seed):
    point, _ = case(seed)
    leaves = [Value(v, name=f"x{i}") for i, v in enumerate(point)]
    out = build(seed, leaves)
    out.backward()
    return point, out, leaves


def error(a, b):
    return abs(a - b) / max(1.0, abs(b))


def seeds(block):
    per = math.ceil(GRAPHS / BLOCKS)
    return range(block * per, min(GRAPHS, (block + 1) * per))


def richardson(f, x, h=1e-3):
    """Central differences at h and h/2, extrapolated (error O(h⁴)); also the two
    estimates' spread, which is large when a kink lies within the step."""
    def central(step):
        return (f(x + step) - f(x - step)) / (2 * step)
    d1, d2 = central(h), central(h / 2)
    return (4 * d2 - d1) / 3, abs(d2 - d1)


def settled_difference(f, x):
    """The derivative of f at x from Richardson estimates at shrinking steps, once two
    in a row agree to 1e-11; None if they never settle (a kink within the steps)."""
    previous = None
    for h in (4e-3, 2e-3, 1e-3, 5e-4, 2.5e-4, 1.25e-4):
        estimate, _ = richardson(f, x, h)
        if previous is not None and abs(estimate - previous) <= 1e-11 * max(1.0, abs(estimate)):
            return estimate
        previous = estimate
    return None


@pytest.mark.parametrize("block", range(BLOCKS))
def test_gradients_against_central_differences(block):
    worst, compared, skipped = 0.0, 0, 0
    for seed in seeds(block):
        point, out, leaves = eager(seed)
        for i, leaf in enumerate(leaves):
            def f(t, i=i):
                p = list(point)
                p[i] = t
                return build(seed, [Value(v) for v in p]).data
            estimate = settled_difference(f, point[i])
            if estimate is None:
                skipped += 1       # a kink within the steps: no finite-difference oracle here
                continue
            compared += 1
            worst = max(worst, error(leaf.grad, estimate))
            assert error(leaf.grad, estimate) < TOLERANCE, \
                f"graph {seed}, x{i}: engine {leaf.grad!r}, central differences {estimate!r}"
    assert skipped <= 0.05 * (compared + skipped), f"{skipped} of {compared + skipped} skipped"
    assert worst < TOLERANCE


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("block", range(BLOCKS))
def test_values_and_gradients_against_pytorch(block):
    worst = 0.0
    for seed in seeds(block):
        point, out, leaves = eager(seed)
        _, size = case(seed)
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        ref = random_graph_full(random.Random(seed), ts, size, TorchOps())
        grads = torch.autograd.grad(ref, ts, allow_unused=True)
        assert error(out.data, ref.item()) < TOLERANCE, f"graph {seed}: value"
        for i, (leaf, g) in enumerate(zip(leaves, grads)):
            want = 0.0 if g is None else g.item()
            worst = max(worst, error(leaf.grad, want))
            assert error(leaf.grad, want) < TOLERANCE, \
                f"graph {seed}, x{i}: engine {leaf.grad!r}, PyTorch {want!r}"
    assert worst < TOLERANCE


def bits(x):
    return struct.pack("<d", x)


def from_bits(b):
    """The float whose bytes are ``b`` (the inverse of :func:`bits`)."""
    return struct.unpack("<d", b)[0]


@pytest.mark.parametrize("block", range(BLOCKS))
def test_the_jit_equals_eager_to_the_last_bit(block):
    """The jit's input gradients are what backward() leaves in fresh input leaves, sign of
    zero included: one pass's gradients (engine.gradients) added to the leaf's 0.0."""
    from autograd.engine import gradients
    for seed in seeds(block):
        point, out, leaves = eager(seed)
        passed = gradients(out)
        f = jit(lambda *xs, seed=seed: build(seed, list(xs)), name=f"graph{seed}")
        value, grads = f(*point, input_grads=True)
        assert bits(value) == bits(out.data), f"graph {seed}: jit {value!r}, eager {out.data!r}"
        for i, (leaf, g) in enumerate(zip(leaves, grads)):
            want = leaf.grad
            assert bits(g) == bits(want), f"graph {seed}, x{i}: jit {g!r}, eager {want!r}"
            assert bits(0.0 + passed.get(leaf, 0.0)) == bits(g)


@pytest.mark.parametrize("terms", [[1.0, 1e100, -1e100], [0.1] * 10, [1e16, 1.0, -1e16, 1.0],
                                   [3.0, -0.0], [-0.0]])
def test_sums_add_left_to_right_in_eager_and_jit(terms):
    """Built to expose the order: Python 3.12's sum() is compensated, a + b + c is not."""
    from autograd import dot, sum_values
    left = terms[0]
    for t in terms[1:]:
        left = left + t
    xs = [Value(t) for t in terms]
    assert bits(sum_values(xs).data) == bits(left)
    f = jit(lambda *v: sum_values(list(v)))
    assert bits(f(*terms)) == bits(left)
    ones = [Value(1.0) for _ in terms]
    assert bits(dot(ones, xs).data) == bits(left)
    g = jit(lambda *v: dot([1.0] * len(v), list(v)))
    assert bits(g(*terms)) == bits(left)


# ---------------------------------------------------------------------------
# Faults: nothing is lost
# ---------------------------------------------------------------------------

class Injected(Exception):
    pass


@pytest.mark.parametrize("path", ["fast", "hooks"])
def test_an_exception_at_a_random_node_leaves_every_leaf_grad_bit_identical(path, monkeypatch):
    rng = random.Random(5)
    for seed in range(200):
        point, _ = case(seed)
        leaves = [Value(v, name=f"x{i}") for i, v in enumerate(point)]
        out = build(seed, leaves)
        from autograd.engine import all_nodes, topological_order
        every_leaf = [n for n in all_nodes(out) if not n._prev]
        for leaf in every_leaf:
            leaf.grad = rng.uniform(-5, 5)
        before = [bits(leaf.grad) for leaf in every_leaf]
        target = rng.choice(topological_order(out))
        if path == "fast":
            real = target._opr.backward

            def failing(node, upstream, _real=real, _target=target):
                if node is _target:
                    raise Injected("injected")
                return _real(node, upstream)
            monkeypatch.setattr(target._opr, "backward", failing)
            if target._opr.accumulate is not None:   # dot's in-place path calls no rule
                real_acc = target._opr.accumulate

                def failing_acc(node, upstream, _real=real_acc, _target=target):
                    if node is _target:
                        raise Injected("injected")
                    return _real(node, upstream)
                monkeypatch.setattr(target._opr, "accumulate", failing_acc)
        else:
            target.register_hook(lambda g: (_ for _ in ()).throw(Injected("injected")))
        with pytest.raises(Injected) as info:
            out.backward()
        monkeypatch.undo()
        assert [bits(leaf.grad) for leaf in every_leaf] == before, f"graph {seed}"
        notes = " ".join(getattr(info.value, "__notes__", []))
        assert "backward pass stopped at" in notes or "in hook" in notes


def test_ctrl_c_during_a_million_node_backward_loses_nothing():
    """A real SIGINT (Ctrl-C) 0.3 s into the backward pass of a 1,000,000-node chain."""
    x = Value(1.0, name="x")
    x.grad = 42.0
    b = Value(1.0000001, name="b")
    b.grad = 7.0
    y = x
    for _ in range(1_000_000):
        y = y * b
    # Ctrl-C as Python answers it by default (another test may have left pdb's handler)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt(y, x, b)
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt(y, x, b):
    """Ctrl-C halfway through a timed backward pass: every grad as before it, and a note
    saying the pass stopped.  A SIGINT that lands just after a pass has finished (a
    loaded machine) finds the complete pass's sums, and the next pass is tried."""
    before = (bits(x.grad), bits(b.grad))
    start = time.perf_counter()
    y.backward()
    took = time.perf_counter() - start
    after = (bits(x.grad), bits(b.grad))
    assert after != before
    for _ in range(5):
        x.grad, b.grad = from_bits(before[0]), from_bits(before[1])
        timer = threading.Timer(took / 2, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            y.backward()
            timer.join()                    # the signal lands after the pass: try again
        except KeyboardInterrupt as err:
            timer.join()
            now = (bits(x.grad), bits(b.grad))
            if now == after:                # after the pass returned: not inside it
                continue
            assert now == before
            assert "backward pass stopped" in " ".join(getattr(err, "__notes__", []))
            return
        finally:
            timer.cancel()
    pytest.fail("five backward passes finished before the interrupt arrived")

"""backward(): order, accumulation, resets, depth, sharing, no_grad, hooks, steps."""

from decimal import Decimal
import math
import random
import sys
import threading

import pytest

import autograd
from autograd import Value, grad, no_grad
from autograd.engine import topological_order
from conftest import assert_close, central_difference
from graphs import random_graph


def test_square_has_two_edges_and_gradient_2a():
    a = Value(3.0, name="a")
    y = a * a
    assert y.parents == (a, a)
    y.backward()
    assert a.grad == 6.0


def test_backward_twice_doubles_leaf_grads_but_not_intermediates():
    x, w = Value(0.7, name="x"), Value(-1.3, name="w")
    h = (x * w).tanh()
    y = h * h + w
    y.backward()
    gx, gw, gh = x.grad, w.grad, h.grad
    y.backward()
    assert x.grad == 2 * gx and w.grad == 2 * gw
    assert h.grad == gh  # non-leaf: this pass's dy/dh, not accumulated
    expected = 2 * h.data * (1 - h.data ** 2) * x.data + 1
    assert_close(gw, expected, rel=1e-12)


def test_seed_gradient_scales_everything():
    x = Value(2.0)
    (x * x).backward(grad=3.0)
    assert x.grad == 12.0


def test_backward_from_a_leaf():
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0


def test_million_node_chain_needs_no_recursion():
    x = Value(1.0, name="x")
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0 and y.data == 1_000_001.0


def test_deep_chain_of_multiplications():
    x = Value(1.0)
    y = x
    for _ in range(200_000):
        y = y * 1.0000001
    y.backward()
    assert_close(x.grad, 1.0000001 ** 200_000, rel=1e-9)


def test_topological_order_puts_parents_first_and_each_node_once():
    a = Value(1.0)
    b = a * 2.0
    c = b + a
    d = c * b
    order = topological_order(d)
    assert order == [b, c, d]
    assert len(set(map(id, order))) == len(order)


def _textbook_order(root):
    """Depth-first post-order written the textbook way (recursive): each
    node after its parents, parents in the order they were recorded."""
    order, leaves, seen = [], [], set()

    def visit(node):
        seen.add(node)
        for parent in node._prev:
            if parent not in seen:
                visit(parent)
        (order if node._prev else leaves).append(node)

    visit(root)
    return order, leaves


@pytest.mark.parametrize("seed", range(40))
def test_order_and_leaves_are_the_textbook_depth_first_order(seed):
    """The shortcuts in order_and_leaves (a node whose parents are all seen, a
    one-parent chain) keep the plain depth-first order: oracle, a recursive DFS."""
    import nn
    from autograd.engine import order_and_leaves

    rng = random.Random(seed)
    if seed % 2:
        root = random_graph(rng, [Value(rng.uniform(-1, 1)) for _ in range(4)], 60)
    else:   # a network over a batch: shared weights, one-parent activations
        net = nn.MLP([2, 3, 2], activation=rng.choice(["relu", "sigmoid", "linear"]))
        root = nn.half_squared_error([net([rng.random(), rng.random()]) for _ in range(5)],
                                     [[0.0, 1.0]] * 5)
    assert order_and_leaves(root) == _textbook_order(root)


def test_shared_subexpression_sums_both_paths():
    # f = s*s + s with s = x*y: df/dx = (2s + 1) y
    x, y = Value(1.5), Value(-0.5)
    s = x * y
    f = s * s + s
    f.backward()
    assert_close(x.grad, (2 * s.data + 1) * y.data, rel=1e-15)


def evaluate(build, values):
    return build([Value(v) for v in values]).data


@pytest.mark.parametrize("seed", range(25))
def test_random_shared_graphs_match_finite_differences(seed):
    rng = random.Random(seed)
    point = [rng.uniform(-1.5, 1.5) for _ in range(3)]

    def build(leaves):
        return random_graph(random.Random(seed), leaves, 25)

    leaves = [Value(v) for v in point]
    out = build(leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        def f(t, i=i):
            p = list(point)
            p[i] = t
            return evaluate(build, p)
        assert_close(leaf.grad, central_difference(f, point[i]), rel=1e-5, abs_=1e-7,
                     what=f"seed {seed}, leaf {i}")


def test_no_grad_records_no_parents_and_restores():
    w = Value(1.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        u = w * 2.0 + 1.0
    assert autograd.is_grad_enabled()
    assert u.parents == () and u.is_leaf and u.data == 3.0
    v = w * 2.0
    assert v.parents[0] is w


def test_no_grad_as_decorator_and_nested():
    @no_grad()
    def update(p):
        return p * 0.5

    p = Value(4.0)
    assert update(p).parents == ()
    with no_grad():
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()


def test_repr_shows_name_and_op():
    w = Value(0.5, name="w1")
    assert repr(w) == "Value(data=0.5, grad=0.0, name='w1')"
    assert repr(w * 2) == "Value(data=1.0, grad=0.0, op='mul')"
    h = (w * 2).sigmoid().named("h")
    assert "name='h'" in repr(h) and "op='sigmoid'" in repr(h)


def test_zero_grad_resets_one_leaf():
    a = Value(2.0)
    (a * 3.0).backward()
    assert a.grad == 3.0
    a.zero_grad()
    assert a.grad == 0.0


def test_backward_steps_leave_the_same_grads_as_backward():
    def build():
        x, b = Value(0.3, name="x"), Value(0.1, name="b")
        w1, w2 = Value(0.8, name="w1"), Value(-0.4, name="w2")
        h = (x * w1 + b).sigmoid().named("h")
        y = (h * w2 + b).sigmoid().named("y")
        return [x, b, w1, w2], (y - 1.0) ** 2 * 0.5

    leaves_a, loss_a = build()
    loss_a.backward()
    leaves_b, loss_b = build()
    steps = list(loss_b.backward_steps())
    assert [s.node.op.name for s in steps][0] == "mul"
    assert [p.grad for p in leaves_a] == [p.grad for p in leaves_b]
    fan_in = [e for s in steps for e in s.edges if e.parent.name == "b" and e.nth == 2]
    assert len(fan_in) == 1 and "second contribution to b" in "\n".join(
        line for s in steps for line in s.lines())


def test_hook_sees_the_gradient_and_can_replace_it():
    x = Value(2.0, name="x")
    h = (x * 3.0).named("h")
    y = h * h
    seen = []
    handle = h.register_hook(lambda g: seen.append(g) or g * 0.0)
    y.backward()
    assert seen == [2 * h.data] and x.grad == 0.0
    handle.remove()
    y.backward()
    assert x.grad == 2 * h.data * 3.0


def test_leaf_hook_gets_the_pass_gradient():
    x = Value(2.0)
    x.grad = 100.0
    got = []
    handle = x.register_hook(lambda g: got.append(g) or 1.0)
    (x * x + x).backward()
    handle.remove()
    assert got == [5.0] and x.grad == 101.0


def test_breakpoint_at_calls_breakpointhook_with_step(monkeypatch):
    import sys
    calls = []

    def hook(*args, **kwargs):
        frame = sys._getframe(1)
        step = frame.f_locals["step"]
        calls.append((step, w1.grad))

    monkeypatch.setattr(sys, "breakpointhook", hook)
    w1 = Value(0.5, name="w1")
    y = (w1 * 2.0).sigmoid() * w1
    y.backward(breakpoint_at="w1")
    assert len(calls) == 1
    step, grad_then = calls[0]
    u = y.parents[0].parents[0]  # w1 * 2: the last node to send into w1
    assert step.node is u and step.index == step.total - 1
    s = y.parents[0].data  # y = σ(2 w1) w1, dy/dw1 = 2 σ'(2 w1) w1 + σ(2 w1)
    assert_close(grad_then, 2 * s * (1 - s) * 0.5 + s, rel=1e-15)
    assert grad_then == w1.grad
    with pytest.raises(KeyError, match="no node named 'nope'.*w1"):
        y.backward(breakpoint_at="nope")


def test_backward_restores_the_garbage_collector_state():
    import gc
    x = Value(1.0)
    assert gc.isenabled()
    (x * 2.0).backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (x * 2.0).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_commit_comparison_times_the_chain_against_head():
    """benchmarks/versus_commit.py HEAD --chain: both checkouts build and differentiate the
    chain (each child checks ∂y/∂x = f^n) and the script prints both rows and the ratio
    (no timing asserted)."""
    import os
    import re
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    script = os.path.join(root, "benchmarks", "versus_commit.py")
    run = subprocess.run([sys.executable, script, "HEAD", "--chain", "20000", "--rounds", "1"],
                         capture_output=True, text=True, timeout=300, cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"n=\s+20,000\s+HEAD: build [\d.e-]+ s, backward [\d.e-]+ s, total [\d.e-]+ s "
                     r"\(\d+ ns per node\)\n.*this checkout: build .*\n.*[\d.]+x less time",
                     run.stdout), run.stdout


# ---------------------------------------------------------------------------
# gradients(): backward_pass itself, with every .grad put back
# ---------------------------------------------------------------------------

def _bits(x):
    import struct
    return struct.pack("<d", x)


def _graph_with_grads(seed):
    """A random graph (odd seeds) or a network over a batch (even seeds), after one
    backward() and with leaves holding earlier sums (signed zeros among them)."""
    import nn
    rng = random.Random(seed)
    if seed % 2:
        leaves = [Value(rng.uniform(-1, 1)) for _ in range(4)]
        root = random_graph(rng, leaves, 40) * leaves[0]
    else:
        net = nn.MLP([2, 3, 2], activation=rng.choice(["relu", "sigmoid", "tanh"]), seed=seed)
        root = nn.half_squared_error([net([rng.random(), rng.random()]) for _ in range(4)],
                                     [[0.0, 1.0]] * 4)
    root.backward()
    nodes = autograd.engine.all_nodes(root)
    for node in nodes:
        if not node.parents:
            node.grad = rng.choice([0.0, -0.0, rng.uniform(-2, 2)])
    return root, nodes


@pytest.mark.parametrize("seed", range(20))
def test_gradients_are_backwards_sums_bit_for_bit_and_change_no_grad(seed):
    """gradients()[node] is the sum backward() leaves in a derived node, and what it adds
    to a leaf's earlier grad, to the last bit; gradients() itself changes no .grad."""
    from autograd.engine import gradients
    root, nodes = _graph_with_grads(seed)
    before = [_bits(n.grad) for n in nodes]
    found = gradients(root)
    assert [_bits(n.grad) for n in nodes] == before, "gradients() changed a .grad"
    assert set(found) == set(nodes)
    earlier = [n.grad for n in nodes]
    root.backward()
    for node, was in zip(nodes, earlier):
        want = found[node] if node.parents else was + found[node]
        assert _bits(node.grad) == _bits(want), f"{node!r}: backward {node.grad!r}, gradients {found[node]!r}"


def test_gradients_of_a_leaf_is_the_seed():
    from autograd.engine import gradients
    x = Value(2.0)
    x.grad = 5.0
    assert gradients(x, 3.0) == {x: 3.0} and x.grad == 5.0


def _ctrl_c_at_the_third_product(monkeypatch):
    """Make the third × node a pass reaches raise KeyboardInterrupt (as Ctrl-C would
    there); returns the list of × nodes reached."""
    from autograd import ops
    rule = ops.MUL.backward
    calls = []

    def interrupted(node, upstream):
        calls.append(node)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return rule(node, upstream)
    monkeypatch.setattr(ops.MUL, "backward", interrupted)
    return calls


def test_gradients_put_every_grad_back_when_interrupted(monkeypatch):
    """Ctrl-C in the middle of the pass: the KeyboardInterrupt reaches the caller, and
    every .grad (leaves and derived nodes) and the collector's state are as before."""
    import gc
    from autograd.engine import gradients
    root, nodes = _graph_with_grads(1)
    before = [_bits(n.grad) for n in nodes]
    calls = _ctrl_c_at_the_third_product(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        gradients(root)
    assert len(calls) == 3 and gc.isenabled()
    assert [_bits(n.grad) for n in nodes] == before


def test_backward_puts_every_grad_back_when_interrupted(monkeypatch):
    """Ctrl-C in the middle of the default pass: every .grad, the derived nodes' (the
    last pass's δs) as well as the leaves', is as before, bit for bit; the note says so."""
    root, nodes = _graph_with_grads(1)
    root.backward()                    # the derived nodes now hold a pass's δs
    before = [_bits(n.grad) for n in nodes]
    calls = _ctrl_c_at_the_third_product(monkeypatch)
    with pytest.raises(KeyboardInterrupt) as info:
        root.backward()
    assert len(calls) == 3 and [_bits(n.grad) for n in nodes] == before
    assert "every grad was put back" in info.value.__notes__[-1]


@pytest.mark.parametrize("stop", [ValueError, KeyboardInterrupt])
@pytest.mark.parametrize("enabled", [True, False])
def test_a_stopped_backward_restores_the_collectors_state(stop, enabled):
    """backward() and gradients() pause the cycle collector; whatever stops them, it is
    enabled or disabled afterwards exactly as it was before."""
    import gc
    from autograd.engine import gradients, no_cycle_collection
    x = Value(1.0)
    h = x * 2.0
    h.register_hook(lambda g: (_ for _ in ()).throw(stop("from a hook")))
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(stop):
            (h * 3.0).backward()
        assert gc.isenabled() is enabled and x.grad == 0.0
        assert gradients(h * 3.0)[x] == 6.0 and gc.isenabled() is enabled
        with pytest.raises(stop):
            with no_cycle_collection():
                assert not gc.isenabled()
                raise stop("inside the block")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copied_graph_points_at_the_op_records_and_differentiates(how):
    """A graph through pickle or deepcopy keeps one record per op (``_opr is LOG``: the
    engine's fast paths test identity); d/dx log(x² + 1) = 2x/(x² + 1) = 0.8 at x = 2."""
    import copy
    import pickle
    from autograd import ops
    x = Value(2.0, "x")
    y = (x * x + 1.0).log()
    twin = pickle.loads(pickle.dumps(y)) if how == "pickle" else copy.deepcopy(y)
    assert twin._opr is ops.LOG and twin._prev[0]._opr is ops.ADD
    assert twin._prev[0]._prev[1]._opr is ops.CONSTANT
    twin.backward()
    x_twin = twin._prev[0]._prev[0]._prev[0]
    assert x_twin.name == "x" and x_twin is not x
    assert x_twin.grad == pytest.approx(0.8, rel=1e-15) and x.grad == 0.0


#: pickle.dumps(L, protocol=4) as chainrule wrote it when the op record's slot was
#: ``_op``: L = a·b + 1 at a = 2, b = -3 (a parameter), after L.backward()
OLD_PICKLE = (
    b"\x80\x04\x95\xbb\x01\x00\x00\x00\x00\x00\x00\x8c\x0eautograd.value\x94\x8c\x0b_made_after"
    b"\x94\x93\x94\x8c\x07copyreg\x94\x8c\n__newobj__\x94\x93\x94h\x00\x8c\x05Value\x94\x93\x94"
    b"\x85\x94h\x07)\x81\x94N}\x94(\x8c\x04data\x94G\xc0\x18\x00\x00\x00\x00\x00\x00\x8c\x04grad"
    b"\x94G?\xf0\x00\x00\x00\x00\x00\x00\x8c\x04name\x94N\x8c\x05_prev\x94h\x07)\x81\x94N}\x94(h"
    b"\x0bG@\x00\x00\x00\x00\x00\x00\x00h\x0cG\xc0\x08\x00\x00\x00\x00\x00\x00h\r\x8c\x01a\x94h"
    b"\x0e)\x8c\x03_op\x94\x8c\x0cautograd.ops\x94\x8c\x08op_named\x94\x93\x94\x8c\x04leaf\x94\x85"
    b"\x94R\x94u\x86\x94bh\x07)\x81\x94N}\x94(h\x0bG\xc0\x08\x00\x00\x00\x00\x00\x00h\x0cG@\x00"
    b"\x00\x00\x00\x00\x00\x00h\r\x8c\x01b\x94h\x0e)h\x12h\x15\x8c\tparameter\x94\x85\x94R\x94u"
    b"\x86\x94b\x86\x94h\x12h\x15\x8c\x03mul\x94\x85\x94R\x94u\x86\x94bh\x00\x8c\x08_PlanEnd\x94"
    b"\x93\x94)R\x94\x86\x94\x87\x94R\x94N}\x94(h\x0bG\xc0\x14\x00\x00\x00\x00\x00\x00h\x0cG?\xf0"
    b"\x00\x00\x00\x00\x00\x00h\r\x8c\x01L\x94h\x0eh\th\x07)\x81\x94N}\x94(h\x0bG?\xf0\x00\x00\x00"
    b"\x00\x00\x00h\x0cG?\xf0\x00\x00\x00\x00\x00\x00h\rNh\x0e)h\x12h\x15\x8c\x08constant\x94\x85"
    b"\x94R\x94u\x86\x94b\x86\x94h\x12h\x15\x8c\x03add\x94\x85\x94R\x94u\x86\x94b."
)


def test_a_pickle_written_before_the_op_slot_was_renamed_loads():
    """Loading it raised AttributeError: property '_op' of 'Value' object has no setter.
    Now the nodes come back with their records, numbers and grads, and differentiate:
    ∂L/∂a = b = -3 and ∂L/∂b = a = 2 (by hand), added to the grads pickled with them."""
    import pickle
    from autograd import ops
    L = pickle.loads(OLD_PICKLE)
    product, one = L._prev
    a, b = product._prev
    assert (L.op, product.op, one.op, a.op, b.op) == (ops.ADD, ops.MUL, ops.CONSTANT, ops.LEAF,
                                                      ops.PARAMETER)
    assert (L.name, a.name, b.name, L._op, product._op, a._op) == ("L", "a", "b", "+", "*", "")
    assert (L.data, a.grad, b.grad) == (-5.0, -3.0, 2.0)
    L.backward()
    assert (a.grad, b.grad) == (-6.0, 4.0)


def test_a_graph_with_an_op_outside_the_table_deep_copies_field_by_field():
    """An op of the user's (not in OPS) is copied as a record of its own; the copy
    computes and differentiates as the original: d/dx (3x) = 3 (hand-derived)."""
    import copy
    from autograd import ops
    from autograd.value import make
    triple = ops.Op("triple", "3·", arity=1, forward=lambda a: 3.0 * a,
                    backward=lambda node, g: (3.0 * g,))
    x = Value(1.5, "x")
    twin = copy.deepcopy(make(4.5, (x,), triple))
    assert twin._opr is not triple and twin._opr.name == "triple" and twin.data == 4.5
    twin.backward()
    assert twin._prev[0].grad == 3.0 and x.grad == 0.0


class _StopsWhenRead(Value):
    """A leaf whose .grad read raises KeyboardInterrupt once armed (Ctrl-C landing while
    the pass notes what every grad held)."""

    __slots__ = ()
    armed = False
    _slot = vars(Value)["grad"]

    @property
    def grad(self):
        if _StopsWhenRead.armed:
            _StopsWhenRead.armed = False
            raise KeyboardInterrupt
        return _StopsWhenRead._slot.__get__(self, Value)

    @grad.setter
    def grad(self, value):
        _StopsWhenRead._slot.__set__(self, value)


@pytest.mark.parametrize("watched", [False, True])   # backward_pass; observed_pass (a hook)
def test_ctrl_c_while_the_pass_notes_the_grads_changes_nothing_and_says_so(watched):
    """Ctrl-C before the pass changed anything (while it copies the grads to put back):
    every grad as before, and the note saying the pass stopped (it had none)."""
    x = _StopsWhenRead(2.0, name="x")
    w = Value(3.0, name="w")
    x.grad, w.grad = 0.5, 0.25
    y = (x * w).tanh()
    y.grad = 9.0
    if watched:
        y.register_hook(lambda g: None)
    _StopsWhenRead.armed = True
    with pytest.raises(KeyboardInterrupt) as caught:
        y.backward()
    assert (x.grad, w.grad, y.grad) == (0.5, 0.25, 9.0)
    assert "backward pass stopped" in " ".join(getattr(caught.value, "__notes__", []))
    y.backward()                                   # and the next pass is whole: ∂tanh(xw)/∂x
    assert x.grad == pytest.approx(0.5 + 3.0 * (1 - math.tanh(6.0) ** 2), rel=1e-15)


def test_breakpoint_at_a_value_outside_the_graph_is_refused(monkeypatch):
    """A Value that is not below the root would never stop: say so, before the pass."""
    import sys
    monkeypatch.setattr(sys, "breakpointhook", lambda *a, **k: pytest.fail("stopped"))
    a, b = Value(2.0, name="a"), Value(-3.0, name="b")
    L = (a * b).named("L")
    other = Value(3.0, name="other")
    for target in (other, [a, other]):
        with pytest.raises(ValueError, match=r"^breakpoint_at: 'other' = 3\.0 is not in the graph "
                                             r"of 'L' = -6\.0"):
            L.backward(breakpoint_at=target)
        assert (a.grad, b.grad, L.grad) == (0.0, 0.0, 0.0)   # nothing ran
    with pytest.raises(TypeError, match="breakpoint_at: expected a name or a Value, got int 5"):
        L.backward(breakpoint_at=5)


def test_grad_in_one_thread_neither_reads_nor_undoes_a_backward_in_another():
    """grad() sums in .grad and puts every grad back; with a backward() of another
    loss running in another thread on the same weight, it read that pass's sums
    (3.0 for 1.0) and put back a value from before them (w.grad 0.0 for 2.0).
    By hand: ∂L_k/∂w = k for L_k = k·(w·1 + w·0 + ...)."""
    w = Value(0.5, name="w")

    def loss(k):
        v = w
        for _ in range(30_000):
            v = v * 1.0 + w * 0.0
        return v * float(k)

    first, second = loss(1), loss(2)
    found = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)         # threads switch often, inside the passes
    try:
        other = threading.Thread(target=second.backward)
        other.start()
        found.append(grad(first, w)[0])
        while other.is_alive():
            found.append(grad(first, w)[0])
        other.join()
    finally:
        sys.setswitchinterval(interval)
    assert set(found) == {1.0} and w.grad == 2.0


def test_micrograds_manual_backward_node_by_node_as_the_lecture_does_it():
    """Karpathy's lecture backpropagates by hand: o.grad = 1.0; o._backward(); n._backward()
    ... (the docs say micrograd code runs unchanged); it raised AttributeError.  Oracle: the
    lecture's own numbers, by hand: o = tanh(n) = 1/√2, so do/dn = 1 − o² = 0.5, and then
    x1.grad = w1·0.5 = -1.5, w1.grad = x1·0.5 = 1, x2.grad = w2·0.5 = 0.5, w2.grad = 0."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, b, x1w1x2w2, x2w2, x1w1, x1):     # b and x1 are leaves: nothing
        node._backward()
    assert_close(n.grad, 0.5, rel=1e-12)
    assert [round(v.grad, 12) for v in (x1, w1, x2, w2)] == [-1.5, 1.0, 0.5, 0.0]


def test_micrograds_topological_loop_of_backward_steps_is_the_gradient():
    """The lecture's backward(): o.grad = 1, then node._backward() in reverse topological
    order, over every op (a dot and a sum included).  Oracle: central differences."""
    def f(a_value):
        a, c = Value(a_value), Value(-0.4)
        y = autograd.dot([a, c], [c, a], Value(0.1))
        return (autograd.sum_values([y.sigmoid(), (a * c).exp(), a ** 3 / (1 + c * c)])
                .tanh(), a)
    out, a = f(0.7)
    out.grad = 1.0
    for node in reversed(topological_order(out)):
        node._backward()
    assert_close(a.grad, central_difference(lambda v: f(v)[0].data, 0.7), rel=1e-7)


@pytest.mark.parametrize("how", ["backward", "backward_steps", "hooked"])
def test_a_grad_set_to_none_is_named_and_nothing_changes(how):
    """PyTorch's habit `w.grad = None` (its "no gradient yet"): backward() said only
    "unsupported operand type(s) for +: 'NoneType' and 'float'".  Now the error names
    the leaf; every grad is as before.  Oracle: ∂(x·w)/∂x = w = 3 by hand, after w's fix."""
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    L = (x * w).named("L")
    if how == "hooked":
        x.register_hook(lambda g: None)
    w.grad = None
    with pytest.raises(TypeError, match=r"'w' = 3\.0 has \.grad = None, not a number.*zero_grad"):
        if how == "backward_steps":
            list(L.backward_steps())
        else:
            L.backward()
    assert (x.grad, w.grad, L.grad) == (0.0, None, 0.0)
    w.zero_grad()
    L.backward()
    assert (x.grad, w.grad) == (3.0, 2.0)


@pytest.mark.parametrize("how", ["backward", "backward_steps", "_backward"])
@pytest.mark.parametrize("bad, why", [(Decimal("1.5"), "a Decimal, to which a float cannot be added"),
                                      (10 ** 400, "too large for a float")],
                         ids=["Decimal", "int of 401 digits"])
def test_a_grad_no_float_can_be_added_to_is_named_and_nothing_changes(how, bad, why):
    """A Decimal (which as_float reads, but float + Decimal is a TypeError) or an int too
    large for a float as w.grad: backward() and backward_steps() raised Python's bare
    "unsupported operand type(s) for +" or "int too large to convert to float", naming
    nothing, and _backward() by hand had already added x's share when w's failed.  Now
    each names w and why, and every grad is as before.  Oracle: ∂(x·w)/∂x = w = 3 and
    ∂(x·w)/∂w = x = 2 by hand, after w's fix."""
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    L = (x * w).named("L")
    w.grad = bad
    if how == "_backward":
        L.grad = 1.0
    with pytest.raises(TypeError, match=rf"^{how}: 'w' = 3\.0 has \.grad = .*, {why}; .*zero_grad"):
        if how == "backward_steps":
            list(L.backward_steps())
        else:
            getattr(L, how)()
    assert x.grad == 0.0 and w.grad is bad
    w.zero_grad()
    if how == "_backward":
        L._backward()
    else:
        L.backward()
    assert (x.grad, w.grad) == (3.0, 2.0)


@pytest.mark.parametrize("how", ["backward", "backward_steps", "hooked", "_backward", "leaf root"])
@pytest.mark.parametrize("bad", [1j, "array", "numpy bool"])
def test_a_grad_that_is_not_a_real_number_is_named_and_nothing_changes(how, bad):
    """w.grad = 1j, np.array([0.0, 1.0]) or np.True_: _backward() refused each, naming w,
    but backward() gave w.grad = (2+1j), array([2., 3.]) and 3.0, silently.  Now each
    refuses it as _backward() does, and every grad is as before.  Oracle: ∂(x·w)/∂x = w
    = 3 and ∂(x·w)/∂w = x = 2 by hand, after w's fix."""
    np = pytest.importorskip("numpy")
    bad = {"array": np.array([0.0, 1.0]), "numpy bool": np.True_}.get(bad, bad)
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    L = (x * w).named("L")
    if how == "hooked":
        x.register_hook(lambda g: None)
    w.grad = bad
    where = {"hooked": "backward", "leaf root": "backward"}.get(how, how)
    with pytest.raises(TypeError, match=rf"^{where}: 'w' = 3\.0 has \.grad = .*, not a number; "
                                        rf"the chain rule adds to it"):
        if how == "backward_steps":
            list(L.backward_steps())
        elif how == "_backward":
            L.grad = 1.0
            L._backward()
        elif how == "leaf root":
            w.backward()
        else:
            L.backward()
    assert x.grad == 0.0 and w.grad is bad and L.grad == (1.0 if how == "_backward" else 0.0)
    w.zero_grad()
    L.backward()
    assert (x.grad, w.grad) == (3.0, 2.0)


@pytest.mark.parametrize("how", ["backward", "hooked"])
def test_a_real_grad_of_another_type_is_added_to_as_a_float(how):
    """np.float64, a float subclass and np.float32 as w.grad before the pass: as PyTorch
    accumulates into a parameter's own dtype, the sum is taken in double and w.grad is
    a float like every other grad (np.float32(0.1) is not rounded back to float32).
    Oracle: ∂(x·w)/∂w = x = 2 by hand, added to the number held, in Python floats."""
    np = pytest.importorskip("numpy")

    class Grad(float):
        pass

    for held in [np.float64(0.5), Grad(0.25), np.float32(0.1), np.int64(3)]:
        x, w, u = Value(2.0, name="x"), Value(3.0, name="w"), Value(-1.0, name="u")
        L = (x * w + u).named("L")
        if how == "hooked":
            w.register_hook(lambda g: None)
        w.grad, u.grad = held, 0           # u: an int, micrograd's zero
        L.backward()
        assert type(w.grad) is float and w.grad == float(held) + 2.0, held
        assert type(u.grad) is float and u.grad == 1.0 and x.grad == 3.0


@pytest.mark.parametrize("how", ["backward", "backward_steps", "hooked", "leaf root"])
def test_a_float_subclass_that_overrides_add_still_gives_the_float_sum(how):
    """A float subclass whose own __add__ adds 100 as w.grad: the pass's check takes
    float + grad (the float 0.25 + 2.0), but the pass added grad + sum, so w.grad came
    back the subclass's 102.25, not the double sum 2.25 every other held number gives.
    Oracle: ∂(x·w)/∂w = x = 2 by hand (∂w/∂w = 1 for the leaf root), plus 0.25 held."""

    class Loud(float):
        def __add__(self, other):
            return Loud(float(self) + float(other) + 100.0)

    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    L = (x * w).named("L")
    if how == "hooked":
        w.register_hook(lambda g: None)
    w.grad = Loud(0.25)
    if how == "backward_steps":
        list(L.backward_steps())
    elif how == "leaf root":
        w.backward()
    else:
        L.backward()
    expected = 0.25 + (1.0 if how == "leaf root" else 2.0)
    assert type(w.grad) is float and w.grad == expected
    assert x.grad == (0.0 if how == "leaf root" else 3.0)


@pytest.mark.parametrize("which", ["node", "parent"])
def test_local_step_names_a_grad_that_is_not_a_number_and_adds_nothing(which):
    """micrograd's `o._backward()` by hand with a grad set to None: the error names the
    node, and no parent's grad changed (before, the first parent of x·w had its share
    added when the second failed).  Oracle: ∂(x·w)/∂x = w, ∂(x·w)/∂w = x by hand."""
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    p = (x * w).named("p")
    p.grad = 1.0
    bad = p if which == "node" else w
    bad.grad = None
    with pytest.raises(TypeError, match=rf"'{bad.name}' = .* has \.grad = None, not a number"):
        p._backward()
    assert x.grad == 0.0 and bad.grad is None
    bad.grad = 1.0 if which == "node" else 0.0
    p._backward()
    assert (x.grad, w.grad) == (3.0, 2.0)

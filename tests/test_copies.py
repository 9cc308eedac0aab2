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
    assert twin._opr is ops.CONSTANT
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


FACTOR = 1.0001


def chain(n):
    """x, and y = x · FACTOR^n built one × node at a time (a graph n nodes deep)."""
    x = Value(1.0, name="x")
    y = x
    for _ in range(n):
        y = y * FACTOR
    return x, y


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_graph_twenty_thousand_nodes_deep_pickles_and_copies(how, protocol):
    """Following _prev down used to overflow the stack within 200 nodes (100 for
    deepcopy).  Oracle: ∂y/∂x = FACTOR^n, the float product the forward pass
    computed node by node; the twin's graph holds its own x, n nodes below y."""
    n = 20_000 if protocol else 3_000
    x, y = chain(n)
    if how == "pickle":
        twin_x, twin = pickle.loads(pickle.dumps((x, y), protocol=protocol))
    else:
        twin_x, twin = copy.deepcopy((x, y))
    assert twin is not y and twin_x is not x
    twin.backward()
    assert twin.data.hex() == y.data.hex()
    assert twin_x.grad == pytest.approx(FACTOR ** n, rel=1e-9)
    assert x.grad == 0.0                          # the original graph is untouched
    node, depth = twin, 0
    while node._prev:
        node, depth = node._prev[0], depth + 1
    assert node is twin_x and depth == n


def test_nodes_of_one_graph_pickled_together_stay_one_graph():
    """A middle node and the top one pickled in either order: the loaded middle
    node is the very node inside the loaded top one's graph (pickle's memo), so a
    backward pass from the top reaches it."""
    x, mid = chain(500)
    top = (mid * 3.0).named("top")
    for pair in ((mid, top), (top, mid)):
        a, b = pickle.loads(pickle.dumps(pair))
        loaded_mid, loaded_top = (a, b) if pair[0] is mid else (b, a)
        assert loaded_top._prev[0] is loaded_mid
        loaded_top.backward()
        assert loaded_mid.grad == 3.0


def test_a_shallow_copy_of_a_derived_node_keeps_its_parents():
    x, y = chain(3)
    twin = copy.copy(y)
    assert twin is not y and twin._prev is y._prev and twin.data == y.data
    twin.backward()
    assert x.grad == pytest.approx(FACTOR ** 3, rel=1e-15)


class Refusing:
    """A hook that pickle and deepcopy cannot write: raises ``error`` when they try."""

    def __init__(self, error):
        self.error = error

    def __call__(self, grad):
        return None

    def __reduce__(self):
        raise self.error

    def __deepcopy__(self, memo):
        raise self.error


def below(node, steps):
    for _ in range(steps):
        node = node._prev[0]
    return node


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
@pytest.mark.parametrize("error", [TypeError("cannot be pickled"), KeyboardInterrupt()],
                         ids=["error", "ctrl-c"])
@pytest.mark.parametrize("steps", [2_000, 500], ids=["below the cut", "above the cut"])
def test_a_pickle_cut_short_leaves_nothing_behind_for_the_next(how, error, steps):
    """A pickle (or deepcopy) of a 4,000-deep chain stopped three quarters of the way
    up by a hook that cannot be written (an error, or Ctrl-C): once the hook is gone,
    the next one of a node of that graph (``steps`` below the top: one the cut-short
    pickle wrote, or one it had yet to write), then of the whole graph, round-trips.
    Oracle: ∂node/∂x = FACTOR^k for a node k multiplications above x.  (The
    cut-short plan was left behind: the node was written as if its parents were
    already, so pickling it recursed down the chain: RecursionError.)"""
    def twin(obj):
        return pickle.loads(pickle.dumps(obj)) if how == "pickle" else copy.deepcopy(obj)
    n = 4_000
    x, y = chain(n)
    handle = below(y, 1_000).register_hook(Refusing(error))
    with pytest.raises(type(error)):
        twin(y)
    handle.remove()
    node = below(y, steps)
    twin_node = twin(node)
    twin_node.backward()
    twin_x = below(twin_node, n - steps)
    assert twin_x is not x and not twin_x._prev
    assert twin_node.data.hex() == node.data.hex()
    assert twin_x.grad == pytest.approx(FACTOR ** (n - steps), rel=1e-9)
    twin_x, twin_y = twin((x, y))
    twin_y.backward()
    assert below(twin_y, n) is twin_x
    assert twin_x.grad == pytest.approx(FACTOR ** n, rel=1e-9)
    assert x.grad == 0.0


class TaggedValue(Value):
    """A learner's subclass of Value, with attributes of its own (a __dict__)."""


class SlottedValue(Value):
    """A learner's subclass of Value with slots of its own, one private (name-mangled)."""
    __slots__ = ("tag", "__secret")

    def secret(self):
        return self.__secret

    def hide(self, value):
        self.__secret = value


WAYS = ["copy", "deepcopy"] + [f"pickle {p}" for p in range(pickle.HIGHEST_PROTOCOL + 1)]


def copied_leaf(a, how):
    """(a's copy made ``how``, the root y = a·b it came with or None): copy.copy copies
    the leaf alone; deepcopy and pickle copy y = a·3 and its leaves."""
    y = a * Value(3.0, "b")
    if how == "copy":
        return copy.copy(a), None
    root = copy.deepcopy(y) if how == "deepcopy" else \
        pickle.loads(pickle.dumps(y, int(how.split()[1])))
    return root._prev[0], root


def assert_the_same_leaf(a, made, root):
    """Value's own slots kept, and the copy's graph differentiates apart from a's:
    the product rule by hand, ∂(a·b)/∂a = b = 3."""
    assert (made.data, made.name, made.kind) == (2.0, "a", "leaf")
    if root is not None:
        root.backward()
        assert (made.grad, a.grad) == (3.0, 0.0)


@pytest.mark.parametrize("how", WAYS)
def test_a_subclass_keeps_its_own_attributes(how):
    """A subclass of Value with its own attributes kept only the slots through copy and
    pickle (tag lost); now the attributes too.  Oracle: the values set, and the product
    rule by hand."""
    a = TaggedValue(2.0, "a")
    a.tag = "input"
    made, root = copied_leaf(a, how)
    assert type(made) is TaggedValue and made.tag == "input"
    assert_the_same_leaf(a, made, root)


@pytest.mark.parametrize("how", WAYS)
def test_a_subclass_keeps_its_own_slots(how):
    """A subclass of Value with __slots__ of its own lost them through copy and pickle
    (only Value's slots were kept: made.tag raised AttributeError).  Oracle: the values
    set, and the product rule by hand."""
    a = SlottedValue(2.0, "a")
    a.tag = "input"
    a.hide([1, 2])
    made, root = copied_leaf(a, how)
    assert type(made) is SlottedValue and made.tag == "input" and made.secret() == [1, 2]
    assert_the_same_leaf(a, made, root)

"""The second half of the micrograd lecture, a learner's own code, run on chainrule Values.

The learner's Neuron, Layer and MLP are written here in the lecture's style (weights
``Value(random.uniform(-1, 1))``, ``sum(wi*xi ..., self.b).tanh()``), trained on the
lecture's four samples with ``p.grad = 0.0``, ``loss.backward()`` and
``p.data += -lr * p.grad``; and micrograd's constructor and its second backward() pass
as a learner meets them.
"""

import math
import random

import pytest

from autograd import Value


# -- the learner's network, in the lecture's style ----------------------------------------

class Neuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]


def lecture_loss(n):
    ypred = [n(x) for x in xs]
    return sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))


def float_loss(n, numbers):
    """The same loss in plain floats, the parameters in ``n.parameters()`` order."""
    it = iter(numbers)
    layers = [[([next(it) for _ in neuron.w], next(it)) for neuron in layer.neurons]
              for layer in n.layers]
    total = 0.0
    for x, y in zip(xs, ys):
        a = x
        for layer in layers:
            a = [math.tanh(b + sum(w * ai for w, ai in zip(ws, a))) for ws, b in layer]
        total += (a[0] - y) ** 2
    return total


@pytest.mark.parametrize("lr", [0.05, 0.1])
def test_the_lectures_mlp_trains_with_finite_difference_gradients(lr):
    """MLP(3, [4, 4, 1]), 20 steps of the lecture's loop.  Oracle: each step's gradient
    of every one of the 41 parameters is the central finite difference (h = 1e-6) of the
    loss recomputed in plain floats; the loss falls (a first-order step of a small enough
    lr lowers it), below a tenth of where it started."""
    random.seed(1337)
    n = MLP(3, [4, 4, 1])
    losses = []
    for k in range(20):
        loss = lecture_loss(n)
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        params = n.parameters()
        numbers = [p.data for p in params]
        assert float_loss(n, numbers) == pytest.approx(loss.data, rel=1e-12)
        if k in (0, 19):
            h = 1e-6
            for i, p in enumerate(params):
                up, down = list(numbers), list(numbers)
                up[i] += h
                down[i] -= h
                fd = (float_loss(n, up) - float_loss(n, down)) / (2 * h)
                assert p.grad == pytest.approx(fd, abs=1e-7), i
        for p in params:
            p.data += -lr * p.grad
        losses.append(loss.data)
    assert len(n.parameters()) == 41
    assert losses[-1] < losses[0] / 10
    assert all(isinstance(p.grad, float) for p in n.parameters())


def test_int_zero_grad_and_a_hand_set_root_grad():
    """``p.grad = 0`` (an int) and ``loss.grad = 1.0`` set before backward(), as learners
    write them.  Oracle, by hand: o = tanh(w·2 + b) at w = 0.5, b = -0.5, so
    ∂o/∂w = 2(1 − tanh²(0.5)), a float; the root's own 1.0 is not added twice."""
    w, b = Value(0.5), Value(-0.5)
    o = (w * 2 + b).tanh()
    w.grad = 0
    b.grad = 0
    o.grad = 1.0
    o.backward()
    assert w.grad == pytest.approx(2 * (1 - math.tanh(0.5) ** 2), rel=1e-15)
    assert type(w.grad) is float and o.grad == 1.0


# -- micrograd's constructor ----------------------------------------------------------------

def test_micrographs_positional_constructor_makes_a_leaf():
    """micrograd's ``Value(data, _children=(), _op='', label='')``, positional as its ops
    call it: with no children and no op it is a leaf, as there (oracle: micrograd's
    source, where such a Value has an empty _prev and _op)."""
    a = Value(2.0, (), '', 'a')
    assert (a.data, a.label, a._op, a._prev, a.kind) == (2.0, "a", "", (), "leaf")
    b = Value(-3.0, ())
    assert (b.label, b._prev, b.kind) == ("", (), "leaf")
    assert Value(1.5, (), label="c").label == "c"
    e = a * b
    e.backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)


@pytest.mark.parametrize("make, text", [
    (lambda a, b: Value(6.0, (a, b), '*'),
     "Value(6.0, ('a' = 2.0, 'b' = 3.0), '*'): chainrule records"),
    (lambda a, b: Value(6.0, (a,)), "Value(6.0, ('a' = 2.0), ''): chainrule records"),
    (lambda a, b: Value(6.0, (), 'tanh'), "Value(6.0, (), 'tanh'): chainrule records"),
])
def test_micrographs_hand_made_node_is_refused_in_one_line(make, text):
    """A node made by hand, as micrograd's own ops make theirs (``Value(t, (self,),
    'tanh')``), would have parents no rule of chainrule's knows: refused in one line that
    names the children and the op, and the graph it names is as it was."""
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = a * b
    y.backward()
    with pytest.raises(TypeError) as caught:
        make(a, b)
    message = str(caught.value)
    assert message.startswith(text) and "\n" not in message
    assert "a * b" in message and "adding-an-op" in message
    assert (a.grad, b.grad, y.grad, y._prev) == (3.0, 2.0, 1.0, (a, b))


def test_micrographs_keywords_are_pythons_one_line_error():
    """``Value(2.0, _children=(), _op='')``: accepting the keywords would slow every
    Value() (keyword defaults are filled on each call: ~15 ns measured), so Python's own
    one-line TypeError names the keyword; a leaf needs neither (leave them out)."""
    for keywords in ({"_children": ()}, {"_op": ""}):
        with pytest.raises(TypeError, match=rf"unexpected keyword argument "
                                            rf"'{next(iter(keywords))}'$"):
            Value(2.0, **keywords)


def test_too_many_positional_arguments_say_what_value_takes():
    """Value(1.0, 'x', 'y') (a name, then something more) and five positional arguments:
    one line saying what Value takes and how many it got."""
    for make, got in ((lambda: Value(1.0, "x", "y"), 3),
                      (lambda: Value(2.0, (), "", "a", "b"), 5)):
        with pytest.raises(TypeError, match=rf"^Value\(\) takes data and a name, or "
                                            rf"micrograd's data, _children, _op, label: got "
                                            rf"{got} positional arguments$"):
            make()


# -- two backward() passes without zeroing ---------------------------------------------------

def micrograd_backward_twice():
    """micrograd's backward() as its source has it: ``self.grad = 1`` then each node's
    ``_backward()`` (``child.grad += local · node.grad``) in reverse topological order,
    grads never reset: L = (a·b)·f at a=2, b=-3, f=-2, twice.  By hand: pass 1 leaves
    d.grad = f = -2, a.grad = b·d.grad = 6; pass 2 adds f again, d.grad = -4, and then
    b·(-4) = 12 into a: 18."""
    a, b, f = 2.0, -3.0, -2.0
    grads = dict(a=0.0, b=0.0, f=0.0, d=0.0, L=0.0)
    d = a * b
    for _ in range(2):
        grads["L"] = 1.0
        grads["d"] += f * grads["L"]
        grads["f"] += d * grads["L"]
        grads["a"] += b * grads["d"]
        grads["b"] += a * grads["d"]
    return grads


def test_backward_twice_accumulates_leaves_as_pytorch_not_as_micrograd():
    """Two passes without zeroing.  Oracle, by hand: ∂L/∂a = b·f = 6, so the leaves hold
    twice one pass's gradients (PyTorch's rule), and the derived d holds ∂L/∂d = f = -2
    once; micrograd's loop (written out above from its source) gives a 18 and d -4, as
    docs/engine.md says."""
    a, b, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(-2.0, label="f")
    d = a * b
    L = d * f
    L.backward()
    L.backward()
    assert (a.grad, b.grad, f.grad, d.grad) == (12.0, -8.0, -12.0, -2.0)
    theirs = micrograd_backward_twice()
    assert (theirs["a"], theirs["d"]) == (18.0, -4.0)


def test_micrograd_itself_backward_twice():
    """The same two passes in micrograd 0.1.0 itself, where installed (oracle: micrograd):
    its a.grad is 18 and d.grad -4, the hand-written loop's numbers."""
    engine = pytest.importorskip("micrograd.engine")
    a, b, f = engine.Value(2.0), engine.Value(-3.0), engine.Value(-2.0)
    d = a * b
    L = d * f
    L.backward()
    L.backward()
    assert (a.grad, d.grad) == (18.0, -4.0)
    x = engine.Value(3.0)
    y = x * x
    y.backward()
    y.backward()
    ours = Value(3.0)
    z = ours * ours
    z.backward()
    z.backward()
    assert x.grad == ours.grad == 12.0


def test_stepping_after_backward_says_what_each_leaf_held():
    """The lecture's neuron o = tanh(x1·w1 + x2·w2 + b) (x1=2, w1=-3, x2=0, w2=1,
    b=6.8813735870195432), backward() and then backward_steps(), as a learner does to see
    the steps.  Oracle, by hand: n = atanh(1/√2), ∂o/∂n = 1 − tanh²(n) = 0.5, ∂o/∂w1 =
    x1·0.5 = 1 and ∂o/∂x1 = w1·0.5 = -1.5 per pass.  The steps said "w1.grad now 1" while
    w1.grad ended at 2; the last line of each leaf now says what is added to it."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    lines = [line for step in o.backward_steps() for line in step.lines()]
    w1_line = [line for line in lines if line.startswith("w1.grad")]
    x1_line = [line for line in lines if line.startswith("x1.grad")]
    assert w1_line == ["w1.grad += x1 * t1.grad = 2 * 0.5 = 1  (w1.grad now 1; the 1 it "
                       "held before this pass is added as the pass ends)"]
    assert x1_line[0].endswith("(x1.grad now -1.5; the -1.5 it held before this pass is "
                               "added as the pass ends)")
    assert w1.grad == pytest.approx(2.0, abs=1e-12) and x1.grad == pytest.approx(-3.0, abs=1e-12)
    fresh = [line for step in (x1 * 1.0).backward_steps() for line in step.lines()]
    assert fresh == ["x1.grad += 1 * t1.grad = 1 * 1 = 1  (x1.grad now 1; the -3 it held "
                     "before this pass is added as the pass ends)"]


def trace(root):
    """The lecture's trace(): every node reachable through ``_prev``."""
    nodes, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            stack.extend(v._prev)
    return nodes


def test_drawing_the_learners_unnamed_loss_names_it_readably():
    """draw() of the whole batch's loss is refused as too large, and a highlight from
    elsewhere as not in the graph; both called the unnamed root '<add 0.05354>', the
    engine's shorthand.  Oracle for the count: the lecture's own trace() over _prev."""
    pytest.importorskip("graphviz")
    import autograd
    from autograd.draw import GraphTooLarge

    random.seed(1337)
    n = MLP(3, [4, 4, 1])
    loss = lecture_loss(n)
    count = len(trace(loss))
    with pytest.raises(GraphTooLarge) as caught:
        autograd.draw(loss)
    assert str(caught.value).startswith(f"draw: the graph of an unnamed add node = "
                                        f"{loss.data!r} has {count} nodes, more than "
                                        f"max_nodes=300;")
    o = n(xs[0])
    with pytest.raises(ValueError) as caught:
        autograd.draw(o, highlight=Value(1.0))
    assert str(caught.value) == (f"draw: highlight an unnamed value = 1.0 is not in the graph "
                                 f"of an unnamed tanh node = {o.data!r}")
    assert "<" not in str(caught.value)


@pytest.mark.parametrize("children", [[], set(), frozenset()], ids=["list", "set", "frozenset"])
def test_micrographs_empty_children_of_any_collection_make_a_leaf(children):
    """micrograd's constructor keeps ``set(_children)`` (its engine.py), so an empty list
    or set is a leaf there as () is: here too, named by its label; non-empty ones are
    refused as a tuple of children is (by hand: the leaf holds the number given)."""
    v = Value(1.5, children, "", "a")
    assert (v.data, v.name, v.label, v._op, v.is_leaf, v.parents) == (1.5, "a", "a", "", True, ())
    a = Value(2.0, label="a")
    with pytest.raises(TypeError, match=r"^Value\(1\.5, \('a' = 2\.0\), ''\): chainrule records"):
        Value(1.5, type(children)([a]), "")


@pytest.mark.parametrize("children", [None, 5])
def test_micrographs_children_that_are_no_collection_are_named(children):
    """Value(1.0, None, None): the second of micrograd's four arguments is its _children,
    so the one-line error names it and what it was (not the count, which is micrograd's)."""
    with pytest.raises(TypeError) as caught:
        Value(1.0, children, None)
    assert str(caught.value) == (f"Value() got micrograd's _children as "
                                 f"{type(children).__name__} {children!r}: a tuple of "
                                 f"Values (() for a leaf)")


def test_the_lectures_inspection_of_one_weight_reads_an_nn_network():
    """The lecture reads one weight as n.layers[0].neurons[0].w[0].grad (and .data, and a
    neuron's .b); on nn.MLP that raised AttributeError: 'Neuron' object has no attribute
    'w'.  nn's Neuron takes micrograd's w and b as its weights and bias.  By hand, for a
    1-1-1 tanh network and L = (a³ - y)²: ∂L/∂w²₁₁ = 2(a³ - y)(1 - a³²)·w³₁₁·(1 - a²²)·x
    and ∂L/∂b³₁ = 2(a³ - y)(1 - a³²)."""
    import nn
    net = nn.MLP([1, 1, 1], activation="tanh", weights=[[[0.5]], [[-1.5]]],
                 biases=[[0.1], [0.2]])
    x, y = 2.0, 1.0
    [out] = net([x])
    L = (out - y) ** 2
    L.backward()
    a2 = math.tanh(0.5 * x + 0.1)
    a3 = math.tanh(-1.5 * a2 + 0.2)
    first = net.layers[0].neurons[0]
    assert first.w[0] is first.weights[0] and first.w[0].data == 0.5
    assert math.isclose(first.w[0].grad, 2 * (a3 - y) * (1 - a3 ** 2) * -1.5 * (1 - a2 ** 2) * x,
                        rel_tol=1e-12)
    last = net.layers[1].neurons[0]
    assert last.b is last.bias
    assert math.isclose(last.b.grad, 2 * (a3 - y) * (1 - a3 ** 2), rel_tol=1e-12)
    with pytest.raises(AttributeError, match="its w cannot be replaced"):
        first.w = [Value(0.0)]
    assert first.w[0].data == 0.5 and first.w[0] in net.parameters()

"""The jit calls an unnamed node by the label explain, check, the steps and the
pictures give it (:class:`autograd.notation.Labels`): checked by running the
generated code and comparing each labelled local with the eager graph's node."""

import random
import re
import sys

import pytest

import autograd
from autograd import Value
from autograd.graph import all_nodes
from autograd.jit import jit
from autograd.notation import Labels

SHORT = re.compile(r"\b(?:t|leaf)\d+\b")


def generated_locals(step, args):
    """The generated function's local variables when it returns, for ``args``."""
    program = step.program()
    seen = {}

    def watch(frame, event, arg):
        if frame.f_code.co_filename != program.filename:
            return None

        def on_return(frame, event, arg):
            if event == "return":
                seen.update(frame.f_locals)
            return on_return
        return on_return

    previous = sys.gettrace()
    sys.settrace(watch)
    try:
        program.function(*args)
    finally:
        sys.settrace(previous)
    for p in program.parameters:
        p.grad = 0.0
    return seen


def eager_labelled(fn, names, args, parameters):
    """``{label: (value, ∂root/∂node)}`` over the eager graph of ``fn`` (inputs
    named as the jit names its placeholders), labelled by ``Labels(root)``."""
    for p in parameters:
        p.grad = 0.0
    root = fn(*(Value(x, name=n) for x, n in zip(args, names)))
    root.backward()
    labels = Labels(root)
    found = {labels(node): (node.data, float(node.grad)) for node in all_nodes(root)
             if node._opr is not autograd.ops.CONSTANT}
    for p in parameters:
        p.grad = 0.0
    return found


def short_labels_in_comments(source):
    found = set()
    for line in source.splitlines():
        code, sep, comment = line.partition("  # ")
        if sep:
            found.update(SHORT.findall(comment))
    return found


def assert_labels_agree(fn, names, *points):
    """Every t<k>/leaf<k> a comment of the generated code mentions is the node
    Labels(root) calls so: the local of that name holds the eager node's value
    and its gradient, bit for bit, at each point."""
    step = jit(fn)
    step(*points[0])
    mentioned = short_labels_in_comments(step.source)
    assert mentioned, step.source
    for args in points:
        nodes = eager_labelled(fn, names, args, step.parameters)
        local = generated_locals(step, args)
        assert mentioned <= set(nodes), sorted(mentioned - set(nodes))
        for label in sorted(mentioned):
            value, grad = nodes[label]
            assert local[label].hex() == value.hex(), (label, args)
            assert local["g_" + label].hex() == grad.hex(), (label, args)
    return step


def test_micrograd_expression_uses_the_labels_of_explain():
    a, b = Value(-4.0), Value(2.0)        # unnamed, as micrograd's README writes them

    def expression(x):
        c = a + b * x
        d = a * b + b ** 3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
        e = c - d
        f = e ** 2
        g = f / 2.0
        return g + 10.0 / f

    step = assert_labels_agree(expression, ["x"], (1.0,), (-0.75,))
    mentioned = short_labels_in_comments(step.source)
    assert {"leaf1", "leaf2"} <= mentioned and len([m for m in mentioned if m[0] == "t"]) > 20


def test_unnamed_2_3_1_network_loss_uses_the_labels_of_explain():
    rng = random.Random(231)
    W1 = [[Value(rng.uniform(-1, 1)) for _ in range(2)] for _ in range(3)]
    B1 = [Value(rng.uniform(-0.5, 0.5)) for _ in range(3)]
    W2 = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    b2 = Value(rng.uniform(-0.5, 0.5))

    def loss(x1, x2, y):
        h = [(w1 * x1 + w2 * x2 + b).sigmoid() for (w1, w2), b in zip(W1, B1)]
        out = (W2[0] * h[0] + W2[1] * h[1] + W2[2] * h[2] + b2).sigmoid()
        return 0.5 * (y - out) ** 2

    assert_labels_agree(loss, ["x1", "x2", "y"], (0.5, -1.0, 1.0), (2.0, 0.25, 0.0))


def test_nn_mlp_loss_and_a_node_named_like_a_short_label():
    nn = pytest.importorskip("nn")
    net = nn.MLP([2, 3, 1], seed=3)

    def loss(x1, x2, y):
        out = net([x1, x2])
        out = out[0] if isinstance(out, list) else out
        return ((out - y) ** 2).named("t2")       # a user's name the numbering skips

    step = assert_labels_agree(loss, ["x1", "x2", "y"], (0.3, 0.9, 1.0), (-1.0, 0.5, 0.0))
    assert "return t2\n" in step.source


def test_a_node_computed_under_no_grad_keeps_its_label():
    def detached(x):
        t = x * 2.0
        with autograd.no_grad():
            s = (t * 3.0).exp()          # reached as a leaf: Labels(root) calls it leaf1
        return t * s + x

    step = jit(detached)
    step(0.3)
    root = step._graphs[1].root
    labels = Labels(root)
    assert "leaf1 = exp(" in step.source
    (leaf,) = [n for n in all_nodes(root) if not n._prev and n.name is None and n.data != 2.0]
    assert labels(leaf) == "leaf1"
    assert generated_locals(step, (0.3,))["leaf1"].hex() == leaf.data.hex()


def test_a_constant_named_like_a_short_label_is_skipped_as_labels_skips_it():
    half = Value(0.5, name="t1", kind="constant")
    w, b = Value(0.8), Value(-0.1)

    def f(x):
        return ((w * x + b).tanh() * half - x) ** 2

    step = assert_labels_agree(f, ["x"], (1.5,), (-0.5,))
    assert "t1" not in short_labels_in_comments(step.source)
    assert "t2 = leaf1 * x  # mul" in step.source


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_inputs_and_parameters_named_like_the_generated_code_s_own_names(backend):
    """A node may be called m, X, np, check, float, map, zip or tuple: names the
    generated code reads (numpy's m = X.shape[0], the wide rows' tuple(zip(...))).
    They were taken as they are, so the numpy backend gave a wrong sum for a parameter
    m and crashed for np or X, and a wide row crashed on an input named tuple.
    Oracle by hand: f = tanh(m·Σ w_i x_i), ∂f/∂m = (1 − f²)·Σ w_i x_i."""
    import math
    if backend == "numpy":
        pytest.importorskip("numpy")
    clashing = ["m", "X", "np", "check", "float", "map", "zip", "tuple", "np_pow"]
    n = 40                                     # wide enough for the Python backend's rows
    names = clashing + [f"x{i}" for i in range(len(clashing), n)]
    ws = [Value(0.001 * i, name=f"w{i}") for i in range(n)]
    m = Value(0.5, name="m")
    xs = [0.01 * i for i in range(n)]
    f = jit(lambda *x: (m * autograd.dot(ws, list(x))).tanh(), input_names=names,
            backend=backend)
    s = sum(w.data * x for w, x in zip(ws, xs))
    out = math.tanh(0.5 * s)
    assert f.batch([xs, xs]) == pytest.approx(2 * out, rel=1e-12)
    assert m.grad == pytest.approx(2 * (1 - out ** 2) * s, rel=1e-12)
    value, grads = f(*xs, input_grads=True)
    assert value == pytest.approx(out, rel=1e-12)
    assert grads == pytest.approx([(1 - out ** 2) * 0.5 * w.data for w in ws], rel=1e-12)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_name_in_another_alphabet_or_in_scripts_is_kept_readable(backend):
    """Every non-ASCII character became '_': α was v__, δ3 v__3, w³₁₂ w___ and x₁ x_,
    though the docs say each local is named after its node and only a name that is
    not an identifier is respelled.  Now α and δ3 stay, w³₁₂ is w3_12 (as the answers
    read it), x₁ is x1 (what Python makes of it, NFKC), which the plain x1 then does
    not share; é precomposed and decomposed, one identifier to Python, are two locals.
    Oracle by hand: f = α·x + δ3·w³₁₂ + x₁·x1 + é₁·é₂, whose gradients are the other
    factor of each product."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    names = ["α", "δ3", "w³₁₂", "x₁", "x1", "\u00e9", "e\u0301"]
    numbers = [0.5, -1.5, 2.0, 3.0, -0.25, 1.25, 4.0]
    params = [Value(v, name=n, kind="parameter") for n, v in zip(names, numbers)]
    a, d, w, x1s, x1, e1, e2 = params
    f = jit(lambda x: a * x + d * w + x1s * x1 + e1 * e2, name="f", backend=backend)
    total = f.batch([(2.0,)]) if backend == "numpy" else f(2.0)
    assert total == 0.5 * 2.0 + -1.5 * 2.0 + 3.0 * -0.25 + 1.25 * 4.0
    assert [p.grad for p in params] == [2.0, 2.0, -1.5, -0.25, 3.0, 4.0, 1.25]
    source = f.program("numpy" if backend == "numpy" else "step").source
    for local in ("α = p_α.data", "δ3 = p_δ3.data", "w3_12 = p_w3_12.data", "x1 = p_x1.data",
                  "x1__2 = p_x1__2.data"):
        assert local in source, local

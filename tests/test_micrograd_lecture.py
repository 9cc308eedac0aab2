"""The micrograd lecture's own helpers run unchanged on chainrule Values.

A learner arriving with "The spelled-out intro to neural networks and backpropagation"
has a ``trace``/``draw_dot`` pair that walks ``v._prev`` and draws one record per Value
and, for a node with a truthy ``v._op``, an op node named ``uid + v._op``; and a
``build_topo`` that recurses over ``_prev`` before calling ``_backward()`` by hand.
They are written here in the lecture's style, as a learner would have them.
"""

import re
import shutil

import pytest

graphviz = pytest.importorskip("graphviz")

from autograd import Value, ops  # noqa: E402


# -- the learner's helpers, in the lecture's style ---------------------------------------

def trace(root):
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    return nodes, edges


def draw_dot(root):
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        label = "{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad)  # noqa: UP031 (the lecture's)
        dot.node(name=uid, label=label, shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def build_topo(root):
    topo, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)
    build(root)
    return topo


# -- reading the picture back -------------------------------------------------------------

_NAME = r'(?:"((?:[^"\\]|\\.)*)"|([^\s\]"]+))'    # quoted, or a bare ID
_NODE = re.compile(rf"^\t{_NAME} \[label={_NAME}")
_EDGE = re.compile(rf"^\t{_NAME} -> {_NAME}")


def _name(quoted, bare):
    return bare if bare is not None else quoted


def picture(dot):
    """{node name: label} and the set of edges (tail, head) of a Digraph's source."""
    nodes, edges = {}, set()
    for line in dot.source.splitlines():
        edge = _EDGE.match(line)
        if edge:
            edges.add((_name(*edge.group(1, 2)), _name(*edge.group(3, 4))))
            continue
        node = _NODE.match(line)
        if node:
            nodes[_name(*node.group(1, 2))] = _name(*node.group(3, 4))
    return nodes, edges


def lecture_graph():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b; e.label = "e"      # noqa: E702  (the lecture's spelling)
    d = e + c; d.label = "d"      # noqa: E702
    f = Value(-2.0, label="f")
    L = d * f; L.label = "L"      # noqa: E702
    return L, dict(a=a, b=b, c=c, e=e, d=d, f=f, L=L)


def test_draw_dot_of_the_lectures_first_graph():
    """L = (a·b + c)·f at a=2, b=-3, c=10, f=-2.  Oracle, by hand: ∂L/∂d = f = -2,
    ∂L/∂f = d = 4, ∂L/∂c = ∂L/∂e = ∂L/∂d = -2, ∂L/∂a = -2·b = 6, ∂L/∂b = -2·a = -4.
    The picture has one record per Value and one op node per computed Value ('*', '+',
    '*' as micrograd writes them), none for the four leaves."""
    L, v = lecture_graph()
    L.backward()
    want = dict(a=6.0, b=-4.0, c=-2.0, e=-2.0, d=-2.0, f=4.0, L=1.0)
    assert {k: n.grad for k, n in v.items()} == want

    nodes, edges = picture(draw_dot(L))
    uid = {k: str(id(n)) for k, n in v.items()}
    records = {uid[k]: f"{{ {k} | data {v[k].data:.4f} | grad {want[k]:.4f} }}" for k in v}
    op_nodes = {uid["e"] + "*": "*", uid["d"] + "+": "+", uid["L"] + "*": "*"}
    assert nodes == {**records, **op_nodes}
    assert records[uid["a"]] == "{ a | data 2.0000 | grad 6.0000 }"
    assert edges == {
        (uid["e"] + "*", uid["e"]), (uid["d"] + "+", uid["d"]), (uid["L"] + "*", uid["L"]),
        (uid["a"], uid["e"] + "*"), (uid["b"], uid["e"] + "*"),
        (uid["e"], uid["d"] + "+"), (uid["c"], uid["d"] + "+"),
        (uid["d"], uid["L"] + "*"), (uid["f"], uid["L"] + "*"),
    }


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_lectures_picture_renders(tmp_path):
    """Graphviz's dot turns the learner's Digraph into a PNG (oracle: the PNG signature,
    and dot accepting the source at all)."""
    L, _ = lecture_graph()
    L.backward()
    path = draw_dot(L).render(tmp_path / "lecture", format="png")
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def neuron():
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1; x1w1.label = "x1*w1"                          # noqa: E702
    x2w2 = x2 * w2; x2w2.label = "x2*w2"                          # noqa: E702
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = "x1*w1 + x2*w2"      # noqa: E702
    n = x1w1x2w2 + b; n.label = "n"                               # noqa: E702
    o = n.tanh(); o.label = "o"                                   # noqa: E702
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, n=n, o=o)


def test_the_lectures_neuron_backpropagated_by_hand_and_drawn():
    """o = tanh(x1·w1 + x2·w2 + b); o.grad = 1, then _backward() on every node of the
    lecture's build_topo, in reverse.  Oracle, by hand: n = 0.8813735870195432 =
    atanh(1/√2), so ∂o/∂n = 1 − tanh(n)² = 0.5 and x1.grad = w1·0.5 = -1.5,
    w1.grad = x1·0.5 = 1.0, x2.grad = w2·0.5 = 0.5, w2.grad = x2·0.5 = 0.0."""
    o, v = neuron()
    topo = build_topo(o)
    assert topo[-1] is o and len(topo) == 10
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    assert v["n"].grad == pytest.approx(0.5, abs=1e-6)
    got = {k: v[k].grad for k in ("x1", "w1", "x2", "w2", "b")}
    assert got == pytest.approx(dict(x1=-1.5, w1=1.0, x2=0.5, w2=0.0, b=0.5), abs=1e-6)

    nodes, edges = picture(draw_dot(o))
    assert sorted(label for name, label in nodes.items() if not label.startswith("{")) == \
        ["*", "*", "+", "+", "tanh"]
    assert nodes[str(id(o))] == "{ o | data 0.7071 | grad 1.0000 }"
    assert (str(id(v["n"])), str(id(o)) + "tanh") in edges


def test_the_lectures_tanh_written_out_draws_unnamed_nodes_blank():
    """The lecture's o = (e − 1)/(e + 1) with e = exp(2n) leaves the constants and the
    inner nodes unlabelled: micrograd's label is then '', so a record reads '{  | data'
    and never 'None'.  Oracle, by hand: the same ∂o/∂n = 1 − tanh(n)² = 0.5, so
    ∂o/∂(2n) = 0.25 and the constant 2 gets ∂o/∂2 = 0.25·n = 0.2203."""
    n = Value(0.8813735870195432, label="n")
    e = (2 * n).exp(); e.label = "e"        # noqa: E702
    o = (e - 1) / (e + 1); o.label = "o"    # noqa: E702
    o.backward()
    assert n.grad == pytest.approx(0.5, abs=1e-12)
    nodes, _ = picture(draw_dot(o))
    assert not any("None" in label for label in nodes.values())
    assert f"{{  | data 2.0000 | grad {0.25 * n.data:.4f} }}" in nodes.values()   # the 2
    assert sorted(label for label in nodes.values() if not label.startswith("{")) == \
        ["*", "+", "-", "/", "exp"]


def test_op_is_micrograds_text_and_op_the_record():
    """``_op`` spells each op as micrograd's engine does ('+', '*', f'**{other}', 'ReLU',
    and the lecture's 'tanh', 'exp'), '' for every kind of leaf (oracle: micrograd's
    source); ``op`` stays chainrule's record, and ``_op`` cannot be assigned."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    want = {a + b: "+", a * b: "*", a ** 2: "**2", a ** -1: "**-1", a ** 0.5: "**0.5",
            a.relu(): "ReLU", a.tanh(): "tanh", a.exp(): "exp",
            a - b: "-", a / b: "/", a.sigmoid(): "sigmoid", a ** b: "**"}
    assert {n: n._op for n in want} == want
    for leaf in (a, Value(1.0, kind="parameter"), Value(1.0, kind="constant"), (a * 3)._prev[1]):
        assert leaf._op == ""
    assert (a * b).op is ops.MUL and a.op is ops.LEAF
    assert repr(a * b) == "Value(data=-6.0, grad=0.0, op='mul')"
    with pytest.raises(AttributeError):
        (a * b)._op = "+"


def test_op_matches_micrograds_own_values():
    """The same expressions in micrograd 0.1.0 itself give the same ``_op`` texts
    (oracle: micrograd, where installed)."""
    micrograd = pytest.importorskip("micrograd.engine")
    theirs, ours = micrograd.Value(2.0), Value(2.0)
    for build in (lambda x: x + 3, lambda x: x * 3, lambda x: x ** 2, lambda x: x ** -1,
                  lambda x: x ** 0.5, lambda x: x.relu(), lambda x: x):
        assert build(ours)._op == build(theirs)._op

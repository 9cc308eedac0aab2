"""autograd.draw: the DOT text of known graphs, real renders, and a missing ``dot``.

Oracles: node and edge counts counted by hand from the expressions, the
sigmoid derivative s(x)(1 - s(x)) evaluated with math, and the published
Desmos value of seed 003 (dO/dw1 = 0.0014291881022).
"""

import html as html_module
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, dot
from autograd.draw import GraphTooLarge, draw, render_graph, textbook_name
import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="the Graphviz dot program is not installed")

DESMOS_DO_DW1 = 0.0014291881022


# ---------------------------------------------------------------------------
# Reading the DOT text back
# ---------------------------------------------------------------------------

_NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")
_EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
_QUOTED = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(source):
    """nodes {id: (html label or text label, attrs)}, edges [(src, dst, attrs)], clusters."""
    nodes, edges, clusters, stack = {}, [], {}, []
    for line in source.splitlines():
        opening = re.match(r"^\s*subgraph (\w+) \{$", line)
        if opening:
            stack.append(opening.group(1))
            clusters[opening.group(1)] = set()
            continue
        if line.strip() == "}" and stack:
            stack.pop()
            continue
        edge = _EDGE.match(line)
        if edge:
            edges.append((edge.group(1), edge.group(2), dict(_QUOTED.findall(edge.group(3) or ""))))
            continue
        node = _NODE.match(line)
        if node and node.group(1) not in ("graph", "node", "edge"):
            body = node.group(2)
            html = re.match(r"label=<(.*)> shape=", body)
            label = html.group(1) if html else dict(_QUOTED.findall(body)).get("label")
            nodes[node.group(1)] = (label, body)
            for name in stack:
                clusters[name].add(node.group(1))
    return nodes, edges, clusters


def record_ids(nodes):
    """Value record ids by the bold name in their first cell."""
    named = {}
    for node_id, (label, _) in nodes.items():
        found = re.search(r"<B>(.*?)</B>", label or "")
        if found and node_id != "legend":
            named[found.group(1)] = node_id
    return named


def value_edges(edges):
    """parent record -> child record pairs (the edge into the child's op node)."""
    return [(src, dst[:-3], attrs) for src, dst, attrs in edges if dst.endswith("_op")]


def s(x):
    return 1.0 / (1.0 + math.exp(-x))


def d(x):
    return s(x) * (1.0 - s(x))


def seed003(weight=0.5, I=1.0):
    """Seed 003: O = s(s(s(I w1+1) w2+1) w4 + s(s(I w1+1) w3+1) w5 + 1), every node named
    except the bias constants; h1 is one node on both paths."""
    I = Value(I, name="I")
    w1, w2, w3, w4, w5 = (Value(weight, name=f"w{i}", kind="parameter") for i in range(1, 6))
    u1 = (I * w1).named("u1")
    net1 = (u1 + 1).named("net1")
    h1 = net1.sigmoid().named("h1")
    u2 = (h1 * w2).named("u2")
    net2 = (u2 + 1).named("net2")
    h2 = net2.sigmoid().named("h2")
    u3 = (h1 * w3).named("u3")
    net3 = (u3 + 1).named("net3")
    h3 = net3.sigmoid().named("h3")
    u4 = (h2 * w4).named("u4")
    u5 = (h3 * w5).named("u5")
    s45 = (u4 + u5).named("s45")
    net4 = (s45 + 1).named("net4")
    O = net4.sigmoid().named("O")
    O.backward()
    return O, locals()


# ---------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------

def test_seed003_counts_nodes_and_edges():
    O, n = seed003()
    nodes, edges, _ = parse(draw(O).source)
    records = [i for i in nodes if re.fullmatch(r"v\d+", i)]
    ops_ = [i for i in nodes if i.endswith("_op")]
    # 6 named leaves (I, w1..w5) + 4 constants "1" + 14 derived nodes
    assert len(records) == 24
    assert len(ops_) == 14
    assert "legend" in nodes
    # 10 binary ops (5 ×, 5 +) and 4 σ: 24 parent edges, plus one op -> record edge per op
    assert len(value_edges(edges)) == 24
    assert len(edges) == 24 + 14


def test_a_times_a_gives_two_edges_with_local_derivative_a():
    a = Value(3.0, name="a")
    y = a * a
    y.backward()
    nodes, edges, _ = parse(draw(y).source)
    a_id = record_ids(nodes)["a"]
    into_mul = [e for e in value_edges(edges) if e[0] == a_id]
    assert len(into_mul) == 2
    # ∂(a·a)/∂(first a) = second a = 3, and the same for the second
    assert [e[2]["label"] for e in into_mul] == ["3", "3"]
    assert nodes[a_id][0].count("grad 6") == 1  # dy/da = 2a


def test_shared_node_has_one_record_and_two_outgoing_edges():
    O, n = seed003()
    nodes, edges, _ = parse(draw(O).source)
    ids = record_ids(nodes)
    assert sum(1 for label, _ in nodes.values() if label and "<B>h1</B>" in label) == 1
    children = sorted(dst for src, dst, _ in value_edges(edges) if src == ids["h1"])
    assert children == sorted([ids["u2"], ids["u3"]])


def test_records_carry_data_and_grad_from_the_hand_formulas():
    O, n = seed003()
    nodes, _, _ = parse(draw(O).source)
    ids = record_ids(nodes)
    net1 = 1 * 0.5 + 1
    h1 = s(net1)
    net2 = h1 * 0.5 + 1
    net4 = 2 * s(net2) * 0.5 + 1
    assert f"data {s(net4):.4g}" in nodes[ids["O"]][0]
    assert "grad 1<" in nodes[ids["O"]][0]
    assert f"data {h1:.4g}" in nodes[ids["h1"]][0]
    assert f"grad {DESMOS_DO_DW1:.4g}" in nodes[ids["w1"]][0]
    # dO/dw2 = d(net4)·w4·d(net2)·h1 by hand
    assert f"grad {d(net4) * 0.5 * d(net2) * h1:.4g}" in nodes[ids["w2"]][0]


def test_digits_option_gives_more_digits():
    O, n = seed003()
    nodes, _, _ = parse(draw(O, digits=10).source)
    assert f"grad {DESMOS_DO_DW1:.10g}" in nodes[record_ids(nodes)["w1"]][0]
    assert "grad 0.001429188102" in nodes[record_ids(nodes)["w1"]][0]


def test_edge_labels_are_local_derivatives():
    O, n = seed003()
    nodes, edges, _ = parse(draw(O).source)
    ids = record_ids(nodes)
    label = {(src, dst): attrs.get("label") for src, dst, attrs in value_edges(edges)}
    net1 = 1.5
    net2 = s(net1) * 0.5 + 1
    assert label[(ids["net1"], ids["h1"])] == f"{d(net1):.4g}"      # σ'(net1)
    assert label[(ids["net2"], ids["h2"])] == f"{d(net2):.4g}"      # σ'(net2)
    assert label[(ids["h1"], ids["u2"])] == "0.5"                  # ∂(h1·w2)/∂h1 = w2
    assert label[(ids["w2"], ids["u2"])] == f"{s(net1):.4g}"        # ∂(h1·w2)/∂w2 = h1
    assert label[(ids["u1"], ids["net1"])] == "1"                  # ∂(u1 + 1)/∂u1
    assert label[(ids["I"], ids["u1"])] == "0.5"                   # ∂(I·w1)/∂I = w1


def test_show_local_false_leaves_edges_unlabelled():
    O, n = seed003()
    _, edges, _ = parse(draw(O, show_local=False).source)
    assert all("label" not in attrs for _, _, attrs in edges)


def test_show_rules_writes_textbook_rules():
    O, n = seed003()
    nodes, edges, _ = parse(draw(O, show_rules=True).source)
    ids = record_ids(nodes)
    label = {(src, dst): attrs.get("label") for src, dst, attrs in value_edges(edges)}
    assert label[(ids["net1"], ids["h1"])] == f"σ(net1)(1-σ(net1)) = {d(1.5):.4g}"
    assert label[(ids["h1"], ids["u2"])] == "w2 = 0.5"
    assert label[(ids["u1"], ids["net1"])] == "1"
    _, edges, _ = parse(draw(O, show_rules=True, show_local=False).source)
    rules = {(src, dst): attrs.get("label") for src, dst, attrs in value_edges(edges)}
    assert rules[(ids["h1"], ids["u2"])] == "w2"


def test_rules_name_unnamed_nodes_by_their_short_names():
    """Unnamed nodes are t1, t2, ... (leaves leaf1, ...) in rules as in steps and the jit;
    a constant is its number."""
    x = Value(-2.0)
    y = (x * 1.0).tanh()
    y.backward()
    nodes, edges, _ = parse(draw(y, show_rules=True).source)
    labels = {attrs.get("label") for _, _, attrs in edges}
    assert f"1-tanh²(t1) = {1 - math.tanh(-2.0) ** 2:.4g}" in labels
    assert "leaf1 = -2" in labels                         # ∂(x·1)/∂1 = x, an unnamed leaf
    assert "1" in labels                                  # ∂(x·1)/∂x = the constant 1
    shown = [label for node_id, (label, _) in nodes.items()
             if node_id != "legend" and label and "<I>t1</I>" in label]
    assert len(shown) == 1 and "data -2<" in shown[0]     # the record of x·1 is called t1


def test_kinds_have_their_colours_and_the_legend_lists_them():
    from autograd.draw import KIND_COLOURS, KIND_TITLES
    O, n = seed003()
    nodes, _, _ = parse(draw(O).source)
    ids = record_ids(nodes)
    assert KIND_COLOURS["parameter"] in nodes[ids["w1"]][0]
    assert KIND_COLOURS["leaf"] in nodes[ids["I"]][0]
    assert KIND_COLOURS["derived"] in nodes[ids["h1"]][0]
    constants = [label for label, _ in nodes.values() if label and KIND_COLOURS["constant"] in label]
    assert len(constants) == 4 + 1  # the four bias constants and the legend
    legend = nodes["legend"][0]
    for kind in ("parameter", "leaf", "constant", "derived"):
        assert KIND_TITLES[kind] in legend
    assert len(set(KIND_COLOURS.values())) == 5
    assert "legend" not in parse(draw(O, legend=False).source)[0]


def test_op_nodes_show_the_op_symbol():
    x = Value(0.3, name="x")
    y = (x.exp() + x.log() * x.tanh() - x ** 2).sigmoid()
    y.backward()
    nodes, _, _ = parse(draw(y).source)
    symbols = sorted(label for node_id, (label, _) in nodes.items() if node_id.endswith("_op"))
    assert symbols == sorted(["exp", "log", "tanh", "×", "+", "^", "−", "σ"])


def test_draw_changes_no_numbers():
    O, n = seed003()
    before = [(v.data, v.grad) for v in n.values() if isinstance(v, Value)]
    draw(O, show_rules=True, highlight="w1")
    assert before == [(v.data, v.grad) for v in n.values() if isinstance(v, Value)]


# ---------------------------------------------------------------------------
# Highlighting paths
# ---------------------------------------------------------------------------

def highlighted(source):
    nodes, edges, _ = parse(source)
    names = {v: k for k, v in record_ids(nodes).items()}
    red = {(names.get(src, src), names.get(dst, dst))
           for src, dst, attrs in value_edges(edges) if attrs.get("color") == "#d62728"}
    red_ops = {names[dst] for src, dst, attrs in edges
               if src.endswith("_op") and attrs.get("color") == "#d62728"}
    return red, red_ops


def test_highlight_w1_colours_both_paths_to_O():
    O, n = seed003()
    expected = {("w1", "u1"), ("u1", "net1"), ("net1", "h1"),
                ("h1", "u2"), ("u2", "net2"), ("net2", "h2"), ("h2", "u4"), ("u4", "s45"),
                ("h1", "u3"), ("u3", "net3"), ("net3", "h3"), ("h3", "u5"), ("u5", "s45"),
                ("s45", "net4"), ("net4", "O")}
    for target in (n["w1"], "w1"):
        red, red_ops = highlighted(draw(O, highlight=target).source)
        assert red == expected
        assert red_ops == {"u1", "net1", "h1", "u2", "net2", "h2", "u3", "net3", "h3",
                           "u4", "u5", "s45", "net4", "O"}


def test_highlight_w2_colours_its_single_path():
    O, n = seed003()
    red, red_ops = highlighted(draw(O, highlight="w2").source)
    assert red == {("w2", "u2"), ("u2", "net2"), ("net2", "h2"), ("h2", "u4"),
                   ("u4", "s45"), ("s45", "net4"), ("net4", "O")}
    assert red_ops == {"u2", "net2", "h2", "u4", "s45", "net4", "O"}
    assert "paths from w2 to the root" in parse(draw(O, highlight="w2").source)[0]["legend"][0]


def test_highlighting_the_root_says_it_is_the_root_not_paths_to_it():
    """draw(O, highlight="O") marked O's box alone (no path leads from the root to itself)
    and the legend said 'paths from O to the root'.  It now says O is the root itself;
    no edge between values is red, as the graph has no path from O to O."""
    O, n = seed003()
    for target in ("O", O):
        source = draw(O, highlight=target).source
        assert highlighted(source) == (set(), {"O"})          # O's box and op, no edge between nodes
        legend = parse(source)[0]["legend"][0]
        assert "O, the root itself (highlight another node to see its paths to the root)" in legend
        assert "paths from O" not in legend


def test_no_highlight_no_red():
    O, n = seed003()
    assert "#d62728" not in draw(O).source


def test_highlight_errors_name_the_problem():
    O, n = seed003()
    with pytest.raises(ValueError, match=r"'w9'.*named nodes: .*w1"):
        draw(O, highlight="w9")
    with pytest.raises(ValueError, match=r"'stray' = 2.0 is not in the graph of O"):
        draw(O, highlight=Value(2.0, name="stray"))
    with pytest.raises(TypeError, match="highlight must be a Value, a name or a matrix of Values"):
        draw(O, highlight=3)


# ---------------------------------------------------------------------------
# Networks: one cluster per layer and neuron, textbook names
# ---------------------------------------------------------------------------

def weight_name(l, j, k):
    """nn's name for w^l_jk: w2_11, or w2_11_1 once j or k has two digits."""
    return f"w{l}_{j}{k}" if j < 10 and k < 10 else f"w{l}_{j}_{k}"


def nielsen_network(sizes, xs, fused=True):
    """A hand-built MLP with nn's names: x{k}, w{l}_{j}{k}, b{l}_{j}, z{l}_{j}, a{l}_{j}."""
    a = [Value(x, name=f"x{k}") for k, x in enumerate(xs, 1)]
    for l in range(2, len(sizes) + 1):
        layer = []
        for j in range(1, sizes[l - 1] + 1):
            ws = [Value(0.1 * (j + k), name=weight_name(l, j, k), kind="parameter")
                  for k in range(1, sizes[l - 2] + 1)]
            b = Value(0.1, name=f"b{l}_{j}", kind="parameter")
            if fused:
                z = dot(ws, a, b)
            else:
                z = b
                for w, ak in zip(ws, a):
                    z = w * ak + z
            layer.append(z.named(f"z{l}_{j}").sigmoid().named(f"a{l}_{j}"))
        a = layer
    return a


def cluster_names(source):
    nodes, _, clusters = parse(source)
    names = {v: k for k, v in record_ids(nodes).items()}
    return {c: {names[i] for i in members if i in names} for c, members in clusters.items()}


@pytest.mark.parametrize("fused", [True, False])
def test_network_names_give_layer_and_neuron_clusters(fused):
    (out,) = nielsen_network([2, 3, 1], [0.5, -1.0], fused)
    C = ((out - 1.0) ** 2 * 0.5).named("C")
    C.backward()
    clusters = cluster_names(draw(C).source)
    assert set(clusters) == {"cluster_layer1", "cluster_layer2", "cluster_layer3",
                             "cluster_layer2_neuron1", "cluster_layer2_neuron2",
                             "cluster_layer2_neuron3", "cluster_layer3_neuron1"}
    assert clusters["cluster_layer1"] == {"x<SUB>1</SUB>", "x<SUB>2</SUB>"}
    assert clusters["cluster_layer2_neuron2"] == {
        "w<SUP>2</SUP><SUB>21</SUB>", "w<SUP>2</SUP><SUB>22</SUB>", "b<SUP>2</SUP><SUB>2</SUB>",
        "z<SUP>2</SUP><SUB>2</SUB>", "a<SUP>2</SUP><SUB>2</SUB>"}
    assert clusters["cluster_layer3"] == clusters["cluster_layer3_neuron1"]
    assert "C" not in set().union(*clusters.values())


def test_two_digit_neuron_numbers():
    (out,) = nielsen_network([1, 11, 1], [0.5])
    out.backward()
    clusters = cluster_names(draw(out).source)
    assert "w<SUP>2</SUP><SUB>11,1</SUB>" in clusters["cluster_layer2_neuron11"]
    assert "w<SUP>2</SUP><SUB>11</SUB>" in clusters["cluster_layer2_neuron1"]
    assert "w<SUP>3</SUP><SUB>1,11</SUB>" in clusters["cluster_layer3_neuron1"]
    assert len([c for c in clusters if c.startswith("cluster_layer2_neuron")]) == 11


def test_unfused_neuron_keeps_its_inner_nodes():
    (out,) = nielsen_network([2, 1], [0.5, -1.0], fused=False)
    out.backward()
    nodes, _, clusters = parse(draw(out).source)
    records = {i for i in nodes if re.fullmatch(r"v\d+", i)}
    # z = w·x2 + (w·x1 + b): 2 products and 2 sums, all inside neuron 1 with w, b, z, a
    inside = clusters["cluster_layer2_neuron1"] & records
    assert len(inside) == 2 + 1 + 4 + 1  # w's, b, (× + × +), a
    assert records - inside == {i for i in clusters["cluster_layer1"]}


def test_network_false_and_plain_graphs_have_no_clusters():
    (out,) = nielsen_network([2, 1], [0.5, -1.0])
    out.backward()
    assert "subgraph cluster_layer2" in draw(out).source
    assert "subgraph" not in draw(out, network=False).source
    O, n = seed003()
    assert "subgraph" not in draw(O).source


def test_inputs_named_x1_x2_alone_are_not_a_network():
    """micrograd's lecture neuron o = tanh(x1*w1 + x2*w2 + b): its x1 and x2 are not
    Nielsen's layer 1 of a network, so no "layer 1 (input)" box around them."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    source = draw(o).source
    assert "subgraph" not in source and "layer 1" not in source
    assert math.isclose(x1.grad, -3.0 * (1 - o.data ** 2), rel_tol=1e-12)   # dO/dx1 = w1·(1 − o²)


def test_network_without_layers_is_refused():
    (out,) = nielsen_network([1, 1], [0.5])
    with pytest.raises(TypeError, match="network must be an nn module with .layers"):
        draw(out, network=object())


class FakeLayer:
    """What draw reads from an nn layer (the nn contract): number, z, a, parameters()."""

    def __init__(self, number, z, a, params):
        self.number, self.z, self.a, self._params = number, z, a, params

    def parameters(self):
        return list(self._params)


class FakeNetwork:
    def __init__(self, layers):
        self.layers = layers


def test_network_argument_places_unnamed_nodes_by_layer():
    """With network=, nodes need no names: the layers say where z, a and the parameters go."""
    x = Value(0.5)
    w, b = Value(0.3, kind="parameter"), Value(0.1, kind="parameter")
    z = dot([w], [x], b)
    a = z.sigmoid()
    C = (a - 1.0) ** 2
    C.backward()
    net = FakeNetwork([FakeLayer(2, [z], [a], [w, b])])
    nodes, _, clusters = parse(draw(C, network=net).source)
    ids = {i for i in nodes if re.fullmatch(r"v\d+", i)}
    by_label = {}
    for i in clusters["cluster_layer2_neuron1"] & ids:
        by_label[i] = nodes[i][0]
    # w, b, z and a: four records in the neuron's cluster, x and the loss outside
    assert len(by_label) == 4
    assert sorted(re.search(r"data ([^<]*)<", label).group(1) for label in by_label.values()) == \
        sorted(f"{v:.4g}" for v in (0.3, 0.1, 0.3 * 0.5 + 0.1, s(0.3 * 0.5 + 0.1)))
    assert "cluster_layer1" not in clusters
    other = FakeNetwork([FakeLayer(2, [Value(1.0)], [Value(1.0)], [])])
    with pytest.raises(ValueError, match="none of the network's nodes are in this graph"):
        draw(C, network=other)
    empty = FakeNetwork([FakeLayer(2, [], [], [])])
    with pytest.raises(ValueError, match="layer 2 has no forward pass yet"):
        draw(C, network=empty)


def test_textbook_names():
    assert textbook_name("w3_12") == "w³₁₂"
    assert textbook_name("z2_1") == "z²₁"
    assert textbook_name("x1") == "x₁"
    assert textbook_name("w3_16_12") == "w³₁₆,₁₂"
    assert textbook_name("y2") == "y₂"
    assert textbook_name("w1") == "w1"
    assert textbook_name("net1") == "net1"
    assert textbook_name("a<b", html_markup=True) == "a&lt;b"
    assert textbook_name("b2_1", html_markup=True) == "b<SUP>2</SUP><SUB>1</SUB>"


def slot_labels(source):
    """The texts of the slots of n-ary op nodes (a neuron's Σw·a), by (op id, slot)."""
    found = {}
    for node_id, (label, _) in parse(source)[0].items():
        for slot, text in re.findall(r'<TD PORT="i(\d+)"[^>]*><FONT[^>]*>(.*?)</FONT>', label or ""):
            found[(node_id, int(slot))] = html_module.unescape(text)
    return found


def test_rules_use_textbook_names():
    (out,) = nielsen_network([1, 1], [0.5])
    out.backward()
    source = draw(out, show_rules=True).source
    labels = {attrs.get("label") for _, _, attrs in parse(source)[1]}
    z = 0.2 * 0.5 + 0.1  # w2_11 = 0.1·(1+1), x1 = 0.5, b2_1 = 0.1
    assert f"σ(z²₁)(1-σ(z²₁)) = {d(z):.4g}" in labels
    # the neuron's Σw·a + b lists its inputs; each edge's label is in the slot it enters
    slots = set(slot_labels(source).values())
    assert "x₁ = 0.5" in slots      # ∂z/∂w = x1
    assert "w²₁₁ = 0.2" in slots    # ∂z/∂x1 = w


def real_mlp():
    nn = pytest.importorskip("nn")
    if not hasattr(nn, "MLP"):
        pytest.skip("nn.MLP is not written yet")
    return nn


@pytest.mark.parametrize("fused", [True, False])
def test_real_nn_network_clusters(fused):
    nn = real_mlp()
    net = nn.MLP([2, 3, 1], seed=0, fused=fused)
    out = net([0.5, -1.0])
    C = nn.half_squared_error(out, [1.0])
    C.backward()
    for network in (net, None):
        clusters = cluster_names(draw(C, network=network).source)
        for layer in net.layers:
            l = layer.number
            members = clusters[f"cluster_layer{l}"]
            expected = {textbook_name(p.name, html_markup=True) for p in layer.parameters()}
            expected |= {textbook_name(v.name, html_markup=True) for v in layer.z + layer.a}
            assert expected <= members
            for j, z in enumerate(layer.z, 1):
                assert textbook_name(z.name, html_markup=True) in clusters[
                    f"cluster_layer{l}_neuron{j}"]


def test_rankdir():
    O, n = seed003()
    assert "rankdir=LR" in draw(O).source
    tb = draw(O, rankdir="TB").source
    assert "rankdir=TB" in tb
    # top to bottom: a record's cells side by side in one row
    nodes, _, _ = parse(tb)
    assert nodes[record_ids(nodes)["w1"]][0].count("<TR>") == 1
    nodes, _, _ = parse(draw(O).source)
    assert nodes[record_ids(nodes)["w1"]][0].count("<TR>") == 3


def test_title():
    O, n = seed003()
    assert 'label="seed 003"' in draw(O, title="seed 003").source


# ---------------------------------------------------------------------------
# Large graphs and bad arguments
# ---------------------------------------------------------------------------

def chain(n):
    x = Value(0.1, name="x")
    y = x
    for _ in range(n):
        y = y.tanh()
    return y


def test_too_many_nodes_raises_a_clear_error():
    y = chain(400)  # 401 nodes
    with pytest.raises(GraphTooLarge, match=r"401 nodes, more than max_nodes=300.*max_nodes=401"):
        draw(y)
    with pytest.raises(ValueError, match="one sample"):
        draw(y, max_nodes=100)
    nodes, edges, _ = parse(draw(y, max_nodes=401).source)
    assert len(edges) == 800


def test_large_graphs_cap_the_layout_effort():
    assert "nslimit" not in draw(chain(149)).source   # 150 nodes
    assert "nslimit=2" in draw(chain(150)).source       # 151 nodes


@pytest.mark.parametrize("kwargs, message", [
    ({"digits": 0}, "digits must be an int from 1 to 17"),
    ({"digits": 2.5}, "digits must be an int"),
    ({"rankdir": "XY"}, "rankdir must be 'LR' or 'TB'"),
    ({"max_nodes": 0}, "max_nodes must be a positive int"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw(chain(2), **kwargs)


def test_not_a_value():
    with pytest.raises(TypeError, match="expected a Value to draw, got float 1.5"):
        draw(1.5)


def test_single_leaf():
    """One box and a key that explains only what is drawn: no operation, no edge label
    (a lone leaf's key listed both).  Oracle: the graph is one leaf, no op, no edge."""
    x = Value(2.0, name="x")
    nodes, edges, _ = parse(draw(x).source)
    assert set(nodes) == {"v0", "legend"} and edges == []
    legend = nodes["legend"][0]
    assert "input (leaf)" in legend and "operation" not in legend and "on an edge" not in legend
    x.backward()
    legend = parse(draw(x).source)[0]["legend"][0]
    assert "operation" not in legend and "on an edge" not in legend
    assert "operation" in parse(draw((x * 2).named("y")).source)[0]["legend"][0]


# ---------------------------------------------------------------------------
# Rendering through dot
# ---------------------------------------------------------------------------

@needs_dot
def test_render_png_and_svg(tmp_path):
    O, n = seed003()
    paths = render_graph(O, tmp_path / "out" / "seed003", highlight="w1")
    assert [p.name for p in paths] == ["seed003.png", "seed003.svg"]
    png = paths[0].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    svg = ET.parse(paths[1]).getroot()
    text = " ".join(t for t in svg.itertext())
    for name in ("I", "w1", "w2", "w3", "w4", "w5", "h1", "net4", "O"):
        assert re.search(rf"(^|\s){name}(\s|$)", text), name


@needs_dot
def test_render_graph_accepts_an_extension_and_pdf(tmp_path):
    paths = render_graph(chain(2), str(tmp_path / "g.pdf"), formats="pdf")
    assert [p.name for p in paths] == ["g.pdf"]
    assert paths[0].read_bytes().startswith(b"%PDF")


@needs_dot
def test_digraph_render_and_jupyter_display(tmp_path):
    graph = draw(chain(2))
    out = graph.render(outfile=tmp_path / "g.svg")
    assert ET.parse(out).getroot().tag.endswith("svg")
    bundle = graph._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def run_python(code, path, cwd):
    env = dict(os.environ, PATH=path, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_missing_dot_explains_how_to_install(tmp_path):
    code = """
        from autograd import Value
        from autograd.draw import draw, render_graph, DotNotFound
        x = Value(2.0, name="x")
        y = (x * x).named("y")
        graph = draw(y)
        print("SOURCE", len(graph.source) > 0 and "digraph" in graph.source)
        for attempt in (lambda: graph.render(outfile="g.png"),
                        lambda: render_graph(y, "out/g")):
            try:
                attempt()
            except DotNotFound as exc:
                print("CAUGHT", str(exc).replace("\\n", " | "))
        # a display does not raise (a notebook would print a traceback): it says it as text
        print("CAUGHT", graph._repr_mimebundle_()["text/plain"].replace("\\n", " | "))
    """
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_python(code, str(empty), tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "SOURCE True"
    caught = [line for line in lines if line.startswith("CAUGHT")]
    assert len(caught) == 3
    for line in caught:
        for needle in ("'dot' program", "apt install graphviz", "brew install graphviz",
                       "conda install -c conda-forge graphviz", "draw(...).source"):
            assert needle in line


#: the ways to install Graphviz that the one-line message names, as its docs list them
NO_DOT_LINE = ("Rendering needs the Graphviz 'dot' program, which was not found on PATH: install it "
               "with apt install graphviz (Debian, Ubuntu), brew install graphviz (macOS) or "
               "conda install -c conda-forge graphviz")
WITHOUT_DOT = {
    "draw": (["draw", "net.py"], "", "chainrule draw: "),
    "step --html": (["step", "net.py", "--html", "page.html"], "", "chainrule step: "),
    "step --frames": (["step", "net.py", "--frames", "frames"], "c\n",
                      "chainrule step: could not draw the graph: "),
    "step, its g command": (["step", "net.py"], "g\nq\n", "chainrule step: could not draw the graph: "),
}


@pytest.mark.parametrize("how", list(WITHOUT_DOT))
def test_the_commands_say_in_one_line_that_dot_is_missing(how, tmp_path):
    """Without dot, `chainrule draw` printed the Python message's lines run together
    ("... conda install -c conda-forge graphviz Without it, draw(...).source ...") and
    `chainrule step`'s g and --frames the same with a ␊ for each newline; both pointed
    a command-line user at draw(...).source, which is Python's."""
    args, stdin, prefix = WITHOUT_DOT[how]
    (tmp_path / "net.py").write_text(textwrap.dedent("""
        from autograd import Value
        x, w = Value(0.5, name="x"), Value(-0.3, name="w")
        (x * w).named("z").sigmoid().named("y").backward()
    """))
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run([sys.executable, "-m", "chainrule", *args], input=stdin, cwd=tmp_path,
                            env=dict(os.environ, PATH=str(empty), PYTHONPATH=ROOT),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"{prefix}{NO_DOT_LINE}\n"
    assert not list(tmp_path.rglob("*.png")) and not (tmp_path / "page.html").exists()


def test_importing_autograd_does_not_import_graphviz(tmp_path):
    result = run_python("""
        import sys
        import autograd, autograd.draw
        print("graphviz" in sys.modules)
    """, os.environ.get("PATH", ""), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_grads_show_only_once_a_backward_pass_reached_the_nodes():
    from autograd import grad
    x, w = Value(0.5, name="x"), Value(-0.3, name="w", kind="parameter")
    y = (x * w).named("z").sigmoid().named("y")
    before = draw(y).source
    assert ">grad " not in before and "no backward pass from this root yet" in before
    y.backward()
    after = draw(y).source
    assert after.count(">grad ") == 4   # x, w, z, y
    sy = 1 / (1 + math.exp(0.15))
    assert f">grad {0.5 * sy * (1 - sy):.4g}<" in after   # ∂y/∂w = x σ'(z)
    assert ">grad " not in draw(y, grads=False).source
    # a gradient graph (create_graph=True) is never differentiated itself: its nodes show
    # their values, σ'(z) = σ(z)(1 − σ(z)) = 0.235 at z = 0.5, and no grad 0 anywhere
    z = Value(0.5, name="z")
    (d1,) = grad(z.sigmoid(), z, create_graph=True)
    picture = draw(d1).source
    assert ">grad " not in picture and f"data {d1.data:.4g}" in picture
    s = 1 / (1 + math.exp(-0.5))
    assert abs(d1.data - s * (1 - s)) < 1e-15
    assert f">grad {0:.4g}" in draw(d1, grads=True).source


# ---------------------------------------------------------------------------
# Hostile names: dot reads backslash escapes (\N, \G, \l) inside HTML-like labels
# ---------------------------------------------------------------------------

def _svg_texts(graph):
    svg = ET.fromstring(graph.pipe(format="svg"))
    return [t.text or "" for t in svg.iter() if t.tag.endswith("}text")]


@needs_dot
def test_backslash_escapes_in_names_are_drawn_as_typed():
    """A node named \\N\\G is drawn as those four characters, not as dot's node id
    and graph name (dot expands them in HTML-like labels, entities included)."""
    x = Value(0.5, name="\\N\\G")
    w = Value(-0.3, name="w\\E", kind="parameter")
    y = (x * w).named("\\T").sigmoid().named("y\\l")
    y.backward()
    texts = _svg_texts(draw(y, show_rules=True, highlight=x))
    for typed in ("\\N\\G", "w\\E", "\\T", "y\\l"):
        assert typed in texts, (typed, texts)
    assert "σ(\\T)(1-σ(\\T)) = 0.2486" in texts                 # an edge's rule
    assert "paths from \\N\\G to the root" in texts              # the legend
    assert not any("computation_graph" in t or t.startswith("v0") for t in texts)


@needs_dot
def test_a_batch_drawn_by_layer_shows_a_hostile_cost_name_and_title():
    """draw(C, level="layer"): the cost's name and the title as typed, a control
    character as its picture (dot refused the raw one: 'not well-formed')."""
    net = nn.MLP([2, 2, 1], seed=0)
    C = nn.half_mean_squared_error(net.batch([[0.0, 1.0], [1.0, 0.0]]), [0.0, 1.0])
    C.named("C\\N\x01<b>")
    texts = _svg_texts(draw(C, level="layer", title="t\\G\x02<i>x</i>"))
    assert "C\\N␁<b>" in texts and "t\\G␂<i>x</i>" in texts, texts


@needs_dot
def test_a_name_of_twenty_thousand_characters_is_drawn_cut():
    """dot refuses a quoted string over 16,384 bytes ("syntax error ... longer than
    16384?"): a picture shows a name's first 200 characters and its length."""
    x = Value(0.5, name="x" * 20_000, kind="parameter")
    y = (x * x).named("q" * 9_000).sigmoid().named("y")
    y.backward()
    graph = draw(y, show_rules=True, highlight=x)
    texts = _svg_texts(graph)
    shown_x, shown_q = "x" * 200 + "… (20,000 characters)", "q" * 200 + "… (9,000 characters)"
    assert shown_x in texts and shown_q in texts
    assert f"σ({shown_q})(1-σ({shown_q})) = 0.2461" in texts   # σ'(0.25)
    assert f"paths from {shown_x} to the root" in texts
    assert "x" * 201 not in graph.source and "q" * 201 not in graph.source


# ---------------------------------------------------------------------------
# Wrong options: one line naming the option, and nothing written
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("formats, shown", [
    ("jpgx", "'jpgx'"), (["png", "nope"], "'nope'"), ([], "[]"), (3, "3"), ([None], "[None]"),
])
def test_render_graph_refuses_a_bad_format_before_writing_anything(tmp_path, formats, shown):
    """Before: 'nope' failed after g.png was written, with Graphviz's list of 56 formats;
    [] wrote nothing and said nothing; 3 gave "'int' object is not iterable"."""
    target = tmp_path / "new" / "g"
    with pytest.raises((TypeError, ValueError)) as caught:
        render_graph(chain(2), target, formats=formats)
    message = str(caught.value)
    assert "\n" not in message and "formats" in message and shown in message, message
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("path", ["", ".", "{tmp}/", "{tmp}/sub/", "{tmp}/..", 3])
def test_render_graph_refuses_a_path_that_names_no_file(tmp_path, path):
    """Before: 'dir/' wrote dir.png beside the folder, '.' and 'dir/..' failed in pathlib,
    '' said "PosixPath('.') has an empty name", 3 said "expected str, bytes or os.PathLike
    object, not int"."""
    if isinstance(path, str):
        path = path.format(tmp=tmp_path)
    with pytest.raises((TypeError, ValueError)) as caught:
        render_graph(chain(2), path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("render_graph: path ")
    assert repr(path) in message, message
    assert list(tmp_path.parent.glob(f"{tmp_path.name}.*")) == [] and list(tmp_path.iterdir()) == []


@needs_dot
def test_render_graph_takes_a_format_in_capitals_and_keeps_the_path_given(tmp_path):
    """formats="PNG" failed in dot; a path g.PNG was written as g.png (Graphviz's -o
    writes the file named). The oracle: the PNG signature."""
    paths = render_graph(chain(2), tmp_path / "g.PNG", formats="PNG")
    assert [p.name for p in paths] == ["g.PNG"]
    assert paths[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    paths = render_graph(chain(2), tmp_path / "h.SVG", formats=("PNG", "svg"))
    assert [p.name for p in paths] == ["h.png", "h.SVG"]
    assert paths[1].read_text().lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.PNG", "h.SVG", "h.png"]


@needs_dot
def test_render_graph_writes_every_format_or_none(tmp_path):
    """Oracle: the folder's listing and the PNG signature.  g.svg a folder (a file that
    cannot be written, even by root): g.png was written before the error; now nothing
    is, and an existing g.png is kept.  A longer old g.png is replaced whole."""
    (tmp_path / "g.svg").mkdir()
    with pytest.raises(IsADirectoryError):
        render_graph(chain(2), tmp_path / "g")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg"]
    (tmp_path / "g.png").write_bytes(b"old")
    with pytest.raises(IsADirectoryError):
        render_graph(chain(2), tmp_path / "g")
    assert (tmp_path / "g.png").read_bytes() == b"old"
    (tmp_path / "g.png").write_bytes(b"x" * 1_000_000)
    render_graph(chain(2), tmp_path / "g", formats="png")
    picture = (tmp_path / "g.png").read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n") and b"x" * 100 not in picture


def test_pending_must_be_a_collection_of_values():
    with pytest.raises(TypeError, match=r"^draw: pending must be a collection of Values.* int 3$"):
        draw(chain(2), pending=3)


def test_the_drawing_repr_is_one_line_with_the_name_cut_and_printable():
    """repr(draw(y)) wrote a name's newline raw, and all 5,000 characters of a long name."""
    x = Value(2.0, name="x")
    assert repr(draw((x * x).named("a\nb"))).startswith("<Drawing of the graph of a␊b (2 values)")
    text = repr(draw((x * x).named("q" * 5000)))
    assert "\n" not in text and "q" * 200 + "… (5,000 characters) (2 values)" in text


def test_a_fixed_exponent_edge_reads_its_rule_once():
    """t**2 at t = 3: ∂y/∂t = 2t = 6 by hand; the fixed exponent 2 gets no gradient.
    Its edge read '0·0 (fixed exponent) = 0', the rule's 0 written twice."""
    t = Value(3.0, name="t")
    y = (t ** 2).named("y")
    y.backward()
    _, edges, _ = parse(draw(y, show_rules=True).source)
    labels = sorted(attrs.get("label") for _, _, attrs in edges if "label" in attrs)
    assert labels == ["0 (fixed exponent) = 0", "2·t = 6"]


@pytest.mark.parametrize("option, value", [
    ("highlight", "w3_11"), ("rankdir", "TB"), ("rankdir", "XX"), ("show_rules", True),
    ("compact", True), ("max_nodes", 5), ("legend", False), ("grads", False),
])
def test_a_node_option_given_to_the_layer_picture_is_refused(option, value):
    """draw(C, level="layer", highlight="w3_11") drew the matrices with no path in red
    and said nothing (every node-level option was dropped, rankdir="XX" too)."""
    net = nn.MLP([2, 2, 1], seed=0)
    C = nn.half_mean_squared_error(net.batch([[0.0, 1.0], [1.0, 0.0]]), [0.0, 1.0])
    with pytest.raises(ValueError) as caught:
        draw(C, level="layer", **{option: value})
    message = str(caught.value)
    assert "\n" not in message and f"{option}={value!r}" in message and "level='layer'" in message
    with pytest.raises(ValueError, match=r"^draw: digits must be an int from 1 to 17, got 0$"):
        draw(C, level="layer", digits=0)
    assert "Z2" in draw(C, level="layer", rankdir="LR", legend=True, digits=3).source


# ---------------------------------------------------------------------------
# The legend names what the picture shows
# ---------------------------------------------------------------------------

def test_the_legend_names_the_highlighted_node_as_its_box_does():
    """An unnamed highlight read 'paths from <mul 3>' beside a box labelled t2, and
    w2_11 read 'w2_11' beside a box typeset w²₁₁.  a = x·2 is made first, so it is t1
    and b = x·3 is t2 (unnamed nodes are numbered parents first, in order)."""
    x = Value(1.0, name="x")
    a, b = x * 2, x * 3
    y = (a + b).named("y")
    y.backward()
    source = draw(y, highlight=b).source
    boxes = dict(re.findall(r'(v\d+) \[label=<<TABLE BORDER="2".*?<I>(t\d)</I>', source))
    assert list(boxes.values()) == ["t2"]
    assert "paths from t2 to the root" in source
    w = Value(0.5, name="w2_11", kind="parameter")
    z = (w * x).named("z")
    z.backward()
    assert "paths from w<SUP>2</SUP><SUB>11</SUB> to the root" in draw(z, highlight="w2_11").source


def test_a_node_computed_under_no_grad_has_its_own_colour():
    """It was drawn in the constants' grey, and the legend showed two grey swatches."""
    from autograd import no_grad
    from autograd.draw import KIND_COLOURS
    p = Value(3.0, name="p", kind="parameter")
    with no_grad():
        q = (p * 2).named("q")
    r = (p * q + 1).named("r")
    r.backward()
    source = draw(r).source
    assert q.kind == "detached" and KIND_COLOURS["detached"] != KIND_COLOURS["constant"]
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)
    record = next(line for line in source.splitlines() if "<B>q</B>" in line)
    assert f'BGCOLOR="{KIND_COLOURS["detached"]}"' in record
    legend = next(line for line in source.splitlines() if line.lstrip().startswith("legend "))
    assert (f'<TD BGCOLOR="{KIND_COLOURS["detached"]}" WIDTH="18"> </TD>'
            f'<TD ALIGN="LEFT">computed under no_grad</TD>') in legend


@pytest.mark.parametrize("show_local, show_rules, example", [
    (True, False, "0.25"), (True, True, "w = 0.25"), (False, True, "w"), (False, False, None),
])
def test_the_legend_explains_edge_labels_only_as_the_edges_carry_them(show_local, show_rules,
                                                                       example):
    """show_local=False, show_rules=False drew bare edges beside a key row '0.25: local
    derivative'; with rules alone the row still showed a number."""
    x = Value(2.0, name="x")
    y = (x * x).named("y")
    y.backward()
    source = draw(y, show_local=show_local, show_rules=show_rules).source
    _, edges, _ = parse(source)
    assert any("label" in attrs for _, _, attrs in edges) == (example is not None)
    legend = next(line for line in source.splitlines() if line.lstrip().startswith("legend "))
    rows = re.findall(r"<TR><TD>([^<]*)</TD><TD ALIGN=\"LEFT\">on an edge", legend)
    assert rows == ([example] if example else [])


@pytest.mark.parametrize("rankdir, symbol_first", [
    ("LR", False), ("TB", False), ("RL", True), ("BT", True),
])
def test_an_n_ary_op_puts_its_slots_on_the_side_its_inputs_come_from(rankdir, symbol_first):
    """With rankdir RL (inputs on the right) the slots sat left of the Σw·a cell and
    BT (inputs below) put them above it, so every edge crossed the symbol to reach its
    slot's east or south side."""
    a, b, c = (Value(float(i), name=n) for i, n in enumerate("abc", 1))
    y = dot([a, b], [c, c]).named("y")
    y.backward()
    op = next(line for line in draw(y, rankdir=rankdir).source.splitlines() if "_op [label=<" in line)
    symbol = op.index("Σ") if "Σ" in op else op.index(y._opr.symbol)
    assert (symbol < op.index('PORT="i0"')) == symbol_first, op
    side = {"LR": "w", "TB": "n", "RL": "e", "BT": "s"}[rankdir]
    assert f"_op:i0:{side}" in draw(y, rankdir=rankdir).source


@needs_dot
@pytest.mark.parametrize("level", ["node", "layer"])
def test_a_title_of_twenty_thousand_characters_is_drawn_cut(level):
    """dot refused the whole picture ("syntax error ... longer than 16384?"): names
    were cut at 200 characters but a title was not.  It shows its first 1,000."""
    net = nn.MLP([2, 2, 1], seed=0)
    C = nn.half_mean_squared_error(net.batch([[0.0, 1.0], [1.0, 0.0]]), [0.0, 1.0])
    C.backward()
    texts = _svg_texts(draw(C, level=level, title="é" * 20_000))
    assert "é" * 1000 + "… (20,000 characters)" in texts


@pytest.mark.parametrize("option, value", [
    ("show_local", "no"), ("show_rules", 1), ("legend", "False"), ("compact", None),
    ("grads", "no"),
])
def test_a_switch_that_is_not_true_or_false_is_refused(option, value):
    """show_local="no" read as true and drew every label; grads="no" showed the grads."""
    with pytest.raises(TypeError) as caught:
        draw(chain(2), **{option: value})
    assert str(caught.value) == (f"draw: {option} must be "
                                 f"{'True, False or None' if option == 'grads' else 'True or False'}"
                                 f", got {value!r}")


def test_the_layer_picture_is_a_drawing_like_the_node_picture(tmp_path):
    """draw(C, level='layer') returned a plain graphviz.Digraph: its repr read
    '<graphviz.graphs.Digraph object at 0x...>' and without dot render_graph raised
    graphviz's ExecutableNotFound instead of DotNotFound saying how to install it."""
    code = """
        import nn
        from autograd.draw import draw, render_graph, DotNotFound
        net = nn.MLP([2, 2, 1], seed=0)
        C = nn.half_mean_squared_error(net.batch([[0.0, 1.0], [1.0, 0.0]]), [0.0, 1.0])
        C.named("C")
        print("REPR", repr(draw(C, level="layer")))
        try:
            render_graph(C, "out/m", level="layer")
        except DotNotFound as exc:
            print("CAUGHT", "apt install graphviz" in str(exc))
    """
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_python(code, str(empty), tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("REPR <Drawing of the matrices of the batch below C:")
    assert "0x" not in lines[0] and lines[1] == "CAUGHT True"
    assert not (tmp_path / "out").exists()


def test_a_micrograd_value_is_refused_in_one_line():
    """micrograd's Value has _prev, _op, data and grad too: it got past the check and
    failed inside with AttributeError: 'str' object has no attribute 'terms'."""
    class MicrogradValue:   # micrograd.engine.Value's attributes
        def __init__(self, data, _children=(), _op=""):
            self.data, self.grad, self._prev, self._op = data, 0.0, set(_children), _op

    a, b = MicrogradValue(2.0), MicrogradValue(3.0)
    c = MicrogradValue(6.0, (a, b), "*")
    with pytest.raises(TypeError, match=r"^draw: expected a Value to draw, got MicrogradValue "):
        draw(c)


BLOG_SCRIPT = """\
import numpy as np
import nn
X = np.array([[0.2, 0.7], [0.9, -0.3], [-0.5, 0.4], [0.6, 0.6]])
Y = np.array([[1.0], [0.0], [1.0], [0.0]])
W_1 = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]); b_1 = np.array([[0.0, 0.1, -0.1]])
W_2 = np.array([[0.7], [-0.5], [0.2]]); b_2 = np.array([[0.05]])
net = nn.MLP.from_matrices([W_1, W_2], [b_1, b_2], layout="rows")
cost = nn.half_mean_squared_error(net.batch(X), Y)
cost.backward()
"""


@pytest.mark.parametrize("name, starts", [
    ("W_1", {"w2_11", "w2_12", "w2_21", "w2_22", "w2_31", "w2_32"}),   # the blog's W1
    ("W2", {"w3_11", "w3_12", "w3_13"}),
    ("b_1", {"b2_1", "b2_2", "b2_3"}),
])
def test_highlight_a_matrix_of_the_network_by_its_name(tmp_path, capsys, name, starts):
    """Seed 004's learner names the blog's matrices W_1, W_2, b_1 (check --wrt W_1 takes
    them); chainrule draw --highlight W_1 said "no node named 'W_1'; named nodes: C, ...
    (58 names)".  It now draws the paths from every entry: in the rows layout W1's entries
    are the weights into layer 2, w²_jk (the oracle: Nielsen's numbering)."""
    from autograd.cli import main
    from autograd.script import run_until_backward
    script = tmp_path / "blog.py"
    script.write_text(BLOG_SCRIPT)
    assert main(["draw", str(script), "--format", "svg", "--highlight", name]) == 0
    assert f"paths from {name} to the root" in (tmp_path / "blog.svg").read_text()
    cost = run_until_backward(str(script), []).root
    source = draw(cost, highlight=name).source
    boxed = re.findall(r'<TABLE BORDER="2" COLOR="#d62728".*?tooltip="([wb]\d_\d+) \(parameter', source)
    parameters = set(boxed)
    assert parameters == starts
    with pytest.raises(KeyError, match="no node named 'W9'"):
        draw(cost, highlight="W9")


def _svg_texts_of(svg_root, tooltip_start):
    """[(text, baseline-shift)] of the node whose tooltip starts with ``tooltip_start``."""
    ns = {"s": "http://www.w3.org/2000/svg", "x": "http://www.w3.org/1999/xlink"}
    for group in svg_root.iterfind(".//s:g[@class='node']", ns):
        link = group.find(".//s:a", ns)
        title = link.get("{http://www.w3.org/1999/xlink}title", "") if link is not None else ""
        if title.startswith(tooltip_start):
            return [(t.text, t.get("baseline-shift")) for t in group.iterfind(".//s:text", ns)]
    raise AssertionError(f"no node titled {tooltip_start!r}")


@needs_dot
def test_latex_names_are_drawn_raised_and_lowered():
    """Nodes named as LaTeX writes them are drawn as LaTeX sets them: w^1_{21} as a w
    with 1 raised and 21 lowered, \\delta^2_1 as δ with 2 raised and 1 lowered, on the
    page as in the picture, and a rule on an edge reads w¹₂₁.  Oracle: the names'
    parts written out by hand, read back from dot's SVG."""
    from autograd.page import step_page
    w = Value(0.5, name="w^1_{21}", kind="parameter")
    x = Value(2.0, name="x")
    z = (w * x).named("z^{(2)}_1")
    d = (z * 2).named("\\delta^2_1")
    d.backward()
    expected = {"w^1_{21} ": [("w", None), ("1", "super"), ("21", "sub")],
                "z^{(2)}_1 ": [("z", None), ("(2)", "super"), ("1", "sub")],
                "\\delta^2_1 ": [("δ", None), ("2", "super"), ("1", "sub")]}
    picture = ET.fromstring(draw(d, show_rules=True).pipe(format="svg"))
    page = step_page(d)
    page_svg = ET.fromstring(page[page.index("<svg"):page.index("</svg>") + 6])
    for svg in (picture, page_svg):
        for tooltip, parts in expected.items():
            texts = _svg_texts_of(svg, tooltip)   # after the op's symbol on the page
            start = texts.index(parts[0])
            assert texts[start:start + 3] == parts, tooltip
    labels = " ".join(picture.itertext())
    assert "w¹₂₁ = 0.5" in labels and "^" not in labels and "\\" not in labels


# ---------------------------------------------------------------------------
# A leaf's grad that adds up several backward() passes
# ---------------------------------------------------------------------------

def _lecture_L():
    """micrograd's lecture: L = (a·b + c)·f with a=2, b=-3, c=10, f=-2; by hand one pass
    gives ∂L/∂a = b·f = 6, ∂L/∂b = a·f = -4, ∂L/∂c = f = -2, ∂L/∂f = a·b + c = 4."""
    a, b, c, f = (Value(x, label=n) for x, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    e = (a * b).named("e")
    d = (e + c).named("d")
    return (d * f).named("L"), {"a": (a, 6.0), "b": (b, -4.0), "c": (c, -2.0), "f": (f, 4.0)}


def _held_note_text(source):
    """The text of the drawing's note on held grads, or None when it has none."""
    nodes, _, _ = parse(source)
    if "held_grads" not in nodes:
        return None
    label = nodes["held_grads"][0]
    text = re.sub(r"<BR[^>]*/>", " ", label)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))).strip()


def test_a_leaf_grad_adding_up_two_passes_has_a_note_in_check_s_words():
    """micrograd's loop without zero_grad: L.backward() twice leaves a.grad = 2·6 = 12, and
    the drawing showed 'grad 12' on a beside an edge of -3 into a node whose grad is -2
    (-3·-2 = 6), with no note.  It now says, as check does, that a.grad is as it stands, not
    one backward() pass's gradient, with one pass's value; one pass, or zeroed grads, no note."""
    L, hand = _lecture_L()
    L.backward()
    assert _held_note_text(draw(L).source) is None            # one pass: the grads are its own
    L.backward()
    source = draw(L).source
    nodes, _, _ = parse(source)
    ids = record_ids(nodes)
    assert "grad 12</TD>" in nodes[ids["a"]][0]                 # 2 × 6, as the box shows it
    note = _held_note_text(source)
    assert note is not None
    for name, (leaf, one) in hand.items():
        assert leaf.grad == 2 * one
        assert (f"{name}.grad as it stands, not one backward() pass's gradient: "
                f"{2 * one:g} (one pass: {one:g})") in note, note
    assert ("most often because a leaf's grad keeps what was put in it until it is zeroed "
            "(p.grad = 0.0, or zero_grad()): each backward() pass adds its gradient to it, and "
            "a training step (nn.train's last, say) leaves its batch's gradient there") in note
    # the same words as check's finding
    from autograd import check
    assert check(L, hand["a"][0], "12").headline() == (
        "Disagrees: your value is a.grad as it stands, not one backward() pass's gradient.")
    assert [leaf.grad for leaf, _ in hand.values()] == [12.0, -8.0, -4.0, 8.0]   # untouched
    # mid-pass (pending), or before any pass from this root: no note
    assert _held_note_text(draw(L, pending=[hand["a"][0]]).source) is None
    for leaf, _ in hand.values():
        leaf.grad = 0.0
    L.backward()
    assert _held_note_text(draw(L).source) is None


def test_the_held_grad_note_names_three_leaves_then_counts_the_rest():
    """A loss over 5 leaves backpropagated 3 times: L = Σ kᵢ·xᵢ, one pass gives ∂L/∂xᵢ = kᵢ,
    each x holds 3·kᵢ; the note names three and counts the other two."""
    xs = [Value(1.0, label=f"x{i}") for i in range(1, 6)]
    L = xs[0] * 1.0
    for k, x in enumerate(xs[1:], start=2):
        L = L + x * float(k)
    for _ in range(3):
        L.backward()
    note = _held_note_text(draw(L).source)
    assert all(x.grad == 3 * k for k, x in enumerate(xs, start=1))
    assert "x1.grad as it stands, not one backward() pass's gradient: 3 (one pass: 1)" in note
    assert "x3.grad as it stands, not one backward() pass's gradient: 9 (one pass: 3)" in note
    assert "x4.grad" not in note and "and 2 more leaves likewise" in note


def test_the_edge_into_a_fixed_exponent_says_so_not_0():
    """L = (x·w)**2: the plain drawing labelled the edge from the 2 into ^ with '0', read as
    its local derivative, though ∂L/∂n = (x·w)^n·ln(x·w) = 2.25·ln 1.5 is not 0: the engine
    gives a fixed exponent no gradient, as the rules view says ('0 (fixed exponent)').  The
    plain drawing now says 'fixed exponent'; the base's edge keeps n·t^(n-1) = 2·1.5 = 3, and
    an exponent that is a Value keeps its number."""
    x, w = Value(3.0, label="x"), Value(0.5, label="w")
    t = x * w
    L = (t ** 2).named("L")
    L.backward()
    nodes, edges, _ = parse(draw(L).source)
    ids = record_ids(nodes)
    into_pow = {src: attrs.get("label") for src, dst, attrs in edges if dst == ids["L"] + "_op"}
    constant = next(src for src in into_pow if "data 2" in nodes[src][0] and "<B>" not in nodes[src][0])
    assert into_pow[constant] == "fixed exponent"
    base = next(src for src in into_pow if src != constant)
    assert float(into_pow[base]) == 2 * (3.0 * 0.5)                       # n·t^(n-1) = 3
    assert "0" not in into_pow.values()
    rules = {src: attrs.get("label") for src, dst, attrs in parse(draw(L, show_rules=True).source)[1]
             if dst == ids["L"] + "_op"}
    assert rules[constant].startswith("0 (fixed exponent)")             # the rules view, as before
    bare = [attrs for _, dst, attrs in parse(draw(L, show_local=False).source)[1]
            if dst == ids["L"] + "_op"]
    assert all("label" not in attrs for attrs in bare)                   # no labels asked: none
    # an exponent that is a Value has a gradient: ∂(x^n)/∂n = x^n·ln x, by hand 9·ln 3
    n = Value(2.0, label="n")
    y = (x ** n).named("y")
    y.backward()
    nodes, edges, _ = parse(draw(y, digits=6).source)
    ids = record_ids(nodes)
    labels = {src: attrs.get("label") for src, dst, attrs in edges if dst == ids["y"] + "_op"}
    assert float(labels[ids["n"]]) == pytest.approx(9.0 * math.log(3.0), rel=1e-5)

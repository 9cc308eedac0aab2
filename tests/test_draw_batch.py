"""Drawing seed 004's mini-batch graph: sample indices, shared parameters, edge labels.

Seed 004: a 2-3-1 sigmoid network run on m = 4 samples (X, Y below), cost =
1/(2m) Σ_i (o2_i − Y_i)².  Oracles: the blog's matrices give the counts
(4 samples × (2 inputs + 3 + 1 neurons), 13 parameters), and each edge's
label is checked against the local derivative by hand: ∂z/∂w_jk = a_k,
∂z/∂a_k = w_jk, ∂z/∂b = 1, σ'(z) = σ(z)(1 − σ(z)).
"""

import html
import math
import re
import shutil

import pytest

nn = pytest.importorskip("nn")

from autograd.draw import draw
from test_draw import parse

X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
Y = [[1.0], [0.0], [0.0], [1.0]]
W1 = [[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]]     # the blog's W1 (2×3): nn's w2_jk = W1[k][j]
B1 = [0.0, 0.1, -0.2]
W2 = [[0.8], [-0.6], [0.4]]
B2 = [-0.1]


def s(z):
    return 1.0 / (1.0 + math.exp(-z))


def seed004():
    weights = [[[W1[k][j] for k in range(2)] for j in range(3)], [[W2[k][0] for k in range(3)]]]
    net = nn.MLP([2, 3, 1], weights=weights, biases=[B1, B2])
    outputs = net.batch(X)
    cost = nn.half_mean_squared_error(outputs, Y).named("cost")
    cost.backward()
    return net, cost


def names_in(label):
    """The typeset name in a record's first cell (html), or None."""
    found = re.search(r"<B>(.*?)</B>", label or "")
    return found.group(1) if found else None


def test_every_x_and_z_node_carries_its_sample():
    net, cost = seed004()
    nodes, _, clusters = parse(draw(cost).source)
    shown = [names_in(label) for label, _ in nodes.values()]
    xs = [n for n in shown if n and n.startswith("x<SUB>")]
    zs = [n for n in shown if n and n.startswith("z<SUP>")]
    assert len(xs) == 4 * 2 and len(zs) == 4 * (3 + 1)
    for name in xs + zs:
        assert re.search(r"<SUP>\(([1-4])\)</SUP>$", name), name
    # x₁⁽²⁾: sample 2's first input, with 1.5 from X's second row
    x12 = next(i for i, (label, _) in nodes.items() if names_in(label) == "x<SUB>1</SUB><SUP>(2)</SUP>")
    assert "data 1.5<" in nodes[x12][0]
    # each sample's nodes are in its own cluster
    for sample in range(1, 5):
        members = {names_in(nodes[i][0]) for i in clusters[f"cluster_sample{sample}"]}
        assert f"z<SUP>3</SUP><SUB>1</SUB><SUP>({sample})</SUP>" in members
        assert f"x<SUB>2</SUB><SUP>({sample})</SUP>" in members
        assert not any(m and f"({other})" in m for m in members for other in range(1, 5)
                       if other != sample)


def test_each_parameter_appears_once_outside_the_samples():
    net, cost = seed004()
    nodes, _, clusters = parse(draw(cost).source)
    shown = [names_in(label) for label, _ in nodes.values()]
    for p in net.parameters():
        typeset = re.sub(r"^(\w)(\d)_(\d+)$", r"\1<SUP>\2</SUP><SUB>\3</SUB>", p.name)
        assert shown.count(typeset) == 1, p.name
    assert len(net.parameters()) == 13
    in_samples = set().union(*(clusters[f"cluster_sample{i}"] for i in range(1, 5)))
    shared = {i for i, (label, _) in nodes.items() if "#fdd5a8" in (label or "") and i != "legend"}
    assert len(shared) == 13 and not shared & in_samples
    # layer 2's neuron 1 lists w²₁₁, w²₁₂ then b²₁ (the order dot first meets them)
    first = re.search(r"^\t(v[\d; v]+)$", draw(cost).source, re.M).group(1).split("; ")
    order = [names_in(nodes[i][0]) for i in first if names_in(nodes[i][0]).startswith(("w", "b"))]
    assert order[4:7] == ["w<SUP>2</SUP><SUB>11</SUB>", "w<SUP>2</SUP><SUB>12</SUB>",
                          "b<SUP>2</SUP><SUB>1</SUB>"]


def test_every_edge_carries_its_local_derivative_at_its_end():
    net, cost = seed004()
    source = draw(cost).source
    nodes, edges, _ = parse(source)
    slot_edges = re.findall(r"^\t(v\d+) -> (v\d+)_op:i(\d+):w", source, re.M)
    plain = [(a, b, attrs) for a, b, attrs in edges if b.endswith("_op")]
    # every edge into an op has a label: on the edge, or in the slot where it ends
    slots = {}
    for node_id, (label, _) in nodes.items():
        for slot, text in re.findall(r'<TD PORT="i(\d+)"[^>]*><FONT[^>]*>(.*?)</FONT>', label or ""):
            slots[(node_id, int(slot))] = html.unescape(text)
    assert len(slot_edges) == 4 * (3 * 5 + 7) + 4           # 12 hidden Σ, 4 output Σ, the Σ over samples
    for _, op, slot in slot_edges:
        assert slots[(f"{op}_op", int(slot))] not in ("", "&nbsp;")
    assert all("label" in attrs for _, _, attrs in plain)
    # by hand, sample 2 (x = [1.5, 0.2]): ∂z²₁/∂w²₁₁ = x₁ = 1.5, ∂z²₁/∂x₁ = w²₁₁ = 0.2,
    # ∂z²₁/∂b²₁ = 1, and σ'(z²₁) on the edge into a²₁⁽²⁾
    ids = {names_in(label): i for i, (label, _) in nodes.items() if names_in(label)}
    z = ids["z<SUP>2</SUP><SUB>1</SUB><SUP>(2)</SUP>"]
    texts = [slots[(f"{z}_op", k)] for k in range(5)]
    assert texts == ["1.5", "0.2", "0.2", "-0.5", "1"]        # w²₁₁, w²₁₂ ← x; x₁, x₂ ← w; b
    a = ids["a<SUP>2</SUP><SUB>1</SUB><SUP>(2)</SUP>"]
    into_a = next(attrs for src, dst, attrs in plain if src == z and dst == f"{a}_op")
    z21 = 0.2 * 1.5 - 0.5 * 0.2 + 0.0
    assert into_a["label"] == f"{s(z21) * (1 - s(z21)):.4g}"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_samples_are_drawn_in_order_top_to_bottom(tmp_path):
    import json
    net, cost = seed004()
    graph = draw(cost)
    layout = json.loads(graph.pipe(format="json").decode())
    tops = {}
    for obj in layout["objects"]:
        if re.fullmatch(r"cluster_sample\d", obj.get("name", "")):
            x0, y0, x1, y1 = map(float, obj["bb"].split(","))
            tops[int(obj["name"][-1])] = y1          # dot's y grows upwards
    assert sorted(tops, key=lambda k: -tops[k]) == [1, 2, 3, 4]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
@pytest.mark.parametrize("rankdir, compact", [("LR", False), ("TB", False), ("TB", True),
                                              ("LR", True), ("BT", False), ("RL", False)])
@pytest.mark.parametrize("m", [2, 4])
def test_each_samples_nodes_are_drawn_in_index_order(rankdir, compact, m):
    """Within each sample, x₁ comes before x₂ and z²₁, z²₂, z²₃ in order, reading down
    the page when the graph runs left to right and across it when it runs top to
    bottom (a 2-sample batch on the step-through page, which draws it top to bottom,
    read x₂ x₁ and z²₃ z²₂ z²₁); the samples and the shared w²_j1 keep their order
    too.  Oracle: the node positions dot writes (its JSON), against the indices."""
    import json
    from autograd.graph import all_nodes
    net = nn.MLP([2, 3, 1], weights=[[[W1[k][j] for k in range(2)] for j in range(3)],
                                     [[W2[k][0] for k in range(3)]]], biases=[B1, B2])
    cost = nn.half_mean_squared_error(net.batch(X[:m]), Y[:m]).named("cost")
    cost.backward()
    ids = {f"v{i}": node.name for i, node in enumerate(all_nodes(cost))}
    layout = json.loads(draw(cost, rankdir=rankdir, compact=compact).pipe(format="json"))
    across = rankdir in ("TB", "BT")
    where = {}
    for obj in layout["objects"]:
        if obj.get("name") in ids and "pos" in obj:
            x, y = map(float, obj["pos"].split(","))
            where[ids[obj["name"]]] = x if across else -y     # dot's y grows upwards

    def in_order(names):
        return all(where[a] < where[b] for a, b in zip(names, names[1:]))

    for i in range(1, m + 1):
        assert in_order([f"x1({i})", f"x2({i})"]), (i, where[f"x1({i})"], where[f"x2({i})"])
        assert in_order([f"z2_{j}({i})" for j in (1, 2, 3)]), i
    assert in_order([f"x1({i})" for i in range(1, m + 1)])
    assert in_order(["w2_11", "w2_21", "w2_31"])

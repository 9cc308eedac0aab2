"""explain(): ∂root/∂wrt as a sum over chain-rule paths (worked examples 000 and 003, random
graphs, the grouped fallback for many paths, the command line)."""

import math
import random

import pytest

from autograd import Value, dot
from autograd.cli import main
from autograd.explain import TooManyPaths, explain, latex_name
from conftest import assert_close, central_difference
from graphs import random_graph


def s(z):
    return 1.0 / (1.0 + math.exp(-z))


def d(z):
    """σ'(z) = σ(z)(1 - σ(z))."""
    return s(z) * (1.0 - s(z))


# ---------------------------------------------------------------------------
# Seed 000: the 1-1-1 network with one bias b shared by both neurons
# ---------------------------------------------------------------------------

X, W1, W2, B, Y = 0.8, 0.4, -0.6, 0.3, 1.0


def seed000(fused=False):
    """net1 = x·w1 + b, h = σ(net1), net2 = h·w2 + b, y' = σ(net2), L = ½(y - y')²."""
    x, y = Value(X, "x"), Value(Y, "y", kind="constant")
    w1, w2, b = (Value(v, n, kind="parameter") for v, n in ((W1, "w1"), (W2, "w2"), (B, "b")))
    if fused:
        net1 = dot([w1], [x], b).named("net1")
    else:
        net1 = (x * w1 + b).named("net1")
    h = net1.sigmoid().named("h")
    net2 = (dot([w2], [h], b) if fused else h * w2 + b).named("net2")
    yp = net2.sigmoid().named("y'")
    L = (0.5 * (y - yp) ** 2).named("L")
    return L, dict(x=x, y=y, w1=w1, w2=w2, b=b, net1=net1, h=h, net2=net2, yp=yp, L=L)


def seed000_hand():
    """The textbook's numbers for seed 000."""
    net1 = X * W1 + B
    h = s(net1)
    net2 = h * W2 + B
    yp = s(net2)
    return dict(net1=net1, h=h, net2=net2, yp=yp,
                dw1=X * h * (1 - h) * W2 * yp * (1 - yp) * (yp - Y),
                dw2=h * yp * (1 - yp) * (yp - Y),
                db_via_net2=yp * (1 - yp) * (yp - Y),
                db_via_net1=h * (1 - h) * W2 * yp * (1 - yp) * (yp - Y))


def test_seed000_dL_dw1_is_one_path_with_the_textbook_factors():
    L, n = seed000()
    hand = seed000_hand()
    e = explain(L, n["w1"])
    assert not e.grouped and e.path_count == 1 and len(e.paths) == 1
    path = e.paths[0]
    assert path.nodes[0] is n["w1"] and path.nodes[-1] is L
    # the factors that are not exactly 1, in order from w1 up to L
    shown = [(f.formula, f.value) for f in path.factors if not f.trivial]
    hp, h = hand["yp"], hand["h"]
    expected = [("x", X), ("h(1-h)", h * (1 - h)), ("w2", W2), ("y'(1-y')", hp * (1 - hp)),
                ("-1", -1.0), ("2(y-y')", 2 * (Y - hp)), ("0.5", 0.5)]
    assert [f for f, _ in shown] == [f for f, _ in expected]
    for (_, got), (_, want) in zip(shown, expected):
        assert_close(got, want, rel=1e-12)
    assert_close(path.product, hand["dw1"], rel=1e-12)
    assert_close(e.total, hand["dw1"], rel=1e-12)
    assert_close(e.total, central_difference(lambda v: _loss_at(w1=v), W1), rel=1e-6)
    assert path.formula() == "x · h(1-h) · w2 · y'(1-y') · (y'-y)"
    assert e.latex() == ("\\frac{\\partial L}{\\partial w_{1}} = x \\cdot h(1-h) \\cdot w_{2} "
                         f"\\cdot y'(1-y') \\cdot (y'-y) = {hand['dw1']:.12g}")


def _loss_at(**changes):
    """L for seed 000 with some of x, w1, w2, b replaced (finite-difference oracle)."""
    v = dict(x=X, w1=W1, w2=W2, b=B)
    v.update(changes)
    h = s(v["x"] * v["w1"] + v["b"])
    return 0.5 * (Y - s(h * v["w2"] + v["b"])) ** 2


def test_seed000_factor_texts_in_the_nodes_names():
    """Each factor alone names its own node (x·w1); along the path the + b above it is
    a factor of exactly 1, so the path names the textbook's net1."""
    L, n = seed000()
    path = explain(L, n["w1"]).paths[0]
    factors = [f.text for f in path.factors if not f.trivial]
    assert factors[:3] == ["∂(x·w1)/∂w1 = x", "∂h/∂net1 = σ'(net1) = h(1-h)", "∂(h·w2)/∂h = w2"]
    texts = [path.factor_text(i) for i, f in enumerate(path.factors) if not f.trivial]
    assert texts[:4] == ["∂net1/∂w1 = x", "∂h/∂net1 = σ'(net1) = h(1-h)",
                         "∂net2/∂h = w2", "∂y'/∂net2 = σ'(net2) = y'(1-y')"]
    assert texts[4:] == ["∂(y-y')/∂y' = -1", "∂(y-y')²/∂(y-y') = 2(y-y')", "∂L/∂(y-y')² = 0.5"]
    assert path.route() == "w1 → net1 → h → net2 → y' → L"


def test_seed000_with_dot_nodes_reads_like_the_question():
    """With one node per weighted input the partials are the asker's: ∂net2/∂h = w2."""
    L, n = seed000(fused=True)
    e = explain(L, n["w1"])
    texts = [f.text for f in e.paths[0].factors if not f.trivial]   # no path needed
    assert texts[:4] == ["∂net1/∂w1 = x", "∂h/∂net1 = σ'(net1) = h(1-h)",
                         "∂net2/∂h = w2", "∂y'/∂net2 = σ'(net2) = y'(1-y')"]
    assert e.paths[0].route() == "w1 → net1 → h → net2 → y' → L"
    assert_close(e.total, seed000_hand()["dw1"], rel=1e-12)


def test_seed000_dL_dw2():
    L, n = seed000()
    e = explain(L, "w2")
    assert e.paths[0].formula() == "h · y'(1-y') · (y'-y)"
    assert_close(e.total, seed000_hand()["dw2"], rel=1e-12)
    assert_close(e.total, central_difference(lambda v: _loss_at(w2=v), W2), rel=1e-6)


def test_seed000_shared_bias_has_two_paths_that_add():
    L, n = seed000()
    hand = seed000_hand()
    e = explain(L, n["b"])
    assert e.path_count == 2
    by_route = {p.route(): p for p in e.paths}
    assert set(by_route) == {"b → net1 → h → net2 → y' → L", "b → net2 → y' → L"}
    long_path = by_route["b → net1 → h → net2 → y' → L"]
    short_path = by_route["b → net2 → y' → L"]
    assert_close(long_path.product, hand["db_via_net1"], rel=1e-12)
    assert_close(short_path.product, hand["db_via_net2"], rel=1e-12)
    assert long_path.formula() == "h(1-h) · w2 · y'(1-y') · (y'-y)"
    assert short_path.formula() == "y'(1-y') · (y'-y)"
    assert_close(e.total, hand["db_via_net1"] + hand["db_via_net2"], rel=1e-12)
    assert_close(e.total, central_difference(lambda v: _loss_at(b=v), B), rel=1e-6)
    text = str(e)
    assert "b reaches L along 2 paths" in text
    assert f"= {e.total:.12g}" in text
    assert e.latex().count("\\left[") == 2


# ---------------------------------------------------------------------------
# Seed 003: O = s(s(s(I w1+1) w2+1) w4 + s(s(I w1+1) w3+1) w5 + 1)
# ---------------------------------------------------------------------------

DESMOS = 0.0014291881022


def seed003():
    I = Value(1.0, name="I")
    w1, w2, w3, w4, w5 = (Value(0.5, name=f"w{i}", kind="parameter") for i in range(1, 6))
    h1 = (I * w1 + 1).sigmoid().named("h1")
    h2 = (h1 * w2 + 1).sigmoid().named("h2")
    h3 = (h1 * w3 + 1).sigmoid().named("h3")
    O = (h2 * w4 + h3 * w5 + 1).sigmoid().named("O")
    return O, dict(I=I, w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, h1=h1, h2=h2, h3=h3, O=O)


def seed003_path_product(w_mid, w_out):
    """d(net4)·w_out·d(net2)·w_mid·d(net1)·I by hand, all weights 0.5, I = 1."""
    net1 = 1.0 * 0.5 + 1
    net2 = s(net1) * 0.5 + 1
    net4 = s(net2) * 0.5 + s(net2) * 0.5 + 1
    return d(net4) * w_out * d(net2) * w_mid * d(net1) * 1.0


def test_seed003_two_paths_and_the_desmos_total():
    O, n = seed003()
    e = explain(O, n["w1"])
    assert e.path_count == 2
    routes = [p.route() for p in e.paths]
    assert sorted(routes) == ["w1 → (via I) → h1 → (via w2) → h2 → (via w4) → t10 → O",
                              "w1 → (via I) → h1 → (via w3) → h3 → (via w5) → t10 → O"]
    upper = e.paths[routes.index("w1 → (via I) → h1 → (via w2) → h2 → (via w4) → t10 → O")]
    lower = e.paths[routes.index("w1 → (via I) → h1 → (via w3) → h3 → (via w5) → t10 → O")]
    assert upper.formula() == "I · h1(1-h1) · w2 · h2(1-h2) · w4 · O(1-O)"
    assert lower.formula() == "I · h1(1-h1) · w3 · h3(1-h3) · w5 · O(1-O)"
    hand = seed003_path_product(0.5, 0.5)
    assert_close(upper.product, hand, rel=1e-12)
    assert_close(lower.product, hand, rel=1e-12)
    assert abs(e.total - DESMOS) < 1e-13
    assert e.total == e.engine or abs(e.total - e.engine) < 1e-18
    text = str(e)
    assert "w1 reaches O along 2 paths" in text
    assert "path 1: " in text and "path 2: " in text
    assert "0.0014291881022" in text
    # the + 1 above h1·w2 is a factor of exactly 1, so the edge names the node the
    # next factor differentiates: ∂(h1·w2+1)/∂h1 · ∂h2/∂(h1·w2+1) link up
    assert "∂(h1·w2+1)/∂h1 = w2 = 0.5" in text
    assert "∂h2/∂(h1·w2+1) = σ'(h1·w2+1) = h2(1-h2)" in text
    assert "∂h2/∂(h1·w2+1) = σ'(h1·w2+1) = h2(1-h2)" in text
    latex = e.latex()
    assert latex.startswith("\\frac{\\partial O}{\\partial w_{1}} = \\left[ I \\cdot h_{1}(1-h_{1})")
    assert "w_{3} \\cdot h_{3}(1-h_{3}) \\cdot w_{5} \\cdot O(1-O) \\right]" in latex
    assert latex.endswith("= 0.0014291881022")


def test_explain_leaves_every_grad_as_it_was():
    O, n = seed003()
    n["w1"].grad = 123.0
    n["h2"].grad = -4.0
    explain(O, n["w1"])
    assert n["w1"].grad == 123.0 and n["h2"].grad == -4.0 and n["w5"].grad == 0.0


def test_latex_names_follow_the_textbooks():
    assert latex_name("w2_11") == "w^{2}_{11}"
    assert latex_name("w2") == "w_{2}"
    assert latex_name("net2") == "\\mathit{net}_{2}"
    assert latex_name("y'") == "y'"
    assert latex_name("my loss") == "\\mathrm{my\\ loss}"


# ---------------------------------------------------------------------------
# Random graphs: the paths always add up to the engine's gradient
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(25))
def test_random_graph_paths_sum_to_the_engine_gradient(seed):
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1.5, 1.5), name=f"v{i}") for i in range(3)]
    root = random_graph(rng, leaves, rng.randint(2, 12))
    root.backward()
    grads = [v.grad for v in leaves]
    for v, grad in zip(leaves, grads):
        try:
            e = explain(root, v)
        except ValueError:   # this leaf is not used by the graph
            assert grad == 0.0
            continue
        assert_close(e.total, grad, rel=1e-9, abs_=1e-12, what=f"seed {seed}, {v.name}")
        assert_close(math.fsum(p.product for p in e.paths), grad, rel=1e-9, abs_=1e-12)
        for p in e.paths:
            assert_close(p.product, math.prod(f.value for f in p.factors), rel=1e-12)
            assert p.nodes[0] is v and p.nodes[-1] is root
    assert [v.grad for v in leaves] == grads  # explain ran its own pass and restored


def test_a_square_is_two_paths():
    a = Value(3.0, name="a")
    y = (a * a).named("y")
    e = explain(y, a)
    assert e.path_count == 2 and [p.product for p in e.paths] == [3.0, 3.0] and e.total == 6.0


def test_wrt_is_the_root():
    x = Value(2.0, name="x")
    assert explain(x, x).total == 1.0


# ---------------------------------------------------------------------------
# Many paths: grouped by reverse-mode accumulation
# ---------------------------------------------------------------------------

def dot_network(sizes, seed=3):
    """A sigmoid MLP built by hand from dot nodes; C = ½(a^L - 0.25)²."""
    rng = random.Random(seed)
    inputs = [Value(rng.uniform(-1, 1), name=f"x{k}") for k in range(1, sizes[0] + 1)]
    a = inputs
    for l, width in enumerate(sizes[1:], 2):
        layer = []
        for j in range(1, width + 1):
            w = [Value(rng.uniform(-1, 1), name=f"w{l}_{j}{k}", kind="parameter")
                 for k in range(1, len(a) + 1)]
            b = Value(rng.uniform(-1, 1), name=f"b{l}_{j}", kind="parameter")
            layer.append(dot(w, a, b).named(f"z{l}_{j}").sigmoid().named(f"a{l}_{j}"))
        a = layer
    C = (0.5 * (a[0] - 0.25) ** 2).named("C")
    return C, inputs


def test_2_16_16_1_network_grouped_above_the_limit():
    C, (x1, x2) = dot_network([2, 16, 16, 1])
    full = explain(C, x1)                       # 16·16 = 256 paths: listed
    assert full.path_count == 256 and len(full.paths) == 256 and not full.grouped
    grouped = explain(C, x1, limit=100)
    assert grouped.grouped and grouped.path_count == 256
    assert_close(grouped.total, full.total, rel=1e-9)
    assert_close(grouped.total, central_difference(lambda v: _rerun(C, x1, v), x1.data), rel=1e-5)
    with pytest.raises(TooManyPaths, match="256 paths, more than limit=100"):
        grouped.paths
    text = str(grouped)
    assert "more than the limit of 100, so they are grouped by reverse-mode accumulation" in text
    assert "δ(C) = 1" in text
    assert "∂z2_1/∂x1 · δ(z2_1) = w2_11" in text
    # δ at z2_1 is the sum over the 16 paths through it of their tails
    z2_1 = next(node for node, _ in grouped.deltas if node.name == "z2_1")
    tails = [p.product / p.factors[0].value for p in full.paths if p.nodes[1] is z2_1]
    assert len(tails) == 16
    assert_close(dict(grouped.deltas)[z2_1], math.fsum(tails), rel=1e-9)
    assert "\\delta_{z^{2}_{1}}" in grouped.latex()


def _rerun(root, leaf, value):
    """root's value with leaf.data = value, re-evaluated by the test (an oracle)."""
    saved = leaf.data
    leaf.data = value
    try:
        return _evaluate(root, {})
    finally:
        leaf.data = saved


def _evaluate(node, memo):
    """Plain recursive re-evaluation for the small test graphs (independent of check.py)."""
    if node in memo:
        return memo[node]
    if not node.parents:
        return node.data
    args = [_evaluate(p, memo) for p in node.parents]
    name = node.op.name
    if name == "dot":
        k = len(args) // 2
        out = sum(w * a for w, a in zip(args[:k], args[k:2 * k])) + sum(args[2 * k:])
    else:
        out = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
               "pow": lambda a, b: a ** b, "sigmoid": s}[name](*args)
    memo[node] = out
    return out


def test_default_limit_groups_a_deep_dense_network():
    C, (x1, _) = dot_network([2, 16, 16, 16, 16, 1], seed=5)
    e = explain(C, x1)                          # 16^4 = 65,536 paths > 10,000
    assert e.grouped and e.path_count == 16 ** 4
    C.backward()
    assert_close(e.total, x1.grad, rel=1e-9, abs_=1e-15)


def test_a_chain_with_2_to_the_60_paths_does_not_hang():
    v = Value(0.7, name="v")
    n = v
    for _ in range(60):
        n = (n + n) * 0.5                       # n stays v: ∂n/∂v = 1 along 2^60 paths
    e = explain(n, v)
    assert e.path_count == 2 ** 60 and e.grouped and e.total == 1.0


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

def test_unknown_name_lists_the_names():
    L, _ = seed000()
    with pytest.raises(KeyError, match=r"no node named 'w9' .*named nodes: L, b, h, net1"):
        explain(L, "w9")


def test_wrt_outside_the_graph_is_named():
    L, _ = seed000()
    with pytest.raises(ValueError, match=r"does not depend on 'z' = 1.0"):
        explain(L, Value(1.0, name="z"))


def test_ambiguous_name_and_bad_arguments():
    a, b = Value(1.0, name="u"), Value(2.0, name="u")
    with pytest.raises(ValueError, match="2 nodes are named 'u'"):
        explain(a * b, "u")
    with pytest.raises(TypeError, match="root must be a Value, got float"):
        explain(1.0, a)
    with pytest.raises(TypeError, match="wrt must be a Value or a node's name, got int"):
        explain(a * b, 3)
    with pytest.raises(ValueError, match="limit must be a positive int"):
        explain(a * b, a, limit=0)


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

SCRIPT_003 = """\
from autograd import Value
I = Value(1.0, name="I")
w1, w2, w3, w4, w5 = (Value(0.5, name=f"w{i}", kind="parameter") for i in range(1, 6))
h1 = (I * w1 + 1).named("net1").sigmoid().named("h1")
h2 = (h1 * w2 + 1).named("net2").sigmoid().named("h2")
h3 = (h1 * w3 + 1).named("net3").sigmoid().named("h3")
O = (h2 * w4 + h3 * w5 + 1).named("net4").sigmoid().named("O")
O.backward()
raise SystemExit("the script must stop at backward()")
"""


@pytest.fixture
def script003(tmp_path):
    path = tmp_path / "seed003.py"
    path.write_text(SCRIPT_003)
    return str(path)


def test_cli_explain_prints_the_paths(script003, capsys):
    assert main(["explain", script003, "--wrt", "w1"]) == 0
    out = capsys.readouterr().out
    assert "path 1: w1 → net1 → h1 → net2 → h2 → net4 → O" in out
    assert "sum over the 2 paths" in out and "0.0014291881022" in out


def test_cli_explain_latex_and_root(script003, capsys):
    assert main(["explain", script003, "--wrt", "w1", "--root", "h2", "--latex"]) == 0
    out = capsys.readouterr().out.strip()
    hand = d(1.5) * 0.5 * d(s(1.5) * 0.5 + 1)
    assert out.startswith("\\frac{\\partial h_{2}}{\\partial w_{1}} = I \\cdot h_{1}(1-h_{1})")
    assert out.endswith(f"= {hand:.12g}")


def test_cli_unknown_name_lists_the_names(script003, capsys):
    assert main(["explain", script003, "--wrt", "w9"]) == 2
    err = capsys.readouterr().err
    assert "no node named 'w9'" in err and "w1, w2, w3, w4, w5" in err


def test_a_negative_term_after_a_plus_is_bracketed():
    """micrograd's ``c += 1 + c + (-a)``: the sum reads 1+c+(-a), never 1+c+-a."""
    a, c = Value(-4.0, name="a"), Value(2.0, name="c")
    s = (1 + c + (-a)).named("s")
    e = explain(s, a)
    assert e.total == -1.0 and "+-" not in str(e)          # ∂(-a)/∂a = -1 by hand
    from autograd.notation import Namer, TextNotation
    n = Namer(TextNotation())
    assert [n.text(x) for x in (a * c + (-a), a - (-c), a + (-0.5), (-a) + c)] == [
        "a·c+(-a)", "a-(-c)", "a+(-0.5)", "-a+c"]


@pytest.mark.parametrize("command", [["explain"], ["check", "--expected", "0.0014"]])
@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_cli_limit_must_be_a_positive_count(tmp_path, capsys, command, limit):
    script = tmp_path / "desmos.py"
    script.write_text(SCRIPT_003)
    argv = [command[0], str(script), "--wrt", "w1", "--limit", limit, *command[1:]]
    assert _exit_code(main, argv) == 2
    err = capsys.readouterr().err
    assert f"argument --limit: takes a whole number of paths, at least 1; got '{limit}'" in err
    assert "Traceback" not in err


def _exit_code(run, argv):
    try:
        return run(argv)
    except SystemExit as exit_:
        return exit_.code


def test_a_long_chain_is_explained_in_linear_time():
    """A training-loop-like chain of 3000 unnamed steps: the where line looked every
    label up in the whole text (quadratic, 12 s); now well under a second."""
    import time
    x = Value(1.0, name="x")
    y = x
    for _ in range(3000):
        y = y * 1.0000001 + 0.0
    start = time.perf_counter()
    text = str(explain(y, x))
    assert time.perf_counter() - start < 4.0
    shown = float(text.splitlines()[0].split("=")[1].split()[0])
    assert shown == pytest.approx(1.0000001 ** 3000, rel=1e-10)     # d/dx of x·c^n: c^n


def test_a_route_shows_the_labelled_unnamed_node_it_passes():
    # micrograd style: L = ReLU(ReLU(a·b+b+a))·a, the sum labelled t3 in the where line
    a, b = Value(2.0, name="a"), Value(3.0, name="b")
    L = (a * b + b + a).relu().relu() * a
    e = explain(L, a)
    assert "where t3 = a·b+b+a;" in str(e)
    routes = sorted(p.route() for p in e.paths)
    assert routes == ["a → (via b) → t3 → t6", "a → t3 → t6", "a → t6"]
    # by hand: ∂L/∂a = (b+1)·a + (a·b+b+a) = 4·2 + 11 = 19
    assert e.total == 19.0


def test_a_factor_is_not_written_as_the_whole_derivative_of_a_node_with_other_paths():
    """L = (2-a)·(2/a) + a^(-1) - b/2 + exp(-a): on the path through a^(-1) the factor line
    read '∂L/∂a = -a^(-2) = -0.111111' (the + edges above it folded in), while the header
    says ∂L/∂a = -0.605.  Oracle, by hand: the path's factor d(a^-1)/da = -1/a² = -1/9; the
    total -2/a + (2-a)(-2/a²) - 1/a² - e^(-a) at a = 3."""
    a, b = Value(3.0, name="a"), Value(-2.0, name="b")
    L = ((2 - a) * (2 / a) + a ** -1 - b / 2 + (-a).exp()).named("L")
    explanation = explain(L, a)
    total = -2 / 3 + (2 - 3) * (-2 / 9) - 1 / 9 - math.exp(-3)
    assert explanation.total == pytest.approx(total, rel=1e-12)
    lines = str(explanation).splitlines()
    assert not any(line.startswith("  ∂L/∂a =") for line in lines)
    factor = next(line for line in lines if "-a^(-2) = " in line)
    assert factor.strip().startswith("∂a^(-1)/∂a") and float(factor.split()[-1]) == \
        pytest.approx(-1 / 9, rel=1e-5)
    assert "  ∂L/∂(2-a) = 2/a = 0.666667" in lines      # (2-a) reaches L by one path only


def test_the_engine_aside_says_it_runs_no_hooks_when_the_graph_has_one():
    """z = 3·x² with a hook on y = x² that multiplies its gradient by 10: explain printed
    "(backward() gives 12)" beside the paths, while the learner's backward() gave 120.
    Oracle: by hand, ∂z/∂x = 6x = 12 without the hook and 10·12 = 120 with it."""
    x = Value(2.0, name="x")
    y = (x * x).named("y")
    z = (y * 3).named("z")
    y.register_hook(lambda g: g * 10)
    first = str(explain(z, x)).splitlines()[0]
    assert first == "∂z/∂x = 12   (backward() gives 12 without hooks; y has a hook, which " \
                    "backward() runs)"
    z.backward()
    assert x.grad == 120.0
    plain = Value(2.0, name="x")
    assert str(explain(((plain * plain) * 3).named("z"), plain)).splitlines()[0] == \
        "∂z/∂x = 12   (backward() gives 12)"


def test_the_engine_aside_walks_no_graph_when_no_hook_was_ever_registered(monkeypatch):
    """The aside's hook check walks root's graph only once some hook has been registered
    (engine.hooks_registered); with none, explain's line is as before, by hand
    ∂z/∂x = 6x = 12 at x = 2 for z = 3·x², and no walk is spent on looking for hooks."""
    from autograd import engine, graph
    monkeypatch.setattr(engine, "hooks_registered", False)
    walks = []
    all_nodes = graph.all_nodes
    monkeypatch.setattr(graph, "all_nodes", lambda root: walks.append(root) or all_nodes(root))
    x = Value(2.0, name="x")
    z = ((x * x).named("y") * 3).named("z")
    assert str(explain(z, x)).splitlines()[0] == "∂z/∂x = 12   (backward() gives 12)"
    assert walks == []


def test_a_numpy_int_limit_is_a_positive_int():
    """explain(..., limit=np.int64(5)) and check(..., limit=np.int64(5)) said 'limit must
    be a positive int, got np.int64(5)' (draw's max_nodes alike).  Oracle: the answer of
    limit=5, and ∂L/∂w = x = 2 by hand."""
    np = pytest.importorskip("numpy")
    from autograd.check import check
    x, w = Value(2.0, name="x"), Value(-3.0, name="w")
    L = (x * w).named("L")
    assert str(explain(L, "w", limit=np.int64(5))) == str(explain(L, "w", limit=5))
    assert check(L, "w", "2.00", limit=np.int64(5)).engine == 2.0
    from autograd.draw import draw
    assert draw(L, max_nodes=np.int64(50)).source == draw(L, max_nodes=50).source
    with pytest.raises(ValueError, match="limit must be a positive int, got bool True"):
        explain(L, "w", limit=True)
    with pytest.raises(ValueError, match=r"limit must be a positive int, got int64 np.int64\(0\)"):
        explain(L, "w", limit=np.int64(0))


@pytest.mark.parametrize("name, latex", [
    ("w2_11", "(w^{2}_{11})^{2}"),          # Nielsen's weight
    ("x1(2)", "(x^{(2)}_{1})^{2}"),         # sample 2's x1, as a batch names it
    ("z2_1(3)", "(z^{2,(3)}_{1})^{2}"),
    ("a^{l-1}_1", "(a^{l-1}_{1})^{2}"),     # a name written as LaTeX writes it
    ("y_{a}", "y_{a}^{2}"),                 # a subscript only: no brackets needed
    ("net2", "\\mathit{net}_{2}^{2}"),
])
def test_a_power_of_a_name_with_a_superscript_is_valid_latex(name, latex):
    """explain --latex wrote the square of Nielsen's w2_11 as w^{2}_{11}^{2}, which LaTeX
    (and matplotlib's mathtext) refuse: "Double superscript".  Oracle: y = v²·x, ∂y/∂x = v²
    = 9 at v = 3 by hand, the LaTeX written out by hand, and mathtext's parser."""
    v, x = Value(3.0, name=name), Value(2.0, name="x")
    y = (v ** 2 * x).named("y")
    y.backward()
    tex = explain(y, x).latex()
    assert tex == f"\\frac{{\\partial y}}{{\\partial x}} = {latex} = 9"
    mathtext = pytest.importorskip("matplotlib.mathtext")
    mathtext.MathTextParser("path").parse(f"${tex}$")


def test_a_power_of_a_sampled_name_keeps_the_name_whole_and_reads_back():
    """The square of sample 2's x1 was written x1²(2), as tanh(z)² is tanh²(z), and check
    refused it ("no node named 'x1'"); a call keeps that form.  Oracle: y = v²·x, ∂y/∂x = v²
    = 9 at v = 3; ∂tanh²(z)/∂z = 2 tanh(z)(1 - tanh²(z)) by hand."""
    from autograd.check import check
    v, x = Value(3.0, name="x1(2)"), Value(2.0, name="x")
    y = (v ** 2 * x).named("y")
    y.backward()
    text = str(explain(y, x))
    assert "  product: x1(2)² = 9\n" in text
    verdict = check(y, x, "x1(2)²")
    assert verdict and verdict.formula.evaluate() == 9.0
    z = Value(0.3, name="z")
    t = (z.tanh() ** 2).named("t")
    t.backward()
    assert "  product: 2(1-tanh²(z)) · tanh(z) = 0.533182\n" in str(explain(t, z))
    assert z.grad == pytest.approx(2 * math.tanh(0.3) * (1 - math.tanh(0.3) ** 2), rel=1e-15)

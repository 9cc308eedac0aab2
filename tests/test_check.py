"""check(): a hand-derived gradient against the engine and finite differences, the
diagnosis of what it left out (worked examples 000 and 003), and gradcheck()."""

import functools
import math
import random

import pytest

from autograd import Value, ops, sum_values
from autograd.check import (
    FORWARD, GradcheckError, check, finite_difference, gradcheck,
)
from autograd.cli import main
from autograd.explain import explain
from autograd.engine import all_nodes
from conftest import assert_close
from graphs import random_graph
from test_explain import DESMOS, SCRIPT_003, W2, X, d, s, seed000, seed000_hand, seed003

ASKER = 0.00571675240882   # seed 003: the asker's formula, as reported


# ---------------------------------------------------------------------------
# Seed 003: the asker's value is 4x too big; w4·w2 and w5·w3 are missing
# ---------------------------------------------------------------------------

def test_seed003_asker_value_missing_w4_w2_and_w5_w3():
    O, n = seed003()
    v = check(O, n["w1"], ASKER)
    assert not v and v.agreed is False
    assert abs(v.engine - DESMOS) < 1e-13
    assert_close(v.finite_difference, DESMOS, rel=1e-6)
    assert v.fd_agrees
    assert_close(v.ratio, 4.0, rel=1e-10)
    assert v.rtol == 1e-6 and v.tolerance == pytest.approx(1e-6 * ASKER)
    diag = v.diagnosis
    assert diag.kind == "missing factors"
    missing = {path.route(): [f.formula for f in fs] for _, path, fs in diag.factors}
    assert missing == {"w1 → (via I) → h1 → (via w2) → h2 → (via w4) → t10 → O": ["w4", "w2"],
                       "w1 → (via I) → h1 → (via w3) → h3 → (via w5) → t10 → O": ["w5", "w3"]}
    for _, _, fs in diag.factors:
        assert math.prod(f.value for f in fs) == 0.25
    text = str(v)
    assert "w4·w2 on path 1" in text and "w5·w3 on path 2" in text and "each 0.25" in text
    assert "does not agree" in text and "ratio expected/engine is 4" in text


def test_seed003_asker_formula_as_a_function_of_the_nodes():
    """The asker's d(net4)·[d(net2)·d(net1)·I + d(net3)·d(net1)·I], reading data."""
    O, n = seed003()
    net1 = n["h1"].parents[0]
    net2, net3 = n["h2"].parents[0], n["h3"].parents[0]
    net4 = O.parents[0]

    def asker():
        I = n["I"].data
        return d(net4.data) * (d(net2.data) * d(net1.data) * I + d(net3.data) * d(net1.data) * I)

    def answer():
        w = {k: n[k].data for k in ("w2", "w3", "w4", "w5")}
        I = n["I"].data
        return d(net4.data) * (w["w4"] * d(net2.data) * w["w2"] * d(net1.data) * I
                               + w["w5"] * d(net3.data) * w["w3"] * d(net1.data) * I)

    wrong = check(O, "w1", asker)
    assert_close(wrong.expected, ASKER, rel=1e-11)
    assert wrong.diagnosis.kind == "missing factors"
    assert "w4·w2" in str(wrong) and "w5·w3" in str(wrong)
    right = check(O, "w1", answer)
    assert right and right.diagnosis is None
    assert "agrees with the engine's 0.0014291881022" in str(right)
    assert "which backs the engine" in str(right)


# ---------------------------------------------------------------------------
# Seed 000: the shared bias has two paths
# ---------------------------------------------------------------------------

def test_seed000_bias_with_only_the_net2_path_is_a_missing_path():
    L, n = seed000()
    hand = seed000_hand()
    v = check(L, n["b"], hand["db_via_net2"])          # ∂L/∂b as if b were only in net2
    assert not v
    assert v.diagnosis.kind == "missing path"
    [(number, path)] = v.diagnosis.paths
    assert path.route() == "b → net1 → h → net2 → y' → L"
    assert_close(path.product, hand["db_via_net1"], rel=1e-12)
    assert "A path is missing" in str(v) and "b → net1 → h" in str(v)
    assert check(L, n["b"], hand["db_via_net1"] + hand["db_via_net2"])


def test_seed000_bias_with_only_the_net1_path_is_a_missing_path():
    L, n = seed000()
    v = check(L, "b", seed000_hand()["db_via_net1"])
    assert v.diagnosis.kind == "missing path"
    assert v.diagnosis.paths[0][1].route() == "b → net2 → y' → L"


def test_seed000_missing_sigmoid_derivative_is_named():
    L, n = seed000()
    h = seed000_hand()
    v = check(L, "w1", lambda: X * W2 * h["yp"] * (1 - h["yp"]) * (h["yp"] - 1.0))
    assert v.diagnosis.kind == "missing factors"
    [(_, _, fs)] = v.diagnosis.factors
    assert [f.formula for f in fs] == ["h(1-h)"]
    assert "∂h/∂net1 = σ'(net1) = h(1-h)" in str(v)




def test_sign_flip():
    L, n = seed000()
    v = check(L, "w2", -seed000_hand()["dw2"])
    assert v.diagnosis.kind == "sign flip"
    assert "∂(y-y')/∂y' = -1" in str(v.diagnosis)


def test_missing_sum_over_samples():
    """C = Σ_i ½(y_i - σ(w x_i))²: the learner differentiated sample 2 only."""
    w = Value(0.7, name="w", kind="parameter")
    xs, ys = [0.5, -1.0, 2.0], [1.0, 0.0, 1.0]
    terms = [0.5 * (Value(y, name=f"y{i}", kind="constant")
                    - (w * Value(x, name=f"x{i}")).sigmoid()) ** 2
             for i, (x, y) in enumerate(zip(xs, ys), 1)]
    C = sum_values(terms).named("C")

    def per_sample(x, y):
        a = s(0.7 * x)
        return (a - y) * a * (1 - a) * x

    v = check(C, w, per_sample(xs[1], ys[1]))
    assert v.diagnosis.kind == "one term of a sum"
    index, term, grad = v.diagnosis.term
    assert index == 2 and term is terms[1]
    assert_close(grad, per_sample(xs[1], ys[1]), rel=1e-12)
    assert "term 2 of 3" in str(v) and "sum of the per-term gradients" in str(v)
    assert check(C, w, sum(per_sample(x, y) for x, y in zip(xs, ys)))


def test_nothing_small_explains_it():
    L, _ = seed000()
    v = check(L, "w1", 123.0)
    assert v.diagnosis is not None and v.diagnosis.kind is None
    assert "No small mistake reproduces your value" in str(v)


def test_expected_must_be_a_number():
    L, _ = seed000()
    # text is a number or a formula as typed, so "0.1" is a value with 1 digit
    assert check(L, "w1", "0.1").digits == 1
    with pytest.raises(TypeError, match="expected must be a number.* got list"):
        check(L, "w1", [0.1])
    with pytest.raises(TypeError, match=r"expected\(\) must return a number, got NoneType"):
        check(L, "w1", lambda: None)


# ---------------------------------------------------------------------------
# Finite differences by re-evaluating the graph
# ---------------------------------------------------------------------------

def test_finite_difference_restores_every_number_exactly():
    O, n = seed003()
    before = [(node, node.data, node.grad) for node in all_nodes(O)]
    fd = finite_difference(O, n["w1"])
    assert_close(fd, DESMOS, rel=1e-6)
    assert all(node.data == data and node.grad == grad for node, data, grad in before)


def test_finite_difference_of_a_derived_node():
    O, n = seed003()
    # ∂O/∂h1 = d(net4)·(w4 d(net2) w2 + w5 d(net3) w3), with h1 nudged directly
    hand = 2 * d(2 * s(s(1.5) * 0.5 + 1) * 0.5 + 1) * 0.5 * d(s(1.5) * 0.5 + 1) * 0.5
    assert_close(finite_difference(O, n["h1"]), hand, rel=1e-6)


def test_forward_table_covers_every_op():
    assert set(FORWARD) == {name for name, op in ops.OPS.items() if not op.is_leaf}


@pytest.mark.parametrize("seed", range(15))
def test_finite_difference_matches_the_engine_on_random_graphs(seed):
    rng = random.Random(100 + seed)
    leaves = [Value(rng.uniform(0.2, 1.5), name=f"v{i}") for i in range(3)]
    root = random_graph(rng, leaves, rng.randint(2, 12))
    root.backward()
    for v in leaves:
        scale = max(1.0, abs(root.data))
        assert_close(finite_difference(root, v), v.grad, rel=1e-5, abs_=1e-7 * scale,
                     what=f"seed {seed} {v.name}")


def test_every_op_through_check():
    a, b = Value(0.7, name="a"), Value(1.3, name="b")
    y = ((a * b + a / b - b).exp().log() + (a ** b).sqrt() + abs(-a).tanh()
         + (a - 2.0).relu() + sum_values([a, b]).sigmoid()).named("y")
    y.backward()
    from autograd.value import dot
    z = dot([a], [b], a)
    v = check(y, a, a.grad)
    assert v and v.fd_agrees
    assert check(z, a, b.data + 1.0)


# ---------------------------------------------------------------------------
# A wrong derivative rule: check and gradcheck catch it
# ---------------------------------------------------------------------------

def wrong_sigmoid_backward(node, upstream):
    """The classic slip: σ(z)(1 + σ(z)) instead of σ(z)(1 - σ(z))."""
    a = node.data
    return (a * (1.0 + a) * upstream,)


def test_gradcheck_passes_for_correct_rules():
    report = gradcheck(lambda a, b: (a * b).sigmoid() + (a / b).tanh() + (a ** 2.0).exp(),
                       [0.3, -0.7])
    assert report and len(report.entries) == 2
    for e in report.entries:
        assert e.error <= e.allowed


def test_gradcheck_catches_a_wrong_rule(monkeypatch):
    monkeypatch.setattr(ops.SIGMOID, "backward", wrong_sigmoid_backward)
    a, b = Value(0.3, name="a"), Value(-0.7, name="b")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: (a * b).sigmoid(), [a, b])
    report = caught.value.report
    assert not report.ok
    worst = report.worst
    sig = s(0.3 * -0.7)
    assert worst.name == "a"    # |b| > |a|, so ∂/∂a = σ'·b has the bigger error
    assert_close(worst.numeric, sig * (1 - sig) * -0.7, rel=1e-6)
    assert_close(worst.analytic, sig * (1 + sig) * -0.7, rel=1e-12)
    assert "gradcheck failed for 2 of 2 input(s); the worst is input 1 (a = 0.3)" in str(
        caught.value)
    assert a.data == 0.3 and b.data == -0.7
    quiet = gradcheck(lambda a, b: (a * b).sigmoid(), [a, b], raise_exception=False)
    assert not quiet


def test_check_blames_the_rule_not_the_learner(monkeypatch):
    monkeypatch.setattr(ops.SIGMOID, "backward", wrong_sigmoid_backward)
    x = Value(0.4, name="x")
    y = x.sigmoid().named("y")
    v = check(y, x, lambda: y.data * (1 - y.data))
    assert not v and not v.fd_agrees and v.expected_matches_fd
    assert "does NOT agree with the engine" in str(v)
    assert "suspect a derivative rule" in str(v)


def test_gradcheck_bad_input():
    with pytest.raises(TypeError, match="fn must return a Value"):
        gradcheck(lambda a: 1.0, [0.5])
    with pytest.raises(TypeError, match="gradcheck input 1 must be|needs a real number"):
        gradcheck(lambda a: a, ["x"])
    with pytest.raises(ValueError, match=r"fn raised ValueError at x1 = .*log"):
        gradcheck(lambda a: a.log(), [5e-7])


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

def test_cli_check_prints_the_diagnosis(tmp_path, capsys):
    script = tmp_path / "seed003.py"
    script.write_text(SCRIPT_003)
    assert main(["check", str(script), "--wrt", "w1", "--expected", str(ASKER)]) == 1
    out = capsys.readouterr().out
    assert "w4·w2 on path 1" in out and "w5·w3 on path 2" in out and "each 0.25" in out
    assert "∂net4/∂h2 = w4; ∂net2/∂h1 = w2; ∂net4/∂h3 = w5; ∂net3/∂h1 = w3" in out
    assert main(["check", str(script), "--wrt", "w1", "--expected", str(DESMOS)]) == 0
    assert "agrees" in capsys.readouterr().out
    assert main(["check", str(script), "--wrt", "nope", "--expected", "1"]) == 2
    assert "named nodes: I, O, h1" in capsys.readouterr().err


def test_a_value_typed_to_four_digits_gets_the_same_diagnosis():
    from autograd import Value
    from autograd.check import check, typed_precision
    I = Value(1.0, name="I")
    w = {k: Value(0.5, name=f"w{k}") for k in range(1, 6)}
    h1 = (I * w[1] + 1).sigmoid().named("h1")
    h2 = (h1 * w[2] + 1).sigmoid().named("h2")
    h3 = (h1 * w[3] + 1).sigmoid().named("h3")
    O = (h2 * w[4] + h3 * w[5] + 1).sigmoid().named("O")
    assert typed_precision(0.005717) == pytest.approx(6e-4)
    assert typed_precision(0.00571675240882) == pytest.approx(6e-12)
    verdict = check(O, w[1], 0.005717)
    assert not verdict
    text = str(verdict)
    assert "w4·w2" in text and "w5·w3" in text


def _three_samples(add_up):
    """L = ½ Σ_i (w·x_i - y_i)² over 3 samples, the terms added up by ``add_up``."""
    w = Value(0.5, name="w", kind="parameter")
    xs, ys = [1.0, 2.0, -1.0], [0.3, 0.8, -0.2]
    terms = [(w * Value(x, name=f"x{i}") - Value(y, name=f"y{i}")) ** 2
             for i, (x, y) in enumerate(zip(xs, ys), 1)]
    return (0.5 * add_up(terms)).named("L"), w, terms, xs, ys


@pytest.mark.parametrize("add_up", [
    sum,                                                     # built-in sum: starts at 0
    lambda ts: functools.reduce(lambda a, b: a + b, ts, 0),  # reduce with a 0 start
    lambda ts: ts[0] + ts[1] + ts[2],                        # as written by hand
    sum_values,                                              # one n-ary node
], ids=["sum", "reduce", "plus", "sum_values"])
def test_a_zero_start_is_not_a_term(add_up):
    L, w, terms, xs, ys = _three_samples(add_up)
    # by hand: ∂L/∂w = Σ_i (w·x_i - y_i)·x_i; sample 1 alone, times ½·2: (0.5 - 0.3)·1 = 0.2
    per_sample = [(0.5 * x - y) * x for x, y in zip(xs, ys)]
    assert_close(explain(L, w).total, sum(per_sample), rel=1e-12)
    assert explain(L, w).path_count == 3
    v = check(L, w, per_sample[0])
    assert v.diagnosis.kind == "one term of a sum" and v.diagnosis.term[0] == 1
    text = str(v.diagnosis)
    assert "term 1 of 3" in text and "L adds 3 terms, one per sample" in text, text


def test_nn_sums_count_samples_not_a_start():
    import nn
    net = nn.MLP([1, 1], seed=3)
    X, Y = [[0.5], [-1.0], [2.0]], [[1.0], [0.0], [1.0]]
    C = nn.half_mean_squared_error([net(x) for x in X], Y)
    w = net.parameters()[0]
    grads = [explain(nn.half_squared_error(net(x), y), w).total / len(X) for x, y in zip(X, Y)]
    v = check(C, w, grads[1])
    assert v.diagnosis is not None and v.diagnosis.kind == "one term of a sum"
    assert "term 2 of 3" in str(v.diagnosis) and "one per sample" in str(v.diagnosis)


def test_the_verdict_leads_with_its_headline_in_python_and_in_html():
    import html
    O, n = seed003()
    verdict = check(O, n["w1"], "0.00571675240882")
    lines = str(verdict).splitlines()
    assert lines[0] == verdict.headline() == \
        "Disagrees: your value leaves out w4·w2 on path 1 and w5·w3 on path 2."
    assert lines[1].startswith("Your ∂O/∂w1 = 0.00571675240882 does not agree")
    assert lines[-1].startswith("Next: print(verdict.explanation) lists every path")
    shown = verdict._repr_html_()
    assert shown.index(html.escape(verdict.headline())) < shown.index("<pre")
    agreed = check(O, n["w1"], "0.001429")
    assert str(agreed).splitlines()[0] == "Agrees to the 4 significant digits you gave."
    assert "Next:" not in str(agreed)
    formula = check(O, "w1", "d(s(s(I w1+1)w2+1)w4+s(s(I w1+1)w3+1)w5+1)"
                             "·(d(s(I w1+1)w2+1)·d(I w1+1)·I+d(s(I w1+1)w3+1)·d(I w1+1)·I)")
    assert str(formula).startswith("Disagrees: your formula leaves out w4·w2 on path 1 and "
                                   "w5·w3 on path 2.\nYour formula ")


def test_sign_flip_without_a_negative_factor_blames_no_subtraction():
    """The lecture's L = (a·b + c)·f: ∂L/∂a = b·f = (-3)(-2) = 6 by hand, and no
    factor is negative, so -6 is not blamed on a y-y' the graph does not have."""
    a, b = Value(2.0, name="a"), Value(-3.0, name="b")
    c, f = Value(10.0, name="c"), Value(-2.0, name="f")
    L = ((a * b + c) * f).named("L")
    verdict = check(L, a, "-6")
    assert verdict.diagnosis.kind == "sign flip" and verdict.engine == 6.0
    text = str(verdict.diagnosis)
    assert "y-y'" not in text and "minus sign it does not have" in text


def test_factors_without_a_symbol_read_as_one_product():
    """Leaving out ∂(y-y')²/∂(y-y')·∂(y-y')/∂y' = 2(y'-y) (hand formula, seed 000)
    names the two factors, and "= -1" belongs to one factor only: the product
    is 2(y'-y), never -1."""
    L, _ = seed000()
    hand = seed000_hand()
    product = 2 * (hand["yp"] - 1.0)
    verdict = check(L, "w1", repr(hand["dw1"] / product))
    assert verdict.diagnosis.kind == "missing factors"
    [(_, _, fs)] = verdict.diagnosis.factors
    assert_close(math.prod(f.value for f in fs), product, rel=1e-12)
    headline = verdict.headline()
    assert "= -1" not in headline, headline
    assert "leaves out 2(y-y')·∂(y-y')/∂y' on path 1" in headline


def test_a_node_the_root_does_not_depend_on_has_gradient_zero():
    """∂L/∂z = 0 when L = a·b does not use z (by hand); check answers instead of raising
    an error that starts "explain:", and a name no node has says "check:"."""
    a, b, z = Value(2.0, "a"), Value(3.0, "b"), Value(1.0, "z")
    L = (a * b).named("L")
    assert check(L, z, "0") and check(L, z, 0.0)
    wrong = check(L, z, "1")
    assert not wrong and wrong.engine == 0.0 and wrong.diagnosis.kind == "no path"
    assert wrong.headline() == "Disagrees: L does not depend on z, so its gradient is 0."
    assert "Next:" not in str(wrong)
    assert a.grad == b.grad == z.grad == 0.0
    with pytest.raises(KeyError, match=r"^check: no node named 'q'"):
        check(L, "q", "0")


def test_another_named_nodes_gradient_is_named_outside_nielsens_names():
    """Seed 000's asker, in their own names (w1, w2, b), checks the ∂L/∂w2 formula under
    w1: the verdict said 'no small mistake reproduces your formula'.  It now says whose
    gradient it is, as it did only for Nielsen's w²₁₁.  Oracle: seed 000 by hand."""
    from test_explain import seed000, seed000_hand
    L, n = seed000()
    hand = seed000_hand()
    verdict = check(L, n["w1"], "h y'(1-y') (y'-y)")
    assert verdict.formula.evaluate() == pytest.approx(hand["dw2"], rel=1e-12)
    assert verdict.headline() == "This is ∂L/∂w2, not ∂L/∂w1: your value is that node's gradient."
    assert check(L, n["w2"], hand["dw2"])                      # the advice, followed
    # a value a small mistake explains keeps that diagnosis: b without its net1 path
    verdict = check(L, n["b"], hand["db_via_net2"])
    assert verdict.diagnosis.kind == "missing path" and verdict.convention is None


def test_a_zero_gradient_checked_as_zero_shows_no_nan_ratio():
    """∂R/∂a = 2ab = 0 at a = 0 (by hand): '0 agrees with the engine's 0 (ratio nan; ...)'
    printed the 0/0 ratio; an agreement of 0 with 0 shows no ratio."""
    a, b = Value(0.0, "a"), Value(3.0, "b")
    R = (a * a * b).named("R")
    for given in ("0", 0.0, "2*a*b"):
        verdict = check(R, a, given)
        assert verdict and "nan" not in str(verdict)
        assert "agrees with the engine's 0 (tolerance: relative 1e-06" in str(verdict)


def test_a_formula_in_brackets_with_a_comma_is_a_formula_not_a_matrix():
    """'[x < h]·max(x, h) + h' (an Iverson bracket and a call) was refused as "is a matrix";
    by hand it is 0·0.8 + 0.6 = 0.6 = ∂(x·h)/∂x."""
    x, h = Value(0.8, "x"), Value(0.6, "h")
    L = (x * h).named("L")
    verdict = check(L, x, "[x < h] * max(x, h) + h")
    assert verdict and verdict.formula_value == 0.6
    with pytest.raises(ValueError, match=r"is a matrix, but the gradient with respect to"):
        check(L, x, "[[0.6, -1e-3],\n [nan, 2]]")


def test_a_bias_formula_copied_from_the_weights_is_named_as_the_weights():
    """Seed 001's one neuron, z = w_1 x_1 + b, C = ½(σ(z) − y_1)², with x_1 = 2: the
    weight's formula typed for the bias, (f − y_1) f (1 − f) x_1, was diagnosed as leaving
    out ∂C/∂(f−y_1)² = 0.5 (x_1 = 2 makes that reproduce it by chance, and multiplying by
    0.5 keeps the wrong x_1).  The formula names x_1, which no local derivative on b's
    path holds: it is ∂C/∂w_1.  Oracle: both gradients by hand."""
    w_1, x_1, b, y_1 = (Value(v, name=n) for v, n in
                        ((0.3, "w_1"), (2.0, "x_1"), (-0.5, "b"), (1.0, "y_1")))
    f = (w_1 * x_1 + b).named("z").sigmoid().named("f")
    C = (0.5 * (f - y_1) ** 2).named("C")
    sz = 1 / (1 + math.exp(-(0.3 * 2.0 - 0.5)))
    db, dw = (sz - 1) * sz * (1 - sz), (sz - 1) * sz * (1 - sz) * 2.0
    verdict = check(C, b, "(f - y_1) f (1 - f) x_1")
    assert not verdict and math.isclose(verdict.engine, db, rel_tol=1e-14)
    assert math.isclose(verdict.formula_value, dw, rel_tol=1e-14)
    assert str(verdict).startswith("This is ∂C/∂w_1, not ∂C/∂b: your value is that node's gradient.")
    # a formula of b's own nodes that leaves out the ½ is still named so
    assert check(C, b, "2 (f - y_1) f (1 - f)").diagnosis.kind == "missing factors"


def test_a_bias_formula_with_the_weighted_input_written_out_keeps_its_diagnosis():
    """x_1 inside σ'(w_1 x_1 + b) is z written out, not a factor copied from ∂C/∂w_1: a
    formula for ∂C/∂b that is 2× (the ½ of the cost left out) is still named so, though with
    x_1 = 2 it is also ∂C/∂w_1.  Oracle: ∂C/∂b by hand."""
    w_1, x_1, b, y_1 = (Value(v, name=n) for v, n in
                        ((0.3, "w_1"), (2.0, "x_1"), (-0.5, "b"), (1.0, "y_1")))
    f = (w_1 * x_1 + b).named("z").sigmoid().named("f")
    C = (0.5 * (f - y_1) ** 2).named("C")
    sz = 1 / (1 + math.exp(-(0.3 * 2.0 - 0.5)))
    verdict = check(C, b, "2 (σ(w_1 x_1 + b) - y_1) σ'(w_1 x_1 + b)")
    assert math.isclose(verdict.formula_value, 2 * (sz - 1) * sz * (1 - sz), rel_tol=1e-14)
    assert verdict.diagnosis.kind == "missing factors" and not verdict.convention


@pytest.mark.parametrize("shown", ["np.float64({})", "tensor({}, dtype=torch.float64)", "array({})",
                                   "tensor([{}])", "array([[{}]])", "torch.tensor({}, grad_fn=<AddBackward0>)"])
def test_one_number_as_numpy_or_torch_prints_it_is_read(shown):
    """One gradient pasted as numpy 2 or PyTorch print it (np.float64(0.0142),
    tensor(0.0142, dtype=torch.float64)) was read as a formula: "no node named 'np'".
    Oracle: the hand derivative of seed 000's ∂L/∂w1 and that value off by 1%."""
    from test_explain import seed000, seed000_hand
    L, _ = seed000()
    hand = seed000_hand()["dw1"]
    verdict = check(L, "w1", shown.format(f"{hand:.4f}"))
    assert verdict and "digits you gave" in str(verdict)
    assert not check(L, "w1", shown.format(f"{hand * 1.01:.4f}"))


# ---------------------------------------------------------------------------
# Several claims at once: a dict of name -> value in place of wrt
# ---------------------------------------------------------------------------

def network_111_micrograd_style():
    """README's 1-1-1 network written as micrograd code (label=, unnamed sums), and its
    gradients by hand: δ2 = y'(1-y')(y'-y), ∂L/∂w2 = h δ2, ∂L/∂b1 = ∂L/∂w1 = w2 h(1-h) δ2
    (x = 1)."""
    x, y = Value(1.0, label="x"), Value(0.0, label="y")
    w1, b1 = Value(0.5, label="w1"), Value(0.1, label="b1")
    w2, b2 = Value(-0.3, label="w2"), Value(0.2, label="b2")
    h = (x * w1 + b1).sigmoid()
    h.label = "h"
    out = (h * w2 + b2).sigmoid()
    out.label = "y'"
    L = 0.5 * (y - out) ** 2
    L.label = "L"
    L.backward()
    hv = 1 / (1 + math.exp(-0.6))
    ov = 1 / (1 + math.exp(-(hv * -0.3 + 0.2)))
    delta2 = ov * (1 - ov) * ov
    hand = {"w1": -0.3 * hv * (1 - hv) * delta2, "w2": hv * delta2, "b2": delta2}
    return L, w2, hand


def test_a_dict_of_claims_checks_each_and_agrees_only_when_all_do():
    """check(L, {"w1": ..., "b1": formula, w2: float}) was 'missing 1 required positional
    argument'. Each claim is judged as check(L, key, value) would; the oracle is the hand
    gradients: -0.00861 (∂L/∂w1 to 3 digits) agrees, the formula y'(1-y')(y'-y) for b1 leaves
    out w2·h(1-h)."""
    L, w2, hand = network_111_micrograd_style()
    assert round(hand["w1"], 5) == -0.00861
    verdicts = check(L, {"w1": "-0.00861", "b1": "y'(1-y')(y'-y)", w2: hand["w2"]})
    assert not verdicts and len(verdicts) == 3 and list(verdicts) == ["w1", "b1", w2]
    assert verdicts["w1"] and verdicts[w2] and not verdicts["b1"]
    assert verdicts["b1"].diagnosis.kind == "missing factors"
    assert verdicts["w1"].engine == pytest.approx(hand["w1"], rel=1e-12)
    assert str(verdicts).splitlines() == [
        "1 of 3 claims disagrees: b1.",
        "  w1: Agrees to the 3 significant digits you gave.",
        "  b1: Disagrees: your formula leaves out w2·h(1-h) on path 1.",
        f"  w2: {verdicts[w2].headline()}",
        "Next: print(verdicts['b1']) shows that claim's whole verdict."]
    assert check(L, {"w1": "-0.00861", "b2": round(hand["b2"], 9)})
    wrong_w2 = check(L, {w2: "0.0420"})                  # a Value key: named by its label
    assert str(wrong_w2).splitlines()[-1] == ("Next: print(verdicts[w2]) shows that claim's "
                                              "whole verdict.")
    with pytest.raises(ValueError, match="^check: eps must be a positive finite number"):
        check(L, {"w1": "-0.00861"}, eps=0)


def test_an_int_too_large_for_a_float_is_named_as_check_s_expected():
    """check(L, w, 10**400) said 'Value: the int of 401 digits ... is too large for a float',
    naming a Value where the expected value was wrong (and, as a claim, not naming the
    claim).  Oracle: 10**400 has 401 digits; every .grad is as before."""
    L, w2, _ = network_111_micrograd_style()
    grads = {node: node.grad for node in all_nodes(L)}
    assert len(str(10 ** 400)) == 401
    for expected, says in ((10 ** 400, "check: expected: the int of 401 digits"),
                           (lambda: -10 ** 400, "check: expected(): the int of 401 digits")):
        with pytest.raises(OverflowError) as err:
            check(L, w2, expected)
        assert str(err.value).startswith(says) and "\n" not in str(err.value), str(err.value)
    with pytest.raises(OverflowError, match="^check: the claim for w2: expected: the int of 401"):
        check(L, {w2: 10 ** 400})
    assert {node: node.grad for node in all_nodes(L)} == grads


def test_claims_about_unnamed_values_say_what_their_labels_are():
    """check(L, {a: '-6.00', b: 4.0}) of an unnamed graph printed 'leaf1: Disagrees ...',
    'leaf2: ...' with nothing saying which Value is leaf1, and advised 'print(verdicts[leaf1])',
    a name no Python has.  Oracles: by hand L = (a·b + c)·f, ∂L/∂a = b·f = 6, ∂L/∂b = a·f = -4,
    and the labels the steps of L print."""
    from autograd import backward_steps
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    L = (a * b + c) * f
    steps = "\n".join(map(str, backward_steps(L)))
    assert "t1 = leaf1 × leaf2 = -6" in steps
    verdicts = check(L, {a: "-6.00", b: 4.0})
    assert [v.engine for v in verdicts.values()] == [-3.0 * -2.0, 2.0 * -2.0]
    assert str(verdicts).splitlines() == [
        "2 of 2 claims disagree: leaf1, leaf2.",
        "  leaf1: Disagrees: your value has the wrong sign.",
        "  leaf2: Disagrees: your value has the wrong sign.",
        "Here leaf1 = 2 (an unnamed leaf); leaf2 = -3 (an unnamed leaf).",
        "Next: print(verdicts['leaf1']) shows that claim's whole verdict."]
    assert verdicts["leaf1"] is verdicts[a] and verdicts["leaf2"] is verdicts[b]
    with pytest.raises(KeyError):
        verdicts["leaf3"]


def test_a_claim_about_a_derived_node_is_found_by_every_label_it_goes_by():
    """check(L, {a*b: ...}) listed the claim by its expression ('leaf1·leaf2: ...'), while
    the steps and a 'Here t1 = ...' sentence call that node t1: verdicts['t1'] was a
    KeyError.  It is now that claim's verdict, as verdicts['leaf1·leaf2'] is.  Oracles: by
    hand L = (a·b + c)·f, ∂L/∂(a·b) = ∂L/∂(a·b + c) = f = -2, and the labels the steps print."""
    from autograd import backward_steps
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    t = a * b
    s = t + c
    L = s * f
    steps = "\n".join(map(str, backward_steps(L)))
    assert "t1 = leaf1 × leaf2 = -6" in steps and "t2 = t1 + leaf3 = 4" in steps
    verdicts = check(L, {t: "-2.00", s: 2.0})
    assert [v.engine for v in verdicts.values()] == [-2.0, -2.0]
    assert str(verdicts).splitlines()[1:3] == [
        "  leaf1·leaf2: Agrees to the 3 significant digits you gave.",
        "  leaf1·leaf2+leaf3: Disagrees: your value has the wrong sign."]
    assert verdicts["t1"] is verdicts[t] is verdicts["leaf1·leaf2"]
    assert verdicts["t2"] is verdicts[s] is verdicts["leaf1·leaf2+leaf3"]
    for label in ("t3", "leaf1"):          # L, and a leaf no claim is about
        with pytest.raises(KeyError):
            verdicts[label]


@pytest.mark.parametrize("args, error, says", [
    (({"w9": 0.1},), KeyError, "check: the claim for 'w9': no node named 'w9'"),
    (({"b1": "y'(1-y'"},), ValueError, "check: the claim for 'b1': cannot read the formula"),
    (({},), ValueError, "check: the dict of claims is empty"),
    (({"w1": 0.1}, 0.1), TypeError, "check: with a dict of claims as wrt, each value is the "
                                    "claim for its key; give no expected"),
    (("w1",), TypeError, "check: no expected value; give check(root, wrt, value), or several "
                         "claims as a dict in place of wrt"),
    (("w1", {"w1": 0.1}), TypeError, "check: expected is a dict; give check(root, wrt, value)"),
    (({3: 0.1},), TypeError, "check: the claim for 3: wrt must be a Value or a node's name, "
                             "got int 3"),
    (({None: 0.1},), TypeError, "check: the claim for None: wrt must be a Value or a node's "
                                "name")])
def test_a_claim_that_cannot_be_read_is_named(args, error, says):
    L, _, _ = network_111_micrograd_style()
    grads = {node: node.grad for node in all_nodes(L)}
    with pytest.raises(error) as err:
        check(L, *args)
    assert str(err.value).startswith(says) and "\n" not in str(err.value)
    assert {node: node.grad for node in all_nodes(L)} == grads


# ---------------------------------------------------------------------------
# A formula with one node's index wrong: w3_11 for w3_12, w^3_{jk} for w^3_{kj}
# ---------------------------------------------------------------------------

def _nielsen_network(sizes, weights, biases, x, y):
    """nn.MLP with these numbers, its half squared error at (x, y), after backward()."""
    import nn
    net = nn.MLP(sizes, weights=weights, biases=biases)
    C = nn.half_squared_error(net(x), y)
    C.backward()
    return C


def test_a_formula_with_a_sibling_weight_names_the_one_it_should_have():
    """∂C/∂w²₂₁ of a 2-3-1 network is (a³₁ − y)σ'(z³₁)·w³₁₂·σ'(z²₂)·x₁ (BP1, BP2, BP4 by
    hand); typed with w³₁₁ for w³₁₂ it was 'no small mistake reproduces your formula'.
    Oracle: the hand formula with the right weight gives the hand gradient."""
    W2, B2 = [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], [0.05, -0.1, 0.2]
    W3, B3 = [[0.7, -0.8, 0.9]], [-0.3]
    C = _nielsen_network([2, 3, 1], [W2, W3], [B2, B3], [1.0, 0.5], [1.0])
    a2 = [s(W2[j][0] + 0.5 * W2[j][1] + B2[j]) for j in range(3)]
    a3 = s(sum(w * a for w, a in zip(W3[0], a2)) + B3[0])
    hand = (a3 - 1.0) * a3 * (1 - a3) * W3[0][1] * a2[1] * (1 - a2[1]) * 1.0
    right = r"(a^3_1 - 1)\sigma'(z^3_1) w^3_{12} \sigma'(z^2_2) x_1"
    assert_close(check(C, "w2_21", right).expected, hand, rel=1e-12)
    verdict = check(C, "w2_21", right.replace("w^3_{12}", "w^3_{11}"))
    assert not verdict and verdict.diagnosis.kind == "wrong node"
    assert verdict.headline() == ("Disagrees: your formula has w3_11 where the chain rule "
                                  "has w3_12.")
    assert "j and k swapped" not in str(verdict)
    two_wrong = right.replace("w^3_{12}", "w^3_{11}").replace("z^2_2", "z^2_3")
    assert check(C, "w2_21", two_wrong).diagnosis.kind != "wrong node"


def test_a_formula_with_w_jk_for_w_kj_says_j_and_k_are_swapped():
    """BP2 in a 2-2-2 network: δ²₁ = (w³₁₁ δ³₁ + w³₂₁ δ³₂)·σ'(z²₁), and a student writes
    w³₁₂ for w³₂₁ (the weight matrix not transposed).  Oracle: BP1, BP2, BP4 by hand."""
    W2, W3 = [[0.3, -0.6], [0.8, 0.2]], [[-0.4, 0.9], [0.5, -0.7]]
    B2, B3 = [0.1, -0.2], [0.05, 0.15]
    x, y = [0.6, -1.2], [1.0, 0.0]
    C = _nielsen_network([2, 2, 2], [W2, W3], [B2, B3], x, y)
    a2 = [s(W2[j][0] * x[0] + W2[j][1] * x[1] + B2[j]) for j in range(2)]
    a3 = [s(W3[j][0] * a2[0] + W3[j][1] * a2[1] + B3[j]) for j in range(2)]
    delta3 = [(a3[j] - y[j]) * a3[j] * (1 - a3[j]) for j in range(2)]            # BP1
    delta2_1 = (W3[0][0] * delta3[0] + W3[1][0] * delta3[1]) * a2[0] * (1 - a2[0])  # BP2
    right = ("((a3_1 - 1)*a3_1*(1 - a3_1)*w3_11 + a3_2*a3_2*(1 - a3_2)*w3_21)"
             "*a2_1*(1 - a2_1)*x1")
    assert_close(check(C, "w2_11", right).expected, delta2_1 * x[0], rel=1e-12)   # BP4
    verdict = check(C, "w2_11", right.replace("w3_21", "w3_12"))
    assert verdict.diagnosis.kind == "wrong node"
    assert verdict.headline() == ("Disagrees: your formula has w3_12 where the chain rule "
                                  "has w3_21.")
    assert "(j and k swapped: in Nielsen's w^l_jk" in str(verdict)


def test_a_formula_with_sigma_for_sigma_prime_says_so():
    """BP1 typed with σ(z³₁) for σ'(z³₁), the slip of writing the activation for its
    derivative, was 'no small mistake reproduces your formula'; tanh(z) for tanh'(z)
    likewise.  Oracle: the hand BP1, BP2, BP4 of a 2-3-1 network with the σ' it needs."""
    W2, B2 = [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], [0.05, -0.1, 0.2]
    W3, B3 = [[0.7, -0.8, 0.9]], [-0.3]
    C = _nielsen_network([2, 3, 1], [W2, W3], [B2, B3], [1.0, 0.5], [1.0])
    a2 = [s(W2[j][0] + 0.5 * W2[j][1] + B2[j]) for j in range(3)]
    a3 = s(sum(w * a for w, a in zip(W3[0], a2)) + B3[0])
    hand = (a3 - 1.0) * a3 * (1 - a3) * W3[0][1] * a2[1] * (1 - a2[1]) * 1.0
    right = r"(a^3_1 - 1)\sigma'(z^3_1) w^3_{12} \sigma'(z^2_2) x_1"
    assert_close(check(C, "w2_21", right).expected, hand, rel=1e-12)
    verdict = check(C, "w2_21", right.replace(r"\sigma'(z^3_1)", r"\sigma(z^3_1)"))
    assert verdict.diagnosis.kind == "wrong function"
    assert verdict.headline() == ("Disagrees: your formula has σ(z3_1) where the chain rule "
                                  "has σ'(z3_1).")
    both = right.replace("\\sigma'", "\\sigma")           # two slips: none is named
    assert check(C, "w2_21", both).diagnosis.kind is None
    x = Value(0.3, name="x")
    w = Value(-1.2, name="w")
    out = (w * x).named("z").tanh().named("out")
    verdict = check(out, w, "x*tanh(z)")                  # ∂out/∂w = x·tanh'(z) by hand
    assert verdict.diagnosis.kind == "wrong function"
    assert "has tanh(z) where the chain rule has tanh'(z)" in verdict.headline()
    assert_close(check(out, w, "x*tanh'(z)").expected, 0.3 * (1 - math.tanh(-0.36) ** 2), rel=1e-12)


#: f and f' by hand, for each function of the op table whose derivative is not itself
_HAND_SLOPES = {
    "sin": (math.sin, math.cos), "cos": (math.cos, lambda z: -math.sin(z)),
    "tan": (math.tan, lambda z: 1 / math.cos(z) ** 2), "log": (math.log, lambda z: 1 / z),
    "softplus": (lambda z: math.log1p(math.exp(z)), lambda z: 1 / (1 + math.exp(-z))),
    "sqrt": (math.sqrt, lambda z: 0.5 / math.sqrt(z)),
    "sigmoid": (lambda z: 1 / (1 + math.exp(-z)), lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2)}


@pytest.mark.parametrize("name", sorted(_HAND_SLOPES))
def test_every_function_of_the_op_table_typed_for_its_derivative_is_named(name):
    """L = f(w·x): ∂L/∂w = f'(wx)·x by hand; typed x·f(wx), the diagnosis names f for f'
    for every function the op table has (sin, cos and tan too), not a hand-kept list.
    Oracle: the hand derivatives in _HAND_SLOPES."""
    f, slope = _HAND_SLOPES[name]
    x, w = Value(0.8, name="x"), Value(0.9, name="w")
    L = getattr(w * x, name)().named("L")
    assert_close(L.data, f(0.72), rel=1e-14)
    right = check(L, w, f"x*{name}'(w*x)")
    assert right and right.expected == pytest.approx(0.8 * slope(0.72), rel=1e-14)
    verdict = check(L, w, f"x*{name}(w*x)")
    assert verdict.diagnosis.kind == "wrong function"
    assert verdict.headline().startswith(f"Disagrees: your formula has {name}(w·x) where the "
                                         f"chain rule has ")


@pytest.mark.parametrize("name", sorted(set(_HAND_SLOPES) - {"sigmoid", "tanh"}))
def test_a_derivative_with_no_name_of_its_own_is_written_out(name):
    """L = sin(w·x) with ∂L/∂w typed x·sin(wx) was told 'your formula has sin(w·x) where
    the chain rule has sin'(w·x)', a name no textbook gives cos; the chain rule's
    derivative is now written out, 'sin'(w·x) = cos(w·x)' (σ' and tanh' keep their names).
    Oracle: what it writes, read back as a formula, is the hand derivative of _HAND_SLOPES."""
    f, slope = _HAND_SLOPES[name]
    x, w = Value(0.8, name="x"), Value(0.9, name="w")
    L = getattr(w * x, name)().named("L")
    headline = check(L, w, f"x*{name}(w*x)").headline()
    written = headline.split("'(w·x) = ", 1)[1].rstrip(".")
    assert "(w·x)" in written and not written.startswith(name + "'"), headline
    assert check(L, w, f"x*({written})").expected == pytest.approx(0.8 * slope(0.72), rel=1e-14)
    if name == "sin":
        assert headline == ("Disagrees: your formula has sin(w·x) where the chain rule has "
                            "sin'(w·x) = cos(w·x).")


def _mean_cost_and_hand_gradient():
    """C = 1/(2m) Σ_i (σ(w·x_i + b) − y_i)² over m = 2 samples, and ∂C/∂w by hand:
    (1/m) Σ_i (a_i − y_i)·a_i(1 − a_i)·x_i."""
    w, b = Value(0.3, name="w"), Value(-0.1, name="b")
    xs, ys = [0.5, -1.0], [1.0, 0.0]
    terms = [((w * x + b).sigmoid() - y) ** 2 for x, y in zip(xs, ys)]
    C = (sum_values(terms) * (0.5 / 2)).named("C")
    a = [s(0.3 * x - 0.1) for x in xs]
    hand = sum((ai - y) * ai * (1 - ai) * x for ai, y, x in zip(a, ys, xs)) / 2
    return C, w, hand


@pytest.mark.parametrize("k, words", [(2, "2 times"), (8, "8 times"), (0.5, "1/2 of"),
                                      (0.25, "1/4 of"), (3, "3 times")])
def test_a_value_a_whole_factor_off_is_named(k, words):
    """A mean cost's gradient with the ½ left out (2×) or the 1/m counted twice (¼×) was
    'no small mistake reproduces your value' (the ½ and the 1/m are one constant node, so
    no path leaves out either alone), where the matrix check names the factor.
    Oracle: ∂C/∂w by hand."""
    C, w, hand = _mean_cost_and_hand_gradient()
    assert_close(check(C, w, f"{hand:.6g}").expected, hand, rel=1e-5)
    verdict = check(C, w, f"{k * hand:.6g}")
    assert not verdict and verdict.diagnosis.kind == "constant factor"
    assert verdict.headline() == f"Disagrees: your value is {words} the engine's."
    hint = "the ½ of a squared error" if k in (2, 0.5) else "a mean's 1/m over the m samples"
    assert hint in verdict.diagnosis.message
    few = check(C, w, f"{k * hand:.2g}")            # 2 digits: too few to name a mistake
    assert few.diagnosis.kind != "constant factor"


def test_a_formula_with_one_terms_sign_wrong_says_which():
    """f = x²y + sin(xy): f_xx = 2y − y² sin(xy) by hand; typed with + for the − it was
    'no small mistake reproduces your formula' (the whole sign is right, one term's is not).
    Oracle: the hand second derivative, which the corrected formula gives."""
    from autograd import grad
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    f = (x ** 2 * y + (x * y).sin()).named("f")
    (fx,) = grad(f, x, create_graph=True)
    assert_close(check(fx, x, "2y - y^2 sin(xy)").expected,
                 2 * -1.3 - 1.3 ** 2 * math.sin(0.7 * -1.3), rel=1e-14)
    verdict = check(fx, x, "2y + y^2 sin(xy)")
    assert verdict.diagnosis.kind == "wrong sign of a term"
    assert verdict.headline() == ("Disagrees: your formula has 2·y+y²·sin(x·y) where the "
                                  "chain rule has 2·y-y²·sin(x·y).")
    assert check(fx, x, "-2y + y^2 sin(xy)").diagnosis.kind == "sign flip"   # all of it


def test_a_formula_that_two_kinds_of_one_change_mend_names_neither():
    """L = σ(w2_1) + 2·w2_2 with w2_1 = 0 and w2_2 = ln(1/3): ∂L/∂w2_1 = σ'(0) = 1/4 by
    hand; typed σ(w2_1) (= 1/2), both σ'(w2_1) (a wrong function) and σ(w2_2) = 1/(1 + 3)
    (a wrong node) give 1/4, so which one was meant is not known: check named the wrong
    node, as if it were the mistake.  With w2_2 = 1 only σ' mends it, and that is named.
    The formula reads as typed afterwards.  Oracle: the hand values σ(0) = 1/2,
    σ'(0) = 1/4, σ(ln(1/3)) = 1/4."""
    for w22, named in ((math.log(1 / 3), None), (1.0, "wrong function")):
        a, b = Value(0.0, name="w2_1"), Value(w22, name="w2_2")
        L = (a.sigmoid() + b * 2.0).named("L")
        assert_close(L.data - 2 * w22, 0.5, rel=1e-15)
        verdict = check(L, a, "σ(w2_1)")
        assert not verdict and verdict.engine == 0.25
        if named is None:   # (that 1/2 is 2 × 1/4 may still be said: a constant factor)
            assert verdict.diagnosis.kind not in ("wrong node", "wrong function",
                                                  "wrong sign of a term")
        else:
            assert verdict.diagnosis.kind == named
        assert verdict.formula.reading() == "σ(w2_1)" and verdict.formula.nodes["w2_1"] is a
    assert_close(1 / (1 + math.exp(-math.log(1 / 3))), 0.25, rel=1e-15)


def test_an_error_of_the_users_function_for_a_claim_that_takes_no_message_is_itself():
    """A claim given as a function raising UnicodeDecodeError (its constructor takes five
    arguments): the error is the function's own, not 'function takes exactly 5 arguments'
    from naming the claim; nothing changed."""
    L, _, _ = network_111_micrograd_style()
    grads = {node: node.grad for node in all_nodes(L)}

    def claim():
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(UnicodeDecodeError, match="invalid start byte"):
        check(L, {"w1": claim})
    assert {node: node.grad for node in all_nodes(L)} == grads


def test_a_claims_key_with_a_newline_is_shown_printable_one_line_per_claim():
    """check(L, {"x\\nevil": ...}) (a node's name with a newline, as a pasted name may have)
    printed the key raw: the verdicts' lines and repr broke in two, where a Value key
    was already shown as x␊evil.  By hand ∂L/∂x = w = 3, ∂L/∂w = x = 2."""
    x, w = Value(2.0, name="x\nevil"), Value(3.0, name="w")
    L = (x * w).named("L")
    verdicts = check(L, {"x\nevil": "2.9", w: 2.0})
    assert str(verdicts).splitlines()[:3] == [
        "1 of 2 claims disagrees: x␊evil.",
        "  x␊evil: Disagrees: the engine gives 3.0, and no small mistake reproduces your value.",
        f"  w: {verdicts[w].headline()}"]
    assert repr(verdicts) == "<Verdicts: x␊evil disagreed, w agreed>"
    assert verdicts["x\nevil"].engine == 3.0


def test_a_cost_s_half_is_a_factor_left_out_or_a_whole_multiple():
    """docs/check-and-explain.md, mistake 8: half_squared_error's ½ is a node of its own, so
    leaving it out is a factor left out (6); half_mean_squared_error holds ½·1/m as one
    constant, so 2× or m× the gradient is named as a multiple.  Oracle: a central finite
    difference of C, typed to 6 digits."""
    import nn
    X, Y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [[0.0], [1.0], [1.0], [0.0]]

    def difference(cost_of, w, eps=1e-6):
        w.data += eps
        up = cost_of().data
        w.data -= 2 * eps
        down = cost_of().data
        w.data += eps
        return (up - down) / (2 * eps)

    net = nn.MLP([2, 2, 1], seed=0)
    w = net.parameter("w3_11")
    one = lambda: nn.half_squared_error(net([1.0, 0.0]), [1.0])         # noqa: E731
    verdict = check(one(), w, f"{2 * difference(one, w):.6g}")
    assert not verdict and "leaves out ∂C/∂(y-a3_1)² = 0.5 on path 1" in str(verdict)
    batch = lambda: nn.half_mean_squared_error([net(x) for x in X], Y)  # noqa: E731
    g = difference(batch, w)
    for k in (2, 4):
        verdict = check(batch(), w, f"{k * g:.6g}")
        assert str(verdict).startswith(f"Disagrees: your value is {k} times the engine's.")


def test_the_same_factor_left_out_of_a_samples_paths_is_said_once():
    """∂C/∂w²₁₁ of a 2-3-2 network over 3 samples runs along 2 paths a sample (through both
    outputs); without σ'(z²₁) a learner's value 'leaves out a2_1(1)(1-a2_1(1)) on path 1,
    a2_1(1)(1-a2_1(1)) on path 2, ...', one entry per path (956 characters on 784-30-10's 30
    paths); the headline now says each run of paths once. Oracle: numpy backprop by hand,
    with σ'(z2) left out."""
    np = pytest.importorskip("numpy")
    import nn
    rng = np.random.default_rng(3)
    W2, b2, W3, b3 = (rng.normal(size=s) for s in ((3, 2), (3, 1), (2, 3), (2, 1)))
    X, Y = rng.normal(size=(2, 3)), rng.uniform(size=(2, 3))
    net = nn.MLP.from_matrices([W2, W3], [b2, b3], layout="columns")
    C = nn.half_squared_error(net.batch(X.T), Y.T, reduction="sum")
    C.backward()
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    A2 = sig(W2 @ X + b2)
    A3 = sig(W3 @ A2 + b3)
    d3 = (A3 - Y) * A3 * (1 - A3)
    assert check(C, "w2_11", float((((W3.T @ d3) * A2 * (1 - A2)) @ X.T)[0, 0]))
    slip = float(((W3.T @ d3) @ X.T)[0, 0])
    assert check(C, "w2_11", slip).headline() == (
        "Disagrees: your value leaves out a2_1(1)(1-a2_1(1)) on paths 1–2, a2_1(2)(1-a2_1(2)) "
        "on paths 3–4 and a2_1(3)(1-a2_1(3)) on paths 5–6.")


def lecture_expression():
    """micrograd's lecture: L = (a·b + c)·f at a=2, b=-3, c=10, f=-2; by hand
    ∂L/∂a = b·f = 6 and ∂L/∂f = a·b + c = 4."""
    a, b, c, f = (Value(v, label=k) for k, v in (("a", 2.0), ("b", -3.0), ("c", 10.0),
                                                  ("f", -2.0)))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, a, f


def test_a_grad_added_up_over_two_passes_is_named_as_such():
    """The lecture's forgotten zero_grad: L.backward() twice leaves a.grad = 2·6 = 12 (a
    leaf adds each pass, as PyTorch's do).  check(L, a, '12'), the number a learner reads
    off a.grad, said 'Disagrees: your value is 2 times the engine's.' with 'a factor 2 is
    most often the ½ of a squared error', a cause the graph has not; and explain's
    '(backward() gives 6)' stood beside the 12 a.grad shows.  Both now say a.grad holds the
    sum of the passes; one pass's value still agrees."""
    L, a, f = lecture_expression()
    L.backward()
    L.backward()
    hand_a, hand_f = -3.0 * -2.0, 2.0 * -3.0 + 10.0
    assert a.grad == 2 * hand_a and f.grad == 2 * hand_f        # 12 and 8, as in PyTorch
    verdict = check(L, a, "12")
    text = str(verdict)
    assert not verdict and verdict.diagnosis.kind == "held grad"
    assert verdict.headline() == ("Disagrees: your value is a.grad as it stands, not one "
                                  "backward() pass's gradient.")
    assert (f"a.grad as it stands, 12, not one backward() pass's ∂L/∂a = {hand_a:g}, most "
            "often because a leaf's grad keeps what was put in it until it is zeroed") in text
    assert "squared error" not in text and "p.grad = 0.0, or zero_grad()" in text
    assert check(L, a, f"{hand_a:g}") and check(L, f, f"{hand_f:g}")
    assert check(L, f, "8").diagnosis.kind == "held grad"
    header = str(explain(L, a)).splitlines()[0]
    assert header == (f"∂L/∂a = {hand_a:g}   (backward() gives {hand_a:g}; a.grad holds 12: a "
                      "leaf's grad keeps what was put in it until it is zeroed (p.grad = 0.0, "
                      "or zero_grad()): each backward() pass adds its gradient to it, and a "
                      "training step (nn.train's last, say) leaves its batch's gradient there)")
    a.grad = f.grad = 0.0                                        # zeroed: the plain aside
    for leaf in (a, f):
        assert str(explain(L, leaf)).splitlines()[0].endswith(" (backward() gives "
                                                              f"{hand_a if leaf is a else hand_f:g})")
    assert check(L, a, "12").diagnosis.kind == "constant factor"   # no grad held: a factor 2


def test_a_factor_2_is_put_down_to_a_squared_error_only_where_the_graph_squares():
    """check(L, a, '12') of the lecture's L = (a·b + c)·f (by hand ∂L/∂a = b·f = 6, no
    square anywhere) said '... off by the same constant factor (a factor 2 is most often
    the ½ of a squared error: ½(y − a)² has the derivative a − y, ...)'.  The hint is
    given where the graph squares a value, (a·b − c)² (by hand 2(a·b − c)·b = 96; 192 is
    2 times), or
    u·u, and not otherwise."""
    L, a, _ = lecture_expression()
    verdict = check(L, a, f"{2 * -3.0 * -2.0:g}")
    assert verdict.diagnosis.kind == "constant factor" and "2 times the engine's" in str(verdict)
    assert "squared error" not in str(verdict)
    for squared in (lambda u: u ** 2, lambda u: u * u):
        a, b, c = Value(2.0, name="a"), Value(-3.0, name="b"), Value(10.0, name="c")
        S = squared(a * b - c).named("S")
        hand = 2 * (2.0 * -3.0 - 10.0) * -3.0
        verdict = check(S, a, f"{hand * 2:g}")                # the ½ counted twice, say
        assert verdict.diagnosis.kind == "constant factor", str(verdict)
        assert "a factor 2 is most often the ½ of a squared error" in str(verdict)


def test_a_grad_left_by_nn_train_is_not_blamed_on_passes_added_up():
    """After nn.train, explain(C, w) and check(C, w, w.grad) said w.grad held 'their sum',
    'without zeroing between passes', where no pass had been added: it held nn.train's last
    step's gradient.  The words now say what a leaf's grad keeps, passes added or a training
    step's batch gradient.  Oracle for what the step left: central finite differences of the
    batch's mean cost ½(y − a)² at the network's first parameters (one step, one batch)."""
    import nn
    X, Y = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]], [[1.0], [0.0], [1.0]]
    net = nn.MLP([2, 2, 1], seed=0)
    nn.train(net, X, Y, epochs=1, lr=0.5, batch=3, progress=False)
    w = net.named_parameters()["w2_11"]
    fresh = nn.MLP([2, 2, 1], seed=0)
    w0, h = fresh.named_parameters()["w2_11"], 1e-6

    def mean_cost(at):
        w0.data = at
        return sum(0.5 * (y[0] - fresh(x)[0].data) ** 2 for x, y in zip(X, Y)) / len(X)
    start = w0.data
    assert w.grad == pytest.approx((mean_cost(start + h) - mean_cost(start - h)) / (2 * h), rel=1e-6)
    w0.data = start
    C = nn.half_squared_error(net(X[0]), Y[0])
    words = ("a leaf's grad keeps what was put in it until it is zeroed (p.grad = 0.0, or "
             "zero_grad()): each backward() pass adds its gradient to it, and a training step "
             "(nn.train's last, say) leaves its batch's gradient there")
    header = str(explain(C, w)).splitlines()[0]
    assert header.endswith(f"; w2_11.grad holds {w.grad:.12g}: {words})"), header
    verdict = check(C, w, w.grad)
    assert verdict.diagnosis.kind == "held grad"
    assert f"most often because {words}." in str(verdict)
    assert "their sum" not in header + str(verdict) and "between passes" not in str(verdict)

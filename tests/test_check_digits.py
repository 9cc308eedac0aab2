"""check() trusts the digits a person typed.

Every worked example with its printed digits: worked examples 000-004 (their hand
formulas, the oracle, printed to n digits as a learner copies them), seed
003's published Desmos value, Mazur's published 2-2-2 numbers, a tanh neuron
printed to 3 digits and a cross-entropy gradient printed to 4.  Then the
finite difference's own error (a rule is blamed only beyond it), the words of
a diagnosis (one term of a sum: samples, outputs or terms), the command line,
and a property test over random graphs and digit counts: no verdict both
backs the engine and suspects a derivative rule.
"""

import math
import random
import runpy
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, ops, sum_values
from autograd.check import BACKS_THE_ENGINE, SUSPECT_A_RULE, check, estimate
from autograd.cli import main
from autograd.explain import count_paths, engine_gradients
from conftest import assert_close
from graphs import random_graph
from test_check import wrong_sigmoid_backward
from test_explain import DESMOS, SCRIPT_003, seed000, seed000_hand, seed003
from test_seeds import (
    add_row, apply, column_sums, hadamard, matmul, nn_weights, one_minus, scale, sigmoid,
    sigmoid_prime, subtract, transpose,
)


def printout(x, digits, shift=0):
    """x printed to ``digits`` significant digits, rounded, then moved by ``shift``
    units in the last digit (the oracle's own decimal arithmetic)."""
    d = Decimal(x)
    if d == 0:
        return "0"
    unit = Decimal(1).scaleb(d.adjusted() - digits + 1)
    return str(d.quantize(unit, rounding=ROUND_HALF_EVEN) + shift * unit)


def cut(x, digits):
    """x as the engine shows it (the shortest decimal that reads back as x, repr)
    to ``digits`` significant digits with the rest cut off."""
    d = Decimal(repr(x))
    return str(d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_DOWN))


def assert_consistent(verdict):
    """A verdict never says both that the finite difference backs the engine and that
    a derivative rule is suspect; with the ops' own rules it never blames one."""
    text = str(verdict)
    assert not (BACKS_THE_ENGINE in text and SUSPECT_A_RULE in text), text
    return text


# ---------------------------------------------------------------------------
# The worked examples: (root, wrt, the oracle's value)
# ---------------------------------------------------------------------------

def seed000_dw1():
    L, n = seed000()
    return L, n["w1"], seed000_hand()["dw1"]          # x·h(1-h)·w2·y'(1-y')·(y'-y)


def seed000_db():
    L, n = seed000()
    hand = seed000_hand()
    return L, n["b"], hand["db_via_net1"] + hand["db_via_net2"]


# seed 001, demos/02's batch: L = Σ_i ½(a3_i - y_i)², the answer's a0^T δ1 and Σ δ1
A0 = [[1.0, 0.5], [-0.5, 1.5], [2.0, -1.0]]
Y001 = [[1.0], [0.0], [1.0]]
W1_001, B1_001 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[0.1, 0.0, -0.1]]
W2_001, B2_001 = [[0.7], [-0.8], [0.9]], [[0.05]]


def seed001_network():
    net = nn.MLP([2, 3, 1], weights=[nn_weights(W1_001), nn_weights(W2_001)],
                 biases=[B1_001[0], B2_001[0]])
    L = sum_values([nn.half_squared_error(net(x), t) for x, t in zip(A0, Y001)]).named("L")
    return L, net.named_parameters()


def seed001_hand():
    z1 = add_row(matmul(A0, W1_001), B1_001)
    a1 = apply(sigmoid, z1)
    z2 = add_row(matmul(a1, W2_001), B2_001)
    delta2 = hadamard(subtract(apply(sigmoid, z2), Y001), apply(sigmoid_prime, z2))
    delta1 = hadamard(matmul(delta2, transpose(W2_001)), apply(sigmoid_prime, z1))
    return matmul(transpose(A0), delta1), column_sums(delta1)


def seed001_dw2_21():
    L, p = seed001_network()
    dW1, _ = seed001_hand()
    return L, p["w2_21"], dW1[0][1]          # W1[k][j] is w^2_jk: from x1 into neuron 2


def seed001_db2_3():
    L, p = seed001_network()
    _, db1 = seed001_hand()
    return L, p["b2_3"], db1[0][2]


def seed002_dw2_11():
    """Nielsen's BP1-BP4 on demos/03's network: ∂C/∂w^2_11 = x1 · w^3_11 δ^3_1 σ'(z^2_1)."""
    x, y = [0.6, -0.4], 0.25
    w2 = [[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]]
    b2 = [0.1, 0.0, -0.1]
    w3 = [[0.7, -0.2, 0.3]]
    layer2 = nn.Layer(2, 3, number=2, weights=w2, biases=b2)
    layer3 = nn.Layer(3, 1, number=3, weights=w3, bias="none")
    [a3] = layer3(layer2(x))
    C = nn.half_squared_error([a3], [y])
    z2 = [w2[j][0] * x[0] + w2[j][1] * x[1] + b2[j] for j in range(3)]
    z3 = sum(w3[0][j] * sigmoid(z2[j]) for j in range(3))
    delta3 = (sigmoid(z3) - y) * sigmoid_prime(z3)                  # BP1
    delta2_1 = w3[0][0] * delta3 * sigmoid_prime(z2[0])              # BP2
    return C, layer2.named_parameters()["w2_11"], x[0] * delta2_1   # BP4


def seed003_dw1():
    O, n = seed003()
    return O, n["w1"], DESMOS


# seed 004, demos/05's mini-batch: cost = 1/(2m) Σ (o2 - Y)², the blog's ΔW1 and ΔW2
X004 = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
Y004 = [[1.0], [0.0], [0.0], [1.0]]
W1_004, B1_004 = [[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], [[0.0, 0.1, -0.2]]
W2_004, B2_004 = [[0.8], [-0.6], [0.4]], [[-0.1]]


def seed004_network():
    net = nn.MLP([2, 3, 1], weights=[nn_weights(W1_004), nn_weights(W2_004)],
                 biases=[B1_004[0], B2_004[0]])
    cost = nn.half_mean_squared_error([net(x) for x in X004], Y004).named("cost")
    return cost, net.named_parameters()


def seed004_blog():
    """The blog's 1/m (o2 - Y) ⊙ o2(1-o2) per sample, o1, and ΔW1, ΔW2."""
    m = len(X004)
    o1 = apply(sigmoid, add_row(matmul(X004, W1_004), B1_004))
    o2 = apply(sigmoid, add_row(matmul(o1, W2_004), B2_004))
    through_o2 = hadamard(scale(1 / m, subtract(o2, Y004)), hadamard(o2, one_minus(o2)))
    dW2 = transpose(matmul(transpose(through_o2), o1))
    through_o1 = hadamard(hadamard(matmul(through_o2, transpose(W2_004)), o1), one_minus(o1))
    dW1 = transpose(matmul(transpose(through_o1), X004))
    return through_o2, o1, dW1, dW2


def seed004_dw3_12():
    cost, p = seed004_network()
    _, _, _, dW2 = seed004_blog()
    return cost, p["w3_12"], dW2[1][0]


def seed004_dw2_31():
    cost, p = seed004_network()
    _, _, dW1, _ = seed004_blog()
    return cost, p["w2_31"], dW1[0][2]


def mazur():
    """Matt Mazur's 2-2-2 example ("A Step by Step Backpropagation Example"): inputs
    0.05, 0.10, targets 0.01, 0.99, one bias per layer, E_total = Σ ½(target - out)²."""
    i1, i2 = Value(0.05, "i1"), Value(0.10, "i2")
    w = {k: Value(v, f"w{k}", kind="parameter")
         for k, v in zip(range(1, 9), (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55))}
    b1, b2 = Value(0.35, "b1", kind="parameter"), Value(0.60, "b2", kind="parameter")
    h1 = (w[1] * i1 + w[2] * i2 + b1).named("net_h1").sigmoid().named("out_h1")
    h2 = (w[3] * i1 + w[4] * i2 + b1).named("net_h2").sigmoid().named("out_h2")
    o1 = (w[5] * h1 + w[6] * h2 + b2).named("net_o1").sigmoid().named("out_o1")
    o2 = (w[7] * h1 + w[8] * h2 + b2).named("net_o2").sigmoid().named("out_o2")
    e1 = (0.5 * (Value(0.01, "target_o1", kind="constant") - o1) ** 2).named("E_o1")
    e2 = (0.5 * (Value(0.99, "target_o2", kind="constant") - o2) ** 2).named("E_o2")
    return (e1 + e2).named("E_total")


def tanh_neuron():
    """n = w·x + b, o = tanh(n), L = ½(o - y)²:  ∂L/∂x = (o - y)(1 - o²)·w = -0.104998…"""
    x, w, b = Value(-1.0, "x"), Value(1.8, "w", kind="parameter"), Value(-0.5, "b")
    o = (w * x + b).named("n").tanh().named("o")
    L = (0.5 * (o - Value(0.5, "y", kind="constant")) ** 2).named("L")
    t = math.tanh(1.8 * -1.0 - 0.5)
    return L, x, (t - 0.5) * (1 - t * t) * 1.8


def cross_entropy():
    """p = σ(w·x + b), L = -(y ln p + (1 - y) ln(1 - p)) with y = 1:
    ∂L/∂b = p - y = σ(1.37) - 1 = -0.20262…"""
    x, w, b = Value(0.3, "x"), Value(0.9, "w", kind="parameter"), Value(1.1, "b", kind="parameter")
    y = Value(1.0, "y", kind="constant")
    p = (w * x + b).named("z").sigmoid().named("p")
    L = (-(y * p.log() + (1 - y) * (1 - p).log())).named("L")
    return L, b, sigmoid(0.3 * 0.9 + 1.1) - 1.0


EXAMPLES = {
    "seed000-dL/dw1": seed000_dw1, "seed000-dL/db": seed000_db,
    "seed001-dL/dw2_21": seed001_dw2_21, "seed001-dL/db2_3": seed001_db2_3,
    "seed002-dC/dw2_11": seed002_dw2_11, "seed003-dO/dw1": seed003_dw1,
    "seed004-dcost/dw3_12": seed004_dw3_12, "seed004-dcost/dw2_31": seed004_dw2_31,
    "tanh-neuron": tanh_neuron, "cross-entropy": cross_entropy,
}


@pytest.mark.parametrize("digits", [3, 4, 6, 8])
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_a_worked_example_printed_to_n_digits_agrees(example, digits):
    root, wrt, oracle = EXAMPLES[example]()
    for typed in (printout(oracle, digits), cut(oracle, digits)):
        verdict = check(root, wrt, typed)
        text = assert_consistent(verdict)
        assert verdict and verdict.digits == digits, text
        assert f"agrees to the {digits} significant digits you gave" in text
        assert BACKS_THE_ENGINE in text and verdict.diagnosis is None


@pytest.mark.parametrize("digits", [3, 6])
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_a_worked_example_with_a_wrong_last_digit_does_not_agree(example, digits):
    root, wrt, oracle = EXAMPLES[example]()
    for shift in (-2, 2):
        verdict = check(root, wrt, printout(oracle, digits, shift))
        text = assert_consistent(verdict)
        assert not verdict and "does not agree" in text
        assert BACKS_THE_ENGINE in text and SUSPECT_A_RULE not in text


# ---------------------------------------------------------------------------
# The published numbers, as printed
# ---------------------------------------------------------------------------

def test_seed003_desmos_as_printed_and_to_6_digits():
    O, n = seed003()
    verdict = check(O, n["w1"], "0.0014291881022")
    assert verdict and "agrees to the 11 significant digits you gave" in str(verdict)
    verdict = check(O, n["w1"], "0.00142919")
    text = assert_consistent(verdict)
    assert verdict.agreed and verdict.digits == 6 and verdict.rtol is None
    assert text.splitlines()[0] == "Agrees to the 6 significant digits you gave."
    assert text.splitlines()[1].startswith("Your ∂O/∂w1 = 0.00142919 agrees to the 6 significant digits you "
                           "gave: the engine's 0.0014291881022 rounds to 0.00142919.")
    assert SUSPECT_A_RULE not in text and "ratio" not in text


def test_seed003_the_same_digits_as_a_float_are_full_precision_and_not_blamed_on_a_rule():
    """The reported contradiction: 0.00142919 is 1.3e-6 from the engine, so a float does not
    agree at full precision, but the finite difference backs the engine and nothing
    blames a rule; the verdict says which digits= would agree."""
    O, n = seed003()
    verdict = check(O, n["w1"], 0.00142919)
    text = assert_consistent(verdict)
    assert not verdict and verdict.fd_agrees and verdict.diagnosis is None
    assert BACKS_THE_ENGINE in text and SUSPECT_A_RULE not in text
    assert "pass digits=6" in text
    assert check(O, n["w1"], 0.00142919, digits=6)
    assert check(O, n["w1"], 0.0014291881022047, digits=6).expected == 0.00142919


def test_the_issue_2_3_1_printout_cut_short_begins_with_the_engine_digits():
    """∂L/∂b2_3 of seed 001's batch is -0.0089158275775…; printed to 6 digits with the
    rest cut off, as -0.00497938 for -0.00497938631697 in the report."""
    L, b2_3, oracle = seed001_db2_3()
    assert cut(oracle, 6) == "-0.00891582" != printout(oracle, 6)
    verdict = check(L, b2_3, "-0.00891582")
    text = assert_consistent(verdict)
    assert verdict and "begins with -0.00891582" in text


@pytest.mark.parametrize("root_name, wrt, published", [
    ("E_total", "w5", "0.082167041"),       # ∂E_total/∂w5
    ("E_total", "w5", "0.08217"),           # the same, to 4 significant digits
    ("E_total", "w1", "0.000438568"),       # ∂E_total/∂w1
    ("E_total", "out_h1", "0.036350306"),   # ∂E_total/∂out_h1
    ("E_total", "out_o1", "0.74136507"),    # ∂E_total/∂out_o1
    ("out_o1", "net_o1", "0.186815602"),    # ∂out_o1/∂net_o1
])
def test_mazur_2_2_2_published_gradients_agree(root_name, wrt, published):
    E = mazur()
    root = E if root_name == "E_total" else next(
        node for node in _nodes(E) if node.name == root_name)
    verdict = check(root, wrt, published)
    text = assert_consistent(verdict)
    digits = len(published.split(".")[1].lstrip("0"))
    assert verdict and f"agrees to the {digits} significant digits you gave" in text
    assert verdict.diagnosis is None


def _nodes(root):
    from autograd.engine import all_nodes
    return all_nodes(root)


def test_mazur_dE_dw5_to_4_digits_is_not_diagnosed_as_one_term():
    """The reported case: 0.08217 was 'A sum over samples is missing ... term 1 of 2
    alone', yet E_o2 does not depend on w5 and the terms are one sample's outputs."""
    verdict = check(mazur(), "w5", "0.08217")
    assert verdict and verdict.diagnosis is None
    assert "sum over samples" not in str(verdict)


def test_one_term_is_not_offered_when_the_other_terms_do_not_depend_on_wrt():
    """2·∂E/∂w5 is term 1's gradient 'as if it were the whole loss', but with E_o2
    flat in w5 that is no mistake about a sum: the ½ of E_o1 is what is missing."""
    E = mazur()
    twice = 2 * 0.08216704056423078
    verdict = check(E, "w5", printout(twice, 8))
    assert not verdict and verdict.diagnosis.kind == "missing factors"
    assert "∂E_o1/∂(target_o1-out_o1)² = 0.5" in str(verdict)


def test_a_tanh_neuron_printed_as_minus_0_105():
    L, x, oracle = tanh_neuron()
    assert printout(oracle, 3) == "-0.105" and printout(oracle, 6) == "-0.104998"
    verdict = check(L, x, "-0.105")
    text = assert_consistent(verdict)
    assert verdict and "agrees to the 3 significant digits you gave" in text
    assert "rounds to -0.105" in text
    # as a float it is full precision: no agreement, and still no rule is blamed
    verdict = check(L, x, -0.105)
    assert not verdict and SUSPECT_A_RULE not in assert_consistent(verdict)


def test_a_cross_entropy_gradient_printed_as_minus_0_2026():
    L, b, oracle = cross_entropy()
    assert printout(oracle, 4) == "-0.2026"
    verdict = check(L, b, "-0.2026")
    assert verdict and "agrees to the 4 significant digits you gave" in assert_consistent(verdict)
    assert_close(verdict.engine, oracle, rel=1e-12)


# ---------------------------------------------------------------------------
# The finite difference's own error
# ---------------------------------------------------------------------------

def _seed003_O(w1):
    """O(w1) in plain Python (all other weights 0.5, biases 1, I = 1)."""
    h1 = sigmoid(w1 + 1)
    h = sigmoid(h1 * 0.5 + 1)
    return sigmoid(h * 0.5 + h * 0.5 + 1)


def test_the_estimate_is_D_h_with_its_error_from_D_2h():
    O, n = seed003()
    e = estimate(O, n["w1"])
    h = 1e-6
    fine = (_seed003_O(0.5 + h) - _seed003_O(0.5 - h)) / ((0.5 + h) - (0.5 - h))
    coarse = (_seed003_O(0.5 + 2 * h) - _seed003_O(0.5 - 2 * h)) / ((0.5 + 2 * h) - (0.5 - 2 * h))
    assert e.step == h
    assert_close(e.value, fine, rel=1e-9)
    assert_close(e.coarse, coarse, rel=1e-9)
    assert e.error >= abs(e.coarse - e.value)
    assert abs(e.value - DESMOS) <= e.error < 1e-5 * DESMOS     # it can tell 5 digits


def test_a_slightly_wrong_rule_is_blamed_only_beyond_the_difference_s_error(monkeypatch):
    """A sigmoid rule 0.1% too large: the finite difference no longer backs the engine,
    and a value typed from the true derivative is the finite difference's."""
    true_rule = ops.SIGMOID.backward

    def slightly_wrong(node, upstream):
        return tuple(1.001 * g for g in true_rule(node, upstream))

    O, n = seed003()
    monkeypatch.setattr(ops.SIGMOID, "backward", slightly_wrong)
    verdict = check(O, n["w1"], "0.00142919")
    text = assert_consistent(verdict)
    assert not verdict and not verdict.fd_agrees and verdict.expected_matches_fd
    assert abs(verdict.finite_difference - verdict.engine) > verdict.fd_error
    assert "does NOT agree with the engine" in text and SUSPECT_A_RULE in text
    assert BACKS_THE_ENGINE not in text


def test_no_estimate_blames_nothing():
    """ln x at x = 5e-7: x - h is negative, so there is no finite difference."""
    x = Value(5e-7, "x")
    L = x.log().named("L")
    verdict = check(L, x, "2.1e6")                  # 1/x = 2e6, not 2.1e6
    text = assert_consistent(verdict)
    assert not verdict.fd_finite and not verdict.blames_a_rule
    assert text.count("No finite-difference estimate: the graph cannot be re-evaluated "
                      "near 5e-07 (log: input must be > 0") == 1
    assert SUSPECT_A_RULE not in text and BACKS_THE_ENGINE not in text
    assert check(L, x, "2e6") and x.data == 5e-7


# ---------------------------------------------------------------------------
# One term of a sum: samples, outputs, terms
# ---------------------------------------------------------------------------

def test_one_sample_of_a_mini_batch_is_a_missing_sum_over_samples():
    """Seed 004: the blog's ΔW2 for sample 2 alone, 1/m (o2_2 - Y_2) o2_2(1 - o2_2) o1_2."""
    cost, p = seed004_network()
    through_o2, o1, _, _ = seed004_blog()
    sample2 = through_o2[1][0] * o1[1][1]            # ∂cost/∂w3_12 from sample 2 only
    verdict = check(cost, p["w3_12"], printout(sample2, 6))
    text = assert_consistent(verdict)
    assert verdict.diagnosis.kind == "one term of a sum"
    assert "A sum over samples is missing" in text and "term 2 of 4" in text
    assert "adds 4 terms, one per sample" in text


def test_one_output_of_mazur_s_network_is_a_missing_sum_over_outputs():
    """∂E_o1/∂w1 alone, typed as the formula a learner writes for it."""
    E = mazur()
    formula = "out_h1(1-out_h1)*i1*(out_o1-target_o1)*out_o1(1-out_o1)*w5"
    verdict = check(E, "w1", formula)
    text = assert_consistent(verdict)
    h1, o1 = sigmoid(0.3775), sigmoid(0.4 * sigmoid(0.3775) + 0.45 * sigmoid(0.3925) + 0.6)
    assert_close(verdict.expected, h1 * (1 - h1) * 0.05 * (o1 - 0.01) * o1 * (1 - o1) * 0.4,
                 rel=1e-12)
    assert verdict.diagnosis.kind == "one term of a sum"
    assert "A sum over outputs is missing" in text and "one per output" in text
    assert "sample" not in text


def test_a_forgotten_regulariser_is_a_missing_term():
    """L = (w·x - y)² + 0.1·w²: the learner differentiated the first term only."""
    w, x = Value(0.7, "w", kind="parameter"), Value(1.5, "x")
    y = Value(2.0, "y", kind="constant")
    L = ((w * x - y) ** 2 + 0.1 * w ** 2).named("L")
    first = 2 * (0.7 * 1.5 - 2.0) * 1.5
    verdict = check(L, w, printout(first, 6))
    text = assert_consistent(verdict)
    assert verdict.diagnosis.kind == "one term of a sum"
    assert "A term of a sum is missing" in text
    assert "sample" not in text and "output" not in text
    assert check(L, w, printout(first + 0.2 * 0.7, 6))


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

@pytest.fixture
def script003(tmp_path):
    path = tmp_path / "seed003.py"
    path.write_text(SCRIPT_003)
    return str(path)


def test_cli_expected_counts_the_digits_typed(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.00142919"]) == 0
    out = capsys.readouterr().out
    assert "agrees to the 6 significant digits you gave" in out and SUSPECT_A_RULE not in out
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.0014292",
                 "--digits", "4"]) == 0
    assert "agrees to the 4 significant digits you gave" in capsys.readouterr().out
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.00142919",
                 "--rtol", "1e-9"]) == 1
    assert "tolerance: relative 1e-09" in capsys.readouterr().out
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.00143",
                 "--atol", "1e-5"]) == 0
    capsys.readouterr()


def test_cli_expected_in_scientific_notation(script003, capsys):
    """Desmos's 0.0014291881022 printed as 1.429 × 10⁻³ agrees to its 4 digits."""
    assert main(["check", script003, "--wrt", "w1", "--expected", "1.429 × 10⁻³"]) == 0
    assert "agrees to the 4 significant digits you gave" in capsys.readouterr().out
    assert main(["check", script003, "--wrt", "w1", "--expected", r"1.431 \times 10^{-3}"]) == 1
    capsys.readouterr()


def test_cli_expected_must_be_a_number(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--expected", "2h"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--expected takes a number" in err and "--formula" in err


def test_cli_digits_must_be_a_count(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.1", "--digits", "0"]) == 2
    assert "digits must be an int from 1 to 17" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Property: over random graphs and digit counts, no verdict contradicts itself
# ---------------------------------------------------------------------------

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10 ** 6), size=st.integers(1, 12), which=st.integers(0, 2),
       digits=st.integers(1, 17), shift=st.integers(-3, 3),
       form=st.sampled_from(["text", "cut", "float", "digits="]), wrong_rule=st.booleans())
def test_no_verdict_backs_the_engine_and_suspects_a_rule(seed, size, which, digits, shift, form,
                                                         wrong_rule):
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-2, 2), name=f"v{i}") for i in range(3)]
    root = random_graph(rng, leaves, size)
    wrt = leaves[which]
    if not count_paths(root, wrt).get(root):
        wrt = next((v for v in leaves if count_paths(root, v).get(root)), None)
        if wrt is None:
            return
    with pytest.MonkeyPatch.context() as patch:
        if wrong_rule:
            patch.setattr(ops.SIGMOID, "backward", wrong_sigmoid_backward)
        engine = engine_gradients(root)[wrt]
        typed = cut(engine, digits) if form == "cut" else printout(engine, digits, shift)
        if form == "float":
            verdict = check(root, wrt, float(typed))
        elif form == "digits=":
            verdict = check(root, wrt, float(typed), digits=digits)
        else:
            verdict = check(root, wrt, typed)
    text = assert_consistent(verdict)
    if not wrong_rule:
        # the ops' own rules: the finite difference backs the engine, no rule is blamed
        assert verdict.fd_agrees and SUSPECT_A_RULE not in text, text
        assert "does NOT agree with the engine" not in text
    if form in ("text", "cut") and (shift == 0 or form == "cut") and engine != 0.0 and \
            (form == "text" or digits >= 12 or typed == cut(float(f"{engine:.12g}"), digits)):
        assert verdict, text                         # the engine's own printout agrees
        #                                              (a cut, of its 12 reliable digits)
    if form == "text" and abs(shift) >= 2 and engine != 0.0 and float(typed) != engine:
        # two units off in the last digit typed disagree, unless that digit is a 16th or
        # 17th and the typed number is within 4 units of the float's last place (2**-52
        # each) of the engine's: the engine's own rounding, which agrees and says so
        ulps = abs(Decimal(typed) - Decimal(repr(engine))) / Decimal(math.ulp(engine))
        if digits >= 16 and ulps <= 4:
            assert verdict and "but for the float arithmetic's own rounding" in text, text
        else:
            assert not verdict, text
    if form in ("text", "cut") and float(typed) == engine:
        assert verdict, text                         # typed digits that read back as the float


# ---------------------------------------------------------------------------
# Digits are compared with the number the engine shows (repr)
# ---------------------------------------------------------------------------

def _agrees(typed, x):
    from autograd.precision import precision_for
    return precision_for(float(typed), typed).agrees(x)


def test_seven_tenths_begins_with_seven_never_six_nine():
    x = 0.1 * 7                      # 0.7000000000000001 ...
    y = 0.7                          # ... and 0.7, stored as 0.69999999999999995559
    assert Decimal(y) < Decimal("0.7")
    assert not _agrees("0.69", y) and _agrees("0.70", y) and _agrees("0.7", y)
    assert _agrees("0.70000000000000006", x) and not _agrees("0.69", x)
    w = Value(2.0, name="w")
    L = (w * 0.35).named("L")        # ∂L/∂w = 0.35 exactly as shown: 0.35
    verdict = check(L, w, "0.34")
    assert not verdict and "begins with 0.34" not in str(verdict)
    L2 = (w * y).named("L2")
    assert "begins with 0.69" not in str(check(L2, w, "0.69")) and not check(L2, w, "0.69")
    # 17 digits printed from the float itself ('%.17g') are that float
    assert _agrees(f"{y:.17g}", y) and f"{y:.17g}" == "0.69999999999999996"


def test_one_unit_off_on_either_side_is_judged_alike():
    x = -0.09999999999999998          # shows as -0.09999999999999998, -0.1 to 12 digits
    assert _agrees("-0.1", x) and _agrees("-0.10000000", x)
    # -0.09999999 and -0.10000001 are each a unit (1e-8) from the -0.1 x is to 12 digits:
    # the 2e-17 between is a float's rounding, which cuts no digit off
    assert not _agrees("-0.09999999", x) and not _agrees("-0.10000001", x)
    assert not _agrees("-0.09999998", x) and not _agrees("-0.10000002", x)
    # a printout copied with its last digits cut begins with the digits shown
    assert _agrees("-0.099999999999999", x) and _agrees("-0.0999999999999999", x)


def lecture_neuron():
    """micrograd's lecture neuron, o = tanh(x1·w1 + x2·w2 + b), b chosen so that
    n = atanh(1/√2): by hand 1 - o² = 1/2 exactly, ∂o/∂x1 = w1/2 = -1.5, ∂o/∂w1 = x1/2 = 1,
    ∂o/∂x2 = w2/2 = 0.5, ∂o/∂b = 1/2."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = (x1 * w1 + x2 * w2 + b).named("n")
    o = n.tanh().named("o")
    assert abs(math.tanh(n.data) ** 2 - 0.5) < 1e-15          # the lecture's choice of b
    return o, {"x1": (x1, -1.5), "w1": (w1, 1.0), "x2": (x2, 0.5), "b": (b, 0.5)}


@pytest.mark.parametrize("wrt, wrong", [
    ("x1", "-1.4"), ("x1", "-1.49"), ("x1", "-1.499"), ("w1", "0.9"), ("w1", "0.99"),
    ("b", "0.4"), ("b", "0.49"), ("x2", "0.4"),
])
def test_a_hand_value_one_unit_off_the_lectures_neuron_disagrees(wrt, wrong):
    """micrograd's lecture neuron: the engine's gradients carry a float's rounding just below
    the hand values (-1.4999999999999993 for -1.5), and a learner's -1.4 (or 0.4 for ∂o/∂b =
    0.5) was told 'Agrees to the 2 significant digits you gave: the engine's
    -1.4999999999999993 begins with -1.4', beside a finite difference of -1.5 ± 1e-08 that
    'backs the engine'.  A value a whole unit of its last digit from the hand value
    disagrees, and the hand value itself, to any digits, agrees."""
    o, hand = lecture_neuron()
    o.backward()
    node, exact = hand[wrt]
    assert abs(float(wrong) - exact) == pytest.approx(10.0 ** Decimal(wrong).as_tuple().exponent)
    verdict = check(o, node, wrong)
    assert not verdict and "begins with" not in str(verdict), str(verdict)
    assert verdict.headline().startswith("Disagrees")
    right = {-1.5: ["-1.5", "-1.50", "-1.500000"], 1.0: ["1", "1.0", "1.00000"],
             0.5: ["0.5", "0.50", "0.500000"]}[exact]
    assert all(check(o, node, typed) for typed in right)
    # the dict of claims: none of four wrong values agrees
    verdicts = check(o, {"x1": "-1.4", "w1": "0.9", "b": "0.4", "x2": "0.4"})
    assert not any(verdicts[name] for name in ("x1", "w1", "b", "x2"))


@pytest.mark.parametrize("wrt, typed", [
    ("x1", "-1.500000000000000"), ("x1", "-1.5000000000000000"), ("x1", "-1.500000000000000e0"),
    ("b", "0.5000000000000000"), ("x2", "0.50000000000000000"),
])
def test_the_exact_hand_value_to_16_or_17_digits_agrees_with_the_lectures_neuron(wrt, typed):
    """micrograd's lecture neuron: ∂o/∂x1 = w1·(1 - o²) = -3·½ = -1.5 by hand, which the
    engine computes as -1.4999999999999993, 3 units in the last place (2**-52 each) away.
    A learner's exact -1.500000000000000 was told 'Disagrees at the 16 significant digits you
    gave ... carry more digits through to agree further'; the difference is the engine's own
    rounding, so it agrees, saying so, and a value off by one in its 15th digit does not."""
    o, hand = lecture_neuron()
    o.backward()
    node, exact = hand[wrt]
    distance = abs(Decimal(exact) - Decimal(node.grad)) / Decimal(math.ulp(node.grad))
    assert 0 < distance <= 4            # the engine's own rounding, not the learner's digits
    verdict = check(o, node, typed)
    text = str(verdict)
    assert verdict and verdict.headline().startswith("Agrees to the 1"), text
    assert "isagree" not in text and "carry more digits" not in text, text
    assert f"is {typed} but for the float arithmetic's own rounding in its last bits" in text
    assert f"({round(distance)} unit" in text, text
    assert BACKS_THE_ENGINE in text
    # one unit of the 15th digit beyond the hand value (away from the engine's, which
    # begins with the digits on the other side) is more than rounding: it disagrees
    away = 1 if exact > 0 else -1
    off = Decimal(exact) + away * Decimal(1).scaleb(Decimal(exact).adjusted() - 14)
    wrong = check(o, node, f"{off:.14e}")
    assert not wrong and wrong.headline().startswith("Disagrees"), str(wrong)
    # and 8 units of the float's last place beyond it, at 17 digits, disagrees too
    far = Decimal(exact) + away * 8 * Decimal(math.ulp(exact))
    assert not check(o, node, f"{far:.16e}")


@settings(max_examples=400, deadline=None)
@given(x=st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False),
       negative=st.booleans(), digits=st.integers(1, 17))
def test_no_farther_number_agrees_while_a_nearer_one_does_not(x, negative, digits):
    """Typed numbers at the same digits around x: measured from what the engine shows
    (repr), one a whole unit of its last digit away never agrees (unless it reads back
    as x itself), and agreement never skips a nearer number for a farther one."""
    x = -x if negative else x
    shown = Decimal(repr(x))
    digits = min(digits, len(shown.as_tuple().digits))     # digits the engine shows
    unit = Decimal(1).scaleb(shown.adjusted() - digits + 1)
    nearest = shown.quantize(unit, rounding=ROUND_HALF_EVEN)
    candidates = [nearest + k * unit for k in range(-3, 4)]
    candidates = [t for t in candidates if t != 0 and t.adjusted() == nearest.adjusted()]
    judged = [(abs(t - shown), _agrees(str(t), x), t) for t in candidates]
    assert any(ok for _, ok, _ in judged), (x, digits, judged)       # its own rounding agrees
    # the engine's own rounding: 4 units of x's last place (only ever under a 16th digit)
    rounding = 4 * Decimal(math.ulp(x))
    for distance, ok, t in judged:
        if distance >= unit and float(t) != x:      # (a number that reads back as x is x)
            assert not ok or distance <= rounding and digits >= 16, (x, digits, str(t))
    for d1, ok1, t1 in judged:
        for d2, ok2, t2 in judged:
            if ok1 and not ok2:
                assert d1 <= d2, (x, digits, str(t1), str(t2))


# ---------------------------------------------------------------------------
# Numbers typed to check are bounded
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, says", [
    ("1e999999999", "beyond what a float can hold: a gradient lies between 1e-324 and 1e308"),
    ("1e-400", "beyond what a float can hold"),
    ("0" * 5000 + "1", "too long: numbers up to 100 characters are read"),
    ("0." + "0" * 5000 + "1", "too long: numbers up to 100 characters are read"),
])
def test_absurd_numbers_are_refused_naming_the_limit(typed, says):
    w = Value(2.0, name="w")
    L = (w * w).named("L")
    with pytest.raises(ValueError) as caught:
        check(L, w, typed)
    text = str(caught.value)
    assert says in text and "\n" not in text and len(text) < 200
    assert w.data == 2.0 and w.grad == 0.0


@pytest.mark.parametrize("eps", [0, 0.0, -1e-6, math.inf, math.nan, "1e-6", True])
def test_check_refuses_a_step_that_is_not_positive(eps):
    w = Value(2.0, name="w")
    L = (w * w).named("L")
    with pytest.raises(ValueError, match="eps must be a positive finite number") as caught:
        check(L, w, "4", eps=eps)
    assert "\n" not in str(caught.value)


def test_a_tiny_typed_number_does_not_print_the_engine_to_hundreds_of_digits():
    w = Value(2.0, name="w")
    L = (w * 0.5).named("L")
    verdict = check(L, w, "1e-300")
    assert not verdict and len(str(verdict)) < 1000
    assert "the engine's 0.5, which is 0.5 to the 1 significant digit you gave" in str(verdict)


def test_the_engine_is_printed_as_a_number_the_verdict_holds_for():
    """The engine's -0.09999999999999998 (Decimal oracle: it begins with
    -0.099999999999999) is printed in full where its 12-digit form, -0.1, would not
    begin with the digits typed; a ratio that is not 1 never reads as 1."""
    x = Value(1.0, name="x")
    L = (x * -0.09999999999999998).named("L")
    engine = -0.09999999999999998
    assert str(Decimal(repr(engine))).startswith("-0.09999999")
    agreed = str(check(L, x, "-0.099999999999999"))         # its printout, cut at 14 digits
    assert "the engine's -0.09999999999999998 begins with -0.099999999999999" in agreed
    assert "the engine's -0.1 begins" not in agreed
    refused = check(L, x, "-0.10000001")
    assert not refused
    ratio = Decimal("-0.10000001") / Decimal(repr(engine))      # 1.00000010000000...
    assert ratio != 1
    text = str(refused)
    assert f"the ratio expected/engine is {ratio:.8g}." in text      # 1.0000001
    assert "expected/engine is 1." not in text.replace(f"{ratio:.8g}", "")
    # where 12 digits say the same, the verdict keeps the short form
    desmos = str(check(*seed003_root_wrt(), "0.00142919"))
    assert "the engine's 0.0014291881022 rounds to 0.00142919" in desmos


def seed003_root_wrt():
    O, n = seed003()
    return O, n["w1"]


@pytest.mark.parametrize("typed, point", [("0,7", "0.7"), ("-1,25e-3", "-1.25e-3"), (" 0,70 ", "0.70")])
def test_a_decimal_comma_is_named_with_the_number_to_type(typed, point):
    x = Value(2.0, name="x")
    L = (x * 0.7).named("L")
    with pytest.raises(ValueError) as err:
        check(L, x, typed)
    assert str(err.value) == (f"check: {typed.strip()!r} is written with a decimal comma; "
                              f"write the decimal point as a dot: {point}")


def test_cli_a_decimal_comma_is_bad_usage_naming_the_dotted_number(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--expected", "0,00142919"]) == 2
    err = capsys.readouterr().err
    assert err == ("chainrule check: --expected 0,00142919 is written with a decimal comma; "
                   "write the decimal point as a dot: --expected 0.00142919\n")
    # the dotted number it names agrees (Desmos: 0.0014291881022)
    assert main(["check", script003, "--wrt", "w1", "--expected", "0.00142919"]) == 0


@pytest.mark.parametrize("value, digits, shown", [
    (0.99951, 3, "1.00"), (9.996, 3, "10.0"), (-0.996, 2, "-1.0"), (0.0999951, 2, "0.10"),
    ("0.99951", 3, "1.00")])
def test_digits_that_round_up_to_a_new_digit_keep_their_count(value, digits, shown):
    """digits=N writes the value to N significant digits even when rounding carries
    into a new leading digit (hand-counted: 0.99951 to 3 digits is 1.00, not 1.000),
    so the verdict's number has the digits it says it has."""
    x, w = Value(float(value), name="x"), Value(1.0, name="w")
    L = (x * w).named("L")
    L.backward()
    verdict = check(L, w, value, digits=digits)
    assert verdict and verdict.digits == digits
    assert f"Your ∂L/∂w = {shown} agrees to the {digits} significant digits you gave" \
        in str(verdict)
    assert len(Decimal(shown).as_tuple().digits) == digits


def micrograd_readme():
    """micrograd's README example as it is written (tests/scripts/micrograd_readme.py, its
    printout: dg/da = 138.8338), run once: its g and a, after its g.backward()."""
    names = runpy.run_path(str(Path(__file__).parent / "scripts" / "micrograd_readme.py"))
    return names["g"], names["a"]


@pytest.mark.parametrize("typed, digits", [("69.4369", 6), ("-645.58", 5), ("0.0123", 3)])
def test_the_engine_is_shown_to_the_significant_digits_typed_whatever_their_size(typed, digits):
    """A wrong value of another size than the gradient: the engine's number is
    written to as many significant digits as the value typed has, as the verdict
    says (Decimal oracle on the engine's repr; 138.8338 is 7 digits, not 6)."""
    g, a = micrograd_readme()
    assert f"{a.grad:.4f}" == "138.8338"
    verdict = check(g, a, typed)
    expected = printout(a.grad, digits)
    assert not verdict and verdict.digits == digits
    assert f"which is {expected} to the {digits} significant digit" in str(verdict)
    assert verdict.headline().startswith(f"Disagrees: the engine gives {expected}")


@pytest.mark.parametrize("typed", [r"{m} \times 10^{{{k}}}", r"{m}\cdot10^{{{k}}}", "{m} × 10^{k}",
                                   "{m}*10^({k})", "{m}·10**{k}"])
def test_scientific_notation_keeps_the_digits_typed(typed):
    """A value printed as m × 10^k (LaTeX, a calculator) has m's digits, as m e k does;
    the oracle is seed 003's Desmos value printed to 3 and 4 digits (printout)."""
    O, n = seed003()
    w1, value = n["w1"], 0.0014291881022
    for digits in (3, 4):
        m = printout(value * 1e3, digits)
        verdict = check(O, w1, typed.format(m=m, k=-3))
        assert verdict and verdict.digits == digits, str(verdict)
        assert verdict.formula is None
    wrong = check(O, w1, typed.format(m=printout(value * 1e3, 4, shift=2), k=-3))
    assert not wrong and wrong.digits == 4


@pytest.mark.parametrize("typed, digits", [(0.0014, 2), (0.00143, 3)])
def test_a_float_right_to_its_own_digits_is_not_sent_hunting_for_a_mistake(typed, digits):
    """Desmos's 0.0014291881022 copied as the float 0.0014: the headline said it agrees to
    the 2 digits 0.0014 has, and the evidence went on 'No small mistake reproduces your
    value ... all 2 paths to compare with your derivation' and 'Next: ... line by line'
    (0.00143 got neither).  Both now say only what the digits say, and the advice holds."""
    assert printout(DESMOS, digits) == str(typed)
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    text = str(verdict)
    assert not verdict and verdict.headline() == (
        f"Disagrees at full precision, but agrees to the {digits} significant digits "
        f"{typed} has.")
    assert "No small mistake" not in text and "Next:" not in text
    assert f"pass digits={digits}" in text and check(O, n["w1"], typed, digits=digits)
    assert "Next:" in str(check(O, n["w1"], 0.0015))      # 0.0015 is wrong at its 2 digits


def test_a_negative_fraction_of_the_engine_s_value_is_written_with_its_sign_in_front():
    """L = w·w at w = 79.9 (∂L/∂w = 2w = 159.8 by hand): -19.975 = -159.8/8 was 'your value
    is 1/-8 of the engine's'; now '-1/8 of', as -4 times is '-4 times'."""
    w = Value(79.9, "w")
    L = w * w
    assert_close(check(L, w, 0.0).engine, 2 * 79.9, rel=1e-15)
    for minus_an_eighth in (-19.975, "-19.975"):
        assert check(L, w, minus_an_eighth).headline() == \
            "Disagrees: your value is -1/8 of the engine's."
    assert check(L, w, "-639.2").headline() == "Disagrees: your value is -4 times the engine's."


@pytest.mark.parametrize("whole, engine, k", [(1770, 1773.8, 3), (1700, 1773.8, 2), (10, 5.8362, 1)])
def test_an_int_whose_zeros_hold_the_place_is_read_as_its_text_is(whole, engine, k):
    """The int 1770 against ∂L/∂w = 1773.8 said 'rounded intermediate values give a
    difference this small ... carry more digits' and sent the learner to the paths (10
    against 5.8362: 'no small mistake reproduces your value'), where the text '1770' says
    its zero may only hold the place: it agrees to 3 digits.  Oracle: L = w·w, ∂L/∂w = 2w by
    hand, rounded (or cut) by hand at the int's last digit before its zeros."""
    w = Value(engine / 2, "w")
    L = w * w
    assert_close(check(L, w, 0.0).engine, engine, rel=1e-15)
    place = 10 ** (len(str(whole)) - k)     # the int's last digit before its zeros
    assert whole in (round(engine / place) * place, int(engine / place) * place)  # rounds or cuts
    for typed in (whole, str(whole)):
        verdict = check(L, w, typed)
        text = str(verdict)
        assert not verdict and "Next:" not in text and "No small mistake" not in text, text
        assert f"but agrees to {k} (the engine gives " in verdict.headline(), text
        assert f"without them {whole} has {k}, and to those the engine's value is the same: " \
            f"pass digits={k}" in text
        assert check(L, w, typed, digits=k)
    assert check(L, w, whole).headline().startswith("Disagrees at full precision and the ")


def test_a_float_right_to_its_one_digit_says_digit():
    """check(L, w, -1) (an int) said 'agrees to the 1 significant digits -1 has' and 'To the 1
    significant digits -1 has'.  Oracle: by hand L = (tanh(w·x) − 1)² at w = 0.3, x = 0.5,
    ∂L/∂w = 2(tanh(wx) − 1)(1 − tanh²(wx))·x = -0.832..., which is -0.8 to 1 digit and -1
    as a whole number (round(-0.832) == -1): it agrees with -1 at its units place, so the
    words say "whole number", never "1 significant digit" (at which it is -0.8)."""
    w, x = Value(0.3, name="w"), Value(0.5, name="x")
    L = (((w * x).tanh() - 1.0) ** 2).named("L")
    t = math.tanh(0.15)
    assert check(L, w, "-0.8322485")       # the text, at its 7 digits: by hand
    assert 2 * (t - 1) * (1 - t * t) * 0.5 == pytest.approx(-0.8322485, abs=5e-8)
    verdict = check(L, w, -1)
    assert round(-0.8322485) == -1 and f"{-0.8322485:.1g}" == "-0.8"
    assert not verdict and verdict.headline() == (
        "Disagrees at full precision, but agrees to the whole number -1 has.")
    assert "To the whole number -1 has, the engine's value is the same" in str(verdict)


@pytest.mark.parametrize("frame", ["${}$", "$${}$$", r"\({}\)", r"\[ {} \]"])
def test_a_number_pasted_in_its_math_frame_keeps_its_digits(frame, tmp_path, capsys):
    """'$0.00143$' (a number copied from LaTeX with its $...$) was read as a formula, so at
    full precision: 'Disagrees ... no small mistake' although every digit is right; the
    command line refused it and advised --formula, which then disagreed the same way.
    Oracle: Desmos's published 0.0014291881022 and the digits typed."""
    O, n = seed003()
    for digits in (3, 6):
        typed = frame.format(printout(DESMOS, digits))
        verdict = check(O, n["w1"], typed)
        assert verdict and verdict.digits == digits, typed
    assert not check(O, n["w1"], frame.format(printout(DESMOS, 3, shift=1)))
    assert check(O, n["w1"], frame.format(r"1.43 \times 10^{-3}")).digits == 3
    script = tmp_path / "desmos.py"
    script.write_text(SCRIPT_003)
    assert main(["check", str(script), "--wrt", "w1", "--expected", frame.format("0.00143")]) == 0
    assert capsys.readouterr().out.startswith("Agrees to the 3 significant digits you gave.")


@pytest.mark.parametrize("typed", ["0.1", "0.006", "0.005", "0.002", "0.0007", "0.0057"])
def test_one_or_two_digits_are_too_few_to_name_a_mistake(typed):
    """Seed 003's ∂O/∂w1 is Desmos's 0.0014291881022 (0.001 to 1 digit, 0.0014 to 2, by
    hand). Dozens of candidate mistakes round to almost any 1- or 2-digit number ('0.1' was
    'leaves out O(1-O)·t8(1-t8) ...'), so none is named, and the verdict says why."""
    O, n = seed003()
    verdict = check(O, n["w1"], typed)
    assert not verdict and verdict.diagnosis is not None and verdict.diagnosis.kind is None
    digits = len(typed.lstrip("0.").rstrip("0")) if typed != "0.1" else 1
    shown = "0.001" if digits == 1 else "0.0014"
    words = "1 significant digit is" if digits == 1 else "2 significant digits are"
    assert verdict.headline() == (f"Disagrees: the engine gives {shown}, and {words} too few "
                                  f"to tell which mistake gives your value.")
    assert "leaves out" not in str(verdict) and verdict.convention is None


def test_three_digits_of_a_mistake_name_it_and_a_sign_flip_is_told_at_one():
    """4 × 0.0014291881022 = 0.0057167524 (the asker's 0.00571675240882) is 0.00572 to 3
    digits: w4·w2 and w5·w3 (0.25 each, by hand) are named; -0.001 is the engine's 0.001
    negated, the verdict's own test at 1 digit."""
    O, n = seed003()
    assert check(O, n["w1"], "0.00572").headline() == (
        "Disagrees: your value leaves out w4·w2 on path 1 and w5·w3 on path 2.")
    assert check(O, n["w1"], "-0.001").diagnosis.kind == "sign flip"


def nielsen_2_3_1():
    """docs' BP1-BP4 network (seed 002): C = ½(a³₁ − y)², and ∂C/∂w³₁k = a²_k (a³₁ − y)
    σ'(z³₁) by hand (BP1, BP4)."""
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    sig = lambda z: 1 / (1 + math.exp(-z))     # noqa: E731
    a2 = [sig(0.1 * 0.6 - 0.3 * -0.4 + 0.1), sig(0.5 * 0.6 + 0.2 * -0.4), sig(-0.6 * 0.6 + 0.4 * -0.4 - 0.1)]
    a3 = sig(0.7 * a2[0] - 0.2 * a2[1] + 0.3 * a2[2])
    return C, [a * (a3 - 0.25) * a3 * (1 - a3) for a in a2]


@pytest.mark.parametrize("typed, named", [("0.05", False), ("0.04", False), ("0.048", False),
                                          ("0.047", False), ("0.0475", True)])
def test_another_weights_gradient_is_named_only_from_three_digits(typed, named):
    """∂C/∂w³₁₁ = 0.04754 and ∂C/∂w³₁₂ = 0.04631 by hand: both round (or cut) to 0.05,
    0.04 and 0.047-0.048, so those name neither (they all named w³₁₁); 0.0475 is w³₁₁'s."""
    C, (g11, g12, _) = nielsen_2_3_1()
    assert round(g11, 5) == 0.04754 and round(g12, 5) == 0.04631
    verdict = check(C, "w2_11", typed)
    assert not verdict
    assert (verdict.headline().startswith("This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁")) == named
    if not named:
        assert "too few to tell which mistake" in verdict.headline()


def test_too_many_paths_to_search_is_what_the_first_line_says():
    """Above limit= the paths are not searched; the first line said 'no small mistake
    reproduces your value' while the evidence said they were too many to search. 0.00400 is
    2.8 times Desmos's 0.0014291881022 (by hand), neither it nor its negative."""
    O, n = seed003()
    verdict = check(O, n["w1"], "0.00400", limit=1)
    assert verdict.explanation.grouped and not verdict
    assert verdict.headline() == ("Disagrees: the engine gives 0.00143, and it is not a sign "
                                  "flip or one term of a sum; the paths are too many to search "
                                  "further.")


def test_a_tolerance_too_wide_names_no_mistake_by_chance():
    """rtol=0.05 lets 0.0057 match 4 × 0.0014291881022 = 0.0057167524 (hand) and much else:
    it names no mistake, and says what tolerance would; 0.0057167524 itself, within 1e-6
    of the mistake, is named at any tolerance."""
    O, n = seed003()
    wide = check(O, n["w1"], 0.0057, rtol=0.05)
    assert wide.headline() == ("Disagrees: the engine gives 0.0014291881022, and the tolerance "
                               "is too wide to tell which mistake gives your value.")
    assert "A tolerance of rtol=0.005 or less has the mistake named" in str(wide)
    assert check(O, n["w1"], 0.0057167524, rtol=0.05).diagnosis.kind == "missing factors"
    assert check(O, n["w1"], 0.0057, rtol=0.005).diagnosis.kind == "missing factors"


def test_a_float_the_engine_agrees_with_at_its_own_digits_names_no_mistake():
    """∂L/∂w of L = w·c·k is c·k = 1.002 · 1.04 = 1.04208 (by hand), 1.0 to 2 digits. The
    float 1.0 was both 'leaves out k' (c = 1.002 is within its 0.5 %) and 'to the 2 digits
    1.0 has, the engine's value is the same': at its own digits it cannot tell the two."""
    w, c, k = Value(0.5, name="w"), Value(1.002, name="c"), Value(1.04, name="k")
    L = (w * c * k).named("L")
    L.backward()
    assert w.grad == pytest.approx(1.002 * 1.04, rel=1e-15)
    verdict = check(L, w, 1.0)
    assert verdict.headline() == ("Disagrees at full precision, but agrees to the 2 "
                                  "significant digits 1.0 has.")
    assert verdict.diagnosis is None and "leaves out" not in str(verdict)
    assert check(L, w, 1.002).diagnosis.kind == "missing factors"    # 4 digits: named


def test_a_short_float_is_read_at_the_digits_it_was_written_with():
    """``check(L, w, -0.3)`` and ``check(L, w, "-0.3")`` are the same 1 significant digit:
    the same verdict, no mistake named (by hand: ∂σ(a·w)/∂w = a·σ(aw)(1 − σ(aw)) =
    0.0747058…, and −4 times it is −0.29882, which rounds to −0.3 at its 1 digit, so the
    digits are too few to tell; a 3-digit value would tell it apart); given as −0.299
    (3 digits, which −0.29882 rounds to) the factor −4 is named, float or text."""
    a, w = Value(0.3, "a"), Value(-0.41806, "w")
    L = (a * w).sigmoid()
    s = 1.0 / (1.0 + math.exp(0.3 * 0.41806))
    assert_close(check(L, w, 0.0747).engine, 0.3 * s * (1.0 - s), rel=1e-12)
    short_float, short_text = check(L, w, -0.3), check(L, w, "-0.3")
    too_few = "1 significant digit is too few to tell which mistake gives your value."
    assert short_float.headline() == f"Disagrees: the engine gives 0.0747058400753, and {too_few}"
    assert short_text.headline() == f"Disagrees: the engine gives 0.07, and {too_few}"  # (to the digit typed)
    assert "times the engine's" not in str(short_float)
    for typed in (-0.299, "-0.299"):
        assert check(L, w, typed).headline() == "Disagrees: your value is -4 times the engine's."


def diagnosis_of(verdict):
    return (verdict.diagnosis.kind, verdict.diagnosis.finding) if verdict.diagnosis else None


def test_an_int_is_diagnosed_at_its_own_digits_as_its_text_is():
    """``check(L, w, 20)`` is the 2 digits ``"20"`` is, not the 3 of the float 20.0.  By hand:
    L = w·w at w = 79.9 has ∂L/∂w = 2w = 159.8, and 159.8/8 = 19.975, which rounds to 20 at
    2 digits (no mistake can be told) but is not 20.0 at 3 (1/8 is named, float or text);
    159.8 rounds to 160 at the 3 digits of the int 160."""
    w = Value(79.9, "w")
    L = w * w
    assert_close(check(L, w, 0.0).engine, 2 * 79.9, rel=1e-15)
    assert diagnosis_of(check(L, w, 20)) == diagnosis_of(check(L, w, "20"))
    assert "1/8" not in check(L, w, 20).headline()
    for eight in (20.0, "20.0"):
        assert check(L, w, eight).headline() == "Disagrees: your value is 1/8 of the engine's."
    assert check(L, w, 160).headline() == ("Disagrees at full precision, but agrees to the 3 "
                                           "significant digits 160 has.")
    np = pytest.importorskip("numpy")
    assert check(L, w, np.int64(160)).headline() == check(L, w, 160).headline()


TWO_DIGITS = ("Disagrees: the engine gives 3, and 2 significant digits are too few to tell "
              "which mistake gives your value.")


@pytest.mark.parametrize("given, headline", [
    (-0.07, "Disagrees: your value has the wrong sign."),
    (-0.075, "Disagrees: your value has the wrong sign."),
    (2.003, "This is ∂C/∂b, not ∂C/∂a: your value is that node's gradient."),
    (2.0, TWO_DIGITS),
    (2, TWO_DIGITS.replace("2 significant digits are", "1 significant digit is")),
])
def test_a_float_names_what_its_text_names(given, headline):
    """A float (or int) from Python names the mistake the text of its shortest form names:
    a sign flip at its 1 digit (-0.07 for the engine's 0.0747058, the gradient of the test
    above), another parameter's gradient at its 4 (2.003 for ∂C/∂b = a = 2.0031 while
    ∂C/∂a = b = 3), too few digits at 1 or 2 (2, 2.0: ∂C/∂b rounds to them)."""
    a, w = Value(0.3, "a"), Value(-0.41806, "w")
    sigmoid = (a * w).sigmoid()
    p, q = Value(2.0031, "a"), Value(3.0, "b")
    product = p * q
    L, wrt = (sigmoid, w) if given < 0 else (product, p)
    as_float, as_text = check(L, wrt, given), check(L, wrt, repr(given))
    assert diagnosis_of(as_float) == diagnosis_of(as_text)
    assert as_float.convention == as_text.convention
    assert as_float.headline() == headline


@pytest.mark.parametrize("given", ["20", 20, "0.5", 0.5])
def test_a_whole_factor_at_too_few_digits_is_not_no_mistake(given):
    """A whole factor k is one of the mistakes tried (docs: 'What the diagnosis says', 8):
    when k times the engine's value gives the value at its 1 or 2 digits, the verdict says
    the digits are too few, not that no small mistake reproduces it.  By hand: L = w·w at
    w = 79.9 has ∂L/∂w = 159.8, and 159.8/8 = 19.975 rounds to 20; at w = 0.12, 0.24, and
    2 × 0.24 = 0.48 rounds to 0.5."""
    w = Value(79.9 if given in ("20", 20) else 0.12, "w")
    L = w * w
    verdict = check(L, w, given)
    digits = "2 significant digits are" if given in ("20", 20) else "1 significant digit is"
    assert verdict.headline().endswith(f", and {digits} too few to tell which mistake gives "
                                       f"your value.")
    assert verdict.diagnosis.kind is None and "No small mistake" not in str(verdict)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_a_numpy_float32_scalar_has_the_digits_numpy_prints(dtype):
    """np.float32(0.0747) is the 0.0747 numpy prints (3 digits), not its double's
    0.07469999790191650 (16): at full precision it disagrees with the engine's 0.0747058
    (by hand, the sigmoid test above), which rounds to 0.0747, as the text says; and
    np.float32(-0.3) is read as "-0.3" is."""
    np = pytest.importorskip("numpy")
    a, w = Value(0.3, "a"), Value(-0.41806, "w")
    L = (a * w).sigmoid()
    near = check(L, w, np.dtype(dtype).type(0.0747))
    assert near.headline() == ("Disagrees at full precision, but agrees to the 3 significant "
                               "digits 0.0747 has.")
    short = np.dtype(dtype).type(-0.3)
    assert diagnosis_of(check(L, w, short)) == diagnosis_of(check(L, w, "-0.3"))


@pytest.mark.parametrize("claim", ["0.001", 0.001])
def test_a_printout_at_3_decimals_agrees_by_its_decimal_places_not_its_one_digit(claim):
    """0.000558 printed at 3 decimals (numpy's precision=3) is 0.001: it agrees there, but at
    the 1 significant digit "0.001" has it is 0.0006, so a verdict saying "agrees to the 1
    significant digit you gave: 0.000558 rounds to 0.001" contradicts itself.  Oracle: the
    hand derivative ∂(w·y)/∂w = y and Python's own rounding of it both ways."""
    y = 0.000558
    w = Value(2.0, "w")
    M = (w * Value(y, "y")).named("M")
    assert f"{round(y, 3):.3f}" == "0.001" and f"{y:.1g}" == "0.0006"   # the two readings
    verdict = check(M, "w", claim)
    text = f"{verdict.headline()}\n{verdict}"
    assert "3 decimal places" in text
    assert "1 significant digit" not in text
    if isinstance(claim, str):
        assert verdict.agreed and "rounds to 0.001" in text
    else:                       # a float: full precision first, its written digits as a hint
        assert not verdict.agreed and "pass digits=1" in text
    at_one_digit = check(M, "w", "0.0006")           # 0.000558 to 1 significant digit
    assert at_one_digit.agreed
    assert "1 significant digit you gave" in f"{at_one_digit}" and "rounds to 0.0006" in f"{at_one_digit}"


def test_a_typed_whole_number_that_the_engine_rounds_to_says_so():
    """99.6 rounds to the typed 100 at its last (units) place; at its 3 significant digits
    it is 99.6.  Oracle: ∂(w·y)/∂w = y, and round(99.6) == 100."""
    w = Value(2.0, "w")
    M = (w * Value(99.6, "y")).named("M")
    assert round(99.6) == 100 and f"{99.6:.3g}" == "99.6"
    verdict = check(M, "w", "100")
    assert verdict.agreed
    assert "whole number you gave" in str(verdict) and "3 significant digits" not in str(verdict)

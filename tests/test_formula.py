"""Formulas typed as text: read over a graph's node names, evaluated
with the ops' own functions, shown back with each name's value, diagnosed as a
number.  Oracles: the worked examples' hand formulas and published values, and plain
Python arithmetic for the grammar."""

import math
import re

import pytest

from autograd import Value, sum_values
from autograd.check import FormulaError, check, read_formula
from autograd.explain import explain
from autograd.cli import main
from autograd.engine import all_nodes
from autograd.names import NodeNameError
from autograd.ops import OPS
from conftest import assert_close
from test_explain import DESMOS, SCRIPT_003, seed000, seed000_hand

ASKER = 0.00571675240882          # seed 003: what the asker's formula gave

# seed 003's asker's formula, as the question renders it and as its LaTeX source
ASKER_RENDERED = ("d(s(s(Iw_1+1)w_2+1)w_4+s(s(Iw_1+1)w_3+1)w_5+1)·((d(s(Iw_1+1)w_2+1)·"
                  "d(Iw_1+1)·I)+(d(s(Iw_1+1)w_3+1)·d(Iw_1+1)·I))")
ASKER_LATEX = (r"d\left(s\left(s\left(Iw_1+1\right)w_2+1\right)w_4+s\left(s\left(Iw_1+1"
               r"\right)w_3+1\right)w_5+1\right)\cdot\left(\left(d\left(s\left(Iw_1+1\right)"
               r"w_2+1\right)\cdot d\left(Iw_1+1\right)\cdot I\right)+\left(d\left(s\left("
               r"Iw_1+1\right)w_3+1\right)\cdot d\left(Iw_1+1\right)\cdot I\right)\right)")
# the answer's formula, with the missing w4, w2, w5, w3 put back
ANSWER = ("d(s(s(Iw_1+1)w_2+1)w_4+s(s(Iw_1+1)w_3+1)w_5+1)⋅[(w_4d(s(Iw_1+1)w_2+1)⋅w_2d(Iw_1+1)⋅I)"
          "+(w_5d(s(Iw_1+1)w_3+1)⋅w_3d(Iw_1+1)⋅I)]")


def desmos_network():
    """Seed 003 as the asker wrote it: biases the constant 1, only I and w1..w5 named."""
    I = Value(1.0, name="I")
    w1, w2, w3, w4, w5 = (Value(0.5, name=f"w{i}", kind="parameter") for i in range(1, 6))
    h1 = (I * w1 + 1).sigmoid()
    h2 = (h1 * w2 + 1).sigmoid()
    h3 = (h1 * w3 + 1).sigmoid()
    return (h2 * w4 + h3 * w5 + 1).sigmoid().named("O")


def s(z):
    return 1.0 / (1.0 + math.exp(-z))


def d(z):
    return s(z) * (1.0 - s(z))


# ---------------------------------------------------------------------------
# Seed 003 in the asker's own notation
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [ASKER_RENDERED, ASKER_LATEX])
def test_seed003_asker_formula_as_typed_gives_the_reported_value(typed):
    O = desmos_network()
    formula = read_formula(typed, O)
    value = formula.evaluate()
    assert f"{value:.12g}" == "0.00571675240882"        # the asker's reported digits
    net1 = 1.5
    net2 = s(net1) * 0.5 + 1
    net4 = 2 * s(net2) * 0.5 + 1
    assert_close(value, d(net4) * (d(net2) * d(net1) + d(net2) * d(net1)), rel=1e-14)
    assert formula.reading() == ("d(s(s(I·w1+1)·w2+1)·w4+s(s(I·w1+1)·w3+1)·w5+1)·"
                                 "(d(s(I·w1+1)·w2+1)·d(I·w1+1)·I+d(s(I·w1+1)·w3+1)·d(I·w1+1)·I)")


@pytest.mark.parametrize("typed", [ASKER_RENDERED, ASKER_LATEX])
def test_seed003_asker_formula_is_missing_w4_w2_and_w5_w3(typed):
    verdict = check(desmos_network(), "w1", typed)
    text = str(verdict)
    assert not verdict and verdict.formula is not None
    assert_close(verdict.ratio, 4.0, rel=1e-12)
    assert verdict.diagnosis.kind == "missing factors"
    missing = sorted("·".join(f.formula for f in fs) for _, _, fs in verdict.diagnosis.factors)
    assert missing == ["w4·w2", "w5·w3"]
    assert "each 0.25" in text
    # the formula is shown back with every name's value, and what s and d are
    assert "reads as d(s(s(I·w1+1)·w2+1)·w4" in text
    assert ("(d is σ', s is σ); with I = 1, w1 = 0.5, w2 = 0.5, w4 = 0.5, w3 = 0.5, "
            "w5 = 0.5, it gives 0.00571675240882.") in text
    assert "which backs the engine" in text and "suspect a derivative rule" not in text


def test_seed003_answer_formula_agrees_with_desmos():
    verdict = check(desmos_network(), "w1", ANSWER)
    assert verdict and verdict.diagnosis is None
    assert abs(verdict.expected - DESMOS) < 1e-13
    assert "agrees with the engine's 0.0014291881022" in str(verdict)


# ---------------------------------------------------------------------------
# Worked example 000: the reported formula over names with primes
# ---------------------------------------------------------------------------

def test_seed000_formula_over_names_with_primes():
    L, n = seed000()
    hand = seed000_hand()
    verdict = check(L, "w1", "x*h*(1-h)*w2*y'*(1-y')*(y'-y)")
    assert verdict and verdict.formula_value == pytest.approx(hand["dw1"], rel=1e-14)
    text = str(verdict)
    assert text.splitlines()[1].startswith("Your formula x*h*(1-h)*w2*y'*(1-y')*(y'-y) reads as "
                           "x·h·(1-h)·w2·y'·(1-y')·(y'-y); with x = 0.8, h = ")
    assert f"w2 = -0.6, y' = {hand['yp']:.6g}, y = 1, it gives" in text


def test_seed000_formula_without_the_sigmoid_derivative_is_diagnosed():
    L, _ = seed000()
    verdict = check(L, "w1", "x w2 y'(1-y')(y'-y)")
    assert verdict.diagnosis.kind == "missing factors"
    [(_, _, fs)] = verdict.diagnosis.factors
    assert [f.formula for f in fs] == ["h(1-h)"]


def test_seed000_shared_bias_formula_with_one_path():
    L, _ = seed000()
    verdict = check(L, "b", "y'(1-y')(y'-y)")
    assert verdict.diagnosis.kind == "missing path"
    assert check(L, "b", "y'(1-y')(y'-y)(1 + w2 h(1-h))")


# ---------------------------------------------------------------------------
# The grammar, against plain Python
# ---------------------------------------------------------------------------

@pytest.fixture
def graph():
    """Nodes x = 0.8, h = 0.6, w1 = 0.4, w2 = -0.6, y' = 0.7, y = 1, net1 = 2.5."""
    x, h, w1, w2 = Value(0.8, "x"), Value(0.6, "h"), Value(0.4, "w1"), Value(-0.6, "w2")
    yp, y, net1 = Value(0.7, "y'"), Value(1.0, "y"), Value(2.5, "net1")
    return sum_values([x, h, w1, w2, yp, y, net1]).named("L")


@pytest.mark.parametrize("typed, expected, reading", [
    ("2h", 2 * 0.6, "2·h"),
    ("h(1-h)", 0.6 * 0.4, "h·(1-h)"),
    ("xw1", 0.8 * 0.4, "x·w1"),
    ("xw_1 + w_{2}", 0.8 * 0.4 - 0.6, "x·w1+w2"),
    ("(x)(h)", 0.8 * 0.6, "x·h"),
    ("h^2", 0.36, "h²"),
    ("h**3", 0.6 ** 3, "h³"),
    ("-h^2", -0.36, "-h²"),
    ("2^3^2", 2.0 ** 9, "2^(3²)"),
    ("2^-1", 0.5, "2^(-1)"),
    ("x/h/w1", 0.8 / 0.6 / 0.4, "x/h/w1"),
    ("x/(2h)", 0.8 / 1.2, "x/(2·h)"),
    ("x - (h - w1)", 0.8 - (0.6 - 0.4), "x-(h-w1)"),
    ("y' (1 - y')", 0.7 * 0.3, "y'·(1-y')"),
    ("σ(net1)", s(2.5), "σ(net1)"),
    ("sigmoid(net1) + s(net1)", 2 * s(2.5), "sigmoid(net1)+s(net1)"),
    ("σ'(net1)", d(2.5), "σ'(net1)"),
    ("d(net1) - s'(net1) + sigmoid'(net1)", d(2.5), "d(net1)-s'(net1)+sigmoid'(net1)"),
    ("exp(x) log(h) ln(h)", math.exp(0.8) * math.log(0.6) ** 2, "exp(x)·log(h)·ln(h)"),
    ("tanh(w2) + tanh'(w2)", math.tanh(-0.6) + 1 - math.tanh(-0.6) ** 2,
     "tanh(w2)+tanh'(w2)"),
    ("sqrt(h) √(x)", math.sqrt(0.6) * math.sqrt(0.8), "sqrt(h)·√(x)"),
    ("e^(-net1)", math.exp(-2.5), "e^(-net1)"),
    ("1/(1+e^{-net1})", s(2.5), "1/(1+e^(-net1))"),
    ("3 × h ⋅ x · w1 ÷ 2 − 1", 3 * 0.6 * 0.8 * 0.4 / 2 - 1, "3·h·x·w1/2-1"),
    (r"\sigma\left(net_1\right)\cdot 2", 2 * s(2.5), "σ(net1)·2"),
    (".5e1 + 1e-3", 5.001, ".5e1+1e-3"),
    ("h²(1-h)³", 0.36 * 0.4 ** 3, "h²·(1-h)³"),
    (r"\sin^{2}(x) + \sin(x)^{-1}", math.sin(0.8) ** 2 + 1 / math.sin(0.8), "sin²(x)+sin(x)^(-1)"),
    (r"x\sigma\left(net_{1}\right)", 0.8 * s(2.5), "x·σ(net1)"),
])
def test_the_grammar(graph, typed, expected, reading):
    formula = read_formula(typed, graph)
    assert_close(formula.evaluate(), expected, rel=1e-14)
    assert formula.reading() == reading


def test_a_sample_name_is_one_name():
    """x1(2), sample 2's x1 in a batch, is a name, not x1·2."""
    a, b = Value(3.0, "x1(2)"), Value(5.0, "x1")
    root = (a * b).named("L")
    assert read_formula("x1(2) x1", root).evaluate() == 15.0
    # as the verdicts print it (x₁⁽²⁾), and with Desmos's x_1: were refused, and x_1·2 = 10
    assert read_formula("x₁⁽²⁾ x₁", root).evaluate() == 15.0
    assert read_formula("x_1(2)", root).evaluate() == 3.0


def test_a_formula_evaluates_at_the_current_data(graph):
    formula = read_formula("2h", graph)
    h = next(n for n in all_nodes(graph) if n.name == "h")
    h.data = 0.25
    assert formula.evaluate() == 0.5


# ---------------------------------------------------------------------------
# One line for what cannot be read, naming the token and its position
# ---------------------------------------------------------------------------

NAMES = "named nodes: L, h, net1, w1, w2, x, y, y'"


@pytest.mark.parametrize("typed, message", [
    ("x*w9", "check: the formula's 'w9' at position 3: no node named 'w9' in this graph"),
    ("2Iw_1", "check: the formula's 'Iw_1' at position 2: no node named 'Iw_1'"),
    ("x*(h", "at position 3 ('('): this parenthesis is never closed"),
    ("x*h)", "at position 4 (')'): a closing parenthesis has no opening one"),
    ("x*", "at position 3 ('the end'): the formula ends too early"),
    ("x/2h", "at position 4 ('h'): a product right after a division is ambiguous"),
    ("h 2", "at position 3 ('2'): a number right after a factor"),
    ("exp x", "at position 1 ('exp'): the function exp needs its argument in parentheses"),
    ("x $ h", "at position 3 ('$'): this character is not part of a formula"),
    (r"\int{x}{h}", r"at position 1 ('\\int'): this LaTeX command is not read"),
    ("   ", "at position 1 ('   '): the formula is empty"),
    ("h + + ", "at position 7 ('the end'): the formula ends too early"),
    ("__import__('os')", "at position 1 ('_'): this character is not part of a formula"),
    ("os.system", "the formula's 'os' at position 1: no node named 'os'"),
    # sin^{-1}(x) is arcsin in most texts, never silently 1/sin(x)
    (r"\sin^{-1}(x)", "at position 5 ('sin^'): sin^{-1}(x) means the inverse of sin"),
    (r"\tan^{-1}\left(h\right)", "at position 5 ('tan^'): tan^{-1}(x) means the inverse"),
    ("σ^(-1)(x)", "at position 2 ('σ^'): σ^{-1}(x) means the inverse of σ"),
    # unbraced and printed: was 'expected a number, a name or an opening parenthesis'
    ("sin^-1(x)", "at position 4 ('sin^'): sin^{-1}(x) means the inverse of sin"),
    ("sin⁻¹(x)", "at position 4 ('sin^'): sin^{-1}(x) means the inverse of sin"),
])
def test_what_cannot_be_read_is_one_line_naming_the_token(graph, typed, message):
    with pytest.raises((FormulaError, NodeNameError)) as caught:
        read_formula(typed, graph)
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert NAMES in text


def test_an_ambiguous_name_is_refused(graph):
    twice = (Value(1.0, "a") + Value(2.0, "a") + graph).named("R")
    with pytest.raises(NodeNameError, match="'a' at position 3: 2 nodes are named 'a'"):
        read_formula("h*a", twice)


def test_a_run_that_reads_two_ways_is_refused():
    ab, a, b, ba = Value(1.0, "ab"), Value(2.0, "a"), Value(3.0, "b"), Value(4.0, "ba")
    root = sum_values([ab, a, b, ba]).named("R")
    with pytest.raises(FormulaError, match=r"position 1 \('aba'\): it reads two ways, "
                                           r"a·ba or ab·a"):
        read_formula("aba", root)


def test_a_node_called_like_a_function_is_refused_before_a_parenthesis():
    dnode, z = Value(2.0, "d"), Value(0.5, "z")
    root = (dnode * z).named("R")
    assert read_formula("d z", root).evaluate() == 1.0
    with pytest.raises(FormulaError, match="position 1 \\('d'\\): 'd' is both a node of the "
                                           "graph and the function σ'"):
        read_formula("d(z)", root)
    # the same node last in a run: 'zd(z)' read z·d·z (0.5) while d(z) was refused
    with pytest.raises(FormulaError, match="position 2 \\('d'\\): 'd' is both a node"):
        read_formula("zd(z)", root)
    assert read_formula("zd*(z)", root).evaluate() == 0.5 * 2.0 * 0.5


def test_an_evaluation_error_names_its_position(graph):
    with pytest.raises(FormulaError, match=r"cannot be evaluated at position 1 \('log'\): "
                                           r"log: input must be > 0"):
        read_formula("log(w2)", graph).evaluate()
    with pytest.raises(FormulaError, match=r"at position 2 \('/'\): div: division by zero"):
        read_formula("x/(h-h)", graph).evaluate()


def test_a_bad_formula_loses_nothing():
    L, n = seed000()
    L.backward()
    before = [(node, node.data, node.grad) for node in all_nodes(L)]
    for typed in ("x*w9", "x*(h", "log(x-1)"):
        with pytest.raises((FormulaError, NodeNameError)):
            check(L, "w1", typed)
    assert all(node.data == data and node.grad == grad for node, data, grad in before)


@pytest.mark.parametrize("typed, message", [
    ("(" * 500 + "h" + ")" * 500, "nested more than 100 deep"),
    ("-" * 5000 + "h", "nested more than 100 deep"),
    ("2" + "^2" * 5000, "nested more than 100 deep"),
    ("h" + "+h" * 5000, "longer than 300 operations in a row"),
    ("h" + " h" * 5000, "longer than 300 operations in a row"),
])
def test_deep_nesting_is_refused_not_a_recursion_error(graph, typed, message):
    with pytest.raises(FormulaError, match=message):
        read_formula(typed, graph)
    formula = read_formula("h" + "+h" * 200, graph)         # long, but fine
    assert_close(formula.evaluate(), 201 * 0.6, rel=1e-12)


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

@pytest.fixture
def script003(tmp_path):
    path = tmp_path / "seed003.py"
    path.write_text(SCRIPT_003)
    return str(path)


def test_cli_formula(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--formula", ASKER_RENDERED]) == 1
    out = capsys.readouterr().out
    assert "reads as d(s(s(I·w1+1)·w2+1)·w4" in out and "w4·w2 on path 1" in out
    assert main(["check", script003, "--wrt", "w1", "--formula", ANSWER]) == 0
    assert "agrees" in capsys.readouterr().out
    assert main(["check", script003, "--wrt", "w1", "--formula",
                 "h1(1-h1) w_2 h2(1-h2) w4 O(1-O) + h1(1-h1) w3 h3(1-h3) w5 O(1-O)"]) == 0
    capsys.readouterr()


def test_cli_formula_errors_exit_2_with_one_line(script003, capsys):
    assert main(["check", script003, "--wrt", "w1", "--formula", "d(net4)*w9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'w9' at position 9" in err and "named nodes: I, O, h1, h2, h3" in err
    assert main(["check", script003, "--wrt", "w1", "--formula", "h1/2h2"]) == 2
    assert "position 5 ('h2')" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:          # one of --expected, --formula
        main(["check", script003, "--wrt", "w1", "--formula", "h1", "--expected", "1"])
    assert caught.value.code == 2
    capsys.readouterr()


def test_a_formula_with_digits_is_rounded_to_them():
    L, _ = seed000()
    dw1 = seed000_hand()["dw1"]
    verdict = check(L, "w1", f"{dw1 * 1.00001!r}*h/h", digits=4)
    assert verdict and verdict.digits == 4 and f"{verdict.expected:.4g}" == f"{dw1:.4g}"
    assert "agrees to the 4 significant digits you gave" in str(verdict)


# ---------------------------------------------------------------------------
# Every op, as the notation writes it, reads back to the same number
# ---------------------------------------------------------------------------

from autograd import expr as E  # noqa: E402
from autograd import formula as formula_module, ops  # noqa: E402
from autograd.notation import LatexNotation, TextNotation, forward_expr, render  # noqa: E402
from autograd.ops import ATOM  # noqa: E402

#: the operands' names and numbers (c is where's condition: 1 or 0)
OPERANDS = {1: ("a",), 2: ("a", "b"), 3: ("c", "x", "y")}
AT = {"a": 0.7, "b": 1.3, "c": 1.0, "x": -0.4, "y": 2.5, "w": 0.3, "a1": 0.2, "a2": -1.1}


class _Shaped:
    """Stands for a node of ``op`` in forward_expr (only its op is read)."""

    def __init__(self, op):
        self._opr = op


def _operand_names(op):
    if op.arity is not None:
        return OPERANDS[op.arity]
    return ("w", "a", "b") if op is ops.DOT else ("a1", "a2")


@pytest.mark.parametrize("notation", [TextNotation(), LatexNotation()], ids=["text", "latex"])
@pytest.mark.parametrize("name", [n for n, op in ops.OPS.items() if not op.is_leaf])
def test_every_op_rule_round_trips_through_its_notation(name, notation):
    """The op's forward and each local derivative, printed in the notation, read
    back over nodes of those names to the value the record computes."""
    op = ops.OPS[name]
    operands = _operand_names(op)
    root = sum_values([Value(AT[o], name=o) for o in operands]).named("R")
    atoms = [(notation.name(o), ATOM) for o in operands]
    out = forward_expr(_Shaped(op), atoms, notation)
    env = {f"x{i}": atom for i, atom in enumerate(atoms)}
    env["out"] = out
    numbers = {f"x{i}": AT[o] for i, o in enumerate(operands)}
    numbers["out"] = op.forward(*(AT[o] for o in operands))
    printed = [(out[0], numbers["out"])]
    for local in op.local_exprs(len(operands)):
        printed.append((render(local, env, notation)[0], E.evaluate(local, numbers, ops.IEEE)))
    for text, want in printed:
        if name == "eq" and text == out[0]:     # bracketed: a bare = b is a stated value
            assert text.startswith(("(", "\\left(")), text
        got = read_formula(text, root).evaluate()
        assert got == want or math.isclose(got, want, rel_tol=1e-14), (name, text, got, want)


def test_the_function_tables_come_from_the_op_records():
    for op in ops.OPS.values():
        if op.is_leaf:
            continue
        assert formula_module.FUNCTIONS[op.name] == (op, False)
        if op.notation[0] == "call":
            assert formula_module.FUNCTIONS[op.notation[1]][0] is op
            assert op.notation[2] in formula_module.__doc__      # \max, \operatorname{sign}
        assert op.name in formula_module.__doc__
    assert formula_module.FUNCTIONS["d"] == (ops.SIGMOID, True)
    assert formula_module.FUNCTIONS["s"] == (ops.SIGMOID, False)


# ---------------------------------------------------------------------------
# LaTeX and notations as pasted
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected, reading", [
    (r"\sigma'(net_1)", d(2.5), "σ'(net1)"),
    (r"\sigma^{\prime}(net_1)", d(2.5), "σ'(net1)"),
    (r"\sigma^\prime(net1)", d(2.5), "σ'(net1)"),
    (r"\sigma(net_1)(1-\sigma(net_1))", s(2.5) * (1 - s(2.5)), "σ(net1)·(1-σ(net1))"),
    (r"x \cdot h \times w_1", 0.8 * 0.6 * 0.4, "x·h·w1"),
    (r"\frac{x}{h}", 0.8 / 0.6, "x/h"),
    (r"\frac{1}{1+e^{-net_1}}", s(2.5), "1/(1+e^(-net1))"),
    (r"\max(x, h) + \min(x, h)", 0.8 + 0.6, "max(x, h)+min(x, h)"),
    (r"\operatorname{softplus}(w_2)", math.log1p(math.exp(-0.6)), "softplus(w2)"),
    (r"\operatorname{ReLU}\left(w_2\right) + ReLU(x)", 0.8, "ReLU(w2)+ReLU(x)"),
    (r"\left|w_2\right| + |x - h|", 0.6 + 0.2, "|w2|+|x-h|"),
    (r"\sqrt{h} + √h", 2 * math.sqrt(0.6), "sqrt(h)+√(h)"),
    (r"1 - \tanh^{2}(w_2)", 1 - math.tanh(-0.6) ** 2, "1-tanh²(w2)"),
    ("1 - tanh²(w2)", 1 - math.tanh(-0.6) ** 2, "1-tanh²(w2)"),
    (r"\mathit{net}_{1} \cdot \mathrm{h}", 2.5 * 0.6, "net1·h"),
    ("[x > h] + [x ≤ h] + [h = h]", 2.0, "(x>h)+(h≥x)+(h=h)"),
    (r"x \text{ if } x \geq h \text{ else } h", 0.8, "(x if x≥h else h)"),
    ("sign(w2) maximum(x, h)", -0.8, "sign(w2)·maximum(x, h)"),
])
def test_latex_and_notations_as_pasted(graph, typed, expected, reading):
    formula = read_formula(typed, graph)
    assert_close(formula.evaluate(), expected, rel=1e-14)
    assert formula.reading() == reading


@pytest.mark.parametrize("left", [
    r"\frac{\partial L}{\partial w_1} = ",
    r"\dfrac{\partial L}{\partial w_{1}}=",
    "dL/dw1 = ",
    "∂L/∂w1 = ",
    "∂L/∂w_1 =",
])
def test_a_left_hand_side_names_the_derivative(graph, left):
    formula = read_formula(left + "x h (1 - h)", graph)
    assert formula.lhs == ("L", "w1")
    assert_close(formula.evaluate(), 0.8 * 0.6 * 0.4, rel=1e-14)
    assert formula.reading() == "x·h·(1-h)" and "w1 =" not in formula.values()


def test_a_left_hand_side_that_does_not_match_says_so(graph):
    with pytest.raises(FormulaError, match=r"the left-hand side ∂h/∂w1 is a derivative of h, "
                                           r"but the root is L"):
        read_formula("∂h/∂w1 = x", graph)
    with pytest.raises(FormulaError, match="the left-hand side dQ/dw1 names 'Q', and no node "
                                           "has that name; named nodes: L, h, net1"):
        read_formula("dQ/dw1 = x", graph)
    L, _ = seed000()
    with pytest.raises(FormulaError, match=r"∂L/∂w2 is with respect to w2, but the node "
                                           r"checked is w1"):
        check(L, "w1", "∂L/∂w2 = x*h")
    assert check(L, "w1", "dL/dw1 = x*h*(1-h)*w2*y'*(1-y')*(y'-y)")


#: a function LaTeX has a command for and the op table lacks (the first of these: adding
#: cosh as an op, as docs/adding-an-op.md's sinh needs, leaves coth as the example)
NO_OP = next(name for name in ("cosh", "coth", "arctan") if name not in OPS)


def test_a_function_that_is_no_op_lists_the_ops(graph):
    with pytest.raises(FormulaError) as caught:
        read_formula(f"{NO_OP}(x)", graph)
    text = str(caught.value)
    assert f"position 1 ('{NO_OP}'): no node has this name and no op is called so; ops: " in text
    listed = text.split("; ops: ", 1)[1].split("; named nodes", 1)[0]
    # every op of the record once, by its name, its other spellings beside it
    assert {entry.split(" (")[0] for entry in re.split(r", (?![^(]*\))", listed)} == \
        {op.name for op in OPS.values() if not op.is_leaf}
    assert "log (ln)" in listed and "maximum (max)" in listed
    assert "sigmoid (s, σ; σ' also d)" in listed   # the Desmos question's s and d = s(1 - s)
    with pytest.raises(FormulaError, match=rf"at position 1 \('\\\\{NO_OP}'\): this LaTeX command "
                                           r"is not read \(functions: .*\\sigma"):
        read_formula(rf"\{NO_OP}(x)", graph)


def test_a_function_given_the_wrong_number_of_arguments_is_refused(graph):
    with pytest.raises(FormulaError, match=r"position 1 \('max'\): max takes 2 arguments, not 1"):
        read_formula("max(x)", graph)
    with pytest.raises(FormulaError, match=r"position 6 \(','\): sin takes 1 argument; this is "
                                           r"one more"):
        read_formula("sin(x, h)", graph)
    with pytest.raises(FormulaError, match=r"position 9 \(','\): max takes 2 arguments"):
        read_formula("max(x, h, w1)", graph)


# ---------------------------------------------------------------------------
# Hostile text: linear time, bounded size
# ---------------------------------------------------------------------------

N = 100_000
HOSTILE = {
    "one letter": "x" * N,
    "unknown letters": "q" * N,
    "unknown letters called": "q" * (N - 3) + "(x)",
    "names run together": ("xw1" * N)[:N],
    "deep parentheses": "(" * (N // 2) + "x" + ")" * (N // 2 - 1),
    "deep LaTeX": ("\\left(" * N)[:N],
    "long sum": "x+" * (N // 2 - 1) + "xx",
    "long product": "x " * (N // 2),
    "signs": "-" * (N - 1) + "x",
    "powers": "2" + "^2" * (N // 2 - 1) + "2",
    "underscores": "x" + "_" * (N - 1),
    "bars": "|" * N,
    "digits": "1" * N,
    "an exponent": "1e" + "9" * (N - 2),
    "NUL": "\x00" * N,
    "lone surrogates": "\ud800" * N,
    "backslashes": "\\" * N,
    "fractions": ("\\frac{" * N)[:N],
    "calls": ("sin(" * N)[:N],
    "primes": "x" + "'" * (N - 1),
    "unicode primes": ("σ′" * N)[:N],
    "e run": "e" * N,
    "subscripts": ("w_{1}" * N)[:N],
    "a long subscript": "w_{" + "1" * (N - 4) + "}",
    "text": ("\\text{x}" * N)[:N],
    "a long left-hand side": "d" + "x" * (N - 9) + "/dw1 = x",
    "a long LaTeX left-hand side": ("\\frac{\\partial " + "x" * N)[:N - 16] + "}{\\partial w1}=x",
    "a conditional chain": ("x if x > 0 else " * N)[:N],
    "LaTeX primes": ("x" + "^{\\prime}" * N)[:N],
    "partials": ("\\partial " * N)[:N],
    "arguments": "max(" + "x," * (N // 2 - 3) + "x)",
}


@pytest.mark.parametrize("shape", HOSTILE)
def test_hostile_text_is_read_in_under_a_second(graph, shape):
    import time
    text = HOSTILE[shape]
    assert len(text) == N
    start = time.perf_counter()
    with pytest.raises(FormulaError) as caught:
        read_formula(text, graph)
    assert time.perf_counter() - start < 1.0
    message = str(caught.value)
    assert "\n" not in message and len(message) < 1000


def test_deep_but_allowed_nesting_reads(graph):
    depth = formula_module.DEEPEST
    formula = read_formula("(" * depth + "x" + ")" * depth, graph)
    assert formula.evaluate() == 0.8


def test_a_formula_over_the_size_limit_names_it(graph):
    limit = formula_module.LONGEST_TEXT
    with pytest.raises(FormulaError, match=f"the formula has {limit + 1:,} characters; at "
                                           f"most {limit:,} are read"):
        read_formula("x" * (limit + 1), graph)


def test_seed003_with_the_left_hand_side_as_pasted(script003, capsys):
    verdict = check(desmos_network(), "w1", r"\frac{\partial O}{\partial w_{1}} = " + ASKER_LATEX)
    assert not verdict and verdict.formula.lhs == ("O", "w1")
    missing = sorted("·".join(f.formula for f in fs) for _, _, fs in verdict.diagnosis.factors)
    assert missing == ["w4·w2", "w5·w3"]
    assert check(desmos_network(), "w1", "dO/dw1 = " + ANSWER)
    assert main(["check", script003, "--wrt", "w1", "--formula", "∂O/∂w1 = " + ANSWER]) == 0
    capsys.readouterr()
    assert main(["check", script003, "--wrt", "w1", "--formula", "∂O/∂w2 = " + ANSWER]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "∂O/∂w2 is with respect to w2, but the node checked is w1" in err


def test_a_long_valid_formula_reads_to_its_value(graph):
    """Nearly 100,000 characters of nested sums, each chain under the limit."""
    inner = "(" + "+".join(["x h"] * 50) + ")"
    middle = "(" + "+".join([inner] * 20) + ")"
    text = "+".join([middle] * 24)
    assert 95_000 < len(text) <= formula_module.LONGEST_TEXT
    assert_close(read_formula(text, graph).evaluate(), 24 * 20 * 50 * 0.8 * 0.6, rel=1e-12)


def test_the_tree_is_an_expression_every_reader_of_expressions_reads(graph):
    """One syntax tree: expr.evaluate computes the same number as the formula."""
    formula = read_formula(r"\frac{x}{h} + \max(w_1, w_2)^2 - \sigma(net_1) [x > h]", graph)
    assert isinstance(formula.tree, E.Expr)
    env = {name: node.data for name, node in formula.nodes.items()}
    assert E.evaluate(formula.tree, env, ops.IEEE) == formula.evaluate()
    assert_close(formula.evaluate(), 0.8 / 0.6 + 0.4 ** 2 - s(2.5), rel=1e-14)


# ---------------------------------------------------------------------------
# Pasted from posts, read as an adversary would paste them
# ---------------------------------------------------------------------------

@pytest.fixture
def neuron():
    """E = ½(y - t)², y = σ(z), z = x·w1 + b: x = 0.8, w1 = 0.3, b = -0.2, t = 0.1."""
    x, w1, b, t = Value(0.8, "x"), Value(0.3, "w1"), Value(-0.2, "b"), Value(0.1, "t")
    z = (x * w1 + b).named("z")
    y = z.sigmoid().named("y")
    return ((y - t) ** 2 * 0.5).named("E"), w1


Z = 0.8 * 0.3 - 0.2
DE_DW1 = (s(Z) - 0.1) * d(Z) * 0.8           # (y - t) σ'(z) x, by hand


@pytest.mark.parametrize("typed", [
    r"\frac{\partial E}{\partial w_{1}} = (y-t)\,\sigma'(z)\,x",
    r"\frac{\partial E}{\partial w_1}=(y-t)\sigma(z)(1-\sigma(z))x",
    r"\frac{\mathrm{d}E}{\mathrm{d}w_1} = (y-t) y (1-y) x",
    r"\frac{\text{d} E}{\text{d} w_{1}} = (y-t) y (1-y) x",
    r"\dfrac{dE}{dw_1} = \left( y - t \right) \cdot \sigma^{\prime}(z) \times x",
    r"(y-t)\!\sigma'\left(z\right)\;x",
    r"(y-t)\text{ }\sigma'(z)\quad x",
    "dE / dw1 = (y - t) * y * (1 - y) * x",
    "d E/d w1 = (y-t)*y*(1-y)*x",
    "∂E / ∂w_1 = (y−t)·σ′(z)·x",
    "(y−t)×σ′(z)×x",
    "(y−t) ∙ σ'(z) ∙ x",
    "(y-t)\u00a0σ'(z)\u2009x",
])
def test_a_gradient_pasted_from_a_post_reads_to_the_hand_value(neuron, typed):
    E_, w1 = neuron
    assert_close(read_formula(typed, E_, wrt=w1).evaluate(), DE_DW1, rel=1e-14)


@pytest.mark.parametrize("typed, expected", [
    (r"e^{-x}", math.exp(-0.8)),
    (r"\exp(-x) + \exp{x}", math.exp(-0.8) + math.exp(0.8)),
    (r"\ln(x) + \log(x) + \log{x}", 3 * math.log(0.8)),
    (r"\mathrm{e}^{x}", math.e ** 0.8),
    (r"\frac{1}{1+e^{-z}}", 1 / (1 + math.e ** -Z)),
    (r"\sin^2(z)+\cos^{2}(z)", math.sin(Z) ** 2 + math.cos(Z) ** 2),
    (r"\tan(z) - \tan'(z)", math.tan(Z) - (1 + math.tan(Z) ** 2)),
])
def test_latex_functions_read_to_the_hand_value(neuron, typed, expected):
    E_, _ = neuron
    assert_close(read_formula(typed, E_).evaluate(), expected, rel=1e-14)


def test_every_op_of_the_table_in_one_formula(neuron):
    """Every function the table offers, by name and by LaTeX command, against math."""
    E_, _ = neuron
    x, relu = 0.8, max(Z, 0.0)
    text = ("max(z, 0) + min(z, 0) + relu(z) + softplus(z) + sqrt(x) + abs(z) + exp(z)"
            " + log(x) + ln(x) + sigmoid(z) + tanh(z) + sin(z) + cos(z) + tan(z) + sign(z)"
            " + √x + |z| + x^2 - x/2")
    hand = (relu + min(Z, 0.0) + relu + math.log1p(math.exp(Z)) + math.sqrt(x) + abs(Z)
            + math.exp(Z) + 2 * math.log(x) + s(Z) + math.tanh(Z) + math.sin(Z)
            + math.cos(Z) + math.tan(Z) + 1.0 + math.sqrt(x) + abs(Z) + x ** 2 - x / 2)
    assert_close(read_formula(text, E_).evaluate(), hand, rel=1e-14)
    latex = (r"\max(z, 0) + \min(z,0) + \operatorname{ReLU}(z) + \operatorname{softplus}(z)"
             r" + \sqrt{x} + \left|z\right| + \exp(z) + \ln(x) + \sigma(z) + \tanh(z)"
             r" + \sin(z) + \cos(z) + \tan(z) + \operatorname{sign}(z) + \frac{x^{2}}{2}")
    hand = (relu + min(Z, 0.0) + relu + math.log1p(math.exp(Z)) + math.sqrt(x) + abs(Z)
            + math.exp(Z) + math.log(x) + s(Z) + math.tanh(Z) + math.sin(Z) + math.cos(Z)
            + math.tan(Z) + 1.0 + x ** 2 / 2)
    assert_close(read_formula(latex, E_).evaluate(), hand, rel=1e-14)
    primes = "sin'(z) + cos'(z) + exp'(z) + ln'(x) + tanh'(z) + relu'(z) + sqrt'(x)"
    hand = (math.cos(Z) - math.sin(Z) + math.exp(Z) + 1 / x + 1 - math.tanh(Z) ** 2 + 1.0
            + 0.5 / math.sqrt(x))
    assert_close(read_formula(primes, E_).evaluate(), hand, rel=1e-14)


@pytest.mark.parametrize("typed, message", [
    (r"\sqrt[3]{x}", r"position 1 \('\\\\sqrt\['\): \\sqrt\[...\] \(an optional argument\) "
                     r"is not read; write a root as a power"),
    ("1e400 * x", r"position 1 \('1e400'\): this number is too large for a float"),
    ("1" * 400, r"this number is too large for a float"),
    ("x\x00", r"position 2 \('\\x00'\): this character is not part of a formula"),
    ("x\ud800", r"position 2 \('\\ud800'\): this character is not part of a formula"),
    ("\u202ex", r"position 1 \('\\u202e'\): this character is not part of a formula"),
    ("x\x1b[31m", r"position 2 \('\\x1b'\): this character is not part of a formula"),
    (r"\sin x", r"position 1 \('sin'\): the function sin needs its argument in parentheses"),
    ("sin()", r"position 5 \('\)'\): expected a number, a name or an opening parenthesis"),
    ("dE/dw1 = ", r"position 10 \(' '\): the formula is empty"),
])
def test_pasted_text_that_cannot_be_read_is_one_line(neuron, typed, message):
    E_, w1 = neuron
    with pytest.raises(FormulaError, match=message) as caught:
        read_formula(typed, E_, wrt=w1)
    assert "\n" not in str(caught.value)


def test_a_wrong_left_hand_side_names_what_differs_and_the_names(neuron):
    E_, w1 = neuron
    listed = "named nodes: E, b, t, w1, x, y, z"
    for typed, message in [
            ("dy/dw1 = x", "the left-hand side dy/dw1 is a derivative of y, but the root is E"),
            ("dE/dx = x", "the left-hand side dE/dx is with respect to x, but the node "
                          "checked is w1"),
            (r"\frac{\partial E}{\partial w_{2}} = x", "names 'w_{2}', and no node has that name"),
            ("dE\x1b[2J/dw1 = x", "the left-hand side dE␛[2J/dw1 names 'E\\x1b[2J'")]:
        with pytest.raises(FormulaError) as caught:
            read_formula(typed, E_, wrt=w1)
        text = str(caught.value)
        assert message in text and text.endswith(listed) and "\x1b" not in text


def test_an_unknown_name_is_a_formula_error_and_a_node_name_error(neuron):
    E_, _ = neuron
    for typed in ("x'''", "q + x", "(y-t) σ'(z) x1"):
        with pytest.raises(formula_module.FormulaNameError, match="no node named") as caught:
            read_formula(typed, E_)
        assert isinstance(caught.value, FormulaError) and isinstance(caught.value, NodeNameError)
        assert str(caught.value).endswith("named nodes: E, b, t, w1, x, y, z")



def test_a_primed_name_in_latex_is_the_node_with_the_prime(graph):
    """y' typed as LaTeX writes it; σ′ pasted as \\sigma\\prime."""
    for typed in (r"y^{\prime}(1-y^\prime)", r"y^{'} (1 - y')", r"y^{\prime}^2 - y'^2 + y'(1-y')"):
        assert_close(read_formula(typed, graph).evaluate(), 0.7 * 0.3, rel=1e-14)
    assert_close(read_formula(r"\sigma\prime(net_1)", graph).evaluate(), d(2.5), rel=1e-14)
    with pytest.raises(formula_module.FormulaNameError, match="no node named \"x'\""):
        read_formula(r"x^{\prime}", graph)


@pytest.mark.parametrize("typed, pos", [
    (r"\frac{\partial L}{\partial w_1}", 7),                      # a left side with no formula
    (r"\frac{\partial L}{\partial w_1} = \frac{\partial L}{\partial h} x", 41),
    ("∂L/∂w1 = ∂L/∂h · x", 10),
])
def test_a_partial_outside_the_left_hand_side_says_where_it_belongs(graph, typed, pos):
    with pytest.raises(FormulaError, match=f"position {pos} .*: ∂ is read only in a left-hand "
                                           f"side") as caught:
        read_formula(typed, graph)
    assert "\n" not in str(caught.value)


def test_a_second_derivative_left_side_needs_the_gradient_as_root(graph):
    """∂²L/∂w₁² = ... of L itself said '∂ is read only in a left-hand side', of a left-hand
    side: it says the root must be the gradient ∂L/∂w1 that grad(create_graph=True) makes."""
    with pytest.raises(FormulaError, match=r"is a second derivative of L with respect to w1 "
                                           r"twice, so the root must be the gradient ∂L/∂w1 "
                                           r"\(grad\(L, w1, create_graph=True\)\)") as caught:
        read_formula(r"\frac{\partial^2 L}{\partial w_1^2} = x", graph)
    assert "\n" not in str(caught.value)


def test_second_derivatives_of_a_gradient_graph_check_against_hand_formulas():
    """A Hessian entry typed as a teacher writes it, ∂²f/∂x∂y
    = ..., over the gradient graph grad(f, y, create_graph=True) builds.  Oracle, by hand for
    f = x²y + sin(xy): f_xx = 2y − y² sin(xy), f_xy = 2x + cos(xy) − xy sin(xy)."""
    from autograd import grad
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    f = (x ** 2 * y + (x * y).sin()).named("f")
    fx, fy = grad(f, [x, y], create_graph=True)
    xx = 2 * -1.3 - 1.3 ** 2 * math.sin(0.7 * -1.3)
    xy = 2 * 0.7 + math.cos(0.7 * -1.3) - 0.7 * -1.3 * math.sin(0.7 * -1.3)
    verdict = check(fx, x, r"\frac{\partial^2 f}{\partial x^2} = 2y - y^2 \sin(xy)")
    assert verdict and verdict.formula.lhs == ("∂f/∂x", "x")
    assert_close(verdict.formula_value, xx, rel=1e-14)
    for root, wrt in ((fy, x), (fx, y)):                  # either order: f is smooth
        verdict = check(root, wrt, r"\frac{\partial^{2} f}{\partial x \partial y} = "
                                   r"2x + \cos(xy) - xy \sin(xy)")
        assert verdict
        assert_close(verdict.formula_value, xy, rel=1e-14)
    with pytest.raises(FormulaError, match="the root is ∂f/∂x and the node checked x"):
        check(fx, x, r"\frac{\partial^2 f}{\partial y^2} = 1")


def test_a_mixed_second_derivative_whose_gradient_has_lost_the_inner_variable():
    """∂²f/∂x∂y over ∂f/∂y of f = x²y, which is x² (no y in its graph), said 'names y, and
    no node has that name'.  The y is the one the root's name ∂f/∂y says.  Oracle, by hand:
    ∂²(x²y)/∂x∂y = 2x, ∂²(xy)/∂x∂y = 1."""
    from autograd import grad
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    (fy,) = grad((x ** 2 * y).named("f"), y, create_graph=True)
    verdict = check(fy, x, r"\frac{\partial^2 f}{\partial x \partial y} = 2x")
    assert verdict and verdict.formula.lhs == ("∂f/∂y", "x")
    assert verdict.formula_value == pytest.approx(2 * 0.7, rel=1e-15)
    (gy,) = grad((x * y).named("g"), y, create_graph=True)
    assert check(gy, x, r"\frac{\partial^2 g}{\partial x \partial y} = 1")
    with pytest.raises(FormulaError, match="names 'z', and no node has that name"):
        check(fy, x, r"\frac{\partial^2 f}{\partial x \partial z} = 2x")


def test_a_second_derivative_of_an_unnamed_output_is_what_the_learner_calls_it():
    """grad(z.sigmoid(), z, create_graph=True) of an unnamed output is called ∂f/∂z, and
    ∂²σ/∂z² = ... (or d2s/dz2) of it said 'the root must be the gradient ∂s/∂z', though an
    unnamed root of a first derivative is what the learner calls it.  Now the same, when no
    node has the name typed; a named output keeps its name.  Oracle, by hand:
    σ''(z) = σ(z)(1 − σ(z))(1 − 2σ(z)), -0.0575567948523 at z = 0.5."""
    from autograd import grad
    z = Value(0.5, name="z")
    (d1,) = grad(z.sigmoid(), z, create_graph=True)
    S = 1 / (1 + math.exp(-0.5))
    for typed in (r"\frac{\partial^2 \sigma}{\partial z^2} = \sigma(z)(1-\sigma(z))(1-2\sigma(z))",
                  "∂²s/∂z² = s(z)(1-s(z))(1-2s(z))", "d2s/dz2 = s(z)(1-s(z))(1-2s(z))"):
        verdict = check(d1, z, typed)
        assert verdict, typed
        assert_close(verdict.formula_value, S * (1 - S) * (1 - 2 * S), rel=1e-14)
    x = Value(0.3, name="x")
    (named,) = grad((x * z).tanh().named("g"), x, create_graph=True)
    with pytest.raises(FormulaError, match="the root must be the gradient ∂h/∂x"):
        check(named, x, "∂²h/∂x² = 0")
    (unnamed,) = grad((x * z).tanh(), x, create_graph=True)     # z is a node of its graph
    with pytest.raises(FormulaError, match="the root must be the gradient ∂z/∂x"):
        check(unnamed, x, "∂²z/∂x² = 0")


def test_seed000_latex_primes_on_braced_names():
    """Seed 000 writes y' as LaTeX's {y}' throughout; the oracle is its hand formula."""
    L, _ = seed000()
    hand = seed000_hand()
    typed = (r"\frac{\partial L}{\partial w_{1}} =x\times h(1-h)\times w_2 \times "
             r"{y}'(1-{y}')\times ({y}'-y)")
    verdict = check(L, "w1", typed)
    assert verdict and verdict.formula_value == pytest.approx(hand["dw1"], rel=1e-14)
    assert read_formula("{y}'{y}'", L).reading() == "y'·y'"


def test_a_formula_that_cannot_be_evaluated_names_its_operands_as_typed():
    """'log(w2)' with w2 = -0.3 said 'log: input must be > 0, got an unnamed value = -0.3':
    the formula's node was not named.  Now the node, a constant, or the part as typed."""
    x, w2 = Value(1.0, name="x"), Value(-0.3, name="w2")
    y = Value(0.0, name="y", kind="constant")
    L = ((x * w2).sigmoid() - y).named("L")
    for formula, words in [("log(w2)", "log: input must be > 0, got 'w2' = -0.3"),
                           ("sqrt(w2 x)", "sqrt: input must be >= 0, got 'w2·x' = -0.3"),
                           ("x/y", "division by zero in ('x' = 1.0) / ('y' = 0.0)"),
                           ("x/0", "division by zero in ('x' = 1.0) / (the constant 0.0)")]:
        with pytest.raises(FormulaError) as refused:
            check(L, "w2", formula)
        message = str(refused.value)
        assert words in message and "unnamed" not in message and "\n" not in message, message


# ---------------------------------------------------------------------------
# Comparisons and the = after a formula, as a person reads them
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    # and joins whole comparisons: (0.8 > 0) and (2.5 > 1.5); was ((x>0) and net1) > 1.5 = 0
    ("x > 0 and net1 > 1.5", 1.0),
    (r"x > 0 \wedge net_1 \geq 1.5", 1.0),
    ("x > 0 and net1 > 3", 0.0),
    # a chain is each pair: 0.4 > -0.6 but not -0.6 > 0; was (w1 > w2) > 0 = 1
    ("w1 > w2 > 0", 0.0),
    ("0 < x < 1", 1.0),
    ("0 < x < h", 0.0),
    ("(w1 > w2 > 0) + 2", 2.0),
])
def test_comparisons_read_as_a_person_reads_them(graph, typed, expected):
    assert read_formula(typed, graph).evaluate() == expected


@pytest.mark.parametrize("typed, pos", [
    ("y = x*h", 3),                     # a name = its formula: was the comparison, 0
    ("x h = 0.8 · 0.6 = 0.48", 17),     # a derivation's steps: was 0
    ("x = 1 = 2", 7),
    ("x = h", 3),
    ("x > h = 1", 7),                   # x > h with value 1, or x > h and h = 1?
    ("x = 0.5 and h = 0.6", 15),
])
def test_an_equals_outside_brackets_is_followed_by_a_number_or_refused(graph, typed, pos):
    with pytest.raises(FormulaError, match=rf"at position {pos} \('='\)") as err:
        read_formula(typed, graph)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("typed, stated", [
    ("x = 10^{-3}", "1e-3"), ("x = -10^{-3}", "-1e-3"), ("(x > h) = 1", "1"),
    ("x = 2 \\cdot 10^{-3}", "2e-3")])
def test_a_stated_power_of_ten_is_a_number(graph, typed, stated):
    formula = read_formula(typed, graph)
    assert formula.stated == stated and formula.evaluate() == (1.0 if ">" in typed else 0.8)


@pytest.mark.parametrize("stated", ["1e-400", "1e400", "0." + "1" * 120])
def test_a_stated_number_no_float_holds_is_refused_when_read(stated):
    """'... = 1e-400' was read, then str(verdict) raised ValueError from read_number."""
    x, w = Value(0.8, "x"), Value(0.5, "w")
    L = (x * w).named("L")
    with pytest.raises(FormulaError, match="cannot read the formula at position 5"):
        check(L, "w", f"x = {stated}")


@pytest.mark.parametrize("typed, expected", [
    ("x²³", 0.8 ** 23),                 # one exponent, 23: was x^(2³) = x⁸
    ("h⁴ + h¹⁰", 0.6 ** 4 + 0.6 ** 10),   # was "no node named 'h⁴'"
    ("h⁻¹", 1 / 0.6),                   # was "'⁻' is not part of a formula"
    ("2 h⁻²", 2 / 0.36),
    ("h²(1-h)³", 0.36 * 0.4 ** 3),
])
def test_superscript_digits_are_one_exponent(graph, typed, expected):
    assert_close(read_formula(typed, graph).evaluate(), expected, rel=1e-14)


def test_a_value_in_printed_scientific_notation_after_the_formula(graph):
    formula = read_formula("x = 8.0 × 10⁻¹", graph)
    assert formula.stated == "8.0e-1" and formula.evaluate() == 0.8


@pytest.mark.parametrize("typed, expected", [
    (r"\frac12 (y - h)^2", 0.5 * 0.4 ** 2),      # was 'expected an opening brace'
    (r"\frac1h", 1 / 0.6), (r"\frac xh", 0.8 / 0.6), (r"\frac{x}2", 0.4), (r"\frac x{h}", 0.8 / 0.6),
    (r"\tfrac{1}{2}x", 0.4),
])
def test_frac_takes_one_digit_or_letter_unbraced_as_tex_does(graph, typed, expected):
    assert_close(read_formula(typed, graph).evaluate(), expected, rel=1e-14)


@pytest.mark.parametrize("typed", [r"\frac123", r"\frac{1}23", r"\frac{x}"])
def test_frac_arguments_tex_would_split_otherwise_are_refused(graph, typed):
    with pytest.raises(FormulaError, match=r"\\frac takes its two arguments in braces"):
        read_formula(typed, graph)


def test_an_align_derivation_ending_in_its_value_on_the_next_line(graph):
    formula = read_formula(r"\frac{dL}{dw_1} &= x \cdot h \\ &= 0.48", graph)
    assert formula.lhs == ("L", "w1") and formula.stated == "0.48"
    assert_close(formula.evaluate(), 0.8 * 0.6, rel=1e-15)


@pytest.mark.parametrize("typed, pos, written", [
    ("e^2x", 3, "2x"),          # e^(2x) = 4.95 or e²·x = 5.91: was e²·x, silently
    ("e^-2x", 3, "-2x"),        # was e^(-2)·x
    ("x^2h", 3, "2h"),
    ("(1-h)^0.5x", 7, "0.5x"),
])
def test_an_exponent_of_digits_run_into_a_name_is_refused(graph, typed, pos, written):
    with pytest.raises(FormulaError, match=rf"at position {pos} \('{re.escape(written)}'\): "
                                           rf"\^{re.escape(written)} is ambiguous"):
        read_formula(typed, graph)


@pytest.mark.parametrize("typed, expected", [
    ("e^{2x}", math.exp(1.6)), ("e^2 x", math.e ** 2 * 0.8), ("e^{2}x", math.e ** 2 * 0.8),
    ("h^2(1-h)", 0.36 * 0.4), ("h²x", 0.36 * 0.8), ("e^(-2x)", math.exp(-1.6)),
])
def test_an_exponent_set_apart_reads(graph, typed, expected):
    assert_close(read_formula(typed, graph).evaluate(), expected, rel=1e-14)


def test_a_node_named_as_printed_is_read_as_the_names_list_shows_it(tmp_path, capsys):
    """Nodes named w₁, β₁ and w³₁₁ were listed as "named nodes: ..., w³₁₁, w₁, β₁" by the
    refusal of a formula that wrote them so: "no node named 'β_1'".  Oracle, by hand:
    L = w₁·β₁·h·w³₁₁ at (2, 3, 1.5, 0.5), so ∂L/∂w₁ = β₁·h·w³₁₁ = 2.25."""
    w, b = Value(2.0, name="w₁"), Value(3.0, name="β₁")
    h, c = Value(1.5, name="h"), Value(0.5, name="w³₁₁")
    L = (w * b * h * c).named("L")
    assert read_formula("β₁·h·w³₁₁", L).evaluate() == 2.25
    assert read_formula("β_1·h·w^3_11", L).evaluate() == 2.25     # as LaTeX writes them
    assert read_formula("w₁·β₁·w³₁₁", L).evaluate() == 3.0 * 2 * 0.5
    script = tmp_path / "printed.py"
    script.write_text("from autograd import Value\nw = Value(2.0, name='w₁')\n"
                      "b = Value(3.0, name='β₁')\nh = Value(1.5, name='h')\n"
                      "L = (w * b * h).named('L')\nL.backward()\n", encoding="utf-8")
    assert main(["check", str(script), "--wrt", "w₁", "--formula", "β₁·h"]) == 0
    assert capsys.readouterr().out.startswith("Agrees")


def _nielsen_2_3_1():
    """A 2-3-1 sigmoid network in Nielsen's names, its cost and the hand BP1-BP4 numbers."""
    import nn
    W2, B2 = [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], [0.05, -0.1, 0.2]
    W3, B3 = [[0.7, -0.8, 0.9]], [-0.3]
    net = nn.MLP([2, 3, 1], weights=[W2, W3], biases=[B2, B3])
    cost = nn.half_squared_error(net([1.0, 0.5]), [1.0])
    s = lambda t: 1 / (1 + math.exp(-t))                          # noqa: E731
    a2 = [s(W2[j][0] * 1.0 + W2[j][1] * 0.5 + B2[j]) for j in range(3)]
    a3 = s(sum(W3[0][k] * a2[k] for k in range(3)) + B3[0])
    delta3 = (a3 - 1.0) * a3 * (1 - a3)                           # BP1
    return cost, delta3 * W3[0][1] * a2[1] * (1 - a2[1]) * 1.0   # BP2 and BP4: ∂C/∂w²₂₁


def test_a_latex_weight_no_node_has_is_named_whole_with_the_transposed_one_suggested():
    """A student's w^3_{21} for w³₁₂ (j and k swapped) is named as w3_21, not as a
    node 'w', and the error suggests w3_12.  Oracle: the hand BP1-BP4 of the network,
    which the formula with the right index gives."""
    cost, hand = _nielsen_2_3_1()
    right = r"(a^3_1 - 1) a^3_1 (1 - a^3_1) w^3_{12} a^2_2 (1 - a^2_2) x_1"
    verdict = check(cost, "w2_21", right)
    assert verdict and verdict.expected == pytest.approx(hand, rel=1e-12)
    for typed in (right.replace("w^3_{12}", "w^3_{21}"), r"w^{3}_{21}", "w3_21", "w³₂₁"):
        with pytest.raises(NodeNameError) as caught:
            check(cost, "w2_21", typed)
        message = str(caught.value)
        assert "no node named 'w3_21'" in message and "'w' " not in message, message
        assert "did you mean w3_12?" in message and "\n" not in message


def test_a_missing_name_that_is_no_transposed_weight_gets_no_suggestion():
    """Only a weight whose swapped j, k exists is suggested: w2_41 (no w2_14) and b2_4
    are not.  Oracle: the network's parameter names, w2_11 ... w2_32."""
    cost, _ = _nielsen_2_3_1()
    for typed in ("w2_41", "b2_4", "w^2_{41}"):
        with pytest.raises(NodeNameError) as caught:
            check(cost, "w2_21", typed)
        assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize("typed", ["w₁β₁h", "w_1β_1h", "w_{1}β_{1}h", "w_1β_1 h"])
def test_names_as_printed_written_together_are_their_product(typed):
    """Nodes named w₁, β₁ and h (as chainrule prints names): ``w₁β₁h`` was refused ("no node
    named 'w_1β_1h'") while ``w₁·β₁·h`` read.  Oracle, by hand: w₁·β₁·h at (2, 3, 1.5) is 9;
    the reading shows the split with a · between the names."""
    w, b, h = Value(2.0, name="w₁"), Value(3.0, name="β₁"), Value(1.5, name="h")
    L = (w * b * h).named("L")
    formula = read_formula(typed, L)
    assert formula.evaluate() == 9.0
    assert formula.reading() == "w₁·β₁·h"


@pytest.mark.parametrize("typed", ["x_1w^{2}_{11}", "x_{1}w^2_11", "x₁w²₁₁", "a¹₁w²₁₁",
                                   "a^{1}_{1}w^{2}_{11}"])
def test_a_name_run_into_a_nielsen_name_in_latex_is_their_product(typed):
    """x_1 then w^{2}_{11} with nothing between (as Nielsen writes a¹₁w²₁₁, the input a¹₁
    being x₁) was refused ("no node named 'x_1w'").  Oracle, by hand: x1·w2_11 at
    (0.5, -0.25) is -0.125."""
    x1, w = Value(0.5, name="x1"), Value(-0.25, name="w2_11")
    z = (x1 * w).named("z2_1")
    formula = read_formula(typed, z)
    assert formula.evaluate() == -0.125
    assert formula.reading() == "x1·w2_11"


ROUND_TRIP_NAMES = ["my weight", "a b c", "weight #1", "50% rate", "my_weight", "重み", "α β",
                    "Δw", "β₁", "w₁", "w³₁₁", "w_1", "w1", "w2_11", "net2", "y'", "a^{2}_{1}",
                    "w^1_{21}", "y_{out}", "net_{2}", "{x}", "a\\b", "a~b", "ŷ"]


@pytest.mark.parametrize("name", ROUND_TRIP_NAMES)
def test_every_name_in_latex_reads_back_as_its_node(name):
    """A name written by names.latex (as explain --latex writes it) reads back to the same
    node: spaces as ``\\ `` (\\mathrm{my weight} was set "myweight" and refused by the
    reader), unicode, subscripts, LaTeX's specials.  Oracle, by hand: R = 2·v at v = 3."""
    from autograd.names import latex
    v = Value(3.0, name=name)
    R = (v * 2).named("R")
    typed = latex(name)
    assert (" " in name) == ("\\ " in typed)
    formula = read_formula(typed, R)
    assert formula.nodes == {name: v} and formula.evaluate() == 3.0


def test_explains_latex_with_spaced_names_reads_back_in_check():
    """explain's LaTeX of a graph whose names have spaces, ``\\frac{\\partial \\left(\\mathrm{the\\
    loss}\\right)}{\\partial \\left(\\mathrm{my\\ weight}\\right)} = \\mathrm{重み} \\cdot
    \\mathrm{β₁} = 2``, is checked as the formula it is.  Oracle, by hand: ∂(w·x·b)/∂w = x·b
    = 2·1.5 = 3."""
    from autograd.explain import explain
    w, x, b = Value(0.5, name="my weight"), Value(2.0, name="重み"), Value(1.5, name="β₁")
    L = (w * x * b).named("the loss")
    L.backward()
    typed = explain(L, w).latex()
    assert "\\mathrm{my\\ weight}" in typed
    verdict = check(L, w, typed)
    assert verdict and verdict.formula.evaluate() == 3.0
    assert verdict.formula.lhs == ("the loss", "my weight") and verdict.formula.stated == "3"


@pytest.mark.parametrize("name, text, latex", [
    ("a^{l-1}_1", "a^{l-1}_1", "a^{l-1}_{1}"),              # Nielsen's a^{l-1}_k
    ("w^{(l+1)}_{jk}", "w^{(l+1)}_{jk}", "w^{(l+1)}_{jk}"),
    ("a^{(L-1)}", "a^{(L-1)}", "a^{(L-1)}"),                # 3Blue1Brown's
])
def test_a_latex_name_with_a_sign_in_its_script_is_one_symbol_and_reads_back(name, text, latex):
    """explain took the minus in a^{l-1}_1 for a sum and bracketed the name, ∂y/∂(a^{l-1}_1)
    and \\frac{\\partial y}{\\partial \\left(a^{l-1}_{1}\\right)}, which check refused ("∂ is
    read only in a left-hand side"); the text's ∂y/∂(w^{(l+1)}_{jk}) was "the left-hand side
    ... names 'w^{(l+1)}_{jk}', and no node has that name; named nodes: w^{(l+1)}_{jk}, ...",
    and the factor a^{l-1}_{1} (each script braced) was "no node named 'a'".  Oracle, by hand:
    y = x·w, ∂y/∂w = x = 2 and ∂y/∂x = w = 3, and the forms written out."""
    from autograd.explain import explain
    x, w = Value(2.0, name="x"), Value(3.0, name=name)
    y = (x * w).named("y")
    y.backward()
    assert str(explain(y, w)).startswith(f"∂y/∂{text} = 2   (backward() gives 2)")
    assert explain(y, w).latex() == f"\\frac{{\\partial y}}{{\\partial {latex}}} = x = 2"
    assert explain(y, x).latex() == f"\\frac{{\\partial y}}{{\\partial x}} = {latex} = 3"
    for wrt, typed, value in ((w, explain(y, w).latex(), 2.0), (x, explain(y, x).latex(), 3.0),
                              (w, f"∂y/∂{text} = x", 2.0)):
        verdict = check(y, wrt, typed)
        assert verdict and verdict.formula.evaluate() == value, typed

@pytest.mark.parametrize("name, typed", [
    ("w3_16_12", "w^{3}_{16,12}"), ("x1(2)", "x^{(2)}_{1}"), ("w2_11(3)", "w^{2,(3)}_{11}"),
    ("z2_1(2)", "z^{2,(2)}_{1}"), ("w3_16_12(2)", "w^{3,(2)}_{16,12}")])
def test_a_nielsen_name_with_two_indices_or_a_sample_reads_back_from_latex(name, typed):
    """names.latex writes w3_16_12 as w^{3}_{16,12} and sample 2's x1 as x^{(2)}_{1} (as
    explain --latex shows them); the reader refused both ("no node named 'w'").  Oracle, by
    hand: R = 2·v at v = 3, and the LaTeX written out by hand is what names.latex writes."""
    from autograd.names import find_node, latex
    v = Value(3.0, name=name)
    R = (v * 2).named("R")
    assert latex(name) == typed
    formula = read_formula(typed, R)
    assert formula.nodes == {name: v} and formula.evaluate() == 3.0
    assert find_node(all_nodes(R), typed, "check") is v          # --wrt as LaTeX writes it


def test_a_name_run_into_a_two_index_nielsen_name_in_latex_is_their_product():
    """x_1w^{3}_{16,12}: x1·w3_16_12.  Oracle, by hand: 0.5·4 = 2."""
    x1, w = Value(0.5, name="x1"), Value(4.0, name="w3_16_12")
    z = (x1 * w).named("z3_16")
    formula = read_formula("x_1w^{3}_{16,12}", z)
    assert formula.evaluate() == 2.0 and formula.reading() == "x1·w3_16_12"


@pytest.mark.parametrize("left", ["∂(the loss)/∂(my weight) =", "d(the loss)/d(my weight) =",
                                  "∂(the loss)/∂(my weight) &="])
def test_a_left_hand_side_with_spaced_names_in_parentheses_as_explain_prints_it(left):
    """explain prints ∂(the loss)/∂(my weight) for names with spaces; pasted back into check
    it was "∂ is read only in a left-hand side".  Oracle, by hand: ∂(w·x·b)/∂w = x·b = 3."""
    w, x, b = Value(0.5, name="my weight"), Value(2.0, name="重み"), Value(1.5, name="β₁")
    L = (w * x * b).named("the loss")
    L.backward()
    formula = read_formula(f"{left} 重み·β₁", L, wrt=w)
    assert formula.lhs == ("the loss", "my weight") and formula.evaluate() == 3.0
    assert check(L, w, f"{left} 重み·β₁")


@pytest.mark.parametrize("typed", ["(my weight) · β₁", "( my weight )β₁", "(my weight)(β₁)",
                                   "∂(the loss)/∂重み = (my weight) · β₁ = 0.75"])
def test_a_name_with_a_space_in_parentheses_as_explain_writes_it(typed):
    """explain writes 'product: (my weight) · β₁' for a name with a space; pasted into check
    it was "no node named 'my'".  The reading brackets the name as explain does.  Oracle, by
    hand: ∂(w·x·b)/∂x = w·b = 0.5·1.5 = 0.75."""
    w, x, b = Value(0.5, name="my weight"), Value(2.0, name="重み"), Value(1.5, name="β₁")
    L = (w * x * b).named("the loss")
    L.backward()
    formula = read_formula(typed, L, wrt=x)
    assert formula.evaluate() == 0.75 and formula.reading() == "(my weight)·β₁"
    assert check(L, x, typed)


@pytest.mark.parametrize("typed, reading", [
    ("w²₁₆,₁₂", "w2_16_12"), ("w²₁₆,₁₂x₁", "w2_16_12·x1"), ("x₁w²₁₆,₁₂", "x1·w2_16_12"),
    ("max(w²₁₆,₁₂, x₁)", "max(w2_16_12, x1)")])
def test_a_two_index_nielsen_name_as_printed_is_read(typed, reading):
    """names.text prints w2_16_12 (Nielsen's 784-30-10 has them) as w²₁₆,₁₂; a formula
    writing it so got "no node named 'w2_16'".  Oracle, by hand: w·x at (3, 2) is 6, and
    max(3, 2) is 3."""
    from autograd.names import text
    w, x1 = Value(3.0, name="w2_16_12"), Value(2.0, name="x1")
    z = (w * x1).named("z2_16")
    assert text("w2_16_12") == "w²₁₆,₁₂"
    formula = read_formula(typed, z)
    assert formula.reading() == reading
    assert formula.evaluate() == {"w2_16_12": 3.0, "max(w2_16_12, x1)": 3.0}.get(reading, 6.0)


@pytest.mark.parametrize("typed, reading, expected", [
    ("w²₁₁x₁⁽²⁾", "w2_11·x1(2)", 6.0), ("w2_11x1(2)", "w2_11·x1(2)", 6.0),
    ("hw2_11x1(2)", "h·w2_11·x1(2)", 30.0), ("h(2)", "h·2", 10.0)])
def test_a_sample_after_names_run_together_belongs_to_the_last(typed, reading, expected):
    """Sample 2's x1 after a weight, w²₁₁x₁⁽²⁾ (as the worked examples print a batch), got
    "no node named 'w2_11x_1'"; x₁⁽²⁾w²₁₁ read.  A name with no such sample keeps (2) as a
    factor.  Oracle, by hand: x1(2)·w2_11·h at (2, 3, 5)."""
    x, w, h = Value(2.0, name="x1(2)"), Value(3.0, name="w2_11"), Value(5.0, name="h")
    R = (x * w * h).named("R")
    formula = read_formula(typed, R)
    assert formula.reading() == reading and formula.evaluate() == expected


@pytest.mark.parametrize("typed, reading, expected", [
    ("w_{11}^{3}", "w3_11", 0.5), ("a_1^2", "a2_1", 4.0), ("w_{11}^{3} a_{1}^{2}", "w3_11·a2_1", 2.0),
    ("w_{11}^{3}a_1^2", "w3_11·a2_1", 2.0), ("x_1^2", "x1^2", 9.0)])
def test_a_nielsen_name_with_its_subscript_written_first(typed, reading, expected):
    """w_{11}^{3}, a_1^2 (the subscript first, as many write w_{jk}^{l}) got "no node named
    'w_11'"; they are w3_11 and a2_1 when no node is w11 or a1 (x_1^2 of a node x1 stays
    its square).  Oracle, by hand: w3_11 = 0.5, a2_1 = 4, x1 = 3."""
    w, a, x = Value(0.5, name="w3_11"), Value(4.0, name="a2_1"), Value(3.0, name="x1")
    R = (w * a * x).named("R")
    formula = read_formula(typed, R)
    assert formula.evaluate() == expected
    assert formula.reading().replace("²", "^2") == reading


@pytest.mark.parametrize("typed", ["w_{11}^{3}", "w_11^3"])
def test_a_subscript_first_name_names_the_node_for_wrt_and_a_left_hand_side(typed):
    """--wrt w_{11}^{3} and ∂R/∂w_{11}^{3} = ... name w3_11 as the formula does.  Oracle, by
    hand: ∂(w·a)/∂w = a = 4."""
    from autograd.names import find_node
    w, a = Value(0.5, name="w3_11"), Value(4.0, name="a2_1")
    R = (w * a).named("R")
    R.backward()
    assert find_node(all_nodes(R), typed, "check") is w
    formula = read_formula(f"∂R/∂{typed} = a_1^2", R, wrt=w)
    assert formula.lhs == ("R", "w3_11") and formula.evaluate() == 4.0


@pytest.mark.parametrize("typed, reading", [
    ("y_{out}a^{1}_{1}", "y_{out}·a^{1}_{1}"), ("y_outa^1_1", "y_{out}·a^{1}_{1}"),
    ("y_out", "y_{out}"), ("a^{1}_{1}y_{out}", "a^{1}_{1}·y_{out}")])
def test_a_node_named_with_a_braced_subscript_reads_anywhere_in_a_run(typed, reading):
    """A node named y_{out} (as LaTeX writes it) was read only at a run's start:
    y_{out}a^{1}_{1} got "no node named 'y_outa'", and y_out (as Desmos writes it) "no node
    named 'y_out'".  Oracle, by hand: y·a at (2, 3) is 6, y alone 2."""
    y, a = Value(2.0, name="y_{out}"), Value(3.0, name="a^{1}_{1}")
    R = (y * a).named("R")
    formula = read_formula(typed, R)
    assert formula.reading() == reading
    assert formula.evaluate() == (2.0 if reading == "y_{out}" else 6.0)


def test_a_derivative_in_lagranges_notation_as_the_left_hand_side():
    """σ'(z) = σ(z)(1 − σ(z)), as texts write the sigmoid's derivative, said 'after = comes
    the number the formula gives'.  f'(x) = ... is ∂root/∂x when f(x) is the root (or f names
    it); otherwise it is refused in one line.  Oracle, by hand: σ'(0.3) = σ(0.3)(1 − σ(0.3))
    = e^-0.3/(1 + e^-0.3)²; L = w³ gives L'(w) = 3w² = 0.75 at w = 0.5."""
    z = Value(0.3, name="z")
    s = z.sigmoid()
    s.backward()
    hand = math.exp(-0.3) / (1 + math.exp(-0.3)) ** 2
    for typed in (r"\sigma'(z) = \sigma(z)\cdot(1-\sigma(z))", "σ'(z) = σ(z)(1 - σ(z))",
                  r"\sigma^{\prime}(z) = \frac{e^{-z}}{(1+e^{-z})^2}"):
        verdict = check(s, z, typed)
        assert verdict, typed
        assert_close(verdict.formula_value, hand, rel=1e-14)
    w = Value(0.5, name="w")
    L = (w * w * w).named("L")
    L.backward()
    verdict = check(L, w, "L'(w) = 3w^2")
    assert verdict and verdict.formula_value == 0.75
    with pytest.raises(FormulaError, match=r"the left-hand side tanh'\(w\) is the derivative of "
                                           r"tanh\(w\) = 0\.46211715726, but the root, L, is "
                                           r"0\.125") as refused:
        check(L, w, "tanh'(w) = 1 - tanh(w)^2")
    assert "\n" not in str(refused.value)
    assert check(s, z, "σ'(z) = 0.2445")          # a number after it: σ'(z) is the formula


def test_a_gradient_node_is_read_by_the_name_explain_gives_it():
    """grad(y, x, create_graph=True) names its node ∂y/∂x, and explain's paths write
    "product: ∂y/∂x = 12"; typed back, "∂y/∂x + 6x²" was refused: "∂ is read only in a
    left-hand side ...; write the formula itself with node names; named nodes: x, z,
    ∂y/∂x", and explain's LaTeX of it, \\frac{\\partial y}{\\partial x}, was too.
    Oracle, by hand: y = x³, ∂y/∂x = 3x² = 12 at x = 2, z = (∂y/∂x)·x = 3x³,
    ∂z/∂x = 9x² = 36 (the paths: ∂y/∂x + x·6x)."""
    from autograd import grad
    x = Value(2.0, name="x")
    (g,) = grad((x ** 3).named("y"), x, create_graph=True)
    z = (g * x).named("z")
    z.backward()
    assert g.name == "∂y/∂x" and "product: ∂y/∂x = 12" in str(explain(z, x))
    for typed in ("∂y/∂x + 6x²", "(∂y/∂x) + x·6·x", "∂z/∂x = ∂y/∂x + 6x^2", "∂y/∂x+24"):
        verdict = check(z, x, typed)
        assert verdict and verdict.formula.evaluate() == 36.0, typed
    latex = explain(z, x).latex()                  # \left[ \frac{\partial y}{\partial x} \right]
    assert "\\frac{\\partial y}{\\partial x}" in latex and check(z, x, latex)
    assert check(z, x, r"\frac{\partial y}{\partial x} + 6x^2")
    assert not check(z, x, "∂y/∂x·x")                          # 24: a path left out
    with pytest.raises(FormulaError, match=r"position 1 \('∂'\): ∂ is read only in a left-hand "
                                           r"side .* or a node's name \(∂y/∂x\); write"):
        check(z, x, "∂y/∂w + 24")


@pytest.mark.parametrize("operator", [r"\frac{d^2}{dz^2}", r"\frac{\partial^2}{\partial z^2}",
                                      "d²/dz²", "∂^2/∂z^2"])
def test_a_second_derivative_operator_before_an_expression_says_to_name_it(operator):
    """σ''(z) pasted from a blog, \\frac{d^2}{dz^2}\\sigma(z) = ..., was refused as 'the
    function d needs its argument in parentheses: d(z)' (its d read as σ'), and
    \\frac{\\partial^2}{\\partial z^2} ... as '∂ is read only in a left-hand side', which it
    was.  It now says the operator is not read and gives the left side with f named, which,
    pasted in, reads.  Oracle: σ''(z) = σ(1 - σ)(1 - 2σ) by hand at z = 0.5."""
    from autograd import grad
    z = Value(0.5, name="z")
    (d1,) = grad(z.sigmoid(), z, create_graph=True)
    right = r"\sigma(z)(1-\sigma(z))(1-2\sigma(z))"
    with pytest.raises(FormulaError) as caught:
        check(d1, z, f"{operator} \\sigma(z) = {right}")
    text = str(caught.value)
    assert "\n" not in text and "applies a second derivative to the expression after it, " \
                               "which is not read" in text, text
    named = re.search(r"name what it differentiates, (.*?) = \.\.\.", text).group(1)
    s = 1 / (1 + math.exp(-0.5))
    verdict = check(d1, z, f"{named} = {right}")
    assert verdict and verdict.expected == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-14)


@pytest.mark.parametrize("lhs", ["σ''(z)", r"\sigma''(z)", r"\sigma^{\prime\prime}(z)", "σ″(z)",
                                 "s''(z)"])
def test_a_second_derivative_in_lagranges_notation_is_a_left_hand_side(lhs):
    """σ''(z) = σ(z)(1 - σ(z))(1 - 2σ(z)), as a teacher writes σ'', over the gradient
    d1 = grad(σ(z), z, create_graph=True) was refused: 'cannot read the formula at position
    1 ("σ''"): no node has this name and no op is called so' (\\sigma'' at its second ').
    Like σ'(z) = ... of a first derivative, f''(z) is now ∂/∂z of a root whose value is
    f'(z).  Oracle: σ''(z) = σ(1 - σ)(1 - 2σ) by hand at z = 0.5; tanh''(z) is refused,
    tanh'(0.5) not being the root's σ'(0.5)."""
    from autograd import grad
    z = Value(0.5, name="z")
    (d1,) = grad(z.sigmoid(), z, create_graph=True)
    s = 1 / (1 + math.exp(-0.5))
    hand = s * (1 - s) * (1 - 2 * s)
    verdict = check(d1, z, rf"{lhs} = \sigma(z)(1-\sigma(z))(1-2\sigma(z))")
    assert verdict and verdict.expected == pytest.approx(hand, rel=1e-14)
    assert check(d1, z, f"{lhs} = {hand:.4g}") and not check(d1, z, f"{lhs} = {-hand:.4g}")
    wrong = check(d1, z, rf"{lhs} = \sigma(z)(1-\sigma(z))(1+2\sigma(z))")
    assert not wrong and wrong.diagnosis.kind == "wrong sign of a term"
    with pytest.raises(FormulaError, match=rf"the left-hand side tanh''\(z\) is the derivative "
                                           rf"of tanh'\(z\) = {1 - math.tanh(0.5) ** 2:.12g}, "
                                           rf"but the root, ∂f/∂z, is {s * (1 - s):.12g}"):
        check(d1, z, "tanh''(z) = σ(z)(1-σ(z))(1-2σ(z))")


@pytest.mark.parametrize("typed, pos", [("σ''(z)", 1), (r"\sigma''(z)", 8), ("2σ''(z) + 1", 2)])
def test_a_second_derivative_after_the_equals_says_to_write_it_out(typed, pos):
    """σ''(z) in a formula was 'no node has this name and no op is called so; ops: ...'
    (\\sigma''(z): "this character is not part of a formula" at its second ').  It now says
    that a second derivative is read only as a left-hand side, and how to write it; the way
    it gives, typed, agrees.  Oracle: σ''(z) = σ(1 - σ)(1 - 2σ) by hand at z = 0.5; a node
    named y'' is still that node."""
    from autograd import grad
    z = Value(0.5, name="z")
    (d1,) = grad(z.sigmoid(), z, create_graph=True)
    with pytest.raises(FormulaError, match=rf"position {pos} .*: σ'' is a second derivative, "
                                           r"read only as a left-hand side \(σ''\(z\) = \.\.\.\); "
                                           r"in the formula write it out, as σ'\(z\)\(1-2σ\(z\)\) "
                                           r"for σ''\(z\)") as caught:
        check(d1, z, typed)
    assert "\n" not in str(caught.value)
    s = 1 / (1 + math.exp(-0.5))
    verdict = check(d1, z, "σ'(z)(1-2σ(z))")
    assert verdict and verdict.expected == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-14)
    y2 = Value(3.0, name="y''")
    L = (y2 * z).named("L")
    assert check(L, z, "y''")

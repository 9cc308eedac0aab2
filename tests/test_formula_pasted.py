"""Formulas pasted as the worked examples print them: a line of an align environment
(``&=``), Nielsen's superscript layers (``a^2_1``, ``w^{3}_{11}``), and a derivation
that ends in the number its writer worked out (``... = 0.0014291881022``, as explain's
own LaTeX ends).  Oracles: the hand formulas in plain Python, Desmos's published value."""

import math

import pytest

import nn
from autograd import Value
from autograd.check import FormulaError, check, read_formula
from autograd.explain import explain
from conftest import assert_close
from test_explain import DESMOS, seed000, seed000_hand


def s(z):
    return 1.0 / (1.0 + math.exp(-z))


# seed 000's second gradient, one line of its align environment as the question's source has it
SEED000_W1 = (r"\frac{\partial L}{\partial w_{1}} &=x\times h(1-h)\times w_2 \times "
              r"{y}'(1-{y}')\times ({y}'-y)")


def test_a_line_of_an_align_environment_reads_with_its_left_side():
    L, _ = seed000()
    verdict = check(L, "w1", SEED000_W1)
    assert verdict and verdict.formula.lhs == ("L", "w1")
    assert_close(verdict.formula_value, seed000_hand()["dw1"], rel=1e-14)
    # the left side is read, not skipped: checked against w2 it says which side differs
    with pytest.raises(FormulaError, match=r"with respect to w_\{1\}, but the node checked is w2"):
        check(L, "w2", SEED000_W1)


# seed 002's 2-3-1 network (Nielsen's numbering: the input layer is layer 1)
W2 = [[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]]
B2 = [0.1, 0.0, -0.1]
W3 = [0.7, -0.2, 0.3]
XS, TARGET = [0.6, -0.4], 0.25


def nielsen_231():
    net = nn.MLP.from_matrices([W2, [W3]], [[[b] for b in B2], None], layout="columns")
    C = nn.half_squared_error(net(XS), [TARGET])
    C.backward()
    return C


def nielsen_hand():
    """a²₁(a³₁ − y)σ'(z³₁) = ∂C/∂w³₁₁, by hand."""
    a2 = [s(sum(w * x for w, x in zip(row, XS)) + b) for row, b in zip(W2, B2)]
    z3 = sum(w * a for w, a in zip(W3, a2))
    a3 = s(z3)
    return a2[0] * (a3 - TARGET) * a3 * (1 - a3)


@pytest.mark.parametrize("wrt, typed", [
    ("w3_11", r"a^2_1(a^3_1-y)\sigma'(z^3_1)"),            # as seed 002's asker typed it
    ("w3_11", r"a^{2}_{1}(a^{3}_{1}-y)\sigma'(z^{3}_{1})"), # as names.latex writes the names
    ("w3_11", r"\frac{\partial C}{\partial w^{3}_{11}} = a^2_1 (a^3_1 - y) \sigma'(z^3_1)"),
    # as check's verdicts and explain print the names ('a²₁(a³₁−y)σ′(z³₁)' and the
    # wrt w³₁₁ were refused with "no node named 'a'"); a³: the layer of one neuron
    ("w³₁₁", "a²₁(a³₁−y)σ′(z³₁)"),
    ("w³₁₁", "a²₁(a³−y)σ′(z³₁)"),
    # BP1's y_j for the one output, whose target node nn names y ("no node named 'y_1'")
    ("w3_11", r"a^2_1(a^3_1-y_1)\sigma'(z^3_1)"),
    ("w³₁₁", "a²₁(a³₁−y₁)σ′(z³₁)"),
])
def test_nielsen_superscript_layers_name_the_nodes(wrt, typed):
    """Oracle: Nielsen's a²₁(a³₁ − y)σ'(z³₁) by hand."""
    C = nielsen_231()
    verdict = check(C, wrt, typed)
    assert verdict
    assert_close(verdict.formula_value, nielsen_hand(), rel=1e-14)
    assert verdict.formula.reading() == "a2_1·(a3_1-y)·σ'(z3_1)"


def test_y1_is_the_target_y_only_when_no_y_has_an_index():
    """y_1 reads as a lone target y, but not beside a y2 (then y_1 names no node).
    Oracle: the values by hand."""
    y, x = Value(0.25, name="y"), Value(3.0, name="x")
    assert read_formula("x - y_1", (x - y).named("e")).evaluate() == 3.0 - 0.25
    y2 = Value(7.0, name="y2")
    with pytest.raises(FormulaError, match="no node named 'y_1'"):
        read_formula("x - y_1", (x - y + y2).named("e"))


def test_nielsen_asker_formula_is_the_next_layers_weight():
    verdict = check(nielsen_231(), "w2_11", r"a^2_1(a^3_1-y)\sigma'(z^3_1)")
    assert not verdict
    assert str(verdict).startswith("This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁")


def test_a_superscript_with_no_such_node_is_still_a_power():
    C = nielsen_231()
    a2 = [s(sum(w * x for w, x in zip(row, XS)) + b) for row, b in zip(W2, B2)]
    a3 = s(sum(w * a for w, a in zip(W3, a2)))
    assert_close(read_formula("a3_1^2", C).evaluate(), a3 ** 2, rel=1e-14)
    with pytest.raises(FormulaError, match="'a4_1' at position 1: no node named 'a4_1'"):
        read_formula("a^4_1", C)           # Nielsen's a^4_1, which no node is: named whole


def desmos_named():
    """Seed 003's network with every node named, as docs/check-and-explain.md builds it."""
    I = Value(1.0, name="I")
    w1, w2, w3, w4, w5 = (Value(0.5, name=f"w{i}", kind="parameter") for i in range(1, 6))
    h1 = (I * w1 + 1).named("net1").sigmoid().named("h1")
    h2 = (h1 * w2 + 1).named("net2").sigmoid().named("h2")
    h3 = (h1 * w3 + 1).named("net3").sigmoid().named("h3")
    return (h2 * w4 + h3 * w5 + 1).named("net4").sigmoid().named("O")


def test_explains_own_latex_checks_back_as_the_gradient():
    O = desmos_named()
    O.backward()
    latex = explain(O, "w1").latex()
    assert latex.startswith(r"\frac{\partial O}{\partial w_{1}} = ") and "= 0.00142918810" in latex
    verdict = check(O, "w1", latex)
    assert verdict and abs(verdict.formula_value - DESMOS) < 1e-13
    assert ", the 0.0014291881022 you wrote after it." in str(verdict)


def test_a_number_after_the_formula_is_what_its_writer_worked_out():
    L, _ = seed000()
    dw1 = seed000_hand()["dw1"]
    typed = f"x h(1-h) w_2 y'(1-y')(y'-y) = {dw1:.3g}"
    verdict = check(L, "w1", typed)
    assert verdict and verdict.formula.stated == f"{dw1:.3g}"
    assert_close(verdict.formula_value, dw1, rel=1e-14)
    # a number that is not the formula's: said, and the formula is what is judged
    wrong = check(L, "w1", "x h(1-h) w_2 y'(1-y')(y'-y) = 0.5")
    assert wrong and "not the 0.5 you wrote after it" in str(wrong)
    # in brackets, = is still a comparison (1 or 0)
    assert read_formula("(x = 0.8)", L).evaluate() == 1.0
    assert read_formula("x = 0.7", L).stated == "0.7"
    assert read_formula("x = 0.7", L).evaluate() == 0.8


# a formula copied with its math-mode frame: from a web page ($...$, \(...\)), a .tex
# file (\begin{equation}...\end{equation}, a line ending in \\), or Stack Exchange ($$)
FRAMED = [r"$x\sigma(wx)(1-\sigma(wx))$", r"$$ x \sigma(wx) (1 - \sigma(wx)) $$",
          r"\( x\sigma(wx)(1-\sigma(wx)) \)", r"\[x\,\sigma(wx)\left(1-\sigma(wx)\right)\]",
          r"x\sigma(wx)(1-\sigma(wx)) \\",
          r"\begin{equation} \frac{\partial y}{\partial w} = x\sigma(wx)(1-\sigma(wx)) "
          r"\end{equation}",
          r"$$\frac{\partial y}{\partial w} = x\sigma(wx)(1-\sigma(wx))$$"]


@pytest.mark.parametrize("text", FRAMED)
def test_a_formula_in_its_math_mode_frame_reads_as_the_formula(text):
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    y = (w * x).sigmoid()
    y.name = "y"
    verdict = check(y, w, text)
    hand = 2.0 * s(6.0) * (1.0 - s(6.0))          # ∂σ(wx)/∂w = x σ(wx)(1 − σ(wx))
    assert verdict
    assert_close(verdict.formula_value, hand, rel=1e-14)
    if "partial" in text:                         # the left side inside the frame is read
        assert verdict.formula.lhs == ("y", "w")


def test_explains_labels_of_unnamed_nodes_read_back_in_a_formula():
    """micrograd-style code names nothing: explain calls the nodes leaf1, t3, ... and
    its LaTeX (left side included) reads back in check, as do the labels typed by hand.
    Oracle: ∂(a·c + tanh a)/∂a = c + 1 − tanh²(a)."""
    a, c = Value(2.0), Value(-3.0)
    d = a * c + a.tanh()
    hand = -3.0 + 1.0 - math.tanh(2.0) ** 2
    latex = explain(d, a).latex()
    assert r"\mathit{leaf}_{1}" in latex
    verdict = check(d, a, latex)
    assert verdict
    assert_close(verdict.formula_value, hand, rel=1e-14)
    assert_close(check(d, a, "leaf2 + 1 - tanh(leaf1)^2").formula_value, hand, rel=1e-14)
    # a label is read as its node, and a name no node or label has is still refused
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    y = (w * x + 0.5).tanh() * w
    y.name = "y"
    t = math.tanh(6.5)
    verdict = check(y, w, explain(y, w).latex())
    assert verdict and verdict.formula.lhs == ("y", "w")
    assert_close(verdict.formula_value, 2.0 * (1 - t * t) * 3.0 + t, rel=1e-14)
    with pytest.raises(FormulaError, match="no node named 't9' in this graph; named nodes: w, x, y$"):
        check(y, w, "t9 * x")


def test_a_left_side_without_the_root_as_seed_002s_answer_writes_it():
    """Seed 002's answer: '\\frac{\\partial }{\\partial w^3_{11}}=a^2_1(a^3_1-y)\\sigma'(z^3_1)'
    (no C on top) was refused: '∂ is read only in a left-hand side'.  The root is implied.
    Oracle: that formula in plain Python over the forward pass, and central differences."""
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    x, y = [0.6, -0.4], 0.25
    C = nn.half_squared_error(net(x), [y])
    C.backward()
    a2 = [s(0.1 * x[0] - 0.3 * x[1] + 0.1), s(0.5 * x[0] + 0.2 * x[1]),
          s(-0.6 * x[0] + 0.4 * x[1] - 0.1)]
    a3 = s(0.7 * a2[0] - 0.2 * a2[1] + 0.3 * a2[2])
    hand = a2[0] * (a3 - y) * a3 * (1 - a3)

    def cost(w):
        out = s(w * a2[0] - 0.2 * a2[1] + 0.3 * a2[2])
        return 0.5 * (out - y) ** 2
    assert hand == pytest.approx((cost(0.7 + 1e-6) - cost(0.7 - 1e-6)) / 2e-6, rel=1e-7)
    answer = r"\frac{\partial }{\partial w^3_{11}}=a^2_1(a^3_1-y)\sigma'(z^3_1)"
    verdict = check(C, "w3_11", answer)
    assert verdict and verdict.formula.lhs == (C.name, "w3_11")
    assert verdict.formula.evaluate() == pytest.approx(hand, rel=1e-12)
    assert check(C, "w3_11", "d/dw3_11 = a2_1 (a3_1 - y) σ'(z3_1)")
    with pytest.raises(FormulaError, match=r"is with respect to w\^3_\{11\}, but the node "
                                           r"checked is w2_11"):
        check(C, "w2_11", answer)


def test_nielsens_a3_of_a_one_neuron_layer_is_its_neuron():
    """Seed 002 writes the output as a^3 (layer 3 has one neuron): '(a^3-y)\\sigma'(z^3_1)'
    was refused with "no node named 'a'".  a^3 is a3_1 there; a^2 (three neurons) is named
    as a vector in one line; a node called a keeps a^3 a power.  Oracle: the formula by hand."""
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    x, y = [0.6, -0.4], 0.25
    C = nn.half_squared_error(net(x), [y])
    C.backward()
    a2_1 = s(0.1 * x[0] - 0.3 * x[1] + 0.1)
    a3 = s(0.7 * a2_1 - 0.2 * s(0.5 * x[0] + 0.2 * x[1]) + 0.3 * s(-0.6 * x[0] + 0.4 * x[1] - 0.1))
    verdict = check(C, "w3_11", r"$a^2_1(a^3-y)\sigma'(z^{3})$")
    assert verdict and verdict.formula.evaluate() == pytest.approx(
        a2_1 * (a3 - y) * a3 * (1 - a3), rel=1e-12)
    with pytest.raises(FormulaError) as refused:
        check(C, "w2_11", "x_1 (a^2 - y)")
    assert "at position 6 ('a^2'): a^2 is layer 2's vector (a2_1, a2_2, ...)" in str(refused.value)
    a = Value(0.5, name="a")
    cube = (a * a * a).named("cube")
    assert check(cube, a, "3 a^2") and read_formula("a^3", cube).evaluate() == 0.125


def sci(x, digits):
    """x as LaTeX writes it in scientific notation: -8.16 \\times 10^{-3}."""
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def test_a_worked_out_value_in_scientific_notation_after_the_formula():
    """'x·h(1-h)·w2·y'(1-y')·(y'-y) = -8.16 \\times 10^{-3}' (a right formula, its value as
    LaTeX writes it) was read as the comparison formula = number, 0, and 'Disagrees ... no
    small mistake reproduces your formula'.  Oracle: seed 000's ∂L/∂w1 by hand."""
    L, _ = seed000()
    hand = seed000_hand()["dw1"]
    formula = r"x \cdot h(1-h) \cdot w_2 \cdot y'(1-y') \cdot (y'-y)"
    for typed in (sci(hand, 3), sci(hand, 3).replace(r"\times", r"\cdot"),
                  f"{hand:.2e}".replace("e", "*10**")):
        verdict = check(L, "w1", f"{formula} = {typed}")
        assert verdict and verdict.formula.evaluate() == pytest.approx(hand, rel=1e-12), typed
        assert "you wrote after it" in str(verdict) and "not the" not in str(verdict)
    wrong = check(L, "w1", f"{formula} = {sci(2 * hand, 3)}")
    assert wrong and f"not the {2 * hand:.2e}".replace("e-0", "e-") in str(wrong)


@pytest.mark.parametrize("name", ["ŷ", "y_hat", "yhat"])
def test_a_hat_as_latex_writes_the_prediction(name):
    """'(\\hat{y} - y)\\hat{y}(1-\\hat{y})x', as posts write the prediction, was refused:
    'this LaTeX command is not read'.  \\hat{y} is the node ŷ, y_hat or yhat.  Oracle: the
    derivative of ½(σ(wx) − y)² by hand, (ŷ − y) ŷ (1 − ŷ) x."""
    w, x, y = Value(0.3, name="w"), Value(2.0, name="x"), Value(1.0, name="y")
    L = (0.5 * ((w * x).sigmoid().named(name) - y) ** 2).named("L")
    yh = s(0.6)
    hand = (yh - 1.0) * yh * (1 - yh) * 2.0
    for typed in (r"(\hat{y} - y)\hat{y}(1-\hat{y})x", r"(\hat y - y)\,\hat y(1-\hat y)\,x"):
        verdict = check(L, "w", typed)
        assert verdict and verdict.formula.evaluate() == pytest.approx(hand, rel=1e-12)
    with pytest.raises(FormulaError, match=r"\('\\\\bar\{y\}'\): it is read as the node ȳ or "
                                           r"y_bar or ybar, and no node has those names"):
        check(L, "w", r"(\bar{y} - y) x")



@pytest.mark.parametrize("node, typed", [
    ("x\u0302", "x\u0302"),      # x̂: a combining circumflex, as no precomposed x̂ exists
    ("\u0177", "y\u0302"),       # the node ŷ precomposed, the formula's ŷ a y and a mark
    ("y\u0302", "\u0177"),       # and the other way round
    ("a\u20d7", "a\u20d7"),      # a⃗, a combining arrow
])
def test_a_name_with_a_combining_accent_is_read_as_typed(node, typed):
    """A node named x̂ (x and U+0302) was refused in a formula at its accent, "cannot read
    the formula at position 2 ('̂'): this character is not part of a formula; named nodes:
    x, x̂, ...", the error listing the very name; ŷ typed as y and U+0302 for the node ŷ
    (U+0177), which looks the same, was "no node named 'ŷ' ...; named nodes: ..., ŷ", as
    check(L, "ŷ", ...) was.  Oracle: L = ½(x̂w − y)², ∂L/∂w = (x̂w − y)x̂ by hand."""
    xh, w, y = Value(2.0, name=node), Value(0.3, name="w"), Value(1.0, name="y")
    L = (0.5 * (xh * w - y) ** 2).named("L")
    L.backward()
    hand = (2.0 * 0.3 - 1.0) * 2.0
    verdict = check(L, "w", f"({typed} w - y) {typed}")
    assert verdict and verdict.formula.evaluate() == pytest.approx(hand, rel=1e-15)
    assert check(L, "w", f"({typed}w - y){typed}")              # x̂w: x̂ times w
    # ∂L/∂x̂ = (x̂w − y)w, the node asked for by the name as typed
    by_name = check(L, typed, (2.0 * 0.3 - 1.0) * 0.3)
    assert by_name and by_name.engine == xh.grad


@pytest.mark.parametrize("pasted", [
    "`x h(1-h) w_2 y'(1-y')(y'-y)`",                               # Markdown's inline code
    "``x h(1-h) w_2 y'(1-y')(y'-y)``",
    "```\nx h(1-h) w_2 y'(1-y')(y'-y)\n```",                       # a fence
    "```math\ndL/dw1 = x h(1-h) w_2 y'(1-y')(y'-y)\n```\n",         # a fence naming a language
    "```latex\n\\frac{\\partial L}{\\partial w_1} = x h(1-h) w_2 y'(1-y')(y'-y)\n```",
])
def test_a_formula_pasted_as_markdown_code_is_read_as_in_dollars(pasted):
    """A formula copied from a forum's code (`...` or a fence of ```) was refused at its
    first character: "cannot read the formula at position 1 ('`'): this character is not
    part of a formula", where one in $...$ or $$...$$ is read; the backticks and a fence's
    language are now its frame as the dollars are.  Oracle: seed 000's ∂L/∂w1 by hand."""
    L, _ = seed000()
    verdict = check(L, "w1", pasted)
    assert verdict and verdict.formula.evaluate() == pytest.approx(seed000_hand()["dw1"], rel=1e-12)


def test_a_number_pasted_as_markdown_code_keeps_its_digits():
    """`0.0074` was refused as a formula; it is the number with the digits typed.  Oracle:
    seed 000's ∂L/∂w1 by hand, to 3 significant digits, and 3 digits the verdict names."""
    L, _ = seed000()
    typed = f"{seed000_hand()['dw1']:.3g}"
    for pasted in (f"`{typed}`", f"```\n{typed}\n```"):
        verdict = check(L, "w1", pasted)
        assert verdict and verdict.expected == float(typed) and verdict.precision.digits == 3

def test_a_left_side_error_quotes_the_left_side_without_the_align_mark():
    """Seed 000's second line checked under w1 quoted '\\partial w_2 } &' in the error."""
    L, _ = seed000()
    line = r"\frac{\partial L }{\partial w_2 } &=h\times {y}'(1-{y}')\times ({y}'-y)"
    with pytest.raises(FormulaError) as refused:
        check(L, "w1", line)
    assert r"the left-hand side \frac{\partial L }{\partial w_2 } is with respect to w_2" in \
        str(refused.value)


def test_subscripts_as_printed_split_like_typed_ones():
    x1, w1, x2, w2 = Value(0.6, "x1"), Value(0.3, "w1"), Value(-0.4, "x2"), Value(0.8, "w2")
    L = (x1 * w1 + x2 * w2).named("L")
    assert read_formula("w₁x₁ + w₂x₂", L).evaluate() == 0.3 * 0.6 + 0.8 * -0.4


def test_the_formula_is_echoed_on_one_line_with_nothing_that_acts_on_the_terminal():
    """An align derivation pasted on two lines split the verdict's evidence over them, and
    text the reader skips (\\begin{...}'s name) reached the terminal as typed: ESC [31m,
    a bidi override.  The echo is one line, control and format characters as pictures."""
    L, _ = seed000()
    typed = (f"\\begin{{align}}\n\\frac{{\\partial L}}{{\\partial w_1}} &= x h(1-h) w_2 y'(1-y')(y'-y)"
             f" \\\\\n&= {seed000_hand()['dw1']:.4g}\n\\end{{align\x1b[31m\u202e}}")
    verdict = check(L, "w1", typed)
    assert verdict
    lines = str(verdict).splitlines()
    assert len(lines) == 2 and lines[1].startswith(r"Your formula \begin{align} \frac{\partial L}")
    assert "\x1b" not in str(verdict) and "\u202e" not in str(verdict)
    assert r"\end{align␛[31m<U+202E>}" in lines[1]


def test_a_left_side_as_the_verdict_prints_it():
    """'∂C/∂w³₁₁ = …', the derivative as check's verdicts print it, was refused: "the
    left-hand side ∂C/∂w³₁₁ names 'w³₁₁', and no node has that name".  Oracle: by hand."""
    verdict = check(nielsen_231(), "w3_11", "∂C/∂w³₁₁ = a²₁(a³₁−y)σ′(z³₁)")
    assert verdict and verdict.formula.lhs == ("C", "w3_11")
    assert_close(verdict.formula_value, nielsen_hand(), rel=1e-14)
    with pytest.raises(FormulaError, match=r"with respect to w²₁₁, but the node checked is w3_11"):
        check(nielsen_231(), "w3_11", "∂C/∂w²₁₁ = a²₁(a³₁−y)σ′(z³₁)")


@pytest.mark.parametrize("approx", ["≈", r"\approx"])
def test_a_value_after_approximately_equal_is_the_stated_value(approx):
    """'... ≈ 0.0142' (a rounded value, as derivations write it) was refused: '≈' is not
    part of a formula (\\approx: not a LaTeX command read).  Oracle: seed 000 by hand."""
    L, _ = seed000()
    dw1 = seed000_hand()["dw1"]
    verdict = check(L, "w1", f"x h(1-h) w_2 y'(1-y')(y'-y) {approx} {dw1:.3g}")
    assert verdict and verdict.formula.stated == f"{dw1:.3g}"
    assert_close(verdict.formula_value, dw1, rel=1e-14)
    with pytest.raises(FormulaError, match="≈ is read only before the value worked out"):
        read_formula(f"(x {approx} h)", L)


def test_nielsen_a1_is_the_input_x():
    """Seed 002 asks whether a^1_1 means x_1: in Nielsen's numbering the input layer is
    layer 1, so a¹ₖ is the input xₖ (nn names it x1).  'a^1_1·((a^3-y)σ'(z^3_1))·σ'(z^2_1)'
    was refused with "no node named 'a'".  Oracle: the formula by hand."""
    C = nielsen_231()
    typed = r"a^1_1*((a^3-y)\sigma'(z^3_1))*\sigma'(z^2_1)"
    verdict = check(C, "w2_11", typed)
    a2 = [s(sum(w * x for w, x in zip(row, XS)) + b) for row, b in zip(W2, B2)]
    a3 = s(sum(w * a for w, a in zip(W3, a2)))
    hand = XS[0] * (a3 - TARGET) * a3 * (1 - a3) * a2[0] * (1 - a2[0])
    assert_close(verdict.formula_value, hand, rel=1e-14)
    assert verdict.formula.reading().startswith("x1·")
    assert "w3_11 on path 1" in str(verdict)       # BP2's weight, as the asker left it out
    for typed in ("a^{1}_{2}", "a¹₂", "a^1_2"):
        assert_close(read_formula(typed, C).evaluate(), XS[1], rel=1e-15)


# seed 003's answer, its display math as the post has it: the sentence goes on after it,
# so it ends in a comma
SEED003_ANSWER = (r"\frac{\partial O}{\partial w_1} =d(s(s(Iw_1+1)w_2+1)w_4+s(s(Iw_1+1)w_3+1)"
                  r"w_5+1)⋅[(\mathbf{w_4}d(s(Iw_1+1)w_2+1)⋅\mathbf{w_2}d(Iw_1+1)⋅I)+"
                  r"(\mathbf{w_5}d(s(Iw_1+1)w_3+1)⋅\mathbf{w_3}d(Iw_1+1)⋅I)],")


@pytest.mark.parametrize("typed", [
    SEED003_ANSWER,                               # was "(','): expected an operator or the end"
    f"$$ {SEED003_ANSWER} $$",
    SEED003_ANSWER[:-1] + ".",                    # was "('.'): this character is not part of"
    rf"\[ {SEED003_ANSWER[:-1]}. \]",
    rf"\begin{{align}} {SEED003_ANSWER} \end{{align}}",
])
def test_a_display_ending_its_sentence_reads_as_the_formula(typed):
    """Oracle: Desmos's published ∂O/∂w1 = 0.0014291881022."""
    verdict = check(desmos_named(), "w1", typed)
    assert verdict
    assert_close(verdict.formula_value, DESMOS, rel=1e-11)


@pytest.mark.parametrize("typed, token", [("w1, w2", "','"), ("w1. w2", "'.'"), ("w1,, ", "','")])
def test_punctuation_inside_a_formula_is_still_refused(typed, token):
    with pytest.raises(FormulaError, match=f"position 3 \\({token}\\)"):
        check(desmos_named(), "w1", typed)


# seed 000's "The gradients can be written as": both gradients in one align environment
SEED000_BOTH = (r"\begin{align} \frac{\partial L }{\partial w_2 } &=h\times {y}'(1-{y}')\times "
                r"({y}'-y) \\ " + SEED000_W1 + r" \end{align}")


@pytest.mark.parametrize("wrt, key", [("w1", "dw1"), ("w2", "dw2")])
def test_an_align_of_several_gradients_checks_the_line_about_wrt(wrt, key):
    """The block as the question has it was refused for w1 ('the left-hand side ... is with
    respect to w_2, but the node checked is w1') and read w2's line on into w1's for w2.
    Oracle: the hand formulas of seed 000."""
    L, _ = seed000()
    verdict = check(L, wrt, SEED000_BOTH)
    assert verdict and verdict.formula.lhs == ("L", wrt)
    assert_close(verdict.formula_value, seed000_hand()[key], rel=1e-14)
    assert "w_2 } &=h" not in str(verdict) if wrt == "w1" else "w_{1}" not in str(verdict)


def test_an_align_line_keeps_its_value_on_the_next_line_and_no_line_is_guessed():
    L, _ = seed000()
    hand = seed000_hand()["dw1"]
    stated = SEED000_BOTH.replace(r" \end{align}", rf" \\ &= {hand:.4g} \end{{align}}")
    verdict = check(L, "w1", stated)
    assert verdict and verdict.formula.stated == f"{hand:.4g}"
    refused = r"has 2 lines with a left-hand side \(\\frac.*none is with respect to .*, b;"
    with pytest.raises(FormulaError, match=refused):
        check(L, "b", SEED000_BOTH)


def seed002_latex_named():
    """Seed 002's network built by hand with the nodes named as the asker types them, in
    the asker's numbering (the weights into the hidden layer are w^1, into the output w^2)."""
    x = [Value(v, name=f"x_{k}") for k, v in enumerate(XS, 1)]
    y = Value(TARGET, name="y")
    a2 = []
    for j, (row, b) in enumerate(zip(W2, B2), 1):
        ws = [Value(v, name=f"w^1_{{{j}{k}}}") for k, v in enumerate(row, 1)]
        z = (ws[0] * x[0] + ws[1] * x[1] + Value(b, name=f"b_{j}")).named(f"z^2_{j}")
        a2.append(z.sigmoid().named(f"a^2_{j}"))
    w2 = [Value(v, name=f"w^2_{{1{k}}}") for k, v in enumerate(W3, 1)]
    z3 = (w2[0] * a2[0] + w2[1] * a2[1] + w2[2] * a2[2]).named("z^3_1")
    C = (0.5 * (z3.sigmoid().named("a^3") - y) ** 2).named("C")
    C.backward()
    return C


def test_nodes_named_as_latex_are_read_by_those_names():
    """Seed 002's asker names the nodes a^2_1, a^3, w^2_{11} as typed; the formula
    'a^2_1(a^3-y)\\sigma'(z^3_1)' was refused: "the formula's 'a' at position 1: no node
    named 'a'" (then at a^3).  Oracle: the formula by hand, and ∂C/∂w^2_{11} by hand."""
    C = seed002_latex_named()
    verdict = check(C, "w^2_{11}", r"a^2_1(a^3-y)\sigma'(z^3_1)")
    assert verdict and verdict.formula.reading() == "a^2_1·(a^3-y)·σ'(z^3_1)"
    assert_close(verdict.formula_value, nielsen_hand(), rel=1e-14)
    a2 = [s(sum(w * x for w, x in zip(row, XS)) + b) for row, b in zip(W2, B2)]
    a3 = s(sum(w * a for w, a in zip(W3, a2)))
    assert_close(read_formula("a^{2}_{1} + a^3 x_1", C).evaluate(), a2[0] + a3 * XS[0], rel=1e-14)
    with pytest.raises(FormulaError, match="'a' at position 1: no node named 'a'"):
        read_formula("a^4", C)


@pytest.mark.parametrize("wrt, typed", [
    ("y'", r"\frac{\partial L }{\partial {y}'} & =({y}'-y) \\"),     # seed 000's 'where' line
    ("y'", r"\frac{\partial L}{\partial { y }'} = {y}' - y"),
    ("y'", r"∂L/∂{y}' = y' - y"),
])
def test_a_left_side_with_a_braced_primed_name_reads(wrt, typed):
    """Seed 000 writes y' as {y}', also under \\partial: '\\frac{\\partial L }{\\partial {y}'}
    & =({y}'-y)' was refused with "∂ is read only in a left-hand side", about its own left
    side.  Oracle: ∂(½(y − y')²)/∂y' = y' − y, by hand."""
    from test_explain import Y
    L, _ = seed000()
    verdict = check(L, wrt, typed)
    assert verdict and verdict.formula.lhs == ("L", "y'")
    assert_close(verdict.formula_value, seed000_hand()["yp"] - Y, rel=1e-14)


def test_neuron_1_of_a_layer_named_as_a_whole_is_that_node():
    """Seed 002 names the output a^3 (a^3 = σ(z^3_1)) and then writes a^3_1 in its direct
    derivative, a^2_1(a^3_1-y)σ'(z^3_1): with a node named a^3 that was "no node named 'a'".
    Oracle: ∂C/∂w^2_{11} (the asker's numbering) by hand."""
    C = seed002_latex_named()
    verdict = check(C, "w^2_{11}", r"a^2_1(a^3_1-y)\sigma'(z^3_1)")
    assert verdict and verdict.formula.reading() == "a^2_1·(a^3-y)·σ'(z^3_1)"
    assert_close(verdict.formula_value, nielsen_hand(), rel=1e-14)
    with pytest.raises(FormulaError, match="'a3_2' at position 1: no node named 'a3_2'"):
        read_formula("a^3_2", C)


def test_an_align_of_local_derivatives_checks_the_line_about_the_root():
    """A derivation that first states the local derivative ∂y'/∂w_1, then ∂L/∂w_1, was
    refused for w1 ('the left-hand side \\frac{\\partial y'}{\\partial w_1} is a derivative
    of y', but the root is L'): the line about the root and wrt is the one read.  Oracle:
    the hand formula of seed 000."""
    L, _ = seed000()
    local = r"\frac{\partial y'}{\partial w_1} &= x h(1-h) w_2 y'(1-y') \\ "
    verdict = check(L, "w1", rf"\begin{{align}} {local}{SEED000_W1} \end{{align}}")
    assert verdict and verdict.formula.lhs == ("L", "w1")
    assert_close(verdict.formula_value, seed000_hand()["dw1"], rel=1e-14)


def test_a1_is_the_input_only_where_no_node_is_named_a_outside_the_layers():
    """a^1_1 reads as the input x1 in Nielsen's numbering; in a graph with a node named a
    (or a1_1, the first hidden layer counted from 1) it was still x1, silently: a·x1 with
    a = 2, x1 = 3 read 'a^1_1' as 3.  There it is refused (or is the node a1_1 itself).
    Oracle: the values by hand."""
    a, x1 = Value(2.0, name="a"), Value(3.0, name="x1")
    with pytest.raises(FormulaError):
        read_formula("a^1_1", (a * x1).named("o"))
    x = [Value(v, name=f"x{k}") for k, v in enumerate((0.5, -1.5, 2.0), 1)]
    hidden = [(x[0] * 0.3 + x[1] * k + x[2]).tanh().named(f"a1_{k}") for k in (1, 2)]  # from 1
    out = (hidden[0] - hidden[1]).named("a2_1")
    assert_close(read_formula("a^1_2", out).evaluate(), math.tanh(0.5 * 0.3 - 1.5 * 2 + 2.0),
                 rel=1e-15)
    with pytest.raises(FormulaError, match="no node named 'a1_3'"):
        read_formula("a^1_3", out)                 # not x3: layer 1 is the hidden layer here


def test_a_node_named_with_a_power_is_no_layer_where_its_letter_is_a_node():
    """a^3_1 reads as the node a^3 when its writer named a layer of one neuron a^3 (seed 002);
    in a graph where a is a node and a^2 its square, labelled so, 'a^2_1' was silently the
    node a^2 (4.0).  Such a text is refused; a^2 is still the node.  Oracle: a² by hand."""
    a = Value(2.0, name="a")
    o = ((a ** 2).named("a^2") * 0.5 + a).named("o")
    with pytest.raises(FormulaError, match="position 4"):
        read_formula("a^2_1", o)
    assert_close(read_formula("a^2 + a", o).evaluate(), 2.0 ** 2 + 2.0, rel=1e-15)


def test_an_unnamed_roots_left_side_is_what_the_learner_calls_it():
    """micrograd code labels the weights but not the output; the answer to seed 003 writes
    ∂O/∂w_1 = ... with the missing w4, w2, w5, w3 in \\mathbf. It was "names 'O', and no node
    has that name"; it is the root's derivative, and equals Desmos's 0.0014291881022."""
    I = Value(1.0, label="I")
    w1, w2, w3, w4, w5 = (Value(0.5, label=f"w{i}") for i in range(1, 6))
    O = (((I * w1 + 1).sigmoid() * w2 + 1).sigmoid() * w4
         + ((I * w1 + 1).sigmoid() * w3 + 1).sigmoid() * w5 + 1).sigmoid()
    O.backward()
    answer = (r"\frac{\partial O}{\partial w_1} =d(s(s(Iw_1+1)w_2+1)w_4+s(s(Iw_1+1)w_3+1)w_5+1)"
              r"⋅[(\mathbf{w_4}d(s(Iw_1+1)w_2+1)⋅\mathbf{w_2}d(Iw_1+1)⋅I)+(\mathbf{w_5}"
              r"d(s(Iw_1+1)w_3+1)⋅\mathbf{w_3}d(Iw_1+1)⋅I)],")
    verdict = check(O, w1, answer)
    assert verdict and abs(verdict.formula_value - DESMOS) < 1e-13
    with pytest.raises(FormulaError, match=r"is with respect to w_2, but the node checked is w1"):
        check(O, w1, r"\frac{\partial O}{\partial w_2} = I")
    named = O.named("out")                       # a named root still needs its own name
    with pytest.raises(FormulaError, match="names 'O', and no node has that name"):
        check(named, w1, answer)


@pytest.mark.parametrize("formula, token", [
    ("δ^2_1 x_1", "δ2_1"), ("x_1 δ²₁", "δ2_1"), (r"a^1_1 \delta^2_1", r"\delta"),
    ("delta2_1 * x1", "delta2_1")])
def test_nielsens_delta_in_a_formula_says_what_it_is_and_how_to_check_it(formula, token):
    """BP4 typed as ∂C/∂w²₁₁ = a¹₁ δ²₁ (seed 002) got 'no node named δ' or 'this LaTeX
    command is not read'. δ²₁ = ∂C/∂z²₁ is a gradient: the error says so, and checking it as
    z2_1's gradient works (oracle: BP1-BP2 by hand, δ²₁ = (a³₁ − y)σ'(z³₁)·w³₁₁·σ'(z²₁))."""
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    with pytest.raises(FormulaError) as err:
        check(C, "w2_11", formula)
    message = str(err.value)
    assert f"({token!r}): δ (Nielsen's δ^l_j = ∂C/∂z^l_j) is a gradient, not a node's value" \
        in message and "check(C, 'z2_1', value) for δ²₁" in message and "\n" not in message
    z21 = 0.1 * 0.6 - 0.3 * -0.4 + 0.1
    a2 = [s(z21), s(0.5 * 0.6 + 0.2 * -0.4), s(-0.6 * 0.6 + 0.4 * -0.4 - 0.1)]
    z31 = 0.7 * a2[0] - 0.2 * a2[1] + 0.3 * a2[2]
    delta21 = (s(z31) - 0.25) * s(z31) * (1 - s(z31)) * 0.7 * a2[0] * (1 - a2[0])
    assert check(C, "z2_1", delta21)


def test_a_percentage_after_a_formula_is_named():
    """'... = 0.143%' after a formula got "this character is not part of a formula"; the
    error now says a gradient is a plain number. The formula itself (the answer's, by hand
    Desmos's 0.0014291881022 = 0.143 %) written with = 0.00143 agrees."""
    O, n = seed003_for_percent()
    formula = "d(net4)·(w4·d(net2)·w2·d(net1)·I + w5·d(net3)·w3·d(net1)·I)"
    with pytest.raises(FormulaError, match=r"position \d+ \('%'\): a percentage is not read: a "
                                           r"gradient is a plain number \(0.143% is 0.00143\)"):
        check(O, n["w1"], formula + " = 0.143%")
    assert check(O, n["w1"], formula + " = 0.00143")


def seed003_for_percent():
    """Seed 003's network with its sums named net1-net4 (as the docs' desmos.py)."""
    I = Value(1.0, name="I")
    w1, w2, w3, w4, w5 = (Value(0.5, name=f"w{i}") for i in range(1, 6))
    h1 = (I * w1 + 1).named("net1").sigmoid()
    h2 = (h1 * w2 + 1).named("net2").sigmoid()
    h3 = (h1 * w3 + 1).named("net3").sigmoid()
    O = (h2 * w4 + h3 * w5 + 1).named("net4").sigmoid().named("O")
    O.backward()
    return O, {"w1": w1}


def test_explains_latex_of_unnamed_micrograd_code_checks_back():
    """Karpathy's neuron with no labels: explain's LaTeX begins
    \\frac{\\partial \\tanh(t_{3}+\\mathit{leaf}_{5})}{\\partial \\mathit{leaf}_{2}} =, and check
    refused it ('∂ is read only in a left-hand side'), though the docs say explain's LaTeX
    of unnamed micrograd-style code reads back.  Oracle: ∂o/∂w1 = x1·(1 − tanh²(n)) by hand."""
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    latex = explain(o, w1).latex()
    assert latex.startswith(r"\frac{\partial \tanh(")
    verdict = check(o, w1, latex)
    hand = 2.0 * (1 - math.tanh(2.0 * -3.0 + 6.8813735870195432) ** 2)
    assert verdict and verdict.formula_value == pytest.approx(hand, rel=1e-12)
    with pytest.raises(FormulaError, match="is with respect to"):
        check(o, x1, latex)                 # the side says leaf2 (w1): not x1's formula


def test_explains_latex_of_a_gradient_graph_checks_back():
    """explain(∂f/∂x, x).latex() begins \\frac{\\partial \\left(\\frac{\\partial f}{\\partial
    x}\\right)}{\\partial x} =, which check refused ('names \\left(...\\right), and no node
    has that name'): the root's own name as LaTeX writes it is the root.  Oracle, by hand
    for f = x²y + sin(xy): f_xx = 2y − y² sin(xy), f_xy = 2x + cos(xy) − xy sin(xy)."""
    from autograd import grad
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    f = (x ** 2 * y + (x * y).sin()).named("f")
    (fx,) = grad(f, x, create_graph=True)
    hand = {x: 2 * -1.3 - 1.3 ** 2 * math.sin(0.7 * -1.3),
            y: 2 * 0.7 + math.cos(0.7 * -1.3) - 0.7 * -1.3 * math.sin(0.7 * -1.3)}
    for wrt, value in hand.items():
        latex = explain(fx, wrt).latex()
        assert latex.startswith(r"\frac{\partial \left(\frac{\partial f}{\partial x}\right)}")
        verdict = check(fx, wrt, latex)
        assert verdict and verdict.formula_value == pytest.approx(value, rel=1e-12)
    with pytest.raises(FormulaError, match="no node has that name"):
        check(fx, x, r"\frac{\partial \left(\frac{\partial f}{\partial y}\right)}{\partial x} = 1")

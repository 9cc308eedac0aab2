"""One parser of the naming scheme, its three written forms, and find_node."""

import math
import os
import subprocess
import sys

import pytest

import nn
from autograd import Value, check, draw, explain, names
from autograd.draw import textbook_name
from autograd.explain import latex_name
from autograd.names import NodeNameError, find_node
from conftest import assert_close

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("name, text, html, latex", [
    ("w2_11", "w²₁₁", "w<SUP>2</SUP><SUB>11</SUB>", "w^{2}_{11}"),
    ("w2_1_12", "w²₁,₁₂", "w<SUP>2</SUP><SUB>1,12</SUB>", "w^{2}_{1,12}"),
    ("w3_16_12", "w³₁₆,₁₂", "w<SUP>3</SUP><SUB>16,12</SUB>", "w^{3}_{16,12}"),
    ("b3_1", "b³₁", "b<SUP>3</SUP><SUB>1</SUB>", "b^{3}_{1}"),
    ("z2_1", "z²₁", "z<SUP>2</SUP><SUB>1</SUB>", "z^{2}_{1}"),
    ("x1", "x₁", "x<SUB>1</SUB>", "x_{1}"),
    ("y2", "y₂", "y<SUB>2</SUB>", "y_{2}"),
    ("x1(2)", "x₁⁽²⁾", "x<SUB>1</SUB><SUP>(2)</SUP>", "x^{(2)}_{1}"),
    ("z2_1(3)", "z²₁⁽³⁾", "z<SUP>2</SUP><SUB>1</SUB><SUP>(3)</SUP>", "z^{2,(3)}_{1}"),
])
def test_the_three_forms_of_nielsen_names(name, text, html, latex):
    assert names.text(name) == text == textbook_name(name)
    assert names.html(name) == html == textbook_name(name, html_markup=True)
    assert names.latex(name) == latex == latex_name(name)


def test_the_worked_examples_names_are_drawn_as_typed_and_typeset_in_latex():
    for name, latex in (("w1", "w_{1}"), ("net2", "\\mathit{net}_{2}"), ("h1", "h_{1}"),
                        ("y'", "y'")):
        assert names.text(name) == name
        assert names.latex(name) == latex
    assert names.latex("my loss") == "\\mathrm{my\\ loss}"
    assert names.html("a<b") == "a&lt;b"


@pytest.mark.parametrize("name, html, latex", [
    ("x1\n", "x1␊", "\\mathrm{x1␊}"),
    ("w2_11\n", "w2_11␊", "\\mathrm{w2\\_11␊}"),
    ("x1(2)\n", "x1(2)␊", "\\mathrm{x1(2)␊}"),
    ("y'\n", "y&#x27;␊", "\\mathrm{y'␊}"),
    ("x١", "x١", "\\mathrm{x١}"),
    ("w٢_١١", "w٢_١١", "\\mathrm{w٢\\_١١}"),
])
def test_a_name_that_only_looks_like_the_scheme_is_written_as_typed(name, html, latex):
    """A final newline or non-ASCII digits are not Nielsen's names: "x1\\n" was typeset
    x₁, the same as the node x1 (a regex $ matches before a final newline)."""
    assert names.parse(name) is None
    assert names.text(name) == name
    assert names.html(name) == html
    assert names.latex(name) == latex


@pytest.mark.parametrize("name, text, html, latex", [
    ("w^1_{21}", "w¹₂₁", "w<SUP>1</SUP><SUB>21</SUB>", "w^{1}_{21}"),
    ("w^{3}_{11}", "w³₁₁", "w<SUP>3</SUP><SUB>11</SUB>", "w^{3}_{11}"),
    ("z^2_1", "z²₁", "z<SUP>2</SUP><SUB>1</SUB>", "z^{2}_{1}"),
    ("\\delta^2_1", "δ²₁", "δ<SUP>2</SUP><SUB>1</SUB>", "\\delta^{2}_{1}"),
    ("\\Delta w", "\\Delta w", "\\\\Delta w", "\\mathrm{\\backslash{}Delta\\ w}"),
    ("a^{(2)}_1", "a⁽²⁾₁", "a<SUP>(2)</SUP><SUB>1</SUB>", "a^{(2)}_{1}"),
    ("a^2_1(3)", "a²₁⁽³⁾", "a<SUP>2</SUP><SUB>1</SUB><SUP>(3)</SUP>", "a^{2}_{1}{}^{(3)}"),
    ("net_{2}", "net₂", "net<SUB>2</SUB>", "\\mathit{net}_{2}"),
    ("y_{out}", "y_{out}", "y<SUB>out</SUB>", "y_{out}"),
    ("\\sigma'", "σ'", "σ&#x27;", "\\sigma'"),
    ("x^{<&>}", "x^{<&>}", "x<SUP>&lt;&amp;&gt;</SUP>", "x^{<\\&>}"),
])
def test_a_name_written_as_latex_is_set_as_latex_sets_it(name, text, html, latex):
    """A node named the way LaTeX writes it (w^1_{21}, \\delta^2_1) is drawn, printed and
    written in LaTeX as the textbook sets it, w¹₂₁, δ²₁; digits it cannot raise or
    lower in plain text (y_{out}) leave the text as typed.  Oracle: the forms written
    out by hand."""
    assert names.text(name) == text
    assert names.html(name) == html
    assert names.latex(name) == latex



@pytest.mark.parametrize("output, shown", [
    ("(a", "\\mathrm{(a}"),                 # was \left(\mathrm{}\right): the a was lost
    ("(a}", "\\mathrm{(a\\}}"),             # was \left(a\right): the } was lost
    ("a b", "\\left(\\mathrm{a\\ b}\\right)"),   # gradient_name's own brackets stay
])
def test_a_gradient_of_an_output_named_with_a_bracket_keeps_the_name_in_latex(output, shown):
    """grad(..., create_graph=True) names the gradient of an output "(a" ∂(a/∂x; its
    LaTeX read the "(" as gradient_name's bracket and wrote ∂(a as \\left(\\mathrm{}\\right).
    Oracle: the LaTeX written out by hand; d = 2x, so ∂d/∂x = 2."""
    from autograd import grad
    x = Value(2.0, name="x")
    (d,) = grad((x * x).named(output), x, create_graph=True)
    d.backward()
    tex = explain(d, x).latex()
    assert tex.startswith(f"\\frac{{\\partial \\left(\\frac{{\\partial {shown}}}{{\\partial x}}"
                          f"\\right)}}{{\\partial x}} = ")
    assert tex.endswith(" = 2")


def test_a_gradient_name_ending_in_a_newline_shows_it_in_latex():
    """∂L/∂x␊ (the gradient of a node named "x\\n") was written as ∂L/∂x: the regex's $
    matched before the newline and the rest was dropped.  Oracle: written by hand."""
    assert names.latex("∂L/∂x\n") == "\\frac{\\partial L}{\\partial \\mathrm{x␊}}"
    assert names.latex("∂L/∂w1") == "\\frac{\\partial L}{\\partial w_{1}}"

@pytest.mark.parametrize("name", ["x_i", "w_1", "my_var", "a^", "w^{1", "\\N", "\\hat{y}",
                                  "learning_rate"])
def test_a_name_latex_would_not_set_differently_is_drawn_as_typed(name):
    """Only an unmistakable LaTeX name (a ^, a brace, a Greek letter's command) is set:
    x_i stays x_i, as the worked examples' w_1 does, and half-written LaTeX as typed.
    Oracle: the name itself."""
    assert names.text(name) == name
    assert names.html(name) == names.graphviz_html(name)


def test_nn_latex_name_is_the_same_function_on_nn_names():
    net = nn.MLP([2, 16, 1], seed=0)
    for name in net.named_parameters():
        assert nn.latex_name(name) == names.latex(name)
    assert nn.latex_name("w2_1_12") == names.latex("w2_1_12") == "w^{2}_{1,12}"


def two_z2_1():
    """The loss of two forward passes of one network: every z and a name twice."""
    net = nn.MLP([1, 1, 1], seed=2)
    loss = nn.half_squared_error(net([0.5]), [1.0]) + nn.half_squared_error(net([-0.5]), [0.0])
    return net, loss


def test_find_node_refuses_an_ambiguous_name_and_lists_the_names():
    net, loss = two_z2_1()
    from autograd.engine import all_nodes
    with pytest.raises(NodeNameError, match=r"2 nodes are named 'z2_1'.*named nodes: .*w2_11"):
        find_node(all_nodes(loss), "z2_1", "explain")
    with pytest.raises(NodeNameError, match=r"no node named .q.*named nodes: .*b2_1, b3_1"):
        find_node(all_nodes(loss), "q", "explain")
    assert find_node(all_nodes(loss), "w2_11", "explain") is net.parameter("w2_11")


@pytest.mark.parametrize("call", [
    lambda loss: explain(loss, "z2_1"),
    lambda loss: check(loss, "z2_1", 0.1),
    lambda loss: draw(loss, highlight="z2_1"),
    lambda loss: loss.backward(breakpoint_at="z2_1"),
])
def test_every_lookup_refuses_the_ambiguous_name(call):
    _, loss = two_z2_1()
    with pytest.raises(NodeNameError, match="2 nodes are named 'z2_1'") as info:
        call(loss)
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)


def test_the_command_line_refuses_the_ambiguous_name(tmp_path):
    script = tmp_path / "twice.py"
    script.write_text(
        "import nn\n"
        "net = nn.MLP([1, 1, 1], seed=2)\n"
        "C = nn.half_squared_error(net([0.5]), [1.0]) + nn.half_squared_error(net([-0.5]), [0.0])\n"
        "C.backward()\n")
    for command in (["explain", str(script), "--wrt", "z2_1"],
                    ["check", str(script), "--wrt", "z2_1", "--expected", "0.1"],
                    ["step", str(script), "--stop-at", "z2_1"]):
        r = subprocess.run([sys.executable, "-c", "import sys; from autograd.cli import main; "
                            "sys.exit(main())", *command], capture_output=True, text=True,
                           cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=60)
        assert r.returncode in (1, 2), (command, r.stdout, r.stderr)
        err = r.stderr.strip()
        assert len(err.splitlines()) == 1, err
        assert "2 nodes are named 'z2_1'" in err and "w2_11" in err, err
    ok = subprocess.run([sys.executable, "-c", "import sys; from autograd.cli import main; "
                         "sys.exit(main())", "explain", str(script), "--wrt", "w2_11"],
                        capture_output=True, text=True, cwd=ROOT,
                        env=dict(os.environ, PYTHONPATH=ROOT), timeout=60)
    assert ok.returncode == 0 and "w2_11 reaches" in ok.stdout


def test_a_node_named_once_is_found_in_every_consumer():
    w = Value(0.5, name="w")
    y = (w * w).named("y")
    assert explain(y, "w").total == 1.0
    assert draw(y, highlight="w").source


def test_the_names_listed_by_a_lookup_error_keep_it_one_line():
    """A name with a newline or a terminal escape is listed as its picture (␊, ␛):
    the error stays one line and moves no cursor."""
    x = Value(0.5, name="x")
    w = Value(-0.3, name="w\nFAKE LINE\x1b[31m")
    y = (x * w).named("z\r")
    with pytest.raises(NodeNameError) as caught:
        check(y, "nope", 1.0)
    assert str(caught.value) == ("check: no node named 'nope' in this graph; named nodes: "
                                 "w␊FAKE LINE␛[31m, x, z␍")


def test_a_node_is_found_by_the_forms_the_answers_print_it_in():
    """The convention finding says 'This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁'; asking check() about
    w³₁₁ as printed (or as the LaTeX w^{3}_{11} a post writes) said "no node named".
    Oracle, by hand: ∂C/∂w³₁₁ = a²₁ (a³₁ − y) σ'(z³₁) for C = ½ (a³₁ − y)²."""
    import math
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    s = lambda z: 1 / (1 + math.exp(-z))      # noqa: E731
    a2 = [s(0.1 * 0.6 + 0.3 * 0.4 + 0.1), s(0.5 * 0.6 - 0.2 * 0.4), s(-0.6 * 0.6 - 0.4 * 0.4 - 0.1)]
    a3 = s(0.7 * a2[0] - 0.2 * a2[1] + 0.3 * a2[2])
    hand = a2[0] * (a3 - 0.25) * a3 * (1 - a3)
    said = check(C, "w2_11", hand).headline()
    assert said.startswith("This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁")
    for spelled in ("w³₁₁", "w^{3}_{11}", "w^3_11"):
        assert check(C, spelled, hand), spelled
        assert explain(C, spelled).engine == pytest.approx(hand, rel=1e-12)
    assert names.plain("w³₁₆,₁₂") == "w3_16_12" and names.plain("w₁") == "w1"
    assert names.plain("net_{2}") == "net_2" and names.plain("y'") == "y'"
    with pytest.raises(NodeNameError, match="no node named 'w⁴₁₁'"):
        check(C, "w⁴₁₁", hand)


def test_the_command_line_finds_a_node_by_its_printed_form(tmp_path, capsys):
    """chainrule explain --wrt 'w³₁₁' (as check's finding prints it) said 'no node named'.
    Oracle: C = ½ (a³₁ − y)² with a²₁ = 0.5 fixed, w³₁₁ = 0.4: ∂C/∂w³₁₁ = a²₁(a³₁ − y)σ'(z³₁)."""
    import math
    from autograd.cli import main
    script = tmp_path / "one.py"
    script.write_text("from autograd import Value\n"
                      "a = Value(0.5, name='a2_1')\n"
                      "w = Value(0.4, name='w3_11')\n"
                      "C = (0.5 * ((a * w).named('z3_1').sigmoid().named('a3_1') - 0.25) ** 2)"
                      ".named('C')\n"
                      "C.backward()\n")
    a3 = 1 / (1 + math.exp(-0.2))
    hand = 0.5 * (a3 - 0.25) * a3 * (1 - a3)
    assert main(["explain", str(script), "--wrt", "w³₁₁"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("∂C/∂w3_11 = ") and float(head.split()[2]) == pytest.approx(hand, 1e-11)


@pytest.mark.parametrize("typed, z", [("δ²₁", "z2_1"), ("δ2_1", "z2_1"), ("delta3_1", "z3_1"),
                                      ("δ3", "z3_1")])
def test_a_delta_typed_for_a_node_points_to_its_z(typed, z):
    """Nielsen's δ^l_j is not a node but the grad of z^l_j (BP1-BP2): a learner who types
    it (breakpoint_at, explain) is told which z to name.  Oracle: the naming scheme by
    hand, δ²₁ = ∂C/∂z²₁; z's grad after backward() is C'(a³₁)·σ'(z) chained by hand."""
    import nn
    net = nn.MLP([2, 3, 1], seed=0)
    C = nn.half_squared_error(net([1.0, 0.0]), [1.0])
    with pytest.raises(NodeNameError, match=rf"\(δ is not a node but the grad of a z: did you mean {z}\?"):
        C.backward(breakpoint_at=typed)
    C.backward()
    a3 = net.layers[-1].a[0].data
    assert net.layers[-1].z[0].grad == pytest.approx((a3 - 1.0) * a3 * (1 - a3), rel=1e-13)


def test_a_long_name_asked_for_is_cut_and_counted_in_its_own_characters():
    """Oracle: the name's length, counted by hand (4,000 two-character lines: 8,000).
    The name asked for was cut as its repr, counted with its quotes and escapes
    ('… (12,002 characters)', the closing quote lost); now the name itself is, quoted."""
    from autograd.names import LISTED_NAME, no_node_named
    name = "y\n" * 4000
    message = no_node_named(name, {}, "this graph")
    assert message.startswith(f"no node named {name[:LISTED_NAME] + '…'!r} (8,000 characters) "
                              f"in this graph"), message[:300]
    assert no_node_named("W9", {}, "this graph").startswith("no node named 'W9' in this graph")


def test_a_network_run_per_sample_as_micrograds_loop_is_told_to_number_the_samples():
    """micrograd's loop, ypred = [net(x) for x in xs] then loss = Σ (yout - ygt)², names
    every sample's z and a alike, and explain(loss, 'z3_1') said '... pass the Value itself
    or give the nodes different names', as for two nodes a person named alike.  It now says
    how: net.batch(X) or net(x, sample=i), as the matrix questions do; following it, each
    sample's δ agrees with the hand value ∂loss/∂z³₁⁽ⁱ⁾ = 2(a_i - y_i)(1 - a_i²)."""
    xs, ys = [0.5, -1.0, 2.0], [1.0, -1.0, 1.0]

    def net():
        return nn.MLP([1, 1, 1], activation="tanh", weights=[[[0.5]], [[-1.5]]],
                      biases=[[0.1], [0.2]])

    def hand(x, y):                                   # the forward pass by hand, then δ
        a = math.tanh(-1.5 * math.tanh(0.5 * x + 0.1) + 0.2)
        return 2 * (a - y) * (1 - a * a)

    lecture = net()
    ypred = [lecture([x]) for x in xs]
    loss = sum((yout - ygt) ** 2 for ygt, [yout] in zip(ys, ypred))
    for call in (lambda: explain(loss, "z3_1"), lambda: check(loss, "a2_1", "0.1")):
        with pytest.raises(NodeNameError) as info:
            call()
        text = str(info.value)
        assert "3 nodes are named" in text and "pass the Value itself" not in text
        assert "run them with net.batch(X) (or net(x, sample=i))" in text
    numbered = net()
    ypred = [numbered([x], sample=i) for i, x in enumerate(xs, 1)]
    loss = sum((yout - ygt) ** 2 for ygt, [yout] in zip(ys, ypred))
    for i, (x, y) in enumerate(zip(xs, ys), 1):
        assert_close(explain(loss, f"z3_1({i})").total, hand(x, y), rel=1e-12)
        assert check(loss, f"z3_1({i})", f"{hand(x, y):.6g}")
    # a name a person gave two nodes keeps the general advice
    a, b = Value(1.0, name="w"), Value(2.0, name="w")
    with pytest.raises(NodeNameError, match="pass the Value itself"):
        explain((a * b).named("L"), "w")


FULL_WIDTH_SCRIPT = ("from autograd import Value\n"
                     "ｘ = Value(2.0)\n"                      # Python stores it as x (NFKC)
                     "w = Value(3.0, name='w')\n"
                     "ｍｉｎｅ = 2 * 2.0 * 3.0 ** 2\n"          # and this as mine
                     "L = ((ｘ * w) ** 2).named('L')\n"
                     "L.backward()\n")


@pytest.mark.parametrize("typed", ["ｘ", "𝑥", "x"])
def test_a_name_typed_as_the_script_wrote_it_finds_the_node_python_made(tmp_path, capsys, typed):
    """A script line ｘ = Value(...) (full-width x) is the variable x to Python (identifiers
    are NFKC-normalised), but --wrt ｘ said "no node named 'ｘ' in the graph of fw.py; named
    nodes: L, w, x".  Now ｘ, 𝑥 and x all find it, on the command line (--wrt, and a
    variable for --expected) and in check().  By hand: L = (x·w)², ∂L/∂x = 2xw² = 36."""
    from autograd.cli import main
    script = tmp_path / "fw.py"
    script.write_text(FULL_WIDTH_SCRIPT, encoding="utf-8")
    assert main(["check", str(script), "--wrt", typed, "--expected", "36"]) == 0
    assert capsys.readouterr().out.startswith("Agrees")
    assert main(["check", str(script), "--wrt", typed, "--expected", "ｍｉｎｅ"]) == 0
    assert main(["check", str(script), "--wrt", typed, "--expected", "35"]) == 1
    assert main(["explain", str(script), "--wrt", typed]) == 0
    capsys.readouterr()
    x, w = Value(2.0, name="x"), Value(3.0, name="w")
    L = (x * w) ** 2
    L.backward()
    assert check(L, typed, "36")
    assert names.find_node([L, x, w], typed, "test") is x


def test_a_name_python_reads_as_itself_still_differs():
    """Only identifiers are read as Python reads them: w₁ is no identifier (it is w1 as
    the answers print it, as before), and the NFC-only spellings stay as they were."""
    assert names.identifier("ｘ") == "x" and names.identifier("Ｗ1") == "W1"
    assert names.identifier("w₁") == "w₁" and names.identifier("y'") == "y'"
    assert names.spelling("w₁") == names.spelling("w1")
    assert names.spelling("ｗ1") == names.spelling("w1")
    assert names.spelling("x") != names.spelling("y")

"""Matrix questions: networks from printed matrices, matrix checks and their diagnoses,
and naming-convention mistakes, against hand-written numpy backprop and PyTorch."""

import math
import re

import pytest

import nn
from autograd.check import check
from autograd.matrix_formula import MatrixFormulaError

np = pytest.importorskip("numpy")

# The mini-batch blog's 2-3-1 network, samples as rows (its W1 is inputs × outputs)
X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
Y = [[1.0], [0.0], [0.0], [1.0]]
W1 = [[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]]
b1 = [[0.0, 0.1, -0.2]]
W2 = [[0.8], [-0.6], [0.4]]
b2 = [[-0.1]]
BLOG_W1 = "((((1/m (o_2 - Y) ⊙ (o_2 ⊙ (1 - o_2))) × W_2^T) ⊙ o_1 ⊙ (1 - o_1))^T × X)^T"
BLOG_W2 = "((1/m (o_2 - Y) ⊙ (o_2 ⊙ (1 - o_2)))^T × o_1)^T"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def numpy_backprop(X, Y, W1, b1, W2, b2):
    """The blog's mean cost 1/(2m) Σ (A2 − Y)², backprop written out by hand in numpy."""
    X, Y = np.array(X), np.array(Y)
    W1, b1, W2, b2 = map(np.array, (W1, b1, W2, b2))
    m = len(X)
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    d2 = (A2 - Y) / m * A2 * (1 - A2)
    d1 = (d2 @ W2.T) * A1 * (1 - A1)
    return {"W1": X.T @ d1, "b1": d1.sum(axis=0, keepdims=True), "W2": A1.T @ d2,
            "b2": d2.sum(axis=0, keepdims=True), "d1": d1, "d2": d2, "A1": A1}


def blog():
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), Y)
    cost.backward()
    return net, cost


def test_from_matrices_keeps_nielsen_names_and_the_layout():
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    p = net.named_parameters()
    for k in range(2):
        for j in range(3):
            assert p[f"w2_{j + 1}{k + 1}"].data == W1[k][j]      # the blog's W1[k, j] = w²_jk
    assert p["w3_12"].data == W2[1][0] and p["b3_1"].data == b2[0][0]
    mats = net.matrices()
    assert list(mats) == ["W1", "b1", "W2", "b2"]
    assert mats["W1"].tolist() == W1 and mats["b1"].tolist() == b1
    columns = net.matrices(layout="columns")
    assert list(columns) == ["W2", "b2", "W3", "b3"]
    assert columns["W2"].tolist() == np.array(W1).T.tolist()
    assert columns["b2"].shape == (3, 1)
    again = nn.MLP.from_matrices([columns["W2"], columns["W3"]], [columns["b2"], columns["b3"]])
    assert again.matrices(layout="rows")["W1"].tolist() == W1



def test_from_matrices_takes_a_constant_bias():
    """Found by building Mazur's network (constant biases 0.35 and 0.60) from its
    matrices: from_matrices(..., bias=[0.35, 0.60]) raised "nn.layers.MLP() got
    multiple values for keyword argument 'bias'".  Oracle: Mazur's published
    E_total = 0.298371109 for the input (0.05, 0.10) and targets (0.01, 0.99)."""
    W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]   # w1 w2 / w3 w4, ...
    net = nn.MLP.from_matrices(W, bias=[0.35, 0.60])
    assert len(net.parameters()) == 8
    E_total = nn.half_squared_error(net([0.05, 0.10]), [0.01, 0.99])
    assert round(E_total.data, 9) == 0.298371109
    with pytest.raises(ValueError, match=r"^from_matrices: give biases .* or bias=.*, not both$"):
        nn.MLP.from_matrices(W, [[0.1, 0.2], [0.3, 0.4]], bias=1.0)


def test_from_matrices_names_an_array_that_is_not_a_list_of_matrices_in_one_line():
    """Found by passing np.ones((2, 2, 2)): the message held the array's repr, over
    five lines."""
    for weights in (np.ones((2, 2, 2)), np.ones((2, 2))):
        with pytest.raises(TypeError) as caught:
            nn.MLP.from_matrices(weights)
        assert "\n" not in str(caught.value)
        assert "ndarray of shape" in str(caught.value)

def test_gradient_matrices_are_hand_written_numpy_backprop():
    net, _ = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    grads = net.gradient_matrices()
    for name in ("W1", "b1", "W2", "b2"):
        assert grads[name].shape == hand[name].shape
        assert np.allclose(grads[name], hand[name], rtol=1e-12, atol=1e-15)
    assert np.allclose(net.gradient_matrices("columns")["W2"], hand["W1"].T, rtol=1e-12)


def test_gradient_matrices_are_pytorchs():
    torch = pytest.importorskip("torch")
    net, _ = blog()
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
         for k, v in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    x, y = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    out = torch.sigmoid(torch.sigmoid(x @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"])
    (((out - y) ** 2).sum() / (2 * len(X))).backward()
    grads = net.gradient_matrices()
    for name, tensor in t.items():
        assert np.allclose(grads[name], tensor.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_typed_matrix_agrees_to_the_digits_typed():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    typed = [[f"{v:.3g}"] for v in hand[:, 0]]
    verdict = check(cost, "W2", typed)
    assert verdict
    assert str(verdict).splitlines()[0] == (
        "Your ∂C/∂W2 agrees with the engine's in all 3 entries (each to the digits you typed).")
    wrong = [row[:] for row in typed]
    wrong[1][0] = "0.00950"
    verdict = check(cost, "W2", wrong)
    assert not verdict and verdict.agree == [[True], [False], [True]]
    assert "1 of 3 entries" in str(verdict) or "2 of 3 entries agree" in str(verdict)


def test_the_blogs_formulas_as_typed():
    _, cost = blog()
    assert check(cost, "W2", BLOG_W2)
    assert check(cost, "W1", BLOG_W1)
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    verdict = check(cost, "W1", BLOG_W1)
    assert np.allclose(verdict.expected, hand["W1"], rtol=1e-12)


@pytest.mark.parametrize("formula, words", [
    (BLOG_W1[:-2], "transposed"),                                        # the last ^T left out
    (BLOG_W1.replace("1/m ", ""), "1/m is missing"),
    ("delta2 = (A2 - Y)/m * σ'(Z2); delta1 = (delta2 @ W2.T); X.T @ delta1", "σ'(Z1) factor is missing"),
    ("delta2 = (A2 - Y)/m; A1.T @ delta2", "σ'(Z2) factor is missing"),
    ("delta2 = (Y - A2)/m * σ'(Z2); A1.T @ delta2", "every entry has the wrong sign"),
    ("delta2 = (Y - A2) * σ'(Z2); A1.T @ delta2", "wrong sign: the error is written Y − A where "
                                                 "BP1's ∇_a C needs A − Y; every entry is m = 4"),
])
def test_matrix_mistakes_are_named(formula, words):
    _, cost = blog()
    wrt = "W2" if formula.endswith("delta2") else "W1"
    verdict = check(cost, wrt, formula)
    assert not verdict
    assert words in verdict.finding


def test_a_hand_matrix_with_every_sign_flipped_is_named_as_the_scalar_check_names_it():
    """The hand-written numpy backprop (the oracle) negated, as (y − a) for (a − y)
    gives it: the matrix check names the sign, as the scalar check does for one entry."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    verdict = check(cost, "W1", -hand["W1"])
    assert not verdict and "every entry has the wrong sign" in verdict.finding
    assert check(cost, "w2_11", -hand["W1"][0, 0]).diagnosis.kind == "sign flip"


def test_bias_not_summed_and_wrong_axis():
    _, cost = blog()
    d1 = "((1/m (o_2 - Y) ⊙ (o_2 ⊙ (1 - o_2))) × W_2^T) ⊙ o_1 ⊙ (1 - o_1)"
    assert check(cost, "b1", f"sum({d1}, axis=0)")
    assert "not summed over the batch" in check(cost, "b1", d1).finding
    assert "wrong axis" in check(cost, "b1", f"sum({d1}, axis=1)").finding
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    typed = [[f"{v:.4g}" for v in hand["b1"][0]]]
    assert check(cost, "b1", typed)


def test_product_in_the_wrong_order_explained_in_the_layout():
    _, cost = blog()
    verdict = check(cost, "W2", "delta2 = (A2 - Y)/m * σ'(Z2); delta2 @ A1.T")
    assert not verdict
    assert "delta2 is 4×1 (one row per sample)" in verdict.finding
    assert "A1ᵀ @ delta2 fits, giving 3×1" in verdict.finding
    verdict = check(cost, "W1", "delta2 = (A2 - Y)/m * σ'(Z2); delta1 = (delta2 @ W2) * σ'(Z1); X.T @ delta1")
    assert "delta2 @ W2ᵀ fits" in verdict.finding and "weights transposed" in verdict.finding


def test_untransposed_weights_in_bp2_on_a_square_layer():
    weights = [[[0.3, -0.2], [0.5, 0.1]], [[0.4, -0.7], [0.2, 0.6]]]
    net = nn.MLP.from_matrices(weights, [[[0.1, -0.1]], [[0.0, 0.2]]], layout="rows")
    Xs, Ys = [[0.5, 1.0], [-1.0, 0.3]], [[1.0, 0.0], [0.0, 1.0]]
    cost = nn.half_squared_error(net.batch(Xs), Ys, reduction="sum")
    cost.backward()
    Xa, Ya, (Wa, Wb) = np.array(Xs), np.array(Ys), map(np.array, weights)
    A1 = sigmoid(Xa @ Wa + [0.1, -0.1])
    A2 = sigmoid(A1 @ Wb + [0.0, 0.2])
    d2 = (A2 - Ya) * A2 * (1 - A2)
    mistaken = Xa.T @ ((d2 @ Wb) * A1 * (1 - A1))            # BP2 without the transpose
    verdict = check(cost, "W1", [[f"{v:.5g}" for v in row] for row in mistaken])
    assert not verdict and "without the transpose" in verdict.finding
    right = Xa.T @ ((d2 @ Wb.T) * A1 * (1 - A1))
    assert check(cost, "W1", right.tolist())
    verdict = check(cost, "W1", typed_matrix(A1.T @ d2))           # W2's gradient, asked as W1
    assert verdict.finding == ("This is ∂C/∂W2, not ∂C/∂W1: your numbers are that matrix's gradient; "
                               "ask for 'W2'.")


def test_columns_layout_nielsen_notation_and_latex():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    d3 = "δ^{3} = 1/m (a^{3} - y) ⊙ σ'(z^{3})"
    verdict = check(cost, "W3", f"{d3}; δ^{{3}} (a^{{2}})^T", layout="columns")
    assert verdict and np.allclose(verdict.expected, hand["W2"].T, rtol=1e-12)
    latex = (r"\boldsymbol{\delta}_2 = \frac{1}{m}(\mathbf{a}_2 - \mathbf{y}) \odot \sigma'(\mathbf{z}_2);"
             r" \mathbf{a}_1^T \boldsymbol{\delta}_2")
    assert check(cost, "W2", latex)
    assert check(cost, "b2", r"\boldsymbol{\delta}_2 = \frac{1}{m}(\mathbf{a}_2 - \mathbf{y}) \odot "
                             r"\sigma'(\mathbf{z}_2); \sum \boldsymbol{\delta}_2")


def test_a_layer_as_wrt():
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    assert check(cost, net.layers[0], hand["W1"])
    assert check(cost, net.layers[0], hand["b1"]).name == "b1"


def test_the_nielsen_index_question():
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    a21 = net.layers[0].a[0].data
    a3, z3 = net.layers[1].a[0].data, net.layers[1].z[0].data
    by_hand = a21 * (a3 - 0.25) * sigmoid(z3) * (1 - sigmoid(z3))     # the asker's ∂C/∂w³₁₁
    sentence = ("This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁: in Nielsen's numbering the input layer is "
                "layer 1, so the weight into the output layer is w³.")
    for given in (f"{by_hand:.6g}", "a2_1*(a3_1-y)*σ'(z3_1)"):
        verdict = check(C, "w2_11", given)
        assert not verdict and str(verdict).startswith(sentence)
    assert check(C, "w3_11", f"{by_hand:.6g}")
    w2_12 = net.named_parameters()["w2_12"].grad
    swapped = check(C, "w2_21", f"{w2_12:.6g}")
    assert str(swapped).startswith("This is ∂C/∂w²₁₂, not ∂C/∂w²₂₁: in Nielsen's w^l_jk, j is")


def blog_script(tmp_path):
    """A learner's script of the blog's 2-3-1 network in the rows layout, with its
    mean cost's backward(), written to tmp_path/blog.py."""
    script = tmp_path / "blog.py"
    script.write_text(
        "import nn\n"
        f"net = nn.MLP.from_matrices([{W1!r}, {W2!r}], [{b1!r}, {b2!r}], layout='rows')\n"
        f"cost = nn.half_mean_squared_error(net.batch({X!r}), {Y!r})\n"
        "cost.backward()\n")
    return script


def test_cli_checks_matrices_and_names_the_convention(tmp_path, capsys):
    from autograd.cli import main
    script = blog_script(tmp_path)
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    typed = "[" + ", ".join(f"[{v:.3g}]" for v in hand[:, 0]) + "]"
    assert main(["check", str(script), "--wrt", "W2", "--expected", typed]) == 0
    assert capsys.readouterr().out.startswith("Your ∂C/∂W2 agrees with the engine's in all 3")
    assert main(["check", str(script), "--wrt", "W1", "--formula", BLOG_W1[:-2]]) == 1
    assert "transposed" in capsys.readouterr().out.splitlines()[0]
    nielsen = tmp_path / "nielsen.py"
    nielsen.write_text(
        "import nn\n"
        "net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],"
        " [[0.1, 0.0, -0.1], None])\n"
        "C = nn.half_squared_error(net([0.6, -0.4]), [0.25])\n"
        "C.backward()\n")
    assert main(["check", str(nielsen), "--wrt", "w2_11", "--expected", "0.047541"]) == 1
    assert capsys.readouterr().out.startswith("This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁")


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"W2 must be 3 × n .*it is 1×3, which fits transposed"):
        nn.MLP.from_matrices([W1, [[0.8, -0.6, 0.4]]], layout="rows")
    with pytest.raises(ValueError, match="row 2 has 2 entries but row 1 has 3"):
        nn.MLP.from_matrices([[[0.2, -0.4, 0.6], [-0.5, 0.3]], W2], layout="rows")
    with pytest.raises(TypeError, match="row 1, column 2"):
        nn.MLP.from_matrices([[[0.2, "x", 0.6], [-0.5, 0.3, 0.1]], W2], layout="rows")
    _, cost = blog()
    with pytest.raises(ValueError, match="row 2, column 1"):
        check(cost, "W2", [["0.004"], ["abc"], ["0.007"]])
    with pytest.raises(ValueError, match="row 3 has 2 entries"):
        check(cost, "W2", [[1.0], [2.0], [3.0, 4.0]])
    with pytest.raises(MatrixFormulaError, match=r"'q' is not bound .* X, Y, Z1, Z2, A0, A1, A2, W1, W2, b1, b2, m"):
        check(cost, "W2", "A1.T @ q")
    with pytest.raises(ValueError, match=r"the network's matrices \(rows layout\): W1, b1, W2, b2 "
                                               r"\(W1 holds w\^2_jk\)$"):
        check(cost, "W3", [[1.0]])
    verdict = check(cost, "W1", [[1.0, 2.0], [3.0, 4.0]])
    assert not verdict and "has W1's shape 2×3 (inputs × outputs" in verdict.finding
    before = {p.name: (p.data, p.grad) for p in nn.MLP.parameters(blog()[0])}
    assert all(math.isfinite(d) for d, _ in before.values())


def test_explain_an_entry_is_bp4_over_the_samples():
    from autograd.explain import explain
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    explanation = explain(cost, net.layers[0], entry=(1, 2))          # w²₁₂ = the blog's W1[2, 1]
    for (_, a, d), x, delta in zip(explanation.terms, X, hand["d1"][:, 0]):
        assert a == x[1] and math.isclose(d, delta, rel_tol=1e-12)
    assert math.isclose(explanation.total, hand["W1"][1, 0], rel_tol=1e-12)
    text = str(explanation)
    assert "W2[1,2] in the columns layout (Nielsen), W1[2,1] in the rows layout" in text
    assert "BP2: δ²₁ = (Σ_q w³_q₁ δ³_q) · σ'(z²₁)" in text
    assert "dC_dW2 = delta2 @ a1.T" in text and "delta2 = (W3.T @ delta3)" in text
    with pytest.raises(ValueError, match="j in 1..3 and k in 1..2"):
        explain(cost, net.layers[0], entry=(4, 1))


def test_draw_matrices_shows_shapes_numbers_and_bp_factors():
    pytest.importorskip("graphviz")
    from autograd.matrix_draw import draw_matrices
    _, cost = blog()
    source = draw_matrices(cost).source
    for words in ("Z1 = X W1 + b1", "4×3", "A2 = σ(Z2)", "BP2: δ · W2ᵀ", "BP1: ⊙ σ'(Z2)",
                  "BP4: A1ᵀ · δ", "BP3: Σ samples δ", "0.00403"):
        assert words in source
    columns = draw_matrices(cost, layout="columns").source
    assert "Z2 = W2 X + b2" in columns and "BP2: W3ᵀ · δ" in columns


def test_a_failed_check_leaves_every_grad_as_it_was():
    net, cost = blog()
    before = [(p.data, p.grad) for p in net.parameters()]
    with pytest.raises(MatrixFormulaError):
        check(cost, "W1", "X.T @ nothing")
    check(cost, "W1", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert [(p.data, p.grad) for p in net.parameters()] == before


def test_matrices_without_numpy_are_lists(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "numpy", None)
    net, _ = blog()
    assert net.matrices()["W1"] == W1 and isinstance(net.gradient_matrices()["b2"], list)


def test_matrix_text_keeps_the_digits_typed():
    from autograd.matrix_form import read_matrix_text
    assert read_matrix_text("[[0.0040, 1e-3], [−2, .5]]") == [["0.0040", "1e-3"], ["−2", ".5"]]
    assert read_matrix_text("[1 2; 3 4]") == [["1", "2"], ["3", "4"]]
    with pytest.raises(ValueError, match="brackets"):
        read_matrix_text("[[1, 2], [3, 4]")


def test_another_matrix_by_its_layout_name():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    # the blog's W2 (3×1, rows layout) asked as Nielsen's W3, typed as Nielsen's row: fine
    assert check(cost, "W3", [[f"{v:.4g}" for v in hand["W2"][:, 0]]], layout="columns")
    # ... but asked as "W2" in the columns layout it is W3 there
    verdict = check(cost, "W2", [[f"{v:.4g}" for v in hand["W2"][:, 0]]], layout="columns")
    assert verdict.finding.startswith(
        "This is ∂C/∂W3, not ∂C/∂W2: in the columns layout the matrices are numbered by the "
        "layer the weights lead into")
    verdict = check(cost, "W2", typed_matrix(hand["W1"]))
    assert verdict.finding.startswith("This is ∂C/∂W1, not ∂C/∂W2: in the rows layout the matrices "
                                      "are numbered from 1 in the order given, so the weights into "
                                      "layer 2 are W1 (W2 in the columns layout): ask for 'W1'.")
    verdict = check(cost, "b1", [[f"{v:.4g}" for v in hand["b2"][0]] * 3])
    assert not verdict.finding.startswith("This is")


def follow(finding, wrt, numbers, layout):
    """The call a verdict's advice asks for: another name, the other layout, or the numbers
    transposed (None when the finding gives no advice)."""
    import re
    asked = re.search(r"ask for '(\w+)'\.$", finding)
    if asked:
        return asked.group(1), numbers, layout
    other = re.search(r"pass layout='(\w+)' \(on the command line --layout (\w+)\)\.$", finding)
    if other:
        return wrt, numbers, other.group(1)
    if "it is the engine's transposed" in finding:
        return wrt, [list(col) for col in zip(*numbers)], layout
    return None


NUMBERS_ASKED_WRONGLY = [   # (wrt, which of the hand-written gradients, transposed, layout)
    ("W2", "W1", False, "rows"),        # the blog's W1 asked by Nielsen's number
    ("W2", "W1", True, "rows"),         # Nielsen's W2 (outputs × inputs) in the blog's network
    ("W2", "W2", False, "columns"),     # the blog's W2 asked in Nielsen's layout
    ("W2", "W2", True, "columns"),      # Nielsen's W3 asked as W2
    ("W1", "W1", True, "rows"),         # transposed
    ("W1", "W2", False, "rows"),
    ("b1", "b2", False, "rows"),
    ("b3", "b1", True, "columns"),
    ("b2", "b1", False, "columns"),
    ("W3", "W1", True, "columns"),
]


@pytest.mark.parametrize("wrt, which, turned, layout", NUMBERS_ASKED_WRONGLY)
def test_the_advice_followed_literally_agrees(wrt, which, turned, layout):
    """Found by following the advice: the blog's ∂C/∂W1 asked as W2 said "pass
    layout='columns'", and there the 2×3 numbers fit W2 only transposed (a second error).
    Oracle: hand-written numpy backprop; the advice's call must agree."""
    _, cost = blog()
    M = numpy_backprop(X, Y, W1, b1, W2, b2)[which]
    numbers = typed_matrix(M.T if turned else M)
    verdict = check(cost, wrt, numbers, layout=layout)
    assert not verdict
    followed = follow(verdict.finding, wrt, numbers, layout)
    assert followed is not None, verdict.finding
    wrt2, numbers2, layout2 = followed
    assert check(cost, wrt2, numbers2, layout=layout2), (verdict.finding, followed)


def test_a_formula_giving_another_matrix_is_named_as_a_formula():
    """A formula for b1 asked as W2 said "your numbers are that matrix's gradient"."""
    _, cost = blog()
    formula = ("delta2 = (A2 - Y)/m * σ'(Z2); delta1 = delta2 @ W2.T * σ'(Z1); "
               "np.sum(delta1, axis=0, keepdims=True)")
    verdict = check(cost, "W2", formula)
    assert verdict.finding == ("This is ∂C/∂b1, not ∂C/∂W2: your formula gives that matrix's "
                               "gradient; ask for 'b1'.")
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["b1"]
    assert check(cost, "b1", formula) and np.allclose(check(cost, "b1", formula).expected, hand)


def test_a_wrong_product_order_followed_as_advised_agrees():
    _, cost = blog()
    start = "delta2 = (A2 - Y)/m * σ'(Z2); "
    verdict = check(cost, "W2", start + "delta2 @ A1.T")
    import re
    fits = re.search(r"the other order, (.+?) fits", verdict.finding).group(1)
    followed = check(cost, "W2", start + fits)
    assert followed
    assert np.allclose(followed.expected, numpy_backprop(X, Y, W1, b1, W2, b2)["W2"])


def typed_matrix(M, digits=5):
    return [[f"{v:.{digits}g}" for v in row] for row in M.tolist()]


def test_a_long_formula_is_read_and_deep_nesting_refused():
    import time
    from autograd.matrix_formula import MOST_CHARACTERS
    _, cost = blog()
    long = " + ".join(["A1.T @ delta2"] * 300) + " - " + " - ".join(["A1.T @ delta2"] * 299)
    assert len(long) < MOST_CHARACTERS
    assert check(cost, "W2", "delta2 = (A2 - Y)/m * σ'(Z2); " + long)
    with pytest.raises(MatrixFormulaError, match="nested too deeply"):
        check(cost, "W2", "(" * 2000 + "A1" + ")" * 2000)
    huge = "A1.T @ (" + " + ".join(["(A2 - Y)"] * 10_000) + ")"
    start = time.perf_counter()
    with pytest.raises(MatrixFormulaError, match=r"^the formula is 110,006 characters long; a "
                                                 r"matrix formula is read up to 10,000"):
        check(cost, "W2", huge)
    assert time.perf_counter() - start < 1.0          # refused at once, in one line


def test_the_formulas_as_numpy_code_writes_them():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    dZ2 = "dZ2 = (A2 - Y) / m * A2 * (1 - A2)"
    mean_later = "delta2 = (A2 - Y) * sigmoid_prime(Z2)"
    for wrt, formula in (("W2", f"{dZ2}; dW2 = A1.T @ dZ2"),
                         ("W2", f"{mean_later}; A1.T @ delta2 / m"),
                         ("W2", f"{mean_later}; 1/m * A1.T @ delta2"),
                         ("W2", f"{dZ2}\nnp.dot(A1.T, dZ2)"),
                         ("b2", f"{dZ2}; np.sum(dZ2, axis=0, keepdims=True)"),
                         ("b1", f"{dZ2}; dZ1 = dZ2.dot(W2.T) * A1 * (1 - A1); dZ1.sum(axis=0)"),
                         ("W1", f"{dZ2}; delta = np.dot(dZ2, W2.T) * A1*(1-A1); X.T.dot(delta)")):
        verdict = check(cost, wrt, formula)
        assert verdict, (formula, verdict.finding)
        assert np.allclose(verdict.expected, hand[wrt], rtol=1e-12, atol=0)
    assert check(cost, "W2", f"{dZ2}; dW2 = A1.T @ dZ2").formula_read == "dW2 = A1ᵀ @ dZ2"
    # the blog's ΔW2 without its 1/m: the numbers are m times the engine's
    verdict = check(cost, "W2", f"{mean_later}; A1.T @ delta2")
    assert np.allclose(verdict.expected, 4 * hand["W2"], rtol=1e-12)
    assert verdict.finding.endswith("every entry is m = 4 times too large: the cost's 1/m is "
                                    "missing (a mean over the m samples puts 1/m into δ^L and "
                                    "so into every gradient).")


def test_vectors_numbers_and_dtypes_as_asked():
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    assert check(cost, "b1", hand["b1"].ravel())                   # 1-d: b1 is a row
    assert check(cost, "W2", hand["W2"].ravel())                   # 1-d: W2 is a column
    assert check(cost, "W2", hand["W2"].ravel().tolist())
    assert check(cost, "W2", hand["W2"].astype(np.float32))
    assert check(cost, "b2", float(hand["b2"][0, 0]))              # one number: 1 × 1
    typed = f"{hand['b2'][0, 0]:.4g}"
    verdict = check(cost, "b2", typed)
    assert verdict and "each to the digits you typed" in verdict.finding
    off = f"{float(typed) * 1.001:.4g}"
    assert not check(cost, "b2", off)
    column = check(cost, "b1", hand["b1"].T)                      # (n, 1) where b1 is 1 × n
    assert column.finding.endswith("it is the engine's transposed: ∂C/∂b1 has the shape of b1.")
    verdict = check(cost, "W2", np.zeros((3, 1), dtype=np.int64))
    assert not verdict and verdict.agree == [[False], [False], [False]]


def test_a_nan_entry_is_named():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"].copy()
    hand[0, 0] = np.nan
    verdict = check(cost, "W2", hand)
    assert verdict.agree == [[False], [True], [True]]
    assert verdict.finding.startswith("Your ∂C/∂W2 disagrees with the engine's in 1 of 3 entries "
                                      "(W2[1,1] is NaN, which agrees with nothing)")


def nielsen_3_4_2(seed):
    """A 3-4-2 network in Nielsen's layout from ``seed``: sizes, his w^l (outputs × inputs)
    and b^l (columns), 5 samples X as columns and one-hot targets Y as columns."""
    rng = np.random.default_rng(seed)
    sizes = [3, 4, 2]
    Ws = [rng.standard_normal((b, a)) for a, b in zip(sizes, sizes[1:])]
    bs = [rng.standard_normal((b, 1)) for b in sizes[1:]]
    Xs, Ys = rng.standard_normal((3, 5)), np.eye(2)[:, [0, 1, 1, 0, 1]]
    return sizes, Ws, bs, Xs, Ys


def bce_net():
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    cost = nn.binary_cross_entropy(net.batch(X), Y, reduction="sum")
    cost.backward()
    return net, cost


def program_line(lines, name):
    return next(line.strip() for line in lines if line.strip().startswith(f"{name} = "))


def test_a_cost_from_the_logit_still_has_its_activations():
    from autograd.explain import explain
    net, cost = bce_net()                  # the graph has z³ but no a³ node (softplus of z)
    Xa, Ya = np.array(X), np.array(Y)
    A1 = sigmoid(Xa @ np.array(W1) + np.array(b1))
    A2 = sigmoid(A1 @ np.array(W2) + np.array(b2))
    d2 = A2 - Ya                           # ∂C/∂z^L of cross-entropy after a sigmoid
    d1 = (d2 @ np.array(W2).T) * A1 * (1 - A1)
    assert check(cost, "W2", A1.T @ d2) and check(cost, "W1", Xa.T @ d1)
    assert check(cost, "W1", "X.T @ (((A2 - Y) @ W2.T) * A1 * (1 - A1))")
    lines = explain(cost, net.layers[1], entry=(1, 1)).program
    assert program_line(lines, "delta3").startswith("delta3 = seed * (a - Y)")
    assert lines[-1] == "# binary_cross_entropy, seed = 1: the cost is a sum over the samples"


def test_explain_shows_the_program_of_the_cost_asked_about():
    from autograd.explain import explain
    net, cost = blog()
    assert explain(cost, net.layers[1], entry=(1, 1)).program[-1] == (
        "# half_squared_error, seed = 1/m = 1/4: the cost is a mean over the samples")
    summed = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    C = nn.sum_squared_error(summed.batch(X), Y, reduction="sum")
    C.backward()
    lines = explain(C, summed.layers[1], entry=(1, 1)).program
    assert program_line(lines, "delta3").startswith(
        "delta3 = seed * 2.0 * (a - Y) * sigmoid_prime(z3, a3)")
    other = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    outputs = other.batch(X)
    C = sum(out[0] ** 3 for out in outputs)          # no cost the matrix program writes
    C.backward()
    lines = explain(C, other.layers[1], entry=(1, 1)).program
    assert not any(line.lstrip().startswith("delta3 =") for line in lines)
    assert "is left out: the cost is not one the matrix program writes" in lines[-1]
    hidden = explain(C, other.layers[0], entry=(1, 1)).program
    assert any(line.lstrip().startswith("delta2 = (W3.T @ delta3)") for line in hidden)


def test_explain_shows_the_program_of_any_network_not_only_one_from_matrices():
    """explain(C, net.layers[1], entry=(2, 3)) of Nielsen's network made as nn.MLP(sizes,
    weights=..., biases=...) (or with a seed) printed BP4 and BP1 sample by sample but not
    "The matrix program's lines for layer 3 ...", which the docs promise and a network from
    from_matrices got: the network of a layer was known only once net.matrices() or
    from_matrices had been called. Every MLP is now known from when it is made. Oracle:
    the lines shown, run on the activations of a numpy forward pass by hand, give
    BP4's ∂C/∂w³ of numpy backprop by hand; and a network made later gets its own lines."""
    from autograd.explain import explain
    sizes, Ws, bs, Xs, Ys = nielsen_3_4_2(5)
    for make in (lambda: nn.MLP(sizes, weights=Ws, biases=bs), lambda: nn.MLP(sizes, seed=3)):
        net = make()
        W2, W3 = (np.array([[w.data for w in n.weights] for n in layer.neurons])
                  for layer in net.layers)
        b2, b3 = (np.array([[n.bias.data] for n in layer.neurons]) for layer in net.layers)
        cost = nn.half_squared_error(net.batch(Xs.T), Ys.T)
        cost.backward()
        a2 = sigmoid(W2 @ Xs + b2)
        a3 = sigmoid(W3 @ a2 + b3)
        hand = ((a3 - Ys) * a3 * (1 - a3) / 5) @ a2.T                      # BP1, BP4 by hand
        explanation = explain(cost, net.layers[1], entry=(2, 3))
        assert "The matrix program's lines for layer 3" in str(explanation)
        lines = [line.strip() for line in explanation.program]
        assert lines[-1] == "# half_squared_error, seed = 1/m = 1/5: the cost is a mean over the samples"
        scope = {"W3": W3, "b3": b3, "a2": a2, "Y": Ys, "seed": 1 / 5, "np_sigmoid": sigmoid,
                 "sigmoid_prime": lambda z, a: a * (1 - a)}
        scope["a"] = a3
        exec("\n".join(line for line in lines if not line.startswith("#")), scope)
        assert np.allclose(scope["dC_dW3"], hand, rtol=1e-12, atol=0)
        assert explanation.total == pytest.approx(hand[1, 2], rel=1e-12)


def test_several_matrix_claims_at_once_in_a_dict():
    """check(cost, {"W1": dW1, "W2": dW2, "b1": db1, "b2": db2}), a numpy backprop's four
    gradients at once as the docs' dict of claims takes them, raised "AttributeError:
    'MatrixVerdict' object has no attribute 'explanation'". It now gives one verdict per
    matrix, as check(cost, "W2", dW2) does, and a line each. Oracle: numpy backprop by hand."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    mine = {name: hand[name] for name in ("W1", "W2", "b1", "b2")}
    verdicts = check(cost, mine)
    assert verdicts and list(verdicts) == ["W1", "W2", "b1", "b2"]
    assert str(verdicts).splitlines()[0] == "All 4 claims agree."
    assert str(verdicts).splitlines()[2] == (
        "  W2: Your ∂C/∂W2 agrees with the engine's in all 3 entries (within tolerance: "
        "relative 1e-06, absolute 1e-12).")
    mine["W2"] = 2 * hand["W2"]                                 # the ½ left out
    mine["w2_11"] = hand["W1"][0, 0]                            # one node: W1[1,1] is w²₁₁
    verdicts = check(cost, mine)
    assert not verdicts and verdicts["W2"].finding == check(cost, "W2", mine["W2"]).finding
    assert "every entry is 2 times the engine's" in verdicts["W2"].finding
    assert verdicts["w2_11"] and verdicts["W1"]
    text = str(verdicts)
    assert text.splitlines()[0] == "1 of 5 claims disagrees: W2."
    assert text.splitlines()[-1] == "Next: print(verdicts['W2']) shows that claim's whole verdict."
    assert "claims disagrees: W2" in verdicts._repr_html_()


def test_draw_at_the_level_of_layers():
    pytest.importorskip("graphviz")
    from autograd.draw import draw
    net, cost = blog()
    source = draw(cost, level="layer").source
    for words in ("Z1 = X W1 + b1", "A1 = σ(Z1)", "4×3", "BP2: δ · W2ᵀ", "BP1: ⊙ σ'(Z2)"):
        assert words in source
    with pytest.raises(TypeError, match=r"draw\(C, level='layer'\)"):
        draw(net, level="layer")
    with pytest.raises(ValueError, match="level must be 'node'"):
        draw(cost, level="matrix")


def test_the_convention_is_not_contradicted():
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    text = str(check(C, "w2_11", "a2_1*(a3_1-y)*σ'(z3_1)"))
    assert text.startswith("This is ∂C/∂w³₁₁") and "No small mistake" not in text


def test_cli_numbers_formulas_and_bad_input(tmp_path, capsys):
    from autograd.cli import main
    script = blog_script(tmp_path)
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    assert main(["check", str(script), "--wrt", "b2", "--expected", f"{hand['b2'][0, 0]:.4g}"]) == 0
    assert "each to the digits you typed" in capsys.readouterr().out
    dot = "dZ2 = (A2 - Y) / m * A2 * (1 - A2); X.T.dot(dZ2.dot(W2.T) * A1 * (1 - A1))"
    assert main(["check", str(script), "--wrt", "W1", "--formula", dot]) == 0
    capsys.readouterr()
    for bad in (["--expected", "[[1], [2]"], ["--expected", "[[1], [x], [3]]"],
                ["--formula", "A1.T @ nothing"], ["--formula", "A1 + " * 30_000 + "A1"]):
        assert main(["check", str(script), "--wrt", "W2", *bad]) == 2
        out = capsys.readouterr()
        assert "Traceback" not in out.err and out.err.startswith("chainrule check: ")
        assert len(out.err.strip().splitlines()) == 1


def test_a_product_in_the_wrong_order_is_fixed_to_the_gradients_shape():
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    delta = "delta3 = (a^{3} - y) ⊙ σ'(z^{3}); δ^{2} = ((w^{3})^T δ^{3}) ⊙ σ'(z^{2}); "
    verdict = check(C, "W2", delta + "(a^{1}) δ^{2}")             # a δᵀ would be 2×3, not 3×2
    assert not verdict and verdict.matrix_diagnosis == "product order"
    assert "the other order, delta2 @ (X)ᵀ fits, giving 3×2, the gradient's shape" in verdict.finding
    fixed = check(C, "W2", delta + "δ^{2} (a^{1})^T")
    a1, a2 = np.array([[0.6], [-0.4]]), np.array([[n.data] for n in net.layers[0].a])
    a3, y = net.layers[1].a[0].data, 0.25
    d3 = (a3 - y) * a3 * (1 - a3)
    d2 = np.array([[0.7], [-0.2], [0.3]]) * d3 * a2 * (1 - a2)      # (w³)ᵀ δ³ ⊙ σ'(z²)
    assert fixed and np.allclose(fixed.expected, d2 @ a1.T, rtol=1e-12, atol=0)
    with pytest.raises(MatrixFormulaError, match=r"delta3 is bound once the formula assigns it"):
        check(C, "W3", "δ^{3} (a^{2})^T")


def test_the_posts_latex_pasted_with_its_left_hand_sides():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    blog_w2 = (r"\Delta W_2 &= \left((\dfrac{1}{m}(o_2 - Y)\odot(o_2\odot (1 - o_2)))^T"
               r"\times o_1\right)^T")
    blog_w1 = (r"\begin{split} \Delta W_1 &= \left((((\dfrac{1}{m}(o_2 - Y)\odot (o_2\odot "
               r"(1 - o_2)))\times W_2^T)\odot o_1\odot (1 - o_1))^T\times X\right)^T \end{split}")
    for name, formula in (("W2", blog_w2), ("W1", blog_w1)):
        verdict = check(cost, name, formula)
        assert verdict and np.allclose(verdict.expected, hand[name], rtol=1e-12, atol=0)
    # the matrix answer's L = ½ Σ over the batch (no 1/m), as its post prints it
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    L = nn.half_squared_error(net.batch(X), Y, reduction="sum")
    L.backward()
    summed = {k: v * len(X) for k, v in hand.items() if k in ("W1", "b1", "W2", "b2")}
    d2 = r"$$\boldsymbol{\delta}_2 = (\mathbf{a}_2 - \mathbf{y}) \odot \sigma'(\mathbf{z}_2)$$"
    d1 = (r"$$\boldsymbol{\delta}_1 = (\boldsymbol{\delta}_2 \mathbf{W}_2^T) \odot "
          r"\sigma'(\mathbf{z}_1)$$")
    for name, formula in (
            ("W2", d2 + r"$$\begin{split} \frac{\partial L}{\partial \mathbf{W}_2} &= "
                        r"\mathbf{a}_1^T \boldsymbol{\delta}_2 \\ \end{split}$$"),
            ("b2", d2 + r"\frac{\partial L}{\partial \mathbf{b}_2} &= \sum "
                        r"\boldsymbol{\delta}_2 \quad \text{(sum over the batch dimension)}"),
            ("W1", d2 + d1 + r"&\frac{\partial L}{\partial \mathbf{W}_1} = "
                             r"\mathbf{a}_0^T \boldsymbol{\delta}_1"),
            ("b1", d2 + d1 + r"&\frac{\partial L}{\partial \mathbf{b}_1} = \sum "
                             r"\boldsymbol{\delta}_1")):
        verdict = check(L, name, formula)
        assert verdict, (name, verdict.finding)
        assert np.allclose(verdict.expected, summed[name], rtol=1e-12, atol=0)


def test_a_vector_typed_as_text_takes_the_gradients_orientation():
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    column = "[" + " ".join(f"{v:.5g}" for v in hand["W2"][:, 0]) + "]"     # W2 is 3×1
    verdict = check(cost, "W2", column)
    assert verdict and verdict.finding.endswith("(each to the digits you typed).")
    row = "[" + ", ".join(f"{v:.5g}" for v in hand["b1"][0]) + "]"
    assert check(cost, "b1", row)
    nested = "[[" + "], [".join(f"{v:.5g}" for v in hand["b1"][0]) + "]]"  # a column, explicitly
    assert "transposed" in check(cost, "b1", nested).finding
    with pytest.raises(ValueError, match="row 2 has 1 entry but row 1 has 2"):
        check(cost, "W1", "[[1, 2], [3]]")


def blog_mistakes():
    """Each mistake made by hand in numpy: (name asked, numbers, words the check must use)."""
    Xa, Ya = np.array(X), np.array(Y)
    Wa, ba, Wb, bb = map(np.array, (W1, b1, W2, b2))
    m = len(Xa)
    A1 = sigmoid(Xa @ Wa + ba)
    A2 = sigmoid(A1 @ Wb + bb)
    d2 = (A2 - Ya) / m * A2 * (1 - A2)
    d1 = (d2 @ Wb.T) * A1 * (1 - A1)
    return [
        ("W1", (Xa.T @ d1).T, "it is the engine's transposed"),
        ("W1", m * (Xa.T @ d1), "m = 4 times too large: the cost's 1/m is missing"),
        ("W2", A1.T @ d2 / m, "divided by m = 4 once too often"),
        ("W1", Xa.T @ (d2 @ Wb.T), "the ⊙ σ'(Z1) factor is missing"),
        ("W2", A1.T @ ((A2 - Ya) / m), "the ⊙ σ'(Z2) factor is missing"),
        ("b1", d1, "b1's gradient is not summed over the batch"),
        ("b1", d1.sum(axis=1, keepdims=True), "the sum is over the wrong axis"),
        ("W1", (m * (Xa.T @ d1)).T, "into every gradient); it is the engine's transposed"),
    ]


@pytest.mark.parametrize("index", range(8))
def test_each_mistake_made_in_numpy_is_named(index):
    _, cost = blog()
    name, numbers, words = blog_mistakes()[index]
    verdict = check(cost, name, [[f"{v:.6g}" for v in row] for row in numbers.tolist()])
    assert not verdict and verdict.matrix_diagnosis is not None
    assert words in verdict.finding.splitlines()[0]


def test_float32_backprop_is_judged_at_float32s_precision():
    rng = np.random.default_rng(7)
    sizes = [2, 16, 16, 1]
    weights = [rng.normal(0, 1, (a, b)) for a, b in zip(sizes, sizes[1:])]   # inputs × outputs
    biases = [rng.normal(0, 0.5, (1, b)) for b in sizes[1:]]
    Xs, Ys = rng.normal(0, 1, (100, 2)), rng.integers(0, 2, (100, 1)).astype(float)
    net = nn.MLP.from_matrices(weights, biases, layout="rows")
    cost = nn.half_mean_squared_error(net.batch(Xs.tolist()), Ys.tolist())
    cost.backward()
    f32 = [w.astype(np.float32) for w in weights], [b.astype(np.float32) for b in biases]
    A = [Xs.astype(np.float32)]
    for W, b in zip(*f32):
        A.append(sigmoid(A[-1] @ W + b))
    delta = (A[-1] - Ys.astype(np.float32)) / np.float32(len(Xs)) * A[-1] * (1 - A[-1])
    grads = {}
    for i in range(len(weights), 0, -1):          # BP4 and BP3, then BP2, all in float32
        grads[f"W{i}"], grads[f"b{i}"] = A[i - 1].T @ delta, delta.sum(axis=0, keepdims=True)
        if i > 1:
            delta = (delta @ f32[0][i - 1].T) * A[i - 1] * (1 - A[i - 1])
    assert grads["W1"].dtype == np.float32
    for name, g in grads.items():
        verdict = check(cost, name, g)
        assert verdict, (name, verdict.finding)
        assert "float32 numbers, so within tolerance" in verdict.finding
    assert not check(cost, "W2", grads["W2"] * np.float32(1.001))
    assert "m = 100 times too large" in check(cost, "W1", grads["W1"] * np.float32(100)).finding
    assert not check(cost, "W1", grads["W1"].astype(np.float64) * 1.001)


def test_a_cost_from_the_logit_of_a_network_built_without_matrices():
    net = nn.MLP([2, 3, 1], "sigmoid", weights=[np.array(W1).T.tolist(), np.array(W2).T.tolist()],
                 biases=[b1[0], b2[0]])
    cost = nn.binary_cross_entropy(net.batch(X), Y)           # the mean; no a³ node in the graph
    cost.backward()
    Xa, Ya = np.array(X), np.array(Y)
    A1 = sigmoid(Xa @ np.array(W1) + np.array(b1))
    A2 = sigmoid(A1 @ np.array(W2) + np.array(b2))
    d1 = ((A2 - Ya) / len(X) @ np.array(W2).T) * A1 * (1 - A1)
    verdict = check(cost, "W1", "X.T @ ((((A2 - Y) / m) @ W2.T) * A1 * (1 - A1))", layout="rows")
    assert verdict and np.allclose(verdict.expected, Xa.T @ d1, rtol=1e-12, atol=0)


def test_a_matrix_name_is_the_whole_name():
    """'W1\\n' (a name with a trailing newline) is no matrix name: the check looks for a node
    of that name and says there is none, where the pattern's $ took it for W1 (and
    a non-ASCII digit, 'W١', for a layer)."""
    net = nn.MLP([2, 3, 1], seed=0)
    C = nn.half_squared_error([net([0.5, 0.2])], [[1.0]], reduction="sum")
    C.backward()
    with pytest.raises(ValueError, match="no node named 'W1' in this graph; named nodes: C, "):
        check(C, "W1", [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]])
    for name in ("W1\n", "W\u0661"):      # no node's name either: the matrices are listed
        with pytest.raises(ValueError, match=rf"^check: no node named {re.escape(repr(name))} in this "
                                             r"graph; .*the network's matrices \(columns layout\): "
                                             r"W2, b2, W3, b3 \(W2 holds w\^2_jk\)$"):
            check(C, name, [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]])


def test_of_several_labelled_statements_the_one_naming_the_gradient_asked_is_checked():
    """Found pasting the matrix answer's block, which gives ∂L/∂W_2 and then ∂L/∂b_2:
    asked about W2, the check took the last statement (b2's) and said "This is ∂C/∂b2,
    not ∂C/∂W2".  The same for numpy code that assigns dW2 and then db2."""
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    L = nn.half_squared_error(net.batch(X), Y, reduction="sum")
    L.backward()
    hand = {k: v * len(X) for k, v in numpy_backprop(X, Y, W1, b1, W2, b2).items()}
    post = (r"$$\boldsymbol{\delta}_2 = (\mathbf{a}_2 - \mathbf{y}) \odot \sigma'(\mathbf{z}_2)$$"
            r"$$\begin{split} \frac{\partial L}{\partial \mathbf{W}_2} &= \mathbf{a}_1^T "
            r"\boldsymbol{\delta}_2 \\ \frac{\partial L}{\partial \mathbf{b}_2} &= \sum "
            r"\boldsymbol{\delta}_2 \quad \text{(sum over the batch dimension)} \end{split}$$")
    code = ("d2 = (A2 - Y) * A2 * (1 - A2)\ndW2 = A1.T @ d2\n"
            "db2 = np.sum(d2, axis=0, keepdims=True)\n")
    for formula in (post, code):
        for name in ("W2", "b2"):
            verdict = check(L, name, formula)
            assert verdict, (name, verdict.finding)
            assert np.allclose(verdict.expected, hand[name], rtol=1e-12, atol=0)


def tanh_network():
    """A 2-3-1 network, tanh then linear, samples as rows; its ∂C/∂W1 by hand in numpy."""
    Xa, Ya = np.array(X), np.array(Y)
    Wa, ba, Wb, bb = map(np.array, (W1, b1, W2, b2))
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], ["tanh", "linear"], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), Y)
    cost.backward()
    A1 = np.tanh(Xa @ Wa + ba)
    d2 = (A1 @ Wb + bb - Ya) / len(Xa)
    return cost, Xa.T @ ((d2 @ Wb.T) * (1 - A1 ** 2))


@pytest.mark.parametrize("tail", [
    "delta1 = delta2 @ W2.T * (1 - A1**2); X.T @ delta1",
    "delta1 = delta2 @ W2.T * (1 - A1^2); X.T @ delta1",
    "delta1 = delta2 @ W2.T * (1 - a_1^{2}); X.T @ delta1",
    "delta1 = delta2 @ W2.T * (1 - np.tanh(Z1) ** 2); X.transpose() @ delta1",
    "delta1 = np.multiply(np.dot(delta2, W2.T), 1 - np.square(A1)); np.transpose(X) @ delta1",
    "delta1 = delta2 @ W2.T * tanh'(Z1); X.T @ delta1",
])
def test_powers_and_numpy_functions_as_numpy_code_writes_them(tail):
    """Found checking a tanh layer: ``A1**2`` and ``np.multiply``/``np.transpose``/
    ``.transpose()``/``np.tanh`` were refused ("'np.multiply' is not bound"), and
    ``A1^2`` was read as A1 (its 2 taken for Nielsen's layer) and judged wrong."""
    cost, hand = tanh_network()
    verdict = check(cost, "W1", "delta2 = (A2 - Y)/m; " + tail)
    assert verdict, verdict.finding
    assert np.allclose(verdict.expected, hand, rtol=1e-12, atol=0)


@pytest.mark.parametrize("formula", [
    "A2 = 1/(1 + np.exp(-Z2)); dZ2 = (A2 - Y) / m * A2 * (1 - A2); A1.T @ dZ2",
    "dZ2 = (A2 - Y) / m * np.exp(-Z2) / (1 + np.exp(-Z2))**2; A1.T @ dZ2",
    "dZ2 = (A2 - Y) / m * (sigmoid(Z2) - np.square(sigmoid(Z2))); A1.T @ dZ2",
])
def test_the_sigmoid_written_out_with_np_exp(formula):
    """σ as numpy tutorials write it, 1/(1 + np.exp(-Z)), and σ' = e^(-z)/(1 + e^(-z))²:
    np.exp(…) was 'not a function this formula reader knows' (the matrix reader kept its
    own short list of functions beside the op table).  Oracle: hand-written numpy backprop."""
    _, cost = blog()
    verdict = check(cost, "W2", formula)
    assert verdict, verdict.finding
    assert np.allclose(verdict.expected, numpy_backprop(X, Y, W1, b1, W2, b2)["W2"],
                       rtol=1e-12, atol=0)


def relu_network():
    """The blog's 2-3-1 network with a ReLU layer, then linear; ∂C/∂W1 by hand in numpy."""
    Xa, Ya = np.array(X), np.array(Y)
    Wa, ba, Wb, bb = map(np.array, (W1, b1, W2, b2))
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], ["relu", "linear"], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), Y)
    cost.backward()
    Z1 = Xa @ Wa + ba
    d2 = (np.maximum(0, Z1) @ Wb + bb - Ya) / len(Xa)
    return cost, Xa.T @ ((d2 @ Wb.T) * (Z1 > 0))


@pytest.mark.parametrize("formula", [
    "delta1 = delta2 @ W2.T * relu'(Z1); X.T @ delta1",
    "A = np.maximum(0, Z1); delta1 = delta2 @ W2.T * np.sign(A); X.T @ delta1",
])
def test_a_relu_layer_written_with_numpys_functions(formula):
    """relu'(Z1), np.maximum(0, Z1) and np.sign, each a function of the op table, read
    entry by entry.  Oracle: hand-written numpy backprop of a ReLU layer."""
    cost, hand = relu_network()
    verdict = check(cost, "W1", "delta2 = (A2 - Y)/m; " + formula)
    assert verdict, verdict.finding
    assert np.allclose(verdict.expected, hand, rtol=1e-12, atol=0)



@pytest.mark.parametrize("formula", [
    "delta1 = delta2 @ W2.T * (Z1 > 0); X.T @ delta1",
    "dZ1 = np.multiply(delta2 @ W2.T, Z1 >= 0); np.dot(X.T, dZ1)",
    "dZ1 = delta2 @ W2.T * (Z1 > 0).astype(float); X.T @ dZ1",
    "dZ1 = delta2 @ W2.T * (Z1 > 0).astype(np.int64); X.T @ dZ1",
    "dZ1 = np.where(Z1 > 0, delta2 @ W2.T, 0); X.T @ dZ1",
    "dZ1 = delta2 @ W2.T * np.where(Z1 <= 0, 0, 1); X.T @ dZ1",
    r"\delta_1 = \delta_2 W_2^T \odot \mathbb{1}[Z_1 > 0]; X^T \delta_1",
    r"\delta_1 = \delta_2 W_2^T \odot \mathbb{1}_{Z_1 > 0}; X^T \delta_1",
])
def test_a_relu_derivative_written_as_a_comparison(formula):
    """ReLU's derivative as numpy code writes it, (Z1 > 0) (.astype(float), np.where), and
    as posts do, \\mathbb{1}[Z_1 > 0]: 'cannot read > 0', though the scalar formulas read comparisons
    and indicators as 1 or 0.  Now entry by entry, 1.0 or 0.0.  Oracle: hand-written numpy
    backprop of a ReLU layer."""
    cost, hand = relu_network()
    verdict = check(cost, "W1", "delta2 = (A2 - Y)/m; " + formula)
    assert verdict, verdict.finding
    assert np.allclose(verdict.expected, hand, rtol=1e-12, atol=0)
    assert not check(cost, "W1", "delta2 = (A2 - Y)/m; delta1 = delta2 @ W2.T * (Z1 < 0); "
                                 "X.T @ delta1")
    with pytest.raises(MatrixFormulaError, match=r"^\.astype\(str\): "):
        check(cost, "W1", "delta2 = (A2 - Y)/m; X.T @ (delta2 @ W2.T).astype(str)")

def test_the_engines_own_sigmoid_slope_is_no_function_of_a_matrix_formula():
    """sigmoid_slope, the op create_graph writes σ' with, is a(1 − a) of an activation a:
    typed as sigmoid_slope(Z2) it gave a(1 − a) of z, wrong numbers without a word; it is
    now not a function the reader knows (σ'(Z2) is)."""
    _, cost = blog()
    with pytest.raises(MatrixFormulaError, match=r"^sigmoid_slope\(…\) is not a function"):
        check(cost, "W2", "dZ2 = (A2 - Y) / m * sigmoid_slope(Z2); A1.T @ dZ2")


def test_a_function_outside_its_domain_names_the_entry():
    """log of a matrix with a negative entry: one line naming the function, the entry and
    its number (log(−1) has no real value)."""
    _, cost = blog()
    with pytest.raises(MatrixFormulaError, match=re.escape(
            "log(X): entry (1, 2): input must be > 0, got -1.0")):
        check(cost, "W2", "np.log(X)")


def test_the_root_sign_is_not_offered_and_says_to_write_sqrt():
    """The reader listed √ among the functions it knows ('it knows ..., sqrt, √, ...'),
    but √(…) was 'cannot read' with no word of what to write; now the list has only
    names it reads, and √ says to write sqrt(…).  Oracle: math.sqrt of each entry."""
    from autograd.matrix_formula import evaluate_matrix_formula
    bound = {"Z2": [[4.0, 0.25], [2.0, 0.0]]}
    value, _ = evaluate_matrix_formula("np.sqrt(Z2)", bound, "rows")
    assert value == [[math.sqrt(z) for z in row] for row in bound["Z2"]]
    with pytest.raises(MatrixFormulaError, match=r"cannot read '√\(Z2\)'.*write √ as sqrt\(…\)"):
        evaluate_matrix_formula("√(Z2)", bound, "rows")
    with pytest.raises(MatrixFormulaError, match="not a function this formula reader knows") as err:
        evaluate_matrix_formula("root(Z2)", bound, "rows")
    assert ", sqrt, " in str(err.value) and "√" not in str(err.value)


def test_latex_transposes_and_what_cannot_be_read_in_one_line():
    """Found pasting LaTeX: ``^{\\top}`` and ``^\\intercal`` were refused, an error in
    LaTeX gave a character position in the text after its LaTeX was rewritten (not the
    one typed), and ∇_a C, z^L and np.mean(…) were refused without saying what to write."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    delta = r"\delta_2 = \frac{1}{m}(o_2 - Y) \odot \sigma'(i_2) \\ "
    for product in (r"\mathbf{a}_1^{\top} \delta_2", r"a_1^\intercal \delta_2",
                    r"(a_1)^{\mathsf{T}} \delta_2"):
        verdict = check(cost, "W2", delta + product)
        assert verdict, verdict.finding
        assert np.allclose(verdict.expected, hand["W2"], rtol=1e-12, atol=0)
    for formula, words in (
            (r"\delta_2 = \nabla_a C \odot \sigma'(z_2)", r"∇_a C .* write it out, e\.g\. \(A - Y\)"),
            (r"\delta^L = (a^L - y) \odot \sigma'(z^L)", r"write the layer's number for L .* A2\)$"),
            ("np.average(A1, axis=0)", r"^np\.average\(…\) is not a function this formula reader knows"),
            (r"\delta_2 = (o_2 - Y) \oslash 2", r"^cannot read '\\\\oslash 2' in the formula: the "
                                                r"LaTeX command \\oslash is not one")):
        with pytest.raises(MatrixFormulaError, match=words) as raised:
            check(cost, "W2", formula)
        assert "\n" not in str(raised.value) and "at character" not in str(raised.value)


def test_a_tanh_and_linear_network_is_described_by_its_own_activations():
    """Found drawing and checking a tanh-then-linear network: the picture said
    A1 = σ(Z1), ⊙ σ'(Z1) and A2 = σ(Z2), and a δ without its tanh' factor was
    diagnosed as "the ⊙ σ'(Z1) factor is missing"."""
    pytest.importorskip("graphviz")
    from autograd.draw import draw
    cost, _ = tanh_network()
    Xa, Ya = np.array(X), np.array(Y)
    A1 = np.tanh(Xa @ np.array(W1) + np.array(b1))
    d2 = (A1 @ np.array(W2) + np.array(b2) - Ya) / len(Xa)
    verdict = check(cost, "W1", Xa.T @ (d2 @ np.array(W2).T))          # tanh'(Z1) left out
    assert verdict.finding.startswith("Your ∂C/∂W1 is not the engine's: the ⊙ tanh'(Z1) factor "
                                      "is missing: BP2 (δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ tanh'(z^l))")
    assert "σ" not in check(cost, "W1", [[1, 2, 3], [4, 5, 6]]).finding
    source = draw(cost, level="layer").source
    for words in ("A1 = tanh(Z1)", "⊙ tanh'(Z1)", "A2 = Z2 (linear)", "BP1: ⊙ 1 (linear)"):
        assert words in source
    assert "σ" not in source


def test_a_flat_vector_is_not_said_to_be_transposed():
    """Found checking 1-d arrays: d1.sum(axis=1) (a 1-d array) as ∂C/∂b1 was diagnosed
    "...the sum is over the wrong axis...; it is the engine's transposed", naming a
    transpose a vector without an orientation cannot have, and "is 1×4"."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for name, numbers, words in (("b1", hand["d1"].sum(axis=1), "the sum is over the wrong axis"),
                                 ("b2", hand["d2"].ravel(), "not summed over the batch")):
        finding = check(cost, name, numbers).finding
        assert finding.startswith(f"Your ∂C/∂{name} is a vector of 4 numbers, but ")
        assert words in finding and "transposed" not in finding
    turned = check(cost, "b1", hand["d1"].sum(axis=1, keepdims=True).T).finding   # 2-d: a row
    assert "the sum is over the wrong axis" in turned and "transposed" in turned


def test_an_answer_pasted_with_its_prose_is_refused_saying_paste_only_the_formulas():
    """Found by pasting an answer whole ("1. Compute the error ...\\n\\n2. ..."): refused
    with "cannot read '.\\n\\n2. Comput…' at character 21".  Oracle for the formulas alone:
    hand-written numpy backprop of the summed cost (m times the mean's gradient)."""
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    cost = nn.half_squared_error(net.batch(X), Y, reduction="sum")     # ½ Σ (A2 − Y)², no 1/m
    cost.backward()
    delta = r"$$\boldsymbol{\delta}_2 = (\mathbf{a}_2 - \mathbf{y}) \odot \sigma'(\mathbf{z}_2)$$"
    gradient = r"$$\frac{\partial L}{\partial \mathbf{W}_2} = \mathbf{a}_1^T \boldsymbol{\delta}_2$$"
    answer = (f"To compute the gradients, we'll work backwards:\n\n1. Compute the error at the "
              f"output layer:\n\n{delta}\n\n2. Compute gradients for \\mathbf{{W}}_2:\n\n{gradient}")
    with pytest.raises(MatrixFormulaError) as refused:
        check(cost, "W2", answer)
    message = str(refused.value)
    assert "\n" not in message and "paste only the formula(s)" in message
    assert "'To compute the gradients'" in message
    verdict = check(cost, "W2", f"{delta}\n{gradient}")
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"] * len(X)
    assert verdict and np.allclose(verdict.expected, hand, rtol=1e-12)
    # the words of a LaTeX \text{...} are the post's own annotation, not prose pasted
    with pytest.raises(MatrixFormulaError, match=r"^'δ_2' is not bound"):
        check(cost, "b2", r"\sum \boldsymbol{\delta}_2 \quad \text{(sum over the batch dimension)}")


def micrograd_blog():
    """The blog's network as a learner writes it with micrograd: lists of lists of
    unnamed Values, W1[k][j] inputs × outputs, one sample at a time."""
    from autograd.value import Value
    W1v = [[Value(w) for w in row] for row in W1]
    b1v = [Value(b) for b in b1[0]]
    W2v = [[Value(w) for w in row] for row in W2]
    b2v = [Value(b2[0][0])]
    cost = 0
    for x, (y,) in zip(X, Y):
        h = [(sum(x[k] * W1v[k][j] for k in range(2)) + b1v[j]).sigmoid() for j in range(3)]
        o = (sum(h[k] * W2v[k][0] for k in range(3)) + b2v[0]).sigmoid()
        cost = cost + (o - y) ** 2
    cost = cost / (2 * len(X))
    cost.backward()
    return cost, W1v, b1v, W2v, b2v


def test_a_matrix_of_unnamed_values_is_checked_entry_by_entry():
    """Found by checking a micrograd-style network: check(C, W1, expected) with W1 a list
    of lists of Values was refused with "wrt must be a Value or a node's name, got list
    [[Value(...), ...]]" (the whole list).  Oracle: hand-written numpy backprop."""
    cost, W1v, b1v, W2v, b2v = micrograd_blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    before = [v.grad for row in W1v for v in row]
    verdict = check(cost, W1v, typed_matrix(hand["W1"]))
    assert verdict and "wrt[1][2]" in str(verdict)
    assert check(cost, np.array(W1v, dtype=object), hand["W1"])          # an object array
    assert check(cost, b1v, hand["b1"]) and check(cost, b1v, hand["b1"].T)   # a vector
    assert check(cost, b1v, hand["b1"].ravel().tolist())
    assert check(cost, W2v, hand["W2"].ravel())                             # a column, flat
    wrong = typed_matrix(hand["W1"])
    wrong[0][1] = "0.5"
    verdict = check(cost, W1v, wrong)
    assert not verdict and verdict.finding.endswith(
        "in 1 of 6 entries ([0][1]); check(C, wrt[0][1], value) explains one entry.")
    assert not check(cost, W1v[0][1], "0.5") and check(cost, W1v[0][1], hand["W1"][0, 1])
    verdict = check(cost, W1v, typed_matrix(hand["W1"].T))
    assert "it is the engine's transposed" in verdict.finding
    assert check(cost, W1v, typed_matrix(hand["W1"].T.T))
    verdict = check(cost, W1v, typed_matrix(hand["W1"] * len(X)))
    assert f"every entry is {len(X)} times the engine's" in verdict.finding
    verdict = check(cost, W1v, typed_matrix(-hand["W1"]))
    assert "every entry has the wrong sign" in verdict.finding
    assert [v.grad for row in W1v for v in row] == before                # nothing changed
    with pytest.raises(TypeError, match=r"^check: wrt\[0\]\[1\] is float 1\.5, not a Value"):
        check(cost, [[W1v[0][0], 1.5]], [[1, 2]])
    with pytest.raises(TypeError, match=r"^check: with a matrix of Values as wrt, give the "
                                        r"numbers .* check\(C, W\[0\]\[1\], formula\)$"):
        check(cost, W1v, "X.T @ delta1")


def test_explain_and_draw_take_a_matrix_of_unnamed_values():
    from autograd.draw import _path_nodes
    from autograd.explain import explain
    from autograd import graph
    cost, W1v, b1v, W2v, b2v = micrograd_blog()
    for call in (lambda: explain(cost, W1v), lambda: explain(cost, W1v, entry=(1, 1))):
        with pytest.raises(TypeError) as refused:
            call()
        message = str(refused.value)
        assert "\n" not in message and len(message) < 250 and "W[r][c]" in message
    assert explain(cost, W1v[0][1]).engine == pytest.approx(
        numpy_backprop(X, Y, W1, b1, W2, b2)["W1"][0, 1], rel=1e-12)
    nodes = graph.all_nodes(cost)
    on_path = _path_nodes(cost, nodes, W1v)
    assert all(v in on_path for row in W1v for v in row) and cost in on_path
    assert b2v[0] not in on_path and W2v[0][0] not in on_path
    assert "paths from each entry of the matrix" in draw_source(cost, W1v)


def draw_source(cost, highlight):
    from autograd.draw import draw
    return draw(cost, highlight=highlight).source


def test_a_float32_matrix_for_a_matrix_of_values_is_judged_at_float32s_precision():
    """The named matrices judge a float32 array at its own precision; a matrix of Values
    judged it at float64's rtol 1e-6.  Oracle: numpy backprop, in float32 and in float64
    off by 3e-6 relative (about 25 float32 rounding steps)."""
    cost, W1v, *_ = micrograd_blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W1"]
    single = numpy_backprop(*(np.array(M, dtype=np.float32) for M in (X, Y, W1, b1, W2, b2)))
    assert single["W1"].dtype == np.float32 and check(cost, W1v, single["W1"])
    off = hand * (1 + 3e-6)
    verdict = check(cost, W1v, off.astype(np.float32))
    assert verdict and "float32 numbers" in verdict.finding
    assert not check(cost, W1v, off)


def test_cli_checks_a_script_variable_holding_a_matrix_of_values(tmp_path, capsys):
    """Found by running chainrule on a micrograd-style script: --wrt W1 (a list of lists
    of Values) said "no network weights (nodes named w{l}_{j}{k}) below this root".
    Oracle: hand-written numpy backprop."""
    from autograd.cli import main
    script = tmp_path / "micro.py"
    script.write_text(
        "from autograd.value import Value\n"
        f"W1 = [[Value(w) for w in row] for row in {W1!r}]\n"
        f"W2 = [[Value(w) for w in row] for row in {W2!r}]\n"
        "cost = 0\n"
        f"for x, (y,) in zip({X!r}, {Y!r}):\n"
        "    h = [sum(x[k] * W1[k][j] for k in range(2)).sigmoid() for j in range(3)]\n"
        "    o = sum(h[k] * W2[k][0] for k in range(3)).sigmoid()\n"
        "    cost = cost + (o - y) ** 2 / 8\n"
        "cost.backward()\n")
    def numpy_without_biases():
        A1 = sigmoid(np.array(X) @ np.array(W1))
        A2 = sigmoid(A1 @ np.array(W2))
        d2 = (A2 - np.array(Y)) / len(X) * A2 * (1 - A2)
        return np.array(X).T @ ((d2 @ np.array(W2).T) * A1 * (1 - A1))
    hand = numpy_without_biases()
    typed = "[" + ", ".join("[" + ", ".join(f"{v:.4g}" for v in row) + "]" for row in hand) + "]"
    assert main(["check", str(script), "--wrt", "W1", "--expected", typed]) == 0
    assert "agrees with the engine's in all 6 entries" in capsys.readouterr().out
    assert main(["check", str(script), "--wrt", "W1[1][2]", "--expected", f"{hand[1, 2]:.4g}"]) == 0
    capsys.readouterr()
    assert main(["explain", str(script), "--wrt", "W1[0][1]"]) == 0
    import re
    shown = re.match(r"∂cost/∂\S+ = (\S+) ", capsys.readouterr().out).group(1)
    assert float(shown) == pytest.approx(hand[0, 1], rel=1e-12)
    assert main(["explain", str(script), "--wrt", "W1[2][0]"]) == 2
    assert capsys.readouterr().err.strip() == (
        "chainrule explain: --wrt: W1[2][0] is not an entry of W1, a 2×3 matrix of Values (from [0][0])")


def test_a_matrix_name_without_an_nn_network_points_to_passing_the_values():
    """check(C, "W1", ...) on a micrograd-style graph said a matrix question needs nn;
    the advice, followed (passing the list), agrees with hand-written numpy backprop."""
    cost, W1v, *_ = micrograd_blog()
    with pytest.raises(ValueError) as refused:
        check(cost, "W1", [[0.0] * 3] * 2)
    assert str(refused.value).endswith("a matrix of your own Values is checked by passing it: "
                                       "check(C, W, expected)")
    assert check(cost, W1v, numpy_backprop(X, Y, W1, b1, W2, b2)["W1"])


def test_the_layout_advice_followed_on_the_command_line_agrees(tmp_path, capsys):
    from autograd.cli import main
    script = blog_script(tmp_path)
    nielsen = numpy_backprop(X, Y, W1, b1, W2, b2)["W1"].T            # Nielsen's W2
    typed = str(typed_matrix(nielsen)).replace("'", "")
    assert main(["check", str(script), "--wrt", "W2", "--expected", typed]) == 1
    out = capsys.readouterr().out
    assert "(on the command line --layout columns)." in out.splitlines()[0]
    assert main(["check", str(script), "--wrt", "W2", "--expected", typed, "--layout", "columns"]) == 0


def test_a_matrix_of_values_scaled_by_no_small_factor_is_not_called_k_times():
    """1e-30 times the gradient was named 'every entry is 1/1e+30 of the engine's'."""
    cost, W1v, *_ = micrograd_blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W1"]
    assert "1/2 of the engine's" in check(cost, W1v, hand / 2).finding
    finding = check(cost, W1v, hand * 1e-30).finding
    assert "times" not in finding and " of the engine's" not in finding


def nielsen_backprop(x, y, weights, biases):
    """network.py's backprop for one sample, C = ½ (a³ − y)², columns layout, by hand."""
    a, activations, zs = np.array(x), [np.array(x)], []
    for W, b in zip(map(np.array, weights), map(np.array, biases)):
        zs.append(W @ a + b)
        a = sigmoid(zs[-1])
        activations.append(a)
    delta = (a - np.array(y)) * a * (1 - a)
    nabla = {"W3": delta @ activations[1].T}
    delta = (np.array(weights[1]).T @ delta) * activations[1] * (1 - activations[1])
    nabla["W2"] = delta @ activations[0].T
    return nabla


@pytest.mark.parametrize("factor, words", [
    (2.0, "every entry is 2 times the engine's (a factor 2 is most often the ½ of a squared"),
    (0.5, "every entry is 1/2 of the engine's (a factor 2 is most often"),
    (3.0, "every entry is 3 times the engine's.")])
def test_a_network_matrix_off_by_a_factor_names_the_factor(factor, words):
    """network.py-style code for one sample (m = 1): the hand BP4 matrix times 2 (the ½
    of ½(y − a)² forgotten) was 'no common matrix mistake'; now the factor is named."""
    weights = [[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]]
    biases = [[[0.1], [0.0], [-0.1]], [[0.2]]]
    net = nn.MLP.from_matrices(weights, biases, layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    nabla = nielsen_backprop([[0.6], [-0.4]], [[0.25]], weights, biases)
    assert check(C, "W3", nabla["W3"]) and check(C, "W2", nabla["W2"])
    verdict = check(C, "W3", factor * nabla["W3"])
    assert not verdict and words in verdict.finding


def test_cli_names_a_list_of_values_by_the_script_variable_and_advises_a_command(tmp_path,
                                                                                   capsys):
    """micrograd's lecture: ypred = [n(x) for x in xs], loss = Σ (yout − ygt)².  Checked as
    --wrt ypred the verdict said '∂loss/∂wrt', listed 'wrt[0]', and advised the Python call
    'check(C, wrt[0], value)'; the entry it explained was called 'tanh(t4)'.  Now the
    script's names, and a command that runs.  Oracle: ∂loss/∂ypred_i = 2(ypred_i − y_i)."""
    from autograd.cli import main
    script = tmp_path / "lecture.py"
    script.write_text(
        "from autograd import Value\n"
        "w, b = Value(0.7), Value(-0.2)\n"
        "xs, ys = [0.5, -1.0, 2.0], [1.0, -1.0, 1.0]\n"
        "ypred = [(w * x + b).tanh() for x in xs]\n"
        "loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))\n"
        "loss.backward()\n")
    hand = [2 * (math.tanh(0.7 * x - 0.2) - y) for x, y in zip([0.5, -1.0, 2.0], [1.0, -1.0, 1.0])]
    wrong = "[" + ", ".join(f"{2 * g:.4g}" for g in hand) + "]"
    assert main(["check", str(script), "--wrt", "ypred", "--expected", wrong]) == 1
    out = capsys.readouterr().out
    advice = f"chainrule explain {script} --wrt 'ypred[0]' lists the paths of one entry"
    assert out.startswith("Your ∂loss/∂ypred disagrees") and "every entry is 2 times" in out
    assert "  ypred[2] " in out and "wrt" not in out
    typed = "[" + ", ".join(f"{g:.4g}" for g in hand) + "]"
    typed = typed.replace(f"{hand[0]:.4g}", "0.5", 1)
    assert main(["check", str(script), "--wrt", "ypred", "--expected", typed]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(f"entries ([0]); {advice}.")
    assert main(["explain", str(script), "--wrt", "ypred[0]"]) == 0     # the advice, as given
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("∂loss/∂ypred[0] = ")
    assert float(head.split()[2]) == pytest.approx(hand[0], rel=1e-11)
    assert main(["check", str(script), "--wrt", "ypred", "--formula", "2*(ypred-1)"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--wrt 'ypred[0]' --formula" in err


# seed 004's last display, pasted whole as the blog prints it (\[ \begin{split} ... \])
BLOG_BLOCK = (r"\[ \begin{split} \Delta W_2 &= \left((\dfrac{1}{m}(o_2 - Y)\odot(o_2\odot "
              r"(1 - o_2)))^T\times o_1\right)^T\\ \Delta W_1 &= \left((((\dfrac{1}{m}(o_2 - Y)"
              r"\odot (o_2\odot (1 - o_2)))\times W_2^T)\odot o_1\odot (1 - o_1))^T\times X"
              r"\right)^T \end{split} \]")


def test_the_blogs_display_pasted_with_its_math_frame():
    r"""The blog's display in \[ ... \] was refused: "cannot read '\\[ ; Δ W_2 '".  The frame
    now separates statements as $$ does.  Oracle: hand-written numpy backprop."""
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(X), Y)
    cost.backward()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for name in ("W1", "W2"):
        verdict = check(cost, name, BLOG_BLOCK)
        assert verdict and np.allclose(verdict.expected, hand[name], rtol=1e-12, atol=0)
    assert check(cost, "W1", r"\( X^T \left(\left(\frac{1}{m}(A_2 - Y) \odot \sigma'(Z_2)\right)"
                             r" W_2^T \odot \sigma'(Z_1)\right) \)")


GRADIENT_W2 = "A1.T @ ((A2 - Y) * A2*(1-A2))"      # m times ∂C/∂W2: the sum over the samples


@pytest.mark.parametrize("typed, words", [
    # /2m: was (…/2)·m, 8 times ∂C/∂W2, judged 'every entry is 8 times the engine's'
    (f"{GRADIENT_W2} / 2m", r"^/2m at character 33 of the formula is ambiguous: .*/\(2m\)$"),
    # a formula left of =: 0.5 was checked as the formula ('is 1×1, but ∂C/∂W2 has W2's shape')
    (f"{GRADIENT_W2} / m = 0.5", r"^'\.T' at character 3 of the formula is left of = "),
    # 1e400 was inf, judged 'no common matrix mistake'
    (f"{GRADIENT_W2} * 1e400", r"^the number '1e400' at character 33 .* too large for a float"),
])
def test_a_matrix_formula_misread_before_is_refused_in_one_line(typed, words):
    _, cost = blog()
    with pytest.raises(MatrixFormulaError, match=words) as raised:
        check(cost, "W2", typed)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("typed, times", [(f"{GRADIENT_W2} / (2m)", 0.5), (f"1/m {GRADIENT_W2}", 1.0),
                                          (f"∂C/∂W2 = 1/m ({GRADIENT_W2})", 1.0),
                                          (f"dW^{{[2]}} = 1/m ({GRADIENT_W2})", 1.0)])
def test_what_the_matrix_refusals_advise_reads(typed, times):
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    verdict = check(cost, "W2", typed)
    assert np.allclose(verdict.expected, times * hand, rtol=1e-12)


def test_a_power_of_a_name_without_a_layer_is_a_power():
    """'/ m^2' and 'Y^2' were refused as "'m^2' is not bound"; m² and Y² (a, z, w with a
    superscript stay Nielsen's layers).  Oracle: hand numpy."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    verdict = check(cost, "W2", f"{GRADIENT_W2} / m^2 * 4")
    assert verdict and np.allclose(verdict.expected, hand["W2"], rtol=1e-12)
    A1 = np.array(hand["A1"])
    A2 = sigmoid(A1 @ np.array(W2) + np.array(b2))
    Y_ = np.array(Y)
    weighted = A1.T @ ((A2 - Y_) * A2 * (1 - A2) * (Y_ + 1) ** 2) / 4
    verdict = check(cost, "W2", "A1.T @ ((A2 - Y) * A2*(1-A2)*(Y + 1)^2) / m")
    assert np.allclose(verdict.expected, weighted, rtol=1e-12)
    verdict = check(cost, "W2", "A1.T @ ((A2 - Y) * A2*(1-A2)*Y^2 + 0) / m")
    assert np.allclose(verdict.expected, A1.T @ ((A2 - Y_) * A2 * (1 - A2) * Y_ ** 2) / 4, rtol=1e-12)
    assert check(cost, "W2", "A1.T @ ((a^2 - Y) * a^{2}*(1-a^2)) / m")    # a^2: layer 2's A2


def test_frac_as_tex_reads_it_unbraced_and_a_nested_one_says_what_to_write():
    """'\\frac1m A_1^T …' was refused: 'the LaTeX command \\frac is not one this reader
    knows' (also for \\frac{A_1^{T} …}m, whose braces nest).  Oracle: hand numpy."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    body = r"A_1^{T} ((A_2 - Y) \odot A_2 \odot (1-A_2))"
    for typed in (rf"\frac1m {body}", rf"\tfrac{{1}}{{m}} {body}", rf"\frac12 {body} \cdot \frac{{2}}m"):
        verdict = check(cost, "W2", typed)
        assert verdict and np.allclose(verdict.expected, hand["W2"], rtol=1e-12), typed
    with pytest.raises(MatrixFormulaError, match=r"\\frac's arguments are read without braces "
                                                 r"inside them; write \(a\)/\(b\)"):
        check(cost, "W2", rf"\frac{{{body}}}m")


def test_superscript_powers_as_printed():
    """'A2 - A2²' and 'm⁻¹' were refused: "cannot read '²'".  Oracle: hand numpy."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for typed in ("A1.T @ ((A2 - Y) * (A2 - A2²)) / m", f"{GRADIENT_W2} * m⁻¹", f"{GRADIENT_W2} / m² * 4"):
        verdict = check(cost, "W2", typed)
        assert verdict and np.allclose(verdict.expected, hand["W2"], rtol=1e-12), typed


def _bmatrix(M, env="bmatrix", fmt="{:.3g}"):
    """A matrix as a post prints it in LaTeX: rows split by \\\\, entries by &."""
    body = r" \\ ".join(" & ".join(fmt.format(x) for x in row) for row in np.atleast_2d(M))
    return rf"\begin{{{env}}} {body} \end{{{env}}}"


def test_a_latex_matrix_of_numbers_is_read_as_the_numbers_typed():
    r"""\begin{bmatrix} 0.00403 \\ 0.0094 \\ 0.00769 \end{bmatrix} was read as a formula of
    three statements, the last number its value: 'is 1×1, but ∂C/∂W2 has W2's shape 3×1'.
    Oracle: hand-written numpy backprop."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for typed in (_bmatrix(hand["W2"]), _bmatrix(hand["W2"], "pmatrix"),
                  rf"$$\frac{{\partial C}}{{\partial W_2}} = \left[{_bmatrix(hand['W2'], 'matrix')}\right]$$",
                  rf"\[ \Delta W_1 = {_bmatrix(hand['W1'])} \]",
                  _bmatrix(hand["W2"], fmt=r"{:.3g}").replace("0.00", r"\,0.00")):
        name = "W1" if "W_1" in typed else "W2"
        verdict = check(cost, name, typed)
        assert verdict and "each to the digits you typed" in verdict.finding, typed
    as_power = _bmatrix(hand["W2"] * 1e3, fmt=r"{:.3g} \times 10^{{-3}}")
    assert check(cost, "W2", as_power)
    assert "1/m is missing" in check(cost, "W2", _bmatrix(4 * hand["W2"])).finding
    row = check(cost, "W2", _bmatrix(hand["W2"].T))            # LaTeX writes the orientation
    assert row.finding.endswith("it is the engine's transposed: ∂C/∂W2 has the shape of W2.")
    assert not check(cost, "W2", _bmatrix(hand["W2"], fmt="{:.4g}").replace("0.009396", "0.009386"))
    with pytest.raises(ValueError, match=r"^expected: the entry in row 2, column 1 is 'a_2', not "
                                         r"a number$"):
        check(cost, "W2", r"\begin{bmatrix} 0.1 \\ a_2 \\ 0.3 \end{bmatrix}")


def test_a_number_pasted_in_its_math_frame_keeps_its_digits_in_a_matrix_check():
    r"""'$0.01458$' and '1.458 \times 10^{-2}' for ∂C/∂b2 were read as formulas, at full
    precision: 'disagrees ... no common matrix mistake', where the scalar check reads them
    as the number typed.  Oracle: hand-written numpy backprop."""
    _, cost = blog()
    db2 = float(numpy_backprop(X, Y, W1, b1, W2, b2)["b2"][0, 0])
    for typed in (f"${db2:.4g}$", rf"\({db2:.4g}\)", rf"{db2 * 100:.4g} \times 10^{{-2}}",
                  f"$$ {db2:.3g} $$"):
        verdict = check(cost, "b2", typed)
        assert verdict and "each to the digits you typed" in verdict.finding, typed
    assert "1/m is missing" in check(cost, "b2", f"${4 * db2:.4g}$").finding
    for labelled in (f"db2 = {db2:.3g}", rf"\frac{{\partial C}}{{\partial b_2}} = {db2:.3g}"):
        assert check(cost, "b2", labelled), labelled


def test_cli_takes_a_latex_matrix_as_expected(tmp_path, capsys):
    from autograd.cli import main
    script = blog_script(tmp_path)
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    assert main(["check", str(script), "--wrt", "W2", "--expected", _bmatrix(hand)]) == 0
    assert capsys.readouterr().out.startswith("Your ∂C/∂W2 agrees with the engine's in all 3")
    assert main(["check", str(script), "--wrt", "W2", "--expected", _bmatrix(4 * hand)]) == 1
    assert "1/m is missing" in capsys.readouterr().out.splitlines()[0]


def test_an_entry_that_agrees_by_its_first_digits_is_shown_so_in_the_table():
    """0.00402 typed for ∂C/∂w³₁₁ = 0.0040286 agrees (the engine's number begins with it),
    but the table showed the engine's as 0.00403 beside 'yes': the two columns said
    different numbers agree.  Oracle: hand-written numpy backprop."""
    from autograd.value import Value
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]
    cut = [f"{math.floor(v * 1e5) / 1e5:.5f}" for v in hand]       # the first three digits
    assert any(f"{v:.3g}" != c for v, c in zip(hand, cut))           # one rounds otherwise
    verdict = check(cost, "W2", [[c] for c in cut])
    assert verdict
    for line, typed, value in zip(verdict.lines[-3:], cut, hand):
        yours, engine = line.split()[-3:-1]
        assert yours == typed and engine.startswith(typed) and engine == f"{value:.4g}"
    w = Value(0.3)
    C = (w * 0.0040286).named("C")
    values = check(C, [w], ["0.00402"])
    assert values and values.lines[-1].split()[-3:] == ["0.00402", "0.004029", "yes"]


def test_nan_and_inf_typed_as_numpy_prints_them_are_read_as_numbers():
    """numpy and PyTorch print NaN and infinity as nan and inf; pasted, '[[nan], ...]' was
    refused ("the entry in row 1, column 1 is 'nan', not a number") where the float NaN is
    read and named, and an inf entry that disagreed was not named.  Oracle: hand numpy, and
    an overflowing ReLU network whose gradients are inf (as PyTorch's are)."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]
    rest = f"[{hand[1]:.3g}], [{hand[2]:.3g}]"
    verdict = check(cost, "W2", f"[[nan], {rest}]")
    assert verdict.agree == [[False], [True], [True]]
    assert "(W2[1,1] is NaN, which agrees with nothing)" in verdict.finding
    verdict = check(cost, "W2", f"[[-inf], {rest}]")
    assert verdict.agree == [[False], [True], [True]]
    assert "(W2[1,1] is -inf, which agrees with nothing finite)" in verdict.finding
    net = nn.MLP.from_matrices([[[1e200, 1.0]], [[1e200], [1.0]]], [[[0.0, 0.0]], [[0.0]]],
                               activation="relu", layout="rows")
    huge = nn.half_mean_squared_error(net.batch([[1e10], [1.0]]), [[0.0], [1.0]])
    huge.backward()
    torch = pytest.importorskip("torch")
    t = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1),
                            torch.nn.ReLU()).double()
    with torch.no_grad():
        t[0].weight[:] = torch.tensor([[1e200], [1.0]])
        t[0].bias[:] = 0.0
        t[2].weight[:] = torch.tensor([[1e200, 1.0]])
        t[2].bias[:] = 0.0
    out = t(torch.tensor([[1e10], [1.0]], dtype=torch.float64))
    (((out - torch.tensor([[0.0], [1.0]], dtype=torch.float64)) ** 2).mean() / 2).backward()
    printed = str(t[2].weight.grad.T.tolist())                 # [[inf], [inf]]
    assert "inf" in printed and check(huge, "W2", printed)


@pytest.mark.parametrize("typed", [
    r"\delta_2 = \frac{1}{m}(A_2 - Y) \odot \sigma^{\prime}(Z_2) \\ A_1^T \delta_2",
    r"\delta_2 = \frac{1}{m}(A_2 - Y) \odot \sigma^\prime(Z_2) \\ A_1^T \delta_2",
    "A1ᵀ·((A2 − Y) ⊙ σ′(Z2))/m",                        # Nielsen's book prints σ′
])
def test_a_prime_as_latex_and_books_write_it(typed):
    r"""σ^{\prime}(Z_2) and σ′(Z2) were refused ('the LaTeX command \prime is not one this
    reader knows', "cannot read '′(Z2)'"), though the scalar check reads both.  Oracle: hand
    numpy."""
    _, cost = blog()
    verdict = check(cost, "W2", typed)
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    assert verdict and np.allclose(verdict.expected, hand, rtol=1e-12)


def test_one_matrix_transposed_is_named_and_the_advice_followed_builds_the_network():
    """from_matrices([W1, W2ᵀ], layout='rows') advised 'the other layout is
    layout='columns'', which fails too (W1 does not fit it); a whole list in the other
    layout had no advice; a 1-d W2 of a one-output layer (numpy's np.array([0.8, -0.6,
    0.4])) was refused.  Oracle: hand numpy backprop of the network the advice builds."""
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    row = [[0.8, -0.6, 0.4]]
    with pytest.raises(ValueError, match=r"W2 must be 3 × n .* it is 1×3, which fits transposed: "
                                         r"give W2\.T \(W1 is in layout='rows'\)$"):
        nn.MLP.from_matrices([W1, row], [b1, b2], layout="rows")
    with pytest.raises(ValueError, match=r"it is 1×3; all the weights fit layout='columns', "
                                         r"where the matrices are outputs × inputs$"):
        nn.MLP.from_matrices([np.array(W1).T, np.array(W2).T], layout="rows")
    for net in (nn.MLP.from_matrices([W1, np.array(row).T], [b1, b2], layout="rows"),
                nn.MLP.from_matrices([np.array(W1).T, np.array(W2).T], [np.array(b1).T, b2],
                                     layout="columns"),
                nn.MLP.from_matrices([W1, np.array(row[0])], [b1, b2], layout="rows")):
        cost = nn.half_mean_squared_error(net.batch(X), Y)
        cost.backward()
        got = net.gradient_matrices(layout="rows")
        assert np.allclose(got["W1"], hand["W1"], rtol=1e-12) and np.allclose(got["W2"], hand["W2"],
                                                                             rtol=1e-12)


def test_a_batch_given_a_column_per_sample_says_to_transpose_it():
    """In Nielsen's layout X is inputs × m and Y outputs × m; net.batch(X) said 'MLP 2-3-1
    expects 2 inputs, got 4 (sample 1 of the batch)' and the loss '4 samples of outputs but
    1 samples of targets', neither naming the layout.  Following the advice gives the cost
    of hand numpy backprop."""
    net = nn.MLP.from_matrices([np.array(W1).T, np.array(W2).T], [np.array(b1).T, b2],
                               layout="columns")
    Xc, Yc = np.array(X).T, np.array(Y).T
    with pytest.raises(ValueError, match=r"^MLP 2-3-1 expects 2 inputs, got 4 \(sample 1 of the "
                                         r"batch\); if the samples are columns \(2×4, .*: "
                                         r"net\.batch\(X\.T\)$"):
        net.batch(Xc)
    outputs = net.batch(Xc.T)
    for loss in (nn.half_mean_squared_error, nn.half_squared_error):
        with pytest.raises(ValueError, match=r"4 samples of outputs but 1 sample of targets; .*"
                                             r"if the targets are columns \(1×4, .*: Y\.T$"):
            loss(outputs, Yc)
    cost = nn.half_mean_squared_error(outputs, Yc.T)
    A2 = sigmoid(sigmoid(np.array(X) @ np.array(W1) + np.array(b1)) @ np.array(W2) + np.array(b2))
    assert cost.data == pytest.approx(((A2 - np.array(Y)) ** 2).sum() / (2 * len(X)), rel=1e-12)


def test_an_array_or_tensor_pasted_as_jupyter_shows_it_keeps_its_digits():
    """repr(array) as Jupyter shows it, 'array([[0.0040286 ], ...]])', and PyTorch's
    'tensor([[0.0040], ...], dtype=torch.float64)' were read as formulas ("array(…) is not
    a function this formula reader knows").  Oracle: hand numpy backprop, and PyTorch."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for name in ("W1", "W2", "b1"):
        assert check(cost, name, repr(hand[name])), name
    assert check(cost, "b1", repr(hand["b1"].ravel())).finding.endswith(
        "(each to the digits you typed).")                    # a 1-d array: b1's row
    assert "1/m is missing" in check(cost, "W2", repr(4 * hand["W2"])).finding
    torch = pytest.importorskip("torch")
    A1 = torch.tensor(hand["A1"])
    w = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    A2 = torch.sigmoid(A1 @ w + torch.tensor(b2, dtype=torch.float64))
    (((A2 - torch.tensor(Y, dtype=torch.float64)) ** 2).mean() / 2).backward()
    for shown in (repr(w.grad), repr(w.grad * 1), repr(w.grad.float()), repr(w.grad + 0 * w)):
        verdict = check(cost, "W2", shown)
        assert verdict and "each to the digits you typed" in verdict.finding, shown
    assert not check(cost, "W2", repr(w.grad.T.flip(1)).replace("tensor", "torch.tensor"))


@pytest.mark.parametrize("layer", [2, 1])
def test_the_derivative_taken_at_the_activations_is_named(layer):
    """σ'(A2) where BP1 needs σ'(Z2) (sigmoid_prime applied to the activations, a common
    slip since σ'(z) = a(1 − a)) was 'no common matrix mistake'.  Oracle: hand numpy with
    that slip made."""
    _, cost = blog()
    Xa, Ya, A1 = np.array(X), np.array(Y), numpy_backprop(X, Y, W1, b1, W2, b2)["A1"]
    A2 = sigmoid(A1 @ np.array(W2) + np.array(b2))

    def prime(A, slip):
        return sigmoid(A) * (1 - sigmoid(A)) if slip else A * (1 - A)
    d2 = (A2 - Ya) / len(X) * prime(A2, layer == 2)
    d1 = (d2 @ np.array(W2).T) * prime(A1, layer == 1)
    slipped = A1.T @ d2 if layer == 2 else Xa.T @ d1
    name = "W2" if layer == 2 else "W1"
    verdict = check(cost, name, slipped)
    assert not verdict
    assert verdict.finding == (f"Your ∂C/∂{name} is not the engine's: the factor is σ'(A{layer}) "
                               f"where {'BP1' if layer == 2 else 'BP2'} has σ'(Z{layer}): the "
                               f"derivative is taken at the activations, not at the weighted "
                               f"inputs (σ'(z) = a(1 − a) is already written in a).")
    formula = "A1.T @ ((A2 - Y)/m * σ'(A2))" if layer == 2 else \
        "d2 = (A2 - Y)/m * σ'(Z2); X.T @ (d2 @ W2.T * σ'(A1))"
    assert check(cost, name, formula).matrix_diagnosis == verdict.matrix_diagnosis


def test_the_weights_themselves_given_for_their_gradient_are_named():
    """check(C, 'W2', W2) (the parameter passed, not its .grad) was 'no common matrix
    mistake'; the numbers are W2's own, which the verdict now says."""
    _, cost = blog()
    for name, given in (("W2", W2), ("W1", np.array(W1)), ("b1", b1)):
        verdict = check(cost, name, given)
        assert not verdict and verdict.finding.startswith(
            f"These are {name}'s own numbers (the parameters), not ∂C/∂{name}"), name


def test_entries_typed_and_given_as_floats_are_each_said_at_their_own_precision():
    """A matrix mixing typed entries and full floats said 'within the 3 significant digits
    you gave' (the first entry's) or 'within tolerance: relative 1e-06' for all of them.
    Oracle: hand numpy backprop."""
    _, cost = blog()
    g = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]
    both = "(each typed entry to its digits, the others within tolerance: relative 1e-06, absolute 1e-12)."
    for given in ([[f"{g[0]:.3g}"], [float(g[1])], [f"{g[2]:.3g}"]],
                  [[float(g[0])], [f"{g[1]:.3g}"], [f"{g[2]:.3g}"]]):
        verdict = check(cost, "W2", given)
        assert verdict and verdict.finding.endswith(both), verdict.finding
    wrong = check(cost, "W2", [[float(g[0])], [f"{g[1] * 1.1:.3g}"], [f"{g[2]:.3g}"]])
    assert not wrong and f"2 of 3 entries agree {both}" in wrong.lines


def test_a_square_matrix_of_values_transposed_is_named():
    """A square matrix of one's own Values given its gradient transposed was 'disagrees in 2
    of 4 entries' (the docs promise a transposed matrix is named), and a NaN entry was not
    named as in a network's matrix.  Oracle: the hand derivative of ½Σ(tanh(xW) − y)²."""
    from autograd.value import Value
    W = [[Value(0.5), Value(-0.3)], [Value(0.2), Value(0.8)]]
    x, y = [1.0, 2.0], [0.0, 1.0]
    out = [sum(x[k] * W[k][j] for k in range(2)).tanh() for j in range(2)]
    C = 0.5 * sum((o - t) ** 2 for o, t in zip(out, y))
    a = np.tanh(np.array(x) @ np.array([[0.5, -0.3], [0.2, 0.8]]))
    hand = np.outer(x, (a - y) * (1 - a ** 2))                 # ∂C/∂W[k][j] = x_k δ_j
    assert check(C, W, hand)
    verdict = check(C, W, hand.T)
    assert not verdict and verdict.matrix_diagnosis == "transposed"
    assert verdict.finding.endswith("2 of 4 entries ([0][1], [1][0]): it is the engine's "
                                    "transposed.")
    nan = check(C, W, [[np.nan, hand[0, 1]], [hand[1, 0], hand[1, 1]]])
    assert "(wrt[0][0] is NaN, which agrees with nothing)" in nan.finding


@pytest.mark.parametrize("call, error, words", [
    (lambda c, d: d(c, digits=-1), ValueError, r"^draw: digits must be an int from 1 to 17, got -1$"),
    (lambda c, d: d(c, digits="3"), ValueError, r"^draw: digits must be an int from 1 to 17, got '3'$"),
    (lambda c, d: d(c, most=None), TypeError, r"^draw: most must be an int \(the most entries .*\), "
                                              r"got None$"),
    (lambda c, d: d([c]), TypeError, r"^draw: expected the cost of a batch \(a Value\) to draw, got list"),
])
def test_draw_matrices_names_a_bad_argument_in_one_line(call, error, words):
    """draw_matrices(C, digits=-1) raised 'Format specifier missing precision', digits='3'
    'can only concatenate str', most=None a comparison error and a list of costs
    'unhashable type: list'."""
    from autograd.matrix_draw import draw_matrices
    _, cost = blog()
    with pytest.raises(error, match=words) as raised:
        call(cost, draw_matrices)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("typed", [
    r"\Delta b_2 = \dfrac{1}{m}\sum (o_2 - Y)\odot sigmoid(i_2)\odot(1 - sigmoid(i_2))",
    r"\Delta b_2 = \frac{1}{m}\sum_{i=1}^{m}(o_2 - Y)\odot o_2\odot(1-o_2)",
    r"\Delta b_2 = \sum_i^m \dfrac{1}{m}(o_2 - Y)\odot(o_2\odot (1 - o_2))",
    r"\Delta b_2 = \frac{1}{m}\sum\limits_{i=1}^{m}(o_2 - Y)\odot o_2\odot(1-o_2)",
    r"\Delta b_1 = \sum ((\dfrac{1}{m}(o_2 - Y)\odot (o_2\odot (1 - o_2)))\times W_2^T)\odot o_1\odot (1 - o_1)",
    r"\Delta b_2 = \sum \frac{1}{m}(o_2 - Y)\odot o_2\odot(1-o_2) + 0",
])
def test_a_sum_covers_the_product_after_it(typed):
    r"""In the blog's notation Σ (o_2 − Y) ⊙ o_2 ⊙ (1 − o_2) sums the whole product over the
    batch; the reader summed only (o_2 − Y), then multiplied: 'is 4×1, but ∂C/∂b2 has b2's
    shape 1×1'.  \sum_i^m and \sum\limits were refused.  Oracle: hand numpy backprop."""
    _, cost = blog()
    name = "b1" if "b_1" in typed else "b2"
    verdict = check(cost, name, typed)
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)[name]
    assert verdict and np.allclose(verdict.expected, hand, rtol=1e-12)


@pytest.mark.parametrize("bp2", [
    r"\delta^2 = ((w^{2+1})^T\delta^{2+1})\odot\sigma'(z^2)",      # seed 002 as the asker typed it
    r"\delta^2 = ((w^{3})^\top\delta^{3})\odot\sigma'(z^2)",
    r"\delta^2 = ((w^{3})^{\top}\boldsymbol{\delta}^{3})\odot\sigma'(z^2)",
])
def test_nielsens_bp2_as_typed_in_the_question(bp2):
    r"""((w^{2+1})^T\delta^{2+1}): '^T\delta' was read as a name 'Tδ^{3}' ("not bound"), and a
    layer written 2+1 as 'w' to a power.  Oracle: BP1-BP4 by hand in numpy for the
    question's 2-3-1 network, one sample."""
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    x = np.array([[0.6], [-0.4]])
    w2, w3 = np.array([[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]]), np.array([[0.7, -0.2, 0.3]])
    a2 = sigmoid(w2 @ x + np.array([[0.1], [0.0], [-0.1]]))
    a3 = sigmoid(w3 @ a2)
    d3 = (a3 - 0.25) * a3 * (1 - a3)
    d2 = (w3.T @ d3) * a2 * (1 - a2)
    verdict = check(C, "W2", rf"\delta^3 = (a^3-y)\odot\sigma'(z^3) \\ {bp2} \\ \delta^2 (a^1)^T")
    assert verdict and np.allclose(verdict.expected, d2 @ x.T, rtol=1e-12)


@pytest.mark.parametrize("typed", [r"\begin{bmatrix} 0.00403 \\ 0.0094 \end{bmatrix}",
                                   "array([[0.00403],\n       [0.0094 ]])"])
def test_a_matrix_for_one_weight_is_refused_as_a_matrix(typed):
    r"""A LaTeX matrix or an array's repr checked against one weight (w3_11) was read as a
    scalar formula: 'a number right after a factor; write * between them' or "no node has
    this name ('array')", where '[[0.00403], [0.0094]]' says it is a matrix."""
    _, cost = blog()
    with pytest.raises(ValueError, match=r"is a matrix, but the gradient with respect to "
                                         r"'w3_11' = 0\.8 is one number; a matrix goes with a "
                                         r"matrix name \(W2, b1\) or a layer$"):
        check(cost, "w3_11", typed)


@pytest.mark.parametrize("typed", ["[[0,00403], [0,00940], [0,00769]]", "[0,00403; 0,0094; 0,00769]"])
def test_a_matrix_with_decimal_commas_is_named(typed):
    """'[[0,00403], [0,00940], [0,00769]]' (decimal commas) was read as a 3×2 matrix of
    0 and 403, 940, 769: 'is 3×2, but ∂C/∂W2 has W2's shape 3×1'.  The scalar check names
    a decimal comma; the matrix check now does too."""
    _, cost = blog()
    with pytest.raises(ValueError, match=r"'00403' .* decimal comma; write the decimal point "
                                         r"as a dot: 0\.00403$"):
        check(cost, "W2", typed)
    assert check(cost, "W2", typed.replace("0,0", "0.0"))


@pytest.mark.parametrize("typed", ["np.mean((A2 - Y) * A2 * (1 - A2), axis=0)",
                                   "((A2 - Y) * A2 * (1 - A2)).mean(axis=0)",
                                   "np.mean((A2 - Y) * σ'(Z2), axis=0, keepdims=True)",
                                   "np.mean((A2 - Y) * σ'(Z2), 0)"])
def test_the_mean_over_the_batch_as_numpy_code_writes_it(typed):
    """db2 = np.mean(dZ2, axis=0) (the 1/m as a mean) was refused: 'np.mean(…) is not a
    function this formula reader knows'.  Oracle: hand numpy backprop."""
    _, cost = blog()
    verdict = check(cost, "b2", typed)
    assert verdict and np.allclose(verdict.expected, numpy_backprop(X, Y, W1, b1, W2, b2)["b2"],
                                   rtol=1e-12)


def test_a_row_written_transposed_is_a_column_and_a_matrix_in_a_formula_is_refused():
    r"""Posts write a column as a row transposed: \begin{bmatrix} a & b & c \end{bmatrix}^T
    and [a, b, c]^T were refused ("found '^T'", "'^T' is outside a row's [ ]"), and a LaTeX
    matrix inside a formula (\frac{1}{4}\begin{bmatrix}…) was split into statements and its
    last number checked: 'is 1×1'.  Oracle: hand numpy backprop."""
    _, cost = blog()
    g = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]
    row = " & ".join(f"{v:.3g}" for v in g)
    for typed in (rf"\begin{{bmatrix}} {row} \end{{bmatrix}}^T",
                  rf"$$\left[\begin{{matrix}} {row} \end{{matrix}}\right]^{{\top}}$$",
                  "[" + ", ".join(f"{v:.3g}" for v in g) + "]^T"):
        verdict = check(cost, "W2", typed)
        assert verdict and "each to the digits you typed" in verdict.finding, typed
    column = rf"\begin{{bmatrix}} {row} \end{{bmatrix}}^T"
    assert check(cost, "b1", column).finding.startswith("This is ∂C/∂W2, not ∂C/∂b1")
    with pytest.raises(MatrixFormulaError, match=r"a LaTeX matrix of numbers is read alone"):
        check(cost, "W2", r"\frac{1}{4}\begin{bmatrix} 0.0161 \\ 0.0376 \\ 0.0308 \end{bmatrix}")


def test_an_array_environment_in_a_formula_is_refused_as_a_bmatrix_is():
    r"""\begin{array}{c} … \end{array} is read as a matrix of numbers alone, as bmatrix is,
    but inside a formula it was not known as one: \frac{1}{4}\begin{array}{c} … said "'c' is
    not bound in this formula".  It is refused as the bmatrix is; alone, its numbers are
    checked.  Oracle: hand numpy backprop."""
    _, cost = blog()
    with pytest.raises(MatrixFormulaError, match=r"a LaTeX matrix of numbers is read alone"):
        check(cost, "W2", r"\frac{1}{4}\begin{array}{c} 0.0161 \\ 0.0376 \\ 0.0308 \end{array}")
    g = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]
    column = r" \\ ".join(f"{v:.3g}" for v in g)
    assert check(cost, "W2", rf"\begin{{array}}{{c}} {column} \end{{array}}")


class _Interrupting:
    """An input whose number is asked for as Ctrl-C arrives."""

    def __float__(self):
        raise KeyboardInterrupt


@pytest.mark.parametrize("bad", [[3.0], [3.0, "x"], [3.0, _Interrupting()]])
def test_a_batch_that_fails_leaves_the_layers_nodes_as_they_were(bad):
    """net.batch([[1, 2], [3]]) failed at sample 2 but left each layer's z and a (and
    net.inputs) on sample 1's nodes, so layers[-1].delta read another pass's δ."""
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    C = nn.half_squared_error(net(X[0]), Y[0])
    C.backward()
    kept = net.inputs, [(layer.z, layer.a) for layer in net.layers], list(net.layers[-1].delta)
    with pytest.raises((ValueError, TypeError, KeyboardInterrupt)):
        net.batch([X[1], bad])
    assert net.inputs is kept[0]
    assert all(layer.z is z and layer.a is a for layer, (z, a) in zip(net.layers, kept[1]))
    A2 = sigmoid(sigmoid(np.array([X[0]]) @ np.array(W1) + np.array(b1)) @ np.array(W2) + np.array(b2))
    assert list(net.layers[-1].delta) == kept[2]
    assert kept[2][0] == pytest.approx(((A2 - Y[0][0]) * A2 * (1 - A2))[0, 0], rel=1e-12)


@pytest.mark.parametrize("name", ["sigmoid_derivative", "sigmoid_grad", "d_sigmoid"])
def test_a_tutorials_derivative_function_says_what_to_write(name):
    """sigmoid_derivative(Z2) (a tutorial's helper: σ'(z) in some, a(1 − a) of the
    activation in others) was refused mid-name: "cannot read '_derivative('"."""
    _, cost = blog()
    with pytest.raises(MatrixFormulaError, match=rf"^{name}\(…\) is not a function this formula "
                                                 rf"reader knows: .*write σ'\(Z2\) for σ'\(z\), "
                                                 rf"or A2 \* \(1 - A2\)"):
        check(cost, "W2", f"A1.T @ ((A2 - Y)/m * {name}(Z2))")
    assert check(cost, "W2", "A1.T @ ((A2 - Y)/m * sigmoid_prime(Z2))")


def test_a_latex_matrixs_entries_as_posts_align_and_mark_them():
    r"""Entries aligned with \phantom{-}, or marked \num{…} (siunitx), \mathbf{…}, \text{…}
    were refused: "the entry in row 2, column 1 is '\\phantom{-}0.0094', not a number".
    Oracle: hand numpy backprop."""
    _, cost = blog()
    g = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]
    for wrap in (r"\phantom{{-}}{}", r"\num{{{}}}", r"\mathbf{{{}}}", r"\text{{{}}}", r"\hphantom{{-}}{}"):
        cells = r" \\ ".join(wrap.format(f"{v:.3g}") for v in g)
        verdict = check(cost, "W2", rf"\begin{{bmatrix}} {cells} \end{{bmatrix}}")
        assert verdict and "each to the digits you typed" in verdict.finding, wrap


@pytest.mark.parametrize("given, words", [
    ([[10 ** 400], [0], [0]], r"^expected: the entry in row 1, column 1 is the int of 401 digits "
                              r"\(100000\.\.\.\), too large for a float$"),
    ("[[1e400], [0], [0]]", r"^expected: the entry in row 1, column 1: the number '1e400' is "
                            r"beyond what a float can hold"),
    ("[[0], [1e-400], [0]]", r"^expected: the entry in row 2, column 1: the number '1e-400' is "
                             r"beyond what a float can hold"),
    ("[[0], [0], [" + "1" * 120 + "]]", r"^expected: the entry in row 3, column 1: the number "
                                        r"'1111.* is too long"),
])
def test_a_number_no_float_holds_is_named_by_its_entry(given, words):
    """An int beyond a float raised OverflowError with a traceback; '1e400' typed was read as
    inf and '1e-400' as 0 and judged, where the scalar check refuses both (read_number)."""
    _, cost = blog()
    with pytest.raises(ValueError, match=words) as raised:
        check(cost, "W2", given)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("name", ["W2", "W1", "b2"])
def test_a_squared_errors_bp1_used_with_cross_entropy_is_named(name):
    """δ² = (A2 − Y)/m ⊙ σ'(Z2) (BP1 of a squared error) checked against a binary
    cross-entropy cost, whose δ is (A2 − Y)/m (σ' cancels), was 'no common matrix
    mistake'.  Oracle: hand numpy backprop with that δ."""
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    cost = nn.binary_cross_entropy(net.batch(X), Y)
    cost.backward()
    Xa, Ya, A1 = np.array(X), np.array(Y), numpy_backprop(X, Y, W1, b1, W2, b2)["A1"]
    A2 = sigmoid(A1 @ np.array(W2) + np.array(b2))
    d2 = (A2 - Ya) / len(X) * A2 * (1 - A2)                     # the squared error's BP1
    d1 = (d2 @ np.array(W2).T) * A1 * (1 - A1)
    slipped = {"W2": A1.T @ d2, "W1": Xa.T @ d1, "b2": d2.sum(axis=0, keepdims=True)}[name]
    verdict = check(cost, name, slipped)
    assert not verdict and "the ⊙ σ'(Z2) factor is one too many: (A − Y) ⊙ σ'(Z) is BP1 of a " \
        "squared error; with cross-entropy after a sigmoid BP1 gives δ = A − Y" in verdict.finding
    assert check(cost, name, {"W2": A1.T @ (A2 - Ya), "W1": Xa.T @ ((A2 - Ya) @ np.array(W2).T * A1 * (1 - A1)),
                              "b2": (A2 - Ya).sum(axis=0, keepdims=True)}[name] / len(X))


@pytest.mark.parametrize("typed, turned", [
    (r"\frac{\partial L}{\partial \mathbf{b}_2} = \mathbf{1}^T \boldsymbol{\delta}_2", False),
    (r"\frac{\partial L}{\partial \mathbf{b}_2} = \boldsymbol{\delta}_2^T \mathbf{1}", True),
    (r"\frac{\partial L}{\partial \mathbf{b}_2} = \mathbb{1}^{\top} \boldsymbol{\delta}_2", False),
])
def test_the_ones_vector_sums_over_the_batch(typed, turned):
    r"""∂L/∂b = 1ᵀ δ (the ones vector adds δ's rows: BP3 in matrix form) read \mathbf{1} as
    the number 1 and said 'b2's gradient is not summed over the batch'.  Oracle: hand numpy
    backprop."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    delta = r"\boldsymbol{\delta}_2 = \frac{1}{m}(\mathbf{a}_2 - \mathbf{y}) \odot \sigma'(\mathbf{z}_2) \\ "
    verdict = check(cost, "b2" if "b}_2" in typed else "b1", delta + typed)
    assert np.allclose(verdict.expected, hand["b2"].T if turned else hand["b2"], rtol=1e-12)
    assert bool(verdict) is True          # b2 is 1 × 1: its column is its row
    one = check(cost, "b1", r"\delta_2 = \frac{1}{m}(o_2 - Y) \odot \sigma'(i_2) \\ \delta_1 = "
                            r"(\delta_2 W_2^T) \odot \sigma'(i_1) \\ \mathbf{1}^T \delta_1")
    assert one and np.allclose(one.expected, hand["b1"], rtol=1e-12)
    with pytest.raises(MatrixFormulaError, match=r"the ones vector .* is read in a product"):
        check(cost, "b2", r"\sigma(\mathbf{1})")
    whole = check(cost, "b1", r"\Delta b_1 = \mathbf{1}^T ((\dfrac{1}{m}(o_2 - Y)\odot (o_2\odot "
                              r"(1 - o_2)))\times W_2^T)\odot o_1\odot (1 - o_1)")
    assert whole and np.allclose(whole.expected, hand["b1"], rtol=1e-12)   # 1ᵀ, as Σ, covers it all


@pytest.mark.parametrize("typed", [
    "delta2 = (A2 - Y)/m * sigmoid_prime(Z2)\r\ndW2 = np.dot(A1.T, delta2)\r\n",   # Windows
    "delta2 = (A2 - Y)/m * sigmoid_prime(Z2)  # BP1\ndW2 = np.dot(A1.T, delta2)  # BP4\n",
    "δ2 := (A2 - Y)/m ⊙ σ'(Z2); A1ᵀ δ2",
    "δ2 ← (A2 - Y)/m ⊙ σ'(Z2); A1ᵀ δ2",
    r"\delta_2 \coloneqq \frac{1}{m}(A_2 - Y) \odot \sigma'(Z_2) \\ A_1^T \delta_2",
    r"\delta_2 \leftarrow \frac{1}{m}(A_2 - Y) \odot \sigma'(Z_2) \\ A_1^T \delta_2",
])
def test_numpy_code_and_assignments_as_pasted(typed):
    """Code pasted from Windows (\\r\\n), with its # comments, and assignments written :=,
    ← or \\coloneqq were refused ("cannot read '\\r\\ndW2'", "cannot read '# BP4'",
    "cannot read ':='").  Oracle: hand numpy backprop."""
    _, cost = blog()
    verdict = check(cost, "W2", typed)
    assert verdict and np.allclose(verdict.expected, numpy_backprop(X, Y, W1, b1, W2, b2)["W2"],
                                   rtol=1e-12)


def test_np_power_as_the_course_code_writes_tanhs_derivative():
    """dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2)) (a well-known course's code) was
    refused: 'np.power(…) is not a function this formula reader knows'.  Oracle: hand numpy
    backprop of a tanh-sigmoid network with binary cross-entropy, Nielsen's numbering."""
    net = nn.MLP.from_matrices([np.array(W1).T, np.array(W2).T], [np.array(b1).T, b2],
                               activation=["tanh", "sigmoid"], layout="columns")
    cost = nn.binary_cross_entropy(net.batch(X), Y)
    cost.backward()
    Xc, Yc = np.array(X).T, np.array(Y).T
    A2 = np.tanh(np.array(W1).T @ Xc + np.array(b1).T)
    A3 = sigmoid(np.array(W2).T @ A2 + np.array(b2))
    dZ2 = (np.array(W2) @ (A3 - Yc)) * (1 - A2 ** 2)
    code = ("dZ3 = A3 - Y\ndW3 = 1/m * np.dot(dZ3, A2.T)\n"
            "dZ2 = np.dot(W3.T, dZ3) * (1 - np.power(A2, 2))\n"
            "dW2 = 1/m * np.dot(dZ2, X.T)\ndb2 = 1/m * np.sum(dZ2, axis=1, keepdims=True)\n")
    for name, hand in (("W2", dZ2 @ Xc.T / len(X)), ("b2", dZ2.sum(axis=1, keepdims=True) / len(X))):
        verdict = check(cost, name, code)
        assert verdict and np.allclose(verdict.expected, hand, rtol=1e-12), name


def test_samples_run_without_their_numbers_are_refused_not_mixed_up():
    """C = loss(net(x1), y1) + loss(net(x2), y2) names both passes' nodes alike (x1, z2_1,
    ...): the matrices were read from one pass only, so explain's BP4 sum (0.0786) contradicted
    its own first line (0.0152), and W1's gradient transposed was 'its numbers do not agree
    either'.  Such a graph is now refused in one line saying how to name the samples."""
    from autograd.explain import explain
    from autograd.matrix_draw import draw_matrices
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    C = nn.half_squared_error(net(X[0]), Y[0]) + nn.half_squared_error(net(X[1]), Y[1])
    C.backward()
    words = (r"^two nodes are named x1 below this root: the samples ran as net\(x\) without "
             r"their numbers; run them with net\.batch\(X\) \(or net\(x, sample=i\)\)")
    for call in (lambda: check(C, "W1", [[0.0] * 3] * 2), lambda: draw_matrices(C),
                 lambda: explain(C, net.layers[1], entry=(1, 1))):
        with pytest.raises(ValueError, match=words):
            call()
    one = nn.half_squared_error(net(X[0]), Y[0])            # one pass: a batch of one
    one.backward()
    hand = numpy_backprop([X[0]], [Y[0]], W1, b1, W2, b2)
    assert check(one, "W1", hand["W1"]) and check(one, "W2", hand["W2"])


def test_float32_rows_or_scalars_in_a_list_are_judged_as_the_array_is():
    """list(arr) of a float32 array (its rows as arrays) raised 'only 0-dimensional arrays can
    be converted to Python scalars', list(tensor) 'only one element tensors can be converted',
    and [list(row) for row in arr] (np.float32 entries) was judged at float64's precision:
    'disagrees in 2 of 6 entries'.  Oracle: backprop by hand in float32 numpy."""
    _, cost = blog()
    f32 = [np.array(M, dtype=np.float32) for M in (X, Y, W1, b1, W2, b2)]
    Xf, Yf, W1f, b1f, W2f, b2f = f32
    A1 = sigmoid(Xf @ W1f + b1f)
    A2 = sigmoid(A1 @ W2f + b2f)
    d2 = (A2 - Yf) / np.float32(len(X)) * A2 * (1 - A2)
    g = Xf.T @ ((d2 @ W2f.T) * A1 * (1 - A1))
    assert g.dtype == np.float32
    for given in (list(g), [list(row) for row in g], [[np.float32(x) for x in row] for row in g]):
        verdict = check(cost, "W1", given)
        assert verdict and "float32 numbers, so within tolerance" in verdict.finding
    torch = pytest.importorskip("torch")
    assert check(cost, "W1", list(torch.from_numpy(g)))


def test_a_float32_arrays_tolist_is_judged_as_the_array_is():
    """g.tolist() of a float32 array (Python floats, each a float32 number) was judged at
    float64's precision: 'Your ∂C/∂W1 disagrees with the engine's in 2 of 6 entries; no
    common matrix mistake (...) reproduces it', for backprop that is right in float32; so was
    a float32 tensor's .tolist(). It is now judged as the array is. Oracle: backprop by hand
    in float32 numpy, and in float64 (its .tolist() stays at full precision)."""
    _, cost = blog()
    Xf, Yf, W1f, b1f, W2f, b2f = (np.array(M, dtype=np.float32) for M in (X, Y, W1, b1, W2, b2))
    A1 = sigmoid(Xf @ W1f + b1f)
    A2 = sigmoid(A1 @ W2f + b2f)
    d2 = (A2 - Yf) / np.float32(len(X)) * A2 * (1 - A2)
    d1 = (d2 @ W2f.T) * A1 * (1 - A1)
    grads = {"W1": Xf.T @ d1, "b1": d1.sum(axis=0), "W2": A1.T @ d2, "b2": d2.sum(axis=0)}
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for name, g in grads.items():
        assert g.dtype == np.float32
        if name == "W1":       # float32's rounding is more than float64's tolerance allows
            assert not np.allclose(g, hand[name], rtol=1e-6, atol=1e-12)
        verdict = check(cost, name, g.tolist())
        assert verdict, (name, verdict.finding)
        assert "float32 numbers, so within tolerance" in verdict.finding
        wrong = check(cost, name, (g * np.float32(1.001)).tolist())
        assert not wrong and "float32 numbers" in wrong.lines[0]
    assert "m = 4 times too large" in check(cost, "W1", (grads["W1"] * 4).tolist()).finding
    full = check(cost, "W1", hand["W1"].tolist())            # float64: full precision, agrees
    assert full and "relative 1e-06" in full.finding
    assert not check(cost, "W1", (hand["W1"] * (1 + 3e-6)).tolist())
    torch = pytest.importorskip("torch")
    assert check(cost, "W1", torch.from_numpy(grads["W1"]).tolist())


def test_a_float32_printout_off_in_its_last_digits_says_how_many_digits_agree():
    """print(g) of a float32 numpy backprop shows 8 decimals and no dtype, more than float32
    holds: pasted, it said "Your ∂C/∂W2 disagrees with the engine's in 2 of 12 entries; no
    common matrix mistake (...) reproduces it", as for wrong backprop (a 1.3730262e-03
    printout: 12 of 12). One number's verdict says "Disagrees at the 8 significant digits
    you gave but agrees to 7"; the matrix's now says to how many leading digits the
    disagreeing entries agree. Oracle: the printout against backprop by hand in float64."""
    sizes, Ws, bs, Xs, Ys = nielsen_3_4_2(8)
    net = nn.MLP(sizes, weights=Ws, biases=bs)
    cost = nn.half_squared_error(net.batch(Xs.T), Ys.T)
    cost.backward()

    def backprop(dtype):
        W2, W3, b2, b3, x, y = (np.asarray(M, dtype=dtype) for M in (*Ws, *bs, Xs, Ys))
        a2 = sigmoid(W2 @ x + b2)
        a3 = sigmoid(W3 @ a2 + b3)
        d3 = (a3 - y) * a3 * (1 - a3) / dtype(5)
        return ((W3.T @ d3) * a2 * (1 - a2)) @ x.T
    single, double = backprop(np.float32), backprop(np.float64)
    printed = str(single)
    assert "float32" not in printed
    verdict = check(cost, "W2", printed, layout="columns")
    assert not verdict
    typed = [float(t) for t in printed.replace("[", " ").replace("]", " ").split()]
    found = re.fullmatch(r"Your ∂C/∂W2 disagrees with the engine's at the digits you typed in "
                         r"(\d+) of 12 entries, but (those agree|that entry agrees) to the "
                         r"first (\d) significant digits: rounded intermediate values, or "
                         r"float32 arithmetic \(about 7 digits\), give a difference this small\.",
                         verdict.finding)
    assert found, verdict.finding
    wrong_entries, k = int(found.group(1)), int(found.group(3))
    off_by = [abs(t - h) for t, h in zip(typed, double.ravel())]    # numpy prints 8 decimals
    assert sum(d > 1e-8 for d in off_by) <= wrong_entries <= sum(d > 0.5e-8 for d in off_by)
    assert 5 <= k < 8 and all(d <= 10.0 ** (math.floor(math.log10(abs(t))) - k + 1)
                              for t, d in zip(typed, off_by))   # within a unit of digit k
    assert f"{12 - wrong_entries} of 12 entries agree (each to the digits you typed)." in \
        str(verdict)
    off = [[f"{v:.7e}" for v in row] for row in single.tolist()]
    off[1][2] = f"{single[1, 2] * 1.1:.7e}"                  # one entry really wrong
    wrong = check(cost, "W2", off, layout="columns")
    assert not wrong and "no common matrix mistake" in wrong.finding
    assert check(cost, "W2", single, layout="columns")       # the array: float32's precision


def test_one_entry_of_a_float32_array_is_judged_at_float32s_precision():
    """check(cost, "w2_12", g[1, 0]) with g a float32 backprop's ∂C/∂W1 (an np.float32)
    said "Disagrees at full precision but agrees to 5 ...", where check(cost, "W1", g) says
    the same number agrees "(float32 numbers, so within tolerance ...)". One entry is now
    judged as the array is and the verdict says so. Oracle: backprop by hand in float32
    numpy (and float64's full precision for the same number as a Python float)."""
    _, cost = blog()
    Xf, Yf, W1f, b1f, W2f, b2f = (np.array(M, dtype=np.float32) for M in (X, Y, W1, b1, W2, b2))
    A1 = sigmoid(Xf @ W1f + b1f)
    A2 = sigmoid(A1 @ W2f + b2f)
    d2 = (A2 - Yf) / np.float32(len(X)) * A2 * (1 - A2)
    g = Xf.T @ ((d2 @ W2f.T) * A1 * (1 - A1))                 # rows layout: g[k, j] is w²_jk
    assert g.dtype == np.float32 and check(cost, "W1", g)
    at_full = []
    for (k, j), entry in np.ndenumerate(g):
        name = f"w2_{j + 1}{k + 1}"
        verdict = check(cost, name, entry)
        assert verdict, (name, verdict.headline())
        assert "(a float32 number, so tolerance: relative 1e-05, absolute 1e-12)" in \
            verdict.headline()
        assert not check(cost, name, entry * np.float32(1.001))
        at_full.append(bool(check(cost, name, float(entry))))
    assert not all(at_full)              # float32's rounding: more than float64's tolerance
    assert check(cost, "w2_11", g[0, 0], digits=3).headline() == (
        "Agrees to the 3 significant digits you gave.")


def test_a_printout_at_fixed_decimals_sets_the_engine_beside_it_at_those_decimals():
    """np.array2string(dW3, precision=3) prints ∂C/∂w³₂₃ = 0.000558 as 0.001; the check
    agreed (0.000558 rounds to 0.001 at 3 decimals) but its table set "0.001" beside the
    engine's "0.00056" with "yes", two different numbers side by side as agreeing. The
    engine's entry is now shown at the typed number's last decimal place when it rounds
    to it there: "0.001". Oracle: numpy backprop by hand, rounded by numpy's printout."""
    sizes, Ws, bs, Xs, Ys = nielsen_3_4_2(0)
    net = nn.MLP(sizes, weights=Ws, biases=bs)
    cost = nn.half_squared_error(net.batch(Xs.T), Ys.T)
    cost.backward()
    a2 = sigmoid(Ws[0] @ Xs + bs[0])
    a3 = sigmoid(Ws[1] @ a2 + bs[1])
    hand = ((a3 - Ys) * a3 * (1 - a3) / 5) @ a2.T
    assert 0.0005 < hand[1, 2] < 0.00075                    # rounds to 0.001 at 3 decimals
    printed = np.array2string(hand, precision=3)
    verdict = check(cost, "W3", printed, layout="columns")
    assert verdict
    row = next(line for line in str(verdict).splitlines() if line.lstrip().startswith("W3[2,3]"))
    assert row.split()[-3:] == ["0.001", "0.001", "yes"]
    for line in str(verdict).splitlines()[2:]:             # every row: yours rounds to it
        yours, engine = line.split()[-3:-1]
        assert float(engine) == float(yours) or engine.startswith(yours.rstrip("0"))


def test_a_matrix_asked_for_by_a_name_not_its_own():
    """check(C, 'W_2', matrix) (the name as LaTeX subscripts it) and check(C, 'w2', matrix)
    said "no node named 'W_2' in this graph; named nodes: C, a2_1(1), ..." (58 names), not
    which matrices there are.  Oracle: hand numpy backprop."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    for name in ("W_2", "W_{2}"):
        verdict = check(cost, name, hand["W2"])
        assert verdict and verdict.name == "W2", name
    for name, given in (("w2", hand["W2"]), ("dW2", hand["W2"].tolist()), ("W^{[2]}", "[[1], [2], [3]]")):
        with pytest.raises(ValueError, match=rf"^check: no node named {re.escape(repr(name))} in this "
                                             r"graph; named nodes: .*; the network's matrices "
                                             r"\(rows layout\): W1, b1, W2, b2 \(W1 holds "
                                             r"w\^2_jk\)$"):
            check(cost, name, given)


def test_an_engine_gradient_that_is_nan_is_said_to_be():
    """A NaN input makes ∂C/∂W1 NaN (as in PyTorch); any matrix checked against it was 'no
    common matrix mistake reproduces it', not that the engine's own gradient is NaN.  Oracle:
    PyTorch's gradient of the same batch is NaN there too."""
    torch = pytest.importorskip("torch")
    net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout="rows")
    Xn = [[float("nan"), 1.0], [1.0, 0.5]]
    cost = nn.half_mean_squared_error(net.batch(Xn), [[1.0], [0.0]])
    cost.backward()
    w = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    A1 = torch.sigmoid(torch.tensor(Xn, dtype=torch.float64) @ w + torch.tensor(b1, dtype=torch.float64))
    A2 = torch.sigmoid(A1 @ torch.tensor(W2, dtype=torch.float64) + torch.tensor(b2, dtype=torch.float64))
    (((A2 - torch.tensor([[1.0], [0.0]], dtype=torch.float64)) ** 2).mean() / 2).backward()
    assert torch.isnan(w.grad).all()
    verdict = check(cost, "W1", [[0.0] * 3] * 2)
    assert not verdict and verdict.finding.endswith(
        "; the engine's own ∂C/∂W1 is NaN in 6 of 6 entries: a NaN or an infinity in the batch "
        "reaches them (as in PyTorch), and NaN agrees with nothing.")


@pytest.mark.parametrize("name, layout, words", [
    ("W2", "rows", r"explain\(C, 'w3_11'\) or explain\(C, net\.layers\[1\], entry=\(j, k\)\)"),
    ("W1", "rows", r"explain\(C, 'w2_11'\)"),
    ("W2", "columns", r"explain\(C, 'w2_11'\) or explain\(C, net\.layers\[0\], entry=\(j, k\)\)"),
])
def test_explain_asked_for_a_whole_matrix_says_it_takes_one_entry(name, layout, words):
    """explain(C, 'W2') (and chainrule explain --wrt W2) said "no node named 'W2' in this
    graph; named nodes: C, a2_1(1), ..." (58 names), not that W2 is a matrix."""
    from autograd.explain import explain
    given = [W1, W2] if layout == "rows" else [np.array(W1).T, np.array(W2).T]
    net = nn.MLP.from_matrices(given, layout=layout)
    cost = nn.half_mean_squared_error(net.batch(X), Y)
    cost.backward()
    with pytest.raises(ValueError, match=rf"^explain: '{name}' is a matrix of the network \({layout} "
                                         rf"layout\); explain takes one entry: {words}.*; check\(C, "
                                         rf"'{name}', expected\) checks the whole matrix$"):
        explain(cost, name)


def test_the_blogs_chain_of_partials_is_refused_as_such():
    """Seed 004's ΔW_2 line as the blog first writes it, a product of ∂ fractions, was
    refused with "'∂' is not bound in this formula; the names bound are X, Y, ...", as if ∂
    were a matrix missing from the list; it now says what ∂ is read as and what to write."""
    _, cost = blog()
    chain = (r"\[ \begin{split} \Delta W_2 &= \dfrac{\partial cost}{\partial o_2}"
             r"\dfrac{\partial o_2}{\partial i_2}\dfrac{\partial i_2}{\partial W_2} \end{split} \]")
    with pytest.raises(MatrixFormulaError) as refused:
        check(cost, "W_2", chain)
    message = str(refused.value)
    assert message.startswith("∂ is read only in the label left of = (∂L/∂W_2 = …)")
    assert "not bound" not in message and message.endswith("W1, W2, b1, b2, m")
    assert check(cost, "W_2", chain.replace(r"\dfrac{\partial cost}{\partial o_2}\dfrac{\partial "
                                            r"o_2}{\partial i_2}\dfrac{\partial i_2}{\partial "
                                            r"W_2}", BLOG_W2))


def test_a_matrix_given_as_something_else_is_named_in_one_short_line():
    """A dict of 10,000 entries given as the matrix was written out whole in the error."""
    from autograd.matrix_form import read_matrix
    with pytest.raises(TypeError) as caught:
        read_matrix({i: float(i) for i in range(10_000)}, "∂C/∂W2")
    message = str(caught.value)
    assert message.startswith("∂C/∂W2 must be nested lists of numbers (one list per row) or an "
                              "array, got dict {0: 0.0, 1: 1.0, ")
    assert message.endswith("...") and len(message) < 200 and "\n" not in message


def test_a_short_entry_of_a_printed_array_is_at_the_arrays_digits():
    """numpy prints every entry of an array at one precision, a short one padded with spaces:
    'array([[0.0040286 ], [0.01      ], ...])' says the entry is 0.01000000.  It was judged
    at the two digits of 0.01 and 0.00939628 'agrees'.  Oracle: hand numpy backprop."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    wrong = hand.copy()
    wrong[1, 0] = 0.01                          # off by 6%: numpy prints it as '0.01      '
    for shown in (repr(wrong), str(wrong)):
        assert "0.01      ]" in shown
        assert "disagrees with the engine's in 1 of 3 entries" in check(cost, "W2", shown).finding
    right = np.round(hand, 8)
    right[0, 0] = round(hand[0, 0], 7)          # as numpy prints 0.0040286 (padded)
    assert check(cost, "W2", repr(right)) and check(cost, "W2", str(right))
    assert check(cost, "W2", "[[0.0040], [0.0094], [0.0077]]")     # typed: its own digits


@pytest.mark.parametrize("total", ["np.sum(dZ1)", "dZ1.sum()", "np.mean(dZ1)", "dZ1.mean()"])
def test_numpys_sum_without_an_axis_adds_every_entry(total):
    """In numpy, np.sum(dZ1) and dZ1.mean() without axis= give one number from all 12
    entries (the bias bug the courses warn of); they were read as a sum over the samples
    and 'gives the engine's ∂C/∂b1'.  They are now refused saying to write the axis.
    Oracle: numpy itself."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    dz2 = "dZ2 = (A2 - Y) / m * A2 * (1 - A2)" if "sum" in total else "dZ2 = (A2 - Y) * A2 * (1 - A2)"
    code = f"{dz2}; dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1); db1 = {total}"
    assert np.ndim(np.sum(hand["d1"])) == 0                          # numpy: one number
    refused = r"(adds|averages) all 12 entries .* write (np\.\w+\(…, |\.\w+\()axis=0, keepdims=True\)$"
    with pytest.raises(MatrixFormulaError, match=refused):
        check(cost, "b1", code)
    # a column of one neuron adds to the same number either way: b2's is read
    verdict = check(cost, "b2", code.split("; dZ1")[0] + f"; {total.replace('1', '2')}")
    assert verdict and np.allclose(verdict.expected, np.sum(hand["d2"]), rtol=1e-12)


@pytest.mark.parametrize("update", ["W2 ← W2 - 0.1 * A1.T @ dZ2", "W2 = W2 - 0.1 * (A1.T @ dZ2)",
                                    r"W_2 \leftarrow W_2 - 0.1 A_1^T dZ2"])
def test_an_update_step_is_not_read_as_the_gradient(update):
    """Code ending in the update W2 ← W2 − η·dW2 (no line naming dW2) was judged as if its
    value were ∂C/∂W2: 'disagrees in 3 of 3 entries'.  It is refused saying to paste the
    gradient; with the gradient's own line the gradient is read.  Oracle: hand numpy."""
    _, cost = blog()
    dz2 = "dZ2 = (A2 - Y) / m * A2 * (1 - A2)\n"
    with pytest.raises(MatrixFormulaError, match=r"assigns W2 itself, as an update step"):
        check(cost, "W2", dz2 + update)
    verdict = check(cost, "W2", dz2 + "dW2 = A1.T @ dZ2\n" + update.replace("A1.T @ dZ2", "dW2"))
    assert verdict and np.allclose(verdict.expected, numpy_backprop(X, Y, W1, b1, W2, b2)["W2"])


def test_one_number_as_numpy_prints_it_for_a_one_by_one_gradient():
    """∂C/∂b2 (1 × 1) pasted as numpy 2 prints a number, np.float64(0.01458), was read as a
    formula ("np.float64(…) is not a function this formula reader knows").  Oracle: hand
    numpy backprop."""
    _, cost = blog()
    hand = float(numpy_backprop(X, Y, W1, b1, W2, b2)["b2"][0, 0])
    for shown in (f"np.float64({hand:.4g})", f"tensor({hand:.4f}, dtype=torch.float64)"):
        assert check(cost, "b2", shown), shown
        assert not check(cost, "b2", shown.replace(f"{hand:.4g}", f"{hand * 1.02:.4g}")
                         .replace(f"{hand:.4f}", f"{hand * 1.05:.4f}")), shown


@pytest.mark.parametrize("typed, named", [
    ("0.06", None), ("0.058", None), ("0.003", None),
    ("0.0583", "every entry is m = 4 times too large"),
    ("-0.01", "every entry has the wrong sign"), ("-0.015", "every entry has the wrong sign")])
def test_a_one_by_one_bias_needs_three_digits_for_a_mistake_as_a_number_does(typed, named):
    """∂C/∂b2 of the blog's network is one number, 0.01458 by hand-written numpy backprop;
    4 × it is 0.0583. '0.06' (1 digit) was named 'm = 4 times too large', but at 1 or 2
    digits some factor fits any number; from 3 digits it is named, and a flipped sign at
    any (as the scalar check does)."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["b2"][0][0]
    assert round(hand, 5) == 0.01458 and round(4 * hand, 4) == 0.0583
    verdict = check(cost, "b2", typed)
    assert not verdict
    if named is None:
        digits = len(typed.split(".")[1].lstrip("0"))
        words = "1 significant digit is" if digits == 1 else f"{digits} significant digits are"
        assert verdict.finding == (f"Your ∂C/∂b2 disagrees with the engine's in its one entry; "
                                   f"{words} too few to tell which mistake gives this number "
                                   f"(type at least 3).")
        assert verdict.matrix_diagnosis is None
    else:
        assert verdict.finding.startswith(f"Your ∂C/∂b2 is not the engine's: {named}")


def test_numbers_separated_by_commas_without_brackets_are_a_vector(tmp_path, capsys):
    """'0.00403, 0.00940, 0.00769', as a learner types ∂C/∂W2 in a sentence, was "expected
    ';' at character 8 of the formula" (and refused by --expected); it is the vector
    [0.00403, 0.00940, 0.00769], hand-written numpy backprop's ∂C/∂W2 to 3 digits."""
    _, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W2"]
    typed = "0.00403, 0.00940, 0.00769"
    assert [float(f"{v:.3g}") for v in hand.ravel()] == [0.00403, 0.0094, 0.00769]
    assert check(cost, "W2", typed)
    assert not check(cost, "W2", "0.00403, 0.00940, 0.00770")
    with pytest.raises(ValueError, match="is a matrix, but the gradient with respect to"):
        check(cost, "w2_11", "0.1, 0.2")
    script = tmp_path / "blog.py"
    script.write_text(f"import nn\nX = {X}\nY = {Y}\nnet = nn.MLP.from_matrices([{W1}, {W2}], "
                      f"[{b1}, {b2}], layout='rows')\ncost = nn.half_mean_squared_error("
                      f"net.batch(X), Y)\ncost.backward()\n")
    from autograd.cli import main
    assert main(["check", str(script), "--wrt", "W2", "--expected", typed]) == 0
    assert capsys.readouterr().out.startswith("Your ∂C/∂W2 agrees with the engine's in all 3")


def test_int_entries_have_their_own_digits_as_their_text_has():
    """An int entry is the digits it was written with, as text is: [[20, -6]] is "20", "-6"
    (2 and 1 digits), not the floats' 20.0 and -6.0.  By hand: C = w₀² + w₁² at (10.2, -3)
    has ∂C/∂w = (20.4, -6), and 20.4 rounds to 20 at 2 digits but is not 20.0 at 3."""
    from autograd.value import Value
    W = [[Value(10.2), Value(-3.0)]]
    C = W[0][0] * W[0][0] + W[0][1] * W[0][1]
    for ints in ([[20, -6]], np.array([[20, -6]]), [[np.int64(20), np.int32(-6)]]):
        assert bool(check(C, W, ints)) is bool(check(C, W, [["20", "-6"]])) is True
    for floats in ([[20.0, -6.0]], [["20.0", "-6.0"]]):
        assert not check(C, W, floats)


def test_a_computed_float_array_is_never_held_tighter_than_the_scalar_check():
    """numpy's own backprop (here a finite difference would do the same) is a float64 array
    whose entries differ from the engine's in the 9th digit. An entry whose float happens to
    print short (12 digits) was judged at those 12 digits: '1 of 6 entries agree ... each typed
    entry to its digits', though no entry was typed and the scalar check of the very same float
    agrees (full precision, relative 1e-6)."""
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W1"]
    off = hand * (1 + 1e-9)                             # rounding of another summation order
    off[0, 0] = float(f"{off[0, 0]:.12g}")              # an entry that prints with 12 digits
    assert len(repr(float(off[0, 0])).lstrip("-0.")) <= 12
    engine = net.parameter("w2_11").grad                # W1[0, 0] in the rows layout
    assert abs(engine - hand[0, 0]) < 1e-15 and check(cost, "w2_11", float(off[0, 0]))
    verdict = check(cost, "W1", off)
    assert verdict, verdict.finding
    assert "typed" not in verdict.finding
    assert verdict.finding.endswith("in all 6 entries (within tolerance: relative 1e-06, "
                                    "absolute 1e-12).")
    # a float as a learner types it keeps its digits (0.00403 for 0.0040286...)
    short = [[float(f"{v:.3g}")] for v in numpy_backprop(X, Y, W1, b1, W2, b2)["W2"][:, 0]]
    assert check(cost, "W2", short).finding.endswith("(each to the digits you typed).")


def test_a_one_by_one_gradient_is_one_entry_in_every_line():
    """∂C/∂b2 of a network with one output is 1 × 1: a wrong value said 'disagrees with the
    engine's in 1 of 1 entries' and '0 of 1 entries agree', and a one-number vector for a
    3-entry W2 'is a vector of 1 numbers'. Oracle: numpy backprop by hand (its b2 agrees;
    four times it is the 1/m missing, as m = 4)."""
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["b2"]
    assert check(cost, "b2", hand).finding.endswith("in its one entry (within tolerance: "
                                                    "relative 1e-06, absolute 1e-12).")
    assert "m = 4 times too large" in check(cost, "b2", 4 * hand).finding
    wrong = check(cost, "b2", f"{1.37 * hand[0, 0]:.3g}")     # no mistake gives it
    assert not wrong
    text = str(wrong)
    assert "its one entry" in wrong.finding and "Its one entry does not agree" in text
    assert "1 of 1" not in text and "0 of 1" not in text
    few = check(cost, "b2", "0.5")
    assert "disagrees with the engine's in its one entry; 1 significant digit" in few.finding
    vector = check(cost, "W2", [0.5])
    assert vector.finding.startswith("Your ∂C/∂W2 is a vector of 1 number, but ")


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_a_bias_gradient_summed_over_every_entry_is_named(layout):
    """np.sum(dZ1) without an axis adds the neurons too: one number for b1's 3. The value
    said only 'Your ∂C/∂b1 is 1×1, but ∂C/∂b1 has b1's shape 1×3' (the formula np.sum(d1)
    is refused, naming the axis); now the value names the mistake, with the axis its layout
    sums over. Oracle: numpy backprop by hand, its δ summed whole."""
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    name = "b1" if layout == "rows" else "b2"
    for given in (hand["d1"].sum(), f"{hand['d1'].sum():.4g}", np.array(hand["d1"].sum())):
        finding = check(cost, name, given, layout=layout).finding
        assert (f"the sum is over every entry: np.sum(δ) without an axis adds the neurons "
                f"too, where ∂C/∂{name} adds over the samples only, np.sum(δ, axis="
                f"{0 if layout == 'rows' else 1}, keepdims=True)") in finding, finding
    assert "m = 4 times too large" in check(cost, name, 4 * hand["d1"].sum(), layout=layout).finding
    assert check(cost, name, hand["b1"].ravel(), layout=layout)
    one = check(cost, "b2" if layout == "rows" else "b3", hand["d2"].sum(), layout=layout)
    assert one                                          # one neuron: the whole sum is right


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_sigmoid_prime_of_the_activations_in_every_layer_is_named(layout):
    """A learner's sigmoid_prime(x) = σ(x)(1 − σ(x)) called on the activations, as
    sigmoid_prime(A2) in BP1 and sigmoid_prime(A1) in BP2, is one slip made twice; ∂C/∂W1
    said 'disagrees with the engine's in 6 of 6 entries; no common matrix mistake ...
    reproduces it' (only one layer at a time was tried). Oracle: numpy backprop by hand,
    with the slip and without."""
    net, cost = blog()
    x, y = np.array(X), np.array(Y)
    w1, c1, w2, c2 = map(np.array, (W1, b1, W2, b2))
    prime = lambda v: sigmoid(v) * (1 - sigmoid(v))                        # noqa: E731
    A1 = sigmoid(x @ w1 + c1)
    A2 = sigmoid(A1 @ w2 + c2)
    d2 = (A2 - y) / len(x) * prime(A2)
    d1 = (d2 @ w2.T) * prime(A1)
    slip = x.T @ d1
    assert not np.allclose(slip, numpy_backprop(X, Y, W1, b1, W2, b2)["W1"], rtol=1e-3)
    name, given = ("W1", slip) if layout == "rows" else ("W2", slip.T)
    a_out, a_hidden = ("A2", "A1") if layout == "rows" else ("A3", "A2")
    finding = check(cost, name, given, layout=layout).finding
    assert finding == (f"Your ∂C/∂{name} is not the engine's: every derivative is taken at the "
                       f"activations, σ'({a_out}) and σ'({a_hidden}), where BP1 and BP2 take it "
                       f"at the weighted inputs Z (σ'(z) = a(1 − a): already written in a).")
    formula = ("d2 = (A2 - Y)/m * sigmoid_prime(A2); d1 = d2 @ W2.T * sigmoid_prime(A1); "
               "X.T @ d1")
    assert "every derivative is taken at the activations" in check(cost, "W1", formula).finding
    assert check(cost, name, numpy_backprop(X, Y, W1, b1, W2, b2)["W1"]
                 if layout == "rows" else numpy_backprop(X, Y, W1, b1, W2, b2)["W1"].T,
                 layout=layout)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_the_activation_written_for_its_derivative_is_named(layout):
    """delta = (A − Y) ⊙ A, the activation σ(Z) where BP1 has σ'(Z) = A(1 − A) (in one layer
    or in both), said 'no common matrix mistake ... reproduces it'. Oracle: numpy backprop
    by hand with that slip."""
    net, cost = blog()
    x, y = np.array(X), np.array(Y)
    w1, c1, w2, c2 = map(np.array, (W1, b1, W2, b2))
    A1 = sigmoid(x @ w1 + c1)
    A2 = sigmoid(A1 @ w2 + c2)
    out, hidden = ("Z2", "Z1") if layout == "rows" else ("Z3", "Z2")
    name = "W1" if layout == "rows" else "W2"
    for d2, d1_prime, words in (
            ((A2 - y) / 4 * A2, A1 * (1 - A1),
             f"the factor σ({out}) is the activation, where BP1 multiplies by its derivative "
             f"σ'(Z)"),
            ((A2 - y) / 4 * A2 * (1 - A2), A1,
             f"the factor σ({hidden}) is the activation, where BP2 multiplies by its "
             f"derivative σ'(Z)"),
            ((A2 - y) / 4 * A2, A1,
             f"the factors σ({out}) and σ({hidden}) are the activations, where BP1 and BP2 "
             f"multiply by their derivatives σ'(Z)")):
        slip = x.T @ ((d2 @ w2.T) * d1_prime)
        given = slip if layout == "rows" else slip.T
        assert check(cost, name, given, layout=layout).finding == (
            f"Your ∂C/∂{name} is not the engine's: {words}.")
    formula = "d2 = (A2 - Y)/m * A2; d1 = d2 @ W2.T * A1; X.T @ d1"
    assert "the factors σ(Z2) and σ(Z1) are the activations" in check(cost, "W1", formula).finding


def learners_numpy_script(tmp_path, more):
    """mine.py: a learner's 2-3-1 backprop in numpy (rows layout, mean cost) computing dW1
    by hand, then ``more`` lines, then the same network in chainrule and cost.backward()."""
    script = tmp_path / "mine.py"
    script.write_text(
        "import numpy as np\n"
        "import nn\n"
        f"X, Y = np.array({X!r}), np.array({Y!r})\n"
        f"W1, b1, W2, b2 = np.array({W1!r}), np.array({b1!r}), np.array({W2!r}), np.array({b2!r})\n"
        "sig = lambda z: 1 / (1 + np.exp(-z))\n"
        "A1 = sig(X @ W1 + b1)\n"
        "A2 = sig(A1 @ W2 + b2)\n"
        "d2 = (A2 - Y) / len(X) * A2 * (1 - A2)\n"
        "dW1 = X.T @ ((d2 @ W2.T) * A1 * (1 - A1))\n"
        + more +
        "net = nn.MLP.from_matrices([W1, W2], [b1, b2], layout='rows')\n"
        "cost = nn.half_mean_squared_error(net.batch(X), Y)\n"
        "cost.backward()\n")
    return script


def test_cli_expected_names_the_scripts_own_numpy_gradient(tmp_path, capsys):
    """A learner's script computes dW1 by hand in numpy beside the network; chainrule check
    script.py --wrt W1 --expected dW1 said "--expected takes a number as you have it
    (0.00142919), got 'dW1'; for a formula use --formula", and --formula dW1 "'dW1' is
    not bound". The variable's value is now checked as check(cost, 'W1', dW1) checks it.
    Oracle: the script's own numpy backprop (and here, the same by numpy_backprop)."""
    from autograd.cli import main
    script = learners_numpy_script(tmp_path, "dW1_wrong = dW1.T\nlabel = 'dW1'\nδW1 = dW1\n")
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)["W1"]
    assert main(["check", str(script), "--wrt", "W1", "--expected", "dW1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Your ∂C/∂W1 agrees with the engine's in all 6 entries")
    assert f"{hand[0, 0]:.10g}" in out
    assert main(["check", str(script), "--wrt", "W1", "--expected", "δW1"]) == 0   # any Python name
    assert capsys.readouterr().out.startswith("Your ∂C/∂W1 agrees with the engine's in all 6 entries")
    assert main(["check", str(script), "--wrt", "W1", "--expected", "dW1_wrong"]) == 1
    assert "it is the engine's transposed" in capsys.readouterr().out.splitlines()[0]
    assert main(["check", str(script), "--wrt", "w2_11", "--expected", "dW1"]) == 2
    assert "of shape (2, 3)" in capsys.readouterr().err        # one node, a whole matrix
    for name, words in (("dW9", "--expected dW9: mine.py has no variable dW9 when it calls "
                                ".backward(), and it is no number"),
                        ("label", "--expected label: the script's label is str 'dW1', not a "
                                  "number or an array of numbers"),
                        ("dW1 x", "--expected takes a number as you have it (0.00142919) or a "
                                  "variable of the script holding your value, got 'dW1 x'")):
        assert main(["check", str(script), "--wrt", "W1", "--expected", name]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1


def test_cli_an_array_for_one_node_advises_the_command_lines_form(tmp_path, capsys):
    """chainrule check --wrt w2_21 --expected dW1 (the script's numpy array) advised the
    Python call "a whole matrix is checked by its name, check(C, 'W2', array)", which no
    command line takes, naming W2 where the node is in W1 (rows layout).  It now advises
    the command's own form, with the matrix that holds the node, and following either
    advice agrees.  Oracle: the script's own numpy backprop, as numpy_backprop writes it."""
    from autograd.cli import main
    script = learners_numpy_script(tmp_path, "db2 = d2.sum(axis=0, keepdims=True)\n")
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    assert main(["check", str(script), "--wrt", "w2_21", "--expected", "dW1"]) == 2
    assert capsys.readouterr().err == (
        "chainrule check: --expected dW1: the script's dW1 is an array of shape (2, 3) (ndarray), "
        "but --wrt w2_21 is one node, whose gradient is one number: type that entry's number as "
        "--expected; a whole matrix is checked by its name, --wrt W1 --expected dW1\n")
    assert main(["check", str(script), "--wrt", "W1", "--expected", "dW1"]) == 0
    assert capsys.readouterr().out.startswith("Your ∂C/∂W1 agrees with the engine's in all 6")
    assert main(["check", str(script), "--wrt", "w2_21", "--expected",
                 f"{hand['W1'][0, 1]:.6g}"]) == 0                 # rows: W1[k, j] is w^2_jk
    capsys.readouterr()
    assert main(["check", str(script), "--wrt", "b3_1", "--expected", "db2"]) == 2
    assert capsys.readouterr().err.endswith(
        "(1, 1) (ndarray), but --wrt b3_1 is one node, whose gradient is one number: type "
        "that number as --expected, or hold db2.item() in the script\n")
    assert main(["check", str(script), "--wrt", "b3_1", "--expected",
                 f"{hand['b2'][0, 0]:.6g}"]) == 0


def test_from_matrices_names_the_layout_before_a_bias_shape():
    """Nielsen's W2 (3×2), W3 (1×3), b2 (3×1), b3 (1×1) given with layout='rows' said
    'b1 must be 1 × 2 (one number per neuron of layer 2) in layout='rows', got 3×1', as
    the first layer's bias was read before the next layer's weights, whose error names the
    layout; and a column bias in the rows layout did not say its transpose fits. Oracle:
    the forward pass by hand in numpy, once the advice is followed."""
    rng = np.random.default_rng(0)
    w2, c2, w3, c3 = (rng.normal(size=s) for s in ((3, 2), (3, 1), (1, 3), (1, 1)))
    with pytest.raises(ValueError, match=r"^from_matrices: W2 must be 2 × n .* all the weights "
                                         r"fit layout='columns', where the matrices are "
                                         r"outputs × inputs$"):
        nn.MLP.from_matrices([w2, w3], [c2, c3], layout="rows")
    with pytest.raises(ValueError, match=r"^from_matrices: b1 must be 1 × 3 \(one number per "
                                         r"neuron of layer 2\) in layout='rows', got 3×1; its "
                                         r"transpose fits: give it as a row, or as a flat list$"):
        nn.MLP.from_matrices([w2.T, w3.T], [c2, c3], layout="rows")
    x = np.array([0.3, -1.2])
    hand = sigmoid(w3 @ sigmoid(w2 @ x[:, None] + c2) + c3).ravel()
    for net in (nn.MLP.from_matrices([w2, w3], [c2, c3], layout="columns"),
                nn.MLP.from_matrices([w2.T, w3.T], [c2.T, c3.T], layout="rows"),
                nn.MLP.from_matrices([w2.T, w3.T], [c2.ravel(), c3.ravel()], layout="rows")):
        assert net.predict(x.tolist()) == pytest.approx(hand.tolist(), rel=1e-14)


def test_another_parameters_gradient_is_not_claimed_where_chance_gives_one():
    """On Nielsen's 784-30-10 (23,850 parameters) almost any 4-digit number is some
    parameter's gradient: of 25 random wrong values for ∂C/∂w²₅,₁₀₁, 6 were told 'This is
    ∂C/∂w²₂₆,₂₅₄, not ∂C/∂w²₅,₁₀₁: your value is that parameter's gradient'. An unrelated
    parameter is now named only where the gradients near the value are too sparse for its
    digits to match one by chance; the float itself is still named. Oracle: numpy backprop
    by hand of every gradient."""
    rng = np.random.default_rng(2)
    Ws = [rng.normal(size=(30, 784)) / 28, rng.normal(size=(10, 30)) / np.sqrt(30)]
    bs = [rng.normal(size=(30, 1)), rng.normal(size=(10, 1))]
    X, Y = rng.uniform(size=(784, 2)), np.eye(10)[:, [3, 7]]
    net = nn.MLP.from_matrices(Ws, bs, layout="columns")
    cost = nn.half_squared_error(net.batch(X.T), Y.T, reduction="sum")
    cost.backward()
    A1 = sigmoid(Ws[0] @ X + bs[0])
    A2 = sigmoid(Ws[1] @ A1 + bs[1])
    d2 = (A2 - Y) * A2 * (1 - A2)
    dW2 = ((Ws[1].T @ d2) * A1 * (1 - A1)) @ X.T
    asked, other = dW2[4, 100], dW2[5, 100]                     # w2_5_101 and w2_6_101
    assert net.parameter("w2_5_101").grad == pytest.approx(asked, rel=1e-12)
    near = np.sum(np.abs(dW2 - other) <= 0.05 * abs(other))
    assert near > 100                      # gradients this dense: 4 digits match by chance
    rounded = check(cost, "w2_5_101", f"{other:.4g}")
    assert not rounded and "This is" not in str(rounded)
    named = check(cost, "w2_5_101", float(other))
    assert not named and named.headline() == ("This is ∂C/∂w²₆,₁₀₁, not ∂C/∂w²₅,₁₀₁: your value "
                                              "is that parameter's gradient.")


def test_a_mistake_is_not_named_where_the_many_paths_give_one_by_chance():
    """∂C/∂w²₅,₁₀₁ of 784-30-10 over 3 samples runs along 30 paths, and the mistakes searched
    for (factors left out of one path, ...) give thousands of numbers: the neighbouring
    weights' gradients typed to 3 digits were told 'your value leaves out path 9 of 30'
    (w²₈,₁₀₁'s) and 4 more such, by chance (5 of 29). Where so many lie near the value that
    one matches by chance, none is named; σ'(z²₅) left out, to 4 digits, still is. Oracle:
    numpy backprop by hand."""
    rng = np.random.default_rng(2)
    Ws = [rng.normal(size=(30, 784)) / 28, rng.normal(size=(10, 30)) / np.sqrt(30)]
    bs = [rng.normal(size=(30, 1)), rng.normal(size=(10, 1))]
    X, Y = rng.uniform(size=(784, 3)), np.eye(10)[:, [3, 7, 1]]
    net = nn.MLP.from_matrices(Ws, bs, layout="columns")
    cost = nn.half_squared_error(net.batch(X.T), Y.T, reduction="sum")
    cost.backward()
    A1 = sigmoid(Ws[0] @ X + bs[0])
    A2 = sigmoid(Ws[1] @ A1 + bs[1])
    d2 = (A2 - Y) * A2 * (1 - A2)
    dW2 = ((Ws[1].T @ d2) * A1 * (1 - A1)) @ X.T
    assert net.parameter("w2_5_101").grad == pytest.approx(dW2[4, 100], rel=1e-12)
    crowd = check(cost, "w2_5_101", f"{dW2[7, 100]:.3g}")
    assert crowd.headline().endswith("and 3 significant digits are too few here to tell which "
                                      "mistake gives your value."), crowd.headline()
    assert "this graph has so many paths" in str(crowd)
    no_prime = ((Ws[1].T @ d2) @ X.T)[4, 100]
    assert check(cost, "w2_5_101", f"{no_prime:.4g}").headline() == (
        "Disagrees: your value leaves out a2_5(1)(1-a2_5(1)) on paths 1–10, a2_5(2)(1-a2_5(2)) "
        "on paths 11–20 and a2_5(3)(1-a2_5(3)) on paths 21–30.")


def test_every_door_takes_an_entry_as_the_matrix_table_labels_it(tmp_path, capsys):
    """A matrix verdict's table labels each entry W1[1,2] (row 1, column 2, from 1), but
    check(C, 'W1[1,2]', x), explain, draw's highlight and chainrule check/explain/draw
    --wrt/--highlight 'W1[1,2]' said "no node named 'W1[1,2]' in this graph".  Each now
    takes it as that entry's node: in the rows layout row r of W1 is input k = r and
    column c neuron j = c, so W1[1,2] is w^2_21.  Oracle: hand-written numpy backprop."""
    from autograd.cli import main
    from autograd.draw import draw
    from autograd.explain import explain
    net, cost = blog()
    hand = numpy_backprop(X, Y, W1, b1, W2, b2)
    table = str(check(cost, "W1", np.zeros((2, 3)).tolist())).splitlines()
    assert [row.split()[:2] for row in table if row.startswith("  W1[1,2]")] == [["W1[1,2]", "∂C/∂w²₂₁"]]
    for label, matrix, r, c in (("W1[1,2]", "W1", 0, 1), ("W_1[2, 3]", "W1", 1, 2),
                                ("W2[3,1]", "W2", 2, 0), ("b1[1,3]", "b1", 0, 2)):
        assert check(cost, label, f"{hand[matrix][r, c]:.6g}")
        assert not check(cost, label, f"{-hand[matrix][r, c]:.6g}")
        assert explain(cost, label).engine == pytest.approx(hand[matrix][r, c], rel=1e-12)
    assert explain(cost, "W1[1,2]").wrt.name == "w2_21"
    source = draw(cost, highlight="W1[1,2]").source
    assert set(re.findall(r'<TABLE BORDER="2" COLOR="#d62728".*?tooltip="([wb]\d_\d+) \(parameter',
                          source)) == {"w2_21"}
    script = blog_script(tmp_path)
    assert main(["check", str(script), "--wrt", "W1[1,2]", "--expected",
                 f"{hand['W1'][0, 1]:.4g}"]) == 0
    assert capsys.readouterr().out.startswith("Agrees to the 4 significant digits you gave.")
    assert main(["explain", str(script), "--wrt", "W1[1,2]"]) == 0
    shown = re.match(r"∂C/∂w2_21 = (\S+) ", capsys.readouterr().out).group(1)
    assert float(shown) == pytest.approx(hand["W1"][0, 1], rel=1e-12)
    assert main(["draw", str(script), "--format", "svg", "--highlight", "W1[1,2]",
                 "--out", str(tmp_path / "g.svg")]) == 0
    assert main(["explain", str(script), "--wrt", "W1[3,1]"]) == 2     # W1 is 2 × 3
    assert "no node named 'W1[3,1]'" in capsys.readouterr().err


def test_a_method_call_typed_as_a_formula_is_named_whole():
    """Nielsen's delta = self.cost_derivative(output_activations, y) * ... typed to check
    was refused mid-word: "cannot read '.cost_deriva' at character 13".  The message names
    the code as typed, from the character it starts at; what it asks for, written out, is
    checked against hand numpy backprop."""
    _, cost = blog()
    typed = "delta = self.cost_derivative(output_activations, y) * σ'(Z2); A1.T @ delta"
    with pytest.raises(MatrixFormulaError) as refused:
        check(cost, "W2", typed)
    assert str(refused.value) == (
        "cannot read 'self.cost_derivative(…)' at character 9 of the formula: a method call "
        "is not a formula; write the expression itself over the matrices X, Y, W, b, Z, A "
        "with their layer's number (Nielsen's cost_derivative(output_activations, y) returns "
        "output_activations - y: (A - Y), A with the output layer's number)")
    with pytest.raises(MatrixFormulaError, match=r"^cannot read 'net\.layers\.weights' at character "
                                                 r"8 of the formula: an attribute of an object is "
                                                 r"not a formula; write the expression itself"):
        check(cost, "W2", "A1.T @ net.layers.weights")
    verdict = check(cost, "W2", "delta = (A2 - Y)/m * σ'(Z2); A1.T @ delta")
    assert verdict and np.allclose(verdict.expected, numpy_backprop(X, Y, W1, b1, W2, b2)["W2"],
                                   rtol=1e-12, atol=0)

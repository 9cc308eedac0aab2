"""Answers pasted into check as posts and calculators print them: matrix entries in
scientific notation with spaces, plain-text second derivatives, LaTeX subscripts with
spaces, and matrix entries typed with too few digits to name a mistake.  Oracles: the
mini-batch blog's published ∂C/∂W2 (0.00403, 0.00940, 0.00769), numpy backprop written
out by hand, and derivatives worked by hand."""

import pytest

import nn
from autograd.check import check

BLOG_X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
BLOG_Y = [[1.0], [0.0], [0.0], [1.0]]


def blog_cost():
    net = nn.MLP.from_matrices([[[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], [[0.8], [-0.6], [0.4]]],
                               [[[0.0, 0.1, -0.2]], [[-0.1]]], layout="rows")
    cost = nn.half_mean_squared_error(net.batch(BLOG_X), BLOG_Y)
    cost.backward()
    return cost


@pytest.mark.parametrize("typed", [
    "[4.03 × 10⁻³, 9.40 × 10⁻³, 7.69 × 10⁻³]",
    "[[4.03 × 10⁻³], [9.40 × 10⁻³], [7.69 × 10⁻³]]",
    "[4.03 x 10^-3, 9.40 x 10^-3, 7.69 x 10^-3]",
    r"[4.03 \times 10^{-3}, 9.40 \times 10^{-3}, 7.69 \times 10^{-3}]",
    r"[4.03 \cdot 10^{-3}; 9.40 \cdot 10^{-3}; 7.69 \cdot 10^{-3}]",
    "[4.03 e-3, 9.40 e-3, 7.69 e-3]",
    "[4.03 × 10⁻³ 9.40 × 10⁻³ 7.69 × 10⁻³]",
    "[4.03 * 10**-3, 9.40 * 10**-3, 7.69 * 10**-3]"])
def test_a_matrix_entry_in_scientific_notation_with_spaces_is_one_number(typed):
    """[4.03 × 10⁻³, …] was split at its spaces as numpy's [a b; c d] is ("the entry in row 1,
    column 2 is '×', not a number").  Oracle: the blog's published ∂C/∂W2, 0.00403, 0.00940,
    0.00769 (4.03 × 10⁻³ = 0.00403 by hand); 7.70 × 10⁻³ is off in its third digit."""
    cost = blog_cost()
    assert check(cost, "W2", typed)
    assert not check(cost, "W2", typed.replace("7.69", "7.70"))


@pytest.mark.parametrize("typed", ["[0.00403 0.00940 0.00769]", "[[0.00403] [0.00940] [0.00769]]",
                                   "[[ 0.00403]\n [ 0.0094 ]\n [ 0.00769]]",
                                   "[4.03e-3 9.40e-3 7.69e-3]"])
def test_numpys_entries_apart_by_spaces_still_read(typed):
    """print(array)'s form, entries apart by spaces.  Oracle: the blog's published ∂C/∂W2."""
    assert check(blog_cost(), "W2", typed)


def test_a_spaced_exponent_that_lost_its_superscript_is_named():
    """'4.03 × 10-3' inside brackets was '×', not a number; alone it is named as 10⁻³ that
    lost its superscript.  Oracle: by hand, 4.03·10 − 3 = 37.3, not 4.03e-3."""
    with pytest.raises(ValueError, match=r"^expected: the entry in row 1, column 1, '4.03 × "
                                         r"10-3', reads as 4.03·10 − 3; .* write 4.03e-3$"):
        check(blog_cost(), "W2", "[4.03 × 10-3, 9.40 × 10⁻³, 7.69 × 10⁻³]")


@pytest.mark.parametrize("typed", ["∂²f/∂x∂y = 2x + cos(xy) - xy sin(xy)",
                                   "∂^2 f/∂x∂y = 2x + cos(xy) - xy sin(xy)",
                                   "d2f/dxdy = 2x + cos(xy) - xy sin(xy)",
                                   "d^2f/dx dy = 2x + cos(xy) - xy sin(xy)",
                                   "∂²f/(∂x∂y) = 2x + cos(xy) - xy sin(xy)",
                                   "∂²f/∂y∂x = 2x + cos(xy) - xy sin(xy)"])
def test_a_plain_text_mixed_second_derivative_is_a_left_hand_side(typed):
    """∂²f/∂x∂y = … typed as plain text said "names '²f', and no node has that name", where
    LaTeX's \\frac{\\partial^2 f}{\\partial x \\partial y} = … was read.  Oracle, by hand for
    f = x²y + sin(xy): f_xy = 2x + cos(xy) − xy sin(xy)."""
    import math

    from autograd import Value, grad
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    (fy,) = grad((x ** 2 * y + (x * y).sin()).named("f"), y, create_graph=True)
    verdict = check(fy, x, typed)
    assert verdict and verdict.formula.lhs == ("∂f/∂y", "x")
    hand = 2 * 0.7 + math.cos(0.7 * -1.3) - 0.7 * -1.3 * math.sin(0.7 * -1.3)
    assert verdict.formula_value == pytest.approx(hand, rel=1e-14)


@pytest.mark.parametrize("typed", ["∂²f/∂x² = 2y - y^2 sin(xy)", "∂^2 f/∂x^2 = 2y - y^2 sin(xy)",
                                   "d2f/dx2 = 2y - y^2 sin(xy)", "d²f/dx² = 2y - y^2 sin(xy)"])
def test_a_plain_text_second_derivative_twice_in_one_variable_is_a_left_hand_side(typed):
    """∂²f/∂x² = … as plain text.  Oracle, by hand: f_xx = 2y − y² sin(xy); and the left side
    is read, not skipped: over ∂f/∂y it says the root must be ∂f/∂x."""
    import math

    from autograd import Value, grad
    from autograd.check import FormulaError
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    fx, fy = grad((x ** 2 * y + (x * y).sin()).named("f"), [x, y], create_graph=True)
    verdict = check(fx, x, typed)
    assert verdict and verdict.formula.lhs == ("∂f/∂x", "x")
    assert verdict.formula_value == pytest.approx(2 * -1.3 - 1.3 ** 2 * math.sin(0.7 * -1.3),
                                                  rel=1e-14)
    with pytest.raises(FormulaError, match=r"with respect to x twice, so the root must be the "
                                           r"gradient ∂f/∂x .* here the root is ∂f/∂y"):
        check(fy, x, typed)


def test_a_plain_text_second_derivative_names_an_unknown_variable():
    """∂²f/∂x∂z over a graph without z names z, not '²f' (a refusal: no value to check)."""
    from autograd import Value, grad
    from autograd.check import FormulaError
    x, y = Value(0.7, name="x"), Value(-1.3, name="y")
    (fy,) = grad((x * y).named("f"), y, create_graph=True)
    with pytest.raises(FormulaError, match=r"∂²f/∂x∂z names 'z', and no node has that name"):
        check(fy, x, "∂²f/∂x∂z = 1")


def spaced_graph():
    from autograd import Value
    a = Value(2.0, name="a")
    out = (a * a).named("y_my out")
    L = (3 * out + a).named("L")
    L.backward()
    return L, a, out


@pytest.mark.parametrize("typed", ["y_{my out}", r"y_{my\ out}", "(y_my out)",
                                   r"\mathrm{y\_my\ out}"])
def test_a_latex_subscript_with_a_space_names_the_node_with_that_space(typed):
    """y_{my out} in a formula was refused ('a subscript in braces must be letters or
    digits') though the left-hand side dL/dy_{my out} read it as the node y_my out.
    Oracle, by hand: L = 3·out + a, so ∂L/∂out = 3 and 3 = 3·out/out."""
    L, _, out = spaced_graph()
    verdict = check(L, out, f"3 {typed} / {typed}")
    assert verdict and verdict.formula_value == 3.0
    assert check(L, out, rf"\frac{{\partial L}}{{\partial {typed}}} = 3 {typed} / {typed}"
                 ).formula.lhs == ("L", "y_my out")


def test_a_latex_subscript_with_a_space_of_no_node_is_named_in_one_line():
    """x_{my out} of a graph without x_my out is refused in one line naming the node it
    would be (a refusal: no value to check)."""
    from autograd.check import FormulaError
    L, a, _ = spaced_graph()
    with pytest.raises(FormulaError, match=r"^check: cannot read the formula at position 2 "
                                           r"\('x_\{my out\}'\): a subscript with a space names "
                                           r"the node 'x_my out', and no node has that name; "
                                           r"named nodes: L, a, y_my out$"):
        check(L, a, "x_{my out}")


@pytest.mark.parametrize("typed, digits", [("[0.02, 0.04, 0.03]", 1), ("[0.002, 0.005, 0.004]", 1),
                                           ("[0.016, 0.038, 0.031]", 2)])
def test_matrix_entries_with_too_few_digits_name_no_mistake(typed, digits):
    """Three 1-digit entries, 0.02, 0.04, 0.03, were named 'every entry is m = 4 times too
    large' (3 digits in all): at 1 digit 4 × ∂C/∂W2 (0.0161, 0.0376, 0.0308 by the blog's
    published 0.00403, 0.00940, 0.00769) rounds to them by chance, as 0.06 does to 4 × ∂C/∂b2.
    As for one number, a mistake is named when an entry has 3 significant digits."""
    cost = blog_cost()
    verdict = check(cost, "W2", typed)
    assert not verdict and verdict.matrix_diagnosis is None
    assert verdict.finding.endswith(f"no entry has more than {digits} significant digit"
                                    f"{'s' if digits > 1 else ''}, too few to tell which mistake "
                                    f"gives these numbers (type at least 3 in one entry).")
    named = check(cost, "W2", "[0.0161, 0.038, 0.031]")      # one entry with 3 digits
    assert "the cost's 1/m is missing" in named.finding
    assert "wrong sign" in check(cost, "W2", "[-0.004, -0.009, -0.008]").finding   # at any digits


@pytest.mark.parametrize("typed, wrt, hand", [
    (r"\frac{\partial \ell}{\partial \theta} = 2\theta\beta_1", "θ", 2 * 0.3 * 0.5),
    (r"d\ell/d\theta = 2 \theta \cdot \beta_{1}", "θ", 2 * 0.3 * 0.5),
    (r"$\frac{\partial \ell}{\partial \beta_1} = \theta^2$", "β_1", 0.3 ** 2)])
def test_greek_letters_typed_as_latex_commands_name_their_nodes(typed, wrt, hand):
    """\\theta, \\beta_1, \\ell, as every post writes them, were 'this LaTeX command is not
    read' (and the left-hand side was not read at all).  Oracle, by hand for ℓ = θ²·β₁:
    ∂ℓ/∂θ = 2θβ₁, ∂ℓ/∂β₁ = θ²."""
    from autograd import Value
    theta, beta = Value(0.3, name="θ"), Value(0.5, name="β_1")
    loss = (theta * theta * beta).named("ℓ")
    loss.backward()
    verdict = check(loss, wrt, typed)
    assert verdict and verdict.formula.lhs == ("ℓ", wrt)
    assert verdict.formula_value == pytest.approx(hand, rel=1e-15)


def test_a_greek_command_names_a_node_spelled_out_and_sigma_as_a_node_in_a_left_side():
    """A node named theta is \\theta too; \\frac{d\\sigma}{dx} names the node σ (the body's
    \\sigma(x) is the function).  Oracle, by hand: d(θ²)/dθ = 2θ; σ'(x) = σ(x)(1 − σ(x))."""
    import math

    from autograd import Value
    theta = Value(0.3, name="theta")
    L = (theta * theta).named("L")
    L.backward()
    assert check(L, theta, r"\frac{\partial L}{\partial \theta} = 2\theta").formula_value == 0.6
    x = Value(0.8, name="x")
    s = x.sigmoid().named("σ")
    s.backward()
    verdict = check(s, x, r"\frac{\mathrm{d}\sigma}{\mathrm{d}x} = \sigma(x)\,(1-\sigma(x))")
    assert verdict and verdict.formula.lhs == ("σ", "x")
    sig = 1 / (1 + math.exp(-0.8))
    assert verdict.formula_value == pytest.approx(sig * (1 - sig), rel=1e-15)


def test_a_greek_command_of_no_node_is_named_and_delta_still_says_what_it_is():
    """\\alpha of a graph without α names α; \\delta still says what Nielsen's δ is
    (refusals: no value to check)."""
    from autograd import Value
    from autograd.check import FormulaError
    theta = Value(0.3, name="θ")
    L = (theta * 2).named("L")
    L.backward()
    with pytest.raises(FormulaError, match=r"no node named 'α' in this graph; named nodes: L, θ$"):
        check(L, theta, r"2\alpha")
    with pytest.raises(FormulaError, match=r"δ \(Nielsen's δ\^l_j = ∂C/∂z\^l_j\) is a gradient"):
        check(L, theta, r"2\delta")


def test_the_engines_numbers_transposed_are_told_at_any_digits_as_a_flipped_sign_is():
    """[[0.004, 0.009, 0.008]] is the blog's ∂C/∂W2 (0.00403, 0.00940, 0.00769, published)
    at 1 digit, as a row where W2 is a column: the engine's own numbers, so its transpose is
    named at any digits (as agreement and a flipped sign are), not 'too few digits'."""
    cost = blog_cost()
    verdict = check(cost, "W2", "[[0.004, 0.009, 0.008]]")
    assert not verdict and verdict.matrix_diagnosis.startswith("it is the engine's transposed")
    assert verdict.finding.endswith("it is the engine's transposed: ∂C/∂W2 has the shape of W2.")
    assert "too few" in check(cost, "W2", "[[0.02, 0.04, 0.03]]").finding


def three_blue_one_brown():
    """3Blue1Brown's last layer: z^(L) = w^(L) a^(L-1) + b^(L), a^(L) = σ(z^(L)),
    C_0 = (a^(L) - y)², the nodes named as the video writes them."""
    from autograd import Value
    a_before, w = Value(0.6, name="a^(L-1)"), Value(0.9, name="w^(L)")
    z = (w * a_before + Value(-0.2, name="b^(L)")).named("z^(L)")
    a = z.sigmoid().named("a^(L)")
    C = ((a - Value(1.0, name="y")) ** 2).named("C_0")
    C.backward()
    return C, w


@pytest.mark.parametrize("typed", [
    "a^(L-1) σ'(z^(L)) 2(a^(L) - y)",
    r"a^{(L-1)} \sigma'(z^{(L)}) 2(a^{(L)} - y)",
    r"\frac{\partial C_0}{\partial w^{(L)}} = a^{(L-1)} \sigma'\left(z^{(L)}\right) 2\left(a^{(L)} - y\right)"])
def test_three_blue_one_browns_chain_rule_as_the_video_writes_it(typed):
    """∂C0/∂w^(L) = a^(L-1) σ'(z^(L)) 2(a^(L) − y), as 3Blue1Brown writes it, said 'a number
    right after a factor' (the 2 after σ'(…)), and in LaTeX, a^{(L-1)}, 'no node named a'
    (the left-hand side: 'names w^{(L)}, and no node has that name').  Oracle, by hand:
    0.6 σ'(0.34) 2(σ(0.34) − 1)."""
    import math
    C, w = three_blue_one_brown()
    s = 1 / (1 + math.exp(-(0.9 * 0.6 - 0.2)))
    verdict = check(C, w, typed)
    assert verdict and verdict.formula_value == pytest.approx(0.6 * s * (1 - s) * 2 * (s - 1),
                                                              rel=1e-14)


@pytest.mark.parametrize("typed", ["h 2", "(h+1)2"])
def test_a_number_after_a_name_or_a_bracket_without_a_space_is_still_refused(typed):
    """h 2 and (h+1)2 may be h² and (h+1)² pasted without the superscript: still refused
    (no value to check)."""
    from autograd import Value
    from autograd.check import FormulaError
    h = Value(0.5, name="h")
    with pytest.raises(FormulaError, match="a number right after a factor; write \\* between"):
        check((h * 2).named("L"), h, typed)


def nielsen_2_3_1():
    net = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                               [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    return C


def test_a_weight_with_its_indices_swapped_before_a_bracket_is_named_as_such():
    """x_1 σ'(z^2_2) w^3_{21} (a^3_1 - y) σ'(z^3_1) (w^3_{21} before a bracket: a call?) said
    'no node has this name and no op is called so; ops: abs, add, …'; it says w3_12 is
    meant, as the same name elsewhere does."""
    from autograd.check import FormulaError
    C = nielsen_2_3_1()
    with pytest.raises(FormulaError, match=r"no node named 'w3_21' in this graph \(did you mean "
                                           r"w3_12\? In Nielsen's w\^l_jk, j is the neuron"):
        check(C, "w2_21", r"x_1 \sigma'(z^2_2) w^3_{21} (a^3_1 - y) \sigma'(z^3_1)")


def test_nielsens_bp_with_the_weight_named_right_agrees():
    """Oracle: ∂C/∂w²₂₁ = x₁ σ'(z²₂) w³₁₂ (a³₁ − y) σ'(z³₁) by hand, for C = ½(a³₁ − y)²."""
    import math
    s = lambda v: 1 / (1 + math.exp(-v))        # noqa: E731
    z2 = [0.1 * 0.6 - 0.3 * -0.4 + 0.1, 0.5 * 0.6 + 0.2 * -0.4, -0.6 * 0.6 + 0.4 * -0.4 - 0.1]
    a2 = [s(v) for v in z2]
    a3 = s(0.7 * a2[0] - 0.2 * a2[1] + 0.3 * a2[2])
    hand = 0.6 * a2[1] * (1 - a2[1]) * -0.2 * (a3 - 0.25) * a3 * (1 - a3)
    verdict = check(nielsen_2_3_1(), "w2_21",
                    r"x_1 \sigma'(z^2_2) w^3_{12} (a^3_1 - y) \sigma'(z^3_1)")
    assert verdict and verdict.formula_value == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize("typed, at", [(r"a^1_1 \left( \sum_k w^3_{k2} x_k \right)", 14),
                                       (r"\sum_{j=1}^{n} x_j", 1), ("Σ_k w3_1k x_k", 1)])
def test_a_sum_over_an_index_says_to_write_its_terms(typed, at):
    """\\sum_k said 'this character is not part of a formula' at its _, and Σ_k 'no node
    named Σ_k'."""
    from autograd.check import FormulaError
    with pytest.raises(FormulaError, match=rf"at position {at} .*: a sum over an index "
                                           r"\(\\sum_k, Σ_j\) is not read: write its terms out"):
        check(nielsen_2_3_1(), "w2_21", typed)


@pytest.mark.parametrize("typed", ["-7.458 e-2", "-7.458 E-2", "-7.458 e-02"])
def test_one_number_with_its_exponent_set_apart_is_the_number(typed):
    """-7.458 e-2 was read as the formula -7.458·e − 2 (-22.3: 'Disagrees ... no small mistake
    reproduces your formula'), and -7.458 E-2 as 'no node named E'.  Oracle, by hand:
    ∂σ(xw)/∂x = w σ(xw)(1 − σ(xw)) = -0.0745797 at x = 0.5, w = -0.3."""
    from autograd import Value
    x, w = Value(0.5, name="x"), Value(-0.3, name="w")
    y = (x * w).sigmoid()
    y.backward()
    verdict = check(y, x, typed)
    assert verdict and verdict.formula is None and verdict.expected == -0.07458
    assert not check(y, x, typed.replace("7.458", "7.468"))


def test_lambda_is_greek_too_though_unicode_spells_it_lamda():
    """d2l's weight decay, J = ½(wx − y)² + λ/2 w², checked as (wx − y)x + \\lambda w: \\lambda
    was 'this LaTeX command is not read' (Unicode names λ GREEK SMALL LETTER LAMDA), and a
    node named \\lambda^2_1 printed as its backslash.  Oracle, by hand: (1.6 − 1)·2 + 0.1·0.8."""
    from autograd import Value, names
    w, x, y, lam = (Value(v, name=n) for v, n in ((0.8, "w"), (2.0, "x"), (1.0, "y"), (0.1, "λ")))
    J = (0.5 * (w * x - y) ** 2 + lam / 2 * w ** 2).named("J")
    J.backward()
    verdict = check(J, w, r"\frac{\partial J}{\partial w} = (wx - y)x + \lambda w")
    assert verdict and verdict.formula_value == pytest.approx(0.6 * 2 + 0.1 * 0.8, rel=1e-14)
    assert names.text(r"\lambda^2_1") == "λ²₁"


@pytest.mark.parametrize("typed", [r"\frac{\partial \mathcal{L}}{\partial w} = x",
                                   r"\frac{\partial \mathbf{L}}{\partial \mathbf{w}} = \mathbf{x}",
                                   r"\frac{\partial L}{\partial \boldsymbol{w}} = \bm{x}",
                                   r"\mathcal{L} / w", r"\frac{\partial L}{\partial w} = \boxed{x}",
                                   r"$\boxed{2.0}$"])
def test_a_name_in_a_latex_font_and_a_boxed_answer_are_read(typed):
    """ML posts write the loss \\mathcal{L} and vectors \\mathbf{w}, \\boldsymbol{w}; Math SE
    answers box the result.  They were 'this LaTeX command is not read' (or, in a left-hand
    side, "names '\\mathcal{L}', and no node has that name").  Oracle, by hand: ∂(wx)/∂w = x = 2."""
    from autograd import Value
    w, x = Value(0.8, name="w"), Value(2.0, name="x")
    L = (w * x).named("L")
    L.backward()
    verdict = check(L, w, typed)
    assert verdict and verdict.expected == 2.0
    if "partial" in typed:
        assert verdict.formula.lhs == ("L", "w")


def float32_backprop():
    """The blog's backprop written out in numpy in single precision, as a learner's code
    (or PyTorch's default dtype) computes it: the independent oracle."""
    np = pytest.importorskip("numpy")
    f = np.float32
    X, Y = np.array(BLOG_X, f), np.array(BLOG_Y, f)
    W1 = np.array([[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], f)
    W2 = np.array([[0.8], [-0.6], [0.4]], f)
    A1 = 1 / (1 + np.exp(-(X @ W1 + np.array([[0.0, 0.1, -0.2]], f))))
    A2 = 1 / (1 + np.exp(-(A1 @ W2 + np.array([[-0.1]], f))))
    d2 = (A2 - Y) / f(4) * A2 * (1 - A2)
    d1 = (d2 @ W2.T) * A1 * (1 - A1)
    return {"W1": X.T @ d1, "b1": d1.sum(axis=0, keepdims=True), "W2": A1.T @ d2,
            "b2": d2.sum(axis=0, keepdims=True)}


@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_a_float32_array_pasted_as_numpy_prints_it_is_judged_at_float32s_precision(name):
    """array([[ 1.0982477e-03, …]], dtype=float32), pasted from a float32 backprop, was 'disagrees
    in 6 of 6 entries': its 8 printed digits were taken as typed, though float32 holds about 6
    and the arithmetic rounds at each step; passed as the array itself it agreed.  Now the
    printed dtype is read as the array's is.  A factor 4 off still disagrees."""
    np = pytest.importorskip("numpy")
    G = float32_backprop()[name]
    cost = blog_cost()
    verdict = check(cost, name, repr(G))
    assert verdict and "float32 numbers" in verdict.finding
    assert not check(cost, name, repr(G * np.float32(4)))
    if G.size == 1:
        assert check(cost, name, repr(G.ravel()[0]))           # np.float32(0.014580332)


def test_a_float32_array_printed_with_few_digits_keeps_them():
    """array([[0.004], …], dtype=float32) (numpy's precision=3) is judged at its 1 digit, not at
    float32's tighter tolerance.  Oracle: the blog's published 0.00403, 0.00940, 0.00769."""
    cost = blog_cost()
    verdict = check(cost, "W2", "array([[0.004], [0.009], [0.008]], dtype=float32)")
    assert verdict and verdict.finding.endswith("(each to the digits you typed).")


@pytest.mark.parametrize("typed", [
    r"\frac{1}{m} \mathbf{A}_1^T \left( (\mathbf{A}_2 - \mathbf{Y}) \odot \mathbf{A}_2 \odot "
    r"(\mathbf{1} - \mathbf{A}_2) \right)",
    r"\frac{1}{m} A_1^T \left( (A_2 - Y) \odot \mathbf{1} \odot A_2 \odot (\mathbf{1} - A_2) \right)"])
def test_the_ones_vector_entry_by_entry_is_ones(typed):
    """σ'(Z) = A ⊙ (𝟏 − A), the 1 in bold as matrix-form derivations write it, was refused
    ('the ones vector 1 is read in a product'); entry by entry it is a matrix of ones, as numpy
    broadcasts it.  Oracle: the blog's published ∂C/∂W2, 0.00403, 0.00940, 0.00769."""
    verdict = check(blog_cost(), "W2", typed)
    assert verdict
    assert [round(row[0], 5) for row in verdict.expected] == [0.00403, 0.0094, 0.00769]


@pytest.mark.parametrize("typed", ["0.00403\n0.00940\n0.00769", "0.00403; 0.00940; 0.00769",
                                   "0.00403;\n0.00940;\n0.00769;", "(0.00403, 0.00940, 0.00769)",
                                   "[0.00403, 0.00940, 0.00769]ᵀ"])
def test_a_vector_one_number_a_line_or_as_a_tuple_is_read(typed):
    """A column pasted one number a line (or with MATLAB's ;) was read as a formula of three
    statements, the last one checked: "Your formula's ∂C/∂W2 is 1×1"; a Python tuple was
    "expected ')' at character 9", and [...]ᵀ "'ᵀ' is outside a row's [ ]".  Oracle: the blog's
    published ∂C/∂W2, 0.00403, 0.00940, 0.00769; 0.00770 is off in its third digit."""
    cost = blog_cost()
    assert check(cost, "W2", typed)
    assert not check(cost, "W2", typed.replace("0.00769", "0.00770"))


@pytest.mark.parametrize("typed, agrees", [("dσ/dx = 0.2139", True), ("∂σ/∂x = 0.214", True),
                                           (r"\frac{d\sigma}{dx} = 2.139 \times 10^{-1}", True),
                                           ("dσ/dx = 0.2140", False)])
def test_a_number_after_a_left_hand_side_keeps_its_digits(typed, agrees):
    """dσ/dx = 0.2139, the answer as a post states it, was judged as a formula at full
    precision: 'Disagrees: the engine gives 0.21390969652, and no small mistake reproduces your
    formula', where 0.2139 alone agrees.  Oracle, by hand: σ'(0.8) = σ(0.8)(1 − σ(0.8)) =
    0.213909...; 0.2140 is off in its fourth digit."""
    from autograd import Value
    x = Value(0.8, name="x")
    s = x.sigmoid().named("σ")
    s.backward()
    verdict = check(s, x, typed)
    assert bool(verdict) is agrees and verdict.formula is None and verdict.digits in (3, 4)


@pytest.mark.parametrize("typed, digits", [
    (r"\frac{\partial\,\mathrm{Loss}}{\partial\,w} = 2hx", None),
    (r"\frac{\partial \mathrm{Loss}}{\partial w} \approx 4.0", 2), ("dLoss/dw ≈ 4.0", 2)])
def test_a_left_hand_side_with_a_thin_space_or_approximately(typed, digits):
    """\\partial\\,L (LaTeX's thin space, as many posts set it) and ∂L/∂w ≈ 4.0 were no
    left-hand side: '∂ is read only in a left-hand side'.  Oracle, by hand: Loss = relu(wx)²,
    ∂Loss/∂w = 2 relu(wx) x = 4 at w = 0.5, x = 2."""
    from autograd import Value
    w, x = Value(0.5, name="w"), Value(2.0, name="x")
    h = (w * x).named("z").relu().named("h")
    loss = (h * h).named("Loss")
    loss.backward()
    verdict = check(loss, w, typed)
    assert verdict and verdict.expected == 4.0 and verdict.digits == digits


W1_PUBLISHED = [["0.00110", "-0.000349", "-0.0000623"], ["0.00520", "-0.00394", "0.00291"]]


@pytest.mark.parametrize("typed", [
    r"\begin{bmatrix} 0.00110 & -0.000349 & -0.0000623 \\[2pt] 0.00520 & -0.00394 & 0.00291 \end{bmatrix}",
    r"\left(\begin{array}{ccc} 0.00110 & -0.000349 & -0.0000623 \\ \hline 0.00520 & -0.00394 & 0.00291 "
    r"\end{array}\right)",
    r"\begin{bmatrix} 1.10 & -0.349 & -0.0623 \\ 5.20 & -3.94 & 2.91 \end{bmatrix} \times 10^{-3}",
    r"10^{-3} \begin{bmatrix} 1.10 & -0.349 & -0.0623 \\ 5.20 & -3.94 & 2.91 \end{bmatrix}",
    "0.00110 -0.000349 -0.0000623\n0.00520 -0.00394 0.00291",
    "0.00110, -0.000349, -0.0000623\n0.00520, -0.00394, 0.00291",
    "0.00110\t-0.000349\t-0.0000623\n0.00520\t-0.00394\t0.00291\n"])
def test_a_matrix_as_posts_and_printouts_lay_it_out(typed):
    """A LaTeX row break with its spacing (\\\\[2pt]) or an \\hline was 'the entry in row 2,
    column 1 is '[2pt] 0.00520', not a number'; a power of ten factored out of the matrix
    'is read alone, not inside a formula'; rows typed a line each without brackets (a
    printout, a spreadsheet) were a formula of one number ('Your formula's ∂C/∂W1 is 1×1').
    Oracle: hand-written numpy backprop of the blog's network, ∂C/∂W1 to 3 digits; 2.92 is
    off in its third digit."""
    cost = blog_cost()
    assert check(cost, "W1", typed)
    assert not check(cost, "W1", typed.replace("2.91", "2.92").replace("0.00291", "0.00292"))


def test_the_published_w1_is_hand_written_numpy_backprops():
    """The oracle of the test above: numpy backprop of the blog's network, written out."""
    np = pytest.importorskip("numpy")
    X, Y = np.array(BLOG_X), np.array(BLOG_Y)
    W1 = np.array([[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]])
    W2 = np.array([[0.8], [-0.6], [0.4]])
    A1 = 1 / (1 + np.exp(-(X @ W1 + np.array([[0.0, 0.1, -0.2]]))))
    A2 = 1 / (1 + np.exp(-(A1 @ W2 - 0.1)))
    d2 = (A2 - Y) / 4 * A2 * (1 - A2)
    dW1 = X.T @ ((d2 @ W2.T) * A1 * (1 - A1))
    assert [[float(f"{v:.3g}") for v in row] for row in dW1] == \
        [[float(v) for v in row] for row in W1_PUBLISHED]


def softplus_graph():
    from autograd import Value
    w, x = Value(0.3, name="w"), Value(2.0, name="x")
    f = (1 + (w * x).exp()).log().named("f")
    f.backward()
    return f, w


@pytest.mark.parametrize("typed", [
    r"\frac{d}{dw}\ln(1+e^{wx}) = \frac{x e^{wx}}{1+e^{wx}}",
    r"\frac{\partial}{\partial w} \log\left(1 + e^{w x}\right) = x\sigma(wx)",
    r"\frac{d}{dw} \ln(1+e^{wx}) &= x\sigma(wx)", "d/dw ln(1+e^(wx)) = x σ(wx)"])
def test_the_derivative_operator_before_the_function_is_a_left_hand_side(typed):
    """Math SE writes d/dw ln(1 + e^{wx}) = …; it was 'the function d needs its argument in
    parentheses'.  Oracle, by hand: d/dw ln(1 + e^{wx}) = x e^{wx}/(1 + e^{wx}) = x σ(wx)."""
    import math
    f, w = softplus_graph()
    verdict = check(f, w, typed)
    assert verdict and verdict.formula.lhs == ("f", "w")
    assert verdict.formula_value == pytest.approx(2 * math.exp(0.6) / (1 + math.exp(0.6)), rel=1e-14)


def test_the_derivative_operators_expression_must_be_the_roots():
    """The function differentiated is evaluated: ln(1 + e^{2wx}) is not f, and says so.
    Oracle, by hand: ln(1 + e^{1.2}) = 1.46328…, ln(1 + e^{0.6}) = 1.03748…."""
    from autograd.check import FormulaError
    f, w = softplus_graph()
    with pytest.raises(FormulaError, match=r"^check: the left-hand side \\frac\{d\}\{dw\}\\ln\(1\+e\^"
                                           r"\{2wx\}\) differentiates an expression whose value is "
                                           r"1\.46328246734, but the root, f, is 1\.03748795049"):
        check(f, w, r"\frac{d}{dw}\ln(1+e^{2wx}) = x\sigma(wx)")
    with pytest.raises(FormulaError, match="is with respect to x, but the node checked is w"):
        check(f, w, r"\frac{d}{dx}\ln(1+e^{wx}) = w\sigma(wx)")


def test_a_value_pasted_with_the_equals_sign_before_it_is_the_number():
    """'= 1.28', the end of a line pasted without its left side, was 'expected a number, a
    name or an opening parenthesis' at the =.  Oracle, by hand: d(w²)/dw = 2w = 1.6."""
    from autograd import Value
    w = Value(0.8, name="w")
    J = (w * w).named("J")
    J.backward()
    assert check(J, w, "= 1.6").digits == 2 and check(J, w, "=1.60")
    assert not check(J, w, "= 1.7")


def test_a_subscripted_name_before_a_bracket_in_an_unnamed_graph_says_how_to_name_nodes():
    """x_1 (1 - tanh²(n)) over micrograd code without labels said 'no node has this name and
    no op is called so; ops: abs, add, …' (x_1 ( read as a call); a name with digits or _ is
    a node's, and the message says how to name the nodes."""
    from autograd import Value
    from autograd.check import FormulaError
    a = Value(2.0)
    L = (a * Value(-3.0)).tanh()
    L.backward()
    with pytest.raises(FormulaError, match=r"no node named 'x_1' in this graph; named nodes: "
                                           r"\(none\); autograd.name_variables\(globals\(\)\)"):
        check(L, a, "x_1 (1 - a)")
    with pytest.raises(FormulaError, match=r"no op is called so; ops: abs"):
        check(L, a, "foo(a)")


@pytest.mark.parametrize("typed", [r"\nabla_w J = (wx - y)x + \lambda w",
                                   r"\nabla_{\mathbf{w}} J = (wx - y)x + \lambda w",
                                   "∇_w J = (wx − y)x + λw", r"\nabla_w = (wx - y)x + \lambda w"])
def test_the_gradient_written_with_nabla_is_a_left_hand_side(typed):
    """d2l writes ∇_w J = …; it was 'this LaTeX command is not read' at \\nabla.  Oracle, by
    hand for J = ½(wx − y)² + λ/2 w²: (wx − y)x + λw = 1.28 at w = 0.8, x = 2, y = 1, λ = 0.1."""
    from autograd import Value
    w, x, y, lam = (Value(v, name=n) for v, n in ((0.8, "w"), (2.0, "x"), (1.0, "y"), (0.1, "λ")))
    J = (0.5 * (w * x - y) ** 2 + lam / 2 * w ** 2).named("J")
    J.backward()
    verdict = check(J, w, typed)
    assert verdict and verdict.formula.lhs == ("J", "w")
    assert verdict.formula_value == pytest.approx(1.28, rel=1e-14)
    from autograd.check import FormulaError
    with pytest.raises(FormulaError, match="is with respect to x, but the node checked is w"):
        check(J, w, typed.replace("_w", "_x").replace("{\\mathbf{w}}", "x"))


@pytest.mark.parametrize("typed", [r"2h \cdot \mathbb{1}[z > 0] \cdot x", r"2h \mathbb{1}_{z>0} x",
                                   r"2h\,\mathbb{1}(z > 0)\,x", r"2h\,\mathbf{1}\{z>0\}\,x",
                                   r"2h \mathbb{1}\left(z \geq 0\right) x"])
def test_the_indicator_of_relus_derivative_reads_as_its_bracket(typed):
    """ReLU's derivative written as d2l and Math SE write it, \\mathbb{1}[z > 0], was 'this
    LaTeX command is not read'.  Oracle, by hand for y = relu(wx + b)²: ∂y/∂w = 2 relu(z) x
    = 2·0.9·2 = 3.6; with the comparison turned, [z < 0], the formula gives 0."""
    from autograd import Value
    x, w, b = Value(2.0, name="x"), Value(0.7, name="w"), Value(-0.5, name="b")
    h = (w * x + b).named("z").relu().named("h")
    y = (h * h).named("y")
    y.backward()
    verdict = check(y, w, typed)
    assert verdict and verdict.formula_value == pytest.approx(3.6, rel=1e-14)
    assert check(y, w, typed.replace(">", "<").replace(r"\geq", r"\leq")).formula_value == 0.0
    from autograd.check import FormulaError
    with pytest.raises(FormulaError, match=r"'\\\\mathbb'\): this LaTeX command is not read"):
        check(y, w, r"2h \mathbb{1}(z + 1) x")          # no comparison: not an indicator


@pytest.mark.parametrize("typed", [r"\mathrm{sech}^2(z)", r"\operatorname{sech}^2(z)", "sech(z)^2"])
def test_sech_squared_says_what_to_write(typed):
    """d/dz tanh z = sech² z, as Math SE writes it, said 'no node named sech'; it says what to
    write, and that agrees.  Oracle, by hand: 1 − tanh²(0.3) = 0.91513696…."""
    import math

    from autograd import Value
    from autograd.check import FormulaError
    z = Value(0.3, name="z")
    o = z.tanh().named("o")
    o.backward()
    with pytest.raises(FormulaError, match=r"sech is not an op here; tanh's derivative sech²\(z\) "
                                           r"is 1 - tanh\^2\(z\), or tanh'\(z\)"):
        check(o, z, typed)
    assert check(o, z, "1 - tanh^2(z)").formula_value == pytest.approx(1 - math.tanh(0.3) ** 2,
                                                                       rel=1e-15)


def test_numpys_summarised_printout_is_named_in_one_line():
    """print(dW2) of Nielsen's 784-30-10 (30 × 784 entries) shows '...' where numpy left
    entries out; pasted, it was refused as "cannot read '[[ 3.7e-03 ...' (the whole
    printout) as a matrix: '...' is outside a row's [ ]", and its repr (numpy 2 adds
    shape=(30, 784)) as a formula ("cannot read '...,' at character 60 of the formula").
    Both now say what the '...' is, in one line, and change no gradient. The array itself,
    numpy backprop by hand, agrees."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(5)
    W2, b2 = rng.normal(0, 0.05, (30, 784)), rng.normal(0, 1, (30, 1))
    W3, b3 = rng.normal(0, 0.2, (10, 30)), rng.normal(0, 1, (10, 1))
    X, Y = rng.uniform(0, 1, (784, 2)), np.eye(10)[:, [3, 7]]
    net = nn.MLP.from_matrices([W2, W3], [b2, b3], layout="columns")
    cost = nn.half_squared_error(net.batch(X.T), Y.T, reduction="sum")
    cost.backward()
    A1 = 1 / (1 + np.exp(-(W2 @ X + b2)))
    A2 = 1 / (1 + np.exp(-(W3 @ A1 + b3)))
    delta3 = (A2 - Y) * A2 * (1 - A2)
    delta2 = (W3.T @ delta3) * A1 * (1 - A1)
    hand = delta2 @ X.T
    assert check(cost, "W2", hand)
    before = [p.grad for p in net.parameters()]
    for printed in (str(hand), repr(hand), str(hand.ravel()), "[[0.1, 0.2, ..., 0.3]]"):
        with pytest.raises(ValueError) as err:
            check(cost, "W2", printed)
        message = str(err.value)
        assert "\n" not in message and len(message) < 250
        assert "'...' stands for entries left out" in message
        assert "np.set_printoptions(threshold=sys.maxsize)" in message
    assert [p.grad for p in net.parameters()] == before
    assert check(cost, "W2", "[0.0014291...]").finding.startswith("Your ∂C/∂W2 is a vector of 1 ")


def test_numpys_zero_at_its_printed_decimals_is_zero_to_those_places():
    """print(dW1) after np.set_printoptions(precision=3, suppress=True) writes entries
    smaller than 0.0005 as '0.' and '-0.'; pasted, they were read as exactly zero and the
    learner's right gradient 'disagrees with the engine's in 2 of 6 entries; no common
    matrix mistake ... reproduces it'. A zero written to decimal places is now zero to
    those places, as any other number typed is to its digits; a bare 0 stays exactly zero.
    Oracle: numpy backprop by hand of a 2-3-1 network, columns layout."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    W2, b2, W3, b3 = (rng.normal(size=s) for s in ((3, 2), (3, 1), (1, 3), (1, 1)))
    X, Y = rng.normal(size=(2, 4)), rng.uniform(size=(1, 4))
    net = nn.MLP.from_matrices([W2, W3], [b2, b3], layout="columns")
    cost = nn.half_mean_squared_error(net.batch(X.T), Y.T)
    cost.backward()
    A2 = 1 / (1 + np.exp(-(W2 @ X + b2)))
    A3 = 1 / (1 + np.exp(-(W3 @ A2 + b3)))
    d3 = (A3 - Y) / 4 * A3 * (1 - A3)
    dW2 = ((W3.T @ d3) * A2 * (1 - A2)) @ X.T
    assert abs(dW2[2, 0]) < 5e-4 and -5e-4 < dW2[2, 1] < 0        # these print as 0. and -0.
    with np.printoptions(precision=3, suppress=True):
        printed = str(dW2)
    assert "0.    -0.   " in printed
    verdict = check(cost, "W2", printed)
    assert verdict, verdict.finding
    assert "W2[3,2]      ∂C/∂w²₃₂               -0.000             -0.000  yes" in str(verdict)
    assert check(cost, "w2_32", "-0.000").headline() == ("Agrees to the 3 decimal places "
                                                         "you gave.")
    at_four = check(cost, "w2_32", "0.0000")              # -5.3e-05 is -0.0001 at 4 places
    assert not at_four
    assert at_four.headline() == ("Disagrees: the engine gives -0.0001, and a zero (to 4 "
                                  "decimal places) is too few to tell which mistake gives "
                                  "your value.")
    assert not check(cost, "w2_32", "0")                  # exactly zero, as before
    assert not check(cost, "W2", printed.replace("-0.  ", "-0.1 "))

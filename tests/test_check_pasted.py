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

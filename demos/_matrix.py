"""Tiny pure-Python matrices (lists of rows) for the batch demos.

Not a demo (run_all.py skips files starting with "_").  Enough to write
the worked examples' matrix formulas as they are printed: a1^T δ2, (δ2 W2^T) ⊙ σ'(z1).
"""

import math


def matmul(A, B):
    """A B for A n×p and B p×q."""
    return [[sum(a * B[t][c] for t, a in enumerate(row)) for c in range(len(B[0]))] for row in A]


def T(A):
    """The transpose A^T."""
    return [list(col) for col in zip(*A)]


def hadamard(A, B):
    """A ⊙ B, entry by entry."""
    return [[a * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def minus(A, B):
    return [[a - b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def scale(c, A):
    return [[c * a for a in row] for row in A]


def plus_row(A, row):
    """A + b: the 1×q bias row b added to every row (sample) of A."""
    return [[a + r for a, r in zip(ra, row[0])] for ra in A]


def elementwise(f, A):
    return [[f(a) for a in row] for row in A]


def one_minus(A):
    return [[1.0 - a for a in row] for row in A]


def batch_sum(A):
    """Σ over the batch dimension (the rows): a 1×q row."""
    return [[sum(col) for col in zip(*A)]]


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def sigmoid_prime(x):
    """σ'(x) = σ(x)(1 − σ(x))."""
    s = sigmoid(x)
    return s * (1.0 - s)


def text(A, digits=6):
    """A matrix as aligned text, one row per line."""
    cells = [[f"{a:.{digits}g}" for a in row] for row in A]
    width = max(len(c) for row in cells for c in row)
    return "\n".join("[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells)

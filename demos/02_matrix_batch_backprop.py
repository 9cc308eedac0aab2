"""The 2-3-1 network in matrix form: backprop for a whole batch, checked entry by entry.

A 2-3-1 sigmoid network; the batch a0 has one sample per row (m × 2):

    z1 = a0 W1 + b1,  a1 = σ(z1)        W1: 2×3, b1: 1×3
    z2 = a1 W2 + b2,  a2 = σ(z2)        W2: 3×1, b2: 1×1
    L  = ½ Σ_batch (a2 − y)²

and the answer's backward pass (σ'(x) = σ(x)(1 − σ(x))):

    δ2 = (a2 − y) ⊙ σ'(z2)          ∂L/∂W2 = a1^T δ2     ∂L/∂b2 = Σ_batch δ2
    δ1 = (δ2 W2^T) ⊙ σ'(z1)         ∂L/∂W1 = a0^T δ1     ∂L/∂b1 = Σ_batch δ1

The engine knows nothing about matrices: it runs the network once per sample
(nn.MLP, one Value per number) and adds up the chain rule along every path.
W1[k][j] is the weight from input k to hidden neuron j: Nielsen's w^2_jk,
the engine's node ``w2_{j}{k}`` (nn stores weights as rows j, so W1 = w^T).

Run:  python demos/02_matrix_batch_backprop.py
"""

import _common
import nn
from _matrix import (
    T, batch_sum, elementwise, hadamard, matmul, minus, plus_row, sigmoid, sigmoid_prime, text,
)

EXAMPLE = "the 2-3-1 network in matrix form"
SHOWS = "∂L/∂W = a^T δ, δ1 = (δ2 W2^T) ⊙ σ'(z1) over a batch"
DATA = "a made-up batch of 3 samples (a0 below) and hand-picked weights; no data set"

# A batch of m = 3 samples, one per row, and the network's parameters in matrix form
a0 = [[1.0, 0.5], [-0.5, 1.5], [2.0, -1.0]]
y = [[1.0], [0.0], [1.0]]
W1 = [[0.1, -0.2, 0.3],
      [0.4, 0.5, -0.6]]
b1 = [[0.1, 0.0, -0.1]]
W2 = [[0.7], [-0.8], [0.9]]
b2 = [[0.05]]

NETWORK = """\
    x1 --\\    /-- a2_1 --\\
          >--+--- a2_2 ---+--> a3_1 = y'      (2-3-1, sigmoid everywhere)
    x2 --/    \\-- a2_3 --/
    batch of m = 3 samples, L = ½ Σ_batch (a2 − y)²"""


def by_hand():
    """The answer's matrix formulas, step by step."""
    z1 = plus_row(matmul(a0, W1), b1)
    a1 = elementwise(sigmoid, z1)
    z2 = plus_row(matmul(a1, W2), b2)
    a2 = elementwise(sigmoid, z2)
    delta2 = hadamard(minus(a2, y), elementwise(sigmoid_prime, z2))
    delta1 = hadamard(matmul(delta2, T(W2)), elementwise(sigmoid_prime, z1))
    return {
        "delta2": delta2, "delta1": delta1,
        "W2": matmul(T(a1), delta2), "b2": batch_sum(delta2),
        "W1": matmul(T(a0), delta1), "b1": batch_sum(delta1),
    }


def by_engine():
    """nn.MLP with the same numbers; one forward pass per sample (its nodes named
    with the sample, x₁⁽ⁱ⁾), one backward."""
    net = nn.MLP([2, 3, 1], weights=[T(W1), T(W2)], biases=[b1[0], b2[0]])
    outputs, z2_rows, z3_rows = [], [], []
    for i, x in enumerate(a0, 1):
        outputs.append(net(x, sample=i))     # nodes named x1(i), z2_1(i), ...: x₁⁽ⁱ⁾, z²₁⁽ⁱ⁾
        z2_rows.append(net.layers[0].z)      # this sample's hidden z (layer 2)
        z3_rows.append(net.layers[1].z)      # this sample's output z (layer 3)
    L = nn.half_squared_error(outputs, y, reduction="sum").named("L")   # ½ Σ_batch (a2 − y)²
    L.backward()
    p = net.named_parameters()
    grads = {
        "delta2": [[z.grad for z in row] for row in z3_rows],    # δ = ∂L/∂z, per sample
        "delta1": [[z.grad for z in row] for row in z2_rows],
        "W2": [[p[f"w3_1{k}"].grad] for k in (1, 2, 3)],
        "b2": [[p["b3_1"].grad]],
        "W1": [[p[f"w2_{j}{k}"].grad for j in (1, 2, 3)] for k in (1, 2)],
        "b1": [[p[f"b2_{j}"].grad for j in (1, 2, 3)]],
    }
    return net, L, grads


def main():
    _common.title("The 2-3-1 network in matrix form: a batch, and backprop in matrices", data=DATA)
    print(NETWORK, "\n")
    print("a0 (one sample per row):\n" + text(a0))
    print("W1:\n" + text(W1) + "\nW2:\n" + text(W2) + "\n")
    hand = by_hand()
    net, L, engine = by_engine()
    print(f"L = {L.data:.12g}\n")
    ok = True
    for key, formula in (
            ("delta2", "(a2 − y) ⊙ σ'(z2)           engine: each sample's z3_1.grad"),
            ("W2", "a1^T δ2"),
            ("b2", "Σ_batch δ2"),
            ("delta1", "(δ2 W2^T) ⊙ σ'(z1)          engine: each sample's z2_j.grad"),
            ("W1", "a0^T δ1"),
            ("b1", "Σ_batch δ1")):
        name = key if key.startswith("delta") else f"∂L/∂{key}"
        ok &= _common.compare_matrices(name, formula, hand[key], engine[key])
    _common.save_graph(L, "02_matrix_batch_backprop", highlight="w2_11",
                       title="The 2-3-1 network in matrix form: 3 samples through one network")
    print("\nEvery entry of the matrix formulas is the engine's sum over the batch."
          if ok else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

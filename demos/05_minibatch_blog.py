"""The mini-batch blog: a blog's mini-batch backprop matrices, checked against the engine.

The blog's network (X: m×2 samples, Y: m×1 labels):

    i1 = X W1 + b1,   o1 = sigmoid(i1)        W1: 2×3, b1: 1×3
    i2 = o1 W2 + b2,  o2 = sigmoid(i2)        W2: 3×1, b2: 1×1
    cost = 1/(2m) Σ_i (o2_i − Y_i)²

and its result

    ∂cost/∂o2 = 1/m (o2 − Y)                                   (the only 1/m)
    ΔW2 = ((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2)))^T × o1)^T
    ΔW1 = ((((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2))) × W2^T) ⊙ o1 ⊙ (1 − o1))^T × X)^T

The engine runs nn.MLP once per sample and nn.half_mean_squared_error puts
the 1/(2m) on the summed squared errors; the chain rule brings the 1/m down
to ∂cost/∂o2, exactly where the blog has it.

Then chainrule derives the same backprop as matrix code from the network
(``net.jit_loss(..., backend="numpy")``): Nielsen's BP1-BP4 over the batch,
one column per sample, so its dC_dW2 and dC_dW3 are the blog's ΔW1 and ΔW2
transposed (the blog puts samples in rows, and its W1 is Nielsen's w², the
weights into layer 2).

Run:  python demos/05_minibatch_blog.py
"""

import _common
import nn
from _matrix import T, elementwise, hadamard, matmul, minus, one_minus, plus_row, scale, sigmoid, text

EXAMPLE = "the mini-batch blog"
SHOWS = "the blog's ΔW1, ΔW2 and its 1/m on a 2-3-1 network"
DATA = "the blog's 4 made-up samples X, Y and its starting weights; no data set"

X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]    # m = 4 samples, one per row
Y = [[1.0], [0.0], [0.0], [1.0]]
W1 = [[0.2, -0.4, 0.6],
      [-0.5, 0.3, 0.1]]
b1 = [[0.0, 0.1, -0.2]]
W2 = [[0.8], [-0.6], [0.4]]
b2 = [[-0.1]]
m = len(X)

NETWORK = """\
    X (m×2) --W1,b1--> i1 --sigmoid--> o1 (m×3) --W2,b2--> i2 --sigmoid--> o2 (m×1)
    cost = 1/(2m) Σ_i (o2_i − Y_i)²,  m = 4"""


def blog_matrices():
    """The blog's forward pass and its ΔW2, ΔW1, written as the blog writes them."""
    i1 = plus_row(matmul(X, W1), b1)
    o1 = elementwise(sigmoid, i1)
    i2 = plus_row(matmul(o1, W2), b2)
    o2 = elementwise(sigmoid, i2)
    dcost_do2 = scale(1 / m, minus(o2, Y))                     # 1/m (o2 − Y)
    through_o2 = hadamard(dcost_do2, hadamard(o2, one_minus(o2)))
    dW2 = T(matmul(T(through_o2), o1))
    through_o1 = hadamard(hadamard(matmul(through_o2, T(W2)), o1), one_minus(o1))
    dW1 = T(matmul(T(through_o1), X))
    return dcost_do2, dW2, dW1


def engine_gradients():
    """nn.MLP with the same numbers (nn keeps weights as rows j: W1 = w^T)."""
    net = nn.MLP([2, 3, 1], weights=[T(W1), T(W2)], biases=[b1[0], b2[0]])
    outputs = net.batch(X)        # o2_i is outputs[i][0]; nodes named x1(i), a3_1(i): x₁⁽ⁱ⁾, a³₁⁽ⁱ⁾
    cost = nn.half_mean_squared_error(outputs, Y).named("cost")
    cost.backward()
    p = net.named_parameters()
    dW2 = [[p[f"w3_1{k}"].grad] for k in (1, 2, 3)]
    dW1 = [[p[f"w2_{j}{k}"].grad for j in (1, 2, 3)] for k in (1, 2)]
    dcost_do2 = [[out[0].grad] for out in outputs]
    return cost, dcost_do2, dW2, dW1


def generated_matrix_program(dW2, dW1):
    """The network's own matrix program, printed and compared with the blog's ΔW1, ΔW2."""
    try:
        import numpy as np
    except ImportError:
        print("\n(the generated matrix program needs numpy: pip install 'chainrule[numpy]')")
        return True
    net = nn.MLP([2, 3, 1], weights=[T(W1), T(W2)], biases=[b1[0], b2[0]])
    program = net.jit_loss("half_mean_squared_error", backend="numpy")
    print("\nThe same backprop as matrix code, derived by chainrule from the network "
          "(net.jit_loss(..., backend=\"numpy\")):\n")
    print(program.source)
    cost, grads = program.gradients(np.array(X).T, np.array(Y).T, 1 / m, program.arrays())
    dC_dW2, _, dC_dW3, _ = grads
    print(f"cost = {cost:.12g}   (the program's seed argument, 1/m, puts the blog's 1/m on δ³)")
    ok = _common.compare_matrices("ΔW2 (blog) = dC_dW3ᵀ (generated)",
                                  "((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2)))^T × o1)^T", dW2,
                                  dC_dW3.T.tolist())
    ok &= _common.compare_matrices(
        "ΔW1 (blog) = dC_dW2ᵀ (generated)",
        "((((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2))) × W2^T) ⊙ o1 ⊙ (1 − o1))^T × X)^T",
        dW1, dC_dW2.T.tolist())
    return ok


def main():
    _common.title("The mini-batch blog: its matrices and the engine", data=DATA)
    print(NETWORK, "\n")
    print("X:\n" + text(X) + "\nY:\n" + text(Y) + "\n")
    dcost_do2, dW2, dW1 = blog_matrices()
    cost, e_dcost_do2, e_dW2, e_dW1 = engine_gradients()
    print(f"cost = {cost.data:.12g}\n")
    ok = _common.compare_matrices("∂cost/∂o2 (engine: each sample's a3_1.grad)",
                                  "1/m (o2 − Y)", dcost_do2, e_dcost_do2)
    ok &= _common.compare_matrices("ΔW2", "((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2)))^T × o1)^T",
                                   dW2, e_dW2)
    ok &= _common.compare_matrices(
        "ΔW1", "((((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2))) × W2^T) ⊙ o1 ⊙ (1 − o1))^T × X)^T",
        dW1, e_dW1)
    print("\nThe 1/m: cost carries 1/(2m); d/do2 of ½(o2 − Y)² is (o2 − Y), so each sample's")
    print("∂cost/∂o2 is (o2 − Y)/m. Every later factor (o2(1 − o2), o1, W2^T, X) has no m.")
    _common.save_graph(cost, "05_minibatch_blog", highlight="w3_11",
                       title="The mini-batch blog: cost = 1/(2m) Σ (o2 − Y)², m = 4")
    ok &= generated_matrix_program(dW2, dW1)
    print("\nThe blog's ΔW2 and ΔW1 are the engine's gradients." if ok
          else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

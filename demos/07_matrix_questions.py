"""Questions asked in matrix form, checked as asked: the blog's ΔW and the answer's a1ᵀ δ2.

Two worked examples write backprop for a batch in matrices, samples as rows:

* the mini-batch blog: i1 = X W1 + b1, o1 = sigmoid(i1), i2 = o1 W2 + b2,
  o2 = sigmoid(i2), cost = 1/(2m) Σ (o2 − Y)², and its
  ΔW2 = ((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2)))^T × o1)^T and ΔW1 (below);
* the matrix question's answer: δ2 = (a2 − y) ⊙ σ'(z2), ∂L/∂W2 = a1ᵀ δ2,
  ∂L/∂b2 = Σ δ2, δ1 = (δ2 W2ᵀ) ⊙ σ'(z1), ∂L/∂W1 = a0ᵀ δ1, ∂L/∂b1 = Σ δ1,
  for L = ½ Σ_batch (a2 − y)².

Each network is built from its matrices as printed (``nn.MLP.from_matrices(...,
layout="rows")``: W1 is inputs × outputs, so the blog's W1[k, j] is Nielsen's
w²_jk), and each gradient is checked twice with ``autograd.check``: from the
matrix worked out by hand (typed to 6 digits), and from the formula as the post
prints it (its LaTeX pasted, left-hand sides and all).  Then two mistakes the
check names, Nielsen's index question (w² or w³?), one entry explained as BP4,
and the picture.

Run:  python demos/07_matrix_questions.py
"""

import _common
import nn
from _matrix import T, batch_sum, elementwise, hadamard, matmul, minus, plus_row, scale, sigmoid, sigmoid_prime
from autograd.check import check
from autograd.explain import explain

EXAMPLE = "questions in matrix form"
SHOWS = "the blog's ΔW1, ΔW2, Δb1, Δb2 and the answer's a1ᵀ δ2 checked as matrices and as typed"

# The mini-batch blog (samples as rows, m = 4)
BLOG = dict(X=[[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]], Y=[[1.0], [0.0], [0.0], [1.0]],
            W1=[[0.2, -0.4, 0.6], [-0.5, 0.3, 0.1]], b1=[[0.0, 0.1, -0.2]],
            W2=[[0.8], [-0.6], [0.4]], b2=[[-0.1]])
BLOG_FORMULAS = {     # ΔW2 and ΔW1 pasted from the post's LaTeX, left-hand sides and all
    "W2": r"\Delta W_2 &= \left((\dfrac{1}{m}(o_2 - Y)\odot(o_2\odot (1 - o_2)))^T\times o_1\right)^T",
    "W1": (r"\Delta W_1 &= \left((((\dfrac{1}{m}(o_2 - Y)\odot (o_2\odot (1 - o_2)))\times W_2^T)"
           r"\odot o_1\odot (1 - o_1))^T\times X\right)^T"),
    # the blog gives Δb2 and Δb1 as chains; in matrices they are sums over the batch
    "b2": "sum(1/m (o_2 - Y) ⊙ (o_2 ⊙ (1 - o_2)), axis=0)",
    "b1": "sum(((1/m (o_2 - Y) ⊙ (o_2 ⊙ (1 - o_2))) × W_2^T) ⊙ o_1 ⊙ (1 - o_1), axis=0)",
}

# The matrix question's 2-3-1 network (samples as rows, m = 3), L = ½ Σ_batch (a2 − y)²
ANSWER = dict(X=[[1.0, 0.5], [-0.5, 1.5], [2.0, -1.0]], Y=[[1.0], [0.0], [1.0]],
              W1=[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b1=[[0.1, 0.0, -0.1]],
              W2=[[0.7], [-0.8], [0.9]], b2=[[0.05]])
DELTA2 = r"\boldsymbol{\delta}_2 = (\mathbf{a}_2 - \mathbf{y}) \odot \sigma'(\mathbf{z}_2)"
DELTA1 = r"\boldsymbol{\delta}_1 = (\boldsymbol{\delta}_2 \mathbf{W}_2^T) \odot \sigma'(\mathbf{z}_1)"
ANSWER_FORMULAS = {   # the answer's lines as printed, one $$…$$ after the other
    "W2": rf"$${DELTA2}$$ $$\frac{{\partial L}}{{\partial \mathbf{{W}}_2}} &= \mathbf{{a}}_1^T "
          rf"\boldsymbol{{\delta}}_2$$",
    "b2": rf"$${DELTA2}$$ $$\frac{{\partial L}}{{\partial \mathbf{{b}}_2}} &= \sum "
          rf"\boldsymbol{{\delta}}_2 \quad \text{{(sum over the batch dimension)}}$$",
    "W1": rf"$${DELTA2}$$ $${DELTA1}$$ $$\frac{{\partial L}}{{\partial \mathbf{{W}}_1}} = "
          rf"\mathbf{{a}}_0^T \boldsymbol{{\delta}}_1$$",
    "b1": rf"$${DELTA2}$$ $${DELTA1}$$ $$\frac{{\partial L}}{{\partial \mathbf{{b}}_1}} = "
          rf"\sum \boldsymbol{{\delta}}_1$$",
}


def by_hand(p, mean):
    """The gradients written out with the tiny list matrices of demos/_matrix.py."""
    m = len(p["X"])
    z1 = plus_row(matmul(p["X"], p["W1"]), p["b1"])
    a1 = elementwise(sigmoid, z1)
    z2 = plus_row(matmul(a1, p["W2"]), p["b2"])
    a2 = elementwise(sigmoid, z2)
    d2 = hadamard(scale(1 / m if mean else 1.0, minus(a2, p["Y"])), elementwise(sigmoid_prime, z2))
    d1 = hadamard(matmul(d2, T(p["W2"])), elementwise(sigmoid_prime, z1))
    return {"W1": matmul(T(p["X"]), d1), "b1": batch_sum(d1), "W2": matmul(T(a1), d2),
            "b2": batch_sum(d2)}


def typed(matrix, digits=6):
    """A matrix as a person copies it from a printout: text with ``digits`` digits."""
    return [[f"{x:.{digits}g}" for x in row] for row in matrix]


def network(p, mean):
    net = nn.MLP.from_matrices([p["W1"], p["W2"]], [p["b1"], p["b2"]], layout="rows")
    outputs = net.batch(p["X"])
    C = (nn.half_mean_squared_error(outputs, p["Y"]) if mean
         else nn.half_squared_error(outputs, p["Y"], reduction="sum"))
    C.backward()
    return net, C


def check_all(title, C, hand, formulas):
    ok = True
    print(f"\n{title}")
    for name in ("W1", "W2", "b1", "b2"):
        for what, given in (("the matrix, typed to 6 digits", typed(hand[name])),
                            ("the formula as typed", formulas[name])):
            verdict = check(C, name, given)
            print(f"\n  ∂C/∂{name} from {what}:")
            if isinstance(given, str):
                print(f"    {given}")
            print("\n".join("    " + line for line in str(verdict).splitlines()))
            ok &= bool(verdict)
    return ok


DATA = ("the matrices printed in the mini-batch blog (4 samples) and in the matrix question's "
        "answer (3 samples), typed in; no data set")


def main():
    _common.title("Questions in matrix form: checked as matrices and as typed", data=DATA)
    blog_net, blog_cost = network(BLOG, mean=True)
    ok = check_all("The mini-batch blog (cost = 1/(2m) Σ (o2 − Y)², m = 4):", blog_cost,
                   by_hand(BLOG, mean=True), BLOG_FORMULAS)
    _, answer_L = network(ANSWER, mean=False)
    ok &= check_all("The matrix question's answer (L = ½ Σ_batch (a2 − y)², m = 3):", answer_L,
                    by_hand(ANSWER, mean=False), ANSWER_FORMULAS)

    print("\nTwo mistakes the check names:")
    for name, formula in (("W1", BLOG_FORMULAS["W1"][:-2]),           # the last ^T left out
                          ("W2", BLOG_FORMULAS["W2"].replace(r"\dfrac{1}{m}", ""))):
        verdict = check(blog_cost, name, formula)
        print(f"  {formula}\n    {verdict.finding}")
        ok &= not verdict and verdict.matrix_diagnosis is not None

    print("\nNielsen's index question: the asker's ∂C/∂w²₁₁ = a²₁ (a³₁ − y) σ'(z³₁)")
    nielsen = nn.MLP.from_matrices([[[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]], [[0.7, -0.2, 0.3]]],
                                   [[[0.1], [0.0], [-0.1]], None], layout="columns")
    C = nn.half_squared_error(nielsen([0.6, -0.4]), [0.25])
    C.backward()
    verdict = check(C, "w2_11", "a2_1*(a3_1-y)*σ'(z3_1)")
    print("  " + str(verdict).split(": ", 1)[0] + ":")
    print("  " + str(verdict).split(": ", 1)[1].split(". ", 1)[0] + ".")
    ok &= str(verdict).startswith("This is ∂C/∂w³₁₁, not ∂C/∂w²₁₁")

    print("\nOne entry of the blog's ΔW1 explained (explain(cost, net.layers[0], entry=(1, 2))):")
    print(explain(blog_cost, blog_net.layers[0], entry=(1, 2)))

    try:
        from autograd.draw import render_graph
        paths = render_graph(blog_cost, _common.out_dir() / "07_matrix_questions_matrices",
                             level="layer",
                             title="The mini-batch blog, matrix by matrix (rows layout)")
        print("\nmatrix picture: " + ", ".join(map(str, paths)))
    except Exception as exc:  # the picture is a bonus; the numbers are the demo
        print(f"\nmatrix picture: not drawn: {_common.not_drawn(exc)}")
    _common.save_graph(answer_L, "07_matrix_questions", highlight="w3_11",
                       title="The matrix question's 2-3-1 batch, L = ½ Σ (a2 − y)²")
    print("\nEvery gradient matrix agrees, typed and as a formula; the mistakes are named."
          if ok else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

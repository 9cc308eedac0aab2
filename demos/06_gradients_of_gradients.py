"""Gradients of gradients: σ'' as a graph, the Hessian of the 1-1-1 loss, a Newton step.

A gradient is itself a computation built from the forward graph.  With
``grad(..., create_graph=True)`` chainrule builds that computation as a
graph, which can be drawn and differentiated again:

    σ'(z)  = σ(z)(1 − σ(z))
    σ''(z) = σ(z)(1 − σ(z))(1 − 2σ(z))

Then the Hessian of the first worked example's loss (the 1-1-1 network of
demo 01, x = 0.5, y = 1, w1 = 0.4, w2 = −0.7, b1 = 0.1, b2 = −0.2) with
respect to (w1, w2), against second derivatives worked out by hand, and one
Newton step w − H⁻¹∇L next to one gradient step w − η∇L.

Run:  python demos/06_gradients_of_gradients.py
"""

import math

import _common
from autograd import Value, grad, hessian

EXAMPLE = "gradients of gradients"
SHOWS = "σ'' as a graph, the Hessian of the 1-1-1 loss, Newton vs gradient step"
DATA = "σ at z = 0.5, then demo 01's 1-1-1 network at one sample (x = 0.5, y = 1); no data set"

X, Y, W1, W2, B1, B2 = 0.5, 1.0, 0.4, -0.7, 0.1, -0.2


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def sigma_second():
    """Part 1: σ'(z) and σ''(z) as graphs, against their formulas."""
    z = Value(0.5, name="z")
    s = z.sigmoid().named("σ(z)")
    (d1,) = grad(s, z, create_graph=True)
    (d2,) = grad(d1, z, create_graph=True)
    S = sigmoid(0.5)
    ok = _common.compare("σ'(z) at z = 0.5", "σ(z)(1 − σ(z))", S * (1 - S), d1.data)
    ok &= _common.compare("σ''(z) at z = 0.5", "σ(z)(1 − σ(z))(1 − 2σ(z))",
                          S * (1 - S) * (1 - 2 * S), d2.data)
    _common.save_graph(d2, "06_gradients_of_gradients",
                       title="σ''(z) = σ(z)(1 − σ(z))(1 − 2σ(z)), built by differentiating "
                             "σ'(z) = σ(z)(1 − σ(z)) at z = 0.5")
    return ok


def loss(w1, w2):
    """The 1-1-1 network: net1 = x·w1 + b1, h = σ(net1), net2 = h·w2 + b2, y' = σ(net2)."""
    x, y = Value(X, name="x"), Value(Y, name="y")
    h = (x * w1 + B1).sigmoid().named("h")
    out = (h * w2 + B2).sigmoid().named("y'")
    return (0.5 * (y - out) ** 2).named("L")


def hand():
    """First and second derivatives of L by hand.

    With d = ∂L/∂net2 = (y' − y)·y'(1−y') and D = ∂d/∂net2 = y'(1−y')·[y'(1−y') + (y'−y)(1−2y')]:
        ∂L/∂w2 = h·d                    ∂²L/∂w2² = h²·D
        ∂L/∂w1 = x·h(1−h)·w2·d          ∂²L/∂w1∂w2 = x·h(1−h)·(d + w2·h·D)
        ∂²L/∂w1² = x²·w2·h(1−h)·[(1−2h)·d + w2·h(1−h)·D]
    """
    h = sigmoid(X * W1 + B1)
    o = sigmoid(h * W2 + B2)
    d = (o - Y) * o * (1 - o)
    D = o * (1 - o) * (o * (1 - o) + (o - Y) * (1 - 2 * o))
    gradient = [X * h * (1 - h) * W2 * d, h * d]
    H = [[X * X * W2 * h * (1 - h) * ((1 - 2 * h) * d + W2 * h * (1 - h) * D),
          X * h * (1 - h) * (d + W2 * h * D)],
         [X * h * (1 - h) * (d + W2 * h * D), h * h * D]]
    return gradient, H


def the_hessian():
    """Part 2: the Hessian with respect to (w1, w2), against the hand formulas."""
    w1, w2 = Value(W1, name="w1"), Value(W2, name="w2")
    L = loss(w1, w2)
    H = hessian(L, [w1, w2])
    hand_gradient, hand_H = hand()
    ok = _common.compare_matrices(
        "Hessian of L with respect to (w1, w2)",
        "[[∂²L/∂w1², ∂²L/∂w1∂w2], [∂²L/∂w2∂w1, ∂²L/∂w2²]] from the formulas in hand()",
        hand_H, H)
    ok &= all(_common.agree(g, h) for g, h in zip(grad(L, [w1, w2]), hand_gradient))
    return ok, H


def newton_and_gradient_steps(H):
    """Part 3: one Newton step next to one gradient step (η = 0.5)."""
    w1, w2 = Value(W1, name="w1"), Value(W2, name="w2")
    L0 = loss(w1, w2)
    g1, g2 = grad(L0, [w1, w2])
    (a, b), (c, d) = H
    det = a * d - b * c
    newton = (W1 - (d * g1 - b * g2) / det, W2 - (-c * g1 + a * g2) / det)
    eta = 0.5
    gradient = (W1 - eta * g1, W2 - eta * g2)
    L_newton = loss(Value(newton[0]), Value(newton[1])).data
    L_gradient = loss(Value(gradient[0]), Value(gradient[1])).data
    print(f"\nL at (w1, w2) = ({W1}, {W2}):  {L0.data:.10g}")
    print(f"  one gradient step, η = {eta}:   (w1, w2) = ({gradient[0]:.6g}, {gradient[1]:.6g}),"
          f"  L = {L_gradient:.10g}")
    print(f"  one Newton step, w − H⁻¹∇L:    (w1, w2) = ({newton[0]:.6g}, {newton[1]:.6g}),"
          f"  L = {L_newton:.10g}")
    eigen = ((a + d) / 2 + math.sqrt(((a - d) / 2) ** 2 + b * c),
             (a + d) / 2 - math.sqrt(((a - d) / 2) ** 2 + b * c))
    print(f"  the Hessian's eigenvalues are {eigen[0]:.4g} and {eigen[1]:.4g}: "
          + ("both positive, so the Newton step heads for the minimum of the local quadratic"
             if min(eigen) > 0 else
             "not both positive, so the local quadratic is not a bowl: Newton's step goes to "
             "its stationary point, which need not lower L"))
    return True


def main():
    _common.title("Gradients of gradients: σ'', the Hessian of the 1-1-1 loss, a Newton step", data=DATA)
    ok = sigma_second()
    print()
    hessian_ok, H = the_hessian()
    ok &= hessian_ok
    ok &= newton_and_gradient_steps(H)
    print("\nThe engine's second derivatives agree with the hand formulas." if ok
          else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

"""The 1-1-1 network ("are my computations correct?"), checked by hand and by the engine.

The asker's forward pass (one bias b shared by both neurons):

    net1 = x·w1 + b      h  = σ(net1)
    net2 = h·w2 + b      y' = σ(net2)      L = ½ Σ (y − y')²

and hand gradients

    ∂L/∂w2 = h · y'(1−y') · (y'−y)
    ∂L/∂w1 = x · h(1−h) · w2 · y'(1−y') · (y'−y)

The answer adds two corrections, both shown here: the biases get gradients
too (and a bias shared by both layers collects both paths), and with several
samples the gradient of the sum is the sum of the per-sample gradients.

Run:  python demos/01_one_one_one_network.py
"""

import _common
from autograd import Value

EXAMPLE = "the 1-1-1 network"
SHOWS = "∂L/∂w1, ∂L/∂w2, the biases, a sum over samples"
DATA = "the question's own numbers typed in (one sample x = 0.5, y = 1, then 3 samples); no data set"

NETWORK = """\
    x --w1--> ( net1 = x·w1 + b,  h = σ(net1) ) --w2--> ( net2 = h·w2 + b,  y' = σ(net2) )
    L = ½ (y − y')²"""


def forward(x, y, w1, w2, b1, b2):
    """One sample through the 1-1-1 network; every node named as in the question.

    Pass the same Value as b1 and b2 for the asker's shared bias b.
    """
    x = Value(x, name="x")
    y = Value(y, name="y")
    net1 = (x * w1 + b1).named("net1")
    h = net1.sigmoid().named("h")
    net2 = (h * w2 + b2).named("net2")
    y_out = net2.sigmoid().named("y'")
    L = (0.5 * (y - y_out) ** 2).named("L")
    return x.data, y.data, h.data, y_out.data, L


def parameters(shared_bias):
    w1 = Value(0.4, name="w1", kind="parameter")
    w2 = Value(-0.7, name="w2", kind="parameter")
    if shared_bias:
        b = Value(0.1, name="b", kind="parameter")
        return w1, w2, b, b
    return w1, w2, Value(0.1, name="b1", kind="parameter"), Value(-0.2, name="b2", kind="parameter")


def output_delta(y_out, y):
    """∂L/∂net2 = y'(1−y') · (y'−y): what every hand formula here starts from."""
    return y_out * (1 - y_out) * (y_out - y)


def asker_gradients():
    """Part 1: the asker's two formulas for ∂L/∂w2 and ∂L/∂w1."""
    w1, w2, b, _ = parameters(shared_bias=True)
    x, y, h, y_out, L = forward(0.5, 1.0, w1, w2, b, b)
    L.backward()
    print(f"x = {x}, y = {y}, w1 = {w1.data}, w2 = {w2.data}, b = {b.data}")
    print(f"h = {h:.12g}, y' = {y_out:.12g}, L = {L.data:.12g}\n")
    d2 = output_delta(y_out, y)
    ok = _common.compare("∂L/∂w2", "h · y'(1−y') · (y'−y)", h * d2, w2.grad)
    ok &= _common.compare("∂L/∂w1", "x · h(1−h) · w2 · y'(1−y') · (y'−y)",
                          x * h * (1 - h) * w2.data * d2, w1.grad)
    _common.save_graph(L, "01_one_one_one_network", highlight="b",
                       title="The 1-1-1 network: the shared bias b reaches L by two paths")
    return ok


def bias_gradients():
    """Part 2: the shared b sits on two paths; separate b1, b2 each sit on one."""
    print("\nThe answer's first correction: the biases are parameters too.")
    w1, w2, b, _ = parameters(shared_bias=True)
    x, y, h, y_out, L = forward(0.5, 1.0, w1, w2, b, b)
    L.backward()
    d2 = output_delta(y_out, y)
    via_net2 = d2                                # ∂L/∂net2 · ∂net2/∂b, and ∂net2/∂b = 1
    via_net1 = h * (1 - h) * w2.data * d2        # ∂L/∂net1 · ∂net1/∂b, and ∂net1/∂b = 1
    ok = _common.compare("∂L/∂b, b shared by both layers",
                         "y'(1−y')(y'−y)  +  h(1−h) · w2 · y'(1−y')(y'−y)",
                         via_net2 + via_net1, b.grad)

    w1, w2, b1, b2 = parameters(shared_bias=False)
    x, y, h, y_out, L = forward(0.5, 1.0, w1, w2, b1, b2)
    L.backward()
    d2 = output_delta(y_out, y)
    ok &= _common.compare("∂L/∂b2, separate biases", "y'(1−y') · (y'−y)", d2, b2.grad)
    ok &= _common.compare("∂L/∂b1, separate biases", "h(1−h) · w2 · y'(1−y') · (y'−y)",
                          h * (1 - h) * w2.data * d2, b1.grad)
    return ok


def several_samples():
    """Part 3: L = ½ Σ_i (y_i − y'_i)², so ∂L/∂w = Σ_i (per-sample ∂L_i/∂w)."""
    print("\nThe answer's second correction: L is a sum, so its gradient is a sum.")
    samples = [(0.5, 1.0), (-1.0, 0.0), (2.0, 1.0)]
    w1, w2, b, _ = parameters(shared_bias=True)
    hand_w1 = hand_w2 = 0.0
    losses = []
    for x, y in samples:
        x, y, h, y_out, L_i = forward(x, y, w1, w2, b, b)
        d2 = output_delta(y_out, y)
        hand_w2 += h * d2
        hand_w1 += x * h * (1 - h) * w2.data * d2
        losses.append(L_i)
    L = losses[0]
    for L_i in losses[1:]:
        L = L + L_i
    L.named("L")
    L.backward()
    print(f"samples (x, y): {samples}")
    ok = _common.compare("∂L/∂w2 over 3 samples", "Σ_i h_i · y'_i(1−y'_i) · (y'_i−y_i)",
                         hand_w2, w2.grad)
    ok &= _common.compare("∂L/∂w1 over 3 samples",
                          "Σ_i x_i · h_i(1−h_i) · w2 · y'_i(1−y'_i) · (y'_i−y_i)",
                          hand_w1, w1.grad)
    return ok


def main():
    _common.title("The 1-1-1 network: is my backprop right? By hand and by the engine", data=DATA)
    print(NETWORK, "\n")
    ok = asker_gradients()
    ok &= bias_gradients()
    ok &= several_samples()
    print("\nThe asker's two formulas are right; the biases and the sum over samples"
          " follow the same chain rule." if ok else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

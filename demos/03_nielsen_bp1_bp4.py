"""Nielsen's BP1-BP4: the four equations on a 2-3-1 network, node by node.

Layer 1 is the input (x1, x2); layer 2 has three sigmoid neurons with biases;
layer 3 is one sigmoid neuron with no bias; C = ½ (a^3_1 − y)².

    BP1  δ^L = (a^L − y) σ'(z^L)                       (L = 3 here)
    BP2  δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)
    BP3  ∂C/∂b^l_j  = δ^l_j
    BP4  ∂C/∂w^l_jk = a^{l-1}_k δ^l_j

The engine's δ^l_j is simply ``z{l}_{j}.grad``, the gradient of the node
z^l_j.  The asker's confusion: w^l_jk is the weight *into* layer l, so the
weights from the hidden layer to the output are w^3 (not w^2), and

    ∂C/∂w^3_11 = a^2_1 (a^3_1 − y) σ'(z^3_1).

Run:  python demos/03_nielsen_bp1_bp4.py
"""

import _common
import nn
from _matrix import sigmoid_prime

EXAMPLE = "Nielsen's BP1-BP4"
SHOWS = "on 2-3-1, δ^l is z.grad; the weight into layer 3 is w^3"
DATA = "one made-up sample x = (0.6, −0.4), y = 0.25, and hand-picked weights; no data set"

x = [0.6, -0.4]
y = 0.25
w2 = [[0.1, -0.3],        # w^2_jk: into layer 2, row j (hidden neuron), column k (input)
      [0.5, 0.2],
      [-0.6, 0.4]]
b2 = [0.1, 0.0, -0.1]     # b^2_j
w3 = [[0.7, -0.2, 0.3]]   # w^3_1k: into layer 3 (the output) from hidden neuron k

NETWORK = """\
    layer 1 (input)   layer 2 (biases b2_j)     layer 3 (output, no bias)
        x1            z2_1 -> a2_1 --\\
                      z2_2 -> a2_2 ---+-->  z3_1 -> a3_1
        x2            z2_3 -> a2_3 --/
    z2_j = w2_j1 x1 + w2_j2 x2 + b2_j,   z3_1 = w3_11 a2_1 + w3_12 a2_2 + w3_13 a2_3
    C = ½ (a3_1 − y)²"""


def build():
    """Two nn layers, numbered as Nielsen numbers them (the input is layer 1)."""
    layer2 = nn.Layer(2, 3, number=2, weights=w2, biases=b2)
    layer3 = nn.Layer(3, 1, number=3, weights=w3, bias="none")
    [a3] = layer3(layer2(x))
    C = nn.half_squared_error([a3], [y])
    C.backward()
    return layer2, layer3, C


def main():
    _common.title("Nielsen's BP1-BP4 on a 2-3-1 network", data=DATA)
    print(NETWORK, "\n")
    layer2, layer3, C = build()
    z2 = [z.data for z in layer2.z]
    a2 = [a.data for a in layer2.a]
    z3, a3 = layer3.z[0].data, layer3.a[0].data
    print(f"x = {x}, y = {y}, a3_1 = {a3:.12g}, C = {C.data:.12g}\n")

    # BP1: the output error
    delta3 = (a3 - y) * sigmoid_prime(z3)
    ok = _common.compare("BP1  δ^3_1 (engine: z3_1.grad)", "(a^3_1 − y) σ'(z^3_1)",
                         delta3, layer3.z[0].grad)
    # BP2: back to layer 2; (w^3)^T δ^3 has one term per hidden neuron j
    delta2 = [w3[0][j] * delta3 * sigmoid_prime(z2[j]) for j in range(3)]
    for j in range(3):
        ok &= _common.compare(f"BP2  δ^2_{j + 1} (engine: z2_{j + 1}.grad)",
                              f"w^3_1{j + 1} δ^3_1 σ'(z^2_{j + 1})", delta2[j], layer2.z[j].grad)
    # BP3 and BP4: every parameter's gradient
    p2, p3 = layer2.named_parameters(), layer3.named_parameters()
    print("\nBP3 ∂C/∂b^l_j = δ^l_j and BP4 ∂C/∂w^l_jk = a^{l-1}_k δ^l_j, every parameter:")
    print(f"  {'parameter':10} {'by hand':>22} {'engine':>22}  agree")
    rows = []
    for j in range(3):
        for k in range(2):
            rows.append((f"w2_{j + 1}{k + 1}", x[k] * delta2[j], p2[f"w2_{j + 1}{k + 1}"].grad))
        rows.append((f"b2_{j + 1}", delta2[j], p2[f"b2_{j + 1}"].grad))
    for k in range(3):
        rows.append((f"w3_1{k + 1}", a2[k] * delta3, p3[f"w3_1{k + 1}"].grad))
    for name, hand, engine in rows:
        same = _common.agree(engine, hand)
        ok &= same
        print(f"  {name:10} {hand:22.15g} {engine:22.15g}  {'yes' if same else 'NO'}")

    print("\nThe asker's index confusion: the weight from a^2_1 to the output is w^3_11,")
    print("the weight INTO layer 3.  The answer's formula for it:")
    ok &= _common.compare("∂C/∂w^3_11", "a^2_1 (a^3_1 − y) σ'(z^3_1)",
                          a2[0] * (a3 - y) * sigmoid_prime(z3), p3["w3_11"].grad)
    asker = x[0] * delta3 * sigmoid_prime(z2[0])
    print("Reading that weight as w^2_11 and 'ignoring' w^3 in BP2 gives instead")
    print(f"  a^1_1 δ^3_1 σ'(z^2_1) = x1 δ^3_1 σ'(z^2_1) = {asker:.12g},")
    print(f"but the engine's w2_11.grad (the weight from x1 into layer 2) is "
          f"{p2['w2_11'].grad:.12g}:")
    print(f"BP2 multiplies by w^3_11 = {w3[0][0]} too, and {w3[0][0]} × {asker:.12g} = "
          f"{w3[0][0] * asker:.12g}.")
    ok &= _common.agree(p2["w2_11"].grad, w3[0][0] * asker)

    _common.save_graph(C, "03_nielsen_bp1_bp4", highlight="w3_11",
                       title="Nielsen's BP1-BP4 on 2-3-1, C = ½(a³₁ − y)², the path from w³₁₁")
    print("\nBP1-BP4 are exactly what the engine computes." if ok
          else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

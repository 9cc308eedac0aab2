"""The Desmos question: a hand derivative four times too large, and the two factors it drops.

The 1-1-2-1 network with every bias the constant 1 (s is the sigmoid,
d(x) = s(x)(1 − s(x)) its derivative):

    O = s( s(s(I·w1 + 1)·w2 + 1)·w4  +  s(s(I·w1 + 1)·w3 + 1)·w5  +  1 )

With all weights 0.5 and I = 1, Desmos says ∂O/∂w1 = 0.0014291881022; the
asker's formula gives 0.00571675240882.  The asker's formula forgets that
∂net2/∂h1 = w2 and ∂net4/∂h2 = w4 on the upper path (w3 and w5 on the lower
one): each path is short a factor 0.5 · 0.5 = 0.25, so the sum is 4x too big.

Nodes are named  net1 = I·w1 + 1,  h1 = s(net1),
                 net2 = h1·w2 + 1,  h2 = s(net2),   net3 = h1·w3 + 1,  h3 = s(net3),
                 net4 = h2·w4 + h3·w5 + 1,  O = s(net4).

Run:  python demos/04_missing_factors_desmos.py
"""

import math

import _common
from autograd import Value

EXAMPLE = "the Desmos question"
SHOWS = "on the 1-1-2-1 network the asker's ∂O/∂w1 is 4x (drops w4·w2, w5·w3)"
DATA = "the question's numbers (I = 1, every weight 0.5, every bias 1); no data set"

DESMOS = 0.0014291881022       # the value Desmos gave the asker
ASKER = 0.00571675240882       # the value the asker's formula gave

NETWORK = """\
                      --w2--> h2 = s(h1·w2 + 1) --w4--
    I --w1--> h1 = s(I·w1 + 1)                            O = s(h2·w4 + h3·w5 + 1)
                      --w3--> h3 = s(h1·w3 + 1) --w5--
    every bias is the constant 1, every weight 0.5, I = 1"""


def s(x):
    return 1.0 / (1.0 + math.exp(-x))


def d(x):
    """The sigmoid's derivative d(x) = s(x)(1 − s(x))."""
    return s(x) * (1.0 - s(x))


def build(I=1.0, weight=0.5):
    """The network as named nodes; the biases are the constant 1."""
    I = Value(I, name="I")
    w1, w2, w3, w4, w5 = (Value(weight, name=f"w{i}", kind="parameter") for i in range(1, 6))
    net1 = (I * w1 + 1).named("net1")
    h1 = net1.sigmoid().named("h1")
    net2 = (h1 * w2 + 1).named("net2")
    h2 = net2.sigmoid().named("h2")
    net3 = (h1 * w3 + 1).named("net3")
    h3 = net3.sigmoid().named("h3")
    net4 = (h2 * w4 + h3 * w5 + 1).named("net4")
    O = net4.sigmoid().named("O")
    return O, {n.name: n for n in (I, w1, w2, w3, w4, w5, net1, h1, net2, h2, net3, h3, net4, O)}


def asker_formula(n):
    """d(net4)·[ d(net2)·d(net1)·I + d(net3)·d(net1)·I ]: no w2, w3, w4, w5."""
    I, net1, net2, net3, net4 = (n[k].data for k in ("I", "net1", "net2", "net3", "net4"))
    return d(net4) * (d(net2) * d(net1) * I + d(net3) * d(net1) * I)


def answer_formula(n):
    """d(net4)·[ w4·d(net2)·w2·d(net1)·I + w5·d(net3)·w3·d(net1)·I ]."""
    I, net1, net2, net3, net4 = (n[k].data for k in ("I", "net1", "net2", "net3", "net4"))
    w2, w3, w4, w5 = (n[k].data for k in ("w2", "w3", "w4", "w5"))
    upper = w4 * d(net2) * w2 * d(net1) * I
    lower = w5 * d(net3) * w3 * d(net1) * I
    return d(net4) * (upper + lower)


def two_paths(n):
    """Our own explanation: each path's local derivatives, multiplied out."""
    I, net1, net2, net3, net4 = (n[k].data for k in ("I", "net1", "net2", "net3", "net4"))
    w2, w3, w4, w5 = (n[k].data for k in ("w2", "w3", "w4", "w5"))
    upper = d(net4) * w4 * d(net2) * w2 * d(net1) * I
    lower = d(net4) * w5 * d(net3) * w3 * d(net1) * I
    return [
        "w1 reaches O along two paths; the chain rule multiplies the local derivatives",
        "along each path and adds the paths:",
        "  w1 -> net1 -> h1 -> net2 -> h2 -> net4 -> O",
        f"     I · d(net1) · w2 · d(net2) · w4 · d(net4) = {upper:.12g}",
        "  w1 -> net1 -> h1 -> net3 -> h3 -> net4 -> O",
        f"     I · d(net1) · w3 · d(net3) · w5 · d(net4) = {lower:.12g}",
        f"  sum = {upper + lower:.12g}",
        "∂net2/∂h1 = w2 and ∂net4/∂h2 = w4 (w3, w5 below) are the edges the asker",
        f"skipped: w4·w2 = {w4 * w2:g} and w5·w3 = {w5 * w3:g}, so the asker's sum is",
        f"1/{w4 * w2:g} = {1 / (w4 * w2):g} times too large.",
    ]


def main():
    _common.title("The Desmos question: the 1-1-2-1 network and the Desmos check", data=DATA)
    print(NETWORK, "\n")
    O, n = build()
    O.backward()
    engine = n["w1"].grad
    print(f"O = {O.data:.15g}\n")
    ok = _common.compare("∂O/∂w1 against Desmos", "Desmos", DESMOS, engine, tol=1e-12)
    ok &= _common.compare("∂O/∂w1, the answer's formula",
                          "d(net4)·[w4·d(net2)·w2·d(net1)·I + w5·d(net3)·w3·d(net1)·I]",
                          answer_formula(n), engine)
    asked = asker_formula(n)
    print("∂O/∂w1, the asker's formula")
    print("  by hand : d(net4)·[d(net2)·d(net1)·I + d(net3)·d(net1)·I]")
    print(f"          = {asked:.15g}   (the asker reported {ASKER})")
    print(f"  engine  : {engine:.15g}")
    print(f"  ratio asker/engine = {asked / engine:.12g}\n")
    ok &= _common.agree(asked, ASKER, 1e-12) and _common.agree(asked / engine, 4.0)
    # The engine's own account of ∂O/∂w1: every path from w1 to O, edge by edge
    _common.explain_or(O, n["w1"], two_paths(n))
    # ... and its diagnosis of the asker's number (when autograd.check exists)
    print("\nChecking the asker's number against the engine:")
    verdict = _common.check_hand_value(O, n["w1"], ASKER)
    if verdict is not None:
        ok &= not verdict and _common.agree(verdict.ratio, 4.0)
    _common.save_graph(O, "04_missing_factors_desmos", highlight="w1",
                       title="The Desmos question: the two paths from w1 to O")
    print("\nThe engine reproduces Desmos; the asker's formula is exactly 4x too large."
          if ok else "\nSOMETHING DISAGREES (see above)")
    return ok


if __name__ == "__main__":
    AGREED = main()

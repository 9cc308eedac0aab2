"""The 1-1-1 sigmoid network of the first worked example, small enough to step through by hand.

    net1 = w1·x + b    h  = σ(net1)
    net2 = w2·h + b    y' = σ(net2)    e = y - y'    L = ½ e²

One bias b is shared by both neurons, as in the question, so b's gradient is the
sum of two contributions.  Used by the README and the tests for
``python -m pdb`` and ``chainrule step`` (not a demo: ``make demo`` skips
files starting with "_").

    python -m pdb demos/_pdb_example.py
    chainrule step demos/_pdb_example.py --stop-at h
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from autograd import Value, dot  # noqa: E402

x = Value(0.5, name="x")
y = Value(1.0, name="y")
w1 = Value(0.4, name="w1", kind="parameter")
w2 = Value(-0.7, name="w2", kind="parameter")
b = Value(0.1, name="b", kind="parameter")

net1 = dot([w1], [x], b).named("net1")
h = net1.sigmoid().named("h")
net2 = dot([w2], [h], b).named("net2")
y_out = net2.sigmoid().named("y'")
e = (y - y_out).named("e")
L = (0.5 * e ** 2).named("L")

L.backward()
print(f"L = {L.data:.12g}")
for p in (w1, w2, b):
    print(f"dL/d{p.name} = {p.grad:.12g}")

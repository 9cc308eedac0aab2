# The micrograd lecture's first graph, unchanged but for the imports.
# ruff: noqa: E702  (the lecture writes e = a*b; e.label = 'e')
from autograd import Value
from autograd.draw import draw_dot

a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
L.backward()
draw_dot(L)

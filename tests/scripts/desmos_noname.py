# The Desmos question's 1-1-2-1 sigmoid network, written without any name=.
from autograd import Value

I = Value(1.0)
w1, w2, w3, w4, w5 = (Value(0.5, kind="parameter") for i in range(1, 6))
net1 = I * w1 + 1
h1 = net1.sigmoid()
net2, net3 = h1 * w2 + 1, h1 * w3 + 1
h2, h3 = net2.sigmoid(), net3.sigmoid()
O = (h2 * w4 + h3 * w5 + 1).sigmoid()
O.backward()
print(w1.grad)

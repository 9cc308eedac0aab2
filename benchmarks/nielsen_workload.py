"""Nielsen's chapter 1 network: one epoch of 784-30-10 training in mini-batches of 10.

Two contenders on the same random data (784 inputs in [0, 1], one-hot
targets, quadratic cost, SGD η = 3.0):

- chainrule: ``nn.train(net, X, Y, batch=10, backend="numpy")``, the network's
  generated BP1-BP4 matrix program with the weights kept in arrays;
- network.py: Nielsen's algorithm written in plain numpy for this benchmark:
  update_mini_batch sums each sample's backprop (column vectors), then steps.
"""

import time
from dataclasses import dataclass

SIZES = (784, 30, 10)


@dataclass
class EpochResult:
    key: str
    samples: int
    seconds: float


def data(n, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    X = rng.random((n, SIZES[0]))
    Y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], n)]
    return X, Y


def chainrule_epoch(n):
    import nn
    X, Y = data(n)
    net = nn.MLP(list(SIZES), activation="sigmoid", seed=0)
    start = time.perf_counter()
    nn.train(net, X, Y, epochs=1, lr=3.0, batch=10, loss="half_squared_error",
             reduction="mean", progress=False, backend="numpy")
    return EpochResult("chainrule, numpy backend", n, time.perf_counter() - start)


def network_py_epoch(n):
    """Nielsen's SGD epoch (network.py's update_mini_batch and backprop) in numpy."""
    import numpy as np
    X, Y = data(n)
    epoch = network_py_epoch_function(np.hstack([X, Y]), SIZES)
    start = time.perf_counter()
    epoch()
    return EpochResult("network.py algorithm, numpy", n, time.perf_counter() - start)


def network_py_epoch_function(XY, sizes, eta=3.0, m=10):
    """A function running one epoch of Nielsen's network.py algorithm on the rows of
    ``XY`` (inputs then one-hot targets): each mini-batch's samples backpropagated
    one at a time as column vectors, summed, then one SGD step."""
    import numpy as np
    n_in = sizes[0]
    rng = np.random.default_rng(1)
    biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
    weights = [rng.standard_normal((y, x)) for x, y in zip(sizes[:-1], sizes[1:])]
    pairs = [(row[:n_in].reshape(-1, 1), row[n_in:].reshape(-1, 1)) for row in XY]

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def backprop(x, y):
        activation, activations, zs = x, [x], []
        for b, w in zip(biases, weights):
            z = w @ activation + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - y) * activations[-1] * (1 - activations[-1])
        nabla_b, nabla_w = [None] * 2, [None] * 2
        nabla_b[-1], nabla_w[-1] = delta, delta @ activations[-2].T
        sp = activations[-2] * (1 - activations[-2])
        delta = (weights[-1].T @ delta) * sp
        nabla_b[-2], nabla_w[-2] = delta, delta @ activations[-3].T
        return nabla_b, nabla_w

    def epoch():
        for k in range(0, len(pairs), m):
            nb = [np.zeros(b.shape) for b in biases]
            nw = [np.zeros(w.shape) for w in weights]
            for x, y in pairs[k:k + m]:
                db, dw = backprop(x, y)
                nb = [a + d for a, d in zip(nb, db)]
                nw = [a + d for a, d in zip(nw, dw)]
            weights[:] = [w - (eta / m) * g for w, g in zip(weights, nw)]
            biases[:] = [b - (eta / m) * g for b, g in zip(biases, nb)]
    return epoch

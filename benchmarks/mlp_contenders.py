"""The contenders of the MLP workloads: one class each, all with the same interface.

Every contender is built from a :class:`problem.Problem` (copies of the same
initial weights) and offers

    gradient()   zero the grads, forward over all samples, C, backward; returns C
    step()       one training step: gradient() then w <- w − η ∂C/∂w; returns C
    grads()      ∂C/∂p of the last gradient(), in the order of :func:`parameter_order`
    weights()    the current parameter numbers, same order

The parameter order is layer by layer, neuron by neuron, weights w_j1..w_jn
then the bias b_j: chainrule's ``net.parameters()`` order and micrograd's.
"""

import math
from functools import partial
from operator import mul

import nn

#: C = Σ_i ½ Σ_j (y_ij − a_ij)² over the batch (``nn.train(loss="half_squared_error",
#: reduction="sum")``'s batch cost)
summed_half_squared_error = partial(nn.half_squared_error, reduction="sum")


# ---------------------------------------------------------------------------
# chainrule
# ---------------------------------------------------------------------------

class ChainruleEager:
    """chainrule's eager engine: ``nn.MLP`` + ``nn.eager_step`` (what a user writes)."""

    def __init__(self, problem, *, fused=True):
        self.net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                          weights=problem.weights, biases=problem.biases, fused=fused)
        self.params = self.net.parameters()
        self.optimizer = nn.SGD(self.params, problem.lr)
        self.inputs = [list(x) for x in problem.inputs]
        self.targets = [[y] for y in problem.targets]

    def gradient(self):
        self.optimizer.zero_grad()
        cost = summed_half_squared_error([self.net(x) for x in self.inputs], self.targets)
        cost.backward()
        return cost.data

    def step(self):
        return nn.eager_step(self.net, summed_half_squared_error, self.optimizer,
                             self.inputs, self.targets)

    def grads(self):
        return [p.grad for p in self.params]

    def weights(self):
        return [p.data for p in self.params]


class ChainruleJit:
    """chainrule's ``MLP.jit_loss()``: the step traced once, run as generated Python."""

    def __init__(self, problem):
        self.net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                          weights=problem.weights, biases=problem.biases)
        self.params = self.net.parameters()
        self.optimizer = nn.SGD(self.params, problem.lr)
        self.compiled = self.net.jit_loss(nn.half_squared_error)
        self.samples = [(*x, y) for x, y in zip(problem.inputs, problem.targets)]

    def gradient(self):
        self.optimizer.zero_grad()
        return self.compiled.batch(self.samples)

    def step(self):
        cost = self.gradient()
        self.optimizer.step()
        return cost

    grads = ChainruleEager.grads
    weights = ChainruleEager.weights


def jit_available():
    """True when this checkout has ``autograd.jit`` (and ``MLP.jit_loss``)."""
    try:
        import autograd.jit  # noqa: F401
    except ImportError:
        return False
    return hasattr(nn.MLP, "jit_loss")


# ---------------------------------------------------------------------------
# micrograd
# ---------------------------------------------------------------------------

class Micrograd:
    """micrograd 0.1.0's own ``nn.MLP``, weights overwritten with the problem's.

    micrograd's neuron computes b + Σ_k w_k x_k as a chain of ``*`` and ``+``
    nodes, ReLU on hidden layers and a linear output: exactly the relu
    workload.  For the sigmoid workload every neuron becomes a
    :class:`micrograd_ext.SigmoidNeuron` (the benchmark's own addition).
    """

    def __init__(self, problem):
        from micrograd.nn import MLP

        from micrograd_ext import SigmoidNeuron, add_sigmoid
        sizes = problem.sizes
        self.model = MLP(sizes[0], list(sizes[1:]))
        sigmoid = problem.activations[0] == "sigmoid"
        if sigmoid:
            add_sigmoid()
        for layer, w_l, b_l in zip(self.model.layers, problem.weights, problem.biases):
            for neuron, row, b in zip(layer.neurons, w_l, b_l):
                for w, value in zip(neuron.w, row):
                    w.data = value
                neuron.b.data = b
                if sigmoid:
                    neuron.__class__ = SigmoidNeuron
        self.params = self.model.parameters()
        self.lr = problem.lr
        self.data = list(zip(problem.inputs, problem.targets))

    def gradient(self):
        self.model.zero_grad()
        model = self.model
        cost = sum((model(x) - y) ** 2 for x, y in self.data) * 0.5
        cost.backward()
        return cost.data

    def step(self):
        cost = self.gradient()
        lr = self.lr
        for p in self.params:
            p.data -= lr * p.grad
        return cost

    def grads(self):
        return [float(p.grad) for p in self.params]

    def weights(self):
        return [p.data for p in self.params]


# ---------------------------------------------------------------------------
# PyTorch, one 0-d float64 tensor per scalar
# ---------------------------------------------------------------------------

class Torch:
    """PyTorch with one 0-d float64 tensor per weight, the same graph as micrograd's."""

    def __init__(self, problem):
        import torch
        self.torch = torch

        def parameter(x):
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        self.layers = [([[parameter(w) for w in row] for row in w_l], [parameter(b) for b in b_l])
                       for w_l, b_l in zip(problem.weights, problem.biases)]
        self.params = [p for rows, biases in self.layers
                       for row, b in zip(rows, biases) for p in (*row, b)]
        functions = {"relu": torch.relu, "sigmoid": torch.sigmoid, "linear": None}
        self.activations = [functions[name] for name in problem.activations]
        self.lr = problem.lr
        self.data = list(zip(problem.inputs, problem.targets))

    def forward(self, x):
        """a^L for one sample: z_j = b_j + Σ_k w_jk a_k per neuron, then f(z_j)."""
        a = x
        for (rows, biases), f in zip(self.layers, self.activations):
            zs = [sum((w * a_k for w, a_k in zip(row, a)), b) for row, b in zip(rows, biases)]
            a = zs if f is None else [f(z) for z in zs]
        return a[0]

    def gradient(self):
        for p in self.params:
            p.grad = None
        cost = sum((self.forward(x) - y) ** 2 for x, y in self.data) * 0.5
        cost.backward()
        return cost.item()

    def step(self):
        cost = self.gradient()
        lr = self.lr
        with self.torch.no_grad():
            for p in self.params:
                p -= lr * p.grad
        return cost

    def grads(self):
        return [p.grad.item() for p in self.params]

    def weights(self):
        return [p.item() for p in self.params]


def torch_available():
    """``(True, version)`` if ``import torch`` works, else ``(False, reason)``."""
    try:
        import torch
    except ImportError as exc:
        return False, str(exc)
    return True, torch.__version__


# ---------------------------------------------------------------------------
# the floor: the same forward computation on floats, no gradient
# ---------------------------------------------------------------------------

def _identity(z):
    return z


def _relu(z):
    return z if z > 0.0 else 0.0


class FloatFloor:
    """The forward pass and C on plain floats: what any gradient engine adds to."""

    def __init__(self, problem):
        from micrograd_ext import stable_sigmoid
        functions = {"relu": _relu, "sigmoid": stable_sigmoid, "linear": _identity}
        self.layers = [(w_l, b_l, functions[f])
                       for w_l, b_l, f in zip(problem.weights, problem.biases, problem.activations)]
        self.data = list(zip(problem.inputs, problem.targets))

    def loss(self):
        """C = Σ_i ½ (y_i − a^L(x_i))², forward only."""
        total = 0.0
        for x, y in self.data:
            a = x
            for rows, biases, f in self.layers:
                a = [f(sum(map(mul, row, a), b)) for row, b in zip(rows, biases)]
            d = y - a[0]
            total += 0.5 * d * d
        return total

    step = loss


def max_difference(a, b):
    """max_i |a_i − b_i| / max(1, |b_i|): 0 when the lists agree exactly."""
    if len(a) != len(b):
        return math.inf
    return max((abs(x - y) / max(1.0, abs(y)) for x, y in zip(a, b)), default=0.0)

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


class ChainruleNumpy:
    """chainrule's numpy backend as the docs call it: ``net.jit_loss(loss,
    backend="numpy")``, then per step ``.batch(samples)`` on a 2-d array and
    ``opt.step()``; the network's generated BP1-BP4 matrix program, the
    parameters resident in arrays between steps (as ``nn.train(backend="numpy")``
    keeps them), ``nn.SGD``'s own update rule applied to the arrays."""

    def __init__(self, problem):
        import numpy as np
        self.net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                          weights=problem.weights, biases=problem.biases)
        self.params = self.net.parameters()
        self.optimizer = nn.SGD(self.params, problem.lr)
        self.program = self.net.jit_loss(nn.half_squared_error, backend="numpy")
        self.samples = np.column_stack([np.array(problem.inputs, dtype=float),
                                        np.array(problem.targets, dtype=float)])

    def gradient(self):
        self.optimizer.zero_grad()
        return self.program.batch(self.samples)

    def step(self):
        cost = self.gradient()
        self.optimizer.step()
        return cost

    grads = ChainruleEager.grads      # reading a Value writes the arrays back once
    weights = ChainruleEager.weights


class HandNumpy:
    """Backprop written by hand in numpy for the benchmark (Nielsen's equations over
    the batch, one column per sample): what a learner's own matrix code costs."""

    def __init__(self, problem):
        import numpy as np
        self.np = np
        self.W = [np.array(w, dtype=float) for w in problem.weights]
        self.b = [np.array(b, dtype=float).reshape(-1, 1) for b in problem.biases]
        self.f = list(problem.activations)
        self.X = np.array(problem.inputs, dtype=float).T
        self.Y = np.array(problem.targets, dtype=float).reshape(1, -1)
        self.lr = problem.lr

    def _forward(self):
        np = self.np
        a, activations, zs = self.X, [self.X], []
        for W, b, f in zip(self.W, self.b, self.f):
            z = W @ a + b
            zs.append(z)
            if f == "relu":
                a = np.maximum(z, 0.0)
            elif f == "sigmoid":
                a = 1.0 / (1.0 + np.exp(-z))
            else:
                a = z
            activations.append(a)
        return activations, zs

    def _prime(self, f, z, a):
        if f == "relu":
            return (z > 0.0).astype(float)
        if f == "sigmoid":
            return a * (1.0 - a)
        return 1.0

    def gradient(self):
        np = self.np
        activations, zs = self._forward()
        a = activations[-1]
        cost = 0.5 * np.sum((a - self.Y) ** 2)
        delta = (a - self.Y) * self._prime(self.f[-1], zs[-1], a)
        self.dW, self.db = [None] * len(self.W), [None] * len(self.W)
        for l in range(len(self.W) - 1, -1, -1):
            self.db[l] = delta.sum(axis=1, keepdims=True)
            self.dW[l] = delta @ activations[l].T
            if l:
                delta = (self.W[l].T @ delta) * self._prime(self.f[l - 1], zs[l - 1],
                                                           activations[l])
        return float(cost)

    def step(self):
        cost = self.gradient()
        for l in range(len(self.W)):
            self.W[l] -= self.lr * self.dW[l]
            self.b[l] -= self.lr * self.db[l]
        return cost

    def _flat(self, Ws, bs):
        out = []
        for W, b in zip(Ws, bs):
            for row, bias in zip(W.tolist(), b.tolist()):
                out += row + bias
        return out

    def grads(self):
        return self._flat(self.dW, self.db)

    def weights(self):
        return self._flat(self.W, self.b)


def numpy_available():
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


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
    # One thread: 0-d tensors never run in parallel, and on a small machine the
    # idle OpenMP workers spinning after each op slow down whatever runs next.
    torch.set_num_threads(1)
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


# ---------------------------------------------------------------------------
# the gradient floor: backprop written by hand on plain floats
# ---------------------------------------------------------------------------

def _relu_prime(z, a):
    return 1.0 if z > 0.0 else 0.0


def _sigmoid_prime(z, a):
    return a * (1.0 - a)


def _linear_prime(z, a):
    return 1.0


class FloatBackprop:
    """Forward and BP1-BP4 written by hand on lists of floats, every dot product
    a C-level ``sum(map(mul, ...))``: the least pure Python can do for a gradient.

    Per sample: z^l = W^l a^(l-1) + b^l row by row (one C sum each), BP1
    δ^L = (a^L − y) ⊙ σ'(z^L), BP2 δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l) column by
    column.  After the samples, BP3 ∂C/∂b_j = Σ_x δ_j and BP4
    ∂C/∂w_jk = Σ_x δ_j a_k, each one C sum over the samples.  Three dense passes
    over the weights per sample (forward, BP2, BP4) where the floor makes one.
    """

    def __init__(self, problem):
        from micrograd_ext import stable_sigmoid
        functions = {"relu": (_relu, _relu_prime), "sigmoid": (stable_sigmoid, _sigmoid_prime),
                     "linear": (_identity, _linear_prime)}
        self.W = [[list(row) for row in w_l] for w_l in problem.weights]
        self.b = [list(b_l) for b_l in problem.biases]
        self.f = [functions[name] for name in problem.activations]
        self.data = list(zip(problem.inputs, problem.targets))
        self.lr = problem.lr
        self.dW, self.db = [], []

    def gradient(self):
        """C = Σ_x ½ (y − a^L)², and ∂C/∂w, ∂C/∂b in self.dW, self.db."""
        L = len(self.W)
        columns = [list(zip(*W)) for W in self.W]          # (W^l)ᵀ, for BP2
        inputs_of = [[] for _ in range(L)]                  # a^(l-1) of every sample
        deltas_of = [[] for _ in range(L)]                  # δ^l of every sample
        total = 0.0
        for x, y in self.data:
            a, zs, acts = list(x), [], []
            for l, (W, b, (f, _)) in enumerate(zip(self.W, self.b, self.f)):
                inputs_of[l].append(a)
                z = [sum(map(mul, row, a), bias) for row, bias in zip(W, b)]
                a = [f(v) for v in z]
                zs.append(z)
                acts.append(a)
            d = a[0] - y
            total += 0.5 * d * d
            prime = self.f[-1][1]
            delta = [d * prime(zs[-1][0], a[0])]                                  # BP1
            for l in range(L - 1, -1, -1):
                deltas_of[l].append(delta)
                if l:
                    prime = self.f[l - 1][1]
                    back = [sum(map(mul, col, delta)) for col in columns[l]]
                    delta = [g * prime(z, a) for g, z, a in zip(back, zs[l - 1], acts[l - 1])]  # BP2
        self.db = [[sum(d_j) for d_j in zip(*deltas_of[l])] for l in range(L)]                # BP3
        self.dW = []
        for l in range(L):                                                                    # BP4
            by_neuron, by_input = list(zip(*deltas_of[l])), list(zip(*inputs_of[l]))
            self.dW.append([[sum(map(mul, d_j, a_k)) for a_k in by_input] for d_j in by_neuron])
        return total

    def step(self):
        cost = self.gradient()
        lr = self.lr
        for W, b, dW, db in zip(self.W, self.b, self.dW, self.db):
            for row, drow in zip(W, dW):
                row[:] = [w - lr * g for w, g in zip(row, drow)]
            b[:] = [v - lr * g for v, g in zip(b, db)]
        return cost

    def _flat(self, Ws, bs):
        return [v for W, b in zip(Ws, bs) for row, bias in zip(W, b) for v in (*row, bias)]

    def grads(self):
        return self._flat(self.dW, self.db)

    def weights(self):
        return self._flat(self.W, self.b)


def max_difference(a, b):
    """max_i |a_i − b_i| / max(1, |b_i|): 0 when the lists agree exactly."""
    if len(a) != len(b):
        return math.inf
    return max((abs(x - y) / max(1.0, abs(y)) for x, y in zip(a, b)), default=0.0)

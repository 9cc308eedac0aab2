"""ADDED FOR THE BENCHMARK, NOT PART OF micrograd: a sigmoid for micrograd's Value.

micrograd 0.1.0's Value has relu but no sigmoid (and no exp).  The sigmoid
workload needs one, so this module adds ``Value.sigmoid`` written the way
micrograd writes its own ops: compute ``out``, then attach a closure
``_backward`` that adds the local derivative σ(x)(1 − σ(x)) times
``out.grad`` into the input's grad.  It uses the same overflow-free formula
as chainrule, so both compute bit-identical activations.

``SigmoidNeuron`` is micrograd's ``Neuron`` with ``.sigmoid()`` in place of
``.relu()`` (for every layer, the output layer included).
"""

import math

from micrograd.engine import Value
from micrograd.nn import Neuron


def stable_sigmoid(x):
    """σ(x) = 1/(1 + e^−x) without overflow for large |x|."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _micrograd_sigmoid(self):
    """σ(self), a new micrograd Value whose closure applies σ' = σ(1 − σ)."""
    out = Value(stable_sigmoid(self.data), (self,), "sigmoid")

    def _backward():
        self.grad += out.data * (1.0 - out.data) * out.grad
    out._backward = _backward

    return out


def add_sigmoid():
    """Give micrograd's Value a ``sigmoid`` method (idempotent)."""
    if not hasattr(Value, "sigmoid"):
        Value.sigmoid = _micrograd_sigmoid


class SigmoidNeuron(Neuron):
    """micrograd's Neuron, activation σ: a = σ(b + Σ_k w_k x_k)."""

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.sigmoid()

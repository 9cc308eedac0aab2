"""The one problem every contender solves: network, initial weights, data, loss, SGD.

Network 2-16-16-1 (Nielsen: layer 1 is the input, layers 2 and 3 hidden,
layer 4 the output).  ``weights[l][j][k]`` is w^{l+2}_{j+1,k+1}, the weight
into neuron j of layer l+2 from neuron k of layer l+1 (0-based lists), and
``biases[l][j]`` is b^{l+2}_{j+1}; every contender starts from copies of
these numbers.  The loss is C = Σ_i ½ (y_i − a^L(x_i))² over the samples and
the update w <- w − η ∂C/∂w.
"""

import random
from dataclasses import dataclass

import nn

SIZES = (2, 16, 16, 1)

#: workload name -> activation of layers 2, 3, 4
ACTIVATIONS = {
    "relu": ("relu", "relu", "linear"),        # micrograd's demo network
    "sigmoid": ("sigmoid", "sigmoid", "sigmoid"),
}

WEIGHT_SEED = 4
DATA_SEED = 2024
LEARNING_RATE = 1e-4


@dataclass(frozen=True)
class Problem:
    """What one MLP workload runs: initial parameters, samples and η."""

    name: str
    activations: tuple
    weights: list      # weights[l][j][k], floats
    biases: list       # biases[l][j], floats
    inputs: list       # [(x1, x2), ...]
    targets: list      # [y, ...]
    lr: float = LEARNING_RATE
    sizes: tuple = SIZES


def initial_parameters(activations, seed=WEIGHT_SEED, sizes=SIZES):
    """The numbers ``nn.MLP(sizes, activation, seed=seed)`` starts from, as nested lists."""
    net = nn.MLP(list(sizes), activation=list(activations), seed=seed)
    weights = [[[w.data for w in neuron.weights] for neuron in layer.neurons]
               for layer in net.layers]
    biases = [[neuron.bias.data for neuron in layer.neurons] for layer in net.layers]
    return weights, biases


def samples(n, seed=DATA_SEED):
    """``n`` fixed points in [−2, 2]²; y = 1 inside the circle of radius 1.2, else 0."""
    rng = random.Random(seed)
    inputs = [(rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)) for _ in range(n)]
    targets = [1.0 if x1 * x1 + x2 * x2 < 1.44 else 0.0 for x1, x2 in inputs]
    return inputs, targets


def make_problem(name, n_samples, sizes=SIZES):
    """The problem of workload ``name`` ("relu" or "sigmoid") with ``n_samples`` samples,
    on a network of ``sizes`` (2-16-16-1 by default, 2-256-256-1 for the wide one,
    whose weights are scaled by 1/√(inputs) so that repeated steps stay finite)."""
    activations = ACTIVATIONS[name]
    weights, biases = initial_parameters(activations, sizes=sizes)
    if tuple(sizes) != SIZES:
        weights = [[[w / len(row) ** 0.5 for w in row] for row in layer] for layer in weights]
    inputs, targets = samples(n_samples)
    return Problem(name, activations, weights, biases, inputs, targets, sizes=tuple(sizes))

"""chainrule's networks: neurons, layers and MLPs built from autograd.Value nodes.

Every weight w^l_jk, bias b^l_j, weighted input z^l_j and activation a^l_j
is a named node (Nielsen's notation, input layer = layer 1), so a network
can be drawn, stepped through and checked by hand.

>>> import nn
>>> net = nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], biases=[[0.1], [-0.2]])
>>> C = nn.half_squared_error(net([0.5]), [1.0])
>>> C.backward()
>>> sorted(net.named_parameters())
['b2_1', 'b3_1', 'w2_11', 'w3_11']
"""

from chainrule import require as _require

_require("autograd")   # another package named autograd here: an ImportError that says so

from .activations import ACTIVATIONS
from .layers import MLP, Layer, Neuron
from .losses import (binary_cross_entropy, cross_entropy, half_mean_squared_error,
                     half_squared_error, log_sum_exp, softmax, sum_squared_error)
from .module import Module
from .names import NET_NAMES, latex_name
from .optim import SGD, Adam, AdamW
from .plot import plot_history
from .train import History, TrainingDiverged, eager_step, train

#: the ``chainrule`` command checks for this: ``import nn`` found chainrule's
__chainrule__ = True

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "ACTIVATIONS",
    "sum_squared_error", "half_squared_error", "half_mean_squared_error",
    "binary_cross_entropy", "softmax", "log_sum_exp", "cross_entropy",
    "SGD", "Adam", "AdamW", "train", "eager_step", "History", "TrainingDiverged", "plot_history",
    "latex_name", "NET_NAMES",
]

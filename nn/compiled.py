"""What a network's compiled programs are kept by: the cache that lives with the
network, the keys it is looked up by, and how close a compiled loss must come
to the eager engine's.

A program traced from a network depends on more than the network's current
numbers; the keys below say on what, so that a change of any of it (a layer,
a parameter object, a frozen parameter's number, a constant bias) traces again.
"""

import threading
from operator import itemgetter

__all__ = ["JIT_AGREEMENT", "Compiled", "structure", "layer_structure", "hookable"]

#: a user's loss compiled by the jit must give the eager engine's value to this
#: relative tolerance on a few samples, or train() runs it eagerly
JIT_AGREEMENT = 1e-9


class Compiled(dict):
    """A network's compiled losses: a cache, so a copy of the network starts without one.
    It keeps the ``LIMIT`` made last (a lookup, on every step, costs nothing more): a loop
    of ``nn.train`` calls that each bring a new loss function (a lambda) or a new constant
    bias would otherwise keep a program per call.  An insertion and its evictions hold
    the caches' lock (which holds nothing else), so that threads filling the same
    network's cache at once evict each program once."""

    LIMIT = 8
    _inserting = threading.Lock()

    def __setitem__(self, key, value):
        with self._inserting:
            dict.__setitem__(self, key, value)
            excess = len(self) - self.LIMIT
            evicted = [self.pop(old, None) for old in list(self)[:excess]] if excess > 0 else ()
        del evicted     # programs freed outside the lock (nothing they run can wait on it)

    def __deepcopy__(self, memo):
        return Compiled()

    def __reduce__(self):
        return (Compiled, ())


def structure(net):
    """What a trace of ``net`` depends on besides its parameters' current numbers:
    its layers' sizes, activations and bias modes, its parameter objects, the
    numbers of constant biases and of frozen parameters (written as literals)."""
    layers = getattr(net, "layers", None)
    if layers is None:
        return None
    frozen = net.frozen_values()
    return (tuple(net.sizes), tuple((layer.activation, layer.fused, layer.bias_mode)
                                    for layer in layers),
            tuple(map(id, map(itemgetter(1), net._named_parameters()))),
            tuple(n.bias.data for layer in layers if layer.bias_mode == "constant"
                  for n in layer.neurons),
            tuple(sorted((id(v), v.data) for v in frozen)))


def layer_structure(net):
    """What the matrix program depends on: the loss aside, the layers' sizes, activations
    and bias modes and which Values the neurons hold (their weight tuples and biases,
    kept alive by the program, so their ids stay theirs).  Frozen parameters and
    constant biases are read from the arrays and Values at every step instead."""
    layers = net.layers
    return (tuple(net.sizes), tuple((layer.activation, layer.bias_mode) for layer in layers),
            tuple((id(n.weights), id(n.bias)) for layer in layers for n in layer.neurons))


def hookable(net):
    """The Values of ``net`` whose hooks backward() runs and compiled code would skip,
    as a set: its parameters (a frozen one is not among them: backward() never
    reaches it) and its constant biases."""
    constants = [neuron.bias for layer in getattr(net, "layers", ())
                 if getattr(layer, "bias_mode", None) == "constant" for neuron in layer.neurons]
    return frozenset([*net.parameters(), *constants])

"""Random expression graphs with shared sub-expressions, for engine and PyTorch tests.

The builder only uses operations that chainrule Values and PyTorch tensors
both have, so the same seed builds the same graph in both.
"""

UNARY = [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: (a * 0.3).exp(),
    lambda a: (a * a + 1.0).log(),
    lambda a: (a * a + 0.5).sqrt(),
    lambda a: -a,
]

BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: (a * a + 0.1) ** b.tanh(),
]


def random_graph(rng, leaves, size):
    """A random expression over ``leaves`` that reuses earlier nodes often.

    Returns the sum of the last four nodes (or the last node for tiny sizes).
    """
    nodes = list(leaves)
    for _ in range(size):
        if rng.random() < 0.4:
            nodes.append(rng.choice(UNARY)(rng.choice(nodes)))
        else:
            nodes.append(rng.choice(BINARY)(rng.choice(nodes), rng.choice(nodes)))
    if size < 4:
        return nodes[-1]
    total = nodes[-4]
    for node in nodes[-3:]:
        total = total + node
    return total


# ---------------------------------------------------------------------------
# Every op: the same random graph built by chainrule and by PyTorch
# ---------------------------------------------------------------------------

class ChainruleOps:
    """The ops of a full random graph, as chainrule writes them."""

    def __init__(self):
        import autograd
        self.autograd = autograd

    def softplus(self, a):
        return a.softplus()

    def maximum(self, a, b):
        return self.autograd.maximum(a, b)

    def minimum(self, a, b):
        return self.autograd.minimum(a, b)

    def dot(self, ws, xs, b):
        return self.autograd.dot(ws, xs, b)

    def sum(self, xs):
        return self.autograd.sum_values(xs)

    def method(self, name, a):
        return getattr(a, name)()


class TorchOps:
    """The same ops in PyTorch (float64)."""

    def __init__(self):
        import torch
        self.torch = torch

    def softplus(self, a):
        return self.torch.nn.functional.softplus(a, threshold=1000.0)

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def minimum(self, a, b):
        return self.torch.minimum(a, b)

    def dot(self, ws, xs, b):
        total = ws[0] * xs[0]
        for w, x in zip(ws[1:], xs[1:]):
            total = total + w * x
        return total + b

    def method(self, name, a):
        return getattr(self.torch, name)(a)

    def sum(self, xs):
        total = xs[0]
        for x in xs[1:]:
            total = total + x
        return total


FULL_UNARY = [
    lambda L, a: a.tanh(),
    lambda L, a: a.sigmoid(),
    lambda L, a: (a.tanh() * 0.8).exp(),
    lambda L, a: (a * a + 1.0).log(),
    lambda L, a: (a * a + 0.5).sqrt(),
    lambda L, a: -a,
    lambda L, a: a.relu() + a * 0.25,
    lambda L, a: abs(a) * 0.5,
    lambda L, a: L.softplus(a * 0.5),
    lambda L, a: a * a,
    lambda L, a: 2.0 / (a * a + 1.0),
    lambda L, a: (a.tanh() + 2.0) ** 3,
    lambda L, a: 1.5 - a,
]

#: the unary ops written out above; every other unary op that is a Value method
#: joins the random graphs from the op table, on tanh(a) (in (-1, 1), where every
#: such op is defined)
WRITTEN_UNARY = {"tanh", "sigmoid", "exp", "log", "sqrt", "neg", "relu", "abs", "softplus"}


def _table_unary():
    from autograd import Value, ops
    return [op.name for op in ops.OPS.values()
            if op.arity == 1 and hasattr(Value, op.name) and op.name not in WRITTEN_UNARY]


FULL_UNARY += [lambda L, a, name=name: L.method(name, a.tanh()) for name in _table_unary()]

FULL_BINARY = [
    lambda L, a, b: a + b,
    lambda L, a, b: a - b,
    lambda L, a, b: a * b,
    lambda L, a, b: a / (b * b + 1.0),
    lambda L, a, b: (a * a + 0.1) ** b.tanh(),
    lambda L, a, b: L.maximum(a, b * 0.7),
    lambda L, a, b: L.minimum(a * 0.9, b),
    lambda L, a, b: L.dot([a, b], [b.tanh(), a.sigmoid()], a * 0.1),
    lambda L, a, b: L.sum([a, b, a * b]),
    lambda L, a, b: (a * b).tanh() * a,
]


def random_graph_full(rng, leaves, size, lib):
    """A random expression over ``leaves`` using every op (shared sub-expressions,
    a*a, reflected operators, constant and Value exponents, dot, sum), built with
    ``lib`` (ChainruleOps or TorchOps) so both libraries build the same graph.
    Values stay bounded (tanh, sigmoid and squares guard exp, log and sqrt)."""
    nodes = list(leaves)
    for _ in range(size):
        if rng.random() < 0.45:
            nodes.append(rng.choice(FULL_UNARY)(lib, rng.choice(nodes)).tanh() * 2.0)
        else:
            op = rng.choice(FULL_BINARY)
            nodes.append(op(lib, rng.choice(nodes), rng.choice(nodes)).tanh() * 2.0)
    tail = nodes[-4:] if size >= 4 else nodes[-1:]
    return lib.sum(tail) if len(tail) > 1 else tail[0]

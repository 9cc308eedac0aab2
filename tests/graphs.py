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

"""Stochastic gradient descent: w <- w − η ∂C/∂w for every parameter.

The update is plain float arithmetic on ``.data``: it records no nodes, so
the next forward pass starts from fresh leaves with the new numbers.
"""

import math

from autograd import Value

__all__ = ["SGD"]


class SGD:
    """SGD over ``parameters`` with learning rate ``lr`` (η) and optional momentum μ.

    Without momentum:  w <- w − η g.
    With momentum:     v <- μ v + g,  w <- w − η v   (v starts at 0; PyTorch's form).
    """

    def __init__(self, parameters, lr, momentum=0.0):
        self.parameters = _unique_values(parameters)
        self.lr = _positive("lr", lr)
        self.momentum = _momentum(momentum)
        self._velocity = [0.0] * len(self.parameters)

    def step(self):
        """Move every parameter one step against its gradient."""
        lr = self.lr
        if not self.momentum:
            for p in self.parameters:
                p.data -= lr * p.grad
            return
        mu, velocity = self.momentum, self._velocity
        for i, p in enumerate(self.parameters):
            v = mu * velocity[i] + p.grad
            velocity[i] = v
            p.data -= lr * v

    def zero_grad(self):
        """Set every parameter's ``grad`` to 0.0 before the next backward()."""
        for p in self.parameters:
            p.grad = 0.0

    def __repr__(self):
        extra = f", momentum={self.momentum}" if self.momentum else ""
        return f"SGD({len(self.parameters)} parameters, lr={self.lr}{extra})"


def _unique_values(parameters):
    """``parameters`` as a list of leaf Values, each once (a repeat would step twice)."""
    if isinstance(parameters, Value) or not hasattr(parameters, "__iter__"):
        raise TypeError(f"SGD: parameters must be a list of Values (e.g. net.parameters()), "
                        f"got {type(parameters).__name__}")
    out, seen = [], set()
    for i, p in enumerate(parameters):
        if not isinstance(p, Value):
            raise TypeError(f"SGD: parameter {i} must be a Value, got {type(p).__name__} {p!r}")
        if not p.is_leaf:
            raise ValueError(f"SGD: parameter {i} ({p!r}) is a derived {p.op.name} node; "
                             f"only leaves (the network's weights and biases) can be stepped")
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    if not out:
        raise ValueError("SGD: got an empty parameter list")
    return out


def _positive(what, x):
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not (x > 0 and math.isfinite(x)):
        raise ValueError(f"SGD: {what} must be a positive finite number, got {x!r}")
    return float(x)


def _momentum(mu):
    if isinstance(mu, bool) or not isinstance(mu, (int, float)) or not 0.0 <= mu < 1.0:
        raise ValueError(f"SGD: momentum must be a number in [0, 1), got {mu!r}")
    return float(mu)

"""Optimisers: SGD (with momentum, or ascending) and Adam.

An update is plain float arithmetic on ``.data``: it records no nodes, so
the next forward pass starts from fresh leaves with the new numbers.  A
frozen parameter (``module.freeze``) is skipped, whenever it was frozen.
"""

import math

from autograd import Value

from .module import any_frozen, is_frozen

__all__ = ["SGD", "Adam"]


class Optimizer:
    """What SGD and Adam share: the parameter list, zero_grad() and the checks."""

    def __init__(self, parameters):
        self.parameters = _unique_values(parameters, type(self).__name__)

    def zero_grad(self):
        """Set every parameter's ``grad`` to 0.0 before the next backward()."""
        for p in self.parameters:
            p.grad = 0.0

    def _stepped(self):
        """``(i, p)`` for every parameter that is not frozen."""
        if not any_frozen():
            return enumerate(self.parameters)
        return ((i, p) for i, p in enumerate(self.parameters) if not is_frozen(p))


class SGD(Optimizer):
    """SGD over ``parameters`` with learning rate ``lr`` (η) and optional momentum μ.

    Without momentum:  w <- w − η g           (g = ∂C/∂w, the parameter's .grad)
    With momentum:     v <- μ v + g,  w <- w − η v   (v starts at 0; PyTorch's form).
    ``maximize=True`` climbs instead (gradient ascent, g replaced by −g): w <- w + η g.
    """

    def __init__(self, parameters, lr, momentum=0.0, *, maximize=False):
        super().__init__(parameters)
        self.lr = _positive("SGD", "lr", lr)
        self.momentum = _fraction("SGD", "momentum", momentum)
        self.maximize = _flag("SGD", "maximize", maximize)
        self._velocity = [0.0] * len(self.parameters)

    def step(self):
        """Move every parameter one step against its gradient (along it with maximize)."""
        lr = -self.lr if self.maximize else self.lr
        if not self.momentum:
            for _, p in self._stepped():
                p.data -= lr * p.grad
            return
        mu, velocity, sign = self.momentum, self._velocity, -1.0 if self.maximize else 1.0
        for i, p in self._stepped():
            v = mu * velocity[i] + sign * p.grad
            velocity[i] = v
            p.data -= self.lr * v

    def __repr__(self):
        extra = f", momentum={self.momentum}" if self.momentum else ""
        extra += ", maximize=True" if self.maximize else ""
        return f"SGD({len(self.parameters)} parameters, lr={self.lr}{extra})"


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015, Algorithm 1) over ``parameters``.

    With g = ∂C/∂w at step t = 1, 2, ... and m, v starting at 0:

        m <- β1 m + (1 − β1) g            first moment (a running mean of g)
        v <- β2 v + (1 − β2) g²           second moment (a running mean of g²)
        m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)     (the bias corrections)
        w <- w − η m̂ / (√v̂ + ε)

    ``lr`` is η, ``betas`` is (β1, β2), ``eps`` is ε; the defaults are the
    paper's (and PyTorch's).  ``maximize=True`` climbs (g replaced by −g).
    """

    def __init__(self, parameters, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, *, maximize=False):
        super().__init__(parameters)
        self.lr = _positive("Adam", "lr", lr)
        self.betas = _betas(betas)
        self.eps = _non_negative("Adam", "eps", eps)
        self.maximize = _flag("Adam", "maximize", maximize)
        self.t = 0
        self._m = [0.0] * len(self.parameters)
        self._v = [0.0] * len(self.parameters)

    def step(self):
        """One Adam update of every parameter from its ``.grad``."""
        self.t += 1
        beta1, beta2 = self.betas
        correction1 = 1.0 - beta1 ** self.t
        correction2 = 1.0 - beta2 ** self.t
        lr, eps, m, v = self.lr, self.eps, self._m, self._v
        sign = -1.0 if self.maximize else 1.0
        for i, p in self._stepped():
            g = sign * p.grad
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            m_hat = m[i] / correction1
            v_hat = v[i] / correction2
            p.data -= lr * m_hat / (math.sqrt(v_hat) + eps)

    def __repr__(self):
        extra = ", maximize=True" if self.maximize else ""
        return (f"Adam({len(self.parameters)} parameters, lr={self.lr}, betas={self.betas}, "
                f"eps={self.eps}{extra})")


# ---------------------------------------------------------------------------
# Checking the arguments
# ---------------------------------------------------------------------------

def _unique_values(parameters, owner):
    """``parameters`` as a list of leaf Values, each once (a repeat would step twice)."""
    if isinstance(parameters, Value) or not hasattr(parameters, "__iter__"):
        raise TypeError(f"{owner}: parameters must be a list of Values (e.g. net.parameters()), "
                        f"got {type(parameters).__name__}")
    out, seen = [], set()
    for i, p in enumerate(parameters):
        if not isinstance(p, Value):
            raise TypeError(f"{owner}: parameter {i} must be a Value, got {type(p).__name__} {p!r}")
        if not p.is_leaf:
            raise ValueError(f"{owner}: parameter {i} ({p!r}) is a derived {p.op.name} node; "
                             f"only leaves (the network's weights and biases) can be stepped")
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    if not out:
        raise ValueError(f"{owner}: got an empty parameter list")
    return out


def _real(x):
    return not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)


def _positive(owner, what, x):
    if not (_real(x) and x > 0):
        raise ValueError(f"{owner}: {what} must be a positive finite number, got {x!r}")
    return float(x)


def _non_negative(owner, what, x):
    if not (_real(x) and x >= 0):
        raise ValueError(f"{owner}: {what} must be a non-negative finite number, got {x!r}")
    return float(x)


def _fraction(owner, what, x):
    if not (_real(x) and 0.0 <= x < 1.0):
        raise ValueError(f"{owner}: {what} must be a number in [0, 1), got {x!r}")
    return float(x)


def _betas(betas):
    if (isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2
            or not all(_real(b) and 0.0 <= b < 1.0 for b in betas)):
        raise ValueError(f"Adam: betas must be two numbers (β1, β2), each in [0, 1), "
                         f"got {betas!r}")
    return (float(betas[0]), float(betas[1]))


def _flag(owner, what, x):
    if not isinstance(x, bool):
        raise TypeError(f"{owner}: {what} must be True or False, got {x!r}")
    return x

"""chainrule's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, name="x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 3
7.0
"""

from .check import check, gradcheck
from .draw import draw
from .explain import explain
from .jit import TracingError, jit, jit_loss
from .engine import Step, backward_steps, register_hook, topological_order
from .modes import anomaly_enabled, detect_anomaly, is_grad_enabled, no_grad
from .ops import OPS
from .value import Value, dot, sum_values

__version__ = "0.1.0"

__all__ = [
    "Value", "dot", "draw", "explain", "check", "gradcheck", "sum_values", "no_grad", "detect_anomaly", "is_grad_enabled",
    "anomaly_enabled", "backward_steps", "register_hook", "topological_order", "Step", "OPS", "jit", "jit_loss", "TracingError",
]

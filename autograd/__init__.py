"""chainrule's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, name="x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 3
7.0
"""

from . import ops
from .check import check, gradcheck
from .draw import draw
from .engine import backward_steps, register_hook, topological_order
from .explain import explain
from .higher import grad, hessian, hvp
from .jit import TracingError, jit, jit_loss
from .ops import OPS
from .recording import anomaly_enabled, detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .steps import Step
from .value import Value, dot, function, sum_values

__version__ = "0.1.0"

maximum = function(ops.MAXIMUM)
minimum = function(ops.MINIMUM)

__all__ = [
    "Value", "dot", "draw", "explain", "check", "gradcheck", "sum_values", "maximum", "minimum",
    "grad", "hessian", "hvp",
    "no_grad", "enable_grad", "detect_anomaly", "is_grad_enabled", "anomaly_enabled",
    "backward_steps", "register_hook", "topological_order", "Step", "OPS", "jit", "jit_loss",
    "TracingError",
]

"""chainrule's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> x = Value(2.0, name="x")
>>> y = x * x + 3 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 3
7.0
"""

from typing import TYPE_CHECKING

from . import engine, notebook, ops, steps
from .check import check, gradcheck
from .draw import draw
from .engine import backward_steps, register_hook, topological_order
from .explain import explain
from .higher import grad, hessian, hvp
from .jit import TracingError, jit, jit_loss
from .variables import name_variables
from .ops import OPS
from .recording import anomaly_enabled, detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .steps import Step
from .value import Value, dot, function, sum_values
from .version import version as _version

#: nn and the ``chainrule`` command check for this: ``import autograd`` found chainrule's
__chainrule__ = True

# The layers meet here, once: the core (value, engine, ops, ...) imports no display
# module, so the package tells the engine how a pass's Visits are shown (as Steps) and
# tells a running IPython how a Value is shown (docs/engine.md, "Layers").
engine.present_visits_with(steps.presenter)
notebook.show_values_in_ipython()

maximum = function(ops.MAXIMUM)
minimum = function(ops.MINIMUM)

__all__ = [
    "Value", "dot", "draw", "explain", "check", "gradcheck", "sum_values", "maximum", "minimum",
    "grad", "hessian", "hvp",
    "no_grad", "enable_grad", "detect_anomaly", "is_grad_enabled", "anomaly_enabled",
    "backward_steps", "register_hook", "topological_order", "Step", "OPS", "jit", "jit_loss",
    "TracingError", "name_variables",
]

if TYPE_CHECKING:
    __version__: str
else:
    def __getattr__(name):
        """``autograd.__version__``: the installed version, read on first use."""
        if name == "__version__":
            return _version()
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")

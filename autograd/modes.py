"""Modes that change how nodes are recorded: no_grad() and detect_anomaly().

Both are context managers (and decorators).  They nest and restore the
previous state on exit.  They are process-wide, not per thread.
"""

import functools
from math import isfinite

from . import value as _value
from .ops import LEAF, describe

__all__ = ["no_grad", "detect_anomaly", "is_grad_enabled", "anomaly_enabled"]

_grad_enabled = True
_anomaly = False


def is_grad_enabled():
    """False inside ``no_grad()``."""
    return _grad_enabled


def anomaly_enabled():
    """True inside ``detect_anomaly()``."""
    return _anomaly


def _set(grad_enabled, anomaly):
    global _grad_enabled, _anomaly
    _grad_enabled, _anomaly = grad_enabled, anomaly
    _value._plain = grad_enabled and not anomaly
    _value._slow_hook = _check_new_node


def _check_new_node(node):
    """Runs on every new node while a mode is on (the slow path of Value._make)."""
    if _anomaly and not isfinite(node.data):
        parents = ", ".join(describe(p) for p in node._prev)
        raise FloatingPointError(
            f"detect_anomaly: {node._op.name} produced {node.data!r} from {parents}")
    if not _grad_enabled:
        node._prev = ()
        node._op = LEAF


def report_backward_anomaly(node, parent, contribution, upstream):
    """Raise the error detect_anomaly() gives for a non-finite gradient."""
    raise FloatingPointError(
        f"detect_anomaly: backward through {node._op.name} node {describe(node)} gave "
        f"{contribution!r} to parent {describe(parent)} (upstream gradient {upstream!r}); "
        f"all leaf grads were restored to their values before this backward()")


class _Mode:
    """Base of the mode context managers: set on enter, restore on exit."""

    def _new_state(self, grad_enabled, anomaly):
        raise NotImplementedError

    def __enter__(self):
        self._saved = (_grad_enabled, _anomaly)
        _set(*self._new_state(*self._saved))
        return self

    def __exit__(self, *exc):
        _set(*self._saved)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Inside, operations compute ``data`` but record no parents (results are leaves).

    Use it for parameter updates and for evaluation::

        with autograd.no_grad():
            w.data -= lr * w.grad
    """

    def _new_state(self, grad_enabled, anomaly):
        return False, anomaly


class detect_anomaly(_Mode):
    """Inside, the first node whose data or gradient is NaN or ±inf raises
    FloatingPointError naming the node, its op and its parents.

    Off by default: like PyTorch, plain mode lets NaN and inf flow.
    """

    def _new_state(self, grad_enabled, anomaly):
        return grad_enabled, True

"""Shared test helpers: central finite differences as the independent oracle,
PyTorch's double backward where it is installed, and a Ctrl-C sent at the k-th
function a call enters."""

import math
import signal
import sys

import pytest


def central_difference(f, x, eps=1e-6):
    """(f(x + eps) - f(x - eps)) / (2 eps), with eps scaled to |x|."""
    h = eps * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def assert_close(actual, expected, rel=1e-6, abs_=1e-9, what=""):
    assert math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_), (
        f"{what}: got {actual!r}, expected {expected!r}")


@pytest.fixture
def fd():
    return central_difference


def torch_derivatives(torch, fn, point):
    """PyTorch's (value, first derivatives, Hessian) of ``fn`` at ``point``, float64:
    double backward, with an input the output does not use read as 0."""
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = fn(*ts)
    first = torch.autograd.grad(out, ts, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g is None or not g.requires_grad:
            rows.append([0.0] * len(ts))
            continue
        row = torch.autograd.grad(g, ts, allow_unused=True, retain_graph=True)
        rows.append([0.0 if h is None else h.item() for h in row])
    return out.item(), [0.0 if g is None else g.item() for g in first], rows


def ours(frame):
    """True for a function of chainrule's packages (nn or autograd)."""
    name = frame.f_code.co_filename
    return "/nn/" in name or "/autograd/" in name


def in_files(*endings):
    """``counts`` for :func:`sigint_at_call`: a function of a file ending so."""
    return lambda frame: frame.f_code.co_filename.endswith(endings)


def sigint_at_call(k, call, counts=ours):
    """``call()`` with a SIGINT sent at the k-th entry into a function for which
    ``counts(frame)`` is true, where Python looks for signals (a Ctrl-C's handler runs
    as a function begins, at a loop's jump back and after a call into C, never between
    two plain statements).  Returns ``(entries, caught)``: the number of entries
    counted (fewer than k: none was sent) and the KeyboardInterrupt that reached the
    caller, or None."""
    seen = [0]

    def tracer(frame, event, arg):
        if event == "call" and counts(frame):
            seen[0] += 1
            if seen[0] == k:
                sys.settrace(None)
                signal.raise_signal(signal.SIGINT)
        return None

    caught = None
    sys.settrace(tracer)
    try:
        call()
    except KeyboardInterrupt as stop:
        caught = stop
    finally:
        sys.settrace(None)
    return seen[0], caught

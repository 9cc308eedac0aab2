"""Shared test helpers: central finite differences as the independent oracle, and
PyTorch's double backward where it is installed."""

import math

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

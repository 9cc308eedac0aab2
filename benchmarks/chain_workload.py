"""Workload 3: backward through a chain y_n = y_{n-1} · f, y_0 = x (one * node per link).

The oracle: ∂y_n/∂x = f^n.  chainrule's backward is iterative; micrograd's
``build_topo`` recurses once per node, so past the recursion limit (1000 by
default) it raises RecursionError.  Building micrograd's chain works, only
its backward fails; the build is still bounded by a time budget.
"""

import gc
import statistics
import sys
import time
from dataclasses import dataclass

FACTOR = 1.0000001


@dataclass
class ChainResult:
    key: str
    n_built: int
    build_s: float
    backward_times: list     # seconds per backward pass (empty if it failed)
    error: str = None        # e.g. "RecursionError" when backward raised
    grad_error: float = None  # |∂y/∂x − f^n| / f^n

    @property
    def backward_s(self):
        return statistics.median(self.backward_times) if self.backward_times else None


def _relative_error(grad, n):
    exact = FACTOR ** n
    return abs(grad - exact) / exact


def chainrule_chain(n, repeat):
    """Build the chain with chainrule Values, then time ``repeat`` backward passes."""
    from autograd import Value
    x = Value(1.0, "x")
    gc.collect()
    start = time.perf_counter()
    y = x
    for _ in range(n):
        y = y * FACTOR
    build = time.perf_counter() - start
    times, grad_error = [], None
    for _ in range(repeat):
        x.grad = 0.0
        gc.collect()
        start = time.perf_counter()
        y.backward()
        times.append(time.perf_counter() - start)
        if grad_error is None:
            grad_error = _relative_error(x.grad, n)
    del y
    gc.collect()
    return ChainResult("chainrule eager", n, build, times, grad_error=grad_error)


def _build_chain(x, n, budget_s):
    """y = x · FACTOR^n node by node, stopping early past ``budget_s`` seconds;
    returns (y, nodes built, seconds)."""
    gc.collect()
    start = time.perf_counter()
    y, built = x, 0
    while built < n:
        y = y * FACTOR
        built += 1
        if built % 10_000 == 0 and time.perf_counter() - start > budget_s:
            break
    return y, built, time.perf_counter() - start


def micrograd_chain(n, budget_s):
    """Build micrograd's chain (stopping early past ``budget_s``), then try backward."""
    from micrograd.engine import Value
    x = Value(1.0)
    y, built, build = _build_chain(x, n, budget_s)
    times, error, grad_error = [], None, None
    try:
        start = time.perf_counter()
        y.backward()
        times.append(time.perf_counter() - start)
        grad_error = _relative_error(x.grad, built)
    except RecursionError:
        error = "RecursionError"
    del y
    gc.collect()  # micrograd's closures make cycles: only the collector frees the chain
    return ChainResult("micrograd", built, build, times, error=error, grad_error=grad_error)


def torch_chain(n, repeat, budget_s):
    """The chain with 0-d float64 tensors (build bounded by ``budget_s``), then backward."""
    import torch
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y, built, build = _build_chain(x, n, budget_s)
    times, grad_error = [], None
    for i in range(repeat):
        x.grad = None
        gc.collect()
        start = time.perf_counter()
        y.backward(retain_graph=i < repeat - 1)
        times.append(time.perf_counter() - start)
        if grad_error is None:
            grad_error = _relative_error(x.grad.item(), built)
    del y
    gc.collect()
    return ChainResult("PyTorch", built, build, times, grad_error=grad_error)


def recursion_limit():
    return sys.getrecursionlimit()

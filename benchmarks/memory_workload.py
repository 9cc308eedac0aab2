"""Workload 4: bytes per node, measured with tracemalloc.

From leaves a, b, c, build ``acc = acc * b + c`` n times and keep the whole
graph alive: 2n derived nodes (no constants: b and c are Values).  Bytes per
node = (memory traced with the graph alive − before) / 2n; the peak while
building is reported too.  tracemalloc sees Python's allocations only, so
PyTorch (C++ allocations) is not measured here.
"""

import gc
import tracemalloc
from dataclasses import dataclass


@dataclass
class MemoryResult:
    key: str
    nodes: int
    net_bytes: int
    peak_bytes: int

    @property
    def per_node(self):
        return self.net_bytes / self.nodes

    @property
    def peak_per_node(self):
        return self.peak_bytes / self.nodes


def _measure(key, make_leaf, n):
    a, b, c = make_leaf(0.5), make_leaf(1.0), make_leaf(0.25)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        acc = a
        for _ in range(n):
            acc = acc * b + c
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del acc
    gc.collect()
    return MemoryResult(key, 2 * n, after - before, peak - before)


def chainrule_memory(n):
    from autograd import Value
    return _measure("chainrule eager", Value, n)


def micrograd_memory(n):
    from micrograd.engine import Value
    return _measure("micrograd", Value, n)

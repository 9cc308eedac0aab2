#!/usr/bin/env python
"""The cost of a gradient as a graph: grad(C, params, create_graph=True) against
one plain C.backward(), on the benchmark's 2-16-16-1 loss (workload 1).

    python benchmarks/higher_bench.py [relu|sigmoid] [--samples N] [--repeat N]

Both time only the backward part, on the same forward graph: ``C.backward()``
(the parameters' grads zeroed, untimed, before each) and ``autograd.grad(C,
params, create_graph=True)``, which builds ∂C/∂p as Value nodes.  Median of
``--repeat``, alternating, a ``gc.collect()`` before each (untimed).  The ratio
is what to read; the target is at most 4x.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (HERE, os.path.dirname(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import nn  # noqa: E402
from autograd import grad  # noqa: E402
from problem import make_problem  # noqa: E402
from timing import frozen_heap, time_once  # noqa: E402

TARGET = 4.0


def measure(workload="relu", samples=100, repeat=7):
    """``(plain backward s, create_graph s)``: medians over ``repeat`` alternating runs."""
    problem = make_problem(workload, samples)
    net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                 weights=problem.weights, biases=problem.biases)
    params = net.parameters()
    outputs = [net(list(x)) for x in problem.inputs]
    cost = nn.half_squared_error(outputs, [[y] for y in problem.targets], reduction="sum")

    def plain():
        for p in params:
            p.grad = 0.0
        cost.backward()

    def as_graph():
        grad(cost, params, create_graph=True)

    plain_times, graph_times = [], []
    with frozen_heap():
        for _ in range(repeat):
            plain_times.append(time_once(plain))
            graph_times.append(time_once(as_graph))
    return statistics.median(plain_times), statistics.median(graph_times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", nargs="?", default="relu", choices=("relu", "sigmoid"))
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    plain, graph = measure(args.workload, args.samples, args.repeat)
    ratio = graph / plain
    print(f"{args.workload} 2-16-16-1, {args.samples} samples: C.backward() {plain * 1e3:.2f} ms, "
          f"grad(create_graph=True) {graph * 1e3:.2f} ms: {ratio:.2f}x "
          f"({'within' if ratio <= TARGET else 'over'} the {TARGET:g}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""The cost of a gradient as a graph on the benchmark's 2-16-16-1 loss (workload 1).

    python benchmarks/higher_bench.py [relu|sigmoid] [--samples N] [--repeat N]

Two ratios, each of two contenders timed alternately (median of ``--repeat``,
one untimed call and a ``gc.collect()`` before each timed one):

* the backward part alone, on one forward graph: ``autograd.grad(C, params,
  create_graph=True)``, which builds ∂C/∂p as Value nodes, against one plain
  ``C.backward()`` (the parameters' grads zeroed first); target at most 4x;
* what a user of second-order methods runs: forward, ``grad(C, params,
  create_graph=True)`` and the backward pass of Σ_p ∂C/∂p (a gradient of
  the gradient), against forward and ``C.backward()``; target at most 3x
  (PyTorch's double backward is about 2-3x).
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (HERE, os.path.dirname(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import nn  # noqa: E402
from autograd import grad, sum_values  # noqa: E402
from problem import make_problem  # noqa: E402
from timing import Timed, frozen_heap, time_round_robin  # noqa: E402

TARGET = 4.0
FULL_TARGET = 3.0


def measure(workload="relu", samples=100, repeat=7):
    """Medians in seconds over ``repeat`` alternating runs, as a dict:
    ``backward`` and ``create_graph`` (the backward part alone), ``first_order``
    (forward + backward) and ``second_order`` (forward + grad(create_graph=True)
    + backward of the sum of the gradients)."""
    problem = make_problem(workload, samples)
    net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                 weights=problem.weights, biases=problem.biases)
    params = net.parameters()
    targets = [[y] for y in problem.targets]

    def forward():
        outputs = [net(list(x)) for x in problem.inputs]
        return nn.half_squared_error(outputs, targets, reduction="sum")

    cost = forward()

    def backward():
        for p in params:
            p.grad = 0.0
        cost.backward()

    def create_graph():
        grad(cost, params, create_graph=True)

    def first_order():
        for p in params:
            p.grad = 0.0
        forward().backward()

    def second_order():
        for p in params:
            p.grad = 0.0
        sum_values(grad(forward(), params, create_graph=True)).backward()

    entries = [Timed(name, fn) for name, fn in (
        ("backward", backward), ("create_graph", create_graph),
        ("first_order", first_order), ("second_order", second_order))]
    with frozen_heap():
        time_round_robin(entries, repeat)
    return {entry.key: entry.median for entry in entries}


def _verdict(ratio, target):
    return f"{ratio:.2f}x ({'within' if ratio <= target else 'over'} the {target:g}x target)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", nargs="?", default="relu", choices=("relu", "sigmoid"))
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    t = measure(args.workload, args.samples, args.repeat)
    ms = {key: f"{value * 1e3:.2f} ms" for key, value in t.items()}
    print(f"{args.workload} 2-16-16-1, {args.samples} samples: C.backward() {ms['backward']}, "
          f"grad(create_graph=True) {ms['create_graph']}: "
          f"{_verdict(t['create_graph'] / t['backward'], TARGET)}")
    print(f"  forward + C.backward() {ms['first_order']}, forward + grad(create_graph=True) "
          f"+ backward of Σ gradients {ms['second_order']}: "
          f"{_verdict(t['second_order'] / t['first_order'], FULL_TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

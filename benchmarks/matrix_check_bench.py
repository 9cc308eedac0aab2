#!/usr/bin/env python
"""Matrix checks on the benchmark's 2-16-16-1 sigmoid network with 100 samples.

    python benchmarks/matrix_check_bench.py [--samples N] [--repeat N]

The network is built with ``nn.MLP.from_matrices`` (samples as rows), the mean
half squared error over the batch is differentiated once, and each row times one
``check(C, name, expected)``: every weight matrix and bias vector given as the
engine's gradient rounded to 4 digits (agrees), as that matrix transposed (a
diagnosed mistake, so every candidate is tried first), one formula typed as
text, the longest formula read (10,000 characters) and one ten times as long
(refused).  Median of ``--repeat`` runs, a ``gc.collect()`` before each (untimed).
The target is under 1 s per check.
"""

import argparse
import gc
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (HERE, os.path.dirname(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import nn  # noqa: E402
from autograd.check import check  # noqa: E402
from autograd.matrix_formula import MatrixFormulaError  # noqa: E402
from problem import make_problem  # noqa: E402

TARGET = 1.0
FORMULA = ("delta3 = (A3 - Y)/m * σ'(Z3); delta2 = (delta3 @ W3.T) * σ'(Z2); "
           "delta1 = (delta2 @ W2.T) * σ'(Z1); X.T @ delta1")


# the longest formula read (one term repeated), and ten times that (refused in one line)
LONG = "A2.T @ (" + " + ".join(["(A3 - Y)"] * 885) + ")"
HUGE = "A2.T @ (" + " + ".join(["(A3 - Y)"] * 8850) + ")"


def build(samples):
    problem = make_problem("sigmoid", samples)
    weights = [[list(col) for col in zip(*layer)] for layer in problem.weights]   # inputs × outputs
    biases = [[list(b)] for b in problem.biases]
    net = nn.MLP.from_matrices(weights, biases, layout="rows")
    cost = nn.half_mean_squared_error(net.batch([list(x) for x in problem.inputs]),
                                      [[y] for y in problem.targets])
    cost.backward()
    return net, cost


def rounded(matrix, digits=4):
    return [[f"{v:.{digits}g}" for v in row] for row in matrix.tolist()]


def cases(net):
    grads = net.gradient_matrices()
    out = []
    for name, g in grads.items():
        out.append((f"{name} as typed (agrees)", name, rounded(g), True))
        if name.startswith("W"):
            out.append((f"{name} transposed (diagnosed)", name, rounded(g.T), False))
    out.append(("W1 formula (agrees)", "W1", FORMULA, True))
    out.append((f"{len(LONG):,}-char formula (read)", "W3", LONG, False))
    out.append((f"{len(HUGE):,}-char formula (refused)", "W3", HUGE, None))
    return out


def measure(samples=100, repeat=5):
    net, cost = build(samples)
    rows = []
    for label, name, expected, agrees in cases(net):
        times = []
        for _ in range(repeat):
            gc.collect()
            start = time.perf_counter()
            try:
                verdict = check(cost, name, expected)
            except MatrixFormulaError:
                verdict = None
            times.append(time.perf_counter() - start)
        assert (verdict is None if agrees is None else bool(verdict) == agrees), (label, str(verdict))
        rows.append((label, statistics.median(times)))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows = measure(args.samples, args.repeat)
    print(f"matrix checks on 2-16-16-1, sigmoid, {args.samples} samples "
          f"(median of {args.repeat}; target < {TARGET:g} s each)")
    for label, seconds in rows:
        mark = "ok" if seconds < TARGET else "SLOW"
        print(f"  {label:32} {seconds * 1000:8.1f} ms  {mark}")
    return 0 if all(s < TARGET for _, s in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

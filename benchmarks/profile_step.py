#!/usr/bin/env python
"""Where chainrule's eager training step spends its time: cProfile of workload 1 or 2.

    python benchmarks/profile_step.py [relu|sigmoid] [--steps N] [--top N] [--elementary]

Profiles N steps of ``nn.eager_step`` on the benchmark's problem (100
samples, 2-16-16-1) and prints the functions by own time (tottime).
cProfile adds a fixed cost per Python call, so it inflates code that makes
many small calls; read the shares, not the absolute times.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (HERE, os.path.dirname(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from mlp_contenders import ChainruleEager  # noqa: E402
from problem import make_problem  # noqa: E402


def profile(workload="relu", steps=5, fused=True):
    """pstats.Stats of ``steps`` eager steps (after one unprofiled warm-up)."""
    contender = ChainruleEager(make_problem(workload, 100), fused=fused)
    contender.step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        contender.step()
    profiler.disable()
    return pstats.Stats(profiler, stream=io.StringIO())


def report(stats, top):
    stats.sort_stats("tottime")
    stream = io.StringIO()
    stats.stream = stream
    stats.print_stats(top)
    return stream.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", nargs="?", default="relu", choices=("relu", "sigmoid"))
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--elementary", action="store_true",
                        help="profile nn.MLP(fused=False) (a * and + node per weight)")
    args = parser.parse_args(argv)
    print(report(profile(args.workload, args.steps, not args.elementary), args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""The eager training step of workload 1 or 2, this checkout against an older commit.

    .venv/bin/python benchmarks/versus_commit.py 8c7eeb8            # round 1's engine
    .venv/bin/python benchmarks/versus_commit.py 8c7eeb8 --workload sigmoid --rounds 8

The commit's files are unpacked into a temporary folder (``git archive``);
then, round after round, one fresh process per checkout runs its own
``ChainruleEager`` contender (``nn.MLP`` and ``nn.eager_step`` as that
commit wrote them) on the same problem.  Each process times 21 steps as the
benchmark does (an untimed step, ``gc.collect()``, the timed step); the
processes alternate, so both checkouts see the same machine.  Printed: the
median step of each, and how many times less time this checkout takes.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STEPS = 21


def step_times(root, workload):
    """Run in a child process: STEPS timed steps of ``root``'s eager contender."""
    import gc
    import time
    for path in (os.path.join(root, "benchmarks"), root):
        sys.path.insert(0, path)
    import mlp_contenders
    from problem import make_problem
    contender = mlp_contenders.ChainruleEager(make_problem(workload, 100))
    contender.step()
    gc.collect()
    gc.freeze()
    times = []
    for _ in range(STEPS):
        contender.step()
        gc.collect()
        start = time.perf_counter()
        contender.step()
        times.append(time.perf_counter() - start)
    print(" ".join(repr(t) for t in times))


def unpack(rev, into):
    """The files of commit ``rev`` under ``into`` (no .git)."""
    archive = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", rev],
                             check=True, capture_output=True).stdout
    path = os.path.join(into, "archive.tar")
    with open(path, "wb") as f:
        f.write(archive)
    with tarfile.open(path) as tar:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(os.path.join(into, "tree"), **safe)
    return os.path.join(into, "tree")


def child(root, workload):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", root,
                          "--workload", workload], check=True, capture_output=True,
                         text=True, cwd=root).stdout
    return [float(t) for t in out.split()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", nargs="?", help="the older commit (e.g. 8c7eeb8)")
    parser.add_argument("--workload", choices=("relu", "sigmoid"), default="relu")
    parser.add_argument("--rounds", type=int, default=6, help="processes per checkout")
    parser.add_argument("--child", metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        step_times(args.child, args.workload)
        return 0
    if not args.rev:
        parser.error("give the older commit, e.g. 8c7eeb8")
    with tempfile.TemporaryDirectory() as scratch:
        old_root = unpack(args.rev, scratch)
        old, new = [], []
        for _ in range(args.rounds):
            old += child(old_root, args.workload)
            new += child(ROOT, args.workload)
    t_old, t_new = statistics.median(old), statistics.median(new)
    print(f"workload {args.workload}, {args.rounds} processes x {STEPS} steps each:")
    print(f"  {args.rev}: median step {t_old * 1e3:.2f} ms")
    print(f"  this checkout: median step {t_new * 1e3:.2f} ms")
    print(f"  {t_old / t_new:.2f}x less time per step")
    return 0


if __name__ == "__main__":
    sys.exit(main())

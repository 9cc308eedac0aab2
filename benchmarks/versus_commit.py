#!/usr/bin/env python
"""The eager training step of workload 1 or 2, this checkout against an older commit.

    .venv/bin/python benchmarks/versus_commit.py 8c7eeb8            # round 1's engine
    .venv/bin/python benchmarks/versus_commit.py 8c7eeb8 --workload sigmoid --rounds 8
    .venv/bin/python benchmarks/versus_commit.py 8b4c473 --contender jit
    .venv/bin/python benchmarks/versus_commit.py 9b8cd31 --chain 1000,1000000

``--chain N,...`` times the eager chain instead (workload 3 as a user writes
it: ``y = y * f`` N times with the cycle collector running as it does by
default, then ``y.backward()``): build, backward and their sum per checkout,
and the cost per node, so a row per N shows whether it stays flat.

The commit's files are unpacked into a temporary folder (``git archive``);
then, round after round, one fresh process per checkout runs its own
``ChainruleEager`` contender (``nn.MLP`` and ``nn.eager_step`` as that
commit wrote them) on the same problem.  Each process times 21 steps as the
benchmark does (``gc.collect()``, an untimed step, the timed step); the
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


CONTENDERS = {"eager": "ChainruleEager", "jit": "ChainruleJit"}


def step_times(root, workload, contender="eager"):
    """Run in a child process: STEPS timed steps of ``root``'s eager (or jit) contender."""
    import gc
    import time
    for path in (os.path.join(root, "benchmarks"), root):
        sys.path.insert(0, path)
    import mlp_contenders
    from problem import make_problem
    contender = getattr(mlp_contenders, CONTENDERS[contender])(make_problem(workload, 100))
    contender.step()
    gc.collect()
    gc.freeze()
    times = []
    for _ in range(STEPS):
        gc.collect()
        contender.step()
        start = time.perf_counter()
        contender.step()
        times.append(time.perf_counter() - start)
    print(" ".join(repr(t) for t in times))


def chain_times(root, n):
    """Run in a child process: build an n-link chain y = y·f from ``root``'s Value,
    then one backward; prints the two times in seconds.  A short chain is built
    and differentiated again until 2·10⁵ links were timed (a fresh chain each time,
    the fastest build and backward printed), so that a timer tick is not its cost."""
    import gc
    import time
    sys.path.insert(0, root)
    from autograd import Value
    builds, backwards = [], []
    for _ in range(max(1, 200_000 // n)):
        x = Value(1.0, "x")
        gc.collect()
        start = time.perf_counter()
        y = x
        for _ in range(n):
            y = y * 1.0000001
        builds.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        y.backward()
        backwards.append(time.perf_counter() - start)
        assert abs(x.grad - 1.0000001 ** n) <= 1e-6 * 1.0000001 ** n, x.grad
        del x, y
    print(min(builds), min(backwards))


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


def child(root, workload, chain=None, contender="eager"):
    extra = (["--chain", str(chain)] if chain
             else ["--workload", workload, "--contender", contender])
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", root, *extra],
                         check=True, capture_output=True, text=True, cwd=root).stdout
    return [float(t) for t in out.split()]


def compare_chains(rev, old_root, sizes, rounds):
    """Print, per chain length, each checkout's median build, backward and total,
    the cost per node, and how many times less total time this checkout takes."""
    print(f"chain y = y * f, build + backward, {rounds} processes per checkout and length:")
    for n in sizes:
        old, new = [], []
        for _ in range(rounds):
            old.append(child(old_root, None, n))
            new.append(child(ROOT, None, n))
        rows = []
        for label, runs in ((rev, old), ("this checkout", new)):
            build = statistics.median(r[0] for r in runs)
            backward = statistics.median(r[1] for r in runs)
            total = statistics.median(r[0] + r[1] for r in runs)
            rows.append(total)
            print(f"  n={n:>9,}  {label}: build {build:.4g} s, backward {backward:.4g} s, "
                  f"total {total:.4g} s ({total / n * 1e9:.0f} ns per node)")
        print(f"  n={n:>9,}  {rows[0] / rows[1]:.2f}x less time for build + backward")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", nargs="?", help="the older commit (e.g. 8c7eeb8)")
    parser.add_argument("--workload", choices=("relu", "sigmoid"), default="relu")
    parser.add_argument("--contender", choices=sorted(CONTENDERS), default="eager",
                        help="which training step to time (default: eager)")
    parser.add_argument("--rounds", type=int, default=6, help="processes per checkout")
    parser.add_argument("--chain", metavar="N,...",
                        help="time the eager chain of N links (build + backward) instead")
    parser.add_argument("--child", metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(n.replace("_", "")) for n in args.chain.split(",")] if args.chain else None
    if args.child:
        if sizes:
            chain_times(args.child, sizes[0])
        else:
            step_times(args.child, args.workload, args.contender)
        return 0
    if not args.rev:
        parser.error("give the older commit, e.g. 8c7eeb8")
    with tempfile.TemporaryDirectory() as scratch:
        old_root = unpack(args.rev, scratch)
        if sizes:
            compare_chains(args.rev, old_root, sizes, args.rounds)
            return 0
        old, new = [], []
        for _ in range(args.rounds):
            old += child(old_root, args.workload, contender=args.contender)
            new += child(ROOT, args.workload, contender=args.contender)
    t_old, t_new = statistics.median(old), statistics.median(new)
    print(f"workload {args.workload}, {args.contender} step, "
          f"{args.rounds} processes x {STEPS} steps each:")
    print(f"  {args.rev}: median step {t_old * 1e3:.2f} ms")
    print(f"  this checkout: median step {t_new * 1e3:.2f} ms")
    print(f"  {t_old / t_new:.2f}x less time per step")
    return 0


if __name__ == "__main__":
    sys.exit(main())

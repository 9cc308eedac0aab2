"""Instruction counts of the hot paths, one row per process (deterministic on a busy machine).

    OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 ROWS_GC=freeze PYTHONPATH=<tree> \
        valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python benchmarks/callgrind_rows.py ROW N

Per call = (Ir at N=4 - Ir at N=1) / 3 (N=31 for the cheap rows numpy_step784,
sgd_step, adam_step).  ``ROWS_GC=freeze`` collects and freezes the setup's objects
first: without it a full collection falls at a different call in two trees (their
imports make different numbers of objects) and a row can seem 16% worse.  Run it
with PYTHONPATH at each checkout (``git worktree add``), same venv, to compare.
"""
import gc
import os
import random
import sys

import numpy as np
import autograd
from autograd import Value
import nn

row, N = sys.argv[1], int(sys.argv[2])
rng = random.Random(0)
X20 = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(20)]
Y20 = [[rng.uniform(0, 1)] for _ in range(20)]


def hse(outputs, targets):
    return nn.half_squared_error(outputs, targets)


def mlp(sizes=(2, 16, 16, 1)):
    return nn.MLP(list(sizes), seed=1)


if row == "eager_build_backward":
    net = mlp()
    ps = net.parameters()
    def once():
        for p in ps:
            p.grad = 0.0
        c = hse([net(x) for x in X20], Y20)
        c.backward()
elif row == "eager_step":
    net = mlp()
    opt = nn.SGD(net.parameters(), lr=0.01)
    def once():
        nn.eager_step(net, "half_squared_error", opt, X20, Y20)
elif row == "jit_loss_step20":
    net = mlp()
    opt = nn.SGD(net.parameters(), lr=0.01)
    comp = net.jit_loss("half_squared_error")
    rows = [tuple(x) + tuple(y) for x, y in zip(X20, Y20)]
    comp.batch(rows)
    def once():
        opt.zero_grad()
        comp.batch(rows, mean=True)
        opt.step()
elif row in ("jit_batch2000", "jit_call2000"):
    net = mlp((1, 1, 1))
    f = autograd.jit(lambda x: net([x])[0])
    samples = [(rng.uniform(-1, 1),) for _ in range(2000)]
    f.batch(samples)
    f(0.5)
    if row == "jit_batch2000":
        def once():
            f.batch(samples)
    else:
        xs = [s[0] for s in samples]
        def once():
            for x in xs:
                f(x)
elif row == "numpy_step784":
    net = nn.MLP([784, 30, 10], seed=1)
    r = np.random.default_rng(0)
    X = r.uniform(0, 1, (10, 784))
    Y = np.zeros((10, 10))
    Y[np.arange(10), r.integers(0, 10, 10)] = 1
    rowsm = np.hstack([X, Y])
    prog = net.jit_loss("half_squared_error", backend="numpy")
    opt = nn.SGD(net.parameters(), lr=0.01)
    opt.zero_grad()
    prog.batch(rowsm, mean=True)
    opt.step()
    def once():
        opt.zero_grad()
        prog.batch(rowsm, mean=True)
        opt.step()
elif row in ("train_numpy_hse", "train_numpy_ce"):
    loss = "half_squared_error" if row.endswith("hse") else "cross_entropy"
    net = nn.MLP([784, 30, 10], seed=1)
    r = np.random.default_rng(0)
    X = r.uniform(0, 1, (100, 784))
    Y = np.zeros((100, 10))
    Y[np.arange(100), r.integers(0, 10, 100)] = 1
    nn.train(net, X, Y, epochs=1, lr=0.1, batch=10, progress=False, backend="numpy", loss=loss)
    def once():
        nn.train(net, X, Y, epochs=1, lr=0.1, batch=10, progress=False, backend="numpy", loss=loss)
elif row in ("sgd_step", "adam_step"):
    net = mlp()
    opt = nn.SGD(net.parameters(), lr=0.01, momentum=0.9) if row == "sgd_step" else nn.Adam(net.parameters(), lr=0.01)
    for p in net.parameters():
        p.grad = 0.1
    opt.step()
    def once():
        opt.step()
elif row == "create_graph":
    net = mlp()
    ps = net.parameters()
    def once():
        y = hse([net(x) for x in X20[:5]], Y20[:5])
        autograd.grad(y, ps, create_graph=True)
elif row == "chain1e5":
    def once():
        x = Value(1.0)
        y = x
        for _ in range(100_000):
            y = y * 1.0000001
        y.backward()
elif row == "jit_first_call":
    net = mlp()
    rows = [tuple(x) + tuple(y) for x, y in zip(X20, Y20)]
    def once():
        comp = net.jit_loss("half_squared_error")
        comp.batch(rows, mean=True)
else:
    raise SystemExit("unknown row " + row)
if os.environ.get("ROWS_GC") == "freeze":
    gc.collect()
    gc.freeze()
for _ in range(N):
    once()

"""The paths nn's users call, beside the kernels they wrap (ratios path/kernel).

    python benchmarks/nn_paths.py            # every row, medians of 5 rounds
    python benchmarks/nn_paths.py --quick    # tiny sizes, one round (a smoke run)

Rows (contenders interleaved round by round, the median reported):

  step-784     ``net.jit_loss(loss, backend="numpy").batch(rows)`` + ``opt.step()``,
               784-30-10, a batch of 10, against its kernel: the matrix program's
               pure function on resident arrays plus the SGD update on the arrays
  step-256     the same on 2-256-256-1, a batch of 100
  train-784    ``nn.train(backend="numpy")`` one epoch, 784-30-10, 10,000 samples,
               batches of 10, inputs as an array (and as lists), against the same
               epoch written by hand in numpy (BP1-BP4 and SGD)
  train-256    ``nn.train(backend="numpy", epochs=10)``, 2-256-256-1, 100 samples,
               full batch, against 10 hand-written numpy steps
  train-jit    ``nn.train(jit=True)`` and the default, one epoch of 2-16-16-1 on 100
               samples (batches of 10), against the loop of jitted steps
  user-loss    ``nn.train(backend="numpy")`` with a loss of your own (nn's loss plus
               Value arithmetic) against the built-in matrix program, 2-256-256-1
"""

import argparse
import gc
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import nn  # noqa: E402


def interleaved(contenders, rounds):
    """{name: median seconds} of each contender, one call of each per round."""
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def data(n, n_in, n_out, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, (n, n_in))
    Y = np.zeros((n, n_out))
    Y[np.arange(n), rng.integers(0, n_out, n)] = 1.0
    return X, Y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def hand_weights(net):
    """The network's weights and biases as arrays (Nielsen's W^l, b^l)."""
    return ([np.array([[w.data for w in n.weights] for n in layer.neurons]) for layer in net.layers],
            [np.array([[n.bias.data] for n in layer.neurons]) for layer in net.layers])


def hand_step(Ws, bs, X, Y, lr, activations):
    """One SGD step of BP1-BP4 on the batch (columns are samples), half squared error, mean."""
    m = X.shape[1]
    a, zs, As = X, [], [X]
    for W, b, f in zip(Ws, bs, activations):
        z = W @ a + b
        a = sigmoid(z) if f == "sigmoid" else np.tanh(z) if f == "tanh" else z
        zs.append(z)
        As.append(a)
    delta = (a - Y) / m * _prime(activations[-1], As[-1])
    for layer in range(len(Ws) - 1, -1, -1):
        dW, db = delta @ As[layer].T, delta.sum(axis=1, keepdims=True)
        if layer:
            delta = (Ws[layer].T @ delta) * _prime(activations[layer - 1], As[layer])
        Ws[layer] -= lr * dW
        bs[layer] -= lr * db


def _prime(f, a):
    return a * (1 - a) if f == "sigmoid" else 1 - a * a if f == "tanh" else 1.0


def step_rows(sizes, activations, m, rounds):
    net = nn.MLP(sizes, activation=activations, seed=1)
    X, Y = data(m, sizes[0], sizes[-1])
    rows = np.hstack([X, Y])
    program = net.jit_loss("half_squared_error", backend="numpy")
    opt = nn.SGD(net.parameters(), lr=0.01)
    arrays = program.arrays()
    XT, YT = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)

    def path():
        opt.zero_grad()
        program.batch(rows, mean=True)
        opt.step()

    def kernel():
        _, grads = program.gradients(XT, YT, 1.0 / m, arrays)
        for w, g in zip(arrays, grads):
            w -= 0.01 * g

    return interleaved({"path": path, "kernel": kernel}, rounds)


def train_rows(sizes, activations, n, batch, epochs, rounds, lists):
    X, Y = data(n, sizes[0], sizes[-1])
    inputs = X.tolist() if lists else X

    net = nn.MLP(sizes, activation=activations, seed=1)   # made once: not timed
    start_W, start_b = hand_weights(net)

    def path():
        nn.train(net, inputs, Y, epochs=epochs, lr=0.5, batch=batch, progress=False,
                 backend="numpy")

    XT, YT = X.T.copy(), Y.T.copy()
    size = batch or n

    def kernel():
        Ws, bs = [W.copy() for W in start_W], [b.copy() for b in start_b]
        for _ in range(epochs):
            for s in range(0, n, size):
                hand_step(Ws, bs, XT[:, s:s + size], YT[:, s:s + size], 0.5, activations)

    return interleaved({"path": path, "kernel": kernel}, rounds)


def jit_rows(n, rounds):
    sizes, X, Y = [2, 16, 16, 1], *data(n, 2, 1)
    Xl, Yl = X.tolist(), Y.tolist()
    net = nn.MLP(sizes, seed=1)

    def train_jit():
        nn.train(net, Xl, Yl, epochs=1, lr=0.1, batch=10, progress=False, jit=True)

    def train_default():
        nn.train(net, Xl, Yl, epochs=1, lr=0.1, batch=10, progress=False)

    compiled = net.jit_loss("half_squared_error")
    opt = nn.SGD(net.parameters(), lr=0.1)
    rows = [tuple(x) + tuple(y) for x, y in zip(Xl, Yl)]

    def kernel():
        for s in range(0, n, 10):
            opt.zero_grad()
            compiled.batch(rows[s:s + 10], mean=True)
            opt.step()

    return interleaved({"jit": train_jit, "default": train_default, "kernel": kernel}, rounds)


def user_loss_rows(sizes, n, epochs, rounds):
    acts = ["tanh", "tanh", "sigmoid"]
    X, Y = data(n, 2, 1)

    def mine(outputs, targets):
        return nn.half_squared_error(outputs, targets) * 2.0 + 0.0 * outputs[0]

    def run(loss):
        net = nn.MLP(sizes, activation=acts, seed=1)

        def go():
            nn.train(net, X, Y, epochs=epochs, lr=0.1, batch=None, progress=False,
                     backend="numpy", loss=loss)
        return go

    return interleaved({"user": run(mine), "built-in": run("sum_squared_error")}, rounds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round")
    args = parser.parse_args(argv)
    q = args.quick
    rounds = 1 if q else 5
    wide = [2, 32, 32, 1] if q else [2, 256, 256, 1]
    mnist = [784, 30, 10]
    n784 = 200 if q else 10_000

    def row(name, times, path="path", kernel="kernel"):
        ratio = times[path] / times[kernel]
        print(f"{name:<34} {times[path] * 1e3:10.3f} ms  kernel {times[kernel] * 1e3:10.3f} ms"
              f"  ratio {ratio:6.2f}x", flush=True)

    row("step-784 (batch of 10)", step_rows(mnist, "sigmoid", 10, rounds * 20))
    row("step-256 (batch of 100)", step_rows(wide, ["tanh", "tanh", "sigmoid"], 100,
                                             rounds * 4))
    row(f"train-784 array ({n784} samples)", train_rows(mnist, ["sigmoid"] * 2, n784, 10, 1,
                                                         rounds, lists=False))
    row(f"train-784 lists ({n784} samples)", train_rows(mnist, ["sigmoid"] * 2, n784, 10, 1,
                                                         rounds, lists=True))
    row("train-256 (100 samples, 10 epochs)", train_rows(wide, ["tanh", "tanh", "sigmoid"], 100,
                                                         None, 10, rounds, lists=False))
    times = jit_rows(100, rounds * 2)
    row("train jit=True (2-16-16-1, 1 epoch)", times, "jit")
    row("train default (2-16-16-1, 1 epoch)", times, "default")
    times = user_loss_rows(wide, 100, 2 if q else 10, 1 if q else 3)
    row("user loss vs built-in (numpy)", times, "user", "built-in")
    return 0


if __name__ == "__main__":
    sys.exit(main())

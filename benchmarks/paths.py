"""The paths users call, each timed beside the kernel it wraps and beside peers.

A kernel is the least work the path has to do: the same generated program
with its arrays already in place (``program.gradients(X, Y, seed, arrays)``
and the SGD update applied to those arrays), the compiled jit step called in
a loop, backprop written by hand in numpy, the chain built with the cycle
collector paused, a backward pass over a tape of plain floats.  A path is
what the documentation tells a user to write (``net.jit_loss(...).batch(...)``
then ``opt.step()``, ``nn.train(...)``, ``.batch(list)``, ``autograd.grad``).
The ratio path/kernel is what the path adds on top of the arithmetic: 1.0x
is a path that costs nothing of its own.

Each row times its path, its kernel and its peers round-robin (``timing``);
peers are other programs doing the same work (hand-written numpy, Nielsen's
network.py algorithm, PyTorch on one thread, JAX's jit where installed,
micrograd).  A peer that is not installed is named and skipped.
"""

import gc
import time
from dataclasses import dataclass, field
from functools import partial

import mlp_contenders as mc
import nielsen_workload
import report
from problem import make_problem
from timing import Timed, calls_for, frozen_heap, time_round_robin

import nn


#: η of the per-step and wide rows: small enough that repeated steps stay finite
LR = 1e-4


@dataclass
class PathRow:
    """One line of the table: a path, its kernel, its peers, and their medians."""

    path: str
    workload: str
    kernel: str
    path_s: float = float("nan")
    kernel_s: float = float("nan")
    peers: list = field(default_factory=list)     # [(name, seconds or a reason)]
    key: str = ""                                 # what the targets look the row up by
    calls: int = 1                                # consecutive calls per timed run

    @property
    def ratio(self):
        return self.path_s / self.kernel_s


@dataclass(frozen=True)
class Sizes:
    """The sizes of the paths' workloads (full run or smoke run)."""

    nielsen: tuple        # 784-30-10
    nielsen_samples: int  # samples of nn.train's epoch
    step_batch: int       # samples of one per-step call on the Nielsen network
    wide: tuple           # 2-256-256-1
    samples: int          # samples of the 2-16-16-1 and wide workloads
    batch_samples: int    # samples of the 1-1-1 .batch() rows
    epochs: int           # the "epochs=10" rows
    repeat: int           # repetitions of the fast rows
    slow_repeat: int      # repetitions of the epoch rows


FULL = Sizes(nielsen=(784, 30, 10), nielsen_samples=10_000, step_batch=10, wide=(2, 256, 256, 1),
             samples=100, batch_samples=10_000, epochs=10, repeat=7, slow_repeat=3)
SMOKE = Sizes(nielsen=(784, 30, 10), nielsen_samples=40, step_batch=10, wide=(2, 16, 16, 1),
              samples=4, batch_samples=20, epochs=2, repeat=1, slow_repeat=1)


def torch_module():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def jax_module():
    """JAX, an optional contender: None when it is not installed."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


# ---------------------------------------------------------------------------
# kernels and peers on weight matrices (Nielsen's column convention)
# ---------------------------------------------------------------------------

class MatrixKernel:
    """chainrule's generated matrix program on resident arrays: the gradient arrays
    of a batch and SGD applied to the arrays, no Value touched (what every numpy
    path wraps)."""

    def __init__(self, net, XY, lr, mean):
        import numpy as np
        self.program = net.jit_loss("half_squared_error", backend="numpy")
        self.arrays = self.program.arrays()
        n_in = net.sizes[0]
        self.X = np.ascontiguousarray(XY[:, :n_in].T)
        self.Y = np.ascontiguousarray(XY[:, n_in:].T)
        self.seed = 1.0 / XY.shape[0] if mean else 1.0
        self.lr = lr

    def step(self):
        _, grads = self.program.gradients(self.X, self.Y, self.seed, self.arrays)
        for A, G in zip(self.arrays, grads):
            A -= self.lr * G


class HandNumpyBatches:
    """Backprop written by hand in numpy (BP1-BP4 over a batch, columns are samples),
    sigmoid or ReLU hidden layers, SGD on resident arrays: ``steps(k)`` runs k batches."""

    def __init__(self, sizes, activations, XY, batch, lr, mean, seed=0):
        import numpy as np
        self.np = np
        rng = np.random.default_rng(seed)
        self.W = [rng.standard_normal((m, n)) / n ** 0.5 for n, m in zip(sizes, sizes[1:])]
        self.b = [np.zeros((m, 1)) for m in sizes[1:]]
        self.f = activations
        n_in = sizes[0]
        self.batches = [(np.ascontiguousarray(XY[k:k + batch, :n_in].T),
                         np.ascontiguousarray(XY[k:k + batch, n_in:].T))
                        for k in range(0, XY.shape[0], batch)]
        self.lr, self.mean = lr, mean

    def _act(self, f, z):
        np = self.np
        return 1.0 / (1.0 + np.exp(-z)) if f == "sigmoid" else \
            np.maximum(z, 0.0) if f == "relu" else z

    def _prime(self, f, z, a):
        return a * (1.0 - a) if f == "sigmoid" else (z > 0.0) if f == "relu" else 1.0

    def one(self, X, Y):
        a, acts, zs = X, [X], []
        for W, b, f in zip(self.W, self.b, self.f):
            z = W @ a + b
            a = self._act(f, z)
            zs.append(z)
            acts.append(a)
        scale = self.lr / X.shape[1] if self.mean else self.lr
        delta = (a - Y) * self._prime(self.f[-1], zs[-1], a)            # BP1
        for l in range(len(self.W) - 1, -1, -1):
            gW, gb = delta @ acts[l].T, delta.sum(axis=1, keepdims=True)   # BP3, BP4
            if l:
                delta = (self.W[l].T @ delta) * self._prime(self.f[l - 1], zs[l - 1], acts[l])
            self.W[l] -= scale * gW
            self.b[l] -= scale * gb

    def steps(self, k=None):
        for X, Y in self.batches[:k]:
            self.one(X, Y)


class TorchBatches:
    """The same network as PyTorch float64 tensors on one thread: autograd on whole
    matrices, SGD under no_grad; ``steps(k)`` runs k batches."""

    def __init__(self, torch, sizes, activations, XY, batch, lr, mean):
        self.torch = torch
        g = torch.Generator().manual_seed(0)
        self.W = [(torch.randn(m, n, generator=g, dtype=torch.float64) / n ** 0.5)
                  .requires_grad_() for n, m in zip(sizes, sizes[1:])]
        self.b = [torch.zeros(m, 1, dtype=torch.float64, requires_grad=True) for m in sizes[1:]]
        self.f = activations
        data = torch.from_numpy(XY)
        n_in = sizes[0]
        self.batches = [(data[k:k + batch, :n_in].T.contiguous(),
                         data[k:k + batch, n_in:].T.contiguous())
                        for k in range(0, XY.shape[0], batch)]
        self.lr, self.mean = lr, mean

    def one(self, X, Y):
        torch = self.torch
        a = X
        for W, b, f in zip(self.W, self.b, self.f):
            z = W @ a + b
            a = torch.sigmoid(z) if f == "sigmoid" else torch.relu(z) if f == "relu" else z
        cost = 0.5 * ((a - Y) ** 2).sum()
        if self.mean:
            cost = cost / X.shape[1]
        params = self.W + self.b
        grads = torch.autograd.grad(cost, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= self.lr * g

    def steps(self, k=None):
        for X, Y in self.batches[:k]:
            self.one(X, Y)


class JaxBatches:
    """The same network under ``jax.jit`` (float64): one compiled step per batch."""

    def __init__(self, jax, sizes, activations, XY, batch, lr, mean):
        import jax.numpy as jnp
        n_in = sizes[0]
        self.batches = [(jnp.asarray(XY[k:k + batch, :n_in].T), jnp.asarray(XY[k:k + batch, n_in:].T))
                        for k in range(0, XY.shape[0], batch)]
        key = jax.random.PRNGKey(0)
        self.params = []
        for n, m in zip(sizes, sizes[1:]):
            key, sub = jax.random.split(key)
            self.params += [jax.random.normal(sub, (m, n), dtype=jnp.float64) / n ** 0.5,
                            jnp.zeros((m, 1))]

        def cost(params, X, Y):
            a = X
            for (W, b), f in zip(zip(params[0::2], params[1::2]), activations):
                z = W @ a + b
                a = jax.nn.sigmoid(z) if f == "sigmoid" else jax.nn.relu(z) if f == "relu" else z
            c = 0.5 * jnp.sum((a - Y) ** 2)
            return c / X.shape[1] if mean else c

        @jax.jit
        def step(params, X, Y):
            grads = jax.grad(cost)(params, X, Y)
            return [p - lr * g for p, g in zip(params, grads)]
        self.step_fn = step

    def steps(self, k=None):
        params = self.params
        for X, Y in self.batches[:k]:
            params = self.step_fn(params, X, Y)
        self.params = [p.block_until_ready() for p in params]


def matrix_peers(sizes, activations, XY, batch, lr, mean, k):
    """[(name, function or reason)]: hand-written numpy, PyTorch, JAX, each running
    ``k`` batches (None: all) of the same work."""
    peers = [("hand-written numpy",
              HandNumpyBatches(sizes, activations, XY, batch, lr, mean).steps)]
    torch = torch_module()
    peers.append(("PyTorch", TorchBatches(torch, sizes, activations, XY, batch, lr, mean).steps)
                 if torch else ("PyTorch", "(not installed)"))
    jax = jax_module()
    peers.append(("JAX jit", JaxBatches(jax, sizes, activations, XY, batch, lr, mean).steps)
                 if jax else ("JAX jit", "(not installed)"))
    return [(name, fn if isinstance(fn, str) else _first(fn, k)) for name, fn in peers]


def _first(steps, k):
    def run():
        steps(k)
    return run


# ---------------------------------------------------------------------------
# timing a row
# ---------------------------------------------------------------------------

def timed_row(row, path, kernel, peers, repeat):
    """Time path, kernel and peers round-robin; fill ``row`` with the medians.
    Every entry of a row runs the same number of consecutive calls per timed run:
    as many as the kernel needs to last :data:`timing.SHORTEST`."""
    with frozen_heap():
        calls = calls_for(kernel)
    entries = [Timed("path", path, calls=calls), Timed("kernel", kernel, calls=calls)]
    entries += [Timed(name, fn, calls=calls) for name, fn in peers if not isinstance(fn, str)]
    row.calls = calls
    with frozen_heap():
        time_round_robin(entries, repeat, warmup=1)
    medians = {e.key: e.median for e in entries}
    row.path_s, row.kernel_s = medians["path"], medians["kernel"]
    row.peers = [(name, medians[name] if not isinstance(fn, str) else fn) for name, fn in peers]
    return row


def _mlp(sizes, activations):
    """The network: Nielsen's with nn.MLP's own start (seed 0); a 2-n-n-1 network with
    the benchmark problem's weights, scaled by 1/√(inputs) so repeated steps stay finite."""
    if sizes[0] != 2:
        return nn.MLP(list(sizes), activation=list(activations), seed=0)
    problem = make_problem("relu", 1, sizes=sizes)
    return nn.MLP(list(sizes), activation=list(activations), weights=problem.weights,
                  biases=problem.biases)


def _data(sizes, n, seed=0):
    """n samples (x..., y...) as one float64 array: inputs in [0, 1), one-hot targets."""
    import numpy as np
    rng = np.random.default_rng(seed)
    X = rng.random((n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)] if sizes[-1] > 1 else \
        rng.integers(0, 2, (n, 1)).astype(float)
    return np.hstack([X, Y])


# ---------------------------------------------------------------------------
# the rows
# ---------------------------------------------------------------------------

def per_step_rows(sz):
    """``program.batch(samples)`` + ``opt.step()``, one step, against the matrix kernel."""
    rows = []
    for key, sizes, activations, batch in (
            ("per-step nielsen", sz.nielsen, ("sigmoid", "sigmoid"), sz.step_batch),
            ("per-step wide", sz.wide, ("relu", "relu", "linear"), sz.samples)):
        XY = _data(sizes, batch)
        net = _mlp(sizes, activations)
        opt = nn.SGD(net.parameters(), lr=LR)
        program = net.jit_loss("half_squared_error", backend="numpy")
        tuples = [tuple(r) for r in XY.tolist()]

        def path(program=program, opt=opt, samples=XY):
            opt.zero_grad()
            program.batch(samples)
            opt.step()
        kernel = MatrixKernel(_mlp(sizes, activations), XY, LR, mean=False).step
        row = PathRow("`net.jit_loss(loss, backend=\"numpy\").batch(samples)` + `opt.step()`",
                      f"{'-'.join(map(str, sizes))}, a step of {batch}, samples a 2-d array",
                      "the matrix program on resident arrays + SGD on them", key=key)
        peers = [("the same, samples a list of tuples", partial(path, samples=tuples))]
        peers += matrix_peers(sizes, activations, XY, batch, LR, False, None)
        rows.append(timed_row(row, path, kernel, peers, sz.repeat))
    return rows


def train_numpy_rows(sz):
    """``nn.train(backend="numpy")``: an epoch of the Nielsen network (arrays, lists),
    and ``epochs=10`` of the wide one, against hand-written numpy doing the same steps."""
    rows = []
    sizes, acts = sz.nielsen, ("sigmoid", "sigmoid")
    XY = _data(sizes, sz.nielsen_samples)
    X, Y = XY[:, :sizes[0]], XY[:, sizes[0]:]
    lists = (X.tolist(), Y.tolist())
    hand = HandNumpyBatches(sizes, acts, XY, 10, 3.0, mean=True)
    network_py = nielsen_workload.network_py_epoch_function(XY, sizes)
    def hand_from_lists():   # hand-written numpy given the same lists converts them first
        import numpy as np
        XY = np.hstack([np.array(lists[0], dtype=float), np.array(lists[1], dtype=float)])
        HandNumpyBatches(sizes, acts, XY, 10, 3.0, mean=True).steps()
    for what, inputs, kernel, name in (
            ("arrays", (X, Y), hand.steps, "hand-written numpy BP1-BP4, the same batches"),
            ("lists", lists, hand_from_lists,
             "hand-written numpy BP1-BP4, the same batches, from the same lists "
             "(np.array first)")):
        net = _mlp(sizes, acts)

        def path(net=net, inputs=inputs):
            nn.train(net, inputs[0], inputs[1], epochs=1, lr=3.0, batch=10,
                     progress=False, backend="numpy")
        row = PathRow(f"`nn.train(backend=\"numpy\")`, one epoch, {what} as inputs",
                      f"784-30-10, {sz.nielsen_samples:,} samples, batches of 10",
                      name, key=f"train numpy {what}")
        peers = [("network.py algorithm", network_py)]
        if what == "lists":
            peers.append(("hand-written numpy on arrays (no conversion)", hand.steps))
        peers += [p for p in matrix_peers(sizes, acts, XY, 10, 3.0, True, None)
                  if p[0] != "hand-written numpy"]
        rows.append(timed_row(row, path, kernel, peers, sz.slow_repeat))
    sizes, acts = sz.wide, ("relu", "relu", "linear")
    XY = _data(sizes, sz.samples)
    net = _mlp(sizes, acts)
    X, Y = XY[:, :sizes[0]], XY[:, sizes[0]:]

    def wide_path():
        nn.train(net, X, Y, epochs=sz.epochs, lr=LR, batch=None, progress=False,
                 backend="numpy")
    hand = HandNumpyBatches(sizes, acts, XY, sz.samples, LR, mean=True)

    def hand_epochs():
        for _ in range(sz.epochs):
            hand.steps()
    row = PathRow(f"`nn.train(backend=\"numpy\", epochs={sz.epochs})`",
                  f"{'-'.join(map(str, sizes))}, {sz.samples} samples, one batch",
                  f"hand-written numpy, {sz.epochs} steps", key="train numpy epochs")
    peers = [(name, _repeated(fn, sz.epochs)) if not isinstance(fn, str) else (name, fn)
             for name, fn in matrix_peers(sizes, acts, XY, sz.samples, LR, True, None)
             if name != "hand-written numpy"]
    rows.append(timed_row(row, wide_path, hand_epochs, peers, sz.slow_repeat))
    return rows


def _repeated(fn, k):
    def run():
        for _ in range(k):
            fn()
    return run


def train_python_rows(sz):
    """``nn.train`` on the Python backend, one epoch of workload 1 (one batch of all
    samples): jit=True, the default jit="auto" and eager, against the compiled step
    called in a loop (the jit) and ``nn.eager_step`` (eager)."""
    problem = make_problem("relu", sz.samples)
    inputs = [list(x) for x in problem.inputs]
    targets = [[y] for y in problem.targets]
    rows = []
    kernel_net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                        weights=problem.weights, biases=problem.biases)
    kernel_opt = nn.SGD(kernel_net.parameters(), problem.lr)
    compiled = kernel_net.jit_loss("half_squared_error")
    samples = [(*x, *y) for x, y in zip(inputs, targets)]

    def jit_step():
        kernel_opt.zero_grad()
        compiled.batch(samples, mean=True)
        kernel_opt.step()
    eager = mc.ChainruleEager(problem)
    for label, jit in (("`nn.train(jit=True)`, one epoch", True),
                       ("`nn.train()`, the default jit=\"auto\", one epoch", "auto"),
                       ("`nn.train(jit=False)`, one epoch (eager)", False)):
        net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                     weights=problem.weights, biases=problem.biases)

        def path(net=net, jit=jit):
            nn.train(net, inputs, targets, epochs=1, lr=problem.lr, batch=None,
                     progress=False, jit=jit)
        kernel, name = (eager.step, "nn.eager_step") if jit is False else \
            (jit_step, "the compiled step in a loop (.batch + opt.step)")
        row = PathRow(label, f"2-16-16-1 ReLU, {sz.samples} samples, one batch", name,
                      key=f"train jit {jit}")
        rows.append(timed_row(row, path, kernel, [], sz.repeat))
    return rows


def eager_rows(sz):
    """Eager as the README writes it and ``nn.eager_step``, on workload 1."""
    problem = make_problem("relu", sz.samples)
    readme = mc.ChainruleEager(problem)

    def as_written():   # README: C = loss(net(x), y); C.backward(); then the update
        readme.optimizer.zero_grad()
        cost = mc.summed_half_squared_error([readme.net(x) for x in readme.inputs],
                                            readme.targets)
        cost.backward()
        readme.optimizer.step()
    step = mc.ChainruleEager(problem)
    floats = mc.FloatBackprop(problem)
    micrograd = mc.Micrograd(problem)
    torch = torch_module()
    peers = [("micrograd", micrograd.step)]
    peers.append(("PyTorch 0-d tensors", mc.Torch(problem).step) if torch else
                 ("PyTorch 0-d tensors", "(not installed)"))
    rows = [timed_row(PathRow("eager as the README writes it: `C.backward()`, `opt.step()`",
                              f"2-16-16-1 ReLU, {sz.samples} samples", "nn.eager_step"),
                      as_written, step.step, peers, sz.repeat),
            timed_row(PathRow("`nn.eager_step(net, loss, opt, X, Y)`",
                              f"2-16-16-1 ReLU, {sz.samples} samples",
                              "plain-float backprop (hand-written BP1-BP4 on floats)"),
                      step.step, floats.step, [], sz.repeat)]
    return rows


def one_one_one_loss():
    from autograd import Value
    w = Value(0.3, name="w", kind="parameter")
    b = Value(-0.1, name="b", kind="parameter")

    def loss(x, y):
        return ((w * x + b).sigmoid() - y) ** 2
    return loss


def batch_rows(sz):
    """``jit(f, backend="numpy").batch(list of tuples)`` against ``.batch(array)``."""
    import numpy as np
    from autograd.jit import jit
    rng = np.random.default_rng(1)
    matrix = np.column_stack([rng.standard_normal(sz.batch_samples),
                              rng.integers(0, 2, sz.batch_samples).astype(float)])
    samples = [tuple(r) for r in matrix.tolist()]
    numpy_f = jit(one_one_one_loss(), backend="numpy")
    python_f = jit(one_one_one_loss())
    row = PathRow("`jit(f, backend=\"numpy\").batch(list of tuples)`",
                  f"1-1-1 loss, {sz.batch_samples:,} samples", "`.batch(array)`", key="batch list")
    fresh = [[tuple(r) for r in matrix.tolist()] for _ in range(2)]

    def new_list():   # other tuple objects than the last call's: nothing to reuse
        fresh.reverse()
        numpy_f.batch(fresh[0])
    peers = [("a new list of the same numbers each call", new_list),
             ("np.array(list) then .batch(array)",
              lambda: numpy_f.batch(np.array(samples, dtype=np.float64))),
             ("the Python jit, .batch(list)", lambda: python_f.batch(samples))]
    return [timed_row(row, lambda: numpy_f.batch(samples), lambda: numpy_f.batch(matrix),
                      peers, sz.repeat)]


def user_loss_rows(sz):
    """A loss written by the user from nn's losses and Value arithmetic, under
    backend="numpy", against nn's built-in loss (the matrix program): on the wide
    network (one output) and on the Nielsen network (ten outputs, a step of 10)."""

    def scaled_builtin(outputs, targets):
        return nn.half_squared_error(outputs, targets) * 1.0 + 0.0

    def hand_written(outputs, targets):   # ½ Σ_j (a_j − y_j)², written out
        return sum((a - y) ** 2 for a, y in zip(outputs, targets)) * 0.5

    rows = []
    for key, sizes, acts, m, loss in (
            ("user loss", sz.wide, ("relu", "relu", "linear"), sz.samples, scaled_builtin),
            ("user loss nielsen", sz.nielsen, ("sigmoid", "sigmoid"), sz.step_batch,
             hand_written)):
        XY = _data(sizes, m)
        net = _mlp(sizes, acts)
        mine = net.jit_loss(loss, backend="numpy")
        builtin = net.jit_loss("half_squared_error", backend="numpy")
        what = ("nn's loss and Value arithmetic" if loss is scaled_builtin
                else "½ Σ (a − y)² written with Value arithmetic")
        row = PathRow(f"a user-written loss ({what}), `backend=\"numpy\"`",
                      f"{'-'.join(map(str, sizes))}, {m} samples, a 2-d array",
                      "nn's built-in loss: the matrix program's `.batch`", key=key)
        rows.append(timed_row(row, partial(mine.batch, XY), partial(builtin.batch, XY), [],
                              sz.repeat))
    return rows


def create_graph_rows(sz):
    """forward + ``grad(create_graph=True)`` + backward of Σ of the gradients, against
    forward + ``C.backward()`` (workload 1)."""
    from autograd import grad, sum_values
    problem = make_problem("relu", sz.samples)
    net = nn.MLP(list(problem.sizes), activation=list(problem.activations),
                 weights=problem.weights, biases=problem.biases)
    params = net.parameters()
    inputs = [list(x) for x in problem.inputs]
    targets = [[y] for y in problem.targets]

    def forward():
        return mc.summed_half_squared_error([net(x) for x in inputs], targets)

    def second():
        for p in params:
            p.grad = 0.0
        sum_values(grad(forward(), params, create_graph=True)).backward()

    def first():
        for p in params:
            p.grad = 0.0
        forward().backward()
    row = PathRow("`autograd.grad(C, params, create_graph=True)`, then backward of their sum",
                  f"2-16-16-1 ReLU, {sz.samples} samples (forward included)",
                  "forward + first-order `C.backward()`", key="create_graph")
    peers = []
    torch = torch_module()
    if torch:
        peers = torch_double_backward(torch, problem)
    else:
        peers = [("PyTorch double backward", "(not installed)")]
    row = timed_row(row, second, first, peers, sz.repeat)
    if torch:   # PyTorch's own ratio: its double backward ÷ its first-order pass
        times = dict(row.peers)
        ratio = times["PyTorch double"] / times["PyTorch first-order"]
        row.peers = [("PyTorch matrices, double ÷ first-order", f"{report.ratio(ratio)}")]
    return [row]


def torch_double_backward(torch, problem):
    """PyTorch, matrices: forward + grad(create_graph) + backward, and forward + backward
    (for its own ratio, shown beside chainrule's)."""
    W = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in problem.weights]
    b = [torch.tensor(v, dtype=torch.float64, requires_grad=True).reshape(-1, 1)
         .detach().requires_grad_() for v in problem.biases]
    X = torch.tensor(problem.inputs, dtype=torch.float64).T
    Y = torch.tensor(problem.targets, dtype=torch.float64).reshape(1, -1)

    def cost():
        a = X
        for i, (w, c) in enumerate(zip(W, b)):
            z = w @ a + c
            a = torch.relu(z) if i < len(W) - 1 else z
        return 0.5 * ((a - Y) ** 2).sum()

    def second():
        grads = torch.autograd.grad(cost(), W + b, create_graph=True)
        sum(g.sum() for g in grads).backward()

    def first():
        cost().backward()
    return [("PyTorch double", second), ("PyTorch first-order", first)]


def chain_rows(chain_result, n, repeat):
    """The million-node chain of workload 3 (its build and backward as timed there)
    against the build with the cycle collector paused and a plain-float tape."""
    from autograd import Value
    from chain_workload import FACTOR
    x = Value(1.0, "x")
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        y = x
        for _ in range(n):
            y = y * FACTOR
        paused = time.perf_counter() - start
    finally:
        gc.enable()
    del y
    gc.collect()
    tape = [(i, i + 1, FACTOR) for i in range(n)]   # (parent, child, ∂child/∂parent)
    times = []
    for _ in range(repeat):
        grads = [0.0] * (n + 1)
        start = time.perf_counter()
        grads[n] = 1.0
        for parent, child, local in reversed(tape):
            grads[parent] += local * grads[child]
        times.append(time.perf_counter() - start)
    del tape
    gc.collect()
    build = PathRow(f"eager build of a {n:,}-node chain (`y = y * c`)", "default GC",
                    "the same build, cycle collector paused",
                    path_s=chain_result.build_s, kernel_s=paused)
    backward = PathRow("eager `y.backward()` through that chain", f"{n:,} nodes",
                       "a plain-float tape: one multiply-add per edge",
                       path_s=chain_result.backward_s, kernel_s=sorted(times)[len(times) // 2])
    return [build, backward]


def all_rows(sz, chain_result, chain_nodes, chain_repeat, say, have_numpy=True):
    rows = []
    groups = [("eager", eager_rows), ("nn.train, Python backend", train_python_rows),
              ("create_graph", create_graph_rows)]
    if have_numpy:
        groups = [("per-step numpy API", per_step_rows),
                  ("nn.train, numpy backend", train_numpy_rows),
                  (".batch lists and arrays", batch_rows),
                  ("a user-written loss", user_loss_rows)] + groups
    for what, make in groups:
        say(f"Paths: {what}")
        try:
            rows += make(sz)
        except Exception as exc:   # one failing path must not lose the whole run's numbers
            say(f"Paths: {what} FAILED, its rows omitted: {type(exc).__name__}: {exc}")
    say("Paths: the chain")
    rows += chain_rows(chain_result, chain_nodes, chain_repeat)
    return rows


def table_rows(rows):
    out = []
    for r in rows:
        peers = "; ".join(f"{name} {report.seconds(s)} ({report.ratio(s / r.kernel_s)})"
                          if not isinstance(s, str) else f"{name} {s}" for name, s in r.peers)
        workload = r.workload + (f"; runs of {r.calls} calls" if r.calls > 1 else "")
        out.append((r.path, workload, report.seconds(r.path_s), r.kernel,
                    report.seconds(r.kernel_s), report.ratio(r.ratio), peers or "—"))
    return out


HEADERS = ("path (as the docs say to call it)", "workload", "time", "its kernel", "kernel time",
           "path/kernel", "peers (time, ÷ kernel)")


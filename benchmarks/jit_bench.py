"""jit vs micrograd vs the plain-float forward floor, 2-16-16-1, ratios in one run."""
import math
import random
import sys
import time
from operator import mul
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else ".")
from autograd import Value, dot
from autograd.jit import jit
import micrograd.engine as mg


def _mg_sigmoid(self):
    """micrograd has no sigmoid (nor exp): one written in its own style, closure and all."""
    out = mg.Value(sig(self.data), (self,), "sigmoid")
    def _backward():
        self.grad += out.data * (1.0 - out.data) * out.grad
    out._backward = _backward
    return out


mg.Value.sigmoid = _mg_sigmoid

SIZES = [2, 16, 16, 1]
rng = random.Random(0)
WEIGHTS = [[[rng.uniform(-1, 1) for _ in range(SIZES[l])] for _ in range(SIZES[l + 1])] for l in range(len(SIZES) - 1)]
BIASES = [[rng.uniform(-1, 1) for _ in range(SIZES[l + 1])] for l in range(len(SIZES) - 1)]
DATA = [(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.choice((0.0, 1.0))) for _ in range(256)]
BATCH = 32

def sig(z):
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)

def best(fn, repeat=5, number=1):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t) / number)
    return min(times)

def run(hidden, output):
    act = {"relu": lambda z: z if z > 0.0 else 0.0, "sigmoid": sig}[hidden]
    out_act = {"linear": lambda z: z, "sigmoid": sig}[output]
    last = len(WEIGHTS) - 1
    # -- plain float floor: forward + loss, lists of floats
    W, B = WEIGHTS, BIASES
    def float_loss(x1, x2, y):
        a = [x1, x2]
        for l, (Wl, Bl) in enumerate(zip(W, B)):
            f = out_act if l == last else act
            a = [f(sum(map(mul, row, a)) + b) for row, b in zip(Wl, Bl)]
        d = y - a[0]
        return d * d * 0.5
    # -- chainrule
    P = [[[Value(w, name=f"w{l + 2}_{j + 1}{k + 1}", kind="parameter") for k, w in enumerate(row)]
          for j, row in enumerate(Wl)] for l, Wl in enumerate(WEIGHTS)]
    PB = [[Value(b, name=f"b{l + 2}_{j + 1}", kind="parameter") for j, b in enumerate(Bl)]
          for l, Bl in enumerate(BIASES)]
    params = [p for Wl in P for row in Wl for p in row] + [p for Bl in PB for p in Bl]
    def loss(x1, x2, y):
        a = [x1, x2]
        for l, (Wl, Bl) in enumerate(zip(P, PB)):
            zs = [dot(row, a, b) for row, b in zip(Wl, Bl)]
            if l == last:
                a = [z.sigmoid() for z in zs] if output == "sigmoid" else zs
            else:
                a = [z.relu() if hidden == "relu" else z.sigmoid() for z in zs]
        return (y - a[0]) ** 2 * 0.5
    t0 = time.perf_counter(); step = jit(loss); step.trace(*DATA[0]); step.program("batch")
    t_trace = time.perf_counter() - t0
    # -- micrograd
    MW = [[[mg.Value(w) for w in row] for row in Wl] for Wl in WEIGHTS]
    MB = [[mg.Value(b) for b in Bl] for Bl in BIASES]
    mparams = [p for Wl in MW for row in Wl for p in row] + [p for Bl in MB for p in Bl]
    def mg_loss(x1, x2, y):
        a = [x1, x2]
        for l, (Wl, Bl) in enumerate(zip(MW, MB)):
            zs = [sum((w * x for w, x in zip(row, a)), b) for row, b in zip(Wl, Bl)]
            if l == last:
                a = zs if output == "linear" else [z.sigmoid() for z in zs]
            else:
                a = [z.relu() for z in zs] if hidden == "relu" else [z.sigmoid() for z in zs]
        return (y - a[0]) ** 2 * 0.5
    batch = DATA[:BATCH]
    lr = 1e-4  # small: the timing loops run thousands of steps on the same samples
    def sgd(ps):
        for p in ps:
            p.data -= lr * p.grad
            p.grad = 0.0
    def mg_step():
        for p in mparams: p.grad = 0
        total = sum((mg_loss(*s) for s in batch), mg.Value(0.0))
        total.backward()
        sgd(mparams)
    def jit_step_loop():
        for s in batch:
            step(*s)
        sgd(params)
    def jit_step_batch():
        step.batch(batch)
        sgd(params)
    def floor_batch():
        for s in batch:
            float_loss(*s)
    fwd = step.forward
    def jit_forward_batch():
        for s in batch:
            fwd(*s)
    def eager_step():
        total = sum((loss(*s) for s in batch), 0.0)
        total.backward()
        sgd(params)
    one = DATA[0]
    def mg_step1():
        for p in mparams: p.grad = 0
        mg_loss(*one).backward()
        sgd(mparams)
    def jit_step1():
        step(*one)
        sgd(params)
    t_floor1 = best(lambda: float_loss(*one), 7, 200)
    t_mg1 = best(mg_step1, 5, 5)
    t_jit1 = best(jit_step1, 7, 200)
    t0 = time.perf_counter()
    for _ in range(40):
        mg_step1()
    t_mg1_mean = (time.perf_counter() - t0) / 40
    t_floor = best(floor_batch, 7, 20)
    t_mg = best(mg_step, 3, 1)
    t0 = time.perf_counter()
    for _ in range(10):
        mg_step()
    t_mg_mean = (time.perf_counter() - t0) / 10
    t_eager = best(eager_step, 3, 1)
    t_loop = best(jit_step_loop, 7, 20)
    t_batch = best(jit_step_batch, 7, 20)
    t_fwd = best(jit_forward_batch, 7, 20)
    print(f"2-16-16-1 {hidden} hidden, {output} output; a training step = forward + backward over "
          f"{BATCH} samples + SGD update; µs per sample:")
    print(f"  trace + generate step and batch code: {t_trace*1e3:.0f} ms ({len(step.source.splitlines())} lines)")
    rows = [("plain-float forward floor", t_floor), ("jit forward only", t_fwd),
            ("jit step, per-sample calls", t_loop), ("jit step, .batch()", t_batch),
            ("chainrule eager", t_eager), ("micrograd (best of 3 steps)", t_mg),
            ("micrograd (mean of 10 steps)", t_mg_mean)]
    for label, t in rows:
        print(f"  {label:30s} {t*1e6/BATCH:9.2f}   {t/t_floor:7.2f}x floor   micrograd {t_mg/t:7.1f}x (best)"
              f" {t_mg_mean/t:7.1f}x (mean) slower")
    print(f"  batch size 1 (SGD after every sample): jit {t_jit1*1e6:.1f} µs = {t_jit1/t_floor1:.2f}x floor; "
          f"micrograd best {t_mg1/t_jit1:.0f}x, mean of 40 steps {t_mg1_mean/t_jit1:.0f}x slower than jit")


for h, o in [("relu", "linear"), ("sigmoid", "sigmoid")]:
    run(h, o)

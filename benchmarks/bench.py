#!/usr/bin/env python
"""chainrule against its peers, side by side in one run.

    make bench                      # full sizes, writes benchmarks/RESULTS.md
    make bench-smoke                # tiny sizes, seconds, prints only (CI)
    python benchmarks/bench.py [--smoke] [--out PATH] [--repeat N]

Workloads: (1) a training step of a 2-16-16-1 ReLU MLP on 100 samples,
(2) the same with sigmoid everywhere, (3) backward through a chain of
1,000,000 nodes, (4) bytes per node, (5) a training step of a wide
2-256-256-1 MLP on 100 samples, (6) one epoch of Nielsen's 784-30-10 network
on 50,000 samples in mini-batches of 10.  Contenders: chainrule eager (nn.MLP's
default graph: one dot node per neuron), chainrule with elementary ops
(fused=False, micrograd's graph), chainrule jit, chainrule's numpy backend,
backprop written by hand in numpy, micrograd, PyTorch with 0-d float64
tensors (if importable), backprop written by hand on plain floats (the least
a pure-Python gradient costs) and the plain-float forward floor.

Before timing, every contender's loss and gradient are checked against
chainrule eager's (to 1e-9), and again the weights after one SGD step.
"""

import argparse
import os
import sys
from dataclasses import dataclass

# numpy's BLAS on one thread, as PyTorch is run: on a shared 2-core machine a second
# BLAS thread makes the matrix kernels swing with the other core's load (set before
# numpy is first imported; a value already in the environment wins)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (HERE, ROOT):  # this checkout's autograd and nn, and the helpers beside this file
    if path not in sys.path:
        sys.path.insert(0, path)

import chain_workload  # noqa: E402
import formula_workload  # noqa: E402
import memory_workload  # noqa: E402
import mlp_contenders as mc  # noqa: E402
import nielsen_workload  # noqa: E402
import paths  # noqa: E402
import report  # noqa: E402
import timing  # noqa: E402
from problem import SIZES, make_problem  # noqa: E402
from timing import Timed, frozen_heap, time_round_robin  # noqa: E402

TOLERANCE = 1e-9
DEFAULT_OUT = os.path.join(HERE, "RESULTS.md")


@dataclass(frozen=True)
class Settings:
    samples: int
    repeat: int
    warmup: int
    chain_nodes: int
    chain_repeat: int
    chain_budget_s: float     # stop building a peer's chain after this long
    memory_ops: int           # a*b+c operations for workload 4 (2 nodes each)
    wide: tuple               # the wide network of workload 5
    nielsen_samples: int      # samples in workload 6's epoch
    paths: object             # the sizes of the paths' table (paths.FULL or paths.SMOKE)


FULL = Settings(samples=100, repeat=7, warmup=1, chain_nodes=1_000_000, chain_repeat=3,
                chain_budget_s=60.0, memory_ops=100_000, wide=(2, 256, 256, 1),
                nielsen_samples=50_000, paths=paths.FULL)
SMOKE = Settings(samples=4, repeat=1, warmup=0, chain_nodes=10_000, chain_repeat=1,
                 chain_budget_s=5.0, memory_ops=1_000, wide=(2, 16, 16, 1),
                 nielsen_samples=200, paths=paths.SMOKE)

#: the targets: ratios measured in the same run
TARGET_EAGER_VS_MICROGRAD = 60.0
TARGET_JIT_VS_MICROGRAD = 300.0
TARGET_NUMPY_VS_MICROGRAD = 3000.0
TARGET_NUMPY_VS_HAND = 2.0
TARGET_JIT_VS_FLOOR = 2.0
TARGET_FIRST_CALL_S = 5.0
TARGET_EPOCH_VS_NETWORK_PY = 2.0
TARGET_CHAIN_VS_TORCH = 4.0
TARGET_CHAIN_S = 5.0
TARGET_MEMORY_FRACTION = 1 / 3
TARGET_JIT_VS_FLOAT_BACKPROP = 1.15
#: the paths users call: (what, the row's key, limit of path/kernel)
PATH_TARGETS = [
    ("per-step numpy API within 1.5x of its kernel, 784-30-10", "per-step nielsen", 1.5),
    ("per-step numpy API within 1.5x of its kernel, wide network", "per-step wide", 1.5),
    ("nn.train(backend=\"numpy\") within 1.5x of hand-written numpy, arrays",
     "train numpy arrays", 1.5),
    ("nn.train(backend=\"numpy\") within 1.5x of hand-written numpy, lists",
     "train numpy lists", 1.5),
    ("nn.train(backend=\"numpy\", epochs=10) within 2x of hand-written numpy",
     "train numpy epochs", 2.0),
    ("nn.train(jit=True) within 1.3x of the jit step loop", "train jit True", 1.3),
    ("nn.train(), jit=\"auto\", within 1.3x of the jit step loop", "train jit auto", 1.3),
    (".batch(list of tuples) within 2x of .batch(array), numpy backend", "batch list", 2.0),
    ("a user-written loss within 2x of the built-in matrix program, wide network",
     "user loss", 2.0),
    ("a user-written loss within 2x of the built-in matrix program, 784-30-10",
     "user loss nielsen", 2.0),
    ("forward + grad(create_graph=True) + backward within 3x of forward + backward",
     "create_graph", 3.0),
]


class CheckFailed(RuntimeError):
    """A contender's loss, gradient or update differs from chainrule eager's."""


# ---------------------------------------------------------------------------
# workloads 1 and 2
# ---------------------------------------------------------------------------

#: key -> (what it is, for the table)
MLP_ROWS = {
    "chainrule eager": "nn.MLP default graph: one dot node z per neuron, nn.eager_step",
    "chainrule eager, elementary ops": "nn.MLP(fused=False): a * and a + node per weight "
                                       "(micrograd's graph)",
    "chainrule jit": "net.jit_loss(), traced once, .batch() per step",
    "chainrule numpy backend": "net.jit_loss(backend='numpy'): generated BP1-BP4 matrix "
                               "code, weights in arrays (nn.train(backend='numpy'))",
    "hand-written numpy": "backprop written by hand in numpy for this benchmark "
                          "(Nielsen's equations over the batch)",
    "micrograd": "micrograd 0.1.0 nn.MLP, default GC",
    "micrograd, GC disabled": "same, gc.disable() during its two calls (their cycles "
                              "freed by the next untimed gc.collect())",
    "PyTorch": "one 0-d float64 tensor per scalar, micrograd's graph, one thread",
    "plain-float backprop": "forward and BP1-BP4 written by hand on lists of floats, each "
                            "dot a C-level sum(map(mul, …)): the least a pure-Python "
                            "gradient costs",
    "plain-float floor": "forward + C on floats, no gradient",
}


def build_contenders(problem, have_torch, have_jit, have_numpy, wide=False):
    """key -> contender object, for the rows that can run here (the wide network
    skips the per-node engines, which take seconds per step there)."""
    contenders = {}
    if not wide:
        contenders["chainrule eager"] = mc.ChainruleEager(problem)
        contenders["chainrule eager, elementary ops"] = mc.ChainruleEager(problem, fused=False)
    if have_jit:
        contenders["chainrule jit"] = mc.ChainruleJit(problem)
    if have_numpy:
        contenders["chainrule numpy backend"] = mc.ChainruleNumpy(problem)
        contenders["hand-written numpy"] = mc.HandNumpy(problem)
    if not wide:
        contenders["micrograd"] = mc.Micrograd(problem)
        contenders["micrograd, GC disabled"] = mc.Micrograd(problem)
        if have_torch:
            contenders["PyTorch"] = mc.Torch(problem)
    contenders["plain-float backprop"] = mc.FloatBackprop(problem)
    contenders["plain-float floor"] = mc.FloatFloor(problem)
    return contenders


def check_same_work(problem, contenders, say):
    """Loss and ∂C/∂p of every contender equal chainrule eager's (to 1e-9), and
    after one SGD step so are the weights.  Returns table rows; raises
    CheckFailed when a difference exceeds the tolerance."""
    base = next(iter(contenders))
    reference = contenders[base]
    loss = reference.gradient()
    grads = reference.grads()
    reference.step()
    weights = reference.weights()
    rows = []
    for key, contender in contenders.items():
        if key == base:
            continue
        if isinstance(contender, mc.FloatFloor):
            d_loss, d_grad, d_step = abs(contender.loss() - loss) / max(1.0, abs(loss)), None, None
            say(f"  {key:32s} loss {d_loss:.1e} (no gradient)")
        else:
            d_loss = abs(contender.gradient() - loss) / max(1.0, abs(loss))
            d_grad = mc.max_difference(contender.grads(), grads)
            contender.step()
            d_step = mc.max_difference(contender.weights(), weights)
            say(f"  {key:32s} loss {d_loss:.1e}   gradient {d_grad:.1e}   "
                f"weights after a step {d_step:.1e}")
        worst = max(d for d in (d_loss, d_grad, d_step) if d is not None)
        if worst > TOLERANCE:
            raise CheckFailed(f"{problem.name}: {key} differs from {base} by "
                              f"{worst:.3e} (loss {d_loss}, gradient {d_grad}, step {d_step})")
        rows.append((problem.name, key, *("—" if d is None else f"{d:.1e}"
                                          for d in (d_loss, d_grad, d_step))))
    say(f"  all agree with {base} to {TOLERANCE:g} (C = {loss:.6g}, "
        f"{len(grads)} parameters)")
    return rows


def run_mlp_workload(name, settings, have_torch, have_jit, have_numpy, say, sizes=None):
    """Check, then time every contender's step; returns (rows, medians, check rows)."""
    wide = sizes is not None
    problem = make_problem(name, settings.samples, **({"sizes": sizes} if wide else {}))
    contenders = build_contenders(problem, have_torch, have_jit, have_numpy, wide)
    base_key = next(iter(contenders))
    say(f"Workload {name} {'-'.join(map(str, problem.sizes))}: same loss, gradient and "
        f"update? (relative difference to {base_key})")
    checked = check_same_work(problem, contenders, say)
    entries = [Timed(key, contender.step, gc_enabled=key != "micrograd, GC disabled")
               for key, contender in contenders.items()]
    with frozen_heap():
        time_round_robin(entries, settings.repeat, settings.warmup)
    medians = {entry.key: entry.median for entry in entries}
    base = medians[base_key]
    rows = [(f"**{key}**" if key == base_key else key, report.seconds(t),
             report.ratio(t / base), MLP_ROWS[key])
            for key, t in medians.items()]
    return rows, medians, checked


def first_jit_call(settings, sizes):
    """Seconds from a fresh network to the result of the jit's first batch call
    (trace, generate, compile, run) on the wide network."""
    import time

    import nn
    problem = make_problem("relu", settings.samples, sizes=sizes)
    net = nn.MLP(list(sizes), activation=list(problem.activations), weights=problem.weights,
                 biases=problem.biases)
    samples = [(*x, y) for x, y in zip(problem.inputs, problem.targets)]
    start = time.perf_counter()
    net.jit_loss(nn.half_squared_error).batch(samples)
    return time.perf_counter() - start


def run_nielsen_workload(settings, say):
    n = settings.nielsen_samples
    say(f"Workload nielsen: one epoch of {n:,} samples, 784-30-10, batches of 10")
    with frozen_heap():
        ours = nielsen_workload.chainrule_epoch(n)
    with frozen_heap():
        theirs = nielsen_workload.network_py_epoch(n)
    rows = [(r.key, f"{r.samples:,}", report.seconds(r.seconds),
             report.ratio(r.seconds / ours.seconds)) for r in (ours, theirs)]
    return rows, (ours, theirs)


# ---------------------------------------------------------------------------
# workloads 3 and 4
# ---------------------------------------------------------------------------

def run_chain_workload(settings, have_torch, say):
    n = settings.chain_nodes
    say(f"Workload chain: {n:,} nodes")
    with frozen_heap():
        results = [chain_workload.chainrule_chain(n, settings.chain_repeat)]
    with frozen_heap():
        results.append(chain_workload.micrograd_chain(n, settings.chain_budget_s))
    if have_torch:
        with frozen_heap():
            results.append(chain_workload.torch_chain(n, settings.chain_repeat,
                                                      settings.chain_budget_s))
    base = results[0].backward_s
    rows = []
    for r in results:
        if r.error:
            backward, vs, check = (f"**{r.error}**", "—",
                                   f"recursion limit {chain_workload.recursion_limit()}")
        else:
            backward, vs = report.seconds(r.backward_s), report.ratio(r.backward_s / base)
            check = f"{r.grad_error:.1e}"
        built = f"{r.n_built:,}" + ("" if r.n_built == n else " (build budget reached)")
        rows.append((r.key, built, report.seconds(r.build_s), backward, vs, check))
    return rows, results


def run_memory_workload(settings, say):
    n = settings.memory_ops
    say(f"Workload memory: {n:,} a*b+c operations")
    results = [memory_workload.chainrule_memory(n), memory_workload.micrograd_memory(n)]
    base = results[0].per_node
    rows = [(r.key, f"{r.nodes:,}", f"{r.per_node:.0f}", f"{r.peak_per_node:.0f}",
             report.ratio(r.per_node / base)) for r in results]
    return rows, results


# ---------------------------------------------------------------------------
# targets and the whole document
# ---------------------------------------------------------------------------

def verdict(ok):
    return "pass" if ok else "**FAIL**"


def target_rows(relu, sigmoid, wide, first_call, nielsen, chain, memory, chain_nodes, smoke,
                path_rows=()):
    """One row per target: the ratio measured in this run and whether it is met."""
    rows = []

    def add(what, value, ok, fmt=report.ratio):
        if value is None:
            rows.append((what, "not measured here", "—"))
        else:
            rows.append((what, fmt(value), "— (smoke)" if smoke else verdict(ok)))

    def ratio(table, slow, fast):
        return table[slow] / table[fast] if slow in table and fast in table else None

    for name, table in (("1", relu), ("2", sigmoid)):
        r = ratio(table, "micrograd", "chainrule eager")
        target = TARGET_EAGER_VS_MICROGRAD if name == "1" else 20.0
        add(f"workload {name}: chainrule eager ≥ {target:g}x faster than micrograd", r,
            r is not None and r >= target)
        r = ratio(table, "micrograd", "chainrule jit")
        add(f"workload {name}: chainrule jit ≥ {TARGET_JIT_VS_MICROGRAD:g}x faster than "
            f"micrograd", r, r is not None and r >= TARGET_JIT_VS_MICROGRAD)
    r = ratio(relu, "micrograd", "chainrule numpy backend")
    add(f"workload 1: numpy backend ≥ {TARGET_NUMPY_VS_MICROGRAD:g}x faster than micrograd", r,
        r is not None and r >= TARGET_NUMPY_VS_MICROGRAD)
    for name, table in (("1", relu), ("5", wide)):
        r = ratio(table, "chainrule numpy backend", "hand-written numpy")
        add(f"workload {name}: numpy backend within {TARGET_NUMPY_VS_HAND:g}x of hand-written "
            f"numpy", r, r is not None and r <= TARGET_NUMPY_VS_HAND)
    r = ratio(wide, "chainrule jit", "plain-float floor")
    add(f"workload 5: scalar jit within {TARGET_JIT_VS_FLOOR:g}x of the plain-float floor", r,
        r is not None and r <= TARGET_JIT_VS_FLOOR)
    # why that target is out of reach in pure Python: a gradient makes three dense
    # passes over the weights (forward, BP2, BP4), the floor one
    r = ratio(wide, "plain-float backprop", "plain-float floor")
    rows.append(("workload 5: hand-written plain-float backprop ÷ the plain-float floor",
                 "not measured here" if r is None else report.ratio(r), "— (no target; measured)"))
    for name, table in (("1", relu), ("5", wide)):
        r = ratio(table, "chainrule jit", "plain-float backprop")
        add(f"workload {name}: scalar jit within {TARGET_JIT_VS_FLOAT_BACKPROP:g}x of the "
            f"hand-written plain-float backprop", r,
            r is not None and r <= TARGET_JIT_VS_FLOAT_BACKPROP)
    add(f"workload 5: the jit's first call < {TARGET_FIRST_CALL_S:g} s", first_call,
        first_call is not None and first_call < TARGET_FIRST_CALL_S, report.seconds)
    if nielsen is not None:
        r = nielsen[0].seconds / nielsen[1].seconds
        add(f"workload 6: an epoch within {TARGET_EPOCH_VS_NETWORK_PY:g}x of network.py's "
            f"algorithm", r, r <= TARGET_EPOCH_VS_NETWORK_PY)
    ours = chain[0]
    torch_chain = next((c for c in chain if c.key == "PyTorch" and not c.error), None)
    r = torch_chain.backward_s / ours.backward_s if torch_chain else None
    add(f"workload 3: chainrule backward ≥ {TARGET_CHAIN_VS_TORCH:g}x faster than PyTorch's",
        r, r is not None and r >= TARGET_CHAIN_VS_TORCH)
    add(f"workload 3: chainrule backward through {chain_nodes:,} nodes < {TARGET_CHAIN_S:g} s",
        ours.backward_s, ours.backward_s < TARGET_CHAIN_S, report.seconds)
    fraction = memory[0].per_node / memory[1].per_node
    add("workload 4: chainrule bytes per node ≤ 1/3 of micrograd's", fraction,
        fraction <= TARGET_MEMORY_FRACTION, lambda f: f"{f:.2f}")
    for what, key, limit in PATH_TARGETS:
        found = [p for p in path_rows if p.key == key]
        r = found[0].ratio if found else None
        add(f"paths: {what}", r, r is not None and r <= limit)
    python_jit = next((p for p in path_rows if p.key == "batch list"), None)
    if python_jit is None:
        add("paths: .batch(list of tuples), numpy backend, never slower than the Python jit",
            None, False)
    else:
        r = python_jit.path_s / dict(python_jit.peers)["the Python jit, .batch(list)"]
        add("paths: .batch(list of tuples), numpy backend ÷ the Python jit's (at most 1)", r,
            r <= 1.0)
    return rows


def document(settings, smoke, sections, stamp_lines):
    lines = ["# chainrule benchmark results", ""]
    if smoke:
        lines += ["**Smoke run: tiny sizes, timings mean nothing.**", ""]
    lines += stamp_lines + [""]
    for title, intro, headers, rows in sections:
        lines += [f"## {title}", ""]
        if intro:
            lines += [intro, ""]
        lines += report.table(headers, rows) + [""]
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, one repetition (seconds; for CI); prints only "
                             "unless --out is given")
    parser.add_argument("--out", metavar="PATH",
                        help=f"where to write the Markdown (default {DEFAULT_OUT}; "
                             f"with --smoke: nowhere)")
    parser.add_argument("--repeat", type=int, metavar="N",
                        help="timed repetitions per contender (median reported)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    if args.repeat:
        settings = Settings(**{**settings.__dict__, "repeat": args.repeat})
    out = args.out or (None if args.smoke else DEFAULT_OUT)

    def say(text):
        print(text, flush=True)

    have_torch, torch_info = mc.torch_available()
    if not have_torch:
        say("torch not installed: row omitted")
    have_jit = mc.jit_available()
    if not have_jit:
        say("autograd.jit not available: chainrule jit row omitted")
    have_numpy = mc.numpy_available()
    if not have_numpy:
        say("numpy not installed: the numpy rows and workload 6 omitted")

    try:
        relu_rows, relu, relu_check = run_mlp_workload("relu", settings, have_torch,
                                                        have_jit, have_numpy, say)
        sigmoid_rows, sigmoid, sigmoid_check = run_mlp_workload(
            "sigmoid", settings, have_torch, have_jit, have_numpy, say)
        wide_rows, wide, wide_check = run_mlp_workload(
            "relu", settings, have_torch, have_jit, have_numpy, say, sizes=settings.wide)
    except CheckFailed as exc:
        say(f"check failed, nothing timed: {exc}")
        return 1
    first_call = first_jit_call(settings, settings.wide) if have_jit else None
    chain_rows, chain = run_chain_workload(settings, have_torch, say)
    memory_rows, memory = run_memory_workload(settings, say)
    nielsen_rows, nielsen = run_nielsen_workload(settings, say) if have_numpy else ([], None)
    path_rows = paths.all_rows(settings.paths, chain[0], settings.chain_nodes,
                               settings.chain_repeat, say, have_numpy)
    formula_chars = 1_000 if args.smoke else 100_000
    formula_rows = formula_workload.rows(formula_chars)

    shape = "-".join(map(str, SIZES))
    mlp_headers = ("contender", "median per step", "× chainrule eager's time", "what runs")
    omitted = [] if have_torch else ["torch not installed: row omitted."]
    mlp_intro = (f"A training step: forward over {settings.samples} fixed samples, "
                 f"C = Σ ½(y − a)², backward, SGD update of all parameters. Median of "
                 f"{settings.repeat} after {settings.warmup} warm-up, round-robin over the "
                 f"contenders; each timed step directly follows an untimed step of the same "
                 f"contender, as in a training loop (gc.collect() before the pair, so each "
                 f"step pays for collecting its own previous step's garbage and no other "
                 f"contender's); default GC thresholds, "
                 f"the setup's objects frozen (gc.freeze()). Every contender's loss, "
                 f"gradient and updated weights were first checked equal to chainrule "
                 f"eager's (see the last table).")
    sections = [
        (f"Workload 1: {shape} MLP, ReLU hidden, linear output (micrograd's demo)",
         " ".join([mlp_intro, *omitted]), mlp_headers, relu_rows),
        (f"Workload 2: {shape} MLP, sigmoid everywhere",
         "Same as workload 1; micrograd's sigmoid is added by the benchmark in "
         "micrograd's own closure style (benchmarks/micrograd_ext.py). " + " ".join(omitted),
         mlp_headers, sigmoid_rows),
        (f"Workload 3: backward through a chain of {settings.chain_nodes:,} nodes",
         f"y = y · {chain_workload.FACTOR!r}, repeated; ∂y/∂x checked against "
         f"{chain_workload.FACTOR!r}^n. Backward median of {settings.chain_repeat} on the "
         f"same graph. Default recursion limit ({chain_workload.recursion_limit()}).",
         ("contender", "nodes built", "build", "backward", "× chainrule eager's time",
          "relative error of ∂y/∂x"), chain_rows),
        ("Workload 4: memory per node",
         f"`acc = acc * b + c` {settings.memory_ops:,} times with b, c Values, the graph kept "
         f"alive; tracemalloc (Python allocations only, so no PyTorch row).",
         ("contender", "nodes", "bytes per node (graph alive)",
          "peak bytes per node", "× chainrule eager's"), memory_rows),
        (f"Workload 5: a wide {'-'.join(map(str, settings.wide))} MLP, ReLU hidden",
         f"The same training step on a network 16 times wider ({settings.samples} samples); "
         f"the per-node engines are left out (seconds per step). The jit's first call "
         f"(trace, generate, compile, run) took "
         f"{report.seconds(first_call) if first_call is not None else '—'}.",
         ("contender", "median per step", "× chainrule jit's time", "what runs"), wide_rows),
        ("Workload 6: Nielsen's chapter 1 network, one epoch",
         f"784-30-10 sigmoid, quadratic cost, SGD η = 3.0, mini-batches of 10, "
         f"{settings.nielsen_samples:,} random samples; {nielsen_workload.__doc__.split('- ')[1].strip()} "
         f"against Nielsen's network.py algorithm written in numpy for the benchmark "
         f"(update_mini_batch sums each sample's backprop, column vectors).",
         ("contender", "samples", "one epoch", "× chainrule's time"), nielsen_rows),
        ("The paths users call, beside their kernels",
         "Each path as the documentation writes it, timed round-robin with its kernel (the "
         "least work the path wraps: the same generated program on resident arrays, the "
         "compiled step in a loop, hand-written numpy, a plain-float tape) and with peers "
         f"doing the same work; medians of {settings.paths.repeat} (epochs: "
         f"{settings.paths.slow_repeat}). A row whose kernel takes under "
         f"{report.seconds(timing.SHORTEST)} is timed as runs of consecutive calls (the "
         "workload says how many), steps k+1 to k+n of a loop, each the time per call. "
         "path/kernel is what the path adds on top of the "
         "arithmetic: 1.00x costs nothing of its own. The chain rows reuse workload 3's "
         "build and backward. PyTorch runs on one thread; JAX only where installed.",
         paths.HEADERS, paths.table_rows(path_rows)),
        (f"Workload 7: reading typed formulas of {formula_chars:,} characters",
         formula_workload.__doc__.split("\n\n")[1].replace("\n", " "),
         ("shape", "characters", "read or refused in", "outcome"),
         [(what, f"{n:,}", report.seconds(t), outcome)
          for what, n, t, outcome in formula_rows]),
        ("Targets" + (" — smoke sizes: the results mean nothing" if args.smoke else ""),
         None, ("target", "measured", "result"),
         target_rows(relu, sigmoid, wide, first_call, nielsen, chain, memory,
                     settings.chain_nodes, args.smoke, path_rows)
         + [(f"workload 7: every {formula_chars:,}-character formula read or refused in "
             f"under 1 s", report.seconds(max(t for _, _, t, _ in formula_rows)),
             "— (smoke)" if args.smoke else verdict(max(t for _, _, t, _ in formula_rows) < 1.0))]),
        ("Check: the same work",
         f"Before timing: relative difference from the first contender, max over all "
         f"parameters (tolerance {TOLERANCE:g}; more aborts the run).",
         ("workload", "contender", "loss C", "∂C/∂p", "weights after one SGD step"),
         relu_check + sigmoid_check + wide_check),
    ]
    extra = [f"Network {shape}, {settings.samples} samples, η = {make_problem('relu', 1).lr:g}, "
             f"float64 everywhere"]
    text = document(settings, args.smoke, sections, report.stamp(extra))
    say("")
    say(text)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        say(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

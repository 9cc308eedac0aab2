"""Real Ctrl-C (SIGINT sent by os.kill from another thread) at every moment of
backward(), grad() and grad(create_graph=True): afterwards every .grad, leaves'
and derived nodes', is exactly what it was before the interrupted call (or,
for backward(), what the finished pass gives), the graph is unchanged and the
cycle collector runs as before.

Oracle: the state recorded before each call, and the state one uninterrupted
backward() gives from it (no number is copied from an interrupted run).

Also the other ways a pass stops early: detect_anomaly() in grad(), and a hook
that returns what is not a float.
"""

import gc
import math
import os
import random
import signal
import struct
import threading
import time

import pytest

import autograd
from autograd import engine
from autograd import Value, grad
from autograd.engine import all_nodes
from conftest import sigint_at_call

pytestmark = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or os.name != "posix",
    reason="a real SIGINT sent with os.kill reaches the main thread")


def bits(x):
    return struct.pack("<d", x)


class Armed:
    """A SIGINT handler that raises KeyboardInterrupt (as Python's own does) once
    per call it is armed for, and lets the signals that come between calls go."""

    def __init__(self):
        self.on = False

    def __call__(self, signum, frame):
        if self.on:
            self.on = False
            raise KeyboardInterrupt


def chain(length):
    x = Value(0.3, name="x")
    w = Value(0.9, name="w")
    y = x
    for i in range(length):
        y = (y * w + x).tanh() if i % 2 else autograd.sum_values([y, w, y * x])
    return x, w, y.named("y")


def state(nodes):
    return [(bits(n.grad), bits(n.data), n.name, n._prev, n._opr) for n in nodes]


@pytest.mark.parametrize("length", [2, 25])   # short: many calls, so many starts and ends
@pytest.mark.parametrize("call", ["backward", "grad", "create_graph"])
def test_a_storm_of_ctrl_c_loses_no_grad_and_keeps_the_collector(call, length):
    x, w, y = chain(length)
    nodes = all_nodes(y)
    run = {"backward": lambda: y.backward(),
           "grad": lambda: grad(y, [x, w]),
           "create_graph": lambda: grad(y, [x, w], create_graph=True)}[call]
    x.grad, w.grad = 0.5, -0.25
    y.backward()                              # derived nodes hold a pass's δs
    before = state(nodes)
    y.backward()
    finished = state(nodes)                   # what one more complete pass leaves
    assert finished != before
    armed = Armed()
    previous = signal.signal(signal.SIGINT, armed)
    stop = threading.Event()
    rng = random.Random(7)

    def ctrl_c_now_and_then():
        while not stop.is_set():
            time.sleep(rng.uniform(0, 0.0003))
            os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=ctrl_c_now_and_then)
    interrupted = wrong = collector_off = still_counted = 0
    was_collecting = gc.isenabled()
    gc.enable()
    sender.start()
    try:
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            for node, (grad_bits, *_rest) in zip(nodes, before):
                node.grad = struct.unpack("d", grad_bits)[0]
            try:
                armed.on = True
                run()
                armed.on = False
            except KeyboardInterrupt:
                interrupted += 1
                now = state(nodes)
                if now != before and not (call == "backward" and now == finished):
                    wrong += 1
                if not gc.isenabled():
                    collector_off += 1
                    gc.enable()
                if engine.passes != [0] or engine.taking_turns._is_owned():
                    still_counted += 1        # (every jitted call would then take turns)
                    engine.passes[0] = 0
    finally:
        armed.on = False
        stop.set()
        sender.join()
        signal.signal(signal.SIGINT, previous)
        if not was_collecting:
            gc.disable()
    assert interrupted > 10, "too few interrupts landed to say anything"
    assert (wrong, collector_off, still_counted) == (0, 0, 0)


# a SIGINT sent as a generator's close begins is printed and dropped by Python itself
# ("Exception ignored in"), which pytest reports as a warning
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ctrl_c_as_any_function_of_a_gradients_pass_begins_leaves_no_pass_counted():
    """Found by interrupting grad() and check() at every function they enter: a Ctrl-C
    as the pass read the .grad it would put back left engine.passes at 1 for good, so
    every jitted call in every thread from then on took the lock as if a pass ran.
    Oracle: the state before (passes [0], the lock free, every grad and number)."""
    from autograd import engine
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    k, wrong = 1, []
    try:
        while True:
            x, w, y = chain(2)
            nodes = all_nodes(y)
            before = state(nodes)
            entries, _ = sigint_at_call(k, lambda: grad(y, [x, w]),
                                        lambda frame: "autograd" in frame.f_code.co_filename)
            if engine.passes != [0] or engine.taking_turns._is_owned() or \
                    state(nodes) != before:
                wrong.append(k)
                engine.passes[0] = 0
            if entries < k:
                break
            k += 1
    finally:
        signal.signal(signal.SIGINT, previous)
    assert k > 20 and wrong == []


def test_a_seed_value_keeps_its_name():
    """grad(create_graph=True) names the gradients it makes, not the caller's seed."""
    x = Value(3.0, name="x")
    y = (x * x).named("y")
    seed = Value(2.0)
    (g,) = grad(y, x, grad_output=seed, create_graph=True)
    assert seed.name is None
    assert g.data == 2.0 * 2 * 3.0            # d(x²)/dx = 2x, times the seed


def test_grad_inside_detect_anomaly_raises_as_backward_does_and_runs_no_hook():
    """grad() of √x·0 - x at x = 0: 0·(1/(2√0)) = 0·inf is nan (IEEE), which
    detect_anomaly() reports in grad() as in backward(); no .grad changes, no hook runs."""
    x = Value(0.0, name="x")
    x.grad = 3.0
    calls = []
    x.register_hook(calls.append)
    with autograd.detect_anomaly():
        f = x.sqrt() * 0.0 - x
        with pytest.raises(FloatingPointError, match="sqrt node .* gave nan to parent 'x'"):
            grad(f, x)
        with pytest.raises(FloatingPointError, match="gave nan to parent 'x'"):
            f.backward()
        assert grad(x * x, x) == (0.0,)         # finite: the number, as outside the mode
    assert math.isnan(grad(f, x)[0])            # outside the mode nan flows
    assert (x.grad, calls) == (3.0, [])


@pytest.mark.parametrize("returned, error, says", [
    (10 ** 400, OverflowError, "returned the int of 401 digits (100000...), too large for a float"),
    ("x" * 500, TypeError, "returned str 'xxxxxxxx"),
], ids=["huge-int", "long-str"])
def test_a_hook_returning_a_bad_number_gets_a_short_error_and_changes_nothing(returned, error, says):
    x = Value(2.0, name="x")
    x.grad = 5.0
    y = (x * x).named("y")
    y.register_hook(lambda g: returned)
    with pytest.raises(error) as info:
        y.backward()
    message = str(info.value)
    assert says in message and "on 'y' = 4.0" in message and len(message) < 200
    assert x.grad == 5.0

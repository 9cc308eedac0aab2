"""Training in one thread while another thread asks for gradients of a graph that
shares the weights (grad(), engine.gradients(), as explain and check do).

A gradient pass keeps its sums in the leaves' ``.grad`` and puts every one back
when it ends, so a step that reads or writes those ``.grad`` meanwhile (the
numpy backend making the parameters resident or adding its gradients, an
optimiser's zero_grad() or step(), a network's zero_grad()) must take turns
with it.

Oracles: the same training run alone in one thread (a consistency oracle: every
weight and ``.grad`` bit for bit), and by hand ∂C_B/∂p_i = k_i for the other
thread's C_B = Σ_i k_i·p_i, whatever the weights are when it runs.
"""

import faulthandler
import sys
import threading
import time

import pytest

import nn
from autograd import Value, grad

SIZES = [2, 3, 1]
DATA = [([0.5, -0.2], [0.3]), ([0.1, 0.4], [0.9]), ([-0.3, 0.8], [0.2])]


@pytest.fixture(autouse=True)
def no_deadlock():
    """A deadlock fails the run within 60 s with every thread's traceback, not a hang."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def trained(make_step, optimizer, rounds=None, asks=0):
    """``(weights and .grads as float hex, rounds, the wrong gradients seen)`` after
    the step ``make_step(net)`` returns ran ``rounds`` times alone, or (``rounds``
    None) while another thread asked for grad(C_B, parameters) of C_B = Σ k_i·p_i
    all the while, until it had asked ``asks`` times (and at least 20 steps ran)."""
    net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=0)
    params = net.parameters()
    step, opt = make_step(net), optimizer(params)
    ks = [float(i + 1) for i in range(len(params))]
    C_B = sum(k * p for k, p in zip(ks, params))
    wrong, asked = [], [0]
    start, stop = threading.Barrier(2), threading.Event()

    def ask():
        start.wait()
        while not stop.is_set():
            try:
                got = list(grad(C_B, params))
            except BaseException as err:    # (a thread's error would pass unseen)
                wrong.append(err)
                raise
            asked[0] += 1
            if got != ks:
                wrong.append(got)

    asker = threading.Thread(target=ask, daemon=True) if rounds is None else None
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)         # threads switch often, inside the steps
    done = 0
    try:
        if asker:
            asker.start()
            start.wait()
        while done < 20 or (asker and asked[0] < asks and done < 5000) or done < (rounds or 0):
            step(net, opt)
            done += 1
    finally:
        stop.set()
        sys.setswitchinterval(interval)
        if asker:
            asker.join(10)
    if asker:
        assert asked[0] > 0                 # the other thread ran while the steps did
    numbers = [p.data for p in params] + [p.grad for p in params]
    return [x.hex() for x in numbers], done, wrong


def sgd(params):
    return nn.SGD(params, lr=0.1, momentum=0.5)


def adam(params):
    return nn.Adam(params, lr=0.01)


def numpy_steps(net):
    """The numpy backend's per-step API: the parameters resident in arrays."""
    np = pytest.importorskip("numpy")
    program = net.jit_loss("half_squared_error", backend="numpy")
    data = np.array([x + y for x, y in DATA])

    def step(net, opt):
        opt.zero_grad()
        program.batch(data)
        opt.step()
    return step


def numpy_training(net):
    """nn.train on the numpy backend: zero_grad, gradients and step as one commit."""
    np = pytest.importorskip("numpy")
    X = np.array([x for x, _ in DATA])
    Y = np.array([y for _, y in DATA])

    def step(net, opt):
        nn.train(net, X, Y, loss="half_squared_error", optimizer=opt, epochs=1, batch=1,
                 backend="numpy", progress=False)
    return step


def numpy_on_values(net):
    """The numpy backend's batch when the parameters cannot be resident (one is of a
    Value subclass): the program reads the Values and adds to their .grad."""
    np = pytest.importorskip("numpy")
    net.parameter("w2_11").__class__ = Kept
    program = net.jit_loss("half_squared_error", backend="numpy")
    data = np.array([x + y for x, y in DATA])

    def step(net, opt):
        program.batch(data)
    return step


class Kept(Value):
    """A user's subclass of Value, which the numpy backend leaves in the Values."""
    __slots__ = ()


def evaluated(net):
    """The network's outputs on a sample (as a loop prints or plots them), made between
    the steps' parts: the other thread's passes run meanwhile."""
    return net(DATA[0][0])


def eager_by_hand(net):
    """The loop everyone writes: C, zero_grad(), C.backward(), step()."""
    def step(net, opt):
        C = sum(nn.half_squared_error(net(x), y) for x, y in DATA)
        opt.zero_grad()
        C.backward()
        evaluated(net)
        opt.step()
    return step


def eager_with_net_zero_grad(net):
    """The same with the network's zero_grad()."""
    def step(net, opt):
        C = sum(nn.half_squared_error(net(x), y) for x, y in DATA)
        net.zero_grad()
        C.backward()
        evaluated(net)
        opt.step()
    return step


def eager_step(net):
    """nn.eager_step."""
    def step(net, opt):
        evaluated(net)
        nn.eager_step(net, "half_squared_error", opt, [x for x, _ in DATA],
                      [y for _, y in DATA])
    return step


CASES = [(numpy_steps, sgd), (numpy_steps, adam), (numpy_training, sgd),
         (numpy_on_values, sgd), (eager_by_hand, sgd), (eager_by_hand, adam),
         (eager_with_net_zero_grad, sgd), (eager_step, sgd)]


@pytest.mark.parametrize("make_step, optimizer", CASES,
                         ids=[f"{m.__name__}-{o.__name__}" for m, o in CASES])
def test_a_training_step_and_another_threads_grad_take_turns(make_step, optimizer):
    """Before, the other thread's pass undid a zero_grad() or the numpy backend's
    gradients (putting back the .grad it found), a step read its partial sums, and
    it read the step's: both came out wrong in most runs."""
    together, rounds, wrong = trained(make_step, optimizer, asks=800)
    alone, _, _ = trained(make_step, optimizer, rounds)
    assert wrong == []
    assert together == alone


class Watched(nn.MLP):
    """An MLP that runs ``during()`` once, when the numpy backend's store asks it which
    parameters are frozen as it makes them resident: after it read every .grad, before
    it moved them into its arrays."""

    during = None

    def frozen_values(self):
        if self.during is not None and sys._getframe(1).f_code.co_name == "_make_resident":
            during, self.during = self.during, None
            during()
        return super().frozen_values()


def test_a_jitted_call_in_another_thread_adds_after_the_numpy_backend_read_the_grads():
    """A jitted call in another thread, as the numpy backend made the parameters
    resident, added ∂f/∂w to w.grad after the store had read it: lost when the store
    moved its own copy in (w.grad ended without it).  Oracles: the batch alone on a
    twin network, plus ∂(w·x)/∂w = x = 1 by hand."""
    np = pytest.importorskip("numpy")
    from autograd import jit
    net, twin = (Watched(SIZES, activation=["tanh", "sigmoid"], seed=0) for _ in range(2))
    data = np.array([x + y for x, y in DATA])
    w = net.parameter("w2_11")
    f = jit(lambda x: w * x, name="f")
    f(1.0)                                  # traced here: w.grad = 1
    twin.parameter("w2_11").grad = 1.0
    call = threading.Thread(target=f, args=(1.0,))

    def meanwhile():
        call.start()
        call.join(0.3)      # before the fix it added here; after it, it waits its turn
    net.during = meanwhile
    net.jit_loss("half_squared_error", backend="numpy").batch(data)
    call.join()
    twin.jit_loss("half_squared_error", backend="numpy").batch(data)
    assert net.during is None               # the call ran as the store read the grads
    assert w.grad == twin.parameter("w2_11").grad + 1.0


@pytest.mark.parametrize("of", ["net", "opt"])
@pytest.mark.parametrize("make_step", [eager_by_hand, numpy_steps])
def test_a_state_dict_taken_in_another_thread_is_the_state_after_a_step(make_step, of):
    """A checkpoint taken while another thread trains, net.state_dict() or
    opt.state_dict() (Adam's t, m and v), read the numbers one by one as a step wrote
    them: some from one step, the rest from the next, a state no step ever left.
    Oracle: the states after each step of the same training alone (consistency)."""
    def run(snapshots=None, rounds=150):
        net = nn.MLP(SIZES, activation=["tanh", "sigmoid"], seed=0)
        step, opt = make_step(net), adam(net.parameters())
        states = []

        def snapshot():
            return repr((net if of == "net" else opt).state_dict())
        start, stop = threading.Barrier(2), threading.Event()

        def take():
            start.wait()
            while not stop.is_set():
                snapshots.append(snapshot())
        taker = threading.Thread(target=take, daemon=True) if snapshots is not None else None
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            if taker:
                taker.start()
                start.wait()
            else:
                states.append(snapshot())
            for _ in range(rounds):
                step(net, opt)
                if not taker:
                    states.append(snapshot())
        finally:
            stop.set()
            sys.setswitchinterval(interval)
            if taker:
                taker.join(10)
        return states
    taken = []
    run(taken)
    after_a_step = set(run())
    assert taken and [s for s in taken if s not in after_a_step] == []


class _YieldingKey:
    """A cache key whose hash lets the other threads run (as a key reading a user's
    object may): an insertion and its eviction are then interleaved at every step."""

    def __init__(self, n):
        self.n = n

    def __hash__(self):
        time.sleep(0)
        return hash(self.n)

    def __eq__(self, other):
        return isinstance(other, _YieldingKey) and other.n == self.n


def test_threads_filling_one_networks_compiled_cache_at_once_evict_each_program_once():
    """Four threads insert 200 programs each into one network's cache of compiled
    losses at once: each of them saw the same oldest program to evict, and the
    second ``del`` raised KeyError in the middle of nn.train.  Oracle: the cache's
    contract, at most Compiled.LIMIT (8) programs kept, the newest of each thread
    among them, and single-threaded the 8 inserted last in order."""
    from nn.compiled import Compiled
    cache, errors = Compiled(), []
    start = threading.Barrier(4)

    def fill(first):
        start.wait()
        try:
            for i in range(first, first + 200):
                cache[_YieldingKey(i)] = i
        except BaseException as err:    # (a thread's error would pass unseen)
            errors.append(err)
            raise
    threads = [threading.Thread(target=fill, args=(k * 1000,), daemon=True) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(cache) == Compiled.LIMIT
    assert all(cache[key] == key.n for key in cache)
    alone = Compiled()
    for i in range(20):
        alone[_YieldingKey(i)] = i
    assert list(alone.values()) == list(range(12, 20))

"""Ctrl-C during nn.train: the network (its numbers and their .grad) and the
optimiser are left exactly as after the last complete step, on every backend,
and the KeyboardInterrupt propagates.

Oracle: the same training run one step at a time (one nn.train call per
batch, the same optimiser carried along), whose state after every step k is
recorded bit for bit; an interrupted run must equal one of those states, with
Adam's t equal to that k, and its history must be a prefix of the
uninterrupted run's history.
"""

import gc
import random
import signal
import threading
import time

import pytest

import nn
from conftest import in_files, ours, sigint_at_call

X = [[0.1, -0.4], [0.9, 0.3], [-0.5, 0.8], [0.2, 0.2], [1.0, -1.0], [-0.3, -0.7],
     [0.6, 0.1], [0.0, 0.5]]
Y = [[0.2], [0.9], [0.4], [0.5], [0.1], [0.8], [0.7], [0.3]]
BATCH, EPOCHS = 2, 12
STEPS_PER_EPOCH = len(X) // BATCH

pytestmark = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"),
    reason="signals are delivered to the main thread, with setitimer")


@pytest.fixture(autouse=True)
def ctrl_c_raises_keyboard_interrupt():
    """Python's own SIGINT handler (a debugger used by an earlier test may have left its own)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def make(kind):
    net = nn.MLP([2, 4, 1], activation=["tanh", "sigmoid"], seed=5)
    if kind == "adam":
        return net, nn.Adam(net.parameters(), lr=0.05)
    return net, nn.SGD(net.parameters(), lr=0.3, momentum=0.9)


def state(net, optimizer):
    """Every number training changes, as exact bits (the gradients too)."""
    numbers = list(net.state_dict().values()) + [p.grad for p in net.parameters()]
    for attr in ("_m", "_v", "_velocity"):
        numbers += getattr(optimizer, attr, [])
    return (getattr(optimizer, "t", None), tuple(float(x).hex() for x in numbers))


def train(net, optimizer, mode, inputs, targets, epochs):
    backend = "numpy" if mode == "numpy" else "python"
    jit = {"jit": True, "eager": False, "numpy": "auto"}[mode]
    return nn.train(net, inputs, targets, epochs=epochs, batch=BATCH, optimizer=optimizer,
                    progress=False, backend=backend, jit=jit)


def reference(mode, kind):
    """The state after each step k = 0, 1, .. (one train call per batch) and the
    uninterrupted run's history."""
    net, optimizer = make(kind)
    states = [state(net, optimizer)]
    for k in range(EPOCHS * STEPS_PER_EPOCH):
        i = (k % STEPS_PER_EPOCH) * BATCH
        train(net, optimizer, mode, X[i:i + BATCH], Y[i:i + BATCH], 1)
        states.append(state(net, optimizer))
    net, optimizer = make(kind)
    history = train(net, optimizer, mode, X, Y, EPOCHS)
    assert state(net, optimizer) == states[-1]      # one run is the steps one by one
    return states, list(history)


ARMED = []


def _interrupt(signum, frame):
    if ARMED:                             # not once the trial is over
        signal.raise_signal(signal.SIGINT)    # a Ctrl-C, through the SIGINT handler


def interrupted_run(mode, kind, delay):
    """Train with a SIGINT after ``delay`` seconds: (state, history or None)."""
    net, optimizer = make(kind)
    history = None
    try:
        try:
            ARMED.append(True)
            signal.setitimer(signal.ITIMER_REAL, delay)
            history = list(train(net, optimizer, mode, X, Y, EPOCHS))
        finally:
            ARMED.clear()
            signal.setitimer(signal.ITIMER_REAL, 0)
    except KeyboardInterrupt as stop:
        history = getattr(stop, "history", history)   # None: stopped outside the epochs
    return state(net, optimizer), history


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("mode, trials", [("jit", 70), ("eager", 60), ("numpy", 70)])
def test_an_interrupted_training_is_left_as_after_its_last_complete_step(mode, trials):
    previous = signal.signal(signal.SIGALRM, _interrupt)
    try:
        rng = random.Random(mode)
        torn = []
        for kind in ("adam", "sgd"):
            states, full_history = reference(mode, kind)
            start = time.perf_counter()
            interrupted_run(mode, kind, 10.0)           # a full run, to time it
            duration = time.perf_counter() - start
            for _ in range(trials // 2):
                delay = max(1e-6, rng.uniform(0.0, duration * 1.05))
                after, history = interrupted_run(mode, kind, delay)
                if after not in states:
                    torn.append((kind, delay, "a state no step leads to"))
                    continue
                k = states.index(after)
                if kind == "adam" and after[0] != k:
                    torn.append((kind, delay, f"t = {after[0]} after step {k}"))
                if history is None:     # stopped before the first step or after the last
                    if k not in (0, len(states) - 1):
                        torn.append((kind, delay, f"no history after step {k}"))
                elif history != full_history[:len(history)]:
                    torn.append((kind, delay, f"history {history}"))
                elif not (k - 1) // STEPS_PER_EPOCH <= len(history) <= k // STEPS_PER_EPOCH:
                    torn.append((kind, delay, f"{len(history)} epochs after step {k}"))
        assert torn == []
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_the_keyboard_interrupt_propagates_with_the_finished_epochs():
    net, optimizer = make("adam")
    seen = []

    def stop_in_epoch_three(epoch, loss):
        seen.append(epoch)
        if epoch == 2:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt) as caught:
        nn.train(net, X, Y, epochs=EPOCHS, batch=BATCH, optimizer=optimizer, progress=False,
                 backend="numpy", on_epoch=stop_in_epoch_three)
    assert len(caught.value.history) == 2 and seen == [1, 2]
    assert optimizer.t == 2 * STEPS_PER_EPOCH
    assert "the network and the optimiser are as after the last complete step" in "\n".join(
        getattr(caught.value, "__notes__", []))


def test_a_commit_is_not_split_by_ctrl_c():
    """A SIGINT inside deferred_interrupts() arrives once the block is done."""
    from nn.optim import deferred_interrupts
    done = []
    with pytest.raises(KeyboardInterrupt):
        with deferred_interrupts():
            signal.raise_signal(signal.SIGINT)
            done.append("after the signal")
    assert done == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_as_the_weights_are_written_back_loses_nothing(monkeypatch):
    """A Ctrl-C that lands just as the numpy backend starts writing its arrays back
    (a read of .data asks for them, before the write holds Ctrl-C): the
    KeyboardInterrupt propagates, nothing is half written, and the next read
    writes them all.  Oracle: the same run uninterrupted, bit for bit."""
    pytest.importorskip("numpy")
    from nn.resident import ParameterStore

    net, optimizer = make("sgd")
    train(net, optimizer, "numpy", X, Y, 3)
    expected = state(net, optimizer)

    real_write_back = ParameterStore.write_back
    calls = []

    def interrupted_on_the_way_in(self):
        calls.append(self.resident)
        if len(calls) == 1:
            raise KeyboardInterrupt          # before anything is written
        return real_write_back(self)

    monkeypatch.setattr(ParameterStore, "write_back", interrupted_on_the_way_in)
    net, optimizer = make("sgd")
    train(net, optimizer, "numpy", X, Y, 3)
    with pytest.raises(KeyboardInterrupt):
        state(net, optimizer)
    assert calls == [True] and state(net, optimizer) == expected


def test_ctrl_c_inside_the_write_back_waits_for_it(monkeypatch):
    """A Ctrl-C that arrives while the arrays are being written back is held until
    every number is written; then it propagates.  Oracle: the uninterrupted run."""
    pytest.importorskip("numpy")
    from nn import resident

    net, optimizer = make("adam")
    train(net, optimizer, "numpy", X, Y, 3)
    expected = state(net, optimizer)

    real_set_class = resident._set_class
    calls = []

    def signal_once(value, cls):
        if not calls:
            signal.raise_signal(signal.SIGINT)   # in the middle of the write
        calls.append(cls)
        real_set_class(value, cls)

    net, optimizer = make("adam")
    train(net, optimizer, "numpy", X, Y, 3)
    monkeypatch.setattr(resident, "_set_class", signal_once)
    with pytest.raises(KeyboardInterrupt):
        net.parameters()[0].data
    monkeypatch.undo()
    assert len(calls) == len(net.parameters()) and state(net, optimizer) == expected


def test_ctrl_c_during_load_state_dict_loads_all_or_nothing():
    """Found by reading load_state_dict: its loop of writes was not held against Ctrl-C,
    so an interrupt after the first parameter left the network half loaded.  The
    interrupt is raised as w2_12 (the second parameter) is written; oracle: the two
    state dicts, one of which the network must hold afterwards."""
    from autograd import Value

    class InterruptedOnWrite(Value):
        """A parameter that sends SIGINT as its number is set."""
        __slots__ = ()

        def _set(self, value):
            Value.data.__set__(self, value)
            signal.raise_signal(signal.SIGINT)

        data = property(lambda self: Value.data.__get__(self), _set)

    net, new = nn.MLP([2, 3, 1], seed=0), nn.MLP([2, 3, 1], seed=1).state_dict()
    before = net.state_dict()
    net.parameter("w2_12").__class__ = InterruptedOnWrite
    with pytest.raises(KeyboardInterrupt):
        net.load_state_dict(new)
    assert net.state_dict() in (before, new)


@pytest.mark.parametrize("backend, jit", [("python", True), ("python", "auto"),
                                          ("numpy", "auto")])
def test_ctrl_c_while_the_loss_is_traced_has_an_empty_history(backend, jit):
    """Ctrl-C as nn.train traced a loss of the user's, before the first step (a trace
    of a wide network takes a while): the KeyboardInterrupt had no .history, so
    ``except KeyboardInterrupt as e: e.history`` raised AttributeError.  Oracle: no
    epoch finished (history []), and the state is the untouched network's."""
    net, optimizer = make("adam")
    before = state(net, optimizer)

    def interrupted_loss(outputs, targets):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        nn.train(net, X, Y, epochs=2, loss=interrupted_loss, optimizer=optimizer,
                 progress=False, backend=backend, jit=jit)
    assert caught.value.history == [] and caught.value.history.loss == "interrupted_loss"
    assert "interrupted after 0 complete epoch(s)" in "\n".join(caught.value.__notes__)
    assert state(net, optimizer) == before


# a SIGINT sent as a generator's close or a finalizer begins is printed and dropped by
# Python itself ("Exception ignored in"), which pytest reports as a warning
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("mode", ["eager", "jit", "numpy"])
def test_ctrl_c_as_any_function_of_a_step_begins_leaves_the_collector_running(mode):
    """Found by interrupting a step at every function it enters: a Ctrl-C noticed as a
    ``with no_cycle_collection():`` block ended (as its __exit__ began: the eager
    step's, the jit's code generation's) left Python's cyclic garbage collector
    disabled for the rest of the session.  Oracle: gc was enabled before, so it is
    after every interrupt; the state is the one before the step or after it; and
    the engine's lock, which the step holds, is free again and counts no pass (held,
    every other thread's backward() would wait for ever)."""
    import gc
    from autograd import engine
    if mode == "numpy":
        pytest.importorskip("numpy")
    files = ("nn/train.py", "nn/optim.py", "nn/module.py", "autograd/engine.py",
             "autograd/interrupts.py", "/contextlib.py")
    if mode == "jit":
        files += ("autograd/jit.py",)
    elif mode == "numpy":
        files += ("nn/matrix.py", "nn/resident.py")
    else:
        files += ("nn/layers.py", "nn/losses.py", "autograd/value.py")
    net, optimizer = make("sgd")
    before = state(net, optimizer)
    train(net, optimizer, mode, X[:1], Y[:1], 1)
    after = state(net, optimizer)
    assert gc.isenabled()
    k, stopped, torn, held = 1, [], [], []
    while True:
        net, optimizer = make("sgd")
        entries, _ = sigint_at_call(k, lambda: train(net, optimizer, mode, X[:1], Y[:1], 1),
                                    in_files(*files))
        if not gc.isenabled():
            gc.enable()
            stopped.append(k)
        if state(net, optimizer) not in (before, after):
            torn.append(k)
        if engine.taking_turns._is_owned() or engine.passes != [0]:
            held.append(k)
        if entries < k:
            break
        k += 1
    assert k > 50 and stopped == [] and torn == [] and held == []


def test_ctrl_c_in_the_networks_zero_grad_zeroes_all_or_none():
    """Found by interrupting net.zero_grad() at each line: its loops over layers,
    neurons and parameters were not held against Ctrl-C, so one that stopped
    halfway left some gradients zeroed and others not.  The SIGINT is raised as each
    line begins (a loop's jump back is where Python looks for signals).  Oracle: the
    gradients set by hand, all of them, or all 0.0."""
    import sys
    net = nn.MLP([2, 3, 2], bias=[0.5, "trainable"], seed=1)
    hooked = net.layers[0].neurons[0].bias
    hooked.register_hook(lambda g: None)   # a constant bias with a hook collects .grad

    def set_grads():
        for i, p in enumerate(net.parameters() + [hooked]):
            p.grad = 0.25 * (i + 1)
        return [p.grad for p in net.parameters() + [hooked]]

    grads, zeros = set_grads(), [0.0] * (len(net.parameters()) + 1)
    mixed, k = [], 1
    while True:
        set_grads()
        seen = [0]

        def tracer(frame, event, arg, k=k):
            if (frame.f_code.co_name not in ("zero_grad", "_zero_grads")
                    or "nn/" not in frame.f_code.co_filename):
                return None

            def line(frame, event, arg):
                if event == "line":
                    seen[0] += 1
                    if seen[0] == k:
                        sys.settrace(None)
                        signal.raise_signal(signal.SIGINT)
                return line
            return line(frame, event, arg)

        sys.settrace(tracer)
        try:
            net.zero_grad()
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)
        if [p.grad for p in net.parameters() + [hooked]] not in (grads, zeros):
            mixed.append(k)
        if seen[0] < k:
            break
        k += 1
    assert k > 10 and mixed == []


@pytest.mark.parametrize("call", ["predict", "batch"])
def test_ctrl_c_as_predict_or_batch_puts_back_the_last_pass_keeps_it(call):
    """Found by interrupting net.predict(X) at every function it enters: a Ctrl-C
    noticed as its finally began putting back the last pass's nodes (a call to
    MLP._last_pass since 5a11c1c) left net.inputs and each layer's z and a on
    predict's own no-grad nodes, so layers[-1].delta and explain read a pass that was
    not to count.  Oracle: the nodes of the pass run before, by identity, unless the
    batch completed (then its last sample's)."""
    net = nn.MLP([2, 3, 1], seed=0)
    X = [[0.5, 0.5], [0.2, 0.1]]

    def nodes():
        return [id(net.inputs)] + [id(v) for layer in net.layers for v in (layer.z, layer.a)]

    run = (lambda: net.predict(X)) if call == "predict" else (lambda: net.batch(X))
    torn, k = [], 1
    while True:
        net([0.1, 0.2])
        before = nodes()
        done = []
        entries, _ = sigint_at_call(k, lambda: done.append(run()),
                                    in_files("nn/layers.py", "autograd/interrupts.py"))
        if nodes() != before and not (done and call == "batch"):
            torn.append(k)
        if entries < k:
            break
        k += 1
    assert k > 20 and torn == []


def _snapshot(net, opt):
    """Weights, .grad, the optimiser's state_dict() (a velocity not started is None) and
    which parameters have no momentum buffer yet."""
    params = list(net.parameters()) + [net.parameter(name) for name in net.frozen()]
    return ([(p.name, p.data, p.grad) for p in params], repr(opt.state_dict()),
            sorted(p.name for p in opt._fresh))


def _damped(backend):
    """SGD with dampening whose next step starts a buffer (w2_12, frozen until now),
    its gradients computed, its arrays resident on the numpy backend."""
    net = nn.MLP([2, 4, 1], activation=["tanh", "sigmoid"], seed=5)
    opt = nn.SGD(net.parameters(), lr=0.3, momentum=0.9, dampening=0.5)
    net.freeze("w2_12")
    train(net, opt, backend, X, Y, 1)
    net.unfreeze("w2_12")
    opt.zero_grad()
    if backend == "numpy":
        net.jit_loss(backend="numpy").batch([x + y for x, y in zip(X, Y)], mean=True)
    else:
        nn.half_squared_error(net.batch(X), Y).backward()
    return net, opt


@pytest.mark.parametrize("action", ["step", "zero_grad", "load_state_dict"])
@pytest.mark.parametrize("backend", ["eager", "numpy"])
def test_ctrl_c_as_any_function_of_a_damped_sgd_call_begins_leaves_before_or_after(
        backend, action):
    """Oracle: the same call uninterrupted. A real SIGINT as each function of nn and
    autograd that the call runs begins, one run per function: afterwards the weights,
    every .grad, the state_dict() and the buffers not yet started are exactly as before
    the call or as after it, the lock is free, and the KeyboardInterrupt reached the caller
    (none is lost as a generator left unfinished is closed)."""
    from autograd import engine
    stepped = _damped("eager")[1]
    stepped.step()
    saved = stepped.state_dict()                      # (w2_12's buffer started there)
    act = {"step": lambda opt: opt.step(), "zero_grad": lambda opt: opt.zero_grad(),
           "load_state_dict": lambda opt: opt.load_state_dict(saved)}[action]
    before = _snapshot(*_damped(backend))
    net, opt = _damped(backend)
    act(opt)
    after = _snapshot(net, opt)
    assert after != before
    k, wrong = 1, []
    gc.collect()      # (and none while interrupting: a collection could close an earlier
    gc.disable()      # test's generator, whose Ctrl-C Python prints and drops)
    try:
        while k < 1000:
            net, opt = _damped(backend)
            entries, caught = sigint_at_call(k, lambda: act(opt))
            if (engine.taking_turns._is_owned() or _snapshot(net, opt) not in (before, after)
                    or (caught is not None) != (entries >= k)):
                wrong.append(k)
            if entries < k:
                break
            k += 1
    finally:
        gc.enable()
    assert k > 5 and wrong == []


def _every_ctrl_c_reaches_the_caller(warm, run):
    """Run ``made = warm(net, optimizer)`` then ``run(net, optimizer, made)`` on fresh
    copies of a 2-1 network and its SGD with a
    SIGINT at the k-th entry into a function of nn or autograd, for every k: the k
    where the KeyboardInterrupt did not reach the caller though it was sent, and
    those where the state is neither the one before ``run`` nor the one after it."""

    def made():
        net = nn.MLP([2, 1], seed=5)        # (small: the jit traces it at every k)
        optimizer = nn.SGD(net.parameters(), lr=0.3, momentum=0.9)
        return net, optimizer, warm(net, optimizer)

    net, optimizer, extra = made()
    before = state(net, optimizer)
    run(net, optimizer, extra)
    after = state(net, optimizer)
    k, lost, torn = 1, [], []
    gc.collect()      # (and none while interrupting: a collection could close another
    gc.disable()      # test's generator, whose Ctrl-C Python prints and drops)
    try:
        while True:
            net, optimizer, extra = made()
            entries, caught = sigint_at_call(k, lambda: run(net, optimizer, extra))
            if (caught is not None) != (entries >= k):
                lost.append(k)
            if state(net, optimizer) not in (before, after):
                torn.append(k)
            if entries < k:
                break
            k += 1
    finally:
        gc.enable()
    return k, lost, torn


@pytest.mark.parametrize("mode", ["eager", "jit", "numpy"])
def test_every_ctrl_c_as_a_function_of_train_begins_reaches_the_caller(mode):
    """Found by interrupting nn.train at every function of nn and autograd it enters
    (nn/layers.py included): as train checked the parameters before the first step, it
    took the first of them from the network's generator and left that unfinished, and a
    Ctrl-C that landed as Python closed it (a call into the generator's frame) was
    printed ("Exception ignored in: <generator object MLP._named_parameters...>") and
    dropped: training went on to the end.  So were others as the jit traced the loss (the
    generators that any() left unfinished in _Emitter.needs_grad).  Oracle: a SIGINT was
    sent (the k-th entry was reached), so the KeyboardInterrupt reaches the caller, and
    the state is the one before the call or after it, as the same call uninterrupted
    leaves it."""
    if mode == "numpy":
        pytest.importorskip("numpy")
    k, lost, torn = _every_ctrl_c_reaches_the_caller(
        lambda net, optimizer: None,
        lambda net, optimizer, _: train(net, optimizer, mode, X[:BATCH], Y[:BATCH], 1))
    assert k > 50 and lost == [] and torn == []


def _batched(step, rows):
    step.batch(rows, mean=True)
    return step


def test_every_ctrl_c_as_a_function_of_a_jitted_batch_of_an_array_begins_reaches_the_caller():
    """The per-step API, net.jit_loss().batch(rows) with the rows a numpy array: its
    check of the rows for plain floats left a generator unfinished at the first row of
    numpy floats, and a Ctrl-C as Python closed it was printed and dropped (the gradients
    were added as if none had come).  Oracle: as above, the state (every .grad) before
    the call or after it, and the KeyboardInterrupt reaches the caller."""
    np = pytest.importorskip("numpy")
    rows = np.array([x + y for x, y in zip(X, Y)])
    k, lost, torn = _every_ctrl_c_reaches_the_caller(
        lambda net, optimizer: _batched(net.jit_loss(), rows),   # traced and built here
        lambda net, optimizer, step: step.batch(rows, mean=True))
    assert k > 3 and lost == [] and torn == []


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_ctrl_c_as_train_checks_its_arguments_and_data_has_the_empty_history(backend):
    """Found by interrupting nn.train at every function it enters: those met as it
    checked its arguments and data (which takes a while for a large data set), raised a
    KeyboardInterrupt without .history or the note, so ``except KeyboardInterrupt as e:
    e.history`` raised AttributeError there (and only there).  Oracle: the uninterrupted
    run's history, of which every interrupt's .history is a prefix (empty before the
    first epoch), with the note counting its epochs."""
    np = pytest.importorskip("numpy") if backend == "numpy" else None
    inputs = np.array(X[:4]) if np is not None else X[:4]

    def run(net):
        return list(nn.train(net, inputs, Y[:4], epochs=2, batch=2, lr=0.3, progress=False,
                             backend=backend, jit=False if backend == "python" else "auto"))

    full = run(nn.MLP([2, 1], seed=5))
    k, wrong = 1, []
    gc.collect()
    gc.disable()
    try:
        while True:
            net = nn.MLP([2, 1], seed=5)
            begun = []      # counting from train's first check (a Ctrl-C as the call itself
                            # begins, in its decorator's wrapper, comes before train has)

            def counts(frame):
                if frame.f_code.co_name == "_training_loss":
                    begun.append(True)
                return bool(begun) and ours(frame)

            entries, caught = sigint_at_call(k, lambda: run(net), counts)
            if caught is not None:
                history = getattr(caught, "history", None)
                note = f"train: interrupted after {len(history or [])} complete epoch(s)"
                if (history is None or list(history) != full[:len(history)]
                        or not any(n.startswith(note) for n in getattr(caught, "__notes__", ()))):
                    wrong.append(k)
            if entries < k:
                break
            k += 1
    finally:
        gc.enable()
    assert k > 50 and wrong == []

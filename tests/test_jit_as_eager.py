"""The jit against the eager engine: the same errors at the same node, unused strict
nodes included, and the parameters a copy of a jitted function updates.

Most tests here are consistency tests: the eager engine (calling the function on
Values) is the reference for which error is raised and where; the numbers are
checked against hand-derived formulas."""

import copy
import math

import pytest

from autograd import Value
from autograd.jit import jit

BACKENDS = ["python", "numpy"]


def _calls(jitted, x):
    """Every way of running the jitted function on x: a call, forward(), a batch."""
    yield lambda: jitted(x) if jitted.backend == "python" else jitted.batch([(x,)])
    if jitted.backend == "python":
        yield lambda: jitted.forward(x)
    yield lambda: jitted.batch([(5.0,), (x,)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unused_log_of_a_negative_number_raises_as_eagerly(backend):
    """f(x) = 3x computes log(x - 2) and drops it: eagerly f(1) raises at that log (the
    reference), and so does the jit, on every kind of call, with .grad untouched; at
    x = 3 the value is 3x = 9 and ∂f/∂w for f = w·x is x = 3 (by hand)."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    w = Value(3.0, name="w", kind="parameter")

    def f(x):
        (x - 2.0).log()
        return w * x

    with pytest.raises(ValueError, match=r"^log: input must be > 0, got .* = -1\.0"):
        f(Value(1.0))
    step = jit(f, backend=backend)
    assert (step(3.0) if backend == "python" else step.batch([(3.0,)])) == 9.0
    assert w.grad == 3.0
    for call in _calls(step, 1.0):
        with pytest.raises(ValueError, match=r"^log: input must be > 0, got 't2' = -1\.0"):
            call()
        assert w.grad == 3.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_first_node_that_raises_is_the_one_eager_raises_at(backend):
    """a = log(x - 2) is made before b = log(x - 3), and the output is b + a: at x = 1
    both fail, and eagerly (the reference) the error is a's, log of -1; the jit's
    forward lines run in the order the function made the nodes, so its error is
    a's too, not b's (log of -2)."""
    if backend == "numpy":
        pytest.importorskip("numpy")

    def f(x):
        a = (x - 2.0).log()
        b = (x - 3.0).log()
        return b + a

    with pytest.raises(ValueError, match=r"= -1\.0$"):
        f(Value(1.0))
    step = jit(f, backend=backend)
    assert (step(5.0) if backend == "python" else step.batch([(5.0,)])) == \
        math.log(2.0) + math.log(3.0)
    for call in _calls(step, 1.0):
        with pytest.raises(ValueError, match=r"(?m)= -1\.0( \(sample \d of the batch\))?$"):
            call()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_parameter_only_an_unused_node_reads_is_read_and_gets_no_gradient(backend):
    """1 / (x - q) is unused, so q gets no gradient (eagerly backward() never reaches
    it) and is not among the jit's parameters; its number is read at every call:
    with q = 2 the call at x = 2 divides by zero, as eager does (the reference)."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    q = Value(5.0, name="q", kind="parameter")
    w = Value(0.5, name="w", kind="parameter")

    def f(x):
        1.0 / (x - q)
        return (w * x).tanh()

    step = jit(f, backend=backend)
    got = step(2.0) if backend == "python" else step.batch([(2.0,)])
    assert got == math.tanh(1.0)
    assert w.grad == 2.0 * (1.0 - math.tanh(1.0) ** 2)      # ∂tanh(wx)/∂w = x(1 − tanh²)
    assert q.grad == 0.0 and list(step.parameters) == [w]
    q.data = 2.0
    with pytest.raises(ZeroDivisionError):
        f(Value(2.0))
    for call in _calls(step, 2.0):
        with pytest.raises(ZeroDivisionError, match=r"^div: division by zero"):
            call()
    assert q.grad == 0.0


def test_unused_nodes_that_cannot_raise_are_not_computed():
    """An unused tanh or product cannot raise (eagerly it changes nothing): the
    generated code leaves it out; the value is 2x (by hand)."""
    def f(x):
        (x * 7.0).tanh()
        return x * 2.0

    step = jit(f)
    assert step(1.5) == 3.0
    assert "tanh" not in step.source and "7.0" not in step.source


def test_a_users_loss_as_the_matrix_program_raises_at_its_unused_log():
    """C_x = (a − y)² that also computes an unused log(y − 0.25): eagerly (the
    reference) a sample with y = 0 raises at that log, and so does the network's
    matrix program of the loss; with y = 1 alone C is (a − 1)², a = σ(w·0 + b)
    (by hand)."""
    pytest.importorskip("numpy")
    import nn

    def loss(outputs, targets):
        (outputs[0] * 0.0 + targets[0] - 0.25).log()
        return (outputs[0] - targets[0]) ** 2

    net = nn.MLP([1, 1], seed=0)
    step = net.jit_loss(loss, backend="numpy")
    assert type(step).__name__ == "MatrixProgram"
    a = 1.0 / (1.0 + math.exp(-net.parameter("b2_1").data))
    assert math.isclose(step.batch([(0.0, 1.0)]), (a - 1.0) ** 2, rel_tol=1e-15)
    with pytest.raises(ValueError):
        loss(net([0.0]), [Value(0.0)])
    with pytest.raises(ValueError, match=r"^log: input must be > 0, .* = -0\.25 \(sample 2"):
        step.batch([(0.0, 1.0), (0.0, 0.0)])


def test_a_deep_copy_of_a_jitted_function_reads_and_updates_its_parameters():
    """copy.deepcopy keeps a function, and so the parameters it closes over: the copy
    of jit(f), f = w·x, follows w's number and adds ∂f/∂w = x to w.grad on every kind
    of call (by hand), though the original was traced and the copy's kinds are not."""
    w = Value(2.0, name="w", kind="parameter")
    step = jit(lambda x: w * x, name="f")
    assert step(1.0) == 2.0 and w.grad == 1.0
    for twin in (copy.deepcopy(step), copy.copy(step)):
        w.data, w.grad = 5.0, 0.0
        assert twin(3.0) == 15.0 and w.grad == 3.0
        assert twin.batch([(1.0,), (2.0,)]) == 15.0 and w.grad == 6.0
        assert twin.forward(4.0) == 20.0 and w.grad == 6.0
        assert list(twin.parameters) == [w]


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_deep_copy_of_a_networks_jitted_loss_is_the_copied_networks(backend):
    """copy.deepcopy((net, step)) gives the copied network's loss (step a shallow copy
    of net.jit_loss() here: the same), as a copy of the numpy matrix program does:
    C = ½(w·x + b − y)² on a linear 1-1 network, so ∂C/∂w = (w·x + b − y)·x and
    ∂C/∂b = w·x + b − y (by hand), added to the copy's parameters; the original's
    stay 0."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    import nn
    net = nn.MLP([1, 1], seed=0, activation="linear")
    step = net.jit_loss(backend=backend)
    step.batch([(1.0, 0.0)])
    net.zero_grad()
    twin_net, twin = copy.deepcopy((net, copy.copy(step)))
    w, b = twin_net.parameter("w2_11"), twin_net.parameter("b2_1")
    w.data, b.data = 2.0, 0.5
    assert twin.batch([(3.0, 1.0)]) == 0.5 * 5.5 ** 2
    assert (w.grad, b.grad) == (5.5 * 3.0, 5.5)
    assert [p.grad for p in net.parameters()] == [0.0, 0.0]


def test_a_parameter_read_only_under_no_grad_gets_no_gradient():
    """f = c·x with c = 3w computed under no_grad(): backward() never reaches w, so its
    .grad stays as it was; the jit computes f = 3w·x (by hand) with w's number of
    the call, and leaves w.grad alone on every kind of call."""
    from autograd import no_grad
    w = Value(2.0, name="w", kind="parameter")

    def f(x):
        with no_grad():
            c = w * 3.0
        return c * x

    step = jit(f)
    assert step(1.0) == 6.0 and w.grad == 0.0
    w.data, w.grad = 4.0, 0.25
    assert step(1.0) == 12.0 and step.batch([(1.0,), (2.0,)]) == 36.0
    assert step(2.0, input_grads=True) == (24.0, (12.0,))
    assert w.grad == 0.25


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_freezing_or_unfreezing_after_the_trace_traces_again(backend):
    """A linear 1-1 network, C = ½(w·x + b − y)², jitted, then w frozen: eagerly
    (backward(), the reference) w.grad stays 0 and ∂C/∂b = w·x + b − y (by hand);
    unfrozen again, ∂C/∂w = (w·x + b − y)·x.  The jitted step follows both changes."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    import nn
    net = nn.MLP([1, 1], seed=0, activation="linear")
    w, b = net.parameter("w2_11"), net.parameter("b2_1")
    w.data, b.data = 2.0, 0.5
    step = jit(lambda x, y: nn.half_squared_error(net([x]), [y]), name="C", backend=backend)

    def run(x, y):
        return step(x, y) if backend == "python" else step.batch([(x, y)])

    assert run(3.0, 1.0) == 0.5 * 5.5 ** 2 and (w.grad, b.grad) == (16.5, 5.5)
    net.freeze("w2_11")
    w.grad = b.grad = 0.0
    nn.half_squared_error(net([3.0]), [1.0]).backward()
    assert (w.grad, b.grad) == (0.0, 5.5)
    b.grad = 0.0
    assert run(3.0, 1.0) == 0.5 * 5.5 ** 2 and (w.grad, b.grad) == (0.0, 5.5)
    net.unfreeze("w2_11")
    w.data, b.grad = 1.0, 0.0
    assert run(3.0, 1.0) == 0.5 * 2.5 ** 2 and (w.grad, b.grad) == (7.5, 2.5)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_jitted_call_takes_turns_with_another_threads_backward(backend):
    """Thread B's backward() of L = 3w keeps its sums in w.grad until it ends and, when
    it stops (its hook raises), puts w.grad back as it was: all or nothing.  A jitted
    call of f = w·x in thread A meanwhile must wait for B's pass, as a second
    backward() would, and then add ∂f/∂w = x = 1 (by hand): w.grad ends at 1, not 0
    (B's put-back erasing A's gradient).  The wait bounds how long B gives A to run
    ahead; the outcome does not depend on it."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    import threading
    w = Value(0.0, name="w", kind="parameter")
    step = jit(lambda x: w * x, name="f", backend=backend)
    step.batch([(1.0,)])
    w.grad = 0.0
    L = (w * 3.0).named("L")
    a = threading.Thread(target=step.batch, args=([(1.0,)],))

    def hook(grad):
        a.start()
        a.join(0.5)        # before the fix A added here, inside B's pass
        raise RuntimeError("B stops")

    handle = L.register_hook(hook)
    with pytest.raises(RuntimeError, match="B stops"):
        L.backward()
    handle.remove()
    a.join()
    assert w.grad == 1.0


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_call_that_takes_its_turn_adds_each_gradient_once(backend):
    """While a pass is counted (engine.passes), a jitted call adds under the lock; the
    gradients it adds are those of L = w1·x + w2·x², by hand ∂L/∂w1 = x and ∂L/∂w2 = x²
    (x = 3: 3 and 9, twice over two calls), as without a pass.  The locked branch of
    the source's add block reads the gradients by name, not from a second list of
    every g_w (which doubled what is compiled there)."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    from autograd import engine
    w1 = Value(0.5, name="w1", kind="parameter")
    w2 = Value(-1.0, name="w2", kind="parameter")
    step = jit(lambda x: w1 * x + w2 * x * x, name="f", backend=backend)
    assert step.batch([(3.0,)]) == 0.5 * 3.0 - 9.0
    assert (w1.grad, w2.grad) == (3.0, 9.0)
    engine.passes[0] += 1
    try:
        step.batch([(3.0,)])
    finally:
        engine.passes[0] -= 1
    assert (w1.grad, w2.grad) == (6.0, 18.0)
    for program in step._programs.values():
        block = program.source.split("# add the gradients")[1]
        locked = block.split("with TAKING_TURNS:")[1].split("else:")[0]
        assert "g_w1" not in locked and "g_w2" not in locked, block


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_batch_raises_for_the_first_sample_that_fails(backend):
    """f = log(x − 2) + log(3 − x), a made first: sample 1 (x = 5) fails at b, sample 2
    (x = 1) at a.  Eagerly, one sample after another (the reference), the error is
    sample 1's at b, log of −2; the numpy program, which runs node by node over all
    samples, meets sample 2 at a first, and must still raise sample 1's error."""
    if backend == "numpy":
        pytest.importorskip("numpy")

    def f(x):
        a = (x - 2.0).log()
        b = (3.0 - x).log()
        return a + b

    with pytest.raises(ValueError, match=r"= -2\.0$"):
        f(Value(5.0))
    step = jit(f, backend=backend)
    assert step.batch([(2.5,)]) == 2.0 * math.log(0.5)
    with pytest.raises(ValueError, match=r"(?m)= -2\.0 \(sample 1 of the batch\)$"):
        step.batch([(5.0,), (1.0,)])


def test_a_deep_copy_of_a_jitted_bound_method_is_the_copied_objects():
    """copy.deepcopy of a bound method copies its object, so the copy of jit(m.loss),
    loss = w·x with the object's w, updates the copied w: ∂/∂w = x = 3 (by hand),
    and the original's w.grad stays 0."""
    class Model:
        def __init__(self):
            self.w = Value(2.0, name="w", kind="parameter")

        def loss(self, x):
            return self.w * x

    model = Model()
    step = jit(model.loss)
    assert step(1.0) == 2.0
    model.w.grad = 0.0
    twin = copy.deepcopy(step)
    assert twin(3.0) == 6.0 and model.w.grad == 0.0
    assert [p.grad for p in twin.parameters] == [3.0] and twin.parameters[0] is not model.w


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_constant_closed_over_gives_its_number_of_the_call_as_eagerly(backend):
    """f = w·x·c with c = Value(2.0, kind="constant") made outside f: after c.data = 5.0
    the eager f (the reference) uses 5; so does the jit, on every kind of call.  By
    hand at w = 0.5, x = 3: f = 1.5c, ∂f/∂w = x·c = 3c, ∂f/∂x = w·c = 0.5c.  (The
    code held c's first number as a literal: f stayed 3.0.)"""
    if backend == "numpy":
        pytest.importorskip("numpy")
    w = Value(0.5, name="w", kind="parameter")
    c = Value(2.0, name="c", kind="constant")
    step = jit(lambda x: w * x * c, name="f", backend=backend)
    for number in (2.0, 5.0, -1.0):
        c.data = number
        assert (w * 3.0 * c).data == 1.5 * number                 # eager
        w.grad = 0.0
        assert step.batch([(3.0,), (1.0,)]) == 2.0 * number and w.grad == 4.0 * number
        if backend == "python":
            assert step(3.0, input_grads=True) == (1.5 * number, (0.5 * number,))
            assert step.forward(3.0) == 1.5 * number
    c.data = 7.0          # the code of the next call is not written yet: says so
    with pytest.raises(RuntimeError, match=r"^jit f: no trace now: the last was dropped .* "
                                           r"a constant it closes over"):
        step.source


def test_a_constant_closed_over_by_an_unused_strict_node_raises_once_it_changes():
    """f(x) = 2x computes log(x − c) and drops it, c a constant made outside f: at
    x = 8, c = 2 it gives 16 (by hand); with c.data = 9 eager f(8) raises at that log
    (log of −1: the reference), and so does the jit, rather than using c = 2."""
    c = Value(2.0, name="c", kind="constant")

    def f(x):
        (x - c).log()
        return x * 2.0

    step = jit(f)
    assert step(8.0) == 16.0
    c.data = 9.0
    with pytest.raises(ValueError, match=r"^log: input must be > 0, got .* = -1\.0") as eager:
        f(Value(8.0, name="x"))
    for call in (step, step.forward, lambda x: step.batch([(x,)])):
        with pytest.raises(ValueError) as jitted:
            call(8.0)
        assert str(jitted.value).startswith(str(eager.value))


def test_a_closed_over_zero_turned_negative_zero_gives_the_eager_sign():
    """f = x·c + w·c with c = Value(0.0, kind="constant") made outside f, then c.data =
    −0.0 (equal to 0.0 under ==, not as the code's literal): IEEE 754 by hand at x = 1,
    w = 1.5: 1·(−0.0) + 1.5·(−0.0) = −0.0, as eager f gives; the jit kept 0.0 in its code."""
    w = Value(1.5, name="w", kind="parameter")
    c = Value(0.0, name="c", kind="constant")

    def f(x):
        return x * c + w * c

    step = jit(f)
    assert math.copysign(1.0, step(1.0)) == 1.0
    c.data = -0.0
    assert math.copysign(1.0, f(Value(1.0, name="x")).data) == -1.0          # eager
    assert math.copysign(1.0, step(1.0)) == -1.0
    assert math.copysign(1.0, step.forward(1.0)) == -1.0
    assert math.copysign(1.0, step(1.0, input_grads=True)[0]) == -1.0
    c.data = 0.0
    assert math.copysign(1.0, step(1.0)) == 1.0
    assert step.traces == 3

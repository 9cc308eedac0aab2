"""Hooks live on their node: a handle removes them, a dropped graph frees them, a
hook elsewhere costs a backward pass nothing, and explain/check never call them."""

import copy
import gc
import pickle
import weakref

import pytest

import nn
from autograd import Value, check, engine, explain, gradcheck, jit


def test_handle_removes_the_hook_and_the_node_forgets_it():
    x = Value(2.0)
    y = x * x
    calls = []
    handle = y.register_hook(lambda g: calls.append(g))
    y.backward()
    assert calls == [1.0]
    handle.remove()
    y.backward()
    assert calls == [1.0]
    assert not hasattr(y, "_hooks") and y not in engine._hooked
    handle.remove()   # a second remove is harmless


def test_a_hook_elsewhere_costs_this_pass_nothing(monkeypatch):
    """With a hook on a node of another graph, backward() takes the fast path."""
    other = Value(1.0) * 2.0
    other.register_hook(lambda g: None)
    walked = []
    real_walk = engine.observed_pass

    def spy(*args):
        walked.append(args[0])
        return real_walk(*args)
    monkeypatch.setattr(engine, "observed_pass", spy)
    x = Value(3.0)
    (x * x + x).backward()
    assert walked == [] and x.grad == 7.0
    other.backward()
    assert walked == [other]


def test_a_dropped_graph_frees_its_hooks():
    def fn(g):
        return g

    x = Value(2.0)
    y = x * 3.0
    y.register_hook(fn)
    x.register_hook(lambda g: g * 1.0)
    node_ref = weakref.ref(y)
    gc.collect()                     # hooked nodes that other tests left to the collector
    count = len(engine._hooked)
    del x, y
    gc.collect()
    assert node_ref() is None
    assert len(engine._hooked) == count - 2


def test_a_hook_that_refers_to_its_own_node_is_freed_with_it():
    y = Value(2.0) * 3.0
    y.register_hook(lambda g, node=y: node.data * g)   # a cycle node -> hook -> node
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None


def test_explain_check_and_gradcheck_never_call_user_hooks():
    calls = []
    w = Value(0.5, name="w")
    h = (w * 2.0).named("h")
    y = (h * h).named("y")
    h.register_hook(lambda g: calls.append(("h", g)) or 0.0)   # would zero the gradient
    w.register_hook(lambda g: calls.append(("w", g)))
    e = explain(y, "w")
    assert e.total == e.engine == 2 * h.data * 2.0
    v = check(y, "w", 2 * h.data * 2.0)
    assert v.agreed
    assert gradcheck(lambda a: (a * 2.0) * (a * 2.0), [w])
    assert calls == [] and w.grad == 0.0
    y.backward()   # the hooks do run in a real backward pass
    assert [name for name, _ in calls] == ["h", "w"] and w.grad == 0.0


def test_a_hook_that_raises_names_itself_and_the_node_and_restores_grads():
    w = Value(0.5, name="w")
    w.grad = 7.0
    y = (w * 3.0).named("y3")

    def broken(g):
        raise RuntimeError("boom")
    y.register_hook(broken)
    with pytest.raises(RuntimeError, match="boom") as info:
        (y * y).backward()
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert "broken" in notes and "'y3'" in notes
    assert w.grad == 7.0


# ---------------------------------------------------------------------------
# Compiled code runs no hooks: it says so instead of skipping them
# ---------------------------------------------------------------------------

def _net():
    return nn.MLP([2, 3, 1], seed=1)


X_TRAIN, Y_TRAIN = [[0.1, 0.2], [0.3, -0.4]], [[0.5], [0.1]]


def test_train_by_default_runs_a_weights_hook_as_backward_does():
    """A hook returning 0.0 stops its weight learning (so it keeps its first number:
    the oracle), and jit="auto" falls back to the eager steps to run it."""
    net = _net()
    w = net.parameters()[0]
    first, calls = w.data, []
    w.register_hook(lambda g: (calls.append(g), 0.0)[1])
    history = nn.train(net, X_TRAIN, Y_TRAIN, epochs=2, lr=0.5, progress=False)
    assert w.data == first and len(calls) == 4 and history.jit is False
    assert net.parameters()[1].data != _net().parameters()[1].data   # the others learnt


@pytest.mark.parametrize("how", [{"jit": True}, {"backend": "numpy"}])
def test_compiled_training_refuses_a_hooked_weight_and_changes_nothing(how):
    pytest.importorskip("numpy")
    net = _net()
    net.parameters()[2].register_hook(lambda g: None)
    before = [p.data for p in net.parameters()]
    with pytest.raises(RuntimeError, match=r"'b2_1' = .* has a hook \(register_hook\), "
                                           r"and compiled code runs no hooks"):
        nn.train(net, X_TRAIN, Y_TRAIN, epochs=2, lr=0.5, progress=False, **how)
    assert [p.data for p in net.parameters()] == before
    assert all(p.grad == 0.0 for p in net.parameters())


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_compiled_loss_refuses_a_hooked_parameter_until_the_hook_is_off(backend):
    """After remove(), the compiled gradient is backward()'s (oracle: eager)."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = _net()
    compiled = net.jit_loss("half_squared_error", backend=backend)
    handle = net.parameters()[2].register_hook(lambda g: None)
    with pytest.raises(RuntimeError, match=r"'b2_1' = .* has a hook"):
        compiled.batch([(0.1, 0.2, 0.5)])
    if backend == "python":
        with pytest.raises(RuntimeError, match=r"'b2_1' = .* has a hook"):
            compiled(0.1, 0.2, 0.5)
    assert all(p.grad == 0.0 for p in net.parameters())
    handle.remove()
    compiled.batch([(0.1, 0.2, 0.5)])
    fast = [p.grad for p in net.parameters()]
    net.zero_grad()
    nn.half_squared_error(net([0.1, 0.2]), [0.5]).backward()
    assert fast == pytest.approx([p.grad for p in net.parameters()], rel=1e-12, abs=1e-300)


def test_a_hook_registered_inside_a_jitted_function_cannot_be_traced():
    from autograd import jit
    from autograd.jit import TracingError

    @jit
    def f(x):
        z = (x * 2.0).named("z")
        z.register_hook(lambda g: 100.0)
        return z * 3.0
    with pytest.raises(TracingError, match=r"cannot trace f\(\): it registers a hook on 'z'"):
        f(1.0)


# ---------------------------------------------------------------------------
# Hooks on copies, on nodes compiled code computes through, and added mid-training
# ---------------------------------------------------------------------------

X = [[0.05, 0.1], [0.3, 0.2]]
Y = [[0.01], [0.9]]


def train(net, **kw):
    return nn.train(net, X, Y, epochs=3, lr=0.5, progress=False, **kw)


CALLS: list = []


def record(grad):        # a hook pickle can name
    CALLS.append(grad)


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copied_hook_runs_and_compiled_code_refuses_it(how):
    """A copy keeps the node's hooks (pickled by name, or the same function): backward()
    on the copy runs them, and compiled code refuses the copy's parameter."""
    net = nn.MLP([2, 2, 1], seed=0)
    net.parameters()[0].register_hook(record)
    twin = pickle.loads(pickle.dumps(net)) if how == "pickle" else copy.deepcopy(net)
    CALLS.clear()
    twin([0.3, 0.1])[0].backward()
    assert len(CALLS) == 1
    with pytest.raises(RuntimeError, match="has a hook"):
        twin.jit_loss("half_squared_error")(0.3, 0.1, 1.0)


def test_numpy_training_refuses_a_hook_added_in_on_epoch():
    net = nn.MLP([2, 2, 1], seed=0)
    p = net.parameters()[0]
    calls = []

    def on_epoch(epoch, loss):
        if epoch == 1:
            p.register_hook(calls.append)
    with pytest.raises(RuntimeError, match="has a hook"):
        train(net, backend="numpy", on_epoch=on_epoch)


def test_auto_jit_trains_eagerly_once_on_epoch_adds_a_hook():
    nets = [nn.MLP([2, 2, 1], seed=0) for _ in range(2)]
    calls = {False: [], "auto": []}
    histories = {}
    for net, mode in zip(nets, calls):
        p = net.parameters()[0]

        def on_epoch(epoch, loss, p=p, mode=mode):
            if epoch == 1:
                p.register_hook(calls[mode].append)
        histories[mode] = [h.hex() for h in train(net, jit=mode, on_epoch=on_epoch)]
    assert histories[False] == histories["auto"]
    assert [g.hex() for g in calls[False]] == [g.hex() for g in calls["auto"]]
    assert [p.data.hex() for p in nets[0].parameters()] == \
        [p.data.hex() for p in nets[1].parameters()]


def test_jit_true_refuses_a_hook_added_in_on_epoch_before_zeroing_grads():
    net = nn.MLP([2, 2, 1], seed=0)
    p = net.parameters()[0]
    seen = []

    def on_epoch(epoch, loss):
        if epoch == 1:
            p.register_hook(lambda g: None)
            seen.append([q.grad for q in net.parameters()])
    with pytest.raises(RuntimeError, match="has a hook"):
        train(net, jit=True, on_epoch=on_epoch)
    assert [q.grad for q in net.parameters()] == seen[0]


def _constant_bias_net():
    net = nn.MLP([2, 2, 1], bias=[0.35, 0.6], seed=0)
    calls = []
    net.layers[0].neurons[0].bias.register_hook(calls.append)
    return net, calls


def test_a_hook_on_a_constant_bias_runs_with_jit_auto():
    net, calls = _constant_bias_net()
    train(net, jit=False)
    eager = len(calls)
    net, calls = _constant_bias_net()
    train(net)
    assert eager == len(calls) > 0


@pytest.mark.parametrize("kw", [{"jit": True}, {"backend": "numpy"}])
def test_compiled_training_refuses_a_hook_on_a_constant_bias(kw):
    net, _ = _constant_bias_net()
    with pytest.raises(RuntimeError, match="b2_1"):
        train(net, **kw)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_jit_refuses_a_hook_on_a_node_it_computes_through(backend):
    """A node made before the trace (or a constant) with a hook: backward() runs the
    hook, which may change the gradient; the generated code must not skip it."""
    w = Value(0.5, name="w")
    mid = (w * 3.0).named("mid")
    mid.register_hook(lambda g: 0.0)
    f = jit(lambda x: mid * x, backend=backend)
    with pytest.raises(RuntimeError, match="'mid'"):
        f(2.0)
    assert w.grad == 0.0
    c = Value(2.0, kind="constant", name="c")
    c.register_hook(lambda g: None)
    with pytest.raises(RuntimeError, match="'c'"):
        jit(lambda x: w * x + c, backend=backend)(1.0)


def test_numpy_jit_loss_ignores_a_hook_on_a_frozen_parameter_as_backward_does():
    np = pytest.importorskip("numpy")
    net = nn.MLP([2, 2, 1], seed=0).freeze("w2_11")
    calls = []
    net.parameter("w2_11").register_hook(calls.append)
    python = net.jit_loss("half_squared_error")(0.1, 0.2, 0.3)
    numpy = net.jit_loss("half_squared_error", backend="numpy").batch(np.array([[0.1, 0.2, 0.3]]))
    assert python.hex() == numpy.hex()
    assert calls == []




def test_the_numpy_program_refuses_a_frozen_parameters_hook_once_it_is_unfrozen():
    np = pytest.importorskip("numpy")
    net = nn.MLP([2, 2, 1], seed=0).freeze("w2_11")
    program = net.jit_loss("half_squared_error", backend="numpy")
    net.parameter("w2_11").register_hook(lambda g: None)
    sample = np.array([[0.1, 0.2, 0.3]])
    program.batch(sample)                      # frozen: backward() would not reach it
    net.unfreeze("w2_11")
    with pytest.raises(RuntimeError, match=r"'w2_11' = .* has a hook"):
        program.batch(sample)


@pytest.mark.parametrize("on", ["derived", "leaf"])
def test_a_hook_raising_stop_iteration_is_named_and_changes_nothing(on):
    """A hook's next() past the end of an iterator: the pass runs as a generator, where
    Python turned it into 'generator raised StopIteration', naming neither hook nor node."""
    x = Value(2.0, name="x")
    h = (x * 3.0).named("h")
    y = h * h
    x.grad = 5.0
    expected = iter([])

    def check_grad(g):
        assert g == next(expected)

    (h if on == "derived" else x).register_hook(check_grad)
    with pytest.raises(RuntimeError) as info:
        y.backward()
    where = "'h' = 6.0" if on == "derived" else "'x' = 2.0"
    assert str(info.value) == (f"hook 'check_grad' on {where} raised StopIteration "
                               f"(a next() past the end of an iterator?)")
    assert x.grad == 5.0 and h.grad == 0.0


def _leaf_hook_pass(torch=None):
    """x.grad = 10 before the pass; y = x·x + x; x's hook reads x.grad, then sets it to
    1 (as a hook zeroing a grad would).  Returns (what it read, its g, x.grad after)."""
    if torch is None:
        x = Value(2.0, name="x")
        x.grad, number = 10.0, float
    else:
        x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
        x.grad, number = torch.tensor(10.0, dtype=torch.float64), (lambda t: t.item())
    read = []

    def hook(g):
        read.append((number(x.grad), number(g)))
        x.grad = 1.0 if torch is None else torch.tensor(1.0, dtype=torch.float64)

    x.register_hook(hook)
    (x * x + x).backward()
    return read, number(x.grad)


def test_a_leaf_hook_reads_and_sets_the_grad_from_before_the_pass():
    """The hook reads 10, and the pass's sum 2x + 1 = 5 is added to the 1 it set
    (it read 5, the sum, and its 1 replaced that sum: x.grad ended 10 + 1)."""
    assert _leaf_hook_pass() == ([(10.0, 5.0)], 1.0 + 5.0)


def test_a_leaf_hook_matches_pytorch():
    torch = pytest.importorskip("torch")
    assert _leaf_hook_pass() == _leaf_hook_pass(torch)



@pytest.mark.parametrize("how", ["backward", "backward_steps"])
@pytest.mark.parametrize("bad", [None, 1j, "array"])
def test_a_leaf_hook_that_sets_a_grad_no_number_is_refused_naming_the_leaf(how, bad):
    """A leaf hook that set w.grad (what the pass adds its sum to) to 1j or an array gave
    w.grad = (3+1j) or array([4., 5.]) silently, and to None "unsupported operand type(s)
    for +: 'float' and 'NoneType'" naming nothing: the check 08e4d05 made of the grads
    held before a pass was not made of the one a hook sets.  Now it is refused the same
    way, naming w, with a note saying the hook set it, and every grad is as before.
    Oracle: ∂(w·x)/∂w = x = 3 and ∂(w·x)/∂x = w = 2 by hand, after the hook is gone."""
    np = pytest.importorskip("numpy")
    bad = np.array([1.0, 2.0]) if bad == "array" else bad
    w, x = Value(2.0, name="w"), Value(3.0, name="x")
    L = (w * x).named("L")

    def sets(g):
        w.grad = bad
    handle = w.register_hook(sets)
    w.grad, x.grad = 0.5, 0.25
    with pytest.raises(TypeError, match=r"^backward: 'w' = 2\.0 has \.grad = .*, not a "
                                        r"number; the chain rule adds to it") as caught:
        if how == "backward_steps":
            list(L.backward_steps())
        else:
            L.backward()
    assert "a hook on 'w' = 2.0 set its .grad to that" in caught.value.__notes__[0]
    assert (w.grad, x.grad, L.grad) == (0.5, 0.25, 0.0)
    handle.remove()
    L.backward()
    assert (w.grad, x.grad) == (0.5 + 3.0, 0.25 + 2.0)


def test_a_leaf_hook_that_sets_a_float32_grad_gets_the_double_sum():
    """A leaf hook that set w.grad = np.float32(0.1) left w.grad = np.float32(3.1), the
    sum rounded to float32, where a float32 grad held before the pass gives the double
    sum (08e4d05).  Oracle: ∂(w·x)/∂w = x = 3 by hand, added in double to the float32's
    own value (PyTorch, a float64 parameter, adds into float64 too)."""
    np = pytest.importorskip("numpy")
    w, x = Value(2.0, name="w"), Value(3.0, name="x")
    L = (w * x).named("L")

    def sets(g):
        w.grad = np.float32(0.1)
    w.register_hook(sets)
    L.backward()
    assert type(w.grad) is float and w.grad == float(np.float32(0.1)) + 3.0


@pytest.mark.parametrize("how", ["backward", "backward_steps", "breakpoint_at"])
def test_a_hook_error_calls_an_unnamed_node_as_the_steps_do(how, monkeypatch):
    """e = tanh(a·b + c)² with a, c and the inner nodes unnamed: a hook that raised on
    a·b said "in hook 'clip' on an unnamed mul node = -6.0" where backward_steps() calls
    that node t1.  Now the error and its note call each node by the label the steps
    print for it (the oracle: the labels read from backward_steps()' own lines), and
    every grad is as before."""
    import re
    a, b, c = Value(2.0), Value(-3.0, name="b"), Value(10.0)
    t = a * b
    d = (t + c).tanh()
    e = d * d
    lines = [str(step).splitlines()[0] for step in e.backward_steps()]
    [(mul, leaf)] = re.findall(r"(t\d+) = (leaf\d+) × b = -6", "\n".join(lines))
    [tanh] = re.findall(r"(t\d+) = tanh\(t\d+\)", "\n".join(lines))
    if how == "breakpoint_at":
        monkeypatch.setattr(engine, "stop_at", lambda step, node: None)
    grads = [n.grad for n in (a, b, c, t, d, e)]          # after the steps' pass
    for node, called in [(t, f"the unnamed mul node {mul} = -6.0"),
                         (d, f"the unnamed tanh node {tanh} = {d.data!r}"),
                         (a, f"the unnamed leaf {leaf} = 2.0")]:
        def clip(g):
            raise ValueError("boom")
        handle = node.register_hook(clip)
        with pytest.raises(ValueError, match="^boom") as info:
            if how == "backward_steps":
                list(e.backward_steps())
            else:
                e.backward(**({"breakpoint_at": "b"} if how == "breakpoint_at" else {}))
        handle.remove()
        assert info.value.__notes__[0] == f"in hook 'clip' on {called}"
        stopped = called if node is not a else f"the unnamed mul node {mul} = -6.0"
        assert info.value.__notes__[1].startswith(f"the backward pass stopped at {stopped} (")
        assert [n.grad for n in (a, b, c, t, d, e)] == grads

"""Fixed numbers in a network: per-layer constant biases and module.freeze().

Oracles: plain-float forward passes and gradients written out by hand for a
2-2-1 network, and an unfrozen copy of the same network (whose other
gradients must not change: a consistency check)."""

import math

import pytest

import nn
from autograd.engine import all_nodes

W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45]]]
B = [[0.35, 0.35], [0.60]]
X, Y = [0.05, 0.10], [0.01]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def network():
    return nn.MLP([2, 2, 1], weights=W, biases=B)


# ---------------------------------------------------------------------------
# Per-layer constant biases
# ---------------------------------------------------------------------------

def test_one_constant_bias_per_layer():
    net = nn.MLP([2, 2, 1], weights=W, bias=[0.35, 0.60])
    assert list(net.named_parameters()) == ["w2_11", "w2_12", "w2_21", "w2_22", "w3_11", "w3_12"]
    [out] = net(X)
    h = [sigmoid(0.15 * 0.05 + 0.20 * 0.10 + 0.35), sigmoid(0.25 * 0.05 + 0.30 * 0.10 + 0.35)]
    assert out.data == pytest.approx(sigmoid(0.40 * h[0] + 0.45 * h[1] + 0.60), rel=1e-15)
    bias_nodes = [n.bias for layer in net.layers for n in layer.neurons]
    assert [b.kind for b in bias_nodes] == ["constant"] * 3
    assert [b.data for b in bias_nodes] == [0.35, 0.35, 0.60]
    assert "constant bias 0.6" in repr(net)


def test_mixed_bias_modes_per_layer():
    net = nn.MLP([2, 2, 1], weights=W, biases=[None, [0.1]], bias=[1.0, "trainable"])
    assert list(net.named_parameters())[-1] == "b3_1"
    assert net.parameter("b3_1").data == 0.1
    none = nn.MLP([2, 2, 1], seed=0, bias=["none", "trainable"])
    assert "b2_1" not in none.named_parameters() and "b3_1" in none.named_parameters()
    renamed = nn.MLP([1, 1, 1], seed=0, bias=["none", "trainable"], names="net")
    assert list(renamed.named_parameters()) == ["w1", "w2", "b2"]


def test_bias_list_errors():
    with pytest.raises(ValueError, match=r"bias: expected one entry for every layer after the "
                                         r"input \(2\), got 3: \[0.35, 0.6, 1.0\]"):
        nn.MLP([2, 2, 1], bias=[0.35, 0.60, 1.0])
    with pytest.raises(ValueError, match=r"layer 3: bias must be 'trainable', 'none' or a "
                                         r"number .* 'fixed'"):
        nn.MLP([2, 2, 1], bias=[0.35, "fixed"])
    with pytest.raises(ValueError, match=r"layer 2: biases were given but bias=0.35"):
        nn.MLP([2, 2, 1], bias=[0.35, "trainable"], biases=[[0.1, 0.1], [0.2]])


# ---------------------------------------------------------------------------
# freeze / unfreeze
# ---------------------------------------------------------------------------

def test_frozen_parameters_leave_parameters_keep_grad_zero_and_stay_saved():
    net = network()
    net([0.3, 0.3])
    nn.half_squared_error(net.layers[-1].a, Y).backward()
    assert net.parameter("b2_1").grad != 0.0
    assert net.freeze("b2_1", "w3_12") is net
    assert net.frozen() == ["b2_1", "w3_12"]
    assert "b2_1" not in net.named_parameters() and len(net.parameters()) == 7
    assert net.parameter("b2_1").grad == 0.0            # zeroed when frozen
    assert set(net.state_dict()) == {"w2_11", "w2_12", "b2_1", "w2_21", "w2_22", "b2_2",
                                     "w3_11", "w3_12", "b3_1"}
    C = nn.half_squared_error(net(X), Y)
    C.backward()
    assert net.parameter("b2_1").grad == 0.0 and net.parameter("w3_12").grad == 0.0
    constants = {n.name for n in all_nodes(C) if n.kind == "constant"}
    assert {"b2_1", "w3_12"} <= constants                 # they enter as constant nodes
    assert net.parameter("b2_1") not in all_nodes(C)


def test_freezing_changes_no_other_gradient():
    """∂C/∂w of the trainable parameters, frozen net against the same net unfrozen,
    and against BP1-BP4 written out by hand."""
    frozen, free = network().freeze("b2_1", "w2_22"), network()
    for net in (frozen, free):
        nn.half_squared_error(net(X), Y).backward()
    for name, p in frozen.named_parameters().items():
        assert p.grad == free.parameter(name).grad
    z2 = [0.15 * 0.05 + 0.20 * 0.10 + 0.35, 0.25 * 0.05 + 0.30 * 0.10 + 0.35]
    a2 = [sigmoid(z) for z in z2]
    a3 = sigmoid(0.40 * a2[0] + 0.45 * a2[1] + 0.60)
    delta3 = (a3 - Y[0]) * a3 * (1 - a3)                                   # BP1
    delta2 = [w * delta3 * a * (1 - a) for w, a in zip([0.40, 0.45], a2)]  # BP2
    assert frozen.parameter("w3_11").grad == pytest.approx(delta3 * a2[0], rel=1e-14)  # BP4
    assert frozen.parameter("b2_2").grad == pytest.approx(delta2[1], rel=1e-14)        # BP3
    assert frozen.parameter("w2_21").grad == pytest.approx(delta2[1] * X[0], rel=1e-14)


@pytest.mark.parametrize("jit", [True, False])
def test_training_leaves_frozen_parameters_where_they_were(jit):
    net = network().freeze("w2_11", "b3_1")
    before = net.state_dict()
    history = nn.train(net, [X, [0.9, 0.2]], [Y, [0.7]], epochs=5, lr=0.5, jit=jit,
                       optimizer=None, progress=False)
    after = net.state_dict()
    assert history.jit is jit
    assert after["w2_11"] == before["w2_11"] and after["b3_1"] == before["b3_1"]
    assert after["w2_12"] != before["w2_12"]
    assert net.parameter("w2_11").grad == 0.0


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_training_a_network_frozen_whole_says_so(backend):
    """nn.train(net, ..., lr=0.5) with every parameter frozen said 'SGD: got an empty
    parameter list', naming an SGD the user never made.  Now one line naming train
    and the frozen network; its numbers and every .grad as before."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = network().freeze()
    before = net.state_dict()
    with pytest.raises(ValueError) as caught:
        nn.train(net, [X], [Y], epochs=2, lr=0.5, progress=False, backend=backend)
    message = str(caught.value)
    assert message.startswith("train: every parameter of the network is frozen (all 9)")
    assert "net.unfreeze(" in message and "\n" not in message
    assert net.state_dict() == before
    assert all(net.parameter(name).grad == 0.0 for name in before)


def test_an_optimiser_made_before_freezing_skips_the_frozen():
    net = network()
    adam = nn.Adam(net.parameters(), lr=0.1)
    nn.half_squared_error(net(X), Y).backward()
    adam.step()
    net.freeze("w3_11")
    w = net.parameter("w3_11").data
    for _ in range(3):
        adam.zero_grad()
        nn.half_squared_error(net(X), Y).backward()
        adam.step()
    assert net.parameter("w3_11").data == w


@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_an_optimiser_of_a_slice_of_the_parameters_skips_one_frozen_later(kind, backend):
    """``nn.SGD(net.parameters()[:4], momentum=0.9)`` (or Adam), trained, then w2_11
    frozen: it keeps its number, bit for bit, though its velocity (or m) is not 0.
    (A slice was a plain list that forgot the network, so the optimiser stepped the
    frozen weight on with its momentum; only the full list skipped it.)"""
    net = network()
    first = net.parameters()[:4]
    opt = (nn.SGD(first, lr=0.5, momentum=0.9) if kind == "momentum"
           else nn.Adam(first, lr=0.1))
    data = dict(inputs=[X, [0.9, 0.2]], targets=[Y, [0.7]], optimizer=opt, progress=False,
                backend=backend)
    nn.train(net, epochs=2, **data)
    net.freeze("w2_11")
    w = net.parameter("w2_11").data
    nn.train(net, epochs=3, **data)
    assert net.parameter("w2_11").data.hex() == w.hex()
    assert net.parameter("w2_12").data != W[0][0][1]


def test_unfreeze_and_freezing_a_whole_layer():
    net = network()
    net.layers[0].freeze()
    assert net.frozen() == ["w2_11", "w2_12", "b2_1", "w2_21", "w2_22", "b2_2"]
    assert list(net.named_parameters()) == ["w3_11", "w3_12", "b3_1"]
    net.unfreeze("w2_12")
    assert "w2_12" in net.named_parameters()
    net.unfreeze()
    assert net.frozen() == [] and len(net.parameters()) == 9
    C = nn.half_squared_error(net(X), Y)
    C.backward()
    assert net.parameter("b2_1").grad != 0.0


def test_load_state_dict_sets_frozen_parameters_too():
    net = network().freeze("b3_1")
    state = net.state_dict()
    state["b3_1"] = -2.0
    net.load_state_dict(state)
    assert net.parameter("b3_1").data == -2.0
    [out] = net(X)
    assert out.parents[0].parents[-1].data == -2.0     # the pass uses the loaded number


def test_a_frozen_name_that_does_not_exist():
    net = network()
    with pytest.raises(KeyError) as caught:
        net.freeze("b2_1", "w9_99", "bias")
    message = str(caught.value)
    assert message.startswith("freeze: MLP has no parameter 'w9_99', 'bias'; known: w2_11")
    assert net.frozen() == []                   # b2_1 was not frozen either
    with pytest.raises(KeyError, match="unfreeze: Layer has no parameter 'w3_11'"):
        net.layers[0].unfreeze("w3_11")
    with pytest.raises(KeyError, match="freeze: MLP has no parameter 3"):
        net.freeze(3)


class InterruptedSet(set):
    """A neuron's set of frozen parameters that sends SIGINT (a Ctrl-C) as its second
    parameter is added or discarded, once the first is done."""

    def _change(self, change, value):
        change(self, value)
        self.changes = getattr(self, "changes", 0) + 1
        if self.changes == 1:
            import signal
            signal.raise_signal(signal.SIGINT)

    def add(self, value):
        self._change(set.add, value)

    def discard(self, value):
        self._change(set.discard, value)


@pytest.mark.parametrize("what", ["freeze", "unfreeze"])
def test_ctrl_c_while_freezing_freezes_all_or_nothing(what):
    """Found by interrupting freeze() and unfreeze() line by line: their loops were not
    held against Ctrl-C, so one interrupted after a parameter left it alone frozen
    (its .grad zeroed) and freeze_version() unchanged, which the numpy backend's
    arrays and train's own SGD read to see a change.  Oracle: the names asked for,
    frozen (and their .grad 0) or not, all of them, and freeze_version() moved iff so."""
    import signal

    from nn.module import freeze_version
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        net = network()
        if what == "unfreeze":
            net.freeze("w2_11", "w2_12")
        for i, p in enumerate(net.parameters()):
            p.grad = 0.5 + i
        grads = {name: p.grad for name, p in net._named_parameters()}
        neuron = net.layers[0].neurons[0]
        neuron.__dict__["_frozen"] = InterruptedSet(neuron._frozen_set())
        version = freeze_version()
        with pytest.raises(KeyboardInterrupt):
            getattr(net, what)("w2_11", "w2_12")
    finally:
        signal.signal(signal.SIGINT, previous)
    frozen = net.frozen()
    assert frozen in ([], ["w2_11", "w2_12"])
    assert freeze_version() != version
    assert frozen == ([] if what == "unfreeze" else ["w2_11", "w2_12"])
    expected = {name: 0.0 if name in frozen and what == "freeze" else g
                for name, g in grads.items()}
    assert {name: p.grad for name, p in net._named_parameters()} == expected


def test_freezing_one_network_leaves_another_alone():
    frozen, other = network().freeze(), network()
    C = nn.half_squared_error(other(X), Y)
    C.backward()
    assert all(p.grad != 0.0 for p in other.parameters()) and len(other.parameters()) == 9
    assert not any(n.kind == "constant" and n.name and n.name[0] in "wb" for n in all_nodes(C))
    assert frozen.parameters() == [] and len(frozen.frozen()) == 9


def test_frozen_state_belongs_to_the_network_and_travels_with_a_copy():
    import copy
    net = network().freeze("w2_12", "b3_1")
    for twin in (copy.deepcopy(net),):
        assert twin.frozen() == ["w2_12", "b3_1"] and len(twin.parameters()) == 7
        assert twin.is_frozen(twin.parameter("w2_12"))
        assert not twin.is_frozen(twin.parameter("w2_11"))
        assert not net.is_frozen(twin.parameter("w2_12"))   # the copy's own parameter
        C = nn.half_squared_error(twin(X), Y)
        C.backward()
        assert twin.parameter("w2_12").grad == 0.0 and twin.parameter("w2_11").grad != 0.0
    assert net.layers[0].neurons[0].frozen() == ["w2_12"]
    assert net.layers[1].frozen() == ["b3_1"]


def test_freezing_after_a_forward_pass_takes_effect_at_the_next_one():
    """The layer looks its neurons' frozen sets up once; freeze() and unfreeze() change
    those sets in place, so a pass after them sees the change.  Oracle: a network frozen
    from the start (and one never frozen), gradient for gradient."""
    net = network()
    nn.half_squared_error(net(X), Y).backward()        # the layers look their sets up
    net.zero_grad()
    net.freeze("w2_22", "b3_1")
    nn.half_squared_error(net(X), Y).backward()
    frozen_from_start = network().freeze("w2_22", "b3_1")
    nn.half_squared_error(frozen_from_start(X), Y).backward()
    for name, p in net.named_parameters().items():
        assert p.grad == frozen_from_start.parameter(name).grad, name
    assert net.parameter("w2_22").grad == 0.0 and net.parameter("b3_1").grad == 0.0
    net.zero_grad()
    net.unfreeze("w2_22", "b3_1")
    nn.half_squared_error(net(X), Y).backward()
    free = network()
    nn.half_squared_error(free(X), Y).backward()
    for name, p in net.named_parameters().items():
        assert p.grad == free.parameter(name).grad, name


@pytest.mark.parametrize("path", ["eager", "python", "numpy"])
def test_a_constant_bias_and_a_frozen_parameter_collect_no_gradient_on_any_path(path):
    """Mazur's 2-2-1 network with constant hidden biases (0.35) and w3_12 frozen: after
    a batch of two samples the fixed numbers' .grad is what it was (0.5 here), as a
    tensor that does not require grad keeps no gradient in PyTorch, on the eager
    engine as on the Python jit and the numpy backend, while ∂C/∂w3_11 = Σ δ³ h₁
    (hand-derived) reaches the trainable weight.  (Eager added ∂C/∂b = Σ δ² into
    each constant bias's .grad, the compiled paths nothing.)"""
    net = nn.MLP([2, 2, 1], weights=W, biases=[None, [0.60]], bias=[0.35, "trainable"])
    net.freeze("w3_12")
    fixed = [n.bias for n in net.layers[0].neurons] + [net.parameter("w3_12")]
    for v in fixed:
        v.grad = 0.5
    samples = [(0.05, 0.10, 0.01), (-0.3, 0.2, 0.7)]
    if path == "eager":
        C = nn.half_squared_error([net(s[:2]) for s in samples], [[s[2]] for s in samples],
                                  reduction="sum")
        C.backward()
    else:
        net.jit_loss("half_squared_error", backend=path).batch(samples)
    expected = 0.0
    for x1, x2, y in samples:
        h = [sigmoid(0.15 * x1 + 0.20 * x2 + 0.35), sigmoid(0.25 * x1 + 0.30 * x2 + 0.35)]
        out = sigmoid(0.40 * h[0] + 0.45 * h[1] + 0.60)
        expected += (out - y) * out * (1.0 - out) * h[0]
    assert net.parameter("w3_11").grad == pytest.approx(expected, rel=1e-13)
    assert [v.grad for v in fixed] == [0.5, 0.5, 0.5]


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_unfreezing_in_on_epoch_trains_the_parameter_with_trains_own_sgd(backend):
    """nn.train(net, ..., lr=0.5) with w2_11 frozen, unfrozen by on_epoch after epoch 1
    (the transfer-learning pattern): net.frozen() said [] but w2_11 kept its number to
    the end, since the SGD train made held the parameters of the start.  Now train's
    own SGD steps what the network trains after each epoch.  Oracle: one train call
    frozen, then one unfrozen (each with its own SGD, as the docs describe)."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    data = [X, [0.9, 0.2], [-0.4, 0.6]], [Y, [0.7], [0.3]]
    net = network().freeze("w2_11")

    def unfreeze_after_one(epoch, loss):
        if epoch == 1:
            net.unfreeze("w2_11")

    history = nn.train(net, *data, epochs=3, lr=0.5, on_epoch=unfreeze_after_one,
                       progress=False, backend=backend)
    oracle = network().freeze("w2_11")
    expected = list(nn.train(oracle, *data, epochs=1, lr=0.5, progress=False, jit=False))
    oracle.unfreeze("w2_11")
    expected += nn.train(oracle, *data, epochs=2, lr=0.5, progress=False, jit=False)
    assert net.parameter("w2_11").data != W[0][0][0]
    assert history == pytest.approx(expected, rel=1e-14)
    assert net.state_dict() == pytest.approx(oracle.state_dict(), rel=1e-14)


# ---------------------------------------------------------------------------
# A new number for a frozen parameter or a constant reaches the compiled paths
# ---------------------------------------------------------------------------

def linear_1_1_1():
    """x → h = w2_11 x + b2_1 → out = w3_11 h + b3_1, linear, with w2_11 frozen."""
    net = nn.MLP([1, 1, 1], "linear", weights=[[[0.5]], [[-1.5]]], biases=[[0.1], [0.2]])
    net.freeze("w2_11")
    return net


def a_step(net, how):
    """The compiled C(x, y) of ``net`` by ``how``: jit_loss on a backend, or
    autograd.jit of the eager loss on the numpy backend (the traced numpy program)."""
    import autograd
    if how == "jit numpy":
        return autograd.jit(lambda x, y: nn.half_squared_error(net([x]), [y]), backend="numpy")
    return net.jit_loss("half_squared_error", backend=how)


@pytest.mark.parametrize("call", ["step", "batch", "forward"])
@pytest.mark.parametrize("how", ["python", "numpy", "jit numpy"])
def test_a_new_number_for_a_frozen_parameter_reaches_the_compiled_loss(how, call):
    """Hand-derived oracle, linear 1-1-1 network with w2_11 frozen, x = 2, y = 1: after
    w2_11.data = 3.0, h = 3·2 + 0.1 = 6.1, out = -1.5·6.1 + 0.2 = -8.95 and
    C = ½(out - y)² = ½·9.95² = 49.50125; δ = out - y = -9.95, so
    ∂C/∂w3_11 = δ h = -60.695, ∂C/∂b3_1 = δ = -9.95, ∂C/∂b2_1 = δ w3_11 = 14.925,
    and the frozen w2_11 collects nothing.  Before: C = ½(-1.5·1.1 + 0.2 - 1)² = ½·2.45² = 3.00125."""
    if how != "python":
        pytest.importorskip("numpy")
    net = linear_1_1_1()
    step = a_step(net, how)
    run = {"step": lambda: step(2.0, 1.0), "batch": lambda: step.batch([(2.0, 1.0)]),
           "forward": lambda: step.forward(2.0, 1.0)}[call]
    if call == "forward" and not hasattr(step, "forward"):
        pytest.skip("the matrix program has no forward()")
    assert run() == pytest.approx(3.00125, rel=1e-14)
    net.zero_grad()
    net.parameter("w2_11").data = 3.0
    assert run() == pytest.approx(49.50125, rel=1e-14)
    if call == "forward":
        return
    grads = {name: p.grad for name, p in net.named_parameters().items()}
    assert grads == pytest.approx({"b2_1": 14.925, "w3_11": -60.695, "b3_1": -9.95},
                                  rel=1e-14)
    assert net.parameter("w2_11").grad == 0.0


@pytest.mark.parametrize("how", ["python", "numpy", "jit numpy"])
def test_a_new_number_for_a_constant_bias_reaches_the_compiled_loss(how):
    """Hand-derived oracle, linear 1-1-1 network with constant biases 0.1 and 0.2,
    x = 2, y = 1, w2_11 = 0.5, w3_11 = -1.5: after the hidden bias's .data = 1.0,
    h = 0.5·2 + 1 = 2, out = -1.5·2 + 0.2 = -2.8, C = ½·3.8² = 7.22 and
    ∂C/∂w2_11 = δ w3_11 x = -3.8·-1.5·2 = 11.4."""
    if how != "python":
        pytest.importorskip("numpy")
    net = nn.MLP([1, 1, 1], "linear", weights=[[[0.5]], [[-1.5]]], bias=[0.1, 0.2])
    step = a_step(net, how)
    assert step(2.0, 1.0) == pytest.approx(3.00125, rel=1e-14)
    net.zero_grad()
    net.layers[0].neurons[0].bias.data = 1.0
    assert step(2.0, 1.0) == pytest.approx(7.22, rel=1e-14)
    assert net.parameter("w2_11").grad == pytest.approx(11.4, rel=1e-14)



@pytest.mark.parametrize("how", ["python", "jit numpy"])
def test_freezing_and_unfreezing_in_a_loop_traces_each_freeze_state_once(how):
    """Hand-derived oracle, linear 1-1-1 network, x = 2, y = 1: h = 0.5·2 + 0.1 = 1.1,
    out = -1.5·1.1 + 0.2 = -1.45, δ = out - y = -2.45, C = ½δ² = 3.00125, ∂C/∂w3_11 =
    δh = -2.695, ∂C/∂b3_1 = δ = -2.45, ∂C/∂b2_1 = δ w3_11 = 3.675 and, unfrozen,
    ∂C/∂w2_11 = δ w3_11 x = 7.35.  Toggling w2_11's freeze traced again at every
    toggle (and so did freezing another network); now each freeze state is traced
    once and kept, until a number its code holds changes: w2_11 = 3 set while it was
    trainable gives C = ½·9.95² = 49.50125 when frozen again, traced anew."""
    if how != "python":
        pytest.importorskip("numpy")
    net, other = linear_1_1_1(), network()
    step = a_step(net, how)
    for _ in range(3):
        for frozen in (True, False):
            (net.freeze if frozen else net.unfreeze)("w2_11")
            other.freeze()
            other.unfreeze()
            net.zero_grad()
            assert step.batch([(2.0, 1.0)]) == pytest.approx(3.00125, rel=1e-14)
            grads = {name: p.grad for name, p in net._named_parameters()}
            assert grads == pytest.approx({"w2_11": 0.0 if frozen else 7.35, "b2_1": 3.675,
                                           "w3_11": -2.695, "b3_1": -2.45}, rel=1e-14)
    assert step.traces == 2
    net.parameter("w2_11").data = 3.0
    net.freeze("w2_11")
    assert step.batch([(2.0, 1.0)]) == pytest.approx(49.50125, rel=1e-14)
    assert step.traces == 3


def test_the_source_after_a_freeze_says_the_freeze_put_the_trace_aside():
    """step.source after net.freeze('w2_11') said the trace was dropped 'by clear(), or as a
    number it held as a literal changed', neither of which happened; it names freeze() and
    unfreeze(), and the trace comes back with the old freeze state (C = a², linear 1-1,
    w = 2, b = 0.5, x = 1: C = 6.25 by hand, traced once per state)."""
    from autograd import jit
    net = nn.MLP([1, 1], seed=0, activation="linear")
    net.parameter("w2_11").data, net.parameter("b2_1").data = 2.0, 0.5

    def f(x):
        [a] = net([x])
        return a * a

    step = jit(f)
    assert step(1.0) == 6.25
    net.freeze("w2_11")
    with pytest.raises(RuntimeError, match=r"^jit f: no trace now: .*freeze\(\) or unfreeze\(\)"):
        step.source
    assert step(1.0) == 6.25
    net.unfreeze("w2_11")
    assert step.source.startswith("def f(x):") and step.traces == 2


def test_train_with_an_optimiser_of_only_frozen_parameters_refuses_as_train_own_sgd_does():
    # oracle: the other door, optimizer=None on the same all-frozen network, refuses;
    # the user's optimiser (made before the freeze) must give the same line, and nothing
    # changes: no epoch run, every number and .grad as before
    X, Y = [[0.5, -1.0], [1.0, 2.0]], [[1.0], [0.0]]
    net = nn.MLP([2, 1], seed=1)
    params = net.parameters()
    opt = nn.SGD(params, lr=0.1)
    net.freeze()
    with pytest.raises(ValueError) as own:
        nn.train(net, X, Y, lr=0.1, epochs=2)
    assert str(own.value) == ("train: every parameter of the network is frozen (all 3), so "
                              "training would change nothing; free some with "
                              "net.unfreeze(...) first")
    before = [(p.data, p.grad) for p in params]
    with pytest.raises(ValueError) as theirs:
        nn.train(net, X, Y, optimizer=opt, epochs=2)
    assert str(theirs.value) == str(own.value)
    assert [(p.data, p.grad) for p in params] == before
    net.unfreeze()                      # freed, the same optimiser trains again
    nn.train(net, X, Y, optimizer=opt, epochs=1)
    assert all(p.data != d for p, (d, _) in zip(params, before))

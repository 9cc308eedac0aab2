"""nn.SGD (maximize) and nn.Adam against the published update rules (always)
and torch.optim (where torch is installed)."""

import math

import pytest

import nn
from autograd import Value

START = [0.5, -1.2, 2.0, 0.0, 3.5]
TARGET = [1.0, 1.0, -1.0, 0.25, 3.5]


def gradient(w, i):
    """∂f/∂w_i of f(w) = Σ_i (sin(3 w_i) + w_i − t_i)²/2: a bumpy bowl, so the
    gradients change sign and size along the way."""
    r = math.sin(3 * w) + w - TARGET[i]
    return r * (3 * math.cos(3 * w) + 1)


def adam_by_hand(start, steps, lr, beta1, beta2, eps, maximize=False):
    """Kingma and Ba (2015), Algorithm 1, in plain floats."""
    w, m, v = list(start), [0.0] * len(start), [0.0] * len(start)
    trajectory = []
    for t in range(1, steps + 1):
        for i in range(len(w)):
            g = gradient(w[i], i)
            if maximize:
                g = -g
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g ** 2
            m_hat = m[i] / (1 - beta1 ** t)
            v_hat = v[i] / (1 - beta2 ** t)
            w[i] = w[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        trajectory.append(list(w))
    return trajectory


def run(optimizer, params, steps):
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        for i, p in enumerate(params):
            p.grad = gradient(p.data, i)
        optimizer.step()
        trajectory.append([p.data for p in params])
    return trajectory


@pytest.mark.parametrize("lr, betas, eps", [(1e-3, (0.9, 0.999), 1e-8), (0.05, (0.8, 0.99), 1e-6),
                                            (0.3, (0.0, 0.5), 0.0)])
def test_adam_is_the_published_update_rule(lr, betas, eps):
    params = [Value(w, kind="parameter") for w in START]
    ours = run(nn.Adam(params, lr=lr, betas=betas, eps=eps), params, 100)
    hand = adam_by_hand(START, 100, lr, *betas, eps)
    for a, b in zip(ours, hand):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


def test_adams_first_step_moves_every_parameter_by_about_lr():
    """m̂ = g and v̂ = g² at t = 1, so the first step is lr·g/(|g| + ε)."""
    params = [Value(w, kind="parameter") for w in START[:3]]
    opt = nn.Adam(params, lr=0.01)
    grads = [gradient(p.data, i) for i, p in enumerate(params)]
    for p, g in zip(params, grads):
        p.grad = g
    opt.step()
    for p, w, g in zip(params, START, grads):
        assert p.data == pytest.approx(w - 0.01 * g / (abs(g) + 1e-8), rel=1e-15)


def test_adam_maximize_climbs():
    params = [Value(w, kind="parameter") for w in START]
    ours = run(nn.Adam(params, lr=0.01, maximize=True), params, 20)
    assert ours[-1] == pytest.approx(adam_by_hand(START, 20, 0.01, 0.9, 0.999, 1e-8,
                                                  maximize=True)[-1], rel=1e-12)


def test_sgd_maximize_is_gradient_ascent():
    w = Value(2.0)
    opt = nn.SGD([w], lr=0.25, maximize=True)
    w.grad = 3.0
    opt.step()
    assert w.data == 2.0 + 0.25 * 3.0
    velocity = Value(1.0)
    opt = nn.SGD([velocity], lr=0.1, momentum=0.5, maximize=True)
    for grad, expected in ((2.0, 1.0 + 0.1 * 2.0), (-1.0, 1.2 + 0.1 * (0.5 * 2.0 - 1.0))):
        velocity.grad = grad
        opt.step()
        assert velocity.data == pytest.approx(expected, rel=1e-15)


# ---------------------------------------------------------------------------
# Against torch.optim
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("lr, betas, eps, maximize", [(1e-3, (0.9, 0.999), 1e-8, False),
                                                      (0.05, (0.8, 0.99), 1e-6, False),
                                                      (0.02, (0.9, 0.999), 1e-8, True)])
def test_adam_matches_torch_over_100_steps(lr, betas, eps, maximize):
    torch = pytest.importorskip("torch")
    params = [Value(w, kind="parameter") for w in START]
    ours = run(nn.Adam(params, lr=lr, betas=betas, eps=eps, maximize=maximize), params, 100)
    theirs = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([theirs], lr=lr, betas=betas, eps=eps, maximize=maximize)
    for step in range(100):
        opt.zero_grad()
        theirs.grad = torch.tensor([gradient(w, i) for i, w in enumerate(theirs.tolist())],
                                   dtype=torch.float64)
        opt.step()
        assert ours[step] == pytest.approx(theirs.tolist(), rel=1e-12, abs=1e-12)


def test_training_a_network_with_adam_matches_torch():
    """A 3-4-2 tanh/sigmoid network, binary cross-entropy on its sigmoid outputs,
    100 Adam steps on full batches: the same weights as torch to 1e-12."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    X = [[0.2, -0.4, 0.9], [1.0, 0.5, -0.3], [-0.8, 0.1, 0.4], [0.3, 0.3, 0.3]]
    Y = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
    net = nn.MLP([3, 4, 2], activation=["tanh", "sigmoid"], seed=12)
    W = [torch.tensor([[w.data for w in n.weights] for n in layer.neurons],
                      dtype=torch.float64, requires_grad=True) for layer in net.layers]
    B = [torch.tensor([n.bias.data for n in layer.neurons], dtype=torch.float64,
                      requires_grad=True) for layer in net.layers]
    nn.train(net, X, Y, epochs=100, batch=None, loss="binary_cross_entropy",
             optimizer=nn.Adam(net.parameters(), lr=0.01), progress=False)
    opt = torch.optim.Adam([W[0], B[0], W[1], B[1]], lr=0.01)
    x, y = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    for _ in range(100):
        opt.zero_grad()
        z = torch.tanh(x @ W[0].T + B[0]) @ W[1].T + B[1]
        (F.binary_cross_entropy_with_logits(z, y, reduction="sum") / len(X)).backward()
        opt.step()
    for layer, w, b in zip(net.layers, W, B):
        for j, neuron in enumerate(layer.neurons):
            assert [v.data for v in neuron.weights] == pytest.approx(w[j].tolist(), abs=1e-12)
            assert neuron.bias.data == pytest.approx(b[j].item(), abs=1e-12)


# ---------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, fragment", [
    (dict(lr=0), "Adam: lr must be a positive finite number, got 0"),
    (dict(lr=-1e-3), "Adam: lr must be a positive finite number, got -0.001"),
    (dict(lr="0.01"), "Adam: lr must be a positive finite number, got '0.01'"),
    (dict(lr=True), "Adam: lr must be a positive finite number, got True"),
    (dict(betas=(0.9, 1.0)), "Adam: betas must be two numbers (β1, β2), each in [0, 1), "
                             "got (0.9, 1.0)"),
    (dict(betas=(-0.1, 0.9)), "got (-0.1, 0.9)"),
    (dict(betas=0.9), "got 0.9"),
    (dict(betas=(0.9, 0.99, 0.999)), "got (0.9, 0.99, 0.999)"),
    (dict(eps=-1e-8), "Adam: eps must be a non-negative finite number, got -1e-08"),
])
def test_adam_arguments(kwargs, fragment):
    w = Value(1.0)
    with pytest.raises(ValueError) as caught:
        nn.Adam([w], **kwargs)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("kind, attr, bad, error, message", [
    ("sgd", "lr", "0.1", ValueError, "SGD: lr must be a positive finite number, got '0.1'"),
    ("sgd", "lr", -0.5, ValueError, "SGD: lr must be a positive finite number, got -0.5"),
    ("sgd", "lr", math.nan, ValueError, "SGD: lr must be a positive finite number, got nan"),
    ("sgd", "momentum", 1.5, ValueError, "SGD: momentum must be a number in [0, 1), got 1.5"),
    ("sgd", "maximize", 1, TypeError, "SGD: maximize must be True or False, got 1"),
    ("adam", "lr", None, ValueError, "Adam: lr must be a positive finite number, got None"),
    ("adam", "betas", (0.9,), ValueError, "Adam: betas must be two numbers (β1, β2), each in "
                                          "[0, 1), got (0.9,)"),
    ("adam", "eps", -1, ValueError, "Adam: eps must be a non-negative finite number, got -1"),
    ("adam", "t", -3, ValueError, "Adam: t (the step count) must be an int >= 0, got -3"),
])
def test_a_setting_changed_later_is_checked_as_the_constructor_checks_it(kind, attr, bad,
                                                                        error, message):
    """``opt.lr = '0.1'`` (or a negative lr, a momentum of 1.5, Adam's t = -3) is refused
    in one line when it is set, and the optimiser keeps its setting and steps as before.
    (Nothing checked it: training then failed with "can't multiply sequence by
    non-int of type 'float'", numpy's UFuncTypeError or "math domain error", or
    climbed with a negative lr.)"""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.5) if kind == "sgd" else nn.Adam([w], lr=0.1)
    before = getattr(opt, attr)
    with pytest.raises(error) as caught:
        setattr(opt, attr, bad)
    assert str(caught.value) == message
    assert getattr(opt, attr) == before
    w.grad = 2.0
    opt.step()
    assert w.data == 1.0 - 0.1 * 2.0 if kind == "sgd" else w.data == pytest.approx(0.9, rel=1e-7)


def test_maximize_must_be_a_bool():
    with pytest.raises(TypeError, match="SGD: maximize must be True or False, got 1"):
        nn.SGD([Value(1.0)], 0.1, maximize=1)


# ---------------------------------------------------------------------------
# SGD by hand
# ---------------------------------------------------------------------------

def test_sgd_step_is_the_update_rule_by_hand():
    net = nn.MLP([2, 3, 1], seed=2)
    nn.half_squared_error(net([0.4, -0.6]), [1.0]).backward()
    before = {name: (p.data, p.grad) for name, p in net.named_parameters().items()}
    opt = nn.SGD(net.parameters(), lr=0.3)
    opt.step()
    for name, p in net.named_parameters().items():
        w, g = before[name]
        assert p.data == w - 0.3 * g
        assert p.is_leaf and p.parents == () and p.kind == "parameter"  # no nodes recorded
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_sgd_momentum_by_hand():
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.9)
    w.grad = 2.0
    opt.step()                      # v = 2,            w = 1 − 0.2
    assert w.data == 1.0 - 0.1 * 2.0
    w.grad = -1.0
    opt.step()                      # v = 0.9·2 − 1 = 0.8, w −= 0.08
    assert w.data == pytest.approx(0.8 - 0.1 * 0.8, rel=1e-15)


def test_sgd_steps_a_shared_parameter_once():
    w = Value(1.0)
    opt = nn.SGD([w, w], lr=1.0)
    w.grad = 0.5
    opt.step()
    assert w.data == 0.5


def test_adam_without_eps_on_a_zero_gradient_gives_nan_as_pytorch():
    """ε = 0 and g = 0: m̂ / (√v̂ + ε) is 0/0, nan in IEEE arithmetic and in
    PyTorch's Adam (oracle: torch.optim.Adam where installed, else IEEE by hand);
    it used to raise ZeroDivisionError in the eager step.  A parameter with a
    gradient moves as before: w − η·sign(g) on the first step (m̂/√v̂ = g/|g|)."""
    w = Value(0.5, kind="parameter")
    u = Value(0.5, kind="parameter")
    opt = nn.Adam([w, u], lr=0.1, eps=0.0)
    w.grad, u.grad = 0.0, -2.0
    opt.step()
    assert math.isnan(w.data)
    assert u.data == 0.5 + 0.1
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.5, 0.5], dtype=torch.float64, requires_grad=True)
    o = torch.optim.Adam([t], lr=0.1, eps=0.0)
    t.grad = torch.tensor([0.0, -2.0], dtype=torch.float64)
    o.step()
    assert math.isnan(t[0].item()) and t[1].item() == u.data


def test_adam_with_eps_zero_that_goes_nan_says_why():
    """Adam's step m̂/(√v̂ + ε) with ε = 0 is 0/0 = nan for a weight whose gradient is
    0 (by hand: inputs of 0 give ∂C/∂w = 0 · δ = 0), as in PyTorch; the error said
    "try a smaller lr", which cannot help.  It now names eps."""
    net = nn.MLP([2, 1], seed=0, activation="linear")
    opt = nn.Adam(net.parameters(), lr=0.1, eps=0.0)
    with pytest.raises(nn.TrainingDiverged) as caught:
        nn.train(net, [[0.0, 0.0], [0.0, 0.0]], [[0.0], [0.0]], epochs=3, optimizer=opt,
                 progress=False)
    message = str(caught.value)
    assert "eps=0 divides 0 by 0" in message and "smaller lr" not in message


# ---------------------------------------------------------------------------
# A .grad that is not a number
# ---------------------------------------------------------------------------

OPTIMISERS = {
    "sgd": lambda params: nn.SGD(params, lr=0.1),
    "momentum": lambda params: nn.SGD(params, lr=0.1, momentum=0.9),
    "adam": lambda params: nn.Adam(params, lr=0.1),
}


def _everything(params, opt):
    """The numbers a step may change, as exact bits (and the grads as they are)."""
    state = [getattr(opt, a, None) for a in ("_velocity", "_m", "_v", "t")]
    return [(p.data, p.grad) for p in params], repr(state)


@pytest.mark.parametrize("kind", sorted(OPTIMISERS))
@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("bad, words", [
    (None, "'s .grad is None"), (1 + 2j, "got complex"), ("0.5", "got str")])
def test_a_grad_that_is_not_a_real_number_is_refused_naming_the_parameter(kind, frozen, bad,
                                                                          words):
    """PyTorch's habit ``p.grad = None`` made step() fail with "unsupported operand
    type(s) for *: 'float' and 'NoneType'", naming nothing, and a complex .grad made
    the weight complex.  Now a one-line TypeError names the parameter by its number
    and name, and nothing has changed (oracle: the state before the step)."""
    net = nn.MLP([2, 2, 1], seed=0)
    params = net.parameters()
    opt = OPTIMISERS[kind](params)
    nn.half_squared_error(net([0.3, -0.6]), [1.0]).backward()
    opt.step()
    if frozen:
        net.freeze("w2_11")
    params[4].grad = bad
    before = _everything(params, opt)
    with pytest.raises(TypeError) as caught:
        opt.step()
    message = str(caught.value)
    assert "\n" not in message and words in message
    assert message.startswith(f"{type(opt).__name__}.step: parameter 4 (w2_22)'s .grad")
    assert _everything(params, opt) == before


@pytest.mark.parametrize("kind", sorted(OPTIMISERS))
def test_a_numpy_float32_grad_steps_as_its_float_and_leaves_a_python_float(kind):
    """A .grad assigned as np.float32 made the weight an np.float32 on the eager step
    (which nn.train then refuses as "a float32 you assigned"); it steps as its float,
    as the numpy backend always read it.  Oracle: the same step with float(g)."""
    np = pytest.importorskip("numpy")
    results = []
    for g in (np.float32(0.3), float(np.float32(0.3))):
        w, u = Value(0.5, name="w"), Value(-1.0, name="u")
        opt = OPTIMISERS[kind]([w, u])
        w.grad, u.grad = g, 2.0
        opt.step()
        results.append((w.data, type(w.data)))
    assert results[0] == results[1] and results[0][1] is float


def test_a_none_grad_on_the_numpy_backend_is_refused_not_turned_into_nan():
    """The numpy backend read a .grad of None as nan (np.fromiter), so the per-step API
    (``.batch`` adding ∂C/∂w, then ``step()``) made the weight nan without a word.
    Now the same one-line TypeError as the eager step, naming the parameter, and the
    weights are as before (oracle: their numbers before)."""
    np = pytest.importorskip("numpy")
    net = nn.MLP([2, 2, 1], seed=0)
    opt = nn.SGD(net.parameters(), lr=0.1)
    program = net.jit_loss("half_squared_error", backend="numpy")
    rows = np.array([[0.1, 0.9, 0.0], [0.5, -0.3, 1.0]])
    net.parameter("w2_12").grad = None
    before = net.state_dict()
    with pytest.raises(TypeError, match=r"^numpy backend: parameter w2_12's \.grad is None"):
        program.batch(rows)
        opt.step()
    assert net.state_dict() == before
    net.parameter("w2_12").grad = 0.0
    program.batch(rows)
    opt.step()
    assert all(math.isfinite(x) for x in net.state_dict().values())


@pytest.mark.parametrize("kind", sorted(OPTIMISERS))
@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("bad, error, words", [
    (1.0, TypeError, "SGD.parameters: parameter 9 must be a Value, got float 1.0"),
    ("derived", ValueError, "SGD.parameters: parameter 9 (Value(data=1.5, grad=1.0, "
                            "op='mul')) is a derived mul node")])
def test_a_parameter_list_edited_in_place_is_checked_as_the_constructor_checks_it(
        kind, backend, bad, error, words):
    """``opt.parameters.append(1.0)`` made the next step fail with "'float' object has
    no attribute 'grad'", and appending a derived node stepped it (its .data changed
    though the graph computed it).  The constructor refuses both; an edit in place is
    now refused the same way at the next step, which changes nothing; taken out
    again, training goes on as if it had never been there (oracle: the same steps
    on a network whose list was never edited)."""
    np = pytest.importorskip("numpy")
    rows = np.array([[0.1, 0.9, 0.0], [0.5, -0.3, 1.0]])

    def one_step(net, opt, program):
        opt.zero_grad()
        if backend == "numpy":
            program.batch(rows)
        else:
            nn.half_squared_error(net.batch(rows[:, :2].tolist()), rows[:, 2:].tolist(),
                                  reduction="sum").backward()
        opt.step()

    runs = []
    for edit in (False, True):
        net = nn.MLP([2, 2, 1], seed=0)
        opt = OPTIMISERS[kind](net.parameters())
        program = net.jit_loss("half_squared_error", backend="numpy")
        one_step(net, opt, program)
        if edit:
            extra = Value(0.75, name="u") * 2.0 if bad == "derived" else bad
            if bad == "derived":
                extra.grad = 1.0
            opt.parameters.append(extra)
            before = _everything(net.parameters(), opt)
            with pytest.raises(error) as caught:
                one_step(net, opt, program)
            assert str(caught.value).replace(type(opt).__name__, "SGD").startswith(words)
            assert "\n" not in str(caught.value)
            if bad == "derived":
                assert extra.data == 1.5
            opt.parameters.pop()
            assert _everything(net.parameters(), opt)[1] == before[1]
        one_step(net, opt, program)
        runs.append(net.state_dict())
    assert runs[0] == runs[1]


def test_a_setting_given_as_a_0d_array_or_tensor_is_read_as_its_number():
    """``lr=torch.tensor(0.1)`` (PyTorch's optimisers take a tensor lr) or a 0-d numpy
    array was refused as "lr must be a positive finite number, got tensor(0.1000)",
    which it is; load_state_dict already read them (as_float).  Now every setting
    reads them as their float, and the step is the hand rule w − η g with that η;
    a 1-d one is still refused."""
    np = pytest.importorskip("numpy")
    w = Value(1.0, name="w")
    opt = nn.SGD([w], lr=np.array(0.25), momentum=np.array(0.5))
    assert (opt.lr, opt.momentum) == (0.25, 0.5) and type(opt.lr) is float
    w.grad = 2.0
    opt.step()
    assert w.data == 1.0 - 0.25 * 2.0
    adam = nn.Adam([w], betas=(np.array(0.5), 0.75), eps=np.float32(0.5))
    assert adam.betas == (0.5, 0.75) and adam.eps == 0.5
    with pytest.raises(ValueError, match=r"^SGD: lr must be a positive finite number, "
                                         r"got array\(\[0\.25\]\)$"):
        nn.SGD([w], lr=np.array([0.25]))
    torch = pytest.importorskip("torch")
    opt.lr = torch.tensor(0.5, dtype=torch.float64)
    assert opt.lr == 0.5 and type(opt.lr) is float
    with pytest.raises(ValueError, match=r"^SGD: lr must be a positive finite number"):
        opt.lr = torch.tensor(-0.5)


def test_adam_steps_read_lr_and_eps_at_each_step():
    """Two Adam steps with lr and eps changed between them, against the
    hand-derived update (Kingma and Ba): with the same g at both steps, m̂ = g and
    v̂ = g², so each step is w <- w − η g / (|g| + ε) with that step's η and ε."""
    ws = [Value(1.0), Value(-2.0), Value(0.5)]
    gs = [0.5, -0.25, 3.0]
    opt = nn.Adam(ws, lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    expected = [1.0, -2.0, 0.5]
    for lr, eps in ((0.1, 1e-8), (0.05, 1e-3)):
        opt.lr, opt.eps = lr, eps
        for w, g in zip(ws, gs):
            w.grad = g
        opt.step()
        expected = [w - lr * g / (abs(g) + eps) for w, g in zip(expected, gs)]
        assert [w.data for w in ws] == pytest.approx(expected, rel=1e-12, abs=1e-15)

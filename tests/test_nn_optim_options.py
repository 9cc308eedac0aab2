"""torch.optim's options in nn's optimisers: SGD's weight_decay and nesterov, Adam's
weight_decay (L2) and amsgrad, and AdamW (decoupled weight decay): by hand, against
torch.optim, on every backend, saved, loaded and pickled."""

import json
import math
import pickle

import pytest

import nn
import nn.optim
from autograd import Value
from test_nn_optim import START, gradient, run

#: name -> (nn's optimiser, torch.optim's with the same settings), over a list of parameters
OPTIONS = {
    "sgd-weight-decay": (lambda p: nn.SGD(p, lr=0.05, weight_decay=0.1),
                         lambda p, o: o.SGD(p, lr=0.05, weight_decay=0.1)),
    "sgd-momentum-weight-decay": (
        lambda p: nn.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.1),
        lambda p, o: o.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.1)),
    "sgd-nesterov": (lambda p: nn.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
                     lambda p, o: o.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "sgd-dampening-weight-decay": (
        lambda p: nn.SGD(p, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1),
        lambda p, o: o.SGD(p, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    "sgd-nesterov-weight-decay-maximize": (
        lambda p: nn.SGD(p, lr=0.02, momentum=0.8, nesterov=True, weight_decay=0.01,
                         maximize=True),
        lambda p, o: o.SGD(p, lr=0.02, momentum=0.8, nesterov=True, weight_decay=0.01,
                           maximize=True)),
    "adam-weight-decay": (lambda p: nn.Adam(p, lr=0.05, weight_decay=0.1),
                          lambda p, o: o.Adam(p, lr=0.05, weight_decay=0.1)),
    "adam-amsgrad": (lambda p: nn.Adam(p, lr=0.05, betas=(0.8, 0.9), amsgrad=True),
                     lambda p, o: o.Adam(p, lr=0.05, betas=(0.8, 0.9), amsgrad=True)),
    "adamw": (lambda p: nn.AdamW(p, lr=0.05), lambda p, o: o.AdamW(p, lr=0.05)),
    "adamw-amsgrad-maximize": (
        lambda p: nn.AdamW(p, lr=0.02, weight_decay=0.2, amsgrad=True, maximize=True),
        lambda p, o: o.AdamW(p, lr=0.02, weight_decay=0.2, amsgrad=True, maximize=True)),
}


def constant_gradient_steps(opt, w, grads):
    """``w.data`` after one step per gradient in ``grads``."""
    for g in grads:
        w.grad = g
        opt.step()
    return w.data


# ---------------------------------------------------------------------------
# Hand-derived two-step examples (no torch needed)
# ---------------------------------------------------------------------------

def test_sgd_weight_decay_by_hand():
    """Hand-derived oracle, g <- g + λw, w <- w − η g with η = 0.1, λ = 0.1, w = 1, g = 0.5:
    g = 0.6, w = 0.94; g = 0.5 + 0.094 = 0.594, w = 0.94 − 0.0594 = 0.8806."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, weight_decay=0.1)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.94, rel=1e-15)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.8806, rel=1e-15)


def test_sgd_momentum_with_weight_decay_by_hand():
    """Hand-derived oracle (the decay enters the velocity), η = 0.1, μ = 0.9, λ = 0.1,
    w = 1, g = 0.5: g = 0.6, v = 0.6, w = 0.94; g = 0.594, v = 0.54 + 0.594 = 1.134,
    w = 0.94 − 0.1134 = 0.8266."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1)
    assert constant_gradient_steps(opt, w, [0.5, 0.5]) == pytest.approx(0.8266, rel=1e-15)
    assert opt.state_dict()["state"][0]["velocity"] == pytest.approx(1.134, rel=1e-15)


def test_sgd_nesterov_by_hand():
    """Hand-derived oracle, v <- μ v + g, w <- w − η (g + μ v) with η = 0.1, μ = 0.9,
    w = 1, g = 0.5: v = 0.5, w = 1 − 0.1·0.95 = 0.905; v = 0.95,
    w = 0.905 − 0.1·(0.5 + 0.855) = 0.7695 (plain momentum: 0.95 − 0.095 = 0.855)."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.905, rel=1e-15)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.7695, rel=1e-15)
    assert opt.state_dict()["state"][0]["velocity"] == pytest.approx(0.95, rel=1e-15)


def test_adam_weight_decay_by_hand():
    """Hand-derived oracle (L2: g <- g + λw, then Adam), η = 0.1, λ = 0.1, ε = 0, w = 1,
    g = 0.5: step 1, g = 0.6, m̂ = 0.6, v̂ = 0.36, w = 1 − 0.1 = 0.9; step 2, g = 0.59,
    m = 0.054 + 0.059 = 0.113, v = 0.999·0.00036 + 0.001·0.3481 = 0.00070774,
    w = 0.9 − 0.1 (0.113/0.19) / √(0.00070774/0.001999) ≈ 0.8000473."""
    w = Value(1.0, kind="parameter")
    opt = nn.Adam([w], lr=0.1, eps=0.0, weight_decay=0.1)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.9, rel=1e-15)
    expected = 0.9 - 0.1 * (0.113 / 0.19) / math.sqrt(0.00070774 / 0.001999)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(expected, rel=1e-13)
    assert w.data == pytest.approx(0.8000473, rel=1e-7)


def test_adamw_by_hand():
    """Hand-derived oracle (decoupled: w <- w(1 − ηλ), then Adam), η = 0.1, λ = 0.1,
    ε = 0, g = 0.5 twice: a constant g gives m̂ = g and v̂ = g², so Adam's part moves w
    by exactly η: w = 1·0.99 − 0.1 = 0.89, then 0.89·0.99 − 0.1 = 0.7811."""
    w = Value(1.0, kind="parameter")
    opt = nn.AdamW([w], lr=0.1, eps=0.0, weight_decay=0.1)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.89, rel=1e-15)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.7811, rel=1e-14)


def test_adamw_default_weight_decay_is_pytorchs():
    """torch.optim.AdamW's default λ = 1e-2 (its documentation)."""
    opt = nn.AdamW([Value(1.0, kind="parameter")])
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay, opt.amsgrad) == (
        1e-3, (0.9, 0.999), 1e-8, 1e-2, False)


def test_amsgrad_by_hand():
    """Hand-derived oracle (v_max <- max(v_max, v), v̂ = v_max/(1 − β2^t)), η = 0.1,
    β = (0.9, 0.5), ε = 0, w = 1: g = 1, m = 0.1, v = v_max = 0.5, w = 0.9; g = 0.1,
    m = 0.1, v = 0.255 but v_max = 0.5, m̂ = 0.1/0.19, v̂ = 0.5/0.75:
    w = 0.9 − 0.1 (0.1/0.19)/√(2/3) ≈ 0.835540 (plain Adam: v̂ = 0.34, w ≈ 0.809737)."""
    w = Value(1.0, kind="parameter")
    opt = nn.Adam([w], lr=0.1, betas=(0.9, 0.5), eps=0.0, amsgrad=True)
    assert constant_gradient_steps(opt, w, [1.0]) == pytest.approx(0.9, rel=1e-15)
    constant_gradient_steps(opt, w, [0.1])
    assert w.data == pytest.approx(0.9 - 0.1 * (0.1 / 0.19) / math.sqrt(0.5 / 0.75), rel=1e-14)
    assert w.data == pytest.approx(0.835540, rel=1e-6)
    state = opt.state_dict()["state"][0]
    assert (state["v"], state["v_max"]) == pytest.approx((0.255, 0.5), rel=1e-14)


def test_amsgrad_switched_on_mid_run_starts_v_max_from_v_by_hand():
    """Hand-derived oracle, η = 0.1, β = (0.5, 0.5), ε = 0, w = 1, g = 2 then 0.
    Step 1 without AMSGrad: m = 1, v = 2, m̂ = 2, v̂ = 4, w = 0.9.  Switched on, v_max
    starts at v = 2; step 2: m = 0.5, v = 1, v_max = max(2, 1) = 2, m̂ = 2/3,
    v̂ = 2/0.75 = 8/3, w = 0.9 − 0.1·(2/3)/√(8/3) = 0.9 − 0.1/√6 (the v_max of 0 that
    the constructor left gave v̂ = 4/3, w = 0.9 − 0.1/√3, as if AMSGrad had no past)."""
    w = Value(1.0, kind="parameter")
    opt = nn.Adam([w], lr=0.1, betas=(0.5, 0.5), eps=0.0)
    assert constant_gradient_steps(opt, w, [2.0]) == pytest.approx(0.9, rel=1e-15)
    opt.amsgrad = True
    assert opt.state_dict()["state"][0] == pytest.approx({"m": 1.0, "v": 2.0, "v_max": 2.0})
    constant_gradient_steps(opt, w, [0.0])
    assert w.data == pytest.approx(0.9 - 0.1 / math.sqrt(6.0), rel=1e-14)
    assert opt.state_dict()["state"][0] == pytest.approx({"m": 0.5, "v": 1.0, "v_max": 2.0})


def test_amsgrad_switched_off_and_on_again_forgets_the_old_v_max_by_hand():
    """Hand-derived oracle, η = 0.1, β = (0.5, 0.5), ε = 0, w = 1, g = 2, 0, 0.
    Step 1 with AMSGrad: v = v_max = 2, w = 0.9.  Off, step 2: m = 0.5, v = 1,
    m̂ = 2/3, v̂ = 4/3, w = 0.9 − 0.1/√3.  On again, v_max starts at v = 1; step 3:
    m = 0.25, v = 0.5, v_max = 1, m̂ = 2/7, v̂ = 8/7, w −= 0.1·(2/7)/√(8/7) = 0.1/√14
    (the v_max of 2 from step 1, kept while off, gave 0.1/√28).  A switch that is
    already on changes nothing."""
    w = Value(1.0, kind="parameter")
    opt = nn.Adam([w], lr=0.1, betas=(0.5, 0.5), eps=0.0, amsgrad=True)
    constant_gradient_steps(opt, w, [2.0])
    opt.amsgrad = False
    assert constant_gradient_steps(opt, w, [0.0]) == pytest.approx(0.9 - 0.1 / math.sqrt(3.0),
                                                                   rel=1e-14)
    opt.amsgrad = True
    opt.amsgrad = True
    constant_gradient_steps(opt, w, [0.0])
    assert w.data == pytest.approx(0.9 - 0.1 / math.sqrt(3.0) - 0.1 / math.sqrt(14.0), rel=1e-14)
    assert opt.state_dict()["state"][0] == pytest.approx({"m": 0.25, "v": 0.5, "v_max": 1.0})


def test_amsgrad_switched_on_after_the_numpy_backend_starts_v_max_from_its_v():
    """The numpy backend keeps v in its arrays: switched on after it trained, v_max is
    that v (oracle: v_max <- v, entry by entry), and the next epoch on each backend
    steps alike (consistency oracle: the Python backend from the same state, to 1e-12)."""
    X, Y = [[0.5, -0.2], [0.1, 0.4], [-0.3, 0.8]], [[0.3], [0.9], [0.2]]
    net = nn.MLP([2, 3, 1], seed=4)
    opt = nn.AdamW(net.parameters(), lr=0.05, betas=(0.8, 0.9))
    nn.train(net, X, Y, epochs=2, optimizer=opt, progress=False, backend="numpy")
    opt.amsgrad = True
    state = opt.state_dict()
    assert [s["v_max"] for s in state["state"]] == [s["v"] for s in state["state"]]
    twin = nn.MLP([2, 3, 1], seed=0)
    twin.load_state_dict(net.state_dict())
    twin_opt = nn.AdamW(twin.parameters())
    twin_opt.load_state_dict(state)
    nn.train(net, X, Y, epochs=1, optimizer=opt, progress=False, backend="numpy")
    nn.train(twin, X, Y, epochs=1, optimizer=twin_opt, progress=False)
    assert list(net.state_dict().values()) == pytest.approx(
        list(twin.state_dict().values()), rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------
# Against torch.optim
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", OPTIONS)
def test_each_option_matches_torch_optim_step_by_step(name):
    """PyTorch oracle: 100 steps side by side on the same five parameters and gradients.
    Not bit for bit: torch rounds w − η·g once (a fused multiply-add), moves m by lerp
    and divides by √v/√(1 − β2^t), so the first step agrees to a few ulps (rel 1e-15)
    and every later one to 1e-12 relative, as nn.Adam's tests hold it."""
    torch = pytest.importorskip("torch")
    ours, theirs = OPTIONS[name]
    params = [Value(w, kind="parameter") for w in START]
    trajectory = run(ours(params), params, 100)
    tensor = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = theirs([tensor], torch.optim)
    for step in range(100):
        opt.zero_grad()
        tensor.grad = torch.tensor([gradient(w, i) for i, w in enumerate(tensor.tolist())],
                                   dtype=torch.float64)
        opt.step()
        rel = 1e-15 if step == 0 else 1e-12
        assert trajectory[step] == pytest.approx(tensor.tolist(), rel=rel, abs=rel), step


# ---------------------------------------------------------------------------
# Every backend steps by the same rule
# ---------------------------------------------------------------------------

X = [[0.1, 0.2], [0.5, -0.3], [-0.7, 0.9], [0.3, 0.3]]
Y = [[1.0], [0.0], [0.5], [0.25]]
BACKENDS = {"jit": dict(jit=True), "numpy": dict(backend="numpy")}


def _trained(name, frozen, **how):
    net = nn.MLP([2, 3, 1], seed=0)
    if frozen:
        net.freeze("w2_12", "b3_1")
    opt = OPTIONS[name][0](net.parameters())
    nn.train(net, X, Y, epochs=4, batch=2, optimizer=opt, progress=False, **how)
    return net.state_dict(), opt.state_dict()


@pytest.mark.parametrize("frozen", [False, True], ids=["all", "frozen"])
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", OPTIONS)
def test_every_backend_steps_as_eager(name, backend, frozen):
    """Consistency oracle: the eager engine. The jit gives the weights and optimiser
    state of eager training bit for bit, the numpy backend (whose arrays hold the
    velocity, m, v and v_max) to 1e-13 (its matrix products sum a batch's gradients in
    another order, as for plain SGD with momentum), with and without frozen parameters."""
    eager_net, eager_opt = _trained(name, frozen, jit=False)
    net, opt = _trained(name, frozen, **BACKENDS[backend])
    if backend == "jit":
        assert (net, opt) == (eager_net, eager_opt)
    assert net.keys() == eager_net.keys()
    for key in net:
        assert net[key] == pytest.approx(eager_net[key], rel=1e-13, abs=1e-15), key
    assert opt["param_groups"] == eager_opt["param_groups"]
    assert opt.get("t") == eager_opt.get("t")
    for mine, eager in zip(opt["state"], eager_opt["state"]):
        assert mine.keys() == eager.keys()
        for key, number in eager.items():     # (None: no momentum buffer yet, in both)
            assert (mine[key] is None if number is None
                    else mine[key] == pytest.approx(number, rel=1e-12, abs=1e-15)), key


def test_a_numpy_program_stepped_by_opt_step_steps_as_eager():
    """Consistency oracle: eager steps. ``net.jit_loss(backend="numpy")`` with
    ``opt.step()`` (the store's step, not nn.train's) for AMSGrad with decoupled decay."""
    rows = [x + y for x, y in zip(X, Y)]
    results = []
    for program in (False, True):
        net = nn.MLP([2, 3, 1], seed=0)
        opt = nn.AdamW(net.parameters(), lr=0.05, weight_decay=0.1, amsgrad=True)
        step = net.jit_loss(backend="numpy") if program else None
        for _ in range(3):
            opt.zero_grad()
            if program:
                step.batch(rows, mean=True)
            else:
                nn.half_squared_error(net.batch(X), Y).backward()
            opt.step()
        results.append((net.state_dict(), opt.state_dict()))
    (net, opt), (eager_net, eager_opt) = results[1], results[0]
    for key in net:
        assert net[key] == pytest.approx(eager_net[key], rel=1e-13, abs=1e-15), key
    for mine, eager in zip(opt["state"], eager_opt["state"]):
        assert mine == pytest.approx(eager, rel=1e-12, abs=1e-15)
    assert any(s["v_max"] > s["v"] for s in opt["state"])       # the maximum mattered


# ---------------------------------------------------------------------------
# Saving, loading, pickling
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["eager", "numpy"])
@pytest.mark.parametrize("name", OPTIONS)
def test_save_load_and_go_on_is_the_uninterrupted_run(name, backend):
    """Consistency oracle: 2 epochs, the optimiser through JSON into a fresh one, 2 more:
    bit for bit the uninterrupted 4 epochs; the settings are in param_groups[0] and
    AMSGrad's v_max in each state entry."""
    make, how = OPTIONS[name][0], dict(jit=False) if backend == "eager" else dict(backend="numpy")
    whole = nn.MLP([2, 3, 1], seed=0)
    whole_opt = make(whole.parameters())
    nn.train(whole, X, Y, epochs=4, batch=2, optimizer=whole_opt, progress=False, **how)
    net = nn.MLP([2, 3, 1], seed=0)
    opt = make(net.parameters())
    nn.train(net, X, Y, epochs=2, batch=2, optimizer=opt, progress=False, **how)
    saved = json.loads(json.dumps(opt.state_dict()))
    group = saved["param_groups"][0]
    assert group["weight_decay"] == opt.weight_decay
    assert ("v_max" in saved["state"][0]) == bool(getattr(opt, "amsgrad", False))
    assert saved["optimizer"] == type(opt).__name__
    resumed = make(net.parameters())
    resumed.load_state_dict(saved)
    nn.train(net, X, Y, epochs=2, batch=2, optimizer=resumed, progress=False, **how)
    assert net.state_dict() == whole.state_dict()
    assert resumed.state_dict() == whole_opt.state_dict()


def test_a_state_saved_before_the_options_loads_with_them_off():
    """A state_dict without weight_decay, nesterov or amsgrad (as saved before they
    existed, like torch.optim's own older states) loads with them off; one that has
    amsgrad on must carry v_max."""
    w = Value(1.0, kind="parameter")
    sgd = nn.SGD([w], lr=0.5, momentum=0.9, nesterov=True, weight_decay=0.1)
    sgd.load_state_dict({"optimizer": "SGD", "state": [{"velocity": 0.0}],
                         "param_groups": [{"lr": 0.1, "momentum": 0.0, "maximize": False,
                                           "params": [0]}]})
    assert (sgd.weight_decay, sgd.nesterov) == (0.0, False)
    adam = nn.Adam([w], amsgrad=True, weight_decay=0.1)
    old = {"optimizer": "Adam", "t": 1, "state": [{"m": 0.1, "v": 0.04}],
           "param_groups": [{"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8,
                             "maximize": False, "params": [0]}]}
    adam.load_state_dict(old)
    assert (adam.weight_decay, adam.amsgrad) == (0.0, False)
    old["param_groups"][0]["amsgrad"] = True
    with pytest.raises(ValueError, match=r"^Adam.load_state_dict: state\[0\] is missing the "
                                         r"key 'v_max'$"):
        adam.load_state_dict(old)
    assert adam.amsgrad is False


def test_adamw_and_adam_states_are_not_each_others():
    """An AdamW's state into an Adam (or back) is refused, naming both; nothing changes."""
    w = Value(1.0, kind="parameter")
    adam, adamw = nn.Adam([w], weight_decay=0.1), nn.AdamW([w])
    before = adam.state_dict()
    with pytest.raises(ValueError, match="'optimizer' is 'AdamW', but this is 'Adam'"):
        adam.load_state_dict(adamw.state_dict())
    with pytest.raises(ValueError, match="'optimizer' is 'Adam', but this is 'AdamW'"):
        adamw.load_state_dict(before)
    assert adam.state_dict() == before


@pytest.mark.parametrize("name", ["sgd-nesterov-weight-decay-maximize", "adamw-amsgrad-maximize"])
def test_a_pickled_optimizer_goes_on_bit_for_bit(name):
    """Consistency oracle: the same optimiser unpickled (with its network) and stepped on
    gives the uninterrupted run's numbers, its options kept."""
    make = OPTIONS[name][0]
    whole = nn.MLP([2, 3, 1], seed=0)
    nn.train(whole, X, Y, epochs=4, batch=2, optimizer=make(whole.parameters()),
             progress=False, backend="numpy")
    net = nn.MLP([2, 3, 1], seed=0)
    opt = make(net.parameters())
    nn.train(net, X, Y, epochs=2, batch=2, optimizer=opt, progress=False, backend="numpy")
    net2, opt2 = pickle.loads(pickle.dumps((net, opt)))
    assert repr(opt2) == repr(opt) and "weight_decay=" in repr(opt2)
    nn.train(net2, X, Y, epochs=2, batch=2, optimizer=opt2, progress=False, backend="numpy")
    assert net2.state_dict() == whole.state_dict()


def test_an_optimizer_pickled_before_the_options_unpickles_with_them_off():
    """A pickle's state without the new settings (and without v_max) takes them as off."""
    w = Value(1.0, kind="parameter")
    for opt, new in ((nn.SGD([w], lr=0.1, momentum=0.5),
                      ("weight_decay", "nesterov", "dampening", "_fresh")),
                     (nn.Adam([w], lr=0.1), ("weight_decay", "amsgrad", "maxima of v"))):
        state = opt.__getstate__()
        for key in new:
            del state[key]
        old = type(opt).__new__(type(opt))
        old.__setstate__(state)
        w.grad = 2.0
        old.step()
        assert not old.weight_decay and (opt.state_dict()["state"][0].keys()
                                         == old.state_dict()["state"][0].keys())


# ---------------------------------------------------------------------------
# Bad settings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda w: nn.SGD(w, lr=0.1, weight_decay=-0.01),
     "SGD: weight_decay must be a non-negative finite number, got -0.01"),
    (lambda w: nn.Adam(w, weight_decay=-1),
     "Adam: weight_decay must be a non-negative finite number, got -1"),
    (lambda w: nn.AdamW(w, weight_decay=math.inf),
     "AdamW: weight_decay must be a non-negative finite number, got inf"),
    (lambda w: nn.SGD(w, lr=0.1, nesterov=True),
     "SGD: nesterov=True needs a momentum > 0, got momentum=0.0"),
    (lambda w: nn.SGD(w, lr=0.1, momentum=0.9, nesterov=1),
     "SGD: nesterov must be True or False, got 1"),
    (lambda w: nn.Adam(w, amsgrad="yes"), "Adam: amsgrad must be True or False, got 'yes'"),
])
def test_a_bad_option_is_refused_in_one_line_naming_it(make, message):
    """As torch.optim refuses them (a negative weight decay, Nesterov without momentum)."""
    with pytest.raises((ValueError, TypeError)) as caught:
        make([Value(1.0, kind="parameter")])
    assert str(caught.value) == message


def test_momentum_set_to_zero_under_nesterov_is_refused_and_changes_nothing():
    """Setting momentum 0 later, or loading a state with nesterov and no momentum, is
    refused as the constructor refuses it; the optimiser keeps its settings and steps
    as before (the hand-derived Nesterov step of test_sgd_nesterov_by_hand)."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    with pytest.raises(ValueError, match=r"^SGD: nesterov=True needs a momentum > 0, got "
                                         r"momentum=0.0$"):
        opt.momentum = 0
    state = opt.state_dict()
    state["param_groups"][0]["momentum"] = 0.0
    with pytest.raises(ValueError, match=r"^SGD.load_state_dict: param_groups\[0\]: "
                                         r"nesterov=True needs a momentum > 0"):
        opt.load_state_dict(state)
    assert (opt.momentum, opt.nesterov) == (0.9, True)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.905, rel=1e-15)


# ---------------------------------------------------------------------------
# torch.optim's own state_dict()
# ---------------------------------------------------------------------------

TORCH_KINDS = {
    "sgd-nesterov": (lambda p, o: o.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
                     lambda p: nn.SGD(p, lr=1.0)),
    "sgd-dampening": (lambda p, o: o.SGD(p, lr=0.1, momentum=0.9, dampening=0.5),
                      lambda p: nn.SGD(p, lr=1.0)),
    "adam-amsgrad-weight-decay": (
        lambda p, o: o.Adam(p, lr=0.01, betas=(0.8, 0.9), amsgrad=True, weight_decay=0.1),
        lambda p: nn.Adam(p)),
    "adamw": (lambda p, o: o.AdamW(p, lr=0.01), lambda p: nn.AdamW(p, weight_decay=0.5)),
}


def _torch_loss(torch, model):
    x, y = (torch.tensor(a, dtype=torch.float64) for a in (X, Y))
    return 0.5 * ((model(x) - y) ** 2).sum(1).mean()


@pytest.mark.parametrize("frozen", [False, True], ids=["all", "frozen-layer-2-weight"])
@pytest.mark.parametrize("name", TORCH_KINDS)
def test_torch_optims_state_dict_loads_and_steps_on_as_torch(name, frozen):
    """PyTorch oracle: three torch.optim steps of net.to_torch(), then its state_dict()
    loaded into nn's optimiser of MLP.from_torch(model) (momentum buffers, moments,
    v_max and step mapped tensor by tensor, row by row), and one more step on each:
    the same weights to 1e-12, and the settings are torch's."""
    torch = pytest.importorskip("torch")
    theirs, ours = TORCH_KINDS[name]
    net = nn.MLP([2, 3, 1], seed=0)
    if frozen:
        net.freeze(*(w.name for row in net.layers[0]._weight_rows for w in row))
    model = net.to_torch()
    opt = theirs(model.parameters(), torch.optim)
    for _ in range(3):
        opt.zero_grad()
        _torch_loss(torch, model).backward()
        opt.step()
    again = nn.MLP.from_torch(model)
    mine = ours(again.parameters())
    mine.load_state_dict(opt.state_dict())
    group = opt.state_dict()["param_groups"][0]
    assert mine.lr == group["lr"] and mine.weight_decay == group["weight_decay"]
    assert mine.state_dict().get("t", 3) == 3
    opt.zero_grad()
    _torch_loss(torch, model).backward()
    opt.step()
    mine.zero_grad()
    nn.half_squared_error(again.batch(X), Y).backward()
    mine.step()
    expected = nn.MLP.from_torch(model).state_dict()
    assert again.state_dict().keys() == expected.keys()
    for key, value in again.state_dict().items():
        assert value == pytest.approx(expected[key], rel=1e-12, abs=1e-15), key


#: name -> (nn's optimiser, torch.optim's class): the settings go across with the state
EXPORTS = {
    "sgd": (lambda p: nn.SGD(p, lr=0.3), "SGD"),
    "sgd-momentum": (lambda p: nn.SGD(p, lr=0.1, momentum=0.9), "SGD"),
    "sgd-nesterov": (lambda p: nn.SGD(p, lr=0.1, momentum=0.9, nesterov=True), "SGD"),
    "sgd-dampening": (lambda p: nn.SGD(p, lr=0.1, momentum=0.9, dampening=0.25), "SGD"),
    "sgd-momentum-weight-decay-maximize": (
        lambda p: nn.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.1, maximize=True), "SGD"),
    "adam": (lambda p: nn.Adam(p, lr=0.01), "Adam"),
    "adam-amsgrad-weight-decay": (
        lambda p: nn.Adam(p, lr=0.01, betas=(0.8, 0.9), eps=1e-6, amsgrad=True,
                          weight_decay=0.1), "Adam"),
    "adam-maximize": (lambda p: nn.Adam(p, lr=0.02, maximize=True), "Adam"),
    "adamw": (lambda p: nn.AdamW(p, lr=0.01, weight_decay=0.5), "AdamW"),
    "adamw-amsgrad": (lambda p: nn.AdamW(p, lr=0.02, betas=(0.7, 0.95), amsgrad=True), "AdamW"),
}


def _torch_settings(opt):
    """The settings of nn's ``opt`` under torch.optim's names, as its param group holds them."""
    if isinstance(opt, nn.SGD):
        return {"lr": opt.lr, "momentum": opt.momentum, "dampening": opt.dampening,
                "weight_decay": opt.weight_decay, "nesterov": opt.nesterov,
                "maximize": opt.maximize}
    return {"lr": opt.lr, "betas": opt.betas, "eps": opt.eps, "weight_decay": opt.weight_decay,
            "amsgrad": opt.amsgrad, "maximize": opt.maximize,
            "decoupled_weight_decay": isinstance(opt, nn.AdamW)}


@pytest.mark.parametrize("backend", ["eager", "numpy"])
@pytest.mark.parametrize("frozen", [False, True], ids=["all", "frozen-layer-2-weight"])
@pytest.mark.parametrize("name", EXPORTS)
def test_state_to_torch_goes_on_in_torch_optim_as_in_nn(name, frozen, backend):
    """PyTorch oracle: three steps of nn's optimiser, its state_to_torch() loaded into
    torch.optim's (made with other settings) over net.to_torch().parameters(), and one
    more step on each side: the weights agree to 1e-12, not bit for bit (torch sums the
    batch's gradients in another order, fuses w − η·g and moves m by lerp), and torch's
    param group holds nn's settings.  Back again, torch's state_dict() is nn's bit for bit."""
    torch = pytest.importorskip("torch")
    from nn.torch_bridge import state_to_torch
    make, kind = EXPORTS[name]
    net = nn.MLP([2, 3, 1], seed=0)
    if frozen:
        net.freeze(*(w.name for row in net.layers[0]._weight_rows for w in row))
    mine = make(net.parameters())
    train = dict(jit=False) if backend == "eager" else dict(backend="numpy")
    nn.train(net, X, Y, epochs=3, batch=len(X), optimizer=mine, progress=False, **train)
    model = net.to_torch()
    other = {"lr": 0.5, "momentum": 0.1} if kind == "SGD" else {"lr": 0.5, "betas": (0.5, 0.5)}
    theirs = getattr(torch.optim, kind)(model.parameters(), **other)
    theirs.load_state_dict(state_to_torch(mine))
    group = theirs.param_groups[0]
    assert {key: group[key] for key in _torch_settings(mine)} == _torch_settings(mine)
    again = getattr(nn, kind)(net.parameters(), lr=1.0)    # (other settings: loaded too)
    again.load_state_dict(theirs.state_dict())
    assert again.state_dict() == mine.state_dict()
    theirs.zero_grad()
    _torch_loss(torch, model).backward()
    theirs.step()
    mine.zero_grad()
    nn.half_squared_error(net.batch(X), Y).backward()
    mine.step()
    expected = nn.MLP.from_torch(model).state_dict()
    assert net.state_dict().keys() == expected.keys()
    for key, value in net.state_dict().items():
        assert value == pytest.approx(expected[key], rel=1e-12, abs=1e-15), key


def test_state_to_torch_holds_each_tensors_numbers_where_torch_keeps_them():
    """Hand-set oracle: velocity i + 1 for parameter i of net.parameters() (w^2_jk row by
    row, then b^2_j, ...) lands at weight[j-1][k-1] and bias[j-1] of its tensor; a
    constant bias (no parameter) has no state; Adam's t is every tensor's step."""
    torch = pytest.importorskip("torch")
    from nn.torch_bridge import state_to_torch
    net = nn.MLP([2, 2, 1], seed=0, bias=["trainable", 0.5])
    opt = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    n = len(net.parameters())
    opt.load_state_dict({"optimizer": "SGD", "param_groups": [
        {**{k: v for k, v in _torch_settings(opt).items() if k != "dampening"},
         "params": list(range(n))}],
        "state": [{"velocity": float(i + 1)} for i in range(n)]})
    names = [p.name for p in net.parameters()]
    state = state_to_torch(opt)
    assert sorted(state["state"]) == [0, 1, 2] and state["param_groups"][0]["params"] == [0, 1, 2, 3]
    weight = state["state"][0]["momentum_buffer"]
    assert weight.dtype == torch.float64 and weight.tolist() == [
        [names.index("w2_11") + 1.0, names.index("w2_12") + 1.0],
        [names.index("w2_21") + 1.0, names.index("w2_22") + 1.0]]
    assert state["state"][1]["momentum_buffer"].tolist() == [names.index("b2_1") + 1.0,
                                                             names.index("b2_2") + 1.0]
    assert state["state"][2]["momentum_buffer"].tolist() == [[names.index("w3_11") + 1.0,
                                                              names.index("w3_12") + 1.0]]
    adam = nn.Adam(net.parameters())
    adam.t = 7
    assert {entry["step"].item() for entry in state_to_torch(adam)["state"].values()} == {7.0}
    plain = nn.SGD(net.parameters(), lr=0.1)
    assert state_to_torch(plain)["state"] == {}
    opt.momentum = 0.0            # (momentum off: torch keeps the buffers, unused, as nn)
    plain.load_state_dict(state_to_torch(opt))
    assert plain.state_dict() == opt.state_dict()


def test_state_to_torch_refuses_what_torch_optim_would_step_otherwise():
    """Consistency oracle: an optimiser of loose Values, or of part of a network, has no
    tensor layout torch.optim over model.parameters() would step as it: one line each."""
    pytest.importorskip("torch")
    from nn.torch_bridge import state_to_torch
    net = nn.MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"^state_to_torch: SGD has no tensors, which maps onto "
                                         r"parameters only for an optimiser of an nn.MLP's"):
        state_to_torch(nn.SGD([Value(1.0, kind="parameter")], lr=0.1))
    stranger = nn.module.Parameters([*net.parameters(), Value(1.0, kind="parameter")], net)
    with pytest.raises(ValueError, match=r"^state_to_torch: SGD's parameter 13 \(.*\) is not "
                                         r"one of the network's$"):
        state_to_torch(nn.SGD(stranger, lr=0.1))
    part = net.parameters()[1:]           # (a slice keeps its network)
    with pytest.raises(ValueError, match=r"^state_to_torch: Adam does not hold w2_11 \(layer 2's "
                                         r"weight\), which torch.optim"):
        state_to_torch(nn.Adam(part))


def test_torch_state_for_an_optimizer_of_loose_values_says_what_layout_it_expects():
    """Without a network there is no tensor order: one line naming both layouts, and
    nothing changes."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.9)
    before = opt.state_dict()
    torch_layout = {"state": {0: {"momentum_buffer": [0.5]}},
                    "param_groups": [{"lr": 0.1, "momentum": 0.9, "dampening": 0,
                                      "weight_decay": 0, "nesterov": False,
                                      "maximize": False, "params": [0]}]}
    with pytest.raises(ValueError) as caught:
        opt.load_state_dict(torch_layout)
    text = str(caught.value)
    assert text.startswith("SGD.load_state_dict: torch.optim's state_dict is keyed by tensor")
    assert "net.to_torch().parameters()" in text and "opt.state_dict()'s layout" in text
    assert "\n" not in text and opt.state_dict() == before


@pytest.mark.parametrize("change, message", [
    (lambda s: s["param_groups"].append(dict(s["param_groups"][0])), "must have one param group"),
    (lambda s: s["param_groups"][0].update(params=[0, 1]), "holds tensors [0, 1], but "
                                                           "net.to_torch().parameters() has 4"),
    (lambda s: s["param_groups"][0].update(betas=(0.9, 0.99), momentum=None) or
     s["param_groups"][0].pop("momentum"), "is torch.optim.Adam's, but this is SGD"),
    (lambda s: s["state"][2].update(momentum_buffer=[0.0]), "state[2]['momentum_buffer'] "
                                                          "(layer 3's weight) must be a tensor "
                                                          "of shape (1, 3), got list"),
    (lambda s: s["state"][0].update(momentum_buffer=s["state"][0]["momentum_buffer"].T),
     "state[0]['momentum_buffer'] (layer 2's weight) must be a tensor of shape (3, 2), got "
     "one of shape (2, 3)"),
    (lambda s: s["state"][2].update(momentum_buffer=s["state"][2]["momentum_buffer"].reshape(-1)),
     "state[2]['momentum_buffer'] (layer 3's weight) must be a tensor of shape (1, 3), got "
     "one of shape (3,)"),
    (lambda s: s["state"][1]["momentum_buffer"].__setitem__(2, math.nan),
     "state_dict: state[1]['momentum_buffer'][2] (layer 2's bias) must be a finite number, "
     "got nan"),
    (lambda s: s["param_groups"][0].update(lookahead=2), "param group has 'lookahead'"),
])
def test_a_torch_state_that_does_not_map_is_refused_in_one_line(change, message):
    """Consistency oracle: the state as torch saves it maps; each change that breaks
    the mapping is named, by torch's key and the tensor, and nothing changes: a buffer of
    another shape with as many numbers (transposed, flat) would have put each number on
    another parameter, and torch.optim's own step refuses it."""
    torch = pytest.importorskip("torch")
    net = nn.MLP([2, 3, 1], seed=0)
    model = net.to_torch()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad()
    _torch_loss(torch, model).backward()
    opt.step()
    state = opt.state_dict()
    mine = nn.SGD(net.parameters(), lr=0.5)
    mine.load_state_dict(state)               # as saved: it maps
    before = mine.state_dict()
    change(state)
    with pytest.raises(ValueError) as caught:
        mine.load_state_dict(state)
    text = str(caught.value)
    assert text.startswith("SGD.load_state_dict: ") and message in text and "\n" not in text
    assert mine.state_dict() == before


def test_torch_adam_tensors_at_different_steps_are_refused():
    """nn's Adam keeps one t: torch tensors stepped different numbers of times do not map."""
    torch = pytest.importorskip("torch")
    net = nn.MLP([2, 3, 1], seed=0)
    model = net.to_torch()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    opt.zero_grad()
    _torch_loss(torch, model).backward()
    opt.step()
    state = opt.state_dict()
    state["state"][1]["step"] = torch.tensor(2.0)
    with pytest.raises(ValueError, match=r"has tensors at different steps \[1, 2\]; nn's Adam "
                                         r"keeps one step count t"):
        nn.Adam(net.parameters()).load_state_dict(state)


def test_ctrl_c_inside_an_amsgrad_step_changes_nothing(monkeypatch):
    """Consistency oracle: the state before the step. A KeyboardInterrupt while the
    third parameter's update is computed leaves every weight, m, v, v_max and t as
    they were; the step after it is the one an uninterrupted optimiser takes."""
    net = nn.MLP([2, 3, 1], seed=0)
    opt = nn.AdamW(net.parameters(), lr=0.05, weight_decay=0.1, amsgrad=True)
    twin_net = nn.MLP([2, 3, 1], seed=0)
    twin = nn.AdamW(twin_net.parameters(), lr=0.05, weight_decay=0.1, amsgrad=True)
    for n, o in ((net, opt), (twin_net, twin)):
        o.zero_grad()
        nn.half_squared_error(n.batch(X), Y).backward()
        o.step()
        o.zero_grad()
        nn.half_squared_error(n.batch(X), Y).backward()
    before = (net.state_dict(), opt.state_dict(), [p.grad for p in net.parameters()])
    calls = []
    maximum = nn.optim._maximum

    def interrupted(a, b):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return maximum(a, b)
    monkeypatch.setattr(nn.optim, "_maximum", interrupted)
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    assert (net.state_dict(), opt.state_dict(), [p.grad for p in net.parameters()]) == before
    monkeypatch.setattr(nn.optim, "_maximum", maximum)
    opt.step()
    twin.step()
    assert (net.state_dict(), opt.state_dict()) == (twin_net.state_dict(), twin.state_dict())


def test_a_subclass_may_set_nesterov_before_momentum():
    """The pair is checked once both are set: an __init__ of its own that sets nesterov
    first is not refused (hand-derived Nesterov step of test_sgd_nesterov_by_hand)."""
    class Nesterov(nn.SGD):
        def __init__(self, parameters, lr):
            nn.optim.Optimizer.__init__(self, parameters)
            self.nesterov, self.momentum, self.lr = True, 0.9, lr
            self.weight_decay, self.maximize = 0.0, False
            self._velocity = [0.0] * len(self.parameters)

    w = Value(1.0, kind="parameter")
    opt = Nesterov([w], 0.1)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.905, rel=1e-15)


def test_adamw_without_decay_says_so_in_its_repr():
    """AdamW(..., weight_decay=0.0) printed as AdamW's default (which decays by 0.01), its
    weight_decay left out as Adam leaves out its 0. Oracle: the arguments given."""
    w = Value(1.0, kind="parameter")
    assert repr(nn.AdamW([w], weight_decay=0.0)) == (
        "AdamW(1 parameter, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)")
    assert repr(nn.AdamW([w])).endswith("eps=1e-08, weight_decay=0.01)")
    assert repr(nn.Adam([w])).endswith("eps=1e-08)")


def test_an_optimiser_of_one_parameter_says_parameter():
    """SGD([w], 0.1) printed 'SGD(1 parameters, lr=0.1)'. Oracle: English, one parameter."""
    w = Value(1.0, kind="parameter")
    assert repr(nn.SGD([w], 0.1)) == "SGD(1 parameter, lr=0.1)"
    assert repr(nn.Adam([w])).startswith("Adam(1 parameter, lr=")
    assert repr(nn.SGD([w, Value(2.0, kind="parameter")], 0.1)).startswith("SGD(2 parameters,")


# ---------------------------------------------------------------------------
# SGD's dampening: a parameter's first momentum step is v <- g, undamped
# ---------------------------------------------------------------------------

def test_sgd_dampening_by_hand():
    """Hand-derived oracle, torch.optim.SGD's rule with η = 0.1, μ = 0.9, τ = 0.5, w = 1,
    g = 0.5: the first step starts the buffer, v = g = 0.5, w = 0.95; then
    v = 0.9·0.5 + 0.5·0.5 = 0.7, w = 0.95 − 0.07 = 0.88."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.1, momentum=0.9, dampening=0.5)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.95, rel=1e-15)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.88, rel=1e-15)
    assert opt.state_dict()["state"] == [{"velocity": pytest.approx(0.7, rel=1e-15)}]


FIRST = ["w2_11", "w2_12", "w2_21", "w2_22", "w2_31", "w2_32"]   # layer 2's weight tensor
X2 = [[0.1, 0.2], [0.5, -0.3], [-0.7, 0.9], [0.3, 0.3]]
Y2 = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.2], [0.25, 0.9]]


def _torch_loss2(torch, model):
    x, y = (torch.tensor(a, dtype=torch.float64) for a in (X2, Y2))
    return 0.5 * ((model(x) - y) ** 2).sum(1).mean()


def _torch_step(torch, model, opt):
    opt.zero_grad()
    _torch_loss2(torch, model).backward()
    opt.step()


def _worst(torch_model, net):
    """The largest relative difference between ``net``'s weights and the model's."""
    expected = nn.MLP.from_torch(torch_model).state_dict()
    return max(abs(a - expected[k]) / abs(expected[k]) for k, a in net.state_dict().items())


@pytest.mark.parametrize("backend", ["eager", "jit", "numpy"])
def test_dampening_matches_torch_with_a_tensor_that_starts_late(backend):
    """PyTorch oracle: 20 steps of SGD(momentum 0.9, dampening 0.5, weight decay) on a
    2-3-2 network and on net.to_torch(), layer 2's weight frozen for the first 7 (torch:
    requires_grad False, so no momentum buffer) and lr changed at step 12: the weights
    agree to 1e-13 after every step, so each tensor's first momentum step is v <- g,
    undamped, also when it comes late, on every backend."""
    torch = pytest.importorskip("torch")
    settings = dict(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.01)
    net = nn.MLP([2, 3, 2], seed=4)
    model = net.to_torch()
    theirs = torch.optim.SGD(model.parameters(), **settings)
    mine = nn.SGD(net.parameters(), **settings)
    net.freeze(*FIRST)
    model[0].weight.requires_grad_(False)
    how = {"eager": dict(jit=False), "jit": dict(jit=True), "numpy": dict(backend="numpy")}
    for step in range(20):
        if step == 7:
            net.unfreeze(*FIRST)
            model[0].weight.requires_grad_(True)
        if step == 12:
            mine.lr = theirs.param_groups[0]["lr"] = 0.05
        _torch_step(torch, model, theirs)
        nn.train(net, X2, Y2, epochs=1, batch=None, optimizer=mine, progress=False,
                 **how[backend])
        assert _worst(model, net) < 1e-13, step


def test_a_torch_state_with_dampening_and_a_tensor_without_buffer_goes_on_as_torch():
    """PyTorch oracle: torch.optim.SGD with dampening steps three times with layer 2's
    weight frozen (that tensor has no momentum_buffer), its state_dict() is loaded into
    nn.SGD over all the network's parameters, and both go on five steps with every
    tensor trained: the weights agree to 1e-13 (the late tensor's first step v <- g).
    Its state_dict() says None for the velocities not started, and through JSON and
    state_to_torch the state comes back the same."""
    torch = pytest.importorskip("torch")
    from nn.torch_bridge import state_to_torch
    net = nn.MLP([2, 3, 2], seed=4)
    model = net.to_torch()
    model[0].weight.requires_grad_(False)
    theirs = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=0.3)
    for _ in range(3):
        _torch_step(torch, model, theirs)
    again = nn.MLP.from_torch(model)
    again.unfreeze()
    mine = nn.SGD(again.parameters(), lr=1.0)
    mine.load_state_dict(theirs.state_dict())
    assert (mine.dampening, mine.momentum) == (0.3, 0.9)
    saved = mine.state_dict()
    fresh = [p.name for p, entry in zip(again.parameters(), saved["state"])
             if entry["velocity"] is None]
    assert fresh == FIRST
    copy = nn.SGD(again.parameters(), lr=1.0)
    copy.load_state_dict(json.loads(json.dumps(saved)))
    assert copy.state_dict() == saved
    exported = state_to_torch(mine)
    assert "momentum_buffer" not in exported["state"].get(0, {})
    assert exported["param_groups"][0]["dampening"] == 0.3
    model[0].weight.requires_grad_(True)
    for _ in range(5):
        _torch_step(torch, model, theirs)
        mine.zero_grad()
        nn.half_squared_error(again.batch(X2), Y2).backward()
        mine.step()
        assert _worst(model, again) < 1e-13


def test_state_to_torch_refuses_a_tensor_with_a_buffer_for_part_of_it():
    """torch.optim keeps one momentum buffer per tensor: with dampening, a tensor some of
    whose parameters have stepped with momentum and some not (one frozen for a while)
    has no torch state; one line names both, and nothing changes."""
    pytest.importorskip("torch")
    from nn.torch_bridge import state_to_torch
    net = nn.MLP([2, 3, 1], seed=0)
    opt = nn.SGD(net.parameters(), lr=0.1, momentum=0.9, dampening=0.5)
    net.freeze("w2_12")
    nn.train(net, X, Y, epochs=1, batch=None, optimizer=opt, progress=False)
    net.unfreeze("w2_12")
    before = opt.state_dict()
    with pytest.raises(ValueError, match=r"^state_to_torch: SGD: layer 2's weight has a "
                                         r"momentum buffer for w2_11 but none yet for w2_12"):
        state_to_torch(opt)
    assert opt.state_dict() == before


@pytest.mark.parametrize("make, message", [
    (lambda w: nn.SGD(w, lr=0.1, momentum=0.9, dampening=1.5),
     "SGD: dampening must be a number in [0, 1], got 1.5"),
    (lambda w: nn.SGD(w, lr=0.1, momentum=0.9, dampening=math.nan),
     "SGD: dampening must be a number in [0, 1], got nan"),
    (lambda w: nn.SGD(w, lr=0.1, momentum=0.9, dampening=-0.1),
     "SGD: dampening must be a number in [0, 1], got -0.1"),
    (lambda w: nn.SGD(w, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "SGD: nesterov=True needs dampening 0, got dampening=0.1"),
])
def test_a_bad_dampening_is_refused_in_one_line(make, message):
    """As torch.optim.SGD refuses Nesterov with dampening; a dampening outside [0, 1]
    would make the buffer grow against the gradient."""
    with pytest.raises(ValueError) as caught:
        make([Value(1.0, kind="parameter")])
    assert str(caught.value) == message


def test_a_state_with_a_velocity_not_started_loads_and_steps_as_torchs_first_step():
    """Hand-derived oracle: loading velocity None (no buffer yet) makes the next step
    v <- g (η = 0.1, g = 0.5: w = 1 − 0.05), where a loaded 0.0 is an old buffer,
    v = 0.9·0 + 0.5·0.5 = 0.25 (w = 1 − 0.025)."""
    for velocity, expected in ((None, 0.95), (0.0, 0.975)):
        w = Value(1.0, kind="parameter")
        opt = nn.SGD([w], lr=0.1, momentum=0.9, dampening=0.5)
        state = opt.state_dict()
        assert state["state"] == [{"velocity": None}]
        state["state"][0]["velocity"] = velocity
        opt.load_state_dict(state)
        assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(expected, rel=1e-15)


def test_a_set_has_no_order_for_the_parameters_or_the_betas():
    """A set's order is not defined (its items' hashes, ids for Values), so state[i] of
    state_dict() would not say which parameter it belongs to, and betas {0.5, 0.9} which
    is β1: refused in one line, as torch.optim refuses a set of parameters (TypeError);
    nothing changes when the list is assigned later."""
    w1, w2 = Value(1.0, kind="parameter"), Value(2.0, kind="parameter")
    with pytest.raises(TypeError, match=r"^SGD: parameters must be a list of Values in an "
                                        r"order \(e.g. net.parameters\(\)\), got a set"):
        nn.SGD({w1, w2}, lr=0.1)
    opt = nn.Adam([w1, w2])
    with pytest.raises(TypeError, match=r"^Adam: parameters must be a list of Values in an "
                                        r"order \(e.g. net.parameters\(\)\), got a frozenset"):
        opt.parameters = frozenset([w2, w1])
    assert opt.parameters == [w1, w2]
    with pytest.raises(ValueError, match=r"^Adam: betas must be two numbers \(β1, β2\), each in "
                                         r"\[0, 1\), in order \(a list or tuple\), got "):
        nn.Adam([w1], betas={0.5, 0.9})
    state = opt.state_dict()
    state["param_groups"][0]["betas"] = {0.5, 0.9}
    with pytest.raises(ValueError, match=r"^Adam.load_state_dict: param_groups\[0\]: 'betas' "):
        opt.load_state_dict(state)
    assert opt.betas == (0.9, 0.999)


@pytest.mark.parametrize("name", OPTIONS)
def test_a_parameter_the_loss_stops_reaching_steps_as_torch_with_zero_grads(name):
    """PyTorch oracle: torch.optim with zero_grad(set_to_none=False), whose unused tensor
    has a zero .grad, as nn's every parameter has (no None). Two parameters, the loss
    reaches u for 5 steps, then only w for 15: u goes on moving by its velocity, m and
    weight decay exactly as torch's does (its default, set_to_none=True, would leave it)."""
    torch = pytest.importorskip("torch")
    ours, theirs = OPTIONS[name]
    w, u = Value(0.5, kind="parameter"), Value(-0.7, kind="parameter")
    tw, tu = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (0.5, -0.7))
    mine, opt = ours([w, u]), theirs([tw, tu], torch.optim)
    for step in range(20):
        mine.zero_grad()
        opt.zero_grad(set_to_none=False)
        uses_u = step < 5
        ((w * 3.0 - 1.0) ** 2 + (u * w if uses_u else 0.0)).backward()
        ((tw * 3.0 - 1.0) ** 2 + (tu * tw if uses_u else 0.0)).backward()
        mine.step()
        opt.step()
        assert [w.data, u.data] == pytest.approx([tw.item(), tu.item()], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("backend", ["eager", "numpy"])
def test_dampening_switched_on_mid_run_matches_torch(backend):
    """PyTorch oracle: momentum without dampening for 4 steps (on the numpy backend the
    arrays start the buffers), then dampening 0.5 set on both (param_groups[0] in torch),
    then layer 3's bias, frozen so far, trained from step 8: after every step the weights
    agree to 1e-13, so the buffers the arrays started count as started and the bias's
    first step is v <- g."""
    torch = pytest.importorskip("torch")
    net = nn.MLP([2, 3, 2], seed=4)
    model = net.to_torch()
    mine = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    net.freeze("b3_1", "b3_2")
    model[2].bias.requires_grad_(False)
    how = dict(jit=False) if backend == "eager" else dict(backend="numpy")
    for step in range(12):
        if step == 4:
            mine.dampening = theirs.param_groups[0]["dampening"] = 0.5
        if step == 8:
            net.unfreeze("b3_1", "b3_2")
            model[2].bias.requires_grad_(True)
        _torch_step(torch, model, theirs)
        nn.train(net, X2, Y2, epochs=1, batch=None, optimizer=mine, progress=False, **how)
        assert _worst(model, net) < 1e-13, step


@pytest.mark.parametrize("name", OPTIONS)
def test_a_parameter_shared_by_two_layers_steps_as_torchs_tied_weight(name):
    """PyTorch oracle: one weight w used by two layers, h = tanh(0.8 w + b),
    o = σ(w h + b), loss (o − 1)², and the same with one tensor used twice: backward()
    adds both paths into w's .grad, and 20 steps of every option agree to 1e-12.
    Listed twice, [w, b, w], the parameter is stepped once (torch.optim would step it
    twice, with a warning)."""
    torch = pytest.importorskip("torch")
    ours, theirs = OPTIONS[name]
    w, b = Value(0.5, kind="parameter"), Value(0.1, kind="parameter")
    tw, tb = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (0.5, 0.1))
    mine, opt = ours([w, b, w]), theirs([tw, tb], torch.optim)
    assert len(mine.parameters) == 2
    for _ in range(20):
        mine.zero_grad()
        opt.zero_grad()
        h = (w * 0.8 + b).tanh()
        (((w * h + b).sigmoid() - 1.0) ** 2).backward()
        th = torch.tanh(tw * 0.8 + tb)
        ((torch.sigmoid(tw * th + tb) - 1.0) ** 2).backward()
        mine.step()
        opt.step()
        assert [w.data, b.data] == pytest.approx([tw.item(), tb.item()], rel=1e-12, abs=1e-15)


def _grid():
    """Every combination of each optimiser's options (name, torch.optim's keywords)."""
    import itertools
    for mu, nesterov, dampening, decay, maximize in itertools.product(
            [0.0, 0.9], [False, True], [0.0, 0.4], [0.0, 0.1], [False, True]):
        if (nesterov and not mu) or (nesterov and dampening) or (dampening and not mu):
            continue
        yield "SGD", dict(lr=0.1, momentum=mu, nesterov=nesterov, dampening=dampening,
                          weight_decay=decay, maximize=maximize)
    for kind, decay, amsgrad, maximize in itertools.product(
            ["Adam", "AdamW"], [0.0, 0.1], [False, True], [False, True]):
        yield kind, dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=decay,
                         amsgrad=amsgrad, maximize=maximize)


@pytest.mark.parametrize("kind, settings", list(_grid()),
                         ids=lambda x: x if isinstance(x, str) else
                         "-".join(f"{k}={v}" for k, v in x.items() if k not in ("lr", "betas", "eps")))
def test_every_combination_of_options_trains_a_network_as_torch(kind, settings):
    """PyTorch oracle: a 2-3-2 ReLU network and net.to_torch(), the same batch and loss,
    20 steps of nn's optimiser and torch.optim's with the same settings, lr divided by 3
    after step 10 (opt.lr, torch's param_groups[0]['lr']): the weights agree to 1e-12
    after every step."""
    torch = pytest.importorskip("torch")
    net = nn.MLP([2, 3, 2], activation="relu", seed=3)
    model = net.to_torch()
    mine = getattr(nn, kind)(net.parameters(), **settings)
    theirs = getattr(torch.optim, kind)(model.parameters(), **settings)
    for step in range(20):
        if step == 10:
            mine.lr = theirs.param_groups[0]["lr"] = settings["lr"] / 3
        _torch_step(torch, model, theirs)
        mine.zero_grad()
        nn.half_squared_error(net.batch(X2), Y2).backward()
        mine.step()
        assert _worst(model, net) < 1e-12, step


def test_a_state_saved_without_dampening_keeps_which_buffers_are_not_started():
    """Hand-derived oracle (torch.optim.SGD's first momentum step is v <- g, its buffer
    missing until then, whatever the dampening was): saved before any step with
    dampening 0, loaded, then dampening 0.5 set, the first step with η = 0.1, g = 0.5
    is w = 1 − 0.1·0.5 = 0.95, not the damped v = 0.5·0.5, w = 0.975."""
    w = Value(1.0, kind="parameter")
    saved = json.loads(json.dumps(nn.SGD([w], lr=0.1, momentum=0.9).state_dict()))
    assert saved["state"] == [{"velocity": None}]
    opt = nn.SGD([w], lr=1.0)
    opt.load_state_dict(saved)
    opt.dampening = 0.5
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.95, rel=1e-15)
    assert constant_gradient_steps(opt, w, [0.5]) == pytest.approx(0.95 - 0.1 * 0.7, rel=1e-15)


def test_plain_sgd_on_the_numpy_backend_with_a_frozen_weight_starts_no_buffer():
    """Hand-derived oracle: SGD without momentum keeps no momentum buffer (torch.optim's
    state is empty), so after training on the numpy backend with w2_12 frozen every
    velocity is None, and the first step with momentum and dampening switched on is
    v <- g, the plain step w − η g (a network trained without momentum throughout)."""
    nets = [nn.MLP([2, 3, 1], seed=0) for _ in range(2)]
    opts = [nn.SGD(net.parameters(), lr=0.1, dampening=0.5) for net in nets]
    for net, opt in zip(nets, opts):
        net.freeze("w2_12")
        nn.train(net, X, Y, epochs=2, batch=None, optimizer=opt, progress=False,
                 backend="numpy")
    assert [entry["velocity"] for entry in opts[0].state_dict()["state"]] == [None] * 13
    opts[0].momentum = 0.9
    for net, opt in zip(nets, opts):
        nn.train(net, X, Y, epochs=1, batch=None, optimizer=opt, progress=False)
    damped, plain = (net.state_dict() for net in nets)
    for key in plain:
        assert damped[key] == pytest.approx(plain[key], rel=1e-13, abs=1e-15), key


def test_state_to_torch_without_dampening_gives_a_tensor_partly_started_a_zero_buffer():
    """PyTorch oracle: with momentum and no dampening, a tensor one of whose parameters
    was frozen for a while (no buffer yet) goes to torch with 0.0 for it (μ·0 + g = g,
    the first step), and torch.optim.SGD goes on as nn's optimiser does."""
    torch = pytest.importorskip("torch")
    from nn.torch_bridge import state_to_torch
    net = nn.MLP([2, 3, 2], seed=4)
    mine = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net.freeze("w2_12")
    nn.train(net, X2, Y2, epochs=2, batch=None, optimizer=mine, progress=False)
    net.unfreeze("w2_12")
    model = net.to_torch()
    theirs = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    theirs.load_state_dict(state_to_torch(mine))
    assert theirs.state[model[0].weight]["momentum_buffer"][0, 1].item() == 0.0
    for _ in range(3):
        _torch_step(torch, model, theirs)
        mine.zero_grad()
        nn.half_squared_error(net.batch(X2), Y2).backward()
        mine.step()
        assert _worst(model, net) < 1e-13


def test_a_dicts_keys_have_an_order_and_are_taken_in_it():
    """Oracle: the order the keys were put in (Python keeps it; torch.optim refuses only
    a set and takes a dict's keys).  They were refused as 'a dict_keys, whose order is
    not defined'."""
    w1, w2 = Value(1.0, kind="parameter"), Value(2.0, kind="parameter")
    opt = nn.SGD(dict.fromkeys([w2, w1]).keys(), lr=0.1)
    assert opt.parameters == [w2, w1]
    opt.parameters = {w1: "first", w2: "second"}.keys()
    assert opt.parameters == [w1, w2]
    assert nn.Adam([w1], betas=dict.fromkeys([0.5, 0.9]).keys()).betas == (0.5, 0.9)

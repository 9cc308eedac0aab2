"""Optimiser state_dict() / load_state_dict(): saving and resuming training."""

import json
import math

import pytest

import nn
from autograd import Value

X = [[0.1, 0.2], [0.5, -0.3], [-0.7, 0.9], [0.3, 0.3]]
Y = [[1.0], [0.0], [0.5], [0.25]]

OPTIMIZERS = {
    "sgd-momentum": lambda params: nn.SGD(params, lr=0.1, momentum=0.9),
    "sgd-maximize": lambda params: nn.SGD(params, lr=0.05, momentum=0.5, maximize=True),
    "adam": lambda params: nn.Adam(params, lr=0.01, betas=(0.8, 0.99), eps=1e-7),
}
TRAIN = {"eager": dict(jit=False), "numpy": dict(backend="numpy")}


def plain(x):
    """Whether ``x`` is built only of dicts with str keys, lists, floats, ints, bools, strs."""
    if isinstance(x, dict):
        return all(isinstance(k, str) and plain(v) for k, v in x.items())
    if isinstance(x, list):
        return all(map(plain, x))
    return type(x) in (float, int, bool, str)


@pytest.mark.parametrize("backend", TRAIN)
@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_save_load_and_go_on_is_the_uninterrupted_run(kind, backend):
    """Consistency oracle: k steps, save net and optimiser through JSON, load both into a
    fresh net and optimiser, k more steps: bit for bit the uninterrupted 2k steps."""
    make, how = OPTIMIZERS[kind], TRAIN[backend]
    whole = nn.MLP([2, 3, 1], seed=0)
    nn.train(whole, X, Y, epochs=6, batch=2, optimizer=make(whole.parameters()),
             progress=False, **how)

    first = nn.MLP([2, 3, 1], seed=0)
    opt = make(first.parameters())
    nn.train(first, X, Y, epochs=3, batch=2, optimizer=opt, progress=False, **how)
    state = opt.state_dict()              # read while the numpy backend holds the numbers
    assert plain(state)
    saved = json.dumps({"net": first.state_dict(), "opt": state})
    assert json.loads(saved)["opt"] == state
    assert any(s[k] != 0.0 for s in state["state"] for k in s)    # state that matters

    loaded = json.loads(saved)
    second = nn.MLP([2, 3, 1], seed=7)
    resumed = make(second.parameters())
    second.load_state_dict(loaded["net"])
    resumed.load_state_dict(loaded["opt"])
    assert resumed.state_dict() == state
    nn.train(second, X, Y, epochs=3, batch=2, optimizer=resumed, progress=False, **how)
    assert second.state_dict() == whole.state_dict()


def test_adam_step_from_a_loaded_state_is_the_hand_derived_one():
    """Hand-derived oracle (Kingma and Ba, Algorithm 1), from t = 1, m = 0.1, v = 0.04
    loaded, g = 0.2, η = 0.01, β = (0.9, 0.999), ε = 1e-8: t = 2,
    m = 0.9·0.1 + 0.1·0.2 = 0.11, v = 0.999·0.04 + 0.001·0.04 = 0.04,
    m̂ = 0.11/(1 − 0.81) = 0.11/0.19, v̂ = 0.04/(1 − 0.998001) = 0.04/0.001999,
    Δw = −η m̂ / (√v̂ + ε) ≈ −0.00129424."""
    w = Value(0.5, kind="parameter")
    opt = nn.Adam([w], lr=0.01)
    opt.load_state_dict({"optimizer": "Adam", "t": 1, "state": [{"m": 0.1, "v": 0.04}],
                         "param_groups": [{"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8,
                                           "maximize": False, "params": [0]}]})
    w.grad = 0.2
    opt.step()
    expected = -0.01 * (0.11 / 0.19) / (math.sqrt(0.04 / 0.001999) + 1e-8)
    assert w.data - 0.5 == pytest.approx(expected, rel=1e-9)
    assert w.data - 0.5 == pytest.approx(-0.00129424, rel=1e-5)
    state = opt.state_dict()
    assert state["t"] == 2
    assert state["state"][0]["m"] == pytest.approx(0.11, rel=1e-12)
    assert state["state"][0]["v"] == pytest.approx(0.04, rel=1e-12)


def test_sgd_step_from_a_loaded_velocity_is_the_hand_derived_one():
    """Hand-derived oracle (v <- μ v + g, w <- w − η v): v = 0.3 loaded, μ = 0.9, g = 0.2,
    η = 0.1: v = 0.47, w = 1.0 − 0.047 = 0.953."""
    w = Value(1.0, kind="parameter")
    opt = nn.SGD([w], lr=0.5)
    opt.load_state_dict({"optimizer": "SGD", "state": [{"velocity": 0.3}],
                         "param_groups": [{"lr": 0.1, "momentum": 0.9, "maximize": False,
                                           "params": [0]}]})
    assert (opt.lr, opt.momentum) == (0.1, 0.9)
    w.grad = 0.2
    opt.step()
    assert w.data == pytest.approx(0.953, rel=1e-12)
    assert opt.state_dict()["state"][0]["velocity"] == pytest.approx(0.47, rel=1e-12)


def _trained_adam():
    net = nn.MLP([2, 3, 1], seed=0)
    opt = nn.Adam(net.parameters(), lr=0.01)
    nn.train(net, X, Y, epochs=2, optimizer=opt, progress=False, jit=False)
    return net, opt


def _with(state, path, value):
    """A copy of ``state`` (through JSON) with the entry at ``path`` set (DROP: removed)."""
    state = json.loads(json.dumps(state))
    *outer, last = path
    holder = state
    for key in outer:
        holder = holder[key]
    if value is DROP:
        del holder[last]
    else:
        holder[last] = value
    return state


DROP = object()
BAD = [
    (("t",), DROP, ValueError, "the state is missing the key 't'"),
    (("extra",), 1, ValueError, "the state has an unknown key 'extra'"),
    (("param_groups", 0, "lr"), -0.5, ValueError, "param_groups[0]: 'lr' must be a positive"),
    (("param_groups", 0, "eps"), DROP, ValueError, "param_groups[0] is missing the key 'eps'"),
    (("param_groups", 0, "momentum"), 0.9, ValueError,
     "param_groups[0] has an unknown key 'momentum'"),
    (("param_groups", 0, "betas"), [0.9, 1.5], ValueError, "'betas' must be two numbers"),
    (("param_groups", 0, "params"), [0, 1], ValueError, "this Adam has 13 parameters"),
    (("state", 5, "m"), "0.1", ValueError, "state[5]['m'] must be a finite number, got '0.1'"),
    (("state", 5, "m"), True, ValueError, "state[5]['m'] must be a finite number"),
    (("state", 7, "v"), -1e-3, ValueError, "state[7]['v'] must be a non-negative"),
    (("state", 7, "v"), DROP, ValueError, "state[7] is missing the key 'v'"),
    (("state", 12), DROP, ValueError, "'state' has 12 entries, but this Adam has 13 parameters"),
    (("state", 2), [0.0, 0.0], TypeError, "state[2] must be a dict"),
    (("state",), {"0": {"m": 0.0, "v": 0.0}}, TypeError, "'state' must be a list"),
    (("t",), 2.5, ValueError, "'t' (the step count) must be an int >= 0"),
    (("optimizer",), "SGD", ValueError, "'optimizer' is 'SGD', but this is 'Adam'"),
]


@pytest.mark.parametrize("path, value, error, message", BAD, ids=[m for *_, m in BAD])
def test_bad_state_is_refused_in_one_line_and_changes_nothing(path, value, error, message):
    """Each bad entry is named (key, parameter index), and the settings, state and
    parameters are as before the call."""
    net, opt = _trained_adam()
    before, params = opt.state_dict(), net.state_dict()
    settings = (opt.lr, opt.betas, opt.eps, opt.maximize, opt.t)
    with pytest.raises(error) as caught:
        opt.load_state_dict(_with(before, path, value))
    text = str(caught.value)
    assert text.startswith("Adam.load_state_dict: ") and message in text and "\n" not in text
    assert opt.state_dict() == before
    assert (opt.lr, opt.betas, opt.eps, opt.maximize, opt.t) == settings
    assert net.state_dict() == params


def test_another_optimizers_state_is_refused_both_ways():
    """An SGD's state into an Adam and an Adam's into an SGD: named, nothing changed."""
    net, adam = _trained_adam()
    sgd = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    adam_state, sgd_state = adam.state_dict(), sgd.state_dict()
    with pytest.raises(ValueError, match="'optimizer' is 'SGD', but this is 'Adam'"):
        adam.load_state_dict(sgd_state)
    with pytest.raises(ValueError, match="'optimizer' is 'Adam', but this is 'SGD'"):
        sgd.load_state_dict(adam_state)
    assert adam.state_dict() == adam_state and sgd.state_dict() == sgd_state
    with pytest.raises(TypeError, match="the state must be a dict"):
        sgd.load_state_dict([("lr", 0.1)])


def test_a_failed_load_into_a_resident_optimizer_loses_nothing():
    """After numpy-backend training, a bad load leaves the numbers the run left."""
    net = nn.MLP([2, 3, 1], seed=0)
    opt = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    nn.train(net, X, Y, epochs=2, optimizer=opt, progress=False, backend="numpy")
    before = opt.state_dict()
    with pytest.raises(ValueError, match=r"state\[3\]\['velocity'\] must be a finite number"):
        opt.load_state_dict(_with(before, ("state", 3, "velocity"), float("nan")))
    assert opt.state_dict() == before


@pytest.mark.parametrize("kind", ["sgd-momentum", "adam"])
def test_rewinding_a_resident_optimizer_by_loading_an_earlier_state(kind):
    """Consistency oracle: on the numpy backend, 3 epochs, save, 2 more, load the saved
    state into the same (resident) net and optimiser, 3 more: the uninterrupted 6."""
    make, how = OPTIMIZERS[kind], TRAIN["numpy"]
    whole = nn.MLP([2, 3, 1], seed=0)
    nn.train(whole, X, Y, epochs=6, batch=2, optimizer=make(whole.parameters()),
             progress=False, **how)
    net = nn.MLP([2, 3, 1], seed=0)
    opt = make(net.parameters())
    nn.train(net, X, Y, epochs=3, batch=2, optimizer=opt, progress=False, **how)
    saved = json.dumps([net.state_dict(), opt.state_dict()])
    nn.train(net, X, Y, epochs=2, batch=2, optimizer=opt, progress=False, **how)
    net_state, opt_state = json.loads(saved)
    opt.load_state_dict(opt_state)        # while the store holds the optimiser's state
    net.load_state_dict(net_state)
    nn.train(net, X, Y, epochs=3, batch=2, optimizer=opt, progress=False, **how)
    assert net.state_dict() == whole.state_dict()


def test_frozen_parameters_keep_their_state_through_a_save_and_load():
    """Consistency oracle: with a layer frozen, save and resume equals the uninterrupted
    run, on the numpy backend; the frozen parameters' entries are saved too."""
    def start():
        net = nn.MLP([2, 3, 1], seed=0)
        opt = nn.Adam(net.parameters(), lr=0.01)
        nn.train(net, X, Y, epochs=2, batch=2, optimizer=opt, progress=False)
        net.layers[0].freeze()
        return net, opt
    whole, opt = start()
    nn.train(whole, X, Y, epochs=4, batch=2, optimizer=opt, progress=False, backend="numpy")
    net, opt = start()
    nn.train(net, X, Y, epochs=2, batch=2, optimizer=opt, progress=False, backend="numpy")
    saved = json.loads(json.dumps([net.state_dict(), opt.state_dict()]))
    assert len(saved[1]["state"]) == 13
    again = nn.MLP([2, 3, 1], seed=3)
    resumed = nn.Adam(again.parameters())
    again.layers[0].freeze()
    again.load_state_dict(saved[0])
    resumed.load_state_dict(saved[1])
    nn.train(again, X, Y, epochs=2, batch=2, optimizer=resumed, progress=False, backend="numpy")
    assert again.state_dict() == whole.state_dict()


class _CtrlCEntry(dict):
    """A state entry whose numbers raise KeyboardInterrupt when read (Ctrl-C mid-load)."""

    def __getitem__(self, key):
        raise KeyboardInterrupt


def test_ctrl_c_while_a_state_is_read_loses_nothing():
    """A KeyboardInterrupt while the last parameter's entry is read propagates, and the
    settings, the state of the parameters read before it and t are as before."""
    net, opt = _trained_adam()
    before = opt.state_dict()
    new = _with(before, ("param_groups", 0, "lr"), 0.5)
    new["t"] = 99
    new["state"] = [{"m": 1.0, "v": 1.0} for _ in range(12)] + [_CtrlCEntry(m=1.0, v=1.0)]
    with pytest.raises(KeyboardInterrupt):
        opt.load_state_dict(new)
    assert opt.state_dict() == before and opt.lr == 0.01 and opt.t == before["t"]

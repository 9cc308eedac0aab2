"""Every nn error: what raises, and that the message names what was wrong."""

import json
import math
import re

import pytest

import nn
from autograd import Value

XOR_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment (plain text)."""
    return pytest.raises(kind, match="(?s)" + "".join(f"(?=.*{re.escape(f)})" for f in fragments))


# -- building networks -------------------------------------------------------

def test_unknown_activation_lists_the_known_ones():
    with raises(ValueError, "'softmax'", "'sigmoid'", "'tanh'", "'relu'", "'linear'"):
        nn.MLP([2, 3, 1], activation="softmax")
    with raises(ValueError, "layer 3", "'gelu'"):
        nn.MLP([2, 3, 1], activation=["relu", "gelu"])


def test_activation_list_of_the_wrong_length():
    with raises(ValueError, "one name for every layer", "(2)", "got 3"):
        nn.MLP([2, 3, 1], activation=["relu", "relu", "linear"])


@pytest.mark.parametrize("sizes, fragment", [
    ([2], "at least two sizes"), ([2, 0, 1], "layer 2 must be a positive int, got int 0"),
    ([2, 1.5], "got float 1.5"), ("2-3-1", "list of layer sizes")])
def test_bad_sizes(sizes, fragment):
    with pytest.raises((ValueError, TypeError), match=re.escape(fragment)):
        nn.MLP(sizes)


def test_numpy_int_sizes_are_sizes():
    """Found by building nn.MLP(np.array([2, 3, 1])) (sizes kept as an array): 'MLP size
    of layer 1 must be a positive int, got int64 np.int64(2)'.  Oracle: the same
    network from a list, parameter for parameter."""
    np = pytest.importorskip("numpy")
    net = nn.MLP(np.array([2, 3, 1]), seed=0)
    assert net.sizes == [2, 3, 1] and all(type(n) is int for n in net.sizes)
    assert net.state_dict() == nn.MLP([2, 3, 1], seed=0).state_dict()


def test_wrong_input_length_names_both_sizes():
    net = nn.MLP([2, 3, 1], seed=0)
    with raises(ValueError, "MLP 2-3-1 expects 2 inputs, got 3"):
        net([1.0, 2.0, 3.0])
    with raises(ValueError, "Layer 2 expects 2 inputs, got 1"):
        net.layers[0]([1.0])
    with raises(ValueError, "expects 2 inputs, got 1"):
        net.layers[0].neurons[0]([1.0])


def test_inputs_that_are_not_numbers():
    net = nn.MLP([2, 1], seed=0)
    with raises(TypeError, "input x2 must be a number or a Value", "str 'a'"):
        net([1.0, "a"])
    with raises(TypeError, "inputs must be a list", "e.g. [0.5]"):
        net(0.5)


def test_a_batch_given_to_net_of_x_says_which_calls_take_one():
    """A PyTorch model takes a batch, model(X); net(X) took it for one sample and said
    "MLP 2-3-1 expects 2 inputs, got 4" (4 samples read as 4 inputs), or, with as
    many samples as inputs, "input x1 must be a number or a Value, got list".  Both
    now name the calls that take a list of samples; one sample is as before."""
    net = nn.MLP([2, 3, 1], seed=0)
    hint = "; for a list of samples use net.batch(X) or net.predict(X)"
    with pytest.raises(ValueError) as caught:
        net([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert str(caught.value) == "MLP 2-3-1 expects 2 inputs, got 4" + hint
    with pytest.raises(TypeError) as caught:
        net([[0, 0], [0, 1]])
    assert str(caught.value) == "MLP 2-3-1: input x1 must be a number or a Value, got list " \
                                "[0, 0]" + hint
    with pytest.raises(ValueError) as caught:
        net([1.0, 2.0, 3.0])
    assert str(caught.value) == "MLP 2-3-1 expects 2 inputs, got 3"


def test_micrograds_mlp_signature_is_answered_with_nn_sizes():
    """micrograd builds MLP(3, [4, 4, 1]) (inputs, then the layers' widths); here that
    said only 'sizes must be a list ... got int 3'.  Now it names the nn.MLP call."""
    with pytest.raises(TypeError) as caught:
        nn.MLP(3, [4, 4, 1])
    assert str(caught.value) == ("MLP sizes must be a list of layer sizes like [2, 3, 1], got "
                                 "int 3 (micrograd's MLP(3, [4, 4, 1]) is "
                                 "nn.MLP([3, 4, 4, 1]))")
    with pytest.raises(TypeError) as caught:
        nn.MLP(3)
    assert str(caught.value) == ("MLP sizes must be a list of layer sizes like [2, 3, 1], got "
                                 "int 3")


def test_predict_on_a_flat_list_for_a_one_input_network_says_how_to_give_samples():
    """Fitting sin(x), X = np.linspace(-π, π, 64): net.predict(X) on a 1-n-1 network
    said 'MLP 1-4-1 expects 1 inputs, got 64' (one sample of 64 inputs), the reading
    that is almost never meant.  Now it says how to give the samples; the rows give
    the outputs of single calls."""
    net = nn.MLP([1, 4, 1], seed=0)
    with pytest.raises(ValueError) as caught:
        net.predict([0.1, 0.2, 0.3])
    assert str(caught.value) == ("MLP 1-4-1 expects 1 input, got 3; for 3 samples of one "
                                 "input each give a list of rows, [[x] for x in X] (a numpy "
                                 "array: X.reshape(-1, 1))")
    assert net.predict([[0.1], [0.2]]) == [net.predict([0.1]), net.predict([0.2])]
    with pytest.raises(ValueError) as caught:
        nn.MLP([2, 1], seed=0).predict([0.1, 0.2, 0.3])
    assert str(caught.value) == "MLP 2-1 expects 2 inputs, got 3"


def test_explicit_weights_of_the_wrong_shape():
    with raises(ValueError, "weights must have 2 matrices", "got 1"):
        nn.MLP([2, 3, 1], weights=[[[0.1, 0.2]] * 3])
    with raises(ValueError, "weights of layer 2 must have 3 rows", "got 2"):
        nn.MLP([2, 3, 1], weights=[[[0.1, 0.2]] * 2, [[0.1] * 3]])
    with raises(ValueError, "weights of layer 3 neuron 1 must have 3 numbers", "got 2"):
        nn.MLP([2, 3, 1], weights=[[[0.1, 0.2]] * 3, [[0.1] * 2]])
    with raises(TypeError, "weight w2_32 must be a real number", "str 'x'"):
        nn.MLP([2, 3, 1], weights=[[[0.1, 0.2], [0.1, 0.2], [0.1, "x"]], [[0.1] * 3]])
    with raises(ValueError, "biases of layer 3 must have 1 number (one per", "got 2"):
        nn.MLP([2, 3, 1], biases=[[0.0] * 3, [0.0, 0.0]])


def test_bias_modes():
    with raises(ValueError, "bias must be 'trainable', 'none' or a number", "'fixed'"):
        nn.MLP([1, 1], bias="fixed")
    with raises(ValueError, "biases were given but bias='none'"):
        nn.MLP([1, 1], bias="none", biases=[[0.5]])
    with raises(ValueError, "bias=1.0", "initial biases need bias='trainable'"):
        nn.MLP([1, 1], bias=1.0, biases=[[0.5]])



@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_initial_numbers_must_be_finite(bad):
    """Found by building nn.MLP([2, 3, 1], weights=[[[1, nan]] * 3, [[1, 2, 3]]]) and
    bias=nan: both were taken, and nn.train then said 'the loss became nan in epoch 1
    (lr=0.1); try a smaller lr', blaming the learning rate for the user's number."""
    with raises(ValueError, "weight w2_12 must be a finite number", repr(bad)):
        nn.MLP([2, 3, 1], weights=[[[1, bad]] * 3, [[1, 2, 3]]])
    with raises(ValueError, "bias b2_2 must be a finite number", repr(bad)):
        nn.MLP([2, 3, 1], biases=[[0, bad, 0], [0]])
    with raises(ValueError, "bias must be", "a finite constant bias", repr(bad)):
        nn.MLP([2, 3, 1], bias=bad)
    with raises(ValueError, "layer 3: bias must be", repr(bad)):
        nn.MLP([2, 3, 1], bias=["trainable", bad])


def test_a_numpy_scalar_is_a_constant_bias():
    """Found by giving Mazur's bias=[0.35, 0.60] as numpy float32 scalars (read from an
    array): 'bias must be ... a number, got float32 np.float32(0.35)'."""
    np = pytest.importorskip("numpy")
    net = nn.MLP([2, 2], bias=np.float32(0.5), weights=[[[0.0, 0.0], [0.0, 0.0]]])
    assert net.predict([1.0, 1.0]) == [1 / (1 + math.exp(-0.5))] * 2   # σ(0·x + 0.5)
    assert nn.MLP([2, 2], bias=[np.int64(1)], seed=0).layers[0].bias_mode == "constant"

def test_seed_must_be_an_int():
    with raises(TypeError, "seed must be an int or None", "float 1.5"):
        nn.MLP([1, 1], seed=1.5)


def test_names():
    with raises(ValueError, "names='net'", "needs MLP([1, 1, 1])", "[2, 3, 1]"):
        nn.MLP([2, 3, 1], names="net")
    with raises(ValueError, "names='seed' is now names='net'"):   # the old name
        nn.MLP([1, 1, 1], names="seed")
    with raises(KeyError, "'w9_11' not in this network", "known: x1, w2_11"):
        nn.MLP([1, 1], names={"w9_11": "v"})
    with raises(ValueError, "'v' given to both 'w2_11' and 'b2_1'"):
        nn.MLP([1, 1], names={"w2_11": "v", "b2_1": "v"})
    with raises(TypeError, "names must be 'nielsen', 'net' or a dict"):
        nn.MLP([1, 1], names=["w"])


def test_parameter_lookup_lists_the_known_names():
    net = nn.MLP([1, 1, 1], seed=0)
    with raises(KeyError, "MLP has no parameter 'w1'", "known: w2_11, b2_1, w3_11, b3_1"):
        net.parameter("w1")
    assert str(pytest.raises(KeyError, net.parameter, "w1").value).startswith("MLP has")


def test_unknown_layer_number():
    with raises(IndexError, "layers 2..3", "got 1"):
        nn.MLP([2, 3, 1], seed=0).layer(1)


def test_latex_name_of_an_unknown_name():
    with raises(ValueError, "'weight' is not an nn node name", "w2_11"):
        nn.latex_name("weight")


# -- state_dict ----------------------------------------------------------------

def test_load_state_dict_missing_extra_and_non_numbers_change_nothing():
    net = nn.MLP([1, 1, 1], seed=0)
    before = net.state_dict()
    state = dict(before)
    del state["b3_1"]
    with raises(KeyError, "missing key(s) 'b3_1'"):
        net.load_state_dict(state)
    with raises(KeyError, "unexpected key(s) 'w9_99'", "missing key(s) 'b3_1'"):
        net.load_state_dict({**state, "w9_99": 1.0})
    for bad in ("0.5", None, True, [0.5]):
        with raises(TypeError, "'w3_11' needs a real number", repr(bad)):
            net.load_state_dict({**before, "w2_11": 9.0, "w3_11": bad})
    with raises(TypeError, "expected a dict"):
        net.load_state_dict([("w2_11", 1.0)])
    assert net.state_dict() == before  # nothing was loaded by the failed calls


def test_load_state_dict_refuses_nan_and_inf_naming_the_key_and_changes_nothing():
    """Found by loading a state dict holding NaN: it loaded, and training then said
    "the loss became nan in epoch 1 (lr=0.1); try a smaller lr", blaming the learning
    rate.  Oracle: the hand-written message and the numbers before the call."""
    net = nn.MLP([2, 3, 1], seed=1)
    before = net.state_dict()
    for bad in (math.nan, math.inf, -math.inf, json.loads("NaN")):
        with pytest.raises(ValueError) as caught:
            net.load_state_dict({**before, "w2_11": 9.0, "b2_3": bad})
        assert str(caught.value) == f"load_state_dict: 'b2_3' must be a finite number, got {bad!r}"
        assert net.state_dict() == before   # w2_11 was not loaded either
    np = pytest.importorskip("numpy")
    with raises(ValueError, "load_state_dict: 'w3_11' must be a finite number, got nan"):
        net.load_state_dict({**before, "w3_11": np.float64("nan")})
    assert net.state_dict() == before


# -- losses --------------------------------------------------------------------

def test_loss_lengths_must_match():
    outs = [Value(0.1), Value(0.2)]
    with raises(ValueError, "half_squared_error: 2 outputs but 3 targets"):
        nn.half_squared_error(outs, [1.0, 0.0, 1.0])
    with raises(ValueError, "half_mean_squared_error: 2 samples of outputs but 1 sample of targets"):
        nn.half_mean_squared_error([outs, outs], [[1.0, 0.0]])
    with raises(ValueError, "sample 2: 2 outputs but 1 target [1.0]"):
        nn.half_mean_squared_error([outs, outs], [[1.0, 0.0], [1.0]])


def test_loss_inputs_of_the_wrong_type():
    with raises(TypeError, "target y must be a number or a Value", "str 'one'"):
        nn.half_squared_error([Value(0.5)], ["one"])
    with raises(TypeError, "output 1 must be a Value", "float 0.5"):
        nn.half_squared_error([0.5], [1.0])


# -- SGD and train -------------------------------------------------------------

def test_sgd_arguments():
    w = Value(1.0)
    for lr in (0, -0.1, float("nan"), "0.1"):
        with raises(ValueError, "lr must be a positive finite number", repr(lr)):
            nn.SGD([w], lr)
    with raises(ValueError, "momentum must be a number in [0, 1)", "1.5"):
        nn.SGD([w], 0.1, momentum=1.5)
    with raises(ValueError, "parameter 1", "derived add node"):
        nn.SGD([w, w + 1], 0.1)
    with raises(TypeError, "parameter 0 must be a Value", "float"):
        nn.SGD([1.0], 0.1)
    with raises(ValueError, "empty parameter list"):
        nn.SGD([], 0.1)


def test_train_arguments():
    net = nn.MLP([2, 2, 1], seed=0)
    with raises(ValueError, "4 input samples but 3 target samples"):
        nn.train(net, XOR_INPUTS, [0, 1, 1], epochs=1, lr=0.1, progress=False)
    with raises(ValueError, "unknown loss 'mse'", "'half_squared_error'"):
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epochs=1, lr=0.1, loss="mse")
    with raises(ValueError, "sample 2: the network expects 2 inputs", "[1]"):
        nn.train(net, [[0, 0], [1]], [0, 1], epochs=1, lr=0.1)
    with raises(ValueError, "train: epochs must be a positive int, got int 0"):
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epochs=0, lr=0.1)
    with raises(ValueError, "train: batch must be a positive int, got int 0"):
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epochs=1, lr=0.1, batch=0)
    with raises(TypeError, "progress must be True, False or a function"):
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epochs=1, lr=0.1, progress="yes")


@pytest.mark.parametrize("given, optimiser, kind", [
    ({"lr": 0.1, "momentum": 0.9, "nesterov": True},
     "nn.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True)", nn.SGD),
    ({"lr": 0.1, "nesterov": True}, "nn.SGD(net.parameters(), lr=0.1, momentum=..., nesterov=True)",
     nn.SGD),
    ({"lr": 0.1, "dampening": 0.5},
     "nn.SGD(net.parameters(), lr=0.1, momentum=..., dampening=0.5)", nn.SGD),
    ({"lr": 0.1, "weight_decay": 1e-4}, "nn.SGD(net.parameters(), lr=0.1, weight_decay=0.0001)",
     nn.SGD),
    ({"amsgrad": True}, "nn.Adam(net.parameters(), amsgrad=True)", nn.Adam),
    ({"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-6},
     "nn.Adam(net.parameters(), lr=0.01, betas=(0.9, 0.99), eps=1e-06)", nn.Adam),
    ({"lr": 0.1, "maximize": True}, "nn.SGD(net.parameters(), lr=0.1, maximize=True)", nn.SGD),
])
def test_an_optimiser_setting_given_to_train_names_the_optimiser_that_takes_it(given, optimiser,
                                                                                kind):
    """nesterov=True, weight_decay=, amsgrad=True, betas=, eps=, maximize=True given to
    nn.train (torch.optim's keywords) got Python's bare 'unexpected keyword argument';
    now one line names the keyword and the optimiser call that takes it, before anything
    changes.  Oracle: that call, run (a momentum for '...'), builds the optimiser with
    the settings given, and the network's numbers and .grads are as before."""
    net = nn.MLP([2, 2, 1], seed=0)
    before = (net.state_dict(), [p.grad for p in net.parameters()])
    unknown = [key for key in given if key not in ("lr", "momentum")]
    moved = [key for key in ("lr", "momentum") if key in given]
    fragments = [f"train: {', '.join(unknown)} ", "of the optimiser, not of train()",
                 f"optimizer={optimiser}"]
    if moved:
        fragments.append(f"leave {' and '.join(moved)} out of train()")
    with raises(TypeError, *fragments):
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epochs=1, progress=False, **given)
    assert (net.state_dict(), [p.grad for p in net.parameters()]) == before
    assert "_compiled_losses" not in vars(net)
    built = eval(optimiser.replace("...", "0.5"), {"nn": nn, "net": net})
    assert type(built) is kind
    assert all(getattr(built, key) == value for key, value in given.items())
    with pytest.raises(TypeError, match=r"^train\(\) got an unexpected keyword argument "
                       r"'epoch'(\. Did you mean 'epochs'\?)?$"):   # (3.13 suggests)
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epoch=1, lr=0.1)    # not a setting: Python's


def test_diverging_training_stops_and_keeps_the_history():
    net = nn.MLP([1, 1], activation="linear", weights=[[[1.0]]], biases=[[0.0]])
    with pytest.raises(nn.TrainingDiverged, match=r"(became (inf|nan)|overflowed) in epoch \d+ \(lr=1000.0\)") as err:
        nn.train(net, [[10.0]], [0.0], epochs=500, lr=1000.0, progress=False)
    history = err.value.history
    assert len(history) >= 2 and history[1] > history[0]


@pytest.mark.parametrize("jit", [False, True])
def test_an_overflow_names_the_sample_of_the_data_set_and_blames_lr_only_after_a_step(jit):
    """A target of 1e300 overflowed ½(y − a)² at sample 3, and the error said '(sample 1
    of the batch)', the wrong sample, and 'try a smaller lr'; at sample 1, before any
    step, lr plays no part.  Now the data set's sample, and lr blamed only after a
    step (and not for a target whose square overflows: the test below).  Oracle: the
    weights of two hand-written SGD steps on samples 1 and 2."""
    X, Y = [[0.5], [-0.5], [1.0], [0.0]], [0.2, 0.8, 1e300, 0.1]
    net, twin = (nn.MLP([1, 1], activation="linear", weights=[[[0.3]]], biases=[[0.1]])
                 for _ in range(2))
    with pytest.raises(nn.TrainingDiverged) as caught:
        nn.train(net, X, Y, epochs=1, lr=0.1, progress=False, jit=jit)
    message = str(caught.value)
    assert message.startswith("train: a number overflowed in epoch 1 (lr=0.1) at sample 3, "
                              "not lr: its target 1 = 1e+300 is past √(largest float) ≈ "
                              "1.34e154, so (y − a)² overflows for any output a of ordinary "
                              "size; scale the targets. ")
    assert "batch" not in message and "\n" not in message
    w, b = 0.3, 0.1
    for x, y in zip(X[:2], Y[:2]):
        a = w * x[0] + b
        w, b = w - 0.1 * (a - y) * x[0], b - 0.1 * (a - y)
    assert net.parameter("w2_11").data == pytest.approx(w, rel=1e-15)
    assert net.parameter("b2_1").data == pytest.approx(b, rel=1e-15)
    with pytest.raises(nn.TrainingDiverged) as caught:
        nn.train(twin, X[2:], Y[2:], epochs=1, lr=0.1, progress=False, jit=jit)
    assert str(caught.value).startswith("train: a number overflowed in epoch 1 (lr=0.1) at "
                                        "sample 1, before any step of this run, so not lr")
    assert twin.state_dict() == {"w2_11": 0.3, "b2_1": 0.1}


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_target_whose_square_overflows_is_blamed_not_lr(backend):
    """Found by training on a target of 1e200 at sample 3: 'a number overflowed in epoch 1
    (lr=0.1) at sample 3, try a smaller lr', though (y − a)² overflows for that y whatever
    lr is.  Oracle: a learning rate 10^11 times smaller overflows at the same sample
    (so lr is not the cause: (1e200 − a)² > 1.8e308 for any a of ordinary size), and a
    run that does diverge by lr, with ordinary targets, is still told to lower it."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    X, Y = [[0.5], [-0.5], [1.0], [0.0]], [0.2, 0.8, 1e200, 0.1]
    for lr in (0.1, 1e-12):
        net = nn.MLP([1, 1], activation="linear", weights=[[[0.3]]], biases=[[0.1]])
        with pytest.raises(nn.TrainingDiverged) as caught:
            nn.train(net, X, Y, epochs=1, lr=lr, progress=False, backend=backend)
        assert str(caught.value).startswith(
            f"train: a number overflowed in epoch 1 (lr={lr}) at sample 3, not lr: its "
            f"target 1 = 1e+200 is past √(largest float) ≈ 1.34e154, so (y − a)² overflows "
            f"for any output a of ordinary size; scale the targets. ")
    net = nn.MLP([1, 1], activation="linear", weights=[[[0.3]]], biases=[[0.1]])
    with pytest.raises(nn.TrainingDiverged, match=r"try a smaller lr"):
        nn.train(net, X[:2] * 3, Y[:2] * 3, epochs=30, lr=1e100, progress=False,
                 backend=backend)


@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_parameter_that_is_not_finite_before_training_is_named_not_lr(backend, bad):
    """Found by setting a weight to NaN (p.data = nan, or what a diverged run left)
    and training: an epoch ran on it, every weight it reached became nan, and the error
    said 'the loss became nan in epoch 1 (lr=0.1); try a smaller lr', which cannot
    help.  nn.MLP and load_state_dict refuse such a number; train now does too, before
    the first step, naming the parameter.  Oracle: the network as it was."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([2, 2, 1], seed=0)
    net.parameter("w3_12").data = bad
    net.freeze("b2_2")
    before = [(p.data, p.grad) for _, p in net._named_parameters()]
    with pytest.raises(ValueError) as caught:
        nn.train(net, XOR_INPUTS, [0, 1, 1, 0], epochs=2, lr=0.1, progress=False,
                 backend=backend)
    message = str(caught.value)
    assert message.startswith(f"train: parameter w3_12 is {bad!r} before the first step")
    assert "lr" not in message and "\n" not in message
    after = [(p.data, p.grad) for _, p in net._named_parameters()]
    assert [repr(x) for x in after] == [repr(x) for x in before]


def test_training_again_after_the_numpy_backend_diverged_names_the_parameter():
    """Found by training again a network the numpy backend had diverged (Adam's
    m̂/(√v̂ + ε) with m and v infinite is inf/inf): its arrays held nan, and the second
    run, with a sane lr, said 'the loss became nan in epoch 1 (lr=0.01); try a smaller
    lr'.  Oracle: the numbers the first run left (read after it), unchanged, and a
    message naming the parameter that is nan."""
    pytest.importorskip("numpy")
    net = nn.MLP([1, 1], activation="linear", weights=[[[1e150]]], biases=[[0.0]])
    X, Y = [[10.0], [-10.0], [5.0], [1.0]], [0.0, 1.0, 0.0, 1.0]
    with pytest.raises(nn.TrainingDiverged):
        nn.train(net, X, Y, epochs=5, optimizer=nn.Adam(net.parameters(), lr=1e160),
                 progress=False, backend="numpy")
    again = nn.Adam(net.parameters(), lr=0.01)
    with pytest.raises(ValueError) as caught:
        nn.train(net, X, Y, epochs=5, optimizer=again, progress=False, backend="numpy")
    assert str(caught.value).startswith("train: parameter w2_11 is nan before the first step")
    left = [p.data for p in net.parameters()]
    assert math.isnan(left[0])
    with pytest.raises(ValueError):
        nn.train(net, X, Y, epochs=5, optimizer=again, progress=False, backend="numpy")
    assert [repr(p.data) for p in net.parameters()] == [repr(x) for x in left]
    assert again.t == 0


def test_load_state_dict_takes_numpy_scalars_and_names_a_huge_int():
    np = pytest.importorskip("numpy")
    net = nn.MLP([1, 1, 1], seed=0)
    before = net.state_dict()
    net.load_state_dict({**before, "w2_11": np.float32(0.25)})
    assert net.parameter("w2_11").data == 0.25
    with raises(OverflowError, "load_state_dict: 'w3_11': the int of 401 digits"):
        net.load_state_dict({**before, "w3_11": 10 ** 400})
    with raises(TypeError, "load_state_dict: 'w3_11' needs a real number", "bool"):
        net.load_state_dict({**before, "w3_11": np.True_})
    assert net.state_dict()["w3_11"] == before["w3_11"]


def test_train_takes_numpy_arrays():
    np = pytest.importorskip("numpy")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([0.0, 1.0, 1.0, 0.0])
    net = nn.MLP([2, 3, 1], seed=1)
    history = nn.train(net, X, Y, epochs=2, lr=0.5, progress=False)
    assert len(history) == 2 and all(np.isfinite(history))


def test_jit_loss_takes_a_name_with_either_backend_and_refuses_unknown_ones():
    """net.jit_loss("cross_entropy") is net.jit_loss(nn.cross_entropy) with the
    Python backend too (consistency: the same C and gradients as the function)."""
    net = nn.MLP([2, 3, 2], seed=3)
    by_name = net.jit_loss("cross_entropy")
    C_name = by_name(0.5, -0.2, 0.0, 1.0)
    grads_name = [p.grad for p in net.parameters()]
    net.zero_grad()
    C_function = net.jit_loss(nn.cross_entropy)(0.5, -0.2, 0.0, 1.0)
    assert C_name == C_function
    assert grads_name == [p.grad for p in net.parameters()]
    with raises(ValueError, "jit_loss: unknown loss 'squared'", "'half_squared_error'"):
        net.jit_loss("squared")
    with raises(TypeError, "jit_loss: loss must be a name", "got int 3"):
        net.jit_loss(3)


@pytest.mark.parametrize("samples, shown", [(5, "int 5"), ("ab", "str 'ab'"),
                                            ("zero-d", "ndarray array(1.)"),
                                            ({0: (1.0, 2.0, 1.0)}, "dict {0: (1.0, 2.0, 1.0)}")])
def test_the_numpy_program_names_samples_that_are_not_rows(samples, shown):
    np = pytest.importorskip("numpy")
    if samples == "zero-d":
        samples = np.array(1.0)
    net = nn.MLP([2, 3, 1], seed=1)
    program = net.jit_loss("half_squared_error", backend="numpy")
    with raises(TypeError, "half_squared_error.batch: samples must be a list of rows",
                "or a 2-d array, got " + shown):
        program.batch(samples)
    assert all(p.grad == 0.0 for p in net.parameters())


def test_the_numpy_program_reads_a_set_of_rows_as_its_rows():
    """A set of rows is read as the list of them (it was 'set' object is not
    subscriptable); oracle: the same row given in a list (a consistency check)."""
    pytest.importorskip("numpy")
    net = nn.MLP([2, 3, 1], seed=1)
    program = net.jit_loss("half_squared_error", backend="numpy")
    C_set = program.batch({(0.5, -1.0, 1.0)})
    grads_set = [p.grad for p in net.parameters()]
    for p in net.parameters():
        p.grad = 0.0
    assert program.batch([(0.5, -1.0, 1.0)]) == C_set
    assert [p.grad for p in net.parameters()] == grads_set


@pytest.mark.parametrize("backend, jit", [("python", False), ("python", True), ("numpy", "auto")])
def test_a_step_that_raises_leaves_parameters_grads_and_optimiser_alone(backend, jit):
    """Found by training a ReLU output with binary_cross_entropy until an output was 0:
    log(0) raised in the step's forward pass and the Python backend (eager and jit) had
    already zeroed every .grad (the numpy backend kept them).  Oracle: the numbers
    before the call, which a step that raises must not change."""
    net = nn.MLP([1, 1], activation="relu", weights=[[[1.0]]], biases=[[0.0]])
    for p in net.parameters():
        p.grad = 0.125
    optimizer = nn.SGD(net.parameters(), lr=0.5, momentum=0.5)
    state = net.state_dict(), [p.grad for p in net.parameters()], repr(vars(optimizer))
    kwargs = {} if backend == "numpy" else {"jit": jit}
    with raises(ValueError, "a2_1", "0.0"):
        nn.train(net, [[0.5], [0.3], [0.0], [0.2]], [1, 1, 0, 1], epochs=1, batch=None,
                 optimizer=optimizer, loss="binary_cross_entropy", progress=False,
                 backend=backend, **kwargs)
    assert (net.state_dict(), [p.grad for p in net.parameters()], repr(vars(optimizer))) == state


def test_predict_refuses_a_0d_array_naming_it():
    """A 0-d array has __len__ but no length: predict said "len() of unsized object"."""
    np = pytest.importorskip("numpy")
    net = nn.MLP([1, 1], seed=0)
    with pytest.raises(TypeError, match=r"^MLP 1-1: inputs must be a list of numbers or Values "
                                        r"\(e\.g\. \[0\.5\]\), got ndarray array\(2\.\)$"):
        net.predict(np.array(2.0))
    with pytest.raises(TypeError, match=r"^MLP 1-1: inputs must be a list"):
        net(np.array(2.0))


def test_predict_and_batch_name_the_sample_that_is_wrong():
    """Found by giving predict a list of samples whose third row was short: it said
    "MLP 2-3-1 expects 2 inputs, got 1" without saying which of the samples."""
    net = nn.MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"^MLP 2-3-1 expects 2 inputs, got 1 "
                                         r"\(sample 3 of the batch\)$"):
        net.predict([[0, 1], [1, 0], [2]])
    with pytest.raises(TypeError, match=r"^MLP 2-3-1: input x2 must be a number or a Value, "
                                        r"got str 'a' \(sample 2 of the batch\)$"):
        net.predict([[0, 1], [1, "a"]])
    with pytest.raises(ValueError, match=r"^MLP 2-3-1 expects 2 inputs, got 3 "
                                         r"\(sample 2 of the batch\)$"):
        net.batch([[0, 1], [1, 0, 1]])
    with pytest.raises(ValueError, match=r"^MLP 2-3-1 expects 2 inputs, got 1$"):
        net.predict([2])                      # one sample: nothing to count


LOSS_FAILS_ON_SAMPLE_3 = [[0.2, 0.3], [0.1, 0.1], [0.5, 0.6], [0.3, 0.3]]   # relu(x1 + x2): 1.1


@pytest.mark.parametrize("batch", [1, 2, None])
@pytest.mark.parametrize("backend, jit", [("python", False), ("python", "auto"),
                                          ("python", True), ("numpy", "auto")])
def test_a_step_that_raises_names_the_sample_of_the_data_set(backend, jit, batch):
    """Found by training a ReLU output with binary cross-entropy on shuffled batches:
    the output 1.1 of data sample 3 was named '(sample 1 of the batch)', its place in
    the shuffled batch (jit and numpy), or not at all (eager).  Oracle: by hand, only
    sample 3 has relu(1·x1 + 1·x2 + 0) = 0.5 + 0.6 outside (0, 1)."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([2, 1], activation="relu", weights=[[[1.0, 1.0]]], biases=[[0.0]])
    kwargs = {} if backend == "numpy" else {"jit": jit}
    with pytest.raises(ValueError, match=r"^train: epoch 1, sample 3: binary_cross_entropy: "
                                         r"output 1 \(a2_1\) is 1\.1\d*; an output that is not "
                                         r"a sigmoid node must lie strictly between 0 and 1"):
        nn.train(net, LOSS_FAILS_ON_SAMPLE_3, [0, 1, 1, 0], epochs=1, lr=1e-9, batch=batch,
                 shuffle=True, seed=0, loss="binary_cross_entropy", progress=False,
                 backend=backend, **kwargs)


@pytest.mark.parametrize("backend, jit", [("python", False), ("python", "auto"),
                                          ("python", True), ("numpy", "auto")])
def test_a_loss_of_your_own_that_raises_names_the_sample(backend, jit):
    """The same for a loss of the user's, ln(a − y), which only the sample with target 1
    (the fourth) cannot take (a sigmoid output is below 1): the check of the compiled loss
    against the eager one, before training, raised "log: input must be > 0, got 't1' =
    ..." naming no sample, and eager training named none either."""
    if backend == "numpy":
        pytest.importorskip("numpy")

    def log_gap(outputs, targets):
        return (outputs[0] - targets[0]).log()

    net = nn.MLP([2, 3, 1], seed=0)
    kwargs = {} if backend == "numpy" else {"jit": jit}
    with pytest.raises(ValueError, match=r"^train: (epoch 1, )?sample 4: log: input must be > 0"):
        nn.train(net, [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]], [0, 0, 0, 1, 0], epochs=1,
                 lr=1e-9, batch=2, loss=log_gap, progress=False, backend=backend, **kwargs)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_train_refuses_a_model_that_does_not_return_a_list_naming_it(backend):
    """Found by training the single nn.Neuron of Karpathy's lecture: nn.train said
    "object of type 'Value' has no len()", naming neither the model nor what it
    should return.  Oracle: the message; the neuron is as before."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    neuron = nn.Neuron(2, seed=0)
    before = neuron.state_dict()
    with pytest.raises(TypeError, match=r"^train: the network must return a list of output "
                                        r"Values, as nn\.MLP and nn\.Layer do; Neuron returned "
                                        r"Value\(data=.* \(an nn\.Neuron gives one Value: "
                                        r"train nn\.Layer\(n_in, 1\) or nn\.MLP\(\[n_in, 1\]\)\)$"):
        nn.train(neuron, XOR_INPUTS, [0, 1, 1, 1], epochs=1, lr=0.5, progress=False,
                 backend=backend)
    assert neuron.state_dict() == before
    with pytest.raises(TypeError, match=r"^train: the network must return a list of output "
                                        r"Values, .*; function returned float 0\.5$"):
        nn.train(lambda x: 0.5, XOR_INPUTS, [0, 1, 1, 1], epochs=1, lr=0.5, progress=False,
                 optimizer=nn.SGD([Value(0.0)], lr=0.5), backend=backend)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_the_mean_over_no_samples_is_refused(backend):
    """Found by computing a validation loss with program.batch(rows, mean=True) on an
    empty split: it was 0.0, a perfect score, where the mean of nothing is undefined
    (nn's losses refuse an empty batch; PyTorch's mean gives nan).  Oracle: the sum
    of no samples is 0 and the gradients are untouched."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    from autograd.jit import jit

    net = nn.MLP([2, 3, 1], seed=0)
    w = Value(0.5, name="w", kind="parameter")
    programs = [net.jit_loss(backend=backend),
                jit(lambda x, y: (w * x - y) ** 2, name="square", backend=backend)]
    for program in programs:
        with pytest.raises(ValueError, match=r"batch: the mean over no samples is undefined "
                                             r"\(samples is empty\); mean=False gives their "
                                             r"sum, 0\.0$"):
            program.batch([], mean=True)
        assert program.batch([]) == 0.0
    assert all(p.grad == 0.0 for p in net.parameters()) and w.grad == 0.0


def test_a_numpy_array_where_a_number_belongs_is_named_in_one_line():
    """Found by giving predict a 3-d array (one 2×30 block per sample) and the loss a
    row of targets as an array: 'got ndarray array([0., 0., ...,\\n       0., ...])',
    numpy's repr wrapped over lines (and as long as the array).  Oracle: one line,
    cut as every other message cuts a value (short_repr)."""
    np = pytest.importorskip("numpy")
    net = nn.MLP([2, 3, 1], seed=0)
    row = np.zeros(30)
    cases = [(TypeError, lambda: net.predict(np.zeros((2, 2, 30))),
              "MLP 2-3-1: input x1 must be a number or a Value, got ndarray array([0., 0., 0."),
             (TypeError, lambda: net([row, row]),
              "MLP 2-3-1: input x1 must be a number or a Value, got ndarray array([0., 0., 0."),
             (TypeError, lambda: nn.half_squared_error(net([0, 1]), [row]),
              "target y must be a number or a Value, got ndarray array([0., 0., 0."),
             (TypeError, lambda: nn.SGD([row], lr=0.1),
              "SGD: parameter 0 must be a Value, got ndarray array([0., 0., 0.")]
    for kind, call, start in cases:
        with pytest.raises(kind) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(start) and "\n" not in message and len(message) < 200, message


def _wrong_arguments(np, net, block):
    """(what the message must start with, the call) for each argument given ``block``."""
    def train(**changed):
        return lambda: nn.train(net, [[1.0, 1.0]], [0.5], **{"epochs": 1, "lr": 0.1,
                                                               "progress": False, **changed})
    return [
        ("train: epochs must be a positive int, got ndarray array(", train(epochs=block)),
        ("train: batch must be a positive int, got ndarray array(", train(batch=block)),
        ("train: every must be a positive int, got", train(every=block, progress=True)),
        ("train: optimizer must be an nn optimiser", train(lr=None, optimizer=block)),
        ("train: on_epoch must be a function", train(on_epoch=block)),
        ("train: progress must be True, False or a function", train(progress=block)),
        ("train: step must be a function", train(step=block)),
        ("train: shuffle must be True or False", train(shuffle=block)),
        ("train: loss must be a name", train(loss=block)),
        ("eager_step: loss must be a name",
         lambda: nn.eager_step(net, block, nn.SGD(net.parameters(), lr=0.1), [[1.0, 1.0]], [[0.5]])),
        ("Adam: betas must be two numbers", lambda: nn.Adam(net.parameters(), betas=block)),
        ("SGD: maximize must be True or False",
         lambda: nn.SGD(net.parameters(), lr=0.1, maximize=block)),
        ("MLP size of layer 2 must be a positive int", lambda: nn.MLP([2, block])),
        ("activation must be a name", lambda: nn.MLP([2, 1], activation=block)),
        ("bias must be 'trainable', 'none' or a number", lambda: nn.MLP([2, 1], bias=block)),
        ("weight w2_11 must be a real number", lambda: nn.MLP([2, 1], weights=[[[block, 1.0]]])),
        ("bias b2_1 must be a real number", lambda: nn.MLP([2, 1], biases=[[block]])),
        ("MLP: fused must be True or False", lambda: nn.MLP([2, 1], fused=block)),
        ("MLP has no parameter array(", lambda: net.parameter(block)),
        ("freeze: MLP has no parameter array(", lambda: net.freeze(block)),
        ("unfreeze: MLP has no parameter array(", lambda: net.unfreeze(block)),
        ("latex_name: name must be a str", lambda: nn.latex_name(block)),
        ("MLP 2-1: sample must be an int", lambda: net([1.0, 1.0], sample=block)),
    ]


def test_a_numpy_array_given_for_any_argument_is_named_in_one_line():
    """Found by giving every argument of nn a 3 × 30 array: epochs, batch, the optimiser,
    on_epoch, a loss, betas, sizes, weights, a parameter's name, ... each wrote numpy's
    repr wrapped over lines (some 600 characters).  Oracle: one line, the value cut as
    every other message cuts it (short_repr), naming the argument; nothing changed."""
    np = pytest.importorskip("numpy")
    net = nn.MLP([2, 1], seed=0)
    before = net.state_dict()
    for start, call in _wrong_arguments(np, net, np.zeros((3, 30))):
        with pytest.raises((TypeError, ValueError, KeyError)) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(start), message
        assert "\n" not in message and len(message) < 300, message
        assert net.state_dict() == before and net.frozen() == []


def test_a_0d_array_is_one_number_as_a_target_and_not_a_list_of_samples():
    """Found by giving a target as np.array(1.0) (the result of np.array(y) on one
    number) and the whole data set as a 0-d array: each said numpy's 'len() of
    unsized object'.  A 0-d array is one number, as np.float64(1.0) is: a sample's
    target; it is not a list of samples.  Oracle: ½(y − σ(z))² by hand, z = 0.5·x1
    − 0.5·x2 + 0.1."""
    np = pytest.importorskip("numpy")

    def sigma(z):
        return 1.0 / (1.0 + math.exp(-z))

    net = nn.MLP([2, 1], weights=[[[0.5, -0.5]]], biases=[[0.1]])
    a = sigma(0.5 * 0.2 - 0.5 * 0.6 + 0.1)
    assert math.isclose(nn.half_squared_error(net([0.2, 0.6]), np.array(1.0)).data,
                        0.5 * (1.0 - a) ** 2, rel_tol=1e-15)
    for backend in ("python", "numpy"):
        net = nn.MLP([2, 1], weights=[[[0.5, -0.5]]], biases=[[0.1]])
        history = nn.train(net, [[0.2, 0.6], [1.0, 0.0]], [np.array(1.0), np.array(0.0)],
                           epochs=1, batch=None, lr=0.1, progress=False, backend=backend)
        expected = (0.5 * (1.0 - a) ** 2 + 0.5 * sigma(0.5 + 0.1) ** 2) / 2
        assert math.isclose(history[0], expected, rel_tol=1e-14)
    with pytest.raises(TypeError, match=r"^half_squared_error: a batch of 1 output lists needs "
                                        r"a list with one target entry per sample, got "
                                        r"ndarray array\(1\.\)$"):
        nn.half_squared_error(net.batch([[0.2, 0.6]]), np.array(1.0))
    with pytest.raises(TypeError, match=r"^train: inputs must be a list with one entry per "
                                        r"sample, got ndarray array\(1\.\)$"):
        nn.train(net, np.array(1.0), [0.0], epochs=1, lr=0.1)


@pytest.mark.parametrize("name", ["weights", "bias"])
def test_a_neurons_parameters_cannot_be_replaced(name):
    """``neuron.weights = (...)`` (PyTorch's ``layer.weight = ...`` habit) made the
    forward read the new Values while parameters(), and so every optimiser, kept the
    old ones: trained numbers that never reached the output.  Refused in one line;
    the network is unchanged (hand-checked: its output is still σ(Σ w h + b))."""
    net = nn.MLP([2, 1], seed=0)
    neuron = net.layers[-1].neurons[0]
    before = [p.data for p in net.parameters()]
    with pytest.raises(AttributeError) as caught:
        setattr(neuron, name, (Value(1.0), Value(2.0)) if name == "weights" else Value(0.0))
    message = str(caught.value)
    assert f"layer 2 neuron 1: its {name} cannot be replaced" in message
    assert "p.data" in message and "\n" not in message
    assert [p.data for p in net.parameters()] == before
    w1, w2, b = before
    z = w1 * 0.5 + w2 * -0.25 + b
    assert net([0.5, -0.25])[0].data == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-15)


@pytest.mark.parametrize("loss, error, words", [
    (lambda outputs, targets: 0.5, TypeError, "the loss <lambda> returned float 0.5, not a Value"),
    (3, TypeError, "eager_step: loss must be a name"),
    ("nope", ValueError, "eager_step: unknown loss 'nope'"),
])
def test_eager_step_names_a_loss_that_is_not_one(loss, error, words):
    """nn.eager_step called directly (as docs/networks.md shows): a loss returning a
    number said "'float' object has no attribute 'backward'", a name "'str' object is
    not callable".  Now one line naming the loss, and every .grad as before."""
    net = nn.MLP([2, 1], seed=0)
    opt = nn.SGD(net.parameters(), lr=0.1)
    for p in net.parameters():
        p.grad = 0.25
    with pytest.raises(error) as caught:
        nn.eager_step(net, loss, opt, [[0.5, 0.2]], [[1.0]])
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert [p.grad for p in net.parameters()] == [0.25] * 3


def test_eager_step_says_how_it_calls_a_loss_written_for_one_sample():
    """nn.train(loss=f) calls f with one sample's outputs; nn.eager_step(net, f, ...)
    calls it with the batch's, one output list per sample.  A loss of one sample
    failed there with "unsupported operand type(s) for -: 'list' and 'list'",
    naming neither eager_step nor the loss.  Now one line saying how it is called,
    and every .grad as before; the batch form gives the hand formula."""
    net = nn.MLP([2, 1], seed=0)
    opt = nn.SGD(net.parameters(), lr=0.1)
    for p in net.parameters():
        p.grad = 0.25

    def squared(outputs, targets):
        return (outputs[0] - targets[0]) ** 2

    with pytest.raises(TypeError) as caught:
        nn.eager_step(net, squared, opt, [[0.5, 0.2]], [[1.0]])
    message = str(caught.value)
    assert message.startswith("eager_step: the loss squared raised TypeError: ")
    assert "one output list (and one target) per sample" in message and "\n" not in message
    assert [p.grad for p in net.parameters()] == [0.25] * 3
    w1, w2, b = (p.data for p in net.parameters())
    a = 1 / (1 + math.exp(-(w1 * 0.5 + w2 * 0.2 + b)))
    C = nn.eager_step(net, lambda outs, ys: squared(outs[0], ys[0]), opt, [[0.5, 0.2]], [[1.0]])
    assert C == pytest.approx((a - 1.0) ** 2, rel=1e-14)


def test_eager_step_takes_a_loss_by_name_as_train_does():
    """``loss="half_squared_error"``: C = (1/m) Σ ½(y − a)², train()'s default mean;
    for one sample ½(1 − σ(z))² with z written out by hand."""
    net = nn.MLP([2, 1], seed=0)
    w1, w2, b = (p.data for p in net.parameters())
    a = 1 / (1 + math.exp(-(w1 * 0.5 + w2 * 0.2 + b)))
    C = nn.eager_step(net, "half_squared_error", nn.SGD(net.parameters(), lr=0.1),
                      [[0.5, 0.2]], [[1.0]])
    assert C == pytest.approx(0.5 * (1.0 - a) ** 2, rel=1e-14)


@pytest.mark.parametrize("loss, n_out", [("half_squared_error", 1), ("cross_entropy", 3)])
@pytest.mark.parametrize("width", [2, 4])
def test_jit_loss_of_a_sample_of_the_wrong_width_names_the_numbers_it_expects(loss, n_out,
                                                                               width):
    """net.jit_loss() with nn's loss takes the inputs, then one target per output (as the
    numpy backend's program does).  A sample that forgot its target, or has one too
    many, used to reach the loss as placeholder Values ('1 outputs but 0 targets []');
    now the call and the batch say what they expected, and no .grad changes."""
    net = nn.MLP([2, 3, n_out], seed=0)
    step = net.jit_loss(loss)
    sample = tuple(float(k % 2) for k in range(width + n_out - 1))
    expected = ["x1", "x2"] + (["y"] if n_out == 1 else [f"y{j}" for j in (1, 2, 3)])
    fragments = (f"expected 2 inputs then {n_out} target", ", ".join(expected),
                 f"got {len(sample)} numbers")
    with raises(TypeError, *fragments):
        step.batch([sample])
    with raises(TypeError, *fragments):
        step(*sample)
    assert all(p.grad == 0.0 for p in net.parameters())


def test_nielsens_bias_columns_and_one_of_a_kind_in_the_singular():
    """nn.MLP(weights=..., biases=...) takes Nielsen's w^l (outputs × inputs) as he holds it,
    but his b^l, an n × 1 column, was refused: 'bias b2_1 must be a real number, got ndarray
    array([1.304])'; it is now those n numbers. And 'must have 1 numbers' (or '1 matrices')
    reads '1 number' ('1 matrix'). Oracle: the forward pass by hand in numpy."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    W2, b2, W3, b3 = (rng.normal(size=s) for s in ((3, 2), (3, 1), (1, 3), (1, 1)))
    net = nn.MLP([2, 3, 1], weights=[W2, W3], biases=[b2, b3])
    x = np.array([[0.3], [-1.2]])
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    hand = sig(W3 @ sig(W2 @ x + b2) + b3)
    assert net.predict(x.ravel()) == pytest.approx(hand.ravel().tolist(), rel=1e-14)
    assert net.parameter("b2_3").data == b2[2, 0]
    with raises(ValueError, "weights must have 1 matrix (one per layer after the input)", "got 2"):
        nn.MLP([2, 1], weights=[[[0.1, 0.2]], [[1.0]]])
    with raises(ValueError, "biases of layer 2 must have 3 numbers", "got 2"):
        nn.MLP([2, 3, 1], biases=[b2[:2], b3])


def test_a_count_of_one_is_written_in_the_singular():
    """A 1-1 network's errors said '1 outputs but 2 targets', '2 outputs but 1 targets',
    '1 samples of targets', 'expects 1 inputs', 'takes 1 target(s)', 'expected 1 inputs then
    1 target(s)' and hvp '1 inputs': each count is written from the sizes given (one output,
    one input, one sample), and no .grad changes."""
    from autograd import hvp
    net = nn.MLP([1, 1], seed=0)
    out = net([0.5])
    with pytest.raises(ValueError) as caught:
        nn.half_squared_error(out, [1.0, 0.0])
    assert str(caught.value) == ("half_squared_error: 1 output but 2 targets [1.0, 0.0]; they "
                                 "must have the same length")
    with pytest.raises(ValueError) as caught:
        nn.half_squared_error(nn.MLP([1, 2], seed=0)([0.5]), [1.0])
    assert str(caught.value).startswith("half_squared_error: 2 outputs but 1 target [1.0];")
    with pytest.raises(ValueError, match=r"^half_mean_squared_error: 1 sample of outputs but 2 "
                                         r"samples of targets;"):
        nn.half_mean_squared_error(net.batch([[0.5]]), [[1.0], [0.0]])
    with pytest.raises(ValueError, match=r"^half_mean_squared_error: 2 samples of outputs but 1 "
                                         r"sample of targets;"):
        nn.half_mean_squared_error(net.batch([[0.5], [0.1]]), [[1.0]])
    with pytest.raises(ValueError, match=r"^MLP 1-1 expects 1 input, got 2$"):
        net([0.5, 0.1])
    with pytest.raises(ValueError, match=r"^train: sample 1: the network expects 1 input, got 2: "):
        nn.train(net, [[0.5, 0.1]], [[1.0]], epochs=1, lr=0.1, progress=False)
    with pytest.raises(ValueError, match=r"^train: sample 1: 1 output but 2 targets "):
        nn.train(net, [[0.5]], [[1.0, 0.0]], epochs=1, lr=0.1, progress=False)
    with pytest.raises(ValueError, match=r"^train: 1 input sample but 2 target samples;"):
        nn.train(net, [[0.5]], [[1.0], [0.0]], epochs=1, lr=0.1, progress=False)
    with pytest.raises(TypeError, match=r"^loss: expected 1 input then 1 target: x1, y, got 1 "
                                        r"number$"):
        net.jit_loss("half_squared_error")(0.5)
    x = Value(1.5, name="x")
    with pytest.raises(ValueError, match=r"^hvp: 1 input but a vector of 2 numbers$"):
        hvp(x * x, [x], [1.0, 2.0])
    assert x.grad == 0.0 and all(p.grad == 0.0 for p in net.parameters())


def test_weights_given_transposed_are_named_so_and_the_fix_gives_nielsens_network():
    """nn.MLP([2, 4, 3], weights=[w.T for w in W]) (each of Nielsen's w^l, outputs × inputs,
    given transposed) said only 'weights of layer 2 must have 4 rows (one per neuron of
    layer 2), got 2'.  When the shape given is exactly the transpose it now says so and how
    to fix it; either fix gives the forward pass of Nielsen's feedforward by hand in numpy."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(3)
    sizes = [2, 4, 3]
    W = [rng.standard_normal((n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    b = [rng.standard_normal((n_out, 1)) for n_out in sizes[1:]]

    def words(l, n_in, n_out):
        return (f"weights of layer {l} must have {n_out} rows (one per neuron of layer {l}), got "
                f"{n_in}; they are {n_in}×{n_out}, the transpose of Nielsen's w{'²³'[l - 2]} "
                f"({n_out}×{n_in}, outputs × inputs: a row per neuron): give the matrix "
                f"transposed (W.T of a numpy array), or every weight matrix as inputs × outputs "
                f"to nn.MLP.from_matrices(weights, biases, layout='rows') (biases as rows or "
                f"flat lists)")
    with pytest.raises(ValueError) as caught:
        nn.MLP(sizes, weights=[w.T for w in W], biases=b)
    assert str(caught.value) == words(2, 2, 4)
    with pytest.raises(ValueError) as caught:
        nn.MLP(sizes, weights=[W[0], W[1].T.tolist()], biases=b)
    assert str(caught.value) == words(3, 4, 3)
    with pytest.raises(ValueError) as caught:                  # not a transpose: as before
        nn.MLP(sizes, weights=[W[0], W[1][:2]], biases=b)
    assert str(caught.value) == "weights of layer 3 must have 3 rows (one per neuron of layer 3), got 2"
    x = np.array([[0.5], [-1.0]])
    a = x
    for w, bias in zip(W, b):
        a = 1.0 / (1.0 + np.exp(-(w @ a + bias)))
    for net in (nn.MLP(sizes, weights=W, biases=b),
                nn.MLP.from_matrices([w.T for w in W], [c.ravel() for c in b], layout="rows")):
        assert [v.data for v in net([0.5, -1.0])] == pytest.approx(a.ravel().tolist(), rel=1e-12)

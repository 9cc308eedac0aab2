"""Pickling a jitted function and a network's Python-backend jit_loss.

A pickle holds what defines the jitted function (its function, or the model and
loss), never its traces; the unpickled one traces again on its first call.
Oracles: the uninterrupted run of a second, identically seeded network (a
consistency test: the same float bits), and hand-derived gradients of a 1-1-1
network and of w·x."""

import math
import pickle

import pytest

import nn
from autograd import Value
from autograd.jit import jit, jit_loss


def train(net, step, opt, samples):
    for x, y in samples:
        opt.zero_grad()
        step(x, y)
        opt.step()


def bits(net):
    return [p.data.hex() for p in net.parameters()]


SAMPLES = [(0.3, 0.7), (-0.5, 0.1), (0.9, 0.4), (0.2, 0.0), (-0.8, 0.6), (0.6, 0.9)]


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
@pytest.mark.parametrize("optimiser", ["sgd", "adam"])
def test_a_pickled_jit_loss_trains_on_as_the_uninterrupted_run(protocol, optimiser):
    """Three steps, pickle (net, step, opt), three more on the original and on the
    unpickled copy: both end with the parameters of an uninterrupted six-step run
    (oracle, a consistency test), bit for bit; the copy's step is the copied
    network's, traced again on its first call."""
    def make():
        net = nn.MLP([1, 3, 1], activation=["tanh", "sigmoid"], seed=3)
        opt = (nn.Adam(net.parameters(), lr=0.05) if optimiser == "adam"
               else nn.SGD(net.parameters(), lr=0.3, momentum=0.9))
        return net, net.jit_loss(), opt
    oracle = make()
    train(*oracle, SAMPLES)
    net, step, opt = make()
    train(net, step, opt, SAMPLES[:3])
    twin_net, twin_step, twin_opt = pickle.loads(pickle.dumps((net, step, opt), protocol))
    assert repr(twin_step) == "<jit loss, nothing traced yet>"
    train(twin_net, twin_step, twin_opt, SAMPLES[3:])
    assert bits(twin_net) == bits(oracle[0]) != bits(net)
    train(net, step, opt, SAMPLES[3:])
    assert bits(net) == bits(oracle[0])


def test_an_unpickled_jit_loss_takes_the_hand_derived_sgd_step():
    """1-1-1 network, a = tanh(w₂x + b₂), ŷ = w₃a + b₃, C = ½(ŷ − y)²: δ₃ = ŷ − y,
    ∂C/∂w₃ = δ₃a, ∂C/∂b₃ = δ₃, δ₂ = δ₃w₃(1 − a²), ∂C/∂w₂ = δ₂x, ∂C/∂b₂ = δ₂ (by
    hand); one SGD step p − η ∂C/∂p of the unpickled (net, step, opt) gives them,
    and the original network is untouched."""
    net = nn.MLP([1, 1, 1], activation=["tanh", "linear"], seed=0)
    values = {"w2_11": 0.4, "b2_1": -0.1, "w3_11": 1.5, "b3_1": 0.2}
    for name, number in values.items():
        net.parameter(name).data = number
    opt = nn.SGD(net.parameters(), lr=0.1)
    twin_net, step, twin_opt = pickle.loads(pickle.dumps((net, net.jit_loss(), opt)))
    x, y = 0.5, 1.0
    twin_opt.zero_grad()
    step(x, y)
    twin_opt.step()
    a = math.tanh(0.4 * x - 0.1)
    d3 = 1.5 * a + 0.2 - y
    d2 = d3 * 1.5 * (1 - a * a)
    grads = {"w2_11": d2 * x, "b2_1": d2, "w3_11": d3 * a, "b3_1": d3}
    for name, number in values.items():
        assert twin_net.parameter(name).data == pytest.approx(number - 0.1 * grads[name],
                                                               rel=1e-14, abs=1e-15)
        assert net.parameter(name).data == number


def squared(x):
    """A module-level function: pickle saves it by name."""
    return x * x


class Line:
    """A picklable object whose bound method is jitted: C = w·x."""

    def __init__(self, w):
        self.w = Value(w, name="w", kind="parameter")

    def loss(self, x):
        return self.w * x


def test_a_jit_of_a_module_level_function_pickles_with_its_name_and_input_names():
    """jit(squared) unpickled: d(x²)/dx = 2x (by hand), its name and input names kept."""
    step = jit(squared, name="sq", input_names=["u"])
    assert step(3.0, input_grads=True) == (9.0, (6.0,))
    twin = pickle.loads(pickle.dumps(step))
    assert repr(twin) == "<jit sq, nothing traced yet>"
    assert twin(3.0, input_grads=True) == (9.0, (6.0,))
    assert "u" in twin.source and twin.__name__ == "sq"


def test_a_jit_of_a_bound_method_pickles_with_its_object():
    """jit(line.loss) pickled with line: the unpickled one adds ∂(w·x)/∂w = x (by
    hand) to the unpickled object's w, not the original's."""
    line = Line(2.0)
    step = jit(line.loss)
    assert step(1.0) == 2.0
    line.w.grad = 0.0
    twin_line, twin = pickle.loads(pickle.dumps((line, step)))
    assert twin(3.0) == 6.0 and twin_line.w.grad == 3.0 and line.w.grad == 0.0


#: a constant that ``weighted`` closes over (module level: pickle saves the loss by name)
WEIGHT = Value(0.5, name="c", kind="constant")


def weighted(outputs, targets):
    """C_x = c·(y − a)², c the module's WEIGHT."""
    return WEIGHT * (targets[0] - outputs[0]) ** 2


def test_an_unpickled_matrix_program_follows_the_constant_its_loss_closes_over():
    """Hand-derived oracle, linear 1-1 network (w = 2, b = 0.5), x = 3, y = 1:
    C = c·5.5² = 30.25c.  Pickled with its network, the matrix program of
    ``weighted`` kept a copy of WEIGHT, not the loaded function's own: after
    WEIGHT.data = 3.0 the unpickled program gave 15.125 where eager gives 90.75."""
    pytest.importorskip("numpy")
    net = nn.MLP([1, 1], seed=0, activation="linear")
    net.parameter("w2_11").data, net.parameter("b2_1").data = 2.0, 0.5
    program = net.jit_loss(weighted, backend="numpy")
    assert program.batch([(3.0, 1.0)]) == pytest.approx(15.125, rel=1e-14)
    _, twin = pickle.loads(pickle.dumps((net, program)))
    try:
        WEIGHT.data = 3.0
        assert twin.batch([(3.0, 1.0)]) == pytest.approx(90.75, rel=1e-14)
        assert program.batch([(3.0, 1.0)]) == pytest.approx(90.75, rel=1e-14)
    finally:
        WEIGHT.data = 0.5


def test_a_jit_loss_of_a_module_level_loss_pickles():
    """autograd.jit_loss(net, loss) of a user's module-level loss: the unpickled one
    computes the original's C (a consistency test) on the unpickled network."""
    net = nn.MLP([2, 2, 1], seed=1)
    step = jit_loss(net, nn.half_squared_error, 2, name="C")
    twin_net, twin = pickle.loads(pickle.dumps((net, step)))
    assert twin.__name__ == "C" and twin._jit_loss_args[0] is twin_net
    assert twin(0.3, -0.4, 0.5).hex() == step(0.3, -0.4, 0.5).hex()
    assert bits(twin_net) == bits(net)


def _closure():
    w = Value(1.0, kind="parameter")

    def inner(x):
        return w * x
    return inner


@pytest.mark.parametrize("case", ["lambda", "closure", "loss", "input_names"])
def test_a_jit_of_an_unpicklable_function_is_refused_naming_it(case):
    """A lambda or nested function (as the function, a jit_loss's loss or input_names)
    raises one line naming it and saying to define it at module level; the network
    and the jitted function are as before (they still pickle and compute)."""
    net = nn.MLP([1, 1], seed=0, activation="linear")
    w = Value(2.0, kind="parameter")
    step, named = {
        "lambda": lambda: (jit(lambda x: w * x), "function <lambda>"),
        "closure": lambda: (jit(_closure()), "function _closure.<locals>.inner"),
        "loss": lambda: (net.jit_loss(lambda o, t: (o[0] - t[0]) ** 2), "loss <lambda>"),
        "input_names": lambda: (jit(squared, input_names=lambda n: ["u"]),
                                "input_names <lambda>"),
    }[case]()
    before = bits(net)
    with pytest.raises(pickle.PicklingError) as caught:
        pickle.dumps((net, step))
    message = str(caught.value)
    kind, qualname = named.split(" ")
    assert f"its {kind} " in message and f"{qualname} (module " in message
    assert "module level" in message
    assert "\n" not in message and "local object" not in message
    assert bits(pickle.loads(pickle.dumps(net))) == before == bits(net)
    assert step(1.0, 0.0) if case == "loss" else step(1.0)


@jit
def cube(x):
    """A module-level function under @jit: the module's name is the Jitted."""
    return x * x * x


def test_a_module_level_jit_decorated_function_unpickles_as_itself():
    """@jit at module level: pickle saves it by module and name, as a function, and
    loads the module's own; d(x³)/dx = 3x² = 12 at 2 (by hand)."""
    assert pickle.loads(pickle.dumps(cube)) is cube
    assert cube(2.0, input_grads=True) == (8.0, (12.0,))


def test_a_jit_of_a_method_of_an_object_of_a_local_class_is_refused_naming_it():
    """The object of a bound method pickles by its class's name: a class defined in a
    function has none, and the refusal names the method and the class."""
    class Local:
        def __init__(self):
            self.w = Value(2.0, kind="parameter")

        def loss(self, x):
            return self.w * x

    step = jit(Local().loss)
    with pytest.raises(pickle.PicklingError, match=r"^jit loss: cannot pickle its function "
                       r".*Local\.loss, a method of an object of class .*<locals>\.Local "
                       r"\(module .*\).*module level"):
        pickle.dumps(step)
    assert step(3.0) == 6.0

"""nn networks: forward values, gradients, names, per-layer z/a/δ, state_dict.

Oracles: plain-Python float forward passes, central finite differences on
those plain functions, Nielsen's BP1-BP4 written out in floats, and the
published Desmos value of seed 003.
"""

import json
import math

import pytest

import nn
from autograd import Value
from conftest import assert_close, central_difference

ACT = {
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "linear": lambda z: z,
    "sin": math.sin,
}
ACT_PRIME = {  # derivative written in terms of z
    "sigmoid": lambda z: ACT["sigmoid"](z) * (1.0 - ACT["sigmoid"](z)),
    "tanh": lambda z: 1.0 - math.tanh(z) ** 2,
    "relu": lambda z: 1.0 if z > 0 else 0.0,
    "linear": lambda z: 1.0,
    "sin": math.cos,
}

W_231 = [[[0.15, -0.25], [0.4, 0.3], [-0.5, 0.2]], [[0.6, -0.35, 0.45]]]
B_231 = [[0.1, -0.2, 0.05], [-0.3]]


def plain_forward(weights, biases, x, activations):
    """Every layer's (z, a) in plain floats: z^l = W^l a^{l-1} + b^l, a^l = f(z^l)."""
    a, layers = list(x), []
    for W, b, act in zip(weights, biases, activations):
        z = [sum(w * ak for w, ak in zip(row, a)) + bj for row, bj in zip(W, b)]
        a = [ACT[act](zj) for zj in z]
        layers.append((z, a))
    return layers


def plain_cost(weights, biases, x, y, activations):
    out = plain_forward(weights, biases, x, activations)[-1][1]
    return 0.5 * sum((yj - aj) ** 2 for yj, aj in zip(y, out))


def nested(net):
    """(weights[l][j][k], biases[l][j]) read back from a network's parameters."""
    weights = [[[w.data for w in n.weights] for n in layer.neurons] for layer in net.layers]
    biases = [[n.bias.data for n in layer.neurons] for layer in net.layers]
    return weights, biases


# ---------------------------------------------------------------------------
# Forward values
# ---------------------------------------------------------------------------

def test_one_one_one_forward_equals_plain_floats():
    net = nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], biases=[[0.1], [-0.2]])
    [y] = net([0.5])
    h = 1 / (1 + math.exp(-(0.5 * 0.4 + 0.1)))
    expected = 1 / (1 + math.exp(-(h * -0.7 - 0.2)))
    assert_close(y.data, expected, rel=1e-15)
    assert_close(net.layers[0].a[0].data, h, rel=1e-15)


@pytest.mark.parametrize("fused", [True, False])
def test_two_three_one_forward_equals_plain_floats(fused):
    net = nn.MLP([2, 3, 1], weights=W_231, biases=B_231, fused=fused)
    x = [0.8, -1.1]
    out = net(x)
    expected = plain_forward(W_231, B_231, x, ["sigmoid", "sigmoid"])
    assert isinstance(out, list) and len(out) == 1
    for layer, (z, a) in zip(net.layers, expected):
        for node, value in zip(layer.z, z):
            assert_close(node.data, value, rel=1e-13)
        for node, value in zip(layer.a, a):
            assert_close(node.data, value, rel=1e-13)
    assert out[0] is net.layers[-1].a[0]


def test_mixed_activations_relu_hidden_linear_output():
    sizes, acts = [2, 3, 2], ["relu", "linear"]
    net = nn.MLP(sizes, activation=acts, seed=5)
    x = [0.3, -0.9]
    weights, biases = nested(net)
    expected = plain_forward(weights, biases, x, acts)[-1][1]
    assert [v.data for v in net(x)] == pytest.approx(expected, rel=1e-13)
    assert net.layers[1].a == net.layers[1].z  # linear: a^L is z^L


def test_tanh_network_and_single_activation_name_for_all_layers():
    net = nn.MLP([3, 2, 2, 1], activation="tanh", seed=11)
    x = [0.1, 0.2, -0.4]
    weights, biases = nested(net)
    expected = plain_forward(weights, biases, x, ["tanh"] * 3)[-1][1]
    assert net(x)[0].data == pytest.approx(expected[0], rel=1e-13)


MICROGRAD_TAKE_IT_OUT = (r"net\(x\) is a list of the network's 1 output Value, not a Value: "
                         r"take it out with \[y\] = net\(x\) or net\(x\)\[0\] \(micrograd's "
                         r"MLP returns the Value itself when there is one output\)")


@pytest.mark.parametrize("micrograd_code", [
    "sum((yout - ygt)**2 for ygt, yout in zip(ys, [net(x) for x in xs]))",  # the lecture
    "[(1 + -yi*scorei).relu() for yi, scorei in zip(ys, map(net, xs))]",    # its README
    "sum(map(net, xs))",
    "net(xs[0]) ** 2"])
def test_micrograd_arithmetic_on_the_outputs_says_how_to_take_the_value_out(micrograd_code):
    """micrograd's MLP returns its one output as a Value; net(x) is always a list.  Code
    written for micrograd failed with Python's "unsupported operand type(s) for -:
    'list' and 'float'"; now the error says how to take the Value out, and the fixed
    lecture loop gives the gradient of the hand formula Σ (tanh(w·x + b) − y)²."""
    net = nn.MLP([3, 1], activation="tanh", seed=4)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5]]
    ys = [1.0, -1.0]
    with pytest.raises(TypeError, match=MICROGRAD_TAKE_IT_OUT):
        eval(micrograd_code, {"net": net, "xs": xs, "ys": ys})
    loss = sum((yout - ygt) ** 2 for ygt, [yout] in zip(ys, [net(x) for x in xs]))
    loss.backward()
    (w1, w2, w3), b = net.layers[0].neurons[0].weights, net.layers[0].neurons[0].bias
    for k in range(3):
        hand = sum(2 * (math.tanh(w1.data * x[0] + w2.data * x[1] + w3.data * x[2] + b.data) - y)
                   * (1 - math.tanh(w1.data * x[0] + w2.data * x[1] + w3.data * x[2]
                                    + b.data) ** 2) * x[k] for x, y in zip(xs, ys))
        assert (w1, w2, w3)[k].grad == pytest.approx(hand, rel=1e-13)


def test_the_outputs_are_still_a_list():
    net = nn.MLP([2, 2], seed=0)
    out = net([0.5, -0.5])
    a1, a2 = out
    assert isinstance(out, list) and out == [a1, a2] and len(out * 2) == 4
    assert out + [1.0] == [a1, a2, 1.0] and [0.0] + out == [0.0, a1, a2]
    with pytest.raises(AttributeError, match=r"output Values, not a Value: take them out with "
                       r"net\(x\)\[j\] for output j, 0 to 1, or a1, a2, ... = net\(x\) .*"
                       r"\(asked for \.backward\)"):
        out.backward()
    assert not hasattr(out, "shape") and getattr(out, "data", None) is None


def test_values_passed_in_are_used_as_they_are():
    net = nn.MLP([2, 3, 1], seed=1)
    x1, x2 = Value(0.5, name="pixel"), Value(-0.5)
    net([x1, x2])
    assert net.inputs == (x1, x2)
    assert all(z.parents[2] is x1 and z.parents[3] is x2 for z in net.layers[0].z)


def test_fused_z_is_one_dot_node_and_elementary_z_shows_every_multiply():
    fused = nn.MLP([2, 3, 1], weights=W_231, biases=B_231)
    fused([1.0, 2.0])
    z = fused.layers[0].z[0]
    assert z.op.name == "dot" and [p.name for p in z.parents] == ["w2_11", "w2_12", "x1", "x2", "b2_1"]
    plain = nn.MLP([2, 3, 1], weights=W_231, biases=B_231, fused=False)
    plain([1.0, 2.0])
    z = plain.layers[0].z[0]  # (w2_11 x1 + w2_12 x2) + b2_1
    assert z.op.name == "add" and z.parents[1].name == "b2_1"
    products = z.parents[0].parents
    assert [p.op.name for p in products] == ["mul", "mul"]
    assert [[q.name for q in p.parents] for p in products] == [["w2_11", "x1"], ["w2_12", "x2"]]


@pytest.mark.parametrize("make, owner", [
    (lambda fused: nn.MLP([2, 3, 1], seed=0, fused=fused), "MLP"),
    (lambda fused: nn.Layer(2, 3, seed=0, fused=fused), "Layer 2"),
    (lambda fused: nn.Neuron(2, seed=0, fused=fused), "Neuron 1 of layer 2"),
])
@pytest.mark.parametrize("fused", ["no", 0, None])
def test_fused_takes_only_true_or_false(make, owner, fused):
    """fused="no" (or 0, None) was read by its truth: "no" built the fused graph the
    user asked to leave out, with no word.  Now one line naming the argument."""
    with pytest.raises(TypeError) as caught:
        make(fused)
    assert str(caught.value) == f"{owner}: fused must be True or False, got {fused!r}"


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

def test_parameter_and_node_names_follow_nielsen():
    net = nn.MLP([2, 3, 1], seed=0)
    assert list(net.named_parameters()) == [
        "w2_11", "w2_12", "b2_1", "w2_21", "w2_22", "b2_2", "w2_31", "w2_32", "b2_3",
        "w3_11", "w3_12", "w3_13", "b3_1"]
    assert all(p.kind == "parameter" for p in net.parameters())
    assert [p.name for p in net.parameters()] == list(net.named_parameters())
    net([0.0, 1.0])
    assert [v.name for v in net.inputs] == ["x1", "x2"]
    assert [z.name for z in net.layers[0].z] == ["z2_1", "z2_2", "z2_3"]
    assert [a.name for a in net.layers[1].a] == ["a3_1"]
    assert [layer.number for layer in net.layers] == [2, 3]
    # every layer-3 z reads the layer-2 activations of the same pass
    assert net.layers[1].z[0].parents[3:6] == tuple(net.layers[0].a)


def test_weights_layout_is_from_k_in_layer_l_to_j_in_layer_l_plus_1():
    net = nn.MLP([2, 3, 1], weights=W_231, biases=B_231)
    assert net.parameter("w2_32").data == W_231[0][2][1]   # to neuron 3 from neuron 2
    assert net.parameter("w3_13").data == W_231[1][0][2]
    assert net.parameter("b2_3").data == B_231[0][2]


def test_two_digit_indices_are_separated():
    net = nn.MLP([12, 10, 1], seed=0)
    names = list(net.named_parameters())
    assert "w2_10_12" in names and "w2_19" in names and "w3_1_10" in names
    assert len(set(names)) == len(names) == 12 * 10 + 10 + 10 + 1


def test_net_names_for_the_one_one_one_network():
    net = nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], biases=[[0.1], [-0.2]], names="net")
    assert list(net.named_parameters()) == ["w1", "b1", "w2", "b2"]
    [y_out] = net([0.5])
    layer2, layer3 = net.layers
    assert [net.inputs[0].name, layer2.z[0].name, layer2.a[0].name, layer3.z[0].name,
            y_out.name] == ["x", "net1", "h", "net2", "y'"]
    # the documented mapping: the same parameters under Nielsen's names
    nielsen = nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], biases=[[0.1], [-0.2]])
    for name, p in nielsen.named_parameters().items():
        assert net.parameter(nn.NET_NAMES[name]).data == p.data
    # the hand formulas of the 1-1-1 question (seed 000), with y = 1
    C = nn.half_squared_error([y_out], [1.0])
    C.backward()
    h, yo, x = layer2.a[0].data, y_out.data, 0.5
    d2 = yo * (1 - yo) * (yo - 1.0)
    assert_close(net.parameter("w2").grad, h * d2, rel=1e-12)
    assert_close(net.parameter("w1").grad, x * h * (1 - h) * -0.7 * d2, rel=1e-12)


def test_names_dict_renames_nodes():
    net = nn.MLP([2, 1], names={"w2_11": "w_a", "z2_1": "logit"}, seed=0)
    net([1.0, 2.0])
    assert list(net.named_parameters()) == ["w_a", "w2_12", "b2_1"]
    assert net.layers[0].z[0].name == "logit" and net.layers[0].a[0].name == "a2_1"


def test_latex_names():
    assert nn.latex_name("w2_11") == "w^{2}_{11}"
    assert nn.latex_name("w3_16_12") == "w^{3}_{16,12}"
    assert nn.latex_name("b3_1") == "b^{3}_{1}"
    assert nn.latex_name("z2_3") == "z^{2}_{3}"
    assert nn.latex_name("a4_2") == "a^{4}_{2}"
    assert nn.latex_name("x2") == "x_{2}"
    assert nn.latex_name("net2") == r"\mathit{net}_{2}"   # as explain writes it
    assert nn.latex_name("y'") == "y'"
    net = nn.MLP([3, 2, 1], seed=0)
    assert all(nn.latex_name(name) for name in net.named_parameters())


def test_repr_lists_layers():
    net = nn.MLP([2, 3, 1], activation=["relu", "linear"], bias="none", seed=4)
    text = repr(net)
    assert text.splitlines() == [
        "MLP([2, 3, 1], 9 parameters, seed=4",
        "  Layer 2: 2 -> 3, relu, no bias",
        "  Layer 3: 3 -> 1, linear, no bias",
        ")"]
    assert repr(net.layers[0].neurons[1]) == "Neuron(layer 2, j=2: 2 inputs, relu, no bias)"


# ---------------------------------------------------------------------------
# Initial parameters and bias modes
# ---------------------------------------------------------------------------

def test_same_seed_same_network_documented_scheme():
    import random
    a, b = nn.MLP([2, 3, 1], seed=42), nn.MLP([2, 3, 1], seed=42)
    assert a.state_dict() == b.state_dict()
    assert nn.MLP([2, 3, 1], seed=43).state_dict() != a.state_dict()
    rng = random.Random(42)  # the documented scheme: uniform(-1, 1) in parameter order
    assert list(a.state_dict().values()) == [rng.uniform(-1, 1) for _ in range(13)]


def test_no_seed_picks_one_and_keeps_it():
    net = nn.MLP([2, 2, 1])
    assert isinstance(net.seed, int)
    assert nn.MLP([2, 2, 1], seed=net.seed).state_dict() == net.state_dict()


def test_a_network_whose_every_number_is_given_has_no_seed():
    """Found by printing the first worked example's network, every weight and bias
    given: its repr said 'seed=384859082', a new number each run, and
    nn.MLP([1, 1, 1], seed=net.seed) is another network (that seed drew nothing).
    Oracle: the numbers given; a network that draws some keeps the seed that drew them."""
    given = nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], biases=[[0.1], [-0.2]])
    assert given.seed is None
    assert repr(given).splitlines()[0] == "MLP([1, 1, 1], 4 parameters"
    assert list(given.state_dict().values()) == [0.4, 0.1, -0.7, -0.2]
    constant = nn.MLP([1, 1, 2, 1], weights=[[[0.5]], [[0.5], [0.5]], [[0.5, 0.5]]], bias=1.0)
    assert constant.seed is None                     # the Desmos network: weights and constants
    drawn = nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]])          # the biases are drawn
    assert isinstance(drawn.seed, int)
    assert nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], seed=drawn.seed).state_dict() == \
        drawn.state_dict()
    assert nn.MLP([1, 1, 1], weights=[[[0.4]], [[-0.7]]], biases=[[0.1], [-0.2]],
                  seed=7).seed == 7                  # a seed you give is kept


def test_from_torch_has_no_seed():
    """The same for a network copied from PyTorch: its numbers are PyTorch's."""
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1))
    net = nn.MLP.from_torch(model)
    assert net.seed is None
    assert net.parameter("w2_12").data == model[0].weight[0, 1].item()


def test_weights_given_biases_drawn_from_seed():
    net = nn.MLP([1, 1, 1], weights=[[[2.0]], [[3.0]]], seed=7)
    import random
    rng = random.Random(7)
    assert net.state_dict() == {"w2_11": 2.0, "b2_1": rng.uniform(-1, 1),
                                "w3_11": 3.0, "b3_1": rng.uniform(-1, 1)}


def test_bias_none_has_no_bias_parameters():
    net = nn.MLP([2, 3, 1], bias="none", seed=0)
    assert not any(name.startswith("b") for name in net.named_parameters())
    x = [0.4, 0.6]
    weights, _ = nested_weights_only(net)
    expected = plain_forward(weights, [[0.0] * 3, [0.0]], x, ["sigmoid"] * 2)[-1][1][0]
    assert_close(net(x)[0].data, expected, rel=1e-14)
    assert len(net.layers[0].z[0].parents) == 4  # w2_11 w2_12 x1 x2: no bias parent


def nested_weights_only(net):
    return [[[w.data for w in n.weights] for n in layer.neurons] for layer in net.layers], None


def test_seed_003_constant_biases_and_the_published_desmos_derivative():
    """Seed 003: O = s(s(s(I w1+1) w2+1) w4 + s(s(I w1+1) w3+1) w5 + 1), all weights 0.5,
    biases 1, I = 1: Desmos gives dO/dw1 = 0.0014291881022."""
    w = 0.5
    net = nn.MLP([1, 1, 2, 1], weights=[[[w]], [[w], [w]], [[w, w]]], bias=1.0)
    assert list(net.named_parameters()) == ["w2_11", "w3_11", "w3_21", "w4_11", "w4_12"]
    [O] = net([1.0])
    O.backward()
    assert_close(net.parameter("w2_11").grad, 0.0014291881022, rel=1e-10)
    bias = net.layers[0].neurons[0].bias
    assert bias.kind == "constant" and bias.name == "b2_1" and bias.data == 1.0
    assert bias not in net.parameters()
    # the asker's answer dropped the factors w4 w2 and w5 w3 (= 0.25 each)
    assert_close(net.parameter("w2_11").grad / 0.25, 0.00571675240882, rel=1e-10)


# ---------------------------------------------------------------------------
# Gradients: finite differences and BP1-BP4
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("sizes, acts, fused", [
    ([1, 1, 1], ["sigmoid", "sigmoid"], True),
    ([2, 3, 1], ["sigmoid", "sigmoid"], True),
    ([2, 3, 1], ["sigmoid", "sigmoid"], False),
    ([3, 4, 2], ["tanh", "linear"], True),
    ([2, 3, 3, 2], ["relu", "sigmoid", "linear"], True),
])
def test_every_parameter_gradient_matches_central_differences(sizes, acts, fused):
    net = nn.MLP(sizes, activation=acts, seed=3, fused=fused)
    x = [0.3 * (k + 1) * (-1) ** k for k in range(sizes[0])]
    y = [0.25 + 0.5 * j for j in range(sizes[-1])]
    C = nn.half_squared_error(net(x), y)
    C.backward()
    weights, biases = nested(net)
    assert_close(C.data, plain_cost(weights, biases, x, y, acts), rel=1e-13)
    for l, layer in enumerate(net.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.weights):
                def cost(v, l=l, j=j, k=k):
                    ws = json.loads(json.dumps(weights))
                    ws[l][j][k] = v
                    return plain_cost(ws, biases, x, y, acts)
                assert_close(w.grad, central_difference(cost, w.data), rel=1e-6, abs_=1e-9,
                             what=w.name)

            def cost_b(v, l=l, j=j):
                bs = json.loads(json.dumps(biases))
                bs[l][j] = v
                return plain_cost(weights, bs, x, y, acts)
            assert_close(neuron.bias.grad, central_difference(cost_b, neuron.bias.data),
                         rel=1e-6, abs_=1e-9, what=neuron.bias.name)


def test_z_grad_is_delta_and_obeys_bp1_to_bp4():
    net = nn.MLP([2, 3, 2], weights=[W_231[0], [[0.6, -0.35, 0.45], [0.2, 0.1, -0.7]]],
                 biases=[B_231[0], [-0.3, 0.15]])
    x, y = [0.8, -1.1], [1.0, 0.0]
    C = nn.half_squared_error(net(x), y)
    C.backward()
    hidden, output = net.layers
    sp = ACT_PRIME["sigmoid"]
    # BP1: δ^L_j = (a^L_j − y_j) σ'(z^L_j)
    delta_L = [(a.data - yj) * sp(z.data) for a, z, yj in zip(output.a, output.z, y)]
    assert output.delta == pytest.approx(delta_L, rel=1e-13)
    # BP2: δ^l_k = Σ_j w^{l+1}_jk δ^{l+1}_j σ'(z^l_k)
    delta_l = [sum(output.neurons[j].weights[k].data * delta_L[j] for j in range(2))
               * sp(hidden.z[k].data) for k in range(3)]
    assert hidden.delta == pytest.approx(delta_l, rel=1e-13)
    # BP3: ∂C/∂b^l_j = δ^l_j;  BP4: ∂C/∂w^l_jk = a^{l-1}_k δ^l_j
    for layer, delta, inputs in ((hidden, delta_l, x), (output, delta_L, [a.data for a in hidden.a])):
        for j, neuron in enumerate(layer.neurons):
            assert neuron.bias.grad == pytest.approx(delta[j], rel=1e-13)
            for k, w in enumerate(neuron.weights):
                assert w.grad == pytest.approx(inputs[k] * delta[j], rel=1e-13)


def test_a_new_forward_pass_replaces_the_recorded_nodes():
    net = nn.MLP([2, 3, 1], seed=0)
    net([0.0, 1.0])
    first = net.layers[0].z
    net([1.0, 0.0])
    assert net.layers[0].z is not first and net.layers[0].z[0].name == "z2_1"
    assert net.inputs[0].data == 1.0


def test_zero_grad_clears_parameter_grads():
    net = nn.MLP([2, 3, 1], seed=0)
    nn.half_squared_error(net([0.5, 0.5]), [1.0]).backward()
    assert any(p.grad != 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_neuron_and_layer_work_on_their_own():
    neuron = nn.Neuron(2, "tanh", layer=3, j=2, weights=[0.5, -1.0], b=0.25)
    a = neuron([Value(1.0), 2.0])
    assert a.name == "a3_2" and a.data == pytest.approx(math.tanh(0.5 - 2.0 + 0.25))
    assert list(neuron.named_parameters()) == ["w3_21", "w3_22", "b3_2"]
    layer = nn.Layer(2, 3, number=2, weights=W_231[0], biases=B_231[0])
    out = layer([0.8, -1.1])
    expected = plain_forward([W_231[0]], [B_231[0]], [0.8, -1.1], ["sigmoid"])[0][1]
    assert [v.data for v in out] == pytest.approx(expected, rel=1e-14)
    assert len(layer.parameters()) == 9


# ---------------------------------------------------------------------------
# state_dict
# ---------------------------------------------------------------------------

def test_state_dict_round_trips_through_json_bit_for_bit():
    net = nn.MLP([2, 3, 1], seed=123)
    for p, tiny in zip(net.parameters(), [1e-300, -0.0, 5e-324, 1 / 3, 2 ** 0.5]):
        p.data = tiny  # awkward floats: subnormal, negative zero, repeating binary
    state = net.state_dict()
    loaded = json.loads(json.dumps(state))
    other = nn.MLP([2, 3, 1], seed=999)
    other.load_state_dict(loaded)
    assert [p.data.hex() for p in other.parameters()] == [v.hex() for v in state.values()]
    x = [0.123, -4.56]
    assert net(x)[0].data.hex() == other(x)[0].data.hex()


@pytest.mark.parametrize("acts", [["sigmoid", "sigmoid"], ["tanh", "linear"], ["relu", "sin"]])
def test_a_pickled_network_computes_what_the_plain_float_forward_computes(acts):
    """pickle.dumps(net) names each activation as its Value method (``Value.sigmoid``);
    the copy's output equals the plain-float forward on the same weights (oracle),
    and after pickling, its parameters, names and layout are the network's."""
    import pickle
    net = nn.MLP([2, 3, 1], activation=acts, weights=W_231, biases=B_231)
    net([0.1, 0.2])                  # the last pass's nodes go along (their ops by name)
    twin = pickle.loads(pickle.dumps(net))
    x = [0.35, -0.9]
    expected = plain_forward(W_231, B_231, x, acts)[-1][1][0]
    assert twin(x)[0].data == pytest.approx(expected, rel=1e-15, abs=1e-300)
    assert [p.name for p in twin.parameters()] == [p.name for p in net.parameters()]
    assert nested(twin) == nested(net)
    assert twin.parameters()[0] is not net.parameters()[0]


def test_load_state_dict_accepts_ints_and_keeps_nodes():
    net = nn.MLP([1, 1, 1], seed=0)
    nodes = net.parameters()
    net.load_state_dict({"w2_11": 1, "b2_1": 2, "w3_11": 3, "b3_1": 4.5})
    assert net.parameters() == nodes and [p.data for p in nodes] == [1.0, 2.0, 3.0, 4.5]


def test_a_layer_fed_one_of_its_own_weights_adds_that_weights_gradient_in_parents_order():
    """z = w_11 a_1 + w_12 a_2 + b with a_1 = w_12 itself, and C = z + c·w_12.
    By hand, in parents order (c·w_12 reaches w_12 first, then the dot node's
    weight w_12, times a_2 = x, then its input a_1, times w_11):
    ∂C/∂w_12 = (c + x) + w_11.  The other order, (c + w_11) + x, has other bits
    here.  backward() and gradients() agree bit for bit."""
    from autograd.engine import gradients

    net = nn.MLP([2, 1], activation="linear", weights=[[[0.1, 0.5]]], biases=[[0.0]])
    w11, w12 = net.layers[0].neurons[0].weights
    x, c = 0.2, 0.3
    expected = (c + x) + 0.1
    assert expected != (c + 0.1) + x
    C = net([w12, x])[0] + w12 * c
    C.backward()
    assert w12.grad == expected
    assert gradients(net([w12, x])[0] + w12 * c)[w12] == expected

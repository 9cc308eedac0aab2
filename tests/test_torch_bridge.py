"""net.to_torch() and nn.MLP.from_torch(): the same network in PyTorch and back.

PyTorch is the oracle: the same mini-batch, loss and optimiser on both sides
for one step, then outputs, gradients and updated weights compared to 1e-12
(relative).  Skipped without torch, except the error that names the extra.
"""

import math
import sys

import pytest

import nn

NETWORKS = [
    ([2, 3, 1], "sigmoid", "trainable"),
    ([3, 4, 2], ["tanh", "linear"], "trainable"),
    ([2, 5, 3, 2], ["relu", "sigmoid", "linear"], ["trainable", "none", 0.35]),
]
X = [[0.5, -1.0, 0.25], [1.5, 0.2, -0.7], [-0.3, 0.8, 1.1], [1.0, 1.0, -0.2]]
WORST = {}


def relative(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300) if a != b else 0.0


def agree(ours, theirs, what):
    """Every pair to 1e-12 relative (1e-15 absolute for numbers near 0); the worst
    relative difference is kept for the report."""
    assert len(ours) == len(theirs), what
    WORST[what] = max([WORST.get(what, 0.0)] + [relative(a, b) for a, b in zip(ours, theirs)])
    for a, b in zip(ours, theirs):
        assert abs(a - b) <= 1e-12 * max(abs(a), abs(b)) + 1e-15, f"{what}: {a!r} vs {b!r}"


def flat_parameters(net):
    """Every trainable value in torch's order: per layer its weight rows, then its biases."""
    out = []
    for layer in net.layers:
        for row in layer._weight_rows:
            out += [w.data for w in row]
        if layer.bias_mode == "trainable":
            out += [n.bias.data for n in layer.neurons]
    return out


def flat_grads(net):
    out = []
    for layer in net.layers:
        for row in layer._weight_rows:
            out += [w.grad for w in row]
        if layer.bias_mode == "trainable":
            out += [n.bias.grad for n in layer.neurons]
    return out


def torch_flat(model, attr):
    torch = pytest.importorskip("torch")
    tensors = [getattr(p, attr) for p in model.parameters() if p.requires_grad]
    return torch.cat([t.reshape(-1) for t in tensors]).tolist()


def optimisers(kind, net, model, torch):
    if kind == "sgd":
        return (nn.SGD(net.parameters(), lr=0.5, momentum=0.9),
                torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.5,
                                momentum=0.9))
    return (nn.Adam(net.parameters(), lr=0.01),
            torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01))


@pytest.mark.parametrize("optimiser", ["sgd", "adam"])
@pytest.mark.parametrize("sizes, activation, bias", NETWORKS, ids=["2-3-1", "3-4-2", "2-5-3-2"])
def test_one_step_agrees_with_pytorch(sizes, activation, bias, optimiser):
    torch = pytest.importorskip("torch")
    net = nn.MLP(sizes, activation, bias=bias, seed=7)
    model = net.to_torch()
    assert isinstance(model, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in model.parameters())
    agree(flat_parameters(net), torch_flat(model, "data"), "weights as moved")
    inputs = [row[:sizes[0]] for row in X]
    targets = [[(i + j) % 2 * 0.8 + 0.1 for j in range(sizes[-1])] for i in range(len(X))]
    ours_opt, theirs_opt = optimisers(optimiser, net, model, torch)
    for _ in range(2):   # the second step also runs momentum and Adam's moments
        outputs = net.batch(inputs)
        C = nn.half_squared_error(outputs, targets)    # the mean over the batch of ½‖y − a‖²
        net.zero_grad()
        C.backward()
        theirs_out = model(torch.tensor(inputs, dtype=torch.float64))
        theirs_C = 0.5 * ((theirs_out - torch.tensor(targets, dtype=torch.float64)) ** 2).sum(1).mean()
        theirs_opt.zero_grad()
        theirs_C.backward()
        agree([a.data for row in outputs for a in row], theirs_out.flatten().tolist(), "outputs")
        agree([C.data], [theirs_C.item()], "loss")
        agree(flat_grads(net), torch_flat(model, "grad"), "gradients")
        ours_opt.step()
        theirs_opt.step()
        agree(flat_parameters(net), torch_flat(model, "data"), "weights after a step")


@pytest.mark.parametrize("sizes, activation, bias", NETWORKS, ids=["2-3-1", "3-4-2", "2-5-3-2"])
def test_from_torch_gives_back_the_same_network(sizes, activation, bias):
    pytest.importorskip("torch")
    net = nn.MLP(sizes, activation, bias=bias, seed=3)
    back = nn.MLP.from_torch(net.to_torch())
    assert back.sizes == net.sizes and back.activations == net.activations
    assert [layer.bias_mode for layer in back.layers] == [layer.bias_mode for layer in net.layers]
    assert [p.name for p in back.parameters()] == [p.name for p in net.parameters()]
    assert [p.data.hex() for p in back.parameters()] == [p.data.hex() for p in net.parameters()]
    x = X[0][:sizes[0]]
    assert [a.data.hex() for a in back(x)] == [a.data.hex() for a in net(x)]


def test_from_torch_reads_a_module_built_in_pytorch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1),
                                torch.nn.Identity())
    net = nn.MLP.from_torch(model)
    assert net.sizes == [2, 3, 1] and net.activations == ["tanh", "linear"]
    assert net.parameter("w2_12").data == model[0].weight[0, 1].item()   # float32 -> exact float
    assert net.parameter("b3_1").data == model[2].bias[0].item()
    [y] = net([0.25, -0.5])
    expected = model(torch.tensor([[0.25, -0.5]])).item()   # float32: agrees to its precision
    assert y.data == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("build, message", [
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Dropout(0.5)),
     r"module 1 \(Dropout\) has no counterpart in nn\.MLP"),
    (lambda t: t.nn.Sequential(t.nn.Sigmoid(), t.nn.Linear(2, 3)),
     r"module 0 \(Sigmoid\) comes before any Linear layer"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Linear(4, 1)),
     r"module 1 \(Linear\) takes 4 inputs but the layer before it gives 3"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Tanh()),
     r"module 2 \(Tanh\) is a second activation"),
    (lambda t: t.nn.Conv2d(1, 1, 3), r"expected a torch\.nn\.Sequential .* got Conv2d"),
    (lambda t: t.nn.Sequential(), r"no Linear layer"),
])
def test_from_torch_names_the_module_it_cannot_map(build, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=message) as caught:
        nn.MLP.from_torch(build(torch))
    assert "\n" not in str(caught.value)


def test_without_torch_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)   # import torch raises ImportError
    net = nn.MLP([2, 1], seed=0)
    with pytest.raises(ImportError, match=r"^to_torch\(\) needs PyTorch, an optional extra: "
                                          r"pip install 'chainrule\[torch\]'$"):
        net.to_torch()
    with pytest.raises(ImportError, match=r"^from_torch\(\) needs PyTorch.*chainrule\[torch\]"):
        nn.MLP.from_torch(object())


def test_report_the_worst_relative_difference():
    """Runs last in this file: prints the worst relative differences seen (pytest -s)."""
    pytest.importorskip("torch")
    if WORST:
        print("\nto_torch agreement, worst relative difference: " +
              ", ".join(f"{k} {v:.2g}" for k, v in sorted(WORST.items())))


def test_a_frozen_layer_does_not_require_grad_in_pytorch_and_back():
    """net.layers[0].freeze(), then net.to_torch(): every tensor required grad, so
    the two networks trained side by side (as the docs suggest) parted at the first
    step, with no word.  A tensor frozen whole now has requires_grad=False, and
    from_torch freezes a weight that does not require grad.  Oracle: one SGD step in
    PyTorch, whose frozen tensors keep their numbers and whose others match nn's."""
    torch = pytest.importorskip("torch")
    net = nn.MLP([2, 3, 1], seed=4)
    net.layers[0].freeze()
    model = net.to_torch()
    assert [p.requires_grad for p in model.parameters()] == [False, False, True, True]
    C = nn.half_squared_error(net([0.3, -0.8]), [1.0])
    C.backward()
    nn.SGD(net.parameters(), lr=0.5).step()
    trainable = [p for p in model.parameters() if p.requires_grad]
    frozen_before = model[0].weight.detach().clone()
    out = model(torch.tensor([[0.3, -0.8]], dtype=torch.float64))
    (0.5 * (out - 1.0) ** 2).sum().backward()
    torch.optim.SGD(trainable, lr=0.5).step()
    assert torch.equal(model[0].weight, frozen_before)
    assert net.parameter("w3_12").data == pytest.approx(model[2].weight[0, 1].item(), rel=1e-12)
    back = nn.MLP.from_torch(model)
    assert back.frozen() == net.frozen() and back.state_dict() == net.state_dict()


def test_a_tensor_frozen_in_part_is_refused_by_to_torch():
    """PyTorch freezes whole tensors; one frozen weight of six cannot be written so."""
    pytest.importorskip("torch")
    net = nn.MLP([2, 3, 1], seed=4).freeze("w2_11")
    with pytest.raises(ValueError) as caught:
        net.to_torch()
    assert str(caught.value) == ("to_torch: layer 2's weight has frozen entries (w2_11) and "
                                 "trainable ones, but PyTorch freezes a tensor whole "
                                 "(requires_grad=False): freeze all of them or none")


@pytest.mark.parametrize("dtype, where", [
    ("complex128", "weight"), ("complex64", "bias"), ("bool", "bias")])
def test_from_torch_refuses_a_tensor_that_is_not_real_numbers(dtype, where):
    """A complex Linear came back with its imaginary parts dropped (only a torch
    UserWarning said so), a bool bias as 0/1.  Oracle: what the tensors hold; now a
    one-line ValueError names the Linear, the tensor and its dtype."""
    torch = pytest.importorskip("torch")
    second = torch.nn.Linear(3, 1, dtype=torch.float64)
    if where == "weight":
        second = torch.nn.Linear(3, 1, dtype=getattr(torch, dtype))
    else:
        second.bias = torch.nn.Parameter(torch.ones(1, dtype=getattr(torch, dtype)),
                                         requires_grad=False)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.Tanh(),
                                second)
    with pytest.raises(ValueError) as caught:
        nn.MLP.from_torch(model)
    assert str(caught.value) == (f"from_torch: Linear 2's {where} (layer 3 of the MLP) is "
                                 f"{dtype}; an nn.MLP's weights and biases are real numbers")


def test_from_torch_refuses_a_meta_tensor_by_name():
    """A model built on the "meta" device has shapes and no numbers: torch's own
    NotImplementedError ("Cannot copy out of meta tensor") named no layer; now the
    Linear and its weight are named."""
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"^from_torch: Linear 1's weight \(layer 2 of the "
                                         r"MLP\) is on the 'meta' device"):
        nn.MLP.from_torch(torch.nn.Linear(2, 3, device="meta"))


def test_from_torch_reads_integer_and_half_tensors_exactly():
    """float16 and int64 numbers are floats exactly (oracle: the tensors' own values)."""
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(2, 2, dtype=torch.float16)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.1, -2.5], [3.0, 1e-3]], dtype=torch.float16))
    model.bias = torch.nn.Parameter(torch.tensor([7, -3]), requires_grad=False)
    net = nn.MLP.from_torch(model)
    assert [net.parameter(n).data for n in ("w2_11", "w2_12", "w2_21", "w2_22")] == \
        model.weight.detach().double().reshape(-1).tolist()
    assert (net.parameter("b2_1").data, net.parameter("b2_2").data) == (7.0, -3.0)


@pytest.mark.parametrize("bad, got", [
    ("0.5", "got str '0.5'"), (None, "got NoneType None"), (1 + 2j, "got complex (1+2j)"),
    (True, "got bool True; a comparison gives a bool: float(b), or .astype(float) for a "
           "comparison's array")])
def test_to_torch_names_a_parameter_whose_data_is_not_a_real_number(bad, got):
    """``.data`` may be set to anything (it is stored as it is); to_torch then failed in
    torch.tensor with "must be real number, not str", naming no parameter, or made
    True a weight of 1.0.  Now a one-line TypeError names the parameter; a NaN goes
    across as a tensor holds it (oracle: the number set)."""
    pytest.importorskip("torch")
    net = nn.MLP([2, 2, 1], seed=0, bias=[0.35, "trainable"])
    net.parameter("w3_12").data = bad
    with pytest.raises(TypeError) as caught:
        net.to_torch()
    message = str(caught.value)
    assert message.startswith("to_torch: w3_12 needs a real number") and message.endswith(got)
    net.parameter("w3_12").data = 0.25
    net.layers[0].neurons[1].bias.data = bad           # a constant bias too
    with pytest.raises(TypeError, match=r"^to_torch: b2_2 needs a real number"):
        net.to_torch()
    net.layers[0].neurons[1].bias.data = 0.35
    net.parameter("w2_21").data = float("nan")
    model = net.to_torch()
    assert math.isnan(model[0].weight[1, 0].item()) and model[2].weight[0, 1].item() == 0.25


def test_from_torch_refuses_a_linear_subclass_with_its_own_forward():
    """A subclass of Linear whose forward() doubles W a + b was read as a plain Linear:
    the nn.MLP computed half of what the model computes (oracle: the model's own
    output), with no word.  It is now refused naming the module; a parametrised
    Linear (weight_norm), whose forward is Linear's, still maps, to the same output."""
    torch = pytest.importorskip("torch")

    class Doubled(torch.nn.Linear):
        def forward(self, x):
            return 2 * super().forward(x)

    with pytest.raises(ValueError, match=r"^from_torch: module 2 \(Doubled\) is a Linear with "
                                         r"a forward\(\) of its own"):
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(),
                                              Doubled(3, 1)))
    with pytest.raises(ValueError, match=r"^from_torch: the module \(Doubled\) is a Linear"):
        nn.MLP.from_torch(Doubled(2, 1))
    from torch.nn.utils import parametrizations
    normed = parametrizations.weight_norm(torch.nn.Linear(2, 3, dtype=torch.float64))
    net = nn.MLP.from_torch(normed)
    expected = normed(torch.tensor([[0.3, -0.4]], dtype=torch.float64))[0].tolist()
    assert [a.data for a in net([0.3, -0.4])] == pytest.approx(expected, rel=1e-15)


def test_from_torch_names_a_lazy_linear_that_has_no_numbers_yet():
    """A LazyLinear before its first forward pass failed deep in torch with a
    many-line message about uninitialized parameters; now one line names it."""
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as caught:
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.LazyLinear(3)))
    assert str(caught.value) == ("from_torch: Linear 1's weight (layer 2 of the MLP) has no "
                                 "numbers yet (a LazyLinear before its first forward pass); "
                                 "run the model once first")

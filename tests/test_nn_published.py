"""Published worked examples, reproduced through nn's public API as their
authors set them up, to the digits they print.

- Matt Mazur, "A Step by Step Backpropagation Example" (2015): a 2-2-2
  sigmoid network with fixed biases 0.35 and 0.60, E = Σ ½(target − out)²,
  η = 0.5.
- Jason Brownlee, "How to Code a Neural Network with Backpropagation In
  Python (from scratch)": a 2-2-2 network, weights from random.seed(1),
  20 epochs of SGD at l_rate 0.5 on his 10-row data set, printing the
  summed squared error of every epoch.
- Andrej Karpathy, "Hacker's guide to Neural Networks": gradient ascent on
  circuits with step_size 0.01.
- CS231n, "Backpropagation, Intuitions": the gradients of its circuits.
"""

import random

import pytest

import autograd
import nn
from autograd import Value


def digits(x, n):
    """``x`` rounded to n digits after the point, as the post prints it."""
    return round(x, n)


# ---------------------------------------------------------------------------
# Mazur's 2-2-2 example
# ---------------------------------------------------------------------------

def mazur_network():
    """w1..w4 into the hidden layer, w5..w8 into the output, biases 0.35 and 0.60
    fixed (one per layer, not trained)."""
    return nn.MLP([2, 2, 2],
                  weights=[[[0.15, 0.20], [0.25, 0.30]],     # w1 w2 / w3 w4
                           [[0.40, 0.45], [0.50, 0.55]]],    # w5 w6 / w7 w8
                  bias=[0.35, 0.60])


MAZUR_X, MAZUR_Y = [0.05, 0.10], [0.01, 0.99]


def test_mazur_forward_pass_and_total_error():
    net = mazur_network()
    out_o1, out_o2 = net(MAZUR_X)
    out_h1, out_h2 = net.layers[0].a
    assert digits(out_h1.data, 9) == 0.593269992
    assert digits(out_h2.data, 9) == 0.596884378
    assert digits(out_o1.data, 8) == 0.75136507
    assert digits(out_o2.data, 9) == 0.772928465
    E_total = nn.half_squared_error([out_o1, out_o2], MAZUR_Y)
    assert digits(E_total.data, 9) == 0.298371109
    assert sorted(net.named_parameters()) == ["w2_11", "w2_12", "w2_21", "w2_22",
                                              "w3_11", "w3_12", "w3_21", "w3_22"]


def test_mazur_one_sgd_step_gives_the_posts_updated_weights():
    net = mazur_network()
    optimizer = nn.SGD(net.parameters(), lr=0.5)
    E_total = nn.half_squared_error(net(MAZUR_X), MAZUR_Y)
    E_total.backward()
    assert digits(net.parameter("w3_11").grad, 9) == 0.082167041     # ∂E_total/∂w5
    assert digits(net.parameter("w2_11").grad, 9) == 0.000438568     # ∂E_total/∂w1
    optimizer.step()
    updated = {name: p.data for name, p in net.named_parameters().items()}
    assert digits(updated["w3_11"], 8) == 0.35891648       # w5+
    assert digits(updated["w3_12"], 9) == 0.408666186      # w6+
    assert digits(updated["w3_21"], 9) == 0.511301270      # w7+
    assert digits(updated["w3_22"], 9) == 0.561370121      # w8+
    assert digits(updated["w2_11"], 9) == 0.149780716      # w1+
    assert digits(updated["w2_12"], 8) == 0.19956143       # w2+
    assert digits(updated["w2_21"], 8) == 0.24975114       # w3+
    assert digits(updated["w2_22"], 8) == 0.29950229       # w4+


def test_mazur_ten_thousand_iterations():
    """'After repeating this process 10,000 times ... the error plummets to
    0.0000351085': the error of the 10,000th pass, before its update."""
    net = mazur_network()
    history = nn.train(net, [MAZUR_X], [MAZUR_Y], epochs=10_000, lr=0.5,
                       loss="half_squared_error", reduction="sum", progress=False)
    assert digits(history[0], 9) == 0.298371109
    assert digits(history[-1], 10) == 0.0000351085


# ---------------------------------------------------------------------------
# Brownlee's network from scratch
# ---------------------------------------------------------------------------

BROWNLEE_DATA = [
    [2.7810836, 2.550537003, 0], [1.465489372, 2.362125076, 0],
    [3.396561688, 4.400293529, 0], [1.38807019, 1.850220317, 0],
    [3.06407232, 3.005305973, 0], [7.627531214, 2.759262235, 1],
    [5.332441248, 2.088626775, 1], [6.922596716, 1.77106367, 1],
    [8.675418651, -0.242068655, 1], [7.673756466, 3.508563011, 1]]

BROWNLEE_ERRORS = [6.350, 5.531, 5.221, 4.951, 4.519, 4.173, 3.835, 3.506, 3.192, 2.898,
                   2.626, 2.377, 2.153, 1.953, 1.774, 1.614, 1.472, 1.346, 1.233, 1.132]


def brownlee_network(n_inputs, n_hidden, n_outputs):
    """His initialize_network after random.seed(1): each neuron's weights, then
    its bias, drawn with random.random() layer by layer."""
    rng = random.Random(1)

    def layer(n_in, n_out):
        rows = [[rng.random() for _ in range(n_in + 1)] for _ in range(n_out)]
        return [row[:-1] for row in rows], [row[-1] for row in rows]
    w2, b2 = layer(n_inputs, n_hidden)
    w3, b3 = layer(n_hidden, n_outputs)
    return nn.MLP([n_inputs, n_hidden, n_outputs], weights=[w2, w3], biases=[b2, b3])


def test_brownlee_forward_propagation():
    net = brownlee_network(2, 1, 2)
    outputs = net.predict([1, 0])
    assert outputs == pytest.approx([0.6629970129852887, 0.7253160725279748], rel=1e-15)


def test_brownlee_training_prints_his_errors_and_weights():
    """He updates w += l_rate·δ·input with δ = (expected − output)·σ', the gradient
    step of ½Σ(y − a)², and prints Σ(y − a)² summed over the epoch: the same step is
    lr = l_rate/2 on sum_squared_error, whose epoch sum is what he prints."""
    net = brownlee_network(2, 2, 2)
    X = [row[:-1] for row in BROWNLEE_DATA]
    Y = [[1.0 if k == row[-1] else 0.0 for k in range(2)] for row in BROWNLEE_DATA]
    history = nn.train(net, X, Y, epochs=20, lr=0.25, loss="sum_squared_error",
                       reduction="sum", progress=False)
    assert [round(e, 3) for e in history] == BROWNLEE_ERRORS
    hidden = [[w.data for w in n.weights] + [n.bias.data] for n in net.layers[0].neurons]
    out = [[w.data for w in n.weights] + [n.bias.data] for n in net.layers[1].neurons]
    assert hidden[0] == pytest.approx([-1.4688375095432327, 1.850887325439514,
                                       1.0858178629550297], rel=1e-12)
    assert hidden[1] == pytest.approx([0.37711098142462157, -0.0625909894552989,
                                       0.2765123702642716], rel=1e-12)
    assert out[0] == pytest.approx([2.515394649397849, -0.3391927502445985,
                                    -0.9671565426390275], rel=1e-12)
    assert out[1] == pytest.approx([-2.5584149848484263, 1.0036422106209202,
                                    0.42383086467582715], rel=1e-12)


def test_brownlee_with_half_squared_error_is_the_same_run():
    """The same training as lr 0.5 on ½Σ(y − a)²: its history is half his error."""
    net = brownlee_network(2, 2, 2)
    X = [row[:-1] for row in BROWNLEE_DATA]
    Y = [[1.0 if k == row[-1] else 0.0 for k in range(2)] for row in BROWNLEE_DATA]
    history = nn.train(net, X, Y, epochs=20, lr=0.5, reduction="sum", progress=False)
    assert [round(2 * e, 3) for e in history] == BROWNLEE_ERRORS


# ---------------------------------------------------------------------------
# Karpathy's hacker's guide: gradient ascent with step_size 0.01
# ---------------------------------------------------------------------------

def test_hackers_guide_multiply_gate_ascent():
    """forwardMultiplyGate(-2, 3) = -6; one analytic-gradient step: x = -1.97,
    y = 2.98, and the output rises to -5.87."""
    x, y = Value(-2.0, "x"), Value(3.0, "y")
    out = x * y
    assert out.data == -6.0
    out.backward()
    nn.SGD([x, y], lr=0.01, maximize=True).step()
    assert digits(x.data, 2) == -1.97 and digits(y.data, 2) == 2.98
    assert digits((x * y).data, 2) == -5.87


def test_hackers_guide_circuit_ascent():
    """f = (x + y) z at x = -2, y = 5, z = -4: f = -12, gradients -4, -4, 3; one step
    gives x = -2.04, y = 4.96, z = -3.97, q = 2.92 and f = -11.59."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    f = (x + y) * z
    assert f.data == -12.0
    f.backward()
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    nn.SGD([x, y, z], lr=0.01, maximize=True).step()
    assert [digits(v.data, 2) for v in (x, y, z)] == [-2.04, 4.96, -3.97]
    assert digits((x + y).data, 2) == 2.92
    assert digits(((x + y) * z).data, 2) == -11.59


def test_hackers_guide_single_neuron_ascent():
    """σ(a x + b y + c) with a=1, b=2, c=-3, x=-1, y=3 is 0.8808, with gradients
    a -0.105, b 0.315, c 0.105, x 0.105, y 0.210; one step of every input with
    step_size 0.01 lifts it to 0.8825 (the guide's four digits of 0.882550...,
    so it is held to one unit in the last digit printed)."""
    units = {n: Value(v, n) for n, v in dict(a=1.0, b=2.0, c=-3.0, x=-1.0, y=3.0).items()}
    a, b, c, x, y = units.values()
    s = (a * x + b * y + c).sigmoid()
    assert digits(s.data, 4) == 0.8808
    s.backward()
    assert [digits(u.grad, 3) for u in units.values()] == [-0.105, 0.315, 0.105, 0.105, 0.210]
    nn.SGD(list(units.values()), lr=0.01, maximize=True).step()
    assert abs((a * x + b * y + c).sigmoid().data - 0.8825) < 1e-4


# ---------------------------------------------------------------------------
# CS231n's circuits (gradients as printed in the notes' figures)
# ---------------------------------------------------------------------------

def test_cs231n_add_multiply_circuit():
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    f = (x + y) * z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-12.0, -4.0, -4.0, 3.0)


def test_cs231n_sigmoid_neuron():
    """w = [2, -3, -3], x = [-1, -2]: f = σ(w0 x0 + w1 x1 + w2) = 0.73,
    dx = [0.39, -0.59], dw = [-0.20, -0.39, 0.20]."""
    w = [Value(2.0), Value(-3.0), Value(-3.0)]
    x = [Value(-1.0), Value(-2.0)]
    f = (w[0] * x[0] + w[1] * x[1] + w[2]).sigmoid()
    f.backward()
    assert digits(f.data, 2) == 0.73
    assert [digits(v.grad, 2) for v in x] == [0.39, -0.59]
    assert [digits(v.grad, 2) for v in w] == [-0.20, -0.39, 0.20]


def test_cs231n_max_gate_routes_the_gradient():
    """f = 2(x y + max(z, w)) at x = 3, y = -4, z = 2, w = -1: f = -20 and the
    gradients -8, 6, 2, 0 (the max gate sends all of it to the larger input)."""
    x, y, z, w = Value(3.0), Value(-4.0), Value(2.0), Value(-1.0)
    f = 2 * (x * y + autograd.maximum(z, w))
    f.backward()
    assert f.data == -20.0
    assert (x.grad, y.grad, z.grad, w.grad) == (-8.0, 6.0, 2.0, 0.0)

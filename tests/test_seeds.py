"""The five worked examples, reproduced against the engine.

Each test asserts the example's own hand formulas (evaluated here in plain
Python, with small matrix helpers for the batch examples 001 and 004) and the
example's own numbers against the gradients the engine computes.
"""

import math
import random

import pytest

import nn
from autograd import Value, sum_values

# ---------------------------------------------------------------------------
# Plain-Python helpers: the hand side of every comparison
# ---------------------------------------------------------------------------


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def sigmoid_prime(x):
    """σ'(x) = σ(x)(1 − σ(x))."""
    s = sigmoid(x)
    return s * (1.0 - s)


def matmul(A, B):
    """(n×p)(p×q) -> n×q, lists of rows."""
    assert len(A[0]) == len(B), f"matmul: {len(A)}x{len(A[0])} times {len(B)}x{len(B[0])}"
    return [[sum(a * B[t][c] for t, a in enumerate(row)) for c in range(len(B[0]))] for row in A]


def transpose(A):
    return [list(col) for col in zip(*A)]


def hadamard(A, B):
    """A ⊙ B, entry by entry."""
    return [[a * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def subtract(A, B):
    return [[a - b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def scale(c, A):
    return [[c * a for a in row] for row in A]


def add_row(A, row):
    """A + 1·row: a 1×q row broadcast over A's rows (the bias)."""
    return [[a + r for a, r in zip(ra, row[0])] for ra in A]


def apply(f, A):
    return [[f(a) for a in row] for row in A]


def one_minus(A):
    return [[1.0 - a for a in row] for row in A]


def column_sums(A):
    """Σ over the batch (rows): a 1×q row."""
    return [[sum(col) for col in zip(*A)]]


def assert_close(engine, hand, what, rel=1e-12, abs_=1e-15):
    assert math.isclose(engine, hand, rel_tol=rel, abs_tol=abs_), (
        f"{what}: engine {engine!r}, hand formula {hand!r}, "
        f"relative error {abs(engine - hand) / max(abs(hand), 1e-300):.3g}")


def assert_matrix_close(engine, hand, what):
    assert len(engine) == len(hand) and len(engine[0]) == len(hand[0]), what
    for r, (erow, hrow) in enumerate(zip(engine, hand)):
        for c, (e, h) in enumerate(zip(erow, hrow)):
            assert_close(e, h, f"{what}[{r}][{c}]", abs_=1e-14)


def random_matrix(rng, rows, cols, spread=1.0):
    return [[rng.uniform(-spread, spread) for _ in range(cols)] for _ in range(rows)]


# ---------------------------------------------------------------------------
# Seed 000: the 1-1-1 sigmoid network, L = ½ Σ (y − y')²
# ---------------------------------------------------------------------------


def seed000_forward(x, y, w1, w2, b1, b2):
    """net1 = x·w1 + b1, h = σ(net1), net2 = h·w2 + b2, y' = σ(net2), L = ½(y − y')².

    Pass the same Value as b1 and b2 for the asker's shared bias b.
    Returns (L, h, y') as Values.
    """
    x, y = Value(x, name="x"), Value(y, name="y")
    h = (x * w1 + b1).named("net1").sigmoid().named("h")
    y_out = (h * w2 + b2).named("net2").sigmoid().named("y'")
    return (0.5 * (y - y_out) ** 2).named("L"), h, y_out


def seed000_point(rng):
    return (rng.uniform(-3, 3), rng.uniform(0, 1), rng.uniform(-2, 2), rng.uniform(-2, 2),
            rng.uniform(-2, 2), rng.uniform(-2, 2))


def test_seed000_asker_formulas_at_many_random_points():
    rng = random.Random(20000)
    for _ in range(200):
        x, y, w1v, w2v, bv, _ = seed000_point(rng)
        w1, w2, b = Value(w1v, name="w1"), Value(w2v, name="w2"), Value(bv, name="b")
        L, h, y_out = seed000_forward(x, y, w1, w2, b, b)
        L.backward()
        h, yo = h.data, y_out.data
        # ∂L/∂w2 = h · y'(1−y') · (y'−y)
        assert_close(w2.grad, h * yo * (1 - yo) * (yo - y), "dL/dw2")
        # ∂L/∂w1 = x · h(1−h) · w2 · y'(1−y') · (y'−y)
        assert_close(w1.grad, x * h * (1 - h) * w2v * yo * (1 - yo) * (yo - y), "dL/dw1")


def test_seed000_separate_biases_get_their_own_chain_rule():
    rng = random.Random(20001)
    for _ in range(100):
        x, y, w1v, w2v, b1v, b2v = seed000_point(rng)
        w1, w2 = Value(w1v, name="w1"), Value(w2v, name="w2")
        b1, b2 = Value(b1v, name="b1"), Value(b2v, name="b2")
        L, h, y_out = seed000_forward(x, y, w1, w2, b1, b2)
        L.backward()
        h, yo = h.data, y_out.data
        delta2 = yo * (1 - yo) * (yo - y)                       # ∂L/∂net2
        assert_close(b2.grad, delta2, "dL/db2")                 # ∂net2/∂b2 = 1
        assert_close(b1.grad, h * (1 - h) * w2v * delta2, "dL/db1")  # ∂L/∂net1 · 1


def test_seed000_shared_bias_sums_both_paths():
    rng = random.Random(20002)
    for _ in range(100):
        x, y, w1v, w2v, bv, _ = seed000_point(rng)
        b = Value(bv, name="b")
        L, h, y_out = seed000_forward(x, y, Value(w1v), Value(w2v), b, b)
        L.backward()
        h, yo = h.data, y_out.data
        via_net2 = yo * (1 - yo) * (yo - y)
        via_net1 = h * (1 - h) * w2v * via_net2
        assert_close(b.grad, via_net2 + via_net1, "dL/db (shared)")

        # the same number as b1.grad + b2.grad of the network with b1 = b2 = b
        b1, b2 = Value(bv), Value(bv)
        L2, _, _ = seed000_forward(x, y, Value(w1v), Value(w2v), b1, b2)
        L2.backward()
        assert_close(b.grad, b1.grad + b2.grad, "dL/db = dL/db1 + dL/db2")


def test_seed000_shared_bias_matches_finite_differences(fd):
    x, y, w1v, w2v = 0.7, 1.0, -0.4, 1.3

    def loss(bv):
        b = Value(bv)
        return seed000_forward(x, y, Value(w1v), Value(w2v), b, b)[0].data

    b = Value(0.25)
    seed000_forward(x, y, Value(w1v), Value(w2v), b, b)[0].backward()
    assert math.isclose(b.grad, fd(loss, 0.25), rel_tol=1e-7)


def test_seed000_gradient_over_samples_is_sum_of_per_sample_gradients():
    rng = random.Random(20003)
    samples = [(rng.uniform(-2, 2), rng.uniform(0, 1)) for _ in range(5)]
    w1v, w2v, bv = 0.4, -0.7, 0.1

    w1, w2, b = Value(w1v, name="w1"), Value(w2v, name="w2"), Value(bv, name="b")
    per_sample = [seed000_forward(x, y, w1, w2, b, b) for x, y in samples]
    L = sum_values([L_i for L_i, _, _ in per_sample]).named("L")  # L = ½ Σ_i (y_i − y'_i)²
    L.backward()

    hand = {"w1": 0.0, "w2": 0.0, "b": 0.0}
    engine_sum = {"w1": 0.0, "w2": 0.0, "b": 0.0}
    for (x, y), (_, h, y_out) in zip(samples, per_sample):
        h, yo = h.data, y_out.data
        delta2 = yo * (1 - yo) * (yo - y)
        hand["w2"] += h * delta2
        hand["w1"] += x * h * (1 - h) * w2v * delta2
        hand["b"] += delta2 + h * (1 - h) * w2v * delta2
        # each sample on its own, with fresh parameters
        p = {"w1": Value(w1v), "w2": Value(w2v), "b": Value(bv)}
        seed000_forward(x, y, p["w1"], p["w2"], p["b"], p["b"])[0].backward()
        for k in engine_sum:
            engine_sum[k] += p[k].grad

    for name, value in (("w1", w1), ("w2", w2), ("b", b)):
        assert_close(value.grad, hand[name], f"dL/d{name}, sum of hand formulas", abs_=1e-14)
        assert_close(value.grad, engine_sum[name], f"dL/d{name}, sum of per-sample passes",
                     abs_=1e-14)


# ---------------------------------------------------------------------------
# Seed 001: a 2-3-1 sigmoid network on a batch, in matrix form
# ---------------------------------------------------------------------------


def nn_weights(W):
    """Matrix-form W (n_in × n_out, z = a W) as nn's weights[j][k] (n_out × n_in)."""
    return transpose(W)


def engine_gradients_2_3_1(net):
    """The engine's ∂/∂W1 (2×3), ∂/∂b1 (1×3), ∂/∂W2 (3×1), ∂/∂b2 (1×1) in matrix form.

    W1[k][j] is Nielsen's w^2_{j+1,k+1}: the weight from input k to hidden neuron j.
    """
    p = net.named_parameters()
    dW1 = [[p[f"w2_{j}{k}"].grad for j in (1, 2, 3)] for k in (1, 2)]
    db1 = [[p[f"b2_{j}"].grad for j in (1, 2, 3)]]
    dW2 = [[p[f"w3_1{k}"].grad] for k in (1, 2, 3)]
    db2 = [[p["b3_1"].grad]]
    return dW1, db1, dW2, db2


def test_seed001_batch_matrix_form_equals_engine():
    rng = random.Random(20010)
    m = 4
    a0 = random_matrix(rng, m, 2, 2.0)                  # the batch, one sample per row
    y = [[rng.uniform(0, 1)] for _ in range(m)]
    W1, b1 = random_matrix(rng, 2, 3), random_matrix(rng, 1, 3)
    W2, b2 = random_matrix(rng, 3, 1), random_matrix(rng, 1, 1)

    # engine: L = Σ_i ½ (a2_i − y_i)², one forward pass per sample
    net = nn.MLP([2, 3, 1], weights=[nn_weights(W1), nn_weights(W2)], biases=[b1[0], b2[0]])
    losses, hidden_z, output_z = [], [], []
    for x, target in zip(a0, y):
        out = net(x)
        losses.append(nn.half_squared_error(out, target))
        hidden_z.append(net.layers[0].z)
        output_z.append(net.layers[1].z)
    sum_values(losses).backward()

    # the answer's matrix formulas
    z1 = add_row(matmul(a0, W1), b1)
    a1 = apply(sigmoid, z1)
    z2 = add_row(matmul(a1, W2), b2)
    a2 = apply(sigmoid, z2)
    delta2 = hadamard(subtract(a2, y), apply(sigmoid_prime, z2))    # (a2 − y) ⊙ σ'(z2)
    dW2 = matmul(transpose(a1), delta2)                              # a1^T δ2
    db2 = column_sums(delta2)                                        # Σ_batch δ2
    delta1 = hadamard(matmul(delta2, transpose(W2)), apply(sigmoid_prime, z1))  # (δ2 W2^T) ⊙ σ'(z1)
    dW1 = matmul(transpose(a0), delta1)                              # a0^T δ1
    db1 = column_sums(delta1)                                        # Σ_batch δ1

    e_dW1, e_db1, e_dW2, e_db2 = engine_gradients_2_3_1(net)
    assert_matrix_close(e_dW2, dW2, "dL/dW2")
    assert_matrix_close(e_db2, db2, "dL/db2")
    assert_matrix_close(e_dW1, dW1, "dL/dW1")
    assert_matrix_close(e_db1, db1, "dL/db1")
    # and the deltas themselves, sample by sample: δ = ∂L/∂z
    assert_matrix_close([[z.grad for z in row] for row in output_z], delta2, "delta2")
    assert_matrix_close([[z.grad for z in row] for row in hidden_z], delta1, "delta1")


# ---------------------------------------------------------------------------
# Seed 002: Nielsen's BP1-BP4 on 2-3-1 (no output bias), C = ½ (a^3 − y)²
# ---------------------------------------------------------------------------


def seed002_network(w2, b2, w3):
    """Layer 2: 3 sigmoid neurons with biases; layer 3: 1 sigmoid neuron, no bias."""
    return (nn.Layer(2, 3, number=2, weights=w2, biases=b2),
            nn.Layer(3, 1, number=3, weights=w3, bias="none"))


def test_seed002_bp1_to_bp4_equal_engine():
    rng = random.Random(20020)
    for _ in range(20):
        x = [rng.uniform(-2, 2) for _ in range(2)]
        y = rng.uniform(0, 1)
        w2 = random_matrix(rng, 3, 2)                    # w^2_jk, Nielsen: rows j, columns k
        b2 = [rng.uniform(-1, 1) for _ in range(3)]
        w3 = random_matrix(rng, 1, 3)
        layer2, layer3 = seed002_network(w2, b2, w3)
        [a3] = layer3(layer2(x))
        C = nn.half_squared_error([a3], [y])
        C.backward()
        assert "b3_1" not in layer3.named_parameters()

        # forward by hand
        z2 = [sum(w2[j][k] * x[k] for k in range(2)) + b2[j] for j in range(3)]
        a2 = [sigmoid(z) for z in z2]
        z3 = sum(w3[0][k] * a2[k] for k in range(3))
        # BP1: δ^L = (a^L − y) σ'(z^L)
        delta3 = (sigmoid(z3) - y) * sigmoid_prime(z3)
        # BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)
        delta2 = [w3[0][j] * delta3 * sigmoid_prime(z2[j]) for j in range(3)]

        assert_close(layer3.z[0].grad, delta3, "delta^3_1 = z3_1.grad")
        for j in range(3):
            assert_close(layer2.z[j].grad, delta2[j], f"delta^2_{j + 1} = z2_{j + 1}.grad")
        p2, p3 = layer2.named_parameters(), layer3.named_parameters()
        for j in range(3):
            # BP3: ∂C/∂b^l_j = δ^l_j
            assert_close(p2[f"b2_{j + 1}"].grad, delta2[j], f"dC/db2_{j + 1}")
            # BP4: ∂C/∂w^l_jk = a^{l-1}_k δ^l_j
            for k in range(2):
                assert_close(p2[f"w2_{j + 1}{k + 1}"].grad, x[k] * delta2[j],
                             f"dC/dw2_{j + 1}{k + 1}")
            assert_close(p3[f"w3_1{j + 1}"].grad, a2[j] * delta3, f"dC/dw3_1{j + 1}")


def test_seed002_weight_into_layer_3_is_w3():
    """The asker's w^2_11 (hidden -> output) is Nielsen's w^3_11: the weight into layer 3."""
    x, y = [0.6, -0.4], 0.25
    w2 = [[0.1, -0.3], [0.5, 0.2], [-0.6, 0.4]]
    w3 = [[0.7, -0.2, 0.3]]
    layer2, layer3 = seed002_network(w2, [0.1, 0.0, -0.1], w3)
    [a3] = layer3(layer2(x))
    nn.half_squared_error([a3], [y]).backward()

    a2_1 = layer2.a[0].data
    z3_1, z2_1 = layer3.z[0].data, layer2.z[0].data
    # the answer: ∂C/∂w^3_11 = a^2_1 (a^3_1 − y) σ'(z^3_1)
    by_hand = a2_1 * (a3.data - y) * sigmoid_prime(z3_1)
    assert layer3.neurons[0].weights[0].name == "w3_11"
    assert_close(layer3.neurons[0].weights[0].grad, by_hand, "dC/dw3_11")
    # the asker's BP4 for "w^2_11" with δ^2_1 = δ^3_1 σ'(z^2_1) drops w^3_11 from BP2:
    delta3 = (a3.data - y) * sigmoid_prime(z3_1)
    asker = x[0] * delta3 * sigmoid_prime(z2_1)
    w2_11 = layer2.neurons[0].weights[0]
    assert w2_11.name == "w2_11"
    assert not math.isclose(w2_11.grad, asker, rel_tol=1e-3)
    assert_close(w2_11.grad, x[0] * (w3[0][0] * delta3) * sigmoid_prime(z2_1), "dC/dw2_11")


# ---------------------------------------------------------------------------
# Seed 003: the 1-1-2-1 network, constant biases 1, weights 0.5, input 1
# ---------------------------------------------------------------------------

SEED003_DESMOS = 0.0014291881022
SEED003_ASKER = 0.00571675240882


def seed003_network(I=1.0, weight=0.5):
    """O = s(s(s(I w1 + 1) w2 + 1) w4 + s(s(I w1 + 1) w3 + 1) w5 + 1); returns (O, nodes)."""
    I = Value(I, name="I")
    w = {i: Value(weight, name=f"w{i}") for i in range(1, 6)}
    net1 = (I * w[1] + 1).named("net1")
    h1 = net1.sigmoid().named("h1")
    net2 = (h1 * w[2] + 1).named("net2")
    net3 = (h1 * w[3] + 1).named("net3")
    h2, h3 = net2.sigmoid().named("h2"), net3.sigmoid().named("h3")
    net4 = (h2 * w[4] + h3 * w[5] + 1).named("net4")
    O = net4.sigmoid().named("O")
    return O, dict(I=I, w=w, net1=net1, net2=net2, net3=net3, net4=net4)


def test_seed003_engine_reproduces_desmos():
    O, n = seed003_network()
    O.backward()
    assert abs(n["w"][1].grad - SEED003_DESMOS) < 1e-12


def test_seed003_asker_formula_is_four_times_too_large():
    O, n = seed003_network()
    O.backward()
    d = sigmoid_prime
    I = n["I"].data
    net1, net2, net3, net4 = (n[k].data for k in ("net1", "net2", "net3", "net4"))
    w2, w3, w4, w5 = (n["w"][i].data for i in (2, 3, 4, 5))
    # the asker: d(net4)·[d(net2)·d(net1)·I + d(net3)·d(net1)·I]
    asker = d(net4) * (d(net2) * d(net1) * I + d(net3) * d(net1) * I)
    assert abs(asker - SEED003_ASKER) < 1e-13
    # the answer: the same with w4·w2 and w5·w3 (each 0.25) put back
    answer = d(net4) * (w4 * d(net2) * w2 * d(net1) * I + w5 * d(net3) * w3 * d(net1) * I)
    assert w4 * w2 == w5 * w3 == 0.25
    assert_close(n["w"][1].grad, answer, "dO/dw1, the answer's formula")
    assert_close(asker / n["w"][1].grad, 4.0, "asker / engine")


# ---------------------------------------------------------------------------
# Seed 004: mini-batch 2-3-1, cost = 1/(2m) Σ (o2 − Y)², the blog's matrices
# ---------------------------------------------------------------------------


def test_seed004_blog_matrix_expressions_equal_engine():
    rng = random.Random(20040)
    m = 5
    X = random_matrix(rng, m, 2, 2.0)
    Y = [[rng.uniform(0, 1)] for _ in range(m)]
    W1, b1 = random_matrix(rng, 2, 3), random_matrix(rng, 1, 3)
    W2, b2 = random_matrix(rng, 3, 1), random_matrix(rng, 1, 1)

    net = nn.MLP([2, 3, 1], weights=[nn_weights(W1), nn_weights(W2)], biases=[b1[0], b2[0]])
    outputs = [net(x) for x in X]
    cost = nn.half_mean_squared_error(outputs, Y)
    cost.backward()

    # forward, as the blog writes it
    i1 = add_row(matmul(X, W1), b1)
    o1 = apply(sigmoid, i1)
    i2 = add_row(matmul(o1, W2), b2)
    o2 = apply(sigmoid, i2)
    # ∂cost/∂o2 = 1/m (o2 − Y): the blog's only 1/m
    dcost_do2 = scale(1.0 / m, subtract(o2, Y))
    upstream2 = hadamard(dcost_do2, hadamard(o2, one_minus(o2)))
    # ΔW2 = ((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2)))^T × o1)^T
    dW2 = transpose(matmul(transpose(upstream2), o1))
    # ΔW1 = ((((1/m (o2 − Y) ⊙ (o2 ⊙ (1 − o2))) × W2^T) ⊙ o1 ⊙ (1 − o1))^T × X)^T
    upstream1 = hadamard(hadamard(matmul(upstream2, transpose(W2)), o1), one_minus(o1))
    dW1 = transpose(matmul(transpose(upstream1), X))
    # Δb2, Δb1: the same chains with ∂i/∂b = 1, summed over the batch
    db2, db1 = column_sums(upstream2), column_sums(upstream1)

    e_dW1, e_db1, e_dW2, e_db2 = engine_gradients_2_3_1(net)
    assert_matrix_close(e_dW2, dW2, "ΔW2")
    assert_matrix_close(e_dW1, dW1, "ΔW1")
    assert_matrix_close(e_db2, db2, "Δb2")
    assert_matrix_close(e_db1, db1, "Δb1")

    # the 1/m is where the blog puts it: ∂cost/∂o2 for sample i is (o2_i − Y_i)/m
    assert_matrix_close([[out[0].grad] for out in outputs], dcost_do2, "dcost/do2")
    # and nowhere else: without it the formula gives m times the engine's gradient
    no_m = transpose(matmul(transpose(hadamard(subtract(o2, Y), hadamard(o2, one_minus(o2)))), o1))
    assert_matrix_close(scale(1.0 / m, no_m), e_dW2, "ΔW2 without 1/m, divided by m")


@pytest.mark.parametrize("m", [1, 3])
def test_seed004_cost_is_half_mean_of_squared_errors(m):
    rng = random.Random(20041 + m)
    X = random_matrix(rng, m, 2)
    Y = [[rng.uniform(0, 1)] for _ in range(m)]
    net = nn.MLP([2, 3, 1], seed=7)
    outputs = [net(x) for x in X]
    cost = nn.half_mean_squared_error(outputs, Y)
    by_hand = sum((o[0].data - y[0]) ** 2 for o, y in zip(outputs, Y)) / (2 * m)
    assert_close(cost.data, by_hand, "cost = 1/(2m) Σ (o2 − Y)²")

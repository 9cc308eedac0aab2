"""nn's losses: values and gradients against their hand formulas (always) and
against torch.nn.functional in float64 (where torch is installed).

Oracles: the formulas written out in plain floats with ``math`` (C and ∂C/∂a
or ∂C/∂z as the textbooks derive them), and PyTorch's losses and autograd.
"""

import decimal
import math
import random

import pytest

import nn
from autograd import Value
from conftest import assert_close

A = [0.3, 0.9, 0.05]          # one sample's outputs (all in (0, 1))
Y = [1.0, 0.5, 0.0]           # its targets
BATCH_A = [[0.3, 0.9], [0.6, 0.2], [0.75, 0.4]]
BATCH_Y = [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
LOGITS = [1.5, -0.3, 2.2, 0.0]


def leaves(numbers):
    return [Value(x, name=f"a{j}") for j, x in enumerate(numbers, 1)]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


def hand_softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


# ---------------------------------------------------------------------------
# Squared errors
# ---------------------------------------------------------------------------

def test_sum_squared_error_one_sample_against_the_hand_formula():
    a = leaves(A)
    C = nn.sum_squared_error(a, Y)
    assert C.name == "C"
    assert_close(C.data, sum((y - x) ** 2 for x, y in zip(A, Y)), rel=1e-15)
    C.backward()
    for node, x, y in zip(a, A, Y):
        assert_close(node.grad, 2 * (x - y), rel=1e-15)   # ∂C/∂a_j = 2(a_j − y_j)


@pytest.mark.parametrize("reduction, scale", [("mean", 1 / 3), ("sum", 1.0)])
def test_squared_errors_of_a_batch_reduce_over_the_samples(reduction, scale):
    batch = [leaves(row) for row in BATCH_A]
    C = nn.sum_squared_error(batch, BATCH_Y, reduction=reduction)
    per_sample = [sum((y - x) ** 2 for x, y in zip(row, ys)) for row, ys in zip(BATCH_A, BATCH_Y)]
    assert_close(C.data, scale * sum(per_sample), rel=1e-15)
    C.backward()
    for row, nodes, ys in zip(BATCH_A, batch, BATCH_Y):
        for x, node, y in zip(row, nodes, ys):
            assert_close(node.grad, scale * 2 * (x - y), rel=1e-15)
    half = nn.half_squared_error([leaves(row) for row in BATCH_A], BATCH_Y, reduction=reduction)
    assert_close(half.data, 0.5 * C.data, rel=1e-15)


def test_half_squared_error_of_a_batch_mean_is_half_mean_squared_error():
    outs = [leaves(row) for row in BATCH_A]
    assert_close(nn.half_squared_error(outs, BATCH_Y).data,
                 nn.half_mean_squared_error(outs, BATCH_Y).data, rel=1e-15)


def test_a_batch_names_each_sample_loss():
    C = nn.sum_squared_error([leaves(row) for row in BATCH_A], BATCH_Y, reduction="sum")
    assert C.name == "C" and [p.name for p in C.parents] == ["C(1)", "C(2)", "C(3)"]


# ---------------------------------------------------------------------------
# Binary cross-entropy
# ---------------------------------------------------------------------------

def hand_bce(a, y):
    return -sum(t * math.log(x) + (1 - t) * math.log(1 - x) for x, t in zip(a, y))


def test_binary_cross_entropy_of_plain_outputs_against_the_hand_formula():
    a = leaves(A)
    C = nn.binary_cross_entropy(a, Y)
    assert_close(C.data, hand_bce(A, Y), rel=1e-14)
    C.backward()
    for node, x, y in zip(a, A, Y):   # ∂C/∂a = (a − y) / (a(1 − a))
        assert_close(node.grad, (x - y) / (x * (1 - x)), rel=1e-13)


def test_binary_cross_entropy_of_sigmoid_outputs_uses_the_logit():
    """Nielsen ch. 3: with a = σ(z), ∂C/∂z = a − y (σ' cancels)."""
    Z = [0.4, -1.2, 3.0]
    z = leaves(Z)
    outputs = [v.sigmoid() for v in z]
    C = nn.binary_cross_entropy(outputs, Y)
    assert_close(C.data, hand_bce([sigmoid(v) for v in Z], Y), rel=1e-14)
    C.backward()
    for node, v, y in zip(z, Z, Y):
        assert_close(node.grad, sigmoid(v) - y, rel=1e-14, abs_=1e-15)
    assert "softplus" in {n.op.name for n in _nodes(C)}
    assert all(a.grad == 0.0 for a in outputs)   # the graph goes round the sigmoid node


def exact_bce_of_logit(z, y):
    """−[y ln σ(z) + (1 − y) ln(1 − σ(z))] and its ∂/∂z = σ(z) − y, in 50-digit decimals
    (an oracle that cancels nothing, whatever z), rounded to floats."""
    with decimal.localcontext() as context:
        context.prec = 50
        Z, Y1 = decimal.Decimal(z), decimal.Decimal(y)
        one = decimal.Decimal(1)
        cost = Y1 * (one + (-Z).exp()).ln() + (one - Y1) * (one + Z.exp()).ln()
        return float(cost), float(one / (one + (-Z).exp()) - Y1)


@pytest.mark.parametrize("z, y", [(1000.0, 1.0), (1000.0, 0.0), (-1000.0, 0.0),
                                  (-1000.0, 1.0), (40.0, 1.0), (-745.0, 0.3),
                                  (30.0, 1.0), (-30.0, 0.0), (700.0, 1.0), (-700.0, 0.0),
                                  (36.9, 1.0), (0.0, 1.0), (0.0, 0.25), (5.0, 0.5)])
def test_binary_cross_entropy_is_finite_for_saturated_sigmoids(z, y):
    """σ(1000) is 1.0 in floats, so ln(1 − a) would be ln 0; the logit form is
    y softplus(−z) + (1 − y) softplus(z), two terms that are never negative, so a
    confident right answer keeps its small cost: z = 40, y = 1 costs e^−40 ≈ 4.2e-18,
    where softplus(z) − y z gave 40 − 40 = 0 (and z = 30 lost two digits)."""
    node = Value(z)
    C = nn.binary_cross_entropy(node.sigmoid(), y)
    cost, gradient = exact_bce_of_logit(z, y)
    assert math.isfinite(C.data)
    assert_close(C.data, cost, rel=1e-14, abs_=1e-300)
    C.backward()
    assert_close(node.grad, gradient, rel=1e-14, abs_=1e-300)


@pytest.mark.parametrize("backend, jit", [("python", False), ("python", True), ("numpy", "auto")])
def test_binary_cross_entropy_of_confident_samples_on_every_backend(backend, jit):
    """z = 40 with y = 1 and z = −30 with y = 0: each backend's epoch loss is the mean of
    the exact costs (e^−40 and ln(1 + e^−30)); softplus(z) − y z lost the first entirely
    and the mean in its fourth digit."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([1, 1], weights=[[[40.0]]], biases=[[0.0]])
    history = nn.train(net, [[1.0], [-0.75]], [[1.0], [0.0]], epochs=1, lr=1e-9,
                       loss="binary_cross_entropy", batch=None, progress=False,
                       backend=backend, jit=jit)
    expected = (exact_bce_of_logit(40.0, 1.0)[0] + exact_bce_of_logit(-30.0, 0.0)[0]) / 2
    assert_close(history[0], expected, rel=1e-14, abs_=0.0)


def test_binary_cross_entropy_of_a_batch():
    Z = [[0.2, -0.5], [1.5, 0.3]]
    T = [[1.0, 0.0], [0.0, 1.0]]
    C = nn.binary_cross_entropy([[Value(v).sigmoid() for v in row] for row in Z], T)
    per_sample = [hand_bce([sigmoid(v) for v in row], ys) for row, ys in zip(Z, T)]
    assert_close(C.data, sum(per_sample) / 2, rel=1e-14)


# ---------------------------------------------------------------------------
# Softmax and cross-entropy
# ---------------------------------------------------------------------------

def test_softmax_against_the_hand_formula_and_its_jacobian():
    z = leaves(LOGITS)
    p = nn.softmax(z)
    expected = hand_softmax(LOGITS)
    assert [v.data for v in p] == pytest.approx(expected, rel=1e-15)
    assert math.isclose(sum(v.data for v in p), 1.0, rel_tol=1e-15)
    p[2].backward()                         # ∂p_i/∂z_k = p_i([i = k] − p_k)
    for k, node in enumerate(z):
        assert_close(node.grad, expected[2] * ((k == 2) - expected[k]), rel=1e-12, abs_=1e-16)


def test_softmax_of_plus_minus_1000():
    p = nn.softmax([Value(1000.0), Value(-1000.0), Value(999.0)])
    e = math.exp(-1.0)
    assert [v.data for v in p] == pytest.approx([1 / (1 + e), 0.0, e / (1 + e)], rel=1e-15)


def test_cross_entropy_against_the_hand_formula():
    for t in range(len(LOGITS)):
        z = leaves(LOGITS)
        C = nn.cross_entropy(z, t)
        p = hand_softmax(LOGITS)
        assert_close(C.data, -math.log(p[t]), rel=1e-14)
        C.backward()
        for k, node in enumerate(z):        # ∂C/∂z_k = softmax(z)_k − [k = t]
            assert_close(node.grad, p[k] - (k == t), rel=1e-13, abs_=1e-16)


@pytest.mark.parametrize("t", [0, 1, 2])
def test_cross_entropy_of_plus_minus_1000_is_finite(t):
    Z = [1000.0, -1000.0, 0.0]
    z = leaves(Z)
    C = nn.cross_entropy(z, t)
    # ln Σ e^z = 1000 + ln(1 + e^-2000 + e^-1000) = 1000 in floats
    assert C.data == 1000.0 - Z[t]
    C.backward()
    assert [node.grad for node in z] == pytest.approx(
        [(1.0 if k == 0 else 0.0) - (k == t) for k in range(3)], abs=1e-300)


def test_cross_entropy_with_a_one_hot_or_soft_target():
    z = leaves(LOGITS)
    one_hot = nn.cross_entropy(z, [0.0, 0.0, 1.0, 0.0])
    assert one_hot.data == nn.cross_entropy(leaves(LOGITS), 2).data
    soft = [0.1, 0.2, 0.6, 0.1]
    C = nn.cross_entropy(leaves(LOGITS), soft)
    p = hand_softmax(LOGITS)
    assert_close(C.data, -sum(q * math.log(pk) for q, pk in zip(soft, p)), rel=1e-14)


def test_cross_entropy_of_a_batch():
    Z = [[0.5, 1.0, -1.0], [2.0, 0.1, 0.3]]
    T = [1, 0]
    for reduction, scale in (("mean", 0.5), ("sum", 1.0)):
        C = nn.cross_entropy([leaves(row) for row in Z], T, reduction=reduction)
        hand = sum(-math.log(hand_softmax(row)[t]) for row, t in zip(Z, T))
        assert_close(C.data, scale * hand, rel=1e-14)


def _nodes(root):
    from autograd.engine import all_nodes
    return all_nodes(root)


# ---------------------------------------------------------------------------
# Against PyTorch (float64)
# ---------------------------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def tensor(torch, data):
    return torch.tensor(data, dtype=torch.float64, requires_grad=True)


def flat(rows):
    return [x for row in rows for x in row]


def random_rows(seed, rows, cols, low=-3.0, high=3.0):
    rng = random.Random(seed)
    return [[rng.uniform(low, high) for _ in range(cols)] for _ in range(rows)]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_squared_errors_match_torch_mse(torch, reduction):
    F = torch.nn.functional
    A_, Y_ = random_rows(1, 4, 3, 0, 1), random_rows(2, 4, 3, 0, 1)
    ours = [leaves(row) for row in A_]
    C = nn.sum_squared_error(ours, Y_, reduction=reduction)
    C.backward()
    a = tensor(torch, A_)
    ref = F.mse_loss(a, torch.tensor(Y_, dtype=torch.float64), reduction="sum")
    if reduction == "mean":
        ref = ref / 4                       # ours averages over samples, not over every number
    ref.backward()
    assert C.data == pytest.approx(ref.item(), rel=1e-14)
    assert flat([[v.grad for v in row] for row in ours]) == pytest.approx(flat(a.grad.tolist()), rel=1e-13)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_binary_cross_entropy_matches_torch(torch, reduction):
    F = torch.nn.functional
    Z_ = random_rows(3, 5, 2, -8, 8) + [[1000.0, -1000.0]]
    T_ = random_rows(4, 5, 2, 0, 1) + [[0.0, 1.0]]
    z = [leaves(row) for row in Z_]
    C = nn.binary_cross_entropy([[v.sigmoid() for v in row] for row in z], T_,
                                reduction=reduction)
    C.backward()
    zt = tensor(torch, Z_)
    ref = F.binary_cross_entropy_with_logits(zt, torch.tensor(T_, dtype=torch.float64),
                                             reduction="sum")
    if reduction == "mean":
        ref = ref / len(Z_)
    ref.backward()
    assert C.data == pytest.approx(ref.item(), rel=1e-13)
    assert flat([[v.grad for v in row] for row in z]) == pytest.approx(flat(zt.grad.tolist()), rel=1e-12,
                                                                 abs=1e-16)


def test_binary_cross_entropy_of_probabilities_matches_torch(torch):
    F = torch.nn.functional
    A_, T_ = random_rows(5, 1, 4, 0.01, 0.99)[0], random_rows(6, 1, 4, 0, 1)[0]
    a = leaves(A_)
    C = nn.binary_cross_entropy(a, T_)
    C.backward()
    at = tensor(torch, A_)
    ref = F.binary_cross_entropy(at, torch.tensor(T_, dtype=torch.float64), reduction="sum")
    ref.backward()
    assert C.data == pytest.approx(ref.item(), rel=1e-13)
    assert [v.grad for v in a] == pytest.approx(at.grad.tolist(), rel=1e-12)


def test_softmax_matches_torch(torch):
    Z_ = random_rows(7, 1, 6)[0] + [900.0]
    weights = [0.5, -1.0, 2.0, 0.1, 0.0, 1.5, -0.7]
    z = leaves(Z_)
    out = sum(w * p for w, p in zip(weights, nn.softmax(z)))
    out.backward()
    zt = tensor(torch, Z_)
    ref = (torch.softmax(zt, dim=0) * torch.tensor(weights, dtype=torch.float64)).sum()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-13)
    assert [v.grad for v in z] == pytest.approx(zt.grad.tolist(), rel=1e-11, abs=1e-15)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_matches_torch(torch, reduction):
    F = torch.nn.functional
    Z_ = random_rows(8, 6, 5, -4, 4) + [[1000.0, -1000.0, 0.0, 999.0, -1.0]]
    T_ = [random.Random(9 + i).randrange(5) for i in range(6)] + [3]
    z = [leaves(row) for row in Z_]
    C = nn.cross_entropy(z, T_, reduction=reduction)
    C.backward()
    zt = tensor(torch, Z_)
    ref = F.cross_entropy(zt, torch.tensor(T_), reduction=reduction)
    ref.backward()
    assert C.data == pytest.approx(ref.item(), rel=1e-13)
    assert flat([[v.grad for v in row] for row in z]) == pytest.approx(flat(zt.grad.tolist()), rel=1e-11,
                                                                 abs=1e-15)


def test_cross_entropy_with_soft_targets_matches_torch(torch):
    F = torch.nn.functional
    Z_ = random_rows(10, 1, 4)[0]
    P_ = [0.1, 0.2, 0.3, 0.4]
    z = leaves(Z_)
    C = nn.cross_entropy(z, P_)
    C.backward()
    zt = tensor(torch, [Z_])
    ref = F.cross_entropy(zt, torch.tensor([P_], dtype=torch.float64))
    ref.backward()
    assert C.data == pytest.approx(ref.item(), rel=1e-13)
    assert [v.grad for v in z] == pytest.approx(zt.grad[0].tolist(), rel=1e-12, abs=1e-16)



def test_soft_targets_that_do_not_sum_to_1_are_refused(torch):
    """Found by giving cross_entropy the targets [0.2, 0.3, 0.6]: it returned 0.8076, the
    docs' −Σ_k p_k ln softmax(z)_k is PyTorch's 1.1484 (its soft-target cross-entropy);
    the written form ln Σ e^z − Σ p_k z_k holds only for a distribution, so one that
    does not sum to 1 is refused, in the loss and in nn.train's target check."""
    z, p = [1.0, 2.0, 3.0], [0.2, 0.3, 0.6]
    ref = torch.nn.functional.cross_entropy(torch.tensor([z], dtype=torch.float64),
                                            torch.tensor([p], dtype=torch.float64)).item()
    assert ref == pytest.approx(-sum(q * math.log(s) for q, s in zip(p, hand_softmax(z))))
    with pytest.raises(ValueError, match=r"^cross_entropy: target probabilities \[0.2, 0.3, "
                                         r"0.6\] sum to 1.1, not 1$"):
        nn.cross_entropy(leaves(z), p)
    net = nn.MLP([2, 3], activation="linear", seed=0)
    before = net.state_dict()
    with pytest.raises(ValueError, match=r"^train: sample 2: target probabilities .* sum to 1.1"):
        nn.train(net, [[0, 1], [1, 0]], [[0, 0, 1], p], epochs=1, lr=0.1,
                 loss="cross_entropy", progress=False)
    assert net.state_dict() == before
    assert nn.cross_entropy(leaves(z), [0.1, 0.2, 0.7]).data == pytest.approx(
        -sum(q * math.log(s) for q, s in zip([0.1, 0.2, 0.7], hand_softmax(z))), rel=1e-14)


def test_a_numpy_target_row_is_a_list_of_probabilities():
    """Found by passing one row of a one-hot numpy matrix, np.array([0, 0, 1]):
    cross_entropy raised numpy's 'only integer scalar arrays can be converted to a
    scalar index' instead of reading it as the list [0, 0, 1] (hand oracle: class 2)."""
    np = pytest.importorskip("numpy")
    z = [1.0, 2.0, 3.0]
    expected = -math.log(hand_softmax(z)[2])
    assert nn.cross_entropy(leaves(z), np.array([0, 0, 1])).data == pytest.approx(expected,
                                                                                 rel=1e-14)
    batch = nn.cross_entropy([leaves(z), leaves(z)], np.array([[0, 0, 1], [0, 0, 1]]))
    assert batch.data == pytest.approx(expected, rel=1e-14)
    assert nn.cross_entropy(leaves(z), np.int64(2)).data == pytest.approx(expected, rel=1e-14)

# ---------------------------------------------------------------------------
# Bad input: one line naming the argument and its value; nothing changes
# ---------------------------------------------------------------------------

def test_lengths_must_match():
    with pytest.raises(ValueError, match=r"sum_squared_error: 2 outputs but 3 targets \[1, 0, 1\]"):
        nn.sum_squared_error(leaves([0.1, 0.2]), [1, 0, 1])
    with pytest.raises(ValueError, match=r"binary_cross_entropy: 2 outputs but 1 target \[1\.0\]"):
        nn.binary_cross_entropy(leaves([0.1, 0.2]), [1.0])
    with pytest.raises(ValueError, match=r"cross_entropy: 3 logits but 2 target probabilities"):
        nn.cross_entropy(leaves([0.1, 0.2, 0.3]), [0.5, 0.5])
    with pytest.raises(ValueError, match=r"3 samples of outputs but 2 samples of targets"):
        nn.cross_entropy([leaves([0.1, 0.2])] * 3, [0, 1])


def test_target_index_out_of_range_or_not_an_index():
    z = leaves([0.1, 0.2, 0.3])
    for t in (3, -1):
        with pytest.raises(ValueError, match=rf"target_index {t} is out of range for 3 logits "
                                             r"\(0 to 2\)"):
            nn.cross_entropy(z, t)
    with pytest.raises(ValueError, match=r"cross_entropy, sample 2: target_index 7 is out of range"):
        nn.cross_entropy([z, z], [0, 7])
    for t in ("2", 1.5, True, None):
        with pytest.raises(TypeError, match=rf"target_index must be an int class index .*{t!r}"):
            nn.cross_entropy(z, t)


def test_a_numpy_scalar_or_0d_array_class_index_is_read_as_its_number():
    """np.array(1.0) said numpy's "only integer scalar arrays can be converted to a
    scalar index", and np.float32(1.0) was refused where the float 1.0 is taken."""
    np = pytest.importorskip("numpy")
    expected = math.log(math.exp(0.1) + math.exp(0.2) + math.exp(0.3)) - 0.2
    for t in (np.array(1.0), np.float32(1.0), np.array(1), np.int64(1), np.float64(1.0)):
        assert_close(nn.cross_entropy(leaves([0.1, 0.2, 0.3]), t).data, expected, rel=1e-15)
    for t, shown in ((np.array(True), "bool True"), (np.array(0.5), "float 0.5")):
        with pytest.raises(TypeError, match=rf"target_index must be an int class index .*{shown}"):
            nn.cross_entropy(leaves([0.1, 0.2, 0.3]), t)


def test_binary_targets_must_be_probabilities():
    for y in (1.5, -0.1, float("nan")):
        with pytest.raises(ValueError, match=rf"target y must be a probability in \[0, 1\], "
                                             rf"got {y!r}"):
            nn.binary_cross_entropy(Value(0.3).sigmoid(), y)
    with pytest.raises(ValueError, match=r"target y2 must be a probability in \[0, 1\], got 2"):
        nn.binary_cross_entropy(leaves([0.3, 0.4]), [0, 2])
    with pytest.raises(ValueError, match=r"target y3 must be a probability .* got 1.2"):
        nn.cross_entropy(leaves([0.3, 0.4, 0.1]), [0.0, -0.2 + 0.2, 1.2])



def test_binary_cross_entropy_of_an_output_of_0_or_1_names_the_loss_in_one_line():
    """Found by giving binary_cross_entropy a prediction of exactly 0.0: the error was
    log's ("log: input must be > 0, got an unnamed sub node = 0.0" for 1.0), naming
    neither the loss nor the output.  Oracle: the hand-written message; the values
    around it are unchanged (ln 0.5 by hand; a nan output still flows into C)."""
    for j, (a, value) in enumerate([(0.0, "0.0"), (1.0, "1.0"), (1.5, "1.5"), (-0.0, "-0.0")]):
        outputs = leaves([0.5, a]) if j % 2 else [Value(a, name="a3_1")]
        output = "output 2 (a2)" if j % 2 else "output 1 (a3_1)"
        with pytest.raises(ValueError) as caught:
            nn.binary_cross_entropy(outputs, [1.0] * len(outputs))
        assert str(caught.value) == (
            f"binary_cross_entropy: {output} is {value}; an output that is not a sigmoid node "
            f"must lie strictly between 0 and 1, where ln a and ln(1 − a) are defined")
    with pytest.raises(ValueError, match=r"^binary_cross_entropy, sample 2: output 1 is 1\.0; "):
        nn.binary_cross_entropy([[Value(0.5)], [Value(1.0)]], [[1.0], [0.0]])
    assert nn.binary_cross_entropy(Value(0.5), 1.0).data == -math.log(0.5)
    assert math.isnan(nn.binary_cross_entropy(Value(math.nan), 1.0).data)


def test_binary_cross_entropy_of_an_output_of_0_names_the_loss_on_the_numpy_backend():
    """The matrix program's check says what eager says, and names the sample."""
    pytest.importorskip("numpy")
    net = nn.MLP([1, 1], activation="relu", weights=[[[1.0]]], biases=[[0.0]])
    with pytest.raises(ValueError) as caught:
        nn.train(net, [[0.5], [0.0]], [1, 0], epochs=1, batch=None, lr=0.5, progress=False,
                 loss="binary_cross_entropy", backend="numpy")
    assert str(caught.value) == (
        "train: epoch 1, sample 2: binary_cross_entropy: output 1 (a2_1) is 0.0; an output "
        "that is not a sigmoid node must lie strictly between 0 and 1, where ln a and "
        "ln(1 − a) are defined")


@pytest.mark.parametrize("jit", ["auto", True])
def test_binary_cross_entropy_of_an_output_of_0_names_the_loss_on_the_compiled_path(jit):
    """nn.train's default path (the Python jit) says what eager and the numpy backend
    say, not the log op's "input must be > 0", and names the sample; the weights and
    grads are as before.  Oracle: the message of the eager loss on that sample."""
    net = nn.MLP([1, 1], activation="relu", weights=[[[1.0]]], biases=[[0.0]])
    for p in net.parameters():
        p.grad = 0.25
    with pytest.raises(ValueError) as eager:
        nn.binary_cross_entropy(net([0.0]), [0.0])
    with pytest.raises(ValueError) as caught:
        nn.train(net, [[0.5], [0.0]], [1, 0], epochs=1, batch=None, lr=0.5, progress=False,
                 loss="binary_cross_entropy", jit=jit)
    assert str(caught.value) == f"train: epoch 1, sample 2: {eager.value}"
    assert str(caught.value).startswith("train: epoch 1, sample 2: binary_cross_entropy: "
                                        "output 1 (a2_1) is 0.0; ")
    assert [(p.data, p.grad) for p in net.parameters()] == [(1.0, 0.25), (0.0, 0.25)]


def test_a_target_array_of_the_wrong_length_is_named_in_one_line():
    """Found by giving half_squared_error a 3×3 numpy array as one sample's targets: the
    message held the array's repr across three lines."""
    np = pytest.importorskip("numpy")
    for loss, outputs in ((nn.half_squared_error, leaves([0.5])),
                          (nn.cross_entropy, leaves([0.5, 0.1]))):
        with pytest.raises(ValueError, match="must have the same length") as caught:
            loss(outputs, np.ones((3, 3)))
        assert "\n" not in str(caught.value)

def test_bad_reduction():
    with pytest.raises(ValueError, match=r"half_squared_error: reduction must be 'mean' or "
                                         r"'sum', got 'max'"):
        nn.half_squared_error(leaves([0.1]), [1.0], reduction="max")


def test_a_failed_loss_leaves_the_gradients_alone():
    a = leaves([0.2, 0.7])
    nn.sum_squared_error(a, [1.0, 0.0]).backward()
    before = [v.grad for v in a]
    with pytest.raises(ValueError):
        nn.binary_cross_entropy(a, [1.0, 3.0])
    assert [v.grad for v in a] == before


# ---------------------------------------------------------------------------
# Half squared error: values, gradients and the mini-batch cost by hand
# ---------------------------------------------------------------------------

def test_half_squared_error_value_and_gradient():
    a1, a2 = Value(0.3, name="a3_1"), Value(0.9, name="a3_2")
    C = nn.half_squared_error([a1, a2], [1.0, 0.5])
    assert C.name == "C"
    assert_close(C.data, 0.5 * ((1.0 - 0.3) ** 2 + (0.5 - 0.9) ** 2), rel=1e-15)
    C.backward()
    assert_close(a1.grad, 0.3 - 1.0, rel=1e-15)   # ∂C/∂a_j = a_j − y_j
    assert_close(a2.grad, 0.9 - 0.5, rel=1e-15)


def test_half_squared_error_accepts_one_value_and_one_number():
    a = Value(0.25)
    C = nn.half_squared_error(a, 1.0)
    assert_close(C.data, 0.5 * 0.75 ** 2, rel=1e-15)


def test_half_mean_squared_error_is_seed_004_cost_and_gradient():
    """Seed 004: cost = 1/(2m) Σ_i (o2_i − Y_i)², ΔW2 = ((1/m)(o2 − Y) ⊙ o2(1 − o2))^T o1."""
    net = nn.MLP([2, 3, 1], seed=8)
    X = [[0.5, -0.2], [1.5, 0.3], [-0.7, 0.9], [0.0, 1.0], [0.2, 0.2]]
    Y = [0.0, 1.0, 1.0, 0.5, 0.25]
    m = len(X)
    outputs, hidden = [], []
    for x in X:
        outputs.append(net(x))
        hidden.append([a.data for a in net.layers[0].a])
    cost = nn.half_mean_squared_error(outputs, Y)
    o2 = [out[0].data for out in outputs]
    assert_close(cost.data, sum((o - y) ** 2 for o, y in zip(o2, Y)) / (2 * m), rel=1e-14)
    cost.backward()
    factor = [(o - y) / m * o * (1 - o) for o, y in zip(o2, Y)]
    for k, w in enumerate(net.layers[1].neurons[0].weights):
        assert_close(w.grad, sum(f * h[k] for f, h in zip(factor, hidden)), rel=1e-12)
    assert_close(net.parameter("b3_1").grad, sum(factor), rel=1e-12)


def test_half_mean_of_one_sample_is_half_squared_error():
    out = [Value(0.2), Value(0.7)]
    assert (nn.half_mean_squared_error([out], [[1.0, 0.0]]).data
            == nn.half_squared_error(out, [1.0, 0.0]).data)


# ---------------------------------------------------------------------------
# One record per loss, read by train, jit_loss and the matrix program
# ---------------------------------------------------------------------------

def test_a_loss_is_found_by_its_name_and_by_its_function_as_one_record():
    from nn.losses import LOSSES, resolve_loss
    for name, record in LOSSES.items():
        assert record.name == name
        assert resolve_loss(name, "here") is record
        assert resolve_loss(record.function, "here") is record
        assert record.text.startswith("C_x = ") and record.latex.startswith("C_x = ")
    assert resolve_loss(lambda outputs, targets: outputs[0], "here") is None
    with pytest.raises(ValueError, match=r"here: unknown loss 'mse'; known: 'half_squared_error'"):
        resolve_loss("mse", "here")


def test_the_matrix_program_writes_the_record_s_numpy_cost_and_gradient():
    pytest.importorskip("numpy")
    from nn.losses import LOSSES
    for activation in ("tanh", "sigmoid"):
        net = nn.MLP([2, 3, 2], activation=["tanh", activation], seed=1)
        for name, record in LOSSES.items():
            source = net.jit_loss(name, backend="numpy").source
            assert record.text in source
            if record.from_logit is not None and activation == "sigmoid":
                assert f"C = seed * {record.from_logit[0]}" in source
                assert f"delta3 = seed * {record.from_logit[1]}" in source
            else:
                assert f"C = seed * {record.cost}" in source
                assert f"delta3 = seed * {record.gradient}" in source


def test_the_record_s_gradient_is_the_derivative_of_its_cost():
    """∇_a C from the record's numpy source against central differences of its cost."""
    np = pytest.importorskip("numpy")
    from nn.losses import LOSSES
    from nn.matrix import _runtime
    space = _runtime(np, nn.MLP([2, 3], seed=0).layers)   # the helpers of a 2-3 network
    a = np.array([[0.3, 0.6], [0.8, 0.1], [0.45, 0.7]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    h = 1e-6
    for record in LOSSES.values():
        gradient = eval(record.gradient, dict(space, a=a, Y=Y))
        for index in np.ndindex(a.shape):
            up, down = a.copy(), a.copy()
            up[index] += h
            down[index] -= h
            numeric = (eval(record.cost, dict(space, a=up, Y=Y))
                       - eval(record.cost, dict(space, a=down, Y=Y))) / (2 * h)
            assert gradient[index] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("loss, sizes, activation, row, message", [
    ("binary_cross_entropy", [1, 1], "sigmoid", (1.0, 1.5),
     "binary_cross_entropy: target y must be a probability in [0, 1], got 1.5"),
    ("binary_cross_entropy", [1, 1], "sigmoid", (1.0, -0.1),
     "binary_cross_entropy: target y must be a probability in [0, 1], got -0.1"),
    ("cross_entropy", [1, 2], "linear", (1.0, 1.5, -0.5),
     "cross_entropy: target y1 must be a probability in [0, 1], got 1.5"),
    ("cross_entropy", [1, 2], "linear", (1.0, 0.25, 0.5),
     "cross_entropy: target probabilities [0.25, 0.5] sum to 0.75, not 1"),
])
def test_a_target_the_loss_refuses_is_refused_by_the_numpy_backend_of_jit_loss(loss, sizes, activation,
                                                                               row, message):
    """net.jit_loss(loss, backend="numpy").batch(rows) with a target outside [0, 1], or soft
    targets that do not sum to 1, gave a number (binary cross-entropy at y = 1.5: −0.34, a
    cost below 0; cross-entropy of (1.5, −0.5): −0.78) where the eager loss refuses the
    sample; and the Python backend, tracing such a sample, wrote its targets as Values
    ("got Value(data=1.5, grad=0.0, name='y')").  Now the numpy backend raises eager's line
    for the first such sample and adds no gradient, and the Python backend's line is
    eager's.  Oracle: the eager loss's error; a good row alone, C of a sigmoid output z = 0
    with y = 1 is ln 2 by hand."""
    pytest.importorskip("numpy")
    import numpy as np
    net = nn.MLP(sizes, activation=activation, seed=0)
    n_in = sizes[0]
    with pytest.raises(ValueError) as eager:
        getattr(nn, loss)(net(list(row[:n_in])), list(row[n_in:]) if sizes[-1] > 1 else row[n_in])
    assert str(eager.value) == message
    good = (1.0,) + (1.0,) + (0.0,) * (sizes[-1] - 1)
    program = net.jit_loss(loss, backend="numpy")
    for rows in ([good, row], np.array([good, row])):
        for p in net.parameters():
            p.grad = 0.25
        with pytest.raises(ValueError) as compiled:
            program.batch(rows)
        assert str(compiled.value) == message + " (sample 2 of the batch)"
        assert [p.grad for p in net.parameters()] == [0.25] * len(net.parameters())
    with pytest.raises(ValueError) as traced:
        net.jit_loss(loss, backend="python").batch([row])
    assert str(traced.value) == message + " (sample 1 of the batch)"
    one = nn.MLP([1, 1], activation="sigmoid", seed=0)
    for p in one.parameters():
        p.data = 0.0
    assert one.jit_loss("binary_cross_entropy", backend="numpy").batch([(1.0, 1.0)]) == math.log(2)


@pytest.mark.parametrize("loss, sizes, activation, row, message", [
    ("binary_cross_entropy", [1, 1], "sigmoid", (1.0, 1.5),
     "binary_cross_entropy: target y must be a probability in [0, 1], got 1.5"),
    ("binary_cross_entropy", [1, 1], "sigmoid", (1.0, -0.1),
     "binary_cross_entropy: target y must be a probability in [0, 1], got -0.1"),
    ("binary_cross_entropy", [1, 1], "sigmoid", (1.0, math.nan),
     "binary_cross_entropy: target y must be a probability in [0, 1], got nan"),
    ("cross_entropy", [1, 2], "linear", (1.0, 1.5, -0.5),
     "cross_entropy: target y1 must be a probability in [0, 1], got 1.5"),
    ("cross_entropy", [1, 2], "linear", (1.0, 0.25, 0.5),
     "cross_entropy: target probabilities [0.25, 0.5] sum to 0.75, not 1"),
])
def test_a_target_the_loss_refuses_is_refused_by_the_python_jit_after_a_good_trace(
        loss, sizes, activation, row, message):
    """The Python backend of net.jit_loss read its targets' numbers only while tracing, so
    the generated code kept the first sample's verdict: traced on a good row,
    .batch([good, (1.0, 1.5)]) of a 1-1 sigmoid network with binary cross-entropy gave a
    number (a cost below 0 for the bad sample) where eager refuses it; a nan target after
    the first (which min and max can step over) too.  Now .batch raises eager's line,
    naming the sample, and adds no gradient.  Oracle: the eager loss's own error on the
    same sample."""
    net = nn.MLP(sizes, activation=activation, seed=0)
    n_in = sizes[0]
    with pytest.raises(ValueError) as eager:
        getattr(nn, loss)(net(list(row[:n_in])), list(row[n_in:]))
    assert str(eager.value) == message
    good = (1.0,) + (1.0,) + (0.0,) * (sizes[-1] - 1)
    step = net.jit_loss(loss)
    step.batch([good])
    step(*good)
    step.forward(*good)
    for p in net.parameters():
        p.grad = 0.25
    for rows in ([good, row], [good, good, list(row)]):
        with pytest.raises(ValueError) as compiled:
            step.batch(rows)
        assert str(compiled.value) == f"{message} (sample {len(rows)} of the batch)"
    assert [p.grad for p in net.parameters()] == [0.25] * len(net.parameters())


def _relu_line():
    """A 1-1 ReLU network a = relu(x) (w = 1, b = 0): an output not in (0, 1) for x ≤ 0 or x ≥ 1."""
    return nn.MLP([1, 1], "relu", weights=[[[1.0]]], biases=[[0.0]])


def test_bce_of_an_output_outside_0_1_says_eager_s_line_in_the_python_jit():
    """Binary cross-entropy of a ReLU output traced at a = 0.5 generated ln a and ln(1 − a)
    with no check; a later sample with a = 2 said "log: input must be > 0, got 't3' = -1.0
    (sample 2 of the batch)", and a = 0 "got 'a2_1' = 0.0", where eager says what is wrong.
    Now .batch raises eager's line, and no gradient is added.  Oracle: the eager loss's error on
    the same sample; C = −ln 0.5 − ln(1 − 0.25) by hand for the good rows."""
    net = _relu_line()
    step = net.jit_loss("binary_cross_entropy")
    C = step.batch([(0.5, 1.0), (0.25, 0.0)])
    assert C == pytest.approx(-math.log(0.5) - math.log(0.75), rel=1e-15)
    # ∂C/∂w = Σ (a − y)/(a(1 − a)) · x over the samples (relu' = 1), by hand
    assert net.parameters()[0].grad == pytest.approx(
        (0.5 - 1.0) / (0.5 * 0.5) * 0.5 + 0.25 / (0.25 * 0.75) * 0.25, rel=1e-14)
    for p in net.parameters():
        p.grad = 0.25
    for x, y in ((2.0, 1.0), (-1.0, 0.0), (1.0, 1.0)):
        with pytest.raises(ValueError) as eager:
            nn.binary_cross_entropy(net([x]), [y])
        assert str(eager.value).startswith(f"binary_cross_entropy: output 1 (a2_1) is {x if x > 0 else 0.0}; ")
        with pytest.raises(ValueError) as compiled:
            step.batch([(0.5, 1.0), (x, y)])
        assert str(compiled.value) == f"{eager.value} (sample 2 of the batch)"
    assert [p.grad for p in net.parameters()] == [0.25, 0.25]


def test_a_pickled_or_copied_python_jit_loss_still_checks_its_targets():
    """The check goes with the jitted loss wherever it is remade: pickled with its network,
    copied and deep-copied.  Oracle: eager's error; the good row's C by hand,
    −(0.25 ln σ(0.5) + 0.75 ln(1 − σ(0.5))) at w = 1, b = 0, x = 0.5."""
    import copy
    import pickle
    net = nn.MLP([1, 1], "sigmoid", weights=[[[1.0]]], biases=[[0.0]])
    step = net.jit_loss("binary_cross_entropy")
    s = 1.0 / (1.0 + math.exp(-0.5))
    hand = -(0.25 * math.log(s) + 0.75 * math.log(1.0 - s))
    twin_net, twin = pickle.loads(pickle.dumps((net, step)))
    for jitted in (twin, copy.copy(step), copy.deepcopy(step)):
        assert jitted.batch([(0.5, 0.25)]) == pytest.approx(hand, rel=1e-14)
        with pytest.raises(ValueError, match=r"got 1\.5 \(sample 2 of the batch\)$"):
            jitted.batch([(0.5, 0.25), (0.5, 1.5)])

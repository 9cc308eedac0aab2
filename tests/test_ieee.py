"""Non-finite and extreme floats in nn's losses: values derived by hand."""

import math

import pytest

import nn
from autograd import Value
from autograd.jit import jit

INF, NAN = math.inf, math.nan



def test_log_sum_exp_of_infinite_logits_is_the_limit():
    """ln(e^∞ + e^0) = ∞ and ln(e^-∞ + e^-∞) = ln 0 = -∞, not inf − inf = nan; the gradient
    (softmax) is 0 for a finite logit beside +∞ and nan for the infinite ones, as
    torch.logsumexp's; oracle: the limits, worked out by hand."""
    z = [Value(INF, name="z1"), Value(0.0, name="z2"), Value(-INF, name="z3")]
    C = nn.log_sum_exp(z)
    C.backward()
    assert C.data == INF
    assert math.isnan(z[0].grad) and z[1].grad == 0.0 and z[2].grad == 0.0
    low = [Value(-INF), Value(-INF)]
    assert nn.log_sum_exp(low).data == -INF
    assert nn.log_sum_exp([INF, INF]).data == INF
    assert math.isnan(nn.log_sum_exp([NAN, 0.0]).data)
    finite = [Value(1.0), Value(2.0)]
    L = nn.log_sum_exp(finite)
    L.backward()
    assert L.data == 2.0 + math.log1p(math.exp(-1.0))
    assert finite[0].grad == pytest.approx(1 / (1 + math.e), rel=1e-15)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_log_sum_exp_of_infinite_logits_compiled(backend):
    """The jit and the numpy backend give the same limits as eager; oracle: the limits."""
    if backend == "numpy":
        pytest.importorskip("numpy")
        p, q = Value(0.0, name="p", kind="parameter"), Value(0.0, name="q", kind="parameter")
        program = jit(lambda d: nn.log_sum_exp([p, q]) + d, backend="numpy")
        program.batch([(0.0,)])
        p.data, p.grad, q.grad = INF, 0.0, 0.0
        assert program.batch([(0.0,)]) == INF and math.isnan(p.grad) and q.grad == 0.0
        p.data, q.data = -INF, -INF
        assert program.batch([(0.0,)]) == -INF
    else:
        program = jit(lambda a, b: nn.log_sum_exp([a, b]))
        program(1.0, 2.0)
        value, (da, db) = program(INF, 0.0, input_grads=True)
        assert value == INF and math.isnan(da) and db == 0.0
        assert program(-INF, -INF) == -INF


@pytest.mark.parametrize("logits", [(1000.0, 1000.0), (1e16, 1e16), (1e308, 1e308)])
def test_cross_entropy_of_tied_logits_is_ln_2(logits):
    """Two equal logits: softmax is (½, ½) and C = −ln ½ = ln 2 to the last bit, however
    large the logits (m + ln 2 − z_t rounded ln 2 away at 1e16); oracle: ln 2."""
    for target in (0, [0.25, 0.75]):
        assert nn.cross_entropy([Value(x) for x in logits], target).data == math.log(2)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_cross_entropy_of_tied_logits_compiled(backend):
    """net.jit_loss("cross_entropy") on both backends gives ln 2 for tied logits 1e16;
    oracle: ln 2."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    net = nn.MLP([1, 2], activation="linear", seed=0)
    for p in net.parameters():
        p.data = 0.0
    net.parameter("b2_1").data = net.parameter("b2_2").data = 1e16
    program = net.jit_loss("cross_entropy", backend=backend)
    assert program.batch([(1.0, 1.0, 0.0)]) == math.log(2)
    assert program.batch([(1.0, 0.25, 0.75)]) == math.log(2)
    assert net.parameter("b2_1").grad == pytest.approx(0.5 - 1.0 + 0.5 - 0.25)


def test_cross_entropy_soft_targets_of_opposite_huge_logits():
    """z = (1e308, −1e308), p = (¼, ¾): C = ln Σ e^z − Σ p z = 1e308 + ½·1e308 = 1.5e308,
    finite (PyTorch's −p·log_softmax overflows to inf); oracle: that sum by hand."""
    assert nn.cross_entropy([Value(1e308), Value(-1e308)], [0.25, 0.75]).data == 1.5e308

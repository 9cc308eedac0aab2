"""Non-finite and extreme floats in nn's losses: values derived by hand."""

import math

import pytest

import nn
from autograd import Value

INF = math.inf


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

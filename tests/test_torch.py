"""The same random graphs through chainrule and PyTorch (float64): values and gradients.

Skipped when torch is not importable (`make torch` installs the CPU wheel).
"""

import random

import pytest

from autograd import Value
from graphs import random_graph

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("seed", range(40))
def test_random_graph_matches_pytorch(seed):
    rng = random.Random(1000 + seed)
    point = [rng.uniform(-1.5, 1.5) for _ in range(4)]
    size = rng.randint(5, 40)

    ours = [Value(v) for v in point]
    out = random_graph(random.Random(seed), ours, size)
    out.backward()

    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    ref = random_graph(random.Random(seed), theirs, size)
    ref.backward()

    assert out.data == pytest.approx(ref.item(), rel=1e-12, abs=1e-12)
    for a, b in zip(ours, theirs):
        expected = 0.0 if b.grad is None else b.grad.item()
        assert a.grad == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_double_backward_matches_pytorch_accumulation():
    x = Value(0.3)
    t = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    for _ in range(2):
        (x.tanh() * x.sigmoid() + x).backward()
        (t.tanh() * t.sigmoid() + t).backward()
    assert x.grad == pytest.approx(t.grad.item(), rel=1e-15)

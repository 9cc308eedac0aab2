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


_NUMBER_DOORS = """
import torch, autograd, nn
from autograd import Value, grad, hvp, jit
from autograd.check import check
t = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
x = Value(3.0, name="x")
print(Value(t).data, (x + t).data, (t + x).data, (x * t).data, (x ** t).data,
      autograd.maximum(x, t).data, nn.half_squared_error([x], [t]).data)
(x * x).backward(t)
print(x.grad, grad(x * x, x, t)[0], hvp(x * x, [x], [t])[0], jit(lambda a: a * a)(t),
      jit(lambda a: a * a).batch([(t,)]))
print(check(x * x, x, t).agreed)
print(t.requires_grad, t.grad)
"""


def test_a_tensor_that_requires_grad_is_read_as_its_number_without_torchs_warning():
    """A 0-d tensor with requires_grad=True as a Value, an operand, backward()'s seed, grad()'s
    grad_output, hvp()'s vector, a jit input and check()'s expected number let torch's
    "UserWarning: Converting a tensor with requires_grad=True to a scalar may lead to
    unexpected behavior" through (the data door reads it through detach() since e1c5bf1;
    these read float(t)).  Run in a fresh interpreter with warnings as errors: torch
    warns once a process.  Oracle: by hand at x = 3, t = 2: x + t = 5, x·t = 6, x^t = 9,
    max = 3, ½(3 − 2)² = 0.5, d(x²)/dx·t = 12, the Hessian of x² times t = 4, t² = 4;
    check of 2 against ∂(x²)/∂x = 6 disagrees; the tensor as it was."""
    import subprocess
    import sys
    from pathlib import Path
    run = subprocess.run([sys.executable, "-W", "error", "-c", _NUMBER_DOORS], capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert run.returncode == 0, run.stderr[-600:]
    assert run.stdout.splitlines() == ["2.0 5.0 5.0 6.0 9.0 3.0 0.5", "12.0 12.0 4.0 4.0 4.0",
                                       "False", "True None"]

"""The public API as a user's code sees it, for mypy (`make test` checks this file; it
is never run).  Each ``assert_type`` says what a call gives; each ``type: ignore``
marks a call the hints refuse (mypy's warn_unused_ignores fails if one is accepted).
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

import autograd
import nn
from autograd import Value, check, draw, explain, grad, hessian, hvp, jit
from autograd.check import Verdict
from autograd.draw import render_graph
from autograd.explain import Explanation
from autograd.jit import Jitted

if TYPE_CHECKING:
    from typing_extensions import assert_type

    # -- Value: constructor, operators, functions, comparisons, gradients -------------
    x = Value(2.0, name="x")
    w = Value(3, "w", kind="parameter")
    assert_type(x + w, Value)
    assert_type(x + 1, Value)
    assert_type(1.5 + x, Value)
    assert_type(x - 1, Value)
    assert_type(1 - x, Value)
    assert_type(x * w, Value)
    assert_type(2 * x, Value)
    assert_type(x / 2, Value)
    assert_type(2 / x, Value)
    assert_type(x ** 2, Value)
    assert_type(2 ** x, Value)
    assert_type(-x, Value)
    assert_type(abs(x), Value)
    assert_type(x.exp().log().sqrt().sigmoid().tanh().relu().softplus(), Value)
    assert_type(x < w, bool)
    assert_type(x >= 1.0, bool)
    assert_type(x.data, float)
    assert_type(x.grad, float)
    assert_type(x.name, "str | None")
    assert_type(x.parents, "tuple[Value, ...]")
    assert_type(x.named("y"), Value)
    assert_type(autograd.dot([w, w], [x, 1.0], bias=0.5), Value)
    assert_type(autograd.sum_values([x, w, 1.0]), Value)
    assert_type(autograd.__version__, str)
    y = x * w + x.sigmoid()
    assert_type(y.backward(), None)
    y.backward(2.0, breakpoint_at=["x", w])
    handle = x.register_hook(lambda g: g * 2)
    handle.remove()
    assert_type(list(y.backward_steps())[0], autograd.Step)
    x + "a"  # type: ignore[operator]
    Value("a")  # type: ignore[arg-type]

    # -- grad, hessian, hvp -----------------------------------------------------------
    assert_type(grad(y, [x, w]), "tuple[float, ...]")
    assert_type(grad(y, x, create_graph=True), "tuple[Value, ...]")
    assert_type(hessian(y, [x, w]), "list[list[float]]")
    assert_type(hvp(y, [x, w], [1.0, 0.0]), "list[float]")

    # -- draw, explain, check ----------------------------------------------------------
    draw(y, highlight="x", digits=3).render("out/y")
    assert_type(render_graph(y, "out/y", formats="png"), "list[pathlib.Path]")
    assert_type(explain(y, "x"), Explanation)
    assert_type(str(explain(y, x)), str)
    verdict = check(y, "x", "3.5")
    assert_type(verdict, Verdict)
    assert_type(bool(verdict), bool)
    assert_type(verdict.engine, float)
    check(y, x, 3.5, digits=2)
    check(y, x, lambda: 3 * x.data)
    check(y, x, [3.5])  # type: ignore[call-overload]

    # -- jit --------------------------------------------------------------------------
    f = jit(lambda a: (w * a).tanh())
    assert_type(f, Jitted)
    assert_type(f(2.0), float)
    assert_type(f(2.0, input_grads=True), "tuple[float, tuple[float, ...]]")
    assert_type(f.batch([(1.0,), (2.0,)], mean=True), float)
    assert_type(f.source, str)

    @jit(name="g")
    def g(a: Value, b: Value) -> Value:
        return a * b

    assert_type(g, Jitted)

    # -- nn: networks, losses, optimisers, training -----------------------------------
    net = nn.MLP([2, 3, 1], activation="tanh", seed=0)
    outputs = net([1.0, 0.5])
    assert_type(outputs, "list[Value]")
    assert_type(net.layers[0], nn.Layer)
    assert_type(net.layers[0].neurons[0], nn.Neuron)
    assert_type(net.layer(2).delta, "list[float]")
    assert_type(net.parameters(), "list[Value]")
    assert_type(net.named_parameters(), "dict[str, Value]")
    assert_type(net.state_dict(), "dict[str, float]")
    assert_type(net.freeze("w2_11"), nn.MLP)
    assert_type(net.batch([[1.0, 0.5], [0.0, 1.0]]), "list[list[Value]]")
    assert_type(nn.half_squared_error(outputs, [1.0]), Value)
    assert_type(nn.sum_squared_error(outputs[0], 1.0, reduction="sum"), Value)
    assert_type(nn.binary_cross_entropy(outputs, [1.0]), Value)
    assert_type(nn.cross_entropy(outputs, 0), Value)
    assert_type(nn.softmax(outputs), "list[Value]")
    assert_type(nn.log_sum_exp(outputs), Value)
    assert_type(nn.half_mean_squared_error([outputs, outputs], [[1.0], [0.0]]), Value)
    sgd = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
    adam = nn.Adam(net.parameters(), lr=0.01, betas=(0.9, 0.99))
    nn.SGD(net.parameters(), 0.1, 0.9, weight_decay=1e-4, nesterov=True)
    nn.Adam(net.parameters(), 1e-3, (0.9, 0.999), 1e-8, 0.01, True, maximize=False)
    assert_type(nn.AdamW(net.parameters(), lr=0.01, amsgrad=True), nn.AdamW)
    nn.SGD(net.parameters(), 0.1, 0.9, 0.0)  # type: ignore[call-arg]  # (weight_decay is keyword-only: torch has dampening there)
    assert_type(sgd.step(), None)
    assert_type(adam.zero_grad(), None)
    history = nn.train(net, [[0.0, 1.0]], [[1.0]], epochs=2, lr=0.5, progress=False)
    assert_type(history, nn.History)
    assert_type(history[-1], float)
    assert_type(nn.plot_history(history, "loss.png"), pathlib.Path)
    nn.train(net, [[0.0, 1.0]], [[1.0]])  # type: ignore[call-arg]
    nn.train(net, [[0.0, 1.0]], [[1.0]], epochs=1, nesterov=True)  # type: ignore[call-arg]

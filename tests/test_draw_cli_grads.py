"""``chainrule draw SCRIPT`` draws the graph of the script's first backward() call with
the grads that call gives, as ``draw_dot`` after ``backward()`` does in micrograd's
lecture.  Oracle: the lecture's neuron, whose grads it derives by hand
(x1 -1.5, w1 1, x2 0.5, w2 0, b 0.5, n 0.5)."""

import html
import re

from autograd.cli import main

NEURON = """\
from autograd import Value
x1 = Value(2.0, label='x1'); x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1'); w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
o.backward()
"""


def node_grads(svg):
    """{name: its grad line} for each node record of the picture (x₁ is drawn as x, 1)."""
    out = {}
    for group in svg.split('<g id="node')[1:]:
        texts = [html.unescape(t) for t in re.findall(r">([^<>]+)</text>", group)]
        data = next((i for i, t in enumerate(texts) if t.startswith("data ")), None)
        if data is not None:
            out["".join(texts[:data])] = next((t for t in texts if t.startswith("grad ")), None)
    return out


def test_the_picture_shows_the_grads_of_the_scripts_backward(tmp_path, capsys):
    script = tmp_path / "neuron.py"
    script.write_text(NEURON)
    assert main(["draw", str(script), "--format", "svg"]) == 0
    svg = (tmp_path / "neuron.svg").read_text()
    hand = {"x1": -1.5, "w1": 1, "x2": 0.5, "w2": 0, "b": 0.5, "x1*w1": 0.5, "x2*w2": 0.5,
            "x1*w1 + x2*w2": 0.5, "n": 0.5, "o": 1}
    assert node_grads(svg) == {name: f"grad {grad:g}" for name, grad in hand.items()}
    assert "no backward pass from this root yet" not in svg


def test_a_hook_that_raises_is_named_in_the_one_line(tmp_path, capsys):
    """draw said "hooked.py's backward() raised RuntimeError: no" without the hook or its
    node, which `chainrule step` names; both now give the engine's note."""
    script = tmp_path / "hooked.py"
    script.write_text("from autograd import Value\nx = Value(2.0, name='x')\n"
                      "y = (x * x).named('y')\ndef refuse(g):\n    raise RuntimeError('no')\n"
                      "y.register_hook(refuse)\n(y * 3).backward()\n")
    assert main(["draw", str(script), "--format", "svg"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"chainrule draw: {script}'s backward() "
                                                   f"raised RuntimeError: no (in hook 'refuse' "
                                                   f"on 'y' = 4.0")
    assert not (tmp_path / "hooked.svg").exists()

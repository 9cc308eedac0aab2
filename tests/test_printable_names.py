"""Hostile node names in every text a person reads: explain, check, the steps,
the terminal stepper, the CLI, error messages, nn's messages.

A name is user text (``Value(1.0, name=...)``).  Each output must show it through
:func:`autograd.names.printable`: one line stays one line, no control character
(but the output's own newlines) reaches the text, a lone surrogate cannot crash
an encoder, and a normal name (σ, w₁, Greek, primes, any script) is shown
exactly as typed.  The expected texts are written out by hand below; the
names are still found by what was typed (lookups use the raw name).
"""

import io
import re
import shlex
import subprocess
import shutil
import sys

import pytest

from autograd import Value, backward_steps, check, explain, names
from autograd.stepper import Stepper, session

#: (name, how every text output shows it), written by hand
HOSTILE = [
    ("a\nb", "a␊b"),                                   # a fake second line
    ("a\rb", "a␍b"),                                   # back to the line's start
    ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),            # recolour the terminal
    ("\x1b[2J\x1b[Hx", "␛[2J␛[Hx"),                    # clear it, cursor home
    ("a\x00b", "a␀b"),
    ("bell\x07", "bell␇"),
    ("a\tb", "a␉b"),
    ("abc\u202edef", "abc<U+202E>def"),                # right-to-left override
    ("a\u200db", "a<U+200D>b"),                        # zero-width joiner
    ("a\u2028b", "a<U+2028>b"),                        # line separator (a newline to splitlines)
    ("a\x85b", "a\ufffdb"),                            # C1 next line
    ("a\ud800b", "a\ufffdb"),                          # lone surrogate: UTF-8 cannot encode it
    ("x\n" * 4999 + "xy", "x␊" * 4999 + "xy"),         # 10,000 characters
]
NORMAL = ["σ", "w₁", "Δw", "y'", "θ′", "net₂", "重み", "q" * 10_000]
CASES = HOSTILE + [(n, n) for n in NORMAL]
IDS = [ascii(name)[:24] for name, _ in CASES]

#: what must never reach the text: C0 (but the output's own \n), DEL, C1, format
#: characters, line separators, surrogates
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                       "\ufeff\ud800-\udfff]")


def clean(text, lines):
    """``text`` has ``lines`` lines, no forbidden character, and encodes as UTF-8."""
    assert not FORBIDDEN.search(text), ascii(FORBIDDEN.search(text).group())
    body = text.removesuffix("\n")           # printed text ends in its newline
    assert body.count("\n") == lines - 1 and len(body.splitlines()) == lines
    text.encode("utf-8")


def graph(name):
    """y = x·w with x called ``name``, after backward()."""
    x, w = Value(2.0, name=name), Value(3.0, name="w")
    y = (x * w).named("y")
    y.backward()
    return y, x


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_printable_shows_each_class_of_character(name, shown):
    assert names.printable(name) == shown
    assert names.printable(shown) == shown          # twice is once


@pytest.mark.parametrize("name", NORMAL, ids=[n[:10] for n in NORMAL])
def test_printable_keeps_normal_names(name):
    assert names.printable(name) == name


def test_every_format_character_and_separator_is_made_visible():
    import unicodedata
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            assert names.printable(char) != char, hex(code)


EXPLAIN = """∂y/∂⟪n⟫ = 3   (backward() gives 3)
⟪n⟫ reaches y along 1 path; the chain rule multiplies the local derivatives along each path and adds the paths.

path 1: ⟪n⟫ → y
  ∂y/∂⟪n⟫ = w = 3
  product: w = 3

one path, so ∂y/∂⟪n⟫ = 3"""


@pytest.mark.parametrize("name, shown", CASES, ids=IDS)
def test_explain_text(name, shown):
    y, x = graph(name)
    for text in (str(explain(y, x)), str(explain(y, name))):   # found by the name typed
        assert text == EXPLAIN.replace("⟪n⟫", shown)
        clean(text, 8)


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_explain_latex(name, shown):
    y, x = graph(name)
    tex = explain(y, x).latex()
    assert tex == "\\frac{\\partial y}{\\partial \\mathrm{⟪n⟫}} = w = 3".replace("⟪n⟫", shown)
    clean(tex, 1)


CHECK = """Disagrees: the engine gives 3, and no small mistake reproduces your value.
Your ∂y/∂⟪n⟫ = 5 does not agree with the engine's 3: the ratio expected/engine is 1.66667 \
(tolerance: relative 1e-06, absolute 1e-12). Nudging ⟪n⟫ by ±2e-06 (a central finite difference) \
gives 3 ± 1e-08, which backs the engine. No small mistake reproduces your value: it is not a sign \
flip, one term of a sum, a path left out or counted alone, the number in front of a local derivative \
left out, or up to 3 factors left out of every path (2 of one path). The explanation \
lists the one path to compare with your derivation.
Next: print(verdict.explanation) lists every path with its local derivatives, to compare with \
your derivation line by line."""

CHECK_CLI = """Disagrees: the engine gives 3, and no small mistake reproduces your value.
Your ∂y/∂⟪n⟫ = 5 does not agree with the engine's 3, which is 3 to the 1 significant digit you gave; \
the ratio expected/engine is 1.7. Nudging ⟪n⟫ by ±2e-06 (a central finite difference) gives 3 ± 1e-08, \
which backs the engine. No small mistake reproduces your value: it is not a sign flip, one term of a sum, \
a path left out or counted alone, the number in front of a local derivative left out, or up to 3 factors \
left out of every path (2 of one path). The explanation lists the one path to compare with your derivation.
Next: chainrule explain ⟪script⟫ --wrt ⟪wrt⟫ lists every path with its local derivatives, to compare \
with your derivation line by line.
"""

CHECK_FORMULA_LINE = ("Your formula w*2 reads as w·2; with w = 3, it gives 6. Your ∂y/∂⟪n⟫ = 6 does "
                      "not agree with the engine's 3:")


@pytest.mark.parametrize("name, shown", CASES, ids=IDS)
def test_check_verdict_and_diagnosis(name, shown):
    y, x = graph(name)
    text = str(check(y, x, 5.0))
    assert text == CHECK.replace("⟪n⟫", shown)
    clean(text, 3)
    text = str(check(y, name, "w*2"))
    assert text.splitlines()[1].startswith(CHECK_FORMULA_LINE.replace("⟪n⟫", shown))
    clean(text, 3)


STEP = """step 1/1: y = ⟪n⟫ × w = 6, y.grad = 1 (complete)
  ⟪n⟫.grad += w * y.grad = 3 * 1 = 3  (⟪n⟫.grad now 3)
  w.grad += ⟪n⟫ * y.grad = 2 * 1 = 2  (w.grad now 2)"""


@pytest.mark.parametrize("name, shown", CASES, ids=IDS)
def test_steps_text(name, shown):
    y, x = graph(name)
    x.grad = y.parents[1].grad = 0.0     # one pass's steps (a held grad would be noted)
    [step] = backward_steps(y)
    assert str(step) == STEP.replace("⟪n⟫", shown)
    assert ["  " + line for line in step.lines()] == STEP.replace("⟪n⟫", shown).splitlines()[1:]
    clean(str(step), 3)
    clean(repr(step), 1)


STEPPER = """backward pass from y: 1 step, one per computed node, each after every node computed from it
y.grad = 1 (the seed)
Enter or n: next step, c: continue, b NAME: run until NAME, p NAME: print, g: graph image, q: quit, h: help
(step) p ⟪n⟫
⟪n⟫ = 2 (leaf), grad: no contribution yet (it will receive 1 contribution)
(step) n
step 1/1: y = ⟪n⟫ × w = 6, y.grad = 1 (complete)
  ⟪n⟫.grad += w * y.grad = 3 * 1 = 3  (⟪n⟫.grad now 3)
  w.grad += ⟪n⟫ * y.grad = 2 * 1 = 2  (w.grad now 2)
backward pass complete: 1 step
  ⟪n⟫.grad = 3.0
  w.grad = 2.0
"""


@pytest.mark.parametrize("name, shown", CASES, ids=IDS)
def test_terminal_stepper(name, shown):
    x, w = Value(2.0, name=name), Value(3.0, name="w")
    y = (x * w).named("y")
    out, err = io.StringIO(), io.StringIO()
    assert session(Stepper(y, out=out), [f"p {name}", "n"], err=err) == 0   # found as typed
    assert out.getvalue() == STEPPER.replace("⟪n⟫", shown)
    clean(out.getvalue(), 12)
    assert err.getvalue() == ""


@pytest.mark.parametrize("name, shown", CASES, ids=IDS)
def test_terminal_stepper_break_on_a_complete_node(name, shown):
    x, w = Value(2.0, name=name), Value(3.0, name="w")
    y = (x * w).named("y")
    stepper, out = Stepper(y, out=io.StringIO()), io.StringIO()
    stepper.out = out
    stepper.advance()
    stepper.command(f"b {name}")
    assert out.getvalue() == (f"{shown}'s gradient is already complete (since step 1): "
                              f"{shown} = 2 (leaf), grad = 3 (complete: 1 contribution)\n")


SCRIPT = """from autograd import Value
x = Value(2.0, name={name!r})
w = Value(3.0, name="w")
y = x * w
y.name = "y"
y.backward()
"""


def run_cli(argv, capsys, stdin=None, monkeypatch=None):
    from autograd.cli import main
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("name, shown", CASES, ids=IDS)
def test_cli_explain_check_and_step(name, shown, tmp_path, capsys, monkeypatch):
    script = tmp_path / "s.py"
    script.write_text(SCRIPT.format(name=name), encoding="utf-8")
    status, out, err = run_cli(["explain", str(script), "--wrt", name], capsys)
    assert (status, out, err) == (0, EXPLAIN.replace("⟪n⟫", shown) + "\n", "")

    status, out, err = run_cli(["check", str(script), "--wrt", name, "--expected", "5"], capsys)
    assert status == 1 and err == ""
    head, tail = CHECK_CLI.replace("⟪n⟫", shown).replace(
        "⟪script⟫", shlex.quote(str(script))).split("⟪wrt⟫")
    assert out.startswith(head) and out.endswith(tail)
    clean(out, 3)
    # the hint's --wrt word, pasted into bash, is the name itself (ASCII escapes in $'...')
    word = out[len(head):len(out) - len(tail)]
    if "\x00" not in name and not any(0xD800 <= ord(c) <= 0xDFFF for c in name):  # (bash args)
        assert shutil.which("bash"), "bash runs the hint"
        pasted = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True,
                                check=True).stdout.decode("utf-8")
        assert pasted == name

    status, out, err = run_cli(["step", str(script)], capsys, "c\n", monkeypatch)
    assert status == 0 and err == ""
    typed = ("(step) p ⟪n⟫\n⟪n⟫ = 2 (leaf), grad: no contribution yet (it will receive 1 contribution)\n"
             "(step) n\n")
    assert out == STEPPER.replace(typed, "(step) c\n").replace("⟪n⟫", shown)
    clean(out, 10)


#: a one-line error writes a run of whitespace (a newline, CR, tab, NEL, U+2028) as one space
CLI_ERROR = {"a\nb": "a b", "a\rb": "a b", "a\tb": "a b", "a\x85b": "a b", "a\u2028b": "a b",
             "x\n" * 4999 + "xy": "x " * 4999 + "xy"}


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_cli_errors_are_one_line(name, shown, tmp_path, capsys):
    script = tmp_path / "s.py"
    script.write_text(f"raise ValueError({name!r})\n", encoding="utf-8")
    for command in ("explain", "step", "draw"):
        argv = [command, str(script)] + (["--wrt", "x"] if command == "explain" else [])
        status, out, err = run_cli(argv, capsys)
        assert status == 2 and out == ""
        assert err == f"chainrule {command}: {script} line 1 raised ValueError: {CLI_ERROR.get(name, shown)}\n"
        clean(err, 1)


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_error_messages(name, shown):
    from autograd.draw import GraphTooLarge, draw
    y, _ = graph(name + "!")
    y.name = name
    with pytest.raises(GraphTooLarge) as caught:
        draw(y, max_nodes=1)
    assert str(caught.value).startswith(f"draw: the graph of {shown} has 3 nodes, more than max_nodes=1;")
    clean(str(caught.value), 1)


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_nn_messages(name, shown):
    import nn
    from nn.losses import binary_cross_entropy
    net = nn.MLP([1, 1], names={"w2_11": name, "z2_1": name + "z"})
    with pytest.raises(KeyError) as caught:
        net.parameter("nope")
    assert str(caught.value) == f"MLP has no parameter 'nope'; known: {shown}, b2_1"
    assert net.parameter(name) is net.parameters()[0]        # found as typed
    with pytest.raises(TypeError) as caught:
        net.layers[0].neurons[0](["text"])
    assert str(caught.value).startswith(f"Neuron {shown}z: input x1 must be a number or a Value")
    with pytest.raises(ValueError) as caught:
        binary_cross_entropy([Value(1.5, name=name)], [1.0])
    assert str(caught.value).startswith(f"binary_cross_entropy: output 1 ({shown}) is 1.5;")
    clean(str(caught.value), 1)


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_a_jitted_function_and_an_nn_loss_so_named(name, shown):
    """Found by naming a loss a\x00b: the jit's file name <chainrule-jit:NAME> held the
    name as typed, and compile() refuses a NUL, so jit(f) raised 'embedded null
    character' and nn.train(loss=f) blamed sample 1 for it.  Oracle: w·x = 0.75 · 2
    and ∂/∂w = x, by hand; nn.train's loss of the eager engine (jit=False)."""
    import nn
    from autograd.jit import jit
    w = Value(0.75, name="w", kind="parameter")

    def f(x):
        return w * x

    def loss(outputs, targets):
        return nn.half_squared_error(outputs, targets)

    f.__name__ = loss.__name__ = name
    step = jit(f)
    assert step(2.0) == 1.5 and w.grad == 2.0
    assert step.program().filename == f"<chainrule-jit:{shown}>"
    runs = [nn.train(nn.MLP([1, 1], seed=0), [[0.5]], [0.25], epochs=2, lr=0.5, loss=loss,
                     jit=jit_, progress=False) for jit_ in (False, True)]
    assert runs[1] == pytest.approx(runs[0], rel=1e-12) and runs[1].jit


@pytest.mark.parametrize("name, shown", HOSTILE, ids=IDS[:len(HOSTILE)])
def test_repr_and_operation_errors_stay_one_line(name, shown):
    """Already one line before (they write the name with repr); kept so."""
    x = Value(-1.0, name=name)
    clean(repr(x), 1)
    with pytest.raises(ValueError) as caught:
        x.log()
    assert str(caught.value) == f"log: input must be > 0, got {name!r} = -1.0"
    clean(str(caught.value), 1)


def batch_cost(name):
    """A 2-2-1 network's mean cost over two samples, called ``name``, after backward()."""
    import nn
    net = nn.MLP.from_matrices([[[0.2, -0.4], [-0.5, 0.3]], [[0.8], [-0.6]]],
                               [[[0.0, 0.1]], [[-0.1]]], layout="rows")
    cost = nn.half_mean_squared_error(net.batch([[0.5, -1.0], [1.5, 0.2]]), [[1.0], [0.0]])
    cost.name = name
    cost.backward()
    return net, cost


# (y' is left out: a cost called y' is also nn's name of the output, which the text then says)
@pytest.mark.parametrize("name, shown", [c for c in CASES if c[0] != "y'"],
                         ids=[i for c, i in zip(CASES, IDS) if c[0] != "y'"])
def test_matrix_check_and_entry_explanation(name, shown):
    pytest.importorskip("numpy")
    net, cost = batch_cost(name)
    text = str(explain(cost, net.layers[1], entry=(1, 1)))
    assert text.splitlines()[0] == (
        f"∂{shown}/∂w³₁₁ = -0.000469084115948   (backward() gives -0.000469084115948)")
    plain_net, plain = batch_cost("C")
    clean(text, len(str(explain(plain, plain_net.layers[1], entry=(1, 1))).splitlines()))
    text = str(check(cost, "W2", [["1"], ["2"]]))
    assert text.splitlines()[0] == (
        f"Your ∂{shown}/∂W2 disagrees with the engine's in 2 of 2 entries; no common matrix mistake "
        f"(transpose, 1/m, ⊙ σ', BP2's transpose, the bias sum, the sign) reproduces it.")
    assert text.splitlines()[3].split() == ["W2[1,1]", f"∂{shown}/∂w³₁₁", "1", "-0.0005", "NO"]
    clean(text, 5)


@pytest.mark.parametrize("name, shown", [("a\tb", "a␉b"), ("my weight", "(my weight)"),
                                         ("x\ny z", "(x␊y z)")])
def test_a_node_is_found_by_the_name_the_texts_show(name, shown):
    """What the steps and the error's list of names print (a tab as ␉, a name with a
    space in brackets) finds the node, in breakpoint_at, explain and the stepper.
    Oracle: L = 3·w² at w = 2, ∂L/∂w = 6w = 12 by hand."""
    w = Value(2.0, name=name)
    L = (3.0 * w * w).named("L")
    assert shown in str(list(L.backward_steps())[-1]) or shown in names.listing([name])
    stops = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONBREAKPOINT", "0")
        from autograd import engine
        mp.setattr(engine, "stop_at", lambda step, node: stops.append((node, node.grad)))
        w.zero_grad()
        L.backward(breakpoint_at=shown)
    assert stops == [(w, 12.0)]
    assert explain(L, shown).engine == 12.0
    stepper = Stepper(L)
    try:
        assert stepper.lookup(shown) == [w]
    finally:
        stepper.stop()

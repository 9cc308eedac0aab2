"""`chainrule step SCRIPT` run as a program, commands on stdin (not a terminal)."""

import math
import os
import shutil
import subprocess
import sys

import pytest

from test_step_api import hand000

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "demos", "_pdb_example.py")
CHAINRULE = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]


def chainrule(*args, stdin="", cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([*CHAINRULE, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_scripted_session_on_seed_000():
    v = hand000()
    f = "{:.4g}".format
    r = chainrule("step", EXAMPLE, stdin="n\n\np b\nb h\np b\nc\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("backward pass from L: 7 steps")
    assert "(step) n\nstep 1/7: L = 0.5 × t1 = " in out     # t1: the unnamed e²
    assert "(step) \nstep 2/7" in out
    assert "b = 0.1 (parameter), grad: no contribution yet (it will receive 2 contributions)" in out
    assert f"  h.grad += w2 * net2.grad = -0.7 * {f(v['d2'])} = {f(v['dh'])}  (h.grad now {f(v['dh'])})" in out
    assert f"b = 0.1 (parameter), grad so far = {v['d2']:.6g} (1 of 2 contributions" in out
    assert f"second contribution to b: b.grad now {f(v['d2'])} + {f(v['d1'])} = {f(v['db'])}" in out
    assert _leaf(out, "w1") == pytest.approx(v["dw1"], rel=1e-13)
    assert _leaf(out, "b") == pytest.approx(v["db"], rel=1e-13)
    assert r.stderr == ""


def _leaf(out, name):
    line = next(line for line in out.splitlines() if line.startswith(f"  {name}.grad = "))
    return float(line.split("=")[1])


def test_stop_at_then_end_of_input_continues_to_the_end():
    v = hand000()
    r = chainrule("step", EXAMPLE, "--stop-at", "net2")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    stop = out.index(f"-> net2 = w2·h + b = {v['net2']:.6g} (derived), grad = {v['d2']:.6g}")
    assert out.index("step 5/7") < stop < out.index("step 6/7")
    assert "(step) (end of input: continue)" in out
    assert _leaf(out, "w2") == pytest.approx(v["dw2"], rel=1e-13)


def test_quit_stops_without_finishing():
    r = chainrule("step", EXAMPLE, stdin="n\nq\nn\n")
    assert r.returncode == 0
    assert "quit after step 1/7" in r.stdout and "step 2/7" not in r.stdout


def test_missing_script_is_one_line_and_nonzero():
    r = chainrule("step", "no_such_script.py")
    assert r.returncode != 0
    assert r.stderr == "chainrule step: no such script: no_such_script.py\n"


def test_script_that_never_calls_backward(tmp_path):
    script = tmp_path / "forward_only.py"
    script.write_text("from autograd import Value\nx = Value(2.0) * 3\nprint('forward done')\n")
    r = chainrule("step", str(script))
    assert r.returncode != 0
    # the script's own print goes to stderr (stdout is chainrule's answer), then one line
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and lines[0] == "forward done", r.stderr
    assert "never called .backward()" in lines[1] and r.stdout == ""


def test_unknown_stop_at_name_lists_the_names():
    r = chainrule("step", EXAMPLE, "--stop-at", "w9")
    assert r.returncode != 0 and r.stderr.count("\n") == 1
    assert "no node named 'w9' in the graph of L; named nodes: L, b, e, h, net1, net2, w1, w2, x, y, y'" in r.stderr
    assert "step 1/7" not in r.stdout
    assert r.stdout == ""       # the error is all there is: no header above it


def test_unknown_name_in_a_scripted_command():
    r = chainrule("step", EXAMPLE, stdin="n\np w9\nc\n")
    assert r.returncode != 0 and r.stderr.count("\n") == 1 and "'w9'" in r.stderr
    assert "step 1/7" in r.stdout and "step 2/7" not in r.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_frames_and_g(tmp_path):
    r = chainrule("step", EXAMPLE, "--frames", str(tmp_path / "frames"), "--out", str(tmp_path),
                  stdin="b h\ng\n")
    assert r.returncode == 0, r.stderr
    picture = tmp_path / "chainrule_step_006.png"
    assert f"graph: {picture}" in r.stdout
    assert picture.read_bytes()[:4] == b"\x89PNG"
    frames = sorted(p.name for p in (tmp_path / "frames").iterdir())
    assert frames == [f"step_{i:03d}.png" for i in range(1, 8)]
    # the 1-1-1 network has 7 derived nodes, so 7 steps; the last line says where they went
    where = tmp_path / "frames"
    assert r.stdout.rstrip().endswith(
        f"one picture per step: {where / 'step_001.png'} ... {where / 'step_007.png'}")


def test_a_reader_that_stops_early_gets_no_traceback():
    """`chainrule ops | head -1` once head has gone: every write meets a closed
    pipe.  The command stops quietly, status 0: nothing failed and nothing was judged
    (1 would say "does not agree")."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    read_end, write_end = os.pipe()
    os.close(read_end)   # the reader is gone before the first write
    try:
        r = subprocess.run([*CHAINRULE, "ops"], stdout=write_end, stderr=subprocess.PIPE,
                           cwd=ROOT, env=env, timeout=60)
    finally:
        os.close(write_end)
    assert r.returncode == 0
    assert r.stderr == b""


HOOKED = """\
from autograd import Value
x = Value(2.0, name="x")
y = (x * x).named("y")
z = (y * 3).named("z")
def refuse(g):
    raise RuntimeError("hook says no")
y.register_hook(refuse)
z.backward()
"""


def test_a_hook_that_raises_mid_pass_is_one_line_not_a_traceback(tmp_path):
    """A hook of the script's raising at y's step printed backward_steps' traceback
    (status 1); now the steps before it stand, then one line names the hook, status 2."""
    script = tmp_path / "hooked.py"
    script.write_text(HOOKED)
    for stdin in ("n\nn\np x\n", "c\n", ""):
        r = chainrule("step", str(script), stdin=stdin)
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert r.stderr.startswith("chainrule step: backward() raised RuntimeError: hook says no")
        assert "in hook 'refuse' on 'y'" in r.stderr
        # z = 3y: the first step passes ∂z/∂y = 3 to y, by hand
        assert "step 1/2: z = y × 3 = 12" in r.stdout and "(y.grad now 3)" in r.stdout
        assert "step 2/2" not in r.stdout and "backward pass complete" not in r.stdout


def test_a_hook_that_raises_on_the_page_is_one_line(tmp_path):
    script = tmp_path / "hooked.py"
    script.write_text(HOOKED)
    page = tmp_path / "page.html"
    r = chainrule("step", str(script), "--html", str(page))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and "RuntimeError: hook says no" in r.stderr
    assert "in hook 'refuse' on 'y'" in r.stderr and not page.exists()


def test_a_reader_that_stops_early_while_stepping_gets_no_error():
    """`chainrule step demo.py | head` said "chainrule step: [Errno 32] Broken pipe"
    (status 2, as if the script had failed); it now stops quietly, status 0, as ops does."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        r = subprocess.run([*CHAINRULE, "step", EXAMPLE], input=b"c\n", stdout=write_end,
                           stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=60)
    finally:
        os.close(write_end)
    assert (r.returncode, r.stderr) == (0, b"")


LECTURE = """\
from autograd import Value
class Neuron:
    def __init__(self, ws, b):
        self.w = [Value(w) for w in ws]
        self.b = Value(b)
    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()
class MLP:
    def __init__(self, neurons):
        self.neurons = neurons
n = MLP([Neuron([0.3, -0.8], 0.1)])
W = [[Value(0.5), Value(-0.25)]]
loss = (n.neurons[0]([2.0, 0.5]) - W[0][0] * W[0][1]) ** 2
loss.backward()
"""


def test_step_reaches_values_through_attributes_and_indices_as_explain_does(tmp_path):
    """explain and draw take --wrt n.neurons[0].w[0] or W[0][1] (micrograd keeps its
    weights in objects and lists); at the step prompt `p` and `b` said "no node named".
    Oracle, by hand: out = tanh(0.3·2 − 0.8·0.5 + 0.1), loss = (out − w·v)²,
    ∂loss/∂w_k = 2(out − w·v)(1 − out²)x_k and ∂loss/∂v = −2(out − w·v)·w."""
    script = tmp_path / "lecture.py"
    script.write_text(LECTURE)
    out = math.tanh(0.3 * 2.0 - 0.8 * 0.5 + 0.1)
    e = out - 0.5 * -0.25
    dw1 = 2 * e * (1 - out ** 2) * 0.5
    dv = -2 * e * 0.5
    r = chainrule("step", str(script), stdin="p n.neurons[0].w[0]\nb n.neurons[0].w[1]\n"
                                             "p W[0][1]\np W\nq\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[lines.index("(step) p n.neurons[0].w[0]") + 1].endswith(
        "= 0.3 (leaf), grad: no contribution yet (it will receive 1 contribution)")
    stop = next(line for line in lines if line.startswith("-> "))
    assert stop.endswith(f" = -0.8 (leaf), grad = {dw1:.6g} (complete: 1 contribution)")
    after = lines[lines.index("(step) p W[0][1]") + 1]
    assert after.endswith(f" = -0.25 (leaf), grad = {dv:.6g} (complete: 1 contribution)")
    both = lines[lines.index("(step) p W") + 1:lines.index("(step) q")]
    assert [line.split(" = ")[1].split()[0] for line in both] == ["0.5", "-0.25"]
    assert "[" not in stop     # the node keeps the label the steps gave it


def test_step_names_a_bad_index_as_explain_does(tmp_path):
    script = tmp_path / "lecture.py"
    script.write_text(LECTURE)
    r = chainrule("step", str(script), stdin="p W[0][5]\n")
    assert r.returncode == 2
    assert r.stderr == ("chainrule step: W[0][5] is not an entry of W, a 1×2 matrix of Values "
                        "(from [0][0])\n")


def test_options_that_html_does_not_use_are_refused(tmp_path):
    """--html writes the page instead of stepping here; --stop-at, --frames, --out and
    --format beside it were dropped without a word (no frames, no stop)."""
    page = tmp_path / "page.html"
    for option in (["--stop-at", "h"], ["--frames", str(tmp_path / "f")], ["--out", "pics"],
                   ["--format", "svg"]):
        r = chainrule("step", EXAMPLE, "--html", str(page), *option)
        assert r.returncode == 2 and r.stdout == "", r.stderr
        assert r.stderr == (f"chainrule step: --html writes a page to step through in a browser "
                            f"instead of stepping here, so {option[0]} has no use beside it; "
                            f"leave it out\n")
        assert not page.exists() and not (tmp_path / "f").exists()
    r = chainrule("step", EXAMPLE, "--html", str(page), "--max-nodes", "20")
    assert r.returncode == 0 and page.exists(), r.stderr


def test_a_closed_stdin_continues_to_the_end_as_empty_input_does():
    """Started with stdin closed (<&-, some job runners), input() raised "lost sys.stdin"
    as a traceback; no stdin now reads as the end of input: continue to the end."""
    v = hand000()
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run(["bash", "-c", 'exec "$@" <&-', "_", *CHAINRULE, "step", EXAMPLE],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "(step) (end of input: continue)" in r.stdout
    assert _leaf(r.stdout, "w1") == pytest.approx(v["dw1"], rel=1e-13)


def test_commands_after_the_end_of_the_pass_are_said_to_be_left(tmp_path):
    """`printf 'c\\ng\\n' | chainrule step ...`: the session ends with the pass, and the g
    after it was dropped without a word (no picture, status 0); a note now says so."""
    v = hand000()
    r = chainrule("step", EXAMPLE, "--out", str(tmp_path), stdin="b net2\nc\ng\np b\n")
    assert r.returncode == 0
    assert _leaf(r.stdout, "b") == pytest.approx(v["db"], rel=1e-13)
    assert r.stderr == ("chainrule step: the backward pass is complete, so the session ended "
                        "before 'g' and the commands after it\n")
    assert list(tmp_path.iterdir()) == []
    r = chainrule("step", EXAMPLE, stdin="c\n\n")     # a trailing empty line is no command
    assert r.returncode == 0 and r.stderr == ""


NETWORK_231 = """\
import nn
net = nn.MLP([2, 3, 1], weights=[[[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], [[0.7, -0.8, 0.9]]],
             biases=[[0.05, -0.1, 0.2], [-0.3]])
C = nn.half_squared_error(net([1.0, 0.5]), [1.0])
C.backward()
"""


def test_step_takes_a_networks_matrix_name_as_draw_and_explain_do(tmp_path):
    """`chainrule draw --highlight W2` and `explain --wrt W2` know the network's matrix W2;
    at the step prompt `p W2` said "no node named 'W2'".  It prints w²_jk row by row (row j,
    column k) and `b W3` runs until every entry of W3 is complete.  Oracle: BP1 and BP4
    by hand, ∂C/∂w³₁ₖ = (a³₁ − y)σ'(z³₁)·a²ₖ."""
    script = tmp_path / "net231.py"
    script.write_text(NETWORK_231)
    s = lambda t: 1 / (1 + math.exp(-t))                                 # noqa: E731
    W2, B2 = [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], [0.05, -0.1, 0.2]
    a2 = [s(W2[j][0] + 0.5 * W2[j][1] + B2[j]) for j in range(3)]
    a3 = s(0.7 * a2[0] - 0.8 * a2[1] + 0.9 * a2[2] - 0.3)
    dw3 = [(a3 - 1.0) * a3 * (1 - a3) * a for a in a2]
    r = chainrule("step", str(script), stdin="p W2\nb W3\np W3\nq\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    shown = lines[lines.index("(step) p W2") + 1:lines.index("(step) b W3")]
    assert [line.split(" = ")[0] for line in shown] == [
        "w2_11", "w2_12", "w2_21", "w2_22", "w2_31", "w2_32"]
    assert [float(line.split(" = ")[1].split()[0]) for line in shown] == [
        0.1, -0.2, 0.4, 0.3, -0.5, 0.6]
    entries = lines[lines.index("(step) p W3") + 1:lines.index("(step) q")]
    assert [line.split(" = ")[0] for line in entries] == ["w3_11", "w3_12", "w3_13"]
    for line, hand in zip(entries, dw3):
        assert line.endswith(f"grad = {hand:.6g} (complete: 1 contribution)"), line


def test_a_gradient_roots_seed_line_brackets_its_name_as_the_steps_do(tmp_path):
    """Stepping through σ'(z)'s own backward pass (grad(..., create_graph=True)) began
    '∂s/∂z.grad = 1 (the seed)', which reads as ∂s over ∂z.grad, while its steps write
    '(∂s/∂z).grad'.  Oracle: σ''(z) = σ(1 − σ)(1 − 2σ) by hand at z = 0.5."""
    script = tmp_path / "second.py"
    script.write_text("from autograd import Value, grad\n"
                      "z = Value(0.5, name='z')\n"
                      "(d1,) = grad(z.sigmoid().named('s'), z, create_graph=True)\n"
                      "d1.backward()\n")
    r = chainrule("step", str(script), stdin="c\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1] == "(∂s/∂z).grad = 1 (the seed)"
    assert "step 1/2: ∂s/∂z = s(1 - s) = 0.235, (∂s/∂z).grad = 1 (complete)" in lines
    S = 1 / (1 + math.exp(-0.5))
    [z_grad] = [float(line.split(" = ")[1]) for line in lines if line.startswith("  z.grad = ")]
    assert z_grad == pytest.approx(S * (1 - S) * (1 - 2 * S), rel=1e-14)


@pytest.mark.parametrize("command", [
    ["explain", "--wrt", "w^3_{21}"], ["check", "--wrt", "w3_21", "--expected", "0.1"],
    ["draw", "--highlight", "w3_21"], ["step", "--stop-at", "w3_21"]])
def test_the_commands_suggest_the_transposed_weight(tmp_path, command):
    """A 2-3-1 network has w³₁₂ (into output neuron 1 from hidden neuron 2) and no w³₂₁:
    each command's one-line error asks 'did you mean w3_12?', as check() in Python does.
    Oracle: Nielsen's naming, w^l_jk with j in layer l."""
    script = tmp_path / "net231.py"
    script.write_text(NETWORK_231)
    name, *rest = command
    r = chainrule(name, str(script), *rest)
    assert r.returncode == 2
    assert "no node named" in r.stderr and "(did you mean w3_12? In Nielsen's w^l_jk" in r.stderr
    assert r.stderr.count("\n") == 1


def test_b_to_the_last_node_answers_before_the_passs_summary(tmp_path):
    """The lecture's neuron, o = tanh(x1·w1 + x2·w2 + b): x1's gradient is complete at the
    last step, and 'b x1' printed the pass's summary ('backward pass complete: 5 steps',
    the leaves' grads) and after it '-> x1 = 2 (leaf), grad = -1.5 ...', its answer under the
    summary as if a command of its own.  The answer now comes with the step that gave it,
    then the summary; by hand ∂o/∂x1 = w1·(1 - o²) = -3 · ½."""
    script = tmp_path / "neuron.py"
    script.write_text("from autograd import Value\n"
                      "x1 = Value(2.0); x2 = Value(0.0); w1 = Value(-3.0); w2 = Value(1.0)\n"
                      "b = Value(6.8813735870195432)\n"
                      "o = (x1*w1 + x2*w2 + b).tanh()\no.backward()\n")
    hand = -3.0 * (1 - math.tanh(2.0 * -3.0 + 6.8813735870195432) ** 2)
    for args, stdin in ((["--stop-at", "x1"], ""), ([], "b x1\n")):
        r = chainrule("step", str(script), *args, stdin=stdin)
        assert r.returncode == 0, r.stderr
        out = r.stdout
        answer = out.index(f"-> x1 = 2 (leaf), grad = {hand:.6g} (complete: 1 contribution)")
        assert out.index("step 5/5") < answer < out.index("backward pass complete: 5 steps")
        assert _leaf(out, "x1") == pytest.approx(hand, rel=1e-12)

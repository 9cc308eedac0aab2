"""Graphs written without name=, the way micrograd's README and lecture write them.

Oracles: the Desmos question's hand-derived answer (the missing factors w4·w2
and w5·w3, each 0.25; Desmos's 0.0014291881022), the numbers micrograd's
README prints (24.7041, 138.8338, 645.5773) and the lecture's hand-worked
gradients of L = (a·b + c)·f (dL/da = b·f = 6, dL/db = a·f = -4, dL/dc = f = -2,
dL/df = d = 4), and PyTorch where installed.
"""

import math
import os
import re
import runpy
import subprocess
import sys

import pytest

import autograd
from autograd import Value, check, explain, name_variables
from autograd.names import NodeNameError
from autograd.notation import Labels

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "tests", "scripts")
DESMOS = os.path.join(SCRIPTS, "desmos_noname.py")
README = os.path.join(SCRIPTS, "micrograd_readme.py")
LECTURE = os.path.join(SCRIPTS, "micrograd_lecture.py")
PLACEHOLDER = re.compile(r"<(leaf|parameter|constant|[a-z]+) -?[0-9.e+-]+>")
CHAINRULE = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]


def chainrule(*args):
    return subprocess.run([*CHAINRULE, *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)


def desmos_unnamed():
    I = Value(1.0)
    w1, w2, w3, w4, w5 = (Value(0.5, kind="parameter") for _ in range(5))
    h1 = (I * w1 + 1).sigmoid()
    h2, h3 = (h1 * w2 + 1).sigmoid(), (h1 * w3 + 1).sigmoid()
    O = (h2 * w4 + h3 * w5 + 1).sigmoid()
    return O, dict(I=I, w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, h1=h1, h2=h2, h3=h3, O=O)


# -- one short label ----------------------------------------------------------

def test_an_unnamed_graph_is_never_written_op_value():
    O, n = desmos_unnamed()
    text = str(explain(O, n["w1"])) + str(check(O, n["w1"], "0.00571675240882"))
    assert not PLACEHOLDER.search(text), text
    labels = Labels(O)
    assert labels(n["w1"]).startswith("leaf") and labels(O).startswith("t")


def test_explain_uses_the_labels_the_steps_and_drawings_use():
    O, n = desmos_unnamed()
    labels = Labels(O)
    steps_text = "\n".join(str(s) for s in O.backward_steps())
    explained = str(explain(O, n["w1"]))
    source = autograd.draw(O).source
    # the weight w1 and the hidden node h1 are written the same way in all three
    for node in (n["w1"], n["h1"]):
        assert labels(node) in explained and labels(node) in steps_text and labels(node) in source


def test_two_paths_never_read_the_same():
    namespace = runpy.run_path(README, run_name="__readme__")
    g, a = namespace["g"], namespace["a"]
    for e in (explain(g, a), explain(g, namespace["b"])):
        routes = [p.route() for p in e.paths]
        assert len(set(routes)) == len(routes) == e.path_count
        assert not PLACEHOLDER.search(str(e))
    x = Value(3.0)
    y = x * x                  # two edges from x into the same node
    routes = [p.route() for p in explain(y, x).paths]
    assert len(set(routes)) == 2, routes


# -- name_variables -----------------------------------------------------------

def test_name_variables_names_what_variables_hold():
    O, n = desmos_unnamed()
    named = name_variables(n)
    assert set(named) == set(n) and named.skipped == {}
    assert all(node.name == variable for variable, node in n.items())
    verdict = check(O, "w1", "0.00571675240882")
    assert "w4·w2 on path 1" in str(verdict) and "w5·w3 on path 2" in str(verdict)


def test_name_variables_skips_named_nodes_and_non_values():
    x = Value(1.0, name="x")
    y = Value(2.0)
    z = y                      # the same node twice: named after the first variable
    other = Value(3.0, name="y")   # takes the name y: y may not be used
    w = Value(4.0)
    namespace = {"x_var": x, "y": y, "z": z, "other": other, "w": w, "n": 3, "_hidden": Value(5)}
    named = name_variables(namespace)
    assert list(named) == ["w"] and w.name == "w" and x.name == "x" and other.name == "y"
    assert named.skipped == {"x_var": "already named 'x'",
                             "y": "another node is already named 'y'",
                             "other": "already named 'y'",
                             "z": "the same node as y"}
    assert y.name is None
    assert "skipped" in repr(named)
    with pytest.raises(TypeError, match="globals"):
        name_variables([x])


def test_name_variables_on_locals_in_one_call():
    a = Value(2.0)
    b = Value(-3.0)
    L = a * b
    named = name_variables(locals())
    assert set(named) == {"a", "b", "L"}
    assert str(explain(L, a)).startswith("∂L/∂a = -3")


#: micrograd's training loop: the weights zeroed by ``for p in n.parameters()`` before
#: backward(), so that p holds the last parameter, the bias, when backward() is called
TRAINING = """\
import random
from autograd import Value

random.seed(1)


class Neuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()

    def parameters(self):
        return self.w + [self.b]


def main():
    for k in range(3):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.05 * p.grad


n = Neuron(2)
xs = [[2.0, 3.0], [1.0, -1.0]]
ys = [1.0, -1.0]
STEPS
"""


def _bias_gradient_by_hand():
    """∂loss/∂b at the script's first backward(), by a central difference of the
    forward pass written in floats (math.tanh), the weights drawn as the script draws them."""
    import random
    random.seed(1)
    w = [random.uniform(-1, 1) for _ in range(2)]
    b = random.uniform(-1, 1)

    def loss(b):
        return sum((math.tanh(b + w[0] * x[0] + w[1] * x[1]) - y) ** 2
                   for x, y in zip([[2.0, 3.0], [1.0, -1.0]], [1.0, -1.0]))
    h = 1e-6
    return (loss(b + h) - loss(b - h)) / (2 * h)


@pytest.mark.parametrize("where", ["top level", "in main()"])
def test_a_loop_variable_names_no_node(tmp_path, where):
    """After ``for p in n.parameters(): p.grad = 0.0`` the bias, the last parameter, was
    called p in every answer (∂loss/∂p, "t6 = p + t3" in the steps): a name the loop
    happened to leave on it.  Now a for loop's variable names no node: the bias is
    leaf3 in the steps, as its weights are leaf1 and leaf2, and --wrt n.b (its
    attribute path) calls it n.b.  Oracle for the number: a central difference of the
    forward pass by hand."""
    body = TRAINING.split("def main():\n")[1].split("\n\n\n")[0]
    steps = ("main()" if where == "in main()" else
             "\n".join(line[4:] for line in body.splitlines()))
    script = tmp_path / "train.py"
    script.write_text(TRAINING.replace("STEPS", steps))
    r = chainrule("step", str(script))
    assert r.returncode == 0, r.stderr
    assert not re.search(r"\bp\b", r.stdout.split("help\n", 1)[1]), r.stdout
    assert re.search(r"^step \d+/16: t6 = leaf3 \+ t3 = ", r.stdout, re.M), r.stdout
    r = chainrule("explain", str(script), "--wrt", "n.b")
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0]
    assert head.startswith("∂loss/∂n.b = ") and "(leaf3 in the steps)" in r.stdout
    assert float(head.split()[2]) == pytest.approx(_bias_gradient_by_hand(), rel=1e-7)
    r = chainrule("explain", str(script), "--wrt", "p")         # the variable still reaches it
    assert r.returncode == 0 and r.stdout.startswith(head.replace("n.b", "leaf3")), r.stdout


@pytest.mark.parametrize("how", ["UTF-8 BOM", "coding latin-1", "os.chdir"])
def test_a_loop_variable_names_no_node_in_a_script_python_runs_as_is(tmp_path, how):
    """The loops are read from the script's source, but it was opened as plain UTF-8
    from the current folder: a script saved with a BOM (Notepad), one declaring
    ``# -*- coding: latin-1 -*-`` or one that os.chdir()s away (its path relative) ran,
    and its bias was again called p ("step 7/16: t6 = p + t3"). Now each is read as
    Python reads it, before it runs: the bias is leaf3.  Oracle: a central difference
    of the forward pass by hand."""
    body = TRAINING.split("def main():\n")[1].split("\n\n\n")[0]
    text = TRAINING.replace("STEPS", "\n".join(line[4:] for line in body.splitlines()))
    folder = tmp_path / "sub"
    folder.mkdir()
    script = folder / "train.py"
    if how == "UTF-8 BOM":
        script.write_text(text, encoding="utf-8-sig")
    elif how == "coding latin-1":
        script.write_text("# -*- coding: latin-1 -*-\n# données\n" + text, encoding="latin-1")
    else:
        script.write_text(f"import os\nos.chdir({str(tmp_path)!r})\n" + text)
    path = os.path.relpath(script, ROOT)
    r = chainrule("step", path)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^step \d+/16: t6 = leaf3 \+ t3 = ", r.stdout, re.M), r.stdout
    r = chainrule("explain", path, "--wrt", "n.b")
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0]
    assert head.startswith("∂loss/∂n.b = ") and "(leaf3 in the steps)" in r.stdout
    assert float(head.split()[2]) == pytest.approx(_bias_gradient_by_hand(), rel=1e-7)


def test_name_variables_in_a_notebook_skips_its_cells_loop_variables(tmp_path, monkeypatch):
    """In Jupyter (IPython: globals() with no __file__), after a cell zeroing with ``for p
    in n.parameters(): p.grad = 0.0``, name_variables(globals()) named the bias p, the
    name the loop left on it (<named p, L>, and then '∂L/∂p = ...'), as 6b7c638 fixed for
    scripts.  The cells run so far (IPython's _ih, magics already Python) are now read as
    a script's top level: p is skipped, for its loop.  Oracle: by hand, ∂L/∂b of
    L = tanh(2·w0 + 3·w1 + b) is 1 - tanh²(2·0.5 + 3·-1.5 + 0.25)."""
    shell_module = pytest.importorskip("IPython.core.interactiveshell")
    from traitlets.config import Config
    import builtins
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])  # a shell replaces it
    builtins_before = set(vars(builtins))                  # and adds display, __IPYTHON__
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = shell_module.InteractiveShell(config=config)
    cells = ["from autograd import Value, explain, name_variables",
             "class Neuron:\n    def __init__(self):\n        self.w = [Value(0.5), Value(-1.5)]\n"
             "        self.b = Value(0.25)\n\n    def parameters(self):\n"
             "        return self.w + [self.b]\n\n\nn = Neuron()",
             "%precision 3\nfor p in n.parameters():\n    p.grad = 0.0",
             "L = (n.w[0] * 2.0 + n.w[1] * 3.0 + n.b).tanh()\nL.backward()",
             "named = name_variables(globals())"]
    try:
        for cell in cells:
            result = shell.run_cell(cell, store_history=True)
            assert result.success, result.error_in_exec
        ns = shell.user_ns
        assert "__file__" not in ns and ns["p"] is ns["n"].b      # the loop ended on it
        named = ns["named"]
        assert set(named) == {"L"} and ns["n"].b.name is None
        assert named.skipped == {"p": "a for loop's variable: it holds whichever node the "
                                      "loop ended on"}
        text = str(explain(ns["L"], ns["n"].b))
        assert not re.search(r"\bp\b", text), text
        assert float(text.split()[2]) == pytest.approx(
            1 - math.tanh(2 * 0.5 + 3 * -1.5 + 0.25) ** 2, rel=1e-12)
    finally:
        shell.history_manager.end_session()
        shell_module.InteractiveShell.clear_instance()
        for name in set(vars(builtins)) - builtins_before:
            delattr(builtins, name)


def test_name_variables_of_a_script_skips_its_top_level_loop_variables(tmp_path):
    """name_variables(globals()) of a script whose top level loops ``for p in ...``: p is
    skipped (why: the loop), and ``bias = n.b``, assigned outside a loop, names the node."""
    script = tmp_path / "train.py"
    steps = "\n".join(line[4:] for line in TRAINING.split("def main():\n")[1]
                      .split("\n\n\n")[0].splitlines()[:5])
    script.write_text(TRAINING.replace("STEPS", steps + "\nbias = n.b\n"))
    namespace = runpy.run_path(str(script))
    assert namespace["p"] is namespace["n"].b                   # the loop ended on it
    named = name_variables(namespace)
    assert named.skipped == {"p": "a for loop's variable: it holds whichever node the loop "
                                  "ended on"}
    assert set(named) == {"loss", "bias"} and namespace["n"].b.name == "bias"


# -- micrograd's spelling -------------------------------------------------------

def test_label_is_name():
    a = Value(2.0, label="a")
    assert a.name == "a" == a.label
    e = a * 2
    e.label = "e"
    assert e.name == "e"
    assert Value(1.0, name="x", label="x").name == "x"
    assert Value(1.0, label="").name is None
    with pytest.raises(ValueError, match="name='x' and label='y'"):
        Value(1.0, name="x", label="y")
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)


def test_draw_dot_is_draw():
    from autograd.draw import draw, draw_dot
    assert draw_dot is draw


def test_micrograd_readme_prints_its_published_numbers():
    out = subprocess.run([sys.executable, README], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=ROOT), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["24.7041", "138.8338", "645.5773"]


def test_micrograd_lecture_runs_through_every_surface():
    namespace = runpy.run_path(LECTURE, run_name="__lecture__")
    L, a, b, c, f = (namespace[k] for k in "Labcf")
    assert L.data == -8.0 and (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    e = explain(L, a)
    assert e.paths[0].route() == "a → e → d → L" and e.total == 6.0
    assert check(L, "b", "-4") and not check(L, "c", "2")
    steps = [str(s) for s in L.backward_steps()]
    assert steps[0].startswith("step 1/3: L = d × f") and not PLACEHOLDER.search("".join(steps))


def test_micrograd_readme_against_torch():
    torch = pytest.importorskip("torch")
    namespace = runpy.run_path(README, run_name="__readme__")
    ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (-4.0, 2.0))
    c = ta + tb
    d = ta * tb + tb ** 3
    c = c + c + 1
    c = c + 1 + c + (-ta)
    d = d + d * 2 + (tb + ta).relu()
    d = d + 3 * d + (tb - ta).relu()
    g = (c - d) ** 2 / 2.0
    g = g + 10.0 / (c - d) ** 2
    g.backward()
    for name, t in (("a", ta), ("b", tb)):
        assert explain(namespace["g"], namespace[name]).total == pytest.approx(t.grad.item(),
                                                                                rel=1e-12)


# -- the command line names the script's variables ----------------------------------

def test_cli_check_on_the_unnamed_desmos_script_names_the_missing_factors():
    r = chainrule("check", DESMOS, "--wrt", "w1", "--expected", "0.00571675240882")
    assert r.returncode == 1, r.stderr
    assert "w4·w2 on path 1" in r.stdout and "w5·w3 on path 2" in r.stdout
    assert "h2 → (via w4) → t7 → O" in r.stdout
    assert not PLACEHOLDER.search(r.stdout)
    ok = chainrule("check", DESMOS, "--wrt", "w1", "--expected", "0.00142919")
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.mark.parametrize("script, wrt, first", [
    (DESMOS, "w1", "∂O/∂w1 = 0.0014291881022"),
    (README, "a", "∂g/∂a = 138.833819242"),
    (LECTURE, "a", "∂L/∂a = 6"),
])
def test_cli_explain_reads_in_the_scripts_variable_names(script, wrt, first):
    r = chainrule("explain", script, "--wrt", wrt)
    assert r.returncode == 0, r.stderr
    assert first in r.stdout
    assert not PLACEHOLDER.search(r.stdout)
    routes = [line for line in r.stdout.splitlines() if line.startswith("path ")]
    assert len(set(routes)) == len(routes)


def test_a_node_no_variable_holds_reads_the_same_in_explain_and_steps():
    explained = chainrule("explain", DESMOS, "--wrt", "w1").stdout
    stepped = subprocess.run([*CHAINRULE, "step", DESMOS], input="", capture_output=True,
                             text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                             timeout=120).stdout
    assert "∂O/∂t7 = σ'(t7) = O(1-O)" in explained
    assert "O = σ(t7)" in stepped


def test_the_command_line_does_not_give_a_graphs_name_twice(tmp_path):
    script = tmp_path / "half_named.py"
    script.write_text("from autograd import Value\n"
                      "w = Value(0.5)\n"
                      "h = (w * 2).sigmoid()\n"                    # the variable h ...
                      "out = (h * 3).named('h').tanh()\n"          # ... and a node named h
                      "out.backward()\n")
    r = chainrule("explain", str(script), "--wrt", "w")
    assert r.returncode == 0, r.stderr
    assert "w reaches out along 1 path" in r.stdout
    assert chainrule("explain", str(script), "--wrt", "h").returncode == 0


# -- what a label stands for, and the order labels are given in ---------------

LABEL = re.compile(r"(?<![\w'])((?:t|leaf)\d+)(?![\w'])")


def _used(text):
    """The labels a text uses outside its where-lines and Here-sentences."""
    body = re.sub(r" Here [^\n]*", "", text)
    lines = [line for line in body.splitlines()
             if not line.startswith("where") and not re.match(r"  (t|leaf)\d+ = ", line)]
    return set(LABEL.findall("\n".join(lines)))


def _defined(text):
    """{label: definition} from the where-lines of an explanation or a diagnosis."""
    found = {}
    for part in re.split(r"where |Here |\n|; ", text):
        m = re.match(r"\s*((?:t|leaf)\d+) = (.+?)\.?$", part)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def test_every_label_explain_and_check_use_is_defined_where_it_is_used():
    O, n = desmos_unnamed()
    name_variables(n)
    labels = Labels(O)
    t = labels(O._prev[0])                 # h2·w4 + h3·w5 + 1, the one node no variable holds
    explained = str(explain(O, n["w1"]))
    # the chain links through it, and it is said once what it is
    assert f"∂{t}/∂h2 = w4 = 0.5" in explained and f"∂O/∂{t} = σ'({t}) = O(1-O)" in explained
    assert f"where {t} = h2·w4+h3·w5+1" in explained
    verdict = str(check(O, n["w1"], "0.00571675240882"))
    assert f"Here {t} = h2·w4+h3·w5+1." in verdict
    for text in (explained, verdict):
        used = _used(text)
        assert used and used <= set(_defined(text)), text


@pytest.mark.parametrize("script, wrt", [(README, "a"), (README, "b"), (LECTURE, "a")])
def test_every_label_the_command_line_prints_is_defined(script, wrt):
    out = chainrule("explain", script, "--wrt", wrt).stdout
    defined = _defined(out)
    assert _used(out) <= set(defined), out
    # a definition is the forward the script wrote: the README's d * 2, d = a*b + b**3
    if script == README:
        assert "(a·b+b³)·2" in defined.values()


def test_unnamed_leaves_are_numbered_in_the_order_the_layers_use_them():
    """Oracle: the script's own order, w1 into layer 2, w2 and w3 into layer 3,
    w4 and w5 into the output (the input I comes first, with w1)."""
    O, n = desmos_unnamed()
    labels = Labels(O)
    assert [labels(n[k]) for k in ("I", "w1", "w2", "w3", "w4", "w5")] == [
        f"leaf{k}" for k in range(1, 7)]
    # derived nodes layer by layer: h1 before h2 and h3, those before O
    order = [int(labels(n[k])[1:]) for k in ("h1", "h2", "h3", "O")]
    assert order == sorted(order) and labels(n["h2"]) < labels(n["h3"])


def test_the_scripts_prints_go_to_stderr_so_the_headline_is_the_first_line(tmp_path):
    script = tmp_path / "chatty.py"
    script.write_text("from autograd import Value\n"
                      "w = Value(3.0)\n"
                      "L = w * w\n"
                      "print('forward done', L.data)\n"
                      "L.backward()\n")
    r = chainrule("check", str(script), "--wrt", "w", "--expected", "6")   # dL/dw = 2w = 6
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "Agrees to the 1 significant digit you gave."
    assert "forward done 9.0" in r.stderr and "forward done" not in r.stdout
    bad = chainrule("check", str(script), "--wrt", "w", "--expected", "5")
    assert bad.returncode == 1 and bad.stdout.startswith("Disagrees")


def test_a_231_network_summed_with_builtin_sum_names_the_term_and_defines_it():
    """Stack-Exchange style: no names, per-sample losses added by sum().  Oracle for
    the learner's value: a central finite difference of sample 2's loss alone."""
    W1 = [[Value(0.1), Value(-0.2)], [Value(0.3), Value(0.4)], [Value(-0.5), Value(0.6)]]
    b1 = [Value(0.0), Value(0.1), Value(-0.1)]
    W2, b2 = [Value(0.7), Value(-0.8), Value(0.9)], Value(0.05)

    def loss(x, y):
        h = [(sum(w * xi for w, xi in zip(row, x)) + b).tanh() for row, b in zip(W1, b1)]
        return (sum(v * hi for v, hi in zip(W2, h)) + b2 - y) ** 2

    samples = [([1.0, 2.0], 1.0), ([0.5, -1.0], 0.0), ([-1.5, 0.3], 1.0)]
    L = sum(loss(x, y) for x, y in samples)
    w = W1[0][0]
    h = 1e-6
    w.data += h
    plus = loss(*samples[1]).data
    w.data -= 2 * h
    minus = loss(*samples[1]).data
    w.data += h
    term_only = (plus - minus) / (2 * h)
    verdict = check(L, w, f"{term_only:.6g}")
    text = str(verdict)
    assert text.splitlines()[0] == "Disagrees: your value is the gradient of term 2 of 3 alone."
    assert "adds 3 terms" in text and "4 terms" not in text and "of 4" not in text
    assert _used(text) <= set(_defined(text)), text
    assert len(text) < 1200, text


def test_the_lectures_neuron_labels_that_spell_expressions_are_bracketed():
    """The lecture's neuron labels its nodes 'x1*w1' and 'x1*w1 + x2*w2'.  Oracle:
    o = tanh(n) with n = 0.8813735870195432 is 1/√2, so ∂o/∂w1 = x1·(1-o²) = 2·½ = 1."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1; x1w1.label = "x1*w1"                      # noqa: E702
    x2w2 = x2 * w2; x2w2.label = "x2*w2"                      # noqa: E702
    s = x1w1 + x2w2; s.label = "x1*w1 + x2*w2"                # noqa: E702
    n = s + b; n.label = "n"                                  # noqa: E702
    o = n.tanh(); o.label = "o"                               # noqa: E702
    e = explain(o, w1)
    assert abs(e.total - 1.0) < 1e-12
    text = str(e)
    assert "∂(x1*w1)/∂w1 = x1 = 2" in text and "∂x1*w1/" not in text
    assert "path 1: w1 → x1*w1 → x1*w1 + x2*w2 → n → o" in text
    m = Value(1.0, name="m")
    assert explain(s * m, m).paths[0].factors[0].partial == "∂((x1*w1 + x2*w2)·m)/∂m"


def test_from_python_an_unnamed_check_points_to_name_variables():
    O, n = desmos_unnamed()
    advice = str(check(O, n["w1"], "0.00571675240882")).splitlines()[-1]
    assert advice.startswith("Next: print(verdict.explanation) lists every path")
    assert advice.endswith("autograd.name_variables(globals()) first names the unnamed nodes "
                           "after the variables that hold them.")
    named = name_variables(n)
    assert {"w1", "O"} <= set(named)
    verdict = check(O, n["w1"], "0.00571675240882")
    assert "name_variables" not in str(verdict)
    assert verdict.headline() == "Disagrees: your value leaves out w4·w2 on path 1 and w5·w3 on path 2."
    # from the command line the script's variables are named already: no Python advice
    cli = chainrule("check", DESMOS, "--wrt", "w1", "--expected", "0.00571675240882").stdout
    assert "name_variables" not in cli and "print(" not in cli


def test_a_short_label_the_answers_print_can_be_asked_about():
    """t7 (h2·w4+h3·w5+1) is printed by explain and the steps; asked for by that label,
    ∂O/∂t7 = σ'(t7) = O(1-O), by hand from O = σ(t7)."""
    O, n = desmos_unnamed()
    name_variables(n)
    t = Labels(O)(O._prev[0])
    e = explain(O, t)
    assert e.wrt is O._prev[0] and abs(e.total - O.data * (1 - O.data)) < 1e-15
    assert check(O, t, f"{O.data * (1 - O.data):.6g}")
    # the script names net1..net3 too, so there the node no variable holds is t7
    out = chainrule("explain", DESMOS, "--wrt", "t7")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"∂O/∂t7 = {O.data * (1 - O.data):.12g}   ")
    assert "where t7 = h2·w4+h3·w5+1" in out.stdout
    # a label no node has still lists the names
    missing = chainrule("explain", DESMOS, "--wrt", "t99")
    assert missing.returncode == 2 and "no node named 't99'" in missing.stderr


def test_a_formula_over_unnamed_nodes_points_to_name_variables():
    """The lecture's neuron n = tanh(x1·w1), none of it named, checked with the formula a
    learner writes over their variables: ∂n/∂w1 = (1 − n²)·x1 (tanh' = 1 − tanh²)."""
    x1, w1 = Value(2.0), Value(-3.0)
    n = (x1 * w1).tanh()
    with pytest.raises(NodeNameError, match=r"no node named 'n' in this graph; named nodes: "
                       r"\(none\); autograd\.name_variables\(globals\(\)\) names the nodes "
                       r"after the variables that hold them$"):
        check(n, w1, "(1 - n**2)*x1")
    name_variables(locals())
    assert check(n, w1, "(1 - n**2)*x1")
    assert check(n, w1, repr((1 - math.tanh(-6.0) ** 2) * 2.0))
    # a graph that has names lists them, and does not send the learner to name_variables
    with pytest.raises(NodeNameError) as caught:
        check(n, w1, "(1 - m**2)*x1")
    assert "name_variables" not in str(caught.value)


@pytest.mark.parametrize("ask", [
    lambda o, name: explain(o, name),
    lambda o, name: check(o, name, "0.5"),
    lambda o, name: autograd.draw(o, highlight=name),
    lambda o, name: o.backward(breakpoint_at=name),
])
def test_a_label_no_node_has_is_told_the_labels_there_are(ask):
    """The lecture's unnamed neuron o = tanh(x1·w1 + b): its steps call the nodes t1 ... t3
    and leaf1 ... leaf3; asking for t9 (or leaf5) said only "no node named 't9' in this
    graph; named nodes: (none)".  It now says which labels there are, read here from the
    steps' own lines, and the label it names is the node: by hand ∂o/∂t2 = 1 - tanh²(-5.5)."""
    x1, w1, b = Value(2.0), Value(-3.0), Value(0.5)
    o = (x1 * w1 + b).tanh()
    lines = [str(step) for step in o.backward_steps()]
    labels = sorted(set(re.findall(r"\b(t\d+|leaf\d+)\b", "\n".join(lines))))
    assert labels == ["leaf1", "leaf2", "leaf3", "t1", "t2", "t3"]
    held = [x1.grad, w1.grad, b.grad]
    for wrong in ("t9", "leaf5"):
        with pytest.raises(NodeNameError) as info:
            ask(o, wrong)
        assert "the unnamed nodes are labelled t1 ... t3 and leaf1 ... leaf3, as the steps " \
               "print them" in str(info.value)
        assert [x1.grad, w1.grad, b.grad] == held
    assert math.isclose(explain(o, "t2").total, 1 - math.tanh(2.0 * -3.0 + 0.5) ** 2,
                        rel_tol=1e-12)
    named = (Value(1.0, name="a") * 2).named("L")       # no labels: says so
    with pytest.raises(NodeNameError, match="every node of this graph has a name"):
        ask(named, "t1")


def test_the_command_line_tells_the_labels_of_a_scripts_graph(tmp_path):
    """chainrule explain/step --wrt t9 on the lecture's unnamed neuron written via exp: the
    script's variables name x1, w1, ..., and the rest are t1 ... t6, as its steps print."""
    script = tmp_path / "neuron.py"
    script.write_text("from autograd import Value\n"
                      "x1 = Value(2.0); w1 = Value(-3.0); b = Value(0.5)\n"
                      "n = x1*w1 + b\ne = (2*n).exp()\no = (e - 1) / (e + 1)\no.backward()\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    run = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]
    steps = subprocess.run([*run, "step", str(script)], input="c\n", capture_output=True,
                           text=True, env=env, timeout=60).stdout
    shown = sorted(set(re.findall(r"\bt\d+\b", steps)), key=lambda t: int(t[1:]))
    assert shown[0] == "t1" and len(shown) > 1
    for command in ("explain", "step"):
        args = ["--wrt", "t9"] if command == "explain" else ["--stop-at", "t9"]
        r = subprocess.run([*run, command, str(script), *args], capture_output=True, text=True,
                           env=env, timeout=60)
        assert r.returncode == 2
        assert (f"the unnamed nodes are labelled t1 ... {shown[-1]}, as the steps print them"
                in r.stderr), r.stderr

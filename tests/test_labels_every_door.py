"""One numbering of a graph's unnamed nodes, whichever door a question comes through.

A micrograd-lecture network (Neuron, Layer, MLP with ``Value(random.uniform(-1, 1))``
weights and no names) is asked about through ``chainrule step``, ``explain``, ``check``
and ``draw``, with ``--wrt leaf1`` and with the attribute path to the same weight, with
``--root`` one of its inner nodes, and through the Python API with the Value itself.
The oracle for the labels is ``chainrule step``: what its ``p LABEL`` prints for each
label (leaf1 = 0.278854, ...); every other view must give each label the same number.
The oracle for the gradients is a central finite difference of the forward pass written
by hand in floats (math.tanh).
"""

import math
import random
import re
import runpy

import pytest

from test_step_cli import chainrule

LECTURE = """\
import random
from autograd import Value

random.seed(42)


class Neuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out


class Layer:
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


n = MLP(2, [2, 1])
xs = [[2.0, 3.0], [1.0, -1.0]]
ys = [1.0, -1.0]
ypred = [n(x) for x in xs]
loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
loss.backward()
"""

W0 = "n.layers[0].neurons[0].w[0]"
XS, YS = [[2.0, 3.0], [1.0, -1.0]], [1.0, -1.0]


def weights():
    """The network's numbers as the script draws them: [layer][neuron] = (w, b)."""
    random.seed(42)
    net = []
    for nin, nout in ((2, 2), (2, 1)):
        net.append([([random.uniform(-1, 1) for _ in range(nin)], random.uniform(-1, 1))
                    for _ in range(nout)])
    return net


def forward(net, x):
    """By hand: (the output neuron's act, the output) for one sample."""
    for layer in net:
        acts = [sum(wi * xi for wi, xi in zip(w, x)) + b for w, b in layer]
        x = [math.tanh(a) for a in acts]
    return acts[0], x[0]


def central_difference(f, h=1e-6):
    """∂f/∂w0 (the first weight of the first neuron) by a central finite difference."""
    def at(delta):
        net = weights()
        net[0][0][0][0] += delta
        return f(net)
    return (at(h) - at(-h)) / (2 * h)


def loss_of(net):
    return sum((forward(net, x)[1] - y) ** 2 for x, y in zip(XS, YS))


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("lecture") / "lecture.py"
    path.write_text(LECTURE)
    return str(path)


@pytest.fixture(scope="module")
def stepped(script):
    """{label: number} as `chainrule step` prints them: p leaf1 ... p t35."""
    labels = [f"leaf{k}" for k in range(1, 10)] + [f"t{k}" for k in range(1, 36)]
    r = chainrule("step", script, stdin="".join(f"p {label}\n" for label in labels) + "q\n")
    assert r.returncode == 0, r.stderr
    found = dict(re.findall(r"^(leaf\d+|t\d+) = (?:.* = )?(\S+) \((?:leaf|derived)\)",
                            r.stdout, re.M))
    assert sorted(found) == sorted(labels), r.stdout
    return {label: float(number) for label, number in found.items()}


def where_numbers(text):
    """{label: number} from an answer's where-lines: ``leaf7 = 0.784359 (an unnamed
    leaf)``, and the node asked about by its path: ``... = 0.278854 (leaf1 in the steps)``."""
    found = re.findall(r"(leaf\d+) = (\S+) \(an unnamed leaf\)", text)
    found += [(label, number) for number, label in
              re.findall(r"= (\S+) \((leaf\d+|t\d+) in the steps\)", text)]
    return {label: float(number) for label, number in found}


def drawn_numbers(source):
    """{label: data} of each unnamed node's record in a picture (DOT or SVG text)."""
    dot = re.findall(r"<I>(leaf\d+|t\d+)</I>.*?>data ([^<]+)<", source)
    svg = re.findall(r">(leaf\d+|t\d+)</text>\s*(?:<polygon[^>]*>\s*)?<text[^>]*>data ([^<]+)<",
                     source)
    return {label: float(number.replace("&#45;", "-")) for label, number in dot + svg}


def agree(found, stepped, rel):
    """Every label ``found`` gives a number is the step's label for that number."""
    assert found, "no labels read"
    for label, number in found.items():
        assert number == pytest.approx(stepped[label], rel=rel, abs=1e-12), (label, found)


def test_step_labels_the_weight_leaf1(stepped):
    """The oracle itself: the first weight the forward pass uses is leaf1 in the steps."""
    assert stepped["leaf1"] == pytest.approx(weights()[0][0][0][0], rel=1e-5)


@pytest.mark.parametrize("wrt", ["leaf1", W0])
def test_explain_labels_as_the_steps_whatever_wrt_spells(script, stepped, wrt):
    """--wrt 'n.layers[0].neurons[0].w[0]' named the weight, so its answer called w[1]
    leaf1 (step's leaf2) under a heading saying "labelled as in the steps"."""
    r = chainrule("explain", script, "--wrt", wrt)
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0]
    assert head.startswith(f"∂loss/∂{wrt} = ")
    assert float(head.split()[2]) == pytest.approx(central_difference(loss_of), rel=1e-7)
    found = where_numbers(r.stdout)
    agree(found, stepped, 1e-5)
    if wrt == W0:
        assert f"{W0} = {stepped['leaf1']:g} (leaf1 in the steps)" in r.stdout
        assert "leaf1 = " not in r.stdout


def test_explain_with_an_inner_root_labels_as_the_steps(script, stepped):
    """--root t28 (a label step prints) was answered about the graph below it, numbered
    afresh: the heading said ∂t14/∂leaf1 and its t7 was step's t15."""
    act = forward(weights(), XS[1])[0]      # the output neuron's act on the second sample
    [root] = [label for label, number in stepped.items()
              if label.startswith("t") and number == pytest.approx(act, rel=1e-5)]
    r = chainrule("explain", script, "--root", root, "--wrt", W0)
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0]
    assert head.startswith(f"∂{root}/∂{W0} = ")
    by_hand = central_difference(lambda net: forward(net, XS[1])[0])
    assert float(head.split()[2]) == pytest.approx(by_hand, rel=1e-7)
    agree(where_numbers(r.stdout), stepped, 1e-5)


@pytest.mark.parametrize("wrt", ["leaf1", W0])
def test_check_reads_a_label_as_the_steps_print_it(script, stepped, wrt):
    """A formula naming leaf2 read the leaf step calls leaf3 when --wrt was the path."""
    for label in ("leaf2", "leaf5"):
        r = chainrule("check", script, "--wrt", wrt, "--formula", label)
        assert r.returncode == 1, r.stderr
        read = re.search(rf"with {label} = (\S+), it gives", r.stdout)
        assert read, r.stdout
        assert float(read.group(1)) == pytest.approx(stepped[label], rel=1e-5)
    r = chainrule("check", script, "--wrt", wrt, "--expected",
                  f"{central_difference(loss_of):.7g}")
    assert r.returncode == 0 and r.stdout.startswith("Agrees"), r.stdout


@pytest.mark.parametrize("highlight", ["leaf1", W0])
def test_draw_labels_as_the_steps(script, stepped, highlight, tmp_path):
    """--highlight 'n.layers[0].neurons[0].w[0]' drew w[1] as leaf1 (step's leaf2)."""
    pytest.importorskip("graphviz")
    out = tmp_path / "g.svg"
    r = chainrule("draw", script, "--highlight", highlight, "--out", str(out))
    assert r.returncode == 0, r.stderr
    found = drawn_numbers(out.read_text())
    assert len(found) == (43 if highlight == W0 else 44)    # 9 leaves, 35 t's; w[0] by path
    agree(found, stepped, 1e-3)


def test_the_python_api_labels_as_the_steps(script, stepped):
    """explain, check, backward_steps and draw given the Value itself, after
    name_variables (what the command does): the labels `chainrule step` prints."""
    from autograd import backward_steps, check, explain, name_variables
    from autograd.draw import draw
    namespace = runpy.run_path(script)
    name_variables(namespace)
    loss, w0 = namespace["loss"], namespace["n"].layers[0].neurons[0].w[0]
    steps = list(backward_steps(loss))
    labelled = {step.labels(node): node.data for step in steps
                for node in (step.node, *step.node._prev)}
    labelled = {k: v for k, v in labelled.items() if re.fullmatch(r"(leaf|t)\d+", k)}
    assert len(labelled) == 9 + 35
    agree(labelled, stepped, 1e-5)
    text = str(explain(loss, w0))
    head = text.splitlines()[0]
    assert head.startswith("∂loss/∂leaf1 = ")
    assert float(head.split()[2]) == pytest.approx(central_difference(loss_of), rel=1e-7)
    agree(where_numbers(text), stepped, 1e-5)
    finding = check(loss, w0, "leaf2").text()
    assert f"with leaf2 = {stepped['leaf2']:g}" in finding
    pytest.importorskip("graphviz")
    agree(drawn_numbers(draw(loss, highlight=w0).source), stepped, 1e-3)


def test_gradcheck_calls_an_unnamed_input_as_the_steps_of_its_function_do():
    """gradcheck numbered the unnamed inputs in the order it asked about them (a: leaf1,
    b: leaf2), while the steps of f(a, b) = b²·a, which uses b first, call b leaf1.
    Oracles: the labels the steps print, and by hand ∂f/∂a = b² = 9, ∂f/∂b = 2ab = 12."""
    from autograd import Value, backward_steps
    from autograd.differences import gradcheck
    a, b = Value(2.0), Value(3.0)
    report = gradcheck(lambda a, b: (b * b) * a, [a, b])
    text = "\n".join(map(str, backward_steps((b * b) * a)))
    assert "t1 = leaf1 × leaf1 = 9" in text and "t2 = t1 × leaf2 = 18" in text
    assert [(e.name, e.analytic) for e in report.entries] == [("leaf2", 9.0), ("leaf1", 12.0)]
    assert [e.numeric for e in report.entries] == [pytest.approx(9.0), pytest.approx(12.0)]


def test_an_inner_root_in_python_is_labelled_as_the_steps_within_numbered_as(script, stepped):
    """explain(inner, w) numbers the graph below ``inner`` on its own; within
    numbered_as(Labels(loss)) it labels as the steps of loss (the `chainrule step` oracle),
    and its number is the central difference of the output neuron's act by hand."""
    from autograd import explain, name_variables
    from autograd.notation import Labels, numbered_as
    namespace = runpy.run_path(script)
    name_variables(namespace)
    loss, w0 = namespace["loss"], namespace["n"].layers[0].neurons[0].w[0]
    act = forward(weights(), XS[1])[0]
    [inner] = [node for node in Labels(loss).short if node.data == pytest.approx(act, rel=1e-12)]
    with numbered_as(Labels(loss)):
        text = str(explain(inner, w0))
    [root] = [label for label, number in stepped.items() if number == pytest.approx(act, rel=1e-5)]
    head = text.splitlines()[0]
    assert head.startswith(f"∂{root}/∂leaf1 = ")
    by_hand = central_difference(lambda net: forward(net, XS[1])[0])
    assert float(head.split()[2]) == pytest.approx(by_hand, rel=1e-7)
    agree(where_numbers(text), stepped, 1e-5)


def test_every_label_an_explanation_uses_is_defined():
    """A node written out as its expression showed its operands' labels (tanh(t5)), and
    the where-line defined leaf3 and leaf4 but not t5.  Oracles: by hand, with
    out = tanh(0.3·2 − 0.8·0.5 + 0.1) and loss = (out − w·v)², ∂loss/∂w = −2(out − w·v)·v;
    t5's number, 0.3, is the act the steps print."""
    from autograd import Value, check, explain
    w = [Value(0.3), Value(-0.8)]
    b, W = Value(0.1), [Value(0.5), Value(-0.25)]
    act = sum((wi * xi for wi, xi in zip(w, [2.0, 0.5])), b)
    loss = ((act.tanh() - W[0] * W[1]) ** 2).named("loss")
    out = math.tanh(0.3)
    by_hand = -2 * (out - 0.5 * -0.25) * -0.25
    text = str(explain(loss, W[0]))
    assert float(text.split()[2]) == pytest.approx(by_hand, rel=1e-12)
    lines = text.splitlines()
    # (one line when short; else a heading and one indented line each)
    where = [line for line in lines if line.startswith(("where ", "  ")) and " = " in line
             and not line.startswith("  ∂") and "product:" not in line]
    definitions = [d.strip() for line in where for d in line.removeprefix("where ").split("; ")]
    defined = {definition.split(" = ")[0] for definition in definitions}
    rest = "\n".join(line for line in lines if line not in where)
    used = set(re.findall(r"(?<![\w'])((?:leaf|t)\d+)(?![\w'])", rest))
    assert "tanh(t5)" in rest and used == {"t5", "leaf3", "leaf4"} and used <= defined, text
    # and the leaves t5's definition uses, with their numbers
    assert {"leaf1", "leaf2", "leaf5"} <= defined, text
    assert {"leaf1 = 0.3 (an unnamed leaf)", "leaf2 = -0.8 (an unnamed leaf)",
            "leaf5 = 0.1 (an unnamed leaf)"} <= set(definitions), text
    assert "t5 = leaf5+leaf1·2+leaf2·0.5" in definitions
    assert act.data == pytest.approx(0.3, rel=1e-15)
    verdict = check(loss, W[0], "2*leaf4*(tanh(t5)-leaf3*leaf4)").text()
    assert "with leaf4 = -0.25, t5 = 0.3, leaf3 = 0.5" in verdict and "Here t5 = " in verdict


def test_a_node_outside_the_inner_root_keeps_its_step_label(script, stepped):
    """check --root (the second sample's output act) --wrt (the first sample's) called the
    latter t49, a label no step prints.  Oracles: step's labels for the two acts (read by
    their numbers, by hand), and by hand the second sample's act does not depend on the
    first's: 0."""
    acts = [forward(weights(), x)[0] for x in XS]
    first, second = ([label for label, number in stepped.items() if label.startswith("t")
                      and number == pytest.approx(act, rel=1e-5)][0] for act in acts)
    r = chainrule("check", script, "--root", second, "--wrt", first, "--expected", "0")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Your ∂{second}/∂{first} = 0 agrees" in r.stdout, r.stdout


LABEL = r"(?<![\w'])((?:leaf|t)\d+)(?![\w'])"


def labels_and_definitions(verdict):
    """(the labels a verdict's text uses outside its 'Here ...' sentence, {label: what
    'Here ...' says it is})."""
    here = re.search(r" Here (.*)\.$", verdict, re.M)
    defined = dict(d.split(" = ", 1) for d in here.group(1).split("; ")) if here else {}
    rest = verdict.replace(here.group(0), "") if here else verdict
    return set(re.findall(LABEL, rest)), defined


def test_every_label_a_verdict_uses_is_defined_in_python():
    """check(L, a, ...) of an unnamed graph said 'Your ∂t3/∂leaf1 = 6.00 agrees ...
    Nudging leaf1 ...' with neither label said; only a diagnosis naming a label defined
    it.  Oracles: by hand L = (a·b + c)·f, ∂L/∂a = b·f = 6, and the labels and numbers
    the steps of L print."""
    from autograd import Value, backward_steps, check
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    L = (a * b + c) * f
    steps = "\n".join(map(str, backward_steps(L)))
    assert "t3 = t2 × leaf4 = -8" in steps and "t1 = leaf1 × leaf2 = -6" in steps
    for typed, agreed in (("6.00", True), ("-6.00", False), ("6", True), ("12.0", False)):
        verdict = check(L, a, typed)
        assert bool(verdict) is agreed and verdict.engine == -3.0 * -2.0
        used, defined = labels_and_definitions(verdict.text())
        assert {"t3", "leaf1"} <= used and used <= set(defined), verdict.text()
        assert defined["leaf1"] == "2 (an unnamed leaf)"
        assert defined["t3"] == "(leaf1·leaf2+leaf3)·leaf4"


def test_every_label_a_verdict_uses_is_defined_with_an_inner_root(script, stepped):
    """check --root (an output weight times a hidden tanh, which the verdict writes out as
    leafK·tanh(tJ)) printed tJ and leafK with no definition.  Oracles: the steps' labels
    and numbers, and by hand ∂(v·tanh(act))/∂w0 = v·(1 − tanh²(act))·x0."""
    net = weights()
    (w, bias), v = net[0][0], net[1][0][0][0]
    x = XS[0]
    act = w[0] * x[0] + w[1] * x[1] + bias
    [root] = [label for label, number in stepped.items() if label.startswith("t")
              and number == pytest.approx(v * math.tanh(act), rel=1e-5)]
    by_hand = v * (1 - math.tanh(act) ** 2) * x[0]
    for typed, code in ((f"{by_hand:.6g}", 0), (f"{-by_hand:.6g}", 1)):
        r = chainrule("check", script, "--root", root, "--wrt", "leaf1", "--expected", typed)
        assert r.returncode == code, r.stdout + r.stderr
        verdict = "\n".join(line for line in r.stdout.splitlines() if not line.startswith("Next:"))
        used, defined = labels_and_definitions(verdict)
        assert "tanh(" in verdict and len(used) >= 3 and used <= set(defined), r.stdout
        for label in used:
            number = defined[label].removesuffix(" (an unnamed leaf)")
            if label.startswith("leaf"):
                assert float(number) == pytest.approx(stepped[label], rel=1e-5), label


def test_explain_of_a_node_the_root_does_not_depend_on_says_its_label(script, stepped):
    """explain --root (v·tanh(act) of the first hidden neuron) --wrt a weight of the
    second said 'does not depend on an unnamed value = 0.5...' for the label typed, and
    wrote the root over tJ and leafK it never said.  Oracles: the steps' labels and
    numbers, and by hand the first hidden neuron does not read the second's weights."""
    net = weights()
    (w, bias), v = net[0][0], net[1][0][0][0]
    act = w[0] * XS[0][0] + w[1] * XS[0][1] + bias
    [root] = [label for label, number in stepped.items() if label.startswith("t")
              and number == pytest.approx(v * math.tanh(act), rel=1e-5)]
    [other] = [label for label, number in stepped.items() if label.startswith("leaf")
               and number == pytest.approx(net[0][1][0][0], rel=1e-5)]
    r = chainrule("explain", script, "--root", root, "--wrt", other)
    assert r.returncode == 2, r.stdout
    message = r.stderr.strip()
    said, here = message.split("; here ")
    assert f"does not depend on {other}: no path" in said and "tanh(" in said, message
    defined = dict(d.split(" = ", 1) for d in here.split(", "))
    assert set(re.findall(LABEL, said)) <= set(defined), message
    assert float(defined[other].removesuffix(" (an unnamed leaf)")) == pytest.approx(
        stepped[other], rel=1e-5)


def test_draw_calls_an_unnamed_root_and_highlight_by_the_labels_typed(script, stepped):
    """draw --root t22 --highlight leaf2 (a weight the root does not read) said 'highlight
    an unnamed value = 0.69... is not in the graph of an unnamed mul node = -0.46...',
    neither label the command was given.  Oracles: the steps' labels and numbers, and by
    hand the first hidden neuron's v·tanh(act) does not read the second neuron's weights."""
    net = weights()
    (w, bias), v = net[0][0], net[1][0][0][0]
    act = w[0] * XS[0][0] + w[1] * XS[0][1] + bias
    [root] = [label for label, number in stepped.items() if label.startswith("t")
              and number == pytest.approx(v * math.tanh(act), rel=1e-5)]
    [other] = [label for label, number in stepped.items() if label.startswith("leaf")
               and number == pytest.approx(net[0][1][0][0], rel=1e-5)]
    r = chainrule("draw", script, "--root", root, "--highlight", other, "--out", "-")
    assert r.returncode == 2, r.stdout
    found = re.fullmatch(r"chainrule draw: highlight (\w+) = (\S+) is not in the graph of "
                         r"(\w+) = (\S+)\n", r.stderr)
    assert found, r.stderr
    assert (found[1], found[3]) == (other, root)
    assert float(found[2]) == pytest.approx(stepped[other], rel=1e-5)
    assert float(found[4]) == pytest.approx(stepped[root], rel=1e-5)


def test_explain_latex_defines_the_labels_it_uses_and_reads_back(script, stepped):
    """explain --latex --root (v·tanh(act), written out over t_{J}) printed t_{J} and
    \\mathit{leaf}_{K} with nothing saying what they are.  It now ends ', \\quad \\text{where }
    t_{J} = ...', and check reads it back.  Oracles: the steps' labels and numbers, and by
    hand ∂(v·tanh(act))/∂w0 = v·(1 − tanh²(act))·x0."""
    net = weights()
    (w, bias), v = net[0][0], net[1][0][0][0]
    act = w[0] * XS[0][0] + w[1] * XS[0][1] + bias
    [root] = [label for label, number in stepped.items() if label.startswith("t")
              and number == pytest.approx(v * math.tanh(act), rel=1e-5)]
    r = chainrule("explain", script, "--root", root, "--wrt", "leaf1", "--latex")
    assert r.returncode == 0, r.stderr
    latex = r.stdout.strip()
    formula, where = latex.split(r", \quad \text{where } ")
    assert float(formula.rsplit(" = ", 1)[1]) == pytest.approx(
        v * (1 - math.tanh(act) ** 2) * XS[0][0], rel=1e-9)

    def labels(text):
        return {f"{'t' if t else 'leaf'}{t or k}" for t, k in
                re.findall(r"t_\{(\d+)\}|\\mathit\{leaf\}_\{(\d+)\}", text)}
    definitions = dict(d.split(" = ", 1) for d in where.split(r", \; "))
    defined = {next(iter(labels(left))) for left in definitions}
    assert labels(formula) and labels(formula) <= defined, latex
    for left, right in definitions.items():
        [label] = labels(left)
        if label.startswith("leaf"):
            assert float(right) == pytest.approx(stepped[label], rel=1e-5), left
    back = chainrule("check", script, "--root", root, "--wrt", "leaf1", "--formula", latex)
    assert back.returncode == 0 and back.stdout.startswith("Agrees"), back.stdout + back.stderr


def test_a_label_a_definition_uses_is_defined_too():
    """check(L, a, -1.0) of L = tanh(a·b + c)·a ended 'Here t3 = tanh(leaf1·leaf2+leaf3);
    leaf1 = 0.5 (an unnamed leaf).', and explain's LaTeX '\\text{where } t_{2} =
    \\mathit{leaf}_{1} \\cdot \\mathit{leaf}_{2}+\\mathit{leaf}_{3}, ...' with no leaf_{3}:
    a leaf only a definition used was never said (a derived node a definition uses keeps
    its label alone, or a network's whole graph would be defined: test_unnamed's 2-3-1
    network).  Oracles: by hand, a·b + c = 0, so
    ∂L/∂a = b·(1 − tanh²(0))·a + tanh(0) = -1.5 and ∂L/∂b = a·a = 0.25; the leaves'
    numbers, which the steps print for the labels."""
    from autograd import Value, backward_steps, check, explain
    a, b, c = Value(0.5), Value(-3.0), Value(1.5)
    L = (a * b + c).tanh() * a
    steps = "\n".join(map(str, backward_steps(L)))
    assert "t1 = leaf1 × leaf2 = -1.5" in steps and "t2 = t1 + leaf3 = 0" in steps
    numbers = {"leaf1": 0.5, "leaf2": -3.0, "leaf3": 1.5}
    for wrt, typed, engine in ((a, -1.0, -1.5), (a, "-1.50", -1.5), (b, 0.2, 0.25)):
        verdict = check(L, wrt, typed)
        assert verdict.engine == pytest.approx(engine, rel=1e-15)
        used, defined = labels_and_definitions(verdict.text())
        for definition in defined.values():
            used |= set(re.findall(LABEL, definition))
        assert "leaf3" in used and used <= set(defined), verdict.text()
        for label in used & set(numbers):
            assert defined[label] == f"{numbers[label]:g} (an unnamed leaf)"
    latex = explain(L, a).latex()
    formula, where = latex.split(r", \quad \text{where } ")
    assert float(formula.rsplit(" = ", 1)[1]) == -1.5

    def labels(text):
        return {f"{'t' if t else 'leaf'}{t or k}" for t, k in
                re.findall(r"t_\{(\d+)\}|\\mathit\{leaf\}_\{(\d+)\}", text)}
    definitions = dict(d.split(" = ", 1) for d in where.split(r", \; "))
    defined = {next(iter(labels(left))) for left in definitions}
    assert "leaf3" in labels(latex) and labels(latex) <= defined, latex
    for left, right in definitions.items():
        [label] = labels(left)
        if label in numbers:
            assert float(right) == numbers[label], left
    assert check(L, a, latex)

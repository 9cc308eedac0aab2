"""backward_steps(), breakpoint_at and register_hook on worked examples 000 and 003, by hand.

Seed 000: the 1-1-1 sigmoid network with one bias b shared by both neurons,
    net1 = w1·x + b,  h = σ(net1),  net2 = w2·h + b,  y' = σ(net2),
    e = y - y',  L = ½ e²   (x = 0.5, y = 1, w1 = 0.4, w2 = -0.7, b = 0.1).
By hand, with d2 = ∂L/∂net2 = -e·y'(1-y') and d1 = ∂L/∂net1 = h(1-h)·w2·d2:
    ∂L/∂w2 = h·d2,  ∂L/∂h = w2·d2,  ∂L/∂w1 = x·d1,  ∂L/∂b = d2 + d1.

Seed 003: O = σ(σ(σ(I w1+1) w2+1) w4 + σ(σ(I w1+1) w3+1) w5 + 1), every
weight 0.5, I = 1; h1 = σ(I w1 + 1) feeds both h2 and h3 (fan-in of two).
The asker's Desmos value ∂O/∂w1 = 0.0014291881022 is the published oracle.
"""

import math
import os
import subprocess
import sys
import textwrap

import pytest

from autograd import Value, backward_steps, dot, ops
from autograd.engine import topological_order
from conftest import assert_close, central_difference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------------------
# The two worked examples: graphs and hand-computed values
# ---------------------------------------------------------------------------

def seed000(x=0.5, y=1.0, w1=0.4, w2=-0.7, b=0.1):
    """Seed 000's graph; returns a dict of its nodes by name (plus 'pow' and 'L')."""
    n = {"x": Value(x, name="x"), "y": Value(y, name="y"),
         "w1": Value(w1, name="w1", kind="parameter"),
         "w2": Value(w2, name="w2", kind="parameter"),
         "b": Value(b, name="b", kind="parameter")}
    n["net1"] = dot([n["w1"]], [n["x"]], n["b"]).named("net1")
    n["h"] = n["net1"].sigmoid().named("h")
    n["net2"] = dot([n["w2"]], [n["h"]], n["b"]).named("net2")
    n["y'"] = n["net2"].sigmoid().named("y'")
    n["e"] = (n["y"] - n["y'"]).named("e")
    n["pow"] = n["e"] ** 2
    n["L"] = (0.5 * n["pow"]).named("L")
    return n


def hand000(x=0.5, y=1.0, w1=0.4, w2=-0.7, b=0.1):
    """Seed 000's forward values and gradients, from the formulas in the docstring."""
    net1 = w1 * x + b
    h = sigma(net1)
    net2 = w2 * h + b
    yo = sigma(net2)
    e = y - yo
    d2 = -e * yo * (1 - yo)
    d1 = h * (1 - h) * w2 * d2
    return dict(net1=net1, h=h, net2=net2, yo=yo, e=e, d2=d2, d1=d1,
                dh=w2 * d2, dw1=x * d1, dw2=h * d2, db=d2 + d1, dx=w1 * d1)


def seed003(w=0.5, I=1.0):
    n = {"I": Value(I, name="I")}
    for k in range(1, 6):
        n[f"w{k}"] = Value(w, name=f"w{k}", kind="parameter")
    n["h1"] = (n["I"] * n["w1"] + 1).sigmoid().named("h1")
    n["h2"] = (n["h1"] * n["w2"] + 1).sigmoid().named("h2")
    n["h3"] = (n["h1"] * n["w3"] + 1).sigmoid().named("h3")
    n["O"] = (n["h2"] * n["w4"] + n["h3"] * n["w5"] + 1).sigmoid().named("O")
    return n


def hand003(w=0.5, I=1.0):
    h1 = sigma(I * w + 1)
    h2 = h3 = sigma(h1 * w + 1)
    O = sigma(h2 * w + h3 * w + 1)
    dO = O * (1 - O)
    via_h2 = dO * w * h2 * (1 - h2) * w   # ∂O/∂zO · w4 · σ'(z2) · w2
    via_h3 = dO * w * h3 * (1 - h3) * w   # ∂O/∂zO · w5 · σ'(z3) · w3
    dh1 = via_h2 + via_h3
    return dict(h1=h1, O=O, via_h2=via_h2, via_h3=via_h3, dh1=dh1,
                dw1=dh1 * h1 * (1 - h1) * I)


# ---------------------------------------------------------------------------
# Order and contents
# ---------------------------------------------------------------------------

def record_rule_calls(monkeypatch):
    """Wrap every op's rule so each call logs (node, upstream): the engine's own order.

    (Hooks live on their nodes, so hooks other tests left on their own
    graphs do not change which path this graph's backward() takes.)
    """
    calls = []
    for op in ops.OPS.values():
        if op.backward is None:
            continue

        def logged(node, upstream, _rule=op.backward):
            calls.append((node, upstream))
            return _rule(node, upstream)
        monkeypatch.setattr(op, "backward", logged)
        if op.accumulate is not None:   # the fast path's in-place form of the same rule
            def logged_in_place(node, upstream, _add=op.accumulate):
                calls.append((node, upstream))
                return _add(node, upstream)
            monkeypatch.setattr(op, "accumulate", logged_in_place)
    return calls


@pytest.mark.parametrize("build", [seed000, seed003])
def test_steps_come_in_exactly_backwards_order(build, monkeypatch):
    nodes = build()
    root = nodes["L"] if "L" in nodes else nodes["O"]
    calls = record_rule_calls(monkeypatch)
    root.backward()
    engine_order = [node for node, _ in calls]
    calls.clear()
    steps = list(root.backward_steps())
    assert [s.node for s in steps] == engine_order
    assert len(engine_order) == len(set(engine_order)) == len(topological_order(root))
    assert [s.index for s in steps] == list(range(len(steps)))
    assert {s.total for s in steps} == {len(steps)}
    # every node's step comes after the steps of all the nodes computed from it
    position = {s.node: s.index for s in steps}
    for s in steps:
        for p in s.node.parents:
            if p in position:
                assert position[p] > s.index, f"{p} stepped before its child {s.node}"


def test_seed000_steps_against_hand_values():
    n, v = seed000(), hand000()
    steps = list(n["L"].backward_steps())
    assert [s.node for s in steps] == [n[k] for k in ("L", "pow", "e", "y'", "net2", "h", "net1")]
    assert [s.op for s in steps] == [ops.MUL, ops.POW, ops.SUB, ops.SIGMOID, ops.DOT,
                                     ops.SIGMOID, ops.DOT]
    expected_upstream = [1.0, 0.5, v["e"], -v["e"], v["d2"], v["dh"], v["d1"]]
    for s, want in zip(steps, expected_upstream):
        assert_close(s.upstream, want, rel=1e-13, what=f"upstream at {s.node}")

    net2 = steps[4]  # parents (w2, h, b): locals (h, w2, 1)
    assert [e.parent for e in net2.edges] == [n["w2"], n["h"], n["b"]]
    for e, local, total in zip(net2.edges, (v["h"], -0.7, 1.0), (v["dw2"], v["dh"], v["d2"])):
        assert_close(e.local, local, rel=1e-13, what=f"local of {e.parent}")
        assert_close(e.contribution, local * v["d2"], rel=1e-13)
        assert_close(e.grad_after, total, rel=1e-13)
        assert e.nth == 1
    sig = steps[3]
    assert_close(sig.edges[0].local, v["yo"] * (1 - v["yo"]), rel=1e-13)

    net1 = steps[6]  # parents (w1, x, b): b's second contribution completes ∂L/∂b
    w1_edge, x_edge, b_edge = net1.edges
    assert_close(w1_edge.grad_after, v["dw1"], rel=1e-13)
    assert_close(x_edge.grad_after, v["dx"], rel=1e-13)
    assert b_edge.nth == 2
    assert_close(b_edge.contribution, v["d1"], rel=1e-13)
    assert_close(b_edge.grad_after, v["db"], rel=1e-13)


def test_seed000_step_text_is_the_chain_rule_with_names_and_numbers():
    n, v = seed000(), hand000()
    steps = list(n["L"].backward_steps())
    f = "{:.4g}".format
    text = str(steps[4])
    assert text.splitlines()[0] == (
        f"step 5/7: net2 = w2·h + b = {f(v['net2'])}, net2.grad = {f(v['d2'])} (complete)")
    assert (f"h.grad += w2 * net2.grad = -0.7 * {f(v['d2'])} = {f(v['dh'])}"
            f"  (h.grad now {f(v['dh'])})") in text.splitlines()[2]
    assert f"w2.grad += h * net2.grad = {f(v['h'])} * {f(v['d2'])} = {f(v['dw2'])}" in text
    assert f"net2.grad += σ(net2)(1-σ(net2)) * y'.grad = {f(v['yo'] * (1 - v['yo']))}" in str(steps[3])
    # fan-in: the shared bias's second contribution says so and shows the sum
    fan_in = steps[6].lines()[2]
    assert fan_in == (f"b.grad += 1 * net1.grad = 1 * {f(v['d1'])} = {f(v['d1'])}  "
                      f"(second contribution to b: b.grad now {f(v['d2'])} + {f(v['d1'])}"
                      f" = {f(v['db'])})")
    # the constant 0.5 in L = 0.5 · e² has an edge but no line
    assert len(steps[0].edges) == 2 and len(steps[0].lines()) == 1


def test_seed003_fan_in_into_h1_matches_desmos():
    n, v = seed003(), hand003()
    steps = list(n["O"].backward_steps())
    into_h1 = [(s, e) for s in steps for e in s.edges if e.parent is n["h1"]]
    assert [e.nth for _, e in into_h1] == [1, 2]
    firsts = sorted(e.contribution for _, e in into_h1)
    for got, want in zip(firsts, sorted([v["via_h2"], v["via_h3"]])):
        assert_close(got, want, rel=1e-13)
    assert_close(into_h1[1][1].grad_after, v["dh1"], rel=1e-13)
    assert "second contribution to h1" in str(into_h1[1][0])
    h1_step = next(s for s in steps if s.node is n["h1"])
    assert h1_step.index > max(s.index for s, _ in into_h1)
    assert_close(h1_step.upstream, v["dh1"], rel=1e-13)
    assert_close(n["w1"].grad, v["dw1"], rel=1e-13)
    assert_close(n["w1"].grad, 0.0014291881022, rel=1e-10, what="the asker's Desmos value")
    # the asker's formula without w4·w2 and w5·w3 is 4 times too big
    assert_close(n["w1"].grad * 4, 0.00571675240882, rel=1e-10)


@pytest.mark.parametrize("build", [seed000, seed003])
def test_consuming_steps_leaves_exactly_backwards_grads(build):
    a, b = build(), build()
    root_a = a.get("L") or a["O"]
    root_b = b.get("L") or b["O"]
    root_a.backward()
    for _ in root_b.backward_steps():
        pass
    for name in a:
        assert a[name].grad == b[name].grad, name
    # and a second pass accumulates in the leaves the same way
    root_a.backward()
    for _ in root_b.backward_steps():
        pass
    for name in a:
        assert a[name].grad == b[name].grad, name


def test_steps_and_backward_call_the_same_rule_functions(monkeypatch):
    n = seed000()
    calls = record_rule_calls(monkeypatch)
    n["L"].backward()
    by_backward = [(node, up) for node, up in calls]
    calls.clear()
    steps = list(n["L"].backward_steps())
    # each step calls the node's rule once, with the upstream gradient, as backward() does
    assert calls == by_backward
    calls.clear()
    for step in steps:        # its text reads the locals from the op's vjp: no rule runs
        str(step)
    assert calls == []


def test_seed000_gradients_agree_with_finite_differences():
    n, v = seed000(), hand000()
    n["L"].backward()
    for name, key in (("w1", "dw1"), ("w2", "dw2"), ("b", "db"), ("x", "dx")):
        def loss(t, name=name):
            kw = {k: val for k, val in zip(("x", "y", "w1", "w2", "b"), (0.5, 1.0, 0.4, -0.7, 0.1))}
            kw[name] = t
            return seed000(**kw)["L"].data
        assert_close(n[name].grad, central_difference(loss, n[name].data), rel=1e-7, what=name)
        assert_close(n[name].grad, v[key], rel=1e-13, what=name)


# ---------------------------------------------------------------------------
# breakpoint_at through PYTHONBREAKPOINT
# ---------------------------------------------------------------------------

RECORDER = '''
import sys
RECORDED = []
GRADS = []

def record(*args, **kwargs):
    """A breakpoint hook: keep the Step the engine put in the caller's locals."""
    step = sys._getframe(1).f_locals["step"]
    RECORDED.append(step)
    GRADS.append({e.parent.name: e.parent.grad for e in step.edges})
    print(f"breakpoint: {step.node.name} upstream={step.upstream!r}", flush=True)
'''


@pytest.fixture
def recorder(tmp_path, monkeypatch):
    """PYTHONBREAKPOINT=chainrule_bp_recorder.record, with the default hook that reads it."""
    (tmp_path / "chainrule_bp_recorder.py").write_text(RECORDER)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "breakpointhook", sys.__breakpointhook__)
    monkeypatch.setenv("PYTHONBREAKPOINT", "chainrule_bp_recorder.record")
    sys.modules.pop("chainrule_bp_recorder", None)
    import chainrule_bp_recorder
    yield chainrule_bp_recorder
    sys.modules.pop("chainrule_bp_recorder", None)


def test_breakpoint_at_a_leaf_stops_when_its_gradient_is_complete(recorder):
    n, v = seed000(), hand000()
    n["L"].backward(breakpoint_at="b")
    (step,) = recorder.RECORDED
    assert step.node is n["net1"]            # the last node to send into b
    assert_close(recorder.GRADS[0]["b"], v["db"], rel=1e-13)   # b.grad at the breakpoint
    assert_close(step.edges[2].grad_after, v["db"], rel=1e-13)


def test_breakpoint_at_a_list_of_names_and_values(recorder):
    n, v = seed000(), hand000()
    n["L"].backward(breakpoint_at=[n["h"], "w2"])
    steps = recorder.RECORDED
    assert [s.node for s in steps] == [n["net2"], n["h"]]   # w2 is complete after net2's step
    assert_close(steps[1].upstream, v["dh"], rel=1e-13)
    assert_close(n["w1"].grad, v["dw1"], rel=1e-13)         # the pass still finished


def test_pythonbreakpoint_0_disables_breakpoint_at(recorder, monkeypatch):
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")
    n, v = seed000(), hand000()
    n["L"].backward(breakpoint_at="w1")
    assert recorder.RECORDED == []
    assert_close(n["w1"].grad, v["dw1"], rel=1e-13)


@pytest.mark.parametrize("setting, stops", [("chainrule_bp_recorder.record", True), ("0", False)])
def test_pythonbreakpoint_in_a_fresh_interpreter(tmp_path, setting, stops):
    (tmp_path / "chainrule_bp_recorder.py").write_text(RECORDER)
    script = tmp_path / "bp_script.py"
    script.write_text(textwrap.dedent('''
        import sys
        sys.path.insert(0, sys.argv[1])
        from test_step_api import seed000
        n = seed000()
        n["L"].backward(breakpoint_at="h")
        print(f"w1.grad={n['w1'].grad!r}")
    '''))
    env = dict(os.environ, PYTHONBREAKPOINT=setting,
               PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT, os.path.join(ROOT, "tests")]))
    out = subprocess.run([sys.executable, str(script), os.path.join(ROOT, "tests")], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    v = hand000()
    lines = out.stdout.splitlines()
    if stops:
        assert lines[0].startswith("breakpoint: h upstream=")
        assert_close(float(lines[0].split("=")[1]), v["dh"], rel=1e-13)
    else:
        assert not any(line.startswith("breakpoint") for line in lines)
    assert_close(float(lines[-1].split("=")[1]), v["dw1"], rel=1e-13)


# ---------------------------------------------------------------------------
# register_hook
# ---------------------------------------------------------------------------

def test_hook_on_h_sees_dL_dh_and_can_replace_it():
    n, v = seed000(), hand000()
    seen = []
    handle = n["h"].register_hook(lambda g: seen.append(g) or 2.0 * g)
    n["L"].backward()
    handle.remove()
    assert len(seen) == 1
    assert_close(seen[0], v["dh"], rel=1e-13)
    # what flows on from h doubles; w2 and the net2 path into b do not see it
    assert_close(n["w1"].grad, 2 * v["dw1"], rel=1e-13)
    assert_close(n["w2"].grad, v["dw2"], rel=1e-13)
    assert_close(n["b"].grad, v["d2"] + 2 * v["d1"], rel=1e-13)


def test_hook_on_the_shared_bias_runs_once_with_both_contributions():
    n, v = seed000(), hand000()
    seen = []
    handle = n["b"].register_hook(seen.append)   # returns None: the gradient stays
    n["L"].backward()
    handle.remove()
    assert len(seen) == 1
    assert_close(seen[0], v["db"], rel=1e-13)
    assert_close(n["b"].grad, v["db"], rel=1e-13)


def _raise(grad):
    raise RuntimeError("a hook that raises")


@pytest.mark.parametrize("stop", ["close", "hook", "anomaly"])
def test_a_stopped_pass_puts_every_grad_back(stop):
    """After a complete backward() every grad is seed 000's hand value; a second pass
    closed after two steps, stopped by a hook or by detect_anomaly leaves all of
    them there, derived nodes (net2, h, e) included, not only the leaves."""
    import autograd
    n, v = seed000(), hand000()
    n["L"].backward()
    want = {"w1": v["dw1"], "w2": v["dw2"], "b": v["db"], "h": v["dh"], "net2": v["d2"],
            "net1": v["d1"], "e": v["e"]}
    if stop == "close":
        steps = n["L"].backward_steps()
        next(steps), next(steps), next(steps)
        steps.close()
    elif stop == "hook":
        n["e"].register_hook(_raise)
        with pytest.raises(RuntimeError, match="a hook that raises"):
            n["L"].backward()
    else:
        n["e"].register_hook(lambda g: math.inf)
        with autograd.detect_anomaly(), pytest.raises(FloatingPointError):
            n["L"].backward()
    for name, value in want.items():
        assert_close(n[name].grad, value, rel=1e-13, what=name)


def test_breakpoint_at_an_unnamed_node_by_its_label_in_the_steps(recorder):
    """micrograd style: q = a*b has no name; the steps call it t-something, and
    breakpoint_at takes that label.  By hand: ∂L/∂q = 1 - tanh²(q + a), q + a = -4."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    q = a * b
    L = (q + a).tanh()
    L.label = "L"
    (shown,) = [s.labels(q) for s in L.backward_steps() if s.node is q]
    assert shown.startswith("t")
    L.backward(breakpoint_at=shown)
    (step,) = recorder.RECORDED
    assert step.node is q
    assert_close(step.upstream, 1 - math.tanh(-4.0) ** 2, rel=1e-13)


def test_a_second_contribution_of_inf_shows_the_gradient_it_was_added_to():
    """y = √z + (-1)·z at z = 0: by hand ∂y/∂z = 1/(2√0) + (-1) = inf (PyTorch: inf).
    The fan-in line used to read "z.grad now nan + inf" (inf - inf for the sum before)."""
    z = Value(0.0, label="z")
    y = (z.sqrt() + z * -1.0).named("y")
    edges = [e for s in y.backward_steps() for e in s.edges if e.parent is z]
    assert [e.contribution for e in edges] == [-1.0, math.inf]
    assert edges[1].grad_before == -1.0 and edges[1].grad_after == math.inf
    lines = [line for s in y.backward_steps() for line in s.lines()]   # a second pass
    assert lines[-1].endswith("(second contribution to z: z.grad now -1 + inf = inf; the inf "
                              "it held before this pass is added as the pass ends)")


def test_a_contribution_calls_an_unnamed_parent_as_the_step_does():
    """``p step.edges`` in pdb: the parent q = a·a is t1 in the step's text, so in
    the Contribution's repr too (it read '<mul 4>').  By hand: ∂t2/∂q = 1."""
    a = Value(2.0, label="a")
    q = a * a
    L = (q + 1).tanh()
    L.label = "L"
    (step,) = [s for s in L.backward_steps() if q in [e.parent for e in s.edges]]
    shown = step.labels(q)
    assert f"{shown}.grad += 1 * " in str(step)
    assert repr(step.edges[0]).startswith(f"Contribution(parent={shown!r}, local=1.0, ")


def test_micrograd_labels_that_spell_expressions_are_bracketed_in_the_steps():
    """micrograd's lecture labels intermediate nodes by their expression ('a+b').  A step
    line read as arithmetic must give the number it shows: ∂L/∂c for L = 2·((a+b)·c) is
    2(a+b) = -2 by hand, but 'c.grad += a+b * d.grad' reads as a + b·2 = -4."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    s = a + b
    s.label = "a+b"
    d = s * c
    d.label = "d"
    L = (d * 2.0).named("L")
    step = next(st for st in L.backward_steps() if st.node is d)
    line = next(row for row in step.lines() if row.startswith("c.grad"))
    said = line.split(" += ")[1].split(" = ")[0]
    assert said == "(a+b) * d.grad"
    assert eval(said.replace("d.grad", "2.0").replace("a", "2.0").replace("b", "-3.0")) == -2.0
    assert ": d = (a+b) × c = -10, d.grad = 2" in step.text().split("\n")[0]
    head = next(st for st in L.backward_steps() if st.node is s).text().split("\n")
    assert "(a+b).grad = 20" in head[0] and "  a.grad += 1 * (a+b).grad = 1 * 20 = 20  (a.grad now 20)" in head


def test_a_step_read_after_the_numbers_changed_still_multiplies_out():
    """Steps kept and printed after an optimiser moved a weight: each line's local
    derivative is the one of the pass (∂z/∂x = w = -0.3 when it ran), so local × upstream
    is the contribution it added.  Oracle: by hand, z = x·w = -0.15, σ'(z) = 0.24862,
    ∂y/∂x = w·σ'(z) = -0.074586."""
    x, w = Value(0.5, name="x"), Value(-0.3, name="w", kind="parameter")
    y = (x * w).named("z").sigmoid().named("y")
    steps = list(y.backward_steps())
    w.data = 2.0                                      # as opt.step() would
    text = str(steps[1])
    assert "x.grad += w * z.grad = -0.3 * 0.2486 = -0.07458" in text, text
    assert steps[1].edges[0].local == -0.3
    assert math.isclose(steps[1].edges[0].contribution, -0.3 * 0.24862, rel_tol=1e-4)


def test_a_wide_dot_step_writes_each_rule_once_over_its_operands(monkeypatch):
    """A dot over 2n operands (a 784-input neuron is 1,569): each weight's rule is its
    input and each input's its weight (∂(Σ w_i x_i + b)/∂w_i = x_i, by hand), and the
    step writes the operands a number of times linear in n (it was n² per step: ten
    seconds for one step of a 784-30-10 network).  Counts calls, not time."""
    import autograd.notation as notation
    n = 300
    ws = [Value(0.01 * i, f"w{i}") for i in range(1, n + 1)]
    xs = [Value(1.0 + i, f"x{i}") for i in range(1, n + 1)]
    z = dot(ws, xs, Value(0.5, "b"))
    z.name = "z"
    loss = z.tanh()
    calls = []
    real = notation.operand
    monkeypatch.setattr(notation, "operand", lambda *a: calls.append(1) or real(*a))
    step = list(backward_steps(loss))[-1]
    lines = step.lines()
    assert len(lines) == 2 * n + 1
    delta = 1.0 - math.tanh(z.data) ** 2
    assert lines[0].startswith(f"w1.grad += x1 * z.grad = 2 * {delta:.4g}")
    assert lines[n].startswith(f"x1.grad += w1 * z.grad = 0.01 * {delta:.4g}")
    assert lines[-1].startswith("b.grad += 1 * z.grad")
    assert len(calls) <= 5 * n, len(calls)   # (2n + 1) operands, each written twice

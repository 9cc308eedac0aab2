"""`python -m pdb` driven non-interactively through seed 000 (demos/_pdb_example.py).

A breakpoint on the rule ``autograd.ops.sigmoid_backward`` lands in a frame of
that name whose locals are ``node``, ``upstream``, ``a``, ``local``; the values
pdb prints must be the hand-computed ones (see test_step_api.hand000).
"""

import ast
import os
import re
import subprocess
import sys

import pytest

from test_step_api import hand000

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "demos", "_pdb_example.py")

COMMANDS = [
    "import autograd.ops",                       # so that pdb can resolve the dotted name
    "break autograd.ops.sigmoid_backward",
    "continue",                                  # first σ to be differentiated: y' = σ(net2)
    "where",
    "p node.name",
    "p upstream",
    "next",
    "next",
    "p a",
    "p local",
    "up",                                        # the backward loop that called the rule
    "p node.name",
    "continue",                                  # second σ: h = σ(net1)
    "p node.name",
    "p upstream",
    "clear 1",
    "continue",
    "quit",
]


def run_pdb(commands):
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONBREAKPOINT", None)
    r = subprocess.run([sys.executable, "-m", "pdb", EXAMPLE], input="\n".join(commands) + "\n",
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    # the answer to command i is the text between the (i+1)-th and (i+2)-th prompt
    answers = r.stdout.split("(Pdb) ")[1:]
    return r, dict(zip(range(len(commands)), answers))


def test_pdb_session_shows_named_rule_frames_and_hand_values():
    v = hand000()
    r, answers = run_pdb(COMMANDS)
    assert r.returncode == 0, r.stderr

    def answer(i):
        return answers[i].strip()

    assert re.search(r"Breakpoint 1 at .*autograd[/\\]ops\.py:\d+", answer(1))
    assert re.search(r"ops\.py\(\d+\)sigmoid_backward\(\)", answer(2))
    where = answer(3)
    frames = re.findall(r"\(\d+\)([\w<>]+)\(\)", where)
    # the call chain from the script to the rule, innermost last
    assert frames[-5:] == ["<module>", "backward", "backward", "backward_pass", "sigmoid_backward"], where
    assert "L.backward()" in where and "engine.py" in where
    assert answer(4) == '"y\'"'
    assert float(answer(5)) == pytest.approx(-v["e"], rel=1e-13)          # ∂L/∂y'
    assert float(answer(8)) == pytest.approx(v["yo"], rel=1e-13)          # a = y'
    assert float(answer(9)) == pytest.approx(v["yo"] * (1 - v["yo"]), rel=1e-13)  # σ'(net2)
    assert re.search(r"engine\.py\(\d+\)backward_pass\(\)", answer(10))
    assert answer(11) == '"y\'"'
    assert answer(13) == "'h'"
    assert float(answer(14)) == pytest.approx(v["dh"], rel=1e-13)         # ∂L/∂h = w2·d2
    # the script ran to the end and printed the gradients the engine computed
    grads = dict(re.findall(r"dL/d(\w+) = (\S+)", r.stdout))
    assert float(grads["w1"]) == pytest.approx(v["dw1"], rel=1e-11)
    assert float(grads["b"]) == pytest.approx(v["db"], rel=1e-11)


def test_breakpoint_at_opens_pdb_with_the_step_in_a_local(tmp_path):
    """backward(breakpoint_at="h") with the default hook: the real pdb, `step` in its locals."""
    v = hand000()
    script = tmp_path / "stop_at_h.py"
    script.write_text(
        "import runpy, sys\n"
        f"ns = runpy.run_path({os.path.join(ROOT, 'tests', 'test_step_api.py')!r})\n"
        "n = ns['seed000']()\n"
        "n['L'].backward(breakpoint_at='h')\n"
        "print('w1.grad =', repr(n['w1'].grad))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.path.join(ROOT, "tests")]))
    env.pop("PYTHONBREAKPOINT", None)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT,
                       input="p step.node.name\np step.upstream\nprint(step)\ncontinue\n",
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    answers = [a.strip() for a in r.stdout.split("(Pdb) ")]
    assert re.search(r"engine\.py\(\d+\)stop_at\(\)", answers[0])
    assert answers[1] == "'h'"
    assert float(answers[2]) == pytest.approx(v["dh"], rel=1e-13)
    assert answers[3].startswith(f"step 6/7: h = σ(net1) = {v['h']:.4g}, h.grad = {v['dh']:.4g}")
    assert float(answers[4].split("=")[1]) == pytest.approx(v["dw1"], rel=1e-13)


# ---------------------------------------------------------------------------
# The pdb sessions shown in the docs are what pdb prints
# ---------------------------------------------------------------------------
#
# A ```text block of README.md or docs/*.md whose first line is `$ python ...` and that
# has `(Pdb) ` prompts is a pdb session: the command is run (in a folder with the
# document's `# file:` blocks and a link to demos/, see test_readme.py), every
# `(Pdb) COMMAND` is fed to pdb in order, and the lines shown after each prompt must be in
# pdb's answer to it (`...` stands for anything: paths, left-out lines, line numbers that
# differ between Python versions).  So a quoted line number (`ops.py(370)`, `until 22`)
# is checked by running it: a stale one fails here, with what pdb printed instead.

import shlex  # noqa: E402

from test_readme import DOCUMENTS, fences, file_name, find_shown, language  # noqa: E402


def pdb_sessions():
    found = []
    for doc in DOCUMENTS:
        for i, (info, body) in enumerate(fences(doc), 1):
            if language(info) == "text" and body.startswith("$ python") and "\n(Pdb) " in body:
                found.append(pytest.param(doc, body, id=f"{doc.name}-{i}"))
    return found


def parse_session(body):
    """(argv after `python`, shown lines before the first prompt, [(command, shown lines)])."""
    lines = body.splitlines()
    argv = shlex.split(lines[0][len("$ python"):].split("  #")[0])
    before, steps = [], []
    for line in lines[1:]:
        if line.startswith("(Pdb) "):
            steps.append((line[len("(Pdb) "):].split("  #")[0].strip(), []))
        elif steps:
            steps[-1][1].append(line)
        else:
            before.append(line)
    return argv, before, steps


def test_the_docs_show_the_pdb_sessions():
    shown = {p.values[0].name for p in pdb_sessions()}
    assert {"stepping.md", "jit.md"} <= shown, shown


@pytest.mark.parametrize("doc, body", pdb_sessions())
def test_pdb_session_in_the_docs_is_what_pdb_prints(doc, body, tmp_path):
    argv, before, steps = parse_session(body)
    for info, block in fences(doc):
        if language(info) == "python" and file_name(block):
            (tmp_path / file_name(block)).write_text(block, encoding="utf-8")
    (tmp_path / "demos").symlink_to(os.path.join(ROOT, "demos"), target_is_directory=True)
    commands = [command for command, _ in steps]
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONBREAKPOINT", None)
    r = subprocess.run([sys.executable, *argv], input="\n".join(commands + ["quit"]) + "\n",
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    answers = r.stdout.split("(Pdb) ")
    find_shown(before, answers[0], f"{doc.name}: `python {' '.join(argv)}` first stop")
    for i, (command, shown) in enumerate(steps, 1):
        if re.match(r"(until|unt|break|b|tbreak|jump|j)\s+\S*\d", command):
            assert shown, f"{doc.name}: `{command}` quotes a line number but shows no output to check"
        answer = answers[i] if i < len(answers) else ""
        find_shown(shown, answer, f"{doc.name}: pdb's answer to `{command}`")


# ---------------------------------------------------------------------------
# A rule's breakpoint during a watched pass (breakpoint_at, hooks, backward_steps)
# ---------------------------------------------------------------------------

def run_script_in_pdb(tmp_path, body, commands):
    """pdb's answers to ``commands`` on a script that builds seed 000's graph as ``n``."""
    script = tmp_path / "watched.py"
    script.write_text(
        "import runpy\n"
        f"ns = runpy.run_path({os.path.join(ROOT, 'tests', 'test_step_api.py')!r})\n"
        "n = ns['seed000']()\n" + body)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.path.join(ROOT, "tests")]))
    env.pop("PYTHONBREAKPOINT", None)
    r = subprocess.run([sys.executable, "-m", "pdb", str(script)],
                       input="\n".join(commands + ["quit"]) + "\n",
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return [a.strip() for a in r.stdout.split("(Pdb) ")]


@pytest.mark.parametrize("body", [
    "n['L'].backward(breakpoint_at='L')\n",
    "n['h'].register_hook(lambda g: None)\nn['L'].backward()\n",
    "for step in n['L'].backward_steps():\n    pass\n",
    "for step in n['L'].backward_steps():\n    print(step)\n",
], ids=["breakpoint_at", "hook", "backward_steps", "printed_steps"])
def test_a_rule_breakpoint_stops_once_per_node_with_its_upstream(tmp_path, body):
    """`break autograd.ops.sigmoid_backward` in a watched pass stops at y' then h, each
    with its upstream ∂L/∂y' = y' − y and ∂L/∂h = w2·δ2, as in backward(); never a
    second time with upstream 1.0.  Oracle: the hand formulas of hand000."""
    v = hand000()
    commands = ["import autograd.ops", "break autograd.ops.sigmoid_backward"]
    stops = 3      # enough for a third call, if the rule were called more than once per node
    if "breakpoint_at" in body:
        commands.append("continue")             # the stop at L, before any σ
    for _ in range(stops):
        commands += ["continue", "p (node.name, upstream)"]
    answers = run_script_in_pdb(tmp_path, body, commands)
    seen = [ast.literal_eval(a.splitlines()[0]) for a in answers if a.startswith("(")]
    assert [name for name, _ in seen] == ["y'", "h"], answers
    assert [upstream for _, upstream in seen] == [pytest.approx(-v["e"], rel=1e-13),
                                                  pytest.approx(v["dh"], rel=1e-13)]


@pytest.mark.parametrize("target, key", [("w1", "dw1"), ("b", "db"), ("h", "dh"), ("L", None)])
def test_breakpoint_at_names_the_node_whose_gradient_is_complete(tmp_path, target, key):
    """At a breakpoint_at stop the local ``node`` is the node asked for, a leaf included
    (whose step is another node's: step.node is net1 for w1), with its gradient of this
    pass; pdb shows a line of the stop, not a --Return--.  Oracle: hand000's formulas
    (∂L/∂w1 = x·δ1, ∂L/∂b = δ2 + δ1, ∂L/∂h = w2·δ2, ∂L/∂L = 1)."""
    v = hand000()
    answers = run_script_in_pdb(
        tmp_path, f"n['L'].backward(breakpoint_at={target!r})\n",
        ["continue", "p node.name", "p node.grad", "continue"])
    assert "stop_at()" in answers[1] and "--Return--" not in answers[1], answers[1]
    assert answers[2] == repr(target)
    assert float(answers[3]) == pytest.approx(v[key] if key else 1.0, rel=1e-13)


def test_breakpoint_at_a_leaf_root(tmp_path):
    """The root is a leaf: the stop has ``node`` (the root, ∂r/∂r = 1) and no step."""
    answers = run_script_in_pdb(
        tmp_path, "r = n['w1']\nr.backward(breakpoint_at=r)\n",
        ["continue", "p node.name, node.grad, step", "continue"])
    assert answers[2] == "('w1', 1.0, None)"


def test_step_from_backward_reaches_the_first_rule_through_chainrule_frames_only(tmp_path):
    """`s` from the line `L.backward()` goes down value.py and engine.py to the first rule,
    σ' of y' = σ(net2), with no frame of the standard library on the way (a learner
    stepping in should not land in weakref's code).  Oracle: the hand value ∂L/∂y' = y' − y."""
    v = hand000()
    body = "breakpoint()\nn['L'].backward()\n"
    answers = run_script_in_pdb(tmp_path, body, ["continue"] + ["step"] * 400)
    frames, steps = [], 0
    for answer in answers[2:]:
        steps += 1
        where = re.search(r"^> (.*?)\(\d+\)(\w+|<\w+>)\(\)", answer, re.M)
        if where:
            frames.append((os.path.basename(where.group(1)), where.group(2)))
            if where.group(2) == "sigmoid_backward":
                break
    assert frames[-1] == ("ops.py", "sigmoid_backward"), frames
    files = {f for f, _ in frames}
    assert files <= {"watched.py", "value.py", "engine.py", "graph.py", "floats.py", "ops.py"}, frames
    answers = run_script_in_pdb(tmp_path, body, ["continue"] + ["step"] * steps +
                                ["p node.name, upstream"])
    shown = [a for a in answers if a.startswith("(")]           # the answer to p
    name, upstream = ast.literal_eval(shown[-1].splitlines()[0])
    assert name == "y'" and upstream == pytest.approx(-v["e"], rel=1e-13)


def test_the_stop_says_how_to_reach_the_scripts_names(tmp_path):
    """At a breakpoint_at stop the script's variables are 4 frames up, and the line pdb
    shows says so; there `w1.grad` is -0.0 (no contribution yet: the pass's sums start
    at -0.0) and `b.grad` is its first contribution δ2 = ∂L/∂net2.  Oracle: hand000."""
    v = hand000()
    answers = run_script_in_pdb(tmp_path, "n['L'].backward(breakpoint_at='h')\n",
                                ["continue", "up 4", "p n['w1'].grad, n['b'].grad", "continue"])
    assert "up 4" in answers[1], answers[1]
    assert re.search(r"watched\.py\(\d+\)<module>\(\)", answers[2]), answers[2]
    w1_grad, b_grad = ast.literal_eval(answers[3].splitlines()[0])
    assert str(w1_grad) == "-0.0" and b_grad == pytest.approx(v["d2"], rel=1e-13)

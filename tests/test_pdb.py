"""`python -m pdb` driven non-interactively through seed 000 (demos/_pdb_example.py).

A breakpoint on the rule ``autograd.ops.sigmoid_backward`` lands in a frame of
that name whose locals are ``node``, ``upstream``, ``a``, ``local``; the values
pdb prints must be the hand-computed ones (see test_step_api.hand000).
"""

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
    assert frames[-5:] == ["<module>", "backward", "backward", "_backward_fast", "sigmoid_backward"], where
    assert "L.backward()" in where and "engine.py" in where
    assert answer(4) == '"y\'"'
    assert float(answer(5)) == pytest.approx(-v["e"], rel=1e-13)          # ∂L/∂y'
    assert float(answer(8)) == pytest.approx(v["yo"], rel=1e-13)          # a = y'
    assert float(answer(9)) == pytest.approx(v["yo"] * (1 - v["yo"]), rel=1e-13)  # σ'(net2)
    assert re.search(r"engine\.py\(\d+\)_backward_fast\(\)", answer(10))
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

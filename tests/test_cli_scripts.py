"""The ``chainrule`` command on scripts written the way learners write them."""

import math
import os
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAINRULE = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]


def chainrule(*args, cwd=ROOT, stdin=""):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([*CHAINRULE, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def script(tmp_path, text, name="learner.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


MAIN = """\
    from autograd import Value

    def main():
        x = Value(3.0)
        w = Value(0.5)
        y = (x * w).tanh()
        y.backward()
        print("grad", w.grad)

    if __name__ == "__main__":
        main()
    """


def test_the_locals_of_main_name_the_nodes(tmp_path):
    path = script(tmp_path, MAIN)
    expected = 3.0 * (1 - math.tanh(1.5) ** 2)       # d tanh(xw)/dw = x (1 - tanh²)
    r = chainrule("check", path, "--wrt", "w", "--expected", f"{expected:.10g}")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Agrees") and "∂y/∂w" in r.stdout
    r = chainrule("explain", path, "--wrt", "x")
    assert r.returncode == 0, r.stderr
    assert "x reaches y along 1 path" in r.stdout and "leaf" not in r.stdout


def test_a_local_shadows_the_global_of_the_same_name(tmp_path):
    path = script(tmp_path, """\
        from autograd import Value
        w = Value(10.0)

        def loss():
            w = Value(2.0)
            L = w * w * w
            L.backward()

        loss()
        """)
    r = chainrule("check", path, "--wrt", "w", "--expected", "12")     # 3 w² at w = 2
    assert r.returncode == 0, r.stdout + r.stderr


def test_step_exits_2_for_bad_usage_as_the_help_says(tmp_path):
    """`chainrule --help`: 1 is "does not agree", 2 "bad usage or a script that failed"."""
    path = script(tmp_path, MAIN)
    for args, stdin, why in [(("--stop-at", "nope"), "", "no node named 'nope'"),
                             ((), "b nope\n", "no node named 'nope'"),
                             ((), "xyz\n", "unknown command 'xyz'"),
                             ((), "", "")]:
        r = chainrule("step", path, *args, stdin=stdin)
        assert r.returncode == (2 if why else 0), (args, stdin, r.stderr)
        assert why in r.stderr and r.stderr.count("\n") <= 1
    r = chainrule("step", str(tmp_path / "missing.py"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1


ARGPARSE = """\
    import argparse
    from autograd import Value

    parser = argparse.ArgumentParser()
    parser.add_argument("w0", type=float)
    parser.add_argument("--power", type=int, default=2)
    args = parser.parse_args()
    w = Value(args.w0)
    L = w ** args.power
    L.backward()
    """


def test_the_scripts_own_arguments_go_after_double_dash(tmp_path):
    path = script(tmp_path, ARGPARSE)
    # L = w³ at w = 0.5: dL/dw = 3 w² = 0.75
    r = chainrule("check", path, "--wrt", "w", "--expected", "0.75", "--", "0.5", "--power", "3")
    assert r.returncode == 0, r.stderr
    r = chainrule("check", path, "--wrt", "w", "--expected", "0.5", "--", "0.5", "--power", "3")
    assert r.returncode == 1, r.stderr                     # the Next: line repeats the arguments
    assert "Next: chainrule explain" in r.stdout and "--wrt w -- 0.5 --power 3 lists" in r.stdout
    r = chainrule("draw", path, "--out", str(tmp_path / "g"), "--", "0.5")
    assert r.returncode == 0 and (tmp_path / "g.png").exists(), r.stderr
    r = chainrule("step", path, "--", "0.5", stdin="c\n")
    assert r.returncode == 0, r.stderr
    assert "  w.grad = 1.0\n" in r.stdout                  # 2 w at w = 0.5


def test_a_script_that_needs_arguments_says_where_they_go(tmp_path):
    path = script(tmp_path, ARGPARSE)
    r = chainrule("explain", path, "--wrt", "w")
    assert r.returncode == 2
    last = r.stderr.splitlines()[-1]          # above it: the script's own usage message
    assert last.startswith("chainrule explain: ") and "exited (code 2)" in last
    assert "give them after --" in last
    r = chainrule("ops", "--", "x")
    assert r.returncode == 2 and "takes no arguments after --: x" in r.stderr


def test_sys_exit_with_a_message_shows_the_message(tmp_path):
    path = script(tmp_path, "import sys\nsys.exit('usage: learner.py DATA')\n")
    r = chainrule("explain", path, "--wrt", "w", "--", "data.csv")
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1] == (f"chainrule explain: {path} exited (usage: "
                                         f"learner.py DATA) before calling .backward()")


def test_an_error_in_the_script_names_its_line(tmp_path):
    path = script(tmp_path, """\
        from autograd import Value

        def loss(v):
            return v.log()

        x = Value(-1.0)
        L = loss(x)
        L.backward()
        """)
    for command in ("explain", "draw", "step"):
        args = ("--wrt", "x") if command == "explain" else ()
        r = chainrule(command, path, *args)
        assert r.returncode == 2
        assert r.stderr.count("\n") == 1 and f"{path} line 4 raised ValueError: log" in r.stderr


def test_a_script_error_without_a_message_is_named_by_its_type(tmp_path):
    """raise RuntimeError() in the script read 'learner.py line 2 raised RuntimeError: '
    (an empty message after its colon), as a hook's error did before stepper.raised;
    it is the type alone, with the error's notes in brackets, as the hook's is."""
    path = script(tmp_path, """\
        err = RuntimeError()
        err.__notes__ = ["while loading"]   # err.add_note(...) from Python 3.11
        raise err
        """)
    r = chainrule("draw", path)
    assert r.returncode == 2
    assert r.stderr == f"chainrule draw: {path} line 3 raised RuntimeError (while loading)\n"


def test_a_matrix_given_for_one_node_says_so(tmp_path):
    path = script(tmp_path, MAIN)
    r = chainrule("check", path, "--wrt", "w", "--expected", "[[0.5, 0.1]]")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "'[[0.5, 0.1]]' is a matrix, but the gradient with respect to 'w'" in r.stderr
    assert "never closed" not in r.stderr


def test_a_written_path_is_shown_without_obeying_its_escapes(tmp_path):
    """A file name holding ESC[2J (clear the screen) is shown as ␛[2J, never sent raw."""
    path = script(tmp_path, MAIN, name="evil\x1b[2J.py")
    r = chainrule("draw", path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "evil\x1b[2J.png").exists()
    assert "\x1b" not in r.stdout and "evil␛[2J.png" in r.stdout
    r = chainrule("step", path, "--html", str(tmp_path / "p\x1b[2J.html"))
    assert r.returncode == 0 and "\x1b" not in r.stdout and "p␛[2J.html" in r.stdout
    r = chainrule("step", path, stdin="g \x1b[2Jpic\nq\n", cwd=tmp_path)
    assert r.returncode == 0 and "\x1b" not in r.stdout and "␛[2Jpic.png" in r.stdout


def large_graph_script(tmp_path):
    """A script whose graph has 401 nodes, over draw's and step's 300: x, then 100 times
    a ×, its constant, a + and its constant.  Returns (its path, the count)."""
    path = script(tmp_path, """\
        from autograd import Value
        x = Value(1.0)
        y = x
        for _ in range(100):
            y = y * 1.5 + 0.0
        y.backward()
        """)
    return path, 1 + 100 * 4


def test_draw_refuses_a_large_graph_with_an_option_that_draws_it(tmp_path):
    path, nodes = large_graph_script(tmp_path)
    r = chainrule("draw", path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert f"has {nodes} nodes" in r.stderr and f"--max-nodes {nodes}" in r.stderr
    r = chainrule("draw", path, "--max-nodes", str(nodes), "--format", "svg")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "learner.svg").read_text().count("<g id=\"node") > nodes


def test_a_script_that_changes_directory_does_not_move_the_outputs(tmp_path):
    """A script that chdirs to read its data file: the picture goes where the
    command line says, relative to where chainrule was started."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "xs.txt").write_text("1 2\n")
    script(tmp_path / "sub", """\
        import os
        from autograd import Value
        os.chdir(os.path.dirname(os.path.abspath(__file__)))
        xs = [float(t) for t in open("xs.txt").read().split()]
        w = Value(1.0)
        L = sum((w * x) ** 2 for x in xs)
        L.backward()
        """)
    r = chainrule("draw", "sub/learner.py", "--out", "pics/g", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "pics" / "g.png").exists() and not (tmp_path / "sub" / "pics").exists()
    r = chainrule("step", "sub/learner.py", "--html", "page.html", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "page.html").exists()
    r = chainrule("check", "sub/learner.py", "--wrt", "w", "--expected", "10", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr            # 2w(1² + 2²) at w = 1


def test_a_negative_value_in_e_notation_is_read_as_typed(tmp_path):
    """What print(w.grad) shows for a small negative gradient, pasted as it is."""
    path = script(tmp_path, """\
        from autograd import Value
        w = Value(-0.002)
        L = 0.5 * w * w * w
        L.backward()
        """)
    grad = 1.5 * 0.002 ** 2                         # dL/dw = 1.5 w² = 6e-06
    r = chainrule("check", path, "--wrt", "w", "--expected", repr(-grad))
    assert r.returncode == 1 and r.stdout.startswith("Disagrees: your value has the wrong sign")
    r = chainrule("check", path, "--wrt", "w", "--expected", repr(grad))
    assert r.returncode == 0, r.stderr
    r = chainrule("check", path, "--wrt", "w", "--formula", "-1.5*w*w")
    assert r.returncode == 1 and "your formula has the wrong sign" in r.stdout


def test_draw_out_a_folder_writes_the_picture_inside_it(tmp_path):
    path = script(tmp_path, MAIN)
    (tmp_path / "pics").mkdir()
    for out, written in [("pics", "pics/learner.svg"), ("new/", "new/learner.svg"),
                         ("new/g", "new/g.svg")]:
        r = chainrule("draw", path, "--out", out, "--format", "svg", cwd=tmp_path)
        assert r.returncode == 0 and r.stdout == f"wrote {written}\n", r.stderr
        assert (tmp_path / written).read_text().lstrip().startswith(("<?xml", "<svg"))
    assert not (tmp_path / "pics.svg").exists() and not (tmp_path / "new.svg").exists()


SEEDED = """\
    from autograd import Value
    x = Value(2.0)
    w = Value(3.0)
    y = x * w * x
    y.backward(3.0)
    """


def test_a_seed_other_than_one_is_said_with_the_grad_the_script_got(tmp_path):
    # y = x²·w: ∂y/∂w = x² = 4 by hand; the script's backward(3.0) leaves w.grad = 3·4 = 12
    path = script(tmp_path, SEEDED)
    for args in (["explain", path, "--wrt", "w"], ["check", path, "--wrt", "w", "--expected", "4"]):
        out = chainrule(*args)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines()[0].startswith(("∂y/∂w = 4 ", "Agrees"))
        note = out.stdout.splitlines()[-1]
        assert note.startswith("note: the script called backward(3)")
        assert "w.grad = 12" in note and "seed 1" in note


def test_seed_one_adds_no_note(tmp_path):
    path = script(tmp_path, SEEDED.replace("backward(3.0)", "backward()"))
    out = chainrule("explain", path, "--wrt", "w")
    assert out.returncode == 0 and "note:" not in out.stdout


TRAINED = """\
    import nn
    net = nn.MLP([2, 3, 1])
    nn.train(net, [[0.0, 1.0], [1.0, 0.0]], [1.0, 0.0], epochs=1, lr=0.1{extra})
    """


@pytest.mark.parametrize("extra", ["", ", jit=True", ", backend='numpy'"])
def test_nn_train_compiled_steps_are_named_as_why_no_backward(tmp_path, extra):
    pytest.importorskip("numpy")
    path = script(tmp_path, TRAINED.format(extra=extra))
    out = chainrule("explain", path, "--wrt", "w")
    assert out.returncode == 2 and out.stdout == ""
    line = out.stderr.splitlines()[-1]
    assert "never called .backward()" in line
    assert "nn.train's steps, builds no graph" in line and "jit=False" in line


def test_nn_train_eager_steps_are_caught(tmp_path):
    path = script(tmp_path, TRAINED.format(extra=", jit=False"))
    out = chainrule("draw", path, "--out", str(tmp_path / "g"), "--format", "svg")
    assert "never called" not in out.stderr


def test_the_seed_note_under_latex_is_a_latex_comment(tmp_path):
    out = chainrule("explain", script(tmp_path, SEEDED), "--wrt", "w", "--latex")
    assert out.returncode == 0
    assert out.stdout.splitlines()[-1].startswith("% note: the script called backward(3)")


def test_step_html_a_folder_gets_the_page_inside_it(tmp_path):
    """--html out/ wrote a file named out beside the folder; as --help says, a path
    ending in / is a folder, and the page is the script's name .html inside it."""
    path = script(tmp_path, MAIN)
    r = chainrule("step", path, "--html", str(tmp_path / "out") + os.sep)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert (tmp_path / "out" / "learner.html").read_text().startswith("<!DOCTYPE html>")


def test_a_value_reached_through_attributes_as_micrograds_mlp_holds_it(tmp_path, capsys):
    """micrograd's lecture keeps its weights in objects: n.layers[0].neurons[0].w[0].
    --wrt with that spelling said "no node named ...; named nodes: loss".  Oracle, by hand:
    out = tanh(w0·x0 + w1·x1 + b), loss = (out − y)², ∂loss/∂w_k = 2(out − y)(1 − out²)x_k."""
    from autograd.cli import main
    script = tmp_path / "lecture.py"
    script.write_text(
        "from autograd import Value\n"
        "class Neuron:\n"
        "    def __init__(self, ws, b):\n"
        "        self.w = [Value(w) for w in ws]\n"
        "        self.b = Value(b)\n"
        "    def __call__(self, x):\n"
        "        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()\n"
        "class Layer:\n"
        "    def __init__(self, neurons):\n"
        "        self.neurons = neurons\n"
        "class MLP:\n"
        "    def __init__(self, layers):\n"
        "        self.layers = layers\n"
        "n = MLP([Layer([Neuron([0.3, -0.8], 0.1)])])\n"
        "loss = (n.layers[0].neurons[0]([2.0, 0.5]) - 1.0) ** 2\n"
        "loss.backward()\n")
    out = math.tanh(0.3 * 2.0 - 0.8 * 0.5 + 0.1)
    hand = [2 * (out - 1.0) * (1 - out ** 2) * x for x in (2.0, 0.5)]
    w0 = "n.layers[0].neurons[0].w[0]"
    assert main(["check", str(script), "--wrt", w0, "--expected", f"{hand[0]:.6g}"]) == 0
    assert capsys.readouterr().out.startswith("Agrees to the 6 significant digits")
    assert main(["explain", str(script), "--wrt", w0]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith(f"∂loss/∂{w0} = ") and float(head.split()[2]) == pytest.approx(
        hand[0], rel=1e-11)
    typed = f"[{hand[0]:.6g}, {2 * hand[1]:.6g}]"
    assert main(["check", str(script), "--wrt", "n.layers[0].neurons[0].w", "--expected",
                 typed]) == 1
    assert "--wrt 'n.layers[0].neurons[0].w[1]' lists" in capsys.readouterr().out
    assert main(["draw", str(script), "--highlight", w0, "--format", "svg"]) == 0
    svg = (tmp_path / "lecture.svg").read_text()
    assert f"paths from {w0} to the root" in svg
    capsys.readouterr()
    for wrt, words in [("n.layers[3]", "n.layers[3] is not an entry of n.layers (1 entry"),
                       ("n.layer[0]", "n (MLP) has no attribute 'layer'"),
                       ("n.layers[0].__class__", "is private"),
                       ("m.layers[0]", "the script has no variable 'm'"),
                       ("n.layers[0]", "n.layers[0] is Layer, not a Value or a list of Values")]:
        assert main(["explain", str(script), "--wrt", wrt]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err


def test_draw_out_with_an_extension_writes_that_format(tmp_path):
    """``--out pic.svg`` wrote pic.svg.png; the extension now picks the format, and one
    that disagrees with --format is refused in one line before the script runs."""
    path = script(tmp_path, MAIN)
    r = chainrule("draw", path, "--out", "pic.svg", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "wrote pic.svg\n", r.stderr
    assert (tmp_path / "pic.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    r = chainrule("draw", path, "--out", "pic.pdf", "--format", "pdf", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "pic.pdf").read_bytes()[:5] == b"%PDF-"
    r = chainrule("draw", path, "--out", "other.svg", "--format", "png", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == ("chainrule draw: --out other.svg ends in .svg but --format is png; "
                        "give one of them\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".py") == ["pic.pdf",
                                                                                "pic.svg"]


def test_draw_max_nodes_below_one_is_refused_as_its_option(tmp_path):
    """--max-nodes 0 said "chainrule draw: draw: max_nodes must be a positive int", the
    Python keyword's name, after running the script; now argparse names the option."""
    path = script(tmp_path, MAIN)
    for given in ("0", "-5", "ten"):
        r = chainrule("draw", path, "--max-nodes", given, cwd=tmp_path)
        assert r.returncode == 2 and r.stdout == "", r.stderr
        assert r.stderr == (f"chainrule draw: error: argument --max-nodes: takes a whole number "
                            f"of nodes, at least 1; got {given!r} (see chainrule draw --help)\n")
        assert "grad" not in r.stderr    # the script did not run (it prints its grad)


def test_step_refuses_a_large_graph_with_an_option_that_draws_it(tmp_path):
    """`g` and --html on a graph over 300 nodes advised "chainrule draw: --max-nodes N",
    an option chainrule step did not have; step now takes it for g, --frames and --html."""
    path, nodes = large_graph_script(tmp_path)
    r = chainrule("step", path, stdin="g\n", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert f"has {nodes} nodes" in r.stderr and f"chainrule step: --max-nodes {nodes}" in r.stderr
    r = chainrule("step", path, "--max-nodes", str(nodes), "--format", "svg", stdin="g\nq\n",
                  cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "chainrule_step_000.svg").read_text().count("<g id=\"node") > nodes
    r = chainrule("step", path, "--html", "page.html", cwd=tmp_path)
    assert r.returncode == 2 and f"--max-nodes {nodes}" in r.stderr
    assert r.stderr.startswith("chainrule step: the graph of ") and "draw:" not in r.stderr
    r = chainrule("step", path, "--html", "page.html", "--max-nodes", str(nodes), cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "page.html").exists(), r.stderr


def test_a_notebook_is_refused_with_what_to_do(tmp_path):
    """A learner's .ipynb is JSON, which Python runs as one dict expression: the answer was
    "never called .backward()", though the notebook's cells do call it."""
    notebook = tmp_path / "lesson.ipynb"
    notebook.write_text('{"cells": [{"cell_type": "code", "source": ["L.backward()"]}]}')
    for command in (["step"], ["draw"], ["explain", "--wrt", "x"]):
        r = chainrule(*command, str(notebook))
        assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1, r.stderr
        assert "is a Jupyter notebook" in r.stderr and "jupyter nbconvert --to script" in r.stderr
        assert "never called" not in r.stderr


def test_script_arguments_without_double_dash_say_where_they_go(tmp_path):
    """`chainrule step learner.py data.csv` printed chainrule's top-level usage and
    "unrecognized arguments: data.csv"; the command's own usage now says where they go."""
    path = script(tmp_path, MAIN)
    for command in ("step", "draw", "explain"):
        extra = ["--wrt", "w"] if command == "explain" else []
        r = chainrule(command, path, *extra, "data.csv", "--lr", "0.5", cwd=tmp_path)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr == (
            f"chainrule {command}: error: unrecognized arguments: data.csv --lr 0.5; if they are "
            f"the script's, give them after --: chainrule {command} SCRIPT ... -- data.csv "
            f"--lr 0.5 (see chainrule {command} --help)\n")
    r = chainrule("ops", "extra")
    assert r.returncode == 2 and r.stderr == (
        "chainrule ops: error: unrecognized arguments: extra (see chainrule ops --help)\n")


@pytest.mark.parametrize("command", [["step", "SCRIPT"], ["explain", "SCRIPT", "--wrt", "w"],
                                     ["ops"]])
def test_a_terminal_that_cannot_show_greek_gets_escapes_not_a_traceback(tmp_path, command):
    """Output redirected on Windows (cp1252) or an ASCII locale cannot encode σ or ∂:
    every command ended in a UnicodeEncodeError traceback; such a character is now
    written as its escape (\\u03c3) and the answer is all there."""
    path = script(tmp_path, MAIN)
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONIOENCODING="ascii")
    argv = [path if word == "SCRIPT" else word for word in command]
    r = subprocess.run([*CHAINRULE, *argv], input=b"c\n", capture_output=True, cwd=ROOT, env=env,
                       timeout=120)
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr.decode()
    out = r.stdout.decode("ascii")
    assert re.search(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4})", out), out
    if command[0] != "ops":    # the same numbers as at a UTF-8 terminal: x (1 - tanh²) by hand
        expected = 3.0 * (1 - math.tanh(1.5) ** 2)
        assert f"{expected:.6g}"[:6] in out


def test_draw_errors_from_the_drawing_say_draw_once(tmp_path):
    """"chainrule draw: draw: highlight 'x' = 3.0 is not in the graph of t1": the library's
    own prefix doubled the command's."""
    path = script(tmp_path, MAIN)
    r = chainrule("draw", path, "--root", "t1", "--highlight", "w", "--max-nodes", "2")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("chainrule draw: ") and "draw: draw:" not in r.stderr


def lecture_then(steps):
    """micrograd's lecture graph L = (a·b + c)·f as tests/scripts/micrograd_lecture.py
    writes it, followed by ``steps`` in place of its L.backward() and draw_dot(L)."""
    with open(os.path.join(os.path.dirname(__file__), "scripts", "micrograd_lecture.py"),
              encoding="utf-8") as file:
        lecture = file.read()
    return lecture[:lecture.index("L.backward()")] + steps + "\n"


BY_HAND_STEPS = "L.grad = 1.0; L._backward(); d._backward(); e._backward(); a._backward()"


@pytest.mark.parametrize("command", ["explain", "step"])
def test_a_script_of_the_lectures_steps_by_hand_is_told_to_call_backward(tmp_path, command):
    """micrograd's lecture backpropagates L = (a·b + c)·f by hand, L.grad = 1.0 then
    _backward() node by node; such a script was told only 'never called .backward() on a
    Value, so there is no gradient to show'.  It is told it ran the steps by hand and to
    call L.backward() in their place, and doing so gives ∂L/∂a = b·f = 6 (by hand)."""
    path = script(tmp_path, lecture_then(BY_HAND_STEPS))
    out = chainrule(command, path, *(["--wrt", "a"] if command == "explain" else []))
    assert out.returncode == 2 and out.stdout == ""
    line = out.stderr.splitlines()[-1]
    assert "never called .backward()" in line and "_backward() node by node from L" in line
    assert "call L.backward() in place of those _backward() calls" in line
    advised = script(tmp_path, lecture_then("L.backward()"), "advised.py")
    out = chainrule("explain", advised, "--wrt", "a")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith(f"∂L/∂a = {-3.0 * -2.0:g} ")


def test_an_unnamed_root_stepped_by_hand_is_named_by_its_op(tmp_path):
    """The same steps on unnamed Values (o = tanh(x·w), o._backward() first) name the
    root's op, as there is no name to call it by."""
    path = script(tmp_path, """\
        from autograd import Value
        x, w = Value(2.0), Value(-3.0)
        o = (x * w).tanh()
        o.grad = 1.0
        o._backward()
        """)
    line = chainrule("draw", path, "--out", str(tmp_path / "g.svg")).stderr.splitlines()[-1]
    assert "_backward() node by node from a tanh node" in line
    assert "call .backward() on the root in place" in line


SIGMA_SECOND = """\
    from autograd import Value, grad

    z = Value(0.5, name="z")
    a = z.sigmoid()
    (d1,) = grad(a, z, create_graph=True)     # a has no name yet: d1 is called ∂f/∂z
    d1.backward()
    """


def test_a_second_derivative_of_a_script_output_named_after_grad_checks(tmp_path):
    """`chainrule check` names a script's variables once it has run, so the a of
    `(d1,) = grad(a, z, create_graph=True)` became the node a after grad() had called its
    gradient ∂f/∂z, and `--formula 'd²a/dz² = a(1-a)(1-2a)'` was refused: "the root must be
    the gradient ∂a/∂z (grad(a, z, create_graph=True)) ...; here the root is ∂f/∂z", the
    very call the script made.  Now ∂f/∂z is ∂a/∂z when a's gradient is its number.
    Oracle: σ''(z) = σ(1 - σ)(1 - 2σ) by hand at z = 0.5; z, a node of the graph whose
    ∂z/∂z = 1 is not the root's number, is still refused as the function differentiated."""
    path = script(tmp_path, SIGMA_SECOND)
    s = 1 / (1 + math.exp(-0.5))
    hand = s * (1 - s) * (1 - 2 * s)
    for lhs in ("d²a/dz²", r"\frac{d^2 a}{dz^2}", "∂²a/∂z²"):
        result = chainrule("check", path, "--wrt", "z", "--formula", f"{lhs} = a(1-a)(1-2a)")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith(f"Agrees with the engine's {hand:.12g}"), result.stdout
    wrong = chainrule("check", path, "--wrt", "z", "--formula", "d²a/dz² = a(1-a)(1+2a)")
    assert wrong.returncode == 1 and "has 1+2·a where the chain rule has 1-2·a" in wrong.stdout
    other = chainrule("check", path, "--wrt", "z", "--formula", "d²z/dz² = a(1-a)(1-2a)")
    assert other.returncode == 2
    assert "so the root must be the gradient ∂z/∂z" in other.stderr, other.stderr

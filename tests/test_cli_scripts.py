"""The ``chainrule`` command on scripts written the way learners write them."""

import math
import os
import subprocess
import sys
import textwrap

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

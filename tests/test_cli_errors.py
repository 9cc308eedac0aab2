"""The ``chainrule`` commands' errors: one line on stderr that names what was wrong
(the option, the name it was given), exit status 2, no traceback."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAINRULE = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]

SCRIPT = """\
from autograd import Value
a = Value(2.0, name="a"); b = Value(-3.0, name="b")
L = (a * b).named("L")
L.backward()
"""


def chainrule(tmp_path, command, *args, stdin=""):
    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([*CHAINRULE, command, str(script), *args], input=stdin, text=True,
                          capture_output=True, cwd=tmp_path, env=env, timeout=120)


def one_line(r):
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
    return r.stderr


def test_a_name_no_node_has_says_which_option_gave_it(tmp_path):
    """With --root and --wrt both given, "no node named 'nope'" did not say which was
    wrong; nor did --highlight or --stop-at."""
    for command, args, option in [
            ("explain", ("--wrt", "a", "--root", "nope"), "--root"),
            ("explain", ("--wrt", "nope", "--root", "L"), "--wrt"),
            ("check", ("--wrt", "nope", "--expected", "-3"), "--wrt"),
            ("draw", ("--highlight", "nope", "--root", "L"), "--highlight"),
            ("draw", ("--root", "nope", "--highlight", "a"), "--root"),
            ("step", ("--stop-at", "nope"), "--stop-at")]:
        err = one_line(chainrule(tmp_path, command, *args))
        assert f"{option}: no node named 'nope' in the graph of " in err, (command, args, err)
        assert "named nodes: L, a, b" in err


def test_a_usage_error_is_one_line_with_where_the_options_are(tmp_path):
    """argparse printed the command's usage (four lines for check) above its error."""
    for command, args, said in [
            ("check", ("--wrt", "a", "--expected", "-3", "--atol", "abc"),
             "argument --atol: invalid float value: 'abc'"),
            ("check", ("--expected", "-3"), "the following arguments are required: --wrt"),
            ("check", ("--wrt", "a", "--expected", "-3", "--formula", "b"),
             "argument --formula: not allowed with argument --expected"),
            ("step", ("--format", "jpg"), "argument --format: invalid choice: 'jpg'"),
            ("draw", ("--max-nodes", "0"), "argument --max-nodes: takes a whole number")]:
        err = one_line(chainrule(tmp_path, command, *args))
        assert err.startswith(f"chainrule {command}: error: {said}"), err
        assert err.endswith(f" (see chainrule {command} --help)\n"), err
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([*CHAINRULE, "bogus"], capture_output=True, text=True, env=env,
                       timeout=60)
    assert one_line(r).startswith("chainrule: error: argument COMMAND: invalid choice: 'bogus'")


def test_every_command_leads_its_errors_with_its_name(tmp_path):
    """explain and check said "chainrule: ..." and "chainrule: check: ...", where draw and
    step say "chainrule draw: ..."."""
    for command, args in [("explain", ("--wrt", "a")), ("check", ("--wrt", "a", "--expected", "6")),
                          ("step", ()), ("draw", ())]:
        r = subprocess.run([*CHAINRULE, command, str(tmp_path / "missing.py"), *args],
                           capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT),
                           timeout=60)
        assert one_line(r) == f"chainrule {command}: no such script: {tmp_path / 'missing.py'}\n"
    err = one_line(chainrule(tmp_path, "check", "--wrt", "a", "--expected", "-3", "--digits", "0"))
    assert err.startswith("chainrule check: --digits must be an int from 1 to 17"), err


def test_traceback_shows_where_in_the_scripts_own_code_it_raised(tmp_path):
    """There was no way to see more than "learner.py line 3 raised ...", the line of the
    script that called into its helper module; --traceback prints Python's traceback from
    the script's lines on (helper.py line 2, where log(-1) is), then the one line."""
    (tmp_path / "helper.py").write_text("def f(v):\n    return v.log()\n")
    script = tmp_path / "learner.py"
    script.write_text("from autograd import Value\nimport helper\n"
                      "y = helper.f(Value(-1.0, name='x'))\ny.backward()\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    for command, args in [("explain", ("--wrt", "x")), ("step", ()), ("draw", ())]:
        r = subprocess.run([*CHAINRULE, command, str(script), *args], capture_output=True,
                           text=True, env=env, timeout=60)
        assert one_line(r) == (f"chainrule {command}: {script} line 3 raised ValueError: log: "
                               f"input must be > 0, got 'x' = -1.0\n")
        r = subprocess.run([*CHAINRULE, command, str(script), *args, "--traceback"],
                           capture_output=True, text=True, env=env, timeout=60)
        lines = r.stderr.splitlines()
        assert r.returncode == 2 and lines[0] == "Traceback (most recent call last):", r.stderr
        assert lines[1] == f'  File "{script}", line 3, in <module>'       # no runpy frames
        assert f'  File "{tmp_path / "helper.py"}", line 2, in f' in lines
        assert lines[-2] == "ValueError: log: input must be > 0, got 'x' = -1.0"
        assert lines[-1].startswith(f"chainrule {command}: {script} line 3 raised ValueError")


def test_check_keeps_its_verdict_when_the_reader_stops_early(tmp_path):
    """`chainrule check ... | head -1` exited 1, "does not agree", for a value that agrees
    once head had gone.  By hand, ∂L/∂a = b = -3: -3 agrees (0), 5 does not (1)."""
    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    for expected, status in (("-3", 0), ("5", 1)):
        read_end, write_end = os.pipe()
        os.close(read_end)   # the reader is gone before the first write
        try:
            r = subprocess.run([*CHAINRULE, "check", str(script), "--wrt", "a", "--expected",
                                expected], stdout=write_end, stderr=subprocess.PIPE, env=env,
                               timeout=60)
        finally:
            os.close(write_end)
        assert r.returncode == status and r.stderr == b"", (expected, r.stderr)


def test_explain_and_ops_exit_0_when_the_reader_stops_early(tmp_path):
    """`chainrule explain ... | head -1` and `chainrule ops | head -1` exited 1, which the
    exit statuses define as "does not agree", though nothing was judged or failed: the
    reader took what it wanted (the explanation itself, by hand: ∂L/∂a = b = -3)."""
    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([*CHAINRULE, "explain", str(script), "--wrt", "a"], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("∂L/∂a = -3")
    for command in (["explain", str(script), "--wrt", "a"], ["ops"]):
        read_end, write_end = os.pipe()
        os.close(read_end)   # the reader is gone before the first write
        try:
            r = subprocess.run([*CHAINRULE, *command], stdout=write_end, stderr=subprocess.PIPE,
                               env=env, timeout=60)
        finally:
            os.close(write_end)
        assert r.returncode == 0 and r.stderr == b"", (command, r.stderr)


def test_step_takes_a_name_in_quotes_as_g_takes_a_path(tmp_path):
    """`p "my weight"` said "no node named '"my weight"'" where `g "my pic.svg"` takes the
    quotes off.  By hand, L = w·b: ∂L/∂w = b = -3."""
    script = tmp_path / "spaces.py"
    script.write_text("from autograd import Value\nw = Value(2.0, name='my weight')\n"
                      "b = Value(-3.0, name='say \"hi\"')\nL = (w * b).named('L')\nL.backward()\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([*CHAINRULE, "step", str(script)], capture_output=True, text=True,
                       input="p \"my weight\"\np 'say \"hi\"'\nb 'my weight'\n", env=env,
                       timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = r.stdout
    assert "my weight = 2 (leaf), grad: no contribution yet" in out
    assert 'say "hi" = -3 (leaf), grad: no contribution yet' in out
    assert "-> my weight = 2 (leaf), grad = -3 (complete: 1 contribution)" in out


def test_a_script_named_without_py_or_a_picture_given_for_it_says_so(tmp_path):
    """`chainrule explain learner` said only "no such script: learner" beside learner.py,
    and `chainrule draw learner.png` "learner.png raised SyntaxError: source code string
    cannot contain null bytes"."""
    chainrule(tmp_path, "draw")                       # writes learner.py and learner.png
    env = dict(os.environ, PYTHONPATH=ROOT)
    for args, said in [(["explain", "learner", "--wrt", "a"],
                        "chainrule explain: no such script: learner; did you mean learner.py?"),
                       (["draw", "learner.png"],
                        "chainrule draw: learner.png is not a Python script: it holds binary "
                        "data")]:
        r = subprocess.run([*CHAINRULE, *args], capture_output=True, text=True, cwd=tmp_path,
                           env=env, timeout=60)
        assert one_line(r) == said + "\n"


def test_an_unforeseen_error_is_one_line_and_never_status_1(tmp_path, monkeypatch, capsys):
    """An exception chainrule does not catch gave Python's traceback and exit status 1,
    which check documents as "does not agree"; now status 2 and one line, the traceback
    only under --traceback."""
    import importlib

    from autograd.cli import main

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")
    monkeypatch.setattr(importlib.import_module("autograd.check"), "check", broken)
    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    args = ["check", str(script), "--wrt", "a", "--expected", "-3"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == ("chainrule check: unexpected ZeroDivisionError: float division by zero "
                   "(--traceback shows where)\n")
    assert main([*args, "--traceback"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "in broken" in err
    assert err.endswith("(--traceback shows where)\n")


def test_the_usage_line_shows_where_the_scripts_arguments_go():
    """`chainrule step --help` ended its usage at SCRIPT; docs/stepping.md's synopsis, and
    every command that runs a script, take the script's own arguments after --."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    for command in ("explain", "check", "step", "draw"):
        usage = subprocess.run([*CHAINRULE, command, "--help"], capture_output=True, text=True,
                               env=env, timeout=60).stdout.split("\n\n")[0]
        assert usage.startswith(f"usage: chainrule {command} ") and \
            usage.endswith(" SCRIPT [-- SCRIPT_ARGS]"), usage
    ops = subprocess.run([*CHAINRULE, "ops", "--help"], capture_output=True, text=True, env=env,
                         timeout=60).stdout
    assert ops.startswith("usage: chainrule ops [-h]\n")


def test_a_name_two_nodes_share_points_to_the_variables_that_hold_them(tmp_path):
    """"2 nodes are named 'w' ...; pass the Value itself" gave no way to do so from the
    command line; the script's variables a and b hold them, and --wrt a works (by hand,
    L = a·b, ∂L/∂a = b = 2)."""
    script = tmp_path / "dup.py"
    script.write_text("from autograd import Value\na = Value(1.0, name='w')\n"
                      "b = Value(2.0, name='w')\nL = (a * b).named('L')\nL.backward()\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([*CHAINRULE, "explain", str(script), "--wrt", "w"], capture_output=True,
                       text=True, env=env, timeout=60)
    assert one_line(r).endswith("; the script's variables a and b hold them: give the one you "
                                "mean\n")
    r = subprocess.run([*CHAINRULE, "check", str(script), "--wrt", "a", "--expected", "2"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("Agrees"), r.stderr


def test_a_name_pasted_with_spaces_around_it_is_the_name(tmp_path):
    """--wrt " a" (pasted) said "no node named ' a'", where step's `p  a ` finds a.
    By hand, L = a·b: ∂L/∂a = b = -3."""
    r = chainrule(tmp_path, "check", "--wrt", " a", "--root", "L ", "--expected", "-3")
    assert r.returncode == 0 and r.stdout.startswith("Agrees"), r.stderr
    r = chainrule(tmp_path, "draw", "--highlight", "a ", "--out", "g.svg")
    assert r.returncode == 0, r.stderr


def test_a_script_error_whose_message_cannot_be_made_is_still_the_scripts(tmp_path, capsys):
    """A script raising an exception whose __str__ raises got 'chainrule explain: unexpected
    RuntimeError: boom', blaming chainrule for the script's error; it is now the script's,
    worded as Python's own traceback words it ('<exception str() failed>')."""
    from autograd.cli import main
    script = tmp_path / "unprintable.py"
    script.write_text("class E(Exception):\n    def __str__(self):\n        raise RuntimeError('boom')\n"
                      "raise E()\n")
    assert main(["explain", str(script), "--wrt", "x"]) == 2
    err = capsys.readouterr().err
    assert err == f"chainrule explain: {script} line 4 raised E: <exception str() failed>\n"


NIELSEN = """\
import nn
net = nn.MLP([2, 3, 1], seed=0)
C = nn.half_squared_error(net([1.0, 0.0]), [1.0])
C.backward()
"""


def test_an_unknown_name_on_a_network_lists_its_matrices_in_every_command(tmp_path):
    """draw, step and explain listed only the scalar names for W1 on a 2-3-1 network
    (check listed only the matrices); every command now gives the same hint, both. The
    oracle: Nielsen's 2-3-1 network, input layer 1, has W2 (w^2_jk, 3×2), b2, W3, b3."""
    script = tmp_path / "nielsen.py"
    script.write_text(NIELSEN)
    env = dict(os.environ, PYTHONPATH=ROOT)
    hint = ("; named nodes: C, a2_1, a2_2, a2_3, a3_1, b2_1, b2_2, b2_3, b3_1, w2_11, w2_12, "
            "w2_21, w2_22, w2_31, w2_32, w3_11, w3_12, w3_13, x1, x2, y, z2_1, z2_2, z2_3, z3_1; "
            "the network's matrices (columns layout): W2, b2, W3, b3 (W2 holds w^2_jk)\n")
    for args, stdin in [(("draw", "--highlight", "W1"), ""), (("draw", "--root", "W1"), ""),
                        (("step", "--stop-at", "W1"), ""), (("step",), "p W1\n"),
                        (("explain", "--wrt", "W1"), ""),
                        (("check", "--wrt", "W1", "--expected", "[[1, 2], [3, 4]]"), ""),
                        (("check", "--wrt", "W1", "--formula", "1"), "")]:
        r = subprocess.run([*CHAINRULE, args[0], str(script), *args[1:]], input=stdin,
                           text=True, capture_output=True, cwd=tmp_path, env=env, timeout=120)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and "no node named 'W1' in " in r.stderr, (args, r.stderr)
        assert r.stderr.endswith(hint), (args, r.stderr)


def test_an_error_listing_a_very_long_name_stays_short(tmp_path):
    """A graph with a 10,000-character name made every "no node named" error 10,000
    characters long (the listing wrote the name whole; so did the name asked for); each
    name is now cut, saying its length. The oracle: the name's length, counted."""
    script = tmp_path / "long.py"
    script.write_text('from autograd import Value\na = Value(2.0, label="a")\n'
                      'd = Value(1.5, label="x" * 10000)\nL = a * d; L.label = "L"\nL.backward()\n')
    env = dict(os.environ, PYTHONPATH=ROOT)
    for args, stdin in [(("draw", "--highlight", "nope"), ""), (("step",), "p nope\n"),
                        (("explain", "--wrt", "y" * 5000), ""),
                        (("check", "--wrt", "a", "--formula", "nope"), "")]:
        r = subprocess.run([*CHAINRULE, args[0], str(script), *args[1:]], input=stdin,
                           text=True, capture_output=True, cwd=tmp_path, env=env, timeout=120)
        err = r.stderr.splitlines()[-1]
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr[:300])
        assert len(err) < 600 and "… (10,000 characters)" in err, (args, err[:700])


def test_every_help_says_what_the_exit_statuses_mean():
    """Only chainrule --help said them; check --help, where 1 means "does not agree",
    did not. The oracle: the statuses cli.main returns (0, 1 for check, 2)."""
    env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="200")
    for command in ([], ["explain"], ["check"], ["step"], ["draw"], ["ops"]):
        text = subprocess.run([*CHAINRULE, *command, "--help"], capture_output=True, text=True,
                              env=env, timeout=60).stdout
        last = " ".join(text.split()).rpartition("exit status: ")[2]
        assert last.startswith("0 agrees") and "1 does not agree (check)" in last, command
        assert "2 bad usage" in last, command


def test_a_tolerance_or_digits_out_of_range_names_the_option(tmp_path):
    """--digits 0 said "digits must be an int from 1 to 17", --rtol -1 "rtol must be a
    number >= 0": check()'s argument names, where the user typed the options."""
    for args, said in [(("--digits", "0"), "--digits must be an int from 1 to 17"),
                       (("--digits", "30"), "--digits must be an int from 1 to 17"),
                       (("--rtol", "-1"), "--rtol must be a finite number >= 0"),
                       (("--atol", "inf"), "--atol must be a finite number >= 0")]:
        err = one_line(chainrule(tmp_path, "check", "--wrt", "a", "--expected", "-3", *args))
        assert err.startswith(f"chainrule check: {said}") and ", got " in err, (args, err)

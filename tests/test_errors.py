"""Bad input: a clear error naming what was wrong, and nothing corrupted."""

import math
import os
import subprocess
import sys

import pytest

import nn

import autograd
from autograd import Value


@pytest.mark.parametrize("bad", ["1.0", None, 1 + 2j, [1.0], True, {"a": 1}])
def test_value_rejects_non_numbers_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_value_accepts_int_float_and_float_like():
    class FloatLike:
        def __float__(self):
            return 2.5

    assert Value(3).data == 3.0 and isinstance(Value(3).data, float)
    assert Value(FloatLike()).data == 2.5


def test_arithmetic_with_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="str"):
        Value(2.0) ** "2"


@pytest.mark.parametrize("expression, where", [
    (lambda x, n: x + n, "add: operand 2"), (lambda x, n: n + x, "add: operand 1"),
    (lambda x, n: x * n, "mul: operand 2"), (lambda x, n: n * x, "mul: operand 1"),
    (lambda x, n: x - n, "sub: operand 2"), (lambda x, n: n - x, "sub: operand 1"),
    (lambda x, n: x / n, "div: operand 2"), (lambda x, n: n / x, "div: operand 1"),
    (lambda x, n: x ** n, "pow: operand 2"), (lambda x, n: n ** x, "pow: operand 1"),
])
def test_an_int_too_large_for_a_float_names_the_op_and_operand(expression, where):
    """Python's own message ("int too large to convert to float") named neither."""
    x = Value(2.0, name="x")
    with pytest.raises(OverflowError) as caught:
        expression(x, -(10 ** 400))
    assert str(caught.value) == (f"{where}: the int of 401 digits (-10000...) is too large "
                                 f"for a float (the largest float is about 1.8e308)")
    assert x.data == 2.0 and x.grad == 0.0 and x.parents == ()


def test_an_int_too_long_for_python_to_write_out_is_named_by_its_size():
    """An int of more than 4300 digits, which repr() refuses to write ("Exceeds the limit
    (4300 digits) for integer string conversion" was the whole message), is named by
    its number of digits, as a Value, an operand and a learning rate."""
    huge = 10 ** 5000                      # 5001 digits: bit_length 16610
    with pytest.raises(OverflowError, match=r"^Value: the int of about 5,001 digits is too "
                                            r"large for a float"):
        Value(huge)
    with pytest.raises(OverflowError, match=r"^mul: operand 2: the int of about 5,001 digits"):
        Value(2.0) * huge
    w = Value(1.0, kind="parameter")
    for big in (10 ** 400, huge):
        with pytest.raises(ValueError, match=r"^SGD: lr must be a positive finite number, "
                                             r"got the int of (about )?[0-9,]+ digits"):
            nn.SGD([w], lr=big)


def test_log_of_non_positive_names_op_node_and_value():
    x = Value(-1.0, name="x")
    with pytest.raises(ValueError, match=r"log: input must be > 0, got 'x' = -1\.0"):
        x.log()
    with pytest.raises(ValueError, match="log.*unnamed mul node = -0.0"):
        (x * 0.0).log()


def test_zero_to_negative_power():
    z = Value(0.0, name="z")
    with pytest.raises(ZeroDivisionError, match=r"pow: 0 cannot be raised to a negative power: base 'z' = 0\.0"):
        z ** -1


def test_negative_base_non_integer_exponent():
    with pytest.raises(ValueError, match=r"pow: a negative base needs an integer exponent.*'b' = -2\.0"):
        Value(-2.0, name="b") ** 0.5
    assert (Value(-2.0) ** 3).data == -8.0


def test_division_by_zero_names_both_operands():
    with pytest.raises(ZeroDivisionError, match=r"div: division by zero in \('a' = 1\.0\) / \('d' = 0\.0\)"):
        Value(1.0, name="a") / Value(0.0, name="d")
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1.0 / Value(0.0)


def test_sqrt_of_negative():
    with pytest.raises(ValueError, match=r"sqrt: input must be >= 0, got 's' = -4\.0"):
        Value(-4.0, name="s").sqrt()


def test_exp_overflow_names_node_and_input():
    with pytest.raises(OverflowError, match=r"exp: e\^1000\.0 overflows.*'big' = 1000\.0"):
        Value(1000.0, name="big").exp()


def test_errors_leave_the_graph_intact():
    x = Value(2.0, name="x")
    y = x * 3.0
    with pytest.raises(ValueError):
        (y - 10.0).log()
    y.backward()
    assert x.grad == 3.0 and y.parents[0] is x


def test_nan_flows_by_default_and_detect_anomaly_names_the_node():
    inf = Value(math.inf, name="inf")
    nan_node = inf - inf
    assert math.isnan(nan_node.data)  # plain mode keeps NaN, like PyTorch
    with autograd.detect_anomaly():
        with pytest.raises(FloatingPointError, match="sub produced nan from 'inf' = inf, 'inf' = inf"):
            inf - inf


def test_detect_anomaly_in_backward_restores_leaf_grads():
    x = Value(0.0, name="x")
    y = x.sqrt()  # slope is inf at 0
    x.grad = 5.0
    with autograd.detect_anomaly():
        with pytest.raises(FloatingPointError, match="backward through .*sqrt.*parent 'x' = 0.0"):
            y.backward()
    assert x.grad == 5.0
    y.backward()  # plain mode: inf flows
    assert x.grad == math.inf


def test_detect_anomaly_names_an_unnamed_node_once():
    """√x at 0 has slope inf (by hand); the message says "the unnamed sqrt node t1" once,
    not "sqrt node the unnamed sqrt node t1", and a named node by its op and name."""
    x = Value(0.0, name="x")
    with autograd.detect_anomaly():
        with pytest.raises(FloatingPointError) as unnamed:
            x.sqrt().backward()
        with pytest.raises(FloatingPointError) as named:
            x.sqrt().named("r").backward()
    assert str(unnamed.value) == ("detect_anomaly: backward through the unnamed sqrt node t1 = "
                                  "0.0 gave inf to parent 'x' = 0.0 (upstream gradient 1.0)")
    assert str(named.value).startswith("detect_anomaly: backward through sqrt node 'r' = 0.0 gave inf")


def test_backward_grad_must_be_a_number():
    with pytest.raises(TypeError, match="backward: grad needs a real number .*, got str 'x'"):
        Value(1.0).backward("x")


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a str, got int"):
        Value(1.0, name=3)
    with pytest.raises(ValueError, match="kind must be one of"):
        Value(1.0, kind="weight")



def test_a_name_that_is_not_a_str_is_refused_in_one_line():
    """A 2x2 array given as a name, or as micrograd's label, was refused with its repr
    as numpy prints it, over two lines ("got ndarray array([[1, 2],\\n       [3, 4]])").
    Oracle: the one line written out by hand."""
    array = pytest.importorskip("numpy").array([[1, 2], [3, 4]])
    shown = "got ndarray array([[1, 2], [3, 4]])"
    for make, message in ((lambda: Value(1.0, name=array), f"Value name must be a str, {shown}"),
                          (lambda: Value(1.0).named(array), f"Value name must be a str, {shown}"),
                          (lambda: Value(1.0, label=array), f"Value label must be a str, {shown}"),
                          (lambda: Value(1.0, (), "", array, label="a"),
                           "Value() got micrograd's label twice: array([[1, 2], [3, 4]]) and 'a'")):
        with pytest.raises(TypeError) as refused:
            make()
        assert str(refused.value) == message


def test_an_array_given_for_a_root_a_function_or_a_target_is_refused_in_one_line():
    """A 3x3 array passed where a Value or a function goes was refused with numpy's repr
    of it over three lines: "explain: root must be a Value, got ndarray array([[1., 0.,
    0.],\\n       [0., 1., 0.],\\n ...".  Oracle: the one line written out by hand; the
    grads as before."""
    from autograd import gradcheck
    eye = pytest.importorskip("numpy").eye(3)
    shown = "got ndarray array([[1., 0., 0.], [0., 1., 0.], [0., 0., 1.]])"
    x = Value(1.0, name="x")
    y = (x * 2).named("y")
    y.backward()
    for call, message in ((lambda: autograd.explain(eye, x), f"explain: root must be a Value, {shown}"),
                          (lambda: x.register_hook(eye), f"register_hook: expected a callable, {shown}"),
                          (lambda: gradcheck(eye, [1.0]), f"gradcheck: fn must be callable, {shown}"),
                          (lambda: y.backward(breakpoint_at=[eye]),
                           f"breakpoint_at: expected a name or a Value, {shown}")):
        with pytest.raises(TypeError) as refused:
            call()
        assert str(refused.value) == message
        assert (x.grad, y.grad) == (2.0, 1.0)

def test_value_of_a_value_is_refused_instead_of_cutting_the_graph():
    w = Value(0.5, name="w")
    with pytest.raises(TypeError, match=r"Value\(\) got a Value \(an unnamed mul node = 1\.0\).*Value\(v\.data\)"):
        Value(w * 2.0)


def test_a_fixed_exponent_gets_no_gradient():
    x = Value(3.0)
    y = x ** 2
    y.backward()
    assert x.grad == 6.0 and y.parents[1].grad == 0.0


# ---------------------------------------------------------------------------
# Inputs from other libraries and extreme numbers: one line naming the argument
# ---------------------------------------------------------------------------

def test_numbers_from_numpy_are_accepted_and_arrays_and_bools_refused():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(0.5)).data == 0.5 and Value(np.int64(3)).data == 3.0
    assert Value(np.array(2.5)).data == 2.5            # a 0-d array is one number
    with pytest.raises(TypeError, match=r"Value needs a real number .*got ndarray array\(\[1\., 2\.\]\)"):
        Value(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="Value needs a real number .*got bool"):
        Value(np.True_)
    with pytest.raises(TypeError, match="Value needs a real number .*got complex"):
        Value(np.complex128(1 + 1j))


def test_a_torch_bool_or_complex_scalar_is_refused_as_numpys_are():
    """torch.tensor(True) was read as 1.0 (Value, a jitted call's input, an optimiser's lr)
    and torch.tensor(1+0j) as 1.0, where True, np.True_ and np.complex128 are refused; a
    real 0-d tensor is still its number (oracle: float() of the tensor)."""
    torch = pytest.importorskip("torch")
    import nn
    from autograd import jit
    assert Value(torch.tensor(2.5)).data == 2.5 and Value(torch.tensor(3)).data == 3.0
    with pytest.raises(TypeError, match="Value needs a real number .*got Tensor tensor\\(True\\)"):
        Value(torch.tensor(True))
    with pytest.raises(TypeError, match="Value needs a real number .*got Tensor"):
        Value(torch.tensor(1 + 0j))
    w = Value(1.5, kind="parameter")
    step = jit(lambda x: x * w, name="f")
    with pytest.raises(TypeError, match="jit input 'x' of f\\(\\) needs a real number"):
        step(torch.tensor(True))
    assert w.grad == 0.0
    with pytest.raises(ValueError, match="SGD: lr must be a positive finite number"):
        nn.SGD([w], lr=torch.tensor(True))


def test_an_int_too_large_for_a_float_names_the_argument():
    with pytest.raises(OverflowError, match=r"Value: the int of 401 digits \(100000\.\.\.\) is too "
                                            r"large for a float"):
        Value(10 ** 400)
    x = Value(1.0)
    with pytest.raises(TypeError, match="backward: grad needs a real number"):
        (x * 2.0).backward(grad="a")
    assert x.grad == 0.0


def test_pow_with_infinite_and_nan_exponents_gives_pythons_result():
    import math
    assert (Value(-2.0) ** math.inf).data == math.inf
    assert (Value(-0.5) ** math.inf).data == 0.0 == (-0.5) ** math.inf
    assert math.isnan((Value(-2.0) ** math.nan).data)
    with pytest.raises(ValueError, match="pow: a negative base needs an integer exponent.*'b'"):
        Value(-2.0) ** Value(0.5, name="b")


def test_relu_log_and_sqrt_of_nan_are_nan_in_eager_and_jit():
    import math
    from autograd import jit
    for method in ("relu", "log", "sqrt"):
        eager = getattr(Value(math.nan), method)().data
        jitted = jit(lambda x, m=method: getattr(x, m)())(math.nan)
        assert math.isnan(eager) and math.isnan(jitted), method


def test_gradient_of_x_over_x_is_zero_at_tiny_and_huge_x():
    for v in (1e-200, 1e200):
        x = Value(v)
        x.grad = 5.0
        (x / x).backward()
        assert x.grad == 5.0          # ∂(x/x)/∂x = 1/x - x/x² = 0
    x = Value(1e-10)
    (x ** -30).backward()
    assert x.grad == float("-inf")    # -30·x^-31 overflows: -inf, as PyTorch


# ---------------------------------------------------------------------------
# The chainrule command: exit 0 agrees, 1 does not, 2 bad usage or a failed script
# ---------------------------------------------------------------------------

_CLI = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_DESMOS = os.path.join(_ROOT, "tests", "scripts", "desmos_noname.py")


def _chainrule(*args, cwd=_ROOT, timeout=60):
    return subprocess.run([*_CLI, *args], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, PYTHONPATH=_ROOT), timeout=timeout)


def _one_line_error(r, status, says):
    assert r.returncode == status, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stderr.count("\n") == 1 and says in r.stderr, r.stderr


@pytest.mark.parametrize("args, status, says", [
    (["check", _DESMOS, "--wrt", "w1", "--expected", "1e999999999"], 2,
     "beyond what a float can hold"),
    (["check", _DESMOS, "--wrt", "w1", "--expected", "0" * 5000 + "1"], 2, "too long"),
    (["check", _DESMOS, "--wrt", "w1", "--expected", "1e-400"], 2, "1e-324"),
    (["check", _ROOT, "--wrt", "w1", "--expected", "1"], 2, "is a directory, not a Python script"),
    (["explain", os.path.join(_ROOT, "nope.py"), "--wrt", "w1"], 2, "no such script"),
    (["step", _DESMOS, "--frames", "/proc/nope"], 2, "cannot write /proc/nope"),
    (["check", _DESMOS, "--wrt", "w1", "--expected", "0.00142919", "--layout", "rows"], 2,
     "--layout applies to matrix questions only (--wrt W2, a layer's weights), and --wrt w1 "
     "is one node"),
])
def test_the_command_says_what_was_wrong_in_one_line(args, status, says):
    _one_line_error(_chainrule(*args), status, says)


def test_frames_naming_a_file_is_refused_before_any_step(tmp_path):
    taken = tmp_path / "frames.png"
    taken.write_text("a picture already here\n")
    r = _chainrule("step", _DESMOS, "--frames", str(taken))
    _one_line_error(r, 2, f"--frames {taken} is a file, not a folder")
    assert r.stdout == "" and taken.read_text() == "a picture already here\n"


def test_backward_in_a_thread_of_the_script_is_named(tmp_path):
    script = tmp_path / "threaded_backward.py"
    script.write_text("import threading\nfrom autograd import Value\nx = Value(2.0)\n"
                      "y = x * x\nt = threading.Thread(target=y.backward)\nt.start()\n"
                      "t.join()\nprint(x.grad)\n")
    r = _chainrule("explain", str(script), "--wrt", "x")
    assert r.stderr.startswith("4.0\n")   # the thread's pass ran: d(x²)/dx = 2x = 4
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines()[1] == (
        f"chainrule explain: {script} called .backward() only in a thread it started, and chainrule "
        f"catches backward() in the script's main thread only: call it there")


def test_a_script_interrupted_by_keyboardinterrupt(tmp_path):
    script = tmp_path / "interrupted.py"
    script.write_text("raise KeyboardInterrupt\n")
    _one_line_error(_chainrule("explain", str(script), "--wrt", "w"), 2,
                    "interrupted (KeyboardInterrupt) before calling .backward()")


def test_a_stray_thread_does_not_keep_the_command_alive(tmp_path):
    script = tmp_path / "threaded.py"
    script.write_text("import threading, time\nfrom autograd import Value\n"
                      "threading.Thread(target=time.sleep, args=(120,)).start()\n"
                      "x = Value(2.0)\ny = x * x\ny.backward()\n")
    r = _chainrule("check", str(script), "--wrt", "x", "--expected", "4", timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("Agrees to the 1 significant digit"), r
    r = _chainrule("check", str(script), "--wrt", "x", "--expected", "5", timeout=60)
    assert r.returncode == 1


def test_exit_status_agrees_disagrees_and_the_advice_is_a_command():
    ok = _chainrule("check", _DESMOS, "--wrt", "w1", "--expected", "0.0014291881022")
    assert ok.returncode == 0 and ok.stdout.splitlines()[0] == \
        "Agrees to the 11 significant digits you gave."
    bad = _chainrule("check", _DESMOS, "--wrt", "w1", "--expected", "0.00571675240882")
    lines = bad.stdout.splitlines()
    assert bad.returncode == 1
    assert lines[0] == "Disagrees: your value leaves out w4·w2 on path 1 and w5·w3 on path 2."
    assert lines[-1].startswith(f"Next: chainrule explain {_DESMOS} --wrt w1 lists every path")
    assert "print(verdict" not in bad.stdout


def test_the_command_table_is_explicit():
    from autograd import cli
    assert list(cli.COMMANDS) == ["explain", "check", "step", "draw", "ops"]
    parser = cli.build_parser()
    argv = {"explain": ["explain", "x.py", "--wrt", "w"],
            "check": ["check", "x.py", "--wrt", "w", "--expected", "1"],
            "step": ["step", "x.py"], "draw": ["draw", "x.py"], "ops": ["ops"]}
    for name, command in cli.COMMANDS.items():
        run = parser.parse_args(argv[name]).run
        assert run.__module__ == f"autograd.commands.{command.module}"


def test_chainrule_draw_writes_the_picture_with_the_scripts_names(tmp_path):
    out = tmp_path / "desmos"
    r = _chainrule("draw", _DESMOS, "--out", str(out), "--format", "svg", "--highlight", "w1")
    assert r.returncode == 0, r.stderr
    svg = (tmp_path / "desmos.svg").read_text()
    assert ">w1<" in svg and ">h2<" in svg and "&lt;leaf" not in svg


# -- "a list of ...": one test (autograd.floats.listlike) for every such argument ----

def _zero_d(x):
    """A 0-d numpy array (numpy is the optional extra: the case skips without it)."""
    return pytest.importorskip("numpy").array(x)


@pytest.mark.parametrize("call, words", [
    # a dict was read as its keys: an MLP of layer sizes 2 and 3, a sum of the keys
    (lambda: nn.MLP({2: 1, 3: 1}), ("MLP sizes", "dict")),
    (lambda: autograd.sum_values({Value(1.0): 1}), ("sum_values", "dict")),
    (lambda: autograd.differences.gradcheck(lambda a: a * a, {Value(1.0): 1}),
     ("gradcheck: inputs", "dict")),
    # a name is text, not a list of parameters (it was read letter by letter)
    (lambda: nn.SGD("w1", lr=0.1), ("SGD: parameters", "str")),
    # a 0-d array has __len__ but no length ("len() of unsized object")
    (lambda: nn.Adam(nn.MLP([1, 1]).parameters(), lr=0.1, betas=_zero_d(0.9)),
     ("Adam: betas", "array(0.9)")),
    (lambda: nn.MLP([1, 1])(_zero_d(0.5)), ("inputs", "ndarray")),
])
def test_an_argument_that_is_not_a_list_is_named(call, words):
    """Hand-decided: each of these is not a list of items, and the error says which
    argument and what it got, on one line."""
    with pytest.raises((TypeError, ValueError)) as caught:
        call()
    message = str(caught.value)
    assert all(word in message for word in words), message
    assert "\n" not in message and "unsized" not in message


def test_listlike_is_the_one_test_of_a_list():
    from autograd.floats import listlike
    assert listlike([1]) and listlike((1,)) and listlike(range(2)) and listlike(iter([]))
    assert listlike(iter([])) and not listlike(iter([]), sized=True)
    assert not any(listlike(x) for x in ("ab", b"ab", {"a": 1}, 1.0, None, Value(1.0)))
    np = pytest.importorskip("numpy")
    assert listlike(np.zeros(2), sized=True) and not listlike(np.array(1.0), sized=True)


def test_a_constant_operand_is_named_as_the_constant_it_is():
    """``a / 0``: the 0 the user typed is "the constant 0.0", not "an unnamed value"."""
    a = Value(2.0, name="a")
    with pytest.raises(ZeroDivisionError, match=r"^div: division by zero in \('a' = 2\.0\) / "
                                                 r"\(the constant 0\.0\)$"):
        a / 0
    with pytest.raises(OverflowError, match=r"exponent the constant 400\.0"):
        Value(10.0, name="ten") ** 400
    with pytest.raises(ValueError, match=r"got an unnamed value = -1\.0$"):
        Value(-1.0).sqrt()            # an unnamed leaf is not a constant


def test_anomaly_and_a_stopped_pass_call_an_unnamed_node_as_the_steps_and_hooks_do(monkeypatch):
    """L = (a·b · 1e308) · 10 with a and the products unnamed: detect_anomaly said
    "backward through an unnamed mul node = -inf gave -inf to parent the constant 10.0"
    while its own note said "the backward pass stopped at the unnamed mul node t3", and
    the default pass, stopped in a·b's rule, "stopped at an unnamed mul node = -6.0",
    where backward_steps() and hook errors call those nodes t3 and t1.  Both now call
    each node by the label the steps print (the oracle: read from backward_steps()'s own
    lines; -inf by hand: 10·(-6e308) overflows), every grad as before.  A graph of more
    than engine.LABELLED_MOST nodes is not numbered for an error: the words stay."""
    import re
    from autograd import engine
    a, b = Value(2.0), Value(-3.0, name="b")
    t = a * b
    L = (t * 1e308) * 10.0
    lines = "\n".join(str(step).splitlines()[0] for step in L.backward_steps())
    [(mul, leaf)] = re.findall(r"(t\d+) = (leaf\d+) × b = -6", lines)
    [top] = re.findall(r"step 1/3: (t\d+) = t\d+ × 10 = -inf", lines)
    grads = [n.grad for n in (a, b, t, L)]
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError) as anomaly:
        L.backward()
    assert str(anomaly.value) == (f"detect_anomaly: backward through the unnamed mul node {top} "
                                  f"= -inf gave -inf to parent the constant 10.0 (upstream "
                                  f"gradient 1.0)")
    assert anomaly.value.__notes__[0].startswith(f"the backward pass stopped at the unnamed mul "
                                                 f"node {top} = -inf (mul)")
    u = Value(0.0)
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError) as leafward:
        u.sqrt().backward()                              # slope inf at 0, by hand
    assert str(leafward.value) == ("detect_anomaly: backward through the unnamed sqrt node t1 = "
                                   "0.0 gave inf to parent the unnamed leaf leaf1 = 0.0 "
                                   "(upstream gradient 1.0)")

    class Injected(Exception):
        pass

    real = t._opr.backward

    def failing(node, upstream):
        if node is t:
            raise Injected("injected")
        return real(node, upstream)
    monkeypatch.setattr(t._opr, "backward", failing)
    with pytest.raises(Injected) as stopped:
        L.backward()
    assert stopped.value.__notes__ == [f"the backward pass stopped at the unnamed mul node {mul} = "
                                       f"-6.0 (mul); every grad was put back to its value before "
                                       f"the pass"]
    assert [n.grad for n in (a, b, t, L)] == grads
    x = Value(0.0, name="x")
    big = root = x.sqrt()
    for _ in range(engine.LABELLED_MOST // 2 + 1):     # as many constants: > LABELLED_MOST nodes
        big = big + 1.0
    real_sqrt = root._opr.backward

    def failing_sqrt(node, upstream):
        if node is root:
            raise Injected("injected")
        return real_sqrt(node, upstream)
    monkeypatch.setattr(root._opr, "backward", failing_sqrt)
    with pytest.raises(Injected) as stopped:
        big.backward()
    assert stopped.value.__notes__[0].startswith("the backward pass stopped at an unnamed sqrt "
                                                 "node = 0.0 (sqrt)")
    monkeypatch.undo()
    with autograd.detect_anomaly(), pytest.raises(FloatingPointError) as unnumbered:
        big.backward()
    assert str(unnumbered.value).startswith("detect_anomaly: backward through an unnamed sqrt "
                                            "node = 0.0 gave inf to parent 'x' = 0.0")
    assert unnumbered.value.__notes__[0].startswith("the backward pass stopped at an unnamed sqrt "
                                                    "node = 0.0 (sqrt)")

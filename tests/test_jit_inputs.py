"""What the jit gives for its inputs: input gradients equal to backward()'s bit for bit
(signed zeros included), and batch samples given as lists, numpy rows or a matrix all
giving the same numbers as plain float tuples."""

import math
import random
import re

import pytest

from autograd import Value, maximum, minimum
from autograd.jit import jit

UNARY = ("relu", "tanh", "sigmoid", "neg", "abs")
BINARY = ("add", "mul", "sub", "maximum", "minimum")


def random_function(rng, arity, parameters):
    """A random graph of ``arity`` inputs: ops that pass or make signed zeros (relu, mul
    by zero, maximum, abs), operands drawn from inputs, parameters, earlier nodes and
    the constants 0.0, -0.0 and 2.0."""
    plan = []
    for _ in range(rng.randint(2, 9)):
        if rng.random() < 0.4:
            plan.append((rng.choice(UNARY), rng.randrange(10 ** 6), None))
        else:
            plan.append((rng.choice(BINARY), rng.randrange(10 ** 6), rng.randrange(10 ** 6)))
    constants = (0.0, -0.0, 2.0)

    def f(*xs):
        pool = list(xs) + list(parameters)
        for op, i, j in plan:
            a = pool[i % len(pool)]
            b = pool[j % len(pool)] if j is not None and j % 7 else constants[(j or 0) % 3]
            if op in ("relu", "tanh", "sigmoid"):
                node = getattr(a, op)()
            elif op == "neg":
                node = -a
            elif op == "abs":
                node = abs(a)
            elif op == "add":
                node = a + b
            elif op == "mul":
                node = a * b
            elif op == "sub":
                node = a - b
            elif op == "maximum":
                node = maximum(a, b)
            else:
                node = minimum(a, b)
            pool.append(node)
        return pool[-1] * pool[-2] - pool[-1]
    return f


def eager(f, parameters, xs):
    """backward() on fresh input leaves: (output, the inputs' grads, the parameters')."""
    for p in parameters:
        p.grad = 0.0
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    grads = [p.grad for p in parameters]
    for p in parameters:
        p.grad = 0.0
    return out.data, [x.grad for x in leaves], grads


def test_input_gradients_equal_backward_bit_for_bit_signed_zeros_included():
    rng = random.Random(11)
    compared = zeros = 0
    for _ in range(300):
        arity = rng.randint(1, 3)
        parameters = [Value(rng.choice((0.0, -0.5, 1.5)), kind="parameter") for _ in range(2)]
        f = random_function(rng, arity, parameters)
        step = jit(f)
        for _ in range(4):
            xs = tuple(rng.choice((0.0, -0.0, -1.0, 0.5, rng.uniform(-2, 2)))
                       for _ in range(arity))
            try:
                value, input_grads, grads = eager(f, parameters, xs)
            except (ArithmeticError, ValueError):
                continue
            out, jit_input_grads = step(*xs, input_grads=True)
            jit_grads = [p.grad for p in parameters]
            for p in parameters:
                p.grad = 0.0
            assert out.hex() == value.hex()
            assert [g.hex() for g in jit_input_grads] == [g.hex() for g in input_grads], xs
            assert [g.hex() for g in jit_grads] == [g.hex() for g in grads], xs
            compared += len(xs)
            zeros += sum(g == 0.0 for g in input_grads)
    assert compared > 1000
    assert zeros > 100      # the zero gradients, where the sign could differ, were compared


def test_a_zero_gradient_of_an_input_is_positive_as_backward_gives_it():
    """relu below 0 sends 0·g; with g < 0 the product is −0.0: a fresh leaf adds it to
    0.0 and holds +0.0, and so does the jit's input gradient."""
    def f(x):
        return -(x.relu())
    x = Value(-1.0)
    f(x).backward()
    assert x.grad.hex() == "0x0.0p+0"
    out, (gx,) = jit(f)(-1.0, input_grads=True)
    assert gx.hex() == "0x0.0p+0"


# ---------------------------------------------------------------------------
# batch samples: lists, numpy rows and matrices
# ---------------------------------------------------------------------------

def small_loss():
    w = Value(0.3, kind="parameter")
    b = Value(-0.1, kind="parameter")

    def loss(x, y):
        return ((w * x + b).sigmoid() - y) ** 2
    return loss, (w, b)


def batch_bits(backend, samples):
    loss, params = small_loss()
    total = jit(loss, backend=backend).batch(samples)
    return total.hex(), [p.grad.hex() for p in params]


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_batch_of_lists_numpy_rows_and_ints_gives_the_float_tuples_numbers(backend):
    np = pytest.importorskip("numpy")
    rng = random.Random(3)
    floats = [(rng.uniform(-2, 2), float(rng.randint(0, 1))) for _ in range(50)]
    expected = batch_bits(backend, floats)
    matrix = np.array(floats)
    shapes = {"lists": [list(s) for s in floats],
              "numpy rows": list(matrix),
              "numpy float64 tuples": [tuple(r) for r in matrix],
              "int labels": [(x, int(y)) for x, y in floats]}
    if backend == "numpy":
        shapes["matrix"] = matrix
    for name, samples in shapes.items():
        assert batch_bits(backend, samples) == expected, name


@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("bad, word", [(True, "bool"), ("0.5", "str"), (1 + 2j, "complex"),
                                       (None, "NoneType"), (10 ** 400, "too large")])
def test_batch_refuses_a_bad_number_naming_its_sample_and_argument(backend, bad, word):
    if backend == "numpy":
        pytest.importorskip("numpy")
    loss, _ = small_loss()
    samples = [(0.5, 1.0)] * 5 + [(0.5, bad)] + [(0.5, 0.0)] * 5
    with pytest.raises((TypeError, OverflowError)) as caught:
        jit(loss, backend=backend).batch(samples)
    message = str(caught.value)
    assert "sample 6" in message and "'y'" in message and word in message, message


@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("call, argument", [
    (lambda f: f.batch([(0.5, 1.0)], mean="no"), "loss.batch: mean"),
    (lambda f: f.batch([(0.5, 1.0)], mean=None), "loss.batch: mean"),
    (lambda f: f(0.5, 1.0, input_grads="no"), "loss(): input_grads"),
    (lambda f: f.trace(0.5, 1.0, input_grads=1), "loss.trace: input_grads")])
def test_a_switch_that_is_not_true_or_false_is_refused(backend, call, argument):
    """mean="no" was read by its truth (a mean, not the sum the user asked for);
    True or False only, as nn's switches, and nothing is added to .grad."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    loss, params = small_loss()
    f = jit(loss, backend=backend)
    with pytest.raises(TypeError, match=rf"^jit {re.escape(argument)} must be True or False, got "):
        call(f)
    assert [p.grad for p in params] == [0.0, 0.0]
    # the sum over two samples is twice the mean, as the switch says
    assert f.batch([(0.5, 1.0), (0.5, 1.0)], mean=False) == 2 * f.batch([(0.5, 1.0)] * 2,
                                                                        mean=True)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_batch_of_a_0d_array_is_refused_naming_the_samples(backend):
    """A 0-d array is one number, not samples: the one-line error names batch's
    samples and leaves every .grad alone (the Python backend let numpy say
    'iteration over a 0-d array')."""
    np = pytest.importorskip("numpy")
    loss, params = small_loss()
    with pytest.raises(TypeError, match=r"^jit loss\.batch: samples must be") as caught:
        jit(loss, backend=backend).batch(np.array(1.0))
    assert "\n" not in str(caught.value)
    assert [p.grad for p in params] == [0.0, 0.0]


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_batch_of_a_function_of_no_inputs_or_returning_its_input(backend):
    """Two graphs with no arithmetic on the inputs: f() = w·w over empty samples (the
    Python backend wrote `for  in samples:`, a SyntaxError) and f(a) = a (the numpy
    backend wrote an empty `with` block, an IndentationError).  By hand: Σ w² = 2w²
    and its gradient 2·2w; the mean of a over 1, 2 and 6 is 3."""
    if backend == "numpy":
        pytest.importorskip("numpy")
    w = Value(1.5, name="w")
    assert jit(lambda: w * w, backend=backend).batch([(), ()]) == 2 * 1.5 ** 2
    assert w.grad == 2 * 2 * 1.5
    assert jit(lambda a: a, backend=backend).batch([(1.0,), (2.0,), (6.0,)], mean=True) == 3.0
    w.grad = 0.0
    assert jit(lambda a: w, backend=backend).batch([(1.0,), (2.0,)]) == 2 * 1.5
    assert w.grad == 2.0


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_batch_whose_first_sample_fails_the_trace_names_sample_1(backend):
    """The trace runs on the first sample's numbers, so the eager engine raises there
    (ln of w·0.1 − 1 < 0): the error named no sample, where sample 2 would have been
    named.  Now it says sample 1, .grad is untouched, and a good batch then runs:
    Σ ln(2x − 1) over x = 3, 1.5 is ln 5 + ln 2, its w-gradient 3/5 + 1.5/2."""
    import math
    if backend == "numpy":
        pytest.importorskip("numpy")
    w = Value(2.0, name="w")
    f = jit(lambda x: (w * x - 1.0).log(), backend=backend)
    with pytest.raises(ValueError, match=r"^log: input must be > 0, .*= -0\.8 "
                                         r"\(sample 1 of the batch\)$"):
        f.batch([(0.1,), (3.0,)])
    assert w.grad == 0.0
    assert f.batch([(3.0,), (1.5,)]) == pytest.approx(math.log(5) + math.log(2), rel=1e-15)
    assert w.grad == pytest.approx(3 / 5 + 1.5 / 2, rel=1e-15)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_flat_list_of_numbers_for_a_one_input_function_says_how_to_give_it(backend):
    """batch([1.0, 2.0, 3.0]) for f(x) said only 'sample 1 must be a tuple of numbers';
    it now shows the 1-tuple form, and a 1-d array (numpy backend) the reshape, which
    then give Σ x² = 1 + 4 + 9 by hand."""
    np = pytest.importorskip("numpy")
    f = jit(lambda x: x * x, backend=backend)
    with pytest.raises(TypeError, match=r"sample 1 must be a tuple of numbers, got float 1\.0; "
                                        r"a sample of one input is a 1-tuple, \[\(x,\), \.\.\.\]$"):
        f.batch([1.0, 2.0, 3.0])
    assert f.batch([(1.0,), (2.0,), (3.0,)]) == 14.0
    if backend == "numpy":
        column = np.array([1.0, 2.0, 3.0])
        with pytest.raises(TypeError, match=r"shape \(3,\); one input per sample: "
                                            r"samples\.reshape\(-1, 1\)$"):
            f.batch(column)
        assert f.batch(column.reshape(-1, 1)) == 14.0


def test_a_jitted_function_called_inside_another_s_trace_says_to_call_its_plain_function():
    """g(x) inside f's trace said "use its number, v.data, or keep it in the graph": x
    is a placeholder, and v.data is refused there.  Now the error names both functions
    and the way to compose them, g.__wrapped__, which the trace follows (by hand:
    f = 2·x·w, ∂f/∂w = 2x)."""
    from autograd.jit import TracingError
    w = Value(0.5, name="w", kind="parameter")
    g = jit(lambda x: x * w, name="g")
    f = jit(lambda x: g(x) * 2.0, name="f")
    with pytest.raises(TracingError) as caught:
        f(3.0)
    assert str(caught.value) == (
        "jit g() called with the Value 'x' = 3.0 while f() is traced: a jitted function "
        "takes numbers; inside f() call g.__wrapped__(...), the plain function, and the "
        "trace follows it")
    assert w.grad == 0.0 and repr(f) == "<jit f, nothing traced yet>"
    composed = jit(lambda x: g.__wrapped__(x) * 2.0, name="f")
    assert composed(3.0) == 2 * 3.0 * 0.5 and w.grad == 2 * 3.0


@pytest.mark.parametrize("make", [
    lambda np: jit(np.eye(12)),
    lambda np: jit(lambda x: x, name=np.eye(12)),
    lambda np: jit(lambda x: x).batch({i: float(i) for i in range(1000)}),
    lambda np: jit(lambda x: x, input_names=[np.eye(12)])(1.0),
], ids=["fn", "name", "batch", "input_names"])
def test_a_wrong_argument_to_the_jit_is_named_in_one_short_line(make):
    """jit wrote the wrong object with repr, as nn did before floats.short_repr: a 2-d
    array given as fn, name or an input name made a 12-line, 720-character TypeError, a
    dict of 1,000 samples one of 9,854 characters.  Each is now one line, its value cut."""
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError) as caught:
        make(np)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 250, message
    assert message.startswith("jit")


def test_a_backend_that_is_not_a_name_is_named():
    """backend=<an array> raised numpy's 'The truth value of an array with more than one
    element is ambiguous' from the membership test, naming no argument."""
    np = pytest.importorskip("numpy")
    with pytest.raises(ValueError, match=r"^jit: backend must be one of 'python', 'numpy', "
                                         r"got array\(\[\[1\., 0\., .*\.\.\.$"):
        jit(lambda x: x, backend=np.eye(12))


def test_keywords_are_bound_to_the_parameters_as_an_eager_call_binds_them():
    """f(x, y=2.0, z=1.0) = w·x·y + z, w = 0.5: by hand f(1, y=3) = 2.5 with
    ∂f/∂x = w·y = 1.5, ∂f/∂y = w·x = 0.5, ∂f/∂w = x·y = 3; f(1, z=5) = 6 (y's
    default 2); the eager call with the same keywords (the reference) agrees.  A
    jitted call with a keyword raised Python's "Jitted.__call__() got an unexpected
    keyword argument", naming neither the function nor what to do."""
    w = Value(0.5, name="w", kind="parameter")

    def f(x, y=2.0, z=1.0):
        return w * x * y + z

    step = jit(f)
    assert step(1.0, y=3.0) == step(y=3.0, x=1.0) == f(Value(1.0), y=Value(3.0)).data == 2.5
    w.grad = 0.0
    assert step(y=3.0, x=1.0, input_grads=True) == (2.5, (1.5, 0.5)) and w.grad == 3.0
    assert step(1.0, z=5.0) == step.forward(z=5.0, x=1.0) == f(Value(1.0), z=5.0).data == 6.0
    assert step.trace(x=1.0) is step and step.source.startswith("def f(x):")


@pytest.mark.parametrize("call, says", [
    (lambda f: f(1.0, q=2.0), "jit f(): keyword argument q= does not fit f(x, y=2.0, "
                              "*, scale=1.0, act=None) (got an unexpected keyword argument "
                              "'q'); pass the numbers by position or by its parameters' names"),
    (lambda f: f(1.0, x=2.0), "jit f(): keyword argument x= does not fit f(x, y=2.0, *, "
                              "scale=1.0, act=None) (multiple values for argument 'x'); "
                              "pass the numbers by position or by its parameters' names"),
    (lambda f: f.forward(1.0, scale=2.0),
     "jit f(): keyword argument scale=: scale is not a positional parameter of f(x, "
     "y=2.0, *, scale=1.0, act=None), and the jit passes the numbers by position; make "
     "scale positional"),
])
def test_keywords_that_cannot_be_bound_are_refused_in_one_line_naming_them(call, says):
    """Each message names the jitted function, the keyword, its signature and the fix;
    nothing is traced and w.grad stays 0."""
    w = Value(0.5, name="w", kind="parameter")

    def f(x, y=2.0, *, scale=1.0, act=None):
        return w * x * y * scale

    step = jit(f)
    with pytest.raises(TypeError) as caught:
        call(step)
    assert str(caught.value) == says
    assert w.grad == 0.0 and repr(step) == "<jit f, nothing traced yet>"


def test_a_skipped_parameter_whose_default_is_not_a_number_and_a_jit_loss_refuse_keywords():
    """g(x, act=None, z=1.0) called with z= only would need act's default None as a
    number; a jit_loss's numbers have no names to bind to: each refused in one line."""
    def g(x, act=None, z=1.0):
        return x * z

    with pytest.raises(TypeError) as caught:
        jit(g)(1.0, z=2.0)
    assert str(caught.value) == ("jit g(): keyword argument z=: act, which comes before, "
                                 "was not given and its default None is not a number; pass "
                                 "act too")
    import nn
    with pytest.raises(TypeError) as caught:
        nn.MLP([2, 1], seed=0).jit_loss()(1.0, 2.0, y=1.0)
    assert str(caught.value) == ("jit loss(): keyword argument y=: a jit_loss takes its "
                                 "numbers by position only, loss(x1, x2, then the targets)")


def test_each_way_of_calling_runs_the_code_and_names_a_failing_node():
    """f(x, y) = log(xy), hand-derived: f(2, 3) = log 6, ∂f/∂x = 1/x = 0.5, ∂f/∂y = 1/3;
    called, with keywords, as forward and as a batch (Σ: log 6 + log 1), each gives it,
    and a log of -2 is the eager engine's error naming the node (and the sample)."""
    f = jit(lambda x, y: (x * y).log())
    out, grads = f(2.0, 3.0, input_grads=True)
    assert out == pytest.approx(math.log(6.0), rel=1e-15)
    assert grads == pytest.approx((0.5, 1 / 3), rel=1e-15)
    assert f(x=2.0, y=3.0) == f.forward(2.0, 3.0) == pytest.approx(math.log(6.0), rel=1e-15)
    assert f.batch([(2.0, 3.0), (1.0, 1.0)]) == pytest.approx(math.log(6.0), rel=1e-15)
    for call in (lambda: f(-1.0, 2.0), lambda: f.forward(-1.0, 2.0)):
        with pytest.raises(ValueError, match=r"^log: input must be > 0, got 't1' = -2\.0"):
            call()
    with pytest.raises(ValueError, match=r"got 't1' = -2\.0 \(sample 2 of the batch\)"):
        f.batch([(1.0, 1.0), (-1.0, 2.0)])

"""Rows of Python floats to a float matrix at C speed (``autograd.jit_numpy.float_rows``),
as the numpy backend's ``.batch(list of tuples)`` and ``nn.train(backend="numpy")``
use it, and the numpy jit's reuse of the matrix for the very same tuples.

Oracles: each number's own bits (``float.hex``) against the matrix's; the numbers
and errors of the row-by-row path (a fresh jit given a numpy array, or the checked
conversion, which refuses what the rules refuse with a one-line message written out
here by hand).
"""

import math
import random
import struct

import pytest

import nn
from autograd import Value
from autograd.jit import jit

np = pytest.importorskip("numpy")
from autograd.jit_numpy import float_rows  # noqa: E402  (needs numpy)
from nn.data import number_rows  # noqa: E402

#: awkward doubles: signed zeros, the smallest subnormal, the largest finite, a NaN
#: with a payload, infinities (a jit batch takes them; training data refuses them later)
AWKWARD = [0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308, float.fromhex("0x1.8p-1022"),
           float.fromhex("0x1.fffffffffffffp+1023"), math.inf, -math.inf,
           struct.unpack("d", struct.pack("Q", 0x7FF8_0000_0000_0123))[0]]   # a NaN, payload 0x123


def random_rows(n, width, seed, kind=tuple):
    rng = random.Random(seed)
    pool = AWKWARD + [rng.uniform(-1e3, 1e3) for _ in range(20)]
    return [kind(rng.choice(pool) if rng.random() < 0.2 else rng.gauss(0.0, 1.0)
                 for _ in range(width)) for _ in range(n)]


def bits(matrix):
    """Each entry's 64 bits."""
    return np.ascontiguousarray(matrix).view(np.uint64).tolist()


def hexes(rows):
    """Each number's 64 bits, read by struct (native doubles)."""
    return [[struct.unpack("Q", struct.pack("d", v))[0] for v in row] for row in rows]


# ---------------------------------------------------------------------------
# float_rows: the same doubles, or None for anything it must not convert
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("width", [1, 2, 5, 15, 16, 17, 40])
@pytest.mark.parametrize("kind", [tuple, list])
def test_float_rows_holds_every_double_bit_for_bit(width, kind):
    rows = random_rows(37, width, seed=width, kind=kind)
    matrix = float_rows(rows, width)
    assert matrix.shape == (37, width) and matrix.dtype == np.float64
    assert bits(matrix) == hexes(rows)     # -0.0 stays -0.0, the NaN keeps its payload


@pytest.mark.parametrize("width", [2, 40])
@pytest.mark.parametrize("bad", [True, np.True_, "1.5", 1 + 0j, 1, np.float64(0.5), np.int64(2),
                                 None, [1.0]], ids=repr)
@pytest.mark.parametrize("where", ["first", "last"])
def test_float_rows_converts_nothing_but_floats(width, bad, where):
    rows = random_rows(30, width, seed=1, kind=list)
    i = 0 if where == "first" else -1
    rows[i][i] = bad
    assert float_rows(rows, width) is None


@pytest.mark.parametrize("width", [2, 40])
def test_float_rows_refuses_ragged_mixed_and_odd_rows(width):
    rows = random_rows(10, width, seed=2)
    assert float_rows(rows[:-1] + [rows[-1] + (1.0,)], width) is None
    assert float_rows(rows[:-1] + [rows[-1][:-1]], width) is None
    assert float_rows(rows[:-1] + [list(rows[-1])], width) is None     # tuples and a list
    assert float_rows(["ab"] * 3, 2) is None
    assert float_rows([], width) is None


# ---------------------------------------------------------------------------
# the numpy jit's .batch(list of tuples)
# ---------------------------------------------------------------------------

def loss_and_parameters():
    w = Value(0.7, kind="parameter")
    b = Value(-0.2, kind="parameter")

    def loss(x, y):
        return ((w * x + b).tanh() - y) ** 2
    return loss, (w, b)


def run(samples, step=None, params=None):
    """(the batch's total, each parameter's gradient), as hex, from fresh gradients."""
    if step is None:
        loss, params = loss_and_parameters()
        step = jit(loss, backend="numpy")
    for p in params:
        p.grad = 0.0
    total = step.batch(samples)
    return [total.hex()] + [p.grad.hex() for p in params]


def expected(samples):
    """The same batch given as a numpy array to a fresh jit (no list involved)."""
    return run(np.array([tuple(map(float, s)) for s in samples], dtype=np.float64))


def samples(n=200, seed=5):
    rng = random.Random(seed)
    return [(rng.uniform(-3, 3), float(rng.randint(0, 1))) for _ in range(n)]


def test_a_list_of_tuples_gives_the_array_numbers_bit_for_bit():
    data = samples()
    assert run(data) == expected(data)


def test_the_same_tuples_again_give_the_same_numbers():
    data = samples()
    loss, params = loss_and_parameters()
    step = jit(loss, backend="numpy")
    first = run(data, step, params)
    assert run(data, step, params) == first
    assert run(list(data), step, params) == first          # a new list of the same tuples
    assert run(iter(data), step, params) == first          # any iterable of them


@pytest.mark.parametrize("change", ["replace", "append", "remove", "swap", "slice", "rebuild"])
def test_a_changed_list_is_converted_again(change):
    data = samples()
    loss, params = loss_and_parameters()
    step = jit(loss, backend="numpy")
    run(data, step, params)
    if change == "replace":
        data[17] = (2.5, 1.0)
    elif change == "append":
        data.append((-1.0, 0.0))
    elif change == "remove":
        del data[0]
    elif change == "swap":
        data[3], data[4] = data[4], data[3]
    elif change == "slice":
        data[:] = [(x + 1.0, y) for x, y in data]
    else:   # the same numbers in new tuples
        data[:] = [(x, y) for x, y in data]
    assert run(data, step, params) == expected(data)


def test_a_row_replaced_by_another_thread_while_the_list_is_read_is_not_remembered(monkeypatch):
    """Another thread replaces a row just after the list was converted, before it was
    kept (injected at that moment): the list as it now is gives its own numbers."""
    import autograd.jit_numpy as jit_numpy
    data = samples()
    loss, params = loss_and_parameters()
    step = jit(loss, backend="numpy")
    convert = jit_numpy.float_rows

    def converted_then_replaced(rows, width):
        matrix = convert(rows, width)
        data[0] = (2.5, 1.0)          # the other thread, between the read and the keeping
        return matrix
    monkeypatch.setattr(jit_numpy, "float_rows", converted_then_replaced)
    before = run(data, step, params)
    monkeypatch.setattr(jit_numpy, "float_rows", convert)
    assert data[0] == (2.5, 1.0) and before != expected(data)
    assert run(data, step, params) == expected(data)


def test_rows_that_are_lists_are_read_again_on_every_call():
    data = [list(s) for s in samples()]
    loss, params = loss_and_parameters()
    step = jit(loss, backend="numpy")
    run(data, step, params)
    data[0][0] = 1.25          # the same list objects, changed in place
    data[-1][1] = -0.0
    assert run(data, step, params) == expected(data)


@pytest.mark.parametrize("bad, word", [(True, "bool"), ("0.5", "str"), (1 + 0j, "complex"),
                                       (np.True_, "bool")])
def test_a_bad_number_put_into_a_remembered_list_is_refused(bad, word):
    data = samples(20)
    data[19] = (0.5, 1.0)
    loss, params = loss_and_parameters()
    step = jit(loss, backend="numpy")
    run(data, step, params)
    data[19] = (0.5, bad)      # True and 1+0j make a tuple equal to the one replaced
    with pytest.raises(TypeError) as caught:
        step.batch(data)
    message = str(caught.value)
    assert "sample 20" in message and "'y'" in message and word in message, message
    assert "\n" not in message


def test_nan_and_infinities_in_a_list_give_the_array_numbers():
    data = samples(12)
    data[2], data[7], data[11] = (math.inf, 1.0), (-math.inf, 0.0), (math.nan, 1.0)
    assert run(data) == expected(data)


@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("bad, message", [
    (3.0, "jit loss.batch: sample 3 must be a tuple of numbers, got float 3.0"),
    ((1.0,), "jit loss{call} sample 3: 1 number(s), but the samples before it have 2"),
])
def test_a_sample_of_the_wrong_shape_is_named(backend, bad, message):
    loss, _ = loss_and_parameters()
    data = samples(4)
    data[2] = bad
    with pytest.raises(TypeError) as caught:
        jit(loss, backend=backend).batch(data)
    call = "() batch" if backend == "python" else ".batch"
    assert str(caught.value) == message.format(call=call)


def test_ints_and_numpy_scalars_still_take_the_checked_path():
    data = samples(30)
    as_ints = [(x, int(y)) for x, y in data]
    as_numpy = [(np.float64(x), np.float32(y)) for x, y in data]
    assert run(as_ints) == expected(data)
    assert run(as_numpy) == expected(data)


def test_the_remembered_matrix_is_forgotten_by_clear():
    data = samples(10)
    loss, params = loss_and_parameters()
    step = jit(loss, backend="numpy")
    run(data, step, params)
    assert step._rows_matrix is not None and not step._rows_matrix[1].flags.writeable
    step.clear()
    assert step._rows_matrix is None
    assert run(data, step, params) == expected(data)


# ---------------------------------------------------------------------------
# training data: nn.data.number_rows(..., as_array=True)
# ---------------------------------------------------------------------------

def column_name(j):
    return f"input x{j}"


def convert(rows, width):
    return number_rows(rows, width, "train", column_name, as_array=True)


@pytest.mark.parametrize("width", [2, 40])
def test_training_rows_of_floats_hold_every_double(width):
    rows = [[v if math.isfinite(v) else 0.5 for v in row]
            for row in random_rows(25, width, seed=7, kind=list)]
    assert bits(convert(rows, width)) == hexes(rows)
    ints = [[int(v) for v in row] for row in rows]   # the checked path: float(int)
    assert bits(convert(ints, width)) == hexes([[float(v) for v in row] for row in ints])


@pytest.mark.parametrize("width", [2, 40])
@pytest.mark.parametrize("bad, error, message", [
    (math.nan, ValueError, "train: sample 25, column {w} (input x{w}) is nan; training data "
                           "must be finite numbers"),
    (-math.inf, ValueError, "train: sample 25, column {w} (input x{w}) is -inf"),
    ("0.5", TypeError, "train: sample 25, column {w} (input x{w}) needs a real number"),
    (True, TypeError, "train: sample 25, column {w} (input x{w}) needs a real number"),
    (np.False_, TypeError, "train: sample 25, column {w} (input x{w}) needs a real number"),
    (2j, TypeError, "train: sample 25, column {w} (input x{w}) needs a real number"),
    (10 ** 400, OverflowError, "train: sample 25, column {w} (input x{w}): the int"),
])
def test_a_bad_number_in_the_last_training_row_is_named(width, bad, error, message):
    rows = [[0.25] * width for _ in range(25)]
    rows[-1][-1] = bad
    with pytest.raises(error) as caught:
        convert(rows, width)
    text = str(caught.value)
    assert text.startswith(message.format(w=width)) and "\n" not in text, text


@pytest.mark.parametrize("width", [2, 40])
def test_a_short_training_row_is_named(width):
    rows = [[0.25] * width for _ in range(25)]
    rows[-1] = rows[-1][:-1]
    with pytest.raises(ValueError) as caught:
        convert(rows, width)
    assert str(caught.value).startswith(f"train: sample 25: expected {width} numbers, "
                                        f"got {width - 1}")


def test_training_on_lists_matches_training_on_the_array_bit_for_bit():
    rng = random.Random(11)
    inputs = [[rng.uniform(-1, 1) for _ in range(20)] for _ in range(30)]
    targets = [[rng.uniform(0, 1)] for _ in range(30)]
    states = []
    for given in (inputs, np.array(inputs)):
        net = nn.MLP([20, 4, 1], seed=3)
        nn.train(net, given, targets, epochs=2, lr=0.1, batch=7, progress=False,
                 backend="numpy")
        states.append({k: v.hex() for k, v in net.state_dict().items()})
    assert states[0] == states[1]

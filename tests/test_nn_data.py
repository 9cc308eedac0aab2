"""Training data is checked once, before the first step, with the same rules on
both backends: real numbers only, finite, the network's widths and the loss's
target ranges.  A bad sample gives a one-line error naming its sample (from 1)
and column, and nothing changes.

Oracle: the data as written (the bad entry is placed by hand) and the
network's parameters before the call, compared bit for bit.
"""

import math

import pytest

import nn

np = pytest.importorskip("numpy")

BACKENDS = ["python", "numpy"]
GOOD = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]


def refused(backend, inputs, targets, error, message, **kwargs):
    net = nn.MLP([2, 3, 1], seed=0)
    before = {k: v.hex() for k, v in net.state_dict().items()}
    with pytest.raises(error) as caught:
        nn.train(net, inputs, targets, epochs=2, lr=0.5, progress=False, backend=backend,
                 **kwargs)
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert {k: v.hex() for k, v in net.state_dict().items()} == before
    assert all(p.grad == 0.0 for p in net.parameters())
    return text


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bad, error, message", [
    (math.nan, ValueError, "train: sample 2, column 2 (input x2) is nan; training data must "
                           "be finite numbers"),
    (math.inf, ValueError, "train: sample 2, column 2 (input x2) is inf"),
    ("0", TypeError, "train: sample 2, column 2 (input x2) needs a real number"),
    (True, TypeError, "train: sample 2, column 2 (input x2) needs a real number"),
    (1 + 2j, TypeError, "train: sample 2, column 2 (input x2) needs a real number"),
    (10 ** 400, OverflowError, "train: sample 2, column 2 (input x2): the int"),
])
def test_a_bad_input_number_is_named_by_sample_and_column(backend, bad, error, message):
    inputs = [list(row) for row in GOOD]
    inputs[1][1] = bad
    refused(backend, inputs, [0.0, 1.0, 0.5], error, message)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype, bad, error, message", [
    (float, math.nan, ValueError, "train: sample 3, column 1 (input x1) is nan"),
    (float, -math.inf, ValueError, "train: sample 3, column 1 (input x1) is -inf"),
    (bool, True, TypeError, "train: sample 1, column 1 (input x1) needs a real number"),
    (complex, 2.0, TypeError, "train: sample 1, column 1 (input x1) needs a real number"),
    (str, "0.5", TypeError, "train: sample 1, column 1 (input x1) needs a real number"),
])
def test_a_bad_array_is_named_by_sample_and_column(backend, dtype, bad, error, message):
    inputs = np.array(GOOD).astype(dtype)
    inputs[2, 0] = bad
    refused(backend, inputs, np.array([0.0, 1.0, 0.5]), error, message)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("targets, error, message", [
    ([0.0, math.nan, 0.5], ValueError, "train: sample 2, target 1 is nan"),
    ([0.0, 1.0, math.inf], ValueError, "train: sample 3, target 1 is inf"),
    ([0.0, "1", 0.5], TypeError, "train: sample 2, target 1 needs a real number"),
    ([0.0, 1.0, [0.5, 0.5]], ValueError, "train: sample 3: 1 output but 2 targets"),
])
def test_a_bad_target_is_named_by_sample(backend, targets, error, message):
    refused(backend, GOOD, targets, error, message)


@pytest.mark.parametrize("backend", BACKENDS)
def test_target_ranges_of_the_loss(backend):
    refused(backend, GOOD, [0.0, 1.5, 0.5], ValueError,
            "train: sample 2: target y must be a probability in [0, 1], got 1.5",
            loss="binary_cross_entropy")
    net_targets = [0, 3, 1]
    net = nn.MLP([2, 3], activation="linear", seed=0)
    with pytest.raises(ValueError, match=r"train: sample 2: target_index 3 is out of range"):
        nn.train(net, GOOD, net_targets, epochs=1, lr=0.1, loss="cross_entropy",
                 progress=False, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ragged_lists_generators_and_3d_arrays(backend):
    refused(backend, [[0.1, 0.2], [0.3], [0.5, 0.6]], [0, 1, 0], ValueError,
            "train: sample 2: the network expects 2 inputs, got 1: [0.3]")
    refused(backend, [[0.1, 0.2], (v for v in [0.3, 0.4]), [0.5, 0.6]], [0, 1, 0], TypeError,
            "train: sample 2: expected a list of 2 numbers, got generator")
    refused(backend, (row for row in GOOD), [0, 1, 0], TypeError,
            "train: inputs must be a list with one entry per sample, got generator")
    refused(backend, np.zeros((3, 2, 4)), [0, 1, 0], ValueError,
            "train: sample 1: expected a row of 2 numbers, got a 2×4 array "
            "(the samples have shape (3, 2, 4); one row per sample)")


def test_both_backends_refuse_with_the_same_words():
    inputs = [list(row) for row in GOOD]
    inputs[2][0] = "x"
    texts = {refused(backend, inputs, [0, 1, 0], TypeError, "sample 3, column 1")
             for backend in BACKENDS}
    assert len(texts) == 1


def test_the_matrix_program_checks_its_samples_as_training_does_but_for_finiteness():
    """Types and widths as training data; a NaN is computed with, as the Python jit
    does (tests/test_numpy_batch_nonfinite.py holds the numbers to PyTorch)."""
    program = nn.MLP([2, 2, 1], seed=0).jit_loss(backend="numpy")
    with pytest.raises(TypeError, match=r"half_squared_error.batch: sample 1, column 3 \(y1\) "
                                        r"needs a real number"):
        program.batch([["0.1", 0.2, "1"]] if False else [[0.1, 0.2, "1"]])
    with pytest.raises(ValueError, match=r"half_squared_error.batch: sample 2: expected 3 "
                                         r"numbers \(2 inputs, then 1 target\), got 2"):
        program.batch([[0.1, 0.2, 1.0], [0.1, 0.2]])
    assert math.isnan(program.batch(np.array([[0.1, math.nan, 1.0]])))


def test_sgd_and_adam_take_numpy_float32_as_float64():
    from autograd import Value
    w = Value(1.0, kind="parameter")
    for lr in (np.float32(0.1), np.float64(0.1), np.int64(1)):
        sgd = nn.SGD([w], lr=lr, momentum=np.float32(0.5))
        assert sgd.lr == float(lr) and sgd.momentum == 0.5
    adam = nn.Adam([w], lr=np.float32(0.01), betas=(np.float32(0.9), np.float32(0.99)),
                   eps=np.float32(1e-8))
    assert adam.lr == float(np.float32(0.01)) and adam.betas == (float(np.float32(0.9)),
                                                                  float(np.float32(0.99)))
    with pytest.raises(ValueError, match="SGD: lr must be a positive finite number"):
        nn.SGD([w], lr=np.bool_(True))
    with pytest.raises(ValueError, match="SGD: lr must be a positive finite number"):
        nn.SGD([w], lr=np.float32("nan"))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("jit", ["auto", False])
def test_a_masked_entry_is_refused_before_the_first_step(backend, jit):
    """A masked array's hidden entry (sample 3's x2, or sample 2's target) is named
    before any step: its tolist() gives None there, so the Python backend stopped in
    the third step, after two updates, naming 'batch sample 1', and the numpy backend
    trained on the hidden number."""
    if backend == "numpy" and jit is False:
        pytest.skip("the numpy backend runs compiled steps")
    inputs = np.ma.masked_array(GOOD, mask=[[0, 0], [0, 0], [0, 1]])
    refused(backend, inputs, [0.1, 0.2, 0.3], ValueError,
            "train: sample 3, column 2 (input x2) is masked; training data must be numbers",
            jit=jit)
    targets = np.ma.masked_array([0.1, 0.2, 0.3], mask=[0, 1, 0])
    refused(backend, GOOD, targets, ValueError, "train: sample 2, target 1 is masked", jit=jit)


def test_float_lists_takes_only_rows_of_finite_floats():
    """The fast path of the data check: rows of exactly ``width`` finite Python floats
    come back as new lists with the same numbers; anything else is None, for the
    row-by-row check to convert or name (hand-decided cases)."""
    from nn.data import float_lists
    rows = [[0.5, -0.0], [1e308, 2.5]]
    got = float_lists(rows, 2)
    assert got == rows and got[0] is not rows[0] and math.copysign(1.0, got[0][1]) == -1.0
    assert float_lists([(0.5, 1.0), (2.0, 3.0)], 2) == [[0.5, 1.0], [2.0, 3.0]]
    for bad in ([[0.5, 1]], [[0.5, True]], [[0.5, math.nan]], [[math.inf, 0.0]],
                [[0.5, 1.0], [0.5]], [[0.5, 1.0], (0.5, 1.0)], [[1e308, 1e308]]):
        assert float_lists(bad, 2) is None, bad


def nielsen_data():
    """Five samples of a 4-3-2 network as Nielsen's code holds them: each x a 4×1 column,
    each y a 2×1 column (and X, Y the columns side by side); the cost of the first epoch
    (batch=None) by hand: the mean of ½‖a − y‖² at the initial weights."""
    rng = np.random.default_rng(3)
    xs = [rng.uniform(size=(4, 1)) for _ in range(5)]
    ys = [np.eye(2)[:, [i % 2]] for i in range(5)]
    net = nn.MLP([4, 3, 2], seed=0)
    W = net.matrices(layout="columns")
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    X, Y = np.hstack(xs), np.hstack(ys)
    A = sig(W["W3"] @ sig(W["W2"] @ X + W["b2"]) + W["b3"])
    return net, xs, ys, X, Y, float(np.mean(0.5 * ((A - Y) ** 2).sum(axis=0)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_samples_as_columns_say_to_give_rows(backend):
    """Nielsen's data, a column per sample, said only 'train: 4 input samples but 2 target
    samples; they must have the same length' (X 4×5, Y 2×5), and his list of 4×1 columns
    'sample 1, column 1 (input x1) needs a real number ..., got ndarray array([0.0856])';
    each now says it is a column and what to pass, and that advice trains as the hand cost
    says."""
    net, xs, ys, X, Y, cost = nielsen_data()
    before = {k: v.hex() for k, v in net.state_dict().items()}
    cases = [
        (X, Y, "train: 4 input samples but 2 target samples; they must have the same length; "
               "the inputs 4×5 and the targets 2×5 hold a sample per column (Nielsen's "
               "layout): pass X.T and Y.T, a row per sample"),
        (X, Y.T, "the inputs 4×5 hold a sample per column (Nielsen's layout): pass X.T, a row "
                 "per sample"),
        (X.T, Y[:1], "train: 5 input samples but 1 target sample; they must"),
        (X.T, Y, "the targets 2×5 hold a sample per column (Nielsen's layout): pass Y.T"),
        (xs, ys, "train: sample 1 is a 4×1 column (as Nielsen's data holds a sample); give it "
                 "as a row of 4 numbers, x.ravel()"),
        ([x.ravel() for x in xs], ys, "train: sample 1: its target is a 2×1 column (as "
                                      "Nielsen's data holds a sample); give it as a row of 2 "
                                      "numbers, y.ravel()"),
        ([x.tolist() for x in xs], Y.T, "train: sample 1 is a 4×1 column")]
    for inputs, targets, message in cases:
        with pytest.raises(ValueError) as caught:
            nn.train(net, inputs, targets, epochs=1, lr=0.5, batch=None, progress=False,
                     backend=backend)
        assert message in str(caught.value) and "\n" not in str(caught.value)
        assert {k: v.hex() for k, v in net.state_dict().items()} == before
    history = nn.train(net, X.T, Y.T, epochs=1, lr=0.5, batch=None, progress=False,
                       backend=backend)
    assert history[0] == pytest.approx(cost, rel=1e-12)


def test_one_column_sample_elsewhere_says_it_is_a_column():
    """net(x) of a 4×1 column said '... got ndarray array([0.0856]); for a list of samples
    use net.batch(X) or net.predict(X)', advice that reads the column as four samples;
    predict(X) of Nielsen's X (4×5) said only 'expects 4 inputs, got 5', where batch(X)
    named the columns; the per-step program's batch of columns gave their shape only.
    Following each advice gives the hand-computed outputs."""
    net, xs, ys, X, Y, cost = nielsen_data()
    with pytest.raises(TypeError, match=r"; that is a 4×1 column \(as Nielsen's data holds a "
                                        r"sample\): one sample is a row of 4 numbers, "
                                        r"net\(x\.ravel\(\)\)$"):
        net(xs[0])
    with pytest.raises(ValueError, match=r"the samples are columns \(4×5, Nielsen's layout\), "
                                         r"a batch takes a row per sample: net\.predict\(X\.T\)"):
        net.predict(X)
    with pytest.raises(ValueError, match=r"MLP 4-3-2: sample 1 is a 4×1 column"):
        net.predict(xs)
    W = net.matrices(layout="columns")
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    hand = sig(W["W3"] @ sig(W["W2"] @ X + W["b2"]) + W["b3"])
    assert np.allclose(net.predict(X.T), hand.T, rtol=1e-13, atol=0)
    assert np.allclose([a.data for a in net(xs[0].ravel())], hand[:, 0], rtol=1e-13, atol=0)
    step = net.jit_loss(backend="numpy")
    with pytest.raises(ValueError, match=r"got 5 \(the samples have shape \(6, 5\)\); a sample "
                                         r"per column \(Nielsen's layout\)\? give its transpose"):
        step.batch(np.vstack([X, Y]))
    assert step.batch(np.vstack([X, Y]).T, mean=True) == pytest.approx(cost, rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_comparisons_bool_array_says_how_to_make_numbers(backend):
    """Y = X[:, :1] > 0.5 is a bool array; training on it said '... needs a real number
    (int, float or a real scalar with __float__), got bool True', which does not say how
    to fix it; the error now says .astype(float), and that trains: the first epoch's loss
    (batch=None, the mean of ½(y − a)² at the initial weights) is the hand numpy one."""
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(6, 2))
    Y = X[:, :1] > 0.5
    refused(backend, X, Y, TypeError, "got bool True; a comparison gives a bool: float(b), "
                                      "or .astype(float) for a comparison's array")
    refused(backend, X > 0.5, Y.astype(float), TypeError, "column 1 (input x1) needs a real "
            "number (int, float or a real scalar with __float__), got bool True; a comparison")
    net = nn.MLP([2, 3, 1], seed=0)
    W = net.matrices(layout="columns")
    A = 1 / (1 + np.exp(-(W["W3"] @ (1 / (1 + np.exp(-(W["W2"] @ X.T + W["b2"])))) + W["b3"])))
    history = nn.train(net, X, Y.astype(float), epochs=1, lr=0.5, batch=None, progress=False,
                       backend=backend)
    assert history[0] == pytest.approx(float(np.mean(0.5 * (A - Y.T) ** 2)), rel=1e-12)


def test_nielsens_x_y_pairs_say_how_to_give_rows():
    """Nielsen's training_data is a list of (x, y) pairs of columns; given to the per-step
    program (or to train as inputs) it said only 'expected 6 numbers (inputs, then targets),
    got 2: (array([[0.0856], ...'; it now says it is a pair and what row to give, and that
    row gives the hand cost."""
    net, xs, ys, X, Y, cost = nielsen_data()
    pairs = list(zip(xs, ys))
    step = net.jit_loss(backend="numpy")
    with pytest.raises(ValueError, match=r"got 2: .*; that is a pair \(x, y\), as Nielsen's "
                                         r"training_data holds a sample: give one row of "
                                         r"numbers, np\.concatenate\(\[x\.ravel\(\), "
                                         r"y\.ravel\(\)\]\)$"):
        step.batch(pairs)
    for backend in BACKENDS:
        with pytest.raises(ValueError, match=r"the network expects 4 inputs, got 2: .*; that is "
                                             r"a pair \(x, y\), .*: give one row of numbers, "
                                             r"x\.ravel\(\), and the targets apart$"):
            nn.train(net, pairs, ys, epochs=1, lr=0.5, progress=False, backend=backend)
    rows = np.array([np.concatenate([x.ravel(), y.ravel()]) for x, y in pairs])
    assert step.batch(rows, mean=True) == pytest.approx(cost, rel=1e-12)


def test_a_torch_tensor_that_requires_grad_trains_without_torch_warning_and_same_numbers():
    # oracle: the other door, the same numbers given as Python lists (tensor.tolist());
    # a tensor with requires_grad=True let torch's UserWarning ("Converting a tensor with
    # requires_grad=True to a scalar ...") through to the user
    torch = pytest.importorskip("torch")
    import warnings
    rows = [[0.5, -1.0], [1.0, 2.0], [-0.25, 0.75]]
    X = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    Y = torch.tensor([[1.0], [0.0], [1.0]], dtype=torch.float64, requires_grad=True)
    by_lists = nn.MLP([2, 2, 1], seed=4)
    nn.train(by_lists, rows, [[1.0], [0.0], [1.0]], lr=0.5, epochs=3, shuffle=False)
    net = nn.MLP([2, 2, 1], seed=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.train(net, X, Y, lr=0.5, epochs=3, shuffle=False)
        C = nn.MLP([2, 2, 1], seed=4).jit_loss().batch(torch.cat([X, Y], 1))
    assert [str(w.message) for w in caught] == []
    assert [p.data for p in net.parameters()] == [p.data for p in by_lists.parameters()]
    fresh = nn.MLP([2, 2, 1], seed=4)
    assert C == fresh.jit_loss().batch([r + y for r, y in zip(rows, [[1.0], [0.0], [1.0]])])
    assert X.requires_grad and X.grad is None          # the caller's tensor as it was


@pytest.mark.parametrize("backend", BACKENDS)
def test_integer_class_labels_for_several_outputs_say_to_one_hot_them(backend):
    """Nielsen's labels are digits 0..9 and his network has an output per digit; training
    a 4-3-3 network on labels [1, 0, 2, ...] with the squared error said only 'train:
    sample 1: 3 outputs but 1 targets 1; they must have the same length'. It now asks
    whether 1 is a class label and says to one-hot it (np.eye(3)[labels]) or use
    cross_entropy; the network is as before, and the one-hot rows train as a numpy
    BP1-BP4 loop of Nielsen's update (the same η, batches and order) does."""
    rng = np.random.default_rng(8)
    X, labels = rng.uniform(-1, 1, size=(6, 4)), np.array([1, 0, 2, 2, 1, 0])
    hint = ("; they must have the same length: is 1 "
            "a class label? This loss takes one target per output; give each label as its "
            "one-hot row (all at once: np.eye(3)[labels], as Nielsen's vectorized_result "
            "does), or use the loss \"cross_entropy\", which takes class indices")
    for targets in (labels, labels.tolist(), labels.reshape(-1, 1), labels.astype(float)):
        net = nn.MLP([4, 3, 3], seed=2)
        before = {k: v.hex() for k, v in net.state_dict().items()}
        with pytest.raises(ValueError) as caught:
            nn.train(net, X, targets, epochs=1, lr=3.0, batch=2, progress=False,
                     backend=backend)
        text = str(caught.value)
        assert text.startswith("train: sample 1: 3 outputs but 1 target ") and "\n" not in text
        assert text.endswith(hint)
        assert {k: v.hex() for k, v in net.state_dict().items()} == before
    with pytest.raises(ValueError) as caught:        # 3 is no class of 3 outputs: no guess
        nn.train(nn.MLP([4, 3, 3], seed=2), X, [3] * 6, epochs=1, lr=3.0, progress=False,
                 backend=backend)
    assert "class label" not in str(caught.value)
    net = nn.MLP([4, 3, 3], seed=2)
    W = net.matrices(layout="columns")
    ws, bs = [W["W2"], W["W3"]], [W["b2"], W["b3"]]
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    Y = np.eye(3)[labels]
    for _ in range(2):                                 # Nielsen's update_mini_batch, η = 3
        for k in range(0, 6, 2):
            a1, y = X[k:k + 2].T, Y[k:k + 2].T
            a2 = sig(ws[0] @ a1 + bs[0])
            a3 = sig(ws[1] @ a2 + bs[1])
            d3 = (a3 - y) * a3 * (1 - a3)
            d2 = (ws[1].T @ d3) * a2 * (1 - a2)
            grads_w, grads_b = [d2 @ a1.T, d3 @ a2.T], [d2.sum(1, keepdims=True),
                                                        d3.sum(1, keepdims=True)]
            ws = [w - 3.0 / 2 * g for w, g in zip(ws, grads_w)]
            bs = [b - 3.0 / 2 * g for b, g in zip(bs, grads_b)]
    nn.train(net, X, np.eye(3)[labels], epochs=2, lr=3.0, batch=2, progress=False,
             backend=backend)
    got = net.matrices(layout="columns")
    for name, hand in zip(("W2", "W3", "b2", "b3"), ws + bs):
        assert np.allclose(got[name], hand, rtol=1e-12, atol=1e-15), name


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_flat_vector_of_inputs_says_how_to_make_it_samples(backend):
    """x = np.linspace(-1, 1, 6) for a 1-2-1 network said "train: sample 1: expected a row
    of 1 numbers, got one number (the samples have shape (6,); one row per sample)", and
    x.tolist() "expected a list of 1 numbers, got float -1.0", though a flat vector of
    targets is taken for one output. Each now says how to give the samples (X.reshape(-1,
    1)), as predict does; one sample of 7 numbers to the per-step program says to give a
    batch of one. Following the advice trains as numpy BP1-BP4 by hand: one batch of 6,
    η = 0.5, two steps."""
    x = np.linspace(-1, 1, 6)
    for inputs, error, start, advice in (
            (x, ValueError, "train: sample 1: expected a row of 1 number, got one number (the "
                            "samples have shape (6,)", "; for 6 samples of one input each give "
                            "a list of rows, [[x] for x in X] (a numpy array: X.reshape(-1, 1))"),
            (x.tolist(), TypeError, "train: sample 1: expected a list of 1 number, got float "
                                    "-1.0", "; for samples of one input each give a list of "
                                    "rows, [[x] for x in X] (a numpy array: X.reshape(-1, 1))")):
        net = nn.MLP([1, 2, 1], seed=4)
        before = {k: v.hex() for k, v in net.state_dict().items()}
        with pytest.raises(error) as caught:
            nn.train(net, inputs, x ** 2, epochs=2, lr=0.5, batch=None, progress=False,
                     backend=backend)
        text = str(caught.value)
        assert text.startswith(start) and text.endswith(advice) and "\n" not in text
        assert {k: v.hex() for k, v in net.state_dict().items()} == before
    net = nn.MLP([1, 2, 1], seed=4)
    W = net.matrices(layout="columns")
    W2, b2, W3, b3 = W["W2"], W["b2"], W["W3"], W["b3"]
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    a1, y = x.reshape(1, -1), (x ** 2).reshape(1, -1)
    for _ in range(2):
        a2 = sig(W2 @ a1 + b2)
        a3 = sig(W3 @ a2 + b3)
        d3 = (a3 - y) * a3 * (1 - a3) / 6
        d2 = (W3.T @ d3) * a2 * (1 - a2)
        W3, b3, W2, b2 = (W3 - 0.5 * d3 @ a2.T, b3 - 0.5 * d3.sum(1, keepdims=True),
                          W2 - 0.5 * d2 @ a1.T, b2 - 0.5 * d2.sum(1, keepdims=True))
    nn.train(net, x.reshape(-1, 1), x ** 2, epochs=2, lr=0.5, batch=None, progress=False,
             backend=backend)
    got = net.matrices(layout="columns")
    for name, hand in (("W2", W2), ("b2", b2), ("W3", W3), ("b3", b3)):
        assert np.allclose(got[name], hand, rtol=1e-12, atol=1e-15), name
    if backend == "numpy":
        step = nn.MLP([4, 3, 2], seed=0).jit_loss(backend="numpy")
        row = np.array([0.1, 0.2, 0.3, 0.4, 1.0, 0.0])
        with pytest.raises(ValueError, match=r"expected a row of 6 numbers, got one number .*; "
                                             r"6 numbers are one sample: give a batch of one, "
                                             r"X\.reshape\(1, -1\) \(a list: \[x\]\)$"):
            step.batch(row)


def test_rows_with_a_class_label_for_the_per_step_program_say_to_one_hot_it():
    """step.batch(np.hstack([X, labels[:, None]])) for a 4-3-3 network said "expected 7
    numbers (inputs, then targets), got 5", not which 7 nor what the fifth is; it now
    counts them, "(4 inputs, then 3 targets)", and asks whether 1 is a class label, with
    the one-hot rows to give (the compiled loss takes one number per output, cross_entropy
    too, so that loss is not offered). Following it gives the cost and ∂C/∂W3 of numpy
    BP1-BP4 by hand; nothing is added to any .grad before."""
    rng = np.random.default_rng(9)
    X, labels = rng.uniform(-1, 1, size=(5, 4)), np.array([1, 0, 2, 2, 1])
    net = nn.MLP([4, 3, 3], seed=6)
    step = net.jit_loss(backend="numpy")
    for rows in (np.hstack([X, labels[:, None]]), np.hstack([X, labels[:, None]]).tolist()):
        with pytest.raises(ValueError) as caught:
            step.batch(rows)
        assert str(caught.value).startswith(
            "half_squared_error.batch: sample 1: expected 7 numbers (4 inputs, then 3 "
            "targets), got 5")
        assert str(caught.value).endswith(
            ": is 1 a class label? This loss takes one target per output; give each label as "
            "its one-hot row (all at once: np.hstack([X, np.eye(3)[labels]]), as Nielsen's "
            "vectorized_result does)")
        assert all(p.grad == 0.0 for p in net.parameters())
    W = net.matrices(layout="columns")
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    a2 = sig(W["W2"] @ X.T + W["b2"])
    a3 = sig(W["W3"] @ a2 + W["b3"])
    Y = np.eye(3)[labels].T
    cost = step.batch(np.hstack([X, np.eye(3)[labels]]))
    assert cost == pytest.approx(0.5 * ((a3 - Y) ** 2).sum(), rel=1e-12)
    assert np.allclose(net.gradient_matrices(layout="columns")["W3"],
                       ((a3 - Y) * a3 * (1 - a3)) @ a2.T, rtol=1e-12, atol=0)


def test_a_flat_vector_to_net_batch_of_a_one_input_network_says_how_to_make_it_samples():
    """net.batch(np.linspace(-1, 1, 6)) of a 1-2-1 network said "MLP 1-2-1: inputs must be a
    list of numbers or Values (e.g. [0.5]), got float64 np.float64(-1.0)", where
    net.predict of the same vector says how to give the samples; batch now says it too,
    and its advice gives the outputs of a numpy forward pass by hand."""
    x = np.linspace(-1, 1, 6)
    net = nn.MLP([1, 2, 1], seed=4)
    for given in (x, x.tolist()):
        with pytest.raises(TypeError) as caught:
            net.batch(given)
        assert str(caught.value).endswith(
            "; for 6 samples of one input each give a list of rows, [[x] for x in X] (a numpy "
            "array: X.reshape(-1, 1))")
    with pytest.raises(TypeError) as caught:                # two inputs: no such advice
        nn.MLP([2, 2, 1], seed=4).batch([0.5, 1.0])
    assert "samples of one input" not in str(caught.value)
    W = net.matrices(layout="columns")
    sig = lambda z: 1 / (1 + np.exp(-z))                                   # noqa: E731
    hand = sig(W["W3"] @ sig(W["W2"] @ x.reshape(1, -1) + W["b2"]) + W["b3"])
    outputs = [out.data for [out] in net.batch(x.reshape(-1, 1))]
    assert np.allclose(outputs, hand.ravel(), rtol=1e-13, atol=0)

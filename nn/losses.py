"""Losses built from Value nodes, so their gradients flow into the network.

The cost of one sample x, with outputs a^L_j (logits z^L_j) and targets y_j:

    sum_squared_error      C_x = Σ_j (y_j − a^L_j)²
    half_squared_error     C_x = ½ Σ_j (y_j − a^L_j)²                  (the worked examples)
    binary_cross_entropy   C_x = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)]
    cross_entropy          C_x = −ln softmax(z^L)_t = ln Σ_k e^{z^L_k} − z^L_t

Each takes one sample's outputs and targets, or a batch: a list with one
output list per sample and one target entry per sample.  A batch of m
samples costs C = (1/m) Σ_x C_x (``reduction="mean"``, the default, Nielsen's
C = (1/n) Σ_x C_x) or C = Σ_x C_x (``reduction="sum"``).

    half_mean_squared_error   C = 1/(2m) Σ_i Σ_j (y_ij − a^L_ij)²   a batch (the mini-batch cost)

The output error δ^L_j = ∂C/∂z^L_j then reads as ``z.grad`` of the last
layer after ``C.backward()``: (a^L_j − y_j) σ'(z^L_j) for ½ squared error (BP1),
a^L_j − y_j for cross-entropy on sigmoid outputs and for softmax
cross-entropy.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

from autograd import Value, dot, maximum, ops, sum_values
from autograd.names import printable, with_sample
from autograd.floats import counted, listlike, short_repr
from autograd.value import Operand, apply, as_float

#: one sample's outputs (a list of Values, or one Value), or a batch: one such per sample
Outputs = Value | Sequence[Value | Sequence[Value]]
#: one sample's targets (numbers or Values, or one number), or a batch: one such per sample
Targets = Operand | Sequence[Operand | Sequence[Operand]]

__all__ = ["sum_squared_error", "half_squared_error", "half_mean_squared_error",
           "binary_cross_entropy", "cross_entropy", "softmax", "log_sum_exp",
           "reduce_samples", "check_reduction", "outside_open_unit", "LOSSES", "Loss",
           "resolve_loss"]

REDUCTIONS = ("mean", "sum")


# ---------------------------------------------------------------------------
# Checking outputs and targets
# ---------------------------------------------------------------------------

def _as_list(x):
    """A single Value or number is a list of one (a network with one output)."""
    if (isinstance(x, (Value, int, float)) and not isinstance(x, bool)
            or getattr(x, "ndim", None) == 0):        # a numpy scalar or 0-d array
        return [x]
    if not is_row(x):
        raise TypeError(f"expected a list of numbers or Values, got {type(x).__name__} "
                        f"{short_repr(x)}")
    return x


def _outputs(outputs, where, what="output"):
    """One sample's outputs as a non-empty list of Values."""
    outputs = _as_list(outputs)
    if not outputs:
        raise ValueError(f"{where}: needs at least one {what}")
    for j, a in enumerate(outputs, 1):
        if not isinstance(a, Value):
            raise TypeError(f"{where}: {what} {j} must be a Value (a network {what}), got "
                            f"{type(a).__name__} {short_repr(a)}")
    return outputs


def _same_length(outputs, targets, where):
    if len(outputs) != len(targets):
        raise ValueError(f"{where}: {counted(len(outputs), 'output')} but "
                         f"{counted(len(targets), 'target')} {short_repr(targets)}; they must "
                         f"have the same length")


def _target_name(j, n, sample=None):
    """``y`` / ``y1, y2, ...``; for sample i of a batch ``y(i)``, ``y1(i)`` (y⁽ⁱ⁾, y₁⁽ⁱ⁾)."""
    name = "y" if n == 1 else f"y{j}"
    return name if sample is None else with_sample(name, sample)


def _target(y, name):
    """A target number becomes a constant leaf named ``y`` / ``y1, y2, ...``; a Value is kept."""
    if isinstance(y, Value):
        return y
    try:
        return Value(y, name, kind="constant")
    except TypeError:
        raise TypeError(f"target {name} must be a number or a Value, got "
                        f"{type(y).__name__} {short_repr(y)}") from None


def _probability(y, name, where):
    """A target that must be a probability in [0, 1] (a Value is checked by its number)."""
    node = _target(y, name)
    if not 0.0 <= node.data <= 1.0:   # (its number: a jitted loss's targets are Values)
        raise ValueError(f"{where}: target {name} must be a probability in [0, 1], "
                         f"got {node.data!r}")
    return node


def check_reduction(reduction, where):
    """``reduction`` if it is "mean" or "sum", else a ValueError naming it."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be 'mean' or 'sum', got {reduction!r}")
    return reduction


# ---------------------------------------------------------------------------
# One sample or a batch
# ---------------------------------------------------------------------------

def _is_batch(outputs):
    """A batch is a list whose entries are lists (one output list per sample)."""
    return (isinstance(outputs, (list, tuple)) and len(outputs) > 0
            and isinstance(outputs[0], (list, tuple)))


def reduce_samples(losses, reduction):
    """C = (1/m) Σ_x C_x ("mean") or Σ_x C_x ("sum") over m per-sample losses;
    the loss of a single sample is returned as it is."""
    if len(losses) == 1:
        return losses[0]
    total = sum_values(losses)
    return total / len(losses) if reduction == "mean" else total


def samples_differ(where, m, targets):
    """The one-line error for m samples of outputs and another number of targets; targets
    given with a column per sample (Nielsen's Y, outputs × m) are named so."""
    n = len(targets)
    columns = all(listlike(row, sized=True) and len(row) == m for row in targets)
    hint = (f"; if the targets are columns ({n}×{m}, Nielsen's layout), a batch's targets "
            f"are a row per sample: Y.T" if columns and n else "")
    return ValueError(f"{where}: {counted(m, 'sample')} of outputs but {counted(n, 'sample')} of "
                      f"targets; they must have the same length{hint}")


def _sample_or_batch(sample_loss, outputs, targets, reduction, where):
    """``sample_loss(outputs, targets, where)`` for one sample, or its reduction over a batch."""
    check_reduction(reduction, where)
    if not _is_batch(outputs):
        return sample_loss(outputs, targets, where).named("C")
    if not is_row(targets):
        raise TypeError(f"{where}: a batch of {len(outputs)} output lists needs a list with "
                        f"one target entry per sample, got {type(targets).__name__} "
                        f"{short_repr(targets)}")
    if len(outputs) != len(targets):
        raise samples_differ(where, len(outputs), targets)
    many = len(outputs) > 1
    losses = [sample_loss(a, y, f"{where}, sample {i}", i if many else None)
              .named(with_sample("C", i)) for i, (a, y) in enumerate(zip(outputs, targets), 1)]
    return reduce_samples(losses, reduction).named("C")


def _total(terms):
    return terms[0] if len(terms) == 1 else sum_values(terms)


# ---------------------------------------------------------------------------
# Squared errors
# ---------------------------------------------------------------------------

def _squared_errors(outputs, targets, where, sample=None):
    """[(y_j − a_j)² for each output j], checking the lengths match (the targets of
    sample i of a batch named y(i), y1(i): y⁽ⁱ⁾, y₁⁽ⁱ⁾)."""
    outputs, targets = _as_list(outputs), _as_list(targets)
    _same_length(outputs, targets, where)
    outputs = _outputs(outputs, where)
    n = len(targets)
    return [(_target(y, _target_name(j, n, sample)) - a) ** 2
            for j, (a, y) in enumerate(zip(outputs, targets), 1)]


def _sample_sum_squared(outputs, targets, where, sample=None):
    return _total(_squared_errors(outputs, targets, where, sample))


def _sample_half_squared(outputs, targets, where, sample=None):
    return 0.5 * _total(_squared_errors(outputs, targets, where, sample))


def sum_squared_error(outputs: Outputs, targets: Targets, *, reduction: str = "mean") -> Value:
    """C_x = Σ_j (y_j − a^L_j)² for one sample: ∂C_x/∂a^L_j = 2 (a^L_j − y_j).

    ``outputs``: the network's output Values (a list, or one Value);
    ``targets``: numbers or Values of the same length.  For a batch (one
    output list per sample) C = (1/m) Σ_x C_x, or Σ_x C_x with ``reduction="sum"``.
    """
    return _sample_or_batch(_sample_sum_squared, outputs, targets, reduction,
                            "sum_squared_error")


def half_squared_error(outputs: Outputs, targets: Targets, *, reduction: str = "mean") -> Value:
    """C_x = ½ Σ_j (y_j − a^L_j)² for one sample: ∂C_x/∂a^L_j = a^L_j − y_j.

    ``outputs``: the network's output Values (a list, or one Value);
    ``targets``: numbers or Values of the same length.  For a batch (one
    output list per sample) C = (1/m) Σ_x C_x, or Σ_x C_x with ``reduction="sum"``.
    """
    return _sample_or_batch(_sample_half_squared, outputs, targets, reduction,
                            "half_squared_error")


def half_mean_squared_error(batch_outputs: Sequence[Value | Sequence[Value]],
                            batch_targets: Sequence[Operand | Sequence[Operand]]) -> Value:
    """The mini-batch cost C = 1/(2m) Σ_i Σ_j (y_ij − a^L_ij)² over m samples.

    ``batch_outputs[i]`` is sample i's output list (or one Value),
    ``batch_targets[i]`` its targets (or one number for one output).
    """
    where = "half_mean_squared_error"
    if not listlike(batch_outputs, sized=True):
        raise TypeError(f"{where}: batch_outputs must be a list with one output list per "
                        f"sample, got {type(batch_outputs).__name__} {short_repr(batch_outputs)}")
    if not listlike(batch_targets, sized=True):
        raise TypeError(f"{where}: batch_targets must be a list with one target list per "
                        f"sample, got {type(batch_targets).__name__} {short_repr(batch_targets)}")
    m = len(batch_outputs)
    if m != len(batch_targets):
        raise samples_differ(where, m, batch_targets)
    if m == 0:
        raise ValueError(f"{where}: needs at least one sample")
    terms = []
    for i, (outputs, targets) in enumerate(zip(batch_outputs, batch_targets), 1):
        terms += _squared_errors(outputs, targets, f"{where}, sample {i}", i if m > 1 else None)
    return (_total(terms) * (0.5 / m)).named("C")


# ---------------------------------------------------------------------------
# Binary cross-entropy
# ---------------------------------------------------------------------------

def _bce_term(a, y, j, where):
    """−[y ln a + (1 − y) ln(1 − a)] for output j, a.

    When a = σ(z) is a sigmoid node the term is written with its logit z,
    y softplus(−z) + (1 − y) softplus(z) (the same number: ln σ(z) = −softplus(−z)
    and ln(1 − σ(z)) = −softplus(z)), which never takes ln 0 however large |z|
    is, and adds two terms that are never negative, so nothing cancels: a
    confident right answer (z = 40, y = 1) costs e^−40, where softplus(z) − y z
    gave 40 − 40 = 0.  Its gradient is ∂/∂z = (1 − y) σ(z) − y σ(−z) = a − y.
    Any other a must lie in (0, 1) (a nan flows into C).
    """
    if a.op is ops.SIGMOID:
        z = a.parents[0]
        return y * (-z).softplus() + (1.0 - y) * z.softplus()
    if a.data <= 0.0 or a.data >= 1.0:
        raise outside_open_unit(where, j, a.name, a.data)
    return -(y * a.log() + (1.0 - y) * (1.0 - a).log())


def outside_open_unit(where, j, name, value):
    """The ValueError for binary cross-entropy's output ``j`` (called ``name``, or
    None) holding ``value`` outside (0, 1), where ln a or ln(1 − a) is not defined."""
    output = f"output {j} ({printable(name)})" if name else f"output {j}"
    return ValueError(f"{where}: {output} is {value!r}; an output that is not a sigmoid "
                      f"node must lie strictly between 0 and 1, where ln a and ln(1 − a) "
                      f"are defined")


def _sample_bce(outputs, targets, where, sample=None):
    outputs, targets = _as_list(outputs), _as_list(targets)
    _same_length(outputs, targets, where)
    outputs = _outputs(outputs, where)
    n = len(targets)
    return _total([_bce_term(a, _probability(y, _target_name(j, n, sample), where), j, where)
                   for j, (a, y) in enumerate(zip(outputs, targets), 1)])


def binary_cross_entropy(outputs: Outputs, targets: Targets, *, reduction: str = "mean") -> Value:
    """C_x = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)] for one sample,
    each target y_j a probability in [0, 1].

    An output that is a sigmoid node a = σ(z) is computed from its logit z
    as y softplus(−z) + (1 − y) softplus(z) (the same number, never ln 0, and
    nothing cancels), so ∂C_x/∂z^L_j =
    a^L_j − y_j: the σ' of ½ squared error cancels (Nielsen, chapter 3).
    Other outputs use the logarithms as written and must lie in (0, 1).
    A batch (one output list per sample) gives C = (1/m) Σ_x C_x, or Σ_x C_x
    with ``reduction="sum"``.
    """
    return _sample_or_batch(_sample_bce, outputs, targets, reduction, "binary_cross_entropy")


# ---------------------------------------------------------------------------
# Softmax and cross-entropy
# ---------------------------------------------------------------------------

def _logits(values, where):
    """``values`` as a non-empty list of Values (numbers become constants)."""
    if not listlike(values, sized=True):
        raise TypeError(f"{where}: expected a list of Values (the logits z_1..z_n), got "
                        f"{type(values).__name__} {short_repr(values)}")
    if not values:
        raise ValueError(f"{where}: needs at least one value")
    return [v if isinstance(v, Value) else Value(as_float(v, f"{where}: value {k}"),
                                                 kind="constant")
            for k, v in enumerate(values, 1)]


def _shifted_exponentials(z):
    """(m, [e^{z_k − m}], Σ_k e^{z_k − m}) with m = max_k z_k: every exponent
    is at most 0, so nothing overflows and the sum is at least 1."""
    m = z[0]
    for zk in z[1:]:
        m = maximum(m, zk)
    exps = [(zk - m).exp() for zk in z]
    return m, exps, _total(exps)


def softmax(values: Sequence[Operand]) -> list[Value]:
    """softmax(z)_j = e^{z_j} / Σ_k e^{z_k}, a list of Values that sum to 1.

    Computed as e^{z_j − m} / Σ_k e^{z_k − m} with m = max_k z_k (the same
    numbers), so logits of ±1000 neither overflow nor divide 0 by 0.
    """
    z = _logits(values, "softmax")
    _, exps, total = _shifted_exponentials(z)
    return [e / total for e in exps]


def log_sum_exp(values: Sequence[Operand]) -> Value:
    """ln Σ_k e^{z_k} = m + ln Σ_k e^{z_k − m}, m = max_k z_k: one Value, finite
    for any finite logits; its gradient is softmax(z).

    Where m is not finite the sum is replaced by 1 (``where(m − m = 0, Σ, 1)``),
    so the result is m itself: +inf when some z_k = +inf and −inf when every
    z_k = −inf (the limits, and PyTorch's logsumexp), not inf − inf = nan; the
    gradient is then 0 for finite z_k and nan for infinite ones (as PyTorch's)."""
    z = _logits(values, "log_sum_exp")
    m, _, total = _shifted_exponentials(z)
    return m + apply(ops.WHERE, apply(ops.EQ, m - m, 0.0), total, 1.0).log()


def _class_index(target, n, where):
    """``target`` as a class index in 0..n-1 (a Value's number is read, which
    a jit trace refuses: an index chooses a node)."""
    if isinstance(target, Value):
        target = float(target)
    if getattr(target, "ndim", None) == 0 and hasattr(target, "item"):
        target = target.item()     # a numpy scalar or 0-d array: its number, as a float or int is read
    if isinstance(target, float) and target.is_integer():
        target = int(target)
    if isinstance(target, bool) or not hasattr(target, "__index__"):
        raise TypeError(f"{where}: target_index must be an int class index (0 to {n - 1}) "
                        f"or a list of {n} probabilities, got {type(target).__name__} "
                        f"{short_repr(target)}")
    target = operator.index(target)
    if not 0 <= target < n:
        raise ValueError(f"{where}: target_index {target!r} is out of range for {n} "
                         f"logits (0 to {n - 1})")
    return target


def is_row(target):
    """Whether a target is a list of numbers (a list, tuple or 1-d array), not one index
    or number (a 0-d array is one number, though it has ``__len__``)."""
    return listlike(target, sized=True)


def _distribution(target, numbers, where):
    """Refuse target probabilities ``numbers`` that do not sum to 1: C_x = ln Σ e^z −
    Σ_k p_k z_k is −Σ_k p_k ln softmax(z)_k only for a distribution."""
    total = math.fsum(numbers)
    if not abs(total - 1.0) <= 1e-6:
        raise ValueError(f"{where}: target probabilities {short_repr(target)} sum to {total:.6g}, "
                         f"not 1")


def _sample_cross_entropy(logits, target, where, sample=None):
    z = _logits(logits, where)
    n = len(z)
    if is_row(target):
        if len(target) != n:
            raise ValueError(f"{where}: {n} logits but {len(target)} target probabilities "
                             f"{short_repr(target)}; they must have the same length")
        p = [_probability(y, _target_name(k, n, sample), where) for k, y in enumerate(target, 1)]
        numbers = [q.data for q in p]
        _distribution(numbers, numbers, where)
    else:
        t = _class_index(target, n, where)
    m, _, total = _shifted_exponentials(z)
    # C_x = Σ_k p_k (ln Σ e^z − z_k) = ln Σ e^z − Σ_k p_k z_k when Σ_k p_k = 1 (one-hot: − z_t),
    # as (m − Σ_k p_k z_k) + ln Σ_k e^{z_k − m}: m cancels before the small logarithm is added
    return (m - (dot(p, z) if is_row(target) else z[t])) + total.log()


def cross_entropy(logits: Sequence[Operand] | Sequence[Sequence[Operand]],
                  target_index: int | Sequence[float] | Sequence[int | Sequence[float]], *,
                  reduction: str = "mean") -> Value:
    """C_x = −ln softmax(z)_t = ln Σ_k e^{z_k} − z_t for one sample's logits
    z_1..z_n (the outputs of a linear last layer) and its class t.

    ``target_index`` is t, counted from 0 (``logits[t]`` is the right class),
    or a list of n target probabilities p_k (one-hot or soft), giving
    −Σ_k p_k ln softmax(z)_k.  Written in log-sum-exp form,
    (m − z_t) + ln Σ_k e^{z_k − m} with m = max_k z_k, so logits of ±1000 give
    finite numbers, and m cancels before the small logarithm is added (logits
    (1000, 1000) cost ln 2 to the last bit); ∂C_x/∂z_k = softmax(z)_k − [k = t].
    A batch (a list of logit lists and a list of targets) gives
    C = (1/m) Σ_x C_x, or Σ_x C_x with ``reduction="sum"``.
    """
    return _sample_or_batch(_sample_cross_entropy, logits, target_index, reduction,
                            "cross_entropy")


# ---------------------------------------------------------------------------
# The loss records: everything nn knows about each of its losses, in one place
# ---------------------------------------------------------------------------

def real_number(x, where):
    """``x`` as a float when it is a real number (not bool, str, complex or a Value;
    NaN and ±inf are numbers here), else a one-line error naming ``where``."""
    if isinstance(x, Value):
        raise TypeError(f"{where} must be a number, got a Value {x!r}")
    return as_float(x, where)


def finite_number(x, where):
    """``x`` as a float when it is a finite real number (not bool, str, complex,
    NaN or ±inf: training data), else a one-line error naming ``where``."""
    number = real_number(x, where)
    if not math.isfinite(number):
        raise ValueError(f"{where} is {number!r}; training data must be finite numbers "
                         f"(NaN and ±inf are refused before the first step)")
    return number


def by_column(rows, n):
    """m when ``rows`` is n rows of m entries each, m ≠ n: data written with a sample per
    column (Nielsen's X, inputs × m, or Y, outputs × m); else None."""
    if not listlike(rows, sized=True) or len(rows) != n or not listlike(rows[0], sized=True):
        return None
    m = len(rows[0])
    return m if m != n and all(listlike(row, sized=True) and len(row) == m
                               for row in rows) else None


def column_length(x):
    """n when ``x`` is one sample written as a column, an n × 1 array (or a list of
    one-number lists), as Nielsen's data holds each x and y; else None."""
    shape = getattr(x, "shape", None)
    if shape is not None and not isinstance(x, (list, tuple)):
        return shape[0] if len(shape) == 2 and shape[1] == 1 else None
    column = listlike(x, sized=True) and len(x) > 0 and all(
        listlike(v, sized=True) and len(v) == 1 for v in x)
    return len(x) if column else None


def one_input_rows(count=None):
    """How to give a flat vector of numbers (np.linspace's) to a one-input network as its
    samples: said by train, the per-step program, net.batch and net.predict alike."""
    many = "samples" if count is None else f"{count} samples"
    return (f"for {many} of one input each give a list of rows, [[x] for x in X] (a numpy "
            f"array: X.reshape(-1, 1))")


def refuse_column_sample(x, where, name="x"):
    """Refuse one sample given as a column (:func:`column_length`) in a one-line error
    saying to give it as a row. Called once a sample's numbers failed to read, so it costs
    nothing on good data."""
    n = column_length(x)
    if n is not None:
        raise ValueError(f"{where} is a {n}×1 column (as Nielsen's data holds a sample); give "
                         f"it as a row of {counted(n, 'number')}, {name}.ravel() "
                         f"(all the samples at once: np.hstack(samples).T, a row each)")


def real_targets(y, n_outputs, where):
    """One sample's targets as a list of n_outputs finite numbers (one number for
    one output)."""
    values = list(y) if is_row(y) else [y]
    if len(values) != n_outputs:
        raise ValueError(f"{where}: {counted(n_outputs, 'output')} but "
                         f"{counted(len(values), 'target')} {short_repr(y)}; they must have the "
                         f"same length"
                         f"{class_index_hint(values, n_outputs)}")
    if set(map(type, values)) <= _PLAIN_NUMBERS:
        try:
            if math.isfinite(sum(map(abs, values))):
                return [float(v) for v in values]
        except OverflowError:   # an int too large for a float: named below
            pass
    try:
        return [finite_number(v, f"{where}, target {j}") for j, v in enumerate(values, 1)]
    except TypeError:
        refuse_column_sample(y, f"{where}: its target", "y")
        raise


_PLAIN_NUMBERS = {float, int}


def class_index_hint(values, n_outputs, rows=None):
    """For one whole number 0..n-1 given where n targets are needed (a label, as Nielsen's
    and scikit-learn's data hold one): how to give it, else ``""``.  ``rows``: the samples
    are rows of inputs then targets (a compiled loss's), where cross_entropy too takes
    one number per class, so only the one-hot rows are said, as those rows."""
    if n_outputs < 2 or len(values) != 1:
        return ""
    label = values[0]
    if getattr(label, "ndim", None) == 0 and hasattr(label, "item"):
        label = label.item()                      # a numpy integer or float scalar
    if isinstance(label, bool) or not isinstance(label, (int, float)) or \
            not (isinstance(label, int) or label.is_integer()) or not 0 <= label < n_outputs:
        return ""
    one_hot = f"np.eye({n_outputs})[labels]"
    if rows:
        return (f": is {int(label)} a class label? This loss takes one target per output; give "
                f"each label as its one-hot row (all at once: np.hstack([X, {one_hot}]), as "
                f"Nielsen's vectorized_result does)")
    return (f": is {int(label)} a class label? This loss takes one target per output; give "
            f"each label as its one-hot row (all at once: {one_hot}, as "
            f"Nielsen's vectorized_result does), or use the loss \"cross_entropy\", which "
            f"takes class indices")


def probability_targets(y, n_outputs, where):
    """One sample's targets as probabilities in [0, 1]."""
    values = real_targets(y, n_outputs, where)
    for j, v in enumerate(values, 1):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{where}: target {_target_name(j, n_outputs)} must be a "
                             f"probability in [0, 1], got {v!r}")
    return values


def class_targets(y, n_outputs, where):
    """A class index t (or [t]) as the one-hot list [0, .., 1 (at t), .., 0]; a list
    of n_outputs probabilities is kept."""
    is_list = is_row(y)
    if is_list and len(y) == 1 and n_outputs > 1:
        y, is_list = y[0], False
    if is_list:
        probabilities = probability_targets(y, n_outputs, where)
        _distribution(y, probabilities, where)
        return probabilities
    t = _class_index(y, n_outputs, where)
    return [1.0 if k == t else 0.0 for k in range(n_outputs)]


#: how far from 1 a sample's target probabilities may sum for a compiled cross-entropy
#: to run them without asking the eager loss (well inside eager's 1e-6: between, eager
#: decides)
_SURE_SUM = 5e-7


def surely_probabilities(low, high, sums=None):
    """Whether targets whose least number is ``low`` and greatest ``high`` are
    probabilities, and, given ``sums`` (the least and greatest of each sample's sum),
    distributions well within eager's 1e-6 of 1: what a compiled loss checks before
    it runs a batch (a nan must reach one of these numbers).  False: the eager loss
    runs sample by sample and decides."""
    if not (0.0 <= low and high <= 1.0):
        return False
    return sums is None or (1.0 - _SURE_SUM <= sums[0] and sums[1] <= 1.0 + _SURE_SUM)


def probability_numbers(numbers, width):
    """:func:`surely_probabilities` of a compiled loss's targets: ``numbers``, every
    sample's ``width`` targets one after another, in C-level passes (min, max, and a
    sum that a nan anywhere makes nan, where min and max can step over one)."""
    return _surely(numbers, width, False)


def distribution_numbers(numbers, width):
    """:func:`probability_numbers` of cross-entropy: each sample's targets sum to 1."""
    return _surely(numbers, width, True)


def _surely(numbers, width, distributions):
    if not numbers:
        return True
    total = sum(numbers)
    if total != total:
        return False
    sums = None
    if distributions:
        each = list(map(sum, zip(*[iter(numbers)] * width)))
        sums = (min(each), max(each))
    return surely_probabilities(min(numbers), max(numbers), sums)


class Loss:
    """One of nn's losses, as every reader uses it (``nn.train``, ``MLP.jit_loss``,
    the matrix program of :mod:`nn.matrix`, the docs).

    ``function``    what the user calls (``nn.half_squared_error``); ``sample(outputs,
                    targets) -> C_x`` is one sample's cost on Values (what the jit traces)
    ``targets(y, n_outputs, where)`` one sample's target as given to train(), checked,
                    as the list of numbers ``sample`` takes
    ``targets_ok(numbers, width)``  for targets with a range: whether a compiled loss's
                    targets (every sample's ``width``, one after another) surely are ones
                    it takes (:func:`probability_numbers`); None: any real number is taken
    ``reduction``   the reduction the name implies (None: the user chooses)
    ``batch``       the eager cost of a whole batch, when the loss is one
    ``text``, ``latex``  C_x and ∇_a C_x written out
    ``cost``        Σ_x C_x over a batch as numpy source (``a``: outputs, ``z``: logits,
                    ``Y``: targets, one column per sample)
    ``gradient``    ∇_a C as numpy source, so that δ^L = ∇_a C ⊙ f'(z^L) (BP1)
    ``from_logit``  (cost, δ^L) as numpy source when the output layer is a sigmoid
                    and the loss is computed from its logit z, else None
    """

    def __init__(self, name, function, targets, *, text, latex, cost, gradient,
                 sample=None, from_logit=None, reduction=None, batch=None, targets_ok=None):
        self.name, self.function, self.targets = name, function, targets
        self.targets_ok = targets_ok
        self.sample = sample or function
        self.text, self.latex = text, latex
        self.cost, self.gradient, self.from_logit = cost, gradient, from_logit
        self.reduction, self.batch = reduction, batch

    def __repr__(self):
        return f"<nn loss {self.name}: {self.text}>"


_HALF_SQUARED = dict(
    text="C_x = ½ Σ_j (y_j − a^L_j)²,  ∇_a C_x = a^L − y",
    latex=r"C_x = \tfrac{1}{2} \sum_j (y_j - a^L_j)^2, \quad \nabla_a C_x = a^L - y",
    cost="0.5 * ((a - Y) ** 2).sum()", gradient="(a - Y)")

#: nn's losses by name: the one table every reader reads
LOSSES = {loss.name: loss for loss in [
    Loss("half_squared_error", half_squared_error, real_targets, **_HALF_SQUARED),
    Loss("half_mean_squared_error", half_mean_squared_error, real_targets,
         sample=half_squared_error, reduction="mean", batch=half_mean_squared_error,
         **_HALF_SQUARED),
    Loss("sum_squared_error", sum_squared_error, real_targets,
         text="C_x = Σ_j (y_j − a^L_j)²,  ∇_a C_x = 2(a^L − y)",
         latex=r"C_x = \sum_j (y_j - a^L_j)^2, \quad \nabla_a C_x = 2(a^L - y)",
         cost="((a - Y) ** 2).sum()", gradient="2.0 * (a - Y)"),
    Loss("binary_cross_entropy", binary_cross_entropy, probability_targets, targets_ok=probability_numbers,
         text="C_x = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)],  "
              "∇_a C_x = (a − y)/(a(1 − a))",
         latex=r"C_x = -\sum_j \left[y_j \ln a^L_j + (1 - y_j) \ln(1 - a^L_j)\right], "
               r"\quad \nabla_a C_x = \frac{a^L - y}{a^L (1 - a^L)}",
         cost="-np.sum(Y * np.log(in_open_unit(a)) + (1.0 - Y) * np.log1p(-a))",
         gradient="(a - Y) / (a * (1.0 - a))",
         from_logit=(f"np.sum(Y * ({ops.SOFTPLUS.numpy.format('-z')}) + (1.0 - Y) * "
                     f"({ops.SOFTPLUS.numpy.format('z')}))", "(a - Y)")),
    Loss("cross_entropy", cross_entropy, class_targets, targets_ok=distribution_numbers,
         text="C_x = ln Σ_k e^(a^L_k) − Σ_k y_k a^L_k,  ∇_a C_x = softmax(a^L) − y",
         latex=r"C_x = \ln \sum_k e^{a^L_k} - \sum_k y_k a^L_k, "
               r"\quad \nabla_a C_x = \operatorname{softmax}(a^L) - y",
         cost="np.sum(log_sum_exp(a, minus=np.sum(Y * a, axis=0)))", gradient="(softmax(a) - Y)"),
]}


def resolve_loss(loss, where):
    """The :class:`Loss` record for ``loss``: a name in :data:`LOSSES` or one of nn's
    loss functions; None for a function of the user's own.  An unknown name raises
    ValueError listing the known ones, anything else TypeError."""
    if isinstance(loss, str):
        try:
            return LOSSES[loss]
        except KeyError:
            raise ValueError(f"{where}: unknown loss {loss!r}; known: "
                             f"{', '.join(map(repr, LOSSES))} or a function "
                             f"loss(outputs, targets) -> Value") from None
    if callable(loss):
        for record in LOSSES.values():
            if record.function is loss:
                return record
        return None
    raise TypeError(f"{where}: loss must be a name ({', '.join(map(repr, LOSSES))}) or "
                    f"a function loss(outputs, targets) -> Value, got "
                    f"{type(loss).__name__} {short_repr(loss)}")

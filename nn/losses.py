"""Losses built from Value nodes, so their gradients flow into the network.

    half_squared_error        C = ½ Σ_j (y_j − a^L_j)²            one sample (seeds 000-003)
    half_mean_squared_error   C = 1/(2m) Σ_i Σ_j (y_ij − a^L_ij)²  m samples (seed 004)

The output error δ^L_j = ∂C/∂a^L_j · σ'(z^L_j) = (a^L_j − y_j) σ'(z^L_j) (BP1)
then reads as ``z.grad`` of the last layer after ``C.backward()``.
"""

from autograd import Value, sum_values
from autograd.names import with_sample

__all__ = ["half_squared_error", "half_mean_squared_error", "summed_half_squared_error",
           "LOSSES"]


def _as_list(x):
    """A single Value or number is a list of one (a network with one output)."""
    if isinstance(x, (Value, int, float)) and not isinstance(x, bool):
        return [x]
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"expected a list of numbers or Values, got {type(x).__name__} {x!r}")
    return x


def _target(y, name):
    """A target number becomes a constant leaf named ``y`` / ``y1, y2, ...``; a Value is kept."""
    if isinstance(y, Value):
        return y
    try:
        return Value(y, name, kind="constant")
    except TypeError:
        raise TypeError(f"target {name} must be a number or a Value, got "
                        f"{type(y).__name__} {y!r}") from None


def _squared_errors(outputs, targets, where, sample=None):
    """[(y_j − a_j)² for each output j], checking the lengths match; the targets
    of sample i of a batch are named ``y(i)``, ``y1(i)`` (y⁽ⁱ⁾, y₁⁽ⁱ⁾)."""
    outputs, targets = _as_list(outputs), _as_list(targets)
    if len(outputs) != len(targets):
        raise ValueError(f"{where}: {len(outputs)} outputs but {len(targets)} targets; "
                         f"they must have the same length")
    if not outputs:
        raise ValueError(f"{where}: needs at least one output and target")
    single = len(targets) == 1
    terms = []
    for j, (a, y) in enumerate(zip(outputs, targets), 1):
        if not isinstance(a, Value):
            raise TypeError(f"{where}: output {j} must be a Value (a network output), got "
                            f"{type(a).__name__} {a!r}")
        name = "y" if single else f"y{j}"
        if sample is not None:
            name = with_sample(name, sample)
        terms.append((_target(y, name) - a) ** 2)
    return terms


def _total(terms):
    return terms[0] if len(terms) == 1 else sum_values(terms)


def half_squared_error(outputs, targets):
    """C = ½ Σ_j (y_j − a^L_j)² for one sample: ∂C/∂a^L_j = a^L_j − y_j.

    ``outputs``: the network's output Values (a list, or one Value);
    ``targets``: numbers or Values of the same length.
    """
    terms = _squared_errors(outputs, targets, "half_squared_error")
    return (0.5 * _total(terms)).named("C")


def half_mean_squared_error(batch_outputs, batch_targets):
    """C = 1/(2m) Σ_i Σ_j (y_ij − a^L_ij)² over m samples (seed 004's cost).

    ``batch_outputs[i]`` is sample i's output list (or one Value),
    ``batch_targets[i]`` its targets (or one number for one output).
    """
    where = "half_mean_squared_error"
    if isinstance(batch_outputs, (str, bytes, Value)) or not hasattr(batch_outputs, "__len__"):
        raise TypeError(f"{where}: batch_outputs must be a list with one output list per "
                        f"sample, got {type(batch_outputs).__name__} {batch_outputs!r}")
    if isinstance(batch_targets, (str, bytes, Value)) or not hasattr(batch_targets, "__len__"):
        raise TypeError(f"{where}: batch_targets must be a list with one target list per "
                        f"sample, got {type(batch_targets).__name__} {batch_targets!r}")
    m = len(batch_outputs)
    if m != len(batch_targets):
        raise ValueError(f"{where}: {m} samples of outputs but {len(batch_targets)} samples "
                         f"of targets; they must have the same length")
    if m == 0:
        raise ValueError(f"{where}: needs at least one sample")
    terms = []
    for i, (outputs, targets) in enumerate(zip(batch_outputs, batch_targets), 1):
        terms += _squared_errors(outputs, targets, f"{where}, sample {i}", i if m > 1 else None)
    return (_total(terms) * (0.5 / m)).named("C")


def summed_half_squared_error(batch_outputs, batch_targets):
    """C = Σ_i ½ Σ_j (y_ij − a^L_ij)²: half_squared_error summed over a batch
    (for one sample it is half_squared_error)."""
    if len(batch_outputs) != len(batch_targets):
        raise ValueError(f"half_squared_error: {len(batch_outputs)} samples of outputs but "
                         f"{len(batch_targets)} samples of targets; they must have the same length")
    many = len(batch_outputs) > 1
    terms = []
    for i, (outputs, targets) in enumerate(zip(batch_outputs, batch_targets), 1):
        terms += _squared_errors(outputs, targets, f"half_squared_error, sample {i}",
                                 i if many else None)
    return (0.5 * _total(terms)).named("C")


#: the losses nn.train accepts by name: name -> loss(batch_outputs, batch_targets)
LOSSES = {
    "half_squared_error": summed_half_squared_error,
    "half_mean_squared_error": half_mean_squared_error,
}

"""Training data as rows of numbers, checked once before anything runs.

The same rules for every backend: real numbers only (int, float, real numpy
scalars; no bool, str or complex), finite (no NaN or ±inf), the same width
in every sample.  The first bad number raises a one-line error naming its
sample (counted from 1) and column.  ``finite=False`` (the numpy backend's
``step.batch(rows)``, which computes with NaN and ±inf as the eager engine and
PyTorch do) checks everything but finiteness.
"""

import math

from autograd.floats import counted, detached, flat_floats, listlike, same_rows, short_repr

from .losses import finite_number, one_input_rows, real_number, refuse_column_sample

__all__ = ["number_rows", "float_lists", "refuse_masked"]

_PLAIN_NUMBERS = {float, int}
_FLOAT = {float}


def number_rows(samples, width, where, column_name, expects="expected {} number{s}", *,
                as_array=False, finite=True):
    """``samples`` (a list of rows or a 2-d numpy array) as a list of lists of
    finite numbers, ``width`` per row (the first row's width when None);
    ``column_name(j)`` names column j in errors (``x2``), ``expects`` says the width
    (``{}`` the number, ``{s}`` the plural's s).
    ``as_array=True`` gives a float numpy matrix instead (a numeric one as it is),
    its finiteness checked at once (not at all with ``finite=False``: NaN and ±inf are
    numbers then, and only ``as_array=True`` takes it)."""
    samples = detached(samples)      # a torch tensor's numbers, without torch's warning
    shape = getattr(samples, "shape", None)
    if shape is not None and not isinstance(samples, (list, tuple)):
        if _checked_array(samples, shape, width, where, column_name, expects, finite):
            return samples if as_array else samples.tolist()
    if width is None:
        first = samples[0]
        width = len(first) if hasattr(first, "__len__") else 0
    if not as_array:
        plain = float_lists(samples, width) if samples.__class__ is list else None
        return plain if plain is not None else [
            _row(x, i, width, where, column_name, expects) for i, x in enumerate(samples, 1)]
    from .matrix import _numpy
    np = _numpy()
    from autograd.jit_numpy import float_rows
    matrix = float_rows(samples, width)     # rows of floats: converted at C speed
    if matrix is None:                      # anything else: row by row, errors named
        rows = [_row(x, i, width, where, column_name, expects, finite=False)
                for i, x in enumerate(samples, 1)]
        matrix = np.array(rows, dtype=float).reshape(len(rows), width)
    _checked_array(matrix, matrix.shape, width, where, column_name, expects, finite)
    return matrix


def float_lists(rows, width):
    """``rows`` (a list of lists, or of tuples) as new lists, when each holds ``width`` finite Python
    floats; else None, and the caller's row-by-row check names what is wrong.  The
    common case at C speed: no Python call per sample (a 100-sample call of
    ``train`` checked its data in 0.2 ms, one sample at a time)."""
    flat = flat_floats(rows, width) if same_rows(rows, width) else None
    if flat is None or not math.isfinite(sum(flat)):
        return None            # an int, a bool, a NaN, ... (or a sum that overflowed)
    return list(map(list, rows))


def refuse_masked(array, place):
    """A one-line ValueError for the first hidden entry of a numpy masked array, whose
    ``tolist()`` gives None there and whose arithmetic the hidden number:
    ``place(i, j)`` names the entry (0-based indices; j 0 for a 1-d array)."""
    mask = getattr(array, "mask", None)
    if mask is None or not hasattr(mask, "any") or not mask.any():
        return
    import numpy as np
    first = [int(k) for k in np.argwhere(mask)[0]] + [0]
    raise ValueError(f"{place(first[0], first[1])} is masked; training data must be numbers "
                     f"(fill the masked array, .filled(value), or leave those samples out)")


def _checked_array(samples, shape, width, where, column_name, expects, finite=True):
    """True once a numeric numpy matrix's numbers are checked (at once; finite ones
    unless ``finite=False``); False for an object array, checked row by row instead."""
    if len(shape) != 2:
        detail = (f"a {'×'.join(map(str, shape[1:]))} array" if len(shape) > 2
                  else "one number")
        raise ValueError(f"{where}: sample 1: expected a row of {_numbers(width)}, got "
                         f"{detail} (the samples have shape {tuple(shape)}; one row per "
                         f"sample){_flat_words(shape, width)}")
    refuse_masked(samples, lambda i, j: f"{where}: sample {i + 1}, column {j + 1} "
                                        f"({column_name(j + 1)})")
    kind = getattr(getattr(samples, "dtype", None), "kind", "O")
    if kind == "O":
        return False
    if width is not None and shape[1] != width:
        turned = ("; a sample per column (Nielsen's layout)? give its transpose, .T, a row "
                  "per sample" if shape[0] == width else "")
        raise ValueError(f"{where}: sample 1: {_expected(expects, width)}, got {shape[1]} "
                         f"(the samples have shape {tuple(shape)}){turned}")
    if kind not in "fiu" and shape[0] and shape[1]:   # bool, complex, str
        _number(samples[0, 0].item(), 1, 1, where, column_name)
    if kind == "f" and finite:
        import numpy as np
        bad = ~np.isfinite(samples)
        if bad.any():
            i, j = (int(k) for k in np.argwhere(bad)[0])
            _number(float(samples[i, j]), i + 1, j + 1, where, column_name)
    return True


def _numbers(width):
    """``1 number``, ``3 numbers``, ``n numbers`` (a width not known yet)."""
    return counted(width or "n", "number")


def _expected(expects, width):
    """What a sample should have, ``expects`` said of ``width``: ``expected 1 number``."""
    return expects.format(width, s="" if width == 1 else "s")


def _flat_words(shape, width):
    """For samples given as one flat vector (a 1-d array of shape ``shape``, or a list of
    numbers, shape ``(None,)``): what to give instead; else ""."""
    if len(shape) != 1:
        return ""
    if width == 1:
        return f"; {one_input_rows(shape[0])}"
    if width and shape[0] == width:
        return (f"; {width} numbers are one sample: give a batch of one, X.reshape(1, -1) "
                f"(a list: [x])")
    return ""


def _pair_words(x, expects):
    """For a sample that is a pair of lists or arrays, (x, y) as Nielsen's training_data
    holds one: what to give instead; else ""."""
    if len(x) != 2 or not all(listlike(part, sized=True) for part in x):
        return ""
    together = "inputs, then" in expects
    return ("; that is a pair (x, y), as Nielsen's training_data holds a sample: give one row "
            "of numbers, " + ("np.concatenate([x.ravel(), y.ravel()])" if together else
                              "x.ravel(), and the targets apart"))


def _row(x, i, width, where, column_name, expects, finite=True):
    """Sample ``i`` as a list of ``width`` real numbers, finite ones unless
    ``finite=False`` (then the caller checks, on an array, if it refuses NaN and ±inf)."""
    if not listlike(x, sized=True):
        flat = _flat_words((None,), width) if isinstance(x, (int, float)) else ""
        raise TypeError(f"{where}: sample {i}: expected a list of {_numbers(width)}, got "
                        f"{type(x).__name__} {short_repr(x)}{flat}")
    if len(x) != width:
        raise ValueError(f"{where}: sample {i}: {_expected(expects, width)}, "
                         f"got {len(x)}: {short_repr(x)}{_pair_words(x, expects)}")
    row = list(x)
    types = set(map(type, row))
    if not finite and types == _FLOAT:
        return row            # floats: their finiteness is checked on the array
    if types <= _PLAIN_NUMBERS:
        try:
            if math.isfinite(sum(map(abs, row))):
                return row
        except OverflowError:   # an int too large for a float: found below
            pass
    try:
        return [_number(v, i, j, where, column_name, finite) for j, v in enumerate(row, 1)]
    except TypeError:
        refuse_column_sample(x, f"{where}: sample {i}")
        raise


def _number(v, i, j, where, column_name, finite=True):
    """Column ``j`` of sample ``i`` as a float (a finite one unless ``finite=False``), or
    the one-line error."""
    return (finite_number if finite else real_number)(
        v, f"{where}: sample {i}, column {j} ({column_name(j)})")



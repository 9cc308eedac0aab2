"""A network from, and to, the matrices a blog or a book prints.

``MLP.from_matrices(weights, biases, layout=...)`` reads the weight matrices in
either layout (:mod:`autograd.matrix_form`):

* ``"rows"``: samples as rows, ``Z1 = X @ W1 + b1``; W1 is inputs × outputs and
  ``W1[k, j] = w^2_jk`` (the blog's W1 is Nielsen's w², transposed);
* ``"columns"``: Nielsen's ``z^l = w^l a^{l-1} + b^l``; W2 is outputs × inputs and
  ``W2[j, k] = w^2_jk``.

The nodes keep Nielsen's names whichever layout was given; the network remembers
the layout, and ``net.matrices()`` / ``net.gradient_matrices()`` give the weights
and their gradients back in it (numpy arrays, or lists of rows without numpy).
"""

from __future__ import annotations

from typing import Any

from autograd.matrix_form import (
    check_layout, is_flat, matrix_name, read_matrix, remember_layout, shape_text, transpose,
)

from .layers import NETWORK_OF, remember_network

__all__ = ["from_matrices", "matrices", "gradient_matrices", "network_layout", "network_of"]


def network_of(layer):
    """The MLP ``layer`` (or the Value of its first weight, w^l_11) belongs to
    (:data:`nn.layers.NETWORK_OF`: every MLP made, and one copied or unpickled once asked
    for its matrices); else None."""
    key = layer.neurons[0].weights[0] if hasattr(layer, "neurons") else layer
    ref = NETWORK_OF.get(key) if key is not None else None
    return None if ref is None else ref()


def network_layout(net, layout=None):
    """``layout`` if given, else the one the network was built with ("columns" by default)."""
    return check_layout(layout if layout is not None else getattr(net, "layout", "columns"))


def _weights_in_nielsen(W, l, layout, n_in, matrices, flat=False):
    """The weight matrix ``W`` (lists of rows) as nn's rows j of w^l_jk, shape-checked
    (``matrices``: all the weights given, read; ``flat``: W was a 1-d vector, which takes
    the orientation that fits, as a one-output layer's column in the rows layout)."""
    if flat and layout == "rows" and n_in not in (None, 1) and len(W[0]) == n_in:
        W = transpose(W)
    rows, cols = len(W), len(W[0])
    name = matrix_name("W", l, layout)
    fits = rows == n_in if layout == "rows" else cols == n_in
    if n_in is not None and not fits:
        want = (f"{n_in} × n (inputs × outputs: one row per input)" if layout == "rows"
                else f"n × {n_in} (outputs × inputs: one column per input)")
        other = "columns" if layout == "rows" else "rows"
        hint = f"; it is {shape_text((rows, cols))}"
        if _chain(matrices, other):
            hint += (f"; all the weights fit layout={other!r}, where the matrices are "
                     f"{'outputs × inputs' if other == 'columns' else 'inputs × outputs'}")
        elif (cols if layout == "rows" else rows) == n_in:
            earlier = [matrix_name("W", k, layout) for k in range(2, l)]
            hint += (f", which fits transposed: give {name}.T ({', '.join(earlier)} "
                     f"{'is' if len(earlier) == 1 else 'are'} in layout={layout!r})")
        raise ValueError(f"from_matrices: {name} must be {want} in layout={layout!r}, since "
                         f"layer {l - 1} has {n_in} neurons{hint}")
    return transpose(W) if layout == "rows" else W


def _chain(matrices, layout):
    """Whether each weight matrix takes the one before it's outputs in ``layout``
    (rows: inputs × outputs; columns: outputs × inputs)."""
    sizes = [(len(W), len(W[0])) if layout == "rows" else (len(W[0]), len(W)) for W in matrices]
    return all(n_in == n_out for (_, n_out), (n_in, _) in zip(sizes, sizes[1:]))


def _bias_in_nielsen(given, l, layout, n_out):
    """A bias vector (1 × n, n × 1 or a flat list) as n_out numbers."""
    name = matrix_name("b", l, layout)
    values, _ = read_matrix(given, name)
    flat = [v for row in values for v in row]
    shaped = (len(values) == 1) if layout == "rows" else (len(values[0]) == 1 or len(values) == 1)
    if len(flat) != n_out or not shaped:
        want = f"1 × {n_out}" if layout == "rows" else f"{n_out} × 1"
        turned = "; its transpose fits: give it as a row, or as a flat list" \
            if len(flat) == n_out else ""
        raise ValueError(f"from_matrices: {name} must be {want} (one number per neuron of "
                         f"layer {l}) in layout={layout!r}, got "
                         f"{shape_text((len(values), len(values[0])))}{turned}")
    return flat


def from_matrices(cls, weights, biases=None, activation="sigmoid", *, layout="columns",
                  **options):
    """An MLP with the given weight matrices (see the module docstring).

    ``biases``: one vector per weight matrix (1 × n in rows layout, n × 1 in
    columns layout, or a flat list); an entry None gives that layer no bias,
    and ``biases=None`` none anywhere; ``bias=`` instead gives constant biases (a
    number, or one per layer, as :class:`nn.MLP`'s).  ``activation``: one name or
    one per layer.  Other options (``fused``, ``names``) go to :class:`nn.MLP`.
    """
    check_layout(layout, "from_matrices: layout")
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(f"from_matrices: weights must be a list of weight matrices, one per "
                        f"layer after the input, got {_described(weights)}")
    if biases is not None and (not isinstance(biases, (list, tuple)) or len(biases) != len(weights)):
        raise ValueError(f"from_matrices: biases must be a list with one vector (or None) per "
                         f"weight matrix ({len(weights)}), got {_described(biases)}")
    nielsen, bias_lists, sizes = [], [], []
    matrices = [read_matrix(W, matrix_name("W", l, layout))[0] for l, W in enumerate(weights, 2)]
    for index, values in enumerate(matrices):
        l = index + 2
        rows = _weights_in_nielsen(values, l, layout, sizes[-1] if sizes else None, matrices,
                                   is_flat(weights[index]))
        if not sizes:
            sizes.append(len(rows[0]))
        sizes.append(len(rows))
        nielsen.append(rows)
    for index, rows in enumerate(nielsen):      # every weight first: a layout mistake is named
        given = None if biases is None else biases[index]
        bias_lists.append(None if given is None else
                          _bias_in_nielsen(given, index + 2, layout, len(rows)))
    bias = options.pop("bias", None)
    if bias is None:
        bias = ["none" if b is None else "trainable" for b in bias_lists]
    elif biases is not None:
        raise ValueError("from_matrices: give biases (vectors, trained) or bias= (a constant "
                         "bias, or 'none'), not both")
    else:
        bias_lists = None
    net = cls(sizes, activation, weights=nielsen, biases=bias_lists, bias=bias, **options)
    net.layout = layout
    remember_network(net)
    remember_layout([w for layer in net.layers for n in layer.neurons for w in n.weights], layout)
    return net


def _described(x):
    """``x`` for a one-line message: an array by its shape, anything else by its repr."""
    shape = getattr(x, "shape", None)
    if shape is not None:
        return f"{type(x).__name__} of shape {tuple(shape)}"
    return f"{type(x).__name__} {x!r}"


def _arrays(net, layout, read):
    """{matrix name: matrix} for every layer, numbers taken by ``read(Value)``."""
    layout = network_layout(net, layout)
    remember_network(net)
    out: dict[str, Any] = {}
    for layer in net.layers:
        W = [[read(w) for w in neuron.weights] for neuron in layer.neurons]   # rows j: w^l_jk
        out[matrix_name("W", layer.number, layout)] = _as_array(
            transpose(W) if layout == "rows" else W)
        if layer.bias_mode != "none":
            b = [read(neuron.bias) for neuron in layer.neurons]
            out[matrix_name("b", layer.number, layout)] = _as_array(
                [b] if layout == "rows" else [[v] for v in b])
    return out


def _as_array(rows):
    try:
        import numpy as np
    except ImportError:
        return rows
    return np.array(rows, dtype=float)


def matrices(net, layout=None):
    """``{"W1": ..., "b1": ..., "W2": ...}`` (rows) or ``{"W2": ..., "b2": ...}`` (columns):
    the weights and biases in ``layout`` (default: the one the network was built with)."""
    return _arrays(net, layout, lambda v: v.data)


def gradient_matrices(net, layout=None):
    """The same names as :func:`matrices`, holding each parameter's ``.grad``
    (∂C/∂W after ``C.backward()``)."""
    return _arrays(net, layout, lambda v: v.grad)

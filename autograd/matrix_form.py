"""A network's batch in matrix form: layouts, matrix names, and the matrices a graph holds.

Two layouts name the same numbers (Nielsen's w^l_jk: into neuron j of layer l
from neuron k of layer l-1; the input layer is layer 1):

=========  =====================  ====================  ====================
layout     weights into layer l   bias of layer l       a batch of m samples
=========  =====================  ====================  ====================
"rows"     W{l-1}[k, j] = w^l_jk  b{l-1}: 1 × n_l       X, Z, A: m × n (a row per sample)
"columns"  W{l}[j, k] = w^l_jk    b{l}: n_l × 1         X, Z, A: n × m (a column per sample)
=========  =====================  ====================  ====================

"rows" is the blog's and numpy code's ``Z1 = X @ W1 + b1`` (matrices numbered
from 1 in the order given); "columns" is Nielsen's ``z^l = w^l a^{l-1} + b^l``
(numbered by the layer the weights lead into).

:func:`batch_view` reads the matrices back from a graph by its node names
(``x1(2)``, ``z2_1(2)``, ``w2_11``, ``y(2)``): no network object is needed.
Matrices here are lists of rows of floats, so nothing needs numpy.
"""

from __future__ import annotations

import math
import re
import struct
import weakref
from decimal import Decimal
from typing import Any

from . import engine, names, ops
from .floats import short_repr
from .formula import number_text
from .precision import (DECIMAL, Precision, is_number_text, precision_for, read_number, rounded_text,
                        significant_digits, written_form)

__all__ = ["LAYOUTS", "check_layout", "matrix_name", "parse_matrix_name", "remember_layout", "network_entry",
           "layout_of", "BatchView", "batch_view", "has_network_weights", "read_matrix", "read_matrix_text",
           "latex_matrix_text", "is_matrix_text", "one_number_text", "number_problem", "LATEX_MATRIX_BEGIN",
           "is_flat", "low_precision", "LOW_PRECISION_RTOL",
           "shape", "transpose", "matmul", "hadamard", "scale", "shape_text", "MatrixShapeError"]

LAYOUTS = ("rows", "columns")

#: weight Value -> the layout its network was built with (nn.MLP.from_matrices)
_LAYOUT_OF: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


class MatrixShapeError(ValueError):
    """Two matrices whose shapes do not fit the operation."""


class MatrixEntryError(TypeError, ValueError):
    """An entry of a given matrix that is not a number (the message names its row and column)."""


def check_layout(layout, where="layout"):
    if layout not in LAYOUTS:
        raise ValueError(f"{where} must be 'rows' (samples as rows, Z = X @ W + b, W: inputs × "
                         f"outputs) or 'columns' (Nielsen: z = W a + b, W: outputs × inputs), "
                         f"got {layout!r}")
    return layout


def remember_layout(weights, layout):
    """Remember that the network owning these weight Values was given in ``layout``."""
    for w in weights:
        _LAYOUT_OF[w] = layout


def layout_of(nodes, default="columns"):
    """The layout remembered for any of ``nodes`` (the first found), else ``default``."""
    for node in nodes:
        found = _LAYOUT_OF.get(node)
        if found is not None:
            return found
    return default


# ---------------------------------------------------------------------------
# Matrix names: W1/b1 (rows) or W2/b2 (columns) for the weights into layer l
# ---------------------------------------------------------------------------



def matrix_name(kind, layer, layout):
    """``matrix_name("W", 2, "rows")`` -> ``"W1"``: the weights into Nielsen layer 2."""
    return f"{kind}{layer - 1 if layout == 'rows' else layer}"


def parse_matrix_name(name, layout):
    """``("W", l)`` for a matrix name of ``layout`` (l: Nielsen's layer), or None."""
    found = names.MATRIX_NAME.fullmatch(name) if isinstance(name, str) else None
    if found is None:
        return None
    number = int(found.group(2) or found.group(3))
    return found.group(1), number + 1 if layout == "rows" else number


# ---------------------------------------------------------------------------
# Small list-of-rows matrices
# ---------------------------------------------------------------------------

def shape(A):
    return (len(A), len(A[0]) if A else 0)


def shape_text(A_or_shape):
    r, c = A_or_shape if isinstance(A_or_shape, tuple) else shape(A_or_shape)
    return f"{r}×{c}"


def transpose(A):
    return [list(col) for col in zip(*A)]


def matmul(A, B, left="the left matrix", right="the right matrix"):
    (r, n), (n2, c) = shape(A), shape(B)
    if n != n2:
        raise MatrixShapeError(f"{left} is {r}×{n} and {right} is {n2}×{c}: a product needs "
                               f"the left's columns ({n}) to equal the right's rows ({n2})")
    columns = transpose(B)
    return [[math.fsum(a * b for a, b in zip(row, col)) for col in columns] for row in A]


def hadamard(A, B):
    return [[a * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def scale(c, A):
    return [[c * a for a in row] for row in A]


# ---------------------------------------------------------------------------
# The batch a graph holds
# ---------------------------------------------------------------------------

class BatchView:
    """The matrices of a network's batch, read from a graph by node names.

    Internally samples are rows: ``X`` m × n_1, ``Z[l]``/``A[l]`` m × n_l,
    ``W[l]`` n_{l-1} × n_l (W[l][k][j] = w^l_jk), ``b[l]`` 1 × n_l, ``Y`` m × n_L.
    ``weight_nodes[l][k][j]`` and ``bias_nodes[l][0][j]`` are the parameter Values
    (None where a bias is missing); ``grads`` the engine's gradient of every node;
    ``local[l]`` the activations' local derivatives ∂a/∂z (σ'(Z)), m × n_l;
    ``dA[l]`` ∂C/∂A, m × n_l; ``function[l]`` the activation as written (``σ``,
    ``tanh``; None: linear, A = Z).  :meth:`in_layout` gives a matrix in a layout.
    """

    def __init__(self, root, layers, m, X, Y, Z, A, W, b, weight_nodes, bias_nodes, grads,
                 local, dA, layout):
        self.root, self.layers, self.m = root, layers, m
        self.X, self.Y, self.Z, self.A, self.W, self.b = X, Y, Z, A, W, b
        self.weight_nodes, self.bias_nodes = weight_nodes, bias_nodes
        self.grads, self.local, self.dA = grads, local, dA
        self.layout = layout
        self.function: dict[int, str | None] = {}
        self.ops: dict[int, Any] = {}

    @property
    def last(self):
        return self.layers[-1]

    def prime(self, l):
        """The derivative of layer l's activation as written (``σ'``), None when linear."""
        f = self.function.get(l)
        return None if f is None else f"{f}'"

    def prime_at(self, l, M):
        """Layer l's f' at each entry of ``M`` (a slip's σ'(A)), or None for a linear layer."""
        op = self.ops.get(l)
        if op is None:
            return None
        from .value import Value
        method = getattr(Value, op.name)

        def slope(x):
            a = method(Value(x))
            return a._opr.backward(a, 1.0)[0]
        return [[slope(x) for x in row] for row in M]

    def sizes(self):
        first = len(self.X[0])
        return [first] + [len(self.W[l][0]) for l in self.layers]

    def gradient(self, kind, l):
        """The engine's ∂C/∂W or ∂C/∂b of layer l, samples-as-rows form."""
        nodes = self.weight_nodes[l] if kind == "W" else self.bias_nodes[l]
        return [[0.0 if v is None else self.grads.get(v, 0.0) for v in row] for row in nodes]

    def delta(self, l):
        """δ^l = ∂C/∂Z^l from the engine, m × n_l."""
        return self._z_grads[l]

    def in_layout(self, matrix, layout=None):
        """A samples-as-rows matrix written in ``layout`` (columns: transposed)."""
        return matrix if (layout or self.layout) == "rows" else transpose(matrix)

    def names(self, layout=None):
        """{formula name: matrix} bound in ``layout``: X, Y, Z.., A.., W.., b.., m."""
        layout = layout or self.layout
        put = (lambda M: M) if layout == "rows" else transpose
        bound: dict[str, Any] = {"X": put(self.X), "Y": put(self.Y), "m": float(self.m)}
        for l in self.layers:
            n = l - 1 if layout == "rows" else l
            bound[f"Z{n}"], bound[f"A{n}"] = put(self.Z[l]), put(self.A[l])
            bound[f"W{n}"] = put(self.W[l])
            if any(v is not None for v in self.bias_nodes[l][0]):
                bound[f"b{n}"] = put(self.b[l])
        bound[f"A{0 if layout == 'rows' else 1}"] = bound["X"]
        return bound


def _network_weight(name):
    """Whether a node's name is a network weight's as nn gives it: w{l}_{j}{k}."""
    n = names.parse(name) if name else None
    return n is not None and n.layer is not None and n.base == "w"


def has_network_weights(nodes):
    """Whether ``nodes`` hold a network's weights (what :func:`batch_view` needs)."""
    return any(_network_weight(node.name) for node in nodes)


def batch_view(root, layout=None):
    """The :class:`BatchView` of the network batch below ``root`` (names as nn gives them)."""
    nodes = engine.all_nodes(root)
    inputs, targets, zs, acts, weights, biases = {}, {}, {}, {}, {}, {}
    for node in nodes:
        n = names.parse(node.name) if node.name else None
        if n is None:
            continue
        i = int(n.sample) if n.sample else 1
        if n.layer is None:
            if n.base == "x" and n.index:
                _put(inputs, (i, int(n.index)), node)
            elif n.base == "y":
                _put(targets, (i, int(n.index) if n.index else 1), node)
            continue
        l = int(n.layer)
        parts = [int(p) for p in n.index.split(",")] if "," in n.index else None
        if n.base == "w":
            j, k = parts if parts else (int(n.index[0]), int(n.index[1:]))
            _put(weights, (l, j, k), node)
        elif n.base == "b":
            _put(biases, (l, int(n.index)), node)
        elif n.base == "z":
            _put(zs, (i, l, int(n.index)), node)
        elif n.base == "a":
            _put(acts, (i, l, int(n.index)), node)
    if not weights:
        raise ValueError("no network weights (nodes named w{l}_{j}{k}) below this root: a matrix "
                         "name (W2) or a layer needs a network built with nn (e.g. "
                         "nn.MLP.from_matrices); a matrix of your own Values is checked by "
                         "passing it: check(C, W, expected)")
    layers = sorted({l for l, _, _ in weights})
    m = max((i for i, _ in inputs), default=1)
    n_in = max(k for (l, _, k) in weights if l == layers[0])
    sizes = {l: max(j for (ll, j, _) in weights if ll == l) for l in layers}
    X = [[_data(inputs.get((i, k))) for k in range(1, n_in + 1)] for i in range(1, m + 1)]
    n_out = sizes[layers[-1]]
    Y = [[_data(targets.get((i, j))) for j in range(1, n_out + 1)] for i in range(1, m + 1)]
    grads = engine.gradients(root)   # no .grad changes, no hook runs
    Z, A, W, b, wn, bn, local, dA, dZ = {}, {}, {}, {}, {}, {}, {}, {}, {}
    ops_of = {}
    # the z^L a cost reads as a logit (softplus(z) of binary cross-entropy after a sigmoid)
    softplus_of = {node._prev[0] for node in nodes if node._opr is ops.SOFTPLUS}
    previous = n_in
    for l in layers:
        n = sizes[l]
        zrows = [[zs.get((i, l, j)) for j in range(1, n + 1)] for i in range(1, m + 1)]
        arows = [[acts.get((i, l, j)) or zs.get((i, l, j)) for j in range(1, n + 1)]
                 for i in range(1, m + 1)]
        Z[l] = [[_data(v) for v in row] for row in zrows]
        A[l] = [[_data(v) for v in row] for row in arows]
        dZ[l] = [[grads.get(v, 0.0) for v in row] for row in zrows]
        dA[l] = [[grads.get(v, 0.0) for v in row] for row in arows]
        local[l] = [[_local(a, z) for a, z in zip(ra, rz)] for ra, rz in zip(arows, zrows)]
        ops_of[l] = next((acts[(i, l, j)]._opr for i in range(1, m + 1) for j in range(1, n + 1)
                          if acts.get((i, l, j)) is not None), None)
        if ops_of[l] is None:
            logits = all(v in softplus_of for row in zrows for v in row if v is not None)
            ops_of[l] = _unseen_activation(l, weights, Z, A, local, dA, dZ,
                                           "sigmoid" if logits else None)
        wn[l] = [[weights.get((l, j, k)) for j in range(1, n + 1)] for k in range(1, previous + 1)]
        bn[l] = [[biases.get((l, j)) for j in range(1, n + 1)]]
        W[l] = [[_data(v) for v in row] for row in wn[l]]
        b[l] = [[_data(v) if v is not None else 0.0 for v in bn[l][0]]]
        previous = n
    if layout is None:
        layout = layout_of(weights.values())
    view = BatchView(root, layers, m, X, Y, Z, A, W, b, wn, bn, grads, local, dA,
                     check_layout(layout))
    view._z_grads = dZ
    view.function = {l: _function_of(ops_of[l]) for l in layers}
    view.ops = ops_of
    return view


def network_matrix(root, name):
    """``(view, kind, l)`` when ``name`` (``W2``, ``W_2``, ``b1``) is no node's name but a
    matrix of the network below ``root`` in its layout, else None."""
    if parse_matrix_name(name, "rows") is None or any(
            node.name == name for node in engine.all_nodes(root)):
        return None
    try:
        view = batch_view(root)
    except ValueError:
        return None                             # no network: the node lookup's error says so
    kind, l = parse_matrix_name(name, view.layout)
    if l not in view.layers or (kind == "b" and view.bias_nodes[l][0][0] is None):
        return None
    return view, kind, l


def matrix_names(view, layout=None):
    """The network's matrices by their names in ``layout``: ``["W2", "b2", "W3", "b3"]``."""
    layout = layout or view.layout
    out = []
    for l in view.layers:
        out.append(matrix_name("W", l, layout))
        if view.bias_nodes[l][0][0] is not None:
            out.append(matrix_name("b", l, layout))
    return out


def matrices_note(root, layout=None):
    """What an unknown name's error adds when an nn network is below ``root``: ``; the
    network's matrices (columns layout): W2, b2, W3, b3 (W2 holds w^2_jk)``; else ""."""
    if not has_network_weights(engine.all_nodes(root)):
        return ""
    try:
        view = batch_view(root)
    except ValueError:
        return ""
    layout = layout or view.layout
    known = matrix_names(view, layout)
    return (f"; the network's matrices ({layout} layout): {', '.join(known)} ({known[0]} holds "
            f"w^{view.layers[0]}_jk)")


def network_matrix_nodes(root, name):
    """The entries of the network's matrix ``name`` (:func:`network_matrix`) as a list of
    nodes, row by row in the network's layout, or None when ``name`` is no such matrix."""
    found = network_matrix(root, name)
    if found is None:
        return None
    view, kind, l = found
    grid = view.in_layout(view.weight_nodes[l] if kind == "W" else view.bias_nodes[l])
    return [v for row in grid for v in row if v is not None]


def network_entry(root, name):
    """The node at ``W2[1,2]`` (:func:`autograd.names.matrix_entry`: row 1, column 2,
    counted from 1, as a matrix verdict's table labels it) of the network's matrix below
    ``root`` in its layout, or None when ``name`` is no such entry."""
    entry = names.matrix_entry(name)
    found = network_matrix(root, entry[0]) if entry else None
    if found is None:
        return None
    (view, kind, l), (_, r, c) = found, entry
    grid = view.in_layout(view.weight_nodes[l] if kind == "W" else view.bias_nodes[l])
    if not (1 <= r <= len(grid) and 1 <= c <= len(grid[0])):
        return None
    return grid[r - 1][c - 1]


def _put(found, key, node):
    """``found[key] = node``, refusing a second node of the same name: the matrices would
    mix two forward passes (or two networks) and read one of them."""
    other = found.setdefault(key, node)
    if other is node:
        return
    name = names.printable(node.name)
    why = ("two networks' parameters (or copies of one) meet here; a matrix question reads one "
           "network" if name[0] in "wb" else names.SAMPLES_UNNUMBERED)
    raise ValueError(f"two nodes are named {name} below this root: {why}")


def _function_of(op):
    """How an activation op is written (σ, tanh, ReLU), None for none (a linear layer)."""
    if op is None:
        return None
    return op.prime[0][:-1] if op.prime else op.symbol


def _unseen_activation(l, weights, Z, A, local, dA, dZ, seen=None):
    """A layer whose a^l has no node: linear (a = z), or a cost computed from the logit
    z^L (binary cross-entropy after a sigmoid: ``seen`` is "sigmoid" when the graph shows
    it).  The network's activation when it is known (:func:`nn.matrices.network_of`), else
    ``seen``: A = f(Z) and f'(Z) from the op, and ∂C/∂A = δ / f'(z) (BP1 read backwards).
    Returns the activation's op, None for a linear layer."""
    activation = seen
    try:
        from nn.matrices import network_of
    except ImportError:
        network_of = None
    if network_of is not None:
        net = next((found for found in (network_of(weights.get((ll, 1, 1)))
                                        for ll in sorted({key[0] for key in weights}))
                    if found is not None), None)
        layer = next((layer for layer in net.layers if layer.number == l), None) if net else None
        activation = layer.activation if layer is not None else seen
    if activation is None or activation == "linear":
        return None
    from .value import Value
    method = getattr(Value, activation)
    op = None
    for i, zrow in enumerate(Z[l]):
        for j, z in enumerate(zrow):
            a = method(Value(z))
            op = a._opr
            A[l][i][j] = a.data
            local[l][i][j] = slope = a._opr.backward(a, 1.0)[0]
            dA[l][i][j] = dZ[l][i][j] / slope if slope else math.nan
    return op


def _data(node):
    return math.nan if node is None else node.data


def _local(a, z):
    """∂a/∂z of one activation node (1 for a linear layer, where a is z)."""
    if a is None or z is None or a is z:
        return 1.0
    return a._opr.backward(a, 1.0)[0]


# ---------------------------------------------------------------------------
# Reading the asker's matrix: nested lists, an array, or text "[[0.1, 2e-3], ...]"
# ---------------------------------------------------------------------------

#: a float from Python with at most this many significant digits is taken as typed (0.00403);
#: at 5 its digits allow more than the full-precision tolerance (relative 1e-6) does, so a
#: float never agrees less in a matrix than alone; longer ones, as a computed array's
#: entries are, are compared at full precision, as check(C, w, float) is
TYPED_FLOAT_DIGITS = 5


def _entry_precision(entry, where, digits, rtol, atol):
    """(value, Precision) of one entry: text keeps its digits; a short float its shortest form's."""
    from .precision import is_not_finite_text
    if is_not_finite_text(entry):
        entry = read_number(entry)                 # nan, inf as numpy and PyTorch print them
    if isinstance(entry, str):
        entry = one_number_text(entry) or entry    # 4.03 × 10⁻³: 4.03e-3, its digits kept
        if not is_number_text(entry):
            problem = number_problem(entry)      # 0.4%, 1.43x10-3: what to write instead
            raise MatrixEntryError(f"{where} is {entry!r}, not a number" if problem is None else
                                   f"{where}, {entry!r}, {problem}")
        try:
            value = read_number(entry)          # the scalar check's limits: length, a float's range
        except ValueError as err:
            raise MatrixEntryError(f"{where}: {str(err).removeprefix('check: ')}") from None
        return value, precision_for(value, entry, digits=digits, rtol=rtol, atol=atol)
    if isinstance(entry, bool) or not hasattr(entry, "__float__"):
        raise MatrixEntryError(f"{where} is {type(entry).__name__} {short_repr(entry)}, not a "
                               f"number")
    try:
        value = float(entry)
    except OverflowError:
        raise MatrixEntryError(f"{where} is {short_repr(entry)}, too large for a float") from None
    text = written_form(entry) if math.isfinite(value) else repr(value)
    if math.isfinite(value) and 0 < significant_digits(text) <= TYPED_FLOAT_DIGITS:
        return value, precision_for(value, text, digits=digits, rtol=rtol, atol=atol)
    return value, precision_for(value, digits=digits, rtol=rtol, atol=atol, from_float=True)


#: an array of float32 (float16) numbers is compared at its own precision: each entry within
#: this relative tolerance, plus the same fraction of the engine matrix's largest entry (a
#: sum over the batch rounds at that scale); about 80 float32 (10 float16) rounding steps
LOW_PRECISION_RTOL = {"float32": 1e-5, "float16": 1e-2, "bfloat16": 1e-1}


#: an array's or a number's dtype as numpy or PyTorch print it: dtype=float32, np.float32(…)
_PRINTED_DTYPE = re.compile(r"(?:dtype\s*=\s*(?:np\.|numpy\.|torch\.)?|\b(?:np|numpy)\.)"
                            r"(float32|float16|bfloat16)\b")


def low_precision(given):
    """``"float32"`` (or float16, bfloat16) for an array of that dtype (numpy or torch), or a
    list of such rows or numbers (``list(arr)``, ``[list(row) for row in arr]``), or the text
    numpy or PyTorch print for one (``array([…], dtype=float32)``, ``np.float32(…)``), or
    ``"float32"`` for such an array's ``.tolist()`` (:func:`_float32_floats`), else None."""
    if isinstance(given, str):
        printed = _PRINTED_DTYPE.search(given)
        return printed.group(1) if printed else None
    whole = given
    for _ in range(3):                  # the array, else its first row, else that row's first entry
        name = str(getattr(given, "dtype", "")).rsplit(".", 1)[-1]
        if name in LOW_PRECISION_RTOL:
            return name
        if not isinstance(given, (list, tuple)) or not given:
            break
        given = given[0]
    return "float32" if _float32_floats(whole) else None


#: a float32 number as a float64 shows it with up to 9 significant digits when it was typed
#: (0.5, 0.00403); a computed one's float64 form has about 17 (0.0013730262080207467)
_FLOAT32_SHOWS = 9


def _float32_floats(given):
    """Whether ``given``, a list of rows (or of numbers) of Python floats, is a float32
    array's ``.tolist()``: every entry a float32 number exactly, and one at least with more
    digits than a typed number has. A float64 computation gives a float32 number by chance
    once in about 5·10⁸ entries."""
    if not isinstance(given, (list, tuple)) or not given:
        return False
    rows = given if all(isinstance(row, (list, tuple)) for row in given) else [given]
    entries = [x for row in rows for x in row]
    if not entries or not all(type(x) is float and math.isfinite(x) for x in entries):
        return False
    try:
        if any(struct.unpack("f", struct.pack("f", x))[0] != x for x in entries):
            return False
    except OverflowError:                      # beyond float32's range
        return False
    return any(len(Decimal(repr(x)).as_tuple().digits) > _FLOAT32_SHOWS for x in entries)


def _is_array(x):
    """Whether ``x`` is an array or tensor of one or more dimensions (a row, a matrix)."""
    return getattr(x, "ndim", 0) >= 1 and hasattr(x, "tolist")


def is_flat(given):
    """Whether ``given`` is one vector without an orientation: a flat list, a 1-d array or
    the text of one ``[a, b, c]`` (or ``a, b, c``)."""
    if isinstance(given, str):
        if is_bare_list(given):
            return True
        text = _unwrapped(given).strip()
        return text.startswith("[") and text.count("[") == 1 and ";" not in text and \
            _TRANSPOSED_LIST.fullmatch(text) is None
    if hasattr(given, "ndim") and not isinstance(given, (list, tuple)):
        return given.ndim == 1
    return isinstance(given, (list, tuple)) and bool(given) and not isinstance(
        given[0], (list, tuple)) and not _is_array(given[0])


def read_matrix(given, what="the matrix", *, digits=None, rtol=None, atol=None):
    """(values, precisions) as lists of rows from nested lists, a 1-d list (one row),
    an array or one number (1 × 1); refuses ragged rows and non-numbers naming the
    row and column."""
    if isinstance(given, str):
        given = read_matrix_text(given)
    if hasattr(given, "tolist") and not isinstance(given, (list, tuple)):
        given = given.tolist()
    if isinstance(given, (list, tuple)):          # list(arr): rows that are arrays
        given = [row.tolist() if _is_array(row) else row for row in given]
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        given = [[given]]                   # one number: a 1 × 1 matrix (∂C/∂b of one neuron)
    if not isinstance(given, (list, tuple)) or not given:
        raise TypeError(f"{what} must be nested lists of numbers (one list per row) or an "
                        f"array, got {type(given).__name__} {short_repr(given)}")
    rows = given if isinstance(given[0], (list, tuple)) else [given]
    width = None
    values: list[list[float]] = []
    precisions: list[list[Precision]] = []
    for r, row in enumerate(rows, 1):
        if not isinstance(row, (list, tuple)):
            raise TypeError(f"{what}: row {r} is {type(row).__name__} {row!r}, not a list of "
                            f"numbers")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{what}: row {r} has {len(row)} entr{'y' if len(row) == 1 else 'ies'} "
                             f"but row 1 has {width}; "
                             f"every row needs the same number")
        vrow, prow = [], []
        for c, entry in enumerate(row, 1):
            v, p = _entry_precision(entry, f"{what}: the entry in row {r}, column {c}",
                                    digits, rtol, atol)
            vrow.append(v)
            prow.append(p)
        values.append(vrow)
        precisions.append(prow)
    if not width:
        raise ValueError(f"{what}: row 1 is empty")
    return values, precisions


#: one number in scientific notation typed with spaces, read whole (not as numpy's entries
#: apart by spaces): 4.03 × 10⁻³, 4.03 \\times 10^{-3}, 4.03 x 10^-3, 4.03 e-3, and 4.03 × 10-3
#: (an exponent that lost its superscript, which the entry's reader names)
_SPACED_SCIENTIFIC = (rf"[+\-−]?{DECIMAL}(?:\s*(?:[xX×·⋅*]|\\times|\\cdot)\s*10\s*"
                      r"(?:(?:\^|\*\*)\s*(?:\{\s*(?:[+\-−]\s*)?\d+\s*\}|\(\s*(?:[+\-−]\s*)?\d+\s*\)|[+\-−]?\d+)"
                      r"|[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[\-−]\d+)|\s+[eE][+\-−]\d+)(?![^\s\[\],;])")
#: a list's tokens; a % set apart from its number (``0.4 %``) stays with it
_CELL = re.compile(rf"\s*(\[|\]|,|;|{_SPACED_SCIENTIFIC}|[^\s\[\],;]+(?:\s+\\?%)?)")

#: a LaTeX matrix of a post: \begin{bmatrix} a & b \\ c & d \end{bmatrix} (pmatrix, array{cc}, ...)
#: its opening, which a formula may not hold (:mod:`autograd.matrix_formula` refuses it)
LATEX_MATRIX_BEGIN = r"\\begin\s*\{(?P<env>[pbBvV]?matrix|array)\}"
_LATEX_MATRIX = re.compile(LATEX_MATRIX_BEGIN + r"(?:\s*\{[^{}]*\})?"
                           r"(?P<body>.*?)\\end\s*\{(?P=env)\}", re.S)
#: what may stand before it: a math frame, a label ending in = (∂C/∂W_2 =), \left[
def _ten_to(name):
    """``10^{-3}``, its exponent the group ``name``: a power of ten factored out of a LaTeX
    matrix's entries, before it (``10^{-3} \\begin{bmatrix}…``) or after (``… \\times 10^{-3}``)."""
    return rf"10\s*\^\s*(?:\{{\s*(?P<{name}>[+\-−]?\d+)\s*\}}|(?P<{name}_bare>[+\-−]?\d+))"


#: (each optional part takes the spaces after it, the label's text starts with no space:
#: no two parts can take the same spaces, so a long run of them costs its length)
_BEFORE_LATEX_MATRIX = re.compile(r"\s*(?:(?:\$\$?|\\[\[(])\s*)?(?:(?:[^=$\s][^=$]*)?=\s*)?"
                                  rf"(?:{_ten_to('before')}\s*(?:(?:\\times|\\cdot|×|·)\s*)?)?"
                                  r"(?:\\left\s*[\[(.]\s*)?")
#: a transpose after a matrix written out: ^T, ^{T}, ^\top, ^{\top}, ^\intercal
_TRANSPOSE = r"(?:\^\s*(?:\{\s*(?:T|\\top|\\intercal)\s*\}|T|\\top|\\intercal)|ᵀ)"
#: and after it: \right], a transpose (a row written as a column), a full stop, the frame's end
_AFTER_LATEX_MATRIX = re.compile(rf"\s*(?:\\right\s*[\]).]\s*)?(?:(?P<turned>{_TRANSPOSE})\s*)?"
                                 rf"(?:(?:\\times|\\cdot|×|·)\s*{_ten_to('after')}\s*)?"
                                 r"(?:[.,]\s*)?(?:(?:\$\$?|\\[\])])\s*)?")
_TRANSPOSED_LIST = re.compile(rf"(?P<rows>.*\])\s*{_TRANSPOSE}\s*", re.S)


def latex_matrix_text(text):
    """The entries' text of a LaTeX matrix pasted whole (``\\begin{bmatrix} 0.1 & 2e-3
    \\\\ 3 & 4 \\end{bmatrix}``, in ``$$`` or ``\\[ \\]``, after a label such as
    ``\\frac{\\partial C}{\\partial W_2} =``), rows split at ``\\\\`` and entries at
    ``&``; None for other text.  An entry that is a number keeps its digits
    (``4.03 \\times 10^{-3}`` is ``4.03e-3``); one that is not is left as typed."""
    found = _LATEX_MATRIX.search(text)
    after = None if found is None else _AFTER_LATEX_MATRIX.fullmatch(text[found.end():])
    before = None if found is None else _BEFORE_LATEX_MATRIX.fullmatch(text[:found.start()])
    if found is None or after is None or before is None:
        return None
    rows = re.split(r"\\\\(?:\s*\[[^\[\]]*\])?", found.group("body"))     # \\[2pt]: a row's spacing
    if len(rows) > 1 and not rows[-1].strip():
        rows.pop()                             # a \\ after the last row
    cells = [[_entry_text(cell) for cell in row.split("&")] for row in rows]
    powers = [before.group("before") or before.group("before_bare"),
              after.group("after") or after.group("after_bare")]
    if any(powers):                            # 10^{-3} [1.10 …]: each entry 1.10e-3
        power = sum(int(p.replace("−", "-")) for p in powers if p)
        cells = [[_scaled(cell, power) for cell in row] for row in cells]
    return _turned(cells) if after.group("turned") else cells


def _scaled(entry, power):
    """A number's text times 10**power, its significant digits kept (``1.10``, -3:
    ``0.00110``); other text as it is, for the reader to name."""
    if not is_number_text(entry):
        return entry
    return str(Decimal(entry.strip().replace("−", "-")).scaleb(power))


#: what a post puts around an entry: \phantom{-} (alignment), \hline, \num{…}, \mathbf{…}, \text{…}
_ENTRY_MARKUP = re.compile(r"\\h?phantom\s*\{[^{}]*\}|\\hline|\\(?:num|mathbf|mathrm|text|textbf|boldsymbol)"
                           r"\s*\{([^{}]*)\}")


def _unmarked(text):
    """``text`` without the markup a post puts around a number (:data:`_ENTRY_MARKUP`)."""
    return _ENTRY_MARKUP.sub(lambda found: found.group(1) or "", text)


def _entry_text(cell):
    """One LaTeX matrix entry's text, a number's digits kept (``4.03 \\times 10^{-3}``:
    ``4.03e-3``), without the markup around it; as typed when it is not a number."""
    return number_text(_unmarked(cell)) or cell.strip()


def _turned(rows):
    """Rows of entries transposed (ragged rows are left for the reader to name)."""
    return transpose(rows) if len({len(row) for row in rows}) == 1 else rows


#: an array or tensor as its repr prints it (Jupyter shows it so): array([[0.004], [0.009]]),
#: tensor([[0.0040]], dtype=torch.float64, grad_fn=<MulBackward0>)
_PRINTED_ARRAY = re.compile(r"\s*(?:np\.|numpy\.|torch\.)?(?:array|tensor)\(\s*(?P<rows>\[.*\])"
                            r"\s*(?:,\s*\w+\s*=\s*(?:<[^<>]*>|[\w.]+|\(\s*\d+(?:\s*,\s*\d+)*\s*,?\s*\))\s*)*"
                            r"\)\s*", re.S)
#: numpy's "..." for the entries it leaves out of an array's printout (above 1000 entries)
_SUMMARISED = re.compile(r"(?<![^\s\[,])\.\.\.(?![^\s\],])")


#: print(array): rows in [ ], entries apart by spaces only
_PRINTED_ROWS = re.compile(r"\s*\[[^,;\]]*(?:\][^,;\]]*)*\]\s*")


def _unwrapped(text):
    """``text`` without the ``array(…)`` or ``tensor(…)`` its repr prints around it."""
    found = _PRINTED_ARRAY.fullmatch(text)
    return found.group("rows") if found else text


#: one number as numpy 2 or PyTorch prints it: np.float64(0.0142), tensor(0.0142, dtype=...)
_PRINTED_NUMBER = re.compile(r"\s*(?:np\.|numpy\.|torch\.)?(?:float(?:16|32|64)|array|tensor)\(\s*"
                             r"(?P<number>[^\s,()\[\]]+)\s*(?:,\s*\w+\s*=\s*(?:<[^<>]*>|[\w.]+)\s*)*\)\s*")


def one_number_text(text):
    """The number ``text`` is, its digits kept, as typed (:func:`autograd.formula.number_text`:
    ``0.0142``, ``$0.0142$``) or as numpy or PyTorch print one number (``np.float64(0.0142)``,
    ``tensor(0.0142, dtype=torch.float64)``, ``array([[0.0142]])``), or in the markup a
    matrix entry may have (``\\num{1.42e-2}``, ``\\mathbf{0.0142}``); else None."""
    found = number_text(_printed_number(text) or text)
    if found is None and isinstance(text, str) and "\\" in text:
        found = number_text(_unmarked(text))
    return found


def _printed_number(text):
    """The number's text in one number as numpy or PyTorch prints it; else None."""
    found = _PRINTED_NUMBER.fullmatch(text)
    if found:
        return found.group("number")
    if _unwrapped(text) == text:
        return None
    try:
        rows = read_matrix_text(text)
    except ValueError:
        return None
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else None


#: 0,7 or -1,25e-3: a number typed with a decimal comma (never a formula)
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$")


#: 1,234.5 or 12,345: digits grouped by thousands with commas
_THOUSANDS = re.compile(r"^\s*[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?\s*$")


def with_decimal_point(text):
    """``0,7`` -> ``"0.7"``: a number typed with a decimal comma, as a dot (also in
    scientific notation, ``1,43·10⁻³``); else None."""
    if _DECIMAL_COMMA.match(text):
        return text.strip().replace(",", ".")
    if text.count(",") == 1 and re.search(r"\d,\d", text) and not re.search(r"[\[\]()]", text):
        dotted = text.strip().replace(",", ".")
        return dotted if one_number_text(dotted) is not None else None
    return None


def comma_problem(text, before=""):
    """What is wrong with a number typed with a comma, ending in the number to write
    (``before`` it: ``--expected ``); None for text that is no such number. ``0,7`` has a
    decimal comma, ``1,234.5`` groups thousands, and ``1,234`` may be either."""
    point = with_decimal_point(text)
    grouped = _THOUSANDS.match(text) is not None
    plain = text.strip().replace(",", "")
    if point is not None and grouped:
        return (f"has a comma that is a decimal comma or groups thousands; write "
                f"{before}{point} or {before}{plain}")
    if point is not None:
        return f"is written with a decimal comma; write the decimal point as a dot: {before}{point}"
    if grouped:
        return f"groups its digits with commas; write it without them: {before}{plain}"
    return None


#: a percent sign ending a number: ``0.143%``, ``14.3 %``, LaTeX's ``$0.143\\%$`` (not ``1%2``)
_PERCENT = re.compile(r"(?<=[\d.}])\s*\\?%(?=(?:\s|\$|\}|\\\))*$)")


def percent_problem(text, before=""):
    """What is wrong with a number typed as a percentage (``0.143%``), ending in the plain
    number to write with the same digits (``before`` it: ``--expected ``); None for text that
    is no such number. A gradient is a plain number, not a share of 100."""
    if text.count("%") != 1 or not _PERCENT.search(text):
        return None
    number = one_number_text(_PERCENT.sub("", text, count=1))
    if number is None or not is_number_text(number):
        return None
    typed = Decimal(number.strip().replace("−", "-"))
    plain = rounded_text(typed.scaleb(-2), significant_digits(number)) if typed else "0"
    return f"is a percentage; a gradient is a plain number: {before}{plain}"


#: 1.43 × 10-3, 1.43x10-3: scientific notation whose exponent lost its superscript in pasting
_LOST_EXPONENT = re.compile(rf"\s*(?P<mantissa>[+\-−]?{DECIMAL})\s*(?:[xX×·⋅*]|\\times|"
                            r"\\cdot)\s*10(?P<exponent>[\-−]\d+)\s*")


def exponent_problem(text, before=""):
    """What is wrong with ``1.43 × 10-3`` (10⁻³ pasted without its superscript, which reads
    as 1.43·10 − 3), ending in the number to write; None for other text."""
    found = _LOST_EXPONENT.fullmatch(text)
    if found is None:
        return None
    mantissa, exponent = found.group("mantissa"), found.group("exponent").replace("−", "-")
    return (f"reads as {mantissa}·10 − {exponent[1:]}; if {exponent} is the exponent (a "
            f"superscript lost in pasting), write {before}{mantissa}e{exponent}")


def number_problem(text, before=""):
    """What is wrong with a number as typed (a comma, a percent sign, an exponent pasted
    without its superscript), ending in the number to write; None for text that is no
    such number."""
    return comma_problem(text, before) or percent_problem(text, before) or \
        exponent_problem(text, before)


#: one number as typed in a list (digits kept)
_ENTRY = rf"[+\-−]?{DECIMAL}(?:[eE][+\-−]?\d+)?"
#: several numbers separated by commas, typed without brackets: 0.00403, 0.0094, 0.00769
_BARE_LIST = re.compile(rf"\s*{_ENTRY}(?:\s*,\s*{_ENTRY})+\s*")


def _bare_entries(text):
    """The entries of numbers separated by commas without brackets, each as typed
    (``0.00403, 9.40 × 10⁻³``, or one a number problem names: ``4.03 × 10-3``), or by
    semicolons or lines (a column as printed), or a tuple's ``(0.1, 0.2)``; else None."""
    tupled = re.fullmatch(r"\s*\(([^()]*)\)\s*", text)
    text = tupled.group(1) if tupled else text
    if re.search(r"[\[\]()&]", text) or with_decimal_point(text) is not None:
        return None
    separator = "," if "," in text else ";" if ";" in text else "\n"
    entries = [entry.strip() for entry in text.strip().rstrip(";").split(separator)]
    if len(entries) < 2 or not all(one_number_text(e) is not None or number_problem(e)
                                   for e in entries):
        return None
    return entries


def _bare_rows(text):
    """The rows of numbers typed one row a line without brackets, entries apart by commas or
    spaces, as a printout or a spreadsheet gives them (``0.0011 -0.00035\\n0.0052 -0.0039``),
    each entry as typed; else None (a vector one number a line is :func:`_bare_entries`')."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or re.search(r"[\[\]();&=]", text):
        return None
    try:
        rows = [_read_rows(f"[{line}]")[0] for line in lines]
    except ValueError:
        return None
    if any(len(row) < 2 for row in rows) or not all(
            one_number_text(e) is not None or number_problem(e) for row in rows for e in row):
        return None
    return rows


def is_bare_list(text):
    """Whether ``text`` is numbers separated by commas, typed without brackets."""
    return _BARE_LIST.fullmatch(text) is not None or _bare_entries(text) is not None


def is_matrix_text(text):
    """Whether ``text`` is a matrix of numbers written out (``[[0.1, 0.2]]``, an array's
    or tensor's repr, a LaTeX matrix, numbers separated by commas), not a formula."""
    return (_unwrapped(text).lstrip().startswith("[") or latex_matrix_text(text) is not None
            or is_bare_list(text) or _bare_rows(text) is not None)


def read_matrix_text(text):
    """``"[[0.1, 2e-3], [3, 4]]"`` (or ``"[0.1 0.2; 0.3 0.4]"``, an array's repr, or a
    LaTeX matrix: :func:`latex_matrix_text`) as nested lists of the entries' text, so each
    keeps the digits typed.  No eval."""
    printed = _unwrapped(text)
    if _SUMMARISED.search(printed) and printed.lstrip().startswith("["):
        raise ValueError("cannot read the matrix: its '...' stands for entries left out, as "
                         "numpy prints an array of more than 1000 entries; pass the array "
                         "itself, or print it whole after np.set_printoptions(threshold=sys.maxsize)")
    if printed != text or _PRINTED_ROWS.fullmatch(text):     # numpy's repr, or print(array)
        return _at_the_arrays_digits(_read_rows(printed))
    latex = None if text.lstrip().startswith("[") else latex_matrix_text(text)
    if latex is not None:
        return latex
    if _BARE_LIST.fullmatch(text):             # 0.1, 0.2, 0.3: a list without its brackets
        return _read_rows(f"[{text}]")
    entries = _bare_entries(text)
    if entries is not None:                    # 4.03 × 10⁻³, 9.40 × 10⁻³: each entry whole
        return [entries]
    rows = _bare_rows(text)
    if rows is not None:                       # a row a line, as printed without brackets
        return rows
    turned = _TRANSPOSED_LIST.fullmatch(text)
    if turned:                                 # [a, b, c]^T: a column
        return _turned(read_matrix_text(turned.group("rows")))
    return _read_rows(text)


def _read_rows(text):
    """``[[a, b], [c, d]]`` (or ``[a b; c d]``) as nested lists of the entries' text."""
    tokens = _CELL.findall(text.strip())
    if re.sub(r"\s+", "", "".join(tokens)) != re.sub(r"\s+", "", text):
        raise ValueError(f"cannot read {text!r} as a matrix: write it as [[a, b], [c, d]]")
    rows: list[list[str]] = []
    depth = 0
    row: list[str] | None = None
    for t in tokens:
        if t == "[":
            depth += 1
            if depth > 2:
                raise ValueError(f"cannot read {text!r} as a matrix: more than two levels of [")
            row = []
        elif t == "]":
            if row is not None and (depth == 2 or row):
                rows.append(row)
            row = None
            depth -= 1
            if depth < 0:
                break
        elif t == ";":
            rows.append(row or [])
            row = []
        elif t != ",":
            if row is None:
                raise ValueError(f"cannot read {text!r} as a matrix: {t!r} is outside a row's [ ]")
            row.append(t)
    if depth != 0 or not rows:
        raise ValueError(f"cannot read {text!r} as a matrix: the brackets do not match")
    _refuse_decimal_commas(text, tokens)
    return rows


_POSITIONAL = re.compile(r"[+\-]?\d*\.(\d*)")


def _at_the_arrays_digits(rows):
    """numpy prints every entry of an array at one precision, padding a shorter one with
    spaces (``0.01      `` beside ``0.00939628`` is 0.01000000): each entry written with
    a point gets the most digits after the point any entry has."""
    found = [[_POSITIONAL.fullmatch(entry) for entry in row] for row in rows]
    most = max((len(f.group(1)) for row in found for f in row if f), default=0)
    return [[entry + "0" * (most - len(f.group(1))) if f else entry for entry, f in zip(row, fs)]
            for row, fs in zip(rows, found)]


def _refuse_decimal_commas(text, tokens):
    """Refuse ``[[0,00403], [0,0094]]``: an entry with leading zeros (``00403``) right after
    a comma, in text without a decimal point, is the decimal part of a number written with a
    decimal comma."""
    if "." in text:
        return
    for before, comma, entry in zip(tokens, tokens[1:], tokens[2:]):
        if comma == "," and re.fullmatch(r"0\d+", entry) and re.fullmatch(r"[+\-−]?\d+", before):
            raise ValueError(f"cannot read the matrix: {entry!r} after {before + ','!r} is the "
                             f"decimal part of a number written with a decimal comma; write the "
                             f"decimal point as a dot: {before}.{entry}")

"""Check a gradient asked about as a matrix, and name the convention a wrong value follows.

``check(C, "W2", expected)`` (or ``check(C, net.layers[i], expected)``) lands here:
:func:`check_matrix` compares a whole ∂C/∂W or ∂C/∂b of a batch with the asker's
numbers (each entry at the digits typed, :mod:`autograd.precision`) or with a
matrix formula (:mod:`autograd.matrix_formula`), and when they disagree tries the
mistakes people make with BP1-BP4 in matrices (transposed, the 1/m, a missing
⊙ σ'(Z), BP2 without the transpose, the bias not summed over the batch, the
error's sign).

:func:`other_parameter` is the scalar check's hook: a value that is not
∂C/∂w^l_jk but is another parameter's gradient is usually a naming mistake
(Nielsen numbers the input layer 1, and w^l_jk leads *into* neuron j of layer l).
"""

from __future__ import annotations

import math
import re
from itertools import product as _product

from . import engine, names
from .floats import counted, listlike, short_repr
from .matrix_form import (
    LOW_PRECISION_RTOL, MatrixShapeError, batch_view, check_layout, hadamard, has_network_weights,
    is_flat, matrices_note,
    is_matrix_text, low_precision, matmul, matrix_name, one_number_text,
    parse_matrix_name, read_matrix, scale, shape, shape_text, transpose,
)
from .diagnosis import HALF_HINT, constant_factor, factor_words
from .matrix_explain import loss_of
from .matrix_formula import MatrixFormulaError, evaluate_matrix_formula
from .verdict import Verdict
from .notation import number
from .precision import MISTAKE_DIGITS, is_number_text, precision_for, told_apart

__all__ = ["MatrixVerdict", "check_matrix", "is_matrix_question", "network_hint", "other_parameter",
           "MatrixFormulaError"]



def is_matrix_question(root, wrt, expected):
    """Whether ``check(root, wrt, expected)`` asks about a matrix: ``wrt`` is a layer, a
    matrix name (``W2``, ``b1``) that names no node of the graph (``b_1`` names b1), with
    several numbers given or an nn network below root, or a matrix of Values."""
    if hasattr(wrt, "neurons") and hasattr(wrt, "number") or listlike(wrt, sized=True):
        return True
    several = isinstance(wrt, str) and _several(expected)
    if parse_matrix_name(wrt, "rows") is not None or several:
        nodes = engine.all_nodes(root)
        if names.named(names.nodes_by_name(nodes), wrt):
            return False
        return several or has_network_weights(nodes)
    return False


def network_hint(wrt):
    """What a node-name error adds for a matrix name (``W2``, ``b1``) asked about where no
    network is: ``; as a matrix name, W2 needs a network built with nn ...``; else ""."""
    if parse_matrix_name(wrt, "rows") is None:
        return ""
    return (f"; as a matrix name, {wrt} needs a network built with nn (nn.MLP.from_matrices) "
            f"below the root")


def _several(expected):
    """Whether ``expected`` is several numbers (a list, an array, a matrix written out): with
    a name that is no node's, a matrix is asked about (and the refusal lists the matrices)."""
    if isinstance(expected, str):
        return is_matrix_text(expected)
    return listlike(expected, sized=True) or getattr(expected, "ndim", 0) >= 1


# ---------------------------------------------------------------------------
# The verdict
# ---------------------------------------------------------------------------

class MatrixVerdict(Verdict):
    """The result of checking a matrix (a :class:`autograd.check.Verdict` whose numbers are
    matrices).  ``bool(verdict)``: every entry agrees.

    name, kind, layer, layout   ``W2``, "W"/"b", Nielsen's layer l, the layout
    engine                      the engine's gradient in the layout (lists of rows)
    expected                    the asker's numbers (or the formula's), same layout
    agree                       per entry True/False (None when the shapes differ)
    formula, formula_read       the formula typed and how it was read (or None)
    finding                     the first line: what was found
    matrix_diagnosis            the mistake that reproduces the numbers, or None
    """

    name: str
    finding: str
    matrix_diagnosis: str | None
    lines: list[str]

    @property
    def digits(self) -> int | None:
        return None

    @property
    def rtol(self) -> float | None:
        return None

    @property
    def atol(self) -> float | None:
        return None

    def _repr_html_(self) -> str:
        import html
        return f"<pre>{html.escape(str(self))}</pre>"

    def __bool__(self) -> bool:
        return self.agreed

    def __str__(self) -> str:
        return self.text()

    def headline(self) -> str:
        """The first line: what was found."""
        return self.finding

    def text(self, next_step: str | None = None) -> str:
        """The finding, then the entries (a matrix verdict's advice is in its lines)."""
        return "\n".join([self.finding, *self.lines])

    def __repr__(self) -> str:
        return f"<MatrixVerdict {'agreed' if self.agreed else 'disagreed'}: ∂C/∂{self.name}>"


# ---------------------------------------------------------------------------
# What was asked about
# ---------------------------------------------------------------------------

def _target(view, wrt, expected_shape, layout):
    """(kind, Nielsen layer) for a layer or a matrix name."""
    if hasattr(wrt, "neurons") and hasattr(wrt, "number"):
        l = wrt.number
        if l not in view.layers:
            raise ValueError(f"check: layer {l} is not in this graph (its layers are "
                             f"{', '.join(map(str, view.layers))})")
        kind = "W"
        bias_shape = (1, len(view.W[l][0])) if layout == "rows" else (len(view.W[l][0]), 1)
        weight_shape = shape(view.in_layout(view.W[l], layout))
        if expected_shape in (bias_shape, bias_shape[::-1]) and expected_shape not in (
                weight_shape, weight_shape[::-1]) and view.bias_nodes[l][0][0] is not None:
            kind = "b"
        return kind, l
    found = parse_matrix_name(wrt, layout)
    if found is None or found[1] not in view.layers or (
            found[0] == "b" and view.bias_nodes[found[1]][0][0] is None):
        known = names.nodes_by_name(engine.all_nodes(view.root))
        raise ValueError(f"check: {names.no_node_named(wrt, known, 'this graph')}"
                         f"{matrices_note(view.root, layout)}")
    return found


def _shape_words(kind, l, layout, view):
    n_in = len(view.W[l])
    n_out = len(view.W[l][0])
    if kind == "W":
        return (f"{n_in}×{n_out} (inputs × outputs: row k, column j holds w^{l}_jk)"
                if layout == "rows" else
                f"{n_out}×{n_in} (outputs × inputs: row j, column k holds w^{l}_jk)")
    return f"1×{n_out} (a row)" if layout == "rows" else f"{n_out}×1 (a column)"


def _entry_name(kind, l, r, c, layout):
    """The Nielsen node of entry (r, c) (1-based) of W or b in ``layout``."""
    if kind == "W":
        j, k = (c, r) if layout == "rows" else (r, c)
        return f"w{l}_{j}{k}" if j < 10 and k < 10 else f"w{l}_{j}_{k}"
    return f"b{l}_{c if layout == 'rows' else r}"


# ---------------------------------------------------------------------------
# The candidates: BP1-BP4 with the usual mistakes, samples as rows
# ---------------------------------------------------------------------------

def _deltas(view, l, missing_prime=None, untransposed=None, no_weights=None, prime_at_a=None,
            extra_prime=False, activation=None):
    """δ^l by BP1 and BP2 from the engine's ∂C/∂A^L, with one mistake made (or none)."""
    L = view.last
    local = dict(view.local)
    for k in (() if activation is None else activation):    # f(Z) written for f'(Z)
        local[k] = view.A[k]
    for k in (() if prime_at_a is None else
              prime_at_a if isinstance(prime_at_a, tuple) else (prime_at_a,)):
        local[k] = view.prime_at(k, view.A[k])
    delta = view.dA[L] if missing_prime == L else hadamard(view.dA[L], local[L])
    if extra_prime:
        delta = hadamard(delta, local[L])
    for k in range(L - 1, l - 1, -1):
        W = view.W[k + 1]                               # n_k × n_{k+1}
        if no_weights == k + 1:
            if len(delta[0]) != 1:
                return None
            back = [[row[0]] * len(W) for row in delta]
        elif untransposed == k + 1:
            if len(W) != len(W[0]):
                return None
            back = matmul(delta, W)
        else:
            back = matmul(delta, transpose(W))
        delta = back if missing_prime == k else hadamard(back, local[k])
    return delta


#: the derivative as written in the activation a, which makes f'(A) a tempting slip
_IN_THE_ACTIVATION = {"σ'": "σ'(z) = a(1 − a)", "tanh'": "tanh'(z) = 1 − a²"}


def _variants(view, l):
    """[(words or None, keyword arguments of _deltas)]: the true δ first, then one mistake each."""
    L = view.last
    out: list[tuple[str | None, dict]] = [(None, {})]
    for k in range(L, l - 1, -1):
        prime = view.prime(k)
        if prime is None:                    # a linear layer: no factor to leave out
            continue
        z = f"{prime}(Z{k - 1 if view.layout == 'rows' else k})"
        where = (f"BP1 (δ^L = ∇_a C ⊙ {prime}(z^L))" if k == L else
                 f"BP2 (δ^l = ((w^{{l+1}})ᵀ δ^{{l+1}}) ⊙ {prime}(z^l))")
        out.append((f"the ⊙ {z} factor is missing: {where} multiplies by it, entry by entry",
                    {"missing_prime": k}))
        n = k - 1 if view.layout == "rows" else k
        written = _IN_THE_ACTIVATION.get(prime)
        out.append((f"the factor is {prime}(A{n}) where {'BP1' if k == L else 'BP2'} has "
                    f"{prime}(Z{n}): the derivative is taken at the activations, not at the "
                    f"weighted inputs" + (f" ({written} is already written in a)" if written
                                          else ""), {"prime_at_a": k}))
    layers = tuple(k for k in range(L, l - 1, -1) if view.prime(k) is not None)
    shift = 1 if view.layout == "rows" else 0
    for chosen in dict.fromkeys([(k,) for k in layers] + [layers]):
        if not chosen:
            continue
        f = {"σ'": "σ", "tanh'": "tanh"}.get(view.prime(chosen[0]))
        if f is None or any(view.prime(k) != view.prime(chosen[0]) for k in chosen):
            continue
        which = " and ".join(f"{f}(Z{k - shift})" for k in chosen)
        where = " and ".join(dict.fromkeys("BP1" if k == L else "BP2" for k in chosen))
        words = (f"the factors {which} are the activations, where {where} multiply by their "
                 if len(chosen) > 1 else
                 f"the factor {which} is the activation, where {where} multiplies by its ")
        out.append((f"{words}derivative{'s' if len(chosen) > 1 else ''} "
                    f"{view.prime(chosen[0])}(Z)", {"activation": chosen}))
    if len(layers) > 1:                      # the same slip in BP1 and every BP2
        factors = " and ".join(f"{view.prime(k)}(A{k - shift})" for k in layers)
        written = "; ".join(dict.fromkeys(_IN_THE_ACTIVATION[view.prime(k)] for k in layers
                                          if view.prime(k) in _IN_THE_ACTIVATION))
        out.append((f"every derivative is taken at the activations, {factors}, where BP1 and "
                    f"BP2 take it at the weighted inputs Z" +
                    (f" ({written}: already written in a)" if written else ""),
                    {"prime_at_a": layers}))
    prime = view.prime(L)
    found = loss_of(view) if prime == "σ'" else None
    if found and found[0] in ("binary_cross_entropy", "cross_entropy"):
        n = L - 1 if view.layout == "rows" else L
        out.append((f"the ⊙ σ'(Z{n}) factor is one too many: (A − Y) ⊙ σ'(Z) is BP1 of a "
                    f"squared error; with cross-entropy after a sigmoid BP1 gives δ = A − Y "
                    f"(∇_a C = (a − y)/(a(1 − a)), and σ'(z) = a(1 − a) cancels it)",
                    {"extra_prime": True}))
    for k in range(L, l, -1):
        W = matrix_name("W", k, view.layout)
        right = f"δ @ {W}ᵀ" if view.layout == "rows" else f"{W}ᵀ @ δ"
        out.append((f"BP2 uses the next layer's weights without the transpose: it is {right}",
                    {"untransposed": k}))
        below = view.prime(k - 1)
        prime_below = f" ⊙ {below}(z^{k - 1})" if below else ""
        out.append((f"BP2's factor {W} is missing: δ^{k - 1} = ((w^{k})ᵀ δ^{k}){prime_below} needs "
                    f"the weights w^{k} into the next layer", {"no_weights": k}))
    return out


def _candidates(view, kind, l, layout, flat=False):
    """(words, matrix in layout) for each mistake and combination, simplest first.
    ``flat``: the numbers are a vector without an orientation, so turning it is no mistake."""
    m = view.m
    A_prev = view.X if l == view.layers[0] else view.A[l - 1]
    bases = []
    for words, keywords in _variants(view, l):
        delta = _deltas(view, l, **keywords)
        if delta is None:
            continue
        if kind == "W":
            bases.append((words, matmul(transpose(A_prev), delta)))
        else:
            name = matrix_name("b", l, layout)
            bases.append((words, [[math.fsum(col) for col in zip(*delta)]]))
            not_summed = (f"{name}'s gradient is not summed over the batch: BP3 gives one row "
                          f"per sample (δ), and ∂C/∂{name} adds them up"
                          if layout == "rows" else
                          f"{name}'s gradient is not summed over the batch: BP3 gives one column "
                          f"per sample (δ), and ∂C/∂{name} adds them up")
            bases.append((_join(words, not_summed), delta))
            wrong = (f"the sum is over the wrong axis: sum(δ, axis={1 if layout == 'rows' else 0}) "
                     f"adds a sample's neurons, sum(δ, axis={0 if layout == 'rows' else 1}) adds "
                     f"over the samples")
            bases.append((_join(words, wrong), [[math.fsum(row)] for row in delta]))
            if len(delta[0]) > 1:               # several neurons: np.sum(δ) adds them too
                axis = 0 if layout == "rows" else 1
                every = (f"the sum is over every entry: np.sum(δ) without an axis adds the "
                         f"neurons too, where ∂C/∂{name} adds over the samples only, "
                         f"np.sum(δ, axis={axis}, keepdims=True)")
                bases.append((_join(words, every), [[math.fsum(x for row in delta for x in row)]]))
    scales = [(None, 1.0), (f"every entry is m = {m} times too large: the cost's 1/m is missing "
                            f"(a mean over the m samples puts 1/m into δ^L and so into every "
                            f"gradient)", float(m)),
              (f"every entry is divided by m = {m} once too often: the 1/m is counted twice, "
               f"or the cost here is a sum over the samples (no 1/m)", 1.0 / m)]
    signs = [(None, 1.0), ("every entry has the wrong sign: the error is written Y − A where "
                           "BP1's ∇_a C needs A − Y", -1.0)]
    found = []
    for (words, M), (scale_words, factor), (sign_words, sign), turned in _product(
            bases, scales if m > 1 else scales[:1], signs, (False, True)):
        factor *= sign
        scale_words = _join(sign_words, scale_words)
        matrix = scale(factor, M) if factor != 1.0 else M
        if layout == "columns":
            matrix = transpose(matrix)
        if turned:
            matrix = transpose(matrix)
        turn_words = None
        if turned and not flat:
            name = matrix_name(kind, l, layout)
            turn_words = f"it is the engine's transposed: ∂C/∂{name} has the shape of {name}"
        found.append((_join(words, scale_words, turn_words), matrix))
    found.sort(key=lambda item: (item[0] or "").count(";"))
    return found


def _one_number(expected):
    """One number typed (``0.0146``, ``$0.0146$``, ``1.46 \\times 10^{-2}``, ``np.float64(0.0146)``) as a 1 × 1
    matrix of its text, its digits kept; anything else as given."""
    number = one_number_text(expected) if isinstance(expected, str) else None
    return expected if number is None else [[number]]


def _join(*parts):
    parts = [p for p in parts if p]
    return "; ".join(parts) if parts else None


# ---------------------------------------------------------------------------
# check_matrix
# ---------------------------------------------------------------------------

def check_matrix(root, wrt, expected, *, layout=None, digits=None, rtol=None, atol=None):
    """Compare the asker's ∂root/∂W (or ∂root/∂b) with the engine's, entry by entry."""
    if listlike(wrt, sized=True):
        return check_values(root, wrt, expected, digits=digits, rtol=rtol, atol=atol)
    view = batch_view(root)
    layout = check_layout(layout if layout is not None else view.layout, "check: layout")
    view.layout = layout
    formula = formula_read = None
    shape_error = None
    given, expected = expected, _one_number(expected)
    if isinstance(expected, str) and not is_matrix_text(expected):
        formula = expected
        try:
            value, formula_read = evaluate_matrix_formula(expected, view.names(layout), layout,
                                                          _describer(view, layout),
                                                          *_goal(view, wrt, layout))
        except MatrixShapeError as err:
            shape_error = str(err)
            value = None
        stated = None if value is None else formula_read.rpartition(" = ")[2]
        if stated is not None and is_number_text(stated):    # dW2 = 0.0146: the number typed
            values, precisions = read_matrix([[stated]], "expected", digits=digits, rtol=rtol,
                                             atol=atol)
        else:
            values = [[value]] if value is not None and not isinstance(value, list) else value
            precisions = None if values is None else [
                [precision_for(v, digits=digits, rtol=rtol, atol=atol) for v in row]
                for row in values]
    else:
        values, precisions = read_matrix(expected, "expected", digits=digits, rtol=rtol, atol=atol)
    kind, l = _target(view, wrt, None if values is None else shape(values), layout)
    name = matrix_name(kind, l, layout)
    truth = view.in_layout(view.gradient(kind, l), layout)
    flat = formula is None and is_flat(expected)
    if flat and shape(truth) == shape(values)[::-1] \
            and shape(truth)[1] == 1:
        values, precisions = transpose(values), transpose(precisions)   # a vector fits a column
    dtype = low_precision(given) if formula is None else None
    if dtype and digits is None and rtol is None and atol is None and values:
        precisions = _at_own_precision(dtype, values, truth, precisions)
    root_name = names.printable(names.text(root.name)) if root.name else "C"
    what = f"∂{root_name}/∂{name}"
    common = dict(name=name, kind=kind, layer=l, layout=layout, engine=truth, formula=formula,
                  formula_read=formula_read, root_name=root_name)
    if shape_error is not None:
        return MatrixVerdict(agreed=False, expected=None, agree=None,
                             matrix_diagnosis="product order",
                             finding=f"Your formula for {what} cannot be evaluated: {shape_error}",
                             lines=[f"{what} is {_shape_words(kind, l, layout, view)} in "
                                    f"{layout} layout."], **common)
    assert values is not None and precisions is not None
    yours = "Your formula's" if formula is not None else "Your"
    lines = []
    if formula is not None:
        lines.append(f"(your formula read as {formula_read} = {_inline(values)})")
    if shape(values) != shape(truth):
        mistake, other, too_few = _what_differs(view, kind, l, layout, values, precisions,
                                                truth, root_name, flat, formula is not None)
        count = sum(map(len, values))
        given = (f"is a vector of {counted(count, 'number')}" if flat else
                 f"is {shape_text(values)}")
        head = (f"{yours} {what} {given}, but {what} has {name}'s shape "
                f"{_shape_words(kind, l, layout, view)} in {layout} layout")
        if mistake:
            finding = f"{head}: {mistake}."
        elif too_few:
            finding = f"{head}; {too_few}."
        elif other:
            finding = other
            lines.insert(0, f"{head}.")
        else:
            turned = " (transposed, it would fit the shape, but its numbers do not agree either)" \
                if shape(values) == shape(truth)[::-1] else ""
            finding = f"{head}{turned}."
        lines.append(f"The engine's {what}:")
        lines += _table_rows(truth)
        return MatrixVerdict(agreed=False, expected=values, agree=None, matrix_diagnosis=mistake,
                             finding=finding, lines=lines, **common)
    agree = [[p.agrees(x) for p, x in zip(prow, trow)] for prow, trow in zip(precisions, truth)]
    n = sum(len(row) for row in agree)
    good = sum(map(sum, agree))
    typed = all(p.mode == "typed" for row in precisions for p in row)
    to = _precision_words(precisions)
    if dtype and not typed and rtol is None and atol is None and digits is None:
        to = _own_precision_words(dtype, precisions)
    if good == n:
        every = "its one entry" if n == 1 else f"all {n} entries"
        finding = (f"{yours} {what} agrees with the engine's in {every} ({to})."
                   if formula is None else
                   f"Your formula gives the engine's {what} in {every} ({to}).")
        mistake = None
    else:
        mistake, other, too_few = _what_differs(view, kind, l, layout, values, precisions,
                                                truth, root_name, flat, formula is not None)
        if mistake:
            finding = f"{yours} {what} is not the engine's: {mistake}."
        elif too_few:
            finding = (f"{yours} {what} disagrees with the engine's in "
                       f"{_of_entries(n - good, n)}; {too_few}.")
        elif other:
            finding = other
        elif leading := _leading(precisions, truth, agree):
            those = ("it agrees" if n == 1 else "every entry agrees" if good == 0 else
                     "that entry agrees" if n - good == 1 else "those agree")
            finding = (f"{yours} {what} disagrees with the engine's at the digits you typed in "
                       f"{_of_entries(n - good, n)}, but {those} to the first "
                       f"{leading} significant digits: rounded "
                       f"intermediate values, or float32 arithmetic (about 7 digits), give a "
                       f"difference this small.")
        else:
            nan_words = _not_finite_words(name, values, agree)
            primes = "/".join(dict.fromkeys(p for p in map(view.prime, view.layers) if p)) or "f'"
            finding = (f"{yours} {what} disagrees with the engine's in {_of_entries(n - good, n)}"
                       f"{nan_words}; " + (_engine_not_finite(what, truth) or
                                          f"no common matrix mistake (transpose, 1/m, ⊙ {primes}, "
                                          f"BP2's transpose, the bias sum, the sign) reproduces it."))
        lines.append(f"{_agreeing(good, n)} ({to}).")
    lines += _comparison(kind, l, layout, values, precisions, truth, agree, root_name)
    return MatrixVerdict(agreed=good == n, expected=values, agree=agree, matrix_diagnosis=mistake,
                         finding=finding, lines=lines, **common)


# ---------------------------------------------------------------------------
# A matrix of Values the asker built (lists of lists of Values, unnamed or not)
# ---------------------------------------------------------------------------

def value_grid(wrt, where="check", what="wrt"):
    """``(rows of Values, flat)`` of a list, nested lists or an object array of Values;
    refuses, in one line naming its position (``what[0][1]``), an entry that is not a Value."""
    if hasattr(wrt, "tolist") and not isinstance(wrt, (list, tuple)):
        wrt = wrt.tolist()
    items = list(wrt)
    flat = not items or not listlike(items[0], sized=True)
    rows = [items] if flat else [list(row) if listlike(row, sized=True) else row for row in items]
    if not rows or not rows[0]:
        raise ValueError(f"{where}: {what} is an empty list; give a Value, a node's name or a "
                         f"matrix of Values (nested lists)")
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(rows[0]):
            got = len(row) if isinstance(row, list) else short_repr(row)
            raise ValueError(f"{where}: {what}[{r}] has {got} entries but {what}[0] has "
                             f"{len(rows[0])}; a matrix of Values has rows of one length")
        for c, v in enumerate(row):
            if not hasattr(v, "_prev"):
                raise TypeError(f"{where}: {what}{_position(r, c, flat)} is {type(v).__name__} "
                                f"{short_repr(v)}, not a Value; {what} is a Value, a node's "
                                f"name or a matrix of Values")
    return rows, flat


def _position(r, c, flat):
    return f"[{c}]" if flat else f"[{r}][{c}]"


def check_values(root, wrt, expected, *, digits=None, rtol=None, atol=None, name="wrt",
                 one_entry=None):
    """Compare the asker's ∂root/∂(each Value of a matrix of Values) with the engine's;
    entries are named by their position in ``wrt``, called ``name`` (``W[0][1]``: the
    command line passes the script's variable).  ``one_entry(entry)`` is the advice
    that explains one disagreeing entry (default: the Python call)."""
    rows, flat = value_grid(wrt, "check", name)
    expected = _one_number(expected)
    if isinstance(expected, str) and not is_matrix_text(expected):
        raise TypeError("check: with a matrix of Values as wrt, give the numbers (nested lists, "
                        "an array or text such as '[[0.1, 0.2]]'); a formula is checked one "
                        "entry at a time: check(C, W[0][1], formula)")
    values, precisions = read_matrix(expected, "expected", digits=digits, rtol=rtol, atol=atol)
    grads = engine.gradients(root)       # no .grad changes, no hook runs
    truth = [[grads.get(v, 0.0) for v in row] for row in rows]
    dtype = low_precision(expected)
    own = dtype and digits is None and rtol is None and atol is None
    if own:
        precisions = _at_own_precision(dtype, values, truth, precisions)
    if (flat or is_flat(expected)) and sum(map(len, values)) == sum(map(len, truth)) and (
            flat or 1 in shape(truth)):
        values = [[x for row in values for x in row]]     # a vector: its orientation is no mistake
        precisions = [[p for row in precisions for p in row]]
        if not flat:
            values, precisions = ([values[0]], [precisions[0]]) if shape(truth)[0] == 1 else (
                transpose(values), transpose(precisions))
    root_name = names.printable(names.text(root.name)) if root.name else "C"
    what = f"∂{root_name}/∂{name}"
    one_entry = one_entry or (lambda entry: f"check({root_name}, {entry}, value) explains "
                                            f"one entry")
    common = dict(name=name, kind=None, layer=None, layout=None, engine=truth, formula=None,
                  formula_read=None, root_name=root_name)
    n = sum(map(len, truth))
    if shape(values) != shape(truth):
        turned = shape(values) == shape(truth)[::-1] and all(
            p.agrees(t) for prow, trow in zip(precisions, transpose(truth))
            for p, t in zip(prow, trow))
        finding = (f"Your {what} is {shape_text(values)}, but {name} is {shape_text(truth)}"
                   + (f": it is the engine's transposed ({what} has {name}'s shape)." if turned
                      else "."))
        return MatrixVerdict(agreed=False, expected=values, agree=None,
                             matrix_diagnosis="transposed" if turned else None, finding=finding,
                             lines=[f"The engine's {what}:", *_table_rows(truth)], **common)
    agree = [[p.agrees(t) for p, t in zip(prow, trow)] for prow, trow in zip(precisions, truth)]
    good = sum(map(sum, agree))
    to = _precision_words(precisions)
    if own:
        to = _own_precision_words(dtype, precisions)
    mistake = None
    if good == n:
        finding = (f"Your {what} agrees with the engine's in "
                   f"{'its one entry' if n == 1 else f'all {n} entries'} ({to}).")
    else:
        search = _searched_at(values, precisions, truth)
        turned = _reproduces(transpose(truth), values, search)     # a square matrix
        mistake = "transposed" if turned else _common_factor(values, truth, search)
        too_few = None if mistake or search is precisions or not (
            _reproduces(transpose(truth), values, precisions)
            or _common_factor(values, truth, precisions)) else _too_few(precisions)
        wrong = [_position(r, c, flat) for r, row in enumerate(agree) for c, ok in enumerate(row)
                 if not ok]
        shown = ", ".join(wrong[:4]) + (", ..." if len(wrong) > 4 else "")
        nans = _not_finite_words(name, values, agree, lambda r, c: name + _position(r, c, flat))
        finding = (f"Your {what} disagrees with the engine's in {_of_entries(n - good, n)} "
                   f"({shown}){nans}" + (": it is the engine's transposed." if turned else
                                        f": {mistake}." if mistake else
                                        f"; {too_few}." if too_few else
                                        f"; {one_entry(name + wrong[0])}."))
    named = any(v.name for row in rows for v in row)
    node_column = f" {'node':10}" if named else ""
    width = max(10, len(name + _position(len(rows) - 1, len(rows[0]) - 1, flat)) + 1)
    lines = [f"{_agreeing(good, n)} ({to})." if good != n else "",
             f"  {'entry':{width}}{node_column} {'yours':>16} {'engine':>18}  agree"]
    for r, (vrow, prow, trow, arow, nrow) in enumerate(zip(values, precisions, truth, agree, rows)):
        for c, (v, p, t, ok, node) in enumerate(zip(vrow, prow, trow, arow, nrow)):
            yours = p.text if p.mode == "typed" else number(v, 10)
            shown_t = _engine_entry(p, t)
            label = f" {names.text(node.name) if node.name else '-':10}" if named else ""
            lines.append(f"  {name + _position(r, c, flat):{width}}{label} {yours:>16} "
                         f"{shown_t:>18}  {'yes' if ok else 'NO'}")
    return MatrixVerdict(agreed=good == n, expected=values, agree=agree, matrix_diagnosis=mistake,
                         finding=finding, lines=[line for line in lines if line], **common)


def _leading(precisions, truth, agree):
    """For entries that disagree only in their last digits: the fewest leading significant
    digits to which each disagreeing entry agrees (at least 3, as one number's verdict says
    it: :meth:`autograd.precision.Precision.leading_digits`), else None."""
    leading = [p.leading_digits(t) for prow, trow, arow in zip(precisions, truth, agree)
               for p, t, ok in zip(prow, trow, arow) if not ok]
    return min(leading) if leading and None not in leading else None


def _of_entries(k, n):
    """``3 of 6 entries``, or ``its one entry`` of a 1 × 1 matrix."""
    return "its one entry" if n == 1 else f"{k} of {n} entries"


def _agreeing(good, n):
    """``2 of 6 entries agree``, or ``its one entry does not`` of a 1 × 1 matrix."""
    return ("Its one entry agrees" if good else "Its one entry does not agree") if n == 1 else \
        f"{good} of {n} entries agree"


def _common_factor(values, truth, precisions):
    """``every entry is k times the engine's`` (k a whole number up to 1000 or its reciprocal,
    or −1: a batch's m, a factor 2 or the sign), when that reproduces every entry, else None."""
    first = next((t for row in truth for t in row if t != 0.0), None)
    given = next((v for vrow, trow in zip(values, truth) for v, t in zip(vrow, trow) if t != 0.0),
                 None)
    if first is None or given is None or given == 0.0:
        return None
    k = constant_factor(given / first, lambda k: all(
        p.matches(k * t) for prow, trow in zip(precisions, truth) for p, t in zip(prow, trow)))
    if k is None:
        return None
    if k == -1:
        return "every entry has the wrong sign"
    return f"every entry is {factor_words(k)} the engine's" + (HALF_HINT if abs(k) in (2, 0.5)
                                                                 else "")


def _at_own_precision(dtype, values, truth, precisions):
    """The precisions of a float32 (float16, ...) array's entries: each within the dtype's
    relative tolerance, plus that fraction of the engine matrix's largest entry; an entry
    printed with fewer digits than the dtype holds (float32: 5) keeps its digits."""
    relative = LOW_PRECISION_RTOL[dtype]
    held = round(-math.log10(relative))
    largest = max(abs(t) for row in truth for t in row)
    return [[p if p.mode == "typed" and p.digits <= held else
             precision_for(v, rtol=relative, atol=relative * largest) for v, p in zip(row, prow)]
            for row, prow in zip(values, precisions)]


def _precision_words(precisions):
    """How the entries were compared: to the digits typed, within a tolerance, or both."""
    typed = [p for row in precisions for p in row if p.mode == "typed"]
    others = [p for row in precisions for p in row if p.mode != "typed"]
    if not others:
        return "each to the digits you typed"
    if not typed:
        return f"within {others[0].describe()}"
    return f"each typed entry to its digits, the others within {others[0].describe()}"


def _own_precision_words(dtype, precisions):
    others = [p for row in precisions for p in row if p.mode != "typed"]
    if not others:
        return _precision_words(precisions)
    if len(others) < sum(map(len, precisions)):
        return (f"each entry to the digits printed, or as {dtype} numbers within "
                f"{others[0].describe()} where more are printed than {dtype} holds")
    return f"{dtype} numbers, so within {others[0].describe()}"


def _goal(view, wrt, layout):
    """(shape, name) of the gradient asked about (a layer: its weights), or (None, None)."""
    try:
        kind, l = _target(view, wrt, None, layout)
    except ValueError:
        return None, None
    return shape(view.in_layout(view.gradient(kind, l), layout)), matrix_name(kind, l, layout)


def _describer(view, layout):
    """Shape words for a bound name: ``A1`` -> ``4×3 (one row per sample)``."""
    per = "row" if layout == "rows" else "column"

    def describe(text, value):
        if not isinstance(value, list):
            return "a number"
        words = shape_text(value)
        base = re.match(r"^(X|Y|Z|A|delta)\d*$", text)
        if base:
            return f"{words} (one {per} per sample)"
        if re.match(r"^W\d+$", text):
            return f"{words} ({'inputs × outputs' if layout == 'rows' else 'outputs × inputs'})"
        return words
    return describe


def _searched_at(values, precisions, truth):
    """The precisions the search for a mistake uses: :func:`told_apart`, but as given when
    the numbers are the engine's with the sign flipped or transposed (told at any digits, as
    agreement is)."""
    search = told_apart(precisions)
    engines = ([[-t for t in row] for row in truth] if shape(values) == shape(truth) else None,
               transpose(truth) if shape(values) == shape(truth)[::-1] else None)
    if search is not precisions and any(engine is not None and all(
            p.matches(t) for prow, trow in zip(precisions, engine) for p, t in zip(prow, trow))
            for engine in engines):
        return precisions
    return search


def _too_few(precisions):
    """``too few digits ...``: what the verdict says when a mistake gives the numbers only
    at digits so few that one would by chance (no entry tells mistakes: :func:`told_apart`)."""
    entries = [p for row in precisions for p in row]
    typed = [p.digits for p in entries if p.mode == "typed"]
    if not typed:                                   # tolerances too wide
        return entries[0].too_few_digits()[0].replace("your value", "these numbers")
    n, s = max(typed), "" if max(typed) == 1 else "s"
    if len(entries) == 1:
        return (f"{n} significant digit{s} {'is' if n == 1 else 'are'} too few to tell which "
                f"mistake gives this number (type at least {MISTAKE_DIGITS})")
    return (f"no entry has more than {n} significant digit{s}, too few to tell which mistake "
            f"gives these numbers (type at least {MISTAKE_DIGITS} in one entry)")


def _what_differs(view, kind, l, layout, values, precisions, truth, root_name, flat=False,
                  formula=False):
    """``(mistake, other, too_few)``: a known mistake that explains the numbers (a missing
    transpose, factor, ...), else the engine's other matrix they are (or None); with too
    few digits to tell (:func:`told_apart`), ``too_few`` says so when one would."""
    search = _searched_at(values, precisions, truth)
    mistake, other = _differs(view, kind, l, layout, values, search, truth, root_name, flat,
                              formula)
    too_few = None
    if not (mistake or other) and search is not precisions and any(_differs(
            view, kind, l, layout, values, precisions, truth, root_name, flat, formula)):
        too_few = _too_few(precisions)
    return mistake, other, too_few


def _differs(view, kind, l, layout, values, precisions, truth, root_name, flat, formula):
    mistake = _diagnose(view, kind, l, layout, values, precisions, truth, flat)
    if mistake:
        return mistake, None
    other = _other_matrix(view, kind, l, layout, values, precisions, root_name, formula, flat)
    if other or shape(values) != shape(truth):
        return None, other
    return _common_factor(values, truth, precisions), None


def _diagnose(view, kind, l, layout, values, precisions, truth, flat=False):
    """The words of the first candidate mistake that reproduces every entry, or None."""
    for words, candidate in _candidates(view, kind, l, layout, flat):
        if words is None or shape(candidate) != shape(values):
            continue
        if all(p.matches(x) for prow, crow in zip(precisions, candidate)
               for p, x in zip(prow, crow)):
            if shape(candidate) == shape(truth) and all(
                    p.matches(x) for prow, trow in zip(precisions, truth) for p, x in zip(prow, trow)):
                return None
            return words
    return None


def _other_matrix(view, kind, l, layout, values, precisions, root_name, formula=False,
                  flat=False):
    """The sentence naming another gradient matrix the numbers are (a naming mistake), or
    None.  Its advice is what makes the same call agree: ask for that matrix, or (numbers
    only: a formula's names change with the layout) pass the other layout."""
    name = matrix_name(kind, l, layout)
    elsewhere = "rows" if layout == "columns" else "columns"
    numbered = {"columns": "by the layer the weights lead into (Nielsen: the input layer is "
                           "layer 1)", "rows": "from 1 in the order given"}
    what = "weights" if kind == "W" else "biases"
    own = view.W[l] if kind == "W" else view.b[l]
    if not formula and _reproduces(view.in_layout(own, layout), values, precisions, flat):
        return (f"These are {name}'s own numbers (the parameters), not ∂{root_name}/∂{name}: "
                f"pass the gradient (net.gradient_matrices()[{name!r}], or the parameter's "
                f".grad in PyTorch).")
    if not formula:
        kind_e, l_e = parse_matrix_name(name, elsewhere)
        if _has_matrix(view, kind_e, l_e) and _reproduces(
                view.in_layout(view.gradient(kind_e, l_e), elsewhere), values, precisions, flat):
            return (f"These are ∂{root_name}/∂{name} in the {elsewhere} layout, where the "
                    f"matrices are numbered {numbered[elsewhere]} and {name} holds the {what} "
                    f"into layer {l_e}; in the {layout} layout {name} holds the {what} into "
                    f"layer {l}: pass layout={elsewhere!r} (on the command line --layout "
                    f"{elsewhere}).")
    for l2 in view.layers:
        for kind2 in ("W", "b"):
            if (kind2, l2) == (kind, l) or not _has_matrix(view, kind2, l2) or not _reproduces(
                    view.in_layout(view.gradient(kind2, l2), layout), values, precisions, flat):
                continue
            found = matrix_name(kind2, l2, layout)
            head = f"This is ∂{root_name}/∂{found}, not ∂{root_name}/∂{name}"
            if kind2 == kind and matrix_name(kind2, l2, elsewhere) == name:
                return (f"{head}: in the {layout} layout the matrices are numbered "
                        f"{numbered[layout]}, so the {what} into layer {l2} are {found} "
                        f"({name} in the {elsewhere} layout): ask for {found!r}.")
            yours = "your formula gives" if formula else "your numbers are"
            return f"{head}: {yours} that matrix's gradient; ask for {found!r}."
    return None


def _has_matrix(view, kind, l):
    """Whether the network has ∂C/∂W (∂C/∂b) of Nielsen layer l."""
    return l in view.layers and (kind == "W" or view.bias_nodes[l][0][0] is not None)


def _reproduces(matrix, values, precisions, flat=False):
    """Whether the asker's numbers reproduce ``matrix``; a flat vector in either orientation."""
    if flat and 1 in shape(matrix) and sum(map(len, values)) == sum(map(len, matrix)):
        matrix = [[x for row in matrix for x in row]]
        values, precisions = [[x for row in values for x in row]], [
            [p for row in precisions for p in row]]
    return shape(matrix) == shape(values) and all(
        p.matches(x) for prow, mrow in zip(precisions, matrix) for p, x in zip(prow, mrow))


def _inline(M):
    return "[" + ", ".join("[" + ", ".join(number(x, 6) for x in row) + "]" for row in M) + "]"


def _table_rows(M):
    return ["  [" + "  ".join(f"{number(x, 10):>14}" for x in row) + " ]" for row in M]


def _not_finite_words(name, values, agree, entry=None):
    """`` (W2[1,1] is NaN, which agrees with nothing)``, `` (W2[2,1] is inf, ...)``: the
    disagreeing entries given as NaN, else as ±inf; empty when there are none.  ``entry(r,
    c)`` names an entry (from 0; default ``W2[r+1,c+1]``)."""
    entry = entry or (lambda r, c: f"{name}[{r + 1},{c + 1}]")
    for test, what, words in ((math.isnan, "NaN", "nothing"),
                              (math.isinf, None, "nothing finite")):
        found = [(entry(r, c), x) for r, (row, ok_row) in enumerate(zip(values, agree))
                 for c, (x, ok) in enumerate(zip(row, ok_row)) if not ok and test(x)]
        if found:
            shown = ", ".join(entry for entry, _ in found[:4]) + (", ..." if len(found) > 4 else "")
            kinds = {what or number(x) for _, x in found}
            return (f" ({shown} {'is' if len(found) == 1 else 'are'} {'/'.join(sorted(kinds))}, "
                    f"which agrees with {words})")
    return ""


def _engine_not_finite(what, truth):
    """``the engine's own ∂C/∂W1 is NaN in 6 of 6 entries: ...``, or None when it is finite."""
    entries = [t for row in truth for t in row]
    bad = [t for t in entries if not math.isfinite(t)]
    if not bad:
        return None
    kind = "NaN" if all(math.isnan(t) for t in bad) else "NaN or infinite"
    return (f"the engine's own {what} is {kind} in {len(bad)} of {len(entries)} entries: a NaN "
            f"or an infinity in the batch reaches them (as in PyTorch), and NaN agrees with "
            f"nothing.")


def _engine_entry(p, t):
    """The engine's entry ``t`` beside one typed as ``p``: at the digits typed (or at the
    typed number's last decimal place, when it rounds to it there), unless it
    agrees by beginning with them (0.0040286 with 0.00402, where rounded it reads 0.00403):
    then with the fewest more digits that begin with them (0.004029), so the row does not set
    two different numbers side by side as agreeing."""
    if p.mode != "typed":
        return number(t, 10)
    shown = p.shown(t)
    if not p.agrees(t) or float(shown) == p.value:
        return shown
    placed = p.at_last_digit(t)       # 0.001 for 0.000558 printed at 3 decimals, not 0.0006
    if placed is not None and float(placed) == p.value:
        return placed
    longer = (number(t, d) for d in range(p.digits + 1, 18))
    return next((text for text in longer if p.agrees(float(text))), repr(t))


def _comparison(kind, l, layout, values, precisions, truth, agree, root_name):
    name = matrix_name(kind, l, layout)
    rows = [f"  {'entry':14} {'Nielsen':12} {'yours':>16} {'engine':>18}  agree"]
    for r, (vrow, prow, trow, arow) in enumerate(zip(values, precisions, truth, agree), 1):
        for c, (v, p, t, ok) in enumerate(zip(vrow, prow, trow, arow), 1):
            node = names.text(_entry_name(kind, l, r, c, layout))
            yours = p.text if p.mode == "typed" else number(v, 10)
            engine_text = _engine_entry(p, t)
            rows.append(f"  {name}[{r},{c}]{'':{max(0, 9 - len(name) - len(str(r)) - len(str(c)))}}"
                        f" ∂{root_name}/∂{node:8} {yours:>16} {engine_text:>18}  "
                        f"{'yes' if ok else 'NO'}")
    return rows


# ---------------------------------------------------------------------------
# Scalars: the gradient of another parameter (a naming convention)
# ---------------------------------------------------------------------------

def _is_value(precision, g, loose=False):
    """Whether another gradient g is the value given: it agrees, and when the value has too
    few digits to tell mistakes apart (1 or 2), is it exactly (:meth:`Precision.reproduces`),
    unless ``loose``; a float from Python at the digits it was written with, as that text."""
    return precision.matches(g) and (loose or precision.reproduces(g))


def _other_leaf(root, wrt, precision, grads, loose=False):
    """``This is ∂L/∂w2, not ∂L/∂b2: ...`` when the value is the gradient of exactly one
    other named leaf (not a constant), or of several whose gradients are the same number
    (a symmetric network's w2 and w3: ``∂O/∂w2 (= ∂O/∂w3 here)``), else None."""
    others = [node for node, g in grads.items() if node is not wrt and node.name
              and node.kind in ("leaf", "parameter") and _is_value(precision, g, loose)]
    if not others or any(grads[node] != grads[others[0]] for node in others):
        return None
    R = names.printable(names.text(root.name)) if root.name else "C"
    first, *same = sorted(others, key=lambda node: node.name)
    also = "".join(f" (= ∂{R}/∂{names.printable(names.text(node.name))} here)" for node in same)
    return (f"This is ∂{R}/∂{names.printable(names.text(first.name))}{also}, not "
            f"∂{R}/∂{names.printable(names.text(wrt.name))}: your value is that node's gradient.")


#: the expected number of chance matches (:meth:`Precision.chance_matches`) from which a
#: match tells nothing: on 784-30-10's 23,850 parameters a value of 4 or 5 digits has
#: several; a float from Python, at full precision, or a small network's value almost none
CHANCE = 0.05


def _by_chance(precision, gradients):
    """Whether an unrelated parameter's gradient matching the value could be chance."""
    return precision.chance_matches(gradients) >= CHANCE


def other_parameter(root, wrt, precision, grads=None, any_leaf=False, loose=False):
    """The sentence saying a value is another parameter's gradient, or None.

    Weights and biases named as nn names them (w{l}_{j}{k}, b{l}_{j}) are compared;
    a parameter whose layer or indices are closest to ``wrt``'s is named first.  With
    ``any_leaf`` (no smaller mistake explains the value), a ``wrt`` named otherwise
    (the 1-1-1 network's w1, b2) is compared with the other named leaves, and the one
    whose gradient the value is, if only one, is named.  ``loose``: at the value's digits
    however few (:meth:`autograd.precision.Precision.tells_mistakes`), to tell whether one
    could be by chance.
    """
    asked = names.parse(wrt.name) if wrt.name else None
    if grads is None and (any_leaf or asked is not None):
        grads = engine.gradients(root)     # no .grad changes, no hook runs
    if asked is None or asked.layer is None or asked.base not in ("w", "b"):
        return _other_leaf(root, wrt, precision, grads, loose) if any_leaf and wrt.name else None
    candidates = []
    layers = set()
    others = []
    for node, g in grads.items():
        n = names.parse(node.name) if node.name else None
        if n is None or n.layer is None or n.base not in ("w", "b") or n.sample is not None:
            continue
        layers.add(int(n.layer))
        if node is not wrt:
            others.append(g)
        if node is wrt or not _is_value(precision, g, loose):
            continue
        same_index = n.index == asked.index
        swapped = n.index == asked.index[::-1] and n.layer == asked.layer
        rank = 0 if (n.base == asked.base and same_index) else 1 if swapped else 2
        candidates.append((rank, node.name, n))
    if not candidates:
        return None
    rank, other, n = min(candidates, key=lambda c: (c[0], c[1]))
    if rank == 2 and (len(candidates) > 1 or _by_chance(precision, others)):
        return None                    # several unrelated parameters: not a naming mistake
    R = names.printable(names.text(root.name)) if root.name else "C"
    head = f"This is ∂{R}/∂{names.text(other)}, not ∂{R}/∂{names.text(wrt.name)}"
    if rank == 0:
        l = int(n.layer)
        sup = names.superscript(n.layer)
        what = "weight" if n.base == "w" else "bias"
        into = (f"so the {what} into the output layer is {n.base}{sup}" if l == max(layers)
                else f"so the {what}s into layer {l} are {n.base}{sup}")
        if n.base == "b":
            into = into.replace("bias into", "bias of").replace("biases into", "biases of")
        return (f"{head}: in Nielsen's numbering the input layer is layer 1, {into}.")
    if rank == 1:
        return (f"{head}: in Nielsen's w^l_jk, j is the neuron the weight leads into and k the "
                f"neuron it comes from.")
    return f"{head}: your value is that parameter's gradient."

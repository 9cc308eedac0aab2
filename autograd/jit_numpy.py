"""The jit's numpy backend: the same straight-line program over arrays of samples.

``jit(f, backend="numpy").batch(samples)`` traces ``f`` once, like the scalar
jit, and writes one numpy line per node: each node's number becomes an array
with one entry per sample, branches become ``np.where``, and each
parameter's gradient is the sum over samples of its per-sample gradients.
The forward and backward come from the same op records (their ``numpy``
form and their ``vjp`` expression), so they agree with the eager engine to
rounding (numpy sums pairwise and has its own exp and log, so not to the
last bit).

Where the eager engine raises (log of a number <= 0, division by zero, exp
overflow, sin of ±inf), the batch raises the same error for the first sample where
it happens: each op whose record has an ``ieee`` forward beside its strict one is
checked after its line, by calling its strict forward on the samples whose
result is not finite; as the lines run over all samples, a later sample can fail
first, so then the samples are run one by one in order to name the first
(``Jitted._first_failing_sample``, on the error path only).  The backward pass is
IEEE 754 throughout, as eager's rules are.

numpy is optional: importing this module without it raises an ImportError
that says which extra to install.
"""

import struct
from math import isfinite
from operator import countOf

from . import ops
from .floats import flat_floats, same_rows
from .expr_source import ATOM, LITERAL_NAMES, PROD, SUM, SourceWriter, wrap
from .jit_emit import HELPERS as _SCALAR_HELPERS
from .jit_emit import LineInfo, Program, _Emitter, in_sample, may_raise

try:
    import numpy as np
except ImportError:  # pragma: no cover - exercised in a subprocess test
    raise ImportError("the numpy backend needs numpy: pip install 'chainrule[numpy]' "
                      "(or pip install numpy)") from None

__all__ = ["generate_numpy", "HELPERS", "float_rows"]


def float_rows(rows, width):
    """``rows`` (a list of tuples, or of lists, each of ``width`` Python floats) as an
    n × width float64 matrix holding the same doubles, bit for bit; None when the rows
    mix types, one has another length, or a number is not exactly a float (an int,
    numpy scalar, bool, str, ...): the caller's checked path converts or names it.

    No Python call per number: ``type(x) is float`` is counted for every number at C
    speed (so a bool or a numeric string, which ``np.array(..., dtype=float)`` would
    take, is never converted), and the doubles are copied by ``np.fromiter`` or
    ``struct``.  Finiteness is the caller's to check, on the matrix."""
    if not same_rows(rows, width):
        return None
    n = len(rows)
    if width < _WIDE:
        return _narrow_rows(rows, n, width)
    return _wide_rows(rows, n, width)


#: rows this wide are checked and copied one at a time, each while it is in the cache
#: (measured: at 784 numbers a row 0.65x the time of two passes over all of them; at 2
#: numbers a row 3.7x, where one flat list wins)
_WIDE = 16


def _narrow_rows(rows, n, width):
    """Short rows: one flat list of every number, then a type count and a copy over it."""
    flat = flat_floats(rows, width)
    if flat is None:
        return None
    return np.fromiter(flat, np.float64, n * width).reshape(n, width)


def _wide_rows(rows, n, width):
    """Long rows: each row's numbers counted as floats, then packed into its row of
    the matrix (``struct``'s native doubles: the same bits)."""
    if countOf(map(type, rows[0]), float) != width:   # ints, numpy scalars: at once
        return None
    matrix = np.empty((n, width))
    pack = struct.Struct(f"{width}d").pack_into
    stride = 8 * width
    for i, row in enumerate(rows):
        if countOf(map(type, row), float) != width:
            return None
        pack(matrix, i * stride, *row)
    return matrix



def np_sigmoid(z):
    """σ(z) for an array, stable for every z (the scalar form, both branches at once)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0, e) / (1.0 + e)   # 1/(1+e) for z >= 0, else e/(1+e)


def np_pow(x, y):
    """x ** y for arrays, with x ** ±0.5 as √x and 1/√x (floats.half_pow's rule)."""
    if y.__class__ is float:     # a constant exponent, as written in the program
        if y == 0.5:
            return np.sqrt(x)
        return 1.0 / np.sqrt(x) if y == -0.5 else np.power(x, y)
    power = np.power(x, y)
    half = (y == 0.5) | (y == -0.5)
    if not np.any(half):
        return power
    root = np.sqrt(x)            # -0.0 at -0.0, nan below 0 (errors ignored by the caller)
    return np.where(half, np.where(y == 0.5, root, 1.0 / root), power)


def check(result, op_name, operands, labels):
    """Raise the eager engine's error where a strict op's numpy form gave ±inf or nan
    and its float forward raises (log of 0, 1/0, exp overflow, sin(inf)): the record
    decides, sample by sample, in order; where the forward gives a number (nan in,
    nan out) the value flows, as in eager."""
    if isfinite(np.add.reduce(result, None)):   # one C pass: a sum of finite numbers
        return                                   # is finite (or overflows: looked at)
    bad = np.flatnonzero(~np.isfinite(result))
    if not bad.size:
        return
    op = ops.OPS[op_name]
    shape = np.shape(result)
    columns = [np.broadcast_to(o, shape).reshape(-1) for o in operands]
    for i in bad.tolist():
        values = [float(c[i]) for c in columns]
        try:
            op.forward(*values)
        except (ArithmeticError, ValueError) as err:
            named = [_Named(label, v) for label, v in zip(labels, values)]
            raise in_sample(op.error(err, named), i + 1) from None


class _Named:
    """An operand in an error message: the node's name (None: an unnamed constant) and
    the sample's number."""

    __slots__ = ("name", "data", "_opr")

    def __init__(self, name, data):
        self.name, self.data = name, data
        self._opr = ops.CONSTANT if name is None else ops.LEAF


HELPERS = {"np": np, "np_sigmoid": np_sigmoid, "np_pow": np_pow, "check": check,
           **LITERAL_NAMES,   # and the scalar program's way of adding the gradients:
           **{name: _SCALAR_HELPERS[name] for name in ("PASSES", "TAKING_TURNS", "grads_added",
                                                       "grads_stored", "consume", "chain")}}


def _vectorized(op):
    """An op with no numpy form: its float forward, element by element."""
    return np.vectorize(op.ieee, otypes=[float])


for _op in ops.OPS.values():
    if _op.forward is not None and _op.numpy is None:
        HELPERS[f"np_{_op.name}"] = _vectorized(_op)


# ---------------------------------------------------------------------------
# Expressions over arrays
# ---------------------------------------------------------------------------

class NumpySource(SourceWriter):
    """Expressions over numpy arrays: numpy's own IEEE division and powers,
    branches as ``np.where`` (both sides computed, one kept per sample)."""

    def divide(self, a, b, divisor):
        return f"{wrap(a, PROD)} / {wrap(b, PROD + 1)}", PROD

    def power(self, a, b):
        return f"np_pow({a[0]}, {b[0]})", ATOM

    def choose(self, c, x, y):
        return f"np.where({c[0]}, {x[0]}, {y[0]})", ATOM

    def indicator(self, c):
        return f"np.where({c[0]}, 1.0, 0.0)", ATOM

    def compare(self, a, symbol, b):
        return f"({wrap(a, SUM)} {symbol} {wrap(b, SUM)})", ATOM

    def both(self, a, b):
        return f"({a[0]} & {b[0]})", ATOM

    def truth(self, x):
        return f"({x[0]} != 0.0)", ATOM

    def call(self, op, sources):
        return f"({_form(op, sources)})", ATOM


def _form(op, sources):
    """The op over arrays: its numpy form, else its float forward element by element."""
    if op.numpy is not None:
        return op.numpy.format(*sources)
    return f"np_{op.name}({', '.join(sources)})"


def numpy_source(expr, env):
    """numpy source of a derivative expression (IEEE: inf and nan, never an error)."""
    return NumpySource(env).write(expr)


# ---------------------------------------------------------------------------
# The program
# ---------------------------------------------------------------------------

def generate_numpy(graph, fn_name):
    """Source of ``fn_name(X, seed)``: the batch Σ_samples f(x) and its gradient,
    X having one row per sample and one column per input."""
    return _NumpyEmitter(graph, fn_name, "numpy", False).program()


class _NumpyEmitter(_Emitter):
    """The scalar emitter's structure (names, gradient order, comments) writing arrays."""

    expression = staticmethod(numpy_source)
    reserved = _Emitter.reserved | set(HELPERS) | {"X", "m"}
    wide_rows = False   # every node is already a whole array

    def forward_terms(self, op, a, parents):
        if op is ops.DOT:
            n = len(a) // 2
            return [f"{w} * {x}" for w, x in zip(a[:n], a[n:2 * n])] + a[2 * n:]
        if op is ops.SUM:
            return a
        return [_form(op, a)]

    def emit_root_gradient(self, indent, root, accumulate):
        """One gradient per sample, each the seed."""
        self.emit(indent, f"g_{root} = np.full(m, seed)  # ∂{root}/∂{root} = 1, times seed",
                  LineInfo(self.graph.root, "backward", [], root))

    def ieee_terms(self, op, a):
        """numpy's forms are IEEE already (under errstate): no check() follows them.  A
        division is np.divide: its operands may be a parameter's and a constant's floats,
        which Python's / refuses to divide by 0."""
        return [f"np.divide({a[0]}, {a[1]})" if op is ops.DIV else _form(op, a)]

    def emit_forward(self, indent, node):
        super().emit_forward(indent, node)
        op = self.graph.op(node)
        parents = self.graph.parents(node)
        if may_raise(op, parents) and node not in self.graph.derivatives:
            operands = ", ".join(self.src(p) for p in parents)
            labels = ", ".join(repr(p.name or (None if p._opr is ops.CONSTANT else self.label(p)))
                               for p in parents)   # an unnamed constant: "the constant 1.0"
            self.emit(indent, f"check({self.code[id(node)]}, {op.name!r}, ({operands},), "
                              f"({labels},))")

    def program(self):
        g = self.graph
        args = [self.code[id(n)] for n in g.inputs]
        params = [self.code[id(n)] for n in g.parameters]
        self.emit(0, f"def {self.fn_name}(X, seed):")
        self.emit(1, f'"""Σ over the rows of X of {self.fn_name}({", ".join(args)}) with numpy '
                     f'arrays (one entry per sample); adds seed·∂Σ/∂p to each parameter\'s '
                     f'.grad."""')
        if params:
            self.emit(1, "# the parameters' numbers, read once per call")
            self.emit(1, f"{', '.join('p_' + p for p in params)}{',' if len(params) == 1 else ''}"
                         f" = PARAMETERS")
            for p in params:
                self.emit(1, f"{p} = p_{p}.data")
        self.namespace = {}
        self.read_only(1)
        self.emit(1, "m = X.shape[0]")
        self.emit(1, "# one array per input: its column of X")
        for i, a in enumerate(args):
            self.emit(1, f"{a} = X[:, {i}]")
        root = self.src(g.root)
        needs = self.needs_grad()
        if g.forward or needs.get(id(g.root)):   # else the output is an input: no arithmetic
            self.emit(1, "with np.errstate(all='ignore'):")
            self.emit(2, "# forward: one array per node (errors as eager's, by check())")
            for node in g.forward:
                self.emit_forward(2, node)
            if needs.get(id(g.root)):
                self.backward(2, needs)
        self.emit(1, f"total = float(np.sum(np.broadcast_to({root}, (m,))))")
        written = [p for n, p in zip(g.parameters, params) if id(n) in self.written]
        if written:
            self.emit(1, "# each parameter's gradient summed over the samples, then added")
            for p in written:
                self.emit(1, f"g_{p} = float(np.sum(g_{p}))")
            self.add_gradients(written, ())
        self.emit(1, "return total")
        text = "\n".join(t for t, _ in self.lines) + "\n"
        infos = {i: info for i, (_, info) in enumerate(self.lines, 1) if info is not None}
        program = Program(self.fn_name, "batch-numpy", text, infos, tuple(g.parameters), args)
        program.namespace = self.namespace
        return program

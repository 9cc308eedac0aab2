"""A loss of your own as the matrix program's BP1: C_x(a^L, y) traced alone.

The matrix program (:mod:`nn.matrix`) needs from a loss only its cost Σ_x C_x and
∇_a C_x (or δ^L = ∂C_x/∂z^L, from the logit) as numpy over the output and target
matrices, a column per sample.  For a function ``loss(outputs, targets)`` of the
user's, :func:`traced_loss` traces C_x alone, with one sample's outputs a^L_1..a^L_n
and targets y_1..y_n as the graph's leaves.  When C_x reads nothing else (no
parameter, no number of a Value, no branch on one), it is per-sample and
elementwise over the samples: the same graph, written once over rows a[j], Y[j],
gives every sample's C_x and gradient.  The program's forward and backward lines
are the numpy backend's own (:mod:`autograd.jit_numpy`), from the op records.

On a sigmoid output layer the leaves are z^L_j and the outputs σ(z^L_j), as in
the network, so nn's binary cross-entropy keeps its logit form (δ^L = a − y,
never ln 0) and the program takes δ^L from the trace.  On any other layer the
leaves are a^L_j and BP1 multiplies ∇_a C_x by f'(z^L).

A loss whose trace is a built-in loss's (``lambda a, y: nn.half_squared_error(a, y)``)
runs as that loss's own program, bit for bit.  Anything else that cannot be traced
this way raises :class:`NotElementwise` with the reason; ``net.jit_loss`` and
``nn.train`` then run the traced per-sample program over arrays instead.
"""

from __future__ import annotations

import keyword
import math

from autograd import ops
from autograd.floats import counted, literal_bits
from autograd.jit import TracingError, trace
from autograd.jit_emit import sanitize
from autograd.jit_numpy import _NumpyEmitter, np_sigmoid
from autograd.ops import CONSTANT

from .activations import ACTIVATIONS
from .compiled import JIT_AGREEMENT, Compiled, structure
from .losses import LOSSES

__all__ = ["NotElementwise", "TracedLoss", "traced_loss", "matrix_loss", "why_not_matrix",
           "training_program"]

#: the outputs (or logits) and the kinds of targets of the trial samples the trace and
#: the check against the eager engine use (targets every nn loss accepts: probabilities,
#: one-hot rows)
_PROBE_Z = (0.35, -0.6, 0.8, 0.1)
_PROBE_TARGETS = ("half", "zeros", "ones", "one-hot")


class NotElementwise(ValueError):
    """A user's loss that cannot run as the matrix program, with the reason."""


class TracedLoss:
    """A user's loss as the matrix program reads a loss record (see :class:`nn.losses.Loss`).

    ``before``       the program's line that runs the traced C_x over the whole batch:
                     ``C_x, dC_da = <name>_per_sample(a, Y)`` (z on a sigmoid layer)
    ``cost``         Σ_x C_x, ``np.sum(C_x)``
    ``gradient``     ∇_a C_x, a column per sample (None on a sigmoid layer)
    ``from_logit``   (cost, δ^L) on a sigmoid layer, else None
    ``definitions``  the source of ``<name>_per_sample``, written from the trace
    """

    def __init__(self, name, function, definitions, logit):
        self.name, self.function, self.definitions = name, function, definitions
        leaf = "z" if logit else "a"
        self.text = (f"C_x = {name}(a^L, y), traced: C_x and ∂C_x/∂{leaf}^L from its "
                     f"graph, a column per sample")
        self.latex = None
        self.before = [f"C_x, dC_d{leaf} = {name}_per_sample({'z, ' if logit else ''}a, Y)"
                       f"  # the traced loss, every sample at once"]
        self.cost = "np.sum(C_x)"
        self.gradient = None if logit else "dC_da"
        self.from_logit = ("np.sum(C_x)", "dC_dz") if logit else None
        self.logit_rule = f"the trace of {name} through σ"
        self.reduction = None
        self.checked_targets = set()   # target rows nn.train has compared with eager
        #: the constants the loss closes over, whose numbers the definitions hold
        #: (:func:`autograd.jit.trace`'s ``baked``), and those numbers' bits
        self.baked = ()
        self.baked_numbers = literal_bits([])

    def changed(self):
        """True when a constant the loss closes over has a new number since the trace
        (or is not known: loaded from a pickle)."""
        return self.baked_numbers is None or \
            literal_bits([v.data for v in self.baked]) != self.baked_numbers

    def __getstate__(self):
        """Pickled without the constants the loss closes over: copies of them would not
        be the loaded loss function's own, so loaded, it is traced again when first run."""
        state = dict(self.__dict__)
        if state["baked"]:
            state["baked"], state["baked_numbers"] = (), None
        return state

    def __repr__(self):
        return f"<traced loss {self.name}: {self.text}>"


# ---------------------------------------------------------------------------
# Tracing C_x alone
# ---------------------------------------------------------------------------

def _identifier(function):
    """The loss's name as the program's function name (``<lambda>``, a keyword, a name
    the code's writer would spell otherwise (``coût``) or the program's helpers use
    is ``loss``)."""
    name = getattr(function, "__name__", "") or ""
    if sanitize(name) != name or keyword.iskeyword(name) or name.startswith(("_", "np")) \
            or name.endswith("_prime") or name in _HELPER_NAMES:
        return "loss"
    return name


#: names the matrix program's code calls (nn.matrix._runtime, the numpy backend's helpers)
_HELPER_NAMES = frozenset(("check", "softmax", "log_sum_exp", "in_open_unit", "defined",
                           "eager_if_not_finite"))


def _leaves(net):
    """(leaf names, is the leaf z^L?) for the output layer."""
    layer = net.layers[-1]
    logit = layer.activation == "sigmoid"
    names = layer._z_names if logit or layer.activation == "linear" else layer._a_names
    return list(names), logit


def _traced_function(net, loss, n_out, logit):
    """C_x as a function of the leaves (outputs, then targets): on a sigmoid layer
    the outputs are σ(z^L_j), named as the network names them."""
    layer = net.layers[-1]

    def per_sample(*leaves):
        outputs = list(leaves[:n_out])
        if logit:
            activate = ACTIVATIONS["sigmoid"]
            outputs = [activate(z) for z in outputs]
            for a, name in zip(outputs, layer._a_names):
                a.name = name
        return loss(outputs, list(leaves[n_out:]))
    return per_sample


def _probe(kind, j):
    """Target j (from 0) of a trial sample: all 0.5, all 0, all 1, or one-hot at 0."""
    return {"half": 0.5, "zeros": 0.0, "ones": 1.0, "one-hot": float(j == 0)}[kind]


def _trial(shift, kind, n_out, n_targets):
    """Trial sample ``shift``: its outputs (or logits) and its targets."""
    return ([_PROBE_Z[(j + shift) % len(_PROBE_Z)] for j in range(n_out)],
            [_probe(kind, j) for j in range(n_targets)])


def _trace(net, loss, n_targets):
    """The jit Graph of C_x with the output leaves and target leaves as inputs, traced
    on the first trial sample whose forward the loss takes (ln of a negative number
    on one is no reason to refuse it)."""
    names, logit = _leaves(net)
    n_out = len(names)
    targets = ["y"] if n_targets == 1 else [f"y{j}" for j in range(1, n_targets + 1)]
    fn = _traced_function(net, loss, n_out, logit)
    where = _identifier(loss)
    failure = None
    for shift, kind in enumerate(_PROBE_TARGETS):
        z, y = _trial(shift, kind, n_out, n_targets)
        try:
            return trace(fn, z + y, names + targets, where), logit
        except TracingError as err:
            raise NotElementwise(str(err)) from None
        except Exception as err:   # the traced program, run later, raises it where today's does
            failure = failure or err
    raise NotElementwise(f"tracing {where}(outputs, targets) raised "
                         f"{type(failure).__name__} on every trial sample: {failure}")


def _check_leaves(g, where):
    """Refuse a graph that reads a Value other than the outputs and targets."""
    if g.parameters or g.read_only:
        read = g.parameters + g.read_only
        names = ", ".join(repr(p.name or "an unnamed Value") for p in read[:3])
        raise NotElementwise(
            f"{where} reads {names}, not one of the network's outputs or the targets "
            f"(a parameter, a Value made outside it, or a Value(...) made inside it such "
            f"as the start of sum(..., Value(0.0)); write a number there, 0.0): its C_x "
            f"is not a function of one sample's outputs and targets alone")


def _shape(g):
    """The graph's structure: each derived node's op and where its operands come from
    (an input's position, an earlier node's, or a constant's bits)."""
    index = {id(n): ("in", i) for i, n in enumerate(g.inputs)}
    shape = []
    for k, node in enumerate(g.forward):
        index[id(node)] = ("node", k)
        operands = tuple(index.get(id(p)) or ("const", p.data.hex() if p._opr is CONSTANT
                                              else id(p))
                         for p in g.parents(node))
        shape.append((g.op(node), operands, node in g.detached))
    return shape, index.get(id(g.root)) or ("const", g.root.data.hex())


def _builtin(net, g, n_targets):
    """The record of nn's loss whose trace is ``g``'s, or None."""
    if n_targets != net.sizes[-1]:
        return None
    mine = _shape(g)
    seen = set()
    for record in LOSSES.values():
        if record.sample in seen:
            continue
        seen.add(record.sample)
        try:
            theirs, _ = _trace(net, record.sample, n_targets)
        except NotElementwise:
            continue
        if _shape(theirs) == mine:
            return record
    return None


# ---------------------------------------------------------------------------
# The per-sample program: the numpy backend's emitter, over rows
# ---------------------------------------------------------------------------

class _RowsEmitter(_NumpyEmitter):
    """The numpy backend's forward and backward lines for C_x, returning C_x and
    ∂C_x/∂(each output leaf) for every sample instead of adding to parameters."""

    def __init__(self, graph_, fn_name, n_out):
        self.n_out = n_out
        super().__init__(graph_, fn_name, "numpy", False)

    def needs_grad(self):
        g = self.graph
        needs = {id(n): True for n in g.inputs[:self.n_out]}
        for node in g.derived:
            if node not in g.detached and any(needs.get(id(p)) for p in node._prev):
                needs[id(node)] = True
        return needs

    def emit_root_gradient(self, indent, root, accumulate):
        self.emit(indent, f"g_{root} = 1.0  # ∂{root}/∂{root} = 1 (the program applies seed)")

    def emit_forward(self, indent, node):
        """σ(z^L_j) is the network's a^L_j, which the program has already: read it."""
        g = self.graph
        parents = g.parents(node)
        if self.logit and g.op(node) is ops.SIGMOID and len(parents) == 1:
            j = self.leaf_index.get(id(parents[0]))
            if j is not None:
                self.emit(indent, f"{self.code[id(node)]} = _a[{j}]  # sigmoid: the "
                                  f"network's a^L_{j + 1}")
                return
        super().emit_forward(indent, node)

    def source(self, logit):
        """``def <name>(_a, _Y)`` (``(_z, _a, _Y)`` on a sigmoid layer) returning the
        row of C_x and the matrix of ∂C_x/∂a^L_j (∂C_x/∂z^L_j), a column per sample."""
        g = self.graph
        self.logit = logit
        leaf = "z" if logit else "a"
        outputs = g.inputs[:self.n_out]
        self.leaf_index = {id(n): j for j, n in enumerate(outputs)}
        args = [self.code[id(n)] for n in g.inputs]
        self.emit(0, f"def {self.fn_name}({'_z, ' if logit else ''}_a, _Y):")
        self.emit(1, f'"""C_x and ∂C_x/∂{leaf}^L_j for every sample (a column each), '
                     f'written from the trace of one sample."""')
        self.emit(1, f"_m = _{leaf}.shape[1]")
        for i, a in enumerate(args):
            matrix = f"_{leaf}" if i < self.n_out else "_Y"
            self.emit(1, f"{a} = {matrix}[{i if i < self.n_out else i - self.n_out}]")
        self.emit(1, "with np.errstate(all='ignore'):")
        self.emit(2, "# forward: one row per node (errors as eager's, by check())")
        for node in g.forward:
            self.emit_forward(2, node)
        needs = self.needs_grad()
        if needs.get(id(g.root)):
            self.backward(2, needs)
        if not g.forward:
            self.emit(2, "pass  # C_x is a leaf or a constant")
        self.emit(1, "# every sample's C_x, and its gradient a row per output")
        self.emit(1, "_C = np.empty(_m)")
        self.emit(1, f"_C[:] = {self.src(g.root)}")
        every = all(id(n) in self.written for n in outputs)
        self.emit(1, f"_dC = np.{'empty' if every else 'zeros'}(({self.n_out}, _m))")
        for j, (n, a) in enumerate(zip(outputs, args)):
            if id(n) in self.written:
                self.emit(1, f"_dC[{j}] = g_{a}")
        self.emit(1, "return _C, _dC")
        return "\n".join(t for t, _ in self.lines) + "\n"


# ---------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------

def traced_loss(net, loss, n_targets=None):
    """The :class:`TracedLoss` record of ``loss(outputs, targets)`` on ``net``, or the
    record of nn's loss whose trace it is; :class:`NotElementwise` with the reason
    when C_x is not a function of one sample's outputs and targets alone."""
    where = _identifier(loss)
    if not hasattr(net, "layers"):
        raise NotElementwise(f"{type(net).__name__} is not an nn.MLP: the matrix program "
                             f"is written from an MLP's layers")
    n_out = net.sizes[-1]
    n_targets = n_out if n_targets is None else n_targets
    if n_targets != n_out:
        raise NotElementwise(f"{where} takes {counted(n_targets, 'target')} "
                             f"for {counted(n_out, 'output')}; "
                             f"the matrix program takes one target per output")
    g, logit = _trace(net, loss, n_targets)
    _check_leaves(g, where)
    # a loss closing over a constant is nn's with today's number only: it stays traced
    record = None if g.baked else _builtin(net, g, n_targets)
    if record is not None:
        return record
    definitions = _RowsEmitter(g, f"{where}_per_sample", n_out).source(logit)
    traced = TracedLoss(where, loss, definitions, logit)
    traced.baked, traced.baked_numbers = g.baked, literal_bits([v.data for v in g.baked])
    _agrees_with_eager(net, traced, loss, n_out, logit)
    return traced


def _agrees_with_eager(net, traced, loss, n_out, logit, targets=None):
    """Compare the traced C_x and its gradient with the eager engine's, the targets
    given as numbers (as nn.train gives them), on a few samples: a loss that tests a
    target's number with ``==`` (a Value compares by identity) is traced for one
    branch only.  ``targets``: these target rows (a data set's) instead of the trial
    ones, each with a trial sample's outputs."""
    from autograd import Value
    from autograd.engine import gradients
    from autograd.jit import compile_source

    from .matrix import _numpy, _runtime
    np = _numpy()
    function, _ = compile_source(traced.definitions, f"{traced.name}[per sample]",
                                 f"{traced.name}_per_sample",
                                 _runtime(np, net.layers), traced)
    names, _ = _leaves(net)
    checked = 0
    trials = ([_trial(shift, kind, n_out, n_out) for shift, kind in enumerate(_PROBE_TARGETS)]
              if targets is None else
              [(_trial(shift, "half", n_out, n_out)[0], [float(t) for t in y])
               for shift, y in enumerate(targets)])
    for z, y in trials:
        leaves = [Value(v, name) for v, name in zip(z, names)]
        try:   # gradients() touches no .grad: a parameter the eager loss reads keeps its own
            cost = _traced_function(net, loss, n_out, logit)(*leaves, *y)
            eager = gradients(cost)
        except Exception:   # not a sample this loss takes (eager refuses it)
            continue
        column = np.array(z, dtype=float)[:, None]
        with np.errstate(all="ignore"):
            leaf_rows = (column, np_sigmoid(column)) if logit else (column,)
            got_cost, got_grad = function(*leaf_rows, np.array(y, dtype=float)[:, None])
        pairs = [("C_x", float(got_cost[0]), cost.data)]
        pairs += [(f"∂C_x/∂{leaf.name}", float(got_grad[j, 0]), eager.get(leaf, 0.0))
                  for j, leaf in enumerate(leaves)]
        for what, fast, slow in pairs:
            if not math.isclose(fast, slow, rel_tol=JIT_AGREEMENT, abs_tol=JIT_AGREEMENT) \
                    and not (math.isnan(fast) and math.isnan(slow)):
                raise NotElementwise(
                    f"{traced.name} gives {what} = {slow!r} for targets {y!r} eagerly but "
                    f"{fast!r} once traced: does it test a target's number with ==?")
        checked += 1
    if not checked:
        raise NotElementwise(f"{traced.name} refused every trial sample eagerly, so its "
                             f"trace could not be checked against the eager engine")


def why_not_matrix(net, loss, n_targets=None):
    """Why ``loss`` does not run as ``net``'s matrix program ("" when it does)."""
    try:
        traced_loss(net, loss, n_targets)
    except NotElementwise as err:
        return str(err)
    return ""


def matrix_loss(net, loss, n_targets=None):
    """``(MatrixProgram, "")`` for a user's loss that traces elementwise, else
    ``(None, reason)``."""
    from .matrix import MatrixProgram
    try:
        record = traced_loss(net, loss, n_targets)
    except NotElementwise as err:
        return None, str(err)
    if not isinstance(record, TracedLoss):      # one of nn's losses: its own program
        return MatrixProgram(net, record.name), ""
    return MatrixProgram(net, record.name, loss=record), ""


def training_program(net, loss, samples):
    """The matrix program nn.train(backend="numpy") runs for a user's loss (a
    :class:`nn.train.BatchLoss`), or None when it does not trace elementwise; kept
    with the network, keyed as the jit's compiled losses are."""
    if not hasattr(net, "layers"):
        return None
    widths = {len(y) for _, y in samples}
    if len(widths) != 1:
        return None
    n_targets = widths.pop()
    cache = net.__dict__.setdefault("_compiled_losses", Compiled())
    key = ("traced matrix program", loss.sample, n_targets, structure(net))
    if key not in cache:
        cache[key], _ = matrix_loss(net, loss.sample, n_targets)
    program = cache[key]
    traced = getattr(program, "loss", None)
    if isinstance(traced, TracedLoss):   # and on this data set's targets (== on one of them?)
        distinct = []
        for _, row in samples:
            y = tuple(float(t) for t in row)
            if y not in distinct:
                distinct.append(y)
            if len(distinct) == 4:
                break
        if not traced.checked_targets.issuperset(distinct):
            try:
                _agrees_with_eager(net, traced, loss.sample, n_targets, _leaves(net)[1],
                                   distinct)
            except NotElementwise:
                return None
            traced.checked_targets.update(distinct)
    return program

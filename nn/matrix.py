"""A network's backpropagation as matrix code: Nielsen's BP1-BP4 over a batch.

``net.jit_loss(loss, backend="numpy")`` writes, from the network's layers,
one numpy statement per layer and equation::

    z3 = W3 @ a2 + b3                                  # feedforward
    delta3 = seed * (a3 - Y) * sigmoid_prime(z3, a3)   # BP1
    dC_db3 = delta3.sum(axis=1, keepdims=True)         # BP3
    dC_dW3 = delta3 @ a2.T                             # BP4
    delta2 = (W3.T @ delta3) * sigmoid_prime(z2, a2)   # BP2

A batch is a matrix with **one column per sample**: Nielsen writes a^l as a
column vector and z^l = w^l a^(l-1) + b^l, so with samples as columns the
code is his equations letter for letter (W^l is n_l × n_(l-1), its row j
holding w^l_j1 .. w^l_jn; a sum over the batch is a sum along axis 1).
``seed`` is 1 for a sum over the batch and 1/m for the mean, where the
loss puts Nielsen's 1/n.

The activations' derivatives (``sigmoid_prime(z, a)`` is σ'(z), given
a = σ(z) too, so it reads a(1 − a) instead of computing σ again; an activation whose
rule is a select, ReLU, is written as ``relu_backprop(z, a, g)``, so that an inf or nan
upstream where f' is 0 gives 0) and
forwards come from the op records of :mod:`autograd.ops`; each loss's cost and ∂C/∂a^L (or δ^L
directly, when the loss is computed from the logit) from its record in
:data:`nn.losses.LOSSES`.  The
program is a pure function of the weight matrices; :class:`MatrixProgram`
reads them from the parameter Values and adds the gradients to their
``.grad``, so nn's optimisers and ``nn.train`` work with it unchanged.
"""

import math
from collections.abc import Sequence
from operator import add, is_

from autograd import engine, ops
from autograd.floats import counted, flag, listlike
from autograd.jit import compile_source, more_than_samples, no_samples, refuse_hooked
from autograd.jit_emit import in_sample

from .activations import ACTIVATIONS
from .compiled import hookable
from .data import number_rows
from .losses import (LOSSES, class_index_hint, distribution_numbers, outside_open_unit,
                     surely_probabilities)
from .module import freeze_version
from .resident import ParameterStore, _consume, _data, _grad, _set_grad
from .train import grads_kept_on_error, update

__all__ = ["MatrixProgram", "matrix_program"]


def _numpy():
    """numpy, or the numpy backend's ImportError saying how to install it
    (:mod:`autograd.jit_numpy`'s, one message for both packages)."""
    from autograd.jit_numpy import np
    return np


# ---------------------------------------------------------------------------
# Helpers the program calls (derived from the op records where they can be)
# ---------------------------------------------------------------------------

def _activation_op(name):
    method = ACTIVATIONS[name]
    return None if method is None else ops.OPS[method.__name__]


def activation_source(name, z):
    """a = f(z) as numpy source, from the op's numpy form ("linear": z itself)."""
    op = _activation_op(name)
    return z if op is None else op.numpy.format(z)


def _selects(name):
    """Whether the activation's rule (its op's vjp) is a select, ReLU's 0 where a ≤ 0:
    then the program writes the rule, not g times a derivative of 0 or 1."""
    (rule,) = _activation_op(name).vjp_exprs(1)
    return rule.kind == "where"


def backprop_source(name):
    """The body of ``<name>_backprop(z, a, g)``: the op's vjp over arrays."""
    from autograd.jit_numpy import numpy_source
    (rule,) = _activation_op(name).vjp_exprs(1)
    return f"return {numpy_source(rule, {'x0': 'z', 'out': 'a', 'g': 'g'})}"


def prime_source(name):
    """The body of ``<name>_prime(z, a)``: the op's local derivative f'(z) over
    arrays, written with a = f(z) where the op's rule uses its output."""
    from autograd.jit_numpy import numpy_source
    (local,) = _activation_op(name).local_exprs(1)
    return f"return {numpy_source(local, {'x0': 'z', 'out': 'a'})}"


def _runtime(np, layers, loss=None):
    from autograd.jit_numpy import HELPERS
    output_names = layers[-1]._a_names
    z_names = {layer.number: layer._z_names for layer in layers}

    def softmax(a):
        """softmax over each column (each sample), shifted by its max so no exp overflows."""
        e = np.exp(a - a.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    def log_sum_exp(a, minus=0.0):
        """ln Σ_k e^(a_k) − minus of each column, as (max − minus) + ln Σ_k e^(a_k − max):
        the max cancels before the small logarithm is added (cross-entropy's m − z_t)."""
        top = a.max(axis=0)
        return (top - minus) + np.log(np.exp(a - top).sum(axis=0))

    def in_open_unit(a):
        """``a`` when every output lies in (0, 1), where ln a and ln(1 − a) are
        defined; else the eager engine's error for the first sample and output
        that does not (a tanh or ReLU output under binary cross-entropy)."""
        if not ((a > 0.0) & (a < 1.0)).all():
            _outside_unit(a, output_names)
        return a

    def defined(a, z, op_name, l):
        """``a`` = f(z^l) when every number is finite; else, for a strict activation (sin
        of ±inf), eager's error for the first sample and neuron where f is not defined."""
        if not np.isfinite(a).all():
            _undefined(z, ops.OPS[op_name], z_names[l])
        return a

    def eager_if_not_finite(C, z, Y):
        """``C`` when it is finite; else the error the eager loss raises for the first
        sample it refuses (an (y − a)² that overflows), or the inf or nan it gives."""
        if not math.isfinite(C) and loss is not None:
            _replay(loss, layers[-1], z, Y)
        return C

    return dict(HELPERS, softmax=softmax, log_sum_exp=log_sum_exp, in_open_unit=in_open_unit,
                defined=defined, eager_if_not_finite=eager_if_not_finite)


def _replay(loss, layer, z, Y):
    """The eager loss of each sample in turn, from its logits z^L as the output layer
    computes a^L: raises what eager raises, for the first sample that raises."""
    from autograd import Value
    activate = ACTIVATIONS[layer.activation]
    for i, (zs, ys) in enumerate(zip(z.T.tolist(), Y.T.tolist()), 1):
        outputs = [Value(v, name) for v, name in zip(zs, layer._z_names)]
        if activate is not None:
            outputs = [activate(o).named(name) for o, name in zip(outputs, layer._a_names)]
        try:
            loss.sample(outputs, ys)
        except (ArithmeticError, ValueError) as err:
            raise in_sample(err, i) from None


def _undefined(z, op, names):
    """Raise what the op's forward raises in eager for the first sample (then neuron)
    of ``z`` where it raises, naming that z; where it gives nan (nan in) the nan flows."""
    from autograd import Value
    for i, column in enumerate(z.T.tolist(), 1):
        for name, value in zip(names, column):
            try:
                op.forward(value)
            except (ArithmeticError, ValueError) as err:
                raise in_sample(op.error(err, [Value(value, name)]), i) from None


def _outside_unit(a, output_names):
    """Raise what binary cross-entropy raises in eager for the first sample (then
    output) with a ≤ 0 or a ≥ 1, where ln a or ln(1 − a) is not defined, naming it."""
    for i, column in enumerate(a.T.tolist(), 1):
        for j, (name, value) in enumerate(zip(output_names, column), 1):
            if value <= 0.0 or value >= 1.0:
                raise in_sample(outside_open_unit("binary_cross_entropy", j, name, value), i)
    # only NaN outputs are left: they flow into C as in eager


# ---------------------------------------------------------------------------
# The program
# ---------------------------------------------------------------------------

def matrix_program(net, loss_name, loss=None):
    """The source of ``net``'s loss and its gradients in BP1-BP4 form (a string);
    ``loss``: a record to use instead of LOSSES[loss_name] (:mod:`nn.traced_loss`)."""
    layers = net.layers
    L = layers[-1].number
    loss = loss or LOSSES[loss_name]
    output_activation = layers[-1].activation
    from_logit = loss.from_logit is not None and output_activation == "sigmoid"
    args = []
    for layer in layers:
        l = layer.number
        args.append(f"W{l}")
        if layer.bias_mode != "none":
            args.append(f"b{l}")
    lines = []
    emit = lines.append
    emit(f"def {loss_name}(X, Y, seed, {', '.join(args)}):")
    emit('    """Σ_x C_x over the batch (times seed: 1 for the sum, 1/m for the mean) and '
         'its gradients.')
    emit("")
    emit(f"    {loss.text}.")
    emit("    One column per sample: X is n_in × m, Y is n_out × m; W{l}[j-1, k-1] = w^l_jk, "
         "b{l}[j-1] = b^l_j.")
    emit('    """')
    emit("    a1 = X")
    emit("    # feedforward: z^l = w^l a^(l-1) + b^l,  a^l = f(z^l)")
    for layer in layers:
        l = layer.number
        bias = f" + b{l}" if layer.bias_mode != "none" else ""
        emit(f"    z{l} = W{l} @ a{l - 1}{bias}")
        emit(f"    a{l} = {activation_source(layer.activation, f'z{l}')}"
             + ("  # linear: a = z" if layer.activation == "linear" else ""))
        op = _activation_op(layer.activation)
        if op is not None and op.ieee is not op.forward:   # a strict op: sin(±inf) raises
            emit(f"    a{l} = defined(a{l}, z{l}, {op.name!r}, {l})"
                 f"  # eager's error where {op.name} is not defined")
    emit(f"    a, z = a{L}, z{L}")
    for line in getattr(loss, "before", ()):   # a traced loss: C_x and its gradient, once
        emit(f"    {line}")
    cost = loss.from_logit[0] if from_logit else loss.cost
    emit(f"    C = seed * {cost}")
    if loss is LOSSES.get(loss_name):
        emit("    C = eager_if_not_finite(C, z, Y)  # inf or nan: eager's error, where it raises one")
    emit("    # backpropagate")
    if from_logit:
        emit(f"    delta{L} = seed * {loss.from_logit[1]}"
             f"  # BP1, from the logit: ∂C_x/∂z^L = {getattr(loss, 'logit_rule', 'a^L − y')}")
    else:
        emit(f"    delta{L} = {_times_prime(output_activation, L, f'seed * {loss.gradient}')}"
             f"  # BP1: δ^L = ∇_a C ⊙ f'(z^L)")
    gradients = {}
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        l = layer.number
        if layer.bias_mode != "none":
            emit(f"    dC_db{l} = delta{l}.sum(axis=1, keepdims=True)"
                 f"  # BP3: ∂C/∂b^l_j = δ^l_j, summed over the samples")
            gradients[f"b{l}"] = f"dC_db{l}"
        emit(f"    dC_dW{l} = delta{l} @ a{l - 1}.T"
             f"  # BP4: ∂C/∂w^l_jk = a^(l-1)_k δ^l_j, summed over the samples")
        gradients[f"W{l}"] = f"dC_dW{l}"
        if index > 0:
            below = layers[index - 1]
            emit(f"    delta{l - 1} = "
                 f"{_times_prime(below.activation, l - 1, f'W{l}.T @ delta{l}', group=True)}"
                 f"  # BP2: δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ f'(z^l)")
    emit(f"    return C, ({', '.join(gradients[a] for a in args)},)")
    emit("")
    for name in sorted({layer.activation for layer in layers} - {"linear"}):
        op = _activation_op(name)
        if _selects(name):
            emit(f"def {name}_backprop(z, a, g):")
            emit(f'    """g ⊙ {name}\'(z) where a = {name}(z), as autograd.ops.{op.name.upper()}\'s '
                 f'rule selects it (an inf or nan g where it is 0 gives 0)."""')
            emit(f"    {backprop_source(name)}")
        else:
            emit(f"def {name}_prime(z, a):")
            emit(f'    """{name}\'(z) where a = {name}(z), from autograd.ops.{op.name.upper()}\'s '
                 f'local derivative."""')
            emit(f"    {prime_source(name)}")
        emit("")
    lines += getattr(loss, "definitions", "").splitlines()
    return "\n".join(lines)


def _times_prime(activation, l, upstream, group=False):
    """``upstream * f_prime(z{l}, a{l})``: upstream ⊙ f'(z^l) in BP1 and BP2 (upstream
    in parentheses when ``group``; alone for a linear layer);
    ``f_backprop(z{l}, a{l}, upstream)`` for an activation whose rule is a select
    (ReLU), so that an inf or nan upstream where f' is 0 gives 0, not inf · 0."""
    if activation == "linear":
        return upstream
    if _selects(activation):
        return f"{activation}_backprop(z{l}, a{l}, {upstream})"
    return f"{f'({upstream})' if group else upstream} * {activation}_prime(z{l}, a{l})"


class MatrixProgram:
    """What ``net.jit_loss(loss, backend="numpy")`` returns.

    ``program.batch(samples, mean=False)``   Σ (or mean) of C_x over the samples (a list
                                             of (x..., y...) tuples, or a 2-d array with
                                             one row each); adds ∂C/∂w to each
                                             parameter's .grad, like the scalar jit
    ``program(x1, .., xn, y1, .., ym)``      one sample
    ``program.source``                       the generated code (BP1-BP4)
    ``program.gradients(X, Y, seed, arrays)`` the pure function: C and the gradient
                                             arrays for weight arrays, no Value touched
    """

    def __init__(self, net, loss_name, targets=None, loss=None):
        if loss is None and loss_name not in LOSSES:
            raise ValueError(
                f"backend='numpy' knows nn's losses ({', '.join(LOSSES)}), not "
                f"{loss_name!r}; jit a loss of your own with autograd.jit(..., backend='numpy')")
        np = _numpy()
        self.np = np
        self.net = net
        self.loss = loss or LOSSES[loss_name]
        #: targets that are probabilities, as the loss record says (a traced loss of yours
        #: has no such rule)
        self._checks_targets = getattr(self.loss, "targets_ok", None) is not None
        self._targets = targets
        self.n_in, self.n_out = net.sizes[0], net.sizes[-1]
        self.__name__ = loss_name
        self._compile()
        self._layout = self._parameter_layout()
        #: per argument: its Values row by row, the array's shape, trainable?
        self._flat = [([v for row in rows for v in row], (len(rows), len(rows[0])), trainable)
                      for _, rows, trainable in self._layout]
        self._last_tuples = None   # (samples, X, Y) of the last .batch of tuples
        #: the neurons' weight tuples and biases it was made for (a cache keys on their ids)
        self._holds = [(n.weights, n.bias) for layer in net.layers for n in layer.neurons]

    def _compile(self):
        """The source and function of the program of ``self.loss``."""
        name = self.__name__
        self.source = matrix_program(self.net, name, self.loss)
        self.function, self.filename = compile_source(
            self.source, f"{name}[numpy]", name, _runtime(self.np, self.net.layers, self.loss),
            self, replacing=getattr(self, "filename", None))
        #: a traced loss's test for a new number of a constant it closes over
        self._loss_changed = getattr(self.loss, "changed", None)

    def _follow_loss(self):
        """Trace a loss of the user's again, and write the program anew, when a constant
        it closes over has a new number (``c.data = 5.0``), as the eager loss uses it."""
        from .traced_loss import traced_loss
        self.loss = traced_loss(self.net, self.loss.function, self.n_out)
        self._compile()

    def _parameter_layout(self):
        """[(array name, [[Value or number, ...], ...], is a parameter?)] per argument."""
        layout = []
        for layer in self.net.layers:
            rows = [list(neuron.weights) for neuron in layer.neurons]
            layout.append((f"W{layer.number}", rows, True))
            if layer.bias_mode != "none":
                column = [[neuron.bias] for neuron in layer.neurons]
                layout.append((f"b{layer.number}", column, layer.bias_mode == "trainable"))
        return layout

    def arrays(self):
        """The weight and bias matrices, read from the parameter Values now."""
        np = self.np
        return [np.fromiter(map(_data, flat), float, len(flat)).reshape(shape)
                for flat, shape, _ in self._flat]

    def constant_arrays(self):
        """The arguments that are not parameters (constant biases) as arrays read
        now, None in the places of the parameters' arrays."""
        np = self.np
        return [None if trainable else
                np.fromiter(map(_data, flat), float, len(flat)).reshape(shape)
                for flat, shape, trainable in self._flat]

    def gradients(self, X, Y, seed, arrays):
        """``(C, gradient arrays)`` for the batch X, Y (columns are samples)."""
        if self._loss_changed is not None and self._loss_changed():
            self._follow_loss()
        try:
            return self.function(X, Y, seed, *arrays)
        except ValueError:     # numpy's shape error names no argument: name it
            self._refuse_shapes(X, Y, arrays)
            raise

    def _refuse_shapes(self, X, Y, arrays):
        """A ValueError naming the first of X, Y and ``arrays`` whose shape is not the
        program's (X n_in × m, Y n_out × m, W^l n_l × n_(l−1), b^l n_l × 1)."""
        where, np = f"{self.__name__}.gradients", self.np
        shape = np.shape(X)
        if len(shape) != 2 or shape[0] != self.n_in:
            rows = "; samples as rows? pass X.T" if shape[-1:] == (self.n_in,) else ""
            raise ValueError(f"{where}: X must be {self.n_in} × m (a column per sample), got "
                             f"shape {shape}{rows}")
        allowed = [(self.n_out, shape[1])] + [(shape[1],)] * (self.n_out == 1)   # 1-d: 1 output
        if np.shape(Y) not in allowed:
            raise ValueError(f"{where}: Y must be {self.n_out} × {shape[1]} (a column per "
                             f"sample, as X), got shape {np.shape(Y)}")
        for (name, _, _), (_, wanted, _), given in zip(self._layout, self._flat, arrays):
            if np.shape(given) != wanted:
                raise ValueError(f"{where}: {name} must have shape {wanted}, got "
                                 f"{np.shape(given)}")

    def add_gradients(self, gradients):
        """Add each gradient array's entries to its parameter's ``.grad``
        (frozen parameters and constant biases are left alone)."""
        frozen = self.net.frozen_values()
        for (flat, _, trainable), grad in zip(self._flat, gradients):
            if not trainable:
                continue
            numbers = grad.ravel().tolist()
            if frozen:
                numbers = [0.0 if value in frozen else g for value, g in zip(flat, numbers)]
            _consume(map(_set_grad, flat, list(map(add, map(_grad, flat), numbers))))

    @property
    def store(self):
        """The :class:`nn.resident.ParameterStore` that keeps this program's
        parameters in arrays between steps."""
        store = self.__dict__.get("_store")
        if store is None:
            store = self.__dict__["_store"] = ParameterStore(self)
        return store

    def _watched(self):
        """:func:`nn.compiled.hookable` of the network, kept until something freezes
        or unfreezes."""
        version = freeze_version()
        held = self.__dict__.get("_watched_at")
        if held is None or held[0] != version:
            held = self.__dict__["_watched_at"] = (version, hookable(self.net))
        return held[1]

    def run(self, X, Y, seed):
        """C of the batch X, Y (columns are samples) times ``seed``; adds the gradients
        to the parameters' ``.grad`` (to the resident arrays when they can be)."""
        np = self.np
        store = self.store
        if engine.hooks_registered:
            refuse_hooked(f"{self.__name__}.batch", self._watched())
        with np.errstate(all="ignore"), engine.taking_turns:   # threads take turns (engine)
            if store.make_resident():
                C, gradients = self.gradients(X, Y, seed, store.arguments())
                store.add_gradients(gradients)
            else:                      # a parameter shared or of an unusual class
                C = engine.counted_turn(self._on_values, X, Y, seed)
        return float(C)

    def _on_values(self, X, Y, seed):
        """C, its gradients added to the parameter Values' .grad (read from them now)."""
        C, gradients = self.gradients(X, Y, seed, self.arrays())
        self.add_gradients(gradients)
        return C

    def matrices(self, samples):
        """``(X, Y)``: the samples as column matrices (n_in × m, n_out × m), every
        number checked as training data is (:func:`nn.data.number_rows`), but for
        finiteness: NaN and ±inf are computed with, as the eager engine, the Python jit
        and PyTorch do (``nn.train`` refuses them, before the first step).

        The very same list of the very same tuples of Python floats as last time
        (none of them can change) gives the same matrices again without reading
        them; those matrices are read-only, as they are shared with that next call."""
        np = self.np
        width = self.n_in + self.n_out
        if (samples.__class__ is np.ndarray and samples.dtype == np.float64
                and samples.shape[1:] == (width,) and len(samples)):
            columns = samples.T.copy()    # a sample a column, each row contiguous
            return columns[:self.n_in], columns[self.n_in:]
        where = f"{self.__name__}.batch"
        if not listlike(samples, sized=True):
            raise TypeError(f"{where}: samples must be a list of rows (x1..x{self.n_in}, "
                            f"targets) or a 2-d array, got {type(samples).__name__} "
                            f"{samples!r}"[:200])
        if not isinstance(samples, Sequence) and not hasattr(samples, "shape"):
            samples = list(samples)       # a set of rows: its rows, in its order
        last = self._last_tuples
        if (last is not None and samples.__class__ is list and len(samples) == len(last[0])
                and all(map(is_, samples, last[0]))):
            return last[1], last[2]
        from autograd.jit_numpy import float_rows
        if samples.__class__ is list and len(samples) and samples[0].__class__ is tuple:
            samples = samples[:]   # read and kept as one: another thread may change the list
        floats = float_rows(samples, width) if samples.__class__ is list else None
        if len(samples) == 0:
            data = np.zeros((0, width))
        elif (samples.__class__ is np.ndarray and samples.dtype == np.float64
              and samples.shape[1:] == (width,)):
            data = samples
        elif floats is not None:
            data = floats      # rows of Python floats only, copied bit for bit
        else:
            inputs, targets = counted(self.n_in, "input"), counted(self.n_out, "target")
            expects = f"expected {{}} number{{s}} ({inputs}, then {targets})"
            try:
                data = np.asarray(number_rows(samples, width, where, self._column_name, expects,
                                              as_array=True, finite=False), dtype=float)
            except ValueError as err:
                hint = self._label_hint(samples)
                if not hint:
                    raise
                raise ValueError(f"{err}{hint}") from None
        columns = data.T.copy()           # one sample a column; its rows are contiguous
        X, Y = columns[:self.n_in], columns[self.n_in:]
        if data is floats and samples[0].__class__ is tuple:   # so is every row
            X.flags.writeable = Y.flags.writeable = False   # shared with the next call
            self._last_tuples = (samples, X, Y)   # the copy read; tuples of floats: immutable
        return X, Y

    def _label_hint(self, samples):
        """For rows of the inputs and one class label (``np.hstack([X, labels[:, None]])``)
        where the loss takes one target per output: how to give it, else ""."""
        try:
            first = samples[0]
            label = first[self.n_in] if len(first) == self.n_in + 1 else None
        except (TypeError, IndexError, KeyError):
            return ""
        return "" if label is None else class_index_hint([label], self.n_out, rows=True)

    def _column_name(self, j):
        return f"x{j}" if j <= self.n_in else f"y{j - self.n_in}"

    def batch(self, samples, *more, mean=False):
        """Σ (or mean) of C_x over ``samples`` (the sum of none is 0.0, their mean
        refused); adds ∂C/∂w to each parameter's ``.grad``.  (``more``: refused,
        saying what to pass for ``.batch(X, Y)``.)"""
        if more:
            raise more_than_samples(self.__name__, more)
        if mean is not False and mean is not True:   # (no f-string per call)
            flag(mean, f"{self.__name__}.batch: mean")
        X, Y = self.matrices(samples)
        m = X.shape[1]
        if m == 0:
            return no_samples(self.__name__, mean)
        if self._checks_targets and not self._probabilities(Y):
            self._eager_error(X, Y)
        return self.run(X, Y, 1.0 / m if mean else 1.0)

    def _probabilities(self, Y):
        """Whether each sample's targets (a column of Y) are probabilities, and for
        cross-entropy add up to 1, well inside eager's 1e-6 (a nan is not one).  nn.train
        checked its targets before the first step; .batch checks them here."""
        if self.loss.targets_ok is not distribution_numbers:   # (cross-entropy's: sums too)
            return surely_probabilities(Y.min(), Y.max())
        sums = Y.sum(axis=0)
        return surely_probabilities(Y.min(), Y.max(), (sums.min(), sums.max()))

    def _eager_error(self, X, Y):
        """The error the eager network and loss raise for the first sample that raises
        (a target the loss refuses, or anything before it), as the eager loop does;
        nothing if none does (a sum of targets within eager's 1e-6 of 1)."""
        for i, (xs, ys) in enumerate(zip(X.T.tolist(), Y.T.tolist()), 1):
            try:
                self.loss.sample(self.net(xs), ys)
            except (ArithmeticError, ValueError) as err:
                raise in_sample(err, i) from None

    def __call__(self, *numbers):
        return self.batch([numbers])

    def __deepcopy__(self, memo):
        """The program of a deep copy of the network (a copy taken with it, in one
        ``copy.deepcopy``, is that copy): its own store, the same loss."""
        import copy
        net = copy.deepcopy(self.net, memo)    # writes a resident network back first
        return MatrixProgram(net, self.__name__, self._targets, self.loss)

    def __reduce__(self):
        """Pickled as what makes it (the network, the loss): unpickled with its network
        (in one ``pickle.dumps``), it is that network's program, as a deep copy is."""
        return (MatrixProgram, (self.net, self.__name__, self._targets, self.loss))

    def __repr__(self):
        return f"<matrix program {self.__name__} of {self.net.sizes}>"


# ---------------------------------------------------------------------------
# Training with the matrices resident (nn.train(..., backend="numpy"))
# ---------------------------------------------------------------------------

class MatrixTraining:
    """How ``nn.train(backend="numpy")`` runs nn's losses: the epochs over the data
    as matrices, each batch a block of their rows, each step
    ``optimizer.zero_grad()``, the program's gradients, ``optimizer.step()`` on
    the program's resident arrays (:meth:`ParameterStore.train_step`, one commit).

    Nothing is written back into the Values here: that happens once, when
    something reads one (see :mod:`nn.resident`).
    """

    jitted = True

    def __init__(self, program, optimizer, inputs, targets):
        self.program, self.optimizer, self.np = program, optimizer, program.np
        #: one row per sample: the inputs and the targets
        self.inputs, self.targets = inputs, targets
        self._whole = None

    def epoch(self, order, size, mean, report):
        """One pass over the samples (in ``order``, None: as given), ``size`` per step;
        the epoch's loss (mean or sum of C_x over its samples), as :func:`nn.train`
        adds it up."""
        np = self.np
        with np.errstate(all="ignore"):     # overflow and NaN follow IEEE, silently
            return self._epoch(np, order, size, mean, report)

    def _epoch(self, np, order, size, mean, report):
        n = len(self.inputs)
        if order is not None:
            order = np.asarray(order)
        total, seen = 0.0, 0
        for start in range(0, n, size):
            if order is not None:
                rows = order[start:start + size]
                X = np.ascontiguousarray(self.inputs[rows].T)
                Y = np.ascontiguousarray(self.targets[rows].T)
            elif size >= n:               # the whole data set, the same every epoch
                if self._whole is None:
                    self._whole = (np.ascontiguousarray(self.inputs.T),
                                   np.ascontiguousarray(self.targets.T))
                X, Y = self._whole
            else:
                X = np.ascontiguousarray(self.inputs[start:start + size].T)
                Y = np.ascontiguousarray(self.targets[start:start + size].T)
            m = X.shape[1]
            try:
                cost = self.step(X, Y, 1.0 / m if mean else 1.0)
            except (ArithmeticError, ValueError) as error:   # train names the sample
                error.train_rows = (list(range(start, start + m)) if order is None
                                    else order[start:start + size].tolist())
                raise
            total += cost * m if mean else cost
            seen += m
            report.step(total / seen if mean else total)
        return total / seen if mean else total

    def step(self, X, Y, seed):
        """One step on the batch X, Y (columns are samples); C before the update."""
        optimizer = self.optimizer
        cost = self.program.store.train_step(optimizer, X, Y, seed)
        if cost is None:            # an optimiser the arrays cannot serve: the Values
            # (one turn; a failed step: .grad put back)
            with engine.taking_turns, grads_kept_on_error(optimizer) as stepped:
                optimizer.zero_grad()
                cost = self.program.run(X, Y, seed)
                update(optimizer, stepped)
        return cost

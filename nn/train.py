"""The training loop: epochs of optimiser steps over batches, with a progress
bar and the loss history.

The cost of a batch of m samples is C = (1/m) Σ_x C_x (``reduction="mean"``)
or Σ_x C_x (``"sum"``), C_x being the loss of one sample.  Each step is one
call of a *step function* ``step(net, loss, optimizer, batch_inputs,
batch_targets) -> float`` (C before the update), where ``loss(batch_outputs,
batch_targets)`` builds C: :func:`eager_step` builds the graph and runs
``backward()``, :class:`jit_step` runs the compiled C_x over the batch.
"""

from __future__ import annotations

import contextlib
import math
from itertools import chain, islice
from operator import attrgetter, itemgetter
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from autograd import Value, engine, recording
from autograd.floats import as_float, counted, short_repr
from autograd.interrupts import deferred_interrupts
from autograd.engine import collector_paused, first_hooked
from autograd.jit import TracingError, jit_loss, refuse_hooked
from autograd.jit_emit import in_sample

from .arguments import flag, function_name, keywords_advised, positive_int, seeded_rng, takes
from .compiled import JIT_AGREEMENT, Compiled, hookable, layer_structure, structure
from .data import float_lists, number_rows, refuse_masked
from .losses import (by_column, check_reduction, finite_number, is_row, probability_targets,
                     real_targets, reduce_samples, resolve_loss)
from .optim import SGD, Adam, Optimizer
from .progress import reporter
from .resident import store_of

if TYPE_CHECKING:
    import numpy as np

    from .layers import MLP

__all__ = ["train", "eager_step", "jit_step", "BatchLoss", "History", "TrainingDiverged"]



class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; ``history`` holds the losses up to then."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


class History(list[float]):
    """The loss of every epoch (a list of floats), and how it was measured:
    ``loss`` (its name), ``reduction`` ("mean" or "sum" over the epoch's
    samples), ``jit`` (True when the steps ran the compiled loss) and ``seed``
    (the seed of the shuffled order, the one picked when none was given; None
    without shuffling)."""

    def __init__(self, values: Iterable[float] = (), *, loss: str = "", reduction: str = "mean",
                 jit: bool = False, seed: int | None = None) -> None:
        super().__init__(values)
        self.loss, self.reduction, self.jit, self.seed = loss, reduction, jit, seed


class BatchLoss:
    """C of a batch from the per-sample loss ``sample(outputs, targets) -> C_x``:
    (1/m) Σ_x C_x for ``reduction="mean"``, Σ_x C_x for "sum" (``batch``, when
    given, builds C of a whole batch instead, e.g. half_mean_squared_error).

    ``targets(y, n_outputs, where)`` turns one sample's target as given to
    train() into the list ``sample`` takes; ``known`` is True for nn's own losses.
    """

    def __init__(self, sample, reduction, name, *, batch=None, targets=None, known=False):
        self.sample, self.reduction, self.name, self.batch = sample, reduction, name, batch
        self.targets = targets or _target_list
        self.known = known

    def __call__(self, batch_outputs, batch_targets):
        if self.batch is not None:
            return self.batch(batch_outputs, batch_targets)
        losses = [self.per_sample(outputs, targets)
                  for outputs, targets in zip(batch_outputs, batch_targets)]
        cost = reduce_samples(losses, self.reduction)
        return cost if len(losses) == 1 else cost.named("C")

    def per_sample(self, outputs, targets):
        """C_x for one sample, checked to be a Value."""
        cost = self.sample(outputs, targets)
        if not isinstance(cost, Value):
            raise TypeError(f"train: the loss {self.name} must return a Value (built from the "
                            f"outputs), got {type(cost).__name__} {short_repr(cost)}")
        return cost

    def __repr__(self):
        return f"BatchLoss({self.name}, reduction={self.reduction!r})"


def eager_step(net, loss, optimizer, batch_inputs, batch_targets):
    """One step on one batch: forward, C, C.backward(), then the optimiser's update.

    ``loss`` is a name (train's, reduction "mean") or C of the batch,
    ``loss(batch_outputs, batch_targets)`` with one output list per sample.

    Returns C (a float) as it was before the update.  The cyclic garbage
    collector is paused meanwhile: the step's nodes form no cycles, and its
    collections would walk them again and again (about a tenth of the time).
    The graph is let go before the collector resumes, so that reference
    counting frees it and no collection walks it on the way out.
    """
    if isinstance(loss, str):          # a name, as train(loss=...) takes it
        loss = _training_loss(loss, "mean", "eager_step")
    elif not callable(loss):
        resolve_loss(loss, "eager_step")   # the TypeError saying what a loss is
    with engine.taking_turns, grads_kept_on_error(optimizer) as stepped:
        optimizer.zero_grad()
        value = collector_paused(_forward_backward, net, loss, batch_inputs, batch_targets)
        update(optimizer, stepped)
    return value


def _forward_backward(net, loss, batch_inputs, batch_targets):
    """The batch's C, after C.backward(); its graph is let go on return (the collector
    paused by the caller, :func:`autograd.engine.collector_paused`, whose try/finally
    in one frame restores it whatever stops the step, Ctrl-C as it ends too)."""
    outputs = [net(x) for x in batch_inputs]
    cost = _batch_cost(loss, outputs, batch_targets)
    if not isinstance(cost, Value):
        raise TypeError(f"eager_step: the loss "
                        f"{function_name(loss)} returned "
                        f"{type(cost).__name__} {short_repr(cost)}, not a Value "
                        f"built from the outputs")
    cost.backward()
    return cost.data


def _batch_cost(loss, outputs, targets):
    """``loss(outputs, targets)`` of a batch; a TypeError of a loss written for one
    sample (given a list of output lists) says how eager_step calls it."""
    try:
        return loss(outputs, targets)
    except TypeError as err:
        if isinstance(loss, BatchLoss) or resolve_loss(loss, "eager_step") is not None:
            raise
        raise TypeError(f"eager_step: the loss {function_name(loss)} "
                        f"raised TypeError: {err}; eager_step calls loss(batch_outputs, "
                        f"batch_targets) with one output list (and one target) per sample, "
                        f"as nn's losses take them; a loss of one sample goes to "
                        f"nn.train(loss=...)") from err


@contextlib.contextmanager
def grads_kept_on_error(optimizer):
    """A training step: when it raises before its update (a forward pass's log 0,
    say, or Ctrl-C), the ``.grad`` of every parameter of ``optimizer`` is put
    back as it was, so a failed step changes nothing.  Yields the list that
    :func:`update` marks once the update has run (then nothing is put back).
    A step runs it inside ``with engine.taking_turns`` (one turn: no other thread's
    pass runs between its zero_grad(), backward() and step()).  The with statement
    takes the lock, in C, so that a Ctrl-C however it lands cannot leave it held: a
    generator holding it would let go only when closed."""
    parameters = optimizer.parameters
    grads = [p.grad for p in parameters]
    stepped: list[bool] = []
    try:
        yield stepped
    except BaseException:
        if not stepped:
            with deferred_interrupts():
                for p, g in zip(parameters, grads):
                    p.grad = g
        raise


def update(optimizer, stepped):
    """``optimizer.step()`` and the mark that it ran, with Ctrl-C held until both are
    done (the update is all or nothing: :mod:`nn.optim`)."""
    with deferred_interrupts():
        optimizer.step()
        stepped.append(True)


class jit_step:
    """A step function for :func:`train` that runs the compiled per-sample loss.

    C_x = ``loss.sample(net(x), y)`` is traced once per network, loss, backend
    and the network's structure and freeze state (:func:`compiled_loss`, kept
    with the network, so the next ``nn.train`` call reuses it); every step then
    runs the generated code over the batch, summed or averaged as
    ``loss.reduction`` says.  The same C and the same updates as :func:`eager_step`.
    ``fallback=True`` (``jit="auto"``): a loss that cannot be traced (the trace,
    which runs before anything changes, raises TracingError) is run by
    :func:`eager_step` from then on, and ``jitted`` becomes False.
    """

    def __init__(self, backend="python", *, fallback=False):
        self.backend, self.fallback = backend, fallback
        self.jitted = True
        self._held = None

    def compiled(self, net, loss, n_inputs):
        """The jitted C_x(x1..xn, y1..ym) of ``net`` and ``loss`` (traced on first use);
        inside :meth:`held`, the one looked up by the first step."""
        found = self._held
        if found is None or found[0] is not net or found[1] is not loss:
            found = (net, loss, compiled_loss(net, loss, n_inputs, self.backend))
            if self._held is not None:
                self._held = found
        return found[2]

    @contextlib.contextmanager
    def held(self):
        """Look the compiled loss up once for the steps inside (an epoch of train(),
        where no code of the user's runs between steps: the network cannot change),
        not once a step (its key reads every parameter: 1.2 ms on 784-30-10)."""
        self._held = (None, None, None)
        try:
            yield
        finally:
            self._held = None

    def __call__(self, net, loss, optimizer, batch_inputs, batch_targets):
        if not self.jitted:
            return eager_step(net, loss, optimizer, batch_inputs, batch_targets)
        compiled = self.compiled(net, loss, len(batch_inputs[0]))
        if engine.hooks_registered:       # before zero_grad(): nothing has changed
            try:
                compiled.refuse_hooked()
            except RuntimeError:
                if not self.fallback:
                    raise
                self.jitted = False       # "auto": a hook added since; backward() runs it
                return eager_step(net, loss, optimizer, batch_inputs, batch_targets)
        with engine.taking_turns, grads_kept_on_error(optimizer) as stepped:
            optimizer.zero_grad()
            try:
                cost = compiled.batch([(*x, *y) for x, y in zip(batch_inputs, batch_targets)],
                                      mean=loss.reduction == "mean")
            except TracingError:
                if not self.fallback:
                    raise
                self.jitted = False
                return eager_step(net, loss, optimizer, batch_inputs, batch_targets)
            except (ArithmeticError, ValueError) as err:
                found = _loss_error(net, loss, batch_inputs, batch_targets)
                if found is None:
                    raise
                raise found from err
            update(optimizer, stepped)
        return cost


def _loss_error(net, loss, batch_inputs, batch_targets, named=in_sample):
    """The error the loss itself gives (eagerly) for the first sample of the batch
    that fails, naming the sample: what the compiled code's failing op (log of 0,
    say) cannot say, e.g. that binary cross-entropy needs outputs in (0, 1).  None
    when every sample goes through eagerly.  Nothing changes: no backward() runs.
    ``named(err, i)`` names the i-th sample (from 1) in the message: by default as
    the batch's sample; :func:`train` names it by its number in the data set."""
    for i, (x, y) in enumerate(zip(batch_inputs, batch_targets), 1):
        try:
            loss.per_sample(net(x), y)
        except (ArithmeticError, ValueError) as err:
            return named(err, i)
    return None


def _in_data(err, sample, epoch=None):
    """``err`` with the data set's sample (counted from 1) and the epoch named, as
    train()'s checks of the data name a sample."""
    where = f"sample {sample}" if epoch is None else f"epoch {epoch}, sample {sample}"
    return type(err)(f"train: {where}: {err}")


def _failed_step(error, net, loss, samples, step, epoch, named=None):
    """For a step of ``train`` that raised ``error``: the error the loss gives eagerly
    for the first sample of that step's batch that fails, named by its number in the
    data set and the epoch (a step's own message can only count within the batch),
    or ``named(sample, err)``; None when the batch's rows are not known or every
    sample goes through."""
    rows = getattr(error, "train_rows", None)
    if rows is None:
        return None
    chosen = _rows_of(samples, step, rows)
    named = named or (lambda sample, err: _in_data(err, sample, epoch))
    return _loss_error(net, loss, [x for x, _ in chosen], [y for _, y in chosen],
                       lambda err, i: named(rows[i - 1] + 1, err))


def _rows_of(samples, step, rows):
    """``[(input list, target list), ...]`` of the data set's samples ``rows`` (0-based)."""
    if isinstance(samples, range):      # the matrix program's data: its matrices' rows
        return [(step.inputs[r].tolist(), step.targets[r].tolist()) for r in rows]
    return [samples[r] for r in rows]


def compiled_loss(net, loss, n_inputs, backend="python"):
    """The jitted C_x of ``net`` and ``loss`` (a :class:`BatchLoss`), traced on its first
    use and kept with the network, keyed on what the generated code depends on: the
    loss, the backend, the network's structure and its frozen parameters' numbers."""
    if not isinstance(loss, BatchLoss):
        raise TypeError(f"jit_step needs a BatchLoss (the per-sample loss and its "
                        f"reduction), got {type(loss).__name__} {short_repr(loss)}")
    cache = (net.__dict__.setdefault("_compiled_losses", Compiled())
             if hasattr(net, "__dict__") else {})
    key = (loss.sample, loss.name, backend, n_inputs, structure(net))
    compiled = cache.get(key)
    if compiled is None:
        compiled = cache[key] = jit_loss(net, loss.per_sample, n_inputs, name=loss.name,
                                         backend=backend)
    return compiled


def _optimiser_settings(unknown: dict[str, Any], given: dict[str, Any]) -> str | None:
    """The line refusing keywords of train() that are settings of nn's optimisers
    (``nesterov=True``, ``amsgrad=True``: a PyTorch user's guess), with the optimiser
    that takes them, built from train()'s lr and momentum; None for any other keyword."""
    kind = next((cls for cls in (SGD, Adam) if unknown.keys() <= cls._settings().keys()), None)
    if kind is None:
        return None
    arguments = ["net.parameters()"]
    if "lr" in given or kind is SGD:
        arguments.append(f"lr={short_repr(given['lr']) if 'lr' in given else '...'}")
    if kind is SGD and (given.get("momentum") or unknown.get("nesterov")
                        or unknown.get("dampening")):      # (they need a momentum)
        momentum = given.get("momentum")
        arguments.append(f"momentum={short_repr(momentum) if momentum else '...'}")
    arguments += [f"{key}={short_repr(value)}" for key, value in unknown.items()]
    also = (" (nn.Adam and nn.AdamW take it too)"
            if kind is SGD and unknown.keys() <= Adam._settings().keys() else "")
    moved = [key for key in ("lr", "momentum") if key in given]
    return (f"train: {', '.join(unknown)} {'is a setting' if len(unknown) == 1 else 'are settings'}"
            f" of the optimiser, not of train(); pass optimizer=nn.{kind.__name__}"
            f"({', '.join(arguments)}){also}"
            f"{', and leave ' + ' and '.join(moved) + ' out of train()' if moved else ''}")


@keywords_advised(_optimiser_settings)
def train(net: MLP, inputs: Sequence[Sequence[float]] | np.ndarray,
          targets: Sequence[Any] | np.ndarray, *, epochs: int,
          lr: float | None = None, loss: str | Callable[..., Value] = "half_squared_error",
          reduction: str = "mean", batch: int | None = 1, shuffle: bool = False,
          seed: int | None = None, optimizer: Optimizer | None = None, momentum: float = 0.0,
          every: int | None = None,
          progress: bool | Callable[[int, float], object] = True,
          on_epoch: Callable[[int, float], object] | None = None,
          step: Callable[..., float] | None = None, jit: bool | Literal["auto"] = "auto",
          backend: str = "python") -> History:
    """Train ``net`` on ``inputs`` and ``targets``; return the :class:`History`
    (one float per epoch).

    ``inputs``: one list of numbers per sample.  ``targets``: one entry per
    sample, as the loss takes it (a list of numbers, a number for one output,
    a class index for cross_entropy).
    ``loss``: a name ("half_squared_error", "sum_squared_error",
    "binary_cross_entropy", "cross_entropy", "half_mean_squared_error") or a
    function ``loss(outputs, targets) -> Value``, C_x of one sample (its
    output Values and its target list).
    ``reduction``: a batch's C is the mean ("mean") or the sum ("sum") of its
    samples' C_x, and each history entry is the mean or sum over the epoch's
    samples of C_x, each measured just before the step that used it.
    ``batch``: samples per step (1: one step per sample; None: the whole
    data set).  ``shuffle=True`` takes the samples in a new order every
    epoch, drawn by ``random.Random(seed)`` (the same order for the same seed;
    with ``seed=None`` a seed is picked and kept in ``history.seed``); a seed
    without ``shuffle=True`` is refused.
    ``optimizer``: None for ``nn.SGD(net.parameters(), lr, momentum)``, or an
    optimiser made by you (``nn.Adam(net.parameters(), lr=0.01)``), holding some of
    ``net``'s parameters.

    ``progress``: True shows a progress bar per epoch with the running loss
    on a terminal, and otherwise prints one line every ``every`` epochs
    (default: epochs // 10, at least 1: 300 epochs give ten lines, 25 give
    thirteen, 2 apart) and after the last; False prints nothing; a
    function is called as ``progress(epoch, loss)`` instead of printing.
    ``on_epoch(epoch, loss)`` is called after every epoch (e.g. to print a
    test accuracy).
    ``jit``: "auto" (default) runs the steps through the compiled loss
    (:class:`jit_step`) when the loss can be traced and no parameter has a hook,
    and eagerly otherwise; True insists on the jit; False runs eagerly.  Both
    give the same numbers.
    ``backend="numpy"``: the steps run nn's losses as the network's matrix
    program (BP1-BP4 over the batch, :mod:`nn.matrix`) with the weights, their
    gradients and the optimiser's state kept in numpy arrays (written back into
    the parameters and the optimiser once, when one of them is read:
    :mod:`nn.resident`), as it does a loss of yours whose C_x is per sample and
    elementwise (:mod:`nn.traced_loss`), and any other loss as the traced program
    over numpy arrays.  It trains exactly
    the parameters the optimiser owns, as the Python backend does.
    ``step`` replaces the step function altogether.
    A NaN or infinite loss, or a float overflow in a step, raises
    :class:`TrainingDiverged` (with ``.history``, the losses of the finished epochs).
    Every argument and every number of the data is checked before the first
    step (real numbers only, finite, the network's widths, the loss's target
    ranges), with the same rules on both backends: a bad one changes nothing.
    Ctrl-C stops training with the network and the optimiser exactly as after
    the last complete step; the KeyboardInterrupt propagates, with ``.history``, as
    does any other error that stops training (a step's, on_epoch's).
    """
    history = History()   # (filled in below; a Ctrl-C before the first epoch gets it empty)
    try:   # the checks: a large data set takes a while, and Ctrl-C may land there too
        training_loss = _training_loss(loss, reduction)
        history.loss, history.reduction = training_loss.name, training_loss.reduction
        if (backend == "numpy" and (on_epoch is not None or callable(progress))
                and not (isinstance(epochs, int) and epochs == 1)):   # (epochs checked below)
            inputs = _own_copy(inputs)
        samples, matrix = _samples(net, inputs, targets, training_loss, arrays=backend == "numpy")
        epochs = _positive_int("epochs", epochs)
        size = len(samples) if batch is None else _positive_int("batch", batch)
        seed, rng = _shuffler(shuffle, seed)
        follow = optimizer is None         # train's own SGD steps what the network trains
        optimizer = _optimizer(optimizer, net, lr, momentum)
        report = reporter(progress, every, epochs, sys.stdout)
        if on_epoch is not None and not callable(on_epoch):
            raise TypeError(f"train: on_epoch must be a function on_epoch(epoch, loss), "
                            f"got {short_repr(on_epoch)}")
        _callbacks_take_their_arguments(training_loss, on_epoch, progress, step)
        _parameters_are_floats(net, backend)
        if backend not in ("python", "numpy"):
            raise ValueError(f"train: backend must be 'python' or 'numpy', got {backend!r}")
        if not (isinstance(jit, bool) or (isinstance(jit, str) and jit == "auto")):
            raise ValueError(f"train: jit must be 'auto', True or False, got {short_repr(jit)}")
        if backend == "numpy" and (step is not None or jit is False):
            raise ValueError("train: backend='numpy' runs compiled steps; leave out step= and "
                             "jit=False")
        if backend == "numpy":
            refuse_hooked("train(backend='numpy')", _hooked_parameters(net))
        history.seed = seed
    except KeyboardInterrupt as stop:
        _interrupted(stop, history)
        raise
    try:   # a trace of the loss can be stopped too (Ctrl-C): with the empty history
        if backend == "numpy":
            step, history.jit = _numpy_step(net, training_loss, samples, optimizer,
                                            matrix), True
        else:
            step, history.jit = _step_function(step, jit, net, training_loss, samples)
        if history.jit:
            recording.ran_compiled()   # chainrule explain SCRIPT then says why no backward()
        _epochs(step, net, training_loss, optimizer, samples, size, epochs, rng, report,
                on_epoch if not follow else _following(on_epoch, net, optimizer), history)
    except BaseException as stop:   # Ctrl-C, a step's error, on_epoch's: the finished epochs
        history.jit = getattr(step, "jitted", history.jit)
        stop.history = history   # type: ignore[attr-defined]
        if isinstance(stop, KeyboardInterrupt):
            _interrupted(stop, history)
        named = _type_error_of_the_loss(stop, training_loss)
        if named is None:
            raise
        named.history = history
        raise named from stop
    history.jit = getattr(step, "jitted", history.jit)
    return history


def _interrupted(stop, history):
    """The KeyboardInterrupt ``stop`` that stopped :func:`train`: its ``.history`` (the
    finished epochs) and the note saying so."""
    stop.history = history
    engine.add_note(stop, f"train: interrupted after {len(history)} complete epoch(s); "
                    f"the network and the optimiser are as after the last complete "
                    f"step (.history holds the finished epochs' losses)")


def _epochs(step, net, loss, optimizer, samples, size, epochs, rng, report, on_epoch,
            history):
    """The epochs of :func:`train`, each appended to ``history`` when complete."""
    order = list(range(len(samples)))
    n_batches = -(-len(samples) // size)
    on_matrices = getattr(step, "epoch", None)    # the numpy backend's own loop
    for epoch in range(1, epochs + 1):
        if rng is not None:
            rng.shuffle(order)
        report.start(epoch, n_batches)
        try:
            if on_matrices is not None:
                if engine.hooks_registered:   # a hook added since (in on_epoch, say)
                    refuse_hooked("train(backend='numpy')", _hooked_parameters(net))
                epoch_loss = on_matrices(order if rng is not None else None, size,
                                         loss.reduction == "mean", report)
            else:
                epoch_loss = _epoch(step, net, loss, optimizer, samples, order, size, report)
        except OverflowError as error:
            raise _overflowed(error, net, loss, samples, step, order, epoch, optimizer,
                              history) from error
        except (ArithmeticError, ValueError) as error:
            found = _failed_step(error, net, loss, samples, step, epoch)
            if found is None:
                raise
            raise found from error
        finally:
            report.stop()
        history.append(epoch_loss)
        if not math.isfinite(epoch_loss):
            raise TrainingDiverged(
                f"train: the loss became {epoch_loss!r} in epoch {epoch} ({_rate(optimizer)}); "
                f"{_diverged_advice(optimizer)}", history)
        report.done(epoch, epoch_loss)
        if on_epoch is not None:
            on_epoch(epoch, epoch_loss)


def _overflowed(error, net, loss, samples, step, order, epoch, optimizer, history):
    """The TrainingDiverged of a step that overflowed: the sample named by its number
    in the data set (the step's message counts within the batch), and, when no step
    had run yet, its numbers or the starting weights blamed rather than lr."""
    rows = getattr(error, "train_rows", None)
    found = _failed_step(error, net, loss, samples, step, epoch,
                         named=lambda sample, err: (sample, err))
    if found is None:
        return TrainingDiverged(f"train: a number overflowed in epoch {epoch} "
                                f"({_rate(optimizer)}); try a smaller lr. {error}", history)
    sample, cause = found
    huge = _huge_target(loss, _rows_of(samples, step, [sample - 1])[0][1])
    if epoch == 1 and rows == order[:len(rows)]:
        advice = ("before any step of this run, so not lr: that sample's numbers or the "
                  "weights it started from are too large")
    elif huge is not None:
        advice = (f"not lr: its {huge} is past √(largest float) ≈ 1.34e154, so (y − a)² "
                  f"overflows for any output a of ordinary size; scale the targets")
    else:
        advice = "try a smaller lr"
    return TrainingDiverged(f"train: a number overflowed in epoch {epoch} "
                            f"({_rate(optimizer)}) at sample {sample}, {advice}. {cause}",
                            history)


#: the squared-error losses of nn, whose (y − a)² overflows for |y| past √(largest float)
_SQUARED = frozenset({"half_squared_error", "sum_squared_error", "half_mean_squared_error"})


def _huge_target(loss, targets):
    """``"target j = y"`` for the first of a sample's ``targets`` whose square is past the
    largest float, under one of nn's squared-error losses: (y − a)² then overflows for
    every output a that is not within 1.34e154 of y, however small lr is; else None."""
    if not (loss.known and loss.name in _SQUARED):
        return None
    limit = math.sqrt(sys.float_info.max)
    for j, y in enumerate(targets, 1):    # (a loop: no generator left to be closed)
        if abs(y) > limit:
            return f"target {j} = {y!r}"
    return None


def _following(on_epoch, net, optimizer):
    """``on_epoch`` for train's own SGD, which then steps the parameters the network
    trains: on_epoch may have frozen or unfrozen some (the SGD was made from
    net.parameters() of the start, which skips one frozen later but never takes in
    one unfrozen)."""
    from .module import freeze_version
    seen = [freeze_version()]

    def then_follow(epoch, loss):
        if on_epoch is not None:
            on_epoch(epoch, loss)
        if freeze_version() != seen[0] and hasattr(net, "parameters"):
            seen[0] = freeze_version()
            trained = net.parameters()
            if trained:                 # all frozen: the list skips them all, as before
                optimizer.parameters = trained
    return then_follow


def _numpy_step(net, loss, samples, optimizer, matrix):
    """The step function of backend="numpy": the matrix program for nn's losses and for
    a loss of the user's that traces elementwise (the parameters resident in arrays,
    :class:`nn.matrix.MatrixTraining`), the traced per-sample program over arrays
    otherwise."""
    from .matrix import MatrixTraining
    if loss.known and hasattr(net, "layers"):
        cache = net.__dict__.setdefault("_compiled_losses", Compiled())
        key = ("matrix program", loss.name, layer_structure(net))
        program = cache.get(key)
        if program is None:
            program = cache[key] = net.jit_loss(loss.name, backend="numpy")
    else:
        from .traced_loss import training_program   # a loss of the user's
        program = training_program(net, loss, samples)
        if program is None:   # the traced program over arrays: checked as jit="auto" checks it
            step = jit_step(backend="numpy")
            try:
                disagreement = _disagreement(step.compiled(net, loss, len(samples[0][0])), net,
                                             loss, samples)
            except TracingError as err:   # no eager way out on this backend
                raise TracingError(f"train(backend='numpy'): {str(err).rstrip('.')}; use "
                                   f"backend='python'") from err
            if disagreement:
                raise ValueError(f"train(backend='numpy'): {disagreement}; use "
                                 f"backend='python'")
            return step
    if isinstance(matrix, tuple):
        inputs, targets = matrix           # checked as matrices
    else:
        import numpy as np
        inputs = (matrix if matrix is not None else
                  np.array([x for x, _ in samples], dtype=float))
        targets = np.array([y for _, y in samples], dtype=float)
    return MatrixTraining(program, optimizer, inputs, targets)


def _epoch(step, net, loss, optimizer, samples, order, size, report):
    """One pass over the samples in ``order``, ``size`` per step; the epoch's loss
    (mean or sum of C_x over its samples)."""
    mean = loss.reduction == "mean"
    total, seen = 0.0, 0
    with step.held() if isinstance(step, jit_step) else contextlib.nullcontext():
        for start in range(0, len(order), size):
            rows = order[start:start + size]
            chosen = [samples[i] for i in rows]
            try:
                cost = step(net, loss, optimizer, [x for x, _ in chosen],
                            [y for _, y in chosen])
            except (ArithmeticError, ValueError) as error:
                error.train_rows = rows   # the batch's samples, named by _epochs
                raise
            if cost.__class__ is not float:     # a step function of the user's (step=)
                name = function_name(step)
                cost = as_float(cost, f"train: the step function {name} returned C, which")
            total += cost * len(chosen) if mean else cost
            seen += len(chosen)
            report.step(total / seen if mean else total)
    return total / seen if mean else total


# ---------------------------------------------------------------------------
# Choosing the step function
# ---------------------------------------------------------------------------

def _step_function(step, jit, net, loss, samples):
    """``(step function, compiled?)`` for ``step=`` and ``jit=``."""
    if step is not None:
        if jit is True:
            raise ValueError("train: give step= or jit=True, not both")
        if not callable(step):
            raise TypeError(f"train: step must be a function step(net, loss, optimizer, "
                            f"batch_inputs, batch_targets), got {short_repr(step)}")
        return step, False
    if jit is False:
        return eager_step, False
    hooked = _hooked_parameters(net)
    if jit is True:
        refuse_hooked("train(jit=True)", hooked)
    elif first_hooked(hooked) is not None:   # "auto": backward() runs the hooks
        return eager_step, False
    compiled_step = jit_step(fallback=jit == "auto")
    if not loss.known:
        try:
            disagreement = _disagreement(compiled_step.compiled(net, loss, len(samples[0][0])),
                                         net, loss, samples)
        except TracingError:
            if jit is True:
                raise
            return eager_step, False
        if disagreement:
            if jit is True:
                raise ValueError(f"train(jit=True): {disagreement}")
            warnings.warn(f"train: {disagreement}; training without the jit", stacklevel=3)
            return eager_step, False
    return compiled_step, True


def _hooked_parameters(net):
    """:func:`nn.compiled.hookable`, or nothing while no hook was ever registered."""
    return hookable(net) if engine.hooks_registered else frozenset()


def _disagreement(compiled, net, loss, samples):
    """Why the compiled loss and the eager one differ on a few samples with
    different targets (a loss that branches on a target's number with ``==``
    is traced for the first sample's target only), or "" when they agree."""
    chosen, targets = [], []
    for i, (x, y) in enumerate(samples, 1):
        if y not in targets:
            chosen.append((i, x, y))
            targets.append(y)
        if len(chosen) == 4:
            break
    for i, x, y in chosen:
        try:
            fast = compiled.forward(*x, *y)
            slow = loss.per_sample(net(x), y).data
        except (ArithmeticError, ValueError) as err:
            raise _in_data(err, i) from err
        if not math.isclose(fast, slow, rel_tol=JIT_AGREEMENT, abs_tol=JIT_AGREEMENT):
            return (f"the loss {loss.name} gives {slow!r} for targets {y!r} but {fast!r} once "
                    f"compiled (does it test a target's number with ==, or read .data?)")
    return ""


# ---------------------------------------------------------------------------
# Checking the arguments
# ---------------------------------------------------------------------------

def _type_error_of_the_loss(error, loss):
    """A TypeError raised inside a loss of the user's (``(outputs - targets) ** 2``,
    written for tensors), naming it and how train() calls it; else None."""
    if not isinstance(error, TypeError) or isinstance(error, TracingError) or loss.known:
        return None
    fn = loss.sample
    code = getattr(fn, "__code__", None) or getattr(type(fn).__call__, "__code__", None)
    frame = error.__traceback__
    while frame is not None and frame.tb_frame.f_code is not code:
        frame = frame.tb_next
    if frame is None:
        return None
    return TypeError(f"train: the loss {loss.name} raised TypeError: {error}; train calls "
                     f"it as loss(outputs, targets) on one sample, both lists (its output "
                     f"Values and its target numbers), e.g. outputs[0] - targets[0]")


_data = attrgetter("data")


def _parameters_are_floats(net, backend):
    """A TypeError naming a parameter whose ``.data`` was set to a number that is not a
    Python float (np.float32, a tensor, a str: stored as it is, docs/engine.md), which
    the Python backend would compute with as it is and the numpy backend as a float; a
    ValueError naming one that is NaN or ±inf (an epoch on it would blame lr).
    A parameter resident in the numpy backend's arrays holds their floats: a network
    the numpy backend trained last is not read again (reading writes back) unless its
    arrays hold a NaN or ±inf."""
    named = getattr(net, "_named_parameters", tuple)
    with deferred_interrupts():     # the generator left unfinished is closed in here: a
        first = [p for _, p in islice(named(), 1)]   # Ctrl-C as it closes is held, not
    store = store_of(first)                           # printed and dropped by Python
    if store is not None:
        if backend == "numpy" and store.finite():
            return
        store.write_back()          # read as Values below (a NaN a diverged run left)
    values = list(map(itemgetter(1), named()))
    kinds = set(map(type, values))
    if Value not in kinds:          # none, or all resident (reading one writes back)
        return
    numbers = list(map(_data, values))
    if kinds == {Value} and set(map(type, numbers)) <= {float} and math.isfinite(sum(numbers)):
        return                      # the usual case, decided in C (a sum of finite floats
                                    # that overflows is read one by one below)
    for name, p in named():
        if p.__class__ is Value:        # (a resident one is not read: that writes back)
            x = p.data
            if x.__class__ is not float and (not isinstance(x, (float, int))
                                             or isinstance(x, bool)):
                raise TypeError(f"train: parameter {name} holds {type(x).__name__} "
                                f"{short_repr(x)}, not a Python float; set its .data = "
                                f"float(x) (docs/engine.md)")
            if isinstance(x, float) and not math.isfinite(x):
                raise ValueError(f"train: parameter {name} is {x!r} before the first step; "
                                 f"a NaN or infinite weight is not divergence (nn.MLP and "
                                 f"load_state_dict refuse it): give it a finite .data")


def _callbacks_take_their_arguments(loss, on_epoch, progress, step):
    """A TypeError naming the function of the user's that cannot take what train()
    gives it, before the first step (not an epoch later, as 'takes 1 positional
    argument but 2 were given')."""
    if not loss.known:
        takes(loss.sample, "outputs, targets", "train: loss")
    for fn, parameters, what in ((on_epoch, "epoch, loss", "on_epoch"),
                                 (progress, "epoch, loss", "progress"),
                                 (step, "net, loss, optimizer, batch_inputs, batch_targets",
                                  "step")):
        if callable(fn) and not isinstance(fn, bool):
            takes(fn, parameters, f"train: {what}")


def _training_loss(loss, reduction, where="train"):
    """The :class:`BatchLoss` for ``loss=`` and ``reduction=``, with its target check."""
    check_reduction(reduction, where)
    record = resolve_loss(loss, where)
    if record is None:
        return BatchLoss(loss, reduction, function_name(loss))
    if record.reduction is not None and reduction != record.reduction:
        raise ValueError(f"train: loss={record.name!r} is a {record.reduction} over the batch, "
                         f"so reduction={reduction!r} contradicts it; use "
                         f"loss='half_squared_error' with reduction={reduction!r}")
    return BatchLoss(record.sample, record.reduction or reduction, record.name,
                     batch=record.batch, targets=record.targets, known=True)


def _target_list(y, n_outputs, where):
    """A user loss's targets: a list as given, a number as a list of one; each a
    finite real number."""
    values = list(y) if is_row(y) else [y]
    return [finite_number(v, f"{where}, target {j}") for j, v in enumerate(values, 1)]


def _input_name(j):
    return f"input x{j}"


def _samples(net, inputs, targets, loss, arrays=False):
    """``([(input list, target list), ...], matrix)``, every sample and number checked
    once; ``arrays=True`` (the numpy backend): the inputs as one float matrix too, the
    samples' inputs being its rows (else matrix is None).

    For the matrix program (nn's losses, an MLP), targets given as a numeric numpy
    array that passes the loss's checks at once come back as ``(inputs matrix,
    targets matrix)`` in place of ``matrix``, and ``range(n)`` in place of the
    samples (nothing reads them one by one)."""
    for what, x in (("inputs", inputs), ("targets", targets)):
        if not is_row(x):                 # a 0-d array too: one number, not samples
            raise TypeError(f"train: {what} must be a list with one entry per sample, "
                            f"got {type(x).__name__} {short_repr(x)}")
    if len(inputs) != len(targets):
        raise ValueError(f"train: {_samples_count(len(inputs), 'input')} but "
                         f"{_samples_count(len(targets), 'target')}; they must have the same "
                         f"length{_by_columns(net, inputs, targets)}")
    if len(inputs) == 0:
        raise ValueError("train: needs at least one sample")
    refuse_masked(targets, lambda i, j: f"train: sample {i + 1}, target {j + 1}")
    sizes = getattr(net, "sizes", None)
    rows = number_rows(inputs, sizes[0] if sizes else None, "train", _input_name,
                       "the network expects {} input{s}", as_array=arrays)
    matrix = None
    if not isinstance(rows, list):
        matrix, rows = rows, list(rows)   # the matrix's rows, no copy
    n_out = sizes[-1] if sizes else _n_outputs(net, rows[0])
    if matrix is not None and loss.known and hasattr(net, "layers"):
        target_matrix = (_target_matrix(targets, len(rows), n_out, loss)
                         if hasattr(targets, "shape") else
                         _target_matrix_of_lists(targets, len(rows), n_out, loss))
        if target_matrix is not None:
            return range(len(rows)), (matrix, target_matrix)
    if hasattr(targets, "tolist") and not isinstance(targets, (list, tuple)):
        targets = targets.tolist()   # numpy: Python numbers, checked at full speed below
    plain = (float_lists(targets, n_out) if loss.targets in (real_targets, _target_list)
             and targets.__class__ is list else None)
    if plain is not None:
        return list(zip(rows, plain)), matrix
    return [(x, loss.targets(y, n_out, f"train: sample {i}"))
            for i, (x, y) in enumerate(zip(rows, targets), 1)], matrix


def _own_copy(inputs):
    """A copy of ``inputs`` when it is a numpy array, which the numpy backend trains on as
    it is (the Python backend reads the lists it made of it): a function of the caller's
    that runs between epochs (on_epoch, progress) may change it in place, and the
    epochs after would train on numbers that were never checked."""
    if getattr(inputs, "__array_interface__", None) is None or not hasattr(inputs, "copy"):
        return inputs
    return inputs.copy()


def _samples_count(n, what):
    return counted(n, f"{what} sample")


def _by_columns(net, inputs, targets):
    """For inputs and targets of different lengths: how to give them when either is written
    with a sample per column (Nielsen's X, inputs × m, and Y, outputs × m) and its transpose
    makes the counts agree; else ""."""
    sizes = getattr(net, "sizes", None)
    if not sizes:
        return ""
    m_x, m_y = by_column(inputs, sizes[0]), by_column(targets, sizes[-1])
    if (m_x or len(inputs)) != (m_y or len(targets)):
        return ""
    turned = [(what, f"{n}×{m}", name) for what, n, m, name in
              (("inputs", sizes[0], m_x, "X"), ("targets", sizes[-1], m_y, "Y")) if m]
    if not turned:
        return ""
    are = " and ".join(f"the {what} {shape}" for what, shape, _ in turned)
    fix = " and ".join(f"{name}.T" for _, _, name in turned)
    return f"; {are} hold a sample per column (Nielsen's layout): pass {fix}, a row per sample"


def _n_outputs(net, x):
    """How many outputs ``net`` (a model without ``sizes``) gives for the inputs ``x``;
    a TypeError naming it when it does not give a list of Values."""
    outputs = net(x)
    if not isinstance(outputs, (list, tuple)):
        one = isinstance(outputs, Value)
        got = short_repr(outputs) if one else f"{type(outputs).__name__} {short_repr(outputs)}"
        hint = " (an nn.Neuron gives one Value: train nn.Layer(n_in, 1) or nn.MLP([n_in, 1]))"
        raise TypeError(f"train: the network must return a list of output Values, as nn.MLP "
                        f"and nn.Layer do; {type(net).__name__} returned {got}"
                        f"{hint if one else ''}")
    return len(outputs)


def _target_matrix(targets, n, n_out, loss):
    """The targets as a new n × n_out float matrix when they are a numeric numpy array
    (n × n_out, or n numbers for one output) whose numbers all pass ``loss``'s check
    (finite; probabilities in [0, 1]); else None, and they are checked one by one."""
    import numpy as np
    shape = getattr(targets, "shape", None)
    kind = getattr(getattr(targets, "dtype", None), "kind", "O")
    if (shape is None or isinstance(targets, (list, tuple)) or kind not in "fiu"
            or loss.targets not in (real_targets, probability_targets)):
        return None
    if tuple(shape) != (n, n_out) and not (tuple(shape) == (n,) and n_out == 1):
        return None
    matrix = np.array(targets, dtype=float).reshape(n, n_out)
    if not np.isfinite(matrix).all():
        return None
    if loss.targets is probability_targets and not ((matrix >= 0.0) & (matrix <= 1.0)).all():
        return None
    return matrix


def _target_matrix_of_lists(targets, n, n_out, loss):
    """:func:`_target_matrix` for targets given as a list of lists (or tuples) of
    Python floats and ints, or of such numbers for one output (None: anything else,
    then they are checked one by one)."""
    import numpy as np
    if not isinstance(targets, (list, tuple)) or not targets:
        return None
    kinds = set(map(type, targets))
    if kinds <= {list, tuple}:
        if not set(map(type, chain.from_iterable(targets))) <= {float, int}:
            return None
    elif not (n_out == 1 and kinds <= {float, int}):
        return None
    try:
        matrix = np.array(targets, dtype=float)
    except (ValueError, OverflowError):      # ragged rows, an int too large
        return None
    return _target_matrix(matrix, n, n_out, loss)


def _positive_int(what, n):
    """``n`` as a positive int (a numpy integer too), as nn.MLP takes its sizes."""
    return positive_int(n, f"train: {what}")


def _shuffler(shuffle, seed):
    """``(seed, random.Random(seed))`` when shuffling, a seed picked for None (as
    nn.MLP picks one), so that the run can be made again; else ``(None, None)``."""
    flag(shuffle, "train: shuffle")
    if not shuffle and seed is not None:
        raise ValueError(f"train: seed={short_repr(seed)} is the seed of the shuffled order, "
                         f"but shuffle=False: pass shuffle=True too, or leave seed out (the "
                         f"weights take theirs from nn.MLP(seed=...))")
    try:
        picked = seeded_rng(seed)      # an int seed (a numpy integer too); None picks one
    except TypeError as err:
        raise TypeError(f"train: {err}") from None
    return picked if shuffle else (None, None)


def _optimizer(optimizer, net, lr, momentum):
    """The optimiser: the one given, or SGD(net.parameters(), lr, momentum)."""
    if optimizer is None:
        if lr is None:
            raise ValueError("train: lr is required (the learning rate η), or pass an "
                             "optimiser, e.g. optimizer=nn.Adam(net.parameters(), lr=0.01)")
        _refuse_all_frozen(net)
        return _own_sgd(net, lr, momentum)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"train: optimizer must be an nn optimiser (nn.SGD, nn.Adam, nn.AdamW), "
                        f"got {type(optimizer).__name__} {short_repr(optimizer)}")
    if lr is not None or momentum:
        raise ValueError("train: lr and momentum belong to the optimiser when one is "
                         f"given ({optimizer!r}); leave them out of train()")
    if _steps_none_of(optimizer, net):
        raise ValueError(f"train: the optimiser {optimizer!r} steps none of this network's "
                         f"parameters, so training would change nothing (was it made for "
                         f"another network?); make it from net.parameters()")
    _refuse_all_frozen(net, optimizer)
    return optimizer


def _refuse_all_frozen(net, optimizer=None):
    """A ValueError when training would change nothing because everything it would
    step is frozen: every parameter of the network (train's own SGD), or every one
    ``optimizer`` holds (the user's, made before the freeze)."""
    frozen = net.frozen_values() if hasattr(net, "frozen_values") else ()
    if not frozen:                        # (a set: no walk over the parameters)
        return
    if optimizer is not None and not all(p in frozen for p in optimizer.parameters):
        return
    if not net.parameters():
        raise ValueError(f"train: every parameter of the network is frozen (all "
                         f"{len(frozen)}), so training would change nothing; free some "
                         f"with net.unfreeze(...) first")
    if optimizer is not None:
        raise ValueError(f"train: every parameter the optimiser {optimizer!r} steps is "
                         f"frozen, so training would change nothing; free them with "
                         f"net.unfreeze(...), or make the optimiser from net.parameters()")


def _steps_none_of(optimizer, net):
    """Whether ``optimizer`` holds none of ``net``'s parameters (frozen ones count as
    the network's); False for a network without ``parameters()``."""
    if optimizer.module is net or not hasattr(net, "parameters"):
        return False
    frozen = net.frozen_values() if hasattr(net, "frozen_values") else ()
    mine = set(map(id, chain(net.parameters(), frozen)))
    return not any(id(p) in mine for p in optimizer.parameters)


def _own_sgd(net, lr, momentum):
    """``SGD(net.parameters(), lr, momentum)``, made by train() and seen by no one else.
    Without momentum SGD has no state that a step changes, so the one made last time
    for the same lr, network structure and freeze state is the same in every number
    and is used again (one SGD is kept per network)."""
    if momentum or not hasattr(net, "layers") or not hasattr(net, "__dict__"):
        return SGD(net.parameters(), lr, momentum)
    from .module import freeze_version
    cache = net.__dict__.setdefault("_train_optimizer", Compiled())   # a copy starts empty
    key = (lr, freeze_version(), layer_structure(net))
    kept = cache.get("SGD")
    if kept is None or kept[0] != key:
        # the key names the neurons' weight tuples by id: they are kept with it, so
        # that no tuple of a layer put in later can be given one of those ids
        held = [(n.weights, n.bias) for layer in net.layers for n in layer.neurons]
        kept = cache["SGD"] = (key, SGD(net.parameters(), lr, momentum), held)
    return kept[1]


def _rate(optimizer):
    return f"lr={optimizer.lr}"


def _diverged_advice(optimizer):
    """What to change when the loss became nan or inf."""
    if getattr(optimizer, "eps", None) == 0.0:   # Adam: m̂/(√v̂ + 0) is 0/0 where g = 0
        return ("eps=0 divides 0 by 0 wherever a gradient is 0 (Adam's m/(√v + eps)); "
                "use eps > 0, e.g. the default 1e-8")
    return "try a smaller lr"

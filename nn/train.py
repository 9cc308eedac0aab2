"""A small training loop: epochs of SGD steps, with progress and the loss history.

Each step is one call of a *step function* ``step(net, loss, optimizer,
batch_inputs, batch_targets) -> float``; :func:`eager_step` builds the graph
and runs ``backward()`` on it.  Passing another function with the same
signature as ``train(..., step=...)`` (e.g. a compiled one) changes nothing
else in the loop.
"""

import math
import sys

from .losses import LOSSES, half_squared_error
from .optim import SGD

__all__ = ["train", "eager_step", "jit_step", "TrainingDiverged"]


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; ``history`` holds the losses up to then."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


def eager_step(net, loss, optimizer, batch_inputs, batch_targets):
    """One SGD step on one batch: forward, C, C.backward(), w <- w − η ∂C/∂w.

    Returns C (a float) as it was before the update.
    """
    optimizer.zero_grad()
    outputs = [net(x) for x in batch_inputs]
    cost = loss(outputs, batch_targets)
    cost.backward()
    optimizer.step()
    return cost.data


class jit_step:
    """A step function for :func:`train` that runs the network's compiled loss.

    The first call traces one sample's ½ Σ_j (y_j − a^L_j)² once
    (``MLP.jit_loss``); every step then runs the generated code over the
    batch, summed ("half_squared_error") or averaged ("half_mean_squared_error").
    Same result and same parameter updates as :func:`eager_step`.
    """

    def __init__(self):
        self._compiled = {}

    def __call__(self, net, loss, optimizer, batch_inputs, batch_targets):
        mean = _MEAN_OF_SAMPLES.get(loss)
        if mean is None:
            raise ValueError(
                "train(jit=True) supports loss='half_squared_error' or "
                f"'half_mean_squared_error', got {getattr(loss, '__name__', loss)!r}")
        compiled = self._compiled.get(id(net))
        if compiled is None:
            compiled = self._compiled[id(net)] = net.jit_loss(half_squared_error)
        optimizer.zero_grad()
        cost = compiled.batch([(*x, *y) for x, y in zip(batch_inputs, batch_targets)],
                              mean=mean == "mean")
        optimizer.step()
        return cost


#: the batch losses train(jit=True) compiles: how one sample's ½Σ(y − a)² is combined
_MEAN_OF_SAMPLES = {
    LOSSES["half_squared_error"]: "sum",
    LOSSES["half_mean_squared_error"]: "mean",
}


def train(net, inputs, targets, *, epochs, lr, loss="half_squared_error", batch=1,
          momentum=0.0, every=None, progress=True, step=eager_step, jit=False):
    """Train ``net`` with SGD; return the loss history (one float per epoch).

    ``inputs``: one list of numbers per sample; ``targets``: one list per
    sample (or one number per sample for a network with one output).
    ``batch``: samples per step (1: one step per sample, in order; None: the
    whole data set).  ``loss``: "half_squared_error" (summed over a batch),
    "half_mean_squared_error" (1/(2m) over a batch of m) or a function
    ``loss(batch_outputs, batch_targets) -> Value``.  The history entry of
    an epoch is the mean of that epoch's batch losses, each measured just
    before its step; with batch=1 it is the mean ½(y − a)² over the samples.

    ``progress``: True prints one line every ``every`` epochs (default: ten
    lines in all) and after the last; False prints nothing; a function is
    called as ``progress(epoch, loss)`` instead of printing.
    ``jit=True`` runs each step through the compiled loss (:class:`jit_step`):
    the same numbers, much faster.
    A NaN or infinite loss, or a float overflow in a step, raises
    :class:`TrainingDiverged` (with ``.history``, the losses of the finished epochs).
    """
    if jit:
        step = jit_step()
    samples = _samples(net, inputs, targets)
    loss_fn = _loss_function(loss)
    epochs = _positive_int("epochs", epochs)
    batches = _batches(samples, batch)
    optimizer = SGD(net.parameters(), lr, momentum)
    report = _reporter(progress, every, epochs)
    history = []
    for epoch in range(1, epochs + 1):
        total = 0.0
        try:
            for batch_inputs, batch_targets in batches:
                total += step(net, loss_fn, optimizer, batch_inputs, batch_targets)
        except OverflowError as error:
            raise TrainingDiverged(
                f"train: a number overflowed in epoch {epoch} (lr={lr}); try a smaller lr. "
                f"{error}", history) from error
        epoch_loss = total / len(batches)
        history.append(epoch_loss)
        if not math.isfinite(epoch_loss):
            raise TrainingDiverged(
                f"train: the loss became {epoch_loss!r} in epoch {epoch} (lr={lr}); "
                f"try a smaller lr", history)
        report(epoch, epoch_loss)
    return history


# ---------------------------------------------------------------------------
# Checking the arguments
# ---------------------------------------------------------------------------

def _samples(net, inputs, targets):
    """``[(input list, target list), ...]``, with the lengths checked."""
    for what, x in (("inputs", inputs), ("targets", targets)):
        if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
            raise TypeError(f"train: {what} must be a list with one entry per sample, "
                            f"got {type(x).__name__} {x!r}")
    if len(inputs) != len(targets):
        raise ValueError(f"train: {len(inputs)} input samples but {len(targets)} target "
                         f"samples; they must have the same length")
    if not inputs:
        raise ValueError("train: needs at least one sample")
    n_in = getattr(net, "sizes", [None])[0]
    samples = []
    for i, (x, y) in enumerate(zip(inputs, targets), 1):
        if n_in is not None and (not hasattr(x, "__len__") or len(x) != n_in):
            raise ValueError(f"train: sample {i}: the network expects {n_in} inputs, "
                             f"got {x!r}")
        samples.append((list(x), list(y) if hasattr(y, "__len__") else [y]))
    return samples


def _loss_function(loss):
    if callable(loss):
        return loss
    try:
        return LOSSES[loss]
    except (KeyError, TypeError):
        raise ValueError(f"train: unknown loss {loss!r}; known: "
                         f"{', '.join(map(repr, LOSSES))} or a function "
                         f"loss(batch_outputs, batch_targets)") from None


def _positive_int(what, n):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"train: {what} must be a positive int, got {n!r}")
    return n


def _batches(samples, batch):
    """``[(batch_inputs, batch_targets), ...]``: consecutive groups of ``batch`` samples."""
    size = len(samples) if batch is None else _positive_int("batch", batch)
    groups = [samples[i:i + size] for i in range(0, len(samples), size)]
    return [([x for x, _ in group], [y for _, y in group]) for group in groups]


def _reporter(progress, every, epochs):
    """A function ``report(epoch, loss)`` that prints (or calls ``progress``) every N epochs."""
    every = max(1, epochs // 10) if every is None else _positive_int("every", every)
    if progress is False or progress is None:
        return _silent
    if progress is True:
        width = len(str(epochs))

        def show(epoch, loss):
            print(f"epoch {epoch:>{width}}/{epochs}  loss {loss:.6g}", file=sys.stdout)
        callback = show
    elif callable(progress):
        callback = progress
    else:
        raise TypeError(f"train: progress must be True, False or a function "
                        f"progress(epoch, loss), got {progress!r}")

    def report(epoch, loss):
        if epoch % every == 0 or epoch == epochs:
            callback(epoch, loss)
    return report


def _silent(epoch, loss):
    """progress=False: report nothing."""

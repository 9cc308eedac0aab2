"""What nn.train shows while it runs.

``progress=True``: on a terminal, a progress bar per epoch (tqdm) with the
running loss of the epoch; the bar of every ``every``-th epoch and of the
last stays on the screen, the others are cleared when their epoch ends.
Elsewhere (a file, a pipe, a notebook's captured output) one plain line
``epoch 100/300  loss 0.00962`` for those same epochs.  ``progress=False``:
nothing.  A function: ``progress(epoch, loss)`` for those epochs instead.
"""

import importlib.util

from autograd.floats import short_repr

from .arguments import positive_int

__all__ = ["reporter", "Reporter"]


def reporter(progress, every, epochs, stream):
    """The :class:`Reporter` for ``train(progress=..., every=...)`` writing to ``stream``."""
    every = max(1, epochs // 10) if every is None else _every(every)
    if progress is False or progress is None:
        return Reporter(every, epochs)
    if progress is True:
        # tqdm is optional (the progress extra): without it the lines still work
        if _is_terminal(stream) and importlib.util.find_spec("tqdm") is not None:
            return Bar(every, epochs, stream)
        return Lines(every, epochs, stream)
    if callable(progress):
        return Calls(every, epochs, progress)
    raise TypeError(f"train: progress must be True, False or a function "
                    f"progress(epoch, loss), got {short_repr(progress)}")


class Reporter:
    """Shows nothing (``progress=False``); the base of the others.

    train() calls ``start(epoch, n_steps)``, then ``step(running_loss)`` after
    each step, ``stop()`` when the epoch ends (or fails), and ``done(epoch,
    loss)`` once its loss is known.
    """

    def __init__(self, every, epochs):
        self.every, self.epochs = every, epochs

    def shown(self, epoch):
        """True for the epochs that get a line: every ``every``-th and the last."""
        return epoch % self.every == 0 or epoch == self.epochs

    def start(self, epoch, n_steps):
        pass

    def step(self, running_loss):
        pass

    def stop(self):
        pass

    def done(self, epoch, loss):
        pass


class Lines(Reporter):
    """One line ``epoch 100/300  loss 0.00962`` for the epochs shown."""

    def __init__(self, every, epochs, stream):
        super().__init__(every, epochs)
        self.stream = stream

    def done(self, epoch, loss):
        if self.shown(epoch):
            width = len(str(self.epochs))
            print(f"epoch {epoch:>{width}}/{self.epochs}  loss {loss:.6g}", file=self.stream,
                  flush=True)


class Calls(Reporter):
    """``progress(epoch, loss)`` for the epochs shown."""

    def __init__(self, every, epochs, callback):
        super().__init__(every, epochs)
        self.callback = callback

    def done(self, epoch, loss):
        if self.shown(epoch):
            self.callback(epoch, loss)


class Bar(Reporter):
    """A tqdm bar per epoch over its steps, with the running loss after it."""

    def __init__(self, every, epochs, stream):
        super().__init__(every, epochs)
        self.stream = stream
        self.bar = None

    def start(self, epoch, n_steps):
        from tqdm import tqdm
        width = len(str(self.epochs))
        self.bar = tqdm(total=n_steps, desc=f"epoch {epoch:>{width}}/{self.epochs}",
                        unit="step", leave=self.shown(epoch), file=self.stream,
                        dynamic_ncols=True)

    def step(self, running_loss):
        self.bar.set_postfix_str(f"loss {running_loss:#.4g}", refresh=False)
        self.bar.update(1)

    def stop(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _is_terminal(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def _every(n):
    """``every`` as a positive int (a numpy integer too), as train's epochs and batch."""
    return positive_int(n, "train: every")

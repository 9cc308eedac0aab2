"""Blocks that Ctrl-C cannot split: a SIGINT that arrives inside one is held and
delivered when the block ends.  The recording modes enter and leave with it, and
the optimisers and the numpy backend commit a step with it, so an interrupt
finds every one of them either done or not begun."""

import signal
import threading

try:    # what signal.signal and signal.getsignal wrap, the same handlers (ints for SIG_DFL,
    # SIG_IGN) without their enum lookup, which raises and catches a ValueError per call:
    # a block took 9 µs, and zero_grad, no_grad() and every optimiser step enter one
    from _signal import getsignal as _getsignal, signal as _setsignal  # type: ignore[import-not-found]
except ImportError:     # pragma: no cover - an interpreter without CPython's _signal
    from signal import getsignal as _getsignal, signal as _setsignal

__all__ = ["deferred_interrupts"]


class deferred_interrupts:
    """``with deferred_interrupts(): ...``: a block that Ctrl-C cannot split.

    A SIGINT that arrives inside the block is held and delivered (as the
    KeyboardInterrupt the previous handler raises) when the block ends, so a
    commit of new numbers is all done or not begun.  Outside the main thread,
    where Python delivers no signal, it does nothing.
    """

    __slots__ = ("previous", "held")

    def __enter__(self):
        self.held = None
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            previous = _getsignal(signal.SIGINT)
            if previous is not None:      # None: a handler installed from C; left alone
                _setsignal(signal.SIGINT, self._hold)
                self.previous = previous
        return self

    def _hold(self, signum, frame):
        self.held = (signum, frame)

    def __exit__(self, kind, error, traceback):
        previous = self.previous
        if previous is None:
            return False
        _setsignal(signal.SIGINT, previous)
        if self.held is not None and kind is None:
            if callable(previous):
                previous(*self.held)
            elif previous == signal.SIG_DFL:
                raise KeyboardInterrupt
        return False

"""Blocks that Ctrl-C cannot split: a SIGINT that arrives inside one is held and
delivered when the block ends.  The recording modes enter and leave with it, and
the optimisers and the numpy backend commit a step with it, so an interrupt
finds every one of them either done or not begun."""

import signal
import threading

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
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None:      # None: a handler installed from C; left alone
                signal.signal(signal.SIGINT, self._hold)
                self.previous = previous
        return self

    def _hold(self, signum, frame):
        self.held = (signum, frame)

    def __exit__(self, kind, error, traceback):
        previous = self.previous
        if previous is None:
            return False
        signal.signal(signal.SIGINT, previous)
        if self.held is not None and kind is None:
            if callable(previous):
                previous(*self.held)
            elif previous == signal.SIG_DFL:
                raise KeyboardInterrupt
        return False

"""Timing under one rule for every contender.

Each repetition: ``gc.collect()`` (not timed), one untimed call of the same
function, then ``time.perf_counter()`` around one call, as step k+1 of a
training loop follows step k.  The collect clears what other contenders
left; the untimed call puts the caches in the state a training loop keeps
them in and leaves the garbage a training loop leaves.  The timed call pays
for collecting that garbage, as the next step of a loop does: micrograd's
graphs are reference cycles that only the collector frees, so collecting
between the two calls would hide about half of its time per step
(581 ms against 1.14 s measured here); chainrule's graphs are freed by
reference counting, and its times do not change.  The garbage collector
keeps Python's default settings while the call runs, unless a variant asks
for it to be disabled (the cycles that call made are then freed by the next
collect).  Repetitions go round-robin over the contenders, so a burst of
load from elsewhere on the machine hits them all alike.  The result is the
median.

Everything alive before the timing starts (imported modules, PyTorch's many
objects, the contenders' parameters) is moved out of the collector's sight
with ``gc.freeze()``: otherwise every full collection a contender triggers
would also scan whatever the other contenders imported, and the result
would depend on which peers happen to be installed.
"""

import gc
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timed:
    """One row's function to time and what was measured."""

    key: str
    fn: callable
    gc_enabled: bool = True
    times: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.times)


def time_once(fn, gc_enabled=True):
    """Seconds for one ``fn()`` right after an untimed ``fn()``, the heap collected
    before both (a training loop's step k+1, which collects step k's garbage)."""
    gc.collect()
    _call(fn, gc_enabled)
    return _call(fn, gc_enabled)


def _call(fn, gc_enabled):
    """Seconds for ``fn()``, the collector disabled meanwhile unless ``gc_enabled``."""
    was_enabled = gc.isenabled()
    if not gc_enabled:
        gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()


def time_round_robin(entries, repeat, warmup=1):
    """Warm each entry up ``warmup`` times, then time ``repeat`` rounds of one call each."""
    for _ in range(warmup):
        for entry in entries:
            time_once(entry.fn, entry.gc_enabled)
    for _ in range(repeat):
        for entry in entries:
            entry.times.append(time_once(entry.fn, entry.gc_enabled))
    gc.collect()
    return entries


@contextmanager
def frozen_heap():
    """``gc.freeze()`` what is alive now for the duration (thresholds unchanged)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

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
reference counting, and its times do not change.  A call shorter than
:data:`SHORTEST` (a step of a few hundred microseconds) is timed as a run
of consecutive calls, steps k+1 to k+n of the loop, and the time per call
reported: a single call that short is mostly the caches' state after the
collect and the timer's own resolution, which a training loop does not
pay on every step.  The garbage collector
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
import math
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
    calls: int = 1           # consecutive calls in one timed run (time per call kept)

    @property
    def median(self):
        return statistics.median(self.times)


#: calls shorter than this are timed as runs of consecutive calls (see the module)
SHORTEST = 0.005


def time_once(fn, gc_enabled=True, calls=1):
    """Seconds per ``fn()`` over ``calls`` consecutive calls right after an untimed
    ``fn()``, the heap collected before them (a training loop's steps k+1 ...
    k+calls, each collecting its predecessor's garbage)."""
    gc.collect()
    _call(fn, gc_enabled, 1)
    return _call(fn, gc_enabled, calls) / calls


def calls_for(fn, gc_enabled=True, cap=100):
    """How many consecutive calls of ``fn`` make a run of at least :data:`SHORTEST`
    seconds (1 for a call that long; at most ``cap``)."""
    once = time_once(fn, gc_enabled)
    return max(1, min(cap, math.ceil(SHORTEST / max(once, 1e-9))))


def _call(fn, gc_enabled, calls):
    """Seconds for ``calls`` consecutive ``fn()``, the collector disabled meanwhile
    unless ``gc_enabled``."""
    was_enabled = gc.isenabled()
    if not gc_enabled:
        gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        return time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()


def time_round_robin(entries, repeat, warmup=1):
    """Warm each entry up ``warmup`` times, then time ``repeat`` rounds of one run
    each (``entry.calls`` consecutive calls)."""
    for _ in range(warmup):
        for entry in entries:
            time_once(entry.fn, entry.gc_enabled)
    for _ in range(repeat):
        for entry in entries:
            entry.times.append(time_once(entry.fn, entry.gc_enabled, entry.calls))
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

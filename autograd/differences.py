"""Central finite differences, with their own error, and gradcheck.

The independent witness of every gradient: nudge x to x ± h, re-evaluate the
graph, and take

    D(h) = (f(x+h) - f(x-h)) / 2h  =  f'(x) + f'''(x) h²/6 + ...

:func:`estimate` also computes D(2h).  Their difference, D(2h) - D(h) ≈ 3·f'''h²/6,
measures the truncation error and the rounding noise of D(h), which grows like
ε·m/h for the largest number m the graph computes along the way; :class:`Estimate`
holds D(h) and that error, so "the finite difference backs the engine" means the
engine lies within it.

:func:`gradcheck` is PyTorch's gradcheck for scalar Values: the engine's
gradient against central finite differences for every input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import SupportsFloat

from . import graph
from .explain import engine_gradients
from .notation import Labels, Namer, TextNotation, number
from .floats import listlike, short_repr
from .value import Value, as_float

__all__ = ["downstream", "reevaluate", "finite_difference", "estimate", "Estimate",
           "gradcheck", "GradcheckReport", "GradcheckEntry", "GradcheckError"]

#: the rounding noise of one evaluation of the graph, in units of ε·|f| (a margin
#: for the roundings a deep graph accumulates)
NOISE_ULPS = 16


def downstream(root, wrt):
    """The derived nodes below root that depend on wrt, parents first."""
    touched = {wrt}
    out = []
    for node in graph.topological_order(root):
        if node is not wrt and any(p in touched for p in node._prev):
            touched.add(node)
            out.append(node)
    return out


def reevaluate(root, wrt, x, nodes):
    """root's number with ``wrt.data = x``, recomputing ``nodes`` (from :func:`downstream`).
    The caller restores the data."""
    wrt.data = x
    for node in nodes:
        op = node._opr
        try:
            node.data = op.forward(*[p.data for p in node._prev])
        except (ArithmeticError, ValueError) as err:
            raise op.error(err, node._prev) from None
    return root.data


def _root_at(root, wrt, points):
    """(root's number at ``wrt.data = x`` for each x in points, the largest |data|
    of the nodes recomputed); every node's data is put back exactly, whatever
    happens."""
    nodes = downstream(root, wrt)
    saved = [(node, node.data) for node in nodes] + [(wrt, wrt.data)]
    largest = max((abs(data) for _, data in saved), default=0.0)
    try:
        return [reevaluate(root, wrt, x, nodes) for x in points], largest
    finally:
        for node, data in saved:
            node.data = data


def _step(x, eps):
    return eps * max(1.0, abs(x))


def _unmoved(x, eps):
    """Why the step h = eps·max(1, |x|) cannot difference at x, when x ± h are the same
    float (eps=1e-17 at 0.5); None when they differ."""
    h = _step(x, eps)
    if (x + h) - (x - h) != 0.0:
        return None
    return (f"eps={eps!r} does not move {x!r}: x + h and x - h are the same float (floats "
            f"there are {math.ulp(x):.2g} apart); use a larger eps such as 1e-6")


def finite_difference(root, wrt, eps=1e-6):
    """(root(x+h) - root(x-h)) / 2h with x = wrt.data and h = eps·max(1, |x|).

    Re-evaluates the graph in place and restores every node's data exactly.
    """
    x = wrt.data
    h = _step(x, eps)
    unmoved = _unmoved(x, eps)
    if unmoved:
        raise ValueError(f"finite_difference: {unmoved}")
    (plus, minus), _ = _root_at(root, wrt, (x + h, x - h))
    return (plus - minus) / ((x + h) - (x - h))


class Estimate:
    """A central finite difference D(h) and its own error.

    value   D(h);  step  h;  coarse  D(2h)
    error   |D(2h) - D(h)| + the rounding noise NOISE_ULPS·ε·m/h, m the largest
            number the re-evaluation computes (a root that is a small difference of
            large numbers carries their rounding)
    note    why there is no estimate (value and error are nan), else ""
    """

    def __init__(self, value, step, coarse=math.nan, error=math.nan, note=""):
        self.value, self.step, self.coarse, self.error, self.note = value, step, coarse, error, note

    @property
    def finite(self):
        return math.isfinite(self.value) and math.isfinite(self.error)

    def backs(self, x):
        """Whether x lies within the estimate's error: |x - D(h)| <= error."""
        return self.finite and math.isfinite(x) and abs(x - self.value) <= self.error

    def __repr__(self):
        return f"<Estimate {self.value!r} ± {self.error:.2g} (h = {self.step:.2g})>"


def estimate(root, wrt, eps=1e-6):
    """D(h) for ∂root/∂wrt with its error from a second step 2h (see the module).

    Never raises for a graph that cannot be evaluated near wrt: the Estimate is
    nan with a ``note`` saying why.  Every node's data is restored exactly.
    """
    x = wrt.data
    h = _step(x, eps)
    unmoved = _unmoved(x, eps)
    if unmoved:
        return Estimate(math.nan, h, note=unmoved)
    points = (x + h, x - h, x + 2 * h, x - 2 * h)
    try:
        (f1, f2, f3, f4), largest = _root_at(root, wrt, points)
    except (ArithmeticError, ValueError) as err:
        return Estimate(math.nan, h, note=f"the graph cannot be re-evaluated near "
                                          f"{wrt.data!r} ({err})")
    fine = (f1 - f2) / ((x + h) - (x - h))
    coarse = (f3 - f4) / ((x + 2 * h) - (x - 2 * h))
    noise = NOISE_ULPS * 2.0 ** -52 * max(largest, abs(f1), abs(f2), abs(f3), abs(f4)) / h
    found = Estimate(fine, h, coarse, abs(coarse - fine) + noise)
    if not found.finite:
        found.note = f"the graph's numbers near {x!r} are not all finite"
    return found


# ---------------------------------------------------------------------------
# gradcheck()
# ---------------------------------------------------------------------------

class GradcheckError(AssertionError):
    """gradcheck() found an input whose engine gradient disagrees with finite differences."""

    def __init__(self, report):
        super().__init__(str(report))
        self.report = report


class GradcheckEntry:
    """One input: the engine's ∂f/∂x against the central difference."""

    __slots__ = ("index", "name", "value", "analytic", "numeric", "error", "allowed")

    def __init__(self, index, name, value, analytic, numeric, atol, rtol):
        self.index, self.name, self.value = index, name, value
        self.analytic, self.numeric = analytic, numeric
        self.error = abs(analytic - numeric)
        self.allowed = atol + rtol * abs(numeric)

    @property
    def ok(self):
        return self.error <= self.allowed

    def __str__(self):
        return (f"input {self.index} ({self.name} = {number(self.value, 6)}): engine "
                f"{number(self.analytic, 10)}, finite difference {number(self.numeric, 10)}, "
                f"|difference| {number(self.error, 3)} (allowed {number(self.allowed, 3)})")


class GradcheckReport:
    """All entries of a gradcheck; ``bool(report)`` is whether every input passed."""

    def __init__(self, entries, eps, atol, rtol):
        self.entries, self.eps, self.atol, self.rtol = entries, eps, atol, rtol

    @property
    def ok(self):
        return all(e.ok for e in self.entries)

    @property
    def worst(self):
        """The entry furthest outside (or closest to) its allowed difference."""
        return max(self.entries, key=lambda e: e.error / e.allowed if e.allowed else math.inf,
                   default=None)

    def __bool__(self):
        return self.ok

    def __str__(self):
        n = len(self.entries)
        if self.ok:
            return (f"gradcheck passed: {n} input(s), engine and central differences "
                    f"(eps {number(self.eps)}) agree within atol {number(self.atol)} + "
                    f"rtol {number(self.rtol)}·|fd|")
        bad = [e for e in self.entries if not e.ok]
        return (f"gradcheck failed for {len(bad)} of {n} input(s); the worst is "
                f"{self.worst}. Failing: {', '.join(e.name for e in bad)}.")


#: gradcheck's inputs: a Value, or a list of Values and numbers (numbers become leaves x1, x2, ...)
Inputs = Value | Iterable[Value | SupportsFloat]


def _as_inputs(inputs: Inputs) -> list[Value]:
    if isinstance(inputs, Value):
        return [inputs]
    if not listlike(inputs):
        raise TypeError(f"gradcheck: inputs must be a Value or a list of Values/numbers, got "
                        f"{type(inputs).__name__} {inputs!r}")
    out: list[Value] = []
    for i, x in enumerate(inputs, 1):
        out.append(x if isinstance(x, Value) else Value(as_float(x, f"gradcheck input {i}"),
                                                        name=f"x{i}"))
    if not out:
        raise ValueError("gradcheck: needs at least one input")
    return out


def _call(fn, inputs, where):
    try:
        out = fn(*inputs)
    except Exception as err:
        raise ValueError(f"gradcheck: fn raised {type(err).__name__} {where}: {err}") from err
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value (one scalar node), got "
                        f"{type(out).__name__} {out!r}")
    return out


def gradcheck(fn: Callable[..., Value], inputs: Inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, *,
              raise_exception: bool = True) -> GradcheckReport:
    """Engine gradients of ``fn(*inputs)`` against central finite differences.

    Each input x is nudged to x ± h (h = eps·max(1, |x|)) and fn is called again;
    the check is |engine - numeric| <= atol + rtol·|numeric| for every input, as
    in PyTorch.  Returns a :class:`GradcheckReport`; on failure raises
    :class:`GradcheckError` naming the worst input unless ``raise_exception=False``.
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__} {short_repr(fn)}")
    inputs = _as_inputs(inputs)
    out = _call(fn, inputs, "at the given inputs")
    namer = Namer(TextNotation(), Labels(out))   # an unnamed input as the steps of out call it
    grads = engine_gradients(out)
    entries = []
    for i, x in enumerate(inputs, 1):
        saved = x.data
        h = _step(saved, eps)
        unmoved = _unmoved(saved, eps)
        if unmoved:
            raise ValueError(f"gradcheck: input {i} ({namer.text(x)}): {unmoved}")
        try:
            x.data = saved + h
            plus = _call(fn, inputs, f"at {namer.text(x)} = {x.data!r}").data
            x.data = saved - h
            minus = _call(fn, inputs, f"at {namer.text(x)} = {x.data!r}").data
        finally:
            x.data = saved
        numeric = (plus - minus) / ((saved + h) - (saved - h))
        entries.append(GradcheckEntry(i, namer.text(x), saved, grads.get(x, 0.0), numeric,
                                      atol, rtol))
    report = GradcheckReport(entries, eps, atol, rtol)
    if not report.ok and raise_exception:
        raise GradcheckError(report)
    return report

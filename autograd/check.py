"""Check a hand-derived gradient, diagnose what it got wrong, and gradcheck.

:func:`check` compares a learner's value of ∂root/∂wrt with the engine's and
with a central finite difference, ``(f(x+h) - f(x-h)) / 2h``, got by
re-evaluating the graph with ``wrt.data`` nudged.  When the hand value is
wrong it searches the chain-rule paths (see :mod:`autograd.explain`) for the
smallest mistake that reproduces it: a sign flip, a whole path left out, one
term of a sum over samples, or a few local-derivative factors left out of
every path.

:func:`gradcheck` is PyTorch's gradcheck for scalar Values: the engine's
gradient against central finite differences for every input.
"""

import math
from itertools import combinations

from . import engine, ops
from .explain import DEFAULT_LIMIT, engine_gradients, explain
from .notation import Namer, TextNotation, number
from .value import Value, as_float

__all__ = ["check", "Verdict", "Diagnosis", "diagnose", "finite_difference", "FORWARD",
           "gradcheck", "GradcheckReport", "GradcheckError"]

#: at most this many (subset × path) products are tried per search
SEARCH_BUDGET = 300_000
#: at most this many factors are left out of a path in one guess
MOST_FACTORS = 3
#: the finite difference must agree with the engine to this relative tolerance
FD_RTOL = 1e-4


#: op name -> its forward on floats (from the op records; what re-evaluation calls)
FORWARD = {name: op.forward for name, op in ops.OPS.items() if not op.is_leaf}


def downstream(root, wrt):
    """The derived nodes below root that depend on wrt, parents first."""
    touched = {wrt}
    out = []
    for node in engine.topological_order(root):
        if node is not wrt and any(p in touched for p in node._prev):
            touched.add(node)
            out.append(node)
    return out


def reevaluate(root, wrt, x, nodes):
    """root's number with ``wrt.data = x``, recomputing ``nodes`` (from :func:`downstream`).
    The caller restores the data."""
    wrt.data = x
    for node in nodes:
        op = node._op
        try:
            node.data = op.forward(*[p.data for p in node._prev])
        except (ArithmeticError, ValueError) as err:
            raise op.error(err, node._prev) from None
    return root.data


def finite_difference(root, wrt, eps=1e-6):
    """(root(x+h) - root(x-h)) / 2h with x = wrt.data and h = eps·max(1, |x|).

    Re-evaluates the graph in place and restores every node's data exactly.
    """
    nodes = downstream(root, wrt)
    saved = [(node, node.data) for node in nodes] + [(wrt, wrt.data)]
    x = wrt.data
    h = eps * max(1.0, abs(x))
    try:
        plus = reevaluate(root, wrt, x + h, nodes)
        minus = reevaluate(root, wrt, x - h, nodes)
    finally:
        for node, data in saved:
            node.data = data
    return (plus - minus) / ((x + h) - (x - h))


# ---------------------------------------------------------------------------
# Diagnosis: the smallest mistake that reproduces the expected value
# ---------------------------------------------------------------------------

class Diagnosis:
    """What a wrong hand value most likely left out.

    kind      "sign flip", "missing path", "only one path", "one term of a sum",
              "missing factors" or None (nothing small explains it)
    message   one or two sentences naming it
    paths     [(path number, Path)] involved (missing or kept)
    factors   [(path number, Path, [Factor])] left out, root side first
    """

    def __init__(self, kind, message, paths=(), factors=(), term=None):
        self.kind = kind
        self.message = message
        self.paths = list(paths)
        self.factors = list(factors)
        self.term = term

    def __bool__(self):
        return self.kind is not None

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"Diagnosis({self.kind!r}: {self.message!r})"


def factor_name(factor):
    """How a factor is called in a diagnosis: ``w4``, ``h1(1-h1)``, or ``∂L/∂u = 0.5``."""
    if factor.rule.symbol is None:
        return f"{factor.partial} = {number(factor.value)}"
    return factor.formula


def diagnose(explanation, expected, close):
    """The smallest explanation of ``expected`` (``close(v)`` says v matches it)."""
    total = explanation.total
    where = f"{explanation.derivative}"
    if total != 0.0 and close(-total):
        return _sign_flip(explanation)
    if explanation.grouped:
        found = _one_term(explanation, close)
        if found:
            return found
        return Diagnosis(None, (
            f"{where} has {explanation.path_count:,} paths, too many to search for left-out "
            f"factors; it is not a sign flip or a single term of a sum."))
    paths = explanation.paths
    for search in (_one_term, _missing_path, _only_one_path, _factors_everywhere,
                   _factors_on_one_path):
        found = search(explanation, close)
        if found:
            return found
    return Diagnosis(None, (
        f"No small mistake reproduces your value: it is not a sign flip, a missing path, "
        f"one term of a sum, or up to {MOST_FACTORS} factors left out of every path. "
        f"print(verdict.explanation) lists all {len(paths)} path(s) to compare with your "
        f"derivation."))


def _sign_flip(explanation):
    negative = None
    if not explanation.grouped:
        negative = next((f for p in explanation.paths for f in p.factors
                         if f.rule.coefficient < 0), None)
    hint = (f"; check {negative.partial} = {negative.formula}, the most likely culprit"
            if negative is not None else "")
    return Diagnosis("sign flip", (
        f"Your value is the engine's with the sign flipped: one factor has the wrong "
        f"sign (often an error written y-y' where the derivative needs y'-y){hint}."))


def _describe_path(number, path):
    return f"path {number} ({path.route()})"


def _missing_path(explanation, close):
    paths, total = explanation.paths, explanation.total
    if len(paths) < 2:
        return None
    for k, path in enumerate(paths, 1):
        if close(total - path.product):
            return Diagnosis("missing path", (
                f"A path is missing: {explanation.name_of(explanation.wrt)} reaches "
                f"{explanation.name_of(explanation.root)} along {len(paths)} paths, and your "
                f"value is the sum of all but {_describe_path(k, path)}, whose product "
                f"{path.formula()} = {number(path.product, 6)} is left out. The chain rule adds "
                f"every path."), paths=[(k, path)])
    return None


def _only_one_path(explanation, close):
    paths = explanation.paths
    if len(paths) < 3:
        return None  # with two paths this is the missing-path case
    for k, path in enumerate(paths, 1):
        if close(path.product):
            return Diagnosis("only one path", (
                f"Your value counts only {_describe_path(k, path)} = {number(path.product, 6)}; "
                f"the other {len(paths) - 1} paths are missing. The chain rule adds every "
                f"path."), paths=[(k, path)])
    return None


def sum_terms(root):
    """(scale, sum node, terms) when root = scale · Σ_i term_i, else None.

    Walks down through multiplications and divisions by constants (½, 1/m)
    to an n-ary Σ node or a chain of unnamed +.
    """
    node, scale = root, 1.0
    while True:
        op, parents = node._op, node._prev
        if op is ops.MUL and parents[0]._op is ops.CONSTANT:
            scale, node = scale * parents[0].data, parents[1]
        elif op is ops.MUL and parents[1]._op is ops.CONSTANT:
            scale, node = scale * parents[1].data, parents[0]
        elif op is ops.DIV and parents[1]._op is ops.CONSTANT:
            scale, node = scale / parents[1].data, parents[0]
        elif op is ops.NEG:
            scale, node = -scale, parents[0]
        else:
            break
    if node._op is ops.SUM:
        terms = list(node._prev)
    elif node._op is ops.ADD:
        terms, pending = [], [node]
        while pending:
            n = pending.pop()
            if n._op is ops.ADD and (n is node or not n.name):
                pending.extend(reversed(n._prev))
            else:
                terms.append(n)
    else:
        return None
    return (scale, node, terms) if len(terms) >= 2 else None


def gradient_of(top, wrt, cache=None):
    """∂top/∂wrt by the ops' rules (touches no grad, calls no hook)."""
    return engine.gradients(top).get(wrt, 0.0)


def _one_term(explanation, close):
    found = sum_terms(explanation.root)
    if found is None:
        return None
    scale, total_node, terms = found
    if len(terms) > 1000:
        return None
    cache = {}
    namer = explanation._namer
    for i, term in enumerate(terms, 1):
        g = gradient_of(term, explanation.wrt, cache)
        if g == 0.0:
            continue
        m = len(terms)
        for value, how in ((scale * g, f", times the scale {number(scale)}"), (g, ""),
                           (scale * m * g, f", times {number(scale)}·{m} as if it were the "
                                           f"whole loss")):
            if close(value):
                return Diagnosis("one term of a sum", (
                    f"A sum over samples is missing: your value is the gradient of term "
                    f"{i} of {len(terms)} alone ({namer.text(term)}, ∂/∂"
                    f"{namer.text(explanation.wrt)} = {number(g, 6)}{how}). "
                    f"{namer.text(explanation.root)} adds {len(terms)} terms (one per "
                    f"sample), so its gradient is the sum of the per-term gradients."),
                    term=(i, term, g))
    return None


def _sizes(candidates, paths):
    """The subset sizes 1..MOST_FACTORS that fit the search budget."""
    for size in range(1, MOST_FACTORS + 1):
        if math.comb(candidates, size) * paths > SEARCH_BUDGET:
            return
        yield size


def _without(path, positions):
    """The path's product with the factors at ``positions`` left out."""
    omitted = math.prod(path.factors[i].value for i in positions)
    if omitted != 0.0 and math.isfinite(omitted):
        return path.product / omitted
    return math.prod(f.value for i, f in enumerate(path.factors) if i not in positions)


def _factors_everywhere(explanation, close):
    """The same factor positions (counted from the root) left out of every path."""
    paths = explanation.paths
    shortest = min(len(p) for p in paths)
    candidates = [j for j in range(shortest)
                  if any(p.factors[len(p) - 1 - j].value != 1.0 for p in paths)]
    for size in _sizes(len(candidates), len(paths)):
        for chosen in combinations(candidates, size):
            picks = [[len(p) - 1 - j for j in chosen] for p in paths]
            if close(math.fsum(_without(p, at) for p, at in zip(paths, picks))):
                left_out = [(k, p, [p.factors[i] for i in sorted(at, reverse=True)])
                            for k, (p, at) in enumerate(zip(paths, picks), 1)]
                return Diagnosis("missing factors", _factors_message(explanation, left_out),
                                 factors=left_out)
    return None


def _factors_on_one_path(explanation, close):
    """A few factors left out of one path only."""
    paths, total = explanation.paths, explanation.total
    if len(paths) < 2:
        return None
    for k, path in enumerate(paths, 1):
        candidates = [i for i, f in enumerate(path.factors) if f.value != 1.0]
        for size in _sizes(len(candidates), 1):
            if size > 2:
                break
            for at in combinations(candidates, size):
                if close(total - path.product + _without(path, at)):
                    left_out = [(k, path, [path.factors[i] for i in reversed(at)])]
                    return Diagnosis("missing factors",
                                     _factors_message(explanation, left_out), factors=left_out)
    return None


def _factors_message(explanation, left_out):
    """``the factors w4·w2 on path 1 (...) and w5·w3 on path 2 (...), each 0.25``."""
    products = [math.prod(f.value for f in fs) for _, _, fs in left_out]
    same = all(math.isclose(p, products[0], rel_tol=1e-12) for p in products)
    parts = []
    for (k, path, fs), value in zip(left_out, products):
        names = "·".join(factor_name(f) for f in fs)
        part = f"{names} on {_describe_path(k, path)}"
        if not same:
            part += f" = {number(value, 6)}"
        parts.append(part)
    listing = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if same:
        listing += f", {'each ' if len(parts) > 1 else ''}{number(products[0], 6)}"
    count = sum(len(fs) for _, _, fs in left_out)
    edges = "; ".join(dict.fromkeys(path.factor_text(path.factors.index(f))
                                    for _, path, fs in left_out for f in fs))
    return (f"Factors are missing: your value is the chain rule with "
            f"{'these factors' if count > 1 else 'this factor'} left out: {listing} "
            f"({edges}). Multiply every local derivative along each path.")


# ---------------------------------------------------------------------------
# check()
# ---------------------------------------------------------------------------

class Verdict:
    """The result of :func:`check`.  ``bool(verdict)`` is whether it agreed.

    agreed, expected, engine, finite_difference, ratio (expected/engine),
    rtol, atol, tolerance (the absolute difference allowed), step (h),
    fd_agrees (finite difference vs engine), diagnosis, explanation
    """

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __bool__(self):
        return self.agreed

    def __str__(self):
        d = self.explanation.derivative
        tol = f"tolerance: relative {number(self.rtol)}, absolute {number(self.atol)}"
        if self.agreed:
            head = (f"Your {d} = {number(self.expected, 12)} agrees with the engine's "
                    f"{number(self.engine, 12)} (ratio {number(self.ratio, 12)}; {tol}).")
        else:
            head = (f"Your {d} = {number(self.expected, 12)} does not agree with the engine's "
                    f"{number(self.engine, 12)}: the ratio expected/engine is {number(self.ratio, 6)} "
                    f"({tol}).")
        sentences = [head, self._fd_sentence()]
        if not self.agreed:
            if self.expected_matches_fd:
                sentences.append("Your value matches the finite difference, not the engine: "
                                 "suspect a derivative rule, not your derivation.")
            if self.diagnosis is not None:
                sentences.append(self.diagnosis.message)
        return " ".join(sentences)

    def _fd_sentence(self):
        if not math.isfinite(self.finite_difference):
            return f"No finite-difference estimate: {self.fd_note}."
        fd = f"A central finite difference (h = {number(self.step, 2)}) gives {number(self.finite_difference, 10)}"
        if self.fd_agrees:
            return fd + ", which backs the engine."
        return (fd + ", which does NOT agree with the engine: a derivative rule may be "
                "wrong, or the function has a kink at this point.")

    def _repr_html_(self):
        """Jupyter: agrees / does not agree, then the verdict's sentences."""
        from .notebook import verdict_html
        return verdict_html(self)

    def __repr__(self):
        return (f"<Verdict {'agreed' if self.agreed else 'disagreed'}: expected "
                f"{self.expected!r}, engine {self.engine!r}>")


def _expected_number(expected):
    if callable(expected) and not isinstance(expected, Value):
        result = expected()
        try:
            return as_float(result)
        except TypeError:
            raise TypeError(f"check: expected() must return a number, got "
                            f"{type(result).__name__} {result!r}") from None
    try:
        return as_float(expected)
    except TypeError:
        raise TypeError(f"check: expected must be a number or a function of no arguments "
                        f"returning one, got {type(expected).__name__} {expected!r}") from None


def _ratio(a, b):
    if b != 0.0:
        return a / b
    return math.nan if a == 0.0 else math.copysign(math.inf, a)


def typed_precision(number):
    """The relative rounding of a number as written: 0.005717 (4 digits) -> 6e-4.

    Counted from its shortest repr; capped at 5e-3, so a value written with
    one or two digits is not matched loosely.
    """
    mantissa = repr(float(number)).lstrip("-").split("e")[0].replace(".", "").strip("0")
    digits = max(1, len(mantissa))
    return min(5e-3, 0.6 * 10.0 ** (1 - digits))


def check(root, wrt, expected, *, rtol=1e-6, atol=1e-12, eps=1e-6, limit=DEFAULT_LIMIT):
    """Compare a hand-derived ∂root/∂wrt with the engine's; diagnose a mismatch.

    ``expected`` is a number or a function of no arguments returning one (it can
    read the Values' ``data``).  Agreement is ``math.isclose(expected, engine,
    rel_tol=rtol, abs_tol=atol)``.  Returns a :class:`Verdict`.
    """
    explanation = explain(root, wrt, limit=limit)
    wrt = explanation.wrt
    value = _expected_number(expected)
    grad = explanation.engine

    def close(v):
        return math.isclose(v, value, rel_tol=rtol, abs_tol=atol)

    step = eps * max(1.0, abs(wrt.data))
    fd_note = ""
    try:
        fd = finite_difference(root, wrt, eps)
    except (ArithmeticError, ValueError) as err:
        fd, fd_note = math.nan, f"the graph cannot be re-evaluated near {wrt.data!r} ({err})"
    fd_atol = 1e-7 * max(1.0, abs(root.data))
    fd_agrees = math.isclose(fd, grad, rel_tol=FD_RTOL, abs_tol=fd_atol)
    agreed = close(grad)
    # a value typed with few digits (0.005717) is matched by the diagnosis to
    # the precision it was typed with, not to rtol
    diagnosis_rtol = rtol if callable(expected) else max(rtol, typed_precision(value))

    def close_as_typed(v):
        return math.isclose(v, value, rel_tol=diagnosis_rtol, abs_tol=atol)

    return Verdict(
        agreed=agreed, expected=value, engine=grad, finite_difference=fd, fd_note=fd_note,
        fd_agrees=fd_agrees, step=step, ratio=_ratio(value, grad), rtol=rtol, atol=atol,
        tolerance=max(rtol * max(abs(value), abs(grad)), atol),
        expected_matches_fd=math.isclose(value, fd, rel_tol=FD_RTOL, abs_tol=fd_atol),
        diagnosis=None if agreed else diagnose(explanation, value, close_as_typed),
        explanation=explanation)


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
        return (f"input {self.index} ({self.name} = {number(self.value, 6)}): engine {number(self.analytic, 10)}, "
                f"finite difference {number(self.numeric, 10)}, |difference| {number(self.error, 3)} "
                f"(allowed {number(self.allowed, 3)})")


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
                    f"(eps {number(self.eps)}) agree within atol {number(self.atol)} + rtol {number(self.rtol)}·|fd|")
        bad = [e for e in self.entries if not e.ok]
        return (f"gradcheck failed for {len(bad)} of {n} input(s); the worst is "
                f"{self.worst}. Failing: {', '.join(e.name for e in bad)}.")


def _as_inputs(inputs):
    if isinstance(inputs, Value):
        return [inputs]
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
        raise TypeError(f"gradcheck: inputs must be a Value or a list of Values/numbers, got "
                        f"{type(inputs).__name__} {inputs!r}")
    out = []
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


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, *, raise_exception=True):
    """Engine gradients of ``fn(*inputs)`` against central finite differences.

    Each input x is nudged to x ± h (h = eps·max(1, |x|)) and fn is called again;
    the check is |engine - numeric| <= atol + rtol·|numeric| for every input, as
    in PyTorch.  Returns a :class:`GradcheckReport`; on failure raises
    :class:`GradcheckError` naming the worst input unless ``raise_exception=False``.
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__} {fn!r}")
    inputs = _as_inputs(inputs)
    namer = Namer(TextNotation())
    out = _call(fn, inputs, "at the given inputs")
    grads = engine_gradients(out)
    entries = []
    for i, x in enumerate(inputs, 1):
        saved = x.data
        h = eps * max(1.0, abs(saved))
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

"""Reverse-mode differentiation: topological order, backward(), backward_steps().

backward() visits the derived nodes so that every node comes after all the
nodes computed from it, and at each node applies the chain rule

    parent.grad += ∂node/∂parent · node.grad

through the op's named rule in :mod:`autograd.ops`.  Nothing here recurses,
so a chain of a million nodes is as fine as a chain of ten.
"""

import gc
from itertools import chain, filterfalse
from math import isfinite
from operator import attrgetter

from . import modes, ops

__all__ = ["topological_order", "backward", "backward_steps", "Step"]

_parents_of = attrgetter("_prev")


def topological_order(root):
    """The derived (non-leaf) nodes that ``root`` depends on, parents first.

    Iterative depth-first search; each node appears once, after every derived
    node it was computed from.  Leaves are left out: backward has nothing to
    do at a leaf.
    """
    if not root._prev:
        return []
    order = []
    seen = {root}
    unseen = seen.__contains__
    # Each stack entry is a node and an iterator over its derived parents not
    # yet seen (the filtering runs in C).  A node is emitted once that
    # iterator is exhausted, i.e. after all of its parents.
    stack = [(root, filterfalse(unseen, filter(_parents_of, root._prev)))]
    push, pop, emit, mark = stack.append, stack.pop, order.append, seen.add
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            mark(parent)
            push((parent, filterfalse(unseen, filter(_parents_of, parent._prev))))
            break
        else:
            pop()
            emit(node)
    return order


def backward(root, grad=1.0, *, breakpoint_at=None):
    """Accumulate d(root)/d(node) into ``node.grad`` for every node below ``root``.

    Derived nodes are reset to 0 first, so their ``grad`` is this pass's
    gradient; leaves accumulate across passes, as in PyTorch.
    ``breakpoint_at`` (a name, a Value or a list of them) calls the built-in
    ``breakpoint()`` when that node's gradient is complete.
    """
    grad = _seed(root, grad)
    if breakpoint_at is not None or _hooks or modes.anomaly_enabled():
        for _ in _walk(root, grad, _resolve_targets(root, breakpoint_at)):
            pass
        return
    with _no_cycle_collection():
        _backward_fast(root, grad)


def _backward_fast(root, grad):
    """backward() without hooks, breakpoints or anomaly checks."""
    order = topological_order(root)
    if not order:
        root.grad += grad
        return
    # Each leaf sums this pass's contributions from 0 and adds the sum to
    # what it held once at the end, so two passes give exactly twice one.
    saved = _take_leaf_grads(order)
    for node in order:
        node.grad = 0.0
    root.grad = grad
    for node in reversed(order):
        contributions = node._op.backward(node, node.grad)
        for parent, contribution in zip(node._prev, contributions):
            parent.grad += contribution
    for leaf, before in saved:
        leaf.grad = before + leaf.grad


class _no_cycle_collection:
    """Pause Python's cyclic garbage collector for the duration of a pass.

    A backward pass allocates only floats, tuples and iterators that
    reference counting frees; it creates no reference cycles.  Yet its
    allocations (three per node on the search stack) trigger collections
    that walk the whole graph again and again: on a million-node chain
    they were about half the time.  The collector's state is restored on
    exit, exceptions included.
    """

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()
        return False


def leaves_of(order):
    """The leaves that the derived nodes in ``order`` were computed from."""
    return set(filterfalse(_parents_of, chain.from_iterable(map(_parents_of, order))))


def _take_leaf_grads(order):
    """Set the leaves' grads to 0 for a pass; return ``[(leaf, grad before)]``."""
    saved = [(leaf, leaf.grad) for leaf in leaves_of(order)]
    for leaf, _ in saved:
        leaf.grad = 0.0
    return saved


def backward_steps(root, grad=1.0):
    """backward() one node at a time: yields a :class:`Step` per derived node.

    The order is exactly backward()'s and the arithmetic is the same, so
    consuming the generator fully leaves the same grads as backward().
    """
    grad = _seed(root, grad)
    yield from _walk(root, grad, {})


def _seed(root, grad):
    """The seed gradient as a float; TypeError naming what was wrong."""
    from .value import as_float  # value imports engine: import at call time
    if not hasattr(root, "_prev"):
        raise TypeError(f"backward: expected a Value, got {type(root).__name__}")
    return as_float(grad, "backward: grad")


# ---------------------------------------------------------------------------
# The step-by-step pass (also used for hooks, breakpoints and anomaly mode)
# ---------------------------------------------------------------------------

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
             "eighth", "ninth", "tenth")


def ordinal(n):
    """1 -> 'first', 2 -> 'second', ..., 11 -> '11th'."""
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"{n}th"


def label(node):
    """How a node is called in steps, errors and explanations."""
    if node.name:
        return node.name
    if node._op is ops.CONSTANT:
        return f"{node.data:g}"
    if node._op.backward is None:
        return f"<leaf {node.data:.4g}>"
    return f"<{node._op.name} {node.data:.4g}>"


class Contribution:
    """What one edge of a Step did: ``parent.grad += local * upstream``."""

    __slots__ = ("parent", "index", "local", "contribution", "grad_after", "nth")

    def __init__(self, parent, index, local, contribution, grad_after, nth):
        self.parent = parent              # the parent node
        self.index = index                # its position in node.parents
        self.local = local                # ∂node/∂parent
        self.contribution = contribution  # local * upstream
        self.grad_after = grad_after      # parent.grad after adding it
        self.nth = nth                    # 1 for the first contribution this pass, 2 ...

    def __repr__(self):
        return (f"Contribution(parent={label(self.parent)!r}, local={self.local!r}, "
                f"contribution={self.contribution!r}, grad_after={self.grad_after!r})")


class Step:
    """One node of the backward pass: its upstream gradient and what it sends on.

    node       the node whose rule is applied
    op         its op record
    upstream   d(root)/d(node), complete at this moment
    edges      one :class:`Contribution` per parent, in ``node.parents`` order
    index      0 for the first step, ``total - 1`` for the last
    """

    __slots__ = ("node", "op", "upstream", "edges", "index", "total")

    def __init__(self, node, upstream, edges, index, total):
        self.node = node
        self.op = node._op
        self.upstream = upstream
        self.edges = edges
        self.index = index
        self.total = total

    def lines(self):
        """The chain rule written out, one line per parent that is not a constant:

        ``h.grad += w2 * net2.grad = -0.7 * 0.0213 = -0.01491  (h.grad now -0.01491)``

        (``edges`` still holds every parent, constants included.)
        """
        out = label(self.node)
        up = _num(self.upstream)
        rows = []
        for e in self.edges:
            if e.parent._op is ops.CONSTANT:
                continue
            name = label(e.parent)
            rule = ops.rule_text(self.node, e.index, label)
            line = (f"{name}.grad += {rule} * {out}.grad = {_num(e.local)} * {up}"
                    f" = {_num(e.contribution)}  ")
            if e.nth == 1:
                line += f"({name}.grad now {_num(e.grad_after)})"
            else:  # fan-in: the parent is used by several nodes, the contributions add up
                sign = "-" if e.contribution < 0 else "+"
                line += (f"({ordinal(e.nth)} contribution to {name}: {name}.grad now "
                         f"{_num(e.grad_after - e.contribution)} {sign} {_num(abs(e.contribution))}"
                         f" = {_num(e.grad_after)})")
            rows.append(line)
        return rows

    def __str__(self):
        """``step 6/7: h = σ(net1) = 0.5987, h.grad = -0.01491 (complete)`` and the lines."""
        name = label(self.node)
        head = (f"step {self.index + 1}/{self.total}: {name} = {formula(self.node)} = "
                f"{_num(self.node.data)}, {name}.grad = {_num(self.upstream)} (complete)")
        return "\n".join([head] + ["  " + line for line in self.lines()])

    def __repr__(self):
        return (f"Step({self.index + 1}/{self.total}, node={label(self.node)!r}, "
                f"op={self.op.name!r}, upstream={self.upstream!r})")


#: significant digits of the numbers in a Step's text (the Step keeps full floats)
STEP_DIGITS = 4


def _num(x):
    return f"{x:.{STEP_DIGITS}g}"


_INFIX = {"add": " + ", "sub": " - ", "mul": " × ", "div": " / ", "pow": "^"}
_PREFIX = {"neg": "-", "sqrt": "√"}


def formula(node):
    """How ``node`` was computed, in its parents' labels: ``h × w2``, ``σ(net1)``, ``w1·x + b``."""
    op = node._op
    names = [label(p) for p in node._prev]
    if op.backward is None:
        return _num(node.data)
    if op.name in _INFIX:
        return _INFIX[op.name].join(names)
    if op.name in _PREFIX:
        return _PREFIX[op.name] + names[0]
    if op is ops.SUM:
        return _terms(names)
    if op is ops.DOT:
        n = len(names) // 2
        terms = [f"{w}·{a}" for w, a in zip(names[:n], names[n:2 * n])]
        return _terms(terms + names[2 * n:])
    if op is ops.ABS:
        return f"|{names[0]}|"
    return f"{op.symbol}({', '.join(names)})"


def _terms(terms, most=6):
    """``a + b + c``; long sums keep their first and last terms: ``a + b + ... + z (26 terms)``."""
    if len(terms) <= most:
        return " + ".join(terms)
    return " + ".join(terms[:most - 2] + ["...", terms[-1]]) + f" ({len(terms)} terms)"


def _resolve_targets(root, targets):
    """Breakpoint targets as a set of nodes (names looked up in root's graph)."""
    if targets is None:
        return {}
    if isinstance(targets, (str,)) or hasattr(targets, "_prev"):
        targets = [targets]
    wanted = {}
    names = None
    for t in targets:
        if hasattr(t, "_prev"):
            wanted[t] = True
            continue
        if not isinstance(t, str):
            raise TypeError(f"breakpoint_at: expected a name or a Value, got {type(t).__name__} {t!r}")
        if names is None:
            names = nodes_by_name(root)
        if t not in names:
            known = ", ".join(sorted(names)) or "(no named nodes)"
            raise KeyError(f"breakpoint_at: no node named {t!r} in this graph; named nodes: {known}")
        for node in names[t]:
            wanted[node] = True
    return wanted


def all_nodes(root):
    """Every node ``root`` depends on (leaves included), each once, parents first."""
    order = topological_order(root)
    seen = set(order)
    leaves = []
    for node in order:
        for p in node._prev:
            if p not in seen:
                seen.add(p)
                leaves.append(p)
    if not root._prev:
        return [root]
    return leaves + order


def nodes_by_name(root):
    """name -> list of nodes with that name, over root's whole graph."""
    names = {}
    for node in all_nodes(root):
        if node.name:
            names.setdefault(node.name, []).append(node)
    return names


def stop_at(step):
    """Called when a breakpoint_at node's gradient is complete.

    You are in the debugger: ``p step`` shows the chain rule for this node,
    ``p step.node.grad`` its gradient, ``up`` the backward loop.
    """
    breakpoint()  # noqa: T100  (the whole point: PYTHONBREAKPOINT decides what happens)


def _walk(root, grad, targets):
    """The general backward pass: yields Steps; runs hooks and breakpoints.

    On any exception (a hook that raises, an anomaly) every leaf's grad is
    restored to what it was before the pass.
    """
    order = topological_order(root)
    total = len(order)
    if not order:
        root.grad += _run_hooks(root, grad) if root in _hooks else grad
        if root in targets:
            stop_at(None)
        return
    saved = _take_leaf_grads(order)
    # how many edges still have to deliver into each watched leaf
    remaining = {leaf: 0 for leaf, _ in saved if leaf in _hooks or leaf in targets}
    for node in order:
        node.grad = 0.0
        for p in node._prev:
            if p in remaining:
                remaining[p] += 1
    anomaly = modes.anomaly_enabled()
    received = {}
    try:
        root.grad = grad
        for index in range(total - 1, -1, -1):
            node = order[index]
            upstream = node.grad
            if node in _hooks:
                upstream = node.grad = _run_hooks(node, upstream)
            rule = node._op.backward
            contributions = rule(node, upstream)
            locals_ = rule(node, 1.0)
            edges = []
            finished = []
            for i, (parent, contribution) in enumerate(zip(node._prev, contributions)):
                if anomaly and not isfinite(contribution):
                    modes.report_backward_anomaly(node, parent, contribution, upstream)
                parent.grad += contribution
                nth = received[parent] = received.get(parent, 0) + 1
                edges.append(Contribution(parent, i, locals_[i], contribution, parent.grad, nth))
                if parent in remaining:
                    remaining[parent] -= 1
                    if remaining[parent] == 0:
                        finished.append(parent)
            step = Step(node, upstream, edges, total - 1 - index, total)
            if node in targets:
                stop_at(step)
            yield step
            for leaf in finished:
                if leaf in _hooks:
                    leaf.grad = _run_hooks(leaf, leaf.grad)
                if leaf in targets:
                    stop_at(step)
    except BaseException:
        for leaf, before in saved:
            leaf.grad = before
        raise
    for leaf, before in saved:
        leaf.grad = before + leaf.grad


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------

_hooks = {}


class HookHandle:
    """Returned by ``Value.register_hook``; ``remove()`` takes the hook off."""

    __slots__ = ("node", "fn")

    def __init__(self, node, fn):
        self.node = node
        self.fn = fn

    def remove(self):
        fns = _hooks.get(self.node)
        if fns and self.fn in fns:
            fns.remove(self.fn)
            if not fns:
                del _hooks[self.node]


def register_hook(node, fn):
    """Call ``fn(grad)`` when ``node``'s gradient for a backward pass is complete.

    ``grad`` is d(root)/d(node) for that pass; if ``fn`` returns a number it
    replaces that gradient (and, for a derived node, what flows on from it).
    """
    if not callable(fn):
        raise TypeError(f"register_hook: expected a callable, got {type(fn).__name__} {fn!r}")
    _hooks.setdefault(node, []).append(fn)
    return HookHandle(node, fn)


def _run_hooks(node, grad):
    for fn in list(_hooks.get(node, ())):
        result = fn(grad)
        if result is not None:
            try:
                grad = float(result)
            except (TypeError, ValueError):
                raise TypeError(
                    f"hook {getattr(fn, '__name__', fn)!r} on {label(node)} returned "
                    f"{type(result).__name__} {result!r}; a hook returns None or a number") from None
    return grad

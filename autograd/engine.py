"""Reverse-mode differentiation: topological order and the backward pass.

backward() visits the derived nodes so that every node comes after all the
nodes computed from it, and at each node applies the chain rule

    parent.grad += ∂node/∂parent · node.grad

through the op's named rule in :mod:`autograd.ops`.  Nothing here recurses,
so a chain of a million nodes is as fine as a chain of ten.

A pass is all or nothing: if anything stops it (a hook that raises,
``detect_anomaly()``, Ctrl-C), every leaf's ``grad`` is put back to what it
was before the pass, and the error says at which node it stopped.

Accumulators start at -0.0, the identity of IEEE addition (-0.0 + x is x
for every x), so a gradient summed here has exactly the bits of the same
contributions added in the same order by the jit's generated code.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Generator, Iterable
from math import isfinite
from typing import TYPE_CHECKING, SupportsFloat, Union

from . import names, recording
from .floats import as_float
from .notation import Labels
from .ops import DETACHED, describe
from .steps import Contribution, Step

if TYPE_CHECKING:
    from .value import Value

#: a node, a node's name, or a list of them (``backward(breakpoint_at=...)``)
Targets = Union["Value", str, Iterable[Union["Value", str]], None]

__all__ = ["topological_order", "order_and_leaves", "all_nodes", "backward", "backward_steps",
           "gradients", "register_hook", "HookHandle"]



# ---------------------------------------------------------------------------
# Order
# ---------------------------------------------------------------------------

def order_and_leaves(root: Value) -> tuple[list[Value], list[Value]]:
    """``(order, leaves)``: the derived nodes below root, parents first, and the
    leaves they were computed from (a list, each leaf once), found in one
    depth-first pass."""
    order, leaves, _ = _graph(root)
    return order, leaves


def _graph(root: Value) -> tuple[list[Value], list[Value], set[Value]]:
    """``(order, leaves, seen)``: :func:`order_and_leaves` and the set of every
    node met (root, derived nodes and leaves).

    Each stack entry is a node and an iterator over its parents; a node is
    emitted once that iterator is exhausted, i.e. after all of its parents.
    Each edge is looked at once: a parent already seen costs one set lookup.
    A node whose parents have all been seen is emitted at once, without a
    stack entry: none of them can still be on the stack (that would be a
    cycle), so all of them are emitted already.  (On a network, that is
    every neuron of a sample after the first: ``seen.issuperset`` checks its
    weights and inputs in C.)  So is a one-parent node such as a = σ(z) whose
    parent is new but has all of its own parents seen: z, then a.  The order
    is the plain depth-first one either way.
    """
    leaves: list[Value] = []
    seen = {root}
    if not root._prev:
        return [], leaves, seen
    order: list[Value] = []
    mark, emit, leaf, all_seen = seen.add, order.append, leaves.append, seen.issuperset
    stack = [(root, iter(root._prev))]
    push, pop = stack.append, stack.pop
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent in seen:
                continue
            mark(parent)
            grandparents = parent._prev
            if not grandparents:
                leaf(parent)
            elif grandparents[0] in seen and all_seen(grandparents):
                emit(parent)
            elif len(grandparents) == 1 and all_seen(grandparents[0]._prev):
                only = grandparents[0]   # new, and every parent of it seen
                mark(only)
                if only._prev:
                    emit(only)
                else:
                    leaf(only)
                emit(parent)
            else:
                push((parent, iter(grandparents)))
                break
        else:
            pop()
            emit(node)
    return order, leaves, seen


def topological_order(root: Value) -> list[Value]:
    """The derived (non-leaf) nodes that ``root`` depends on, parents first.

    Iterative depth-first search; each node appears once, after every derived
    node it was computed from.  Leaves are left out: backward has nothing to
    do at a leaf.
    """
    return order_and_leaves(root)[0]


def all_nodes(root: Value) -> list[Value]:
    """Every node ``root`` depends on (leaves included), each once, parents first."""
    order = topological_order(root)
    if not order:
        return [root]
    seen = set(order)
    leaves = []
    for node in order:
        for p in node._prev:
            if p not in seen:
                seen.add(p)
                leaves.append(p)
    return leaves + order


# ---------------------------------------------------------------------------
# backward()
# ---------------------------------------------------------------------------

def backward(root: Value, grad: SupportsFloat = 1.0, *, breakpoint_at: Targets = None) -> None:
    """Accumulate d(root)/d(node) into ``node.grad`` for every node below ``root``.

    Derived nodes are reset first, so their ``grad`` is this pass's
    gradient; leaves accumulate across passes, as in PyTorch.
    ``breakpoint_at`` (a name, a Value or a list of them) calls the built-in
    ``breakpoint()`` when that node's gradient is complete.
    """
    grad = _seed(root, grad)
    anomaly = False
    if recording.active:
        state = recording.current()
        if state.capture is not None:
            state.capture.caught(root, grad)
        if state.tracer is not None:
            state.tracer.refuse(root, "backward()")
        anomaly = state.anomaly
    if root._op is DETACHED:
        raise RuntimeError(
            f"backward: {describe(root)} was computed under no_grad(), so no graph was "
            f"recorded behind it and there is nothing to differentiate; compute it outside "
            f"no_grad() (or inside enable_grad())")
    targets = _resolve_targets(root, breakpoint_at)
    with no_cycle_collection():
        try:
            order, leaves, seen = _graph(root)
        except BaseException as err:   # Ctrl-C while ordering: nothing has changed yet
            _stopped_at(err, None, restored=False)
            raise
        if targets or anomaly or (_hooked and _any_hooked(seen)):
            for _ in _walk(root, grad, targets, anomaly, order, leaves):
                pass
        elif not order:
            root.grad += grad
        else:
            _backward_fast(root, grad, order, leaves)


def _backward_fast(root, grad, order, leaves):
    """backward() without hooks, breakpoints or anomaly checks: all or nothing."""
    # Each leaf sums this pass's contributions from -0.0 and adds the sum to
    # what it held once at the end, so two passes give exactly twice one.
    saved = [(leaf, leaf.grad) for leaf in leaves]
    node = None
    try:
        for leaf, _ in saved:
            leaf.grad = -0.0
        for n in order:
            n.grad = -0.0
        root.grad = grad
        for node in reversed(order):
            op = node._op
            if op.accumulate is not None:   # the same sums, added in place (dot)
                op.accumulate(node, node.grad)
                continue
            parents = node._prev
            if len(parents) == 1:           # σ, relu, tanh, ...: no zip needed
                parents[0].grad += op.backward(node, node.grad)[0]
                continue
            for parent, contribution in zip(parents, op.backward(node, node.grad)):
                parent.grad += contribution
        node = None
        for leaf, before in saved:
            leaf.grad = before + leaf.grad
    except BaseException as err:
        for leaf, before in saved:
            leaf.grad = before
        _stopped_at(err, node)
        raise


def _stopped_at(err, node, restored=True):
    """Say where a pass stopped (a note on the exception)."""
    if not restored:
        note = "backward stopped before changing any gradient"
    else:
        where = f" at {describe(node)} ({node._op.name})" if node is not None else ""
        note = (f"backward stopped{where}; every leaf's grad was put back to its value "
                f"before this backward()")
    if hasattr(err, "add_note"):
        err.add_note(note)
    else:  # Python 3.10
        err.__notes__ = getattr(err, "__notes__", []) + [note]


class no_cycle_collection:
    """Pause Python's cyclic garbage collector for the duration of a pass
    (``with no_cycle_collection(): ...``).

    A backward pass (its ordering included) allocates only floats, tuples,
    sets and iterators that reference counting frees; it creates no
    reference cycles (a hook may, and the collector catches up afterwards).  Yet its
    allocations trigger collections that walk the whole graph again and
    again: on a million-node chain they were about half the time.  The
    collector's state is restored on exit, exceptions included.
    """

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()
        return False


def backward_steps(root: Value, grad: SupportsFloat = 1.0) -> Generator[Step, None, None]:
    """backward() one node at a time: yields a :class:`autograd.steps.Step` per derived node.

    The order is exactly backward()'s and the arithmetic is the same, so
    consuming the generator fully leaves the same grads as backward();
    closing it early puts every leaf's grad back.
    """
    grad = _seed(root, grad)
    if root._op is DETACHED:
        raise RuntimeError(f"backward_steps: {describe(root)} was computed under no_grad(); "
                           f"there is no graph to step through")
    order, leaves = order_and_leaves(root)
    yield from _walk(root, grad, {}, recording.anomaly_enabled(), order, leaves)


def _seed(root: Value, grad: SupportsFloat) -> float:
    """The seed gradient as a float; TypeError naming what was wrong."""
    if not hasattr(root, "_prev"):
        raise TypeError(f"backward: expected a Value, got {type(root).__name__}")
    return as_float(grad, "backward: grad")


def gradients(root: Value, grad: float = 1.0) -> dict[Value, float]:
    """``{node: ∂root/∂node}`` for every node below root, by the ops' rules.

    Touches no ``.grad`` and calls no hook: explain, check and grad() read
    gradients through this.  The numbers are backward()'s, bit for bit.
    """
    grads = {root: grad}
    get = grads.get
    for node in reversed(topological_order(root)):
        g = get(node, -0.0)
        for parent, contribution in zip(node._prev, node._op.backward(node, g)):
            grads[parent] = get(parent, -0.0) + contribution
    return grads


# ---------------------------------------------------------------------------
# The step-by-step pass (also used for hooks, breakpoints and anomaly mode)
# ---------------------------------------------------------------------------

def _resolve_targets(root, targets):
    """Breakpoint targets as a set of nodes (names looked up in root's graph)."""
    if targets is None:
        return {}
    if isinstance(targets, str) or hasattr(targets, "_prev"):
        targets = [targets]
    wanted = {}
    nodes = None
    for t in targets:
        if hasattr(t, "_prev"):
            wanted[t] = True
            continue
        if not isinstance(t, str):
            raise TypeError(f"breakpoint_at: expected a name or a Value, got {type(t).__name__} {t!r}")
        if nodes is None:
            nodes = all_nodes(root)
        wanted[names.find_node(nodes, t, "breakpoint_at")] = True
    return wanted


def stop_at(step):
    """Called when a breakpoint_at node's gradient is complete.

    You are in the debugger: ``p step`` shows the chain rule for this node,
    ``p step.node.grad`` its gradient, ``up`` the backward loop.
    """
    breakpoint()  # noqa: T100  (the whole point: PYTHONBREAKPOINT decides what happens)


def _report_anomaly(node, parent, contribution, upstream):
    """Raise the error detect_anomaly() gives for a non-finite gradient."""
    raise FloatingPointError(
        f"detect_anomaly: backward through {node._op.name} node {describe(node)} gave "
        f"{contribution!r} to parent {describe(parent)} (upstream gradient {upstream!r})")


def _walk(root, grad, targets, anomaly, order, leaves):
    """The general backward pass: yields Steps; runs hooks and breakpoints.

    On any exception (a hook that raises, an anomaly, the generator closed
    early) every leaf's grad is restored to what it was before the pass.
    """
    total = len(order)
    if not order:
        root.grad += _run_hooks(root, grad) if _has_hooks(root) else grad
        if root in targets:
            stop_at(None)
        return
    saved = [(leaf, leaf.grad) for leaf in leaves]
    labels = Labels(root)  # t1, t2, ... for the unnamed nodes, worked out on first use
    node = None
    try:
        for leaf, _ in saved:
            leaf.grad = -0.0
        # how many edges still have to deliver into each watched leaf
        remaining = {leaf: 0 for leaf, _ in saved if _has_hooks(leaf) or leaf in targets}
        for n in order:
            n.grad = -0.0
            for p in n._prev:
                if p in remaining:
                    remaining[p] += 1
        received = {}
        root.grad = grad
        for index in range(total - 1, -1, -1):
            node = order[index]
            upstream = node.grad
            if _has_hooks(node):
                upstream = node.grad = _run_hooks(node, upstream)
            rule = node._op.backward
            contributions = rule(node, upstream)
            locals_ = rule(node, 1.0)
            edges = []
            finished = []
            for i, (parent, contribution) in enumerate(zip(node._prev, contributions)):
                if anomaly and not isfinite(contribution):
                    _report_anomaly(node, parent, contribution, upstream)
                parent.grad += contribution
                nth = received[parent] = received.get(parent, 0) + 1
                edges.append(Contribution(parent, i, locals_[i], contribution, parent.grad, nth))
                if parent in remaining:
                    remaining[parent] -= 1
                    if remaining[parent] == 0:
                        finished.append(parent)
            step = Step(node, upstream, edges, total - 1 - index, total, labels)
            if node in targets:
                stop_at(step)
            yield step
            for leaf in finished:
                if _has_hooks(leaf):
                    leaf.grad = _run_hooks(leaf, leaf.grad)
                if leaf in targets:
                    stop_at(step)
        node = None
        for leaf, before in saved:
            leaf.grad = before + leaf.grad
    except GeneratorExit:
        for leaf, before in saved:
            leaf.grad = before
        raise
    except BaseException as err:
        for leaf, before in saved:
            leaf.grad = before
        _stopped_at(err, node)
        raise


# ---------------------------------------------------------------------------
# Hooks: they live on their node (and go when it goes)
# ---------------------------------------------------------------------------

#: the nodes that have hooks now (weak: a dropped graph takes its hooks with it)
_hooked: weakref.WeakSet[Value] = weakref.WeakSet()


def _has_hooks(node):
    return getattr(node, "_hooks", None) is not None


def _any_hooked(seen):
    """True when a node with hooks is among ``seen``, the nodes of this graph (cost:
    one set lookup per hooked node)."""
    return any(node in seen for node in list(_hooked))


class HookHandle:
    """Returned by ``Value.register_hook``; ``remove()`` takes the hook off."""

    __slots__ = ("_node", "fn")

    def __init__(self, node: Value, fn: Callable[[float], SupportsFloat | None]) -> None:
        self._node = weakref.ref(node)
        self.fn = fn

    def remove(self) -> None:
        """Take the hook off its node (nothing happens if it is off already)."""
        node = self._node()
        if node is None:
            return
        fns = getattr(node, "_hooks", None)
        if fns and self.fn in fns:
            fns.remove(self.fn)
            if not fns:
                del node._hooks
                _hooked.discard(node)


def register_hook(node: Value, fn: Callable[[float], SupportsFloat | None]) -> HookHandle:
    """Call ``fn(grad)`` when ``node``'s gradient for a backward pass is complete.

    ``grad`` is d(root)/d(node) for that pass; if ``fn`` returns a number it
    replaces that gradient (and, for a derived node, what flows on from it).
    The hook is kept on the node itself: it goes when the node goes.
    """
    if not callable(fn):
        raise TypeError(f"register_hook: expected a callable, got {type(fn).__name__} {fn!r}")
    fns = getattr(node, "_hooks", None)
    if fns is None:
        fns = node._hooks = []
    fns.append(fn)
    _hooked.add(node)
    return HookHandle(node, fn)


def _run_hooks(node, grad):
    for fn in list(node._hooks):
        try:
            result = fn(grad)
        except Exception as err:
            note = f"in hook {getattr(fn, '__name__', fn)!r} on {describe(node)}"
            if hasattr(err, "add_note"):
                err.add_note(note)
            else:  # Python 3.10
                err.__notes__ = getattr(err, "__notes__", []) + [note]
            raise
        if result is not None:
            try:
                grad = as_float(result, "hook")
            except (TypeError, OverflowError):
                from .notation import label
                raise TypeError(
                    f"hook {getattr(fn, '__name__', fn)!r} on {label(node)} returned "
                    f"{type(result).__name__} {result!r}; a hook returns None or a number") from None
    return grad

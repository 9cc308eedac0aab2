"""Reverse-mode differentiation: the backward pass.

backward() finds the derived nodes below the root, each after its parents
(:mod:`autograd.graph`), and visits them in reverse, so that every node is
visited after all the nodes computed from it.  At each node the op's named
rule in :mod:`autograd.ops` applies the chain rule

    parent.grad += ∂node/∂parent · node.grad

Two functions do this.  :func:`backward_pass` is the one that runs by
default: one loop, readable in one screen.  :func:`observed_pass` is the same
arithmetic as a generator that yields one raw :class:`Visit` per node (the
numbers of each contribution), runs hooks, stops at breakpoints and checks
for anomalies; steps, the stepper and the step-through page read it.  The
engine writes no text: how a Visit is shown as a Step is decided on the
display side (:func:`present_visits_with`, set once by the ``autograd``
package to :func:`autograd.steps.presenter`).  :func:`gradients` is
backward_pass run with every ``.grad`` put back afterwards.

A pass is all or nothing: if anything stops it (a hook that raises,
``detect_anomaly()``, Ctrl-C), every ``grad`` is put back to what it was
before the pass, and the error says at which node it stopped.

Accumulators start at -0.0, the identity of IEEE addition (-0.0 + x is x
for every x), so a gradient summed here has exactly the bits of the same
contributions added in the same order by the jit's generated code.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable, Container, Generator, Iterable, Sequence
from math import isfinite
from typing import TYPE_CHECKING, Any, SupportsFloat, Union

from . import names, recording
from .floats import as_float, short_repr
from .graph import all_nodes, order_and_leaves, topological_order, walk
from .interrupts import deferred_interrupts
from .ops import CONSTANT, DETACHED, data_now, describe, local_values

if TYPE_CHECKING:
    from .steps import Step
    from .value import Value

#: a node, a node's name, or a list of them (``backward(breakpoint_at=...)``)
Targets = Union["Value", str, Iterable[Union["Value", str]], None]

__all__ = ["backward", "backward_pass", "observed_pass", "Visit", "backward_steps",
           "gradients", "register_hook", "HookHandle", "present_visits_with",
           "no_cycle_collection", "collector_paused",
           "topological_order", "order_and_leaves", "all_nodes", "local_step"]


# ---------------------------------------------------------------------------
# backward(): the default pass
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
        elif recording.open_captures:
            recording.backward_elsewhere()
        if state.tracer is not None:
            state.tracer.refuse(root, "backward()")
        anomaly = state.anomaly
    if root._opr is DETACHED:
        raise RuntimeError(
            f"backward: {describe(root)} was computed under no_grad(), so no graph was "
            f"recorded behind it and there is nothing to differentiate; compute it outside "
            f"no_grad() (or inside enable_grad())")
    present, targets = None, {}
    if breakpoint_at is not None:
        present = _presenter(root)
        targets = _resolve_targets(root, breakpoint_at, getattr(present, "node_called", None),
                                   getattr(getattr(present, "labels", None), "labels_note", None))
    collecting = gc.isenabled()
    try:      # collector_paused(), written out: no frame between backward() and the pass
        gc.disable()
        try:
            order, leaves, seen = walk(root)
        except BaseException as err:   # Ctrl-C while ordering: nothing has changed yet
            _stopped_at(err, None, restored=False)
            raise
        with taking_turns:
            passes[0] += 1
            try:
                if targets or anomaly or (hooks_registered and _any_hooked(seen)):
                    for _ in observed_pass(root, grad, order, leaves, targets, anomaly, present):
                        pass
                else:
                    backward_pass(root, grad, order, leaves)
            except (TypeError, OverflowError) as err:   # w.grad = None (PyTorch's habit)
                _name_bad_grad(leaves, err, "backward")
                raise
            finally:
                passes[0] -= 1
    finally:
        if collecting:
            gc.enable()


def backward_pass(root: Value, grad: float, order: list[Value], leaves: list[Value]) -> None:
    """Backpropagation: the chain rule from the root back to the leaves.

    ``order`` lists the derived nodes below ``root``, each after its parents,
    and ``leaves`` the inputs and weights they were computed from.  Read
    backwards, ``order`` meets every node after all the nodes computed from
    it, so by then its gradient δ = ∂root/∂node is complete (BP2: the error
    of a layer comes from the layer after it).  The node's op then sends
    ∂node/∂parent · δ to each parent (BP3, BP4: a neuron's bias and weights).

    Leaves accumulate across passes; derived nodes start from zero.  All or
    nothing: whatever stops the pass, Ctrl-C included, puts every grad back
    as it was.
    """
    if not order:                      # the root is a leaf: d(root)/d(root) = 1
        root.grad = grad + _added_to([root], [root.grad])[0]   # a float first, as checked
        return
    saved, last, node = [], [], None
    try:
        saved = [leaf.grad for leaf in leaves]
        added_to = _added_to(leaves, saved)   # saved, unless one is not a float or an int
        last = [n.grad for n in order]     # the last pass's δs, put back if this one stops
        for n in leaves:               # this pass's sums start at -0.0, the identity of +
            n.grad = -0.0
        for n in order:
            n.grad = -0.0
        root.grad = grad
        for node in reversed(order):
            op, upstream, parents = node._opr, node.grad, node._prev   # δ of this node, complete
            if op.accumulate is not None:            # dot: the same sums, in place
                op.accumulate(node, upstream)
            elif len(parents) == 2:                  # a + b, a·b, ...
                a, b = parents
                share_a, share_b = op.backward(node, upstream)
                a.grad += share_a
                b.grad += share_b
            elif len(parents) == 1:                  # σ, tanh, relu, ...
                parents[0].grad += op.backward(node, upstream)[0]
            else:                                    # Σ
                for parent, share in zip(parents, op.backward(node, upstream)):
                    parent.grad += share
        node = None
        for leaf, before in zip(leaves, added_to):   # this pass's sums plus what they held
            leaf.grad = leaf.grad + before    # float + held, the add _added_to checked
    except BaseException as err:
        _put_back(leaves + order, saved + last)
        _stopped_at(err, node, called=_caller(root, len(order) + len(leaves)))
        raise


def local_step(node: Value) -> None:
    """One node's chain rule, once: each parent's grad += ∂node/∂parent · node.grad
    (micrograd's ``node._backward()``, which its lecture calls by hand, node by node).
    A leaf has no parents: nothing happens.  The shares are computed before any is added."""
    op, upstream, parents = node._opr, node.grad, node._prev
    if op.backward is None or not parents:
        return
    bad = first_bad_grad([node, *parents])
    if bad is not None:                          # (node.grad = None, as PyTorch's "no grad")
        raise bad_grad_error(bad, "_backward")
    if op.accumulate is not None:                # dot: the same sums, in place
        op.accumulate(node, upstream)
        return
    shares = tuple(op.backward(node, upstream))
    for parent, share in zip(parents, shares):
        parent.grad += share


def gradients(root: Value, grad: float = 1.0, anomaly: bool = False) -> dict[Value, float]:
    """``{node: ∂root/∂node}`` for root and every node below it, leaves included:
    :func:`backward_pass` itself, run with each leaf's sum starting at -0.0 and
    every ``.grad`` it wrote put back afterwards.

    So the numbers are backward()'s bit for bit (the same walk, the same loop),
    no ``.grad`` changes, whatever stops it (Ctrl-C included), and no hook runs:
    explain, check and grad() read gradients through this.  With ``anomaly``
    (grad() inside detect_anomaly()) it runs :func:`observed_pass`, the same
    arithmetic, without hooks, raising at the first non-finite contribution.
    """
    return collector_paused(_gradients, root, grad, anomaly)


def _gradients(root, grad, anomaly):
    order, leaves, _ = walk(root)
    if not order:                       # the root is a leaf: d(root)/d(root) = 1
        return {root: grad}
    nodes = order + leaves
    with taking_turns:
        kept = [node.grad for node in nodes]
        passes[0] += 1      # no call between this and the try: a Ctrl-C cannot come between
        try:
            for leaf in leaves:         # backward_pass adds its sums to these: -0.0 + S is S
                leaf.grad = -0.0
            if anomaly:
                for _ in observed_pass(root, grad, order, leaves, (), True, None, False):
                    pass
            else:
                backward_pass(root, grad, order, leaves)
            return dict(zip(nodes, [node.grad for node in nodes]))
        finally:
            try:
                _put_back(nodes, kept)
            except KeyboardInterrupt:   # a Ctrl-C noticed before the put-back held it
                _put_back(nodes, kept)
                raise
            finally:
                passes[0] -= 1


#: chainrule's one lock for threads, held while the parameters' ``.grad`` (and numbers)
#: are used: by backward() and gradients() while they keep their sums in ``.grad``, by
#: nn's numpy backend while it reads, steps or writes back its arrays (nn.resident), by
#: an optimiser's zero_grad() and step(), a module's zero_grad(), a training step of
#: nn.train and the state_dict() and load_state_dict() of both.  So threads take turns:
#: a gradients() (grad(), explain, check) in one thread puts back every grad it used,
#: and cannot read or undo another's sums or steps.  Reentrant: a hook may call grad()
#: or backward().  The lock order is this one lock first: no other lock is held while
#: it is taken (recording's and the jit's own locks are held for a line each, taking
#: nothing), so threads cannot deadlock on it.
taking_turns = threading.RLock()
#: how many passes hold ``taking_turns`` now: compiled code (the jit) adds its gradients
#: without the lock while this is 0, the check and its adds running as one (no call
#: between them, so no other thread runs), and takes its turn otherwise
passes = [0]


def counted_turn(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` as a pass runs: holding :data:`taking_turns` and counted in
    :data:`passes`, so that compiled code in another thread adds its gradients after
    it.  For code that reads ``.grad`` and writes it back elsewhere (nn's numpy backend)."""
    with taking_turns:
        passes[0] += 1
        try:
            return function(*args)
        finally:
            passes[0] -= 1


def _seed(root: Value, grad: SupportsFloat) -> float:
    """The seed gradient as a float; TypeError naming what was wrong."""
    if not hasattr(root, "_prev"):
        raise TypeError(f"backward: expected a Value, got {type(root).__name__}")
    return as_float(grad, "backward: grad")


def _grad_problem(grad):
    """Why the chain rule cannot add a float to ``grad`` (None, a str, an int too large
    for a float, a Decimal), or None when it can."""
    if grad.__class__ is float:
        return None
    try:
        as_float(grad)
    except TypeError:
        return "not a number"
    except OverflowError:
        return "too large for a float"
    try:
        -0.0 + grad
    except (TypeError, OverflowError):
        return f"a {type(grad).__name__}, to which a float cannot be added"
    return None


def first_bad_grad(nodes: Iterable[Value]) -> Value | None:
    """The first of ``nodes`` whose grad the chain rule cannot add to, or None."""
    for node in nodes:
        if node.grad.__class__ is not float and _grad_problem(node.grad) is not None:
            return node
    return None


def bad_grad_error(node: Value, where: str, grad: Any = None) -> TypeError:
    """The one-line TypeError for a node whose grad (``grad``, else ``node.grad``) the
    chain rule cannot add to."""
    grad = node.grad if grad is None else grad
    return TypeError(f"{where}: {describe(node)} has .grad = {short_repr(grad)}, "
                     f"{_grad_problem(grad)}; the chain rule adds to it: set it to 0.0 "
                     f"(v.zero_grad())")


def _added_to(leaves, grads):
    """What a pass adds each leaf's sum to: ``grads``, the leaves' grads before it, when
    each is a float or an int (their sum, taken in C at a few ns a leaf, is then a float);
    else each as a float (``np.float64(0.5)``, ``np.float32(0.1)``, a float subclass: the
    double sum, a float like every other grad, as PyTorch keeps a parameter's dtype), or
    the TypeError naming the first leaf whose grad the chain rule cannot add to (``1j``,
    an array, ``np.True_``, None: as :func:`local_step` refuses them).  The sum checks
    ``float + grad``, so the pass adds its sum first (``sum + grad``): a float subclass
    whose own ``__add__`` is overridden then gives a float too.

    A bool passes as its number (True as 1.0), whichever way: every sum takes it for
    one, and telling it apart needs a type check per leaf, which costs the default pass
    1-4% on a long chain (one constant leaf per node); the sum costs about 0.7%."""
    try:
        if type(sum(grads, -0.0)) is float:
            return grads
    except Exception:           # None, a str, a Decimal, arrays of two shapes: each is looked at
        pass
    return [_held(leaf, grad) for leaf, grad in zip(leaves, grads)]


def _held(leaf, grad):
    """``grad``, a leaf's grad before the pass, as a float, or a TypeError naming ``leaf``."""
    if grad.__class__ is float:
        return grad
    if grad.__class__ is not bool and _grad_problem(grad) is not None:
        raise bad_grad_error(leaf, "backward", grad)
    return float(grad)


def _name_bad_grad(leaves, err, where):
    """After a pass stopped with ``err`` (a TypeError or OverflowError) and put every grad
    back: if a leaf's grad is one the chain rule cannot add to, raise the error naming it
    instead."""
    bad = first_bad_grad(leaves)
    if bad is not None:
        named = bad_grad_error(bad, where)
        if str(named) == str(err):      # the pass named it (_added_to)
            return
        _stopped_at(named, None)
        raise named from err


def _stopped_at(err, node, restored=True, called=describe):
    """Say where a pass stopped (a note on the exception), calling the node ``called(node)``."""
    if not restored:
        note = "the backward pass stopped before changing any gradient"
    else:
        where = f" at {called(node)} ({node._opr.name})" if node is not None else ""
        note = f"the backward pass stopped{where}; every grad was put back to its value before the pass"
    add_note(err, note)


def add_note(err: BaseException, note: str) -> None:
    """``err.add_note(note)``: a line the traceback prints under the error's own
    one-line message (on Python 3.10, which has no add_note, ``__notes__`` alone)."""
    if hasattr(err, "add_note"):
        err.add_note(note)
    else:  # Python 3.10
        setattr(err, "__notes__", [*getattr(err, "__notes__", []), note])  # noqa: B010


def collector_paused(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` with Python's cyclic garbage collector paused, and its
    state (enabled or not) restored afterwards, whatever stops the call.

    A pass (its ordering included) allocates only floats, tuples, sets and
    iterators that reference counting frees; it creates no reference cycles
    (a hook may, and the collector catches up afterwards).  Yet its
    allocations trigger collections that walk the whole graph again and
    again: on a million-node chain they were about half the time.
    gradients() and grad(create_graph=True) run through this; backward() writes
    it out, so that a debugger shows no frame between backward() and the pass.
    """
    collecting = gc.isenabled()
    try:
        gc.disable()
        return function(*args)
    finally:
        if collecting:
            gc.enable()


class no_cycle_collection:
    """:func:`collector_paused` as a ``with`` block: ``with no_cycle_collection(): ...``.

    A Ctrl-C that Python notices as ``__exit__`` is called stops it before it
    restores anything, so the passes call :func:`collector_paused`, a
    ``try: ... finally:`` in one frame, which has no such moment.
    """

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        try:
            gc.disable()
        except BaseException:   # Ctrl-C noticed as it was paused: running again
            if self.was_enabled:
                gc.enable()
            raise

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()
        return False


# ---------------------------------------------------------------------------
# The observed pass: steps, hooks, breakpoints, anomaly mode
# ---------------------------------------------------------------------------

class Visit:
    """One node of an observed pass, as numbers (the display side writes it out).

    node       the node whose rule was applied
    upstream   d(root)/d(node), complete at this moment
    edges      per parent, in ``node.parents`` order, a tuple
               ``(parent, index, local, contribution, grad_after, nth, grad_before)``:
               ∂node/∂parent, local · upstream, parent.grad after adding it,
               1 for the parent's first contribution of the pass, 2, ..., and
               parent.grad before adding it
    index      0 for the first node visited, ``total - 1`` for the last
    hooked     ``(hooked node, grad before its hooks, grad after)`` per hook result that
               changed a grad as this node's step completed: the node's own (before
               ``upstream``), then each leaf whose last contribution this step made
    held       ``(leaf, grad before the pass)`` per leaf whose last contribution this step
               made and whose grad was not 0 before the pass (the pass's sum is added to it)

    The pass calls each rule once, as backward() does (a breakpoint on
    ``sigmoid_backward`` stops once per node, with the node's upstream); the
    locals ∂node/∂parent are worked out when ``edges`` is first read, at the
    numbers the node and its parents had when it was visited (``numbers``), so
    a step read after ``opt.step()`` still multiplies out.
    """

    __slots__ = ("node", "upstream", "shares", "index", "total", "hooked", "numbers",
                 "_edges", "_held")

    _held: list[tuple[Value, float]]

    def __init__(self, node: Value, upstream: float, shares: list[tuple[Any, ...]],
                 index: int, total: int,
                 hooked: list[tuple[Value, float, float]] | None = None) -> None:
        self.node, self.upstream, self.shares = node, upstream, shares
        self.index, self.total = index, total
        self.hooked = hooked if hooked is not None else []
        self.numbers = data_now(node)
        self._edges: list[tuple[Any, ...]] | None = None

    @property
    def held(self) -> Sequence[tuple[Value, float]]:
        """See the class docstring (set by the pass only when a leaf held a grad)."""
        return getattr(self, "_held", ())

    @property
    def edges(self) -> list[tuple[Any, ...]]:
        """``shares``, ``(parent, index, contribution, grad_after, nth, grad_before)``
        per parent, each with its local ∂node/∂parent put in third place."""
        if self._edges is None:
            locals_ = local_values(self.node, self.numbers)
            self._edges = [(parent, i, locals_[i], *rest) for parent, i, *rest in self.shares]
        return self._edges

    def __repr__(self) -> str:
        return (f"Visit({self.index + 1}/{self.total}, node={describe(self.node)}, "
                f"upstream={self.upstream!r})")


def observed_pass(root: Value, grad: float, order: list[Value], leaves: list[Value],
                  targets: Any = (), anomaly: bool = False,
                  present: Callable[[Visit], Any] | None = None,
                  hooks: bool = True) -> Generator[Any, None, None]:
    """:func:`backward_pass`, watched: yields one :class:`Visit` per derived node
    (``present(visit)`` when given), with the same arithmetic in the same order.

    Runs each node's hooks when its gradient is complete (with ``hooks``), calls
    :func:`stop_at` at a node of ``targets``, and with ``anomaly`` raises at
    the first non-finite contribution.  On any exception (a hook that raises,
    an anomaly, the generator closed early) every grad is restored, the derived
    nodes' too: a pass stopped halfway leaves no partial sums to read.
    """
    show = present if present is not None else _raw
    total = len(order)

    called = _caller(root, total + len(leaves), present)   # as its steps do, if not too big
    if not order:
        held = _added_to([root], [root.grad])[0]     # refused before any hook runs
        root.grad = (_run_hooks(root, grad, called) if hooks and _has_hooks(root)
                     else grad) + held
        if root in targets:
            stop_at(None, root)
        return
    saved, derived, node = [], [], None
    try:
        saved = [leaf.grad for leaf in leaves]
        added_to = _added_to(leaves, saved)
        derived = [n.grad for n in order]
        for leaf in leaves:
            leaf.grad = -0.0
        # how many edges still have to deliver into each watched leaf (hooked, a target, or
        # holding a grad from before, which its last step notes; a constant's gets no line)
        remaining = {leaf: 0 for leaf, before in zip(leaves, saved)
                     if before and leaf._opr is not CONSTANT or hooks and _has_hooks(leaf)
                     or leaf in targets}
        # what a watched leaf's sum is added to at the end: its grad before the pass, or
        # what its own hook set (while it runs, the hook reads that, as in PyTorch)
        bases = {leaf: before for leaf, before in zip(leaves, added_to) if leaf in remaining}
        for n in order:
            n.grad = -0.0
            for p in n._prev:
                if p in remaining:
                    remaining[p] += 1
        received: dict[Value, int] = {}
        root.grad = grad
        for index in range(total - 1, -1, -1):
            node = order[index]
            upstream = node.grad
            hooked: list[tuple[Value, float, float]] = []
            if hooks and _has_hooks(node):
                upstream = node.grad = _note_hook(node, upstream, _run_hooks(node, upstream, called),
                                                  hooked)
            rule = node._opr.backward
            contributions = rule(node, upstream)
            shares = []
            finished = []
            for i, (parent, contribution) in enumerate(zip(node._prev, contributions)):
                if anomaly and not isfinite(contribution):
                    _report_anomaly(node, parent, contribution, upstream, called)
                before = parent.grad
                parent.grad += contribution
                nth = received[parent] = received.get(parent, 0) + 1
                shares.append((parent, i, contribution, parent.grad, nth, before))
                if parent in remaining:
                    remaining[parent] -= 1
                    if remaining[parent] == 0:
                        finished.append(parent)
            visit = Visit(node, upstream, shares, total - 1 - index, total, hooked)
            if finished:
                held = [(leaf, bases[leaf]) for leaf in finished if bases[leaf]]
                if held:
                    visit._held = held
            step = show(visit)
            if node in targets:
                stop_at(step, node)
            for leaf in finished:       # before the step is yielded: it says what they did
                if hooks and _has_hooks(leaf):
                    leaf.grad = _note_hook(leaf, leaf.grad, _leaf_hooks(leaf, bases, called),
                                           hooked)
                if leaf in targets:
                    stop_at(step, leaf)
            yield step
        node = None
        for leaf, before in zip(leaves, added_to):
            leaf.grad = leaf.grad + bases.get(leaf, before)
    except GeneratorExit:
        _put_back(leaves + order, saved + derived)
        raise
    except BaseException as err:
        _put_back(leaves + order, saved + derived)
        _stopped_at(err, node, called=called)
        raise


def _note_hook(node, before, after, hooked):
    """``after``, the grad ``node``'s hooks gave for ``before``, noted in ``hooked`` as
    ``(node, before, after)`` when it differs (NaN and NaN do not)."""
    if after != before and (after == after or before == before):
        hooked.append((node, before, after))
    return after


def _leaf_hooks(leaf, bases, called):
    """A leaf's hooks, given this pass's sum (their result replaces it), run while the
    leaf's grad is what the sum will be added to (``bases[leaf]``), as in PyTorch; a
    hook that sets it changes that."""
    total = leaf.grad
    leaf.grad = bases[leaf]
    try:
        result = _run_hooks(leaf, total, called)
        if leaf.grad.__class__ is not float:    # a hook set it: taken as a grad before a pass is
            leaf.grad = _set_by_hook(leaf, called)
        return result
    finally:                            # (a failure puts back the grads before the pass)
        bases[leaf] = leaf.grad
        leaf.grad = total


def _set_by_hook(leaf, called):
    """What a hook of ``leaf`` set its ``.grad`` to, as :func:`_held` takes a grad held
    before a pass (``np.float32(0.1)`` as a float), or its TypeError, noting the hook."""
    try:
        return _held(leaf, leaf.grad)
    except TypeError as err:
        add_note(err, f"a hook on {called(leaf)} set its .grad to that (while a leaf's hooks "
                      f"run, its .grad is what the pass adds its sum to)")
        raise


def _put_back(nodes, grads):
    """Each node's grad as it was (``grads``: the grads before, in ``nodes`` order);
    a Ctrl-C that comes meanwhile waits for the end.

    A Ctrl-C can still come before the block holds it: at the call, or pending
    when the block starts (``signal.signal`` raises it), with nothing put back.
    After a pass that finished, the caller then calls this again (see
    :func:`gradients`)."""
    with deferred_interrupts():
        for node, before in zip(nodes, grads):
            node.grad = before


def backward_steps(root: Value, grad: SupportsFloat = 1.0) -> Generator[Step, None, None]:
    """backward() one node at a time: yields a :class:`autograd.steps.Step` per derived node.

    The order is exactly backward()'s and the arithmetic is the same, so
    consuming the generator fully leaves the same grads as backward();
    closing it early puts every grad back.
    """
    grad = _seed(root, grad)
    if root._opr is DETACHED:
        raise RuntimeError(f"backward_steps: {describe(root)} was computed under no_grad(); "
                           f"there is no graph to step through")
    order, leaves = order_and_leaves(root)
    try:
        yield from observed_pass(root, grad, order, leaves, {}, recording.anomaly_enabled(),
                                 _presenter(root))
    except (TypeError, OverflowError) as err:
        _name_bad_grad(leaves, err, "backward_steps")
        raise


def _raw(visit: Visit) -> Visit:
    return visit


#: ``presenter(root)`` -> a function from a Visit of root's pass to what is shown
_present_with: list[Callable[[Value], Callable[[Visit], Any]]] = []


def present_visits_with(presenter: Callable[[Value], Callable[[Visit], Any]]) -> None:
    """Decide how backward_steps() and a breakpoint show a node: ``presenter(root)``
    returns a function from each :class:`Visit` of root's pass to what is yielded
    (the ``autograd`` package passes :func:`autograd.steps.presenter`, so that
    the engine imports no display code).  Without one, the Visits themselves."""
    if not callable(presenter):
        raise TypeError(f"present_visits_with: expected a callable, got "
                        f"{type(presenter).__name__} {short_repr(presenter)}")
    _present_with[:] = [presenter]


def _presenter(root):
    return _present_with[0](root) if _present_with else _raw


def _resolve_targets(root, targets, called=None, labels_note=None):
    """Breakpoint targets as a set of nodes of root's graph (names looked up there;
    ``called(label)``, if given, finds an unnamed node by its label in the steps, ``t3``,
    and ``labels_note(name)`` says which labels there are when no node has ``name``)."""
    if targets is None:
        return {}
    if isinstance(targets, str) or hasattr(targets, "_prev") or not isinstance(targets, Iterable):
        targets = [targets]
    targets = list(targets)
    for t in targets:
        if not isinstance(t, str) and not hasattr(t, "_prev"):
            raise TypeError(f"breakpoint_at: expected a name or a Value, got {type(t).__name__} {short_repr(t)}")
    nodes = all_nodes(root) if targets else []
    present = set(nodes)
    named = names.nodes_by_name(nodes) if targets else {}
    wanted = {}
    for t in targets:
        if isinstance(t, str):
            short = called(t) if called is not None and t not in named else None
            t = short if short is not None else names.find_node(
                nodes, t, "breakpoint_at", labels_note and (lambda t=t: labels_note(t)))
        elif t not in present:
            raise ValueError(f"breakpoint_at: {describe(t)} is not in the graph of "
                             f"{describe(root)}, so no step of this pass reaches it")
        wanted[t] = True
    return wanted


def stop_at(step, node):
    """Called when ``node``'s gradient is complete (a ``breakpoint_at`` node).

    You are in the debugger: ``p node.grad`` is δ = ∂root/∂node for this pass
    (a leaf's grad from before the pass is added when the pass ends), ``print(step)``
    the chain rule of the step that completed it (None when the root is a leaf),
    ``up`` the backward loop, ``up 4`` the code that called ``backward()`` (where
    its variables are names), ``c`` goes on.  (PYTHONBREAKPOINT decides what
    breakpoint() does; pdb shows the line after it, or on Python 3.13 its own.)
    """
    breakpoint()  # noqa: T100 | node.grad is complete: p node.grad, print(step); up 4: your code, its names; c: go on
    pass  # node.grad is complete: p node.grad, print(step); up 4: your code, its names; c: go on


def _report_anomaly(node, parent, contribution, upstream, called=describe):
    """Raise the error detect_anomaly() gives for a non-finite gradient, calling the
    nodes ``called(node)`` (:func:`_caller`)."""
    where = f"{node._opr.name} node {called(node)}" if node.name else called(node)
    raise FloatingPointError(
        f"detect_anomaly: backward through {where} gave "
        f"{contribution!r} to parent {called(parent)} (upstream gradient {upstream!r})")


# ---------------------------------------------------------------------------
# Hooks: they live on their node (and go when it goes)
# ---------------------------------------------------------------------------

#: the nodes that have hooks now (weak: a dropped graph takes its hooks with it)
_hooked: weakref.WeakSet[Value] = weakref.WeakSet()


def _has_hooks(node):
    return getattr(node, "_hooks", None) is not None


#: True once any hook was registered: until then compiled code skips looking for hooks
hooks_registered = False


def first_hooked(nodes: Container[Value]) -> Value | None:
    """A node of ``nodes`` (a set) that has a hook, or None (cost: one set lookup
    per node that has hooks, wherever it is)."""
    for node in list(_hooked):
        if node in nodes:
            return node
    return None


def _any_hooked(seen):
    """True when a node with hooks is among ``seen``, the nodes of this graph."""
    return first_hooked(seen) is not None


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
        raise TypeError(f"register_hook: expected a callable, got {type(fn).__name__} {short_repr(fn)}")
    global hooks_registered
    fns = getattr(node, "_hooks", None)
    if fns is None:
        fns = node._hooks = []
    fns.append(fn)
    _hooked.add(node)
    hooks_registered = True
    return HookHandle(node, fn)


def _run_hooks(node, grad, called=describe):
    """``grad`` through ``node``'s hooks in turn; an error names the hook and the node
    (``called(node)``)."""
    for fn in list(node._hooks):
        try:
            result = fn(grad)
        except StopIteration as err:    # out of the pass (a generator) it would read as
            raise RuntimeError(         # "generator raised StopIteration", naming nothing
                f"{_hook(fn, node, called)} raised "
                f"StopIteration (a next() past the end of an iterator?)") from err
        except Exception as err:
            add_note(err, f"in {_hook(fn, node, called)}")
            raise
        if result is not None:
            try:
                grad = as_float(result, "hook")
            except TypeError:
                raise TypeError(
                    f"{_hook(fn, node, called)} returned "
                    f"{type(result).__name__} {short_repr(result)}; a hook returns None or "
                    f"a number") from None
            except OverflowError:
                raise OverflowError(
                    f"{_hook(fn, node, called)} returned "
                    f"{short_repr(result)}, too large for a float") from None
    return grad


def _hook(fn, node, called=describe):
    """``hook 'clip' on 'h' = 6.0``: a hook as its errors name it."""
    return f"hook {getattr(fn, '__name__', fn)!r} on {called(node)}"


#: the most nodes (derived and leaves) of a graph whose unnamed nodes a stopped pass's
#: errors call by the labels its steps give them (the unnamed mul node t1 = -6.0), numbering
#: the graph then; above it they are called as :func:`describe` calls them (an unnamed mul
#: node = -6.0), as numbering a bigger graph would hold up the error (and a Ctrl-C) for long
LABELLED_MOST = 100_000


def _caller(root, size, present=None):
    """How the errors of a pass over a graph of ``size`` nodes call a node: :func:`_called`
    (the steps' labels), or :func:`describe` for more than :data:`LABELLED_MOST` nodes unless
    ``present`` labels them already.  Nothing is numbered until an error calls a node."""
    if present is None and size > LABELLED_MOST:
        return describe
    return lambda node: _called(node, root, present)


def _called(node, root, present=None):
    """:func:`describe` of ``node``, an unnamed one also by the label the steps of
    ``root``'s pass give it (``the unnamed mul node t1 = -6.0``): ``present``'s labels,
    else those of a presenter made now (:func:`present_visits_with`), numbering the
    graph only when an error names an unnamed node."""
    if node.name or node._opr is CONSTANT:
        return describe(node)
    labels = getattr(present if present is not None else _presenter(root), "labels", None)
    if labels is None:                  # no display side: the engine alone
        return describe(node)
    kind = f"{node._opr.name} node" if node._opr.backward is not None else "leaf"
    return f"the unnamed {kind} {labels(node)} = {node.data!r}"

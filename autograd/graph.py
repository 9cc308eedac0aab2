"""Walking a graph: the nodes a root depends on, parents before children.

The bottom of the package: it imports nothing of autograd and reads only a
node's ``_prev`` (the tuple of its parents), so the backward pass, the jit,
drawings, steps and explanations all walk a graph the same way, through
these functions.

order_and_leaves(root)  the derived nodes below root, parents first, and the leaves
topological_order(root) the derived nodes only
all_nodes(root)         every node, leaves first, then the derived nodes in order
walk(root)              order_and_leaves plus the set of every node met

Nothing here recurses: a chain of a million nodes is walked like a chain of ten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value

__all__ = ["walk", "order_and_leaves", "topological_order", "all_nodes"]


def walk(root: Value) -> tuple[list[Value], list[Value], set[Value]]:
    """``(order, leaves, seen)``: the derived nodes below ``root`` in depth-first
    postorder (each after all of its parents), the leaves in the order first met,
    and the set of every node met (root, derived nodes and leaves).

    The node being looked at is held in ``node`` with an iterator over its
    parents; two stacks hold the nodes below which the walk went deeper and,
    at the same height, each one's iterator where it stopped.  A node is emitted once its
    iterator is exhausted, i.e. after all of its parents.  Each edge is looked
    at once: a parent already seen costs one set lookup.  Two shortcuts emit
    a node without going deeper, in the same order: a node whose parents have
    all been seen (on a network, every neuron of a sample after the first:
    ``seen.issuperset`` checks its weights and inputs in C), and a one-parent
    node such as a = σ(z) whose parent is new but has all of its own parents
    seen: z, then a.
    """
    leaves: list[Value] = []
    seen = {root}
    if not root._prev:
        return [], leaves, seen
    order: list[Value] = []
    mark, emit, leaf, all_seen = seen.add, order.append, leaves.append, seen.issuperset
    above: list[Value] = []              # the nodes the walk went deeper below...
    resume: list[Iterator[Value]] = []   # ...and where each one's parents stopped
    push, push_resume, pop, pop_resume = above.append, resume.append, above.pop, resume.pop
    node, parents = root, iter(root._prev)
    while True:
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
            else:                        # go deeper: parent's own parents first
                push(node)
                push_resume(parents)
                node, parents = parent, iter(grandparents)
                break
        else:                            # every parent of node is emitted: node's turn
            emit(node)
            if not above:
                return order, leaves, seen
            node, parents = pop(), pop_resume()


def order_and_leaves(root: Value) -> tuple[list[Value], list[Value]]:
    """``(order, leaves)``: the derived nodes below root, parents first, and the
    leaves they were computed from (each leaf once), in one depth-first pass."""
    order, leaves, _ = walk(root)
    return order, leaves


def topological_order(root: Value) -> list[Value]:
    """The derived (non-leaf) nodes that ``root`` depends on, parents first.

    Each node appears once, after every derived node it was computed from.
    Leaves are left out: the chain rule has nothing to do at a leaf.
    """
    return walk(root)[0]


def all_nodes(root: Value) -> list[Value]:
    """Every node ``root`` depends on (leaves included), each once, parents first:
    the leaves in the order the derived nodes use them, then the derived nodes."""
    order = walk(root)[0]
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

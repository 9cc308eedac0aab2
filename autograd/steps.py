"""One step of a backward pass, and the chain rule it applies written out.

The engine's observed pass (:func:`autograd.engine.observed_pass`) yields raw
:class:`autograd.engine.Visit` records, numbers only; :func:`presenter` turns
each into a :class:`Step`: the node's complete upstream gradient and one
:class:`Contribution` per parent (``parent.grad += local * upstream``), with
the pass's labels.  ``backward_steps()`` yields these Steps (the ``autograd``
package hands :func:`presenter` to the engine).  ``str(step)`` writes the
step the way a person would on paper::

    step 6/7: h = σ(net1) = 0.5987, h.grad = -0.01491 (complete)
      net1.grad += σ(net1)(1-σ(net1)) * h.grad = 0.2403 * -0.01491 = -0.003583  (...)
"""

from . import ops
from .notation import Labels, formula, grad_of, label, number, printed, rule_texts

__all__ = ["Step", "Contribution", "presenter", "ordinal", "hook_note", "STEP_DIGITS"]

#: significant digits of the numbers in a Step's text (the Step keeps full floats)
STEP_DIGITS = 4

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
             "eighth", "ninth", "tenth")


def ordinal(n):
    """1 -> 'first', 2 -> 'second', ..., 11 -> '11th', 21 -> '21st', 112 -> '112th'."""
    if 0 < n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _num(x):
    return number(x, STEP_DIGITS)


def hook_note(name, before, after):
    """``a hook on w changed w.grad from 2 to 20``: what a hook's result did."""
    return f"a hook on {name} changed {name}.grad from {_num(before)} to {_num(after)}"


class Contribution:
    """What one edge of a Step did: ``parent.grad += local * upstream``."""

    __slots__ = ("parent", "index", "local", "contribution", "grad_after", "nth", "grad_before",
                 "labels")

    def __init__(self, parent, index, local, contribution, grad_after, nth, grad_before,
                 labels=label):
        self.parent = parent              # the parent node
        self.index = index                # its position in node.parents
        self.local = local                # ∂node/∂parent
        self.contribution = contribution  # local * upstream
        self.grad_after = grad_after      # parent.grad after adding it
        self.nth = nth                    # 1 for the first contribution this pass, 2 ...
        self.grad_before = grad_before    # parent.grad before adding it (not always
        #                                   grad_after - contribution: inf - inf is nan)
        self.labels = labels              # how nodes are written: the pass's (t1, ...)

    def __repr__(self):
        return (f"Contribution(parent={self.labels(self.parent)!r}, local={self.local!r}, "
                f"contribution={self.contribution!r}, grad_after={self.grad_after!r})")


class Step:
    """One node of the backward pass: its upstream gradient and what it sends on.

    node       the node whose rule is applied
    op         its op record
    upstream   d(root)/d(node), complete at this moment
    edges      one :class:`Contribution` per parent, in ``node.parents`` order
    index      0 for the first step, ``total - 1`` for the last
    labels     how the pass's nodes are written (:class:`autograd.notation.Labels`:
               names, numbers, and t1, t2, ... for unnamed nodes); shared by its Steps
    hooked     ``(hooked node, grad before, grad after)`` per hook that changed a grad as
               this step completed: the node's own (``upstream`` is after it), then each
               leaf this step gave its last contribution (after that: ``grad_after`` is before)
    """

    __slots__ = ("node", "op", "upstream", "_edges", "_visit", "index", "total", "labels",
                 "hooked")

    def __init__(self, node, upstream, edges, index, total, labels=None, hooked=None):
        self.node = node
        self.op = node._opr
        self.upstream = upstream
        self._edges = edges
        self._visit = None
        self.index = index
        self.total = total
        self.labels = labels if labels is not None else label
        self.hooked = hooked if hooked is not None else []   # the Visit's own list

    @classmethod
    def from_visit(cls, visit, labels=None):
        """The Step of one :class:`autograd.engine.Visit` (its edges become Contributions)."""
        labels = labels if labels is not None else label
        step = cls(visit.node, visit.upstream, None, visit.index, visit.total, labels,
                   visit.hooked)
        step._visit = visit
        return step

    @property
    def value(self):
        """The node's number when the pass visited it (``node.data`` may have changed since:
        an optimiser's step)."""
        return self._visit.numbers[0] if self._visit is not None else self.node.data

    @property
    def held(self):
        """``(leaf, grad before the pass)`` per leaf this step gave its last contribution
        that held a gradient before the pass (backward() adds it to the pass's sum as the
        pass ends)."""
        return self._visit.held if self._visit is not None else ()

    @property
    def edges(self):
        """The Contributions, made from the Visit when first read (so a pass with a
        breakpoint on a rule calls the rule only for the pass, as backward() does)."""
        if self._edges is None:
            self._edges = [Contribution(*edge, self.labels) for edge in self._visit.edges]
        return self._edges

    def lines(self, labels=None):
        """The chain rule written out, one line per parent that is not a constant:

        ``h.grad += w2 * net2.grad = -0.7 * 0.0213 = -0.01491  (h.grad now -0.01491)``

        (``edges`` still holds every parent, constants included.)
        """
        labels = printed(labels or self.labels)
        out = grad_of(self.node, labels(self.node))
        up = _num(self.upstream)
        rows = []
        rule_of = rule_texts(self.node, labels, factor=True)
        held = dict(self.held)
        last = {e.parent: e for e in self.edges} if held else {}
        for e in self.edges:
            if e.parent._opr is ops.CONSTANT:
                continue
            name = labels(e.parent)
            grad = grad_of(e.parent, name)
            rule = rule_of(e.index)
            line = (f"{grad} += {rule} * {out} = {_num(e.local)} * {up}"
                    f" = {_num(e.contribution)}  ")
            if e.nth == 1:
                line += f"({grad} now {_num(e.grad_after)})"
            else:  # fan-in: the parent is used by several nodes, the contributions add up
                sign = "-" if e.contribution < 0 else "+"
                line += (f"({ordinal(e.nth)} contribution to {name}: {grad} now "
                         f"{_num(e.grad_before)} {sign} {_num(abs(e.contribution))}"
                         f" = {_num(e.grad_after)})")
            if e.parent in held and last[e.parent] is e:   # its last: what backward() adds
                line = (f"{line[:-1]}; the {_num(held[e.parent])} it held before this pass "
                        f"is added as the pass ends)")
            rows.append(line)
        return rows

    def text(self, labels=None):
        """The heading and the lines, with nodes written by ``labels`` (default: the pass's)."""
        labels = printed(labels or self.labels)
        name = labels(self.node)
        head = (f"step {self.index + 1}/{self.total}: {name} = "
                f"{formula(self.node, labels=labels)} = {_num(self.value)}, "
                f"{grad_of(self.node, name)} = {_num(self.upstream)} (complete)")
        own = [hook_note(name, before, after)
               for node, before, after in self.hooked if node is self.node]
        leaves = [hook_note(labels(node), before, after)
                  for node, before, after in self.hooked if node is not self.node]
        return "\n".join([head] + ["  " + line for line in own + self.lines(labels) + leaves])

    def __str__(self):
        """``step 6/7: h = σ(net1) = 0.5987, h.grad = -0.01491 (complete)`` and the lines."""
        return self.text()

    def _repr_html_(self):
        """Jupyter: the chain rule written out, as ``str(step)``."""
        from .notebook import step_html
        return step_html(self)

    def __repr__(self):
        return (f"Step({self.index + 1}/{self.total}, node={self.labels(self.node)!r}, "
                f"op={self.op.name!r}, upstream={self.upstream!r})")


def presenter(root):
    """How the Visits of ``root``'s observed pass are shown: a function from a Visit
    to its :class:`Step`, the Steps of one pass sharing one :class:`Labels`
    (t1, t2, ... for the unnamed nodes, worked out on first use).  Its
    ``node_called(label)`` finds an unnamed node by that label (``breakpoint_at="t3"``),
    and its ``labels`` gives one (the engine's errors call an unnamed node so)."""
    labels = Labels(root)

    def present(visit):
        return Step.from_visit(visit, labels)
    present.node_called = labels.node_called
    present.labels = labels
    return present

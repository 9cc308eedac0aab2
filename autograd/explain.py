"""Explain a gradient as a sum over paths: the chain rule written out.

For a node ``wrt`` below ``root`` the multivariable chain rule says

    ∂root/∂wrt = Σ_{paths wrt → root}  Π_{edges (child ← parent) on the path}  ∂child/∂parent

:func:`explain` lists every path from ``wrt`` up to ``root`` with each edge's
local derivative ∂child/∂parent as a number and in the nodes' names
(``∂net2/∂h = w2``, ``σ'(net2) = y'(1-y')``), the product per path and the sum,
which it checks against the engine's backward pass.  When there are more
paths than ``limit`` it groups them the way reverse mode does, showing
δ_v = ∂root/∂v at every node v in between, and says so.

The number of paths is counted first, by dynamic programming (paths to a
node = Σ over its parents of the paths to that parent), so a graph with 2^60
paths is never enumerated.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from . import engine, graph, names, ops
from .floats import listlike, positive_int, short_repr
from .names import latex as latex_name
from .patterns import lazy
from .notation import (
    LATEX_WHERE, Labels, LatexNotation, Namer, TextNotation, local_rules, number, times as _times,
)

if TYPE_CHECKING:
    from .value import Value

__all__ = ["explain", "Explanation", "EntryExplanation", "Factor", "Path", "TooManyPaths", "DEFAULT_LIMIT",
           "find_node", "engine_gradients", "latex_name", "where_lines", "definitions_used",
           "SHOWN_PATHS"]

#: why a leaf's .grad can differ from one backward() pass's gradient, said where it does:
#: true of passes added up (micrograd's loop without zero_grad) and of what a training
#: step left (nn.train's last batch), whichever it was
ADDS_UP_PASSES = ("a leaf's grad keeps what was put in it until it is zeroed (p.grad = 0.0, "
                  "or zero_grad()): each backward() pass adds its gradient to it, and a "
                  "training step (nn.train's last, say) leaves its batch's gradient there")


def held_grad(leaf: Value, one_pass: float) -> float | None:
    """What ``leaf.grad`` holds when ``leaf`` is a leaf whose grad is neither 0 nor
    ``one_pass``, the gradient one backward() pass gives it, else None: micrograd's
    training loop without zero_grad, after which a leaf holds the sum of its passes
    (2 passes: twice).  The one decision of check, explain and draw."""
    if not leaf.is_leaf:
        return None
    try:
        held = float(leaf.grad)
    except (TypeError, ValueError):
        return None
    if held == 0.0 or held == one_pass or not math.isfinite(held):
        return None
    return held


def as_it_stands(name: str) -> str:
    """``a.grad as it stands, not one backward() pass's gradient``: what a leaf's grad is
    where :func:`held_grad` finds one (check's finding, draw's note)."""
    return f"{name}.grad as it stands, not one backward() pass's gradient"

#: above this many paths, explain() groups them by reverse-mode accumulation
DEFAULT_LIMIT = 10_000
#: str(explanation) lists at most this many paths in full
SHOWN_PATHS = 20
#: the grouped view lists at most this many δ lines
SHOWN_DELTAS = 40


class TooManyPaths(ValueError):
    """``explanation.paths`` was read after explain() grouped the paths."""


# ---------------------------------------------------------------------------
# Factors and paths
# ---------------------------------------------------------------------------

class Factor:
    """One edge of a path: the local derivative ∂child/∂parent.

    child, parent, index   the edge (``child.parents[index] is parent``)
    value                  the number, ``child.op.backward(child, 1.0)[index]``
    partial                ``∂net2/∂h``;  ``derivative``: ``σ'(net2)`` or None
    formula                the derivative in the nodes' names: ``w2``, ``y'(1-y')``
    latex_formula          the same in LaTeX
    trivial                True for a structural 1 (edges into +, Σ and a dot's bias)
    """

    __slots__ = ("child", "parent", "index", "value", "partial", "derivative", "formula",
                 "latex_formula", "rule", "latex_rule", "trivial")

    def __init__(self, child, index, value, text_namer, rule, latex_rule):
        self.child = child
        self.index = index
        self.parent = child._prev[index]
        self.value = value
        self.rule = rule
        self.latex_rule = latex_rule
        self.partial = text_namer.n.partial(text_namer.expr(child), text_namer.expr(self.parent))
        self.derivative = self.rule.derivative
        self.formula = self.rule.formula(text_namer.n)
        self.latex_formula = self.latex_rule.formula(LatexNotation())
        self.trivial = self.rule.symbol is None and self.rule.coefficient == 1.0

    @property
    def text(self):
        """``∂y'/∂net2 = σ'(net2) = y'(1-y')`` (no number)."""
        parts = [self.partial]
        if self.derivative:
            parts.append(self.derivative)
        parts.append(self.formula)
        return " = ".join(parts)

    def __str__(self):
        if self.rule.symbol is None:   # a pure number: say it once
            return f"{self.partial} = {number(self.value, 6)}"
        return f"{self.text} = {number(self.value, 6)}"

    def __repr__(self):
        return f"Factor({self.text!r}, value={self.value!r})"


def product_formula(factors, latex=False):
    """The path's product in the nodes' names, factors of exactly 1 left out:
    ``x · h(1-h) · w2 · y'(1-y') · (y'-y)``."""
    n = LatexNotation() if latex else TextNotation()
    rules = [f.latex_rule if latex else f.rule for f in factors]
    coefficient = math.prod(r.coefficient for r in rules)
    symbols = [r.symbol for r in rules if r.symbol]
    if coefficient < 0:
        for i, r in enumerate(r for r in rules if r.symbol):
            if r.negated:
                symbols[i] = r.negated
                coefficient = -coefficient
                break
    return _times(n, coefficient, symbols)


class Path:
    """One path wrt -> ... -> root: its factors (from wrt up) and their product."""

    __slots__ = ("factors", "product", "_namer", "detail", "_reach")

    def __init__(self, factors, namer, reach=None):
        self.factors = tuple(factors)
        self.product = math.prod(f.value for f in self.factors)
        self._namer = namer
        self._reach = {} if reach is None else reach   # node -> the nodes it depends on
        #: how much route() spells out: 0 named nodes, 1 every node, 2 every node and
        #: which operand an edge enters (set by :func:`distinguish`)
        self.detail = 0

    @property
    def nodes(self):
        """wrt, then every node up to the root."""
        if not self.factors:
            return ()
        return (self.factors[0].parent,) + tuple(f.child for f in self.factors)

    def route(self):
        """``w1 → h1 → (via w2) → h2 → (via w4) → O``: named nodes, the named weight
        of each unnamed product the path passes through, and each unnamed node the
        text calls by its label (t3, defined in the where line) that no named node
        above stands for (as net2 stands for h·w2 inside net2 = h·w2 + b)."""
        if not self.factors:
            return "(the root itself)"
        if self.detail:
            return self._full_route()
        steps = [self._namer.text(self.factors[0].parent)]
        last = len(self.factors) - 1
        for i, f in enumerate(self.factors):
            child = f.child
            if child.name or i == last:
                steps.append(self._namer.text(child))
            elif not self._named_above(i):
                other = _other_operand(f) if child._opr in (ops.MUL, ops.DOT) else None
                if other is not None and other.name:
                    steps.append(f"(via {names.printable(other.name)})")
                elif self._labelled(child):    # defined in the where line: on the route too
                    steps.append(self._namer.text(child))
        return " → ".join(steps)

    def _labelled(self, node):
        """Whether the text calls ``node`` by its short label (t3), defined in the where line."""
        return self._namer.text(node) == names.printable(self._namer.labels(node))

    def _full_route(self):
        """Every node of the path; at detail 2 also the operand each edge enters,
        where the parent is more than one of the child's operands (``x·x``)."""
        text = self._namer.text
        steps = [text(self.factors[0].parent)]
        for f in self.factors:
            step = text(f.child)
            if self.detail > 1 and f.child._prev.count(f.parent) > 1:
                step += f" (operand {f.index + 1})"
            steps.append(step)
        return " → ".join(steps)

    def formula(self, latex=False):
        return product_formula(self.factors, latex)

    def _named_above(self, i):
        """The first named node reached from factor i's child through trivial edges
        (None if a non-trivial edge or the end comes first)."""
        top, j = self.factors[i].child, i + 1
        while not top.name and j < len(self.factors) and self.factors[j].trivial:
            top, j = self.factors[j].child, j + 1
        return top if top.name else None

    def _top_above(self, i):
        """The node reached from factor i's child through trivial edges, stopping
        at the first named one: net2 for h·w2 inside net2 = h·w2 + b; and before a
        node the parent also reaches another way (a in a^(-1) + (2-a)·2/a), where
        ∂top/∂parent would be more than this factor."""
        parent = self.factors[i].parent
        top, j = self.factors[i].child, i + 1
        while not top.name and j < len(self.factors) and self.factors[j].trivial \
                and self._only_through(parent, top, self.factors[j].child):
            top, j = self.factors[j].child, j + 1
        return top

    def _only_through(self, parent, below, above):
        """Whether ``parent`` reaches ``above`` only through its operand ``below``."""
        others = list(above._prev)
        others.remove(below)
        for other in others:
            found = self._reach.get(other)
            if found is None:
                found = self._reach[other] = set(graph.all_nodes(other))
            if parent in found:
                return False
        return True

    def partial(self, i):
        """Factor i's ∂child/∂parent, naming the node above it when the edges in
        between are trivial: ∂net2/∂h for h·w2 inside net2 = h·w2 + b, and
        ∂t7/∂h2 when that sum is the unnamed t7."""
        f = self.factors[i]
        top = self._top_above(i)
        if top is f.child:
            return f.partial
        return TextNotation().partial(self._namer.expr(top), self._namer.expr(f.parent))

    def factor_text(self, i):
        """``∂net2/∂h = w2``, ``∂y'/∂net2 = σ'(net2) = y'(1-y')`` (no number)."""
        f = self.factors[i]
        parts = [self.partial(i)]
        if f.derivative:
            parts.append(f.derivative)
        if f.rule.symbol is not None:
            parts.append(f.formula)
        else:
            parts.append(f"{number(f.value)}")
        return " = ".join(parts)

    def lines(self):
        """One line per factor that is not exactly 1, then the product."""
        rows = []
        for i, f in enumerate(self.factors):
            if not f.trivial:
                text = self.factor_text(i)
                rows.append(f"  {text}" if f.rule.symbol is None else f"  {text} = {number(f.value, 6)}")
        rows.append(f"  product: {self.formula()} = {number(self.product, 6)}")
        return rows

    def __len__(self):
        return len(self.factors)

    def __repr__(self):
        return f"Path({self.route()!r}, product={self.product!r})"


#: a where-line longer than this lists one definition per line
WHERE_WIDTH = 100


def where_lines(namer, rows, nodes):
    """``where t7 = h2·w4+h3·w5+1; t5 = ...`` (:func:`definitions_used`) as one
    line, or one definition per line when that is long; [] for none."""
    definitions = definitions_used(namer, rows, nodes)
    if not definitions:
        return []
    line = "where " + "; ".join(definitions)
    if len(line) <= WHERE_WIDTH:
        return [line]
    return ["where (unnamed nodes, labelled as in the steps and drawings):"] + [
        f"  {d}" for d in definitions]


def definitions_used(namer, rows, nodes):
    """``["t7 = h2·w4+h3·w5+1"]`` for the unnamed nodes among ``nodes`` (and
    their operands, and theirs where an unnamed operand is written out as its
    expression: ``tanh(t5)``) whose short label the text ``rows`` uses."""
    used = labelled_used(namer, rows, nodes)
    return [f"{label} = {expression}" for label, expression in namer.definitions(used)]


def labelled_used(namer, rows, nodes):
    """The nodes :func:`definitions_used` defines: those whose short label the text
    ``rows`` (written by ``namer``; LaTeX: as it writes the label, ``t_{7}``) uses, and
    the unnamed leaves whose label their definitions use (``t3 = tanh(leaf1·leaf2)``
    defines leaf2 too: a number, it uses no label).  A derived node a definition uses
    keeps its label alone (``t84 = t79+t80+t81``): defining those in turn would define
    the whole graph."""
    used = _labelled_mentioned(namer, rows, nodes)
    leaves = [node for node in _labelled_mentioned(
                  namer, [expression for _, expression in namer.definitions(used)], used)
              if node._opr.backward is None]
    return list(dict.fromkeys(used + leaves))


def _labelled_mentioned(namer, rows, nodes):
    """The unnamed nodes among ``nodes`` and the operands their text may write out
    whose short label ``rows`` uses."""
    candidates = list(nodes)
    written = candidates
    for _ in range(Namer.DEEPEST + 1):
        written = [p for node in written for p in node._prev]
        candidates.extend(written)
        written = [p for p in written if not p.name and p._opr.backward is not None
                   and len(p._prev) <= 8]      # as Namer writes them out
    text = "\n".join(rows)
    if getattr(namer.n, "latex", False):
        def mentioned(label):
            return namer.n.name(label) in text
    else:
        words = set(_WORD.findall(text))

        def mentioned(label):
            return _mentions(text, words, label)
    return [node for node in dict.fromkeys(candidates)
            if (not node.name or node in namer.labels.short) and node._opr is not ops.CONSTANT
            and mentioned(namer.labels(node))]


_WORD = lazy(r"[\w']+")


def _mentions(text, words, label):
    """Whether ``text`` has ``label`` as a whole word (one set look-up for t7, leaf1)."""
    if _WORD.fullmatch(label):
        return label in words
    return re.search(rf"(?<![\w']){re.escape(label)}(?![\w'])", text) is not None


def distinguish(paths):
    """Spell the routes out until no two paths read the same: first every node
    of each path, then also the operand an edge enters (two paths of ``x·x``)."""
    for detail in (0, 1, 2):
        for path in paths:
            path.detail = detail
        routes = [path.route() for path in paths]
        if len(set(routes)) == len(routes):
            return


def _signed_sum(numbers):
    """``0.5 - 0.25 + 1`` from [0.5, -0.25, 1]."""
    text = ""
    for x in numbers:
        if not text:
            text = f"{number(x, 6)}"
        else:
            text += f" - {number(-x, 6)}" if x < 0 else f" + {number(x, 6)}"
    return text


def _other_operand(factor):
    """For an edge into a product, the node it is multiplied by (else None)."""
    child, i = factor.child, factor.index
    parents = child._prev
    if child._opr is ops.MUL:
        return parents[1 - i]
    k = len(parents) // 2
    if i < k:
        return parents[i + k]
    if i < 2 * k:
        return parents[i - k]
    return None


# ---------------------------------------------------------------------------
# The explanation
# ---------------------------------------------------------------------------

class Explanation:
    """∂root/∂wrt as a sum over paths (or, above ``limit`` paths, grouped by δ).

    paths        every path from wrt to root (raises TooManyPaths when grouped)
    total        Σ over paths of the product (grouped: Σ_c ∂c/∂wrt · δ_c)
    engine       the engine's gradient from backward(), which total equals
    path_count   the number of paths (an int, possibly huge)
    grouped      True when the paths were too many to list
    deltas       grouped only: [(node, δ = ∂root/∂node)], root first
    edges_out    grouped only: [(factor ∂c/∂wrt, δ_c)] for each edge out of wrt
    """

    root: Value
    wrt: Value
    total: float
    engine: float
    path_count: int
    limit: int
    grouped: bool

    def __init__(self, root, wrt, total, engine_grad, path_count, limit, paths=None,
                 deltas=None, edges_out=None, namer=None):
        self.root = root
        self.wrt = wrt
        self.total = total
        self.engine = engine_grad
        self.path_count = path_count
        self.limit = limit
        self.grouped = paths is None
        self._paths = paths
        self.deltas = deltas
        self.edges_out = edges_out
        self._namer = namer or Namer(TextNotation())

    @property
    def paths(self) -> list[Path]:
        if self._paths is None:
            raise TooManyPaths(
                f"{self.name_of(self.wrt)} reaches {self.name_of(self.root)} along "
                f"{self.path_count:,} paths, more than limit={self.limit:,}, so explain() "
                f"grouped them instead of listing them: read .deltas and .edges_out, or call "
                f"explain(root, wrt, limit={self.path_count}) if you really want them all")
        return self._paths

    @property
    def namer(self) -> Namer:
        """How this explanation writes nodes (names, constants, short labels)."""
        return self._namer

    def name_of(self, node: Value) -> str:
        return self._namer.text(node)

    def definitions(self, rows: list[str], more: tuple[Value, ...] = ()) -> list[str]:
        """``["t3 = y-y'", "leaf1 = 0.5 (an unnamed leaf)"]``: what the short labels
        the text ``rows`` uses stand for, among the root, wrt, the nodes of the paths
        shown and ``more`` (:func:`definitions_used`)."""
        return definitions_used(self._namer, rows, self._shown_nodes(more))

    def _shown_nodes(self, more=()):
        nodes = [self.root, self.wrt, *more]
        if not self.grouped:
            nodes += [node for path in self.paths[:SHOWN_PATHS] for node in path.nodes]
        return nodes

    @property
    def derivative(self) -> str:
        """``∂O/∂w1``."""
        return TextNotation().partial(self._namer.expr(self.root), self._namer.expr(self.wrt))

    def engine_aside(self) -> str:
        """``(backward() gives 0.25)``: the engine's gradient beside the paths' sum.  It
        is computed without hooks, so where the graph has one the aside says so (else
        a hook that changes gradients would make the line contradict backward()); where
        wrt is a leaf holding another grad, the aside says what it holds (:meth:`held_grad`)."""
        aside = f"backward() gives {number(self.engine, 12)}"
        hooked = (engine.first_hooked(set(graph.all_nodes(self.root)))
                  if engine.hooks_registered else None)   # no hook ever: no walk
        if hooked is not None:
            aside += (f" without hooks; {self.name_of(hooked)} has a hook, which "
                      f"backward() runs")
        held = self.held_grad()
        if held is not None:
            aside += (f"; {self.name_of(self.wrt)}.grad holds {number(held, 12)}: "
                      f"{ADDS_UP_PASSES}")
        return f"({aside})"

    def held_grad(self) -> float | None:
        """What wrt's ``.grad`` holds when wrt is a leaf whose grad is neither 0 nor one
        pass's gradient (:attr:`engine`), else None (:func:`held_grad`)."""
        return held_grad(self.wrt, self.engine)

    def lines(self) -> list[str]:
        if self.grouped:
            return self._grouped_lines()
        return self._path_lines()

    def _path_lines(self):
        paths, root, wrt = self._paths, self.name_of(self.root), self.name_of(self.wrt)
        count = len(paths)
        rows = [f"{self.derivative} = {number(self.total, 12)}   {self.engine_aside()}"]
        if count == 1 and not paths[0].factors:
            rows.append(f"{wrt} is the root itself: ∂{root}/∂{root} = 1")
            return rows
        if count == 0:
            rows.append(f"{root} does not depend on {wrt}: no path leads from {wrt} to "
                        f"{root}, so the gradient is 0")
            return rows
        rows.append(f"{wrt} reaches {root} along {count} path{'s' if count != 1 else ''}; "
                    f"the chain rule multiplies the local derivatives along each path "
                    f"and adds the paths.")
        body = []
        for k, path in enumerate(paths[:SHOWN_PATHS], 1):
            body.append("")
            body.append(f"path {k}: {path.route()}")
            body.extend(path.lines())
        nodes = [node for path in paths[:SHOWN_PATHS] for node in path.nodes]
        rows.extend(self.where(rows + body, nodes))
        rows.extend(body)
        if count > SHOWN_PATHS:
            rows.append("")
            rows.append(f"... and {count - SHOWN_PATHS} more paths (explanation.paths has them all)")
        rows.append("")
        if count == 1:
            rows.append(f"one path, so {self.derivative} = {number(self.total, 12)}")
        else:
            terms = _signed_sum(p.product for p in paths[:8])
            more = " + ..." if count > 8 else ""
            rows.append(f"sum over the {count} paths: {terms}{more} = {number(self.total, 12)}")
        if any(f.trivial for p in paths for f in p.factors):
            rows.append("(factors of exactly 1, from +, Σ and bias edges, are left out above)")
        return rows

    def where(self, rows, nodes):
        """The lines saying what each short label in ``rows`` stands for
        (``where t7 = h2·w4+h3·w5+1``): the unnamed nodes of ``nodes`` and
        their operands whose label the text uses."""
        return where_lines(self._namer, rows, nodes)

    def _grouped_lines(self):
        root, wrt = self.name_of(self.root), self.name_of(self.wrt)
        rows = [
            f"{self.derivative} = {number(self.total, 12)}   {self.engine_aside()}",
            f"{wrt} reaches {root} along {self.path_count:,} paths, more than the limit of "
            f"{self.limit:,}, so they are grouped by reverse-mode accumulation instead of "
            f"listed: δ_v = ∂{root}/∂v at each node v between {wrt} and {root}. Every path "
            f"through v ends in the same tail, and δ_v is the sum of those tails' products.",
            ""]
        for node, delta in self.deltas[:SHOWN_DELTAS]:
            rows.append(f"  δ({self.name_of(node)}) = {number(delta, 6)}")
        if len(self.deltas) > SHOWN_DELTAS:
            rows.append(f"  ... and {len(self.deltas) - SHOWN_DELTAS} more nodes "
                        f"(explanation.deltas has them all)")
        rows.append("")
        rows.append(f"{self.derivative} = Σ over the edges out of {wrt} of ∂c/∂{wrt} · δ(c):")
        for factor, delta in self.edges_out[:SHOWN_DELTAS]:
            rows.append(f"  {factor.partial} · δ({self.name_of(factor.child)}) = "
                        f"{factor.formula} · δ = {number(factor.value, 6)} · {number(delta, 6)}")
        if len(self.edges_out) > SHOWN_DELTAS:
            rows.append(f"  ... and {len(self.edges_out) - SHOWN_DELTAS} more edges")
        rows.append(f"  total = {number(self.total, 12)}")
        nodes = [node for node, _ in self.deltas[:SHOWN_DELTAS]]
        nodes += [f.child for f, _ in self.edges_out[:SHOWN_DELTAS]]
        legend = self.where(rows, nodes)
        return rows[:2] + legend + rows[2:]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def latex(self) -> str:
        """The same sum in the textbooks' LaTeX: one product per path."""
        n = LatexNotation()
        namer = Namer(n, self._namer.labels)
        lhs = n.partial(namer.expr(self.root), namer.expr(self.wrt))
        if self.grouped:
            terms = [f"{f.latex_formula} \\, \\delta_{{{namer.text(f.child)}}}"
                     for f, _ in self.edges_out[:8]]
            if len(self.edges_out) > 8:
                terms.append("\\cdots")
            body = " + ".join(terms)
        else:
            formulas = [p.formula(latex=True) for p in self._paths[:SHOWN_PATHS]]
            if len(formulas) == 1:
                body = formulas[0]
            else:
                body = " + ".join(f"\\left[ {f} \\right]" for f in formulas)
                if len(self._paths) > SHOWN_PATHS:
                    body += " + \\cdots"
        formula = f"{lhs} = {body} = {number(self.total, 12)}"
        used = labelled_used(namer, [formula], self._shown_nodes(
            tuple(f.child for f, _ in self.edges_out[:8]) if self.grouped else ()))
        if not used:
            return formula
        # the short labels it uses (t_{14}, leaf_{4}), as the steps call them
        where = ", \\; ".join(f"{n.name(label)} = {_latex_aside(expression)}"
                               for label, expression in namer.definitions(used))
        return f"{formula}{LATEX_WHERE}{where}"

    def _repr_html_(self):
        """Jupyter: the paths and their products, as ``str(explanation)``."""
        from .notebook import explanation_html
        return explanation_html(self)

    def _repr_latex_(self):
        """Jupyter (LaTeX): the sum over paths as a display formula."""
        return f"$${self.latex()}$$"

    def __repr__(self):
        how = "grouped" if self.grouped else "paths"
        return (f"<Explanation {self.derivative} = {self.total!r}: "
                f"{self.path_count} path(s), {how}>")


class EntryExplanation(Explanation):
    """The :class:`Explanation` of ∂C/∂w^l_jk, written as BP4 over the batch:
    ``terms`` [(sample, a^{l-1}_k, δ^l_j)], ``program`` the matrix program's lines
    for the layer (:func:`explain` with ``entry=(j, k)``)."""

    terms: list[tuple[int, float, float]]
    program: list[str]
    entry_lines: list[str]

    def __init__(self, base, terms, program, entry_lines):
        self.__dict__.update(base.__dict__)
        self.terms, self.program, self.entry_lines = terms, program, entry_lines

    def lines(self) -> list[str]:
        return self.entry_lines


# ---------------------------------------------------------------------------
# explain()
# ---------------------------------------------------------------------------

def find_node(root, wrt, where="explain"):
    """``wrt`` as a node of root's graph: a Value, the name of exactly one node, or
    the short label (t7, leaf2) an unnamed node is printed with."""
    if isinstance(wrt, str):
        nodes = graph.all_nodes(root)
        if wrt not in names.nodes_by_name(nodes):
            # a short label the answers print (t7, leaf2) finds its node too
            labelled = Labels(root, nodes).node_called(wrt)
            if labelled is not None:
                return labelled
        from .matrix_form import matrices_note, network_entry
        try:
            return names.find_node(nodes, wrt, where, lambda: matrices_note(root)
                                   + Labels(root, nodes).labels_note(wrt))
        except names.NodeNameError:      # W2[1,2], as a matrix verdict's table labels it
            entry = network_entry(root, wrt)
            if entry is None:
                raise
            return entry
    if not hasattr(wrt, "_prev"):
        entry = "; explain one entry of a matrix of Values: W[r][c]" if listlike(wrt) else ""
        raise TypeError(f"{where}: wrt must be a Value or a node's name, got "
                        f"{type(wrt).__name__} {short_repr(wrt)}{entry}")
    return wrt


def _latex_aside(expression):
    """A definition's right-hand side in LaTeX: an unnamed leaf's number alone, a node
    named by a question with ``(leaf1 in the steps)`` as text."""
    if expression.endswith(" (an unnamed leaf)"):
        return expression.removesuffix(" (an unnamed leaf)")
    found = re.fullmatch(r"(.*) \((\S+ in the steps)\)", expression)
    return f"{found[1]} \\ \\text{{({found[2]})}}" if found else expression



def _check_root(root, where):
    if not hasattr(root, "_prev") or not hasattr(root, "_opr"):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__} {short_repr(root)}")


def engine_gradients(root):
    """{node: ∂root/∂node} for every node below root, by the engine's rules.

    No ``grad`` changes and no hook runs (:func:`autograd.engine.gradients`),
    so explaining never changes what a learner's own backward() accumulated.
    """
    return engine.gradients(root)


def count_paths(root, wrt, order=None):
    """{node: number of paths from wrt up to node} for every node that wrt reaches."""
    count = {wrt: 1}
    for node in order if order is not None else graph.topological_order(root):
        if node is wrt:
            continue
        c = 0
        for p in node._prev:
            c += count.get(p, 0)
        if c:
            count[node] = c
    return count


def local_derivatives(node, cache):
    """(∂node/∂parent_i for each parent i), by the op's own rule, memoised."""
    found = cache.get(node)
    if found is None:
        found = cache[node] = tuple(node._opr.backward(node, 1.0))
    return found


def enumerate_paths(root, wrt, count):
    """Every path as a list of edges (child, parent index), wrt's edge first.

    Depth-first from the root down, following only parents that reach wrt
    (``count`` from :func:`count_paths`); iterative, so depth is no limit.
    """
    def edges(node):
        return [i for i, p in enumerate(node._prev) if p in count]

    found = []
    trail = []                      # edges from root down to the current node
    stack = [(root, iter(edges(root)))]
    while stack:
        node, pending = stack[-1]
        i = next(pending, None)
        if i is None:
            stack.pop()
            if trail:
                trail.pop()
            continue
        trail.append((node, i))
        parent = node._prev[i]
        if parent is wrt:
            found.append(trail[::-1])
            trail.pop()
        else:
            stack.append((parent, iter(edges(parent))))
    return found


def explain(root: Value, wrt: Value | str | Any, *, limit: int = DEFAULT_LIMIT,
            entry: tuple[int, int] | None = None) -> Explanation:
    """∂root/∂wrt as a sum over the paths from ``wrt`` to ``root``.

    ``wrt`` is a Value or the name of one node.  Runs a backward pass of its own
    (every ``grad`` is restored afterwards) and asserts that the paths sum to the
    engine's gradient.  Above ``limit`` paths the explanation is grouped by
    δ_v = ∂root/∂v instead of listing paths.  ``explain(C, layer, entry=(j, k))``
    explains ∂C/∂w^l_jk of a batch as BP4 over the samples
    (:class:`EntryExplanation`, its text from :mod:`autograd.matrix_explain`).
    """
    if entry is not None or hasattr(wrt, "neurons"):
        from .matrix_explain import entry_text, entry_weight
        layer, j, k, weight = entry_weight(wrt, entry)
        base = explain(root, weight, limit=limit)
        return EntryExplanation(base, *entry_text(root, layer, j, k, weight, base))
    if isinstance(wrt, str):
        from .matrix_explain import refuse_matrix_name
        refuse_matrix_name(root, wrt)
    result = explanation_of(root, wrt, limit, "explain")
    if result.path_count == 0:
        wrt = result.wrt     # an unnamed one by its label, as the steps print it
        said = (f"explain: {result.name_of(root)} does not depend on "
                f"{ops.describe(wrt) if wrt.name else result.name_of(wrt)}: "
                f"no path leads from it to the root (its gradient is 0)")
        definitions = result.definitions([said])   # the labels it uses, as the steps'
        raise ValueError(f"{said}; here {', '.join(definitions)}" if definitions else said)
    return result


def explanation_of(root, wrt, limit, where):
    """:func:`explain`'s answer, and for a ``wrt`` the root does not depend on an
    explanation with no paths and a gradient of 0 (what :func:`autograd.check.check`
    judges); ``where`` starts the error messages."""
    _check_root(root, where)
    wrt = find_node(root, wrt, where)
    limit = positive_int(limit, f"{where}: limit")          # (a numpy int too)
    labels = Labels(root)
    text_namer, latex_namer = Namer(TextNotation(), labels), Namer(LatexNotation(), labels)
    grads = engine_gradients(root)
    if wrt is root:
        return Explanation(root, wrt, 1.0, grads.get(root, 1.0), 1, limit, paths=[Path((), text_namer)],
                           namer=text_namer)
    order = graph.topological_order(root)
    count = count_paths(root, wrt, order)
    n_paths = count.get(root, 0)
    if n_paths == 0:
        return Explanation(root, wrt, 0.0, 0.0, 0, limit, paths=[], namer=text_namer)
    engine_grad = grads[wrt]
    locals_cache: dict[Value, tuple[float, ...]] = {}
    factors: dict[tuple[Value, int], Factor] = {}
    rules: dict[Value, tuple[Any, Any]] = {}

    def factor(child, i):
        key = (child, i)
        f = factors.get(key)
        if f is None:
            found = rules.get(child)
            if found is None:
                found = rules[child] = (local_rules(child, text_namer.expr, text_namer.n),
                                        local_rules(child, latex_namer.expr, latex_namer.n))
            value = local_derivatives(child, locals_cache)[i]
            f = factors[key] = Factor(child, i, value, text_namer, found[0](i), found[1](i))
        return f

    if n_paths <= limit:
        reach: dict[Value, set[Value]] = {}
        paths = [Path([factor(c, i) for c, i in edges], text_namer, reach)
                 for edges in enumerate_paths(root, wrt, count)]
        distinguish(paths)
        total = math.fsum(p.product for p in paths)
        scale = math.fsum(abs(p.product) for p in paths)
        result = Explanation(root, wrt, total, engine_grad, n_paths, limit, paths=paths,
                             namer=text_namer)
    else:
        deltas = [(node, grads[node]) for node in reversed(order) if node in count]
        edges_out = []
        for node in order:
            for i, p in enumerate(node._prev):
                if p is wrt:
                    edges_out.append((factor(node, i), grads[node]))
        total = math.fsum(f.value * d for f, d in edges_out)
        scale = math.fsum(abs(f.value * d) for f, d in edges_out)
        result = Explanation(root, wrt, total, engine_grad, n_paths, limit, deltas=deltas,
                             edges_out=edges_out, namer=text_namer)
    _assert_same(result, scale)
    return result


def _assert_same(explanation, scale):
    """The paths must sum to the engine's gradient, to rounding."""
    total, grad = explanation.total, explanation.engine
    if not (math.isfinite(total) and math.isfinite(grad)):
        return  # inf/nan rules (e.g. √ at 0) make both sides non-finite
    if abs(total - grad) > 1e-9 * scale + 1e-300:
        raise AssertionError(
            f"explain: the paths sum to {total!r} but backward() gives {grad!r} for "
            f"{explanation.derivative}; a hook that changes gradients makes them differ")

"""Code generation for :mod:`autograd.jit`: one traced graph -> Python source.

The generated function is straight-line code over local float variables:

* the parameters' numbers are read into locals once per call
  (``w2_11 = p_w2_11.data``), constants are inlined as literals;
* one forward line per node, in topological order, from the op record's
  ``source`` (``z2_1 = w2_11 * x1 + b2_1  # dot``), or a call of its forward;
* one backward line per gradient ``g_v = ∂root/∂v``, children before parents,
  each written from the op record's ``vjp`` expression, with the textbook
  rule in a comment (``g_h = w2 * g_net2  # ∂net2/∂h = w2``).  A node used by
  several others gets one line that adds its contributions in the order the
  eager engine adds them;
* the parameters' gradients are added to their ``.grad`` once, at the end.

Branchy derivatives (relu, pow at 0, max at a tie) are conditional
expressions, so the code is right for every input, not only the traced one,
and the arithmetic is the eager engine's operation for operation: results
agree with ``Value.backward()`` to the last bit.  Long sums (a wide ``dot``,
a node with many consumers) continue over several lines (``z = z + ...``),
so a 100,000-term sum compiles and still adds left to right.
"""

import keyword
import math
import re
import unicodedata

from . import expr as E
from . import ops
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any
from itertools import chain as _chain
from itertools import repeat as _repeat
from operator import add as _add
from operator import attrgetter
from operator import mul as _mul

from .expr_source import (ATOM, COND, CMP, AND, LITERAL_NAMES, OR, PROD, SUM, SourceWriter,
                          literal, wrap)
from .engine import passes, taking_turns
from .floats import idiv, iexp, ilog, ipow, left_sum
from .names import plain
from .notation import Labels, TextNotation, forward_expr, local_rules, number
from .ops import CONSTANT

_data_of = attrgetter("data")
_grad_of = attrgetter("grad")
#: runs an iterator out in C, keeping nothing: ``consume(map(setattr, ...))``
consume: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend


def grads_added(parameters, grads):
    """The sums ``p.grad + g`` for each parameter and its gradient, as a list (one
    loop in C): the TypeError of a grad no float can be added to (``w.grad = None``)
    comes before any sum is stored by :func:`grads_stored`."""
    return list(map(_add, map(_grad_of, parameters), grads))


def grads_stored(parameters, sums):
    """The lazy ``p.grad = s`` for each parameter and its sum: run out by ``consume``
    it stores them all in one call into C."""
    return map(setattr, parameters, _repeat("grad"), sums)


def grads_adding(parameters, grads):
    """The lazy ``p.grad += g`` for each parameter and its gradient: run out by
    ``consume``, each is read, added and stored in one call into C, which neither
    Ctrl-C nor another thread can split (CPython runs a signal's handler and
    switches threads between calls, not inside a C loop)."""
    return grads_stored(parameters, map(_add, map(_grad_of, parameters), grads))


__all__ = ["Program", "generate", "HELPERS", "Graph", "expression_source"]

#: a sum of more terms than this is written over several lines, t = t + ... (Python's
#: compiler recurses once per + of one expression; inline + is faster than any call)
CHUNK = 100
#: a dot of at least this many weights is a "wide row": its weights are read as one
#: tuple and its sums run in C (left_sum(map(mul, W, A))), see _Emitter.plan_rows
WIDE_DOT = 32

#: the names the generated code calls: math functions, IEEE helpers (never raise),
#: and each op's forward where it has no inline source (pow, softplus, maximum, ...)
HELPERS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh, **LITERAL_NAMES,
}
#: op name -> the helper that computes it IEEE-style inside derivative code
_IEEE_HELPERS = {}
for _op in ops.OPS.values():
    if _op.forward is None:
        continue
    HELPERS.setdefault(_op.name, _op.forward)
    if _op.ieee is not _op.forward:
        _IEEE_HELPERS[_op.name] = "i" + _op.name
        HELPERS["i" + _op.name] = _op.ieee
HELPERS.update(idiv=idiv, ipow=ipow, ilog=ilog, iexp=iexp, left_sum=left_sum, mul=_mul,
               TAKING_TURNS=taking_turns, PASSES=passes, add=_add, repeat=_repeat, data_of=_data_of, chain=_chain,
               grads_added=grads_added, grads_stored=grads_stored, grads_adding=grads_adding,
               consume=consume)

_RESERVED = frozenset(HELPERS) | frozenset(keyword.kwlist) | {
    "abs", "PARAMETERS", "samples", "seed", "total", "_e", "None", "True", "False", "args",
    "rows", "sums", "row_sums", "ROWS_ADDED", "READ_ONLY", "ADDED", "GRADS", "float", "tuple", "zip", "map",
    "locals"}


def may_raise(op, parents):
    """Whether a node's forward can raise for some numbers (log of 0, 1/0, exp overflow):
    its op's record has an IEEE forward beside its strict one, and it is not a division
    by a nonzero constant (inf / 2 is inf)."""
    if op.forward is None or op.ieee is op.forward:
        return False
    divisor = parents[-1]
    return not (op is ops.DIV and divisor._opr is CONSTANT and divisor.data != 0.0)


def in_sample(err, i):
    """``err`` with the batch's sample ``i`` (from 1) named, as every batch names it
    (the Python backend, the numpy backend, nn.train)."""
    return type(err)(f"{err} (sample {i} of the batch)")


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def sanitize(name):
    """A node name as a Python identifier: ``y'`` -> ``y_prime``, ``a^2`` -> ``a_2``,
    ``w³₁₂`` -> ``w3_12`` (as the answers read it); letters of any alphabet stay
    (``δ3``).  NFKC first, as Python reads an identifier (``x₁`` is ``x1``), so two
    names that Python would read as one are one here, and get told apart."""
    if name.isascii() and name.isidentifier() and name[0] != "_":   # most names: w2_11
        return name
    text = unicodedata.normalize("NFKC", plain(name))
    text = text.replace("'", "_prime").replace("∂", "d").replace("/", "_")
    text = "".join(ch if ("a" + ch).isidentifier() else "_" for ch in text)
    if not text or not text[0].isidentifier() or text[0] == "_":
        text = "v_" + text
    return text


class Names:
    """Hands out unique local names; ``v`` also reserves ``g_v`` and ``p_v``."""

    def __init__(self, reserved=_RESERVED):
        self.used = set(reserved)

    def take(self, wanted):
        base = sanitize(wanted)
        name, k = base, 2
        while {name, "g_" + name, "p_" + name} & self.used:
            name, k = f"{base}__{k}", k + 1
        self.used.update((name, "g_" + name, "p_" + name))
        return name


# ---------------------------------------------------------------------------
# Expressions as Python source (the backward pass)
# ---------------------------------------------------------------------------

def _is_simple(text):
    return re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*|\{\w+\}|\(?-?[0-9.e+-]+\)?|inf|nan|\(-inf\)",
                        text) is not None


class PythonSource(SourceWriter):
    """Expressions as Python over floats; IEEE helpers stand where Python would
    raise (``idiv``, ``ipow``, ``ilog``, ...)."""

    def divide(self, a, b, divisor):
        if divisor.constant and divisor.value != 0.0:
            return f"{wrap(a, PROD)} / {wrap(b, PROD + 1)}", PROD
        return f"idiv({a[0]}, {b[0]})", ATOM

    def power(self, a, b):
        return f"ipow({a[0]}, {b[0]})", ATOM

    def choose(self, c, x, y):
        return f"({wrap(x, OR)} if {wrap(c, OR)} else {wrap(y, COND)})", ATOM

    def indicator(self, c):
        return f"(1.0 if {c[0]} else 0.0)", ATOM

    def compare(self, a, symbol, b):
        return f"{wrap(a, SUM)} {symbol} {wrap(b, SUM)}", CMP

    def both(self, a, b):
        return f"{wrap(a, CMP)} and {wrap(b, CMP)}", AND

    def truth(self, x):
        return x

    def call(self, op, sources):
        helper = _IEEE_HELPERS.get(op.name)
        if helper is not None:
            return f"{helper}({', '.join(sources)})", ATOM
        if op.source is not None and not callable(op.source) and all(map(_is_simple, sources)):
            return f"({op.source.format(*sources)})", ATOM
        return f"{op.name}({', '.join(sources)})", ATOM


def expression_source(expr, env):
    """Python source of a derivative expression; ``env`` maps variables to
    source (names or literals).  IEEE helpers stand where Python would raise."""
    return PythonSource(env).write(expr)


# ---------------------------------------------------------------------------
# The emitted program
# ---------------------------------------------------------------------------

class LineInfo:
    """What one generated line computes, for error messages.

    node      the graph node it belongs to
    phase     "forward" or "backward"
    operands  source code of the node's parents (local names or literals)
    """

    __slots__ = ("node", "phase", "operands", "target")

    def __init__(self, node, phase, operands, target):
        self.node = node
        self.phase = phase
        self.operands = operands
        self.target = target            # the node's own local name


class Program:
    """Generated source plus what is needed to run it and explain its errors."""

    def __init__(self, name, kind, source, lines, parameters, input_names):
        self.name = name                # the generated function's name
        self.kind = kind                # "step", "batch" or "forward"
        self.source = source
        self.lines = lines              # line number -> LineInfo
        self.parameters = parameters    # the parameter Values, in PARAMETERS order
        self.input_names = input_names  # argument names
        self.filename = None            # set when compiled: <chainrule-jit:NAME>
        self.function = None            # the compiled function (no error translation)
        self.namespace = {}             # tuples of parameter Values the code reads (ROW_...)


class Graph:
    """A traced graph split into inputs, parameters, constants and derived nodes.

    ``detached`` maps a node made under ``no_grad()`` inside the traced
    function to the ``(parents, op)`` it was computed by: its forward is
    generated, but no gradient flows through it.  ``derivatives``: the nodes
    of gradient graphs, whose forward is IEEE (inf, nan), never an error.
    ``made``: every node the traced function made, in the order it made them.

    ``forward`` is the order of the forward lines: the nodes made before the
    trace, then the others in the order the function made them, so the first
    line that raises is the node where the eager function raised.  It holds the
    ``unused`` nodes too: made by the function, not needed by the root, but whose
    forward can raise (``(x - 2).log()`` left unused), with the unused nodes they
    are computed from, and ``read_only`` the parameters only they read; eager
    computed them (and raised) as the function ran, so the code computes them, with
    no gradient.
    """

    def __init__(self, root, inputs, nodes, detached=None, derivatives=(), made=()):
        self.root = root
        self.inputs = list(inputs)
        self.detached = detached or {}
        self.derivatives = derivatives
        placeholder = set(map(id, inputs))
        self.parameters = [n for n in nodes if not self.parents(n) and n._opr is not CONSTANT
                           and id(n) not in placeholder]
        self.derived = [n for n in nodes if self.parents(n)]
        #: every node but the placeholders: what a hook could be on (constants included)
        self.watched = [n for n in nodes if id(n) not in placeholder]
        self.unused, self.read_only = self._unused(made, nodes)
        created = {id(n): i for i, n in enumerate(made)}
        computed = self.derived + self.unused
        self.forward = ([n for n in computed if id(n) not in created] +
                        sorted((n for n in computed if id(n) in created),
                               key=lambda n: created[id(n)]))

    def parents(self, node):
        found = self.detached.get(node)
        return found[0] if found is not None else node._prev

    def op(self, node):
        found = self.detached.get(node)
        return found[1] if found is not None else node._opr

    def _unused(self, made, nodes):
        """``(unused, read_only)``: the nodes made but not needed whose forward can
        raise, with the unused nodes they come from, parents first; and the parameters
        only those read."""
        seen = set(map(id, nodes)) | set(map(id, self.inputs))
        strict = [n for n in made if id(n) not in seen and self.parents(n)
                  and n not in self.derivatives and may_raise(self.op(n), self.parents(n))]
        unused, read_only = [], []
        stack = [(n, False) for n in reversed(strict)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                unused.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            parents = self.parents(node)
            if not parents:
                if node._opr is not CONSTANT:
                    read_only.append(node)
                continue
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(parents) if id(p) not in seen)
        return unused, read_only


def generate(graph, fn_name, kind, input_grads=False):
    """Source for ``kind`` "step" (forward + backward), "batch" (a loop over
    samples) or "forward" (the output only)."""
    return _Emitter(graph, fn_name, kind, input_grads).program()


class _Emitter:
    #: names the generated code reads (helpers, builtins, its own locals): never a node's
    reserved = _RESERVED

    def __init__(self, graph, fn_name, kind, input_grads):
        self.graph = graph
        self.kind = kind
        self.input_grads = input_grads and kind == "step"
        self.code = {}       # id(node) -> local name
        self.lines = []      # (text, LineInfo or None)
        self.written = set() # id(node) of every node whose g_ line is emitted
        self._templates = {}  # see edge_templates
        self.read_groups = set()  # the wide-row groups whose input tuple is emitted
        names = Names(self.reserved)
        self.fn_name = names.take(fn_name)
        for node in graph.inputs:
            self.code[id(node)] = names.take(node.name or "x")
        # every node as Labels(root) calls it (unnamed ones t1, t2, ..., leaf1, ... as in
        # explain, check, the steps and the pictures), made an identifier (y' -> y_prime)
        labels = Labels(graph.root)
        for node in graph.parameters + graph.derived + graph.read_only + graph.unused:
            self.code[id(node)] = names.take(labels(node))
        self.plan_rows(names)

    #: the numpy emitter writes whole arrays instead
    wide_rows = True

    def plan_rows(self, names):
        """Find the wide rows: dot nodes z = Σ_k w_k a_k (+ b) with at least WIDE_DOT
        weights that are parameters used by nothing else.  Their weights are read
        as one tuple per call, their forward is left_sum(map(mul, W, A)), and their
        weights' gradients are a list made by map.  The dots that share one input
        tuple A form a group; when every consumer of each input is one of the
        group's dots, the inputs' gradients are one C-level sum each, over the
        group in the order the eager engine adds them (bit for bit the same)."""
        g = self.graph
        self.rows, self.groups, self.row_of_weight = {}, {}, set()
        if not self.wide_rows:
            return
        uses = {}
        for node in g.derived + g.unused:
            for p in g.parents(node):
                uses[id(p)] = uses.get(id(p), 0) + 1
        params = {id(n) for n in g.parameters}
        for node in g.derived:
            if g.op(node) is not ops.DOT or node in g.detached:
                continue
            parents = node._prev
            n = len(parents) // 2
            weights, inputs = parents[:n], parents[n:2 * n]
            if n < WIDE_DOT or len({id(w) for w in weights}) != n or not all(
                    id(w) in params and uses[id(w)] == 1 for w in weights):
                continue
            key = tuple(id(a) for a in inputs)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = {"name": names.take(f"A{len(self.groups) + 1}"),
                                            "inputs": inputs, "members": []}
            group["members"].append(node)
            self.rows[id(node)] = (names.take(f"W_{self.code[id(node)]}"), group)
            self.row_of_weight.update(id(w) for w in weights)
        for group in self.groups.values():
            inputs, members = group["inputs"], group["members"]
            group["vector_grads"] = (len({id(a) for a in inputs}) == len(inputs) and all(
                a._opr is not CONSTANT and uses.get(id(a)) == len(members) for a in inputs))
            group["pending"] = len(members)
            group["upstreams"] = []

    # -- helpers ---------------------------------------------------------------

    def src(self, node):
        """How the code refers to a node's number."""
        if node._opr is CONSTANT:
            return literal(node.data)
        return self.code[id(node)]

    def label(self, node):
        """How comments refer to a node (constants as plain numbers)."""
        if node._opr is CONSTANT:
            return number(node.data)
        return self.code[id(node)]

    def add_gradients(self, written, rows):
        """The lines that add the gradients to the parameters' .grad, all or none.

        Every sum ``g_w = p_w.grad + g_w`` is made before any ``p_w.grad = g_w``
        is stored, so a grad no float can be added to (``w.grad = None``) raises
        with every grad as it was.  Between the first read and the last store no
        call is made, and CPython runs a signal's handler (and switches threads)
        only at a call or a loop's jump back, so neither Ctrl-C nor another
        thread's step comes between them: the wide rows' adds, a loop, are made
        ready before them and run after them in one call into C (``consume``),
        each read, added and stored there (so a None among the rows' grads alone
        stops that loop where it is: a sum list first cost a wide step 5%).  While
        another thread's backward() holds its sums in .grad, every sum is made
        before any is stored, in turn.  A grad that is a number but not a float is
        added as it is (``1j``, an array: backward() refuses those, at a cost per
        step the generated code does not pay)."""
        self.emit(1, "# add the gradients to the parameters: every sum, then every store")
        if rows:
            self.namespace["ROWS_ADDED"] = tuple(
                p for row, _ in rows for p in self.namespace[f"ROW_{row}"])
            row_grads = f"chain({', '.join(f'g_{row}' for row, _ in rows)})"
            self.emit(1, f"rows = grads_adding(ROWS_ADDED, {row_grads})")
        self.namespace["ADDED"] = tuple(self.added(written))
        # (read by name on this rare path: a tuple of every g_w in the source cost 7% of
        # the compile of a 2-16-16-1 step, as much again in its batch)
        self.namespace["GRADS"] = tuple(f"g_{p}" for p in written)
        self.emit(1, "if PASSES[0]:  # another thread's backward() or grad() holds its sums in "
                     ".grad: take turns")
        self.emit(2, "with TAKING_TURNS:")
        if written:
            self.emit(3, "sums = grads_added(ADDED, map(locals().__getitem__, GRADS))")
        if rows:
            self.emit(3, f"row_sums = grads_added(ROWS_ADDED, {row_grads})")
        if written:
            self.emit(3, "consume(grads_stored(ADDED, sums))")
        if rows:
            self.emit(3, "consume(grads_stored(ROWS_ADDED, row_sums))")
        self.emit(1, "else:")
        for p in written:
            self.emit(2, f"g_{p} = p_{p}.grad + g_{p}")
        for p in written:
            self.emit(2, f"p_{p}.grad = g_{p}")
        if rows:
            self.emit(2, "consume(rows)  # the rows' p.grad += g, in C")

    def added(self, written):
        """The parameters whose locals are ``written`` (``w`` for ``p_w``), in that order."""
        by_local = {self.code[id(n)]: n for n in self.graph.parameters}
        return [by_local[p] for p in written]

    def read_only(self, indent):
        """The numbers of the parameters that only unused nodes read (no gradient)."""
        if self.graph.read_only:
            self.namespace["READ_ONLY"] = tuple(self.graph.read_only)
            self.emit(indent, "# parameters only unused nodes read (no gradient)")
            for i, node in enumerate(self.graph.read_only):
                self.emit(indent, f"{self.code[id(node)]} = READ_ONLY[{i}].data")

    def emit(self, indent, text, info=None):
        self.lines.append(("    " * indent + text, info))

    # -- the program -------------------------------------------------------------

    def program(self):
        g = self.graph
        args = [self.code[id(n)] for n in g.inputs]
        params = [self.code[id(n)] for n in g.parameters]
        body = 2 if self.kind == "batch" else 1
        if self.kind == "batch":
            self.emit(0, f"def {self.fn_name}(samples, seed):")
            doc = (f"Σ over samples of {self.fn_name}({', '.join(args)}); adds seed·∂Σ/∂p "
                   f"to each parameter's .grad.")
        else:
            self.emit(0, f"def {self.fn_name}({', '.join(args)}):")
            doc = {"step": f"{self.label(g.root)} and its gradient: adds ∂{self.label(g.root)}/∂p "
                           f"to each parameter's .grad",
                   "forward": f"{self.label(g.root)} only (no gradient)"}[self.kind]
            if self.input_grads:
                doc += "; returns (output, input gradients)"
            doc += "."
        self.emit(1, f'"""{doc}"""')
        needs = self.needs_grad() if self.kind != "forward" else {}
        scalar = [(n, p) for n, p in zip(g.parameters, params) if id(n) not in self.row_of_weight]
        if scalar:
            self.emit(1, "# the parameters' numbers, read once per call")
            if len(scalar) == len(params) and len(params) <= CHUNK:
                self.emit(1, f"{', '.join('p_' + p for p in params)}"
                             f"{',' if len(params) == 1 else ''} = PARAMETERS")
            else:   # runs of consecutive parameters, at most CHUNK to a line
                index = {id(n): i for i, n in enumerate(g.parameters)}
                runs = []
                for n, p in scalar:
                    i = index[id(n)]
                    if runs and runs[-1][1] == i and len(runs[-1][2]) < CHUNK:
                        runs[-1][1], runs[-1][2] = i + 1, runs[-1][2] + [p]
                    else:
                        runs.append([i, i + 1, [p]])
                for start, end, names_ in runs:
                    self.emit(1, f"{', '.join('p_' + p for p in names_)}, = "
                                 f"PARAMETERS[{start}:{end}]")
            for _, p in scalar:
                self.emit(1, f"{p} = p_{p}.data")
        self.namespace = {}
        self.read_only(1)
        if self.rows:
            self.emit(1, "# wide rows: each neuron's weights as one tuple (W_z[k-1] = w_k)")
        for node in g.derived:
            found = self.rows.get(id(node))
            if found is not None:
                row, _ = found
                n = len(node._prev) // 2
                self.namespace[f"ROW_{row}"] = tuple(node._prev[:n])
                self.emit(1, f"{row} = tuple(map(data_of, ROW_{row}))")
        if self.kind != "forward":
            for group in self.groups.values():
                if group["vector_grads"] and needs.get(id(group["inputs"][0])):
                    order = [self.rows[id(z)][0] for z in reversed(group["members"])]
                    self.emit(1, f"C_{group['name']} = tuple(zip({', '.join(order)}))"
                                 f"  # the columns, in the order the gradients are added")
        if self.kind == "batch":
            grads = [p for n, p in scalar if needs.get(id(n))]
            if grads or self.rows:
                self.emit(1, "# gradients summed over the samples")
                for p in grads:
                    self.emit(1, f"g_{p} = -0.0")
                # a wide row keeps each sample's upstream gradient, its group each
                # sample's inputs: the weights' gradients are summed after the loop
                for node in g.derived:
                    if id(node) in self.rows and needs.get(id(node)):
                        self.emit(1, f"U_{self.rows[id(node)][0]} = []")
                for group in self.groups.values():
                    if any(map(needs.get, map(id, group["members"]))):
                        self.emit(1, f"S_{group['name']} = []")
            self.emit(1, "total = 0.0")
            target = f"{', '.join(args)}{',' if len(args) == 1 else ''}" if args else "_"
            self.emit(1, f"for {target} in samples:")
        self.emit(body, "# forward")
        for node in g.forward:
            self.emit_forward(body, node)
        root = self.src(g.root)
        if self.kind != "forward" and needs.get(id(g.root)):
            self.backward(body, needs)
        if self.kind == "batch":
            self.emit(2, f"total += {root}")
        if self.kind != "forward":
            written = [p for n, p in scalar if needs.get(id(n))]
            rows = [self.rows[id(n)] for n in g.derived
                    if id(n) in self.rows and needs.get(id(n))]
            if self.kind == "batch" and rows:
                self.emit(1, "# wide rows: ∂Σ/∂w_k = Σ_samples a_k g_z, summed in C, in "
                             "sample order")
                for group in self.groups.values():
                    if any(map(needs.get, map(id, group["members"]))):
                        self.emit(1, f"T_{group['name']} = tuple(zip(*S_{group['name']}))"
                                     f"  # each input over the samples")
                for row, group in rows:
                    self.emit(1, f"g_{row} = [left_sum(map(mul, a, U_{row})) "
                                 f"for a in T_{group['name']}]")
            if written or rows:
                self.add_gradients(written, rows)
        if self.kind == "batch":
            self.emit(1, "return total")
        elif self.input_grads:
            # an input the output does not depend on has no g_ line: its gradient is 0.
            # backward() adds a fresh leaf's sum to its 0.0 (0.0 + -0.0 is 0.0): so do we
            grads = ", ".join(f"0.0 + g_{a}" if id(n) in self.written else "0.0"
                              for n, a in zip(g.inputs, args))
            self.emit(1, f"return {root}, ({grads}{',' if len(args) == 1 else ''})")
        else:
            self.emit(1, f"return {root}")
        text = "\n".join(t for t, _ in self.lines) + "\n"
        infos = {i: info for i, (_, info) in enumerate(self.lines, 1) if info is not None}
        program = Program(self.fn_name, self.kind, text, infos, tuple(g.parameters), args)
        program.namespace = self.namespace
        return program

    def needs_grad(self):
        """id(node) -> True for nodes whose gradient the program must compute."""
        g = self.graph
        needs = {id(n): True for n in g.parameters}
        if self.input_grads:
            needs.update((id(n), True) for n in g.inputs)
        for node in g.derived:
            # (maps, not a generator: one that any() leaves unfinished is closed, and a
            # Ctrl-C as it closes would be printed and dropped by Python)
            if node not in g.detached and any(map(needs.get, map(id, node._prev))):
                needs[id(node)] = True
        # only what the root's backward reaches: not through a node made under no_grad()
        # (a parameter only such nodes read gets no gradient, and its .grad stays as it is)
        reached = {id(g.root)}
        for node in reversed(g.derived):
            if id(node) in reached and node not in g.detached:
                reached.update(map(id, node._prev))
        return {key: True for key in needs if key in reached}

    # -- forward -------------------------------------------------------------------

    def emit_forward(self, indent, node):
        """One node's forward line(s): the op's inline source, a sum written out
        term by term (continued over lines when long), or a call of its forward."""
        g = self.graph
        op = g.op(node)
        note = " (no gradient: computed under no_grad)" if node in g.detached else ""
        if node in g.unused:
            note = " (unused: computed because it can raise, as it does eagerly; no gradient)"
        a = [self.src(p) for p in g.parents(node)]
        info = LineInfo(node, "forward", a, self.src(node))
        found = self.rows.get(id(node))
        if found is not None:
            row, group = found
            n = len(a) // 2
            if group["name"] not in self.read_groups:   # the shared input tuple, once per sample
                self.read_groups.add(group["name"])
                self.emit_sum(indent, group["name"], [f"({', '.join(a[n:2 * n])},)"],
                              "the inputs of a wide layer", None)
            bias = f" + {a[2 * n]}" if len(a) & 1 else ""
            self.emit(indent, f"{self.code[id(node)]} = left_sum(map(mul, {row}, "
                              f"{group['name']})){bias}  # dot (a wide row, summed in C)", info)
            return
        if node in g.derivatives and op.name in _IEEE_HELPERS:   # a derivative: IEEE
            self.emit_sum(indent, self.code[id(node)], self.ieee_terms(op, a),
                          f"{op.name} (IEEE: a derivative)", info)
            return
        self.emit_sum(indent, self.code[id(node)], self.forward_terms(op, a, g.parents(node)),
                      f"{op.name}{note}", info)

    def ieee_terms(self, op, a):
        """The forward of a derivative node, by the op's IEEE helper (never raises)."""
        return [f"{_IEEE_HELPERS[op.name]}({', '.join(a)})"]

    def forward_terms(self, op, a, parents):
        """The terms whose sum is the node's forward value (one term but for sums)."""
        if op is ops.DOT:
            n = len(a) // 2
            return [f"{w} * {x}" for w, x in zip(a[:n], a[n:2 * n])] + a[2 * n:]
        if op is ops.SUM:
            return a
        return [_inline(op, a, parents) or f"{op.name}({', '.join(a)})"]

    #: how a derivative expression becomes source (the numpy emitter reads arrays)
    expression = staticmethod(expression_source)

    def emit_sum(self, indent, target, terms, comment, info, accumulate=False):
        """``target = t1 + t2 + ...`` (``+=`` when accumulating), added left to right;
        more than CHUNK terms continue on further lines as ``s = s + ...``."""
        if len(terms) <= CHUNK:
            value = " + ".join(t if i == 0 else _plus_operand(t) for i, t in enumerate(terms))
            self.emit(indent, f"{target} {'+=' if accumulate else '='} {value}  # {comment}", info)
            return
        partial = f"_sum_{target}" if accumulate else target  # no node's name starts with _
        for start in range(0, len(terms), CHUNK):
            chunk = [_plus_operand(t) if i or start else t
                     for i, t in enumerate(terms[start:start + CHUNK])]
            head = "" if start == 0 else f"{partial} + "
            note = f"  # {comment} ({len(terms)} terms)" if start == 0 else ""
            self.emit(indent, f"{partial} = {head}{' + '.join(chunk)}{note}", info)
        if accumulate:
            self.emit(indent, f"{target} += {partial}", info)

    # -- backward ------------------------------------------------------------------

    def backward(self, indent, needs):
        """One line per gradient, emitted once its last contribution is known."""
        g = self.graph
        batch = self.kind == "batch"
        # how many contributions each node will receive, to know when it is complete
        pending = {}
        for node in g.derived:
            if node in g.detached or not needs.get(id(node)):
                continue
            for p in node._prev:
                if needs.get(id(p)):
                    pending[id(p)] = pending.get(id(p), 0) + 1
        terms = {}
        root = self.code[id(g.root)]
        is_param = {id(n) for n in g.parameters}
        self.emit(indent, "# backward: g_v = ∂" + self.label(g.root) + "/∂v, children before parents")
        self.emit_root_gradient(indent, root, batch and id(g.root) in is_param)
        self.written.add(id(g.root))
        for node in reversed(g.derived):
            if not needs.get(id(node)):
                continue
            parents = node._prev
            wanted = [i for i, p in enumerate(parents) if needs.get(id(p))]
            if not wanted:
                continue
            if id(node) in self.rows:
                self.backward_row(indent, node, needs, pending, terms, is_param, batch)
                continue
            templates = self.edge_templates(node)
            name = self.code[id(node)]
            operands = [self.src(p) for p in parents]
            env = {f"x{i}": src for i, src in enumerate(operands)}
            env["out"], env["g"] = name, "g_" + name
            labels = {f"x{i}": self.label(p) for i, p in enumerate(parents)}
            for i in wanted:
                parent = parents[i]
                term, rule = templates[i]
                terms.setdefault(id(parent), []).append(
                    (term.format_map(env),
                     f"∂{self.label(node)}/∂{self.label(parent)} = {rule.format_map(labels)}"))
                pending[id(parent)] -= 1
                if pending[id(parent)] == 0:
                    self.emit_gradient(indent, parent, terms.pop(id(parent)),
                                       batch and id(parent) in is_param,
                                       LineInfo(node, "backward", operands, name))

    def backward_row(self, indent, node, needs, pending, terms, is_param, batch):
        """A wide row's backward: its weights' gradients as one list, its bias as
        usual, its inputs' gradients one C-level sum each once the group is done."""
        row, group = self.rows[id(node)]
        parents = node._prev
        n = len(parents) // 2
        name = self.code[id(node)]
        info = LineInfo(node, "backward", [self.src(p) for p in parents], name)
        if batch:
            self.emit(indent, f"U_{row}.append(g_{name})  # ∂{name}/∂w_k = a_k: summed after "
                              f"the loop", info)
            if group["members"][-1] is node:   # the first of the group to be processed
                self.emit(indent, f"S_{group['name']}.append({group['name']})", info)
        else:
            self.emit(indent, f"g_{row} = [*map(mul, {group['name']}, repeat(g_{name}))]"
                              f"  # ∂{name}/∂w_k = a_k", info)
        if len(parents) & 1 and needs.get(id(parents[2 * n])):
            bias = parents[2 * n]
            terms.setdefault(id(bias), []).append(
                (f"g_{name}", f"∂{self.label(node)}/∂{self.label(bias)} = 1"))
            pending[id(bias)] -= 1
            if pending[id(bias)] == 0:
                self.emit_gradient(indent, bias, terms.pop(id(bias)),
                                   batch and id(bias) in is_param, info)
        inputs = parents[n:2 * n]
        if not group["vector_grads"]:
            templates = self.edge_templates(node)
            env = {f"x{i}": self.src(p) for i, p in enumerate(parents)}
            env["out"], env["g"] = name, "g_" + name
            for i in range(n, 2 * n):
                parent = parents[i]
                if not needs.get(id(parent)):
                    continue
                terms.setdefault(id(parent), []).append(
                    (templates[i][0].format_map(env),
                     f"∂{self.label(node)}/∂{self.label(parent)} = {self.label(parents[i - n])}"))
                pending[id(parent)] -= 1
                if pending[id(parent)] == 0:
                    self.emit_gradient(indent, parent, terms.pop(id(parent)),
                                       batch and id(parent) in is_param, info)
            return
        group["upstreams"].append(f"g_{name}")
        group["pending"] -= 1
        if group["pending"] or not needs.get(id(inputs[0])):
            return
        targets = [f"g_{self.code[id(a)]}" for a in inputs]
        self.emit(indent, f"G_{group['name']} = ({', '.join(group['upstreams'])},)", info)
        self.emit(indent, f"{', '.join(targets)}, = [left_sum(map(mul, c, G_{group['name']})) "
                          f"for c in C_{group['name']}]  # ∂/∂a_k = Σ_j w_jk g_zj", info)
        self.written.update(id(a) for a in inputs)

    def emit_root_gradient(self, indent, root, accumulate):
        """``g_root = 1.0`` (times the seed in a batch)."""
        batch = self.kind == "batch"
        self.emit(indent, f"g_{root} {'+=' if accumulate else '='} {'seed' if batch else '1.0'}"
                          f"  # ∂{root}/∂{root} = 1" + (" (times seed)" if batch else ""),
                  LineInfo(self.graph.root, "backward", [], root))

    def edge_templates(self, node):
        """For each operand i of ``node``: the source of its chain-rule term and the
        rule for its comment, with ``{x0}``, ``{out}``, ``{g}`` where names go.

        Made once per op, operand count and constant operands (a wide layer's
        nodes share them), so generating the code is linear in the edges.
        """
        parents = node._prev
        fixed = ops.fixed_operands(node)
        constants = tuple((i, p.data, bool(p.name)) for i, p in enumerate(parents)
                          if p._opr is CONSTANT)
        key = (node._opr, len(parents), fixed, constants)
        found = self._templates.get(key)
        if found is not None:
            return found
        exprs = node._opr.vjp_exprs(len(parents), fixed)
        folded = {f"x{i}": value for i, value, _ in constants}
        places = {f"x{i}": f"{{x{i}}}" for i in range(len(parents))}
        places["out"], places["g"] = "{out}", "{g}"
        slot = {}
        for i, p in enumerate(parents):
            slot.setdefault(id(p), f"{{x{i}}}")

        def placeholder(p):
            if p._opr is CONSTANT and not p.name:
                return (number(p.data), ops.ATOM)
            return (slot.get(id(p), "?"), ops.ATOM)   # "?": only for grandparents, unused

        notation = TextNotation()
        own = forward_expr(node, [placeholder(p) for p in parents], notation)
        rule_of = local_rules(node, placeholder, notation, out=own)
        found = self._templates[key] = [
            (self.expression(E.substitute(e, folded) if folded else e, places),
             rule_of(i).formula(notation))
            for i, e in enumerate(exprs)]
        return found

    def emit_gradient(self, indent, parent, parts, accumulate, info):
        """``g_v = t1 + t2 + ...  # rules``: v's contributions in the engine's order."""
        self.written.add(id(parent))
        comment = "; ".join(r for _, r in parts) if len(parts) <= 4 else \
            f"{len(parts)} contributions: {parts[0][1]}; ..."
        self.emit_sum(indent, "g_" + self.code[id(parent)], [t for t, _ in parts], comment,
                      info, accumulate)


def _inline(op, operands, parents):
    """The op's inline source for these operands, or None (then the code calls its forward)."""
    if op.source is None:
        return None
    if callable(op.source):
        return op.source(operands, parents)
    return op.source.format(*operands)


def _plus_operand(term):
    """A term added after another: parenthesised if it is itself a sum or a conditional."""
    if " + " not in term and " - " not in term and " if " not in term:
        return term
    depth = 0
    for i, ch in enumerate(term):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and (term.startswith((" + ", " - "), i) or term.startswith(" if ", i)):
            return f"({term})"
    return term

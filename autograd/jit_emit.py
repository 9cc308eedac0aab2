"""Code generation for :mod:`autograd.jit`: one traced graph -> Python source.

The generated function is straight-line code over local float variables:

* the parameters' numbers are read into locals once per call
  (``w2_11 = p_w2_11.data``), constants are inlined as literals;
* one forward line per node, in topological order (``z2_1 = w2_11 * x1 + b2_1  # dot``);
* one backward line per gradient ``g_v = ∂root/∂v``, children before parents,
  each with a comment naming the rule (``g_h = w2 * g_net2  # ∂net2/∂h = w2``).
  A node used by several others (fan-in of gradient) gets one line that sums
  its contributions, in the order the eager engine adds them;
* the parameters' gradients are added to their ``.grad`` once, at the end.

Branchy ops (relu, abs, sqrt at 0, pow at 0) become conditional expressions,
so the code is right for every input, not only for the traced one.  The
arithmetic is the eager engine's, operation for operation, so results agree
with ``Value.backward()`` to the last bit in all but sign-of-zero and NaN
corner cases.
"""

import keyword
import math
import re

from . import ops
from .ops import (
    ABS, ADD, CONSTANT, DIV, DOT, EXP, LOG, MUL, NEG, POW, RELU, SIGMOID, SQRT, SUB, SUM, TANH,
)

__all__ = ["Program", "generate", "HELPERS"]

#: the names the generated code calls (pow is math.pow: real results or ValueError)
HELPERS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "pow": math.pow, "inf": math.inf, "nan": math.nan,
}

_RESERVED = frozenset(HELPERS) | frozenset(keyword.kwlist) | {
    "abs", "PARAMETERS", "samples", "seed", "total", "_e", "None", "True", "False"}


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

def sanitize(name):
    """A node name as a Python identifier: ``y'`` -> ``y_prime``, ``a^2`` -> ``a_2``."""
    text = name.replace("'", "_prime")
    text = re.sub(r"[^0-9A-Za-z_]", "_", text)
    if not text or text[0].isdigit():
        text = "v_" + text
    return text


class Names:
    """Hands out unique local names; ``v`` also reserves ``g_v`` and ``p_v``."""

    def __init__(self):
        self.used = set(_RESERVED)

    def take(self, wanted):
        base = sanitize(wanted)
        name, k = base, 2
        while {name, "g_" + name, "p_" + name} & self.used:
            name, k = f"{base}__{k}", k + 1
        self.used.update((name, "g_" + name, "p_" + name))
        return name


def literal(x):
    """A float as Python source that is safe as an operand: ``0.5``, ``(-0.3)``, ``inf``."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "(-inf)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


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


class Graph:
    """A traced graph split into inputs, parameters, constants and derived nodes."""

    def __init__(self, root, inputs, nodes):
        self.root = root
        self.inputs = list(inputs)
        placeholder = set(map(id, inputs))
        self.parameters = [n for n in nodes if not n._prev and n._op is not CONSTANT
                           and id(n) not in placeholder]
        self.derived = [n for n in nodes if n._prev]


def generate(graph, fn_name, kind, input_grads=False):
    """Source for ``kind`` "step" (forward + backward), "batch" (a loop over
    samples) or "forward" (the output only)."""
    return _Emitter(graph, fn_name, kind, input_grads).program()


class _Emitter:
    def __init__(self, graph, fn_name, kind, input_grads):
        self.graph = graph
        self.kind = kind
        self.input_grads = input_grads and kind == "step"
        self.code = {}       # id(node) -> local name or literal
        self.lines = []      # (text, LineInfo or None)
        names = Names()
        self.fn_name = names.take(fn_name)
        for node in graph.inputs:
            self.code[id(node)] = names.take(node.name or "x")
        for k, node in enumerate(graph.parameters, 1):
            self.code[id(node)] = names.take(node.name or f"leaf{k}")
        unnamed = 0
        for node in graph.derived:
            if node.name:
                self.code[id(node)] = names.take(node.name)
            else:
                unnamed += 1
                self.code[id(node)] = names.take(f"t{unnamed}")

    # -- helpers ---------------------------------------------------------------

    def src(self, node):
        """How the code refers to a node's number."""
        if node._op is CONSTANT:
            return literal(node.data)
        return self.code[id(node)]

    def label(self, node):
        """How comments refer to a node (constants as plain numbers)."""
        if node._op is CONSTANT:
            return f"{node.data:g}"
        return self.code[id(node)]

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
        if params:
            self.emit(1, "# the parameters' numbers, read once per call")
            self.emit(1, f"{', '.join('p_' + p for p in params)}{',' if len(params) == 1 else ''} = PARAMETERS")
            for p in params:
                self.emit(1, f"{p} = p_{p}.data")
        if self.kind == "batch":
            grads = [p for n, p in zip(g.parameters, params) if needs.get(id(n))]
            if grads:
                self.emit(1, "# gradients summed over the samples")
                for p in grads:
                    self.emit(1, f"g_{p} = 0.0")
            self.emit(1, "total = 0.0")
            self.emit(1, f"for {', '.join(args)}{',' if len(args) == 1 else ''} in samples:")
        self.emit(body, "# forward")
        for node in g.derived:
            note = " (stable form)" if node._op is SIGMOID else ""
            self.emit(body, f"{self.code[id(node)]} = {self.forward_expr(node)}  # {node._op.name}{note}",
                      LineInfo(node, "forward", [self.src(p) for p in node._prev], self.src(node)))
        root = self.src(g.root)
        if self.kind != "forward" and needs.get(id(g.root)):
            self.backward(body, needs)
        if self.kind == "batch":
            self.emit(2, f"total += {root}")
        if self.kind != "forward":
            written = [p for n, p in zip(g.parameters, params) if needs.get(id(n))]
            if written:
                self.emit(1, "# add the gradients to the parameters, once")
                for p in written:
                    self.emit(1, f"p_{p}.grad += g_{p}")
        if self.kind == "batch":
            self.emit(1, "return total")
        elif self.input_grads:
            grads = ", ".join(f"g_{a}" if needs.get(id(n)) else "0.0"
                              for n, a in zip(g.inputs, args))
            self.emit(1, f"return {root}, ({grads}{',' if len(args) == 1 else ''})")
        else:
            self.emit(1, f"return {root}")
        text = "\n".join(t for t, _ in self.lines) + "\n"
        infos = {i: info for i, (_, info) in enumerate(self.lines, 1) if info is not None}
        return Program(self.fn_name, self.kind, text, infos, tuple(g.parameters), args)

    def needs_grad(self):
        """id(node) -> True for nodes whose gradient the program must compute."""
        needs = {id(n): True for n in self.graph.parameters}
        if self.input_grads:
            needs.update((id(n), True) for n in self.graph.inputs)
        for node in self.graph.derived:
            if any(needs.get(id(p)) for p in node._prev):
                needs[id(node)] = True
        return needs

    # -- forward -------------------------------------------------------------------

    def forward_expr(self, node):
        op = node._op
        a = [self.src(p) for p in node._prev]
        if op is ADD:
            return f"{a[0]} + {a[1]}"
        if op is SUB:
            return f"{a[0]} - {a[1]}"
        if op is MUL:
            return f"{a[0]} * {a[1]}"
        if op is DIV:
            return f"{a[0]} / {a[1]}"
        if op is NEG:
            return f"-{a[0]}"
        if op is POW:
            exponent = node._prev[1]
            if exponent._op is CONSTANT and math.isfinite(exponent.data) \
                    and exponent.data == int(exponent.data):
                return f"{a[0]} ** {a[1]}"   # integral power: real for any base
            return f"pow({a[0]}, {a[1]})"    # math.pow: ValueError where ** gives a complex
        if op is EXP:
            return f"exp({a[0]})"
        if op is LOG:
            return f"log({a[0]})"
        if op is SIGMOID:
            z = a[0]
            return f"1.0 / (1.0 + exp(-{z})) if {z} >= 0.0 else (_e := exp({z})) / (1.0 + _e)"
        if op is TANH:
            return f"tanh({a[0]})"
        if op is RELU:
            return f"{a[0]} if {a[0]} > 0.0 else 0.0"
        if op is ABS:
            return f"abs({a[0]})"
        if op is SQRT:
            return f"sqrt({a[0]})"
        if op is SUM:
            return " + ".join(a)
        if op is DOT:
            n = len(a) // 2
            terms = [f"{w} * {x}" for w, x in zip(a[:n], a[n:2 * n])]
            return " + ".join(terms + a[2 * n:])
        raise NotImplementedError(f"jit: no code generation for op {op.name!r} ({ops.describe(node)})")

    # -- backward ------------------------------------------------------------------

    def backward(self, indent, needs):
        """One line per gradient, emitted once its last contribution is known."""
        g = self.graph
        batch = self.kind == "batch"
        # how many contributions each node will receive, to know when it is complete
        pending = {}
        for node in g.derived:
            for p in node._prev:
                if needs.get(id(p)):
                    pending[id(p)] = pending.get(id(p), 0) + 1
        terms = {}
        root = self.code[id(g.root)]
        is_param = {id(n) for n in g.parameters}
        self.emit(indent, "# backward: g_v = ∂" + self.label(g.root) + "/∂v, children before parents")
        assign = "+=" if batch and id(g.root) in is_param else "="
        self.emit(indent, f"g_{root} {assign} {'seed' if batch else '1.0'}  # ∂{root}/∂{root} = 1"
                  + (" (times seed)" if batch else ""), LineInfo(g.root, "backward", [], root))
        for node in reversed(g.derived):
            if not needs.get(id(node)):
                continue
            for i, parent in enumerate(node._prev):
                if not needs.get(id(parent)):
                    continue
                term = self.local_times_upstream(node, i)
                rule = f"∂{self.label(node)}/∂{self.label(parent)} = {ops.rule_text(node, i, self.label)}"
                terms.setdefault(id(parent), []).append((term, rule))
                pending[id(parent)] -= 1
                if pending[id(parent)] == 0:
                    name = self.code[id(parent)]
                    parts = terms.pop(id(parent))
                    assign = "+=" if batch and id(parent) in is_param else "="
                    self.emit(indent,
                              f"g_{name} {assign} {' + '.join(t for t, _ in parts)}  "
                              f"# {'; '.join(r for _, r in parts)}",
                              LineInfo(node, "backward", [self.src(p) for p in node._prev], self.src(node)))

    def local_times_upstream(self, node, i):
        """Source of ``∂node/∂parent_i · g_node``, as the eager rule computes it."""
        op = node._op
        g = "g_" + self.code[id(node)]
        v = self.code[id(node)]
        a = [self.src(p) for p in node._prev]
        if op is ADD or op is SUM:
            return g
        if op is SUB:
            return g if i == 0 else f"-{g}"
        if op is MUL:
            return f"{a[1 - i]} * {g}"
        if op is DIV:
            return f"1.0 / {a[1]} * {g}" if i == 0 else f"-{a[0]} / ({a[1]} * {a[1]}) * {g}"
        if op is NEG:
            return f"-{g}"
        if op is POW:
            return self.pow_term(node, i, g, v, a)
        if op is EXP:
            return f"{v} * {g}"
        if op is LOG:
            return f"1.0 / {a[0]} * {g}"
        if op is SIGMOID:
            return f"{v} * (1.0 - {v}) * {g}"
        if op is TANH:
            return f"(1.0 - {v} * {v}) * {g}"
        if op is RELU:
            return f"({g} if {a[0]} > 0.0 else 0.0)"
        if op is ABS:
            return f"({g} if {a[0]} > 0.0 else (-{g} if {a[0]} < 0.0 else 0.0))"
        if op is SQRT:
            return f"(0.5 / {v} if {v} != 0.0 else inf) * {g}"
        if op is DOT:
            n = len(a) // 2
            if i < n:
                return f"{a[i + n]} * {g}"
            if i < 2 * n:
                return f"{a[i - n]} * {g}"
            return g
        raise NotImplementedError(f"jit: no backward code for op {op.name!r} ({ops.describe(node)})")

    def pow_term(self, node, i, g, v, a):
        """c = a^n: ∂c/∂a = n·a^(n-1) (inf at a = 0 for 0 < n < 1), ∂c/∂n = c·ln a."""
        base, n = a
        exponent = node._prev[1]
        if i == 1:
            return f"({v} * log({base}) if {base} > 0.0 else (0.0 if {base} == 0.0 else nan)) * {g}"
        if exponent._op is CONSTANT:
            e = exponent.data
            if e == 2.0:
                return f"2.0 * {base} * {g}"
            general = f"{n} * {base} ** {literal(e - 1.0)}"
            if e >= 1.0:
                return f"{general} * {g}"
            at_zero = "0.0" if e == 0.0 else "inf"
            return f"({at_zero} if {base} == 0.0 else {general}) * {g}"
        return (f"((0.0 if {n} == 0.0 else inf) if {base} == 0.0 and {n} < 1.0 "
                f"else {n} * {base} ** ({n} - 1.0)) * {g}")

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

from . import expr as E
from . import ops
from .floats import idiv, iexp, ilog, ipow
from .notation import TextNotation, forward_expr, local_rules, number, short_names
from .ops import CONSTANT

__all__ = ["Program", "generate", "HELPERS", "Graph", "expression_source"]

#: a sum of more terms than this is written over several lines, t = t + ... (Python's
#: compiler recurses once per + of one expression; inline + is faster than any call)
CHUNK = 100

#: the names the generated code calls: math functions, IEEE helpers (never raise),
#: and each op's forward where it has no inline source (pow, softplus, maximum, ...)
HELPERS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "inf": math.inf, "nan": math.nan,
}
#: op name -> the helper that computes it IEEE-style inside derivative code
_IEEE_HELPERS = {}
for _op in ops.OPS.values():
    if _op.forward is None:
        continue
    if _op.source is None or callable(_op.source):
        HELPERS[_op.name] = _op.forward
    if _op.ieee is not _op.forward:
        _IEEE_HELPERS[_op.name] = "i" + _op.name
        HELPERS["i" + _op.name] = _op.ieee
HELPERS.update(idiv=idiv, ipow=ipow, ilog=ilog, iexp=iexp)

_RESERVED = frozenset(HELPERS) | frozenset(keyword.kwlist) | {
    "abs", "PARAMETERS", "samples", "seed", "total", "_e", "None", "True", "False", "args"}


# ---------------------------------------------------------------------------
# Names and literals
# ---------------------------------------------------------------------------

def sanitize(name):
    """A node name as a Python identifier: ``y'`` -> ``y_prime``, ``a^2`` -> ``a_2``."""
    text = name.replace("'", "_prime")
    text = re.sub(r"[^0-9A-Za-z_]", "_", text)
    if not text or text[0].isdigit() or text[0] == "_":
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
# Expressions as Python source (the backward pass)
# ---------------------------------------------------------------------------

# Python's precedences, low to high
_COND, _OR, _AND, _CMP, _SUM, _PROD, _UNARY, _ATOM = 0, 1, 2, 4, 5, 6, 7, 9
_PY_COMPARE = {"gt": ">", "ge": ">=", "eq": "=="}


def expression_source(expr, env):
    """Python source of a derivative expression; ``env`` maps variables to
    source (names or literals).  IEEE helpers stand where Python would raise."""
    return _source(expr, env)[0]


def _wrap(src, min_prec):
    text, prec = src
    return text if prec >= min_prec else f"({text})"


def _is_simple(text):
    return re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*|\(?-?[0-9.e+-]+\)?|inf|nan|\(-inf\)", text) is not None


def _condition(expr, env):
    """A condition as a Python boolean expression."""
    kind = expr.kind
    if kind in _PY_COMPARE:
        a, b = (_source(x, env) for x in expr.args)
        return f"{_wrap(a, _SUM)} {_PY_COMPARE[kind]} {_wrap(b, _SUM)}", _CMP
    if kind == "and":
        a, b = (_condition(x, env) for x in expr.args)
        return f"{_wrap(a, _CMP)} and {_wrap(b, _CMP)}", _AND
    return _source(expr, env)


def _source(expr, env):
    kind = expr.kind
    if kind == "const":
        return literal(expr.value), _ATOM
    if kind == "var":
        return env[expr.value], _ATOM
    args = expr.args
    if kind in ("add", "sub"):
        a, b = (_source(x, env) for x in args)
        op = " + " if kind == "add" else " - "
        return f"{_wrap(a, _SUM)}{op}{_wrap(b, _SUM + 1)}", _SUM
    if kind == "mul":
        a, b = (_source(x, env) for x in args)
        return f"{_wrap(a, _PROD)} * {_wrap(b, _PROD + 1)}", _PROD
    if kind == "div":
        a, b = (_source(x, env) for x in args)
        divisor = args[1]
        if divisor.constant and divisor.value != 0.0:
            return f"{_wrap(a, _PROD)} / {_wrap(b, _PROD + 1)}", _PROD
        return f"idiv({a[0]}, {b[0]})", _ATOM
    if kind == "neg":
        return "-" + _wrap(_source(args[0], env), _UNARY), _UNARY
    if kind == "pow":
        a, b = (_source(x, env) for x in args)
        return f"ipow({a[0]}, {b[0]})", _ATOM
    if kind == "where":
        c = _condition(args[0], env)
        x, y = _source(args[1], env), _source(args[2], env)
        return f"({_wrap(x, _OR)} if {_wrap(c, _OR)} else {_wrap(y, _COND)})", _ATOM
    if kind in _PY_COMPARE or kind == "and":
        return f"(1.0 if {_condition(expr, env)[0]} else 0.0)", _ATOM
    op = ops.OPS[kind]
    sources = [_source(x, env)[0] for x in args]
    helper = _IEEE_HELPERS.get(kind)
    if helper is not None:
        return f"{helper}({', '.join(sources)})", _ATOM
    if op.source is not None and not callable(op.source) and all(map(_is_simple, sources)):
        return f"({op.source.format(*sources)})", _ATOM
    return f"{kind}({', '.join(sources)})", _ATOM


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
    """A traced graph split into inputs, parameters, constants and derived nodes.

    ``detached`` maps a node made under ``no_grad()`` inside the traced
    function to the ``(parents, op)`` it was computed by: its forward is
    generated, but no gradient flows through it.
    """

    def __init__(self, root, inputs, nodes, detached=None):
        self.root = root
        self.inputs = list(inputs)
        self.detached = detached or {}
        placeholder = set(map(id, inputs))
        self.parameters = [n for n in nodes if not self.parents(n) and n._op is not CONSTANT
                           and id(n) not in placeholder]
        self.derived = [n for n in nodes if self.parents(n)]

    def parents(self, node):
        found = self.detached.get(node)
        return found[0] if found is not None else node._prev

    def op(self, node):
        found = self.detached.get(node)
        return found[1] if found is not None else node._op


def generate(graph, fn_name, kind, input_grads=False):
    """Source for ``kind`` "step" (forward + backward), "batch" (a loop over
    samples) or "forward" (the output only)."""
    return _Emitter(graph, fn_name, kind, input_grads).program()


class _Emitter:
    def __init__(self, graph, fn_name, kind, input_grads):
        self.graph = graph
        self.kind = kind
        self.input_grads = input_grads and kind == "step"
        self.code = {}       # id(node) -> local name
        self.lines = []      # (text, LineInfo or None)
        names = Names()
        self.fn_name = names.take(fn_name)
        for node in graph.inputs:
            self.code[id(node)] = names.take(node.name or "x")
        # unnamed nodes: t1, t2, ... and leaf1, ... as every picture and step calls them
        short = short_names(list(graph.inputs) + graph.parameters + graph.derived)
        for node in graph.parameters + graph.derived:
            self.code[id(node)] = names.take(node.name or short[node])

    # -- helpers ---------------------------------------------------------------

    def src(self, node):
        """How the code refers to a node's number."""
        if node._op is CONSTANT:
            return literal(node.data)
        return self.code[id(node)]

    def label(self, node):
        """How comments refer to a node (constants as plain numbers)."""
        if node._op is CONSTANT:
            return number(node.data)
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
                    self.emit(1, f"g_{p} = -0.0")
            self.emit(1, "total = 0.0")
            self.emit(1, f"for {', '.join(args)}{',' if len(args) == 1 else ''} in samples:")
        self.emit(body, "# forward")
        for node in g.derived:
            self.emit_forward(body, node)
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
        g = self.graph
        needs = {id(n): True for n in g.parameters}
        if self.input_grads:
            needs.update((id(n), True) for n in g.inputs)
        for node in g.derived:
            if node not in g.detached and any(needs.get(id(p)) for p in node._prev):
                needs[id(node)] = True
        return needs

    # -- forward -------------------------------------------------------------------

    def emit_forward(self, indent, node):
        """One node's forward line(s): the op's inline source, a sum written out
        term by term (continued over lines when long), or a call of its forward."""
        g = self.graph
        op = g.op(node)
        note = " (no gradient: computed under no_grad)" if node in g.detached else ""
        a = [self.src(p) for p in g.parents(node)]
        info = LineInfo(node, "forward", a, self.src(node))
        if op is ops.DOT:
            n = len(a) // 2
            terms = [f"{w} * {x}" for w, x in zip(a[:n], a[n:2 * n])] + a[2 * n:]
        elif op is ops.SUM:
            terms = a
        else:
            terms = [_inline(op, a, g.parents(node)) or f"{op.name}({', '.join(a)})"]
        self.emit_sum(indent, self.code[id(node)], terms, f"{op.name}{note}", info)

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
            if node in g.detached:
                continue
            for p in node._prev:
                if needs.get(id(p)):
                    pending[id(p)] = pending.get(id(p), 0) + 1
        terms = {}
        root = self.code[id(g.root)]
        is_param = {id(n) for n in g.parameters}
        notation = TextNotation()
        self.emit(indent, "# backward: g_v = ∂" + self.label(g.root) + "/∂v, children before parents")
        assign = "+=" if batch and id(g.root) in is_param else "="
        self.emit(indent, f"g_{root} {assign} {'seed' if batch else '1.0'}  # ∂{root}/∂{root} = 1"
                  + (" (times seed)" if batch else ""), LineInfo(g.root, "backward", [], root))
        for node in reversed(g.derived):
            if not needs.get(id(node)):
                continue
            parents = node._prev
            wanted = [i for i, p in enumerate(parents) if needs.get(id(p))]
            if not wanted:
                continue
            exprs = node._op.vjp_exprs(len(parents), ops.fixed_operands(node))
            constants = {f"x{i}": p.data for i, p in enumerate(parents) if p._op is CONSTANT}
            env = {f"x{i}": self.src(p) for i, p in enumerate(parents)}
            name = self.code[id(node)]
            env["out"], env["g"] = name, "g_" + name
            operands = [self.src(p) for p in parents]

            labels = [(self.label(p), ops.ATOM) for p in parents]
            own = forward_expr(node, labels, notation)
            rule_of = local_rules(node, lambda p: (self.label(p), ops.ATOM), notation, out=own)
            for i in wanted:
                parent = parents[i]
                tree = E.substitute(exprs[i], constants) if constants else exprs[i]
                term = expression_source(tree, env)
                rule = rule_of(i).formula(notation)
                terms.setdefault(id(parent), []).append(
                    (term, f"∂{self.label(node)}/∂{self.label(parent)} = {rule}"))
                pending[id(parent)] -= 1
                if pending[id(parent)] == 0:
                    self.emit_gradient(indent, parent, terms.pop(id(parent)),
                                       batch and id(parent) in is_param,
                                       LineInfo(node, "backward", operands, name))

    def emit_gradient(self, indent, parent, parts, accumulate, info):
        """``g_v = t1 + t2 + ...  # rules``: v's contributions in the engine's order."""
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
    depth = 0
    for i, ch in enumerate(term):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and (term.startswith((" + ", " - "), i) or term.startswith(" if ", i)):
            return f"({term})"
    return term

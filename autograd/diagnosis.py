"""What a wrong hand-derived gradient most likely left out.

:func:`diagnose` searches the chain-rule paths (see :mod:`autograd.explain`)
for the smallest mistake that reproduces the value a person gave: a sign
flip, one term of a sum used on its own, a whole path left out, only one
path counted, or a few local-derivative factors left out of every path (or
of one path).  A mistake is named only when it reproduces the value at the
precision it was given (:meth:`autograd.precision.Precision.reproduces`) and
the true gradient does not: at those digits the mistaken value and the true
one differ.
"""

import math
from contextlib import contextmanager
from itertools import chain, combinations

from . import engine, graph, names, ops
from .notation import number, slope_at
from .precision import formula_gives

__all__ = ["Diagnosis", "diagnose", "too_few_digits", "sum_terms", "term_kind", "gradient_of",
           "wrong_node", "wrong_function", "wrong_term_sign", "one_change", "SEARCH_BUDGET",
           "MOST_FACTORS"]

#: at most this many (subset × path) products are tried per search
SEARCH_BUDGET = 300_000
#: at most this many factors are left out of a path in one guess
MOST_FACTORS = 3
#: sums with more terms than this are not searched term by term
MOST_TERMS = 1000


class Diagnosis:
    """What a wrong hand value most likely left out.

    kind      "sign flip", "held grad" (the value is wrt's .grad, several passes
              added up: :func:`_held_grad`), "missing path", "only one path", "one term of a sum",
              "missing coefficient", "missing factors", "no path" (the root does not
              depend on wrt), "wrong node" (a formula names w3_11 where the chain
              rule has w3_12: :func:`wrong_node`), "wrong function" (σ(z) for σ'(z):
              :func:`wrong_function`), "wrong sign of a term" (a + for a −:
              :func:`wrong_term_sign`) or None
              (nothing small explains it)
    message   one or two sentences naming it
    finding   the same in a few words for a verdict's first line, with "your value"
              standing for what was given (``your value leaves out w4·w2 on path 1``)
    paths     [(path number, Path)] involved (missing or kept)
    factors   [(path number, Path, [Factor])] left out, root side first
    term      (term number, term node, its gradient) for "one term of a sum"
    """

    def __init__(self, kind, message, paths=(), factors=(), term=None, finding=None):
        self.kind = kind
        self.message = message
        self.finding = finding or "no small mistake reproduces your value"
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


def factor_names(factors):
    """``w4·w2``; in a product a factor without a symbol is ``∂L/∂u`` alone, so that
    its ``= 0.5`` is never read as the product's value."""
    if len(factors) == 1:
        return factor_name(factors[0])
    return "·".join(f.partial if f.rule.symbol is None else f.formula for f in factors)


def _matcher(given):
    """``given`` as a function v -> bool: a Precision's ``reproduces``, or a callable."""
    reproduces = getattr(given, "reproduces", None)
    return reproduces if reproduces is not None else given


def diagnose(explanation, expected, given):
    """The smallest explanation of ``expected``, a value ∂root/∂wrt was given as.

    ``given`` is the value's :class:`autograd.precision.Precision` (or a
    function ``close(v)`` saying whether v matches it).  Returns None when the
    true gradient itself matches: at the precision given there is no mistake
    to name, or when the value or the gradient is NaN or infinite (no mistake in a
    derivation is told apart by them: the verdict says what they are).
    """
    if not (math.isfinite(expected) and math.isfinite(explanation.engine)):
        return None
    found = _diagnose(explanation, expected, given)
    if found is not None and found.kind is None:
        found = _rounded(explanation, expected, given) or found
    return found


def _rounded(explanation, expected, given):
    """The mistake that gives the value to its first few digits (the precision's
    ``rounded_look``), when none gives all of them: a derivation worked by hand with
    rounded intermediate values.  None when none does, or the gradient itself does."""
    look = getattr(given, "rounded_look", None)
    shorter = look() if look is not None else None
    if shorter is None:
        return None
    found = _diagnose(explanation, expected, shorter)
    if found is None or found.kind is None:
        return None
    k = shorter.digits
    found.finding += f" (to its first {k} significant digits; rounding changes the rest)"
    found.message += (f" This gives your value to its first {k} significant digits; "
                      f"intermediate values rounded along the way change the digits after.")
    return found


def _diagnose(explanation, expected, given):
    close = _matcher(given)
    same = getattr(given, "matches", close)      # the verdict's own test, at the digits given
    total = explanation.total
    hint = getattr(given, "hint", None)       # a float the engine agrees with at its own digits
    if same(total) or same(explanation.engine) or (hint is not None and hint(explanation.engine)):
        return None
    if total != 0.0 and same(-total):
        return _sign_flip(explanation)
    held = _held_grad(explanation, same)
    if held is not None:
        return held
    if not explanation.grouped and not explanation.paths:
        return _no_path(explanation)
    found = _search(explanation, close)
    if found.kind is not None and _by_chance(explanation, given):
        return _chance(given)
    if found.kind is None:
        found = _constant_factor(explanation, expected, close) or found
    if found.kind is None and same is not close and not given.tells_mistakes():
        if _search(explanation, same).kind is not None or \
                _constant_factor(explanation, expected, same) is not None:
            return too_few_digits(given)
    return found


#: what a factor 2 (or ½) most often is
HALF_HINT = (" (a factor 2 is most often the ½ of a squared error: ½(y − a)² has the "
             "derivative a − y, (y − a)² has 2(a − y))")
#: what another whole factor most often is
WHOLE_HINT = (" (a whole factor is most often a constant of the cost counted once too often "
              "or left out: a mean's 1/m over the m samples, the ½ of a squared error)")


def constant_factor(ratio, reproduces):
    """k, a whole number up to 1000, its reciprocal or −1, when the value given is k times
    the engine's: ``ratio`` is given ÷ engine (of one pair), and ``reproduces(k)`` says
    whether k times the engine's gives every value given, at the digits given.  Else None."""
    if not math.isfinite(ratio) or not 1e-3 <= abs(ratio) <= 1e3:
        return None
    for k in (round(ratio), 1 / round(1 / ratio) if abs(ratio) < 1 else None):
        if k and k != 1 and reproduces(k):
            return k
    return None


def factor_words(k):
    """``4 times``, ``1/4 of`` or ``-1/4 of``, for ``your value is … the engine's``."""
    if abs(k) >= 1:
        return f"{number(k, 6)} times"
    return f"{'-' if k < 0 else ''}1/{number(abs(1 / k), 6)} of"


def factor_hint(k, root=None):
    """What a factor k most often is (:data:`HALF_HINT`, :data:`WHOLE_HINT`); for a factor
    2 or ½ with a ``root`` whose graph squares nothing (:func:`squares`), nothing: there
    is no squared error whose ½ it could be."""
    if abs(k) not in (2, 0.5):
        return WHOLE_HINT
    return HALF_HINT if root is None or squares(root) else ""


def squares(root):
    """Whether the graph of ``root`` squares a value: u ** 2, or u * u."""
    return any(node._opr is ops.POW and node._prev[1].data == 2.0 or
               node._opr is ops.MUL and node._prev[0] is node._prev[1]
               for node in graph.all_nodes(root))


def _constant_factor(explanation, expected, close):
    """The Diagnosis "constant factor" when the value is k times the engine's gradient
    (a whole k other than ±1, or 1/k) at the digits given.  Else None."""
    engine_value = explanation.engine
    if engine_value == 0.0:
        return None
    k = constant_factor(expected / engine_value, lambda k: close(k * engine_value))
    if k is None or k == -1:
        return None
    times = factor_words(k)
    return Diagnosis("constant factor", (
        f"Your value is {times} the engine's {number(engine_value, 12)}: every path is off "
        f"by the same constant factor{factor_hint(k, explanation.root)}."),
        finding=f"your value is {times} the engine's")


#: at most this many other nodes are tried in place of one name of a formula
MOST_SWAPS = 1000


def the_one_change(formula, engine_value, changes):
    """The Diagnosis of the one change that makes ``formula`` give ``engine_value``
    (:func:`autograd.precision.formula_gives`) when exactly one of ``changes`` does;
    None when none does, or several (which one the person meant is not known).

    Each change is ``(typed, change, diagnosis)``: what the formula has, a context
    manager that makes the change, gives what the chain rule would have there, and
    puts the formula back as it leaves, and ``diagnosis(typed, right, engine_value)``,
    the Diagnosis that names it.  A change whose formula cannot be evaluated (log of
    a negative number) gives nothing."""
    found = []
    for typed, change, diagnosis in changes:
        with change as right:
            try:
                value = formula.evaluate()
            except (ArithmeticError, ValueError):
                continue
        if formula_gives(value, engine_value):
            found.append((typed, right, diagnosis))
    if len(found) != 1:
        return None
    typed, right, diagnosis = found[0]
    return diagnosis(typed, right, engine_value)


def one_change(formula, root, engine_value):
    """The Diagnosis "wrong node", "wrong function" or "wrong sign of a term" when
    exactly one change of the three kinds makes ``formula`` give ``engine_value``
    (:func:`the_one_change`: σ(w2_1) that σ'(w2_1) and σ(w2_2) both mend names
    neither).  Else None."""
    return the_one_change(formula, engine_value, chain(
        _node_swaps(formula, root), _function_swaps(formula), _sign_turns(formula)))


@contextmanager
def _node_swapped(formula, name, other):
    """``formula`` with the node ``other`` in place of the name ``name``."""
    node = formula.nodes[name]
    formula.nodes[name] = other
    try:
        yield other.name
    finally:
        formula.nodes[name] = node


@contextmanager
def _function_swapped(formula, t):
    """``formula`` with the function at ``t`` written as its derivative (σ'(z) for
    σ(z)), or the derivative at ``t`` as its function."""
    kind, typed = t.kind, t.typed
    op = ops.OPS[kind.rstrip("'")]
    t.kind = kind[:-1] if kind.endswith("'") else kind + "'"
    t.typed = op.symbol + ("'" if t.kind.endswith("'") else "")
    try:
        right = formula.reading(t)
        if t.kind.endswith("'") and op.prime is None:   # sin'(x·w) = cos(x·w); σ' is σ'
            right += " = " + slope_at(op, formula.rendered(t.args[0]))
        yield right
    finally:
        t.kind, t.typed = kind, typed


@contextmanager
def _sign_turned(formula, t):
    """``formula`` with the + at ``t`` turned into −, or the − into +."""
    kind = t.kind
    t.kind = "sub" if kind == "add" else "add"
    try:
        yield formula.reading(t)
    finally:
        t.kind = kind


def _subtrees(formula):
    """Every operation of ``formula``'s tree (names and numbers left out)."""
    stack = [formula.tree]
    while stack:
        t = stack.pop()
        stack.extend(a for a in t.args if hasattr(a, "kind"))
        yield t


def _node_swaps(formula, root):
    """The changes of :func:`wrong_node`: one name of ``formula`` as a sibling node."""
    siblings = {}
    for node in graph.all_nodes(root):
        n = names.parse(node.name) if node.name else None
        if n is not None and n.index is not None:
            siblings.setdefault((n.base, n.layer, n.sample), []).append(node)
    for name, node in list(formula.nodes.items()):
        n = names.parse(name)
        others = [] if n is None or n.index is None else [
            other for other in siblings.get((n.base, n.layer, n.sample), ())
            if other is not node]
        for other in others[:MOST_SWAPS]:
            yield name, _node_swapped(formula, name, other), _wrong_node_found


def _wrong_node_found(typed, right, engine_value):
    swapped = names.transposed(typed) == right
    why = f" (j and k swapped: {names.JK})" if swapped else ""
    return Diagnosis("wrong node", (
        f"Your formula has {names.printable(typed)} where the chain rule has "
        f"{names.printable(right)}{why}: with {names.printable(right)} in its place it gives "
        f"the engine's {number(engine_value, 12)}."),
        finding=f"your value has {names.printable(typed)} where the chain rule has "
                f"{names.printable(right)}")


def wrong_node(formula, root, engine_value):
    """The Diagnosis "wrong node" when putting one other node in place of one name of
    ``formula`` gives ``engine_value`` to 1e-9 and exactly one such swap does: a
    sibling of the name (the same letters and layer, another index: w3_11 for w3_12,
    x2 for x1, h2 for h3), the index a student most often gets wrong.  Else None."""
    return the_one_change(formula, engine_value, _node_swaps(formula, root))


#: the functions a formula may have typed for their derivative, or the other way round:
#: every op of one operand that formulas write as a function, f(z) or √z
_SLOPES = frozenset(name for name, op in ops.OPS.items()
                    if op.arity == 1 and op.notation and op.notation[0] in ("call", "sqrt"))


def _function_swaps(formula):
    """The changes of :func:`wrong_function`: one f(z) as f'(z), or one f'(z) as f(z)."""
    return ((formula.reading(t), _function_swapped(formula, t), _wrong_function_found)
            for t in _subtrees(formula) if t.kind.rstrip("'") in _SLOPES)


def _wrong_function_found(typed, right, engine_value):
    return Diagnosis("wrong function", (
        f"Your formula has {typed} where the chain rule has {right}: with {right} in its "
        f"place it gives the engine's {number(engine_value, 12)}."),
        finding=f"your value has {typed} where the chain rule has {right}")


def wrong_function(formula, engine_value):
    """The Diagnosis "wrong function" when writing one function of ``formula`` as its
    derivative, or one derivative as its function (σ(z) for σ'(z), the slip of BP1 and
    BP2), gives ``engine_value`` to 1e-9 and exactly one such change does.  Else None."""
    return the_one_change(formula, engine_value, _function_swaps(formula))


def _sign_turns(formula):
    """The changes of :func:`wrong_term_sign`: one + as −, or one − as +."""
    return ((formula.reading(t), _sign_turned(formula, t), _wrong_sign_found)
            for t in _subtrees(formula) if t.kind in ("add", "sub"))


def _wrong_sign_found(typed, right, engine_value):
    return Diagnosis("wrong sign of a term", (
        f"Your formula has {typed} where the chain rule has {right}: one term has the wrong "
        f"sign; with it turned, your formula gives the engine's {number(engine_value, 12)}."),
        finding=f"your value has {typed} where the chain rule has {right}")


def wrong_term_sign(formula, engine_value):
    """The Diagnosis "wrong sign of a term" when turning one + of ``formula`` into − or
    one − into + (2y + y² sin(xy) for 2y − y² sin(xy)) gives ``engine_value`` to 1e-9 and
    exactly one such change does.  Else None."""
    return the_one_change(formula, engine_value, _sign_turns(formula))


def too_few_digits(given):
    """A mistake gives the value only at digits so few that one would by chance
    (:meth:`autograd.precision.Precision.tells_mistakes`), and none gives it exactly:
    none is named."""
    finding, advice = given.too_few_digits()
    return Diagnosis(None, (
        f"{finding[0].upper()}{finding[1:]}: {advice}, or compare your derivation with the "
        f"explanation's paths."), finding=finding)


#: the expected number of chance matches from which a mistake found tells nothing
CHANCE = 0.05


def _by_chance(explanation, given):
    """Whether the mistakes searched for give numbers so densely around the value that one
    matches it at its digits by chance (a batch's many paths, each with its factors to
    leave out: thousands of numbers); never for a value given as a function."""
    chance = getattr(given, "chance_matches", None)
    if chance is None or explanation.grouped or len(explanation.paths) < 8:
        return False
    numbers: list[float] = []
    _search(explanation, lambda v: numbers.append(v) or False)
    return chance(numbers) >= CHANCE


def _chance(given):
    """No mistake named, since one of the many searched for matches by chance."""
    digits = given._digits_given()
    finding = (f"{digits} significant digits are too few here to tell which mistake gives your "
               f"value" if digits else "the tolerance is too wide here to tell which mistake "
               "gives your value")
    return Diagnosis(None, (
        f"{finding[0].upper()}{finding[1:]}: this graph has so many paths that the mistakes "
        f"searched for give numbers all around yours, and one matches by chance. Give more "
        f"digits (or the float you computed) to have a mistake named, or compare your "
        f"derivation with the explanation's paths."), finding=finding)


def _search(explanation, close):
    """The first mistake of the searches that gives the value (``close``), or a Diagnosis
    of kind None saying none does."""
    if explanation.grouped:
        found = _one_term(explanation, close)
        if found:
            return found
        return Diagnosis(None, (
            f"{explanation.derivative} has {explanation.path_count:,} paths, too many to search "
            f"for left-out factors; it is not a sign flip or a single term of a sum."),
            finding="it is not a sign flip or one term of a sum; the paths are too many to "
                    "search further")
    paths = explanation.paths
    for search in (_one_term, _missing_path, _only_one_path, _coefficient_left_out,
                   _factors_everywhere, _factors_on_one_path):
        found = search(explanation, close)
        if found:
            return found
    return Diagnosis(None, (
        f"No small mistake reproduces your value: it is not a sign flip, one term of a sum, "
        f"a path left out or counted alone, the number in front of a local derivative left "
        f"out, or up to {MOST_FACTORS} factors left out of every path (2 of one path). "
        f"The explanation lists "
        f"{'the one path' if len(paths) == 1 else f'all {len(paths)} paths'} "
        f"to compare with your derivation."))


def _no_path(explanation):
    root, wrt = explanation.name_of(explanation.root), explanation.name_of(explanation.wrt)
    return Diagnosis("no path", (
        f"{root} does not depend on {wrt}: no path leads from {wrt} to {root}, so "
        f"{explanation.derivative} is 0 whatever the values are."),
        finding=f"{root} does not depend on {wrt}, so its gradient is 0")


def _held_grad(explanation, same):
    """The Diagnosis "held grad" when the value is what wrt's ``.grad`` holds, which is
    not one pass's gradient (:meth:`autograd.explain.Explanation.held_grad`): the value
    was read from a leaf that added up several backward() passes.  Else None."""
    held = explanation.held_grad()
    if held is None or not same(held):
        return None
    name = explanation.name_of(explanation.wrt)
    from .explain import ADDS_UP_PASSES, as_it_stands
    return Diagnosis("held grad", (
        f"Your value is {name}.grad as it stands, {number(held, 12)}, not one backward() "
        f"pass's {explanation.derivative} = {number(explanation.engine, 12)}, most often "
        f"because {ADDS_UP_PASSES}."),
        finding=f"your value is {as_it_stands(name)}")


def _sign_flip(explanation):
    negative = None
    if not explanation.grouped:
        negative = next((f for p in explanation.paths for f in p.factors
                         if f.rule.coefficient < 0), None)
    if negative is not None:
        hint = (f" (often an error written y-y' where the derivative needs y'-y); check "
                f"{negative.partial} = {negative.formula}, the most likely culprit")
    else:   # no factor is negative: no subtraction to blame
        hint = ", or the value was written with a minus sign it does not have"
    return Diagnosis("sign flip", (
        f"Your value is the engine's with the sign flipped: one factor has the wrong "
        f"sign{hint}."),
        finding="your value has the wrong sign")


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
                f"every path."), paths=[(k, path)],
                finding=f"your value leaves out path {k} of {len(paths)}")
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
                f"path."), paths=[(k, path)],
                finding=f"your value counts only path {k} of {len(paths)}")
    return None


# ---------------------------------------------------------------------------
# One term of a sum
# ---------------------------------------------------------------------------

def sum_terms(root):
    """(scale, sum node, terms) when root = scale · Σ_i term_i, else None.

    Walks down through multiplications and divisions by constants (½, 1/m)
    to an n-ary Σ node or a chain of unnamed +.  A constant 0 among the terms
    (the start of built-in ``sum`` or ``functools.reduce``) is not a term.
    """
    node, scale = root, 1.0
    while True:
        op, parents = node._opr, node._prev
        if op is ops.MUL and parents[0]._opr is ops.CONSTANT:
            scale, node = scale * parents[0].data, parents[1]
        elif op is ops.MUL and parents[1]._opr is ops.CONSTANT:
            scale, node = scale * parents[1].data, parents[0]
        elif op is ops.DIV and parents[1]._opr is ops.CONSTANT:
            scale, node = scale / parents[1].data, parents[0]
        elif op is ops.NEG:
            scale, node = -scale, parents[0]
        else:
            break
    if node._opr is ops.SUM:
        terms = list(node._prev)
    elif node._opr is ops.ADD:
        terms, pending = [], [node]
        while pending:
            n = pending.pop()
            if n._opr is ops.ADD and (n is node or not n.name):
                pending.extend(reversed(n._prev))
            else:
                terms.append(n)
    else:
        return None
    # the constant 0 that built-in sum() and reduce(..., 0) start from is no term
    terms = [t for t in terms if not (t._opr is ops.CONSTANT and t.data == 0.0)]
    return (scale, node, terms) if len(terms) >= 2 else None


def term_kind(terms):
    """What the terms of a sum are: ``"sample"``, ``"output"`` or ``"term"``.

    Each term must read a named input of its own (a leaf that is not a
    parameter and that no other term reads: x1, a target y).  Then the terms
    are per-sample losses when they share no computed node (a batch, as
    ``nn.half_mean_squared_error`` builds it, one forward pass per sample),
    and the outputs of one sample when every term reads a computed node they
    all share (Mazur's E_o1 + E_o2 share the hidden layer).  Anything else is
    a "term".
    """
    seen_in = {}                 # node -> how many terms read it
    per_term = []
    for term in terms:
        nodes = graph.all_nodes(term)
        per_term.append(nodes)
        for node in nodes:
            seen_in[node] = seen_in.get(node, 0) + 1
    for nodes in per_term:
        own = any(node.name and node._opr.backward is None and node._opr is not ops.PARAMETER
                  and seen_in[node] == 1 for node in nodes)
        if not own:
            return "term"
    shared = [node for node, count in seen_in.items()
              if count > 1 and node._opr.backward is not None]
    if not shared:
        return "sample"
    if any(seen_in[node] == len(terms) for node in shared):
        return "output"
    return "term"


def gradient_of(top, wrt):
    """∂top/∂wrt by the ops' rules (touches no grad, calls no hook)."""
    return engine.gradients(top).get(wrt, 0.0)


_SUM_WORDS = {
    "sample": ("A sum over samples is missing", "one per sample"),
    "output": ("A sum over outputs is missing", "one per output"),
    "term": ("A term of a sum is missing", None),
}


def _one_term(explanation, close):
    """Only one term of root = scale·Σ_i term_i differentiated, when at least two
    terms depend on wrt (otherwise that one term's gradient is the whole)."""
    found = sum_terms(explanation.root)
    if found is None:
        return None
    scale, _, terms = found
    if len(terms) > MOST_TERMS:
        return None
    wrt = explanation.wrt
    grads = [gradient_of(term, wrt) for term in terms]
    if sum(g != 0.0 for g in grads) < 2:
        return None
    m = len(terms)
    for i, (term, g) in enumerate(zip(terms, grads), 1):
        if g == 0.0:
            continue
        guesses = [(g, ""), (scale * m * g, f", times {number(scale)}·{m} as if it were the "
                                             f"whole loss")]
        if scale != 1.0:
            guesses.insert(0, (scale * g, f", times the scale {number(scale)}"))
        for value, how in guesses:
            if close(value):
                return Diagnosis("one term of a sum",
                                 _one_term_message(explanation, terms, i, term, g, how),
                                 term=(i, term, g),
                                 finding=f"your value is the gradient of term {i} of "
                                         f"{len(terms)} alone")
    return None


def _one_term_message(explanation, terms, i, term, g, how):
    namer = explanation._namer
    kind = term_kind(terms)
    head, each = _SUM_WORDS[kind]
    adds = f"{len(terms)} terms" + (f", {each}" if each else "")
    return (f"{head}: your value is the gradient of term {i} of {len(terms)} alone "
            f"({namer.text(term)}, ∂/∂{namer.text(explanation.wrt)} = {number(g, 6)}{how}). "
            f"{namer.text(explanation.root)} adds {adds}, so its gradient is the sum of the "
            f"per-term gradients.")


# ---------------------------------------------------------------------------
# A coefficient left out: the 2 of d(u²)/du = 2u
# ---------------------------------------------------------------------------

def _coefficient_left_out(explanation, close):
    """The number in front of one local derivative (n of n·u^(n-1), 3 of 3·x) left out
    wherever that edge is on a path: the paths through it count 1/n of their product."""
    products = [p.product for p in explanation.paths]
    through = {}                     # edge -> (its factor, the products of the paths through it)
    for path, product in zip(explanation.paths, products):
        for f in {(f.child, f.index): f for f in path.factors}.values():
            c = f.rule.coefficient
            if f.rule.symbol is not None and c not in (0.0, 1.0, -1.0) and math.isfinite(c):
                through.setdefault((f.child, f.index), (f, []))[1].append(product)
    for f, passing in through.values():
        c = f.rule.coefficient
        if close(math.fsum(products + [p / c - p for p in passing])):
            rule = (" (the power rule: d(uⁿ)/du = n·uⁿ⁻¹ keeps n)" if f.child._opr is ops.POW
                    else "")
            return Diagnosis("missing coefficient", (
                f"A coefficient is missing: your value is the chain rule with the "
                f"{number(c)} of {f.partial} = {f.formula} left out{rule}. Multiply every local "
                f"derivative in full."),
                finding=f"your value leaves out the {number(c)} of {f.partial} = {f.formula}")
    return None


# ---------------------------------------------------------------------------
# Factors left out
# ---------------------------------------------------------------------------

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
                                 factors=left_out, finding=_factors_finding(left_out))
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
                                     _factors_message(explanation, left_out), factors=left_out,
                                     finding=_factors_finding(left_out))
    return None


def _factors_finding(left_out):
    """``your value leaves out w4·w2 on path 1 and w5·w3 on path 2``; the same factors left
    out of consecutive paths once (``a2_5(1)(1-a2_5(1)) on paths 1–10``: a batch's paths of
    one sample), so the first line stays a sentence on a wide network."""
    runs: list[list] = []
    for k, _, fs in left_out:
        names = factor_names(fs)
        if runs and runs[-1][0] == names and runs[-1][2] == k - 1:
            runs[-1][2] = k
        else:
            runs.append([names, k, k])
    parts = [f"{names} on path {first}" if first == last else
             f"{names} on paths {first}–{last}" for names, first, last in runs]
    listing = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"your value leaves out {listing}"


def _factors_message(explanation, left_out):
    """``the factors w4·w2 on path 1 (...) and w5·w3 on path 2 (...), each 0.25``."""
    products = [math.prod(f.value for f in fs) for _, _, fs in left_out]
    same = all(math.isclose(p, products[0], rel_tol=1e-12) for p in products)
    parts = []
    for (k, path, fs), value in zip(left_out, products):
        names = factor_names(fs)
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

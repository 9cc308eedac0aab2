"""Explain one entry of a gradient matrix: BP4 as a sum over the samples.

``explain(C, net.layers[i], entry=(j, k))`` explains ∂C/∂w^l_jk (Nielsen's j, k,
from 1) of a batch::

    BP4  ∂C/∂w^l_jk = Σ_samples a^{l-1}_k δ^l_j

each sample's term being the chain-rule paths through that sample (a path product
as :func:`autograd.explain.explain` gives it), then where each δ^l_j comes from
(BP1 at the output layer, BP2 below it), and the lines of the network's matrix
program (:mod:`nn.matrix`) for that layer beside it.
"""

from __future__ import annotations

import math
import re

from . import names
from .floats import listlike, short_repr
from .matrix_form import batch_view, matrix_name, network_matrix
from .notation import number

__all__ = ["entry_weight", "entry_text"]

#: samples listed one by one (the sums use them all)
SHOWN_SAMPLES = 8


def _layer_of(wrt):
    if hasattr(wrt, "neurons") and hasattr(wrt, "number"):
        return wrt
    entry = ("; a matrix of Values is explained one entry at a time: explain(C, W[r][c])"
             if listlike(wrt) else "")
    raise TypeError(f"explain(..., entry=(j, k)) takes a layer (net.layers[i]), got "
                    f"{type(wrt).__name__} {short_repr(wrt)}{entry}")


def _sample_of(path):
    """The batch sample a path runs through (its first node above the weight), or None."""
    for node in path.nodes[1:]:
        n = names.parse(node.name) if node.name else None
        if n is not None and n.sample is not None:
            return int(n.sample)
    return None


def _s(i, m):
    """``⁽²⁾`` for sample 2 of a batch, nothing for a single sample."""
    return names.superscript(f"({i})") if m > 1 else ""


def _t(name):
    return names.printable(names.text(name))


def refuse_matrix_name(root, wrt):
    """Refuse ``explain(C, "W2")`` in one line when ``W2`` is no node's name but a matrix of
    the network below ``root``: explain takes one entry (a node, or a layer's (j, k))."""
    found = network_matrix(root, wrt)
    if found is None:
        return
    view, kind, l = found
    first = (view.weight_nodes[l][0][0] if kind == "W" else view.bias_nodes[l][0][0]).name
    layer = (f" or explain(C, net.layers[{view.layers.index(l)}], entry=(j, k))"
             if kind == "W" else "")
    raise ValueError(f"explain: {wrt!r} is a matrix of the network ({view.layout} layout); "
                     f"explain takes one entry: explain(C, {first!r}){layer}, and on the "
                     f"command line --wrt {first}; check(C, {wrt!r}, expected) checks the whole "
                     f"matrix")


def entry_weight(wrt, entry):
    """(layer, j, k, w^l_jk): the weight node of entry ``(j, k)`` of layer ``wrt``'s
    weight matrix, the arguments checked."""
    layer = _layer_of(wrt)
    if (not isinstance(entry, tuple) or len(entry) != 2
            or not all(isinstance(e, int) and not isinstance(e, bool) for e in entry)):
        raise TypeError(f"explain: entry must be (j, k), Nielsen's indices of w^l_jk from 1, "
                        f"got {entry!r}")
    j, k = entry
    l = layer.number
    if not (1 <= j <= len(layer.neurons) and 1 <= k <= len(layer.neurons[0].weights)):
        raise ValueError(f"explain: layer {l} has w^{l}_jk for j in 1..{len(layer.neurons)} and "
                         f"k in 1..{len(layer.neurons[0].weights)}, got entry={entry!r}")
    return layer, j, k, layer.neurons[j - 1].weights[k - 1]


def entry_text(root, layer, j, k, weight, base):
    """(terms, program, lines) of ∂root/∂w^l_jk written as BP4 over the batch: ``terms``
    [(sample, a^{l-1}_k, δ^l_j)], the matrix program's lines for the layer, and the
    explanation's lines; ``base`` is the weight's own path explanation."""
    l = layer.number
    view = batch_view(root)
    m = view.m
    below = view.X if l == view.layers[0] else view.A[l - 1]
    delta = view.delta(l)
    terms = [(i + 1, below[i][k - 1], delta[i][j - 1]) for i in range(m)]
    a_name = f"x{k}" if l == view.layers[0] else f"a{l - 1}_{k}"
    R = _t(root.name) if root.name else "C"
    w_text = _t(weight.name)
    rows_name = matrix_name("W", l, "rows")
    cols_name = matrix_name("W", l, "columns")
    rows = [f"∂{R}/∂{w_text} = {number(base.total, 12)}   {base.engine_aside()}",
            f"{w_text} is entry (j, k) = ({j}, {k}) of layer {l}'s weights: {cols_name}[{j},{k}] in "
            f"the columns layout (Nielsen), {rows_name}[{k},{j}] in the rows layout (samples as rows).",
            "",
            f"BP4 over the batch: ∂{R}/∂w^{l}_jk = Σ_samples a^{l - 1}_k δ^{l}_j, so "
            f"∂{R}/∂{w_text} = Σ_i {_t(a_name)}⁽ⁱ⁾ δ{_sup(l)}{_sub(j)}⁽ⁱ⁾ over the {m} sample"
            f"{'s' if m != 1 else ''}:"]
    by_sample: dict[int | None, list] = {}
    if not base.grouped:
        for path in base.paths:
            by_sample.setdefault(_sample_of(path), []).append(path)
    for i, a, d in terms[:SHOWN_SAMPLES]:
        line = (f"  sample {i}: {_t(a_name)}{_s(i, m)} · δ{_sup(l)}{_sub(j)}{_s(i, m)} = "
                f"{number(a, 6)} · {number(d, 6)} = {number(a * d, 6)}")
        paths = by_sample.get(i if m > 1 else None) or []
        if paths:
            line += (f"   (= {len(paths)} path product{'s' if len(paths) != 1 else ''}: "
                     f"{' + '.join(p.formula() for p in paths[:2])}{' + ...' if len(paths) > 2 else ''})")
        rows.append(line)
    if m > SHOWN_SAMPLES:
        rows.append(f"  ... and {m - SHOWN_SAMPLES} more samples")
    total = math.fsum(a * d for _, a, d in terms)
    rows.append(f"  sum = {number(total, 12)}")
    rows += [""] + _delta_lines(view, l, j, R)
    program = _program_lines(layer, view)
    if program:
        rows += ["", f"The matrix program's lines for layer {l} (net.jit_loss(..., backend='numpy'), "
                     f"one column per sample):"]
        rows += [f"    {line.strip()}" for line in program]
    return terms, program, rows


_sup, _sub = names.superscript, names.subscript


def _delta_lines(view, l, j, R):
    """Where δ^l_j comes from: BP1 at the output layer, BP2 (from δ^{l+1}) below it."""
    m, L = view.m, view.last
    z = f"z{_sup(l)}{_sub(j)}"
    prime = f" · {view.prime(l)}({z})" if view.prime(l) else ""
    rows = []
    if l == L:
        rows.append(f"BP1: δ{_sup(l)}{_sub(j)} = ∂{R}/∂a{_sup(l)}{_sub(j)}{prime} for each sample:")
        for i in range(min(m, SHOWN_SAMPLES)):
            dA, s = view.dA[l][i][j - 1], view.local[l][i][j - 1]
            rows.append(f"  sample {i + 1}: {number(dA, 6)} · {number(s, 6)} = {number(dA * s, 6)}")
        return rows
    W = view.W[l + 1]                        # n_l × n_{l+1}: W[j][q] = w^{l+1}_qj
    nxt = len(W[0])
    rows.append(f"BP2: δ{_sup(l)}{_sub(j)} = (Σ_q w{_sup(l + 1)}_q{_sub(j)} δ{_sup(l + 1)}_q){prime} "
                f"(entry {j} of (w{_sup(l + 1)})ᵀ δ{_sup(l + 1)}), for each sample:")
    up = view.delta(l + 1)
    for i in range(min(m, SHOWN_SAMPLES)):
        parts = " + ".join(f"{number(W[j - 1][q], 6)}·{number(up[i][q], 6)}" for q in range(nxt))
        back = math.fsum(W[j - 1][q] * up[i][q] for q in range(nxt))
        s = view.local[l][i][j - 1]
        rows.append(f"  sample {i + 1}: ({parts}) · {number(s, 6)} = {number(back * s, 6)}")
    rows.append(f"with δ{_sup(l + 1)} from "
                f"{'BP1' if l + 1 == L else 'BP2'} (explain an entry of layer {l + 1} to see it).")
    return rows


def _output_gradients(a, y):
    """{loss name: ∇_a C_x of one sample} for the losses nn's matrix program writes."""
    big = max(a)
    exps = [math.exp(v - big) for v in a]
    total = math.fsum(exps)
    with_logs = all(0.0 < v < 1.0 for v in a)
    out = {"half_squared_error": [p - q for p, q in zip(a, y)],
           "sum_squared_error": [2.0 * (p - q) for p, q in zip(a, y)],
           "cross_entropy": [e / total - q for e, q in zip(exps, y)]}
    if with_logs:
        out["binary_cross_entropy"] = [(p - q) / (p * (1.0 - p)) for p, q in zip(a, y)]
    return out


def loss_of(view):
    """(loss name, seed) of the cost below the batch: the loss of :data:`nn.matrix.MATRIX_LOSSES`
    whose δ^L = ∇_a C ⊙ f'(z^L) (BP1), times seed 1 (a sum over the samples) or 1/m (a
    mean), is the engine's ∂C/∂Z^L in every entry (a cost computed from the logit has the
    same δ^L); None when none is."""
    L, m = view.last, view.m
    per_sample = [_output_gradients(a, y) for a, y in zip(view.A[L], view.Y)]
    for name in ("half_squared_error", "sum_squared_error", "binary_cross_entropy",
                 "cross_entropy"):
        for seed in (1.0, 1.0 / m):
            if all(name in grads and all(
                    math.isclose(d, seed * g * f, rel_tol=1e-9, abs_tol=1e-15)
                    for d, g, f in zip(delta, grads[name], local))
                   for delta, local, grads in zip(view.delta(L), view.local[L], per_sample)):
                return name, seed
    return None


def _program_lines(layer, view):
    """The matrix program's lines that compute layer l's z, a, δ and gradients, if the
    network this layer belongs to is known (built or read with nn's matrix functions).
    The output layer's δ (BP1) depends on the cost: its line is shown when the cost is
    one the program writes (:func:`loss_of`), with the seed it uses."""
    try:
        from nn.matrices import network_of
        from nn.matrix import matrix_program
    except ImportError:
        return []
    net = network_of(layer)
    if net is None:
        return []
    l = layer.number
    found = loss_of(view)
    source = matrix_program(net, found[0] if found else "half_squared_error")
    mine = re.compile(rf"^\s+(z{l}|a{l}|delta{l}|dC_dW{l}|dC_db{l}) = ")
    lines = [line for line in source.splitlines() if mine.match(line)]
    if l != view.last:
        return lines
    if found is None:
        return [line for line in lines if not line.lstrip().startswith(f"delta{l} = ")] + [
            f"# (δ^{l} = ∇_a C ⊙ σ'(z^{l}) (BP1) is left out: the cost is not one the matrix "
            f"program writes)"]
    name, seed = found
    says = ("seed = 1: the cost is a sum over the samples" if seed == 1.0 else
            f"seed = 1/m = 1/{view.m}: the cost is a mean over the samples")
    return lines + [f"# {name}, {says}"]

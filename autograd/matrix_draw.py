"""A picture of a batch at the granularity of matrices: X → Z → A → … → C.

``draw_matrices(C)`` draws one node per matrix of the network's batch below ``C``
(the inputs X, each layer's weights W and bias b, its weighted inputs Z and
activations A, the cost C) with its shape and, when it is small, its numbers and
its gradient ∂C/∂(matrix).  The forward edges carry the operation; each is
labelled with the local factor backpropagation multiplies by along it, as
BP1-BP4 write them: ``⊙ σ'(Z2)`` from A to Z (``tanh'``, ... as the layer's
activation is), ``W3ᵀ ·`` from Z back to the A below, ``· A1ᵀ`` into W (BP4) and
``Σ samples`` into b (BP3).

Both layouts: ``"columns"`` (Nielsen, Z2 = W2 X + b2) or ``"rows"`` (the blog,
Z1 = X W1 + b1), by default the one the network was built with.
"""

from __future__ import annotations

import html
from typing import Any

from .matrix_form import batch_view, check_layout, matrix_name, shape_text
from .names import graphviz_caption, graphviz_html
from .floats import short_repr
from .notation import check_digits, number
from .value import Value

__all__ = ["draw_matrices", "draw_level"]

_FORWARD = "#444444"
_BACKWARD = "#c0392b"


def _grid(M, digits, most):
    """An HTML table of a small matrix, or None when it has more than ``most`` entries."""
    if not M or len(M) * len(M[0]) > most:
        return None
    largest = max(abs(x) for row in M for x in row)
    tiny = 1e-12 * largest          # rounding noise reads 0, as draw() does
    rows = "".join("<TR>" + "".join(
        f'<TD ALIGN="RIGHT">{html.escape(number(0.0 if abs(x) <= tiny else x, digits))}</TD>'
        for x in row) + "</TR>" for row in M)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">{rows}</TABLE>'


def _label(title, value, grad, digits, most, note="", name=None):
    """A node: its name and shape, its numbers, and ∂C/∂ it (when small)."""
    name = name or title
    parts = [f"<B>{html.escape(title)}</B> <FONT POINT-SIZE=\"10\">{shape_text(value)}"
             f"{html.escape(note)}</FONT>"]
    grid = _grid(value, digits, most)
    if grid:
        parts.append(grid)
    if grad is not None:
        g = _grid(grad, digits, most)
        if g:
            parts.append(f'<FONT COLOR="{_BACKWARD}" POINT-SIZE="10">∂C/∂{html.escape(name)}</FONT>')
            parts.append(f'<FONT COLOR="{_BACKWARD}">{g}</FONT>')
    cells = "".join(f"<TR><TD>{p}</TD></TR>" for p in parts)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">{cells}</TABLE>>'


def draw_matrices(root: Any, *, layout: str | None = None, digits: int = 3, most: int = 16,
                  title: str | None = None, digraph: Any = None) -> Any:
    """A ``graphviz.Digraph`` of the batch below ``root`` drawn matrix by matrix.

    layout   "rows" or "columns" (default: the network's own)
    digits   significant digits of the numbers shown
    most     show a matrix's numbers only when it has at most this many entries
    digraph  the Digraph class to make (draw's, whose render and pipe explain a
             missing ``dot``); default ``graphviz.Digraph``
    """
    import graphviz
    if not isinstance(root, Value):
        raise TypeError(f"draw: expected the cost of a batch (a Value) to draw, got "
                        f"{type(root).__name__} {short_repr(root)}")
    check_digits(digits)
    if isinstance(most, bool) or not isinstance(most, int):
        raise TypeError(f"draw: most must be an int (the most entries a matrix has for its "
                        f"numbers to be shown), got {short_repr(most)}")
    view = batch_view(root, layout)
    layout = check_layout(view.layout)
    put = view.in_layout
    per = "row" if layout == "rows" else "column"
    graph = (digraph or graphviz.Digraph)("matrices")
    graph.attr(rankdir="LR", fontname="Helvetica", nodesep="0.3", ranksep="0.6")
    graph.attr("node", shape="box", style="rounded", fontname="Helvetica", fontsize="11")
    graph.attr("edge", fontname="Helvetica", fontsize="10")
    if title:
        graph.attr(label=graphviz_caption(title), labelloc="t", fontsize="14")
    first = view.layers[0]
    a_prev, a_prev_name = "X", "X"
    graph.node("X", _label("X", put(view.X), None, digits, most, f", one {per} per sample"))
    for l in view.layers:
        W, b = matrix_name("W", l, layout), matrix_name("b", l, layout)
        n = l - 1 if layout == "rows" else l
        Z, A = f"Z{n}", f"A{n}"
        has_bias = view.bias_nodes[l][0][0] is not None
        formula = (f" = {a_prev_name} {W}" if layout == "rows" else f" = {W} {a_prev_name}") + \
            (f" + {b}" if has_bias else "")
        graph.node(W, _label(W, put(view.W[l]), put(view.gradient("W", l)), digits, most),
                   color="#2471a3")
        graph.node(Z, _label(Z + formula, put(view.Z[l]), put(view.delta(l)), digits, most,
                                  name=f"{Z} (δ)"))
        function, prime = view.function[l], view.prime(l)
        graph.node(A, _label(f"{A} = {function}({Z})" if function else f"{A} = {Z} (linear)",
                             put(view.A[l]), put(view.dA[l]), digits, most, name=A))
        below = "Xᵀ" if l == first else f"{a_prev_name}ᵀ"
        bp4 = f"BP4: {below} · δ" if layout == "rows" else f"BP4: δ · {below}"
        graph.edge(W, Z, label=f"  {bp4}  ", color=_FORWARD, fontcolor=_BACKWARD)
        if has_bias:
            graph.node(b, _label(b, put(view.b[l]), put(view.gradient("b", l)), digits, most),
                       color="#2471a3")
            graph.edge(b, Z, label="  BP3: Σ samples δ  ", color=_FORWARD, fontcolor=_BACKWARD)
        back = (f"{'δ ·' if layout == 'rows' else ''} {W}ᵀ{'' if layout == 'rows' else ' · δ'}"
                .strip())
        graph.edge(a_prev, Z, label=f"  BP2: {back}  " if l != first else "", color=_FORWARD,
                   fontcolor=_BACKWARD)
        factor = f"⊙ {prime}({Z})" if prime else "⊙ 1 (linear)"
        graph.edge(Z, A, label=f"  {'BP1' if l == view.last else 'BP2'}: {factor}  ",
                   color=_FORWARD, fontcolor=_BACKWARD)
        a_prev, a_prev_name = A, A
    R = root.name or "C"
    graph.node("C", f"<<B>{graphviz_html(R)}</B> = {html.escape(number(root.data, digits + 3))}>",
               shape="ellipse")
    graph.edge(a_prev, "C", label="  ∇_A C  ", color=_FORWARD, fontcolor=_BACKWARD)
    with graph.subgraph(name="legend") as legend:
        legend.attr(rank="sink")
        legend.node("legend", f"<<FONT POINT-SIZE=\"10\">black: the forward pass; "
                              f"<FONT COLOR=\"{_BACKWARD}\">red: ∂C/∂ each matrix and the factor "
                              f"backprop multiplies by along each edge</FONT>; {layout} layout, "
                              f"m = {view.m}</FONT>>", shape="plaintext")
    return graph


def draw_level(root: Any, level: str, **options: Any) -> Any:
    """``draw(C, level="layer")``: the batch below the cost ``C`` matrix by matrix."""
    if level != "layer":
        raise ValueError(f"draw: level must be 'node' (every Value) or 'layer' (a batch matrix "
                         f"by matrix), got {level!r}")
    if hasattr(root, "layers") and not hasattr(root, "data"):
        raise TypeError("draw(..., level='layer') draws a batch from its cost, which the "
                        "network does not hold: draw(C, level='layer') with "
                        "C = nn.half_mean_squared_error(net.batch(X), Y)")
    return draw_matrices(root, **options)

"""Pictures of computation graphs: ``draw(root)`` returns a ``graphviz.Digraph``.

Every Value is a record ``name | data | grad``; every derived Value also gets a
small op node (``+``, ``×``, ``σ``, ...) with one edge per entry of
``node.parents`` (``a*a`` gives two edges into its ``×``).  An edge's label is
its local derivative ∂out/∂in, the factor the chain rule multiplies by when
the gradient flows back along it.  Networks from :mod:`nn` are grouped into
one cluster per layer l and neuron j, with Nielsen's names w^l_jk, b^l_j,
z^l_j, a^l_j.

Graphviz is imported only when a picture is made; ``.source`` gives the DOT
text without the ``dot`` program, and rendering without it raises
:class:`DotNotFound` saying how to install it.
"""

import html
import pathlib

from . import engine, names, ops
from .notation import label, number, rule_text

__all__ = ["draw", "render_graph", "DotNotFound", "GraphTooLarge", "textbook_name"]

#: fill colour of a Value's record, by ``node.kind``
KIND_COLOURS = {
    "parameter": "#fdd5a8",
    "leaf": "#c6e2fb",
    "constant": "#e4e4e4",
    "detached": "#e4e4e4",
    "derived": "#ffffff",
}
KIND_TITLES = {
    "parameter": "parameter",
    "leaf": "input (leaf)",
    "constant": "constant",
    "detached": "computed under no_grad",
    "derived": "derived",
}
OP_COLOUR = "#fff1a8"
PATH_COLOUR = "#d62728"
EDGE_COLOUR = "#555555"
FONT = "Helvetica"
#: above this many Values dot's layout effort is capped (see draw)
LARGE = 150

INSTALL_HELP = (
    "Rendering needs the Graphviz 'dot' program, which was not found on PATH. Install it with\n"
    "  apt install graphviz              (Debian, Ubuntu)\n"
    "  brew install graphviz             (macOS)\n"
    "  conda install -c conda-forge graphviz\n"
    "Without it, draw(...).source still gives the DOT text (paste it into any Graphviz viewer).")


class DotNotFound(RuntimeError):
    """The Graphviz ``dot`` program is not installed (or not on PATH)."""


class GraphTooLarge(ValueError):
    """The graph has more nodes than ``max_nodes``."""


# ---------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------

def draw(root, *, show_local=True, show_rules=False, digits=4, highlight=None,
         rankdir="LR", max_nodes=300, network=None, title=None, legend=True):
    """A ``graphviz.Digraph`` of every node ``root`` depends on.

    show_local  label each edge with its local derivative ∂out/∂in (a number)
    show_rules  also label it with the rule in textbook notation (``σ(z)(1-σ(z))``)
    digits      significant digits for data, grad and derivatives
    highlight   a Value or a name: colour every path from it to ``root``
    rankdir     "LR" (inputs left, root right) or "TB" (top to bottom)
    max_nodes   refuse graphs with more Values than this (GraphTooLarge)
    network     an nn module whose last forward pass is in the graph: one
                cluster per layer l and neuron j; None infers them from the
                names w{l}_{j}{k}, b{l}_{j}, z{l}_{j}, a{l}_{j}, x{k}; False: none
    title       a caption drawn above the graph
    legend      draw the colour key

    In Jupyter the result displays inline; ``.render()`` / ``.pipe()`` write
    PNG, SVG or PDF through ``dot``; ``.source`` is the DOT text.
    """
    _check_options(root, digits, rankdir, max_nodes)
    nodes = _collect(root, max_nodes)
    on_path = _path_nodes(root, nodes, highlight)
    places = {} if network is False else _places(nodes, network)
    graph = _new_graph(rankdir, title)
    if len(nodes) > LARGE:
        # bound dot's network-simplex passes: a dense 300-node graph lays out
        # in about 13 s instead of 30 s, and small graphs keep the full layout
        graph.graph_attr.update(nslimit="2", nslimit1="2")
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}
    clusters = {}
    for node in nodes:
        statements = _node_statements(node, ids[node], digits, node in on_path,
                                      stacked=rankdir in ("LR", "RL"))
        place = places.get(node)
        if place is None:
            graph.body.extend(statements)
        else:
            clusters.setdefault(place, []).extend(statements)
    graph.body.extend(_layer_clusters(clusters))
    for node in nodes:
        graph.body.extend(
            _edge_statements(node, ids, digits, show_local, show_rules, on_path, places))
    if legend:
        graph.body.append(_legend(nodes, highlight if on_path else None))
    return graph


def render_graph(root, path, formats=("png", "svg"), **draw_kwargs):
    """Draw ``root`` and write ``<path>.<format>`` for each format; return the paths.

    ``path`` may carry one of the extensions (``out/seed003.png``); missing
    folders are created.  Raises :class:`DotNotFound` without Graphviz.
    """
    if isinstance(formats, str):
        formats = (formats,)
    target = pathlib.Path(path)
    if target.suffix.lstrip(".").lower() in {f.lower() for f in formats}:
        target = target.with_suffix("")
    graph = draw(root, **draw_kwargs)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        out = target.with_name(f"{target.name}.{fmt}")
        out.write_bytes(graph.pipe(format=fmt))
        written.append(out)
    return written


def textbook_name(name, html_markup=False):
    """Nielsen's notation for a node name: ``w3_12`` -> ``w³₁₂``, ``x1`` -> ``x₁``
    (:mod:`autograd.names`); with ``html_markup=True``, Graphviz HTML."""
    return names.html(name) if html_markup else names.text(name)


def _nielsen_place(name):
    """(layer l, neuron j) for w^l_jk, b^l_j, z^l_j, a^l_j; (1, None) for an input x_k."""
    n = names.parse(name)
    if n is None:
        return None
    if n.layer is not None and n.base in ("w", "b", "z", "a"):
        index = n.index
        j = index.split(",")[0] if "," in index else (index[0] if n.base == "w" else index)
        return int(n.layer), int(j)
    if n.base == "x" and n.index is not None and n.layer is None:
        return 1, None
    return None


# ---------------------------------------------------------------------------
# Checking the arguments and collecting the nodes
# ---------------------------------------------------------------------------

def _check_options(root, digits, rankdir, max_nodes):
    if not hasattr(root, "_prev") or not hasattr(root, "_op"):
        raise TypeError(f"draw: expected a Value to draw, got {type(root).__name__} {root!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"draw: digits must be an int from 1 to 17, got {digits!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive int, got {max_nodes!r}")


def _collect(root, max_nodes):
    """All nodes of root's graph (parents first), or GraphTooLarge."""
    nodes = engine.all_nodes(root)
    if len(nodes) > max_nodes:
        raise GraphTooLarge(
            f"draw: the graph of {label(root)} has {len(nodes)} nodes, more than "
            f"max_nodes={max_nodes}; a picture that size is unreadable and slow to lay out. "
            f"Draw the loss of one sample (one forward pass) instead of a whole batch, "
            f"or pass max_nodes={len(nodes)} to draw it anyway.")
    return nodes


def _path_nodes(root, nodes, highlight):
    """The nodes on some path from the highlighted node(s) to root (both ends included)."""
    if highlight is None:
        return set()
    starts = _resolve_highlight(root, nodes, highlight)
    on_path = set(starts)
    for node in nodes:  # parents come first, so one pass reaches every descendant
        if node not in on_path and any(p in on_path for p in node._prev):
            on_path.add(node)
    return on_path


def _resolve_highlight(root, nodes, highlight):
    if hasattr(highlight, "_prev"):
        if highlight not in set(nodes):
            raise ValueError(
                f"draw: highlight {ops.describe(highlight)} is not in the graph of "
                f"{label(root)}")
        return [highlight]
    if not isinstance(highlight, str):
        raise TypeError(
            f"draw: highlight must be a Value or a name, got {type(highlight).__name__} {highlight!r}")
    return [names.find_node(nodes, highlight, "draw: highlight")]


# ---------------------------------------------------------------------------
# Layers and neurons: node -> (l, j) or (l, None)
# ---------------------------------------------------------------------------

def _places(nodes, network):
    """Where each node of a network sits: (layer l, neuron j), (l, None) or absent.

    Seeds come from ``network.layers`` and from Nielsen names; an unnamed
    derived node, a constant, or a weight whose name leaves j open joins the
    neuron that all of its consumers belong to, so a neuron's inner + and ×
    nodes and its constant bias stay with its z^l_j.
    """
    places = _places_from_names(nodes)
    if network is not None:
        places.update(_places_from_network(network, set(nodes)))
    if not places:
        return places
    consumers = {}
    for node in nodes:
        for parent in node._prev:
            consumers.setdefault(parent, []).append(node)
    for node in reversed(nodes):  # consumers before the nodes they use
        place = places.get(node)
        if place is not None and place[1] is not None:
            continue
        shared = _shared_neuron(consumers.get(node, ()), places)
        if shared is None:
            continue
        if place is None and _follows_consumers(node):
            places[node] = shared
        elif place is not None and place[0] == shared[0]:
            places[node] = shared
    return places


def _follows_consumers(node):
    """Unnamed intermediate nodes and constants belong where they are used."""
    if node._op is ops.CONSTANT:
        return True
    return node.name is None and node._op.backward is not None


def _shared_neuron(consumers, places):
    """The (l, j) every consumer belongs to, else None."""
    shared = None
    for consumer in consumers:
        place = places.get(consumer)
        if place is None or place[1] is None or (shared is not None and place != shared):
            return None
        shared = place
    return shared


def _places_from_names(nodes):
    """(l, j) from nn's names; inputs x_k sit in layer 1 (Nielsen's input layer)."""
    places = {}
    for node in nodes:
        if node.name:
            place = _nielsen_place(node.name)
            if place is not None:
                places[node] = place
    return places


def _places_from_network(network, in_graph):
    layers = getattr(network, "layers", None)
    if layers is None:
        raise TypeError(
            f"draw: network must be an nn module with .layers (e.g. nn.MLP), "
            f"got {type(network).__name__}")
    places = {}
    for layer in layers:
        number = layer.number
        zs, activations = getattr(layer, "z", None), getattr(layer, "a", None)
        if not zs:
            raise ValueError(
                f"draw: network layer {number} has no forward pass yet (layer.z is empty); "
                f"call the network on an input, then draw that output")
        for j, node in enumerate(zs, 1):
            places[node] = (number, j)
        for j, node in enumerate(activations or (), 1):
            places[node] = (number, j)
        for param in layer.parameters():
            named = _places_from_names([param]).get(param)
            places[param] = (number, named[1] if named and named[0] == number else None)
    if not any(node in in_graph for node in places):
        raise ValueError(
            "draw: none of the network's nodes are in this graph; pass the network whose "
            "forward pass built root, or network=None to group layers by name")
    return places


# ---------------------------------------------------------------------------
# Building the Digraph
# ---------------------------------------------------------------------------

def _new_graph(rankdir, title):
    digraph = _digraph_class()
    graph = digraph(
        "computation_graph",
        graph_attr={"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.45",
                    "fontname": FONT, "fontsize": "12"},
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": EDGE_COLOUR,
                   "fontcolor": "#333333", "arrowsize": "0.6"},
    )
    if title:
        graph.attr(label=str(title), labelloc="t", fontsize="14")
    return graph


def _layer_clusters(clusters):
    """DOT text for one cluster per layer l, holding one cluster per neuron j.

    ``clusters`` maps (l, j) or (l, None) to the statements of its nodes.
    """
    layers = sorted({layer for layer, _ in clusters})
    lines = []
    for layer in layers:
        role = " (input)" if layer == 1 else (" (output)" if layer == layers[-1] else "")
        lines.append(f"\tsubgraph cluster_layer{layer} {{\n")
        lines.append(f'\t\tlabel="layer {layer}{role}" style="rounded,dashed" '
                     f'color="#888888" fontcolor="#444444"\n')
        lines += ["\t" + s for s in clusters.get((layer, None), ())]
        for neuron in sorted(j for l, j in clusters if l == layer and j is not None):
            lines.append(f"\t\tsubgraph cluster_layer{layer}_neuron{neuron} {{\n")
            lines.append(f'\t\t\tlabel="neuron {neuron}" style="rounded" color="#bbbbbb" '
                         f'fontcolor="#777777" fontsize=10\n')
            lines += ["\t\t" + s for s in clusters[(layer, neuron)]]
            lines.append("\t\t}\n")
        lines.append("\t}\n")
    return lines


def _node_statements(node, node_id, digits, on_path, stacked):
    """DOT statements for one Value: its record and, when derived, its op node."""
    kind = node.kind
    border = (f' COLOR="{PATH_COLOUR}"', "2") if on_path else ("", "0")
    cells = []
    if node.name:
        cells.append(f"<TD><B>{textbook_name(node.name, html_markup=True)}</B></TD>")
    cells.append(f"<TD>data {_number(node.data, digits)}</TD>")
    cells.append(f"<TD>grad {_number(node.grad, digits)}</TD>")
    # side by side when the graph runs top to bottom, stacked when it runs left to right
    rows = f"<TR>{''.join(cells)}</TR>" if stacked is False else "".join(
        f"<TR>{cell}</TR>" for cell in cells)
    table = (f'<TABLE BORDER="{border[1]}"{border[0]} CELLBORDER="1" CELLSPACING="0" '
             f'CELLPADDING="2" BGCOLOR="{KIND_COLOURS[kind]}">{rows}</TABLE>')
    tooltip = _quote(f"{label(node)} ({kind}): data={node.data!r} grad={node.grad!r}")
    lines = [f"\t{node_id} [label=<{table}> shape=plain tooltip={tooltip}]\n"]
    if node._op.backward is not None:
        style = f' color="{PATH_COLOUR}" penwidth=2' if on_path else ""
        lines.append(
            f"\t{node_id}_op [label={_quote(node._op.symbol)} shape=circle style=filled "
            f"fillcolor=\"{OP_COLOUR}\" margin=0.02 width=0.3 height=0.3 fontsize=10 "
            f"tooltip={_quote(node._op.name)}{style}]\n")
    return lines


def _edge_statements(node, ids, digits, show_local, show_rules, on_path, places):
    """One edge per entry of node.parents (into its op node), plus op -> record.

    An edge from one layer into the next is two ranks long, so layer l+1's
    weights fit between a^l and z^(l+1) and the layers lie side by side.
    """
    if node._op.backward is None:
        return []
    node_id = ids[node]
    node_on_path = node in on_path
    path_style = f' color="{PATH_COLOUR}" fontcolor="{PATH_COLOUR}" penwidth=2.2'
    locals_ = node._op.backward(node, 1.0)
    lines = []
    for i, parent in enumerate(node._prev):
        attrs = ""
        text = _edge_label(node, i, locals_[i], digits, show_local, show_rules)
        if text:
            attrs += f" label={_quote(text)}"
        if node_on_path and parent in on_path:
            attrs += path_style
        if _crosses_layers(places, parent, node):
            attrs += " minlen=2"
        lines.append(f"\t{ids[parent]} -> {node_id}_op [{attrs.strip()}]\n"
                     if attrs else f"\t{ids[parent]} -> {node_id}_op\n")
    own = f" [{path_style.strip()}]" if node_on_path else ""
    lines.append(f"\t{node_id}_op -> {node_id}{own}\n")
    return lines


def _crosses_layers(places, parent, node):
    """True when parent and node sit in two different layer clusters."""
    here, there = places.get(node), places.get(parent)
    return here is not None and there is not None and here[0] != there[0]


def _edge_label(node, index, local, digits, show_local, show_rules):
    """``0.25``, ``w2 = 0.5`` or ``σ(z²₁)(1-σ(z²₁)) = 0.2350``, as asked."""
    number = _number(local, digits)
    if not show_rules:
        return number if show_local else ""
    rule = rule_text(node, index, lambda n: _rule_label(n, digits))
    if not show_local or rule == number:
        return rule
    return f"{rule} = {number}"


def _rule_label(node, digits):
    """A node's name inside a rule: its textbook name, else its number."""
    if node.name:
        return textbook_name(node.name)
    text = _number(node.data, digits)
    return f"({text})" if text.startswith("-") else text


def _legend(nodes, highlight):
    """One small table: the colour of each kind present, what edge labels mean."""
    kinds = [kind for kind in KIND_COLOURS if any(node.kind == kind for node in nodes)]
    rows = ['<TR><TD COLSPAN="2"><B>legend</B></TD></TR>']
    for kind in kinds:
        rows.append(f'<TR><TD BGCOLOR="{KIND_COLOURS[kind]}" WIDTH="18"> </TD>'
                    f'<TD ALIGN="LEFT">{KIND_TITLES[kind]}</TD></TR>')
    rows.append(f'<TR><TD BGCOLOR="{OP_COLOUR}">+</TD><TD ALIGN="LEFT">operation</TD></TR>')
    rows.append('<TR><TD>0.25</TD><TD ALIGN="LEFT">edge: local derivative ∂out/∂in</TD></TR>')
    if highlight is not None:
        what = highlight if isinstance(highlight, str) else label(highlight)
        rows.append(f'<TR><TD BGCOLOR="{PATH_COLOUR}"> </TD><TD ALIGN="LEFT">'
                    f'paths from {html.escape(what)} to the root</TD></TR>')
    table = ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" '
             f'COLOR="#999999">{"".join(rows)}</TABLE>')
    return f"\tlegend [label=<{table}> shape=plain fontsize=9]\n"


def _number(x, digits):
    """``x`` to ``digits`` significant digits: 0.001429, 1.5, -2e-08 (never -0)."""
    return number(x, digits)


def _quote(text):
    """A DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------
# graphviz, imported on first use
# ---------------------------------------------------------------------------

_DIGRAPH = None


def _digraph_class():
    """graphviz.Digraph with render/pipe that explain a missing ``dot``."""
    global _DIGRAPH
    if _DIGRAPH is not None:
        return _DIGRAPH
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "draw needs the graphviz Python package: pip install graphviz "
            "(and the Graphviz 'dot' program to render images)") from None

    class Drawing(graphviz.Digraph):
        """A computation graph; ``render``/``pipe`` raise DotNotFound without ``dot``."""

        def render(self, *args, **kwargs):
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as exc:
                raise DotNotFound(INSTALL_HELP) from exc

        def pipe(self, *args, **kwargs):
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound as exc:
                raise DotNotFound(INSTALL_HELP) from exc

    _DIGRAPH = Drawing
    return _DIGRAPH

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

from __future__ import annotations

import html
import math
import os
import pathlib
import stat
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import engine, graph, names, ops
from .floats import counted as _count, listlike, positive_int, short_repr
from .notation import (FIXED_EXPONENT, Labels, NoiseScales, check_digits, fixed_exponent,
                       number, numbered, rule_texts, shown_number)
from .value import Value

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw", "draw_dot", "render_graph", "DotNotFound", "GraphTooLarge", "textbook_name",
           "picture_number"]

#: fill colour of a Value's record, by ``node.kind``
KIND_COLOURS = {
    "parameter": "#fdd5a8",
    "leaf": "#c6e2fb",
    "constant": "#e4e4e4",
    "detached": "#ddd3ee",
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
SHORT_NAME_COLOUR = "#666666"
PATH_COLOUR = "#d62728"
EDGE_COLOUR = "#555555"
FONT = "Helvetica"
#: above this many Values dot's layout effort is capped (see draw)
LARGE = 150

NO_DOT = "Rendering needs the Graphviz 'dot' program, which was not found on PATH"
#: the ways to install Graphviz: (command, where it applies)
INSTALL_DOT = (("apt install graphviz", "Debian, Ubuntu"), ("brew install graphviz", "macOS"),
               ("conda install -c conda-forge graphviz", ""))
#: DotNotFound's message, one way to install it a line
INSTALL_HELP = (f"{NO_DOT}. Install it with\n"
                + "".join(f"  {command:<33} ({where})\n" if where else f"  {command}\n"
                          for command, where in INSTALL_DOT)
                + "Without it, draw(...).source still gives the DOT text (paste it into any Graphviz viewer).")
_WAYS = [f"{command} ({where})" if where else command for command, where in INSTALL_DOT]
#: the same as the one line the chainrule commands print (they have no draw(...).source)
INSTALL_LINE = f"{NO_DOT}: install it with {', '.join(_WAYS[:-1])} or {_WAYS[-1]}"


class DotNotFound(RuntimeError):
    """The Graphviz ``dot`` program is not installed (or not on PATH); the message is
    :data:`INSTALL_HELP`, and the chainrule commands print :data:`INSTALL_LINE`."""


class GraphTooLarge(ValueError):
    """The graph has more nodes than ``max_nodes``."""


# ---------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------

def draw(root: Value, *, show_local: bool = True, show_rules: bool = False, digits: int = 4,
         highlight: Value | str | None = None, rankdir: str = "LR", max_nodes: int = 300,
         network: object = None, title: str | None = None, legend: bool = True,
         pending: Iterable[Value] | None = None, grads: bool | None = None,
         level: str = "node", compact: bool = False) -> graphviz.Digraph:
    """A ``graphviz.Digraph`` of every node ``root`` depends on.

    show_local  label each edge with its local derivative ∂out/∂in (a number)
    show_rules  also label it with the rule in textbook notation (``σ(z)(1-σ(z))``)
    digits      significant digits for data, grad and derivatives
    highlight   a Value or a name: draw every path from it to ``root`` in bold red
                (a matrix of Values, nested lists: the paths from each entry)
    rankdir     "LR" (inputs left, root right) or "TB" (top to bottom)
    max_nodes   refuse graphs with more Values than this (GraphTooLarge)
    network     an nn module whose last forward pass is in the graph: one
                cluster per layer l and neuron j; None infers them from the
                names w{l}_{j}{k}, b{l}_{j}, z{l}_{j}, a{l}_{j}, x{k} (x{k} alone
                are no network); False: none
    title       a caption drawn above the graph
    legend      draw the colour key
    pending     nodes whose gradient is not known yet: their grad reads ``?``
    grads       show each node's ``grad``; None (the default): only once a backward
                pass from ``root`` has reached them (``root.grad`` is not 0, or
                ``pending`` is given), so a graph nobody differentiated shows no
                row of zeros; a leaf whose grad is not one backward() pass's
                gradient (passes added up without zero_grad) gets a note saying so
    level       "node" (every Value) or "layer": a batch matrix by matrix, X → Z → A → C
                (:func:`autograd.matrix_draw.draw_matrices`; ``root`` is the batch's cost)
    compact     each op's symbol inside its result's record (one rank per Value
                instead of two), records stacked in either direction, tighter
                spacing: the layout of the step-through page

    A batch (nodes named with their sample, ``x1(2)``, as ``nn.MLP.batch``
    names them) gets one cluster per sample, its nodes written x₁⁽²⁾; the
    parameters every sample shares are drawn once, by layer and neuron.
    Unnamed nodes are called t1, t2, ... (:func:`autograd.notation.short_names`).
    A sum within 1e-12 of the largest term it adds reads 0: rounding noise
    (:class:`autograd.notation.NoiseScales`; the tooltip keeps the raw number).

    In Jupyter the result displays inline; ``.render()`` / ``.pipe()`` write
    PNG, SVG or PDF through ``dot``; ``.source`` is the DOT text.
    """
    if level != "node":
        from .matrix_draw import draw_level
        if level == "layer":
            check_digits(digits)
            _layer_takes_none_of(show_local=show_local, show_rules=show_rules,
                                 highlight=highlight, rankdir=rankdir, max_nodes=max_nodes,
                                 network=network, legend=legend, pending=pending, grads=grads,
                                 compact=compact)
        graph = draw_level(root, level, digits=digits, title=title, digraph=_digraph_class())
        graph.summary = f"the matrices of the batch below {_cut(_called(root))}"
        return graph
    _check_options(root, digits, rankdir, max_nodes)
    _check_switches(show_local=show_local, show_rules=show_rules, legend=legend,
                    compact=compact, grads=grads)
    pending = _pending(pending)
    nodes = _collect(root, max_nodes)
    on_path = _path_nodes(root, nodes, highlight)
    style = _Style(nodes, digits, rankdir, pending, compact)
    style.grads = bool(root.grad != 0.0 or pending) if grads is None else bool(grads)
    places = {} if network is False else _places(nodes, network)
    samples = {} if network is False else _samples(nodes)
    graph = _new_graph(rankdir, title, compact)
    if len(nodes) > LARGE:
        # bound dot's network-simplex passes: a dense 300-node graph lays out
        # in about 13 s instead of 30 s, and small graphs keep the full layout
        graph.graph_attr.update(nslimit="2", nslimit1="2")
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}
    clusters: dict[Any, list[str]] = {}
    loose: list[str] = []
    for node in nodes:
        statements = _node_statements(node, ids[node], style, node in on_path)
        path = _cluster_path(node, places, samples)
        if path:
            clusters.setdefault(path, []).extend(statements)
        else:
            loose.extend(statements)
    # a batch top to bottom: dot lays a cluster's nodes out in the reverse of the order
    # it met them, and its nested clusters too, unless the ranks run left to right
    across = bool(samples) and rankdir in ("TB", "BT")
    graph.body.extend(_order_statements(nodes, ids, places, samples, across))
    if samples:
        graph.graph_attr.update(mclimit="0.01")   # keep that order (see _order_statements)
    graph.body.extend(loose)
    graph.body.extend(_clusters(clusters, reverse_nested=across))
    for node in nodes:
        graph.body.extend(
            _edge_statements(node, ids, style, show_local, show_rules, on_path, places, samples))
    if legend:
        example = ("w = 0.25" if show_local else "w") if show_rules else \
            "0.25" if show_local else None
        graph.body.append(_legend(nodes, highlight_key(root, nodes, highlight, style.labels, True)
                                  if on_path else None, pending, style.grads, example))
    if style.grads and not pending:
        graph.body.extend(_held_note(root, nodes, style))
    # the names in every statement made printable: control characters and lone
    # surrogates, which dot refuses ("syntax error") or cannot encode, become visible
    graph.body[:] = [_printable_statement(line) for line in graph.body]
    shown = names.printable(_cut(style.labels(root)))
    graph.summary = f"the graph of {shown} ({_count(len(nodes), 'value')}" + (
        f", {_count(len(set(samples.values())), 'sample')})" if samples else ")")
    return graph


#: micrograd's name for :func:`draw` (``draw_dot(L)`` as in its lecture)
draw_dot = draw


def render_graph(root: Value, path: str | os.PathLike[str],
                 formats: str | Sequence[str] = ("png", "svg"), **draw_kwargs: Any) -> list[pathlib.Path]:
    """Draw ``root`` and write ``<path>.<format>`` for each format; return the paths.

    ``path`` may carry one of the extensions (``out/desmos.png``, ``X.PNG``: that
    format is written to it as named); a device (``/dev/null``) is written as named, in
    one format; missing folders are created.  A format ``dot`` cannot write or a path naming a folder is
    refused before anything is written.  Raises :class:`DotNotFound` without Graphviz.
    """
    formats = _formats(formats)
    target = file_path(path, "render_graph", "out/graph")
    bare = bare_extension(target, formats)
    if bare is not None and not written_as_given(target):
        raise ValueError(f"render_graph: path {os.fspath(path)!r} is only an extension, with no "
                         f"file name before it: give one, such as 'out/graph{bare}'")
    given = target.suffix.lstrip(".").lower()
    if written_as_given(target):
        if len(formats) != 1:
            raise ValueError(f"render_graph: {target} is not a file but a device or pipe, so "
                             f"it takes one format, got {len(formats)}: {', '.join(formats)}")
        given = formats[0]
    stem = target.with_suffix("") if given in formats else target
    graph = draw(root, **draw_kwargs)
    pictures = {fmt: _pipe(graph, fmt) for fmt in formats}   # all made before any is written
    target.parent.mkdir(parents=True, exist_ok=True)
    files = {target if fmt == given else stem.with_name(f"{stem.name}.{fmt}"): picture
             for fmt, picture in pictures.items()}                 # X.PNG: as given
    _write_all(files)
    return list(files)


def _write_all(files):
    """Write each ``path: bytes`` of ``files``, all or none: every file is opened before
    any is written (appending, so that opening changes nothing), and when one cannot
    be, the ones this made are removed and the OSError raised (x.svg read-only: no
    x.png written either)."""
    handles, made = [], []
    try:
        for out in files:
            existed = os.path.lexists(out)
            handles.append(open(out, "ab"))
            if not existed:
                made.append(out)
    except BaseException:
        for handle in handles:
            handle.close()
        for out in made:
            out.unlink(missing_ok=True)
        raise
    for out, handle, picture in zip(files, handles, files.values()):
        with handle:
            if not written_as_given(out):     # (/dev/stdout >> log: appended to)
                handle.truncate(0)
            handle.write(picture)


def _formats(formats):
    """``formats`` as a list of lower-case Graphviz output formats, or a one-line error."""
    _digraph_class()   # the graphviz package, or an ImportError saying how to install it
    import graphviz
    listed = [formats] if isinstance(formats, str) else list(formats) if listlike(formats) else []
    if not listed or not all(isinstance(f, str) for f in listed):
        raise TypeError(f"render_graph: formats must be a format such as 'png' or a list of "
                        f"them, got {type(formats).__name__} {short_repr(formats)}")
    for fmt in listed:
        if fmt.lower() not in graphviz.FORMATS:
            raise ValueError(f"render_graph: formats: unknown format {short_repr(fmt)}; use "
                             f"'png', 'svg' or 'pdf' (or another of Graphviz's: 'jpg', 'gif', "
                             f"'eps', 'dot', ...)")
    return list(dict.fromkeys(f.lower() for f in listed))


#: the picture formats the commands offer; a path ending in one of them picks it
PICTURE_FORMATS = ("png", "svg", "pdf")


def picture_format(path):
    """The format ``path``'s extension names (``pic.svg``: ``"svg"``), or None."""
    suffix = pathlib.PurePath(os.fspath(path)).suffix.lstrip(".").lower()
    return suffix if suffix in PICTURE_FORMATS else None


def names_folder(path):
    """Whether an output ``path`` names a folder to write into: one that exists, or a
    path ending in / (a folder still to be made)."""
    text = os.fspath(path)
    return text.endswith(("/", os.sep)) or os.path.isdir(text)


#: the folders whose entries are streams and devices, even one that is a file on its other
#: side (/dev/stdout redirected to a file, /proc/self/fd/1): written as named
_STREAM_FOLDERS = ("/dev/", "/proc/")


def written_as_given(path):
    """Whether ``path`` is neither a folder nor a file but something that exists
    (``/dev/null``, ``/dev/stdout``, a FIFO): what is written goes to it as named,
    no extension added."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    if stat.S_ISDIR(mode):
        return False
    return not stat.S_ISREG(mode) or os.path.abspath(os.fspath(path)).startswith(_STREAM_FOLDERS)


def is_stdout(path):
    """Whether ``path`` is where stdout goes (``/dev/stdout``, ``/proc/self/fd/1``): a
    command that wrote its output there adds nothing to it, as for ``-``."""
    try:
        here, there = os.stat(path), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def writes_to_terminal(path):
    """Whether writing to ``path`` (``-``: stdout) writes on a terminal."""
    if path == "-":
        return sys.stdout.isatty()
    try:                        # a character device; a FIFO opened and closed would end its reader
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
    except (OSError, ValueError):
        return False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def other_extension(path, extensions):
    """``path``'s extension (``".jpg"``) when it is letters and none of ``extensions``
    (``PICTURE_FORMATS``), else None: ``out/g``, ``run.v2`` and ``v1.0`` have none."""
    suffix = pathlib.PurePath(os.fspath(path)).suffix
    letters = suffix[1:]
    if letters.isascii() and letters.isalpha() and letters.lower() not in extensions:
        return suffix
    return None


def bare_extension(path, extensions):
    """``path``'s file name when it is one of ``extensions`` and nothing before it
    (``.png``, ``pics/.SVG``), else None: Python takes ``.png`` for a hidden file with
    no extension, so one was added (``.png.png``); the commands refuse it instead."""
    name = os.path.basename(os.fspath(path))
    return name if name[:1] == "." and name[1:].lower() in extensions else None


def extension_list(extensions):
    """``("png", "svg", "pdf")`` as ".png, .svg or .pdf"."""
    dotted = [f".{e}" for e in extensions]
    return dotted[0] if len(dotted) == 1 else f"{', '.join(dotted[:-1])} or {dotted[-1]}"


def cannot_write(err, path):
    """An OSError met writing ``path`` as one line, ``cannot write out/g.png: Permission
    denied``; a file where a folder of the path should be says so (mkdir said only
    "File exists", open "Not a directory")."""
    target = os.fspath(path)
    blocking = next((p for p in pathlib.Path(target).parents if p.is_file()), None)
    if blocking is not None:
        return f"cannot write {target}: {blocking} is a file, not a folder"
    return f"cannot write {err.filename or target}: {err.strerror or err}"


def file_path(path, where, example="out/graph"):
    """``path`` as a Path naming a file (its folders may be missing yet), or a one-line
    error naming ``where`` (``render_graph``) and suggesting ``example``."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: path must be a str or a path, got "
                        f"{type(path).__name__} {short_repr(path)}")
    text = os.fspath(path)
    target = pathlib.Path(text)
    if not text.strip() or text.endswith(("/", os.sep)) or target.name in ("", ".", ".."):
        raise ValueError(f"{where}: path {text!r} names a folder, not a file; give a "
                         f"file name, such as {example!r}")
    return target


def _pipe(graph, fmt):
    """``graph`` in format ``fmt``; a format this ``dot`` cannot write is a one-line error."""
    import graphviz
    try:
        return graph.pipe(format=fmt, quiet=True)
    except graphviz.CalledProcessError:
        raise ValueError(f"render_graph: formats: this Graphviz dot cannot write {fmt!r} "
                         f"('dot -T?' lists the formats it can)") from None


def textbook_name(name: str, html_markup: bool = False) -> str:
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
    if not isinstance(root, Value):   # a micrograd Value has _prev and _op too
        raise TypeError(f"draw: expected a Value to draw, got {type(root).__name__} "
                        f"{short_repr(root)}")
    check_digits(digits)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    positive_int(max_nodes, "draw: max_nodes")              # (a numpy int too)


def _check_switches(**switches):
    """Each option True or False (``grads`` None too), or a one-line error naming it:
    ``show_local="no"`` would read as true."""
    for option, value in switches.items():
        if not isinstance(value, bool) and not (option == "grads" and value is None):
            allowed = "True, False or None" if option == "grads" else "True or False"
            raise TypeError(f"draw: {option} must be {allowed}, got {short_repr(value)}")


#: the options of a node-level picture, at their defaults: level="layer" takes none of them
_NODE_DEFAULTS = {"show_local": True, "show_rules": False, "highlight": None, "rankdir": "LR",
                  "max_nodes": 300, "network": None, "legend": True, "pending": None,
                  "grads": None, "compact": False}


def _layer_takes_none_of(**given):
    """A one-line error for a node-level option given to ``level="layer"``, which
    would draw without it."""
    for option, value in given.items():
        default = _NODE_DEFAULTS[option]
        if value is not default and not (type(value) is type(default) and value == default):
            raise ValueError(f"draw: level='layer' draws the batch matrix by matrix and takes "
                             f"only digits= and title=, got {option}={short_repr(value)}; "
                             f"leave it out, or draw level='node' (the default)")


def _pending(pending):
    """``pending`` as a list of Values (None: none), or a one-line error."""
    if pending is None:
        return None
    listed = list(pending) if listlike(pending) else None
    if listed is None or not all(hasattr(node, "_prev") for node in listed):
        raise TypeError(f"draw: pending must be a collection of Values (the nodes whose grad "
                        f"is not known yet), got {type(pending).__name__} {short_repr(pending)}")
    return listed


def _called(node):
    """How draw's messages call a node: its name; the label ``chainrule step`` gives it
    (``t22 = -0.4639``, within :func:`autograd.notation.numbered_as`, as the commands
    answer), or ``an unnamed add node = 0.05354`` (never ``<add 0.05354>``, the engine's
    own shorthand)."""
    if node.name:
        return names.printable(node.name)
    short = numbered(node)
    return ops.describe(node) if short is None else f"{short} = {node.data!r}"


def _collect(root, max_nodes):
    """All nodes of root's graph (parents first), or GraphTooLarge."""
    nodes = graph.all_nodes(root)
    if len(nodes) > max_nodes:
        raise GraphTooLarge(
            f"draw: the graph of {_called(root)} has {len(nodes)} nodes, more than "
            f"max_nodes={max_nodes}; a picture that size is unreadable and slow to lay out. "
            f"Draw the loss of one sample (one forward pass) instead of a whole batch, "
            f"or pass max_nodes={len(nodes)} (chainrule draw, chainrule step: --max-nodes "
            f"{len(nodes)}) to draw it anyway.")
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
    if isinstance(highlight, str):
        return _named_highlight(root, nodes, highlight)
    if listlike(highlight, sized=True):                  # a matrix of Values: every entry
        from .matrix_check import value_grid
        starts = [v for row in value_grid(highlight, "draw", "highlight")[0] for v in row]
    elif hasattr(highlight, "_prev"):
        starts = [highlight]
    else:
        raise TypeError(f"draw: highlight must be a Value, a name or a matrix of Values, got "
                        f"{type(highlight).__name__} {short_repr(highlight)}")
    present = set(nodes)
    for start in starts:
        if start not in present:
            what = ops.describe(start) if start.name else _called(start)   # 'x' = 3.0
            raise ValueError(f"draw: highlight {what} is not in the graph of "
                             f"{_called(root)}")
    return starts


def _named_highlight(root, nodes, name):
    """The node called ``name``, or every entry of the network's matrix ``name`` (W1, b_2),
    or its one entry ``W1[1,2]`` (as a matrix verdict's table labels it)."""
    from .matrix_form import matrices_note, network_entry, network_matrix_nodes
    try:
        return [names.find_node(nodes, name, "draw: highlight", lambda: matrices_note(root)
                                + Labels(root, nodes).labels_note(name))]
    except names.NodeNameError:
        entry = network_entry(root, name)
        found = [entry] if entry is not None else network_matrix_nodes(root, name)
        if found is None:
            raise
    return found


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
    if all(layer == 1 for layer, _ in places.values()):
        return {}   # inputs x_k alone (x1*w1 + x2*w2 + b) are not a network
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
    if node._opr is ops.CONSTANT:
        return True
    return node.name is None and node._opr.backward is not None


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


def _samples(nodes):
    """node -> the batch sample it belongs to (an int), for graphs whose names carry
    samples (``x1(2)``, :func:`autograd.names.parse`).

    An unnamed node or a constant joins the sample of the nodes it is computed
    from, else the one all of its consumers share; parameters join none.
    """
    samples = {}
    for node in nodes:
        if node.name:
            parsed = names.parse(node.name)
            if parsed is not None and parsed.sample is not None:
                samples[node] = int(parsed.sample)
    if not samples:
        return samples
    for node in nodes:  # parents first: (y⁽²⁾ - a⁽²⁾)² joins sample 2
        if node in samples or not _follows_consumers(node) or node._opr is ops.CONSTANT:
            continue
        found = {samples[p] for p in node._prev if p in samples}
        if len(found) == 1:
            samples[node] = found.pop()
    consumers = _consumers(nodes)
    for node in reversed(nodes):  # consumers first: the constant 2 of (...)² joins them
        if node in samples or not _follows_consumers(node):
            continue
        found = {samples.get(c) for c in consumers.get(node, ())}
        if len(found) == 1 and None not in found:
            samples[node] = found.pop()
    return samples


def _consumers(nodes):
    """node -> the nodes computed from it."""
    consumers = {}
    for node in nodes:
        for parent in node._prev:
            consumers.setdefault(parent, []).append(node)
    return consumers


# ---------------------------------------------------------------------------
# Building the Digraph
# ---------------------------------------------------------------------------

class _Style:
    """How this drawing writes things: numbers (0 for rounding noise), names
    (t1, t2, ... for unnamed nodes), the direction, the grads not known yet."""

    def __init__(self, nodes, digits, rankdir, pending, compact=False):
        self.digits = digits
        self.grads = True   # each record shows its grad
        self.compact = compact   # op symbols inside the records (see draw)
        # a record's cells stacked (LR, or compact), side by side otherwise
        self.stacked = compact or rankdir in ("LR", "RL")
        self.slots_stacked = rankdir in ("LR", "RL")   # an n-ary op's slots, one per row
        self.side = {"LR": "w", "RL": "e", "TB": "n", "BT": "s"}[rankdir]
        self.pending = set(pending or ())
        self.numbers = PictureNumbers(nodes, digits, self.pending)
        self.labels = Labels(nodes=nodes)

    def number(self, x):
        """``x`` to ``digits`` significant digits (a local derivative, a leaf's number)."""
        return number(x, self.digits)

    def name(self, node):
        """A node inside a rule: its textbook name, t1 for an unnamed one, else its number."""
        found = None if node.name else self.labels.short.get(node)
        return found or _rule_label(node, self.digits, self.number)


def _new_graph(rankdir, title, compact=False):
    digraph = _digraph_class()
    graph = digraph(
        "computation_graph",
        graph_attr={"rankdir": rankdir, "nodesep": "0.12" if compact else "0.25",
                    "ranksep": "0.3" if compact else "0.45",
                    "fontname": FONT, "fontsize": "12"},
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "10" if compact else "9", "color": EDGE_COLOUR,
                   "fontcolor": "#333333", "arrowsize": "0.6"},
    )
    if title:
        graph.attr(label=names.graphviz_caption(title), labelloc="t", fontsize="14")
    return graph


def _cluster_path(node, places, samples):
    """The clusters a node is drawn in, outermost first: ``(("layer", 2), ("neuron", 2, 1))``;
    in a batch ``(("sample", 2),)``, or for a shared parameter
    ``(("shared", 2), ("neuron", 2, 1))``; ``()`` for none."""
    if samples:
        sample = samples.get(node)
        if sample is not None:
            return (("sample", sample),)
        place = places.get(node)
        if place is None or node._opr.backward is not None:
            return ()
        layer, neuron = place
        return (("shared", layer),) + ((("neuron", layer, neuron),) if neuron else ())
    place = places.get(node)
    if place is None:
        return ()
    layer, neuron = place
    return (("layer", layer),) + ((("neuron", layer, neuron),) if neuron else ())


_CLUSTER_STYLES = {
    "layer": 'style="rounded,dashed" color="#888888" fontcolor="#444444"',
    "shared": 'style="rounded,dashed" color="#c98a3c" fontcolor="#8a5a1c"',
    "sample": 'style="rounded,filled" color="#9db7d6" fillcolor="#f4f8fc" fontcolor="#3a5a80" '
              'fontsize=14 labeljust="l"',
    "neuron": 'style="rounded" color="#bbbbbb" fontcolor="#777777" fontsize=10',
}


def _cluster_id(key):
    """DOT id of a cluster: cluster_layer2, cluster_layer2_neuron1, cluster_sample3,
    cluster_shared2, cluster_shared2_neuron1."""
    kind = key[0]
    if kind == "neuron":
        return f"_neuron{key[2]}"
    return f"cluster_{kind}{key[1]}"


def _clusters(clusters, reverse_nested=False):
    """DOT text of the cluster tree: ``clusters`` maps a cluster path to the
    statements of its nodes; ``reverse_nested``: a cluster's own clusters last first."""
    tree = {}
    for path, statements in clusters.items():
        branch = tree
        for key in path:
            branch = branch.setdefault(key, {})
        branch.setdefault(None, []).extend(statements)
    layers = sorted(key[1] for key in tree if key[0] == "layer")
    lines = []

    def emit(branch, parent_id, depth):
        keys = sorted((k for k in branch if k is not None), key=_cluster_order)
        for key in keys[::-1] if reverse_nested and depth > 1 else keys:
            cid = _cluster_id(key)
            if key[0] == "neuron":
                cid = parent_id + cid
            tab = "\t" * depth
            lines.append(f"{tab}subgraph {cid} {{\n")
            lines.append(f"{tab}\tlabel={_quote(_cluster_label(key, layers))} "
                         f"{_CLUSTER_STYLES[key[0]]}\n")
            lines.extend(tab + s for s in branch[key].get(None, ()))
            emit(branch[key], cid, depth + 1)
            lines.append(f"{tab}}}\n")
    emit(tree, "", 1)
    return lines


def _cluster_order(key):
    return ({"layer": 0, "shared": 1, "sample": 2, "neuron": 3}[key[0]],) + tuple(key[1:])


def _cluster_label(key, layers):
    kind = key[0]
    if kind == "layer":
        layer = key[1]
        role = " (input)" if layer == 1 else (" (output)" if layer == layers[-1] else "")
        return f"layer {layer}{role}"
    if kind == "neuron":
        return f"neuron {key[2]}"
    if kind == "sample":
        return f"sample {key[1]}"
    return f"layer {key[1]} parameters (shared)"


def _order_statements(nodes, ids, places, samples, across=False):
    """The order in which dot first meets the nodes.  A network's inputs come first,
    which puts the input layer at the top left.  For a batch (with a small
    ``mclimit``) it keeps the samples in order, top to bottom, and the shared
    parameters below them, layer by layer, each neuron's weights in k order then its bias;
    ``across`` (a batch drawn top to bottom): each sample's inputs last first, which dot
    lays out x₁ to the left of x₂."""
    if not samples:   # a network: its inputs x_1, x_2, ... first, at the top left
        inputs = [n for n in nodes if places.get(n) == (1, None)]
        inputs.sort(key=lambda n: (_input_index(n), nodes.index(n)))
        return [f"\t{'; '.join(ids[n] for n in inputs)}\n"] if inputs else []
    shared = [n for n in nodes if n not in samples and places.get(n) and n.is_leaf]
    shared.sort(key=lambda n: (-places[n][0], places[n][1] or 0, n.name is not None and
                               names.parse(n.name).base == "b", nodes.index(n)))
    inputs = sorted((n for n in nodes if n in samples and n.is_leaf and n._opr is not ops.CONSTANT),
                    key=lambda n: (samples[n], -nodes.index(n) if across else nodes.index(n)))
    first = [ids[n] for n in shared + inputs]
    return [f"\t{'; '.join(first)}\n"] if first else []


def _input_index(node):
    """k of an input x_k (for ordering), else 0."""
    parsed = names.parse(node.name) if node.name else None
    return int(parsed.index) if parsed and parsed.index and parsed.index.isdigit() else 0


def _node_statements(node, node_id, style, on_path):
    """DOT statements for one Value: its record and, when derived, its op node."""
    kind = node.kind
    border = (f' COLOR="{PATH_COLOUR}"', "2") if on_path else ("", "0")
    cells = []
    inside = style.compact and node._opr.backward is not None and not _has_slots(node)
    span = ' COLSPAN="2"' if inside else ""
    if node.name:
        typeset = textbook_name(_cut(node.name), html_markup=True)
        # a superscript rises above the text line that dot sizes the cell for: more room
        pad = ' CELLPADDING="6"' if "<SUP>" in typeset else ""
        cells.append(f"<TD{pad}><B>{typeset}</B></TD>")
    elif node in style.labels.short:   # t1, t2, ...: the name steps and the jit give it
        cells.append(f'<TD><FONT COLOR="{SHORT_NAME_COLOUR}"><I>'
                     f"{style.labels.short[node]}</I></FONT></TD>")
    if inside:   # the op's symbol before the name: "σ | h1"
        symbol = f'<TD BGCOLOR="{OP_COLOUR}">{html.escape(node._opr.symbol)}</TD>'
        cells[:1] = [symbol + (cells[0] if cells else "<TD></TD>")]
    cells.append(f"<TD{span}>data {style.numbers.data(node)}</TD>")
    if style.grads:
        grad = "?" if node in style.pending else style.numbers.grad(node)
        cells.append(f"<TD{span}>grad {grad}</TD>")
    # stacked when the graph runs left to right, side by side when it runs top to bottom
    rows = "".join(f"<TR>{cell}</TR>" for cell in cells) if style.stacked else \
        f"<TR>{''.join(cells)}</TR>"
    table = (f'<TABLE BORDER="{border[1]}"{border[0]} CELLBORDER="1" CELLSPACING="0" '
             f'CELLPADDING="2" BGCOLOR="{KIND_COLOURS[kind]}">{rows}</TABLE>')
    known = f" grad={node.grad!r}" if style.grads and node not in style.pending else ""
    tooltip = _quote(f"{_cut(style.labels(node))} ({kind}): data={node.data!r}{known}")
    lines = [f"\t{node_id} [label=<{table}> shape=plain tooltip={tooltip}]\n"]
    if node._opr.backward is not None and not inside:
        lines.append(_op_statement(node, node_id, on_path))
    return lines


def _has_slots(node):
    """An op of any number of inputs (a neuron's Σ w·a + b, a sum) lists its inputs:
    each edge ends in its own slot, which shows the edge's local derivative."""
    return node._opr.arity is None and len(node._prev) > 1


def _op_statement(node, node_id, on_path, slots=None):
    """The op node: a small circle (``×``, ``σ``), or for an n-ary op a box whose
    slots are where its edges end, each showing that edge's label."""
    tooltip = _quote(node._opr.name)
    if slots is None:
        style = f' color="{PATH_COLOUR}" penwidth=2' if on_path else ""
        return (f"\t{node_id}_op [label={_quote(node._opr.symbol)} shape=circle style=filled "
                f"fillcolor=\"{OP_COLOUR}\" margin=0.02 width=0.3 height=0.3 fontsize=10 "
                f"tooltip={tooltip}{style}]\n")
    return f"\t{node_id}_op [label=<{slots}> shape=plain tooltip={tooltip}]\n"


def _slot_table(node, texts, on_path_slots, on_path, stacked, size=9, symbol_first=False):
    """The HTML of an n-ary op: one slot (port i0, i1, ...) per input, in the order of
    ``node.parents`` (weights w_j1..w_jn, inputs a_1..a_n, then the bias), and the symbol,
    after the slots, or before them (``symbol_first``) when the inputs come from the
    right or from below (rankdir RL, BT), so no edge crosses the symbol to its slot."""
    colour = PATH_COLOUR if on_path else "#999999"
    cells = []
    for i, text in enumerate(texts):
        font = f' COLOR="{PATH_COLOUR}"' if i in on_path_slots else ""
        cells.append(f'<TD PORT="i{i}" ALIGN="LEFT"><FONT POINT-SIZE="{size}"{font}>'
                     f"{names.graphviz_html(text) if text else '&nbsp;'}</FONT></TD>")
    symbol = (f'<TD BGCOLOR="{OP_COLOUR}" {"ROWSPAN" if stacked else "COLSPAN"}="{len(texts)}">'
              f"{html.escape(node._opr.symbol)}</TD>")
    if stacked:
        first = symbol + cells[0] if symbol_first else cells[0] + symbol
        rows = [f"<TR>{first}</TR>"] + [f"<TR>{c}</TR>" for c in cells[1:]]
    else:
        rows = [f"<TR>{''.join(cells)}</TR>", f"<TR>{symbol}</TR>"]
        rows = rows[::-1] if symbol_first else rows
    border = "2" if on_path else "1"
    return (f'<TABLE BORDER="{border}" COLOR="{colour}" CELLBORDER="1" CELLSPACING="0" '
            f'CELLPADDING="2" STYLE="ROUNDED" BGCOLOR="#fffbe0">{"".join(rows)}</TABLE>')


def _edge_statements(node, ids, style, show_local, show_rules, on_path, places, samples):
    """One edge per entry of node.parents (into its op node), plus op -> record.

    An edge from one layer into the next is two ranks long, so layer l+1's
    weights fit between a^l and z^(l+1) and the layers lie side by side.
    An n-ary op's edges end in its slots, which carry their labels.
    """
    if node._opr.backward is None:
        return []
    node_id = ids[node]
    node_on_path = node in on_path
    path_style = f' color="{PATH_COLOUR}" fontcolor="{PATH_COLOUR}" penwidth=2.2'
    locals_ = node._opr.backward(node, 1.0)
    slotted = _has_slots(node)
    inside = style.compact and not slotted   # no op node: edges end at the record
    lines, texts, red = [], [], set()
    rule_of = rule_texts(node, style.name) if show_rules else None
    for i, parent in enumerate(node._prev):
        attrs = ""
        text = _edge_label(i, locals_[i], style, show_local, rule_of, fixed_exponent(node, i))
        texts.append(text)
        if text and not slotted:
            attrs += f" label={_quote(text)}"
        if node_on_path and parent in on_path:
            attrs += path_style
            red.add(i)
        if _crosses_layers(places, parent, node) and not samples:
            attrs += " minlen=2"
        head = f"{node_id}_op:i{i}:{style.side}" if slotted else \
            node_id if inside else f"{node_id}_op"
        lines.append(f"\t{ids[parent]} -> {head} [{attrs.strip()}]\n"
                     if attrs else f"\t{ids[parent]} -> {head}\n")
    own = f" [{path_style.strip()}]" if node_on_path else ""
    if not inside:
        lines.append(f"\t{node_id}_op -> {node_id}{own}\n")
    if slotted:  # the op's node statement, now that its slots' texts are known
        table = _slot_table(node, texts, red, node_on_path, style.slots_stacked,
                            10 if style.compact else 9, style.side in ("e", "s"))
        lines.insert(0, _op_statement(node, node_id, node_on_path, table))
    return lines


def _crosses_layers(places, parent, node):
    """True when parent and node sit in two different layer clusters."""
    here, there = places.get(node), places.get(parent)
    return here is not None and there is not None and here[0] != there[0]


def _edge_label(index, local, style, show_local, rule_of, fixed=False):
    """``0.25``, ``w2 = 0.5`` or ``σ(z²₁)(1-σ(z²₁)) = 0.2350``, as asked (``rule_of``:
    the node's :func:`autograd.notation.rule_texts`, None when no rule is shown); an
    edge into a fixed exponent (``fixed``: the 2 of x**2, whose gradient does not matter)
    says ``fixed exponent`` where a plain 0 would read as its local derivative."""
    number = style.number(local)
    if rule_of is None:
        return (FIXED_EXPONENT if fixed else number) if show_local else ""
    rule = rule_of(index)
    if not show_local or rule == number:
        return rule
    return f"{rule} = {number}"


def _rule_label(node, digits, written=None):
    """A node inside a rule: its textbook name, else its number (bracketed when negative)."""
    if node.name:
        return textbook_name(_cut(node.name))
    text = (written or (lambda x: number(x, digits)))(node.data)
    return f"({text})" if text.startswith("-") else text


def highlight_label(highlight, labels, html_markup=False):
    """What a key says the red paths start from: the highlighted node as its box calls
    it (w²₁₁, t1; ``labels`` names the unnamed), or each entry of a matrix;
    with ``html_markup=True``, Graphviz HTML."""
    if isinstance(highlight, str) or hasattr(highlight, "_prev"):
        name = _cut(highlight if isinstance(highlight, str) else labels(highlight))
        return textbook_name(name, html_markup)
    return "each entry of the matrix"


def highlight_key(root, nodes, highlight, labels, html_markup=False):
    """What a key says the red boxes are: ``paths from w1 to the root``, or, when the
    highlighted node is the root itself (no path to draw), ``f, the root itself``;
    the node named as :func:`highlight_label` names it."""
    label = highlight_label(highlight, labels, html_markup)
    if not listlike(highlight, sized=True) and _resolve_highlight(root, nodes, highlight) == [root]:
        return f"{label}, the root itself (highlight another node to see its paths to the root)"
    return f"paths from {label} to the root"


def _legend(nodes, highlight, pending, grads=True, example="0.25"):
    """One small table: the colour of each kind present, what edge labels mean (an
    ``example`` label; None: the edges have none); ``highlight`` is
    :func:`highlight_key`'s HTML, or None."""
    kinds = [kind for kind in KIND_COLOURS if any(node.kind == kind for node in nodes)]
    rows = ['<TR><TD COLSPAN="2"><B>legend</B></TD></TR>']
    for kind in kinds:
        rows.append(f'<TR><TD BGCOLOR="{KIND_COLOURS[kind]}" WIDTH="18"> </TD>'
                    f'<TD ALIGN="LEFT">{KIND_TITLES[kind]}</TD></TR>')
    if not any(node._opr.backward is not None for node in nodes):
        example = None   # a lone leaf: no operation and no edge to explain
    else:
        rows.append(f'<TR><TD BGCOLOR="{OP_COLOUR}">+</TD><TD ALIGN="LEFT">operation</TD></TR>')
    if example:
        rows.append(f'<TR><TD>{example}</TD><TD ALIGN="LEFT">on an edge, or in the slot where '
                    'it enters: local derivative ∂out/∂in</TD></TR>')
    if any(not n.name and n._opr is not ops.CONSTANT for n in nodes):
        rows.append(f'<TR><TD><FONT COLOR="{SHORT_NAME_COLOUR}"><I>t1</I></FONT></TD>'
                    '<TD ALIGN="LEFT">an unnamed node (as steps and the jit call it)</TD></TR>')
    if pending:
        rows.append('<TR><TD>grad ?</TD><TD ALIGN="LEFT">gradient not reached yet</TD></TR>')
    if not grads:
        rows.append('<TR><TD>data</TD><TD ALIGN="LEFT">no grad: no backward pass from this root '
                    'yet</TD></TR>')
    if highlight is not None:
        rows.append(f'<TR><TD BGCOLOR="{PATH_COLOUR}"> </TD><TD ALIGN="LEFT">'
                    f'{highlight}</TD></TR>')
    table = ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" '
             f'COLOR="#999999">{"".join(rows)}</TABLE>')
    return f"\tlegend [label=<{table}> shape=plain fontsize=9]\n"


#: a note names at most this many leaves whose grad adds up passes, then counts the rest
HELD_NAMED = 3


def _held_note(root, nodes, style):
    """A note beside the graph when a leaf's grad is not one backward() pass's gradient
    (:func:`autograd.explain.held_grad`: micrograd's loop without zero_grad, a.grad = 12
    where the edges and the next node's grad give 6), in check's words; else nothing.
    One pass is the engine's gradients seeded with root's own grad, as the drawn
    records' grads are; a constant's grad is left alone."""
    from .explain import ADDS_UP_PASSES, as_it_stands, held_grad
    try:
        seed = float(root.grad)
    except (TypeError, ValueError):
        return []
    if seed == 0.0 or not math.isfinite(seed):
        return []
    one_pass = engine.gradients(root, seed)
    lines = []
    for node in nodes:
        if node._opr is ops.CONSTANT or node.kind == "constant":
            continue
        if held_grad(node, one_pass.get(node, 0.0)) is not None:
            name = _cut(style.labels(node))
            lines.append(f"{as_it_stands(name)}: {style.numbers.grad(node)} (one pass: "
                         f"{style.numbers.grad(node, one_pass.get(node, 0.0))})")
    if not lines:
        return []
    more = len(lines) - HELD_NAMED
    if more > 1:
        lines[HELD_NAMED:] = [f"and {more} more {'leaf' if more == 1 else 'leaves'} likewise"]
    lines.append(f"most often because {ADDS_UP_PASSES}")
    left = '<BR ALIGN="LEFT"/>'     # a line break that keeps the text flush left
    rows = "".join(f'<TR><TD ALIGN="LEFT">{left.join(map(html.escape, textwrap.wrap(line, 80)))}'
                   f"{left}</TD></TR>" for line in lines)
    table = ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" '
             f'COLOR="#999999">{rows}</TABLE>')
    return [f"\theld_grads [label=<{table}> shape=plain fontsize=9]\n"]


class PictureNumbers:
    """A node's data and grad as a picture of ``nodes`` writes them: ``digits``
    significant digits, and 0 for rounding noise, a sum within 1e-12 of the largest
    term it adds (:class:`autograd.notation.NoiseScales`)."""

    def __init__(self, nodes, digits, pending=()):
        self.digits = digits
        self.scales = NoiseScales(nodes, pending)

    def data(self, node, x=None):
        """``node.data`` (or ``x``, a number it held) as the picture shows it."""
        return shown_number(node.data if x is None else x, self.digits,
                            self.scales.data.get(node, 0.0))

    def grad(self, node, x=None):
        """``node.grad`` (or ``x``, a partial sum of it) as the picture shows it."""
        return shown_number(node.grad if x is None else x, self.digits,
                            self.scales.grad.get(node, 0.0))


def picture_number(nodes, digits):
    """The :class:`PictureNumbers` of a picture of ``nodes``."""
    return PictureNumbers(nodes, digits)


def _number(x, digits):
    """``x`` to ``digits`` significant digits: 0.001429, 1.5, -2e-08 (never -0)."""
    return number(x, digits)


def _printable_statement(line):
    """A DOT statement (its tabs, its text, its newline) with the text made printable
    (:func:`autograd.names.printable`): the tabs and newline are the only control
    characters a statement keeps."""
    text = line.lstrip("\t")
    tabs = line[:len(line) - len(text)]
    end = "\n" if text.endswith("\n") else ""
    return tabs + names.printable(text[:len(text) - len(end)]) + end


#: the most characters of a name that a picture shows (dot refuses a quoted string of
#: more than 16,384 bytes, and a rule writes a name twice)
PICTURE_NAME = 200


def _cut(name):
    """``name`` as a picture shows it: a name of more than :data:`PICTURE_NAME`
    characters is cut there, ending in ``… (10,000 characters)``."""
    return names.cut(name, PICTURE_NAME)


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

        def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
            """Jupyter's picture; without ``dot``, the repr and how to install dot, as
            text (a display that raised would print a traceback in the cell)."""
            try:
                return super()._repr_mimebundle_(include, exclude, **kwargs)
            except DotNotFound:
                return {"text/plain": f"{self!r}\n{INSTALL_HELP}"}

        def __repr__(self):
            what = getattr(self, "summary", "a computation graph")
            return (f"<Drawing of {what}: display it in Jupyter, .render(path) or "
                    f".pipe(format='png') to write it, .source for the DOT text>")

    _DIGRAPH = Drawing
    return _DIGRAPH

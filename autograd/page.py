"""Step through a graph in the browser: one self-contained HTML page.

``step_page(root)`` replays the forward pass (each node's value computed in
order) and then the backward pass (the same Steps as ``backward_steps()``)
over the graph drawn by :func:`autograd.draw.draw` as inline SVG.  The page
has previous, next, play/pause and reset (and the arrow keys, space, Home),
zoom (wheel, + and -), pan (drag), "fit" (the whole graph while its text
stays 9 px tall, else as much as fits at that size), "100%", "follow", which
keeps the nodes a step changes in view, and a minimap while the graph does
not fit.  The drawing is compact (``draw(..., compact=True)``) and runs in the
direction that a wide window shows larger.  It opens at the drawing's own size
(its smallest labels are 12 px tall at 100% zoom), not shrunk to the window.

Colours: the step's changes (the node whose value or rule is applied, its
edges, the numbers it filled in) are blue; a path asked for with
``highlight=`` stays bold red, as in the drawing.  Unnamed nodes are t1, t2,
... here as in the steps and the terminal stepper.  Nothing is loaded from
the network: graph, script and style are all inside the page.

In Jupyter, ``step_through(root)`` shows the page inline (an iframe whose
``srcdoc`` is the page: nothing is served).
"""

import html
import json
import re

from . import engine, graph
from .draw import (INSTALL_HELP, INSTALL_LINE, KIND_COLOURS, KIND_TITLES, OP_COLOUR,
                   DotNotFound, draw, file_path, highlight_key, picture_number)
from .floats import short_repr
from .names import printable
from .notation import Labels, formula, number, printed

__all__ = ["step_page", "write_step_page", "step_through", "StepThrough"]


def _ids(nodes):
    """The ids :func:`autograd.draw.draw` gives the nodes: v0, v1, ... in ``all_nodes`` order."""
    return {node: f"v{i}" for i, node in enumerate(nodes)}


def _forward_frames(nodes, ids, labels, shown):
    """One frame per derived node, parents first: its value computed from its parents'
    (names printable, as the backward frames' steps write them)."""
    labels = printed(labels)
    derived = [node for node in nodes if not node.is_leaf]
    frames = []
    for k, node in enumerate(derived, 1):
        name = labels(node)
        frames.append({
            "node": ids[node],
            "parents": [ids[p] for p in node._prev],
            "text": f"forward {k}/{len(derived)}: {name} = {formula(node, labels=labels)} "
                    f"= {shown.data(node)}",
            "data": shown.data(node),
        })
    return frames


def _backward_frames(root, grad, ids, shown):
    """Run the backward pass step by step; return the steps as plain data for the page.

    Each entry: the current node's id, its parents' ids, the chain-rule text
    (``str(step)``, which says what a hook did in the step where it happened: see
    ``Step.hooked``), and the grads (formatted) that this step completed or changed.
    """
    frames = []
    for step in engine.backward_steps(root, grad):
        changed = {ids[step.node]: shown(step.upstream)}
        for edge in step.edges:
            changed[ids[edge.parent]] = shown(edge.grad_after)
        for node, _, after in step.hooked:      # a leaf's hook ran after its last edge
            changed[ids[node]] = shown(after)
        frames.append({"node": ids[step.node], "parents": [ids[e.parent] for e in step.edges],
                       "text": str(step), "grads": changed})
    if not frames:  # the root is a leaf: one step that seeds it
        frames.append({"node": ids[root], "parents": [],
                       "text": f"{Labels(root)(root)}.grad = {number(float(grad))}",
                       "grads": {ids[root]: shown(root.grad)}})
    return frames


def step_page(root, *, grad=1.0, title=None, digits=4, max_nodes=300, **draw_kwargs):
    """The HTML text of a page that replays the forward pass and ``root.backward(grad)``
    one node at a time.

    Replays one backward pass from zero; every leaf's ``grad`` is left as it
    was and every derived node's holds this pass's gradient.  ``draw_kwargs``
    go to :func:`autograd.draw.draw` (``highlight="w1"``, ``network=``, ...).
    Raises :class:`autograd.draw.GraphTooLarge` above ``max_nodes`` and
    :class:`autograd.draw.DotNotFound` without Graphviz, like ``draw``.
    """
    if draw_kwargs.get("level", "node") != "node":
        raise ValueError(f"step_page: the page steps node by node; level="
                         f"{short_repr(draw_kwargs['level'])} cannot be stepped (leave level out)")
    draw_kwargs = {"compact": True, "legend": False, **draw_kwargs}   # the page has its own key
    draw(root, digits=digits, max_nodes=max_nodes, **draw_kwargs)  # fail early, before backward
    nodes = graph.all_nodes(root)
    ids = _ids(nodes)
    labels = Labels(root, nodes)
    # replay one pass from zero, draw it, then give the leaves back their grads (and
    # every node its own, if the page is not made: no dot, Ctrl-C while dot lays it out)
    leaves = [node for node in nodes if node.is_leaf]
    saved = [node.grad for node in leaves]
    derived = [(node, node.grad) for node in nodes if not node.is_leaf]
    for node in leaves:
        node.grad = 0.0
    try:
        backward = _backward_frames(root, grad, ids, lambda x: x)
        shown = picture_number(nodes, digits)   # 0 for rounding noise, as the picture
        node_of = {i: node for node, i in ids.items()}
        for frame in backward:
            frame["grads"] = {k: shown.grad(node_of[k], v) if isinstance(v, float) else v
                              for k, v in frame["grads"].items()}
        forward = _forward_frames(nodes, ids, labels, shown)
        svg = _best_svg(root, digits=digits, max_nodes=max_nodes, **draw_kwargs)
    except BaseException:
        for node, before in derived:
            node.grad = before
        raise
    finally:
        for node, before in zip(leaves, saved):
            node.grad = before
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    heading = title or f"Forward and backward through {labels(root)}, step by step"
    data = _script_json({"forward": forward, "frames": backward})
    return _TEMPLATE.format(title=html.escape(printable(heading)), svg=svg, data=data,
                            legend=_legend(root, draw_kwargs.get("highlight"), nodes, labels),
                            script=_SCRIPT, style=_STYLE)


#: the graph's part of a 1280×720 window (px): what the layout is chosen to fit
WINDOW = (1280, 560)


def _best_svg(root, **draw_kwargs):
    """The SVG of the drawing that a landscape window shows largest: left to right or
    top to bottom, whichever has the aspect ratio nearer the window's (unless
    ``rankdir`` is given)."""
    directions = [draw_kwargs.pop("rankdir")] if "rankdir" in draw_kwargs else ["LR", "TB"]
    best = None
    for rankdir in directions:
        svg = draw(root, rankdir=rankdir, **draw_kwargs).pipe(format="svg").decode()
        width, height = _svg_size(svg)
        scale = min(WINDOW[0] / width, WINDOW[1] / height)
        if best is None or scale > best[0]:
            best = (scale, svg)
    return best[1]


def _svg_size(svg):
    """(width, height) in pt of dot's SVG, from its viewBox."""
    box = re.search(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"', svg)
    return float(box.group(3)), float(box.group(4))


#: what JSON may hold but a <script> element or a JavaScript string may not: "<!--" and
#: "</script" end or swallow the element, U+2028/2029 end a line in older JavaScript
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def _script_json(data):
    """``data`` as JSON that can sit inside ``<script type="application/json">``: the
    characters of :data:`_SCRIPT_UNSAFE` (only ever inside strings) as ``\\uXXXX``, a
    lone surrogate too (it cannot be written as UTF-8)."""
    text = json.dumps(data, ensure_ascii=False)
    return _SCRIPT_UNSAFE.sub(lambda c: f"\\u{ord(c.group()):04x}", text)


def _legend(root, highlight, nodes, labels):
    """The page's key: the kinds of box present, the op symbol and edge numbers,
    what blue means, and the highlighted path if there is one (named as its box,
    ``labels`` naming the unnamed)."""
    kinds = [kind for kind in KIND_COLOURS if any(n.kind == kind for n in nodes)]
    rows = [f'<span class="key"><span class="swatch" style="background: {KIND_COLOURS[kind]}; '
            f'border: 1px solid #999"></span>{KIND_TITLES[kind]}</span>' for kind in kinds]
    if any(not n.is_leaf for n in nodes):   # a lone leaf has no op and no edge to explain
        rows += [f'<span class="key"><span class="op" style="background: {OP_COLOUR}">σ</span> '
                 'op</span>',
                 '<span class="key"><b>0.25</b> on an edge: ∂out/∂in</span>']
    rows += ['<span class="key"><span class="swatch step"></span>this step</span>',
             '<span class="key"><b>?</b> not computed yet</span>']
    if highlight is not None:
        what = highlight_key(root, nodes, highlight, labels)
        rows.append(f'<span class="key"><span class="swatch path"></span>red: '
                    f'{html.escape(printable(what))}</span>')
    return "\n".join(rows)


def write_step_page(root, path, **kwargs):
    """Write :func:`step_page` to ``path`` (folders created); return the path."""
    target = file_path(path, "write_step_page", "out/steps.html")
    text = step_page(root, **kwargs)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


class StepThrough:
    """The step-through page of a graph, shown inline by Jupyter (an iframe whose
    ``srcdoc`` is the whole page: nothing is served, nothing is fetched).

    ``html`` is the page; ``save(path)`` writes it; ``height`` is the iframe's height in px.
    Without Graphviz's ``dot`` there is no page (``page=None``): the notebook shows the
    repr, one line saying how to install it, and ``html`` and ``save`` raise
    :class:`autograd.draw.DotNotFound`.
    """

    def __init__(self, page, height=640):
        if isinstance(height, bool) or not isinstance(height, int) or height < 1:
            raise ValueError(f"step_through: height must be a positive int (px), got "
                             f"{short_repr(height)}")
        self._page = page
        self.height = height

    @property
    def html(self):
        """The page's HTML text (DotNotFound without Graphviz's ``dot``)."""
        if self._page is None:
            raise DotNotFound(INSTALL_HELP)
        return self._page

    def _repr_html_(self):
        if self._page is None:
            return None   # the notebook shows the repr: what is missing, in one line
        # loading="eager": drawn at once, even below the fold; onload: the page takes
        # the arrow keys as soon as it is shown (and again whenever the mouse is over it)
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd" '
                f'sandbox="allow-scripts" loading="eager" onload="this.contentWindow.focus()" '
                f'title="chainrule step-through"></iframe>')

    def save(self, path):
        """Write the page to ``path`` (folders created); return the path."""
        target = file_path(path, "StepThrough.save", "out/steps.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html, encoding="utf-8")
        return target

    def __repr__(self):
        if self._page is None:
            return f"<StepThrough page not drawn: {INSTALL_LINE}>"
        return f"<StepThrough page, {len(self._page)} characters: display it in Jupyter or .save(path)>"


def step_through(root, *, height=640, **kwargs):
    """The step-through page of ``root`` for a notebook: ``step_through(loss)`` as the
    last line of a cell shows it, forward pass then backward pass, with the page's
    controls.  ``kwargs`` are :func:`step_page`'s.  Without Graphviz's ``dot`` the cell
    shows one line saying how to install it, not a traceback (as a drawing does)."""
    try:
        page = step_page(root, **kwargs)
    except DotNotFound:
        page = None
    return StepThrough(page, height)


_STYLE = """
html, body { height: 100%; margin: 0; }
body { font-family: Helvetica, Arial, sans-serif; color: #222; display: flex;
       flex-direction: column; }
header { padding: .5em 1em .3em 1em; }
h1 { font-size: 1.25em; margin: .2em 0 .4em 0; }
#controls { display: flex; flex-wrap: wrap; gap: .3em; align-items: center; }
#controls button { font-size: .95em; padding: .25em .7em; }
#controls .gap { width: 1em; }
#counter { margin-left: .6em; font-weight: bold; min-width: 13em; }
#legend { font-size: .85em; color: #444; margin: .35em 0 0 0; display: flex; flex-wrap: wrap;
          gap: .3em 1em; }
.swatch { display: inline-block; width: 1.6em; height: .8em; vertical-align: middle;
          margin-right: .35em; border-radius: 2px; }
.swatch.step { background: #1f6fd1; }
.op { padding: 0 .35em; border: 1px solid #999; }
.swatch.path { background: none; border-top: 4px solid #d62728; height: 0; }
#rule { background: #f6f6f6; border-left: 4px solid #1f6fd1; padding: .5em .7em;
        margin: .4em 0 0 0; min-height: 2.6em; max-height: 24vh; overflow: auto;
        white-space: pre-wrap; overflow-wrap: anywhere; font-family: Menlo, Consolas, monospace;
        font-size: .85em; }
#viewport { flex: 1; position: relative; overflow: hidden; border-top: 1px solid #ddd;
            cursor: grab; background: #ffffff; touch-action: none; min-height: 200px; }
#viewport.dragging { cursor: grabbing; }
#minimap { position: fixed; display: none; background: rgba(255, 255, 255, .92);
           border: 1px solid #999; box-shadow: 0 1px 4px rgba(0, 0, 0, .25); cursor: crosshair;
           overflow: hidden; touch-action: none; }
#minimap svg { display: block; }
#framed { position: absolute; border: 2px solid #1f6fd1; background: rgba(31, 111, 209, .08);
          box-sizing: border-box; pointer-events: none; }
#viewport svg { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
.current polygon, .current ellipse, .current path { stroke: #1f6fd1 !important; stroke-width: 3; }
.active path { stroke: #1f6fd1; stroke-width: 3; }
.active polygon { stroke: #1f6fd1; fill: #1f6fd1; }
.pending { fill: #9a9a9a; }
.filled { fill: #1f6fd1; font-weight: bold; }
"""

_SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById('steps').textContent);
  const forward = data.forward, backward = data.frames;
  const total = forward.length + backward.length;
  const viewport = document.getElementById('viewport');
  const svg = viewport.querySelector('svg');
  // draw at the drawing's own size: 1 pt of the picture is 4/3 px at 100% zoom
  const box = svg.viewBox.baseVal;
  svg.setAttribute('width', box.width);
  svg.setAttribute('height', box.height);
  const NATURAL = 4 / 3;
  // the scale at which the smallest text of the graph is 9 px tall on screen
  let smallest = Infinity;
  svg.querySelectorAll('text').forEach(t => {
    smallest = Math.min(smallest, parseFloat(t.getAttribute('font-size')) || Infinity); });
  const LEGIBLE = 9 / (isFinite(smallest) ? smallest : 9);
  let scale = NATURAL, tx = 0, ty = 0;
  let follow = true;

  const nodes = {}, edges = [];
  svg.querySelectorAll('g.node').forEach(g => { nodes[g.querySelector('title').textContent] = g; });
  svg.querySelectorAll('g.edge').forEach(g => {
    const ends = g.querySelector('title').textContent.split('->');
    edges.push({from: ends[0].split(':')[0], to: ends[1].split(':')[0], g: g});
  });
  function edgesInto(op) { return edges.filter(e => e.to === op); }
  // the texts that show a node's data and grad: "data 0.1234", "grad 0.1234"
  const gradText = {}, dataText = {}, finalGrad = {}, finalData = {};
  for (const id in nodes) {
    nodes[id].querySelectorAll('text').forEach(t => {
      if (t.textContent.startsWith('grad ')) { gradText[id] = t; finalGrad[id] = t.textContent.slice(5); }
      if (t.textContent.startsWith('data ')) { dataText[id] = t; finalData[id] = t.textContent.slice(5); }
    });
  }
  const computed = new Set(forward.map(f => f.node));
  // an edge's number, ∂out/∂in, is read off the forward values: shown once out is computed
  edges.forEach(e => {
    e.child = e.to.endsWith('_op') ? e.to.slice(0, -3) : e.to;
    e.labels = Array.from(e.g.querySelectorAll('text')).map(t => ({t: t, text: t.textContent}));
  });

  // ---- view: zoom, pan, fit, follow --------------------------------------
  // ---- minimap: the whole graph small, the part in view framed; shown while the
  // graph does not fit the view; a click (or drag) on it brings that part into view
  const minimap = document.getElementById('minimap');
  const small = svg.cloneNode(true);
  small.removeAttribute('id');
  small.querySelectorAll('text, title').forEach(t => t.remove());
  const SMALL = Math.min(220 / box.width, 150 / box.height);
  small.setAttribute('width', box.width * SMALL);
  small.setAttribute('height', box.height * SMALL);
  minimap.insertBefore(small, minimap.firstChild);
  const framed = document.getElementById('framed');
  const smallNodes = {};
  small.querySelectorAll('g.node').forEach((g, i) => {
    smallNodes[svg.querySelectorAll('g.node')[i].querySelector('title').textContent] = g; });
  function drawMinimap() {
    const w = viewport.clientWidth, h = viewport.clientHeight;
    const whole = box.width * scale <= w + 1 && box.height * scale <= h + 1;
    minimap.style.display = whole ? 'none' : 'block';
    // in the corner farthest from the current step's node, which it must not hide
    const r = viewport.getBoundingClientRect(), cur = svg.querySelector('g.node.current');
    const c = cur ? cur.getBoundingClientRect() : {left: r.left, right: r.left, top: r.top, bottom: r.top};
    const left = (c.left + c.right) / 2 > (r.left + r.right) / 2;
    const up = (c.top + c.bottom) / 2 > (r.top + r.bottom) / 2;
    minimap.style.left = (left ? r.left + 16 : r.right - box.width * SMALL - 16) + 'px';
    minimap.style.top = (up ? r.top + 16 : r.bottom - box.height * SMALL - 16) + 'px';
    framed.style.left = (-tx / scale * SMALL) + 'px';
    framed.style.top = (-ty / scale * SMALL) + 'px';
    framed.style.width = (w / scale * SMALL) + 'px';
    framed.style.height = (h / scale * SMALL) + 'px';
  }
  function lookAt(ev) {  // the point of the minimap under the pointer to the view's centre
    const m = small.getBoundingClientRect();
    tx = viewport.clientWidth / 2 - (ev.clientX - m.left) / SMALL * scale;
    ty = viewport.clientHeight / 2 - (ev.clientY - m.top) / SMALL * scale;
    apply();
  }
  let looking = false;
  minimap.addEventListener('pointerdown', ev => {
    looking = true; minimap.setPointerCapture(ev.pointerId); lookAt(ev); ev.stopPropagation(); });
  minimap.addEventListener('pointermove', ev => { if (looking) lookAt(ev); });
  minimap.addEventListener('pointerup', () => { looking = false; });

  function apply() {
    svg.style.transform = 'translate(' + tx + 'px,' + ty + 'px) scale(' + scale + ')';
    drawMinimap();
    document.getElementById('zoomlevel').textContent = Math.round(100 * scale / NATURAL) + '%';
  }
  function zoomAt(factor, cx, cy) {
    const s = Math.max(0.05, Math.min(8, scale * factor));
    tx = cx - (cx - tx) * s / scale; ty = cy - (cy - ty) * s / scale; scale = s; apply();
  }
  function zoom(factor) { zoomAt(factor, viewport.clientWidth / 2, viewport.clientHeight / 2); }
  // the whole graph, or when that would make its text smaller than 9 px, as much of it
  // as fits at 9 px, centred on the current step (the start of the graph before the first)
  function fit() {
    const w = viewport.clientWidth, h = viewport.clientHeight;
    const whole = Math.min(w / box.width, h / box.height);
    scale = Math.max(whole, Math.min(LEGIBLE, NATURAL));
    tx = (w - box.width * scale) / 2; ty = (h - box.height * scale) / 2;
    if (scale > whole) {
      if (box.width * scale > w) tx = 0;
      if (box.height * scale > h) ty = 0;
      apply();
      const cur = svg.querySelector('g.node.current');
      if (cur) { tx = ty = 0; apply(); centre(bounds([cur])); return; }
    }
    apply();
  }
  function centre(r) {
    const w = viewport.clientWidth, h = viewport.clientHeight;
    tx = Math.min(0, Math.max(w - box.width * scale, tx + w / 2 - (r.l + r.r) / 2));
    ty = Math.min(0, Math.max(h - box.height * scale, ty + h / 2 - (r.t + r.b) / 2));
    apply();
  }
  function actual() { scale = NATURAL; tx = 0; ty = 0; apply(); }
  function bounds(groups) {  // in viewport pixels
    const v = viewport.getBoundingClientRect();
    let r = null;
    groups.forEach(g => {
      const b = g.getBoundingClientRect();
      const c = {l: b.left - v.left, t: b.top - v.top, r: b.right - v.left, b: b.bottom - v.top};
      r = r ? {l: Math.min(r.l, c.l), t: Math.min(r.t, c.t), r: Math.max(r.r, c.r), b: Math.max(r.b, c.b)} : c;
    });
    return r;
  }
  function reveal(main, around) {  // bring the changed nodes into view, the main one first
    const w = viewport.clientWidth, h = viewport.clientHeight, pad = 24;
    if (box.width * scale <= w + 1 && box.height * scale <= h + 1) {  // it fits: all in view
      keepOnScreen(); apply(); return; }
    let r = bounds(around);
    if (!r) return;
    if (r.r - r.l > w - 2 * pad || r.b - r.t > h - 2 * pad) r = bounds(main);
    if (!r) return;
    if (r.l >= pad && r.r <= w - pad && r.t >= pad && r.b <= h - pad) return;
    tx += w / 2 - (r.l + r.r) / 2; ty += h / 2 - (r.t + r.b) / 2; keepOnScreen(); apply();
  }
  function keepOnScreen() {  // a graph that fits stays whole; a larger one leaves no empty margin
    const dw = viewport.clientWidth - box.width * scale, dh = viewport.clientHeight - box.height * scale;
    tx = Math.min(Math.max(tx, Math.min(0, dw)), Math.max(0, dw));
    ty = Math.min(Math.max(ty, Math.min(0, dh)), Math.max(0, dh));
  }
  viewport.addEventListener('wheel', ev => {
    ev.preventDefault();
    const v = viewport.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY / 400), ev.clientX - v.left, ev.clientY - v.top);
  }, {passive: false});
  let drag = null;
  viewport.addEventListener('pointerdown', ev => {
    drag = {x: ev.clientX, y: ev.clientY, tx: tx, ty: ty};
    viewport.classList.add('dragging'); viewport.setPointerCapture(ev.pointerId);
  });
  viewport.addEventListener('pointermove', ev => {
    if (!drag) return;
    tx = drag.tx + ev.clientX - drag.x; ty = drag.ty + ev.clientY - drag.y; apply();
  });
  function endDrag() { drag = null; viewport.classList.remove('dragging'); }
  viewport.addEventListener('pointerup', endDrag);
  viewport.addEventListener('pointercancel', endDrag);

  // ---- steps ------------------------------------------------------------
  let index = 0;   // 0: nothing computed; 1..F: forward steps; F+1..F+B: backward steps
  let timer = null;
  function frame(i) {
    if (i < 1) return null;
    return i <= forward.length ? {phase: 'forward', f: forward[i - 1], n: i, of: forward.length}
      : {phase: 'backward', f: backward[i - 1 - forward.length], n: i - forward.length, of: backward.length};
  }
  function show() {
    const done = Math.min(index, forward.length);
    const known = new Set(forward.slice(0, done).map(f => f.node));
    for (const id in dataText) {
      const ok = !computed.has(id) || known.has(id);
      dataText[id].textContent = 'data ' + (ok ? finalData[id] : '?');
      dataText[id].classList.toggle('pending', !ok);
      dataText[id].classList.remove('filled');
    }
    edges.forEach(e => {
      const ok = !computed.has(e.child) || known.has(e.child);
      e.labels.forEach(l => { l.t.textContent = ok ? l.text : '?'; l.t.classList.toggle('pending', !ok); });
    });
    const grads = {};
    for (let i = 0; i < index - forward.length; i++) Object.assign(grads, backward[i].grads);
    const cur = frame(index);
    for (const id in gradText) {
      const ok = id in grads;
      gradText[id].textContent = 'grad ' + (ok ? grads[id] : '?');
      gradText[id].classList.toggle('pending', !ok);
      gradText[id].classList.toggle('filled', !!cur && cur.phase === 'backward' && id in cur.f.grads);
    }
    svg.querySelectorAll('.current, .active').forEach(g => g.classList.remove('current', 'active'));
    small.querySelectorAll('.current').forEach(g => g.classList.remove('current'));
    const rule = document.getElementById('rule');
    const counter = document.getElementById('counter');
    if (!cur) {
      rule.textContent = 'Press next (or the right arrow): first the forward pass computes each ' +
        'node\'s value from its parents, then the backward pass applies the chain rule node by node.';
      counter.textContent = 'step 0 / ' + total;
      drawMinimap();
      return;
    }
    const f = cur.f, op = f.node + '_op';
    const main = [nodes[f.node], nodes[op]].filter(Boolean);
    main.forEach(g => g.classList.add('current'));
    if (smallNodes[f.node]) smallNodes[f.node].classList.add('current');
    const around = main.slice();
    edgesInto(nodes[op] ? op : f.node).forEach(e => { e.g.classList.add('active'); });
    edges.filter(e => e.from === op && e.to === f.node).forEach(e => e.g.classList.add('active'));
    f.parents.forEach(p => { if (nodes[p]) around.push(nodes[p]); });
    if (cur.phase === 'forward' && dataText[f.node]) dataText[f.node].classList.add('filled');
    rule.textContent = f.text;
    counter.textContent = cur.phase + ' ' + cur.n + ' / ' + cur.of + ' (step ' + index + ' / ' + total + ')';
    if (follow) reveal(main, around);
    drawMinimap();
  }
  function go(i) { index = Math.max(0, Math.min(total, i)); show(); }
  function next() { go(index + 1); if (index === total) pause(); }
  function prev() { go(index - 1); }
  function pause() {
    if (timer) { clearInterval(timer); timer = null; }
    document.getElementById('play').textContent = 'play';
  }
  function play() {
    if (timer) { pause(); return; }
    if (index === total) go(0);
    timer = setInterval(next, 900);
    document.getElementById('play').textContent = 'pause';
  }
  const on = (id, fn) => { document.getElementById(id).onclick = fn; };
  on('next', next); on('prev', prev); on('play', play);
  on('reset', () => { pause(); go(0); });
  on('zoomin', () => zoom(1.25)); on('zoomout', () => zoom(0.8));
  on('fit', fit); on('actual', actual);
  const followBox = document.getElementById('follow');
  followBox.checked = true;
  followBox.onchange = () => { follow = followBox.checked; if (follow) show(); };
  document.addEventListener('keydown', ev => {
    if (ev.key === 'ArrowRight') { next(); ev.preventDefault(); }
    else if (ev.key === 'ArrowLeft') { prev(); ev.preventDefault(); }
    else if (ev.key === ' ') { play(); ev.preventDefault(); }
    else if (ev.key === 'Home') { pause(); go(0); }
    else if (ev.key === '+' || ev.key === '=') zoom(1.25);
    else if (ev.key === '-') zoom(0.8);
    else if (ev.key === 'f') fit();
  });
  // the keyboard without a click: when the mouse comes over the page (in a notebook's
  // iframe, whose parent focuses it when it loads), the page takes the focus
  document.documentElement.addEventListener('pointerenter', () => window.focus());
  document.documentElement.addEventListener('mouseover', () => {
    if (!document.hasFocus()) window.focus();
  });
  window.addEventListener('resize', drawMinimap);
  window.chainrule = {
    go, next, prev, zoom, fit, actual, finalGrad, finalData, forward, frames: backward, total,
    index: () => index, scale: () => scale, natural: NATURAL,
    setFollow: v => { follow = followBox.checked = !!v; },
  };
  apply();
  show();
})();
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<div id="controls">
<button id="reset" title="back to the start (Home)">reset</button>
<button id="prev" title="previous step (left arrow)">previous</button>
<button id="next" title="next step (right arrow)">next</button>
<button id="play" title="play / pause (space)">play</button>
<span id="counter">step 0</span>
<span class="gap"></span>
<button id="zoomout" title="zoom out (-; or the mouse wheel)">&minus;</button>
<span id="zoomlevel">100%</span>
<button id="zoomin" title="zoom in (+; or the mouse wheel)">+</button>
<button id="fit" title="the whole graph in the window, or as much as fits with its text 9 px tall (f)">fit</button>
<button id="actual" title="the drawing's own size">100%</button>
<label title="scroll each step's nodes into view"><input type="checkbox" id="follow" checked> follow</label>
</div>
<div id="legend">{legend}</div>
<pre id="rule"></pre>
</header>
<div id="viewport">{svg}</div>
<div id="minimap" title="the whole graph: click or drag to look there"><div id="framed"></div></div>
<script type="application/json" id="steps">{data}</script>
<script>{script}</script>
</body>
</html>
"""

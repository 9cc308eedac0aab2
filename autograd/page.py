"""Step through backprop in the browser: one self-contained HTML page.

``step_page(root)`` runs the backward pass step by step (the same Steps as
``backward_steps()``), draws the graph with Graphviz as inline SVG, and
writes a page whose script replays the pass: previous, next, play/pause,
reset and the arrow keys.  Each step highlights the node whose rule is
applied and the edges to its parents, fills in the gradients it produced,
and shows ``str(step)``, the chain rule written out.  The page needs no
network: graph, script and style are all inside it.
"""

import html
import json
import pathlib

from . import engine
from .draw import _number, draw
from .notation import label

__all__ = ["step_page", "write_step_page"]


def _replay(root, grad, digits):
    """Run the pass step by step; return the steps as plain data for the page.

    Each entry: the current node's id, its parents' ids, the chain-rule text,
    and the grads (formatted) that this step completed or changed.
    """
    nodes = engine.all_nodes(root)
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}  # the ids draw() gives
    frames = []
    for step in engine.backward_steps(root, grad):
        shown = {ids[step.node]: _number(step.upstream, digits)}
        for edge in step.edges:
            shown[ids[edge.parent]] = _number(edge.grad_after, digits)
        frames.append({
            "node": ids[step.node],
            "parents": [ids[e.parent] for e in step.edges],
            "text": str(step),
            "grads": shown,
        })
    if not frames:  # the root is a leaf: one step that seeds it
        frames.append({"node": ids[root], "parents": [], "text": f"{label(root)}.grad = {grad}",
                       "grads": {ids[root]: _number(root.grad, digits)}})
    return frames


def step_page(root, *, grad=1.0, title=None, digits=4, max_nodes=300, **draw_kwargs):
    """The HTML text of a page that replays ``root.backward(grad)`` one node at a time.

    Replays one backward pass from zero; every leaf's ``grad`` is left as it
    was and every derived node's holds this pass's gradient.  Raises
    :class:`autograd.draw.GraphTooLarge` above ``max_nodes`` and
    :class:`autograd.draw.DotNotFound` without Graphviz, like ``draw``.
    """
    draw(root, digits=digits, max_nodes=max_nodes, **draw_kwargs)  # fail early, before backward
    # replay one pass from zero, draw it, then give the leaves back their grads
    leaves = [node for node in engine.all_nodes(root) if node.is_leaf]
    saved = [node.grad for node in leaves]
    for node in leaves:
        node.grad = 0.0
    try:
        frames = _replay(root, grad, digits)
        svg = draw(root, digits=digits, max_nodes=max_nodes, **draw_kwargs).pipe(format="svg").decode()
    finally:
        for node, before in zip(leaves, saved):
            node.grad = before
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    heading = title or f"Backprop through {label(root)}, step by step"
    data = json.dumps({"frames": frames}).replace("</", "<\\/")
    return _TEMPLATE.format(title=html.escape(heading), svg=svg, data=data,
                            total=len(frames), script=_SCRIPT, style=_STYLE)


def write_step_page(root, path, **kwargs):
    """Write :func:`step_page` to ``path`` (folders created); return the path."""
    target = pathlib.Path(path)
    text = step_page(root, **kwargs)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }
#controls button { font-size: 1em; margin-right: .3em; padding: .3em .8em; }
#counter { margin-left: 1em; font-weight: bold; }
#rule { background: #f6f6f6; border-left: 4px solid #d62728; padding: .6em; min-height: 3.5em;
        white-space: pre-wrap; font-family: Menlo, Consolas, monospace; font-size: .9em; }
#graph svg { max-width: 100%; height: auto; }
.current polygon, .current ellipse { stroke: #d62728; stroke-width: 3; }
.active path { stroke: #d62728; stroke-width: 2.5; }
.active polygon { stroke: #d62728; fill: #d62728; }
.pending { fill: #aaaaaa; }
.filled { fill: #d62728; font-weight: bold; }
"""

_SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById('steps').textContent);
  const frames = data.frames;
  const svg = document.querySelector('#graph svg');
  const groups = {};
  svg.querySelectorAll('g.node, g.edge').forEach(g => {
    const t = g.querySelector('title');
    if (t) groups[t.textContent] = g;
  });
  // the text element that shows a node's grad: "grad 0.1234"
  const gradText = {};
  const finalGrad = {};
  svg.querySelectorAll('g.node').forEach(g => {
    const id = g.querySelector('title').textContent;
    g.querySelectorAll('text').forEach(t => {
      if (t.textContent.startsWith('grad ')) { gradText[id] = t; finalGrad[id] = t.textContent.slice(5); }
    });
  });
  let index = 0;   // frames shown: 0 means none yet
  let timer = null;
  function show() {
    const grads = {};
    for (let i = 0; i < index; i++) Object.assign(grads, frames[i].grads);
    for (const id in gradText) {
      const done = id in grads;
      gradText[id].textContent = 'grad ' + (done ? grads[id] : '?');
      gradText[id].classList.toggle('pending', !done);
      gradText[id].classList.toggle('filled', index > 0 && id in frames[index - 1].grads);
    }
    svg.querySelectorAll('.current, .active').forEach(g => g.classList.remove('current', 'active'));
    const rule = document.getElementById('rule');
    if (index === 0) {
      rule.textContent = 'Press next (or the right arrow) to apply the first chain-rule step.';
    } else {
      const f = frames[index - 1];
      [f.node, f.node + '_op'].forEach(id => groups[id] && groups[id].classList.add('current'));
      f.parents.forEach(p => {
        const e = groups[p + '->' + f.node + '_op'];
        if (e) e.classList.add('active');
      });
      const out = groups[f.node + '_op->' + f.node];
      if (out) out.classList.add('active');
      rule.textContent = f.text;
    }
    document.getElementById('counter').textContent = 'step ' + index + ' / ' + frames.length;
  }
  function go(i) { index = Math.max(0, Math.min(frames.length, i)); show(); }
  function next() { go(index + 1); if (index === frames.length) pause(); }
  function prev() { go(index - 1); }
  function pause() { if (timer) { clearInterval(timer); timer = null; } document.getElementById('play').textContent = 'play'; }
  function play() {
    if (timer) { pause(); return; }
    if (index === frames.length) go(0);
    timer = setInterval(next, 900);
    document.getElementById('play').textContent = 'pause';
  }
  document.getElementById('next').onclick = next;
  document.getElementById('prev').onclick = prev;
  document.getElementById('play').onclick = play;
  document.getElementById('reset').onclick = () => { pause(); go(0); };
  document.addEventListener('keydown', ev => {
    if (ev.key === 'ArrowRight') { next(); ev.preventDefault(); }
    else if (ev.key === 'ArrowLeft') { prev(); ev.preventDefault(); }
    else if (ev.key === ' ') { play(); ev.preventDefault(); }
    else if (ev.key === 'Home') { pause(); go(0); }
  });
  window.chainrule = { go, next, prev, finalGrad, frames, index: () => index };
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
<h1>{title}</h1>
<p>Each step applies one node's local derivative: every parent's grad
grows by ∂node/∂parent × node.grad. Gradients appear as they are completed
(<span class="filled">red</span>: changed by this step, ?: not reached yet).</p>
<div id="controls">
<button id="reset" title="back to the start (Home)">reset</button>
<button id="prev" title="previous step (left arrow)">previous</button>
<button id="next" title="next step (right arrow)">next</button>
<button id="play" title="play / pause (space)">play</button>
<span id="counter">step 0 / {total}</span>
</div>
<pre id="rule"></pre>
<div id="graph">{svg}</div>
<script type="application/json" id="steps">{data}</script>
<script>{script}</script>
</body>
</html>
"""

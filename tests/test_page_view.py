"""The step-through page at 1280×720 in headless Chromium: scale, zoom, fit, follow,
forward before backward, and the screenshots the README shows.

Oracles: seed 003's forward values by hand (h1 = σ(1.5), O = σ(2σ(σ(1.5)/2 + 1)/2 + 1))
and its published Desmos gradient ∂O/∂w1 = 0.0014291881022; pixel sizes are
measured in the browser (getScreenCTM, getBoundingClientRect).
"""

import math
import os
import pathlib
import shutil

import pytest

from test_page import _browser, seed003

from autograd.engine import all_nodes
from autograd.page import write_step_page

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 720


def s(x):
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser()
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()


def open_seed003(browser, tmp_path, **kwargs):
    O, w = seed003()
    path = write_step_page(O, tmp_path / "seed003.html", **kwargs)
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(path.resolve().as_uri())
    return page, O, w


def smallest_text_px(page):
    """The smallest font size of the graph's texts, in screen pixels."""
    return page.evaluate("""() => {
        let least = Infinity;
        document.querySelectorAll('#viewport svg text').forEach(t => {
            const size = parseFloat(t.getAttribute('font-size'));
            const m = t.getScreenCTM();
            least = Math.min(least, size * Math.hypot(m.a, m.b));
        });
        return least; }""")


#: the scale at which the whole drawing fits the viewport
WHOLE = """(() => { const v = document.getElementById('viewport'),
    b = document.querySelector('#viewport svg').viewBox.baseVal;
    return Math.min(v.clientWidth / b.width, v.clientHeight / b.height); })()"""


#: the share of the drawing's area inside the viewport
SHOWN = """(() => { const v = document.getElementById('viewport').getBoundingClientRect(),
    g = document.querySelector('#viewport svg').getBoundingClientRect();
    const w = Math.min(v.right, g.right) - Math.max(v.left, g.left),
          h = Math.min(v.bottom, g.bottom) - Math.max(v.top, g.top);
    return Math.max(0, w) * Math.max(0, h) / (g.width * g.height); })()"""


def neighbour_boxes(page):
    """The boxes of the current step's parents (its neighbours), in page pixels."""
    return page.evaluate("""() => {
        const i = chainrule.index(), F = chainrule.forward.length;
        const f = i <= F ? chainrule.forward[i - 1] : chainrule.frames[i - 1 - F];
        const boxes = [];
        document.querySelectorAll('#viewport g.node').forEach(g => {
            if (f.parents.includes(g.querySelector('title').textContent)) {
                const r = g.getBoundingClientRect(); boxes.push([r.left, r.top, r.right, r.bottom]); }
        });
        return boxes; }""")


def current_box(page):
    """The current node's record and the viewport, in page pixels."""
    return page.evaluate("""() => {
        const rect = e => { const r = e.getBoundingClientRect();
                            return [r.left, r.top, r.right, r.bottom]; };
        const g = document.querySelector('#viewport g.node.current');
        return {node: rect(g), view: rect(document.getElementById('viewport'))}; }""")


def inside(box, view):
    return box[0] >= view[0] and box[1] >= view[1] and box[2] <= view[2] and box[3] <= view[3]


def test_opens_at_a_readable_scale(browser, tmp_path):
    page, _, _ = open_seed003(browser, tmp_path)
    try:
        assert page.evaluate("chainrule.scale()") == pytest.approx(4 / 3)
        assert smallest_text_px(page) >= 11.0
        assert page.inner_text("#zoomlevel") == "100%"
    finally:
        page.close()


def test_zoom_buttons_wheel_and_fit_change_the_scale(browser, tmp_path):
    page, _, _ = open_seed003(browser, tmp_path)
    try:
        start = page.evaluate("chainrule.scale()")
        page.click("#zoomin")
        assert page.evaluate("chainrule.scale()") == pytest.approx(start * 1.25)
        page.click("#zoomout")
        page.click("#zoomout")
        assert page.evaluate("chainrule.scale()") == pytest.approx(start * 0.8)
        page.mouse.move(600, 500)
        page.mouse.wheel(0, -400)            # wheel up: zoom in by e^1 around the pointer
        page.wait_for_timeout(100)
        assert page.evaluate("chainrule.scale()") == pytest.approx(start * 0.8 * math.e, rel=1e-6)
        page.click("#fit")
        fitted = page.evaluate(f"[chainrule.scale(), {WHOLE}]")
        assert fitted[0] == pytest.approx(fitted[1]) and fitted[0] < start  # about 1200 pt wide
        page.click("#actual")
        assert page.evaluate("chainrule.scale()") == pytest.approx(start)
        # the SVG's CSS transform carries the scale
        transform = page.evaluate("document.querySelector('#viewport svg').style.transform")
        assert f"scale({start:.6g}" in transform or "scale(1.33333" in transform
    finally:
        page.close()


def test_drag_pans_the_graph(browser, tmp_path):
    page, _, _ = open_seed003(browser, tmp_path)
    try:
        before = page.evaluate("document.querySelector('#viewport svg').getBoundingClientRect().left")
        page.mouse.move(700, 500)
        page.mouse.down()
        page.mouse.move(500, 450, steps=5)
        page.mouse.up()
        after = page.evaluate("document.querySelector('#viewport svg').getBoundingClientRect().left")
        assert after - before == pytest.approx(-200, abs=1)
    finally:
        page.close()


def test_follow_keeps_the_current_node_in_view(browser, tmp_path):
    page, _, _ = open_seed003(browser, tmp_path, highlight="w1")
    try:
        total = page.evaluate("chainrule.total")
        assert total == 28
        seen = []
        for _ in range(1, total + 1):
            page.click("#next")
            box = current_box(page)
            seen.append(inside(box["node"], box["view"]))
        assert all(seen), [i + 1 for i, ok in enumerate(seen) if not ok]
        assert "w1.grad +=" in page.inner_text("#rule")      # the last step feeds w1
        # with follow off, stepping leaves the view where it is
        page.evaluate("chainrule.setFollow(false)")
        page.click("#actual")
        before = page.evaluate("document.querySelector('#viewport svg').style.transform")
        page.click("#reset")
        page.evaluate("chainrule.go(chainrule.total)")
        assert page.evaluate("document.querySelector('#viewport svg').style.transform") == before
    finally:
        page.close()


def test_forward_steps_come_before_backward_steps(browser, tmp_path):
    page, O, w = open_seed003(browser, tmp_path)
    nodes = all_nodes(O)
    h1 = next(n for n in nodes if n.name == "h1")
    ids = {n: f"v{i}" for i, n in enumerate(nodes)}

    def shown(node_id, what):
        return page.evaluate(
            """([id, what]) => { for (const g of document.querySelectorAll('g.node')) {
                   if (g.querySelector('title').textContent !== id) continue;
                   for (const t of g.querySelectorAll('text'))
                     if (t.textContent.startsWith(what + ' ')) return t.textContent.slice(what.length + 1); } }""",
            [node_id, what])
    try:
        forward = page.evaluate("chainrule.forward.map(f => f.text)")
        backward = page.evaluate("chainrule.frames.map(f => f.text)")
        assert len(forward) == len(backward) == 14
        assert all(t.startswith(f"forward {k}/14: ") for k, t in enumerate(forward, 1))
        assert all(t.startswith(f"step {k}/14: ") for k, t in enumerate(backward, 1))
        assert shown(ids[h1], "data") == "?" and shown(ids[O], "data") == "?"
        assert shown(ids[w[1]], "data") == "0.5"          # leaves are known from the start
        # ∂h1/∂t2 = σ'(1.5) is read off the forward values: '?' until h1 is computed
        into_h1 = [ids[h1], ids[h1] + "_op"]
        label = ("Array.from(document.querySelectorAll('#viewport svg g.edge')).filter(g => "
                 f"{into_h1!r}.includes(g.querySelector('title').textContent.split('->')[1]"
                 ".split(':')[0])).map(g => g.querySelector('text').textContent)")
        assert page.evaluate(label) == ["?"]
        page.evaluate("chainrule.go(3)")                 # forward 3/14: h1 = σ(t2)
        assert float(page.evaluate(label)[0]) == pytest.approx(s(1.5) * (1 - s(1.5)), rel=1e-3)
        page.evaluate("chainrule.go(0)")
        phases = []
        for _ in range(28):
            page.click("#next")
            phases.append(page.inner_text("#counter").split()[0])
            if phases[-1] == "forward":
                assert shown(ids[w[1]], "grad") == "?"     # no gradient during the forward pass
        assert phases == ["forward"] * 14 + ["backward"] * 14
        assert float(shown(ids[h1], "data")) == pytest.approx(s(1.5), rel=1e-3)
        o = s(2 * s(s(1.5) * 0.5 + 1) * 0.5 + 1)
        assert float(shown(ids[O], "data")) == pytest.approx(o, rel=1e-3)
        assert float(shown(ids[w[1]], "grad")) == pytest.approx(0.0014291881022, rel=1e-3)
        page.evaluate("chainrule.go(3)")
        assert page.inner_text("#rule").startswith("forward 3/14: h1 = σ(t2) = ")
    finally:
        page.close()


def test_screenshots_of_the_desmos_question_for_the_readme(browser, tmp_path):
    """out/step-through-desmos-01.png and -07.png: backward steps 1 and 7 at 1280×720
    (docs/ keeps copies for the README and docs/stepping.md)."""
    page, _, _ = open_seed003(browser, tmp_path, highlight="w1",
                              title="The Desmos question: the two paths from w1 to O")
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    try:
        forward = page.evaluate("chainrule.forward.length")
        for step in (1, 7):
            page.evaluate(f"chainrule.go({forward} + {step - 1})")
            page.click("#next")                 # the step itself, so follow scrolls to it
            assert page.inner_text("#counter").startswith(f"backward {step} / 14")
            box = current_box(page)
            assert inside(box["node"], box["view"])
            target = out / f"step-through-desmos-{step:02d}.png"
            page.screenshot(path=str(target))
            assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        page.close()


def nielsen_231():
    """Nielsen's 2-3-1 network on one sample, C = ½(a³₁ − y)², after backward."""
    import nn
    net = nn.MLP([2, 3, 1], seed=0)
    C = nn.half_squared_error(net([0.6, -0.4]), [0.25])
    C.backward()
    return C


def batch_of_4():
    """The same network on the blog's 4 samples: every node named with its sample."""
    import nn
    net = nn.MLP([2, 3, 1], seed=0)
    X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]
    cost = nn.half_squared_error(net.batch(X), [[1.0], [0.0], [0.0], [1.0]])
    cost.backward()
    return cost


def clipped_labels(page):
    """Texts of the graph's records that reach outside their cell, in screen pixels
    (each text against the smallest cell polygon of its node that holds its centre)."""
    return page.evaluate("""() => {
        const bad = [], ctx = document.createElement('canvas').getContext('2d');
        document.querySelectorAll('#viewport svg g.node').forEach(g => {
          const cells = [...g.querySelectorAll('polygon')].map(p => p.getBoundingClientRect());
          g.querySelectorAll('text').forEach(t => {
            const r = t.getBoundingClientRect(), cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
            const holding = cells.filter(c => c.left <= cx && cx <= c.right && c.top <= cy && cy <= c.bottom);
            if (!holding.length) return;
            const c = holding.reduce((a, b) => (a.width * a.height <= b.width * b.height ? a : b));
            // the glyphs' top: the text's box bottom is the font's descent below the
            // baseline, the glyphs rise their own ascent above it (measured on a canvas)
            const size = parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a;
            ctx.font = (t.getAttribute('font-weight') || '') + ' ' + size + 'px ' + t.getAttribute('font-family');
            const m = ctx.measureText(t.textContent);
            const top = r.bottom - m.fontBoundingBoxDescent - m.actualBoundingBoxAscent;
            if (top < c.top - 0.5 || r.left < c.left - 0.5 || r.right > c.right + 0.5)
              bad.push([t.textContent, top - c.top]);
          });
        });
        return bad; }""")


def centred_on_step(page):
    """The current node's centre against the viewport's (page pixels)."""
    box = current_box(page)
    node, view = box["node"], box["view"]
    return ((node[0] + node[2]) / 2 - (view[0] + view[2]) / 2,
            (node[1] + node[3]) / 2 - (view[1] + view[3]) / 2)


PAGES = {"desmos": lambda: seed003()[0], "nielsen-2-3-1": nielsen_231, "batch-of-4": batch_of_4}
HIGHLIGHT = {"desmos": "w1", "nielsen-2-3-1": "w3_11", "batch-of-4": "w3_11"}


def screenshots(tmp_path):
    """Where the screenshots go: the test's own folder, or docs/ under
    ``make screenshots`` (CHAINRULE_SCREENSHOTS=docs), so a test run changes no
    tracked file."""
    where = os.environ.get("CHAINRULE_SCREENSHOTS")
    return ROOT / where if where else tmp_path


@pytest.mark.parametrize("name", list(PAGES))
def test_screenshots_at_fit_and_at_the_default_view(browser, tmp_path, name):
    """page-NAME-fit.png and -default.png (see :func:`screenshots`) at 1280×720, backward step 1 (the
    default view follows the step): the default view shows the step's node and its
    neighbours; "fit" keeps every text at least 9 px tall and shows the whole Desmos
    graph (the larger graphs: as much as fits, around the step); labels stay inside
    their boxes at both zooms.  The zoom at fit, the smallest text on screen and the
    share of the graph shown are printed (pytest -s)."""
    root = PAGES[name]()
    path = write_step_page(root, tmp_path / f"{name}.html", highlight=HIGHLIGHT[name])
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(path.resolve().as_uri())
        forward = page.evaluate("chainrule.forward.length")
        page.evaluate(f"chainrule.go({forward})")
        page.click("#next")
        box = current_box(page)
        assert inside(box["node"], box["view"])
        neighbours = neighbour_boxes(page)
        assert neighbours and all(inside(b, box["view"]) for b in neighbours)
        clipped = clipped_labels(page)
        assert clipped == [], clipped[:20]
        page.screenshot(path=str(screenshots(tmp_path) / f"page-{name}-default.png"))
        page.click("#fit")
        zoom, least = page.inner_text("#zoomlevel"), smallest_text_px(page)
        scale, whole, shown = page.evaluate(f"""[chainrule.scale(), {WHOLE}, {SHOWN}]""")
        assert least >= 9.0 * (1 - 1e-6)     # the CSS matrix is float32
        if name == "desmos":
            assert scale == pytest.approx(whole)          # the whole graph, legibly
        else:
            assert scale >= whole and inside(current_box(page)["node"], current_box(page)["view"])
        assert clipped_labels(page) == []
        for factor in (0.5, 3.0):       # and zoomed well out and in
            page.evaluate(f"chainrule.zoom({factor})")
            assert clipped_labels(page) == [], factor
            page.evaluate(f"chainrule.zoom({1 / factor})")
        # the minimap shows while the graph does not fit, its frame as big as the part in view
        framed = page.evaluate("""() => { const m = document.getElementById('minimap');
            if (getComputedStyle(m).display === 'none') return null;
            const f = document.getElementById('framed').getBoundingClientRect(),
                  s = m.querySelector('svg').getBoundingClientRect(),
                  w = Math.min(f.right, s.right) - Math.max(f.left, s.left),
                  h = Math.min(f.bottom, s.bottom) - Math.max(f.top, s.top);
            return w * h / (s.width * s.height); }""")
        assert (framed is None) == (name == "desmos")
        hidden = page.evaluate("""() => { const m = document.getElementById('minimap')
            .getBoundingClientRect(), c = document.querySelector('#viewport g.node.current')
            .getBoundingClientRect();
            return m.width > 0 && c.left < m.right && m.left < c.right && c.top < m.bottom
                   && m.top < c.bottom; }""")
        assert not hidden                  # the minimap never covers the current node
        if framed is not None:
            assert framed == pytest.approx(shown, abs=0.02)
        page.screenshot(path=str(screenshots(tmp_path) / f"page-{name}-fit.png"))
        print(f"\n{name}: fit at {zoom}, smallest text {least:.1f} px, "
              f"{shown:.0%} of the graph's area on screen")
    finally:
        page.close()


def test_a_click_on_the_minimap_looks_there(browser, tmp_path):
    """In the 4-sample batch at 100%, a click on the minimap's top-left corner brings the
    graph's top-left corner to the middle of the view (clamped at the graph's edge)."""
    path = write_step_page(batch_of_4(), tmp_path / "batch.html")
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(path.resolve().as_uri())
        assert page.evaluate("getComputedStyle(document.getElementById('minimap')).display") == "block"
        small = page.evaluate("""(() => { const r = document.querySelector('#minimap svg')
            .getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()""")
        page.mouse.click(small[0] + 0.25 * small[2], small[1] + 0.5 * small[3])
        # the point a quarter across and half down the graph is now at the view's centre
        centre = page.evaluate("""(() => { const v = document.getElementById('viewport')
            .getBoundingClientRect(), g = document.querySelector('#viewport svg').getBoundingClientRect();
            return [((v.left + v.right) / 2 - g.left) / g.width, ((v.top + v.bottom) / 2 - g.top) / g.height];
        })()""")
        assert centre == pytest.approx([0.25, 0.5], abs=0.01)
    finally:
        page.close()


def test_follow_keeps_a_graph_that_fits_whole_on_screen(browser, tmp_path):
    """A small micrograd-style graph fits the 1280×720 view at 100%: following the
    steps must not pan any of it off screen (it used to centre each step's node,
    pushing a third of the graph out of the window).  Oracle: the drawing's area
    measured in the browser, all of it inside the viewport."""
    from autograd import Value
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    x = Value(0.7, label="x")
    r = ((a * b + c) * 0.1).tanh() + (x * x).relu() + (a * x).relu()
    L = r * r
    L.label = "L"
    path = write_step_page(L, tmp_path / "small.html")
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(path.resolve().as_uri())
        assert page.evaluate(WHOLE) >= page.evaluate("chainrule.scale()")   # it fits at 100%
        shown = []
        for _ in range(page.evaluate("chainrule.total")):
            page.click("#next")
            shown.append(page.evaluate(SHOWN))
        assert shown == pytest.approx([1.0] * len(shown), abs=1e-6)
    finally:
        page.close()


#: where the drawing is in the viewport, in pixels
PLACE = """(() => { const g = document.querySelector('#viewport svg').getBoundingClientRect(),
    v = document.getElementById('viewport').getBoundingClientRect();
    return [g.left - v.left, g.top - v.top, g.right - v.left, g.bottom - v.top]; })()"""


def test_follow_leaves_a_graph_that_fits_where_it_is(browser, tmp_path):
    """Karpathy's neuron (x1·w1 + x2·w2 + b, tanh) fits the 1280×720 view at 100% with
    x1 near the top edge: the first step used to "follow" it by throwing the whole
    drawing to the bottom right corner.  All of it is in view, so following moves
    nothing.  Oracle: the drawing's place measured in the browser, step by step."""
    from autograd import Value
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = ((x1 * w1).named("x1*w1") + (x2 * w2).named("x2*w2") + b).named("n").tanh()
    o.label = "o"
    path = write_step_page(o, tmp_path / "neuron.html")
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(path.resolve().as_uri())
        assert page.evaluate(WHOLE) >= page.evaluate("chainrule.scale()")   # it fits at 100%
        start = page.evaluate(PLACE)
        places = []
        for _ in range(page.evaluate("chainrule.total")):
            page.click("#next")
            places.append(page.evaluate(PLACE))
        assert places == [pytest.approx(start, abs=0.5)] * len(places)
        page.evaluate("chainrule.go(0)")
        page.mouse.move(600, 400)
        page.mouse.down()
        page.mouse.move(600 - 2000, 400)                    # dragged almost out of view
        page.mouse.up()
        page.click("#next")                                 # following brings all of it back
        assert page.evaluate(SHOWN) == pytest.approx(1.0, abs=1e-6)
    finally:
        page.close()


def test_a_long_name_wraps_in_the_rule_and_nothing_overflows(browser, tmp_path):
    """A node named with 500 letters and no space: the step's text ran 3,000 px past the
    rule box's right edge, to be scrolled sideways.  Now it wraps inside the box, and
    neither the box nor the page scrolls sideways.  Oracle: the browser's layout
    (scrollWidth against clientWidth)."""
    from autograd import Value
    long = Value(0.5, name="x" * 500)
    y = (Value(2.0, name="a") * long).named("y")
    path = write_step_page(y, tmp_path / "long.html")
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(path.resolve().as_uri())
        page.keyboard.press("ArrowRight")
        widths = page.evaluate("""() => { const r = document.getElementById('rule');
            return [r.scrollWidth, r.clientWidth, document.documentElement.scrollWidth,
                    innerWidth, r.textContent]; }""")
        assert "x" * 500 in widths[4]
        assert widths[0] <= widths[1] and widths[2] <= widths[3], widths[:4]
    finally:
        page.close()

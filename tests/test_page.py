"""The step-through page in a real browser: headless Chromium driven by Playwright.

`make test` installs Debian's chromium and the playwright package where they
are missing (no browser download).  Without them the browser tests skip with
the reason, except under CI (CI=true), where that is a failure.
"""

import json
import math
import os
import re
import shutil

import pytest

from autograd import Value
from autograd.engine import all_nodes
from autograd.page import step_page, write_step_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def seed003():
    """Seed 003: O = s(s(s(I w1+1) w2+1) w4 + s(s(I w1+1) w3+1) w5 + 1), weights 0.5, I = 1."""
    I = Value(1.0, name="I")
    w = {k: Value(0.5, name=f"w{k}", kind="parameter") for k in range(1, 6)}
    h1 = (I * w[1] + 1).sigmoid().named("h1")
    h2 = (h1 * w[2] + 1).sigmoid().named("h2")
    h3 = (h1 * w[3] + 1).sigmoid().named("h3")
    O = (h2 * w[4] + h3 * w[5] + 1).sigmoid().named("O")
    return O, w


def embedded_frames(text):
    match = re.search(r'<script type="application/json" id="steps">(.*?)</script>', text, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))["frames"]


def test_page_is_self_contained_and_replays_every_step():
    O, w = seed003()
    O.backward()  # the engine's gradients, to compare the page with
    text = step_page(O, digits=17)
    assert "<svg" in text and "http://" not in text.split("<svg", 1)[0]
    assert "src=" not in text and "<link" not in text  # nothing loaded from elsewhere
    frames = embedded_frames(text)
    steps = list(seed003()[0].backward_steps())
    assert len(frames) == len(steps) == 14
    assert [f["text"] for f in frames] == [str(s) for s in steps]
    ids = {node: f"v{i}" for i, node in enumerate(all_nodes(O))}
    last_w1 = [f["grads"][ids[w[1]]] for f in frames if ids[w[1]] in f["grads"]][-1]
    assert float(last_w1) == w[1].grad
    assert abs(w[1].grad - 0.0014291881022) < 1e-12  # the seed's Desmos value


def test_page_refuses_big_graphs_like_draw():
    from autograd.draw import GraphTooLarge
    x = Value(1.0)
    y = x
    for _ in range(200):
        y = y * 1.01
    with pytest.raises(GraphTooLarge, match="max_nodes"):
        step_page(y)


def _browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or CHROMIUM is None:
        reason = ("playwright is not installed" if sync_playwright is None
                  else "no chromium on PATH (Debian: apt-get install chromium)")
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {reason}; `make test` should install it")
        pytest.skip(f"BROWSER TEST SKIPPED: {reason}")
    return sync_playwright


def test_page_in_headless_chromium(tmp_path):
    sync_playwright = _browser()
    O, w = seed003()
    O.backward()  # the engine's gradients, to compare the page with
    nodes = all_nodes(O)
    page_path = write_step_page(O, tmp_path / "seed003.html", digits=17)
    w1_id, o_id = f"v{nodes.index(w[1])}", f"v{nodes.index(O)}"

    def shown_grad(page, node_id):
        return page.evaluate(
            """id => { for (const g of document.querySelectorAll('g.node')) {
                   if (g.querySelector('title').textContent !== id) continue;
                   for (const t of g.querySelectorAll('text'))
                     if (t.textContent.startsWith('grad ')) return t.textContent.slice(5); } }""",
            node_id)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_path.resolve().as_uri())
            total = 14                 # backward steps; the 14 forward steps come first
            pages = 2 * total
            assert page.inner_text("#counter") == f"step 0 / {pages}"
            assert shown_grad(page, w1_id) == "?" and shown_grad(page, o_id) == "?"
            for i in range(1, total + 1):
                page.click("#next")
                assert page.inner_text("#counter") == f"forward {i} / {total} (step {i} / {pages})"
            for i in range(1, total + 1):
                page.click("#next")
                assert page.inner_text("#counter") == \
                    f"backward {i} / {total} (step {total + i} / {pages})"
            assert float(shown_grad(page, w1_id)) == w[1].grad
            assert float(shown_grad(page, o_id)) == 1.0
            rule = page.inner_text("#rule")
            assert "w1.grad +=" in rule
            page.screenshot(path=str(tmp_path / "last_step.png"), full_page=True)
            page.keyboard.press("ArrowLeft")
            assert page.inner_text("#counter") == \
                f"backward {total - 1} / {total} (step {pages - 1} / {pages})"
            assert shown_grad(page, w1_id) == "?"  # w1 is completed by the last step
            page.keyboard.press("ArrowRight")
            assert float(shown_grad(page, w1_id)) == w[1].grad
            page.click("#reset")
            assert page.inner_text("#counter") == f"step 0 / {pages}"
            assert (tmp_path / "last_step.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        finally:
            browser.close()


def test_page_leaves_the_leaves_grads_as_they_were():
    O, w = seed003()
    O.backward()
    before = [p.grad for p in w.values()]
    step_page(O)
    assert [p.grad for p in w.values()] == before


def test_step_command_writes_the_page(tmp_path):
    import subprocess
    import sys
    script = tmp_path / "seed003.py"
    script.write_text(
        "from autograd import Value\n"
        "I = Value(1.0, name='I')\n"
        "w = {k: Value(0.5, name=f'w{k}') for k in range(1, 6)}\n"
        "h1 = (I * w[1] + 1).sigmoid().named('h1')\n"
        "h2 = (h1 * w[2] + 1).sigmoid().named('h2')\n"
        "h3 = (h1 * w[3] + 1).sigmoid().named('h3')\n"
        "O = (h2 * w[4] + h3 * w[5] + 1).sigmoid().named('O')\n"
        "O.backward()\n")
    out = tmp_path / "pages" / "seed003.html"
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "step", str(script), "--html", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    frames = embedded_frames(out.read_text(encoding="utf-8"))
    O, w = seed003()
    assert [f["text"] for f in frames] == [str(s) for s in O.backward_steps()]


def test_compact_drawing_puts_each_op_inside_its_record():
    """draw(compact=True), the page's layout: one DOT node per Value (its op's symbol in
    its record) and one edge per entry of node.parents, straight into the record."""
    import re as _re

    from autograd.draw import draw
    O, _ = seed003()
    nodes = all_nodes(O)
    source = draw(O, compact=True, legend=False).source
    declared = _re.findall(r"^\t(v\d+(?:_op)?) \[", source, _re.M)
    assert sorted(declared) == sorted(f"v{i}" for i in range(len(nodes)))
    edges = _re.findall(r"^\t(v\d+) -> (v\d+)\b", source, _re.M)
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}
    assert sorted(edges) == sorted((ids[p], ids[n]) for n in nodes for p in n._prev)
    record = _re.search(rf"^\t{ids[O]} \[label=<(.*?)> shape", source, _re.M).group(1)
    assert ">σ</TD>" in record and "data 0.8586" in record


def test_page_lays_out_in_the_direction_that_fits_a_wide_window():
    """Of the two directions, the page takes the drawing a 1280×560 view shows larger:
    left to right for the Desmos chain, top to bottom for the 4-sample batch."""
    import nn
    from autograd.draw import draw
    from autograd.page import _svg_size
    O, _ = seed003()
    O.backward()
    net = nn.MLP([2, 3, 1], seed=0)
    cost = nn.half_squared_error(net.batch([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]]),
                                 [[1.0], [0.0], [0.0], [1.0]])
    cost.backward()
    for root, expected in ((O, "LR"), (cost, "TB")):
        sizes = {d: _svg_size(draw(root, compact=True, legend=False, rankdir=d).pipe(format="svg")
                              .decode()) for d in ("LR", "TB")}
        scales = {d: min(1280 / w, 560 / h) for d, (w, h) in sizes.items()}
        assert max(scales, key=scales.get) == expected
        assert _svg_size(step_page(root)) == sizes[expected]


def test_page_refuses_what_it_cannot_show_in_one_line(tmp_path, monkeypatch):
    """write_step_page(y, 'out/') wrote a file named out beside the folder; level='layer'
    made a page whose steps matched no box of the matrix picture; height='x' failed
    only when Jupyter displayed it ("invalid literal for int()")."""
    from autograd.page import StepThrough
    y = seed003()[0]
    monkeypatch.chdir(tmp_path)
    folder = "out" + os.sep
    for call, where in ((lambda: write_step_page(y, folder), "write_step_page"),
                        (lambda: StepThrough("<p>page</p>").save(folder), "StepThrough.save")):
        with pytest.raises(ValueError, match=rf"^{where}: path 'out/' names a folder, not a file"):
            call()
    with pytest.raises(ValueError, match=r"^step_page: .*level='layer' cannot be stepped"):
        step_page(y, level="layer")
    for height in ("x", 0, True):
        with pytest.raises(ValueError, match=rf"^step_through: height must be a positive int "
                                             rf"\(px\), got {re.escape(repr(height))}$"):
            StepThrough("<p>page</p>", height=height)
    assert 'height: 300px' in StepThrough("<p>page</p>", height=300)._repr_html_()
    assert list(tmp_path.iterdir()) == []


def test_the_page_key_names_the_highlight_as_its_box_and_lists_no_grad_nodes():
    """The key read 'paths from t1' for the box the page labels t2 (it numbered the
    highlight's own graph), and left out the colour of a node made under no_grad."""
    from autograd import no_grad
    x = Value(1.0, name="x")
    a, b = x * 2, x * 3            # t1, then t2: numbered parents first, in order
    with no_grad():
        c = (x * 4).named("c")
    y = (a + b + c).named("y")
    y.backward()
    page = step_page(y, highlight=b)
    assert "red: paths from t2 to the root" in page
    assert "computed under no_grad</span>" in page


def test_the_page_takes_a_matrix_highlight_as_draw_does():
    """draw(y, highlight=[[a, b]]) draws the paths from each entry; the page crashed on
    it in its key (AttributeError: 'list' object has no attribute 'name')."""
    a, b = Value(1.0, name="a"), Value(2.0, name="b")
    y = (a * b).named("y")
    y.backward()
    page = step_page(y, highlight=[[a, b]])
    assert "red: paths from each entry of the matrix to the root" in page


def test_the_page_key_of_the_root_highlighted_says_it_is_the_root():
    """step_page(y, highlight=y) said 'red: paths from y to the root' of the root itself,
    from which no path leads anywhere.  It now says y is the root itself."""
    a, b = Value(1.0, name="a"), Value(2.0, name="b")
    y = (a * b).named("y")
    y.backward()
    for target in (y, "y"):
        page = step_page(y, highlight=target)
        assert ("red: y, the root itself (highlight another node to see its paths to the "
                "root)</span>") in page
        assert "paths from y" not in page
    assert "red: paths from a to the root</span>" in step_page(y, highlight=a)


def test_the_page_key_of_a_lone_leaf_explains_no_op_and_no_edge():
    """The key of a one-node page explained an op and edge numbers the graph does not
    have, as the drawing's did.  Oracle: the graph is one leaf, no op, no edge."""
    key = re.search(r'<div id="legend">(.*?)</div>', step_page(Value(5.0, name="alone")), re.S)
    assert "input (leaf)" in key.group(1)
    assert "∂out/∂in" not in key.group(1) and "> op</span>" not in key.group(1)
    x = Value(2.0, name="x")
    with_op = re.search(r'<div id="legend">(.*?)</div>', step_page((x * x).named("y")), re.S)
    assert "∂out/∂in" in with_op.group(1) and "> op</span>" in with_op.group(1)


def test_the_page_says_where_a_hook_changed_a_grad_and_ends_on_backwards_grads():
    """y = tanh(h), h = x·w with a hook halving ∂y/∂h and one multiplying ∂y/∂w by 10.
    The page's last step showed w.grad = x·(1 - tanh²(6))/2, the number before w's
    hook, where backward() leaves ten times that, and h's grad changed between two
    steps with no word why.  Oracle: the chain rule by hand, with the hooks applied."""
    x, w = Value(2.0, name="x"), Value(3.0, name="w", kind="parameter")
    h = (x * w).named("h")
    h.register_hook(lambda g: 0.5 * g)
    w.register_hook(lambda g: 10 * g)
    y = h.tanh().named("y")
    y.backward()
    dh = (1 - math.tanh(6.0) ** 2) * 0.5
    assert (h.grad, x.grad, w.grad) == pytest.approx((dh, 3 * dh, 10 * 2 * dh), rel=1e-12)
    frames = embedded_frames(step_page(y, digits=17))
    ids = {node: f"v{i}" for i, node in enumerate(all_nodes(y))}
    last = {}
    for frame in frames:
        last.update(frame["grads"])
    for node in (x, w, h):
        assert float(last[ids[node]]) == pytest.approx(node.grad, rel=1e-12), node.name
    first, second = (frame["text"].splitlines() for frame in frames)
    assert not any("hook" in line for line in first)
    assert second[1] == (f"  a hook on h changed h.grad from {2 * dh:.4g} to {dh:.4g}")
    assert second[-1] == (f"  a hook on w changed w.grad from {2 * dh:.4g} to {20 * dh:.4g}")

"""Results in a real Jupyter kernel: a small notebook executed with nbclient.

Each cell leaves one result as its last line; the test reads the outputs the
kernel sent back (what a notebook shows) and checks they are HTML (or LaTeX)
with the right content.  Numbers are checked against hand formulas:
y = σ(w·x) with x = 0.5, w = -0.3, so ∂y/∂w = x·σ(wx)(1 - σ(wx)).
"""

import html
import math
import os
import re

import pytest

from autograd import Value, check, draw, explain
from autograd.page import step_through

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CELLS = [
    # 0: the graph
    """import sys; sys.path.insert(0, ROOT)
from autograd import Value, explain, check
from autograd.page import step_through
x = Value(0.5, name="x1(2)")
w = Value(-0.3, name="w2_11", kind="parameter")
y = (x * w).sigmoid().named("a2_1(2)")
y.backward()
y""",
    "explain(y, 'w2_11')",
    "check(y, 'w2_11', 0.1)",
    "next(iter(y.backward_steps()))",
    "step_through(y)",
    "f'{y:.3f}'",
]


def s(z):
    return 1.0 / (1.0 + math.exp(-z))


def run_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"ROOT = {ROOT!r}\n" + CELLS[0])]
    nb.cells += [nbformat.v4.new_code_cell(cell) for cell in CELLS[1:]]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return [cell.outputs for cell in nb.cells]


def result(outputs):
    """The data of the cell's execute_result (what the notebook displays)."""
    found = [o for o in outputs if o.output_type == "execute_result"]
    assert len(found) == 1, outputs
    return found[0].data


def test_a_notebook_shows_html_for_every_result(tmp_path):
    outputs = run_notebook(tmp_path)
    value, explanation, verdict, step, page, formatted = map(result, outputs)
    dy_dw = 0.5 * s(-0.15) * (1 - s(-0.15))

    assert "text/html" in value
    assert "<b>a²₁⁽²⁾</b>" in value["text/html"]
    assert f"data {s(-0.15):.6g}" in value["text/html"] and "grad 1 " in value["text/html"]

    assert "text/html" in explanation and "text/latex" in explanation
    assert f"{dy_dw:.12g}" in explanation["text/html"]
    assert explanation["text/latex"].startswith("$$\\frac{\\partial a^{2,(2)}_{1}}"
                                                 "{\\partial w^{2}_{11}}")

    assert "text/html" in verdict and "does not agree" in verdict["text/html"]
    assert f"{dy_dw:.12g}" in html.unescape(verdict["text/html"])

    assert "text/html" in step
    assert html.unescape(step["text/html"]).count("step 1/2: a2_1(2) = σ(t1)") == 1

    page_html = page["text/html"]
    assert page_html.startswith("<iframe srcdoc=")
    inner = html.unescape(re.search(r'srcdoc="([^"]*)"', page_html).group(1))
    assert inner.startswith("<!DOCTYPE html>") and "<svg" in inner and "window.chainrule" in inner
    assert "src=" not in inner.split("<svg", 1)[0]   # nothing fetched

    assert formatted["text/plain"] == repr(f"{s(-0.15):.3f}")


def test_reprs_without_a_kernel():
    """The same methods called directly (consistency with str(), and the drawing's repr)."""
    x = Value(0.5, name="x1(2)")
    w = Value(-0.3, name="w2_11", kind="parameter")
    y = (x * w).sigmoid().named("a2_1(2)")
    y.backward()
    assert f"{y:.4f}" == f"{s(-0.15):.4f}" and f"{y:+.2e}" == f"{s(-0.15):+.2e}"
    e = explain(y, w)
    assert html.unescape(e._repr_html_()).count(str(e)) == 1
    v = check(y, w, 0.5 * s(-0.15) * (1 - s(-0.15)))
    assert "agrees" in v._repr_html_() and html.unescape(v._repr_html_()).count(str(v)) == 1
    text = repr(draw(y))
    assert text.startswith("<Drawing of the graph of a2_1(2) (4 values, 1 sample)")
    assert "0x" not in text
    page = step_through(y, height=500)
    assert 'height: 500px' in page._repr_html_() and "0x" not in repr(page)


def test_the_inline_stepper_takes_the_keyboard_without_a_click(tmp_path):
    """The notebook's step_through output in Chromium, inside a host page as a notebook
    shows it: the arrow keys step at once (the iframe takes the focus when it loads),
    and again after the focus went elsewhere, once the mouse is over the stepper."""
    from test_page import CHROMIUM, _browser
    sync_playwright = _browser()
    page_html = result(run_notebook(tmp_path)[4])["text/html"]
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><html><body><h1>Notebook</h1><textarea id=cell>y</textarea>"
                    f"<div class=output>{page_html}</div></body></html>", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(host.resolve().as_uri())
            frame = page.frames[1]
            frame.wait_for_function("window.chainrule !== undefined")
            # at once: the graph is drawn and step 0 shown, before any input
            # x, w, t1 = x × w, y = σ(t1): 4 records, each op inside its record (the key is
            # the page's own)
            assert frame.evaluate("document.querySelectorAll('#viewport svg g.node').length") == 4
            page.wait_for_function("document.activeElement && document.activeElement.tagName === 'IFRAME'")
            page.keyboard.press("ArrowRight")
            frame.wait_for_function("chainrule.index() === 1")
            # the focus goes to a cell; keys go there, until the mouse is over the stepper
            page.focus("#cell")
            page.keyboard.press("ArrowRight")
            assert frame.evaluate("chainrule.index()") == 1
            box = page.locator("iframe").bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
            page.wait_for_function("document.activeElement && document.activeElement.tagName === 'IFRAME'")
            page.keyboard.press("ArrowRight")
            frame.wait_for_function("chainrule.index() === 2")
            assert frame.evaluate("document.getElementById('rule').textContent").startswith("forward 2/")
        finally:
            browser.close()


def test_a_drawing_shown_without_dot_says_how_to_install_it_without_a_traceback(
        tmp_path, monkeypatch, capsys):
    """IPython shows a result through its display formatter; without Graphviz's dot the
    drawing's _repr_mimebundle_ raised DotNotFound, and the cell printed a 24-frame
    traceback (FileNotFoundError, ExecutableNotFound, DotNotFound) above the repr.  Now
    the drawing shows as text: what it is, and how to install dot."""
    formatters = pytest.importorskip("IPython.core.formatters")
    x = Value(2.0, name="<script>&")
    y = (x * x).named("y")
    y.backward()
    monkeypatch.setenv("PATH", str(tmp_path))          # no dot on PATH
    data, _ = formatters.DisplayFormatter().format(draw(y))
    assert capsys.readouterr().err == ""                # no traceback printed
    assert not any(key.startswith("image/") for key in data)
    text = data["text/plain"]
    assert text.startswith("<Drawing of the graph of y (2 values")
    for needle in ("'dot' program", "apt install graphviz", "brew install graphviz",
                   "conda install -c conda-forge graphviz", "draw(...).source"):
        assert needle in text


def test_a_step_through_without_dot_says_how_to_install_it_in_one_line(
        tmp_path, monkeypatch, capsys):
    """step_through(y) as a cell's last line raised DotNotFound without Graphviz's dot:
    a traceback of three chained exceptions in the cell, and the derived nodes kept the
    replayed pass's gradients.  Now the cell shows one line saying how to install dot,
    every grad is as before, and the page itself (.html, .save) raises DotNotFound.
    Oracle: the grads read before the call; ∂y/∂x = 2x = 4 by hand."""
    formatters = pytest.importorskip("IPython.core.formatters")
    from autograd.draw import DotNotFound
    x = Value(2.0, name="x")
    t = (x * x).named("t")
    y = (t + 1).named("y")
    fresh = step_through   # never differentiated: every grad 0, and stays 0
    monkeypatch.setenv("PATH", str(tmp_path))           # no dot on PATH
    shown = fresh(y)
    assert [x.grad, t.grad, y.grad] == [0.0, 0.0, 0.0]
    data, _ = formatters.DisplayFormatter().format(shown)
    assert capsys.readouterr().err == ""
    assert set(data) == {"text/plain"}
    line = data["text/plain"]
    assert "\n" not in line and line.startswith("<StepThrough page not drawn: ")
    for needle in ("'dot' program", "apt install graphviz", "brew install graphviz",
                   "conda install -c conda-forge graphviz"):
        assert needle in line
    with pytest.raises(DotNotFound, match="apt install graphviz"):
        shown.save(tmp_path / "page.html")
    with pytest.raises(DotNotFound):
        shown.html
    assert not (tmp_path / "page.html").exists()
    y.backward()
    step_through(y)
    assert [x.grad, t.grad, y.grad] == [4.0, 1.0, 1.0]

"""Hostile node names in every output that embeds a name, read back with real parsers.

Thirty names built to break out of their context (``<!--<script>``, ``</script``,
quotes, U+2028/2029, control characters, lone surrogates, DOT and LaTeX
syntax) go through each output: the step-through page (html5lib, a browser's
HTML parser, then ``json.loads`` of its data block), the notebook's HTML
(html5lib), the drawing's DOT text (the ``dot`` program) and SVG (an XML
parser), and the name in LaTeX (matplotlib's mathtext parser, plus the
grammar of an escaped ``\\mathrm{...}``).  Each output must parse, keep its
structure (two scripts on the page, one per element), and carry the name
(the page's data exactly, pictures with unprintable characters made visible).
"""

import json
import re
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, names
from autograd.draw import draw
from autograd.notebook import text_block, value_html
from autograd.page import step_page, step_through

html5lib = pytest.importorskip("html5lib")

HOSTILE = [
    "<!--<script>", "</script><script>alert(1)</script>", "<!--", "-->", "</SCRIPT",
    "<![CDATA[x]]>", "]]>", "\u2028", "a\u2029b", '"quoted"',
    "'single'", "a&b", "&amp;", "&#0;", "back\\slash",
    "\\N\\G\\L", "tab\there", "new\nline", "cr\rret", "\x00nul",
    "\x01\x02\x1b[31m", "del\x7f", "next\x85line", "\ud800", "a\udfffb",
    "{}[]|;=<>", "a->b", "$x^2_~%#&", "\\input{/etc/passwd}", "w2_11\n</text>",
]
assert len(HOSTILE) == 30 and len(set(HOSTILE)) == 30

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz 'dot' is not installed")
XHTML = "{http://www.w3.org/1999/xhtml}"


def graph(name):
    """A small graph with ``name`` on a leaf and, suffixed, on the root."""
    a = Value(0.7, name=name)
    b = Value(0.3, name="b")
    return (a * b).sigmoid().named(name + "!"), a


def parse_html(text):
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=True)


def data_block(text):
    """The page's scripts as a browser finds them; the data block read as JSON."""
    scripts = parse_html(text).findall(f".//{XHTML}script")
    assert len(scripts) == 2, f"{len(scripts)} script elements instead of 2"
    assert scripts[0].get("id") == "steps" and scripts[1].get("id") is None
    return json.loads(scripts[0].text)


@needs_dot
@pytest.mark.parametrize("name", HOSTILE, ids=[ascii(n) for n in HOSTILE])
def test_the_page_keeps_its_scripts_and_its_data(name):
    root, a = graph(name)
    text = step_page(root, highlight=a, title=f"the page of {name}")
    text.encode("utf-8")   # a lone surrogate would not encode
    data = data_block(text)
    assert len(data["frames"]) == len(list(graph(name)[0].backward_steps()))
    # the name as every text shows it (printable), in the forward frames as in the backward
    assert any(names.printable(name) in frame["text"] for frame in data["forward"])
    assert any(names.printable(name) in frame["text"] for frame in data["frames"])
    heading = parse_html(text).find(f".//{XHTML}h1")
    assert "".join(heading.itertext()) == names.printable(f"the page of {name}")


@needs_dot
@pytest.mark.parametrize("name", HOSTILE, ids=[ascii(n) for n in HOSTILE])
def test_the_notebook_page_is_the_page_inside_an_iframe(name):
    root, _ = graph(name)
    iframe = parse_html(step_through(root)._repr_html_()).find(f".//{XHTML}iframe")
    assert iframe is not None
    data_block(iframe.get("srcdoc"))


@pytest.mark.parametrize("name", HOSTILE, ids=[ascii(n) for n in HOSTILE])
def test_the_notebook_html_holds_the_name_as_text(name):
    root, a = graph(name)
    shown = parse_html(value_html(a)).find(f".//{XHTML}b")
    assert "".join(shown.itertext()) == names.printable(names.text(name))
    block = parse_html(text_block(f"[{name}]")).find(f".//{XHTML}pre")
    assert "".join(block.itertext()) == names.printable(f"[{name}]", keep="\n")


@needs_dot
@pytest.mark.parametrize("name", HOSTILE, ids=[ascii(n) for n in HOSTILE])
def test_dot_accepts_the_drawing_and_its_svg_is_xml(name):
    root, a = graph(name)
    source = draw(root, highlight=a, title=name, show_rules=True).source
    run = subprocess.run([DOT, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert b"syntax error" not in run.stderr
    svg = ET.fromstring(run.stdout)
    shown = "".join(svg.itertext())
    assert names.printable(name) in shown or names.parse(name) is not None


#: an escaped name outside the scheme: \mathrm{...} of plain characters and escapes only
ESCAPED = re.compile(r"\\mathrm\{(?:[^\\{}$&#%_^~]|\\[_#%&${}]|\\backslash\{\}|\\hat\{\}|\\sim\{\})*\}")


@pytest.mark.parametrize("name", HOSTILE, ids=[ascii(n) for n in HOSTILE])
def test_latex_of_the_name_parses(name):
    mathtext = pytest.importorskip("matplotlib.mathtext")
    tex = names.latex(name)
    if names.parse(name) is None:
        assert ESCAPED.fullmatch(tex), tex
    # mathtext is a subset of LaTeX: it has no \& (it reads a bare & as the character)
    # and no " (LaTeX and MathJax print it), so those two are swapped for what it has
    readable = tex.replace("\\&", "&").replace('"', "'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # a glyph the font lacks is drawn as a box
        mathtext.MathTextParser("path").parse("$" + readable + "$")

"""How results show in a Jupyter notebook: the HTML behind ``_repr_html_``.

``Step``, ``Explanation`` and ``Verdict`` hand themselves to the functions
here through their ``_repr_html_`` methods, so a result left as the last line
of a cell reads like its printed form, with names typeset (w²₁₁, x₁⁽²⁾) and
numbers that never read ``-0``.

``Value`` is the exception: it lives in the core, which imports nothing of
display, so it has no ``_repr_html_``.  Instead :func:`show_values_in_ipython`
registers :func:`value_html` with IPython's HTML formatter for the type
``autograd.value.Value`` (``for_type_by_name``: IPython's own registry, no
attribute of Value is touched).  ``import autograd`` calls it when it runs
inside IPython (a Jupyter kernel has imported IPython before any cell runs);
``%load_ext autograd.notebook`` does the same by hand.  Nothing here imports
IPython.
"""

import html
import sys

from . import names
from .notation import number

__all__ = ["value_html", "step_html", "explanation_html", "verdict_html", "text_block",
           "show_values_in_ipython", "load_ipython_extension"]

_BOX = ("font-family: Menlo, Consolas, monospace; font-size: 0.9em; white-space: pre-wrap; "
        "background: #f7f7f7; border-left: 4px solid {colour}; padding: 0.5em 0.8em; margin: 0")
_BLUE, _GREEN, _RED = "#1f6fd1", "#2a8a3e", "#c62828"


def text_block(text, colour=_BLUE):
    """``text`` as a preformatted block with a coloured bar (escaped)."""
    shown = html.escape(names.printable(text, keep="\n"))
    return f'<pre style="{_BOX.format(colour=colour)}">{shown}</pre>'


def value_html(value):
    """One row: name (typeset), data, grad, and how the node was made."""
    name = names.printable(names.text(value.name)) if value.name else None
    kind = value.kind
    how = value._opr.name if kind == "derived" else kind
    head = f"<b>{html.escape(name)}</b> " if name else ""
    return (f'<span style="font-family: Menlo, Consolas, monospace">{head}'
            f"data {html.escape(number(value.data, 6))} · grad {html.escape(number(value.grad, 6))}"
            f' <span style="color: #777">({html.escape(how)})</span></span>')


def step_html(step):
    """The step's chain rule, as ``str(step)`` writes it."""
    return text_block(str(step))


def explanation_html(explanation):
    """The sum over paths, as ``str(explanation)`` writes it."""
    return text_block(str(explanation))


def verdict_html(verdict):
    """The verdict's headline as a heading, then the verdict as printed."""
    colour = _GREEN if verdict.agreed else _RED
    return (f'<div><b style="color: {colour}">{html.escape(verdict.headline())}</b>'
            f"{text_block(str(verdict), colour)}</div>")


def show_values_in_ipython(ipython=None):
    """Show Values as :func:`value_html` in the running IPython (``ipython``, or the one
    ``IPython.get_ipython()`` returns); True when registered, False outside IPython."""
    if ipython is None:
        IPython = sys.modules.get("IPython")   # only when IPython is already running
        ipython = IPython.get_ipython() if IPython is not None else None
    if ipython is None:
        return False
    formatter = ipython.display_formatter.formatters["text/html"]
    formatter.for_type_by_name("autograd.value", "Value", value_html)
    return True


def load_ipython_extension(ipython):
    """``%load_ext autograd.notebook``: :func:`show_values_in_ipython` for this shell."""
    show_values_in_ipython(ipython)

"""How results show in a Jupyter notebook: the HTML behind ``_repr_html_``.

``Value``, ``Step``, ``Explanation`` and ``Verdict`` hand themselves to the
functions here, so a result left as the last line of a cell reads like its
printed form, with names typeset (w²₁₁, x₁⁽²⁾) and numbers that never read
``-0``.  Nothing here imports IPython: Jupyter calls the ``_repr_*_`` methods.
"""

import html

from . import names
from .notation import number

__all__ = ["value_html", "step_html", "explanation_html", "verdict_html", "text_block"]

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
    how = value._op.name if kind == "derived" else kind
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
    """A one-word heading (agrees / does not agree), then the verdict's sentences."""
    colour = _GREEN if verdict.agreed else _RED
    word = "agrees" if verdict.agreed else "does not agree"
    return (f'<div><b style="color: {colour}">{word}</b>'
            f"{text_block(str(verdict), colour)}</div>")

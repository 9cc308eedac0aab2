"""The loss curve of a training run, drawn with matplotlib (the optional extra
``plot``: ``pip install 'chainrule[plot]'``)."""

from __future__ import annotations

import math
import os
import pathlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, SupportsFloat, overload

from autograd.floats import listlike, short_repr
from autograd.value import as_float

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_history"]

_MISSING = ("nn.plot_history needs matplotlib, which is not installed: "
            "pip install 'chainrule[plot]' (the 'plot' extra) or pip install matplotlib")


@overload
def plot_history(history: Sequence[SupportsFloat], path: None = None, *, title: str | None = None,
                 log: bool = False) -> Figure: ...
@overload
def plot_history(history: Sequence[SupportsFloat], path: str | os.PathLike[str], *,
                 title: str | None = None, log: bool = False) -> pathlib.Path: ...


def plot_history(history: Sequence[SupportsFloat], path: str | os.PathLike[str] | None = None, *,
                 title: str | None = None, log: bool = False) -> Figure | pathlib.Path:
    """Draw the loss of every epoch against the epoch number.

    ``history``: what :func:`nn.train` returned (its loss name and reduction
    label the y axis), or any list of numbers.  With ``path`` the picture is
    saved there (PNG, or the format of the suffix: .svg, .pdf) and the path is
    returned; without it the matplotlib Figure is returned (a notebook shows
    it; a script calls ``matplotlib.pyplot.show()``).  ``log=True`` draws the
    loss on a logarithmic axis.
    """
    losses = _losses(history)
    if path is None:
        try:
            from matplotlib import pyplot
        except ImportError:
            raise ImportError(_MISSING) from None
        figure = pyplot.figure(figsize=(6.4, 4.0))
    else:
        try:
            from matplotlib.figure import Figure  # no GUI backend needed to save
        except ImportError:
            raise ImportError(_MISSING) from None
        figure = Figure(figsize=(6.4, 4.0))
    _draw(figure.add_subplot(), losses, history, title, log)
    figure.tight_layout()
    if path is None:
        return figure
    path = pathlib.Path(path)
    figure.savefig(path, dpi=120)
    return path


def _draw(axes, losses, history, title, log):
    epochs = range(1, len(losses) + 1)
    axes.plot(epochs, losses, marker="o" if len(losses) <= 40 else None, markersize=3,
              linewidth=1.5, color="#1f77b4")
    axes.set_xlabel("epoch")
    axes.set_ylabel(_loss_label(history))
    if log:
        axes.set_yscale("log")
    axes.set_title(title if title is not None else _title(history, losses))
    axes.grid(True, alpha=0.3)
    if len(losses) <= 20:
        axes.set_xticks(list(epochs))


def _loss_label(history):
    name = getattr(history, "loss", "") or "loss"
    reduction = getattr(history, "reduction", None)
    if reduction == "mean":
        return f"{name}\n(mean over the epoch's samples)"
    if reduction == "sum":
        return f"{name}\n(sum over the epoch's samples)"
    return name


def _title(history, losses):
    finite = [x for x in losses if math.isfinite(x)] or [math.nan]
    return f"loss per epoch: {finite[0]:.4g} → {finite[-1]:.4g}"


def _losses(history):
    if not listlike(history, sized=True):
        raise TypeError(f"plot_history: history must be a list of losses (what nn.train "
                        f"returns), got {type(history).__name__} {short_repr(history)}")
    if len(history) == 0:   # not `not history`: a numpy array has no truth value
        raise ValueError("plot_history: history is empty: there is no loss to draw")
    # a diverged run's last loss may be nan or inf: matplotlib leaves it out
    return [as_float(x, f"plot_history: history entry {i}") for i, x in enumerate(history, 1)]

"""What every worked-example demo shares: the output folder, the agreement
check, the picture of the graph and a few lines of printing.

Not a demo itself (run_all.py skips files starting with "_").

Output folder: ``$CHAINRULE_OUT_DIR`` when set, else ``out/`` in the current
directory (``make demo`` runs from the repository root, so ``out/`` there).
"""

import math
import os
import textwrap
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Use the checkout these demos live in, installed or not.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: default tolerance: |engine - hand| <= TOL * max(1, |hand|)
TOL = 1e-12


def out_dir():
    """Where pictures go: $CHAINRULE_OUT_DIR, else ./out (created on demand)."""
    path = pathlib.Path(os.environ.get("CHAINRULE_OUT_DIR") or "out")
    path.mkdir(parents=True, exist_ok=True)
    return path


def title(text, data=None):
    """The demo's heading, underlined; then, first thing, what data it uses."""
    print(text)
    print("-" * len(text))
    if data:
        print(f"data: {data}")


def agree(engine_value, hand_value, tol=TOL):
    """True when the engine's number and the hand formula's number agree."""
    return math.isclose(engine_value, hand_value, rel_tol=tol, abs_tol=tol)


def compare(what, hand_text, hand_value, engine_value, tol=TOL):
    """Print one hand formula, its value, the engine's value and whether they agree.

    Returns True when they agree.
    """
    ok = agree(engine_value, hand_value, tol)
    print(f"{what}")
    print(f"  by hand : {hand_text}")
    print(f"          = {hand_value:.15g}")
    print(f"  engine  : {engine_value:.15g}")
    print(f"  {'agree' if ok else 'DISAGREE'} (|difference| = {abs(engine_value - hand_value):.3g})")
    return ok


def compare_matrices(what, hand_text, hand, engine, tol=TOL):
    """Print a hand-computed matrix next to the engine's, entry by entry.

    Returns True when every entry agrees.
    """
    from _matrix import text
    ok = all(agree(e, h, tol) for erow, hrow in zip(engine, hand) for e, h in zip(erow, hrow))
    ok = ok and len(engine) == len(hand) and all(len(e) == len(h) for e, h in zip(engine, hand))
    worst = max(abs(e - h) for erow, hrow in zip(engine, hand) for e, h in zip(erow, hrow))
    print(what)
    print(f"  by hand : {hand_text}")
    print(_indent(text(hand), 12))
    print("  engine  :")
    print(_indent(text(engine), 12))
    print(f"  {'agree' if ok else 'DISAGREE'} (largest |difference| = {worst:.3g})")
    return ok


def _indent(block, n):
    return "\n".join(" " * n + line for line in block.splitlines())


def not_drawn(exc):
    """Why a picture was not drawn, in one line: how to install Graphviz when its
    ``dot`` is missing, else the error."""
    from autograd.draw import INSTALL_LINE, DotNotFound
    if isinstance(exc, DotNotFound):
        return INSTALL_LINE
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def save_graph(root, name, **draw_kwargs):
    """Draw ``root``'s graph to <out>/<name>.png and .svg with autograd.draw.

    When Graphviz cannot render, say so in one line and carry on: the demo's
    numbers do not depend on the picture.
    """
    from autograd.draw import render_graph
    target = out_dir() / name
    try:
        written = render_graph(root, str(target), formats=("png", "svg"), **draw_kwargs)
    except Exception as exc:  # the picture is a bonus; the numbers are the demo
        print(f"graph: text only: {not_drawn(exc)}")
        return []
    paths = [str(p) for p in written] if written else [f"{target}.png", f"{target}.svg"]
    print("graph: " + ", ".join(paths))
    try:
        from autograd.page import write_step_page
        page = write_step_page(root, f"{target}.html", **draw_kwargs)
    except Exception as exc:  # the page is a bonus too
        print(f"step-through page: not written: {not_drawn(exc)}")
    else:
        print(f"step-through page: {page}  (open it in a browser; arrow keys step)")
        paths.append(str(page))
    return paths


def explain_or(root, wrt, fallback_lines):
    """autograd.explain(root, wrt) when it exists, else our own lines."""
    try:
        from autograd.explain import explain
    except ImportError:
        explain = None
    if explain is not None:
        try:
            text = explain(root, wrt)
        except Exception as exc:
            print(f"(autograd.explain failed: {type(exc).__name__}: {exc})")
        else:
            print("How the engine gets it (autograd.explain):")
            print(text if isinstance(text, str) else str(text))
            return
    print("How the chain rule gets it:")
    for line in fallback_lines:
        print(line)


def check_hand_value(root, wrt, expected):
    """autograd.check(root, wrt, expected) when it exists: the engine's verdict
    on a hand-derived value, with a diagnosis when it is wrong.  Prints it
    and returns the verdict, or None without autograd.check."""
    try:
        from autograd.check import check
    except ImportError:
        return None
    try:
        verdict = check(root, wrt, expected)
    except Exception as exc:
        print(f"(autograd.check failed: {type(exc).__name__}: {exc})")
        return None
    print(textwrap.fill(str(verdict), width=88))
    return verdict

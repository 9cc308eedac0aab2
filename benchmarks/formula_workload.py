"""Workload 7: reading typed formulas, hostile text included.

``check(L, "w", text)`` reads the text over the graph's node names.  The reader
is linear in the length of the text (one token of look-ahead, no backtracking;
runs of letters split with a table of name prefixes), so 100,000 characters of
any shape are read or refused in well under a second.  Each row times
``read_formula`` on one shape of that length over the README's 1-1-1 network
(median of a few runs); the text is refused with a one-line FormulaError or
read, never evaluated.
"""

import statistics
import time

from autograd import Value
from autograd.formula import FormulaError, read_formula
from autograd.names import NodeNameError


def _graph():
    x, w = Value(1.0, name="x"), Value(0.8, name="w")
    b = Value(0.1, name="b")
    return (x * w + b).named("z").sigmoid().named("h")


def shapes(n):
    """{what: text of n characters} (the same shapes the tests read)."""
    half = n // 2
    return {
        "one letter repeated": "x" * n,
        "unknown letters": "q" * n,
        "names run together": ("xw" * n)[:n],
        "deep parentheses": "(" * half + "x" + ")" * (n - half - 1),
        "a long sum": ("x+" * half)[:n - 1] + "x",
        "signs": "-" * (n - 1) + "x",
    }


def rows(n=100_000, repeat=3):
    """[(shape, characters, median seconds, outcome)]."""
    graph = _graph()
    found = []
    for what, text in shapes(n).items():
        times, outcome = [], ""
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                read_formula(text, graph)
                outcome = "read"
            except (FormulaError, NodeNameError) as err:
                outcome = "refused: " + str(err).split(":", 2)[-1].strip()[:60]
            times.append(time.perf_counter() - start)
        found.append((what, len(text), statistics.median(times), outcome))
    return found


if __name__ == "__main__":
    for what, length, seconds, outcome in rows():
        print(f"{what:24} {length:>8,} chars  {seconds * 1e3:8.1f} ms  {outcome}")

"""The import graph of autograd's modules: no cycle, and a core that knows nothing of display.

The graph is read from the source with :mod:`ast`, so it holds every import that
runs: at module level and inside functions, absolute (``import autograd.engine``,
``from autograd.engine import x``) and relative (``from . import engine``,
``from .engine import x``).  Imports under ``if TYPE_CHECKING:`` never run; they
are listed apart (type annotations only) and do not count as edges.

Run ``python tests/test_layering.py`` to print the graph.
"""

import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = "autograd"

#: the backward pass and what it stands on
CORE = {"value", "engine", "ops", "expr", "recording", "floats", "graph", "interrupts"}
#: how results are written for people: the core must import none of these
DISPLAY = {"notation", "steps", "notebook", "draw", "explain", "page", "stepper", "check"}


def modules():
    """``{dotted name relative to the package: path}`` for every module of autograd."""
    base = ROOT / PACKAGE
    found = {}
    for path in sorted(base.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree):
    """``(runtime, type_only)``: the Import/ImportFrom nodes of ``tree``, those under
    ``if TYPE_CHECKING:`` apart."""
    runtime, type_only = [], []

    def visit(node, typing_only):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, True)
                for stmt in child.orelse:
                    visit_stmt(stmt, typing_only)
                continue
            visit_stmt(child, typing_only)

    def visit_stmt(node, typing_only):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            (type_only if typing_only else runtime).append(node)
        visit(node, typing_only)

    visit(tree, False)
    return runtime, type_only


def _targets(node, module, known):
    """The package's modules that one import statement in ``module`` loads."""
    out = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            name = alias.name
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                out.add(name[len(PACKAGE) + 1:])
        return {m for m in out if m in known}
    if node.level:
        package = module.split(".") if _is_package(module, known) else module.split(".")[:-1]
        if node.level > 1:
            package = package[:len(package) - (node.level - 1)]
        base = [p for p in package if p]
        if node.module:
            base += node.module.split(".")
    elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
        base = node.module.split(".")[1:]
    else:
        return out
    target = ".".join(base)
    if target in known and target:
        out.add(target)
    for alias in node.names:            # from . import engine / from .commands import step
        sub = ".".join(base + [alias.name])
        if sub in known:
            out.add(sub)
    return out


def _is_package(module, known):
    return module == "" or known[module].name == "__init__.py"


def import_graph():
    """``(edges, type_only)``: ``{module: set of modules it imports when run}`` and the
    imports made for type checking only.  ``""`` is the package itself."""
    known = modules()
    edges, type_only = {}, {}
    for module, path in known.items():
        runtime, typing_only = _imports(ast.parse(path.read_text(encoding="utf-8")))
        edges[module] = set().union(*(_targets(n, module, known) for n in runtime)) - {module}
        type_only[module] = set().union(*(_targets(n, module, known) for n in typing_only))
    return edges, type_only


def cycles(edges):
    """Every strongly connected component of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def reachable(edges, start):
    """The modules ``start`` loads, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for m in edges.get(todo.pop(), ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def render(edges, type_only):
    """The graph as text, one module a line: ``engine -> floats, graph, names, ops, recording``."""
    lines = []
    for module in sorted(edges):
        name = module or f"{PACKAGE} (package)"
        line = f"{name} -> {', '.join(sorted(edges[module])) or '(nothing)'}"
        if type_only[module]:
            line += f"   [types only: {', '.join(sorted(type_only[module]))}]"
        lines.append(line)
    return "\n".join(lines)


def test_the_import_graph_reads_imports_inside_functions_and_relative_forms():
    """The reader itself, on a module written for the purpose: each form gives its edge."""
    known = {"": ROOT, "a": ROOT / "a.py", "b": ROOT / "b.py", "c": ROOT / "c.py",
             "d": ROOT / "d.py", "e": ROOT / "e.py", "commands": ROOT / "commands" / "__init__.py",
             "commands.step": ROOT / "commands" / "step.py"}
    source = (
        "from . import b, os\n"
        "import autograd.c\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .e import E\n"
        "def f():\n"
        "    from autograd.d import x\n"
        "    class K:\n"
        "        def g(self):\n"
        "            from .commands import step\n")
    runtime, typing_only = _imports(ast.parse(source))
    got = set().union(*(_targets(n, "a", known) for n in runtime))
    assert got == {"b", "c", "d", "commands", "commands.step"}
    assert set().union(*(_targets(n, "a", known) for n in typing_only)) == {"e"}


def test_no_import_cycle_among_autograds_modules():
    edges, type_only = import_graph()
    print(render(edges, type_only))
    found = cycles(edges)
    assert not found, f"import cycles: {found}"


def test_the_core_loads_no_display_module():
    """Not directly, not through another module, not inside a function."""
    edges, _ = import_graph()
    assert CORE <= set(edges), f"core modules missing: {CORE - set(edges)}"
    for module in sorted(CORE):
        bad = sorted(reachable(edges, module) & DISPLAY)
        assert not bad, f"autograd/{module}.py loads display modules {bad}"
        outside = sorted(reachable(edges, module) - CORE - {"names", "patterns"})   # names' regexes
        assert not outside, f"autograd/{module}.py loads {outside}, outside the core"


def test_the_graph_walk_is_the_bottom_module():
    """graph.py imports nothing of autograd, and every module that walks a graph uses it."""
    edges, _ = import_graph()
    assert edges["graph"] == set()
    assert "graph" in edges["engine"] and "graph" in edges["notation"]


def test_the_observed_pass_yields_numbers_and_steps_write_them():
    """The engine yields raw Visits (no text); steps.presenter makes the Steps that
    backward_steps() yields.  Oracle: the chain rule by hand for z = tanh(x·w)."""
    import math

    from autograd import Step, Value, engine, graph, steps

    x, w = Value(0.3, name="x"), Value(-2.0, name="w")
    y = (x * w).named("y")
    z = y.tanh().named("z")
    order, leaves = graph.order_and_leaves(z)
    visits = list(engine.observed_pass(z, 1.0, order, leaves))
    assert [type(v) for v in visits] == [engine.Visit, engine.Visit]
    dz_dy = 1.0 - math.tanh(-0.6) ** 2
    first, second = visits
    assert (first.node, first.upstream, first.index, first.total) == (z, 1.0, 0, 2)
    (parent, index, local, contribution, after, nth, before), = first.edges
    assert (parent, index, nth, before) == (y, 0, 1, 0.0)
    assert math.isclose(local, dz_dy, rel_tol=1e-15) and contribution == local * 1.0 == after
    assert second.node is y and second.upstream == contribution
    assert [(e[0], e[2], e[3]) for e in second.edges] == [(x, -2.0, -2.0 * contribution),
                                                          (w, 0.3, 0.3 * contribution)]
    shown = [steps.Step.from_visit(v, None) for v in visits]
    x.grad = w.grad = 0.0          # the same pass again (a leaf's held grad would be noted)
    stepped = list(z.backward_steps())
    assert all(isinstance(s, Step) for s in stepped)
    assert [s.text(steps.label) for s in shown] == [s.text(steps.label) for s in stepped]


def test_values_show_in_ipython_through_its_formatter_registry():
    """No _repr_html_ on Value: notebook registers the HTML with IPython's formatter."""
    ipython_formatters = pytest.importorskip("IPython.core.formatters")
    from autograd import Value, notebook

    html_formatter = ipython_formatters.HTMLFormatter()

    class Shell:   # what show_values_in_ipython reads of a running IPython
        class display_formatter:
            formatters = {"text/html": html_formatter}

    y = Value(0.25, name="w2_11")
    assert not hasattr(y, "_repr_html_") and html_formatter(y) is None
    assert notebook.show_values_in_ipython(Shell) is True
    shown = html_formatter(y)
    assert "<b>w²₁₁</b>" in shown and "data 0.25 · grad 0 " in shown


if __name__ == "__main__":
    graph, types = import_graph()
    print(render(graph, types))
    print("cycles:", cycles(graph) or "none")
    sys.exit(0)

"""Name the unnamed nodes a namespace holds after its variables (``w1 = Value(0.5)``
becomes the node w1): what the ``chainrule`` command does for a script, in one call."""

import ast

from .graph import all_nodes
from .value import Value

__all__ = ["NamedVariables", "name_variables", "loop_variables"]

#: why a loop's variable names no node
LOOP = "a for loop's variable: it holds whichever node the loop ended on"


class NamedVariables(dict):
    """What :func:`name_variables` did: ``{variable: node}`` for each node it
    named, and ``skipped``: ``{variable: why}`` for each Value it left alone."""

    def __init__(self, named=(), skipped=None):
        super().__init__(named)
        self.skipped = dict(skipped or {})

    def __repr__(self):
        named = ", ".join(self) or "nothing"
        text = f"<named {named}"
        if self.skipped:
            text += "; skipped " + "; ".join(f"{k} ({why})" for k, why in self.skipped.items())
        return text + ">"


def name_variables(namespace, root=None, loops=None):
    """Name every unnamed node that a variable of ``namespace`` holds after the
    variable: ``autograd.name_variables(globals())`` (or ``locals()``) turns
    ``w1 = Value(0.5)`` into the node w1 that explain, check, steps and
    drawings print.  Returns a :class:`NamedVariables`.

    Only Values are looked at (other objects are left alone, as are names
    starting with ``_``).  A node that already has a name keeps it; a node two
    variables hold is named after the first; a variable whose name another
    node already carries (in the namespace, or in the graph of ``root`` when
    given) is not used; nor is a ``for`` loop's variable (``loops``; for a
    module's globals(), the loops at the top level of its file, for a notebook's,
    those at the top level of its cells run so far): after ``for p
    in n.parameters(): p.grad = 0.0`` the last weight would be called p, while
    ``n.layers[1].neurons[0].b`` still reaches it.  Those Values are listed in
    ``skipped`` with the reason.
    """
    if not hasattr(namespace, "items"):
        raise TypeError(f"name_variables: pass a namespace such as globals() or locals(), "
                        f"got {type(namespace).__name__}")
    if loops is None:
        loops = _module_loops(namespace)
    values = [(k, v) for k, v in list(namespace.items())
              if isinstance(k, str) and not k.startswith("_") and isinstance(v, Value)]
    taken = {v.name: v for _, v in values if v.name}
    if root is not None:
        for node in all_nodes(root):
            if node.name:
                taken.setdefault(node.name, node)
    named, skipped, holder = {}, {}, {}
    for variable, node in values:
        if variable in loops and not node.name:
            skipped[variable] = LOOP
            continue
        if node in holder:
            if node.name != variable:
                skipped[variable] = f"the same node as {holder[node]}"
            continue
        holder[node] = variable
        if node.name:
            if node.name != variable:
                skipped[variable] = f"already named {node.name!r}"
            continue
        other = taken.get(variable)
        if other is not None and other is not node:
            skipped[variable] = f"another node is already named {variable!r}"
            continue
        node.name = variable
        taken[variable] = node
        named[variable] = node
    return NamedVariables(named, skipped)


def loop_variables(source, function=None):
    """The names the ``for`` loops of one scope of ``source`` (a script's text) bind:
    its top level, or the body of ``function`` (a code object of that script), nested
    functions and classes left out; empty when the source cannot be parsed."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    body = tree.body
    if function is not None:
        defs = [node for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name == function.co_name
                and function.co_firstlineno in {node.lineno, *(d.lineno for d in node.decorator_list)}]
        if not defs:
            return set()
        body = defs[0].body
    found, todo = set(), list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue                # another scope
        if isinstance(node, (ast.For, ast.AsyncFor)):
            found.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        todo.extend(ast.iter_child_nodes(node))
    return found


def script_source(path):
    """The text of the script at ``path``, read as Python reads it (a UTF-8 BOM, as
    Windows' Notepad may save it, or a ``# -*- coding: latin-1 -*-`` line), or ""
    when it cannot be read."""
    import tokenize     # (only the chainrule command and name_variables of a module read one)
    try:
        with tokenize.open(path) as script:
            return script.read()
    except (OSError, UnicodeDecodeError, SyntaxError, TypeError, ValueError):
        return ""


def _module_loops(namespace):
    """The top-level loop variables of the file a module's globals() come from (its
    ``__file__``), or of the cells run so far in a Jupyter notebook or IPython (their
    inputs, which IPython keeps in ``_ih``, magics already written as Python), or none
    (locals())."""
    path = namespace.get("__file__")
    if isinstance(path, str) and path.endswith(".py"):
        return loop_variables(script_source(path))
    cells = namespace.get("_ih")
    if path is None and isinstance(cells, list):
        return set().union(*(loop_variables(cell) for cell in cells if isinstance(cell, str)))
    return set()

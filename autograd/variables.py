"""Name the unnamed nodes a namespace holds after its variables (``w1 = Value(0.5)``
becomes the node w1): what the ``chainrule`` command does for a script, in one call."""

from .graph import all_nodes
from .value import Value

__all__ = ["NamedVariables", "name_variables"]


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


def name_variables(namespace, root=None):
    """Name every unnamed node that a variable of ``namespace`` holds after the
    variable: ``autograd.name_variables(globals())`` (or ``locals()``) turns
    ``w1 = Value(0.5)`` into the node w1 that explain, check, steps and
    drawings print.  Returns a :class:`NamedVariables`.

    Only Values are looked at (other objects are left alone, as are names
    starting with ``_``).  A node that already has a name keeps it; a node two
    variables hold is named after the first; a variable whose name another
    node already carries (in the namespace, or in the graph of ``root`` when
    given) is not used.  Those Values are listed in ``skipped`` with the reason.
    """
    if not hasattr(namespace, "items"):
        raise TypeError(f"name_variables: pass a namespace such as globals() or locals(), "
                        f"got {type(namespace).__name__}")
    values = [(k, v) for k, v in list(namespace.items())
              if isinstance(k, str) and not k.startswith("_") and isinstance(v, Value)]
    taken = {v.name: v for _, v in values if v.name}
    if root is not None:
        for node in all_nodes(root):
            if node.name:
                taken.setdefault(node.name, node)
    named, skipped, holder = {}, {}, {}
    for variable, node in values:
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

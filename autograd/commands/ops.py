"""``chainrule ops``: the primitive operations and their local derivative rules."""

from autograd import ops
from autograd.notation import op_rules


def arguments(parser):
    """No options."""


def run(args):
    for op in ops.OPS.values():
        if op.is_leaf:
            continue
        formula, rules = op_rules(op)
        derivatives = ", ".join(f"∂/∂{name} = {rule}" for name, rule in rules)
        print(f"{op.name:9} {formula:14} {op.backward.__name__:19} {derivatives}")
    return 0

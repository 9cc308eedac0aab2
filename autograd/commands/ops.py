"""``chainrule ops``: the primitive operations and their local derivative rules."""

from autograd import ops
from autograd.notation import op_rules


def arguments(parser):
    """No options."""


def run(args):
    made_by_values = [op for op in ops.OPS.values()
                      if not op.is_leaf and op not in ops.FORMULA_PIECES]
    rows = {op: _row(op) for op in made_by_values + list(ops.FORMULA_PIECES)}
    widths = [max(len(row[i]) for row in rows.values()) for i in range(3)]

    def show(op):
        name, formula, rule, derivatives = rows[op]
        print(f"{name:{widths[0]}}  {formula:{widths[1]}}  {rule:{widths[2]}}  {derivatives}")

    for op in made_by_values:
        show(op)
    print("\nonly in gradient graphs (grad(..., create_graph=True)); no Value method makes them:")
    for op in ops.FORMULA_PIECES:
        show(op)
    return 0


def _row(op):
    """One op's cells: name, formula, rule function, local derivatives."""
    formula, rules = op_rules(op)
    derivatives = ", ".join(f"∂/∂{name} = {rule}" for name, rule in rules)
    return op.name, formula, op.backward.__name__, derivatives

"""``chainrule ops``: one aligned row per op, the gradient-graph-only ops apart."""

from autograd import Value, ops
from autograd.cli import main


def listed(capsys):
    assert main(["ops"]) == 0
    return capsys.readouterr().out.splitlines()


def test_every_row_is_aligned_however_long_its_formula(capsys):
    rows = [line for line in listed(capsys) if "_backward" in line]
    assert len(rows) == sum(not op.is_leaf for op in ops.OPS.values())
    # the rule column and the derivative column start at the same place on every row,
    # where's "(x if c else y)" (15 characters) included
    rule_starts = {line.index(next(w for w in line.split() if w.endswith("_backward")))
                   for line in rows}
    assert len(rule_starts) == 1
    assert len({line.index("∂/∂") for line in rows}) == 1


def test_ops_no_value_method_makes_come_after_a_heading(capsys):
    lines = listed(capsys)
    heading = next(i for i, line in enumerate(lines) if line.startswith("only in gradient graphs"))
    after = [line.split()[0] for line in lines[heading + 1:]]
    assert after == ["sign", "gt", "ge", "eq", "where", "sigmoid_slope"]
    assert "sigmoid" in [line.split()[0] for line in lines[:heading] if line]
    assert (Value(2.0) > Value(1.0)) is True     # a comparison is a bool, not a gt node

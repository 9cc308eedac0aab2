"""benchmarks/callgrind_rows.py runs each of its rows (no count asserted: the counts
come from valgrind, which the tests do not run)."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "callgrind_rows.py")
ROWS = ["eager_build_backward", "eager_step", "jit_loss_step20", "jit_batch2000", "jit_call2000",
        "numpy_step784", "train_numpy_hse", "train_numpy_ce", "sgd_step", "adam_step",
        "create_graph", "chain1e5", "jit_first_call"]


def _run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "ROWS_GC": "freeze"})


@pytest.mark.parametrize("row", ROWS)
def test_each_row_runs_its_setup_and_one_call(row):
    """ROW 1, without valgrind: the setup and one call complete."""
    run = _run(row, "1")
    assert run.returncode == 0, run.stdout + run.stderr


def test_an_unknown_row_is_refused_by_name():
    """A row the script does not have: it exits naming it."""
    run = _run("no_such_row", "1")
    assert run.returncode != 0 and "unknown row no_such_row" in run.stderr

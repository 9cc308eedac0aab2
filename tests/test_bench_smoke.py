"""The benchmark's smoke run: it runs, checks the contenders agree, and reports every row.

No timing is asserted: only that the script completes, prints and writes the
same Markdown, and that each workload's table has the rows it must have.
"""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks", "bench.py")

pytest.importorskip("micrograd", reason="the benchmark needs micrograd (the bench extra)")


def torch_importable():
    probe = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    committed = os.path.join(ROOT, "benchmarks", "RESULTS.md")
    before = _read(committed)
    run = subprocess.run([sys.executable, BENCH, "--smoke", "--out", str(out)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _read(committed) == before, "a smoke run must not touch benchmarks/RESULTS.md"
    return run.stdout, out.read_text(encoding="utf-8")


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def sections(markdown):
    """{section title: [first cell of each table body row]} for every '## ' section."""
    found, title = {}, None
    for line in markdown.splitlines():
        if line.startswith("## "):
            title = line[3:]
            found[title] = []
        elif title and line.startswith("| ") and not line.startswith("| ---"):
            found[title].append([cell.strip() for cell in line.strip("|").split("|")])
    # drop each table's header row
    return {t: [row for row in rows[1:]] for t, rows in found.items()}


def section(markdown, prefix):
    matches = [rows for title, rows in sections(markdown).items() if title.startswith(prefix)]
    assert len(matches) == 1, f"expected one section starting {prefix!r}"
    return matches[0]


def first_cells(rows):
    return [row[0].strip("*") for row in rows]


def test_written_file_is_the_printed_table(smoke):
    stdout, written = smoke
    assert written.strip() in stdout
    assert written.startswith("# chainrule benchmark results")
    for stamp in ("- Python: CPython " if sys.implementation.name == "cpython" else "- Python: ",
                  "- CPU: ", "- Date: ", "- Command: `", "--smoke"):
        assert stamp in written


def test_contenders_agree_before_timing(smoke):
    stdout, _ = smoke
    for workload in ("relu", "sigmoid"):
        assert f"Workload {workload} 2-16-16-1: same loss, gradient and update?" in stdout
    agree = re.findall(r"all agree with chainrule (?:eager|jit) to 1e-09 \(C = ([0-9.e+-]+), "
                       r"(\d+) parameters\)", stdout)
    # 2-16-16-1: (2+1)*16 + (16+1)*16 + (16+1)*1 = 337 parameters, all three smoke workloads
    assert [int(n) for _, n in agree] == [337, 337, 337]


@pytest.mark.parametrize("prefix", ["Workload 1:", "Workload 2:"])
def test_mlp_tables_have_every_contender(smoke, prefix):
    stdout, written = smoke
    rows = section(written, prefix)
    expected = ["chainrule eager", "chainrule eager, elementary ops", "chainrule jit",
                "chainrule numpy backend", "hand-written numpy",
                "micrograd", "micrograd, GC disabled", "PyTorch", "plain-float backprop",
                "plain-float floor"]
    if not torch_importable():
        expected.remove("PyTorch")
        assert "torch not installed: row omitted" in stdout
    assert first_cells(rows) == expected
    # the reference row's ratio is itself
    assert rows[0][2] == "1.00x"


def test_chain_table_shows_micrograd_recursion_error(smoke):
    _, written = smoke
    rows = section(written, "Workload 3:")
    by_name = {row[0]: row for row in rows}
    assert by_name["chainrule eager"][1] == "10,000"
    # chainrule's gradient matches the oracle 1.0000001**10000 closely
    assert float(by_name["chainrule eager"][5]) < 1e-12
    assert by_name["micrograd"][3] == "**RecursionError**"
    assert ("PyTorch" in by_name) == torch_importable()


def test_memory_table_has_both_engines(smoke):
    _, written = smoke
    rows = section(written, "Workload 4:")
    assert first_cells(rows) == ["chainrule eager", "micrograd"]
    assert all(row[1] == "2,000" for row in rows)   # 1,000 a*b+c ops, 2 nodes each
    assert all(float(row[2]) > 0 for row in rows)


def test_wide_and_nielsen_workloads_have_their_rows(smoke):
    _, written = smoke
    assert first_cells(section(written, "Workload 5:")) == [
        "chainrule jit", "chainrule numpy backend", "hand-written numpy", "plain-float backprop",
        "plain-float floor"]
    assert first_cells(section(written, "Workload 6:")) == [
        "chainrule, numpy backend", "network.py algorithm, numpy"]


def test_the_formula_reader_rows_read_or_refuse_every_hostile_shape(smoke):
    _, written = smoke
    rows = section(written, "Workload 7:")
    assert [row[0] for row in rows] == ["one letter repeated", "unknown letters",
                                        "names run together", "deep parentheses",
                                        "a long sum", "signs"]
    assert all(row[1] == "1,000" and row[3].startswith(("read", "refused: ")) for row in rows)


def test_targets_are_reported_not_judged_at_smoke_sizes(smoke):
    _, written = smoke
    rows = section(written, "Targets")
    assert len(rows) == 29
    # the measured ratio without a target says so; every target waits for full sizes
    assert all(row[2] in ("— (smoke)", "—", "— (no target; measured)") for row in rows)
    assert sum(row[2] == "— (no target; measured)" for row in rows) == 1
    assert sum(row[0].startswith("paths: ") for row in rows) == 12
    assert sum(row[0].startswith("workload 7: ") for row in rows) == 1
    assert "issue" not in written.lower()


PATHS = ["`net.jit_loss(", "`net.jit_loss(", "`nn.train(backend=\"numpy\")`, one epoch, arrays",
         "`nn.train(backend=\"numpy\")`, one epoch, lists", "`nn.train(backend=\"numpy\", epochs=",
         "`jit(f, backend=\"numpy\").batch(list of tuples)`", "a user-written loss", "a user-written loss",
         "eager as the README writes it", "`nn.eager_step(", "`nn.train(jit=True)`",
         "`nn.train()`, the default", "`nn.train(jit=False)`", "`autograd.grad(",
         "eager build of a 10,000-node chain", "eager `y.backward()`"]


def test_paths_table_has_every_path_beside_its_kernel_and_ratio(smoke):
    stdout, written = smoke
    rows = section(written, "The paths users call")
    assert len(rows) == len(PATHS)
    for row, start in zip(rows, PATHS):
        path, _, time, kernel, kernel_time, ratio, peers = row
        assert path.startswith(start), (path, start)
        assert kernel and re.fullmatch(r"[\d.]+ (s|ms|µs)", time) and \
            re.fullmatch(r"[\d.]+ (s|ms|µs)", kernel_time), row
        # the ratio printed is the two times' ratio, to the digits shown
        assert re.fullmatch(r"[\d.]+x", ratio), row
    peers = " ".join(row[6] for row in rows)
    for peer in ("hand-written numpy", "network.py algorithm", "micrograd"):
        assert peer in peers
    assert ("PyTorch (not installed)" in peers) != torch_importable()
    try:
        import jax  # noqa: F401
        assert "JAX jit (not installed)" not in peers
    except ImportError:
        assert "JAX jit (not installed)" in peers     # an optional contender, skipped cleanly
    for line in ("Paths: per-step numpy API", "Paths: the chain"):
        assert line in stdout


def test_without_torch_the_row_is_omitted_and_said(tmp_path):
    if not torch_importable():
        pytest.skip("torch is absent here: the main smoke run already covers this")
    hidden = tmp_path / "hide" / "torch"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text('raise ImportError("torch hidden by the test")\n')
    env = dict(os.environ, PYTHONPATH=str(hidden.parent))
    run = subprocess.run([sys.executable, BENCH, "--smoke"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "torch not installed: row omitted" in run.stdout
    for prefix in ("Workload 1:", "Workload 2:", "Workload 3:"):
        assert "PyTorch" not in first_cells(section(run.stdout, prefix))
    targets = {row[0]: row for row in section(run.stdout, "Targets")}
    [torch_target] = [row for name, row in targets.items() if "PyTorch" in name]
    assert torch_target[1:] == ["not measured here", "—"]


def test_the_gradient_graph_script_runs_and_reports_its_ratio():
    """benchmarks/higher_bench.py at a tiny size: it runs and prints both times and
    the ratio against the 4x target (no timing asserted)."""
    script = os.path.join(ROOT, "benchmarks", "higher_bench.py")
    run = subprocess.run([sys.executable, script, "sigmoid", "--samples", "3", "--repeat", "1"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"C\.backward\(\) [\d.]+ ms, grad\(create_graph=True\) [\d.]+ ms: "
                     r"[\d.]+x \((within|over) the 4x target\)", run.stdout), run.stdout


def test_the_commit_comparison_script_runs_against_head():
    """benchmarks/versus_commit.py HEAD, one process each: it unpacks the commit,
    runs both and prints both medians and the ratio (no timing asserted)."""
    if subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    script = os.path.join(ROOT, "benchmarks", "versus_commit.py")
    run = subprocess.run([sys.executable, script, "HEAD", "--rounds", "1"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"HEAD: median step [\d.]+ ms\n  this checkout: median step [\d.]+ ms\n"
                     r"  [\d.]+x less time per step", run.stdout), run.stdout

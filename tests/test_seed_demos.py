"""Smoke test: `python demos/run_all.py` runs every worked example and agrees.

The demos' numbers are checked in test_seeds.py; this only checks that the
scripts run, that the summary has one line per demo, and that pictures go
to the folder given (never into the repository).
"""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# the worked examples, one per seed (demos/train_digits.py has its own test)
DEMOS = sorted(p.stem for p in (ROOT / "demos").glob("[0-9][0-9]_*.py"))


# the question each demo reproduces (the project's worked-example questions)
DEMO_OF_SEED = {"000": "01_one_one_one_network", "001": "02_matrix_batch_backprop",
                "002": "03_nielsen_bp1_bp4", "003": "04_missing_factors_desmos",
                "004": "05_minibatch_blog"}


def test_every_worked_example_has_a_demo_named_by_what_it_is():
    import re
    seeds = sorted(p.name[:3] for p in (ROOT.parent / "shared" / "seeds").glob("*.txt"))
    assert len(DEMOS) >= 5
    assert set(seeds) <= set(DEMO_OF_SEED), f"questions with no demo: {set(seeds) - set(DEMO_OF_SEED)}"
    assert set(DEMO_OF_SEED.values()) <= set(DEMOS)
    for stem in DEMOS:
        text = (ROOT / "demos" / f"{stem}.py").read_text(encoding="utf-8")
        example = re.search(r'^EXAMPLE = "(.+)"$', text, re.M)
        assert example, f"demos/{stem}.py has no EXAMPLE naming what it is"
        assert not re.search(r"\bseed \d{3}|^SEED =", text, re.I | re.M), \
            f"demos/{stem}.py names its example by an internal number"


def test_run_all_exits_0_with_one_summary_line_per_demo(tmp_path):
    out = tmp_path / "pictures"
    result = subprocess.run(
        [sys.executable, str(ROOT / "demos" / "run_all.py"), "--out", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.split("===== worked examples", 1)[1].splitlines()[1:]
    lines = [line for line in summary if line.split(" ", 1)[0] in DEMOS]
    assert len(lines) == len(DEMOS), summary
    for stem in DEMOS:
        [line] = [line for line in lines if line.startswith(f"{stem} ")]
        assert " agreed " in line, line
    assert not (tmp_path / "out").exists()  # pictures went to --out, not ./out
    # the summary docs/worked-examples.md shows is the one run_all prints
    from test_readme import fences, find_shown
    [shown] = [body for info, body in fences(ROOT / "docs" / "worked-examples.md")
               if "worked examples agree with the engine" in body]
    find_shown(shown.splitlines(), result.stdout, "docs/worked-examples.md's run_all summary")
    if importlib.util.find_spec("autograd.draw") is not None and shutil.which("dot"):
        for stem in DEMOS:
            assert (out / f"{stem}.png").stat().st_size > 0
            assert (out / f"{stem}.svg").stat().st_size > 0


def load_run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "demos" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_all_reports_a_disagreeing_and_a_broken_demo(tmp_path, monkeypatch, capsys):
    (tmp_path / "01_fine.py").write_text('EXAMPLE = "a fine one"\nSHOWS = "fine"\nAGREED = True\n')
    (tmp_path / "02_wrong.py").write_text('EXAMPLE = "a wrong one"\nSHOWS = "wrong"\nAGREED = False\n')
    (tmp_path / "03_broken.py").write_text('raise RuntimeError("broken demo")\n')
    run_all = load_run_all()
    monkeypatch.setattr(run_all, "demo_paths", lambda: sorted(tmp_path.glob("*.py")))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHAINRULE_OUT_DIR", raising=False)
    assert run_all.main([]) == 1
    captured = capsys.readouterr()
    summary = captured.out.split("===== worked examples", 1)[1]
    assert "01_fine" in summary and " agreed " in summary and "a fine one: fine" in summary
    assert "02_wrong" in summary and "DISAGREED" in summary
    assert "03_broken" in summary and "ERROR" in summary
    assert "RuntimeError: broken demo" in captured.err
    assert "1 of 3 worked examples agree" in summary


def test_without_dot_each_picture_the_demos_skip_is_one_line(tmp_path):
    """Without Graphviz's dot, each demo printed DotNotFound's five lines inside
    'graph: text only (...)', seven times over; now one line names the program
    and how to install it, and the numbers still agree."""
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, str(ROOT / "demos" / "run_all.py"), "--out", str(tmp_path / "pictures")],
        cwd=tmp_path, env={**os.environ, "PATH": str(empty)}, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    skipped = [line for line in result.stdout.splitlines() if "'dot'" in line or "graphviz" in line]
    assert len(skipped) == len(DEMOS) + 1   # each demo's graph, and 07's matrix picture
    for line in skipped:
        assert line.startswith(("graph: text only: ", "matrix picture: not drawn: ")), line
        assert line.endswith("install it with apt install graphviz (Debian, Ubuntu), "
                             "brew install graphviz (macOS) or conda install -c conda-forge graphviz"), line
    assert f"{len(DEMOS)} of {len(DEMOS)} worked examples agree" in result.stdout

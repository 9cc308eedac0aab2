"""Smoke test: `python demos/run_all.py` runs every worked example and agrees.

The demos' numbers are checked in test_seeds.py; this only checks that the
scripts run, that the summary has one line per demo, and that pictures go
to the folder given (never into the repository).
"""

import importlib.util
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# the worked examples, one per seed (demos/train_digits.py has its own test)
DEMOS = sorted(p.stem for p in (ROOT / "demos").glob("[0-9][0-9]_*.py"))


def test_every_worked_example_has_a_demo():
    import re
    seeds = sorted(p.name[:3] for p in (ROOT.parent / "shared" / "seeds").glob("*.txt"))
    assert len(DEMOS) >= 5
    covered = {re.search(r'^SEED = "(\d+)"', (ROOT / "demos" / f"{stem}.py").read_text(), re.M)
               .group(1) for stem in DEMOS
               if re.search(r'^SEED = "\d+"', (ROOT / "demos" / f"{stem}.py").read_text(), re.M)}
    assert set(seeds) <= covered, f"worked examples with no demo: {set(seeds) - covered}"


def test_run_all_exits_0_with_one_summary_line_per_demo(tmp_path):
    out = tmp_path / "pictures"
    result = subprocess.run(
        [sys.executable, str(ROOT / "demos" / "run_all.py"), "--out", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.split("===== worked examples", 1)[1].splitlines()[1:]
    lines = [line for line in summary if line.startswith("seed ")]
    assert len(lines) == len(DEMOS), summary
    for stem in DEMOS:
        [line] = [line for line in lines if f" {stem} " in line]
        assert " agreed " in line, line
    assert not (tmp_path / "out").exists()  # pictures went to --out, not ./out
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
    (tmp_path / "01_fine.py").write_text('SEED = "900"\nSHOWS = "fine"\nAGREED = True\n')
    (tmp_path / "02_wrong.py").write_text('SEED = "901"\nSHOWS = "wrong"\nAGREED = False\n')
    (tmp_path / "03_broken.py").write_text('raise RuntimeError("broken demo")\n')
    run_all = load_run_all()
    monkeypatch.setattr(run_all, "demo_paths", lambda: sorted(tmp_path.glob("*.py")))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHAINRULE_OUT_DIR", raising=False)
    assert run_all.main([]) == 1
    captured = capsys.readouterr()
    summary = captured.out.split("===== worked examples", 1)[1]
    assert "seed 900  01_fine" in summary and " agreed " in summary
    assert "02_wrong" in summary and "DISAGREED" in summary
    assert "03_broken" in summary and "ERROR" in summary
    assert "RuntimeError: broken demo" in captured.err
    assert "1 of 3 worked examples agree" in summary

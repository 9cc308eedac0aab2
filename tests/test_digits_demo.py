"""The digits demo (demos/train_digits.py) on a few hundred samples for two epochs.

The full run (1,347 training digits, 10 epochs, at least 92% test accuracy)
is `make demo`; here the script must run end to end, hold out a fixed 25%
and learn something (better than the 10% of guessing) in two epochs.
"""

import importlib.util
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "demos" / "train_digits.py"

pytest.importorskip("sklearn", reason="the digits come with scikit-learn (the demo extra)")


def load_demo():
    sys.path.insert(0, str(ROOT / "demos"))
    try:
        spec = importlib.util.spec_from_file_location("train_digits", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "demos"))
    return module


def test_the_split_holds_out_a_fixed_quarter():
    demo = load_demo()
    train_x, train_y, test_x, test_y = demo.load_digits()
    assert (len(train_x), len(test_x)) == (1347, 450)
    assert all(len(x) == 64 and 0.0 <= min(x) and max(x) <= 1.0 for x in train_x + test_x)
    assert sorted(set(train_y)) == list(range(10))
    again = demo.load_digits()
    assert again[3] == test_y and again[2] == test_x      # the same split every time


def test_demo_runs_on_300_samples_for_two_epochs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--samples", "300", "--epochs", "2", "--out",
         str(tmp_path / "pictures")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "225 training and 75 test digits" in out
    assert re.findall(r"^epoch (\d)/2  loss [0-9.]+$", out, re.M) == ["1", "2"]
    accuracies = [float(a) for a in re.findall(r"^ +test accuracy ([0-9.]+)%$", out, re.M)]
    assert len(accuracies) == 2 and accuracies[-1] > 10.0
    assert "with the compiled loss (jit)" in out
    if importlib.util.find_spec("matplotlib") is not None:
        for name in ("digits_loss.png", "digits_predictions.png"):
            assert (tmp_path / "pictures" / name).read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "out").exists()


def test_the_full_run_reaches_92_percent(tmp_path, capsys):
    """The demo's promise: at least 92% of the 450 held-out digits after 10 epochs."""
    demo = load_demo()
    assert demo.main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    final = float(re.search(r"^test accuracy ([0-9.]+)% after 10 epochs", out, re.M).group(1))
    assert final >= 92.0

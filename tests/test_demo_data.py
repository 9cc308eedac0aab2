"""Every demo says what data it uses in its first lines of output, and the
784-30-10 demo says that its images are synthetic, not MNIST, and what
Nielsen's network reaches on MNIST."""

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"


def run(*args, cwd=ROOT):
    result = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                            cwd=cwd, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_each_worked_example_names_its_data_right_after_its_heading(tmp_path):
    output = run(DEMOS / "run_all.py", "--out", tmp_path)
    sections = re.split(r"^===== (\S+) =====$", output, flags=re.M)[1:]
    shown = dict(zip(sections[0::2], sections[1::2]))
    assert sorted(shown) == sorted(p.stem for p in DEMOS.glob("[0-9][0-9]_*.py"))
    for stem, text in shown.items():
        heading, underline, data = text.strip("\n").splitlines()[:3]
        assert set(underline) == {"-"} and len(underline) == len(heading), stem
        assert data.startswith("data: ") and "no data set" in data, (stem, data)


def test_the_training_demos_say_where_their_images_come_from(tmp_path):
    pytest.importorskip("numpy")
    first = run(DEMOS / "train_nielsen_784.py", "--samples", "200").splitlines()[:3]
    assert first[0].startswith("data: synthetic 28×28 images") and "not MNIST" in first[0]
    assert "on MNIST, Nielsen's network reaches about 95 %" in first[1]
    pytest.importorskip("sklearn")
    first = run(DEMOS / "train_digits.py", "--epochs", "1", "--samples", "300", "--out",
                tmp_path).splitlines()[:3]
    assert first[2].startswith("data: scikit-learn's copy of the UCI 8×8 handwritten digits")

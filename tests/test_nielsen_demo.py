"""demos/train_nielsen_784.py (Nielsen's 784-30-10 network, numpy backend) runs on a
few hundred samples and learns: test accuracy above chance."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytest.importorskip("numpy")


def test_the_784_30_10_demo_trains_a_small_epoch():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "demos", "train_nielsen_784.py"),
                        "--samples", "10000", "--epochs", "2"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    accuracies = [float(a) for a in re.findall(r"test accuracy[^0-9%]*([0-9.]+)%", r.stdout)]
    assert len(accuracies) == 3            # before training and after each epoch
    assert accuracies[-1] > 30.0 > accuracies[0]   # ten classes: chance is 10%
    assert "with the numpy backend" in r.stdout

"""What ``import autograd, nn`` costs in regular expressions: the formula reader's and
the name parser's patterns that only a check, a formula or a picture uses are compiled
on first use (autograd.patterns.lazy), and a lazy pattern answers as the compiled one."""

import copy
import os
import pickle
import re
import subprocess
import sys

import pytest

from autograd.patterns import lazy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COUNT = """\
import os, re, sys
compiled = []
real = re._compile
def counting(pattern, flags):
    caller = sys._getframe(2).f_code.co_filename
    compiled.append(caller)
    return real(pattern, flags)
re._compile = counting
import autograd, nn
re._compile = real
ours = [f for f in compiled if os.sep + "autograd" + os.sep in f or os.sep + "nn" + os.sep in f]
print(len(ours))
"""


def test_importing_compiles_only_the_patterns_every_name_read_uses():
    """import autograd, nn compiled 59 patterns (the LaTeX left-hand side, second
    derivatives, ...); the oracle is the count of re.compile calls made from autograd's
    and nn's files while importing, in a fresh interpreter."""
    r = subprocess.run([sys.executable, "-c", COUNT], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) <= 25, r.stdout


@pytest.mark.parametrize("method, args", [
    ("match", ("w3_11 + b",)), ("fullmatch", ("w3_11",)), ("search", ("a + w3_11",)),
    ("sub", ("<>", "w3_11 and w2_12")), ("subn", ("<>", "w3_11 and w2_12")),
    ("findall", ("w3_11 and w2_12",)), ("split", ("w3_11 and w2_12",)),
    ("finditer", ("w3_11 and w2_12",))])
def test_a_lazy_pattern_answers_as_the_compiled_one(method, args):
    """The oracle: re.compile's pattern, method by method, first call and second."""
    text = r"w(\d)_(\d+)"
    compiled, deferred = re.compile(text), lazy(text)
    assert deferred.pattern == text
    for _ in range(2):
        want, got = getattr(compiled, method)(*args), getattr(deferred, method)(*args)
        if method == "finditer":
            want, got = [m.span() for m in want], [m.span() for m in got]
        elif method in ("match", "fullmatch", "search"):
            want, got = want and want.groups(), got and got.groups()
        assert got == want


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy,
                                       lambda p: pickle.loads(pickle.dumps(p))])
@pytest.mark.parametrize("used_first", [False, True])
def test_a_copy_of_a_lazy_pattern_compiles_once_and_answers_as_the_compiled_one(duplicate,
                                                                               used_first):
    """The oracle: re.compile's pattern (case-blind, as the flags given say).  A copy made
    before first use called the original's methods, which compiled it on every call and
    left the copy's own as they were; after its first call the copy's methods are now the
    compiled pattern's."""
    text = r"w(\d)_(\d+)"
    original = lazy(text, re.IGNORECASE)
    if used_first:
        original.search("w1_2")
    twin = duplicate(original)
    for _ in range(2):
        assert twin.search("a W3_11").groups() == re.compile(text, re.I).search("a W3_11").groups()
    assert isinstance(twin.search.__self__, re.Pattern)
    assert (twin.pattern, twin.flags) == (text, re.IGNORECASE)

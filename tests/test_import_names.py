"""chainrule is imported as ``autograd`` and ``nn``, names other PyPI projects use too.

When another package answers to one of them, ``import nn`` and the
``chainrule`` command say which package was found and how to fix it.  Each
test puts a stand-in package first on PYTHONPATH of a fresh Python process
and reads what that process prints (the oracle is the stand-in's own path
and the documented fix, not chainrule's code).
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

import autograd
import nn
from chainrule import MARKER, require

FIX = "python -m venv .venv && .venv/bin/pip install "


def _package(root, name, source='"""someone else\'s package"""\n'):
    """A package ``name`` under ``root``: a folder with an ``__init__.py``."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(source)
    return folder / "__init__.py"


def _run(args, shadow, cwd):
    """Run ``args`` with ``shadow`` first on PYTHONPATH, outside the checkout (so the
    checkout's own folders are not on sys.path ahead of it)."""
    env = dict(os.environ, PYTHONPATH=str(shadow))
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def _console_script():
    script = Path(sys.executable).parent / "chainrule"
    if not script.exists():
        pytest.skip("the chainrule console script is not installed next to this Python")
    return str(script)


def test_chainrules_own_packages_pass_the_check():
    assert require("autograd") is autograd
    assert require("nn") is nn
    assert getattr(autograd, MARKER) is True and getattr(nn, MARKER) is True


def test_a_name_that_nothing_provides_says_chainrule_is_not_installed():
    with pytest.raises(ImportError, match="No module named 'no_such_chainrule_name'.*not installed"):
        require("no_such_chainrule_name")


def test_import_nn_with_another_autograd_first_names_it_and_the_fix(tmp_path):
    fake = _package(tmp_path / "shadow", "autograd")
    r = _run([sys.executable, "-c", "import nn"], tmp_path / "shadow", tmp_path)
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()
    error = "\n".join(last[-2:])
    assert last[-2].startswith("ImportError: `import autograd` in ")
    assert f"found another package, not chainrule's: {fake} " in error
    assert "no installed package owns it; if it is yours, rename it" in error
    assert FIX in error


def test_the_command_with_another_autograd_first_explains_instead_of_a_traceback(tmp_path):
    fake = _package(tmp_path / "shadow", "autograd")
    for command in ([_console_script(), "ops"], [sys.executable, "-m", "chainrule", "ops"]):
        r = _run(command, tmp_path / "shadow", tmp_path)
        assert r.returncode == 2, r.stderr
        assert r.stdout == ""
        assert "Traceback" not in r.stderr
        first, second = r.stderr.strip().splitlines()
        assert first.startswith("chainrule: `import autograd` in ")
        assert first.endswith(f"found another package, not chainrule's: {fake} (no installed "
                              f"package owns it; if it is yours, rename it).")
        assert FIX in second


def test_the_command_with_another_nn_first_names_nn(tmp_path):
    fake = _package(tmp_path / "shadow", "nn")
    r = _run([_console_script(), "ops"], tmp_path / "shadow", tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("chainrule: `import nn` in ")
    assert f"not chainrule's: {fake} " in r.stderr
    assert FIX in r.stderr


def test_another_nn_that_fails_to_import_is_still_named_with_its_error(tmp_path):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "nn.py").write_text("import tensorflow_that_is_not_here\n")
    r = _run([_console_script(), "ops"], shadow, tmp_path)
    assert r.returncode == 2
    assert f"not chainrule's: {shadow / 'nn.py'} " in r.stderr
    assert "importing it failed: No module named 'tensorflow_that_is_not_here'" in r.stderr


def test_a_package_installed_under_the_name_is_named_with_its_version(tmp_path):
    """A stand-in for HIPS autograd as pip installs it: the package and its
    .dist-info record (METADATA, RECORD, top_level.txt)."""
    shadow = tmp_path / "site"
    fake = _package(shadow, "autograd")
    info = shadow / "autograd-1.9.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.9.1\n")
    (info / "top_level.txt").write_text("autograd\n")
    (info / "RECORD").write_text(textwrap.dedent("""\
        autograd/__init__.py,,
        autograd-1.9.1.dist-info/METADATA,,
        autograd-1.9.1.dist-info/RECORD,,
        autograd-1.9.1.dist-info/top_level.txt,,
        """))
    r = _run([sys.executable, "-c", "import nn"], shadow, tmp_path)
    assert f"not chainrule's: {fake} (installed by autograd 1.9.1)." in r.stderr
    assert FIX in r.stderr
    r = _run([_console_script(), "--version"], shadow, tmp_path)
    assert r.returncode == 2
    assert "(installed by autograd 1.9.1)." in r.stderr


def test_with_the_names_free_the_command_runs(tmp_path):
    r = _run([_console_script(), "ops"], tmp_path, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].split()[:3] == ["add", "a+b", "add_backward"]


def test_the_fix_installs_chainrule_from_where_it_came_from(tmp_path):
    """The fix said `.venv/bin/pip install chainrule`, a name the package index does
    not have ('No matching distribution found for chainrule'); installed with
    `pip install -e .` from this checkout, it now names this checkout."""
    record = metadata.distribution("chainrule").read_text("direct_url.json")
    if not record or not json.loads(record).get("dir_info", {}).get("editable"):
        pytest.skip("chainrule is not installed here with pip install -e")
    root = Path(__file__).resolve().parent.parent
    _package(tmp_path / "shadow", "autograd")
    r = _run([sys.executable, "-c", "import nn"], tmp_path / "shadow", tmp_path)
    named = re.search(rf"{re.escape(FIX)}-e (.+?) \(", r.stderr)
    assert named and Path(named.group(1)).resolve() == root, r.stderr

"""What the distribution ships: one version (pyproject.toml's), the licence it
declares, every package folder and the PEP 561 ``py.typed`` markers; the wheel
holds the three packages and nothing else, the sdist every file of the checkout.

The oracle is pyproject.toml and the files in the checkout, read here as text
(``git ls-files`` for the checkout's files).
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import autograd
from autograd import version as version_module

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = (ROOT / "pyproject.toml").read_text()
TOP_LEVEL = ("autograd", "nn", "chainrule")


def _pyproject():
    tomllib = pytest.importorskip("tomllib")   # Python 3.11+
    return tomllib.loads(PYPROJECT)


def _declared_version():
    return re.search(r'^version = "([^"]+)"$', PYPROJECT, re.M).group(1)


def test_the_version_is_pyprojects_everywhere():
    try:
        installed = metadata.version("chainrule")
    except metadata.PackageNotFoundError:
        pytest.skip("chainrule's metadata is not installed (a bare checkout)")
    assert installed == _declared_version()
    assert autograd.__version__ == _declared_version()
    from autograd import __version__
    assert __version__ == _declared_version()
    r = subprocess.run([sys.executable, "-m", "chainrule", "--version"], capture_output=True,
                       text=True, timeout=60)
    assert r.stdout.strip() == f"chainrule {_declared_version()}"


def test_without_installed_metadata_the_version_says_unknown(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)
    monkeypatch.setattr(metadata, "version", not_installed)
    version_module.version.cache_clear()
    try:
        assert version_module.version() == "0+unknown"
    finally:
        version_module.version.cache_clear()


def test_no_version_number_is_written_in_the_code():
    number = re.escape(_declared_version())
    for package in TOP_LEVEL:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            assert not re.search(rf"""["']{number}["']""", text), path
            assert not re.search(r"^__version__\s*=", text, re.M), path


def test_autograd_still_reports_missing_attributes_and_finds_submodules():
    with pytest.raises(AttributeError, match="module 'autograd' has no attribute 'no_such_thing'"):
        autograd.no_such_thing
    from autograd import expr
    assert expr.__name__ == "autograd.expr"


def test_the_license_file_is_the_one_pyproject_declares():
    project = _pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "chainrule developers" in text.splitlines()[2]
    assert "WITHOUT WARRANTY OF ANY KIND" in text


def test_every_package_folder_ships_and_carries_py_typed():
    """A folder with an __init__.py that pyproject does not list would be left out of
    the wheel (autograd.commands once was)."""
    setuptools = _pyproject()["tool"]["setuptools"]
    found = sorted(".".join(p.parent.relative_to(ROOT).parts)
                   for package in TOP_LEVEL for p in (ROOT / package).rglob("__init__.py"))
    assert sorted(setuptools["packages"]) == found
    for package in TOP_LEVEL:
        assert (ROOT / package / "py.typed").is_file()
        assert setuptools["package-data"][package] == ["py.typed"]


def test_the_command_is_the_checking_entry_point():
    assert _pyproject()["project"]["scripts"] == {"chainrule": "chainrule:main"}


#: checkout files that are not chainrule's source: the CI script and git's own file
NOT_SOURCE = (".ci/", ".gitignore")


def _tracked_files():
    """The checkout's files as git lists them (less those deleted and not yet committed);
    skips outside a git checkout (an sdist)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: no list of the source's files to compare with")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [name for name in listed.stdout.decode().split("\0") if name and (ROOT / name).is_file()]


def _build(kind, tmp_path):
    """Build the ``kind`` ("sdist" or "wheel") of a copy of the checkout's files, as
    pip would (setuptools' PEP 517 hooks); the path of the archive."""
    pytest.importorskip("setuptools", minversion="77")   # pyproject's build requirement
    source, out = tmp_path / "source", tmp_path / "dist"
    for name in _tracked_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    hook = f"import sys; from setuptools import build_meta; print(build_meta.build_{kind}(sys.argv[1]))"
    built = subprocess.run([sys.executable, "-c", hook, str(out)], cwd=source, capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    return out / built.stdout.strip().splitlines()[-1]


def test_the_sdist_is_the_whole_source(tmp_path):
    """The sdist held setuptools' default pick: tests/test_*.py without conftest.py,
    graphs.py or tests/scripts/, and no docs/, demos/, benchmarks/ or Makefile, so
    its tests could not run and its README's links led nowhere."""
    with tarfile.open(_build("sdist", tmp_path)) as sdist:
        shipped = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    missing = [name for name in _tracked_files()
               if name not in shipped and not name.startswith(NOT_SOURCE)]
    assert not missing, f"the sdist leaves out {len(missing)} files: {missing[:10]}"


def test_the_wheel_ships_the_three_packages_and_nothing_else(tmp_path):
    """What lands in site-packages: autograd, nn and chainrule (every .py file of
    theirs and py.typed), and the dist-info; no tests, demos or benchmarks."""
    with zipfile.ZipFile(_build("wheel", tmp_path)) as wheel:
        shipped = [name for name in wheel.namelist() if ".dist-info/" not in name]
    expected = [name for name in _tracked_files() if name.split("/")[0] in TOP_LEVEL]
    assert sorted(shipped) == sorted(expected)


def test_the_metadata_names_the_pythons_the_suite_runs_on():
    """noxfile.py runs the suite on 3.10-3.13 and the README says so, but the
    classifiers named only 'Python :: 3', so an index could not tell which."""
    project = _pyproject()["project"]
    tested = re.findall(r'"(3\.\d+)"', re.search(r"^PYTHONS = \[(.*)\]$", (ROOT / "noxfile.py").read_text(),
                                                  re.M).group(1))
    assert project["requires-python"] == f">={tested[0]}"
    named = [c.removeprefix("Programming Language :: Python :: ") for c in project["classifiers"]
             if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert named == tested
    assert "Programming Language :: Python :: 3 :: Only" in project["classifiers"]


def _requires_python():
    """(3, 10) for requires-python = ">=3.10"."""
    return tuple(map(int, re.search(r'^requires-python = ">=(\d+)\.(\d+)"', PYPROJECT, re.M).groups()))


def _older_python():
    """A Python 3 older than requires-python on this machine (pyenv's), or skip."""
    floor = _requires_python()
    root = Path(subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
                if shutil.which("pyenv") else Path.home() / ".pyenv")
    for candidate in sorted((root / "versions").glob("3.*/bin/python")):
        version = tuple(map(int, candidate.parent.parent.name.split(".")[:2]))
        if version < floor:
            return candidate, version
    pytest.skip(f"no Python older than {floor} here to try")


def test_make_refuses_a_python_older_than_requires_python(tmp_path):
    """`make demo` with an old python3 made .venv with it, then pip refused to install
    chainrule there; run again with PYTHON=python3.11, make kept the old .venv and pip
    refused again, with nothing saying to remove it.  Now no .venv is made."""
    if shutil.which("make") is None:
        pytest.skip("no make")
    old, version = _older_python()
    for name in ("Makefile", "pyproject.toml", "tools"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, tmp_path / name)
    # run as a make of its own, not a sub-make of `make test` (whose level would show as make[1])
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    made = subprocess.run(["make", "--no-print-directory", "demo", f"PYTHON={old}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env=env)
    assert made.returncode != 0
    assert not (tmp_path / ".venv").exists()
    said = [line for line in made.stdout.splitlines() + made.stderr.splitlines()
            if not re.match(r"make(\[\d+\])?: ", line)]
    floor = ".".join(map(str, _requires_python()))
    assert said == [f"chainrule needs Python {floor} or newer, and {old} is {version[0]}.{version[1]}: "
                    f"name a newer one, as in make demo PYTHON=python3.12"], said

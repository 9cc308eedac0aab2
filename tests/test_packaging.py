"""What the distribution ships: one version (pyproject.toml's), the licence it
declares, every package folder and the PEP 561 ``py.typed`` markers.

The oracle is pyproject.toml and the files in the checkout, read here as text.
"""

import re
import subprocess
import sys
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

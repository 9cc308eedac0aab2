"""Every ```python block in the README runs as written (in order, one namespace each)."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(BLOCKS[index], f"README.md block {index + 1}", "exec"), {"__name__": "__readme__"})


# ```py blocks quote the project's own source: each part after a "# <path>" line
# must appear in that file as written (so the README cannot go stale)
EXCERPTS = re.findall(r"```py\n(# (?:autograd|nn)/.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("index", range(len(EXCERPTS)))
def test_readme_excerpt_is_the_source(index):
    import textwrap
    root = README.parent
    parts = re.split(r"^# (autograd/\S+|nn/\S+)(?:, .*)?$", EXCERPTS[index], flags=re.M)
    for path, text in zip(parts[1::2], parts[2::2]):
        source = (root / path).read_text(encoding="utf-8")
        chunk = textwrap.dedent(text).strip()
        assert chunk in textwrap.dedent(source) or all(
            line.strip() in source for line in chunk.splitlines()), f"{path} no longer has:\n{chunk}"

"""The documentation runs: every ```python block of README.md and docs/*.md,
in order, one namespace per block, in a fresh folder; ```py blocks that quote
the project's source must still be its source."""

import pathlib
import re
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def _blocks(pattern):
    found = []
    for doc in DOCUMENTS:
        for i, block in enumerate(re.findall(pattern, doc.read_text(encoding="utf-8"), re.S), 1):
            found.append(pytest.param(doc, block, id=f"{doc.name}-{i}"))
    return found


@pytest.mark.parametrize("doc, block", _blocks(r"```python\n(.*?)```"))
def test_documentation_block_runs(doc, block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(block, f"{doc.name} block", "exec"), {"__name__": "__readme__"})


# ```py blocks that start with "# autograd/..." or "# nn/..." quote the project's own
# source: each part after such a line must appear in that file as written
@pytest.mark.parametrize("doc, block", _blocks(r"```py\n(# (?:autograd|nn)/.*?)```"))
def test_documentation_excerpt_is_the_source(doc, block):
    parts = re.split(r"^# ((?:autograd|nn)/\S+)(?:, .*)?$", block, flags=re.M)
    for path, text in zip(parts[1::2], parts[2::2]):
        source = (ROOT / path).read_text(encoding="utf-8")
        chunk = textwrap.dedent(text).strip()
        assert chunk in textwrap.dedent(source) or all(
            line.strip() in source for line in chunk.splitlines()), f"{path} no longer has:\n{chunk}"

"""The documentation runs, and says what it prints.

README.md and every docs/*.md are read, and their fenced blocks are held to
these conventions (the documents follow them; a new document gets the same
checks by being a docs/*.md file):

1. Every ```python block runs on its own: in a fresh temporary folder, in a
   namespace of its own (so each block imports what it uses), with
   ``__name__ == "__readme__"``.  What it prints is captured.

   - ``# → TEXT`` at the end of a line states what the block prints: TEXT
     must occur in the block's output.  ``...`` in TEXT stands for anything
     (the pieces between ``...`` must occur in that order), and runs of
     whitespace count as one space.  A number at either end is whole: ``3`` is not
     in ``13`` or ``30``, but a number with a point may stop early, at the digits
     shown: ``print(w1.grad)  # → 0.00142918810220``
   - A block whose first line is ``# file: NAME`` is also written to NAME in
     the document's *shared folder*, for the shell commands that follow it in
     the same document (``chainrule explain desmos.py --wrt w1``).
   - A block that imports an optional extra that is not installed (PyTorch)
     is skipped, naming it.

2. A ```text output block shows what the ```python block before it prints:
   each of its lines must occur in that output, in order, read as in 1
   (``...`` stands for anything, whitespace runs count as one space).  A line
   that is only ``...`` stands for lines left out.

3. ```sh and ```console blocks: every command that starts with
   ``chainrule `` or pipes into it (``printf 'c\\n' | chainrule step x.py``;
   a console block's ``$ `` prompt is not part of the command) is run with
   bash, in order, in the document's shared folder (which has the files of
   1 and a link to demos/, so ``demos/_pdb_example.py`` works).  ``chainrule``
   is the console script installed next to this Python (``sys.executable``).
   A command must exit with 0 unless its comment says ``# exit N``.  In a
   ```console block the lines after a command, up to the next ``$ `` line,
   are what it prints (stdout and stderr), checked as in 2, and the first of
   them is how its output starts (a block that leaves out the first lines
   starts with ``...``), as a reader of the terminal sees it.  Other commands
   (``make demo``, ``python ...``) are not run here.

4. ```py blocks that start with ``# autograd/...`` or ``# nn/...`` quote the
   project's source: each part must still be in that file.

5. Links to files and anchors resolve, no two headings of a document share
   an anchor, README.md stays a front door (at most 250 lines), public
   documents name the worked examples by what they are, the README's speed
   table is one run of benchmarks/RESULTS.md, and docs/engine.md's layout
   lists every module.

The pdb sessions shown in the docs (``(Pdb)`` prompts) are run by test_pdb.py.
"""

import contextlib
import io
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)
ARROW = re.compile(r"#\s*→\s?(.*)$")
FILE_LINE = re.compile(r"^# file: (\S+)\s*$")
#: a block that imports one of these and cannot is skipped (they are optional extras)
OPTIONAL_EXTRAS = {"torch"}


# ---------------------------------------------------------------------------
# Reading the documents
# ---------------------------------------------------------------------------

def fences(doc):
    """[(info string, body)] of every fenced block of ``doc``, in order."""
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(doc.read_text(encoding="utf-8"))]


def language(info):
    return info.split()[0] if info else ""


def python_blocks(doc):
    """[(index, source, [output blocks after it])] for each ```python block of ``doc``."""
    found = []
    for info, body in fences(doc):
        if language(info) == "python":
            found.append((len(found) + 1, body, []))
        elif info.split() == ["text", "output"]:
            assert found, f"{doc.name}: a ```text output block with no ```python block before it"
            found[-1][2].append(body)
    return found


def file_name(source):
    """NAME for a block whose first line is ``# file: NAME``, else None."""
    match = FILE_LINE.match(source.split("\n", 1)[0])
    return match.group(1) if match else None


def _is_chainrule(command):
    return command.startswith("chainrule ") or re.search(r"\|\s*chainrule ", command) is not None


def commands(info, body):
    """[(command, [expected output lines])] that rule 3 runs, from one shell block."""
    lang, found = language(info), []
    if lang == "sh":
        return [(line.strip(), []) for line in body.splitlines() if _is_chainrule(line.strip())]
    if lang != "console":
        return []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append([line[2:].strip(), []])
        elif found:
            found[-1][1].append(line)
    return [(command, shown) for command, shown in found if _is_chainrule(command)]


def doc_params(select):
    params = []
    for doc in DOCUMENTS:
        for item in select(doc):
            params.append(pytest.param(doc, *item[1:], id=f"{doc.name}-{item[0]}"))
    return params


# ---------------------------------------------------------------------------
# Matching shown output against real output
# ---------------------------------------------------------------------------

def squash(text):
    return " ".join(text.split())


def starts_as_shown(shown_lines, output, where):
    """The first shown line (up to a ``...`` in it) is how ``output`` starts, unless
    the lines shown start with ``...``; AssertionError naming both first lines."""
    if not shown_lines:
        return
    first = squash(shown_lines[0].split("...", 1)[0])
    assert squash(output).startswith(first), (
        f"{where}: its output starts {output.strip().splitlines()[0]!r}, but the document's first "
        f"line for it is {shown_lines[0].strip()!r} (start with '...' to leave lines out)")


def find_whole(text, piece, position, left, right):
    """Where ``piece`` occurs in ``text`` from ``position``, a number at its ``left`` or
    ``right`` edge not cut from a longer one: ``3`` is not in ``13`` or ``30`` (a number
    with a point may stop early, its digits shown: ``0.00142918810220`` is in
    ``0.0014291881022047``); -1 when nowhere."""
    whole = re.search(r"\d+$", piece) if right and "." not in piece.split()[-1] else None
    found = text.find(piece, position)
    while found >= 0:
        before, after = text[found - 1:found] if found else "", text[found + len(piece):][:1]
        cut = (left and piece[0].isdigit() and (before.isdigit() or before == ".")) or \
            (whole is not None and after.isdigit())
        if not cut:
            return found
        found = text.find(piece, found + 1)
    return -1


def find_shown(shown_lines, output, where):
    """Each shown line (``...`` = anything) occurs in ``output``, in order, the numbers at
    its ends whole; AssertionError naming the first one that does not."""
    text, position = squash(output), 0
    for line in shown_lines:
        pieces = [squash(p) for p in line.split("...")]
        for i, piece in enumerate(pieces):
            if not piece:
                continue
            found = find_whole(text, piece, position, i == 0, i == len(pieces) - 1)
            assert found >= 0, (f"{where}: shows {line.strip()!r}, but {piece!r} is not in what "
                                f"it prints (after the lines before it):\n{output}")
            position = found + len(piece)


def arrow_claims(source):
    """The ``# → TEXT`` claims of a python block, in order."""
    return [m.group(1).rstrip() for m in map(ARROW.search, source.splitlines()) if m]


def chainrule_bin():
    script = pathlib.Path(sys.executable).parent / ("chainrule.exe" if os.name == "nt" else "chainrule")
    if not script.exists():
        pytest.skip(f"no chainrule console script next to {sys.executable} (pip install -e .)")
    return script


# ---------------------------------------------------------------------------
# 1 and 2: python blocks
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("doc, block, outputs", doc_params(python_blocks))
def test_documentation_block_runs_and_prints_what_it_says(doc, block, outputs, tmp_path,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            exec(compile(block, f"{doc.name} block", "exec"), {"__name__": "__readme__"})
        except ModuleNotFoundError as missing:
            if missing.name not in OPTIONAL_EXTRAS:
                raise
            pytest.skip(f"{doc.name}: this block needs {missing.name}, an optional extra")
    output = printed.getvalue()
    for claim in arrow_claims(block):
        find_shown([claim], output, f"{doc.name}: the comment '# → {claim}'")
    for shown in outputs:
        find_shown(shown.splitlines(), output, f"{doc.name}: the text output block")


# ---------------------------------------------------------------------------
# 3: shell commands, per document, in order, in one shared folder
# ---------------------------------------------------------------------------

def shell_steps(doc):
    """[(kind, ...)] for a document: ('file', name, source) and ('run', command, shown) in order."""
    steps = []
    for info, body in fences(doc):
        if language(info) == "python" and file_name(body):
            steps.append(("file", file_name(body), body))
        for command, shown in commands(info, body):
            steps.append(("run", command, shown))
    return steps


def _docs_with_commands():
    return [pytest.param(doc, id=doc.name) for doc in DOCUMENTS
            if any(kind == "run" for kind, *_ in shell_steps(doc))]


def expected_status(command):
    match = re.search(r"#.*\bexit (\d+)", command)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("doc", _docs_with_commands())
def test_documented_commands_run_and_print_what_they_say(doc, tmp_path):
    bin_dir = chainrule_bin().parent
    (tmp_path / "demos").symlink_to(ROOT / "demos", target_is_directory=True)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("PYTHONBREAKPOINT", None)
    ran = 0
    for kind, name, body in shell_steps(doc):
        if kind == "file":
            (tmp_path / name).write_text(body, encoding="utf-8")
            continue
        result = subprocess.run(["bash", "-c", name], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=180)
        output = result.stdout + result.stderr
        where = f"{doc.name}: `{name}`"
        assert result.returncode == expected_status(name), f"{where} exited {result.returncode}:\n{output}"
        starts_as_shown(body, output, where)
        find_shown(body, output, where)
        ran += 1
    assert ran


# ---------------------------------------------------------------------------
# 4: quoted source
# ---------------------------------------------------------------------------

def _excerpts(doc):
    return [(i, body) for i, (info, body) in enumerate(fences(doc), 1)
            if language(info) == "py" and re.match(r"# (?:autograd|nn)/", body)]


@pytest.mark.parametrize("doc, block", doc_params(_excerpts))
def test_documentation_excerpt_is_the_source(doc, block):
    parts = re.split(r"^# ((?:autograd|nn)/\S+)(?:, .*)?$", block, flags=re.M)
    for path, text in zip(parts[1::2], parts[2::2]):
        source = (ROOT / path).read_text(encoding="utf-8")
        chunk = textwrap.dedent(text).strip()
        assert chunk in textwrap.dedent(source) or all(
            line.strip() in source for line in chunk.splitlines()), f"{path} no longer has:\n{chunk}"


def test_adding_an_op_quotes_the_source():
    assert _excerpts(ROOT / "docs" / "adding-an-op.md"), "docs/adding-an-op.md quotes no source"


# ---------------------------------------------------------------------------
# 5: the documents as a whole
# ---------------------------------------------------------------------------

def anchor(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'
    (an underscore inside a word, as in `no_grad`, is kept; one of _emphasis_ goes)."""
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def headings(doc):
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    return [m.group(1) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.name)
def test_headings_have_distinct_anchors(doc):
    anchors = [anchor(h) for h in headings(doc)]
    twice = sorted({a for a in anchors if anchors.count(a) > 1})
    assert not twice, f"{doc.name}: headings share the anchors {twice}"


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.name)
def test_links_and_pictures_resolve(doc):
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, fragment = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        assert file.exists(), f"{doc.name} links to {target}: no such file"
        if fragment:
            assert fragment in [anchor(h) for h in headings(file)], \
                f"{doc.name} links to {target}: {file.name} has no heading with that anchor"


def test_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; the manual goes in docs/"
    for name in ["engine", "networks", "drawing", "check-and-explain", "stepping", "jit",
                 "higher-order", "benchmarks", "worked-examples", "adding-an-op"]:
        assert (ROOT / "docs" / f"{name}.md").exists()
        assert f"docs/{name}.md" in "\n".join(lines), f"README.md does not link docs/{name}.md"


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.name)
def test_worked_examples_are_named_by_what_they_are(doc):
    text = doc.read_text(encoding="utf-8")
    internal = re.findall(r"\bseed[ _-]?0\d\d\b|\bseed0\d\d|SEED_000|names=\"seed\"", text, re.I)
    assert not internal, f"{doc.name} names worked examples by internal numbers: {internal}"


def speed_rows(readme):
    """[(workload number, contender, time)] of the README's speed table: a row whose first
    cell names "workload N" starts that workload's rows."""
    section = readme.split("\n## Speed", 1)[1].split("\n## ", 1)[0]
    rows, workload = [], None
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or set(cells[1]) <= set("-: "):
            continue
        found = re.search(r"workload (\d+)", cells[0])
        workload = found.group(1) if found else workload
        if workload is not None:
            rows.append((workload, cells[1].strip("* "), cells[2].strip("* ")))
    return rows


def test_speed_table_is_one_run_of_results():
    """Every row of the README's speed table is a row of benchmarks/RESULTS.md (the same
    contender and time, in the workload the row names), stamped with that run's date,
    Python and CPU."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## Workload (\d+)[^\n]*\n(.*?)(?=^## |\Z)", results, re.S | re.M))
    stamp = [re.search(rf"^- {key}: (?:CPython )?([^\s(]+(?: [A-Z]+)*)", results, re.M).group(1)
             for key in ("Date", "Python", "CPU")]
    caption = re.search(r"^From \[benchmarks/RESULTS\.md\][^\n]*(?:\n[^\n|]+)*", readme, re.M)
    assert caption, "the speed table needs its caption: From [benchmarks/RESULTS.md](...), date, machine"
    for value in stamp:
        assert value in squash(caption.group(0)), f"the speed table's caption must say {value!r}"
    rows = speed_rows(readme)
    assert len(rows) >= 8, f"the README's speed table went missing: {rows}"
    for workload, contender, time in rows:
        lines = [line.replace("*", "") for line in sections[workload].splitlines()
                 if line.startswith("|") and line.split("|")[1].strip("* ") == contender]
        assert any(f" {time} " in line for line in lines), \
            f"README: '{contender}' in workload {workload} takes {time}; RESULTS.md says {lines}"


def test_layout_lists_every_module():
    """docs/engine.md's Layout block names every module of autograd/ and nn/ (by its path
    inside the package, e.g. ``commands/step.py``) under its package's line."""
    text = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
    layout = fences_of(text.split("\n## Layout", 1)[1])[0]
    parts = re.split(r"^(autograd|nn)/\s*$", layout, flags=re.M)
    listed = dict(zip(parts[1::2], parts[2::2]))
    for package in ("autograd", "nn"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT / package).as_posix()
            if path.name != "__init__.py":
                assert re.search(rf"^\s+{re.escape(module)}\s", listed.get(package, ""), re.M), \
                    f"docs/engine.md's layout does not list {package}/{module} with its job"


def fences_of(text):
    return [m.group(2) for m in FENCE.finditer(text)]


@pytest.mark.parametrize("doc, block, outputs", doc_params(python_blocks))
def test_printed_numbers_in_comments_are_checked_claims(doc, block, outputs):
    """A number in a comment on a print line is written as a claim (``# → 0.0143``), so
    that rule 1 checks it; a bare ``print(x)  # 0.0143`` would be checked by nobody."""
    bare = [line.strip() for line in block.splitlines()
            if re.match(r"\s*print\(", line) and re.search(r"#\s*[-−]?\d", line)]
    assert not bare, f"{doc.name}: write '# → NUMBER' to have these checked: {bare}"


def test_engine_md_shows_the_backward_pass_that_runs():
    """docs/engine.md quotes ``backward_pass`` as it is in autograd/engine.py, line for line."""
    import inspect
    from autograd import engine
    text = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
    assert inspect.getsource(engine.backward_pass).strip() in text


def _modules_with_examples():
    """Every module of autograd and nn whose docstrings hold ``>>>`` examples."""
    found = []
    for package in ("autograd", "nn"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if ">>>" in path.read_text(encoding="utf-8"):
                module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                found.append(module.removesuffix(".__init__"))
    return found


@pytest.mark.parametrize("module", _modules_with_examples())
def test_the_examples_in_docstrings_print_what_they_show(module):
    """The ``>>>`` examples of the modules' docstrings run as written and print what
    they show (doctest): torch_bridge's used a ``net`` it never made, and names.py's
    showed a LaTeX backslash that its repr doubles."""
    import doctest
    import importlib
    if module == "nn.torch_bridge":
        pytest.importorskip("torch")
    result = doctest.testmod(importlib.import_module(module), verbose=False, report=False,
                             optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0, f"{module}: {result.failed} of {result.attempted} examples failed"


@pytest.mark.parametrize("shown, output, held", [
    ("3", "Adam(13 parameters) 30", False),         # neither 13 nor 30 is 3
    ("0.5", "w = 10.5", False),
    ("... 3", "steps: 31", False),
    ("t = 3", "t = 3", True),
    ("0.00142918810220", "0.0014291881022047224", True),  # a float to the digits shown
    ("4", "4.0", True),
    ("1... parameters", "13 parameters", True)])    # '...' stands for the rest of a number
def test_a_number_shown_is_not_part_of_a_longer_one(shown, output, held):
    """A '# → 3' claim held for output '13' or '30', the shown text being only a substring.
    Oracle: by hand, which of these outputs show the number as written."""
    if held:
        find_shown([shown], output, "here")
    else:
        with pytest.raises(AssertionError, match="is not in what it prints"):
            find_shown([shown], output, "here")

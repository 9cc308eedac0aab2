"""Where ``chainrule draw --out``, ``chainrule step --out/--frames/--html`` and the
stepper's ``g PATH`` write, as their ``--help`` says: a path ending in a known
extension is a file, an existing folder or a path ending in / is a folder, ``-`` is
stdout where one file is written, and anything else is refused in one line before
the script runs."""

import html
import os
import subprocess
import sys

import pytest

from test_draw_cli_grads import node_grads

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAINRULE = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())"]

#: micrograd's first example; by hand, L = (a·b + c)·f: ∂L/∂a = b·f = 6, ∂L/∂b = a·f = -4,
#: ∂L/∂c = f = -2, ∂L/∂f = a·b + c = 4, ∂L/∂e = ∂L/∂d = f = -2
SCRIPT = """\
import pathlib
pathlib.Path(__file__).with_name("ran").touch()
from autograd import Value
a = Value(2.0, label="a"); b = Value(-3.0, label="b"); c = Value(10.0, label="c")
e = a*b; e.label = "e"
d = e + c; d.label = "d"
f = Value(-2.0, label="f")
L = d * f; L.label = "L"
print("the script's own print")
L.backward()
"""
HAND = {"a": "grad 6", "b": "grad -4", "c": "grad -2", "f": "grad 4", "e": "grad -2",
        "d": "grad -2", "L": "grad 1"}


def chainrule(tmp_path, *args, stdin=""):
    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([*CHAINRULE, *args[:1], str(script), *args[1:]], input=stdin.encode(),
                          capture_output=True, cwd=tmp_path, env=env, timeout=120)


def refused(r, *words):
    """Exit 2, one line on stderr naming ``words``, and the script never ran."""
    err = r.stderr.decode().removeprefix("the script's own print\n")
    assert r.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert all(word in err for word in words), err
    return True


def test_draw_out_with_an_extension_it_cannot_write_is_refused(tmp_path):
    """--out pic.jpg wrote pic.jpg.png."""
    r = chainrule(tmp_path, "draw", "--out", "pic.jpg")
    assert refused(r, "--out pic.jpg", ".jpg", ".png, .svg or .pdf")
    assert sorted(os.listdir(tmp_path)) == ["learner.py"]


def test_draw_out_an_existing_folder_is_a_folder_whatever_its_name(tmp_path):
    """An existing folder named x.svg got learner.svg, an SVG, instead of the default PNG."""
    (tmp_path / "x.svg").mkdir()
    r = chainrule(tmp_path, "draw", "--out", "x.svg")
    assert r.returncode == 0 and r.stdout.decode().endswith("wrote x.svg/learner.png\n")
    assert (tmp_path / "x.svg" / "learner.png").read_bytes().startswith(b"\x89PNG")


def test_draw_out_dash_writes_the_picture_to_stdout(tmp_path):
    """--out - wrote a file named -.png; now stdout is the SVG (the hand-derived grads on
    its nodes) and the script's own print goes to stderr."""
    r = chainrule(tmp_path, "draw", "--out", "-", "--format", "svg")
    assert r.returncode == 0, r.stderr
    svg = r.stdout.decode()
    assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
    assert node_grads(svg) == HAND
    assert r.stderr.decode() == "the script's own print\n"
    assert sorted(os.listdir(tmp_path)) == ["learner.py", "ran"]


def test_step_out_a_picture_file_is_the_one_each_g_replaces(tmp_path):
    """--out pic.svg made a folder pic.svg and wrote PNGs into it."""
    r = chainrule(tmp_path, "step", "--out", "pic.svg", stdin="g\nn\ng\nq\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().count("graph: pic.svg\n") == 2
    svg = html.unescape((tmp_path / "pic.svg").read_text())
    assert "step 1/3: L = d × f = -8" in svg             # the second g's picture
    grads = node_grads(svg)
    assert grads["f"] == HAND["f"] and grads["d"] == HAND["d"] and grads["a"] == "grad ?"


def test_step_out_and_frames_that_cannot_be_what_they_name_are_refused(tmp_path):
    for args, words in [(("--out", "pic.svg", "--format", "png"), ("--out pic.svg", "--format")),
                        (("--out", "pic.gif"), ("--out pic.gif", ".gif")),
                        (("--out", "-"), ("--out -", "folder")),
                        (("--frames", "f.png"), ("--frames f.png", "folder")),
                        (("--html", "page.png"), ("--html page.png", ".html"))]:
        assert refused(chainrule(tmp_path, "step", *args, stdin="c\n"), *words)
        assert sorted(os.listdir(tmp_path)) == ["learner.py"], args
    (tmp_path / "afile").write_text("")                 # no extension: a folder, but a file
    assert refused(chainrule(tmp_path, "step", "--out", "afile", stdin="g\n"),
                   "--out afile is a file", "folder")
    assert not (tmp_path / "ran").exists()


def test_step_html_takes_a_file_a_folder_or_stdout(tmp_path):
    """--html out/ was refused, --html page wrote a file without an extension, and
    --html - wrote a file named -."""
    for given, written in [("out/", "out/learner.html"), ("page", "page.html"),
                           ("p.html", "p.html")]:
        r = chainrule(tmp_path, "step", "--html", given)
        assert r.returncode == 0 and r.stdout.decode().startswith(f"wrote {written}: "), r.stderr
        assert (tmp_path / written).read_text().startswith("<!DOCTYPE html>")
    r = chainrule(tmp_path, "step", "--html", "-")
    assert r.returncode == 0 and r.stdout.decode().startswith("<!DOCTYPE html>")
    assert r.stderr.decode() == "the script's own print\n"
    assert not (tmp_path / "-").exists() and not (tmp_path / "-.html").exists()


def test_g_into_a_folder_numbers_the_picture_and_refuses_other_formats(tmp_path):
    """g pics/ was refused as a folder; g pic.jpg wrote pic.jpg.png."""
    r = chainrule(tmp_path, "step", stdin="h\nn\ng pics/\ng pic.jpg\n")
    assert "(PATH: a file ending in .png, .svg or .pdf, or a folder)" in r.stdout.decode()
    assert r.stdout.decode().count("graph: pics/chainrule_step_001.png\n") == 1
    assert (tmp_path / "pics" / "chainrule_step_001.png").read_bytes().startswith(b"\x89PNG")
    err = r.stderr.decode().removeprefix("the script's own print\n")
    assert r.returncode == 2 and err.count("\n") == 1 and "g pic.jpg" in err and ".jpg" in err
    assert not (tmp_path / "pic.jpg.png").exists()


def test_the_help_says_what_a_path_names(tmp_path):
    for command, option in [("draw", "--out"), ("step", "--out"), ("step", "--html")]:
        env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="200")
        text = subprocess.run([*CHAINRULE, command, "--help"], capture_output=True, text=True,
                              env=env, timeout=60).stdout
        said = " ".join(text.split()).split(f" {option} PATH ")[-1].split(" --")[0]
        assert "folder" in said and "ending in /" in said, (command, said)


def test_a_tilde_no_shell_expanded_is_the_home_folder(tmp_path):
    """--out=~/pics/g.svg (no shell expands ~ after =) made a folder named ~ in the
    current one; the stepper's g ~/pic already took ~ as the home folder."""
    home = tmp_path / "home"
    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT, HOME=str(home))
    for args in (["draw", str(script), "--out=~/pics/g.svg"],
                 ["step", str(script), "--html=~/pics/", "--max-nodes=50"]):
        r = subprocess.run([*CHAINRULE, *args], capture_output=True, cwd=tmp_path, env=env,
                           timeout=120)
        assert r.returncode == 0, r.stderr
    assert node_grads((home / "pics" / "g.svg").read_text()) == HAND
    assert (home / "pics" / "learner.html").read_text().startswith("<!DOCTYPE html>")
    assert not (tmp_path / "~").exists()


def test_a_file_where_a_folder_should_be_is_named(tmp_path):
    """--out afile/x.png, with afile a file, said "cannot write afile: File exists"."""
    (tmp_path / "afile").write_text("")
    for args, stdin, target in [(("draw", "--out", "afile/x.png"), "", "afile/x.png"),
                                (("step", "--html", "afile/x.html"), "", "afile/x.html"),
                                (("step",), "g afile/y/z.svg\n", "afile/y/z.svg")]:
        r = chainrule(tmp_path, *args, stdin=stdin)
        err = r.stderr.decode().removeprefix("the script's own print\n")
        assert r.returncode == 2 and err == (f"chainrule {args[0]}: cannot write {target}: "
                                             f"afile is a file, not a folder\n"), err


def test_frames_left_from_a_longer_pass_are_named(tmp_path):
    """--frames into a folder holding step_001 ... step_009 of an earlier, longer pass
    said only "one picture per step: fr/step_001.png ... fr/step_003.png" (L = (a·b + c)·f
    has 3 derived nodes, so 3 steps), and slides made from the folder showed 4 to 9."""
    (tmp_path / "fr").mkdir()
    for i in range(1, 10):
        (tmp_path / "fr" / f"step_{i:03d}.png").write_bytes(b"")
    r = chainrule(tmp_path, "step", "--frames", "fr", stdin="c\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines()[-1] == (
        "one picture per step: fr/step_001.png ... fr/step_003.png (the folder also holds "
        "step_004.png ... step_009.png from an earlier pass)")
    assert (tmp_path / "fr" / "step_003.png").read_bytes().startswith(b"\x89PNG")


def test_draw_out_dash_refuses_png_bytes_to_a_terminal(tmp_path, monkeypatch, capsys):
    """--out - with a terminal for stdout would print a PNG's bytes on it: refused in one
    line before the script runs (SVG, text, is written)."""
    import io

    from autograd.cli import main

    class Terminal(io.TextIOWrapper):
        def isatty(self):
            return True

    script = tmp_path / "learner.py"
    script.write_text(SCRIPT)
    monkeypatch.setattr(sys, "stdout", Terminal(io.BytesIO(), encoding="utf-8"))
    assert main(["draw", str(script), "--out", "-"]) == 2
    assert capsys.readouterr().err == ("chainrule draw: --out - would write PNG bytes to the "
                                       "terminal: redirect it (> graph.png), or give --format "
                                       "svg\n")
    assert not (tmp_path / "ran").exists()
    assert main(["draw", str(script), "--out", "-", "--format", "svg"]) == 0
    sys.stdout.flush()
    assert sys.stdout.buffer.getvalue().lstrip().startswith(b"<?xml")


def test_an_empty_output_path_is_refused_before_the_script_runs(tmp_path):
    """--html "" ran the stepper in the terminal instead of writing a page, --frames ""
    stepped to the end and then said 'cannot write : No such file...', and draw --out ""
    wrote next to the script as if no --out were given: each is now one usage line."""
    for args in [("step", "--html", ""), ("step", "--frames", ""), ("step", "--out", ""),
                 ("draw", "--out", ""), ("draw", "--out", "  ")]:
        option = args[1]
        assert refused(chainrule(tmp_path, *args, stdin="c\n"), f"argument {option}",
                       "takes a path"), args
        assert sorted(os.listdir(tmp_path)) == ["learner.py"], args


def test_a_picture_path_in_capitals_is_written_as_given(tmp_path):
    """--out X.PNG wrote X.png, and the stepper's g pic.SVG wrote pic.svg: as Graphviz's
    own -o does, the extension picks the format whatever its case and the file is the
    one named (the oracle: its bytes are a PNG, resp. an SVG with the hand-derived grads)."""
    r = chainrule(tmp_path, "draw", "--out", "X.PNG")
    assert r.returncode == 0 and r.stdout.decode().endswith("wrote X.PNG\n"), r.stderr
    assert (tmp_path / "X.PNG").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    r = chainrule(tmp_path, "step", stdin="n\nn\ng pic.SVG\nc\n")
    assert r.returncode == 0 and "graph: pic.SVG\n" in r.stdout.decode(), r.stderr
    after_two_steps = dict(HAND, a="grad ?", b="grad ?")      # e's step comes third
    assert node_grads(html.unescape((tmp_path / "pic.SVG").read_text())) == after_two_steps
    assert sorted(os.listdir(tmp_path)) == ["X.PNG", "learner.py", "pic.SVG", "ran"]


def test_a_device_is_written_to_as_given(tmp_path):
    """--out /dev/null wrote /dev/null.png (and --html /dev/null /dev/null.html), a file
    beside the device; a FIFO named as --out is now the one the picture goes to (the
    oracle: what a reader of the FIFO gets is the SVG with the hand-derived grads)."""
    import threading
    for args in [("draw", "--out", os.devnull), ("draw", "--out", os.devnull, "--format", "svg"),
                 ("step", "--html", os.devnull), ("step", "--out", os.devnull)]:
        r = chainrule(tmp_path, *args, stdin="g\nc\n")
        assert r.returncode == 0, (args, r.stderr)
        assert not os.path.exists(os.devnull + ".png") and not os.path.exists(
            os.devnull + ".html") and not os.path.exists(os.devnull + ".svg"), args
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    r = chainrule(tmp_path, "draw", "--out", str(fifo), "--format", "svg")
    reader.join(60)
    assert r.returncode == 0 and r.stdout.decode().endswith(f"wrote {fifo}\n"), r.stderr
    assert node_grads(got[0]) == HAND


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout here")
def test_dev_stdout_is_the_output_whatever_stdout_is(tmp_path):
    """Oracle: the SVG with the hand-derived grads, nothing after its closing tag, and
    the folder's listing.  --out /dev/stdout and --html /dev/stdout wrote 'wrote
    /dev/stdout' after the picture or page into the same stream, and with stdout
    redirected to a file (a regular file behind /dev/stdout) wrote /dev/stdout.svg and
    /dev/stdout.html beside the device."""
    for args, end in [(("draw", "--out", "/dev/stdout", "--format", "svg"), "</svg>\n"),
                      (("step", "--html", "/dev/stdout"), "</html>\n")]:
        r = chainrule(tmp_path, *args)
        assert r.returncode == 0 and r.stdout.decode().endswith(end), (args, r.stderr)
        script = tmp_path / "learner.py"
        with open(tmp_path / "out.txt", "wb") as stdout:
            r = subprocess.run([*CHAINRULE, args[0], str(script), *args[1:]], stdout=stdout,
                               stderr=subprocess.PIPE, cwd=tmp_path, timeout=120,
                               env=dict(os.environ, PYTHONPATH=ROOT))
        text = (tmp_path / "out.txt").read_text()
        assert r.returncode == 0 and text.endswith(end), (args, r.stderr, text[-200:])
        if args[0] == "draw":
            assert node_grads(text) == HAND
            with open(tmp_path / "out.txt", "w") as log:
                log.write("a log line\n")
            with open(tmp_path / "out.txt", "ab") as stdout:     # >>: appended to, as named
                r = subprocess.run([*CHAINRULE, args[0], str(script), *args[1:]], stdout=stdout,
                                   stderr=subprocess.PIPE, cwd=tmp_path, timeout=120,
                                   env=dict(os.environ, PYTHONPATH=ROOT))
            text = (tmp_path / "out.txt").read_text()
            assert r.returncode == 0 and text.startswith("a log line\n<?xml"), text[:100]
            assert text.endswith(end) and node_grads(text) == HAND
        assert not any(os.path.exists(f"/dev/stdout.{e}") for e in ("png", "svg", "html"))
    assert sorted(os.listdir(tmp_path)) == ["learner.py", "out.txt", "ran"]


def test_a_terminal_named_as_out_is_refused_png_bytes(tmp_path):
    """draw --out /dev/pts/N (or /dev/stdout at a terminal) wrote a PNG's bytes on the
    terminal, as --out - is refused to, and so did step --out's g; an SVG (text) is written."""
    import pytest
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        terminal = os.ttyname(follower)
        r = chainrule(tmp_path, "draw", "--out", terminal)
        assert refused(r, f"--out {terminal}", "terminal", "--format svg")
        assert sorted(os.listdir(tmp_path)) == ["learner.py"]
        r = chainrule(tmp_path, "draw", "--out", terminal, "--format", "svg")
        assert r.returncode == 0, r.stderr
        assert os.read(leader, 100).lstrip().startswith(b"<?xml")
        r = chainrule(tmp_path, "step", "--out", terminal, stdin="g\nc\n")   # g's pictures
        assert refused(r, f"--out {terminal}", "terminal", "--format svg")
    finally:
        os.close(leader)
        os.close(follower)


def test_an_extension_with_no_name_before_it_is_refused(tmp_path):
    """--out .png wrote a hidden file .png.png (Python takes .png for a name with no
    extension, and one was added); --html .html wrote .html.html and g .svg .svg.png.
    Which was meant, a hidden file or the default name in that format, cannot be told:
    each is one line naming the option, before the script runs, and nothing is written."""
    for args, stdin, words in [
            (("draw", "--out", ".png"), "", ("--out .png", "learner.png")),
            (("draw", "--out", "pics/.SVG"), "", ("--out pics/.SVG", "pics/learner.SVG")),
            (("step", "--out", ".pdf"), "g\n", ("--out .pdf", "graph.pdf")),
            (("step", "--html", ".html"), "", ("--html .html", "learner.html"))]:
        assert refused(chainrule(tmp_path, *args, stdin=stdin), *words, "only an extension")
        assert sorted(os.listdir(tmp_path)) == ["learner.py"], args
    r = chainrule(tmp_path, "step", stdin="g .svg\n")
    err = r.stderr.decode().removeprefix("the script's own print\n")
    assert r.returncode == 2 and err == ("chainrule step: g .svg is only an extension, with no "
                                         "file name before it: give one (g graph.svg)\n"), err
    assert sorted(os.listdir(tmp_path)) == ["learner.py", "ran"]
    (tmp_path / ".png").mkdir()                     # an existing folder is still a folder
    r = chainrule(tmp_path, "draw", "--out", ".png", "--format", "svg")
    assert r.returncode == 0 and r.stdout.decode().endswith("wrote .png/learner.svg\n"), r.stderr
    assert node_grads((tmp_path / ".png" / "learner.svg").read_text()) == HAND


def test_render_graph_refuses_an_extension_with_no_name_before_it(tmp_path):
    """render_graph(L, '.png', formats='png') wrote .png.png; a name before the
    extension (x.png) is written as named."""
    from autograd import Value
    from autograd.draw import render_graph
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b
    L.label = "L"
    L.backward()
    for path, formats in [(".png", "png"), (".SVG", ("png", "svg"))]:
        with pytest.raises(ValueError, match=r"^render_graph: path '.*/\.(png|SVG)' is only an "
                                             r"extension, with no file name before it"):
            render_graph(L, tmp_path / path, formats=formats)
    assert os.listdir(tmp_path) == []
    [written] = render_graph(L, tmp_path / "x.svg", formats="svg")
    assert written == tmp_path / "x.svg" and node_grads(written.read_text()) == {
        "a": "grad -3", "b": "grad 2", "L": "grad 1"}          # by hand: ∂(ab)/∂a = b

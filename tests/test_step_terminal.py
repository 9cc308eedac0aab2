"""The terminal stepper's logic, driven in-process (no terminal): autograd.stepper."""

import html
import io
import shutil

import pytest

from autograd import Value
from autograd.stepper import Stepper, StepperError, session
from conftest import assert_close
from test_step_api import hand000, hand003, seed000, seed003

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def make(nodes=None, **kw):
    n = nodes or seed000()
    root = n.get("L") or n["O"]
    out = io.StringIO()
    return n, Stepper(root, out=out, **kw), out


def test_next_takes_one_step_in_backwards_order():
    n, st, out = make()
    assert st.total == 7 and st.current is None
    st.command("n")
    st.command("")          # Enter is next too
    assert [s.node for s in st.done] == [n["L"], n["pow"]]
    # the unnamed e² node is t1, as the jit and the pictures call it
    assert "step 2/7: t1 = e² = " in out.getvalue() and "e.grad += 2·e * t1.grad" in out.getvalue()


def test_break_at_a_derived_node_stops_at_its_step_with_the_complete_gradient():
    n, st, out = make()
    v = hand000()
    st.command("b h")
    assert st.current.node is n["h"] and len(st.done) == 6
    assert_close(st.current.upstream, v["dh"], rel=1e-13)
    assert out.getvalue().rstrip().splitlines()[-1].startswith(f"-> h = σ(net1) = {v['h']:.6g}")
    assert not st.finished


def test_print_tracks_fan_in_into_the_shared_bias():
    n, st, out = make()
    v = hand000()
    st.command("p b")
    assert "no contribution yet (it will receive 2 contributions)" in out.getvalue()
    st.command("b net2")
    st.command("p b")
    last = out.getvalue().rstrip().splitlines()[-1]
    assert last == (f"b = 0.1 (parameter), grad so far = {v['d2']:.6g} "
                    f"(1 of 2 contributions; the second is still to come)")
    assert not st.complete(n["b"])
    st.command("b b")       # b is complete after net1's step, the last
    assert st.finished and st.complete(n["b"])
    assert f"b = 0.1 (parameter), grad = {v['db']:.6g} (complete: 2 contributions)" in out.getvalue()
    assert_close(n["b"].grad, v["db"], rel=1e-13)


def test_break_at_a_gradient_already_complete_says_so():
    n, st, out = make()
    st.command("b y'")
    st.command("b e")
    assert "e's gradient is already complete (since step 3)" in out.getvalue()
    assert len(st.done) == 4


def test_continue_finishes_and_prints_the_leaf_gradients():
    n, st, out = make()
    v = hand000()
    st.command("c")
    assert st.finished and len(st.done) == 7
    text = out.getvalue()
    assert "backward pass complete: 7 steps" in text
    assert f"w1.grad = {v['dw1']!r}" in text or f"w1.grad = {n['w1'].grad!r}" in text
    assert_close(n["w1"].grad, v["dw1"], rel=1e-13)
    st.command("n")
    assert "already complete" in out.getvalue()


def test_quit_mid_pass_leaves_the_leaves_as_they_were():
    n = seed000()
    n["w1"].grad = 5.0
    n["b"].grad = -1.0
    _, st, out = make(n)
    st.command("b net2")    # b has one contribution so far
    st.command("q")
    assert st.quit and n["w1"].grad == 5.0 and n["b"].grad == -1.0
    # a full pass adds exactly this pass's gradients to what they held
    m = seed000()
    m["w1"].grad = 5.0
    _, st2, _ = make(m)
    st2.command("c")
    assert_close(m["w1"].grad, 5.0 + hand000()["dw1"], rel=1e-13)


def test_unknown_names_and_commands_raise_one_line_errors():
    n, st, out = make()
    with pytest.raises(StepperError, match=r"no node named 'nope' in the graph of L; named nodes: L, b, e"):
        st.command("p nope")
    with pytest.raises(StepperError, match="b needs a node name"):
        st.command("b")
    with pytest.raises(StepperError, match=r"unknown command 'zz top'"):
        st.command("zz top")
    assert st.done == []    # nothing was lost


def test_a_command_that_takes_no_argument_refuses_one():
    """``n 3`` read as gdb's "three steps" used to take one step and drop the 3."""
    n, st, out = make()
    for line in ("n 3", "c now", "q please"):
        with pytest.raises(StepperError, match=rf"^{line.split()[0]} takes no argument, got "
                                               rf"'{line.split()[1]}' \(h lists the commands\)$"):
            st.command(line)
    assert st.done == [] and not st.finished    # nothing was taken or stopped


def test_help_for_one_command_is_its_line_as_in_pdb():
    """``h b`` printed the whole help and dropped the b; as pdb's ``h b`` it is b's line
    (long spellings too), and a command that does not exist is a one-line error."""
    n, st, out = make()
    st.command("h b")
    assert out.getvalue().strip() == "b NAME       run until NAME's gradient is complete"
    st.command("help continue")
    assert out.getvalue().strip().splitlines()[-1].startswith("c            continue to the end")
    with pytest.raises(StepperError, match=r"^h zz: no command 'zz' \(h lists the commands\)$"):
        st.command("h zz")
    assert st.done == [] and not st.finished


def test_find_reaches_script_variables_but_only_in_the_graph():
    n = seed000()
    outsider = Value(3.0)
    lookup = {"the_bias": n["b"], "outsider": outsider}
    _, st, out = make(n, find=lookup.get)
    st.command("p the_bias")
    assert out.getvalue().rstrip().endswith("(it will receive 2 contributions)")
    with pytest.raises(StepperError, match="'outsider' is a Value in the script but not part of"):
        st.command("p outsider")


def test_seed003_h1_waits_for_both_contributions():
    n = seed003()
    v = hand003()
    _, st, out = make(n)
    st.command("b h1")
    assert st.current.node is n["h1"]
    assert_close(st.current.upstream, v["dh1"], rel=1e-13)
    assert "second contribution to h1" in out.getvalue()
    st.command("c")
    assert_close(n["w1"].grad, 0.0014291881022, rel=1e-10)


def test_scripted_session_echoes_commands_and_continues_at_end_of_input():
    n, st, out = make()
    err = io.StringIO()
    status = session(st, ["n\n", "p h\n"], err=err)
    text = out.getvalue()
    assert status == 0 and err.getvalue() == ""
    assert "(step) n\nstep 1/7" in text and "(step) p h\n" in text
    assert "(step) (end of input: continue)" in text and st.finished


def test_scripted_session_stops_at_the_first_error():
    n, st, out = make()
    err = io.StringIO()
    assert session(st, ["n", "b nope", "c"], err=err) == 2
    assert err.getvalue().count("\n") == 1 and "no node named 'nope'" in err.getvalue()
    assert len(st.done) == 1 and not st.finished


def test_session_stop_at_unknown_name_fails_before_any_step():
    n, st, out = make()
    err = io.StringIO()
    assert session(st, [], stop_at="w9", err=err) == 2
    assert err.getvalue().startswith("chainrule step: --stop-at: no node named 'w9'") and st.done == []


def test_a_lone_leaf_has_nothing_to_step():
    x = Value(2.0, name="x")
    st = Stepper(x, 3.0, out=io.StringIO())
    assert st.finished and st.total == 0 and x.grad == 3.0
    assert "x is a leaf: nothing to step through" in st.intro()


@needs_dot
def test_g_writes_a_png_of_the_current_state(tmp_path):
    n, st, out = make(graph_dir=str(tmp_path))
    st.command("b h")
    st.command("g")
    path = tmp_path / "chainrule_step_006.png"
    assert f"graph: {path}" in out.getvalue()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    st.command(f"g {tmp_path / 'mine'}")
    assert (tmp_path / "mine.png").exists()


@needs_dot
def test_the_graph_shows_done_grads_and_highlights_the_current_node(tmp_path):
    n, st, out = make(graph_dir=str(tmp_path), image_format="svg")
    v = hand000()
    st.command("b h")
    st.command("g")
    svg = html.unescape((tmp_path / "chainrule_step_006.svg").read_text())
    assert f"grad {v['dh']:.4g}" in svg             # h's complete gradient is in the picture
    assert f"grad {v['dw2']:.4g}" in svg            # so is w2's, complete since net2's step
    assert "#d62728" in svg.lower()                 # the path from h to L is highlighted
    assert "step 6/7: h = σ(net1)" in svg           # and the title says where we are


@needs_dot
def test_frames_writes_one_picture_per_step(tmp_path):
    n, st, out = make(frames_dir=str(tmp_path / "frames"))
    st.command("c")
    files = sorted(p.name for p in (tmp_path / "frames").iterdir())
    assert files == [f"step_{i:03d}.png" for i in range(1, 8)]


def test_wrap_breaks_lines_between_words_never_inside_a_number():
    from autograd.stepper import wrap
    n, st, out = make(width=44)
    st.command("b h")
    text = out.getvalue()
    original = "\n".join(str(s) for s in st.done)
    assert [w for w in text.split() if w in original.split()]  # the steps are there
    for line in text.splitlines():
        assert len(line) <= 44 or " " not in line.strip(), line
    # the words (numbers included) are the unwrapped text's words, in order
    wrapped = wrap(original, 44)
    assert wrapped.split() == original.split()
    assert max(len(line) for line in wrapped.splitlines()) <= 44
    assert wrap(original, None) == original


@needs_dot
def test_pictures_say_grad_question_mark_for_gradients_not_reached(tmp_path):
    """After `b h` (step 6 of 7) x and w1 have had no contribution: their grad reads ?,
    as on the page; h's complete gradient is shown."""
    n, st, out = make(graph_dir=str(tmp_path), image_format="svg")
    v = hand000()
    st.command("b h")
    assert st.pending() == {n["x"], n["w1"]}
    st.command("g")
    svg = html.unescape((tmp_path / "chainrule_step_006.svg").read_text())
    assert svg.count("grad ?") == 2 + 1 and f"grad {v['dh']:.4g}" in svg   # x, w1, the key


def test_a_one_step_pass_says_1_step():
    """L = a·a: one node, so one step; by hand ∂L/∂a = 2a = 6."""
    a = Value(3.0, label="a")
    L = (a * a).named("L")
    out = io.StringIO()
    st = Stepper(L, out=out)
    st.say(st.intro())
    st.command("c")
    text = out.getvalue()
    assert "backward pass from L: 1 step, one per computed node" in text
    assert "backward pass complete: 1 step\n  a.grad = 6.0" in text


def _hooked():
    """z = 3·x², with a hook on y = x² that refuses its gradient."""
    x = Value(2.0, name="x")
    y = (x * x).named("y")
    z = (y * 3).named("z")

    def refuse(g):
        raise RuntimeError("hook says no")
    y.register_hook(refuse)
    return x, y, z


def test_a_hook_that_raises_ends_the_typed_session_and_loses_nothing(monkeypatch):
    """At a terminal the hook's error escaped as a traceback; now it is the one line,
    status 2, no prompt after it (the pass is over), and every grad is as before."""
    x, y, z = _hooked()
    x.grad, y.grad = 0.25, -1.0
    typed = iter(["n", "n", "n"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    out, err = io.StringIO(), io.StringIO()
    st = Stepper(z, out=out)
    assert session(st, None, err=err) == 2
    assert err.getvalue().count("\n") == 1 and "in hook 'refuse' on 'y'" in err.getvalue()
    assert next(typed) == "n"           # the third command was never asked for
    assert st.quit and (x.grad, y.grad) == (0.25, -1.0)


def test_a_hook_on_a_lone_leaf_that_raises_is_a_stepper_error():
    x = Value(2.0, name="x")
    x.register_hook(lambda g: 1 / 0)
    with pytest.raises(StepperError, match=r"^backward\(\) raised ZeroDivisionError: division by "
                                           r"zero \(in hook '<lambda>' on 'x'"):
        Stepper(x, out=io.StringIO())
    assert x.grad == 0.0


def test_contributions_past_the_tenth_have_english_ordinals():
    """x fed 23 times said "21th contribution" and "the 22th is still to come"."""
    x = Value(0.5, name="x")
    s = x
    for _ in range(22):
        s = s + x               # ∂s/∂x through each edge is 1: x.grad counts the edges
    out = io.StringIO()
    st = Stepper(s.named("s"), out=out)
    for _ in range(21):         # each of the first 21 steps gives x one contribution
        st.command("n")
    st.command("p x")
    text = out.getvalue()
    assert "(21st contribution to x: x.grad now 20 + 1 = 21)" in text
    assert "(11th contribution to x" in text and "(12th contribution" in text
    assert text.rstrip().endswith("(21 of 23 contributions; the 22nd is still to come)")
    st.command("c")
    assert "(23rd contribution to x: x.grad now 22 + 1 = 23)" in out.getvalue()


@needs_dot
def test_g_with_a_picture_extension_writes_that_format(tmp_path):
    """``g pic.svg`` wrote pic.svg.png (a PNG); the extension now picks the format."""
    n, st, out = make(graph_dir=str(tmp_path))
    v = hand000()
    st.command("b h")
    st.command(f"g {tmp_path / 'pic.svg'}")
    picture = tmp_path / "pic.svg"
    assert f"graph: {picture}\n" in out.getvalue()
    svg = html.unescape(picture.read_text())
    assert svg.lstrip().startswith(("<?xml", "<svg")) and f"grad {v['dh']:.4g}" in svg
    st.command(f"g {tmp_path / 'pic.pdf'}")
    assert (tmp_path / "pic.pdf").read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pic.pdf", "pic.svg"]


@needs_dot
def test_g_into_a_path_it_cannot_write_says_which_in_one_line(tmp_path):
    """`g afile/pic` said "could not draw the graph: FileExistsError: [Errno 17] File
    exists: ..."; it now says what draw says: cannot write PATH: the reason."""
    (tmp_path / "afile").write_text("")
    n, st, out = make()
    with pytest.raises(StepperError) as caught:
        st.command(f"g {tmp_path / 'afile' / 'pic'}")
    assert str(caught.value) == (f"cannot write {tmp_path / 'afile' / 'pic'}: "
                                 f"{tmp_path / 'afile'} is a file, not a folder")
    assert st.done == [] and not st.finished


def test_a_wrapped_heading_is_coloured_on_every_line_it_takes():
    """At 40 columns step 1's heading takes two lines and only the first was bold blue:
    "(complete)" looked like part of the edge lines below it."""
    n, st, out = make(width=40, colour=True)
    st.command("n")
    blue, reset = "\033[1;34m", "\033[0m"
    lines = out.getvalue().splitlines()
    heading = str(st.current).splitlines()[0]       # the unwrapped first line
    coloured = [line for line in lines if line.startswith(blue)]
    assert [line.endswith(reset) for line in coloured] == [True] * len(coloured)
    assert " ".join(line[len(blue):-len(reset)].strip() for line in coloured) == heading
    assert len(coloured) == 2 and all(len(line) <= 40 + len(blue + reset) for line in coloured)
    assert not any(blue in line for line in lines[len(coloured):])


def test_only_the_node_whose_step_comes_next_is_said_to_be_next():
    """L = a + b: after L's step both a and b are complete, and both were said to have
    "its step is next"; only one can be.  The other now names the step that is its own,
    and the step taken next, and the one after, bear both claims out."""
    x, y = Value(1.0, name="x"), Value(2.0, name="y")
    a, b = (x * 2).named("a"), (y * 3).named("b")
    out = io.StringIO()
    st = Stepper((a + b).named("L"), out=out)
    st.command("n")
    said = {}
    for name in ("a", "b"):
        st.command(f"p {name}")
        said[name] = out.getvalue().rstrip().splitlines()[-1]
    assert sum("its step is next" in line for line in said.values()) == 1
    st.command("n")
    second = st.current.node.name
    later = "b" if second == "a" else "a"
    assert said[second].endswith("grad = 1 (complete, its step is next)")
    assert said[later].endswith("grad = 1 (complete; its step is step 3)")
    st.command("n")
    assert st.current.node.name == later and st.current.index + 1 == 3


def test_the_intro_counts_steps_per_computed_node_not_per_node():
    """micrograd's L = (a·b + c)·f has 7 nodes, 4 of them leaves, and 3 steps; the intro
    said "3 steps, one per node", which a learner counting the 7 boxes of the picture cannot square."""
    a, b, c, f = (Value(v, name=n) for v, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    L = ((a * b).named("e") + c).named("d") * f
    st = Stepper(L.named("L"), out=io.StringIO())
    assert st.intro().splitlines()[0] == ("backward pass from L: 3 steps, one per computed "
                                          "node, each after every node computed from it")


def test_the_summary_says_what_a_leaf_held_before_the_pass():
    """A leaf with a grad from before (no zero_grad, or nn.train's last step): the steps
    said "x.grad now 12" and the summary "x.grad = 112.0" with no word on the 100.
    By hand z = 3x·x, dz/dx = 6x = 12; backward() adds it to the 100 x held."""
    x, w = Value(2.0, name="x"), Value(0.5, name="w")
    x.grad = 100.0
    z = ((x * 3).named("y") * x + w).named("z")
    out = io.StringIO()
    st = Stepper(z, out=out)
    st.command("c")
    text = out.getvalue()
    assert ("(second contribution to x: x.grad now 6 + 6 = 12; the 100 it held before this "
            "pass is added as the pass ends)") in text
    assert "\n  x.grad = 112.0 (12.0 from this pass + 100.0 it held before)\n" in text
    assert text.endswith("\n  w.grad = 1.0\n")         # nothing held: nothing to add
    assert x.grad == 112.0


def test_an_error_at_a_narrow_terminal_wraps_between_words(monkeypatch):
    """The steps wrapped to the terminal but an error did not: "no node named ...; named
    nodes: L, b, e, h, ..." ran past 40 columns, for the terminal to cut inside a name."""
    n, st, out = make(width=40)
    typed = iter(["p nosuch", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    err = io.StringIO()
    assert session(st, None, err=err) == 0
    lines = err.getvalue().splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines), lines
    assert " ".join(lines).split() == ("chainrule step: no node named 'nosuch' in the graph of L; "
                                       "named nodes: L, b, e, h, net1, net2, w1, w2, x, y, "
                                       "y'").split()


def test_a_hook_error_without_a_message_reads_cleanly():
    """RuntimeError() has no text: the line read "raised RuntimeError:  (in hook ...)"."""
    x = Value(2.0, name="x")

    def silent(g):
        raise RuntimeError()
    x.register_hook(silent)
    with pytest.raises(StepperError, match=r"^backward\(\) raised RuntimeError \(in hook 'silent' "
                                           r"on 'x' = 2\.0"):
        Stepper(x, out=io.StringIO())


def test_a_named_constant_is_not_given_a_gradient_the_steps_never_show():
    """y = x·k with k a constant: the steps show no line for k (the docs say so), yet
    `p k` said "will receive 1 contribution" and then "grad = 2 (complete: ...)"."""
    x, k = Value(2.0, name="x"), Value(3.0, name="k", kind="constant")
    out = io.StringIO()
    st = Stepper((x * k).named("y"), out=out)
    st.command("p k")
    assert out.getvalue() == "k = 3 (constant): the steps show no gradient for a constant\n"
    st.command("n")
    assert "k.grad" not in out.getvalue() and "x.grad += k * y.grad = 3 * 1 = 3" in out.getvalue()


@needs_dot
def test_g_on_a_graph_over_the_limit_says_it_plainly(tmp_path):
    """"could not draw the graph: GraphTooLarge: draw: the graph of L ...": a class name
    and the library's prefix before the sentence a learner needs."""
    n, st, out = make(graph_dir=str(tmp_path), max_nodes=5)
    with pytest.raises(StepperError) as caught:
        st.command("g")
    assert str(caught.value).startswith("could not draw the graph: the graph of L has ")
    assert "more than max_nodes=5" in str(caught.value) and list(tmp_path.iterdir()) == []


@needs_dot
def test_g_reads_a_tilde_as_the_home_folder(tmp_path, monkeypatch):
    """Typed at the prompt no shell expands `~`: `g ~/pic.svg` made a folder named ~."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    n, st, out = make()
    st.command("g ~/pic.svg")
    assert (tmp_path / "home" / "pic.svg").exists() and not (tmp_path / "~").exists()
    assert f"graph: {tmp_path / 'home' / 'pic.svg'}\n" in out.getvalue()


@needs_dot
def test_g_takes_a_quoted_path_as_the_path(tmp_path, monkeypatch):
    """`g "my pic.svg"` wrote a PNG named "my pic.svg".png, quotes and all."""
    monkeypatch.chdir(tmp_path)
    n, st, out = make()
    st.command('g "my pic.svg"')
    st.command("g 'other pic'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my pic.svg", "other pic.png"]


def test_g_names_a_drawing_error_without_a_message_as_a_hook_error_is(tmp_path, monkeypatch):
    """An error of the drawing with no message read 'could not draw the graph:
    RuntimeError: ' (an empty message after its colon), as a hook's did before
    stepper.raised; it is written by raised, the type alone, its notes in brackets."""
    import importlib
    drawing = importlib.import_module("autograd.draw")   # (autograd.draw is the function)

    def fails(*args, **kwargs):
        err = RuntimeError()
        err.__notes__ = ["while laying out"]   # err.add_note(...) from Python 3.11
        raise err
    monkeypatch.setattr(drawing, "render_graph", fails)
    n, st, out = make(graph_dir=str(tmp_path))
    with pytest.raises(StepperError) as caught:
        st.command("g")
    assert str(caught.value) == "could not draw the graph: RuntimeError (while laying out)"


def _interrupting_chain():
    """L = ((x·2)·3)·4 with a hook on the middle node that sends Ctrl-C (SIGINT) once."""
    import signal
    x = Value(0.5, name="x")
    a = (x * 2).named("a")
    b = (a * 3).named("b")
    L = (b * 4).named("L")
    sent = []

    def ctrl_c(g):
        if not sent:
            sent.append(g)
            signal.raise_signal(signal.SIGINT)
        return g
    b.register_hook(ctrl_c)
    return x, L, sent


def test_ctrl_c_during_c_at_a_terminal_stops_after_the_step_and_gives_the_prompt_back(monkeypatch):
    """Ctrl-C while `c` ran ended the whole session (the pass gone, its steps lost); as in
    pdb it now stops after the step being taken and the prompt comes back.  Oracle: the
    hand-derived ∂L/∂x = 2·3·4 = 24, added to the 1.0 x held, once the second c ends."""
    x, L, sent = _interrupting_chain()
    x.grad = 1.0
    typed = iter(["c", "c"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    out, err = io.StringIO(), io.StringIO()
    st = Stepper(L, out=out)
    assert session(st, None, err=err) == 0
    assert err.getvalue() == "" and sent == [4.0]        # ∂L/∂b = 4 reached the hook
    assert "interrupted after step 2/3: n takes the next step, c continues, q quits" \
        in out.getvalue()
    assert st.finished and x.grad == 1.0 + 24.0


def test_ctrl_c_in_a_scripted_session_ends_it_with_every_grad_as_before():
    """Scripted, Ctrl-C ends the session (the KeyboardInterrupt goes on to the caller), and
    the leaves keep what they held before the pass (not the pass's partial sums)."""
    x, L, sent = _interrupting_chain()
    x.grad = 1.0
    st = Stepper(L, out=io.StringIO())
    with pytest.raises(KeyboardInterrupt):
        session(st, ["c"], err=io.StringIO())
    two = L.parents[0].parents[0].parents[1]           # the constant 2 in a = x·2
    assert sent and st.quit and (x.grad, two.grad) == (1.0, 0.0)

"""`chainrule step` at a real (pseudo-)terminal: the prompt, typed commands, Ctrl-D."""

import os
import select
import subprocess
import sys
import time

import pytest

from test_step_api import hand000

pty = pytest.importorskip("pty")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "demos", "_pdb_example.py")
PROMPT = b"(step) "


class Terminal:
    """A child process whose stdin, stdout and stderr are one pseudo-terminal."""

    def __init__(self, argv, columns=None, **env):
        self.master, slave = pty.openpty()
        if columns is not None:   # the terminal's size, as a terminal emulator sets it
            import fcntl
            import struct
            import termios
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        environment = dict(os.environ, PYTHONPATH=ROOT, TERM="dumb")
        environment.pop("NO_COLOR", None)
        environment.pop("COLUMNS", None)
        environment.update(env)
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                     env=environment, close_fds=True)
        os.close(slave)
        self.seen = b""
        self.pos = 0

    def read_until(self, marker, timeout=60):
        """Read until ``marker`` arrives after what earlier calls returned; return the new text."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen[self.pos:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {marker!r}; got {self.seen[self.pos:]!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(
                        f"terminal closed before {marker!r}; got {self.seen[self.pos:]!r}")
                self.seen += chunk
        end = self.seen.index(marker, self.pos) + len(marker)
        text, self.pos = self.seen[self.pos:end], end
        return text.decode("utf-8", "replace").replace("\r\n", "\n")

    def type(self, text):
        os.write(self.master, text.encode())

    def close(self):
        try:
            self.proc.wait(timeout=60)
        finally:
            os.close(self.master)


def test_typed_commands_at_a_prompt_then_ctrl_d_continues():
    v = hand000()
    term = Terminal([sys.executable, "-c",
                     "import sys; from autograd.cli import main; sys.exit(main())",
                     "step", EXAMPLE])
    try:
        intro = term.read_until(PROMPT)
        assert "backward pass from L: 7 steps" in intro
        term.type("n\n")
        first = term.read_until(PROMPT)
        assert "step 1/7: L = 0.5 × t1 = " in first     # t1: the unnamed e²
        term.type("b h\n")
        upto_h = term.read_until(PROMPT)
        assert f"-> h = σ(net1) = {v['h']:.6g} (derived), grad = {v['dh']:.6g}" in upto_h
        term.type("p nope\n")   # at a terminal an error does not end the session
        error = term.read_until(PROMPT)
        assert "chainrule step: no node named 'nope'" in error
        term.type("\x04")       # Ctrl-D: end of input, continue to the end
        rest = term.read_until(b"y.grad = ")
        assert "step 7/7" in rest and "backward pass complete: 7 steps" in rest
        assert "(end of input" not in intro + first + upto_h + rest   # the scripted-mode echo
    finally:
        term.close()
    assert term.proc.returncode == 0


STEP = [sys.executable, "-c", "import sys; from autograd.cli import main; sys.exit(main())",
        "step", EXAMPLE]
ESC = "\x1b["


def test_up_arrow_repeats_the_last_command_and_colour_marks_the_step():
    """readline: Up then Enter runs the previous command again; at a colour terminal the
    step's heading is bold blue and lines wrap at word boundaries to the 60 columns."""
    term = Terminal(STEP, columns=60, TERM="xterm")
    try:
        term.read_until(PROMPT)
        term.type("n\n")
        first = term.read_until(PROMPT)
        assert f"{ESC}1;34mstep 1/7: L = 0.5 × t1 = " in first
        term.type("\x1b[A\n")          # the Up arrow brings back "n"
        second = term.read_until(PROMPT)
        assert "step 2/7: t1 = e² = " in second and "unknown command" not in second
        term.type("c\n")
        rest = term.read_until(b"y.grad = ")
        plain = (first + second + rest).replace(f"{ESC}1;34m", "").replace(f"{ESC}1m", "")
        plain = plain.replace(f"{ESC}0m", "")
        for line in plain.splitlines():
            if line.startswith("(step)") or ESC in line:
                continue
            assert len(line) <= 60, line
        # a number is never cut: every number the wrapped text shows is a whole one
        assert "h.grad now" in plain.replace("\n", " ")
    finally:
        term.close()
    assert term.proc.returncode == 0


def test_no_color_turns_colour_off():
    term = Terminal(STEP, TERM="xterm", NO_COLOR="1")
    try:
        term.read_until(PROMPT)
        term.type("n\n")
        first = term.read_until(PROMPT)
        assert "step 1/7: L = 0.5 × t1" in first and "\x1b[1;34m" not in first
        term.type("\x04")
        term.read_until(b"y.grad = ")
    finally:
        term.close()
    assert term.proc.returncode == 0


def test_ctrl_d_ends_the_prompt_line_before_the_steps():
    """Ctrl-D at the prompt continued to the end with step 7 printed on the prompt's own
    line, "(step) step 7/7: ..."; the line is ended first, as Ctrl-C's quit does."""
    term = Terminal(STEP, TERM="xterm", NO_COLOR="1")
    try:
        term.read_until(PROMPT)
        term.type("b h\n")
        term.read_until(PROMPT)
        term.type("\x04")
        rest = term.read_until(b"y.grad = ")
    finally:
        term.close()
    assert term.proc.returncode == 0
    shown = term.seen.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "step 7/7" in rest and "\nstep 7/7: net1 = " in shown    # at the start of a line


def test_tab_after_a_command_leaves_room_for_the_name():
    """Python's readline appends nothing to a completion, so `b<Tab>net2` ran the command
    'bnet2' (unknown); a command that takes a name now completes with its space."""
    v = hand000()
    term = Terminal(STEP, TERM="xterm", NO_COLOR="1")
    try:
        term.read_until(PROMPT)
        term.type("b\tnet2\n")
        stop = term.read_until(PROMPT)
        term.type("q\n")
        term.read_until(b"quit after")
    finally:
        term.close()
    assert "unknown command" not in stop
    assert f"-> net2 = w2·h + b = {v['net2']:.6g} (derived), grad = {v['d2']:.6g}" in stop

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

    def __init__(self, argv):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                     env=dict(os.environ, PYTHONPATH=ROOT, TERM="dumb"),
                                     close_fds=True)
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
        assert "step 1/7: L = 0.5 × <pow" in first
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

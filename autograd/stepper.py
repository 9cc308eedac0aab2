"""Step through a backward pass node by node, as ``chainrule step`` does.

A :class:`Stepper` wraps ``root.backward_steps()`` (so the arithmetic is
backward()'s own) and answers the questions asked along the way: which node
is next, is this node's gradient complete yet, how many of its contributions
has it received.  :func:`session` reads the commands

    Enter / n     take the next step
    c             continue to the end
    b NAME        run until NAME's gradient is complete
    p [NAME]      print a node (or the current step again)
    g [PATH]      write the graph as it is now to an image, print its path
    q             quit (every node keeps the gradient it had before this pass)
    h             help

from a terminal (``input()``) or, when stdin is not a terminal, one per line
from a file or pipe, so a session can be scripted and tested.  Nothing here
needs a terminal.

A node's gradient d(root)/d(node) is *complete* once every node computed
from it has had its step.  For a derived node that is the moment its own
step starts; ``b NAME`` stops after that step, where the Step shows the
complete gradient and what the node passes on.  For a leaf it is after the
last step that feeds it.
"""

import os
import re
import select
import shutil
import sys
import textwrap

from . import names, ops
from .floats import counted as _count
from .engine import backward_steps
from .graph import all_nodes, topological_order
from .interrupts import deferred_interrupts
from .notation import Labels, formula, grad_of, number, printed
from .steps import hook_note, ordinal

__all__ = ["Stepper", "StepperError", "session", "HELP", "PROMPT", "use_colour",
           "terminal_width", "raised"]

PROMPT = "(step) "

HELP = """\
commands:
  Enter or n   take the next step
  c            continue to the end (Ctrl-C stops it after a step)
  b NAME       run until NAME's gradient is complete
  p [NAME]     print node NAME (without NAME: the current step)
  g [PATH]     write the graph as it is now to an image and print its path
               (PATH: a file ending in .png, .svg or .pdf, or a folder)
  q            quit (Ctrl-C at the prompt too; Ctrl-D continues, as c)
  h [COMMAND]  this help (with COMMAND: its line, as pdb's h does)"""


def help_for(command):
    """The line of :data:`HELP` for one command (``h b``), or StepperError naming it."""
    verb = command.split()[0].lower()
    verb = _SPELLED_OUT.get(verb, verb)
    for line in HELP.splitlines()[1:]:
        if line.startswith("  ") and verb in line.split()[:3] and verb in _SPELLED_OUT.values():
            return line.strip()
    raise StepperError(f"h {command}: no command {names.printable(command.split()[0])!r} "
                       f"(h lists the commands)")


class StepperError(Exception):
    """A command the stepper cannot carry out (unknown node or command); one line."""


def _num(x):
    return number(x, 6)


#: ANSI styles by meaning: the step being taken (blue, as on the page), a result, an error
_STYLES = {"step": "\033[1;34m", "result": "\033[1m", "error": "\033[31m", "dim": "\033[2m"}
_RESET = "\033[0m"


def use_colour(stream):
    """Colour for ``stream``: only at a terminal, never with ``NO_COLOR`` set (no-color.org)
    or ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream):
    """The terminal's width in columns for ``stream``, or None when it is not a terminal."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    return shutil.get_terminal_size((80, 24)).columns


def raised(err):
    """An error of the backward pass as one line: ``RuntimeError: no (in hook 'clip' on
    'h' = 6.0; ...)``, the notes the engine added in brackets."""
    notes = "; ".join(getattr(err, "__notes__", ()))
    try:
        text = str(err)
    except Exception:                   # its __str__ raised: said as Python's traceback says it
        text = "<exception str() failed>"
    said = f"{type(err).__name__}: {text}" if text else type(err).__name__
    return said + (f" ({notes})" if notes else "")


def wrap(text, width):
    """Each line of ``text`` wrapped at word boundaries (never inside a number) to
    ``width`` columns, continuation lines indented 4 more than the line they continue."""
    if not width:
        return text
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.extend(textwrap.wrap(line, width, initial_indent="", subsequent_indent=indent + "    ",
                                 break_long_words=False, break_on_hyphens=False,
                                 drop_whitespace=True) or [line])
    return "\n".join(out)


class Stepper:
    """A backward pass from ``root`` taken one :class:`autograd.steps.Step` at a time.

    ``find(name)`` may return extra nodes for a name (e.g. a script's
    variables); names are first looked up among the graph's named nodes.
    ``out`` receives the text; ``graph_dir`` is where ``g`` writes (or
    ``graph_file``, if given, the one file every ``g`` replaces), and
    ``frames_dir`` (if given) gets one picture per step; ``max_nodes`` is the
    pictures' size limit, as in :func:`autograd.draw.draw`.
    """

    def __init__(self, root, grad=1.0, *, find=None, out=None, graph_dir=".",
                 frames_dir=None, image_format="png", colour=False, width=None,
                 max_nodes=300, graph_file=None):
        self.root = root
        self.colour = colour                      # ANSI colours (see use_colour)
        self.width = width                        # wrap lines to this many columns (or None)
        # t1, t2, ... as the steps and pictures say; names made printable (names.printable)
        self._labelled = Labels(root)
        self.labels = printed(self._labelled)
        self.seed = float(grad)
        self.out = out if out is not None else sys.stdout
        self.graph_dir = graph_dir
        self.graph_file = graph_file
        self.frames_dir = frames_dir
        self.image_format = image_format
        self.max_nodes = max_nodes                # the pictures' size limit (draw's max_nodes)
        self._find = find
        order = topological_order(root)
        self.total = len(order)
        self.steps_order = order[::-1]            # the nodes in backward()'s order
        self.expected = {}                        # node -> contributions it will receive
        self.last_feed = {}                       # node -> index of the last step feeding it
        for i, node in enumerate(self.steps_order):
            for parent in node._prev:
                self.expected[parent] = self.expected.get(parent, 0) + 1
                self.last_feed[parent] = i
        self.position = {node: i for i, node in enumerate(self.steps_order)}
        self.received = {}                        # node -> contributions received so far
        self.done = []                            # the Steps taken
        self._names = None
        #: the leaves' grads from before this pass (no zero_grad, say), which it adds to
        self.held = {n: n.grad for n in self.leaves() if n.grad}
        self._steps = backward_steps(root, grad)
        self.finished = self.total == 0
        self.quit = False
        if self.total == 0:  # a lone leaf: backward() just adds the seed
            self._steps.close()
            try:
                root.backward(grad)
            except Exception as err:     # a hook of the script's on the leaf
                raise StepperError(f"backward() raised {raised(err)}") from err

    # -- state --------------------------------------------------------------

    @property
    def current(self):
        """The last Step taken, or None before the first."""
        return self.done[-1] if self.done else None

    def complete(self, node):
        """True once ``node``'s gradient d(root)/d(node) for this pass is final."""
        if node is self.root:
            return True
        return len(self.done) > self.last_feed[node]

    def target_index(self, node):
        """The index of the step after which ``node``'s gradient is complete and shown."""
        if node in self.position:
            return self.position[node]
        if node is self.root:
            return -1
        return self.last_feed[node]

    def lookup(self, name):
        """The node of this graph called ``name`` (a list of one), or of ``name`` in quotes
        (``"my weight"``, as ``g "my pic.svg"`` takes a path); StepperError naming the
        choices if there is none, or if several nodes share the name."""
        nodes = all_nodes(self.root)
        if self._names is None:
            self._names = names.nodes_by_name(nodes)
        if name in self._names:
            return self._one_named(nodes, name)
        if self._find is not None:
            extra = self._find(name)
            if extra is not None:
                found = [n for n in (extra if isinstance(extra, (list, tuple)) else [extra])
                         if n is self.root or n in self.expected]
                if not found:
                    raise StepperError(
                        f"{name!r} is a Value in the script but not part of the graph of "
                        f"{self.labels(self.root)}")
                return found
        if len(name) > 1 and name[0] == name[-1] and name[0] in "'\"":   # p "my weight"
            return self.lookup(name[1:-1])
        if names.named(self._names, name):     # as the steps print it: (my weight), a␉b
            return self._one_named(nodes, name)
        from .matrix_form import matrices_note
        raise StepperError(names.no_node_named(name, self._names,
                                               f"the graph of {self.labels(self.root)}",
                                               matrices_note(self.root)
                                               + self._labelled.labels_note(name)))

    @staticmethod
    def _one_named(nodes, name):
        """[the one node called ``name``] (:func:`autograd.names.find_node`), or
        StepperError if several are."""
        try:
            return [names.find_node(nodes, name, "step")]
        except names.NodeNameError as err:
            raise StepperError(str(err).removeprefix("step: ")) from None

    # -- moving -------------------------------------------------------------

    def advance(self):
        """Take the next step; return it (None when the pass is already complete)."""
        if self.finished:
            return None
        with deferred_interrupts():     # Ctrl-C: after this step, never inside it
            step = self._take()
        if self.frames_dir is not None:
            self.write_frame(step)
        return step

    def _take(self):
        """The pass's next step, recorded; the last one lets the pass finish."""
        try:
            step = next(self._steps)
        except Exception as err:    # a hook of the script's: the pass put every grad back
            self.quit = True
            raise StepperError(f"backward() raised {raised(err)}") from err
        self.done.append(step)
        for edge in step.edges:
            self.received[edge.parent] = self.received.get(edge.parent, 0) + 1
        if len(self.done) == self.total:
            for _ in self._steps:  # let the generator finish: leaves get their pass total
                pass
            self.finished = True
        return step

    def run_until(self, node):
        """Take steps until ``node``'s gradient is complete; return the Steps taken."""
        goal = self.target_index(node)
        taken = []
        while len(self.done) <= goal and not self.finished:
            taken.append(self.advance())
        return taken

    def stop(self):
        """Abandon the pass: leaves go back to the gradients they had before it."""
        if not self.finished:
            self._steps.close()
        self.quit = True

    # -- text ---------------------------------------------------------------

    def intro(self):
        root = self.labels(self.root)
        grad = grad_of(self.root, root)     # (∂s/∂z).grad, as the steps write it
        if self.total == 0:
            return f"{root} is a leaf: nothing to step through ({grad} += {_num(self.seed)})"
        return (f"backward pass from {root}: {_count(self.total, 'step')}, one per computed node, "
                f"each after every node computed from it\n"
                f"{grad} = {_num(self.seed)} (the seed)\n"
                f"Enter or n: next step, c: continue, b NAME: run until NAME, p NAME: print, "
                f"g: graph image, q: quit, h: help")

    def describe(self, node):
        """One line about ``node``: how it was computed and where its gradient stands."""
        name = self.labels(node)
        kind = node.kind
        how = f" = {formula(node, labels=self.labels)}" if kind == "derived" else ""
        text = f"{name}{how} = {_num(node.data)} ({kind})"
        if node is self.root:
            return f"{text}, grad = {_num(self.seed)} (the seed)"
        if node._opr is ops.CONSTANT:        # its edges get no line in the steps
            return f"{text}: the steps show no gradient for a constant"
        want = self.expected[node]
        got = self.received.get(node, 0)
        uses = _count(want, "contribution")
        if self.complete(node):
            own = self.position.get(node, -1)        # the index of the node's own step
            if kind == "derived" and own >= len(self.done):
                when = ", its step is next" if own == len(self.done) else f"; its step is step {own + 1}"
                return f"{text}, grad = {_num(node.grad)} (complete{when})"
            return f"{text}, grad = {_num(node.grad)} (complete: {uses})"
        if got == 0:
            return f"{text}, grad: no contribution yet (it will receive {uses})"
        return (f"{text}, grad so far = {_num(node.grad)} ({got} of {uses}; "
                f"the {ordinal(got + 1)} is still to come)")

    def leaves(self):
        """The leaves of the graph that are not constants."""
        return [n for n in all_nodes(self.root) if n._opr.backward is None
                and n._opr is not ops.CONSTANT]

    def summary(self):
        """The gradients of the leaves that are not constants, once the pass is complete,
        each with what it held before the pass when that was not 0."""
        this_pass = {edge.parent: edge.grad_after for step in self.done for edge in step.edges}
        hooked = {node: (before, after) for step in self.done for node, before, after in step.hooked}
        this_pass.update((node, after) for node, (_, after) in hooked.items())
        lines = [f"backward pass complete: {_count(self.total, 'step')}"]
        for n in self.leaves():
            line = f"  {grad_of(n, self.labels(n))} = {n.grad + 0.0!r}"      # never -0.0
            why = [hook_note(self.labels(n), *hooked[n])] if n in hooked else []
            if n in self.held:
                why.insert(0, f"{this_pass.get(n, 0.0) + 0.0!r} from this pass + "
                              f"{self.held[n]!r} it held before")
            if why:
                line += f" ({'; '.join(why)})"
            lines.append(line)
        if self.frames_dir is not None and self.total:
            frames = [os.path.join(self.frames_dir, f"step_{i:03d}.{self.image_format}")
                      for i in sorted({1, self.total})]
            lines.append(f"one picture per step: {' ... '.join(frames)}{self._older_frames()}")
        return "\n".join(lines)

    def _older_frames(self):
        """A note naming the frames past this pass's last that ``frames_dir`` still holds
        from an earlier, longer one (slides made from the folder would show them), or ""."""
        found = re.compile(rf"step_(\d{{3,}})\.{re.escape(self.image_format)}\Z")
        try:
            older = sorted(name for name in os.listdir(self.frames_dir)
                           if (m := found.match(name)) and int(m.group(1)) > self.total)
        except OSError:
            return ""
        if not older:
            return ""
        return (f" (the folder also holds {' ... '.join(dict.fromkeys([older[0], older[-1]]))} "
                f"from an earlier pass)")

    def say(self, text, style=None):
        """Print ``text``: wrapped to the terminal, and the first line in ``style``'s colour
        ("step", "result", "error") when colour is on."""
        if self.colour and style in _STYLES and text:
            head, newline, rest = text.partition("\n")    # every line the head wraps to
            head = "\n".join(f"{_STYLES[style]}{line}{_RESET}"
                             for line in wrap(head, self.width).split("\n"))
            text = head + newline + wrap(rest, self.width)
        else:
            text = wrap(text, self.width)
        print(text, file=self.out, flush=True)

    def pending(self):
        """The nodes that have not received any gradient yet in this pass (their grad reads ?)."""
        return {n for n in all_nodes(self.root)
                if n is not self.root and not self.received.get(n) and not self.finished}

    # -- pictures -----------------------------------------------------------

    def render(self, path, step=None):
        """Draw the graph as it is now (current node highlighted) to ``path``; return the file."""
        try:
            from .draw import (INSTALL_LINE, DotNotFound, cannot_write, picture_format,
                               render_graph)
        except ImportError as err:  # pragma: no cover - draw ships with the package
            raise StepperError(f"graph images need autograd.draw: {err}") from None
        step = self.current if step is None else step
        kwargs = {"pending": self.pending(), "max_nodes": self.max_nodes}
        if step is not None:
            kwargs["highlight"] = step.node
            kwargs["title"] = str(step).splitlines()[0]
        image_format = picture_format(path) or self.image_format     # g pic.svg: an SVG
        try:
            written = render_graph(self.root, path, formats=(image_format,), **kwargs)
        except OSError as err:                  # as chainrule draw says it
            raise StepperError(cannot_write(err, path)) from None
        except DotNotFound:                     # the commands' one line, not Python's advice
            raise StepperError(f"could not draw the graph: {INSTALL_LINE}") from None
        except ValueError as err:               # too large: draw's sentence
            raise StepperError(f"could not draw the graph: {str(err).removeprefix('draw: ')}") \
                from None
        except Exception as err:
            raise StepperError(f"could not draw the graph: {raised(err)}") from None
        return str(written[0]) if written else f"{path}.{image_format}"

    def write_frame(self, step):
        os.makedirs(self.frames_dir, exist_ok=True)
        path = os.path.join(self.frames_dir, f"step_{step.index + 1:03d}")
        return self.render(path, step)

    def graph(self, path=None):
        """``g [PATH]``: the picture of now, in PATH (a file, or a folder to write a
        numbered one into), else in ``graph_file`` or ``graph_dir``."""
        from .draw import (PICTURE_FORMATS, bare_extension, extension_list, names_folder,
                           other_extension)
        numbered = f"chainrule_step_{len(self.done):03d}"
        if path is None:
            return self.render(self.graph_file or os.path.join(self.graph_dir, numbered))
        if len(path) > 1 and path[0] == path[-1] and path[0] in "'\"":   # g "my pic.svg"
            path = path[1:-1]
        path = os.path.expanduser(path)                  # g ~/pic: no shell expanded it
        if names_folder(path):                           # g pics/: a numbered picture in it
            return self.render(os.path.join(path, numbered))
        wrong = other_extension(path, PICTURE_FORMATS)
        if wrong is not None:
            raise StepperError(f"g {path}: a picture's file ends in "
                               f"{extension_list(PICTURE_FORMATS)}, not {wrong}")
        bare = bare_extension(path, PICTURE_FORMATS)
        if bare is not None:                             # g .png: not .png.png
            raise StepperError(f"g {path} is only an extension, with no file name before it: "
                               f"give one (g graph{bare})")
        return self.render(path)

    # -- commands -----------------------------------------------------------

    def command(self, line):
        """Carry out one command line; raise StepperError if it cannot be done."""
        words = line.split(maxsplit=1)
        verb = words[0].lower() if words else "n"
        arg = words[1].strip() if len(words) > 1 else None
        if arg is not None and verb in _NO_ARGUMENT:
            raise StepperError(f"{verb} takes no argument, got {names.printable(arg)!r} "
                               f"(h lists the commands)")
        if verb in ("n", "next", "s", "step"):
            self._show(self.advance())
        elif verb in ("c", "continue", "cont"):
            while not self.finished:
                self._show(self.advance())
        elif verb in ("b", "break", "until"):
            if not arg:
                raise StepperError("b needs a node name: b NAME")
            self._break(arg)
        elif verb in ("p", "print"):
            if arg is None:
                self.say(str(self.current) if self.current else self.intro())
            else:
                for node in self.lookup(arg):
                    self.say(self.describe(node))
        elif verb in ("g", "graph"):
            self.say(f"graph: {names.printable(str(self.graph(arg)))}")
        elif verb in ("q", "quit", "exit"):
            self.stop()
            self.say(f"quit after step {len(self.done)}/{self.total}; the leaves keep the "
                     f"gradients they had before this pass")
        elif verb in ("h", "help", "?"):
            self.say(HELP if arg is None else help_for(arg))
        else:
            raise StepperError(f"unknown command {line.strip()!r} (h lists the commands)")

    def _break(self, name):
        nodes = self.lookup(name)
        pending = [n for n in nodes if len(self.done) <= self.target_index(n)]
        if not pending:
            node = nodes[0]
            where = self.target_index(node) + 1
            self.say(f"{names.printable(name)}'s gradient is already complete"
                     f"{f' (since step {where})' if where else ''}: {self.describe(node)}")
            return
        node = min(pending, key=self.target_index)
        goal = self.target_index(node)
        while len(self.done) <= goal and not self.finished:
            self._show(self.advance(), summary=False)
        self.say(f"-> {self.describe(node)}", "result")
        if self.finished:      # the pass ended at NAME: its summary after the answer to b
            self.say(self.summary(), "result")

    def _show(self, step, summary=True):
        if step is None:
            self.say("the backward pass is already complete")
            return
        self.say(str(step), "step")
        if self.finished and summary:
            self.say(self.summary(), "result")


def session(stepper, lines=None, *, stop_at=None, err=None):
    """Run the stepper's command loop; return the exit status.

    ``lines`` is an iterable of command lines (a non-terminal stdin); ``None``
    reads a terminal with ``input()``.  The end of input continues to the end
    of the pass.  An error is one line on ``err``; with scripted input it
    ends the session with status 2 (bad usage), at a terminal you may type again.
    """
    err = err if err is not None else sys.stderr
    red = use_colour(err)

    def complain(e):        # wrapped as the steps are, at a terminal
        text = wrap(names.printable(f"chainrule step: {e}"), stepper.width)
        print(f"{_STYLES['error']}{text}{_RESET}" if red else text, file=err, flush=True)

    try:
        if stop_at is not None:         # an unknown name: the one line, nothing before it
            try:
                stepper.lookup(stop_at)
            except StepperError as e:
                raise StepperError(f"--stop-at: {e}") from None
        stepper.say(stepper.intro())
        if stop_at is not None:
            stepper.command(f"b {stop_at}")
    except StepperError as e:
        complain(e)
        stepper.stop()
        return 2
    source = iter(lines) if lines is not None else None
    if source is None:
        line_editing(stepper)
    while not stepper.finished and not stepper.quit:
        if source is None:
            try:
                line = input(PROMPT)
            except EOFError:            # Ctrl-D: end the prompt's line, continue
                stepper.say("")
                line = "c"
            except KeyboardInterrupt:
                stepper.say("")
                line = "q"
        else:
            line = next(source, None)
            if line is None:
                line = "c"
                stepper.say(f"{PROMPT}(end of input: continue)")
            else:
                line = line.rstrip("\r\n")
                stepper.say(f"{PROMPT}{names.printable(line)}")
        try:
            stepper.command(line)
        except StepperError as e:
            complain(e)
            if source is not None or stepper.quit:    # scripted, or the pass failed
                stepper.stop()
                return 2
        except KeyboardInterrupt:       # Ctrl-C in a long c or b, as pdb: back to the prompt
            if source is not None:      # scripted: the session ends, the grads as before
                stepper.stop()
                raise
            stepper.say(f"\ninterrupted after step {len(stepper.done)}/{stepper.total}: "
                        f"n takes the next step, c continues, q quits")
    left = _next_command(lines, source) if source is not None and stepper.finished else None
    if left is not None:
        complain(f"the backward pass is complete, so the session ended before "
                 f"{left!r} and the commands after it")
    return 0


def _next_command(lines, source):
    """The next line of scripted input, stripped, once the pass has ended: None when it
    is empty or not there yet (a stream is read only when select says a line is ready)."""
    if hasattr(lines, "fileno"):
        try:
            if not select.select([lines], [], [], 0)[0]:
                return None
        except (OSError, ValueError):   # no select on this stream (Windows pipes)
            return None
    line = next(source, None)
    return line.strip() or None if line is not None else None


#: the commands that take no argument (``n 3`` is refused, not taken as ``n``)
#: the long spellings of the commands, as pdb's (h next is h n)
_SPELLED_OUT = {"next": "n", "step": "n", "s": "n", "continue": "c", "cont": "c", "break": "b",
                "until": "b", "print": "p", "graph": "g", "quit": "q", "exit": "q", "help": "h",
                "?": "h"}
_NO_ARGUMENT = ("n", "next", "s", "step", "c", "continue", "cont", "q", "quit", "exit")
_COMMANDS = ("n", "next", "c", "continue", "b", "p", "print", "g", "graph", "q", "quit", "h", "help")
#: the commands that take a node's name (or a path) after them
_NAMING = ("b", "p", "print", "g", "graph")


def line_editing(stepper):
    """At a terminal: ``input()`` gets line editing and history (the arrow keys, Ctrl-R)
    from :mod:`readline`, and Tab completes commands and node names.  Without readline
    (some Windows Pythons) the prompt still works, without editing."""
    try:
        import readline
    except ImportError:
        return False
    named = sorted(names.nodes_by_name(all_nodes(stepper.root)))

    def complete(text, state):
        before = readline.get_line_buffer()[:readline.get_begidx()]
        pool = named if before.strip() else _COMMANDS
        matches = [w for w in pool if w.startswith(text)]
        if pool is _COMMANDS:       # Python's readline appends no space: b<Tab> is "b "
            matches = [w + " " if w in _NAMING else w for w in matches]
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" ")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    return True

"""``chainrule explain`` and ``chainrule check``: run a script, explain or check one gradient.

    chainrule explain SCRIPT --wrt NAME [--root NAME] [--limit N] [--latex]
    chainrule check SCRIPT --wrt NAME (--expected NUMBER|VARIABLE | --formula TEXT) [--root NAME]
                    [--digits N] [--rtol R] [--atol A]

The script runs until its first ``.backward()`` call; the Value it was called
on is the root (or ``--root NAME`` picks another node or script variable).
"""

import shlex
import sys

from autograd.commands import (answer, answering, one_line, positive_int, print_traceback,
                               script_arguments, traceback_argument)
from autograd.floats import short_repr
from autograd.names import printable
from autograd.notation import numbered_as
from autograd.explain import DEFAULT_LIMIT


def _add_common(parser):
    script_arguments(parser)
    parser.add_argument("--wrt", required=True, metavar="NAME",
                        help="the node (a name, a script variable, or a short label such as t7) to "
                             "differentiate with respect to; a script variable holding a matrix "
                             "of Values (check), or one entry of it: 'W1[0][1]'")
    parser.add_argument("--root", metavar="NAME", default=None,
                        help="differentiate this node instead of the one backward() was called on")
    parser.add_argument("--limit", type=positive_int("paths"), default=DEFAULT_LIMIT, metavar="N",
                        help=f"above N paths, group them by reverse mode (default {DEFAULT_LIMIT})")


def _graph(args):
    """(root, wrt, seed, labels, namespace) from the script, or None after printing a
    one-line error; seed is the gradient the script's backward() started from when ``root``
    is its root, labels how ``chainrule step`` calls the script's nodes (the answer calls
    them so), namespace the script's variables when backward() was called."""
    from autograd.script import ScriptError, run_until_backward
    try:
        captured = run_until_backward(args.script, args.script_args)
        with answering("--root"):
            root = captured.find(args.root) if args.root else captured.root
        with answering("--wrt"):
            wrt = captured.value_at(args.wrt)
            if wrt is None:
                wrt = args.wrt if matrix_name(args.wrt, captured.root) else \
                    _node(captured, args.wrt, root)
    except ScriptError as err:
        print_traceback(args, err)
        _report_error(args, err)
        return None
    return (root, wrt, captured.grad if root is captured.root else 1.0, captured.labels,
            captured.namespace)


def _node(captured, name, root):
    """The script's node called ``name``; a matrix name (W2) no network has says what it needs."""
    from autograd.matrix_check import network_hint
    from autograd.script import ScriptError
    try:
        return captured.find(name, root)
    except ScriptError as err:
        raise ScriptError(f"{err}{network_hint(name)}") from None


def _seed_note(seed, wrt, engine):
    """A line saying that the script's ``backward(seed)`` scales every grad, or ""
    for seed 1: the answer is ∂root/∂wrt itself (seed 1), what a hand derivation gives."""
    from autograd.notation import number
    if seed == 1.0:
        return ""
    grad = f" = {number(seed * engine, 12)}" if isinstance(engine, float) else ""
    return (f"note: the script called backward({number(seed)}), which multiplies every grad "
            f"of its pass by {number(seed)} (there {printable(wrt)}.grad{grad}); the answer "
            f"above is the derivative itself, seed 1")


def _explain_command(args):
    """The ``chainrule explain`` command that lists the paths of this check."""
    words = ["chainrule", "explain", args.script, "--wrt", args.wrt]
    if args.root:
        words += ["--root", args.root]
    if args.script_args:
        words += ["--", *args.script_args]
    return " ".join(map(_shell_word, words))


def _entry_command(args, entry):
    """The advice for one entry of a matrix of Values: the explain command of that entry."""
    words = ["chainrule", "explain", args.script, "--wrt", entry]
    if args.script_args:
        words += ["--", *args.script_args]
    return f"{' '.join(map(_shell_word, words))} lists the paths of one entry"


def _shell_word(word):
    """``word`` quoted for a POSIX shell, to be pasted back: as shlex quotes it, or, when
    it holds a character no terminal line should show (ESC, a newline), in bash's
    ANSI-C quoting ``$'a\\nb'``, every such character as an escape (never obeyed)."""
    if printable(word) == word:
        return shlex.quote(word)
    return "$'" + "".join(map(_ansi_c, word)) + "'"


def _ansi_c(char):
    """One character inside bash's ``$'...'``: printable ASCII as itself (``'`` and ``\\``
    escaped), anything else as ``\\xHH``, ``\\uHHHH`` or ``\\UHHHHHHHH``."""
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return "\\" + char if char in "'\\" else char
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def matrix_name(wrt, root):
    """Whether ``--wrt`` names a gradient matrix (``W2``, ``b1``; or holds a layer or a
    matrix of Values) rather than a node."""
    from autograd.matrix_check import is_matrix_question
    return is_matrix_question(root, wrt, None)


#: check()'s keyword arguments that the command's options of the same name give
_OPTION_ARGUMENTS = ("digits", "rtol", "atol", "limit", "layout")


def _report_error(args, err):
    """The one line of an error, led by the command as draw's and step's are
    (``chainrule check: ...``, not ``chainrule: check: ...``), a keyword argument of
    check() named as the option that gave it (``--digits must be ...``); status 2."""
    text = one_line(err).removeprefix(f"{args.command}: ")
    if text.split(" ", 1)[0] in _OPTION_ARGUMENTS:
        text = f"--{text}"
    print(f"chainrule {args.command}: {text}", file=sys.stderr)
    return 2


def _print_note(note):
    if note:
        print(note)


def run_explain(args):
    from autograd.explain import explain
    found = _graph(args)
    if found is None:
        return 2
    root, wrt, seed, labels, _ = found
    try:
        with numbered_as(labels):
            explanation = explain(root, wrt, limit=args.limit)
            text = explanation.latex() if args.latex else str(explanation)
    except (ValueError, KeyError, TypeError) as err:
        return _report_error(args, err)
    print(text)
    note = _seed_note(seed, args.wrt, getattr(explanation, "engine", None))
    _print_note(f"% {note}" if args.latex and note else note)   # a LaTeX comment there
    return 0


def explain_arguments(parser):
    _add_common(parser)
    parser.add_argument("--latex", action="store_true", help="print the LaTeX form instead")
    traceback_argument(parser)


def run_check(args):
    from autograd.check import as_number_text
    from autograd.matrix_form import number_problem
    from autograd.floats import listlike
    from autograd.matrix_form import is_matrix_text
    from autograd.precision import shortened
    problem = None if args.expected is None else number_problem(args.expected, "--expected ")
    if problem is not None:
        return _report_error(args, f"--expected {args.expected.strip()} {problem}")
    matrix = args.expected is not None and is_matrix_text(args.expected)
    variable = None
    if args.expected is not None and not matrix and as_number_text(args.expected) is None:
        variable = args.expected.strip()     # a Python name, as the script spells it (δ2 too)
        if not variable.isidentifier():
            return _report_error(args, f"--expected takes a number as you have it (0.00142919) "
                                       f"or a variable of the script holding your value, got "
                                       f"{shortened(args.expected)!r}; for a formula use --formula")
    found = _graph(args)
    if found is None:
        return 2
    given = args.expected if args.expected is not None else args.formula
    root, wrt, seed, labels, namespace = found
    if variable is not None:
        given = _held(args, namespace, variable)
        if given is _NOTHING:
            return 2
        if not listlike(wrt, sized=True) and not matrix_name(wrt, root):
            refused = _array_for_one_node(args, root, wrt, variable, given)
            if refused:
                return refused
    if args.layout and not matrix_name(wrt, root):
        return _report_error(args, f"--layout applies to matrix questions only (--wrt W2, a "
                                   f"layer's weights), and --wrt {args.wrt} is one node; leave it out")
    several = listlike(wrt, sized=True)     # a script variable holding a matrix of Values
    if several and args.formula is not None:
        first = "[0][0]" if listlike(list(wrt)[0], sized=True) else "[0]"
        return _report_error(args, f"--wrt {args.wrt} holds several Values, and a formula is "
                                   f"checked one entry at a time: --wrt "
                                   f"{_shell_word(args.wrt.strip() + first)} --formula ...")
    try:
        with numbered_as(labels):
            verdict, text = _verdict(args, root, wrt, given, several)
    except (ValueError, KeyError, TypeError) as err:
        return _report_error(args, err)
    note = _seed_note(seed, args.wrt, getattr(verdict, "engine", None))
    return answer(f"{text}\n{note}" if note else text, 0 if verdict else 1)


#: what _held returns after its error (--expected dW2 names no number or array)
_NOTHING = object()


def _held(args, namespace, name):
    """The number or array the script's variable ``name`` holds (--expected dW2, the
    learner's own numpy gradient), or _NOTHING after a one-line error."""
    import os
    from autograd.names import identifier
    script = os.path.basename(args.script)
    if identifier(name) in namespace:     # ｘ typed: the variable x, as Python reads it
        name = identifier(name)
    if name not in namespace:
        _report_error(args, f"--expected {name}: {script} has no variable {name} when it calls "
                            f".backward(), and it is no number; --expected takes a number as "
                            f"you have it (0.00142919) or a variable of the script holding your "
                            f"value; for a formula use --formula")
        return _NOTHING
    held = namespace[name]
    from autograd.value import Value
    if isinstance(held, Value):
        _report_error(args, f"--expected {name}: the script's {name} is a Value "
                            f"({short_repr(held)}), not a number; --expected takes its number: "
                            f"type it, --expected {held.data!r}, or hold {name}.data in a "
                            f"variable of the script and pass that variable's name")
        return _NOTHING
    if isinstance(held, type):
        _report_error(args, f"--expected {name}: the script's {name} is the class "
                            f"{held.__module__}.{held.__qualname__}, not a number or an array "
                            f"of numbers; --expected takes a number as you have it "
                            f"(0.00142919) or a variable of the script holding your value")
        return _NOTHING
    if isinstance(held, (str, bytes, type(None))) or not (
            hasattr(held, "__float__") or hasattr(held, "__len__") or callable(held)):
        _report_error(args, f"--expected {name}: the script's {name} is "
                            f"{type(held).__name__} {short_repr(held)}, not a number or an array "
                            f"of numbers")
        return _NOTHING
    return held


def _array_for_one_node(args, root, wrt, name, held):
    """The one-line error (status 2) for --expected naming a script variable that holds an
    array while --wrt is one node, advising the command line's forms; 0 for a number."""
    from autograd.check import array_words
    matrix = _matrix_holding(root, wrt)
    found = array_words(held, one=f"type that number as --expected, or hold {name}.item() "
                                  f"in the script",
                        many=f"type that entry's number as --expected; a whole matrix is "
                             f"checked by its name, --wrt {matrix or 'W2'} --expected {name}")
    if found is None:
        return 0
    return _report_error(args, f"--expected {name}: the script's {name} is an array of shape "
                               f"{found[0]} ({type(held).__name__}), but --wrt "
                               f"{args.wrt.strip()} is one node, whose gradient is one number: "
                               f"{found[1]}")


def _matrix_holding(root, node):
    """The name of the network's matrix that holds ``node`` (W2, b1 in its layout), or None."""
    from autograd import names
    from autograd.matrix_form import batch_view, matrix_name as name_of_matrix
    n = names.parse(node.name) if isinstance(getattr(node, "name", None), str) else None
    if n is None or n.layer is None or n.base not in ("w", "b") or n.sample is not None:
        return None
    try:
        layout = batch_view(root).layout
    except ValueError:
        return None
    return name_of_matrix("W" if n.base == "w" else "b", int(n.layer), layout)


def _verdict(args, root, wrt, given, several):
    """check()'s verdict on the script's graph and its text, the next step named."""
    from autograd.check import check
    from autograd.matrix_check import check_values
    if several:
        verdict = check_values(root, wrt, given, digits=args.digits, rtol=args.rtol,
                               atol=args.atol, name=args.wrt.strip(),
                               one_entry=lambda entry: _entry_command(args, entry))
    else:
        verdict = check(root, wrt, given, digits=args.digits, rtol=args.rtol,
                        atol=args.atol, limit=args.limit, layout=args.layout)
    return verdict, verdict.text(next_step=_explain_command(args))


def check_arguments(parser):
    _add_common(parser)
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--expected", metavar="NUMBER",
                       help="your value of the gradient, with the digits you have: it agrees "
                            "when the engine's gradient rounds to it (0.00142919: 6 digits); "
                            "or a variable of the script holding it (dW2, your numpy array)")
    given.add_argument("--formula", metavar="TEXT",
                       help="your formula over the graph's node names, e.g. "
                            "\"x*h*(1-h)*w2*y'*(1-y')*(y'-y)\"")
    parser.add_argument("--digits", type=int, default=None, metavar="N",
                        help="the significant digits your value has (default: as typed; a "
                             "formula: full precision)")
    parser.add_argument("--rtol", type=float, default=None,
                        help="relative tolerance for agreement instead of the digits")
    parser.add_argument("--atol", type=float, default=None,
                        help="absolute tolerance for agreement instead of the digits")
    parser.add_argument("--layout", choices=("rows", "columns"), default=None,
                        help="the layout of a matrix question (--wrt W2, --expected '[[...]]'): "
                             "rows (samples as rows, the blog's W1) or columns (Nielsen's W2)")
    traceback_argument(parser)


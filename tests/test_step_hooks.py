"""What a hook did, said in the step where it happens, alike by str(step), the terminal
stepper and the step-through page.

Oracle: the chain rule by hand.  z = 3·x² at x = 2: ∂z/∂x = 6x = 12, and a hook
that multiplies by 10 makes it 120, on x itself or on y = x² (∂z/∂y = 3 -> 30,
then ∂z/∂x = 2x · 30 = 120).
"""

import io
import json
import re

from autograd import Value
from autograd.engine import all_nodes
from autograd.page import step_page
from autograd.stepper import Stepper


def _graph():
    """x = 2, y = x², z = 3·y (= 3·x² = 12)."""
    x = Value(2.0, name="x")
    y = (x * x).named("y")
    z = (y * 3).named("z")
    return x, y, z


def _times_ten(g):
    return 10 * g


def test_a_hook_on_a_leaf_is_said_in_the_step_of_its_last_contribution():
    """Before: the last step said x.grad now 12, and the pass left 120 with no word why."""
    x, y, z = _graph()
    x.register_hook(_times_ten)
    steps = list(z.backward_steps())
    assert [s.hooked for s in steps] == [[], [(x, 12.0, 120.0)]]
    assert str(steps[-1]).splitlines()[-1] == "  a hook on x changed x.grad from 12 to 120"
    assert "hook" not in str(steps[0])
    assert x.grad == 120.0


def test_a_hook_on_a_derived_node_is_said_before_what_it_passes_on():
    """Before: y.grad read 3 after step 1 and 30 in step 2, with no word why."""
    x, y, z = _graph()
    y.register_hook(_times_ten)
    first, second = z.backward_steps()
    assert first.hooked == [] and second.hooked == [(y, 3.0, 30.0)]
    assert second.upstream == 30.0
    lines = str(second).splitlines()
    assert lines[0] == "step 2/2: y = x × x = 4, y.grad = 30 (complete)"
    assert lines[1] == "  a hook on y changed y.grad from 3 to 30"
    assert lines[-1].endswith("(second contribution to x: x.grad now 60 + 60 = 120)")
    assert x.grad == 120.0


def test_no_hook_or_a_hook_that_returns_none_adds_no_text():
    x, y, z = _graph()
    plain = [str(s) for s in z.backward_steps()]
    x.grad = 0.0
    seen = []
    x.register_hook(seen.append)                # looks, changes nothing
    steps = list(z.backward_steps())
    assert seen == [12.0] and [s.hooked for s in steps] == [[], []]
    assert [str(s) for s in steps] == plain
    assert not any("hook" in text for text in plain)


def test_the_terminal_stepper_says_it_in_the_step_and_the_summary():
    """z = 3·y·w with y = x², x = 2, w = 0.5: ∂z/∂w = 3·y = 12 comes in step 1 (w's
    last contribution), a hook makes it 120.  Before: step 1 did not say so, ``p w``
    then said 12 (complete), and the summary said x.grad = 60.25 was "6.0 from this
    pass + 0.25 it held before"; ∂z/∂x = 6x·w = 6 and x's hook makes it 60."""
    x, y, _ = _graph()
    w = Value(0.5, name="w")
    z = (y * 3 * w).named("z")
    w.register_hook(_times_ten)
    x.register_hook(_times_ten)
    x.grad = 0.25
    out = io.StringIO()
    st = Stepper(z, out=out)
    st.command("n")
    assert out.getvalue().splitlines()[-1] == "  a hook on w changed w.grad from 12 to 120"
    st.command("p w")
    assert out.getvalue().splitlines()[-1] == "w = 0.5 (leaf), grad = 120 (complete: 1 contribution)"
    st.command("c")
    text = out.getvalue()
    assert "  a hook on x changed x.grad from 6 to 60\nbackward pass complete" in text
    assert text.endswith(
        "  x.grad = 60.25 (60.0 from this pass + 0.25 it held before; "
        "a hook on x changed x.grad from 6 to 60)\n"
        "  w.grad = 120.0 (a hook on w changed w.grad from 12 to 120)\n")
    assert (x.grad, w.grad) == (60.25, 120.0)


def test_the_page_says_what_str_step_says():
    """The page's frames are str(step), hook lines included, and show 120 for x."""
    x, y, z = _graph()
    x.register_hook(_times_ten)
    y.register_hook(_times_ten)                 # ∂z/∂x = 1200 with both
    page = step_page(z, digits=17)
    found = re.search(r'<script type="application/json" id="steps">(.*?)</script>', page, re.S)
    frames = json.loads(found.group(1).replace("<\\/", "</"))["frames"]
    x.grad = 0.0
    assert [f["text"] for f in frames] == [str(s) for s in z.backward_steps()]
    assert frames[1]["text"].splitlines()[1] == "  a hook on y changed y.grad from 3 to 30"
    assert frames[1]["text"].splitlines()[-1] == "  a hook on x changed x.grad from 120 to 1200"
    x_id = f"v{all_nodes(z).index(x)}"           # the drawing's id of x
    assert float(frames[1]["grads"][x_id]) == 1200.0

"""Node names in Nielsen's notation, their LaTeX forms, and the net/h names.

The input layer is layer 1, so the first hidden layer is layer 2.

    w{l}_{j}{k}   w^l_jk, the weight into layer l from neuron k of layer l-1
                  to neuron j of layer l            (w2_11, w3_12)
    b{l}_{j}      b^l_j, the bias of neuron j of layer l          (b2_1)
    z{l}_{j}      z^l_j = Σ_k w^l_jk a^{l-1}_k + b^l_j            (z2_1)
    a{l}_{j}      a^l_j = σ(z^l_j)                                (a2_1)
    x{k}          the k-th input, a^1_k                           (x1)

When j or k reaches 10 the two indices are separated (``w3_16_12``), so a
name never reads two ways.  A 1-1-1 network can also use the net/h names of
the hand derivations (``MLP([1, 1, 1], names="net")``): see :data:`NET_NAMES`.
"""

from autograd.floats import short_repr
from autograd.names import latex as _latex
from autograd.names import parse as _parse

__all__ = ["weight_name", "bias_name", "z_name", "a_name", "input_name",
           "latex_name", "NET_NAMES"]

#: Nielsen name -> the net/h name for the 1-1-1 network, as hand derivations write it
#: (net1 = x·w1 + b1, h = σ(net1), net2 = h·w2 + b2, y' = σ(net2)).
NET_NAMES = {
    "x1": "x",
    "w2_11": "w1", "b2_1": "b1", "z2_1": "net1", "a2_1": "h",
    "w3_11": "w2", "b3_1": "b2", "z3_1": "net2", "a3_1": "y'",
}


def weight_name(l, j, k):
    """``w{l}_{j}{k}``: w^l_jk (``w3_16_12`` once j or k has two digits)."""
    if j < 10 and k < 10:
        return f"w{l}_{j}{k}"
    return f"w{l}_{j}_{k}"


def bias_name(l, j):
    """``b{l}_{j}``: b^l_j."""
    return f"b{l}_{j}"


def z_name(l, j):
    """``z{l}_{j}``: the weighted input z^l_j."""
    return f"z{l}_{j}"


def a_name(l, j):
    """``a{l}_{j}``: the activation a^l_j."""
    return f"a{l}_{j}"


def input_name(k):
    """``x{k}``: the k-th input."""
    return f"x{k}"


_PLAIN = {"x", "y", "h", "y'", "C", "L"}
_SUBSCRIPTED = {"x", "y", "w", "b", "net"}


def latex_name(name):
    r"""The LaTeX form of an nn node name (:func:`autograd.names.latex`, which every
    picture and explanation uses).

    >>> latex_name("w2_11"), latex_name("b3_1"), latex_name("w3_16_12")
    ('w^{2}_{11}', 'b^{3}_{1}', 'w^{3}_{16,12}')
    >>> latex_name("x2"), latex_name("net1"), latex_name("y'")
    ('x_{2}', '\\mathit{net}_{1}', "y'")

    Raises ValueError for a name outside nn's schemes.
    """
    if not isinstance(name, str):
        raise TypeError(f"latex_name: name must be a str, got {type(name).__name__} {short_repr(name)}")
    parsed = _parse(name)
    known = parsed is not None and parsed.sample is None and (
        parsed.nielsen
        or (parsed.index is not None and parsed.base in _SUBSCRIPTED)
        or name in _PLAIN)
    if not known:
        raise ValueError(
            f"latex_name: {name!r} is not an nn node name; known forms are w{{l}}_{{j}}{{k}} "
            f"(w2_11), b{{l}}_{{j}}, z{{l}}_{{j}}, a{{l}}_{{j}}, x{{k}}, y{{j}}, the net/h "
            f"names w1 b1 net1 h y', and C, L")
    return _latex(name)

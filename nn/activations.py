"""Activation functions by name: a^l_j = f(z^l_j)."""

from autograd import Value, ops
from autograd.floats import short_repr

__all__ = ["ACTIVATIONS", "activation_method", "activations_per_layer"]

#: name -> the Value method that builds a^l = f(z^l), for every op whose record says
#: ``activation=True`` (sigmoid, tanh, relu, ...); "linear" is a^l = z^l (no node)
ACTIVATIONS = {op.name: getattr(Value, op.name) for op in ops.OPS.values() if op.activation}
ACTIVATIONS["linear"] = None


def activation_method(name, where="activation"):
    """The Value method for activation ``name`` (None for "linear").

    An unknown name raises ValueError listing the known ones.
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{where}: unknown activation {name!r}; known: "
            f"{', '.join(map(repr, ACTIVATIONS))}") from None


def activations_per_layer(activation, n_layers):
    """One activation name per non-input layer, from one name or a list of them."""
    if isinstance(activation, str):
        names = [activation] * n_layers
    elif isinstance(activation, (list, tuple)):
        names = list(activation)
        if len(names) != n_layers:
            raise ValueError(
                f"activation: expected one name for every layer after the input "
                f"({n_layers}), got {len(names)}: {names!r}")
    else:
        raise TypeError(
            f"activation must be a name ({', '.join(map(repr, ACTIVATIONS))}) or a list "
            f"with one name per layer, got {type(activation).__name__} {short_repr(activation)}")
    for i, name in enumerate(names):
        activation_method(name, f"activation of layer {i + 2}")
    return names

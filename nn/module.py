"""Module: what every network piece shares (parameters, gradients, saving).

A subclass says which parameters it owns by implementing
``_named_parameters()``, a generator of ``(name, Value)`` pairs in a stable
order; everything else here is built on it.
"""

__all__ = ["Module", "KeyNameError"]


class KeyNameError(KeyError):
    """A KeyError whose message prints as written (KeyError quotes its argument)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class Module:
    """Base of Neuron, Layer and MLP: parameters(), zero_grad(), state_dict()."""

    def _named_parameters(self):
        """Yield ``(name, Value)`` for every trainable parameter, in a stable order."""
        raise NotImplementedError(f"{type(self).__name__} must implement _named_parameters()")

    def named_parameters(self):
        """``{name: Value}`` of the trainable parameters, in parameter order
        (layer by layer, neuron by neuron: w^l_j1 .. w^l_jn, then b^l_j)."""
        return dict(self._named_parameters())

    def parameters(self):
        """The trainable parameters as a list of Values, in the order of named_parameters()."""
        return [value for _, value in self._named_parameters()]

    def parameter(self, name):
        """The parameter called ``name`` (``net.parameter("w2_11")``);
        KeyError listing the known names if there is none."""
        named = self.named_parameters()
        try:
            return named[name]
        except (KeyError, TypeError):
            raise KeyNameError(
                f"{type(self).__name__} has no parameter {name!r}; "
                f"known: {', '.join(named)}") from None

    def zero_grad(self):
        """Set every parameter's ``grad`` to 0.0 (leaves accumulate across backward())."""
        for _, value in self._named_parameters():
            value.grad = 0.0

    def state_dict(self):
        """``{name: float}`` of the parameters' current values.

        ``json.loads(json.dumps(net.state_dict()))`` gives back the same
        floats bit for bit (JSON writes floats with Python's shortest
        round-tripping repr).
        """
        return {name: value.data for name, value in self._named_parameters()}

    def load_state_dict(self, state):
        """Set the parameters from ``{name: number}``.

        Every key must name a parameter and every parameter must have a key;
        a missing or extra key, or a value that is not a real number, raises
        an error naming the key, and then no parameter has been changed.
        """
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict: expected a dict of name -> number, "
                            f"got {type(state).__name__}")
        named = self.named_parameters()
        missing = [name for name in named if name not in state]
        extra = [repr(key) for key in state if key not in named]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing key(s) {', '.join(map(repr, missing))}")
            if extra:
                parts.append(f"unexpected key(s) {', '.join(extra)}")
            raise KeyNameError(f"load_state_dict: {'; '.join(parts)} "
                           f"(this {type(self).__name__} has: {', '.join(named)})")
        numbers = {name: _number(name, state[name]) for name in named}
        for name, value in named.items():
            value.data = numbers[name]

    def __repr__(self):
        return f"{type(self).__name__}({len(self.parameters())} parameters)"


def _number(key, x):
    """``x`` as a float, or a TypeError naming ``key``."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"load_state_dict: {key!r} must be a real number (int or float), "
                        f"got {type(x).__name__} {x!r}")
    return float(x)  # NaN and ±inf load as they are: they are numbers

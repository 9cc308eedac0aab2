"""Module: what every network piece shares (parameters, gradients, freezing, saving).

A subclass says which parameters it owns by implementing
``_named_parameters()``, a generator of ``(name, Value)`` pairs in a stable
order (frozen ones included); everything else here is built on it.

Freezing a parameter keeps its number fixed: it leaves ``parameters()``
(so an optimiser built afterwards never steps it), the forward pass uses a
constant node with its number instead of the parameter itself (so
``backward()`` never reaches it and its ``.grad`` stays 0), and
``state_dict()`` still saves it.  Which parameters are frozen is state of
the network: each neuron (the module that owns its parameters) keeps the set
of its frozen ones, and a layer or network asks its neurons.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from autograd.engine import taking_turns
from autograd.floats import short_repr
from autograd.interrupts import deferred_interrupts
from autograd.jit import forget_traces
from autograd.names import printable

if TYPE_CHECKING:
    from typing_extensions import Self

    from autograd import Value

__all__ = ["Module", "Parameters", "KeyNameError", "is_frozen", "freeze_version"]

#: how many times any module froze or unfroze parameters (caches that depend on
#: the freeze state compare it, instead of asking every neuron)
_FREEZES = [0]


def freeze_version() -> int:
    """A number that changes whenever any module freezes or unfreezes a parameter."""
    return _FREEZES[0]


def is_frozen(value: Value, module: Module) -> bool:
    """True when the parameter ``value`` is frozen in ``module`` (``module.is_frozen``)."""
    return module.is_frozen(value)


class Parameters(list["Value"]):
    """The list ``module.parameters()`` returns: the trainable parameters, and in
    ``module`` the network they came from, so that an optimiser built from them
    skips a parameter frozen later; a slice (``net.parameters()[:4]``) remembers it
    too, a list of your own or a sum of lists is a plain list)."""

    module: Module

    def __init__(self, values: Iterable[Value], module: Module) -> None:
        super().__init__(values)
        self.module = module

    def __getitem__(self, index):
        """A parameter, or for a slice the Parameters of the same network."""
        got = super().__getitem__(index)
        return Parameters(got, self.module) if isinstance(index, slice) else got


class KeyNameError(KeyError):
    """A KeyError whose message prints as written (KeyError quotes its argument)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class Module:
    """Base of Neuron, Layer and MLP: parameters(), zero_grad(), freeze(), state_dict()."""

    def _named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``(name, Value)`` for every parameter (frozen ones too), in a stable order."""
        raise NotImplementedError(f"{type(self).__name__} must implement _named_parameters()")

    def named_parameters(self) -> dict[str, Value]:
        """``{name: Value}`` of the trainable (not frozen) parameters, in parameter
        order (layer by layer, neuron by neuron: w^l_j1 .. w^l_jn, then b^l_j)."""
        frozen = self.frozen_values()
        return {name: value for name, value in self._named_parameters() if value not in frozen}

    def parameters(self) -> list[Value]:
        """The trainable (not frozen) parameters as a list of Values, in the order of
        named_parameters(): what an optimiser steps."""
        frozen = self.frozen_values()
        values = map(itemgetter(1), self._named_parameters())
        return Parameters(values if not frozen else
                          (value for value in values if value not in frozen), self)

    def parameter(self, name: str) -> Value:
        """The parameter called ``name`` (``net.parameter("w2_11")``), frozen or not;
        KeyError listing the known names if there is none."""
        named = dict(self._named_parameters())
        try:
            return named[name]
        except (KeyError, TypeError):
            raise KeyNameError(
                f"{type(self).__name__} has no parameter {short_repr(name)}; "
                f"known: {', '.join(map(printable, named))}") from None

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (leaves accumulate across backward());
        Ctrl-C meanwhile is held until all are; in its turn (``engine.taking_turns``),
        so another thread's pass cannot undo it."""
        with taking_turns, deferred_interrupts():
            self._zero_grads()

    def _zero_grads(self) -> None:
        """zero_grad()'s work (a module with more to zero extends this)."""
        for _, value in self._named_parameters():
            value.grad = 0.0

    # -- freezing ------------------------------------------------------------

    def freeze(self, *names: str) -> Self:
        """Freeze the parameters called ``names`` (all of this module's when none is
        given): they keep their numbers, leave ``parameters()``, and their ``.grad``
        is set to 0 and stays 0.  An unknown name raises KeyError naming it, and then
        nothing is frozen.  Returns the module.

        An optimiser built from ``parameters()`` before skips them from then on,
        and every jitted function whose trace reaches them changes to the trace of
        the new freeze state, traced at its next call unless kept from before
        (freezing and unfreezing change what a trace records: the generated code
        writes a frozen parameter's number as a literal, and traces again when that
        number has changed).
        """
        values = self._parameters_called(names, "freeze")
        holders = self._holder_of()
        with deferred_interrupts():     # Ctrl-C: all frozen, then the KeyboardInterrupt
            for value in values:
                value.grad = 0.0
                holders[id(value)]._frozen_set().add(value)
            _FREEZES[0] += 1
            forget_traces(values, frozen=True)
        return self

    def unfreeze(self, *names: str) -> Self:
        """Make the parameters called ``names`` (all of this module's when none is
        given) trainable again; an unknown name raises KeyError, and then nothing
        changes.  Returns the module."""
        values = self._parameters_called(names, "unfreeze")
        holders = self._holder_of()
        with deferred_interrupts():     # Ctrl-C: all unfrozen, then the KeyboardInterrupt
            for value in values:
                holders[id(value)]._frozen_set().discard(value)
            _FREEZES[0] += 1
            forget_traces(values, frozen=False)
        return self

    def frozen(self) -> list[str]:
        """The names of this module's frozen parameters, in parameter order."""
        frozen = self.frozen_values()
        return [name for name, value in self._named_parameters() if value in frozen]

    def is_frozen(self, value: Value) -> bool:
        """True when the parameter ``value`` is frozen in this module."""
        return value in self.frozen_values()

    def frozen_values(self) -> frozenset[Value] | set[Value]:
        """The frozen parameter Values of this module (asked of the modules that own them)."""
        sets = [found for found in map(Module._frozen_set, self._holders()) if found]
        if not sets:
            return frozenset()
        return sets[0] if len(sets) == 1 else set().union(*sets)

    def _holders(self) -> Iterable[Module]:
        """The modules that own this module's parameters and keep their frozen
        sets (a neuron owns its weights and bias; a module of your own owns its
        ``_named_parameters()``)."""
        return (self,)

    def _frozen_set(self) -> set[Value]:
        """This module's own frozen parameters (the set freeze() and unfreeze() change)."""
        try:
            return self.__dict__["_frozen"]
        except KeyError:
            return self.__dict__.setdefault("_frozen", set())

    def _holder_of(self) -> dict[int, Module]:
        """``{id(parameter): the module that owns it}``."""
        return {id(value): holder for holder in self._holders()
                for _, value in holder._named_parameters()}

    def _parameters_called(self, names, where):
        """The parameter Values called ``names`` (every parameter for no names),
        all checked before any is returned."""
        named = dict(self._named_parameters())
        if not names:
            return list(named.values())
        unknown = [name for name in names if not isinstance(name, str) or name not in named]
        if unknown:
            raise KeyNameError(
                f"{where}: {type(self).__name__} has no parameter "
                f"{', '.join(map(short_repr, unknown))}; known: {', '.join(map(printable, named))}")
        return [named[name] for name in names]

    def state_dict(self) -> dict[str, float]:
        """``{name: float}`` of every parameter's current value, frozen ones included.

        ``json.loads(json.dumps(net.state_dict()))`` gives back the same
        floats bit for bit (JSON writes floats with Python's shortest
        round-tripping repr).  Read in one turn (``engine.taking_turns``): a step
        in another thread comes before or after, not halfway.
        """
        with taking_turns:
            return {name: value.data for name, value in self._named_parameters()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Set the parameters from ``{name: number}``.

        Every key must name a parameter and every parameter must have a key;
        a missing or extra key, or a value that is not a finite real number
        (NaN and ±inf are refused), raises an error naming the key, and then
        no parameter has been changed.  Ctrl-C
        while they are written is held until all are.
        """
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict: expected a dict of name -> number, "
                            f"got {type(state).__name__}")
        named = dict(self._named_parameters())
        missing = [name for name in named if name not in state]
        extra = [short_repr(key) for key in state if key not in named]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing key(s) {', '.join(map(repr, missing))}")
            if extra:
                parts.append(f"unexpected key(s) {', '.join(extra)}")
            raise KeyNameError(f"load_state_dict: {'; '.join(parts)} "
                           f"(this {type(self).__name__} has: {', '.join(map(printable, named))})")
        numbers = {name: _number(name, state[name]) for name in named}
        with taking_turns, deferred_interrupts():   # Ctrl-C: all loaded, then the interrupt
            for name, value in named.items():
                value.data = numbers[name]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(list(self._named_parameters()))} parameters)"


def _number(key, x):
    """``x`` as a finite float (numpy scalars too), or an error naming ``key``: a NaN
    or ±inf parameter would first show itself as a training loss of nan."""
    from autograd.floats import as_float
    where = f"load_state_dict: {key!r}"
    number = as_float(x, where)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number, got {number!r}")
    return number

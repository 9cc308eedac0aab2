"""Optimisers: SGD (momentum, dampening, Nesterov, weight decay, ascent), Adam (L2 weight decay,
AMSGrad) and AdamW (decoupled weight decay), each in torch.optim's form.

An update is plain float arithmetic on ``.data``: it records no nodes, so
the next forward pass starts from fresh leaves with the new numbers.  A
parameter frozen in the network the optimiser's parameters came from
(``net.parameters()``, then ``net.freeze(...)``) is skipped from then on.
``opt.state_dict()`` and ``opt.load_state_dict(state)`` save and restore the
settings and the per-parameter state as plain numbers (JSON takes them).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, KeysView, Set as AbstractSet
from itertools import repeat
from typing import TYPE_CHECKING, Any
from operator import add, attrgetter, mul, sub, truediv

from autograd import Value
from autograd.engine import taking_turns
from autograd.floats import as_float, idiv, listlike, short_repr
from autograd.interrupts import deferred_interrupts

from .arguments import flag, is_int
from .resident import (STATE_LISTS, ParameterList, ResidentValue, _consume, _data, _set_data,
                       float_grads, store_of)


__all__ = ["SGD", "Adam", "AdamW", "deferred_interrupts"]


_op_of = attrgetter("_opr")


def _resident_state(key, check=None):
    """An optimiser's attribute that a parameter store may hold in arrays while the
    parameters are resident (:mod:`nn.resident`): reading or setting it writes the
    store back first; ``check(owner, key, value)`` checks a value set."""
    def get(self):
        store = self.__dict__.get("_resident")
        if store is not None:
            store.write_back()
        return self.__dict__[key]

    def set_(self, value):
        if check is not None:
            value = check(type(self).__name__, key, value)
        store = self.__dict__.get("_resident")
        if store is not None:
            store.write_back()
        self.__dict__[key] = value
    return property(get, set_)


class _ParameterSlot:
    """``optimizer.parameters``: an assignment (the constructor's too) is checked and
    kept as a :class:`ParameterList` of its own, whose changes in place a parameter
    store sees; a read is the instance's attribute (no ``__get__``: full speed)."""

    def __set__(self, optimizer, parameters):
        optimizer.__dict__["parameters"] = _unique_values(parameters, type(optimizer).__name__)


def _real(x):
    """``x`` as a finite float when it is a real number as :func:`as_float` reads one
    (int, float, a real numpy scalar or 0-d array, a 0-d tensor; not a bool), else None."""
    try:
        x = as_float(x)
    except (TypeError, OverflowError):    # (an int too large for a float: not finite)
        return None
    return x if math.isfinite(x) else None


def _positive(owner, what, x):
    number = _real(x)
    if number is None or not number > 0:
        raise ValueError(f"{owner}: {what} must be a positive finite number, got {short_repr(x)}")
    return number


def _non_negative(owner, what, x):
    number = _real(x)
    if number is None or not number >= 0:
        raise ValueError(f"{owner}: {what} must be a non-negative finite number, got {short_repr(x)}")
    return number


def _fraction(owner, what, x):
    number = _real(x)
    if number is None or not 0.0 <= number < 1.0:
        raise ValueError(f"{owner}: {what} must be a number in [0, 1), got {short_repr(x)}")
    return number


def _unit(owner, what, x):
    number = _real(x)
    if number is None or not 0.0 <= number <= 1.0:
        raise ValueError(f"{owner}: {what} must be a number in [0, 1], got {short_repr(x)}")
    return number


def _unordered(items):
    """Whether ``items`` is a set, whose order is its items' hashes (ids for Values): a
    dict's keys, in the order they were put in, are not."""
    return isinstance(items, AbstractSet) and not isinstance(items, KeysView)


def _betas(owner, what, betas):
    unordered = _unordered(betas)
    numbers = ([_real(b) for b in betas] if listlike(betas, sized=True) and len(betas) == 2
               and not unordered else [None])
    if not all(b is not None and 0.0 <= b < 1.0 for b in numbers):
        raise ValueError(f"{owner}: {what} must be two numbers (β1, β2), each in [0, 1), "
                         f"{'in order (a list or tuple), ' if unordered else ''}"
                         f"got {short_repr(betas)}")
    return (numbers[0], numbers[1])


def _flag(owner, what, x):
    return flag(x, f"{owner}: {what}")


def _finite(owner, what, x):
    number = _real(x)
    if number is None:
        raise ValueError(f"{owner}: {what} must be a finite number, got {short_repr(x)}")
    return number


def _buffer(owner, what, x):
    """SGD's velocity: a finite number, or None for a parameter with no momentum buffer
    yet (torch.optim's momentum_buffer None: its first momentum step sets v <- g)."""
    return None if x is None else _finite(owner, what, x)


#: the check of each per-parameter state entry (keyed as STATE_LISTS) on loading:
#: v, a running mean of g², and AMSGrad's v_max are never negative (√v̂ in Adam's step)
_STATE_CHECKS = {"velocity": _buffer, "m": _finite, "v": _non_negative, "v_max": _non_negative}


def _step_count(owner, what, x):
    if not (is_int(x) and x >= 0):
        raise ValueError(f"{owner}: {what} (the step count) must be an int >= 0, "
                         f"got {short_repr(x)}")
    return operator.index(x)


class _Checked:
    """A setting of an optimiser (lr, momentum, ...): every assignment, the constructor's
    and a later ``opt.lr = ...`` alike, is checked by ``check(owner, name, value)``, so
    a bad one is refused in one line before any step; a read is the instance's
    attribute (no ``__get__``: full speed)."""

    def __init__(self, check):
        self.check = check

    def __set_name__(self, owner, name):
        self.name = name

    def __set__(self, optimizer, value):
        value = self.check(type(optimizer).__name__, self.name, value)
        optimizer._check_together({**optimizer.__dict__, self.name: value})
        optimizer.__dict__[self.name] = value


class _Switch(_Checked):
    """AMSGrad's switch, ``amsgrad``: switched on after the constructor (False, then
    True) it starts v_max again from v, v_max <- v, so that v̂ = max(v_max, v) counts
    the steps from there on and not a v_max left from an earlier time it was on.
    The switch and v_max change together, in one turn (``engine.taking_turns``) that
    Ctrl-C cannot split."""

    def __set__(self, optimizer, value):
        with taking_turns:
            was = optimizer.__dict__.get(self.name, True)   # (the constructor: nothing yet)
            value = self.check(type(optimizer).__name__, self.name, value)
            v = list(optimizer._v) if value and not was else None
            with deferred_interrupts():
                super().__set__(optimizer, value)
                if v is not None:
                    optimizer._v_max = v


class Optimizer:
    """What SGD and Adam share: the parameter list, zero_grad() and the checks."""

    #: settings added after the first release, with the value that means "off": a
    #: state_dict() or a pickle from before them loads with these
    _added_settings: dict[str, Any] = {}

    if TYPE_CHECKING:
        @property
        def parameters(self) -> list[Value]: ...

        @parameters.setter
        def parameters(self, parameters: Iterable[Value]) -> None: ...
    else:
        parameters = _ParameterSlot()

    def __init__(self, parameters: Iterable[Value]) -> None:
        #: the network ``parameters`` came from (``net.parameters()``), asked which are frozen
        self.module = getattr(parameters, "module", None)
        self.parameters = parameters      # checked, as a ParameterList (_ParameterSlot)
        # the later settings off, for a subclass whose __init__ sets only those it knows
        self.__dict__.update(self._added_settings)
        self._aligned_to = _order(self.parameters)
        self._unstarted(self.parameters)
        #: the state of parameters taken out of the list, kept for their return
        self._parked: dict[Value, dict[str, float]] = {}

    def align_state(self) -> None:
        """Make the per-parameter state (SGD's velocity, Adam's m and v) follow its
        parameter after ``parameters`` changed (assigned, or edited in place): the
        lists are kept by position, so a parameter removed, added or moved would
        take another's state.  A parameter new to the list starts at 0; one taken
        out keeps its state for its return, as PyTorch keys state by tensor."""
        params = self.parameters
        old_list, changes, old = self._aligned_to
        if old_list is params and changes == _changes(params):
            return
        _check_leaves(params, f"{type(self).__name__}.parameters")   # edited in place
        attrs = [attr for attr in STATE_LISTS.values() if hasattr(self, attr)]
        held = dict(self._parked)
        held.update(zip(old, [dict(zip(attrs, numbers))       # (a list: no generator left
                              for numbers in zip(*[getattr(self, a) for a in attrs])]))  # open)
        zero = dict.fromkeys(attrs, 0.0)
        aligned = [held.get(p, zero) for p in params]
        kept = set(params)
        parked = {p: state for p, state in held.items() if p not in kept}
        new = [p for p in params if p not in held]
        with deferred_interrupts():
            for attr in attrs:
                setattr(self, attr, [state[attr] for state in aligned])
            self._parked = parked
            self._aligned_to = _order(params)
            self._unstarted(new)

    def state_dict(self) -> dict[str, Any]:
        """The optimiser's settings and state as plain floats, ints, bools and lists
        (``json.dumps`` takes it), in PyTorch's layout::

            {"optimizer": "Adam", "t": 3,                      (t: Adam's step count)
             "param_groups": [{"lr": ..., "betas": [β1, β2], ..., "params": [0, 1, ...]}],
             "state": [{"m": ..., "v": ...}, ...]}             (SGD: {"velocity": ...})

        ``state[i]`` belongs to ``parameters[i]`` (torch.optim's own state_dict() for
        ``net.to_torch()``: :func:`nn.torch_bridge.state_to_torch`).  The numbers are the current
        ones, whichever backend stepped last, read in one turn (``engine.taking_turns``):
        a step in another thread comes before or after, not halfway."""
        with taking_turns:
            return self._state_dict()

    def _state_dict(self):
        self.align_state()            # reads the lists: a parameter store writes back
        group: dict[str, Any] = {name: getattr(self, name) for name in self._settings()}
        if "betas" in group:
            group["betas"] = list(group["betas"])
        group["params"] = list(range(len(self.parameters)))
        keys = self._state_keys()
        lists = [getattr(self, STATE_LISTS[key]) for key in keys]
        out: dict[str, Any] = {"optimizer": self._kind()}
        if hasattr(self, "t"):
            out["t"] = self.t
        out["param_groups"] = [group]
        out["state"] = [dict(zip(keys, numbers)) for numbers in zip(*lists)]
        return out

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Set the settings and state from :meth:`state_dict`'s dict (after JSON too),
        or from torch.optim's ``state_dict()`` for ``net.to_torch()`` (the optimiser of
        an nn.MLP's parameters: :func:`nn.torch_bridge.state_from_torch`).

        A missing or unknown key, a count of parameters other than this
        optimiser's, a non-number or a number out of range (lr <= 0, v < 0,
        ...), another optimiser's state: one line naming the key (and the
        parameter's index), and then nothing has changed.  Ctrl-C while it is
        written is held until all is; a step in another thread comes before or after."""
        with taking_turns:
            self._load_state_dict(state)

    def _load_state_dict(self, state):
        where = f"{type(self).__name__}.load_state_dict"
        if _torch_layout(state):
            from .torch_bridge import state_from_torch
            state = state_from_torch(self, state)
        kind, settings = self._kind(), self._settings()
        self.align_state()
        n = len(self.parameters)
        top = ["optimizer", "param_groups", "state"] + (["t"] if hasattr(self, "t") else [])
        if isinstance(state, dict) and not _same(state.get("optimizer", kind), kind):
            raise ValueError(f"{where}: 'optimizer' is {short_repr(state['optimizer'])}, "
                             f"but this is {kind!r}: load the state_dict() of the same kind of optimiser")
        _exact_keys(state, top, where, "the state")
        groups = state["param_groups"]
        if not (isinstance(groups, list) and len(groups) == 1):
            raise ValueError(f"{where}: 'param_groups' must be a list of one dict, "
                             f"got {short_repr(groups)}")
        group = groups[0]
        if isinstance(group, dict):       # one saved before a setting was added: its "off"
            group = {**{k: v for k, v in self._added_settings.items() if k not in group}, **group}
        _exact_keys(group, list(settings) + ["params"], where, "param_groups[0]")
        if not _same(group["params"], list(range(n))):
            raise ValueError(f"{where}: param_groups[0]['params'] must be [0, ..., {n - 1}] "
                             f"(this {type(self).__name__} has {n} parameters), "
                             f"got {short_repr(group['params'])}")
        new = {name: check.check(f"{where}: param_groups[0]", repr(name), group[name])
               for name, check in settings.items()}
        self._check_together(new, f"{where}: param_groups[0]")
        keys = self._state_keys(new)
        t = _step_count(where, "'t'", state["t"]) if "t" in top else None
        entries = state["state"]
        if not isinstance(entries, list):
            raise TypeError(f"{where}: 'state' must be a list with one dict per parameter, "
                            f"got {type(entries).__name__}")
        if len(entries) != n:
            raise ValueError(f"{where}: 'state' has {len(entries)} entries, but this "
                             f"{type(self).__name__} has {n} parameters")
        columns: dict[str, list[float]] = {key: [] for key in keys}
        for i, entry in enumerate(entries):
            _exact_keys(entry, keys, where, f"state[{i}]")
            for key in keys:
                columns[key].append(_STATE_CHECKS[key](where, f"state[{i}][{key!r}]", entry[key]))
        unused = [key for key in self._state_keys({}, every=True) if key not in keys]
        fresh = None
        if "velocity" in columns:     # None: no momentum buffer yet (SGD._fresh)
            fresh = {p for p, v in zip(self.parameters, columns["velocity"]) if v is None}
            columns["velocity"] = [0.0 if v is None else v for v in columns["velocity"]]
        with deferred_interrupts():   # Ctrl-C: all loaded, then the KeyboardInterrupt
            for key in keys:
                setattr(self, STATE_LISTS[key], columns[key])
            for key in unused:        # (AMSGrad's v_max, when the state has none: 0)
                setattr(self, STATE_LISTS[key], [0.0] * n)
            if t is not None:
                self.t = t
            for name, value in new.items():
                self.__dict__[name] = value
            self._parked = {}
            self._aligned_to = _order(self.parameters)
            if fresh is not None:
                self._fresh = fresh

    def _unstarted(self, params: list[Value]) -> None:
        """``params``, new to the list, start without per-parameter state of their own
        (SGD: no momentum buffer); nothing to do here."""

    def _array_state(self, index: list[int]) -> dict[str, Any]:
        """Per-parameter state for :meth:`array_rule` that no STATE_LISTS list keeps,
        for the parameters ``index`` (SGD: which have no momentum buffer yet); none here."""
        return {}

    def _counted(self) -> str:
        """``"13 parameters"`` (``"1 parameter"``), as the repr says them."""
        n = len(self.parameters)
        return f"{n} parameter{'s' if n != 1 else ''}"

    def _kind(self) -> str:
        """The name of nn's optimiser this one is (a subclass of Adam: "Adam")."""
        # (a loop, not next() of a generator: one left unfinished is closed when freed, and
        # a Ctrl-C that lands as it closes is printed and dropped by Python)
        for cls in type(self).__mro__:
            if cls in _KINDS:
                return cls.__name__
        raise AssertionError("an optimiser derives from SGD or Adam")

    @classmethod
    def _settings(cls) -> dict[str, _Checked]:
        """The settings (lr, momentum, ...): the checked attributes, name -> descriptor."""
        return {name: attr for klass in reversed(cls.__mro__)
                for name, attr in vars(klass).items() if isinstance(attr, _Checked)}

    def _state_keys(self, settings: dict[str, Any] | None = None, every: bool = False) -> list[str]:
        """The keys of the per-parameter state this optimiser keeps (STATE_LISTS) and saves
        with ``settings`` (None: its own): v_max only with AMSGrad (``every``: all kept)."""
        amsgrad = (self.__dict__ if settings is None else settings).get("amsgrad", False)
        return [key for key, attr in STATE_LISTS.items() if hasattr(type(self), attr)
                and (every or amsgrad or key != "v_max")]

    def _check_together(self, settings: dict[str, Any], owner: str | None = None) -> None:
        """A ValueError when ``settings`` (name -> value) do not go together (SGD's
        nesterov without momentum); ``owner`` begins the message (None: the class)."""

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 before the next backward(), in its turn
        (``engine.taking_turns``): another thread's pass ends first, and cannot undo it."""
        with taking_turns:
            store = self._store()
            if store is not None and store.zero_grad(self):
                return
            self.align_state()        # (a list edited in place is checked first)
            _consume(map(setattr, self.parameters, repeat("grad"), repeat(0.0)))

    def _store(self):
        """The store holding this optimiser's parameters in arrays, if any: then
        zero_grad() and step() run there (:mod:`nn.resident`)."""
        return self.__dict__.get("_resident") or store_of(self.parameters)

    def __getstate__(self):
        """Pickling and copying see the numbers, not the arrays of a store."""
        store = self.__dict__.get("_resident")
        if store is not None:
            store.write_back()
        state = dict(self.__dict__)
        state.pop("_resident", None)
        return state

    def __setstate__(self, state):
        """Unpickling: a pickle from before a setting was added gets its "off" value."""
        self.__dict__.update({**self._added_settings, **state})

    def _frozen(self):
        """The parameters frozen in the network they came from (empty: none)."""
        return self.module.frozen_values() if self.module is not None else ()

    def _array_step(self, t):
        """step() of a subclass with its own ``array_rule``: that rule over the stepped
        parameters as one array (the numpy backend runs it on a layer's arrays), so
        both backends step by it; ``t`` the new step count (None: none is kept).
        Computed first, then written in one pass that Ctrl-C cannot split."""
        import numpy as np
        stepped, grads = self._stepped_grads()
        index = [i for i, _ in stepped]
        lists = {key: getattr(self, attr) for key, attr in STATE_LISTS.items()
                 if hasattr(self, attr)}
        state = {key: np.array([numbers[i] for i in index], dtype=float)
                 for key, numbers in lists.items()}
        state.update(self._array_state(index))
        w = np.array([p.data for _, p in stepped], dtype=float)
        new, new_state = self.array_rule(w, np.array(grads, dtype=float), state, t)
        new = np.broadcast_to(np.asarray(new, dtype=float), w.shape).tolist()
        new_lists = {key: np.broadcast_to(np.asarray(value, dtype=float), w.shape).tolist()
                     for key, value in new_state.items() if key in lists}
        with deferred_interrupts():
            if t is not None:
                self.t = t
            for (_, p), x in zip(stepped, new):
                p.data = x
            for key, values in new_lists.items():
                numbers = lists[key]
                for i, x in zip(index, values):
                    numbers[i] = x
            self._started([p for _, p in stepped])

    def _started(self, stepped: list[Value], momentum: bool | None = None) -> None:
        """After a step of ``stepped`` (``momentum``: whether it moved their momentum
        buffers; None: as the settings say): SGD's buffers exist; nothing here."""

    def runs_as_its_rule(self) -> bool:
        """True when zero_grad() and step() are nn's own, so that nn.train's numpy
        backend may run them, with the batch's gradients, as one commit on the arrays
        (``array_rule``); a subclass that overrides either has them called instead."""
        cls = type(self)
        return cls.zero_grad is Optimizer.zero_grad and getattr(cls, "step", None) in _OWN_STEPS

    def zero_sign_blind(self) -> bool:
        """True when a gradient of −0.0 moves every weight that is not −0.0 exactly as
        +0.0 does (so a parameter store need not turn the program's −0.0 into the
        +0.0 of .grad before the step)."""
        return False

    def arrays_rule(self, W, G, states, t, spare):
        """:meth:`array_rule` over every entry of a parameter store at once, each new
        w written into its ``spare`` array: ``(new Ws, new states)``."""
        new_W, new_states = zip(*map(self.array_rule, W, G, states, repeat(t), spare))
        return list(new_W), list(new_states)

    def _stepped(self):
        """``(i, p)`` for every parameter that is not frozen."""
        frozen = self._frozen()
        if not frozen:
            return enumerate(self.parameters)
        return ((i, p) for i, p in enumerate(self.parameters) if p not in frozen)

    def _stepped_grads(self):
        """``(list of (i, p) from _stepped(), their g = ∂C/∂w as floats)``: a .grad that
        is None or not a real number is refused, naming the parameter (float_grads)."""
        where = f"{type(self).__name__}.step"
        if not self._frozen():
            params = self.parameters
            return list(enumerate(params)), float_grads(params, where, range(len(params)))
        stepped = list(self._stepped())
        return stepped, float_grads([p for _, p in stepped], where, [i for i, _ in stepped])


def _torch_layout(state: Any) -> bool:
    """Whether ``state`` is torch.optim's state_dict(): no 'optimizer' key, and its
    'state' a dict keyed by tensor number (nn's is a list, one entry per parameter)."""
    return (isinstance(state, dict) and "optimizer" not in state
            and isinstance(state.get("state"), dict))


def _changes(params: Any) -> int:
    """How many times the :class:`ParameterList` ``params`` was changed in place."""
    return params.changes


def _order(params: Any) -> tuple[Any, int, list[Value]]:
    """``(the ParameterList, its count of changes, a copy of it)``: the order an
    optimiser's state lists are in."""
    return params, params.changes, list(params)


def _sgd_into(lr, w, g, out):
    """w − η g written into ``out`` (an array of w's shape; None: a new one, as for an
    array the step before did not replace): η g, then the difference."""
    import numpy as np
    out = np.multiply(lr, g, out=out)
    return np.subtract(w, out, out=out)


class SGD(Optimizer):
    """SGD over ``parameters`` with learning rate ``lr`` (η) and optional momentum μ.

    Without momentum:  w <- w − η g           (g = ∂C/∂w, the parameter's .grad)
    With momentum:     v <- μ v + g,  w <- w − η v   (v starts at 0; PyTorch's form).
    ``dampening`` τ: v <- μ v + (1 − τ) g, except at a parameter's first momentum
    step, v <- g (as torch.optim.SGD, whose buffer starts there).
    ``nesterov=True`` (needs μ > 0, τ = 0): w <- w − η (g + μ v), v as above.
    ``weight_decay`` λ (L2): g <- g + λ w first, as torch.optim.SGD.
    ``maximize=True`` climbs instead (gradient ascent, g replaced by −g): w <- w + η g.
    """

    _added_settings = {"weight_decay": 0.0, "nesterov": False, "dampening": 0.0}

    def __init__(self, parameters: Iterable[Value], lr: float, momentum: float = 0.0, *,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 maximize: bool = False) -> None:
        super().__init__(parameters)
        self.lr, self.momentum, self.maximize = lr, momentum, maximize   # checked (_Checked)
        self.dampening, self.weight_decay, self.nesterov = dampening, weight_decay, nesterov
        self._velocity = [0.0] * len(self.parameters)

    #: the parameters with no momentum buffer yet (torch.optim's None; an instance's own
    #: set from Optimizer.__init__ on): their v is 0.0, and their first momentum step
    #: sets v <- g, undamped
    _fresh: set[Value] = frozenset()    # type: ignore[assignment]

    def _state_dict(self):
        """The velocity of a parameter with no momentum buffer yet is None (torch.optim's
        missing momentum_buffer), with or without dampening: a 0.0 would load as a buffer,
        and a dampening set after the load would damp its first momentum step."""
        out = super()._state_dict()
        if self._fresh:
            for p, entry in zip(self.parameters, out["state"]):
                if p in self._fresh:
                    entry["velocity"] = None
        return out

    def __setstate__(self, state):
        """Unpickling one from before dampening: every buffer started (as it stepped)."""
        super().__setstate__(state)
        self.__dict__.setdefault("_fresh", set())

    def step(self) -> None:
        """Move every parameter one step against its gradient (along it with maximize).

        All or nothing: the new numbers are computed first, then written in one
        pass that Ctrl-C cannot split; in its turn (``engine.taking_turns``), so it
        reads no other thread's partial sums from ``.grad``."""
        with taking_turns:
            store = self._store()
            if store is not None and not self._starts_buffers() and store.step(self):
                return
            self.align_state()
            if type(self).array_rule is not SGD.array_rule:
                self._array_step(None)
                return
            lr, mu = self.lr, self.momentum
            if not self._frozen():
                self._step_all(lr, mu)
                return
            sign = -1.0 if self.maximize else 1.0
            velocity, decay, nesterov = self._velocity, self.weight_decay, self.nesterov
            stepped, grads = self._stepped_grads()
            dampening = self.dampening
            fresh = self._fresh if dampening else ()    # (read after the store wrote back)
            new = [sgd_rule(p.data, sign * g, velocity[i], lr, mu, decay, nesterov, dampening,
                            p in fresh)
                   for (i, p), g in zip(stepped, grads)]
            with deferred_interrupts():
                for (i, p), (w, v) in zip(stepped, new):
                    p.data = w
                    velocity[i] = v
                self._started([p for _, p in stepped])

    def _step_all(self, lr, mu):
        """step() when nothing is frozen: :func:`sgd_rule` over every parameter at
        once, as maps over the lists (the same operations in the same order)."""
        params = self.parameters
        grads = float_grads(params, f"{type(self).__name__}.step", range(len(params)))
        if self.maximize:
            grads = list(map(mul, repeat(-1.0), grads))
        decay = self.weight_decay
        if decay:
            grads = list(map(add, grads, map(mul, repeat(decay), map(_data, params))))
        velocity = None
        if mu:
            if self.dampening:
                velocity = self._buffers(params, grads)
            else:
                velocity = list(map(add, map(mul, repeat(mu), self._velocity), grads))
            grads = (list(map(add, grads, map(mul, repeat(mu), velocity))) if self.nesterov
                     else velocity)
        new = list(map(sub, map(_data, params), map(mul, repeat(lr), grads)))
        with deferred_interrupts():
            _consume(map(_set_data, params, new))
            if velocity is not None:
                self._velocity[:] = velocity
                if self._fresh:
                    self._fresh = self._fresh.difference(params)

    def _buffers(self, params, grads):
        """The velocities after a momentum step of every parameter (nothing frozen):
        v <- μ v + (1 − τ) g, and v <- g for one without a buffer yet."""
        mu, kept, fresh = self.momentum, 1.0 - self.dampening, self._fresh
        if not fresh:
            return list(map(add, map(mul, repeat(mu), self._velocity), map(mul, repeat(kept), grads)))
        return [g if p in fresh else mu * v + kept * g
                for p, v, g in zip(params, self._velocity, grads)]

    def _starts_buffers(self) -> bool:
        """Whether the next step gives a parameter its first, undamped momentum buffer
        (v <- g, not μ·0 + (1 − τ) g), which the arrays of the numpy backend do not keep
        track of: that step runs on the Values.  Without dampening the two are one
        (v = 0.0 until then), so the arrays run it, and the parameters they step count
        as started when the arrays are written back (nn.resident).  (Aligns the state to
        the list first, as a step does.)"""
        if not (self.dampening and self._fresh and self.momentum):
            return False
        self.align_state()
        frozen = self._frozen()
        return not (self._fresh - frozen if frozen else self._fresh).isdisjoint(self.parameters)

    def _started(self, stepped, momentum=None):
        """After a momentum step of ``stepped``, each has its buffer."""
        if self._fresh and (self.momentum if momentum is None else momentum):
            self._fresh = self._fresh.difference(stepped)

    def _unstarted(self, params):
        """Parameters new to the list have no momentum buffer yet."""
        if params:
            self._fresh = {*self._fresh, *params}

    def _array_state(self, index):
        """``fresh``: which of the parameters ``index`` have no momentum buffer yet."""
        if not self._fresh:
            return {}
        import numpy as np
        params = self.parameters
        return {"fresh": np.array([params[i] in self._fresh for i in index], dtype=bool)}

    def runs_as_its_rule(self) -> bool:
        """As :meth:`Optimizer.runs_as_its_rule`, but for a step that starts a momentum
        buffer, which runs on the Values."""
        return super().runs_as_its_rule() and not self._starts_buffers()

    _velocity = _resident_state("velocity")
    if not TYPE_CHECKING:
        lr, momentum, maximize = _Checked(_positive), _Checked(_fraction), _Checked(_flag)
        weight_decay, nesterov, dampening = _Checked(_non_negative), _Checked(_flag), _Checked(_unit)

    def _check_together(self, settings, owner=None):
        """Nesterov momentum needs a momentum and no dampening (torch.optim.SGD refuses
        it otherwise)."""
        if settings.get("nesterov") and not settings.get("momentum", True):  # (not yet set: later)
            raise ValueError(f"{owner or type(self).__name__}: nesterov=True needs a momentum "
                             f"> 0, got momentum={short_repr(settings['momentum'])}")
        if settings.get("nesterov") and settings.get("dampening"):
            raise ValueError(f"{owner or type(self).__name__}: nesterov=True needs dampening 0, "
                             f"got dampening={short_repr(settings['dampening'])}")

    def _plain(self) -> bool:
        """No momentum, no weight decay, no ascent: w <- w − η g."""
        return not self.momentum and not self.maximize and not self.weight_decay

    def _plain_own_rule(self) -> bool:
        """Plain SGD stepped by SGD's own :meth:`array_rule`: a subclass that overrides
        it has its own rule, which the store's shortcuts must not replace."""
        return self._plain() and type(self).array_rule is SGD.array_rule

    def zero_sign_blind(self) -> bool:
        """Plain SGD: w − η·(−0.0) = w + 0.0 = w − η·(+0.0) for every w but −0.0
        (a subclass's own array_rule may tell the zeros apart: not claimed for it)."""
        return self._plain_own_rule()

    def arrays_rule(self, W, G, states, t, spare):
        """Plain SGD over a store's arrays: w − η g into each spare array, one loop
        (the same two roundings as :meth:`array_rule`); a subclass's own array_rule
        entry by entry."""
        if not self._plain_own_rule():
            return super().arrays_rule(W, G, states, t, spare)
        lr = self.lr
        return [_sgd_into(lr, w, g, out) for w, g, out in zip(W, G, spare)], states

    def array_rule(self, w, g, state, t, out=None):
        """The update on arrays (the numpy backend), computing and changing nothing
        else: ``w`` and ``g`` arrays of one layer's parameters, ``state`` a dict
        with their velocity; returns ``(new w, new state)``.  ``out``: an array of
        w's shape that the new w may be written into (plain SGD: w − η g, the same
        two roundings, without a new array)."""
        if out is not None and self._plain():
            return _sgd_into(self.lr, w, g, out), state
        import numpy as np
        w, velocity = sgd_rule(w, -g if self.maximize else g, state.get("velocity", 0.0),
                               self.lr, self.momentum, self.weight_decay, self.nesterov,
                               self.dampening, state.get("fresh", False), np.where)
        return w, {"velocity": velocity}

    def __repr__(self):
        extra = f", momentum={self.momentum}" if self.momentum else ""
        extra += f", dampening={self.dampening}" if self.dampening else ""
        extra += f", weight_decay={self.weight_decay}" if self.weight_decay else ""
        extra += ", nesterov=True" if self.nesterov else ""
        extra += ", maximize=True" if self.maximize else ""
        return f"SGD({self._counted()}, lr={self.lr}{extra})"


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015, Algorithm 1) over ``parameters``.

    With g = ∂C/∂w at step t = 1, 2, ... and m, v starting at 0:

        m <- β1 m + (1 − β1) g            first moment (a running mean of g)
        v <- β2 v + (1 − β2) g²           second moment (a running mean of g²)
        m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)     (the bias corrections)
        w <- w − η m̂ / (√v̂ + ε)

    ``lr`` is η, ``betas`` is (β1, β2), ``eps`` is ε; the defaults are the
    paper's (and PyTorch's).  ``maximize=True`` climbs (g replaced by −g).
    As torch.optim.Adam: ``weight_decay`` λ adds λw to g first (L2; :class:`AdamW`
    decays w instead), and ``amsgrad=True`` divides by the running maximum of v,
    v_max <- max(v_max, v), v̂ = v_max / (1 − β2^t).
    """

    _added_settings = {"weight_decay": 0.0, "amsgrad": False}
    #: weight decay as AdamW's, w <- w (1 − ηλ), instead of g <- g + λw
    _decoupled = False

    def __init__(self, parameters: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(parameters)
        self.t = 0
        self._m = [0.0] * len(self.parameters)
        self._v = [0.0] * len(self.parameters)
        self._v_max = [0.0] * len(self.parameters)
        self.lr, self.betas, self.eps = lr, betas, eps   # each checked (_Checked)
        self.weight_decay, self.amsgrad, self.maximize = weight_decay, amsgrad, maximize

    def step(self) -> None:
        """One Adam update of every parameter from its ``.grad``.

        All or nothing: t, the moments and the parameters are computed first,
        then written in one pass that Ctrl-C cannot split; in its turn
        (``engine.taking_turns``), as SGD's."""
        with taking_turns:
            store = self._store()
            if store is not None and store.step(self):
                return
            self.align_state()
            t = self.t + 1
            if type(self).array_rule is not Adam.array_rule:
                self._array_step(t)
                return
            sign = -1.0 if self.maximize else 1.0
            m, v = self._m, self._v
            corrections = self._corrections(t)
            stepped, grads = self._stepped_grads()
            if self.weight_decay or self.amsgrad:
                self._step_with_options(t, stepped, [sign * g for g in grads], corrections)
                return
            lr, betas, eps = self.lr, self.betas, self.eps   # (read once, not per parameter)
            new = [adam_rule(p.data, sign * g, m[i], v[i], lr, betas, eps, corrections,
                             math.sqrt, idiv)
                   for (i, p), g in zip(stepped, grads)]
            with deferred_interrupts():
                self.t = t
                for (i, p), (w, mi, vi) in zip(stepped, new):
                    p.data = w
                    m[i] = mi
                    v[i] = vi

    def _step_with_options(self, t, stepped, grads, corrections):
        """step() with weight decay or AMSGrad: :func:`decayed`, then :func:`adam_rule`
        (with v_max), per parameter; written in one pass that Ctrl-C cannot split."""
        m, v, v_max = self._m, self._v, self._v_max
        lr, decay, amsgrad = self.lr, self.weight_decay, self.amsgrad
        betas, eps, decoupled = self.betas, self.eps, self._decoupled
        new = []
        for (i, p), g in zip(stepped, grads):
            w, g = decayed(p.data, g, lr, decay, decoupled)
            new.append(adam_rule(w, g, m[i], v[i], lr, betas, eps, corrections,
                                 math.sqrt, idiv, v_max[i] if amsgrad else None, _maximum))
        with deferred_interrupts():
            self.t = t
            for (i, p), (w, mi, vi, *vmax) in zip(stepped, new):
                p.data = w
                m[i] = mi
                v[i] = vi
                if vmax:
                    v_max[i] = vmax[0]

    t = _resident_state("t", _step_count)
    if not TYPE_CHECKING:
        lr, eps, maximize = _Checked(_positive), _Checked(_non_negative), _Checked(_flag)
        betas = _Checked(_betas)
        weight_decay, amsgrad = _Checked(_non_negative), _Switch(_flag)
    _m = _resident_state("first moments")
    _v = _resident_state("second moments")
    _v_max = _resident_state("maxima of v")

    def __setstate__(self, state):
        """Unpickling one from before AMSGrad: v_max 0 for every parameter."""
        super().__setstate__(state)
        self.__dict__.setdefault("maxima of v", [0.0] * len(self.__dict__["first moments"]))

    def _corrections(self, t):
        beta1, beta2 = self.betas
        return 1.0 - beta1 ** t, 1.0 - beta2 ** t

    def array_rule(self, w, g, state, t, out=None):
        """The update of step ``t`` on arrays (the numpy backend), changing nothing:
        ``state`` holds m and v (and v_max) for them; returns ``(new w, new state)``
        (``out`` is not used)."""
        import numpy as np
        g = -g if self.maximize else g
        lr, decay, amsgrad = self.lr, self.weight_decay, self.amsgrad
        if decay:
            w, g = decayed(w, g, lr, decay, self._decoupled)
        w, m, v, *v_max = adam_rule(w, g, state.get("m", 0.0), state.get("v", 0.0), lr,
                                    self.betas, self.eps, self._corrections(t), np.sqrt,
                                    truediv, state.get("v_max", 0.0) if amsgrad else None,
                                    np.maximum)
        return w, ({"m": m, "v": v, "v_max": v_max[0]} if amsgrad else {"m": m, "v": v})

    def __repr__(self):
        decays = self.weight_decay or self._decoupled      # AdamW's 0.0 is not its default
        extra = f", weight_decay={self.weight_decay}" if decays else ""
        extra += ", amsgrad=True" if self.amsgrad else ""
        extra += ", maximize=True" if self.maximize else ""
        return (f"{type(self).__name__}({self._counted()}, lr={self.lr}, "
                f"betas={self.betas}, eps={self.eps}{extra})")


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as torch.optim.AdamW:

        w <- w (1 − η λ),  then Adam's step from that w      (λ = ``weight_decay``)

    where :class:`Adam`'s ``weight_decay`` adds λw to g (L2), which the division by
    √v̂ then scales.  The default λ = 0.01 is PyTorch's.
    """

    _added_settings = {"amsgrad": False}
    _decoupled = True

    def __init__(self, parameters: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(parameters, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


#: the step() methods of nn's optimisers (Optimizer.runs_as_its_rule)
_OWN_STEPS = (SGD.step, Adam.step)
#: nn's optimisers: a state_dict() names the one it came from (a subclass: its nearest)
_KINDS = (SGD, Adam, AdamW)


# ---------------------------------------------------------------------------
# The update rules, on floats (one parameter) or on numpy arrays (a layer's)
# ---------------------------------------------------------------------------

def sgd_rule(w, g, velocity, lr, momentum, weight_decay=0.0, nesterov=False, dampening=0.0,
             fresh=False, where=None):
    """w <- w − η g; with weight decay λ, g <- g + λ w first; with momentum μ:
    v <- μ v + (1 − τ) g, w <- w − η v (Nesterov: w <- w − η (g + μ v)), where
    ``fresh`` (a parameter with no buffer yet; on arrays a mask, chosen by ``where``)
    v <- g.  Returns (w, v)."""
    if weight_decay:
        g = g + weight_decay * w
    if momentum:
        buffer = momentum * velocity + ((1.0 - dampening) * g if dampening else g)
        velocity = (buffer if fresh is False else g if fresh is True
                    else where(fresh, g, buffer))
        g = g + momentum * velocity if nesterov else velocity
    return w - lr * g, velocity


def decayed(w, g, lr, weight_decay, decoupled):
    """Weight decay λ before Adam's step: L2, g <- g + λ w; decoupled (AdamW),
    w <- w (1 − η λ).  Returns (w, g)."""
    if not weight_decay:
        return w, g
    if decoupled:
        return w * (1.0 - lr * weight_decay), g
    return w, g + weight_decay * w


def _maximum(a, b):
    """max(a, b) of two floats, nan if either is (as torch.maximum and np.maximum)."""
    return a if a > b or a != a else b


def adam_rule(w, g, m, v, lr, betas, eps, corrections, sqrt, divide=truediv, v_max=None,
              maximum=None):
    """m <- β1 m + (1 − β1) g,  v <- β2 v + (1 − β2) g²,
    w <- w − η m̂ / (√v̂ + ε) with m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t).
    AMSGrad (``v_max`` given): v_max <- maximum(v_max, v), v̂ = v_max / (1 − β2^t).
    Returns (w, m, v), then v_max with AMSGrad.  ``divide`` makes the last quotient
    (floats: IEEE's, so 0/0 with ε = 0 is nan, as PyTorch's)."""
    beta1, beta2 = betas
    correction1, correction2 = corrections
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g * g
    if v_max is None:
        return w - divide(lr * (m / correction1), sqrt(v / correction2) + eps), m, v
    v_max = maximum(v_max, v)
    return w - divide(lr * (m / correction1), sqrt(v_max / correction2) + eps), m, v, v_max


# ---------------------------------------------------------------------------
# Checking the arguments
# ---------------------------------------------------------------------------

def _unique_values(parameters, owner):
    """``parameters`` as a new :class:`ParameterList` of leaf Values, each once (a repeat
    would step twice)."""
    if not listlike(parameters):
        raise TypeError(f"{owner}: parameters must be a list of Values (e.g. net.parameters()), "
                        f"got {type(parameters).__name__}")
    if _unordered(parameters):                    # (torch.optim refuses a set too)
        raise TypeError(f"{owner}: parameters must be a list of Values in an order (e.g. "
                        f"net.parameters()), got a {type(parameters).__name__}, whose order "
                        f"is not defined: state[i] of state_dict() would follow no parameter")
    parameters = ParameterList(parameters)
    if _leaves(parameters) and len(set(parameters)) == len(parameters):    # hashed by identity
        return parameters     # the usual case, checked at C speed
    out, seen = ParameterList(), set()
    for i, p in enumerate(parameters):
        _check_leaf(i, p, owner)
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    if not out:
        raise ValueError(f"{owner}: got an empty parameter list")
    return out


def _leaves(parameters):
    """Whether ``parameters`` are all leaf Values (none: False), decided at C speed."""
    types = set(map(type, parameters))
    return bool(parameters and (types == {Value} or all(issubclass(t, ResidentValue)
                                                           for t in types))
                and all(op.backward is None for op in set(map(_op_of, parameters))))


def _check_leaf(i, p, owner):
    """A TypeError or ValueError naming parameter ``i`` unless it is a leaf Value."""
    if not isinstance(p, Value):
        raise TypeError(f"{owner}: parameter {i} must be a Value, got {type(p).__name__} "
                        f"{short_repr(p)}")
    if not p.is_leaf:
        raise ValueError(f"{owner}: parameter {i} ({p!r}) is a derived {p.op.name} node; "
                         f"only leaves (the network's weights and biases) can be stepped")


def _same(x, expected):
    """Whether ``x`` is ``expected`` (a str or a list of ints), of the same type: an
    array or a tuple is not compared element by element."""
    return type(x) is type(expected) and x == expected


def _exact_keys(state, keys, where, what):
    """A TypeError unless ``state`` is a dict; a ValueError naming the first missing
    or unknown key unless its keys are ``keys``."""
    if not isinstance(state, dict):
        raise TypeError(f"{where}: {what} must be a dict with keys {', '.join(map(repr, keys))}, "
                        f"got {type(state).__name__} {short_repr(state)}")
    missing = [key for key in keys if key not in state]
    if missing:
        raise ValueError(f"{where}: {what} is missing the key {missing[0]!r}")
    unknown = [key for key in state if key not in keys]
    if unknown:
        raise ValueError(f"{where}: {what} has an unknown key {short_repr(unknown[0])} "
                         f"(known: {', '.join(map(repr, keys))})")


def _check_leaves(parameters, owner):
    """:func:`_check_leaf` for every one of ``parameters`` (a list edited in place)."""
    if not _leaves(parameters):
        for i, p in enumerate(parameters):
            _check_leaf(i, p, owner)

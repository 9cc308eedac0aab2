"""A network's parameters resident in numpy arrays between steps (the numpy backend).

``net.jit_loss(loss, backend="numpy")`` and ``nn.train(backend="numpy")`` keep
the numbers of the weights and biases w^l_jk, b^l_j, their gradients ∂C/∂w and
the optimiser's state (velocity; m, v, v_max and t) in one :class:`ParameterStore`
per program, as the matrices W^l, b^l the program multiplies.  The first step
reads them from the parameter Values once; each step then changes only the
arrays.

While resident, each parameter is a :class:`ResidentValue` (the class of a
Value is switched, its slots kept): ``.data`` and ``.grad`` are properties
that first write *every* parameter of the store back (numbers, gradients,
the optimiser's state) and make them plain Values again, so any reader (your
code, the eager engine, the Python jit, an optimiser's own step, pickle,
copy, repr, draw) sees the current numbers, and from then on runs at full
speed.  The next numpy step makes them resident again.

Every change of the resident numbers is committed in a block Ctrl-C cannot
split, so an interrupt finds them as after the last complete step; and under
the engine's lock (``autograd.engine.taking_turns``, the one lock that passes
and steps take turns by), so a thread that reads a weight, or runs backward()
or grad() on a graph that shares it, while another trains waits for the step
to end instead of losing it, and a step waits for that pass.
"""

from itertools import chain, count, repeat
from operator import attrgetter, is_not

from autograd import Value
from autograd.engine import counted_turn, taking_turns
from autograd.floats import as_float
from autograd.interrupts import deferred_interrupts
from autograd.jit_emit import consume as _consume

from .module import freeze_version

__all__ = ["ParameterList", "ParameterStore", "ResidentValue", "float_grads", "store_of"]

_DATA, _GRAD = vars(Value)["data"], vars(Value)["grad"]    # the slots themselves
_data, _grad = attrgetter("data"), attrgetter("grad")      # reads that fault a store in
_set_data, _set_grad = _DATA.__set__, _GRAD.__set__

#: the state an optimiser keeps per parameter: the arrays' key -> its list attribute
#: (v_max: AMSGrad's running maximum of v)
STATE_LISTS = {"velocity": "_velocity", "m": "_m", "v": "_v", "v_max": "_v_max"}


def _set_class(value, cls):
    value.__class__ = cls


class ResidentValue(Value):
    """A parameter whose numbers live in the arrays of ``store`` (a class attribute:
    each store makes its own subclass).  Reading or writing ``.data`` or ``.grad``,
    pickling or copying writes the whole store back first."""

    __slots__ = ()
    store: "ParameterStore"

    @property
    def data(self) -> float:
        self.store.write_back()
        return _DATA.__get__(self, Value)

    @data.setter
    def data(self, value: float) -> None:
        with taking_turns:          # no other thread's step or pass in between
            self.store.write_back()
            _set_data(self, value)

    @property
    def grad(self) -> float:
        self.store.write_back()
        return _GRAD.__get__(self, Value)

    @grad.setter
    def grad(self, value: float) -> None:
        with taking_turns:
            self.store.write_back()
            _set_grad(self, value)

    def __reduce_ex__(self, protocol):
        self.store.write_back()      # a plain Value from here on
        return Value.__reduce_ex__(self, protocol)


def _counted(method):
    """``method`` of list, counting the change in ``changes`` before and after it (so a
    reader that saw the count unchanged saw the list unchanged, Ctrl-C or threads)."""
    def changed(self, *args):
        self.changes += 1
        try:
            return method(self, *args)
        finally:
            self.changes += 1
    changed.__name__ = method.__name__
    return changed


class ParameterList(list):
    """An optimiser's ``parameters``: a list that counts its changes in place
    (``opt.parameters[i] = p``, append, del, sort, ...) in ``changes``, so that a store
    stepping the optimiser sees one by comparing a number, not the list."""

    changes = 0

    __setitem__ = _counted(list.__setitem__)
    __delitem__ = _counted(list.__delitem__)
    __iadd__ = _counted(list.__iadd__)
    __imul__ = _counted(list.__imul__)
    append = _counted(list.append)
    extend = _counted(list.extend)
    insert = _counted(list.insert)
    pop = _counted(list.pop)
    remove = _counted(list.remove)
    clear = _counted(list.clear)
    reverse = _counted(list.reverse)

    def sort(self, *, key=None, reverse=False):
        self.changes += 1
        try:
            super().sort(key=key, reverse=reverse)
        finally:
            self.changes += 1


def store_of(values):
    """The store in which the first of ``values`` is resident, or None."""
    if not values:
        return None
    cls = values[0].__class__
    return cls.store if cls is not Value and issubclass(cls, ResidentValue) else None


def float_grads(values, where, numbers=None):
    """The ``.grad`` of each of ``values`` as a float g = ∂C/∂w, what a step reads:
    an int or a real numpy scalar is its float; None (PyTorch's "no gradient"), a
    complex number, a str, ... is a TypeError naming the parameter (and its number
    in ``numbers``, an optimiser's list), before any number changes."""
    grads = list(map(_grad, values))
    try:
        if sum(grads, 0.0).__class__ is float:   # floats (ints, bools: their floats in
            return grads                          # the step's arithmetic), decided in C
    except (TypeError, OverflowError):
        pass
    numbers = repeat(None) if numbers is None else numbers
    return [g if g.__class__ is float else _float_grad(g, p, i, where)
            for g, p, i in zip(grads, values, numbers)]


def _float_grad(g, value, i, where):
    """One parameter's .grad as a float, or a one-line TypeError naming it."""
    name = value.name or "unnamed"
    what = f"{where}: parameter {name if i is None else f'{i} ({name})'}'s .grad"
    if g is None:
        raise TypeError(f"{what} is None; chainrule's gradients are numbers (backward() adds "
                        f"to them, zero_grad() sets 0.0): set it to 0.0 or call zero_grad()")
    return as_float(g, what)


def _added(np, g, d, learns):
    """.grad + ∂C/∂w where ``learns`` (True: everywhere; None: nowhere); ``g`` None is
    zeros (then 0.0 + ∂C/∂w, as after zero_grad() and backward()).  ``d`` is the
    program's fresh array, written over."""
    if learns is None:
        return g
    if g is None:
        return np.add(d, 0.0, out=d) if learns is True else np.where(learns, 0.0 + d, 0.0)
    return np.add(g, d, out=d) if learns is True else np.where(learns, g + d, g)


def _settle(np, G):
    """0.0 + g in place for each gradient array: a −0.0 that the program gave becomes
    the +0.0 that zero_grad() then backward() leave in .grad (0.0 + ∂C/∂w); every
    other number is unchanged, so settling twice, or halfway, changes nothing."""
    for g in G:
        if g is not None:
            np.add(g, 0.0, out=g)


def _negative_zeros(np, arrays):
    """True when an array holds −0.0."""
    return any(bool(np.signbit(w[w == 0.0]).any()) for w in arrays)


def _merged(state, new):
    """An entry's optimiser state after a step that returned ``new`` (the same dict
    when nothing changed; keys it did not return are kept)."""
    if new is state:
        return state
    return {**state, **new} if state.keys() - new.keys() else new


def _mask(flags):
    """None when no entry is set, True when all are, else the boolean array."""
    if not flags.any():
        return None
    return True if flags.all() else flags


class ParameterStore:
    """The numbers of a :class:`nn.matrix.MatrixProgram`'s parameters as arrays.

    ``now = (W, G, state, t)``: per trainable argument of the program (W^l or
    b^l, a parameter per entry) its data ``W[i]`` and .grad ``G[i]`` (None: all
    0.0, as zero_grad() leaves them), the
    optimiser's arrays ``state[i]`` for it, and the optimiser's step count
    ``t`` (Adam; else None).  Frozen parameters are kept too (the program
    multiplies them) but never stepped, and get no gradient.

    A change is committed by one assignment of ``now``: the arrays in ``now`` are
    never changed in place (new numbers go into new arrays, or into the spare
    ones that the step before replaced), so Ctrl-C finds a change done or not
    begun.
    """

    def __init__(self, program):
        self.program, self.np = program, program.np
        self.net = program.net
        #: the argument positions that hold parameters, and their Values row by row
        self.trainable = [i for i, (_, _, trainable) in enumerate(program._flat) if trainable]
        self.flats = [program._flat[i][0] for i in self.trainable]
        self.shapes = [program._flat[i][1] for i in self.trainable]
        self.values = list(chain.from_iterable(self.flats))
        #: a Value twice (a shared weight) cannot live in two entries: then no store
        self.usable = len(set(map(id, self.values))) == len(self.values)
        self.constant = len(self.trainable) < len(program._flat)
        self.cls = type("ResidentValue", (ResidentValue,), {"__slots__": (), "store": self})
        self.resident = False
        self.now = None
        self.spare = None             # arrays the next update may write into
        #: G's arrays may hold the program's −0.0 where .grad reads +0.0 (see _settle):
        #: reading them as .grad, adding to them or a rule that tells the signs of
        #: zeros apart settles them first; plain SGD does not need to (:meth:`_updated`)
        self.unsettled = False
        #: a weight is −0.0, so even plain SGD needs settled gradients; a step w − x
        #: never makes one (x − x is +0.0), so this is decided when they become resident
        self.signed = False
        self.freezes = None
        self.learns = None            # per argument: entries that get gradients (not frozen)
        self._optimizer_reset()

    def _optimizer_reset(self):
        self.optimizer = self.opt_list = self.opt_copy = None
        self.opt_changes = -1         # the list's ``changes`` when it was taken
        self.owned = self.stepped = self.positions = None
        self.loaded = None
        #: every entry owned by the optimiser, learning and stepped, no constant
        #: arguments: each step is then the same few array operations (_plain_step)
        self.plain = False

    # -- resident or not ----------------------------------------------------

    def make_resident(self):
        """Read the numbers from the Values (once) and switch them to the store's
        class; True when the store holds them (False: a shared or unusual
        parameter, then the caller works on the Values).  Counted as a pass while it
        reads them: compiled code in another thread adds its gradients after."""
        with taking_turns:
            if self.resident and self.freezes == freeze_version():
                return True           # (every step after the first: nothing to read)
            return counted_turn(self._make_resident)

    def _make_resident(self):
        if self.resident:
            if self.freezes == freeze_version():
                return True
            self.write_back()        # frozen or unfrozen since: start again
        if not self.usable:
            return False
        np = self.np
        W = [np.fromiter(map(_data, flat), float, len(flat)).reshape(shape)
             for flat, shape in zip(self.flats, self.shapes)]
        G = [np.array(float_grads(flat, "numpy backend"), float).reshape(shape)
             for flat, shape in zip(self.flats, self.shapes)]
        # (the reads above wrote back any other store that held these parameters, so
        # only a Value subclass of the user's is left to refuse here)
        if set(map(type, self.values)) != {Value}:
            return False              # a Value subclass of the user's: leave it alone
        frozen = self.net.frozen_values()
        learns = [True if not frozen else
                  _mask(np.array([v not in frozen for v in flat]).reshape(shape))
                  for flat, shape in zip(self.flats, self.shapes)]
        signed = _negative_zeros(np, W)
        with deferred_interrupts():
            _consume(map(_set_class, self.values, repeat(self.cls)))
            self.signed, self.unsettled = signed, False
            self.now = (W, G, [{} for _ in W], None)
            self.learns = learns
            self.freezes = freeze_version()
            self.resident = True
        return True

    def write_back(self):
        """Write the numbers back into the Values (data, grad) and the optimiser
        (its state lists, t) and make the Values plain again; Ctrl-C waits
        until it is done (one that lands before it begins leaves all resident,
        and the next read writes them back)."""
        if not self.resident:
            return
        with taking_turns, deferred_interrupts():
            if not self.resident:     # another thread wrote them back meanwhile
                return
            self._release_optimizer()
            W, G, _, _ = self.now
            if self.unsettled:
                _settle(self.np, G)
            for flat, w, g in zip(self.flats, W, G):
                _consume(map(_set_data, flat, w.ravel().tolist()))
                _consume(map(_set_grad, flat, repeat(0.0) if g is None else g.ravel().tolist()))
            _consume(map(_set_class, self.values, repeat(Value)))
            self.now = self.learns = self.spare = None
            self.resident = False

    def finite(self):
        """True unless the resident data holds a NaN or ±inf (as a diverged run leaves)."""
        with taking_turns:
            return not self.resident or all(bool(self.np.isfinite(w).all()) for w in self.now[0])

    # -- the optimiser --------------------------------------------------------

    def adopt(self, optimizer):
        """True when ``optimizer``'s steps can run on the arrays (its state taken
        into them, once); False after writing everything back otherwise."""
        params = optimizer.parameters
        if (optimizer is self.optimizer and params is self.opt_list
                and params.changes == self.opt_changes and self.resident
                and self.freezes == freeze_version()
                and optimizer.__dict__.get("_resident") is self):
            return True
        if not self.make_resident() or not self._take(optimizer):
            self.write_back()
            return False
        return True

    def _take(self, optimizer):
        """Take ``optimizer``'s state into arrays, if it steps only parameters of this
        store, frozen in this store's network (or nowhere), held in a ParameterList
        (whose changes in place :meth:`adopt` sees)."""
        params = optimizer.parameters
        if (getattr(optimizer, "array_rule", None) is None
                or optimizer.module not in (None, self.net)
                or not isinstance(params, ParameterList)):
            return False
        np = self.np
        changes = params.changes
        with deferred_interrupts():
            self._release_optimizer()
        optimizer.align_state()       # its state lists in the order of ``params``
        if self.opt_copy is not None and params == self.opt_copy:
            positions = self.positions    # another optimiser of the same parameters
        else:
            where = dict(zip(map(id, params), count()))
            positions = [np.array(list(map(where.get, map(id, flat), repeat(-1))),
                                  dtype=np.int64).reshape(shape)
                         for flat, shape in zip(self.flats, self.shapes)]
            if sum(int((p >= 0).sum()) for p in positions) != len(params):
                return False          # it steps Values this program does not hold
        owned = [_mask(p >= 0) for p in positions]
        # the optimiser skips what is frozen in its network (with none, it steps all it has)
        skips = self.learns if optimizer.module is self.net else [True] * len(owned)
        stepped = [None if o is None or learns is None else
                   o if learns is True else (learns if o is True else _mask(o & learns))
                   for o, learns in zip(owned, skips)]
        lists = {key: np.array(getattr(optimizer, attr), dtype=float)
                 for key, attr in STATE_LISTS.items() if hasattr(optimizer, attr)}
        state = [{} if o is None else
                 {key: numbers[p] if o is True else np.where(p >= 0, numbers[p], 0.0)
                  for key, numbers in lists.items()}
                 for p, o in zip(positions, owned)]
        t = getattr(optimizer, "t", None)
        W, G, _, _ = self.now
        with deferred_interrupts():
            self.optimizer, self.opt_list, self.opt_changes = optimizer, params, changes
            self.opt_copy = list(params)
            self.positions, self.owned, self.stepped = positions, owned, stepped
            self.plain = not self.constant and all(
                mask is True for mask in chain(owned, stepped, self.learns))
            self.now = (W, G, state, t)
            self.loaded = state
            optimizer.__dict__["_resident"] = self
        return True

    def _release_optimizer(self):
        """Write the optimiser's state back into its lists and t (with Ctrl-C held
        by the caller); the arrays stay."""
        optimizer = self.optimizer
        if optimizer is None or optimizer.__dict__.get("_resident") is not self:
            return
        del optimizer.__dict__["_resident"]
        np = self.np
        _, _, states, t = self.now
        for key, attr in STATE_LISTS.items():
            if not hasattr(optimizer, attr):
                continue
            if all(s.get(key) is l.get(key) for s, l in zip(states, self.loaded)):
                continue              # never changed (SGD without momentum)
            numbers = np.array(getattr(optimizer, attr), dtype=float)
            moved = []                # (velocity: the parameters whose buffers moved)
            for p, o, s, l, flat, mask in zip(self.positions, self.owned, states, self.loaded,
                                              self.flats, self.stepped):
                if o is not None and key in s:
                    chosen = p >= 0
                    numbers[p[chosen]] = np.broadcast_to(s[key], p.shape)[chosen]
                    if mask is not None and s.get(key) is not l.get(key):
                        chosen = chosen if mask is True else chosen & mask
                        moved += [v for v, c in zip(flat, chosen.ravel().tolist()) if c]
            getattr(optimizer, attr)[:] = numbers.tolist()
            if key == "velocity":     # a momentum step started their buffers (SGD)
                optimizer._started(moved, True)
        if t is not None:
            optimizer.t = t
        self.loaded = states

    # -- the steps ---------------------------------------------------------------

    def zero_grad(self, optimizer):
        """``optimizer.zero_grad()`` on the arrays; False when it cannot run here."""
        with taking_turns:
            return self._zero_grad(optimizer)

    def _zero_grad(self, optimizer):
        if not self.adopt(optimizer):
            return False
        np = self.np
        W, G, state, t = self.now
        G = [g if owned is None else None if owned is True or g is None
             else np.where(owned, 0.0, g) for g, owned in zip(G, self.owned)]
        self.now = (W, G, state, t)
        return True

    def arguments(self):
        """The program's arguments: the resident arrays, constants read now."""
        W = self.now[0]
        if not self.constant:
            return W
        arrays = self.program.constant_arrays()
        for i, w in zip(self.trainable, W):
            arrays[i] = w
        return arrays

    def _gradients(self, gradients):
        """The program's gradients of the trainable arguments, in the store's order."""
        return gradients if not self.constant else [gradients[i] for i in self.trainable]

    def add_gradients(self, gradients):
        """.grad += ∂C/∂w for every entry that learns (frozen ones left alone)."""
        np = self.np
        W, G, state, t = self.now
        if self.plain and not any(map(is_not, G, repeat(None))):   # after zero_grad()
            self.unsettled = True     # 0.0 + ∂C/∂w left for whoever reads them
            self.now = (W, list(gradients), state, t)
            return
        if self.unsettled:
            _settle(np, G)
        G = [_added(np, g, d, learns)
             for g, d, learns in zip(G, self._gradients(gradients), self.learns)]
        self.now = (W, G, state, t)

    def _updated(self, optimizer, W, G, state, t, unsettled):
        """The arrays and state after ``optimizer``'s ``array_rule``.  The arrays of
        ``W`` are not changed: new ones are written into the spare arrays (the data
        of the step before this one, which nothing holds any more); ``G``'s are
        settled first (``unsettled``: they may need it) unless the rule is blind to
        the sign of a zero gradient and no weight is −0.0."""
        np = self.np
        spare, self.spare = self.spare, None
        if unsettled and (self.signed or not optimizer.zero_sign_blind()):
            _settle(np, G)
        if self.plain and spare is not None and all(map(is_not, G, repeat(None))):
            # every entry stepped, each into its spare array
            new_W, new_state = optimizer.arrays_rule(W, G, state, t, spare)
            return new_W, state if new_state is state else list(map(_merged, state, new_state))
        W, state = list(W), list(state)
        for i, (w, g, mask) in enumerate(zip(W, G, self.stepped)):
            if mask is None:
                continue
            if g is None:
                g = np.zeros_like(w)
            out = spare[i] if spare is not None and mask is True else None
            new, new_state = optimizer.array_rule(w, g, state[i], t, out)
            if mask is not True:
                new = np.where(mask, new, w)
                new_state = {key: value if value is state[i].get(key)   # (unchanged: SGD, μ = 0)
                             else np.where(mask, value, state[i].get(key, 0.0))
                             for key, value in new_state.items()}
            W[i] = new
            state[i] = _merged(state[i], new_state)
        return W, state

    def _commit(self, W, G, state, t):
        """Make ``(W, G, state, t)`` the store's numbers: one assignment; the data
        arrays they replace become the spare ones."""
        old = self.now[0]
        self.now = (W, G, state, t)
        self.spare = [None if o is w else o for o, w in zip(old, W)]

    def step(self, optimizer):
        """``optimizer.step()`` on the arrays (its ``array_rule``); False when it
        cannot run here."""
        with taking_turns:
            return self._step(optimizer)

    def _step(self, optimizer):
        if not self.adopt(optimizer):
            return False
        W, G, state, t = self.now
        t = None if t is None else t + 1
        with self.np.errstate(all="ignore"):
            W, state = self._updated(optimizer, W, G, state, t, self.unsettled)
        self._commit(W, G, state, t)
        return True

    def train_step(self, optimizer, X, Y, seed):
        """``optimizer.zero_grad()``, the batch's C and gradients, ``optimizer.step()``
        as one commit; C, or None when the optimiser cannot run here (then nothing
        changed).  The caller holds ``np.errstate(all="ignore")``."""
        with taking_turns:
            return self._train_step(optimizer, X, Y, seed)

    def _train_step(self, optimizer, X, Y, seed):
        if not optimizer.runs_as_its_rule() or not self.adopt(optimizer):
            return None
        np = self.np
        W, G, state, t = self.now
        t = None if t is None else t + 1
        C, gradients = self.program.gradients(X, Y, seed, self.arguments())
        if self.plain:      # zero_grad(), then .grad = 0.0 + ∂C/∂w (as backward() adds it)
            new_G = list(gradients)   # settled when read (see _settle)
        else:
            if self.unsettled:
                _settle(np, G)
            new_G = [_added(np, None if owned is True or g is None else
                            g if owned is None else np.where(owned, 0.0, g), d, learns)
                     for g, d, owned, learns in zip(G, self._gradients(gradients),
                                                    self.owned, self.learns)]
        W, state = self._updated(optimizer, W, new_G, state, t, self.plain)
        C = float(C)
        if self.plain:
            self.unsettled = True
        self._commit(W, new_G, state, t)
        return C

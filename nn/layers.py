"""Neuron, Layer and MLP: networks whose every number is a named Value node.

Notation (Nielsen): the input layer is layer 1; layer l's neuron j computes

    z^l_j = Σ_k w^l_jk a^{l-1}_k + b^l_j        (one ``dot`` node, fused=True)
    a^l_j = σ(z^l_j)                             (one activation node)

and after ``C.backward()`` the error δ^l_j = ∂C/∂z^l_j is ``layer.z[j-1].grad``.
"""

from __future__ import annotations

import math
import random
import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, SupportsFloat

from autograd import Value, engine, no_grad, recording
from autograd.floats import counted, listlike, short_repr
from autograd.interrupts import deferred_interrupts
from autograd.jit_emit import in_sample
from autograd.names import printable as _printable
from autograd.names import superscript as _superscript
from autograd.names import with_sample as _with_sample
from autograd.value import as_float, dot_layer, dot_unchecked

from . import names as _names
from .arguments import flag, is_int, positive_int, seeded_rng
from .activations import activation_method, activations_per_layer
from .losses import by_column, column_length, one_input_rows, refuse_column_sample
from .module import KeyNameError, Module

if TYPE_CHECKING:
    from autograd.jit import Jitted
    from autograd.value import Operand

    from .matrix import MatrixProgram

__all__ = ["Neuron", "Layer", "MLP", "elementary_z"]

#: a bias: "trainable" (a parameter), "none", or a number (a constant bias node)
Bias = str | float
#: one sample's inputs: numbers or Values
Inputs = Sequence["Operand"]

_RANDOM_RANGE = 1.0  # initial weights and biases are uniform on [-1, 1]


# ---------------------------------------------------------------------------
# Helpers: bias modes, initial values, inputs
# ---------------------------------------------------------------------------

def bias_mode(bias):
    """``("trainable", None)``, ``("none", None)`` or ``("constant", value)``."""
    if isinstance(bias, str) and bias in ("trainable", "none"):
        return bias, None
    try:
        number = as_float(bias, "bias")
    except TypeError:
        number = math.nan
    if math.isfinite(number):
        return "constant", number
    raise ValueError(
        f"bias must be 'trainable', 'none' or a number (a finite constant bias that is not "
        f"a parameter), got {type(bias).__name__} {short_repr(bias)}")


def biases_per_layer(bias, n_layers):
    """One bias mode per layer after the input, from one mode or a list of them
    (``bias=[0.35, 0.60]``: a constant bias per layer, as in Mazur's example)."""
    if not isinstance(bias, (list, tuple)):
        bias_mode(bias)
        return [bias] * n_layers
    if len(bias) != n_layers:
        raise ValueError(
            f"bias: expected one entry for every layer after the input ({n_layers}), "
            f"got {len(bias)}: {list(bias)!r}")
    for l, mode in enumerate(bias, 2):
        try:
            bias_mode(mode)
        except ValueError as err:
            raise ValueError(f"layer {l}: {err}") from None
    return list(bias)


def pass_constant(value):
    """A fixed number of the network (a frozen parameter, a constant bias) as one
    forward pass uses it: a constant node with its number and name, made anew for each
    pass, so backward() never reaches ``value`` and its .grad stays 0 (as a tensor
    that does not require grad in PyTorch, and as the compiled paths leave it).
    A trace remembers ``value`` (:func:`autograd.recording.baked`), so a jitted
    function follows a new ``value.data``."""
    return Value(recording.baked(value), value.name, kind="constant")


def pass_bias(bias):
    """A constant bias as one forward pass uses it: a :func:`pass_constant`, so its
    .grad stays 0 as on the compiled paths; the node itself when it has a hook, so
    that backward() runs the hook (with its gradient, then also in its .grad; the
    compiled paths refuse such a network, :func:`nn.compiled.hookable`)."""
    if engine.hooks_registered and engine.first_hooked({bias}) is not None:
        return bias
    return pass_constant(bias)


def for_pass(values, frozen):
    """``values`` (Values, or None for no bias) as the forward pass uses them: a
    parameter in ``frozen`` becomes a :func:`pass_constant`."""
    if not frozen:
        return values
    return tuple(pass_constant(v) if v in frozen else v for v in values)


def _initial(given, where, rng):
    """A given initial value as a float (error naming ``where``), or a random draw."""
    if given is None:
        return rng.uniform(-_RANDOM_RANGE, _RANDOM_RANGE)
    try:
        number = as_float(given, where)
    except TypeError:
        raise TypeError(f"{where} must be a real number, got "
                        f"{type(given).__name__} {short_repr(given)}") from None
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number, got {short_repr(given)}")
    return number


def _rows(given, n, where, what):
    """``given`` as a list of ``n`` items (None gives n Nones), or a ValueError."""
    if given is None:
        return [None] * n
    if not listlike(given, sized=True):
        raise TypeError(f"{where} must be a list of {n} {what}, got "
                        f"{type(given).__name__} {short_repr(given)}")
    if len(given) != n:
        noun, _, rest = what.partition(" ")
        if n == 1 and noun.endswith("s"):             # 1 number, 1 row, 1 matrix
            noun = noun[:-3] + "x" if noun.endswith("ices") else noun[:-1]
        raise ValueError(f"{where} must have {n} {noun}{' ' if rest else ''}{rest}, "
                         f"got {len(given)}")
    return list(given)


def _transposed(weights, n_in, n_out, number):
    """For a layer's weights given n_in × n_out, the transpose of Nielsen's w^l (n_out × n_in):
    what to add to the error saying so; "" for any other shape."""
    if not all(listlike(row, sized=True) and len(row) == n_out for row in weights) \
            or len(weights) != n_in:
        return ""
    return (f"; they are {n_in}×{n_out}, the transpose of Nielsen's w{_superscript(number)} "
            f"({n_out}×{n_in}, outputs × inputs: a row per neuron): give the matrix transposed "
            f"(W.T of a numpy array), or every weight matrix as inputs × outputs to "
            f"nn.MLP.from_matrices(weights, biases, layout='rows') (biases as rows or flat lists)")




def as_inputs(inputs, input_names, owner, sample=None, batch_hint=False):
    """``inputs`` as a tuple of Values: numbers become leaves named ``x1, x2, ...``
    (or the previous layer's a-names; ``x1(2)`` for sample 2 of a batch);
    Values are used as they are.  ``batch_hint``: an error on a list of rows (a
    batch given to ``net(x)``) names the calls that take one."""
    if not listlike(inputs, sized=True):
        raise TypeError(f"{owner}: inputs must be a list of numbers or Values "
                        f"(e.g. [0.5]), got {type(inputs).__name__} {short_repr(inputs)}")
    if len(inputs) != len(input_names):
        n = len(input_names)
        error = ValueError(f"{owner} expects {counted(n, 'input')}, got {len(inputs)}"
                           f"{_batch_hint(inputs, batch_hint)}")
        raise error if sample is None else in_sample(error, sample)
    if sample is not None:
        input_names = sample_names(input_names, sample)
    values = []
    for x, name in zip(inputs, input_names):
        if isinstance(x, Value):
            values.append(x)
            continue
        try:
            values.append(Value(x, name))
        except TypeError:
            raise TypeError(f"{owner}: input {_printable(name)} must be a number or a Value, got "
                            f"{type(x).__name__} {short_repr(x)}"
                            f"{_batch_hint(inputs, batch_hint)}") from None
    return tuple(values)


def _batch_hint(inputs, batch_hint):
    """For ``net(X)`` on a list of samples (a PyTorch model takes a batch so): the
    calls that take one; else ''."""
    if not batch_hint or not any(listlike(x) for x in inputs):
        return ""
    n = column_length(inputs)
    if n is not None:
        return (f"; that is a {n}×1 column (as Nielsen's data holds a sample): one sample is "
                f"a row of {n} numbers, net(x.ravel())")
    return "; for a list of samples use net.batch(X) or net.predict(X)"


def sample_names(node_names, sample):
    """The names of one batch sample's nodes: ``x1`` of sample 2 -> ``x1(2)``
    (written x₁⁽²⁾, :func:`autograd.names.with_sample`); ``sample=None``: as they are."""
    if sample is None:
        return tuple(node_names)
    return tuple(_with_sample(name, sample) for name in node_names)


def check_sample(sample, owner):
    """``sample`` (a batch sample's number, 1 for the first) or None; TypeError/ValueError otherwise."""
    if sample is None:
        return None
    if isinstance(sample, bool) or not isinstance(sample, int):
        raise TypeError(f"{owner}: sample must be an int (1 for the first sample of a batch) "
                        f"or None, got {type(sample).__name__} {short_repr(sample)}")
    if sample < 1:
        raise ValueError(f"{owner}: sample numbers start at 1, got {short_repr(sample)}")
    return sample


def elementary_z(weights, inputs, bias):
    """z = w_1 a_1 + w_2 a_2 + ... + b built from separate ``*`` and ``+`` nodes
    (fused=False: every multiplication is visible in the graph)."""
    z = weights[0] * inputs[0]
    for w, a in zip(weights[1:], inputs[1:]):
        z = z + w * a
    if bias is not None:
        z = z + bias
    return z


def elementary_layer(rows, inputs, biases):
    """:func:`elementary_z` for each weight row and bias: the z^l of a layer."""
    return list(map(elementary_z, rows, repeat(inputs), biases))


def _weighted_input(fused):
    return dot_unchecked if fused else elementary_z


# ---------------------------------------------------------------------------
# Neuron
# ---------------------------------------------------------------------------

def _list_or_refuse(method, kind):
    """The list's own operator ``method`` for the operand it knows (``kind``: a list to
    join, an int to repeat by), :meth:`Outputs._refuse`'s TypeError for a number or a
    Value."""
    def operator(self, other):
        if isinstance(other, kind):
            return method(self, other)
        return self._refuse()
    operator.__name__ = getattr(method, "__name__", "operator")
    return operator


class Outputs(list):
    """The output Values of one forward pass, a^L: a list, as ``[y] = net(x)`` unpacks
    it.  micrograd's network returns the Value itself when it has one output, so code
    written for it does arithmetic on this list (``(net(x) - y) ** 2``, ``-y * net(x)``,
    ``sum(net(x) for ...)``, ``net(x).relu()``): each of those raises a TypeError (an
    AttributeError for a Value's attribute) that says how to take the Values out.
    Everything a list does it still does."""

    __slots__ = ()

    def _refuse(self, *other):
        n = len(self)
        take = ("[y] = net(x) or net(x)[0]" if n == 1 else
                f"net(x)[j] for output j, 0 to {n - 1}, or a1, a2, ... = net(x)")
        raise TypeError(f"net(x) is a list of the network's {n} output Value"
                        f"{'' if n == 1 else 's'}, not a Value: take {'it' if n == 1 else 'them'}"
                        f" out with {take} (micrograd's MLP returns the Value itself when "
                        f"there is one output)")

    __add__ = _list_or_refuse(list.__add__, list)
    __radd__ = _list_or_refuse(lambda self, other: other + list(self), list)
    __mul__ = _list_or_refuse(list.__mul__, int)
    __rmul__ = _list_or_refuse(list.__rmul__, int)
    __sub__ = __rsub__ = __truediv__ = __rtruediv__ = __pow__ = __rpow__ = _refuse
    __neg__ = __pos__ = __abs__ = _refuse


def _value_attribute(name):
    """``net(x).relu``, ``.backward``, ``.data``: a property raising the AttributeError of
    :meth:`Outputs._refuse` (a property, not ``__getattr__``, which would run for every
    attribute a list lacks, the ``ndim`` each loss asks of every sample's outputs)."""
    def refuse(self):
        try:
            self._refuse()
        except TypeError as err:
            raise AttributeError(f"{err} (asked for .{name})") from None
    return property(refuse)


for _name in dir(Value):        # a Value's attributes (not a list's): refused, saying why
    if not _name.startswith("__") and not hasattr(list, _name):
        setattr(Outputs, _name, _value_attribute(_name))
del _name


class Neuron(Module):
    """Neuron j of layer l: z^l_j = Σ_k w^l_jk a^{l-1}_k + b^l_j, a^l_j = f(z^l_j).

    ``weights`` (n_in numbers) and ``b`` give the initial values; whatever is
    not given is drawn uniformly from [-1, 1] with ``random.Random(seed)``.
    ``bias`` is "trainable" (a parameter), "none", or a number: a constant
    bias node that is not a parameter.  ``names`` maps Nielsen names to
    other names (see :data:`nn.names.NET_NAMES`).
    """

    bias: Value | None

    def __init__(self, n_in: int, activation: str = "sigmoid", *, layer: int = 2, j: int = 1,
                 weights: Sequence[SupportsFloat | None] | None = None,
                 b: SupportsFloat | None = None, bias: Bias = "trainable", seed: int | None = None,
                 fused: bool = True, names: dict[str, str] | None = None,
                 _rng: random.Random | None = None) -> None:
        positive_int(n_in, "Neuron n_in")
        self.layer, self.j, self.n_in = layer, j, n_in
        self.fused = flag(fused, f"Neuron {j} of layer {layer}: fused")
        self.activation = activation
        self._activate = activation_method(activation, f"Neuron {j} of layer {layer}")
        rename = (names or {}).get
        rng = _rng if _rng is not None else seeded_rng(seed)[1]
        mode, constant = bias_mode(bias)
        self.bias_mode = mode
        where = f"layer {layer} neuron {j}"
        rows = _rows(weights, n_in, f"weights of {where}", "numbers (one per input)")
        params = []
        for k, given in enumerate(rows, 1):
            name = rename(_names.weight_name(layer, j, k)) or _names.weight_name(layer, j, k)
            value = _initial(given, f"weight {_names.weight_name(layer, j, k)}", rng)
            params.append((name, Value(value, name, kind="parameter")))
        self.weights = tuple(value for _, value in params)
        nielsen_b = _names.bias_name(layer, j)
        b_name = rename(nielsen_b) or nielsen_b
        if mode == "trainable":
            self.bias = Value(_initial(b, f"bias {nielsen_b}", rng), b_name, kind="parameter")
            params.append((b_name, self.bias))
        else:
            if b is not None:
                raise ValueError(f"{where}: an initial bias was given but bias={short_repr(bias)}; "
                                 f"initial biases need bias='trainable'")
            self.bias = None if mode == "none" else Value(constant, b_name, kind="constant")
        self._params = tuple(params)
        self._z_name = rename(_names.z_name(layer, j)) or _names.z_name(layer, j)
        self._a_name = rename(_names.a_name(layer, j)) or _names.a_name(layer, j)
        previous = _previous_names(layer, n_in)
        self._input_names = [rename(n) or n for n in previous]

    @property
    def w(self) -> tuple[Value, ...]:
        """micrograd's spelling of :attr:`weights`, as its lecture reads them:
        ``n.layers[0].neurons[0].w[0].grad``."""
        return self.weights

    @property
    def b(self) -> Value | None:
        """micrograd's spelling of :attr:`bias` (``n.layers[0].neurons[0].b``)."""
        return self.bias

    def __setattr__(self, name, value):
        """``weights`` and ``bias`` (micrograd's ``w`` and ``b``) are the Values made
        with the neuron (its parameters); replacing them would leave the old ones in
        ``parameters()`` while the forward read the new ones: refused."""
        if name in ("weights", "bias") and name in self.__dict__ or name in ("w", "b"):
            raise AttributeError(
                f"layer {self.layer} neuron {self.j}: its {name} cannot be replaced (the "
                f"network's parameters are the Values made with it); change the numbers "
                f"(p.data = 0.5, or net.load_state_dict(...)), or put a new nn.Layer in "
                f"net.layers")
        super().__setattr__(name, value)

    def _named_parameters(self):
        return iter(self._params)

    def _zero_grads(self):
        """Zero the parameters' grads (and a constant bias node's, which accumulates its
        gradient while it has a hook, :func:`pass_bias`)."""
        super()._zero_grads()
        if self.bias is not None:
            self.bias.grad = 0.0

    def weighted_input(self, inputs: Inputs, sample: int | None = None) -> Value:
        """z^l_j for ``inputs`` (a list of n_in numbers or Values), named ``z{l}_{j}``
        (``z{l}_{j}(i)`` for sample i of a batch)."""
        owner = f"Neuron {_printable(self._z_name)}"
        sample = check_sample(sample, owner)
        inputs = as_inputs(inputs, self._input_names, owner, sample)
        frozen = self._frozen_set()
        weights = for_pass(self.weights, frozen)
        [bias] = for_pass((self.bias,), frozen)
        if self.bias_mode == "constant":
            bias = pass_bias(bias)
        z = _weighted_input(self.fused)(weights, inputs, bias)
        z.name = sample_names((self._z_name,), sample)[0]
        return z

    def __call__(self, inputs: Inputs, sample: int | None = None) -> Value:
        """a^l_j = f(z^l_j) for ``inputs``; one Value.  ``sample=i`` names the
        nodes of sample i of a batch (``a2_1(i)``, written a²₁⁽ⁱ⁾)."""
        z = self.weighted_input(inputs, sample)
        if self._activate is None:
            return z
        a = self._activate(z)
        a.name = sample_names((self._a_name,), sample)[0]
        return a

    def __repr__(self):
        bias = {"trainable": "trainable bias", "none": "no bias"}.get(
            self.bias_mode, f"constant bias {self.bias.data if self.bias else ''}")
        return (f"Neuron(layer {self.layer}, j={self.j}: {self.n_in} inputs, "
                f"{self.activation}, {bias})")


def _previous_names(layer, n_in):
    """Names of the nodes feeding layer ``layer``: x1.. for layer 2, else a{l-1}_k."""
    if layer == 2:
        return [_names.input_name(k) for k in range(1, n_in + 1)]
    return [_names.a_name(layer - 1, k) for k in range(1, n_in + 1)]






# ---------------------------------------------------------------------------
# Layer
# ---------------------------------------------------------------------------

class Layer(Module):
    """Layer l (``number``; the input layer is 1): n_out neurons reading n_in inputs.

    ``weights[j][k]`` is w^l_{j+1,k+1} (0-based lists), ``biases[j]`` is b^l_{j+1}.
    After a call, ``z`` and ``a`` hold that pass's z^l and a^l nodes and
    ``delta`` lists δ^l_j = ∂C/∂z^l_j once ``C.backward()`` has run.
    """

    z: list[Value]
    a: list[Value]

    def __init__(self, n_in: int, n_out: int, activation: str = "sigmoid", *, number: int = 2,
                 weights: Sequence[Sequence[SupportsFloat | None] | None] | None = None,
                 biases: Sequence[SupportsFloat | None] | None = None, bias: Bias = "trainable",
                 seed: int | None = None, fused: bool = True, names: dict[str, str] | None = None,
                 _rng: random.Random | None = None) -> None:
        positive_int(n_in, f"Layer {number} n_in")
        positive_int(n_out, f"Layer {number} n_out")
        self.number, self.n_in, self.n_out = number, n_in, n_out
        self.activation, self.fused = activation, flag(fused, f"Layer {number}: fused")
        self._activate = activation_method(activation, f"activation of layer {number}")
        rng = _rng if _rng is not None else seeded_rng(seed)[1]
        mode, _ = bias_mode(bias)
        self.bias_mode = mode
        try:
            weight_rows = _rows(weights, n_out, f"weights of layer {number}",
                                f"rows (one per neuron of layer {number})")
        except ValueError as err:
            raise ValueError(f"{err}{_transposed(weights, n_in, n_out, number)}") from None
        if biases is not None and mode != "trainable":
            raise ValueError(f"layer {number}: biases were given but bias={short_repr(bias)}; "
                             f"initial biases need bias='trainable'")
        if biases is not None and column_length(biases) == n_out:
            biases = [b[0] for b in biases]  # type: ignore[index]  # Nielsen's b^l, n × 1
        bias_values = _rows(biases, n_out, f"biases of layer {number}",
                            f"numbers (one per neuron of layer {number})")
        self.neurons = [
            Neuron(n_in, activation, layer=number, j=j, weights=row, b=b, bias=bias,
                   fused=fused, names=names, _rng=rng)
            for j, (row, b) in enumerate(zip(weight_rows, bias_values), 1)]
        # Precomputed once for the forward pass (the hot path)
        self._weight_rows = tuple(neuron.weights for neuron in self.neurons)
        self._bias_nodes = tuple(neuron.bias for neuron in self.neurons)
        self._z_names = tuple(neuron._z_name for neuron in self.neurons)
        self._a_names = tuple(neuron._a_name for neuron in self.neurons)
        self._input_names = self.neurons[0]._input_names
        every_weight = frozenset(w for row in self._weight_rows for w in row)
        self._weighted_inputs = (partial(dot_layer, weights=every_weight) if fused
                                 else elementary_layer)
        self.z, self.a = [], []

    def _named_parameters(self):
        return chain.from_iterable(neuron._params for neuron in self.neurons)

    def _zero_grads(self):
        for neuron in self.neurons:
            neuron._zero_grads()

    def _holders(self):
        return self.neurons

    def _neurons_frozen(self):
        """The neurons' own frozen sets (freeze() and unfreeze() change them in place),
        looked up once, so a forward pass asks "any frozen?" in one C-level any()."""
        try:
            return self.__dict__["_frozen_sets"]
        except KeyError:
            sets = self.__dict__["_frozen_sets"] = [n._frozen_set() for n in self.neurons]
            return sets

    @property
    def delta(self) -> list[float]:
        """δ^l_j = ∂C/∂z^l_j of the last forward pass (valid after ``C.backward()``)."""
        return [z.grad for z in self.z]

    def __call__(self, inputs: Inputs, sample: int | None = None) -> list[Value]:
        """a^l for ``inputs`` (a list of n_in numbers or Values): a list of Values.
        ``sample=i`` names the nodes of sample i of a batch (``z2_1(i)``)."""
        owner = f"Layer {self.number}"
        sample = check_sample(sample, owner)
        inputs = as_inputs(inputs, self._input_names, owner, sample)
        return Outputs(self._forward(inputs, sample))

    def _forward(self, inputs, sample=None):
        """a^l from a tuple of Values; records this pass's z^l and a^l (no checks)."""
        rows, biases = self._weight_rows, self._bias_nodes
        if self.bias_mode == "constant":
            biases = tuple(map(pass_bias, biases))
        if any(self._neurons_frozen()):  # frozen parameters enter this pass as constants
            frozen = self.frozen_values()
            rows = tuple(for_pass(row, frozen) for row in rows)
            biases = for_pass(biases, frozen)
        zs = self._weighted_inputs(rows, inputs, biases)
        z_names, a_names = self._z_names, self._a_names
        if sample is not None:
            z_names, a_names = sample_names(z_names, sample), sample_names(a_names, sample)
        activate = self._activate
        if activate is None:  # linear: a^l = z^l, the same nodes
            for z, z_name in zip(zs, z_names):
                z.name = z_name
            activations = list(zs)
        else:
            activations = []
            add = activations.append
            for z, z_name, a_name in zip(zs, z_names, a_names):
                z.name = z_name
                a = activate(z)
                a.name = a_name
                add(a)
        self.z, self.a = zs, activations
        return tuple(activations)

    def __repr__(self):
        return (f"Layer {self.number}: {self.n_in} -> {self.n_out}, {self.activation}, "
                f"{_bias_text(self)}")


def _bias_text(layer):
    if layer.bias_mode == "constant":
        return f"constant bias {layer.neurons[0].bias.data!r}"
    return {"trainable": "trainable bias", "none": "no bias"}[layer.bias_mode]


# ---------------------------------------------------------------------------
# MLP
# ---------------------------------------------------------------------------

#: a layer's first weight Value -> a weak reference to its MLP, so that a layer (or that
#: weight) leads to its network (:func:`nn.matrices.network_of`: explain's program lines)
NETWORK_OF: weakref.WeakKeyDictionary[Value, Any] = weakref.WeakKeyDictionary()


def remember_network(net: MLP) -> None:
    """Make ``net`` the network of its layers (done when it is made, and again by
    :mod:`nn.matrices` for one made by a copy or pickle)."""
    for layer in net.layers:
        NETWORK_OF[layer.neurons[0].weights[0]] = weakref.ref(net)


class MLP(Module):
    """A fully connected network with layer sizes ``sizes`` (input layer first).

    >>> net = MLP([2, 3, 1], seed=0)
    >>> [y] = net([1.0, 0.0])
    >>> y.name, [p.name for p in net.layers[0].neurons[0].parameters()]
    ('a3_1', ['w2_11', 'w2_12', 'b2_1'])

    ``activation``: one name for every layer or a list with one per layer
    (a name of ``nn.ACTIVATIONS``).  ``weights[l][j][k]`` is the
    weight from neuron k of layer l to neuron j of layer l+1 (0-based lists;
    in Nielsen's names w^{l+2}_{j+1,k+1}), ``biases[l][j]`` the bias of
    neuron j of layer l+1.  Values not given are drawn uniformly from
    [-1, 1] by ``random.Random(seed)`` in parameter order (layer by layer,
    neuron by neuron, weights then bias); ``seed=None`` picks a seed and
    keeps it in ``net.seed`` (None when every number was given: none was
    drawn).  ``bias``: "trainable", "none" or a number
    (a constant bias that is not a parameter), or a list with one of these
    per layer after the input (``bias=[0.35, 0.60]``).  ``fused=False`` builds each
    z from separate ``*`` and ``+`` nodes instead of one ``dot`` node.
    ``names``: "nielsen" (default), "net" (the hand derivations' x w1 b1 net1 h
    w2 b2 net2 y' for a 1-1-1 network, :data:`nn.NET_NAMES`) or a dict renaming
    Nielsen names.
    """

    sizes: list[int]
    layers: list[Layer]
    inputs: tuple[Value, ...]

    def __init__(self, sizes: Iterable[int], activation: str | Sequence[str] = "sigmoid", *,
                 weights: Sequence[Sequence[Sequence[SupportsFloat | None] | None] | None] | None = None,
                 biases: Sequence[Sequence[SupportsFloat | None] | None] | None = None,
                 bias: Bias | Sequence[Bias] = "trainable", seed: int | None = None,
                 fused: bool = True, names: str | dict[str, str] = "nielsen") -> None:
        sizes = _check_sizes(sizes, activation)
        self.sizes = sizes
        flag(fused, "MLP: fused")
        n_layers = len(sizes) - 1
        self.activations = activations_per_layer(activation, n_layers)
        layer_bias = biases_per_layer(bias, n_layers)
        modes = [bias_mode(b)[0] for b in layer_bias]
        self.bias = bias
        if biases is not None and not isinstance(bias, (list, tuple)) and modes[0] != "trainable":
            raise ValueError(f"biases were given but bias={short_repr(bias)}; "
                             f"initial biases need bias='trainable'")
        self.seed: int | None
        self.seed, rng = seeded_rng(seed)
        picked = rng.getstate() if seed is None else None
        self.fused = fused
        rename = _renaming(names, sizes, modes)
        weight_layers = _rows(weights, n_layers, "weights",
                              "matrices (one per layer after the input)")
        bias_layers = _rows(biases, n_layers, "biases",
                            "lists (one per layer after the input)")
        self.layers = [
            Layer(n_in, n_out, act, number=i + 2, weights=w, biases=b, bias=mode,
                  fused=fused, names=rename, _rng=rng)
            for i, (n_in, n_out, act, w, b, mode) in enumerate(
                zip(sizes, sizes[1:], self.activations, weight_layers, bias_layers, layer_bias))]
        if picked is not None and rng.getstate() == picked:
            self.seed = None       # every number was given: the seed picked drew none
        self._input_names = self.layers[0]._input_names
        self._owner = f"MLP {'-'.join(map(str, sizes))}"
        self.inputs = ()
        remember_network(self)

    def _named_parameters(self):
        return chain.from_iterable(neuron._params for neuron in self._holders())

    def _holders(self):
        return [neuron for layer in self.layers for neuron in layer.neurons]

    def _zero_grads(self):
        for layer in self.layers:
            layer._zero_grads()

    def layer(self, l: int) -> Layer:
        """The layer with Nielsen number ``l`` (2 is the first hidden layer)."""
        for layer in self.layers:
            if layer.number == l:
                return layer
        raise IndexError(f"{self._owner} has layers 2..{len(self.sizes)} "
                         f"(layer 1 is the input), got {l!r}")

    def __call__(self, inputs: Inputs, sample: int | None = None) -> list[Value]:
        """The output activations a^L for ``inputs``: always a list of Values.

        Numbers become leaf nodes named x1, x2, ...; Values are used as they
        are.  Each layer's ``z`` and ``a`` hold this pass's nodes afterwards.
        ``sample=i`` marks the pass as sample i of a batch: its nodes are
        named ``x1(i)``, ``z2_1(i)``, ``a2_1(i)`` (x₁⁽ⁱ⁾, z²₁⁽ⁱ⁾, a²₁⁽ⁱ⁾);
        the parameters, shared by every sample, keep their names.
        """
        return self._pass(inputs, check_sample(sample, self._owner), sample is None)

    def _pass(self, inputs, sample, batch_hint):
        """The forward pass of :meth:`__call__` (``batch_hint``: see :func:`as_inputs`)."""
        x = as_inputs(inputs, self._input_names, self._owner, sample, batch_hint)
        self.inputs = x
        for layer in self.layers:
            x = layer._forward(x, sample)
        return Outputs(x)

    def predict(self, X: Sequence[Any]) -> list[float] | list[list[float]]:
        """The outputs a^L as floats, with no graph kept: for one sample (a list of
        n_in numbers) a list of floats, for a list of samples (or a 2-d array, one row
        per sample, as ``train`` takes it) one such list each.

        The layers' ``z``, ``a`` and ``net.inputs`` keep the nodes of the last
        ordinary forward pass (predict leaves them alone).
        """
        single = _one_sample(X)
        samples = [X] if single else X
        kept = self._last_pass()
        outputs = []
        try:
            with no_grad():
                for i, x in enumerate(samples, 1):
                    try:
                        outputs.append([a.data for a in self._pass(x, None, False)])
                    except (TypeError, ValueError) as err:   # a sample that is not one
                        if single:
                            raise _flat_samples(err, X, len(self._input_names)) from None
                        _refuse_columns(X, self.sizes[0], self._owner, "predict")
                        refuse_column_sample(x, f"{self._owner}: sample {i}")
                        raise in_sample(err, i) from None
        finally:
            try:
                self._last_pass(kept)
            except KeyboardInterrupt:   # a Ctrl-C noticed before the put-back held it
                self._last_pass(kept)
                raise
        return outputs[0] if single else outputs

    def _last_pass(self, kept=None):
        """The nodes of the last forward pass (net.inputs, each layer's z and a), or, given
        ``kept``, those put back (after a pass that is not to count)."""
        if kept is None:
            return self.inputs, [(layer.z, layer.a) for layer in self.layers]
        with deferred_interrupts():     # all put back, then a Ctrl-C
            self.inputs = kept[0]
            for layer, (z, a) in zip(self.layers, kept[1]):
                layer.z, layer.a = z, a
        return kept

    def batch(self, samples: Iterable[Inputs]) -> list[list[Value]]:
        """One forward pass per sample, ``[self(x, sample=i) for i, x in ...]``:
        a list with each sample's output list, every node named with its sample
        (x₁⁽²⁾, z²₁⁽²⁾), so a picture or a step of the batch says which sample
        a node belongs to.  Afterwards each layer's ``z``/``a`` hold the last sample's."""
        if not listlike(samples):
            raise TypeError(f"{self._owner}.batch: samples must be a list of input lists, "
                            f"got {type(samples).__name__} {short_repr(samples)}")
        _refuse_columns(samples, self.sizes[0], self._owner)
        kept = self._last_pass()
        try:
            return [self(x, sample=i) for i, x in enumerate(samples, 1)]
        except BaseException as err:     # a sample that fails, or Ctrl-C: as before the batch
            try:
                self._last_pass(kept)
            except KeyboardInterrupt:   # a Ctrl-C noticed before the put-back held it
                self._last_pass(kept)
                raise
            if isinstance(err, TypeError) and _numbers_only(samples):
                raise _flat_samples(err, samples, self.sizes[0]) from None   # np.linspace's
            raise

    def jit_loss(self, loss: str | Callable[..., Value] | None = None, *,
                 backend: str = "python") -> Jitted | MatrixProgram:
        """The compiled C(x, y) of this network.

        ``backend="python"`` (default): ``autograd.jit_loss(self, loss, n_inputs)``,
        straight-line Python over the scalars.  ``backend="numpy"``: for nn's losses,
        the network's BP1-BP4 as matrix code (:class:`nn.matrix.MatrixProgram`), and
        for a loss of yours too when its C_x is per sample and elementwise
        (:mod:`nn.traced_loss`); else the traced program over numpy arrays of samples.

        Call it as ``step(x1, .., xn, y1, .., ym)`` or ``step.batch(samples)``:
        it returns C and adds ∂C/∂w into each parameter's ``grad``, as
        ``loss(net(x), y).backward()`` would, without building nodes.
        """
        from autograd.jit import BACKENDS, jit_loss
        from .losses import half_squared_error, resolve_loss
        loss = loss or half_squared_error
        if backend not in BACKENDS:
            raise ValueError(f"jit_loss: backend must be one of {', '.join(map(repr, BACKENDS))}, "
                             f"got {backend!r}")
        record = resolve_loss(loss, "jit_loss")
        function: Callable[..., Value] = (record.sample if record is not None and isinstance(loss, str)
                                          else loss)  # type: ignore[assignment]
        if backend == "numpy" and record is not None:
            from .matrix import MatrixProgram
            return MatrixProgram(self, record.name)
        if backend == "numpy":   # a loss of the user's: the matrix program when it traces elementwise
            from .traced_loss import matrix_loss
            program, _ = matrix_loss(self, function)
            if program is not None:
                return program
        return jit_loss(self, function, self.sizes[0], backend=backend,   # nn's: a target an output
                        n_targets=None if record is None else self.sizes[-1],
                        targets_ok=None if record is None else record.targets_ok)

    @classmethod
    def from_matrices(cls, weights: Any, biases: Any = None, activation: str | Sequence[str] = "sigmoid",
                      *, layout: str = "columns", **options: Any) -> MLP:
        """An MLP from weight matrices as printed (:func:`nn.matrices.from_matrices`)."""
        from .matrices import from_matrices
        return from_matrices(cls, weights, biases, activation, layout=layout, **options)

    def matrices(self, layout: str | None = None) -> dict[str, Any]:
        """The weights and biases as matrices in ``layout`` (:func:`nn.matrices.matrices`)."""
        from .matrices import matrices
        return matrices(self, layout)

    def gradient_matrices(self, layout: str | None = None) -> dict[str, Any]:
        """The gradients as matrices in ``layout`` (:func:`nn.matrices.gradient_matrices`)."""
        from .matrices import gradient_matrices
        return gradient_matrices(self, layout)

    def to_torch(self) -> Any:
        """This network as a float64 ``torch.nn.Sequential`` (:mod:`nn.torch_bridge`)."""
        from .torch_bridge import to_torch
        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any, **kwargs: Any) -> MLP:
        """The MLP of a ``torch.nn.Sequential`` of Linear layers and activations (:mod:`nn.torch_bridge`)."""
        from .torch_bridge import from_torch
        return from_torch(module, **kwargs)

    def __repr__(self):
        frozen = len(self.frozen())
        extra = f" ({frozen} frozen)" if frozen else ""
        seed = "" if self.seed is None else f", seed={self.seed}"
        lines = [f"MLP({self.sizes}, {len(self.parameters())} parameters{extra}{seed}"]
        lines += [f"  {layer!r}" for layer in self.layers]
        return "\n".join(lines) + "\n)"


def _numbers_only(samples):
    """Whether ``samples`` is a sized list or array whose first sample is not a list."""
    try:
        return len(samples) > 0 and not listlike(samples[0])
    except (TypeError, KeyError, IndexError):      # a set, a dict view, ...
        return False


def _flat_samples(err, X, n_in):
    """``err`` of predict(X) on one sample, or of batch(X) on its first; for a one-input
    network given a flat list of numbers (np.linspace's, say), which reads as one sample
    (or as samples that are not lists), how to give them as samples."""
    if n_in != 1 or not isinstance(err, (ValueError, TypeError)) or \
            isinstance(err, TypeError) and not _numbers_only(X) or len(X) < 2:
        return err
    return type(err)(f"{err}; {one_input_rows(len(X))}")


def _refuse_columns(samples: Any, n_in: int, owner: str, call: str = "batch") -> None:
    """Refuse a batch whose samples are not ``n_in`` numbers each and which, n_in rows of
    m, may be given with a column per sample (Nielsen's X, inputs × m): saying so."""
    m = by_column(samples, n_in)
    if m is not None:
        raise ValueError(f"{owner} expects {counted(n_in, 'input')}, got {m} "
                         f"(sample 1 of the batch); if "
                         f"the samples are columns ({n_in}×{m}, Nielsen's layout), a batch "
                         f"takes a row per sample: net.{call}(X.T)")


def _one_sample(X: Any) -> bool:
    """Whether ``X`` given to predict is one sample's inputs, not a list of samples
    or a 2-d array of them (a row each)."""
    ndim = getattr(X, "ndim", None)
    if ndim is not None and not isinstance(X, (list, tuple)):
        return ndim < 2
    return not (isinstance(X, (list, tuple)) and X and hasattr(X[0], "__len__"))


def _check_sizes(sizes: Iterable[int], activation: Any = None) -> list[int]:
    if not listlike(sizes):
        micrograd = (is_int(sizes) and listlike(activation)
                     and all(map(is_int, activation)))   # micrograd's MLP(nin, nouts)
        hint = (f" (micrograd's MLP({sizes}, {list(activation)}) is "
                f"nn.MLP({[sizes, *activation]}))" if micrograd else "")
        raise TypeError(f"MLP sizes must be a list of layer sizes like [2, 3, 1], "
                        f"got {type(sizes).__name__} {short_repr(sizes)}{hint}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"MLP sizes needs an input and an output layer "
                         f"(at least two sizes, like [2, 3, 1]), got {short_repr(sizes)}")
    return [positive_int(n, f"MLP size of layer {i + 1}") for i, n in enumerate(sizes)]


def _nielsen_names(sizes, modes):
    """Every node name a network of these sizes uses, in Nielsen's notation
    (``modes``: each layer's bias mode after the input)."""
    names = [_names.input_name(k) for k in range(1, sizes[0] + 1)]
    for l, (n_in, n_out, mode) in enumerate(zip(sizes, sizes[1:], modes), 2):
        for j in range(1, n_out + 1):
            names += [_names.weight_name(l, j, k) for k in range(1, n_in + 1)]
            if mode != "none":
                names.append(_names.bias_name(l, j))
            names += [_names.z_name(l, j), _names.a_name(l, j)]
    return names


def _renaming(names, sizes, modes):
    """The ``{nielsen name: new name}`` dict for ``names=`` (None for "nielsen")."""
    if names == "nielsen" or names is None:
        return None
    if names == "seed":
        raise ValueError("names='seed' is now names='net' (x w1 b1 net1 h w2 b2 net2 y')")
    if names == "net":
        if sizes != [1, 1, 1]:
            raise ValueError(f"names='net' (x w1 b1 net1 h w2 b2 net2 y') needs MLP([1, 1, 1]), "
                             f"got sizes {sizes}")
        names = dict(_names.NET_NAMES)
        for l, mode in enumerate(modes, 2):
            if mode == "none":
                names.pop(_names.bias_name(l, 1))
    if not isinstance(names, dict):
        raise TypeError(f"names must be 'nielsen', 'net' or a dict of Nielsen name -> "
                        f"name, got {type(names).__name__} {short_repr(names)}")
    known = _nielsen_names(sizes, modes)
    unknown = [key for key in names if key not in known]
    if unknown:
        raise KeyNameError(f"names: {', '.join(map(repr, unknown))} not in this network; "
                           f"known: {', '.join(known)}")
    final = {}
    for key in known:
        new = names.get(key, key)
        if not isinstance(new, str) or not new:
            raise TypeError(f"names: the name for {key!r} must be a non-empty str, got {short_repr(new)}")
        if new in final:
            raise ValueError(f"names: {new!r} given to both {final[new]!r} and {key!r}")
        final[new] = key
    return names

"""The way on to PyTorch: an :class:`nn.MLP` as a ``torch.nn.Sequential`` and back.

Layer l of the MLP (l = 2, 3, ... in Nielsen's numbering) becomes one
``torch.nn.Linear(n_{l-1}, n_l)`` in float64 whose ``weight[j-1][k-1]`` is
w^l_jk and whose ``bias[j-1]`` is b^l_j, followed by its activation
(``Sigmoid``, ``Tanh``, ``ReLU``; nothing for "linear").  A layer without
bias is a ``Linear(bias=False)``; a constant bias (``bias=0.35``) is a bias
tensor that does not require grad, and so is a weight or bias tensor whose
parameters are all frozen (PyTorch freezes whole tensors; one frozen in part
is refused).  Back from PyTorch, a weight that does not require grad is
frozen, and so is a bias of several numbers (one number: a constant bias).
The numbers are copied, not shared: train either network, then move again.
An optimiser of the MLP's parameters loads the ``state_dict()`` of a
``torch.optim`` SGD, Adam or AdamW of ``model.parameters()`` (its settings,
momentum buffers or moments and step count, tensor by tensor in that order:
:func:`state_from_torch`), and :func:`state_to_torch` writes its state for such a
``torch.optim`` optimiser to load, so a run goes on in PyTorch.

    >>> import nn
    >>> net = nn.MLP([2, 3, 1], seed=0)
    >>> model = net.to_torch()           # torch.nn.Sequential, float64
    >>> net2 = nn.MLP.from_torch(model)  # the same shapes, weights and activations

PyTorch is an optional extra (``pip install 'chainrule[torch]'``); nothing
here imports it before it is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autograd.floats import as_float

from .optim import _STATE_CHECKS

if TYPE_CHECKING:
    from .layers import MLP

__all__ = ["to_torch", "from_torch", "state_from_torch", "state_to_torch", "TORCH_ACTIVATIONS"]

#: chainrule's activation name -> the name of its torch.nn module (None: no module)
TORCH_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "linear": None}


def _torch(what):
    """The torch module, or a one-line ImportError naming the extra."""
    try:
        import torch
    except ImportError:
        raise ImportError(f"{what} needs PyTorch, an optional extra: "
                          f"pip install 'chainrule[torch]'") from None
    return torch


def to_torch(net: MLP) -> Any:
    """A ``torch.nn.Sequential`` (float64) with ``net``'s weights, biases and activations."""
    torch = _torch("to_torch()")
    frozen = net.frozen_values()
    modules = []
    for number, layer in enumerate(net.layers, 2):
        if layer.activation not in TORCH_ACTIVATIONS:     # sin: torch.nn has no module
            raise ValueError(f"to_torch: layer {number}'s activation {layer.activation!r} has "
                             f"no torch.nn module; known: {', '.join(TORCH_ACTIVATIONS)}")
        biases = [0.0 if neuron.bias is None else _number(neuron.bias) for neuron in layer.neurons]
        linear = torch.nn.Linear(layer.n_in, layer.n_out, bias=layer.bias_mode != "none",
                                 dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(
                [list(map(_number, row)) for row in layer._weight_rows], dtype=torch.float64))
            linear.weight.requires_grad_(not _frozen_whole(
                [w for row in layer._weight_rows for w in row], frozen, number, "weight"))
            if linear.bias is not None:
                linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
                linear.bias.requires_grad_(layer.bias_mode == "trainable" and not _frozen_whole(
                    [neuron.bias for neuron in layer.neurons], frozen, number, "bias"))
        modules.append(linear)
        activation = TORCH_ACTIVATIONS[layer.activation]
        if activation is not None:
            modules.append(getattr(torch.nn, activation)())
    return torch.nn.Sequential(*modules)


def _number(value):
    """A weight's or bias's ``.data`` as a float (NaN and ±inf too, as a tensor holds
    them), or a one-line TypeError naming it (a str, None, a bool, an array, ... that
    ``.data`` was set to)."""
    return as_float(value.data, f"to_torch: {value.name or 'a parameter'}")


def _frozen_whole(values, frozen, number, what):
    """Whether every parameter of one tensor is frozen (none: False); a ValueError when
    only some are, which a tensor's requires_grad cannot say."""
    flags = [value in frozen for value in values]
    if any(flags) and not all(flags):
        names = ", ".join(value.name for value, flag in zip(values, flags) if flag)
        raise ValueError(f"to_torch: layer {number}'s {what} has frozen entries ({names}) and "
                         f"trainable ones, but PyTorch freezes a tensor whole "
                         f"(requires_grad=False): freeze all of them or none")
    return bool(flags) and all(flags)


def from_torch(module: Any, **mlp_kwargs: Any) -> MLP:
    """An :class:`nn.MLP` with the weights, biases and activations of ``module``: a
    ``torch.nn.Sequential`` of ``Linear`` layers, each followed by at most one
    ``Sigmoid``, ``Tanh``, ``ReLU`` or ``Identity`` (a single ``Linear`` is a
    one-layer network).  ``mlp_kwargs`` go to :class:`nn.MLP` (``fused``, ``names``).
    A module that cannot be mapped raises ValueError naming it and why."""
    torch = _torch("from_torch()")
    from .layers import MLP
    layers = _layers(torch, module)
    sizes = [layers[0][0].in_features] + [linear.out_features for linear, _ in layers]
    weights: list[Any] = []
    biases: list[Any] = []
    bias_modes: list[Any] = []
    fixed: list[Any] = []          # (layer index, "weight" or "bias") that does not require grad
    for i, (linear, _) in enumerate(layers):
        weights.append(_numbers(torch, linear, "weight", i))
        if not linear.weight.requires_grad:
            fixed.append((i, "weights"))
        if linear.bias is None:
            biases.append(None)
            bias_modes.append("none")
            continue
        bias = _numbers(torch, linear, "bias", i)
        if linear.bias.requires_grad or len(set(bias)) > 1:
            biases.append(bias)
            bias_modes.append("trainable")
            if not linear.bias.requires_grad:
                fixed.append((i, "biases"))
        else:
            biases.append(None)
            bias_modes.append(bias[0])
    net = MLP(sizes, [activation for _, activation in layers], weights=weights,
              biases=biases, bias=bias_modes, **mlp_kwargs)
    for i, what in fixed:
        layer = net.layers[i]
        names = ([w.name for row in layer._weight_rows for w in row] if what == "weights"
                 else [neuron.bias.name for neuron in layer.neurons])
        net.freeze(*names)
    return net


def _numbers(torch, linear, what, i):
    """The ``weight`` or ``bias`` of the module's Linear ``i`` (from 0) as (lists of)
    Python floats (float16 to float64 exactly, integers as float64 rounds them); a
    complex or bool tensor, or one without numbers (device "meta", a LazyLinear's), is a
    ValueError naming it."""
    where = f"from_torch: Linear {i + 1}'s {what} (layer {i + 2} of the MLP)"
    if torch.nn.parameter.is_lazy(getattr(linear, what)):
        raise ValueError(f"{where} has no numbers yet (a LazyLinear before its first forward "
                         f"pass); run the model once first")
    tensor = getattr(linear, what).detach()
    if tensor.is_complex() or tensor.dtype == torch.bool:
        raise ValueError(f"{where} is {str(tensor.dtype).replace('torch.', '')}; an nn.MLP's "
                         f"weights and biases are real numbers")
    if tensor.is_meta:
        raise ValueError(f"{where} is on the 'meta' device, which holds no numbers; "
                         f"load or initialise the weights first")
    return tensor.double().tolist()


def _is_linear(torch, module, where):
    """Whether ``module`` is a ``torch.nn.Linear`` computing W a + b (a subclass that
    only adds to it, such as a parametrised one, too); a ValueError for a subclass
    with a forward() of its own, which nn.MLP would not compute."""
    if not isinstance(module, torch.nn.Linear):
        return False
    if type(module).forward is not torch.nn.Linear.forward:
        raise ValueError(f"{where} is a Linear with a forward() of its own, which an nn.MLP "
                         f"layer (z = W a + b) would not compute")
    return True


def _layers(torch, module):
    """[(Linear, activation name)] of ``module``, checked link by link."""
    if _is_linear(torch, module, f"from_torch: the module ({type(module).__name__})"):
        return [(module, "linear")]
    if not isinstance(module, torch.nn.Sequential):
        raise ValueError(f"from_torch: expected a torch.nn.Sequential of Linear layers and "
                         f"activations, got {type(module).__name__}")
    by_type = {getattr(torch.nn, cls): name for name, cls in TORCH_ACTIVATIONS.items() if cls}
    by_type[torch.nn.Identity] = "linear"
    layers = []
    for index, child in enumerate(module):
        where = f"from_torch: module {index} ({type(child).__name__})"
        if _is_linear(torch, child, where):
            if layers and child.in_features != layers[-1][0].out_features:
                raise ValueError(f"{where} takes {child.in_features} inputs but the layer "
                                 f"before it gives {layers[-1][0].out_features}")
            layers.append([child, None])
        elif type(child) in by_type:
            if not layers:
                raise ValueError(f"{where} comes before any Linear layer; an nn.MLP layer is "
                                 f"a Linear followed by its activation")
            if layers[-1][1] is not None:
                raise ValueError(f"{where} is a second activation after one Linear layer; "
                                 f"an nn.MLP layer has one")
            layers[-1][1] = by_type[type(child)]
        else:
            known = ", ".join(["Linear", *(cls for cls in TORCH_ACTIVATIONS.values() if cls),
                               "Identity"])
            raise ValueError(f"{where} has no counterpart in nn.MLP, whose layers are "
                             f"{known}")
    if not layers:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    return [(linear, activation or "linear") for linear, activation in layers]



#: nn's optimiser -> its per-parameter state keys as torch.optim names them
TORCH_STATE_NAMES = {"SGD": {"velocity": "momentum_buffer"},
                     "Adam": {"m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq"}}
TORCH_STATE_NAMES["AdamW"] = TORCH_STATE_NAMES["Adam"]
#: the settings of torch.optim's param group, in its order
_TORCH_SETTINGS = {"SGD": ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"),
                   "Adam": ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")}
_TORCH_SETTINGS["AdamW"] = _TORCH_SETTINGS["Adam"]
#: param_groups keys of torch.optim that choose how it computes, not what: not loaded
_TORCH_IMPLEMENTATION = {"foreach", "capturable", "differentiable", "fused", "initial_lr"}


def torch_tensors(net: MLP) -> list[tuple[str, list[Any], tuple[int, ...]]]:
    """``(name, its parameters, its shape)`` for each tensor of
    ``to_torch(net).parameters()``, in order: per layer l its weight (w^l_jk row by row,
    as ``weight[j-1][k-1]``), then its bias (b^l_j; None for the entries of a constant
    bias, which has no parameter)."""
    tensors: list[tuple[str, list[Any], tuple[int, ...]]] = []
    for number, layer in enumerate(net.layers, 2):
        tensors.append((f"layer {number}'s weight", [w for row in layer._weight_rows for w in row],
                        (layer.n_out, layer.n_in)))
        if layer.bias_mode != "none":
            tensors.append((f"layer {number}'s bias",
                            [n.bias if layer.bias_mode == "trainable" else None
                             for n in layer.neurons], (layer.n_out,)))
    return tensors


def _torch_kind(group):
    """The torch.optim class a param group's keys come from (None: not one of these)."""
    if "momentum" in group:
        return "SGD"
    if "betas" in group:
        return "AdamW" if group.get("decoupled_weight_decay") else "Adam"
    return None


def state_from_torch(optimizer: Any, state: dict[str, Any]) -> dict[str, Any]:
    """``state``, the ``state_dict()`` of ``torch.optim.SGD``, ``Adam`` or ``AdamW`` over
    ``net.to_torch().parameters()``, in ``optimizer.state_dict()``'s layout (then
    checked by ``load_state_dict`` as any state): the settings of its one param group,
    and per parameter of ``optimizer`` the entry of its tensor's ``momentum_buffer``
    (velocity) or ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq`` (m, v, v_max); a tensor
    without state (never stepped) gives 0 (SGD: None, no momentum buffer yet).  Adam's
    ``step``, one per tensor in PyTorch, must be the same for all: it is t.  Anything that does not map is a
    one-line ValueError saying what."""
    kind = optimizer._kind()
    where = f"{type(optimizer).__name__}.load_state_dict: torch.optim's state_dict"
    net = _network(optimizer, f"{where} is keyed by tensor", "else give opt.state_dict()'s "
                   "layout, one state entry per parameter")
    groups = state.get("param_groups")
    if not (isinstance(groups, list) and len(groups) == 1 and isinstance(groups[0], dict)):
        raise ValueError(f"{where} must have one param group (nn's optimisers have one), got "
                         f"{len(groups) if isinstance(groups, list) else type(groups).__name__}")
    group = dict(groups[0])
    torch_kind = _torch_kind(group)
    if torch_kind != kind:
        theirs = "an unknown optimiser's" if torch_kind is None else f"torch.optim.{torch_kind}'s"
        raise ValueError(f"{where} is {theirs}, but this is {kind}: load the state of the "
                         f"same kind of optimiser")
    tensors = torch_tensors(net)
    if group.get("params") != list(range(len(tensors))):
        raise ValueError(f"{where}'s param group holds tensors {group.get('params')!r}, but "
                         f"net.to_torch().parameters() has {len(tensors)} (give torch.optim "
                         f"all of them, in that order)")
    settings = {name: group[name] for name in optimizer._settings() if name in group}
    if "betas" in settings:
        settings["betas"] = list(settings["betas"])
    unknown = [key for key in group if key not in settings and key != "params"
               and key not in _TORCH_IMPLEMENTATION and key != "decoupled_weight_decay"]
    if unknown:
        raise ValueError(f"{where}'s param group has {unknown[0]!r}, which {kind} does not have")
    names = TORCH_STATE_NAMES[kind]
    found: dict[int, dict[str, float]] = {}
    steps = set()
    entries: dict[Any, Any] = state["state"]       # a dict (how load_state_dict told)
    for index, entry in entries.items():
        if not (type(index) is int and 0 <= index < len(tensors)) or not isinstance(entry, dict):
            raise ValueError(f"{where}'s state must map tensor numbers 0..{len(tensors) - 1} to "
                             f"dicts, got {index!r}: {type(entry).__name__}")
        tensor, values, shape = tensors[index]
        extra = [key for key in entry if key not in names.values() and key != "step"]
        if extra:
            raise ValueError(f"{where}'s state[{index}] ({tensor}) has {extra[0]!r}, which "
                             f"{kind} does not keep")
        if "step" in entry:
            steps.add(_step(entry["step"], f"{where}'s state[{index}]['step']"))
        numbers = {key: _flat(entry[torch_key], shape, where, f"state[{index}][{torch_key!r}]",
                              tensor, _STATE_CHECKS[key])
                   for key, torch_key in names.items() if entry.get(torch_key) is not None}
        for k, value in enumerate(values):
            if value is not None:
                found[id(value)] = {key: flat[k] for key, flat in numbers.items()}
    if len(steps) > 1:
        raise ValueError(f"{where} has tensors at different steps {sorted(steps)}; nn's {kind} "
                         f"keeps one step count t for all its parameters")
    amsgrad = settings.get("amsgrad", False)
    zero: dict[str, Any] = {key: 0.0 for key in names if key != "v_max" or amsgrad}
    if kind == "SGD":
        zero = {"velocity": None}         # (a tensor without momentum_buffer: none yet)
    known = {id(value) for _, values, _ in tensors for value in values}
    rows = []
    for i, p in enumerate(optimizer.parameters):
        if id(p) not in known:
            raise ValueError(f"{where}: parameter {i} ({p.name}) is not one of the network's")
        rows.append(found.get(id(p)) or dict(zero))
    out: dict[str, Any] = {"optimizer": kind}
    if kind != "SGD":
        out["t"] = steps.pop() if steps else 0
    out["param_groups"] = [{**settings, "params": list(range(len(optimizer.parameters)))}]
    out["state"] = rows
    return out


def _network(optimizer, what, otherwise):
    """The nn.MLP whose ``net.parameters()`` ``optimizer`` was made of, or a ValueError
    beginning with ``what``: only then do its parameters map onto tensors."""
    from .layers import MLP
    net = optimizer.module
    if not isinstance(net, MLP):
        raise ValueError(f"{what}, which maps onto parameters only for an optimiser of an "
                         f"nn.MLP's net.parameters() (the tensors of "
                         f"net.to_torch().parameters(), in order); {otherwise}")
    return net


def state_to_torch(optimizer: Any) -> dict[str, Any]:
    """The ``state_dict()`` that ``torch.optim.SGD``, ``Adam`` or ``AdamW`` (as
    ``optimizer``) over ``net.to_torch().parameters()`` loads to go on where
    ``optimizer``, of ``net.parameters()``, is: :func:`state_from_torch` inverted.
    One param group with the settings in torch's names, and per
    tensor its ``momentum_buffer`` (SGD, unless μ = 0 and every v = 0, or the tensor
    has none yet) or ``exp_avg``,
    ``exp_avg_sq`` (and ``max_exp_avg_sq`` with AMSGrad) as float64 tensors of its
    shape, w^l_jk at ``[j-1][k-1]``, and ``step`` t (each tensor at nn's one t).  A tensor none of whose
    parameters ``optimizer`` holds, frozen or constant, has no state; a parameter of
    the network neither held nor frozen is a ValueError naming it (torch.optim would
    step it)."""
    torch = _torch("state_to_torch()")
    kind = optimizer._kind()
    where = f"state_to_torch: {type(optimizer).__name__}"
    net = _network(optimizer, f"{where} has no tensors", "else use opt.state_dict()")
    saved = optimizer.state_dict()            # (the current numbers, read in one turn)
    ours = saved["param_groups"][0]
    group = {key: ours[key] for key in _TORCH_SETTINGS[kind]}
    if kind != "SGD":
        group["betas"] = tuple(group["betas"])
        group["decoupled_weight_decay"] = kind == "AdamW"
    names = {key: TORCH_STATE_NAMES[kind][key] for key in saved["state"][0]}
    if kind == "SGD" and not group["momentum"] and not any(
            row["velocity"] for row in saved["state"]):
        names = {}                # (as torch.optim.SGD without momentum: no buffers)
    rows = {id(p): row for p, row in zip(optimizer.parameters, saved["state"])}
    zero = dict.fromkeys(names, 0.0)          # (a frozen entry of a tensor it steps)
    state: dict[int, dict[str, Any]] = {}
    tensors = torch_tensors(net)
    known = {id(value) for _, values, _ in tensors for value in values}
    for i, p in enumerate(optimizer.parameters):
        if id(p) not in known:
            raise ValueError(f"{where}'s parameter {i} ({p.name}) is not one of the network's")
    frozen = net.frozen_values()
    for index, (tensor, values, shape) in enumerate(tensors):
        if not any(id(value) in rows for value in values):
            values = [value for value in values if value is not None and value not in frozen]
        missing = [value.name for value in values if id(value) not in rows and value not in frozen]
        if missing:
            raise ValueError(f"{where} does not hold {missing[0]} ({tensor}), which "
                             f"torch.optim over net.to_torch().parameters() would step; "
                             f"make the optimiser of net.parameters()")
        if not values:            # (a constant or frozen tensor: torch.optim keeps no state)
            continue
        numbers = {key: [rows.get(id(value), zero)[key] for value in values] for key in names}
        if None in numbers.get("velocity", ()):       # (SGD: no buffer yet)
            if group["dampening"]:
                _one_buffer(numbers.pop("velocity"), values, where, tensor)
            elif any(v is not None for v in numbers["velocity"]):   # (τ = 0: v <- μ·0 + g
                numbers["velocity"] = [v or 0.0 for v in numbers["velocity"]]   # is v <- g)
            else:
                del numbers["velocity"]
        entry = {names[key]: torch.tensor(column, dtype=torch.float64)
                 .reshape(shape) for key, column in numbers.items()}
        if "t" in saved:
            entry = {"step": torch.tensor(float(saved["t"]), dtype=_step_dtype(torch)), **entry}
        if entry:
            state[index] = entry
    return {"state": state, "param_groups": [{**group, "params": list(range(len(tensors)))}]}


def _one_buffer(velocities, values, where, tensor):
    """A ValueError unless every parameter of one tensor has no momentum buffer yet, when
    some have none: torch.optim keeps one buffer per tensor, or none."""
    if any(v is not None for v in velocities):
        started = [value.name for value, v in zip(values, velocities) if v is not None][0]
        fresh = [value.name for value, v in zip(values, velocities) if v is None][0]
        raise ValueError(f"{where}: {tensor} has a momentum buffer for {started} but none "
                         f"yet for {fresh} (its first step, with dampening, is v <- g), "
                         f"and torch.optim keeps one buffer per tensor")


def _step_dtype(torch):
    """The dtype torch.optim keeps ``step`` in: float64 under that default, else float32."""
    return torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32


def _flat(tensor, shape, where, key, name, check):
    """The numbers of the tensor at ``key`` (``"state[0]['exp_avg']"``, of the network's
    tensor ``name``), row by row, as a flat list of floats each passed by
    ``check(owner, what, x)`` (an entry of nn's state); a ValueError naming the key for
    another shape (its numbers would land on other parameters) or the entry."""
    got = tuple(getattr(tensor, "shape", ()))
    if not hasattr(tensor, "reshape") or got != shape:
        found = f"one of shape {got}" if hasattr(tensor, "reshape") else type(tensor).__name__
        raise ValueError(f"{where}'s {key} ({name}) must be a tensor of shape {shape}, "
                         f"got {found}")
    columns = shape[1] if len(shape) == 2 else None
    return [check(where, f"{key}[{']['.join(map(str, divmod(k, columns) if columns else (k,)))}]"
                  f" ({name})", x)
            for k, x in enumerate(tensor.reshape(-1).tolist())]


def _step(step, what):
    """Adam's per-tensor step (a tensor or number) as an int, or a ValueError naming it."""
    number = as_float(step, what)
    if not (number >= 0 and number.is_integer()):
        raise ValueError(f"{what} must be a whole number of steps, got {step!r}")
    return int(number)

"""The checks of arguments that nn's classes and functions share: a flag, a whole
number, a size, a seed.  Each returns the argument as Python reads it or raises one line
naming ``what`` it was."""

from __future__ import annotations

import functools
import inspect
import operator
import random
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from autograd.floats import flag, is_int, positive_int, short_repr

__all__ = ["flag", "is_int", "positive_int", "seeded_rng", "takes", "keywords_advised"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def seeded_rng(seed: Any) -> tuple[int, random.Random]:
    """``(seed, random.Random(seed))``: the same draws on every machine for an int seed
    (a numpy integer too, as an int); None picks one."""
    if seed is None:
        seed = random.SystemRandom().randrange(2 ** 32)
    elif not is_int(seed):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__} "
                        f"{short_repr(seed)}")
    seed = operator.index(seed)
    return seed, random.Random(seed)


def takes(fn: Any, parameters: str, what: str) -> None:
    """A TypeError naming ``what`` unless ``fn`` can be called with as many positional
    arguments as ``parameters`` (their names, "epoch, loss") lists; a function without
    a signature (a builtin) is left to its call."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*parameters.split(", "))
    except TypeError:
        raise TypeError(f"{what} must take ({parameters}), got {function_name(fn)}{signature}") from None


def function_name(fn: Any) -> str:
    """A function of the user's as errors name it: its ``__name__``, else its type's."""
    return getattr(fn, "__name__", None) or type(fn).__name__


def keywords_advised(advice: Callable[[dict[str, Any], dict[str, Any]], str | None]
                     ) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """A decorator: a call with keywords the function does not take raises the TypeError
    ``advice(those keywords, all keywords)`` returns (one line saying where they
    belong), before the function runs; None leaves Python's own error.  The function
    keeps its signature and its hints."""
    def decorate(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        known = frozenset(inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def advised(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if not kwargs.keys() <= known:
                line = advice({k: v for k, v in kwargs.items() if k not in known}, kwargs)
                if line is not None:
                    raise TypeError(line)
            return fn(*args, **kwargs)
        return advised
    return decorate

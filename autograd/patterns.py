"""Regular expressions compiled on first use, not at import.

``import autograd`` loads the formula reader and the name parser, whose dozens of
patterns only a check, a formula or a picture uses: :func:`lazy` keeps each as its
text until then, so that importing compiles none of them.
"""

from __future__ import annotations

import re
from functools import partial
from typing import cast

__all__ = ["lazy"]

#: the methods of a compiled pattern that a lazy one has
_METHODS = ("match", "fullmatch", "search", "sub", "subn", "finditer", "findall", "split")


class _Lazy:
    """``re.compile(pattern, flags)``'s stand-in: each method compiles the pattern on its
    first call and puts the compiled pattern's own methods in place of all of them, so
    that a call afterwards is the compiled pattern's (an attribute, no lookup hook)."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags = pattern, flags
        for method in _METHODS:
            setattr(self, method, partial(self._first_call, method))

    def _first_call(self, method, *args, **kwargs):
        compiled = re.compile(self.pattern, self.flags)
        for name in _METHODS:
            setattr(self, name, getattr(compiled, name))
        return getattr(compiled, method)(*args, **kwargs)

    def __reduce__(self):
        """A copy (copy, deepcopy, pickle) is the pattern's text again, with methods of
        its own: not the original's, bound to it, which compiled on every call."""
        return (_Lazy, (self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on its first use; ``.pattern`` is there before."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))

"""Is this list the very objects of one seen before?  A test in one pass over memory.

``.batch(samples)`` on the numpy backend reuses the matrix it made from the last
list of tuples when it is given the same tuple objects again (tuples of floats
cannot change, so the same objects are the same numbers).  Asking that of each
row in Python, ``all(map(operator.is_, rows, held))``, costs about 20 ns a row,
more than the numpy program's whole forward and backward on a small network.

In CPython a list is an array of its members' addresses (``PyListObject``: the
object header, then ``ob_item``, the pointer to that array, then ``allocated``;
``id(x)`` is x's address).  :func:`addresses` reads that array as bytes, and two
lists hold the same objects in the same order exactly when their bytes are equal,
compared by ``memcmp``: about 2 ns a row, the copy included.

It is used only where it has been checked: the first call reads the array of a
list of known objects and compares it with their ``id``s; on any other layout (PyPy,
a future CPython) :func:`same_objects` asks each row, as before.  It reads only lists
that no other code holds (a copy made for the purpose), so no other thread can
resize one while it is read.
"""

from __future__ import annotations

import struct
import sys
from operator import is_
from typing import Any

__all__ = ["addresses", "same_objects"]


def addresses(private: list[Any]) -> bytes | None:
    """The members' addresses of ``private`` (a list no other code holds), in order,
    as the list stores them; None where that layout is not the one checked."""
    reader = _reader()
    return None if reader is None else reader(private)


def same_objects(items: list[Any], held: list[Any], held_addresses: bytes | None) -> bool:
    """True when the list ``items`` holds exactly the objects of ``held``, in order
    (``items[i] is held[i]`` for every i).  ``held_addresses``: ``addresses(held)``,
    kept from when ``held`` was made (``held`` must be kept alive beside it, so that
    no address is reused by a new object)."""
    if len(items) != len(held):
        return False
    if held_addresses is not None:
        now = addresses(items[:])          # a copy: nothing can resize it while read
        if now is not None:
            return now == held_addresses
    return all(map(is_, items, held))


_READER: list[Any] = []     # [the reader, or None] once checked


def _reader():
    """The function that reads a list's array of addresses, made and checked on first
    use; None when this interpreter's lists are not laid out as checked."""
    if not _READER:
        _READER.append(_checked(_make_reader()))
    return _READER[0]


def _make_reader():
    """``ob_item`` sits two words before the end of ``PyListObject`` (then
    ``allocated``), whatever the object header before them holds."""
    if sys.implementation.name != "cpython":   # id() is not an address there
        return None
    try:
        import ctypes
    except ImportError:      # pragma: no cover - an interpreter built without ctypes
        return None
    word = ctypes.sizeof(ctypes.c_void_p)
    offset = list.__basicsize__ - 2 * word
    pointer_at = ctypes.c_void_p.from_address
    read = ctypes.string_at

    def read_addresses(private):
        if not private:
            return b""
        return read(pointer_at(id(private) + offset).value, len(private) * word)
    return read_addresses


def _checked(reader):
    """``reader`` when it gives the ``id``s of a probe list's members, else None."""
    if reader is None:
        return None
    probe = [object(), (1.0, 2.0), None, 0.5]
    try:
        got = reader(probe)
    except Exception:         # pragma: no cover - a layout ctypes cannot read
        return None
    expected = struct.pack(f"{len(probe)}N", *map(id, probe))
    return reader if got == expected else None

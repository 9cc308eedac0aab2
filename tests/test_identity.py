"""``autograd.identity``: whether a list holds the very objects of another, read from
CPython's array of addresses.

Oracle: ``x is y`` asked row by row in Python, and ``id()`` (an object's address in
CPython) for the bytes read.
"""

import struct
import sys

import pytest

from autograd.identity import addresses, same_objects

CPYTHON = pytest.mark.skipif(sys.implementation.name != "cpython",
                             reason="the array of addresses is read only on CPython")


def rows(n=50):
    return [(i * 0.25, float(i % 2)) for i in range(n)]


def by_identity(items, held):
    return len(items) == len(held) and all(a is b for a, b in zip(items, held))


@CPYTHON
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_the_addresses_are_the_ids_in_order(n):
    items = [object() for _ in range(n)]
    assert addresses(items) == struct.pack(f"{n}N", *map(id, items))


def changes(held):
    """Lists that differ from ``held`` in one way each, some equal to it under ==."""
    one = held[:]
    one[3] = (one[3][0], one[3][1])        # the same numbers in a new tuple
    zero = held[:]
    zero[0] = (-0.0, 0.0)                  # == (0.0, 0.0), other bits
    boolean = held[:]
    boolean[1] = (0.25, True)              # == (0.25, 1.0), refused by the engine
    swapped = held[:]
    swapped[4], swapped[5] = swapped[5], swapped[4]
    return {"new tuple": one, "-0.0": zero, "bool": boolean, "swap": swapped,
            "shorter": held[:-1], "longer": held + [held[0]], "empty": []}


@pytest.mark.parametrize("kept", [True, False], ids=["addresses", "row by row"])
def test_the_same_objects_and_every_change(kept):
    held = rows()
    held_addresses = addresses(held) if kept else None
    assert same_objects(held, held, held_addresses)
    assert same_objects(held[:], held, held_addresses)
    assert same_objects(list(iter(held)), held, held_addresses)
    for what, items in changes(held).items():
        assert same_objects(items, held, held_addresses) is by_identity(items, held) is False, what


def test_an_equal_list_of_other_objects_is_not_the_same():
    held = rows()
    copied = [tuple(list(r)) for r in held]
    assert copied == held
    assert not same_objects(copied, held, addresses(held))

"""Shared test helpers: central finite differences as the independent oracle."""

import math

import pytest


def central_difference(f, x, eps=1e-6):
    """(f(x + eps) - f(x - eps)) / (2 eps), with eps scaled to |x|."""
    h = eps * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def assert_close(actual, expected, rel=1e-6, abs_=1e-9, what=""):
    assert math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_), (
        f"{what}: got {actual!r}, expected {expected!r}")


@pytest.fixture
def fd():
    return central_difference

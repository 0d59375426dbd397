"""Trivial implementations of a kata, generated from its public API: a test must fail on them.

A test that passes on a module whose functions compute nothing checks nothing of the kata's
result. `kata verify` generates two such modules per kata from the stub (same imports,
constants, classes and signatures) and requires every test to fail on both:

- `none`: every public function and method returns None;
- `anything`: every one returns `Anything()`, an object built to slip through weak checks:
  it equals everything (and differs from nothing), compares as smaller and greater than
  everything, is true, converts to 0 / 0.0 / an index, becomes a NumPy array holding itself
  (so element-wise `==` against any array is all True), has a length, iterates as a pair of
  itself, and every attribute, item, call or arithmetic on it is itself again
  (`result.shape == (2, 3)`, `result.numpy()`, `abs(result - expected) < 1e-6`...).

`__init__` methods return None in both, so a kata's classes can still be built.
"""

from __future__ import annotations

from tf_katas.stubs import stub_source

NONE, ANYTHING = "none", "anything"
TRIVIAL_KINDS = (NONE, ANYTHING)


class Anything:
    """Equals, converts to, compares as and iterates as anything (see the module docstring)."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = object.__hash__

    def __bool__(self):
        return True

    def __int__(self):
        return 0

    __index__ = __int__

    def __float__(self):
        return 0.0

    def __complex__(self):
        return 0j

    def __round__(self, ndigits=None):
        return self

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        if dtype is not None and np.dtype(dtype) != np.dtype(object):
            return np.zeros((), dtype=dtype)
        holder = np.empty((), dtype=object)
        holder[()] = self  # element-wise comparisons come back to __eq__: all True
        return holder

    def __len__(self):
        return 2

    def __iter__(self):
        return iter((self, self))

    def __contains__(self, item):
        return True

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):
        if name.startswith("__"):  # NumPy and copy probe protocols this object does not have
            raise AttributeError(name)
        return self

    def __repr__(self):
        return "Anything()"

    def __format__(self, spec):
        return "Anything()"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _itself(self, *args):
    return self


for _name in (
    "add sub mul truediv floordiv mod pow matmul and or xor lshift rshift "
    "radd rsub rmul rtruediv rfloordiv rmod rpow rmatmul rand ror rxor "
    "neg pos abs invert"
).split():
    setattr(Anything, f"__{_name}__", _itself)
del _name


def _trivial_body(kind: str):
    def body(qualname: str) -> str:
        if kind == NONE or qualname.rpartition(".")[2] == "__init__":
            return "return None"
        return "return _Anything()"

    return body


def trivial_source(solution_source: str, kind: str) -> str:
    """The kata module of `solution_source` with every public function returning trivially."""
    if kind not in TRIVIAL_KINDS:
        raise ValueError(f"unknown trivial implementation {kind!r}: one of {TRIVIAL_KINDS}")
    source = stub_source(solution_source, body=_trivial_body(kind))
    if kind == ANYTHING:
        source += "\n\nfrom tf_katas.trivial import Anything as _Anything  # noqa: E402\n"
    return source

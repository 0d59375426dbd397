"""Alternative solution (loops and np.full instead of the vectorised calls).

NumPy basics: arrays, shapes, zeros and ones, element assignment, the two products.

From the notes' section "Numpy" (基本操作).

You learn the NumPy you need before TensorFlow, whose tensors behave the same way: building
a matrix from rows, reading its shape, number of axes and size, creating arrays of zeros,
ones and the identity (not the same thing as ones), changing one element either in place or
on a copy (and knowing which one your code does), and the difference between the
element-wise product `a * b` and the matrix product `a @ b`, with the dtypes NumPy gives
each result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

OPERATIONS = ("+", "-", "*", "/")


def matrix_from_rows(rows: Sequence[Sequence[float]], dtype: DTypeLike | None = None) -> np.ndarray:
    """See solutions/numpy_basics.py: rows checked one by one before NumPy sees them."""
    if len(rows) == 0:
        raise ValueError("rows is empty: a matrix needs at least one row")
    width = None
    for number, row in enumerate(rows):
        if np.ndim(row) != 1:
            raise ValueError(f"row {number} is not a list of numbers: {row!r}")
        if width is None:
            width = len(row)
        if len(row) != width or width == 0:
            raise ValueError(f"row {number} has {len(row)} values, row 0 has {width}")
    return np.array([list(row) for row in rows], dtype=dtype)


def describe(a: np.ndarray) -> tuple[tuple[int, ...], int, int]:
    shape = tuple(int(d) for d in np.shape(a))
    size = 1
    for d in shape:
        size *= d
    return shape, len(shape), size


def zeros(shape: int | Sequence[int], dtype: DTypeLike = np.float64) -> np.ndarray:
    return np.full(shape, 0, dtype=dtype)


def ones(shape: int | Sequence[int], dtype: DTypeLike = np.float64) -> np.ndarray:
    return np.full(shape, 1, dtype=dtype)


def identity(n: int, dtype: DTypeLike = np.float64) -> np.ndarray:
    result = np.full((n, n), 0, dtype=dtype)
    for i in range(n):
        result[i, i] = 1
    return result


def set_element(a: np.ndarray, row: int, column: int, value: float) -> None:
    _check(a, row, column, value)
    a[row][column] = value  # a[row] is a view: this writes into a


def with_element(a: np.ndarray, row: int, column: int, value: float) -> np.ndarray:
    _check(a, row, column, value)
    result = np.array(a, copy=True)
    set_element(result, row, column, value)
    return result


_OPERATORS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def elementwise(a: ArrayLike, b: ArrayLike, op: str) -> np.ndarray:
    if op not in _OPERATORS:
        raise ValueError(f"unknown op {op!r}: use one of {list(_OPERATORS)}")
    a, b = np.asarray(a), np.asarray(b)
    if np.shape(a) != np.shape(b):
        raise ValueError(f"shapes {np.shape(a)} and {np.shape(b)} differ")
    return _OPERATORS[op](a, b)


def matrix_product(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"both must be matrices, got shapes {a.shape} and {b.shape}")
    n, m = a.shape
    if b.shape[0] != m:
        raise ValueError(f"{a.shape} and {b.shape}: {m} columns against {b.shape[0]} rows")
    result = np.zeros((n, b.shape[1]), dtype=np.result_type(a, b))
    for i in range(n):
        for j in range(b.shape[1]):
            for k in range(m):
                result[i, j] += a[i, k] * b[k, j]
    return result


def _check(a: np.ndarray, row: int, column: int, value: float) -> None:
    if np.ndim(a) != 2:
        raise ValueError(f"a must be 2-D, its shape is {np.shape(a)}")
    rows, columns = a.shape
    if row >= rows or row < -rows or column >= columns or column < -columns:
        raise IndexError(f"row {row}, column {column} is not inside {rows}x{columns}")
    if a.dtype.kind in "iu" and value % 1 != 0:
        raise ValueError(f"{value} is not whole: it does not fit a {a.dtype} array")

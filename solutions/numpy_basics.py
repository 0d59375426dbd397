"""NumPy basics: arrays, shapes, zeros and ones, element assignment, the two products.

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
    """A 2-D array whose i-th row is `rows[i]`: shape (len(rows), len(rows[0])).

    With `dtype=None` NumPy chooses: all ints give an integer dtype (int64), any float gives
    float64. With a `dtype` the result has exactly that dtype.

    Raises:
        ValueError: `rows` is not a non-empty list of equally long, non-empty rows of numbers
            (a flat list `[1, 2, 3]`, ragged rows `[[1, 2], [3]]`, `[]`, `[[]]`); the
            message says what is wrong with the rows.

    Notes: `x1 = np.array([第一行],[第二行]...)` — broken as written: `np.array` takes ONE
    nested list; a second positional argument is read as the dtype (TypeError). The working
    form is `np.array([[1, 2, 3], [4, 5, 6]])`.
    """
    try:
        matrix = np.array(rows, dtype=dtype)
    except ValueError as err:
        raise ValueError(f"rows must all have the same length: {err}") from err
    if matrix.ndim != 2 or matrix.size == 0:
        raise ValueError(
            f"expected a non-empty list of non-empty rows, got an array of shape {matrix.shape}"
        )
    return matrix


def describe(a: np.ndarray) -> tuple[tuple[int, ...], int, int]:
    """`(shape, ndim, size)` of array `a`, as plain Python ints.

    shape is one length per axis (rows first for a matrix), ndim the number of axes (the
    length of shape, 0 for a scalar array) and size the number of elements (the product of
    the shape; 1 for a scalar array, 0 when any axis is empty).

    Notes: `x1.shape   # 打印规模`.
    """
    return tuple(int(d) for d in a.shape), int(a.ndim), int(a.size)


def zeros(shape: int | Sequence[int], dtype: DTypeLike = np.float64) -> np.ndarray:
    """A new array of `shape` filled with 0, of `dtype` (float64 unless asked otherwise).

    `shape` is an int (a 1-D array of that length) or a sequence of ints such as `[2, 3]`
    (2 rows, 3 columns). Raises ValueError for a negative length (NumPy's own error, whose
    message says "negative", is fine).

    Notes: `np.zeros([2,3])` — the shape is ONE argument: `np.zeros(2, 3)` reads 3 as a dtype.
    """
    return np.zeros(shape, dtype=dtype)


def ones(shape: int | Sequence[int], dtype: DTypeLike = np.float64) -> np.ndarray:
    """A new array of `shape` filled with 1, of `dtype` (float64 unless asked otherwise).

    `shape` as for `zeros`. Raises ValueError for a negative length (message saying
    "negative", as NumPy's does). Every element is 1:
    this is not the identity matrix (see `identity`).

    Notes: `np.ones([2,3])   # 零矩阵和单位矩阵的初始化（2行3列）` — the comment is wrong:
    单位矩阵 (identity matrix) is `np.eye(n)`; `np.ones` gives a matrix of all ones.
    """
    return np.ones(shape, dtype=dtype)


def identity(n: int, dtype: DTypeLike = np.float64) -> np.ndarray:
    """The n x n identity matrix (单位矩阵): 1 on the diagonal, 0 elsewhere, of `dtype`.

    Raises ValueError for a negative n (message saying "negative", as NumPy's does).
    """
    return np.eye(n, dtype=dtype)


def set_element(a: np.ndarray, row: int, column: int, value: float) -> None:
    """Set the element of 2-D array `a` at (`row`, `column`) to `value`, IN PLACE.

    `a` itself changes (no other element does) and the function returns None. Indices count
    from 0 and follow NumPy: negative ones count from the end. `a` keeps its dtype.

    Raises:
        ValueError: `a` is not 2-D (the message gives its shape), or `a` has an integer
            dtype and `value` is not a whole number (NumPy would silently store 2.7 as 2;
            the message gives the value).
        IndexError: (row, column) is outside `a` (the message gives row and column).

    Notes: `x1[1,2]=5  # 第二行第一列改成5` — the comment is wrong: `x1[1, 2]` is the second
    row and the THIRD column (indices count from 0, row first).
    """
    _check_assignment(a, row, column, value)
    a[row, column] = value


def with_element(a: np.ndarray, row: int, column: int, value: float) -> np.ndarray:
    """A copy of 2-D array `a` with the element at (`row`, `column`) set to `value`.

    `a` is NOT modified and the result shares no memory with it; the copy has `a`'s dtype.
    Indices and errors as for `set_element` (ValueError, IndexError).
    """
    _check_assignment(a, row, column, value)
    result = a.copy()
    result[row, column] = value
    return result


def elementwise(a: ArrayLike, b: ArrayLike, op: str) -> np.ndarray:
    """`a op b` element by element, for `op` one of "+", "-", "*", "/".

    `a` and `b` must have the same shape (no broadcasting here); the result has that shape.
    Its dtype is NumPy's: two integer arrays give an integer array for "+", "-" and "*", and
    "/" is true division, giving float64 for integers (7 / 2 is 3.5, not 3).
    `*` multiplies corresponding elements: it is NOT the matrix product (see
    `matrix_product`).

    Raises:
        ValueError: the shapes differ (the message gives both, e.g. `(2, 3)` and `(3,)`), or
            `op` is not one of the four (the message repeats it).

    Notes: `x1*x2   # 加减乘除都是对应元素加减乘除`.
    """
    a, b = np.asarray(a), np.asarray(b)
    if op not in OPERATIONS:
        raise ValueError(f"op must be one of {OPERATIONS}, got {op!r}")
    if a.shape != b.shape:
        raise ValueError(f"element-wise {op!r} needs equal shapes, got {a.shape} and {b.shape}")
    if op == "+":
        return np.add(a, b)
    if op == "-":
        return np.subtract(a, b)
    if op == "*":
        return np.multiply(a, b)
    return np.true_divide(a, b)


def matrix_product(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """The matrix product of `a` (n, m) and `b` (m, t), of shape (n, t).

    `result[i, j] = sum over k of a[i, k] * b[k, j]`.

    The dtype is NumPy's: integers give integers, float32 with float32 stays float32.

    Raises:
        ValueError: `a` or `b` is not 2-D, or a's columns differ from b's rows (the message
            gives both shapes as Python prints them, e.g. `(2, 3)` and `(4, 2)`).

    Notes: `# 矩阵运算` (left empty in the notes) and, in the MNIST section, "矩阵乘法规则
    (nm*mt = nt)": use `a @ b` (or `np.matmul`, `np.dot`), never `a * b`.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(
            f"matrix product needs shapes (n, m) and (m, t), got {a.shape} and {b.shape}"
        )
    return a @ b


def _check_assignment(a: np.ndarray, row: int, column: int, value: float) -> None:
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {a.shape}")
    rows, columns = a.shape
    if not (-rows <= row < rows and -columns <= column < columns):
        raise IndexError(f"({row}, {column}) is outside an array of shape {a.shape}")
    if np.issubdtype(a.dtype, np.integer) and float(value) != int(value):
        raise ValueError(f"{value!r} is not a whole number; it cannot go into a {a.dtype} array")

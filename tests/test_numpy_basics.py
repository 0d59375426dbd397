"""Tests for the numpy_basics kata: arrays, shapes, zeros/ones/identity, assignment, products.

Oracles are hand-computed tiny examples and plain-Python loops over the elements (never
NumPy's own operator for the same job). Matrices are never square where a transpose or a
swapped index could hide.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_dtype

SMALL_SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)
NONEMPTY_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
SMALL_INTS = st.integers(-9, 9)


def _ndarray(value, what: str) -> np.ndarray:
    """The kata promises a NumPy array, not a list or a scalar that merely converts."""
    assert isinstance(value, np.ndarray), (
        f"{what}: expected a numpy.ndarray, got {type(value).__name__}"
    )
    return value


def _names_both(first: object, second: object) -> str:
    """A regex for a message that mentions both, in any order."""
    return f"(?s)(?=.*{re.escape(str(first))})(?=.*{re.escape(str(second))})"


# --- matrix_from_rows ---------------------------------------------------------------------


def test_matrix_from_rows_puts_each_list_in_a_row(kata):
    """Catches the notes' np.array([row1], [row2]) and a transposed result."""
    result = _ndarray(kata.matrix_from_rows([[1, 2, 3], [4, 5, 6]]), "matrix_from_rows")
    assert_array(result, np.array([[1, 2, 3], [4, 5, 6]]), dtype="integer",
                 what="matrix_from_rows([[1, 2, 3], [4, 5, 6]]) (2 rows, 3 columns)")


def test_matrix_from_rows_with_a_float_gives_float64(kata):
    result = kata.matrix_from_rows([[1, 2.5], [3, 4]])
    assert_array(result, [[1.0, 2.5], [3.0, 4.0]], dtype=np.float64,
                 what="matrix_from_rows([[1, 2.5], [3, 4]]) (any float makes it float64)")


def test_matrix_from_rows_honours_dtype(kata):
    """Catches an ignored dtype argument."""
    result = kata.matrix_from_rows([[1, 2], [3, 4], [5, 6]], dtype=np.float32)
    assert_array(result, [[1, 2], [3, 4], [5, 6]], dtype=np.float32,
                 what="matrix_from_rows(3 rows of 2 ints, dtype=np.float32)")


@given(rows=st.integers(1, 4).flatmap(
    lambda width: st.lists(st.lists(SMALL_INTS, min_size=width, max_size=width),
                           min_size=1, max_size=4)))
def test_matrix_from_rows_any_size(kata, rows):
    result = kata.matrix_from_rows(rows)
    expected = [[rows[i][j] for j in range(len(rows[0]))] for i in range(len(rows))]
    assert_array(result, np.array(expected, dtype=np.int64), dtype="integer",
                 what=f"matrix_from_rows({rows})")


@pytest.mark.parametrize("rows", [[[1, 2], [3]], [1, 2, 3], [], [[]], [[[1], [2]]]],
                         ids=["ragged", "flat", "empty", "empty-row", "three-axes"])
def test_matrix_from_rows_refuses_what_is_not_a_list_of_rows(kata, rows):
    with pytest.raises(ValueError, match="(?i)row"):
        kata.matrix_from_rows(rows)


# --- describe ------------------------------------------------------------------------------


def test_describe_a_two_by_three_matrix(kata):
    """Catches (columns, rows), size as the sum of the sides, ndim as len(a)."""
    result = kata.describe(np.arange(6).reshape(2, 3))
    assert isinstance(result, tuple) and result == ((2, 3), 2, 6), (
        f"describe(a 2x3 matrix): expected ((2, 3), 2, 6) for (shape, ndim, size), got {result}"
    )


def test_describe_returns_python_ints(kata):
    shape, ndim, size = kata.describe(np.zeros((4, 1, 2)))
    types = [type(v) for v in (*shape, ndim, size)]
    assert all(t is int for t in types), f"describe: expected plain Python ints, got {types}"
    assert isinstance(shape, tuple), f"describe: the shape should be a tuple, got {shape!r}"


@given(shape=SMALL_SHAPES)
def test_describe_any_shape(kata, shape):
    """0-d and empty arrays too: ndim 0 has size 1, an empty axis gives size 0."""
    result = kata.describe(np.zeros(shape, dtype=np.int8))
    expected = (tuple(shape), len(shape), math.prod(shape))
    assert isinstance(result, tuple) and result == expected, (
        f"describe(np.zeros({shape})): expected {expected} (shape, ndim, size), got {result}"
    )


# --- zeros / ones / identity ---------------------------------------------------------------


def test_zeros_with_the_notes_list_shape(kata):
    result = _ndarray(kata.zeros([2, 3]), "zeros([2, 3])")
    assert_array(result, [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=np.float64,
                 what="zeros([2, 3]) (2 rows, 3 columns, float64)")


def test_ones_with_the_notes_list_shape(kata):
    result = _ndarray(kata.ones([2, 3]), "ones([2, 3])")
    assert_array(result, [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], dtype=np.float64,
                 what="ones([2, 3]) (2 rows, 3 columns of 1, float64)")


@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_an_int_shape_gives_a_vector(kata, name):
    fill = 0.0 if name == "zeros" else 1.0
    assert_array(getattr(kata, name)(4), np.full(4, fill), dtype=np.float64,
                 what=f"{name}(4) (a vector of 4)")


@pytest.mark.parametrize("name", ["zeros", "ones"])
@given(shape=SMALL_SHAPES, dtype=st.sampled_from([np.float32, np.int32, np.uint8, np.bool_]))
def test_zeros_and_ones_any_shape_and_dtype(kata, name, shape, dtype):
    """Catches an ignored dtype or shape."""
    result = _ndarray(getattr(kata, name)(shape, dtype=dtype), f"{name}({shape})")
    fill = 0 if name == "zeros" else 1
    expected = np.array([fill] * math.prod(shape), dtype=dtype).reshape(shape)
    assert_array(result, expected, dtype=dtype,
                 what=f"{name}({shape}, dtype={np.dtype(dtype).name})")


@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_and_ones_return_a_new_array_each_time(kata, name):
    """Catches a cached module-level array: changing one result must not change the next."""
    first = getattr(kata, name)((2, 2))
    first[0, 0] = 7
    assert_array(getattr(kata, name)((2, 2)), np.full((2, 2), 0.0 if name == "zeros" else 1.0),
                 what=f"{name}((2, 2)) after changing an earlier result")


@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_and_ones_refuse_a_negative_length(kata, name):
    with pytest.raises(ValueError, match="(?i)negative"):
        getattr(kata, name)([2, -1])


def test_identity_is_not_ones(kata):
    """The notes call np.ones a 单位矩阵; the identity has zeros off the diagonal."""
    expected = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    result = _ndarray(kata.identity(3), "identity(3)")
    assert_array(result, expected, dtype=np.float64, what="identity(3)")


@given(n=st.integers(0, 5), dtype=st.sampled_from([np.float64, np.float32, np.int64]))
def test_identity_any_size(kata, n, dtype):
    expected = np.array([[1 if i == j else 0 for j in range(n)] for i in range(n)], dtype=dtype)
    assert_array(kata.identity(n, dtype=dtype), expected.reshape(n, n), dtype=dtype,
                 what=f"identity({n}, dtype={np.dtype(dtype).name})")


def test_identity_refuses_a_negative_size(kata):
    with pytest.raises(ValueError, match="(?i)negative"):
        kata.identity(-2)


# --- set_element / with_element ------------------------------------------------------------


def _matrix() -> np.ndarray:
    """2 rows x 3 columns: [1, 2] exists, [2, 1] does not."""
    return np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64)


def test_set_element_changes_row_then_column_in_place(kata):
    """The notes' x1[1, 2] = 5 is the second row, third column; catches a modified copy."""
    a = _matrix()
    result = kata.set_element(a, 1, 2, 50)
    assert result is None, f"set_element works in place and returns None, got {type(result)}"
    assert_array(a, [[1, 2, 3], [4, 5, 50]], dtype=np.int64,
                 what="a after set_element(a, 1, 2, 50): only row 1, column 2 changes")


def test_set_element_counts_from_zero(kata):
    """Catches 1-based indices (the notes' comment counts from 1)."""
    a = _matrix()
    kata.set_element(a, 0, 0, 9)
    assert_array(a, [[9, 2, 3], [4, 5, 6]], what="a after set_element(a, 0, 0, 9)")


def test_set_element_negative_indices_count_from_the_end(kata):
    a = _matrix()
    kata.set_element(a, -1, -3, 0)
    assert_array(a, [[1, 2, 3], [0, 5, 6]], what="a after set_element(a, -1, -3, 0)")


def test_set_element_keeps_a_float_array_float(kata):
    a = np.zeros((2, 3), dtype=np.float32)
    kata.set_element(a, 0, 2, 2.5)
    assert_array(a, [[0, 0, 2.5], [0, 0, 0]], dtype=np.float32,
                 what="a float32 array after set_element(a, 0, 2, 2.5)")


def test_set_element_whole_float_into_int_array_is_allowed(kata):
    a = _matrix()
    kata.set_element(a, 0, 1, 7.0)
    assert_array(a, [[1, 7, 3], [4, 5, 6]], dtype=np.int64,
                 what="an int64 array after set_element(a, 0, 1, 7.0)")


@pytest.mark.parametrize("name", ["set_element", "with_element"])
def test_fraction_into_an_int_array_raises_value_error(kata, name):
    """NumPy would store 2.7 as 2 without a word."""
    a = _matrix()
    with pytest.raises(ValueError, match=re.escape("2.7")):
        getattr(kata, name)(a, 0, 0, 2.7)
    assert_array(a, _matrix(), what=f"a after a refused {name}(a, 0, 0, 2.7)")


@pytest.mark.parametrize("name", ["set_element", "with_element"])
@pytest.mark.parametrize(("row", "column"), [(2, 1), (0, 3), (-3, 0)])
def test_outside_the_array_raises_index_error(kata, name, row, column):
    """(2, 1) catches swapped row/column on a 2x3 array."""
    with pytest.raises(IndexError, match=_names_both(row, column)):
        getattr(kata, name)(_matrix(), row, column, 0)


@pytest.mark.parametrize("name", ["set_element", "with_element"])
def test_element_assignment_needs_a_matrix(kata, name):
    with pytest.raises(ValueError, match=re.escape("(6,)")):
        getattr(kata, name)(np.arange(6), 0, 0, 1)


def test_with_element_returns_a_changed_copy(kata):
    """Catches changing the caller's array, or returning it."""
    a = _matrix()
    result = _ndarray(kata.with_element(a, 1, 2, 50), "with_element(a, 1, 2, 50)")
    assert_array(result, [[1, 2, 3], [4, 5, 50]], dtype=np.int64,
                 what="with_element(a, 1, 2, 50)")
    assert_array(a, _matrix(), what="a after with_element(a, 1, 2, 50) (must be unchanged)")
    assert not np.shares_memory(result, a), "with_element must return a copy, not a view of a"


@given(data=st.data())
def test_set_and_with_element_agree_anywhere(kata, data):
    shape = data.draw(hnp.array_shapes(min_dims=2, max_dims=2, max_side=4), label="shape")
    row = data.draw(st.integers(-shape[0], shape[0] - 1), label="row")
    column = data.draw(st.integers(-shape[1], shape[1] - 1), label="column")
    original = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    expected = original.copy()
    expected[row % shape[0], column % shape[1]] = -1.0

    copy = kata.with_element(original, row, column, -1.0)
    assert_array(copy, expected, dtype=np.float64, what=f"with_element(a, {row}, {column}, -1)")
    assert_array(original, np.arange(math.prod(shape)).reshape(shape),
                 what="a after with_element (unchanged)")
    kata.set_element(original, row, column, -1.0)
    assert_array(original, expected, dtype=np.float64,
                 what=f"a after set_element(a, {row}, {column}, -1)")


# --- elementwise ---------------------------------------------------------------------------

A = np.array([[1, 2], [3, 4]])
B = np.array([[5, 6], [7, 8]])


@pytest.mark.parametrize(("op", "expected"), [
    ("+", [[6, 8], [10, 12]]),
    ("-", [[-4, -4], [-4, -4]]),
    ("*", [[5, 12], [21, 32]]),  # the matrix product would be [[19, 22], [43, 50]]
])
def test_elementwise_on_integers_stays_integer(kata, op, expected):
    result = _ndarray(kata.elementwise(A, B, op), f"elementwise(A, B, {op!r})")
    assert_array(result, expected, dtype="integer",
                 what=f"elementwise([[1, 2], [3, 4]], [[5, 6], [7, 8]], {op!r})")


def test_elementwise_division_is_true_division(kata):
    """Catches // (7 / 2 is 3.5) and an integer result."""
    result = kata.elementwise(np.array([7, -7, 8]), np.array([2, 2, 4]), "/")
    assert_array(result, [3.5, -3.5, 2.0], dtype=np.float64,
                 what="elementwise([7, -7, 8], [2, 2, 4], '/')")


def test_elementwise_keeps_float32(kata):
    a = np.array([1.5, 2.0], dtype=np.float32)
    b = np.array([2.0, 0.5], dtype=np.float32)
    assert_array(kata.elementwise(a, b, "*"), [3.0, 1.0], dtype=np.float32,
                 what="elementwise(float32, float32, '*')")


@st.composite
def _operands(draw):
    """(a, b, op): two int64 arrays of one small shape, b without zeros for "/"."""
    shape = draw(NONEMPTY_SHAPES)
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    a = draw(hnp.arrays(np.int64, shape, elements=SMALL_INTS))
    b = draw(hnp.arrays(np.int64, shape, elements=st.integers(1, 9) if op == "/" else SMALL_INTS))
    return a, b, op


PYTHON_OPS = {"+": lambda x, y: x + y, "-": lambda x, y: x - y,
              "*": lambda x, y: x * y, "/": lambda x, y: x / y}


@given(operands=_operands())
def test_elementwise_any_shape(kata, operands):
    a, b, op = operands
    result = kata.elementwise(a, b, op)
    flat = [PYTHON_OPS[op](int(x), int(y)) for x, y in zip(a.flat, b.flat, strict=True)]
    expected = np.array(flat, dtype=np.float64 if op == "/" else np.int64).reshape(a.shape)
    assert_dtype(result, "float" if op == "/" else "integer",
                 what=f"elementwise(int arrays, {op!r})")
    assert_array(result, expected, what=f"elementwise(a, b, {op!r}) for shape {a.shape}")


def test_elementwise_refuses_broadcasting(kata):
    """Element-wise means element by element: a (2, 3) and a (3,) are different shapes."""
    with pytest.raises(ValueError, match=_names_both("(2, 3)", "(3,)")):
        kata.elementwise(np.ones((2, 3)), np.ones(3), "+")


def test_elementwise_refuses_different_shapes(kata):
    with pytest.raises(ValueError, match=_names_both("(2, 3)", "(3, 2)")):
        kata.elementwise(np.ones((2, 3)), np.ones((3, 2)), "*")


@pytest.mark.parametrize("op", ["@", "//", "plus", "**"])
def test_elementwise_refuses_other_operators(kata, op):
    with pytest.raises(ValueError, match=re.escape(op)):
        kata.elementwise(A, B, op)


# --- matrix_product ------------------------------------------------------------------------


def test_matrix_product_is_not_the_elementwise_product(kata):
    """Catches a * b: for these the element-wise product is [[5, 12], [21, 32]]."""
    result = _ndarray(kata.matrix_product(A, B), "matrix_product(A, B)")
    assert_array(result, [[19, 22], [43, 50]], dtype="integer",
                 what="matrix_product([[1, 2], [3, 4]], [[5, 6], [7, 8]])")


def test_matrix_product_of_2x3_and_3x2_is_2x2(kata):
    """nm * mt = nt; catches b @ a (which would be 3x3)."""
    a = np.array([[1, 0, 2], [0, 3, 1]])
    b = np.array([[1, 2], [3, 4], [5, 6]])
    assert_array(kata.matrix_product(a, b), [[11, 14], [14, 18]], dtype="integer",
                 what="matrix_product(2x3, 3x2)")


def test_matrix_product_keeps_float32(kata):
    a = np.array([[0.5, 1.0, 2.0]], dtype=np.float32)
    b = np.array([[2.0], [3.0], [0.25]], dtype=np.float32)
    assert_array(kata.matrix_product(a, b), [[4.5]], dtype=np.float32,
                 what="matrix_product(float32 1x3, float32 3x1)")


@st.composite
def _matrix_pair(draw):
    n, m, t = draw(st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)))
    a = draw(hnp.arrays(np.int64, (n, m), elements=SMALL_INTS))
    b = draw(hnp.arrays(np.int64, (m, t), elements=SMALL_INTS))
    return a, b


@given(pair=_matrix_pair())
def test_matrix_product_any_sizes(kata, pair):
    a, b = pair
    result = kata.matrix_product(a, b)
    (n, m), t = a.shape, b.shape[1]
    expected = [[sum(int(a[i, k]) * int(b[k, j]) for k in range(m)) for j in range(t)]
                for i in range(n)]
    assert_array(result, np.array(expected, dtype=np.int64).reshape(n, t),
                 dtype="integer", what=f"matrix_product({n}x{m}, {m}x{t})")


@pytest.mark.parametrize(("shape_a", "shape_b"), [
    ((2, 3), (2, 3)),  # a * b would work here, a @ b must not
    ((2, 3), (4, 2)),
    ((3,), (3, 2)),    # np.matmul accepts a vector; the kata asks for matrices
    ((2, 3), (3,)),
    ((2, 2, 2), (2, 2)),
])
def test_matrix_product_refuses_mismatched_shapes(kata, shape_a, shape_b):
    with pytest.raises(ValueError, match=_names_both(shape_a, shape_b)):
        kata.matrix_product(np.ones(shape_a), np.ones(shape_b))

"""Tests for the math_ops kata: element-wise ops, batched matmul, reductions, `x@w+b`.

Oracles: NumPy's operators, `np.matmul` (in float64), NumPy's reductions, and small
hand-computed arrays.
"""

from __future__ import annotations

import operator

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises, assert_scalar, assert_shape

A = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
B = np.array([[6, 5, 4], [3, 2, 0.5]], dtype=np.float32)
NUMPY_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
NUMPY_REDUCTIONS = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min}

small_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)


def _values(shape: tuple[int, ...], seed: int, low: float = -3, high: float = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(np.float32)


# --- elementwise -------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_elementwise_combines_entries_at_the_same_position(kata, op):
    """Catches operands swapped (b - a, b / a) and "*" done as a matrix product."""
    assert_array(kata.elementwise(A, B, op), NUMPY_OPS[op](A, B), dtype=np.float32,
                 what=f"elementwise(a, b, {op!r}) for two [2, 3] float32 matrices")


def test_elementwise_product_of_square_matrices_is_not_the_matrix_product(kata):
    """Square matrices: a @ b has the right shape here and the wrong values."""
    a = np.array([[1, 2], [3, 4]], dtype=np.float32)
    b = np.array([[5, 6], [7, 8]], dtype=np.float32)
    assert_array(kata.elementwise(a, b, "*"), a * b, dtype=np.float32,
                 what="elementwise([[1, 2], [3, 4]], [[5, 6], [7, 8]], '*') (a @ b, the matrix "
                 "product, would give [[19, 22], [43, 50]])")


@pytest.mark.parametrize("op", ["+", "-", "*"])
def test_elementwise_keeps_int32(kata, op):
    a = np.array([7, -7, 3], dtype=np.int32)
    b = np.array([2, 2, -4], dtype=np.int32)
    assert_array(kata.elementwise(a, b, op), NUMPY_OPS[op](a, b), dtype=np.int32,
                 what=f"elementwise(int32 a, int32 b, {op!r})")


def test_elementwise_division_of_integers_is_true_division(kata):
    """Floor division would give [3, -4], truncation [3, -3]."""
    a = np.array([7, -7], dtype=np.int32)
    b = np.array([2, 2], dtype=np.int32)
    assert_array(kata.elementwise(a, b, "/"), [3.5, -3.5], dtype="float",
                 what="elementwise([7, -7], [2, 2], '/') on int32")


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_elementwise_keeps_float64(kata, op):
    """Casting to float32 (to divide, say) loses float64's precision: 1/3 to 7 digits only."""
    a = np.array([1.0, 2.0, -7.0], dtype=np.float64)
    b = np.array([3.0, 3.0, 1e-9], dtype=np.float64)
    assert_array(kata.elementwise(a, b, op), NUMPY_OPS[op](a, b), dtype=np.float64,
                 rtol=1e-12, atol=0,
                 what=f"elementwise(float64 a, float64 b, {op!r}) (float64 stays float64: "
                 "was everything cast to float32?)")


@given(shape=small_shapes, op=st.sampled_from(["+", "-", "*", "/"]), seed=st.integers(0, 99))
def test_elementwise_matches_numpy_for_any_shape(kata, shape, op, seed):
    a = _values(shape, seed)
    b = _values(shape, seed + 100, low=0.5, high=2)
    assert_array(kata.elementwise(a, b, op), NUMPY_OPS[op](a, b), dtype=np.float32,
                 what=f"elementwise(a, b, {op!r}) for float32 arrays of shape {shape}")


@pytest.mark.parametrize(
    ("a_shape", "b_shape"), [((2, 3), (3,)), ((2, 3), (3, 2)), ((2, 3), (1, 3))],
    ids=["row-that-would-broadcast", "transposed", "size-one-axis"],
)
def test_elementwise_rejects_different_shapes(kata, a_shape, b_shape):
    """The notes: element-wise needs one shape (shape一样); silent broadcasting is a mistake."""
    with assert_raises(ValueError, match="shape"):
        kata.elementwise(np.ones(a_shape, np.float32), np.ones(b_shape, np.float32), "+")


@pytest.mark.parametrize("op", ["@", "add", "//", ""])
def test_elementwise_rejects_an_unknown_op(kata, op):
    with assert_raises(ValueError, match="op"):
        kata.elementwise(A, B, op)


# --- batched_matmul ----------------------------------------------------------------------


def test_batched_matmul_the_notes_b_3_4_at_b_4_5_gives_b_3_5(kata):
    """Each batch has its own matrices: summing over the batch or using a[0] for all fails."""
    a = _values((2, 3, 4), 1)
    b = _values((2, 4, 5), 2)
    result = assert_shape(kata.batched_matmul(a, b), (2, 3, 5),
                          what="batched_matmul(a [2, 3, 4], b [2, 4, 5])")
    expected = np.matmul(a.astype(np.float64), b.astype(np.float64))
    assert_array(result, expected, dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what="batched_matmul(a [2, 3, 4], b [2, 4, 5]): result[i] = a[i] @ b[i]")


def test_batched_matmul_of_square_batches_is_not_element_wise(kata):
    """[2, 2, 2] @ [2, 2, 2]: a * b has the right shape here and the wrong values."""
    a = np.array([[[1, 2], [3, 4]], [[0, 1], [1, 0]]], dtype=np.float32)
    b = np.array([[[5, 6], [7, 8]], [[2, 3], [4, 5]]], dtype=np.float32)
    assert_array(kata.batched_matmul(a, b), np.matmul(a, b), dtype=np.float32,
                 what="batched_matmul of two [2, 2, 2] batches: result[i] = a[i] @ b[i] "
                 "(a * b, element by element, has the same shape and other values)")


def test_batched_matmul_of_two_matrices_is_the_matrix_product(kata):
    a = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
    b = np.array([[1, 0, 2, 0], [0, 1, 0, 2], [1, 1, 1, 1]], dtype=np.int32)
    assert_array(kata.batched_matmul(a, b), a @ b, dtype=np.int32,
                 what="batched_matmul of int32 [2, 3] and [3, 4] (not the element-wise product)")


@given(
    shapes=hnp.mutually_broadcastable_shapes(
        signature="(n,k),(k,m)->(n,m)", max_dims=2, max_side=3
    ),
    seed=st.integers(0, 99),
)
def test_batched_matmul_matches_numpy_for_any_batch_shape(kata, shapes, seed):
    """Batch dimensions are matched from the right, 1s stretch: as np.matmul does."""
    a_shape, b_shape = shapes.input_shapes
    a, b = _values(a_shape, seed), _values(b_shape, seed + 100)
    expected = np.matmul(a.astype(np.float64), b.astype(np.float64))
    assert_array(kata.batched_matmul(a, b), expected, dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"batched_matmul(a {a_shape}, b {b_shape})")


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "message"),
    [
        ((3,), (3, 4), "rank"),
        ((2, 3), (3,), "rank"),
        ((2, 3, 4), (2, 5, 4), "inner"),
        ((3, 4), (3, 4), "inner"),
        ((2, 3, 4), (3, 4, 5), "batch"),
    ],
    ids=["a-is-a-vector", "b-is-a-vector", "inner-mismatch", "untransposed", "batch-mismatch"],
)
def test_batched_matmul_rejects_shapes_that_do_not_fit(kata, a_shape, b_shape, message):
    with assert_raises(ValueError, match=message):
        kata.batched_matmul(np.ones(a_shape, np.float32), np.ones(b_shape, np.float32))


# --- reduce ------------------------------------------------------------------------------

M = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)


@pytest.mark.parametrize(
    ("op", "axis", "expected"),
    [
        ("sum", 0, [5, 7, 9]),
        ("sum", 1, [6, 15]),
        ("sum", None, 21),
        ("max", -1, [3, 6]),
        ("min", 0, [1, 2, 3]),
        ("max", (0, 1), 6),
    ],
)
def test_reduce_collapses_the_named_axis(kata, op, axis, expected):
    """Catches axis 0 and 1 swapped, and axis=None not reducing everything."""
    assert_array(kata.reduce(M, op, axis=axis), np.array(expected, dtype=np.int32),
                 dtype=np.int32, what=f"reduce([[1, 2, 3], [4, 5, 6]], {op!r}, axis={axis})")


def test_reduce_mean_of_integers_is_not_truncated(kata):
    """tf.reduce_mean on int32 alone gives 1 for [1, 2]: cast to a float first."""
    assert_scalar(kata.reduce(np.array([1, 2], np.int32), "mean"), 1.5,
                  what="reduce(int32 [1, 2], 'mean')")
    assert_array(kata.reduce(M, "mean", axis=0), [2.5, 3.5, 4.5], dtype="float",
                 what="reduce(int32 [[1, 2, 3], [4, 5, 6]], 'mean', axis=0)")


def test_reduce_mean_of_float64_keeps_float64(kata):
    """Only integers need a cast: casting every x to float32 rounds float64's mean."""
    x = np.array([[1.0, 2.0], [2.0, 2.0 + 1e-9]], dtype=np.float64)
    assert_array(kata.reduce(x, "mean", axis=1), np.mean(x, axis=1), dtype=np.float64,
                 rtol=1e-12, atol=0,
                 what="reduce(float64 x, 'mean', axis=1) (a float mean keeps its dtype: was x "
                 "cast to float32?)")


def test_reduce_keepdims_leaves_the_axis_with_size_one(kata):
    assert_array(kata.reduce(M, "sum", axis=1, keepdims=True), [[6], [15]], dtype=np.int32,
                 what="reduce(matrix, 'sum', axis=1, keepdims=True)")


@given(
    data=st.data(),
    shape=small_shapes,
    op=st.sampled_from(sorted(NUMPY_REDUCTIONS)),
    keepdims=st.booleans(),
    seed=st.integers(0, 99),
)
def test_reduce_matches_numpy_for_any_shape_and_axes(kata, data, shape, op, keepdims, seed):
    rank = len(shape)
    positive = data.draw(
        st.none() | st.lists(st.integers(0, rank - 1), min_size=1, max_size=rank, unique=True),
        label="axes",
    )
    axis = None
    if positive is not None:
        signs = data.draw(st.lists(st.booleans(), min_size=len(positive),
                                   max_size=len(positive)), label="negative")
        axis = [a - rank if negative else a for a, negative in zip(positive, signs, strict=True)]
        axis = axis[0] if len(axis) == 1 and data.draw(st.booleans(), label="as int") else axis
    x = _values(shape, seed)
    numpy_axis = tuple(axis) if isinstance(axis, list) else axis
    expected = NUMPY_REDUCTIONS[op](x.astype(np.float64), axis=numpy_axis, keepdims=keepdims)
    assert_array(kata.reduce(x, op, axis=axis, keepdims=keepdims), expected, dtype=np.float32,
                 rtol=1e-5, atol=1e-5,
                 what=f"reduce(x of shape {shape}, {op!r}, axis={axis}, keepdims={keepdims})")


@pytest.mark.parametrize("axis", [2, -3, (0, 2), (0, -2)],
                         ids=["too-big", "too-negative", "one-of-two-out", "same-axis-twice"])
def test_reduce_rejects_a_bad_axis(kata, axis):
    with assert_raises(ValueError, match="axis"):
        kata.reduce(M, "sum", axis=axis)


@pytest.mark.parametrize("op", ["avg", "reduce_sum", "prod"])
def test_reduce_rejects_an_unknown_op(kata, op):
    with assert_raises(ValueError, match="op"):
        kata.reduce(M, op)


# --- dense_forward -----------------------------------------------------------------------


def test_dense_forward_is_x_at_w_plus_b_on_every_row(kata):
    """batch == out, so a bias added down the columns (b as [out, 1]) gives wrong values."""
    x = _values((3, 4), 1)
    w = _values((4, 3), 2)
    b = np.array([10, 20, 30], dtype=np.float32)
    expected = x.astype(np.float64) @ w.astype(np.float64) + b
    assert_array(kata.dense_forward(x, w, b), expected, dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what="dense_forward(x [3, 4], w [4, 3], b [3]) = x @ w + b")


def test_dense_forward_keeps_float64(kata):
    """x, w, b in float64 give float64: converting them to float32 rounds every entry."""
    x = np.array([[1 / 3, 2.0], [1.0, -1 / 7]], dtype=np.float64)
    w = np.array([[1.0, 1 / 9, 0.0], [0.5, 1.0, 1 / 11]], dtype=np.float64)
    b = np.array([1e-9, 0.0, 1 / 13], dtype=np.float64)
    assert_array(kata.dense_forward(x, w, b), x @ w + b, dtype=np.float64, rtol=1e-12, atol=0,
                 what="dense_forward(float64 x, w, b) (the result has the inputs' dtype: were "
                 "they converted to float32?)")


@given(batch=st.integers(1, 4), n_in=st.integers(1, 4), n_out=st.integers(1, 4),
       seed=st.integers(0, 99))
def test_dense_forward_matches_numpy_for_any_sizes(kata, batch, n_in, n_out, seed):
    x, w, b = _values((batch, n_in), seed), _values((n_in, n_out), seed + 1), _values(
        (n_out,), seed + 2)
    expected = x.astype(np.float64) @ w.astype(np.float64) + b
    assert_array(kata.dense_forward(x, w, b), expected, dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"dense_forward(x [{batch}, {n_in}], w [{n_in}, {n_out}], b [{n_out}])")


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "b_shape"),
    [((2, 4), (3, 4), (3,)), ((2, 4), (4, 3), (4,)), ((4,), (4, 3), (3,)),
     ((2, 4), (4, 3), (1, 3))],
    ids=["w-transposed", "b-too-long", "x-is-a-vector", "b-is-2d"],
)
def test_dense_forward_rejects_shapes_that_do_not_fit(kata, x_shape, w_shape, b_shape):
    with assert_raises(ValueError, match="shape"):
        kata.dense_forward(np.ones(x_shape, np.float32), np.ones(w_shape, np.float32),
                           np.ones(b_shape, np.float32))


# --- all ---------------------------------------------------------------------------------


def test_results_are_tensorflow_tensors(kata):
    """Each docstring promises a tf.Tensor: a NumPy array (np.matmul, .numpy() + ...) is not."""
    results = {
        "elementwise": kata.elementwise(A, B, "+"),
        "batched_matmul": kata.batched_matmul(A, B.T),
        "reduce": kata.reduce(A, "sum", axis=0),
        "dense_forward": kata.dense_forward(A, B.T, np.ones(2, np.float32)),
    }
    expected = {
        "elementwise": A + B,
        "batched_matmul": A @ B.T,
        "reduce": A.sum(axis=0),
        "dense_forward": A @ B.T + 1,
    }
    for name, result in results.items():
        assert isinstance(result, tf.Tensor), (
            f"{name}: expected a tf.Tensor, got {type(result).__name__} (a NumPy result, "
            "np.matmul or .numpy(), is not the TensorFlow op the docstring asks for)")
        assert_array(result, expected[name], dtype=np.float32, what=f"{name} on A and B")

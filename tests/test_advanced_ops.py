"""Tests for the advanced_ops kata: where (both forms), scatter_nd, meshgrid coordinates.

Oracles: hand-written tiny examples, `np.argwhere`, `np.where`, `np.add.at` and
`np.meshgrid` (whose default indexing is "xy", like `tf.meshgrid`'s). Grids are never square,
so a row/column mix-up ("ij" indexing) shows in the shape.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises, assert_shape

small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
floats = st.floats(-10, 10, width=32)

# --- true_coordinates ----------------------------------------------------------------------


def test_true_coordinates_of_the_notes_mask(kata):
    """The notes' mask [True, False, True]: coordinates 0 and 2, one row each."""
    assert_array(kata.true_coordinates([True, False, True]), [[0], [2]], dtype="integer",
                 what="true_coordinates([True, False, True])")


def test_true_coordinates_are_rows_of_full_indices(kata):
    """np.nonzero's layout (one array per axis) is the transpose; the True values are not it."""
    mask = np.array([[False, True, False], [True, False, True]])
    assert_array(kata.true_coordinates(mask), [[0, 1], [1, 0], [1, 2]], dtype="integer",
                 what="true_coordinates of a 2x3 mask with 3 True entries")


@given(mask=hnp.arrays(np.bool_, small_shapes))
@example(mask=np.array([[[True, False]], [[True, True]], [[False, True]]]))
def test_true_coordinates_match_argwhere_for_any_shape(kata, mask):
    assert_array(kata.true_coordinates(mask), np.argwhere(mask), dtype="integer",
                 what=f"true_coordinates(mask of shape {mask.shape})")


@pytest.mark.parametrize("mask", [np.array([0.0, 1.0, 2.0], np.float32), np.array([0, 1, 1])],
                         ids=["float", "int"])
def test_true_coordinates_reject_a_mask_that_is_not_bool(kata, mask):
    """tf.where would quietly take the non-zero entries of a number array."""
    with assert_raises(TypeError, match="bool"):
        kata.true_coordinates(mask)


# --- select --------------------------------------------------------------------------------


def test_select_takes_a_where_true_and_b_where_false(kata):
    mask = np.array([[True, False, True], [False, False, True]])
    a = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
    b = np.array([[-1, -2, -3], [-4, -5, -6]], dtype=np.int32)
    assert_array(kata.select(mask, a, b), [[1, -2, 3], [-4, -5, 6]], dtype=np.int32,
                 what="select(mask, a, b) (a and b swapped?)")


def test_select_broadcasts_a_column_mask_over_rows(kata):
    mask = np.array([[True], [False]])
    a = np.ones((2, 3), np.float32)
    b = np.zeros((2, 3), np.float32)
    assert_array(kata.select(mask, a, b), [[1, 1, 1], [0, 0, 0]], dtype=np.float32,
                 what="select(mask of shape (2, 1), ones (2, 3), zeros (2, 3))")


@st.composite
def select_cases(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    mask_shape, a_shape, b_shape = shapes.input_shapes
    mask = draw(hnp.arrays(np.bool_, mask_shape), label="mask")
    a = draw(hnp.arrays(np.float32, a_shape, elements=floats), label="a")
    b = draw(hnp.arrays(np.float32, b_shape, elements=floats), label="b")
    return mask, a, b


@given(case=select_cases())
@example(case=(np.array([True, False, True]), np.ones((2, 3), np.float32),
               np.zeros((2, 1), np.float32)))
def test_select_matches_numpy_where_for_broadcastable_shapes(kata, case):
    mask, a, b = case
    assert_array(kata.select(mask, a, b), np.where(mask, a, b), dtype=np.float32,
                 what=f"select(mask {mask.shape}, a {a.shape}, b {b.shape})")


@pytest.mark.parametrize(("mask_shape", "a_shape", "b_shape"), [
    ((2, 3), (2, 3), (3, 2)),
    ((2, 3), (3, 2), (2, 3)),
    ((3, 2), (2, 3), (2, 3)),
], ids=["b", "a", "mask"])
def test_select_rejects_shapes_that_do_not_broadcast(kata, mask_shape, a_shape, b_shape):
    with assert_raises(ValueError, match="broadcast"):
        kata.select(np.ones(mask_shape, dtype=bool), np.zeros(a_shape, np.float32),
                    np.zeros(b_shape, np.float32))


@pytest.mark.parametrize("mask", [np.array([1, 0]), np.array([1.0, 0.0], np.float32)],
                         ids=["int", "float"])
def test_select_rejects_a_mask_that_is_not_bool(kata, mask):
    with assert_raises(TypeError, match="bool"):
        kata.select(mask, np.zeros(2, np.float32), np.ones(2, np.float32))


# --- scatter -------------------------------------------------------------------------------


def test_scatter_writes_elements_into_zeros(kata):
    indices = [[4], [3], [1], [7]]
    updates = np.array([9, 10, 11, 12], dtype=np.float32)
    assert_array(kata.scatter(indices, updates, [8]), [0, 11, 0, 10, 9, 0, 0, 12],
                 dtype=np.float32, what="scatter([[4], [3], [1], [7]], [9, 10, 11, 12], [8])")


def test_scatter_adds_updates_that_land_on_the_same_place(kata):
    """Duplicates add up (np.add.at): 1 + 2 = 3, not the last one written."""
    assert_array(kata.scatter([[1], [1]], np.array([1.0, 2.0], np.float32), [3]), [0, 3, 0],
                 dtype=np.float32, what="scatter([[1], [1]], [1, 2], [3])")


def test_scatter_writes_whole_rows_with_shorter_indices(kata):
    updates = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
    expected = np.array([[0, 0, 0], [4, 5, 6], [0, 0, 0], [1, 2, 3]], dtype=np.int32)
    assert_array(kata.scatter([[3], [1]], updates, [4, 3]), expected, dtype=np.int32,
                 what="scatter([[3], [1]], two rows, [4, 3])")


def test_scatter_writes_single_elements_of_a_matrix(kata):
    updates = np.array([5, 7], dtype=np.int32)
    expected = np.array([[0, 0, 5], [0, 0, 0], [7, 0, 0]], dtype=np.int32)
    assert_array(kata.scatter([[0, 2], [2, 0]], updates, [3, 3]), expected, dtype=np.int32,
                 what="scatter([[0, 2], [2, 0]], [5, 7], [3, 3]) (row and column swapped?)")


@st.composite
def scatter_cases(draw):
    shape = draw(small_shapes, label="shape")
    depth = draw(st.integers(1, len(shape)), label="index depth")
    count = draw(st.integers(1, 5), label="number of updates")
    index = st.tuples(*(st.integers(0, n - 1) for n in shape[:depth]))
    indices = np.array(draw(st.lists(index, min_size=count, max_size=count), label="indices"),
                       dtype=np.int32)
    updates = draw(hnp.arrays(np.int32, (count, *shape[depth:]), elements=st.integers(-9, 9)),
                   label="updates")
    return indices, updates, shape


@given(case=scatter_cases())
@example(case=(np.array([[1, 0], [1, 0], [0, 2]], np.int32), np.array([[1], [2], [3]], np.int32),
               (2, 3, 1)))
def test_scatter_matches_numpy_add_at(kata, case):
    indices, updates, shape = case
    expected = np.zeros(shape, np.int32)
    np.add.at(expected, tuple(indices.T), updates)
    assert_array(kata.scatter(indices, updates, list(shape)), expected, dtype=np.int32,
                 what=f"scatter(indices {indices.tolist()}, updates {updates.shape}, {shape})")


def test_scatter_rejects_updates_of_the_wrong_shape(kata):
    with assert_raises(ValueError, match="updates"):
        kata.scatter([[1]], np.array([1.0, 2.0], np.float32), [3])


def test_scatter_rejects_indices_longer_than_the_rank(kata):
    with assert_raises(ValueError, match="indices"):
        kata.scatter([[0, 1, 2]], np.array([1.0], np.float32), [3, 3])


def test_scatter_rejects_index_rows_of_length_zero(kata):
    """d = 0 would name no element at all: indices of shape [2, 0]."""
    with assert_raises(ValueError, match="indices"):
        kata.scatter(np.zeros((2, 0), np.int32), np.ones((2, 3), np.float32), [3])


@pytest.mark.parametrize("index", [[3, 0], [0, -1]], ids=["too-big", "negative"])
def test_scatter_rejects_an_index_outside_the_shape(kata, index):
    with assert_raises(IndexError):
        kata.scatter([index], np.array([1.0], np.float32), [3, 2])


# --- coordinate_grid -----------------------------------------------------------------------


def test_coordinate_grid_has_one_row_per_y_and_one_column_per_x(kata):
    """grid[i, j] == (x[j], y[i]): meshgrid's default "xy" indexing, not "ij"."""
    grid = kata.coordinate_grid([0.0, 1.0, 2.0], [10.0, 20.0])
    expected = [
        [[0, 10], [1, 10], [2, 10]],
        [[0, 20], [1, 20], [2, 20]],
    ]
    assert_shape(grid, (2, 3, 2), what="coordinate_grid(3 x values, 2 y values) ('ij' used?)")
    assert_array(grid, expected, dtype=np.float32,
                 what="coordinate_grid([0, 1, 2], [10, 20]) (x and y swapped in the pairs?)")


@given(
    x=hnp.arrays(np.float32, st.integers(1, 5), elements=floats),
    y=hnp.arrays(np.float32, st.integers(1, 5), elements=floats),
)
@example(x=np.array([1, 2, 3], np.float32), y=np.array([-1, -2], np.float32))
def test_coordinate_grid_matches_numpy_meshgrid(kata, x, y):
    expected = np.stack(np.meshgrid(x, y), axis=2)
    assert_array(kata.coordinate_grid(x, y), expected, dtype=np.float32,
                 what=f"coordinate_grid(x of length {x.size}, y of length {y.size})")


def test_coordinate_grid_rejects_axes_that_are_not_1d(kata):
    with assert_raises(ValueError, match="1-D"):
        kata.coordinate_grid(np.zeros((2, 2)), [1.0, 2.0])
    with assert_raises(ValueError, match="1-D"):
        kata.coordinate_grid([1.0, 2.0], 3.0)


# --- evaluate_on_grid ----------------------------------------------------------------------


def test_evaluate_on_grid_sin_x_plus_cos_y_over_linspace(kata):
    x = np.linspace(-2.0, 2.0, 5, dtype=np.float32)
    y = np.linspace(-1.0, 1.0, 3, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(x.astype(np.float64), y.astype(np.float64))
    z = kata.evaluate_on_grid(lambda gx, gy: tf.sin(gx) + tf.cos(gy), x, y)
    assert_array(z, np.sin(grid_x) + np.cos(grid_y), dtype=np.float32, rtol=1e-5, atol=1e-6,
                 what="sin(x) + cos(y) on a 5-by-3 linspace grid (shape must be [3, 5])")


def test_evaluate_on_grid_calls_fn_once_with_whole_grids(kata):
    """No Python loop over points: fn gets the two [len(y), len(x)] grids in one call."""
    calls = []

    def fn(gx, gy):
        calls.append((tuple(np.shape(gx)), tuple(np.shape(gy))))
        return gx * gy

    kata.evaluate_on_grid(fn, [1.0, 2.0, 3.0, 4.0], [1.0, 2.0])
    assert calls == [((2, 4), (2, 4))], (
        f"evaluate_on_grid: expected fn to be called once with two grids of shape (2, 4) "
        f"(len(y), len(x)); got calls with shapes {calls}"
    )


@given(
    x=hnp.arrays(np.float32, st.integers(1, 5), elements=floats),
    y=hnp.arrays(np.float32, st.integers(1, 5), elements=floats),
)
@example(x=np.array([1, 2, 3], np.float32), y=np.array([-1, -2], np.float32))
def test_evaluate_on_grid_passes_x_first_then_y(kata, x, y):
    """An asymmetric fn shows x and y swapped: z[i, j] == fn(x[j], y[i])."""
    grid_x, grid_y = np.meshgrid(x.astype(np.float64), y.astype(np.float64))
    assert_array(kata.evaluate_on_grid(lambda gx, gy: gx - 2.0 * gy, x, y),
                 grid_x - 2.0 * grid_y, rtol=1e-5, atol=1e-5,
                 what=f"x - 2y on a grid of {x.size} x values and {y.size} y values")


def test_evaluate_on_grid_rejects_axes_that_are_not_1d(kata):
    with assert_raises(ValueError, match="1-D"):
        kata.evaluate_on_grid(lambda gx, gy: gx + gy, [1.0, 2.0], np.zeros((2, 1)))
    with assert_raises(ValueError, match="1-D"):
        kata.evaluate_on_grid(lambda gx, gy: gx + gy, np.zeros((1, 2)), [1.0, 2.0])
    with assert_raises(ValueError, match="1-D"):
        kata.evaluate_on_grid(lambda gx, gy: gx + gy, 2.0, [1.0, 2.0])

"""Tests for the indexing kata (索引与切片), every value checked against NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises

# Error messages are free-form: these patterns accept any message that names the problem.
RANGE_MESSAGE = r"(?i)range|bound|size|index|indices"
SHAPE_MESSAGE = r"(?i)shape|ax[ie]s|rank|dim|\d-?d\b|match|fit"


def _data(shape, seed: int = 0) -> np.ndarray:
    """Distinct float32 values (a shuffled 0, 1, 2, ...), so that any wrong pick shows."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.random.default_rng(seed).permutation(size).astype(np.float32).reshape(shape)


# The notes' running example: scores of 4 classes x 35 students x 8 subjects.
SCORES = _data((4, 35, 8), seed=1)

shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5)


# ---------------------------------------------------------------- index


def test_index_picks_row_i_then_column_j(kata):
    """Catches x[j, i]: on a non-square tensor the indices are not interchangeable."""
    x = _data((3, 5, 2))
    assert_array(kata.index(x, 2, 4), x[2, 4], what="index(x, 2, 4) for x of shape (3, 5, 2)",
                 dtype=np.float32)


def test_index_keeps_the_trailing_axes_as_in_the_notes(kata):
    """The notes: a.shape = [1,2,3,4] -> a[1,2].shape = [3,4] (here [2,3,3,4] -> [3,4])."""
    x = _data((2, 3, 3, 4))
    assert_array(kata.index(x, 1, 2), x[1, 2], what="index(x, 1, 2) for x of shape (2, 3, 3, 4)")


def test_index_counts_negative_indices_from_the_end(kata):
    x = _data((4, 3))
    assert_array(kata.index(x, -1, -3), x[-1, -3], what="index(x, -1, -3) for x of shape (4, 3)")


@given(data=st.data(), shape=hnp.array_shapes(min_dims=2, max_dims=4, max_side=4))
def test_index_matches_numpy_for_drawn_shapes(kata, data, shape):
    x = _data(shape)
    i = data.draw(st.integers(-shape[0], shape[0] - 1), label="i")
    j = data.draw(st.integers(-shape[1], shape[1] - 1), label="j")
    assert_array(kata.index(x, i, j), x[i, j], what=f"index(x, {i}, {j}) for x of shape {shape}",
                 dtype=np.float32)


@pytest.mark.parametrize("i, j", [(3, 0), (0, 5), (-4, 0)])
def test_index_out_of_range_raises_index_error(kata, i, j):
    with pytest.raises(IndexError, match=RANGE_MESSAGE):
        kata.index(_data((3, 5)), i, j)


def test_index_of_a_vector_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.index(_data((5,)), 0, 0)


# ---------------------------------------------------------------- last


def test_last_takes_the_last_n_rows_in_order(kata):
    x = _data((6, 2))
    assert_array(kata.last(x, 2), x[4:], what="last(x, 2) for x of shape (6, 2)",
                 dtype=np.float32)


def test_last_one_is_the_notes_a_minus_one_colon(kata):
    """The notes' a[-1:]: a slice keeps the axis (shape [1, ...]), an index would drop it."""
    x = _data((5, 3))
    assert_array(kata.last(x, 1), x[-1:], what="last(x, 1) for x of shape (5, 3)")


def test_last_zero_is_empty_not_everything(kata):
    """Catches x[-n:]: x[-0:] is x[0:], the whole tensor, not an empty one."""
    x = _data((5, 3))
    assert_array(kata.last(x, 0), x[5:], what="last(x, 0) for x of shape (5, 3): shape (0, 3)")


def test_last_of_everything_is_the_whole_tensor(kata):
    x = _data((4,))
    assert_array(kata.last(x, 4), x, what="last(x, 4) for x of shape (4,)")


@pytest.mark.parametrize("n", [-1, 5])
def test_last_out_of_range_raises_value_error(kata, n):
    with pytest.raises(ValueError, match=r"(?i)\bn\b|range|between|<="):
        kata.last(_data((4, 2)), n)


# ---------------------------------------------------------------- crop


def test_crop_takes_rows_from_top_and_columns_from_left(kata):
    """Catches top/left swapped, and top:height instead of top:top + height."""
    images = _data((2, 6, 7, 3))
    assert_array(kata.crop(images, 1, 3, 4, 2), images[:, 1:5, 3:5, :],
                 what="crop(images, top=1, left=3, height=4, width=2) for images (2, 6, 7, 3)",
                 dtype=np.float32)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=4, max_dims=4, max_side=5))
def test_crop_matches_numpy_for_drawn_windows(kata, data, shape):
    images = _data(shape)
    _, rows, columns, _ = shape
    top = data.draw(st.integers(0, rows), label="top")
    left = data.draw(st.integers(0, columns), label="left")
    height = data.draw(st.integers(0, rows - top), label="height")
    width = data.draw(st.integers(0, columns - left), label="width")
    assert_array(kata.crop(images, top, left, height, width),
                 images[:, top:top + height, left:left + width, :],
                 what=f"crop(images, {top}, {left}, {height}, {width}) for images {shape}")


@pytest.mark.parametrize("window", [(3, 0, 4, 2), (0, 5, 2, 3), (-1, 0, 2, 2)])
def test_crop_outside_the_image_raises_value_error(kata, window):
    with pytest.raises(ValueError, match=r"(?i)window|inside|outside|range|rows|columns"):
        kata.crop(_data((1, 6, 7, 3)), *window)


def test_crop_of_a_single_image_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.crop(_data((6, 7, 3)), 0, 0, 2, 2)


# ---------------------------------------------------------------- slice_axis


def test_slice_axis_slices_the_given_axis(kata):
    """Catches the axis ignored (always slicing axis 0)."""
    x = _data((4, 6, 3))
    assert_array(kata.slice_axis(x, 1, 1, 5, 2), x[:, 1:5:2],
                 what="slice_axis(x, axis=1, start=1, stop=5, step=2) for x (4, 6, 3)",
                 dtype=np.float32)


def test_slice_axis_with_a_negative_step_runs_backwards(kata):
    """A negative step starts at `start` and stops BEFORE `stop`: x[5:1:-2] is 5, 3."""
    x = _data((3, 7))
    assert_array(kata.slice_axis(x, -1, 5, 1, -2), x[:, 5:1:-2],
                 what="slice_axis(x, axis=-1, start=5, stop=1, step=-2) for x (3, 7)")


def test_slice_axis_reverses_with_none_bounds(kata):
    """x[::-1] reverses, including entry 0 (catches a stop of 0 or -1 put in for None)."""
    x = _data((5, 2))
    assert_array(kata.slice_axis(x, 0, None, None, -1), x[::-1],
                 what="slice_axis(x, axis=0, step=-1) for x (5, 2)")


def test_slice_axis_defaults_to_everything(kata):
    x = _data((2, 3))
    assert_array(kata.slice_axis(x, 1), x, what="slice_axis(x, axis=1) with no bounds")


bounds = st.none() | st.integers(-7, 7)


@given(shape=shapes, data=st.data(), start=bounds, stop=bounds,
       step=st.none() | st.integers(-3, 3).filter(bool))
def test_slice_axis_matches_numpy_for_drawn_slices(kata, shape, data, start, stop, step):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    x = _data(shape)
    expected = x[(slice(None),) * (axis % len(shape)) + (slice(start, stop, step),)]
    assert_array(kata.slice_axis(x, axis, start, stop, step), expected,
                 what=f"slice_axis(x, axis={axis}, start={start}, stop={stop}, step={step}) "
                      f"for x of shape {shape}")


def test_slice_axis_with_step_zero_raises_value_error(kata):
    with pytest.raises(ValueError, match=r"(?i)step|zero"):
        kata.slice_axis(_data((3, 3)), 0, None, None, 0)


def test_slice_axis_with_an_axis_out_of_range_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.slice_axis(_data((3, 3)), 2, 0, 1)


def test_slice_axis_with_a_negative_axis_out_of_range_raises_value_error(kata):
    """Catches checking only `axis >= rank`: axis -3 of a matrix wraps round to axis 1."""
    with assert_raises(ValueError, match=SHAPE_MESSAGE):
        kata.slice_axis(_data((3, 3)), -3, 0, 1)


# ---------------------------------------------------------------- reversed_range


def test_reversed_range_from_the_middle(kata):
    """Catches x[stop:start:-1] (shifted by one: includes stop, drops start)."""
    x = _data((8, 2))
    assert_array(kata.reversed_range(x, 2, 6), x[2:6][::-1],
                 what="reversed_range(x, 2, 6): rows 5, 4, 3, 2", dtype=np.float32)


def test_reversed_range_from_zero_includes_row_zero(kata):
    """Catches x[stop-1:start-1:-1]: with start=0 the stop is -1, 'the last row', so the
    slice is empty instead of ending at row 0."""
    x = _data((6, 3))
    assert_array(kata.reversed_range(x, 0, 4), x[3::-1],
                 what="reversed_range(x, 0, 4): rows 3, 2, 1, 0")


def test_reversed_range_of_everything_reverses(kata):
    x = _data((5,))
    assert_array(kata.reversed_range(x, 0, 5), x[::-1], what="reversed_range(x, 0, 5)")


def test_reversed_range_empty(kata):
    x = _data((5, 2))
    assert_array(kata.reversed_range(x, 3, 3), x[3:3], what="reversed_range(x, 3, 3): shape (0, 2)")


@given(shape=shapes, data=st.data())
def test_reversed_range_matches_numpy_for_drawn_ranges(kata, shape, data):
    x = _data(shape)
    start = data.draw(st.integers(0, shape[0]), label="start")
    stop = data.draw(st.integers(start, shape[0]), label="stop")
    assert_array(kata.reversed_range(x, start, stop), x[start:stop][::-1],
                 what=f"reversed_range(x, {start}, {stop}) for x of shape {shape}")


@pytest.mark.parametrize("start, stop", [(-1, 2), (3, 2), (0, 6)])
def test_reversed_range_out_of_range_raises_value_error(kata, start, stop):
    with pytest.raises(ValueError, match=r"(?i)start|stop|range"):
        kata.reversed_range(_data((5,)), start, stop)


# ---------------------------------------------------------------- ellipsis_index


def test_ellipsis_index_as_in_the_notes(kata):
    """The notes' a[1,2,...,0,:] idea: first axis, second-to-last axis, keep the rest."""
    x = _data((2, 3, 4, 5))
    assert_array(kata.ellipsis_index(x, 1, 3), x[1, :, 3, :],
                 what="ellipsis_index(x, 1, 3) for x (2, 3, 4, 5): shape (3, 5)",
                 dtype=np.float32)


def test_ellipsis_index_takes_the_second_to_last_axis_not_the_last(kata):
    """Catches x[i, ..., k]: that indexes the last axis and drops it."""
    x = _data((2, 4, 3))
    assert_array(kata.ellipsis_index(x, 0, 2), x[0, 2, :],
                 what="ellipsis_index(x, 0, 2) for x (2, 4, 3): shape (3,)")


def test_ellipsis_index_works_for_rank_five(kata):
    """Catches a fixed count of ':' (x[i, :, k, :] fits rank 4 only)."""
    x = _data((2, 2, 3, 4, 2))
    assert_array(kata.ellipsis_index(x, -1, 1), x[-1, :, :, 1, :],
                 what="ellipsis_index(x, -1, 1) for x (2, 2, 3, 4, 2): shape (2, 3, 2)")


@given(shape=hnp.array_shapes(min_dims=3, max_dims=5, max_side=3), data=st.data())
def test_ellipsis_index_matches_numpy_for_drawn_shapes(kata, shape, data):
    x = _data(shape)
    i = data.draw(st.integers(-shape[0], shape[0] - 1), label="i")
    k = data.draw(st.integers(-shape[-2], shape[-2] - 1), label="k")
    assert_array(kata.ellipsis_index(x, i, k), x[i, ..., k, :],
                 what=f"ellipsis_index(x, {i}, {k}) for x of shape {shape}")


def test_ellipsis_index_of_a_matrix_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.ellipsis_index(_data((3, 3)), 0, 0)


def test_ellipsis_index_out_of_range_raises_index_error(kata):
    with pytest.raises(IndexError, match=RANGE_MESSAGE):
        kata.ellipsis_index(_data((2, 3, 4)), 0, 3)


# ---------------------------------------------------------------- gather


def test_gather_classes_in_the_notes_order(kata):
    """The notes: tf.gather(a, axis=0, indices=[2,1,3,0]) takes classes 2, 1, 3, 0."""
    assert_array(kata.gather(SCORES, [2, 1, 3, 0], 0), SCORES[[2, 1, 3, 0]],
                 what="gather(scores, [2, 1, 3, 0], axis=0)", dtype=np.float32)


def test_gather_uses_the_axis(kata):
    """Catches the axis ignored: students 2, 1, 3, 0 of every class, not classes."""
    assert_array(kata.gather(SCORES, [2, 1, 3, 0], 1), SCORES[:, [2, 1, 3, 0]],
                 what="gather(scores, [2, 1, 3, 0], axis=1): shape (4, 4, 8)")


def test_gather_keeps_the_order_of_the_indices(kata):
    """Catches the indices sorted or reversed: the result follows the list, repeats too."""
    x = _data((3, 6))
    assert_array(kata.gather(x, [5, 0, 3, 3], 1), x[:, [5, 0, 3, 3]],
                 what="gather(x, [5, 0, 3, 3], axis=1)")


def test_gather_accepts_a_negative_axis(kata):
    x = _data((2, 3, 4))
    assert_array(kata.gather(x, [3, 1], -1), x[..., [3, 1]], what="gather(x, [3, 1], axis=-1)")


@given(shape=shapes, data=st.data())
def test_gather_matches_numpy_take_for_drawn_axes_and_indices(kata, shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    indices = data.draw(st.lists(st.integers(0, shape[axis] - 1), max_size=6), label="indices")
    x = _data(shape)
    expected = np.take(x, np.asarray(indices, dtype=np.int64), axis=axis)
    assert_array(kata.gather(x, indices, axis), expected,
                 what=f"gather(x, {indices}, axis={axis}) for x of shape {shape}")


def test_gather_with_a_2d_index_array(kata):
    """Indices of shape [2, 2] put a [2, 2] block where the gathered axis was."""
    x = _data((3, 5))
    indices = np.array([[4, 0], [1, 1]])
    assert_array(kata.gather(x, indices, 1), np.take(x, indices, axis=1),
                 what="gather(x, [[4, 0], [1, 1]], axis=1): shape (3, 2, 2)")


@pytest.mark.parametrize("indices", [[0, 4], [-1]])
def test_gather_out_of_range_raises_index_error(kata, indices):
    """On a GPU tf.gather returns zeros for a bad index: the function must check first."""
    with pytest.raises(IndexError, match=RANGE_MESSAGE):
        kata.gather(_data((2, 4)), indices, 1)


def test_gather_with_an_axis_out_of_range_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.gather(_data((2, 4)), [0], 2)


def test_gather_with_float_indices_raises_type_error(kata):
    with pytest.raises(TypeError, match=r"(?i)int|dtype|type"):
        kata.gather(_data((2, 4)), [0.5, 1.0], 1)


# ---------------------------------------------------------------- select_scores


def test_select_scores_as_in_the_notes(kata):
    """The notes' nested gathers: classes, students, subjects all [2, 1, 3, 0]."""
    idx = [2, 1, 3, 0]
    assert_array(kata.select_scores(SCORES, idx, idx, idx), SCORES[np.ix_(idx, idx, idx)],
                 what="select_scores(scores, [2,1,3,0], [2,1,3,0], [2,1,3,0])",
                 dtype=np.float32)


def test_select_scores_takes_every_combination_on_its_own_axis(kata):
    """Catches students and subjects mixed up, and pairing (gather_nd) instead of a block."""
    classes, students, subjects = [3, 1], [0, 34, 2], [7, 5, 1, 0]
    assert_array(kata.select_scores(SCORES, classes, students, subjects),
                 SCORES[np.ix_(classes, students, subjects)],
                 what=f"select_scores(scores, {classes}, {students}, {subjects}): shape (2, 3, 4)")


@given(data=st.data(), shape=hnp.array_shapes(min_dims=3, max_dims=3, max_side=5))
def test_select_scores_matches_numpy_for_drawn_picks(kata, data, shape):
    x = _data(shape)
    picks = [data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4), label=name)
             for n, name in zip(shape, ("classes", "students", "subjects"), strict=True)]
    assert_array(kata.select_scores(x, *picks), x[np.ix_(*picks)],
                 what=f"select_scores(x, {picks[0]}, {picks[1]}, {picks[2]}) for x {shape}")


def test_select_scores_out_of_range_raises_index_error(kata):
    with pytest.raises(IndexError, match=RANGE_MESSAGE):
        kata.select_scores(SCORES, [0], [35], [0])


def test_select_scores_of_a_matrix_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.select_scores(SCORES[0], [0], [0], [0])


# ---------------------------------------------------------------- gather_nd


def _numpy_gather_nd(x: np.ndarray, indices) -> np.ndarray:
    indices = np.asarray(indices)
    return x[tuple(np.moveaxis(indices, -1, 0))]


NOTES_GATHER_ND = [
    ([1, 1, 1], ()),  # 1班1号同学的1号成绩, a scalar
    ([[0, 0], [1, 1]], (2, 8)),  # two students' 8 subjects
    ([[0, 0, 1], [1, 2, 1]], (2,)),  # two single scores
    ([[[0, 0, 1], [1, 2, 1]]], (1, 2)),  # the same, one level deeper
]


@pytest.mark.parametrize("indices, shape", NOTES_GATHER_ND)
def test_gather_nd_examples_from_the_notes(kata, indices, shape):
    expected = _numpy_gather_nd(SCORES, indices)
    assert expected.shape == shape
    assert_array(kata.gather_nd(SCORES, indices), expected,
                 what=f"gather_nd(scores [4, 35, 8], {indices}): shape {shape}", dtype=np.float32)


def test_gather_nd_reads_coordinates_in_order(kata):
    """Catches the coordinates reversed: [3, 20, 6] is class 3, student 20, subject 6."""
    assert_array(kata.gather_nd(SCORES, [[3, 20, 6], [0, 5, 2]]),
                 [SCORES[3, 20, 6], SCORES[0, 5, 2]],
                 what="gather_nd(scores, [[3, 20, 6], [0, 5, 2]])")


def test_gather_nd_pairs_coordinates_instead_of_crossing_them(kata):
    """Catches nested gathers (a [2, 2] block) where [[0, 1], [2, 3]] names 2 students."""
    assert_array(kata.gather_nd(SCORES, [[0, 1], [2, 3]]), np.stack([SCORES[0, 1], SCORES[2, 3]]),
                 what="gather_nd(scores, [[0, 1], [2, 3]]): shape (2, 8)")


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), data=st.data())
def test_gather_nd_matches_numpy_for_drawn_indices(kata, shape, data):
    depth = data.draw(st.integers(1, len(shape)), label="depth")
    batch = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), label="batch")
    indices = np.stack(
        [data.draw(hnp.arrays(np.int64, batch, elements=st.integers(0, n - 1)), label=f"axis {a}")
         for a, n in enumerate(shape[:depth])], axis=-1)
    x = _data(shape)
    assert_array(kata.gather_nd(x, indices), _numpy_gather_nd(x, indices),
                 what=f"gather_nd(x, {indices.tolist()}) for x of shape {shape}")


def test_gather_nd_out_of_range_raises_index_error(kata):
    with pytest.raises(IndexError, match=RANGE_MESSAGE):
        kata.gather_nd(SCORES, [[0, 35, 0]])


def test_gather_nd_with_too_long_coordinates_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.gather_nd(SCORES, [[0, 0, 0, 0]])


@pytest.mark.parametrize("indices", [[[0, -1, 0]], [[-4, 0]]])
def test_gather_nd_with_a_negative_coordinate_raises_index_error(kata, indices):
    """Negative coordinates are out of range here (the docstring): catches a check of the
    upper bound only, or coordinates wrapped round from the end."""
    with assert_raises(IndexError, match=RANGE_MESSAGE):
        kata.gather_nd(SCORES, indices)


def test_gather_nd_with_scalar_indices_raises_value_error(kata):
    """A scalar has no last axis to hold a coordinate."""
    with assert_raises(ValueError, match=SHAPE_MESSAGE):
        kata.gather_nd(SCORES, 1)


# ---------------------------------------------------------------- boolean_mask

IMAGES = _data((4, 28, 28, 3), seed=2)


def _numpy_mask(x: np.ndarray, mask, axis: int) -> np.ndarray:
    return x[(slice(None),) * axis + (np.asarray(mask, dtype=bool),)]


def test_boolean_mask_on_the_first_axis_by_default(kata):
    """The notes: mask [True, True, False, False] on [4, 28, 28, 3] -> [2, 28, 28, 3]."""
    mask = [True, True, False, False]
    assert_array(kata.boolean_mask(IMAGES, mask), IMAGES[:2],
                 what="boolean_mask(images [4, 28, 28, 3], [T, T, F, F])", dtype=np.float32)


def test_boolean_mask_on_the_channel_axis(kata):
    """The notes: axis=3, mask [True, True, False] -> [4, 28, 28, 2]; catches axis ignored."""
    assert_array(kata.boolean_mask(IMAGES, [True, True, False], axis=3), IMAGES[..., :2],
                 what="boolean_mask(images, [T, T, F], axis=3): shape (4, 28, 28, 2)")


def test_boolean_mask_with_a_2d_mask(kata):
    """The notes: a [2, 3] mask on [2, 3, 4] with 3 True entries -> [3, 4]."""
    x = _data((2, 3, 4))
    mask = np.array([[True, False, False], [False, True, True]])
    assert_array(kata.boolean_mask(x, mask), np.stack([x[0, 0], x[1, 1], x[1, 2]]),
                 what="boolean_mask(x [2, 3, 4], [[T, F, F], [F, T, T]]): shape (3, 4)")


def test_boolean_mask_on_the_right_axis_of_a_cube(kata):
    """Catches the mask applied on the wrong axis when every axis has the same length."""
    x = _data((3, 3, 3))
    mask = [True, False, True]
    assert_array(kata.boolean_mask(x, mask, axis=1), x[:, [0, 2], :],
                 what="boolean_mask(x [3, 3, 3], [T, F, T], axis=1)")
    assert_array(kata.boolean_mask(x, mask, axis=2), x[:, :, [0, 2]],
                 what="boolean_mask(x [3, 3, 3], [T, F, T], axis=2)")


def test_boolean_mask_with_a_2d_mask_at_axis_1(kata):
    x = _data((2, 3, 2, 2))
    mask = np.array([[True, False], [False, False], [True, True]])
    assert_array(kata.boolean_mask(x, mask, axis=1), _numpy_mask(x, mask, 1),
                 what="boolean_mask(x [2, 3, 2, 2], 3x2 mask, axis=1): shape (2, 3, 2)")


@given(shape=shapes, data=st.data())
def test_boolean_mask_matches_numpy_for_drawn_masks(kata, shape, data):
    depth = data.draw(st.integers(1, len(shape)), label="mask depth")
    axis = data.draw(st.integers(0, len(shape) - depth), label="axis")
    mask = data.draw(hnp.arrays(np.bool_, shape[axis:axis + depth]), label="mask")
    x = _data(shape)
    assert_array(kata.boolean_mask(x, mask, axis=axis), _numpy_mask(x, mask, axis),
                 what=f"boolean_mask(x of shape {shape}, {mask.tolist()}, axis={axis})")


def test_boolean_mask_of_the_wrong_length_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.boolean_mask(IMAGES, [True, False, True], axis=0)


def test_boolean_mask_beyond_the_last_axis_raises_value_error(kata):
    with pytest.raises(ValueError, match=SHAPE_MESSAGE):
        kata.boolean_mask(_data((2, 3)), [[True, False, True]], axis=1)


def test_boolean_mask_with_a_negative_axis_raises_value_error(kata):
    """The docstring refuses a negative axis: catches counting it from the end instead."""
    with assert_raises(ValueError, match=SHAPE_MESSAGE):
        kata.boolean_mask(_data((2, 3)), [True, False, True], axis=-1)


def test_results_are_tensorflow_tensors(kata):
    """Every function here is a TensorFlow op away from its answer: return tf.Tensor."""
    x = _data((2, 3, 4))
    results = {
        "index": (kata.index(x, 0, 0), x[0, 0]),
        "last": (kata.last(x, 1), x[1:]),
        "crop": (kata.crop(_data((1, 3, 3, 2)), 1, 0, 2, 2), _data((1, 3, 3, 2))[:, 1:3, 0:2]),
        "slice_axis": (kata.slice_axis(x, 1, None, None, -1), x[:, ::-1]),
        "reversed_range": (kata.reversed_range(x, 0, 2), x[1::-1]),
        "ellipsis_index": (kata.ellipsis_index(x, 1, 2), x[1, 2, :]),
        "gather": (kata.gather(x, [1], 1), x[:, [1]]),
        "select_scores": (kata.select_scores(x, [1], [0, 2], [3]), x[[1]][:, [0, 2]][:, :, [3]]),
        "gather_nd": (kata.gather_nd(x, [[0, 1]]), x[[0], [1]]),
        "boolean_mask": (kata.boolean_mask(x, [True, False]), x[:1]),
    }
    for name, (result, expected) in results.items():
        assert isinstance(result, tf.Tensor), (
            f"{name}: expected a tf.Tensor, got {type(result).__name__} (went through "
            ".numpy() and indexed the NumPy array?)")
        assert_array(result, expected, what=name)

"""Tests for the concat_split kata: concat, stack, unstack, split.

Oracles: `np.concatenate`, `np.stack`, `np.take` and `np.split` (given cut positions, which
the tests compute from the sizes), and small hand-written arrays.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_shape

small_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)


def _numbered(shape: tuple[int, ...], start: int = 0, dtype=np.float32) -> np.ndarray:
    """Distinct values, so that a slice taken from the wrong place shows."""
    return (np.arange(int(np.prod(shape)), dtype=dtype) + start).reshape(shape)


def _assert_parts(parts, expected: list[np.ndarray], *, what: str) -> None:
    assert isinstance(parts, (list, tuple)), (
        f"{what}: expected a list of tensors, got {type(parts).__name__}"
    )
    assert len(parts) == len(expected), (
        f"{what}: expected {len(expected)} parts, got {len(parts)}"
    )
    for i, (part, want) in enumerate(zip(parts, expected, strict=True)):
        assert_array(part, want, dtype=want.dtype, what=f"{what}, part {i}")


# --- concat ------------------------------------------------------------------------------


def test_concat_adds_up_the_sizes_along_axis_0_in_order(kata):
    """The notes' tf.concat([a, b], axis=0): a's rows first, then b's; no new axis."""
    a, b = _numbered((2, 3)), _numbered((1, 3), start=100)
    assert_array(kata.concat([a, b], axis=0), np.concatenate([a, b]), dtype=np.float32,
                 what="concat([a [2, 3], b [1, 3]], axis=0)")


def test_concat_along_axis_1_joins_columns(kata):
    a, b = _numbered((2, 3), dtype=np.int32), _numbered((2, 2), start=100, dtype=np.int32)
    assert_array(kata.concat([a, b], axis=1), np.concatenate([a, b], axis=1), dtype=np.int32,
                 what="concat([a [2, 3], b [2, 2]], axis=1)")


def test_concat_of_the_notes_score_tables(kata):
    """Two [4, 35, 8] tables: concat gives [8, 35, 8]; stack would give [2, 4, 35, 8]."""
    a, b = _numbered((4, 35, 8)), _numbered((4, 35, 8), start=-1000)
    result = assert_shape(kata.concat([a, b], axis=0), (8, 35, 8),
                          what="concat of two [4, 35, 8] tables along axis 0")
    assert_array(result, np.concatenate([a, b]), what="concat of two [4, 35, 8] tables")


@given(data=st.data(), shape=small_shapes, count=st.integers(1, 3))
def test_concat_matches_numpy_for_any_shape_and_axis(kata, data, shape, count):
    rank = len(shape)
    axis = data.draw(st.integers(-rank, rank - 1), label="axis")
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count), label="sizes")
    parts, start = [], 0
    for size in sizes:
        part_shape = list(shape)
        part_shape[axis] = size
        parts.append(_numbered(tuple(part_shape), start=start))
        start += 1000
    assert_array(kata.concat(parts, axis=axis), np.concatenate(parts, axis=axis),
                 dtype=np.float32,
                 what=f"concat of {[p.shape for p in parts]} along axis {axis}")


def test_concat_rejects_an_empty_list(kata):
    with pytest.raises(ValueError, match="empty"):
        kata.concat([], axis=0)


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [([(2, 3), (3, 2)], 0), ([(2, 3), (2, 3, 1)], 0), ([(2, 3), (2, 4)], 0)],
    ids=["other-axis-differs", "ranks-differ", "columns-differ-joining-rows"],
)
def test_concat_rejects_shapes_that_differ_off_the_axis(kata, shapes, axis):
    with pytest.raises(ValueError, match="shape"):
        kata.concat([np.ones(s, np.float32) for s in shapes], axis=axis)


@pytest.mark.parametrize("axis", [2, -3])
def test_concat_rejects_an_axis_out_of_range(kata, axis):
    with pytest.raises(ValueError, match="axis"):
        kata.concat([np.ones((2, 3), np.float32)] * 2, axis=axis)


# --- stack -------------------------------------------------------------------------------


def test_stack_the_notes_two_4_3_5_at_axis_1_give_4_2_3_5(kata):
    a, b = _numbered((4, 3, 5)), _numbered((4, 3, 5), start=1000)
    result = assert_shape(kata.stack([a, b], axis=1), (4, 2, 3, 5),
                          what="stack([a [4, 3, 5], b [4, 3, 5]], axis=1)")
    assert_array(result, np.stack([a, b], axis=1),
                 what="stack([a, b], axis=1): result[:, 0] is a, result[:, 1] is b")


def test_stack_with_axis_minus_1_puts_the_new_axis_last(kata):
    """-1 counts from the end of the RESULT: [2, 3] tensors give [2, 3, n], not [2, n, 3]."""
    a, b = _numbered((2, 3), dtype=np.int32), _numbered((2, 3), start=10, dtype=np.int32)
    assert_array(kata.stack([a, b], axis=-1), np.stack([a, b], axis=-1), dtype=np.int32,
                 what="stack([a [2, 3], b [2, 3]], axis=-1)")


@given(data=st.data(), shape=small_shapes, count=st.integers(1, 3))
def test_stack_matches_numpy_for_any_shape_and_axis(kata, data, shape, count):
    rank = len(shape)
    axis = data.draw(st.integers(-(rank + 1), rank), label="axis")
    parts = [_numbered(shape, start=1000 * i) for i in range(count)]
    assert_array(kata.stack(parts, axis=axis), np.stack(parts, axis=axis), dtype=np.float32,
                 what=f"stack of {count} tensors of shape {shape} at axis {axis}")


def test_stack_rejects_an_empty_list(kata):
    with pytest.raises(ValueError, match="empty"):
        kata.stack([], axis=0)


def test_stack_rejects_tensors_of_different_shapes(kata):
    """Schools with different class sizes cannot be stacked (the notes' 局限性)."""
    with pytest.raises(ValueError, match="shape"):
        kata.stack([np.ones((4, 3, 5), np.float32), np.ones((4, 2, 5), np.float32)], axis=0)


@pytest.mark.parametrize("axis", [3, -4])
def test_stack_rejects_an_axis_out_of_range(kata, axis):
    with pytest.raises(ValueError, match="axis"):
        kata.stack([np.ones((2, 3), np.float32)] * 2, axis=axis)


# --- unstack -----------------------------------------------------------------------------


def test_unstack_gives_one_tensor_per_entry_along_the_axis(kata):
    """A [2, 3] matrix along axis 1: three columns of shape [2], not one [2, 1] each."""
    x = _numbered((2, 3), dtype=np.int32)
    _assert_parts(kata.unstack(x, axis=1), [x[:, i] for i in range(3)],
                  what="unstack([[0, 1, 2], [3, 4, 5]], axis=1)")


def test_unstack_defaults_to_axis_0(kata):
    x = _numbered((3, 2))
    _assert_parts(kata.unstack(x), [x[0], x[1], x[2]], what="unstack(x [3, 2])")


@given(data=st.data(), shape=small_shapes)
def test_unstack_matches_numpy_for_any_shape_and_axis(kata, data, shape):
    rank = len(shape)
    axis = data.draw(st.integers(-rank, rank - 1), label="axis")
    x = _numbered(shape)
    expected = [np.take(x, i, axis=axis) for i in range(shape[axis])]
    _assert_parts(kata.unstack(x, axis=axis), expected,
                  what=f"unstack(x of shape {shape}, axis={axis})")


def test_unstack_rejects_a_scalar(kata):
    with pytest.raises(ValueError, match="rank"):
        kata.unstack(np.float32(3.0))


@pytest.mark.parametrize("axis", [2, -3])
def test_unstack_rejects_an_axis_out_of_range(kata, axis):
    with pytest.raises(ValueError, match="axis"):
        kata.unstack(np.ones((2, 3), np.float32), axis=axis)


# --- split -------------------------------------------------------------------------------


def test_split_the_notes_sizes_2_2_3_are_sizes_not_cut_positions(kata):
    """np.split(x, [2, 2, 3]) would cut at positions 2, 2, 3: four parts of 2, 0, 1, 4."""
    x = _numbered((2, 7), dtype=np.int32)
    _assert_parts(kata.split(x, [2, 2, 3], axis=1), [x[:, :2], x[:, 2:4], x[:, 4:]],
                  what="split(x [2, 7], [2, 2, 3], axis=1)")


def test_split_the_notes_two_equal_parts_along_axis_3(kata):
    """The notes' tf.unstack(a, axis=3, num_or_size_splits=2) is tf.split(a, 2, axis=3)."""
    a = _numbered((1, 2, 3, 4))
    _assert_parts(kata.split(a, 2, axis=3), [a[..., :2], a[..., 2:]],
                  what="split(a [1, 2, 3, 4], 2, axis=3)")


def test_split_into_three_equal_parts_along_axis_0(kata):
    x = _numbered((6, 2))
    _assert_parts(kata.split(x, 3), [x[0:2], x[2:4], x[4:6]], what="split(x [6, 2], 3)")


@given(data=st.data(), shape=small_shapes)
def test_split_by_sizes_matches_numpy_for_any_shape_and_axis(kata, data, shape):
    rank = len(shape)
    axis = data.draw(st.integers(-rank, rank - 1), label="axis")
    length = shape[axis]
    cuts = sorted(data.draw(st.lists(st.integers(0, length), max_size=3), label="cuts"))
    sizes = np.diff([0, *cuts, length]).tolist()
    x = _numbered(shape)
    _assert_parts(kata.split(x, sizes, axis=axis), np.split(x, cuts, axis=axis),
                  what=f"split(x of shape {shape}, sizes {sizes}, axis={axis})")


@given(data=st.data(), shape=small_shapes, parts=st.integers(1, 3))
def test_split_into_equal_parts_matches_numpy_for_any_shape_and_axis(kata, data, shape, parts):
    rank = len(shape)
    axis = data.draw(st.integers(-rank, rank - 1), label="axis")
    shape = list(shape)
    shape[axis] *= parts
    x = _numbered(tuple(shape))
    _assert_parts(kata.split(x, parts, axis=axis), np.split(x, parts, axis=axis),
                  what=f"split(x of shape {tuple(shape)}, {parts}, axis={axis})")


@pytest.mark.parametrize("parts", [2, 0, -1], ids=["7-into-2", "zero-parts", "negative"])
def test_split_rejects_a_number_of_parts_that_does_not_divide(kata, parts):
    with pytest.raises(ValueError, match="divide"):
        kata.split(np.ones((7, 2), np.float32), parts)


@pytest.mark.parametrize("sizes", [[3, 3], [2, 2, 2, 2], [8, -1]],
                         ids=["too-short", "too-long", "negative-size"])
def test_split_rejects_sizes_that_do_not_add_up(kata, sizes):
    with pytest.raises(ValueError, match="sizes"):
        kata.split(np.ones((7, 2), np.float32), sizes)


@pytest.mark.parametrize("axis", [2, -3])
def test_split_rejects_an_axis_out_of_range(kata, axis):
    with pytest.raises(ValueError, match="axis"):
        kata.split(np.ones((4, 2), np.float32), 2, axis=axis)

"""Tests for the pad_tile kata: tf.pad, tf.tile and padding for a "same" convolution.

Oracles: hand-written arrays from the notes' examples, `np.pad`, `np.tile`, and TensorFlow's
own SAME convolution for the padding a VALID convolution needs.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises, assert_shape

MATRIX = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)

small_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)


# --- pad ---------------------------------------------------------------------------------


def test_pad_puts_the_notes_rows_on_top_and_the_column_on_the_right(kata):
    """The notes: tf.pad(a, [[2, 0], [0, 1]]) — 2 rows on top, 1 column on the right."""
    expected = np.array(
        [[0, 0, 0, 0], [0, 0, 0, 0], [1, 2, 3, 0], [4, 5, 6, 0]], dtype=np.int32
    )
    assert_array(
        kata.pad(MATRIX, [[2, 0], [0, 1]]), expected, dtype=np.int32,
        what="pad([[1,2,3],[4,5,6]], [[2, 0], [0, 1]]) (before/after or rows/columns swapped?)",
    )


def test_pad_fills_with_the_constant_value(kata):
    expected = np.array([[-1, 1, 2, 3, -1, -1], [-1, 4, 5, 6, -1, -1]], dtype=np.int32)
    assert_array(
        kata.pad(MATRIX, [[0, 0], [1, 2]], constant_value=-1), expected, dtype=np.int32,
        what="pad(matrix, [[0, 0], [1, 2]], constant_value=-1) (constant_value ignored?)",
    )


@st.composite
def arrays_and_paddings(draw):
    shape = draw(small_shapes, label="shape")
    dtype = draw(st.sampled_from([np.float32, np.int32]), label="dtype")
    x = np.arange(np.prod(shape), dtype=dtype).reshape(shape) + 1
    pair = st.tuples(st.integers(0, 2), st.integers(0, 2))
    paddings = draw(st.lists(pair, min_size=len(shape), max_size=len(shape)), label="paddings")
    return x, paddings


@given(case=arrays_and_paddings())
@example(case=(MATRIX, [(2, 0), (0, 1)]))
def test_pad_matches_numpy_for_any_shape_and_paddings(kata, case):
    x, paddings = case
    expected = np.pad(x, paddings, constant_values=7)
    assert_array(
        kata.pad(x, paddings, constant_value=7), expected, dtype=x.dtype,
        what=f"pad(x of shape {x.shape}, {paddings}, constant_value=7)",
    )


@pytest.mark.parametrize(
    "paddings",
    [[[1, 1]], [[1, 1], [1, 1], [1, 1]], [1, 1, 0, 0], [[1, 1, 1], [0, 0, 0]]],
    ids=["one-pair-for-a-matrix", "three-pairs-for-a-matrix", "flat-list", "triples"],
)
def test_pad_rejects_paddings_of_the_wrong_shape(kata, paddings):
    with assert_raises(ValueError, match="paddings"):
        kata.pad(MATRIX, paddings)


def test_pad_rejects_negative_paddings(kata):
    with assert_raises(ValueError, match="paddings"):
        kata.pad(MATRIX, [[1, -1], [0, 0]])


# --- tile --------------------------------------------------------------------------------


def test_tile_copies_the_whole_matrix_not_each_element(kata):
    """np.repeat would give [1, 1, 1, 2, 2, 2]: tiling copies the tensor whole."""
    expected = np.array(
        [[1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4], [1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4]],
        dtype=np.int32,
    )
    assert_array(
        kata.tile(np.array([[1, 2], [3, 4]], dtype=np.int32), [2, 3]), expected,
        dtype=np.int32, what="tile([[1, 2], [3, 4]], [2, 3])",
    )


def test_tile_the_notes_3x3_by_1_2_gives_3x6(kata):
    a = np.arange(9, dtype=np.float32).reshape(3, 3)
    assert_array(kata.tile(a, [1, 2]), np.hstack([a, a]), dtype=np.float32,
                 what="tile(a of shape [3, 3], [1, 2])")


def test_tile_multiples_2_1_3_take_shape_1_3_4_to_2_3_12(kata):
    """ERRATA: the notes say "third dimension 4 times"; the multiples [2, 1, 3] mean 3 times."""
    a = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    result = assert_shape(kata.tile(a, [2, 1, 3]), (2, 3, 12),
                          what="tile(a of shape [1, 3, 4], [2, 1, 3])")
    assert_array(result, np.tile(a, [2, 1, 3]), what="tile(a of shape [1, 3, 4], [2, 1, 3])")


@st.composite
def arrays_and_multiples(draw):
    shape = draw(small_shapes, label="shape")
    x = np.arange(np.prod(shape), dtype=np.int32).reshape(shape)
    multiples = draw(st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape)),
                     label="multiples")
    return x, multiples


@given(case=arrays_and_multiples())
@example(case=(np.arange(12, dtype=np.int32).reshape(1, 3, 4), [2, 1, 3]))
def test_tile_matches_numpy_for_any_shape_and_multiples(kata, case):
    x, multiples = case
    assert_array(kata.tile(x, multiples), np.tile(x, multiples), dtype=np.int32,
                 what=f"tile(x of shape {x.shape}, {multiples})")


@pytest.mark.parametrize("multiples", [[2], [1, 2, 3]], ids=["too-few", "too-many"])
def test_tile_rejects_one_multiple_per_dimension_missing_or_extra(kata, multiples):
    with assert_raises(ValueError, match="multiples"):
        kata.tile(MATRIX, multiples)


def test_tile_rejects_negative_multiples(kata):
    with assert_raises(ValueError, match="multiples"):
        kata.tile(MATRIX, [2, -1])


# --- same padding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "expected"), [(1, (0, 0)), (2, (0, 1)), (3, (1, 1)), (4, (1, 2)), (5, (2, 2))]
)
def test_same_padding_puts_the_extra_zero_after_for_even_kernels(kata, k, expected):
    """TensorFlow's SAME: (k-1)//2 before, the rest after; k//2 on both sides is one too many."""
    result = kata.same_padding(k)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"same_padding({k}): expected a pair (before, after), got {result!r}"
    )
    assert all(type(n) is int for n in result), (
        f"same_padding({k}): expected two Python ints, got {[type(n).__name__ for n in result]}"
    )
    assert result == expected, (
        f"same_padding({k}): expected (before, after) = {expected}, got {result}"
        + (" (k // 2 on both sides is one too many for an even kernel)"
           if k % 2 == 0 and result == (k // 2, k // 2) else "")
        + (" (before and after swapped: TensorFlow puts the extra zero AFTER)"
           if result == expected[::-1] else "")
    )


@pytest.mark.parametrize("k", [0, -3])
def test_same_padding_rejects_kernel_sizes_below_one(kata, k):
    with assert_raises(ValueError, match="kernel"):
        kata.same_padding(k)


def test_pad_for_same_conv_pads_height_and_width_only_with_zeros(kata):
    images = np.arange(1, 2 * 3 * 4 * 2 + 1, dtype=np.float32).reshape(2, 3, 4, 2)
    expected = np.pad(images, [[0, 0], [1, 1], [1, 2], [0, 0]])
    assert_array(
        kata.pad_for_same_conv(images, (3, 4)), expected, dtype=np.float32,
        what="pad_for_same_conv(images [2, 3, 4, 2], kernel (3, 4)) "
        "(kernel height and width swapped, or batch/channels padded?)",
    )


@given(
    batch=st.integers(1, 2),
    height=st.integers(1, 5),
    width=st.integers(1, 5),
    channels=st.integers(1, 2),
    kernel_height=st.integers(1, 5),
    kernel_width=st.integers(1, 5),
)
@example(batch=1, height=3, width=4, channels=1, kernel_height=2, kernel_width=4)
def test_valid_conv_on_padded_images_equals_same_conv(
    kata, batch, height, width, channels, kernel_height, kernel_width
):
    """The oracle is tf.nn.conv2d(..., "SAME"); an even kernel shows where the extra zero goes."""
    rng = np.random.default_rng(height * 100 + width * 10 + kernel_height + kernel_width)
    images = rng.normal(size=(batch, height, width, channels)).astype(np.float32)
    kernel = rng.normal(size=(kernel_height, kernel_width, channels, 3)).astype(np.float32)
    padded = kata.pad_for_same_conv(images, (kernel_height, kernel_width))
    what = (f"pad_for_same_conv(images {images.shape}, kernel ({kernel_height}, {kernel_width}))")
    assert_shape(padded, (batch, height + kernel_height - 1, width + kernel_width - 1, channels),
                 what=what)
    valid = tf.nn.conv2d(tf.convert_to_tensor(padded, tf.float32), kernel, 1, "VALID")
    same = tf.nn.conv2d(images, kernel, 1, "SAME")
    assert_array(valid, same, rtol=1e-4, atol=1e-4,
                 what=f"conv2d VALID on {what}, against conv2d SAME on the images")


def test_pad_for_same_conv_takes_an_int_as_a_square_kernel(kata):
    images = np.ones((1, 2, 3, 1), dtype=np.float32)
    expected = np.pad(images, [[0, 0], [0, 1], [0, 1], [0, 0]])
    assert_array(kata.pad_for_same_conv(images, 2), expected,
                 what="pad_for_same_conv(images [1, 2, 3, 1], 2)")


@pytest.mark.parametrize("shape", [(3, 4, 1), (1, 1, 3, 4, 1)], ids=["3-D", "5-D"])
def test_pad_for_same_conv_rejects_images_that_are_not_4d(kata, shape):
    with assert_raises(ValueError, match="4-D"):
        kata.pad_for_same_conv(np.ones(shape, dtype=np.float32), 3)


@pytest.mark.parametrize(
    "kernel_size", [(3, 0), 0, -2, (3, 3, 3), ()],
    ids=["zero-width", "zero", "negative", "a-triple", "empty"],
)
def test_pad_for_same_conv_rejects_a_kernel_size_that_is_not_a_positive_int_or_pair(
    kata, kernel_size
):
    with assert_raises(ValueError, match="kernel"):
        kata.pad_for_same_conv(np.ones((1, 3, 4, 1), dtype=np.float32), kernel_size)

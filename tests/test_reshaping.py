"""Tests for the reshaping kata (维度变换): reshape, transpose, expand_dims, squeeze, layouts."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, is_instance

small_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)
image_shapes = hnp.array_shapes(min_dims=4, max_dims=4, min_side=1, max_side=4)


def _shape_pattern(sizes) -> str:
    """A regex for the sizes written as a Python list or tuple: [4, -1] or (4, -1)."""
    return r"[\[(]" + r",\s*".join(str(int(d)) for d in sizes) + r",?[\])]"


def _arange(shape: tuple[int, ...], dtype=np.int32) -> np.ndarray:
    """Distinct values 0, 1, 2, ... so that any element out of place shows."""
    return np.arange(math.prod(shape), dtype=dtype).reshape(shape)


# ---------------------------------------------------------------- reshape


def test_reshape_with_minus_one_infers_the_notes_784(kata):
    """The notes' [4, 28, 28, 3] -> [4, -1, 3]; catches a -1 worked out wrongly."""
    x = _arange((4, 28, 28, 3))
    assert_array(kata.reshape(x, [4, -1, 3]), x.reshape(4, 784, 3),
                 what="reshape(x of shape (4, 28, 28, 3), [4, -1, 3])", dtype=np.int32)


def test_reshape_with_explicit_sizes(kata):
    x = tf.constant(_arange((4, 28, 28, 3)))
    assert_array(kata.reshape(x, [4, 784, 3]), _arange((4, 784, 3)),
                 what="reshape(tensor of shape (4, 28, 28, 3), [4, 784, 3])", dtype=np.int32)


def test_reshape_keeps_row_major_order_and_dtype(kata):
    """Catches column-major regrouping (order='F') and a cast to float32."""
    x = _arange((2, 3, 4), dtype=np.uint8)
    assert_array(kata.reshape(x, (4, -1)), x.reshape(4, 6),
                 what="reshape(uint8 0..23 of shape (2, 3, 4), (4, -1))", dtype=np.uint8)


def test_reshape_minus_one_may_come_first(kata):
    """The notes' MNIST line tf.reshape(x, [-1, 28*28]): the batch size is inferred."""
    x = _arange((5, 28, 28), dtype=np.float32)
    assert_array(kata.reshape(x, [-1, 28 * 28]), x.reshape(5, 784),
                 what="reshape(x of shape (5, 28, 28), [-1, 784])", dtype=np.float32)


@given(shape=small_shapes, data=st.data())
def test_reshape_matches_numpy_on_drawn_shapes(kata, shape, data):
    """Merges two neighbouring axes, writes one entry as -1, compares with np.reshape."""
    x = _arange(shape)
    target = list(shape)
    if len(target) > 1:
        i = data.draw(st.integers(0, len(target) - 2), label="merged axis")
        target[i:i + 2] = [target[i] * target[i + 1]]
    target[data.draw(st.integers(0, len(target) - 1), label="-1 at")] = -1
    assert_array(kata.reshape(x, target), np.reshape(x, target),
                 what=f"reshape(x of shape {shape}, {target})", dtype=np.int32)


@pytest.mark.parametrize(
    ("shape", "target"),
    [
        ((2, 3), [4, -1]),  # 6 is not a multiple of 4
        ((2, 3), [4, 2]),  # 6 elements into 8
        ((4, 28, 28, 3), [4, 783, 3]),
        ((2, 3), [-1, -1]),  # two unknowns
        ((2, 3), [-2, -3]),  # negative sizes whose product is 6
        ((0, 3), [-1, 0]),  # nothing to work the -1 out from
    ],
)
def test_impossible_reshape_raises_value_error(kata, shape, target):
    """Catches passing a bad shape on to TensorFlow, which raises InvalidArgumentError."""
    with pytest.raises(ValueError, match=_shape_pattern(target)):
        kata.reshape(np.zeros(shape, np.float32), target)


# ---------------------------------------------------------------- transpose


def test_transpose_with_the_notes_perm(kata):
    """The notes' [4, 3, 2, 1] with perm [0, 1, 3, 2] -> [4, 3, 1, 2]."""
    x = _arange((4, 3, 2, 1))
    assert_array(kata.transpose(x, [0, 1, 3, 2]), np.transpose(x, (0, 1, 3, 2)),
                 what="transpose(x of shape (4, 3, 2, 1), perm=[0, 1, 3, 2])", dtype=np.int32)


def test_transpose_perm_names_the_input_axis_of_each_output_axis(kata):
    """Catches the inverse permutation: perm [2, 0, 1] of (2, 3, 4) is (4, 2, 3), not (3, 4, 2)."""
    x = _arange((2, 3, 4))
    assert_array(kata.transpose(x, [2, 0, 1]), np.transpose(x, (2, 0, 1)),
                 what="transpose(x of shape (2, 3, 4), perm=[2, 0, 1])", dtype=np.int32)


def test_transpose_without_perm_reverses_the_axes(kata):
    x = _arange((2, 3, 4), dtype=np.float32)
    assert_array(kata.transpose(x), x.T, what="transpose(x of shape (2, 3, 4))",
                 dtype=np.float32)
    m = tf.constant([[1, 2, 3], [4, 5, 6]])
    assert_array(kata.transpose(m), [[1, 4], [2, 5], [3, 6]],
                 what="transpose([[1, 2, 3], [4, 5, 6]])", dtype=np.int32)


@given(shape=small_shapes, data=st.data())
def test_transpose_matches_numpy_on_drawn_perms(kata, shape, data):
    perm = data.draw(st.permutations(range(len(shape))), label="perm")
    x = _arange(shape)
    assert_array(kata.transpose(x, perm), np.transpose(x, perm),
                 what=f"transpose(x of shape {shape}, perm={perm})", dtype=np.int32)


@pytest.mark.parametrize("perm", [[0, 0, 1], [0, 1], [0, 1, 3], [1, 2, 3]])
def test_transpose_rejects_a_perm_that_is_no_permutation(kata, perm):
    with pytest.raises(ValueError, match=_shape_pattern(perm)):
        kata.transpose(np.zeros((2, 3, 4)), perm)


# ---------------------------------------------------------------- expand_dims

NOTES_EXPAND = _arange((4, 35, 8))


@pytest.mark.parametrize(
    ("axis", "shape"),
    [(0, (1, 4, 35, 8)), (3, (4, 35, 8, 1)), (1, (4, 1, 35, 8)),
     (-1, (4, 35, 8, 1)), (-2, (4, 35, 1, 8)), (-4, (1, 4, 35, 8))],
)
def test_expand_dims_inserts_axis_of_the_result(kata, axis, shape):
    """Catches counting a negative axis in the input (-1 would insert before the last axis)."""
    assert_array(kata.expand_dims(NOTES_EXPAND, axis), NOTES_EXPAND.reshape(shape),
                 what=f"expand_dims(x of shape (4, 35, 8), axis={axis})", dtype=np.int32)


@given(shape=small_shapes, data=st.data())
def test_expand_dims_matches_numpy_on_drawn_axes(kata, shape, data):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)), label="axis")
    x = _arange(shape)
    assert_array(kata.expand_dims(x, axis), np.expand_dims(x, axis),
                 what=f"expand_dims(x of shape {shape}, axis={axis})", dtype=np.int32)


@pytest.mark.parametrize("axis", [4, -5, 10])
def test_expand_dims_rejects_an_axis_out_of_range(kata, axis):
    with pytest.raises(ValueError, match=r"axis"):
        kata.expand_dims(NOTES_EXPAND, axis)


# ---------------------------------------------------------------- squeeze

NOTES_SQUEEZE = _arange((1, 2, 1, 1, 3))


def test_squeeze_without_axis_removes_every_size_one_axis(kata):
    assert_array(kata.squeeze(NOTES_SQUEEZE), NOTES_SQUEEZE.reshape(2, 3),
                 what="squeeze(x of shape (1, 2, 1, 1, 3))", dtype=np.int32)


@pytest.mark.parametrize(
    ("axis", "shape"), [(2, (1, 2, 1, 3)), (0, (2, 1, 1, 3)), (-2, (1, 2, 1, 3)),
                        (-5, (2, 1, 1, 3))],
)
def test_squeeze_with_axis_removes_only_that_axis(kata, axis, shape):
    """Catches squeezing all size-1 axes when one axis is given."""
    assert_array(kata.squeeze(NOTES_SQUEEZE, axis), NOTES_SQUEEZE.reshape(shape),
                 what=f"squeeze(x of shape (1, 2, 1, 1, 3), axis={axis})", dtype=np.int32)


def test_squeeze_keeps_a_batch_of_one_when_another_axis_is_named(kata):
    """A single image [1, 28, 28, 1] squeezed at -1 must stay a batch [1, 28, 28]."""
    x = np.linspace(0, 1, 28 * 28, dtype=np.float32).reshape(1, 28, 28, 1)
    assert_array(kata.squeeze(x, -1), x[..., 0],
                 what="squeeze(x of shape (1, 28, 28, 1), axis=-1)", dtype=np.float32)


def test_squeezing_only_size_one_axes_leaves_a_scalar(kata):
    """Catches keeping one axis back: [1, 1, 1] squeezed is a scalar, as tf.squeeze gives."""
    assert_array(kata.squeeze(np.full((1, 1, 1), 7, np.int32)), np.int32(7),
                 what="squeeze(x of shape (1, 1, 1)): shape ()", dtype=np.int32)


@pytest.mark.parametrize("axis", [1, 4, -1])
def test_squeezing_an_axis_whose_size_is_not_one_raises(kata, axis):
    """Catches passing the axis on to tf.squeeze, which raises InvalidArgumentError."""
    with pytest.raises(ValueError, match=r"axis"):
        kata.squeeze(NOTES_SQUEEZE, axis)


@pytest.mark.parametrize("axis", [5, -6])
def test_squeeze_rejects_an_axis_out_of_range(kata, axis):
    with pytest.raises(ValueError, match=r"axis"):
        kata.squeeze(NOTES_SQUEEZE, axis)


# ---------------------------------------------------------------- NHWC <-> NCHW

NHWC = _arange((2, 3, 4, 5), dtype=np.float32)  # batch 2, height 3, width 4, channels 5
NCHW = _arange((2, 5, 3, 4), dtype=np.float32)  # batch 2, channels 5, height 3, width 4


def test_nhwc_to_nchw_moves_channels_to_axis_one(kata):
    """Every axis differs, so perm [0, 2, 3, 1] (the inverse) gives the wrong shape."""
    assert_array(kata.nhwc_to_nchw(NHWC), np.transpose(NHWC, (0, 3, 1, 2)),
                 what="nhwc_to_nchw(images of shape (2, 3, 4, 5))", dtype=np.float32)


def test_nchw_to_nhwc_moves_channels_last(kata):
    """Every axis differs, so perm [0, 3, 1, 2] (the inverse) gives the wrong shape."""
    assert_array(kata.nchw_to_nhwc(NCHW), np.transpose(NCHW, (0, 2, 3, 1)),
                 what="nchw_to_nhwc(images of shape (2, 5, 3, 4))", dtype=np.float32)


def test_layout_pixel_lands_at_channel_row_column(kata):
    """Pixel (h=1, w=3) of image 1 has channel c=4 in NHWC; in NCHW it sits at [1, 4, 1, 3]."""
    nchw = np.asarray(kata.nhwc_to_nchw(tf.constant(NHWC)))
    assert_array(nchw[1, 4, 1, 3], NHWC[1, 1, 3, 4],
                 what="nhwc_to_nchw(images)[n=1, c=4, h=1, w=3]", dtype=np.float32)


def test_layouts_round_trip_and_keep_the_dtype(kata):
    """Catches a cast to float32 and a round trip that is not the identity."""
    images = _arange((2, 3, 4, 5), dtype=np.uint8)
    back = kata.nchw_to_nhwc(kata.nhwc_to_nchw(images))
    assert_array(back, images, what="nchw_to_nhwc(nhwc_to_nchw(uint8 images))",
                 dtype=np.uint8)


@given(shape=image_shapes)
def test_layouts_match_numpy_moveaxis_on_drawn_shapes(kata, shape):
    """Square or repeated sizes (e.g. 2x2x2x2) hide a wrong perm in the shape, not the values."""
    x = _arange(shape)
    assert_array(kata.nhwc_to_nchw(x), np.moveaxis(x, -1, 1),
                 what=f"nhwc_to_nchw(images of shape {shape})", dtype=np.int32)
    assert_array(kata.nchw_to_nhwc(x), np.moveaxis(x, 1, -1),
                 what=f"nchw_to_nhwc(images of shape {shape})", dtype=np.int32)


@pytest.mark.parametrize("shape", [(3, 4, 5), (1, 2, 3, 4, 5)])
def test_layouts_reject_anything_but_rank_four(kata, shape):
    with pytest.raises(ValueError, match=_shape_pattern(shape)):
        kata.nhwc_to_nchw(np.zeros(shape))
    with pytest.raises(ValueError, match=_shape_pattern(shape)):
        kata.nchw_to_nhwc(np.zeros(shape))


def test_results_are_tensorflow_tensors(kata):
    """The module promises a tf.Tensor from every function: catches going through NumPy
    (np.expand_dims(x.numpy(), ...)) and returning its array."""
    x = _arange((1, 2, 3, 1))
    results = {
        "reshape": (kata.reshape(x, [3, -1]), x.reshape(3, -1)),
        "transpose": (kata.transpose(x), x.transpose()),
        "expand_dims": (kata.expand_dims(x, 0), x[None]),
        "squeeze": (kata.squeeze(x, 0), x[0]),
        "nhwc_to_nchw": (kata.nhwc_to_nchw(x), x.transpose(0, 3, 1, 2)),
        "nchw_to_nhwc": (kata.nchw_to_nhwc(x), x.transpose(0, 2, 3, 1)),
    }
    for name, (result, expected) in results.items():
        assert is_instance(result, tf.Tensor), (
            f"{name}: expected a tf.Tensor, got {type(result).__name__} (a NumPy result "
            "returned as it is?)")
        assert_array(result, expected, what=f"{name} of x of shape (1, 2, 3, 1)")

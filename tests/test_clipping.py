"""Tests for the clipping kata: maximum/minimum/clip_by_value, relu, clipping by (global) norm.

Oracles: hand-computed values, NumPy (`np.maximum`, `np.minimum`, `np.clip`) and the closed
form `x * c / max(c, norm(x))` computed in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_no_ops, assert_raises, assert_scalar, to_numpy

A = np.array([[-3.0, 0.0, 2.0], [5.0, 8.0, 11.0]], dtype=np.float32)

small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def float_arrays(shapes):
    return hnp.arrays(np.float32, shapes, elements=st.floats(-10, 10, width=32))


def clipped_by_norm(x: np.ndarray, c: float, axes=None) -> np.ndarray:
    """The oracle: x * c / max(c, ||x||), the norm over `axes` (all of them for None)."""
    x64 = x.astype(np.float64)
    norm = np.sqrt(np.sum(x64**2, axis=axes, keepdims=True))
    return x64 * c / np.maximum(c, norm)


# --- at_least, at_most, clip -------------------------------------------------------------


def test_at_least_raises_values_below_the_bound(kata):
    expected = np.array([[2, 2, 2], [5, 8, 11]], dtype=np.float32)
    assert_array(kata.at_least(A, 2.0), expected, dtype=np.float32,
                 what="at_least(a, 2) (maximum and minimum swapped?)")


def test_at_most_lowers_values_above_the_bound(kata):
    expected = np.array([[-3, 0, 2], [5, 8, 8]], dtype=np.float32)
    assert_array(kata.at_most(A, 8.0), expected, dtype=np.float32,
                 what="at_most(a, 8) (maximum and minimum swapped?)")


def test_bounds_keep_an_integer_dtype(kata):
    a = np.array([-1, 3, 9], dtype=np.int32)
    assert_array(kata.at_least(a, 2), [2, 3, 9], dtype=np.int32, what="at_least(int32 a, 2)")
    assert_array(kata.at_most(a, 8), [-1, 3, 8], dtype=np.int32, what="at_most(int32 a, 8)")


def test_at_least_takes_one_bound_per_column(kata):
    lower = np.array([0.0, 1.0, 10.0], dtype=np.float32)
    assert_array(kata.at_least(A, lower), np.maximum(A, lower), dtype=np.float32,
                 what="at_least(a of shape (2, 3), lower of shape (3,))")


@given(x=float_arrays(small_shapes), lower=st.floats(-5, 0, width=32),
       upper=st.floats(0, 5, width=32))
@example(x=A, lower=0.0, upper=8.0)
def test_bounds_match_numpy_for_any_shape(kata, x, lower, upper):
    assert_array(kata.at_least(x, lower), np.maximum(x, np.float32(lower)),
                 what=f"at_least(x of shape {x.shape}, {lower})")
    assert_array(kata.at_most(x, upper), np.minimum(x, np.float32(upper)),
                 what=f"at_most(x of shape {x.shape}, {upper})")
    assert_array(kata.clip(x, lower, upper),
                 np.clip(x, np.float32(lower), np.float32(upper)),
                 what=f"clip(x of shape {x.shape}, {lower}, {upper})")


@pytest.mark.parametrize("bound_shape", [(2,), (4, 2, 3)], ids=["no-broadcast", "bigger"])
def test_bounds_reject_a_bound_that_does_not_broadcast_to_x(kata, bound_shape):
    """A bound of shape (4, 2, 3) would silently make the result bigger than x."""
    bound = np.zeros(bound_shape, dtype=np.float32)
    with assert_raises(ValueError, match="shape"):
        kata.at_least(A, bound)
    with assert_raises(ValueError, match="shape"):
        kata.at_most(A, bound)


def test_clip_keeps_values_in_the_closed_range(kata):
    """The notes write 2<x<8, but the bounds themselves are kept: 2 and 8 stay."""
    a = np.array([1.0, 2.0, 5.0, 8.0, 9.0], dtype=np.float32)
    assert_array(kata.clip(a, 2, 8), [2, 2, 5, 8, 8], dtype=np.float32,
                 what="clip([1, 2, 5, 8, 9], 2, 8)")


def test_clip_rejects_lower_above_upper(kata):
    with assert_raises(ValueError, match="lower"):
        kata.clip(A, 8, 2)


# --- relu ----------------------------------------------------------------------------------


def test_relu_zeroes_negatives_and_keeps_the_rest(kata):
    x = np.array([-2.5, -0.0, 0.0, 0.5, 3.0], dtype=np.float32)
    assert_array(kata.relu(x), [0.0, 0.0, 0.0, 0.5, 3.0], dtype=np.float32,
                 what="relu([-2.5, -0, 0, 0.5, 3])")


def test_relu_keeps_an_integer_dtype(kata):
    """tf.maximum(x, 0.0) on int32 fails: compare with a zero of x's dtype."""
    assert_array(kata.relu(np.array([-3, 0, 4], dtype=np.int32)), [0, 0, 4], dtype=np.int32,
                 what="relu(int32 [-3, 0, 4])")


@given(x=float_arrays(small_shapes))
@example(x=A)
def test_relu_matches_numpy_for_any_shape(kata, x):
    assert_array(kata.relu(x), np.maximum(x, 0), dtype=np.float32,
                 what=f"relu(x of shape {x.shape})")


def test_relu_is_written_with_maximum_not_the_builtin(kata):
    x = tf.constant([-1.0, 2.0])
    assert_array(kata.relu(x), [0.0, 2.0], what="relu([-1, 2])")
    assert_no_ops(kata.relu, (x,),
                  {"Relu": "tf.maximum(x, 0) as the notes say", "Relu6": "tf.maximum(x, 0)"},
                  what="relu")


# --- clip_by_norm --------------------------------------------------------------------------


def test_clip_by_norm_scales_3_4_down_to_norm_1(kata):
    x = np.array([3.0, 4.0], dtype=np.float32)
    assert_array(kata.clip_by_norm(x, 1.0), [0.6, 0.8], dtype=np.float32,
                 what="clip_by_norm([3, 4], 1) (norm 5 scaled to 1)")


def test_clip_by_norm_leaves_a_small_tensor_unchanged(kata):
    """It only scales down: norm 5 <= 15, so [3, 4] stays (not x / norm * 15)."""
    x = np.array([3.0, 4.0], dtype=np.float32)
    assert_array(kata.clip_by_norm(x, 15.0), [3.0, 4.0], dtype=np.float32,
                 what="clip_by_norm([3, 4], 15)")


def test_clip_by_norm_is_not_the_notes_abs_over_grad(kata):
    """The notes' grad = abs(grad)/grad gives +-1 element by element; the norm scales all."""
    x = np.array([-6.0, 8.0, 0.0], dtype=np.float32)
    assert_array(kata.clip_by_norm(x, 5.0), [-3.0, 4.0, 0.0], dtype=np.float32,
                 what="clip_by_norm([-6, 8, 0], 5)")


def test_clip_by_norm_of_a_zero_tensor_is_zero_not_nan(kata):
    assert_array(kata.clip_by_norm(np.zeros(3, np.float32), 1.0), np.zeros(3), dtype=np.float32,
                 what="clip_by_norm(zeros, 1) (divided by a zero norm?)")


def test_clip_by_norm_keeps_float64(kata):
    x = np.array([[3.0, 4.0]], dtype=np.float64)
    assert_array(kata.clip_by_norm(x, 2.5), [[1.5, 2.0]], dtype=np.float64,
                 what="clip_by_norm(float64 [[3, 4]], 2.5)")


def test_clip_by_norm_along_axis_1_clips_each_row(kata):
    x = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 10.0]], dtype=np.float32)
    expected = np.array([[0.6, 0.8], [0.3, 0.4], [0.0, 1.0]])
    assert_array(kata.clip_by_norm(x, 1.0, axes=1), expected, dtype=np.float32,
                 what="clip_by_norm(x, 1, axes=1): each row's norm clipped to 1")


@st.composite
def arrays_and_axes(draw):
    x = draw(float_arrays(small_shapes), label="x")
    rank = x.ndim
    some_axes = st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=rank,
                         unique_by=lambda a: a % rank)
    axes = draw(st.none() | st.integers(-rank, rank - 1) | some_axes, label="axes")
    return x, axes


@given(case=arrays_and_axes(), clip_norm=st.floats(0.5, 20))
@example(case=(A, [0]), clip_norm=4.0)
@example(case=(A, -1), clip_norm=4.0)
def test_clip_by_norm_matches_the_closed_form_for_any_shape_and_axes(kata, case, clip_norm):
    x, axes = case
    np_axes = None if axes is None else tuple(a % x.ndim for a in np.atleast_1d(axes))
    assert_array(kata.clip_by_norm(x, clip_norm, axes=axes),
                 clipped_by_norm(x, clip_norm, np_axes), rtol=1e-5, atol=1e-5,
                 what=f"clip_by_norm(x of shape {x.shape}, {clip_norm}, axes={axes})")


@pytest.mark.parametrize("axes", [None, 1], ids=["whole-tensor", "per-row"])
def test_clip_by_norm_rejects_a_negative_clip_norm(kata, axes):
    with assert_raises(ValueError, match="clip_norm"):
        kata.clip_by_norm(A, -1.0, axes=axes)


@pytest.mark.parametrize("axes", [2, [0, 2], -3], ids=["2", "[0, 2]", "-3"])
def test_clip_by_norm_rejects_an_axis_out_of_range(kata, axes):
    with assert_raises(ValueError, match="axis"):
        kata.clip_by_norm(A, 1.0, axes=axes)


# --- clip_by_global_norm -------------------------------------------------------------------


def test_clip_by_global_norm_keeps_the_notes_direction_2_5_3(kata):
    """The notes: the gradient [2, 5, 3] scaled as a whole keeps its direction."""
    grads = [np.array([2.0, 5.0], np.float32), np.array([3.0], np.float32)]
    clipped, global_norm = kata.clip_by_global_norm(grads, 1.0)
    assert len(clipped) == 2, f"clip_by_global_norm: expected 2 tensors back, got {len(clipped)}"
    norm = math.sqrt(38.0)
    assert_array(clipped[0], [2 / norm, 5 / norm], dtype=np.float32,
                 what="clipped [2, 5] (each tensor clipped by its own norm?)")
    assert_array(clipped[1], [3 / norm], dtype=np.float32,
                 what="clipped [3] (each tensor clipped by its own norm?)")
    assert_scalar(global_norm, norm, what="global norm of [2, 5] and [3] (sqrt(38))")


def test_clip_by_global_norm_returns_the_norm_before_clipping(kata):
    grads = [np.array([[3.0, 0.0]], np.float32), np.array([0.0, 4.0], np.float32)]
    clipped, global_norm = kata.clip_by_global_norm(grads, 2.0)
    assert_scalar(global_norm, 5.0,
                  what="global norm of [[3, 0]] and [0, 4] (the clipped norm 2 returned?)")
    assert_array(clipped[0], [[1.2, 0.0]], what="clipped [[3, 0]] (shape kept?)")
    assert_array(clipped[1], [0.0, 1.6], what="clipped [0, 4]")


def test_clip_by_global_norm_leaves_small_gradients_unchanged(kata):
    grads = [np.array([0.3], np.float32), np.array([[0.4]], np.float32)]
    clipped, global_norm = kata.clip_by_global_norm(grads, 25.0)
    assert_array(clipped[0], [0.3], what="clipped [0.3] under global norm 25 (scaled up?)")
    assert_array(clipped[1], [[0.4]], what="clipped [[0.4]] under global norm 25 (scaled up?)")
    assert_scalar(global_norm, 0.5, what="global norm of [0.3] and [[0.4]] (sum of norms?)")


@given(tensors=st.lists(float_arrays(small_shapes), min_size=1, max_size=3),
       clip_norm=st.floats(0.5, 20))
@example(tensors=[A, A[0]], clip_norm=5.0)
def test_clip_by_global_norm_matches_the_closed_form(kata, tensors, clip_norm):
    shapes = [t.shape for t in tensors]
    global_norm = math.sqrt(sum(float(np.sum(t.astype(np.float64) ** 2)) for t in tensors))
    scale = clip_norm / max(clip_norm, global_norm)
    clipped, norm = kata.clip_by_global_norm(tensors, clip_norm)
    assert_scalar(norm, global_norm, rtol=1e-5, atol=1e-5,
                  what=f"global norm of tensors of shapes {shapes}")
    assert len(clipped) == len(tensors), (
        f"clip_by_global_norm: expected {len(tensors)} tensors back, got {len(clipped)}"
    )
    for i, (got, t) in enumerate(zip(clipped, tensors, strict=True)):
        assert_array(got, t.astype(np.float64) * scale, rtol=1e-5, atol=1e-5,
                     what=f"clipped tensor {i} of shape {t.shape} (clip_norm={clip_norm})")
    flat = np.concatenate([to_numpy(c).ravel() for c in clipped] + [np.zeros(1)])
    assert np.linalg.norm(flat) <= clip_norm * (1 + 1e-5) + 1e-6, (
        f"clip_by_global_norm: the clipped tensors' global norm {np.linalg.norm(flat):.6g} "
        f"exceeds clip_norm {clip_norm}"
    )


def test_clip_by_global_norm_rejects_a_negative_clip_norm(kata):
    with assert_raises(ValueError, match="clip_norm"):
        kata.clip_by_global_norm([A], -1.0)


@pytest.mark.parametrize("single", [A, tf.constant(A)], ids=["array", "tensor"])
def test_clip_by_global_norm_rejects_a_single_tensor_instead_of_a_list(kata, single):
    """Iterating over one matrix would clip its rows as if they were separate gradients."""
    with assert_raises(TypeError, match="list"):
        kata.clip_by_global_norm(single, 1.0)

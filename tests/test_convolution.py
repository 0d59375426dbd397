"""Tests for the `convolution` kata: output sizes, a conv2d by hand, its kernel gradient, and
a Keras Conv2D layer's shape and parameter count.

Oracles: counting the window's positions with `range` (output sizes); `tf.nn.conv2d`, the
op the learner may not use, and a loop over windows written here in NumPy (conv2d);
TensorFlow's tape on `tf.nn.conv2d` and float64 central differences (gradients); a built
`keras.layers.Conv2D` (shapes and parameter counts).
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import example, given
from hypothesis import strategies as st

from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_no_ops,
    call_kata,
    gradient_of,
    numerical_gradient,
    to_numpy,
    weighted_gradient_of,
)

CONVOLUTION_OPS = {
    "Conv2D": "cut the windows with tf.image.extract_patches and use one tf.matmul",
    "Conv2DBackpropInput": "write the convolution with extract_patches and a matmul",
    "Conv2DBackpropFilter": "multiply the windows (transposed) by the output gradient",
    "DepthwiseConv2dNative": "write the convolution with extract_patches and a matmul",
    "Conv3D": "write the convolution with extract_patches and a matmul",
}


def _as_int(value, what: str) -> int:
    """A Python or NumPy integer (not a bool, not something that merely equals one)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise AssertionError(f"{what}: expected an int, got {type(value).__name__} {value!r:.80}")
    return int(value)


def _positions(size: int, kernel: int, stride: int, padding: str, dilation: int = 1) -> int:
    """The oracle: count the window's starting positions."""
    if padding == "SAME":
        return len(range(0, size, stride))
    span = (kernel - 1) * dilation + 1
    return len(range(0, size - span + 1, stride))


def _np_conv2d(x: np.ndarray, kernel: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """The oracle: a loop over the output pixels, in float64, padded by TensorFlow's rule."""
    n, h, w, _ = x.shape
    r, s, _, k = kernel.shape
    p, q = _positions(h, r, stride, padding), _positions(w, s, stride, padding)
    if padding == "SAME":
        pad_rows, pad_cols = max((p - 1) * stride + r - h, 0), max((q - 1) * stride + s - w, 0)
        x = np.pad(x, [(0, 0), (pad_rows // 2, pad_rows - pad_rows // 2),
                       (pad_cols // 2, pad_cols - pad_cols // 2), (0, 0)])
    out = np.zeros((n, p, q, k))
    for i in range(p):
        for j in range(q):
            window = x[:, i * stride:i * stride + r, j * stride:j * stride + s, :]
            out[:, i, j, :] = np.tensordot(window, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out


def _tf_gradients(x, kernel, weights, stride, padding):
    """d sum(weights * tf.nn.conv2d(x, kernel)) / d(x, kernel): TensorFlow's own answer."""
    x, kernel = tf.constant(x), tf.constant(kernel)
    with tf.GradientTape() as tape:
        tape.watch([x, kernel])
        total = tf.reduce_sum(tf.constant(weights) * tf.nn.conv2d(x, kernel, stride, padding))
    return [g.numpy() for g in tape.gradient(total, [x, kernel])]


@st.composite
def conv_cases(draw, max_side=9):
    """(x, kernel, stride, padding): 1-8 in and out channels, odd and even kernels."""
    padding = draw(st.sampled_from(["SAME", "VALID"]), label="padding")
    stride = draw(st.integers(1, 3), label="stride")
    rows, cols = draw(st.integers(1, 5), label="R"), draw(st.integers(1, 5), label="S")
    low_rows, low_cols = (rows, cols) if padding == "VALID" else (1, 1)
    height = draw(st.integers(low_rows, max(low_rows, max_side)), label="H")
    width = draw(st.integers(low_cols, max(low_cols, max_side)), label="W")
    batch = draw(st.integers(1, 3), label="N")
    channels, filters = draw(st.integers(1, 8), label="C"), draw(st.integers(1, 8), label="K")
    seed = draw(st.integers(0, 2**16), label="seed")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, height, width, channels))
    kernel = rng.normal(size=(rows, cols, channels, filters))
    return x, kernel, stride, padding


# --- conv_output_size ----------------------------------------------------------------------


def test_conv_output_size_of_the_notes_5x5_kernel_on_32_pixels(kata):
    """The notes say [b, 30, 30, N]: 30 is a 3x3 kernel's size. A 5x5 gives 28 or 32."""
    valid = _as_int(kata.conv_output_size(32, 5, 1, "VALID"), "conv_output_size(32, 5, 1, VALID)")
    assert valid == 28, f"conv_output_size(32, 5, 1, 'VALID'): expected 32 - 5 + 1 = 28 (not " \
                        f"the notes' 30), got {valid}"
    same = _as_int(kata.conv_output_size(32, 5, 1, "SAME"), "conv_output_size(32, 5, 1, SAME)")
    assert same == 32, f"conv_output_size(32, 5, 1, 'SAME'): expected 32 (SAME keeps the size " \
                       f"at stride 1), got {same}"


@pytest.mark.parametrize(("args", "expected", "why"), [
    ((7, 3, 2, "VALID"), 3, "floor((7 - 3) / 2) + 1"),
    ((8, 3, 2, "VALID"), 3, "floor((8 - 3) / 2) + 1: rounded down, not up"),
    ((7, 3, 2, "SAME"), 4, "ceil(7 / 2): rounded up, not down"),
    ((5, 3, 1, "SAME", 2), 5, "SAME ignores the kernel and the dilation"),
    ((9, 3, 1, "VALID", 2), 5, "the dilated kernel spans (3 - 1) * 2 + 1 = 5 pixels"),
    ((10, 3, 3, "VALID", 2), 2, "span 5, stride 3: floor((10 - 5) / 3) + 1"),
    ((4, 4, 1, "VALID"), 1, "a kernel as large as the input fits once"),
    ((1, 7, 5, "same"), 1, "padding in lower case"),
])
def test_conv_output_size_by_hand(kata, args, expected, why):
    got = _as_int(kata.conv_output_size(*args), f"conv_output_size{args}")
    assert got == expected, f"conv_output_size{args}: expected {expected} ({why}), got {got}"


@given(size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 4),
       dilation=st.integers(1, 3), padding=st.sampled_from(["SAME", "VALID"]))
def test_conv_output_size_counts_the_window_positions(kata, size, kernel, stride, dilation,
                                                      padding):
    if padding == "VALID" and (kernel - 1) * dilation + 1 > size:
        size = (kernel - 1) * dilation + 1  # keep the case valid: errors are tested below
    expected = _positions(size, kernel, stride, padding, dilation)
    args = (size, kernel, stride, padding, dilation)
    got = _as_int(kata.conv_output_size(*args), f"conv_output_size{args}")
    assert got == expected, f"conv_output_size{args}: expected {expected} positions, got {got}"


@given(size=st.integers(1, 16), kernel=st.integers(1, 5), stride=st.integers(1, 3),
       dilation=st.integers(1, 3), padding=st.sampled_from(["SAME", "VALID"]))
def test_conv_output_size_agrees_with_tf_nn_conv2d(kata, size, kernel, stride, dilation,
                                                   padding):
    if stride > 1:
        dilation = 1  # TensorFlow's CPU kernel takes a stride or a dilation, not both
    if padding == "VALID" and (kernel - 1) * dilation + 1 > size:
        size = (kernel - 1) * dilation + 1
    out = tf.nn.conv2d(tf.zeros([1, size, 1, 1]), tf.zeros([kernel, 1, 1, 1]), stride, padding,
                       dilations=dilation)
    args = (size, kernel, stride, padding, dilation)
    got = _as_int(kata.conv_output_size(*args), f"conv_output_size{args}")
    assert got == out.shape[1], f"conv_output_size{args}: tf.nn.conv2d's output has " \
                                f"{out.shape[1]} rows, got {got}"


@pytest.mark.parametrize(("args", "error", "match"), [
    ((0, 3, 1, "SAME"), ValueError, "size"),
    ((5, 0, 1, "SAME"), ValueError, "kernel"),
    ((5, 3, 0, "SAME"), ValueError, "stride"),
    ((5, 3, -1, "VALID"), ValueError, "stride"),
    ((5, 3, 1, "SAME", 0), ValueError, "dilation"),
    ((5, 3, 1, "FULL"), ValueError, "padding"),
    ((5, 3, 1, None), ValueError, "padding"),
    ((4, 5, 1, "VALID"), ValueError, "kernel"),
    ((6, 3, 1, "VALID", 3), ValueError, "kernel"),
    ((5.0, 3, 1, "SAME"), TypeError, "size"),
    ((5, 2.5, 1, "SAME"), TypeError, "kernel"),
    ((5, 3, 1.5, "SAME"), TypeError, "stride"),
    ((5, 3, True, "SAME"), TypeError, "stride"),
    ((5, 3, 1, "SAME", 1.0), TypeError, "dilation"),
], ids=["size 0", "kernel 0", "stride 0", "stride -1", "dilation 0", "padding FULL",
        "padding None", "kernel 5 on 4", "dilated span 7 on 6", "size 5.0", "kernel 2.5",
        "stride 1.5", "stride True", "dilation 1.0"])
def test_conv_output_size_rejects_bad_arguments(kata, args, error, match):
    with pytest.raises(error, match=match):
        kata.conv_output_size(*args)


def test_conv_output_size_takes_numpy_integers_and_any_case(kata):
    """NumPy integers are integers (sizes often come from an array's shape or arithmetic)."""
    args = (np.int64(7), np.int32(3), np.int64(2), "Valid", np.int64(1))
    try:
        got = _as_int(kata.conv_output_size(*args), "conv_output_size with NumPy integers")
    except TypeError as err:
        raise AssertionError(f"conv_output_size(np.int64(7), np.int32(3), np.int64(2), 'Valid'): "
                             f"NumPy integers are integers, got TypeError: {err} (checked "
                             "type(value) is int instead of numbers.Integral?)") from None
    assert got == 3, \
        f"conv_output_size(7, 3, 2, 'Valid') with NumPy integers: expected 3, got {got}"


# --- conv2d --------------------------------------------------------------------------------

# A 3x3 image and a 2x2 kernel that is not symmetric: a flipped kernel gives other numbers.
IMAGE = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
KERNEL = np.array([[1.0, 2.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)


def test_conv2d_valid_by_hand_is_a_cross_correlation(kata):
    """out[p, q] = x[p, q] + 2 x[p, q+1] - x[p+1, q+1]: the kernel is not flipped."""
    expected = np.array([[1 + 4 - 5, 2 + 6 - 6], [4 + 10 - 8, 5 + 12 - 9]],
                        dtype=np.float64).reshape(1, 2, 2, 1)
    assert_array(kata.conv2d(IMAGE, KERNEL, 1, "VALID"), expected, dtype=np.float64,
                 what="conv2d(3x3 image, 2x2 kernel [[1, 2], [0, -1]], VALID) (kernel flipped?)")


def test_conv2d_same_with_an_even_kernel_pads_the_extra_row_at_the_bottom(kata):
    """SAME with a 2x2 kernel adds one row and one column of zeros: after, not before."""
    expected = _np_conv2d(IMAGE, KERNEL, 1, "SAME")
    assert expected[0, 2, 2, 0] == 9.0, "oracle: the last window holds 9 and three zeros"
    assert_array(kata.conv2d(IMAGE, KERNEL, 1, "SAME"), expected, dtype=np.float64,
                 what="conv2d(3x3 image, 2x2 kernel, SAME): TensorFlow pads the extra row and "
                      "column at the bottom and right (padded at the top and left?)")


def test_conv2d_of_the_notes_channels_example(kata):
    """[1, 32, 32, 3] with N = 4 kernels of 5x5x3 gives [1, 28, 28, 4] (VALID), not 30."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 32, 32, 3)).astype(np.float32)
    kernel = rng.normal(size=(5, 5, 3, 4)).astype(np.float32)
    for padding, side in (("VALID", 28), ("SAME", 32)):
        expected = tf.nn.conv2d(x.astype(np.float64), kernel.astype(np.float64), 1, padding)
        assert_array(kata.conv2d(x, kernel, 1, padding), expected, dtype=np.float32,
                     rtol=1e-4, atol=1e-4,
                     what=f"conv2d([1, 32, 32, 3], kernel [5, 5, 3, 4], {padding}): "
                          f"[1, {side}, {side}, 4]")


@given(case=conv_cases())
@example(case=(IMAGE, KERNEL, 2, "SAME"))
@example(case=(np.ones((2, 6, 6, 8)), np.ones((4, 4, 8, 8)), 3, "VALID"))
def test_conv2d_matches_tf_nn_conv2d_on_drawn_shapes(kata, case):
    x, kernel, stride, padding = case
    expected = tf.nn.conv2d(x, kernel, stride, padding).numpy()
    got = kata.conv2d(x.astype(np.float32), kernel.astype(np.float32), stride, padding)
    assert_array(got, expected, dtype=np.float32, rtol=1e-4, atol=1e-4,
                 what=f"conv2d(x {x.shape}, kernel {kernel.shape}, stride={stride}, "
                      f"padding={padding!r}) against tf.nn.conv2d")


@given(case=conv_cases(max_side=6))
def test_conv2d_matches_a_loop_over_the_windows_in_float64(kata, case):
    x, kernel, stride, padding = case
    assert_array(kata.conv2d(x, kernel, stride, padding), _np_conv2d(x, kernel, stride, padding),
                 dtype=np.float64, rtol=1e-10, atol=1e-10,
                 what=f"conv2d(float64 x {x.shape}, kernel {kernel.shape}, stride={stride}, "
                      f"{padding}) against a loop over the windows")


@pytest.mark.parametrize("dtype", [
    tf.float16,
    # bfloat16 arrays (ml_dtypes) cannot cross the grader's wire: checked in a local run only.
    pytest.param(tf.bfloat16, marks=pytest.mark.in_process),
    tf.float32, tf.float64,
], ids=lambda d: d.name)
def test_conv2d_keeps_the_input_dtype(kata, dtype):
    """Small integers and sums under 256 are exact in every dtype: the result must be too."""
    rng = np.random.default_rng(1)
    x = rng.integers(-2, 3, size=(2, 5, 6, 3)).astype(np.float64)
    kernel = rng.integers(-1, 2, size=(3, 2, 3, 4)).astype(np.float64)
    for stride, padding in ((1, "SAME"), (2, "VALID")):
        got = kata.conv2d(tf.constant(x, dtype), tf.constant(kernel, dtype), stride, padding)
        what = f"conv2d of {dtype.name} tensors, stride {stride}, {padding}"
        if dtype == tf.bfloat16:  # NumPy has no bfloat16 of its own: check the tensor's dtype
            assert isinstance(got, tf.Tensor) and got.dtype == tf.bfloat16, \
                f"{what}: expected a bfloat16 tf.Tensor, got {type(got).__name__} {got!r:.80}"
            got = tf.cast(got, tf.float64)
        else:
            assert_dtype(got, dtype, what=what)
        assert_array(got, _np_conv2d(x, kernel, stride, padding), what=what)


def test_conv2d_casts_the_kernel_to_the_input_dtype(kata):
    got = kata.conv2d(IMAGE.astype(np.float32), KERNEL.astype(np.float64), 1, "valid")
    assert_array(got, _np_conv2d(IMAGE, KERNEL, 1, "VALID"), dtype=np.float32,
                 what="conv2d(float32 x, float64 kernel, padding 'valid' in lower case): the "
                      "result has x's dtype")


def test_conv2d_takes_an_integer_kernel_and_padding_in_any_case(kata):
    """The kernel may be of any real dtype: cast to x's, not rejected."""
    what = ("conv2d(float32 x, int32 kernel, padding 'Valid'): the kernel is cast to x's "
            "dtype (rejected an integer kernel, or a mixed-case padding?)")
    x, kernel = IMAGE.astype(np.float32), KERNEL.astype(np.int32)
    got = call_kata(what, kata.conv2d, x, kernel, 1, "Valid")
    assert_array(got, _np_conv2d(IMAGE, KERNEL, 1, "VALID"), dtype=np.float32, what=what)


def test_conv2d_of_an_empty_batch(kata):
    """Only the batch may be 0: the result is an empty batch of the right shape."""
    what = ("conv2d(x [0, 5, 4, 2], kernel [3, 2, 2, 3], stride 2, SAME): an empty batch of "
            "shape [0, 3, 2, 3] (rejected a batch of 0?)")
    got = call_kata(what, kata.conv2d, np.ones((0, 5, 4, 2), np.float32),
                np.ones((3, 2, 2, 3), np.float32), 2, "SAME")
    assert_array(got, np.zeros((0, 3, 2, 3)), dtype=np.float32, what=what)


def test_conv2d_works_inside_tf_function_without_a_convolution_op(kata):
    x = np.random.default_rng(2).normal(size=(2, 7, 7, 3)).astype(np.float32)
    kernel = np.random.default_rng(3).normal(size=(3, 3, 3, 5)).astype(np.float32)
    expected = tf.nn.conv2d(x.astype(np.float64), kernel.astype(np.float64), 2, "SAME")
    assert_array(kata.conv2d(x, kernel, 2, "SAME"), expected, rtol=1e-4, atol=1e-4,
                 what="conv2d([2, 7, 7, 3], [3, 3, 3, 5], stride 2, SAME)")
    for stride, padding in ((1, "SAME"), (2, "VALID")):
        assert_no_ops(kata.conv2d, (tf.constant(x), tf.constant(kernel), stride, padding),
                      CONVOLUTION_OPS, what=f"conv2d (stride {stride}, {padding})")


GRADIENT_CASES = [
    ((1, 5, 5, 2), (3, 3, 2, 3), 1, "SAME"), ((2, 6, 5, 3), (2, 3, 3, 2), 2, "SAME"),
    ((1, 7, 6, 2), (3, 2, 2, 2), 3, "VALID"), ((2, 4, 4, 1), (4, 4, 1, 3), 1, "VALID"),
]


@pytest.mark.parametrize(("x_shape", "kernel_shape", "stride", "padding"), GRADIENT_CASES)
def test_conv2d_gradients_match_tf_nn_conv2d_under_a_tape(kata, x_shape, kernel_shape, stride,
                                                          padding):
    rng = np.random.default_rng(4)
    x, kernel = rng.normal(size=x_shape), rng.normal(size=kernel_shape)
    out = _np_conv2d(x, kernel, stride, padding)
    weights = rng.normal(size=out.shape)
    expected_dx, expected_dkernel = _tf_gradients(x, kernel, weights, stride, padding)
    got = weighted_gradient_of(kata.conv2d, weights, x, kernel, stride=stride, padding=padding)
    what = f"of sum(w * conv2d(x {x_shape}, kernel {kernel_shape}, {stride}, {padding}))"
    assert got[0] is not None and got[1] is not None, \
        f"no gradient reaches x or the kernel {what}: use TensorFlow ops only (no NumPy)"
    assert_array(got[0], expected_dx, rtol=1e-8, atol=1e-8, what=f"the gradient w.r.t. x {what}")
    assert_array(got[1], expected_dkernel, rtol=1e-8, atol=1e-8,
                 what=f"the gradient w.r.t. the kernel {what}")


@pytest.mark.parametrize(("stride", "padding"), [(1, "SAME"), (2, "VALID")])
def test_conv2d_gradients_match_finite_differences(kata, stride, padding):
    rng = np.random.default_rng(5)
    x, kernel = rng.normal(size=(1, 5, 4, 2)), rng.normal(size=(3, 2, 2, 2))
    weights = rng.normal(size=_np_conv2d(x, kernel, stride, padding).shape)

    def loss(x_value, kernel_value):
        return float(np.sum(weights * to_numpy(kata.conv2d(x_value, kernel_value, stride,
                                                           padding))))

    d_x, d_kernel = weighted_gradient_of(kata.conv2d, weights, x, kernel, stride=stride,
                                         padding=padding)
    assert d_x is not None and d_kernel is not None, \
        "no gradient reaches x or the kernel: use TensorFlow ops only (no NumPy)"
    assert_array(d_x, numerical_gradient(lambda v: loss(v, kernel), x), rtol=1e-6, atol=1e-6,
                 what=f"d sum(w * conv2d) / dx (stride {stride}, {padding}) against central "
                      "differences")
    assert_array(d_kernel, numerical_gradient(lambda v: loss(x, v), kernel), rtol=1e-6,
                 atol=1e-6, what=f"d sum(w * conv2d) / dkernel (stride {stride}, {padding}) "
                                 "against central differences")


def test_conv2d_gradient_of_the_sum_counts_each_pixels_windows(kata):
    """d sum(conv2d(x, ones)) / dx[i, j]: how many windows hold pixel (i, j)."""
    x, kernel = np.zeros((1, 4, 4, 1)), np.ones((3, 3, 1, 1))
    d_x, _ = gradient_of(kata.conv2d, x, kernel, stride=1, padding="VALID")
    expected = np.array([[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]],
                        dtype=np.float64).reshape(1, 4, 4, 1)
    assert d_x is not None, "no gradient reaches x: use TensorFlow ops only (no NumPy)"
    assert_array(d_x, expected, what="d sum(conv2d(4x4 x, 3x3 ones, VALID)) / dx")


@pytest.mark.parametrize(("x_shape", "kernel_shape", "kwargs", "error", "match"), [
    ((3, 3, 1), (2, 2, 1, 1), {}, ValueError, "rank"),
    ((1, 3, 3, 1), (2, 2, 1), {}, ValueError, "rank"),
    ((1, 3, 3, 2), (2, 2, 3, 1), {}, ValueError, "channels"),
    ((1, 3, 3, 1), (2, 2, 1, 1), {"padding": "FULL"}, ValueError, "padding"),
    ((1, 3, 3, 1), (2, 2, 1, 1), {"stride": 0}, ValueError, "stride"),
    ((1, 3, 3, 1), (2, 2, 1, 1), {"stride": 1.5}, TypeError, "stride"),
    ((1, 3, 3, 1), (2, 2, 1, 1), {"stride": True}, TypeError, "stride"),
    ((1, 3, 3, 1), (4, 2, 1, 1), {"padding": "VALID"}, ValueError, "kernel"),
    ((1, 3, 3, 1), (2, 4, 1, 1), {"padding": "VALID"}, ValueError, "kernel"),
    ((1, 3, 3, 1), (0, 2, 1, 1), {}, ValueError, "size"),
    ((1, 3, 0, 1), (1, 1, 1, 1), {}, ValueError, "size"),
], ids=["x rank 3", "kernel rank 3", "channels 2 vs 3", "padding FULL", "stride 0",
        "stride 1.5", "stride True", "kernel rows 4 on 3 VALID", "kernel cols 4 on 3 VALID",
        "kernel 0 rows", "x width 0"])
def test_conv2d_rejects_bad_input(kata, x_shape, kernel_shape, kwargs, error, match):
    with pytest.raises(error, match=match):
        kata.conv2d(np.ones(x_shape, np.float32), np.ones(kernel_shape, np.float32), **kwargs)


def test_conv2d_rejects_an_integer_input(kata):
    with pytest.raises(TypeError):
        kata.conv2d(np.ones((1, 3, 3, 1), np.int32), np.ones((2, 2, 1, 1), np.float32))


# --- conv2d_kernel_gradient ----------------------------------------------------------------


@given(case=conv_cases(max_side=7))
@example(case=(IMAGE, KERNEL, 1, "SAME"))
def test_conv2d_kernel_gradient_matches_the_tape_on_tf_nn_conv2d(kata, case):
    x, kernel, stride, padding = case
    out_shape = tf.nn.conv2d(x, kernel, stride, padding).shape
    output_gradient = np.random.default_rng(6).normal(size=out_shape)
    _, expected = _tf_gradients(x, kernel, output_gradient, stride, padding)
    got = kata.conv2d_kernel_gradient(x, output_gradient, kernel.shape[:2], stride, padding)
    assert_array(got, expected, dtype=np.float64, rtol=1e-9, atol=1e-9,
                 what=f"conv2d_kernel_gradient(x {x.shape}, output gradient {out_shape}, "
                      f"kernel {kernel.shape[:2]}, stride {stride}, {padding}) against "
                      "tf.nn.conv2d's gradient under a tape")


def test_conv2d_kernel_gradient_by_hand_and_without_the_builtin(kata):
    """Gradient of sum(conv2d(x, k)) with a 2x2 kernel, VALID: each weight sees 4 pixels."""
    expected = np.array([[1 + 2 + 4 + 5, 2 + 3 + 5 + 6], [4 + 5 + 7 + 8, 5 + 6 + 8 + 9]],
                        dtype=np.float32).reshape(2, 2, 1, 1)
    x, ones = IMAGE.astype(np.float32), np.ones((1, 2, 2, 1), np.float32)
    assert_array(kata.conv2d_kernel_gradient(x, ones, 2, 1, "VALID"), expected,
                 dtype=np.float32, what="conv2d_kernel_gradient(3x3 image, ones, 2, VALID)")
    assert_array(kata.conv2d_kernel_gradient(x, ones, (2, 2), 1, "VALID"), expected,
                 dtype=np.float32, what="conv2d_kernel_gradient with kernel_size (2, 2)")
    assert_no_ops(kata.conv2d_kernel_gradient, (tf.constant(x), tf.constant(ones), 2, 1, "VALID"),
                  CONVOLUTION_OPS, what="conv2d_kernel_gradient")


@pytest.mark.parametrize(("x_dtype", "gradient_dtype"), [(np.float32, np.float64),
                                                          (np.float64, np.float32)])
def test_conv2d_kernel_gradient_casts_the_output_gradient_to_x_dtype(kata, x_dtype,
                                                                      gradient_dtype):
    rng = np.random.default_rng(7)
    x, output_gradient = rng.normal(size=(2, 5, 4, 3)), rng.normal(size=(2, 3, 2, 2))
    _, expected = _tf_gradients(x, np.zeros((3, 2, 3, 2)), output_gradient, 2, "SAME")
    what = (f"conv2d_kernel_gradient({np.dtype(x_dtype).name} x, "
            f"{np.dtype(gradient_dtype).name} output gradient): the result has x's dtype "
            "(output gradient not cast to x's dtype, or x cast to its?)")
    got = call_kata(what, kata.conv2d_kernel_gradient, x.astype(x_dtype),
                output_gradient.astype(gradient_dtype), (3, 2), 2, "SAME")
    assert_array(got, expected, dtype=x_dtype, rtol=1e-4, atol=1e-4, what=what)


@pytest.mark.parametrize(("x_shape", "grad_shape", "args", "error", "match"), [
    ((3, 3, 1), (1, 2, 2, 1), (2, 1, "VALID"), ValueError, "rank"),
    ((1, 3, 3, 1), (1, 3, 3, 1), (2, 1, "VALID"), ValueError, "shape"),
    ((1, 3, 3, 1), (2, 2, 2, 1), (2, 1, "VALID"), ValueError, "shape"),
    ((1, 3, 3, 1), (2, 2, 1), (2, 1, "VALID"), ValueError, "shape"),
    ((1, 3, 3, 1), (1, 2, 2, 1), (0, 1, "VALID"), ValueError, "kernel"),
    ((1, 3, 3, 1), (1, 1, 1, 1), (4, 1, "VALID"), ValueError, "kernel"),
    ((1, 3, 3, 1), (1, 2, 2, 1), (2, 0, "VALID"), ValueError, "stride"),
    ((1, 3, 3, 1), (1, 2, 2, 1), (2, 1, "FULL"), ValueError, "padding"),
    ((1, 3, 3, 1), (1, 2, 2, 1), (2.0, 1, "VALID"), TypeError, "kernel"),
    ((1, 3, 3, 1), (1, 2, 2, 1), (2, 1.5, "VALID"), TypeError, "stride"),
], ids=["x rank 3", "gradient of SAME's shape", "batch 2 vs 1", "gradient rank 3",
        "kernel 0", "kernel 4 on 3 VALID", "stride 0", "padding FULL", "kernel_size 2.0",
        "stride 1.5"])
def test_conv2d_kernel_gradient_rejects_bad_input(kata, x_shape, grad_shape, args, error, match):
    with pytest.raises(error, match=match):
        kata.conv2d_kernel_gradient(np.ones(x_shape, np.float32), np.ones(grad_shape, np.float32),
                                    *args)


def test_conv2d_kernel_gradient_rejects_an_integer_input(kata):
    with pytest.raises(TypeError):
        kata.conv2d_kernel_gradient(np.ones((1, 3, 3, 1), np.int32),
                                    np.ones((1, 2, 2, 1), np.float32), 2, 1, "VALID")


# --- a Keras Conv2D layer: output shape and parameter count -------------------------------


def test_conv2d_layer_output_shape_of_the_notes_example(kata):
    """The notes' [b, 30, 30, N] for 5x5 kernels on [b, 32, 32, 3]: 28 (valid) or 32 (same)."""
    for padding, side in (("valid", 28), ("same", 32)):
        got = kata.conv2d_layer_output_shape((None, 32, 32, 3), 4, 5, 1, padding)
        assert isinstance(got, tuple) and len(got) == 4, \
            f"conv2d_layer_output_shape: expected a tuple of 4, got {got!r:.80}"
        assert got[0] is None and [_as_int(d, "a size") for d in got[1:]] == [side, side, 4], \
            f"Conv2D(4, 5, padding={padding!r}) on (None, 32, 32, 3): expected (None, {side}, " \
            f"{side}, 4) (the notes' 30 is wrong), got {got}"


@given(height=st.integers(5, 40), width=st.integers(5, 40), channels=st.integers(1, 8),
       filters=st.integers(1, 16), kernel=st.tuples(st.integers(1, 5), st.integers(1, 5)),
       strides=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.sampled_from(["valid", "same"]), batch=st.sampled_from([None, 1, 7]))
def test_conv2d_layer_output_shape_matches_keras(kata, height, width, channels, filters,
                                                 kernel, strides, padding, batch):
    layer = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding)
    expected = layer.compute_output_shape((batch, height, width, channels))
    got = kata.conv2d_layer_output_shape((batch, height, width, channels), filters, kernel,
                                         strides, padding)
    what = (f"conv2d_layer_output_shape(({batch}, {height}, {width}, {channels}), {filters}, "
            f"{kernel}, {strides}, {padding!r})")
    assert isinstance(got, tuple) and len(got) == 4, \
        f"{what}: expected a tuple of 4, got {got!r:.80}"
    sizes = [None if d is None else _as_int(d, what) for d in got]
    assert tuple(sizes) == tuple(expected), f"{what}: expected {tuple(expected)} (Keras), got {got}"


@pytest.mark.parametrize(("args", "error"), [
    (((32, 32, 3), 4, 5), ValueError),
    (((None, 32, 32, 3), 0, 5), ValueError),
    (((None, 32, 32, 3), 4, 0), ValueError),
    (((None, 32, 32, 3), 4, 5, 0), ValueError),
    (((None, 32, 32, 3), 4, 5, 1, "full"), ValueError),
    (((None, 4, 32, 3), 4, 5, 1, "valid"), ValueError),
    (((None, 32, 32, 0), 4, 5), ValueError),
    (((None, 0, 32, 3), 4, 5, 1, "same"), ValueError),
    (((None, 32, 32, 3), 4, 2.5), TypeError),
    (((None, 32.0, 32, 3), 4, 5), TypeError),
], ids=["3 entries", "filters 0", "kernel 0", "strides 0", "padding full", "kernel 5 on 4",
        "channels 0", "height 0", "kernel 2.5", "height 32.0"])
def test_conv2d_layer_output_shape_rejects_bad_arguments(kata, args, error):
    with pytest.raises(error):
        kata.conv2d_layer_output_shape(*args)


def test_conv2d_parameter_count_of_the_notes_layer(kata):
    """Conv2D(4, 5) on RGB: 5 * 5 * 3 * 4 weights and 4 biases, whatever the image size."""
    got = _as_int(kata.conv2d_parameter_count(3, 4, 5), "conv2d_parameter_count(3, 4, 5)")
    assert got == 304, f"conv2d_parameter_count(3, 4, 5): expected 5*5*3*4 + 4 = 304, got {got}" \
                       f"{' (bias forgotten?)' if got == 300 else ''}"
    got = _as_int(kata.conv2d_parameter_count(3, 4, 5, use_bias=False), "without bias")
    assert got == 300, f"conv2d_parameter_count(3, 4, 5, use_bias=False): expected 300, got {got}"


@given(channels=st.integers(1, 16), filters=st.integers(1, 16),
       kernel=st.tuples(st.integers(1, 7), st.integers(1, 7)), use_bias=st.booleans())
def test_conv2d_parameter_count_matches_keras(kata, channels, filters, kernel, use_bias):
    layer = keras.layers.Conv2D(filters, kernel, use_bias=use_bias)
    layer.build((None, 9, 9, channels))
    got = _as_int(kata.conv2d_parameter_count(channels, filters, kernel, use_bias),
                  "conv2d_parameter_count")
    assert got == layer.count_params(), \
        f"conv2d_parameter_count({channels}, {filters}, {kernel}, use_bias={use_bias}): " \
        f"expected {layer.count_params()} (Keras' count_params), got {got}"


@pytest.mark.parametrize(("args", "error"), [
    ((0, 4, 3), ValueError), ((3, 0, 3), ValueError), ((3, 4, 0), ValueError),
    ((3, 4, (3, 0)), ValueError), ((3, 4, 2.5), TypeError), ((3.0, 4, 3), TypeError),
], ids=["in_channels 0", "filters 0", "kernel 0", "kernel (3, 0)", "kernel 2.5",
        "in_channels 3.0"])
def test_conv2d_parameter_count_rejects_bad_arguments(kata, args, error):
    with pytest.raises(error):
        kata.conv2d_parameter_count(*args)


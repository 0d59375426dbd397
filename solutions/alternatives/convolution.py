"""An alternative correct solution of the `convolution` kata, in another style: the padding
is written out with `tf.pad`, and conv2d is a sum over the R*S kernel taps of a strided
slice of the padded input times that tap's [C, K] matrix (no extract_patches). It must pass
every test of tests/test_convolution.py, which shows the tests accept either form the
docstring allows.

The reference's docstring follows.

Convolution by hand: output sizes, a conv2d as one matrix product, its kernel gradient,
and what a Keras Conv2D layer holds.

From the notes: 卷积神经网络 › 卷积, Padding & Stride, Channels, Gradient.

A convolution slides one small kernel over the image (局部连接, weight sharing): every output
pixel is the sum of a window of the input times the kernel, plus a bias. You first count
where the window fits (the output size, for SAME and VALID padding, a stride and a
dilation), then write `conv2d` yourself without TensorFlow's convolution op: cut the input
into its windows (im2col, `tf.image.extract_patches`) and multiply the `[windows, R*S*C]`
matrix by the kernel reshaped to `[R*S*C, K]` — one matmul for the whole batch, the form
every fast convolution library builds on. The notes' Gradient section says the gradient of
the loss with respect to a kernel weight is a sum of inputs times output gradients: with
the same windows it is another single matmul. Last, a Keras `Conv2D` layer's output shape
and parameter count in closed form.

Two things in the notes are off. The Channels example says a 5x5 kernel on a 32x32 image
gives `[b, 30, 30, N]`: it gives 28x28 with VALID padding (32 - 5 + 1) and 32x32 with SAME,
never 30 (that is a 3x3 kernel). And the notes write a kernel as `[N, 3, 5, 5]` (filters,
channels, height, width): TensorFlow's layout is `[height, width, in_channels, filters]`,
`[5, 5, 3, N]`. `layers.Conv2D(4, kernel_size=5, stride=1, padding='samd')` fails too: the
keyword is `strides` and the padding `'same'` (ERRATA.md). What deep learning calls a
convolution is a cross-correlation: the kernel is not flipped, unlike the notes' integral.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
PADDINGS = ("SAME", "VALID")


def conv_output_size(size: int, kernel: int, stride: int, padding: str, dilation: int = 1) -> int:
    """How many positions a kernel takes along one dimension: the output's size there.

    Notes (Padding & Stride): "Padding: 把输入层扩大(虚的)然后扫描后就能得到维度与输入相等的
    输出; Stride: 把扫描的步长加大,就能减少输出的维度". With a dilation `d` the kernel's taps
    are `d` apart, so it spans `(kernel - 1) * d + 1` pixels.

    - `"VALID"` (no padding): the window must fit inside the input,
      `floor((size - span) / stride) + 1`, where `span = (kernel - 1) * dilation + 1`.
    - `"SAME"` (zeros added around the input, as TensorFlow does): `ceil(size / stride)`,
      whatever the kernel (equal to `size` at stride 1).

    `padding` is `"SAME"` or `"VALID"` in any case (Keras writes `"same"`). The notes' 5x5
    kernel on 32 pixels gives 28 (VALID) or 32 (SAME), not the notes' 30.

    Returns a Python int.

    Raises TypeError when `size`, `kernel`, `stride` or `dilation` is not an integer (bool
    included); ValueError when one of them is below 1 (the message names it), when `padding`
    is not SAME or VALID (with "padding"), and for VALID when the kernel's span is larger
    than `size` (with "kernel": it fits nowhere).
    """
    size = _positive_int(size, "size")
    kernel = _positive_int(kernel, "kernel")
    stride = _positive_int(stride, "stride")
    dilation = _positive_int(dilation, "dilation")
    padding = _padding_name(padding)
    span = (kernel - 1) * dilation + 1
    if padding == "VALID" and span > size:
        raise ValueError(f"a kernel spanning {span} pixels does not fit in {size} pixels with "
                         "VALID padding")
    reach = size if padding == "SAME" else size - span + 1  # where a window may start
    return -(-reach // stride)


def conv2d(x: ArrayLike, kernel: ArrayLike, stride: int = 1, padding: str = "SAME") -> tf.Tensor:
    """A 2-D convolution by hand, as `tf.nn.conv2d(x, kernel, stride, padding)` computes it.

    Notes (卷积, Channels): `y(t) = ∫ x(τ) h(t - τ) dτ`; "设输入是[1, 32, 32, 3] ... 我们的一个
    卷积核可以是[3, 5, 5] ... 如果使用多个核如[N, 3, 5, 5] 那就能得到 ... [b, 30, 30, N]" —
    the output is `[b, 28, 28, N]` (VALID) or `[b, 32, 32, N]` (SAME), and TensorFlow's
    kernel is `[5, 5, 3, N]`. As in TensorFlow, the kernel is not flipped (a
    cross-correlation): `out[n, p, q, k] = Σ_{i, j, c} xpad[n, p*stride + i, q*stride + j, c]
    * kernel[i, j, c, k]`, where `xpad` is `x` with zeros around it for SAME (TensorFlow's
    rule: `max((P - 1) * stride + R - H, 0)` rows in all, the extra one at the bottom when the
    total is odd; the same for columns).

    `x`: `[N, H, W, C]` (NHWC), a floating dtype (float16, bfloat16, float32 or float64);
    `kernel`: `[R, S, C, K]` (height, width, input channels, output channels), any real dtype,
    cast to `x`'s; `stride`: a positive int, the same along height and width; `padding`:
    `"SAME"` or `"VALID"` in any case. Shapes must be static (known when traced).

    Returns a `tf.Tensor` `[N, P, Q, K]` of `x`'s dtype, with `P = conv_output_size(H, R,
    stride, padding)` and `Q` likewise for `W` and `S`. It is differentiable with respect to
    both `x` and `kernel`, and works inside `tf.function`.

    Write it vectorised, in one of these forms: im2col, `tf.image.extract_patches` cutting
    every window at once, then ONE matmul (or einsum) of the `[N*P*Q, R*S*C]` windows by the
    kernel reshaped to `[R*S*C, K]`; or `tf.pad` and, for each of the R*S kernel taps, a
    strided slice of the padded input times that tap's `[C, K]` matrix, summed. No Python loop
    over pixels or batch rows, and no TensorFlow convolution: the tests trace the function
    and reject the `Conv2D`, `Conv2DBackpropInput` and `DepthwiseConv2dNative` ops.

    Raises TypeError when `x` is not floating point, or `stride` is not an integer (bool
    included). Raises ValueError (before TensorFlow is called) when `x` or `kernel` is not
    4-D (with "rank"), a dimension of either other than the batch is 0 or unknown, `x`'s
    channels differ from the kernel's input channels (with "channels"), `padding` is not SAME
    or VALID (with "padding"), `stride < 1` (with "stride"), or, for VALID, the kernel is
    larger than the input (with "kernel").
    """
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"conv2d: x must be floating point, got {x.dtype.name}")
    kernel = tf.convert_to_tensor(kernel)
    stride = _positive_int(stride, "stride")
    padding = _padding_name(padding)
    _check_shapes(x, kernel.shape)
    rows, cols, channels, filters = kernel.shape
    out_rows = conv_output_size(x.shape[1], rows, stride, padding)
    out_cols = conv_output_size(x.shape[2], cols, stride, padding)
    kernel = tf.cast(kernel, x.dtype)
    padded = _pad(x, rows, cols, out_rows, out_cols, stride)
    out = None
    for i in range(rows):  # one matmul per kernel tap: R*S of them, never one per pixel
        for j in range(cols):
            tap = _tap(padded, i, j, out_rows, out_cols, stride)
            term = tf.einsum("npqc,ck->npqk", tap, kernel[i, j])
            out = term if out is None else out + term
    return out


def conv2d_kernel_gradient(x: ArrayLike, output_gradient: ArrayLike,
                           kernel_size: int | Sequence[int], stride: int = 1,
                           padding: str = "SAME") -> tf.Tensor:
    """The gradient of a loss with respect to a conv2d's kernel, by hand.

    Notes (Gradient): `O_mn = Σ x_ij * w_ij + b`, `∂Loss/∂w_ij`. Every output pixel used every
    kernel weight once, so the chain rule sums over the output pixels:
    `∂Loss/∂kernel[i, j, c, k] = Σ_{n, p, q} xpad[n, p*stride + i, q*stride + j, c] *
    output_gradient[n, p, q, k]`, with `xpad` padded as in `conv2d`. With the windows of
    `conv2d` as a matrix `[N*P*Q, R*S*C]`, it is windowsᵀ @ output_gradient `[N*P*Q, K]`:
    one matmul, then a reshape to `[R, S, C, K]`.

    `x`: `[N, H, W, C]`, floating point; `output_gradient`: `∂Loss/∂out`, `[N, P, Q, K]`, the
    shape of `conv2d(x, kernel, stride, padding)`'s output, cast to `x`'s dtype;
    `kernel_size`: `R` for an `R x R` kernel or a pair `(R, S)`; `stride`, `padding` as in
    `conv2d`.

    Returns a `tf.Tensor` `[R, S, C, K]` of `x`'s dtype: what
    `tape.gradient(tf.reduce_sum(output_gradient * tf.nn.conv2d(x, kernel, stride, padding)),
    kernel)` gives, for any kernel (the convolution is linear in it). No TensorFlow
    convolution op or its gradient (`Conv2DBackpropFilter`) may be used.

    Raises TypeError as `conv2d` does (x not floating, stride not an integer, kernel_size not
    an int or a pair of ints). Raises ValueError when `x` is not 4-D (with "rank"), a size in
    `kernel_size` is below 1 (with "kernel"), `padding` or `stride` is bad as in `conv2d`, the
    kernel does not fit a VALID input (with "kernel"), or `output_gradient`'s shape is not
    `[N, P, Q, K]` for those settings (with "shape").
    """
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"conv2d_kernel_gradient: x must be floating point, got {x.dtype.name}")
    rows, cols = _pair(kernel_size, "kernel_size")
    stride = _positive_int(stride, "stride")
    padding = _padding_name(padding)
    output_gradient = tf.convert_to_tensor(output_gradient)
    _check_shapes(x, (rows, cols, x.shape[-1] if x.shape.rank else None, 1))
    expected = (x.shape[0], conv_output_size(x.shape[1], rows, stride, padding),
                conv_output_size(x.shape[2], cols, stride, padding))
    if output_gradient.shape.rank != 4 or tuple(output_gradient.shape[:3]) != expected:
        raise ValueError(f"output_gradient must have shape [{', '.join(map(str, expected))}, K] "
                         f"(the conv2d output's), got {output_gradient.shape}")
    upstream = tf.cast(output_gradient, x.dtype)
    padded = _pad(x, rows, cols, expected[1], expected[2], stride)
    taps = [[tf.einsum("npqc,npqk->ck", _tap(padded, i, j, expected[1], expected[2], stride),
                       upstream) for j in range(cols)] for i in range(rows)]
    return tf.stack([tf.stack(row) for row in taps])


def conv2d_layer_output_shape(input_shape: Sequence[int | None], filters: int,
                              kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1,
                              padding: str = "valid") -> tuple[int | None, int, int, int]:
    """The output shape of `keras.layers.Conv2D(filters, kernel_size, strides, padding)`.

    Notes (Padding & Stride): `layers.Conv2D(4, kernel_size=5, stride=1, padding='samd')` — the
    keyword is `strides` and the padding `'same'` (the notes' line raises; ERRATA.md). Keras'
    default padding is `'valid'`.

    `input_shape`: `(batch, height, width, channels)`, the batch possibly None (it passes
    through unchanged); `kernel_size`, `strides`: an int or a pair (rows, columns).

    Returns a tuple `(batch, out_height, out_width, filters)` of Python ints (the batch as
    given, None included), each spatial size from `conv_output_size`. The notes' 5x5 kernel on
    `(b, 32, 32, 3)` gives `(b, 28, 28, N)` with `'valid'`, `(b, 32, 32, N)` with `'same'`.

    Raises ValueError when `input_shape` does not have 4 entries (with "input_shape"), a
    spatial size or the channels, `filters`, a kernel size or a stride is below 1, `padding`
    is not same or valid, or the kernel does not fit a valid input (with "kernel").
    TypeError for a non-integer size.
    """
    shape = tuple(input_shape)
    if len(shape) != 4:
        raise ValueError(f"input_shape must be (batch, height, width, channels), got {shape}")
    batch = shape[0]
    height, width, channels = (_positive_int(s, "input_shape") for s in shape[1:])
    del channels  # checked: any positive number of input channels gives the same shape
    filters = _positive_int(filters, "filters")
    rows, cols = _pair(kernel_size, "kernel_size")
    row_stride, col_stride = _pair(strides, "strides")
    return (batch, conv_output_size(height, rows, row_stride, padding),
            conv_output_size(width, cols, col_stride, padding), filters)


def conv2d_parameter_count(in_channels: int, filters: int, kernel_size: int | Sequence[int],
                           use_bias: bool = True) -> int:
    """How many numbers a `keras.layers.Conv2D(filters, kernel_size)` layer learns.

    Notes (卷积神经网络): "对于相同的层如(RGB),每次扫描的观察方式(卷积核)是一样的(weight
    sharing), 所以学习的时候就大大减少了参数量" — the count does not depend on the image size:
    each of the `filters` kernels has `R * S * in_channels` weights, plus one bias each
    (when `use_bias`): `R * S * in_channels * filters + filters`.

    `kernel_size`: an int or a pair (R, S). Returns a Python int (`count_params()` of the
    built layer).

    Raises TypeError for a non-integer size; ValueError when `in_channels`, `filters` or a
    kernel size is below 1.
    """
    in_channels = _positive_int(in_channels, "in_channels")
    filters = _positive_int(filters, "filters")
    rows, cols = _pair(kernel_size, "kernel_size")
    return rows * cols * in_channels * filters + (filters if use_bias else 0)


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def _pair(value, name: str) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
        return _positive_int(value[0], name), _positive_int(value[1], name)
    size = _positive_int(value, name)
    return size, size


def _padding_name(padding) -> str:
    if not isinstance(padding, str) or padding.upper() not in PADDINGS:
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding.upper()


def _check_shapes(x: tf.Tensor, kernel_shape) -> None:
    kernel_shape = tf.TensorShape(kernel_shape)
    if x.shape.rank != 4 or kernel_shape.rank != 4:
        raise ValueError(f"conv2d needs x of rank 4 [N, H, W, C] and a kernel of rank 4 "
                         f"[R, S, C, K], got shapes {x.shape} and {kernel_shape}")
    sizes = [*x.shape[1:], *kernel_shape]
    if any(size is None or size < 1 for size in sizes):
        raise ValueError(f"conv2d needs known, non-zero sizes, got x {x.shape} and kernel "
                         f"{kernel_shape}")
    if x.shape[3] != kernel_shape[2]:
        raise ValueError(f"x has {x.shape[3]} channels but the kernel [R, S, C, K] "
                         f"{kernel_shape} expects {kernel_shape[2]} input channels")


def _pad(x: tf.Tensor, rows: int, cols: int, out_rows: int, out_cols: int,
         stride: int) -> tf.Tensor:
    """x with TensorFlow's SAME zeros around it (none for VALID: then the total is <= 0)."""
    pad_rows = max((out_rows - 1) * stride + rows - x.shape[1], 0)
    pad_cols = max((out_cols - 1) * stride + cols - x.shape[2], 0)
    return tf.pad(x, [[0, 0], [pad_rows // 2, pad_rows - pad_rows // 2],
                      [pad_cols // 2, pad_cols - pad_cols // 2], [0, 0]])


def _tap(padded: tf.Tensor, i: int, j: int, out_rows: int, out_cols: int,
         stride: int) -> tf.Tensor:
    """The pixels kernel tap (i, j) meets: padded[:, i + stride*p, j + stride*q, :]."""
    return padded[:, i:i + stride * (out_rows - 1) + 1:stride,
                  j:j + stride * (out_cols - 1) + 1:stride, :]

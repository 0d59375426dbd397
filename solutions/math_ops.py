"""Tensor arithmetic: element-wise ops, batched matrix products, reductions and `x@w+b`.

From the notes: Tensotflow › 基本操作 › 数学运算.

The notes sort TensorFlow's arithmetic into three kinds, and so does this kata. Element-wise
(`+ - * /`): two tensors of one shape, each entry combined with the entry at the same place.
Matrix-wise (`@`, `tf.matmul`): the last two dimensions of each operand are matrices and every
leading dimension is a batch, so `[b,3,4]@[b,4,5]` is b products `[3,4]@[4,5] = [3,5]` done at
once. Dimension-wise (`reduce_sum/mean/max/min`): collapse the chosen axes, and learn that
`tf.reduce_mean` of integers truncates. Last, the layer every network is built from:
`x@w + b`, a matrix product plus a bias broadcast over the batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

ELEMENTWISE_OPS = ("+", "-", "*", "/")
REDUCTIONS = ("sum", "mean", "max", "min")


def elementwise(a: ArrayLike, b: ArrayLike, op: str) -> tf.Tensor:
    """`a op b`, entry by entry, for `op` one of "+", "-", "*", "/".

    Notes (数学运算): `# element-wise: +-*/  # shape一样，对应元素运算` — the two tensors have
    the same shape and each entry of the result combines the entries at the same position.
    `"*"` is the element-wise product, not the matrix product (that is `batched_matmul`);
    `"-"` is `a - b` and `"/"` is `a / b`, in that order.

    `a`, `b`: tensors, arrays or nested lists of one shape and one dtype (TensorFlow does not
    promote int32 to float32 for you). Returns a `tf.Tensor` of that shape. "+", "-" and "*"
    keep the dtype; "/" is true division, so integers give a float tensor (`[7, -7] / [2, 2]`
    is `[3.5, -3.5]`, not the floor division `[3, -4]`), and floats keep their dtype (float64
    stays float64).

    Raises ValueError (with "shape" in the message) when the shapes differ — broadcasting is
    the Broadcasting kata's business; here a `[2, 3]` and a `[3]` are a mistake — and
    ValueError (with "op" in the message) for any other `op`.
    """
    if op not in ELEMENTWISE_OPS:
        raise ValueError(f"elementwise: op must be one of {ELEMENTWISE_OPS}, got {op!r}")
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    if a.shape != b.shape:
        raise ValueError(
            f"elementwise: a and b must have the same shape, got {tuple(a.shape)} and "
            f"{tuple(b.shape)}"
        )
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b


def batched_matmul(a: ArrayLike, b: ArrayLike) -> tf.Tensor:
    """The matrix product of the last two dimensions, for every batch index at once.

    Notes (数学运算): `# matrix-wise: @,matmul  # 如 [b,3,4]@[b,4,5]  # 相当于把后两个当成矩阵然后
    来运算[3,4]*[4,5] = [3,5]  # 相当于一下子b个矩阵相乘`.

    `a`: shape `[..., n, k]`; `b`: shape `[..., k, m]`, both of rank >= 2 and one float or
    int dtype. The leading (batch) dimensions are matched as NumPy's `matmul` matches them:
    aligned from the right, a 1 (or a missing dimension) stretches to the other's size. So
    `[b, 3, 4] @ [b, 4, 5]` gives `[b, 3, 5]`, with `result[i] = a[i] @ b[i]`, and `[2, 3, 4] @
    [4, 5]` multiplies each of the two matrices by the one `[4, 5]`.

    Returns a `tf.Tensor` of `a`'s dtype and shape `[...batch, n, m]`.

    Raises ValueError with "rank" in the message when an operand has fewer than 2 dimensions,
    with "inner" when a's last dimension (k) is not b's second-to-last, and with "batch" when
    the batch dimensions cannot be matched (`[2, 3, 4] @ [3, 4, 5]`). (`tf.matmul` raises
    `InvalidArgumentError` for these, which is not a ValueError: check first.)
    """
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    for name, operand in (("a", a), ("b", b)):
        if operand.shape.rank is not None and operand.shape.rank < 2:
            raise ValueError(
                f"batched_matmul: {name} must have rank >= 2 ([..., rows, columns]), got shape "
                f"{tuple(operand.shape)}"
            )
    if a.shape.rank is not None and b.shape.rank is not None:
        k_a, k_b = a.shape[-1], b.shape[-2]
        if k_a is not None and k_b is not None and k_a != k_b:
            raise ValueError(
                f"batched_matmul: inner dimensions differ: a is {tuple(a.shape)} (k = {k_a}), "
                f"b is {tuple(b.shape)} (k = {k_b})"
            )
        try:
            tf.broadcast_static_shape(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError(
                f"batched_matmul: batch dimensions {tuple(a.shape[:-2])} and "
                f"{tuple(b.shape[:-2])} cannot be broadcast together"
            ) from None
    return tf.matmul(a, b)


def reduce(
    x: ArrayLike, op: str, axis: int | Sequence[int] | None = None, keepdims: bool = False
) -> tf.Tensor:
    """`x` reduced over `axis` by `op`: one of "sum", "mean", "max", "min".

    Notes (数学运算): `# dim-wise: reduce_mean/max/min/sum`.

    `axis`: None (every axis: the result is a single number), an int, or a list/tuple of
    distinct ints; negative axes count from the end. The reduced axes disappear from the
    shape, or stay with size 1 when `keepdims` is true (handy for `x - mean`).

    Returns a `tf.Tensor`. "sum", "max" and "min" keep `x`'s dtype. "mean" of an integer
    tensor is a float tensor (float32 or float64), the true mean: `tf.reduce_mean([1, 2])`
    alone gives the integer 1, so cast first; "mean" of a float tensor keeps its dtype.

    Raises ValueError with "op" in the message for an unknown `op`, and with "axis" when an
    axis is out of range (`-rank <= axis < rank`) or named twice (0 and -2 of a matrix).
    """
    if op not in REDUCTIONS:
        raise ValueError(f"reduce: op must be one of {REDUCTIONS}, got {op!r}")
    x = tf.convert_to_tensor(x)
    axes = None if axis is None else _checked_axes(axis, x.shape.rank, "reduce")
    if op == "sum":
        return tf.reduce_sum(x, axis=axes, keepdims=keepdims)
    if op == "max":
        return tf.reduce_max(x, axis=axes, keepdims=keepdims)
    if op == "min":
        return tf.reduce_min(x, axis=axes, keepdims=keepdims)
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float64)
    return tf.reduce_mean(x, axis=axes, keepdims=keepdims)


def _checked_axes(axis: int | Sequence[int], rank: int, caller: str) -> list[int]:
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    normalised = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not -rank <= a < rank:
            raise ValueError(
                f"{caller}: axis {a!r} is out of range for a tensor of rank {rank} "
                f"(valid: {-rank} .. {rank - 1})"
            )
        normalised.append(int(a) % rank)
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{caller}: axis {axis!r} names the same axis twice")
    return normalised


def dense_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike) -> tf.Tensor:
    """A fully connected layer without activation: `x @ w + b`.

    Notes (手写数字识别, 数学运算 and Broadcasting): `h1 = x@w1 + b1` — `b` is one-dimensional
    but is added to every row of `x@w`: that is broadcasting.

    `x`: shape `[batch, in]`; `w`: shape `[in, out]`; `b`: shape `[out]`, one dtype. Returns
    a `tf.Tensor` of that dtype and shape `[batch, out]`: row i is `x[i] @ w + b`.

    Raises ValueError (with "shape" in the message) when `x` or `w` is not 2-D, `b` is not
    1-D, `x`'s columns are not `w`'s rows, or `b`'s length is not `w`'s columns.
    """
    x = tf.convert_to_tensor(x)
    w = tf.convert_to_tensor(w)
    b = tf.convert_to_tensor(b)
    if x.shape.rank != 2 or w.shape.rank != 2 or b.shape.rank != 1:
        raise ValueError(
            "dense_forward: expected shapes x [batch, in], w [in, out], b [out]; got "
            f"x {tuple(x.shape)}, w {tuple(w.shape)}, b {tuple(b.shape)}"
        )
    if x.shape[1] != w.shape[0] or w.shape[1] != b.shape[0]:
        raise ValueError(
            "dense_forward: shapes do not fit x [batch, in] @ w [in, out] + b [out]: got "
            f"x {tuple(x.shape)}, w {tuple(w.shape)}, b {tuple(b.shape)}"
        )
    return tf.matmul(x, w) + b

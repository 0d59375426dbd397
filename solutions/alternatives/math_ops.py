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
    ops = {"+": tf.math.add, "-": tf.math.subtract, "*": tf.math.multiply,
           "/": tf.math.truediv}
    if op not in ops:
        raise ValueError(f"unknown op {op!r}: use one of + - * /")
    a, b = tf.constant(a), tf.constant(b)
    if a.shape.as_list() != b.shape.as_list():
        raise ValueError(f"a has shape {a.shape.as_list()} but b has shape {b.shape.as_list()}")
    return ops[op](a, b)


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
    a, b = tf.constant(a), tf.constant(b)
    if min(a.shape.rank, b.shape.rank) < 2:
        raise ValueError("both operands need rank 2 or more")
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"inner sizes {a.shape[-1]} and {b.shape[-2]} differ")
    batch_a, batch_b = a.shape.as_list()[:-2][::-1], b.shape.as_list()[:-2][::-1]
    for da, db in zip(batch_a, batch_b, strict=False):
        if da != db and 1 not in (da, db):
            raise ValueError(f"batch sizes {da} and {db} do not broadcast")
    return tf.einsum("...nk,...km->...nm", a, b)


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
        raise ValueError(f"unknown op {op!r}")
    x = tf.constant(x)
    rank = len(x.shape)
    if axis is None:
        axes = list(range(rank))
    else:
        axes = [axis] if np.ndim(axis) == 0 else list(axis)
        if any(not -rank <= a < rank for a in axes):
            raise ValueError(f"axis {axis} out of range for rank {rank}")
        axes = [a + rank if a < 0 else a for a in axes]
        if len(set(axes)) < len(axes):
            raise ValueError(f"axis {axis} repeats an axis")
    if op == "mean":
        if x.dtype.is_integer:
            x = tf.cast(x, tf.float32)
        total = tf.reduce_sum(x, axis=axes, keepdims=keepdims)
        count = int(np.prod([x.shape[a] for a in axes]))
        return total / tf.constant(count, dtype=x.dtype)
    fn = {"sum": tf.math.reduce_sum, "max": tf.math.reduce_max, "min": tf.math.reduce_min}[op]
    return fn(x, axes, keepdims)


def dense_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike) -> tf.Tensor:
    """A fully connected layer without activation: `x @ w + b`.

    Notes (手写数字识别, 数学运算 and Broadcasting): `h1 = x@w1 + b1` — `b` is one-dimensional
    but is added to every row of `x@w`: that is broadcasting.

    `x`: shape `[batch, in]`; `w`: shape `[in, out]`; `b`: shape `[out]`, one dtype. Returns
    a `tf.Tensor` of that dtype and shape `[batch, out]`: row i is `x[i] @ w + b`.

    Raises ValueError (with "shape" in the message) when `x` or `w` is not 2-D, `b` is not
    1-D, `x`'s columns are not `w`'s rows, or `b`'s length is not `w`'s columns.
    """
    x, w, b = tf.constant(x), tf.constant(w), tf.constant(b)
    if len(x.shape) != 2 or len(w.shape) != 2 or len(b.shape) != 1:
        raise ValueError(f"bad shape: x {x.shape}, w {w.shape}, b {b.shape}")
    if x.shape[1] != w.shape[0] or b.shape[0] != w.shape[1]:
        raise ValueError(f"shapes do not fit: x {x.shape}, w {w.shape}, b {b.shape}")
    return tf.nn.bias_add(tf.einsum("bi,io->bo", x, w), b)

"""Statistics of a tensor: vector norms, mean/min/max, argmax/argmin, accuracy, unique.

From the notes: Tensotflow › 基本操作 › 数据统计.

You compute the three vector norms the notes define — L1 (sum of absolute values), L2 (root
of the sum of squares) and infinity (largest absolute value) — of a whole tensor or of each
slice along an axis; summarise a tensor by its mean, minimum and maximum, seeing the reduced
axis disappear (减维); find WHERE the largest and smallest values are with argmax/argmin
(which compare along axis 0 unless told otherwise); turn a model's scores into an accuracy
with argmax, `tf.equal` and a cast; and split a tensor into its distinct values and the index
of each element among them, from which `tf.gather` rebuilds the original.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

NORM_ORDERS = (1, 2, np.inf)


def norm(x: ArrayLike, ord: float = 2, axis: int | None = None) -> tf.Tensor:
    """The L1, L2 or infinity norm of `x` as a vector, or of each slice along `axis`.

    Notes (数据统计): `tf.norm(a)  # 二范数` and `tf.norm(a,ord=1,axis=1)  # 一范数,同时把某维度看做
    整体来做范数`, with `||x||_2 = (sum_k x_k^2)^(1/2)`, `||x||_1 = sum_k |x_k|`; the infinity
    norm is `max_k |x_k|`. `# 这里讨论的都是向量的范数(非矩阵)` — vector norms only.

    `ord`: 1, 2 or `np.inf` (`float("inf")`). `axis`: None — every entry of `x`, whatever its
    shape, taken as one long vector, giving a single number — or an int (negative counts from
    the end): the norm of each vector along that axis, which disappears from the shape.
    Integer input is allowed. Returns a float `tf.Tensor` (float32 for float32 or integer
    input).

    Raises ValueError with "ord" in the message for any other `ord` (0, 3, the string "inf"),
    and with "axis" when `axis` is out of range or is not a single int (a pair of axes would
    ask `tf.norm` for a MATRIX norm, a different thing).
    """
    if not any(ord == o and not isinstance(ord, (str, bool)) for o in NORM_ORDERS):
        raise ValueError(f"norm: ord must be 1, 2 or np.inf, got {ord!r}")
    x = _as_float(x)
    if axis is not None:
        axis = _checked_axis(axis, x.shape.rank, "norm")
    if ord == 1:
        return tf.reduce_sum(tf.abs(x), axis=axis)
    if ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(x), axis=axis))
    return tf.reduce_max(tf.abs(x), axis=axis)


def mean_min_max(x: ArrayLike, axis: int | None = None) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """`(mean, min, max)` of `x` over `axis`, or over every entry when `axis` is None.

    Notes (数据统计): `tf.reduce_mean(a,axis=1)  # 2.不指定维度的话会打平成以维度` and
    `# reduce说明,这操作会有个减维的过程` — without an axis the tensor is flattened and one
    number comes out; with one, that axis is reduced away: a `[4, 10]` tensor gives 10 numbers
    for axis 0 and 4 for axis 1.

    `axis`: None or an int (negative counts from the end). Returns three `tf.Tensor`s of one
    shape (`x`'s shape without `axis`; `()` when `axis` is None). min and max keep `x`'s
    dtype; the mean is a float, the true mean even for integers (`tf.reduce_mean` of int32
    `[1, 2]` alone gives 1, so cast first).

    Raises ValueError (with "axis" in the message) when `axis` is out of range.
    """
    x = tf.convert_to_tensor(x)
    if axis is not None:
        axis = _checked_axis(axis, x.shape.rank, "mean_min_max")
    floats = x if x.dtype.is_floating else tf.cast(x, tf.float64)
    return (
        tf.reduce_mean(floats, axis=axis),
        tf.reduce_min(x, axis=axis),
        tf.reduce_max(x, axis=axis),
    )


def argmax(x: ArrayLike, axis: int = 0) -> tf.Tensor:
    """The index of the largest value along `axis` — by default axis 0, as `tf.argmax`.

    Notes (数据统计): `# a.shape = [4,10]`, `tf.argmax(a)  # 默认第0维比较,a有10组,所以会返回10个
    结果` — comparing down axis 0 of a `[4, 10]` tensor gives 10 indices, each in 0..3.

    `x`: rank >= 1. Returns an integer `tf.Tensor` (int64, as `tf.argmax` gives, or int32) of
    `x`'s shape without `axis`; each entry is a position along `axis`. Where several entries
    tie for the largest, any of their positions is correct.

    Raises ValueError (with "axis" in the message) when `axis` is out of range (a scalar has
    no axis).
    """
    x = tf.convert_to_tensor(x)
    return tf.argmax(x, axis=_checked_axis(axis, x.shape.rank, "argmax"))


def argmin(x: ArrayLike, axis: int = 0) -> tf.Tensor:
    """The index of the smallest value along `axis` (default axis 0), as `tf.argmin`.

    Notes (数据统计): `tf.argmin(a,axis=1)  # 指定维度` — for a `[4, 10]` tensor, 4 indices,
    each in 0..9.

    Same shapes, dtypes, ties and errors as `argmax`: an integer tensor of `x`'s shape without
    `axis`; ValueError (with "axis" in the message) when `axis` is out of range.
    """
    x = tf.convert_to_tensor(x)
    return tf.argmin(x, axis=_checked_axis(axis, x.shape.rank, "argmin"))


def accuracy(scores: ArrayLike, labels: ArrayLike) -> tf.Tensor:
    """The fraction of rows of `scores` whose largest score is at the true label.

    Notes (数据统计): `tf.equal(a,b) # 返回[True,False,True,...]` and `# 准确度:把上面的返回结果
    dtype成0,1然后累加` — compare the predictions with the labels, cast True/False to 1/0, add
    up, and divide by the number of samples.

    `scores`: shape `[n, classes]` (logits or probabilities), n >= 1. `labels`: n integer class
    indices (any integer dtype: `tf.argmax` gives int64 while labels are often int32, and
    `tf.equal` will not compare the two). The prediction for row i is the argmax of row i.
    Returns a float scalar `tf.Tensor` in [0, 1] (3 correct of 4 is 0.75, not 0 from integer
    division, nor the count 3).

    Raises ValueError (with "shape" in the message) when `scores` is not 2-D with at least one
    row, or `labels` is not 1-D with one entry per row of `scores`.
    """
    scores = tf.convert_to_tensor(scores)
    labels = tf.convert_to_tensor(labels)
    if scores.shape.rank != 2 or scores.shape[0] == 0 or labels.shape != scores.shape[:1]:
        raise ValueError(
            f"accuracy: expected scores of shape [n, classes] with n >= 1 and labels "
            f"of shape [n], got scores {tuple(scores.shape)} and labels "
            f"{tuple(labels.shape)}"
        )
    predictions = tf.argmax(scores, axis=1)
    correct = tf.equal(predictions, tf.cast(labels, predictions.dtype))
    return tf.reduce_mean(tf.cast(correct, tf.float32))


def unique(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    """`(values, indices)`: the distinct values of a 1-D `x`, and where each entry of x is in them.

    Notes (数据统计): `tf,unique(a)` (a typo for `tf.unique(a)`) `# 返回两个值,第一个是无重复值的
    tensor,第二个是tensor是值表示原tensor的元素在新tensor中的位置`.

    `values`: the distinct values in the order they FIRST appear in `x` — not sorted (NumPy's
    `np.unique` sorts; `tf.unique` does not): `[4, 2, 4, 1, 2]` gives `[4, 2, 1]`. Same dtype
    as `x`. `indices`: an integer tensor of `x`'s length with `values[indices[i]] == x[i]`:
    here `[0, 1, 0, 2, 1]`.

    Raises ValueError (with "1-D" in the message) when `x` is not 1-D.
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank != 1:
        raise ValueError(f"unique: x must be 1-D, got shape {tuple(x.shape)}")
    values, indices = tf.unique(x)
    return values, indices


def rebuild(values: ArrayLike, indices: ArrayLike) -> tf.Tensor:
    """The original tensor back from `unique`'s output: `values[indices[i]]` for each i.

    Notes (数据统计): `# 这么一来可以用tf.gather来吧原tensor还原出来` — `tf.gather(values,
    indices)`.

    `values`: 1-D; `indices`: integers, each in `0 .. len(values) - 1`. Returns a `tf.Tensor`
    of `values`' dtype and `indices`' shape.

    Raises ValueError (with "index" in the message) when an index is negative or not below
    `len(values)`: on a CPU `tf.gather` raises InvalidArgumentError, and on a GPU it silently
    gives 0.
    """
    values = tf.convert_to_tensor(values)
    indices = tf.convert_to_tensor(indices)
    length = int(tf.shape(values)[0])
    if tf.size(indices) > 0 and (
        int(tf.reduce_min(indices)) < 0 or int(tf.reduce_max(indices)) >= length
    ):
        raise ValueError(
            f"rebuild: every index must be in 0 .. {length - 1}, got {indices.numpy().tolist()}"
        )
    return tf.gather(values, indices)


def _as_float(x: ArrayLike) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _checked_axis(axis: int, rank: int, caller: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not (
        -rank <= axis < rank
    ):
        raise ValueError(
            f"{caller}: axis {axis!r} is out of range for rank {rank} "
            f"(valid: {-rank} .. {rank - 1}; a single int)"
        )
    return int(axis) % rank

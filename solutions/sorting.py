"""Sorting tensors: sort and argsort in both directions, top-k, and top-k accuracy.

From the notes: Tensotflow › 基本操作 › 张量排序.

You sort a tensor along an axis, ascending or descending, and get the POSITIONS that sort it
(argsort), which `tf.gather` can use to put another tensor in the same order. When only the
k largest values matter, a full sort wastes time: `tf.math.top_k` returns them, largest
first, with their indices (the notes' `tf.max.top_k` no longer exists). Then you apply it the
way classifiers are judged: top-k accuracy, the fraction of samples whose true class is
among the k highest scores — 50 %, 100 % and 100 % for k = 1, 2, 3 in the notes' example.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

DIRECTIONS = ("ASCENDING", "DESCENDING")


def sort(x: ArrayLike, axis: int = -1, direction: str = "ASCENDING") -> tf.Tensor:
    """`x` sorted along `axis` (the last one by default), smallest first or largest first.

    Notes (张量排序): `tf.sort(a,direction='DESCENDING')  # 降序,  direction='ASCENDING'就能升序`
    and `# 高维的话就按每维排列完全排序` — in more dimensions every vector along the axis is
    sorted on its own.

    `x`: rank >= 1, a number dtype. `axis`: negative counts from the end. `direction`:
    "ASCENDING" or "DESCENDING". Returns a `tf.Tensor` of `x`'s shape and dtype.

    Raises ValueError with "direction" in the message for any other direction (lower case
    too), and with "axis" when `axis` is out of range (a scalar has no axis).
    """
    x = tf.convert_to_tensor(x)
    direction = _checked_direction(direction, "sort")
    return tf.sort(x, axis=_checked_axis(axis, x.shape.rank, "sort"), direction=direction)


def argsort(x: ArrayLike, axis: int = -1, direction: str = "ASCENDING") -> tf.Tensor:
    """The positions that sort `x` along `axis`: `x` gathered at them is `sort(x, ...)`.

    Notes (张量排序): `tf.argsort(a,direction='DESCENDING')  # 降序,返回的是位置:如[最大值位置，
    次大..]` and `# 同理可与gather配合` — for a vector, `tf.gather(x, argsort(x))` is the sorted
    vector; along any axis, `np.take_along_axis(x, argsort(x, axis), axis)` is.

    Returns an integer `tf.Tensor` (int32, as `tf.argsort` gives, or int64) of `x`'s shape; each
    vector along `axis` holds a permutation of `0 .. x.shape[axis] - 1`. Among equal values any
    order is correct. Same arguments and errors as `sort`: ValueError with "direction" or
    "axis" in the message.
    """
    x = tf.convert_to_tensor(x)
    direction = _checked_direction(direction, "argsort")
    return tf.argsort(x, axis=_checked_axis(axis, x.shape.rank, "argsort"), direction=direction)


def top_k(x: ArrayLike, k: int) -> tuple[tf.Tensor, tf.Tensor]:
    """`(values, indices)` of the k largest entries of each vector along the LAST axis.

    Notes (张量排序): `res = tf.max.top_k(a,2)  # 返回最大的两个`, `res.indices  # 返回索引值,像
    argsort`, `res.values  # 返回值`. `tf.max.top_k` raises AttributeError now: the working
    form is `tf.math.top_k(a, 2)` (also `tf.nn.top_k`).

    `x`: rank >= 1, shape `[..., n]`. `k`: an int, 0 <= k <= n. Returns `values` of `x`'s dtype
    and `indices` (int32 or int64), both of shape `[..., k]`: `values[..., 0]` is the largest,
    then in decreasing order, and `x[..., indices[..., j]] == values[..., j]`. Among equal
    values any of their positions is correct.

    Raises ValueError (with "k" in the message) when k is negative or larger than the last
    dimension (`tf.math.top_k` raises InvalidArgumentError, which is not a ValueError), and
    ValueError (with "rank" in the message) for a scalar `x`.
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank == 0:
        raise ValueError("top_k: x must have rank >= 1, got a scalar")
    n = x.shape[-1]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise ValueError(f"top_k: k must be an int in 0 .. {n} (the last dimension), got {k!r}")
    result = tf.math.top_k(x, k=int(k))
    return result.values, result.indices


def top_k_accuracy(scores: ArrayLike, labels: ArrayLike, ks: Sequence[int] = (1,)) -> tf.Tensor:
    """For each k in `ks`, the fraction of samples whose true label is among their k best scores.

    Notes (张量排序), the example: `prob = tf.constant([[0.1,0.2,0.7],[0.2,0.7,0.1]])`,
    `target = tf.constant([2,0])` — sample 1 is right at once, sample 2's true class 0 has the
    second-highest score — so top-1 is 1/2 = 50 %, top-2 is 2/2 = 100 %, top-3 100 %:
    `top_k_accuracy(prob, target, ks=(1, 2, 3))` is `[0.5, 1.0, 1.0]`. A sample counts as
    correct for k when its label is ANY of its k highest-scoring classes, not only the k-th.

    `scores`: shape `[n, classes]`, n >= 1. `labels`: n integer class indices (any integer
    dtype). `ks`: ints, each in `1 .. classes`. Returns a float `tf.Tensor` of shape
    `[len(ks)]` with values in [0, 1]. Scores are assumed to have no ties within a row.

    Raises ValueError with "shape" in the message when `scores` is not 2-D with at least one
    row or `labels` is not 1-D with one entry per row; with "label" when a label is not in
    `0 .. classes - 1`; and with "k" when `ks` is empty or some k is below 1 or above the
    number of classes.
    """
    scores = tf.convert_to_tensor(scores)
    labels = tf.convert_to_tensor(labels)
    if scores.shape.rank != 2 or scores.shape[0] == 0 or labels.shape != scores.shape[:1]:
        raise ValueError(
            f"top_k_accuracy: expected scores of shape [n, classes] with n >= 1 and labels "
            f"of shape [n], got scores {tuple(scores.shape)} and labels "
            f"{tuple(labels.shape)}"
        )
    classes = scores.shape[1]
    if int(tf.reduce_min(labels)) < 0 or int(tf.reduce_max(labels)) >= classes:
        raise ValueError(
            f"top_k_accuracy: every label must be in 0 .. {classes - 1}, got "
            f"{labels.numpy().tolist()}"
        )
    ks = [int(k) for k in ks]
    if not ks or any(not 1 <= k <= classes for k in ks):
        raise ValueError(f"top_k_accuracy: ks must be one or more k in 1 .. {classes}, got {ks}")
    best = tf.math.top_k(scores, k=max(ks)).indices
    hits = tf.equal(best, tf.cast(labels, best.dtype)[:, None])
    return tf.stack(
        [tf.reduce_mean(tf.cast(tf.reduce_any(hits[:, :k], axis=1), tf.float32)) for k in ks]
    )


def _checked_direction(direction: str, caller: str) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(f"{caller}: direction must be one of {DIRECTIONS}, got {direction!r}")
    return direction


def _checked_axis(axis: int, rank: int, caller: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not (
        -rank <= axis < rank
    ):
        raise ValueError(
            f"{caller}: axis {axis!r} is out of range for rank {rank} "
            f"(valid: {-rank} .. {rank - 1})"
        )
    return int(axis) % rank

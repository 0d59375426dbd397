"""Joining and splitting tensors: concat, stack, unstack, and split into equal or uneven parts.

From the notes: Tensotflow › 基本操作 › 合并与拼接.

`tf.concat` joins tensors along an axis they already have (在原有维度上累加,不能生成新的维度):
two `[4, 35, 8]` score tables of two groups of classes become one `[8, 35, 8]`. `tf.stack`
makes a NEW axis instead: two schools' `[4, 3, 5]` become `[2, 4, 3, 5]` (or `[4, 2, 3, 5]`
at axis 1), and it needs every shape to be equal. The way back: `tf.unstack` takes an axis
apart into all of its slices, one tensor each, and `tf.split` cuts an axis into a given
number of equal parts or into parts of given sizes. The notes' split lines call
`tf.unstack(..., num_or_size_splits=...)`, which no longer runs: the working form is
`tf.split`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def concat(tensors: Sequence[ArrayLike], axis: int = 0) -> tf.Tensor:
    """The tensors joined end to end along an existing `axis`.

    Notes (合并与拼接): `c =tf.concat([a,b],axis=0)   # a和b第0维度合并` and `# 在原有维度上累加,
    不能生成新的维度` — the sizes along `axis` add up; no dimension is added.

    `tensors`: a non-empty list of tensors (or arrays) of one rank and dtype, whose shapes
    agree on every axis except `axis`. `axis`: negative counts from the end. Returns a
    `tf.Tensor` of that dtype; its size along `axis` is the sum of the inputs' sizes, and the
    inputs appear in the order given.

    Raises ValueError with "empty" in the message for an empty list, with "shape" when the
    ranks differ or the shapes differ on another axis, and with "axis" when `axis` is out of
    range (`-rank <= axis < rank`).
    """
    raise NotImplementedError("concat: your code here")


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> tf.Tensor:
    """The tensors stacked along a NEW axis, inserted at position `axis`.

    Notes (合并与拼接): `# a.shape = [4,3,5] b.shape = [4,3,5]`, `c = tf.stack([a,b]axis = 1)`,
    `# c.shape = [4,2,3,5]` (the notes drop a comma: `tf.stack([a, b], axis=1)`).

    `tensors`: a non-empty list of n tensors of one shape `s` (rank r) and one dtype. `axis`:
    from `-(r + 1)` to `r`; negative counts from the end of the RESULT's shape. Returns a
    `tf.Tensor` of rank r + 1 with n entries along `axis`: `result[..., i, ...]` (i at
    position `axis`) is `tensors[i]`.

    Raises ValueError with "empty" in the message for an empty list, with "shape" when the
    shapes are not all equal (stack cannot join `[4, 3, 5]` and `[4, 2, 5]`: concat can), and
    with "axis" when `axis` is out of range.
    """
    raise NotImplementedError("stack: your code here")


def unstack(x: ArrayLike, axis: int = 0) -> list[tf.Tensor]:
    """`x` taken apart along `axis`: a list of all its slices, the axis removed from each.

    Notes (合并与拼接): `tf.unstack(a,axis=0)   # 全部拆开,返回几个tensor取决于有几个` — as many
    tensors as `x` has entries along `axis`. (The notes go on with
    `tf.unstack(a,axis=3,num_or_size_splits=2)`, a TypeError now: `tf.unstack` takes no sizes;
    cutting into parts is `split`.)

    `x`: rank r >= 1. Returns a Python list of `x.shape[axis]` tensors of rank r - 1 and `x`'s
    dtype; item i is `x[..., i, ...]` with i at position `axis`. `stack(unstack(x, a), a)`
    gives back `x`.

    Raises ValueError with "rank" in the message for a scalar `x`, and with "axis" when
    `axis` is out of range (`-rank <= axis < rank`).
    """
    raise NotImplementedError("unstack: your code here")


def split(x: ArrayLike, num_or_sizes: int | Sequence[int], axis: int = 0) -> list[tf.Tensor]:
    """`x` cut along `axis` into `num_or_sizes` equal parts, or into parts of the given sizes.

    Notes (合并与拼接): `tf.unstack(a,axis=3,num_or_size_splits=2)` (two equal parts) and
    `tf.unstack(a,axis=3,num_or_size_splits=[2,2,3])` (parts of 2, 2 and 3). Both raise
    TypeError now: `tf.unstack` takes no sizes. The working forms are
    `tf.split(a, 2, axis=3)` and `tf.split(a, [2, 2, 3], axis=3)`.

    `num_or_sizes`: an int n >= 1 that divides `x.shape[axis]` (n parts of equal size), or a
    list of non-negative sizes that add up to `x.shape[axis]` — SIZES, not the cut positions
    `np.split` takes: `[2, 2, 3]` on 7 entries gives entries 0-1, 2-3 and 4-6.

    Returns a Python list of tensors of `x`'s rank and dtype, in order along `axis`;
    `concat(split(x, s, a), a)` gives back `x`.

    Raises ValueError with "axis" in the message when `axis` is out of range (a scalar has
    none); with "divide" when n is below 1 or does not divide the axis (7 entries cannot go in
    2 equal parts); with "sizes" when the sizes do not add up to the axis length, or one is
    negative.
    """
    raise NotImplementedError("split: your code here")

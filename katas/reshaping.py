"""Changing a tensor's dimensions: reshape, transpose, expand_dims, squeeze, NHWC <-> NCHW.

Notes: 维度变换 (TensorFlow → 基本操作 → 维度变换).

You learn the four ways of changing a tensor's shape and what each does to the data.
`tf.reshape` keeps the elements in the same (row-major) order and only regroups them; one
dimension may be written `-1` and is then worked out from the others (`[4, 28, 28, 3]` ->
`[4, -1, 3]` is `[4, 784, 3]`). `tf.transpose` really reorders the data: axis `perm[i]` of
the input becomes axis `i` of the output, which is how images move between the channels-last
layout TensorFlow uses (NHWC) and the channels-first layout of cuDNN and PyTorch (NCHW).
`tf.expand_dims` inserts an axis of size 1, `tf.squeeze` removes axes of size 1. TensorFlow
reports a bad shape, perm or axis with its own `InvalidArgumentError`; here you check the
arguments first and raise a `ValueError` that says what was wrong. Every function returns a
`tf.Tensor`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = tf.Tensor | np.ndarray | Sequence


def reshape(x: ArrayLike, shape: Sequence[int]) -> tf.Tensor:
    """`x` with its elements regrouped into `shape`, in the same row-major order.

    The result has `x`'s dtype and `x`'s elements in the order `np.reshape(x, shape)` gives
    them. One entry of `shape` may be `-1`: it stands for whatever size makes the element
    counts match, so `[4, 28, 28, 3]` reshaped to `[4, -1, 3]` is `[4, 784, 3]`.

    Raises ValueError, with a message that names the shape you asked for (as a list or
    tuple, e.g. `[4, -1]`) and `x`'s shape, when
    - the element counts cannot match (`[2, 3]` into `[4, -1]`: 6 is not a multiple of 4;
      `[2, 3]` into `[4, 2]`: 6 elements are not 8);
    - `shape` has more than one `-1`, or an entry below -1;
    - `-1` cannot be worked out because the other entries multiply to 0.
    (TensorFlow itself raises `tf.errors.InvalidArgumentError`, which is not a ValueError.)

    Notes: `tf.reshape(a,[4,784,3])  # 4*28*28*3 == 4*784*3` and
    `tf.reshape(a,[4,-1,3])  # 一个式子只能有一个-1`.
    """
    raise NotImplementedError("reshape: your code here")


def transpose(x: ArrayLike, perm: Sequence[int] | None = None) -> tf.Tensor:
    """`x` with its axes reordered: axis `perm[i]` of `x` becomes axis `i` of the result.

    So `result.shape[i] == x.shape[perm[i]]`, and the values are those of
    `np.transpose(x, perm)`; the dtype is `x`'s. Without `perm`, the axes are reversed (a
    matrix's ordinary transpose). `perm` must be a permutation of `0 .. rank-1`: a repeated
    axis, a missing one or a wrong length raises ValueError, whose message shows `perm`
    (as a list or tuple).

    Notes: `a.shape = [4,3,2,1]`, `tf.transpose(a,perm=[0,1,3,2])  # 结果 shape = [4,3,1,2]`.
    """
    raise NotImplementedError("transpose: your code here")


def expand_dims(x: ArrayLike, axis: int) -> tf.Tensor:
    """`x` with a new axis of size 1, which is axis `axis` of the RESULT.

    For `x` of rank r the result has rank r + 1, so `axis` runs from `-(r + 1)` to `r`;
    a negative axis counts from the end of the result: `-1` appends the new axis last,
    `-(r + 1)` puts it first. `[4, 35, 8]` with axis 0 gives `[1, 4, 35, 8]`, with axis 3
    or -1 gives `[4, 35, 8, 1]`, with axis -2 gives `[4, 35, 1, 8]`. Values and dtype are
    `x`'s. An axis outside that range raises ValueError (the message says "axis").

    Notes: `tf.expand_dims(a,axis=0)  # a.shape=[1,4,35,8]`,
    `tf.expand_dims(a,axis=3)  # a.shape=[4,35,8,1]`, `# 负数同理`.
    """
    raise NotImplementedError("expand_dims: your code here")


def squeeze(x: ArrayLike, axis: int | None = None) -> tf.Tensor:
    """`x` without its axes of size 1: all of them, or only axis `axis`.

    `[1, 2, 1, 1, 3]` squeezed gives `[2, 3]`; squeezed at axis 2 gives `[1, 2, 1, 3]`
    (only that axis goes); a negative axis counts from the end (`-2` is axis 3 here).
    Values and dtype are `x`'s.

    Raises ValueError (the message says "axis" and which) when `x.shape[axis]` is not 1
    (that axis holds data and cannot be dropped), or when `axis` is out of range for `x`'s
    rank. `tf.squeeze(x, axis)` itself raises InvalidArgumentError, not ValueError.

    Notes: `tf.squeeze(a)  # 不加axis参数就是把所有1去掉`, `tf.squeeze(a,axis=2)`.
    """
    raise NotImplementedError("squeeze: your code here")


def nhwc_to_nchw(images: ArrayLike) -> tf.Tensor:
    """A batch of images from channels-last `[batch, height, width, channels]` to
    channels-first `[batch, channels, height, width]`.

    `result[n, c, h, w] == images[n, h, w, c]`; the dtype is kept. Anything but a rank-4
    input raises ValueError, whose message shows the shape received (e.g. `(3, 4, 5)`).

    Notes: the `tf.transpose(a, perm=...)` lines of 维度变换 (`# 原来的0维放在新的0维...`);
    `perm[i]` names the input axis that becomes output axis i.
    """
    raise NotImplementedError("nhwc_to_nchw: your code here")


def nchw_to_nhwc(images: ArrayLike) -> tf.Tensor:
    """A batch of images from channels-first `[batch, channels, height, width]` to
    channels-last `[batch, height, width, channels]` (the inverse of `nhwc_to_nchw`).

    `result[n, h, w, c] == images[n, c, h, w]`; the dtype is kept. Anything but a rank-4
    input raises ValueError, whose message shows the shape received (e.g. `(3, 4, 5)`).

    Notes: as for `nhwc_to_nchw`; the inverse of a permutation is not the same permutation.
    """
    raise NotImplementedError("nchw_to_nhwc: your code here")

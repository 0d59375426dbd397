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
    x = tf.convert_to_tensor(x)
    source = tuple(x.shape)
    target = [int(d) for d in shape]
    size = math.prod(source)
    unknown = [i for i, d in enumerate(target) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in target):
        raise ValueError(
            f"reshape: shape {target} may hold at most one -1 and otherwise sizes >= 0"
        )
    known = math.prod(d for d in target if d != -1)
    if unknown:
        if known == 0 or size % known:
            raise ValueError(
                f"reshape: cannot reshape {source} ({size} elements) into {target}: "
                f"the -1 cannot be worked out from the other sizes (product {known})"
            )
        target[unknown[0]] = size // known
    elif known != size:
        raise ValueError(
            f"reshape: cannot reshape {source} ({size} elements) into {target} "
            f"({known} elements)"
        )
    return tf.reshape(x, target)


def transpose(x: ArrayLike, perm: Sequence[int] | None = None) -> tf.Tensor:
    """`x` with its axes reordered: axis `perm[i]` of `x` becomes axis `i` of the result.

    So `result.shape[i] == x.shape[perm[i]]`, and the values are those of
    `np.transpose(x, perm)`; the dtype is `x`'s. Without `perm`, the axes are reversed (a
    matrix's ordinary transpose). `perm` must be a permutation of `0 .. rank-1`: a repeated
    axis, a missing one or a wrong length raises ValueError, whose message shows `perm`
    (as a list or tuple).

    Notes: `a.shape = [4,3,2,1]`, `tf.transpose(a,perm=[0,1,3,2])  # 结果 shape = [4,3,1,2]`.
    """
    x = tf.convert_to_tensor(x)
    rank = x.shape.rank
    if perm is None:
        perm = list(reversed(range(rank)))
    perm = [int(p) for p in perm]
    if sorted(perm) != list(range(rank)):
        raise ValueError(
            f"transpose: perm {perm} is not a permutation of the axes 0..{rank - 1} of a "
            f"tensor of shape {tuple(x.shape)}"
        )
    return tf.transpose(x, perm)


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
    x = tf.convert_to_tensor(x)
    rank = x.shape.rank
    if not -(rank + 1) <= axis <= rank:
        raise ValueError(
            f"expand_dims: axis {axis} is out of range for a tensor of shape "
            f"{tuple(x.shape)}: it must lie in [{-(rank + 1)}, {rank}]"
        )
    return tf.expand_dims(x, axis)


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
    x = tf.convert_to_tensor(x)
    if axis is None:
        return tf.squeeze(x)
    shape = tuple(x.shape)
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"squeeze: axis {axis} is out of range for a tensor of shape {shape}")
    if shape[axis] != 1:
        raise ValueError(
            f"squeeze: axis {axis} of a tensor of shape {shape} has size {shape[axis]}, "
            "not 1, so it cannot be removed"
        )
    return tf.squeeze(x, axis=[axis])


def nhwc_to_nchw(images: ArrayLike) -> tf.Tensor:
    """A batch of images from channels-last `[batch, height, width, channels]` to
    channels-first `[batch, channels, height, width]`.

    `result[n, c, h, w] == images[n, h, w, c]`; the dtype is kept. Anything but a rank-4
    input raises ValueError, whose message shows the shape received (e.g. `(3, 4, 5)`).

    Notes: the `tf.transpose(a, perm=...)` lines of 维度变换 (`# 原来的0维放在新的0维...`);
    `perm[i]` names the input axis that becomes output axis i.
    """
    images = _rank4(images, "nhwc_to_nchw")
    return tf.transpose(images, [0, 3, 1, 2])


def nchw_to_nhwc(images: ArrayLike) -> tf.Tensor:
    """A batch of images from channels-first `[batch, channels, height, width]` to
    channels-last `[batch, height, width, channels]` (the inverse of `nhwc_to_nchw`).

    `result[n, h, w, c] == images[n, c, h, w]`; the dtype is kept. Anything but a rank-4
    input raises ValueError, whose message shows the shape received (e.g. `(3, 4, 5)`).

    Notes: as for `nhwc_to_nchw`; the inverse of a permutation is not the same permutation.
    """
    images = _rank4(images, "nchw_to_nhwc")
    return tf.transpose(images, [0, 2, 3, 1])


def _rank4(images: ArrayLike, name: str) -> tf.Tensor:
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4:
        raise ValueError(
            f"{name}: expected a rank-4 batch of images, got shape {tuple(images.shape)}"
        )
    return images

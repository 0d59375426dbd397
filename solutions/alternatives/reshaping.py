"""Alternative solution (NumPy for the bookkeeping, unstack/stack and tf.reshape for the data).

Changing a tensor's dimensions: reshape, transpose, expand_dims, squeeze, NHWC <-> NCHW.

Notes: 维度变换 (TensorFlow → 基本操作 → 维度变换).

You learn the four ways of changing a tensor's shape and what each does to the data.
`tf.reshape` keeps the elements in the same (row-major) order and only regroups them; one
dimension may be written `-1` and is then worked out from the others (`[4, 28, 28, 3]` ->
`[4, -1, 3]` is `[4, 784, 3]`). `tf.transpose` really reorders the data: axis `perm[i]` of
the input becomes axis `i` of the output, which is how images move between the channels-last
layout TensorFlow uses (NHWC) and the channels-first layout of cuDNN and PyTorch (NCHW).
`tf.expand_dims` inserts an axis of size 1, `tf.squeeze` removes axes of size 1. TensorFlow
reports a bad shape, perm or axis with its own `InvalidArgumentError`; here you check the
arguments first and raise a `ValueError` that says what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = tf.Tensor | np.ndarray | Sequence


def reshape(x: ArrayLike, shape: Sequence[int]) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    asked = list(shape)
    sizes = np.array(asked, dtype=np.int64)
    size = int(np.prod(x.shape, dtype=np.int64))
    if (sizes < -1).any() or (sizes == -1).sum() > 1:
        raise ValueError(f"bad shape {asked} for a tensor of shape {tuple(x.shape)}")
    rest = int(np.prod(sizes[sizes != -1], dtype=np.int64))
    if (sizes == -1).any():
        if rest == 0 or size % rest != 0:
            raise ValueError(f"no size for -1 in {asked} fits {tuple(x.shape)}")
        sizes[sizes == -1] = size // rest
    elif rest != size:
        raise ValueError(f"{asked} holds {rest} elements, {tuple(x.shape)} holds {size}")
    flat = tf.reshape(x, [size])  # row-major order, then regrouped
    return tf.reshape(flat, sizes.tolist())


def transpose(x: ArrayLike, perm: Sequence[int] | None = None) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    rank = len(x.shape)
    order = list(range(rank))[::-1] if perm is None else [int(p) for p in perm]
    if len(order) != rank or set(order) != set(range(rank)):
        raise ValueError(f"{order} does not permute the {rank} axes of {tuple(x.shape)}")
    return tf.convert_to_tensor(np.transpose(x.numpy(), order))


def expand_dims(x: ArrayLike, axis: int) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    shape = list(x.shape)
    if axis > len(shape) or axis < -len(shape) - 1:
        raise ValueError(f"axis {axis} does not fit a result of rank {len(shape) + 1}")
    position = axis if axis >= 0 else len(shape) + 1 + axis
    return tf.reshape(x, shape[:position] + [1] + shape[position:])


def squeeze(x: ArrayLike, axis: int | None = None) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    shape = list(x.shape)
    if axis is None:
        return tf.reshape(x, [d for d in shape if d != 1])
    if axis >= len(shape) or axis < -len(shape):
        raise ValueError(f"axis {axis} is not an axis of {tuple(shape)}")
    if shape[axis] != 1:
        raise ValueError(f"axis {axis} has size {shape[axis]}: only size-1 axes go")
    del shape[axis]
    return tf.reshape(x, shape)


def nhwc_to_nchw(images: ArrayLike) -> tf.Tensor:
    # One [n, h, w] slice per channel, stacked again as axis 1.
    return tf.stack(tf.unstack(_four_axes(images), axis=3), axis=1)


def nchw_to_nhwc(images: ArrayLike) -> tf.Tensor:
    return tf.stack(tf.unstack(_four_axes(images), axis=1), axis=3)


def _four_axes(images: ArrayLike) -> tf.Tensor:
    images = tf.convert_to_tensor(images)
    if len(images.shape) != 4:
        raise ValueError(f"a batch of images has 4 axes, got shape {tuple(images.shape)}")
    return images

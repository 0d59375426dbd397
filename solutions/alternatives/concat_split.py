"""Alternative solution (loops of slices, expand_dims + concat, NumPy checks).

Joining and splitting tensors: concat, stack, unstack, and split into equal or uneven parts.

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
    parts = _parts(tensors)
    rank = len(parts[0].shape)
    axis = _axis(axis, rank)
    expected = list(parts[0].shape)
    for part in parts:
        shape = list(part.shape)
        if len(shape) != rank or shape[:axis] + shape[axis + 1:] != (
            expected[:axis] + expected[axis + 1:]
        ):
            raise ValueError(f"shape {shape} does not fit {expected} outside axis {axis}")
    return tf.convert_to_tensor(np.concatenate([p.numpy() for p in parts], axis=axis))


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> tf.Tensor:
    parts = _parts(tensors)
    if len({tuple(p.shape) for p in parts}) != 1:
        raise ValueError(f"stack needs one shape, got shapes {[tuple(p.shape) for p in parts]}")
    axis = _axis(axis, len(parts[0].shape) + 1)
    # Each part gets its new size-1 axis, then they are joined along it.
    return tf.concat([tf.expand_dims(p, axis) for p in parts], axis=axis)


def unstack(x: ArrayLike, axis: int = 0) -> list[tf.Tensor]:
    x = tf.convert_to_tensor(x)
    if len(x.shape) == 0:
        raise ValueError("a rank-0 tensor has nothing to unstack")
    axis = _axis(axis, len(x.shape))
    return [tf.gather(x, i, axis=axis) for i in range(x.shape[axis])]


def split(x: ArrayLike, num_or_sizes: int | Sequence[int], axis: int = 0) -> list[tf.Tensor]:
    x = tf.convert_to_tensor(x)
    axis = _axis(axis, len(x.shape))
    length = x.shape[axis]
    if isinstance(num_or_sizes, (int, np.integer)) and not isinstance(num_or_sizes, bool):
        if num_or_sizes < 1 or length % num_or_sizes != 0:
            raise ValueError(f"{num_or_sizes} parts do not divide {length} entries equally")
        sizes = [length // int(num_or_sizes)] * int(num_or_sizes)
    else:
        sizes = [int(s) for s in num_or_sizes]
        if min(sizes, default=0) < 0 or sum(sizes) != length:
            raise ValueError(f"sizes {sizes} do not add up to {length}")
    pieces, start = [], 0
    for size in sizes:
        index = [slice(None)] * len(x.shape)
        index[axis] = slice(start, start + size)
        pieces.append(x[tuple(index)])
        start += size
    return pieces


def _parts(tensors: Sequence[ArrayLike]) -> list[tf.Tensor]:
    if len(tensors) == 0:
        raise ValueError("nothing to join: the list is empty")
    return [tf.convert_to_tensor(t) for t in tensors]


def _axis(axis: int, rank: int) -> int:
    if type(axis) is bool or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an int, got {axis!r}")
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is outside -{rank} .. {rank - 1}")
    return int(axis) % rank

"""Alternative solution (tf.concat of constant blocks for padding, repeated concat for tiling).

Padding and tiling: tf.pad with per-dimension paddings, tf.tile, and "same" padding. The same
contract as solutions/pad_tile.py (its docstrings are the spec), without `tf.pad` or
`tf.tile`: each dimension is padded by concatenating blocks of the constant before and
after, and tiled by concatenating copies. Passing every test of tests/test_pad_tile.py shows
the tests judge the values, not the ops.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _integers(values: object, shape: tuple[int, ...]) -> np.ndarray | None:
    """`values` as an int array of exactly `shape`, or None."""
    try:
        array = np.array(values)
    except ValueError:  # ragged nesting
        return None
    if array.dtype.kind not in "iu" or array.shape != shape:
        return None
    return array


def pad(x: ArrayLike, paddings: Sequence[Sequence[int]], constant_value: float = 0) -> tf.Tensor:
    """`x` surrounded by `constant_value`, dimension by dimension."""
    x = tf.convert_to_tensor(x)
    rank = len(x.shape)
    amounts = _integers(paddings, (rank, 2))
    if amounts is None:
        raise ValueError(f"pad: paddings need shape ({rank}, 2), one [before, after] pair per "
                         f"dimension; got {paddings!r}")
    if np.any(amounts < 0):
        raise ValueError(f"pad: paddings cannot be negative: {amounts.tolist()}")
    for axis, (before, after) in enumerate(amounts.tolist()):
        shape = list(x.shape)
        blocks = []
        for count in (before, after):
            shape[axis] = count
            blocks.append(tf.fill(shape, tf.cast(constant_value, x.dtype)))
        x = tf.concat([blocks[0], x, blocks[1]], axis=axis)
    return x


def tile(x: ArrayLike, multiples: Sequence[int]) -> tf.Tensor:
    """`x` copied whole `multiples[d]` times along each dimension d."""
    x = tf.convert_to_tensor(x)
    rank = len(x.shape)
    counts = _integers(multiples, (rank,))
    if counts is None:
        raise ValueError(f"tile: multiples must hold {rank} entries, one per dimension of x; "
                         f"got {multiples!r}")
    if np.any(counts < 0):
        raise ValueError(f"tile: multiples cannot be negative: {counts.tolist()}")
    for axis, count in enumerate(counts.tolist()):
        x = tf.concat([x] * count, axis=axis) if count else tf.gather(x, [], axis=axis)
    return x


def same_padding(kernel_size: int) -> tuple[int, int]:
    """(before, after) for a stride-1 SAME conv: the odd one out goes after."""
    if kernel_size != int(kernel_size) or kernel_size < 1:
        raise ValueError(f"same_padding: a kernel size must be a whole number >= 1, "
                         f"got {kernel_size!r}")
    before, extra = divmod(int(kernel_size) - 1, 2)
    return before, before + extra


def pad_for_same_conv(images: ArrayLike, kernel_size: int | Sequence[int]) -> tf.Tensor:
    """NHWC images zero-padded in height and width so VALID acts as SAME."""
    images = tf.convert_to_tensor(images)
    if len(images.shape) != 4:
        raise ValueError(f"pad_for_same_conv: expected 4-D NHWC images, got shape "
                         f"{tuple(images.shape)}")
    if np.ndim(kernel_size) == 0:
        sizes = [kernel_size, kernel_size]
    else:
        sizes = list(np.asarray(kernel_size).ravel())
        if len(sizes) != 2 or np.ndim(kernel_size) != 1:
            raise ValueError(f"pad_for_same_conv: kernel size must be an int or a pair, "
                             f"got {kernel_size!r}")
    rows, columns = (same_padding(size) for size in sizes)
    return pad(images, [[0, 0], list(rows), list(columns), [0, 0]])

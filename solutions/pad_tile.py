"""Padding and tiling: tf.pad with per-dimension paddings, tf.tile, and "same" padding.

From the notes: Tensotflow › 基本操作 › 填充与复制.

`tf.pad` surrounds a tensor with a constant, and you say how much goes before and how much
after, dimension by dimension: `[[top, bottom], [left, right]]` for a matrix (填充). `tf.tile`
copies a tensor whole, a chosen number of times along each dimension, really writing the
copies to memory (复制, 会真实的复制到内存) — unlike broadcasting. You then use padding for
what it is most often used for: padding a batch of images so that a stride-1 convolution
without padding ("VALID") gives exactly what TensorFlow's "SAME" convolution gives, which
means knowing where TensorFlow puts the extra row when the kernel size is even.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def pad(x: ArrayLike, paddings: Sequence[Sequence[int]], constant_value: float = 0) -> tf.Tensor:
    """`x` surrounded by `constant_value`: `paddings[d] = [before, after]` for each dimension d.

    Notes (填充与复制): `tf.pad(a,[[2,0],[0,1]])  # 行上边边填充2行下边0行;列左0右1` — for a
    matrix, 2 rows on top, 0 below, 0 columns on the left, 1 on the right.

    `x`: a tensor, array or nested list of any rank r. `paddings`: r pairs of non-negative
    integers (a list of lists, a tuple of tuples, an int array of shape (r, 2)); pair d says
    how many entries go before and after dimension d. Dimension d of the result has
    `x.shape[d] + before + after` entries; `x` itself sits at `[before:before + x.shape[d]]`.

    Returns a `tf.Tensor` of `x`'s dtype (int32 stays int32).

    Raises ValueError (with "paddings" in the message) when `paddings` does not have shape
    (r, 2) — one `[before, after]` pair per dimension of `x`, e.g. `[[1, 1]]` for a matrix or a
    flat `[1, 1, 0, 0]` — or holds a negative amount. (`tf.pad` itself raises
    `tf.errors.InvalidArgumentError`, which is not a ValueError: check first.)
    """
    x = tf.convert_to_tensor(x)
    amounts = _as_int_array(paddings)
    if amounts is None or amounts.shape != (x.shape.rank, 2):
        raise ValueError(
            f"pad: paddings must be one [before, after] pair per dimension of x, shape "
            f"({x.shape.rank}, 2) for a tensor of shape {tuple(x.shape)}; got {paddings!r}"
        )
    if (amounts < 0).any():
        raise ValueError(f"pad: paddings must be non-negative, got {amounts.tolist()}")
    return tf.pad(x, amounts.astype(np.int64), constant_values=constant_value)


def _as_int_array(values: object) -> np.ndarray | None:
    try:
        array = np.asarray(values)
    except ValueError:
        return None
    return array if array.dtype.kind in "iu" else None


def tile(x: ArrayLike, multiples: Sequence[int]) -> tf.Tensor:
    """`x` copied `multiples[d]` times along each dimension d, whole (not element by element).

    Notes (填充与复制): `tf.tile(a,[1,2])  # 第一维复制一次(不变),第二维复制2次` takes shape
    [3, 3] to [3, 6]. The notes' other example is inconsistent (see ERRATA.md): they write
    `tf.tile(a,[2,1,3])` "third dimension 4 times"; the multiples are `[2, 1, 3]`, so shape
    `[1, 3, 4]` becomes `[2, 3, 12]`.

    Tiling repeats the whole tensor, as `np.tile` does: `[[1, 2]]` tiled by `[1, 3]` is
    `[[1, 2, 1, 2, 1, 2]]`, not `[[1, 1, 1, 2, 2, 2]]` (that would be `np.repeat`).

    `multiples`: one non-negative integer per dimension of `x`. Returns a `tf.Tensor` of `x`'s
    dtype and shape `[x.shape[d] * multiples[d] for each d]`.

    Raises ValueError (with "multiples" in the message) when `multiples` does not have exactly
    one entry per dimension of `x` (NumPy would silently prepend ones; TensorFlow raises
    `InvalidArgumentError`) or holds a negative number.
    """
    x = tf.convert_to_tensor(x)
    counts = _as_int_array(multiples)
    if counts is None or counts.shape != (x.shape.rank,):
        raise ValueError(
            f"tile: multiples must have one entry per dimension of x ({x.shape.rank} for shape "
            f"{tuple(x.shape)}), got {multiples!r}"
        )
    if (counts < 0).any():
        raise ValueError(f"tile: multiples must be non-negative, got {counts.tolist()}")
    return tf.tile(x, counts.astype(np.int64))


def same_padding(kernel_size: int) -> tuple[int, int]:
    """How many zeros go `(before, after)` one spatial dimension for a stride-1 "SAME" conv.

    A stride-1 convolution with a kernel of size k and no padding ("VALID") shrinks a
    dimension by k - 1. "SAME" padding adds those k - 1 entries back, split as TensorFlow
    does: `before = (k - 1) // 2` and `after = (k - 1) - before`, so for an even k the extra
    one goes AFTER (k = 4 gives (1, 2), not (2, 1)).

    Returns a pair of Python ints. Raises ValueError (with "kernel" in the message) for a
    kernel size below 1.
    """
    if int(kernel_size) != kernel_size or kernel_size < 1:
        raise ValueError(f"same_padding: kernel size must be an integer >= 1, got {kernel_size!r}")
    total = int(kernel_size) - 1
    return total // 2, total - total // 2


def pad_for_same_conv(images: ArrayLike, kernel_size: int | Sequence[int]) -> tf.Tensor:
    """A batch of NHWC images zero-padded so a stride-1 VALID convolution acts as SAME.

    `images`: shape [batch, height, width, channels]. `kernel_size`: an int k (a k x k
    kernel) or a pair (kernel_height, kernel_width). Height is padded by
    `same_padding(kernel_height)`, width by `same_padding(kernel_width)`; batch and channels
    are not padded. For every kernel of that size,
    `tf.nn.conv2d(pad_for_same_conv(images, k), kernel, 1, "VALID")` equals
    `tf.nn.conv2d(images, kernel, 1, "SAME")`.

    Returns a `tf.Tensor` of `images`' dtype and shape
    [batch, height + kernel_height - 1, width + kernel_width - 1, channels].

    Raises ValueError when `images` is not 4-D (with "4-D" in the message), and when a kernel
    size is below 1 or `kernel_size` is neither an int nor a pair (with "kernel").
    """
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4:
        raise ValueError(
            f"pad_for_same_conv: images must be 4-D [batch, height, width, channels], got shape "
            f"{tuple(images.shape)}"
        )
    sizes = np.atleast_1d(np.asarray(kernel_size))
    if sizes.shape == (1,):
        sizes = np.repeat(sizes, 2)
    if sizes.shape != (2,):
        raise ValueError(
            f"pad_for_same_conv: kernel size must be an int or a (height, width) pair, "
            f"got {kernel_size!r}"
        )
    rows = same_padding(int(sizes[0]))
    columns = same_padding(int(sizes[1]))
    return tf.pad(images, [[0, 0], list(rows), list(columns), [0, 0]])

"""Broadcasting: the rule that lets `x@w + b` add a vector to every row, and how it differs
from tiling.

Notes: Broadcasting (TensorFlow → 基本操作 → Broadcasting).

You learn the broadcasting rule well enough to apply it by hand: line the two shapes up
from the RIGHT (the last axes first, 先从小维度开始匹配), pad the shorter one with 1s on the
left, and then, axis by axis, the sizes must be equal or one of them must be 1, which
stretches to the other. That is why a bias of shape `[32]` adds to feature maps of shape
`[4, 16, 16, 32]` but not to `[4, 32, 16, 16]`. You also learn what broadcasting is not:
`tf.broadcast_to` only stretches axes of size 1 (and, in an operation like `a + b`, without
copying any data), while `tf.tile` really copies the tensor and can grow any axis by a whole
multiple. Silent broadcasting also hides bugs — a bias of shape `[3, 1]` added to a
`[2, 3]` batch gives a `[3, 3]` result without complaint — so the bias helper here checks
the shapes first.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = tf.Tensor | np.ndarray | Sequence


def broadcast_shape(a_shape: Sequence[int], b_shape: Sequence[int]) -> tuple[int, ...]:
    """The shape of `a + b` for tensors of shapes `a_shape` and `b_shape`, as a tuple of ints.

    Write the rule yourself: align the shapes from the right, pad the shorter with leading
    1s, and for each axis take the common size when both are equal, or the other size when
    one of them is 1 (so `(0,)` with `(1,)` gives `(0,)`: a size-1 axis stretches to 0 too).
    `(4, 16, 16, 32)` with `(32,)` gives `(4, 16, 16, 32)`; `(1, 3)` with `(4, 1)` gives
    `(4, 3)`; `()` (a scalar) with any shape gives that shape.

    Do not call `np.broadcast_shapes`, `np.broadcast`, `np.broadcast_arrays`,
    `np.broadcast_to`, `tf.broadcast_static_shape`, `tf.broadcast_dynamic_shape` or
    `tf.broadcast_to`: a test makes them fail while your function runs.

    Raises ValueError when the shapes cannot be broadcast (on some aligned axis the sizes
    differ and neither is 1: `(2, 3)` with `(4,)`, or `(4, 3)` with `(4,)`); its message
    shows both shapes as Python tuples, e.g.
    `cannot broadcast (2, 3) with (4,): sizes 3 and 4 at axis -1`. A negative size also
    raises ValueError.

    Notes: `# 判断方法:右对其,用1把维度补相同,然后把1是维度变成和另一个匹配的` and
    `# 先从小维度开始匹配,自动扩张是满足运算`.
    """
    a, b = _as_shape(a_shape), _as_shape(b_shape)
    sizes = []
    for m, n in itertools.zip_longest(reversed(a), reversed(b), fillvalue=1):
        if m != n and 1 not in (m, n):
            raise ValueError(f"cannot broadcast {a} with {b}: sizes {m} and {n} clash")
        sizes.append(n if m == 1 else m)
    return tuple(reversed(sizes))


def broadcast_to(x: ArrayLike, shape: Sequence[int]) -> tf.Tensor:
    """`x` stretched to exactly `shape`, as `np.broadcast_to(x, shape)`; `x`'s dtype kept.

    Only `x` stretches, never the target: aligned from the right, each size of `x` must be
    1 or equal the target's size, and `x` may not have more axes than `shape`. A `[3, 5]`
    tensor broadcast to `[4, 3, 5]` is four copies of it stacked; a `[3, 1]` column
    broadcast to `[3, 4]` repeats each row's value along the row.

    Raises ValueError, with a message showing `x`'s shape and `shape`, when `x` cannot be
    stretched to `shape`: `[3, 1]` to `[1, 5]` (the result would be `[3, 5]`, not the
    target), `[3]` to `[3, 4]` (the 3 lines up with the 4), `[2, 3]` to `[3]`, or `[1, 3, 4]`
    to `[2, 3, 12]` (a 4 cannot stretch to 12; tiling can, broadcasting cannot).
    (`tf.broadcast_to` itself raises InvalidArgumentError, not ValueError.)

    Notes: `tf.broadcast_to`, `# ape=[3,5]`, `aa = broadcast_to(a,[4,3,5])`,
    `aa.shape = [4,3,5]`.
    """
    x = tf.convert_to_tensor(x)
    target = _as_shape(shape)
    _check_stretches(tuple(x.shape), target)
    return tf.broadcast_to(x, target)


def tile_multiples(x_shape: Sequence[int], shape: Sequence[int]) -> tuple[int, ...]:
    """The `multiples` for which `tf.tile(x, multiples)` turns a tensor of shape `x_shape`
    into one of shape `shape`, as a tuple of ints: `shape[i] // x_shape[i]` for each axis.

    Tiling copies the whole tensor `multiples[i]` times along axis i, so any size can grow
    by a whole multiple, not only a size of 1: `[1, 3, 4]` becomes `[2, 3, 12]` with
    multiples `(2, 1, 3)` (which broadcasting cannot do).

    Raises ValueError (the message shows both shapes) when the ranks differ (tf.tile never
    adds axes), when a size of `x_shape` is below 1 or a size of `shape` below 0, or when a
    size of `shape` is not a whole multiple of the matching size of `x_shape` (`[2, 3]` to
    `[3, 3]`).

    Notes: `# a.shape=[1,3,4]`, `# tf.tile(a,[2,1,3]) 第一个维度复制2ci，第二个1次，第三个4次`,
    `# a.shape = [2,3,12]`. ERRATA: the comment says the third dimension is copied 4 times,
    which contradicts the code; the multiples are `[2, 1, 3]`, so the third size 4 is
    copied 3 times and `[1, 3, 4]` becomes `[2, 3, 12]`.
    """
    source, target = _as_shape(x_shape), _as_shape(shape)
    if len(source) != len(target):
        raise ValueError(
            f"cannot tile {source} into {target}: the ranks differ "
            f"({len(source)} and {len(target)}) and tf.tile keeps the rank"
        )
    if any(m < 1 for m in source):
        raise ValueError(f"cannot tile {source} into {target}: sizes of x_shape must be >= 1")
    multiples = []
    for axis, (m, n) in enumerate(zip(source, target, strict=True)):
        if n % m:
            raise ValueError(
                f"cannot tile {source} into {target}: size {n} at axis {axis} is not a "
                f"multiple of {m}"
            )
        multiples.append(n // m)
    return tuple(multiples)


def broadcast_by_tiling(x: ArrayLike, shape: Sequence[int]) -> tf.Tensor:
    """The same tensor as `broadcast_to(x, shape)`, but built with `tf.tile`: give `x` the
    target's rank (leading axes of size 1, with `tf.reshape`), then tile each size-1 axis
    to the target size.

    This is what broadcasting does without copying: the result here really holds every
    copy in memory. The values, shape and dtype equal `np.broadcast_to(x, shape)`. Use
    TensorFlow ops and `x.shape` only (the test traces the function with `tf.function`
    and rejects a `BroadcastTo` op, so neither `tf.broadcast_to` nor a helper built on it).

    Raises ValueError, with a message showing `x`'s shape and `shape`, exactly when
    `broadcast_to` does, including `[1, 3, 4]` to `[2, 3, 12]`: tiling could do it, but the
    result would not be the broadcast of `x`.

    Notes: `- expand without copying data:扩张了一个数据,但实际上并没有复制出来多份` and
    `# 但却不会生成4*16*16个b`: broadcasting behaves like this tiling, without the copies.
    """
    x = tf.convert_to_tensor(x)
    source, target = tuple(x.shape), _as_shape(shape)
    _check_stretches(source, target)
    while x.shape.rank < len(target):
        x = tf.expand_dims(x, 0)
    return tf.tile(x, [t if s == 1 else 1 for s, t in zip(x.shape, target, strict=True)])


def add_bias(x: ArrayLike, b: ArrayLike) -> tf.Tensor:
    """`x + b` for a per-feature bias `b` of shape `[C]` and `x` of shape `[..., C]`.

    The bias is added along the LAST axis: `result[..., c] == x[..., c] + b[c]` for every
    row of `x @ w` (shape `[batch, C]`) or every pixel of a feature map (shape
    `[4, 16, 16, 32]` with `b` of shape `[32]`). The result has `x`'s shape and dtype (`x`
    and `b` share a dtype).

    Raises ValueError, with a message showing both shapes, unless `b` is 1-D with exactly
    `x.shape[-1]` elements, even where `x + b` would broadcast silently to something else:
    a `[3, 1]` bias on a `[2, 3]` batch would give a `[3, 3]` result, and a `[1]` bias
    would add one number to every feature. An `x` of rank 0 raises ValueError too.

    Notes: `# 如前面的 x@w+b,b是一个一维的，但却能加上去,就是broadcast的功劳` and
    `# 如a.shape=[4,16,16,32] b.shape=[32]`.
    """
    x, b = tf.convert_to_tensor(x), tf.convert_to_tensor(b)
    if len(x.shape) == 0 or len(b.shape) != 1 or b.shape[0] != x.shape[-1]:
        raise ValueError(f"bias of shape {tuple(b.shape)} does not fit x of shape {tuple(x.shape)}")
    if len(x.shape) == 1:
        return tf.add(x, b)
    return tf.nn.bias_add(x, b)


def _as_shape(shape: Sequence[int]) -> tuple[int, ...]:
    result = tuple(int(d) for d in shape)
    if any(d < 0 for d in result):
        raise ValueError(f"a shape has sizes >= 0, got {result}")
    return result


def _check_stretches(source: tuple[int, ...], target: tuple[int, ...]) -> None:
    padded = (1,) * (len(target) - len(source)) + source
    if len(source) > len(target) or any(
        m not in (1, n) for m, n in zip(padded, target, strict=True)
    ):
        raise ValueError(
            f"cannot broadcast a tensor of shape {source} to {target}: aligned from the "
            "right, each size must be 1 or equal the target's"
        )

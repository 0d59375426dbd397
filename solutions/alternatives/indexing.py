"""Indexing and slicing: NumPy-style indices, slices, ellipsis, gather, gather_nd, boolean_mask.

Notes: 索引与切片 (TensorFlow → 基本操作 → 索引与切片).

You learn to read a tensor's axes as meanings (class, student, subject; batch, row,
column, channel) and to pick parts of it: integer indices drop an axis, slices keep it
(with steps, and negative steps that run backwards, where "stop" is still excluded), `...`
stands for "all the axes in between", `tf.gather` picks entries along any one axis in any
order, nested gathers pick a sub-block, `tf.gather_nd` picks by full coordinates (so the
last axis of the indices is a coordinate, not a list), and `tf.boolean_mask` keeps the
entries where a mask is True, along the axis you choose. Every function returns a
`tf.Tensor`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

TensorLike = tf.Tensor | np.ndarray | Sequence


def index(x: TensorLike, i: int, j: int) -> tf.Tensor:
    """`x[i, j]`: entry `i` of axis 0, then entry `j` of axis 1; the other axes are kept.

    For `x` of shape [a, b, *rest] the result has shape `rest` and `x`'s dtype. Negative `i`
    and `j` count from the end, as in Python. Raises ValueError when `x` has fewer than two
    axes, IndexError when `i` or `j` is out of range.

    Notes: `a.shape = [1,2,3,4]`, `a[1,2].shape = [3,4]` (索引写在一个[]内，用逗号隔开).
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank < 2:
        raise ValueError(f"x needs at least 2 axes, got shape {x.shape}")
    for name, k, size in (("i", i, x.shape[0]), ("j", j, x.shape[1])):
        if not -size <= k < size:
            raise IndexError(f"{name}={k} is out of range for an axis of size {size}")
    return tf.gather(tf.gather(x, i % x.shape[0]), j % x.shape[1])


def last(x: TensorLike, n: int) -> tf.Tensor:
    """The last `n` entries of `x` along axis 0, in their order: shape [n, *x.shape[1:]].

    `n == 0` gives an empty result of shape [0, *x.shape[1:]] (mind that `x[-0:]` is all of
    `x`). Raises ValueError unless 0 <= n <= x.shape[0].

    Notes: `a[-1:]  # 到数第一个到最后一个,就是python的切片`.
    """
    x = tf.convert_to_tensor(x)
    size = x.shape[0]
    if not 0 <= n <= size:
        raise ValueError(f"n must be in [0, {size}], got {n}")
    return tf.slice(x, [size - n] + [0] * (x.shape.rank - 1), [n] + [-1] * (x.shape.rank - 1))


def crop(images: TensorLike, top: int, left: int, height: int, width: int) -> tf.Tensor:
    """The window of `height` rows from row `top` and `width` columns from column `left`.

    `images` has shape [batch, rows, columns, channels] (NHWC); the result has shape
    [batch, height, width, channels], keeping every image and every channel. Raises
    ValueError when `images` is not 4-D, or when the window does not lie inside the images
    (negative `top`/`left`/`height`/`width`, `top + height > rows`, `left + width > columns`).

    Notes: `a[0,1,:,1:3,:]` (对多个维度的切片).
    """
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4:
        raise ValueError(
            f"images must have shape [batch, rows, columns, channels], got {images.shape}"
        )
    rows, columns = images.shape[1], images.shape[2]
    if min(top, left, height, width) < 0 or top + height > rows or left + width > columns:
        raise ValueError(
            f"window rows {top}:{top + height}, columns {left}:{left + width} is not inside "
            f"images of {rows} rows and {columns} columns"
        )
    return tf.slice(images, [0, top, left, 0], [-1, height, width, -1])


def slice_axis(
    x: TensorLike,
    axis: int,
    start: int | None = None,
    stop: int | None = None,
    step: int | None = None,
) -> tf.Tensor:
    """`x` sliced by `start:stop:step` along `axis`, every other axis kept whole.

    Exactly Python's and NumPy's slice rules: `None` means "from the beginning/to the end"
    (for a negative step: from the end backwards, down to and including entry 0), negative
    `start`/`stop` count from the end, out-of-range bounds are clipped, `stop` is excluded,
    a negative `step` runs backwards. `axis` may be negative. For `axis=1` the result is
    `x[:, start:stop:step]`. Raises ValueError for `step == 0` or an axis out of range.

    Notes: `a[0,1,:,1:3,:]`; `# step,步长.... [::] 同理, 步长为负，实现倒叙`.
    """
    x = tf.convert_to_tensor(x)
    rank = x.shape.rank
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {rank}")
    if step == 0:
        raise ValueError("step must not be zero")
    return x[(slice(None),) * (axis % rank) + (slice(start, stop, step),)]


def reversed_range(x: TensorLike, start: int, stop: int) -> tf.Tensor:
    """Entries `start, start+1, ..., stop-1` of axis 0, in reverse order (stop-1 first).

    The result equals `x[start:stop]` reversed along axis 0; shape
    [stop - start, *x.shape[1:]]. Raises ValueError unless 0 <= start <= stop <= x.shape[0].
    Careful with a negative step: a bound of -1 means "the last entry", not "before the
    first", so `start == 0` is the case to think about.

    Notes: `# step,步长.... [::] 同理, 步长为负，实现倒叙`.
    """
    x = tf.convert_to_tensor(x)
    size = x.shape[0]
    if not 0 <= start <= stop <= size:
        raise ValueError(f"need 0 <= start <= stop <= {size}, got start={start}, stop={stop}")
    begin = [start] + [0] * (x.shape.rank - 1)
    return tf.reverse(tf.slice(x, begin, [stop - start] + [-1] * (x.shape.rank - 1)), [0])


def ellipsis_index(x: TensorLike, i: int, k: int) -> tf.Tensor:
    """`x[i, ..., k, :]`: entry `i` of the FIRST axis and entry `k` of the SECOND-TO-LAST
    axis; the last axis and all the axes in between are kept.

    For `x` of shape [a, *middle, b, c] the result has shape [*middle, c], for any rank
    >= 3 (the middle may be empty). Raises ValueError when `x` has fewer than 3 axes,
    IndexError when `i` or `k` is out of range (negative values count from the end).

    Notes: `a[1,2,...,0,:]`
    `# 中间的没有切片操作,但是倒数第二有切片操作,用...就不用人为的把中间的:不上了`.
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank < 3:
        raise ValueError(f"x needs at least 3 axes, got shape {x.shape}")
    for name, value, size in (("i", i, x.shape[0]), ("k", k, x.shape[-2])):
        if not -size <= value < size:
            raise IndexError(f"{name}={value} is out of range for an axis of size {size}")
    return x[i, ..., k, :]


def gather(x: TensorLike, indices: TensorLike, axis: int) -> tf.Tensor:
    """The entries of `x` at `indices` along `axis`, in the order `indices` lists them.

    Indices may repeat and come in any order. For 1-D `indices` of length m the result has
    `x`'s shape with `x.shape[axis]` replaced by m (more generally by `indices.shape`,
    like `np.take(x, indices, axis)`), and `x`'s dtype. `axis` may be negative.

    Raises ValueError for an axis out of range, TypeError for non-integer indices, and
    IndexError for an index outside [0, x.shape[axis]) (negative indices included): on a
    GPU, `tf.gather` does not raise for a bad index but silently returns zeros, so check
    first.

    Notes: `a = tf.gather(a,axis=0,indices=[2,1,3,0])` (抽2班1班3班0班).
    """
    x = tf.convert_to_tensor(x)
    rank = x.shape.rank
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {rank}")
    indices = _checked_indices(indices, x.shape[axis], f"axis {axis}")
    return tf.convert_to_tensor(np.take(x.numpy(), indices, axis=axis))


def select_scores(
    scores: TensorLike, classes: Sequence[int], students: Sequence[int], subjects: Sequence[int]
) -> tf.Tensor:
    """The scores of the given students of the given classes in the given subjects.

    `scores` has shape [classes, students, subjects]. The result has shape
    [len(classes), len(students), len(subjects)]: `result[a, b, c]` is the score of student
    `students[b]` of class `classes[a]` in subject `subjects[c]` — every combination, each
    list in its own order (a sub-block, not pairs). Raises ValueError when `scores` is not
    3-D, TypeError for non-integer indices, IndexError for an index out of range.

    Notes: `aa = tf.gather(a,axis=1,indices=[2,1,3,0])`,
    `aaa = tf.gather(aa,axis=2,indices=[2,1,3,0])` (多个gather嵌套).
    """
    scores = tf.convert_to_tensor(scores)
    if scores.shape.rank != 3:
        raise ValueError(
            f"scores must have shape [classes, students, subjects], got {scores.shape}"
        )
    picks = [
        _checked_indices(chosen, scores.shape[axis], name)
        for axis, (name, chosen) in enumerate(
            (("classes", classes), ("students", students), ("subjects", subjects))
        )
    ]
    return tf.convert_to_tensor(scores.numpy()[np.ix_(*picks)])


def gather_nd(x: TensorLike, indices: TensorLike) -> tf.Tensor:
    """Entries of `x` picked by coordinates: the LAST axis of `indices` is one coordinate.

    `indices` is an integer array of shape [*batch, d] with 1 <= d <= rank of `x`; each
    length-d row `(i0, i1, ...)` picks `x[i0, i1, ...]` (a scalar when d equals the rank,
    else a slice of shape x.shape[d:]). The result has shape [*batch, *x.shape[d:]] and
    `x`'s dtype. So for scores of shape [4, 35, 8]: `[1, 1, 1]` gives a scalar,
    `[[0, 0], [1, 1]]` gives shape [2, 8], `[[0, 0, 1], [1, 2, 1]]` gives shape [2] and
    `[[[0, 0, 1], [1, 2, 1]]]` gives shape [1, 2].

    Raises ValueError when `indices` is a scalar or its last axis is longer than the rank
    of `x`, TypeError for non-integer indices, IndexError for a coordinate out of range
    (negative ones included).

    Notes: `gather_nd(a,[1,1,1])  # 1班1号同学的1号成绩,标量`, `gather_nd(a,[[0,0],[1,1]])`.
    """
    x = tf.convert_to_tensor(x)
    index_array = np.asarray(indices)
    if index_array.ndim == 0 or not 1 <= index_array.shape[-1] <= x.shape.rank:
        raise ValueError(
            f"indices must have shape [..., d] with 1 <= d <= {x.shape.rank}, "
            f"got shape {index_array.shape}"
        )
    for axis in range(index_array.shape[-1]):
        _checked_indices(index_array[..., axis], x.shape[axis], f"axis {axis}")
    return tf.gather_nd(x, index_array)


def boolean_mask(x: TensorLike, mask: TensorLike, axis: int = 0) -> tf.Tensor:
    """The entries of `x` where `mask` is True, with the mask laid over axes from `axis` on.

    `mask` is a boolean array of shape `x.shape[axis : axis + mask.ndim]`; those axes of
    `x` are replaced by one axis holding the selected entries, in row-major order. So for
    `x` of shape [4, 28, 28, 3]: a mask [True, True, False, False] (axis 0) gives shape
    [2, 28, 28, 3], a mask [True, True, False] with `axis=3` gives [4, 28, 28, 2]; for `x`
    of shape [2, 3, 4] a mask of shape [2, 3] with three True entries gives [3, 4].
    Same as NumPy's `x[:, :, mask]` for `axis=2`.

    Raises ValueError when `axis` is negative or `axis + mask.ndim` exceeds the rank of
    `x`, or when `mask`'s shape does not match those axes.

    Notes: `tf.boolean_mask(a,mask=[True,True,False],axis = 3)  # shape = [4,28,28,2]`.
    """
    x = tf.convert_to_tensor(x)
    mask = tf.convert_to_tensor(mask, dtype=tf.bool)
    rank, depth = x.shape.rank, mask.shape.rank
    if depth == 0 or not 0 <= axis <= rank - depth:
        raise ValueError(f"a {depth}-D mask at axis {axis} does not fit a tensor of rank {rank}")
    if x.shape[axis:axis + depth] != mask.shape:
        raise ValueError(
            f"mask shape {mask.shape} does not match axes {axis}..{axis + depth - 1} of x, "
            f"{x.shape[axis:axis + depth]}"
        )
    shape = tf.shape(x)
    merged = tf.reshape(x, tf.concat([shape[:axis], [-1], shape[axis + depth:]], axis=0))
    keep = tf.where(tf.reshape(mask, [-1]))[:, 0]
    return tf.gather(merged, keep, axis=axis)


def _checked_indices(indices: TensorLike, size: int, where: str) -> np.ndarray:
    array = np.asarray(indices)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"indices for {where} must be integers, got {array.dtype}")
    array = array.astype(np.int64)
    bad = (array < 0) | (array >= size)
    if bad.any():
        raise IndexError(f"index {array[bad][0]} is out of range [0, {size}) for {where}")
    return array

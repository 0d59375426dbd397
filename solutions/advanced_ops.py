"""Advanced operations: where, scatter_nd, and coordinate grids with meshgrid.

From the notes: Tensotflow › 基本操作 › 高级操作.

`tf.where` does two different things: with a mask alone it gives the coordinates of the
True entries (筛选); with a mask and two tensors it takes each entry from the first where
the mask is True and from the second elsewhere. `tf.scatter_nd` writes values into chosen
places of an all-zero tensor (有目的性的更新), adding the values that land on the same place.
`tf.meshgrid` turns two coordinate axes into a grid of points without a Python loop (快速生成
坐标轴系), and `tf.stack` pairs them into (x, y) coordinates — mind which axis is the row: with
the default indexing a grid has one ROW per y value. Finally you evaluate a function on such a
grid, as for plotting a surface `z = sin(x) + cos(y)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def true_coordinates(mask: ArrayLike) -> tf.Tensor:
    """The coordinates of the True entries of `mask`, one row per entry, in row-major order.

    Notes (高级操作): `tf.where(mask)  # 没有参数,返回tensor中值是True的值的对应坐标tensor`.

    `mask`: a bool tensor or array of any rank r. Returns an int64 `tf.Tensor` of shape [n, r]
    (n the number of True entries): row i holds the full index of the i-th True entry, as
    `np.argwhere` gives — `[[True, False], [False, True]]` gives `[[0, 0], [1, 1]]`. It is
    not the True VALUES (that is `tf.boolean_mask`), and not one array per axis (that is
    `np.nonzero`'s layout, the transpose).

    Raises TypeError (with "bool" in the message) for a mask that is not boolean:
    `tf.where` would quietly take a number array's non-zero entries.
    """
    mask = _bool_mask(mask, "true_coordinates")
    return tf.where(mask)


def select(mask: ArrayLike, a: ArrayLike, b: ArrayLike) -> tf.Tensor:
    """`a` where `mask` is True, `b` where it is False, entry by entry.

    Notes (高级操作): `tf.where(mask,A,B)  # True时对A采样,False时对B采样`.

    `mask`: bool; `a`, `b`: tensors or arrays of one dtype. The three shapes broadcast as in
    NumPy (a mask of shape [3, 1] picks whole rows of [3, 4] tensors). Returns a `tf.Tensor`
    of the broadcast shape and `a`'s dtype, like `np.where(mask, a, b)`.

    Raises TypeError (with "bool" in the message) for a mask that is not boolean, and
    ValueError (with "broadcast" in the message) when the shapes do not broadcast together
    (`tf.where` raises `InvalidArgumentError` instead).
    """
    mask = _bool_mask(mask, "select")
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    try:
        tf.broadcast_static_shape(tf.broadcast_static_shape(mask.shape, a.shape), b.shape)
    except ValueError:
        raise ValueError(
            f"select: the shapes of mask {tuple(mask.shape)}, a {tuple(a.shape)} and b "
            f"{tuple(b.shape)} do not broadcast together"
        ) from None
    return tf.where(mask, a, b)


def scatter(indices: ArrayLike, updates: ArrayLike, shape: Sequence[int]) -> tf.Tensor:
    """A zero tensor of `shape` with `updates` added at `indices`: `tf.scatter_nd`.

    Notes (高级操作): `tf.scatter_nd(indices,updates,shape)` — 1. the base is always all zeros
    of `shape` (只能在全0的底板上更新); 2. `indices` says where each update goes. (To change an
    existing tensor, TensorFlow has `tf.tensor_scatter_nd_update` and `..._add`.)

    `indices`: integers of shape [..., d] with 1 <= d <= len(shape); each length-d row is the
    index of one element (d = len(shape)) or of one slice (d < len(shape)) of the result.
    `updates`: shape `indices.shape[:-1] + shape[d:]` — one element or slice per index.
    Updates landing on the same place are ADDED (scattering `[1, 2]` to `[[1], [1]]` in
    shape [3] gives `[0, 3, 0]`). Returns a `tf.Tensor` of `shape` and `updates`' dtype.

    Raises ValueError (with "updates" in the message) when `updates` has the wrong shape or
    d is 0 or larger than len(shape) (with "indices"), and IndexError when an index is
    negative or not below its dimension: on a CPU `tf.scatter_nd` raises InvalidArgumentError,
    on a GPU it silently drops such updates.
    """
    indices = tf.convert_to_tensor(indices)
    updates = tf.convert_to_tensor(updates)
    shape = [int(n) for n in shape]
    depth = indices.shape[-1] if indices.shape.rank else 0
    if not 1 <= depth <= len(shape):
        raise ValueError(
            f"scatter: indices must have shape [..., d] with 1 <= d <= {len(shape)} for a result "
            f"of shape {shape}, got indices of shape {tuple(indices.shape)}"
        )
    expected = tuple(indices.shape[:-1]) + tuple(shape[depth:])
    if tuple(updates.shape) != expected:
        raise ValueError(
            f"scatter: updates must have shape {expected} (indices.shape[:-1] + shape[{depth}:]),"
            f" got {tuple(updates.shape)}"
        )
    index_rows = indices.numpy().reshape(-1, depth)
    limits = np.asarray(shape[:depth])
    bad = (index_rows < 0) | (index_rows >= limits)
    if bad.any():
        row = index_rows[np.argwhere(bad)[0][0]].tolist()
        raise IndexError(f"scatter: index {row} is outside a tensor of shape {shape}")
    return tf.scatter_nd(indices, updates, shape)


def coordinate_grid(x: ArrayLike, y: ArrayLike) -> tf.Tensor:
    """Every (x, y) point of the grid the axes `x` and `y` span, as a [len(y), len(x), 2] tensor.

    Notes (高级操作): `point_x,point_y = tf.meshgrid(x,y)` then
    `tf.stack([point_x,point_y],axis=2)`.

    `tf.meshgrid`'s default ("xy", Cartesian) indexing gives one ROW per y value and one
    COLUMN per x value, so `grid[i, j] == (x[j], y[i])`: with 3 x values and 2 y values the
    result has shape [2, 3, 2] (`indexing="ij"` would give [3, 2, 2]).

    `x`, `y`: 1-D sequences of numbers. Returns a float32 `tf.Tensor`.

    Raises ValueError (with "1-D" in the message) when `x` or `y` is not one-dimensional.
    """
    x, y = _axis(x, "x"), _axis(y, "y")
    point_x, point_y = tf.meshgrid(x, y)
    return tf.stack([point_x, point_y], axis=2)


def evaluate_on_grid(
    fn: Callable[[tf.Tensor, tf.Tensor], tf.Tensor], x: ArrayLike, y: ArrayLike
) -> tf.Tensor:
    """`fn` evaluated at every point of the grid spanned by `x` and `y`, in ONE call.

    Notes (高级操作): meshgrid makes the grid quickly, on the GPU, 区别于传统for循环的 — no Python
    loop over points. E.g. the surface `z = sin(x) + cos(y)` over
    `x = tf.linspace(-2., 2., 5)` and `y = tf.linspace(-1., 1., 3)`.

    `fn(X, Y)`: a vectorised function of two float32 tensors of one shape (such as
    `lambda X, Y: tf.sin(X) + tf.cos(Y)`), returning a tensor of that shape. It is called
    exactly once, with the grids `X, Y = tf.meshgrid(x, y)`, each of shape [len(y), len(x)].
    Returns `fn`'s result as a `tf.Tensor` of shape [len(y), len(x)]:
    `z[i, j] == fn(x[j], y[i])`.

    Raises ValueError (with "1-D" in the message) when `x` or `y` is not one-dimensional.
    """
    x, y = _axis(x, "x"), _axis(y, "y")
    grid_x, grid_y = tf.meshgrid(x, y)
    return tf.convert_to_tensor(fn(grid_x, grid_y))


def _bool_mask(mask: ArrayLike, name: str) -> tf.Tensor:
    mask = tf.convert_to_tensor(mask)
    if mask.dtype != tf.bool:
        raise TypeError(f"{name}: the mask must be bool, got {mask.dtype.name}")
    return mask


def _axis(values: ArrayLike, name: str) -> tf.Tensor:
    axis = tf.cast(tf.convert_to_tensor(values), tf.float32)
    if axis.shape.rank != 1:
        raise ValueError(f"the {name} axis must be 1-D, got shape {tuple(axis.shape)}")
    return axis

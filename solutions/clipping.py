"""Clipping tensors: bounds on values, ReLU through maximum, and clipping by (global) norm.

From the notes: Tensotflow › 基本操作 › 张量的限幅.

You bound a tensor's values from below with `tf.maximum`, from above with `tf.minimum` and
on both sides with `tf.clip_by_value`, and see that ReLU is nothing but `maximum(x, 0)`.
Then you clip by norm: scale a whole tensor down so its L2 norm is at most `c`, which keeps
its direction (等比例放缩) — the cure for exploding gradients — first for one tensor (or each
slice of it along chosen axes), then for a list of gradients together, by their global norm,
so that the direction of the whole update is kept (整体缩放,避免方向改变). Three names in the notes
no longer run (`tf.clipe_by_norm`, `tf.clipe_by_global_norm`, `tf.relu`), and the notes'
gradient-clipping formula `grad = abs(grad)/grad` is wrong: the docstrings below give the
working forms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def at_least(x: ArrayLike, lower: ArrayLike) -> tf.Tensor:
    """`x` with every value below `lower` raised to `lower`: the element-wise maximum.

    Notes (张量的限幅): `tf.maximum(a,2)  # 返回a,2间的最大值,故a不会小于2,限制的最小值`.

    `lower`: a number, or an array that broadcasts to `x`'s shape (one bound per column, say).
    Returns a `tf.Tensor` of `x`'s shape and dtype (int32 stays int32).

    Raises ValueError (with "shape" in the message) when `lower` does not broadcast to `x`'s
    shape: `tf.maximum` raises InvalidArgumentError for shapes that do not broadcast, and
    silently makes the result BIGGER than `x` when `lower` has more dimensions.
    """
    x = tf.convert_to_tensor(x)
    bound = _bound_like(x, lower, "at_least")
    return tf.maximum(x, bound)


def at_most(x: ArrayLike, upper: ArrayLike) -> tf.Tensor:
    """`x` with every value above `upper` lowered to `upper`: the element-wise minimum.

    Notes (张量的限幅): `tf.minimum(a,8)  # 返回a,8间的最小值`.

    `upper`: a number, or an array that broadcasts to `x`'s shape. Returns a `tf.Tensor` of
    `x`'s shape and dtype. Raises ValueError (with "shape" in the message) when `upper` does not
    broadcast to `x`'s shape.
    """
    x = tf.convert_to_tensor(x)
    bound = _bound_like(x, upper, "at_most")
    return tf.minimum(x, bound)


def clip(x: ArrayLike, lower: float, upper: float) -> tf.Tensor:
    """`x` with its values limited to the closed range [lower, upper].

    Notes (张量的限幅): `tf.clip_by_value(a,2,8)  # 2<x<8` — the bounds are inclusive: values
    equal to 2 or 8 stay, values below 2 become 2, values above 8 become 8.

    `lower`, `upper`: numbers. Returns a `tf.Tensor` of `x`'s shape and dtype.

    Raises ValueError (with "lower" in the message) when `lower > upper`: `tf.clip_by_value`
    does not check and returns nonsense.
    """
    x = tf.convert_to_tensor(x)
    if lower > upper:
        raise ValueError(f"clip: lower ({lower}) must not be greater than upper ({upper})")
    return tf.clip_by_value(x, tf.cast(lower, x.dtype), tf.cast(upper, x.dtype))


def relu(x: ArrayLike) -> tf.Tensor:
    """ReLU written with `tf.maximum`: negative values become 0, the rest stay.

    Notes (张量的限幅): `# relu函数,x小于0时取0，大于0是取本身 # 可用maximum(a,0)实现` and
    `tf.relu(a)`. `tf.relu` does not exist (AttributeError); the built-in is `tf.nn.relu` —
    but here write it through `tf.maximum`, as the notes suggest: the tests trace your function
    and reject the `Relu` op.

    Returns a `tf.Tensor` of `x`'s shape and dtype (an int32 input gives int32: compare with a
    zero of `x`'s dtype, not with the float `0.0`).
    """
    x = tf.convert_to_tensor(x)
    return tf.maximum(x, tf.zeros([], dtype=x.dtype))


def clip_by_norm(
    x: ArrayLike, clip_norm: float, axes: int | Sequence[int] | None = None
) -> tf.Tensor:
    """`x` scaled down so its L2 norm is at most `clip_norm`, its direction kept.

    Notes (张量的限幅): `tf.clipe_by_norm(a,15)  # 相当于除模后乘15,改变了a的模` — the function
    is `tf.clip_by_norm` (`tf.clipe_by_norm` is a typo: AttributeError). And it only ever
    scales DOWN: `x * c / max(c, norm(x))`. A tensor whose norm is already at most `c` comes
    back unchanged (the notes' "divide by the norm, multiply by 15" would scale a small one
    up). The notes' RNN section writes gradient clipping as `grad = abs(grad)/grad`, which is
    wrong (it is ±1 element by element, and divides by zero): the working form is
    `grad * c / max(c, norm(grad))`. A zero tensor stays zero (no NaN).

    `x`: floating-point values (float32 or float64). `axes`: None for the norm of the whole
    tensor; an axis or a list of axes (negative counts from the end) to clip every slice
    separately — with `axes=1` on a matrix, each ROW's norm (taken along axis 1) is clipped.

    Returns a `tf.Tensor` of `x`'s shape and dtype.

    Raises ValueError when `clip_norm` is negative (with "clip_norm" in the message:
    `tf.clip_by_norm` silently flips the sign) or an axis is out of range for `x`'s rank (with
    "axis").
    """
    x = tf.convert_to_tensor(x)
    if clip_norm < 0:
        raise ValueError(f"clip_by_norm: clip_norm must be non-negative, got {clip_norm}")
    if axes is not None:
        rank = x.shape.rank
        axes = [int(a) for a in np.atleast_1d(axes)]
        for axis in axes:
            if not -rank <= axis < rank:
                raise ValueError(
                    f"clip_by_norm: axis {axis} is out of range for a tensor of rank {rank}"
                )
    return tf.clip_by_norm(x, tf.cast(clip_norm, x.dtype), axes=axes)


def clip_by_global_norm(
    tensors: Sequence[ArrayLike], clip_norm: float
) -> tuple[list[tf.Tensor], tf.Tensor]:
    """A list of tensors scaled down together so their global norm is at most `clip_norm`.

    Notes (张量的限幅): `tf.clipe_by_global_norm(grads,25)  # 整体缩放,避免方向改变` — the
    function is `tf.clip_by_global_norm` (`tf.clipe_by_global_norm` is a typo). The global norm
    is the norm of all the tensors' values taken as one long vector:
    `sqrt(sum of norm(t)**2)`. Every tensor is multiplied by the SAME factor
    `c / max(c, global_norm)`, so the direction of the whole gradient is kept: the notes'
    gradient `[2, 5, 3]` split into `[2, 5]` and `[3]` and clipped to 1 is
    `[2, 5] / sqrt(38)` and `[3] / sqrt(38)`. Clipping each tensor by its own norm would
    change the direction.

    `tensors`: a list or tuple of float tensors or arrays of any shapes. Returns the pair
    `(clipped, global_norm)`: `clipped` a list of `tf.Tensor`s, in order, with the inputs'
    shapes and dtypes; `global_norm` a scalar tensor, the global norm of the tensors BEFORE
    clipping (what `tf.clip_by_global_norm` returns, handy for logging).

    Raises ValueError when `clip_norm` is negative (with "clip_norm" in the message;
    `tf.clip_by_global_norm` does not check), and TypeError when `tensors` is a single tensor
    or array instead of a list or tuple of them (with "list").
    """
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"clip_by_global_norm: tensors must be a list or tuple of tensors, got "
            f"{type(tensors).__name__}"
        )
    if clip_norm < 0:
        raise ValueError(f"clip_by_global_norm: clip_norm must be non-negative, got {clip_norm}")
    tensors = [tf.convert_to_tensor(t) for t in tensors]
    clipped, global_norm = tf.clip_by_global_norm(tensors, clip_norm)
    return list(clipped), global_norm


def _bound_like(x: tf.Tensor, bound: ArrayLike, name: str) -> tf.Tensor:
    bound = tf.cast(tf.convert_to_tensor(bound), x.dtype)
    try:
        shape = tf.broadcast_static_shape(bound.shape, x.shape)
    except ValueError:
        shape = None
    if shape != x.shape:
        raise ValueError(
            f"{name}: the bound's shape {tuple(bound.shape)} does not broadcast to x's shape "
            f"{tuple(x.shape)}"
        )
    return bound

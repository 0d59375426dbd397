"""Alternative solution (tf.where for the bounds, the closed form x * c / max(c, norm)).

Clipping tensors: bounds on values, ReLU through maximum, and clipping by (global) norm. The
same contract as solutions/clipping.py (its docstrings are the spec), written without
`tf.clip_by_value`, `tf.clip_by_norm` or `tf.clip_by_global_norm`: the bounds are chosen
with `tf.where` and the norms are written out, as the docstrings' formulas give them.
Passing every test of tests/test_clipping.py shows the tests accept another op order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _bound(x: tf.Tensor, bound: ArrayLike, name: str) -> tf.Tensor:
    bound = tf.cast(bound, x.dtype)
    if len(bound.shape) > len(x.shape) or not _fits(bound.shape, x.shape):
        raise ValueError(f"{name}: a bound of shape {tuple(bound.shape)} cannot be broadcast "
                         f"to x's shape {tuple(x.shape)}")
    return bound


def _fits(small: tf.TensorShape, big: tf.TensorShape) -> bool:
    """Every trailing dimension of `small` is 1 or equal to `big`'s."""
    return all(s in (1, b) for s, b in zip(reversed(small), reversed(big), strict=False))


def at_least(x: ArrayLike, lower: ArrayLike) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    bound = _bound(x, lower, "at_least")
    return tf.where(x < bound, bound, x)


def at_most(x: ArrayLike, upper: ArrayLike) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    bound = _bound(x, upper, "at_most")
    return tf.where(x > bound, bound, x)


def clip(x: ArrayLike, lower: float, upper: float) -> tf.Tensor:
    if upper < lower:
        raise ValueError(f"clip: the lower bound {lower} is above the upper bound {upper}")
    return at_most(at_least(x, lower), upper)


def relu(x: ArrayLike) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    return tf.maximum(tf.zeros_like(x), x)


def clip_by_norm(
    x: ArrayLike, clip_norm: float, axes: int | Sequence[int] | None = None
) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    if clip_norm < 0:
        raise ValueError(f"clip_by_norm: clip_norm cannot be negative ({clip_norm})")
    if axes is not None:
        rank = len(x.shape)
        axes = [int(a) for a in np.ravel(axes)]
        bad = [a for a in axes if a >= rank or a < -rank]
        if bad:
            raise ValueError(f"clip_by_norm: axis {bad[0]} does not exist for rank {rank}")
    c = tf.cast(clip_norm, x.dtype)
    norm = tf.sqrt(tf.reduce_sum(x * x, axis=axes, keepdims=True))
    return x * c / tf.maximum(c, norm)


def clip_by_global_norm(
    tensors: Sequence[ArrayLike], clip_norm: float
) -> tuple[list[tf.Tensor], tf.Tensor]:
    if isinstance(tensors, (np.ndarray, tf.Tensor)) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"clip_by_global_norm: expected a list or tuple of tensors, got "
                        f"{type(tensors).__name__}")
    if clip_norm < 0:
        raise ValueError(f"clip_by_global_norm: clip_norm cannot be negative ({clip_norm})")
    tensors = [tf.convert_to_tensor(t) for t in tensors]
    squares = [tf.reduce_sum(tf.cast(t, tf.float64) ** 2) for t in tensors]
    global_norm = tf.sqrt(tf.add_n(squares)) if squares else tf.constant(0.0, tf.float64)
    scale = clip_norm / tf.maximum(tf.cast(clip_norm, tf.float64), global_norm)
    clipped = [t * tf.cast(scale, t.dtype) for t in tensors]
    return clipped, tf.cast(global_norm, tensors[0].dtype if tensors else tf.float32)

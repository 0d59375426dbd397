"""Alternative solution (tf.norm, and NumPy inside for the rest).

Statistics of a tensor: vector norms, mean/min/max, argmax/argmin, accuracy, unique.

From the notes: Tensotflow › 基本操作 › 数据统计.

You compute the three vector norms the notes define — L1 (sum of absolute values), L2 (root
of the sum of squares) and infinity (largest absolute value) — of a whole tensor or of each
slice along an axis; summarise a tensor by its mean, minimum and maximum, seeing the reduced
axis disappear (减维); find WHERE the largest and smallest values are with argmax/argmin
(which compare along axis 0 unless told otherwise); turn a model's scores into an accuracy
with argmax, `tf.equal` and a cast; and split a tensor into its distinct values and the index
of each element among them, from which `tf.gather` rebuilds the original.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

NORM_ORDERS = (1, 2, np.inf)


def norm(x: ArrayLike, ord: float = 2, axis: int | None = None) -> tf.Tensor:
    if isinstance(ord, (str, bool)) or ord not in (1, 2, np.inf):
        raise ValueError(f"unsupported ord {ord!r}: 1, 2 or np.inf")
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    if axis is not None:
        axis = _axis(axis, len(x.shape))
    return tf.norm(x, ord=ord, axis=axis)


def mean_min_max(x: ArrayLike, axis: int | None = None) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    array = np.asarray(x)
    if axis is not None:
        axis = _axis(axis, array.ndim)
    mean = array.mean(axis=axis, dtype=array.dtype if array.dtype.kind == "f" else np.float64)
    return (
        tf.convert_to_tensor(mean),
        tf.convert_to_tensor(array.min(axis=axis)),
        tf.convert_to_tensor(array.max(axis=axis)),
    )


def argmax(x: ArrayLike, axis: int = 0) -> tf.Tensor:
    array = np.asarray(x)
    return tf.convert_to_tensor(np.argmax(array, axis=_axis(axis, array.ndim)))


def argmin(x: ArrayLike, axis: int = 0) -> tf.Tensor:
    array = np.asarray(x)
    return tf.convert_to_tensor(np.argmin(array, axis=_axis(axis, array.ndim)))


def accuracy(scores: ArrayLike, labels: ArrayLike) -> tf.Tensor:
    scores, labels = np.asarray(scores), np.asarray(labels)
    if scores.ndim != 2 or len(scores) == 0 or labels.shape != (len(scores),):
        raise ValueError(f"bad shapes: scores {scores.shape}, labels {labels.shape}")
    correct = 0
    for row, label in zip(scores, labels, strict=True):
        correct += int(np.argmax(row) == label)
    return tf.constant(correct / len(scores), tf.float32)


def unique(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    array = np.asarray(x)
    if array.ndim != 1:
        raise ValueError(f"x is not 1-D: shape {array.shape}")
    position: dict = {}
    indices = [position.setdefault(v, len(position)) for v in array.tolist()]
    values = np.array(list(position), dtype=array.dtype)
    return tf.convert_to_tensor(values), tf.constant(indices, tf.int32, shape=[len(indices)])


def rebuild(values: ArrayLike, indices: ArrayLike) -> tf.Tensor:
    values, indices = np.asarray(values), np.asarray(indices)
    if indices.size and (indices.min() < 0 or indices.max() >= len(values)):
        raise ValueError(f"an index is outside 0 .. {len(values) - 1}")
    return tf.convert_to_tensor(values[indices])


def _axis(axis: int, rank: int) -> int:
    if type(axis) is bool or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be one int, got {axis!r}")
    if axis >= rank or axis < -rank:
        raise ValueError(f"axis {axis} does not exist in rank {rank}")
    return int(axis) % rank

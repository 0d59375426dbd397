"""Alternative solution (NumPy inside: np.sort, np.argsort, a rank count for top-k accuracy).

Sorting tensors: sort and argsort in both directions, top-k, and top-k accuracy. The same
contract as solutions/sorting.py (its docstrings are the spec); here every result is
computed in NumPy and returned as a `tf.Tensor`, which the docstrings allow (no gradient is
promised). Passing every test of tests/test_sorting.py shows that the tests accept int64
positions, a stable sort's order among ties, and a count instead of `tf.math.top_k`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _array(x: ArrayLike) -> np.ndarray:
    return np.asarray(x.numpy() if isinstance(x, tf.Tensor) else x)


def _direction(direction: str, caller: str) -> bool:
    """True for descending; refuses anything but the two upper-case names."""
    if not isinstance(direction, str) or direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{caller}: direction must be 'ASCENDING' or 'DESCENDING', "
                         f"got {direction!r}")
    return direction == "DESCENDING"


def _axis(axis: int, rank: int, caller: str) -> int:
    if rank == 0:
        raise ValueError(f"{caller}: a scalar has no axis to sort along")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not (
            -rank <= axis < rank):
        raise ValueError(f"{caller}: axis {axis!r} does not exist for rank {rank}")
    return int(axis) % rank


def _order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    order = np.argsort(x, axis=axis, kind="stable")
    return np.flip(order, axis=axis) if descending else order


def sort(x: ArrayLike, axis: int = -1, direction: str = "ASCENDING") -> tf.Tensor:
    """`x` sorted along `axis`: x taken at its own argsort."""
    values = _array(x)
    descending = _direction(direction, "sort")
    axis = _axis(axis, values.ndim, "sort")
    return tf.constant(np.take_along_axis(values, _order(values, axis, descending), axis=axis))


def argsort(x: ArrayLike, axis: int = -1, direction: str = "ASCENDING") -> tf.Tensor:
    """The positions that sort `x` along `axis` (int64)."""
    values = _array(x)
    descending = _direction(direction, "argsort")
    axis = _axis(axis, values.ndim, "argsort")
    return tf.constant(_order(values, axis, descending).astype(np.int64))


def top_k(x: ArrayLike, k: int) -> tuple[tf.Tensor, tf.Tensor]:
    """The k largest entries along the last axis, largest first, and where they are."""
    values = _array(x)
    if values.ndim == 0:
        raise ValueError("top_k: x has rank 0; it needs rank >= 1")
    n = values.shape[-1]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0 or k > n:
        raise ValueError(f"top_k: k = {k!r} is not between 0 and the last dimension {n}")
    indices = _order(values, -1, descending=True)[..., : int(k)]
    return tf.constant(np.take_along_axis(values, indices, axis=-1)), tf.constant(indices)


def top_k_accuracy(scores: ArrayLike, labels: ArrayLike, ks: Sequence[int] = (1,)) -> tf.Tensor:
    """For each k, the fraction of rows where fewer than k classes outscore the label."""
    table, truth = _array(scores), _array(labels)
    if table.ndim != 2 or len(table) == 0 or truth.shape != (len(table),):
        raise ValueError(f"top_k_accuracy: bad shape: scores {table.shape} (want [n, classes], "
                         f"n >= 1), labels {truth.shape} (want [n])")
    classes = table.shape[1]
    if ((truth < 0) | (truth >= classes)).any():
        raise ValueError(f"top_k_accuracy: a label is not a class 0..{classes - 1}: "
                         f"{truth.tolist()}")
    ks = [int(k) for k in ks]
    if len(ks) == 0 or min(ks) < 1 or max(ks) > classes:
        raise ValueError(f"top_k_accuracy: each k must be in 1..{classes}, got {ks}")
    own = table[np.arange(len(table)), truth.astype(np.int64)]
    better = (table > own[:, None]).sum(axis=1)
    return tf.constant([np.mean(better < k) for k in ks], dtype=tf.float32)

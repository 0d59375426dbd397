"""Creating tensors: constant fills, seeded random samples, and shuffling pairs together.

Notes: 创建tensor (TensorFlow → 基本操作 → 创建tensor).

You learn the constructors every model starts from: `tf.zeros`, `tf.ones`, `tf.fill` and
their `*_like` twins (which keep the dtype as well as the shape); sampling from normal,
truncated normal and uniform distributions in a way that is reproducible (the same seed
gives the same numbers on every call, which the stateful `tf.random.normal(..., seed=s)`
does not in eager mode; the stateless `tf.random.stateless_*` ops do); and how to shuffle
features and labels together without breaking which label belongs to which example:
shuffle the indices `tf.range(n)`, then gather both arrays with the same shuffled indices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

TensorLike = tf.Tensor | np.ndarray | Sequence


def zeros(shape: Sequence[int], dtype: tf.DType = tf.float32) -> tf.Tensor:
    """A tensor of the given shape, filled with 0, of the given dtype (float32 by default).

    `shape` is a list or tuple of non-negative ints (`[]` gives a scalar). A negative
    dimension raises ValueError.

    Notes: `tf.zeros(shape)`.
    """
    _check_shape(shape)
    return tf.fill(list(shape), tf.cast(0, dtype))


def ones(shape: Sequence[int], dtype: tf.DType = tf.float32) -> tf.Tensor:
    """A tensor of the given shape, filled with 1, of the given dtype (float32 by default).

    A negative dimension in `shape` raises ValueError.

    Notes: `tf,ones(shape)` (a typo for `tf.ones(shape)`).
    """
    _check_shape(shape)
    return tf.fill(list(shape), tf.cast(1, dtype))


def fill(shape: Sequence[int], value: int | float) -> tf.Tensor:
    """A tensor of the given shape with every element equal to `value`.

    The dtype follows the value, as TensorFlow infers it: a Python int gives int32, a Python
    float gives float32. A negative dimension in `shape` raises ValueError.

    Notes: `tf.fill(shape,elem)`.
    """
    _check_shape(shape)
    return tf.constant(value) + tf.zeros(shape, dtype=tf.constant(value).dtype)


def zeros_like(x: TensorLike) -> tf.Tensor:
    """Zeros with the shape AND the dtype of `x` (a tensor or a NumPy array).

    An int32 `x` gives int32 zeros, a uint8 image gives uint8 zeros, a float64 array gives
    float64 zeros, a bool `x` gives False everywhere.

    Notes: `tf.zeros_like(a)  # 初始化一个和a一样维度的(shape)`.
    """
    x = tf.convert_to_tensor(x)
    return tf.cast(tf.zeros(tf.shape(x)), x.dtype)


def ones_like(x: TensorLike) -> tf.Tensor:
    """Ones with the shape AND the dtype of `x` (a tensor or a NumPy array).

    A bool `x` gives True everywhere.

    Notes: `tf.zeros_like(a)`, and its twin for ones.
    """
    x = tf.convert_to_tensor(x)
    return tf.cast(tf.ones(tf.shape(x)), x.dtype)


def normal(
    shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0, *, seed: int
) -> tf.Tensor:
    """float32 samples of the normal distribution N(mean, stddev**2), of the given shape.

    `stddev` is the standard deviation (not the variance). The same `seed` must give the
    same values on every call, whatever happened to TensorFlow's global random state in
    between, and different seeds give different values. The function leaves the global
    random state alone (it does not call `tf.random.set_seed`).

    Raises ValueError for a negative `stddev` or a negative dimension in `shape`.

    Notes: `tf.random.normal(shape,mean=1,stddev=1)`. In eager mode
    `tf.random.normal(shape, seed=s)` gives different numbers on each call (the op keeps a
    counter); a reproducible draw needs a stateless op or a generator made from the seed.
    """
    _check_shape(shape)
    if stddev < 0:
        raise ValueError(f"stddev must be >= 0, got {stddev}")
    return mean + stddev * tf.random.Generator.from_seed(seed).normal(shape)


def truncated_normal(
    shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0, *, seed: int
) -> tf.Tensor:
    """float32 samples of N(mean, stddev**2) truncated to within 2 stddev of the mean.

    Every value lies in [mean - 2*stddev, mean + 2*stddev]: samples outside are redrawn,
    not clipped to the edges (clipping piles values up at the bounds). The spread of the
    result is therefore about 0.88 * stddev. Same seed, same values, on every call; the
    global random state is left alone.

    Raises ValueError for a negative `stddev` or a negative dimension in `shape`.

    Notes: `tf.random.truncated_normal(...)  # 截断的正态分布`. ERRATA: the notes'
    `tf.Variable(tf.random.truncated_normal([784,256]),stddev=0.1)` has a misplaced
    parenthesis; the working form is `tf.random.truncated_normal([784, 256], stddev=0.1)`.
    """
    _check_shape(shape)
    if stddev < 0:
        raise ValueError(f"stddev must be >= 0, got {stddev}")
    return mean + stddev * tf.random.Generator.from_seed(seed).truncated_normal(shape)


def uniform(
    shape: Sequence[int], minval: float = 0.0, maxval: float = 1.0, *, seed: int
) -> tf.Tensor:
    """float32 samples of the uniform distribution on [minval, maxval), of the given shape.

    `maxval` is the upper bound, not the width of the interval (float32 rounding of
    minval + u * (maxval - minval) may, rarely, land on maxval itself). Same seed, same
    values, on every call; the global random state is left alone.

    Raises ValueError when `minval >= maxval` (TensorFlow's float sampler does not check
    this and silently returns numbers outside the interval you meant), or for a negative
    dimension in `shape`.

    Notes: `tf.random.uniform(shape,minval=0,maxval=1)`. ERRATA: the notes' older
    `tf.random_uniform` raises AttributeError; the working form is `tf.random.uniform`.
    """
    _check_shape(shape)
    if not minval < maxval:
        raise ValueError(f"need minval < maxval, got minval={minval}, maxval={maxval}")
    u = tf.random.Generator.from_seed(seed).uniform(shape)
    return minval + (maxval - minval) * u


def shuffle_together(x: TensorLike, y: TensorLike, *, seed: int) -> tuple[tf.Tensor, tf.Tensor]:
    """A tuple `(x_shuffled, y_shuffled)`: the rows (axis 0) of `x` and `y` in one same random
    order.

    `x` and `y` are paired row by row (an image and its label): after shuffling, row i of
    `x_shuffled` must still sit next to its own label at row i of `y_shuffled`. Shapes and
    dtypes are kept; only the order of the rows changes. The same `seed` gives the same
    order on every call; the global random state is left alone.

    Raises ValueError when `x` or `y` is a scalar (no rows), or when they have different
    numbers of rows.

    Notes: `idx = tf.range(10)` then `idx = rf.random.shuffle(idx)`, and gather both arrays
    with `idx`. ERRATA: `rf.random.shuffle` is a typo for `tf.random.shuffle`; and like
    `tf.random.normal`, `tf.random.shuffle(idx, seed=s)` gives a different order on each
    call in eager mode, so a reproducible order needs a stateless shuffle.
    """
    x = tf.convert_to_tensor(x)
    y = tf.convert_to_tensor(y)
    if x.shape.rank == 0 or y.shape.rank == 0:
        raise ValueError(
            f"x and y need a first axis (rows) to shuffle, got shapes {x.shape} and {y.shape}"
        )
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x and y must have the same number of rows, got {x.shape[0]} and {y.shape[0]}"
        )
    order = np.random.default_rng(seed).permutation(int(x.shape[0]))
    return tf.gather(x, order), tf.gather(y, order)


def _check_shape(shape: Sequence[int]) -> None:
    for d in shape:
        if d < 0:
            raise ValueError(f"negative dimension {d} in shape {list(shape)}")

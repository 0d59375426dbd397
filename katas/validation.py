"""Validation: train / validation / test splits, k-fold indices, `validation_split`, and
reading a history for the epoch where over-fitting starts.

From the notes: 过拟合和欠拟合 › 检查overfitting › 交叉验证 and K-fold cross-validation.

A model is judged on data it never trained on. The notes cut the data in three: a training
set, a validation set to choose epochs and settings by, and a test set that nothing ever
touches until the end (otherwise its score flatters the model). You cut such splits without
overlap and in the proportions asked, compute k-fold cross-validation folds (scikit-learn's
`KFold` is the oracle), find out which rows Keras' `fit(validation_split=...)` really holds
out — NOT a random 10%, whatever the notes say — and read a training history to name the
epoch where the model starts to over-fit.

What changed since the notes: `network.fit(db, validation_split=0.1)  # 按照9:1随机切分`
is neither random nor possible with a Dataset. Keras 3 refuses `validation_split` for a
`tf.data.Dataset` (ValueError: "only supported for tensors or NumPy arrays"), and for arrays
it holds out the LAST rows, taken before `fit` shuffles anything. Split explicitly
(`split_indices`) and pass `validation_data=`. The notes' `optimizers.Adam(lr=0.01)` is a
ValueError (`learning_rate=`) and `tf.loss.CategoricalCrossentropy` does not exist
(`keras.losses.CategoricalCrossentropy`); their `network.evaluate(ds_val)  # test set`
evaluates the TEST set, whatever the variable is called.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

ArrayLike = Sequence | np.ndarray


def split_indices(n: int, val_fraction: float, test_fraction: float, seed: int = 0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`(train, val, test)`: the row indices `0..n-1` shuffled and cut into three sets.

    Notes (交叉验证): "一般情况下会把数据集切分(splitting)成三份, 作用分别是train set, val set,
    test set". Every index `0..n-1` lands in exactly one of the three (no overlap, nothing
    lost). The test set has `round(test_fraction * n)` indices and the validation set
    `round(val_fraction * n)` (the nearest integer; at an exact half, either neighbour);
    the training set has the rest. Which indices go where is random, drawn from `seed`
    (`np.random.default_rng(seed).permutation(n)`, say, cut into pieces): the same seed
    gives the same split, another seed another one, and the sets are not simply the first
    or last rows.

    Returns three 1-D NumPy integer arrays, in any order within each.

    Raises ValueError when `n` < 1, a fraction is outside [0, 1) (with "fraction" in the
    message), or the training set would be empty (with "train").
    """
    raise NotImplementedError("split_indices: your code here")


def split_data(x: ArrayLike, y: ArrayLike, val_fraction: float, test_fraction: float,
               seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """`((x_train, y_train), (x_val, y_val), (x_test, y_test))`, rows cut by `split_indices`.

    Notes (K-fold cross-validation): `shuffle(db)  # 打散`, `splices()  # 切割`. Each
    example stays with its own label: take the same indices from `x` and from `y`
    (`x[idx]`, `y[idx]`) — shuffling `x` and `y` separately would pair images with other
    images' labels. The pieces are NumPy arrays with `x`'s and `y`'s dtypes and trailing
    shapes, and the splits are `split_indices(len(x), val_fraction, test_fraction, seed)`'s.

    Raises ValueError when `x` and `y` differ in length (with "length"), and as
    `split_indices` does.
    """
    raise NotImplementedError("split_data: your code here")


def kfold_indices(n: int, k: int, seed: int | None = None
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The `k` folds of k-fold cross-validation: a list of `(train, val)` index arrays.

    Notes (K-fold cross-validation): "train set和val set可以随机的切分" — every row is
    validated on exactly once, by the model trained on the other `k - 1` parts. Write it by
    hand; scikit-learn's `KFold(n_splits=k)` is the oracle.

    The rows (`0..n-1`, or with a `seed` the permutation
    `np.random.default_rng(seed).permutation(n)`) are cut in order into `k` consecutive
    parts, the first `n % k` parts one longer than the others (`n // k + 1` rows, then
    `n // k`). Fold `i` validates on part `i` and trains on all the other rows. Without a
    seed the folds are exactly `list(KFold(n_splits=k).split(range(n)))`.

    Returns a list of `k` pairs of 1-D NumPy integer arrays, each array sorted ascending.

    Raises ValueError when `k` < 2 or `k` > `n` (with "k" in the message).
    """
    raise NotImplementedError("kfold_indices: your code here")


def validation_split_rows(n: int, validation_split: float) -> tuple[np.ndarray, np.ndarray]:
    """`(train_rows, val_rows)`: the rows `fit(x, y, validation_split=...)` trains and
    validates on, for `n` rows of arrays.

    Notes (K-fold cross-validation): `network.fit(db, validation_split=0.1)  # 按照9:1随机切分`.
    Keras 3 does NOT split at random: it cuts at `split_at = floor(n * (1 - validation_split))`
    computed in floating point exactly so (`math.floor(n * (1.0 - validation_split))`), trains
    on rows `0..split_at-1` and validates on the LAST rows `split_at..n-1`, before any
    shuffling (`shuffle=True` only shuffles the training rows, each epoch). Sorted data (all
    the 9s at the end, say) thus gives a validation set of one class. The floating point
    matters: for `n=100, validation_split=0.9`, `1 - 0.9` is 0.09999999999999998, and Keras
    trains on 9 rows, not 10. And a `tf.data.Dataset` takes no `validation_split` at all.

    Returns two 1-D NumPy integer arrays, in ascending order.

    Raises ValueError when `validation_split` is not strictly between 0 and 1, or when either
    part would be empty (Keras raises ValueError then too).
    """
    raise NotImplementedError("validation_split_rows: your code here")


def overfitting_epoch(history: Mapping[str, Sequence[float]]) -> int | None:
    """The 0-based epoch at which over-fitting starts in a training history, or None.

    Notes (过拟合和欠拟合, Early Stopping): over-fitting is the model learning the noise of its
    training data: the training loss keeps falling while the validation loss has passed its
    minimum and rises.

    `history`: a dict like `model.fit(...).history`, with lists `"loss"` and `"val_loss"`
    of one value per epoch (epoch 0 first). The best epoch is the one with the lowest
    validation loss (the first of them at a tie). Over-fitting starts at the epoch after it,
    provided the training loss went on falling: the last epoch's training loss is below the
    best epoch's. Return None when the best epoch is the last one (no over-fitting seen yet)
    or when the training loss did not fall after it (that is not over-fitting: the training
    itself went wrong).

    Returns a Python int or None.

    Raises ValueError when `"loss"` or `"val_loss"` is missing (naming it in the message),
    empty, or the two differ in length (with "length").
    """
    raise NotImplementedError("overfitting_epoch: your code here")

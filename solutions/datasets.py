"""Feeding data with tf.data: slices, shuffle, map, batch, repeat, and the embedded digits.

From the notes: 神经网络与全连接层 › 「数据集的加载(小型)」.

A `tf.data.Dataset` is a stream of elements that TensorFlow can prepare while the model
trains. You turn a pair of NumPy arrays into a dataset of `(image, label)` pairs with
`from_tensor_slices`, shuffle it without separating images from their labels, `map` a
preprocessing function over it (scale pixels to [0, 1] floats, one-hot the labels), cut it
into batches and repeat it for several epochs, in the notes' order: shuffle, map, batch,
repeat. The order matters: batching before repeating keeps each epoch's batches apart, and
shuffling before repeating gives every epoch each example exactly once. Finally you build
the train and test pipelines for the digits set that ships with the project, the stand-in
for the notes' `keras.datasets.mnist.load_data()` (which downloads). The notes write
`tf.data.Dataset.from_tenfor_slices(x_test,y_test)`: a typo, and two positional arrays are
wrong too (ERRATA.md) — the pair goes in as one tuple, `from_tensor_slices((x, y))`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from tf_katas.data import load_digits

ArrayLike = Sequence | np.ndarray | tf.Tensor

NUM_CLASSES = 10


def make_dataset(x: ArrayLike, y: ArrayLike) -> tf.data.Dataset:
    """A dataset of `(x[i], y[i])` pairs, one element per row.

    Notes: `db = tf.data.Dataset.from_tenfor_slices(x_test,y_test)`,
    `next(iter(db))[0].shape`. Broken twice (ERRATA.md): the name is `from_tensor_slices`,
    and its second positional argument is `name`, not the labels; pass one tuple,
    `from_tensor_slices((x, y))`. (`from_tensors` would make ONE element of the whole arrays.)

    `x`: an array of shape `[n, ...]`, `y`: an array of shape `[n, ...]`, any dtypes, kept
    as they are. Returns a `tf.data.Dataset` of `n` elements, each a tuple
    `(x[i], y[i])` of tensors (shapes `x.shape[1:]` and `y.shape[1:]`), in order.

    Raises ValueError when `x` and `y` have different numbers of rows (the message gives
    both counts), or either is a scalar.
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("make_dataset needs arrays with one row per example, got a scalar")
    if len(x) != len(y):
        raise ValueError(f"make_dataset: x has {len(x)} rows but y has {len(y)}: "
                         "every example needs exactly one label")
    return tf.data.Dataset.from_tensor_slices((x, y))


def shuffle_pairs(dataset: tf.data.Dataset, buffer_size: int,
                  seed: int | None = None) -> tf.data.Dataset:
    """`dataset` in a random order, each element (an `(x, y)` pair) kept whole.

    Notes: `db = db.shuffle(10000)  # 打散,但x和y的对应关系不打撒, 参数?给大点就是了`.
    `Dataset.shuffle` fills a buffer of `buffer_size` elements and draws from it at random:
    a buffer at least as large as the dataset gives a uniformly random permutation, a
    buffer of 1 no shuffling at all. Shuffling `x` and `y` separately (two calls to
    `tf.random.shuffle`) would break the pairs.

    Returns a `tf.data.Dataset` with the same elements in a shuffled order; with a `seed`,
    the same order on every call with that seed (each new pass over the returned dataset,
    e.g. each epoch, is reshuffled, which `shuffle` does by default).

    Raises ValueError (with "buffer_size" in the message) when `buffer_size` is smaller
    than 1.
    """
    if buffer_size < 1:
        raise ValueError(f"shuffle_pairs: buffer_size must be at least 1, got {buffer_size}")
    return dataset.shuffle(buffer_size, seed=seed)


def preprocess(x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """The function to `map` over a dataset of `(image, label)` pairs.

    Notes: `db2 = db.map(func)  # 对db里的每个元素进行func里的操作`, "每个元素是(x,y),func函数
    的参数的x,y返回的是处理后的x,y".

    `x`: a uint8 image (any shape) with pixels in [0, 255]; `y`: an integer class label in
    0..9 (a scalar, or a vector of labels). Returns the pair `(x / 255, one_hot(y))`: the
    image as float32 in [0, 1] (divide by 255, the largest uint8, not by the image's own
    maximum; cast before dividing), and the label one-hot over `NUM_CLASSES` = 10 classes,
    float32, shape `y.shape + (10,)`. It runs inside `Dataset.map`, i.e. on symbolic
    tensors: TensorFlow ops only, no `.numpy()`.
    """
    image = tf.cast(x, tf.float32) / 255.0
    label = tf.one_hot(tf.cast(y, tf.int32), depth=NUM_CLASSES, dtype=tf.float32)
    return image, label


def pipeline(x: ArrayLike, y: ArrayLike, batch_size: int, shuffle_buffer: int | None = None,
             epochs: int | None = 1, seed: int | None = None) -> tf.data.Dataset:
    """The notes' whole pipeline: slices, shuffle, map, batch, repeat — in that order.

    Notes: `db.shuffle(10000)`, `db2 = db.map(func)`, `db3 = db2.batch(42)  # 不再一次读取
    一组数据,一次读取指定数量的数据`, `db4 = db3.repeat(2)  # 重复迭代2次`,
    `db4 = db3.repeat()  # 无限重复`.

    From uint8 images `x` `[n, ...]` and integer labels `y` `[n]`: `make_dataset`, then
    `shuffle_pairs` with `shuffle_buffer` and `seed` (no shuffling when `shuffle_buffer` is
    None), then `preprocess`, then batches of `batch_size` (the last batch of an epoch
    may be smaller: nothing is dropped), then `epochs` passes (None: repeat forever).

    Returns a `tf.data.Dataset` of `(images, labels)` batches: float32 `[b, ...]` in
    [0, 1] and float32 one-hot `[b, 10]`. With n = 10, batch_size = 4 and epochs = 2 the
    batch sizes are 4, 4, 2, 4, 4, 2 (repeating before batching would give 4, 4, 4, 4, 4,
    mixing epochs), and each epoch holds every example exactly once.

    Raises ValueError when `batch_size` or `epochs` (if not None) is smaller than 1 (naming
    the argument in the message), or as `make_dataset` and `shuffle_pairs` do.
    """
    if batch_size < 1:
        raise ValueError(f"pipeline: batch_size must be at least 1, got {batch_size}")
    if epochs is not None and epochs < 1:
        raise ValueError(f"pipeline: epochs must be at least 1 (or None: forever), got {epochs}")
    dataset = make_dataset(x, y)
    if shuffle_buffer is not None:
        dataset = shuffle_pairs(dataset, shuffle_buffer, seed)
    dataset = dataset.map(preprocess).batch(batch_size)
    return dataset.repeat(epochs)


def digits_datasets(batch_size: int = 128,
                    seed: int | None = 0) -> tuple[tf.data.Dataset, tf.data.Dataset]:
    """Train and test pipelines over the embedded 28x28 digits, the notes' MNIST stand-in.

    Notes: `(x,y),(x_test,y_test) = keras.datasets.mnist.load_data()`, which downloads
    (ERRATA.md); load `tf_katas.data.load_digits(28)` instead (imported here as
    `load_digits`): 1347 training and 450 test images, uint8 `[n, 28, 28]`, uint8 labels.

    Returns `(train, test)`, each one epoch of `(images, labels)` batches of `batch_size`
    as `pipeline` makes them (float32 images `[b, 28, 28]` in [0, 1], one-hot float32
    labels `[b, 10]`). The training set is shuffled with a buffer as large as the set and
    `seed`; the test set is not shuffled (its batches follow `load_digits`' order).

    Raises ValueError as `pipeline` does.
    """
    (x_train, y_train), (x_test, y_test) = load_digits(28)
    train = pipeline(x_train, y_train, batch_size, shuffle_buffer=len(x_train), seed=seed)
    test = pipeline(x_test, y_test, batch_size)
    return train, test

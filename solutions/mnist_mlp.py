"""Handwritten digits with a from-scratch 3-layer network: Variables, a tape and assign_sub.

From the notes: 手写数字识别,你可能用到 and Discrete Prediction.

Before Keras does it for you, you build a classifier from bare parts, as the notes do:
six `tf.Variable`s for a 784-256-128-10 network initialised from a truncated normal,
images flattened and scaled to [0, 1], labels turned one-hot, a forward pass of
`relu(x @ w + b)` layers, the notes' mean-squared-error loss against the one-hot target,
and plain stochastic gradient descent: a `GradientTape` gives the six gradients and
`assign_sub` updates each Variable in place (原地更新,引用不变,类型不变). Trained on the
digits that ship with scikit-learn (28x28 like MNIST, `tf_katas.data.load_digits(28)`),
it classifies the 450 test digits far better than chance within seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
SIZES = (784, 256, 128, 10)


def _check_lr(lr: float) -> None:
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")


def init_params(sizes: Sequence[int] = SIZES, stddev: float = 0.1) -> list[tf.Variable]:
    """The network's Variables `[w1, b1, w2, b2, w3, b3]`, for layer widths `sizes`.

    Notes (手写数字识别): `w1 = tf.Variable(tf.random.truncated_normal([784,256]),stddev=0.1)`
    and `b1 = tf.Variable(tf.zeros([256]))`. The parenthesis is misplaced (ERRATA.md):
    `stddev` belongs to `truncated_normal`, not to `tf.Variable` (which raises TypeError for
    it); write `tf.Variable(tf.random.truncated_normal([784, 256], stddev=0.1))`. Without
    `stddev` the weights have standard deviation 1, and the network starts out saturated.

    With the default `sizes = (784, 256, 128, 10)`: `w1 [784, 256]`, `b1 [256]`,
    `w2 [256, 128]`, `b2 [128]`, `w3 [128, 10]`, `b3 [10]`. Each weight is drawn from a
    normal of mean 0 and standard deviation `stddev` truncated at 2 standard deviations
    (draw from TensorFlow's global random generator, so `tf.random.set_seed` makes it
    repeatable); each bias is zeros. All are trainable float32 `tf.Variable`s.

    Raises ValueError when `sizes` has fewer than 2 widths or a width below 1 (with "sizes" in
    the message), or when `stddev <= 0` (with "stddev").
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must be at least 2 positive layer widths, got {sizes}")
    if not stddev > 0:
        raise ValueError(f"stddev must be positive, got {stddev}")
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        params.append(tf.Variable(tf.random.truncated_normal([fan_in, fan_out], stddev=stddev)))
        params.append(tf.Variable(tf.zeros([fan_out])))
    return params


def preprocess(images: ArrayLike, labels: ArrayLike, depth: int = 10
               ) -> tuple[tf.Tensor, tf.Tensor]:
    """`(x, y_onehot)`: images as float32 rows in [0, 1], labels as float32 one-hot rows.

    Notes (手写数字识别): `xs = tf.convert_to_tensor(xs, dtype=tf.float32) / 255.`,
    `x = tf.reshape(x, [-1, 28*28])` and `y_onehot = tf.one_hot(y, depth=10)`.

    `images` are uint8 `[n, h, w]` (0..255); `x` is `[n, h * w]`, each image flattened row
    by row and divided by 255. `labels` are `n` integers in `0..depth-1`; `y_onehot` is
    `[n, depth]` with a single 1 per row.

    Raises ValueError when `images` is not 3-D (with "3-D" in the message), when the number of
    labels differs from the number of images (with "label"), or when a label is outside
    `0..depth-1` (with that range, e.g. "0..9": `tf.one_hot` would silently give a row of
    zeros).
    """
    images = tf.convert_to_tensor(images)
    labels = np.asarray(labels)
    if images.shape.rank != 3:
        raise ValueError(f"images must be 3-D [n, height, width], got shape {images.shape}")
    if labels.shape != (images.shape[0],):
        raise ValueError(f"expected one label per image ({images.shape[0]}), got labels of "
                         f"shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= depth):
        raise ValueError(f"labels must lie in 0..{depth - 1}, got {labels.min()}..{labels.max()}")
    x = tf.reshape(tf.cast(images, tf.float32) / 255.0, [images.shape[0], -1])
    return x, tf.one_hot(labels.astype(np.int64), depth=depth, dtype=tf.float32)


def forward(params: Sequence[tf.Variable], x: ArrayLike) -> tf.Tensor:
    """The network's output `[n, 10]` for inputs `x [n, 784]`.

    Notes (Discrete Prediction): `h1 = relu(x@w1 + b1)`, `h2 = relu(h1@w2 + b2)`,
    `out = relu(h2@w3 + b3)`. The hidden layers use relu; the output layer here is linear,
    `out = h2 @ w3 + b3`, without the notes' last relu: with the MSE loss a relu output that
    goes negative for a class has zero gradient and can stay stuck at 0.

    `params` is `[w1, b1, w2, b2, w3, b3]` as `init_params` makes them (any layer widths:
    relu after every layer except the last). Returns a float32 tensor.
    """
    h = tf.cast(tf.convert_to_tensor(x), tf.float32)
    layers = list(zip(params[0::2], params[1::2], strict=True))
    for index, (w, b) in enumerate(layers):
        h = h @ w + b
        if index < len(layers) - 1:
            h = tf.nn.relu(h)
    return h


def mse_loss(out: ArrayLike, y_onehot: ArrayLike) -> tf.Tensor:
    """The notes' loss: the mean over all elements of `(y_onehot - out) ** 2`, a scalar.

    Notes (手写数字识别): `loss = tf.square(y_onehot - out)`, `loss = tf.reduce_mean(loss)`.
    Returns a 0-d float32 tensor.

    Raises ValueError (with "shape" in the message) when `out` and `y_onehot` differ in
    shape.
    """
    out = tf.cast(tf.convert_to_tensor(out), tf.float32)
    y_onehot = tf.cast(tf.convert_to_tensor(y_onehot), tf.float32)
    if out.shape != y_onehot.shape:
        raise ValueError(f"out and y_onehot must have the same shape, got {out.shape} and "
                         f"{y_onehot.shape}")
    return tf.reduce_mean(tf.square(y_onehot - out))


def sgd_step(params: Sequence[tf.Variable], x: ArrayLike, y_onehot: ArrayLike, lr: float
             ) -> tf.Tensor:
    """One step of SGD on a batch: updates every Variable in `params` in place.

    Notes (手写数字识别): `with tf.GradientTape() as tape: ... loss = ...`,
    `grads = tape.gradient(loss, [w1,b1,w2,b2,w3,b3])`, `w1.assign_sub(lr*grads[0])
    # 原地更新,引用不变,类型不变`. Compute `mse_loss(forward(params, x), y_onehot)` under a
    tape, take its gradient for all six Variables, and `assign_sub(lr * grad)` each one.
    `w1 = w1 - lr * grads[0]` would make a new tensor instead: the caller's Variables would
    not change, and the next tape would not track the result.

    Returns the batch's loss before the update (a 0-d float tensor).

    Raises ValueError (with "learning rate" in the message) when `lr <= 0`.
    """
    _check_lr(lr)
    with tf.GradientTape() as tape:
        loss = mse_loss(forward(params, x), y_onehot)
    grads = tape.gradient(loss, list(params))
    for variable, grad in zip(params, grads, strict=True):
        variable.assign_sub(lr * grad)
    return loss


def accuracy(params: Sequence[tf.Variable], x: ArrayLike, labels: ArrayLike) -> float:
    """The fraction of rows of `x` whose largest output is at their label: a Python float.

    The predicted class of a row is the argmax of its 10 outputs (`tf.argmax(out, axis=1)`);
    compare it with the integer `labels` (not one-hot), count the matches and divide by n.

    Raises ValueError (with "label" in the message) when the number of labels differs from
    the number of rows of `x`.
    """
    out = forward(params, x)
    labels = tf.cast(tf.reshape(tf.convert_to_tensor(labels), [-1]), tf.int64)
    if labels.shape[0] != out.shape[0]:
        raise ValueError(f"expected one label per row of x ({out.shape[0]}), got "
                         f"{labels.shape[0]}")
    correct = tf.equal(tf.argmax(out, axis=1), labels)
    return float(tf.reduce_mean(tf.cast(correct, tf.float32)))


def train(params: Sequence[tf.Variable], images: ArrayLike, labels: ArrayLike,
          epochs: int = 15, lr: float = 0.1, batch_size: int = 32, seed: int = 0
          ) -> list[float]:
    """Trains the network on `(images, labels)` in place; returns each epoch's mean loss.

    Notes (手写数字识别): `for epoch in range(10): for step, (x, y) in enumerate(train_db):`
    with `train_db = tf.data.Dataset.from_tensor_slices((x, y)).batch(128)` (the notes'
    `from_tenfor_slices` is a typo, ERRATA.md). Preprocess with `preprocess`, then every
    epoch shuffle the pairs (`.shuffle(n, seed=seed)`, which keeps each image with its
    label and reshuffles each epoch), cut them into batches of `batch_size` (the last one
    may be smaller) and call `sgd_step` on each batch. The Variables in `params` are the
    ones trained: the caller sees them change.

    Returns a list of `epochs` Python floats: the mean of the batch losses of each epoch.

    Raises ValueError when `lr <= 0` (with "learning rate" in the message), when `epochs` or
    `batch_size` is below 1 (naming it), and for the data `preprocess` refuses, as it does.
    """
    _check_lr(lr)
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be at least 1, got {epochs}, {batch_size}")
    x, y_onehot = preprocess(images, labels)
    batches = (tf.data.Dataset.from_tensor_slices((x, y_onehot))
               .shuffle(int(x.shape[0]), seed=seed).batch(batch_size))
    step = tf.function(sgd_step)
    history = []
    for _ in range(epochs):
        losses = [float(step(params, xb, yb, lr)) for xb, yb in batches]
        history.append(float(np.mean(losses)))
    return history

"""Loss functions by hand: MSE, entropy in bits, cross-entropy, KL, binary and categorical
cross-entropy.

From the notes: 神经网络与全连接层 › 「损失函数的计算」, 「标差熵」 (entropy), and
「交叉熵 Cross Entropy」.

A loss says how far a prediction is from the truth. You write the mean squared error, then
the information-theory family the notes derive the classification loss from: the entropy of a
distribution `H(p) = -Σ p log2 p` (in bits: the notes' formulas use log2), the cross-entropy
`H(p, q) = -Σ p log2 q`, and the KL divergence `D(p||q)` that links them,
`H(p, q) = H(p) + D(p||q)`. Then the two losses Keras trains with, in nats (natural log, as
`keras.losses` computes them): binary cross-entropy, and categorical cross-entropy from
probabilities or straight from logits. The two forms agree on ordinary inputs, but only the
one from logits survives logits of ±1000 (the notes: "这样能处理logits转换成prob时的错误"):
through `log(softmax)` written as `logits - logsumexp(logits)`, it never takes the log of a
probability that rounded to 0. The notes' worked example has a slip (ERRATA.md): they write
`-log2(0.4) = 0.916`, but 0.916 is `-ln(0.4)`; `-log2(0.4)` is 1.32 bits.

All functions take numbers, (nested) lists, NumPy arrays or tensors. Floating-point inputs
keep their dtype (float32 stays float32, float64 stays float64: the finite-difference checks
run in float64); anything else becomes float32. Checks on values (probabilities in [0, 1])
run on eager inputs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

EPSILON = 1e-7  # keras.config.epsilon(): how close to 0 and 1 probabilities are clipped


def _as_float(x: ArrayLike, dtype: tf.DType | None = None) -> tf.Tensor:
    tensor = tf.convert_to_tensor(x)
    if dtype is not None:
        return tf.cast(tensor, dtype)
    if not tensor.dtype.is_floating:
        tensor = tf.cast(tensor, tf.float32)
    return tensor


def _pair(a: ArrayLike, b: ArrayLike, names: str, what: str) -> tuple[tf.Tensor, tf.Tensor]:
    b = _as_float(b)
    a = _as_float(a, b.dtype)
    if a.shape != b.shape:
        raise ValueError(f"{what}: {names} must have the same shape, got {a.shape} and {b.shape}")
    return a, b


def _check_probabilities(p: tf.Tensor, name: str, what: str) -> None:
    if tf.executing_eagerly():
        values = p.numpy()
        if np.any(values < 0) or np.any(values > 1) or np.any(np.isnan(values)):
            raise ValueError(f"{what}: {name} must hold probabilities in [0, 1], got "
                             f"values from {values.min()} to {values.max()}")


def _check_axis(tensor: tf.Tensor, axis: int, what: str) -> None:
    rank = tensor.shape.rank
    if rank == 0:
        raise ValueError(f"{what} needs at least one axis (the classes), got a scalar")
    if not -rank <= axis < rank:
        raise ValueError(f"{what}: axis {axis} is out of range for a tensor of rank {rank}")


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> tf.Tensor:
    """The mean squared error `1/N Σ (y - out)^2` over every element.

    Notes (损失函数的计算): `loss1 = tf.reduce_mean(tf.square(y-out))`,
    `loss2 = tf.reduce_mean(tf.losses.MSE(y,out))`, "loss1 = loss2 等价".

    `y_true` and `y_pred` have the same shape. Returns a scalar tensor (shape `()`) of
    `y_pred`'s float dtype.

    Raises ValueError (with "shape" in the message) when the shapes differ: `[4]` against
    `[4, 1]` would broadcast to a 4 x 4 grid of differences and give a wrong loss without a
    word.
    """
    y_true, y_pred = _pair(y_true, y_pred, "y_true and y_pred", "mse")
    return tf.reduce_mean(tf.square(y_true - y_pred))


def entropy(p: ArrayLike, axis: int = -1) -> tf.Tensor:
    """The entropy of distribution(s) `p` along `axis`, in bits: `-Σ p log2 p`.

    Notes (标差熵): `Entropy = -Σ P(i) log2 P(i)`, "不确定度 ... lower entropy -> more info";
    (交叉熵) `h(p:[0,1,0]) = -1 log2 1 = 0`. In bits, log base 2: a fair coin has 1 bit, four
    equally likely outcomes 2 bits (the natural log would say 1.386). `0 log 0` counts as 0
    (its limit), not NaN.

    Returns a tensor of `p`'s shape without `axis` (a scalar for a single distribution), of
    `p`'s float dtype.

    Raises ValueError when `p` holds values outside [0, 1] (with "[0, 1]" in the message), is
    a scalar, or `axis` is outside `[-rank, rank)` (with "axis").
    """
    p = _as_float(p)
    _check_axis(p, axis, "entropy")
    _check_probabilities(p, "p", "entropy")
    safe = tf.where(p > 0, p, tf.ones_like(p))
    return -tf.reduce_sum(p * tf.math.log(safe), axis=axis) / math.log(2.0)


def cross_entropy(p: ArrayLike, q: ArrayLike, axis: int = -1) -> tf.Tensor:
    """The cross-entropy `H(p, q) = -Σ p log2 q` along `axis`, in bits.

    Notes (交叉熵): `H(p,q) = -Σ p(x) log2 q(x)`, and the worked example: the one-hot
    `P1 = [1,0,0,0,0]` against the outputs `Q1 = [0.4,0.3,0.05,0.05,0.5]` gives
    `-log2(0.4) = 0.916` — the number is a slip (ERRATA.md): 0.916 is `-ln(0.4)`, and
    `-log2(0.4) = 1.3219` bits. Compute exactly the formula: `q` is not renormalised (the
    notes' `Q1` sums to 1.3). The notes also write `H([0,1,0],[q1,q2,q3]) = -1 log q_1`: with
    the 1 in the second place it is `-log2 q_2`.

    Terms where `p` is 0 count 0, even where `q` is 0 too; a class with `p > 0` and `q = 0`
    makes the cross-entropy infinite (that is its value). Returns a tensor of `p`'s shape
    without `axis`, of `q`'s float dtype.

    Raises ValueError when `p` and `q` differ in shape (with "shape" in the message), either
    holds values outside [0, 1] (with "[0, 1]"), or `axis` is out of range (with "axis").
    """
    p, q = _pair(p, q, "p and q", "cross_entropy")
    _check_axis(p, axis, "cross_entropy")
    _check_probabilities(p, "p", "cross_entropy")
    _check_probabilities(q, "q", "cross_entropy")
    terms = tf.where(p > 0, p * tf.math.log(tf.where(p > 0, q, tf.ones_like(q))),
                     tf.zeros_like(q))
    return -tf.reduce_sum(terms, axis=axis) / math.log(2.0)


def kl_divergence(p: ArrayLike, q: ArrayLike, axis: int = -1) -> tf.Tensor:
    """The Kullback-Leibler divergence `D(p||q) = Σ p log2(p / q)` along `axis`, in bits.

    Notes (交叉熵): `H(p,q) = H(p) + D(p|q)`, "D(p|q)表示p和q的离散度, 当p=q时D(p|q)=0": how
    far `q` is from `p`; zero exactly when they are equal, positive otherwise (for
    distributions that sum to 1), and not symmetric: `D(p||q) != D(q||p)` in general.

    Terms where `p` is 0 count 0; a class with `p > 0` and `q = 0` makes the divergence
    infinite, as it does the cross-entropy. Returns a tensor of `p`'s shape without `axis`, of
    `q`'s float dtype.

    Raises ValueError as `cross_entropy` does.
    """
    p, q = _pair(p, q, "p and q", "kl_divergence")
    _check_axis(p, axis, "kl_divergence")
    _check_probabilities(p, "p", "kl_divergence")
    _check_probabilities(q, "q", "kl_divergence")
    positive = p > 0
    ratio = tf.where(positive, p, tf.ones_like(p)) / tf.where(positive, q, tf.ones_like(q))
    terms = tf.where(positive, p * tf.math.log(ratio), tf.zeros_like(q))
    return tf.reduce_sum(terms, axis=axis) / math.log(2.0)


def binary_cross_entropy(y_true: ArrayLike, y_pred: ArrayLike,
                         from_logits: bool = False) -> tf.Tensor:
    """Binary cross-entropy in nats, averaged over every element.

    Notes (交叉熵): `tf.losses.BinaryCrossentropy()(p,q)  # 类的形式`,
    `tf.losses.binary_crossentropy(p,q)`. For a label y and a predicted probability s:
    `-(y ln s + (1 - y) ln(1 - s))`.

    `y_true`: labels in [0, 1] (usually 0 or 1); `y_pred`: the same shape, probabilities
    (`from_logits=False`) or logits z with `s = sigmoid(z)` (`from_logits=True`).
    Probabilities are clipped to `[EPSILON, 1 - EPSILON]` as Keras does, so 0 and 1 give a
    large finite loss, not inf. From logits, use the form that never overflows,
    `max(z, 0) - z y + ln(1 + exp(-|z|))`: logits of ±1000 give finite values and finite
    gradients. Its gradient with respect to z is `(sigmoid(z) - y) / N` everywhere, z = 0
    included (`tf.abs` has gradient 0 at 0: treat z = 0 as the same side in both terms).

    Returns a scalar tensor of `y_pred`'s float dtype.

    Raises ValueError when the shapes differ (with "shape" in the message) or (from
    probabilities) `y_pred` holds values outside [0, 1] (with "[0, 1]").
    """
    y_true, y_pred = _pair(y_true, y_pred, "y_true and y_pred", "binary_cross_entropy")
    if from_logits:
        positive = y_pred >= 0
        relu = tf.where(positive, y_pred, tf.zeros_like(y_pred))
        minus_abs = tf.where(positive, -y_pred, y_pred)
        losses = relu - y_pred * y_true + tf.math.log1p(tf.exp(minus_abs))
    else:
        _check_probabilities(y_pred, "y_pred", "binary_cross_entropy")
        s = tf.clip_by_value(y_pred, EPSILON, 1 - EPSILON)
        losses = -(y_true * tf.math.log(s) + (1 - y_true) * tf.math.log(1 - s))
    return tf.reduce_mean(losses)


def categorical_cross_entropy(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False,
                              axis: int = -1) -> tf.Tensor:
    """Categorical cross-entropy in nats, one value per example: `-Σ y ln p` along `axis`.

    Notes (交叉熵): `tf.losses.categorical_crossentropy(one_hot,logits,from_logits=True)
    # 这样能处理logits转换成prob时的错误` and `tf.losses.categorical_crossentropy(one_hot,prob)
    # 等价但不推荐`; the example `categorical_crossentropy([1,0,0,0],[0.25,0.25,0.25,0.25])`
    is `ln 4 = 1.386`.

    `y_true`: one-hot labels (or any distributions) along `axis`; `y_pred`: the same shape,
    probabilities summing to 1 along `axis` (`from_logits=False`; clipped to
    `[EPSILON, 1]` before the log, as Keras does) or logits (`from_logits=True`). From
    logits, do not take the log of a softmax: `ln softmax(z) = z - logsumexp(z)`, and
    `logsumexp(z) = m + ln Σ exp(z - m)` with `m = max(z)` never overflows. Logits of ±1000
    must give the exact, finite loss (`[1000, -1000]` with the label on the second class
    costs 2000 nats; through probabilities the softmax rounds to 0 and the clipped log says
    16.1) and a finite gradient, `softmax(z) - y`. Written by hand: no `Softmax`,
    `LogSoftmax` or `SoftmaxCrossEntropyWithLogits` op (the tests trace the `from_logits=True`
    path with `tf.function`: keep checks on values out of it).

    Returns a tensor of the labels' shape without `axis` (shape `[batch]` for `[batch,
    classes]`), of `y_pred`'s float dtype.

    Raises ValueError when the shapes differ (with "shape" in the message), `axis` is out of
    range (with "axis"), or (from probabilities) `y_pred` holds values outside [0, 1] (with
    "[0, 1]").
    """
    y_true, y_pred = _pair(y_true, y_pred, "y_true and y_pred", "categorical_cross_entropy")
    _check_axis(y_pred, axis, "categorical_cross_entropy")
    if from_logits:
        top = tf.reduce_max(y_pred, axis=axis, keepdims=True)
        shifted = y_pred - top
        log_p = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=axis, keepdims=True))
    else:
        _check_probabilities(y_pred, "y_pred", "categorical_cross_entropy")
        log_p = tf.math.log(tf.clip_by_value(y_pred, EPSILON, 1.0))
    return -tf.reduce_sum(y_true * log_p, axis=axis)


def keras_categorical_loss(from_logits: bool) -> keras.losses.Loss:
    """Keras' categorical cross-entropy as an object, the notes' "类的形式".

    Notes (交叉熵): `tf.losses.BinaryCrossentropy()(p,q)`; the notes' `tf.loss.
    CategoricalCrossentropy` raises AttributeError (ERRATA.md): the class is
    `keras.losses.CategoricalCrossentropy` (`tf.losses.CategoricalCrossentropy` still
    aliases it).

    Returns a `keras.losses.Loss` that, called as `loss(y_true, y_pred)` on a batch of one-hot
    labels and predictions, gives the mean over the batch of the categorical cross-entropy
    in nats (a scalar); the predictions are logits when `from_logits` is True, probabilities
    otherwise.
    """
    return keras.losses.CategoricalCrossentropy(from_logits=from_logits)

"""Alternative solution (everything from one stable tanh on exp(-2|x|); softmax as the exp of
the log-softmax; the Jacobian with tf.einsum).

Activation functions by hand: sigmoid, tanh, ReLU, a numerically stable softmax, and their
derivatives. The same contract as solutions/activations.py (its docstrings are the spec),
built the other way round: tanh is written first, from `e = exp(-2|x|)` (never large), as
`±(1 - e) / (1 + e)`, and the sigmoid is `(1 + tanh(x / 2)) / 2`; tanh's derivative is
`4e / (1 + e)**2`. Passing every test of tests/test_activations.py shows the tests accept
any stable form, not just the reference's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _as_float(x: ArrayLike) -> tf.Tensor:
    tensor = tf.convert_to_tensor(x)
    return tensor if tensor.dtype.is_floating else tf.cast(tensor, tf.float32)


def _exp_minus_2_abs(x: tf.Tensor) -> tf.Tensor:
    """exp(-2|x|), with |x| chosen by tf.where so that its gradient at 0 is the x >= 0 side's
    (tf.abs would give 0 there)."""
    return tf.exp(tf.where(x >= 0, -2 * x, 2 * x))


def tanh(x: ArrayLike) -> tf.Tensor:
    x = _as_float(x)
    e = _exp_minus_2_abs(x)
    magnitude = (1 - e) / (1 + e)
    return tf.where(x >= 0, magnitude, -magnitude)


def tanh_derivative(x: ArrayLike) -> tf.Tensor:
    e = _exp_minus_2_abs(_as_float(x))
    return 4 * e / tf.square(1 + e)


def sigmoid(x: ArrayLike) -> tf.Tensor:
    x = _as_float(x)
    return (1 + tanh(x / 2)) / 2


def sigmoid_derivative(x: ArrayLike) -> tf.Tensor:
    x = _as_float(x)
    return tanh_derivative(x / 2) / 4


def relu(x: ArrayLike) -> tf.Tensor:
    x = _as_float(x)
    return tf.where(x > 0, x, tf.zeros_like(x))


def relu_derivative(x: ArrayLike) -> tf.Tensor:
    x = _as_float(x)
    return tf.cast(x > 0, x.dtype)


def softmax(logits: ArrayLike, axis: int = -1) -> tf.Tensor:
    logits = _as_float(logits)
    rank = len(logits.shape)
    if rank == 0:
        raise ValueError("softmax: a scalar has no axis to normalise over")
    if axis >= rank or axis < -rank:
        raise ValueError(f"softmax: axis {axis} does not exist for rank {rank}")
    # exp of the log-softmax: shifted - log(sum(exp(shifted))), shifted by the max first.
    # (exp(z - logsumexp(z)) on the raw logits loses float32 digits at |z| ~ 1000: ulp(1000)
    # is 6e-5, so the docstring's "subtract the maximum first" is the form to follow.)
    shifted = logits - tf.reduce_max(logits, axis=axis, keepdims=True)
    return tf.exp(shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=axis, keepdims=True)))


def softmax_jacobian(logits: ArrayLike) -> tf.Tensor:
    p = softmax(logits)
    eye = tf.eye(p.shape[-1], dtype=p.dtype)
    return tf.einsum("...i,ij->...ij", p, eye) - tf.einsum("...i,...j->...ij", p, p)


def builtin_activations() -> dict[str, Callable[[tf.Tensor], tf.Tensor]]:
    return {"sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu,
            "softmax": tf.nn.softmax}

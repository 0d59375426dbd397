"""Activation functions by hand: sigmoid, tanh, ReLU, a numerically stable softmax, and their
derivatives.

From the notes: 神经网络与全连接层 › 「输出方式」, and 「激活函数 Activation Function」.

An activation squashes a layer's output: sigmoid into (0, 1), tanh into (-1, 1), ReLU cuts
the negatives, softmax turns a vector of logits into probabilities that sum to 1. You write
each one from `tf.exp`, `tf.where`, `tf.maximum` and reductions, without the built-in op that
would do the work (the tests trace your functions with `tf.function` and reject it), and you
write each derivative in closed form: `s(1 - s)`, `1 - tanh^2`, the step function, and the
softmax Jacobian `p_i(δij - p_j)`. The tests compare every derivative three ways: with the
closed form, with `tf.GradientTape`, and with float64 finite differences. The subtle part is
numerical: at logits of ±1000 the textbook formulas overflow (`exp(1000)` is inf in float32
and float64 alike) and give NaN, in the value or in its gradient; your versions must stay
finite there, values and gradients both. The notes call `tf.sigmod`, `tf.softmax` and
`tf.relu`, which do not exist (ERRATA.md): the built-ins are `tf.sigmoid`, `tf.nn.softmax` and
`tf.nn.relu`.

All functions take a number, a (nested) list, a NumPy array or a tensor. Floating-point
inputs keep their dtype (float32 stays float32, float64 stays float64: the finite-difference
checks run in float64); anything else (Python lists of numbers, integers) becomes float32.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def sigmoid(x: ArrayLike) -> tf.Tensor:
    """The logistic function `1 / (1 + exp(-x))`, element-wise, written by hand.

    Notes (激活函数): `f(x) = δ(x) = 1/(1+e^{-x})`, `y = tf.sigmoid(a)`, "可以将范围压缩到[0,1]";
    (输出方式) `y = tf.sigmod(x)`, which raises AttributeError (ERRATA.md): the built-in is
    `tf.sigmoid` — and you may not use it here (no `Sigmoid` op in your graph).

    Returns a tensor of `x`'s shape and float dtype with values in [0, 1]. It must be finite
    everywhere, and so must its gradient (through `tf.GradientTape`): the literal formula
    gives `exp(1000) = inf` at x = -1000, and its gradient there is `inf / inf = NaN`. Pick
    the form that never exponentiates a large positive number: `1/(1+exp(-x))` for x >= 0
    and `exp(x)/(1+exp(x))` for x < 0. (Careful: `tf.where` back-propagates through the
    branch it did not pick too, so neither branch may overflow for any x.)
    """
    raise NotImplementedError("sigmoid: your code here")


def sigmoid_derivative(x: ArrayLike) -> tf.Tensor:
    """The derivative of the sigmoid at `x`, in closed form: `s(x) * (1 - s(x))`.

    Notes (激活函数): "当x接近无穷时，导数几乎为零，导致梯度离散" — the derivative vanishes for
    large |x| (it is 1/4 at 0): finite and close to 0 at ±1000, never NaN.

    Returns a tensor of `x`'s shape and float dtype. Written by hand: no `Sigmoid` or
    `SigmoidGrad` op, and no `tf.GradientTape` (the tests use the tape as the oracle).
    """
    raise NotImplementedError("sigmoid_derivative: your code here")


def tanh(x: ArrayLike) -> tf.Tensor:
    """The hyperbolic tangent, element-wise, written by hand.

    Notes (激活函数): `f(x) = tanh(x) = (e^x - e^{-x})/(e^x + e^{-x}) = 2sigmoid(2x) - 1`,
    `y = tf.tanh(a)`; (输出方式) "压缩范围到[-1,1]". No `Tanh` op in your graph.

    Returns a tensor of `x`'s shape and float dtype with values in [-1, 1], finite (value and
    gradient) at ±1000, where the first formula of the notes gives `inf / inf = NaN`; the
    second one, on top of a stable sigmoid, does not.
    """
    raise NotImplementedError("tanh: your code here")


def tanh_derivative(x: ArrayLike) -> tf.Tensor:
    """The derivative of tanh at `x`, in closed form: `1 - tanh(x)**2`.

    Returns a tensor of `x`'s shape and float dtype: 1 at 0, close to 0 (and finite) at
    ±1000. Written by hand: no `Tanh` or `TanhGrad` op, no `tf.GradientTape`.
    """
    raise NotImplementedError("tanh_derivative: your code here")


def relu(x: ArrayLike) -> tf.Tensor:
    """The rectified linear unit `max(x, 0)`, element-wise, written by hand.

    Notes (激活函数): `f(x) = 0 if x < 0, x if x >= 0`, `tf.nn.relu()`; (张量的限幅) "可用
    maximum(a,0)实现". The notes' `tf.relu` (输出方式) raises AttributeError (ERRATA.md): the
    built-in is `tf.nn.relu`, and you may not use it here (no `Relu` op in your graph).

    Returns a tensor of `x`'s shape and float dtype: negatives become 0, the rest is kept.
    """
    raise NotImplementedError("relu: your code here")


def relu_derivative(x: ArrayLike) -> tf.Tensor:
    """The derivative of ReLU at `x`: 1 where x > 0, 0 where x < 0, and 0 at x = 0.

    Notes (激活函数): "求导简单, 不会放大或缩小梯度(reLU的导数为1)". At exactly 0 ReLU has no
    derivative; return 0 there, the value TensorFlow's own `tf.nn.relu` gradient uses.

    Returns a tensor of `x`'s shape and float dtype (1.0 and 0.0, not booleans). Written by
    hand: no `Relu` or `ReluGrad` op, no `tf.GradientTape`.
    """
    raise NotImplementedError("relu_derivative: your code here")


def softmax(logits: ArrayLike, axis: int = -1) -> tf.Tensor:
    """Softmax along `axis`, numerically stable, written by hand.

    Notes (激活函数): `S(y_i) = e^{y_i} / Σ_j e^{y_j}`, "把logits转换为prob"; (输出方式)
    `tf.softmax(a)`, which raises AttributeError (ERRATA.md): the built-in is
    `tf.nn.softmax`, and you may not use it here (no `Softmax` or `LogSoftmax` op).

    Returns a tensor of `logits`' shape and float dtype: non-negative, summing to 1 along
    `axis`. Softmax does not change when the same number is subtracted from every logit
    along `axis`: subtract the maximum first, so that nothing overflows. Logits such as
    `[1000, -1000, 0]` give `[1, 0, 0]`, finite in value and gradient (the literal formula
    gives `inf / inf = NaN`).

    Raises ValueError for a scalar (no axis to normalise over) or an `axis` outside
    `[-rank, rank)`.
    """
    raise NotImplementedError("softmax: your code here")


def softmax_jacobian(logits: ArrayLike) -> tf.Tensor:
    """The Jacobian of softmax over the last axis: `J[..., i, j] = ∂p_i/∂a_j = p_i(δij - p_j)`.

    Notes (激活函数): "求导 ... 注意i和j不同的情况要分开讨论": `∂p_i/∂a_j = p_i(1-p_1)` if i = j,
    `-p_j p_i` if i ≠ j. The `p_1` is a typo (ERRATA.md): on the diagonal it is `p_i(1 - p_i)`.
    Both cases in one formula: `diag(p) - p pᵀ`, with `p = softmax(logits)`.

    `logits` has shape `[..., n]`; returns a tensor of shape `[..., n, n]` (one n x n matrix
    per vector of logits) and `logits`' float dtype: symmetric, each row summing to 0.
    Finite at logits of ±1000. Written by hand: no `Softmax`/`LogSoftmax` op, no
    `tf.GradientTape` or `jacobian` (the tests use them as the oracle).

    Raises ValueError for a scalar.
    """
    raise NotImplementedError("softmax_jacobian: your code here")


def builtin_activations() -> dict[str, Callable[[tf.Tensor], tf.Tensor]]:
    """TensorFlow's own activations, under the names the notes meant.

    Notes (输出方式): `tf.sigmod(x)`, `tf.tanh(x)`, `tf.softmax(a)`, and `tf.relu` — three of
    these raise AttributeError (ERRATA.md); the working forms are `tf.sigmoid`, `tf.tanh`,
    `tf.nn.relu` and `tf.nn.softmax`.

    Returns a dict with the keys "sigmoid", "tanh", "relu", "softmax", each mapped to the
    TensorFlow function itself (not your hand-written one: its graph holds the `Sigmoid`,
    `Tanh`, `Relu` or `Softmax` op), callable on a float tensor.
    """
    raise NotImplementedError("builtin_activations: your code here")

"""Gradients: GradientTape, the chain rule, closed forms, and checking them numerically.

From the notes: 神经网络与全连接层 › 梯度下降 Gradient Descent, Loss函数的梯度, 链式法则,
感知机梯度传导.

Training is `w = w - lr * dloss/dw` (梯度下降), and TensorFlow finds `dloss/dw` for you: a
`tf.GradientTape` records the operations run inside its `with` block and plays them back
in reverse. You ask a tape for the gradients of Variables (tracked without being told), of
constants (which it must be told to `watch`), and several gradients from one `persistent`
tape, which is also how you see the chain rule `dy/dx = dy/du * du/dx` (链式法则) at work;
you descend with `assign_sub`.
Then you derive gradients by hand — mean squared error, softmax cross-entropy from logits
(`(p - y) / n`), a one-layer sigmoid perceptron (感知机梯度传导) — and write the tool that
keeps hand-derived gradients honest: a central finite-difference gradient checker.
"""

# An alternative: None gradients replaced by zeros by hand, a while loop, einsum, and a
# finite-difference checker over a basis of steps.

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _float_tensor(value: ArrayLike, name: str) -> tf.Tensor:
    tensor = tf.convert_to_tensor(value)
    if not tensor.dtype.is_floating:
        raise TypeError(f"{name} must hold floating-point numbers (gradients flow only through "
                        f"float tensors), got {tensor.dtype.name}")
    return tensor


def _check_lr(lr: float) -> None:
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")


def variable_gradients(w: tf.Variable, b: tf.Variable, x: ArrayLike, y: ArrayLike
                       ) -> list[tf.Tensor]:
    """`[dloss/dw, dloss/db]` for `loss = mean((x @ w + b - y) ** 2)`, from a GradientTape.

    Notes (梯度下降): `with tf.GradientTape() as tape: loss = f(x)` then
    `[w_grad] = tape.gradient(loss, [w])`. Compute the loss inside the tape's `with` block
    (a tape records only what runs inside it); the tape tracks trainable `tf.Variable`s
    without being told, so no `tape.watch` here.

    `w` is a Variable `[d, m]`, `b` a Variable `[m]`, `x` is `[n, d]` and `y` `[n, m]` (float
    arrays or tensors). Returns a list of two tensors of `w`'s and `b`'s shapes. A Variable
    made with `trainable=False` is not watched: its gradient is zeros, not `None`
    (`tape.gradient(..., unconnected_gradients=tf.UnconnectedGradients.ZERO)`).

    Raises TypeError (with "Variable" in the message) when `w` or `b` is not a `tf.Variable`
    (a tape does not track a constant on its own: see `watched_gradient`).
    """
    for name, value in (("w", w), ("b", b)):
        if not isinstance(value, tf.Variable):
            raise TypeError(f"{name} must be a tf.Variable, got {type(value).__name__}: a tape "
                            "tracks only Variables on its own (watch constants)")
    x = tf.cast(tf.convert_to_tensor(x), w.dtype)
    y = tf.cast(tf.convert_to_tensor(y), w.dtype)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(x @ w + b - y))
    grads = tape.gradient(loss, [w, b])
    return [tf.zeros_like(v) if g is None else g for g, v in zip(grads, (w, b), strict=True)]


def watched_gradient(x: ArrayLike) -> tf.Tensor:
    """The gradient of `tf.reduce_sum(x ** 3)` at the constant `x`, from a GradientTape.

    Notes (梯度下降): `tape.watch([w,b])  # 如果参数不是tf.variable类型话要用这个函数声明`.
    `x` is a constant (a tensor, NumPy array, list or number), not a Variable: convert it to
    a tensor and `tape.watch` it before computing, or `tape.gradient` returns `None`. Use a
    tape, not the formula `3 x**2` (a test watches how you compute it). Returns a tensor of
    `x`'s shape and float dtype.

    Raises TypeError (with "float" in the message) for an integer `x` (gradients flow only
    through float tensors).
    """
    x = _float_tensor(x, "x")
    tape = tf.GradientTape(watch_accessed_variables=False)
    with tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x * x)
    return tape.gradient(y, x)


def chain_rule(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """`(dy_du, du_dx, dy_dx)` for `u = sin(x)`, `y = u ** 3`, from ONE persistent tape.

    Notes (链式法则): `dy/dx = dy/du * du/dx`; (梯度下降) `with tf.GradientTape(persistent=True)
    as tape:  # 用完后会保留资源`, `grad1 = tape.gradient(...)`, `grad2 = tape.gradient(...)
    # 可调用多次`, "但要记得手动释放资源". An ordinary tape frees its record after the first
    `tape.gradient` call and raises RuntimeError on the second; a persistent one answers as
    often as asked, and is freed with `del tape`.

    Watch the constant `x`, record `u` and `y` on one persistent tape, then ask it three
    times: `tape.gradient(y, u)`, `tape.gradient(u, x)`, `tape.gradient(y, x)`. The functions
    act element-wise, so each result is an element-wise derivative with `x`'s shape (for a
    non-scalar target, `tape.gradient` differentiates the sum of its elements), and `dy_dx`
    equals `dy_du * du_dx` element by element: `3 sin(x)**2 * cos(x)`.

    Raises TypeError (with "float" in the message) for an integer `x`.
    """
    x = _float_tensor(x, "x")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        u = tf.sin(x)
        y = u ** 3
    dy_du = tape.gradient(y, u)
    du_dx = tape.gradient(u, x)
    dy_dx = tape.gradient(y, x)
    del tape
    return dy_du, du_dx, dy_dx


def gradient_descent(x: tf.Variable, target: ArrayLike, lr: float, steps: int) -> tf.Variable:
    """`steps` steps of gradient descent on `sum((x - target) ** 2)`, updating `x` in place.

    Notes (梯度下降): `w_n = w - lr * dloss/dw`; (手写数字识别) `w1.assign_sub(lr*grads[0])
    # 原地更新,引用不变,类型不变`. Each step records the loss on a GradientTape, takes its
    gradient with respect to the Variable `x`, and updates it with `x.assign_sub(lr * grad)`.
    Writing `x = x - lr * grad` instead makes a new tensor: the caller's Variable does not
    change, and the next tape does not track the result.

    Returns `x`, the Variable that was passed in, holding the new value.

    Raises TypeError (with "Variable" in the message) when `x` is not a `tf.Variable`;
    ValueError when `lr <= 0` (with "learning rate") or `steps` is negative (with "steps").
    """
    if not isinstance(x, tf.Variable):
        raise TypeError(f"x must be a tf.Variable (updated in place), got {type(x).__name__}")
    _check_lr(lr)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    target = tf.cast(tf.convert_to_tensor(target), x.dtype)
    step = 0
    while step < steps:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((x - target) ** 2)
        (grad,) = tape.gradient(loss, [x])
        x.assign_sub(lr * grad)
        step += 1
    return x


def mse_gradient(pred: ArrayLike, target: ArrayLike) -> tf.Tensor:
    """The gradient of `mean((pred - target) ** 2)` with respect to `pred`, in closed form.

    Notes (Loss函数的梯度): `loss = 1/N sum(y - out)^2`, `tf.reduce_mean(tf.square(y-out))`.
    The mean is over all N elements, so the gradient is `2 * (pred - target) / N`, a tensor
    of `pred`'s shape and float dtype. Derive it by hand: write it with TensorFlow ops and no
    GradientTape (the tests trace your function with `tf.function` and look for one).

    Raises ValueError when `pred` and `target` differ in shape (with "shape" in the message),
    or are empty (with "empty").
    """
    pred = _float_tensor(pred, "pred")
    target = tf.cast(tf.convert_to_tensor(target), pred.dtype)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and "
                         f"{target.shape}")
    if pred.shape.num_elements() == 0:
        raise ValueError("pred and target are empty: the mean of no elements is undefined")
    n = tf.cast(tf.size(pred), pred.dtype)
    return (pred - target) * (2.0 / n)


def softmax_cross_entropy_gradient(logits: ArrayLike, labels: ArrayLike) -> tf.Tensor:
    """The gradient of the mean softmax cross-entropy with respect to `logits`: `(p - y) / n`.

    Notes (交叉熵): `tf.losses.categorical_crossentropy(one_hot, logits, from_logits=True)`,
    averaged over the batch. For logits `[n, k]` and one-hot labels `[n, k]` (any rows that
    sum to 1 will do), `p = softmax(logits)` along the last axis and the gradient of
    `mean_i(-sum_j y_ij log p_ij)` is `(p - y) / n`: a tensor of shape `[n, k]`, float dtype.
    Closed form, no GradientTape (the tests look for one). The softmax must not overflow:
    logits of +-1000 give finite numbers (`tf.nn.softmax` is stable; by hand, subtract each
    row's maximum before `exp`).

    Raises ValueError when `logits` is not 2-D (with "2-D" in the message) or `labels` has
    another shape (with "shape").
    """
    logits = _float_tensor(logits, "logits")
    labels = tf.cast(tf.convert_to_tensor(labels), logits.dtype)
    if logits.shape.rank != 2:
        raise ValueError(f"logits must be 2-D [n, k], got shape {logits.shape}")
    if labels.shape != logits.shape:
        raise ValueError(f"labels must have the logits' shape {logits.shape}, got {labels.shape}")
    n = tf.cast(tf.shape(logits)[0], logits.dtype)
    e = tf.exp(logits - tf.reduce_max(logits, axis=-1, keepdims=True))
    return (e / tf.reduce_sum(e, axis=-1, keepdims=True) - labels) / n


def perceptron_gradients(x: ArrayLike, w: ArrayLike, b: ArrayLike, y: ArrayLike
                         ) -> tuple[tf.Tensor, tf.Tensor]:
    """`(dloss/dw, dloss/db)` of a one-layer sigmoid perceptron with MSE loss, in closed form.

    Notes (感知机梯度传导): 利用链式法则从输出往输入退就可以知道梯度信息. With `x [n, d]`,
    `w [d, m]`, `b [m]`, `y [n, m]`: `o = sigmoid(x @ w + b)` and
    `loss = mean((o - y) ** 2)` over all `n * m` elements. Back from the output:
    `delta = 2 * (o - y) / (n * m) * o * (1 - o)` (the sigmoid's derivative is `o(1 - o)`),
    then `dw = x^T @ delta` of shape `[d, m]` and `db = sum of delta over the batch` of
    shape `[m]`. Closed form, no GradientTape (the tests look for one).

    Raises ValueError when the shapes do not fit together as above.
    """
    x = _float_tensor(x, "x")
    w, b, y = (tf.cast(tf.convert_to_tensor(v), x.dtype) for v in (w, b, y))
    if x.shape.rank != 2 or w.shape.rank != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"x must be [n, d] and w [d, m], got {x.shape} and {w.shape}")
    if b.shape != (w.shape[1],) or y.shape != (x.shape[0], w.shape[1]):
        raise ValueError(f"b must be [{w.shape[1]}] and y [{x.shape[0]}, {w.shape[1]}], got "
                         f"{b.shape} and {y.shape}")
    o = tf.sigmoid(x @ w + b)
    count = tf.cast(tf.size(y), x.dtype)
    delta = 2.0 * (o - y) / count * o * (1.0 - o)
    return tf.einsum("nd,nm->dm", x, delta), tf.einsum("nm->m", delta)


def finite_difference_gradient(f: Callable[[np.ndarray], float], x: ArrayLike,
                               eps: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar `f` at `x` by central finite differences, in float64.

    For each element i of `x`: `(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`, where `e_i` is
    1 at i and 0 elsewhere. Central, not one-sided: `(f(x + eps e_i) - f(x)) / eps` is off
    by about `eps * f''/2`, the central form only by about `eps**2 * f'''/6`.

    `x` has any shape (a number, a list, a NumPy array of any rank, an integer array too);
    `f` receives a float64 NumPy array of `x`'s shape and returns a number or a 0-d array or
    tensor. Work on a float64 copy: never change the caller's `x` (adding and removing
    `eps` in place does not always give the original number back), and do not perturb an
    integer array (`1 + 1e-6` stored in an int array is 1).

    Returns a float64 NumPy array of `x`'s shape.

    Raises ValueError when `eps <= 0` (with "eps" in the message) or when `f` returns more
    than one number (with "single number").
    """
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    point = np.asarray(x, dtype=np.float64)
    basis = np.eye(point.size).reshape(point.size, *point.shape) * eps

    def at(p):
        value = np.asarray(f(p), dtype=np.float64)
        if value.size != 1 or value.ndim:
            raise ValueError(f"f must return a single number, got shape {value.shape}")
        return value.item()

    diffs = [at(point + e) - at(point - e) for e in basis]
    return np.array(diffs, dtype=np.float64).reshape(point.shape) / (2 * eps)

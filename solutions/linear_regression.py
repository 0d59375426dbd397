"""Linear regression by gradient descent: the loss, its gradients by hand, and the loop.

From the notes: Loss Function (loss = Σ(w·x_i + b − y_i)², its derivatives, w' = w − lr·∂loss/∂w).

The smallest model that learns: `y ≈ w·x + b` with one weight and one bias. You generate
noisy data from a known line, measure the mean squared error of a guess, derive its
gradients with respect to `w` and `b` by hand (对loss的求导其实有规律可循: the factor 2 and
the extra `x` in `∂loss/∂w`), take one gradient-descent step, and loop until the line is
found again: the same recipe that trains every network in the later katas.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = Sequence[float] | np.ndarray | tf.Tensor
Number = float | tf.Tensor


def _pair(x: ArrayLike, y: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    x = tf.cast(tf.convert_to_tensor(x), tf.float32)
    y = tf.cast(tf.convert_to_tensor(y), tf.float32)
    if x.shape.rank != 1 or y.shape.rank != 1:
        raise ValueError(f"x and y must be 1-D, got shapes {x.shape} and {y.shape}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    if x.shape[0] == 0:
        raise ValueError("x and y are empty: there is nothing to fit")
    return x, y


def _check_lr(lr: float) -> None:
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")


def make_linear_data(n: int, w: float, b: float, noise_std: float = 0.1, seed: int = 0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """`(x, y)`: `n` points of the line `y = w·x + b` plus Gaussian noise, reproducibly.

    `x` is drawn uniformly from [-1, 1) and `y = w * x + b + noise`, the noise normal with
    mean 0 and standard deviation `noise_std`. Both are float32 NumPy arrays of shape [n];
    `y[i]` belongs to `x[i]`. The same `seed` gives the same arrays (use your own
    generator, `np.random.default_rng(seed)`, not the global one); another seed gives others.

    Raises ValueError when `n < 1` or `noise_std < 0`, naming the argument (`n`, `noise_std`)
    in the message.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if noise_std < 0:
        raise ValueError(f"noise_std must be >= 0, got {noise_std}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=n)
    y = w * x + b + rng.normal(0.0, noise_std, size=n)
    return x.astype(np.float32), y.astype(np.float32)


def mse_loss(w: Number, b: Number, x: ArrayLike, y: ArrayLike) -> tf.Tensor:
    """The mean squared error of the line `w·x + b` on the points `(x, y)`: a scalar.

    Notes (Loss Function): `loss = Σ_i (w·x_i + b − y_i)²`; "loss 累加会很大，所以一般会除以元素
    个数n": divide by n, `mean((w * x + b - y) ** 2)`. `w` and `b` are numbers (or 0-d
    tensors); `x` and `y` are 1-D of the same length. Returns a 0-d float tensor.

    Raises ValueError when `x` or `y` is not 1-D (with "1-D" in the message), when their
    lengths differ (with "same length"), or when they are empty (with "empty").
    """
    x, y = _pair(x, y)
    return tf.reduce_mean(tf.square(w * x + b - y))


def mse_gradients(w: Number, b: Number, x: ArrayLike, y: ArrayLike
                  ) -> tuple[tf.Tensor, tf.Tensor]:
    """`(∂loss/∂w, ∂loss/∂b)` of `mse_loss`, in closed form: two 0-d float tensors.

    Notes (Loss Function): `∂loss/∂w = 2/n Σ(w·x + b − y)·x`, `∂loss/∂b = 2/n Σ(w·x + b − y)`.
    Write these formulas with TensorFlow ops, without a GradientTape (the tests trace your
    function with `tf.function` and look for one).

    Raises ValueError for the inputs `mse_loss` refuses, as it does.
    """
    x, y = _pair(x, y)
    residual = w * x + b - y
    n = tf.cast(tf.size(x), tf.float32)
    return 2.0 * tf.reduce_sum(residual * x) / n, 2.0 * tf.reduce_sum(residual) / n


def gradient_descent_step(w: Number, b: Number, x: ArrayLike, y: ArrayLike, lr: float
                          ) -> tuple[tf.Tensor, tf.Tensor]:
    """One step of gradient descent: `(w − lr·∂loss/∂w, b − lr·∂loss/∂b)`, two 0-d tensors.

    Notes (Loss Function): `w' = w − lr × ∂loss/∂w`, `b' = b − lr × ∂loss/∂b`. Both gradients
    are taken at the old `(w, b)`: update `w` and `b` together, not `b` at the new `w`.

    Raises ValueError when `lr <= 0` (with "learning rate" in the message), and for the
    inputs `mse_loss` refuses, as it does.
    """
    _check_lr(lr)
    dw, db = mse_gradients(w, b, x, y)
    return w - lr * dw, b - lr * db


def fit(x: ArrayLike, y: ArrayLike, lr: float = 0.1, steps: int = 300
        ) -> tuple[float, float, np.ndarray]:
    """Fits `y ≈ w·x + b` by `steps` steps of gradient descent from `w = b = 0`.

    Notes (Loss Function): "这样就会得到新的w b,再返回第(1)步，如此循环就能得到最回事的w b".
    Returns `(w, b, losses)`: the final `w` and `b` as Python floats, and a float NumPy
    array of shape [steps] whose entry i is `mse_loss` before step i (so `losses[0]` is the
    loss of `w = b = 0`).

    Raises ValueError when `lr <= 0` (with "learning rate" in the message) or `steps < 1`
    (with "steps"), and for the inputs `mse_loss` refuses, as it does.
    """
    _check_lr(lr)
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    x, y = _pair(x, y)
    w, b = tf.constant(0.0), tf.constant(0.0)
    losses = []
    for _ in range(steps):
        losses.append(float(mse_loss(w, b, x, y)))
        w, b = gradient_descent_step(w, b, x, y, lr)
    return float(w), float(b), np.array(losses, dtype=np.float32)

"""Optimizers by hand: SGD with momentum, RMSprop and Adam, and a decaying learning rate.

From the notes: 动量与学习率 › Momentum 动量 and Learning rate 学习率.

Plain gradient descent zig-zags across a narrow valley; momentum keeps a running velocity so
that the steps that agree add up and the ones that alternate cancel (像踩刹车一样). RMSprop
divides each step by a running root-mean-square of its gradients, and Adam does both, with a
correction for the zeros its running averages start from. You write one update of each, from
the formulas EXACTLY as Keras 3 implements them, so that your steps match
`keras.optimizers.SGD`, `RMSprop` and `Adam` step for step; you drive the real optimizers
through `apply_gradients`; and you decay the learning rate linearly, by hand as the notes do
and with a Keras `LearningRateSchedule`.

What changed since the notes: every optimizer takes `learning_rate=` (the notes'
`SGD(learing_rate=0.02, momentum=0.9)` is a typo, and `lr=` is refused too: both raise
ValueError "Argument(s) not recognized"). `optimizer.learing_rate = 0.2*(100-epoch)/100`
raises nothing and changes nothing: it makes a new attribute and the optimizer keeps its
rate; `optimizer.learning_rate = value` assigns the rate. And the notes' loop starts its
decay at 0.2, ten times the 0.02 the optimizer was made with.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

OPTIMIZERS = {"sgd": keras.optimizers.SGD, "rmsprop": keras.optimizers.RMSprop,
              "adam": keras.optimizers.Adam}


def _same_shape(what: str, param: tf.Tensor, **others: ArrayLike) -> list[tf.Tensor]:
    tensors = []
    for name, value in others.items():
        tensor = tf.cast(tf.convert_to_tensor(value), param.dtype)
        if tensor.shape != param.shape:
            raise ValueError(f"{what}: {name} has shape {tuple(tensor.shape)}, but param has "
                             f"shape {tuple(param.shape)}")
        tensors.append(tensor)
    return tensors


def _as_float(value: ArrayLike) -> tf.Tensor:
    tensor = tf.convert_to_tensor(value)
    return tensor if tensor.dtype.is_floating else tf.cast(tensor, tf.float32)


def _check_range(what: str, name: str, value: float, upper_open: bool = False) -> None:
    if not (0 <= value < 1 if upper_open else 0 <= value <= 1):
        bound = "[0, 1)" if upper_open else "[0, 1]"
        raise ValueError(f"{what}: {name} must lie in {bound}, got {value}")


def sgd_momentum_step(param: ArrayLike, grad: ArrayLike, velocity: ArrayLike,
                      learning_rate: float = 0.01, momentum: float = 0.0,
                      nesterov: bool = False) -> tuple[tf.Tensor, tf.Tensor]:
    """One step of `keras.optimizers.SGD(learning_rate, momentum, nesterov)`: `(param, velocity)`.

    Notes (Momentum 动量): `optimizer = SGD(learing_rate=0.02, momentum=0.9)` — write
    `SGD(learning_rate=0.02, momentum=0.9)`. Keras keeps the velocity with the learning rate
    and the minus sign inside it:

        velocity = momentum * velocity - learning_rate * grad
        param    = param + velocity                                   (nesterov=False)
        param    = param + momentum * velocity - learning_rate * grad (nesterov=True,
                                                                       with the NEW velocity)

    (Other books write `v = μ v + g; p = p - lr v`: the same path while the rate is
    constant, but a velocity of the opposite sign and another scale.) With `momentum=0`
    this is plain gradient descent and the velocity is `-learning_rate * grad`.

    `param`, `grad`, `velocity`: float arrays or tensors of one shape (velocity zeros before
    the first step). Returns `(new_param, new_velocity)`, tensors of param's shape and float
    dtype (float32 stays float32, float64 stays float64).

    Raises ValueError when `grad` or `velocity` differs in shape from `param` (with "shape"
    in the message), or `momentum` is outside [0, 1] (with "momentum").
    """
    param = _as_float(param)
    grad, velocity = _same_shape("sgd_momentum_step", param, grad=grad, velocity=velocity)
    _check_range("sgd_momentum_step", "momentum", momentum)
    velocity = momentum * velocity - learning_rate * grad
    if nesterov:
        return param + momentum * velocity - learning_rate * grad, velocity
    return param + velocity, velocity


def rmsprop_step(param: ArrayLike, grad: ArrayLike, mean_square: ArrayLike,
                 velocity: ArrayLike, learning_rate: float = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7
                 ) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """One step of `keras.optimizers.RMSprop(...)` (centered=False): `(param, mean_square,
    velocity)`.

    Notes (Momentum 动量): `optimizer = RMSprop(learing_rate=0.02, momentum=0.9)` — write
    `learning_rate=`. Keras 3's update, with epsilon INSIDE the square root:

        mean_square = rho * mean_square + (1 - rho) * grad ** 2
        increment   = learning_rate * grad / sqrt(mean_square + epsilon)
        velocity    = momentum * velocity + increment     (only when momentum > 0)
        param       = param - velocity                    (momentum > 0)
        param       = param - increment                   (momentum == 0; velocity unchanged)

    `rho` is the decay of the running mean of squared gradients (Keras' default 0.9; not the
    momentum). `param`, `grad`, `mean_square`, `velocity`: float arrays or tensors of one
    shape (both states zeros before the first step). Returns three tensors of param's shape
    and float dtype.

    Raises ValueError when a state or `grad` differs in shape from `param` (with "shape"),
    `rho` or `momentum` is outside [0, 1] (with its name), or `epsilon` is negative
    (with "epsilon").
    """
    param = _as_float(param)
    grad, mean_square, velocity = _same_shape(
        "rmsprop_step", param, grad=grad, mean_square=mean_square, velocity=velocity)
    _check_range("rmsprop_step", "rho", rho)
    _check_range("rmsprop_step", "momentum", momentum)
    if epsilon < 0:
        raise ValueError(f"rmsprop_step: epsilon must be non-negative, got {epsilon}")
    mean_square = rho * mean_square + (1 - rho) * tf.square(grad)
    increment = learning_rate * grad / tf.sqrt(mean_square + epsilon)
    if momentum > 0:
        velocity = momentum * velocity + increment
        return param - velocity, mean_square, velocity
    return param - increment, mean_square, velocity


def adam_step(param: ArrayLike, grad: ArrayLike, m: ArrayLike, v: ArrayLike, step: int,
              learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
              epsilon: float = 1e-7) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Update number `step` (1, 2, ...) of `keras.optimizers.Adam(...)`: `(param, m, v)`.

    Notes (Momentum 动量): `optimizer = Adam(learing_rate=0.02, beta_1=0.9, beta_2=0.999)
    # Adam没有momentum(内置)` — write `learning_rate=`. Keras 3 folds the bias correction
    into the learning rate and adds epsilon to the square root of the UNCORRECTED `v`:

        m     = beta_1 * m + (1 - beta_1) * grad
        v     = beta_2 * v + (1 - beta_2) * grad ** 2
        alpha = learning_rate * sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)
        param = param - alpha * m / (sqrt(v) + epsilon)

    This is the paper's `lr * m_hat / (sqrt(v_hat) + eps_hat)` with
    `eps_hat = epsilon / sqrt(1 - beta_2 ** step)`: the textbook form with epsilon added to
    `sqrt(v_hat)` differs from it when epsilon is not tiny next to `sqrt(v)`. Without the
    bias correction, the first steps would be about `sqrt(1 - beta_2) / (1 - beta_1)` ≈ 0.32
    times too short (m and v start at zero).

    `param`, `grad`, `m`, `v`: float arrays or tensors of one shape (m and v zeros before
    step 1). `step`: which update this is, counting from 1 (Keras' `iterations + 1`).
    Returns three tensors of param's shape and float dtype.

    Raises ValueError when `grad`, `m` or `v` differs in shape from `param` (with "shape"),
    `step` < 1 (with "step"), `beta_1` or `beta_2` is outside [0, 1) (with its name), or
    `epsilon` is negative (with "epsilon").
    """
    param = _as_float(param)
    grad, m, v = _same_shape("adam_step", param, grad=grad, m=m, v=v)
    if step < 1:
        raise ValueError(f"adam_step: step counts updates from 1, got {step}")
    _check_range("adam_step", "beta_1", beta_1, upper_open=True)
    _check_range("adam_step", "beta_2", beta_2, upper_open=True)
    if epsilon < 0:
        raise ValueError(f"adam_step: epsilon must be non-negative, got {epsilon}")
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * tf.square(grad)
    alpha = float(learning_rate * np.sqrt(1 - beta_2**step) / (1 - beta_1**step))
    return param - alpha * m / (tf.sqrt(v) + epsilon), m, v


def keras_updates(name: str, initial: ArrayLike, gradients: Sequence[ArrayLike],
                  **hyperparameters: float) -> np.ndarray:
    """The path of one parameter under a real Keras optimizer fed the given gradients.

    Notes (动量与学习率): `optimizer = SGD(...)`, `RMSprop(...)`, `Adam(...)`; the update is
    `optimizer.apply_gradients(zip(grads, variables))` (Compile&Fit).

    `name`: "sgd", "rmsprop" or "adam"; `hyperparameters` go to its constructor as they are
    (`learning_rate=0.02, momentum=0.9`, ...; Keras itself raises ValueError for the notes'
    `lr=` or `learing_rate=`). Make one optimizer and one float32 `tf.Variable` holding
    `initial`, then for each gradient in `gradients` (arrays of `initial`'s shape) apply it
    with `apply_gradients([(gradient, variable)])` and record the variable.

    Returns a float32 NumPy array `[len(gradients) + 1, *initial.shape]`: the start, then
    the value after each update.

    Raises ValueError for an unknown `name` (with "name" in the message) or a gradient whose
    shape differs from `initial`'s (with "shape").
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"keras_updates: unknown optimizer name {name!r}: one of "
                         f"{sorted(OPTIMIZERS)}")
    initial = np.asarray(initial, dtype=np.float32)
    gradients = [np.asarray(g, dtype=np.float32) for g in gradients]
    for gradient in gradients:
        if gradient.shape != initial.shape:
            raise ValueError(f"keras_updates: a gradient has shape {gradient.shape}, the "
                             f"parameter has shape {initial.shape}")
    optimizer = OPTIMIZERS[name](**hyperparameters)
    variable = tf.Variable(initial)
    path = [variable.numpy()]
    for gradient in gradients:
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        path.append(variable.numpy())
    return np.stack(path)


def notes_learning_rate(epoch: int, epochs: int = 100, initial: float = 0.2) -> float:
    """The notes' linearly decaying rate for `epoch` (0, 1, ..., epochs - 1): a Python float.

    Notes (Learning rate 学习率): `for epoch in range(100): ... optimizer.learing_rate =
    0.2*(100-epoch)/100`. The rate is `initial * (epochs - epoch) / epochs`: `initial` at
    epoch 0, falling by `initial / epochs` every epoch, `initial / epochs` at the last one.

    Raises ValueError when `epochs` < 1 or `epoch` is outside `0..epochs-1` (with "epoch").
    """
    if epochs < 1:
        raise ValueError(f"notes_learning_rate: epochs must be at least 1, got {epochs}")
    if not 0 <= epoch < epochs:
        raise ValueError(f"notes_learning_rate: epoch must lie in 0..{epochs - 1}, got {epoch}")
    return initial * (epochs - epoch) / epochs


def linear_decay_schedule(initial: float, epochs: int, steps_per_epoch: int = 1
                          ) -> keras.optimizers.schedules.LearningRateSchedule:
    """A Keras `LearningRateSchedule` that decays linearly from `initial` to 0 over `epochs`.

    A schedule passed as `SGD(learning_rate=schedule)` is called with the optimizer's step
    count, which counts BATCHES, not epochs: after `epoch * steps_per_epoch` updates it must
    give `notes_learning_rate(epoch, epochs, initial)`. Here the rate falls a little at every
    step, `initial * (1 - step / (epochs * steps_per_epoch))`, reaching 0 at
    `epochs * steps_per_epoch` steps and staying there. `keras.optimizers.schedules.
    PolynomialDecay(initial, decay_steps, end_learning_rate=0.0, power=1.0)` is exactly that;
    a subclass of `LearningRateSchedule` of your own is fine too.

    Raises ValueError when `initial` <= 0, or `epochs` or `steps_per_epoch` < 1.
    """
    if not initial > 0:
        raise ValueError(f"linear_decay_schedule: initial must be positive, got {initial}")
    if epochs < 1 or steps_per_epoch < 1:
        raise ValueError(f"linear_decay_schedule: epochs and steps_per_epoch must be at "
                         f"least 1, got {epochs} and {steps_per_epoch}")
    return keras.optimizers.schedules.PolynomialDecay(
        initial, decay_steps=epochs * steps_per_epoch, end_learning_rate=0.0, power=1.0)


def sgd_with_linear_decay(initial: ArrayLike, gradients: Sequence[ArrayLike],
                          initial_rate: float = 0.2) -> np.ndarray:
    """The notes' loop: plain Keras SGD whose rate is set by hand before every epoch.

    Notes (Learning rate 学习率): `optimizer = SGD(learing_rate=0.02)`, then each epoch
    `optimizer.learing_rate = 0.2*(100-epoch)/100` before updating the weights. Spelled
    `learing_rate`, that line makes a new attribute and the optimizer never changes its rate;
    assign `optimizer.learning_rate = ...` instead.

    One epoch per gradient: with `epochs = len(gradients)`, make
    `keras.optimizers.SGD(learning_rate=initial_rate)` and one float32 Variable holding
    `initial`; before applying gradient `e`, set the rate to
    `notes_learning_rate(e, epochs, initial_rate)`. Returns a float32 NumPy array
    `[epochs + 1, *initial.shape]`: the start and the value after each epoch.

    Raises ValueError when `gradients` is empty or a gradient's shape differs from
    `initial`'s (with "shape"), or `initial_rate` <= 0.
    """
    if len(gradients) == 0:
        raise ValueError("sgd_with_linear_decay: needs at least one gradient (one epoch)")
    if not initial_rate > 0:
        raise ValueError(f"sgd_with_linear_decay: initial_rate must be positive, got "
                         f"{initial_rate}")
    initial = np.asarray(initial, dtype=np.float32)
    gradients = [np.asarray(g, dtype=np.float32) for g in gradients]
    for gradient in gradients:
        if gradient.shape != initial.shape:
            raise ValueError(f"sgd_with_linear_decay: a gradient has shape {gradient.shape}, "
                             f"the parameter has shape {initial.shape}")
    optimizer = keras.optimizers.SGD(learning_rate=initial_rate)
    variable = tf.Variable(initial)
    path = [variable.numpy()]
    for epoch, gradient in enumerate(gradients):
        optimizer.learning_rate = notes_learning_rate(epoch, len(gradients), initial_rate)
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        path.append(variable.numpy())
    return np.stack(path)

"""Alternative solution (the paper's bias-corrected forms, rsqrt, a schedule class of its own).

Optimizers by hand: SGD with momentum, RMSprop and Adam, and a decaying learning rate. The
same contract as solutions/optimizers.py (its docstrings are the spec), written another way:
Adam through the bias-corrected `m_hat` and `v_hat` with the equivalent
`eps_hat = epsilon / sqrt(1 - beta_2**step)`, RMSprop through `tf.math.rsqrt`, Nesterov
expanded into the old velocity, Keras' optimizers looked up with `keras.optimizers.get`, a
`LearningRateSchedule` subclass instead of `PolynomialDecay`, and the rate variable assigned
with `.assign`. Passing every test of tests/test_optimizers.py shows that the tests accept
another op order and another way to reach the same Keras objects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor

NAMES = ("sgd", "rmsprop", "adam")


def _tensors(what: str, param: ArrayLike, **states: ArrayLike) -> tuple[tf.Tensor, ...]:
    param = tf.convert_to_tensor(param)
    if param.dtype not in (tf.float16, tf.float32, tf.float64, tf.bfloat16):
        param = tf.cast(param, tf.float32)
    out = [param]
    for name, value in states.items():
        value = tf.cast(value, param.dtype)
        if not value.shape.is_compatible_with(param.shape) or value.shape.rank != param.shape.rank:
            raise ValueError(f"{what}: the shape of {name}, {value.shape}, is not param's "
                             f"shape {param.shape}")
        out.append(value)
    return tuple(out)


def _within(what: str, **values: tuple[float, bool]) -> None:
    """Each value lies in [0, 1], or in [0, 1) when its flag says the 1 is excluded."""
    for name, (value, open_top) in values.items():
        if value < 0 or value > 1 or (open_top and value == 1):
            raise ValueError(f"{what}: {name} = {value} is out of range")


def sgd_momentum_step(param: ArrayLike, grad: ArrayLike, velocity: ArrayLike,
                      learning_rate: float = 0.01, momentum: float = 0.0,
                      nesterov: bool = False) -> tuple[tf.Tensor, tf.Tensor]:
    param, grad, old = _tensors("sgd_momentum_step", param, grad=grad, velocity=velocity)
    _within("sgd_momentum_step", momentum=(momentum, False))
    step = -learning_rate * grad
    new = momentum * old + step
    if not nesterov:
        return param + new, new
    # momentum * (momentum * old + step) + step, written out from the old velocity
    return param + momentum * momentum * old + (1 + momentum) * step, new


def rmsprop_step(param: ArrayLike, grad: ArrayLike, mean_square: ArrayLike,
                 velocity: ArrayLike, learning_rate: float = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7
                 ) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    param, grad, mean_square, velocity = _tensors(
        "rmsprop_step", param, grad=grad, mean_square=mean_square, velocity=velocity)
    _within("rmsprop_step", rho=(rho, False), momentum=(momentum, False))
    if epsilon < 0:
        raise ValueError(f"rmsprop_step: epsilon = {epsilon} is negative")
    mean_square = mean_square + (1 - rho) * (tf.square(grad) - mean_square)
    increment = learning_rate * grad * tf.math.rsqrt(mean_square + epsilon)
    if momentum == 0:
        return param - increment, mean_square, velocity
    velocity = momentum * velocity + increment
    return param - velocity, mean_square, velocity


def adam_step(param: ArrayLike, grad: ArrayLike, m: ArrayLike, v: ArrayLike, step: int,
              learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
              epsilon: float = 1e-7) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    param, grad, m, v = _tensors("adam_step", param, grad=grad, m=m, v=v)
    if step < 1:
        raise ValueError(f"adam_step: step = {step}; updates are counted from 1")
    _within("adam_step", beta_1=(beta_1, True), beta_2=(beta_2, True))
    if epsilon < 0:
        raise ValueError(f"adam_step: epsilon = {epsilon} is negative")
    m = m + (1 - beta_1) * (grad - m)
    v = v + (1 - beta_2) * (tf.square(grad) - v)
    m_hat = m / (1 - beta_1**step)
    v_hat = v / (1 - beta_2**step)
    epsilon_hat = epsilon / math.sqrt(1 - beta_2**step)  # Keras' epsilon, seen from v_hat
    return param - learning_rate * m_hat / (tf.sqrt(v_hat) + epsilon_hat), m, v


def _path(optimizer: keras.optimizers.Optimizer, initial: np.ndarray,
          gradients: list[np.ndarray], rate_of_epoch=None) -> np.ndarray:
    variable = tf.Variable(initial)
    path = np.empty((len(gradients) + 1, *initial.shape), np.float32)
    path[0] = initial
    for epoch, gradient in enumerate(gradients):
        if rate_of_epoch is not None:
            optimizer.learning_rate.assign(rate_of_epoch(epoch))
        optimizer.apply_gradients(zip([tf.constant(gradient)], [variable], strict=True))
        path[epoch + 1] = variable.numpy()
    return path


def _float32_arrays(what: str, initial: ArrayLike, gradients: Sequence[ArrayLike]):
    initial = np.array(initial, np.float32)
    arrays = [np.array(g, np.float32) for g in gradients]
    wrong = [g.shape for g in arrays if g.shape != initial.shape]
    if wrong:
        raise ValueError(f"{what}: gradients of shape {wrong[0]} for a parameter of shape "
                         f"{initial.shape}")
    return initial, arrays


def keras_updates(name: str, initial: ArrayLike, gradients: Sequence[ArrayLike],
                  **hyperparameters: float) -> np.ndarray:
    if name not in NAMES:
        raise ValueError(f"keras_updates: no optimizer named {name!r} here ({', '.join(NAMES)})")
    initial, arrays = _float32_arrays("keras_updates", initial, gradients)
    optimizer = keras.optimizers.get(name)
    optimizer = type(optimizer)(**hyperparameters)  # a fresh one, with these settings
    return _path(optimizer, initial, arrays)


def notes_learning_rate(epoch: int, epochs: int = 100, initial: float = 0.2) -> float:
    if epochs < 1 or epoch < 0 or epoch >= epochs:
        raise ValueError(f"notes_learning_rate: epoch {epoch} is not one of the {epochs} epochs")
    return float(initial - initial * epoch / epochs)


class _LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """initial * max(0, 1 - step / total_steps)."""

    def __init__(self, initial: float, total_steps: int) -> None:
        self.initial, self.total_steps = float(initial), int(total_steps)

    def __call__(self, step):
        fraction = tf.cast(step, tf.float32) / self.total_steps
        return self.initial * tf.maximum(0.0, 1.0 - fraction)

    def get_config(self) -> dict:
        return {"initial": self.initial, "total_steps": self.total_steps}


def linear_decay_schedule(initial: float, epochs: int, steps_per_epoch: int = 1
                          ) -> keras.optimizers.schedules.LearningRateSchedule:
    if initial <= 0 or epochs < 1 or steps_per_epoch < 1:
        raise ValueError(f"linear_decay_schedule: needs initial > 0, epochs >= 1 and "
                         f"steps_per_epoch >= 1, got {initial}, {epochs}, {steps_per_epoch}")
    return _LinearDecay(initial, epochs * steps_per_epoch)


def sgd_with_linear_decay(initial: ArrayLike, gradients: Sequence[ArrayLike],
                          initial_rate: float = 0.2) -> np.ndarray:
    if not gradients or initial_rate <= 0:
        raise ValueError("sgd_with_linear_decay: needs one gradient per epoch and a positive "
                         f"initial_rate, got {len(gradients)} gradients and {initial_rate}")
    initial, arrays = _float32_arrays("sgd_with_linear_decay", initial, gradients)
    epochs = len(arrays)
    return _path(keras.optimizers.SGD(learning_rate=initial_rate), initial, arrays,
                 lambda epoch: notes_learning_rate(epoch, epochs, initial_rate))

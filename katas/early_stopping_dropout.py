"""Early stopping and dropout: when to stop training, and inverted dropout by hand.

From the notes: Early Stopping & Dropout.

Early stopping watches the validation loss after every epoch and stops once it has not
improved for `patience` epochs, keeping, if asked, the weights of the best epoch: you write
its rule by hand on a loss curve and then drive Keras' own `keras.callbacks.EarlyStopping`
on the same curve, which is the only way to be sure of its exact semantics (which epoch it
stops at, what `min_delta` and `baseline` do, which weights it restores). Dropout zeroes
each activation with probability `rate` while training, so that no unit can rely on
another ("learning less to learn better"); Keras' `layers.Dropout` is INVERTED dropout: it
scales the units it keeps by `1 / (1 - rate)`, so that every activation keeps its expected
value and inference (`training=False`) needs no change at all. You write that by hand,
check it against `layers.Dropout`, and build the notes' network with dropout between its
Dense layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor


def early_stopping(losses: Sequence[float], patience: int = 0, min_delta: float = 0.0,
                   baseline: float | None = None, restore_best_weights: bool = False
                   ) -> tuple[int, int]:
    """`(epochs_run, weights_epoch)`: what `EarlyStopping(monitor="val_loss", ...)` does with
    this curve of validation losses, written by hand.

    Notes (Early Stopping): "很多情况下虽然training accuracy还在上升, 但是validation accuracy
    以及达到最优甚至开始下降了, 这是就需要以前终止" — stop when the validation loss stops
    improving.

    The rule (Keras 3's, epoch by epoch from epoch 0; "best" starts empty and `wait` at 0):

    - add 1 to `wait`;
    - the epoch IMPROVES when there is no best yet (epoch 0 always improves) or
      `loss < best - |min_delta|` (strictly: an improvement smaller than `|min_delta|`, or a
      tie, is none; the sign of `min_delta` is ignored, Keras takes its absolute value).
      Then it becomes the best epoch, and `wait` goes back to 0 — but only if the loss is
      also below `baseline - |min_delta|` when a `baseline` is given. An improving epoch
      never stops training;
    - otherwise, when `wait >= patience` and this is not epoch 0, training stops after
      this epoch.

    So with `patience=p` training stops `p` epochs after the best one (at the first epoch
    that does not improve if `p` is 0). With a `baseline` that no epoch beats, `wait` is
    never reset: training stops at the first epoch that does not improve on the best once
    `p` epochs have run (never at epoch 0).

    Returns two ints: `epochs_run`, how many epochs ran (`len(losses)` when training never
    stopped), and `weights_epoch`, the 0-based epoch whose weights the model ends with:
    the last epoch run, or with `restore_best_weights=True` the best epoch — Keras 3
    restores it when training ends, whether it stopped early or ran every epoch. A NaN
    loss never improves.

    Raises ValueError when `losses` is empty or `patience` is negative.
    """
    raise NotImplementedError("early_stopping: your code here")


def replay_early_stopping(losses: Sequence[float], patience: int = 0, min_delta: float = 0.0,
                          baseline: float | None = None, restore_best_weights: bool = False
                          ) -> tuple[int, int]:
    """`(epochs_run, weights_epoch)` as `early_stopping` gives them, from Keras' own callback.

    Make `keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", patience=...,
    min_delta=..., baseline=..., restore_best_weights=...)` and play `fit`'s part: give it a
    model with `callback.set_model(model)`, call `on_train_begin()`, then for each epoch make
    the model's weights record that epoch, call `on_epoch_end(epoch, {"val_loss": loss})` and
    stop as soon as `model.stop_training` is True; finally `on_train_end()`, which may restore
    the best epoch's weights. The model can be a tiny real Keras model or any object with
    `get_weights()`, `set_weights(weights)` and a `stop_training` attribute whose weights
    tell which epoch made them.

    Returns the same two ints as `early_stopping`, read from the replay: the epochs run, and
    the epoch recorded in the weights the model ends with.

    Raises ValueError when `losses` is empty or `patience` is negative.
    """
    raise NotImplementedError("replay_early_stopping: your code here")


def inverted_dropout(x: ArrayLike, rate: float, training: bool, seed: int = 0) -> tf.Tensor:
    """Inverted dropout by hand: in training each element is zeroed with probability `rate`
    and the others are scaled by `1 / (1 - rate)`; at inference `x` comes back unchanged.

    Notes (Dropout): `layers.Dropout(0.5)  # 0.5 rate to dropout`, `network(x,
    training=True)` for training, `network(x, training=False)` for validation and test.
    `rate` is the probability of DROPPING a unit (not of keeping it, as `keep_prob` in
    TensorFlow 1's `tf.nn.dropout` was). Scaling the kept units by `1 / (1 - rate)` keeps
    every element's expectation: `E[out] = (1 - rate) * x / (1 - rate) = x`. (Scaling by
    `1 - rate` instead, or dropping at inference too, changes what the next layer sees
    between training and test.)

    Draw the mask from `seed` (for instance `tf.random.stateless_uniform(shape,
    seed=[seed, 0]) >= rate`): the same seed gives the same mask, other seeds other masks,
    each element kept independently with probability `1 - rate`.

    `x`: a float array or tensor of any shape; `rate` in [0, 1); `training`: a bool.
    Returns a tensor of `x`'s shape and float dtype.

    Raises ValueError when `rate` is outside [0, 1) (with "rate" in the message).
    """
    raise NotImplementedError("inverted_dropout: your code here")


def keras_dropout(x: ArrayLike, rate: float, training: bool, seed: int = 0) -> tf.Tensor:
    """`keras.layers.Dropout(rate, seed=seed)` applied to `x` with `training=training`.

    Notes (Dropout): `layers.Dropout(0.5)`, `network(x, training=True)` /
    `network(x, training=False)`. Keras' layer is inverted dropout, as `inverted_dropout`:
    zeros with probability `rate` and `x / (1 - rate)` elsewhere in training, `x` itself at
    inference. Pass `training` explicitly when you call the layer: called without it, outside
    `fit`, a Dropout layer does nothing.

    `x`: a float array or tensor of any shape. Returns a tensor of `x`'s shape.

    Raises ValueError when `rate` is outside [0, 1) (with "rate" in the message).
    """
    raise NotImplementedError("keras_dropout: your code here")


def dropout_mlp(input_dim: int, units: Sequence[int], rate: float, seed: int = 0
                ) -> keras.Sequential:
    """The notes' network: Dense layers with `layers.Dropout(rate)` after each hidden one.

    Notes (Dropout): `network = Sequential([layers.Dense(256, activation='relu'),
    layers.Dropout(0.5), layers.Dense(256, activation='relu'), layers.Dropout(0.5), ...])`.

    For `units = [u_1, ..., u_k]`: `Dense(u_1, relu), Dropout(rate), ..., Dense(u_{k-1},
    relu), Dropout(rate), Dense(u_k)` — no dropout after the last (linear) layer, whose
    outputs are the logits. Give Dropout layer j the seed `seed + j`. Build the model for
    inputs `[None, input_dim]`. Then `model(x, training=False)` is the plain network
    (deterministic), and `model(x, training=True)` drops units, with a new mask every call.

    Raises ValueError when `input_dim` < 1, `units` is empty or holds a size < 1, or `rate`
    is outside [0, 1) (with "rate").
    """
    raise NotImplementedError("dropout_mlp: your code here")

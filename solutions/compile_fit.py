"""Compile & fit: the training loop Keras writes for you, and the same loop by hand.

From the notes: Keras高层API › 「Compile&Fit」 (一般的流程, 使用Keras的api快速建立标准化的神经网络).

`compile` loads the ammunition (装载弹药): an optimizer, a loss and the metrics to report;
`fit` runs the epochs, with `validation_data` checked every `validation_freq` epochs;
`evaluate` scores a test set; `predict` gives the outputs. Underneath, `fit` runs the
notes' loop: for each batch, the logits under a `GradientTape`, the categorical cross-entropy
of the one-hot labels from the logits, its batch mean, `tape.gradient` and
`optimizer.apply_gradients`. You write both, on a small network for the 8x8 digits, and see
that from the same initial weights, the same batches in the same order and the same
optimizer, your loop ends an epoch with the weights `fit` ends it with, and reports the
same loss: the mean over every example (a ragged last batch weighs by its size).

The notes' Keras lines need changes on Keras 3 (ERRATA.md): `optimizers.Adam(lr=0.01)` is
`keras.optimizers.Adam(learning_rate=0.01)` (`lr` raises ValueError), and
`tf.loss.CategoricalCrossentropy(from_logits=True)` is
`keras.losses.CategoricalCrossentropy(from_logits=True)` (`tf.loss` does not exist;
`tf.losses` still reaches Keras 3's losses, as in the notes' hand loop).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
NUM_CLASSES = 10


def build_model(seed: int, input_dim: int = 64, hidden_units: int = 32) -> keras.Sequential:
    """A built `keras.Sequential`: `Dense(hidden_units, relu)` then `Dense(10)` (logits).

    Built for inputs `[None, input_dim]` (the notes' `network.build(input_shape=...)`), so
    its weights exist at once: `model.get_weights()` is `[kernel1 [input_dim, hidden_units],
    bias1, kernel2 [hidden_units, 10], bias2]`. The initial weights depend on `seed` alone:
    the same seed gives the same weights whatever ran before, another seed other weights
    (give the kernels' initializers the seed, e.g. `keras.initializers.GlorotUniform(seed)`
    and `GlorotUniform(seed + 1)`, or call `keras.utils.set_random_seed(seed)` first).
    Biases start at zero.

    Raises ValueError when `input_dim` or `hidden_units` is below 1.
    """
    if input_dim < 1 or hidden_units < 1:
        raise ValueError(f"build_model: input_dim and hidden_units must be at least 1, got "
                         f"{input_dim}, {hidden_units}")
    model = keras.Sequential([
        keras.layers.Dense(hidden_units, activation="relu",
                           kernel_initializer=keras.initializers.GlorotUniform(seed)),
        keras.layers.Dense(NUM_CLASSES,
                           kernel_initializer=keras.initializers.GlorotUniform(seed + 1)),
    ])
    model.build((None, input_dim))
    return model


def _check_learning_rate(learning_rate: float) -> None:
    if not learning_rate > 0:
        raise ValueError(f"the learning rate must be positive, got {learning_rate}")


def compile_model(model: keras.Model, learning_rate: float = 0.01) -> keras.Model:
    """Compiles `model` in place for one-hot labels and logits; returns the same model.

    Notes (Compile&Fit): `network.compile(optimizer=optimizers.Adam(lr=0.01),
    loss=tf.loss.CategoricalCrossentropy(from_logits=True), metrics=['accuracy'])`. On
    Keras 3: `keras.optimizers.Adam(learning_rate=...)` (`lr=` raises ValueError, and so
    does the notes' later typo `learing_rate=`) and
    `keras.losses.CategoricalCrossentropy(from_logits=True)` (`tf.loss` does not exist).

    The optimizer is Adam with `learning_rate`; the loss the categorical cross-entropy of
    one-hot labels computed from the model's logits (`from_logits=True`: the model has no
    softmax); the one metric is `'accuracy'`. `model.evaluate` then reports `loss` and
    `accuracy`.

    Raises ValueError when `learning_rate <= 0`.
    """
    _check_learning_rate(learning_rate)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _check_data(x: np.ndarray, y_onehot: np.ndarray, where: str) -> None:
    if x.ndim != 2 or y_onehot.ndim != 2:
        raise ValueError(f"{where}: x must be [n, features] and y one-hot [n, classes], got "
                         f"shapes {x.shape} and {y_onehot.shape}")
    if len(x) != len(y_onehot):
        raise ValueError(f"{where}: x has {len(x)} rows but y has {len(y_onehot)}: one label "
                         "per example")


def _check_loop(epochs: int, batch_size: int) -> None:
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be at least 1, got {epochs}, {batch_size}")


def fit_model(model: keras.Model, x: ArrayLike, y_onehot: ArrayLike,
              validation_data: tuple[ArrayLike, ArrayLike], epochs: int,
              batch_size: int = 32, validation_freq: int | list[int] = 1
              ) -> list[dict[str, float]]:
    """Trains a compiled `model` with `fit`; returns every epoch's logs.

    Notes (Compile&Fit): `network.fit(db, epochs=10, validation_data=db_test,
    validation_freq=2)  # 每2个epochs就进行一次测试`.

    `x [n, features]` with one-hot `y_onehot [n, 10]`, cut into batches of `batch_size` IN
    ORDER (`shuffle=False`: the same batches as `train_by_hand`, so the two can be
    compared; the last batch may be smaller). `validation_data = (x_val, y_val_onehot)` is
    scored after epoch e (counting from 1) when `e % validation_freq == 0` for an int, or
    when `e` is in `validation_freq` for a list of epochs (Keras' own rule).

    Returns a list of `epochs` dicts, entry e-1 for epoch e, each mapping names to Python
    floats: `'loss'` and `'accuracy'` (over that epoch's training batches) always,
    `'val_loss'` and `'val_accuracy'` only on the epochs that were validated. (A callback's
    `on_epoch_end(epoch, logs)` sees exactly these; `History.history` keeps the validation
    values in a shorter list, without saying which epochs they belong to.)

    Raises ValueError when the model is not compiled, `epochs` or `batch_size` is below 1,
    the shapes of x and y (or of the validation pair) do not fit together, or
    `validation_freq` is neither a positive int nor a list of positive ints.
    """
    if not model.compiled:
        raise ValueError("fit_model: compile the model first (compile_model)")
    _check_loop(epochs, batch_size)
    x, y_onehot = np.asarray(x, np.float32), np.asarray(y_onehot, np.float32)
    x_val, y_val = (np.asarray(a, np.float32) for a in validation_data)
    _check_data(x, y_onehot, "fit_model")
    _check_data(x_val, y_val, "fit_model (validation_data)")
    if isinstance(validation_freq, list | tuple):
        valid = all(isinstance(e, int) and e >= 1 for e in validation_freq)
        validation_freq = list(validation_freq)
    else:
        valid = isinstance(validation_freq, int) and validation_freq >= 1
    if not valid:
        raise ValueError(f"fit_model: validation_freq must be a positive int or a list of "
                         f"epochs, got {validation_freq!r}")
    logs: list[dict[str, float]] = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, epoch_logs: logs.append(
            {name: float(value) for name, value in epoch_logs.items()}))
    model.fit(x, y_onehot, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
              validation_data=(x_val, y_val), validation_freq=validation_freq,
              callbacks=[record])
    return logs


def train_by_hand(model: keras.Model, x: ArrayLike, y_onehot: ArrayLike, epochs: int = 1,
                  batch_size: int = 32, learning_rate: float = 0.01) -> list[float]:
    """The notes' training loop, without `compile` or `fit`; returns each epoch's loss.

    Notes (Compile&Fit, 一般的流程): `with tf.GradientTape() as tape: logits = model(x)`,
    `y_onehot = tf.one_hot(y, depth=10)`, `loss_ce = tf.losses.categorical_crossentropy(
    y_onehot, logits, from_logits=True)`, `loss_ce = tf.reduce_mean(loss_ce)`,
    `grads = tape.gradient(loss_ce, model.trainable_variables)`,
    `optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))`.

    One `keras.optimizers.Adam(learning_rate=learning_rate)` for the whole run; each epoch
    goes through `x [n, features]` and one-hot `y_onehot [n, 10]` in batches of
    `batch_size`, IN ORDER (no shuffling; the last batch may be smaller); for each batch
    the logits under a tape (`model(x, training=True)`), the batch's mean categorical
    cross-entropy from the logits, its gradients with respect to
    `model.trainable_variables` and one `apply_gradients`. The model's weights are updated
    in place. From the same initial weights, this ends an epoch with the weights
    `compile_model` + `fit_model` end it with.

    Returns a list of `epochs` Python floats: each epoch's loss as `fit` reports it, the
    mean over the epoch's examples of the loss before each update (a batch's mean weighed
    by its size: on a ragged last batch the plain mean of batch means is wrong).

    Raises ValueError when `learning_rate <= 0`, `epochs` or `batch_size` is below 1, or
    the shapes of x and y do not fit together.
    """
    _check_learning_rate(learning_rate)
    _check_loop(epochs, batch_size)
    x, y_onehot = np.asarray(x, np.float32), np.asarray(y_onehot, np.float32)
    _check_data(x, y_onehot, "train_by_hand")
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function
    def step(x_batch: tf.Tensor, y_batch: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            logits = model(x_batch, training=True)
            loss = tf.reduce_mean(
                keras.losses.categorical_crossentropy(y_batch, logits, from_logits=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    batches = tf.data.Dataset.from_tensor_slices((x, y_onehot)).batch(batch_size)
    history = []
    for _ in range(epochs):
        meter = keras.metrics.Mean()
        for x_batch, y_batch in batches:
            meter.update_state(step(x_batch, y_batch), sample_weight=x_batch.shape[0])
        history.append(float(meter.result()))
    return history


def evaluate_model(model: keras.Model, x: ArrayLike, y_onehot: ArrayLike
                   ) -> dict[str, float]:
    """The compiled model's loss and accuracy on a test set: `{'loss': ..., 'accuracy': ...}`.

    Notes (Compile&Fit): `network.evaluate(ds_val)  # 训练完后对模型的评估`. Use
    `model.evaluate(x, y_onehot, verbose=0, return_dict=True)` (without `return_dict` it
    returns a list whose order you must know). Values are Python floats: the mean
    cross-entropy over the examples, and the fraction whose argmax is the label.

    Raises ValueError when the model is not compiled or the shapes do not fit together.
    """
    if not model.compiled:
        raise ValueError("evaluate_model: compile the model first (compile_model)")
    x, y_onehot = np.asarray(x, np.float32), np.asarray(y_onehot, np.float32)
    _check_data(x, y_onehot, "evaluate_model")
    scores = model.evaluate(x, y_onehot, verbose=0, return_dict=True)
    return {"loss": float(scores["loss"]), "accuracy": float(scores["accuracy"])}


def predict_classes(model: keras.Model, x: ArrayLike) -> np.ndarray:
    """The predicted class of each row of `x`: the argmax of the model's logits.

    Notes (Compile&Fit): `pred = network(x)` or `pred = network.predict(x)`. `predict`
    returns NumPy logits `[n, 10]` (in batches, any n); take the argmax along the classes.

    Returns an int64 NumPy array `[n]`. Raises ValueError when `x` is not 2-D.
    """
    x = np.asarray(x, np.float32)
    if x.ndim != 2:
        raise ValueError(f"predict_classes: x must be [n, features], got shape {x.shape}")
    logits = model.predict(x, verbose=0)
    return np.argmax(logits, axis=1).astype(np.int64)

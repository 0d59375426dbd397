"""Custom networks: your own Dense layer through `add_weight`, a `Model` subclass whose
`call(training=)` behaves differently in training, both trained by `fit` and saved.

From the notes: Keras高层API › 「自定义网络」 (keras.layers.Layer, keras.Model, class MyDense).

Any layer of your own inherits from `keras.layers.Layer` (任何要自定义的层要继承自它) and
creates its parameters with the parent's `add_weight` rather than with `tf.Variable`
(用母类的add_weight而不是用tf.variable): then the layer knows them, a model holding the
layer lists them in `trainable_variables`, `fit` trains them and saving stores them. A
network of your own inherits from `keras.Model` (Sequential does too), so `compile`, `fit`,
`evaluate` and `save` work on it; its `call(inputs, training=None)` receives
`training=True` from `fit` and False from `predict` and `evaluate`, which is how dropout
knows when to drop. To be saved and loaded back as a `.keras` file a custom class needs
two more things: a `get_config()` giving its constructor's arguments, and registration
with `@keras.saving.register_keras_serializable()`, so that `keras.saving.load_model`
finds the class by name.

The notes' `self.add_weight('name1', [inp_dim, outp_dim])` fails on Keras 3 (ERRATA.md):
`add_weight`'s first parameter is now `shape`, and a name given first raises ValueError
("`name` must be passed as a keyword argument"); write
`self.add_weight(shape=(inp_dim, outp_dim), initializer=..., name='kernel')`. And without
an initializer Keras 3 fills float weights with glorot_uniform, the bias included: give
the bias `initializer='zeros'`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor


@keras.saving.register_keras_serializable(package="tf_katas")
class MyDense(keras.layers.Layer):
    """Alternative: tf.matmul and bias_add, the activation by name through keras.activations."""

    def __init__(self, inp_dim: int, outp_dim: int, activation: str | None = None,
                 **kwargs) -> None:
        if min(inp_dim, outp_dim) <= 0:
            raise ValueError("MyDense: sizes must be positive")
        act = keras.activations.get(activation)
        super().__init__(**kwargs)
        self._args = {"inp_dim": int(inp_dim), "outp_dim": int(outp_dim),
                      "activation": activation}
        self._act = act
        self.kernel = self.add_weight(name="kernel", shape=[int(inp_dim), int(outp_dim)],
                                      initializer=keras.initializers.GlorotUniform())
        self.bias = self.add_weight(name="bias", shape=[int(outp_dim)],
                                    initializer=keras.initializers.Zeros())

    def call(self, inputs):
        inputs = tf.convert_to_tensor(inputs, self.compute_dtype)
        if inputs.shape[-1] != self._args["inp_dim"]:
            raise ValueError(f"MyDense: expected {self._args['inp_dim']} features")
        return self._act(tf.nn.bias_add(tf.matmul(inputs, self.kernel), self.bias))

    def get_config(self):
        config = super().get_config()
        config.update(self._args)
        return config


@keras.saving.register_keras_serializable(package="tf_katas")
class MLP(keras.Model):
    """Alternative: inverted dropout written by hand, active only when training is true."""

    def __init__(self, input_dim, hidden_dim, num_classes, dropout_rate=0.5, **kwargs):
        if dropout_rate < 0 or dropout_rate >= 1:
            raise ValueError("MLP: dropout_rate must be in [0, 1)")
        super().__init__(**kwargs)
        self.args = dict(input_dim=int(input_dim), hidden_dim=int(hidden_dim),
                         num_classes=int(num_classes), dropout_rate=float(dropout_rate))
        self.hidden = MyDense(input_dim, hidden_dim, "relu")
        self.out = MyDense(hidden_dim, num_classes)
        self.seeds = keras.random.SeedGenerator(7)

    def call(self, inputs, training=None):
        h = self.hidden(inputs)
        rate = self.args["dropout_rate"]
        if training and rate > 0:
            keep = keras.random.uniform(tf.shape(h), seed=self.seeds) >= rate
            h = tf.where(keep, h / (1 - rate), tf.zeros_like(h))
        return self.out(h)

    def get_config(self):
        return {**super().get_config(), **self.args}


def my_dense_stack(input_dim, units):
    """Alternative: a keras.Input first, layers added one by one."""
    units = list(units)
    if not units:
        raise ValueError("my_dense_stack: no layers")
    model = keras.Sequential()
    model.add(keras.Input(shape=(input_dim,)))
    previous = input_dim
    for k, width in enumerate(units):
        last = k == len(units) - 1
        model.add(MyDense(previous, width, activation=None if last else "relu"))
        previous = width
    return model


def train(model, x, labels, epochs=5, batch_size=32, learning_rate=0.01):
    """Alternative: a tf.data pipeline batched here, the loss as a string."""
    if min(epochs, batch_size) < 1 or learning_rate <= 0:
        raise ValueError("train: bad settings")
    x = tf.convert_to_tensor(x, tf.float32)
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != x.shape[0] or not np.issubdtype(labels.dtype,
                                                                               np.integer):
        raise ValueError("train: labels must be one integer per row of x")
    data = tf.data.Dataset.from_tensor_slices((x, labels)).batch(batch_size)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(data, epochs=epochs, verbose=0)
    return {k: list(map(float, v)) for k, v in history.history.items()}


def save_and_reload(model, path):
    """Alternative: keras.saving.save_model."""
    if not str(path).endswith(".keras"):
        raise ValueError("save_and_reload: needs a .keras file")
    keras.saving.save_model(model, path)
    return keras.saving.load_model(path)

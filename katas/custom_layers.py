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
    """The notes' MyDense: `activation(inputs @ kernel + bias)` with weights of its own.

    Notes (自定义网络): `class MyDense(layers.Layer)`, `self.kernel = self.add_weight('name1',
    [inp_dim, outp_dim])`, `self.bias = self.add_weight('name2', [outp_dim])`,
    `def call(self, inputs, training=None): out = inputs @ self.kernel + self.bias`.
    """

    def __init__(self, inp_dim: int, outp_dim: int, activation: str | None = None,
                 **kwargs) -> None:
        """Creates the weights at once, as the notes do (the input size is known).

        `self.kernel`: shape `[inp_dim, outp_dim]`, glorot-uniform initialised, trainable,
        named 'kernel'; `self.bias`: shape `[outp_dim]`, zeros, trainable, named 'bias'; both
        made with `self.add_weight`, so they are the layer's `trainable_weights`, in that
        order. `activation`: None (linear) or a Keras activation name ('relu'...); `kwargs`
        (name, dtype...) go to `keras.layers.Layer.__init__`.

        Raises ValueError when `inp_dim` or `outp_dim` is below 1 (before any weight is
        made), and for an activation name Keras does not know.
        """
        raise NotImplementedError("MyDense.__init__: your code here")

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        """`activation(inputs @ kernel + bias)`: `[batch, inp_dim]` to `[batch, outp_dim]`.

        Raises ValueError when the inputs' last dimension is not `inp_dim` (a matmul would
        raise InvalidArgumentError, which is no ValueError).
        """
        raise NotImplementedError("MyDense.call: your code here")

    def get_config(self) -> dict:
        """The base layer's config plus the constructor's own arguments: `inp_dim`,
        `outp_dim` and `activation` (as given: None or its name), so that
        `MyDense.from_config(layer.get_config())` makes an equal layer."""
        raise NotImplementedError("MyDense.get_config: your code here")


@keras.saving.register_keras_serializable(package="tf_katas")
class MLP(keras.Model):
    """A two-layer classifier of MyDense layers with dropout between them, in training only.

    Notes (自定义网络): "keras.Model(): compile/fit/evaluate; Sequential也是继承自该类，所以自定义
    的网络应该继承这个". Calling the model runs `call`, as `network(x)` does in the notes.
    """

    def __init__(self, input_dim: int, hidden_dim: int, num_classes: int,
                 dropout_rate: float = 0.5, **kwargs) -> None:
        """`self.hidden = MyDense(input_dim, hidden_dim, 'relu')`, `self.dropout =
        keras.layers.Dropout(dropout_rate)`, `self.out = MyDense(hidden_dim, num_classes)`.

        Layers assigned as attributes are tracked: `model.trainable_variables` is
        `[hidden kernel, hidden bias, output kernel, output bias]`, and so is
        `model.get_weights()`. `kwargs` go to `keras.Model.__init__`.

        Raises ValueError when `dropout_rate` is outside [0, 1), and as MyDense does for
        sizes below 1.
        """
        raise NotImplementedError("MLP.__init__: your code here")

    def call(self, inputs: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        """Logits `[batch, num_classes]`: `out(dropout(hidden(inputs)))`.

        With `training=True` (as `fit` calls it) dropout zeroes each hidden unit with
        probability `dropout_rate` and scales the others by `1 / (1 - dropout_rate)`, so
        the expected logits equal the inference ones; with `training=False` or None (as
        `predict`, `evaluate` and a plain `model(x)` call it) the hidden units pass
        unchanged and the output is deterministic. Pass `training` on to the Dropout layer
        (Keras 3 would also hand the outer call's `training` to the layers called inside
        `call`, but saying it shows what you mean); never fix it to True or False.
        """
        raise NotImplementedError("MLP.call: your code here")

    def get_config(self) -> dict:
        """The constructor's arguments: `input_dim`, `hidden_dim`, `num_classes`,
        `dropout_rate` (plus the base config: name, trainable, dtype)."""
        raise NotImplementedError("MLP.get_config: your code here")


def my_dense_stack(input_dim: int, units: Sequence[int]) -> keras.Sequential:
    """The notes' `keras.Sequential([layer1, layer2, ...])` made of your own layers.

    Notes (自定义网络): "keras.Sequential(layer1, layer2, ...): 参数要继承自keras.layers.Layer()".
    One `MyDense` per entry of `units`: the first from `input_dim`, each next one from the
    previous width; relu on every layer but the last (linear: logits). Build it for inputs
    `[None, input_dim]` (`model.build(...)` or a `keras.Input` first), so that
    `model.get_weights()` is `[kernel1, bias1, kernel2, bias2, ...]` at once.

    Raises ValueError when `units` is empty, and as MyDense does for sizes below 1.
    """
    raise NotImplementedError("my_dense_stack: your code here")


def train(model: keras.Model, x: ArrayLike, labels: ArrayLike, epochs: int = 5,
          batch_size: int = 32, learning_rate: float = 0.01) -> dict[str, list[float]]:
    """Compiles `model` and trains it with `fit`; returns the history.

    Compile with `keras.optimizers.Adam(learning_rate=learning_rate)`, the loss
    `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` (integer labels, a model
    that outputs logits) and `metrics=['accuracy']`, then `fit(x, labels, epochs=epochs,
    batch_size=batch_size, verbose=0)`. `x` is `[n, features]` float, `labels` integers
    `[n]`.

    Returns `History.history`: a dict from 'loss' and 'accuracy' to lists of `epochs`
    Python floats.

    Raises ValueError when `epochs` or `batch_size` is below 1, `learning_rate <= 0`, or
    `labels` is not one integer per row of `x`.
    """
    raise NotImplementedError("train: your code here")


def save_and_reload(model: keras.Model, path: str) -> keras.Model:
    """Saves the whole model as a `.keras` file and loads it back: the proof it serialises.

    `model.save(path)`, then `keras.saving.load_model(path)` WITHOUT `custom_objects`: it
    works only when every custom class is registered and its `get_config()` holds its
    constructor's arguments. The loaded model has the same class, config and weights, and
    gives the same outputs.

    Raises ValueError when `path` does not end in `.keras` (the notes' `model.save('PATH')`
    is refused by Keras 3 for the same reason).
    """
    raise NotImplementedError("save_and_reload: your code here")

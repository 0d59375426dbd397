"""Saving and loading models: weights only, the whole model, and an export for serving, with
a custom layer that survives each round trip.

From the notes: Keras高层API › 「模型的加载与保持」 (save/load weights, save/load entire model,
saved_model).

Three ways to keep a trained network. Weights only (`model.save_weights`): just the
numbers, so you must build the same network in code before `load_weights` puts them back
(缺点是没有源代码). The whole model (`model.save`): architecture, weights and compile
state in one `.keras` file, loaded back with `keras.saving.load_model` without the code
that built it (不需要人工创建网络), as long as every custom class is registered. An export
for serving (`model.export` or `tf.saved_model.save`): a SavedModel directory holding the
traced computation, which `tf.saved_model.load` runs through its `serving_default`
signature with no Keras and no Python class at all (通用的保存格式).

The network here starts with a custom `Standardize` layer whose mean and variance are
non-trainable weights taken from the training data: saved and restored with the others
only because `add_weight` made them.

The notes' lines need changes on Keras 3 (ERRATA.md): `model.save_weights('PATH')` needs a
name ending in `.weights.h5`; `model.save('PATH')` needs `.keras` (or the legacy `.h5`);
`tf.saved_model.saved(model, 'PATH')` is `tf.saved_model.save` (or `model.export(PATH)`);
`imported.signature['serving_defaut']` is `imported.signatures['serving_default']`.
And a trap the notes do not show: `load_weights` into a model with FEWER layers than the
file loads what matches and says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import h5py
import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
NUM_CLASSES = 10


@keras.saving.register_keras_serializable(package="tf_katas")
class Standardize(keras.layers.Layer):
    """`(inputs - mean) / sqrt(variance + epsilon)`, feature by feature, with the mean and
    variance kept as non-trainable weights (so that saving keeps them)."""

    def __init__(self, epsilon: float = 1e-6, **kwargs) -> None:
        """`epsilon` keeps a constant feature (variance 0) from dividing by zero; `kwargs`
        (name...) go to `keras.layers.Layer.__init__`. The weights are made by `build`."""
        raise NotImplementedError("Standardize.__init__: your code here")

    def build(self, input_shape: tuple) -> None:
        """Makes `self.mean` (zeros) and `self.variance` (ones), both of shape
        `[features]` (the last dimension of `input_shape`), with `self.add_weight(...,
        trainable=False)`: the layer's `non_trainable_weights`, `[mean, variance]`."""
        raise NotImplementedError("Standardize.build: your code here")

    def adapt(self, data: ArrayLike) -> None:
        """Sets `mean` and `variance` to those of `data` `[n, features]` over its rows (the
        population variance, NumPy's `var`), building the layer first if needed. Returns
        None.

        Raises ValueError when `data` is not 2-D with at least one row, or (for a built
        layer) has another number of features.
        """
        raise NotImplementedError("Standardize.adapt: your code here")

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        """The standardised inputs, same shape."""
        raise NotImplementedError("Standardize.call: your code here")

    def get_config(self) -> dict:
        """The base config plus `epsilon`."""
        raise NotImplementedError("Standardize.get_config: your code here")


def build_model(x_train: ArrayLike, hidden_units: int = 32, seed: int = 0,
                epsilon: float = 1e-6) -> keras.Sequential:
    """`Standardize(epsilon)` (adapted to `x_train`), `Dense(hidden_units, relu)`, `Dense(10)`.

    A `keras.Sequential` starting with `keras.Input((features,))`, so it is built at once;
    `x_train` is `[n, features]`. The Dense kernels come from
    `keras.initializers.GlorotUniform(seed)` and `GlorotUniform(seed + 1)`, biases zeros.
    `model.weights` is `[mean, variance, kernel1, bias1, kernel2, bias2]`.

    Raises ValueError when `hidden_units` is below 1, and as `Standardize.adapt` does.
    """
    raise NotImplementedError("build_model: your code here")


def save_weights(model: keras.Model, path: str | Path) -> None:
    """Writes the model's weights, all of them (non-trainable ones too), to `path`.

    Notes: `model.save_weights('PATH')`. Keras 3 wants a file name ending in `.weights.h5`
    (ValueError otherwise). Returns None.

    Raises ValueError when `path` does not end in `.weights.h5`.
    """
    raise NotImplementedError("save_weights: your code here")


def load_weights(model: keras.Model, path: str | Path) -> None:
    """Puts the weights saved in `path` back into `model`, an already built network of the
    same architecture (the notes: `model = create_model(); model.load_weights('PATH')`).

    Afterwards the model gives the saved model's outputs. Returns None.

    Raises FileNotFoundError when `path` is not a file, and ValueError when the file's
    weights do not fit the model: another number of weight arrays, or other shapes.
    Check this yourself before loading: Keras raises ValueError when a shape differs, but
    into a model with fewer layers than the file it loads what matches without a word.
    """
    raise NotImplementedError("load_weights: your code here")


def save_model(model: keras.Model, path: str | Path) -> None:
    """Writes the whole model (architecture, weights, compile state) to a `.keras` file.

    Notes: `model.save('PATH')`: Keras 3 refuses a name without `.keras` (or the legacy
    `.h5`) with ValueError; use `.keras`. Returns None.

    Raises ValueError when `path` does not end in `.keras`.
    """
    raise NotImplementedError("save_model: your code here")


def load_model(path: str | Path) -> keras.Model:
    """The model saved in the `.keras` file `path`, rebuilt without the code that made it.

    Notes: `model = tf.keras.models.load_model('PATH')  # 不需要人工创建网络`; on Keras 3
    `keras.saving.load_model(path)` (`keras.models.load_model` is the same function). The
    `Standardize` layer comes back as a `Standardize`, with its epsilon, mean and variance.

    Raises FileNotFoundError when `path` is not a file.
    """
    raise NotImplementedError("load_model: your code here")


def export_for_serving(model: keras.Model, directory: str | Path) -> None:
    """Exports the model as a TensorFlow SavedModel in `directory`, for serving.

    Notes: `tf.saved_model.saved(model, 'PATH')  # 标准的，可供其他模型使用的保存`: the function
    is `tf.saved_model.save`; on Keras 3, `model.export(directory)` writes the same format
    with a `serving_default` signature taking a float32 batch `[None, features]` and
    returning the logits. The directory then needs neither Keras nor this module to run.
    Returns None.
    """
    raise NotImplementedError("export_for_serving: your code here")


def serve(directory: str | Path, x: ArrayLike) -> np.ndarray:
    """Runs the exported model in `directory` on `x` through its serving signature.

    Notes: `imported = tf.saved_model.load(path)`, `f = imported.signature['serving_defaut']`:
    the attribute is `signatures` and the key `'serving_default'`. The signature takes a
    float32 tensor and returns a dict of outputs (one here: the logits).

    Returns the logits `[n, 10]` as a float32 NumPy array.

    Raises FileNotFoundError when `directory` holds no SavedModel (no `saved_model.pb`).
    """
    raise NotImplementedError("serve: your code here")

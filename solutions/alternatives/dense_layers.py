"""Fully connected layers: `x @ W + b`, a Keras Dense layer's weights, an MLP and its
parameters.

From the notes: 神经网络与全连接层 › 「全连接层」.

A Dense ("fully connected", 每个节点跟每个节点连接) layer computes `x @ W + b`: a batch of
inputs `[batch, in]` times a kernel `[in, out]`, plus one bias per output unit. You write
that forward pass yourself and check it against a Keras `Dense` layer whose weights you read
out; you stack Dense layers into a `keras.Sequential` MLP and build it from an input shape (as
the notes' `network.build(input_shape=[None,3])`, no data needed); you count its parameters
in closed form, `Σ (in * out + out)`, and list what training will update,
`model.trainable_variables`, which leaves out frozen layers and non-trainable state such as
a BatchNormalization layer's moving statistics.
"""

# An alternative: einsum, get_weights, model.add in a loop, a running parameter total.

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor


def dense_forward(x: ArrayLike, kernel: ArrayLike, bias: ArrayLike) -> tf.Tensor:
    """The Dense layer's forward pass without an activation: `x @ kernel + bias`.

    Notes (全连接层): `x = tf.random.normal([4,728])`, `net = tf.keras.layers.Dense(512)`,
    `out = net(x)  # out.shape = [4,512]`; (Broadcasting) "如前面的 x@w+b, b是一个一维的,
    但却能加上去, 就是broadcast的功劳".

    `x`: `[batch, in]`; `kernel`: `[in, out]` (Keras' layout: inputs along the rows, so no
    transpose); `bias`: `[out]`, added to every row. All are converted to float32.
    Returns a float32 tensor `[batch, out]`.

    Raises ValueError when `x` or `kernel` is not 2-D, `bias` is not 1-D, `x`'s columns
    differ from `kernel`'s rows, or `bias` does not have one entry per column of `kernel`.
    """
    x = tf.cast(x, tf.float32)
    kernel = tf.cast(kernel, tf.float32)
    bias = tf.cast(bias, tf.float32)
    if x.shape.rank != 2 or kernel.shape.rank != 2 or bias.shape.rank != 1:
        raise ValueError(f"dense_forward needs x [batch, in], kernel [in, out], bias [out]; "
                         f"got shapes {x.shape}, {kernel.shape}, {bias.shape}")
    if x.shape[1] != kernel.shape[0]:
        raise ValueError(f"dense_forward: x has {x.shape[1]} features but the kernel expects "
                         f"{kernel.shape[0]} (kernel shape {kernel.shape} is [in, out])")
    if bias.shape[0] != kernel.shape[1]:
        raise ValueError(f"dense_forward: the bias has {bias.shape[0]} entries but the kernel "
                         f"has {kernel.shape[1]} output units")
    return tf.einsum("bi,io->bo", x, kernel) + bias[None, :]


def dense_weights(layer: keras.layers.Dense) -> tuple[np.ndarray, np.ndarray]:
    """A built Dense layer's weights as NumPy copies: `(kernel [in, out], bias [out])`.

    Notes (全连接层): a layer's parameters are its `trainable_variables`; a Dense layer has
    `layer.kernel` and `layer.bias` (also `layer.get_weights()`, kernel first).

    Returns float32 NumPy arrays (copies: changing them leaves the layer alone). A layer made
    with `use_bias=False` has no bias: return zeros of shape `[out]` for it, so that
    `dense_forward(x, *dense_weights(layer))` always equals `layer(x)` for a layer
    without activation.

    Raises ValueError (with "built" in the message) when the layer is not built yet (a Dense
    layer creates its kernel the first time it sees an input, or on `layer.build(input_shape)`).
    """
    if not layer.built:
        raise ValueError("dense_weights: the layer is not built yet: call it on an input, "
                         "or layer.build(input_shape), first")
    weights = [w.astype(np.float32) for w in layer.get_weights()]
    if len(weights) == 1:
        weights.append(np.zeros(weights[0].shape[1], np.float32))
    return weights[0], weights[1]


def _check_sizes(input_dim: int, units: Sequence[int], what: str) -> None:
    if input_dim < 1:
        raise ValueError(f"{what}: input_dim must be at least 1, got {input_dim}")
    if len(units) == 0:
        raise ValueError(f"{what}: units must list at least one layer size")
    if any(u < 1 for u in units):
        raise ValueError(f"{what}: every layer needs at least 1 unit, got {list(units)}")


def build_mlp(input_dim: int, units: Sequence[int], activation: str = "relu") -> keras.Sequential:
    """A built `keras.Sequential` of Dense layers, one per entry of `units`.

    Notes (全连接层): `network = keras.Sequential([keras.layers.Dense(2,activation='relu'),
    keras.layers.Dense(2,activation='relu'), keras.layers.Dense(2)])`,
    `network.build(input_shape=[None,3])  # 创建，给定输入维度3`, `network.summary()`.

    Layer k has `units[k]` units; every layer but the last uses `activation`; the last
    has none (linear: it outputs logits). The model is built for inputs `[None, input_dim]`
    (any batch size), so its weights exist before it sees data: `model.built` is True, the
    first kernel is `[input_dim, units[0]]`, and `model(x)` maps `[batch, input_dim]` to
    `[batch, units[-1]]`.

    Raises ValueError when `input_dim` < 1, `units` is empty, or a size is < 1.
    """
    _check_sizes(input_dim, units, "build_mlp")
    model = keras.Sequential()
    for k, size in enumerate(units):
        model.add(keras.layers.Dense(size, activation=None if k == len(units) - 1 else activation))
    model.build((None, input_dim))
    return model


def parameter_count(input_dim: int, units: Sequence[int]) -> int:
    """The number of parameters of `build_mlp(input_dim, units)`, in closed form.

    Each Dense layer from `n_in` to `n_out` units has an `n_in x n_out` kernel and `n_out`
    biases: the total is `Σ (n_in * n_out + n_out)` over the layers, where the first
    `n_in` is `input_dim` and each next one is the previous layer's `n_out`. The notes'
    network (3 inputs, layers of 2, 2, 2) has (3*2+2) + (2*2+2) + (2*2+2) = 20. Compute it
    from the sizes (no model); the result is what `network.summary()` prints as "Total
    params".

    Returns a Python int. Raises ValueError as `build_mlp` does.
    """
    _check_sizes(input_dim, units, "parameter_count")
    total, n_in = 0, input_dim
    for n_out in units:
        total += (n_in + 1) * n_out
        n_in = n_out
    return int(total)


def trainable_shapes(model: keras.Model) -> list[tuple[int, ...]]:
    """The shapes of `model.trainable_variables`, in order.

    Notes (全连接层): `network.trainable_variables  # list[],可训练参数`. For the notes'
    network: `[(3, 2), (2,), (2, 2), (2,), (2, 2), (2,)]` — kernel then bias, layer by layer.
    Only what training updates: a layer with `trainable = False` contributes nothing, and a
    BatchNormalization layer contributes gamma and beta but not its moving mean and variance.

    Returns a list of tuples of Python ints.

    Raises ValueError (with "built" in the message) when the model is not built (it has no
    variables yet).
    """
    if not model.built:
        raise ValueError("trainable_shapes: the model is not built yet: build it with "
                         "model.build(input_shape) or call it on data first")
    return [tuple(int(d) for d in v.shape) for v in model.trainable_variables]


def count_trainable(model: keras.Model) -> int:
    """How many numbers training updates: the total size of `model.trainable_variables`.

    Equals `parameter_count` for a `build_mlp` model; smaller than `model.count_params()`
    (which counts every weight) once a layer is frozen or the model holds non-trainable
    state.

    Returns a Python int. Raises ValueError (with "built" in the message) when the model is
    not built.
    """
    trainable_shapes(model)
    return int(sum(int(tf.size(v)) for v in model.trainable_variables))

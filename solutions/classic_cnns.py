"""Classic CNNs: GoogLeNet's inception block, ResNet's residual block, why the shortcut
matters, and a small ResNet trained on digits.

From the notes: 卷积神经网络 › Classic Network › GoogLeNet, ResNet.

The notes say it in one line: "When the network get deeper, above 20, it gets harder to
train" — and answer with one word, "Residual". You build the two blocks that made deep
networks trainable, as Keras functional models: GoogLeNet's inception block, which runs
1x1, 3x3 and 5x5 convolutions and a max-pool side by side on the same input and
concatenates them on the channel axis (1x1 "reduce" convolutions first keep the 3x3 and 5x5
branches cheap), and ResNet's residual block, `relu(F(x) + x)`, whose shortcut is the input
itself (identity) or, when the block changes the shape, a 1x1 convolution (projection). You
count their parameters in closed form. Then you measure why the shortcut helps: in a deep
stack of plain convolutions the gradient that reaches the first layer has all but vanished;
with the same layers and the same weights plus shortcuts, it arrives. Last, a small ResNet
learns the handwritten digits that ship with scikit-learn.

In the notes the depth remark sits under GoogLeNet; it is the problem ResNet solved. The
layers here have no BatchNormalization (the papers put one after every convolution), so
that every output and parameter count has a closed form.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
INCEPTION_BRANCHES = ("branch1x1", "branch3x3", "branch5x5", "branch_pool_proj")


def inception_block(input_shape: Sequence[int], filters_1x1: int, filters_3x3_reduce: int,
                    filters_3x3: int, filters_5x5_reduce: int, filters_5x5: int,
                    filters_pool_proj: int) -> keras.Model:
    """GoogLeNet's inception block as a Keras functional model.

    Notes (GoogLeNet): the network of parallel branches. Four branches read the same input
    `[batch, H, W, C]` (`input_shape` is `(H, W, C)`, without the batch), every convolution
    with `padding="same"`, stride 1 and a ReLU, and every layer named as below:

    1. `branch1x1`: Conv2D(filters_1x1, 1);
    2. `branch3x3_reduce`: Conv2D(filters_3x3_reduce, 1), then `branch3x3`:
       Conv2D(filters_3x3, 3);
    3. `branch5x5_reduce`: Conv2D(filters_5x5_reduce, 1), then `branch5x5`:
       Conv2D(filters_5x5, 5);
    4. `branch_pool`: MaxPooling2D(3, strides=1, padding="same"), then `branch_pool_proj`:
       Conv2D(filters_pool_proj, 1).

    The output concatenates the four on the channel axis, in that order:
    `[batch, H, W, filters_1x1 + filters_3x3 + filters_5x5 + filters_pool_proj]` (the spatial
    size is kept, which is what lets the branches be concatenated).

    Returns a `keras.Model` built on `keras.Input(shape=input_shape)`, its layers carrying
    those names.

    Raises ValueError when `input_shape` is not three sizes of at least 1 or a filter count is
    below 1; TypeError for a non-integer count.
    """
    input_shape = _shape(input_shape, 3, "input_shape")
    counts = [filters_1x1, filters_3x3_reduce, filters_3x3, filters_5x5_reduce, filters_5x5,
              filters_pool_proj]
    f1, f3r, f3, f5r, f5, fp = (_positive_int(f, "filters") for f in counts)
    inputs = keras.Input(shape=input_shape)
    branch1 = _conv(f1, 1, name="branch1x1")(inputs)
    branch3 = _conv(f3r, 1, name="branch3x3_reduce")(inputs)
    branch3 = _conv(f3, 3, name="branch3x3")(branch3)
    branch5 = _conv(f5r, 1, name="branch5x5_reduce")(inputs)
    branch5 = _conv(f5, 5, name="branch5x5")(branch5)
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name="branch_pool")(inputs)
    pooled = _conv(fp, 1, name="branch_pool_proj")(pooled)
    outputs = keras.layers.Concatenate(axis=-1, name="concat")([branch1, branch3, branch5,
                                                                pooled])
    return keras.Model(inputs, outputs, name="inception_block")


def inception_parameter_count(in_channels: int, filters_1x1: int, filters_3x3_reduce: int,
                              filters_3x3: int, filters_5x5_reduce: int, filters_5x5: int,
                              filters_pool_proj: int) -> int:
    """The number of parameters of `inception_block` on `in_channels` input channels.

    A Conv2D with a `k x k` kernel from `c` to `f` channels holds `k*k*c*f + f` numbers; the
    pool has none. Sum the six convolutions: the 3x3 and 5x5 read the reduced channels, not
    `in_channels` — that is where the 1x1 reductions save: GoogLeNet's block 3a
    (192 -> 64, 96/128, 16/32, 32) has 163 696 parameters; without the reductions its 3x3 and
    5x5 alone would need 9*192*128 + 25*192*32 = 374 784 weights.

    Returns a Python int, equal to the built model's `count_params()`.

    Raises ValueError for a count below 1; TypeError for a non-integer.
    """
    c = _positive_int(in_channels, "in_channels")
    counts = [filters_1x1, filters_3x3_reduce, filters_3x3, filters_5x5_reduce, filters_5x5,
              filters_pool_proj]
    f1, f3r, f3, f5r, f5, fp = (_positive_int(f, "filters") for f in counts)
    return (_conv_params(1, c, f1) + _conv_params(1, c, f3r) + _conv_params(3, f3r, f3)
            + _conv_params(1, c, f5r) + _conv_params(5, f5r, f5) + _conv_params(1, c, fp))


def residual_block(input_shape: Sequence[int], filters: int, stride: int = 1) -> keras.Model:
    """ResNet's basic residual block, `relu(F(x) + shortcut(x))`, as a Keras functional model.

    Notes (ResNet): "Residual". The residual branch `F` is `conv1`: Conv2D(filters, 3,
    strides=stride, padding="same", ReLU), then `conv2`: Conv2D(filters, 3, padding="same",
    no activation). The shortcut is the input itself (identity) when the shape is kept
    (`stride == 1` and `filters` equals the input's channels); otherwise a 1x1 projection
    `shortcut`: Conv2D(filters, 1, strides=stride, no activation), so that the sum is
    defined. The block adds the two (a `keras.layers.Add`) and applies a ReLU.

    `input_shape`: `(H, W, C)`. The output is `[batch, ceil(H / stride), ceil(W / stride),
    filters]`. The layers are named `conv1`, `conv2` and (projection only) `shortcut`; an
    identity block has no `shortcut` layer and no parameters on its shortcut. Gradients reach
    the input through both paths: do not cut the shortcut out of the tape.

    Returns a `keras.Model`.

    Raises ValueError when `input_shape` is not three sizes of at least 1, or `filters` or
    `stride` is below 1; TypeError for a non-integer.
    """
    input_shape = _shape(input_shape, 3, "input_shape")
    filters = _positive_int(filters, "filters")
    stride = _positive_int(stride, "stride")
    inputs = keras.Input(shape=input_shape)
    outputs = _residual(inputs, filters, stride, prefix="")
    return keras.Model(inputs, outputs, name="residual_block")


def residual_parameter_count(in_channels: int, filters: int, stride: int = 1) -> int:
    """The number of parameters of `residual_block` on `in_channels` input channels.

    Two 3x3 convolutions, `9 * in_channels * filters + filters` and `9 * filters * filters +
    filters`, and, only when the block projects (`stride != 1` or `in_channels != filters`),
    the 1x1 shortcut's `in_channels * filters + filters`. An identity shortcut costs nothing.

    Returns a Python int, equal to the built model's `count_params()`.

    Raises ValueError for a count or stride below 1; TypeError for a non-integer.
    """
    c = _positive_int(in_channels, "in_channels")
    f = _positive_int(filters, "filters")
    stride = _positive_int(stride, "stride")
    projection = _conv_params(1, c, f) if stride != 1 or c != f else 0
    return _conv_params(3, c, f) + _conv_params(3, f, f) + projection


def deep_stack(input_shape: Sequence[int], depth: int, width: int = 8, residual: bool = True,
               seed: int = 0, num_classes: int = 10) -> keras.Model:
    """A deep stack of 3x3 convolutions, with or without shortcuts, for digit-sized images.

    Notes (GoogLeNet): "When the network get deeper, above 20, is get harder to training".
    The model, every convolution 3x3 with `padding="same"`:

    - `stem`: Conv2D(width, 3, ReLU) on the input `(H, W, C)`;
    - `depth` blocks, block `i` (from 1) made of `block{i}_conv1`: Conv2D(width, 3, ReLU)
      and `block{i}_conv2`: Conv2D(width, 3, no activation), then a ReLU of
      `conv2 + block input` when `residual` (identity shortcuts: the width never changes),
      or a ReLU of `conv2` alone when not;
    - a `keras.layers.GlobalAveragePooling2D`, and `logits`: Dense(num_classes) (no
      activation).

    So `2 * depth + 1` convolutions, and the same parameters with or without shortcuts. The
    weights depend only on `seed`: every kernel is drawn by `keras.initializers.GlorotUniform`
    (Keras' default) with a seed made from `seed` and the layer's place in the stack, biases
    are zeros, and `deep_stack(..., residual=True, seed=s)` and `(..., residual=False,
    seed=s)` hold exactly the same weights — only the shortcuts differ.

    Returns a `keras.Model` with layers named as above.

    Raises ValueError when `input_shape` is not three sizes of at least 1, or `depth`,
    `width` or `num_classes` is below 1; TypeError for a non-integer.
    """
    input_shape = _shape(input_shape, 3, "input_shape")
    depth = _positive_int(depth, "depth")
    width = _positive_int(width, "width")
    num_classes = _positive_int(num_classes, "num_classes")
    seeds = iter(range(seed * 1000, seed * 1000 + 2 * depth + 2))
    inputs = keras.Input(shape=input_shape)
    h = _conv(width, 3, name="stem", seed=next(seeds))(inputs)
    for i in range(1, depth + 1):
        branch = _conv(width, 3, name=f"block{i}_conv1", seed=next(seeds))(h)
        branch = _conv(width, 3, activation=None, name=f"block{i}_conv2", seed=next(seeds))(branch)
        if residual:
            branch = keras.layers.Add(name=f"block{i}_add")([branch, h])
        h = keras.layers.Activation("relu", name=f"block{i}_relu")(branch)
    h = keras.layers.GlobalAveragePooling2D(name="pool")(h)
    outputs = keras.layers.Dense(num_classes, name="logits",
                                 kernel_initializer=keras.initializers.GlorotUniform(next(seeds))
                                 )(h)
    return keras.Model(inputs, outputs, name="residual_stack" if residual else "plain_stack")


def first_layer_gradient_norm(model: keras.Model, images: ArrayLike, labels: ArrayLike) -> float:
    """How much gradient reaches the first layer: the L2 norm of d loss / d (first kernel).

    The loss is the mean sparse categorical cross-entropy of `model(images)` (logits)
    against the integer `labels` (`keras.losses.SparseCategoricalCrossentropy(
    from_logits=True)`); the first kernel is the first trainable variable of the model,
    `model.trainable_variables[0]` (the `stem` kernel of `deep_stack`). Take the gradient
    under a `tf.GradientTape`, then its norm over all of its elements.

    `images`: float `[n, H, W, C]` as the model takes them; `labels`: `n` integers.

    Returns a Python float. Comparing `deep_stack(..., residual=False)` with
    `residual=True` at the same depth and seed shows the vanishing gradient: the plain
    stack's first layer receives a small fraction of what the residual one does.

    Raises ValueError when the number of labels differs from the number of images.
    """
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    labels = np.asarray(labels).reshape(-1)
    if labels.shape[0] != images.shape[0]:
        raise ValueError(f"expected one label per image ({images.shape[0]}), got "
                         f"{labels.shape[0]} labels")
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    first = model.trainable_variables[0]
    with tf.GradientTape() as tape:
        loss = loss_fn(labels.astype(np.int64), model(images, training=True))
    return float(tf.norm(tape.gradient(loss, first)))


def small_resnet(input_shape: Sequence[int] = (8, 8, 1), num_classes: int = 10, width: int = 16,
                 seed: int = 0) -> keras.Model:
    """A small ResNet for digit-sized images, as a Keras functional model.

    Notes (ResNet): a stem, residual blocks, and a classifier:

    - `stem`: Conv2D(width, 3, padding="same", ReLU);
    - `block1`: a residual block as `residual_block` makes it, `width` filters, stride 1
      (identity shortcut), its layers named `block1_conv1`, `block1_conv2`;
    - `block2`: a residual block with `2 * width` filters and stride 2 (a 1x1 projection
      shortcut), layers `block2_conv1`, `block2_conv2`, `block2_shortcut`;
    - GlobalAveragePooling2D, and `logits`: Dense(num_classes), no activation.

    Kernels are drawn by seeded GlorotUniform initializers made from `seed` (the same seed
    gives the same model), biases are zeros.

    Returns a `keras.Model` that maps `[n, *input_shape]` to logits `[n, num_classes]`.

    Raises ValueError when `input_shape` is not three sizes of at least 1, or `num_classes`
    or `width` is below 1; TypeError for a non-integer.
    """
    input_shape = _shape(input_shape, 3, "input_shape")
    num_classes = _positive_int(num_classes, "num_classes")
    width = _positive_int(width, "width")
    seed = int(seed) * 1000
    inputs = keras.Input(shape=input_shape)
    h = _conv(width, 3, name="stem", seed=seed)(inputs)
    h = _residual(h, width, 1, prefix="block1_", seed=seed + 10)
    h = _residual(h, 2 * width, 2, prefix="block2_", seed=seed + 20)
    h = keras.layers.GlobalAveragePooling2D(name="pool")(h)
    outputs = keras.layers.Dense(num_classes, name="logits",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed + 30)
                                 )(h)
    return keras.Model(inputs, outputs, name="small_resnet")


def train(model: keras.Model, images: ArrayLike, labels: ArrayLike, epochs: int = 10,
          lr: float = 3e-3, batch_size: int = 32, seed: int = 0) -> list[float]:
    """Trains `model` in place on `(images, labels)`; returns each epoch's mean loss.

    Adam (`keras.optimizers.Adam(learning_rate=lr)`) on the mean sparse categorical
    cross-entropy of the logits (`from_logits=True`). Every epoch, shuffle the pairs
    (`tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(n, seed=seed)`, which
    reshuffles each epoch), cut them into batches of `batch_size` (the last one may be
    smaller) and take one optimizer step per batch. Wrap the step in `tf.function` (with an
    `input_signature` whose batch size is None, so that the smaller last batch does not
    trace it again): eager steps are ten times slower.

    `images`: float `[n, H, W, C]` as the model takes them; `labels`: `n` integers.

    Returns a list of `epochs` Python floats. The model passed in is the one trained.

    Raises ValueError when `lr <= 0`, `epochs` or `batch_size` is below 1, or the number of
    labels differs from the number of images.
    """
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    labels = tf.cast(tf.reshape(tf.convert_to_tensor(labels), [-1]), tf.int64)
    if labels.shape[0] != images.shape[0]:
        raise ValueError(f"expected one label per image ({images.shape[0]}), got "
                         f"{labels.shape[0]} labels")
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    weights = model.trainable_variables

    @tf.function(input_signature=[tf.TensorSpec([None, *images.shape[1:]], tf.float32),
                                  tf.TensorSpec([None], tf.int64)])
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights, strict=True))
        return loss

    batches = (tf.data.Dataset.from_tensor_slices((images, labels))
               .shuffle(int(images.shape[0]), seed=seed).batch(batch_size))
    history = []
    for _ in range(epochs):
        history.append(float(np.mean([float(step(x, y)) for x, y in batches])))
    return history


def _residual(x, filters: int, stride: int, prefix: str, seed: int = 0):
    """`relu(conv2(conv1(x)) + shortcut(x))` on the Keras tensor `x`."""
    branch = _conv(filters, 3, strides=stride, name=f"{prefix}conv1", seed=seed)(x)
    branch = _conv(filters, 3, activation=None, name=f"{prefix}conv2", seed=seed + 1)(branch)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = _conv(filters, 1, strides=stride, activation=None, name=f"{prefix}shortcut",
                         seed=seed + 2)(x)
    added = keras.layers.Add(name=f"{prefix}add")([branch, shortcut])
    return keras.layers.Activation("relu", name=f"{prefix}relu")(added)


def _conv(filters: int, size: int, strides: int = 1, activation: str | None = "relu",
          name: str | None = None, seed: int | None = None) -> keras.layers.Conv2D:
    initializer = keras.initializers.GlorotUniform(seed=seed)
    return keras.layers.Conv2D(filters, size, strides=strides, padding="same",
                               activation=activation, name=name,
                               kernel_initializer=initializer)


def _conv_params(size: int, in_channels: int, filters: int) -> int:
    return size * size * in_channels * filters + filters


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def _shape(shape, rank: int, name: str) -> tuple[int, ...]:
    shape = tuple(shape)
    if len(shape) != rank:
        raise ValueError(f"{name} must have {rank} sizes (height, width, channels), got {shape}")
    return tuple(_positive_int(size, name) for size in shape)

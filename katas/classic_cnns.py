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
    raise NotImplementedError("inception_block: your code here")


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
    raise NotImplementedError("inception_parameter_count: your code here")


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
    raise NotImplementedError("residual_block: your code here")


def residual_parameter_count(in_channels: int, filters: int, stride: int = 1) -> int:
    """The number of parameters of `residual_block` on `in_channels` input channels.

    Two 3x3 convolutions, `9 * in_channels * filters + filters` and `9 * filters * filters +
    filters`, and, only when the block projects (`stride != 1` or `in_channels != filters`),
    the 1x1 shortcut's `in_channels * filters + filters`. An identity shortcut costs nothing.

    Returns a Python int, equal to the built model's `count_params()`.

    Raises ValueError for a count or stride below 1; TypeError for a non-integer.
    """
    raise NotImplementedError("residual_parameter_count: your code here")


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
    raise NotImplementedError("deep_stack: your code here")


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
    raise NotImplementedError("first_layer_gradient_norm: your code here")


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
    raise NotImplementedError("small_resnet: your code here")


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
    raise NotImplementedError("train: your code here")

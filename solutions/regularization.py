"""Regularization: L1 and L2 penalties by hand, Keras' regularizers, and what L2 does to weights.

From the notes: 过拟合和欠拟合 › 减轻overfitting › Regularization.

An over-fitting network learns the noise of its few training examples with large weights.
Regularization adds a penalty on the weights to the loss: L1 adds `λ Σ|θ|`, L2 adds
`λ Σ θ²`, and the gradient of the penalty pulls every weight toward zero (L2 "weight
decay"). You write both penalties by hand and meet the two ways the notes add one: a
`kernel_regularizer=keras.regularizers.L2(λ)` on each Dense layer, whose penalties Keras
collects in `model.losses` and adds to the training loss for you, and a hand-written loop
over `network.trainable_variables` with `tf.nn.l2_loss` — which is not the L2 norm but
`Σ w² / 2`, so the notes' two forms weigh the same λ differently. Last, you train a small
network on fifty digits, with and without L2, and see the penalty keep its weights small.

What changed since the notes: Keras 3's regularizers take the coefficient as
`keras.regularizers.L2(0.001)` or `L2(l2=0.001)` (`l2(l=0.001)`, once accepted, is a
TypeError), `optimizers.Adam(lr=...)` is a ValueError (`learning_rate=`), and
`tf.loss.CategoricalCrossentropy` does not exist (`keras.losses`).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
Weights = ArrayLike | Sequence[ArrayLike]

HIDDEN_UNITS = 64  # train_mlp's hidden layer: ample for 50 examples, so it can over-fit
LEARNING_RATE = 0.01  # train_mlp's Adam learning rate


def _as_tensors(weights: Weights) -> list[tf.Tensor]:
    """One tensor, or a list/tuple of them, as a list of floating-point tensors."""
    if isinstance(weights, (list, tuple)):
        items = list(weights)
    else:
        items = [weights]
    tensors = []
    for item in items:
        tensor = tf.convert_to_tensor(item)
        if not tensor.dtype.is_floating:
            tensor = tf.cast(tensor, tf.float32)
        tensors.append(tensor)
    return tensors


def _check_coefficient(value: float, name: str) -> None:
    if not value >= 0:
        raise ValueError(f"{name} must be non-negative, got {value}")


def _total(terms: list[tf.Tensor]) -> tf.Tensor:
    if not terms:
        return tf.constant(0.0, tf.float32)
    dtype = terms[0].dtype
    return tf.add_n([tf.cast(t, dtype) for t in terms])


def l1_penalty(weights: Weights, l1: float) -> tf.Tensor:
    """The L1 penalty `l1 * Σ |w|`, summed over every element of every tensor in `weights`.

    Notes (Regularization): "L1-regularization: loss加上lambda约束的一范式",
    `J(θ) = ... + λ Σ|θ_i|`. This is what `keras.regularizers.L1(l1)` adds to the loss for
    one weight tensor; for a list, the sum of its penalties.

    `weights`: one array or tensor, or a list/tuple of them (`model.trainable_variables`,
    say); integers are converted to float32. `l1`: the coefficient λ, a number >= 0.
    Returns a 0-d float tensor (float32 for float32 weights); an empty list gives 0.

    Raises ValueError (with "l1" in the message) when `l1` is negative.
    """
    _check_coefficient(l1, "l1")
    tensors = _as_tensors(weights)
    return l1 * _total([tf.reduce_sum(tf.abs(t)) for t in tensors])


def l2_penalty(weights: Weights, l2: float) -> tf.Tensor:
    """The L2 penalty as Keras adds it: `l2 * Σ w²`, with no factor 1/2 and no square root.

    Notes (Regularization): `keras.layers.Dense(16, kernel_regularizer=
    keras.regularizers.L2(0.001))  # 0.001就是 lambda`. `keras.regularizers.L2(l2)(w)` is
    `l2 * reduce_sum(square(w))`: the SQUARED norm times λ. The notes call both penalties
    "一范式"; L2's is the squared 2-norm, and their formula `J(W;x,y) + ½||W||²` leaves
    out λ and keeps a ½ that Keras does not have.

    `weights`: one array or tensor, or a list/tuple of them; integers become float32.
    `l2`: the coefficient λ, a number >= 0. Returns a 0-d float tensor (float32 for float32
    weights); an empty list gives 0.

    Raises ValueError (with "l2" in the message) when `l2` is negative.
    """
    _check_coefficient(l2, "l2")
    tensors = _as_tensors(weights)
    return l2 * _total([tf.reduce_sum(tf.square(t)) for t in tensors])


def notes_l2_penalty(weights: Weights, coefficient: float) -> tf.Tensor:
    """The notes' hand-made penalty: `coefficient * Σ tf.nn.l2_loss(p)` over the tensors.

    Notes (Regularization, 法二): `for p in network.trainable_variables:
    loss_regularization.append(tf.nn.l2_loss(p))`, `loss_regularization =
    tf.reduce_sum(tf.stack(loss_regularization))`, `loss = loss + 0.0001*loss_regularization`.
    Mind the ½: `tf.nn.l2_loss(p)` is `sum(p ** 2) / 2`, not the L2 norm `sqrt(sum(p ** 2))`
    (for [3, 4]: 12.5, not 5). So `notes_l2_penalty(w, c)` equals `l2_penalty(w, c / 2)`:
    the notes' 0.0001 is Keras' `L2(0.00005)`. Use `tf.nn.l2_loss` here, as the notes do.

    `weights`: one array or tensor, or a list/tuple of them; integers become float32.
    `coefficient`: a number >= 0. Returns a 0-d float tensor; an empty list gives 0.

    Raises ValueError (with "coefficient" in the message) when `coefficient` is negative.
    """
    _check_coefficient(coefficient, "coefficient")
    tensors = _as_tensors(weights)
    if not tensors:
        return tf.constant(0.0, tf.float32)
    dtype = tensors[0].dtype
    terms = tf.stack([tf.cast(tf.nn.l2_loss(t), dtype) for t in tensors])
    return coefficient * tf.reduce_sum(terms)


def regularized_mlp(input_dim: int, units: Sequence[int], l2: float, seed: int = 0
                    ) -> keras.Sequential:
    """A built `keras.Sequential` of Dense layers whose KERNELS carry `L2(l2)` penalties.

    Notes (Regularization, 法一): `keras.layers.Dense(16, kernel_regularizer=
    keras.regularizers.L2(0.001))`. Layer k has `units[k]` units, relu for every layer but
    the last (linear: logits). Every layer has `kernel_regularizer=keras.regularizers.L2(l2)`
    and no bias regularizer: the penalty is on the kernels only. Kernels are initialised by
    `keras.initializers.GlorotUniform(seed=seed + k)` for layer k (so the same seed gives the
    same network), biases zeros. Build it for inputs `[None, input_dim]`.

    Then `model.losses` holds one penalty per layer, `l2 * Σ kernel²` (recomputed from the
    current weights each time you read it), and `fit` / `evaluate` add their sum to the loss
    they report.

    Raises ValueError when `input_dim` < 1, `units` is empty or holds a size < 1, or `l2`
    is negative (with "l2" in the message).
    """
    _check_coefficient(l2, "l2")
    if input_dim < 1 or len(units) == 0 or min(units) < 1:
        raise ValueError(f"regularized_mlp needs input_dim >= 1 and layer sizes >= 1, got "
                         f"{input_dim} and {list(units)}")
    layers = []
    for k, size in enumerate(units):
        layers.append(keras.layers.Dense(
            size,
            activation="relu" if k < len(units) - 1 else None,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + k),
            kernel_regularizer=keras.regularizers.L2(l2),
        ))
    model = keras.Sequential(layers)
    model.build((None, input_dim))
    return model


def train_mlp(x: ArrayLike, y: ArrayLike, l2: float, epochs: int = 30, seed: int = 0
              ) -> keras.Sequential:
    """A `regularized_mlp` trained with `fit` on `(x, y)`: returns the trained model.

    The network is `regularized_mlp(x.shape[1], [HIDDEN_UNITS, n_classes], l2, seed)` with
    `n_classes = max(y) + 1`. Compile it with `keras.optimizers.Adam(learning_rate=
    LEARNING_RATE)` (the notes' `Adam(lr=0.01)` is a ValueError in Keras 3) and
    `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` (the notes'
    `tf.loss.CategoricalCrossentropy` does not exist, and integer labels want the sparse
    form), then `fit(x, y, epochs=epochs, batch_size=len(x), verbose=0)`: one full batch per
    epoch, so the run depends on `seed` alone. Keras adds the kernels' L2 penalties to the
    loss it minimises: nothing else to write. With 50 digits and 64 hidden units the network
    over-fits; with `l2 > 0` its kernels stay smaller.

    `x`: float features `[n, features]`; `y`: integer labels `[n]` in `0..n_classes-1`.

    Raises ValueError when `x` is not 2-D, `y` does not hold one label per row of `x`,
    `epochs` < 1, or `l2` is negative.
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D [n, features], got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"expected one label per row of x ({x.shape[0]}), got labels of "
                         f"shape {y.shape}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    model = regularized_mlp(x.shape[1], [HIDDEN_UNITS, int(y.max()) + 1], l2, seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y.astype(np.int64), epochs=epochs, batch_size=len(x), verbose=0)
    return model

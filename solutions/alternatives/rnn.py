"""An alternative correct solution of the `rnn` kata, in another style: the embedding is
a one-hot matrix times the table, the sequence is unrolled with `tf.scan` over time-major
projections, and the per-step norms are `tf.norm` over a transposed gradient. It must pass
every test of tests/test_rnn.py.

The reference's docstring follows.

Sequences and the simple RNN: embeddings, a SimpleRNN cell by hand, clipping, vanishing.

From the notes: Sequence, Cycle network, RNNlayer › SimpleRNN and Optimize.

A sequence is a tensor with a time axis: words become vectors by an embedding lookup (a
trainable table whose rows are learnt so that similar words get similar vectors: the notes'
"semantic similarity" and "trainable"), and a batch of sentences becomes
`[batch, time, features]`. A recurrent cell reads it one time step after another, with the
SAME weights at every step (the notes' "weight sharing"), carrying a state `h` that holds
the context: `h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b)`. You write that cell in Keras'
own weight layout, so that `keras.layers.SimpleRNN(H).get_weights()` can be passed straight
in, unroll it over time, clip the gradients of a training step by their global norm (the
notes' cure for exploding gradients), and measure the gradient flowing back through time:
for a tanh cell it shrinks with every step (vanishing gradients, the notes' reason for the
LSTM and GRU of the `lstm_gru` kata).

The notes write the step as `call = x w_xh + h_t w_hh` and unroll it as
`out_2, h_2 = call(x, h_1)`: each step takes its OWN input `x_t` (not the whole `x`), adds a
bias and goes through `tanh` (the notes' Cycle network formula). And the notes lay
sequences out as `[time, b, 28]`; Keras and these functions take `[b, time, 28]` (batch
first; Keras 3's recurrent layers have no `time_major` option).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor


def embedding_lookup(ids: ArrayLike, table: ArrayLike) -> tf.Tensor:
    """The rows of `table` that `ids` name: one vector per id, `ids`' shape plus `[dim]`.

    Notes (Sequence): "sequence embed — turn digital signal into a sequence", with the rules
    "semantic similarity" and "trainable". An embedding is a table `[vocab, dim]`, one
    trainable row per word: the lookup equals `one_hot(ids, vocab) @ table`, but takes the
    rows directly (`tf.gather(table, ids)`, what `keras.layers.Embedding` does), and its
    gradient reaches only the rows looked up (a row looked up twice gets two contributions).

    `ids`: integers of any shape, e.g. `[batch, time]`. `table`: `[vocab, dim]` floats.
    Returns a tensor of shape `ids.shape + [dim]` and `table`'s dtype.

    Raises TypeError when `ids` are not integers (a float id would be truncated silently by
    a cast), ValueError (with "shape") when `table` is not 2-D, and ValueError (with
    "range") when an id is negative or not below `vocab` — `tf.gather` raises
    InvalidArgumentError for it on a CPU and gives a row of zeros on a GPU. (The range is
    checked on the values when `ids` are known, i.e. outside `tf.function`.)
    """
    ids = tf.convert_to_tensor(ids)
    table = tf.convert_to_tensor(table)
    if not ids.dtype.is_integer:
        raise TypeError(f"embedding_lookup: ids must be integers, got {ids.dtype.name}")
    if table.shape.rank != 2:
        raise ValueError(f"embedding_lookup: table must have shape [vocab, dim], got shape "
                         f"{tuple(table.shape)}")
    if not tf.is_symbolic_tensor(ids) and tf.size(ids) > 0:
        values = ids.numpy()
        if values.min() < 0 or values.max() >= table.shape[0]:
            raise ValueError(f"embedding_lookup: ids must be in range 0..{table.shape[0] - 1} "
                             f"(vocab {table.shape[0]}), got {values.min()}..{values.max()}")
    flat = tf.one_hot(tf.reshape(ids, [-1]), table.shape[0], dtype=table.dtype) @ table
    return tf.reshape(flat, tf.concat([tf.shape(ids), [table.shape[1]]], 0))


def simple_rnn_step(x_t: ArrayLike, h: ArrayLike, kernel: ArrayLike,
                    recurrent_kernel: ArrayLike, bias: ArrayLike) -> tf.Tensor:
    """One step of a SimpleRNN for a whole batch: `tanh(x_t @ kernel + h @ recurrent_kernel
    + bias)`.

    Notes (Cycle network): `h_t = tanh(W_hh h_{t-1} + W_xh x_t)`; (SimpleRNN)
    `call = x w_xh + h_t w_hh`. With rows as samples, the products are `x_t @ W_xh` and
    `h @ W_hh`, plus the bias, through `tanh` — what `keras.layers.SimpleRNN` computes.

    Shapes: `x_t [B, I]`, `h [B, H]`, `kernel [I, H]` (W_xh), `recurrent_kernel [H, H]`
    (W_hh), `bias [H]` — the layouts of `keras.layers.SimpleRNN(H).get_weights()`, in that
    order. Returns the new state `[B, H]` in `x_t`'s dtype (float16, bfloat16, float32 or
    float64; the other arguments are cast to it). The same matmuls serve the whole batch.

    Raises TypeError when `x_t` is not floating point, and ValueError (with "shape") when a
    shape does not fit the others (`recurrent_kernel` not square, a kernel transposed, a
    bias or state of the wrong width, a batch that differs between `x_t` and `h`).
    """
    x_t, kernel, recurrent_kernel, bias = _checked("simple_rnn_step", x_t, kernel,
                                                   recurrent_kernel, bias, rank=2)
    h = _checked_state("simple_rnn_step", "h", h, x_t, recurrent_kernel.shape[0])
    return tf.tanh(x_t @ kernel + h @ recurrent_kernel + bias)


def simple_rnn(x: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike,
               h0: ArrayLike | None = None, return_sequences: bool = False) -> tf.Tensor:
    """A SimpleRNN unrolled over `x [B, T, I]`: what `keras.layers.SimpleRNN(H)` returns.

    Notes (SimpleRNN): `out_1, h_1 = call(x, h_0)`, `out_2, h_2 = call(x, h_1)`, ...,
    `out_t, h_t = call(x, h_{t-1})` — each step reads its own slice `x[:, t]`, and
    "`h_t` and `out_t` is the same thing": the output of a step IS its new state.

    Weights as for `simple_rnn_step`; `h0`: None (zeros) or `[B, H]`. Returns the last state
    `h_T` (`[B, H]`), or with `return_sequences=True` every step's state (`[B, T, H]`, time on
    axis 1, as Keras), in `x`'s dtype.

    Expected form: the input projection of ALL time steps in one matmul before the loop
    (`x @ kernel + bias` is `[B, T, H]` and does not depend on `h`), then a loop over the T
    time steps (a Python `for` over the static T, `tf.scan` or `tf.while_loop`) doing one
    `[B, H] @ [H, H]` matmul per step for the whole batch. No Keras layer or cell: the tests
    trace your function and look.

    Raises TypeError when `x` is not floating point, ValueError (with "shape") when `x` is not
    3-D with at least one time step, or a weight's or `h0`'s shape does not fit.
    """
    x, kernel, recurrent_kernel, bias = _checked("simple_rnn", x, kernel, recurrent_kernel,
                                                 bias, rank=3)
    batch, time, features = x.shape
    units = recurrent_kernel.shape[0]
    h = (tf.zeros([batch, units], x.dtype) if h0 is None
         else _checked_state("simple_rnn", "h0", h0, x[:, 0], units))
    # One matmul for every step's input projection; only h @ W_hh must wait for h.
    projected = tf.reshape(tf.reshape(x, [batch * time, features]) @ kernel + bias,
                           [batch, time, units])
    states = tf.scan(lambda prev, p: tf.tanh(p + prev @ recurrent_kernel),
                     tf.transpose(projected, [1, 0, 2]), initializer=h)
    states = tf.transpose(states, [1, 0, 2])
    return states if return_sequences else states[:, -1]


def clipped_sgd_step(variables: Sequence[tf.Variable], x: ArrayLike, y: ArrayLike,
                     lr: float, clip_norm: float) -> tuple[tf.Tensor, tf.Tensor]:
    """One SGD step of a SimpleRNN regressor, its gradients clipped by their global norm.

    Notes (Optimize): "Step 1: Gradient Exploding — Gradient Clipping",
    `grads = [tf.clipe_by_norm(g, 15) for g in grads]`. `tf.clipe_by_norm` is a typo
    (`tf.clip_by_norm`), and clipping each gradient by its own norm changes the direction of
    the whole update; the notes' `grad = |grad|/grad` is no clipping at all (ERRATA.md).
    Clip them together: `grads, norm = tf.clip_by_global_norm(grads, clip_norm)` multiplies
    every gradient by the same `clip_norm / max(clip_norm, global_norm)`.

    `variables`: the five `tf.Variable`s `[kernel [I, H], recurrent_kernel [H, H], bias [H],
    dense_kernel [H, O], dense_bias [O]]`. The model predicts `simple_rnn(x, kernel,
    recurrent_kernel, bias) @ dense_kernel + dense_bias` (`[B, O]`, from the last state,
    starting from zeros) and the loss is the mean over all elements of `(prediction - y)**2`.
    Under a tape, take the loss's gradient for all five Variables, clip by global norm to
    `clip_norm`, and update each Variable in place: `variable.assign_sub(lr * grad)`.

    `x`: `[B, T, I]` floats; `y`: `[B, O]`. Returns `(loss, global_norm)`: the loss before
    the update and the global norm of the gradients before clipping, both 0-d float tensors.

    Raises TypeError when `variables` is not a list or tuple of five `tf.Variable`s (an
    update of a plain tensor would be lost), ValueError when `lr` or `clip_norm` is not
    positive, and ValueError (with "shape") when `y` is not `[B, O]`, or for the shapes
    `simple_rnn` refuses.
    """
    if (not isinstance(variables, (list, tuple)) or len(variables) != 5
            or not all(isinstance(v, tf.Variable) for v in variables)):
        raise TypeError("clipped_sgd_step: variables must be a list of five tf.Variables "
                        "[kernel, recurrent_kernel, bias, dense_kernel, dense_bias]")
    if not lr > 0 or not clip_norm > 0:
        raise ValueError(f"clipped_sgd_step: lr and clip_norm must be positive, got {lr}, "
                         f"{clip_norm}")
    kernel, recurrent_kernel, bias, dense_kernel, dense_bias = variables
    x = tf.cast(tf.convert_to_tensor(x), kernel.dtype)
    y = tf.cast(tf.convert_to_tensor(y), kernel.dtype)
    if x.shape.rank != 3 or tuple(y.shape) != (x.shape[0], dense_kernel.shape[1]):
        raise ValueError(f"clipped_sgd_step: y must have shape [batch, outputs] = "
                         f"{(x.shape[0] if x.shape.rank else None, dense_kernel.shape[1])}, "
                         f"got shape {tuple(y.shape)} (x: {tuple(x.shape)})")
    with tf.GradientTape() as tape:
        prediction = simple_rnn(x, kernel, recurrent_kernel, bias) @ dense_kernel + dense_bias
        loss = tf.reduce_mean(tf.square(prediction - y))
    grads = tape.gradient(loss, list(variables))
    grads, global_norm = tf.clip_by_global_norm(grads, clip_norm)
    for variable, grad in zip(variables, grads, strict=True):
        variable.assign_sub(lr * grad)
    return loss, global_norm


def gradient_norms_through_time(x: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike,
                                bias: ArrayLike) -> tf.Tensor:
    """How much the last state still depends on each input: `||d sum(h_T) / d x_t||` per t.

    Notes (Optimize): "Step 2: Gradient Vanishing". By the chain rule the gradient reaching
    `x_t` from the last state `h_T` is a product of `T - t` Jacobians
    `diag(1 - h_s**2) @ W_hh^T`; with tanh's derivative below 1 and a recurrent kernel of
    spectral norm near 1 it shrinks with every step back in time, and the first inputs of a
    long sequence barely move the result — what the LSTM of the `lstm_gru` kata cures.

    Watch `x` on a `tf.GradientTape`, run `simple_rnn(x, kernel, recurrent_kernel, bias)`
    from zeros, take the gradient of `tf.reduce_sum(h_T)` with respect to `x` (`[B, T, I]`)
    and return, for each time step t, the L2 norm of `grad[:, t, :]` over the batch and the
    features: a `[T]` tensor in `x`'s dtype, `[t]` for input `x[:, t]`.

    Raises TypeError and ValueError as `simple_rnn` does.
    """
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(simple_rnn(x, kernel, recurrent_kernel, bias))
    grad = tape.gradient(total, x)
    return tf.norm(tf.transpose(grad, [1, 0, 2]), axis=[1, 2])


def _checked(name, x, kernel, recurrent_kernel, bias, rank):
    """`x` and the weights as tensors of `x`'s float dtype, their shapes checked."""
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"{name}: x must be a floating-point tensor, got {x.dtype.name}")
    if x.shape.rank != rank or (rank == 3 and x.shape[1] == 0):
        expected = "[batch, features]" if rank == 2 else "[batch, time, features], time >= 1"
        raise ValueError(f"{name}: x must have shape {expected}, got shape {tuple(x.shape)}")
    kernel, recurrent_kernel, bias = (tf.cast(tf.convert_to_tensor(w), x.dtype)
                                      for w in (kernel, recurrent_kernel, bias))
    if recurrent_kernel.shape.rank != 2 or recurrent_kernel.shape[0] != recurrent_kernel.shape[1]:
        raise ValueError(f"{name}: recurrent_kernel must have a square shape [units, units], "
                         f"got shape {tuple(recurrent_kernel.shape)}")
    units = recurrent_kernel.shape[0]
    if tuple(kernel.shape) != (x.shape[-1], units):
        raise ValueError(f"{name}: kernel must have shape [features, units] = "
                         f"{(x.shape[-1], units)}, got shape {tuple(kernel.shape)}")
    if tuple(bias.shape) != (units,):
        raise ValueError(f"{name}: bias must have shape [units] = ({units},), got shape "
                         f"{tuple(bias.shape)}")
    return x, kernel, recurrent_kernel, bias


def _checked_state(name, what, state, x_t, units):
    state = tf.cast(tf.convert_to_tensor(state), x_t.dtype)
    if tuple(state.shape) != (x_t.shape[0], units):
        raise ValueError(f"{name}: {what} must have shape [batch, units] = "
                         f"{(x_t.shape[0], units)}, got shape {tuple(state.shape)}")
    return state

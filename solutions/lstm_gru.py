"""LSTM and GRU cells by hand, matching Keras' layers weight for weight, and why they remember.

From the notes: Sequence › RNNlayer › Optimize › LSTM and GRU.

A SimpleRNN forgets: its gradient through time shrinks step after step (the notes' "Step 2:
Gradient Vanishing", the `rnn` kata measures it), and the notes' cure is "*LSTM* \\ *GRU*".
You write both cells from their equations, in the weight layouts Keras uses, so that
`layer.get_weights()` of a `keras.layers.LSTM` or `GRU` can be passed straight in and your
function gives the layer's output: the LSTM's four gates side by side in one kernel in the
order input, forget, cell, output (`i, f, c, o`), the GRU's three in the order update, reset,
candidate (`z, r, h`) with Keras' default `reset_after=True` and its two bias rows. Then you
unroll them over `[batch, time, features]` and train them on a task that needs a long memory
(recall the first symbol of a sequence after 20 noisy steps): the LSTM learns it, a SimpleRNN
of the same size trained the same way does not.

Every function keeps `x`'s floating dtype (float16, bfloat16, float32 or float64: the
weights are cast to it), works on the whole batch at once, is differentiable, and traces
inside `tf.function` when the shapes are static.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
CELLS = ("lstm", "gru", "simple_rnn")
GATES = {"lstm": 4, "gru": 3, "simple_rnn": 1}


def lstm_step(x_t: ArrayLike, h: ArrayLike, c: ArrayLike, kernel: ArrayLike,
              recurrent_kernel: ArrayLike, bias: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    """One LSTM step for a whole batch: the new `(h, c)`.

    Notes (LSTM): the forget gate `f_t = σ(W_f·[h_{t-1}, x_t] + b_f)`, the input gate
    `i_t = σ(W_i·[h_{t-1}, x_t] + b_i)`, the candidate `C̃_t = tanh(W_C·[h_{t-1}, x_t] + b_C)`,
    the cell state `C_t = f_f * C_{t-1} + i_t * C̃_t` (`f_f` is a typo for `f_t`), the output
    gate `O_t = σ(W_o[h_{t-1}, x_t] + b_o)` and `h_t = O_t * tanh(C_t)`. `W·[h, x]` on the
    concatenation is `x @ W_x + h @ W_h`, and Keras keeps the four gates side by side:

        z = x_t @ kernel + h @ recurrent_kernel + bias       # [B, 4H]
        i, f, g, o = the four column blocks of z, in this order (input, forget, cell, output)
        c_new = sigmoid(f) * c + sigmoid(i) * tanh(g)
        h_new = sigmoid(o) * tanh(c_new)

    Shapes: `x_t [B, I]`, `h [B, H]`, `c [B, H]`, `kernel [I, 4H]`, `recurrent_kernel
    [H, 4H]`, `bias [4H]` — the layouts of `keras.layers.LSTM(H).get_weights()` (or
    `layer.cell.get_weights()`). Returns the pair `(h_new, c_new)`, in that order, both
    `[B, H]` tensors of `x_t`'s dtype (float16, bfloat16, float32 or float64; the other
    arguments are cast to it). The gates are sigmoids (not Keras 2's old hard sigmoid).

    Raises TypeError when `x_t` is not floating point, ValueError (with "shape" in the
    message) when a shape does not fit the others: a kernel whose width is not 4 times the
    state's, a batch or feature size that differs between arguments, a rank other than the
    above.
    """
    x_t, (kernel, recurrent_kernel, bias), units = _cell_inputs(
        "lstm_step", "lstm", x_t, kernel, recurrent_kernel, bias, step=True)
    h = _state("lstm_step", "h", h, x_t, units)
    c = _state("lstm_step", "c", c, x_t, units)
    return _lstm_cell(x_t @ kernel + bias, h, c, recurrent_kernel)


def lstm(x: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike,
         initial_state: tuple[ArrayLike, ArrayLike] | None = None,
         return_sequences: bool = False) -> tf.Tensor:
    """An LSTM unrolled over `x [B, T, I]`: what `keras.layers.LSTM(H)` returns.

    Weights as for `lstm_step`. `initial_state`: None (zeros) or the pair `(h0, c0)`, each
    `[B, H]` — the order of Keras' `layer(x, initial_state=[h0, c0])`. Returns the last
    `h` (`[B, H]`), or with `return_sequences=True` every step's `h` (`[B, T, H]`, time on
    axis 1), in `x`'s dtype. The cell state `c` is never returned.

    Expected form: the input projection of ALL time steps in one matmul before the loop
    (`x @ kernel + bias`, `[B, T, 4H]`: it does not depend on `h`), then a loop over the T
    time steps (a Python `for` over the static T, `tf.scan` or `tf.while_loop`) doing one
    `[B, H] @ [H, 4H]` matmul per step for the whole batch. No Keras layer or cell, no
    `tf.raw_ops.CudnnRNN` or `BlockLSTM`: the tests trace your function and look.

    Raises TypeError when `x` is not floating point, ValueError (with "shape") when `x` is not
    3-D with at least one time step, when the weights' shapes do not fit `x` and each other,
    or when `initial_state` is not a pair of `[B, H]` states.
    """
    x, (kernel, recurrent_kernel, bias), units = _cell_inputs(
        "lstm", "lstm", x, kernel, recurrent_kernel, bias)
    if initial_state is None:
        h = c = tf.zeros([x.shape[0], units], x.dtype)
    else:
        if not isinstance(initial_state, (list, tuple)) or len(initial_state) != 2:
            raise ValueError("lstm: initial_state must be None or the pair (h0, c0), each of "
                             "shape [batch, units]")
        h = _state("lstm", "h0", initial_state[0], x[:, 0], units)
        c = _state("lstm", "c0", initial_state[1], x[:, 0], units)
    outputs = []
    for projected in _projected_steps(x, kernel, bias):
        h, c = _lstm_cell(projected, h, c, recurrent_kernel)
        outputs.append(h)
    return tf.stack(outputs, axis=1) if return_sequences else h


def gru_step(x_t: ArrayLike, h: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike,
             bias: ArrayLike) -> tf.Tensor:
    """One GRU step for a whole batch, as Keras computes it (`reset_after=True`): the new `h`.

    The notes' GRU section is empty; these are the equations of Keras' `GRUCell` with its
    defaults (`reset_after=True`, sigmoid gates), gates side by side in the order update,
    reset, candidate (`z, r, h`):

        xz, xr, xh = column blocks of x_t @ kernel + bias[0]             # input bias row
        hz, hr, hh = column blocks of h @ recurrent_kernel + bias[1]     # recurrent bias row
        z = sigmoid(xz + hz)                 # update gate
        r = sigmoid(xr + hr)                 # reset gate
        candidate = tanh(xh + r * hh)        # reset applied AFTER the recurrent matmul
        h_new = z * h + (1 - z) * candidate  # z keeps the OLD state

    Two things differ from the textbook GRU (Cho et al.): the reset gate multiplies the
    recurrent matmul's result (`r * (h @ U_h + b_h)`) instead of its input
    (`(r * h) @ U_h`, Keras' `reset_after=False`), and `z` weighs the old state, not the
    candidate. With `reset_after=True` the bias has two rows: `bias[0]` is added to the
    input projection, `bias[1]` to the recurrent one (inside the reset gate's product for
    the candidate).

    Shapes: `x_t [B, I]`, `h [B, H]`, `kernel [I, 3H]`, `recurrent_kernel [H, 3H]`,
    `bias [2, 3H]` — `keras.layers.GRU(H).get_weights()`. Returns `h_new [B, H]` in
    `x_t`'s dtype (the other arguments are cast to it).

    Raises TypeError when `x_t` is not floating point, ValueError (with "shape") when a
    shape does not fit the others (a bias of shape `[3H]`, that of `reset_after=False`,
    included).
    """
    x_t, (kernel, recurrent_kernel, bias), units = _cell_inputs(
        "gru_step", "gru", x_t, kernel, recurrent_kernel, bias, step=True)
    h = _state("gru_step", "h", h, x_t, units)
    return _gru_cell(x_t @ kernel + bias[0], h, recurrent_kernel, bias[1])


def gru(x: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike,
        h0: ArrayLike | None = None, return_sequences: bool = False) -> tf.Tensor:
    """A GRU unrolled over `x [B, T, I]`: what `keras.layers.GRU(H)` returns.

    Weights as for `gru_step`; `h0`: None (zeros) or `[B, H]`. Returns the last state
    `[B, H]`, or every step's `[B, T, H]` with `return_sequences=True`, in `x`'s dtype.

    Expected form: as for `lstm`, the input projection of all time steps in one matmul
    before the loop (`x @ kernel + bias[0]`), then one `[B, H] @ [H, 3H]` matmul per step.
    No Keras layer or cell, no `CudnnRNN` op.

    Raises TypeError when `x` is not floating point, ValueError (with "shape") when `x` is not
    3-D with at least one time step or a weight's or `h0`'s shape does not fit.
    """
    x, (kernel, recurrent_kernel, bias), units = _cell_inputs(
        "gru", "gru", x, kernel, recurrent_kernel, bias)
    h = (tf.zeros([x.shape[0], units], x.dtype) if h0 is None
         else _state("gru", "h0", h0, x[:, 0], units))
    outputs = []
    for projected in _projected_steps(x, kernel, bias[0]):
        h = _gru_cell(projected, h, recurrent_kernel, bias[1])
        outputs.append(h)
    return tf.stack(outputs, axis=1) if return_sequences else h


def train_classifier(x: ArrayLike, labels: ArrayLike, cell: str = "lstm", units: int = 16,
                     steps: int = 300, lr: float = 0.01, batch_size: int = 64, seed: int = 0
                     ) -> tuple[list[np.ndarray], list[float]]:
    """Trains a recurrent cell and a dense layer on its last state to classify sequences.

    The model: `logits = rnn(x) @ dense_kernel + dense_bias`, with `rnn` your `lstm`, your
    `gru`, or for `cell="simple_rnn"` the `rnn` kata's cell `h = tanh(x_t @ kernel +
    h @ recurrent_kernel + bias)` unrolled the same way (write it here: a kata module does not
    import another) — the last state only, starting from zeros. The loss is the mean softmax
    cross-entropy of the logits against the integer `labels`
    (`tf.nn.sparse_softmax_cross_entropy_with_logits`).

    Initialise as Keras does, drawing from `seed` (`keras.initializers.GlorotUniform(seed)`,
    `Orthogonal(seed)`...: any seeded draw of these distributions will do): the kernels
    Glorot-uniform, the recurrent kernel orthogonal, the biases zeros except the LSTM's
    forget-gate block, which starts at ones (Keras' `unit_forget_bias=True`: a forget gate
    of sigmoid(1) ≈ 0.73 at the start, so the cell state is kept from the first step on),
    the dense kernel Glorot-uniform and its bias zeros.

    Train with `keras.optimizers.Adam(lr)` for `steps` steps, each on a batch of
    `batch_size` sequences drawn at random (with `seed`) from `x`, the gradients clipped by
    their global norm to 1 (`tf.clip_by_global_norm`) before each update. Wrap the step in
    `tf.function`: eager unrolling is several times slower.

    `x`: float `[n, T, I]`; `labels`: `n` integers in `0..C-1`, `C = max(labels) + 1`
    classes. Returns `(weights, losses)`: `weights` the list of NumPy float32 arrays
    `[kernel, recurrent_kernel, bias, dense_kernel, dense_bias]` in Keras' layouts (for
    `"lstm"`: `[I, 4H]`, `[H, 4H]`, `[4H]`; for `"gru"`: `[I, 3H]`, `[H, 3H]`, `[2, 3H]`;
    for `"simple_rnn"`: `[I, H]`, `[H, H]`, `[H]`; then `[H, C]`, `[C]`), and `losses` the
    `steps` batch losses as Python floats, in order.

    Raises ValueError when `cell` is not one of "lstm", "gru", "simple_rnn", when `x` is not
    3-D or has not one label per sequence, when a label is negative, or when `units`,
    `steps` or `batch_size` is below 1 or `lr` is not positive.
    """
    if cell not in CELLS:
        raise ValueError(f"train_classifier: cell must be one of {CELLS}, got {cell!r}")
    x = tf.cast(tf.convert_to_tensor(x), tf.float32)
    labels = np.asarray(labels).astype(np.int64)
    if x.shape.rank != 3:
        raise ValueError(f"train_classifier: x must be 3-D [n, time, features], got shape "
                         f"{tuple(x.shape)}")
    if labels.shape != (x.shape[0],):
        raise ValueError(f"train_classifier: expected one label per sequence ({x.shape[0]}), "
                         f"got labels of shape {labels.shape}")
    if labels.min() < 0:
        raise ValueError("train_classifier: labels must be non-negative class numbers")
    if min(units, steps, batch_size) < 1 or not lr > 0:
        raise ValueError(f"train_classifier: units, steps and batch_size must be at least 1 "
                         f"and lr positive, got {units}, {steps}, {batch_size}, {lr}")
    import keras  # only training needs Keras (its initializers and Adam), never the cells

    features, classes, gates = int(x.shape[2]), int(labels.max()) + 1, GATES[cell]
    bias = np.zeros([2, 3 * units] if cell == "gru" else [gates * units], np.float32)
    if cell == "lstm":
        bias[units:2 * units] = 1.0  # unit_forget_bias
    variables = [
        tf.Variable(keras.initializers.GlorotUniform(seed)([features, gates * units])),
        tf.Variable(keras.initializers.Orthogonal(seed=seed + 1)([units, gates * units])),
        tf.Variable(bias),
        tf.Variable(keras.initializers.GlorotUniform(seed + 2)([units, classes])),
        tf.Variable(tf.zeros([classes])),
    ]
    unroll = {"lstm": lstm, "gru": gru, "simple_rnn": _simple_rnn}[cell]
    optimizer = keras.optimizers.Adam(lr)

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            logits = unroll(xb, *variables[:3]) @ variables[3] + variables[4]
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        grads, _ = tf.clip_by_global_norm(tape.gradient(loss, variables), 1.0)
        optimizer.apply_gradients(zip(grads, variables, strict=True))
        return loss

    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        rows = rng.integers(0, x.shape[0], batch_size)
        losses.append(float(step(tf.gather(x, rows), tf.constant(labels[rows]))))
    return [v.numpy() for v in variables], losses


# --- the cells' arithmetic, shared by the step functions and the loops ----------------------

def _lstm_cell(projected, h, c, recurrent_kernel):
    """One step, `projected = x_t @ kernel + bias` computed beforehand."""
    z = projected + h @ recurrent_kernel
    i, f, g, o = tf.split(z, 4, axis=-1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    return tf.sigmoid(o) * tf.tanh(c), c


def _gru_cell(projected, h, recurrent_kernel, recurrent_bias):
    """One step, `projected = x_t @ kernel + input bias` computed beforehand."""
    x_z, x_r, x_h = tf.split(projected, 3, axis=-1)
    h_z, h_r, h_h = tf.split(h @ recurrent_kernel + recurrent_bias, 3, axis=-1)
    z = tf.sigmoid(x_z + h_z)
    r = tf.sigmoid(x_r + h_r)
    candidate = tf.tanh(x_h + r * h_h)
    return z * h + (1 - z) * candidate


def _simple_rnn(x, kernel, recurrent_kernel, bias):
    h = tf.zeros([x.shape[0], recurrent_kernel.shape[0]], x.dtype)
    for projected in _projected_steps(x, kernel, bias):
        h = tf.tanh(projected + h @ recurrent_kernel)
    return h


def _projected_steps(x, kernel, bias):
    """`x @ kernel + bias` for every time step in ONE matmul, then split along time."""
    batch, time, features = x.shape
    projected = tf.reshape(tf.reshape(x, [batch * time, features]) @ kernel + bias,
                           [batch, time, kernel.shape[1]])
    return tf.unstack(projected, axis=1)


# --- argument checks: clear errors before TensorFlow's --------------------------------------

def _cell_inputs(name, cell, x, kernel, recurrent_kernel, bias, step=False):
    """`x` as a float tensor, the weights cast to its dtype and checked; and the units H."""
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"{name}: x must be a floating-point tensor, got {x.dtype.name}")
    rank = 2 if step else 3
    if x.shape.rank != rank or (not step and x.shape[1] == 0):
        expected = "[batch, features]" if step else "[batch, time, features] with time >= 1"
        raise ValueError(f"{name}: x must have shape {expected}, got shape {tuple(x.shape)}")
    weights = [tf.cast(tf.convert_to_tensor(w), x.dtype)
               for w in (kernel, recurrent_kernel, bias)]
    kernel, recurrent_kernel, bias = weights
    gates = GATES[cell]
    if recurrent_kernel.shape.rank != 2 or recurrent_kernel.shape[1] != gates * \
            recurrent_kernel.shape[0]:
        raise ValueError(f"{name}: recurrent_kernel must have shape [units, {gates} * units], "
                         f"got shape {tuple(recurrent_kernel.shape)}")
    units = int(recurrent_kernel.shape[0])
    features = int(x.shape[-1])
    if tuple(kernel.shape) != (features, gates * units):
        raise ValueError(f"{name}: kernel must have shape [features, {gates} * units] = "
                         f"{(features, gates * units)}, got shape {tuple(kernel.shape)}")
    expected_bias = (2, gates * units) if cell == "gru" else (gates * units,)
    if tuple(bias.shape) != expected_bias:
        raise ValueError(f"{name}: bias must have shape {expected_bias}, got shape "
                         f"{tuple(bias.shape)}")
    return x, weights, units


def _state(name, what, state, x_t, units):
    state = tf.cast(tf.convert_to_tensor(state), x_t.dtype)
    if tuple(state.shape) != (x_t.shape[0], units):
        raise ValueError(f"{name}: {what} must have shape [batch, units] = "
                         f"{(x_t.shape[0], units)}, got shape {tuple(state.shape)}")
    return state

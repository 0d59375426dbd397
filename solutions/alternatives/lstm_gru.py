"""An alternative correct `lstm_gru`: per-gate weights and `tf.scan` over time-major inputs.

Where the reference keeps the gates side by side (one `[B, H] @ [H, 4H]` matmul per step,
split afterwards) and unrolls a Python loop, this one slices the kernels into one matrix per
gate, projects the inputs of every step per gate with `tf.einsum`, and lets `tf.scan` run
the recurrence over a time-major `[T, B, ...]` tensor (one graph node for the loop, however
long the sequence). It has its own argument checks and training loop, and must pass every
test of tests/test_lstm_gru.py.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

LSTM_GATES = ("input", "forget", "cell", "output")
GRU_GATES = ("update", "reset", "candidate")


def _as_float(name, x, rank):
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"{name}: x must be floating point, not {x.dtype.name}")
    if x.shape.rank != rank or (rank == 3 and x.shape[1] < 1):
        raise ValueError(f"{name}: bad x shape {x.shape}; expected rank {rank} with time >= 1")
    return x


def _gate_weights(name, x, kernel, recurrent_kernel, bias, gates, two_bias_rows):
    """Dicts gate -> kernel slice, recurrent slice, (input bias, recurrent bias) slices."""
    n = len(gates)
    kernel, recurrent_kernel, bias = (tf.cast(tf.convert_to_tensor(w), x.dtype)
                                      for w in (kernel, recurrent_kernel, bias))
    units, width = tuple(recurrent_kernel.shape) if recurrent_kernel.shape.rank == 2 else (0, -1)
    if width != n * units:
        raise ValueError(f"{name}: recurrent_kernel shape {recurrent_kernel.shape} is not "
                         f"[units, {n} * units]")
    if kernel.shape != (x.shape[-1], n * units):
        raise ValueError(f"{name}: kernel shape {kernel.shape}, expected "
                         f"{(x.shape[-1], n * units)}")
    want_bias = (2, n * units) if two_bias_rows else (n * units,)
    if bias.shape != want_bias:
        raise ValueError(f"{name}: bias shape {bias.shape}, expected {want_bias}")
    rows = tf.unstack(bias) if two_bias_rows else [bias, tf.zeros_like(bias)]
    pieces = {}
    for index, gate in enumerate(gates):
        cut = slice(index * units, (index + 1) * units)
        pieces[gate] = (kernel[:, cut], recurrent_kernel[:, cut], rows[0][cut], rows[1][cut])
    return pieces, units


def _state_like(name, state, x_t, units):
    state = tf.cast(tf.convert_to_tensor(state), x_t.dtype)
    if state.shape != (x_t.shape[0], units):
        raise ValueError(f"{name}: state shape {state.shape}, expected {(x_t.shape[0], units)}")
    return state


def _lstm_update(inputs, h, c, gates):
    """`inputs[gate]`: that gate's input projection plus bias."""
    pre = {g: inputs[g] + tf.matmul(h, gates[g][1]) for g in LSTM_GATES}
    c = tf.math.sigmoid(pre["forget"]) * c + tf.math.sigmoid(pre["input"]) * tf.math.tanh(
        pre["cell"])
    return tf.math.sigmoid(pre["output"]) * tf.math.tanh(c), c


def _gru_update(inputs, h, gates):
    z = tf.math.sigmoid(inputs["update"] + tf.matmul(h, gates["update"][1]) + gates["update"][3])
    r = tf.math.sigmoid(inputs["reset"] + tf.matmul(h, gates["reset"][1]) + gates["reset"][3])
    recurrent = tf.matmul(h, gates["candidate"][1]) + gates["candidate"][3]
    candidate = tf.math.tanh(inputs["candidate"] + r * recurrent)
    return candidate + z * (h - candidate)  # = z * h + (1 - z) * candidate


def _projections(x, gates, names, time_major):
    """Per gate: x's projection for every step with the input bias, [T, B, H] if time_major."""
    spec = "bti,ih->tbh" if time_major else "bi,ih->bh"
    return {g: tf.einsum(spec, x, gates[g][0]) + gates[g][2] for g in names}


def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    x_t = _as_float("lstm_step", x_t, 2)
    gates, units = _gate_weights("lstm_step", x_t, kernel, recurrent_kernel, bias, LSTM_GATES,
                                 False)
    h, c = (_state_like("lstm_step", s, x_t, units) for s in (h, c))
    return _lstm_update(_projections(x_t, gates, LSTM_GATES, False), h, c, gates)


def lstm(x, kernel, recurrent_kernel, bias, initial_state=None, return_sequences=False):
    x = _as_float("lstm", x, 3)
    gates, units = _gate_weights("lstm", x, kernel, recurrent_kernel, bias, LSTM_GATES, False)
    if initial_state is None:
        h0 = c0 = tf.zeros([x.shape[0], units], x.dtype)
    elif isinstance(initial_state, (tuple, list)) and len(initial_state) == 2:
        h0, c0 = (_state_like("lstm", s, x[:, 0], units) for s in initial_state)
    else:
        raise ValueError("lstm: initial_state must be a pair (h0, c0)")
    inputs = _projections(x, gates, LSTM_GATES, True)

    def advance(carry, step_inputs):
        return _lstm_update(step_inputs, carry[0], carry[1], gates)

    hs, _ = tf.scan(advance, inputs, initializer=(h0, c0))
    return tf.transpose(hs, [1, 0, 2]) if return_sequences else hs[-1]


def gru_step(x_t, h, kernel, recurrent_kernel, bias):
    x_t = _as_float("gru_step", x_t, 2)
    gates, units = _gate_weights("gru_step", x_t, kernel, recurrent_kernel, bias, GRU_GATES,
                                 True)
    h = _state_like("gru_step", h, x_t, units)
    return _gru_update(_projections(x_t, gates, GRU_GATES, False), h, gates)


def gru(x, kernel, recurrent_kernel, bias, h0=None, return_sequences=False):
    x = _as_float("gru", x, 3)
    gates, units = _gate_weights("gru", x, kernel, recurrent_kernel, bias, GRU_GATES, True)
    h0 = (tf.zeros([x.shape[0], units], x.dtype) if h0 is None
          else _state_like("gru", h0, x[:, 0], units))
    inputs = _projections(x, gates, GRU_GATES, True)
    hs = tf.scan(lambda h, step_inputs: _gru_update(step_inputs, h, gates), inputs,
                 initializer=h0)
    return tf.transpose(hs, [1, 0, 2]) if return_sequences else hs[-1]


def _simple_rnn(x, kernel, recurrent_kernel, bias):
    projected = tf.einsum("bti,ih->tbh", x, kernel) + bias
    h0 = tf.zeros([x.shape[0], recurrent_kernel.shape[0]], x.dtype)
    return tf.scan(lambda h, p: tf.math.tanh(p + tf.matmul(h, recurrent_kernel)), projected,
                   initializer=h0)[-1]


def train_classifier(x, labels, cell="lstm", units=16, steps=300, lr=0.01, batch_size=64,
                     seed=0):
    import keras

    gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}
    if cell not in gates:
        raise ValueError(f"unknown cell {cell!r}: use lstm, gru or simple_rnn")
    x = np.asarray(x, np.float32)
    labels = np.asarray(labels)
    if x.ndim != 3:
        raise ValueError(f"x must be [n, time, features], got {x.shape}")
    if labels.shape != (len(x),):
        raise ValueError(f"one label per sequence: {labels.shape} labels for {len(x)}")
    if (labels < 0).any():
        raise ValueError("negative labels")
    if units < 1 or steps < 1 or batch_size < 1 or lr <= 0:
        raise ValueError("units, steps, batch_size must be >= 1 and lr > 0")
    classes, n_gates = int(labels.max()) + 1, gates[cell]
    bias = np.zeros((2, 3 * units) if cell == "gru" else (n_gates * units,), np.float32)
    if cell == "lstm":
        bias[units:2 * units] = 1.0
    weights = [keras.initializers.GlorotUniform(seed)((x.shape[2], n_gates * units)),
               keras.initializers.Orthogonal(seed=seed + 1)((units, n_gates * units)), bias,
               keras.initializers.GlorotUniform(seed + 2)((units, classes)),
               np.zeros(classes, np.float32)]
    variables = [tf.Variable(w, dtype=tf.float32) for w in weights]
    forward = {"lstm": lstm, "gru": gru, "simple_rnn": _simple_rnn}[cell]
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            logits = tf.matmul(forward(xb, *variables[:3]), variables[3]) + variables[4]
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
                yb, logits, from_logits=True))
        grads = tape.gradient(loss, variables)
        clipped, _ = tf.clip_by_global_norm(grads, 1.0)
        optimizer.apply_gradients(zip(clipped, variables, strict=True))
        return loss

    rng = np.random.default_rng(seed)
    history = []
    for _ in range(steps):
        pick = rng.integers(0, len(x), batch_size)
        history.append(float(train_step(x[pick], labels[pick].astype(np.int64))))
    return [np.asarray(v.numpy(), np.float32) for v in variables], history

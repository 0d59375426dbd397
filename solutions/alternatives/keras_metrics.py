"""Keras meters: a Mean and an Accuracy through update, result and reset, and a running mean
written by hand.

From the notes: Keras高层API › 「优化」 (metrics测量, update_state, result().numpy(), reset_states).

Per-batch losses and accuracies jump about (忽高忽低); a meter smooths them by accumulating
over many batches. A Keras meter keeps running totals: `update_state(...)` adds a batch,
`result()` gives the value over everything added since the last reset, `reset_state()`
starts again (at the start of each epoch, say). You feed the notes' `loss_meter =
metrics.Mean()` batch after batch and read it after each; you keep `acc_meter =
metrics.Accuracy()` over epochs, resetting it between them; then you write the running mean
yourself, as a class with the same three methods. The point of a meter is that it weights
every example equally: a final batch of 5 examples counts 5 times, not as much as a full
batch of 32. Averaging the batch means (the mean of means) is the classic wrong answer, and
differs from Keras as soon as the last batch is smaller.

One line of the notes no longer runs on Keras 3 (ERRATA.md): `loss_meter.reset_states()`
is now `reset_state()` (AttributeError). The meters are `keras.metrics.Mean` and
`keras.metrics.Accuracy` (`from tensorflow.keras import metrics` reaches the same Keras 3).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def mean_meter(batches: Sequence[ArrayLike]) -> list[float]:
    """Alternative: tf.keras' Mean fed one batch at a time as (value, weight) pairs."""
    if not len(batches):
        raise ValueError("mean_meter: no batches")
    arrays = [np.atleast_1d(np.asarray(b, dtype=np.float64)) for b in batches]
    for k, arr in enumerate(arrays):
        if arr.ndim != 1 or not arr.size:
            raise ValueError(f"mean_meter: batch {k} must be a non-empty 1-D array or a number")
    meter = tf.keras.metrics.Mean()
    out = []
    for arr in arrays:
        # The batch's mean, weighed by its size: the same running mean as every value.
        meter.update_state(arr.mean(), sample_weight=arr.size)
        out.append(meter.result().numpy().item())
    return out


def accuracy_per_epoch(epochs: Sequence[Sequence[tuple[ArrayLike, ArrayLike]]]) -> list[float]:
    """Alternative: a fresh meter for every epoch instead of one meter reset between them."""
    scores = []
    for e, epoch in enumerate(epochs):
        if not len(epoch):
            raise ValueError(f"accuracy_per_epoch: epoch {e} is empty")
        acc = keras.metrics.Accuracy()
        for y, logits in epoch:
            y, logits = np.asarray(y), np.asarray(logits)
            if logits.ndim != 2 or y.ndim != 1 or y.shape[0] != logits.shape[0]:
                raise ValueError(f"accuracy_per_epoch: labels {y.shape} vs logits {logits.shape}")
            acc.update_state(y, logits.argmax(-1))
        scores.append(acc.result().numpy().item())
    return scores


class RunningMean:
    """Alternative: keeps the mean itself and updates it incrementally."""

    def __init__(self) -> None:
        self.reset_state()

    def update_state(self, values: ArrayLike) -> None:
        v = np.asarray(values)
        if v.dtype.kind not in "biuf":
            raise TypeError(f"RunningMean: not numbers: {values!r:.60}")
        if v.ndim > 1:
            raise ValueError(f"RunningMean: expected 1-D values, got {v.shape}")
        n = v.size
        if n == 0:
            return
        self._n += n
        self._mean += (float(v.sum(dtype=np.float64)) - n * self._mean) / self._n

    def result(self) -> float:
        return float(self._mean)

    def reset_state(self) -> None:
        self._n, self._mean = 0, 0.0

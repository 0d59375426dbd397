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
    """The notes' loss meter: one `keras.metrics.Mean` fed batch after batch, read after each.

    Notes (优化): `loss_meter = metrics.Mean()`, `loss_meter.update_state(loss)`,
    `loss_meter.result().numpy()`.

    `batches`: a sequence of batches, each a 1-D array of numbers (a batch's per-example
    losses; sizes may differ) or a single number (one value). Make ONE meter, call
    `update_state(batch)` for each batch in order and read `result()` after each update.

    Returns a list with one Python float per batch: entry k is the mean of every value of
    batches 0..k together (each value weighs the same, whatever the size of its batch).

    Raises ValueError when `batches` is empty, a batch holds no values (a Mean fed nothing
    answers 0.0, which is no mean at all), or a batch has more than one dimension: Keras 3's
    Mean counts a `[b, k]` batch as b values, the means of its rows, not as b * k values.
    """
    raise NotImplementedError("mean_meter: your code here")


def accuracy_per_epoch(epochs: Sequence[Sequence[tuple[ArrayLike, ArrayLike]]]) -> list[float]:
    """Each epoch's accuracy, from one `keras.metrics.Accuracy` meter reset between epochs.

    Notes (优化): `acc_meter = metrics.Accuracy()`, `acc_meter.update_state(y, pred)`,
    `acc_meter.result().numpy()`, and "当要废弃旧的数据时 `loss_meter.reset_states()`": on
    Keras 3 that is `reset_state()` (`reset_states` raises AttributeError).

    `epochs`: a sequence of epochs; each epoch a sequence of batches `(labels, logits)`,
    `labels` integer classes `[b]`, `logits` scores `[b, classes]` (b may differ between
    batches). `Accuracy` compares its two arguments for equality, so give it the predicted
    classes, `pred = tf.argmax(logits, axis=1)`, not the logits. Use one meter for the whole
    run: update it with every batch of an epoch, read `result()` at the end of the epoch,
    then `reset_state()` so that the next epoch starts from nothing.

    Returns a list with one Python float per epoch: the fraction of that epoch's examples
    (all its batches together, each example weighing the same) whose argmax is the label.

    Raises ValueError when an epoch has no batches, logits are not 2-D, or a batch does not
    have one label per row of logits.
    """
    raise NotImplementedError("accuracy_per_epoch: your code here")


class RunningMean:
    """A mean meter written by hand, with Keras' three methods and Keras' answers.

    Keep two running totals, the sum of every value seen and how many values that was (a
    list of every batch would grow with the data). A fresh or reset meter has seen nothing,
    and its `result()` is 0.0, as Keras' `Mean` answers.
    """

    def __init__(self) -> None:
        """A meter that has seen nothing yet."""
        raise NotImplementedError("RunningMean.__init__: your code here")

    def update_state(self, values: ArrayLike) -> None:
        """Adds every value of `values`: a 1-D array of numbers (possibly empty) or a single
        number.

        Each value weighs the same: a batch of 5 values moves the mean 5 times as much as a
        single value would. Returns None.

        Raises TypeError when `values` are not numbers (strings, None, objects), and
        ValueError when `values` has more than one dimension (as `mean_meter` does).
        """
        raise NotImplementedError("RunningMean.update_state: your code here")

    def result(self) -> float:
        """The mean of every value added since the meter was made or last reset, as a
        Python float (0.0 when it has seen nothing)."""
        raise NotImplementedError("RunningMean.result: your code here")

    def reset_state(self) -> None:
        """Forgets everything: the meter is as new (`result()` 0.0). Returns None."""
        raise NotImplementedError("RunningMean.reset_state: your code here")

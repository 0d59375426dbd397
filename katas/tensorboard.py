"""TensorBoard: writing scalars and images with tf.summary, and a grid of many images.

From the notes: 可视化 (tensorboard).

A training run you cannot see is hard to trust. `tf.summary` writes what you log — a loss
per step, a batch of images — into event files in a log folder, and TensorBoard draws them.
You write scalar curves and images (the notes: `summary_writer = tf.summary.create_file_writer
(DIR)`, `tf.summary.scalar(...)`, `tf.summary.image(...)`), stitch a batch of images into
one grid image as the notes advise (最好的办法是认为的拼接图片,然后传一张拼接的图片), and read
the event files back yourself, with no TensorBoard server, the way the tests check them.

To look at your runs (the `tensorboard` package came with this project: `tf.summary.scalar`
and `tf.summary.image` write through it), write into a folder such as `logs/run1`, then
run `tensorboard --logdir logs` and open http://localhost:6006 in a browser (scalars
under SCALARS or TIME SERIES, images under IMAGES).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import tensorflow as tf

ArrayLike = Sequence | np.ndarray | tf.Tensor
PathLike = str | os.PathLike


def image_grid(images: ArrayLike, rows: int | None = None, cols: int | None = None
               ) -> np.ndarray:
    """One image made of a batch of images laid out `rows` x `cols`, row by row.

    `images` is `[n, h, w]` (grey) or `[n, h, w, c]`. Image i goes to grid row `i // cols`,
    grid column `i % cols`, so its pixels fill `[r*h:(r+1)*h, c*w:(c+1)*w]`. Cells left
    over when `n < rows * cols` are zeros (black). Returns a NumPy array of shape
    `[rows * h, cols * w]` or `[rows * h, cols * w, c]` and the images' dtype.

    Without `rows` and `cols`: `cols = ceil(sqrt(n))`, `rows = ceil(n / cols)` (10 images
    make 3 rows of 4). With one of them, the other is the fewest that hold n images.

    Raises ValueError when `images` is not 3-D or 4-D (with "shape" in the message), or is
    empty (with "empty"), when `rows` or `cols` is below 1 (naming it), or when
    `rows * cols < n` (with "cannot hold").
    """
    raise NotImplementedError("image_grid: your code here")


def log_scalars(logdir: PathLike, tag: str, values: Sequence[float],
                steps: Sequence[int] | None = None) -> None:
    """Writes `values[i]` under `tag` at step `steps[i]` (default: step i) to `logdir`.

    Notes (可视化): `summary_writer = tf.summary.create_file_writer(DIR)`, then
    `with summary_writer.as_default(): tf.summary.scalar('NAME1', float(LOSS), step=STEP)`.
    Every value needs its own step (TensorBoard's x axis): logging them all at one step
    draws a single point. The events must be in the file when you return: leaving the
    `with writer.as_default():` block flushes the writer, and `writer.close()` releases the
    file (`writer.set_as_default()` alone flushes nothing: the caller reads an empty file).

    Raises ValueError (with "step" in the message) when `steps` is given and its length
    differs from `values`'.
    """
    raise NotImplementedError("log_scalars: your code here")


def log_images(logdir: PathLike, tag: str, images: ArrayLike, step: int,
               max_outputs: int = 3) -> None:
    """Writes up to `max_outputs` of `images` under `tag` at `step` to `logdir`.

    Notes (可视化): `tf.summary.image('NAME1', IMG, step=STEP)`. `tf.summary.image` takes a
    4-D batch `[k, h, w, c]` with 1 (grey), 3 (RGB) or 4 (RGBA) channels, uint8 or floats in
    [0, 1], and keeps the first `max_outputs` images (its default is 3). Grey images
    `[n, h, w]` therefore need a channel axis: `[n, h, w, 1]`. Flush or close the writer.

    Raises ValueError when `images` is not 3-D or 4-D (with "shape" in the message) or empty
    (with "empty"), when its channels are not 1, 3 or 4 (with "channels"), or when
    `max_outputs < 1` (with "max_outputs").
    """
    raise NotImplementedError("log_images: your code here")


def log_image_grid(logdir: PathLike, tag: str, images: ArrayLike, step: int,
                   rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """Writes the whole batch as ONE image, `image_grid(images, rows, cols)`, and returns it.

    Notes (可视化): `# 3,给多个图片  # 最好的办法是认为的拼接图片,然后传一张拼接的图片`: rather
    than many small images (of which `tf.summary.image` keeps only `max_outputs`), stitch
    them into a grid and log that single image (a batch of one: `[1, H, W, c]`).

    Returns the grid, as `image_grid` does. Raises ValueError as `image_grid` does, and when
    the channels are not 1, 3 or 4 (with "channels" in the message).
    """
    raise NotImplementedError("log_image_grid: your code here")


def read_scalars(logdir: PathLike, tag: str) -> list[tuple[int, float]]:
    """The `(step, value)` pairs logged under `tag` in `logdir`'s event files, by step.

    No TensorBoard server needed: every `events.out.tfevents.*` file in `logdir` is a
    sequence of `Event` records, and `tf.compat.v1.train.summary_iterator(path)` yields
    them. Each event has a `step` and a `summary` whose `value` entries have a `tag`; a
    TF2 scalar is stored as a tensor (`tf.make_ndarray(value.tensor)`), an old TF1 one as
    `value.simple_value`. Other tags (and images) are skipped. Returns a list of
    `(int, float)` sorted by step; an empty list when nothing has that tag.

    Raises FileNotFoundError (with "event" in the message) when `logdir` holds no event file.
    """
    raise NotImplementedError("read_scalars: your code here")

"""Tests for the `tensorboard` kata: what the learner's code logs is read back from the event
files with `tf.compat.v1.train.summary_iterator` (no TensorBoard server), scalars through
`tf.make_ndarray`, images by decoding the PNG strings in their tensors, and grids compared
with a grid built here by NumPy reshapes.

`tf.summary.scalar` and `tf.summary.image` need the `tensorboard` package, an optional extra
of this project: without it these tests are skipped with the command that installs it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st

from tf_katas.testing import assert_array, assert_dtype, assert_raises


def _events(logdir: Path) -> list[tuple[str, int, np.ndarray]]:
    """(tag, step, tensor) for every summary value in every event file of `logdir`."""
    found = []
    for file in sorted(Path(logdir).glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(file)):
            for value in event.summary.value:
                found.append((value.tag, int(event.step), tf.make_ndarray(value.tensor)))
    return found


def _images(logdir: Path, tag: str) -> list[tuple[int, list[np.ndarray], bytes, bytes]]:
    """(step, decoded images, width, height) for each image summary under `tag`."""
    return [(step, [tf.io.decode_png(png).numpy() for png in tensor[2:]], tensor[0], tensor[1])
            for t, step, tensor in _events(logdir) if t == tag]


def _numpy_grid(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """The oracle: pad the batch to rows*cols with zeros, then reshape and transpose."""
    n, h, w = images.shape[:3]
    rest = images.shape[3:]
    padded = np.concatenate([images, np.zeros((rows * cols - n, h, w) + rest, images.dtype)])
    tiles = padded.reshape((rows, cols, h, w) + rest).swapaxes(1, 2)
    return tiles.reshape((rows * h, cols * w) + rest)


def _batch(n: int, h: int, w: int, *channels: int) -> np.ndarray:
    """n distinct uint8 images: every pixel differs, so a misplaced one shows."""
    size = n * h * w * int(np.prod(channels, dtype=int))
    return ((np.arange(size) * 7 + 3) % 251 + 1).astype(np.uint8).reshape((n, h, w) + channels)


# --- image_grid -----------------------------------------------------------------------------

def test_grid_places_images_row_by_row_and_pads_with_zeros(kata):
    """Catches column-major placement, h and w swapped, and empty cells not black."""
    images = _batch(5, 2, 3)
    grid = kata.image_grid(images, rows=2, cols=3)
    assert_array(grid, _numpy_grid(images, 2, 3), what="image_grid of 5 images 2x3 in a 2 x 3 "
                 "grid (image i at row i // 3, column i % 3; the sixth cell zeros)",
                 dtype=np.uint8)


def test_grid_keeps_colour_channels(kata):
    images = _batch(4, 3, 2, 3)
    grid = kata.image_grid(images, rows=1, cols=4)
    assert_array(grid, _numpy_grid(images, 1, 4), what="image_grid of 4 RGB images in one row",
                 dtype=np.uint8)


@pytest.mark.parametrize("rows, cols, shape", [
    (None, None, (3 * 2, 4 * 3)), (2, None, (2 * 2, 5 * 3)), (None, 4, (3 * 2, 4 * 3)),
    (None, 10, (2, 10 * 3)),
], ids=["default: 3 rows of 4", "rows=2: 5 columns", "cols=4: 3 rows", "cols=10: one row"])
def test_grid_layout_for_ten_images(kata, rows, cols, shape):
    images = _batch(10, 2, 3)
    grid = kata.image_grid(images, rows=rows, cols=cols)
    r, c = shape[0] // 2, shape[1] // 3
    assert_array(grid, _numpy_grid(images, r, c), what=f"image_grid of 10 images 2x3 with "
                 f"rows={rows}, cols={cols}: a {r} x {c} grid", dtype=np.uint8)


@given(n=st.integers(1, 7), h=st.integers(1, 4), w=st.integers(1, 4),
       channels=st.sampled_from([(), (1,), (3,)]), extra_cols=st.integers(0, 2),
       data=st.data())
def test_grid_on_any_batch(kata, n, h, w, channels, extra_cols, data):
    cols = data.draw(st.integers(1, n)) + extra_cols
    rows = -(-n // cols) + data.draw(st.integers(0, 1))
    images = _batch(n, h, w, *channels).astype(np.float32) / 255
    assert_array(kata.image_grid(images, rows=rows, cols=cols), _numpy_grid(images, rows, cols),
                 what=f"image_grid of {images.shape} in {rows} x {cols}", dtype=np.float32)


@pytest.mark.parametrize("images, rows, cols, match", [
    (np.zeros((4, 5), np.uint8), None, None, "shape"),
    (np.zeros((2, 1, 4, 4, 1), np.uint8), None, None, "shape"),
    (np.zeros((0, 4, 4), np.uint8), None, None, "empty"),
    (np.zeros((7, 4, 4), np.uint8), 2, 3, "cannot hold"),
    (np.zeros((2, 4, 4), np.uint8), 0, 3, "rows"),
    (np.zeros((2, 4, 4), np.uint8), 1, -1, "cols"),
    (np.zeros((2, 4, 4), np.uint8), 0, None, "rows"),
    (np.zeros((2, 4, 4), np.uint8), None, 0, "cols"),
], ids=["2-D", "5-D", "empty", "7 images in 2x3", "rows=0", "cols=-1", "rows=0 alone",
        "cols=0 alone"])
def test_grid_rejects_what_it_cannot_lay_out(kata, images, rows, cols, match):
    with assert_raises(ValueError, match=match):
        kata.image_grid(images, rows=rows, cols=cols)


@pytest.mark.parametrize("images, rows, cols, match", [
    (np.zeros((4, 5), np.uint8), None, None, "shape"),
    (np.zeros((3, 4, 4), np.uint8), 1, 2, "cannot hold"),
    (np.zeros((3, 4, 4), np.uint8), 0, None, "rows"),
    (np.zeros((3, 4, 4, 2), np.uint8), None, None, "channels"),
], ids=["2-D", "3 images in 1x2", "rows=0", "2 channels"])
def test_log_image_grid_rejects_what_image_grid_refuses_and_odd_channels(
        kata, tmp_path, images, rows, cols, match):
    with assert_raises(ValueError, match=match):
        kata.log_image_grid(tmp_path, "grid", images, step=0, rows=rows, cols=cols)


# --- scalars ---------------------------------------------------------------------------------

def test_log_scalars_writes_each_value_at_its_own_step(kata, tmp_path):
    """Catches every value logged at step 0, and a writer never flushed (set_as_default
    without a flush or close)."""
    losses = [2.5, 1.25, 0.75, 0.5]
    kata.log_scalars(tmp_path, "loss", losses)
    events = _events(tmp_path)
    assert events, "log_scalars wrote no summary: flush or close the writer before returning"
    assert [tag for tag, _, _ in events] == ["loss"] * 4, f"tags: {[t for t, _, _ in events]}"
    assert [step for _, step, _ in events] == [0, 1, 2, 3], (
        f"log_scalars: each value needs its own step 0, 1, 2, 3, got {[s for _, s, _ in events]}")
    assert_array([float(v) for _, _, v in events], losses, what="the logged values")


def test_log_scalars_uses_the_given_steps_and_keeps_tags_apart(kata, tmp_path):
    kata.log_scalars(tmp_path, "train/loss", np.array([0.9, 0.4]), steps=[100, 200])
    kata.log_scalars(tmp_path, "train/accuracy", [0.5, 0.8, 0.9], steps=[100, 200, 300])
    logged = {}
    for tag, step, value in _events(tmp_path):
        logged.setdefault(tag, []).append((step, round(float(value), 5)))
    assert logged == {"train/loss": [(100, 0.9), (200, 0.4)],
                      "train/accuracy": [(100, 0.5), (200, 0.8), (300, 0.9)]}, logged


@pytest.mark.parametrize("steps", [[0, 1], [0, 1, 2, 3]], ids=["too-few", "too-many"])
def test_log_scalars_needs_one_step_per_value(kata, tmp_path, steps):
    with assert_raises(ValueError, match="step"):
        kata.log_scalars(tmp_path, "loss", [1.0, 2.0, 3.0], steps=steps)


# --- images ----------------------------------------------------------------------------------

def test_log_images_writes_the_first_max_outputs_grey_images(kata, tmp_path):
    """Catches grey [n, h, w] passed without a channel axis, and max_outputs ignored."""
    images = _batch(4, 5, 6)
    kata.log_images(tmp_path, "digits", images, step=7, max_outputs=2)
    logged = _images(tmp_path, "digits")
    assert len(logged) == 1, f"expected one image summary under 'digits', got {len(logged)}"
    step, decoded, width, height = logged[0]
    assert step == 7, f"image summary at step {step}, expected 7"
    assert (width, height) == (b"6", b"5"), f"width, height stored as {width!r}, {height!r}"
    assert len(decoded) == 2, f"max_outputs=2: expected 2 images, got {len(decoded)}"
    for i, image in enumerate(decoded):
        assert_array(image, images[i][..., None], what=f"decoded grey image {i}", dtype=np.uint8)


def test_log_images_keeps_colour_and_scales_floats(kata, tmp_path):
    colour = _batch(2, 4, 3, 3)
    kata.log_images(tmp_path / "rgb", "rgb", colour, step=0)
    decoded = _images(tmp_path / "rgb", "rgb")[0][1]
    assert len(decoded) == 2, f"2 images with max_outputs=3: expected 2, got {len(decoded)}"
    for i, image in enumerate(decoded):
        assert_array(image, colour[i], what=f"decoded RGB image {i}", dtype=np.uint8)
    floats = np.linspace(0, 1, 2 * 3 * 4).reshape(2, 3, 4)
    kata.log_images(tmp_path / "float", "float", floats, step=1, max_outputs=1)
    (image,) = _images(tmp_path / "float", "float")[0][1]
    assert_array(image, np.round(floats[0] * 255)[..., None], what="a float image in [0, 1] "
                 "decoded as uint8 (0..255)", atol=1)


@pytest.mark.parametrize("images, max_outputs, match", [
    (np.zeros((4, 4), np.uint8), 3, "shape"),
    (np.zeros((1, 2, 4, 4, 1), np.uint8), 3, "shape"),
    (np.zeros((0, 4, 4), np.uint8), 3, "empty"),
    (np.zeros((2, 4, 4, 2), np.uint8), 3, "channels"),
    (np.zeros((2, 4, 4, 5), np.uint8), 3, "channels"),
    (np.zeros((2, 4, 4), np.uint8), 0, "max_outputs"),
    (np.zeros((2, 4, 4), np.uint8), -2, "max_outputs"),
], ids=["2-D", "5-D", "empty", "2 channels", "5 channels", "max_outputs=0", "max_outputs=-2"])
def test_log_images_rejects_bad_batches(kata, tmp_path, images, max_outputs, match):
    with assert_raises(ValueError, match=match):
        kata.log_images(tmp_path, "x", images, step=0, max_outputs=max_outputs)


def test_log_image_grid_writes_one_stitched_image(kata, tmp_path):
    """The notes' advice: many images as one grid, not max_outputs separate ones."""
    images = _batch(7, 3, 4)
    grid = kata.log_image_grid(tmp_path, "grid", images, step=3, cols=4)
    expected = _numpy_grid(images, 2, 4)
    assert_array(grid, expected, what="log_image_grid's returned grid (7 images, cols=4)",
                 dtype=np.uint8)
    logged = _images(tmp_path, "grid")
    assert len(logged) == 1 and len(logged[0][1]) == 1, (
        f"expected one summary holding one image, got {[len(d) for _, d, _, _ in logged]}")
    step, (image,), _, _ = logged[0]
    assert step == 3, f"grid logged at step {step}, expected 3"
    assert_array(image, expected[..., None], what="the grid image decoded from the event file",
                 dtype=np.uint8)


# --- reading event files back --------------------------------------------------------------

def test_read_scalars_returns_one_tags_pairs_by_step(kata, tmp_path):
    for steps in ([2, 0], [1]):  # two writers: two event files
        writer = tf.summary.create_file_writer(str(tmp_path))
        with writer.as_default():
            for step in steps:
                tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
                tf.summary.scalar("accuracy", 0.1 * step, step=step)
            tf.summary.image("digits", np.zeros((1, 2, 2, 1), np.uint8), step=0)
        writer.close()
    pairs = kata.read_scalars(tmp_path, "loss")
    assert [int(step) for step, _ in pairs] == [0, 1, 2], (
        f"read_scalars: expected the 'loss' steps 0, 1, 2 from both files, sorted, got {pairs}")
    assert_array([value for _, value in pairs], [1.0, 0.5, 1 / 3], what="the 'loss' values")
    assert kata.read_scalars(tmp_path, "no such tag") == []


def test_read_scalars_reads_old_simple_values_too(kata, tmp_path):
    summary = tf.compat.v1.Summary(value=[tf.compat.v1.Summary.Value(tag="old", simple_value=0.25)])
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        tf.summary.experimental.write_raw_pb(summary.SerializeToString(), step=5)
    writer.close()
    pairs = kata.read_scalars(tmp_path, "old")
    assert len(pairs) == 1 and int(pairs[0][0]) == 5, f"expected [(5, 0.25)], got {pairs}"
    assert_dtype(pairs[0][1], "float", what="the value read from simple_value")
    assert_array(pairs[0][1], 0.25, what="the value read from simple_value")


def test_read_scalars_needs_event_files(kata, tmp_path):
    with assert_raises(FileNotFoundError, match="event"):
        kata.read_scalars(tmp_path, "loss")

"""Tests for the image_io kata: OpenCV reading, writing, pixels and channel order.

Every test image is built here with NumPy (gradients plus noise, so that compression
levels make a difference) and is never square, so that swapped x/y or a transposed array
shows. OpenCV itself (`cv2.imwrite` / `cv2.imread`) is the oracle for files.
"""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tf_katas.testing import assert_array

HEIGHT, WIDTH = 24, 32  # never square: a transposed image has another shape


def _colour_image(height: int = HEIGHT, width: int = WIDTH, noise: float = 3.0) -> np.ndarray:
    """A BGR gradient with a little noise: every channel different, every pixel different."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width]
    blue = 255.0 * x / (width - 1)
    green = 255.0 * y / (height - 1)
    red = 127.0 + 100.0 * np.sin(x / 3.0) * np.cos(y / 4.0)
    image = np.stack([blue, green, red], axis=-1) + rng.normal(0.0, noise, (height, width, 3))
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _grey_image(height: int = HEIGHT, width: int = WIDTH) -> np.ndarray:
    return _colour_image(height, width)[:, :, 1].copy()


def _psnr(original: np.ndarray, decoded: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for uint8 images (higher is closer)."""
    mse = np.mean((original.astype(np.float64) - decoded.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0**2 / mse))


def _cv2_write(path: Path, image: np.ndarray) -> Path:
    """The oracle writer: OpenCV's encoder (imencode + bytes, so any path works)."""
    encoded, data = cv2.imencode(path.suffix, image)
    assert encoded, f"test setup: cv2.imencode({path.suffix}) failed"
    path.write_bytes(data.tobytes())
    return path


def _cv2_read(path: Path) -> np.ndarray:
    """The oracle reader: the file's pixels as OpenCV decodes them, channels unchanged."""
    assert path.is_file(), f"expected a file at {path}, found none"
    image = cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_UNCHANGED)
    assert image is not None, f"OpenCV cannot decode the file written at {path}"
    return image


# --- read_image ---------------------------------------------------------------------------


def test_read_image_returns_bgr_uint8_height_by_width_by_3(kata, tmp_path):
    """Catches RGB instead of BGR, a transposed array, a float result."""
    image = _colour_image()
    path = _cv2_write(tmp_path / "colour.png", image)
    assert_array(kata.read_image(str(path)), image, dtype=np.uint8,
                 what=f"read_image(path) for a {HEIGHT}x{WIDTH} colour PNG written by cv2")


def test_read_image_accepts_a_pathlib_path(kata, tmp_path):
    image = _colour_image()
    path = _cv2_write(tmp_path / "colour.png", image)
    assert_array(kata.read_image(path), image, dtype=np.uint8,
                 what="read_image(pathlib.Path) for a colour PNG")


def test_read_image_in_colour_always_has_three_channels(kata, tmp_path):
    """Catches cv2.IMREAD_UNCHANGED: a grey file must still read as H x W x 3 in colour."""
    grey = _grey_image()
    path = _cv2_write(tmp_path / "grey.png", grey)
    expected = np.repeat(grey[:, :, None], 3, axis=2)
    assert_array(kata.read_image(str(path)), expected, dtype=np.uint8,
                 what="read_image(path) in colour for a grey PNG (three equal channels)")


def test_read_image_in_colour_drops_the_alpha_channel(kata, tmp_path):
    bgra = np.dstack([_colour_image(), np.full((HEIGHT, WIDTH), 255, np.uint8)])
    path = _cv2_write(tmp_path / "alpha.png", bgra)
    assert_array(kata.read_image(str(path)), bgra[:, :, :3], dtype=np.uint8,
                 what="read_image(path) in colour for a BGRA PNG (alpha dropped)")


def test_read_image_grayscale_returns_height_by_width(kata, tmp_path):
    grey = _grey_image()
    path = _cv2_write(tmp_path / "grey.png", grey)
    assert_array(kata.read_image(str(path), grayscale=True), grey, dtype=np.uint8,
                 what="read_image(path, grayscale=True) for a grey PNG")


def test_read_image_grayscale_uses_luma_weights_on_bgr(kata, tmp_path):
    """Pure blue, green and red pixels: catches the channel mean and RGB/BGR confusion."""
    colours = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]], np.uint8)
    image = np.repeat(colours, 3, axis=0)  # 3 rows x 4 columns, BGR
    path = _cv2_write(tmp_path / "primaries.png", image)
    # 0.114 B + 0.587 G + 0.299 R: blue 29, green 150, red 76, white 255
    expected = np.repeat(np.array([[29, 150, 76, 255]], np.uint8), 3, axis=0)
    actual = kata.read_image(str(path), grayscale=True)
    assert_array(actual, expected, dtype=np.uint8, exact=False, rtol=0, atol=1,
                 what="read_image(path, grayscale=True) of pure blue, green, red, white "
                      "(luma weights on B, G, R; not the mean, not red and blue swapped)")


def test_read_image_missing_file_raises_file_not_found(kata, tmp_path):
    """Catches returning cv2.imread's silent None."""
    path = tmp_path / "missing.png"
    with pytest.raises(FileNotFoundError, match=re.escape("missing.png")):
        kata.read_image(str(path))


def test_read_image_undecodable_file_raises_value_error(kata, tmp_path):
    path = tmp_path / "not_an_image.png"
    path.write_bytes(b"this is text, not a PNG")
    with pytest.raises(ValueError, match=re.escape("not_an_image.png")):
        kata.read_image(str(path))


def test_read_image_empty_file_raises_value_error(kata, tmp_path):
    """An empty file exists: that is a decoding failure, not a missing file."""
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=re.escape("empty.jpg")):
        kata.read_image(str(path), grayscale=True)


def test_a_non_ascii_file_name_round_trips(kata, tmp_path):
    """A Chinese file name (cv2.imread/imwrite fail on such paths on Windows)."""
    image = _colour_image()
    path = tmp_path / "图片.png"
    kata.write_png(str(path), image, 3)
    assert_array(_cv2_read(path), image, dtype=np.uint8, what="write_png to '图片.png'")
    assert_array(kata.read_image(str(path)), image, dtype=np.uint8,
                 what="read_image('图片.png')")


# --- write_image --------------------------------------------------------------------------


@pytest.mark.parametrize("extension", [".png", ".bmp"])
def test_write_image_lossless_formats_keep_every_pixel(kata, tmp_path, extension):
    image = _colour_image()
    path = tmp_path / f"out{extension}"
    kata.write_image(str(path), image)
    assert_array(_cv2_read(path), image, dtype=np.uint8,
                 what=f"the {extension} file written by write_image, read back by cv2")


def test_write_image_grey_png_stays_grey(kata, tmp_path):
    grey = _grey_image()
    path = tmp_path / "grey.png"
    kata.write_image(str(path), grey)
    assert_array(_cv2_read(path), grey, dtype=np.uint8,
                 what="a grey PNG written by write_image, read back by cv2 unchanged")


def test_write_image_unknown_extension_raises_value_error(kata, tmp_path):
    with pytest.raises(ValueError, match=re.escape("picture.foo")):
        kata.write_image(str(tmp_path / "picture.foo"), _colour_image())


def test_write_image_into_a_missing_folder_raises_os_error(kata, tmp_path):
    """Catches ignoring cv2.imwrite's False."""
    path = tmp_path / "no_such_folder" / "out.png"
    with pytest.raises(OSError, match=re.escape("out.png")):
        kata.write_image(str(path), _colour_image())


# --- write_png ----------------------------------------------------------------------------


def test_png_round_trip_is_exact(kata, tmp_path):
    """write_png then read_image gives back the very same array."""
    image = _colour_image()
    path = tmp_path / "round_trip.png"
    kata.write_png(str(path), image, 6)
    assert_array(kata.read_image(str(path)), image, dtype=np.uint8,
                 what="read_image(write_png(image)): PNG is lossless")


@pytest.mark.parametrize("level", [0, 1, 5, 9])
def test_png_level_never_changes_pixels(kata, tmp_path, level):
    image = _colour_image(noise=8.0)
    path = tmp_path / f"level{level}.png"
    kata.write_png(str(path), image, level)
    assert_array(_cv2_read(path), image, dtype=np.uint8,
                 what=f"a PNG written by write_png at compression {level}, read back by cv2")


def test_png_higher_compression_gives_a_smaller_file(kata, tmp_path):
    """Catches an ignored level (same size), the wrong flag, or 9 - level."""
    image = _colour_image()
    sizes = {}
    for level in (0, 9):
        path = tmp_path / f"level{level}.png"
        kata.write_png(str(path), image, level)
        sizes[level] = path.stat().st_size
    assert sizes[0] > sizes[9], (
        f"write_png at compression 0 should give a larger file than at 9; got {sizes[0]} bytes "
        f"at 0 and {sizes[9]} at 9 (use [cv2.IMWRITE_PNG_COMPRESSION, level])"
    )


def test_png_level_zero_is_at_least_the_raw_pixel_bytes(kata, tmp_path):
    """Level 0 stores the pixels uncompressed: catches a level ignored or inverted."""
    image = _colour_image()
    path = tmp_path / "stored.png"
    kata.write_png(str(path), image, 0)
    assert path.stat().st_size >= image.nbytes, (
        f"write_png at compression 0 should store the {image.nbytes} pixel bytes uncompressed, "
        f"but the file has only {path.stat().st_size} bytes"
    )


def test_png_grey_image_is_written_grey(kata, tmp_path):
    grey = _grey_image()
    path = tmp_path / "grey.png"
    kata.write_png(str(path), grey, 9)
    assert_array(_cv2_read(path), grey, dtype=np.uint8,
                 what="a grey PNG written by write_png, read back by cv2 unchanged")


@pytest.mark.parametrize("level", [-1, 10])
def test_png_compression_outside_0_to_9_raises_value_error(kata, tmp_path, level):
    """OpenCV clamps it silently; the kata must refuse it."""
    with pytest.raises(ValueError, match="(?i)compression"):
        kata.write_png(str(tmp_path / "out.png"), _colour_image(), level)


def test_png_with_a_jpeg_file_name_raises_value_error(kata, tmp_path):
    with pytest.raises(ValueError, match=re.escape("out.jpg")):
        kata.write_png(str(tmp_path / "out.jpg"), _colour_image(), 3)


def test_png_into_a_missing_folder_raises_os_error(kata, tmp_path):
    with pytest.raises(OSError, match=re.escape("out.png")):
        kata.write_png(str(tmp_path / "missing" / "out.png"), _colour_image(), 3)


# --- write_jpeg ---------------------------------------------------------------------------


def test_jpeg_size_and_psnr_rise_with_quality(kata, tmp_path):
    """Catches an ignored quality, the wrong flag, or 100 - quality."""
    image = _colour_image()
    qualities = (10, 50, 95)
    sizes, psnrs = [], []
    for quality in qualities:
        path = tmp_path / f"q{quality}.jpg"
        kata.write_jpeg(str(path), image, quality)
        decoded = _cv2_read(path)
        assert decoded.shape == image.shape, (
            f"write_jpeg at quality {quality}: cv2 reads back shape {decoded.shape}, "
            f"expected {image.shape}"
        )
        sizes.append(path.stat().st_size)
        psnrs.append(_psnr(image, decoded))
    report = ", ".join(f"quality {q}: {s} bytes, PSNR {p:.1f} dB"
                       for q, s, p in zip(qualities, sizes, psnrs, strict=True))
    assert sizes[0] < sizes[1] < sizes[2], (
        f"JPEG files should grow with quality ([cv2.IMWRITE_JPEG_QUALITY, quality]); {report}"
    )
    assert psnrs[0] < psnrs[1] < psnrs[2], f"JPEG PSNR should rise with quality; {report}"


def test_jpeg_is_lossy_but_close_at_high_quality(kata, tmp_path):
    image = _colour_image()
    path = tmp_path / "photo.jpeg"
    kata.write_jpeg(str(path), image, 95)
    assert path.read_bytes()[:2] == b"\xff\xd8", "write_jpeg should write a JPEG file"
    psnr = _psnr(image, _cv2_read(path))
    assert psnr > 30.0, f"write_jpeg at quality 95: PSNR {psnr:.1f} dB, expected above 30 dB"


def test_jpeg_quality_matches_opencv_encoder(kata, tmp_path):
    """The file holds what cv2.imencode gives at that quality (same encoder, same bytes)."""
    image = _colour_image()
    path = tmp_path / "q40.jpg"
    kata.write_jpeg(str(path), image, 40)
    ok, expected = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 40])
    assert ok
    decoded = cv2.imdecode(expected, cv2.IMREAD_UNCHANGED)
    assert_array(_cv2_read(path), decoded, dtype=np.uint8, exact=False, rtol=0, atol=1,
                 what="the pixels of write_jpeg(path, image, 40), read back by cv2")


@pytest.mark.parametrize("quality", [-1, 101])
def test_jpeg_quality_outside_0_to_100_raises_value_error(kata, tmp_path, quality):
    with pytest.raises(ValueError, match="(?i)quality"):
        kata.write_jpeg(str(tmp_path / "out.jpg"), _colour_image(), quality)


@pytest.mark.parametrize("quality", [0, 100])
def test_jpeg_quality_bounds_are_allowed(kata, tmp_path, quality):
    path = tmp_path / f"q{quality}.jpg"
    kata.write_jpeg(str(path), _colour_image(), quality)
    assert _cv2_read(path).shape == (HEIGHT, WIDTH, 3)


def test_jpeg_with_a_png_file_name_raises_value_error(kata, tmp_path):
    with pytest.raises(ValueError, match=re.escape("out.png")):
        kata.write_jpeg(str(tmp_path / "out.png"), _colour_image(), 80)


def test_jpeg_into_a_missing_folder_raises_os_error(kata, tmp_path):
    with pytest.raises(OSError, match=re.escape("out.jpg")):
        kata.write_jpeg(str(tmp_path / "missing" / "out.jpg"), _colour_image(), 80)


# --- get_pixel / set_pixel ----------------------------------------------------------------


def _labelled_image(height: int = 3, width: int = 5) -> np.ndarray:
    """Pixel at row y, column x is (b, g, r) = (x, y, 10 * y + x): its value names it."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x, y, 10 * y + x], axis=-1).astype(np.uint8)


def _shows_shape(shape: tuple[int, ...]) -> str:
    """A regex for a message giving `shape` in any usual writing: (3, 5), [3, 5], 3x5."""
    return r"\b" + r"\D{1,3}".join(str(d) for d in shape) + r"\b"


def _names_both(x: int, y: int) -> str:
    """A regex for a message that mentions both coordinates, in any order."""
    return f"(?s)(?=.*{re.escape(str(x))})(?=.*{re.escape(str(y))})"


def test_pixel_is_read_at_row_y_column_x(kata):
    """Catches the notes' img[x, y]: x is the column, y the row."""
    image = _labelled_image()  # 3 rows, 5 columns
    assert_array(kata.get_pixel(image, 1, 2), [1, 2, 21],
                 what="get_pixel(image, x=1, y=2): (b, g, r) = image[2, 1], row y and column x "
                 "(image[x, y], as the notes write it, reads row 1, column 2)")
    actual = kata.get_pixel(image, 4, 1)
    assert_array(actual, [4, 1, 14], what="get_pixel(image, x=4, y=1) on a 3-row, 5-column "
                 "image: (b, g, r) = image[1, 4]")


def test_get_pixel_returns_blue_green_red_as_python_ints(kata):
    image = _labelled_image()
    actual = kata.get_pixel(image, 2, 0)
    assert isinstance(actual, tuple) and len(actual) == 3, (
        f"get_pixel should return a tuple (b, g, r), got {actual!r}"
    )
    assert all(type(v) is int for v in actual), (
        f"get_pixel should return Python ints (int(...)), got types {[type(v) for v in actual]}"
    )
    assert actual == (2, 0, 2), f"get_pixel(image, x=2, y=0): expected (2, 0, 2), got {actual}"


@given(data=st.data())
def test_get_pixel_anywhere_in_a_random_image(kata, data):
    height = data.draw(st.integers(1, 6), label="height")
    width = data.draw(st.integers(1, 6), label="width")
    x = data.draw(st.integers(0, width - 1), label="x")
    y = data.draw(st.integers(0, height - 1), label="y")
    image = _labelled_image(height, width)
    assert_array(kata.get_pixel(image, x, y), [x, y, 10 * y + x],
                 what=f"get_pixel(image, x={x}, y={y}) on a {height}x{width} image")


@pytest.mark.parametrize(("x", "y"), [(5, 0), (0, 3), (-1, 0), (0, -1)])
def test_get_pixel_outside_the_image_raises_index_error(kata, x, y):
    """Negative coordinates too: NumPy would wrap them to the far edge silently."""
    with pytest.raises(IndexError, match=_names_both(x, y)):
        kata.get_pixel(_labelled_image(), x, y)


def test_get_pixel_on_a_grey_image_raises_value_error(kata):
    with pytest.raises(ValueError, match=_shows_shape((3, 5))):
        kata.get_pixel(np.zeros((3, 5), np.uint8), 1, 1)


def test_pixel_is_written_at_row_y_column_x_in_place(kata):
    """Catches img[x, y] and a modified copy: the caller's array changes, one pixel only."""
    image = _labelled_image()
    expected = image.copy()
    expected[2, 1] = (200, 100, 50)
    result = kata.set_pixel(image, 1, 2, (200, 100, 50))
    assert result is None, f"set_pixel works in place and returns None, got {type(result)}"
    assert_array(image, expected, dtype=np.uint8,
                 what="the image after set_pixel(image, x=1, y=2, (200, 100, 50)): only "
                      "image[2, 1] changes (image[x, y], as the notes write it, is row 1)")


def test_set_then_get_pixel_round_trip(kata):
    image = np.zeros((4, 7, 3), np.uint8)
    kata.set_pixel(image, 6, 0, (1, 2, 3))
    assert_array(kata.get_pixel(image, 6, 0), [1, 2, 3], what="get_pixel after set_pixel")
    assert_array(image[0, 6], [1, 2, 3], what="image[y=0, x=6] after set_pixel(image, 6, 0, ...)")


@pytest.mark.parametrize(("x", "y"), [(5, 0), (0, 3), (-1, 0), (0, -1)])
def test_set_pixel_outside_the_image_raises_index_error(kata, x, y):
    image = _labelled_image()
    before = image.copy()
    with pytest.raises(IndexError, match=_names_both(x, y)):
        kata.set_pixel(image, x, y, (0, 0, 0))
    assert_array(image, before, what="the image after a refused set_pixel (unchanged)")


@pytest.mark.parametrize("bgr", [(256, 0, 0), (0, -1, 0), (1, 2)])
def test_set_pixel_bad_colour_raises_value_error(kata, bgr):
    image = _labelled_image()
    before = image.copy()
    with pytest.raises(ValueError, match="(?i)bgr"):
        kata.set_pixel(image, 1, 1, bgr)
    assert_array(image, before, what=f"the image after a refused set_pixel(..., {bgr})")


# --- bgr_to_rgb / rgb_to_bgr --------------------------------------------------------------


def test_bgr_to_rgb_swaps_first_and_last_channel(kata):
    pixel = np.array([[[10, 20, 30]]], np.uint8)  # b=10, g=20, r=30
    assert_array(kata.bgr_to_rgb(pixel), [[[30, 20, 10]]], dtype=np.uint8,
                 what="bgr_to_rgb of one pixel (b, g, r) = (10, 20, 30)")


def test_bgr_to_rgb_on_an_image_keeps_shape_and_dtype(kata):
    image = _colour_image()
    assert_array(kata.bgr_to_rgb(image), image[:, :, [2, 1, 0]], dtype=np.uint8,
                 what=f"bgr_to_rgb of a {HEIGHT}x{WIDTH}x3 image (axis 2 reversed, not axis 0)")


def test_rgb_to_bgr_swaps_first_and_last_channel(kata):
    image = _colour_image()
    assert_array(kata.rgb_to_bgr(image), image[:, :, ::-1], dtype=np.uint8,
                 what=f"rgb_to_bgr of a {HEIGHT}x{WIDTH}x3 image")


@pytest.mark.parametrize("name", ["bgr_to_rgb", "rgb_to_bgr"])
def test_channel_swap_returns_a_new_contiguous_array(kata, name):
    """Catches swapping in place, and returning the view image[..., ::-1]."""
    image = _colour_image()
    before = image.copy()
    result = getattr(kata, name)(image)
    assert_array(image, before, what=f"the input image after {name} (unchanged)")
    assert isinstance(result, np.ndarray), f"{name} should return a NumPy array"
    assert not np.shares_memory(result, image), (
        f"{name} returned a view of its input; return a new array (np.ascontiguousarray, "
        f".copy() or cv2.cvtColor)"
    )
    assert result.flags["C_CONTIGUOUS"], f"{name} should return a C-contiguous array"


def test_bgr_to_rgb_then_back_is_the_identity(kata):
    image = _colour_image()
    assert_array(kata.rgb_to_bgr(kata.bgr_to_rgb(image)), image, dtype=np.uint8,
                 what="rgb_to_bgr(bgr_to_rgb(image))")


@pytest.mark.parametrize("name", ["bgr_to_rgb", "rgb_to_bgr"])
@pytest.mark.parametrize("shape", [(3, 5), (3, 5, 4), (3, 5, 1)])
def test_channel_swap_on_a_non_colour_image_raises_value_error(kata, name, shape):
    with pytest.raises(ValueError, match=_shows_shape(shape)):
        getattr(kata, name)(np.zeros(shape, np.uint8))

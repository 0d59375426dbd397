"""Reading, writing and touching images with OpenCV.

From the notes' 基本操作: 图片读取展示, 读写操作, 操作像素.

You learn how OpenCV hands you an image: a NumPy array of `uint8`, rows first, channels in
blue-green-red order. You turn OpenCV's silent failures (`cv2.imread` returns `None` for a
missing or undecodable file; `cv2.imwrite` returns `False`) into exceptions that say what
went wrong, write lossy JPEG at a chosen quality and lossless PNG at a chosen compression
level, read and write one pixel at (x, y) knowing that x is the column and y the row, and
swap BGR and RGB for libraries (Matplotlib, TensorFlow) that expect red first.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

JPEG_EXTENSIONS = (".jpg", ".jpeg", ".jpe")
PNG_EXTENSIONS = (".png",)


def read_image(path: str | os.PathLike[str], grayscale: bool = False) -> np.ndarray:
    """Read the image file at `path`, in colour (the default) or in grey.

    Returns a `uint8` array: colour is shape (height, width, 3) with channels in OpenCV's
    B, G, R order, whatever the file holds (a grey file gives three equal channels, an alpha
    channel is dropped); grey is shape (height, width), converted from colour with OpenCV's
    weights (0.299 R + 0.587 G + 0.114 B), not the mean of the channels.

    Raises:
        FileNotFoundError: there is no file at `path` (the message names the path).
        ValueError: the file exists but OpenCV cannot decode it as an image (empty, or not
            an image format), again naming the path.

    Notes: `img = cv2.imread('path',1)  # 读取图片，0是灰图，1是彩图` — the flags are
    `cv2.IMREAD_COLOR` (1) and `cv2.IMREAD_GRAYSCALE` (0). `cv2.imread` does not raise: it
    returns `None` for a missing or broken file, and your code must check. (On Windows,
    `cv2.imread` cannot open a path with non-ASCII characters, such as a Chinese user name;
    `cv2.imdecode(np.fromfile(path, np.uint8), flag)` reads any path.)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no image file at {str(path)!r}")
    flag = cv2.IMREAD_GRAYSCALE if grayscale else cv2.IMREAD_COLOR
    data = np.fromfile(path, dtype=np.uint8)
    image = cv2.imdecode(data, flag) if data.size else None
    if image is None:
        raise ValueError(f"OpenCV cannot decode {str(path)!r} as an image")
    return image


def write_image(path: str | os.PathLike[str], image: np.ndarray) -> None:
    """Write `image` (uint8, (H, W) grey or (H, W, 3) BGR) to `path` with OpenCV's defaults.

    The format comes from the file's extension (`.png`, `.jpg`, `.bmp`, ...). Returns None.

    Raises:
        ValueError: OpenCV has no writer for the extension (e.g. `.foo`, or none at all),
            or cannot encode `image` in that format; the message names the path.
        OSError: OpenCV could not write the file (e.g. its folder does not exist); the
            message names the path. `cv2.imwrite` only returns `False` in that case.

    Notes: `cv2.imwrite("path",img)  # 1,图片名 2.图片数据`. (On Windows, `cv2.imwrite`
    cannot write to a path with non-ASCII characters; `cv2.imencode(extension, img)` gives
    the file's bytes, which `ndarray.tofile(path)` writes to any path.)
    """
    _write(path, image, [])


def write_jpeg(path: str | os.PathLike[str], image: np.ndarray, quality: int = 95) -> None:
    """Write `image` (uint8, (H, W) or (H, W, 3) BGR) as a JPEG file at `quality` (0-100).

    Higher quality means a larger file closer to the original; JPEG is lossy, so the pixels
    read back differ from `image`. Returns None.

    Raises:
        ValueError: `quality` is outside 0..100 (OpenCV would silently clamp it; the message
            names `quality`), or `path` does not end in `.jpg`, `.jpeg` or `.jpe` (any case;
            the message names the path).
        OSError: the file could not be written (e.g. its folder does not exist); the
            message names the path.

    Notes: `cv2.imwrite("path.jpg",img,[cv2.IMWRITE_JPEG_QUALITY,0])` —
    `# 压缩比参数范围为0~100，越低压缩比越高` (the lower the quality, the stronger the compression).
    """
    _check_extension(path, JPEG_EXTENSIONS, "JPEG")
    if not 0 <= quality <= 100:
        raise ValueError(f"JPEG quality must be in 0..100, got {quality}")
    _write(path, image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])


def write_png(path: str | os.PathLike[str], image: np.ndarray, compression: int = 3) -> None:
    """Write `image` (uint8, (H, W) or (H, W, 3) BGR) as a PNG file at `compression` (0-9).

    PNG is lossless: every compression level reads back exactly the same pixels; a higher
    level only makes the file smaller (and slower to write). Level 0 stores it uncompressed.
    Returns None.

    Raises:
        ValueError: `compression` is outside 0..9 (OpenCV would silently clamp it; the
            message names `compression`), or `path` does not end in `.png` (any case; the
            message names the path).
        OSError: the file could not be written (e.g. its folder does not exist); the
            message names the path.

    Notes: `cv2.imwrite("path.png",img,[cv2.IMWRITE_PNG_QUALITY,0])` — ERRATA:
    `cv2.IMWRITE_PNG_QUALITY` does not exist (AttributeError); the working form is
    `[cv2.IMWRITE_PNG_COMPRESSION, level]`, level 0-9, higher is smaller.
    """
    _check_extension(path, PNG_EXTENSIONS, "PNG")
    if not 0 <= compression <= 9:
        raise ValueError(f"PNG compression must be in 0..9, got {compression}")
    _write(path, image, [cv2.IMWRITE_PNG_COMPRESSION, int(compression)])


def get_pixel(image: np.ndarray, x: int, y: int) -> tuple[int, int, int]:
    """The (b, g, r) values of colour `image` (H, W, 3) at column `x`, row `y`, as Python ints.

    x counts columns from the left edge (0 <= x < width), y counts rows from the top edge
    (0 <= y < height): the pixel is `image[y, x]`.

    Raises:
        ValueError: `image` is not of shape (H, W, 3) (the message gives its shape).
        IndexError: x or y is outside the image, negative ones included (NumPy would
            silently count a negative index from the far edge); the message gives x and y.

    Notes: `(b,g,r) = img[x,y]` — ERRATA: this runs, but the first index is the row, so it
    reads the pixel at column y, row x (or fails on a non-square image). The working form is
    `img[y, x]`.
    """
    _check_colour(image)
    _check_inside(image, x, y)
    b, g, r = image[y, x]
    return int(b), int(g), int(r)


def set_pixel(image: np.ndarray, x: int, y: int, bgr: tuple[int, int, int]) -> None:
    """Set the pixel of colour `image` (H, W, 3) at column `x`, row `y` to `bgr`, IN PLACE.

    `image` itself is modified (nothing else in it changes) and the function returns None,
    like the notes' assignment. `bgr` is three ints in 0..255, blue first.

    Raises:
        ValueError: `image` is not of shape (H, W, 3) (the message gives its shape), or
            `bgr` is not three values in 0..255 (the message names `bgr`); the image is
            then left unchanged.
        IndexError: x or y is outside the image, negative ones included; the message gives
            x and y, and the image is left unchanged.

    Notes: `img[x,y] = (b,g,r)` — ERRATA: the first index is the row; write `img[y, x]`.
    """
    _check_colour(image)
    _check_inside(image, x, y)
    values = tuple(bgr)
    if len(values) != 3 or not all(0 <= v <= 255 for v in values):
        raise ValueError(f"bgr must be three values in 0..255, got {bgr!r}")
    image[y, x] = values


def bgr_to_rgb(image: np.ndarray) -> np.ndarray:
    """The colour image (H, W, 3) with its first and last channels swapped: BGR becomes RGB.

    Returns a new C-contiguous array of the same shape and dtype, sharing no memory with
    `image`, which is left unchanged. (A view such as `image[..., ::-1]` is not enough:
    OpenCV functions that draw into an array reject it.)

    Raises:
        ValueError: `image` is not of shape (H, W, 3) (the message gives its shape).

    Notes: `# OpenCv读取图片是bgr(rgb倒过来)` — OpenCV stores blue first; Matplotlib and
    TensorFlow expect red first.
    """
    _check_colour(image)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def rgb_to_bgr(image: np.ndarray) -> np.ndarray:
    """The colour image (H, W, 3) with its first and last channels swapped: RGB becomes BGR.

    Same contract as `bgr_to_rgb`: a new C-contiguous array, `image` unchanged; ValueError
    if `image` is not of shape (H, W, 3) (the message gives its shape).

    Notes: `# OpenCv读取图片是bgr(rgb倒过来)` — convert back before `cv2.imwrite`.
    """
    _check_colour(image)
    return cv2.cvtColor(image, cv2.COLOR_RGB2BGR)


def _write(path: str | os.PathLike[str], image: np.ndarray, params: list[int]) -> None:
    path = Path(path)
    if not cv2.haveImageWriter(str(path)):
        raise ValueError(f"OpenCV has no image writer for the extension of {str(path)!r}")
    try:
        encoded, data = cv2.imencode(path.suffix, image, params)
    except cv2.error as err:
        raise ValueError(f"OpenCV cannot encode this image for {str(path)!r}: {err}") from err
    if not encoded:
        raise OSError(f"OpenCV could not encode the image for {str(path)!r}")
    try:
        data.tofile(path)
    except OSError as err:
        raise OSError(f"cannot write {str(path)!r} ({err.strerror}): does its folder exist?") \
            from err


def _check_extension(path: str | os.PathLike[str], allowed: tuple[str, ...], kind: str) -> None:
    if Path(path).suffix.lower() not in allowed:
        raise ValueError(f"a {kind} file name ends in {' or '.join(allowed)}, got {str(path)!r}")


def _check_colour(image: np.ndarray) -> None:
    shape = np.shape(image)
    if len(shape) != 3 or shape[2] != 3:
        raise ValueError(f"expected a colour image of shape (H, W, 3), got shape {shape}")


def _check_inside(image: np.ndarray, x: int, y: int) -> None:
    height, width = image.shape[:2]
    if not (0 <= x < width and 0 <= y < height):
        raise IndexError(
            f"pixel (x={x}, y={y}) is outside the {width}x{height} image "
            f"(need 0 <= x < {width}, 0 <= y < {height})"
        )

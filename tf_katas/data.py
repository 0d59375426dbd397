"""Data that ships with the dependencies: no test, kata or default run downloads anything.

- `load_digits(size)`: scikit-learn's 8x8 handwritten digits (1797 images, bundled with
  scikit-learn), as 8x8 or resized to 28x28 like MNIST, uint8 in [0, 255], with a fixed,
  stratified train/test split.
- `load_mnist(path)`: the real MNIST from a local `mnist.npz` (Keras' file format) when
  there is one; otherwise the 28x28 digits, saying so.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

SPLIT_SEED = 0
TEST_FRACTION = 0.25
MNIST_CANDIDATES = ("mnist.npz", "~/.keras/datasets/mnist.npz")

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@lru_cache(maxsize=2)
def _digits(size: int) -> Split:
    import cv2
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    bunch = sklearn_digits()
    images = np.round(bunch.images * (255 / 16)).astype(np.uint8)  # 0..16 -> 0..255
    if size != 8:
        images = np.stack(
            [cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR) for image in images]
        )
    labels = bunch.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=labels
    )
    for array in (x_train, x_test, y_train, y_test):
        array.setflags(write=False)  # shared by every caller: nobody may change it
    return (x_train, y_train), (x_test, y_test)


def load_digits(size: int = 28) -> Split:
    """((x_train, y_train), (x_test, y_test)): 1347 training and 450 test digits.

    Images are uint8 in [0, 255] of shape [n, size, size] (size 8: the original pixels;
    other sizes: resized with bilinear interpolation); labels uint8 in 0..9. The split is
    stratified and the same on every call. The arrays are read-only: copy to change them.
    """
    if not isinstance(size, int) or size < 8:
        raise ValueError(f"size must be an integer >= 8, got {size!r}")
    return _digits(size)


def load_mnist(path: str | os.PathLike | None = None) -> Split:
    """MNIST as `keras.datasets.mnist.load_data()` returns it, without downloading.

    Reads `path`, else `./mnist.npz` or `~/.keras/datasets/mnist.npz` if one exists (arrays
    x_train, y_train, x_test, y_test). Without one, falls back to `load_digits(28)` and
    warns, so code written for MNIST runs unchanged on the embedded set.
    """
    candidates = [path] if path is not None else MNIST_CANDIDATES
    for candidate in candidates:
        file = Path(candidate).expanduser()
        if file.is_file():
            with np.load(file) as data:
                return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    if path is not None:
        raise FileNotFoundError(f"{path}: no such MNIST file")
    warnings.warn(
        "no local mnist.npz: using scikit-learn's digits resized to 28x28 "
        "(1347 train / 450 test images) instead",
        stacklevel=2,
    )
    return load_digits(28)

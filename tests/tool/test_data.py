import numpy as np
import pytest

from tf_katas.data import load_digits, load_mnist
from tf_katas.testing import numerical_gradient


def test_digits_split_is_fixed_stratified_and_read_only():
    (x_train, y_train), (x_test, y_test) = load_digits(28)
    assert x_train.shape == (1347, 28, 28) and x_test.shape == (450, 28, 28)
    assert x_train.dtype == np.uint8 and x_train.max() == 255
    assert set(np.bincount(y_test)) <= {43, 44, 45, 46}  # every class near 450 / 10
    (x_again, _), _ = load_digits(28)
    assert np.array_equal(x_train, x_again)
    with pytest.raises(ValueError):
        x_train[0, 0, 0] = 1


def test_small_digits_are_the_original_pixels_scaled():
    from sklearn.datasets import load_digits as sklearn_digits

    (x_train, _), _ = load_digits(8)
    originals = {
        np.round(im * 255 / 16).astype(np.uint8).tobytes() for im in sklearn_digits().images
    }
    assert all(image.tobytes() in originals for image in x_train[:20])


def test_mnist_reads_a_local_file_and_falls_back_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.warns(UserWarning, match="no local mnist.npz"):
        (x_train, _), _ = load_mnist()
    assert x_train.shape[1:] == (28, 28)
    arrays = {
        "x_train": np.zeros((3, 28, 28), np.uint8),
        "y_train": np.arange(3),
        "x_test": np.ones((2, 28, 28), np.uint8),
        "y_test": np.arange(2),
    }
    np.savez(tmp_path / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, _) = load_mnist()
    assert x_train.shape == (3, 28, 28) and x_test.sum() == 2 * 28 * 28
    with pytest.raises(FileNotFoundError):
        load_mnist(tmp_path / "missing.npz")


def test_numerical_gradient_matches_a_closed_form():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    assert np.allclose(
        numerical_gradient(lambda v: np.sum(np.sin(v) * v), x), np.sin(x) + x * np.cos(x), atol=1e-7
    )

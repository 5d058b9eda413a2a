import numpy as np
import pytest

from gan_lib import config


def test_default_mode_is_full(monkeypatch):
    monkeypatch.delenv("GAN_BOOK_MODE", raising=False)
    assert config.mode() == "full"
    monkeypatch.setenv("GAN_BOOK_MODE", "")
    assert config.mode() == "full"


@pytest.mark.parametrize("value", ["quick", "full"])
def test_valid_modes(monkeypatch, value):
    monkeypatch.setenv("GAN_BOOK_MODE", value)
    assert config.mode() == value


@pytest.mark.parametrize("value", ["fast", "QUICK ", "Full", "1"])
def test_invalid_mode_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("GAN_BOOK_MODE", value)
    with pytest.raises(ValueError, match="GAN_BOOK_MODE must be one of"):
        config.mode()


def test_budget_follows_mode(monkeypatch):
    monkeypatch.setenv("GAN_BOOK_MODE", "quick")
    assert config.budget(quick=10, full=1000) == 10
    monkeypatch.setenv("GAN_BOOK_MODE", "full")
    assert config.budget(quick=10, full=1000) == 1000


def test_set_seed_makes_numpy_python_and_tensorflow_reproducible():
    import random

    import tensorflow as tf

    def draw():
        rng = config.set_seed(123)
        return (rng.normal(), np.random.rand(), random.random(), float(tf.random.normal([])))

    assert draw() == draw()
    config.set_seed(124)
    assert float(tf.random.normal([])) != draw()[3]


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises((ValueError, TypeError), match="seed must be"):
        config.set_seed(seed)


@pytest.fixture
def float32_afterwards():
    """setup() sets the global precision policy (mixed_bfloat16 on a CPU with AMX):
    put float32 back, so that later tests in this worker do not run under it."""
    from tensorflow import keras

    yield
    keras.mixed_precision.set_global_policy("float32")


def test_setup_prints_versions_device_and_mode(monkeypatch, capsys, float32_afterwards):
    monkeypatch.setenv("GAN_BOOK_MODE", "quick")
    assert config.setup(seed=0) == "quick"
    printed = capsys.readouterr().out
    assert "TensorFlow" in printed and "device: CPU" in printed and "mode: quick" in printed


def test_precision_override_and_detection(monkeypatch, capsys):
    for policy in config.PRECISIONS:
        monkeypatch.setenv("GAN_BOOK_PRECISION", policy)
        assert config.precision() == policy
    monkeypatch.setenv("GAN_BOOK_PRECISION", "bf16")
    with pytest.raises(ValueError, match="GAN_BOOK_PRECISION must be one of"):
        config.precision()
    monkeypatch.delenv("GAN_BOOK_PRECISION")
    policy, reason = config.detected_precision()
    expected = "mixed_bfloat16" if "amx_bf16" in config.cpu_flags() else "float32"
    assert (policy, reason.startswith("CPU")) == (expected, True)  # this test machine has no GPU
    monkeypatch.setattr(config, "cpu_flags", lambda: {"avx512f", "amx_bf16"})
    assert config.detected_precision() == ("mixed_bfloat16", "CPU with AMX")
    monkeypatch.setattr(config, "cpu_flags", lambda: {"avx2", "avx512_bf16"})
    assert config.detected_precision()[0] == "float32"


def test_setup_prints_the_precision_and_leaves_the_global_policy_float32(monkeypatch, capsys,
                                                                        float32_afterwards):
    from tensorflow import keras

    monkeypatch.setenv("GAN_BOOK_MODE", "quick")
    monkeypatch.setenv("GAN_BOOK_PRECISION", "mixed_bfloat16")
    config.setup(seed=0)
    assert keras.mixed_precision.global_policy().name == "float32"
    assert "image GANs: mixed_bfloat16" in capsys.readouterr().out


def test_precision_policy_holds_inside_the_block_only(monkeypatch, float32_afterwards):
    from tensorflow import keras

    monkeypatch.setenv("GAN_BOOK_PRECISION", "mixed_float16")
    with config.precision_policy() as policy:
        assert policy == keras.mixed_precision.global_policy().name == "mixed_float16"
        with config.precision_policy("mixed_bfloat16"):
            assert keras.layers.Dense(2).compute_dtype == "bfloat16"
        assert keras.mixed_precision.global_policy().name == "mixed_float16"
    assert keras.mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="policy must be one of"):
        with config.precision_policy("bfloat16"):
            pass
    with pytest.raises(RuntimeError):  # an error inside the block restores the policy too
        with config.precision_policy("mixed_bfloat16"):
            raise RuntimeError
    assert keras.mixed_precision.global_policy().name == "float32"

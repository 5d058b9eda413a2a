"""gan_lib.validation: what each check accepts, what it refuses, and what its message says."""

import numpy as np
import pytest
import tensorflow as tf

from gan_lib.validation import (
    check_array,
    check_integer,
    check_logit_pair,
    check_logits,
    check_number,
    check_rng,
    check_samples_1d,
    check_seed,
)


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3), np.arange(5)[3]])
def test_integer_accepts_python_and_numpy_integers(value):
    result = check_integer("n", value, at_least=1)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize(
    "value, kind",
    [(True, "bool"), (np.bool_(True), "bool_?"), (3.0, "float"), (np.float64(3), "float64"),
     ("3", "str"), (None, "NoneType"), ([3], "list")],
)
def test_integer_refuses_other_kinds_with_a_type_error_naming_all_three(value, kind):
    with pytest.raises(TypeError, match=rf"batch_size must be an integer; got .*\({kind}\)"):
        check_integer("batch_size", value)


def test_integer_bounds():
    assert check_integer("k", 0, at_least=0) == 0
    with pytest.raises(ValueError, match=r"k must be a positive integer; got 0"):
        check_integer("k", 0, at_least=1)
    with pytest.raises(ValueError, match=r"k must be an integer >= 2; got 1"):
        check_integer("k", 1, at_least=2)
    with pytest.raises(ValueError, match=r"k must be an integer less than 28; got 28"):
        check_integer("k", 28, less_than=28)
    with pytest.raises(ValueError, match=r"k must be an integer greater than 2; got 2"):
        check_integer("k", np.int64(2), greater_than=2)
    with pytest.raises(ValueError, match=r"<= 5"):
        check_integer("k", 6, at_most=5)
    with pytest.raises(ValueError, match=r"k must be a positive integer; got -3"):
        check_integer("k", -3, greater_than=0)


def test_seed_is_a_non_negative_integer():
    assert check_seed("seed", np.int64(7)) == 7
    with pytest.raises(ValueError, match="seed must be a non-negative integer; got -1"):
        check_seed("seed", -1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        check_seed("seed", 1.0)


def test_rng_from_a_seed_or_a_generator():
    generator = np.random.default_rng(1)
    assert check_rng("rng", generator) is generator
    assert check_rng("rng", np.int64(5)).integers(1000) == np.random.default_rng(5).integers(1000)
    with pytest.raises(TypeError, match="rng must be a seed .* reproducible; got None"):
        check_rng("rng", None)
    with pytest.raises(TypeError, match=r"rng must be a seed.*\(str\)"):
        check_rng("rng", "0")
    with pytest.raises(ValueError, match="rng must be a non-negative integer"):
        check_rng("rng", -3)


@pytest.mark.parametrize("value", [2, 2.5, np.float32(2.5), np.int64(2)])
def test_number_accepts_real_numbers(value):
    result = check_number("std", value, greater_than=0)
    assert result == float(value) and type(result) is float


@pytest.mark.parametrize("value", ["2.5", True, None, np.array([1.0]), 1j])
def test_number_refuses_strings_bools_arrays_and_complex(value):
    with pytest.raises(TypeError, match="threshold must be a real number; got "):
        check_number("threshold", value)


def test_number_refuses_nan_infinity_and_out_of_range():
    with pytest.raises(ValueError, match="std must be finite; got nan"):
        check_number("std", float("nan"))
    with pytest.raises(ValueError, match="std must be finite; got inf"):
        check_number("std", np.inf)
    assert check_number("limit", np.inf, finite=False) == np.inf
    with pytest.raises(ValueError, match="limit must be a number, not NaN"):
        check_number("limit", np.nan, finite=False)
    with pytest.raises(ValueError, match=r"std must be a positive number; got -1.0"):
        check_number("std", -1, greater_than=0)
    with pytest.raises(ValueError, match=r"rate must be a non-negative number; got -0.5"):
        check_number("rate", -0.5, at_least=0)
    with pytest.raises(ValueError, match=r"x must be a number greater than 0.5; got 0.5"):
        check_number("x", 0.5, greater_than=0.5)
    with pytest.raises(ValueError, match=r"real_label must be a number <= 1"):
        check_number("real_label", 1.5, greater_than=0.5, at_most=1)


def test_array_checks_dimensions_without_flattening():
    assert check_array("x", [[1, 2]], ndim=2).dtype == np.float64
    assert check_array("x", np.ones(3, np.float32), ndim=1, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match=r"x must be a 1-D array; got shape \(2, 3\)"):
        check_array("x", np.ones((2, 3)), ndim=1)
    with pytest.raises(ValueError, match=r"x must be a 1-D or 2-D array; got shape \(\)"):
        check_array("x", 3.0, ndim=(1, 2))


def test_array_refuses_empty_non_finite_and_non_numeric():
    with pytest.raises(ValueError, match=r"centers must hold at least 1 value\(s\); got shape \(0,\)"):
        check_array("centers", [])
    with pytest.raises(ValueError, match=r"samples must hold at least 10"):
        check_array("samples", np.ones(9), min_size=10)
    with pytest.raises(ValueError, match=r"samples must be finite; got 2 NaN or infinite"):
        check_array("samples", [1.0, np.nan, np.inf])
    assert np.isnan(check_array("samples", [np.nan], finite=False)).all()
    for bad in (["1", "2"], [True, False], [1j], [[1, 2], [3]]):
        with pytest.raises(TypeError, match="samples must be an array of"):
            check_array("samples", bad)


def test_samples_1d_accepts_one_column_and_refuses_more():
    np.testing.assert_array_equal(check_samples_1d("samples", [[1.0], [2.0]]), [1.0, 2.0])
    np.testing.assert_array_equal(check_samples_1d("samples", [1.0, 2.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"samples must hold 1-D samples.*got shape \(5, 2\)"):
        check_samples_1d("samples", np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"1-D or 2-D array; got shape \(5, 1, 1\)"):
        check_samples_1d("samples", np.ones((5, 1, 1)))


def test_logits_keep_float_dtypes_and_cast_integers_to_float32():
    assert check_logits("l", np.ones(3, np.float64)).dtype == tf.float64
    assert check_logits("l", tf.ones(3, tf.bfloat16)).dtype == tf.bfloat16
    assert check_logits("l", [1, 2]).dtype == tf.float32


def test_logits_refuse_empty_non_finite_and_non_numeric():
    with pytest.raises(ValueError, match=r"fake_logits must not be empty; got shape \(0, 1\)"):
        check_logits("fake_logits", np.zeros((0, 1)))
    with pytest.raises(ValueError, match="real_logits must be finite"):
        check_logits("real_logits", [0.0, np.nan])
    with pytest.raises(TypeError, match="real_logits must be a tensor of real-valued logits; got dtype string"):
        check_logits("real_logits", ["a"])
    with pytest.raises(TypeError, match="dtype bool"):
        check_logits("real_logits", [True])
    with pytest.raises(TypeError, match="real_logits must be a tensor of logits"):
        check_logits("real_logits", [[1.0], [2.0, 3.0]])


def test_logits_inside_a_compiled_function_check_dtype_only():
    @tf.function
    def run(x):
        return check_logits("l", x) * 2

    assert np.isnan(run(tf.constant([np.nan])).numpy()).all()


def test_logit_pair_casts_mixed_floats_to_the_wider():
    real, fake = check_logit_pair("real_logits", np.ones(2, np.float32), "fake_logits", np.ones(2))
    assert real.dtype == fake.dtype == tf.float64
    real, fake = check_logit_pair("r", tf.ones(2, tf.float16), "f", tf.ones(2, tf.bfloat16))
    assert real.dtype == fake.dtype == tf.float32
    real, fake = check_logit_pair("r", tf.ones(2, tf.float16), "f", tf.ones(2, tf.float16))
    assert real.dtype == fake.dtype == tf.float16

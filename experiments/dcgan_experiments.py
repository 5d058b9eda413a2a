"""Measure what helps a DCGAN on 4,000 MNIST digits: one training run per recipe.

    python experiments/dcgan_experiments.py                      # every variant, 3,000 steps each
    python experiments/dcgan_experiments.py --variants baseline ttur --steps 500

The GANs train on the 4,000 digits of the classifier's training split (the 1,000 others stay
unseen, as in chapter 6). Each variant changes one thing of the plain DCGAN recipe (``gan_lib.images.dcgan.Recipe``) and
trains on the same number of images (``--steps`` batches of 128; a variant with another
batch size gets the steps that make the same number of images) on the same data with
the same seed. Every
``--eval-every`` steps, and at the end, 2,000 samples from fixed noise are judged by the
shipped classifier (``gan_lib.images.digit_metrics``); at the end also 10,000 samples, with the
Frechet distance to the real digits and its real-vs-real baseline. Runs that keep an
exponential moving average (EMA) of the generator report both the raw and the averaged
generator, so every run also measures EMA for free.

Steps, not seconds, make the runs comparable on a machine shared with other jobs; the
training seconds of each run (evaluation excluded) are recorded too. The results go to
``experiments/results/dcgan_experiments.json``, which chapter 6 prints as a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from gan_lib import config
from gan_lib.images import dcgan, digit_metrics, mnist

OUTPUT = Path(__file__).resolve().parent / "results" / "dcgan_experiments.json"
EMA = 0.999
HELD_OUT = 0.2  # train on the classifier's training split; its held-out digits stay unseen
BASE = dcgan.Recipe(ema_decay=EMA)
VARIANTS = {
    "baseline": ("plain DCGAN (Adam 2e-4, beta1 0.5, batch 128)", BASE),
    "ttur": ("two time scales: G 1e-4, D 4e-4", BASE.replace(g_lr=1e-4, d_lr=4e-4)),
    "label_smoothing": ("one-sided label smoothing, real label 0.9", BASE.replace(real_label=0.9)),
    "d_narrow": ("discriminator half as wide (32-64 channels)", BASE.replace(d_width=32)),
    "d_wide": ("discriminator twice as wide (128-256 channels)", BASE.replace(d_width=128)),
    "augment": ("DiffAugment: shifts of 2 px and 8 px cutout", BASE.replace(translation=2, cutout=8)),
    "lr_high": ("both learning rates doubled (4e-4)", BASE.replace(g_lr=4e-4, d_lr=4e-4)),
    "g_fast": ("faster generator: G 4e-4, D 2e-4", BASE.replace(g_lr=4e-4)),
    "batch_64": ("batch 64 (twice the steps per image)", BASE.replace(batch_size=64)),
    "g_refine": ("generator with a 28x28x32 stage + 3x3 conv", BASE.replace(g_refine=True)),
    "d_deep": ("discriminator with a third conv (4x4x256)", BASE.replace(d_depth=3)),
    "book": ("chapter 6's recipe (dcgan.BOOK_RECIPE)", dcgan.BOOK_RECIPE),
}


def judge(generator, noise, real=None) -> dict:
    images = np.asarray(generator(noise, training=False))
    report = digit_metrics.evaluate(images, real_images=real)
    result = {
        "classifier_score": round(report.classifier_score, 3),
        "confident": round(report.confident_fraction, 4),
        "min_class_share": round(report.min_class_share, 4),
    }
    if real is not None:
        result["frechet"] = round(report.frechet, 3)
        result["frechet_baseline"] = round(report.frechet_baseline, 3)
    return result


def run(name: str, recipe: dcgan.Recipe, digits, steps: int, eval_every: int, seed: int,
        samples_dir: Path | None = None) -> dict:
    trainer = dcgan.make_trainer(recipe, seed=seed)
    noise = np.random.default_rng(seed + 1).standard_normal((2000, recipe.noise_dim), dtype=np.float32)
    curve, evaluating = [], [0.0]

    def evaluate(trainer, step):
        start = time.perf_counter()
        point = {"step": step, "raw": judge(trainer.generator, noise)}
        if trainer.ema_generator is not None:
            point["ema"] = judge(trainer.ema_generator, noise)
        curve.append(point)
        evaluating[0] += time.perf_counter() - start
        print(f"  {name} step {step}: {json.dumps({k: v for k, v in point.items() if k != 'step'})}", flush=True)

    dataset = mnist.dataset(digits.images, recipe.batch_size, seed=seed)
    start = time.perf_counter()
    trainer.fit(dataset, steps=steps, batch_size=recipe.batch_size, callbacks=[evaluate],
                callback_every=eval_every, progress=False)
    seconds = time.perf_counter() - start - evaluating[0]
    final_noise = np.random.default_rng(seed + 2).standard_normal((10_000, recipe.noise_dim), dtype=np.float32)
    if samples_dir is not None:
        model = trainer.sampling_generator
        np.save(Path(samples_dir) / f"{name}.npy", np.asarray(model(final_noise[:64], training=False)))
    final = {"raw": judge(trainer.generator, final_noise, digits.images)}
    if trainer.ema_generator is not None:
        final["ema"] = judge(trainer.ema_generator, final_noise, digits.images)
    return {
        "recipe": asdict(recipe),
        "steps": steps,
        "train_seconds": round(seconds, 1),
        "images_per_second": round(steps * recipe.batch_size / seconds, 1),
        "curve": curve,
        "final": final,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--samples", type=Path, help="save 64 final samples per variant here (.npy)")
    args = parser.parse_args()

    config.quiet_tensorflow()
    import tensorflow as tf

    digits, _ = mnist.load_mnist(seed=args.seed).split(HELD_OUT)
    results = json.loads(args.output.read_text()) if args.output.exists() else {"runs": {}}
    results["machine"] = {
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "tensorflow": tf.__version__,
        "data": f"{len(digits)} digits from {digits.source}",
    }
    for name in args.variants:
        description, recipe = VARIANTS[name]
        load = os.getloadavg()[0]
        print(f"{name}: {description} (load average {load:.1f} on {os.cpu_count()} CPUs)", flush=True)
        # Equal numbers of training images: a smaller batch gets proportionally more steps.
        steps = round(args.steps * BASE.batch_size / recipe.batch_size)
        every = round(args.eval_every * BASE.batch_size / recipe.batch_size)
        result = run(name, recipe, digits, steps, every, args.seed, args.samples)
        result["description"] = description
        result["load_average_at_start"] = round(load, 1)
        results["runs"][name] = result
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1) + "\n")
        print(f"{name}: {result['images_per_second']} images/s; final {json.dumps(result['final'])}", flush=True)


if __name__ == "__main__":
    main()

"""Steps per second of GANTrainer against an earlier commit's trainer, on the toy GANs of
chapters 4 and 5, measured interleaved in one run.

    python -m experiments.bench_loop                     # against 4cf4111 (one step per call)
    python -m experiments.bench_loop --baseline main --rounds 5 --steps 2000

The baseline's ``gan_lib/training.py`` is read with ``git show REV:gan_lib/training.py``
into a temporary module (it must import only what today's gan_lib still provides), so
the old loop is never kept in gan_lib. The default baseline is the last commit whose
loop made one ``tf.function`` call per step, sampling data and noise in NumPy.
Each round trains every configuration with both trainers for ``--steps`` steps (after a
warm-up that compiles), alternating which goes first; the table gives the median steps/s
over the rounds and their ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tensorflow import keras

from gan_lib import training
from gan_lib.config import cpu_name
from gan_lib.probability import Gaussian, GaussianMixture
from gan_lib.toy import data, models

ROOT = Path(__file__).resolve().parents[1]

# name: (sampler, data dim, noise dim, G hidden, D hidden, D options, batch)
CONFIGS = {
    "ch4: 1-D Gaussian, MLP 32x32": (data.sampler_1d(Gaussian(3.0, 1.0)), 1, 4, (32, 32), (32, 32), {}, 256),
    "ch5: 1-D mixture, MLP 32x32": (
        data.sampler_1d(GaussianMixture((0.5, 0.5), (-3.0, 3.0), (0.5, 0.5))), 1, 4, (32, 32), (32, 32), {}, 256),
    "ch5: ring, plain GAN": (data.ring_sampler(8, 2.0, 0.02), 2, 8, (128,) * 3, (128,) * 2, {}, 256),
    "ch5: ring, PacGAN (pack 4)": (data.ring_sampler(8, 2.0, 0.02), 2, 8, (128,) * 3, (128,) * 2, {"pack": 4}, 256),
    "ch5: ring, minibatch std": (
        data.ring_sampler(8, 2.0, 0.02), 2, 8, (128,) * 3, (128,) * 2, {"minibatch_std": True}, 256),
}


def baseline_module(revision: str):
    """``gan_lib/training.py`` as of ``revision``, imported as a separate module."""
    source = subprocess.run(["git", "show", f"{revision}:gan_lib/training.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_training.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_training", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def make(module, config):
    sampler, dim, noise, g_hidden, d_hidden, d_options, _ = config
    keras.utils.set_random_seed(0)
    G = models.mlp_generator(noise, dim, hidden=g_hidden)
    D = models.mlp_discriminator(dim, hidden=d_hidden, **d_options)
    return module.GANTrainer(G, D, noise_dim=noise, generator_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                             discriminator_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))


def steps_per_second(trainer, config, steps: int) -> float:
    start = time.perf_counter()
    trainer.fit(config[0], steps=trainer.step + steps, batch_size=config[-1], progress=False)
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="4cf4111", help="git revision of the old trainer")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    old = baseline_module(args.baseline)
    print(f"{cpu_name()}, {os.cpu_count()} logical CPUs; load average before: {os.getloadavg()[0]:.2f}")
    rates = {name: {"old": [], "new": []} for name in CONFIGS}
    trainers = {}
    for name, config in CONFIGS.items():
        trainers[name] = {"old": make(old, config), "new": make(training, config)}
        for trainer in trainers[name].values():
            steps_per_second(trainer, config, 50)  # compile
    for round_ in range(args.rounds):
        for name, config in CONFIGS.items():
            order = ("old", "new") if round_ % 2 == 0 else ("new", "old")
            for which in order:
                rates[name][which].append(steps_per_second(trainers[name][which], config, args.steps))
    print(f"load average after: {os.getloadavg()[0]:.2f}; median of {args.rounds} rounds of {args.steps} steps")
    print(f"{'configuration (batch 256)':32s} {'old steps/s':>11s} {'new steps/s':>11s} {'ratio':>6s}")
    for name in CONFIGS:
        before, after = (statistics.median(rates[name][w]) for w in ("old", "new"))
        print(f"{name:32s} {before:11.0f} {after:11.0f} {after / before:5.2f}x")


if __name__ == "__main__":
    main()

"""Benchmark GANTrainer's step with and without XLA (``jit_compile``) on the toy GANs.

    .venv/bin/python -m experiments.bench_train_step [--steps 400] [--repeats 5]

For each toy configuration it trains one GAN per setting, then times ``--steps`` more
training steps per setting, alternating the settings ``--repeats`` times (so that load
from other processes on a shared machine hits both alike), and prints the median
steps per second and the ratio XLA / baseline measured in the same run. ``GANTrainer``'s
default, ``jit_compile=False`` (no XLA), was chosen from this benchmark (see its docstring).
The networks come from ``gan_lib.toy.models.make_trainer`` with a constant learning rate
of 1e-4 and Adam's default beta_1 = 0.9.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gan_lib.probability import Gaussian
from gan_lib.toy import data, models

CONFIGS = {
    # name: (sampler, data dim, noise dim, hidden widths, d_steps, batch size)
    "1-D Gaussian, MLP 32x32, k=1, batch 256": (data.sampler_1d(Gaussian(3.0, 1.0)), 1, 4, (32, 32), 1, 256),
    "1-D Gaussian, MLP 32x32, k=5, batch 256": (data.sampler_1d(Gaussian(3.0, 1.0)), 1, 4, (32, 32), 5, 256),
    "2-D ring, MLP 128x128x128, k=1, batch 512": (data.ring_sampler(), 2, 2, (128, 128, 128), 1, 512),
}


def make_trainer(dim, noise_dim, hidden, d_steps, jit_compile):
    return models.make_trainer(
        dim, noise_dim, hidden=hidden, learning_rate=1e-4, beta_1=0.9, seed=0,
        d_steps=d_steps, jit_compile=jit_compile,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400, help="timed steps per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'configuration':44s} {'baseline steps/s':>17s} {'XLA steps/s':>12s} {'XLA / baseline':>15s}")
    for name, (sampler, dim, noise_dim, hidden, d_steps, batch) in CONFIGS.items():
        trainers = {jit: make_trainer(dim, noise_dim, hidden, d_steps, jit) for jit in (False, True)}
        rates = {False: [], True: []}
        for trainer in trainers.values():  # trace and compile outside the timing
            trainer.fit(sampler, steps=20, batch_size=batch, progress=False)
        for _ in range(args.repeats):
            for jit, trainer in trainers.items():
                start = time.perf_counter()
                trainer.fit(sampler, steps=trainer.step + args.steps, batch_size=batch, progress=False)
                rates[jit].append(args.steps / (time.perf_counter() - start))
        base, xla = np.median(rates[False]), np.median(rates[True])
        print(f"{name:44s} {base:17.0f} {xla:12.0f} {xla / base:15.2f}")


if __name__ == "__main__":
    main()

"""Does mixed precision pay on this machine? Chapter 6's DCGAN (``dcgan.BOOK_RECIPE``,
DiffAugment included) trained under float32 and under a mixed policy, interleaved.

    python -m experiments.bench_precision                    # 2 seeds x 600 steps each
    python -m experiments.bench_precision --policy mixed_bfloat16 --steps 1000 --seeds 0 1 2

Every (policy, seed) run advances ``--chunk`` steps in turn, so all runs share the
machine's load alike; images/s is each policy's total images over its training seconds.
At equal steps, the classifier score of 2,000 samples of each run's sampling generator
(``gan_lib.images.digit_metrics``) tells whether the policy costs quality. The result
decides ``gan_lib.config``'s precision default for this CPU type.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from gan_lib import config, sampling
from gan_lib.images import dcgan, digit_metrics, mnist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="mixed_bfloat16", choices=config.PRECISIONS[1:])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    config.quiet_tensorflow()
    digits = mnist.load_mnist(verbose=True)
    recipe = dcgan.BOOK_RECIPE
    data = mnist.dataset(digits.images, batch_size=recipe.batch_size, seed=0)
    print(f"{config.cpu_description()}; load average before: {os.getloadavg()[0]:.2f}")
    runs = {}
    for policy in ("float32", args.policy):
        for seed in args.seeds:
            trainer = dcgan.make_trainer(recipe, seed=seed, precision=policy)
            runs[policy, seed] = {"trainer": trainer, "seconds": 0.0}
    for run in runs.values():  # compile
        run["trainer"].fit(data, steps=2, batch_size=recipe.batch_size, progress=False)
    done = 2
    while done < args.steps:
        done = min(args.steps, done + args.chunk)
        for run in runs.values():
            start = time.perf_counter()
            run["trainer"].fit(data, steps=done, batch_size=recipe.batch_size, progress=False)
            run["seconds"] += time.perf_counter() - start
    print(f"load average after: {os.getloadavg()[0]:.2f}; {args.steps} steps of batch "
          f"{recipe.batch_size} per run, seeds {args.seeds}")
    noise = sampling.noise(2000, recipe.noise_dim, 123)
    print(f"{'policy':16s} {'images/s':>9s} {'classifier score per seed (2,000 samples)':>44s}")
    rates = {}
    for policy in ("float32", args.policy):
        images = (args.steps - 2) * recipe.batch_size * len(args.seeds)
        seconds = sum(runs[policy, s]["seconds"] for s in args.seeds)
        scores = []
        for seed in args.seeds:
            samples = np.asarray(runs[policy, seed]["trainer"].sampling_generator(noise, training=False), np.float32)
            scores.append(digit_metrics.classifier_score(digit_metrics.classify(samples)[0]))
        rates[policy] = images / seconds
        print(f"{policy:16s} {rates[policy]:9.0f} {'  '.join(f'{s:.2f}' for s in scores):>44s}")
    print(f"{args.policy} / float32: {rates[args.policy] / rates['float32']:.2f}x images/s")


if __name__ == "__main__":
    main()

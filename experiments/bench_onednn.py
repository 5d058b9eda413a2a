"""Benchmark TensorFlow's oneDNN CPU kernels (``TF_ENABLE_ONEDNN_OPTS``) on chapter 6's training step.

    PYTHONPATH=$PWD .venv/bin/python experiments/bench_onednn.py [--steps 30] [--repeats 3]

TensorFlow turns its oneDNN kernels on by default only on CPUs it recognises as recent
Intel ones; elsewhere (e.g. AMD EPYC) they stay off unless ``TF_ENABLE_ONEDNN_OPTS=1``
is set before TensorFlow is imported. Importing ``gan_lib`` sets it (unless the variable
is already set), and this script measures whether that pays: each setting runs in its
own Python process (the variable is read once, at import), which trains the DCGAN of
``dcgan.BOOK_RECIPE`` and of the plain recipe for a few warm-up steps and then times
``--steps`` steps. The settings alternate ``--repeats`` times, so that load from other
processes hits both alike; the script prints the median milliseconds per step and the
ratio off / on measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from gan_lib.config import cpu_name

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys, time
from gan_lib.images import dcgan, mnist
import tensorflow as tf

steps = int(sys.argv[1])
images = mnist.load_mnist(seed=0, verbose=False).images
times = {}
for name, recipe in (("book", dcgan.BOOK_RECIPE), ("plain", dcgan.Recipe())):
    trainer = dcgan.make_trainer(recipe, seed=0)
    data = mnist.dataset(images, recipe.batch_size, seed=0)
    trainer.fit(data, steps=5, batch_size=recipe.batch_size, progress=False)
    start = time.perf_counter()
    trainer.fit(data, steps=5 + steps, batch_size=recipe.batch_size, progress=False)
    times[name] = (time.perf_counter() - start) / steps
print(json.dumps({"ms_per_step": times, "tensorflow": tf.__version__}))
"""


def time_setting(onednn: str, steps: int) -> dict:
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": onednn, "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(steps)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {"0": [], "1": []}
    for _ in range(args.repeats):
        for setting in results:
            results[setting].append(time_setting(setting, args.steps))
    cpu = cpu_name()
    print(f"{cpu}, {os.cpu_count()} cores, TensorFlow {results['1'][0]['tensorflow']}; "
          f"median of {args.repeats} runs of {args.steps} steps")
    print(f"{'model':8s}{'oneDNN off':>14s}{'oneDNN on':>14s}{'speed-up':>10s}")
    for model in ("book", "plain"):
        off, on = (1000 * statistics.median(r["ms_per_step"][model] for r in results[s]) for s in ("0", "1"))
        print(f"{model:8s}{off:>11.0f} ms{on:>11.0f} ms{off / on:>9.2f}x")


if __name__ == "__main__":
    main()

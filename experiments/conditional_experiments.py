"""Chapter 10's study: four conditional GANs on MNIST, 3 seeds each, at equal generator steps.

    python experiments/conditional_experiments.py                   # the study, 600 steps a run
    python experiments/conditional_experiments.py --steps 50 --seeds 0 --output /tmp/c.json

The variants are chapter 10's recipe (``gan_lib.images.conditional.BOOK_RECIPE``: chapter
6's book recipe with the label) with the label given to the networks in four ways:

* ``concat``: G embedding + D one-hot channels (the convolutional form of Mirza and
  Osindero 2014);
* ``projection``: G embedding + projection D (Miyato and Koyama 2018), the chapter's model;
* ``acgan``: G embedding + D with an auxiliary classifier (Odena et al. 2017);
* ``cbn``: conditional batch normalization in G + projection D (Miyato and Koyama's setup).

Every run trains ``--steps`` generator steps (batch 64) on the 4,000 training digits of
the classifier's split, then is judged as chapter 10 judges: 500 samples of every digit
(``digit_metrics.evaluate_conditional``: label accuracy, classifier score, Frechet
distance overall and per class) and the z/y separation measurement
(``gan_lib.images.conditional_style.measure``). Steps, not seconds, make runs comparable
on a shared machine. The cost of a step is measured separately, before the runs, in
interleaved rounds (every variant timed in turn, ``--timing-rounds`` rounds of
``--timing-steps`` steps after a warm-up), and reported as a ratio to ``projection``:
a ratio is robust to the machine's changing speed, seconds are not.

Each finished run is written to the results file at once, and runs already there are
skipped (``--fresh`` starts over), so an interrupted study resumes where it stopped. The
results go to ``experiments/results/conditional_experiments.json`` (and a Markdown table
beside it), which chapter 10 reads.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from gan_lib import config, sampling
from gan_lib.images import conditional, conditional_style, digit_metrics, mnist

OUTPUT = Path(__file__).resolve().parent / "results" / "conditional_experiments.json"
HELD_OUT = 0.2  # as chapter 10: the classifier's held-out digits stay unseen
PER_CLASS = 500
BOOK = conditional.BOOK_RECIPE
VARIANTS = {
    "concat": ("G: embedding; D: one-hot channels", BOOK.replace(label_mode="concat")),
    "projection": ("G: embedding; D: projection (the chapter's)", BOOK),
    "acgan": ("G: embedding; D: auxiliary classifier (AC-GAN)", BOOK.replace(label_mode="acgan")),
    "cbn": ("G: conditional BN; D: projection", BOOK.replace(g_label="cbn")),
}


def _data(train, recipe):
    return mnist.dataset(train.images, recipe.batch_size, seed=0, labels=train.labels)


def step_cost(train, names, rounds: int, steps: int, seed: int = 0) -> dict:
    """Seconds per generator step of each variant, timed in interleaved rounds after a
    warm-up (the compile and first steps), and the ratio of each median to projection's."""
    trainers = {name: conditional.make_trainer(VARIANTS[name][1], seed=seed) for name in names}
    data = {name: _data(train, VARIANTS[name][1]) for name in names}
    for name, trainer in trainers.items():
        trainer.fit(data[name], steps=5, batch_size=VARIANTS[name][1].batch_size, progress=False)
    seconds = {name: [] for name in names}
    for _ in range(rounds):
        for name, trainer in trainers.items():
            start = time.perf_counter()
            trainer.fit(data[name], steps=trainer.step + steps, batch_size=VARIANTS[name][1].batch_size,
                        progress=False)  # fit trains until trainer.step == steps
            seconds[name].append((time.perf_counter() - start) / steps)
    medians = {name: float(np.median(s)) for name, s in seconds.items()}
    reference = medians.get("projection", next(iter(medians.values())))
    return {"rounds": rounds, "steps_per_round": steps, "seconds_per_step": seconds,
            "median_seconds": medians, "ratio_to_projection": {n: m / reference for n, m in medians.items()},
            "load_average_at_start": round(os.getloadavg()[0], 2)}


def one_run(name: str, seed: int, steps: int, train, per_class: int = PER_CLASS, grid: int = 200) -> dict:
    """Train variant ``name`` for ``steps`` generator steps with ``seed``; judge it with
    ``per_class`` samples of every digit and a separation grid of ``grid`` noise vectors."""
    recipe = VARIANTS[name][1]
    load = round(os.getloadavg()[0], 2)
    trainer = conditional.make_trainer(recipe, seed=seed)
    start = time.perf_counter()
    trainer.fit(_data(train, recipe), steps=steps, batch_size=recipe.batch_size, progress=False)
    seconds = time.perf_counter() - start
    G = trainer.sampling_generator
    requested = np.repeat(np.arange(10), per_class)
    images = sampling.sample(G, sampling.noise(len(requested), recipe.noise_dim, seed=1000 + seed), requested)
    report = digit_metrics.evaluate_conditional(images, requested, train.images, train.labels, seed=seed)
    separation = conditional_style.measure(G, recipe.noise_dim, n=grid, seed=2000 + seed)
    return {
        "variant": name, "seed": seed, "steps": trainer.step, "train_seconds": round(seconds, 1),
        "load_average_at_start": load,
        "label_accuracy": report.label_accuracy,
        "classifier_score": report.overall.classifier_score,
        "confident_fraction": report.overall.confident_fraction,
        "frechet": report.overall.frechet, "frechet_baseline": report.overall.frechet_baseline,
        "accuracy_per_class": report.accuracy.tolist(),
        "frechet_per_class": report.frechet.tolist(),
        "frechet_baseline_per_class": report.frechet_baseline.tolist(),
        "grid_label_accuracy": separation.label_accuracy,
        "r_same": separation.r_same, "r_independent": separation.r_independent,
        "final_d_loss": float(trainer.history.d_loss[-1]), "final_g_loss": float(trainer.history.g_loss[-1]),
    }


def markdown_table(results: dict) -> str:
    rows = ["| variant | seed | steps | label acc. | score | FD (real-real) | r_same slant | "
            "r_same ink | train s | load |",
            "|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in results["runs"]:
        rows.append(
            f"| {run['variant']} | {run['seed']} | {run['steps']:,} | {run['label_accuracy']:.1%} | "
            f"{run['classifier_score']:.2f} | {run['frechet']:.2f} ({run['frechet_baseline']:.2f}) | "
            f"{run['r_same']['slant']:.2f} | {run['r_same']['ink']:.2f} | {run['train_seconds']:.0f} | "
            f"{run['load_average_at_start']} |")
    cost = results.get("step_cost")
    if cost:
        rows.append("")
        rows.append("Cost of a step, ratio to projection (median of interleaved rounds): "
                    + ", ".join(f"{n} {r:.2f}" for n, r in cost["ratio_to_projection"].items()))
    return "\n".join(rows) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--per-class", type=int, default=PER_CLASS, help="samples of every digit judged")
    parser.add_argument("--grid", type=int, default=200, help="noise vectors of the separation grid")
    parser.add_argument("--timing-rounds", type=int, default=3)
    parser.add_argument("--timing-steps", type=int, default=15)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--fresh", action="store_true", help="discard the runs already in --output")
    args = parser.parse_args(argv)
    config.quiet_tensorflow()
    digits = mnist.load_mnist(seed=0, verbose=False)
    train, _ = digits.split(HELD_OUT)
    results = {"runs": []}
    if args.output.exists() and not args.fresh:
        results = json.loads(args.output.read_text())
        kept = {key: results.get(key) for key in ("steps", "per_class_samples", "grid_noise_vectors")}
        if kept != {"steps": args.steps, "per_class_samples": args.per_class, "grid_noise_vectors": args.grid}:
            raise SystemExit(f"{args.output} holds runs with {kept}; rerun with those settings "
                             "or start over with --fresh (one budget per results file)")
    results.update({
        "steps": args.steps, "grid_noise_vectors": args.grid,
        "description": {name: VARIANTS[name][0] for name in VARIANTS},
        "recipe": {name: repr(VARIANTS[name][1]) for name in VARIANTS},
        "per_class_samples": args.per_class, "training_digits": len(train),
        "machine": {"cpu": config.cpu_name(), "cpus": os.cpu_count()},
    })

    def save():
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1) + "\n")
        args.output.with_suffix(".md").write_text(markdown_table(results))

    if "step_cost" not in results:
        results["step_cost"] = step_cost(train, args.variants, args.timing_rounds, args.timing_steps)
        save()
        print("cost per step, ratio to projection:", results["step_cost"]["ratio_to_projection"], flush=True)
    done = {(run["variant"], run["seed"], run["steps"]) for run in results["runs"]}
    for seed in args.seeds:
        for name in args.variants:
            if (name, seed, args.steps) in done:
                continue
            run = one_run(name, seed, args.steps, train, args.per_class, args.grid)
            results["runs"].append(run)
            save()
            print(f"{name} seed {seed}: label accuracy {run['label_accuracy']:.1%}, score "
                  f"{run['classifier_score']:.2f}, FD {run['frechet']:.2f}, {run['train_seconds']:.0f} s",
                  flush=True)


if __name__ == "__main__":
    main()

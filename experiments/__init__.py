"""Benchmarks and experiments; run each from the repository root: ``python -m experiments.NAME``.

Their saved results live in ``experiments/results/``.
"""

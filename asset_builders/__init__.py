"""Scripts that produce the files ``gan_lib`` ships (``gan_lib/images/assets/``).

Run from the repository root: ``python -m asset_builders.train_classifier``.
"""

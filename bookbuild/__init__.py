"""The book's machinery: quick book, student edition, setup cell, timings, nbval plugins.

``bookbuild.layout`` is the one place that knows where the book's files are. Run the
scripts from the repository root: ``python -m bookbuild.quick_book`` and so on.
"""

